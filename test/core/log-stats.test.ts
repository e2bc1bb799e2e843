/** Unit tests of the Webhook log statistics the sidebar shows. */
import { activityEntries, hookDeliveryStats } from '../../src/core/log-stats';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (the width read) is part
 * of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshLogStats(): typeof import('../../src/core/log-stats') {
  let mod: typeof import('../../src/core/log-stats') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/log-stats');
  });
  return mod!;
}

/** A log row as read: received at, delivery id, hook, outcome, sheet, row, message. */
const row = (at: unknown, hook: string, outcome = 'appended', sheet = 'S', r = '2', message = 'ok'): unknown[] => [
  at,
  'id',
  hook,
  outcome,
  sheet,
  r,
  message,
];
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

describe('hookDeliveryStats', () => {
  it('gives each hook its latest delivery and the count of today, whatever the row order', () => {
    const rows = [
      row(new Date('2026-12-03T09:00:00Z'), 'Call booked'),
      row(new Date('2026-12-02T23:00:00Z'), 'Call booked'),
      row(new Date('2026-12-03T08:00:00Z'), 'Call booked'),
      row(new Date('2026-12-01T08:00:00Z'), 'Contact created'),
    ];
    const stats = hookDeliveryStats(rows, dayOf, '2026-12-03');
    expect(stats.get('Call booked')).toEqual({ last: new Date('2026-12-03T09:00:00Z'), today: 2 });
    expect(stats.get('Contact created')).toEqual({ last: new Date('2026-12-01T08:00:00Z'), today: 0 });
    expect(stats.has('Call cancelled')).toBe(false);
  });
  it('keeps the latest delivery when an older row comes after a newer one', () => {
    const rows = [
      row(new Date('2026-12-01T08:00:00Z'), 'Call booked'),
      row(new Date('2026-12-03T09:00:00Z'), 'Call booked'),
      row(new Date('2026-12-02T09:00:00Z'), 'Call booked'),
    ];
    expect(hookDeliveryStats(rows, dayOf, '2026-12-03').get('Call booked')).toEqual({ last: new Date('2026-12-03T09:00:00Z'), today: 1 });
  });
  it('counts a row naming several hooks for each of them, and skips rows without a date', () => {
    const rows = [
      row(new Date('2026-12-03T10:00:00Z'), 'Call booked, Contact created'),
      row('2026-12-03T11:00:00Z', 'Call booked'),
      row('', ''),
    ];
    const stats = hookDeliveryStats(rows, dayOf, '2026-12-03');
    expect(stats.get('Call booked')).toEqual({ last: new Date('2026-12-03T10:00:00Z'), today: 1 });
    expect(stats.get('Contact created')?.today).toBe(1);
    expect(stats.size).toBe(2);
  });
  it('uses the day function given, so the spreadsheet time zone decides what today is', () => {
    const rows = [row(new Date('2026-12-02T23:30:00Z'), 'Call booked')];
    const plusOneHour = (d: Date) => dayOf(new Date(d.getTime() + 3600_000));
    expect(hookDeliveryStats(rows, plusOneHour, '2026-12-03').get('Call booked')?.today).toBe(1);
    expect(hookDeliveryStats(rows, dayOf, '2026-12-03').get('Call booked')?.today).toBe(0);
  });
});

describe('activityEntries', () => {
  it('lists the last rows newest first, with their sheet row numbers and whether they can be replayed', () => {
    const rows = [
      row(new Date('2026-12-01T00:00:00Z'), 'A', 'appended'),
      row(new Date('2026-12-02T00:00:00Z'), 'B', 'failed', '', '', 'bad body'),
      row('not a date', 'C', 'queued'),
    ];
    expect(activityEntries(rows, 2)).toEqual([
      { logRow: 4, receivedAt: 'not a date', hook: 'C', outcome: 'queued', sheet: 'S', row: '2', message: 'ok', replayable: true },
      {
        logRow: 3,
        receivedAt: '2026-12-02T00:00:00.000Z',
        hook: 'B',
        outcome: 'failed',
        sheet: '',
        row: '',
        message: 'bad body',
        replayable: true,
      },
    ]);
    expect(activityEntries(rows, 30).map((e) => [e.logRow, e.replayable])).toEqual([
      [4, true],
      [3, true],
      [2, false],
    ]);
  });
  it('reads only the cells it counts', () => {
    expect(freshLogStats().LOG_STATS_WIDTH).toBe(7);
    expect(activityEntries([], 30)).toEqual([]);
  });
});
