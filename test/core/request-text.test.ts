/** Query strings and form bodies: decoding pairs, rebuilding Apps Script's parameters, and the log's Request cell. */
import { formPairs, isFormType, parseRequestText, requestParameters, requestText } from '../../src/core/request';

const FORM = 'application/x-www-form-urlencoded';

describe('formPairs', () => {
  it('decodes keys and values, with + as a space, in order', () => {
    expect(formPairs('a=1&d+e=%41%20b&c=x=y')).toEqual([
      ['a', '1'],
      ['d e', 'A b'],
      ['c', 'x=y'],
    ]);
  });
  it('reads a piece without = as a key with an empty value, and skips empty pieces', () => {
    expect(formPairs('&b&&c=&')).toEqual([
      ['b', ''],
      ['c', ''],
    ]);
    expect(formPairs('')).toEqual([]);
  });
  it('reads a piece starting with = as an empty key', () => {
    expect(formPairs('=x&y')).toEqual([
      ['', 'x'],
      ['y', ''],
    ]);
  });
  it('keeps a piece that does not decode as it was sent', () => {
    expect(formPairs('a+%zz=1+%E0')).toEqual([['a+%zz', '1+%E0']]);
    expect(formPairs('%zz+x')).toEqual([['%zz+x', '']]);
  });
});

describe('isFormType', () => {
  it('is true for a form-encoded type in any case, with parameters', () => {
    expect(isFormType('Application/X-WWW-Form-Urlencoded; charset=UTF-8')).toBe(true);
    expect(isFormType('multipart/form-data; boundary=x')).toBe(false);
    expect(isFormType('application/json')).toBe(false);
  });
});

describe('requestParameters', () => {
  it('takes URL pairs first, then form pairs, each key its first value, never token', () => {
    const p = requestParameters('token=s&a=1&a=2&b=', 'a=3&c=4&token=t2', FORM);
    expect(p).toEqual({ a: '1', b: '', c: '4' });
    expect(Object.keys(p)).toEqual(['a', 'b', 'c']);
  });
  it('ignores the body unless it is form-encoded', () => {
    expect(requestParameters('a=1', 'c=4', 'application/json')).toEqual({ a: '1' });
  });
  it('keeps a __proto__ key as plain data', () => {
    const p = requestParameters('__proto__=x&constructor=y', '', 'text/plain');
    expect(Object.keys(p)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
  });
  it('builds an ordinary object its reader may change', () => {
    const p = requestParameters('a=1&b=2', '', 'text/plain');
    p.a = 'changed';
    delete p.b;
    expect(p).toEqual({ a: 'changed' });
  });
});

describe('requestText', () => {
  const type = 'application/json'; // 16 characters
  it('is the content type, then " ?" and the query', () => {
    expect(requestText(type, 'a=1&b=2', 1000)).toBe('application/json ?a=1&b=2');
    expect(requestText(type, '', 1000)).toBe('application/json');
  });
  it('drops empty pieces of the query', () => {
    expect(requestText(type, '&a=1&&b=2&', 1000)).toBe('application/json ?a=1&b=2');
  });
  it('keeps only the whole pairs that fit in maxChars, counting the separator', () => {
    expect(requestText(type, 'a=1&b=2', 25)).toBe('application/json ?a=1&b=2');
    expect(requestText(type, 'a=1&b=2', 24)).toBe('application/json ?a=1');
    expect(requestText(type, 'a=1&b=2', 21)).toBe('application/json ?a=1');
    expect(requestText(type, 'a=1&b=2', 20)).toBe('application/json');
  });
  it('stops at the first pair that does not fit, even if a later one would', () => {
    expect(requestText(type, 'a=1&long=xxxxxxxx&c=3', 26)).toBe('application/json ?a=1');
  });
  it('cuts a content type longer than 200 characters', () => {
    expect(requestText('t'.repeat(250), 'a=1', 1000)).toBe(`${'t'.repeat(200)} ?a=1`);
    expect(requestText('t'.repeat(200), '', 1000)).toBe('t'.repeat(200));
  });
});

describe('parseRequestText', () => {
  it('splits the cell at the first " ?"', () => {
    expect(parseRequestText('application/json ?a=1&b= ?x')).toEqual({ contentType: 'application/json', query: 'a=1&b= ?x' });
    expect(parseRequestText(' text/plain  ?q=1')).toEqual({ contentType: 'text/plain', query: 'q=1' });
  });
  it('reads a cell without a query as the trimmed content type', () => {
    expect(parseRequestText(' text/plain ')).toEqual({ contentType: 'text/plain', query: '' });
    expect(parseRequestText('')).toEqual({ contentType: '', query: '' });
  });
  it('reads a cell with an empty content type and a query', () => {
    expect(parseRequestText(' ?a=1')).toEqual({ contentType: '', query: 'a=1' });
    expect(parseRequestText(requestText('', 'a=1', 100))).toEqual({ contentType: '', query: 'a=1' });
  });
  it('reads back what requestText wrote', () => {
    const text = requestText(FORM, 'hook=callBooked&x=%20', 1000);
    expect(parseRequestText(text)).toEqual({ contentType: FORM, query: 'hook=callBooked&x=%20' });
  });
});
