/** Setup and the token: remembers the spreadsheet, creates or takes the webhook token, rotates it with a grace period. */
import { isValidToken, TOKEN_GRACE_MS } from '../core/auth';
import type { WebhookState } from '../core/sidebar-api';
import { logSheet } from './log';
import { KEYS, ScriptStore } from './store';
import { webAppUrl } from './webapp-url';
import type { WebAppUrlSource } from '../core/webapp-url';

/** What setup and rotation return to the user. */
export interface WebhookInfo {
  token: string;
  url: string | null;
  urlSource: WebAppUrlSource | null;
  urlWarning: string | null;
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

export function webhookState(store: ScriptStore): WebhookState {
  const info = webhookInfo(store);
  return {
    url: info.url,
    urlSource: info.urlSource,
    urlWarning: info.urlWarning,
    token: info.token,
    previousTokenExpiresAt: info.previousTokenExpiresAt ? new Date(info.previousTokenExpiresAt).toISOString() : null,
  };
}

function webhookInfo(store: ScriptStore): WebhookInfo {
  const token = store.get(KEYS.token)!;
  const base = webAppUrl();
  const tokens = store.tokens();
  return {
    token,
    url: base.url ? `${base.url}?token=${encodeURIComponent(token)}` : null,
    urlSource: base.source,
    urlWarning: base.warning,
    spreadsheetId: store.spreadsheetId() ?? '',
    previousTokenExpiresAt: tokens.previous && tokens.previousExpiresAt > Date.now() ? tokens.previousExpiresAt : null,
  };
}

/** 256 random bits from two UUIDs (122 random bits each), as hex. */
function newToken(): string {
  return (Utilities.getUuid() + Utilities.getUuid()).replace(/-/g, '');
}
