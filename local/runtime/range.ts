// Range: a block of cells, with the A1 notation that names it.
import { instrument, Service } from './calls';
import { fail } from './errors';
import { cellKey, OUTSIDE_GRID, type CellStyle, type SheetModel } from './model';
import { DEFAULT_NUMBER_FORMAT, TEXT_FORMAT, type CellValue } from './number-format';
import type { SharedState } from './shared-state';
import type { SheetHandle } from './sheet-handle';
import { sortBlock } from './sort';
import { TextFinderImpl } from './textfinder';
import { isPlainText, parseInput, type Parsed } from './value-parsing';
import { bufferWrites } from './write-buffer';

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

/** Parse A1 notation into a range of `sheet`. Unknown notation fails with "Range not found" (platform message). */
export function parseA1(sheet: SheetHandle, sh: SheetModel, a1: string): GoogleAppsScript.Spreadsheet.Range {
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
  const colEnd = c2 ? columnNumber(c2) : c1 ? colStart : sh.maxCols;
  const rowStart = r1 ? Number(r1) : 1;
  const rowEnd = r2 ? Number(r2) : r1 && !c1 ? rowStart : sh.maxRows;
  if ((c1 && !c2 && !r1) || (!c1 && c2)) fail('Range not found');
  if (!r1 && !r2 && !(c1 && c2)) fail('Range not found');
  const shape = !r1 && !r2 ? 'columns' : !c1 && !c2 ? 'rows' : 'cells';
  const r0 = Math.min(rowStart, rowEnd);
  const cc0 = Math.min(colStart, colEnd);
  return makeRange(sheet, sh, r0, cc0, Math.abs(rowEnd - rowStart) + 1, Math.abs(colEnd - colStart) + 1, shape);
}

/** Validate and build a range; messages are the platform's (seen in execution logs and fakes). */
export function makeRange(
  sheet: SheetHandle,
  sh: SheetModel,
  row: number,
  col: number,
  nr: number,
  nc: number,
  shape: RangeShape = 'cells',
): GoogleAppsScript.Spreadsheet.Range {
  if (!(row >= 1)) fail('The starting row of the range is too small.');
  if (!(col >= 1)) fail('The starting column of the range is too small.');
  if (!(nr >= 1)) fail('The number of rows in the range must be at least 1.');
  if (!(nc >= 1)) fail('The number of columns in the range must be at least 1.');
  // A range past the grid fails (https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangerow,-column,-numrows,-numcolumns; message from logs).
  if (row + nr - 1 > sh.maxRows || col + nc - 1 > sh.maxCols) fail(OUTSIDE_GRID);
  return new RangeImpl(sheet.__rt, sheet, sh, row, col, nr, nc, shape) as unknown as GoogleAppsScript.Spreadsheet.Range;
}

export type RangeShape = 'cells' | 'rows' | 'columns';

function expectGrid(values: unknown, nr: number, nc: number): unknown[][] {
  if (!Array.isArray(values) || values.some((r) => !Array.isArray(r))) {
    fail("The parameters (Object) don't match the method signature for SpreadsheetApp.Range.setValues.");
  }
  const rows = values as unknown[][];
  // Shape mismatch messages as Apps Script words them (seen in execution logs and gas-fakes).
  if (rows.length !== nr)
    fail(
      `The number of rows in the data does not match the number of rows in the range. The data has ${rows.length} but the range has ${nr}.`,
    );
  for (const r of rows) {
    if (r.length !== nc)
      fail(
        `The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${nc}.`,
      );
  }
  return rows;
}

/** A block of cells. */
export class RangeImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    readonly __sheet: SheetHandle,
    readonly __sh: SheetModel,
    readonly __r: number,
    readonly __c: number,
    readonly __nr: number,
    readonly __nc: number,
    readonly __shape: RangeShape,
  ) {
    super(rt);
    for (const k of ['__sheet', '__sh', '__r', '__c', '__nr', '__nc', '__shape']) Object.defineProperty(this, k, { enumerable: false });
  }
  private _tz(): string {
    return this.__sheet.__wb.timeZone;
  }
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
  getValues(): any[][] {
    return this._grid((r, c) => this._value(r, c));
  }
  getValue(): any {
    return this._value(this.__r - 1, this.__c - 1);
  }
  /** Displayed text of each cell (https://developers.google.com/apps-script/reference/spreadsheet/range#getdisplayvalues). */
  getDisplayValues(): string[][] {
    const tz = this._tz();
    return this._grid((r, c) => this.__sh.display(r, c, tz));
  }
  getDisplayValue(): string {
    return this.__sh.display(this.__r - 1, this.__c - 1, this._tz());
  }
  /** Formula text or "" (https://developers.google.com/apps-script/reference/spreadsheet/range#getformulas). */
  getFormulas(): string[][] {
    return this._grid((r, c) => this.__sh.formula(r, c));
  }
  getFormula(): string {
    return this.__sh.formula(this.__r - 1, this.__c - 1);
  }
  /** Number formats; unformatted cells report "0.###############". [UNCONFIRMED default text] */
  getNumberFormats(): string[][] {
    return this._grid((r, c) => this.__sh.format(r, c) ?? DEFAULT_NUMBER_FORMAT);
  }
  getNumberFormat(): string {
    return this.__sh.format(this.__r - 1, this.__c - 1) ?? DEFAULT_NUMBER_FORMAT;
  }
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
        const p = parseInput(v, tz, formatted && sh.format(r0 + i, c0 + j) === TEXT_FORMAT, this.__rt.keepApostropheInPlainText);
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
        sh.put(r, c, parseInput(value, tz, sh.format(r, c) === TEXT_FORMAT, this.__rt.keepApostropheInPlainText));
      }
    }
    sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  setFormula(formula: string): GoogleAppsScript.Spreadsheet.Range {
    return this.setValue(String(formula));
  }
  setFormulas(formulas: string[][]): GoogleAppsScript.Spreadsheet.Range {
    return this.setValues(expectGrid(formulas, this.__nr, this.__nc).map((r) => r.map((f) => String(f))));
  }
  /** Set one number format on every cell ("@" = plain text; https://developers.google.com/apps-script/reference/spreadsheet/range#setnumberformatnumberformat). */
  setNumberFormat(numberFormat: string): GoogleAppsScript.Spreadsheet.Range {
    const f = String(numberFormat);
    for (let i = 0; i < this.__nr; i++)
      for (let j = 0; j < this.__nc; j++) this.__sh.formats.set(cellKey(this.__r - 1 + i, this.__c - 1 + j), f);
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  setNumberFormats(numberFormats: string[][]): GoogleAppsScript.Spreadsheet.Range {
    expectGrid(numberFormats, this.__nr, this.__nc).forEach((line, i) =>
      line.forEach((f, j) => this.__sh.formats.set(cellKey(this.__r - 1 + i, this.__c - 1 + j), String(f))),
    );
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  private _style(apply: (s: CellStyle, i: number, j: number) => void): GoogleAppsScript.Spreadsheet.Range {
    for (let i = 0; i < this.__nr; i++) {
      for (let j = 0; j < this.__nc; j++) {
        const k = cellKey(this.__r - 1 + i, this.__c - 1 + j);
        const s = this.__sh.styles.get(k) ?? {};
        apply(s, i, j);
        this.__sh.styles.set(k, s);
      }
    }
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  /** Cosmetic, recorded. */
  setFontWeight(fontWeight: string | null): GoogleAppsScript.Spreadsheet.Range {
    return this._style((s) => {
      s.fontWeight = fontWeight ?? 'normal';
    });
  }
  setFontWeights(fontWeights: Array<Array<string | null>>): GoogleAppsScript.Spreadsheet.Range {
    const g = expectGrid(fontWeights, this.__nr, this.__nc);
    return this._style((s, i, j) => {
      s.fontWeight = (g[i][j] as string | null) ?? 'normal';
    });
  }
  getFontWeight(): string {
    return this.__sh.styles.get(cellKey(this.__r - 1, this.__c - 1))?.fontWeight ?? 'normal';
  }
  getFontWeights(): string[][] {
    return this._grid((r, c) => this.__sh.styles.get(cellKey(r, c))?.fontWeight ?? 'normal');
  }
  setBackground(color: string | null): GoogleAppsScript.Spreadsheet.Range {
    return this._style((s) => {
      s.background = color ?? '#ffffff';
    });
  }
  getBackground(): string {
    return this.__sh.styles.get(cellKey(this.__r - 1, this.__c - 1))?.background ?? '#ffffff';
  }
  getBackgrounds(): string[][] {
    return this._grid((r, c) => this.__sh.styles.get(cellKey(r, c))?.background ?? '#ffffff');
  }
  /** Clear values and formulas, keep formats (https://developers.google.com/apps-script/reference/spreadsheet/range#clearcontent). */
  clearContent(): GoogleAppsScript.Spreadsheet.Range {
    const empty: Parsed = { value: null, formula: null, format: null };
    for (let i = 0; i < this.__nr; i++) for (let j = 0; j < this.__nc; j++) this.__sh.put(this.__r - 1 + i, this.__c - 1 + j, empty);
    this.__sh.touch();
    return this as unknown as GoogleAppsScript.Spreadsheet.Range;
  }
  getRow(): number {
    return this.__r;
  }
  getColumn(): number {
    return this.__c;
  }
  getNumRows(): number {
    return this.__nr;
  }
  getNumColumns(): number {
    return this.__nc;
  }
  /** End row of the range (https://developers.google.com/apps-script/reference/spreadsheet/range#getlastrow). */
  getLastRow(): number {
    return this.__r + this.__nr - 1;
  }
  getLastColumn(): number {
    return this.__c + this.__nc - 1;
  }
  getA1Notation(): string {
    const c1 = columnLetters(this.__c);
    const c2 = columnLetters(this.__c + this.__nc - 1);
    if (this.__shape === 'columns') return `${c1}:${c2}`;
    if (this.__shape === 'rows') return `${this.__r}:${this.__r + this.__nr - 1}`;
    if (this.__nr === 1 && this.__nc === 1) return `${c1}${this.__r}`;
    return `${c1}${this.__r}:${c2}${this.__r + this.__nr - 1}`;
  }
  getSheet(): GoogleAppsScript.Spreadsheet.Sheet {
    return this.__sheet as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  /** Sub-range relative to this one (https://developers.google.com/apps-script/reference/spreadsheet/range#offsetrowoffset,-columnoffset,-numrows,-numcolumns). */
  offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number): GoogleAppsScript.Spreadsheet.Range {
    return makeRange(this.__sheet, this.__sh, this.__r + rowOffset, this.__c + columnOffset, numRows ?? this.__nr, numColumns ?? this.__nc);
  }
  /** A TextFinder over this range (https://developers.google.com/apps-script/reference/spreadsheet/range#createtextfinderfindtext). */
  createTextFinder(findText: string): GoogleAppsScript.Spreadsheet.TextFinder {
    return new TextFinderImpl(
      this.__rt,
      this.__sheet,
      this.__sh,
      this.__r,
      this.__c,
      this.__nr,
      this.__nc,
      String(findText),
    ) as unknown as GoogleAppsScript.Spreadsheet.TextFinder;
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

const size = (self: RangeImpl): number => self.__nr * self.__nc;
const one = (): number => 1;
instrument(
  RangeImpl,
  'Range',
  {
    getValues: size,
    getDisplayValues: size,
    getFormulas: size,
    getNumberFormats: size,
    getFontWeights: size,
    getBackgrounds: size,
    getValue: one,
    getDisplayValue: one,
    getFormula: one,
    getNumberFormat: one,
    getFontWeight: one,
    getBackground: one,
  },
  {
    setValues: size,
    setValue: size,
    setFormula: size,
    setFormulas: size,
    setNumberFormat: size,
    setNumberFormats: size,
    clearContent: size,
    setFontWeight: size,
    setFontWeights: size,
    setBackground: size,
    sort: size,
  },
);
// Writes are buffered per execution (write-buffer.ts).
bufferWrites<RangeImpl>(
  RangeImpl,
  [
    'setValues',
    'setValue',
    'setFormula',
    'setFormulas',
    'setNumberFormat',
    'setNumberFormats',
    'setFontWeight',
    'setFontWeights',
    'setBackground',
    'clearContent',
    'sort',
  ],
  (self) => self.__sh,
);
