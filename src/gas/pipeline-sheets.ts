/** The Pipeline and Funnel sheets: the update after each delivery and the funnel refresh with its charts (the rebuild is in pipeline-rebuild.ts). */
import { headerIndex } from '../core/columns';
import { errorText } from '../core/errors';
import type { Field } from '../core/flatten';
import {
  applyLeadDelta,
  emptyFunnel,
  FUNNEL_SHEET,
  funnelReport,
  pruneFunnel,
  REPORT_WIDTH,
  type FunnelCounters,
  type Zone,
} from '../core/funnel';
import type { HookDefinition } from '../core/hooks';
import {
  callTokens,
  emptyState,
  eventState,
  joinTargets,
  LEAD_KEYS_LABEL,
  LEAD_STATE_LABEL,
  mergeEvent,
  PIPELINE_SHEET,
  type LeadState,
} from '../core/pipeline';
import { parseState, PIPELINE_COLUMNS, PIPELINE_LABELS } from '../core/pipeline-row';
import type { EventResult } from '../core/results';
import { toCellValue, writtenText, writtenValue, type CellValue } from '../core/values';
import { appendHeaderLabels, columnLetter, escapeRegex, nextRow, openSheet, type OpenSheet, writeCells } from './sheets';
import type { ScriptStore } from './store';

/** A time zone for the funnel, its dates formatted by Utilities.formatDate (https://developers.google.com/apps-script/reference/utilities/utilities#formatdatedate,-timezone,-format). */
export function zoneOf(id: string): Zone {
  return { id, localDate: (ms) => Utilities.formatDate(new Date(ms), id, 'yyyy-MM-dd') };
}

export type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** Script properties of the pipeline: funnel counters, the Funnel sheet's layout, the rebuild cursor. */
export const PIPELINE_KEYS = { funnel: 'pipeline/funnel', funnelLayout: 'pipeline/funnelLayout', rebuild: 'pipeline/rebuild' } as const;

/** What the pipeline needs of a routed event (src/gas/ingest.ts routeEvents). */
export interface PipelineInput {
  hook: HookDefinition | null;
  fields: Field[];
  fingerprint: string;
  /** When its delivery was received; absent: `receivedAt` of the update. */
  receivedAt?: Date;
}

/** The Pipeline sheet with its header index. */
export interface PipelineSheet {
  open: OpenSheet;
  col: Map<string, number>;
}

/**
 * Opens the Pipeline sheet and makes sure every pipeline column is there (a deleted one comes back at
 * the right); columns are found by header label, so users may reorder them and add their own.
 */
export function openPipeline(spreadsheet: Spreadsheet, store: ScriptStore): PipelineSheet {
  const open = openSheet(spreadsheet, PIPELINE_SHEET, store.layout(PIPELINE_SHEET).header ?? null);
  const before = headerIndex(open.header);
  appendHeaderLabels(
    open,
    PIPELINE_LABELS.filter((l) => !before.has(l)),
  );
  const col = headerIndex(open.header);
  // The state column is bookkeeping: hidden when the app adds it, like a formula's helper column.
  if (!before.has(LEAD_STATE_LABEL)) open.sheet.hideColumns(col.get(LEAD_STATE_LABEL)!);
  if (open.headerChanged) store.setLayout(PIPELINE_SHEET, { fields: {}, header: open.header });
  return { open, col };
}

/** The cells of one pipeline row, exact values by the column's typing. */
export function rowCells(p: PipelineSheet, state: LeadState | null): Map<number, CellValue> {
  const cells = new Map<number, CellValue>();
  for (const c of PIPELINE_COLUMNS) cells.set(p.col.get(c.label)!, state ? toCellValue(c.value(state), c.typing) : '');
  return cells;
}

/**
 * Updates Pipeline and Funnel for the events of one delivery that changed their hook sheet (appended or
 * updated: exact redeliveries were dropped there already). Each event finds its lead with one TextFinder
 * search of the "Lead keys" column and reads only the rows found; the funnel changes by the difference
 * between the lead's old and new row. Runs under the script lock. Returns the number of events applied.
 */
function updatePipeline(
  spreadsheet: Spreadsheet,
  store: ScriptStore,
  routed: readonly PipelineInput[],
  results: readonly EventResult[],
  receivedAt: Date,
): number {
  const events: LeadState[] = [];
  routed.forEach((r, i) => {
    const action = results[i] ? results[i].action : null;
    // A stale event did not overwrite its hook-sheet row, but the pipeline weighs each field by time itself.
    if (!r.hook || (action !== 'appended' && action !== 'updated' && action !== 'stale')) return;
    const s = eventState(r.hook.id, r.fields, r.fingerprint, (r.receivedAt ?? receivedAt).getTime());
    if (s) events.push(s);
  });
  if (events.length === 0) return 0;
  // The counters are as fresh as the store: every caller read it after taking the script lock (drainHolding,
  // withScriptLock), so what another execution wrote before is in it and nothing can change it until the release.
  const p = openPipeline(spreadsheet, store);
  const timeZone = zoneOf(store.timeZone(spreadsheet));
  const counters = readCounters(store);
  // Several events (a batch of deliveries): one search and one write per row; one by one when an event joins two rows.
  let changed = events.length > 1 ? applyBatch(p, events, counters, timeZone) : null;
  if (changed === null) {
    changed = false;
    for (const ev of events) changed = applyLive(p, ev, counters, timeZone) || changed;
  }
  if (changed) refreshFunnel(spreadsheet, store, counters, timeZone);
  return events.length;
}

/** Safe wrapper for processDelivery: a pipeline failure is logged and reported, never fails the delivery. */
export function updatePipelineSafely(
  spreadsheet: Spreadsheet,
  store: ScriptStore,
  routed: readonly PipelineInput[],
  results: readonly EventResult[],
  receivedAt: Date,
): string | null {
  try {
    updatePipeline(spreadsheet, store, routed, results, receivedAt);
    return null;
  } catch (err) {
    console.error(`Pipeline update failed: ${errorText(err)}`);
    return errorText(err);
  }
}

/** Applies one event to its lead's row (joining and merging rows by the join rule). True when the row changed. */
function applyLive(p: PipelineSheet, ev: LeadState, counters: FunnelCounters, timeZone: Zone): boolean {
  const candidates = findRows(p.open, p.col.get(LEAD_KEYS_LABEL)!, ev.keys).map((row) => {
    const lead = readLead(p, row);
    return { ref: { row, state: lead.state }, keys: lead.keys, calls: callTokens(lead.state) };
  });
  const targets = joinTargets(ev.keys, candidates, callTokens(ev)).sort((a, b) => a.row - b.row);
  const merged = mergeEvent(
    targets.map((t) => t.state),
    ev,
  );
  if (targets.length === 1 && JSON.stringify(targets[0].state) === JSON.stringify(merged)) return false;
  const row = targets.length ? targets[0].row : nextRow(p.open);
  writeCells(p.open, row, [rowCells(p, merged)]);
  // Rows this event proved to be the same lead: merged into the topmost, then removed bottom-up.
  for (const t of targets.slice(1).reverse()) p.open.sheet.deleteRow(t.row);
  if (targets.length > 1) p.open.lastRow = null;
  for (const t of targets) applyLeadDelta(counters, t.state, null, timeZone);
  applyLeadDelta(counters, null, merged, timeZone);
  return true;
}

/** A lead's row as read (or, row 0, about to be added) with its state. */
interface LeadRow {
  row: number;
  state: LeadState;
  keys: string[];
  changed: boolean;
}

/** The lead in `row`: its keys and state cells. */
function readLead(p: PipelineSheet, row: number): LeadRow {
  const keysCol = p.col.get(LEAD_KEYS_LABEL)!;
  const stateCol = p.col.get(LEAD_STATE_LABEL)!;
  const first = Math.min(keysCol, stateCol);
  const cells = p.open.sheet.getRange(row, first, 1, Math.abs(keysCol - stateCol) + 1).getValues()[0];
  // Both cells are written as guarded text; a Plain-text cell may give the apostrophe back.
  const keys = writtenText(String(cells[keysCol - first]))
    .split(/\s+/)
    .filter(Boolean);
  // A state cell someone cleared still has its keys: the lead restarts from them.
  const state = parseState(writtenValue(cells[stateCol - first])) ?? { ...emptyState(), keys: [...keys].sort() };
  return { row, state, keys: state.keys.length ? state.keys : keys, changed: false };
}

/**
 * Applies several events in order with one search for all their keys, one write per changed lead row and
 * one block for new leads: the rows and counters applyLive gives one event at a time. When an event
 * would join two rows (which removes one), nothing is written and null is returned: the caller applies
 * the events one by one.
 */
function applyBatch(p: PipelineSheet, events: readonly LeadState[], counters: FunnelCounters, timeZone: Zone): boolean | null {
  const leads = findRows(p.open, p.col.get(LEAD_KEYS_LABEL)!, [...new Set(events.flatMap((ev) => ev.keys))]).map((row) => readLead(p, row));
  const added: LeadRow[] = [];
  const deltas: Array<[LeadState | null, LeadState | null]> = [];
  for (const ev of events) {
    const candidates = [...leads, ...added].map((lead) => ({ ref: lead, keys: lead.keys, calls: callTokens(lead.state) }));
    const targets = joinTargets(ev.keys, candidates, callTokens(ev));
    if (targets.length > 1) return null;
    const target = targets[0];
    const merged = mergeEvent(
      targets.map((t) => t.state),
      ev,
    );
    if (target && JSON.stringify(target.state) === JSON.stringify(merged)) continue;
    if (target) deltas.push([target.state, null]);
    deltas.push([null, merged]);
    if (target) Object.assign(target, { state: merged, keys: merged.keys.length ? merged.keys : target.keys, changed: true });
    else added.push({ row: 0, state: merged, keys: merged.keys, changed: true });
  }
  for (const lead of leads) if (lead.changed) writeCells(p.open, lead.row, [rowCells(p, lead.state)]);
  if (added.length)
    writeCells(
      p.open,
      nextRow(p.open),
      added.map((lead) => rowCells(p, lead.state)),
    );
  for (const [before, after] of deltas) applyLeadDelta(counters, before, after, timeZone);
  return deltas.length > 0;
}

/**
 * Rows whose "Lead keys" cell holds any of the tokens: one server-side search, nothing of the column read.
 * The first token may follow the guard apostrophe, should the cell give it back (tokens never start with one).
 */
function findRows(open: OpenSheet, keysCol: number, tokens: readonly string[]): number[] {
  if (tokens.length === 0) return [];
  const letter = columnLetter(keysCol);
  const found = open.sheet
    .getRange(`${letter}2:${letter}`)
    .createTextFinder(`(^'?| )(${tokens.map(escapeRegex).join('|')})( |$)`)
    .useRegularExpression(true)
    .matchCase(true)
    .findAll();
  return [...new Set(found.map((cell) => cell.getRow()))].sort((a, b) => a - b);
}

// ---- Funnel -------------------------------------------------------------------------------------

function readCounters(store: ScriptStore): FunnelCounters {
  const stored = store.getJson<FunnelCounters>(PIPELINE_KEYS.funnel);
  return stored && stored.buckets && typeof stored.buckets === 'object' ? stored : emptyFunnel();
}

/** What the Funnel sheet looked like after the last refresh: rows written, and the revenue chart's last row. */
interface FunnelLayout {
  height: number;
  revenueLast: number;
}

const STAGE_RANGE = (last: number) => `A3:B${last}`;
const REVENUE_RANGE = (last: number) => `M3:N${last}`;

/**
 * Stores the counters and rewrites the Funnel sheet from them: one write of the report block (rows the
 * last report had beyond this one are blanked). The two charts are created with the sheet, and the
 * revenue chart is pointed at its new range only when the number of sources changed.
 */
export function refreshFunnel(spreadsheet: Spreadsheet, store: ScriptStore, counters: FunnelCounters, timeZone: Zone): void {
  const now = Date.now();
  pruneFunnel(counters, now, timeZone);
  store.setJson(PIPELINE_KEYS.funnel, counters);
  const report = funnelReport(counters, now, timeZone);
  let sheet = spreadsheet.getSheetByName(FUNNEL_SHEET);
  const created = !sheet;
  const previous = created ? null : store.getJson<FunnelLayout>(PIPELINE_KEYS.funnelLayout);
  if (!sheet) sheet = spreadsheet.insertSheet(FUNNEL_SHEET);
  const height = Math.max(report.grid.length, previous ? previous.height : 0);
  const grid: CellValue[][] = [];
  for (let r = 0; r < height; r += 1) {
    const line = report.grid[r];
    grid.push(line ? line.map((v) => toCellValue(v)) : new Array<CellValue>(REPORT_WIDTH).fill(''));
  }
  const range = (): GoogleAppsScript.Spreadsheet.Range => sheet!.getRange(1, 1, height, REPORT_WIDTH);
  try {
    range().setValues(grid);
  } catch (err) {
    // Past the grid's last row: grow it once, with room to spare, and write again.
    const maxRows = sheet.getMaxRows();
    if (height <= maxRows) throw err;
    sheet.insertRowsAfter(maxRows, height - maxRows + 100);
    range().setValues(grid);
  }
  const revenueLast = report.revenueRows.last;
  if (created) {
    sheet.getRange('A1:A3').setFontWeight('bold');
    sheet.getRange('I:J').setNumberFormat('0.0%');
    sheet.insertChart(
      sheet
        .newChart()
        .asBarChart()
        .addRange(sheet.getRange(STAGE_RANGE(report.stageRows.last)))
        .setPosition(3, 16, 0, 0)
        .setOption('title', 'Funnel (all time)')
        .setOption('legend', { position: 'none' })
        .build(),
    );
    sheet.insertChart(
      sheet
        .newChart()
        .asColumnChart()
        .addRange(sheet.getRange(REVENUE_RANGE(revenueLast)))
        .setPosition(22, 16, 0, 0)
        .setOption('title', 'Revenue by source (all time)')
        .setOption('legend', { position: 'none' })
        .build(),
    );
  } else if (previous && previous.revenueLast !== revenueLast) {
    for (const chart of sheet.getCharts()) {
      const first = chart.getRanges()[0];
      if (!first || first.getRow() !== 3 || first.getColumn() !== 13) continue;
      sheet.updateChart(
        chart
          .modify()
          .clearRanges()
          .addRange(sheet.getRange(REVENUE_RANGE(revenueLast)))
          .build(),
      );
    }
  }
  if (!previous || previous.height !== report.grid.length || previous.revenueLast !== revenueLast) {
    store.setJson(PIPELINE_KEYS.funnelLayout, { height: report.grid.length, revenueLast } satisfies FunnelLayout);
  }
}
