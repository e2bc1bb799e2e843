/** The header-change plan for settings being saved: which of an app sheet's header cells to relabel, and which columns to add. */
import { headerIndex } from './columns';
import type { ColumnSetting } from './settings';

/** A hook that writes to the sheet: its name (for messages) and its columns. */
export interface SheetHook {
  name: string;
  columns: readonly ColumnSetting[];
}

/** What applying settings changes in one existing sheet, and the layout it leaves. */
export interface HeaderChanges {
  relabel: Array<{ column: number; label: string }>;
  add: Array<{ field: string; label: string }>;
  layout: { fields: Record<string, string> };
}

/**
 * Plans one existing sheet's header for new settings, or says why it cannot: relabels the app's own
 * columns in place and adds missing included ones at the right. Never deletes a column, never claims a
 * user's column, and never writes into a sheet with content the app did not create (no layout fields).
 * `header` is row 1 as read; `layoutFields` maps the app's labels to fields.
 */
export function planHeaderChanges(
  sheetName: string,
  header: readonly unknown[],
  layoutFields: Readonly<Record<string, string>>,
  hooks: readonly SheetHook[],
): HeaderChanges | string {
  const index = headerIndex(header);
  if (Object.keys(layoutFields).length === 0) {
    // A sheet with content the app did not create is the user's: never write into it.
    return `"${sheetName}" is one of your own sheets, not one this app created; choose another sheet name for ${hooks.map((h) => h.name).join(', ')}, or an empty or new sheet.`;
  }
  const fields: Record<string, string> = Object.assign(Object.create(null), layoutFields);
  const labelOfField = new Map(Object.keys(fields).map((label) => [fields[label], label]));
  const plan: HeaderChanges = { relabel: [], add: [], layout: { fields } };
  const handled = new Set<string>();
  for (const hook of hooks) {
    for (const c of hook.columns) {
      if (!c.include || c.inOtherFields || handled.has(c.field)) continue;
      handled.add(c.field);
      const current = labelOfField.get(c.field);
      // Its column already has the label (asked by label, not by field: an older layout may name two labels for one field).
      if (fields[c.label] === c.field && index.has(c.label)) continue;
      if (index.has(c.label)) {
        const owner = fields[c.label] !== undefined ? `the app's column for "${fields[c.label]}"` : 'one of your own columns';
        return `"${sheetName}" already has a column "${c.label}" (${owner}); choose another label for "${c.field}" in ${hook.name}.`;
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
  return plan;
}
