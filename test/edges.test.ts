/** Edges of the bundle found by hostile testing: long keys, argument checks, reserved sheets, message text, big integers, dotted keys. */
import { parseJsonExact } from '../src/core/json';
import { TextFinderImpl } from '../local/runtime/textfinder';
import { payload, startApp, type Harness } from './helpers/harness';

/** A call-booked event with its own uuid (the hook's key). */
function callBooked(uuid: string): Record<string, any> {
  const p = payload('call-booked')[0];
  return { ...p, event: { ...p.event, uuid } };
}

describe('one bad event never fails its neighbours', () => {
  it('a key longer than a cell is hashed for search, said so in the Row key cell, and its row is found again', () => {
    const h = startApp();
    const long = 'k'.repeat(60000);
    const first = h.post([callBooked(long), callBooked('good-1')]);
    expect(first.results.map((r: any) => r.action)).toEqual(['appended', 'appended']);
    const keys = h.rows('Call booked').map((r) => String(r['Row key']));
    expect(keys[0]).toMatch(/^\(hashed: a key of 60000 characters, SHA-256\) [A-Za-z0-9_-]{43}$/);
    expect(keys[1]).toBe('good-1');
    // The same long key again, with a change: the row is found through its hash and updated.
    const again = h.post([{ ...callBooked(long), extra: 'changed' }, callBooked('good-2')]);
    expect(again.results.map((r: any) => [r.action, r.row])).toEqual([
      ['updated', 2],
      ['appended', 4],
    ]);
    expect(h.rows('Call booked')).toHaveLength(3);
  });

  it('when the batch-wide search fails, each event is searched alone and the batch is written', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const original = TextFinderImpl.prototype.findNext;
    const spy = jest.spyOn(TextFinderImpl.prototype, 'findNext').mockImplementation(function (this: TextFinderImpl) {
      throw new Error('Regular expression is too large.');
    });
    try {
      const res = h.post([{ ...callBooked('a'), extra: 'x' }, callBooked('b'), callBooked('c')]);
      expect(spy).toHaveBeenCalled();
      expect(res.results.map((r: any) => r.action)).toEqual(['updated', 'appended', 'appended']);
    } finally {
      spy.mockRestore();
    }
    expect(TextFinderImpl.prototype.findNext).toBe(original);
  });
});

describe('sidebar functions refuse what they cannot use', () => {
  it('saveSettings() and saveSettings(null) are refused and change nothing', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 77, hooks: { callBooked: { sheet: 'Calls' } } })).toMatchObject({ ok: true });
    for (const args of [[], [null], ['x'], [[]]]) {
      expect(h.app.call<any>('editor', 'saveSettings', ...args)).toEqual({
        ok: false,
        error: 'Settings must be an object; nothing was saved.',
      });
    }
    const state = h.app.call<any>('editor', 'getSidebarState');
    expect(state.settings.logRetention).toBe(77);
    expect(state.settings.hooks.callBooked.sheet).toBe('Calls');
  });

  it('sendTestDelivery with an object whose toString is not a function gets a clear error', () => {
    const h = startApp();
    expect(() => h.app.call('editor', 'sendTestDelivery', { toString: 1 })).toThrow(
      /^Unknown hook id: a value of type object\. Known: contactCreated/,
    );
    expect(() => h.app.call('editor', 'sendTestDelivery', null)).toThrow(/Unknown hook id: a value of type null/);
  });

  it('replayDeliveries("x") is refused and replays nothing', () => {
    const h = startApp();
    h.post('{bad');
    for (const arg of ['x', 5, null, ['a']])
      expect(() => h.app.call('editor', 'replayDeliveries', arg)).toThrow(/replayDeliveries takes nothing/);
    expect(h.rows('Webhook log').map((r) => r.Outcome)).toEqual(['failed']);
    expect(String(h.rows('Webhook log')[0].Message)).not.toMatch(/Replayed/);
  });

  it('"Other hooks" is refused as a hook\'s target sheet', () => {
    const h = startApp();
    for (const sheet of ['Other hooks', 'other HOOKS']) {
      expect(h.saveSettings({ hooks: { callBooked: { sheet } } })).toEqual({
        ok: false,
        error: expect.stringMatching(new RegExp(`^"${sheet}" is the app's own sheet; choose another name for `)),
      });
    }
  });
});

describe('messages', () => {
  /** Every message text an answer or a log row holds. */
  function messages(h: Harness, answers: any[]): string[] {
    const fromAnswers = answers.flatMap((a) => [a.error?.message, ...(a.results ?? []).map((r: any) => r.message)]).filter(Boolean);
    return [...fromAnswers, ...h.rows('Webhook log').map((r) => String(r.Message))];
  }

  it('never hold a doubled period', () => {
    const h = startApp();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    const answers = [
      h.post([{ hookType: 'Call booked', deep }, payload('outcome-added')[0]]),
      h.post([{ hookType: 'Call booked', deep }]),
      h.post('{bad'),
      h.post(''),
      h.post('[]'),
      h.post([{ hookType: 'Something new', a: 1 }]),
      h.post(payload('call-booked')),
      h.post(payload('call-booked')),
    ];
    const release = h.runtime.holdScriptLock();
    answers.push(h.post(payload('contact-created')));
    release();
    h.app.call('trigger', 'processQueue');
    answers.push(h.app.call<any>('editor', 'sendTestDelivery', 'callCancelled'));
    const all = messages(h, answers);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((m) => m.includes('..'))).toEqual([]);
  });
});

describe('integers beyond 2^53', () => {
  it('parseJsonExact keeps their digits as text and leaves everything else as JSON.parse reads it', () => {
    expect(parseJsonExact('[12345678901234567890,12345678901234567891,-98765432109876543210]')).toEqual([
      '12345678901234567890',
      '12345678901234567891',
      '-98765432109876543210',
    ]);
    expect(
      parseJsonExact(
        '{"a":"12345678901234567890 in a string \\\\\\" 99999999999999999","b":9007199254740991,"c":1.2345678901234567e25,"d":12345678901234567e2}',
      ),
    ).toEqual(
      JSON.parse(
        '{"a":"12345678901234567890 in a string \\\\\\" 99999999999999999","b":9007199254740991,"c":1.2345678901234567e25,"d":12345678901234567e2}',
      ),
    );
    expect(() => parseJsonExact('[12345678901234567890,')).toThrow(SyntaxError);
  });

  it('stay distinct and exact through a delivery: two ids one apart are two rows holding their digits', () => {
    const h = startApp();
    const base = JSON.stringify(payload('contact-created')[0]);
    const body = (id: string) => `[${base.replace(/"id":5,/, `"id":${id},`)}]`;
    expect(body('1').includes('"id":1,')).toBe(true);
    expect(h.post(body('12345678901234567890')).results[0].action).toBe('appended');
    expect(h.post(body('12345678901234567891')).results[0].action).toBe('appended');
    expect(h.post(body('12345678901234567891')).results[0].action).toBe('duplicate');
    // Each row holds the id's digits exactly, in its id column and in Row key.
    const ids = ['12345678901234567890', '12345678901234567891'];
    expect(h.rows('Contact created').map((r, i) => [r['Row key'], Object.values(r).filter((v) => v === ids[i]).length])).toEqual([
      [ids[0], 2],
      [ids[1], 2],
    ]);
  });
});

describe('a dotted key beside a nested key', () => {
  it('puts each value in the same column whatever the key order', () => {
    const h = startApp();
    h.post(JSON.stringify([{ hookType: 'Mystery', n: 1, 'a.b': 'dotted', a: { b: 'nested' } }]));
    h.post(JSON.stringify([{ hookType: 'Mystery', n: 2, a: { b: 'nested' }, 'a.b': 'dotted' }]));
    expect(h.rows('Other hooks').map((r) => [r.n, r['a.b'], r['a.b #2']])).toEqual([
      [1, 'nested', 'dotted'],
      [2, 'nested', 'dotted'],
    ]);
  });
});
