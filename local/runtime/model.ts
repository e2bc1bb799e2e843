// The spreadsheet data model (workbooks; sheets as row arrays with sparse formulas, formats and styles; charts) and its saved-state form.
import { randomBytes } from 'crypto';
import { fail } from './errors';
import { displayOf, type CellValue } from './number-format';
import type { Parsed } from './value-parsing';

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
/** Key of cell (r, c) (0-based) in a sheet's sparse maps. */
export const cellKey = (r: number, c: number): number => r * KEY + c;

/** One chart: type, source ranges on its sheet (1-based cell coordinates), options and anchor. */
export interface ChartModel {
  id: number | null;
  type: string;
  ranges: Array<{ r: number; c: number; nr: number; nc: number }>;
  options: Record<string, unknown>;
  position: { row: number; column: number; offsetX: number; offsetY: number };
}

/** A deep copy of a chart (builders and returned charts never share the sheet's model). */
export const copyChart = (m: ChartModel): ChartModel => ({
  ...m,
  ranges: m.ranges.map((r) => ({ ...r })),
  options: { ...m.options },
  position: { ...m.position },
});

let nextChartId = 1;
/** The id of a newly inserted chart: unique in this process, also past every id restored from saved state. */
export function newChartId(): number {
  return nextChartId++;
}
function noteChartId(id: number | null): void {
  if (id !== null && id >= nextChartId) nextChartId = id + 1;
}

let lastChangeStamp = 0;
/** When a sheet's content changed: epoch ms, strictly increasing in this process so the latest change is unambiguous. */
function changeStamp(): number {
  lastChangeStamp = Math.max(Date.now(), lastChangeStamp + 1);
  return lastChangeStamp;
}

/** Cosmetic styles, recorded only so tests can see them. */
export interface CellStyle {
  fontWeight?: string;
  background?: string;
}

/** What an execution's buffered writes change in a sheet: everything but its name and id (see write-buffer.ts). */
export interface SheetContent {
  rows: Array<CellValue[] | undefined>;
  formulas: Map<number, string>;
  formats: Map<number, string>;
  styles: Map<number, CellStyle>;
  frozenRows: number;
  hiddenColumns: Set<number>;
  columnWidths: Map<number, number>;
  charts: ChartModel[];
  maxRows: number;
  maxCols: number;
}

const CONTENT_KEYS = [
  'rows',
  'formulas',
  'formats',
  'styles',
  'frozenRows',
  'hiddenColumns',
  'columnWidths',
  'charts',
  'maxRows',
  'maxCols',
] as const;

/** One sheet's grid. Rows/columns here are 0-based. */
export class SheetModel {
  rows: Array<CellValue[] | undefined> = [];
  formulas = new Map<number, string>();
  formats = new Map<number, string>();
  styles = new Map<number, CellStyle>();
  frozenRows = 0;
  hiddenColumns = new Set<number>();
  columnWidths = new Map<number, number>();
  /** Embedded charts in insertion order (see charts.ts). */
  charts: ChartModel[] = [];
  /** When the content last changed (changeStamp), 0 for never: the local workbook viewer opens on the latest. Not an Apps Script API. */
  changedAt = 0;
  private lastRowCache = -1;
  private lastColCache = -1;
  constructor(
    public name: string,
    public sheetId: number,
    public maxRows: number,
    public maxCols: number,
  ) {}

  /** Forget cached extents after a change. */
  touch(): void {
    this.changedAt = changeStamp();
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
        if (row[c] !== null && row[c] !== undefined) {
          max = c + 1;
          break;
        }
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
      if (p.value === null && p.formula === null) {
        this.formulas.delete(cellKey(r, c));
        return;
      }
      while (this.rows.length < r) this.rows.push(undefined);
      row = this.rows[r] = [];
    }
    while (row.length < c) row.push(null);
    row[c] = p.value;
    const k = cellKey(r, c);
    if (p.formula !== null) this.formulas.set(k, p.formula);
    else if (this.formulas.size) this.formulas.delete(k);
    // Sheets applies the format it infers from typed input ("50%", "5/9/2025") only to an unformatted cell.
    if (p.format && !this.formats.has(k)) this.formats.set(k, p.format);
  }
  /** Store a row of plain values at (r, c0..) and drop any formulas there (fast path of setValues). */
  putRow(r: number, c0: number, vals: CellValue[]): void {
    let row = this.rows[r];
    if (!row) {
      if (vals.every((v) => v === null)) {
        if (this.formulas.size) for (let j = 0; j < vals.length; j++) this.formulas.delete(cellKey(r, c0 + j));
        return;
      }
      while (this.rows.length < r) this.rows.push(undefined);
      row = this.rows[r] = [];
    }
    while (row.length < c0) row.push(null);
    for (let j = 0; j < vals.length; j++) row[c0 + j] = vals[j];
    if (this.formulas.size) for (let j = 0; j < vals.length; j++) this.formulas.delete(cellKey(r, c0 + j));
  }
  display(r: number, c: number, tz: string): string {
    const v = this.get(r, c);
    if (v === null) return '';
    return displayOf(v, this.formats.size ? this.formats.get(cellKey(r, c)) : undefined, tz);
  }
  formula(r: number, c: number): string {
    return this.formulas.size ? (this.formulas.get(cellKey(r, c)) ?? '') : '';
  }
  format(r: number, c: number): string | undefined {
    return this.formats.size ? this.formats.get(cellKey(r, c)) : undefined;
  }
  /** Put `next` in place of this sheet's content and return the content it held (pointers only, no copy). */
  exchangeContent(next: SheetContent): SheetContent {
    const held = {} as Record<string, unknown>;
    const self = this as unknown as Record<string, unknown>;
    for (const k of CONTENT_KEYS) {
      held[k] = self[k];
      self[k] = next[k];
    }
    this.touch();
    return held as unknown as SheetContent;
  }
  /** A deep copy of this sheet's content. */
  copyContent(): SheetContent {
    return {
      rows: this.rows.map((row) => (row ? row.slice() : undefined)),
      formulas: new Map(this.formulas),
      formats: new Map(this.formats),
      styles: new Map([...this.styles].map(([k, v]) => [k, { ...v }])),
      frozenRows: this.frozenRows,
      hiddenColumns: new Set(this.hiddenColumns),
      columnWidths: new Map(this.columnWidths),
      charts: this.charts.map(copyChart),
      maxRows: this.maxRows,
      maxCols: this.maxCols,
    };
  }
  /** Re-key the sparse maps: `f` maps (r, c) to a new place or null to drop it. */
  remap(f: (r: number, c: number) => [number, number] | null): void {
    for (const name of ['formulas', 'formats', 'styles'] as const) {
      const old = this[name] as Map<number, unknown>;
      if (!old.size) continue;
      const next = new Map<number, unknown>();
      for (const [k, v] of old) {
        const to = f(Math.floor(k / KEY), k % KEY);
        if (to) next.set(cellKey(to[0], to[1]), v);
      }
      (this as unknown as Record<string, Map<number, unknown>>)[name] = next;
    }
  }
}

/** One spreadsheet file. */
export class Workbook {
  sheets: SheetModel[] = [];
  active = 0;
  constructor(
    public id: string,
    public name: string,
    public timeZone: string,
  ) {}
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

// ---- Saved state ------------------------------------------------------------------------------

/** A cell in saved state: Dates become {d: epoch ms}. */
export type SavedCell = string | number | boolean | null | { d: number };

/** One sheet in saved state. */
export interface SheetState {
  name: string;
  sheetId: number;
  maxRows: number;
  maxColumns: number;
  frozenRows: number;
  rows: Array<SavedCell[] | null>;
  formulas: Array<[number, number, string]>;
  formats: Array<[number, number, string]>;
  styles: Array<[number, number, CellStyle]>;
  hiddenColumns: number[];
  columnWidths: Array<[number, number]>;
  charts: ChartModel[];
  /** SheetModel.changedAt (absent in state saved before it was kept). */
  changedAt?: number;
}

/** One spreadsheet in saved state. */
export interface SpreadsheetState {
  id: string;
  name: string;
  timeZone: string;
  active: number;
  sheets: SheetState[];
}

function encodeCell(v: CellValue | undefined): SavedCell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return { d: v.getTime() };
  return v;
}

function decodeCell(v: SavedCell): CellValue {
  if (v !== null && typeof v === 'object') return new Date(v.d);
  return v;
}

function sheetState(sh: SheetModel): SheetState {
  let end = sh.rows.length;
  while (end > 0 && !sh.rows[end - 1]) end--;
  const split = <V>(m: Map<number, V>): Array<[number, number, V]> => [...m].map(([k, v]) => [Math.floor(k / KEY), k % KEY, v]);
  return {
    name: sh.name,
    sheetId: sh.sheetId,
    maxRows: sh.maxRows,
    maxColumns: sh.maxCols,
    frozenRows: sh.frozenRows,
    rows: sh.rows.slice(0, end).map((row) => (row ? Array.from(row, encodeCell) : null)),
    formulas: split(sh.formulas),
    formats: split(sh.formats),
    styles: split(sh.styles),
    hiddenColumns: [...sh.hiddenColumns],
    columnWidths: [...sh.columnWidths],
    charts: sh.charts.map(copyChart),
    changedAt: sh.changedAt,
  };
}

function sheetFromState(st: SheetState): SheetModel {
  const sh = new SheetModel(st.name, st.sheetId, st.maxRows, st.maxColumns);
  sh.frozenRows = st.frozenRows;
  sh.rows = st.rows.map((row) => (row ? row.map(decodeCell) : undefined));
  for (const [r, c, f] of st.formulas) sh.formulas.set(cellKey(r, c), f);
  for (const [r, c, f] of st.formats) sh.formats.set(cellKey(r, c), f);
  for (const [r, c, f] of st.styles ?? []) sh.styles.set(cellKey(r, c), f);
  sh.hiddenColumns = new Set(st.hiddenColumns ?? []);
  sh.columnWidths = new Map(st.columnWidths ?? []);
  // State saved before charts were kept has none.
  sh.charts = (st.charts ?? []).map(copyChart);
  for (const m of sh.charts) noteChartId(m.id);
  sh.changedAt = st.changedAt ?? 0;
  lastChangeStamp = Math.max(lastChangeStamp, sh.changedAt);
  return sh;
}

/** A workbook in saved-state form. */
export function workbookState(wb: Workbook): SpreadsheetState {
  return { id: wb.id, name: wb.name, timeZone: wb.timeZone, active: wb.active, sheets: wb.sheets.map(sheetState) };
}

/** The workbook a saved state describes. */
export function workbookFromState(s: SpreadsheetState): Workbook {
  const wb = new Workbook(s.id, s.name, s.timeZone);
  wb.active = s.active ?? 0;
  for (const st of s.sheets) wb.sheets.push(sheetFromState(st));
  return wb;
}
