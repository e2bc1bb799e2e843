/** Deliveries that do not get the script lock at once wait in script properties, one compressed entry each; the lock holder writes them in batches, looks again after each release, and one queue trigger made under the lock is the safety net. */
import type { Delivery } from '../core/delivery';
import type { PostResponse } from '../core/results';
import { logSheet, trimLog } from './log';
import { openSpreadsheet, processBatch, type BatchItem } from './process';
import { KEYS, ScriptStore } from './store';

type Lock = GoogleAppsScript.Lock.Lock;
type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

const QUEUE_HANDLER = 'processQueue';
/** Marks a compressed stash; stashes of earlier versions hold plain JSON. */
const PACKED = 'z:';
/** Characters per property value: a value holds at most 9 KB (measured 8,066 bytes, apps-script-facts.md §4), and base64 is one byte a character. */
const CHUNK_CHARS = 8000;
/** Deliveries per batch: each batch is one write per sheet, so a batch stays a few seconds even with the pipeline's per-event work. */
const BATCH_MAX = 50;
/** A web-app execution stops taking new batches after this long, so its sender gets an answer well inside a webhook timeout. */
export const WEBAPP_DRAIN_BUDGET_MS = 15_000;
/** The trigger's budget: well inside the 6-minute execution limit. */
const TRIGGER_DRAIN_BUDGET_MS = 4 * 60_000;

let stashed = 0;

/** The property key of a delivery: keys sort in arrival order (time, then a counter within this execution, then the id). */
function stashKey(delivery: Delivery): string {
  stashed += 1;
  return `${KEYS.queuePrefix}${String(delivery.receivedAt).padStart(15, '0')}-${String(stashed).padStart(6, '0')}-${delivery.id}`;
}

/** JSON, gzip, base64: a 3.3 KB call delivery takes about 1.3 KB of the 500 KB property store. */
function pack(delivery: Delivery): string {
  const blob = Utilities.newBlob(JSON.stringify(delivery), 'application/json');
  return PACKED + Utilities.base64Encode(Utilities.gzip(blob).getBytes());
}

/** A stashed value back to its delivery; text that does not decode comes back as the body of a delivery that will fail parsing, so it is logged, not dropped. */
function unpack(key: string, text: string): Delivery {
  try {
    if (!text.startsWith(PACKED)) return JSON.parse(text) as Delivery;
    const bytes = Utilities.base64Decode(text.slice(PACKED.length));
    return JSON.parse(Utilities.ungzip(Utilities.newBlob(bytes, 'application/x-gzip')).getDataAsString()) as Delivery;
  } catch {
    return { id: key.slice(KEYS.queuePrefix.length), receivedAt: Date.now(), contents: text, contentType: 'text/plain', parameter: {} };
  }
}

/**
 * Stashes a delivery under keys of its own: one setProperties call, safe without the lock (no other
 * execution writes these keys). Throws when the property store is full.
 */
export function stash(store: ScriptStore, delivery: Delivery): string {
  const key = stashKey(delivery);
  const text = pack(delivery);
  const updates: Record<string, string> = {};
  if (text.length <= CHUNK_CHARS) updates[key] = text;
  else for (let i = 0; i * CHUNK_CHARS < text.length; i += 1) updates[`${key}#${i}`] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  store.properties().setProperties(updates);
  return key;
}

/** Stash keys as the store last read them, oldest first. */
export function queuedKeys(store: ScriptStore): string[] {
  const keys = new Set(store.keys(KEYS.queuePrefix).map((k) => k.replace(/#\d+$/, '')));
  return [...keys].sort();
}

function readStashed(store: ScriptStore, key: string): Delivery | null {
  const whole = store.get(key);
  if (whole !== null) return unpack(key, whole);
  const parts: string[] = [];
  for (let i = 0; store.get(`${key}#${i}`) !== null; i += 1) parts.push(store.get(`${key}#${i}`)!);
  return parts.length ? unpack(key, parts.join('')) : null;
}

/**
 * Makes sure exactly one one-minute trigger will drain the stash. Holding the script lock. getProjectTriggers
 * lists only this user's triggers, so only executions that run as the owner call it (the web app runs as
 * the deploying user, and so do the triggers it creates); extra copies are deleted.
 */
function ensureQueueTrigger(store: ScriptStore): void {
  if (store.get(KEYS.queueTrigger)) return;
  const mine = ScriptApp.getProjectTriggers().filter((t) => t.getHandlerFunction() === QUEUE_HANDLER);
  for (const extra of mine.slice(1)) ScriptApp.deleteTrigger(extra);
  const trigger = mine[0] ?? ScriptApp.newTrigger(QUEUE_HANDLER).timeBased().everyMinutes(1).create();
  store.set(KEYS.queueTrigger, trigger.getUniqueId());
}

/** Removes the queue trigger and any duplicate once nothing waits, so it costs no trigger time. Holding the script lock. */
function removeQueueTrigger(store: ScriptStore): void {
  for (const t of ScriptApp.getProjectTriggers()) if (t.getHandlerFunction() === QUEUE_HANDLER) ScriptApp.deleteTrigger(t);
  if (store.get(KEYS.queueTrigger) !== null) store.delete(KEYS.queueTrigger);
}

/** What a drain did. */
export interface Drained {
  written: number;
  /** Answers of deliveries written, by stash key; `own` for the caller's delivery when this execution wrote it (else it is in the stash). */
  answers: Map<string, PostResponse>;
  /** Stashes seen but left for a later execution (budget spent, or another execution holds the lock). */
  left: number;
}

export interface DrainOptions {
  /** This execution's delivery, not stashed, written in the first batch in arrival order. */
  own?: Delivery;
  /** The execution runs as the owner, so it may create the queue trigger (see ensureQueueTrigger). */
  asOwner: boolean;
  budgetMs: number;
}

/**
 * Writes stashed deliveries, oldest first, in batches: called holding `lock`, with `store` read after
 * it was taken. After each batch the spreadsheet is flushed, the batch's stashes are removed and the lock
 * is released; then the stash is looked at again. A stash that arrived meanwhile is written by this
 * execution when the lock is free, or else by the execution holding it, which looks again after its own
 * release: every stash is either seen by a holder or its writer's own tryLock(0) succeeds (docs/performance.md).
 * When the budget is spent with stashes left, the queue trigger is made sure of, under the lock.
 */
export function drainHolding(lock: Lock, store: ScriptStore, spreadsheet: Spreadsheet, options: DrainOptions): Drained {
  const started = Date.now();
  const answers = new Map<string, PostResponse>();
  let own = options.own ?? null;
  /** The stash key of `own` once it had to join the stash (its answer comes under that key, if this execution writes it). */
  let ownKey: string | null = null;
  let written = 0;
  const result = (left: number): Drained => {
    const mine = ownKey !== null ? answers.get(ownKey) : undefined;
    if (mine) answers.set('own', mine);
    return { written, answers, left };
  };
  for (;;) {
    // Holding the lock, with `store` read after taking it.
    let keys: string[];
    try {
      const pending = queuedKeys(store);
      keys = pending.slice(0, BATCH_MAX);
      if (keys.length && options.asOwner) ensureQueueTrigger(store);
      const items: Array<BatchItem & { key: string }> = [];
      for (const key of keys) {
        const delivery = readStashed(store, key);
        if (delivery)
          items.push({ key, delivery, replayOf: null, note: `Queued at ${new Date(delivery.receivedAt).toISOString()}, written later.` });
      }
      if (own && pending.length > BATCH_MAX) {
        // Older stashes wait beyond this batch: this delivery joins the stash, so it is written after them.
        ownKey = stash(store, own);
      } else if (own) {
        items.push({ key: 'own', delivery: own, replayOf: null, note: '' });
      }
      // Keys in a batch are distinct (stash keys, and `own`), so two items never compare equal.
      items.sort((a, b) => a.delivery.receivedAt - b.delivery.receivedAt || (a.key < b.key ? -1 : 1));
      if (items.length) {
        const responses = processBatch(spreadsheet, store, items);
        items.forEach((item, i) => answers.set(item.key, responses[i]));
      }
      own = null;
      SpreadsheetApp.flush(); // before the stashes go and the lock is released: the next execution sees these rows
      // A crash before this line leaves the stashes: written again later, the rows they made are recognised as duplicates.
      for (const key of keys) store.deleteJson(key);
      written += keys.length;
    } finally {
      lock.releaseLock();
    }
    // The look after releasing: a stash written while this execution held the lock is seen here.
    store.refresh();
    const waiting = queuedKeys(store).length;
    if (waiting === 0) return result(0);
    if (!lock.tryLock(0)) return result(waiting); // the holder looks again after its release
    store.refresh();
    if (Date.now() - started > options.budgetMs) {
      // Out of time: leave the rest to the next execution, with the trigger as the safety net.
      try {
        if (options.asOwner && queuedKeys(store).length) ensureQueueTrigger(store);
      } finally {
        lock.releaseLock();
      }
      return result(queuedKeys(store).length);
    }
  }
}

/** The one-minute trigger: writes every stashed delivery, trims the log, and removes itself once nothing waits. */
export function processQueue(): { written: number; remaining: number } {
  const store = new ScriptStore();
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(store.settings().lockWaitMs)) return { written: 0, remaining: queuedKeys(store).length };
  store.refresh();
  const spreadsheet = openSpreadsheet(store);
  if (!spreadsheet) {
    lock.releaseLock();
    return { written: 0, remaining: queuedKeys(store).length };
  }
  let written = 0;
  for (;;) {
    const drained = drainHolding(lock, store, spreadsheet, { asOwner: true, budgetMs: TRIGGER_DRAIN_BUDGET_MS });
    written += drained.written;
    if (drained.left > 0) return { written, remaining: drained.left };
    // The stash looked empty after the release: take the lock to trim and, if still empty, remove the trigger.
    if (!lock.tryLock(0)) return { written, remaining: 0 };
    store.refresh();
    if (queuedKeys(store).length) continue;
    try {
      trimLog(logSheet(spreadsheet), store.settings().logRetention);
      removeQueueTrigger(store);
      SpreadsheetApp.flush();
    } finally {
      lock.releaseLock();
    }
    // A stash written during that hold is seen now; the next round writes it.
    store.refresh();
    if (queuedKeys(store).length === 0 || !lock.tryLock(0)) return { written, remaining: queuedKeys(store).length };
    store.refresh();
  }
}
