// What ranges, text finders and charts need of their Sheet, so they need not import the Sheet module.
import type { SheetModel, Workbook } from './model';
import type { SharedState } from './shared-state';

/** A Sheet object as its ranges see it (SheetImpl is one). */
export interface SheetHandle {
  readonly __rt: SharedState;
  readonly __wb: Workbook;
  readonly __sh: SheetModel;
  getRange(row: number, column: number): GoogleAppsScript.Spreadsheet.Range;
}
