// SpreadsheetApp, Spreadsheet, Sheet and Range over an in-memory grid (rows as arrays; formulas/formats sparse).
import { randomBytes } from 'crypto';
import { instrument, Service } from './calls';
import type { Core } from './core';
import { fail } from './errors';
import { DEFAULT_NUMBER_FORMAT, displayOf, TEXT_FORMAT, type CellValue } from './number-format';
import { isDate, isPlainText, parseInput, type Parsed } from './value-parsing';
import { TextFinderImpl } from './textfinder';
import { UiImpl } from './ui';

/** A spreadsheet holds at most 10,000,000 cells, counted over every sheet's grid (apps-script-facts.md §4; wording from real API errors). */
export const MAX_CELLS = 10_000_000;
/** The error for growing past MAX_CELLS (exact text from Sheets API error logs, e.g. rudderstack transformer tests). */
export const CELLS_LIMIT_MESSAGE = 'This action would increase the number of cells in the workbook above the limit of 10000000 cells.';
/** Out-of-grid ranges (wording from real execution logs, e.g. "Error: Exception: The coordinates of the range ..."). */
export const OUTSIDE_GRID = 'The coordinates of the range are outside the dimensions of the sheet.';
/** A new sheet is 1000 rows x 26 columns (Sheets default grid). */
export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

/** Column stride of the sparse-map keys (the Sheets column limit is 18,278). */
const KEY = 32768;
const key = (r: number, c: number): number => r * KEY + c;

/** Cosmetic styles, recorded only so tests can see them. */
export interface CellStyle { fontWeight?: string; background?: string }

/** One sheet's grid. Rows/columns here are 0-based. */
export class SheetModel {
  rows: Array<CellValue[] | undefined> = [];
  formulas = new Map<number, string>();
  formats = new Map<number, string>();
  styles = new Map<number, CellStyle>();
  frozenRows = 0;
  hiddenColumns = new Set<number>();
  columnWidths = new Map<number, number>();
  private lastRowCache = -1;
  private lastColCache = -1;
  constructor(public name: string, public sheetId: number, public maxRows: number, public maxCols: number) {}

  /** Forget cached extents after a change. */
  touch(): void {
    this.lastRowCache = -1;
    this.lastColCache = -1;
  }
  /** 1-based last row with content, 0 when empty. */
  lastRow(): number {
    if (this.lastRowCache >= 0) return this.lastRowCache;
    let r = this.rows.length - 1;
    for (; r >= 0; r--) {
      const row = this.rows[r];
      if (row && row.some((v) => v !== null && v !== undefined)) break;
    }
    this.lastRowCache = r + 1;
    return this.lastRowCache;
  }
  /** 1-based last column with content, 0 when empty. */
  lastColumn(): number {
    if (this.lastColCache >= 0) return this.lastColCache;
    let max = 0;
    for (const row of this.rows) {
      if (!row || row.length <= max) continue;
      for (let c = row.length - 1; c >= max; c--) {
        if (row[c] !== null && row[c] !== undefined) { max = c + 1; break; }
      }
    }
    this.lastColCache = max;
    return max;
  }
  get(r: number, c: number): CellValue {
    const row = this.rows[r];
    const v = row ? row[c] : undefined;
    return v === undefined ? null : v;
  }
  /** Store a parsed input at (r, c). */
  put(r: number, c: number, p: Parsed): void {
    let row = this.rows[r];
    if (!row) {
      if (p.value === null && p.formula === null) { this.formulas.delete(key(r, c)); return; }
      while (this.rows.length < r) this.rows.push(undefined);
      row = this.rows[r] = [];
    }
    while (row.length < c) row.push(null);
    row[c] = p.value;
    const k = key(r, c);
    if (p.formula !== null) this.formulas.set(k, p.formula);
    else if (this.formulas.size) this.formulas.delete(k);
    // Sheets applies the format it infers from typed input ("50%", "5/9/2025") only to an unformatted cell.
    if (p.format && !this.formats.has(k)) this.formats.set(k, p.format);
  }
  /** Store a row of plain values at (r, c0..) and drop any formulas there (fast path of setValues). */
  putRow(r: number, c0: number, vals: CellValue[]): void {
    let row = this.rows[r];
    if (!row) {
      if (vals.every((v) => v === null)) { if (this.formulas.size) for (let j = 0; j < vals.length; j++) this.formulas.delete(key(r, c0 + j)); return; }
      while (this.rows.length < r) this.rows.push(undefined);
      row = this.rows[r] = [];
    }
    while (row.length < c0) row.push(null);
    for (let j = 0; j < vals.length; j++) row[c0 + j] = vals[j];
    if (this.formulas.size) for (let j = 0; j < vals.length; j++) this.formulas.delete(key(r, c0 + j));
  }
  display(r: number, c: number, tz: string): string {
    const v = this.get(r, c);
    if (v === null) return '';
    return displayOf(v, this.formats.size ? this.formats.get(key(r, c)) : undefined, tz);
  }
  formula(r: number, c: number): string {
    return this.formulas.size ? this.formulas.get(key(r, c)) ?? '' : '';
  }
  format(r: number, c: number): string | undefined {
    return this.formats.size ? this.formats.get(key(r, c)) : undefined;
  }
  /** Re-key the sparse maps: `f` maps (r, c) to a new place or null to drop it. */
  remap(f: (r: number, c: number) => [number, number] | null): void {
    for (const name of ['formulas', 'formats', 'styles'] as const) {
      const old = this[name] as Map<number, unknown>;
      if (!old.size) continue;
      const next = new Map<number, unknown>();
      for (const [k, v] of old) {
        const to = f(Math.floor(k / KEY), k % KEY);
        if (to) next.set(key(to[0], to[1]), v);
      }
      (this as unknown as Record<string, Map<number, unknown>>)[name] = next;
    }
  }
}

/** One spreadsheet file. */
export class Workbook {
  sheets: SheetModel[] = [];
  active = 0;
  constructor(public id: string, public name: string, public timeZone: string) {}
  /** Cells counted toward the 10M limit: the sum of every sheet's maxRows x maxColumns. */
  cellCount(): number {
    return this.sheets.reduce((n, s) => n + s.maxRows * s.maxCols, 0);
  }
  /** Throw the platform's error if adding `cells` would pass 10,000,000. */
  ensureRoom(cells: number): void {
    if (this.cellCount() + cells > MAX_CELLS) fail(CELLS_LIMIT_MESSAGE);
  }
}

/** A new random spreadsheet id (44 characters like real ids). */
export function newSpreadsheetId(): string {
  return '1' + randomBytes(33).toString('base64url').slice(0, 43);
}

/** Column letters → 1-based number. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** 1-based column number → letters. */
export function columnLetters(n: number): string {
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

// ---- SpreadsheetApp ---------------------------------------------------------------------------

/** The SpreadsheetApp global. */
export class SpreadsheetAppImpl extends Service<Core> {
  /** Open by id; unknown ids fail with the platform's message (seen in many execution logs). */
  openById(id: string): GoogleAppsScript.Spreadsheet.Spreadsheet {
    const wb = this.__rt.workbooks.get(String(id));
    if (!wb) fail('Unexpected error while getting the method or property openById on object SpreadsheetApp.');
    return wrapWorkbook(this.__rt, wb);
  }
  /** Open by URL (…/spreadsheets/d/<id>/…). */
  openByUrl(url: string): GoogleAppsScript.Spreadsheet.Spreadsheet {
    const m = /\/d\/([^/?#]+)/.exec(String(url));
    const wb = m ? this.__rt.workbooks.get(m[1]) : undefined;
    if (!wb) fail('Unexpected error while getting the method or property openByUrl on object SpreadsheetApp.');
    return wrapWorkbook(this.__rt, wb);
  }
  /** A new spreadsheet (not bound to the script). */
  create(name: string, rows?: number, columns?: number): GoogleAppsScript.Spreadsheet.Spreadsheet {
    return wrapWorkbook(this.__rt, createWorkbook(this.__rt, name, rows, columns));
  }
  /** The bound spreadsheet. In a web app getActiveSpreadsheet() "is not available" (https://developers.google.com/apps-script/guides/bound). */
  getActiveSpreadsheet(): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
    return activeSpreadsheet(this.__rt, 'getActiveSpreadsheet');
  }
  /** Same as getActiveSpreadsheet (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet-app#getActive()). */
  getActive(): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
    return activeSpreadsheet(this.__rt, 'getActive');
  }
  /** The active sheet of the bound spreadsheet. */
  getActiveSheet(): GoogleAppsScript.Spreadsheet.Sheet | null {
    const ss = activeSpreadsheet(this.__rt, 'getActiveSheet');
    return ss ? ss.getActiveSheet() : null;
  }
  /**
   * The editor UI. Only in an editor execution: in a web app getUi() "is not available"
   * (https://developers.google.com/apps-script/guides/bound); elsewhere the platform says
   * "Cannot call SpreadsheetApp.getUi() from this context." (observed in trigger executions).
   */
  getUi(): GoogleAppsScript.Base.Ui {
    if (this.__rt.kind() !== 'editor') fail('Cannot call SpreadsheetApp.getUi() from this context.');
    return new UiImpl(this.__rt) as unknown as GoogleAppsScript.Base.Ui;
  }
  /** Applies pending changes; the local grid has none (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet-app#flush()). */
  flush(): void {}
}

function activeSpreadsheet(rt: Core, method: string): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
  // getActiveSpreadsheet()/getUi() are not available to a bound script running as a web app (https://developers.google.com/apps-script/guides/bound).
  if (rt.kind() === 'webapp') {
    fail(`SpreadsheetApp.${method}() is not available in a web app execution: use SpreadsheetApp.openById(id) (https://developers.google.com/apps-script/guides/bound).`);
  }
  const wb = rt.boundId ? rt.workbooks.get(rt.boundId) : undefined;
  return wb ? wrapWorkbook(rt, wb) : null;
}

/** Make a workbook with one "Sheet1" of rows x columns. */
export function createWorkbook(rt: Core, name: string, rows = DEFAULT_ROWS, columns = DEFAULT_COLUMNS): Workbook {
  const wb = new Workbook(newSpreadsheetId(), String(name), rt.timeZone);
  if (rows * columns > MAX_CELLS) fail(CELLS_LIMIT_MESSAGE);
  wb.sheets.push(new SheetModel('Sheet1', 0, rows, columns));
  rt.workbooks.set(wb.id, wb);
  return wb;
}

const wrappers = new WeakMap<object, object>();

/** The Spreadsheet object of a workbook (one per workbook, so === holds). */
export function wrapWorkbook(rt: Core, wb: Workbook): GoogleAppsScript.Spreadsheet.Spreadsheet {
  let w = wrappers.get(wb);
  if (!w) { w = new SpreadsheetImpl(rt, wb); wrappers.set(wb, w); }
  return w as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet;
}

function wrapSheet(rt: Core, wb: Workbook, sh: SheetModel): SheetImpl {
  let w = wrappers.get(sh) as SheetImpl | undefined;
  if (!w) { w = new SheetImpl(rt, wb, sh); wrappers.set(sh, w); }
  return w;
}

// ---- Spreadsheet ------------------------------------------------------------------------------

/** A spreadsheet file. */
export class SpreadsheetImpl extends Service<Core> {
  constructor(rt: Core, readonly __wb: Workbook) {
    super(rt);
    Object.defineProperty(this, '__wb', { enumerable: false });
  }
  getId(): string { return this.__wb.id; }
  getName(): string { return this.__wb.name; }
  rename(name: string): void { this.__wb.name = String(name); }
  getUrl(): string { return `https://docs.google.com/spreadsheets/d/${this.__wb.id}/edit`; }
  getSpreadsheetTimeZone(): string { return this.__wb.timeZone; }
  setSpreadsheetTimeZone(tz: string): void { this.__wb.timeZone = String(tz); }
  getSheets(): GoogleAppsScript.Spreadsheet.Sheet[] {
    return this.__rt.array(this.__wb.sheets.map((s) => wrapSheet(this.__rt, this.__wb, s) as unknown as GoogleAppsScript.Spreadsheet.Sheet));
  }
  getNumSheets(): number { return this.__wb.sheets.length; }
  /** null when no sheet has the name (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet#getsheetbynamename). */
  getSheetByName(name: string): GoogleAppsScript.Spreadsheet.Sheet | null {
    const s = this.__wb.sheets.find((x) => x.name === String(name));
    return s ? (wrapSheet(this.__rt, this.__wb, s) as unknown as GoogleAppsScript.Spreadsheet.Sheet) : null;
  }
  getSheetById(id: number): GoogleAppsScript.Spreadsheet.Sheet | null {
    const s = this.__wb.sheets.find((x) => x.sheetId === id);
    return s ? (wrapSheet(this.__rt, this.__wb, s) as unknown as GoogleAppsScript.Spreadsheet.Sheet) : null;
  }
  getActiveSheet(): GoogleAppsScript.Spreadsheet.Sheet {
    const s = this.__wb.sheets[Math.min(this.__wb.active, this.__wb.sheets.length - 1)];
    return wrapSheet(this.__rt, this.__wb, s) as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  setActiveSheet(sheet: GoogleAppsScript.Spreadsheet.Sheet): GoogleAppsScript.Spreadsheet.Sheet {
    const i = this.__wb.sheets.indexOf((sheet as unknown as SheetImpl).__sh);
    if (i >= 0) this.__wb.active = i;
    return sheet;
  }
  /**
   * insertSheet(), (name), (index), (name, index): a 1000 x 26 sheet that becomes active
   * (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet#insertsheetsheetname).
   * A taken name fails like the Sheets API: 'A sheet with the name "X" already exists. Please enter another name.'
   */
  insertSheet(a?: string | number, b?: number): GoogleAppsScript.Spreadsheet.Sheet {
    const wb = this.__wb;
    let name = typeof a === 'string' ? a : undefined;
    let index = typeof a === 'number' ? a : b;
    if (name === undefined) {
      let n = wb.sheets.length + 1;
      while (wb.sheets.some((s) => s.name === `Sheet${n}`)) n++;
      name = `Sheet${n}`;
    }
    if (wb.sheets.some((s) => s.name.toLowerCase() === name!.toLowerCase())) {
      fail(`A sheet with the name "${name}" already exists. Please enter another name.`);
    }
    wb.ensureRoom(DEFAULT_ROWS * DEFAULT_COLUMNS);
    let id: number;
    do { id = Math.floor(Math.random() * 2_000_000_000) + 1; } while (wb.sheets.some((s) => s.sheetId === id));
    const sh = new SheetModel(name, id, DEFAULT_ROWS, DEFAULT_COLUMNS);
    if (index === undefined || index > wb.sheets.length) index = wb.sheets.length;
    wb.sheets.splice(Math.max(0, index), 0, sh);
    wb.active = wb.sheets.indexOf(sh);
    return wrapSheet(this.__rt, wb, sh) as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Delete a sheet; the last one cannot go. [UNCONFIRMED wording] */
  deleteSheet(sheet: GoogleAppsScript.Spreadsheet.Sheet): void {
    const wb = this.__wb;
    const i = wb.sheets.indexOf((sheet as unknown as SheetImpl).__sh);
    if (i < 0) fail('The sheet has been deleted or does not belong to this spreadsheet.');
    if (wb.sheets.length === 1) fail("You can't remove all the sheets in a document.");
    wb.sheets.splice(i, 1);
    if (wb.active >= wb.sheets.length) wb.active = wb.sheets.length - 1;
  }
  /** A range in A1 notation, optionally with a sheet name ("Sheet1!A1:B2"). */
  getRange(a1: string): GoogleAppsScript.Spreadsheet.Range {
    const m = /^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$/.exec(String(a1));
    const sheet = m ? this.getSheetByName((m[1] ?? m[2]).replace(/''/g, "'")) : this.getActiveSheet();
    if (!sheet) fail('Range not found');
    return sheet.getRange(m ? m[3] : String(a1));
  }
  /** A toast in the editor (recorded in runtime.ui.toasts). */
  toast(message: string, title?: string, _timeoutSeconds?: number): void {
    this.__rt.ui.toasts.push({ spreadsheetId: this.__wb.id, message: String(message), title: title === undefined ? '' : String(title) });
  }
}

// ---- Sheet ------------------------------------------------------------------------------------

/** One sheet (tab). */
export class SheetImpl extends Service<Core> {
  constructor(rt: Core, readonly __wb: Workbook, readonly __sh: SheetModel) {
    super(rt);
    Object.defineProperty(this, '__wb', { enumerable: false });
    Object.defineProperty(this, '__sh', { enumerable: false });
  }
  private _live(): SheetModel {
    if (!this.__wb.sheets.includes(this.__sh)) fail('The sheet has been deleted.');
    return this.__sh;
  }
  getName(): string { return this.__sh.name; }
  /** Rename; a taken name fails. [UNCONFIRMED wording] */
  setName(name: string): GoogleAppsScript.Spreadsheet.Sheet {
    const n = String(name);
    if (this.__wb.sheets.some((s) => s !== this.__sh && s.name.toLowerCase() === n.toLowerCase())) {
      fail(`A sheet with the name "${n}" already exists. Please enter another name.`);
    }
    this.__sh.name = n;
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  getSheetId(): number { return this.__sh.sheetId; }
  /** 1-based position (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getindex). */
  getIndex(): number { return this.__wb.sheets.indexOf(this.__sh) + 1; }
  getParent(): GoogleAppsScript.Spreadsheet.Spreadsheet { return wrapWorkbook(this.__rt, this.__wb); }
  getMaxRows(): number { return this._live().maxRows; }
  getMaxColumns(): number { return this._live().maxCols; }
  /** Last row with content, 0 on an empty sheet (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getlastrow). */
  getLastRow(): number { return this._live().lastRow(); }
  /** Last column with content, 0 on an empty sheet. */
  getLastColumn(): number { return this._live().lastColumn(); }
  /**
   * getRange(row, column[, numRows[, numColumns]]) or getRange(a1Notation): "A1", "A1:C3", "B:B", "2:2", "A2:C"
   * (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangerow,-column,-numrows,-numcolumns).
   */
  getRange(a: number | string, column?: number, numRows?: number, numColumns?: number): GoogleAppsScript.Spreadsheet.Range {
    const sh = this._live();
    if (typeof a === 'string') return parseA1(this, sh, a);
    const row = Math.trunc(Number(a));
    const col = Math.trunc(Number(column));
    if (column === undefined || Number.isNaN(col)) fail('The parameters (number) don\'t match the method signature for SpreadsheetApp.Sheet.getRange.');
    return makeRange(this, sh, row, col, numRows === undefined ? 1 : Math.trunc(numRows), numColumns === undefined ? 1 : Math.trunc(numColumns));
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
    const parsed = rowContents.map((v, c) => parseInput(v, tz, sh.format(sh.lastRow(), c) === TEXT_FORMAT));
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
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertRowAfter(afterPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(afterPosition, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertRowBefore(beforePosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(beforePosition - 1, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertRowsBefore(beforePosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertRows(beforePosition - 1, howMany);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertColumnsAfter(afterPosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(afterPosition, howMany);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertColumnAfter(afterPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(afterPosition, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertColumnsBefore(beforePosition: number, howMany: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(beforePosition - 1, howMany);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  insertColumnBefore(beforePosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._insertColumns(beforePosition - 1, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  deleteRow(rowPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._deleteRows(rowPosition, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Delete rows; out-of-range positions fail ("Those rows are out of bounds."). */
  deleteRows(rowPosition: number, howMany: number): void {
    this._deleteRows(rowPosition, howMany);
  }
  deleteColumn(columnPosition: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._deleteColumns(columnPosition, 1);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  deleteColumns(columnPosition: number, howMany: number): void {
    this._deleteColumns(columnPosition, howMany);
  }
  setFrozenRows(rows: number): void {
    const sh = this._live();
    if (rows < 0 || rows >= sh.maxRows) fail('You can\'t freeze all visible rows on the sheet.');
    sh.frozenRows = Math.trunc(rows);
  }
  getFrozenRows(): number { return this._live().frozenRows; }
  /** hideColumns(columnIndex[, numColumns]) (cosmetic, recorded). */
  hideColumns(columnIndex: number, numColumns = 1): void {
    const sh = this._live();
    for (let c = columnIndex; c < columnIndex + numColumns; c++) sh.hiddenColumns.add(c);
  }
  showColumns(columnIndex: number, numColumns = 1): void {
    const sh = this._live();
    for (let c = columnIndex; c < columnIndex + numColumns; c++) sh.hiddenColumns.delete(c);
  }
  isColumnHiddenByUser(columnPosition: number): boolean { return this._live().hiddenColumns.has(columnPosition); }
  /** Cosmetic, recorded. */
  setColumnWidth(columnPosition: number, width: number): GoogleAppsScript.Spreadsheet.Sheet {
    this._live().columnWidths.set(columnPosition, width);
    return this as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Default width 100 px. */
  getColumnWidth(columnPosition: number): number { return this._live().columnWidths.get(columnPosition) ?? 100; }
  /** A TextFinder over the whole sheet (https://developers.google.com/apps-script/reference/spreadsheet/sheet#createtextfinderfindtext). */
  createTextFinder(findText: string): GoogleAppsScript.Spreadsheet.TextFinder {
    const sh = this._live();
    return new TextFinderImpl(this.__rt, this, sh, 1, 1, sh.maxRows, sh.maxCols, String(findText)) as unknown as GoogleAppsScript.Spreadsheet.TextFinder;
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

/** Parse A1 notation into a range of `sheet`. Unknown notation fails with "Range not found" (platform message). */
function parseA1(sheet: SheetImpl, sh: SheetModel, a1: string): GoogleAppsScript.Spreadsheet.Range {
  let text = a1.trim();
  const bang = /^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$/.exec(text);
  if (bang) {
    const name = (bang[1] ?? bang[2]).replace(/''/g, "'");
    if (name !== sh.name) fail('Range not found');
    text = bang[3];
  }
  const m = /^\$?([A-Za-z]*)\$?(\d*)(?::\$?([A-Za-z]*)\$?(\d*))?$/.exec(text);
  if (!m || (!m[1] && !m[2])) fail('Range not found');
  const [, c1, r1, c2, r2] = m;
  const two = m[3] !== undefined || m[4] !== undefined;
  if (!two) {
    if (!c1 || !r1) fail('Range not found');
    return makeRange(sheet, sh, Number(r1), columnNumber(c1), 1, 1);
  }
  const colStart = c1 ? columnNumber(c1) : 1;
  const colEnd = c2 ? columnNumber(c2) : (c1 ? colStart : sh.maxCols);
  const rowStart = r1 ? Number(r1) : 1;
  const rowEnd = r2 ? Number(r2) : (r1 && !c1 ? rowStart : sh.maxRows);
  if ((c1 && !c2 && !r1) || (!c1 && c2)) fail('Range not found');
  if (!r1 && !r2 && !(c1 && c2)) fail('Range not found');
  const shape = !r1 && !r2 ? 'columns' : !c1 && !c2 ? 'rows' : 'cells';
  const r0 = Math.min(rowStart, rowEnd);
  const cc0 = Math.min(colStart, colEnd);
  return makeRange(sheet, sh, r0, cc0, Math.abs(rowEnd - rowStart) + 1, Math.abs(colEnd - colStart) + 1, shape);
}

/** Validate and build a range; messages are the platform's (seen in execution logs and fakes). */
function makeRange(sheet: SheetImpl, sh: SheetModel, row: number, col: number, nr: number, nc: number, shape: RangeShape = 'cells'): GoogleAppsScript.Spreadsheet.Range {
  if (!(row >= 1)) fail('The starting row of the range is too small.');
  if (!(col >= 1)) fail('The starting column of the range is too small.');
  if (!(nr >= 1)) fail('The number of rows in the range must be at least 1.');
  if (!(nc >= 1)) fail('The number of columns in the range must be at least 1.');
  // A range past the grid fails (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangerow,-column,-numrows,-numcolumns; message from logs).
  if (row + nr - 1 > sh.maxRows || col + nc - 1 > sh.maxCols) fail(OUTSIDE_GRID);
  return new RangeImpl(sheet.__rt, sheet, sh, row, col, nr, nc, shape) as unknown as GoogleAppsScript.Spreadsheet.Range;
}

type RangeShape = 'cells' | 'rows' | 'columns';

/** Sort key rank: numbers and dates, then text, then booleans; empty cells always last (Sheets sort order). [UNCONFIRMED for errors] */
function rank(v: CellValue): number {
  if (v === null) return 9;
  if (typeof v === 'number' || isDate(v)) return 0;
  if (typeof v === 'string') return 1;
  return 2;
}

function compareCells(a: CellValue, b: CellValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    const x = typeof a === 'number' ? a : (a as Date).getTime() / 86400000 + 25569;
    const y = typeof b === 'number' ? b : (b as Date).getTime() / 86400000 + 25569;
    return x - y;
  }
  if (ra === 1) return (a as string).localeCompare(b as string, 'en', { sensitivity: 'base' });
  if (ra === 2) return Number(a) - Number(b);
  return 0;
}

/** Sort rows [r0, r0+nr) by `specs`, moving columns [c0, c0+nc) (values, formulas, formats, styles). */
function sortBlock(sh: SheetModel, r0: number, nr: number, c0: number, nc: number, specs: Array<{ column: number; ascending: boolean }>): void {
  const order = Array.from({ length: nr }, (_, i) => r0 + i);
  order.sort((ra, rb) => {
    for (const s of specs) {
      const a = sh.get(ra, s.column);
      const b = sh.get(rb, s.column);
      if (a === null || b === null) {
        if (a === null && b === null) continue;
        return a === null ? 1 : -1; // blanks last whatever the direction
      }
      const d = compareCells(a, b);
      if (d !== 0) return s.ascending ? d : -d;
    }
    return ra - rb;
  });
  const dest = new Map<number, number>();
  order.forEach((src, i) => dest.set(src, r0 + i));
  const snapshot = order.map((src) => {
    const row = sh.rows[src] ?? [];
    return Array.from({ length: nc }, (_, j) => (row[c0 + j] === undefined ? null : row[c0 + j]));
  });
  snapshot.forEach((vals, i) => {
    const r = r0 + i;
    if (!sh.rows[r]) { while (sh.rows.length <= r) sh.rows.push(undefined); sh.rows[r] = []; }
    const row = sh.rows[r]!;
    while (row.length < c0 + nc && vals.some((v) => v !== null)) row.push(null);
    vals.forEach((v, j) => { if (c0 + j < row.length) row[c0 + j] = v; });
  });
  sh.remap((r, c) => (r >= r0 && r < r0 + nr && c >= c0 && c < c0 + nc ? [dest.get(r)!, c] : [r, c]));
  sh.touch();
}

// ---- Range ------------------------------------------------------------------------------------

function expectGrid(values: unknown, nr: number, nc: number): unknown[][] {
  if (!Array.isArray(values) || values.some((r) => !Array.isArray(r))) {
    fail("The parameters (Object) don't match the method signature for SpreadsheetApp.Range.setValues.");
  }
  const rows = values as unknown[][];
  // Shape mismatch messages as Apps Script words them (seen in execution logs and gas-fakes).
  if (rows.length !== nr) fail(`The number of rows in the data does not match the number of rows in the range. The data has ${rows.length} but the range has ${nr}.`);
  for (const r of rows) {
    if (r.length !== nc) fail(`The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${nc}.`);
  }
  return rows;
}

/** A block of cells. */
export class RangeImpl extends Service<Core> {
  constructor(rt: Core, readonly __sheet: SheetImpl, readonly __sh: SheetModel, readonly __r: number, readonly __c: number,
    readonly __nr: number, readonly __nc: number, readonly __shape: RangeShape) {
    super(rt);
    for (const k of ['__sheet', '__sh', '__r', '__c', '__nr', '__nc', '__shape']) Object.defineProperty(this, k, { enumerable: false });
  }
  private _tz(): string { return this.__sheet.__wb.timeZone; }
  private _grid<T>(cell: (r: number, c: number) => T): T[][] {
    const out: T[][] = new Array(this.__nr);
    const R = this.__rt.realm();
    for (let i = 0; i < this.__nr; i++) {
      const line: T[] = R.foreign ? (new R.Array(this.__nc) as T[]) : new Array<T>(this.__nc);
      for (let j = 0; j < this.__nc; j++) line[j] = cell(this.__r - 1 + i, this.__c - 1 + j);
      out[i] = line;
    }
    return this.__rt.array(out);
  }
  private _value(r: number, c: number): string | number | boolean | Date {
    const v = this.__sh.get(r, c);
    if (v === null) return '';
    // Returned dates are fresh copies in the script's realm (https://developers.google.com/apps-script/reference/spreadsheet/range#getvalues).
    if (typeof v === 'object') return this.__rt.date(v.getTime());
    return v;
  }
  /** Number, Boolean, Date or String with "" for empty cells, rectangular (https://developers.google.com/apps-script/reference/spreadsheet/range#getvalues). */
  getValues(): any[][] { return this._grid((r, c) => this._value(r, c)); }
  getValue(): any { return this._value(this.__r - 1, this.__c - 1); }
  /** Displayed text of each cell (https://developers.google.com/apps-script/reference/spreadsheet/range#getdisplayvalues). */
  getDisplayValues(): string[][] { const tz = this._tz(); return this._grid((r, c) => this.__sh.display(r, c, tz)); }
  getDisplayValue(): string { return this.__sh.display(this.__r - 1, this.__c - 1, this._tz()); }
  /** Formula text or "" (https://developers.google.com/apps-script/reference/spreadsheet/range#getformulas). */
  getFormulas(): string[][] { return this._grid((r, c) => this.__sh.formula(r, c)); }
  getFormula(): string { return this.__sh.formula(this.__r - 1, this.__c - 1); }
  /** Number formats; unformatted cells report "0.###############". [UNCONFIRMED default text] */
  getNumberFormats(): string[][] { return this._grid((r, c) => this.__sh.format(r, c) ?? DEFAULT_NUMBER_FORMAT); }
  getNumberFormat(): string { return this.__sh.format(this.__r - 1, this.__c - 1) ?? DEFAULT_NUMBER_FORMAT; }
  /**
   * Write a grid; it must match the range's shape and every value is parsed as typed input
   * (https://developers.google.com/apps-script/reference/spreadsheet/range#setvaluesvalues). All-or-nothing.
   */
  setValues(values: unknown[][]): GoogleAppsScript.Spreadsheet.Range {
    const rows = expectGrid(values, this.__nr, this.__nc);
    const sh = this.__sh;
    const tz = this._tz();
    const formatted = sh.formats.size > 0;
    const r0 = this.__r - 1;
    const c0 = this.__c - 1;
    // Parse everything first: one refused value writes nothing.
    const out: CellValue[][] = new Array(rows.length);
    const extras: Array<[number, number, Parsed]> = [];
    for (let i = 0; i < rows.length; i++) {
      const line = rows[i];
      const vals: CellValue[] = new Array(line.length);
      for (let j = 0; j < line.length; j++) {
        const v = line[j];
        if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || (typeof v === 'string' && isPlainText(v))) {
          vals[j] = v as CellValue;
          continue;
        }
        const p = parseInput(v, tz, formatted && sh.format(r0 + i, c0 + j) === TEXT_FORMAT);
        vals[j] = p.value;
        if (p.formula !== null || p.format !== null) extras.push([i, j, p]);
      }
      out[i] = vals;
    }
    for (let i = 0; i < out.length; i++) sh.putRow(r0 + i, c0, out[i]);
    for (const [i, j, p] of extras) sh.put(r0 + i, c0 + j, p);
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  /** Write one value to every cell of the range (https://developers.google.com/apps-script/reference/spreadsheet/range#setvaluevalue). */
  setValue(value: unknown): GoogleAppsScript.Spreadsheet.Range {
    const sh = this.__sh;
    const tz = this._tz();
    for (let i = 0; i < this.__nr; i++) {
      for (let j = 0; j < this.__nc; j++) {
        const r = this.__r - 1 + i;
        const c = this.__c - 1 + j;
        sh.put(r, c, parseInput(value, tz, sh.format(r, c) === TEXT_FORMAT));
      }
    }
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  setFormula(formula: string): GoogleAppsScript.Spreadsheet.Range { return this.setValue(String(formula)); }
  setFormulas(formulas: string[][]): GoogleAppsScript.Spreadsheet.Range {
    return this.setValues(expectGrid(formulas, this.__nr, this.__nc).map((r) => r.map((f) => String(f))));
  }
  /** Set one number format on every cell ("@" = plain text; https://developers.google.com/apps-script/reference/spreadsheet/range#setnumberformatnumberformat). */
  setNumberFormat(numberFormat: string): GoogleAppsScript.Spreadsheet.Range {
    const f = String(numberFormat);
    for (let i = 0; i < this.__nr; i++) for (let j = 0; j < this.__nc; j++) this.__sh.formats.set(key(this.__r - 1 + i, this.__c - 1 + j), f);
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  setNumberFormats(numberFormats: string[][]): GoogleAppsScript.Spreadsheet.Range {
    expectGrid(numberFormats, this.__nr, this.__nc).forEach((line, i) => line.forEach((f, j) => this.__sh.formats.set(key(this.__r - 1 + i, this.__c - 1 + j), String(f))));
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  private _style(apply: (s: CellStyle, i: number, j: number) => void): GoogleAppsScript.Spreadsheet.Range {
    for (let i = 0; i < this.__nr; i++) {
      for (let j = 0; j < this.__nc; j++) {
        const k = key(this.__r - 1 + i, this.__c - 1 + j);
        const s = this.__sh.styles.get(k) ?? {};
        apply(s, i, j);
        this.__sh.styles.set(k, s);
      }
    }
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  /** Cosmetic, recorded. */
  setFontWeight(fontWeight: string | null): GoogleAppsScript.Spreadsheet.Range { return this._style((s) => { s.fontWeight = fontWeight ?? 'normal'; }); }
  setFontWeights(fontWeights: Array<Array<string | null>>): GoogleAppsScript.Spreadsheet.Range {
    const g = expectGrid(fontWeights, this.__nr, this.__nc);
    return this._style((s, i, j) => { s.fontWeight = (g[i][j] as string | null) ?? 'normal'; });
  }
  getFontWeight(): string { return this.__sh.styles.get(key(this.__r - 1, this.__c - 1))?.fontWeight ?? 'normal'; }
  getFontWeights(): string[][] { return this._grid((r, c) => this.__sh.styles.get(key(r, c))?.fontWeight ?? 'normal'); }
  setBackground(color: string | null): GoogleAppsScript.Spreadsheet.Range { return this._style((s) => { s.background = color ?? '#ffffff'; }); }
  getBackground(): string { return this.__sh.styles.get(key(this.__r - 1, this.__c - 1))?.background ?? '#ffffff'; }
  getBackgrounds(): string[][] { return this._grid((r, c) => this.__sh.styles.get(key(r, c))?.background ?? '#ffffff'); }
  /** Clear values and formulas, keep formats (https://developers.google.com/apps-script/reference/spreadsheet/range#clearcontent). */
  clearContent(): GoogleAppsScript.Spreadsheet.Range {
    const empty: Parsed = { value: null, formula: null, format: null };
    for (let i = 0; i < this.__nr; i++) for (let j = 0; j < this.__nc; j++) this.__sh.put(this.__r - 1 + i, this.__c - 1 + j, empty);
    this.__sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  getRow(): number { return this.__r; }
  getColumn(): number { return this.__c; }
  getNumRows(): number { return this.__nr; }
  getNumColumns(): number { return this.__nc; }
  /** End row of the range (https://developers.google.com/apps-script/reference/spreadsheet/range#getlastrow). */
  getLastRow(): number { return this.__r + this.__nr - 1; }
  getLastColumn(): number { return this.__c + this.__nc - 1; }
  getA1Notation(): string {
    const c1 = columnLetters(this.__c);
    const c2 = columnLetters(this.__c + this.__nc - 1);
    if (this.__shape === 'columns') return `${c1}:${c2}`;
    if (this.__shape === 'rows') return `${this.__r}:${this.__r + this.__nr - 1}`;
    if (this.__nr === 1 && this.__nc === 1) return `${c1}${this.__r}`;
    return `${c1}${this.__r}:${c2}${this.__r + this.__nr - 1}`;
  }
  getSheet(): GoogleAppsScript.Spreadsheet.Sheet { return this.__sheet as unknown as GoogleAppsScript.Spreadsheet.Sheet; }
  /** Sub-range relative to this one (https://developers.google.com/apps-script/reference/spreadsheet/range#offsetrowoffset,-columnoffset,-numrows,-numcolumns). */
  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): GoogleAppsScript.Spreadsheet.Range {
    return makeRange(this.__sheet, this.__sh, this.__r + rowOffset, this.__c + columnOffset, numRows ?? this.__nr, numColumns ?? this.__nc);
  }
  /** A TextFinder over this range (https://developers.google.com/apps-script/reference/spreadsheet/range#createtextfinderfindtext). */
  createTextFinder(findText: string): GoogleAppsScript.Spreadsheet.TextFinder {
    return new TextFinderImpl(this.__rt, this.__sheet, this.__sh, this.__r, this.__c, this.__nr, this.__nc, String(findText)) as unknown as GoogleAppsScript.Spreadsheet.TextFinder;
  }
  /**
   * sort(column | {column, ascending} | array of those): absolute column numbers, rows of this range
   * (https://developers.google.com/apps-script/reference/spreadsheet/range#sortsortspecobj).
   */
  sort(sortSpecObj: unknown): GoogleAppsScript.Spreadsheet.Range {
    const list = Array.isArray(sortSpecObj) ? sortSpecObj : [sortSpecObj];
    const specs = list.map((s) => {
      const o = typeof s === 'number' ? { column: s, ascending: true } : (s as { column: number; ascending?: boolean });
      if (o.column < this.__c || o.column >= this.__c + this.__nc) fail(`The sort column must be within the range: ${o.column}`);
      return { column: o.column - 1, ascending: o.ascending !== false };
    });
    sortBlock(this.__sh, this.__r - 1, this.__nr, this.__c - 1, this.__nc, specs);
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
}

// ---- Charts (minimal) -------------------------------------------------------------------------
// Sheet.newChart / insertChart / getCharts / updateChart / removeChart and the EmbeddedChartBuilder
// (https://developers.google.com/apps-script/reference/spreadsheet/embedded-chart-builder). Only what is
// needed to check a chart's type, options, position and source ranges: nothing is drawn, ranges are
// kept as cell coordinates (they do not follow inserted rows), and charts are not saved with the state.

/** One chart: type, source ranges on its sheet, options and anchor. */
interface ChartModel {
  id: number | null;
  type: string;
  ranges: Array<{ r: number; c: number; nr: number; nc: number }>;
  options: Record<string, unknown>;
  position: { row: number; column: number; offsetX: number; offsetY: number };
}

/** Charts per sheet, kept beside the grid model so SheetModel stays as it is. */
const CHARTS = new WeakMap<SheetModel, ChartModel[]>();
let nextChartId = 1;

function chartsOf(sh: SheetModel): ChartModel[] {
  let list = CHARTS.get(sh);
  if (!list) { list = []; CHARTS.set(sh, list); }
  return list;
}

const copyChart = (m: ChartModel): ChartModel => ({ ...m, ranges: m.ranges.map((r) => ({ ...r })), options: { ...m.options }, position: { ...m.position } });

/** The builder behind newChart() and modify(); the as…Chart() variants set the type and return the same builder. */
export class EmbeddedChartBuilderImpl extends Service<Core> {
  constructor(rt: Core, readonly __sheet: SheetImpl, readonly __m: ChartModel) {
    super(rt);
    Object.defineProperty(this, '__sheet', { enumerable: false });
    Object.defineProperty(this, '__m', { enumerable: false });
  }
  private _self(): any { return this; }
  addRange(range: GoogleAppsScript.Spreadsheet.Range): any {
    const r = range as unknown as RangeImpl;
    this.__m.ranges.push({ r: r.__r, c: r.__c, nr: r.__nr, nc: r.__nc });
    return this._self();
  }
  removeRange(range: GoogleAppsScript.Spreadsheet.Range): any {
    const r = range as unknown as RangeImpl;
    this.__m.ranges = this.__m.ranges.filter((x) => !(x.r === r.__r && x.c === r.__c && x.nr === r.__nr && x.nc === r.__nc));
    return this._self();
  }
  clearRanges(): any { this.__m.ranges = []; return this._self(); }
  setChartType(type: unknown): any { this.__m.type = String(type); return this._self(); }
  getChartType(): string { return this.__m.type; }
  asAreaChart(): any { return this.setChartType('AREA'); }
  asBarChart(): any { return this.setChartType('BAR'); }
  asColumnChart(): any { return this.setChartType('COLUMN'); }
  asLineChart(): any { return this.setChartType('LINE'); }
  asPieChart(): any { return this.setChartType('PIE'); }
  asTableChart(): any { return this.setChartType('TABLE'); }
  setOption(option: string, value: unknown): any { this.__m.options[String(option)] = value; return this._self(); }
  setPosition(anchorRowPos: number, anchorColPos: number, offsetX: number, offsetY: number): any {
    this.__m.position = { row: anchorRowPos, column: anchorColPos, offsetX, offsetY };
    return this._self();
  }
  getRanges(): GoogleAppsScript.Spreadsheet.Range[] { return chartRanges(this.__rt, this.__sheet, this.__m); }
  build(): GoogleAppsScript.Spreadsheet.EmbeddedChart {
    return new EmbeddedChartImpl(this.__rt, this.__sheet, copyChart(this.__m)) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChart;
  }
}

function chartRanges(rt: Core, sheet: SheetImpl, m: ChartModel): GoogleAppsScript.Spreadsheet.Range[] {
  return rt.array(m.ranges.map((x) => new RangeImpl(rt, sheet, sheet.__sh, x.r, x.c, x.nr, x.nc, 'cells') as unknown as GoogleAppsScript.Spreadsheet.Range));
}

/** A built chart: in a sheet once inserted (then it has an id), or a detached value from build(). */
export class EmbeddedChartImpl extends Service<Core> {
  constructor(rt: Core, readonly __sheet: SheetImpl, readonly __m: ChartModel) {
    super(rt);
    Object.defineProperty(this, '__sheet', { enumerable: false });
    Object.defineProperty(this, '__m', { enumerable: false });
  }
  /** null until the chart is in a spreadsheet (https://developers.google.com/apps-script/reference/spreadsheet/embedded-chart#getchartid). */
  getChartId(): number | null { return this.__m.id; }
  getRanges(): GoogleAppsScript.Spreadsheet.Range[] { return chartRanges(this.__rt, this.__sheet, this.__m); }
  /** The chart's type and options as plain data (the real getOptions() returns a ChartOptions object). */
  getOptions(): { get(option: string): unknown } {
    const options = { ...this.__m.options };
    return { get: (option: string) => options[option] ?? null };
  }
  getType(): string { return this.__m.type; }
  getContainerInfo(): { getAnchorRow(): number; getAnchorColumn(): number; getOffsetX(): number; getOffsetY(): number } {
    const p = this.__m.position;
    return { getAnchorRow: () => p.row, getAnchorColumn: () => p.column, getOffsetX: () => p.offsetX, getOffsetY: () => p.offsetY };
  }
  modify(): GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder {
    return new EmbeddedChartBuilderImpl(this.__rt, this.__sheet, copyChart(this.__m)) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder;
  }
}

/** The chart methods of Sheet, added to its prototype before it is instrumented. */
export interface SheetImpl {
  newChart(): GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder;
  insertChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void;
  getCharts(): GoogleAppsScript.Spreadsheet.EmbeddedChart[];
  updateChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void;
  removeChart(chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void;
}
Object.assign(SheetImpl.prototype, {
  newChart(this: SheetImpl): GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder {
    const m: ChartModel = { id: null, type: 'LINE', ranges: [], options: {}, position: { row: 1, column: 1, offsetX: 0, offsetY: 0 } };
    return new EmbeddedChartBuilderImpl(this.__rt, this, m) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder;
  },
  insertChart(this: SheetImpl, chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = copyChart((chart as unknown as EmbeddedChartImpl).__m);
    m.id = nextChartId++;
    chartsOf(this.__sh).push(m);
  },
  getCharts(this: SheetImpl): GoogleAppsScript.Spreadsheet.EmbeddedChart[] {
    return this.__rt.array(chartsOf(this.__sh).map((m) => new EmbeddedChartImpl(this.__rt, this, copyChart(m)) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChart));
  },
  /** Replaces the chart with the same id (a chart from modify().build() keeps its id). */
  updateChart(this: SheetImpl, chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = (chart as unknown as EmbeddedChartImpl).__m;
    const list = chartsOf(this.__sh);
    const i = list.findIndex((x) => x.id !== null && x.id === m.id);
    if (i < 0) fail('The chart does not exist in this sheet.'); // [UNCONFIRMED wording]
    list[i] = copyChart(m);
  },
  removeChart(this: SheetImpl, chart: GoogleAppsScript.Spreadsheet.EmbeddedChart): void {
    const m = (chart as unknown as EmbeddedChartImpl).__m;
    const list = chartsOf(this.__sh);
    const i = list.findIndex((x) => x.id === m.id);
    if (i >= 0) list.splice(i, 1);
  },
});

const size = (self: RangeImpl): number => self.__nr * self.__nc;
const one = (): number => 1;
instrument(SpreadsheetAppImpl, 'SpreadsheetApp');
instrument(SpreadsheetImpl, 'Spreadsheet');
instrument(SheetImpl, 'Sheet', {}, { appendRow: (_s, args) => (Array.isArray(args[0]) ? args[0].length : 0) });
instrument(EmbeddedChartBuilderImpl, 'EmbeddedChartBuilder');
instrument(EmbeddedChartImpl, 'EmbeddedChart');
instrument(RangeImpl, 'Range',
  { getValues: size, getDisplayValues: size, getFormulas: size, getNumberFormats: size, getFontWeights: size, getBackgrounds: size,
    getValue: one, getDisplayValue: one, getFormula: one, getNumberFormat: one, getFontWeight: one, getBackground: one },
  { setValues: size, setValue: size, setFormula: size, setFormulas: size, setNumberFormat: size, setNumberFormats: size,
    clearContent: size, setFontWeight: size, setFontWeights: size, setBackground: size, sort: size });
