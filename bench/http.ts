/**
 * `npm run bench:http`: throughput of `npm start`'s server (loopback only) under autocannon at 1, 10 and 50 connections, each run a fixed number of distinct call-booked deliveries, then a check that "Call booked" holds exactly the rows sent.
 * Options: --amount N (deliveries per run, default 300), --json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer } from '../local/server';
import callBookedExample from '../src/core/examples/call-booked.json';

// autocannon ships no types and bench/ is outside tsc's include: describe the little we use.
interface AcRequest {
  method: string;
  headers: Record<string, string>;
  setupRequest: (req: Record<string, unknown>) => Record<string, unknown>;
  onResponse: (status: number, body: string) => void;
}
interface AcResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number };
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AcResult) => void) => { stop(): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const amountArg = args.indexOf('--amount');
const AMOUNT = amountArg >= 0 ? Number(args[amountArg + 1]) : 300;
const CONNECTIONS = [1, 10, 50];
const RUN_LIMIT_MS = 120_000;
const SHEET = 'Call booked';
if (!Number.isInteger(AMOUNT) || AMOUNT < Math.max(...CONNECTIONS))
  throw new Error(`--amount must be an integer ≥ ${Math.max(...CONNECTIONS)}`);

interface Run {
  connections: number;
  sent: number;
  deliveriesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  badAnswers: number;
  rows: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  aborted: boolean;
  accounted: boolean;
}

/** One run on a fresh server and data dir, so every run starts from an empty sheet and a small state.json. */
async function run(connections: number): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));
  // execDirect: each answer carries the app's JSON (checked below) instead of Google's 302, which
  // autocannon would not follow; the journal's fsync before each answer is the same either way.
  const server = await startServer({ port: 0, dataDir, distDir: 'dist', execDirect: true });
  try {
    if (!server.webhookUrl) throw new Error('setup pending: the server has no webhook URL');
    // The server listens on 127.0.0.1; "localhost" could resolve to ::1 first.
    const target = new URL(server.webhookUrl.replace('//localhost:', '//127.0.0.1:'));
    const template = JSON.parse(JSON.stringify(callBookedExample));
    const sent: string[] = [];
    let badAnswers = 0;
    let aborted = false;
    let last = 0n;
    const started = process.hrtime.bigint();
    const result = await new Promise<AcResult>((resolve, reject) => {
      const request: AcRequest = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // autocannon builds each request just before writing it: a new event.uuid each time, recorded as sent.
        setupRequest: (req) => {
          const id = `http-c${connections}-${String(sent.length).padStart(6, '0')}`;
          sent.push(id);
          template[0].event.uuid = id;
          return { ...req, body: JSON.stringify(template) };
        },
        onResponse: (status, body) => {
          // autocannon reports completion only on its 1 s tick: time the run up to the last answer instead.
          last = process.hrtime.bigint();
          let ok = false;
          try {
            const answer = JSON.parse(body);
            ok = status === 200 && answer.ok === true && answer.results?.length === 1 && answer.results[0].action === 'appended';
          } catch {
            /* not JSON: counted as bad */
          }
          if (!ok) badAnswers += 1;
        },
      };
      const instance = autocannon({ url: target.href, connections, amount: AMOUNT, timeout: 60, requests: [request] }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
      // Bound the run: autocannon stops at its next tick and reports what it had.
      const timer = setTimeout(() => {
        aborted = true;
        instance.stop();
      }, RUN_LIMIT_MS);
      timer.unref();
    });
    const seconds = Number((last || process.hrtime.bigint()) - started) / 1e9;

    // What the sheet holds, read the way the workbook viewer does.
    const res = await fetch(`${server.url.replace('//localhost:', '//127.0.0.1:')}/api/sheets/${encodeURIComponent(SHEET)}`);
    const values: unknown[][] = res.status === 404 ? [] : ((await res.json()) as { values: unknown[][] }).values;
    const uuidCol = values.length ? values[0].indexOf('Call id') : -1;
    const data = values.slice(1).filter((row) => row.some((v) => v !== '' && v !== null));
    const seen = new Map<string, number>();
    for (const row of data) {
      const id = uuidCol >= 0 ? String(row[uuidCol]) : '';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const sentSet = new Set(sent);
    const lost = sent.filter((id) => !seen.has(id)).length;
    const duplicated = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
    const unexpected = [...seen.keys()].filter((id) => !sentSet.has(id)).length;
    const accounted = lost === 0 && duplicated === 0 && unexpected === 0 && data.length === sent.length;
    return {
      connections,
      sent: sent.length,
      deliveriesPerSec: Math.round((sent.length / seconds) * 10) / 10,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      badAnswers,
      rows: data.length,
      lost,
      duplicated,
      unexpected,
      aborted,
      accounted,
    };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join('dist', 'Code.js'))) throw new Error('dist/Code.js is missing: run npm run build');
  const runs: Run[] = [];
  for (const c of CONNECTIONS) runs.push(await run(c));
  const all = runs.every((r) => r.accounted);
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify({ amount: AMOUNT, runs, allRowsAccounted: all }, null, 2)}\n`);
  } else {
    const cols: [string, (r: Run) => string | number][] = [
      ['connections', (r) => r.connections],
      ['sent', (r) => r.sent],
      ['deliveries/s', (r) => r.deliveriesPerSec.toFixed(1)],
      ['p50 ms', (r) => r.p50Ms],
      ['p99 ms', (r) => r.p99Ms],
      ['errors', (r) => r.errors],
      ['non-2xx', (r) => r.non2xx],
      ['bad answers', (r) => r.badAnswers],
      ['rows', (r) => r.rows],
      ['lost', (r) => r.lost],
      ['duplicated', (r) => r.duplicated],
      ['rows check', (r) => (r.accounted ? 'ok' : 'FAILED') + (r.aborted ? ' (aborted)' : '')],
    ];
    const lines = [cols.map(([h]) => h.padStart(12)).join(' ')];
    for (const r of runs) lines.push(cols.map(([, f]) => String(f(r)).padStart(12)).join(' '));
    lines.push('', `deliveries per run: ${AMOUNT}, each a new call-booked event (distinct event.uuid), POST to /exec on 127.0.0.1`);
    lines.push(`all rows accounted for: ${all ? 'yes' : 'no'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = all ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
