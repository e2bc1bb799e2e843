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
  /** Deliveries the Webhook log could not take, waiting for replay. */
  unloggedPrefix: 'unlogged/',
  /** The Webhook log's layout version (src/gas/log.ts). */
  logLayout: 'log.layout',
} as const;

/** Script properties read once, written through. */
export class ScriptStore {
  private readonly props: GoogleAppsScript.Properties.Properties;
  private all: Record<string, string>;
  /** Parsed settings, kept until a property changes: a delivery asks for them several times. */
  private parsedSettings: Settings | null = null;

  constructor() {
    this.props = PropertiesService.getScriptProperties();
    this.all = this.props.getProperties();
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
  }

  delete(key: string): void {
    this.props.deleteProperty(key);
    delete this.all[key];
    this.parsedSettings = null;
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
