/** Deliveries that could not get the script lock in time wait in script properties; a later execution or the one-minute trigger drains them. */
import type { Delivery } from '../core/delivery';
import { logSheet, trimLog } from './log';
import { openSpreadsheet, processDelivery } from './process';
import { KEYS, ScriptStore } from './store';

const QUEUE_HANDLER = 'processQueue';

/** Stores a delivery for later. Throws when the property store is full. */
export function enqueue(store: ScriptStore, delivery: Delivery): void {
  // Keys sort in arrival order: the time, then a counter for deliveries within one millisecond.
  enqueued += 1;
  const order = `${String(delivery.receivedAt).padStart(15, '0')}-${String(enqueued).padStart(6, '0')}`;
  store.setJson(`${KEYS.queuePrefix}${order}-${delivery.id}`, delivery);
}

let enqueued = 0;

/** Queue keys, oldest first. */
export function queuedKeys(store: ScriptStore): string[] {
  const keys = new Set(store.keys(KEYS.queuePrefix).map((k) => k.replace(/#\d+$/, '')));
  return [...keys].sort();
}

function readQueued(store: ScriptStore, key: string): Delivery | null {
  return store.getJson<Delivery>(key);
}

function removeQueued(store: ScriptStore, key: string): void {
  store.deleteJson(key);
}

/** Makes sure a one-minute trigger will drain the queue. */
export function ensureQueueTrigger(): void {
  const exists = ScriptApp.getProjectTriggers().some((t) => t.getHandlerFunction() === QUEUE_HANDLER);
  if (!exists) ScriptApp.newTrigger(QUEUE_HANDLER).timeBased().everyMinutes(1).create();
}

/** Removes the queue trigger once nothing waits, so it costs no trigger time. */
function removeQueueTrigger(): void {
  for (const t of ScriptApp.getProjectTriggers()) if (t.getHandlerFunction() === QUEUE_HANDLER) ScriptApp.deleteTrigger(t);
}

/** Writes up to `limit` queued deliveries, oldest first. Runs under the script lock. */
export function drainQueue(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store: ScriptStore, limit: number): number {
  let done = 0;
  for (const key of queuedKeys(store).slice(0, limit)) {
    const delivery = readQueued(store, key);
    if (delivery) {
      const waited = new Date(delivery.receivedAt).toISOString();
      processDelivery(spreadsheet, store, delivery, null, `Queued at ${waited}, written later.`);
    }
    removeQueued(store, key);
    done += 1;
  }
  return done;
}

/** The one-minute trigger: writes every queued delivery, trims the log, and removes itself when the queue is empty. */
export function processQueue(): { written: number; remaining: number } {
  const store = new ScriptStore();
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(store.settings().lockWaitMs)) return { written: 0, remaining: queuedKeys(store).length };
  try {
    store.refresh();
    const spreadsheet = openSpreadsheet(store);
    if (!spreadsheet) return { written: 0, remaining: queuedKeys(store).length };
    const written = drainQueue(spreadsheet, store, Number.MAX_SAFE_INTEGER);
    trimLog(logSheet(spreadsheet), store.settings().logRetention);
    SpreadsheetApp.flush();
    const remaining = queuedKeys(store).length;
    if (remaining === 0) removeQueueTrigger();
    return { written, remaining };
  } finally {
    lock.releaseLock();
  }
}
