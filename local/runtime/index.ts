// LocalRuntime: a faithful local Apps Script runtime (interface: docs/local-runtime.md).
import { CacheServiceImpl, type CacheData, type Entry } from './cache';
import type { CallCounter } from './calls';
import { ContentServiceImpl } from './content';
import { fail } from './errors';
import { HtmlServiceImpl } from './html';
import { FOREIGN_OWNER, LockServiceImpl, LockTable } from './lock';
import { LoggerImpl, makeConsole } from './logger';
import { PropertiesServiceImpl, type Store } from './properties';
import { ScriptAppImpl } from './script';
import { SessionImpl } from './session';
import { workbookFromState, workbookState, type SpreadsheetState, type Workbook } from './model';
import { SharedState, type ExecutionKind, type LogEntry, type RuntimeOptions, type TriggerRecord, type UiRecord } from './shared-state';
import { wrapWorkbook } from './spreadsheet';
import { createWorkbook, SpreadsheetAppImpl } from './spreadsheet-app';
import { UtilitiesImpl } from './utilities';
import { GOOGLE_PROFILE, type LatencyProfile } from './latency-profile';

export type { ExecutionKind, RuntimeOptions, CallCounter, UiRecord, LogEntry, TriggerRecord };
export type { SavedCell, SheetState, SpreadsheetState } from './model';
export { GasException } from './errors';
export { GOOGLE_PROFILE, type LatencyProfile } from './latency-profile';

/**
 * Simultaneous executions per user: 30 (developers.google.com/apps-script/guides/services/quotas; measured
 * "just under 30" for a web app by github.com/tanaikech/taking-advantage-of-Web-Apps-with-google-apps-script).
 * With "Execute as: Me" every delivery runs as the owner, so the cap is the whole webhook's.
 */
export const MAX_SIMULTANEOUS_EXECUTIONS = 30;

/**
 * What an execution past the cap gets instead of running: Google's quota error, which a web app sender
 * receives as an HTML error page with status 200 (apps-script-facts.md §1, tanaikech README "Error messages").
 */
export const TOO_MANY_EXECUTIONS = 'Service invoked too many times in a short time: exec qps. Try Utilities.sleep(1000) between calls.';

/** Uncounted look at a sheet (docs/local-runtime.md). */
export interface SheetSnapshot {
  name: string;
  values: Array<Array<string | number | boolean | Date>>;
  displayValues: string[][];
  formulas: string[][];
  frozenRows: number;
  maxRows: number;
  maxColumns: number;
}

/** Uncounted summary of a spreadsheet for the local workbook viewer: its name and sheets in order. */
export interface WorkbookSummary {
  name: string;
  timeZone: string;
  sheets: Array<{ name: string; lastRow: number; lastColumn: number; frozenRows: number; changedAt: number }>;
}

/** Serialisable state (spreadsheets, properties, cache, triggers) for npm start's DATA_DIR. */
export interface RuntimeState {
  version: 1;
  scriptId: string;
  boundSpreadsheetId: string | null;
  spreadsheets: SpreadsheetState[];
  properties: {
    script: Record<string, string>;
    user: Record<string, Record<string, string>>;
    document: Record<string, Record<string, string>>;
  };
  cache: { script: Record<string, Entry>; user: Record<string, Record<string, Entry>>; document: Record<string, Record<string, Entry>> };
  triggers: TriggerRecord[];
  clockOffset: number;
}

/** The shared state plus the stores of the stateful services. */
class Host extends SharedState {
  locks = new LockTable();
  stores = { script: new Map() as Store, user: new Map<string, Store>(), document: new Map<string, Store>() };
  caches = { script: new Map() as CacheData, user: new Map<string, CacheData>(), document: new Map<string, CacheData>() };
}

function mapToRecord<V>(m: Map<string, V>): Record<string, V> {
  return Object.fromEntries(m);
}

function nested<V>(m: Map<string, Map<string, V>>): Record<string, Record<string, V>> {
  return Object.fromEntries([...m].map(([k, v]) => [k, mapToRecord(v)]));
}

function unnested<V>(r: Record<string, Record<string, V>> | undefined): Map<string, Map<string, V>> {
  return new Map(Object.entries(r ?? {}).map(([k, v]) => [k, new Map(Object.entries(v))]));
}

/** A local Apps Script runtime: spreadsheets, services and executions. */
export class LocalRuntime {
  private readonly host: Host;

  constructor(opts: RuntimeOptions = {}) {
    this.host = new Host(opts);
  }

  /** A new spreadsheet ("Sheet1", 1000 x 26). The first one created is the container the script is bound to. */
  createSpreadsheet(name: string): GoogleAppsScript.Spreadsheet.Spreadsheet {
    const wb = createWorkbook(this.host, name);
    if (this.host.boundId === null) this.host.boundId = wb.id;
    return wrapWorkbook(this.host, wb);
  }

  /** Id of the spreadsheet the script is bound to. */
  get boundSpreadsheetId(): string | null {
    return this.host.boundId;
  }

  /** Every call into a service, counted. */
  get calls(): CallCounter {
    return this.host.calls;
  }

  /** Menus, sidebars, dialogs, alerts and toasts shown. */
  get ui(): UiRecord {
    return this.host.ui;
  }

  /** Logger.log and console output. */
  get logs(): LogEntry[] {
    return this.host.logs;
  }

  /** Time-based triggers the script created, every user's (owner absent: the script's owner). */
  get triggers(): ReadonlyArray<{ id: string; handler: string; everyMinutes: number; owner?: string }> {
    return this.host.triggers;
  }

  /** Editor executions from now on run as `email` (another editor of the spreadsheet); null: the owner again. */
  actAs(email: string | null): void {
    this.host.editorUser = email;
  }

  /** The runtime clock's current time (virtual time included). */
  now(): number {
    return this.host.clock.now();
  }

  /** Move the virtual clock forward (virtualTime runtimes only), e.g. to expire cache entries. */
  advanceTime(ms: number): void {
    if (!this.host.clock.virtual) throw new Error('advanceTime needs a runtime created with virtualTime: true');
    this.host.clock.offset += Math.max(0, ms);
  }

  /**
   * Charge every service call its modeled Google time (local/runtime/latency-profile.ts): `scale` real ms
   * per modeled ms (0.1 runs ten times faster). A virtual-time runtime advances its clock instead of
   * sleeping. `deferred`: charges are owed to the caller's thread (takeOwedMs) instead of slept here.
   */
  setLatency(profile: LatencyProfile | null = GOOGLE_PROFILE, scale = 1, deferred = false): void {
    const calls = this.host.calls;
    calls.latency = profile;
    calls.scale = scale;
    calls.deferCharges = deferred;
    calls.owedMs = 0;
    const clock = this.host.clock;
    calls.sleeper = (ms) => clock.sleep(ms);
  }

  /** Charges the modeled start of an execution (bundle load, dispatch to the entry point) when a latency profile is on. */
  chargeExecutionStart(): void {
    const calls = this.host.calls;
    if (calls.latency) calls.charge(calls.latency.fixed('execution.start'));
  }

  /** Sees every counted call after it returned (uncounted inside); null stops. */
  observeCalls(observer: ((key: string, self: unknown, args: unknown[], result: unknown) => void) | null): void {
    this.host.calls.observer = observer;
  }

  /** Modeled ms charged since calls.reset(). */
  get modeledMs(): number {
    return this.host.calls.modeledMs;
  }

  /** Modeled ms owed by deferred charges, cleared (the harness's worker sleeps them). */
  takeOwedMs(): number {
    const ms = this.host.calls.owedMs;
    this.host.calls.owedMs = 0;
    return ms;
  }

  /** Set the virtual clock to `ms` (virtualTime runtimes only); it runs on from there. The app's Date follows it. */
  setTime(ms: number): void {
    if (!this.host.clock.virtual) throw new Error('setTime needs a runtime created with virtualTime: true');
    this.host.clock.offset = ms - Date.now();
  }

  /** The lock table's shared buffer (for a worker-thread harness sharing the locks). */
  get lockBuffer(): SharedArrayBuffer {
    return this.host.locks.cells.buffer as SharedArrayBuffer;
  }

  /**
   * Apps Script globals for a gas-local context. Each call makes a fresh object; the runtime remembers the
   * last one, and once gas-local turns it into a vm context, values are returned in that realm and
   * HtmlService templates are evaluated there (so globals the app defines, like include(), are visible).
   */
  globals(): Record<string, unknown> {
    const rt = this.host;
    const g: Record<string, unknown> = {
      SpreadsheetApp: new SpreadsheetAppImpl(rt),
      LockService: new LockServiceImpl(rt),
      PropertiesService: new PropertiesServiceImpl(rt),
      CacheService: new CacheServiceImpl(rt),
      ContentService: new ContentServiceImpl(rt),
      HtmlService: new HtmlServiceImpl(rt),
      Utilities: new UtilitiesImpl(rt),
      ScriptApp: new ScriptAppImpl(rt),
      Session: new SessionImpl(rt),
      Logger: new LoggerImpl(rt),
      console: makeConsole(rt),
    };
    rt.setGlobals(g);
    return g;
  }

  /**
   * One execution: services behave per kind (webapp: getActiveSpreadsheet()/getUi() unavailable,
   * getDocumentLock() null). Locks the execution holds are released when fn returns or throws
   * (https://developers.google.com/apps-script/reference/lock/lock: released when the script ends).
   */
  execute<T>(kind: ExecutionKind, fn: () => T): T {
    const id = this.host.beginExecution(kind);
    try {
      return fn();
    } finally {
      // Pending writes are committed when the execution ends (write-buffer.ts).
      this.host.writes.commit(id);
      this.host.locks.releaseAll(id);
      this.host.endExecution(id);
      this.host.calls.endExecution(id);
      this.host.calls.dead = false;
      this.host.calls.crashAt = null;
    }
  }

  /**
   * Test switch: the next execution dies after `n` more service calls (counted from now), as an
   * execution killed by a timeout or a lost connection would: no call after that succeeds, and its
   * locks are released when it ends (developers.google.com/apps-script/reference/lock/lock: locks are
   * released when the script ends).
   */
  crashAfterCalls(n: number): void {
    this.host.calls.crashAt = this.host.calls.total + n;
  }

  /** Executions opened with openExecution (the worker-thread harness in local/concurrency/), by id. */
  private readonly openExecutions = new Map<number, ExecutionKind>();

  /**
   * Opens an execution that stays open across calls, for executions running at the same time (the
   * harness in local/concurrency/): unlike execute(), it is not entered; runInExecution enters it per call.
   */
  openExecution(kind: ExecutionKind): number {
    // Past Google's cap the execution never starts (see MAX_SIMULTANEOUS_EXECUTIONS).
    if (this.openExecutions.size >= MAX_SIMULTANEOUS_EXECUTIONS) fail(TOO_MANY_EXECUTIONS);
    // The shared state hands out ids only on entry: take one and leave at once, so the stack stays as it was.
    const id = this.host.beginExecution(kind);
    this.host.endExecution(id);
    this.openExecutions.set(id, kind);
    this.host.writes.openExecutions += 1;
    return id;
  }

  /** Runs `fn` (one service call) as the open execution `id`: its kind and its lock ownership apply. */
  runInExecution<T>(id: number, fn: () => T): T {
    const kind = this.openExecutions.get(id);
    if (kind === undefined) throw new Error(`runInExecution: execution ${id} is not open`);
    this.host.executions.push({ id, kind });
    try {
      return fn();
    } finally {
      this.host.endExecution(id);
    }
  }

  /** Ends an execution opened with openExecution; the locks it holds are released, as when a script ends. */
  closeExecution(id: number): void {
    if (this.openExecutions.delete(id)) {
      // Pending writes are committed when the execution ends (write-buffer.ts).
      this.host.writes.commit(id);
      this.host.writes.openExecutions -= 1;
    }
    this.host.locks.releaseAll(id);
    this.host.calls.endExecution(id);
  }

  /** Files HtmlService reads (createHtmlOutputFromFile('Sidebar') reads Sidebar.html from here). */
  setProjectDir(dir: string): void {
    this.host.projectDir = dir;
  }

  private workbook(spreadsheetId?: string): Workbook | null {
    const id = spreadsheetId ?? this.host.boundId;
    return id ? (this.host.workbooks.get(id) ?? null) : null;
  }

  /** Uncounted look at a sheet, for tests and the local workbook viewer. null when no such sheet. */
  peek(sheetName: string, spreadsheetId?: string): SheetSnapshot | null {
    this.host.writes.showCommitted();
    const wb = this.workbook(spreadsheetId);
    const sh = wb?.sheets.find((s) => s.name === sheetName);
    if (!wb || !sh) return null;
    const nr = Math.max(1, sh.lastRow());
    const nc = Math.max(1, sh.lastColumn());
    const grid = <T>(f: (r: number, c: number) => T): T[][] =>
      Array.from({ length: nr }, (_, r) => Array.from({ length: nc }, (_x, c) => f(r, c)));
    return {
      name: sh.name,
      values: grid((r, c) => {
        const v = sh.get(r, c);
        return v === null ? '' : typeof v === 'object' ? new Date(v.getTime()) : v;
      }),
      displayValues: grid((r, c) => sh.display(r, c, wb.timeZone)),
      formulas: grid((r, c) => sh.formula(r, c)),
      frozenRows: sh.frozenRows,
      maxRows: sh.maxRows,
      maxColumns: sh.maxCols,
    };
  }

  /** The spreadsheet's name, time zone and sheets, each with when its content last changed (uncounted). null when no such spreadsheet. */
  summary(spreadsheetId?: string): WorkbookSummary | null {
    const wb = this.workbook(spreadsheetId);
    if (!wb) return null;
    return {
      name: wb.name,
      timeZone: wb.timeZone,
      sheets: wb.sheets.map((s) => ({
        name: s.name,
        lastRow: s.lastRow(),
        lastColumn: s.lastColumn(),
        frozenRows: s.frozenRows,
        changedAt: s.changedAt,
      })),
    };
  }

  /** Sheet names in order (uncounted). */
  sheetNames(spreadsheetId?: string): string[] {
    return this.workbook(spreadsheetId)?.sheets.map((s) => s.name) ?? [];
  }

  /** Another execution holding the script lock (tests of lock timeouts). Returns the release function. */
  holdScriptLock(): () => void {
    const locks = this.host.locks;
    if (!locks.tryTake(0, FOREIGN_OWNER)) fail('holdScriptLock: the script lock is already held');
    return () => locks.release(0, FOREIGN_OWNER);
  }

  /** Serialisable state (spreadsheets, properties, cache, triggers) for npm start's DATA_DIR. */
  toJSON(): RuntimeState {
    const h = this.host;
    h.writes.showCommitted();
    return {
      version: 1,
      scriptId: h.scriptId,
      boundSpreadsheetId: h.boundId,
      spreadsheets: [...h.workbooks.values()].map(workbookState),
      properties: { script: mapToRecord(h.stores.script), user: nested(h.stores.user), document: nested(h.stores.document) },
      cache: { script: mapToRecord(h.caches.script), user: nested(h.caches.user), document: nested(h.caches.document) },
      triggers: h.triggers.map((t) => ({ ...t })),
      clockOffset: h.clock.offset,
    };
  }

  /** A runtime restored from toJSON() output (a JSON round trip is fine). */
  static fromJSON(state: RuntimeState, opts?: RuntimeOptions): LocalRuntime {
    const rt = new LocalRuntime(opts);
    const h = rt.host;
    h.scriptId = state.scriptId ?? h.scriptId;
    h.boundId = state.boundSpreadsheetId;
    for (const s of state.spreadsheets) {
      const wb = workbookFromState(s);
      h.workbooks.set(wb.id, wb);
    }
    h.stores.script = new Map(Object.entries(state.properties?.script ?? {}));
    h.stores.user = unnested(state.properties?.user);
    h.stores.document = unnested(state.properties?.document);
    h.caches.script = new Map(Object.entries(state.cache?.script ?? {}));
    h.caches.user = unnested(state.cache?.user);
    h.caches.document = unnested(state.cache?.document);
    h.triggers = (state.triggers ?? []).map((t) => ({ ...t }));
    if (h.clock.virtual) h.clock.offset = state.clockOffset ?? 0;
    return rt;
  }
}
