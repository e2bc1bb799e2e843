/**
 * What saving settings does to the rows already written, as pure decisions: the column moves that put
 * the app's columns into the sidebar's order, the row keys recomputed from a row's own values, the
 * values a field promoted from "Other fields" brings to its new column, and the sentences the preview shows.
 */
import { keyPart } from './keys';
import type { FieldValue } from './flatten';
import type { CellValue } from './values';

/** One `Sheet.moveColumns(column, destinationIndex)` call: `destination` counts positions before the move. */
export interface ColumnMove {
  from: number;
  destination: number;
}

/**
 * The moves that put the labels at `slots` (1-based positions, ascending, one label each in `current`)
 * into the order `desired` (the same labels), leaving every column that is not a slot (the user's own,
 * the app's bookkeeping ones) exactly where it stands.
 *
 * Rule: slots are filled left to right. When everything between the slot and the wanted column is a
 * slot too, one move brings the column in (the columns it passes are all still to be placed). Otherwise
 * two moves swap the two columns, and the columns between go back where they were. At most two moves
 * per slot, never a call per row (Sheet.moveColumns moves whole columns with their data and formats:
 * https://developers.google.com/apps-script/reference/spreadsheet/sheet#movecolumnscolumnspec,-destinationindex).
 */
export function planColumnMoves(slots: readonly number[], current: readonly string[], desired: readonly string[]): ColumnMove[] {
  if (slots.length !== current.length || current.length !== desired.length)
    throw new Error('slots, current and desired must have one entry per column');
  const isSlot = new Set(slots);
  const at = new Map<number, string>(); // position → label, slots only
  slots.forEach((p, i) => at.set(p, current[i]));
  const positionOf = (label: string): number => {
    for (const [p, l] of at) if (l === label) return p;
    throw new Error(`"${label}" is not one of the columns being ordered`);
  };
  const moves: ColumnMove[] = [];
  slots.forEach((p, k) => {
    const want = desired[k];
    const q = positionOf(want);
    if (q === p) return;
    let contiguous = true;
    for (let x = p + 1; x < q; x++) if (!isSlot.has(x)) contiguous = false;
    const displaced = at.get(p)!;
    if (contiguous) {
      // q → p: the slot columns p..q-1 each shift one to the right.
      moves.push({ from: q, destination: p });
      const shifted = slots.filter((s) => s >= p && s < q).map((s) => at.get(s)!);
      at.set(p, want);
      const later = slots.filter((s) => s > p && s <= q);
      later.forEach((s, i) => at.set(s, shifted[i]));
    } else {
      // Swap p and q: q → p, then the displaced column (now at p+1) → q; the columns between return.
      moves.push({ from: q, destination: p }, { from: p + 1, destination: q + 1 });
      at.set(p, want);
      at.set(q, displaced);
    }
  });
  return moves;
}

/** Applies moveColumns' rule to a list of column identities (positions 1-based): used by the tests and the preview. */
export function applyColumnMoves<T>(columns: readonly T[], moves: readonly ColumnMove[]): T[] {
  let cols = [...columns];
  for (const m of moves) {
    const moved = cols[m.from - 1];
    const before: T | undefined = cols[m.destination - 1]; // undefined past the end: the column goes last
    const rest = cols.filter((_, i) => i !== m.from - 1);
    const index = before === undefined ? rest.length : rest.indexOf(before);
    cols = [...rest.slice(0, index), moved, ...rest.slice(index)];
  }
  return cols;
}

/** A cell as read back (getValues) turned into the field value it was written from, for key parts. */
export function cellToFieldValue(cell: CellValue | null | undefined): FieldValue {
  if (cell === null || cell === undefined || cell === '') return null;
  if (typeof cell === 'number' || typeof cell === 'boolean') return cell;
  if (Object.prototype.toString.call(cell) === '[object Date]') return (cell as Date).toISOString();
  const text = String(cell);
  // Written behind an apostrophe; a cell that gives it back still means the same text.
  return text.startsWith("'") ? text.slice(1) : text;
}

/** The row key from a row's key values, as src/core/keys.ts rowKey builds it from an event; null when a part is empty. */
export function rowKeyFromValues(values: readonly FieldValue[]): string | null {
  if (values.length === 0) return null;
  const parts = values.map((v) => keyPart(v));
  if (parts.some((p) => p === '')) return null;
  return parts.length === 1 ? parts[0] : JSON.stringify(parts);
}

/** New row keys for rows whose key values are given per key field (column-major, one array per field). */
export interface Rekey {
  /** One key per row ('' where a part is missing: such a row is matched by fingerprint only). */
  keys: string[];
  /** Rows (1-based sheet rows) that now share a key, each group listed top first; the topmost is the one later deliveries update. */
  shared: number[][];
  /** Rows whose key could not be built (a key field empty on that row). */
  blank: number;
}

export function rekeyRows(valuesByField: ReadonlyArray<ReadonlyArray<FieldValue>>, firstRow: number): Rekey {
  const rows = valuesByField.length ? valuesByField[0].length : 0;
  const keys: string[] = [];
  const rowsOf = new Map<string, number[]>();
  let blank = 0;
  for (let i = 0; i < rows; i++) {
    const key = rowKeyFromValues(valuesByField.map((column) => column[i]));
    if (key === null) {
      keys.push('');
      blank += 1;
      continue;
    }
    keys.push(key);
    const list = rowsOf.get(key);
    if (list) list.push(firstRow + i);
    else rowsOf.set(key, [firstRow + i]);
  }
  const shared = [...rowsOf.values()].filter((list) => list.length > 1);
  return { keys, shared, blank };
}

/** A field's value taken out of each row's "Other fields" JSON, and the JSON left without it. */
export interface Promotion {
  values: FieldValue[];
  other: string[];
  /** Rows that had the field. */
  filled: number;
}

export function promoteFromOtherFields(otherCells: ReadonlyArray<CellValue | null>, field: string): Promotion {
  const values: FieldValue[] = [];
  const other: string[] = [];
  let filled = 0;
  for (const cell of otherCells) {
    const text = cellToFieldValue(cell);
    let parsed: Record<string, unknown> | null = null;
    if (typeof text === 'string' && text.startsWith('{')) {
      try {
        // JSON text that starts with "{" is an object or does not parse at all.
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // a cut or hand-edited cell: left as it is (parsed stays null)
      }
    }
    if (!parsed || !Object.prototype.hasOwnProperty.call(parsed, field)) {
      values.push(null);
      other.push(text === null ? '' : String(text));
      continue;
    }
    const v = parsed[field];
    values.push(v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v));
    delete parsed[field];
    other.push(Object.keys(parsed).length ? JSON.stringify(parsed) : '');
    filled += 1;
  }
  return { values, other, filled };
}

/** "1,204" (grouped the same way whatever the server's locale). */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "rows 17 and 88", "rows 3, 9 and 12", with at most `max` numbers shown. */
export function rowList(rows: readonly number[], max = 6): string {
  const shown = rows.slice(0, max).map(String);
  const more = rows.length - shown.length;
  if (more > 0) return `rows ${shown.join(', ')} and ${count(more)} more`;
  if (shown.length === 1) return `row ${shown[0]}`;
  return `rows ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The sentence for a re-key, e.g. `1,204 rows re-keyed by Email; rows 17 and 88 now share a key`. */
export function rekeySentence(sheet: string, rows: number, keyLabels: readonly string[], result: Pick<Rekey, 'shared' | 'blank'>): string {
  const parts = [`"${sheet}": ${count(rows)} ${rows === 1 ? 'row' : 'rows'} re-keyed by ${keyLabels.join(' + ')}`];
  for (const group of result.shared.slice(0, 5)) parts.push(`${rowList(group)} now share a key (later deliveries update row ${group[0]})`);
  if (result.shared.length > 5) parts.push(`${count(result.shared.length - 5)} more groups of rows share a key`);
  if (result.blank)
    parts.push(
      `${count(result.blank)} ${result.blank === 1 ? 'row has' : 'rows have'} no value for the key and will be matched by content only`,
    );
  return parts.join('; ');
}
