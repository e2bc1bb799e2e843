/** Unit tests of the shared error text and the answer a sender reads. */
import { errorText, ERROR_TEXT_MAX, sentence } from '../../src/core/errors';
import { answerAsKept, failure, publicResult, type PostResponse } from '../../src/core/results';

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

describe('sentence', () => {
  it('adds a final period to text that does not end like a sentence', () => {
    expect(sentence('Sheet is full')).toBe('Sheet is full.');
    expect(sentence('version 1.2')).toBe('version 1.2.');
    expect(sentence('')).toBe('.');
  });
  it('keeps a final period, question or exclamation mark or ellipsis, and drops trailing spaces only', () => {
    expect(sentence('Done.')).toBe('Done.');
    expect(sentence('Why?')).toBe('Why?');
    expect(sentence('Stop!')).toBe('Stop!');
    expect(sentence('and so on…')).toBe('and so on…');
    expect(sentence('  Done.  \n')).toBe('  Done.');
    expect(sentence('  no room  ')).toBe('  no room.');
  });
});

describe('answerAsKept', () => {
  const failed: PostResponse = {
    ok: false,
    error: {
      code: 'write_failed',
      message: 'The events are kept in the Webhook log and can be replayed. Again: kept in the Webhook log and can be replayed.',
    },
  };
  const written: PostResponse = { ok: true, results: [{ hook: 'H', sheet: 'S', action: 'appended', row: 2 }] };

  it('leaves the answer as it is when the log took the delivery', () => {
    expect(answerAsKept(failed, { where: 'log' })).toBe(failed);
    expect(answerAsKept(written, { where: 'log', reason: 'r' })).toBe(written);
  });
  it("says the delivery is in the script's properties, never in the log, when the log was full", () => {
    const answer = answerAsKept(failed, { where: 'properties', reason: 'the sheet is at its cell limit' });
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'write_failed',
        message:
          "The events are kept in the script's properties and can be replayed. Again: kept in the script's properties and can be replayed.",
      },
      warning:
        "The Webhook log could not take this delivery's row (the sheet is at its cell limit), so the delivery is kept in the script's properties; Replay (sidebar or menu) writes it to the log once there is room.",
    });
    expect(failed.error?.message).toMatch(/Webhook log/);
    const ok = answerAsKept(written, { where: 'properties', reason: 'full' });
    expect(ok.ok).toBe(true);
    expect(ok.results).toEqual(written.results);
    expect(ok.error).toBeUndefined();
    expect(ok.warning).toMatch(/^The Webhook log could not take this delivery's row \(full\)/);
  });
  it('does not answer success for a delivery kept nowhere, and says to send it again', () => {
    const answer = answerAsKept(written, { where: 'nowhere', reason: 'properties are full' });
    expect(answer).toEqual({
      ok: false,
      results: written.results,
      error: {
        code: 'not_kept',
        message:
          "The delivery could not be kept for replay: neither the Webhook log nor the script's properties could take it (properties are full). Send it again.",
      },
    });
    expect(answer.warning).toBeUndefined();
    expect(written.ok).toBe(true);
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
