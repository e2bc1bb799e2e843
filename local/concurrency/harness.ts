// Runs N doPost executions truly at once, one per worker thread, against ONE LocalRuntime owned by the main thread.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { loadApp, type AppHandle } from '../load-app';
import { LocalRuntime } from '../runtime';
import type { HandleWire, Job, Lifecycle, Reply, Request, Wire, WorkerInput } from './protocol';

const ROOT = path.resolve(__dirname, '../..');
const WORKER_ENTRY = path.join(ROOT, 'local/concurrency/worker.ts');
const WORKER_FILE = path.join(ROOT, '.build/concurrency-worker.cjs');

/** One delivery: its body, extra query parameters (the token is added) and Content-Type. */
export interface Delivery {
  body: string;
  query?: string;
  contentType?: string;
}

export interface ConcurrentOptions {
  /** Worker threads, each one execution at a time (Apps Script allows 30 simultaneous executions per script). */
  workers: number;
  /** Spread round-robin over the workers; each worker posts its share one after another. */
  deliveries: Delivery[];
  /** false: the test-only switch; tryLock/waitLock succeed at once and hold nothing. Default true. */
  locking?: boolean;
  /** Up to this many ms of real sleep in a worker after each service call, to widen race windows. Default 0. */
  jitterMs?: number;
  /** Runs in the main thread after setupWebhook, before any delivery (e.g. saveSettings). */
  setup?: (ctx: { runtime: LocalRuntime; app: AppHandle; token: string }) => void;
  /** Folder holding Code.js. Default dist/. */
  distDir?: string;
}

export interface ConcurrentResult {
  /** Response bodies, by delivery index. */
  responses: string[];
  /** The shared runtime, to inspect (peek) or to run more executions in the main thread. */
  runtime: LocalRuntime;
  /** The app loaded in the main thread (e.g. app.call('trigger', 'processQueue')). */
  app: AppHandle;
  token: string;
  /** Most executions open at the same time, as the main thread saw them. */
  maxInFlight: number;
  /** Delivery indexes in the order their executions ended. */
  completionOrder: number[];
  /** From the start gate opening to the last worker finishing. */
  elapsedMs: number;
}

let bundled: Promise<string> | null = null;

/** The worker entry bundled for Node into .build/ (once per process; written then renamed, so parallel runs never read half a file). */
export function workerFile(): Promise<string> {
  bundled ??= (async () => {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [WORKER_ENTRY],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      // gas-local reads files at run time: leave it to Node.
      external: ['gas-local'],
      logLevel: 'warning',
    });
    fs.mkdirSync(path.dirname(WORKER_FILE), { recursive: true });
    const tmp = `${WORKER_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, result.outputFiles[0].contents);
    fs.renameSync(tmp, WORKER_FILE);
    return WORKER_FILE;
  })();
  return bundled;
}

// ---- the main thread's side of the RPC ----

const isDate = (v: object): v is Date => Object.prototype.toString.call(v) === '[object Date]';

/** A plain object of any realm (the app's realm has its own Object.prototype). */
function isPlain(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === null || Object.getPrototypeOf(p) === null;
}

const hasFunctions = (v: object): boolean => Object.values(v).some((x) => typeof x === 'function');

const classIds = new WeakMap<object, string>();
let nextClass = 1;

/** A key per prototype: two classes with one name still differ. Plain objects with methods (console) key by their method names. */
function classKey(v: object): string {
  if (isPlain(v)) return `plain:${methodsOf(v).join(',')}`;
  const proto = Object.getPrototypeOf(v) as object;
  let key = classIds.get(proto);
  if (!key) {
    key = `${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'object'}#${nextClass++}`;
    classIds.set(proto, key);
  }
  return key;
}

function methodsOf(v: object): string[] {
  const rec = v as Record<string, unknown>;
  if (isPlain(v)) return Object.keys(v).filter((k) => typeof rec[k] === 'function');
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(v) as object | null; p && Object.getPrototypeOf(p) !== null; p = Object.getPrototypeOf(p) as object | null) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === 'constructor' || k.startsWith('_')) continue;
      if (typeof Object.getOwnPropertyDescriptor(p, k)?.value === 'function') names.add(k);
    }
  }
  return [...names];
}

/** One worker's view: handle ids of the objects it may call, and the execution it runs. */
class Served {
  readonly objects = new Map<number, object>();
  readonly ids = new Map<object, number>();
  private next = 1;
  roots = 0;
  readonly described = new Set<string>();
  exec: number | null = null;
  job: number | null = null;

  handle(v: object): HandleWire {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(v, id);
      this.objects.set(id, v);
    }
    const w: HandleWire = { $h: id, $c: classKey(v) };
    if (!this.described.has(w.$c)) {
      this.described.add(w.$c);
      w.$m = methodsOf(v);
      const props: Record<string, Wire> = {};
      const rec = v as Record<string, unknown>;
      for (const k of Object.keys(v)) if (!k.startsWith('_') && typeof rec[k] !== 'function') props[k] = this.encode(rec[k]);
      w.$p = props;
    }
    const slot = (v as { _slot?: unknown })._slot;
    if (typeof slot === 'number') w.$s = slot;
    return w;
  }

  /** Handles live for one execution (roots for the worker's life). */
  reset(): void {
    for (const [id, obj] of this.objects) {
      if (id > this.roots) {
        this.objects.delete(id);
        this.ids.delete(obj);
      }
    }
  }

  encode(v: unknown): Wire {
    if (typeof v === 'function') throw new Error('Concurrency harness: a service returned a function.');
    if (v === null || typeof v !== 'object') return v as Wire;
    if (Array.isArray(v)) return v.map((x) => this.encode(x));
    if (isDate(v)) return { $d: v.getTime() };
    if (isPlain(v) && !hasFunctions(v)) {
      const out: Record<string, Wire> = {};
      for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: this.encode((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
      return { $o: out };
    }
    return this.handle(v);
  }

  decode(w: Wire): unknown {
    if (w === null || typeof w !== 'object') return w;
    if (Array.isArray(w)) return w.map((x) => this.decode(x));
    if ('$d' in w) return new Date(w.$d);
    if ('$o' in w) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(w.$o)) Object.defineProperty(out, k, { value: this.decode(w.$o[k]), enumerable: true, writable: true, configurable: true });
      return out;
    }
    const obj = this.objects.get(w.$h);
    if (!obj) throw new Error(`Concurrency harness: object ${w.$h} belongs to an execution that has ended.`);
    return obj;
  }
}

interface Tracker {
  inFlight: number;
  maxInFlight: number;
  completionOrder: number[];
}

/** Answers one request. Runs synchronously on the main thread's event loop: calls of different workers interleave one whole call at a time. */
function serve(runtime: LocalRuntime, s: Served, t: Tracker, req: Request): Reply {
  try {
    if (req.op === 'open') {
      s.reset();
      s.exec = runtime.openExecution(req.kind);
      s.job = req.job ?? null;
      t.inFlight += 1;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
      return { ok: true, v: s.exec };
    }
    if (req.op === 'close') {
      if (s.exec !== null) runtime.closeExecution(s.exec);
      if (s.job !== null) t.completionOrder.push(s.job);
      s.exec = null;
      s.job = null;
      t.inFlight -= 1;
      return { ok: true, v: undefined };
    }
    const target = s.decode({ $h: req.h, $c: '' }) as Record<string, unknown>;
    const fn = target[req.m];
    if (typeof fn !== 'function') throw new TypeError(`${req.m} is not a function`);
    const args = req.a.map((a) => s.decode(a));
    const run = (): unknown => (fn as (...a: unknown[]) => unknown).apply(target, args);
    const value = s.exec !== null ? runtime.runInExecution(s.exec, run) : run();
    return { ok: true, v: s.encode(value) };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown };
    return { ok: false, name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(err) };
  }
}

/**
 * A fresh runtime and spreadsheet, setupWebhook in the main thread, then `deliveries` posted to doPost
 * by `workers` worker threads that all start at once (a start gate opens when every worker has loaded
 * the app). Each worker runs dist/Code.js in its own gas-local context; every service call is answered
 * by the main thread inside that worker's execution, so calls of different executions interleave.
 */
export async function runConcurrent(options: ConcurrentOptions): Promise<ConcurrentResult> {
  const file = await workerFile();
  const distDir = path.resolve(options.distDir ?? path.join(ROOT, 'dist'));
  const runtime = new LocalRuntime({ scriptUrl: 'https://script.google.com/macros/s/LOCAL/exec' });
  runtime.createSpreadsheet('iClosed webhooks');
  // The objects workers call; taken before loadApp so the main app's context stays the runtime's realm.
  const served = runtime.globals();
  const app = loadApp(runtime, distDir);
  const { token } = app.call<{ token: string }>('editor', 'setupWebhook');
  options.setup?.({ runtime, app, token });

  const count = Math.max(1, Math.min(options.workers, options.deliveries.length || 1));
  const jobs: Job[][] = Array.from({ length: count }, () => []);
  options.deliveries.forEach((d, index) => {
    const query = [`token=${encodeURIComponent(token)}`, d.query ?? ''].filter(Boolean).join('&');
    jobs[index % count].push({ index, url: `/exec?${query}`, body: d.body, contentType: d.contentType ?? 'application/json' });
  });

  const gate = new Int32Array(new SharedArrayBuffer(4));
  const tracker: Tracker = { inFlight: 0, maxInFlight: 0, completionOrder: [] };
  const responses: string[] = new Array(options.deliveries.length);
  let ready = 0;
  let started = 0;
  const workers: Worker[] = [];

  const runs = jobs.map(
    (share) =>
      new Promise<void>((resolve, reject) => {
        const served1 = new Served();
        const roots = Object.keys(served).map((name) => ({ name, wire: served1.handle(served[name] as object) }));
        served1.roots = served1.objects.size;
        const signal = new Int32Array(new SharedArrayBuffer(4));
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (req: Request) => {
          let reply = serve(runtime, served1, tracker, req);
          try {
            port1.postMessage(reply);
          } catch (err) {
            reply = { ok: false, name: 'Error', message: `Concurrency harness: the answer cannot be sent (${String(err)})` };
            port1.postMessage(reply);
          }
          Atomics.store(signal, 0, 1);
          Atomics.notify(signal, 0);
        });
        const input: WorkerInput = {
          distDir, jobs: share, roots, signal: signal.buffer as SharedArrayBuffer, gate: gate.buffer as SharedArrayBuffer,
          lockBuffer: runtime.lockBuffer, locking: options.locking ?? true, jitterMs: options.jitterMs ?? 0, port: port2,
        };
        const worker = new Worker(file, { workerData: input, transferList: [port2] });
        workers.push(worker);
        let finished = false;
        worker.on('message', (msg: Lifecycle) => {
          if (msg.type === 'ready') {
            ready += 1;
            if (ready === jobs.length) {
              started = Date.now();
              Atomics.store(gate, 0, 1);
              Atomics.notify(gate, 0);
            }
          } else if (msg.type === 'done') {
            finished = true;
            for (const r of msg.responses) responses[r.index] = r.body;
            resolve();
          } else {
            finished = true;
            reject(new Error(`Concurrency worker failed: ${msg.message}`));
          }
        });
        worker.on('error', (err) => {
          finished = true;
          reject(err);
        });
        worker.on('exit', (code) => {
          port1.close();
          if (!finished) reject(new Error(`Concurrency worker exited with code ${code} before finishing.`));
        });
      }),
  );
  try {
    await Promise.all(runs);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { responses, runtime, app, token, maxInFlight: tracker.maxInFlight, completionOrder: tracker.completionOrder, elapsedMs: Date.now() - started };
}
