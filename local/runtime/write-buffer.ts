// Buffered spreadsheet writes: an execution sees its own writes at once, other executions only after its flush or its end.
import type { Calls } from './calls';
import type { SheetContent, SheetModel } from './model';

/*
 * Fidelity rule. On Google an execution's spreadsheet writes are buffered: "Spreadsheet operations are
 * sometimes bundled together to improve performance ... flush() applies all pending Spreadsheet changes"
 * (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet-app#flush()); the lock
 * documentation asks for SpreadsheetApp.flush() before releaseLock() so the next holder sees the writes
 * (https://developers.google.com/apps-script/reference/lock/lock); writes are cached and sent in batches
 * ("Optimizing Spreadsheet Operations", Google Apps Script blog, 2010; "Minimize calls to other services",
 * https://developers.google.com/apps-script/guides/support/best-practices). An execution's pending writes
 * are committed by its flush and by its end (apps-script-facts.md §5, apps-script-latency.md).
 * [UNCONFIRMED] whether a read by the writing execution makes its pending writes visible to others (the
 * blog says reads commit the cache): the stricter world is modelled, only flush() and the end commit.
 * [UNCONFIRMED] whether a killed execution's pending writes land: they are committed at its end.
 *
 * Executions only overlap in the worker-thread harness (openExecution); one execute() after another can
 * never see the difference, so writes are buffered only while an open execution exists, and cost nothing
 * otherwise. Structural changes (inserting, deleting, renaming sheets) are not buffered.
 *
 * How: a sheet with pending writes keeps one content per view: committed (0) and one per execution that
 * wrote it (a copy of the committed content with that execution's writes applied). Before each call the
 * sheet shows the caller's view (pointer swaps, no copy). Each buffered write is also recorded and, at
 * commit, replayed on the committed content, as the platform applies the buffered operations: an
 * appendRow lands after the rows committed meanwhile, a setValues at a fixed row overwrites what is there.
 */

/** One recorded write: the (counted) method, its receiver and a copy of its arguments. */
interface WriteOp {
  sheet: SheetModel;
  target: object;
  method: (...args: unknown[]) => unknown;
  args: unknown[];
}

/** The views of one sheet with pending writes. */
class SheetViews {
  /** Whose view the sheet holds now (0 = committed). */
  shown = 0;
  /** The views not shown, by execution id (0 = committed). */
  readonly hidden = new Map<number, SheetContent>();
  constructor(readonly sheet: SheetModel) {}
  has(id: number): boolean {
    return this.shown === id || this.hidden.has(id);
  }
  show(id: number): void {
    if (this.shown === id) return;
    const next = this.hidden.get(id)!;
    this.hidden.delete(id);
    this.hidden.set(this.shown, this.sheet.exchangeContent(next));
    this.shown = id;
  }
  /** A new view for `id`: a copy of the committed content. */
  add(id: number): void {
    this.show(0);
    this.hidden.set(id, this.sheet.copyContent());
  }
  drop(id: number): void {
    if (this.shown === id) this.show(0);
    this.hidden.delete(id);
  }
}

/** A copy of an argument list deep enough that the script changing its arrays later cannot change a recorded write. */
function copyArgs(args: unknown[]): unknown[] {
  const copy = (v: unknown): unknown => (Array.isArray(v) ? v.map(copy) : v);
  return args.map(copy);
}

/** The runtime's buffer of writes not yet visible to other executions. */
export class WriteBuffer {
  private readonly views = new Map<SheetModel, SheetViews>();
  private readonly ops = new Map<number, WriteOp[]>();
  /** Open executions (openExecution): writes are buffered only while there is one. */
  openExecutions = 0;

  constructor(private readonly calls: Calls) {}

  /** Nothing to do for a call: no pending writes and no open execution. */
  idle(): boolean {
    return this.openExecutions === 0 && this.views.size === 0;
  }

  /** Show execution `id` its own view of every sheet with pending writes, and the committed content elsewhere. */
  show(id: number): void {
    for (const v of this.views.values()) v.show(v.has(id) ? id : 0);
  }

  /** Show the committed content everywhere (peek, saved state). */
  showCommitted(): void {
    this.show(0);
  }

  /** Before execution `id` writes `sheet`: true when the write is buffered (then record it once done). */
  beforeWrite(id: number, sheet: SheetModel): boolean {
    this.show(id);
    if (id === 0 || this.openExecutions === 0) return false;
    let v = this.views.get(sheet);
    if (!v) {
      v = new SheetViews(sheet);
      this.views.set(sheet, v);
    }
    if (!v.has(id)) {
      v.add(id);
      v.show(id);
    }
    return true;
  }

  /** Record a buffered write, to replay on the committed content at commit. */
  record(id: number, sheet: SheetModel, target: object, method: (...args: unknown[]) => unknown, args: unknown[]): void {
    let list = this.ops.get(id);
    if (!list) this.ops.set(id, (list = []));
    list.push({ sheet, target, method, args: copyArgs(args) });
  }

  /** Make execution `id`'s writes visible to every execution (flush, or the end of the execution). */
  commit(id: number): void {
    const mine = this.ops.get(id);
    if (!mine) return;
    this.ops.delete(id);
    const touched = new Set(mine.map((op) => op.sheet));
    for (const sheet of touched) this.views.get(sheet)?.drop(id);
    this.showCommitted();
    this.replay(mine);
    // Other executions with pending writes on these sheets now build on the new committed content.
    for (const sheet of touched) {
      const v = this.views.get(sheet);
      if (!v) continue;
      for (const other of [...v.hidden.keys()].filter((k) => k !== 0)) {
        v.drop(other);
        v.add(other);
        v.show(other);
        this.replay((this.ops.get(other) ?? []).filter((op) => op.sheet === sheet));
        v.show(0);
      }
      if (v.hidden.size === 0) this.views.delete(sheet);
    }
  }

  /** Apply recorded writes to what the sheets show now, uncounted; a write that fails now (its sheet was deleted) is dropped. */
  private replay(list: WriteOp[]): void {
    this.calls.depth++;
    try {
      for (const op of list) {
        try {
          op.method.apply(op.target, op.args);
        } catch {
          // Dropped, as a buffered operation on a sheet that no longer exists.
        }
      }
    } finally {
      this.calls.depth--;
    }
  }
}

/** What a service object with a sheet offers the buffer wrapper. */
interface OnSheet {
  readonly __rt: { readonly calls: Calls; readonly writes: WriteBuffer; executionId(): number };
}

/**
 * Wrap the script-facing methods of `ctor` (after instrument(), so outside the counting) so each call
 * sees the calling execution's view, and the methods named in `writes` are buffered on `sheetOf(self)`.
 */
export function bufferWrites<T extends OnSheet>(
  ctor: { prototype: object },
  writes: string[] = [],
  sheetOf?: (self: T) => SheetModel,
): void {
  const proto = ctor.prototype as Record<string, unknown>;
  const writing = new Set(writes);
  for (const w of writes) if (typeof proto[w] !== 'function') throw new Error(`bufferWrites: ${w} is not a method`);
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor' || name === 'toString' || name.startsWith('_')) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') continue;
    const method = desc.value as (...a: unknown[]) => unknown;
    const isWrite = writing.has(name);
    const wrapped = function (this: T, ...args: unknown[]): unknown {
      const rt = this.__rt;
      const buf = rt.writes;
      if (rt.calls.depth > 0 || buf.idle()) return method.apply(this, args);
      const id = rt.executionId();
      if (!isWrite) {
        buf.show(id);
        return method.apply(this, args);
      }
      const sheet = sheetOf!(this);
      const buffered = buf.beforeWrite(id, sheet);
      const result = method.apply(this, args);
      if (buffered) buf.record(id, sheet, this, method, args);
      return result;
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    Object.defineProperty(proto, name, { ...desc, value: wrapped });
  }
}
