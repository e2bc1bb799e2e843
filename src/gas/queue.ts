/** Deliveries that could not get the script lock in time wait in script properties until a later execution writes them. */
import { KEYS, type ScriptStore } from './store';

/** A delivery as received, minus the secret. */
export interface Delivery {
  id: string;
  receivedAt: number;
  contents: string;
  contentType: string;
  /** URL and form parameters, without `token`. */
  parameter: Record<string, string>;
}

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

export function readQueued(store: ScriptStore, key: string): Delivery | null {
  return store.getJson<Delivery>(key);
}

export function removeQueued(store: ScriptStore, key: string): void {
  store.deleteJson(key);
}

/** Makes sure a one-minute trigger will drain the queue. */
export function ensureQueueTrigger(): void {
  const exists = ScriptApp.getProjectTriggers().some((t) => t.getHandlerFunction() === QUEUE_HANDLER);
  if (!exists) ScriptApp.newTrigger(QUEUE_HANDLER).timeBased().everyMinutes(1).create();
}

/** Removes the queue trigger once nothing waits, so it costs no trigger time. */
export function removeQueueTrigger(): void {
  for (const t of ScriptApp.getProjectTriggers()) if (t.getHandlerFunction() === QUEUE_HANDLER) ScriptApp.deleteTrigger(t);
}
