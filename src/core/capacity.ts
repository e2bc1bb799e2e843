/** Capacity forecast: a daily sample of each sheet's grid size, growth per day over 7 and 30 days, and the day the 10-million-cell limit is reached. */

/** Cells a spreadsheet may hold, over every sheet's whole grid. */
export const CELL_LIMIT = 10_000_000;
/** Fewer days left than this: the sidebar warns. */
export const WARN_DAYS = 90;
/** Samples kept: one a day, enough for a 30-day growth rate. */
const KEEP_DAYS = 31;
const DAY_MS = 86400000;

/** One day's sample: the grid cells of each sheet (rows × columns, empty cells included). */
export interface CapacitySample {
  /** Calendar day, yyyy-mm-dd (UTC). */
  day: string;
  sheets: Record<string, number>;
}

export interface SheetGrowth {
  sheet: string;
  cells: number;
  /** Cells added per day over the forecast's window. */
  perDay: number;
}

export interface CapacityForecast {
  used: number;
  limit: number;
  /** Cells per day over the last 7 and 30 days (or as many days as there are samples), null with under a day of history. */
  perDay7: number | null;
  perDay30: number | null;
  /** Days the history covers (at most 30). */
  historyDays: number;
  /** Days until the limit at the faster of the two rates; null when the spreadsheet is not growing or has no history yet. */
  daysLeft: number | null;
  /** The day (yyyy-mm-dd) the limit is reached at that rate. */
  limitDay: string | null;
  /** The sheets that grow fastest, fastest first (at most three growing ones). */
  fastest: SheetGrowth[];
  /** Set when fewer than WARN_DAYS days are left (or the limit is already near): what is happening and what to do. */
  warning: string | null;
}

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const total = (s: CapacitySample): number => Object.values(s.sheets).reduce((a, b) => a + b, 0);

/** The history with `sample` recorded: one sample per day (the latest of a day wins, none after its day), oldest first, the last KEEP_DAYS+1 days. */
export function recordSample(history: readonly CapacitySample[], sample: CapacitySample): CapacitySample[] {
  const kept = history.filter((s) => s.day < sample.day && dayMs(s.day) > dayMs(sample.day) - (KEEP_DAYS + 1) * DAY_MS);
  return [...kept, sample].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The oldest sample at most `days` days before the latest one; null when there is none but the latest. */
function baseline(history: readonly CapacitySample[], days: number): CapacitySample | null {
  const latest = history[history.length - 1];
  const from = dayMs(latest.day) - days * DAY_MS;
  const found = history.find((s) => dayMs(s.day) >= from);
  return found && found !== latest ? found : null;
}

function rate(history: readonly CapacitySample[], days: number, of: (s: CapacitySample) => number): number | null {
  const latest = history[history.length - 1];
  const base = baseline(history, days);
  if (!base) return null;
  return (of(latest) - of(base)) / ((dayMs(latest.day) - dayMs(base.day)) / DAY_MS);
}

const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

/**
 * The forecast from the history (oldest first, latest = now). The projection uses the faster of the
 * 7-day and 30-day rates: a team that just got busier should hear about it before the 30-day average
 * catches up, and a quiet week should not hide a month of growth.
 */
export function capacityForecast(history: readonly CapacitySample[], limit = CELL_LIMIT): CapacityForecast {
  if (history.length === 0)
    return { used: 0, limit, perDay7: null, perDay30: null, historyDays: 0, daysLeft: null, limitDay: null, fastest: [], warning: null };
  const latest = history[history.length - 1];
  const used = total(latest);
  const perDay7 = rate(history, 7, total);
  const perDay30 = rate(history, 30, total);
  const first = baseline(history, 30);
  const historyDays = first ? Math.round((dayMs(latest.day) - dayMs(first.day)) / DAY_MS) : 0;
  const perDay = Math.max(perDay7 ?? 0, perDay30 ?? 0);
  const daysLeft = perDay > 0 ? Math.max(0, Math.floor((limit - used) / perDay)) : null;
  const limitDay = daysLeft === null ? null : dayOf(dayMs(latest.day) + daysLeft * DAY_MS);
  const window = perDay7 !== null && perDay7 >= (perDay30 ?? 0) ? 7 : 30;
  const fastest = Object.keys(latest.sheets)
    .map((sheet) => ({ sheet, cells: latest.sheets[sheet], perDay: rate(history, window, (s) => s.sheets[sheet] ?? 0) ?? 0 }))
    .filter((g) => g.perDay > 0)
    .sort((a, b) => b.perDay - a.perDay || (a.sheet < b.sheet ? -1 : 1))
    .slice(0, 3)
    .map((g) => ({ ...g, perDay: round1(g.perDay)! }));
  let warning: string | null = null;
  if (daysLeft !== null && daysLeft < WARN_DAYS) {
    const names = fastest.map((g) => `${g.sheet} (+${Math.round(g.perDay).toLocaleString('en-US')}/day)`).join(', ');
    warning =
      `At this rate the spreadsheet reaches Google's ${limit.toLocaleString('en-US')}-cell limit in ${daysLeft} days (${limitDay}).` +
      (names ? ` Fastest-growing sheets: ${names}.` : '') +
      " To make room: hide columns you do not need (untick them under Sheets and columns) and drop them from the sheet, since hidden columns still count; trim the Webhook log's retention; or start a new spreadsheet for new deliveries and keep this one as an archive.";
  }
  return { used, limit, perDay7: round1(perDay7), perDay30: round1(perDay30), historyDays, daysLeft, limitDay, fastest, warning };
}

/** The history as stored in one script property (under 8 KB): sheet names once, then one row of numbers a day. */
export interface StoredHistory {
  names: string[];
  days: Array<[string, ...number[]]>;
}

export function encodeHistory(history: readonly CapacitySample[]): StoredHistory {
  const names = [...new Set(history.flatMap((s) => Object.keys(s.sheets)))].sort();
  return { names, days: history.map((s) => [s.day, ...names.map((n) => s.sheets[n] ?? 0)] as [string, ...number[]]) };
}

export function decodeHistory(stored: unknown): CapacitySample[] {
  const s = stored as StoredHistory | null;
  if (!s || !Array.isArray(s.names) || !Array.isArray(s.days)) return [];
  return s.days
    .filter((row) => Array.isArray(row) && typeof row[0] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(row[0]))
    .map(([day, ...cells]) => ({
      day,
      sheets: Object.fromEntries(s.names.map((n, i) => [n, Number(cells[i]) || 0]).filter(([, c]) => (c as number) > 0)),
    }));
}
