// Messages between the concurrency harness's main thread (owner of the one LocalRuntime) and its worker threads.
import type { ExecutionKind } from '../runtime';

/**
 * A value on the wire. Dates, plain objects and service objects are tagged so each side can rebuild
 * them in its own realm: {$d: epoch ms}, {$o: entries}, {$h: handle id, …} (a service object living in
 * the main thread). Everything else is what structured clone carries as is.
 */
export type Wire =
  null | undefined | boolean | number | string | bigint | Wire[] | { $d: number } | { $o: Record<string, Wire> } | HandleWire;

/**
 * A service object held by the main thread. `$c` names its class; the first time a worker sees a
 * class, `$m` (method names) and `$p` (its public data properties, e.g. enums like MimeType) come along.
 * `$s` is a lock's slot in the shared lock table (0 script, 1 user, 2 document).
 */
export interface HandleWire {
  $h: number;
  $c: string;
  $m?: string[];
  $p?: Record<string, Wire>;
  $s?: number;
}

/** A worker's synchronous call into the main thread. */
export type Request = { op: 'open'; kind: ExecutionKind; job?: number } | { op: 'close' } | { op: 'call'; h: number; m: string; a: Wire[] };

/** The main thread's answer: a value, or the error the service threw; `ms`: modeled Google time the worker sleeps (latency profile). */
export type Reply = ({ ok: true; v: Wire } | { ok: false; name: string; message: string }) & { ms?: number };

/** One delivery a worker posts to doPost, or (kind 'trigger') a time-driven run of `handler`. */
export interface Job {
  index: number;
  url: string;
  body: string;
  contentType: string;
  kind?: 'webapp' | 'trigger';
  handler?: string;
  /** Real ms to wait before posting (ConcurrentOptions deliveries' delayMs). */
  delayMs?: number;
}

/** What the main thread hands each worker. */
export interface WorkerInput {
  /** Folder holding Code.js. */
  distDir: string;
  jobs: Job[];
  /** The Apps Script globals, as handles (ids fixed for the worker's life). */
  roots: Array<{ name: string; wire: HandleWire }>;
  /** Int32[0]: 0 while a call is pending, 1 once the answer is on the port. */
  signal: SharedArrayBuffer;
  /** Int32[0]: the start gate; all workers begin delivering when it turns 1. */
  gate: SharedArrayBuffer;
  /** The runtime's lock table (LocalRuntime.lockBuffer), waited on directly by the worker. */
  lockBuffer: SharedArrayBuffer;
  /** false: the test-only switch, tryLock/waitLock succeed at once and hold nothing. */
  locking: boolean;
  /** Up to this many ms of real sleep after each service call (0 = none), to widen race windows. */
  jitterMs: number;
  /** Real sleep between the script's return and the end of its execution (ConcurrentOptions.endDelayMs). */
  endDelayMs?: number;
  /**
   * Dispatch mode (the burst bench): jobs arrive one at a time on `jobPort` (a `null` job ends the
   * worker) and each result is posted as it ends, instead of a fixed list run back to back.
   */
  jobPort?: import('node:worker_threads').MessagePort;
  /** Int32[0]: raised when a job is posted on jobPort. */
  jobSignal?: SharedArrayBuffer;
  /** Real ms per modeled ms: lock waits and Utilities.sleep are scaled by it, and the app's Date runs on modeled time. Default 1. */
  scale?: number;
  /** Real epoch ms at which modeled time and real time coincide (the app's Date: epoch + (now - epoch) / scale). */
  epochMs?: number;
  port: import('node:worker_threads').MessagePort;
}

/** Worker → main on parentPort. */
export type Lifecycle =
  | { type: 'ready' }
  | { type: 'done'; responses: Array<{ index: number; body: string }> }
  | { type: 'result'; index: number; body: string; startedAt: number; endedAt: number; lockHolds: number[] }
  | { type: 'failed'; message: string };
