/** Processing deliveries under the script lock, several at once (group commit): parse, route, write, update the pipeline, log, and each answer. */
import { parseDelivery, type Delivery } from '../core/delivery';
import { sentence } from '../core/errors';
import { deliveryOutcome, summarize, type Outcome } from '../core/plan';
import { answerAsKept, failure, publicResult, type EventResult, type PostResponse } from '../core/results';
import type { Settings } from '../core/settings';
import { recordCapacitySafely } from './capacity';
import { routeEvents, writeEvents } from './ingest';
import { keepDeliveries } from './log';
import { updatePipelineSafely } from './pipeline-sheets';
import type { ScriptStore } from './store';

/** The spreadsheet setup remembered, or null when it is not set up or cannot be opened. */
export function openSpreadsheet(store: ScriptStore): GoogleAppsScript.Spreadsheet.Spreadsheet | null {
  const id = store.spreadsheetId();
  if (!id) return null;
  try {
    return SpreadsheetApp.openById(id);
  } catch {
    return null;
  }
}

/** The log row being replayed (updated in place instead of adding a log row). */
export type ReplayOf = { row: number; hook: string } | null;

/**
 * Parses, routes and writes one delivery and logs it. `replayOf` is the log row being replayed
 * (updated in place instead of adding a log row); `note` goes before the log message. Runs under the script lock.
 */
export function processDelivery(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  delivery: Delivery,
  replayOf: ReplayOf,
  note: string,
): PostResponse {
  return processBatch(spreadsheet, store, [{ delivery, replayOf, note }])[0];
}

/** One delivery of a batch. */
export interface BatchItem {
  delivery: Delivery;
  replayOf: ReplayOf;
  /** Put before the log message (e.g. "Queued at …, written later."). */
  note: string;
}

/** What one delivery came to, before its log row is written. */
interface Settled {
  results: EventResult[];
  outcome: Outcome;
  message: string;
  response: PostResponse;
}

/**
 * Parses, routes and writes the deliveries of `items` together, in their order, and logs each: all their
 * events go through one writeEvents (one search and one write per sheet), the pipeline is updated once,
 * and the new log rows are one write. The result is the same as writing them one by one in that order:
 * a later event with the same key updates (insert-if-new: skips) the row an earlier one adds, and the same
 * event twice is a duplicate. Runs under the script lock.
 */
export function processBatch(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  items: readonly BatchItem[],
): PostResponse[] {
  const settings: Settings = store.settings();
  const parsed = items.map(({ delivery }) =>
    parseDelivery({ contents: delivery.contents, contentType: delivery.contentType, parameter: delivery.parameter }),
  );
  // Every event of the batch in one list, each knowing its delivery.
  const routed: Array<ReturnType<typeof routeEvents>[number]> = [];
  const owners: number[] = [];
  parsed.forEach((p, i) => {
    if (!p.ok) return;
    const { delivery, replayOf } = items[i];
    const hookHint = delivery.parameter.hook || (replayOf ? replayOf.hook : '') || null;
    for (const r of routeEvents(p.events, hookHint, settings, delivery.receivedAt)) {
      routed.push({ ...r, index: routed.length });
      owners.push(i);
    }
  });
  const now = new Date();
  const results = routed.length ? writeEvents(spreadsheet, store, routed) : [];
  // Same lock, after the hook sheets: a pipeline failure is logged, never fails or loses a delivery.
  const pipelineError = settings.pipeline.enabled && routed.length ? updatePipelineSafely(spreadsheet, store, routed, results, now) : null;
  const settled: Settled[] = items.map((item, i) => {
    const p = parsed[i];
    if (p.ok) return settle(results.filter((_, e) => owners[e] === i));
    const failedResult: EventResult = {
      hook: item.delivery.parameter.hook || '',
      sheet: '',
      action: 'failed',
      row: null,
      message: p.message,
    };
    return {
      results: [failedResult],
      outcome: 'failed',
      message: `${p.code}: ${p.message}`,
      response: failure(p.code, `${p.message} The body is kept in the Webhook log and can be replayed.`),
    };
  });
  const kept = keepDeliveries(
    spreadsheet,
    store,
    items.map((item, i) => {
      let message = settled[i].message;
      if (item.note) message = `${item.note} ${message}`;
      if (pipelineError && parsed[i].ok) message = `${message} Pipeline not updated: ${pipelineError}`;
      return {
        delivery: item.delivery,
        processed: { outcome: settled[i].outcome, results: settled[i].results, message },
        replayOf: item.replayOf,
      };
    }),
  );
  recordCapacitySafely(spreadsheet, store);
  return settled.map((s, i) => answerAsKept(s.response, kept[i]));
}

/** The outcome, log message and answer of a delivery whose events were written with `results`. */
function settle(results: EventResult[]): Settled {
  const outcomes = results.map((r) => r.action);
  const failed = results.filter((r) => r.action === 'failed');
  const response: PostResponse = { ok: failed.length === 0, results: results.map(publicResult) };
  if (failed.length) {
    response.error = {
      code: failed.length === results.length ? 'write_failed' : 'partly_failed',
      message: `${failed.length} of ${results.length} events could not be written: ${sentence(failed[0].message ?? '')} They are kept in the Webhook log and can be replayed.`,
    };
  }
  const message = [summarize(outcomes), ...failed.map((r) => r.message ?? '')].filter(Boolean).join('; ');
  return { results, outcome: deliveryOutcome(outcomes), message, response };
}
