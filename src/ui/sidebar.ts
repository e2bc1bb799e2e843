/**
 * The sidebar (browser): connection, per-hook settings, test deliveries, activity and the self-test.
 * build.mjs bundles it as an IIFE and inlines it into dist/Sidebar.html. All data is rendered as text.
 */
import { errorText as fullErrorText } from '../core/errors';
import type { HookId } from '../core/hooks';
import type { ColumnSetting, HookSettings, Settings } from '../core/settings';
import type { HookState, SidebarState } from '../core/sidebar-api';
import { fill, h, when } from './dom';
import { server } from './rpc';

const MODES: Array<{ value: HookSettings['mode']; label: string }> = [
  { value: 'upsert', label: 'Upsert: update the row with the same key, else add one' },
  { value: 'append', label: 'Append: always add a row' },
  { value: 'insert-if-new', label: 'Insert if new: add only when the key is new' },
];
const TYPINGS: Array<{ value: ColumnSetting['typing']; label: string }> = [
  { value: 'auto', label: 'As sent' },
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
];
const REPLAY_BATCH = 10;

let state: SidebarState | null = null;
let draft: Settings | null = null;
let selected: HookId = 'contactCreated';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the sidebar page`);
  return el as T;
}

function message(id: string, text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  const el = byId(id);
  el.textContent = text;
  el.className = `status ${kind}`;
}

/** The sidebar shows a failed call's whole message. */
function errorText(err: unknown): string {
  return fullErrorText(err, Number.POSITIVE_INFINITY);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function hookState(id: HookId): HookState {
  return state!.hooks.find((hk) => hk.id === id)!;
}

/** The draft settings of the selected hook, with every field it knows listed as a column. */
function draftHook(): HookSettings {
  const hook = draft!.hooks[selected];
  const columns = hook.columns ?? [];
  const listed = new Set(columns.map((c) => c.field));
  for (const f of hookState(selected).fields) {
    if (!listed.has(f.path)) columns.push({ field: f.path, include: hook.addNewFields, label: f.path, typing: 'auto' });
  }
  hook.columns = columns;
  return hook;
}

// ---- Connection -------------------------------------------------------------------------------

function renderConnection(): void {
  const s = state!;
  const panel = byId('connection');
  if (!s.webhook) {
    fill(panel, h('p', {}, 'The webhook is not set up yet. Close and reopen iClosed → Settings.'));
    return;
  }
  const hook = s.webhook;
  const url = hook.url;
  const parts: Array<Node | null> = [];
  // A /dev URL, a Workspace form or another deployment: shown above the URL, with its fix.
  if (hook.urlWarning) parts.push(h('p', { id: 'url-warning', className: 'status error', role: 'alert' }, hook.urlWarning));
  if (url) {
    const input = h('input', { id: 'webhook-url', type: 'text', readonly: true, value: url, 'aria-label': 'Webhook URL' });
    const copy = h('button', { type: 'button', id: 'copy-url' }, 'Copy');
    copy.addEventListener('click', () => copyText(input, 'connection-status'));
    parts.push(h('label', { for: 'webhook-url' }, 'Paste this URL into iClosed → Settings → Developer:'), h('div', { className: 'row' }, input, copy));
    if (hook.urlSource === 'apps-script') {
      parts.push(h('p', { id: 'url-source', className: 'hint' }, 'This URL is the one Apps Script reports; npm run deploy records the deployment\'s own URL and shows that instead.'));
    }
  } else {
    const token = h('input', { id: 'webhook-token', type: 'text', readonly: true, value: hook.token, 'aria-label': 'Webhook token' });
    const copy = h('button', { type: 'button', id: 'copy-token' }, 'Copy token');
    copy.addEventListener('click', () => copyText(token, 'connection-status'));
    parts.push(
      h('p', {}, 'There is no web app URL (…/exec) to give iClosed yet. To get one:'),
      h(
        'ol',
        {},
        h('li', {}, 'Run npm run deploy from the project folder; or, by hand: Extensions → Apps Script, then Deploy → New deployment.'),
        h('li', {}, 'Select type: Web app. Execute as: Me. Who has access: Anyone.'),
        h('li', {}, 'Deploy, authorise, and copy the web app URL (it ends in /exec).'),
        h('li', {}, 'Reopen this sidebar: the full URL with its token appears here.'),
      ),
      h('label', { for: 'webhook-token' }, 'Your token (the URL will end in ?token=…):'),
      h('div', { className: 'row' }, token, copy),
    );
  }
  const rotate = h('button', { type: 'button', id: 'rotate-token' }, 'Rotate token');
  rotate.addEventListener('click', () => void rotateToken());
  parts.push(
    h('div', { className: 'row' }, rotate),
    hook.previousTokenExpiresAt ? h('p', { className: 'hint' }, `The previous token keeps working until ${when(hook.previousTokenExpiresAt)}.`) : null,
    h('p', { id: 'connection-status', className: 'status', role: 'status' }),
  );
  fill(panel, ...parts);

  const rows = s.hooks.map((hk) => h('tr', {}, h('td', {}, hk.name), h('td', {}, when(hk.lastDeliveryAt)), h('td', { className: 'num' }, String(hk.deliveriesToday))));
  fill(
    byId('hook-stats'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Hook'), h('th', {}, 'Last delivery'), h('th', {}, 'Today'))), h('tbody', {}, ...rows)),
    h('p', { className: 'hint' }, `${s.queued} queued · ${s.refusedToday} refused today (wrong or missing token)`),
    s.cells.warning ? h('p', { id: 'cell-warning', className: 'status error', role: 'alert' }, s.cells.warning) : null,
  );
}

function copyText(input: HTMLInputElement, statusId: string): void {
  input.select();
  const done = () => message(statusId, 'Copied.');
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, () => {
      document.execCommand('copy');
      done();
    });
  } else {
    document.execCommand('copy');
    done();
  }
}

async function rotateToken(): Promise<void> {
  if (!window.confirm('Rotate the webhook token? The old URL keeps working for 24 hours; update iClosed with the new one.')) return;
  message('connection-status', 'Rotating…', 'busy');
  try {
    const webhook = await server.rotateToken();
    state!.webhook = webhook;
    renderConnection();
    message('connection-status', 'New token made. Paste the new URL into iClosed.');
  } catch (err) {
    message('connection-status', errorText(err), 'error');
  }
}

// ---- Per-hook settings ------------------------------------------------------------------------

function renderHookPicker(): void {
  const select = byId<HTMLSelectElement>('hook-select');
  fill(select, ...state!.hooks.map((hk) => h('option', { value: hk.id, selected: hk.id === selected }, hk.name)));
  select.onchange = () => {
    selected = select.value as HookId;
    renderHookSettings();
  };
}

function renderHookSettings(): void {
  const hook = draftHook();
  const fields = hookState(selected).fields;
  const sheet = byId<HTMLInputElement>('sheet-name');
  sheet.value = hook.sheet;
  sheet.oninput = () => (hook.sheet = sheet.value);
  const mode = byId<HTMLSelectElement>('write-mode');
  fill(mode, ...MODES.map((m) => h('option', { value: m.value, selected: m.value === hook.mode }, m.label)));
  mode.onchange = () => {
    hook.mode = mode.value as HookSettings['mode'];
    renderKey();
  };
  const addNew = byId<HTMLInputElement>('add-new-fields');
  addNew.checked = hook.addNewFields;
  addNew.onchange = () => (hook.addNewFields = addNew.checked);
  const skipStale = byId<HTMLInputElement>('skip-stale');
  skipStale.checked = hook.skipStale;
  skipStale.onchange = () => (hook.skipStale = skipStale.checked);
  const keyPicker = byId<HTMLSelectElement>('key-field');
  fill(keyPicker, h('option', { value: '' }, 'Choose a field…'), ...fields.map((f) => h('option', { value: f.path }, f.example ? `${f.path} (e.g. ${f.example})` : f.path)));
  renderKey();
  renderColumns();
}

function renderKey(): void {
  const hook = draft!.hooks[selected];
  const list = byId('key-fields');
  const items = hook.key.map((field, i) => {
    const remove = h('button', { type: 'button', className: 'small', 'aria-label': `Remove ${field} from the key` }, '✕');
    remove.addEventListener('click', () => {
      hook.key.splice(i, 1);
      renderKey();
    });
    return h('li', {}, h('code', {}, field), ' ', remove);
  });
  fill(list, ...(items.length ? items : [h('li', { className: 'hint' }, hook.mode === 'append' ? 'No key: append needs none.' : 'No key yet: add at least one field.')]));
  byId('key-section').hidden = hook.mode === 'append' && hook.key.length === 0;
}

function addKeyField(): void {
  const picker = byId<HTMLSelectElement>('key-field');
  const hook = draft!.hooks[selected];
  if (picker.value && !hook.key.includes(picker.value)) hook.key.push(picker.value);
  picker.value = '';
  renderKey();
}

function renderColumns(focus?: { field: string; control: string }): void {
  const hook = draftHook();
  const columns = hook.columns!;
  const list = byId('columns');
  const items = columns.map((c, i) => {
    const include = h('input', { type: 'checkbox', checked: c.include, 'aria-label': `Include ${c.field}`, 'data-control': 'include' });
    include.addEventListener('change', () => (c.include = include.checked));
    const label = h('input', { type: 'text', value: c.label, 'aria-label': `Header label for ${c.field}`, 'data-control': 'label' });
    label.addEventListener('input', () => (c.label = label.value));
    const typing = h('select', { 'aria-label': `Typing for ${c.field}`, 'data-control': 'typing' }, ...TYPINGS.map((t) => h('option', { value: t.value, selected: t.value === c.typing }, t.label)));
    typing.addEventListener('change', () => (c.typing = typing.value as ColumnSetting['typing']));
    const up = h('button', { type: 'button', className: 'small', 'aria-label': `Move ${c.field} up`, 'data-control': 'up', disabled: i === 0 }, '↑');
    const down = h('button', { type: 'button', className: 'small', 'aria-label': `Move ${c.field} down`, 'data-control': 'down', disabled: i === columns.length - 1 }, '↓');
    up.addEventListener('click', () => move(i, -1, 'up'));
    down.addEventListener('click', () => move(i, 1, 'down'));
    const li = h('li', { 'data-field': c.field }, h('div', { className: 'field' }, include, h('code', { className: 'path' }, c.field)), h('div', { className: 'row' }, label, typing, up, down));
    // Alt+ArrowUp / Alt+ArrowDown move the focused column from the keyboard.
    li.addEventListener('keydown', (ev) => {
      if (!ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
      ev.preventDefault();
      const control = (ev.target as HTMLElement).getAttribute('data-control') ?? 'label';
      move(i, ev.key === 'ArrowUp' ? -1 : 1, control);
    });
    return li;
  });
  fill(list, ...items);
  if (focus) {
    const row = [...list.querySelectorAll('li')].find((li) => li.getAttribute('data-field') === focus.field);
    const control = row?.querySelector<HTMLElement>(`[data-control="${focus.control}"]:not([disabled])`) ?? row?.querySelector<HTMLElement>('[data-control="label"]');
    control?.focus();
  }

  function move(i: number, delta: number, control: string): void {
    const j = i + delta;
    if (j < 0 || j >= columns.length) return;
    const [c] = columns.splice(i, 1);
    columns.splice(j, 0, c);
    renderColumns({ field: c.field, control });
    message('save-status', `Moved ${c.field} to position ${j + 1} of ${columns.length}.`);
  }
}

function resetHook(): void {
  draft!.hooks[selected] = clone(hookState(selected).defaults);
  renderHookSettings();
  message('save-status', 'Defaults restored in the form. Save to apply them.');
}

async function save(): Promise<void> {
  message('save-status', 'Saving…', 'busy');
  try {
    const result = await server.saveSettings(draft);
    if (!result.ok) {
      message('save-status', result.error, 'error');
      return;
    }
    setState(result.state);
    message('save-status', result.changes.length ? `Saved. ${result.changes.join('; ')}.` : 'Saved.');
  } catch (err) {
    message('save-status', errorText(err), 'error');
  }
}

// ---- Test deliveries, activity, self-test ------------------------------------------------------

function renderTests(): void {
  const buttons = state!.hooks.map((hk) => {
    const b = h('button', { type: 'button', 'data-hook': hk.id }, hk.name);
    b.addEventListener('click', () => void sendTest(hk.id, hk.name));
    return b;
  });
  fill(byId('test-buttons'), ...buttons);
}

async function sendTest(id: HookId, name: string): Promise<void> {
  message('test-status', `Sending the example ${name} delivery…`, 'busy');
  try {
    const r = await server.sendTestDelivery(id);
    message('test-status', `${name}: ${r.action}${r.sheet ? ` in "${r.sheet}"` : ''}${r.row ? `, row ${r.row}` : ''}. ${r.message}`, r.ok ? 'ok' : 'error');
    await refresh();
  } catch (err) {
    message('test-status', errorText(err), 'error');
  }
}

function renderActivity(): void {
  const rows = state!.activity.map((a) =>
    h(
      'tr',
      { className: a.replayable ? 'replayable' : '' },
      h('td', {}, when(a.receivedAt)),
      h('td', {}, a.hook || '—'),
      h('td', {}, a.outcome),
      h('td', {}, a.sheet ? `${a.sheet}${a.row ? ` #${a.row}` : ''}` : ''),
      h('td', { className: 'message' }, a.message),
    ),
  );
  fill(
    byId('activity'),
    rows.length
      ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Hook'), h('th', {}, 'Outcome'), h('th', {}, 'Where'), h('th', {}, 'Message'))), h('tbody', {}, ...rows))
      : h('p', { className: 'hint' }, 'No deliveries yet. Send a test delivery above, or connect iClosed.'),
  );
  const replayable = state!.activity.filter((a) => a.replayable).length;
  byId<HTMLButtonElement>('replay').disabled = replayable === 0 && state!.queued === 0;
}

async function replayAll(): Promise<void> {
  const button = byId<HTMLButtonElement>('replay');
  button.disabled = true;
  let after = 0;
  let done = 0;
  try {
    for (;;) {
      message('replay-status', `Replaying… ${done} done`, 'busy');
      const r = await server.replayDeliveries({ limit: REPLAY_BATCH, after });
      done += r.replayed;
      after = r.lastRow;
      if (r.remaining === 0 || r.replayed === 0) break;
      message('replay-status', `Replaying… ${done} done, ${r.remaining} to go`, 'busy');
    }
    message('replay-status', `Replayed ${done} deliveries.`);
    await refresh();
  } catch (err) {
    message('replay-status', errorText(err), 'error');
  } finally {
    button.disabled = false;
  }
}

async function selfTest(): Promise<void> {
  message('selftest-status', 'Running the self-test on a scratch sheet…', 'busy');
  try {
    const report = await server.runSelfTest();
    message('selftest-status', `${report.passed} passed, ${report.failed} failed.`, report.failed ? 'error' : 'ok');
    fill(byId('selftest-report'), ...report.cases.filter((c) => !c.ok).map((c) => h('li', {}, h('b', {}, c.name), ': ', c.message)));
  } catch (err) {
    message('selftest-status', errorText(err), 'error');
  }
}

// ---- Pipeline ---------------------------------------------------------------------------------

const REBUILD_BATCH = 500;

/** The switch saves at once, with the saved settings (not the form's unsaved column edits). */
async function setPipeline(enabled: boolean): Promise<void> {
  message('pipeline-status', 'Saving…', 'busy');
  try {
    const result = await server.saveSettings({ ...state!.settings, pipeline: { enabled } });
    if (!result.ok) {
      message('pipeline-status', result.error, 'error');
      return;
    }
    state = result.state;
    draft!.pipeline = { enabled };
    message('pipeline-status', enabled ? 'On: every delivery updates Pipeline and Funnel.' : 'Off: Pipeline and Funnel stay as they are.');
  } catch (err) {
    message('pipeline-status', errorText(err), 'error');
  }
}

async function rebuild(): Promise<void> {
  const button = byId<HTMLButtonElement>('rebuild');
  button.disabled = true;
  try {
    let r = await server.rebuildPipeline({ restart: true, limit: REBUILD_BATCH });
    while (!r.done) {
      message('pipeline-status', `Rebuilding… ${r.processed} rows read, about ${r.remaining} to go`, 'busy');
      r = await server.rebuildPipeline({ limit: REBUILD_BATCH });
    }
    message('pipeline-status', r.message);
  } catch (err) {
    message('pipeline-status', errorText(err), 'error');
  } finally {
    button.disabled = false;
  }
}

// ---- Start ------------------------------------------------------------------------------------

function setState(next: SidebarState): void {
  state = next;
  draft = clone(next.settings);
  renderConnection();
  renderHookPicker();
  renderHookSettings();
  renderTests();
  renderActivity();
  byId<HTMLInputElement>('pipeline-enabled').checked = next.settings.pipeline.enabled;
  byId('version').textContent = `v${next.version}`;
}

async function refresh(): Promise<void> {
  const next = await server.getSidebarState();
  // Keep unsaved edits in the form; refresh the rest.
  const keepDraft = draft;
  state = next;
  draft = keepDraft ?? clone(next.settings);
  renderConnection();
  renderActivity();
}

async function start(): Promise<void> {
  byId('add-key').addEventListener('click', addKeyField);
  byId('save').addEventListener('click', () => void save());
  byId('reset').addEventListener('click', resetHook);
  byId('replay').addEventListener('click', () => void replayAll());
  byId('selftest').addEventListener('click', () => void selfTest());
  byId<HTMLInputElement>('pipeline-enabled').addEventListener('change', (ev) => void setPipeline((ev.target as HTMLInputElement).checked));
  byId('rebuild').addEventListener('click', () => void rebuild());
  try {
    setState(await server.getSidebarState());
    byId('app').setAttribute('data-ready', 'true');
  } catch (err) {
    message('load-status', `Could not load the settings: ${errorText(err)}`, 'error');
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
else void start();
