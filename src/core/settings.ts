/** Settings: where each hook type writes, how, and with which key; defaults, validation and migration. */
import { HOOKS, WRITE_MODES, isHookId, type HookId, type WriteMode } from './hooks';

export const SETTINGS_VERSION = 1;

/** How one hook type is written. */
export interface HookSettings {
  sheet: string;
  mode: WriteMode;
  /** Dot paths of the key fields (upsert and insert-if-new). */
  key: string[];
  /** Add a column when a delivery brings a field the sheet does not have yet. */
  addNewFields: boolean;
}

export interface Settings {
  version: number;
  hooks: Record<HookId, HookSettings>;
  /** Successful webhook log rows kept; older ones are trimmed. Failed, queued and unrouted rows are never trimmed. */
  logRetention: number;
  /** How long a delivery waits for the script lock before it is queued. */
  lockWaitMs: number;
}

/** Automatically added columns per sheet; fields beyond this go into the "Other fields" JSON column. */
export const MAX_AUTO_COLUMNS = 200;

export function defaultHookSettings(id: HookId): HookSettings {
  const hook = HOOKS.find((h) => h.id === id)!;
  return { sheet: hook.name, mode: hook.defaultMode, key: [...hook.defaultKey], addNewFields: true };
}

export function defaultSettings(): Settings {
  const hooks = {} as Record<HookId, HookSettings>;
  for (const hook of HOOKS) hooks[hook.id] = defaultHookSettings(hook.id);
  return { version: SETTINGS_VERSION, hooks, logRetention: 5000, lockWaitMs: 10000 };
}

/** A refused setting: what is wrong and what to change. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Names Sheets does not allow or the app keeps for itself. */
const RESERVED_SHEETS = new Set(['webhook log']);

/**
 * Checks settings from any source (stored JSON, the sidebar) and returns a clean copy.
 * Missing parts take their defaults, so settings saved by an older version keep working.
 * Throws SettingsError with a message that says what to change.
 */
export function normalizeSettings(input: unknown): Settings {
  const base = defaultSettings();
  if (input === null || input === undefined) return base;
  if (!isRecord(input)) throw new SettingsError('Settings must be an object.');
  const hooksIn = input.hooks === undefined ? {} : input.hooks;
  if (!isRecord(hooksIn)) throw new SettingsError('Settings "hooks" must be an object keyed by hook id.');
  for (const id of Object.keys(hooksIn)) {
    if (!isHookId(id)) throw new SettingsError(`Unknown hook id "${id}". Known: ${HOOKS.map((h) => h.id).join(', ')}.`);
    base.hooks[id] = normalizeHook(id, hooksIn[id], base.hooks[id]);
  }
  if (input.logRetention !== undefined) base.logRetention = boundedInt(input.logRetention, 'logRetention', 0, 1_000_000);
  if (input.lockWaitMs !== undefined) base.lockWaitMs = boundedInt(input.lockWaitMs, 'lockWaitMs', 0, 300_000);
  checkSharedSheets(base);
  return base;
}

function normalizeHook(id: HookId, input: unknown, fallback: HookSettings): HookSettings {
  if (!isRecord(input)) throw new SettingsError(`Settings for ${id} must be an object.`);
  const out: HookSettings = { ...fallback, key: [...fallback.key] };
  if (input.sheet !== undefined) out.sheet = sheetName(input.sheet, id);
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
  if (out.mode !== 'append' && out.key.length === 0) {
    throw new SettingsError(`${id} uses ${out.mode}, which needs a key: choose at least one key field or use append.`);
  }
  return out;
}

function sheetName(value: unknown, id: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SettingsError(`The sheet name for ${id} must not be empty.`);
  const name = value.trim();
  if (name.length > 100) throw new SettingsError(`The sheet name for ${id} is longer than 100 characters.`);
  if (/[[\]*?:/\\]/.test(name)) throw new SettingsError(`The sheet name for ${id} must not contain [ ] * ? : / \\.`);
  if (RESERVED_SHEETS.has(name.toLowerCase())) throw new SettingsError(`"${name}" is the app's own sheet; choose another name for ${id}.`);
  return name;
}

/** Hooks that share a sheet must agree on its write mode and key, or rows would be matched two ways. */
function checkSharedSheets(settings: Settings): void {
  const bySheet = new Map<string, { id: HookId; hook: HookSettings }>();
  for (const id of Object.keys(settings.hooks) as HookId[]) {
    const hook = settings.hooks[id];
    const key = hook.sheet.toLowerCase();
    const other = bySheet.get(key);
    if (!other) {
      bySheet.set(key, { id, hook });
      continue;
    }
    if (other.hook.mode !== hook.mode || other.hook.key.join('\u0000') !== hook.key.join('\u0000')) {
      throw new SettingsError(
        `${other.id} and ${id} both write to "${hook.sheet}" but with different write modes or keys; give them the same mode and key, or separate sheets.`,
      );
    }
  }
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
