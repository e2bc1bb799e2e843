/**
 * Saving settings acts on the sheets the user has: renames a hook's tab with its rows, relabels and adds
 * the app's columns, fills a field promoted from "Other fields", puts the app's columns in the sidebar's
 * order, hides unticked ones, and recomputes row keys after a key change. The same plan answers the
 * preview (reading only) and the save (under the script lock, so a delivery never sees half of it).
 */
import { headerIndex, mergeColumns, META } from '../core/columns';
import { planHeaderChanges } from '../core/header-plan';
import { HOOKS, hookById, type HookId } from '../core/hooks';
import type { Settings } from '../core/settings';
import { cellToFieldValue, count, planColumnMoves, promoteFromOtherFields, rekeyRows, rekeySentence } from '../core/settings-change';
import { textCell, toCellValue, type CellValue } from '../core/values';
import { KEYS, type ScriptStore } from './store';
import { columnsOf } from './settings-columns';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** The plain-language changes, and the steps that make them (run only by a save). */
export interface SettingsPlan {
  changes: string[];
  steps: Array<() => void>;
}

/**
 * Plans what `next` does to the existing sheets, compared with `previous`, or says why it cannot be done.
 * Reads the sheets (headers, and the columns a re-key or a promotion needs), writes nothing.
 */
export function planSettings(store: ScriptStore, spreadsheet: Spreadsheet, previous: Settings, next: Settings): SettingsPlan | string {
  const plan: SettingsPlan = { changes: [], steps: [] };
  const spelling = spelledTwoWays(next);
  if (spelling) return spelling;
  const renamed = planRenames(store, spreadsheet, previous, next, plan);
  for (const [name, ids] of sheetsOf(next)) {
    const moved = renamed.get(name.toLowerCase());
    const sheet = moved ? moved.sheet : spreadsheet.getSheetByName(name);
    if (!sheet || sheet.getLastColumn() === 0) continue;
    const problem = planSheet(store, sheet, name, moved ? moved.oldName : name, ids, previous, next, plan);
    if (problem) return problem;
  }
  return plan;
}

/** A tab the save renames, with the name its layout is stored under until then. */
interface Renamed {
  sheet: Sheet;
  oldName: string;
}

/** Each sheet name of the settings and the hooks that write to it, in hook order. */
function sheetsOf(settings: Settings): Map<string, HookId[]> {
  const bySheet = new Map<string, HookId[]>();
  for (const hook of HOOKS) {
    const name = settings.hooks[hook.id].sheet;
    const key = [...bySheet.keys()].find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    bySheet.set(key, [...(bySheet.get(key) ?? []), hook.id]);
  }
  return bySheet;
}

/**
 * Hooks that share a tab must spell its name the same way: Sheets takes names differing only in case for
 * one tab, and a delivery looking up the other spelling would find no tab or a layout stored under another key.
 */
function spelledTwoWays(settings: Settings): string | null {
  for (const [name, ids] of sheetsOf(settings)) {
    const other = ids.find((id) => settings.hooks[id].sheet !== name);
    if (other !== undefined)
      return `${hookById(ids[0]).name} writes to "${name}" and ${hookById(other).name} to "${settings.hooks[other].sheet}", which Sheets takes for the same sheet; spell the sheet name the same way for both.`;
  }
  return null;
}

/**
 * Renames: a tab moves to its new name with its rows when every hook that wrote to it now writes to the
 * same new name and that name is free. Otherwise its rows stay where they are, and the change says so.
 * Returns the renamed sheets by their new (lower-case) name.
 */
function planRenames(
  store: ScriptStore,
  spreadsheet: Spreadsheet,
  previous: Settings,
  next: Settings,
  plan: SettingsPlan,
): Map<string, Renamed> {
  const renamed = new Map<string, Renamed>();
  for (const [oldName, ids] of sheetsOf(previous)) {
    // A new spelling of the same name moves too: the tab is renamed to it.
    const moving = ids.filter((id) => next.hooks[id].sheet !== oldName);
    if (moving.length === 0) continue;
    const sheet = spreadsheet.getSheetByName(oldName);
    const rows = sheet ? Math.max(0, sheet.getLastRow() - 1) : 0;
    const names = (list: HookId[]) => list.map((id) => hookById(id).name).join(', ');
    const targets = new Set(moving.map((id) => next.hooks[id].sheet));
    // A hook of this tab whose new name differs only in case moves with the tab: it does not stay.
    const staying = HOOKS.filter((h) => next.hooks[h.id].sheet.toLowerCase() === oldName.toLowerCase() && !moving.includes(h.id)).map(
      (h) => h.id,
    );
    // Sheets refuses a second tab whose name differs only in case, so a tab given such a name is renamed, even when
    // empty, and even when other hooks of the tab move elsewhere: the hooks of the new spelling keep the tab.
    const recased = [...targets].find((t) => t.toLowerCase() === oldName.toLowerCase());
    if (!sheet || (rows === 0 && recased === undefined)) {
      for (const target of targets)
        plan.changes.push(`${names(moving.filter((id) => next.hooks[id].sheet === target))} will write to "${target}".`);
      continue;
    }
    const target = recased ?? [...targets][0];
    const existing = recased !== undefined ? null : spreadsheet.getSheetByName(target);
    const renaming = (targets.size === 1 || recased !== undefined) && staying.length === 0 && !existing;
    if (renaming) {
      plan.changes.push(`"${oldName}" is renamed "${target}" with its ${count(rows)} ${rows === 1 ? 'row' : 'rows'}.`);
      plan.steps.push(() => {
        sheet.setName(target);
        const layout = store.layout(oldName);
        store.setLayout(target, layout);
        store.deleteJson(KEYS.layoutPrefix + oldName);
      });
      renamed.set(target.toLowerCase(), { sheet, oldName });
    }
    // The rows stay on the tab, under its new name when it was renamed.
    const home = renaming ? target : oldName;
    for (const t of targets) {
      if (renaming && t === target) continue;
      const who = names(moving.filter((id) => next.hooks[id].sheet === t));
      const why = staying.length
        ? `which ${names(staying)} still ${staying.length === 1 ? 'uses' : 'use'}`
        : spreadsheet.getSheetByName(t)
          ? `because "${t}" already exists${store.layout(t).header || Object.keys(store.layout(t).fields).length ? ' (the rows of both now share it from here on)' : ''}`
          : 'because its hooks now write to different sheets';
      plan.changes.push(
        `${who} will write to "${t}"; ${rows === 1 ? 'the row written so far stays' : `the ${count(rows)} rows written so far stay`} on "${home}", ${why}.`,
      );
    }
  }
  return renamed;
}

/** One existing app sheet: header changes, promoted fields, order, hidden columns and row keys. */
function planSheet(
  store: ScriptStore,
  sheet: Sheet,
  name: string,
  layoutName: string,
  ids: HookId[],
  previous: Settings,
  next: Settings,
  plan: SettingsPlan,
): string | null {
  const lastColumn = sheet.getLastColumn();
  const header = sheet
    .getRange(1, 1, 1, lastColumn)
    .getValues()[0]
    .map((c) => cellToFieldValue(c as CellValue))
    .map((v) => (v === null ? '' : String(v)));
  const layoutNow = store.layout(layoutName);
  const hooks = ids.map((id) => ({ name: hookById(id).name, columns: columnsOf(next, id) }));
  const header0 = planHeaderChanges(name, header, layoutNow.fields, hooks);
  if (typeof header0 === 'string') return header0;
  const lastRow = sheet.getLastRow();
  const dataRows = Math.max(0, lastRow - 1);

  // Header after relabels and additions, as the later steps will see it.
  const after = [...header];
  for (const { column, label } of header0.relabel) after[column - 1] = label;
  for (const c of header0.add) after.push(c.label);
  const index = headerIndex(after);
  const fields = header0.layout.fields;
  const spec = mergeColumns(ids.map((id) => columnsOf(next, id)));
  const previousSpec = new Map(mergeColumns(ids.map((id) => columnsOf(previous, id))).map((c) => [c.field, c]));

  for (const { column, label } of header0.relabel) plan.changes.push(`"${name}": column ${column} is now "${label}".`);
  if (header0.add.length) plan.changes.push(`"${name}": adds ${header0.add.map((c) => `"${c.label}"`).join(', ')}.`);
  const otherColumn = index.get(META.otherFields);
  const promoted =
    header0.add.length && otherColumn !== undefined && dataRows > 0
      ? sheet
          .getRange(2, otherColumn, dataRows, 1)
          .getValues()
          .map((r) => r[0] as CellValue)
      : null;
  let otherNow = promoted;
  const fills: Array<{ column: number; values: CellValue[] }> = [];
  for (const c of header0.add) {
    if (!otherNow) break;
    const p = promoteFromOtherFields(otherNow, c.field);
    if (p.filled === 0) continue;
    const setting = spec.find((s) => s.field === c.field);
    fills.push({ column: index.get(c.label)!, values: p.values.map((v) => toCellValue(v, setting ? setting.typing : 'auto')) });
    otherNow = p.other;
    plan.changes.push(`"${name}": "${c.label}" is filled on ${count(p.filled)} ${p.filled === 1 ? 'row' : 'rows'} from Other fields.`);
  }

  // The app's columns of this sheet's settings, in the sidebar's order, as they stand after the header step.
  const ordered = spec
    .filter((c) => fieldLabel(fields, c.field) !== undefined && index.has(fieldLabel(fields, c.field)!))
    .map((c) => fieldLabel(fields, c.field)!);
  const slots = ordered.map((label) => index.get(label)!).sort((a, b) => a - b);
  const current = slots.map((p) => after[p - 1]);
  const moves = planColumnMoves(slots, current, ordered);
  if (moves.length)
    plan.changes.push(
      `"${name}": columns move into the sidebar's order (${count(new Set(moves.map((m) => m.from)).size)} moved; your own columns stay where they are).`,
    );

  // Unticked columns are hidden with their data; ticked again, shown.
  const visibility: Array<{ label: string; hide: boolean }> = [];
  for (const c of spec) {
    const label = fieldLabel(fields, c.field);
    if (label === undefined || !index.has(label)) continue;
    const before = previousSpec.get(c.field);
    if (before && before.include === c.include) continue;
    if (!before && c.include) continue;
    visibility.push({ label, hide: !c.include });
    plan.changes.push(
      c.include ? `"${name}": "${label}" is shown again.` : `"${name}": "${label}" is hidden; its data stays (tick it to show it again).`,
    );
  }

  // A new key: every row's key from its own values.
  const keyed = next.hooks[ids[0]].mode !== 'append';
  const keyFields = next.hooks[ids[0]].key;
  const keyChanged =
    keyed && (previous.hooks[ids[0]].mode === 'append' || previous.hooks[ids[0]].key.join('\u0000') !== keyFields.join('\u0000'));
  let rekeyed: string[] | null = null;
  if (keyChanged && dataRows > 0) {
    const byField: ReturnType<typeof cellToFieldValue>[][] = [];
    for (const field of keyFields) {
      const label = fieldLabel(fields, field);
      if (label !== undefined && index.has(label)) {
        const column = index.get(label)!;
        const fill = fills.find((f) => f.column === column);
        byField.push(
          fill
            ? fill.values.map(cellToFieldValue)
            : sheet
                .getRange(2, column, dataRows, 1)
                .getValues()
                .map((r) => cellToFieldValue(r[0] as CellValue)),
        );
        continue;
      }
      const source =
        otherNow ??
        (otherColumn !== undefined
          ? sheet
              .getRange(2, otherColumn, dataRows, 1)
              .getValues()
              .map((r) => r[0] as CellValue)
          : null);
      const found = source ? promoteFromOtherFields(source, field) : null;
      if (!found || found.filled === 0) {
        return `"${name}" has no values of "${field}" on its ${count(dataRows)} rows (no column holds it and Other fields does not have it), so the rows cannot be re-keyed by it. Keep the old key, or choose a field the rows have.`;
      }
      byField.push(found.values);
    }
    const result = rekeyRows(byField, 2);
    rekeyed = result.keys;
    const labels = keyFields.map((f) => spec.find((c) => c.field === f)?.label ?? f);
    plan.changes.push(`${rekeySentence(name, dataRows - result.blank, labels, result)}.`);
  }

  const rowKeyColumn = index.get(META.rowKey);
  plan.steps.push(() => {
    for (const { column, label } of header0.relabel) sheet.getRange(1, column).setValue(textCell(label));
    if (header0.add.length) {
      const start = lastColumn + 1;
      const needed = start + header0.add.length - 1;
      if (needed > sheet.getMaxColumns()) sheet.insertColumnsAfter(sheet.getMaxColumns(), needed - sheet.getMaxColumns());
      const range = sheet.getRange(1, start, 1, header0.add.length);
      range.setValues([header0.add.map((c) => textCell(c.label))]);
      range.setFontWeight('bold');
    }
    for (const f of fills) sheet.getRange(2, f.column, dataRows, 1).setValues(f.values.map((v) => [v]));
    if (fills.length && otherNow && otherColumn !== undefined)
      sheet.getRange(2, otherColumn, dataRows, 1).setValues(otherNow.map((v) => [textCell(String(v))]));
    if (rekeyed && rowKeyColumn !== undefined) sheet.getRange(2, rowKeyColumn, dataRows, 1).setValues(rekeyed.map((k) => [textCell(k)]));
    for (const m of moves) sheet.moveColumns(sheet.getRange(1, m.from), m.destination);
    // The header as it now stands: where each column went, and the layout the next delivery checks without a header read.
    const finalHeader = sheet
      .getRange(1, 1, 1, sheet.getLastColumn())
      .getValues()[0]
      .map((c) => String(cellToFieldValue(c as CellValue) ?? ''));
    const at = headerIndex(finalHeader);
    for (const v of visibility) {
      const column = at.get(v.label);
      if (column === undefined) continue;
      if (v.hide) sheet.hideColumns(column);
      else sheet.showColumns(column);
    }
    store.setLayout(name, { fields, header: finalHeader });
  });
  return null;
}

/** The label of the app's column for a field on a sheet, from its layout. */
function fieldLabel(fields: Readonly<Record<string, string>>, field: string): string | undefined {
  for (const label of Object.keys(fields)) if (fields[label] === field) return label;
  return undefined;
}
