/** Reading back what the app wrote behind a guard apostrophe, whether or not a cell gives the apostrophe back. */
import { bodyCells, logBody } from '../../src/gas/log';
import { keyCellPattern } from '../../src/gas/sheets';
import { readBackForms, textCell, writtenText } from '../../src/core/values';

/** What Sheets returns for typed input: one leading apostrophe is dropped (normal cells). */
const dropped = (written: string) => (written.startsWith("'") ? written.slice(1) : written);

describe('writtenText', () => {
  it.each(['00123', '+1 555', 'abc', '=x', "'quoted", 'TRUE', '', 'v:2025 fp'])('reads %j back in both worlds', (text) => {
    const written = textCell(text);
    expect(writtenText(written)).toBe(text); // the cell keeps the apostrophe
    if (!/^'[^']*\d/.test(text)) expect(writtenText(dropped(written))).toBe(text); // the cell drops it
  });
  it('never strips an apostrophe the app did not write', () => {
    expect(writtenText("'abc")).toBe("'abc");
    expect(writtenText('abc')).toBe('abc');
  });
});

describe('key lookup pattern', () => {
  it.each(['00123', 'abc', "'x1", 'a.b*c', '["5","x"]'])('matches the key %j whole, with or without the apostrophe', (key) => {
    const re = new RegExp(keyCellPattern(key));
    for (const cell of readBackForms(key)) expect(re.test(cell)).toBe(true);
    expect(re.test(dropped(textCell(key)))).toBe(true);
    expect(re.test(`${key}9`)).toBe(false);
    expect(re.test(`x${key}`)).toBe(false);
  });
});

describe('logged bodies', () => {
  it.each([
    ['an apostrophe at a chunk boundary', 'x'.repeat(45000) + "'1 after"],
    ['apostrophes across a boundary', 'a1'.repeat(22499) + "''''9" + 'z'.repeat(50)],
    ['a short JSON body', '[{"id":5,"name":"O\'Brien"}]'],
  ])('%s reads back whole in both worlds', (_name, body) => {
    const cells = bodyCells(body);
    for (const c of cells) expect(c.length).toBeLessThanOrEqual(50000);
    expect(cells.slice(1).every((c) => !c.startsWith("''"))).toBe(true);
    expect(logBody(cells)).toBe(body);
    expect(logBody(cells.map(dropped))).toBe(body);
  });
});
