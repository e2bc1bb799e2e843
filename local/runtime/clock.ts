// The runtime clock: real time, or virtual time that waits advance at once; blocking waits use Atomics.wait.

/** A shared Int32 cell used to block the thread for real (there is no setTimeout in Apps Script). */
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Block the current thread for `ms` milliseconds without spinning. */
export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(SLEEP_CELL, 0, 0, ms);
}

/** The clock every time-dependent service (cache expiry, lock waits, Utilities.sleep) reads. */
export class Clock {
  /** Milliseconds added to the real clock (virtual time only). */
  offset = 0;
  constructor(readonly virtual: boolean) {}
  /** Current time in ms since the epoch. */
  now(): number {
    return Date.now() + this.offset;
  }
  /** Wait `ms`: advance the virtual clock at once, or block the thread for real. */
  sleep(ms: number): void {
    if (!(ms > 0)) return;
    if (this.virtual) this.offset += ms;
    else blockFor(ms);
  }
  /**
   * Wait until `cells[index]` is no longer `value` or `ms` passes. In virtual time nothing else can
   * change the cell while this thread waits, so the whole timeout elapses at once.
   */
  waitWhile(cells: Int32Array, index: number, value: number, ms: number): void {
    if (this.virtual) {
      this.offset += Math.max(0, ms);
      return;
    }
    const until = Date.now() + Math.max(0, ms);
    for (;;) {
      const left = until - Date.now();
      if (left <= 0 || Atomics.load(cells, index) !== value) return;
      Atomics.wait(cells, index, value, left);
    }
  }
}
