// Worker thread of the concurrency harness: dist/Code.js in its own gas-local context, every service call a blocking RPC to the main thread.
import * as path from 'node:path';
import * as vm from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { AppHandle } from '../load-app';
import { strykerGlobals } from '../stryker-global';
import { LOCK_TIMEOUT } from '../runtime/lock';
import { invokeWebApp } from '../webapp';
import type { HandleWire, Job, Lifecycle, Reply, Request, Wire, WorkerInput } from './protocol';

interface GasLocal {
  require(folder: string, globals?: object, options?: { filter?: (file: string) => boolean }): Record<string, any>;
}
// gas-local ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gasLocal: GasLocal = require('gas-local');

const input = workerData as WorkerInput;
const signal = new Int32Array(input.signal);
const gate = new Int32Array(input.gate);
const lockCells = new Int32Array(input.lockBuffer);
const port = input.port;
/** A main thread that does not answer within this time is gone: fail instead of hanging the test. */
const RPC_TIMEOUT_MS = 60_000;
/** Nobody ever notifies this cell: waiting on it is a plain sleep of this thread. */
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void (ms > 0 && Atomics.wait(SLEEP_CELL, 0, 0, ms));
/** Real ms per modeled ms (latency profile): modeled waits and charges are slept this much shorter. */
const SCALE = input.scale ?? 1;

const HANDLE = Symbol('handle');
const SLOT = Symbol('lockSlot');
type Proxied = { [HANDLE]: number; [SLOT]?: number };

/** The running execution's id in the main thread's runtime (0 between executions). */
let executionId = 0;
/** Index of the delivery being posted, so the main thread can tell which execution ended when. */
let currentJob: number | undefined;

function rpc(req: Request): Wire {
  Atomics.store(signal, 0, 0);
  port.postMessage(req);
  if (Atomics.wait(signal, 0, 0, RPC_TIMEOUT_MS) === 'timed-out') throw new Error('Concurrency harness: the main thread did not answer.');
  // The answer is posted before the signal is raised, but a message between threads can still be in
  // transit when the signal arrives: look again for a short while before giving up.
  let got = receiveMessageOnPort(port);
  for (let tries = 0; !got && tries < 2000; tries += 1) {
    sleep(1);
    got = receiveMessageOnPort(port);
  }
  if (!got) throw new Error('Concurrency harness: no answer on the port.');
  const reply = got.message as Reply;
  // Google's modeled time for the call: slept here, so other executions' calls run meanwhile.
  if (reply.ms) sleep(reply.ms * SCALE);
  if (input.jitterMs > 0) sleep(Math.random() * input.jitterMs);
  if (!reply.ok) throw realmError(reply.name, reply.message);
  return reply.v;
}

// ---- values in the app's realm (instanceof Date/Array hold inside the script, as in LocalRuntime) ----

interface Realm {
  Date: DateConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Error: ErrorConstructor;
}
const NODE_REALM: Realm = { Date, Array, Object, Error };
let appRealm: Realm | null = null;
const globals: Record<string, unknown> = {};

function realm(): Realm {
  if (!appRealm && vm.isContext(globals))
    appRealm = vm.runInContext('({ Date: Date, Array: Array, Object: Object, Error: Error })', globals) as Realm;
  return appRealm ?? NODE_REALM;
}

function realmError(name: string, message: string): Error {
  const err = new (realm().Error)(message);
  err.name = name;
  return err;
}

function setOwn(target: object, key: string, value: unknown): void {
  // defineProperty, so a key such as "__proto__" stays data.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decode(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) return realm().Array.from(w, (x) => decode(x));
  if ('$d' in w) return new (realm().Date)(w.$d);
  if ('$o' in w) {
    const o = new (realm().Object)();
    for (const k of Object.keys(w.$o)) setOwn(o, k, decode(w.$o[k]));
    return o;
  }
  return proxyFor(w);
}

function encode(v: unknown): Wire {
  if (typeof v === 'function') throw new Error('Concurrency harness: a function cannot be passed to a service.');
  if (v === null || typeof v !== 'object') return v as Wire;
  const h = (v as Partial<Proxied>)[HANDLE];
  if (typeof h === 'number') return { $h: h, $c: '' };
  if (Array.isArray(v)) return v.map(encode);
  if (Object.prototype.toString.call(v) === '[object Date]') return { $d: (v as Date).getTime() };
  const out: Record<string, Wire> = {};
  for (const k of Object.keys(v)) setOwn(out, k, encode((v as Record<string, unknown>)[k]));
  return { $o: out };
}

// ---- proxies of the main thread's service objects ----

const protos = new Map<string, object>();
const proxies = new Map<number, Proxied>();
let rootIds = new Set<number>();

function call(self: Proxied, method: string, args: unknown[]): unknown {
  return decode(rpc({ op: 'call', h: self[HANDLE], m: method, a: args.map(encode) }));
}

/** Take a lock in the shared table (the main thread's LockTable cells) and wait on it without blocking the main thread. */
function waitForLock(slot: number, timeoutMs: unknown): boolean {
  const me = executionId || 0x7fffffff;
  const until = Date.now() + Math.max(0, Number(timeoutMs) || 0) * SCALE;
  for (;;) {
    const prev = Atomics.compareExchange(lockCells, slot, 0, me);
    if (prev === 0 || prev === me) return true;
    const left = until - Date.now();
    if (left <= 0) return false;
    Atomics.wait(lockCells, slot, prev, left);
  }
}

/** Methods run in the worker rather than by RPC: lock waits and sleeps must not block the main thread. */
function localMethod(w: HandleWire, name: string): ((this: Proxied, ...a: unknown[]) => unknown) | null {
  if (w.$s !== undefined) {
    if (!input.locking) {
      // Test-only switch: every lock is granted at once and holds nothing.
      if (name === 'tryLock' || name === 'hasLock') return () => true;
      if (name === 'waitLock' || name === 'releaseLock') return () => undefined;
    }
    // One counted attempt in the main thread, then the wait happens here on the shared lock cells.
    if (name === 'tryLock')
      return function (ms) {
        return took(call(this, 'tryLock', [0]) === true || waitForLock(this[SLOT]!, ms));
      };
    if (name === 'waitLock') {
      return function (ms) {
        if (took(call(this, 'tryLock', [0]) === true || waitForLock(this[SLOT]!, ms))) return undefined;
        throw realmError('Exception', LOCK_TIMEOUT);
      };
    }
    if (name === 'releaseLock') {
      return function () {
        const result = call(this, 'releaseLock', []);
        released();
        return result;
      };
    }
  }
  if (name === 'sleep' && w.$m?.includes('getUuid')) {
    // Utilities.sleep: checked (and counted) by the main thread with 0 ms, slept here.
    return function (ms) {
      // Over the limit the main thread throws without sleeping; otherwise it only counts the call.
      call(this, 'sleep', [Number(ms) > 300000 ? ms : 0]);
      sleep((Number(ms) || 0) * SCALE);
      return undefined;
    };
  }
  return null;
}

function proxyFor(w: HandleWire): Proxied {
  const known = proxies.get(w.$h);
  if (known) return known;
  if (w.$m && !protos.has(w.$c)) {
    const proto: Record<string, unknown> = {};
    for (const name of w.$m) {
      const fn =
        localMethod(w, name) ??
        function (this: Proxied, ...args: unknown[]) {
          return call(this, name, args);
        };
      Object.defineProperty(fn, 'name', { value: name });
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    }
    for (const [k, v] of Object.entries(w.$p ?? {})) setOwn(proto, k, decode(v));
    protos.set(w.$c, proto);
  }
  const proto = protos.get(w.$c);
  if (!proto) throw new Error(`Concurrency harness: class ${w.$c} was never described.`);
  const obj = Object.create(proto) as Proxied;
  Object.defineProperty(obj, HANDLE, { value: w.$h });
  if (w.$s !== undefined) Object.defineProperty(obj, SLOT, { value: w.$s });
  proxies.set(w.$h, obj);
  return obj;
}

/** Lock holds of the running job, in real ms (the script lock only: its holds serialize deliveries). */
let lockHolds: number[] = [];
let holdingSince: number | null = null;

function took(got: boolean): boolean {
  if (got && holdingSince === null) holdingSince = Date.now();
  return got;
}

function released(): void {
  if (holdingSince !== null) lockHolds.push(Date.now() - holdingSince);
  holdingSince = null;
}

/** A new execution: handles of the last one are gone on the main side, so forget their proxies. */
function resetProxies(): void {
  for (const id of [...proxies.keys()]) if (!rootIds.has(id)) proxies.delete(id);
}

// ---- the app ----

for (const { name, wire } of input.roots) globals[name] = proxyFor(wire);
rootIds = new Set(input.roots.map((r) => r.wire.$h));
const codeFile = path.resolve(input.distDir, 'Code.js');
const context = gasLocal.require(path.resolve(input.distDir), Object.assign(globals, strykerGlobals()), {
  filter: (file) => path.resolve(file) === codeFile,
});
if (SCALE !== 1) {
  // The app's clock runs on modeled time, so its own budgets and timestamps read as they would on Google.
  vm.runInContext(
    `(function (epoch, scale) {
      var RealDate = Date;
      var now = function () { return epoch + (RealDate.now() - epoch) / scale; };
      var ModeledDate = function (a, b, c, d, e, f, g) {
        if (!(this instanceof ModeledDate)) return new RealDate(now()).toString();
        switch (arguments.length) {
          case 0: return new RealDate(now());
          case 1: return new RealDate(a);
          default: return new RealDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
        }
      };
      ModeledDate.prototype = RealDate.prototype;
      ModeledDate.now = now;
      ModeledDate.UTC = RealDate.UTC;
      ModeledDate.parse = RealDate.parse;
      globalThis.Date = ModeledDate;
    })(${Number(input.epochMs ?? Date.now())}, ${SCALE});`,
    context,
  );
}

const app: AppHandle = {
  context,
  call<T = unknown>(kind: Parameters<AppHandle['call']>[0], name: string, ...args: unknown[]): T {
    if (typeof context[name] !== 'function') throw new Error(`Script function not found: ${name}`);
    resetProxies();
    executionId = rpc({ op: 'open', kind, job: currentJob }) as number;
    try {
      return context[name](...args) as T;
    } finally {
      sleep(input.endDelayMs ?? 0);
      rpc({ op: 'close' });
      released();
      executionId = 0;
    }
  },
};

function post(msg: Lifecycle): void {
  parentPort!.postMessage(msg);
}

/** Dispatch mode: run jobs as they are posted, each result posted as it ends. */
function serveJobs(jobPort: import('node:worker_threads').MessagePort, jobSignal: Int32Array): void {
  for (;;) {
    let got = receiveMessageOnPort(jobPort);
    while (!got) {
      Atomics.wait(jobSignal, 0, 0, 1000);
      Atomics.store(jobSignal, 0, 0);
      got = receiveMessageOnPort(jobPort);
    }
    const job = got.message as Job | null;
    if (job === null) return;
    currentJob = job.index;
    lockHolds = [];
    const startedAt = Date.now();
    let body: string;
    if (job.kind === 'trigger') {
      try {
        body = JSON.stringify(app.call('trigger', job.handler ?? 'processQueue') ?? null);
      } catch (err) {
        body = JSON.stringify({ error: err instanceof Error ? err.message : String(err) });
      }
    } else {
      body = invokeWebApp(app, { method: 'POST', url: job.url, contentType: job.contentType, body: job.body }).body;
    }
    post({ type: 'result', index: job.index, body, startedAt, endedAt: Date.now(), lockHolds });
  }
}

try {
  post({ type: 'ready' });
  if (input.jobPort && input.jobSignal) {
    serveJobs(input.jobPort, new Int32Array(input.jobSignal));
    post({ type: 'done', responses: [] });
    input.jobPort.close();
  } else {
    // Everyone starts together: the main thread opens the gate once every worker has loaded the app.
    while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);
    const responses = input.jobs.map((job) => {
      sleep(job.delayMs ?? 0);
      currentJob = job.index;
      return {
        index: job.index,
        body: invokeWebApp(app, { method: 'POST', url: job.url, contentType: job.contentType, body: job.body }).body,
      };
    });
    post({ type: 'done', responses });
  }
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
} finally {
  port.close();
}
