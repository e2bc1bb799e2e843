/** Dead letters (deliveries of an unknown hook type) survive replays and log trimming until their hook type routes them. */
import { payload, startApp, type Harness } from './helpers/harness';

const mystery = (id: number) => ({ hookType: 'Mystery hook', id, note: `dead letter ${id}` });

/** A booking event without its hookType, as a sender that names the hook in the URL posts it. */
function bareBooking(): Record<string, unknown> {
  const { hookType: _hookType, ...event } = payload('call-booked')[0];
  return event;
}

/** The Webhook log as [outcome, hook, body] per row. */
const logRows = (h: Harness) =>
  h.runtime
    .peek('Webhook log')!
    .values.slice(1)
    .map((r) => [r[3], r[2], r.slice(8).join('')]);

/** Runs the one-minute trigger, which trims the log to the configured retention. */
const trim = (h: Harness) => expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 0, remaining: 0 });

/** A spreadsheet keeping no successful log rows, with one dead letter between two successful deliveries. */
function withDeadLetter(): Harness {
  const h = startApp();
  expect(h.saveSettings({ logRetention: 0 })).toMatchObject({ ok: true });
  h.post(payload('contact-created'));
  expect(h.post(mystery(1)).results[0].action).toBe('unrouted');
  h.post(payload('call-booked'));
  return h;
}

describe('replaying a dead letter whose hook type is still unknown', () => {
  it('from the menu leaves it unrouted, and the trim that follows keeps it with its raw body', () => {
    const h = withDeadLetter();
    h.app.call('editor', 'replayDeliveries');
    expect(h.runtime.ui.toasts.at(-1)?.message).toMatch(/Replayed 1 deliveries: 1 unrouted/);
    trim(h);
    expect(logRows(h)).toEqual([['unrouted', 'Mystery hook', JSON.stringify(mystery(1))]]);
    expect(h.rows('Other hooks')).toHaveLength(1);
    // Still replayable: a second pass finds it again.
    expect(h.app.call<any>('editor', 'replayDeliveries', { limit: 10 }).outcomes).toEqual(['unrouted']);
    trim(h);
    expect(logRows(h)).toEqual([['unrouted', 'Mystery hook', JSON.stringify(mystery(1))]]);
  });

  it('from the sidebar in batches leaves each unrouted, and the trim that follows keeps them all', () => {
    const h = withDeadLetter();
    h.post(mystery(2));
    h.post('not json');
    h.post(mystery(3));
    const outcomes: string[] = [];
    let after = 0;
    for (let pass = 0; pass < 10; pass += 1) {
      const batch = h.app.call<any>('editor', 'replayDeliveries', { limit: 1, after });
      outcomes.push(...batch.outcomes);
      after = batch.lastRow;
      if (batch.remaining === 0) break;
    }
    expect(outcomes).toEqual(['unrouted', 'unrouted', 'failed', 'unrouted']);
    trim(h);
    expect(logRows(h)).toEqual([
      ['unrouted', 'Mystery hook', JSON.stringify(mystery(1))],
      ['unrouted', 'Mystery hook', JSON.stringify(mystery(2))],
      ['failed', '', 'not json'],
      ['unrouted', 'Mystery hook', JSON.stringify(mystery(3))],
    ]);
    expect(h.rows('Other hooks')).toHaveLength(3);
  });
});

describe('replaying a dead letter once its hook type is known', () => {
  it('routes it to the hook sheet and then counts it as a success, which trimming may delete', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 0 })).toMatchObject({ ok: true });
    // The URL named a hook the app does not know: the delivery waits in "Other hooks".
    expect(h.post([bareBooking()], { query: 'hook=Meeting%20booked' }).results[0].action).toBe('unrouted');
    expect(h.app.call<any>('editor', 'replayDeliveries', { limit: 10 }).outcomes).toEqual(['unrouted']);
    trim(h);
    expect(logRows(h)).toEqual([['unrouted', 'Meeting booked', JSON.stringify([bareBooking()])]]);
    // The user names the hook type on the log row; the replay routes it there.
    h.asUser((spreadsheet) => spreadsheet.getSheetByName('Webhook log')!.getRange(2, 3).setValue('Call booked'));
    const replay = h.app.call<any>('editor', 'replayDeliveries', { limit: 10 });
    expect(replay).toMatchObject({ replayed: 1, remaining: 0, outcomes: ['appended'] });
    expect(h.fields('Call booked').map((r) => r['event.uuid'])).toEqual(['45526']);
    // A success now: the replay's own trim removed it (retention 0), and nothing is left to replay.
    expect(logRows(h)).toEqual([]);
    expect(h.app.call<any>('editor', 'replayDeliveries', { limit: 10 })).toMatchObject({ replayed: 0, remaining: 0 });
  });
});
