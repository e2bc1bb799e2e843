/** The web app: doPost receives a delivery (write it with the stash when the script lock is free, else stash it), doGet answers health. */
import { OPEN_SIDEBAR_PATH } from '../core/menu';
import { tokenAccepted, type TokenState } from '../core/auth';
import type { Delivery } from '../core/delivery';
import { errorText, sentence } from '../core/errors';
import { redactDelivery, secretsOf } from '../core/redact';
import { failure, type PostResponse } from '../core/results';
import { APP_NAME, APP_VERSION } from '../core/version';
import { openSpreadsheet } from './process';
import { drainHolding, queuedKeys, stash, WEBAPP_DRAIN_BUDGET_MS } from './queue';
import { countRefusal } from './refusals';
import { cachedTokens, cacheTokens, ScriptStore } from './store';

type Lock = GoogleAppsScript.Lock.Lock;

type TextOutput = GoogleAppsScript.Content.TextOutput;

export function handlePost(e: GoogleAppsScript.Events.DoPost): TextOutput {
  return json(receive(e));
}

/** A delivery posted from the editor (the sidebar's and the menu's test deliveries): it may run as another editor, so it never creates the queue trigger. */
export function receiveAsEditor(e: GoogleAppsScript.Events.DoPost): PostResponse {
  return receive(e, false);
}

/**
 * Receives one delivery. With the script lock free at once, this execution writes it, together with
 * every stashed delivery (group commit). Otherwise it checks the token against a cached copy, stashes the
 * delivery in script properties and tries the lock once more: an execution ends in well under a second
 * and frees its slot of the 30 Google allows at once, while the holder writes the stash in batches.
 */
export function receive(e: GoogleAppsScript.Events.DoPost, asOwner = true): PostResponse {
  const receivedAt = Date.now();
  const parameter: Record<string, string> = { ...((e && e.parameter) || {}) };
  const lock = LockService.getScriptLock();
  if (lock.tryLock(0)) return receiveHolding(lock, e, parameter, receivedAt, asOwner);
  return receiveWaiting(lock, e, parameter, receivedAt, asOwner);
}

/** The delivery as it is kept: the token removed from the parameters, the query and the body (src/core/redact.ts). */
function newDelivery(
  e: GoogleAppsScript.Events.DoPost,
  parameter: Record<string, string>,
  receivedAt: number,
  tokens: TokenState,
): Delivery {
  return redactDelivery(
    {
      id: Utilities.getUuid(),
      receivedAt,
      contents: (e.postData && e.postData.contents) || '',
      contentType: (e.postData && e.postData.type) || '',
      parameter,
      query: (e && e.queryString) || '',
    },
    secretsOf(tokens),
  );
}

/** The refusal for a token `tokens` do not accept, or null when they accept it. */
function refusal(tokens: TokenState, given: string | undefined, now: number): PostResponse | null {
  if (!tokens.current)
    return failure('not_configured', `The webhook is not set up yet: open the spreadsheet and choose ${OPEN_SIDEBAR_PATH}.`);
  if (tokenAccepted(given, tokens, now)) return null;
  countRefusal();
  return failure(
    'unauthorized',
    `Missing or wrong token: use the full web app URL the spreadsheet shows under ${OPEN_SIDEBAR_PATH}, including ?token=….`,
  );
}

/** Holding the lock: read the properties (fresh, queue included), authenticate, write this delivery with the stash. */
function receiveHolding(
  lock: Lock,
  e: GoogleAppsScript.Events.DoPost,
  parameter: Record<string, string>,
  receivedAt: number,
  asOwner: boolean,
): PostResponse {
  let store: ScriptStore;
  try {
    store = new ScriptStore();
  } catch (err) {
    lock.releaseLock();
    return settingsUnreadable(err);
  }
  const tokens = store.tokens();
  const refused = refusal(tokens, parameter.token, receivedAt);
  if (refused) {
    lock.releaseLock();
    return refused;
  }
  return writeHolding(lock, store, newDelivery(e, parameter, receivedAt, tokens), asOwner);
}

/** Holding the lock with `store` read under it: writes `delivery` and the stash; a delivery that cannot be written now is stashed. */
function writeHolding(lock: Lock, store: ScriptStore, delivery: Delivery, asOwner: boolean): PostResponse {
  const spreadsheet = openSpreadsheet(store);
  if (!spreadsheet) {
    lock.releaseLock();
    return stashDelivery(store, delivery, 'The spreadsheet could not be opened');
  }
  try {
    const drained = drainHolding(lock, store, spreadsheet, { own: delivery, asOwner, budgetMs: WEBAPP_DRAIN_BUDGET_MS });
    // No answer: older stashes came first and this delivery joined the stash, for the holder to write.
    return drained.answers.get('own') ?? queued('The spreadsheet is busy');
  } catch (err) {
    // drainHolding released the lock; whatever of this delivery was written is recognised as a duplicate when the stash is written.
    return stashDelivery(store, delivery, `Writing failed (${errorText(err)})`);
  }
}

/**
 * The lock is busy: check the token against the cached copy (a property read only on a miss, or to
 * confirm a refusal), stash the delivery, then try the lock once more, so a stash is never left with
 * nobody to write it (docs/performance.md).
 */
function receiveWaiting(
  lock: Lock,
  e: GoogleAppsScript.Events.DoPost,
  parameter: Record<string, string>,
  receivedAt: number,
  asOwner: boolean,
): PostResponse {
  let store: ScriptStore | null = null;
  const fresh = (): ScriptStore => (store ??= new ScriptStore());
  let tokens: TokenState | null;
  try {
    tokens = cachedTokens();
    // A refusal by the cached copy is checked against the properties: the token may have just been rotated.
    if (!tokens || refusalQuiet(tokens, parameter.token, receivedAt)) {
      tokens = fresh().tokens();
      if (tokens.current) cacheTokens(tokens);
    }
    const refused = refusal(tokens, parameter.token, receivedAt);
    if (refused) return refused;
  } catch (err) {
    return settingsUnreadable(err);
  }
  const delivery = newDelivery(e, parameter, receivedAt, tokens);
  let key: string;
  try {
    key = stash(store ?? ScriptStore.unread(), delivery);
  } catch (err) {
    // The property store is full: wait for the lock as long as the settings allow, and write it directly.
    const settings = fresh().settings();
    if (lock.tryLock(settings.lockWaitMs)) {
      fresh().refresh();
      return writeHolding(lock, fresh(), delivery, asOwner);
    }
    console.error(`Delivery ${delivery.id} could not be kept: the property store is full and the lock stayed busy (${errorText(err)}).`);
    return failure('busy', `The spreadsheet is busy and the queue is full (${errorText(err)}). iClosed will retry.`);
  }
  if (lock.tryLock(0)) {
    // The holder released meanwhile: write the stash, this delivery included, with the properties read now.
    const holding = store ? store : new ScriptStore();
    if (store) holding.refresh();
    const spreadsheet = openSpreadsheet(holding);
    if (spreadsheet) {
      const drained = drainHolding(lock, holding, spreadsheet, { asOwner, budgetMs: WEBAPP_DRAIN_BUDGET_MS });
      const answer = drained.answers.get(key);
      if (answer) return answer;
    } else {
      lock.releaseLock();
    }
  }
  return queued('The spreadsheet is busy');
}

/** True when the tokens refuse `given` (without counting the refusal). */
function refusalQuiet(tokens: TokenState, given: string | undefined, now: number): boolean {
  return !tokens.current || !tokenAccepted(given, tokens, now);
}

/** Keeps a delivery that cannot be written now; an execution holding the lock or the one-minute trigger writes it. */
function stashDelivery(store: ScriptStore, delivery: Delivery, reason: string): PostResponse {
  try {
    stash(store, delivery);
  } catch (err) {
    console.error(`Delivery ${delivery.id} could not be kept: ${errorText(err)}.`);
    return failure('busy', `${reason}, and the queue is full (${errorText(err)}). iClosed will retry.`);
  }
  return queued(reason);
}

function queued(reason: string): PostResponse {
  return {
    ok: true,
    results: [
      { hook: '', sheet: '', action: 'queued', row: null, message: `${reason}; the delivery is queued and will be written shortly.` },
    ],
  };
}

/** Health document. Without the token it says only what the app is and whether it is set up. */
export function handleGet(e: GoogleAppsScript.Events.DoGet): TextOutput {
  const store = new ScriptStore();
  const tokens = store.tokens();
  const body: Record<string, unknown> = {
    ok: true,
    app: APP_NAME,
    version: APP_VERSION,
    setUp: Boolean(tokens.current && store.spreadsheetId()),
  };
  if (tokens.current && tokenAccepted(e && e.parameter && e.parameter.token, tokens, Date.now())) {
    body.authorized = true;
    body.queued = queuedKeys(store).length;
  }
  return json(body);
}

function json(body: unknown): TextOutput {
  return ContentService.createTextOutput(JSON.stringify(body)).setMimeType(ContentService.MimeType.JSON);
}

/** The answer when script properties cannot be read: not kept, so the sender retries. */
function settingsUnreadable(err: unknown): PostResponse {
  return failure('internal', `Could not read the script's settings: ${sentence(errorText(err))} iClosed will retry.`);
}
