/** Ingestion through the built bundle in the local runtime: every hook, write modes, exact values, auth, errors, queue. */
import { payload, startApp, WEB_APP_URL, type Harness } from './helpers/harness';

const HOOK_FILES: Array<[string, string]> = [
  ['contact-created', 'Contact created'],
  ['contact-by-status', 'Contact by status'],
  ['contact-updated', 'Contact updated'],
  ['call-booked', 'Call booked'],
  ['call-cancelled', 'Call cancelled'],
  ['call-rescheduled', 'Call rescheduled'],
  ['outcome-added', 'Call outcome added'],
];

const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

describe('every example payload lands in its own sheet', () => {
  let h: Harness;
  beforeAll(() => {
    h = startApp();
  });
  it.each(HOOK_FILES)('%s → "%s"', (file, sheet) => {
    const res = h.post(payload(file));
    expect(res).toMatchObject({ ok: true, results: [{ sheet, action: 'appended', row: 2 }] });
    const rows = h.rows(sheet);
    expect(rows).toHaveLength(1);
    const header = h.header(sheet);
    expect(header[0]).toBe('Received at');
    expect(header).toEqual(expect.arrayContaining(['Row key', 'Fingerprint', 'hookType']));
    expect(h.runtime.peek(sheet)!.frozenRows).toBe(1);
    expect(isDate(rows[0]['Received at'])).toBe(true);
  });
  it('writes the documented columns with exact values', () => {
    const call = h.rows('Call booked')[0];
    expect(call['event.uuid']).toBe('45526'); // an id sent as text stays text
    expect(call['event_type.duration']).toBe('30');
    expect(call['event.extended_assigned_to.1.name']).toBe('Sam Closer');
    expect(call['invitee.text_reminder_number']).toBe('+1234567890');
    expect(call['questions_and_answers.What is your monthly revenue?']).toBe('10k-50k');
    expect(call['questions_and_responses.1_response']).toBe('+1234567890');
    expect(call['event.canceled']).toBe(false);
    expect(isDate(call['event.utc_start_time'])).toBe(true);
    expect((call['event.utc_start_time'] as Date).toISOString()).toBe('2025-05-13T10:15:00.000Z');
    expect(call['Row key']).toBe('45526');
    const contact = h.rows('Contact updated')[0];
    expect(contact.id).toBe(5);
    expect(contact.updatedAttributes).toBe('status, lastName');
    expect(contact.phoneNumber).toBe('+1234567890');
    expect(contact.latestCall).toBe('');
    const outcome = h.rows('Call outcome added')[0];
    expect(outcome.dealValue).toBe(5000);
    expect(outcome.notes).toBe('Signed the annual plan.');
    expect(h.runtime.peek('Call booked')!.formulas.flat().filter(Boolean)).toEqual([]);
  });
  it('logs each delivery with its outcome and raw body', () => {
    const log = h.rows('Webhook log');
    expect(log).toHaveLength(7);
    expect(log.map((r) => r.Outcome)).toEqual(Array(7).fill('appended'));
    expect(JSON.parse(String(log[3].Body))[0].hookType).toBe('Call booked');
    expect(JSON.stringify(log)).not.toContain(h.token);
  });
});

describe('upserts', () => {
  it('update one row across a contact journey and a call journey sharing sheets', () => {
    const h = startApp();
    const shared = { contactCreated: { sheet: 'Contacts' }, contactUpdated: { sheet: 'Contacts' }, contactByStatus: { sheet: 'Contacts' }, callBooked: { sheet: 'Calls' }, callRescheduled: { sheet: 'Calls' }, callCancelled: { sheet: 'Calls' } };
    expect(h.saveSettings({ hooks: shared })).toMatchObject({ ok: true });
    h.post(payload('contact-created'));
    h.post(payload('contact-updated'));
    const res = h.post(payload('contact-by-status'));
    expect(res.results[0]).toMatchObject({ sheet: 'Contacts', action: 'updated', row: 2 });
    const contacts = h.rows('Contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0].status).toBe('STRATEGY_CALL_BOOKED');
    expect(contacts[0].lastName).toBe('Fleming');
    expect(contacts[0].hookType).toBe('Contact by status');
    h.post(payload('call-booked'));
    h.post(payload('call-rescheduled'));
    h.post(payload('call-cancelled'));
    const calls = h.rows('Calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]['event.canceled']).toBe(true);
    expect(calls[0]['event.cancel_reason']).toBe('Something came up');
    expect(calls[0]['event.old_start_time']).toBeInstanceOf(Object);
  });

  it('keep user columns and a reordered header intact', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    // The user inserts a "Notes" column with their own text and swaps two of the app's columns.
    h.asUser((spreadsheet) => {
      const sheet = spreadsheet.getSheetByName('Contact created')!;
      sheet.insertColumnsBefore(2, 1);
      sheet.getRange(1, 2, 2, 1).setValues([['Notes'], ['call back Friday']]);
      const head = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
      const a = head.indexOf('email') + 1;
      const b = head.indexOf('firstName') + 1;
      const asText = (col: unknown[][]) => col.map((r) => [typeof r[0] === 'string' ? `'${r[0]}` : r[0]]);
      const colA = sheet.getRange(1, a, 2, 1).getValues();
      const colB = sheet.getRange(1, b, 2, 1).getValues();
      sheet.getRange(1, a, 2, 1).setValues(asText(colB));
      sheet.getRange(1, b, 2, 1).setValues(asText(colA));
    });
    const update = payload('contact-created');
    update[0].email = 'new@example.com';
    update[0].firstName = 'Rae';
    const res = h.post(update);
    expect(res.results[0]).toMatchObject({ action: 'updated', row: 2 });
    const rows = h.rows('Contact created');
    expect(rows).toHaveLength(1);
    expect(rows[0].Notes).toBe('call back Friday');
    expect(rows[0].email).toBe('new@example.com');
    expect(rows[0].firstName).toBe('Rae');
  });
});

describe('exactly once', () => {
  it.each(['append', 'upsert', 'insert-if-new'])('a redelivered event adds nothing in %s mode', (mode) => {
    const h = startApp();
    expect(h.saveSettings({ hooks: { callBooked: { mode } } })).toMatchObject({ ok: true });
    expect(h.post(payload('call-booked')).results[0].action).toBe('appended');
    for (let i = 0; i < 3; i += 1) expect(h.post(payload('call-booked')).results[0]).toMatchObject({ action: 'duplicate', row: 2 });
    expect(h.rows('Call booked')).toHaveLength(1);
  });
  it('insert-if-new skips a changed event with a known key; append adds it', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { mode: 'insert-if-new' }, callCancelled: { mode: 'append' } } });
    h.post(payload('call-booked'));
    const changed = payload('call-booked');
    changed[0].event.location = 'Zoom';
    expect(h.post(changed).results[0].action).toBe('skipped');
    expect(h.rows('Call booked')[0]['event.location']).toBe('https://app.iclosed.io/e/strategy-session');
    h.post(payload('call-cancelled'));
    const changedCancel = payload('call-cancelled');
    changedCancel[0].event.cancel_reason = 'Other';
    expect(h.post(changedCancel).results[0].action).toBe('appended');
    expect(h.rows('Call cancelled')).toHaveLength(2);
  });
  it('matches keys sent as numbers or numeric text, and events in one delivery', () => {
    const h = startApp();
    const a = payload('contact-created')[0];
    const b = { ...payload('contact-created')[0], id: '5', firstName: 'Second' };
    const c = { ...payload('contact-created')[0], id: 5.0, firstName: 'Third' };
    const res = h.post([a, b, c]);
    expect(res.results.map((r: any) => r.action)).toEqual(['appended', 'updated', 'updated']);
    expect(h.rows('Contact created')).toHaveLength(1);
    expect(h.rows('Contact created')[0].firstName).toBe('Third');
    const d = { ...payload('contact-created')[0], id: '5', firstName: 'Fourth' };
    expect(h.post(d).results[0]).toMatchObject({ action: 'updated', row: 2 });
  });
});

describe('exact values', () => {
  it('reads back formula-, phone-, zero-padded, date-like, boolean-like and non-Latin strings exactly', () => {
    const h = startApp();
    const tricky = ['=HYPERLINK("http://evil","x")', '+1 (555) 010-9999', '+1234567890', '-5', '@SUM(A1)', '\t=1+1', '\r=1', '00123', '5/9/2025', '2025-05-09', 'May 13, 2025', 'TRUE', 'false', '#N/A', "'quoted", '50%', '1e3', 'Ñandú 東京 مرحبا 😀', ' padded '];
    const event = { ...payload('contact-created')[0], id: 77 };
    tricky.forEach((t, i) => (event[`q${i}`] = t));
    expect(h.post(event).results[0].action).toBe('appended');
    const row = h.rows('Contact created')[0];
    tricky.forEach((t, i) => expect([i, row[`q${i}`]]).toEqual([i, t]));
    expect(h.runtime.peek('Contact created')!.formulas.flat().filter(Boolean)).toEqual([]);
  });
  it('cuts text longer than a cell and keeps the full body in the log', () => {
    const h = startApp();
    const long = 'x'.repeat(70000);
    const event = { ...payload('contact-created')[0], note: long };
    h.post(event);
    const cell = String(h.rows('Contact created')[0].note);
    expect(cell.length).toBeLessThanOrEqual(50000);
    expect(cell).toContain('cut: 70000 characters');
    const logRow = h.runtime.peek('Webhook log')!.values[1];
    expect(logRow.slice(8).join('')).toBe(JSON.stringify(event));
  });
});

describe('auth', () => {
  it('refuses a missing or wrong token and writes nothing', () => {
    const h = startApp();
    const before = h.sheetNames();
    expect(h.post(payload('call-booked'), { token: null })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(h.post(payload('call-booked'), { token: 'x'.repeat(64) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(h.sheetNames()).toEqual(before);
    expect(h.rows('Webhook log')).toHaveLength(0);
  });
  it('keeps the previous token valid after a rotation', () => {
    const h = startApp();
    const rotated = h.app.call<any>('editor', 'rotateToken');
    expect(rotated.token).not.toBe(h.token);
    expect(rotated.url).toBe(`${WEB_APP_URL}?token=${rotated.token}`);
    expect(Date.parse(rotated.previousTokenExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    expect(h.post(payload('call-booked')).ok).toBe(true);
    expect(h.post(payload('call-cancelled'), { token: rotated.token }).ok).toBe(true);
    expect(h.token).toMatch(/^[0-9a-f]{64}$/);
  });
  it('doGet says only whether it is set up without the token', () => {
    const h = startApp();
    const res = invokeGet(h, '');
    expect(res).toEqual({ ok: true, app: 'iclosed-sheets', version: expect.any(String), setUp: true });
    expect(invokeGet(h, `token=${h.token}`)).toMatchObject({ authorized: true, queued: 0 });
  });
});

function invokeGet(h: Harness, query: string): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { invokeWebApp } = require('../local/webapp');
  return JSON.parse(invokeWebApp(h.app, { method: 'GET', url: `/exec${query ? `?${query}` : ''}` }).body);
}

describe('bad input is answered clearly and kept', () => {
  it.each([
    ['{"hookType": "Call booked", ', 'invalid_json'],
    ['', 'empty_body'],
    ['[]', 'no_events'],
  ])('%j → %s, logged as failed with its body', (body, code) => {
    const h = startApp();
    const res = h.post(body);
    expect(res).toMatchObject({ ok: false, error: { code } });
    expect(res.error.message.length).toBeGreaterThan(20);
    const log = h.rows('Webhook log');
    expect(log).toHaveLength(1);
    expect(log[0].Outcome).toBe('failed');
    expect(String(log[0].Body)).toBe(body);
  });
  it('an unknown hook goes to "Other hooks" with all its fields, logged unrouted', () => {
    const h = startApp();
    const res = h.post([{ hookType: 'Invoice paid', amount: 12, customer: { email: 'a@example.com' } }]);
    expect(res.results[0]).toMatchObject({ sheet: 'Other hooks', action: 'unrouted', row: 2 });
    expect(h.rows('Other hooks')[0]).toMatchObject({ hookType: 'Invoice paid', amount: 12, 'customer.email': 'a@example.com' });
    expect(h.rows('Webhook log')[0].Outcome).toBe('unrouted');
  });
  it('the ?hook= parameter names the hook when the body does not', () => {
    const h = startApp();
    const event = payload('call-booked')[0];
    delete event.hookType;
    expect(h.post([event], { query: 'hook=newCallScheduled' }).results[0]).toMatchObject({ sheet: 'Call booked', action: 'appended' });
  });
  it('a form-encoded body with a payload field is read', () => {
    const h = startApp();
    const body = `payload=${encodeURIComponent(JSON.stringify(payload('outcome-added')))}`;
    expect(h.post(body, { contentType: 'application/x-www-form-urlencoded' }).results[0]).toMatchObject({ sheet: 'Call outcome added', action: 'appended' });
  });
  it('one bad event does not sink the others', () => {
    const h = startApp();
    const res = h.post([payload('call-booked')[0], 42, payload('outcome-added')[0]]);
    expect(res.results.map((r: any) => r.action)).toEqual(['appended', 'unrouted', 'appended']);
  });
});

describe('lock timeouts and replay', () => {
  it('queues a delivery when the lock is busy and writes it later', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    const res = h.post(payload('call-booked'));
    expect(res).toMatchObject({ ok: true, results: [{ action: 'queued' }] });
    expect(h.sheetNames()).not.toContain('Call booked');
    expect(h.runtime.triggers.map((t) => t.handler)).toContain('processQueue');
    release();
    const drained = h.app.call<any>('trigger', 'processQueue');
    expect(drained).toEqual({ written: 1, remaining: 0 });
    expect(h.rows('Call booked')).toHaveLength(1);
    expect(h.rows('Webhook log')[0].Message).toMatch(/Queued at/);
    expect(h.runtime.triggers.map((t) => t.handler)).not.toContain('processQueue');
  });
  it('a later delivery drains the queue too', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    h.post(payload('call-booked'));
    release();
    h.post(payload('outcome-added'));
    expect(h.rows('Call booked')).toHaveLength(1);
    expect(h.rows('Call outcome added')).toHaveLength(1);
  });
  it('replays failed deliveries with the current settings', () => {
    const h = startApp();
    h.post('{"broken": ');
    const replay = h.app.call<any>('editor', 'replayDeliveries', { limit: 10 });
    expect(replay).toEqual({ replayed: 1, remaining: 0, lastRow: 2, outcomes: ['failed'] });
    expect(h.rows('Webhook log')[0].Outcome).toBe('failed');
  });
});

describe('webhook log retention', () => {
  it('trims the oldest successful rows beyond the configured count and never failed ones', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 2 })).toMatchObject({ ok: true });
    h.post('not json');
    for (const file of ['contact-created', 'call-booked', 'call-cancelled', 'outcome-added']) h.post(payload(file));
    expect(h.rows('Webhook log')).toHaveLength(5);
    h.app.call('editor', 'replayDeliveries');
    const log = h.rows('Webhook log');
    expect(log.map((r) => r.Outcome)).toEqual(['failed', 'appended', 'appended']);
    expect(log.map((r) => r.Hook)).toEqual(['', 'Call cancelled', 'Call outcome added']);
  });
});

describe('stale versions', () => {
  const contact = (updatedAt: string, lastName: string) => ({ ...payload('contact-updated')[0], updatedAt, lastName });
  it('an older version of a row does not overwrite it, and is logged as stale', () => {
    const h = startApp();
    expect(h.post(contact('2025-05-09T15:40:00.000Z', 'Newer')).results[0].action).toBe('appended');
    const late = h.post(contact('2025-05-09T15:30:00.000Z', 'Older'));
    expect(late.results[0]).toMatchObject({ action: 'stale', row: 2 });
    expect(h.rows('Contact updated')[0].lastName).toBe('Newer');
    expect(h.rows('Webhook log').at(-1)!.Outcome).toBe('stale');
    expect(h.post(contact('2025-05-09T15:50:00.000Z', 'Newest')).results[0].action).toBe('updated');
    expect(h.rows('Contact updated')[0].lastName).toBe('Newest');
  });
  it('inside one delivery too, and across hooks sharing a sheet (a retried booking after the cancellation)', () => {
    const h = startApp();
    const same = h.post([contact('2025-05-09T15:40:00.000Z', 'Newer'), contact('2025-05-09T15:30:00.000Z', 'Older')]);
    expect(same.results.map((r: any) => r.action)).toEqual(['appended', 'stale']);
    expect(h.rows('Contact updated')[0].lastName).toBe('Newer');
    h.saveSettings({ hooks: { callBooked: { sheet: 'Calls' }, callCancelled: { sheet: 'Calls' } } });
    h.post(payload('call-cancelled'));
    expect(h.post(payload('call-booked')).results[0].action).toBe('stale');
    expect(h.rows('Calls')[0]['event.canceled']).toBe(true);
  });
  it('can be switched off per hook: then the last delivery wins', () => {
    const h = startApp();
    h.saveSettings({ hooks: { contactUpdated: { skipStale: false } } });
    h.post(contact('2025-05-09T15:40:00.000Z', 'Newer'));
    expect(h.post(contact('2025-05-09T15:30:00.000Z', 'Older')).results[0].action).toBe('updated');
    expect(h.rows('Contact updated')[0].lastName).toBe('Older');
  });
});
