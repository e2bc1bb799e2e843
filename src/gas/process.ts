/** Processing one delivery under the script lock: parse, route, write, update the pipeline, log, and the answer. */
import { parseDelivery, type Delivery } from '../core/delivery';
import { sentence } from '../core/errors';
import { deliveryOutcome, summarize, type Outcome } from '../core/plan';
import { answerAsKept, failure, publicResult, type EventResult, type PostResponse } from '../core/results';
import type { Settings } from '../core/settings';
import { recordCapacitySafely } from './capacity';
import { routeEvents, writeEvents } from './ingest';
import { keepDelivery } from './log';
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

/**
 * Parses, routes and writes one delivery and logs it. `replayOf` is the log row being replayed
 * (updated in place instead of adding a log row). Runs under the script lock.
 */
export function processDelivery(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  delivery: Delivery,
  replayOf: { row: number; hook: string } | null,
  note = '',
): PostResponse {
  const settings: Settings = store.settings();
  const receivedAt = new Date(delivery.receivedAt);
  const parsed = parseDelivery({ contents: delivery.contents, contentType: delivery.contentType, parameter: delivery.parameter });
  let results: EventResult[];
  let response: PostResponse;
  let outcome: Outcome;
  let message: string;
  let pipelineError: string | null = null;
  if (!parsed.ok) {
    results = [{ hook: delivery.parameter.hook || '', sheet: '', action: 'failed', row: null, message: parsed.message }];
    outcome = 'failed';
    message = `${parsed.code}: ${parsed.message}`;
    response = failure(parsed.code, `${parsed.message} The body is kept in the Webhook log and can be replayed.`);
  } else {
    const hookHint = delivery.parameter.hook || (replayOf ? replayOf.hook : '') || null;
    const routed = routeEvents(parsed.events, hookHint, settings, delivery.receivedAt);
    results = writeEvents(spreadsheet, store, routed, receivedAt);
    // Same lock, after the hook sheets: a pipeline failure is logged, never fails or loses the delivery.
    pipelineError = settings.pipeline.enabled ? updatePipelineSafely(spreadsheet, store, routed, results, receivedAt) : null;
    const outcomes = results.map((r) => r.action);
    outcome = deliveryOutcome(outcomes);
    const failed = results.filter((r) => r.action === 'failed');
    message = [summarize(outcomes), ...failed.map((r) => r.message ?? '')].filter(Boolean).join('; ');
    response = { ok: failed.length === 0, results: results.map(publicResult) };
    if (failed.length) {
      response.error = {
        code: failed.length === results.length ? 'write_failed' : 'partly_failed',
        message: `${failed.length} of ${results.length} events could not be written: ${sentence(failed[0].message ?? '')} They are kept in the Webhook log and can be replayed.`,
      };
    }
  }
  if (note) message = `${note} ${message}`;
  if (pipelineError) message = `${message} Pipeline not updated: ${pipelineError}`;
  const kept = keepDelivery(spreadsheet, store, delivery, { outcome, results, message }, replayOf);
  recordCapacitySafely(spreadsheet, store);
  return answerAsKept(response, kept);
}
