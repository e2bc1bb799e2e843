/** The web app: doPost receives a delivery (authenticate, then write under the script lock or queue it), doGet answers health. */
import { OPEN_SIDEBAR_PATH } from '../core/menu';
import { tokenAccepted } from '../core/auth';
import type { Delivery } from '../core/delivery';
import { errorText, sentence } from '../core/errors';
import { redactDelivery, secretsOf } from '../core/redact';
import { failure, type PostResponse } from '../core/results';
import { APP_NAME, APP_VERSION } from '../core/version';
import { openSpreadsheet, processDelivery } from './process';
import { drainQueue, enqueue, ensureQueueTrigger, queuedKeys } from './queue';
import { countRefusal } from './refusals';
import { ScriptStore } from './store';

type TextOutput = GoogleAppsScript.Content.TextOutput;

/** Queued deliveries a web-app execution writes after its own, so the queue drains without waiting for the trigger. */
const DRAIN_PER_POST = 5;

export function handlePost(e: GoogleAppsScript.Events.DoPost): TextOutput {
  return json(receive(e));
}

/** Receives one delivery: authenticate, then write under the script lock, or queue it when the lock is busy. */
export function receive(e: GoogleAppsScript.Events.DoPost): PostResponse {
  const receivedAt = new Date();
  const parameter: Record<string, string> = { ...((e && e.parameter) || {}) };
  let store: ScriptStore;
  try {
    store = new ScriptStore();
  } catch (err) {
    return failure('internal', `Could not read the script's settings: ${sentence(errorText(err))} iClosed will retry.`);
  }
  const tokens = store.tokens();
  if (!tokens.current) {
    return failure('not_configured', `The webhook is not set up yet: open the spreadsheet and choose ${OPEN_SIDEBAR_PATH}.`);
  }
  if (!tokenAccepted(parameter.token, tokens, receivedAt.getTime())) {
    countRefusal();
    return failure('unauthorized', `Missing or wrong token: use the full web app URL the spreadsheet shows under ${OPEN_SIDEBAR_PATH}, including ?token=….`);
  }
  const delivery: Delivery = redactDelivery({
    id: Utilities.getUuid(),
    receivedAt: receivedAt.getTime(),
    contents: (e.postData && e.postData.contents) || '',
    contentType: (e.postData && e.postData.type) || '',
    parameter,
    query: (e && e.queryString) || '',
  }, secretsOf(tokens));
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(store.settings().lockWaitMs)) return queueDelivery(store, delivery, 'The spreadsheet is busy');
  try {
    // No re-read of the settings here: a sheet whose header changed while this execution waited is
    // noticed by the header check in openSheet, which reads the layout again.
    const spreadsheet = openSpreadsheet(store);
    if (!spreadsheet) return queueDelivery(store, delivery, 'The spreadsheet could not be opened');
    const response = processDelivery(spreadsheet, store, delivery, null);
    if (queuedKeys(store).length) {
      // The queue as this execution read it before the lock may already be drained by another one: read it again.
      store.refresh();
      drainQueue(spreadsheet, store, DRAIN_PER_POST);
    }
    SpreadsheetApp.flush(); // flush before releasing, so the next execution sees these rows
    return response;
  } catch (err) {
    return queueDelivery(store, delivery, `Writing failed (${errorText(err)})`);
  } finally {
    lock.releaseLock();
  }
}

/** Keeps a delivery that cannot be written now; a later execution or the one-minute trigger writes it. */
function queueDelivery(store: ScriptStore, delivery: Delivery, reason: string): PostResponse {
  try {
    enqueue(store, delivery);
  } catch (err) {
    // The property store is full: say so, so iClosed keeps the delivery and retries it.
    return failure('busy', `${reason}, and the queue is full (${errorText(err)}). iClosed will retry.`);
  }
  try {
    ensureQueueTrigger();
  } catch (err) {
    console.warn(`Could not create the queue trigger: ${errorText(err)}`);
  }
  return { ok: true, results: [{ hook: '', sheet: '', action: 'queued', row: null, message: `${reason}; the delivery is queued and will be written shortly.` }] };
}

/** Health document. Without the token it says only what the app is and whether it is set up. */
export function handleGet(e: GoogleAppsScript.Events.DoGet): TextOutput {
  const store = new ScriptStore();
  const tokens = store.tokens();
  const body: Record<string, unknown> = { ok: true, app: APP_NAME, version: APP_VERSION, setUp: Boolean(tokens.current && store.spreadsheetId()) };
  if (tokens.current && tokenAccepted(e && e.parameter && e.parameter.token, tokens, Date.now())) {
    body.authorized = true;
    body.queued = queuedKeys(store).length;
  }
  return json(body);
}

function json(body: unknown): TextOutput {
  return ContentService.createTextOutput(JSON.stringify(body)).setMimeType(ContentService.MimeType.JSON);
}
