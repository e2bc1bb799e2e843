// Runs N doPost executions truly at once, one per worker thread, against ONE LocalRuntime owned by the main thread.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { loadApp, type AppHandle } from '../load-app';
import { GOOGLE_PROFILE, LocalRuntime, MAX_SIMULTANEOUS_EXECUTIONS, TOO_MANY_EXECUTIONS, type LatencyProfile } from '../runtime';
import type { HandleWire, Job, Lifecycle, Reply, Request, Wire, WorkerInput } from './protocol';

/** The project folder: the nearest folder above this file holding package.json (this file may run bundled from .build/). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '../..');
  }
}
const ROOT = projectRoot();
const WORKER_ENTRY = path.join(ROOT, 'local/concurrency/worker.ts');
const WORKER_FILE = path.join(ROOT, '.build/concurrency-worker.cjs');

/** One delivery: its body, extra query parameters (the token is added) and Content-Type. */
export interface Delivery {
  body: string;
  query?: string;
  contentType?: string;
  /** Real ms the worker waits, after the start gate opens, before posting this delivery. Default 0. */
  delayMs?: number;
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
  /**
   * Each execution ends this many ms after its script returns (default 0). On Google the end, which commits
   * the writes the execution did not flush (runtime/write-buffer.ts), comes a little after doPost returns.
   */
  endDelayMs?: number;
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
  for (
    let p = Object.getPrototypeOf(v) as object | null;
    p && Object.getPrototypeOf(p) !== null;
    p = Object.getPrototypeOf(p) as object | null
  ) {
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
      for (const k of Object.keys(v))
        Object.defineProperty(out, k, {
          value: this.encode((v as Record<string, unknown>)[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
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
      for (const k of Object.keys(w.$o))
        Object.defineProperty(out, k, { value: this.decode(w.$o[k]), enumerable: true, writable: true, configurable: true });
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
  /** Called when the execution of job `job` ends (its close is served), before its worker reports back. */
  closed?: (job: number) => void;
}

/** Answers one request. Runs synchronously on the main thread's event loop: calls of different workers interleave one whole call at a time. */
function serve(runtime: LocalRuntime, s: Served, t: Tracker, req: Request): Reply {
  const reply = answer(runtime, s, t, req);
  // Google's modeled time for the call (deferred charges of the latency profile), slept by the worker.
  const ms = runtime.takeOwedMs();
  return ms > 0 ? { ...reply, ms } : reply;
}

function answer(runtime: LocalRuntime, s: Served, t: Tracker, req: Request): Reply {
  try {
    if (req.op === 'open') {
      s.reset();
      s.exec = runtime.openExecution(req.kind);
      runtime.chargeExecutionStart();
      s.job = req.job ?? null;
      t.inFlight += 1;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
      return { ok: true, v: s.exec };
    }
    if (req.op === 'close') {
      if (s.exec !== null) runtime.closeExecution(s.exec);
      if (s.job !== null) t.completionOrder.push(s.job);
      if (s.job !== null) t.closed?.(s.job);
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
    return {
      ok: false,
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(err),
    };
  }
}

/** The worker file, a fresh runtime and spreadsheet with the app set up in the main thread, and the caller's setup run. */
async function prepare(options: { distDir?: string; setup?: ConcurrentOptions['setup'] }) {
  const file = await workerFile();
  const distDir = path.resolve(options.distDir ?? path.join(ROOT, 'dist'));
  const runtime = new LocalRuntime({ scriptUrl: 'https://script.google.com/macros/s/LOCAL/exec' });
  runtime.createSpreadsheet('iClosed webhooks');
  // The objects workers call; taken before loadApp so the main app's context stays the runtime's realm.
  const served = runtime.globals();
  const app = loadApp(runtime, distDir);
  const { token } = app.call<{ token: string }>('editor', 'setupWebhook');
  options.setup?.({ runtime, app, token });
  return { file, distDir, runtime, served, app, token };
}

/**
 * A fresh runtime and spreadsheet, setupWebhook in the main thread, then `deliveries` posted to doPost
 * by `workers` worker threads that all start at once (a start gate opens when every worker has loaded
 * the app). Each worker runs dist/Code.js in its own gas-local context; every service call is answered
 * by the main thread inside that worker's execution, so calls of different executions interleave.
 */
export async function runConcurrent(options: ConcurrentOptions): Promise<ConcurrentResult> {
  const { file, distDir, runtime, served, app, token } = await prepare(options);

  const count = Math.max(1, Math.min(options.workers, options.deliveries.length || 1));
  const jobs: Job[][] = Array.from({ length: count }, () => []);
  options.deliveries.forEach((d, index) => {
    const query = [`token=${encodeURIComponent(token)}`, d.query ?? ''].filter(Boolean).join('&');
    jobs[index % count].push({
      index,
      url: `/exec?${query}`,
      body: d.body,
      contentType: d.contentType ?? 'application/json',
      delayMs: d.delayMs ?? 0,
    });
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
        const worker = spawn(
          file,
          runtime,
          served,
          tracker,
          {
            distDir,
            jobs: share,
            gate: gate.buffer as SharedArrayBuffer,
            locking: options.locking ?? true,
            jitterMs: options.jitterMs ?? 0,
            endDelayMs: options.endDelayMs ?? 0,
          },
          (msg) => {
            if (msg.type === 'ready') {
              ready += 1;
              if (ready === jobs.length) {
                started = Date.now();
                Atomics.store(gate, 0, 1);
                Atomics.notify(gate, 0);
              }
            } else if (msg.type === 'done') {
              for (const r of msg.responses) responses[r.index] = r.body;
              resolve();
            } else if (msg.type === 'failed') {
              reject(new Error(`Concurrency worker failed: ${msg.message}`));
            }
          },
          reject,
        );
        workers.push(worker);
      }),
  );
  try {
    await Promise.all(runs);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return {
    responses,
    runtime,
    app,
    token,
    maxInFlight: tracker.maxInFlight,
    completionOrder: tracker.completionOrder,
    elapsedMs: Date.now() - started,
  };
}

/** The parts of a worker's input the caller chooses (the RPC plumbing is made by spawn). */
type WorkerSettings = Omit<WorkerInput, 'roots' | 'signal' | 'port' | 'lockBuffer' | 'gate'> & { gate?: SharedArrayBuffer };

/**
 * One worker thread serving `served` (the runtime's globals) over its own RPC channel. `onMessage` gets
 * its lifecycle messages; `onFail` an error or an exit before it said done or failed.
 */
function spawn(
  file: string,
  runtime: LocalRuntime,
  served: Record<string, unknown>,
  tracker: Tracker,
  settings: WorkerSettings,
  onMessage: (msg: Lifecycle) => void,
  onFail: (err: Error) => void,
): Worker {
  const view = new Served();
  const roots = Object.keys(served).map((name) => ({ name, wire: view.handle(served[name] as object) }));
  view.roots = view.objects.size;
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (req: Request) => {
    let reply = serve(runtime, view, tracker, req);
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
    ...settings,
    gate: settings.gate ?? new SharedArrayBuffer(4),
    roots,
    signal: signal.buffer as SharedArrayBuffer,
    lockBuffer: runtime.lockBuffer,
    port: port2,
  };
  const transfer = [port2, ...(settings.jobPort ? [settings.jobPort] : [])];
  const worker = new Worker(file, { workerData: input, transferList: transfer });
  let finished = false;
  worker.on('message', (msg: Lifecycle) => {
    if (msg.type === 'done' || msg.type === 'failed') finished = true;
    onMessage(msg);
  });
  worker.on('error', (err) => {
    finished = true;
    onFail(err);
  });
  worker.on('exit', (code) => {
    port1.close();
    if (!finished) onFail(new Error(`Concurrency worker exited with code ${code} before finishing.`));
  });
  return worker;
}

// ---- bursts with Google's latency: arrivals on a modeled timeline, the 30-execution cap, the queue trigger ----

/** One delivery arriving `atMs` modeled ms after the burst starts. */
export interface Arrival {
  atMs: number;
  delivery: Delivery;
}

export interface BurstOptions {
  arrivals: Arrival[];
  /** Real ms per modeled ms (0.1: ten times faster than Google). */
  scale: number;
  /** Default: GOOGLE_PROFILE. */
  profile?: LatencyProfile;
  /** Runs in the main thread after setupWebhook, before the latency profile is switched on. */
  setup?: (ctx: { runtime: LocalRuntime; app: AppHandle; token: string }) => void;
  distDir?: string;
  /** Time-driven triggers fire every this many modeled ms (Google: at most once a minute). Default 60,000. */
  triggerEveryMs?: number;
  /** Modeled ms after the last arrival during which triggers keep firing while one is installed. Default 600,000. */
  drainMs?: number;
}

/** What happened to one execution: a delivery (index into arrivals) or a trigger run (index -1 - n). */
export interface JobRecord {
  index: number;
  kind: 'webapp' | 'trigger';
  /** Real ms: when it arrived, when its execution started and ended (equal to arrivedAt when refused). */
  arrivedAt: number;
  startedAt: number;
  endedAt: number;
  /** Refused by the simultaneous-executions cap: it never ran; the sender got Google's error page. */
  refused: boolean;
  body: string;
  /** Script lock holds, real ms. */
  lockHolds: number[];
}

/** A write of rows `row`..`row + rows - 1` of `sheet` at real time `at`. */
export interface WriteRecord {
  at: number;
  sheet: string;
  row: number;
  rows: number;
}

export interface BurstResult {
  runtime: LocalRuntime;
  app: AppHandle;
  token: string;
  scale: number;
  /** Real ms at which the burst started (arrival 0 is due then). */
  startedAt: number;
  jobs: JobRecord[];
  writes: WriteRecord[];
  maxInFlight: number;
  /** Service calls made during the burst, by method. */
  byMethod: Record<string, number>;
  /** Modeled ms charged during the burst, all executions together. */
  modeledMs: number;
  /**
   * Most real ms an arrival was dispatched after its time: the main thread (which serves every service
   * call) was busy, so arrivals bunched up. Large values mean the run measured the local twin, not Google.
   */
  maxArrivalLag: number;
  /** Real ms the arrival timeline was held back for such stalls, in all. */
  pausedMs: number;
}

/** Real ms an arrival may come late before the timeline is held back by the delay (see runBurst's `paused`). */
const ARRIVAL_SLACK_MS = 5;

/**
 * Worker threads of a burst: more than the cap, so a thread is free whenever fewer than 30 executions run
 * (a thread reports back a little after its execution ended; the cap counts executions, not threads).
 */
const POOL = MAX_SIMULTANEOUS_EXECUTIONS + 10;

/**
 * Deliveries arrive on a modeled timeline (scaled to real time), each run by a free worker as its own
 * execution with every service call charged its modeled Google time; an arrival while 30 executions
 * run is refused as Google refuses it. Installed processQueue triggers fire every modeled minute until
 * the queue trigger is gone or `drainMs` after the last arrival.
 */
export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const { file, distDir, runtime, served, app, token } = await prepare(options);
  const scale = options.scale;
  runtime.setLatency(options.profile ?? GOOGLE_PROFILE, scale, true);
  runtime.calls.reset();
  const writes: WriteRecord[] = [];
  runtime.observeCalls((key, self, args) => {
    if (key === 'Range.setValues' || key === 'Range.setValue') {
      const range = self as GoogleAppsScript.Spreadsheet.Range;
      writes.push({ at: Date.now(), sheet: range.getSheet().getName(), row: range.getRow(), rows: range.getNumRows() });
    } else if (key === 'Sheet.appendRow') {
      const sheet = self as GoogleAppsScript.Spreadsheet.Sheet;
      writes.push({ at: Date.now(), sheet: sheet.getName(), row: sheet.getLastRow(), rows: 1 });
    }
    void args;
  });

  /** Jobs whose execution was started and has not ended: what Google's cap counts. */
  const running = new Set<number>();
  const tracker: Tracker = { inFlight: 0, maxInFlight: 0, completionOrder: [], closed: (job) => running.delete(job) };
  const epochMs = Date.now();
  const idle: Array<{ port: MessagePort; signal: Int32Array }> = [];
  const busy = new Map<number, { port: MessagePort; signal: Int32Array }>();
  const jobs: JobRecord[] = [];
  const workers: Worker[] = [];
  let failure: Error | null = null;
  let onChange: () => void = () => undefined;

  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    for (let i = 0; i < POOL; i += 1) {
      const { port1, port2 } = new MessageChannel();
      const signal = new Int32Array(new SharedArrayBuffer(4));
      const slot = { port: port1, signal };
      const worker = spawn(
        file,
        runtime,
        served,
        tracker,
        {
          distDir,
          jobs: [],
          locking: true,
          jitterMs: 0,
          jobPort: port2,
          jobSignal: signal.buffer as SharedArrayBuffer,
          scale,
          epochMs,
        },
        (msg) => {
          if (msg.type === 'ready') {
            idle.push(slot);
            ready += 1;
            if (ready === POOL) resolve();
          } else if (msg.type === 'result') {
            const job = jobs.find((j) => j.index === msg.index && !j.endedAt)!;
            Object.assign(job, { startedAt: msg.startedAt, endedAt: msg.endedAt, body: msg.body, lockHolds: msg.lockHolds });
            busy.delete(msg.index);
            running.delete(msg.index);
            idle.push(slot);
            onChange();
          } else if (msg.type === 'failed') {
            failure = new Error(`Concurrency worker failed: ${msg.message}`);
            onChange();
          }
        },
        (err) => {
          failure ??= err;
          reject(err);
          onChange();
        },
      );
      workers.push(worker);
    }
  });

  const startedAt = Date.now();
  const dispatch = (index: number, kind: 'webapp' | 'trigger', job: Job): void => {
    const now = Date.now();
    const record: JobRecord = { index, kind, arrivedAt: now, startedAt: 0, endedAt: 0, refused: false, body: '', lockHolds: [] };
    jobs.push(record);
    const slot = running.size < MAX_SIMULTANEOUS_EXECUTIONS ? idle.pop() : undefined;
    if (!slot) {
      // Google's answer past the cap: an HTML error page with status 200 (see TOO_MANY_EXECUTIONS).
      Object.assign(record, { refused: true, startedAt: now, endedAt: now, body: TOO_MANY_EXECUTIONS });
      return;
    }
    busy.set(index, slot);
    running.add(index);
    slot.port.postMessage(job);
    Atomics.store(slot.signal, 0, 1);
    Atomics.notify(slot.signal, 0);
  };

  const lastArrival = Math.max(0, ...options.arrivals.map((a) => a.atMs));
  const timers: NodeJS.Timeout[] = [];
  let dispatched = 0;
  let maxArrivalLag = 0;
  /**
   * Real ms the timeline was held back: when the main thread was too busy to dispatch an arrival on time
   * (it serves every service call), later arrivals move back by as much, so a stall of the local twin does
   * not bunch arrivals that on Google would have kept their spacing.
   */
  let paused = 0;
  const jobOf = (index: number): Job => {
    const d = options.arrivals[index].delivery;
    const query = [`token=${encodeURIComponent(token)}`, d.query ?? ''].filter(Boolean).join('&');
    return { index, url: `/exec?${query}`, body: d.body, contentType: d.contentType ?? 'application/json', kind: 'webapp' };
  };
  const order = options.arrivals.map((a, index) => ({ at: a.atMs, index })).sort((a, b) => a.at - b.at);
  const arrive = (k: number): void => {
    if (k >= order.length) return;
    const due = startedAt + order[k].at * scale + paused;
    timers.push(
      setTimeout(
        () => {
          const lag = Date.now() - due;
          maxArrivalLag = Math.max(maxArrivalLag, lag);
          if (lag > ARRIVAL_SLACK_MS) paused += lag;
          // Arrivals due at the same moment go together.
          for (let at = order[k].at; k < order.length && order[k].at === at; k += 1) {
            dispatched += 1;
            dispatch(order[k].index, 'webapp', jobOf(order[k].index));
          }
          onChange();
          arrive(k);
        },
        Math.max(0, due - Date.now()),
      ),
    );
  };
  arrive(0);
  const every = (options.triggerEveryMs ?? 60_000) * scale;
  const drainUntil = () => startedAt + paused + (lastArrival + (options.drainMs ?? 600_000)) * scale;
  let triggerRuns = 0;
  const queueTriggers = () => runtime.triggers.filter((t) => t.handler === 'processQueue');
  const tick = setInterval(() => {
    // Each installed trigger fires (duplicates too, as on Google).
    for (const t of queueTriggers()) {
      triggerRuns += 1;
      dispatch(-triggerRuns, 'trigger', { index: -triggerRuns, url: '', body: '', contentType: '', kind: 'trigger', handler: t.handler });
    }
    onChange();
  }, every);

  try {
    await new Promise<void>((resolve, reject) => {
      onChange = () => {
        if (failure) return reject(failure);
        if (dispatched < options.arrivals.length || busy.size > 0) return;
        if (queueTriggers().length === 0 || Date.now() > drainUntil()) resolve();
      };
      onChange();
    });
  } finally {
    clearInterval(tick);
    for (const t of timers) clearTimeout(t);
    for (const slot of [...idle, ...busy.values()]) {
      slot.port.postMessage(null);
      Atomics.store(slot.signal, 0, 1);
      Atomics.notify(slot.signal, 0);
    }
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((r) => {
            w.once('exit', r);
            setTimeout(() => void w.terminate(), 5000);
          }),
      ),
    );
    runtime.observeCalls(null);
  }
  const byMethod = { ...runtime.calls.byMethod };
  const modeledMs = runtime.modeledMs;
  runtime.setLatency(null);
  return {
    runtime,
    app,
    token,
    scale,
    startedAt,
    jobs,
    writes,
    maxInFlight: tracker.maxInFlight,
    byMethod,
    modeledMs,
    maxArrivalLag,
    pausedMs: paused,
  };
}
