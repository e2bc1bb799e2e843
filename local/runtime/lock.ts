// LockService: script/user/document locks in a SharedArrayBuffer, released when the holding execution ends.
import { instrument, Service } from './calls';
import type { SharedState } from './shared-state';
import { GasException } from './errors';

/** waitLock's timeout error (text as gas-fakes emulates it, and as seen in execution logs: apps-script-facts.md §5). */
export const LOCK_TIMEOUT = 'Lock timeout: another process was holding the lock for too long.';

/** Slots: 0 = script lock, 1 = user lock, 2 = document lock. Value 0 = free, else the holder's execution id. */
export type LockSlot = 0 | 1 | 2;

/** Owner id of a lock taken by runtime.holdScriptLock() (another execution). */
export const FOREIGN_OWNER = -1;

/** The lock table; a SharedArrayBuffer so a later worker-thread harness can share it. */
export class LockTable {
  readonly cells: Int32Array;
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * 3)) {
    this.cells = new Int32Array(buffer);
  }
  owner(slot: LockSlot): number {
    return Atomics.load(this.cells, slot);
  }
  tryTake(slot: LockSlot, owner: number): boolean {
    const prev = Atomics.compareExchange(this.cells, slot, 0, owner);
    return prev === 0 || prev === owner;
  }
  release(slot: LockSlot, owner: number): void {
    if (Atomics.compareExchange(this.cells, slot, owner, 0) === owner) Atomics.notify(this.cells, slot);
  }
  /** Release every lock `owner` holds (the platform releases locks when the script ends: https://developers.google.com/apps-script/reference/lock/lock). */
  releaseAll(owner: number): void {
    for (const slot of [0, 1, 2] as const) this.release(slot, owner);
  }
}

/** Runtime state LockService needs. */
export interface LockHost extends SharedState {
  locks: LockTable;
}

/** The LockService global (https://developers.google.com/apps-script/reference/lock/lock-service). */
export class LockServiceImpl extends Service<LockHost> {
  getScriptLock(): GoogleAppsScript.Lock.Lock {
    return new LockImpl(this.__rt, 0) as unknown as GoogleAppsScript.Lock.Lock;
  }
  getUserLock(): GoogleAppsScript.Lock.Lock {
    return new LockImpl(this.__rt, 1) as unknown as GoogleAppsScript.Lock.Lock;
  }
  /** null in a web app or a script not bound to a document (https://developers.google.com/apps-script/reference/lock/lock-service#getdocumentlock). */
  getDocumentLock(): GoogleAppsScript.Lock.Lock | null {
    if (this.__rt.kind() === 'webapp' || !this.__rt.boundId) return null;
    return new LockImpl(this.__rt, 2) as unknown as GoogleAppsScript.Lock.Lock;
  }
}

/** One lock handle. Handles of the same kind in the same execution share ownership. [UNCONFIRMED] */
export class LockImpl extends Service<LockHost> {
  constructor(
    rt: LockHost,
    private readonly _slot: LockSlot,
  ) {
    super(rt);
    Object.defineProperty(this, '_slot', { enumerable: false });
  }
  /** Try for up to timeoutInMillis; true when acquired (https://developers.google.com/apps-script/reference/lock/lock#trylocktimeoutinmillis). */
  tryLock(timeoutInMillis: number): boolean {
    const rt = this.__rt;
    const me = rt.executionId() || 0x7fffffff;
    if (rt.locks.tryTake(this._slot, me)) return true;
    let left = Math.max(0, Number(timeoutInMillis) || 0);
    while (left > 0) {
      const before = rt.clock.now();
      const holder = rt.locks.owner(this._slot);
      if (holder !== 0) rt.clock.waitWhile(rt.locks.cells, this._slot, holder, left);
      if (rt.locks.tryTake(this._slot, me)) return true;
      left -= Math.max(1, rt.clock.now() - before);
    }
    return rt.locks.tryTake(this._slot, me);
  }
  /** Like tryLock but throws on timeout (https://developers.google.com/apps-script/reference/lock/lock#waitlocktimeoutinmillis). */
  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis)) throw new GasException(LOCK_TIMEOUT);
  }
  releaseLock(): void {
    this.__rt.locks.release(this._slot, this.__rt.executionId() || 0x7fffffff);
  }
  hasLock(): boolean {
    return this.__rt.locks.owner(this._slot) === (this.__rt.executionId() || 0x7fffffff);
  }
}

instrument(LockServiceImpl, 'LockService');
instrument(LockImpl, 'Lock');
