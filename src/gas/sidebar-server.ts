/** The sidebar's server side: its entry points, its state, saving and applying settings, and test deliveries. */
import { hookDefaultColumns } from '../core/columns';
import { isPlainObject } from '../core/flatten';
import { hookFieldInfos } from '../core/hook-fields';
import { exampleFields, HOOKS, hookById, isHookId, type HookDefinition, type HookId } from '../core/hooks';
import { activityEntries, hookDeliveryStats, LOG_STATS_WIDTH } from '../core/log-stats';
import type { PostResponse } from '../core/results';
import { defaultHookSettings, normalizeSettings, SettingsError, type HookSettings, type Settings } from '../core/settings';
import type { HookState, PreviewResult, SaveResult, SelfTestReport, SidebarState, TestDeliveryResult } from '../core/sidebar-api';
import { APP_VERSION } from '../core/version';
import { capacityNow } from './capacity';
import { seenFields } from './field-memory';
import { CELL_LIMIT, cellsUsed, cellWarning } from './limits';
import { withScriptLock } from './lock';
import { LOG_SHEET } from './log';
import { queuedKeys } from './queue';
import { refusedToday } from './refusals';
import { selfTest } from './self-test';
import { setupWebhook, webhookState } from './setup';
import { planSettings } from './settings-apply';
import { KEYS, ScriptStore } from './store';
import { receiveAsEditor } from './webapp';

/** Log rows the activity panel shows. */
const ACTIVITY_ROWS = 30;

/** What the sidebar shows. */
export function getSidebarState(): SidebarState {
  const store = new ScriptStore();
  return sidebarState(store, store.get(KEYS.token) ? webhookState(store) : null);
}

/** The refusal of a save or preview that is given no settings object. */
const NOT_SETTINGS = 'Settings must be an object; nothing was saved.';

/** Validates settings on the server, saves and applies them; refuses invalid ones with a message that says what to change. */
export function saveSettings(input: unknown): SaveResult {
  // Nothing or null would normalize to the defaults: a save must say what it sets.
  if (!isPlainObject(input)) return { ok: false, error: NOT_SETTINGS };
  return saveAndApply(input, getSidebarState, false) as SaveResult;
}

/** What saving these settings would change on the sheets, in plain language; changes nothing. */
export function previewSettings(input: unknown): PreviewResult {
  if (!isPlainObject(input)) return { ok: false, error: NOT_SETTINGS };
  return saveAndApply(input, getSidebarState, true) as PreviewResult;
}

/** Posts one hook's example delivery through doPost's own path. */
export function sendTestDelivery(hookId: unknown): TestDeliveryResult {
  const token = setupWebhook().token;
  return testDelivery(hookId, token, receiveAsEditor);
}

/** The fidelity checks, run in this spreadsheet on scratch sheets that are removed afterwards. */
export function runSelfTest(): SelfTestReport {
  return selfTest();
}

/** The defaults of a hook with its columns spelt out, for "reset to defaults". */
function expandedDefaults(hook: HookDefinition): HookSettings {
  return { ...defaultHookSettings(hook.id), columns: hookDefaultColumns(hook) };
}

/** Settings with every hook's columns spelt out, so the sidebar edits concrete lists. */
function expanded(settings: Settings): Settings {
  const hooks = { ...settings.hooks };
  for (const hook of HOOKS) {
    if (!hooks[hook.id].columns) hooks[hook.id] = { ...hooks[hook.id], columns: hookDefaultColumns(hook) };
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
      fields: hookFieldInfos(hook, seenFields(store, hook.id)),
      lastDeliveryAt: s && s.last ? s.last.toISOString() : null,
      deliveriesToday: s ? s.today : 0,
    };
  });
  const activity = activityEntries(values, ACTIVITY_ROWS);
  const used = cellsUsed(spreadsheet);
  const cells = { used, limit: CELL_LIMIT, warning: cellWarning(used), forecast: capacityNow(spreadsheet, store) };
  return {
    version: APP_VERSION,
    webhook,
    settings,
    hooks,
    activity,
    queued: queuedKeys(store).length,
    refusedToday: refusedToday(),
    cells,
  };
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
 * Validates settings from the sidebar on the server and plans what they do to the existing sheets
 * (src/gas/settings-apply.ts). A preview stops there; a save stores them and applies the plan. Both run
 * under the script lock, as deliveries do, so a delivery that arrives meanwhile waits or is queued and
 * never sees half a change.
 */
function saveAndApply(input: Record<string, unknown>, state: () => SidebarState, previewOnly: boolean): SaveResult | PreviewResult {
  return withScriptLock((store): SaveResult | PreviewResult => {
    let settings: Settings;
    try {
      settings = normalizeSettings(input, knownFieldsByHook(store));
    } catch (err) {
      if (err instanceof SettingsError) return { ok: false, error: err.message };
      throw err;
    }
    const plan = planSettings(store, SpreadsheetApp.getActive(), store.settings(), settings);
    if (typeof plan === 'string') return { ok: false, error: plan };
    if (previewOnly) return { ok: true, changes: plan.changes };
    store.setJson(KEYS.settings, settings);
    for (const step of plan.steps) step();
    return { ok: true, state: state(), changes: plan.changes };
  });
}

/** Posts a hook's bundled example through the same path as a real delivery. */
export function testDelivery(
  hookId: unknown,
  token: string,
  receive: (e: GoogleAppsScript.Events.DoPost) => PostResponse,
): TestDeliveryResult {
  if (!isHookId(hookId))
    throw new Error(
      `Unknown hook id: ${typeof hookId === 'string' ? `"${hookId.slice(0, 40)}"` : `a value of type ${hookId === null ? 'null' : typeof hookId}`}. Known: ${HOOKS.map((h) => h.id).join(', ')}.`,
    );
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
