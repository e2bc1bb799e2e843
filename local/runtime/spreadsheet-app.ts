// SpreadsheetApp: opening and creating spreadsheets, the bound one, and the editor UI.
import { instrument, Service } from './calls';
import { fail } from './errors';
import { CELLS_LIMIT_MESSAGE, DEFAULT_COLUMNS, DEFAULT_ROWS, MAX_CELLS, newSpreadsheetId, SheetModel, Workbook } from './model';
import type { SharedState } from './shared-state';
import { wrapWorkbook } from './spreadsheet';
import { UiImpl } from './ui';

/** The SpreadsheetApp global. */
export class SpreadsheetAppImpl extends Service<SharedState> {
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
  /** Applies this execution's pending changes, so other executions see them (https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet-app#flush(); write-buffer.ts). */
  flush(): void {
    this.__rt.writes.commit(this.__rt.executionId());
  }
}

function activeSpreadsheet(rt: SharedState, method: string): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
  // getActiveSpreadsheet()/getUi() are not available to a bound script running as a web app (https://developers.google.com/apps-script/guides/bound).
  if (rt.kind() === 'webapp') {
    fail(
      `SpreadsheetApp.${method}() is not available in a web app execution: use SpreadsheetApp.openById(id) (https://developers.google.com/apps-script/guides/bound).`,
    );
  }
  const wb = rt.boundId ? rt.workbooks.get(rt.boundId) : undefined;
  return wb ? wrapWorkbook(rt, wb) : null;
}

/** Make a workbook with one "Sheet1" of rows x columns. */
export function createWorkbook(rt: SharedState, name: string, rows = DEFAULT_ROWS, columns = DEFAULT_COLUMNS): Workbook {
  const wb = new Workbook(newSpreadsheetId(), String(name), rt.timeZone);
  if (rows * columns > MAX_CELLS) fail(CELLS_LIMIT_MESSAGE);
  wb.sheets.push(new SheetModel('Sheet1', 0, rows, columns));
  rt.workbooks.set(wb.id, wb);
  return wb;
}

instrument(SpreadsheetAppImpl, 'SpreadsheetApp');
