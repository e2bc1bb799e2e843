/** The stash and the queue trigger: compressed stashes under keys of their own, group commit equal to one-by-one writing, one trigger made under the lock, per user. */
import { payload, startApp, type Harness } from './helpers/harness';

const stashes = (h: Harness) => Object.entries(h.runtime.toJSON().properties.script).filter(([k]) => k.startsWith('queue/'));
const queueTriggers = (h: Harness) => h.runtime.triggers.filter((t) => t.handler === 'processQueue');
/** Makes a processQueue trigger in an editor execution of whoever the runtime acts as. */
const makeTrigger = (h: Harness) =>
  h.runtime.execute('editor', () => h.app.context.ScriptApp.newTrigger('processQueue').timeBased().everyMinutes(1).create());

function callBooked(uuid: string, location = 'Zoom'): any[] {
  const p = payload('call-booked');
  p[0].event.uuid = uuid;
  p[0].event.location = location;
  return p;
}

/** Rows with Dates (receipt and write times, which differ between two runs) replaced by a marker. */
function comparable(h: Harness, sheet: string): unknown[][] {
  return h.runtime.peek(sheet)!.values.map((row) => row.map((v) => (v instanceof Date ? 'date' : v)));
}

describe('the stash', () => {
  it('keeps a delivery that found the lock busy under a key of its own, gzip + base64, well under its JSON', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    const body = callBooked('stashed-1');
    expect(h.post(body).results[0].action).toBe('queued');
    const [[key, value]] = stashes(h);
    expect(key).toMatch(/^queue\/\d{15}-\d{6}-/);
    expect(value.startsWith('z:')).toBe(true);
    // The queue used to keep the delivery as JSON, its body escaped inside: about 1.7 times smaller now.
    expect(value.length).toBeLessThan(JSON.stringify(JSON.stringify(body)).length * 0.6);
    release();
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 1, remaining: 0 });
    expect(stashes(h)).toEqual([]);
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['stashed-1']);
  });

  it('written as one batch, stashed deliveries give the same sheets as the same deliveries written one by one', () => {
    const contact = (id: number, status: string) => [{ ...payload('contact-created')[0], id, email: `lead${id}@example.com`, status }];
    const sequence = [
      callBooked('a'),
      callBooked('b'),
      callBooked('a', 'Meet'),
      callBooked('b'),
      contact(1, 'NEW'),
      contact(2, 'NEW'),
      contact(1, 'QUALIFIED'),
      callBooked('c'),
    ];
    const oneByOne = startApp();
    for (const body of sequence) oneByOne.post(body);
    const batched = startApp();
    const release = batched.runtime.holdScriptLock();
    for (const body of sequence) expect(batched.post(body).results[0].action).toBe('queued');
    release();
    batched.runtime.calls.reset();
    expect(batched.app.call<any>('trigger', 'processQueue')).toEqual({ written: sequence.length, remaining: 0 });
    // One write for the call sheet's new rows, whatever the number of deliveries.
    expect(batched.runtime.calls.byMethod['Sheet.appendRow'] ?? 0).toBe(0);
    for (const sheet of ['Call booked', 'Contact created', 'Pipeline'])
      expect([sheet, comparable(batched, sheet)]).toEqual([sheet, comparable(oneByOne, sheet)]);
    const outcomes = (h: Harness) => h.rows('Webhook log').map((r) => r.Outcome);
    expect(outcomes(batched)).toEqual(outcomes(oneByOne));
    expect(batched.rows('Webhook log').every((r) => /^Queued at /.test(String(r.Message)))).toBe(true);
  });
});

describe('the queue trigger', () => {
  it('writes every waiting batch in one run while inside its four minutes', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    // More than one batch (50 deliveries each) waiting.
    for (let i = 0; i < 51; i += 1) expect(h.post(callBooked(`drain-${i}`)).results[0].action).toBe('queued');
    release();
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 51, remaining: 0 });
    expect(h.rows('Call booked')).toHaveLength(51);
  });

  it('is made once, under the lock, by the execution that writes stashes; duplicates go; it removes itself when nothing waits', () => {
    const h = startApp();
    makeTrigger(h);
    makeTrigger(h);
    expect(queueTriggers(h)).toHaveLength(2);
    const release = h.runtime.holdScriptLock();
    h.post(callBooked('t1'));
    // The delivery that found the lock busy made no trigger: it held no lock.
    expect(queueTriggers(h)).toHaveLength(2);
    release();
    h.post(callBooked('t2'));
    expect(queueTriggers(h)).toHaveLength(1);
    expect(h.runtime.toJSON().properties.script['queue.trigger']).toBe(queueTriggers(h)[0].id);
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['t1', 't2']);
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 0, remaining: 0 });
    expect(queueTriggers(h)).toEqual([]);
    expect(h.runtime.toJSON().properties.script['queue.trigger']).toBeUndefined();
  });

  it("belongs to the user who made it: another editor's trigger is not listed to the owner, and an editor's test delivery makes none", () => {
    const h = startApp();
    h.runtime.actAs('editor@example.com');
    makeTrigger(h);
    h.runtime.actAs(null);
    const listed = h.runtime.execute('editor', () => h.app.context.ScriptApp.getProjectTriggers().length);
    expect(listed).toBe(0);
    expect(h.runtime.triggers.map((t) => t.owner)).toEqual(['editor@example.com']);

    const release = h.runtime.holdScriptLock();
    h.post(callBooked('e1'));
    release();
    h.runtime.actAs('editor@example.com');
    const sent = h.app.call<any>('editor', 'sendTestDelivery', 'callBooked');
    h.runtime.actAs(null);
    expect(sent.ok).toBe(true);
    // The stash was written by the editor's execution, which made no trigger of its own.
    expect(stashes(h)).toEqual([]);
    expect(queueTriggers(h)).toHaveLength(1);
    expect(h.rows('Call booked').map((r) => r['Call id'])).toContain('e1');
  });
});
