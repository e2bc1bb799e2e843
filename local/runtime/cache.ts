// CacheService: script/user/document caches with expiry on the runtime clock and the platform's limits.
import { instrument, Service } from './calls';
import { scopedStore, type SharedState } from './shared-state';
import { fail } from './errors';

/** Keys up to 250 characters, values up to 100 KB (https://developers.google.com/apps-script/reference/cache/cache). */
export const MAX_KEY_CHARS = 250;
export const MAX_VALUE_BYTES = 100 * 1024;
/** Default expiry 10 minutes, maximum 6 hours (https://developers.google.com/apps-script/reference/cache/cache#putkey,-value,-expirationinseconds). */
export const DEFAULT_EXPIRY_S = 600;
export const MAX_EXPIRY_S = 21600;
/** "The cap for cached items is 1,000. If more than 1,000 items are written, the cache stores the 900 items farthest from expiration." (Cache docs.) */
export const MAX_ITEMS = 1000;
export const KEEP_ITEMS = 900;

/** One cached entry. */
export interface Entry {
  value: string;
  expiresAt: number;
}
/** A cache's data. */
export type CacheData = Map<string, Entry>;

/** Runtime state CacheService needs. */
export interface CacheHost extends SharedState {
  caches: { script: CacheData; user: Map<string, CacheData>; document: Map<string, CacheData> };
}

/** The CacheService global (https://developers.google.com/apps-script/reference/cache/cache-service). */
export class CacheServiceImpl extends Service<CacheHost> {
  getScriptCache(): GoogleAppsScript.Cache.Cache {
    return new CacheImpl(this.__rt, this.__rt.caches.script) as unknown as GoogleAppsScript.Cache.Cache;
  }
  getUserCache(): GoogleAppsScript.Cache.Cache {
    return new CacheImpl(this.__rt, scopedStore(this.__rt, this.__rt.caches.user, 'user')!) as unknown as GoogleAppsScript.Cache.Cache;
  }
  /** null outside a document-bound script and in a web app (see scopedStore). */
  getDocumentCache(): GoogleAppsScript.Cache.Cache | null {
    const data = scopedStore(this.__rt, this.__rt.caches.document, 'document');
    return data ? (new CacheImpl(this.__rt, data) as unknown as GoogleAppsScript.Cache.Cache) : null;
  }
}

/** One cache. */
export class CacheImpl extends Service<CacheHost> {
  constructor(
    rt: CacheHost,
    private readonly _data: CacheData,
  ) {
    super(rt);
    Object.defineProperty(this, '_data', { enumerable: false });
  }
  private _live(key: string): Entry | undefined {
    const e = this._data.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.__rt.clock.now()) {
      this._data.delete(key);
      return undefined;
    }
    return e;
  }
  private _checkKey(key: string): void {
    // Limit wording "Argument too large: key/value" as fakes and error reports use it. [UNCONFIRMED exact text]
    if (key.length > MAX_KEY_CHARS) fail('Argument too large: key');
  }
  private _entry(key: string, value: unknown, expirationInSeconds?: number): Entry {
    this._checkKey(key);
    const v = String(value);
    if (Buffer.byteLength(v, 'utf8') > MAX_VALUE_BYTES) fail('Argument too large: value');
    const secs = expirationInSeconds === undefined ? DEFAULT_EXPIRY_S : Number(expirationInSeconds);
    // [UNCONFIRMED] an expiry above 6 hours: stricter choice is to refuse it.
    if (!(secs >= 1) || secs > MAX_EXPIRY_S)
      fail(`Invalid argument: expirationInSeconds (${expirationInSeconds}); it must be 1 to ${MAX_EXPIRY_S}.`);
    return { value: v, expiresAt: this.__rt.clock.now() + secs * 1000 };
  }
  private _evict(): void {
    if (this._data.size <= MAX_ITEMS) return;
    const now = this.__rt.clock.now();
    const live = [...this._data].filter(([, e]) => e.expiresAt > now).sort((a, b) => b[1].expiresAt - a[1].expiresAt);
    this._data.clear();
    for (const [k, e] of live.slice(0, KEEP_ITEMS)) this._data.set(k, e);
  }
  /** null when missing or expired (https://developers.google.com/apps-script/reference/cache/cache#getkey). */
  get(key: string): string | null {
    const e = this._live(String(key));
    return e ? e.value : null;
  }
  getAll(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of keys) {
      const e = this._live(String(k));
      if (e) out[String(k)] = e.value;
    }
    return this.__rt.object(out);
  }
  put(key: string, value: unknown, expirationInSeconds?: number): void {
    this._data.set(String(key), this._entry(String(key), value, expirationInSeconds));
    this._evict();
  }
  putAll(values: Record<string, unknown>, expirationInSeconds?: number): void {
    const entries = Object.keys(values).map((k) => [k, this._entry(k, values[k], expirationInSeconds)] as const);
    for (const [k, e] of entries) this._data.set(k, e);
    this._evict();
  }
  remove(key: string): void {
    this._data.delete(String(key));
  }
  removeAll(keys: string[]): void {
    for (const k of keys) this._data.delete(String(k));
  }
}

instrument(CacheServiceImpl, 'CacheService');
instrument(CacheImpl, 'Cache');
