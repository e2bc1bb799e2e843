/** Settings: where each hook type writes, how, and with which key; defaults, validation and migration. */
import { HOOKS, OTHER_HOOKS_SHEET, WRITE_MODES, isHookId, type HookId, type WriteMode } from './hooks';
import type { Typing } from './values';

/** Version 1 had no per-column settings; version 2 adds them (null means "the defaults"). */
export const SETTINGS_VERSION = 2;

export const TYPINGS: readonly Typing[] = ['auto', 'text', 'number', 'date'];

/** One field's column: whether it is written, its header label and how its values are typed. */
export interface ColumnSetting {
  field: string;
  include: boolean;
  label: string;
  typing: Typing;
  /** True: the field gets no column of its own and travels in the row's "Other fields" JSON cell. */
  inOtherFields?: boolean;
}

/** How one hook type is written. */
export interface HookSettings {
  sheet: string;
  mode: WriteMode;
  /** Dot paths of the key fields (upsert and insert-if-new). */
  key: string[];
  /** Add a column when a delivery brings a field the sheet does not have yet (else it goes to "Other fields"). */
  addNewFields: boolean;
  /** Upsert never overwrites a row with an older version of itself (by the event's own time); such events are logged as `stale`. */
  skipStale: boolean;
  /** Columns in order, or null for the defaults: the hook's essentials under plain labels, every other known field in "Other fields". */
  columns: ColumnSetting[] | null;
}

export interface Settings {
  version: number;
  hooks: Record<HookId, HookSettings>;
  /** Successful webhook log rows kept; older ones are trimmed. Failed, queued and unrouted rows are never trimmed. */
  logRetention: number;
  /** How long a delivery waits for the script lock before it is queued. */
  lockWaitMs: number;
  /** The Pipeline and Funnel sheets (one row per lead across hooks), kept current by every delivery. */
  pipeline: { enabled: boolean };
}

/** Automatically added columns per sheet; fields beyond this go into the "Other fields" JSON column. */
export const MAX_AUTO_COLUMNS = 200;

export function defaultHookSettings(id: HookId): HookSettings {
  const hook = HOOKS.find((h) => h.id === id)!;
  return { sheet: hook.name, mode: hook.defaultMode, key: [...hook.defaultKey], addNewFields: true, skipStale: true, columns: null };
}

export function defaultSettings(): Settings {
  const hooks = {} as Record<HookId, HookSettings>;
  for (const hook of HOOKS) hooks[hook.id] = defaultHookSettings(hook.id);
  return { version: SETTINGS_VERSION, hooks, logRetention: 5000, lockWaitMs: 10000, pipeline: { enabled: true } };
}

/** A refused setting: what is wrong and what to change. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Names Sheets does not allow or the app keeps for itself. */
// The log, the sheet of events no hook routes, and the lead pipeline's two report sheets.
const RESERVED_SHEETS = new Set(['webhook log', OTHER_HOOKS_SHEET.toLowerCase(), 'pipeline', 'funnel']);

/**
 * Checks settings from any source (stored JSON, the sidebar) and returns a clean copy.
 * Missing parts take their defaults, so settings saved by an older version keep working.
 * Throws SettingsError with a message that says what to change.
 */
export function normalizeSettings(input: unknown, knownFields?: Partial<Record<HookId, readonly string[]>>): Settings {
  const base = defaultSettings();
  if (input === null || input === undefined) return base;
  if (!isRecord(input)) throw new SettingsError('Settings must be an object.');
  if (input.version !== undefined && (typeof input.version !== 'number' || input.version > SETTINGS_VERSION)) {
    throw new SettingsError(`These settings are from a newer version (${String(input.version)}); update the script.`);
  }
  const hooksIn = input.hooks === undefined ? {} : input.hooks;
  if (!isRecord(hooksIn)) throw new SettingsError('Settings "hooks" must be an object keyed by hook id.');
  for (const id of Object.keys(hooksIn)) {
    if (!isHookId(id)) throw new SettingsError(`Unknown hook id "${id}". Known: ${HOOKS.map((h) => h.id).join(', ')}.`);
    base.hooks[id] = normalizeHook(id, hooksIn[id], base.hooks[id], knownFields?.[id]);
  }
  if (input.logRetention !== undefined) base.logRetention = boundedInt(input.logRetention, 'logRetention', 0, 1_000_000);
  if (input.lockWaitMs !== undefined) base.lockWaitMs = boundedInt(input.lockWaitMs, 'lockWaitMs', 0, 300_000);
  if (input.pipeline !== undefined) {
    // Added without a version bump: settings saved before it simply get the default (on).
    if (!isRecord(input.pipeline) || (input.pipeline.enabled !== undefined && typeof input.pipeline.enabled !== 'boolean')) {
      throw new SettingsError('Settings "pipeline" must be { "enabled": true or false }.');
    }
    base.pipeline = { enabled: input.pipeline.enabled !== false };
  }
  checkSharedSheets(base);
  return base;
}

function normalizeHook(id: HookId, input: unknown, fallback: HookSettings, known: readonly string[] | undefined): HookSettings {
  if (!isRecord(input)) throw new SettingsError(`Settings for ${id} must be an object.`);
  const out: HookSettings = { ...fallback, key: [...fallback.key] };
  const name = HOOKS.find((h) => h.id === id)!.name;
  if (input.sheet !== undefined) out.sheet = sheetName(input.sheet, name);
  if (input.mode !== undefined) {
    if (!WRITE_MODES.includes(input.mode as WriteMode)) {
      throw new SettingsError(`Write mode for ${id} must be one of ${WRITE_MODES.join(', ')}.`);
    }
    out.mode = input.mode as WriteMode;
  }
  if (input.key !== undefined) {
    if (!Array.isArray(input.key) || !input.key.every((k) => typeof k === 'string' && k.trim() !== '')) {
      throw new SettingsError(`The key for ${id} must be a list of field names.`);
    }
    out.key = (input.key as string[]).map((k) => k.trim());
  }
  if (input.addNewFields !== undefined) out.addNewFields = input.addNewFields === true;
  if (input.skipStale !== undefined) out.skipStale = input.skipStale === true;
  if (out.mode !== 'append' && out.key.length === 0) {
    throw new SettingsError(`${name} uses ${out.mode}, which needs a key: choose at least one key field or use append.`);
  }
  if (new Set(out.key).size !== out.key.length) throw new SettingsError(`The key for ${name} names a field twice.`);
  if (input.columns !== undefined) out.columns = input.columns === null ? null : normalizeColumns(name, input.columns);
  if (known) {
    const knownSet = new Set(known);
    for (const field of out.key) {
      if (!knownSet.has(field))
        throw new SettingsError(`${name}: the key field "${field}" is not a field of this hook. Choose one of its fields.`);
    }
    for (const c of out.columns ?? []) {
      if (!knownSet.has(c.field)) throw new SettingsError(`${name}: "${c.field}" is not a field of this hook; remove it from the columns.`);
    }
  }
  return out;
}

/** Labels the app keeps for its own columns. */
const RESERVED_LABELS = new Set(['received at', 'row key', 'fingerprint', 'other fields']);

function normalizeColumns(name: string, input: unknown): ColumnSetting[] {
  if (!Array.isArray(input)) throw new SettingsError(`${name}: columns must be a list.`);
  if (input.length > 1000) throw new SettingsError(`${name}: at most 1000 columns.`);
  const fields = new Set<string>();
  const labels = new Map<string, string>();
  return input.map((c): ColumnSetting => {
    if (!isRecord(c) || typeof c.field !== 'string' || c.field.trim() === '')
      throw new SettingsError(`${name}: every column needs a field.`);
    const field = c.field;
    if (fields.has(field)) throw new SettingsError(`${name}: the field "${field}" is listed twice in the columns.`);
    fields.add(field);
    const label = c.label === undefined ? field : typeof c.label === 'string' ? c.label.trim() : '';
    if (label === '') throw new SettingsError(`${name}: the column for "${field}" needs a header label.`);
    if (label.length > 200) throw new SettingsError(`${name}: the header label for "${field}" is longer than 200 characters.`);
    if (RESERVED_LABELS.has(label.toLowerCase()))
      throw new SettingsError(`${name}: "${label}" is the label of one of the app's own columns; choose another label for "${field}".`);
    const other = labels.get(label.toLowerCase());
    if (other !== undefined)
      throw new SettingsError(
        `${name}: the header label "${label}" is used for both "${other}" and "${field}"; give each column its own label.`,
      );
    labels.set(label.toLowerCase(), field);
    const typing = c.typing === undefined ? 'auto' : c.typing;
    if (!TYPINGS.includes(typing as Typing))
      throw new SettingsError(`${name}: typing for "${field}" must be one of ${TYPINGS.join(', ')}.`);
    if (c.inOtherFields !== undefined && typeof c.inOtherFields !== 'boolean')
      throw new SettingsError(`${name}: "inOtherFields" for "${field}" must be true or false.`);
    return {
      field,
      include: c.include !== false,
      label,
      typing: typing as Typing,
      ...(c.inOtherFields === true ? { inOtherFields: true } : {}),
    };
  });
}

/** A checked sheet name; `hook` is the hook's display name, for the message. */
function sheetName(value: unknown, hook: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SettingsError(`The sheet name for ${hook} must not be empty.`);
  const name = value.trim();
  if (name.length > 100) throw new SettingsError(`The sheet name for ${hook} is longer than 100 characters.`);
  if (/[[\]*?:/\\]/.test(name)) throw new SettingsError(`The sheet name for ${hook} must not contain [ ] * ? : / \\.`);
  if (RESERVED_SHEETS.has(name.toLowerCase()))
    throw new SettingsError(`"${name}" is the app's own sheet; choose another name for ${hook}.`);
  return name;
}

/** Hooks that share a sheet must agree on its write mode and key, or rows would be matched two ways. */
function checkSharedSheets(settings: Settings): void {
  const bySheet = new Map<string, Array<{ id: HookId; hook: HookSettings }>>();
  for (const id of Object.keys(settings.hooks) as HookId[]) {
    const hook = settings.hooks[id];
    const sharing = bySheet.get(hook.sheet.toLowerCase()) ?? [];
    for (const other of sharing) checkPair(other, { id, hook });
    sharing.push({ id, hook });
    bySheet.set(hook.sheet.toLowerCase(), sharing);
  }
}

function checkPair(other: { id: HookId; hook: HookSettings }, mine: { id: HookId; hook: HookSettings }): void {
  const { hook } = mine;
  const [a, b] = [hookName(other.id), hookName(mine.id)];
  if (other.hook.mode !== hook.mode || other.hook.key.join('\u0000') !== hook.key.join('\u0000')) {
    throw new SettingsError(
      `${a} and ${b} both write to "${hook.sheet}" but with different write modes or keys; give them the same mode and key, or separate sheets.`,
    );
  }
  // Only columns that get a column of their own can clash; fields kept in Other fields have no header cell.
  const own = (columns: ColumnSetting[] | null) => (columns ?? []).filter((c) => !c.inOtherFields);
  const labelOf = new Map(own(other.hook.columns).map((c) => [c.field, c.label]));
  const fieldOf = new Map(own(other.hook.columns).map((c) => [c.label.toLowerCase(), c.field]));
  for (const c of own(hook.columns)) {
    const label = labelOf.get(c.field);
    if (label !== undefined && label !== c.label) {
      throw new SettingsError(
        `${a} and ${b} share "${hook.sheet}" but label "${c.field}" differently ("${label}" and "${c.label}"); use one label.`,
      );
    }
    const field = fieldOf.get(c.label.toLowerCase());
    if (field !== undefined && field !== c.field) {
      throw new SettingsError(
        `${a} and ${b} share "${hook.sheet}" and both use the header label "${c.label}", for "${field}" and "${c.field}"; give each column its own label.`,
      );
    }
  }
}

function hookName(id: HookId): string {
  return HOOKS.find((h) => h.id === id)!.name;
}

function boundedInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
