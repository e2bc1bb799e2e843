/** What the sidebar shows of the Webhook log: per-hook last delivery and today's count, and the latest activity. */
import { REPLAYABLE } from './plan';
import type { ActivityEntry } from './sidebar-api';
import { isDate } from './values';

/** Columns of a Webhook log row as read (0-based; the sheet's order is LOG_HEADER in src/gas/log.ts). */
const CELL = { receivedAt: 0, hook: 2, outcome: 3, sheet: 4, row: 5, message: 6 } as const;

/** Log cells the statistics read from each row. */
export const LOG_STATS_WIDTH = CELL.message + 1;

/** One hook's deliveries in the log. */
export interface HookDeliveryStats {
  last: Date | null;
  today: number;
}

/**
 * Per hook name: the latest delivery and how many arrived on `today`. A row naming several hooks
 * ("A, B") counts for each; rows without a date are skipped. `dayOf` gives a date's day in the
 * spreadsheet's time zone, in the same format as `today`.
 */
export function hookDeliveryStats(
  rows: readonly (readonly unknown[])[],
  dayOf: (at: Date) => string,
  today: string,
): Map<string, HookDeliveryStats> {
  const stats = new Map<string, HookDeliveryStats>();
  for (const row of rows) {
    const at = row[CELL.receivedAt];
    if (!isDate(at)) continue;
    for (const name of String(row[CELL.hook]).split(', ')) {
      const s = stats.get(name) ?? { last: null, today: 0 };
      if (!s.last || at.getTime() > s.last.getTime()) s.last = at;
      if (dayOf(at) === today) s.today += 1;
      stats.set(name, s);
    }
  }
  return stats;
}

/** The last `count` log rows, newest first; `rows` start at sheet row 2. */
export function activityEntries(rows: readonly (readonly unknown[])[], count: number): ActivityEntry[] {
  const first = Math.max(0, rows.length - count);
  return rows
    .slice(first)
    .map((row, i) => ({
      logRow: first + i + 2,
      receivedAt: isDate(row[CELL.receivedAt]) ? (row[CELL.receivedAt] as Date).toISOString() : String(row[CELL.receivedAt]),
      hook: String(row[CELL.hook]),
      outcome: String(row[CELL.outcome]),
      sheet: String(row[CELL.sheet]),
      row: String(row[CELL.row]),
      message: String(row[CELL.message]),
      replayable: (REPLAYABLE as readonly string[]).includes(String(row[CELL.outcome])),
    }))
    .reverse();
}
