/** Reliability through the built bundle: crashes between calls, retries, hostile input, the sidebar as an attack surface, limits, secrets. */
import * as fc from 'fast-check';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { invokeWebApp } from '../local/webapp';
import { exampleFields, HOOKS } from '../src/core/hooks';
import { payload, startApp, type Harness } from './helpers/harness';

const MAX_KNOWN_FIELDS = Math.max(...HOOKS.map((hook) => exampleFields(hook).length));

const withoutReceivedAt = (rows: Array<Record<string, unknown>>) => rows.map(({ 'Received at': _r, ...rest }) => rest);
const allFormulas = (h: Harness) => h.sheetNames().flatMap((n) => h.runtime.peek(n)!.formulas.flat().filter(Boolean));

/** The calls a clean delivery makes, so a crash can be placed after each one of them. */
function callsOf(setup: (h: Harness) => void, body: unknown): number {
  const h = startApp();
  setup(h);
  h.runtime.calls.reset();
  h.post(body);
  return h.runtime.calls.total;
}

describe('an execution that dies between two service calls', () => {
  const scenarios: Array<[string, (h: Harness) => void, () => unknown]> = [
    ['a new row', () => {}, () => payload('call-booked')],
    [
      'an update of an existing row',
      (h) => h.post(payload('call-booked')),
      () => {
        const p = payload('call-booked');
        p[0].event.location = 'Zoom';
        return p;
      },
    ],
    [
      'a row written in two runs around a user column',
      (h) => {
        h.post(payload('call-booked'));
        h.asUser((spreadsheet) => {
          const sheet = spreadsheet.getSheetByName('Call booked')!;
          sheet.insertColumnsBefore(5, 1);
          sheet.getRange(1, 5).setValue('Notes');
        });
      },
      () => {
        const p = payload('call-booked');
        p[0].event.location = 'Zoom';
        return p;
      },
    ],
    [
      'an update whose fingerprint run comes before another run',
      (h) => {
        h.post(payload('call-booked'));
        h.post({ ...payload('call-booked')[0], extra: 'first' }); // "extra" gets a column after Fingerprint
        h.asUser((spreadsheet) => {
          const sheet = spreadsheet.getSheetByName('Call booked')!;
          const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
          const after = header.indexOf('Fingerprint') + 2;
          sheet.insertColumnsBefore(after, 1);
          sheet.getRange(1, after).setValue('Notes');
        });
      },
      () => [{ ...payload('call-booked')[0], extra: 'second' }],
    ],
    [
      'a batch of three events with a new field',
      () => {},
      () => [
        { ...payload('call-booked')[0], extra: 'x' },
        { ...payload('call-cancelled')[0], event: { ...payload('call-cancelled')[0].event, uuid: '777' } },
        payload('outcome-added')[0],
      ],
    ],
  ];
  it.each(scenarios)('%s: a retry after a crash at any call gives the same sheets as a clean run', (_name, setup, body) => {
    const reference = startApp();
    setup(reference);
    reference.post(body());
    const expected = Object.fromEntries(
      ['Call booked', 'Call cancelled', 'Call outcome added']
        .filter((n) => reference.sheetNames().includes(n))
        .map((n) => [n, withoutReceivedAt(reference.rows(n))]),
    );
    const total = callsOf(setup, body());
    expect(total).toBeGreaterThan(10);
    for (let k = 0; k <= total; k += 1) {
      const h = startApp();
      setup(h);
      h.runtime.crashAfterCalls(k);
      h.postRaw(body()); // dies after k calls: iClosed sees no success and retries
      const retry = h.post(body());
      expect([k, retry.ok]).toEqual([k, true]);
      for (const [name, rows] of Object.entries(expected)) {
        expect([k, name, withoutReceivedAt(h.rows(name))]).toEqual([k, name, rows]);
        expect(h.header(name).filter((l) => l.includes('(iClosed'))).toEqual([]);
      }
    }
  });
});

describe('retries', () => {
  it.each(['append', 'upsert', 'insert-if-new'])('the same delivery sent 100 times adds one row in %s mode', (mode) => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { mode } } });
    const actions = Array.from({ length: 100 }, () => h.post(payload('call-booked')).results[0].action);
    expect(actions[0]).toBe('appended');
    expect(new Set(actions.slice(1))).toEqual(new Set(['duplicate']));
    expect(h.fields('Call booked')).toHaveLength(1);
    expect(h.rows('Webhook log')).toHaveLength(100);
  });
  it('deliveries queued while the lock is busy are all written, once, in order', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    for (let i = 0; i < 5; i += 1) {
      const p = payload('call-booked');
      p[0].event.uuid = `q${i}`;
      expect(h.post(p).results[0].action).toBe('queued');
      expect(h.post(p).results[0].action).toBe('queued'); // a retry while still busy
    }
    release();
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 10, remaining: 0 });
    expect(h.fields('Call booked').map((r) => r['event.uuid'])).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
  });
});

describe('hostile and broken input', () => {
  const specialKey = fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    '',
    'a.b',
    'a[0]',
    'toString',
    'hookType',
    'hasOwnProperty',
    ' ',
    '.',
  );
  const nasty = fc.constantFrom(
    '=1+1',
    '+1 (555) 010',
    '-x',
    '@SUM(A1)',
    '\t=1',
    '\r=1',
    "'x",
    '=HYPERLINK("http://x","y")',
    '0012',
    'TRUE',
    '1/2/2025',
    '#REF!',
  );
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), nasty, fc.constant('x'.repeat(60000)), fc.integer().map(String));
  const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(specialKey, fc.string({ unit: 'binary', maxLength: 12 })), tie('node'), { maxKeys: 6 }),
  })).node;
  const hookType = fc.oneof(
    fc.constantFrom('Call booked', 'call CANCELED', 'newContactCreated', 'Outcome added', 'Contact by status', 'Invoice paid'),
    fc.string({ maxLength: 10 }),
  );
  const event = fc
    .tuple(fc.dictionary(fc.oneof(specialKey, fc.string({ maxLength: 8 })), value, { maxKeys: 8 }), hookType)
    .map(([o, ht]) => ({ ...o, hookType: ht }));
  // Built as text: JSON.stringify itself cannot go this deep.
  const deepBody = `[{"hookType":"Call booked","deep":${'['.repeat(5000)}1${']'.repeat(5000)}}]`;
  const body = fc.oneof(
    fc.array(event, { maxLength: 4 }).map((x) => JSON.stringify(x)),
    event.map((x) => JSON.stringify(x)),
    value.map((x) => JSON.stringify(x) ?? ''),
    fc.tuple(fc.array(event, { minLength: 1, maxLength: 2 }), fc.nat()).map(([x, n]) => {
      const s = JSON.stringify(x);
      return s.slice(0, n % s.length);
    }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constant(deepBody),
    fc.constant(JSON.stringify(Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field${i}`, i])))),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-8',
  );

  it('never throws out, logs every authenticated body, writes no formula, pollutes no prototype, caps columns, keeps working', () => {
    const h = startApp();
    let serial = 0;
    fc.assert(
      fc.property(body, contentType, (b, type) => {
        const before = h.rows('Webhook log').length;
        const res = h.postRaw(b, { contentType: type });
        const answer = JSON.parse(res.body); // JSON, never Google's error page
        expect(typeof answer.ok).toBe('boolean');
        const log = h.rows('Webhook log');
        expect(log).toHaveLength(before + 1);
        expect(allFormulas(h)).toEqual([]);
        expect(Object.keys(Object.prototype)).toEqual([]);
        expect(
          vm.runInContext('Object.keys(Object.prototype).length + Object.keys(Array.prototype).length', h.app.context as vm.Context),
        ).toBe(0);
        // At most 200 automatically added columns, beside the hook's own fields and the app's 4.
        for (const name of h.sheetNames()) {
          const header = h.header(name);
          expect(header.length).toBeLessThanOrEqual(MAX_KNOWN_FIELDS + 200 + 4);
          const labels = header.map((l) => l.trim()).filter(Boolean); // the log's body continuation cells have no label
          expect([name, labels.filter((l, i) => labels.indexOf(l) !== i)]).toEqual([name, []]); // no column added twice
        }
        const next = payload('call-booked');
        next[0].event.uuid = `next-${serial++}`;
        expect(h.post(next).results[0].action).toBe('appended');
      }),
      { numRuns: 200, seed: 20261128 },
    );
  }, 120000);

  it('refuses a body over the size cap and an event nested too deep, with clear errors, and logs both', () => {
    const h = startApp();
    const big = h.post(JSON.stringify([{ hookType: 'Call booked', x: 'y'.repeat(2_100_000) }]));
    expect(big.error).toEqual({ code: 'body_too_large', message: expect.stringMatching(/at most 2000000/) });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    const res = h.post([{ hookType: 'Call booked', deep }, payload('outcome-added')[0]]);
    expect(res.results.map((r: any) => r.action)).toEqual(['failed', 'appended']);
    expect(res.results[0].message).toMatch(/nests deeper than 64 levels/);
    expect(h.rows('Webhook log').map((r) => r.Outcome)).toEqual(['failed', 'failed']);
    expect(String(h.rows('Webhook log')[0].Message)).toMatch(/keeps the first 2000000/);
  });
});

describe('the sidebar as an attack surface', () => {
  it('a crafted saveSettings cannot target a user sheet, inject a formula or pollute a prototype', () => {
    const h = startApp();
    h.asUser((spreadsheet) => {
      const sheet = spreadsheet.insertSheet('Budget');
      sheet.getRange(1, 1, 2, 2).setValues([
        ['Item', 'Cost'],
        ['Ads', 500],
      ]);
    });
    expect(h.saveSettings({ hooks: { callBooked: { sheet: 'Budget' } } })).toEqual({
      ok: false,
      error: expect.stringMatching(/"Budget" is one of your own sheets/),
    });
    expect(h.rows('Budget')).toEqual([{ Item: 'Ads', Cost: 500 }]);
    expect(h.saveSettings(JSON.parse('{"hooks":{"__proto__":{"mode":"append"}}}'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Unknown hook id "__proto__"/),
    });
    expect(h.saveSettings(JSON.parse('{"__proto__":{"polluted":1},"hooks":{}}'))).toMatchObject({ ok: true });
    expect(vm.runInContext('({}).polluted', h.app.context as vm.Context)).toBeUndefined();
    expect(
      h.saveSettings({ hooks: { callBooked: { columns: Array.from({ length: 1001 }, (_, i) => ({ field: `f${i}` })) } } }),
    ).toMatchObject({ ok: false });
    const label = '=IMPORTXML("http://evil.example","//a")';
    expect(h.saveSettings({ hooks: { callBooked: { columns: [{ field: 'event.uuid', label }] } } })).toMatchObject({ ok: true });
    h.post(payload('call-booked'));
    expect(h.header('Call booked')).toContain(label);
    expect(allFormulas(h)).toEqual([]);
  });
  it('every other SidebarApi function validates its arguments', () => {
    const h = startApp();
    expect(() => h.app.call('editor', 'sendTestDelivery', 'constructor')).toThrow(/Unknown hook id/);
    expect(() => h.app.call('editor', 'replayDeliveries', { limit: -1 })).toThrow(/limit/);
    expect(() => h.app.call('editor', 'replayDeliveries', { after: 'x' })).toThrow(/after/);
    expect(() => h.app.call('editor', 'setupWebhook', { token: 'short' })).toThrow(/22 to 128/);
    expect(() => h.app.call('editor', 'setupWebhook', { token: '=cmd|x'.repeat(5) })).toThrow(/22 to 128/);
    const before = h.sheetNames();
    h.app.call('editor', 'runSelfTest');
    expect(h.sheetNames()).toEqual(before);
  });
});

describe('limits', () => {
  it('warns and trims the log near 10 million cells; a write past the limit fails, is logged and stays replayable', () => {
    const h = startApp();
    h.saveSettings({ logRetention: 1000 });
    for (let i = 0; i < 3; i += 1) h.post({ ...payload('outcome-added')[0], uuid: i });
    const used = () => h.sheetNames().reduce((sum, n) => sum + h.runtime.peek(n)!.maxRows * h.runtime.peek(n)!.maxColumns, 0);
    // A user's big sheet brings the spreadsheet near the limit (9.3 million cells before the next delivery).
    h.asUser((spreadsheet) => {
      const filler = spreadsheet.insertSheet('Archive');
      filler.insertRowsAfter(1000, Math.floor((9_300_000 - used()) / 26));
    });
    const res = h.post(payload('call-booked')); // a new sheet: the grid grows, so the app looks at the count
    expect(res.results[0].action).toBe('appended');
    expect(String(h.rows('Webhook log').at(-1)!.Message)).toMatch(/uses [\d,]+ of Google's 10,000,000 cells/);
    expect(h.app.call<any>('editor', 'getSidebarState').cells.warning).toMatch(/10,000,000 cells/);
    // Fill the rest: the next write that needs more rows fails with the platform's message and is kept.
    h.asUser((spreadsheet) => {
      // The user also removed the empty rows below the data, so the next new row needs a bigger grid.
      const calls = spreadsheet.getSheetByName('Call booked')!;
      calls.deleteRows(3, calls.getMaxRows() - 2);
      const filler = spreadsheet.getSheetByName('Archive')!;
      filler.insertRowsAfter(filler.getMaxRows(), Math.floor((10_000_000 - used()) / filler.getMaxColumns()));
    });
    const full = h.post({ ...payload('call-booked')[0], event: { ...payload('call-booked')[0].event, uuid: 'L1' } });
    expect(full.ok).toBe(false);
    expect(full.results[0].message).toMatch(/10000000 cells/);
    const log = h.rows('Webhook log').at(-1)!;
    expect(log.Outcome).toBe('failed');
    expect(h.app.call<any>('editor', 'getSidebarState').activity[0].replayable).toBe(true);
  });
});

describe('secrets', () => {
  it('the token appears in no sheet, log line, queued delivery, property, error message or doGet answer, even sent as a form field or inside the body', () => {
    const h = startApp();
    const answers: string[] = [];
    answers.push(h.postRaw(payload('call-booked')).body);
    answers.push(h.postRaw('{bad').body);
    answers.push(h.postRaw(payload('call-booked'), { token: `${h.token}x` }).body);
    answers.push(h.postRaw(JSON.stringify([{ hookType: 'x', token: 'not-it' }]), { query: `hook=${h.token}` }).body);
    answers.push(invokeWebApp(h.app, { method: 'GET', url: '/exec' }).body);
    answers.push(invokeWebApp(h.app, { method: 'GET', url: `/exec?token=${h.token}` }).body);
    h.runtime.crashAfterCalls(5);
    answers.push(h.postRaw(payload('outcome-added')).body);
    // The token as a form field (curl --data-urlencode token=…), written and queued; and copies of it inside the body.
    const form = (token: string, uuid: string) =>
      `token=${token}&payload=${encodeURIComponent(JSON.stringify([{ ...payload('call-booked')[0], event: { ...payload('call-booked')[0].event, uuid } }]))}`;
    const formType = 'application/x-www-form-urlencoded';
    answers.push(h.postRaw(form(h.token, 'f1'), { token: null, contentType: formType }).body);
    answers.push(h.postRaw(JSON.stringify([{ hookType: h.token, note: `see ${h.token}`, [h.token]: 1 }])).body);
    const release = h.runtime.holdScriptLock();
    answers.push(h.postRaw(form(h.token, 'f2'), { token: null, contentType: formType }).body);
    answers.push(h.postRaw(JSON.stringify([{ hookType: 'Call booked', event: { uuid: 'q1' }, secret: h.token }])).body);
    // Waiting deliveries are kept gzip + base64 ("z:…", src/gas/queue.ts): read them as the app does.
    const unpack = (v: string) => (v.startsWith('z:') ? zlib.gunzipSync(Buffer.from(v.slice(2), 'base64')).toString('utf8') : v);
    const queued = JSON.stringify(
      Object.entries(h.runtime.toJSON().properties.script as Record<string, string>)
        .filter(([k]) => k.startsWith('queue/'))
        .map(([k, v]) => [k, unpack(v)]),
    );
    release();
    h.app.call('trigger', 'processQueue');
    const rotated = h.app.call<any>('editor', 'rotateToken');
    answers.push(h.postRaw(payload('contact-created'), { token: rotated.token }).body);
    answers.push(
      h.postRaw(JSON.stringify([{ ...payload('contact-created')[0], old: h.token, now: rotated.token }]), { token: rotated.token }).body,
    );
    const sheets = JSON.stringify(h.sheetNames().map((n) => h.runtime.peek(n)!.displayValues));
    const logs = JSON.stringify(h.runtime.logs);
    const properties = JSON.stringify(Object.entries(h.runtime.toJSON().properties.script).filter(([k]) => !k.startsWith('webhook.')));
    expect(queued).toContain('f2'); // the queue held both deliveries, without the token
    expect(h.rows('Call booked').map((r) => String(r['Row key']))).toEqual(expect.arrayContaining(['f1', 'f2', 'q1']));
    expect(sheets).toContain('[token removed]');
    for (const secret of [h.token, rotated.token]) {
      expect(sheets).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(queued).not.toContain(secret);
      expect(properties).not.toContain(secret);
      for (const a of answers) expect(a).not.toContain(secret);
    }
  });
});
