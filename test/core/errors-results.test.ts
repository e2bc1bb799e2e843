/** Unit tests of the shared error text and the answer a sender reads. */
import { errorText, ERROR_TEXT_MAX } from '../../src/core/errors';
import { failure, publicResult } from '../../src/core/results';

describe('errorText', () => {
  it("takes an Error's message, or anything's string message, else the value as text", () => {
    expect(errorText(new Error('Sheet is full'))).toBe('Sheet is full');
    expect(errorText({ message: 'from the server' })).toBe('from the server');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(null)).toBe('null');
    expect(errorText({ message: 42 })).toBe('[object Object]');
  });
  it('cuts the text to the limit given, 500 by default', () => {
    const long = 'x'.repeat(ERROR_TEXT_MAX + 100);
    expect(errorText(new Error(long))).toHaveLength(500);
    expect(errorText(new Error(long), Number.POSITIVE_INFINITY)).toHaveLength(600);
    expect(errorText('abcdef', 3)).toBe('abc');
  });
});

describe('results', () => {
  it('answers a failure with ok false and its code', () => {
    expect(failure('unauthorized', 'Missing token')).toEqual({ ok: false, error: { code: 'unauthorized', message: 'Missing token' } });
  });
  it('shows a message only when the event has one', () => {
    expect(publicResult({ hook: 'H', sheet: 'S', action: 'appended', row: 3 })).toEqual({
      hook: 'H',
      sheet: 'S',
      action: 'appended',
      row: 3,
    });
    expect(Object.keys(publicResult({ hook: 'H', sheet: 'S', action: 'appended', row: 3, message: '' }))).not.toContain('message');
    expect(publicResult({ hook: 'H', sheet: '', action: 'failed', row: null, message: 'bad' }).message).toBe('bad');
  });
});
