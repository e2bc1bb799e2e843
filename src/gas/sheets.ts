/**
 * Sheet access on the delivery path. Each call into SpreadsheetApp is a round trip, so this module
 * reads as little as it can: the header is checked against the copy kept with the settings instead of
 * being re-read in full, rows are found with one TextFinder search (never by reading a column), and
 * the grid size is asked for only when a write needs room.
 */
import { columnRuns } from '../core/columns';
import { readBackForms, writtenText, type CellValue } from '../core/values';
import { noteGridGrowth } from './limits';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

const SPARE_COLUMNS = 5;
const SPARE_ROWS = 200;

/** A sheet with its header, read once for the execution. */
export interface OpenSheet {
  sheet: Sheet;
  header: string[];
  /** True when the header differs from the cached copy (or there was none): the caller stores the new one. */
  headerChanged: boolean;
  lastRow: number | null;
}

/**
 * Opens a sheet by name, creating it with a frozen header row when it does not exist. With a cached
 * header, one read of the header cells plus the next one confirms nobody moved, renamed or added a
 * column; only when that check fails is the whole header row read.
 */
export function openSheet(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  name: string,
  cachedHeader: readonly string[] | null,
): OpenSheet {
  let sheet = spreadsheet.getSheetByName(name);
  if (!sheet) {
    sheet = spreadsheet.insertSheet(name);
    noteGridGrowth();
    sheet.setFrozenRows(1);
    return { sheet, header: [], headerChanged: true, lastRow: 1 };
  }
  if (cachedHeader && cachedHeader.length > 0) {
    try {
      // The cell after the last known label must be empty: a column added there by someone else shows up.
      const cells = sheet
        .getRange(1, 1, 1, cachedHeader.length + 1)
        .getValues()[0]
        .map((v) => String(v));
      // A label written with its guard apostrophe matches whether or not the cell gives the apostrophe back.
      if (cachedHeader.every((label, i) => cells[i] === label || writtenText(cells[i]) === label) && cells[cachedHeader.length] === '') {
        return { sheet, header: [...cachedHeader], headerChanged: false, lastRow: null };
      }
    } catch {
      // The grid ends right after the cached header: read it in full below.
    }
  }
  const lastColumn = sheet.getLastColumn();
  const header =
    lastColumn > 0
      ? sheet
          .getRange(1, 1, 1, lastColumn)
          .getValues()[0]
          .map((v) => headerLabel(v))
      : [];
  return { sheet, header, headerChanged: true, lastRow: lastColumn > 0 ? null : 1 };
}

/** Writes new header labels at the right of the header row (bold), growing the grid when needed. */
export function appendHeaderLabels(open: OpenSheet, labels: readonly string[]): void {
  if (labels.length === 0) return;
  const start = open.header.length + 1;
  const needed = start + labels.length - 1;
  const maxColumns = open.sheet.getMaxColumns();
  // A few spare columns, so the header check in openSheet can look one cell past the last label.
  if (needed >= maxColumns) {
    open.sheet.insertColumnsAfter(maxColumns, needed - maxColumns + SPARE_COLUMNS);
    noteGridGrowth();
  }
  const range = open.sheet.getRange(1, start, 1, labels.length);
  range.setValues([labels.map((l) => textForHeader(l))]);
  range.setFontWeight('bold');
  open.header.push(...labels);
  open.headerChanged = true;
}

/** A header cell's label: its text without the guard apostrophe the app wrote, should the cell give it back. */
export function headerLabel(cell: unknown): string {
  return writtenText(String(cell));
}

/** Header labels are text too: a field named "=x" must not become a formula in the header. */
function textForHeader(label: string): string {
  return /^[=+\-@'#\s]|^\d|^(true|false)$/i.test(label) ? `'${label}` : label;
}

/** Escapes text for a TextFinder regular expression (the same escapes work in RE2 and JavaScript). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A column's letters in A1 notation (1 → A, 27 → AA). */
export function columnLetter(column: number): string {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * The search pattern for a key cell: the whole cell is the key, with or without the guard apostrophe it was
 * written with (a Plain-text cell may give it back: [UNCONFIRMED]). Exported for the in-sheet self-test.
 */
export function keyCellPattern(key: string): string {
  return `^(?:${readBackForms(key).map(escapeRegex).join('|')})$`;
}

/** Where an event's key and fingerprint already stand on the sheet. */
export interface Lookup {
  /** Row whose key cell equals the key, or null. */
  keyRow: number | null;
  /** Row whose fingerprint list holds the fingerprint, or null. */
  fingerprintRow: number | null;
}

/**
 * Finds the key row and the fingerprint in one server-side search over the key and fingerprint columns
 * (rows 2 to the end): a case-sensitive regular expression, the key anchored to the whole cell, the
 * fingerprint as part of the cell's list (so a kept guard apostrophe does not matter). Nothing of the columns is read into the script.
 */
export function lookup(open: OpenSheet, keyColumn: number, fingerprintColumn: number, key: string | null, fingerprint: string): Lookup {
  const first = key === null ? fingerprintColumn : Math.min(keyColumn, fingerprintColumn);
  const last = key === null ? fingerprintColumn : Math.max(keyColumn, fingerprintColumn);
  const pattern = key === null ? escapeRegex(fingerprint) : `${keyCellPattern(key)}|${escapeRegex(fingerprint)}`;
  const found = open.sheet
    .getRange(`${columnLetter(first)}2:${columnLetter(last)}`)
    .createTextFinder(pattern)
    .useRegularExpression(true)
    .matchCase(true)
    .findAll();
  const result: Lookup = { keyRow: null, fingerprintRow: null };
  for (const cell of found) {
    const column = cell.getColumn();
    if (column === fingerprintColumn && result.fingerprintRow === null) result.fingerprintRow = cell.getRow();
    else if (key !== null && column === keyColumn && result.keyRow === null) result.keyRow = cell.getRow();
  }
  return result;
}

/**
 * One search for a whole batch: true when any of the keys or fingerprints stands on the sheet. A batch
 * of new events (the usual case) then needs no search per event. `fingerprints` has one per event of the
 * batch, so the pattern is never empty.
 */
export function anyFound(
  open: OpenSheet,
  keyColumn: number,
  fingerprintColumn: number,
  keys: readonly string[],
  fingerprints: readonly string[],
): boolean {
  const first = Math.min(keyColumn, fingerprintColumn);
  const last = Math.max(keyColumn, fingerprintColumn);
  const parts = [...keys.map(keyCellPattern), ...fingerprints.map(escapeRegex)];
  const found = open.sheet
    .getRange(`${columnLetter(first)}2:${columnLetter(last)}`)
    .createTextFinder(parts.join('|'))
    .useRegularExpression(true)
    .matchCase(true)
    .findNext();
  return found !== null;
}

/** The first row after the sheet's last row with content. */
export function nextRow(open: OpenSheet): number {
  if (open.lastRow === null) open.lastRow = open.sheet.getLastRow();
  return Math.max(open.lastRow, 1) + 1;
}

/**
 * Writes cells of `rows` consecutive rows starting at `firstRow`: `cells[i]` maps column → value.
 * Only the given columns are written, one setValues per run of adjacent columns, so user columns between
 * the app's are never touched. Rows past the end of the grid are added first, only when the write needs them.
 * `lastColumn`, when given, is written last (0, the default, is no column).
 */
export function writeCells(open: OpenSheet, firstRow: number, cells: ReadonlyArray<ReadonlyMap<number, CellValue>>, lastColumn = 0): void {
  if (cells.length === 0) return;
  const columns = new Set<number>();
  for (const row of cells) for (const col of row.keys()) columns.add(col);
  // The run holding `lastColumn` (the fingerprint) goes last: if the execution dies between two runs,
  // the row is not yet marked as written, and a retry writes it again instead of calling it a duplicate.
  const holdsLast = (run: { columns: number[] }) => Number(run.columns.includes(lastColumn));
  const runs = columnRuns([...columns]).sort((a, b) => holdsLast(a) - holdsLast(b));
  const lastNeeded = firstRow + cells.length - 1;
  for (let i = 0; i < runs.length; i += 1) {
    const run = runs[i];
    const values = cells.map((row) => run.columns.map((col) => (row.has(col) ? row.get(col)! : '')));
    try {
      open.sheet.getRange(firstRow, run.start, cells.length, run.columns.length).setValues(values);
    } catch (err) {
      // Past the grid's last row: add the rows (one round trip, only when it happens) and write again.
      const maxRows = open.sheet.getMaxRows();
      if (i > 0 || lastNeeded <= maxRows) throw err;
      // Spare rows, so the next appends write straight away instead of growing the grid each time.
      noteGridGrowth();
      open.sheet.insertRowsAfter(maxRows, lastNeeded - maxRows + SPARE_ROWS);
      open.sheet.getRange(firstRow, run.start, cells.length, run.columns.length).setValues(values);
    }
  }
  if (open.lastRow !== null && lastNeeded > open.lastRow) open.lastRow = lastNeeded;
}
