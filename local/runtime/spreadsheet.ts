// Spreadsheet: one spreadsheet file and the sheets it holds.
import { instrument, Service } from './calls';
import { fail } from './errors';
import { DEFAULT_COLUMNS, DEFAULT_ROWS, SheetModel, type Workbook } from './model';
import type { SharedState } from './shared-state';
import { wrapSheet, type SheetImpl } from './sheet';

const wrappers = new WeakMap<Workbook, SpreadsheetImpl>();

/** The Spreadsheet object of a workbook (one per workbook, so === holds). */
export function wrapWorkbook(rt: SharedState, wb: Workbook): GoogleAppsScript.Spreadsheet.Spreadsheet {
  let w = wrappers.get(wb);
  if (!w) {
    w = new SpreadsheetImpl(rt, wb);
    wrappers.set(wb, w);
  }
  return w as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet;
}

/** A spreadsheet file. */
export class SpreadsheetImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    readonly __wb: Workbook,
  ) {
    super(rt);
    Object.defineProperty(this, '__wb', { enumerable: false });
  }
  /** The Sheet object of one of this workbook's sheets, with this object as its parent. */
  private _sheet(sh: SheetModel): GoogleAppsScript.Spreadsheet.Sheet {
    return wrapSheet(
      this.__rt,
      this as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet,
      this.__wb,
      sh,
    ) as unknown as GoogleAppsScript.Spreadsheet.Sheet;
  }
  getId(): string {
    return this.__wb.id;
  }
  getName(): string {
    return this.__wb.name;
  }
  rename(name: string): void {
    this.__wb.name = String(name);
  }
  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this.__wb.id}/edit`;
  }
  getSpreadsheetTimeZone(): string {
    return this.__wb.timeZone;
  }
  setSpreadsheetTimeZone(tz: string): void {
    this.__wb.timeZone = String(tz);
  }
  getSheets(): GoogleAppsScript.Spreadsheet.Sheet[] {
    return this.__rt.array(this.__wb.sheets.map((s) => this._sheet(s)));
  }
  getNumSheets(): number {
    return this.__wb.sheets.length;
  }
  /** null when no sheet has the name (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet#getsheetbynamename). */
  getSheetByName(name: string): GoogleAppsScript.Spreadsheet.Sheet | null {
    const s = this.__wb.sheets.find((x) => x.name === String(name));
    return s ? this._sheet(s) : null;
  }
  getSheetById(id: number): GoogleAppsScript.Spreadsheet.Sheet | null {
    const s = this.__wb.sheets.find((x) => x.sheetId === id);
    return s ? this._sheet(s) : null;
  }
  getActiveSheet(): GoogleAppsScript.Spreadsheet.Sheet {
    const s = this.__wb.sheets[Math.min(this.__wb.active, this.__wb.sheets.length - 1)];
    return this._sheet(s);
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
    do {
      id = Math.floor(Math.random() * 2_000_000_000) + 1;
    } while (wb.sheets.some((s) => s.sheetId === id));
    const sh = new SheetModel(name, id, DEFAULT_ROWS, DEFAULT_COLUMNS);
    if (index === undefined || index > wb.sheets.length) index = wb.sheets.length;
    wb.sheets.splice(Math.max(0, index), 0, sh);
    wb.active = wb.sheets.indexOf(sh);
    return this._sheet(sh);
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

instrument(SpreadsheetImpl, 'Spreadsheet');
