/**
 * The `npm start` server: the web app endpoint (/exec, answered as Google would) plus a browsable
 * local workbook. Node http only. Requests run one at a time; state persists to DATA_DIR/state.json
 * shortly after the last request that ran the app (and on close), written atomically.
 * This module starts and stops it; server-routes.ts answers each path, server-state.ts keeps the
 * workbook on disk, server-http.ts reads bodies and writes JSON, viewer-page.ts is the page at `/`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loadApp, type AppHandle } from './load-app';
import type { LocalRuntime } from './runtime';
import { HttpError, sendJson } from './server-http';
import { route, type RouteContext } from './server-routes';
import { loadRuntime, readManifestTimeZone, STATE_FILE, stateSaver } from './server-state';

export { MAX_BODY_BYTES } from './server-http';

/** The script property that holds the webhook secret once setupWebhook has run (src/gas/store.ts KEYS.token). */
export const WEBHOOK_TOKEN_PROPERTY = 'webhook.token';
/** The spreadsheet a new local workbook is named: the title `npm run setup` gives the Google one (scripts/clasp-tasks.mjs DEFAULT_TITLE). */
export const SPREADSHEET_NAME = 'iClosed webhooks';

export interface ServerOptions {
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Where state.json lives. Default ".local". */
  dataDir?: string;
  /** Webhook secret to install on first start; the app generates one when absent. */
  token?: string;
  /** Built Apps Script files. Default "dist". */
  distDir?: string;
  /** Interface to listen on. Default 127.0.0.1 (the workbook viewer has no login). */
  host?: string;
  /** Progress and error messages. Default: silent. */
  log?: (message: string) => void;
}

export interface RunningServer {
  /** e.g. http://localhost:8787 */
  url: string;
  /** url + "/exec" */
  execUrl: string;
  /** The URL to paste into iClosed, or null while setup is pending. */
  webhookUrl: string | null;
  /** The stored webhook secret, or null while setup is pending. */
  token: string | null;
  /** True when setupWebhook did not (yet) return a result. */
  setupPending: boolean;
  runtime: LocalRuntime;
  app: AppHandle;
  close(): Promise<void>;
}

interface SetupResult {
  token: string;
  url: string | null;
  spreadsheetId: string;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? 8787;
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir ?? '.local');
  const distDir = path.resolve(options.distDir ?? 'dist');
  const log = options.log ?? (() => {});
  const stateFile = path.join(dataDir, STATE_FILE);

  fs.mkdirSync(dataDir, { recursive: true });

  // Listen first: the port (0 = any free one) is part of the script's own URL.
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
    sendJson(res, 503, { error: 'starting' });
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://localhost:${actualPort}`;
  const execUrl = `${url}/exec`;

  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });

  try {
    const runtimeOptions = { timeZone: readManifestTimeZone(distDir), scriptUrl: execUrl };
    const runtime = loadRuntime(stateFile, runtimeOptions, SPREADSHEET_NAME, log);
    const app = loadApp(runtime, distDir);
    const state = stateSaver(runtime, stateFile);

    const storedToken = (): string | null =>
      runtime.execute('editor', () => {
        const props = app.context.PropertiesService.getScriptProperties();
        const value = props.getProperty(WEBHOOK_TOKEN_PROPERTY);
        return typeof value === 'string' && value !== '' ? value : null;
      });

    let token = storedToken();
    let setupPending = false;
    if (token === null) {
      const result = app.call<SetupResult | null | undefined>('editor', 'setupWebhook', { token: options.token });
      if (result && typeof result.token === 'string' && result.token !== '') {
        token = result.token;
      } else {
        setupPending = true;
      }
    } else if (options.token && options.token !== token) {
      log(`WEBHOOK_TOKEN differs from the token stored in ${stateFile}; keeping the stored one (rotate it from the sidebar).`);
    }
    state.save();

    // One request at a time: Apps Script would interleave executions, the local server serialises them.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(job: () => T | Promise<T>): Promise<T> => {
      const run = queue.then(job, job);
      queue = run.catch(() => undefined);
      return run;
    };

    const context: RouteContext = { app, runtime, distDir, serial, persist: state.persist };

    handler = (req, res) => {
      route(context, req, res).catch((err: unknown) => {
        if (err instanceof HttpError) {
          if (!res.headersSent) sendJson(res, err.status, { error: err.message });
          else res.end();
          return;
        }
        log(`Request ${req.method} ${req.url} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error in the local server' });
        else res.end();
      });
    };

    return {
      url,
      execUrl,
      webhookUrl: token === null ? null : `${execUrl}?token=${encodeURIComponent(token)}`,
      token,
      setupPending,
      runtime,
      app,
      close: async () => {
        await queue;
        state.flush();
        await closeServer();
      },
    };
  } catch (err) {
    await closeServer();
    throw err;
  }
}

/** The example delivery the banner's curl line posts (an iClosed "Call booked" payload). */
export const EXAMPLE_PAYLOAD = path.join('src', 'core', 'examples', 'call-booked.json');

/** A shell word: as is when plain, else in single quotes (a URL's ? and &, a path with spaces). */
function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The curl line that posts the example delivery to this server now, or null while setup is pending.
 * -L follows a redirect, as a POST to Google's /exec answers with a 302 to the result.
 */
export function exampleCurl(s: RunningServer, cwd: string = process.cwd()): string | null {
  if (!s.webhookUrl) return null;
  const example = path.resolve(__dirname, '..', EXAMPLE_PAYLOAD);
  const data = fs.existsSync(path.join(cwd, EXAMPLE_PAYLOAD)) ? EXAMPLE_PAYLOAD : fs.existsSync(example) ? example : null;
  const body = data ? `--data-binary @${shellQuote(data)}` : `--data '{"hookType":"Try it","hello":"world"}'`;
  return `curl -sL -H 'Content-Type: application/json' ${body} ${shellQuote(s.webhookUrl)}`;
}

/** Start-up banner for `npm start`: what this local server is for, its links, and a delivery to try now. */
export function banner(s: RunningServer, dataDir: string): string {
  const curl = exampleCurl(s);
  const lines = [
    '',
    '  Webhooks to Sheets, running on this machine',
    '',
    '  This server is for trying the app here. iClosed cannot reach it: iClosed needs the',
    '  Google web app URL, which `npm run deploy` prints.',
    '',
    `  Workbook:  ${s.url}/          the spreadsheet the app writes`,
    `  Sidebar:   ${s.url}/sidebar   the settings panel (Webhooks to Sheets → Open sidebar in the spreadsheet)`,
    `  Endpoint:  ${s.execUrl}      stands in for the web app URL`,
    `  State:     ${path.join(path.resolve(dataDir), STATE_FILE)}`,
    '             (to start over: stop the server, delete this file, start again)',
    '',
    ...(curl
      ? ['  Send an example delivery now, then look at the workbook:', '', `    ${curl}`]
      : ['  Setup is pending: setupWebhook returned no token, so deliveries are refused for now.']),
    '',
    '  Ctrl+C stops the server.',
    '',
  ];
  return lines.join('\n');
}
