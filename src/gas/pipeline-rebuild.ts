/** Rebuilding the Pipeline and Funnel from the hook sheets and the Webhook log: batched and resumable from a stored cursor. */
import { headerIndex, META } from '../core/columns';
import { eventHookType, parseDelivery } from '../core/delivery';
import { flattenEvent, type Field, type FieldValue } from '../core/flatten';
import { funnelFromStates } from '../core/funnel';
import { findHook, HOOKS, type HookDefinition } from '../core/hooks';
import { callTokens, eventState, joinTargets, LEAD_STATE_LABEL, mergeEvent, type LeadState } from '../core/pipeline';
import { parseState } from '../core/pipeline-row';
import type { Settings } from '../core/settings';
import type { RebuildResult } from '../core/sidebar-api';
import { isDate, writtenText, writtenValue } from '../core/values';
import { fingerprintOf } from './ingest';
import { withScriptLock } from './lock';
import { LOG_SHEET, logRowRequest } from './log';
import { openPipeline, PIPELINE_KEYS, refreshFunnel, rowCells, zoneOf, type PipelineSheet, type Spreadsheet } from './pipeline-sheets';
import { headerLabel, writeCells } from './sheets';
import type { ScriptStore } from './store';
import { toast } from './toast';

/** Where a rebuild stands: which source sheet, which row of it, and how many rows it has read. */
interface RebuildCursor {
  source: number;
  row: number;
  processed: number;
  /**
   * A time after which every written delivery is in the log (oldestLogged), or null. Hook-sheet rows
   * written later came from deliveries the log holds, in order: the rebuild takes them from the log
   * alone, so it applies the same events in the same order as the live pipeline did.
   */
  logFrom?: number | null;
}

/** Source rows read per getValues call. */
const READ_CHUNK = 200;
/** Log outcomes whose events reached their hook sheets (the events the live pipeline saw). */
const WRITTEN_OUTCOMES = ['appended', 'updated', 'stale', 'duplicate'];

/** The sheets a rebuild reads, in order: the Webhook log (every event, in delivery order), then each hook sheet (rows trimmed from the log). */
function rebuildSources(settings: Settings): string[] {
  return [LOG_SHEET, ...new Set(HOOKS.map((h) => settings.hooks[h.id].sheet))];
}

/** An event a rebuild found. */
interface FoundEvent {
  hook: HookDefinition;
  fields: Field[];
  fingerprint: string;
  receivedMs: number;
}

/**
 * One batch of a rebuild: reads source rows from the cursor on, until `limit` rows or the time budget,
 * applies their events to the pipeline in memory (the same merge as deliveries, so the result does not
 * depend on the order the sources are read in), writes the pipeline back, and stores the cursor. The
 * last batch recomputes the funnel from every lead. `restart` (or no stored cursor) starts over from
 * an empty Pipeline. Runs under the script lock.
 */
function rebuildBatch(
  spreadsheet: Spreadsheet,
  store: ScriptStore,
  settings: Settings,
  options: { restart: boolean; limit: number; budgetMs: number },
): RebuildResult {
  const started = Date.now();
  const sources = rebuildSources(settings);
  const p = openPipeline(spreadsheet, store);
  let cursor = options.restart ? null : store.getJson<RebuildCursor>(PIPELINE_KEYS.rebuild);
  if (!cursor) {
    clearPipeline(p);
    store.deleteJson(PIPELINE_KEYS.funnel);
    cursor = { source: 0, row: 2, processed: 0, logFrom: oldestLogged(spreadsheet) };
  }
  const leads = loadLeads(p);
  let read = 0;
  while (cursor.source < sources.length && read < options.limit && Date.now() - started < options.budgetMs) {
    const sheet = spreadsheet.getSheetByName(sources[cursor.source]);
    const lastRow = sheet ? sheet.getLastRow() : 0;
    if (!sheet || cursor.row > lastRow) {
      cursor = { ...cursor, source: cursor.source + 1, row: 2 };
      continue;
    }
    const n = Math.min(READ_CHUNK, lastRow - cursor.row + 1, options.limit - read);
    const width = sheet.getLastColumn();
    const values = sheet.getRange(cursor.row, 1, n, width).getValues();
    const header = sheet.getRange(1, 1, 1, width).getValues()[0];
    const events =
      sources[cursor.source] === LOG_SHEET
        ? logEvents(values, header)
        : sheetEvents(store, settings, sources[cursor.source], header.map(headerLabel), values, cursor.logFrom ?? null);
    for (const e of events) {
      const s = eventState(e.hook.id, e.fields, e.fingerprint, e.receivedMs);
      if (s) leads.apply(s);
    }
    cursor.row += n;
    cursor.processed += n;
    read += n;
  }
  leads.write();
  const done = cursor.source >= sources.length;
  if (done) {
    store.deleteJson(PIPELINE_KEYS.rebuild);
    const timeZone = zoneOf(spreadsheet.getSpreadsheetTimeZone());
    refreshFunnel(spreadsheet, store, funnelFromStates(leads.states(), Date.now(), timeZone), timeZone);
  } else {
    store.setJson(PIPELINE_KEYS.rebuild, cursor);
  }
  const remaining = done ? 0 : remainingRows(spreadsheet, sources, cursor);
  const count = leads.states().length;
  return {
    done,
    processed: cursor.processed,
    remaining,
    leads: count,
    message: done
      ? `Rebuilt: ${count} leads from ${cursor.processed} rows.`
      : `Rebuilding: ${cursor.processed} rows read, about ${remaining} to go; run again to continue.`,
  };
}

function remainingRows(spreadsheet: Spreadsheet, sources: readonly string[], cursor: RebuildCursor): number {
  let left = 0;
  for (let i = cursor.source; i < sources.length; i += 1) {
    const sheet = spreadsheet.getSheetByName(sources[i]);
    if (!sheet) continue;
    left += Math.max(0, sheet.getLastRow() - (i === cursor.source ? cursor.row - 1 : 1));
  }
  return left;
}

/** Removes the Pipeline's data rows (the header stays), growing the grid first so one row is always left. */
function clearPipeline(p: PipelineSheet): void {
  const sheet = p.open.sheet;
  const lastRow = sheet.getLastRow();
  if (lastRow > 1) {
    if (sheet.getMaxRows() <= lastRow) sheet.insertRowsAfter(sheet.getMaxRows(), 1);
    sheet.deleteRows(2, lastRow - 1);
  }
  p.open.lastRow = 1;
}

/** The whole pipeline in memory for a rebuild batch: leads in row order, and an index from key token to lead. */
function loadLeads(p: PipelineSheet) {
  interface Lead {
    pos: number;
    state: LeadState;
    dead: boolean;
  }
  const sheet = p.open.sheet;
  const stateCol = p.col.get(LEAD_STATE_LABEL)!;
  const lastRow = sheet.getLastRow();
  const list: Lead[] = [];
  const index = new Map<string, Set<Lead>>();
  const addKeys = (lead: Lead): void => {
    for (const k of lead.state.keys) {
      const set = index.get(k) ?? new Set<Lead>();
      set.add(lead);
      index.set(k, set);
    }
  };
  if (lastRow > 1) {
    sheet
      .getRange(2, stateCol, lastRow - 1, 1)
      .getValues()
      .forEach((cell) => {
        const state = parseState(writtenValue(cell[0]));
        if (!state) return;
        const lead = { pos: list.length, state, dead: false };
        list.push(lead);
        addKeys(lead);
      });
  }
  const previousRows = Math.max(0, lastRow - 1);
  return {
    /** The same join and merge as a delivery, on the in-memory rows. */
    apply(ev: LeadState): void {
      const found = new Set<Lead>();
      for (const k of ev.keys) for (const lead of index.get(k) ?? []) found.add(lead);
      const candidates = [...found]
        .sort((a, b) => a.pos - b.pos)
        .map((lead) => ({ ref: lead, keys: lead.state.keys, calls: callTokens(lead.state) }));
      const targets = joinTargets(ev.keys, candidates, callTokens(ev));
      const merged = mergeEvent(
        targets.map((t) => t.state),
        ev,
      );
      for (const t of targets) for (const k of t.state.keys) index.get(k)?.delete(t);
      for (const t of targets.slice(1)) t.dead = true;
      const lead = targets[0] ?? { pos: list.length, state: merged, dead: false };
      if (!targets[0]) list.push(lead);
      lead.state = merged;
      addKeys(lead);
    },
    states(): LeadState[] {
      return list.filter((l) => !l.dead).map((l) => l.state);
    },
    /** Writes every lead back in row order, blanking the app's cells of rows merged away. */
    write(): void {
      const live = list.filter((l) => !l.dead);
      const rows = live.map((l) => rowCells(p, l.state));
      for (let i = live.length; i < previousRows; i += 1) rows.push(rowCells(p, null));
      writeCells(p.open, 2, rows);
    },
  };
}

/** A sheet cell as the flattened value it was written from (date-times back to ISO text). */
function fieldOf(cell: unknown): FieldValue {
  if (cell === '' || cell === null || cell === undefined) return null;
  if (isDate(cell)) return cell.toISOString();
  if (typeof cell === 'number' || typeof cell === 'boolean' || typeof cell === 'string') return cell;
  return String(cell);
}

/** No execution runs longer than Apps Script's 6-minute limit: a delivery is logged within this of its arrival. */
const EXECUTION_LIMIT_MS = 6 * 60 * 1000;

/**
 * A time after which every written delivery is still in the Webhook log (ms), or null. The log is
 * trimmed oldest row first; a delivery logged above the oldest kept one arrived before that one was
 * logged, at most one execution after it arrived (queued and replayed rows keep an older arrival time,
 * so they do not count as the oldest kept one).
 */
function oldestLogged(spreadsheet: Spreadsheet): number | null {
  const log = spreadsheet.getSheetByName(LOG_SHEET);
  const lastRow = log ? log.getLastRow() : 0;
  if (!log || lastRow < 2) return null;
  const first = log
    .getRange(2, 1, lastRow - 1, 7)
    .getValues()
    .find((v) => WRITTEN_OUTCOMES.includes(String(v[3])) && isDate(v[0]) && !/^(Queued|Replayed) at /.test(String(v[6])));
  return first ? (first[0] as Date).getTime() + EXECUTION_LIMIT_MS : null;
}

/** Events of Webhook log rows whose deliveries were written; the body is parsed exactly as doPost did. */
function logEvents(values: unknown[][], header: unknown[]): FoundEvent[] {
  const out: FoundEvent[] = [];
  for (const v of values) {
    if (!WRITTEN_OUTCOMES.includes(String(v[3]))) continue;
    const request = logRowRequest(v, header);
    const parsed = parseDelivery({
      contents: request.contents,
      contentType: request.contentType || 'application/json',
      parameter: request.parameter,
    });
    if (!parsed.ok) continue;
    const hookColumn = writtenText(String(v[2]));
    const hint = hookColumn.includes(',') ? null : findHook(hookColumn);
    const receivedMs = isDate(v[0]) ? v[0].getTime() : Date.now();
    for (const event of parsed.events) {
      const named = eventHookType(event);
      const hook = findHook(named) ?? (named ? null : hint);
      if (hook) out.push({ hook, fields: flattenEvent(event), fingerprint: fingerprintOf(event), receivedMs });
    }
  }
  return out;
}

/** Events of a hook sheet's rows: each row is the latest version of its key, read back by the sheet's layout. */
function sheetEvents(
  store: ScriptStore,
  settings: Settings,
  sheetName: string,
  header: unknown[],
  values: unknown[][],
  logFrom: number | null,
): FoundEvent[] {
  const layout = store.layout(sheetName);
  const hooks = HOOKS.filter((h) => settings.hooks[h.id].sheet === sheetName);
  const index = headerIndex(header);
  const paths: Array<[number, string]> = [];
  for (const [label, column] of index) {
    if (Object.prototype.hasOwnProperty.call(layout.fields, label)) paths.push([column - 1, layout.fields[label]]);
  }
  const at = (label: string): number => (index.has(label) ? index.get(label)! - 1 : -1);
  const [fpCol, receivedCol, otherCol] = [at(META.fingerprint), at(META.receivedAt), at(META.otherFields)];
  const out: FoundEvent[] = [];
  for (const v of values) {
    const received = receivedCol >= 0 && isDate(v[receivedCol]) ? v[receivedCol].getTime() : null;
    if (logFrom !== null && received !== null && received > logFrom) continue; // read from the log
    const fields: Field[] = paths.map(([c, path]) => ({ path, value: fieldOf(v[c]) }));
    if (otherCol >= 0 && typeof v[otherCol] === 'string' && v[otherCol] !== '') {
      try {
        const other = JSON.parse(writtenText(v[otherCol] as string)) as Record<string, FieldValue>;
        for (const path of Object.keys(other)) fields.push({ path, value: other[path] });
      } catch {
        // Cut or edited JSON: the row's columns still count.
      }
    }
    const named = fields.find((f) => f.path === 'hookType');
    const hook = (named && findHook(named.value)) || (hooks.length === 1 ? hooks[0] : null);
    const fingerprint = fpCol >= 0 ? writtenText(String(v[fpCol])).split(/\s+/).filter(Boolean).pop() : undefined;
    if (!hook || !fingerprint) continue;
    out.push({ hook, fields, fingerprint, receivedMs: received ?? Date.now() });
  }
  return out;
}

/** Replays stop before Apps Script's 6-minute execution limit; the rest waits for the next call. */
const REBUILD_BUDGET_MS = 4.5 * 60 * 1000;

/**
 * Menu item and sidebar button: rebuilds Pipeline and Funnel from the hook sheets and the Webhook log.
 * `{ restart: true }` starts over; later calls (or the menu again) resume from the stored cursor;
 * `limit` caps the rows read per call so the sidebar can show progress.
 */
export function rebuildPipeline(options?: unknown): RebuildResult {
  const opts = options && typeof options === 'object' ? (options as { restart?: unknown; limit?: unknown }) : {};
  const limit = opts.limit === undefined ? Number.MAX_SAFE_INTEGER : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a whole number of at least 1.');
  const result = withScriptLock((store): RebuildResult => {
    const id = store.spreadsheetId();
    const spreadsheet = (id ? SpreadsheetApp.openById(id) : null) ?? SpreadsheetApp.getActive();
    // The menu passes nothing: it resumes a rebuild stopped half-way, and with no stored cursor starts over.
    return rebuildBatch(spreadsheet, store, store.settings(), { restart: opts.restart === true, limit, budgetMs: REBUILD_BUDGET_MS });
  });
  if (options === undefined) toast(result.message);
  return result;
}
