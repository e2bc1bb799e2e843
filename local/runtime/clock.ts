// The runtime clock: real time, or virtual time that waits advance at once; blocking waits use Atomics.wait.
import * as vm from 'vm';

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

/**
 * Makes the script's own `Date` read the runtime clock: `Date.now()` and `new Date()` in the app's
 * realm. On Apps Script both read the server's clock, so a `Utilities.sleep(1000)` moves them by a
 * second (https://developers.google.com/apps-script/reference/utilities/utilities#sleep(Integer));
 * in virtual time the sleep moves the runtime clock, and the script must see that clock too, as must a
 * test that pins "now" (e.g. the funnel's "this week"). Dates keep the realm's Date.prototype, so
 * `instanceof Date` holds for dates made before and after.
 */
export function installScriptClock(ctx: vm.Context, now: () => number): void {
  const install = vm.runInContext(
    `(function (now) {
      var RealDate = Date;
      if (RealDate.__runtimeClock) return;
      function ClockDate() {
        if (!new.target) return new RealDate(now()).toString();
        var args = arguments.length ? Array.prototype.slice.call(arguments) : [now()];
        return Reflect.construct(RealDate, args, new.target);
      }
      ClockDate.prototype = RealDate.prototype;
      ClockDate.now = function () { return now(); };
      ClockDate.parse = RealDate.parse;
      ClockDate.UTC = RealDate.UTC;
      Object.defineProperty(ClockDate, '__runtimeClock', { value: true });
      globalThis.Date = ClockDate;
    })`,
    ctx,
  ) as (now: () => number) => void;
  install(now);
}
