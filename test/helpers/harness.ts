/** A spreadsheet with the built app loaded in the local runtime, and helpers to post deliveries and read sheets back. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadApp, type AppHandle } from '../../local/load-app';
import { LocalRuntime } from '../../local/runtime';
import { invokeWebApp, type HttpResponse } from '../../local/webapp';

export const DIST = path.resolve(__dirname, '../../dist');
export const PAYLOADS = path.resolve(__dirname, '../../src/core/examples');

/** The /exec URL `npm run deploy` recorded in deployment.json, which the build puts into dist/Code.js; null before a deploy. */
export const RECORDED_WEB_APP_URL: string | null = (() => {
  const file = path.resolve(__dirname, '../../deployment.json');
  const url = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { url?: unknown }).url : null;
  return typeof url === 'string' ? url : null;
})();

/** The /exec URL the runtime reports: the recorded one, else a stand-in. So the suites pass before and after a real deploy. */
export const WEB_APP_URL: string = RECORDED_WEB_APP_URL ?? 'https://script.google.com/macros/s/LOCAL/exec';

/** The example payload for a file name such as "call-booked". */
export function payload(name: string): any[] {
  return JSON.parse(fs.readFileSync(path.join(PAYLOADS, `${name}.json`), 'utf8'));
}

export interface Harness {
  runtime: LocalRuntime;
  app: AppHandle;
  token: string;
  /** POSTs a body to /exec (with the token unless `token` is given) and parses the JSON answer. */
  post(body: unknown, options?: { token?: string | null; query?: string; contentType?: string }): any;
  postRaw(body: unknown, options?: { token?: string | null; query?: string; contentType?: string }): HttpResponse;
  /** The sheet's rows as objects keyed by header label (row 2 onwards). */
  rows(sheet: string): Array<Record<string, unknown>>;
  /**
   * The sheet's rows keyed the way the app reads them back: the app's columns by field path (from the
   * sheet's stored layout), the fields kept in "Other fields" by their path, other columns by label.
   */
  fields(sheet: string): Array<Record<string, unknown>>;
  header(sheet: string): string[];
  sheetNames(): string[];
  saveSettings(settings: unknown): any;
  /** Runs `fn` as the user in the spreadsheet's editor (an execution of its own): inserting columns, typing, sorting. */
  asUser<T>(fn: (spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet) => T): T;
}

/** Options of startApp: the runtime's virtual time, and whether Plain-text cells keep a leading apostrophe (unconfirmed). */
export interface StartOptions {
  virtualTime?: boolean;
  keepApostropheInPlainText?: boolean;
}

/**
 * The two answers no source settles for a Plain-text ("@") cell written with a leading apostrophe: Sheets drops
 * it from the value (the runtime's default) or keeps it. Suites that write and find rows run in both (describe.each).
 */
export const APOSTROPHE_WORLDS: Array<[string, StartOptions]> = [
  ['Plain-text cells drop the leading apostrophe', { keepApostropheInPlainText: false }],
  ['Plain-text cells keep the leading apostrophe', { keepApostropheInPlainText: true }],
];

export function startApp(options: StartOptions = {}): Harness {
  if (!fs.existsSync(path.join(DIST, 'Code.js'))) throw new Error('dist/Code.js is missing: run `npm run build` (npm test does).');
  const runtime = new LocalRuntime({
    virtualTime: options.virtualTime ?? true,
    scriptUrl: WEB_APP_URL,
    keepApostropheInPlainText: options.keepApostropheInPlainText === true,
  });
  runtime.createSpreadsheet('iClosed webhooks');
  const app = loadApp(runtime, DIST);
  const info = app.call<{ token: string }>('editor', 'setupWebhook');
  const postRaw: Harness['postRaw'] = (body, opts = {}) => {
    const token = opts.token === undefined ? info.token : opts.token;
    const query = [token === null ? '' : `token=${encodeURIComponent(token)}`, opts.query ?? ''].filter(Boolean).join('&');
    return invokeWebApp(app, {
      method: 'POST',
      url: `/exec${query ? `?${query}` : ''}`,
      contentType: opts.contentType ?? 'application/json',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  };
  const header = (sheet: string) => (runtime.peek(sheet)?.values[0] ?? []).map(String);
  return {
    runtime,
    app,
    token: info.token,
    postRaw,
    post: (body, opts) => JSON.parse(postRaw(body, opts).body),
    header,
    rows(sheet) {
      const snap = runtime.peek(sheet);
      if (!snap) throw new Error(`No sheet "${sheet}"; sheets: ${runtime.sheetNames().join(', ')}`);
      const [head, ...rest] = snap.values;
      return rest.map((r) => Object.fromEntries(head.map((h, i) => [String(h), r[i]])));
    },
    fields(sheet) {
      const stored = runtime.execute('editor', () =>
        (runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
          .getScriptProperties()
          .getProperty(`layout/${sheet}`),
      );
      const pathOf: Record<string, string> = stored ? JSON.parse(stored).fields : {};
      return this.rows(sheet).map((row) => {
        const out: Record<string, unknown> = {};
        for (const [label, value] of Object.entries(row)) {
          if (label === 'Other fields') {
            if (typeof value === 'string' && value !== '') Object.assign(out, JSON.parse(value.replace(/^'/, ''))); // a Plain-text cell may give the guard apostrophe back
          } else out[Object.prototype.hasOwnProperty.call(pathOf, label) ? pathOf[label] : label] = value;
        }
        return out;
      });
    },
    sheetNames: () => runtime.sheetNames(),
    saveSettings: (settings) => app.call('editor', 'saveSettings', settings),
    asUser: (fn) => {
      const SpreadsheetApp = runtime.globals().SpreadsheetApp as GoogleAppsScript.Spreadsheet.SpreadsheetApp;
      return runtime.execute('editor', () => fn(SpreadsheetApp.getActive()));
    },
  };
}

/** The script property keys a runtime call writes (setProperty or setProperties), from its observed key and arguments. */
export function propertyKeysIn(key: string, args: unknown[]): string[] {
  if (key === 'Properties.setProperty') return [String(args[0])];
  if (key === 'Properties.setProperties') return Object.keys(args[0] as object);
  return [];
}

/** What an observer is given for each counted service call, after the call returned: "Class.method", its receiver and its arguments. */
export type CallObserver = (key: string, self: any, args: unknown[]) => void;

/** Runs `fn` with `observer` seeing every counted service call; the observer is removed afterwards, also when `fn` throws. */
export function observingCalls<T>(h: Harness, observer: CallObserver, fn: () => T): T {
  h.runtime.observeCalls(observer);
  try {
    return fn();
  } finally {
    h.runtime.observeCalls(null);
  }
}

/** Sets a script property as another execution would (null deletes it), outside the app's own code. */
export function setScriptProperty(h: Harness, key: string, value: string | null): void {
  h.runtime.execute('editor', () => {
    const props = (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService).getScriptProperties();
    if (value === null) props.deleteProperty(key);
    else props.setProperty(key, value);
  });
}

/** Script property keys written (setProperty or setProperties) while `fn` runs. */
export function propertyKeysWritten(h: Harness, fn: () => void): string[] {
  const keys: string[] = [];
  observingCalls(h, (key, _self, args) => keys.push(...propertyKeysIn(key, args)), fn);
  return keys;
}
