/** The app: each global entry point's behaviour, wiring Apps Script services to the pure core. */
import { isValidToken, tokenAccepted, TOKEN_GRACE_MS } from '../core/auth';
import { MAX_BODY_CHARS, parseDelivery } from '../core/delivery';
import { deliveryOutcome, summarize, type Outcome } from '../core/plan';
import type { Settings } from '../core/settings';
import type { ReplayResult, SaveResult, SelfTestReport, SidebarState, TestDeliveryResult, WebhookState } from '../core/sidebar-api';
import { HOOKS } from '../core/hooks';
import { APP_NAME, APP_VERSION } from '../core/version';
import { errorText, routeEvents, writeEvents, type EventResult } from './ingest';
import { appendLog, entryFor, logSheet, markReplayed, replayableRows, trimLog } from './log';
import { recordCapacitySafely } from './capacity';
import { cellsUsed, cellWarning, takeGridGrowth } from './limits';
import { updatePipelineSafely } from './pipeline';
export { rebuildPipeline } from './pipeline';
import { enqueue, ensureQueueTrigger, queuedKeys, readQueued, removeQueued, removeQueueTrigger, type Delivery } from './queue';
import { countRefusal, saveAndApply, selfTest, sidebarState, testDelivery } from './sidebar';
import { withScriptLock } from './lock';
import { KEYS, ScriptStore } from './store';

type TextOutput = GoogleAppsScript.Content.TextOutput;

/** The JSON answer to a delivery. Apps Script cannot set an HTTP status, so success or failure is in the body. */
export interface PostResponse {
  ok: boolean;
  results?: Array<Pick<EventResult, 'hook' | 'sheet' | 'action' | 'row'> & { message?: string }>;
  error?: { code: string; message: string };
}

/** Successful log rows kept when the spreadsheet nears the cell limit. */
const NEAR_LIMIT_LOG_ROWS = 500;

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
    return failure('internal', `Could not read the script's settings: ${errorText(err)}. iClosed will retry.`);
  }
  const tokens = store.tokens();
  if (!tokens.current) {
    return failure('not_configured', 'The webhook is not set up yet: open the spreadsheet and choose iClosed → Settings.');
  }
  if (!tokenAccepted(parameter.token, tokens, receivedAt.getTime())) {
    countRefusal();
    return failure('unauthorized', 'Missing or wrong token: use the full web app URL shown in iClosed → Settings, including ?token=….');
  }
  delete parameter.token;
  const delivery: Delivery = {
    id: Utilities.getUuid(),
    receivedAt: receivedAt.getTime(),
    contents: (e.postData && e.postData.contents) || '',
    contentType: (e.postData && e.postData.type) || '',
    parameter,
  };
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

function openSpreadsheet(store: ScriptStore): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
  const id = store.spreadsheetId();
  if (!id) return null;
  try {
    return SpreadsheetApp.openById(id);
  } catch {
    return null;
  }
}

/**
 * Parses, routes and writes one delivery and logs it. `replayOf` is the log row being replayed
 * (updated in place instead of adding a log row). Runs under the script lock.
 */
export function processDelivery(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  delivery: Delivery,
  replayOf: { row: number; hook: string } | null,
  note = '',
): PostResponse {
  const settings: Settings = store.settings();
  const receivedAt = new Date(delivery.receivedAt);
  const parsed = parseDelivery({ contents: delivery.contents, contentType: delivery.contentType, parameter: delivery.parameter });
  let results: EventResult[];
  let response: PostResponse;
  let outcome: Outcome;
  let message: string;
  let pipelineError: string | null = null;
  if (!parsed.ok) {
    results = [{ hook: delivery.parameter.hook || '', sheet: '', action: 'failed', row: null, message: parsed.message }];
    outcome = 'failed';
    message = `${parsed.code}: ${parsed.message}`;
    response = failure(parsed.code, `${parsed.message} The body is kept in the Webhook log and can be replayed.`);
  } else {
    const hookHint = delivery.parameter.hook || (replayOf ? replayOf.hook : '') || null;
    const routed = routeEvents(parsed.events, hookHint, settings, delivery.receivedAt);
    results = writeEvents(spreadsheet, store, routed, receivedAt);
    // Same lock, after the hook sheets: a pipeline failure is logged, never fails or loses the delivery.
    pipelineError = settings.pipeline.enabled ? updatePipelineSafely(spreadsheet, store, routed, results, receivedAt) : null;
    const outcomes = results.map((r) => r.action);
    outcome = deliveryOutcome(outcomes);
    const failed = results.filter((r) => r.action === 'failed');
    message = [summarize(outcomes), ...failed.map((r) => r.message ?? '')].filter(Boolean).join('; ');
    response = { ok: failed.length === 0, results: results.map(publicResult) };
    if (failed.length) {
      response.error = {
        code: failed.length === results.length ? 'write_failed' : 'partly_failed',
        message: `${failed.length} of ${results.length} events could not be written: ${failed[0].message}. They are kept in the Webhook log and can be replayed.`,
      };
    }
  }
  if (note) message = `${note} ${message}`;
  if (pipelineError) message = `${message} Pipeline not updated: ${pipelineError}`;
  try {
    const log = logSheet(spreadsheet);
    if (takeGridGrowth()) {
      // Near the cell limit: make room by trimming the log's successful rows first, and say so.
      if (cellWarning(cellsUsed(spreadsheet))) trimLog(log, Math.min(settings.logRetention, NEAR_LIMIT_LOG_ROWS));
      const warning = cellWarning(cellsUsed(spreadsheet));
      if (warning) message = `${message} ${warning}`;
    }
    // A body over the cap is refused; the log keeps its first MAX_BODY_CHARS characters.
    const body = delivery.contents.length > MAX_BODY_CHARS ? delivery.contents.slice(0, MAX_BODY_CHARS) : delivery.contents;
    if (body !== delivery.contents) message += ` The log keeps the first ${MAX_BODY_CHARS} of ${delivery.contents.length} characters.`;
    const entry = entryFor(delivery.id, receivedAt, body, outcome, results, message);
    if (replayOf) markReplayed(log, replayOf.row, entry);
    else appendLog(log, entry);
    recordCapacitySafely(spreadsheet, store);
  } catch (err) {
    console.error(`Could not write the Webhook log: ${errorText(err)}`);
  }
  return response;
}

function publicResult(r: EventResult): NonNullable<PostResponse['results']>[number] {
  return r.message ? { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row, message: r.message } : { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row };
}

/** Writes up to `limit` queued deliveries, oldest first. Runs under the script lock. */
function drainQueue(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store: ScriptStore, limit: number): number {
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

/** Replays stop before Apps Script's 6-minute execution limit; the rest waits for the next call. */
const REPLAY_BUDGET_MS = 4.5 * 60 * 1000;

/**
 * Reprocesses failed, queued and unrouted deliveries from the Webhook log with the current settings,
 * oldest first, at most `options.limit` of them (the sidebar replays in batches to show progress).
 * From the menu (no options) it replays all it can and reports in a toast.
 */
export function replayDeliveries(options?: unknown): ReplayResult {
  const opts = options && typeof options === 'object' ? (options as { limit?: unknown; after?: unknown }) : {};
  const limit = boundedNumber(opts.limit, 'limit', 1, 1000, Number.MAX_SAFE_INTEGER);
  const after = boundedNumber(opts.after, 'after', 0, 10_000_000, 0);
  const started = Date.now();
  const result = withScriptLock((store): ReplayResult => {
    const spreadsheet = openSpreadsheet(store) ?? SpreadsheetApp.getActive();
    const log = logSheet(spreadsheet);
    const rows = replayableRows(log).filter((r) => r.row > after);
    const outcomes: Outcome[] = [];
    let lastRow = after;
    for (const row of rows) {
      if (outcomes.length >= limit || Date.now() - started > REPLAY_BUDGET_MS) break;
      const delivery: Delivery = { id: Utilities.getUuid(), receivedAt: Date.now(), contents: row.body, contentType: 'application/json', parameter: {} };
      const response = processDelivery(spreadsheet, store, delivery, row, `Replayed at ${new Date().toISOString()}.`);
      outcomes.push(response.results ? deliveryOutcome(response.results.map((r) => r.action)) : 'failed');
      lastRow = row.row;
    }
    // Trimming renumbers log rows, so it waits until a replay pass has reached the end.
    const remaining = rows.length - outcomes.length;
    if (remaining === 0) trimLog(log, store.settings().logRetention);
    return { replayed: outcomes.length, remaining, lastRow, outcomes };
  });
  if (options === undefined) toast(`Replayed ${result.replayed} deliveries: ${summarize(result.outcomes) || 'nothing to replay'}.`);
  return result;
}

function boundedNumber(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
  return value;
}

function toast(message: string): void {
  try {
    SpreadsheetApp.getActive().toast(message, 'iClosed', 8);
  } catch {
    // No spreadsheet UI in this execution (a trigger or the web app): nothing to show.
  }
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

/** What setup and rotation return to the user. */
export interface WebhookInfo {
  token: string;
  url: string | null;
  spreadsheetId: string;
  previousTokenExpiresAt: number | null;
}

/**
 * First-run setup, from the menu, the sidebar or the local server: remembers this spreadsheet (a web app
 * has no active spreadsheet) and creates the token, or takes `options.token` when it is a valid one.
 */
export function setupWebhook(options?: unknown): WebhookInfo {
  const store = new ScriptStore();
  const spreadsheet = SpreadsheetApp.getActive();
  if (store.spreadsheetId() !== spreadsheet.getId()) store.set(KEYS.spreadsheetId, spreadsheet.getId());
  // Kept for deliveries (the pipeline's weeks and months); every opening of the sidebar refreshes it.
  const timeZone = spreadsheet.getSpreadsheetTimeZone();
  if (store.get(KEYS.timeZone) !== timeZone) store.set(KEYS.timeZone, timeZone);
  const wanted = options && typeof options === 'object' ? (options as { token?: unknown }).token : undefined;
  if (wanted !== undefined && wanted !== null && wanted !== '' && !isValidToken(wanted)) {
    throw new Error('A webhook token must be 22 to 128 letters, digits, "-" or "_".');
  }
  if (isValidToken(wanted) && wanted !== store.get(KEYS.token)) store.set(KEYS.token, wanted);
  if (!store.get(KEYS.token)) store.set(KEYS.token, newToken());
  logSheet(spreadsheet);
  return webhookInfo(store);
}

/** A new token; the previous one keeps working for 24 hours so no delivery is lost while iClosed is updated. */
export function rotateToken(): WebhookState {
  const store = new ScriptStore();
  const current = store.get(KEYS.token);
  if (current) {
    store.set(KEYS.previousToken, current);
    store.set(KEYS.previousTokenExpiresAt, String(Date.now() + TOKEN_GRACE_MS));
  }
  store.set(KEYS.token, newToken());
  return webhookState(store);
}

function webhookState(store: ScriptStore): WebhookState {
  const info = webhookInfo(store);
  return { url: info.url, token: info.token, previousTokenExpiresAt: info.previousTokenExpiresAt ? new Date(info.previousTokenExpiresAt).toISOString() : null };
}

function webhookInfo(store: ScriptStore): WebhookInfo {
  const token = store.get(KEYS.token)!;
  const base = ScriptApp.getService().getUrl();
  const tokens = store.tokens();
  return {
    token,
    url: base ? `${base}?token=${encodeURIComponent(token)}` : null,
    spreadsheetId: store.spreadsheetId() ?? '',
    previousTokenExpiresAt: tokens.previous && tokens.previousExpiresAt > Date.now() ? tokens.previousExpiresAt : null,
  };
}

/** 256 random bits from two UUIDs (122 random bits each), as hex. */
function newToken(): string {
  return (Utilities.getUuid() + Utilities.getUuid()).replace(/-/g, '');
}

/** The "iClosed" menu. */
export function addMenu(_e?: unknown): void {
  SpreadsheetApp.getUi()
    .createMenu('iClosed')
    .addItem('Settings', 'showSidebar')
    .addItem('Send test deliveries', 'sendTestDeliveries')
    .addItem('Replay failed deliveries', 'replayDeliveries')
    .addItem('Rebuild pipeline and funnel', 'rebuildPipeline')
    .addSeparator()
    .addItem('Run self-test', 'showSelfTest')
    .addToUi();
}

/** Opens the sidebar; the first time, this also sets up the webhook. */
export function showSidebar(): void {
  setupWebhook();
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('iClosed → Sheets');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** What the sidebar shows. */
export function getSidebarState(): SidebarState {
  const store = new ScriptStore();
  return sidebarState(store, store.get(KEYS.token) ? webhookState(store) : null);
}

/** Validates settings on the server, saves and applies them; refuses invalid ones with a message that says what to change. */
export function saveSettings(input: unknown): SaveResult {
  return saveAndApply(input, getSidebarState);
}

/** Posts one hook's example delivery through doPost's own path. */
export function sendTestDelivery(hookId: unknown): TestDeliveryResult {
  const token = setupWebhook().token;
  return testDelivery(hookId, token, receive);
}

/** Menu: one example delivery per hook type, reported in a toast. */
export function sendTestDeliveries(): TestDeliveryResult[] {
  const token = setupWebhook().token;
  const results = HOOKS.map((hook) => testDelivery(hook.id, token, receive));
  toast(results.map((r) => `${r.hook}: ${r.action}`).join('; '));
  return results;
}

/** The fidelity checks, run in this spreadsheet on scratch sheets that are removed afterwards. */
export function runSelfTest(): SelfTestReport {
  return selfTest();
}

/** Menu: runs the self-test and shows its report. */
export function showSelfTest(): SelfTestReport {
  const report = selfTest();
  const rows = report.cases
    .map((c) => `<tr><td>${c.ok ? '✅' : '❌'}</td><td>${escapeHtml(c.name)}${c.ok ? '' : `<br><small>${escapeHtml(c.message)}</small>`}</td></tr>`)
    .join('');
  const html = HtmlService.createHtmlOutput(
    `<p><b>${report.passed} passed, ${report.failed} failed.</b></p><table style="font:13px sans-serif">${rows}</table>`,
  ).setWidth(520).setHeight(480);
  SpreadsheetApp.getUi().showModalDialog(html, 'iClosed self-test');
  return report;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function failure(code: string, message: string): PostResponse {
  return { ok: false, error: { code, message } };
}

function json(body: unknown): TextOutput {
  return ContentService.createTextOutput(JSON.stringify(body)).setMimeType(ContentService.MimeType.JSON);
}
