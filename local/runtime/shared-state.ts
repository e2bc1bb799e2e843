// Shared state of one LocalRuntime: options, clock, counters, executions, realm and records tests inspect.
import * as vm from 'vm';
import { Calls } from './calls';
import { Clock, installScriptClock } from './clock';
import { checkTimeZone } from './dates';
import type { Workbook } from './model';

/** Kind of execution (see docs/local-runtime.md). */
export type ExecutionKind = 'webapp' | 'editor' | 'trigger';

/** Options of a LocalRuntime (docs/local-runtime.md). */
export interface RuntimeOptions {
  /** Spreadsheet and script time zone, default 'Etc/UTC'. */
  timeZone?: string;
  /** ScriptApp.getService().getUrl(); null = not deployed as a web app (default). */
  scriptUrl?: string | null;
  /**
   * getUrl() outside web-app executions (editor, sidebar, triggers) returns the head deployment's …/dev URL
   * instead of scriptUrl. [UNCONFIRMED] Public reports describe this; Google's reference does not say which
   * deployment's URL getUrl() gives. Default false; the app must be right either way (src/core/webapp-url.ts).
   */
  devUrlOutsideWebApp?: boolean;
  /** Utilities.sleep and lock waits advance a virtual clock instead of blocking. */
  virtualTime?: boolean;
  /** Session.getEffectiveUser().getEmail(), default 'owner@example.com'. */
  effectiveUser?: string;
  /**
   * A string written with a leading apostrophe into a Plain-text ("@") cell keeps the apostrophe in its value
   * (getValues, getDisplayValues, TextFinder). [UNCONFIRMED] Sheets drops it in normal cells
   * (theoephraim/node-google-spreadsheet#696); no source says what an "@" cell does. Default false (dropped);
   * the app must be right either way, and the in-sheet self-test checks the app's lookup on a Plain-text column.
   */
  keepApostropheInPlainText?: boolean;
}

/** A menu added with Ui.createMenu(...).addToUi(). */
export interface MenuRecord {
  name: string;
  items: Array<{ caption: string; functionName: string } | { separator: true } | { subMenu: MenuRecord }>;
}

/** What the editor UI showed during the runtime's life (tests inspect runtime.ui). */
export interface UiRecord {
  menus: MenuRecord[];
  sidebars: Array<{ title: string; html: string }>;
  dialogs: Array<{ title: string; html: string; modal: boolean }>;
  alerts: Array<{ title: string; prompt: string }>;
  toasts: Array<{ spreadsheetId: string; message: string; title: string }>;
}

/** One line of Logger.log or console output. */
export interface LogEntry {
  source: 'Logger' | 'console';
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

/** A time-based trigger created by the script. */
export interface TriggerRecord {
  id: string;
  handler: string;
  everyMinutes: number;
}

/** Constructors of the realm values are returned to (the gas-local context when known, else Node's). */
export interface Realm {
  Date: DateConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  foreign: boolean;
}

const NODE_REALM: Realm = { Date, Array, Object, foreign: false };

/** The state every fake service object reaches through its runtime link. */
export class SharedState {
  readonly calls = new Calls();
  readonly clock: Clock;
  readonly timeZone: string;
  readonly scriptUrl: string | null;
  readonly devUrlOutsideWebApp: boolean;
  readonly effectiveUser: string;
  readonly keepApostropheInPlainText: boolean;
  scriptId = 'local-script-' + Math.random().toString(36).slice(2, 12);
  readonly workbooks = new Map<string, Workbook>();
  boundId: string | null = null;
  readonly executions: Array<{ id: number; kind: ExecutionKind }> = [];
  private nextExecution = 1;
  readonly ui: UiRecord = { menus: [], sidebars: [], dialogs: [], alerts: [], toasts: [] };
  readonly logs: LogEntry[] = [];
  triggers: TriggerRecord[] = [];
  projectDir: string | null = null;
  /** The last object handed out by globals(); gas-local turns it into the vm context's global. */
  lastGlobals: Record<string, unknown> | null = null;
  private realmCache: Realm | null = null;

  constructor(opts: RuntimeOptions = {}) {
    this.timeZone = opts.timeZone ?? 'Etc/UTC';
    checkTimeZone(this.timeZone);
    this.scriptUrl = opts.scriptUrl ?? null;
    this.devUrlOutsideWebApp = opts.devUrlOutsideWebApp === true;
    this.effectiveUser = opts.effectiveUser ?? 'owner@example.com';
    this.keepApostropheInPlainText = opts.keepApostropheInPlainText === true;
    this.clock = new Clock(!!opts.virtualTime);
  }

  /** Kind of the running execution; code run outside execute() behaves as in the editor. */
  kind(): ExecutionKind {
    return this.executions.length ? this.executions[this.executions.length - 1].kind : 'editor';
  }

  /** Id of the running execution (0 = outside any execute()). */
  executionId(): number {
    return this.executions.length ? this.executions[this.executions.length - 1].id : 0;
  }

  /** Enter an execution; returns its id. */
  beginExecution(kind: ExecutionKind): number {
    this.followClock();
    const id = this.nextExecution++;
    this.executions.push({ id, kind });
    return id;
  }

  /** Leave the execution `id`. */
  endExecution(id: number): void {
    const i = this.executions.findIndex((e) => e.id === id);
    if (i >= 0) this.executions.splice(i, 1);
  }

  /** In virtual time, the app's Date reads the runtime clock (installScriptClock); done once its context exists. */
  private clockFollowed: Record<string, unknown> | null = null;
  private followClock(): void {
    const ctx = this.context();
    if (!this.clock.virtual || !ctx || this.clockFollowed === ctx) return;
    installScriptClock(ctx, () => this.clock.now());
    this.clockFollowed = ctx;
    this.realmCache = null;
  }

  /** Remember the globals object so values can be made in its realm once gas-local contextifies it. */
  setGlobals(g: Record<string, unknown>): void {
    this.lastGlobals = g;
    this.realmCache = null;
  }

  /** The vm context of the app, if globals() was turned into one. */
  context(): vm.Context | null {
    const g = this.lastGlobals;
    return g && vm.isContext(g) ? g : null;
  }

  /**
   * Constructors of the app's realm: values returned by getValues etc. are made there so that
   * `instanceof Date`/`instanceof Array` hold inside the script as on the platform (apps-script-facts.md §9).
   */
  realm(): Realm {
    if (this.realmCache) return this.realmCache;
    const ctx = this.context();
    if (!ctx) return NODE_REALM;
    this.followClock();
    const r = vm.runInContext('({ Date: Date, Array: Array, Object: Object })', ctx) as Omit<Realm, 'foreign'>;
    this.realmCache = { ...r, foreign: true };
    return this.realmCache;
  }

  /** A Date in the app's realm. */
  date(ms: number): Date {
    return new (this.realm().Date)(ms);
  }

  /** An array in the app's realm holding `items`. */
  array<T>(items: T[]): T[] {
    const R = this.realm();
    return R.foreign ? (R.Array.from(items) as T[]) : items;
  }

  /** A plain object in the app's realm with the entries of `o`. */
  object<T extends object>(o: T): T {
    const R = this.realm();
    return R.foreign ? (R.Object.assign(new R.Object(), o) as T) : o;
  }

  /** Print to the real console only with GAS_LOCAL_VERBOSE=1. */
  verbose(): boolean {
    return process.env.GAS_LOCAL_VERBOSE === '1';
  }
}

/**
 * The user's or the bound document's own store of a scoped service (properties, cache), made on first
 * use. null for the document scope when the script is not bound, and in a web app: [UNCONFIRMED]
 * stricter choice, as getDocumentLock() is documented to return null there
 * (https://developers.google.com/apps-script/reference/lock/lock-service#getdocumentlock).
 */
export function scopedStore<V>(rt: SharedState, byOwner: Map<string, Map<string, V>>, scope: 'user' | 'document'): Map<string, V> | null {
  let owner: string;
  if (scope === 'user') owner = rt.effectiveUser;
  else if (!rt.boundId || rt.kind() === 'webapp') return null;
  else owner = rt.boundId;
  if (!byOwner.has(owner)) byOwner.set(owner, new Map());
  return byOwner.get(owner)!;
}
