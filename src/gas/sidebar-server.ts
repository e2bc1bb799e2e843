/** The sidebar's server side: its entry points, its state, saving and applying settings, and test deliveries. */
import { defaultColumns } from '../core/columns';
import { flattenEvent, isPlainObject } from '../core/flatten';
import { planHeaderChanges, type HeaderChanges } from '../core/header-plan';
import { exampleFields, HOOKS, hookById, isHookId, type HookDefinition, type HookId } from '../core/hooks';
import { activityEntries, hookDeliveryStats, LOG_STATS_WIDTH } from '../core/log-stats';
import type { PostResponse } from '../core/results';
import { defaultHookSettings, normalizeSettings, SettingsError, type HookSettings, type Settings } from '../core/settings';
import type { FieldInfo, HookState, SaveResult, SelfTestReport, SidebarState, TestDeliveryResult } from '../core/sidebar-api';
import { textCell } from '../core/values';
import { APP_VERSION } from '../core/version';
import { seenFields } from './field-memory';
import { CELL_LIMIT, cellsUsed, cellWarning } from './limits';
import { withScriptLock } from './lock';
import { LOG_SHEET } from './log';
import { queuedKeys } from './queue';
import { refusedToday } from './refusals';
import { selfTest } from './self-test';
import { setupWebhook, webhookState } from './setup';
import { KEYS, ScriptStore } from './store';
import { receive } from './webapp';

/** Log rows the activity panel shows. */
const ACTIVITY_ROWS = 30;

/** What the sidebar shows. */
export function getSidebarState(): SidebarState {
  const store = new ScriptStore();
  return sidebarState(store, store.get(KEYS.token) ? webhookState(store) : null);
}

/** Validates settings on the server, saves and applies them; refuses invalid ones with a message that says what to change. */
export function saveSettings(input: unknown): SaveResult {
  // Nothing or null would normalize to the defaults: a save must say what it sets.
  if (!isPlainObject(input)) return { ok: false, error: 'Settings must be an object; nothing was saved.' };
  return saveAndApply(input, getSidebarState);
}

/** Posts one hook's example delivery through doPost's own path. */
export function sendTestDelivery(hookId: unknown): TestDeliveryResult {
  const token = setupWebhook().token;
  return testDelivery(hookId, token, receive);
}

/** The fidelity checks, run in this spreadsheet on scratch sheets that are removed afterwards. */
export function runSelfTest(): SelfTestReport {
  return selfTest();
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
function sidebarState(store: ScriptStore, webhook: SidebarState['webhook']): SidebarState {
  const settings = expanded(store.settings());
  const spreadsheet = SpreadsheetApp.getActive();
  const log = spreadsheet.getSheetByName(LOG_SHEET);
  const values = log && log.getLastRow() > 1 ? log.getRange(2, 1, log.getLastRow() - 1, LOG_STATS_WIDTH).getValues() : [];
  const timeZone = spreadsheet.getSpreadsheetTimeZone();
  const dayOf = (at: Date) => Utilities.formatDate(at, timeZone, 'yyyy-MM-dd');
  const stats = hookDeliveryStats(values, dayOf, dayOf(new Date()));
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
  const activity = activityEntries(values, ACTIVITY_ROWS);
  const used = cellsUsed(spreadsheet);
  const cells = { used, limit: CELL_LIMIT, warning: cellWarning(used) };
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
function saveAndApply(input: unknown, state: () => SidebarState): SaveResult {
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

/** One existing sheet's planned header changes, with the sheet they apply to. */
interface HeaderPlan extends HeaderChanges {
  name: string;
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  lastColumn: number;
}

/** Reads each existing hook sheet's header and plans its changes (src/core/header-plan.ts), or a message when a label belongs to a user column. */
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
    const hooks = ids.map((id) => ({ name: hookById(id).name, columns: settings.hooks[id].columns ?? [] }));
    const changes = planHeaderChanges(name, header, store.layout(name).fields, hooks);
    if (typeof changes === 'string') return changes;
    if (changes.relabel.length || changes.add.length) plans.push({ ...changes, name, sheet, lastColumn });
  }
  return plans;
}

/** Posts a hook's bundled example through the same path as a real delivery. */
export function testDelivery(hookId: unknown, token: string, receive: (e: GoogleAppsScript.Events.DoPost) => PostResponse): TestDeliveryResult {
  if (!isHookId(hookId)) throw new Error(`Unknown hook id: ${typeof hookId === 'string' ? `"${hookId.slice(0, 40)}"` : `a value of type ${hookId === null ? 'null' : typeof hookId}`}. Known: ${HOOKS.map((h) => h.id).join(', ')}.`);
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
