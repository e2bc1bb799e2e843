/**
 * Column mapping by header name. Users reorder columns, insert their own and sort rows, so the app
 * never writes by position: it reads the header row, finds each of its own columns by label, adds
 * columns for new fields at the right, and never writes a column it did not create.
 */
import type { Field } from './flatten';
import { MAX_AUTO_COLUMNS } from './settings';

/** The app's own bookkeeping columns, present on every sheet it writes. */
export const META = {
  receivedAt: 'Received at',
  rowKey: 'Row key',
  fingerprint: 'Fingerprint',
  otherFields: 'Other fields',
} as const;

export const META_LABELS: readonly string[] = [META.receivedAt, META.rowKey, META.fingerprint, META.otherFields];

/**
 * Which header labels belong to the app on one sheet, and the field each one holds.
 * Stored with the settings; a header label not in here is the user's and is never written.
 */
export interface SheetLayout {
  /** label → field path, in the order the columns were created. */
  fields: Record<string, string>;
}

export function emptyLayout(): SheetLayout {
  return { fields: Object.create(null) as Record<string, string> };
}

/** Header cell text as the app compares it. */
export function headerLabel(cell: unknown): string {
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
  /** label for each field path the events carry, or undefined when it goes to "Other fields". */
  labelOf: Map<string, string>;
}

/**
 * Plans the columns a batch of events needs on one sheet. Fields that already have a column keep it;
 * new fields get a column labelled with their dot path (suffixed when a user column has that label),
 * up to MAX_AUTO_COLUMNS; the rest travel as JSON in "Other fields". Meta columns are added when missing.
 */
export function planColumns(
  header: readonly unknown[],
  layout: SheetLayout,
  eventsFields: ReadonlyArray<readonly Field[]>,
  options: { addNewFields: boolean; knownFields?: readonly string[]; maxAutoColumns?: number },
): ColumnPlan {
  const index = headerIndex(header);
  const fields: Record<string, string> = Object.assign(Object.create(null), layout.fields);
  const labelByPath = new Map<string, string>();
  for (const label of Object.keys(fields)) labelByPath.set(fields[label], label);
  const newLabels: string[] = [];
  const taken = new Set<string>(index.keys());
  const cap = options.maxAutoColumns ?? MAX_AUTO_COLUMNS;
  let owned = Object.keys(fields).length;

  const ensure = (label: string): void => {
    if (!index.has(label) && !newLabels.includes(label)) {
      newLabels.push(label);
      taken.add(label);
    }
  };

  // The first write to a sheet lays out every known field of its hook, in the documented order.
  const isNewSheet = index.size === 0;
  if (isNewSheet) ensure(META.receivedAt);

  const labelOf = new Map<string, string>();
  const wanted = [...(isNewSheet ? options.knownFields ?? [] : []), ...eventsFields.flatMap((fs) => fs.map((f) => f.path))];
  for (const path of wanted) {
    if (labelOf.has(path)) continue;
    const existing = labelByPath.get(path);
    if (existing !== undefined) {
      labelOf.set(path, existing);
      ensure(existing); // a column the user deleted comes back, so nothing is lost
      continue;
    }
    if (!(options.addNewFields || isNewSheet) || owned >= cap) continue;
    const label = freeLabel(path, taken);
    fields[label] = path;
    labelByPath.set(path, label);
    labelOf.set(path, label);
    owned += 1;
    ensure(label);
  }
  ensure(META.rowKey);
  ensure(META.fingerprint);
  if (!isNewSheet) ensure(META.receivedAt);
  const overflows = eventsFields.some((fs) => fs.some((f) => !labelOf.has(f.path) && f.value !== null));
  if (overflows || index.has(META.otherFields)) ensure(META.otherFields);
  return { newLabels, layout: { fields }, labelOf };
}

/** A label for a new field: its path, or the path with " (iClosed)" when a user column already has that label. */
function freeLabel(path: string, taken: ReadonlySet<string>): string {
  const isMeta = META_LABELS.includes(path);
  if (!taken.has(path) && !isMeta) return path;
  let label = `${path} (iClosed)`;
  for (let n = 2; taken.has(label); n += 1) label = `${path} (iClosed ${n})`;
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
