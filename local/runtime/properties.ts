// PropertiesService: script/user/document stores of strings with the platform's size limits.
import { instrument, Service } from './calls';
import { scopedStore, type SharedState } from './shared-state';
import { fail } from './errors';

/**
 * Per-value limit. Docs: 9 KB per value (https://developers.google.com/apps-script/guides/services/quotas);
 * measured maximum 8,066 bytes (tanaikech.github.io/2023/05/22 report). Stricter of the two: 8,066 bytes.
 */
export const MAX_VALUE_BYTES = 8066;
/** Per-store limit: 500 KB per store, keys counted (quotas page; tanaikech report measured ≈524,287 bytes). Stricter: 500 × 1024. */
export const MAX_STORE_BYTES = 500 * 1024;
/** Error text for either limit (observed: a Japanese note quoting a single too-large value; many repos for the total). */
export const QUOTA_MESSAGE = 'You have exceeded the property storage quota. Please remove some properties and try again.';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A property store's data. */
export type Store = Map<string, string>;

/** Runtime state PropertiesService needs. */
export interface PropertiesHost extends SharedState {
  stores: { script: Store; user: Map<string, Store>; document: Map<string, Store> };
}

/** The PropertiesService global (https://developers.google.com/apps-script/reference/properties/properties-service). */
export class PropertiesServiceImpl extends Service<PropertiesHost> {
  getScriptProperties(): GoogleAppsScript.Properties.Properties {
    return new PropertiesImpl(this.__rt, this.__rt.stores.script) as unknown as GoogleAppsScript.Properties.Properties;
  }
  getUserProperties(): GoogleAppsScript.Properties.Properties {
    return new PropertiesImpl(
      this.__rt,
      scopedStore(this.__rt, this.__rt.stores.user, 'user')!,
    ) as unknown as GoogleAppsScript.Properties.Properties;
  }
  /** null unless the script is bound to a document (docs: "returns null" when unavailable), and in a web app (see scopedStore). */
  getDocumentProperties(): GoogleAppsScript.Properties.Properties | null {
    const store = scopedStore(this.__rt, this.__rt.stores.document, 'document');
    return store ? (new PropertiesImpl(this.__rt, store) as unknown as GoogleAppsScript.Properties.Properties) : null;
  }
}

/** One property store; every value is kept as a string (https://developers.google.com/apps-script/guides/properties "Data format"). */
export class PropertiesImpl extends Service<PropertiesHost> {
  constructor(
    rt: PropertiesHost,
    private readonly _store: Store,
  ) {
    super(rt);
    Object.defineProperty(this, '_store', { enumerable: false });
  }
  private _check(next: Store): void {
    let total = 0;
    for (const [k, v] of next) {
      if (bytes(v) > MAX_VALUE_BYTES) fail(QUOTA_MESSAGE);
      total += bytes(k) + bytes(v);
    }
    if (total > MAX_STORE_BYTES) fail(QUOTA_MESSAGE);
  }
  private _commit(next: Store): void {
    this._check(next);
    this._store.clear();
    for (const [k, v] of next) this._store.set(k, v);
  }
  /** null when missing (https://developers.google.com/apps-script/reference/properties/properties#getpropertykey). */
  getProperty(key: string): string | null {
    const v = this._store.get(String(key));
    return v === undefined ? null : v;
  }
  /** A copy, not a live view (https://developers.google.com/apps-script/guides/properties "Modifying data"). */
  getProperties(): Record<string, string> {
    return this.__rt.object(Object.fromEntries(this._store));
  }
  getKeys(): string[] {
    return this.__rt.array([...this._store.keys()]);
  }
  setProperty(key: string, value: unknown): this {
    const next = new Map(this._store);
    next.set(String(key), String(value));
    this._commit(next);
    return this;
  }
  /** setProperties(properties[, deleteAllOthers]) (https://developers.google.com/apps-script/reference/properties/properties#setpropertiesproperties,-deleteallothers). */
  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): this {
    const next: Store = deleteAllOthers ? new Map() : new Map(this._store);
    for (const k of Object.keys(properties)) next.set(k, String(properties[k]));
    this._commit(next);
    return this;
  }
  deleteProperty(key: string): this {
    this._store.delete(String(key));
    return this;
  }
  deleteAllProperties(): this {
    this._store.clear();
    return this;
  }
}

instrument(PropertiesServiceImpl, 'PropertiesService');
instrument(PropertiesImpl, 'Properties');
