/**
 * `npm start` killed with SIGKILL at random moments during bursts of deliveries, again and again on
 * the same DATA_DIR: after every restart each delivery the server acknowledged (its 302) is in the
 * sheet, and no delivery is there twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const ROOT = path.resolve(__dirname, '..');
const TOKEN = 'crash-token-0123456789abcdef';
const CYCLES = 22;
const SENDERS = 8;
/** The ids the senders give their deliveries: c<cycle>-s<sender>-<n>. */
const ID_SHAPE = /^c\d+-s\d+-\d+$/;
/** Seeded so a failing run can be repeated (mulberry32). */
let seed = 20261203;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let workDir: string;
let dataDir: string;

beforeAll(async () => {
  workDir = tempDir('iclosed-crash-');
  dataDir = path.join(workDir, 'data');
  buildInto(path.join(workDir, 'dist'));
  // The `npm start` entry, bundled as build.mjs bundles it, into this test's own folder.
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['local/start.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: path.join(workDir, 'start.cjs'),
    logLevel: 'warning',
  });
}, 60000);

afterAll(() => removeTempDirs());

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
}

/** Starts the server as `npm start` does and waits for its banner. */
function startChild(): Promise<Started> {
  const child = spawn(process.execPath, [path.join(workDir, 'start.cjs')], {
    cwd: workDir,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, WEBHOOK_TOKEN: TOKEN, NODE_PATH: path.join(ROOT, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${out}`)), 30000);
    const check = () => {
      const m = /Workbook:\s+http:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before its banner:\n${out}`));
    });
  });
}

function post(agent: http.Agent, port: number, target: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: target, agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function uuidCounts(port: number): Promise<Map<string, number>> {
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/api/sheets/${encodeURIComponent('Call booked')}` }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(res.statusCode === 404 ? '{"values":[]}' : text));
      })
      .on('error', reject);
  });
  const values = (JSON.parse(body) as { values: unknown[][] }).values;
  const counts = new Map<string, number>();
  for (const row of values.slice(1)) {
    // The delivery's id, found by its shape (several columns may show it: the call id, the row key).
    const id = row.map(String).find((v) => ID_SHAPE.test(v));
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const delivery = (uuid: string) =>
  JSON.stringify([{ hookType: 'Call booked', event: { uuid }, invitee: { email: `${uuid}@example.com` } }]);

test(`SIGKILL during bursts, ${CYCLES} times on one DATA_DIR: every acknowledged delivery kept, none twice`, async () => {
  const acknowledged = new Set<string>();
  let sent = 0;
  let inFlightKills = 0;
  const check = async (port: number, cycle: number) => {
    const counts = await uuidCounts(port);
    const missing = [...acknowledged].filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect({ cycle, missing, twice }).toEqual({ cycle, missing: [], twice: [] });
  };

  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    const { child, port } = await startChild();
    await check(port, cycle);
    const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS + 1 });
    let killed = false;
    let inFlight = 0;
    const sender = async (n: number) => {
      for (let i = 0; !killed; i += 1) {
        const id = `c${cycle}-s${n}-${i}`;
        sent += 1;
        inFlight += 1;
        try {
          // 302 is the answer Google gives once doPost ran: the sender's acknowledgement.
          if ((await post(agent, port, `/exec?token=${TOKEN}`, delivery(id))) === 302) acknowledged.add(id);
        } catch {
          return; // the connection died with the server: not acknowledged
        } finally {
          inFlight -= 1;
        }
      }
    };
    // Unauthenticated requests mixed in: they must neither be kept nor hold a save back.
    const stranger = async () => {
      while (!killed) await post(agent, port, '/exec', '{"junk":true}').catch(() => (killed = true));
    };
    const running = [...Array.from({ length: SENDERS }, (_, n) => sender(n)), stranger()];
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 700)));
    if (inFlight > 0) inFlightKills += 1;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(running);
    agent.destroy();
  }

  const { child, port } = await startChild();
  try {
    await check(port, CYCLES);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  // The kills landed mid-burst, and the bursts acknowledged deliveries to lose.
  expect(inFlightKills).toBeGreaterThanOrEqual(CYCLES - 2);
  expect(acknowledged.size).toBeGreaterThan(CYCLES * 5);
  expect(sent).toBeGreaterThan(acknowledged.size);
}, 240000);
