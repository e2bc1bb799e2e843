/** Writing a parsed delivery: route each event to its sheet, place values by header, append or upsert. */
import { hookDefaultColumns, headerIndex, mergeColumns, META, planColumns } from '../core/columns';
import { eventHookType, MAX_NESTING, nestingDepth } from '../core/delivery';
import { errorText } from '../core/errors';
import { flattenEvent, type Field } from '../core/flatten';
import { findHook, OTHER_HOOKS_SHEET, type HookDefinition, type WriteMode } from '../core/hooks';
import { canonicalJson, rowKey, searchableKey } from '../core/keys';
import { eventVersion } from '../core/pipeline';
import { addFingerprint, cellVersion, decideBatchStep, isStale } from '../core/plan';
import type { EventResult } from '../core/results';
import type { ColumnSetting, Settings } from '../core/settings';
import { fitCellText, textCell, toCellValue, writtenText, type CellValue, type Typing } from '../core/values';
import { rememberSeenFields } from './field-memory';
import { anyFound, appendHeaderLabels, lookup, nextRow, openSheet, writeCells, type OpenSheet } from './sheets';
import type { ScriptStore } from './store';

/** One event, routed. */
interface RoutedEvent {
  index: number;
  hook: HookDefinition | null;
  hookName: string;
  sheet: string;
  mode: WriteMode;
  key: string[];
  addNewFields: boolean;
  /** The columns this event's hook asks for, in order. */
  columns: ColumnSetting[];
  fields: Field[];
  fingerprint: string;
  /** Why this event cannot be written at all, or null. */
  refusal: string | null;
  /** The event's own version (its time by the hook's rules), or null for events of no known hook. */
  version: string | null;
  /** Refuse to overwrite a row with an older version of itself. */
  skipStale: boolean;
  /** When its delivery was received (the "Received at" cell: a batch holds events of several deliveries). */
  receivedAt: Date;
}

const STALE_MESSAGE = "The row holds a newer version of this record (by the event's own time): not overwritten.";

/** A short, stable fingerprint of an event's content: SHA-256 of its canonical JSON, 128 bits, base64url. */
export function fingerprintOf(event: unknown): string {
  return sha256Text(canonicalJson(event), 16);
}

/** SHA-256 of text (UTF-8), its first `bytes` bytes as base64url. */
function sha256Text(text: string, bytes: number): string {
  const digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8);
  return Utilities.base64EncodeWebSafe(digest.slice(0, bytes)).replace(/=+$/, '');
}

/** Decides where each event goes: the hook its `hookType` (or the `?hook=` parameter) names, else "Other hooks". */
export function routeEvents(
  events: readonly unknown[],
  hookParameter: string | null,
  settings: Settings,
  receivedMs: number,
): RoutedEvent[] {
  const paramHook = findHook(hookParameter);
  return events.map((event, index) => {
    const named = eventHookType(event);
    const hook = findHook(named) ?? (named ? null : paramHook);
    const tooDeep = nestingDepth(event) > MAX_NESTING;
    const fields = tooDeep ? [] : flattenEvent(event);
    const fingerprint = tooDeep ? '' : fingerprintOf(event);
    const refusal = tooDeep ? `The event nests deeper than ${MAX_NESTING} levels; it is kept in the Webhook log only.` : null;
    if (!hook) {
      return {
        index,
        hook: null,
        hookName: named ?? hookParameter ?? '(none)',
        sheet: OTHER_HOOKS_SHEET,
        mode: 'append' as WriteMode,
        key: [],
        addNewFields: true,
        columns: [],
        fields,
        fingerprint,
        refusal,
        version: null,
        skipStale: false,
        receivedAt: new Date(receivedMs),
      };
    }
    const s = settings.hooks[hook.id];
    const columns = s.columns ?? hookDefaultColumns(hook);
    const version = tooDeep ? null : eventVersion(hook.id, fields, receivedMs);
    return {
      index,
      hook,
      hookName: hook.name,
      sheet: s.sheet,
      mode: s.mode,
      key: s.key,
      addNewFields: s.addNewFields,
      columns,
      fields,
      fingerprint,
      refusal,
      version,
      skipStale: s.skipStale,
      receivedAt: new Date(receivedMs),
    };
  });
}

/**
 * Writes routed events, sheet by sheet. Each sheet's header is read once and extended once;
 * new rows go in with one write per run of columns; one bad event does not sink the others.
 */
export function writeEvents(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  routed: readonly RoutedEvent[],
): EventResult[] {
  const results: EventResult[] = new Array(routed.length);
  const bySheet = new Map<string, RoutedEvent[]>();
  for (const r of routed) {
    if (r.refusal) {
      results[r.index] = { hook: r.hookName, sheet: '', action: 'failed', row: null, message: r.refusal };
      continue;
    }
    const list = bySheet.get(r.sheet) ?? [];
    list.push(r);
    bySheet.set(r.sheet, list);
  }
  for (const [sheetName, events] of bySheet) {
    try {
      writeSheet(spreadsheet, store, sheetName, events, results);
    } catch (err) {
      for (const e of events) {
        if (!results[e.index])
          results[e.index] = { hook: e.hookName, sheet: sheetName, action: 'failed', row: null, message: errorText(err) };
      }
    }
  }
  return results;
}

function writeSheet(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  store: ScriptStore,
  sheetName: string,
  events: readonly RoutedEvent[],
  results: EventResult[],
): void {
  const cached = store.layout(sheetName).header ?? null;
  const open = openSheet(spreadsheet, sheetName, cached);
  // The header is not what this execution last knew: another execution or a user changed the sheet, so read the layout again.
  // That includes a sheet another execution created while this one waited for the lock (no cached header, yet a header).
  if (open.headerChanged && (cached || open.header.length > 0)) store.refresh();
  const layout = store.layout(sheetName);
  const spec = mergeColumns(events.map((e) => e.columns));
  const plan = planColumns(
    open.header,
    layout,
    events.map((e) => e.fields),
    { addNewFields: events.some((e) => e.addNewFields), spec },
  );
  const typingOf = new Map(spec.map((c) => [c.field, c.typing]));
  for (const e of events)
    if (e.hook)
      rememberSeenFields(
        store,
        e.hook,
        e.fields.map((f) => f.path),
      );
  // The layout is saved before the header cells are written: if the execution dies in between, the next
  // one finds columns it owns missing from the header and adds them, instead of mistaking its own
  // columns for a user's.
  if (open.headerChanged || plan.newLabels.length)
    store.setLayout(sheetName, { fields: plan.layout.fields, header: [...open.header, ...plan.newLabels] });
  appendHeaderLabels(open, plan.newLabels);
  const columns = headerIndex(open.header);
  const col = (label: string): number => columns.get(label)!;
  // Several events: one search tells whether any of them is on the sheet already; if none is, skip the per-event searches.
  const searchEach = events.length === 1 || anyOnSheet(open, col, events);
  const batch: SheetBatch = {
    open,
    sheetName,
    col,
    labelOf: plan.labelOf,
    typingOf,
    searchEach,
    results,
    newRows: [],
    newRowEvents: [],
    pendingByKey: new Map(),
    seenFingerprints: new Set(),
  };
  for (const e of events) {
    try {
      placeEvent(batch, e);
    } catch (err) {
      results[e.index] = { hook: e.hookName, sheet: sheetName, action: 'failed', row: null, message: errorText(err) };
    }
  }
  writeNewRows(batch);
}

/** One sheet's part of a delivery while its events are placed: the sheet, and the new rows they add. */
interface SheetBatch {
  open: OpenSheet;
  sheetName: string;
  col: (label: string) => number;
  labelOf: ReadonlyMap<string, string>;
  typingOf: ReadonlyMap<string, Typing>;
  /** False when one search found none of the events on the sheet: no per-event search. */
  searchEach: boolean;
  results: EventResult[];
  newRows: Array<Map<number, CellValue>>;
  /** Event indexes written by each new row. */
  newRowEvents: number[][];
  /** Key → index into newRows. */
  pendingByKey: Map<string, number>;
  seenFingerprints: Set<string>;
}

/** True when any of the events may stand on the sheet already; when the one batch search cannot be built or run, each event searches alone. */
function anyOnSheet(open: OpenSheet, col: (label: string) => number, events: readonly RoutedEvent[]): boolean {
  try {
    return anyFound(
      open,
      col(META.rowKey),
      col(META.fingerprint),
      events.map(keyOf).filter((k): k is string => k !== null),
      events.map((e) => e.fingerprint),
    );
  } catch {
    return true;
  }
}

/** An event's row key as stored and searched (a long key hashed), or null in append mode. */
function keyOf(e: RoutedEvent): string | null {
  if (e.mode === 'append') return null;
  const key = rowKey(e.fields, e.key);
  return key === null ? null : searchableKey(key, (text) => sha256Text(text, 32));
}

/** Decides one event's step (src/core/plan.ts decideBatchStep) and applies it: a result, an update, or a new or merged row. */
function placeEvent(b: SheetBatch, e: RoutedEvent): void {
  const { open, col, results, sheetName } = b;
  const key = keyOf(e);
  const pendingIndex = key !== null ? b.pendingByKey.get(key) : undefined;
  const inBatch = b.seenFingerprints.has(e.fingerprint);
  const found =
    inBatch || !b.searchEach
      ? { keyRow: null, fingerprintRow: null }
      : lookup(open, col(META.rowKey), col(META.fingerprint), pendingIndex === undefined ? key : null, e.fingerprint);
  const fingerprintRow = found.fingerprintRow;
  const seen = inBatch || fingerprintRow !== null;
  const keyRow = seen ? null : found.keyRow;
  const step = decideBatchStep(e.mode, seen, keyRow, pendingIndex !== undefined);
  b.seenFingerprints.add(e.fingerprint);
  const base: EventResult = { hook: e.hookName, sheet: sheetName, action: 'duplicate', row: keyRow };
  const unrouted = e.hook === null;
  if (step === 'duplicate') {
    // An event of unknown hook type stays a dead letter (replayable, never trimmed) until a hook routes it.
    results[e.index] = unrouted
      ? { ...base, row: fingerprintRow, action: 'unrouted', message: `Unknown hook type "${e.hookName}": already kept in "${sheetName}".` }
      : { ...base, row: fingerprintRow, action: 'duplicate', message: 'This event was already written (same content).' };
    return;
  }
  if (step === 'skip') {
    // The key row (null for a key an earlier event of this delivery adds: that one is not searched for).
    results[e.index] = { ...base, action: 'skipped', message: 'A row with this key exists (insert-if-new).' };
    return;
  }
  const cells = rowCells(e, b.labelOf, b.typingOf, col, key);
  if (step === 'merge' && pendingIndex !== undefined) {
    const pending = b.newRows[pendingIndex];
    // Every pending row got its fingerprint cell when it was added.
    const fingerprints = String(pending.get(col(META.fingerprint)));
    if (e.skipStale && isStale(e.version, cellVersion(fingerprints))) {
      results[e.index] = { ...base, row: null, action: 'stale', message: STALE_MESSAGE };
      b.newRowEvents[pendingIndex].push(e.index);
      return;
    }
    cells.set(col(META.fingerprint), addFingerprint(fingerprints, e.fingerprint, e.version));
    for (const [c, v] of cells) pending.set(c, v);
    results[e.index] = { ...base, row: null, action: 'updated', message: 'Merged into a row added by the same delivery.' };
    b.newRowEvents[pendingIndex].push(e.index);
    return;
  }
  if (step === 'update' && keyRow !== null) {
    // Without the guard apostrophe a Plain-text cell may give back, so the list never gains another one.
    const previous = writtenText(String(open.sheet.getRange(keyRow, col(META.fingerprint)).getValue()));
    if (e.skipStale && isStale(e.version, cellVersion(previous))) {
      results[e.index] = { ...base, row: keyRow, action: 'stale', message: STALE_MESSAGE };
      return;
    }
    cells.set(col(META.fingerprint), textCell(addFingerprint(previous, e.fingerprint, e.version)));
    writeCells(open, keyRow, [cells], col(META.fingerprint));
    results[e.index] = { ...base, row: keyRow, action: 'updated' };
    return;
  }
  cells.set(col(META.fingerprint), addFingerprint('', e.fingerprint, e.version));
  if (key !== null) b.pendingByKey.set(key, b.newRows.length);
  b.newRows.push(cells);
  b.newRowEvents.push([e.index]);
  results[e.index] = { ...base, row: null, action: unrouted ? 'unrouted' : 'appended' };
  if (unrouted) results[e.index].message = `Unknown hook type "${e.hookName}": kept in "${sheetName}" with all its fields.`;
}

/** Writes the batch's new rows at the end of the sheet in one go, and gives each event its row. */
function writeNewRows(b: SheetBatch): void {
  const { open, col, newRows, newRowEvents, results } = b;
  if (newRows.length === 0) return;
  // Fingerprint cells hold space-separated lists; write them as exact text.
  for (const row of newRows) row.set(col(META.fingerprint), textCell(String(row.get(col(META.fingerprint)))));
  let first: number;
  try {
    first = nextRow(open);
    writeCells(open, first, newRows, col(META.fingerprint));
  } catch (err) {
    // The new rows were not written: every event that was to add or merge into one of them failed.
    for (const indexes of newRowEvents)
      for (const index of indexes) results[index] = { ...results[index], action: 'failed', row: null, message: errorText(err) };
    return;
  }
  newRowEvents.forEach((indexes, i) => {
    for (const index of indexes) results[index].row = first + i;
  });
}

/** The cells one event writes: its fields by column, "Other fields" for what has no column, and the meta columns. */
function rowCells(
  e: RoutedEvent,
  labelOf: ReadonlyMap<string, string>,
  typingOf: ReadonlyMap<string, Typing>,
  col: (label: string) => number,
  key: string | null,
): Map<number, CellValue> {
  const cells = new Map<number, CellValue>();
  const other: Record<string, unknown> = {};
  let hasOther = false;
  const rich = new Set(e.hook?.richTextFields);
  for (const f of e.fields) {
    const label = labelOf.get(f.path);
    if (label === undefined) {
      if (f.value !== null) {
        Object.defineProperty(other, f.path, { value: f.value, enumerable: true, writable: true, configurable: true });
        hasOther = true;
      }
      continue;
    }
    cells.set(col(label), toCellValue(f.value, typingOf.get(f.path), rich.has(f.path)));
  }
  if (hasOther) cells.set(col(META.otherFields), textCell(fitCellText(JSON.stringify(other))));
  cells.set(col(META.receivedAt), e.receivedAt);
  cells.set(col(META.rowKey), key === null ? '' : textCell(key));
  return cells;
}
