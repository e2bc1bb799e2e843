/**
 * The sidebar (browser): connection, per-hook settings, test deliveries, activity and the self-test.
 * build.mjs bundles it as an IIFE and inlines it into dist/Sidebar.html. All data is rendered as text.
 */
import { errorText as fullErrorText } from '../core/errors';
import type { HookId } from '../core/hooks';
import type { ColumnSetting, HookSettings, Settings } from '../core/settings';
import type { HookState, SidebarState } from '../core/sidebar-api';
import { capacityView } from './capacity';
import { fill, h, shortWhen, when } from './dom';
import { server } from './rpc';
import { OPEN_SIDEBAR_PATH } from '../core/menu';
import { selfTestView } from './self-test-view';

const MODES: Array<{ value: HookSettings['mode']; label: string; hint: string }> = [
  { value: 'upsert', label: 'Upsert', hint: 'Updates the row with the same key, else adds one.' },
  { value: 'append', label: 'Append', hint: 'Always adds a row.' },
  { value: 'insert-if-new', label: 'Insert if new', hint: 'Adds a row only when its key is new; later versions are skipped.' },
];
const TABS = ['connection', 'sheets', 'activity', 'tools'] as const;
type Tab = (typeof TABS)[number];
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

/**
 * The draft settings of the selected hook, with every field it knows listed: the columns first, in
 * their order, then the fields kept in "Other fields". A field seen in deliveries gets a column when
 * the hook adds new fields as columns, as the deliveries did.
 */
function draftHook(): HookSettings {
  const hook = draft!.hooks[selected];
  const columns = hook.columns ?? [];
  const listed = new Set(columns.map((c) => c.field));
  for (const f of hookState(selected).fields) {
    if (!listed.has(f.path)) columns.push({ field: f.path, include: true, label: f.path, typing: 'auto', ...(hook.addNewFields ? {} : { inOtherFields: true }) });
  }
  hook.columns = [...columns.filter((c) => !c.inOtherFields), ...columns.filter((c) => c.inOtherFields)];
  return hook;
}

// ---- Tabs -------------------------------------------------------------------------------------

function showTab(tab: Tab): void {
  for (const t of TABS) {
    const button = byId(`tab-${t}`);
    button.setAttribute('aria-selected', String(t === tab));
    button.tabIndex = t === tab ? 0 : -1;
    byId(`panel-${t}`).hidden = t !== tab;
  }
}

function setUpTabs(): void {
  TABS.forEach((t, i) => {
    const button = byId(`tab-${t}`);
    button.addEventListener('click', () => showTab(t));
    // Arrow keys move between tabs, as in any tab list.
    button.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
      const next = TABS[(i + (ev.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
      showTab(next);
      byId(`tab-${next}`).focus();
    });
  });
}

// ---- Connection -------------------------------------------------------------------------------

function renderConnection(): void {
  const s = state!;
  const panel = byId('connection');
  if (!s.webhook) {
    fill(panel, h('p', {}, `The webhook is not set up yet. Close this sidebar and choose ${OPEN_SIDEBAR_PATH} again.`));
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
    parts.push(h('label', { for: 'webhook-url' }, 'In iClosed, open Settings → Developer and paste this URL:'), h('div', { className: 'row' }, input, copy));
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

  const rows = s.hooks.map((hk) => h('tr', {}, h('td', {}, hk.name), h('td', { className: 'nowrap' }, shortWhen(hk.lastDeliveryAt)), h('td', { className: 'num' }, String(hk.deliveriesToday))));
  fill(
    byId('hook-stats'),
    h('table', { id: 'hook-stats-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Hook'), h('th', {}, 'Last'), h('th', { className: 'num' }, 'Today'))), h('tbody', {}, ...rows)),
    h('p', { className: 'hint' }, `${s.queued} queued · ${s.refusedToday} refused today (wrong or missing token)`),
    s.cells.warning ? h('p', { id: 'cell-warning', className: 'status error', role: 'alert' }, s.cells.warning) : null,
    capacityView(s.cells.forecast),
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
  const modeHint = () => (byId('write-mode-hint').textContent = MODES.find((m) => m.value === hook.mode)?.hint ?? '');
  modeHint();
  mode.onchange = () => {
    hook.mode = mode.value as HookSettings['mode'];
    modeHint();
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
    const label = (hook.columns ?? []).find((c) => c.field === field)?.label;
    return h('li', {}, label && label !== field ? `${label} ` : '', h('code', {}, field), ' ', remove);
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

/** Where a field goes: a column of its own, or the row's "Other fields" cell. */
const PLACES = [
  { value: 'column', label: 'Own column' },
  { value: 'other', label: 'In Other fields' },
] as const;

/**
 * The field list: the hook's columns in order (drag ⠿, Alt+↑/↓, ↑ ↓ or ⤒ to reorder), then the
 * fields kept in "Other fields". Each field shows its path and an example value; the search box
 * filters both lists by label, path or example.
 */
function renderColumns(focus?: { field: string; control: string }): void {
  const hook = draftHook();
  const columns = hook.columns!;
  const examples = new Map(hookState(selected).fields.map((f) => [f.path, f.example]));
  const own = columns.filter((c) => !c.inOtherFields);
  const item = (c: ColumnSetting, i: number): HTMLLIElement => {
    const inList = !c.inOtherFields;
    const include = h('input', { type: 'checkbox', checked: c.include, 'aria-label': `Write ${c.field}`, title: 'Untick to leave the field out', 'data-control': 'include' });
    const label = h('input', { type: 'text', value: c.label, 'aria-label': `Header label for ${c.field}`, 'data-control': 'label' });
    label.addEventListener('input', () => (c.label = label.value));
    const place = h('select', { 'aria-label': `Where ${c.field} goes`, 'data-control': 'place' }, ...PLACES.map((p) => h('option', { value: p.value, selected: (p.value === 'other') === Boolean(c.inOtherFields) }, p.label)));
    place.addEventListener('change', () => {
      // A field made a column joins the end of the columns; one sent to Other fields leaves them.
      columns.splice(columns.indexOf(c), 1);
      if (place.value === 'other') c.inOtherFields = true;
      else delete c.inOtherFields;
      columns.splice(place.value === 'other' ? columns.length : columns.filter((x) => !x.inOtherFields).length, 0, c);
      renderColumns({ field: c.field, control: 'place' });
      message('save-status', place.value === 'other' ? `${c.label} goes to "Other fields". Save to apply.` : `${c.label} is column ${own.length + 1}. Save to apply.`);
    });
    const typing = h('select', { 'aria-label': `Typing for ${c.field}`, 'data-control': 'typing' }, ...TYPINGS.map((t) => h('option', { value: t.value, selected: t.value === c.typing }, t.label)));
    typing.addEventListener('change', () => (c.typing = typing.value as ColumnSetting['typing']));
    const example = examples.get(c.field);
    const meta = h('div', { className: 'meta', title: example ? `${c.field}: ${example}` : c.field }, h('code', { className: 'path' }, c.field), example ? h('span', { className: 'example' }, `e.g. ${example}`) : null);
    const li = h('li', { 'data-field': c.field, className: c.include ? '' : 'excluded' });
    include.addEventListener('change', () => {
      c.include = include.checked;
      li.className = c.include ? '' : 'excluded';
    });
    if (inList) {
      const handle = h('button', { type: 'button', className: 'small handle', 'aria-label': `Move ${c.field}: Alt+↑ or Alt+↓`, title: 'Drag to reorder', 'data-control': 'handle' }, '⠿');
      const top = h('button', { type: 'button', className: 'small', 'aria-label': `Move ${c.field} to the top`, title: 'Move to top', 'data-control': 'top', disabled: i === 0 }, '⤒');
      const up = h('button', { type: 'button', className: 'small', 'aria-label': `Move ${c.field} up`, 'data-control': 'up', disabled: i === 0 }, '↑');
      const down = h('button', { type: 'button', className: 'small', 'aria-label': `Move ${c.field} down`, 'data-control': 'down', disabled: i === own.length - 1 }, '↓');
      top.addEventListener('click', () => move(i, 0, 'label'));
      up.addEventListener('click', () => move(i, i - 1, 'up'));
      down.addEventListener('click', () => move(i, i + 1, 'down'));
      li.append(h('div', { className: 'head' }, handle, include, label, top, up, down), meta, h('div', { className: 'row' }, place, typing));
      li.draggable = true;
      li.addEventListener('dragstart', (ev) => {
        ev.dataTransfer?.setData('text/plain', c.field);
        if (ev.dataTransfer) ev.dataTransfer.effectAllowed = 'move';
        li.classList.add('dragging');
      });
      li.addEventListener('dragend', () => li.classList.remove('dragging'));
      li.addEventListener('dragover', (ev) => {
        ev.preventDefault();
        li.classList.add('drop-target');
      });
      li.addEventListener('dragleave', () => li.classList.remove('drop-target'));
      li.addEventListener('drop', (ev) => {
        ev.preventDefault();
        li.classList.remove('drop-target');
        const from = own.findIndex((x) => x.field === ev.dataTransfer?.getData('text/plain'));
        if (from >= 0) move(from, i, 'handle');
      });
      // Alt+ArrowUp / Alt+ArrowDown move the focused column from the keyboard, and keep the focus on it.
      li.addEventListener('keydown', (ev) => {
        if (!ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
        ev.preventDefault();
        const control = (ev.target as HTMLElement).getAttribute('data-control') ?? 'label';
        move(i, ev.key === 'ArrowUp' ? i - 1 : i + 1, control);
      });
    } else {
      li.append(h('div', { className: 'head' }, include, label), meta, h('div', { className: 'row' }, place, typing));
    }
    return li;
  };
  fill(byId('columns'), ...own.map(item));
  fill(byId('other-columns'), ...columns.filter((c) => c.inOtherFields).map(item));
  byId('other-title').textContent = `In "Other fields" (${columns.length - own.length})`;
  applySearch();
  if (focus) {
    const row = document.querySelector(`#panel-sheets li[data-field="${CSS.escape(focus.field)}"]`);
    const control = row?.querySelector<HTMLElement>(`[data-control="${focus.control}"]:not([disabled])`) ?? row?.querySelector<HTMLElement>('[data-control="label"]');
    control?.focus();
  }

  /** Moves column `from` to position `to` of the columns (the Other fields after them keep their place). */
  function move(from: number, to: number, control: string): void {
    if (to < 0 || to >= own.length || to === from) return;
    const c = own[from];
    columns.splice(from, 1);
    columns.splice(to, 0, c);
    renderColumns({ field: c.field, control });
    message('save-status', `Moved ${c.label} to column ${to + 1} of ${own.length}. Save to apply.`);
  }
}

/** Shows only the fields whose label, path or example contains the search text. */
function applySearch(): void {
  const query = byId<HTMLInputElement>('column-search').value.trim().toLowerCase();
  // The fields in Other fields are folded away until asked for; a search looks in them too.
  if (query !== '') byId<HTMLDetailsElement>('other-section').open = true;
  for (const li of document.querySelectorAll<HTMLLIElement>('#columns li, #other-columns li')) {
    const label = li.querySelector<HTMLInputElement>('[data-control="label"]')?.value ?? '';
    li.hidden = query !== '' && !`${label}\n${li.textContent ?? ''}`.toLowerCase().includes(query);
  }
}

function resetHook(): void {
  draft!.hooks[selected] = clone(hookState(selected).defaults);
  renderHookSettings();
  message('save-status', 'Defaults restored in the form. Save to apply them.');
}

/**
 * Save asks the server first what the settings would do to the rows already written (previewSettings).
 * Nothing to change on the sheets: it saves at once. Otherwise the preview shows next to the button and
 * the user applies it or goes back to editing.
 */
async function save(): Promise<void> {
  const preview = byId('save-preview');
  preview.hidden = true;
  preview.textContent = '';
  message('save-status', 'Checking what this changes…', 'busy');
  try {
    const planned = await server.previewSettings(draft);
    if (!planned.ok) {
      message('save-status', planned.error, 'error');
      return;
    }
    if (planned.changes.length === 0) {
      await apply();
      return;
    }
    const list = h('ul', { id: 'save-changes' });
    for (const change of planned.changes) list.appendChild(h('li', {}, change));
    const confirm = h('button', { type: 'button', id: 'save-apply', className: 'primary' }, 'Apply to the sheet');
    const cancel = h('button', { type: 'button', id: 'save-cancel' }, 'Keep editing');
    confirm.addEventListener('click', () => void apply());
    cancel.addEventListener('click', () => {
      preview.hidden = true;
      message('save-status', 'Nothing saved yet.');
    });
    preview.append(h('p', { className: 'hint' }, 'Saving changes the existing rows:'), list, h('div', { className: 'row' }, confirm, cancel));
    preview.hidden = false;
    message('save-status', '');
    confirm.focus();
  } catch (err) {
    message('save-status', errorText(err), 'error');
  }
}

async function apply(): Promise<void> {
  byId('save-preview').hidden = true;
  message('save-status', 'Saving…', 'busy');
  try {
    const result = await server.saveSettings(draft);
    if (!result.ok) {
      message('save-status', result.error, 'error');
      return;
    }
    setState(result.state);
    message('save-status', result.changes.length ? `Saved. ${result.changes.join(' ')}` : 'Saved. Nothing on the sheets needed to change.');
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
  // Three columns fit 300px: time and outcome never wrap inside a word; the hook, where it went and the message share the third.
  const rows = state!.activity.map((a) =>
    h(
      'tr',
      { className: a.replayable ? 'replayable' : '' },
      h('td', { className: 'nowrap', title: when(a.receivedAt) }, shortWhen(a.receivedAt)),
      h('td', { className: 'outcome' }, a.outcome),
      h(
        'td',
        { className: 'message' },
        h('span', { className: 'hook' }, a.hook || '—'),
        a.sheet ? h('span', { className: 'detail' }, `→ ${a.sheet}${a.row ? ` #${a.row}` : ''}`) : null,
        a.message ? h('span', { className: 'detail' }, readableTimes(a.message)) : null,
      ),
    ),
  );
  fill(
    byId('activity'),
    rows.length
      ? h('table', { id: 'activity-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Outcome'), h('th', {}, 'Delivery'))), h('tbody', {}, ...rows))
      : h('p', { className: 'hint' }, 'No deliveries yet. Send a test delivery from Tools, or connect iClosed.'),
  );
  const replayable = state!.activity.filter((a) => a.replayable).length;
  byId<HTMLButtonElement>('replay').disabled = replayable === 0 && state!.queued === 0;
}

/** ISO timestamps in log messages ("Replayed at 2026-…Z.") as short local times, which also keeps them from wrapping at their dashes. */
function readableTimes(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/g, (iso) => shortWhen(iso));
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
    message('selftest-status', '');
    fill(byId('selftest-report'), ...selfTestView(report));
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
  setUpTabs();
  byId('column-search').addEventListener('input', applySearch);
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
