/** Cell values: ISO timestamps, the text guard, cutting long text, rich text as plain text, and typing per column. */
import { runInNewContext } from 'node:vm';
import {
  CELL_TEXT_BUDGET,
  cutText,
  fitCellText,
  htmlToText,
  isDate,
  isRichText,
  needsTextGuard,
  parseIsoTimestamp,
  readBackForms,
  textCell,
  toCellValue,
  writtenText,
  writtenValue,
} from '../../src/core/values';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));

describe('parseIsoTimestamp', () => {
  it('reads a date-time with Z, with or without seconds and fraction', () => {
    expect(parseIsoTimestamp('2025-05-09T14:30:07Z')).toEqual(utc(2025, 5, 9, 14, 30, 7));
    expect(parseIsoTimestamp('2025-05-09T14:30Z')).toEqual(utc(2025, 5, 9, 14, 30));
    expect(parseIsoTimestamp('2025-05-09T14:30:07.123Z')).toEqual(utc(2025, 5, 9, 14, 30, 7, 123));
    expect(parseIsoTimestamp('2025-05-09T14:30:07.123456789Z')).toEqual(utc(2025, 5, 9, 14, 30, 7, 123));
  });
  it('applies the offset, with or without a colon', () => {
    expect(parseIsoTimestamp('2025-05-09T14:30:00+02:00')).toEqual(utc(2025, 5, 9, 12, 30));
    expect(parseIsoTimestamp('2025-05-09T14:30:00-0130')).toEqual(utc(2025, 5, 9, 16, 0));
  });
  it('accepts a space between date and time', () => {
    expect(parseIsoTimestamp('2025-05-09 14:30:00Z')).toEqual(utc(2025, 5, 9, 14, 30));
  });
  it('accepts the edges of each field', () => {
    expect(parseIsoTimestamp('2025-01-01T00:00:00Z')).toEqual(utc(2025, 1, 1));
    expect(parseIsoTimestamp('2025-12-31T23:59:59Z')).toEqual(utc(2025, 12, 31, 23, 59, 59));
  });
  it.each([
    '2025-00-09T14:30:00Z',
    '2025-13-09T14:30:00Z',
    '2025-05-00T14:30:00Z',
    '2025-05-32T14:30:00Z',
    '2025-05-09T24:00:00Z',
    '2025-05-09T14:60:00Z',
    '2025-05-09T14:30:60Z',
  ])('refuses the out-of-range %s', (text) => {
    expect(parseIsoTimestamp(text)).toBeNull();
  });
  it.each([
    '2025-05-09T14:30:00',
    '2025-05-09',
    'x2025-05-09T14:30:00Z',
    '2025-05-09T14:30:00Zx',
    '25-05-09T14:30:00Z',
    '2025-5-09T14:30:00Z',
    '2025-05-9T14:30:00Z',
    '2025-05-09T4:30:00Z',
    '2025-05-09T14:3:00Z',
    '2025-05-09T14:30:0Z',
    '2025-05-09T14:30:00.Z',
    '2025-05-09T14:30:00.1234567890Z',
    '2025-05-09X14:30:00Z',
    '2025-05-09T14:30:00+2:00',
    '2025-05-09T14:30:00+02:0',
    'abcd-ef-ghTij:kl:mnZ',
  ])('is not a timestamp: %s', (text) => {
    expect(parseIsoTimestamp(text)).toBeNull();
  });
});

describe('needsTextGuard', () => {
  it('leaves plain words and the empty string alone', () => {
    for (const text of ['', 'abc', 'Hello world', 'truex', 'xtrue', 'n/a', 'a=b', 'a#b', "it's"]) expect(needsTextGuard(text)).toBe(false);
  });
  it.each([
    '=SUM(A1)',
    '+x',
    '-x',
    '@x',
    "'x",
    '#N/A',
    ' x',
    '\tx',
    '\rx',
    'x ',
    'x\n',
    'a1',
    '5',
    '\u0001x',
    '\u001fx',
    'true',
    'FALSE',
    'True',
  ])('guards %j', (text) => {
    expect(needsTextGuard(text)).toBe(true);
  });
  it('does not guard a control character that is not at the start', () => {
    expect(needsTextGuard('x\u0001y')).toBe(false);
    expect(needsTextGuard('\u007fx')).toBe(false);
  });
});

describe('textCell, writtenText, writtenValue, readBackForms', () => {
  it('puts an apostrophe before guarded text only', () => {
    expect(textCell('00123')).toBe("'00123");
    expect(textCell('abc')).toBe('abc');
  });
  it('reads back the text in both worlds', () => {
    expect(writtenText("'00123")).toBe('00123');
    expect(writtenText('00123')).toBe('00123');
    expect(writtenText("'abc")).toBe("'abc");
    expect(writtenText("''x")).toBe("'x");
    expect(writtenText('')).toBe('');
  });
  it('applies writtenText to text only', () => {
    expect(writtenValue("'5")).toBe('5');
    expect(writtenValue(5)).toBe(5);
    expect(writtenValue(true)).toBe(true);
    expect(writtenValue(null)).toBeNull();
  });
  it('lists both forms of guarded text, one form of plain text', () => {
    expect(readBackForms('5')).toEqual(['5', "'5"]);
    expect(readBackForms('abc')).toEqual(['abc']);
  });
});

describe('fitCellText', () => {
  it('keeps text up to the budget', () => {
    const text = 'a'.repeat(CELL_TEXT_BUDGET);
    expect(fitCellText(text)).toBe(text);
    expect(CELL_TEXT_BUDGET).toBe(49800);
  });
  it('cuts longer text to the budget, ending with a marker naming the full length', () => {
    const marker = ' … [cut: 49801 characters in all; the full text is in the Webhook log]';
    const out = fitCellText('b'.repeat(CELL_TEXT_BUDGET + 1));
    expect(out).toBe('b'.repeat(CELL_TEXT_BUDGET - marker.length) + marker);
    expect(out.length).toBe(CELL_TEXT_BUDGET);
  });
});

describe('cutText', () => {
  const text = '0123456789'.repeat(10);
  it('keeps text up to maxChars', () => {
    expect(cutText(text, 100)).toBe(text);
  });
  it('cuts to maxChars with a marker giving the full length', () => {
    expect(cutText(text, 50)).toBe('0123456789012345678 … [cut: 100 characters in all]');
    expect(cutText(text, 50).length).toBe(50);
  });
  it('is the marker alone when maxChars is shorter than the marker', () => {
    expect(cutText(text, 10)).toBe(' … [cut: 100 characters in all]');
  });
});

describe('htmlToText', () => {
  it("turns iClosed's rich text into lines", () => {
    const html =
      '<!DOCTYPE quill-output-html><p>Hello&nbsp;<b>World</b></p><p>Line<br/>two<BR>three< br /></p>' +
      '<ul><li>One</li><li class="x">Two</li></ul><h2>Title</h2 ><div>d</div><blockquote>q</blockquote><pre>p</pre><table><tr><td>c</td></tr></table>';
    expect(htmlToText(html)).toBe('Hello World\nLine\ntwo\nthree\n\n• One\n• Two\nTitle\nd\nq\np\nc');
  });
  it('drops spaces before a line end and keeps at most one empty line', () => {
    expect(htmlToText('<p>a  \t</p><p></p><p></p><p></p><p>b</p>')).toBe('a\n\nb');
    expect(htmlToText('<p>a</p><p></p><p>b</p>')).toBe('a\n\nb');
  });
  it('drops spaces and tabs at the end of each line', () => {
    expect(htmlToText('<p>a \t</p><p>b</p>')).toBe('a\nb');
  });
  it('drops the DOCTYPE up to its first >, before reading any tag inside it', () => {
    expect(htmlToText('<!DOCTYPE x<br>a')).toBe('a');
  });
  it('trims the result', () => {
    expect(htmlToText('  <p> x </p>  ')).toBe('x');
  });
  it('decodes named entities in any case, and leaves unknown ones', () => {
    expect(htmlToText('&amp; &lt; &gt; &quot; &apos; &AMP; &Lt; &bogus; &amp')).toBe('& < > " \' & < &bogus; &amp');
  });
  it('decodes decimal and hex character references up to U+10FFFF', () => {
    expect(htmlToText('&#65;&#x42;&#X43;&#x1F600;&#1114111;')).toBe('ABC\u{1F600}\u{10FFFF}');
    expect(htmlToText('a&#0;b')).toBe('a\u0000b');
    expect(htmlToText('&#1114112; &#x110000;')).toBe('&#1114112; &#x110000;');
    expect(htmlToText('&#xZZ; &#;')).toBe('&#xZZ; &#;');
  });
});

describe('isRichText', () => {
  it('is true for text starting with the quill DOCTYPE, in any case, after white space', () => {
    expect(isRichText('<!DOCTYPE quill-output-html><p>x</p>')).toBe(true);
    expect(isRichText(' \n<!doctype   QUILL-output-html>')).toBe(true);
    expect(isRichText('<p>x</p>')).toBe(false);
    expect(isRichText('x <!DOCTYPE quill-output-html>')).toBe(false);
    expect(isRichText('<!DOCTYPEquill>')).toBe(false);
    expect(isRichText('<!DOCTYPE html>')).toBe(false);
  });
});

describe('toCellValue', () => {
  it('writes null as an empty cell whatever the typing', () => {
    for (const typing of ['auto', 'text', 'number', 'date'] as const) expect(toCellValue(null, typing)).toBe('');
  });
  it('keeps numbers as numbers, or exact text under text typing', () => {
    expect(toCellValue(42)).toBe(42);
    expect(toCellValue(42, 'number')).toBe(42);
    expect(toCellValue(42, 'date')).toBe(42);
    expect(toCellValue(42, 'text')).toBe("'42");
    expect(toCellValue(-0.5, 'text')).toBe("'-0.5");
  });
  it('keeps booleans, or TRUE/FALSE text under text typing', () => {
    expect(toCellValue(true)).toBe(true);
    expect(toCellValue(false, 'number')).toBe(false);
    expect(toCellValue(true, 'text')).toBe("'TRUE");
    expect(toCellValue(false, 'text')).toBe("'FALSE");
  });
  it('turns rich text into plain text, detected or declared', () => {
    expect(toCellValue('<!DOCTYPE quill-output-html><p>Notes</p>')).toBe('Notes');
    expect(toCellValue('<p>Declared</p>', 'auto', true)).toBe('Declared');
    expect(toCellValue('<p>Plain</p>', 'auto', false)).toBe('<p>Plain</p>');
  });
  it('reads numeric text as a number under number typing', () => {
    expect(toCellValue(' 42 ', 'number')).toBe(42);
    expect(toCellValue('1e3', 'number')).toBe(1000);
    expect(toCellValue('00123', 'number')).toBe(123);
    expect(toCellValue('abc', 'number')).toBe('abc');
    expect(toCellValue('Infinity', 'number')).toBe('Infinity');
    expect(toCellValue('', 'number')).toBe('');
    expect(toCellValue('  ', 'number')).toBe("'  ");
  });
  it('keeps numeric text exact under auto and text typing', () => {
    expect(toCellValue('00123')).toBe("'00123");
    expect(toCellValue('00123', 'text')).toBe("'00123");
  });
  it('writes ISO timestamps as dates under auto and date typing only', () => {
    const iso = '2025-05-09T14:30:00Z';
    expect(toCellValue(iso)).toEqual(utc(2025, 5, 9, 14, 30));
    expect(toCellValue(iso, 'date')).toEqual(utc(2025, 5, 9, 14, 30));
    expect(toCellValue(iso, 'text')).toBe(`'${iso}`);
    expect(toCellValue(iso, 'number')).toBe(`'${iso}`);
  });
  it('reads any parseable date under date typing, but not under auto', () => {
    const loose = '9 May 2025 10:00:00 GMT';
    expect(toCellValue(loose, 'date')).toEqual(utc(2025, 5, 9, 10));
    expect(toCellValue(loose)).toBe(`'${loose}`);
    expect(toCellValue('not a date', 'date')).toBe('not a date');
    expect(toCellValue('', 'date')).toBe('');
    expect(toCellValue('  ', 'date')).toBe("'  ");
  });
  it('cuts text that does not fit a cell, then guards it', () => {
    const out = toCellValue('7'.repeat(CELL_TEXT_BUDGET + 10)) as string;
    expect(out.length).toBe(CELL_TEXT_BUDGET + 1);
    expect(out.startsWith("'777")).toBe(true);
    expect(out.endsWith(' … [cut: 49810 characters in all; the full text is in the Webhook log]')).toBe(true);
  });
});

describe('isDate', () => {
  it('is true for a Date from this or another realm only', () => {
    expect(isDate(new Date(0))).toBe(true);
    expect(isDate(runInNewContext('new Date(0)'))).toBe(true);
    expect(isDate('2025-05-09')).toBe(false);
    expect(isDate(0)).toBe(false);
    expect(isDate({})).toBe(false);
  });
});
