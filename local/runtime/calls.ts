// Call counting: every method of every service class is wrapped so each call is counted once (and, with a latency profile, charged its modeled time).
import { blockFor } from './clock';
import { READS, type LatencyProfile } from './latency-profile';

/** Every call into a service, counted (see docs/local-runtime.md). */
export interface CallCounter {
  total: number;
  byMethod: Record<string, number>;
  cellsRead: number;
  cellsWritten: number;
  reset(): void;
}

/** Counter plus the nesting depth that keeps calls made inside a service method from counting twice. */
export class Calls implements CallCounter {
  total = 0;
  byMethod: Record<string, number> = {};
  cellsRead = 0;
  cellsWritten = 0;
  /** >0 while a service method runs: calls it makes internally are the implementation, not the script. */
  depth = 0;
  /** Test switch: the execution dies once this many calls have run (see LocalRuntime.crashAfterCalls). */
  crashAt: number | null = null;
  /** True once the simulated crash happened: every further call fails until the execution ends. */
  dead = false;
  /** Google's modeled wall time per call (local/runtime/latency-profile.ts); null = calls cost nothing. */
  latency: LatencyProfile | null = null;
  /** Real ms slept per modeled ms (0.1 = ten times faster than Google). */
  scale = 1;
  /** Modeled ms charged since the last reset. */
  modeledMs = 0;
  /** true: charges are owed to the thread that made the call (the concurrency harness's worker sleeps them) instead of slept here. */
  deferCharges = false;
  /** Modeled ms charged but not yet slept (deferCharges). */
  owedMs = 0;
  /** How a charge is slept when not deferred: a real block, or the virtual clock. */
  sleeper: (realMs: number) => void = blockFor;
  /** Sees every call the script makes, after it returned (the burst bench records writes with it); runs uncounted. */
  observer: ((key: string, self: unknown, args: unknown[], result: unknown) => void) | null = null;
  /** Cells written and not yet committed, per execution id (writes are buffered until a read or a flush). */
  readonly pendingCells = new Map<number, number>();
  reset(): void {
    this.total = 0;
    this.byMethod = {};
    this.cellsRead = 0;
    this.cellsWritten = 0;
    this.modeledMs = 0;
  }
  /** Charge `modeledMs` of Google's time to the running execution. */
  charge(modeledMs: number): void {
    if (!(modeledMs > 0)) return;
    this.modeledMs += modeledMs;
    if (this.deferCharges) this.owedMs += modeledMs;
    else this.sleeper(modeledMs * this.scale);
  }
  /** The modeled cost of one call of `key` by execution `exec`: its table price, plus the commit of pending writes a read or flush forces. */
  price(key: string, exec: number, self: unknown, cellsRead: number, cellsWritten: number): number {
    const profile = this.latency;
    if (!profile) return 0;
    let scanned = cellsRead;
    // TextFinder scans its range on Google's side (not "cells read"): price by the cells it scans.
    if (key.startsWith('TextFinder.find')) {
      const tf = self as { _nr?: number; _nc?: number };
      scanned = (tf._nr ?? 0) * (tf._nc ?? 0);
    }
    let ms = profile.cost(key, scanned);
    const pending = this.pendingCells.get(exec) ?? 0;
    if ((READS.has(key) || key === 'SpreadsheetApp.flush') && pending > 0) {
      ms += profile.commit(pending);
      this.pendingCells.delete(exec);
    }
    if (cellsWritten > 0) this.pendingCells.set(exec, (this.pendingCells.get(exec) ?? 0) + cellsWritten);
    return ms;
  }
  /** An execution ended: its pending writes are committed with it. */
  endExecution(exec: number): void {
    this.pendingCells.delete(exec);
  }
  /** Run `fn` (script code called back from inside a service, e.g. a template scriptlet) with counting on. */
  asScript<T>(fn: () => T): T {
    const saved = this.depth;
    this.depth = 0;
    try {
      return fn();
    } finally {
      this.depth = saved;
    }
  }
}

/** What a service object must expose so its wrapped methods can find the counter. */
export interface Counted {
  readonly __calls: Calls;
}

/** Cells a call reads or writes, computed from the receiver, the arguments and the result. */
export type CellCost = (self: any, args: unknown[], result: unknown) => number;

/**
 * Wrap every prototype method of `ctor` (except the constructor and names starting with "_") so
 * that a call from script code counts once as `${className}.${method}`; `reads`/`writes` add cells.
 */
export function instrument(
  ctor: { prototype: object; name: string },
  className: string,
  reads: Record<string, CellCost> = {},
  writes: Record<string, CellCost> = {},
): void {
  const proto = ctor.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor' || name === 'toString' || name.startsWith('_')) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') continue;
    const orig = desc.value as (...a: unknown[]) => unknown;
    const key = `${className}.${name}`;
    const read = reads[name];
    const write = writes[name];
    const wrapped = function (this: Counted, ...args: unknown[]): unknown {
      const calls = this.__calls;
      if (calls.depth > 0) return orig.apply(this, args);
      // A killed execution (timeout, quota, lost connection) makes no further service calls: its catch
      // blocks cannot write anything either, which is what a real crash between two calls looks like.
      if (calls.dead) throw new Error('Simulated crash: this execution has stopped.');
      if (calls.crashAt !== null && calls.total >= calls.crashAt) {
        calls.dead = true;
        throw new Error('Simulated crash: this execution has stopped.');
      }
      calls.total++;
      calls.byMethod[key] = (calls.byMethod[key] ?? 0) + 1;
      calls.depth++;
      let readCells = 0;
      let writtenCells = 0;
      try {
        const result = orig.apply(this, args);
        if (read) calls.cellsRead += readCells = read(this, args, result);
        if (write) calls.cellsWritten += writtenCells = write(this, args, result);
        if (calls.observer) calls.observer(key, this, args, result);
        return result;
      } finally {
        calls.depth--;
        if (calls.latency) {
          const rt = (this as unknown as { __rt?: { executionId?: () => number } }).__rt;
          calls.charge(calls.price(key, rt?.executionId?.() ?? 0, this, readCells, writtenCells));
        }
      }
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    Object.defineProperty(proto, name, { ...desc, value: wrapped });
  }
}

/** Base of every service object: holds the runtime link without exposing it as an enumerable key. */
export abstract class Service<R extends { calls: Calls }> implements Counted {
  declare readonly __rt: R;
  declare readonly __calls: Calls;
  constructor(rt: R) {
    Object.defineProperty(this, '__rt', { value: rt, enumerable: false });
    Object.defineProperty(this, '__calls', { value: rt.calls, enumerable: false });
  }
  /** Apps Script objects print as their class name (e.g. "Sheet"). */
  toString(): string {
    return this.constructor.name.replace(/Impl$/, '');
  }
}
