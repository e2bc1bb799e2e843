/**
 * The sidebar's server API: one type shared by the server (src/index.ts implements it) and the
 * browser (src/ui/rpc.ts wraps google.script.run with it). Everything that crosses is plain JSON:
 * google.script.run refuses Dates and functions, so times travel as ISO strings.
 */
import type { CapacityForecast } from './capacity';
import type { HookId } from './hooks';
import type { Outcome } from './plan';
import type { HookSettings, Settings } from './settings';
import type { SelfTestReport } from './self-test-report';
import type { WebAppUrlSource } from './webapp-url';

export type { SelfTestCaseResult, SelfTestReport } from './self-test-report';

/** A field the sidebar can offer as a column or key, with an example value to recognise it by. */
export interface FieldInfo {
  path: string;
  example: string;
  /** True when the field came from a real delivery rather than the hook's documentation. */
  seen: boolean;
}

export interface HookState {
  id: HookId;
  name: string;
  settings: HookSettings;
  /** What "reset to defaults" restores, with the default columns spelt out. */
  defaults: HookSettings;
  fields: FieldInfo[];
  lastDeliveryAt: string | null;
  deliveriesToday: number;
}

export interface WebhookState {
  /** The URL to paste into iClosed, or null when the script is not deployed as a web app yet. */
  url: string | null;
  /** Where `url` came from: the deployment record built into the code, or Apps Script's getUrl(). */
  urlSource: WebAppUrlSource | null;
  /** A problem with the web app URL (a /dev URL, a Workspace form, another deployment) and its fix. */
  urlWarning: string | null;
  token: string;
  previousTokenExpiresAt: string | null;
}

export interface ActivityEntry {
  /** Row of the Webhook log, for replays. */
  logRow: number;
  receivedAt: string;
  hook: string;
  outcome: Outcome | string;
  sheet: string;
  row: string;
  message: string;
  replayable: boolean;
}

export interface SidebarState {
  version: string;
  webhook: WebhookState | null;
  settings: Settings;
  hooks: HookState[];
  activity: ActivityEntry[];
  queued: number;
  /** Requests refused for a missing or wrong token today. */
  refusedToday: number;
  /** Cells the spreadsheet's grids use, a warning when they near Google's 10 million limit, and the growth forecast. */
  cells: { used: number; limit: number; warning: string | null; forecast: CapacityForecast };
}

export type SaveResult = { ok: true; state: SidebarState; changes: string[] } | { ok: false; error: string };

/** What a save would change on the existing sheets, in plain language (empty: nothing on the sheets changes). */
export type PreviewResult = { ok: true; changes: string[] } | { ok: false; error: string };

export interface ReplayResult {
  replayed: number;
  /** Replayable deliveries after `lastRow` not reached yet: call again with `{ after: lastRow }`. */
  remaining: number;
  /** The last Webhook log row this call replayed. */
  lastRow: number;
  outcomes: Outcome[];
}

/** Progress of a Pipeline and Funnel rebuild (one batch per call). */
export interface RebuildResult {
  /** True when every source has been read and the funnel recomputed. */
  done: boolean;
  /** Source rows (log rows and hook-sheet rows) read since the rebuild started. */
  processed: number;
  /** Source rows still to read, roughly (deliveries keep arriving). */
  remaining: number;
  /** Rows on the Pipeline sheet. */
  leads: number;
  message: string;
}

export interface TestDeliveryResult {
  ok: boolean;
  hook: string;
  action: string;
  sheet: string;
  row: number | null;
  message: string;
}

/** Functions the sidebar calls through google.script.run. */
export interface SidebarApi {
  getSidebarState(): SidebarState;
  saveSettings(settings: unknown): SaveResult;
  previewSettings(settings: unknown): PreviewResult;
  rotateToken(): WebhookState;
  sendTestDelivery(hookId: unknown): TestDeliveryResult;
  replayDeliveries(options?: unknown): ReplayResult;
  runSelfTest(): SelfTestReport;
  rebuildPipeline(options?: unknown): RebuildResult;
}

/** Every SidebarApi function as a key: a Record over the interface's keys, so leaving one out (or adding a stray one) does not compile. */
const SIDEBAR_FUNCTION_SET: { readonly [K in keyof SidebarApi]: true } = {
  getSidebarState: true,
  saveSettings: true,
  previewSettings: true,
  rotateToken: true,
  sendTestDelivery: true,
  replayDeliveries: true,
  runSelfTest: true,
  rebuildPipeline: true,
};

/**
 * The one list of functions the sidebar may call through google.script.run: the browser's RPC
 * wrapper, the local server's allowlist and the build's check of src/index.ts all read it.
 */
export const SIDEBAR_FUNCTIONS = Object.freeze(Object.keys(SIDEBAR_FUNCTION_SET) as (keyof SidebarApi)[]);
