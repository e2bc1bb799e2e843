/** Sheet access: creating sheets, reading and extending the header, finding rows, writing runs of cells. */
import { columnRuns } from '../core/columns';
import type { CellValue } from '../core/values';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** A sheet with its header read once for the execution. */
export interface OpenSheet {
  sheet: Sheet;
  header: string[];
  lastRow: number;
  maxRows: number;
  maxColumns: number;
}

/** Opens a sheet by name, creating it with a frozen, bold header row when it does not exist. */
export function openSheet(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, name: string): OpenSheet {
  let sheet = spreadsheet.getSheetByName(name);
  if (!sheet) {
    sheet = spreadsheet.insertSheet(name);
    sheet.setFrozenRows(1);
  }
  const lastColumn = sheet.getLastColumn();
  const header = lastColumn > 0 ? sheet.getRange(1, 1, 1, lastColumn).getValues()[0].map((v) => String(v)) : [];
  return { sheet, header, lastRow: sheet.getLastRow(), maxRows: sheet.getMaxRows(), maxColumns: sheet.getMaxColumns() };
}

/** Writes new header labels at the right of the header row (bold), growing the grid when needed. */
export function appendHeaderLabels(open: OpenSheet, labels: readonly string[]): void {
  if (labels.length === 0) return;
  const start = open.header.length + 1;
  const needed = start + labels.length - 1;
  if (needed > open.maxColumns) {
    open.sheet.insertColumnsAfter(open.maxColumns, needed - open.maxColumns);
    open.maxColumns = needed;
  }
  const range = open.sheet.getRange(1, start, 1, labels.length);
  range.setValues([labels.map((l) => textForHeader(l))]);
  range.setFontWeight('bold');
  open.header.push(...labels);
  if (open.lastRow < 1) open.lastRow = 1;
}

/** Header labels are text too: a field named "=x" must not become a formula in the header. */
function textForHeader(label: string): string {
  return /^[=+\-@'#\s]|^\d|^(true|false)$/i.test(label) ? `'${label}` : label;
}

/**
 * The row (1-based) whose cell in `column` matches `text`: entire cell or, with `partial`, part of it;
 * always case-sensitive. Searches with TextFinder, so the column is not read into the script.
 */
export function findRow(open: OpenSheet, column: number, text: string, partial = false): number | null {
  if (open.lastRow < 2 || !text) return null;
  const found = open.sheet
    .getRange(2, column, open.lastRow - 1, 1)
    .createTextFinder(text)
    .matchCase(true)
    .matchEntireCell(!partial)
    .findNext();
  return found ? found.getRow() : null;
}

/** Makes room for `count` rows after the last row; returns the first new row. */
export function reserveRows(open: OpenSheet, count: number): number {
  const first = Math.max(open.lastRow, 1) + 1;
  const needed = first + count - 1;
  if (needed > open.maxRows) {
    open.sheet.insertRowsAfter(open.maxRows, needed - open.maxRows);
    open.maxRows = needed;
  }
  open.lastRow = needed;
  return first;
}

/**
 * Writes cells of `rows` consecutive rows starting at `firstRow`: `cells[i]` maps column → value.
 * Only the given columns are written, one setValues per run of adjacent columns, so user columns between
 * the app's are never touched.
 */
export function writeCells(open: OpenSheet, firstRow: number, cells: ReadonlyArray<ReadonlyMap<number, CellValue>>): void {
  if (cells.length === 0) return;
  const columns = new Set<number>();
  for (const row of cells) for (const col of row.keys()) columns.add(col);
  for (const run of columnRuns([...columns])) {
    const values = cells.map((row) => run.columns.map((col) => (row.has(col) ? row.get(col)! : '')));
    open.sheet.getRange(firstRow, run.start, cells.length, run.columns.length).setValues(values);
  }
}
