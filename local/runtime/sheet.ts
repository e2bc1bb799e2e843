// Sheet: one tab of a spreadsheet (its grid, rows and columns, and its charts).
import { instrument, Service } from './calls';
import { EmbeddedChartBuilderImpl, EmbeddedChartImpl } from './charts';
import { fail } from './errors';
import { copyChart, newChartId, type ChartModel, type SheetModel, type Workbook } from './model';
import { TEXT_FORMAT } from './number-format';
import { makeRange, parseA1 } from './range';
import type { SharedState } from './shared-state';
import { sortBlock } from './sort';
import { TextFinderImpl } from './textfinder';
import { parseInput } from './value-parsing';
import { bufferWrites } from './write-buffer';

const wrappers = new WeakMap<SheetModel, SheetImpl>();

/** The Sheet object of a sheet (one per sheet, so === holds); `parent` is its spreadsheet's one Spreadsheet object. */
export function wrapSheet(rt: SharedState, parent: GoogleAppsScript.Spreadsheet.Spreadsheet, wb: Workbook, sh: SheetModel): SheetImpl {
  let w = wrappers.get(sh);
  if (!w) {
    w = new SheetImpl(rt, parent, wb, sh);
    wrappers.set(sh, w);
  }
  return w;
}

/** One sheet (tab). */
export class SheetImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    readonly __parent: GoogleAppsScript.Spreadsheet.Spreadsheet,
    readonly __wb: Workbook,
    readonly __sh: SheetModel,
  ) {
    super(rt);
    Object.defineProperty(this, '__parent', { enumerable: false });
    Object.defineProperty(this, '__wb', { enumerable: false });
    Object.defineProperty(this, '__sh', { enumerable: false });
  }
  /** This object as the Sheet type the chained methods return. */
  private _self(): GoogleAppsScript.Spreadsheet.Sheet {
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  private _live(): SheetModel {
    if (!this.__wb.sheets.includes(this.__sh)) fail('The sheet has been deleted.');
    return this.__sh;
  }
  getName(): string {
    return this.__sh.name;
  }
  /** Rename; a taken name fails. [UNCONFIRMED wording] */
  setName(name: string): GoogleAppsScript.Spreadsheet.Sheet {
    const n = String(name);
    if (this.__wb.sheets.some((s) => s !== this.__sh && s.name.toLowerCase() === n.toLowerCase())) {
      fail(`A sheet with the name "${n}" already exists. Please enter another name.`);
    }
    this.__sh.name = n;
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  getSheetId(): number {
    return this.__sh.sheetId;
  }
  /** 1-based position (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getindex). */
  getIndex(): number {
    return this.__wb.sheets.indexOf(this.__sh) + 1;
  }
  getParent(): GoogleAppsScript.Spreadsheet.Spreadsheet {
    return this.__parent;
  }
  getMaxRows(): number {
    return this._live().maxRows;
  }
  getMaxColumns(): number {
    return this._live().maxCols;
  }
  /** Last row with content, 0 on an empty sheet (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getlastrow). */
  getLastRow(): number {
    return this._live().lastRow();
  }
  /** Last column with content, 0 on an empty sheet. */
  getLastColumn(): number {
    return this._live().lastColumn();
  }
  /**
   * getRange(row, column[, numRows[, numColumns]]) or getRange(a1Notation): "A1", "A1:C3", "B:B", "2:2", "A2:C"
   * (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangerow,-column,-numrows,-numcolumns).
   */
  getRange(a: number | string, column?: number, numRows?: number, numColumns?: number): GoogleAppsScript.Spreadsheet.Range {
    const sh = this._live();
    if (typeof a === 'string') return parseA1(this, sh, a);
    const row = Math.trunc(Number(a));
    const col = Math.trunc(Number(column));
    if (column === undefined || Number.isNaN(col))
      fail("The parameters (number) don't match the method signature for SpreadsheetApp.Sheet.getRange.");
    return makeRange(
      this,
      sh,
      row,
      col,
      numRows === undefined ? 1 : Math.trunc(numRows),
      numColumns === undefined ? 1 : Math.trunc(numColumns),
    );
  }
  /** A1 to the last row/column with content; A1 on an empty sheet. */
  getDataRange(): GoogleAppsScript.Spreadsheet.Range {
    const sh = this._live();
    return makeRange(this, sh, 1, 1, Math.max(1, sh.lastRow()), Math.max(1, sh.lastColumn()));
  }
  /**
   * Append after the last row with content, growing the grid by a row when it is full
   * (https://developers.google.com/apps-script/reference/spreadsheet/sheet#appendrowrowcontents); values are parsed as typed input.
   */
  appendRow(rowContents: unknown[]): GoogleAppsScript.Spreadsheet.Sheet {
    const sh = this._live();
    if (!Array.isArray(rowContents)) fail("The parameters don't match the method signature for SpreadsheetApp.Sheet.appendRow.");
    const tz = this.__wb.timeZone;
    const parsed = rowContents.map((v, c) =>
      parseInput(v, tz, sh.format(sh.lastRow(), c) === TEXT_FORMAT, this.__rt.keepApostropheInPlainText),
    );
    const r = sh.lastRow();
    const growRows = r + 1 > sh.maxRows ? 1 : 0;
    // [UNCONFIRMED] a row longer than the grid widens it.
    const growCols = Math.max(0, parsed.length - sh.maxCols);
    this.__wb.ensureRoom(growRows * (sh.maxCols + growCols) + growCols * sh.maxRows);
    sh.maxRows += growRows;
    sh.maxCols += growCols;
    parsed.forEach((p, c) => sh.put(r, c, p));
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Insert rows after a position (https://developers.google.com/apps-script/reference/spreadsheet/sheet#insertrowsafterafterposition,-howmany). */
  insertRowsAfter(afterPosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(afterPosition, howMany);
    return this._self();
  }
  insertRowAfter(afterPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(afterPosition, 1);
    return this._self();
  }
  insertRowBefore(beforePosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(beforePosition - 1, 1);
    return this._self();
  }
  insertRowsBefore(beforePosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(beforePosition - 1, howMany);
    return this._self();
  }
  insertColumnsAfter(afterPosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(afterPosition, howMany);
    return this._self();
  }
  insertColumnAfter(afterPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(afterPosition, 1);
    return this._self();
  }
  insertColumnsBefore(beforePosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(beforePosition - 1, howMany);
    return this._self();
  }
  insertColumnBefore(beforePosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(beforePosition - 1, 1);
    return this._self();
  }
  deleteRow(rowPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._deleteRows(rowPosition, 1);
    return this._self();
  }
  /** Delete rows; out-of-range positions fail ("Those rows are out of bounds."). */
  deleteRows(rowPosition: number, howMany: number): void {
    this._deleteRows(rowPosition, howMany);
  }
  deleteColumn(columnPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._deleteColumns(columnPosition, 1);
    return this._self();
  }
  deleteColumns(columnPosition: number, howMany: number): void {
    this._deleteColumns(columnPosition, howMany);
  }
  setFrozenRows(rows: number): void {
    const sh = this._live();
    if (rows < 0 || rows >= sh.maxRows) fail("You can't freeze all visible rows on the sheet.");
    sh.frozenRows = Math.trunc(rows);
  }
  getFrozenRows(): number {
    return this._live().frozenRows;
  }
  /** hideColumns(columnIndex[, numColumns]) (cosmetic, recorded). */
  hideColumns(columnIndex: number, numColumns = 1): void {
    const sh = this._live();
    for (let c = columnIndex; c < columnIndex + numColumns; c++) sh.hiddenColumns.add(c);
  }
  showColumns(columnIndex: number, numColumns = 1): void {
    const sh = this._live();
    for (let c = columnIndex; c < columnIndex + numColumns; c++) sh.hiddenColumns.delete(c);
  }
  isColumnHiddenByUser(columnPosition: number): boolean {
    return this._live().hiddenColumns.has(columnPosition);
  }
  /**
   * Moves the columns the range spans, with their values, formulas, formats and hidden state, to before
   * `destinationIndex` counted before the move ("moves columns A-B to destination index 5 … those
   * columns becoming columns C-D": https://developers.google.com/apps-script/reference/spreadsheet/sheet#movecolumnscolumnspec,-destinationindex).
   */
  moveColumns(columnSpec: GoogleAppsScript.Spreadsheet.Range, destinationIndex: number): void {
    const sh = this._live();
    const first = columnSpec.getColumn();
    const n = columnSpec.getNumColumns();
    const dest = Math.trunc(Number(destinationIndex));
    if (!(dest >= 1 && dest <= sh.maxCols + 1)) fail('Those columns are out of bounds.');
    // The new order as old 0-based column numbers.
    const order = Array.from({ length: sh.maxCols }, (_, c) => c);
    const moved = order.splice(first - 1, n);
    const before = order.indexOf(dest - 1);
    order.splice(before < 0 ? order.length : before, 0, ...moved);
    const newOf = new Map(order.map((oldCol, newCol) => [oldCol, newCol]));
    for (let r = 0; r < sh.rows.length; r++) {
      const row = sh.rows[r];
      if (!row) continue;
      const next = order.map((oldCol) => (oldCol < row.length ? row[oldCol] : null));
      while (next.length && next[next.length - 1] === null) next.pop();
      sh.rows[r] = next;
    }
    sh.remap((r, c) => [r, newOf.get(c) ?? c]);
    sh.hiddenColumns = new Set([...sh.hiddenColumns].map((c) => (newOf.get(c - 1) ?? c - 1) + 1));
    sh.columnWidths = new Map([...sh.columnWidths].map(([c, w]) => [(newOf.get(c - 1) ?? c - 1) + 1, w]));
    sh.touch();
  }
  /** Cosmetic, recorded. */
  setColumnWidth(columnPosition: number, width: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._live().columnWidths.set(columnPosition, width);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Default width 100 px. */
  getColumnWidth(columnPosition: number): number {
    return this._live().columnWidths.get(columnPosition) ?? 100;
  }
  /** A TextFinder over the whole sheet (https://developers.google.com/apps-script/reference/spreadsheet/sheet#createtextfinderfindtext). */
  createTextFinder(findText: string): GoogleAppsScript.Spreadsheet.TextFinder {
    const sh = this._live();
    return new TextFinderImpl(
      this.__rt,
      this,
      sh,
      1,
      1,
      sh.maxRows,
      sh.maxCols,
      String(findText),
    ) as unknown as GoogleAppsScript.Spreadsheet.TextFinder;
  }
  /** Sort the rows below the frozen rows by a column (https://developers.google.com/apps-script/reference/spreadsheet/sheet#sortcolumnposition,-ascending). */
  sort(columnPosition: number, ascending = true): GoogleAppsScript.Spreadsheet.Sheet {
    const sh = this._live();
    const first = sh.frozenRows + 1;
    const last = sh.lastRow();
    if (last >= first) sortBlock(sh, first - 1, last - first + 1, 0, sh.maxCols, [{ column: columnPosition - 1, ascending }]);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Clear values, formulas and formats. */
  clear(): GoogleAppsScript.Spreadsheet.Sheet {
    const sh = this._live();
    sh.rows = [];
    sh.formulas = new Map();
    sh.formats = new Map();
    sh.styles = new Map();
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  clearContents(): GoogleAppsScript.Spreadsheet.Sheet {
    const sh = this._live();
    sh.rows = [];
    sh.formulas = new Map();
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  activate(): GoogleAppsScript.Spreadsheet.Sheet {
    this.__wb.active = this.__wb.sheets.indexOf(this._live());
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }

  // Charts (https://developers.google.com/apps-script/reference/spreadsheet/embedded-chart-builder; see charts.ts).
  newChart(): GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder {
    const m: ChartModel = { id: null, type: 'LINE', ranges: [], options: {}, position: { row: 1, column: 1, offsetX: 0, offsetY: 0 } };
    return new EmbeddedChartBuilderImpl(this.__rt, this, m) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder;
  }
  insertChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = copyChart((chart as unknown as EmbeddedChartImpl).__m);
    m.id = newChartId();
    this.__sh.charts.push(m);
  }
  getCharts(): GoogleAppsScript.Spreadsheet.EmbeddedChart[] {
    return this.__rt.array(
      this.__sh.charts.map(
        (m) => new EmbeddedChartImpl(this.__rt, this, copyChart(m)) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChart,
      ),
    );
  }
  /** Replaces the chart with the same id (a chart from modify().build() keeps its id). */
  updateChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = (chart as unknown as EmbeddedChartImpl).__m;
    const list = this.__sh.charts;
    const i = list.findIndex((x) => x.id !== null && x.id === m.id);
    if (i < 0) fail('The chart does not exist in this sheet.'); // [UNCONFIRMED wording]
    list[i] = copyChart(m);
  }
  removeChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = (chart as unknown as EmbeddedChartImpl).__m;
    const list = this.__sh.charts;
    const i = list.findIndex((x) => x.id === m.id);
    if (i >= 0) list.splice(i, 1);
  }

  private _insertRows(after: number, n: number): void {
    const sh = this._live();
    n = Math.trunc(n);
    if (!(n >= 1)) fail('The number of rows to insert must be at least 1.');
    if (after < 0 || after > sh.maxRows) fail('Those rows are out of bounds.');
    this.__wb.ensureRoom(n * sh.maxCols);
    if (sh.rows.length > after) sh.rows.splice(after, 0, ...new Array<undefined>(n).fill(undefined));
    sh.remap((r, c) => [r >= after ? r + n : r, c]);
    if (after < sh.frozenRows) sh.frozenRows += n;
    sh.maxRows += n;
    sh.touch();
  }
  private _insertColumns(after: number, n: number): void {
    const sh = this._live();
    n = Math.trunc(n);
    if (!(n >= 1)) fail('The number of columns to insert must be at least 1.');
    if (after < 0 || after > sh.maxCols) fail('Those columns are out of bounds.');
    this.__wb.ensureRoom(n * sh.maxRows);
    const blanks = new Array<null>(n).fill(null);
    for (const row of sh.rows) if (row && row.length > after) row.splice(after, 0, ...blanks);
    sh.remap((r, c) => [r, c >= after ? c + n : c]);
    sh.maxCols += n;
    sh.touch();
  }
  private _deleteRows(pos: number, n: number): void {
    const sh = this._live();
    const start = Math.trunc(pos) - 1;
    n = Math.trunc(n);
    if (start < 0 || n < 1 || start + n > sh.maxRows) fail('Those rows are out of bounds.');
    if (n >= sh.maxRows - sh.frozenRows && start >= sh.frozenRows) fail('Sorry, it is not possible to delete all non-frozen rows.');
    sh.rows.splice(start, n);
    sh.remap((r, c) => (r < start ? [r, c] : r < start + n ? null : [r - n, c]));
    if (start < sh.frozenRows) sh.frozenRows = Math.max(start, sh.frozenRows - n);
    sh.maxRows -= n;
    sh.touch();
  }
  private _deleteColumns(pos: number, n: number): void {
    const sh = this._live();
    const start = Math.trunc(pos) - 1;
    n = Math.trunc(n);
    if (start < 0 || n < 1 || start + n > sh.maxCols) fail('Those columns are out of bounds.');
    if (n >= sh.maxCols) fail('Sorry, it is not possible to delete all columns.');
    for (const row of sh.rows) if (row && row.length > start) row.splice(start, n);
    sh.remap((r, c) => (c < start ? [r, c] : c < start + n ? null : [r, c - n]));
    sh.maxCols -= n;
    sh.touch();
  }
}

instrument(SheetImpl, 'Sheet', {}, { appendRow: (_s, args) => (Array.isArray(args[0]) ? args[0].length : 0) });
// Writes are buffered per execution (write-buffer.ts); renaming and activating are not (structure).
bufferWrites<SheetImpl>(
  SheetImpl,
  [
    'appendRow',
    'insertRowsAfter',
    'insertRowAfter',
    'insertRowBefore',
    'insertRowsBefore',
    'insertColumnsAfter',
    'insertColumnAfter',
    'insertColumnsBefore',
    'insertColumnBefore',
    'deleteRow',
    'deleteRows',
    'deleteColumn',
    'deleteColumns',
    'setFrozenRows',
    'hideColumns',
    'showColumns',
    'setColumnWidth',
    'sort',
    'clear',
    'clearContents',
    'insertChart',
    'updateChart',
    'removeChart',
  ],
  (self) => self.__sh,
);
