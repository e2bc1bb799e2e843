/** The Sheets tab: one hook's sheet, write mode, key and columns, and Save with its preview of what changes on the sheet. */
import type { HookId } from '../core/hooks';
import type { ColumnSetting, HookSettings } from '../core/settings';
import { fill, h } from './dom';
import { server } from './rpc';
import { byId, clone, draftHook, errorText, hookState, message, ui } from './view';

const MODES: Array<{ value: HookSettings['mode']; label: string; hint: string }> = [
  { value: 'upsert', label: 'Upsert', hint: 'Updates the row with the same key, else adds one.' },
  { value: 'append', label: 'Append', hint: 'Always adds a row.' },
  { value: 'insert-if-new', label: 'Insert if new', hint: 'Adds a row only when its key is new; later versions are skipped.' },
];
const TYPINGS: Array<{ value: ColumnSetting['typing']; label: string }> = [
  { value: 'auto', label: 'As sent' },
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
];
// ---- Per-hook settings ------------------------------------------------------------------------

export function renderHookPicker(): void {
  const select = byId<HTMLSelectElement>('hook-select');
  fill(select, ...ui.state!.hooks.map((hk) => h('option', { value: hk.id, selected: hk.id === ui.selected }, hk.name)));
  select.onchange = () => {
    ui.selected = select.value as HookId;
    renderHookSettings();
  };
}

export function renderHookSettings(): void {
  const hook = draftHook();
  const fields = hookState(ui.selected).fields;
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

export function renderKey(): void {
  const hook = ui.draft!.hooks[ui.selected];
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

export function addKeyField(): void {
  const picker = byId<HTMLSelectElement>('key-field');
  const hook = ui.draft!.hooks[ui.selected];
  if (picker.value && !hook.key.includes(picker.value)) hook.key.push(picker.value);
  picker.value = '';
  renderKey();
}

/** Where a field goes: a column of its own, or the row's "Other fields" cell. */
export const PLACES = [
  { value: 'column', label: 'Own column' },
  { value: 'other', label: 'In Other fields' },
] as const;

/**
 * The field list: the hook's columns in order (drag ⠿, Alt+↑/↓, ↑ ↓ or ⤒ to reorder), then the
 * fields kept in "Other fields". Each field shows its path and an example value; the search box
 * filters both lists by label, path or example.
 */
export function renderColumns(focus?: { field: string; control: string }): void {
  const hook = draftHook();
  const columns = hook.columns!;
  const examples = new Map(hookState(ui.selected).fields.map((f) => [f.path, f.example]));
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
export function applySearch(): void {
  const query = byId<HTMLInputElement>('column-search').value.trim().toLowerCase();
  // The fields in Other fields are folded away until asked for; a search looks in them too.
  if (query !== '') byId<HTMLDetailsElement>('other-section').open = true;
  for (const li of document.querySelectorAll<HTMLLIElement>('#columns li, #other-columns li')) {
    const label = li.querySelector<HTMLInputElement>('[data-control="label"]')?.value ?? '';
    li.hidden = query !== '' && !`${label}\n${li.textContent ?? ''}`.toLowerCase().includes(query);
  }
}

export function resetHook(): void {
  ui.draft!.hooks[ui.selected] = clone(hookState(ui.selected).defaults);
  renderHookSettings();
  message('save-status', 'Defaults restored in the form. Save to apply them.');
}

/**
 * Save asks the server first what the settings would do to the rows already written (previewSettings).
 * Nothing to change on the sheets: it saves at once. Otherwise the preview shows next to the button and
 * the user applies it or goes back to editing.
 */
export async function save(): Promise<void> {
  const preview = byId('save-preview');
  preview.hidden = true;
  preview.textContent = '';
  message('save-status', 'Checking what this changes…', 'busy');
  try {
    const planned = await server.previewSettings(ui.draft);
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

export async function apply(): Promise<void> {
  byId('save-preview').hidden = true;
  message('save-status', 'Saving…', 'busy');
  try {
    const result = await server.saveSettings(ui.draft);
    if (!result.ok) {
      message('save-status', result.error, 'error');
      return;
    }
    ui.setState(result.state);
    message('save-status', result.changes.length ? `Saved. ${result.changes.join(' ')}` : 'Saved. Nothing on the sheets needed to change.');
  } catch (err) {
    message('save-status', errorText(err), 'error');
  }
}

