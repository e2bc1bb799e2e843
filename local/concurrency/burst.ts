// Burst patterns run through runBurst with Google's modeled latency, and the figures each one yields (npm run bench:burst, the burst test).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalRuntime } from '../runtime';
import { runBurst, type Arrival, type BurstResult } from './harness';

export const CALL_SHEET = 'Call booked';
/** The call sheet's column of the dedup key (`event.uuid` of the payload). */
const UUID_LABEL = 'Call id';

/** One pattern: `count` call-booked deliveries evenly spread over `spanMs` modeled ms, optionally on a sheet pre-filled with `prefill` rows. */
export interface Pattern {
  name: string;
  count: number;
  spanMs: number;
  prefill?: number;
}

export const PATTERNS: readonly Pattern[] = [
  { name: 'steady: 1/s for 2 min', count: 120, spanMs: 120_000 },
  { name: '100 in 5 s', count: 100, spanMs: 5_000 },
  { name: '300 in 10 s', count: 300, spanMs: 10_000 },
  { name: '300 in 10 s, 100,000 rows', count: 300, spanMs: 10_000, prefill: 100_000 },
];

/** Daily quotas (developers.google.com/apps-script/guides/services/quotas): consumer / Workspace. */
export const QUOTAS = {
  propertyCalls: { consumer: 50_000, workspace: 500_000 },
  triggerRuntimeMs: { consumer: 90 * 60_000, workspace: 6 * 3_600_000 },
} as const;

export interface PatternFigures {
  pattern: string;
  deliveries: number;
  scale: number;
  refusedByCap: number;
  busy: number;
  lost: number;
  duplicates: number;
  /** Modeled ms from arrival to the delivery's row written (rows written at all). */
  arrivalToRowP50: number | null;
  arrivalToRowP99: number | null;
  /** Modeled ms from the first arrival to the last row written. */
  lastRowAfterMs: number | null;
  peakExecutions: number;
  lockHoldP50: number | null;
  lockHoldP99: number | null;
  /** Modeled execution time of a delivery (web app executions that ran). */
  executionP50: number | null;
  executionP99: number | null;
  propertyCallsPerDelivery: number;
  /** Modeled trigger runtime used, per delivery. */
  triggerMsPerDelivery: number;
  triggerRuns: number;
  /** Deliveries a day each daily quota allows at this pattern's cost (null: the pattern used none of it). */
  perDay: {
    properties: { consumer: number | null; workspace: number | null };
    triggerRuntime: { consumer: number | null; workspace: number | null };
  };
  /** Most modeled ms an arrival came late because the local twin's main thread was busy (see BurstResult.maxArrivalLag). */
  maxArrivalLagMs: number;
  /** Modeled ms the arrival timeline was held back because the twin stalled (not counted in lastRowAfterMs). */
  twinPausedMs: number;
  /** Answers by action or error code, for a look at what senders saw. */
  answers: Record<string, number>;
}

function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]);
}

/** The call-booked example with its own uuid (the dedup key) and content. */
export function callBookedBody(examplesDir: string, uuid: string): string {
  const body = JSON.parse(fs.readFileSync(path.join(examplesDir, 'call-booked.json'), 'utf8'));
  body[0].event.uuid = uuid;
  return JSON.stringify(body);
}

/** Fills `sheet` (which holds one row written by the app) to `size` data rows copied from that row, each with its own key and fingerprint. */
export function fillSheet(runtime: LocalRuntime, sheetName: string, size: number): void {
  const SpreadsheetApp = runtime.globals().SpreadsheetApp as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  runtime.execute('editor', () => {
    const sheet = SpreadsheetApp.getActive().getSheetByName(sheetName)!;
    const width = sheet.getLastColumn();
    const header = sheet.getRange(1, 1, 1, width).getValues()[0].map(String);
    const template = sheet
      .getRange(2, 1, 1, width)
      .getValues()[0]
      .map((v) => (typeof v === 'string' && v !== '' ? `'${v}` : v));
    const keyCol = header.indexOf('Row key');
    const fpCol = header.indexOf('Fingerprint');
    const uuidCol = header.indexOf(UUID_LABEL);
    const extra = size - 1;
    if (sheet.getMaxRows() < size + 1) sheet.insertRowsAfter(sheet.getMaxRows(), size + 1 - sheet.getMaxRows());
    const CHUNK = 10000;
    for (let start = 0; start < extra; start += CHUNK) {
      const n = Math.min(CHUNK, extra - start);
      const rows = Array.from({ length: n }, (_, i) => {
        const r = template.slice();
        const k = `k${start + i}`;
        r[keyCol] = `'${k}`;
        if (uuidCol >= 0) r[uuidCol] = `'${k}`;
        r[fpCol] = `'fp${start + i}`;
        return r;
      });
      sheet.getRange(3 + start, 1, n, width).setValues(rows);
    }
  });
}

/** The uuid column of the call sheet, row by row (row 2 first). */
function uuidColumn(runtime: LocalRuntime): string[] {
  const SpreadsheetApp = runtime.globals().SpreadsheetApp as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  return runtime.execute('editor', () => {
    const sheet = SpreadsheetApp.getActive().getSheetByName(CALL_SHEET);
    if (!sheet || sheet.getLastRow() < 2) return [];
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
    const col = header.indexOf(UUID_LABEL) + 1;
    if (col < 1) return [];
    return sheet
      .getRange(2, col, sheet.getLastRow() - 1, 1)
      .getValues()
      .map((r) => String(r[0]));
  });
}

/** The figures of one finished burst. `uuids[i]` is the key of arrival i. */
export function figures(pattern: Pattern, r: BurstResult, uuids: string[]): PatternFigures {
  const ms = (real: number) => real / r.scale;
  const deliveries = r.jobs.filter((j) => j.kind === 'webapp');
  const triggers = r.jobs.filter((j) => j.kind === 'trigger' && !j.refused);
  const answers: Record<string, number> = {};
  let busy = 0;
  for (const j of deliveries) {
    let label: string;
    if (j.refused) label = 'refused by the cap';
    else {
      try {
        const parsed = JSON.parse(j.body);
        label = parsed.results?.[0]?.action ?? parsed.error?.code ?? 'unknown';
        if (parsed.error?.code === 'busy') busy += 1;
      } catch {
        label = 'Google error page';
      }
    }
    answers[label] = (answers[label] ?? 0) + 1;
  }
  // Rows of the burst's uuids: where each stands, and when a write first covered that row after its arrival.
  const column = uuidColumn(r.runtime);
  const wanted = new Map(uuids.map((u, i) => [u, i]));
  const rowsOf = new Map<string, number[]>();
  column.forEach((u, i) => {
    if (wanted.has(u)) rowsOf.set(u, [...(rowsOf.get(u) ?? []), i + 2]);
  });
  const writesByRow = new Map<number, number[]>();
  for (const w of r.writes) {
    if (w.sheet !== CALL_SHEET) continue;
    for (let row = w.row; row < w.row + w.rows; row += 1) writesByRow.set(row, [...(writesByRow.get(row) ?? []), w.at]);
  }
  const arrivalOf = new Map(deliveries.map((j) => [j.index, j.arrivedAt]));
  const toRow: number[] = [];
  let lastRowAt = 0;
  for (const [uuid, rows] of rowsOf) {
    const arrived = arrivalOf.get(wanted.get(uuid)!) ?? r.startedAt;
    const at = (writesByRow.get(rows[0]) ?? []).filter((t) => t >= arrived).sort((a, b) => a - b)[0];
    if (at === undefined) continue;
    toRow.push(ms(at - arrived));
    lastRowAt = Math.max(lastRowAt, at);
  }
  const lost = uuids.filter((u) => !rowsOf.has(u)).length;
  const duplicates = [...rowsOf.values()].reduce((n, rows) => n + rows.length - 1, 0);
  const holds = r.jobs.flatMap((j) => j.lockHolds.map(ms));
  const ran = deliveries.filter((j) => !j.refused);
  const propertyCalls = Object.entries(r.byMethod)
    .filter(([m]) => m.startsWith('Properties.'))
    .reduce((n, [, c]) => n + c, 0);
  const triggerMs = triggers.reduce((n, j) => n + ms(j.endedAt - j.startedAt), 0);
  const perCall = propertyCalls / Math.max(1, deliveries.length);
  const perTrigger = triggerMs / Math.max(1, deliveries.length);
  const allow = (quota: number, per: number) => (per > 0 ? Math.floor(quota / per) : null);
  const firstArrival = Math.min(...deliveries.map((j) => j.arrivedAt));
  return {
    pattern: pattern.name,
    deliveries: deliveries.length,
    scale: r.scale,
    refusedByCap: deliveries.filter((j) => j.refused).length,
    busy,
    lost,
    duplicates,
    arrivalToRowP50: percentile(toRow, 50),
    arrivalToRowP99: percentile(toRow, 99),
    lastRowAfterMs: lastRowAt ? Math.round(ms(lastRowAt - firstArrival - r.pausedMs)) : null,
    peakExecutions: r.maxInFlight,
    lockHoldP50: percentile(holds, 50),
    lockHoldP99: percentile(holds, 99),
    executionP50: percentile(
      ran.map((j) => ms(j.endedAt - j.startedAt)),
      50,
    ),
    executionP99: percentile(
      ran.map((j) => ms(j.endedAt - j.startedAt)),
      99,
    ),
    propertyCallsPerDelivery: Number(perCall.toFixed(2)),
    triggerMsPerDelivery: Math.round(perTrigger),
    triggerRuns: triggers.length,
    perDay: {
      properties: { consumer: allow(QUOTAS.propertyCalls.consumer, perCall), workspace: allow(QUOTAS.propertyCalls.workspace, perCall) },
      triggerRuntime: {
        consumer: allow(QUOTAS.triggerRuntimeMs.consumer, perTrigger),
        workspace: allow(QUOTAS.triggerRuntimeMs.workspace, perTrigger),
      },
    },
    maxArrivalLagMs: Math.round(ms(r.maxArrivalLag)),
    twinPausedMs: Math.round(ms(r.pausedMs)),
    answers,
  };
}

/** Runs one pattern at `scale` real ms per modeled ms and returns its figures. */
export async function runPattern(
  pattern: Pattern,
  options: { scale: number; distDir: string; examplesDir: string },
): Promise<PatternFigures> {
  const uuids = Array.from({ length: pattern.count }, (_, i) => `burst-${i}`);
  const arrivals: Arrival[] = uuids.map((u, i) => ({
    atMs: pattern.count > 1 ? (i * pattern.spanMs) / pattern.count : 0,
    delivery: { body: callBookedBody(options.examplesDir, u) },
  }));
  const result = await runBurst({
    arrivals,
    scale: options.scale,
    distDir: options.distDir,
    setup: pattern.prefill
      ? ({ runtime, app, token }) => {
          // One delivery creates the sheet with the app's own header; the rest are copies of its row.
          const res = app.call<GoogleAppsScript.Content.TextOutput>('webapp', 'doPost', {
            parameter: { token },
            parameters: { token: [token] },
            queryString: `token=${token}`,
            contextPath: '',
            contentLength: 0,
            postData: { contents: callBookedBody(options.examplesDir, 'seed'), length: 0, name: 'postData', type: 'application/json' },
          });
          if (!JSON.parse(res.getContent()).ok) throw new Error(`seed delivery failed: ${res.getContent()}`);
          fillSheet(runtime, CALL_SHEET, pattern.prefill!);
        }
      : undefined,
  });
  return figures(pattern, result, uuids);
}
