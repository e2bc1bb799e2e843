/** The "Webhook log" sheet: one row per authenticated delivery, with its outcome and the raw body. */
import { REPLAYABLE, type Outcome } from '../core/plan';
import { textCell, writtenText } from '../core/values';
import type { EventResult } from '../core/results';
import { noteGridGrowth } from './limits';

export const LOG_SHEET = 'Webhook log';
const LOG_HEADER = ['Received at', 'Delivery id', 'Hook', 'Outcome', 'Sheet', 'Row', 'Message', 'Body'] as const;
const COL = { hook: 3, outcome: 4, message: 7, body: 8 } as const;

/** Spare rows added when a block of log rows needs the grid to grow, so the next blocks need not. */
const LOG_SPARE_ROWS = 200;

/** Body text per cell: under the 50,000-character cell limit, with room for the apostrophe. */
const BODY_CHUNK = 45000;

/** One log row. */
export interface LogEntry {
  receivedAt: Date;
  deliveryId: string;
  hook: string;
  outcome: Outcome;
  sheet: string;
  row: string;
  message: string;
  body: string;
}

/** The log sheet, created with its header on first use. */
export function logSheet(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): GoogleAppsScript.Spreadsheet.Sheet {
  let sheet = spreadsheet.getSheetByName(LOG_SHEET);
  if (!sheet) {
    sheet = spreadsheet.insertSheet(LOG_SHEET);
    noteGridGrowth();
    const header = sheet.getRange(1, 1, 1, LOG_HEADER.length);
    header.setValues([[...LOG_HEADER]]);
    header.setFontWeight('bold');
    sheet.setFrozenRows(1);
  }
  return sheet;
}

/** Most apostrophes a chunk takes on past BODY_CHUNK so that the next chunk does not start with one. */
const BODY_SLACK = 4000;

/**
 * Splits a body over as many cells as it needs. A chunk after the first never starts with an apostrophe
 * (the boundary moves past them), so reading back (logBody) can tell the guard apostrophe from the body's own.
 */
export function bodyCells(body: string): string[] {
  const cells: string[] = [];
  for (let i = 0; i < body.length; ) {
    let end = Math.min(i + BODY_CHUNK, body.length);
    while (end < body.length && body.charAt(end) === "'" && end - i < BODY_CHUNK + BODY_SLACK) end += 1;
    cells.push(textCell(body.slice(i, end)));
    i = end;
  }
  return cells.length ? cells : [''];
}

/** A logged body from its cells, without the guard apostrophes a Plain-text cell may give back. */
export function logBody(cells: readonly unknown[]): string {
  return cells.map((c) => writtenText(String(c))).join('');
}

/** The cells of one log row. */
function logRow(entry: LogEntry): Array<string | Date> {
  return [
    entry.receivedAt,
    textCell(entry.deliveryId),
    textCell(entry.hook),
    entry.outcome,
    textCell(entry.sheet),
    textCell(entry.row),
    textCell(entry.message.slice(0, 2000)),
    ...bodyCells(entry.body),
  ];
}

/**
 * Appends log rows: one appendRow for one entry; for several (a batch), the last row is asked once and
 * all rows go in with one setValues, padded to the widest body. The grid grows only when the rows need it.
 */
export function appendLogs(sheet: GoogleAppsScript.Spreadsheet.Sheet, entries: readonly LogEntry[]): void {
  if (entries.length === 0) return;
  const rows = entries.map(logRow);
  const width = Math.max(...rows.map((r) => r.length));
  if (width > 26 && sheet.getMaxColumns() < width) sheet.insertColumnsAfter(sheet.getMaxColumns(), width - sheet.getMaxColumns());
  if (rows.length === 1) {
    sheet.appendRow(rows[0]);
    return;
  }
  const first = sheet.getLastRow() + 1;
  const values = rows.map((r) => [...r, ...new Array<string>(width - r.length).fill('')]);
  try {
    sheet.getRange(first, 1, rows.length, width).setValues(values);
  } catch (err) {
    // Past the grid's last row: add rows (only when it happens, with spares) and write again.
    const maxRows = sheet.getMaxRows();
    const last = first + rows.length - 1;
    if (last <= maxRows) throw err;
    sheet.insertRowsAfter(maxRows, last - maxRows + LOG_SPARE_ROWS);
    noteGridGrowth();
    sheet.getRange(first, 1, rows.length, width).setValues(values);
  }
}

/** A log entry for a processed delivery. */
export function entryFor(deliveryId: string, receivedAt: Date, body: string, outcome: Outcome, results: readonly EventResult[], message: string): LogEntry {
  const unique = (xs: string[]) => [...new Set(xs.filter(Boolean))].join(', ');
  return {
    receivedAt,
    deliveryId,
    hook: unique(results.map((r) => r.hook)),
    outcome,
    sheet: unique(results.map((r) => r.sheet)),
    row: unique(results.map((r) => (r.row === null ? '' : String(r.row)))),
    message,
    body,
  };
}

/** A log row that can be replayed. */
export interface ReplayableRow {
  row: number;
  hook: string;
  outcome: Outcome;
  body: string;
}

/** Every failed, queued or unrouted row, oldest first. */
export function replayableRows(sheet: GoogleAppsScript.Spreadsheet.Sheet): ReplayableRow[] {
  const lastRow = sheet.getLastRow();
  if (lastRow < 2) return [];
  const width = Math.max(sheet.getLastColumn(), COL.body);
  const values = sheet.getRange(2, 1, lastRow - 1, width).getValues();
  const rows: ReplayableRow[] = [];
  values.forEach((v, i) => {
    const outcome = String(v[COL.outcome - 1]) as Outcome;
    if (!REPLAYABLE.includes(outcome)) return;
    rows.push({ row: i + 2, hook: writtenText(String(v[COL.hook - 1])), outcome, body: logBody(v.slice(COL.body - 1)) });
  });
  return rows;
}

/** Records the result of a replay on its log row: outcome, sheet, row and message. */
export function markReplayed(sheet: GoogleAppsScript.Spreadsheet.Sheet, row: number, entry: Pick<LogEntry, 'outcome' | 'sheet' | 'row' | 'message'>): void {
  sheet
    .getRange(row, COL.outcome, 1, COL.message - COL.outcome + 1)
    .setValues([[entry.outcome, textCell(entry.sheet), textCell(entry.row), textCell(entry.message.slice(0, 2000))]]);
}

/** Deletes the oldest successful rows beyond `keep`; failed, queued and unrouted rows always stay. */
export function trimLog(sheet: GoogleAppsScript.Spreadsheet.Sheet, keep: number): number {
  const lastRow = sheet.getLastRow();
  if (lastRow < 2) return 0;
  const outcomes = sheet.getRange(2, COL.outcome, lastRow - 1, 1).getValues().map((r) => String(r[0]) as Outcome);
  const successful = outcomes.map((o, i) => (REPLAYABLE.includes(o) ? -1 : i + 2)).filter((r) => r > 0);
  const excess = successful.length - keep;
  if (excess <= 0) return 0;
  const doomed = successful.slice(0, excess);
  // Delete bottom-up in runs of adjacent rows, so row numbers above stay valid.
  let i = doomed.length - 1;
  while (i >= 0) {
    let start = doomed[i];
    let count = 1;
    while (i - count >= 0 && doomed[i - count] === start - 1) {
      start -= 1;
      count += 1;
    }
    sheet.deleteRows(start, count);
    i -= count;
  }
  return doomed.length;
}
