/**
 * `npm run bench:burst`: bursts of call-booked deliveries through the worker-thread harness with Google's
 * modeled latency (local/runtime/latency-profile.ts) and the 30-execution cap. Prints a table per pattern,
 * or JSON alone with --json. Options: --scale S (real ms per modeled ms, default 0.4), --only N (pattern
 * index, 0-3, repeatable), --dist DIR (another build, e.g. of an earlier version, for a before/after table),
 * --cost-table (print the cost table as Markdown and stop).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PATTERNS, runPattern, type PatternFigures } from '../local/concurrency/burst';
import { COMMIT, COST_TABLE } from '../local/runtime/latency-profile';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const opt = (name: string): string[] => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const SCALE = Number(opt('--scale')[0] ?? 0.4);
const ONLY = opt('--only').map(Number);
const DIST = path.resolve(opt('--dist')[0] ?? 'dist');
const EXAMPLES = path.resolve('src/core/examples');

function cell(v: number | null): string {
  return v === null ? '-' : v.toLocaleString('en-US');
}

/** The cost table as the Markdown table of docs/performance.md. */
function costTableMarkdown(): string {
  const rows = [...COST_TABLE, COMMIT].map((r) => {
    const ms = r.perCell ? `${r.ms} + ${r.perCell}/cell` : String(r.ms);
    return `| \`${r.call}\` | ${ms} | ${r.basis} | ${r.range[0]}–${r.range[1]} | ${r.source}${r.note ? `; ${r.note}` : ''} |`;
  });
  return ['| call | modeled ms | basis | range ms | source, note |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  if (args.includes('--cost-table')) {
    process.stdout.write(`${costTableMarkdown()}\n`);
    return;
  }
  if (!fs.existsSync(path.join(DIST, 'Code.js'))) throw new Error(`${DIST}/Code.js is missing: run npm run build`);
  if (!(SCALE > 0 && SCALE <= 1)) throw new Error('--scale must be above 0 and at most 1');
  const chosen = PATTERNS.filter((_, i) => ONLY.length === 0 || ONLY.includes(i));
  const results: PatternFigures[] = [];
  for (const pattern of chosen) {
    const started = Date.now();
    results.push(await runPattern(pattern, { scale: SCALE, distDir: DIST, examplesDir: EXAMPLES }));
    if (!JSON_OUT) process.stderr.write(`${pattern.name}: ${((Date.now() - started) / 1000).toFixed(1)} s real\n`);
  }
  const output = { costTable: 'local/runtime/latency-profile.ts', costRows: COST_TABLE.length, scale: SCALE, patterns: results };
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return;
  }
  const rows: Array<[string, (f: PatternFigures) => string]> = [
    ['deliveries', (f) => cell(f.deliveries)],
    ['refused by the 30-execution cap', (f) => cell(f.refusedByCap)],
    ['answered busy', (f) => cell(f.busy)],
    ['lost (no row)', (f) => cell(f.lost)],
    ['duplicates', (f) => cell(f.duplicates)],
    ['arrival to row p50 ms', (f) => cell(f.arrivalToRowP50)],
    ['arrival to row p99 ms', (f) => cell(f.arrivalToRowP99)],
    ['last row after first arrival ms', (f) => cell(f.lastRowAfterMs)],
    ['peak simultaneous executions', (f) => cell(f.peakExecutions)],
    ['lock hold p50 ms', (f) => cell(f.lockHoldP50)],
    ['lock hold p99 ms', (f) => cell(f.lockHoldP99)],
    ['execution p50 ms', (f) => cell(f.executionP50)],
    ['execution p99 ms', (f) => cell(f.executionP99)],
    ['property calls per delivery', (f) => String(f.propertyCallsPerDelivery)],
    ['trigger runs', (f) => cell(f.triggerRuns)],
    ['trigger ms per delivery', (f) => cell(f.triggerMsPerDelivery)],
    ['per day, properties (consumer)', (f) => cell(f.perDay.properties.consumer)],
    ['per day, properties (Workspace)', (f) => cell(f.perDay.properties.workspace)],
    ['per day, trigger runtime (consumer)', (f) => cell(f.perDay.triggerRuntime.consumer)],
    ['per day, trigger runtime (Workspace)', (f) => cell(f.perDay.triggerRuntime.workspace)],
    ['arrival lag of the local twin ms', (f) => cell(f.maxArrivalLagMs)],
    ['timeline held back for the twin ms', (f) => cell(f.twinPausedMs)],
  ];
  const width = 26;
  const lines = [`modeled Google time (cost table: local/runtime/latency-profile.ts), scale ${SCALE} real ms per modeled ms`, ''];
  lines.push(`${''.padEnd(38)}${results.map((f) => f.pattern.slice(0, width - 1).padStart(width)).join('')}`);
  for (const [label, get] of rows) lines.push(`${label.padEnd(38)}${results.map((f) => get(f).padStart(width)).join('')}`);
  lines.push('');
  for (const f of results)
    lines.push(
      `answers, ${f.pattern}: ${Object.entries(f.answers)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  lines.push(
    'per day "-": the pattern used none of that quota. Arrival lag: the most an arrival came late because the harness\'s main thread was busy (CPU time counts as modeled time divided by the scale).',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
