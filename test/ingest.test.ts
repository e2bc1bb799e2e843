/** Ingestion through the built bundle in the local runtime: every hook, write modes, exact values, auth, errors, queue. */
import { flattenEvent } from '../src/core/flatten';
import { APOSTROPHE_WORLDS, payload, startApp as startIn, WEB_APP_URL, type Harness, type StartOptions } from './helpers/harness';

// The whole suite runs in both Plain-text worlds (helpers/harness.ts APOSTROPHE_WORLDS); its body is left unindented.
describe.each(APOSTROPHE_WORLDS)('%s', (_world, world) => {
const startApp = (options: StartOptions = {}): Harness => startIn({ ...options, ...world });
const keeps = world.keepApostropheInPlainText === true;

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
    const rows = h.fields(sheet);
    expect(rows).toHaveLength(1);
    const header = h.header(sheet);
    expect(header[0]).toBe('Received at');
    expect(header).toEqual(expect.arrayContaining(['Row key', 'Fingerprint', 'Other fields']));
    // The first ten columns are plain words a sales team reads, with the lead's name and email (or the outcome and its value).
    const firstTen = header.slice(0, 10);
    for (const label of firstTen) expect(label).toMatch(/^[A-Z][A-Za-z]*( [a-z]+)*$/); // no dot paths
    expect(firstTen).toEqual(expect.arrayContaining(file === 'outcome-added' ? ['Outcome', 'Deal value'] : ['Email']));
    if (file !== 'outcome-added') expect(firstTen.some((l) => /name/i.test(l))).toBe(true);
    expect(h.runtime.peek(sheet)!.frozenRows).toBe(1);
    expect(isDate(h.rows(sheet)[0]['Received at'])).toBe(true);
    // Nothing is lost: every field the example sends with a value is on the row, as a column or in "Other fields".
    const sent = flattenEvent(payload(file)[0]).filter((f) => f.value !== null);
    expect(sent.filter((f) => !(f.path in rows[0])).map((f) => f.path)).toEqual([]);
    const other = JSON.parse(String(h.rows(sheet)[0]['Other fields']));
    for (const [path, value] of Object.entries(other)) expect([path, value]).toEqual([path, sent.find((f) => f.path === path)!.value]);
  });
  it('writes the documented columns with exact values', () => {
    const call = h.fields('Call booked')[0];
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
    const contact = h.fields('Contact updated')[0];
    expect(contact.id).toBe(5);
    expect(contact.updatedAttributes).toBe('status, lastName');
    expect(contact.phoneNumber).toBe('+1234567890');
    expect(contact.latestCall).toBeUndefined(); // null: no column by default, and "Other fields" leaves nulls out
    const outcome = h.fields('Call outcome added')[0];
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
  it('gives a field iClosed starts sending later a column of its own, while documented fields stay in Other fields', () => {
    const later = payload('call-booked');
    later[0].event.uuid = 'later-1';
    later[0].lead_score = 87;
    const before = h.header('Call booked');
    expect(h.post(later).results[0]).toMatchObject({ action: 'appended', row: 3 });
    expect(h.header('Call booked')).toEqual([...before, 'lead_score']);
    expect(h.fields('Call booked')[1]).toMatchObject({ lead_score: 87, 'event.uuid': 'later-1', 'event_type.slug': 'strategy-session' });
    expect(h.rows('Call booked')[1]['Other fields']).not.toContain('lead_score');
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
    const contacts = h.fields('Contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0].status).toBe('STRATEGY_CALL_BOOKED');
    expect(contacts[0].lastName).toBe('Fleming');
    expect(contacts[0].hookType).toBe('Contact by status');
    h.post(payload('call-booked'));
    h.post(payload('call-rescheduled'));
    h.post(payload('call-cancelled'));
    const calls = h.fields('Calls');
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
      const a = head.indexOf('Email') + 1;
      const b = head.indexOf('First name') + 1;
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
    const rows = h.fields('Contact created');
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
    expect(h.fields('Call booked')).toHaveLength(1);
  });
  it('insert-if-new skips a changed event with a known key; append adds it', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { mode: 'insert-if-new' }, callCancelled: { mode: 'append' } } });
    h.post(payload('call-booked'));
    const changed = payload('call-booked');
    changed[0].event.location = 'Zoom';
    expect(h.post(changed).results[0].action).toBe('skipped');
    expect(h.fields('Call booked')[0]['event.location']).toBe('https://app.iclosed.io/e/strategy-session');
    h.post(payload('call-cancelled'));
    const changedCancel = payload('call-cancelled');
    changedCancel[0].event.cancel_reason = 'Other';
    expect(h.post(changedCancel).results[0].action).toBe('appended');
    expect(h.fields('Call cancelled')).toHaveLength(2);
  });
  it('matches keys sent as numbers or numeric text, and events in one delivery', () => {
    const h = startApp();
    const a = payload('contact-created')[0];
    const b = { ...payload('contact-created')[0], id: '5', firstName: 'Second' };
    const c = { ...payload('contact-created')[0], id: 5.0, firstName: 'Third' };
    const res = h.post([a, b, c]);
    expect(res.results.map((r: any) => r.action)).toEqual(['appended', 'updated', 'updated']);
    expect(h.fields('Contact created')).toHaveLength(1);
    expect(h.fields('Contact created')[0].firstName).toBe('Third');
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
    const row = h.fields('Contact created')[0];
    tricky.forEach((t, i) => expect([i, row[`q${i}`]]).toEqual([i, t]));
    expect(h.runtime.peek('Contact created')!.formulas.flat().filter(Boolean)).toEqual([]);
  });
  it('cuts text longer than a cell and keeps the full body in the log', () => {
    const h = startApp();
    const long = 'x'.repeat(70000);
    const event = { ...payload('contact-created')[0], note: long };
    h.post(event);
    const cell = String(h.fields('Contact created')[0].note);
    expect(cell.length).toBeLessThanOrEqual(50000);
    expect(cell).toContain('cut: 70000 characters');
    const logRow = h.runtime.peek('Webhook log')!.values[1];
    expect(logRow.slice(7).join('')).toBe(JSON.stringify(event));
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
    expect(h.fields('Other hooks')[0]).toMatchObject({ hookType: 'Invoice paid', amount: 12, 'customer.email': 'a@example.com' });
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
    expect(h.fields('Call booked')).toHaveLength(1);
    expect(h.rows('Webhook log')[0].Message).toMatch(/Queued at/);
    expect(h.runtime.triggers.map((t) => t.handler)).not.toContain('processQueue');
  });
  it('a later delivery drains the queue too', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    h.post(payload('call-booked'));
    release();
    h.post(payload('outcome-added'));
    expect(h.fields('Call booked')).toHaveLength(1);
    expect(h.fields('Call outcome added')).toHaveLength(1);
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
    expect(h.fields('Contact updated')[0].lastName).toBe('Newer');
    expect(h.rows('Webhook log').at(-1)!.Outcome).toBe('stale');
    expect(h.post(contact('2025-05-09T15:50:00.000Z', 'Newest')).results[0].action).toBe('updated');
    expect(h.fields('Contact updated')[0].lastName).toBe('Newest');
  });
  it('inside one delivery too, and across hooks sharing a sheet (a retried booking after the cancellation)', () => {
    const h = startApp();
    const same = h.post([contact('2025-05-09T15:40:00.000Z', 'Newer'), contact('2025-05-09T15:30:00.000Z', 'Older')]);
    expect(same.results.map((r: any) => r.action)).toEqual(['appended', 'stale']);
    expect(h.fields('Contact updated')[0].lastName).toBe('Newer');
    h.saveSettings({ hooks: { callBooked: { sheet: 'Calls' }, callCancelled: { sheet: 'Calls' } } });
    h.post(payload('call-cancelled'));
    expect(h.post(payload('call-booked')).results[0].action).toBe('stale');
    expect(h.fields('Calls')[0]['event.canceled']).toBe(true);
  });
  it('can be switched off per hook: then the last delivery wins', () => {
    const h = startApp();
    h.saveSettings({ hooks: { contactUpdated: { skipStale: false } } });
    h.post(contact('2025-05-09T15:40:00.000Z', 'Newer'));
    expect(h.post(contact('2025-05-09T15:30:00.000Z', 'Older')).results[0].action).toBe('updated');
    expect(h.fields('Contact updated')[0].lastName).toBe('Older');
  });
});

describe('Plain-text (@) columns', () => {
  /** A user formats every cell of a sheet as Plain text. */
  const formatAsText = (h: Harness, name: string) =>
    h.asUser((spreadsheet) => {
      const sheet = spreadsheet.getSheetByName(name)!;
      sheet.getRange(1, 1, sheet.getMaxRows(), sheet.getMaxColumns()).setNumberFormat('@');
    });
  const contact = (firstName: string) => ({ ...payload('contact-created')[0], id: 77, email: 'plain@example.com', phoneNumber: '+1999', firstName, '1st_touch': 'ad' });

  it('upserts find their row, the fingerprint cell keeps one apostrophe at most, the header gains no column', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    formatAsText(h, 'Contact created');
    formatAsText(h, 'Pipeline');
    expect(h.post(contact('A')).results[0]).toMatchObject({ action: 'appended', row: 3 });
    const width = h.header('Contact created').length;
    expect(h.post(contact('B')).results[0]).toMatchObject({ action: 'updated', row: 3 });
    expect(h.post(contact('C')).results[0]).toMatchObject({ action: 'updated', row: 3 });
    expect(h.post(contact('C')).results[0]).toMatchObject({ action: 'duplicate', row: 3 });
    const rows = h.fields('Contact created');
    expect(rows).toHaveLength(2);
    expect(rows[1].firstName).toBe('C');
    // The new label needs the guard apostrophe: a Plain-text cell that keeps it still matches, so no second column.
    const header = h.header('Contact created');
    expect(header).toHaveLength(width);
    expect(header.filter((label) => label.replace(/^'/, '') === '1st_touch')).toHaveLength(1);
    // A column the user adds makes the app read the whole header again: the label still matches.
    h.asUser((spreadsheet) => spreadsheet.getSheetByName('Contact created')!.getRange(1, width + 1).setValue('Notes'));
    expect(h.post(contact('D')).results[0]).toMatchObject({ action: 'updated', row: 3 });
    expect(h.header('Contact created')).toHaveLength(width + 1);
    // Raw cells: exactly the guard apostrophe when the cell keeps it, never one more per update.
    const fingerprints = String(rows[1].Fingerprint);
    expect(fingerprints.startsWith("'")).toBe(keeps);
    expect(fingerprints.startsWith("''")).toBe(false);
    const [version, ...prints] = fingerprints.replace(/^'/, '').split(' ');
    expect(version).toMatch(/^v:/);
    expect(prints).toHaveLength(3);
    expect(rows[1]['Row key']).toBe(keeps ? "'77" : '77');
    // The Pipeline found the lead each time: one row per lead, its keys and state read back whole.
    const pipeline = h.rows('Pipeline');
    expect(pipeline).toHaveLength(2);
    expect(pipeline.filter((r) => String(r['Lead keys']).includes('id:77'))).toHaveLength(1);
    // A call sharing only the email (the first key token of the cell) joins that lead instead of starting one.
    const call = payload('call-booked');
    call[0].invitee.email = 'plain@example.com';
    call[0].invitee.text_reminder_number = '+1666';
    h.post(call);
    const joined = h.rows('Pipeline');
    expect(joined).toHaveLength(2);
    expect(joined[1].Booked).toBe(true);
  });

  it("a lead's state cell in a Plain-text column is read back whole: cancellations keep counting", () => {
    const h = startApp();
    h.post(payload('call-booked'));
    formatAsText(h, 'Pipeline');
    const cancel = (reason: string) => {
      const body = payload('call-cancelled');
      body[0].event.cancel_reason = reason;
      body[0].event.uuid = `c-${reason}`;
      return body;
    };
    h.post(cancel('one'));
    h.post(cancel('two'));
    const pipeline = h.rows('Pipeline');
    expect(pipeline).toHaveLength(1);
    expect(pipeline[0]['Times cancelled']).toBe(2);
    expect(String(pipeline[0]['Lead state']).startsWith("'")).toBe(keeps);
  });

  it('a key written into a Plain-text column is found in a batch and by a later delivery', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    formatAsText(h, 'Contact created');
    expect(h.post([contact('A'), { ...contact('B'), id: 78, email: 'other@example.com', phoneNumber: '+1888' }]).results.map((r: any) => r.action)).toEqual(['appended', 'appended']);
    expect(h.post([contact('D'), { ...contact('E'), id: 78, email: 'other@example.com', phoneNumber: '+1888' }]).results.map((r: any) => r.row)).toEqual([3, 4]);
    expect(h.fields('Contact created').map((r) => r.firstName)).toEqual(['Raya', 'D', 'E']);
  });
});
});
