/**
 * `npm run bench`: the cost of one delivery through the built bundle in the local runtime, at sheet
 * sizes of 1,000, 10,000 and 100,000 rows, against a naive upsert (read the whole sheet, search in
 * memory, write) measured in the same process. Prints a table, or JSON with --json.
 * Options: --json, --quick (1,000 and 10,000 rows only), --reps N (deliveries measured per cell).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadApp, type AppHandle } from '../local/load-app';
import { LocalRuntime } from '../local/runtime';
import { fillSheet } from '../local/concurrency/burst';
import { GOOGLE_PROFILE } from '../local/runtime/latency-profile';
import { invokeWebApp } from '../local/webapp';
import callBookedExample from '../src/core/examples/call-booked.json';
import contactCreatedExample from '../src/core/examples/contact-created.json';
import { flattenEvent } from '../src/core/flatten';
import { emptyState, eventState, mergeStates } from '../src/core/pipeline';
import { PIPELINE_COLUMNS } from '../src/core/pipeline-row';
import { toCellValue } from '../src/core/values';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const QUICK = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const REPS = repsArg >= 0 ? Number(args[repsArg + 1]) : 21;
const SIZES = QUICK ? [1000, 10000] : [1000, 10000, 100000];
const DIST = path.resolve('dist');
const SHEET = 'Call booked';

/**
 * Calls that carry no data to or from Google: handles and builders (a Range or TextFinder object is
 * made locally; the data moves when values are read, written or searched) and local utilities.
 * Every other counted call is a round trip.
 */
const LOCAL_ONLY = new Set([
  'LockService.getScriptLock',
  'PropertiesService.getScriptProperties',
  'CacheService.getScriptCache',
  'Sheet.getRange',
  'Range.createTextFinder',
  'TextFinder.matchCase',
  'TextFinder.matchEntireCell',
  'TextFinder.useRegularExpression',
  'Range.getRow',
  'Range.getColumn',
  'Range.getNumRows',
  'Range.getNumColumns',
  'Range.getSheet',
  'Range.getA1Notation',
]);
const LOCAL_CLASSES = ['Utilities.', 'ContentService.', 'TextOutput.', 'Logger.', 'console.', 'Blob.'];

function roundTrips(byMethod: Record<string, number>): number {
  let n = 0;
  for (const [method, count] of Object.entries(byMethod)) {
    if (LOCAL_ONLY.has(method) || LOCAL_CLASSES.some((c) => method.startsWith(c))) continue;
    n += count;
  }
  return n;
}

interface Sample {
  calls: number;
  roundTrips: number;
  cellsRead: number;
  cellsWritten: number;
  cpuMs: number;
  setValues: number;
  byMethod: Record<string, number>;
  modeledMs: number;
  modeledLockMs: number;
}

interface Row {
  operation: string;
  rows: number;
  calls: number;
  roundTrips: number;
  cellsRead: number;
  cellsWritten: number;
  cpuMsMedian: number;
  dataWriteCalls: number;
  /** Modeled Google time of the execution (start + every call, cost table: local/runtime/latency-profile.ts), median. */
  modeledMs: number;
  /** Modeled time the script lock was held, median. */
  modeledLockMs: number;
  byMethod: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A fresh spreadsheet with the app set up and "Call booked" holding `size` rows. */
function prepare(size: number): { runtime: LocalRuntime; app: AppHandle; token: string } {
  const runtime = new LocalRuntime({ virtualTime: true, scriptUrl: 'https://script.google.com/macros/s/BENCH/exec' });
  runtime.createSpreadsheet('Bench');
  const app = loadApp(runtime, DIST);
  const { token } = app.call<{ token: string }>('editor', 'setupWebhook');
  const res = invokeWebApp(app, {
    method: 'POST',
    url: `/exec?token=${token}`,
    contentType: 'application/json',
    body: JSON.stringify(callBookedExample),
  });
  if (!JSON.parse(res.body).ok) throw new Error(`setup delivery failed: ${res.body}`);
  fillSheet(runtime, SHEET, size);
  // From here on every call is charged its modeled Google time, on the virtual clock (no real sleeping).
  runtime.setLatency(GOOGLE_PROFILE, 1);
  return { runtime, app, token };
}

function setMode(app: AppHandle, mode: string): void {
  // The rows above measure ingestion alone; the pipeline's own cost is its own line (pipelineCost).
  const res = app.call<{ ok: boolean; error?: string }>('editor', 'saveSettings', {
    hooks: { callBooked: { mode } },
    pipeline: { enabled: false },
  });
  if (!res.ok) throw new Error(`saveSettings: ${res.error}`);
}

let serial = 0;
/** A call-booked event with its own content; `key` sets the call id (the default dedup key). */
function event(key: string): unknown {
  const e = JSON.parse(JSON.stringify(callBookedExample[0]));
  e.event.uuid = key;
  e.event.location = `https://meet.example.com/${serial++}`;
  return e;
}

function post(runtime: LocalRuntime, app: AppHandle, token: string, body: unknown, expect: string): Sample {
  runtime.calls.reset();
  const lock = lockWatch(runtime);
  let answer = '';
  const ms = cpuMs(() => {
    answer = invokeWebApp(app, {
      method: 'POST',
      url: `/exec?token=${token}`,
      contentType: 'application/json',
      body: JSON.stringify(body),
    }).body;
  });
  const parsed = JSON.parse(answer);
  const actions = (parsed.results ?? []).map((r: { action: string }) => r.action);
  if (!parsed.ok || actions.some((a: string) => a !== expect)) throw new Error(`expected ${expect}, got ${answer.slice(0, 300)}`);
  return sample(runtime, ms, lock);
}

/** Modeled ms at which the script lock was taken and released in the execution being measured. */
function lockWatch(runtime: LocalRuntime): { held: number; since: number | null } {
  const lock = { held: 0, since: null as number | null };
  runtime.observeCalls((key, _self, _args, result) => {
    if ((key === 'Lock.tryLock' && result === true) || key === 'Lock.waitLock') lock.since ??= runtime.modeledMs;
    if (key === 'Lock.releaseLock' && lock.since !== null) {
      lock.held += runtime.modeledMs - lock.since;
      lock.since = null;
    }
  });
  return lock;
}

function sample(runtime: LocalRuntime, ms: number, lock: { held: number }): Sample {
  runtime.observeCalls(null);
  const c = runtime.calls;
  return {
    calls: c.total,
    roundTrips: roundTrips(c.byMethod),
    cellsRead: c.cellsRead,
    cellsWritten: c.cellsWritten,
    cpuMs: ms,
    setValues: c.byMethod['Range.setValues'] ?? 0,
    byMethod: { ...c.byMethod },
    modeledMs: runtime.modeledMs + GOOGLE_PROFILE.fixed('execution.start'),
    modeledLockMs: lock.held,
  };
}

/** The naive way: read the whole sheet, find the key in memory, write the row or append it. */
function naiveUpsert(runtime: LocalRuntime, key: string): Sample {
  const SpreadsheetApp = runtime.globals().SpreadsheetApp as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  runtime.calls.reset();
  const lock = lockWatch(runtime);
  const id = runtime.boundSpreadsheetId!;
  const ms = cpuMs(() =>
    runtime.execute('webapp', () => {
      const sheet = SpreadsheetApp.openById(id).getSheetByName(SHEET)!;
      const values = sheet.getDataRange().getValues();
      const keyCol = values[0].indexOf('Row key');
      const row = values.findIndex((r, i) => i > 0 && r[keyCol] === key);
      const next = values[Math.max(row, 1)].slice();
      next[keyCol] = `'${key}`;
      if (row > 0) sheet.getRange(row + 1, 1, 1, next.length).setValues([next]);
      else sheet.appendRow(next);
    }),
  );
  return sample(runtime, ms, lock);
}

function summarize(operation: string, rows: number, samples: Sample[]): Row {
  const last = samples[samples.length - 1];
  return {
    operation,
    rows,
    calls: median(samples.map((s) => s.calls)),
    roundTrips: median(samples.map((s) => s.roundTrips)),
    cellsRead: median(samples.map((s) => s.cellsRead)),
    cellsWritten: median(samples.map((s) => s.cellsWritten)),
    cpuMsMedian: Number(median(samples.map((s) => s.cpuMs)).toFixed(3)),
    dataWriteCalls: median(samples.map((s) => s.setValues)),
    modeledMs: Math.round(median(samples.map((s) => s.modeledMs))),
    modeledLockMs: Math.round(median(samples.map((s) => s.modeledLockMs))),
    byMethod: last.byMethod,
  };
}

function measure(size: number): Row[] {
  const { runtime, app, token } = prepare(size);
  const out: Row[] = [];
  const reps = (fn: (i: number) => Sample): Sample[] => {
    fn(-1); // warm-up: caches filled, code paths compiled
    return Array.from({ length: REPS }, (_, i) => fn(i));
  };
  setMode(app, 'append');
  out.push(
    summarize(
      'append',
      size,
      reps(() => post(runtime, app, token, event(`a${serial}`), 'appended')),
    ),
  );
  setMode(app, 'upsert');
  out.push(
    summarize(
      'upsert (update)',
      size,
      reps((i) => post(runtime, app, token, event(`k${Math.floor(size / 2) + i + 1}`), 'updated')),
    ),
  );
  out.push(
    summarize(
      'upsert (insert)',
      size,
      reps(() => post(runtime, app, token, event(`n${serial}`), 'appended')),
    ),
  );
  setMode(app, 'insert-if-new');
  out.push(
    summarize(
      'insert-if-new (duplicate)',
      size,
      reps((i) => post(runtime, app, token, event(`k${Math.floor(size / 3) + i + 1}`), 'skipped')),
    ),
  );
  setMode(app, 'upsert');
  out.push(
    summarize(
      '10 events in one delivery',
      size,
      reps(() =>
        post(
          runtime,
          app,
          token,
          Array.from({ length: 10 }, () => event(`b${serial}`)),
          'appended',
        ),
      ),
    ),
  );
  out.push(
    summarize(
      'baseline: naive upsert',
      size,
      reps((i) => naiveUpsert(runtime, `k${Math.floor(size / 4) + i + 1}`)),
    ),
  );
  return out;
}

function coldStart(): { bytes: number; loadMsMedian: number } {
  const bytes = fs.statSync(path.join(DIST, 'Code.js')).size;
  const times: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const runtime = new LocalRuntime({ virtualTime: true });
    runtime.createSpreadsheet('Cold');
    const t = process.hrtime.bigint();
    loadApp(runtime, DIST);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { bytes, loadMsMedian: Number(median(times).toFixed(2)) };
}

interface Target {
  target: string;
  holds: boolean;
  detail: string;
}

function targets(rows: Row[]): Target[] {
  const at = (op: string, size: number) => rows.find((r) => r.operation === op && r.rows === size)!;
  const small = SIZES[0];
  const big = SIZES[SIZES.length - 1];
  const ops = ['append', 'upsert (update)', 'upsert (insert)', 'insert-if-new (duplicate)', '10 events in one delivery'];
  const list: Target[] = ops.map((op) => ({
    target: `${op}: calls at ${big} rows equal calls at ${small} rows`,
    holds: at(op, big).calls === at(op, small).calls,
    detail: `${at(op, small).calls} → ${at(op, big).calls}`,
  }));
  list.push({
    target: 'upsert: at most 6 round trips',
    holds: at('upsert (update)', big).roundTrips <= 6,
    detail: `${at('upsert (update)', big).roundTrips} round trips, ${at('upsert (update)', big).calls} calls in all`,
  });
  list.push({
    target: 'append: at most 4 round trips',
    holds: at('append', big).roundTrips <= 4,
    detail: `${at('append', big).roundTrips} round trips, ${at('append', big).calls} calls in all`,
  });
  const ratio = at('baseline: naive upsert', big).cellsRead / Math.max(1, at('upsert (update)', big).cellsRead);
  list.push({
    target: `upsert at ${big} rows reads at least 1000x fewer cells than the baseline`,
    holds: ratio >= 1000,
    detail: `${at('upsert (update)', big).cellsRead} vs ${at('baseline: naive upsert', big).cellsRead} cells: ${Math.round(ratio)}x fewer`,
  });
  const upsert = at('upsert (update)', big);
  list.push({
    target: `modeled upsert at ${big} rows: at most 1,500 ms end to end`,
    holds: upsert.modeledMs <= 1500,
    detail: `${upsert.modeledMs} ms (cost table: local/runtime/latency-profile.ts)`,
  });
  list.push({
    target: `modeled upsert at ${big} rows: script lock held at most 800 ms`,
    holds: upsert.modeledLockMs <= 800,
    detail: `${upsert.modeledLockMs} ms`,
  });
  const batch = at('10 events in one delivery', big);
  list.push({
    target: '10 events in one delivery: one write call for the sheet',
    holds: batch.dataWriteCalls === 1,
    detail: `${batch.dataWriteCalls} Range.setValues (the log row is one appendRow)`,
  });
  return list;
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

/**
 * The pipeline's cost per delivery at `leads` leads: a "Contact updated" delivery with the pipeline on,
 * minus the same kind of delivery with it off. The Pipeline is filled by writing the rows the pipeline
 * itself would write, so setting up 10,000 leads does not take 10,000 deliveries.
 */
function pipelineCost(leads: number): {
  leads: number;
  calls: number;
  roundTrips: number;
  cellsRead: number;
  cellsWritten: number;
  on: Row;
  off: Row;
} {
  const runtime = new LocalRuntime({ virtualTime: true, scriptUrl: 'https://script.google.com/macros/s/BENCH/exec' });
  runtime.createSpreadsheet('Bench pipeline');
  const app = loadApp(runtime, DIST);
  const { token } = app.call<{ token: string }>('editor', 'setupWebhook');
  const contact = (id: number, extra: Record<string, unknown> = {}) => ({
    ...contactCreatedExample[0],
    id,
    email: `lead${id}@example.com`,
    phoneNumber: `+1555${String(id).padStart(7, '0')}`,
    ...extra,
  });
  post(runtime, app, token, [contact(1)], 'appended');
  const SpreadsheetApp = runtime.globals().SpreadsheetApp as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  runtime.execute('editor', () => {
    const sheet = SpreadsheetApp.getActive().getSheetByName('Pipeline')!;
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
    const columns = header.map((label) => PIPELINE_COLUMNS.find((c) => c.label === label));
    const rows = Array.from({ length: leads - 1 }, (_, i) => {
      const s = mergeStates(emptyState(), eventState('contactCreated', flattenEvent(contact(i + 2)), `fp${i}`, 0)!);
      return columns.map((c) => (c ? toCellValue(c.value(s), c.typing) : ''));
    });
    sheet.insertRowsAfter(sheet.getMaxRows(), leads);
    sheet.getRange(3, 1, rows.length, header.length).setValues(rows);
  });
  runtime.setLatency(GOOGLE_PROFILE, 1);
  let n = 0;
  const update = () => {
    n += 1;
    return [
      contact(Math.floor(leads / 2) + n, {
        status: 'QUALIFIED',
        hookType: 'Contact updated',
        updatedAt: new Date(Date.UTC(2025, 5, 1) + n * 1000).toISOString(),
      }),
    ];
  };
  const reps = (): Sample[] => Array.from({ length: Math.min(REPS, 9) }, () => post(runtime, app, token, update(), 'appended'));
  const on = summarize('contact update, pipeline on', leads, reps());
  app.call('editor', 'saveSettings', { pipeline: { enabled: false } });
  const off = summarize('contact update, pipeline off', leads, reps());
  const d = (k: 'calls' | 'roundTrips' | 'cellsRead' | 'cellsWritten') => on[k] - off[k];
  return { leads, calls: d('calls'), roundTrips: d('roundTrips'), cellsRead: d('cellsRead'), cellsWritten: d('cellsWritten'), on, off };
}

/** One settings change against a sheet of `size` rows: the save's calls, round trips and cells, and its sentences. */
interface SettingsChangeCost {
  change: string;
  rows: number;
  calls: number;
  roundTrips: number;
  cellsRead: number;
  cellsWritten: number;
  cpuMs: number;
  changes: string[];
}

/**
 * A key change, a reorder and a rename of "Call booked" at `size` rows, each one sidebar call
 * (saveSettings). What stays flat with the row count is the number of calls: the rows move as whole
 * columns (re-key: one read per key column and one write of the Row key column).
 */
function settingsChangeCost(size: number): SettingsChangeCost[] {
  const { runtime, app } = prepare(size);
  app.call('editor', 'saveSettings', { pipeline: { enabled: false } });
  const current = () => app.call<{ settings: any }>('editor', 'getSidebarState').settings;
  const run = (change: string, edit: (s: any) => void): SettingsChangeCost => {
    const settings = current();
    edit(settings.hooks.callBooked);
    runtime.calls.reset();
    let res: { ok: boolean; error?: string; changes?: string[] } = { ok: false };
    const cpu = cpuMs(() => {
      res = app.call('editor', 'saveSettings', settings);
    });
    if (!res.ok) throw new Error(`${change}: ${res.error}`);
    const c = runtime.calls;
    return {
      change,
      rows: size,
      calls: c.total,
      roundTrips: roundTrips(c.byMethod),
      cellsRead: c.cellsRead,
      cellsWritten: c.cellsWritten,
      cpuMs: cpu,
      changes: res.changes ?? [],
    };
  };
  return [
    run('re-key (call id to email)', (hook) => {
      hook.key = ['invitee.email'];
    }),
    run('reorder (email to the top)', (hook) => {
      const i = hook.columns.findIndex((c: { field: string }) => c.field === 'invitee.email');
      hook.columns = [hook.columns[i], ...hook.columns.filter((_: unknown, j: number) => j !== i)];
    }),
    run('rename (to "Bookings")', (hook) => {
      hook.sheet = 'Bookings';
    }),
  ];
}

function main(): void {
  if (!fs.existsSync(path.join(DIST, 'Code.js'))) throw new Error('dist/Code.js is missing: run npm run build');
  const rows: Row[] = [];
  for (const size of SIZES) rows.push(...measure(size));
  const cold = coldStart();
  const pipeline = pipelineCost(10000);
  const settingsChanges = settingsChangeCost(SIZES[SIZES.length - 1]);
  const result = { sizes: SIZES, reps: REPS, rows, targets: targets(rows), coldStart: cold, pipeline, settingsChanges };
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  lines.push(
    `${pad('operation', 28)} ${pad('rows', 7, true)} ${pad('calls', 6, true)} ${pad('round trips', 12, true)} ${pad('cells read', 11, true)} ${pad('cells written', 14, true)} ${pad('cpu ms', 8, true)} ${pad('modeled ms', 11, true)} ${pad('lock ms', 8, true)}`,
  );
  for (const r of rows) {
    lines.push(
      `${pad(r.operation, 28)} ${pad(r.rows, 7, true)} ${pad(r.calls, 6, true)} ${pad(r.roundTrips, 12, true)} ${pad(r.cellsRead, 11, true)} ${pad(r.cellsWritten, 14, true)} ${pad(r.cpuMsMedian.toFixed(2), 8, true)} ${pad(r.modeledMs, 11, true)} ${pad(r.modeledLockMs, 8, true)}`,
    );
  }
  lines.push(
    'modeled ms: Google time of the execution by the cost table in local/runtime/latency-profile.ts (start + every call); lock ms: of it, the script lock held.',
  );
  lines.push('');
  lines.push('ours / baseline (upsert that updates):');
  for (const size of SIZES) {
    const ours = rows.find((r) => r.operation === 'upsert (update)' && r.rows === size)!;
    const base = rows.find((r) => r.operation === 'baseline: naive upsert' && r.rows === size)!;
    lines.push(
      `  ${pad(size, 7, true)} rows: calls ${ours.calls}/${base.calls} = ${(ours.calls / base.calls).toFixed(2)}, cells read ${ours.cellsRead}/${base.cellsRead} = ${(ours.cellsRead / base.cellsRead).toExponential(2)}, cpu ${(ours.cpuMsMedian / base.cpuMsMedian).toFixed(3)}`,
    );
  }
  lines.push('');
  lines.push('targets:');
  for (const t of result.targets) lines.push(`  ${t.holds ? 'holds ' : 'MISSED'}  ${t.target} (${t.detail})`);
  lines.push('');
  lines.push(
    `pipeline at ${pipeline.leads} leads, per delivery (contact update, on minus off): +${pipeline.calls} calls, +${pipeline.roundTrips} round trips, +${pipeline.cellsRead} cells read, +${pipeline.cellsWritten} cells written (${Object.keys(
      pipeline.on.byMethod,
    )
      .filter((m) => !(m in pipeline.off.byMethod) || pipeline.on.byMethod[m] !== pipeline.off.byMethod[m])
      .join(', ')})`,
  );
  lines.push('');
  lines.push(`settings changes applied to existing rows, one sidebar call each:`);
  for (const c of settingsChanges) {
    lines.push(
      `  ${pad(c.change, 28)} ${pad(c.rows, 7, true)} rows: ${c.calls} calls, ${c.roundTrips} round trips, ${c.cellsRead} cells read, ${c.cellsWritten} cells written, cpu ${c.cpuMs.toFixed(0)} ms`,
    );
  }
  lines.push(`cold start: dist/Code.js ${cold.bytes} bytes, loaded into a fresh context in ${cold.loadMsMedian} ms (median of 21)`);
  const up = rows.find((r) => r.operation === 'upsert (update)' && r.rows === SIZES[SIZES.length - 1])!;
  lines.push('');
  lines.push(
    `calls of one upsert at ${up.rows} rows: ${Object.entries(up.byMethod)
      .map(([m, n]) => `${m}${n > 1 ? ` x${n}` : ''}`)
      .join(', ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
