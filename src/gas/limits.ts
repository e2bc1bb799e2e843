/** The 10-million-cell limit: how close the spreadsheet is, checked only when a delivery grew a grid. */

import { CELL_LIMIT } from '../core/capacity';

/** Sheets holds at most 10,000,000 cells per spreadsheet, counted over every sheet's whole grid. */
export { CELL_LIMIT };
/** From here on the app warns and trims the log's successful rows. */
const CELL_WARNING = 9_000_000;

let grew = false;

/** Called wherever the app adds rows, columns or sheets. */
export function noteGridGrowth(): void {
  grew = true;
}

/** True once since the last call when the grid grew: only then can the cell count have risen. */
export function takeGridGrowth(): boolean {
  const g = grew;
  grew = false;
  return g;
}

/** Cells the spreadsheet's grids hold (every sheet's rows × columns, empty ones included). */
export function cellsUsed(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): number {
  return spreadsheet.getSheets().reduce((sum, sheet) => sum + sheet.getMaxRows() * sheet.getMaxColumns(), 0);
}

/** A warning for the log and the sidebar, or null while the spreadsheet is well under the limit. */
export function cellWarning(used: number): string | null {
  if (used < CELL_WARNING) return null;
  return `The spreadsheet uses ${used.toLocaleString('en-US')} of Google's ${CELL_LIMIT.toLocaleString('en-US')} cells. Delete or archive old rows or unused sheets: writes that would pass the limit fail (and stay replayable in the Webhook log).`;
}
