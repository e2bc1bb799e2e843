/** Replay: reprocesses failed, queued and unrouted deliveries from the Webhook log with the current settings. */
import type { Delivery } from '../core/delivery';
import { isPlainObject } from '../core/flatten';
import { findHook } from '../core/hooks';
import { deliveryOutcome, summarize, type Outcome } from '../core/plan';
import { requestParameters } from '../core/request';
import type { PostResponse } from '../core/results';
import type { ReplayResult } from '../core/sidebar-api';
import { withScriptLock } from './lock';
import { logSheet, replayableRows, trimLog, unloggedKeys } from './log';
import { openSpreadsheet, processDelivery } from './process';
import { toast } from './toast';

/** Replays stop before Apps Script's 6-minute execution limit; the rest waits for the next call. */
const REPLAY_BUDGET_MS = 4.5 * 60 * 1000;

/**
 * Reprocesses failed, queued and unrouted deliveries from the Webhook log with the current settings,
 * oldest first, at most `options.limit` of them (the sidebar replays in batches to show progress).
 * From the menu (no options) it replays all it can and reports in a toast.
 */
export function replayDeliveries(options?: unknown): ReplayResult {
  if (options !== undefined && !isPlainObject(options))
    throw new Error('replayDeliveries takes nothing (replay all) or { limit, after } with whole numbers.');
  const opts = (options ?? {}) as { limit?: unknown; after?: unknown };
  const limit = boundedNumber(opts.limit, 'limit', 1, 1000, Number.MAX_SAFE_INTEGER);
  const after = boundedNumber(opts.after, 'after', 0, 10_000_000, 0);
  const started = Date.now();
  const result = withScriptLock((store): ReplayResult => {
    const spreadsheet = openSpreadsheet(store) ?? SpreadsheetApp.getActive();
    const log = logSheet(spreadsheet, store);
    const outcomeOf = (response: PostResponse): Outcome =>
      response.results ? deliveryOutcome(response.results.map((r) => r.action)) : 'failed';
    // Read before the unlogged deliveries get their rows, so a pass replays each delivery once.
    const rows = replayableRows(log).filter((r) => r.row > after);
    const outcomes: Outcome[] = [];
    // Deliveries the log could not take come first, in the pass that starts at the top: replaying gives each its log row.
    const unlogged = after === 0 ? unloggedKeys(store) : [];
    let unloggedLeft = unlogged.length;
    for (const key of unlogged) {
      if (outcomes.length >= limit || Date.now() - started > REPLAY_BUDGET_MS) break;
      const delivery = store.getJson<Delivery>(key);
      store.deleteJson(key);
      unloggedLeft -= 1;
      if (delivery)
        outcomes.push(
          outcomeOf(
            processDelivery(
              spreadsheet,
              store,
              delivery,
              null,
              `Replayed at ${new Date().toISOString()}; kept in the script's properties until the Webhook log could take it.`,
            ),
          ),
        );
    }
    let lastRow = after;
    let replayedRows = 0;
    for (const row of rows) {
      if (outcomes.length >= limit || Date.now() - started > REPLAY_BUDGET_MS) break;
      // The request as it came: its content type and URL parameters (rows logged before the Request column: JSON, none).
      const contentType = row.contentType || 'application/json';
      const parameter = requestParameters(row.query, row.body, contentType);
      // The log row's Hook cell, which a user may edit to route a dead letter, wins over the URL's ?hook= once it names a hook.
      if (findHook(row.hook)) parameter.hook = row.hook;
      const delivery: Delivery = {
        id: Utilities.getUuid(),
        receivedAt: Date.now(),
        contents: row.body,
        contentType,
        parameter,
        query: row.query,
      };
      outcomes.push(outcomeOf(processDelivery(spreadsheet, store, delivery, row, `Replayed at ${new Date().toISOString()}.`)));
      lastRow = row.row;
      replayedRows += 1;
    }
    // Trimming renumbers log rows, so it waits until a replay pass has reached the end.
    const remaining = unloggedLeft + rows.length - replayedRows;
    if (remaining === 0) trimLog(log, store.settings().logRetention);
    return { replayed: outcomes.length, remaining, lastRow, outcomes };
  });
  if (options === undefined) toast(`Replayed ${result.replayed} deliveries: ${summarize(result.outcomes) || 'nothing to replay'}.`);
  return result;
}

function boundedNumber(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
  return value;
}
