/**
 * Column mapping by header name. Users reorder columns, insert their own and sort rows, so the app
 * never writes by position: it reads the header row, finds each of its own columns by label, adds
 * columns for new fields at the right, and never writes a column it did not create.
 */
import type { Field } from './flatten';
import { exampleFields, type HookDefinition } from './hooks';
import { MAX_AUTO_COLUMNS, type ColumnSetting } from './settings';

/** The app's own bookkeeping columns, present on every sheet it writes. */
export const META = {
  receivedAt: 'Received at',
  rowKey: 'Row key',
  fingerprint: 'Fingerprint',
  otherFields: 'Other fields',
} as const;

const META_LABELS: readonly string[] = [META.receivedAt, META.rowKey, META.fingerprint, META.otherFields];

/**
 * Which header labels belong to the app on one sheet, and the field each one holds.
 * Stored with the settings; a header label not in here is the user's and is never written.
 */
export interface SheetLayout {
  /** label → field path, in the order the columns were created. */
  fields: Record<string, string>;
  /** The header row as the app last saw or wrote it, so a delivery can check it instead of reading it all. */
  header?: string[];
}

export function emptyLayout(): SheetLayout {
  return { fields: Object.create(null) as Record<string, string> };
}

/** Header cell text as the app compares it. */
function headerLabel(cell: unknown): string {
  return String(cell ?? '').trim();
}

/** Label → 1-based column, from the header row (first occurrence wins). */
export function headerIndex(header: readonly unknown[]): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((cell, i) => {
    const label = headerLabel(cell);
    if (label && !index.has(label)) index.set(label, i + 1);
  });
  return index;
}

export interface ColumnPlan {
  /** Labels to add at the right of the header, in order. */
  newLabels: string[];
  /** The layout after the new labels. */
  layout: SheetLayout;
  /** Label of each field path that has a column; fields without one go to "Other fields". */
  labelOf: Map<string, string>;
}

/**
 * Plans the columns a batch of events needs on one sheet. Fields that already have a column keep it;
 * a field the settings list gets a column with its configured label; other new fields get a column
 * labelled with their dot path when `addNewFields` is on, up to MAX_AUTO_COLUMNS, and otherwise travel
 * as JSON in "Other fields". A label a user column already has gets a " (iClosed)" suffix. On a new
 * sheet every included column of the settings is laid out first, in their order.
 */
export function planColumns(
  header: readonly unknown[],
  layout: SheetLayout,
  eventsFields: ReadonlyArray<readonly Field[]>,
  options: { addNewFields: boolean; spec: readonly ColumnSetting[]; maxAutoColumns?: number },
): ColumnPlan {
  const index = headerIndex(header);
  const fields: Record<string, string> = Object.assign(Object.create(null), layout.fields);
  const labelByPath = new Map<string, string>();
  for (const label of Object.keys(fields)) labelByPath.set(fields[label], label);
  const specByField = new Map(options.spec.map((c) => [c.field, c]));
  const newLabels: string[] = [];
  const taken = new Set<string>(index.keys());
  const cap = options.maxAutoColumns ?? MAX_AUTO_COLUMNS;
  let autoOwned = Object.keys(fields).filter((label) => !specByField.has(fields[label])).length;

  const ensure = (label: string): void => {
    if (!index.has(label) && !newLabels.includes(label)) {
      newLabels.push(label);
      taken.add(label);
    }
  };

  const isNewSheet = index.size === 0;
  if (isNewSheet) ensure(META.receivedAt);

  const labelOf = new Map<string, string>();
  const wanted = [
    ...(isNewSheet ? options.spec.filter((c) => c.include && !c.inOtherFields).map((c) => c.field) : []),
    ...eventsFields.flatMap((fs) => fs.map((f) => f.path)),
  ];
  for (const path of wanted) {
    if (labelOf.has(path)) continue;
    const spec = specByField.get(path);
    const existing = labelByPath.get(path);
    // An unticked field gets no new column; a column it already has is hidden by the save and still
    // written, and without one its values travel in "Other fields": unticking never loses data.
    if (spec && !spec.include && existing === undefined) continue;
    if (existing !== undefined) {
      labelOf.set(path, existing);
      ensure(existing); // a column the user deleted comes back, so nothing is lost
      continue;
    }
    // A field the settings keep in "Other fields" gets no new column (a column it already has is still written, so nothing goes blank).
    if (spec && spec.inOtherFields) continue;
    // The cap counts columns added automatically; the columns the settings list are always laid out.
    if (!spec && (!options.addNewFields || autoOwned >= cap)) continue;
    const label = freeLabel(spec ? spec.label : path, taken);
    fields[label] = path;
    labelByPath.set(path, label);
    labelOf.set(path, label);
    if (!spec) autoOwned += 1;
    ensure(label);
  }
  ensure(META.rowKey);
  ensure(META.fingerprint);
  ensure(META.receivedAt); // already first on a new sheet; on an old one that lost it, it comes back at the right
  const overflows = eventsFields.some((fs) => fs.some((f) => !labelOf.has(f.path) && f.value !== null));
  if (overflows || index.has(META.otherFields)) ensure(META.otherFields);
  return { newLabels, layout: { fields }, labelOf };
}

/**
 * The default columns of a hook: its essentials first, under plain labels, then every other known field
 * (labelled by its dot path) kept in "Other fields", so a row costs a dozen cells instead of eighty.
 */
export function defaultColumns(
  essentials: ReadonlyArray<{ field: string; label: string }>,
  knownFields: readonly string[],
): ColumnSetting[] {
  const columns: ColumnSetting[] = essentials.map((e) => ({ field: e.field, include: true, label: e.label, typing: 'auto' }));
  const listed = new Set(essentials.map((e) => e.field));
  for (const field of knownFields)
    if (!listed.has(field)) columns.push({ field, include: true, label: field, typing: 'auto', inOtherFields: true });
  return columns;
}

/** A hook's default columns: its essentials, then its other documented fields in "Other fields". */
export function hookDefaultColumns(hook: HookDefinition): ColumnSetting[] {
  return defaultColumns(hook.essentials, exampleFields(hook));
}

/** The columns of several hooks sharing one sheet: the first hook's setting of a field wins. */
export function mergeColumns(specs: ReadonlyArray<readonly ColumnSetting[]>): ColumnSetting[] {
  const seen = new Set<string>();
  const merged: ColumnSetting[] = [];
  for (const spec of specs) {
    for (const c of spec) {
      if (seen.has(c.field)) continue;
      seen.add(c.field);
      merged.push(c);
    }
  }
  return merged;
}

/** A label for a new column: the wanted one, or with " (iClosed)" when a user column already has it. */
function freeLabel(raw: string, taken: ReadonlySet<string>): string {
  // Header cells are compared trimmed, so a label must read back as itself: collapse and trim white space.
  const wanted = raw.replace(/\s+/g, ' ').trim().slice(0, 500) || '(blank)';
  const isMeta = META_LABELS.includes(wanted);
  if (!taken.has(wanted) && !isMeta) return wanted;
  let label = `${wanted} (iClosed)`;
  for (let n = 2; taken.has(label); n += 1) label = `${wanted} (iClosed ${n})`;
  return label;
}

/** Runs of consecutive columns, so a row is written with one call per run, skipping user columns. */
export function columnRuns(columns: readonly number[]): Array<{ start: number; columns: number[] }> {
  const sorted = [...new Set(columns)].sort((a, b) => a - b);
  const runs: Array<{ start: number; columns: number[] }> = [];
  for (const col of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.start + last.columns.length === col) last.columns.push(col);
    else runs.push({ start: col, columns: [col] });
  }
  return runs;
}
