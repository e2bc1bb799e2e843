/** The delivery path's rarer turns: large and undecodable stashes, a delivery behind more than one batch, the lock lost or the budget spent between batches, settings or spreadsheet unreadable, a full property store. */
import { PropertiesImpl, QUOTA_MESSAGE } from '../local/runtime/properties';
import { SpreadsheetAppImpl } from '../local/runtime/spreadsheet-app';
import { payload, startApp, type Harness } from './helpers/harness';

const scriptProps = (h: Harness) => h.runtime.toJSON().properties.script;
const stashKeys = (h: Harness) => Object.keys(scriptProps(h)).filter((k) => k.startsWith('queue/'));
const queueTriggers = (h: Harness) => h.runtime.triggers.filter((t) => t.handler === 'processQueue');
const setProperty = (h: Harness, key: string, value: string) =>
  h.runtime.execute('editor', () => h.app.context.PropertiesService.getScriptProperties().setProperty(key, value));
const deleteProperty = (h: Harness, key: string) =>
  h.runtime.execute('editor', () => h.app.context.PropertiesService.getScriptProperties().deleteProperty(key));
const processQueue = (h: Harness) => h.app.call<{ written: number; remaining: number }>('trigger', 'processQueue');
const callIds = (h: Harness) => h.rows('Call booked').map((r) => r['Call id']);

function callBooked(uuid: string, extra: Record<string, unknown> = {}): any[] {
  const p = payload('call-booked');
  p[0].event.uuid = uuid;
  Object.assign(p[0].event, extra);
  return p;
}

/** Text gzip cannot shrink (a fixed pseudo-random sequence), so a delivery carrying it stays large once packed. */
function noise(chars: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let seed = 12345;
  let out = '';
  for (let i = 0; i < chars; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += alphabet[seed % alphabet.length];
  }
  return out;
}

/** `count` deliveries stashed while another execution held the lock (call ids s0, s1, ...), the lock free again. */
function withStashes(count: number): Harness {
  const h = startApp();
  const release = h.runtime.holdScriptLock();
  for (let i = 0; i < count; i += 1) h.post(callBooked(`s${i}`));
  release();
  return h;
}

/** Runs `fn` with `onCall` seeing every service call after it returned (`n`: how many calls of that name so far, this one included). */
function observing<T>(h: Harness, onCall: (key: string, n: number) => void, fn: () => T): T {
  const seen: Record<string, number> = {};
  h.runtime.observeCalls((key) => {
    seen[key] = (seen[key] ?? 0) + 1;
    onCall(key, seen[key]);
  });
  try {
    return fn();
  } finally {
    h.runtime.observeCalls(null);
  }
}

/** Runs `fn` while another execution takes the script lock right after `fn` first releases it; returns fn's result and that execution's release. */
function losingLockAtFirstRelease<T>(h: Harness, fn: () => T): { result: T; release: () => void } {
  let release = () => {};
  const result = observing(
    h,
    (key, n) => {
      if (key === 'Lock.releaseLock' && n === 1) release = h.runtime.holdScriptLock();
    },
    fn,
  );
  return { result, release: () => release() };
}

const QUEUED_BUSY = {
  ok: true,
  results: [
    {
      hook: '',
      sheet: '',
      action: 'queued',
      row: null,
      message: 'The spreadsheet is busy; the delivery is queued and will be written shortly.',
    },
  ],
};

afterEach(() => jest.restoreAllMocks());

describe('stashes', () => {
  it('a delivery too large for one property value is stashed in parts of 8,000 characters and written whole', () => {
    const h = startApp();
    const notes = noise(20000);
    const release = h.runtime.holdScriptLock();
    expect(h.post(callBooked('big', { notes }))).toEqual(QUEUED_BUSY);
    const keys = stashKeys(h).sort();
    expect(keys.map((k) => k.replace(/^queue\/\d{15}-\d{6}-[0-9a-f-]{36}/, ''))).toEqual(['#0', '#1']);
    const parts = keys.map((k) => scriptProps(h)[k]);
    expect(parts[0]).toHaveLength(8000);
    expect(parts[0].startsWith('z:')).toBe(true);
    expect(parts[1].length).toBeGreaterThan(0);
    expect(parts[1].length).toBeLessThanOrEqual(8000);
    release();
    h.runtime.calls.reset();
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(stashKeys(h)).toEqual([]);
    // One removal per part, and one for the queue trigger's id: none for the key without a suffix, which was never written.
    expect(h.runtime.calls.byMethod['Properties.deleteProperty']).toBe(3);
    expect(h.fields('Call booked').map((r) => [r['event.uuid'], r['event.notes']])).toEqual([['big', notes]]);
  });

  it('a stash that does not decode is logged as a failed delivery under its own id, its text kept as the body; a plain JSON stash is written', () => {
    const h = startApp();
    setProperty(h, 'queue/000000000000001-000001-broken', 'z:not base64 gzip');
    const plain = {
      id: 'plain-1',
      receivedAt: 2,
      contents: JSON.stringify(callBooked('plain')),
      contentType: 'application/json',
      parameter: {},
    };
    setProperty(h, 'queue/000000000000002-000001-plain-1', JSON.stringify(plain));
    expect(processQueue(h)).toEqual({ written: 2, remaining: 0 });
    const log = h.rows('Webhook log').map((r) => [r['Delivery id'], r.Outcome, r.Request, r.Body]);
    expect(log).toEqual([
      // By the time each was received: the plain stash says 1970, the broken one is given the time it was read.
      ['plain-1', 'appended', 'application/json', JSON.stringify(callBooked('plain'))],
      ['000000000000001-000001-broken', 'failed', 'text/plain', 'z:not base64 gzip'],
    ]);
    expect(String(h.rows('Webhook log')[1].Message)).toMatch(/invalid_json: The body is not valid JSON/);
    expect(callIds(h)).toEqual(['plain']);
  });
});

describe('more than one batch waiting', () => {
  it('a delivery behind a full batch of stashes joins the stash, is written after them, and still gets its own row in the answer', () => {
    const h = withStashes(51);
    const answer = h.post(callBooked('late'));
    expect(answer).toEqual({ ok: true, results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 53 }] });
    expect(callIds(h)).toEqual([...Array.from({ length: 51 }, (_, i) => `s${i}`), 'late']);
    expect(stashKeys(h)).toEqual([]);
  });

  it('when another execution takes the lock between batches, the trigger stops and reports what is left', () => {
    const h = withStashes(51);
    const { result: result, release } = losingLockAtFirstRelease(h, () => processQueue(h));
    expect(result).toEqual({ written: 50, remaining: 1 });
    expect(stashKeys(h)).toHaveLength(1);
    release();
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(h.rows('Call booked')).toHaveLength(51);
  });

  it('a web app delivery that joined the stash behind a full batch, its lock then lost, is answered as queued', () => {
    const h = withStashes(51);
    const { result: answer, release } = losingLockAtFirstRelease(h, () => h.post(callBooked('late')));
    expect(answer).toEqual(QUEUED_BUSY);
    expect(stashKeys(h)).toHaveLength(2);
    release();
    expect(processQueue(h)).toEqual({ written: 2, remaining: 0 });
    expect(callIds(h).slice(-2)).toEqual(['s50', 'late']);
  });

  it('the trigger stops taking batches once its 4 minutes are spent, and the queue trigger stays', () => {
    const h = withStashes(51);
    const result = observing(
      h,
      (key, n) => {
        if (key === 'SpreadsheetApp.flush' && n === 1) h.runtime.advanceTime(4 * 60_000 + 1000);
      },
      () => processQueue(h),
    );
    expect(result).toEqual({ written: 50, remaining: 1 });
    expect(queueTriggers(h)).toHaveLength(1);
  });
});

describe('the web app delivery that spends its budget', () => {
  /** Sends a delivery (as the owner, or as an editor's test delivery) while, during its write, another delivery is stashed and `spentMs` pass. */
  function postSlow(h: Harness, send: () => unknown, spentMs = 16_000): unknown {
    let nested = false;
    return observing(
      h,
      (key) => {
        if (key === 'SpreadsheetApp.flush' && !nested) {
          nested = true;
          expect(h.post(callBooked('meanwhile'))).toEqual(QUEUED_BUSY);
          h.runtime.advanceTime(spentMs);
        }
      },
      send,
    );
  }

  it("the owner's delivery is answered, leaves the stash that came meanwhile, and makes the queue trigger for it", () => {
    const h = startApp();
    const answer = postSlow(h, () => h.post(callBooked('first')));
    expect(answer).toEqual({ ok: true, results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 }] });
    expect(callIds(h)).toEqual(['first']);
    expect(stashKeys(h)).toHaveLength(1);
    expect(queueTriggers(h)).toHaveLength(1);
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(callIds(h)).toEqual(['first', 'meanwhile']);
    expect(queueTriggers(h)).toEqual([]);
  });

  it('with exactly its 15 s spent, it still takes the stash that came meanwhile', () => {
    // A frozen clock, so only the 15 s the write is made to take pass.
    jest.useFakeTimers({ now: new Date('2026-03-02T10:00:00Z') });
    try {
      const h = startApp();
      const answer = postSlow(h, () => h.post(callBooked('first')), 15_000);
      expect(answer).toEqual({ ok: true, results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 }] });
      expect(callIds(h)).toEqual(['first', 'meanwhile']);
      expect(stashKeys(h)).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("an editor's test delivery leaves the stash without making a trigger (it may not run as the owner)", () => {
    const h = startApp();
    const sent = postSlow(h, () => h.app.call<any>('editor', 'sendTestDelivery', 'callBooked')) as any;
    expect(sent.ok).toBe(true);
    expect(stashKeys(h)).toHaveLength(1);
    expect(queueTriggers(h)).toEqual([]);
  });
});

describe('the queue trigger', () => {
  it('finding the lock busy, writes nothing and reports what waits', () => {
    const h = withStashes(1);
    const release = h.runtime.holdScriptLock();
    expect(processQueue(h)).toEqual({ written: 0, remaining: 1 });
    release();
  });

  it('with the spreadsheet gone, writes nothing, reports what waits and frees the lock', () => {
    const h = withStashes(1);
    const id = scriptProps(h)['spreadsheet.id'];
    setProperty(h, 'spreadsheet.id', 'no-such-spreadsheet');
    expect(processQueue(h)).toEqual({ written: 0, remaining: 1 });
    setProperty(h, 'spreadsheet.id', id);
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
  });

  it('losing the lock after writing everything, reports nothing left and leaves the trigger for later', () => {
    const h = withStashes(1);
    const { result: result, release } = losingLockAtFirstRelease(h, () => processQueue(h));
    expect(result).toEqual({ written: 1, remaining: 0 });
    expect(queueTriggers(h)).toHaveLength(1);
    release();
  });

  it('a delivery stashed while it removes itself is written in the same run', () => {
    const h = withStashes(1);
    let nested = false;
    const result = observing(
      h,
      (key, n) => {
        // The second listing is removeQueueTrigger's (the first made the trigger).
        if (key === 'ScriptApp.getProjectTriggers' && n === 2 && !nested) {
          nested = true;
          expect(h.post(callBooked('meanwhile'))).toEqual(QUEUED_BUSY);
        }
      },
      () => processQueue(h),
    );
    expect(nested).toBe(true);
    expect(result).toEqual({ written: 2, remaining: 0 });
    expect(callIds(h)).toEqual(['s0', 'meanwhile']);
    expect(stashKeys(h)).toEqual([]);
  });
});

describe('refusals and failures a sender reads', () => {
  it('before set-up (no token), a delivery is refused as not configured, whether or not the lock is free', () => {
    const h = startApp();
    deleteProperty(h, 'webhook.token');
    const expected = {
      ok: false,
      error: {
        code: 'not_configured',
        message: 'The webhook is not set up yet: open the spreadsheet and choose Webhooks to Sheets → Open sidebar.',
      },
    };
    expect(h.post(callBooked('a'))).toEqual(expected);
    const release = h.runtime.holdScriptLock();
    expect(h.post(callBooked('b'))).toEqual(expected);
    release();
    expect(stashKeys(h)).toEqual([]);
  });

  it('script properties that cannot be read give an internal error to retry, with the lock free or busy', () => {
    const h = startApp();
    jest.spyOn(PropertiesImpl.prototype, 'getProperties').mockImplementation(() => {
      throw new Error('Service unavailable: Properties');
    });
    const expected = {
      ok: false,
      error: { code: 'internal', message: "Could not read the script's settings: Service unavailable: Properties. iClosed will retry." },
    };
    expect(h.post(callBooked('a'))).toEqual(expected);
    const release = h.runtime.holdScriptLock();
    expect(h.post(callBooked('b'))).toEqual(expected);
    release();
    jest.restoreAllMocks();
    expect(stashKeys(h)).toEqual([]);
    expect(h.post(callBooked('c')).results[0].action).toBe('appended');
  });

  it('a spreadsheet that cannot be opened: the delivery is stashed and answered as queued', () => {
    const h = startApp();
    const id = scriptProps(h)['spreadsheet.id'];
    setProperty(h, 'spreadsheet.id', 'no-such-spreadsheet');
    expect(h.post(callBooked('a'))).toEqual({
      ok: true,
      results: [
        {
          hook: '',
          sheet: '',
          action: 'queued',
          row: null,
          message: 'The spreadsheet could not be opened; the delivery is queued and will be written shortly.',
        },
      ],
    });
    expect(stashKeys(h)).toHaveLength(1);
    setProperty(h, 'spreadsheet.id', id);
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(callIds(h)).toEqual(['a']);
  });

  it('a write that fails part-way: the delivery is stashed, answered as queued with the reason, and written once later', () => {
    const h = startApp();
    const flush = SpreadsheetAppImpl.prototype.flush;
    jest.spyOn(SpreadsheetAppImpl.prototype, 'flush').mockImplementationOnce(() => {
      throw new Error('Service Spreadsheets timed out');
    });
    expect(h.post(callBooked('a'))).toEqual({
      ok: true,
      results: [
        {
          hook: '',
          sheet: '',
          action: 'queued',
          row: null,
          message: 'Writing failed (Service Spreadsheets timed out); the delivery is queued and will be written shortly.',
        },
      ],
    });
    expect(stashKeys(h)).toHaveLength(1);
    expect(SpreadsheetAppImpl.prototype.flush).not.toBe(flush);
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(callIds(h)).toEqual(['a']);
  });

  it('a spreadsheet that cannot be opened and a full property store: the delivery is refused as busy, for the sender to retry', () => {
    const h = startApp();
    setProperty(h, 'spreadsheet.id', 'no-such-spreadsheet');
    jest.spyOn(PropertiesImpl.prototype, 'setProperties').mockImplementation(() => {
      throw new Error(QUOTA_MESSAGE);
    });
    const answer = h.post(callBooked('a'));
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'busy',
        message: `The spreadsheet could not be opened, and the queue is full (${QUOTA_MESSAGE}). iClosed will retry.`,
      },
    });
    const logged = h.runtime.logs.map((l) => l.message);
    expect(
      logged.some((m) =>
        new RegExp(`^Delivery [0-9a-f-]{36} could not be kept: ${QUOTA_MESSAGE.replace(/\./g, '\\.')}\\.$`).test(String(m)),
      ),
    ).toBe(true);
  });
});

describe('the lock busy when a delivery arrives', () => {
  it('a full property store and the lock still busy after the wait: refused as busy, said in the execution log', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    jest.spyOn(PropertiesImpl.prototype, 'setProperties').mockImplementation(() => {
      throw new Error(QUOTA_MESSAGE);
    });
    expect(h.post(callBooked('a'))).toEqual({
      ok: false,
      error: { code: 'busy', message: `The spreadsheet is busy and the queue is full (${QUOTA_MESSAGE}). iClosed will retry.` },
    });
    release();
    const logged = h.runtime.logs.map((l) => l.message);
    expect(logged.filter((m) => /could not be kept/.test(m)).map((m) => m.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, 'ID'))).toEqual([
      `Delivery ID could not be kept: the property store is full and the lock stayed busy (${QUOTA_MESSAGE}).`,
    ]);
  });

  it('a full property store, the lock freed during the wait: the delivery is written directly', () => {
    const h = startApp();
    let release: (() => void) | null = h.runtime.holdScriptLock();
    jest.spyOn(PropertiesImpl.prototype, 'setProperties').mockImplementationOnce(() => {
      release?.();
      release = null;
      throw new Error(QUOTA_MESSAGE);
    });
    expect(h.post(callBooked('a'))).toEqual({
      ok: true,
      results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 }],
    });
    expect(stashKeys(h)).toEqual([]);
  });

  it('the lock freed just after the stash: this execution writes it and answers with its row, making the queue trigger', () => {
    for (const cached of [false, true]) {
      const h = startApp();
      let release: (() => void) | null = h.runtime.holdScriptLock();
      if (cached) expect(h.post(callBooked('warm-up'))).toEqual(QUEUED_BUSY);
      h.runtime.calls.reset();
      const answer = observing(
        h,
        (key) => {
          if (key === 'Properties.setProperties' && release) {
            release();
            release = null;
          }
        },
        () => h.post(callBooked('a')),
      );
      expect([cached, answer]).toEqual([
        cached,
        { ok: true, results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: cached ? 3 : 2 }] },
      ]);
      expect(stashKeys(h)).toEqual([]);
      expect(queueTriggers(h)).toHaveLength(1);
      expect([cached, h.runtime.calls.byMethod['Properties.getProperties']]).toEqual([cached, cached ? 2 : 3]);
      // Writing the stash's removal and the trigger's id leaves the cached tokens alone: no token changed.
      expect([cached, h.runtime.calls.byMethod['Cache.remove']]).toEqual([cached, undefined]);
    }
  });

  it('the lock freed just after the stash but the spreadsheet gone: answered as queued, the stash kept', () => {
    const h = startApp();
    setProperty(h, 'spreadsheet.id', 'no-such-spreadsheet');
    let release: (() => void) | null = h.runtime.holdScriptLock();
    const answer = observing(
      h,
      (key) => {
        if (key === 'Properties.setProperties' && release) {
          release();
          release = null;
        }
      },
      () => h.post(callBooked('a')),
    );
    expect(answer).toEqual(QUEUED_BUSY);
    expect(stashKeys(h)).toHaveLength(1);
  });

  it('the lock freed after the stash, behind a full batch, then lost again: answered as queued', () => {
    const h = withStashes(51);
    let hold: (() => void) | null = h.runtime.holdScriptLock();
    const answer = observing(
      h,
      (key, n) => {
        if (key === 'Properties.setProperties' && hold) {
          hold();
          hold = null;
        }
        if (key === 'Lock.releaseLock' && n === 1) hold = h.runtime.holdScriptLock();
      },
      () => h.post(callBooked('late')),
    );
    expect(answer).toEqual(QUEUED_BUSY);
    expect(h.rows('Call booked')).toHaveLength(50);
    expect(stashKeys(h)).toHaveLength(2);
  });
});

describe('order and request text', () => {
  it("deliveries received in the same millisecond are written in stash order, the lock holder's own delivery first", () => {
    jest.useFakeTimers({ now: new Date('2026-03-02T10:00:00Z') });
    try {
      // Eleven, so a counter past 9 must still sort after 9.
      const h = withStashes(11);
      expect(h.post(callBooked('own'))).toEqual({
        ok: true,
        results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 }],
      });
      expect(callIds(h)).toEqual(['own', ...Array.from({ length: 11 }, (_, i) => `s${i}`)]);
      expect(new Set(h.rows('Webhook log').map((r) => (r['Received at'] as Date).toISOString()))).toEqual(
        new Set(['2026-03-02T10:00:00.000Z']),
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it("the log keeps the request's content type and query, the token taken out", () => {
    const h = startApp();
    h.post(callBooked('q'), { query: 'source=iclosed' });
    expect(h.rows('Webhook log').map((r) => r.Request)).toEqual(['application/json ?source=iclosed']);
  });

  it('an empty POST without a content type is refused as empty and logged with an empty request and body', () => {
    const h = startApp();
    expect(h.post('', { contentType: '' }).error.code).toBe('empty_body');
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Request, r.Body])).toEqual([['failed', '', '']]);
  });
});

describe('what a delivery costs in properties and triggers', () => {
  it('a small delivery is stashed under one key of its own, no part suffix', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    h.post(callBooked('small'));
    release();
    expect(stashKeys(h)).toHaveLength(1);
    expect(stashKeys(h)[0]).toMatch(/^queue\/\d{15}-\d{6}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('a stash of more than ten parts is read as one delivery', () => {
    const h = startApp();
    const contents = JSON.stringify(callBooked('eleven'));
    const text = JSON.stringify({ id: 'eleven-parts', receivedAt: 5, contents, contentType: 'application/json', parameter: {} });
    const size = Math.ceil(text.length / 11);
    for (let i = 0; i < 11; i += 1) setProperty(h, `queue/000000000000005-000001-eleven-parts#${i}`, text.slice(i * size, (i + 1) * size));
    expect(processQueue(h)).toEqual({ written: 1, remaining: 0 });
    expect(callIds(h)).toEqual(['eleven']);
    expect(stashKeys(h)).toEqual([]);
  });

  it('a direct delivery reads the properties twice (under the lock, then to look for stashes) and never asks the time zone', () => {
    const h = startApp();
    h.runtime.calls.reset();
    expect(h.post(callBooked('a')).results[0].action).toBe('appended');
    expect(h.runtime.calls.byMethod['Properties.getProperties']).toBe(2);
    // The time zone kept at setup is used, not asked of the spreadsheet.
    expect(h.runtime.calls.byMethod['Spreadsheet.getSpreadsheetTimeZone']).toBeUndefined();
  });

  it('with nothing waiting, the trigger changes no property and writes no batch', () => {
    const h = startApp();
    expect(processQueue(h)).toEqual({ written: 0, remaining: 0 });
    h.runtime.calls.reset();
    const before = h.runtime.toJSON().properties.script;
    expect(processQueue(h)).toEqual({ written: 0, remaining: 0 });
    expect(Object.keys(h.runtime.calls.byMethod).filter((k) => /^Properties\.(set|delete)/.test(k))).toEqual([]);
    expect(h.runtime.toJSON().properties.script).toEqual(before);
    // The log sheet is looked up once, to trim it; no batch of nothing looks for it again.
    expect(h.runtime.calls.byMethod['Spreadsheet.getSheetByName']).toBe(1);
  });

  it('a delivery after exactly a batch of stashes is written in that batch, its log row not marked as queued', () => {
    const h = withStashes(50);
    expect(h.post(callBooked('own'))).toEqual({
      ok: true,
      results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 52 }],
    });
    const log = h.rows('Webhook log');
    expect(log).toHaveLength(51);
    expect(String(log[49].Message)).toMatch(/^Queued at \S+, written later\. /);
    expect(log[50].Message).toBe('1 appended');
  });

  it("the queue trigger leaves the owner's other triggers alone, and once made is not listed again", () => {
    const h = startApp();
    h.runtime.execute('editor', () => h.app.context.ScriptApp.newTrigger('somethingElse').timeBased().everyHours(1).create());
    let release = h.runtime.holdScriptLock();
    h.post(callBooked('a'));
    release();
    h.post(callBooked('b'));
    expect(h.runtime.triggers.map((t) => t.handler).sort()).toEqual(['processQueue', 'somethingElse']);
    release = h.runtime.holdScriptLock();
    h.post(callBooked('c'));
    release();
    h.runtime.calls.reset();
    h.post(callBooked('d'));
    expect(callIds(h)).toEqual(['a', 'b', 'c', 'd']);
    expect(Object.keys(h.runtime.calls.byMethod).filter((k) => k.startsWith('ScriptApp.'))).toEqual([]);
    expect(processQueue(h)).toEqual({ written: 0, remaining: 0 });
    expect(h.runtime.triggers.map((t) => t.handler)).toEqual(['somethingElse']);
  });

  it('after trimming, the trigger frees the lock before looking again: a delivery arriving then is written at once', () => {
    const h = withStashes(1);
    let armed = false;
    let answer: any = null;
    observing(
      h,
      (key, n) => {
        if (key === 'ScriptApp.getProjectTriggers' && n === 2) armed = true;
        else if (armed && key === 'Properties.getProperties') {
          armed = false;
          answer = h.post(callBooked('arriving'));
        }
      },
      () => expect(processQueue(h)).toEqual({ written: 1, remaining: 0 }),
    );
    expect(answer).toEqual({ ok: true, results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 3 }] });
    expect(callIds(h)).toEqual(['s0', 'arriving']);
  });

  it('a stash seen when the trigger takes the lock to clean up is written before the queue trigger is removed, which is made only once', () => {
    const h = withStashes(1);
    let looks = 0;
    let released = false;
    observing(
      h,
      (key) => {
        if (key === 'Lock.releaseLock') released = true;
        if (released && key === 'Properties.getProperties' && (looks += 1) === 1) {
          // Another execution stashes just after the trigger's look following its release.
          const plain = {
            id: 'late-1',
            receivedAt: 9,
            contents: JSON.stringify(callBooked('late')),
            contentType: 'application/json',
            parameter: {},
          };
          h.app.context.PropertiesService.getScriptProperties().setProperty('queue/000000000000009-000001-late-1', JSON.stringify(plain));
        }
      },
      () => expect(processQueue(h)).toEqual({ written: 2, remaining: 0 }),
    );
    expect(callIds(h)).toEqual(['s0', 'late']);
    expect(h.runtime.calls.byMethod['ScriptApp.newTrigger']).toBe(1);
    expect(queueTriggers(h)).toEqual([]);
  });
});

describe('the cached copy of the tokens', () => {
  it('a token replaced in the editor is refused at once by a delivery that finds the lock busy', () => {
    const h = startApp();
    const old = h.token;
    const release = h.runtime.holdScriptLock();
    // This delivery finds no cached copy: it reads the tokens and caches them.
    expect(h.post(callBooked('a'))).toEqual(QUEUED_BUSY);
    h.app.call('editor', 'setupWebhook', { token: 'replacement-token-0123456789' });
    expect(h.post(callBooked('b'), { token: old })).toEqual({
      ok: false,
      error: {
        code: 'unauthorized',
        message:
          'Missing or wrong token: use the full web app URL the spreadsheet shows under Webhooks to Sheets → Open sidebar, including ?token=….',
      },
    });
    expect(h.post(callBooked('c'), { token: 'replacement-token-0123456789' })).toEqual(QUEUED_BUSY);
    release();
    expect(stashKeys(h)).toHaveLength(2);
  });
});

describe('stored settings that no longer validate', () => {
  it('deliveries are still written, with the default settings', () => {
    const h = startApp();
    setProperty(h, 'settings', JSON.stringify('not an object'));
    expect(h.post(callBooked('a'))).toEqual({
      ok: true,
      results: [{ hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 }],
    });
    const release = h.runtime.holdScriptLock();
    jest.spyOn(PropertiesImpl.prototype, 'setProperties').mockImplementation(() => {
      throw new Error(QUOTA_MESSAGE);
    });
    // The full-store path waits for the lock as long as the settings say: the default 10 s, then refuses.
    const started = h.runtime.now();
    expect(h.post(callBooked('b')).error.code).toBe('busy');
    expect(h.runtime.now() - started).toBeGreaterThanOrEqual(10_000);
    expect(h.runtime.now() - started).toBeLessThan(11_000);
    release();
  });
});
