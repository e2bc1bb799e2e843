// Call counting: every method of every service class is wrapped so each call is counted once.

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
  reset(): void {
    this.total = 0;
    this.byMethod = {};
    this.cellsRead = 0;
    this.cellsWritten = 0;
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
      try {
        const result = orig.apply(this, args);
        if (read) calls.cellsRead += read(this, args, result);
        if (write) calls.cellsWritten += write(this, args, result);
        return result;
      } finally {
        calls.depth--;
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
