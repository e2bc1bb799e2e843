/** The capacity forecast's daily sample: each sheet's grid size, taken at most once a day from sheet dimensions (never by reading cells) and kept in a script property. */
import {
  capacityForecast,
  dayOf,
  decodeHistory,
  encodeHistory,
  recordSample,
  type CapacityForecast,
  type CapacitySample,
} from '../core/capacity';
import type { ScriptStore } from './store';

const HISTORY_KEY = 'capacity/history';

/** Each sheet's grid cells now: two dimension calls per sheet, no cell read. */
function sampleNow(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, nowMs: number): CapacitySample {
  const sheets: Record<string, number> = {};
  for (const sheet of spreadsheet.getSheets()) sheets[sheet.getName()] = sheet.getMaxRows() * sheet.getMaxColumns();
  return { day: dayOf(nowMs), sheets };
}

/**
 * Records today's sample unless one is stored already (`fresh`: take it again, e.g. when the sidebar
 * opens, so the figures are current). On the delivery path this costs one parsed property read a day
 * after the first; a failure here never reaches the delivery.
 */
export function recordCapacity(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store: ScriptStore, fresh = false): CapacitySample[] {
  const now = Date.now();
  const history = decodeHistory(store.getJson(HISTORY_KEY));
  const latest = history[history.length - 1];
  if (!fresh && latest && latest.day === dayOf(now)) return history;
  const next = recordSample(history, sampleNow(spreadsheet, now));
  store.setJson(HISTORY_KEY, encodeHistory(next));
  return next;
}

/** The delivery path's daily sample: errors are logged, never thrown. */
export function recordCapacitySafely(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store: ScriptStore): void {
  try {
    recordCapacity(spreadsheet, store);
  } catch (err) {
    console.error(`Capacity sample not taken: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The forecast for the sidebar, from a fresh sample. */
export function capacityNow(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet, store: ScriptStore): CapacityForecast {
  return capacityForecast(recordCapacity(spreadsheet, store, true));
}
