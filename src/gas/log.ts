/** The "Webhook log" sheet: one row per authenticated delivery, with its outcome, its request and the raw body; a delivery the log cannot take waits in script properties for replay. */
import type { Delivery } from '../core/delivery';
import { MAX_BODY_CHARS } from '../core/delivery';
import { errorText } from '../core/errors';
import { REPLAYABLE, type Outcome } from '../core/plan';
import { parseRequestText, requestParameters, requestText } from '../core/request';
import type { EventResult, LogKeeping } from '../core/results';
import { cutText, textCell, writtenText } from '../core/values';
import { cellsUsed, cellWarning, noteGridGrowth, takeGridGrowth } from './limits';
import { KEYS, type ScriptStore } from './store';

export const LOG_SHEET = 'Webhook log';
const LOG_HEADER = ['Received at', 'Delivery id', 'Hook', 'Outcome', 'Sheet', 'Row', 'Message', 'Request', 'Body'] as const;
const COL = { hook: 3, outcome: 4, message: 7, request: 8, body: 9 } as const;
/** The log's layout version, kept in script properties once the sheet is known to have it (no header read per delivery). */
const LOG_LAYOUT = '2';

/** Body text per cell: under the 50,000-character cell limit, with room for the apostrophe. */
const BODY_CHUNK = 45000;
/** Longest text of the summary cells (hook, sheet, row, request): a 10,000-event delivery or a 60,000-character hook type still fits a row. */
const SUMMARY_MAX = 1000;
/** Longest message text. */
const MESSAGE_MAX = 2000;
/** Successful log rows kept when the spreadsheet nears the cell limit. */
const NEAR_LIMIT_LOG_ROWS = 500;

/** One log row. */
export interface LogEntry {
  receivedAt: Date;
  deliveryId: string;
  hook: string;
  outcome: Outcome;
  sheet: string;
  row: string;
  message: string;
  /** Content type and URL query (src/core/request.ts requestText). */
  request: string;
  body: string;
}

/**
 * The log sheet, created with its header on first use. Given the store, a log of the earlier layout
 * (no Request column) gets its Request column inserted before Body, once.
 */
export function logSheet(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store?: ScriptStore): GoogleAppsScript.Spreadsheet.Sheet {
  let sheet = spreadsheet.getSheetByName(LOG_SHEET);
  if (!sheet) {
    sheet = spreadsheet.insertSheet(LOG_SHEET);
    noteGridGrowth();
    const header = sheet.getRange(1, 1, 1, LOG_HEADER.length);
    header.setValues([[...LOG_HEADER]]);
    header.setFontWeight('bold');
    sheet.setFrozenRows(1);
  } else if (store && store.get(KEYS.logLayout) !== LOG_LAYOUT) {
    const header = sheet.getRange(1, 1, 1, COL.request).getValues()[0].map(String);
    if (header[COL.request - 1] === 'Body') {
      sheet.insertColumnBefore(COL.request);
      sheet.getRange(1, COL.request).setValue('Request').setFontWeight('bold');
    }
  }
  if (store && store.get(KEYS.logLayout) !== LOG_LAYOUT) store.set(KEYS.logLayout, LOG_LAYOUT);
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
  for (let i = 0; i < body.length;) {
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

/** A summary cell: exact text, cut with a marker past `max` characters. */
function summaryCell(text: string, max: number = SUMMARY_MAX): string {
  return textCell(cutText(text, max));
}

/** Spare rows added when a block of log rows needs the grid to grow, so the next blocks need not. */
const LOG_SPARE_ROWS = 200;

/** One log row's cells. Every cell is bounded; the body keeps its split cells. */
function logRow(entry: LogEntry): Array<string | Date> {
  return [
    entry.receivedAt,
    textCell(entry.deliveryId),
    summaryCell(entry.hook),
    entry.outcome,
    summaryCell(entry.sheet),
    summaryCell(entry.row),
    summaryCell(entry.message, MESSAGE_MAX),
    summaryCell(entry.request),
    ...bodyCells(entry.body),
  ];
}

/** Appends one log row (one service call, plus grid growth for very large bodies). */
export function appendLog(sheet: GoogleAppsScript.Spreadsheet.Sheet, entry: LogEntry): void {
  appendLogs(sheet, [entry]);
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
export function entryFor(delivery: Delivery, body: string, outcome: Outcome, results: readonly EventResult[], message: string): LogEntry {
  const unique = (xs: string[]) => [...new Set(xs.filter(Boolean))].join(', ');
  return {
    receivedAt: new Date(delivery.receivedAt),
    deliveryId: delivery.id,
    hook: unique(results.map((r) => r.hook)),
    outcome,
    sheet: unique(results.map((r) => r.sheet)),
    row: unique(results.map((r) => (r.row === null ? '' : String(r.row)))),
    message,
    request: requestText(delivery.contentType, delivery.query ?? '', SUMMARY_MAX),
    body,
  };
}

/** What processing a delivery came to, for its log row. */
export interface Processed {
  outcome: Outcome;
  results: readonly EventResult[];
  message: string;
}

/** One processed delivery to keep, with the log row it replays (or null for a new one). */
export interface ToKeep {
  delivery: Delivery;
  processed: Processed;
  replayOf: { row: number } | null;
}

/**
 * Keeps processed deliveries where a user can see and replay them: a log row each (or, for a replay, its row
 * updated), else, when the log cannot take a row (a full spreadsheet), in script properties, where replay
 * finds it. Says where each was kept. Runs under the script lock. The new rows go in with one write (group
 * commit); when that write fails, each delivery is kept on its own, so one that the log cannot take never
 * costs the others their row.
 */
export function keepDeliveries(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  items: readonly ToKeep[],
): LogKeeping[] {
  const kept: LogKeeping[] = new Array(items.length);
  let log: GoogleAppsScript.Spreadsheet.Sheet;
  let warning: string | null = null;
  try {
    log = logSheet(spreadsheet, store);
    if (takeGridGrowth()) {
      // Near the cell limit: make room by trimming the log's successful rows first, and say so.
      if (cellWarning(cellsUsed(spreadsheet))) trimLog(log, Math.min(store.settings().logRetention, NEAR_LIMIT_LOG_ROWS));
      warning = cellWarning(cellsUsed(spreadsheet));
    }
  } catch (err) {
    return items.map((item) => notLogged(store, item, errorText(err, 200)));
  }
  const entries = items.map((item) => {
    let message = item.processed.message;
    if (warning) message = `${message} ${warning}`;
    const { delivery } = item;
    // A body over the cap is refused; the log keeps its first MAX_BODY_CHARS characters.
    const body = delivery.contents.length > MAX_BODY_CHARS ? delivery.contents.slice(0, MAX_BODY_CHARS) : delivery.contents;
    if (body !== delivery.contents) message += ` The log keeps the first ${MAX_BODY_CHARS} of ${delivery.contents.length} characters.`;
    return entryFor(delivery, body, item.processed.outcome, item.processed.results, message);
  });
  const fresh: number[] = [];
  items.forEach((item, i) => {
    if (!item.replayOf) {
      fresh.push(i);
      return;
    }
    try {
      markReplayed(log, item.replayOf.row, entries[i]);
      kept[i] = { where: 'log' };
    } catch (err) {
      // A replayed row is already in the log with its body: only its outcome could not be updated.
      kept[i] = { where: 'log', reason: errorText(err, 200) };
    }
  });
  try {
    appendLogs(
      log,
      fresh.map((i) => entries[i]),
    );
    for (const i of fresh) kept[i] = { where: 'log' };
  } catch {
    for (const i of fresh) {
      try {
        appendLog(log, entries[i]);
        kept[i] = { where: 'log' };
      } catch (err) {
        kept[i] = notLogged(store, items[i], errorText(err, 200));
      }
    }
  }
  return kept;
}

/** A delivery the log could not take: kept in script properties for replay, or said to be kept nowhere. */
function notLogged(store: ScriptStore, item: ToKeep, reason: string): LogKeeping {
  if (item.replayOf) return { where: 'log', reason };
  console.error(`Could not write the Webhook log: ${reason}`);
  try {
    stashUnlogged(store, item.delivery);
    return { where: 'properties', reason };
  } catch (stashErr) {
    return { where: 'nowhere', reason: `${reason}; script properties: ${errorText(stashErr, 200)}` };
  }
}

let stashed = 0;

/** Keeps a delivery the log could not take, in arrival order. Throws when the property store is full. */
function stashUnlogged(store: ScriptStore, delivery: Delivery): void {
  stashed += 1;
  const order = `${String(delivery.receivedAt).padStart(15, '0')}-${String(stashed).padStart(6, '0')}`;
  store.setJson(`${KEYS.unloggedPrefix}${order}-${delivery.id}`, delivery);
}

/** Keys of deliveries waiting in script properties for a log row, oldest first. */
export function unloggedKeys(store: ScriptStore): string[] {
  return [...new Set(store.keys(KEYS.unloggedPrefix).map((k) => k.replace(/#\d+$/, '')))].sort();
}

/** A log row that can be replayed, with the request it came with. */
export interface ReplayableRow {
  row: number;
  hook: string;
  outcome: Outcome;
  body: string;
  /** As received; empty for rows logged before the Request column existed. */
  contentType: string;
  query: string;
}

/** The body cells' first column: found by the header, so rows of either layout read right. */
function bodyIndex(header: readonly unknown[]): number {
  const at = header.map(String).indexOf('Body');
  return at < 0 ? COL.body - 1 : at;
}

/** A log row's request as the web app received it (token excepted): body, content type, parameters and query. */
export function logRowRequest(
  values: readonly unknown[],
  header: readonly unknown[],
): Pick<Delivery, 'contents' | 'contentType' | 'parameter'> & { query: string } {
  const bodyAt = bodyIndex(header);
  const contents = logBody(values.slice(bodyAt));
  const hasRequest = String(header[COL.request - 1]) === 'Request';
  const { contentType, query } = parseRequestText(hasRequest ? writtenText(String(values[COL.request - 1] ?? '')) : '');
  return { contents, contentType, query, parameter: requestParameters(query, contents, contentType) };
}

/** Every failed, queued or unrouted row, oldest first. */
export function replayableRows(sheet: GoogleAppsScript.Spreadsheet.Sheet): ReplayableRow[] {
  const lastRow = sheet.getLastRow();
  if (lastRow < 2) return [];
  const width = Math.max(sheet.getLastColumn(), COL.body);
  const [header, ...values] = sheet.getRange(1, 1, lastRow, width).getValues();
  const rows: ReplayableRow[] = [];
  values.forEach((v, i) => {
    const outcome = String(v[COL.outcome - 1]) as Outcome;
    if (!REPLAYABLE.includes(outcome)) return;
    const request = logRowRequest(v, header);
    rows.push({
      row: i + 2,
      hook: writtenText(String(v[COL.hook - 1])),
      outcome,
      body: request.contents,
      contentType: request.contentType,
      query: request.query,
    });
  });
  return rows;
}

/** Records the result of a replay on its log row: outcome, sheet, row and message. */
export function markReplayed(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  row: number,
  entry: Pick<LogEntry, 'outcome' | 'sheet' | 'row' | 'message'>,
): void {
  sheet
    .getRange(row, COL.outcome, 1, COL.message - COL.outcome + 1)
    .setValues([[entry.outcome, summaryCell(entry.sheet), summaryCell(entry.row), summaryCell(entry.message, MESSAGE_MAX)]]);
}

/** Deletes the oldest successful rows beyond `keep`; failed, queued and unrouted rows always stay. */
export function trimLog(sheet: GoogleAppsScript.Spreadsheet.Sheet, keep: number): number {
  const lastRow = sheet.getLastRow();
  if (lastRow < 2) return 0;
  const outcomes = sheet
    .getRange(2, COL.outcome, lastRow - 1, 1)
    .getValues()
    .map((r) => String(r[0]) as Outcome);
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
