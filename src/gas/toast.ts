/** A short message in the spreadsheet's corner, for entry points run from the menu. */
import { MENU } from '../core/menu';

export function toast(message: string): void {
  try {
    SpreadsheetApp.getActive().toast(message, MENU.title, 8);
  } catch {
    // No spreadsheet UI in this execution (a trigger or the web app): nothing to show.
  }
}
