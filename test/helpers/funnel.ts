/** Reading the Funnel and Pipeline sheets back as plain data: the funnel's period table keyed by period, breakdown and value. */
import type { Harness } from './harness';

export const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

/** Rows of a sheet as plain data, dates as ISO text, so rows compare with toEqual. */
export function plain(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, isDate(v) ? v.toISOString() : v])));
}

/**
 * The Funnel sheet's period table: `This week|Total|`, `All time|UTM source|facebook`, … to
 * [leads, qualified, booked, held, sales, revenue]. An empty period's zero total row is left out.
 */
export function funnelTable(h: Harness): Map<string, number[]> {
  const values = h.runtime.peek('Funnel')!.values;
  const header = values.findIndex((r) => r[0] === 'Period');
  const out = new Map<string, number[]>();
  for (const r of values.slice(header + 1)) {
    if (r[0] === '') continue;
    const period = String(r[0]).startsWith('This week') ? 'This week' : String(r[0]).startsWith('This month') ? 'This month' : 'All time';
    const counts = r.slice(3, 8).map(Number).concat(Number(r[10]));
    if (r[1] === 'Total' && counts[0] === 0) continue;
    out.set(`${period}|${r[1]}|${r[2]}`, counts);
  }
  return out;
}

/** UTC calendar helpers of the tests' own (the app uses the spreadsheet's time zone, Etc/UTC in the harness). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export function utcMonday(ms: number): string {
  const d = new Date(ms);
  return utcDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
}
