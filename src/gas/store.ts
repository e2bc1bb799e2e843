/** Script properties: one read per execution, JSON values split over several properties when large. */
import { emptyLayout, type SheetLayout } from '../core/columns';
import { normalizeSettings, type Settings } from '../core/settings';
import type { TokenState } from '../core/auth';

/** A property value holds at most 9 KB; chunks stay well under it (UTF-16 text may take 3 bytes a char in UTF-8). */
const CHUNK_CHARS = 2500;

export const KEYS = {
  token: 'webhook.token',
  previousToken: 'webhook.previousToken',
  previousTokenExpiresAt: 'webhook.previousTokenExpiresAt',
  spreadsheetId: 'spreadsheet.id',
  /** The spreadsheet's time zone, kept at setup so deliveries need not ask for it. */
  timeZone: 'spreadsheet.timeZone',
  settings: 'settings',
  layoutPrefix: 'layout/',
  queuePrefix: 'queue/',
  /** Id of the one queue trigger, set and cleared under the script lock. */
  queueTrigger: 'queue.trigger',
  /** Deliveries the Webhook log could not take, waiting for replay. */
  unloggedPrefix: 'unlogged/',
  /** The Webhook log's layout version (src/gas/log.ts). */
  logLayout: 'log.layout',
} as const;

/** Keys whose change makes the cached tokens stale. */
const TOKEN_KEYS: readonly string[] = [KEYS.token, KEYS.previousToken, KEYS.previousTokenExpiresAt];
const TOKENS_CACHE_KEY = 'webhook.tokens';
/** Ten minutes: far inside the 24-hour grace of a rotated token, so a stale copy only ever accepts a token still valid. */
const TOKENS_CACHE_SECONDS = 600;

/** The tokens from CacheService (3 ms) instead of the property store (30 ms and a property call); null on a miss. */
export function cachedTokens(): TokenState | null {
  try {
    const text = CacheService.getScriptCache().get(TOKENS_CACHE_KEY);
    return text ? (JSON.parse(text) as TokenState) : null;
  } catch {
    return null;
  }
}

/** Keeps the tokens in the cache for the next executions that do not get the lock at once. */
export function cacheTokens(tokens: TokenState): void {
  try {
    CacheService.getScriptCache().put(TOKENS_CACHE_KEY, JSON.stringify(tokens), TOKENS_CACHE_SECONDS);
  } catch {
    // A cache failure costs a property read next time, nothing more.
  }
}

function forgetTokens(): void {
  try {
    CacheService.getScriptCache().remove(TOKENS_CACHE_KEY);
  } catch {
    // The copy expires within TOKENS_CACHE_SECONDS, and a token the copy refuses is checked against the properties.
  }
}

/** Script properties read once, written through. */
export class ScriptStore {
  private readonly props: GoogleAppsScript.Properties.Properties;
  private all: Record<string, string>;
  /** Parsed settings, kept until a property changes: a delivery asks for them several times. */
  private parsedSettings: Settings | null = null;

  /** `read` false: nothing is read (a store used only to write keys of its own, such as a stash). */
  constructor(read = true) {
    this.props = PropertiesService.getScriptProperties();
    this.all = read ? this.props.getProperties() : {};
  }

  /** A store that has read nothing: for writes under keys of its own, without the property read. */
  static unread(): ScriptStore {
    return new ScriptStore(false);
  }

  /** Reads every property again (after the lock is taken, another execution may have written). */
  refresh(): void {
    this.all = this.props.getProperties();
    this.parsedSettings = null;
  }

  get(key: string): string | null {
    return Object.prototype.hasOwnProperty.call(this.all, key) ? this.all[key] : null;
  }

  set(key: string, value: string): void {
    this.props.setProperty(key, value);
    this.all[key] = value;
    this.parsedSettings = null;
    if (TOKEN_KEYS.includes(key)) forgetTokens();
  }

  delete(key: string): void {
    this.props.deleteProperty(key);
    delete this.all[key];
    this.parsedSettings = null;
    if (TOKEN_KEYS.includes(key)) forgetTokens();
  }

  /** The property store itself, for writes that need no copy in this store (a stash under its own keys). */
  properties(): GoogleAppsScript.Properties.Properties {
    return this.props;
  }

  keys(prefix: string): string[] {
    return Object.keys(this.all).filter((k) => k.startsWith(prefix));
  }

  /** A JSON value stored under `key` (small) or `key#0`, `key#1`, … (large). */
  getJson<T>(key: string): T | null {
    const whole = this.get(key);
    let text: string | null = whole;
    if (whole === null) {
      const parts: string[] = [];
      for (let i = 0; this.get(`${key}#${i}`) !== null; i += 1) parts.push(this.get(`${key}#${i}`)!);
      text = parts.length ? parts.join('') : null;
    }
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      return null;
    }
  }

  setJson(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    const updates: Record<string, string> = {};
    const stale = this.keys(`${key}#`);
    if (text.length <= CHUNK_CHARS) {
      updates[key] = text;
    } else {
      stale.push(key);
      for (let i = 0; i * CHUNK_CHARS < text.length; i += 1) updates[`${key}#${i}`] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
    }
    this.props.setProperties(updates);
    Object.assign(this.all, updates);
    this.parsedSettings = null;
    for (const k of stale) if (!(k in updates) && this.get(k) !== null) this.delete(k);
  }

  deleteJson(key: string): void {
    for (const k of [key, ...this.keys(`${key}#`)]) if (this.get(k) !== null) this.delete(k);
  }

  settings(): Settings {
    if (!this.parsedSettings) {
      try {
        this.parsedSettings = normalizeSettings(this.getJson(KEYS.settings));
      } catch {
        // Settings that no longer validate must not stop deliveries: fall back to the defaults.
        this.parsedSettings = normalizeSettings(null);
      }
    }
    return this.parsedSettings;
  }

  layout(sheetName: string): SheetLayout {
    const stored = this.getJson<SheetLayout>(KEYS.layoutPrefix + sheetName);
    if (!stored || !stored.fields) return emptyLayout();
    const layout: SheetLayout = { fields: Object.assign(emptyLayout().fields, stored.fields) };
    if (Array.isArray(stored.header)) layout.header = stored.header.map(String);
    return layout;
  }

  setLayout(sheetName: string, layout: SheetLayout): void {
    this.setJson(KEYS.layoutPrefix + sheetName, layout);
  }

  tokens(): TokenState {
    return {
      current: this.get(KEYS.token),
      previous: this.get(KEYS.previousToken),
      previousExpiresAt: Number(this.get(KEYS.previousTokenExpiresAt) ?? 0),
    };
  }

  spreadsheetId(): string | null {
    return this.get(KEYS.spreadsheetId);
  }

  /** The spreadsheet's time zone as kept at setup, else asked of the spreadsheet (one round trip). */
  timeZone(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): string {
    return this.get(KEYS.timeZone) ?? spreadsheet.getSpreadsheetTimeZone();
  }
}
