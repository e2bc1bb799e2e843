/** parseJsonExact: integers beyond 2^53 stay exact as digit strings; everything else parses as JSON.parse would. */
import { parseJsonExact } from '../../src/core/json';

const parseError = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parses`);
};

describe('parseJsonExact', () => {
  it('parses text without long digit runs as JSON.parse does', () => {
    expect(parseJsonExact('{"a":1,"b":[true,null,"x"],"c":-2.5e3}')).toEqual({ a: 1, b: [true, null, 'x'], c: -2500 });
  });
  it('reads an integer beyond the exact range as its digits', () => {
    expect(parseJsonExact('12345678901234567890')).toBe('12345678901234567890');
    expect(parseJsonExact('{"id":12345678901234567890,"next":12345678901234567891}')).toEqual({
      id: '12345678901234567890',
      next: '12345678901234567891',
    });
  });
  it('draws the line at 2^53 - 1, for either sign', () => {
    expect(parseJsonExact('[9007199254740991,9007199254740992,-9007199254740991,-9007199254740993]')).toEqual([
      9007199254740991,
      '9007199254740992',
      -9007199254740991,
      '-9007199254740993',
    ]);
  });
  it('keeps long integers that are still exact as numbers', () => {
    expect(parseJsonExact('[1234567890123456, -1234567890123456, 0.1234567890123456]')).toEqual([
      1234567890123456, -1234567890123456, 0.1234567890123456,
    ]);
  });
  it('leaves fractions and exponents to JSON.parse', () => {
    expect(parseJsonExact('[12345678901234567890.5, 12345678901234567890e2, 12345678901234567890E-2]')).toEqual([
      Number('12345678901234567890.5'),
      Number('12345678901234567890e2'),
      Number('12345678901234567890e-2'),
    ]);
    expect(parseJsonExact('[12345678901234567890e2]')).toEqual([1.2345678901234568e21]);
  });
  it('reads a long fraction or exponent whole, so a later long integer still stays exact', () => {
    expect(
      parseJsonExact('[12345678901234567890.5,0.12345678901234567890,1e12345678901234567890,12345678901234567890e+2,12345678901234567891]'),
    ).toEqual([
      Number('12345678901234567890.5'),
      Number('0.12345678901234567890'),
      Infinity,
      Number('12345678901234567890e+2'),
      '12345678901234567891',
    ]);
  });
  it('does not touch digits inside strings, escaped quotes included', () => {
    expect(
      parseJsonExact('{"12345678901234567890":"12345678901234567890","s":"a\\"12345678901234567890\\\\","n":12345678901234567891}'),
    ).toEqual({
      '12345678901234567890': '12345678901234567890',
      s: 'a"12345678901234567890\\',
      n: '12345678901234567891',
    });
  });
  it('quotes each of several long integers in place, text around them unchanged', () => {
    expect(parseJsonExact(' [ 1, 99999999999999999999 , "x", 88888888888888888888] ')).toEqual([
      1,
      '99999999999999999999',
      'x',
      '88888888888888888888',
    ]);
  });
  it("throws JSON.parse's error for the text as sent, positions included", () => {
    const text = '{"a":12345678901234567890,}';
    expect(() => parseJsonExact(text)).toThrow(new SyntaxError(parseError(text)));
    expect(parseError(text)).toContain('position 26');
  });
  it('throws for an unterminated string after a long integer', () => {
    const text = '[12345678901234567890,"abc';
    expect(() => parseJsonExact(text)).toThrow(new SyntaxError(parseError(text)));
  });
  it('throws for a minus sign without digits', () => {
    const text = '[-, 12345678901234567890]';
    expect(() => parseJsonExact(text)).toThrow(new SyntaxError(parseError(text)));
  });
  it('throws for invalid text that has no long integer', () => {
    expect(() => parseJsonExact('{"a":1234567890123456789x}')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{')).toThrow(new SyntaxError(parseError('{')));
  });
});
