/**
 * The `npm start` server: the web app endpoint (/exec, answered as Google would) plus a browsable
 * local workbook. Node http only. Requests run one at a time; a POST /exec is answered only once it
 * is on disk (DATA_DIR/journal.ndjson), and the workbook is snapshotted to DATA_DIR/state.json.
 * This module starts and stops it; server-routes.ts answers each path, server-state.ts and
 * server-journal.ts keep the workbook on disk, server-guard.ts says who may use the local pages,
 * server-echo.ts holds Google's one-time echo answers, server-http.ts reads bodies and writes JSON,
 * viewer-page.ts is the page at `/`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loadApp, type AppHandle } from './load-app';
import type { LocalRuntime } from './runtime';
import { EchoStore } from './server-echo';
import { createGuard } from './server-guard';
import { HttpError, redactTokens, sendJson } from './server-http';
import { Journal, readJournal } from './server-journal';
import { route, type RouteContext } from './server-routes';
import { JOURNAL_FILE, loadRuntime, readManifestTimeZone, STATE_FILE, StateStore } from './server-state';
import { invokeWebApp } from './webapp';

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
  /** Progress and error messages (never holding the token). Default: silent. */
  log?: (message: string) => void;
  /** Answer POST /exec with 200 and the output instead of Google's 302 to a one-time echo URL. Default false. */
  execDirect?: boolean;
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
  /** The per-start secret the /sidebar page sends with each /api/run call. */
  scriptRunSecret: string;
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
  const journalFile = path.join(dataDir, JOURNAL_FILE);

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
    const loaded = loadRuntime(stateFile, runtimeOptions, SPREADSHEET_NAME, log);
    const runtime = loaded.runtime;
    const { entries, lastSeq } = readJournal(journalFile, loaded.journalSeq, log);
    const app = loadApp(runtime, distDir);
    // Requests answered after the last snapshot run again: the app's fingerprints make a delivery
    // that is already in the sheet a duplicate, so a re-run never adds a row.
    for (const entry of entries) invokeWebApp(app, entry);
    if (entries.length) log(`Ran again ${entries.length} request(s) from ${journalFile} that the snapshot did not hold yet.`);
    const store = new StateStore(runtime, stateFile, new Journal(journalFile, lastSeq));

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
    store.snapshot();

    // One request at a time: Apps Script would interleave executions, the local server serialises them.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(job: () => T | Promise<T>): Promise<T> => {
      const run = queue.then(job, job);
      queue = run.catch(() => undefined);
      return run;
    };

    const guard = createGuard(actualPort, host);
    const context: RouteContext = {
      app,
      runtime,
      distDir,
      serial,
      store,
      guard,
      echo: new EchoStore(),
      execDirect: options.execDirect ?? false,
    };
    // Tokens are redacted from every message: the one given, and whatever "token=" a URL carries.
    const currentToken = (): string | null => {
      try {
        return storedToken();
      } catch {
        return null;
      }
    };
    const redact = (text: string) => redactTokens(text, [options.token, token, currentToken()]);

    handler = (req, res) => {
      route(context, req, res).catch((err: unknown) => {
        if (err instanceof HttpError) {
          if (!res.headersSent) sendJson(res, err.status, { error: err.message });
          else res.end();
          return;
        }
        if (req.destroyed || (err as NodeJS.ErrnoException)?.code === 'ECONNRESET') {
          log(redact(`Request ${req.method} ${req.url} was aborted by the client before its body arrived; nothing ran.`));
          return;
        }
        log(redact(`Request ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
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
      scriptRunSecret: guard.scriptRunSecret,
      runtime,
      app,
      close: async () => {
        await queue;
        await store.close();
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
