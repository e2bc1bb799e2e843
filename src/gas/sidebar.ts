/** The sidebar's server side: its state, saving and applying settings, test deliveries and the in-sheet self-test. */
import { defaultColumns, headerIndex, META } from '../core/columns';
import { flattenEvent } from '../core/flatten';
import { exampleFields, HOOKS, hookById, isHookId, type HookDefinition, type HookId } from '../core/hooks';
import { REPLAYABLE } from '../core/plan';
import { defaultHookSettings, normalizeSettings, SettingsError, type HookSettings, type Settings } from '../core/settings';
import type { ActivityEntry, FieldInfo, HookState, SaveResult, SelfTestReport, SidebarState, TestDeliveryResult } from '../core/sidebar-api';
import { textCell } from '../core/values';
import { APP_VERSION } from '../core/version';
import { FIDELITY_CASES } from '../selftest/fidelity-cases';
import { capacityNow } from './capacity';
import { CELL_LIMIT, cellsUsed, cellWarning } from './limits';
import { LOG_SHEET } from './log';
import { queuedKeys } from './queue';
import { withScriptLock } from './lock';
import { KEYS, ScriptStore } from './store';

/** Log rows the activity panel shows. */
const ACTIVITY_ROWS = 30;
const SEEN_PREFIX = 'seen/';

/** Fields a hook has shown in real deliveries beyond its documented ones. */
function seenFields(store: ScriptStore, id: HookId): string[] {
  return store.getJson<string[]>(SEEN_PREFIX + id) ?? [];
}

/** Every field the sidebar offers for a hook: documented first, then seen in deliveries. */
function hookFields(store: ScriptStore, hook: HookDefinition): FieldInfo[] {
  const example = new Map(flattenEvent(hook.example[0]).map((f) => [f.path, f.value]));
  const documented: FieldInfo[] = exampleFields(hook).map((path) => ({ path, example: preview(example.get(path)), seen: false }));
  const known = new Set(documented.map((f) => f.path));
  const seen = seenFields(store, hook.id).filter((p) => !known.has(p)).map((path) => ({ path, example: '', seen: true }));
  return [...documented, ...seen];
}

function preview(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The defaults of a hook with its columns spelt out, for "reset to defaults". */
function expandedDefaults(hook: HookDefinition): HookSettings {
  return { ...defaultHookSettings(hook.id), columns: defaultColumns(exampleFields(hook)) };
}

/** Settings with every hook's columns spelt out, so the sidebar edits concrete lists. */
function expanded(settings: Settings): Settings {
  const hooks = { ...settings.hooks };
  for (const hook of HOOKS) {
    if (!hooks[hook.id].columns) hooks[hook.id] = { ...hooks[hook.id], columns: defaultColumns(exampleFields(hook)) };
  }
  return { ...settings, hooks };
}

/** Everything the sidebar shows. Reads the Webhook log once for activity and per-hook counts. */
export function sidebarState(store: ScriptStore, webhook: SidebarState['webhook']): SidebarState {
  const settings = expanded(store.settings());
  const spreadsheet = SpreadsheetApp.getActive();
  const log = spreadsheet.getSheetByName(LOG_SHEET);
  const values = log && log.getLastRow() > 1 ? log.getRange(2, 1, log.getLastRow() - 1, 7).getValues() : [];
  const today = Utilities.formatDate(new Date(), spreadsheet.getSpreadsheetTimeZone(), 'yyyy-MM-dd');
  const stats = new Map<string, { last: Date | null; today: number }>();
  for (const row of values) {
    const at = row[0];
    if (Object.prototype.toString.call(at) !== '[object Date]') continue;
    for (const name of String(row[2]).split(', ')) {
      const s = stats.get(name) ?? { last: null, today: 0 };
      if (!s.last || (at as Date).getTime() > s.last.getTime()) s.last = at as Date;
      if (Utilities.formatDate(at as Date, spreadsheet.getSpreadsheetTimeZone(), 'yyyy-MM-dd') === today) s.today += 1;
      stats.set(name, s);
    }
  }
  const hooks: HookState[] = HOOKS.map((hook) => {
    const s = stats.get(hook.name);
    return {
      id: hook.id,
      name: hook.name,
      settings: settings.hooks[hook.id],
      defaults: expandedDefaults(hook),
      fields: hookFields(store, hook),
      lastDeliveryAt: s && s.last ? s.last.toISOString() : null,
      deliveriesToday: s ? s.today : 0,
    };
  });
  const first = Math.max(0, values.length - ACTIVITY_ROWS);
  const activity: ActivityEntry[] = values
    .slice(first)
    .map((row, i) => ({
      logRow: first + i + 2,
      receivedAt: Object.prototype.toString.call(row[0]) === '[object Date]' ? (row[0] as Date).toISOString() : String(row[0]),
      hook: String(row[2]),
      outcome: String(row[3]),
      sheet: String(row[4]),
      row: String(row[5]),
      message: String(row[6]),
      replayable: (REPLAYABLE as readonly string[]).includes(String(row[3])),
    }))
    .reverse();
  const used = cellsUsed(spreadsheet);
  const cells = { used, limit: CELL_LIMIT, warning: cellWarning(used), forecast: capacityNow(spreadsheet, store) };
  return { version: APP_VERSION, webhook, settings, hooks, activity, queued: queuedKeys(store).length, refusedToday: refusedToday(), cells };
}

/** Known fields per hook, for validating a save: documented, seen, and those with a column already. */
function knownFieldsByHook(store: ScriptStore): Record<HookId, string[]> {
  const known = {} as Record<HookId, string[]>;
  const current = store.settings();
  for (const hook of HOOKS) {
    const layout = store.layout(current.hooks[hook.id].sheet);
    known[hook.id] = [...exampleFields(hook), ...seenFields(store, hook.id), ...Object.values(layout.fields)];
  }
  return known;
}

/**
 * Validates settings from the sidebar on the server, saves them, and applies them to existing sheets:
 * relabels the app's header cells and adds missing included columns at the right. Never deletes a
 * column, never claims a user's column. Runs under the script lock, as deliveries do.
 */
export function saveAndApply(input: unknown, state: () => SidebarState): SaveResult {
  return withScriptLock((store): SaveResult => {
    let settings: Settings;
    try {
      settings = normalizeSettings(input, knownFieldsByHook(store));
    } catch (err) {
      if (err instanceof SettingsError) return { ok: false, error: err.message };
      throw err;
    }
    const spreadsheet = SpreadsheetApp.getActive();
    const plans = plannedHeaderChanges(store, spreadsheet, settings);
    if (typeof plans === 'string') return { ok: false, error: plans };
    store.setJson(KEYS.settings, settings);
    const changes: string[] = [];
    for (const plan of plans) {
      for (const { column, label } of plan.relabel) {
        plan.sheet.getRange(1, column).setValue(textCell(label));
        changes.push(`"${plan.name}": column ${column} is now "${label}"`);
      }
      if (plan.add.length) {
        const start = plan.lastColumn + 1;
        const needed = start + plan.add.length - 1;
        if (needed > plan.sheet.getMaxColumns()) plan.sheet.insertColumnsAfter(plan.sheet.getMaxColumns(), needed - plan.sheet.getMaxColumns());
        const range = plan.sheet.getRange(1, start, 1, plan.add.length);
        range.setValues([plan.add.map((c) => textCell(c.label))]);
        range.setFontWeight('bold');
        changes.push(`"${plan.name}": added ${plan.add.map((c) => `"${c.label}"`).join(', ')}`);
      }
      if (plan.relabel.length || plan.add.length) store.setLayout(plan.name, plan.layout);
    }
    return { ok: true, state: state(), changes };
  });
}

interface HeaderPlan {
  name: string;
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  lastColumn: number;
  relabel: Array<{ column: number; label: string }>;
  add: Array<{ field: string; label: string }>;
  layout: { fields: Record<string, string> };
}

/** What applying settings changes in each existing sheet, or a message when a label belongs to a user column. */
function plannedHeaderChanges(store: ScriptStore, spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, settings: Settings): HeaderPlan[] | string {
  const plans: HeaderPlan[] = [];
  const bySheet = new Map<string, HookId[]>();
  for (const id of Object.keys(settings.hooks) as HookId[]) {
    const list = bySheet.get(settings.hooks[id].sheet) ?? [];
    list.push(id);
    bySheet.set(settings.hooks[id].sheet, list);
  }
  for (const [name, ids] of bySheet) {
    const sheet = spreadsheet.getSheetByName(name);
    if (!sheet || sheet.getLastColumn() === 0) continue;
    const lastColumn = sheet.getLastColumn();
    const header = sheet.getRange(1, 1, 1, lastColumn).getValues()[0];
    const index = headerIndex(header);
    const layout = store.layout(name);
    if (Object.keys(layout.fields).length === 0) {
      // A sheet with content the app did not create is the user's: never write into it.
      return `"${name}" is one of your own sheets, not one this app created; choose another sheet name for ${ids.map((id) => hookById(id).name).join(', ')}, or an empty or new sheet.`;
    }
    const fields: Record<string, string> = Object.assign(Object.create(null), layout.fields);
    const labelOfField = new Map(Object.keys(fields).map((label) => [fields[label], label]));
    const plan: HeaderPlan = { name, sheet, lastColumn, relabel: [], add: [], layout: { fields } };
    const handled = new Set<string>();
    for (const id of ids) {
      for (const c of settings.hooks[id].columns ?? []) {
        if (!c.include || handled.has(c.field)) continue;
        handled.add(c.field);
        const current = labelOfField.get(c.field);
        if (current === c.label && index.has(current)) continue;
        const holder = index.get(c.label);
        if (holder !== undefined && fields[c.label] !== c.field) {
          const owner = fields[c.label] !== undefined ? `the app's column for "${fields[c.label]}"` : 'one of your own columns';
          return `"${name}" already has a column "${c.label}" (${owner}); choose another label for "${c.field}" in ${hookById(id).name}.`;
        }
        if (current !== undefined && index.has(current)) {
          plan.relabel.push({ column: index.get(current)!, label: c.label });
          delete fields[current];
        } else {
          plan.add.push({ field: c.field, label: c.label });
        }
        fields[c.label] = c.field;
        labelOfField.set(c.field, c.label);
      }
    }
    if (plan.relabel.length || plan.add.length) plans.push(plan);
  }
  return plans;
}

/** Posts a hook's bundled example through the same path as a real delivery. */
export function testDelivery(hookId: unknown, token: string, receive: (e: GoogleAppsScript.Events.DoPost) => { ok: boolean; results?: Array<{ hook: string; action: string; sheet: string; row: number | null; message?: string }>; error?: { message: string } }): TestDeliveryResult {
  if (!isHookId(hookId)) throw new Error(`Unknown hook id: ${String(hookId).slice(0, 40)}`);
  const hook = hookById(hookId);
  const contents = JSON.stringify(hook.example);
  const event = {
    parameter: { token },
    parameters: { token: [token] },
    queryString: `token=${token}`,
    contentLength: contents.length,
    contextPath: '',
    pathInfo: '',
    postData: { contents, length: contents.length, type: 'application/json', name: 'postData' },
  } as unknown as GoogleAppsScript.Events.DoPost;
  const res = receive(event);
  const first = res.results && res.results[0];
  return {
    ok: res.ok,
    hook: hook.name,
    action: first ? first.action : 'failed',
    sheet: first ? first.sheet : '',
    row: first ? first.row : null,
    message: first && first.message ? first.message : res.error ? res.error.message : '',
  };
}

/** Runs the fidelity cases on scratch sheets in this spreadsheet, removing them afterwards. */
export function selfTest(): SelfTestReport {
  const spreadsheet = SpreadsheetApp.getActive();
  const cases = FIDELITY_CASES.map((c) => {
    const sheet = spreadsheet.insertSheet(`iclosed-selftest-${Utilities.getUuid().slice(0, 8)}`);
    try {
      c.run(sheet);
      return { name: c.name, source: c.source, ok: true, message: '' };
    } catch (err) {
      return { name: c.name, source: c.source, ok: false, message: String((err as Error).message ?? err).slice(0, 500) };
    } finally {
      spreadsheet.deleteSheet(sheet);
    }
  });
  const passed = cases.filter((c) => c.ok).length;
  return { passed, failed: cases.length - passed, cases };
}

/** Refused requests are counted per day in the cache, never stored with what they sent. */
export function countRefusal(): void {
  try {
    const cache = CacheService.getScriptCache();
    const key = `refused/${new Date().toISOString().slice(0, 10)}`;
    cache.put(key, String(Number(cache.get(key) ?? 0) + 1), 6 * 60 * 60);
  } catch {
    // Counting is best effort; a refusal must never fail because of it.
  }
}

function refusedToday(): number {
  try {
    return Number(CacheService.getScriptCache().get(`refused/${new Date().toISOString().slice(0, 10)}`) ?? 0);
  } catch {
    return 0;
  }
}

/** Fields in a delivery that neither the hook's documentation nor earlier deliveries had: remembered for the sidebar. */
export function rememberSeenFields(store: ScriptStore, hook: HookDefinition, paths: readonly string[]): void {
  const known = new Set([...exampleFields(hook), ...seenFields(store, hook.id)]);
  const fresh = paths.filter((p) => !known.has(p) && p !== META.otherFields);
  if (fresh.length === 0) return;
  const all = [...seenFields(store, hook.id), ...new Set(fresh)].slice(0, 500);
  store.setJson(SEEN_PREFIX + hook.id, all);
}
