/** Funnel numbers: per-lead metrics, counters kept by delta (never by re-reading the pipeline), week/month buckets and the Funnel sheet's grid. */
import type { FieldValue } from './flatten';
import { currentCall, type LeadState } from './pipeline';

export const FUNNEL_SHEET = 'Funnel';

/** [leads, qualified, calls booked, calls held, sales, revenue] */
export type Counts = number[];
const ZERO: Counts = [0, 0, 0, 0, 0, 0];
const STAGES = ['Leads', 'Qualified', 'Calls booked', 'Calls held', 'Sales'] as const;
const DIMENSIONS = ['source', 'campaign', 'closer'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What one lead adds to the funnel. */
export interface LeadMetrics {
  counts: Counts;
  /** Created-at in ms: the lead's week and month. Null: counted in "all time" only. */
  created: number | null;
  source: string;
  campaign: string;
  closer: string;
}

const NONE = '(none)';
/** Outcome reasons that say the call did not take place (iClosed's No sale and Rejected reasons). */
const NOT_HELD_REASONS = ['NO_SHOW', 'CONTACT_CANCELLED', 'ADMIN_CANCELLED'];

/**
 * A lead's contribution, one stage implying the ones before it (docs/pipeline.md, "Funnel semantics"). A call is
 * held when the lead's latest outcome says it took place: a sale, or any other outcome whose reason is
 * not a no-show or a cancellation. A sale is a SALE outcome, whose deal value is revenue. Held implies
 * booked and booked implies qualified, whatever events are missing, so every row of the funnel is
 * monotone. Source and campaign are the first-touch UTM values, else the latest ones; closer is the
 * current call's.
 */
export function leadMetrics(s: LeadState): LeadMetrics {
  const outcome = s.outcome;
  const sale = outcome?.outcome === 'SALE';
  const held = sale || (outcome !== null && !NOT_HELD_REASONS.includes(outcome.reason ?? ''));
  const booked = s.booked || held;
  const qualified = s.qualified || booked;
  const revenue = sale && typeof outcome?.value === 'number' ? outcome.value : 0;
  const text = (v: FieldValue | undefined): string => (v === null || v === undefined || String(v).trim() === '' ? NONE : String(v));
  return {
    counts: [1, qualified ? 1 : 0, booked ? 1 : 0, held ? 1 : 0, sale ? 1 : 0, revenue],
    created: s.created ? Date.parse(s.created) : null,
    source: text(s.v.firstSource ?? s.v.source),
    campaign: text(s.v.firstCampaign ?? s.v.campaign),
    closer: text(currentCall(s)?.closer),
  };
}

/** One bucket's counters: the total and one entry per value of each dimension. */
export interface BucketCounts {
  total: Counts;
  source: Array<[string, Counts]>;
  campaign: Array<[string, Counts]>;
  closer: Array<[string, Counts]>;
}

/** Buckets: `all`, `week:<Monday yyyy-mm-dd>`, `month:<yyyy-mm>`. Kept in script properties. */
export interface FunnelCounters {
  buckets: Record<string, BucketCounts>;
}

export function emptyFunnel(): FunnelCounters {
  return { buckets: {} };
}

/**
 * A time zone as the funnel needs it: its id, and the local calendar date (yyyy-MM-dd) of a time there.
 * The core stays free of platform calls: Apps Script supplies Utilities.formatDate (src/gas/pipeline.ts),
 * the documented way to format in a time zone there; Intl.DateTimeFormat with a timeZone is not promised.
 */
export interface Zone {
  id: string;
  localDate(ms: number): string;
}

/**
 * Local calendar day of a time in a time zone. Weeks start on Monday; a lead's week and month are
 * those of its created-at in the spreadsheet's time zone.
 */
function localDay(ms: number, zone: Zone): { y: number; m: number; d: number } {
  const text = zone.localDate(ms);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new Error(`The local date of ${ms} in ${zone.id} is "${text}", not yyyy-MM-dd.`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

export function weekKey(ms: number, zone: Zone): string {
  const { y, m, d } = localDay(ms, zone);
  const day = new Date(Date.UTC(y, m - 1, d));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return `week:${day.toISOString().slice(0, 10)}`;
}

export function monthKey(ms: number, zone: Zone): string {
  const { y, m } = localDay(ms, zone);
  return `month:${y}-${String(m).padStart(2, '0')}`;
}

function bucketsOf(created: number | null, zone: Zone): string[] {
  return created === null || !Number.isFinite(created) ? ['all'] : ['all', weekKey(created, zone), monthKey(created, zone)];
}

/** Money and counts without floating-point dust, so add-then-subtract returns to zero. */
const round = (n: number): number => Math.round(n * 100) / 100;

function addCounts(into: Counts, add: Counts, sign: number): Counts {
  return into.map((v, i) => round(v + sign * (add[i] ?? 0)));
}

function addEntry(list: Array<[string, Counts]>, value: string, counts: Counts, sign: number): void {
  const i = list.findIndex(([v]) => v === value);
  const next = addCounts(i >= 0 ? list[i][1] : ZERO, counts, sign);
  const empty = next.every((n) => n === 0);
  if (i >= 0) {
    if (empty) list.splice(i, 1);
    else list[i][1] = next;
  } else if (!empty) {
    list.push([value, next]);
  }
}

/** Adds (sign 1) or removes (sign -1) one lead's contribution. */
export function addLead(counters: FunnelCounters, m: LeadMetrics, sign: 1 | -1, zone: Zone): void {
  for (const key of bucketsOf(m.created, zone)) {
    const b = Object.prototype.hasOwnProperty.call(counters.buckets, key)
      ? counters.buckets[key]
      : { total: [...ZERO], source: [], campaign: [], closer: [] };
    b.total = addCounts(b.total, m.counts, sign);
    for (const dim of DIMENSIONS) addEntry(b[dim], m[dim], m.counts, sign);
    counters.buckets[key] = b;
  }
}

/** Applies the change of one lead: its old contribution out, its new one in. */
export function applyLeadDelta(counters: FunnelCounters, before: LeadState | null, after: LeadState | null, zone: Zone): void {
  if (before) addLead(counters, leadMetrics(before), -1, zone);
  if (after) addLead(counters, leadMetrics(after), 1, zone);
}

/**
 * Drops the buckets of past weeks and months: only this week, this month (and later ones, for leads
 * created ahead of the clock) are shown, so the counters stay small whatever the pipeline's size.
 */
export function pruneFunnel(counters: FunnelCounters, nowMs: number, zone: Zone): void {
  const week = weekKey(nowMs, zone);
  const month = monthKey(nowMs, zone);
  for (const key of Object.keys(counters.buckets)) {
    if ((key.startsWith('week:') && key < week) || (key.startsWith('month:') && key < month)) delete counters.buckets[key];
  }
}

/** The Funnel sheet's content and where its chart data stands (1-based rows). */
export interface FunnelReport {
  grid: FieldValue[][];
  /** Stage table (chart 1): columns A:B, header row 3, one row per stage. */
  stageRows: { first: number; last: number };
  /** Revenue by source (chart 2): columns M:N from row 3. */
  revenueRows: { first: number; last: number };
}

export const REPORT_WIDTH = 14;
const TABLE_HEADER_ROW = 10;

/** The grid written to the Funnel sheet: a stage table, revenue by source, and each period broken down. */
export function funnelReport(counters: FunnelCounters, nowMs: number, zone: Zone): FunnelReport {
  const rows: FieldValue[][] = [];
  const put = (r: number, c: number, v: FieldValue): void => {
    while (rows.length < r) rows.push(new Array<FieldValue>(REPORT_WIDTH).fill(''));
    rows[r - 1][c - 1] = v;
  };
  const empty = (): BucketCounts => ({ total: [...ZERO], source: [], campaign: [], closer: [] });
  const bucket = (key: string): BucketCounts =>
    Object.prototype.hasOwnProperty.call(counters.buckets, key) ? counters.buckets[key] : empty();
  const all = bucket('all');
  put(1, 1, 'Funnel');
  put(1, 2, 'Updated');
  put(1, 3, new Date(nowMs).toISOString());
  put(
    2,
    1,
    `Leads count in the week (from Monday) and month they were created, in the ${zone.id} time zone. Close rate = sales / calls held; show rate = calls held / calls booked.`,
  );
  put(3, 1, 'Stage');
  put(3, 2, 'All time');
  STAGES.forEach((stage, i) => {
    put(4 + i, 1, stage);
    put(4 + i, 2, all.total[i]);
  });
  put(3, 13, 'Source');
  put(3, 14, 'Revenue (all time)');
  const bySource = [...all.source].sort((a, b) => b[1][5] - a[1][5] || (a[0] < b[0] ? -1 : 1));
  if (bySource.length === 0) bySource.push([NONE, [...ZERO]]);
  bySource.forEach(([source, counts], i) => {
    put(4 + i, 13, source);
    put(4 + i, 14, counts[5]);
  });
  ['Period', 'Breakdown', 'Value', ...STAGES, 'Close rate', 'Show rate', 'Revenue'].forEach((label, i) =>
    put(TABLE_HEADER_ROW, 1 + i, label),
  );
  const weekStart = weekKey(nowMs, zone);
  const month = monthKey(nowMs, zone);
  const periods: Array<[string, BucketCounts]> = [
    [`This week (from ${weekStart.slice(5)})`, bucket(weekStart)],
    [`This month (${month.slice(6)})`, bucket(month)],
    ['All time', all],
  ];
  let r = TABLE_HEADER_ROW + 1;
  const line = (period: string, breakdown: string, value: string, c: Counts): void => {
    [
      period,
      breakdown,
      value,
      c[0],
      c[1],
      c[2],
      c[3],
      c[4],
      c[3] ? round((c[4] / c[3]) * 10000) / 10000 : '',
      c[2] ? round((c[3] / c[2]) * 10000) / 10000 : '',
      c[5],
    ].forEach((v, i) => put(r, 1 + i, v));
    r += 1;
  };
  for (const [period, b] of periods) {
    line(period, 'Total', '', b.total);
    for (const dim of DIMENSIONS) {
      const label = dim === 'source' ? 'UTM source' : dim === 'campaign' ? 'UTM campaign' : 'Closer';
      for (const [value, c] of [...b[dim]].sort((x, y) => y[1][0] - x[1][0] || (x[0] < y[0] ? -1 : 1))) line(period, label, value, c);
    }
  }
  return { grid: rows, stageRows: { first: 3, last: 3 + STAGES.length }, revenueRows: { first: 3, last: 3 + bySource.length } };
}

/** Counters computed from scratch from every lead (the rebuild's way; deliveries use deltas). */
export function funnelFromStates(states: Iterable<LeadState>, nowMs: number, zone: Zone): FunnelCounters {
  const counters = emptyFunnel();
  for (const s of states) addLead(counters, leadMetrics(s), 1, zone);
  pruneFunnel(counters, nowMs, zone);
  return counters;
}
