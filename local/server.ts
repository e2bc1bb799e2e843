/**
 * The `npm start` server: the web app endpoint (/exec, answered as Google would) plus a browsable
 * local workbook. Node http only. Requests run one at a time; state persists to DATA_DIR/state.json
 * shortly after the last request that ran the app (and on close), written atomically.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loadApp, type AppHandle } from './load-app';
import { LocalRuntime } from './runtime';
import { runScriptFunction, ScriptRunError, SHIM } from './script-run';
import { invokeWebApp } from './webapp';

/** The script property that holds the webhook secret once setupWebhook has run (src/gas/store.ts KEYS.token). */
export const WEBHOOK_TOKEN_PROPERTY = 'webhook.token';
export const SPREADSHEET_NAME = 'iClosed leads';
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const STATE_FILE = 'state.json';
/** How long after the last request the workbook is saved. */
const PERSIST_DELAY_MS = 200;
/** Functions the sidebar may call through google.script.run (the SidebarApi in src/core/sidebar-api.ts). */
export const SIDEBAR_FUNCTIONS: ReadonlySet<string> = new Set(['getSidebarState', 'saveSettings', 'rotateToken', 'sendTestDelivery', 'replayDeliveries', 'runSelfTest', 'rebuildPipeline']);

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

/** Write-then-rename so a crash never leaves a half-written state.json. */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    // Make the rename itself durable (best effort: not every platform can fsync a directory).
    const dirFd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* ignore */
  }
}

function readManifestTimeZone(distDir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'appsscript.json'), 'utf8'));
    return typeof manifest.timeZone === 'string' ? manifest.timeZone : undefined;
  } catch {
    return undefined;
  }
}

function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}

/** Cell values as JSON: Dates (possibly from the script's realm) as ISO strings. */
function jsonCell(v: unknown): unknown {
  if (isDate(v)) {
    const t = (v as Date).getTime();
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return v;
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The body as UTF-8 text. Past MAX_BODY_BYTES it rejects with 413, but only once the upload has
 * been read to the end (discarding it), so the client sees the answer instead of a reset
 * connection; an upload past 4× the cap is cut off.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > 4 * MAX_BODY_BYTES) {
      reject(tooLarge());
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 4 * MAX_BODY_BYTES) {
        reject(tooLarge());
        req.destroy();
      } else if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      } else {
        chunks.length = 0;
      }
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(tooLarge());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
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
    let runtime: LocalRuntime;
    if (fs.existsSync(stateFile)) {
      runtime = LocalRuntime.fromJSON(JSON.parse(fs.readFileSync(stateFile, 'utf8')), runtimeOptions);
      log(`Loaded state from ${stateFile}`);
    } else {
      runtime = new LocalRuntime(runtimeOptions);
      runtime.createSpreadsheet(SPREADSHEET_NAME);
    }
    const app = loadApp(runtime, distDir);
    const save = () => writeFileAtomic(stateFile, JSON.stringify(runtime.toJSON()));
    // Saving rewrites the whole workbook, so a burst of requests is saved once, PERSIST_DELAY_MS after
    // the last one (and on close), instead of once per request: the cost per delivery stays flat.
    let pending: NodeJS.Timeout | null = null;
    const persist = () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        save();
      }, PERSIST_DELAY_MS);
    };
    const flushState = () => {
      if (!pending) return;
      clearTimeout(pending);
      pending = null;
      save();
    };

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
    save();

    // One request at a time: Apps Script would interleave executions, the local server serialises them.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(job: () => T | Promise<T>): Promise<T> => {
      const run = queue.then(job, job);
      queue = run.catch(() => undefined);
      return run;
    };

    const sheetsSpreadsheetId = () => runtime.boundSpreadsheetId ?? undefined;

    const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
      const target = req.url ?? '/';
      const pathname = new URL(target, 'http://localhost').pathname;
      const method = (req.method ?? 'GET').toUpperCase();

      if (pathname === '/exec' || pathname.startsWith('/exec/')) {
        if (method !== 'GET' && method !== 'POST') {
          res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('Method not allowed\n');
          return;
        }
        const body = method === 'POST' ? await readBody(req) : undefined;
        const answer = await serial(() => {
          try {
            return invokeWebApp(app, { method, url: target, contentType: req.headers['content-type'], body });
          } finally {
            persist();
          }
        });
        res.writeHead(answer.status, {
          'Content-Type': answer.contentType,
          'Content-Length': Buffer.byteLength(answer.body),
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(answer.body);
        return;
      }

      if (pathname.startsWith('/api/run/') && method === 'POST') {
        const name = decodeURIComponent(pathname.slice('/api/run/'.length));
        const body = await readBody(req);
        const answer = await serial(() => {
          try {
            return { ok: true, value: runScriptFunction(app, SIDEBAR_FUNCTIONS, name, JSON.parse(body || '[]')) };
          } catch (err) {
            // The page's failure handler gets the message, as google.script.run passes the server's Error.
            return { ok: false, error: err instanceof ScriptRunError || err instanceof Error ? err.message : String(err) };
          } finally {
            persist();
          }
        });
        sendJson(res, 200, answer);
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        sendJson(res, 405, { error: 'method not allowed' });
        return;
      }
      if (pathname === '/sidebar') {
        // The built sidebar as Apps Script serves it, with google.script.run routed to /api/run.
        const html = fs.readFileSync(path.join(distDir, 'Sidebar.html'), 'utf8').replace('<head>', `<head><script>${SHIM}</script>`);
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
        res.end(method === 'HEAD' ? undefined : html);
        return;
      }
      if (pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        const page = viewerPage(nonce);
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(page),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        });
        res.end(method === 'HEAD' ? undefined : page);
        return;
      }
      if (pathname === '/api/sheets') {
        const sheets = await serial(() => runtime.sheetNames(sheetsSpreadsheetId()));
        sendJson(res, 200, { sheets });
        return;
      }
      if (pathname.startsWith('/api/sheets/')) {
        let name: string;
        try {
          name = decodeURIComponent(pathname.slice('/api/sheets/'.length));
        } catch {
          sendJson(res, 400, { error: 'bad sheet name encoding' });
          return;
        }
        const snapshot = await serial(() => runtime.peek(name, sheetsSpreadsheetId()));
        if (!snapshot) {
          sendJson(res, 404, { error: `no sheet named ${JSON.stringify(name)}` });
          return;
        }
        // displayValues: what the cell shows in Sheets (dates in the spreadsheet's time zone), which the viewer renders.
        sendJson(res, 200, { values: snapshot.values.map((row) => row.map(jsonCell)), displayValues: snapshot.displayValues });
        return;
      }
      sendJson(res, 404, { error: 'not found' });
    };

    handler = (req, res) => {
      route(req, res).catch((err: unknown) => {
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
        flushState();
        await closeServer();
      },
    };
  } catch (err) {
    await closeServer();
    throw err;
  }
}

/** Start-up banner for `npm start`. */
export function banner(s: RunningServer, dataDir: string): string {
  const lines = [
    '',
    '  Webhooks to Sheets (local Apps Script runtime)',
    '',
    `  Workbook:     ${s.url}/`,
    `  Sidebar:      ${s.url}/sidebar   (Webhooks to Sheets → Open sidebar, as in the spreadsheet)`,
    s.webhookUrl
      ? `  Webhook URL:  ${s.webhookUrl}`
      : '  Webhook URL:  setup pending — setupWebhook returned no token yet (ingestion not built).',
    `  Endpoint:     ${s.execUrl}   (GET and POST, answered as Google's /exec would)`,
    `  State:        ${path.join(path.resolve(dataDir), STATE_FILE)}`,
    '',
    s.webhookUrl
      ? '  Paste the webhook URL into iClosed (Settings → Developer), or POST to it with curl.'
      : '  The endpoint still answers; restart once ingestion lands to install the webhook secret.',
    '  Ctrl+C stops the server.',
    '',
  ];
  return lines.join('\n');
}

/** The workbook viewer: self-contained, no external assets; cell text goes in via textContent only. */
function viewerPage(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iClosed leads — local workbook</title>
<style nonce="${nonce}">
  body { font-family: Arial, Helvetica, sans-serif; margin: 0; color: #202124; }
  header { padding: 10px 16px; border-bottom: 1px solid #dadce0; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  #status { color: #5f6368; font-size: 12px; }
  #grid { overflow: auto; height: calc(100vh - 90px); }
  table { border-collapse: collapse; font-size: 13px; }
  th, td { border: 1px solid #e0e0e0; padding: 3px 6px; white-space: pre; max-width: 40em; overflow: hidden; text-overflow: ellipsis; vertical-align: top; }
  th { background: #f8f9fa; color: #5f6368; font-weight: normal; position: sticky; top: 0; }
  td.rownum { background: #f8f9fa; color: #5f6368; text-align: right; }
  #tabs { position: fixed; bottom: 0; left: 0; right: 0; background: #f8f9fa; border-top: 1px solid #dadce0; padding: 4px 8px; display: flex; gap: 4px; overflow-x: auto; }
  #tabs button { border: 1px solid transparent; background: none; padding: 6px 12px; cursor: pointer; font-size: 13px; }
  #tabs button[aria-selected="true"] { background: #fff; border-color: #dadce0; color: #188038; font-weight: bold; }
  .empty { padding: 16px; color: #5f6368; }
</style>
</head>
<body>
<header><h1>iClosed leads</h1><span id="status">loading…</span></header>
<div id="grid"></div>
<nav id="tabs" role="tablist"></nav>
<script nonce="${nonce}">
(function () {
  var current = null;
  var lastSheets = '';
  var lastValues = '';
  var grid = document.getElementById('grid');
  var tabs = document.getElementById('tabs');
  var status = document.getElementById('status');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function columnName(i) {
    var s = '';
    for (i = i + 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
    return s;
  }
  function cellText(v) {
    if (v === null || v === undefined) return '';
    return typeof v === 'string' ? v : String(v);
  }
  function renderTabs(names) {
    tabs.textContent = '';
    names.forEach(function (name) {
      var b = el('button', name);
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', String(name === current));
      b.addEventListener('click', function () { current = name; lastValues = ''; renderTabs(names); refresh(); });
      tabs.appendChild(b);
    });
  }
  function renderValues(values) {
    grid.textContent = '';
    if (!values.length) { grid.appendChild(el('div', 'This sheet is empty.', 'empty')); return; }
    var width = values.reduce(function (w, r) { return Math.max(w, r.length); }, 0);
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', ''));
    for (var c = 0; c < width; c++) head.appendChild(el('th', columnName(c)));
    table.appendChild(head);
    values.forEach(function (row, r) {
      var tr = el('tr');
      tr.appendChild(el('td', String(r + 1), 'rownum'));
      for (var c = 0; c < width; c++) {
        var text = cellText(row[c]);
        var td = el('td', text);
        td.title = text;
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    grid.appendChild(table);
  }
  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function refresh() {
    return getJson('/api/sheets').then(function (data) {
      var names = data.sheets || [];
      var key = JSON.stringify(names);
      if (current === null || names.indexOf(current) < 0) { current = names.length ? names[0] : null; lastValues = ''; }
      if (key !== lastSheets || tabs.childNodes.length !== names.length) { lastSheets = key; renderTabs(names); }
      if (current === null) { grid.textContent = ''; grid.appendChild(el('div', 'No sheets yet.', 'empty')); return; }
      return getJson('/api/sheets/' + encodeURIComponent(current)).then(function (d) {
        var shown = d.displayValues || d.values || [];
        var vkey = JSON.stringify(shown);
        if (vkey !== lastValues) { lastValues = vkey; renderValues(shown); }
      });
    }).then(function () {
      status.textContent = 'updated ' + new Date().toLocaleTimeString();
    }, function (err) {
      status.textContent = 'not reachable (' + err.message + '), retrying…';
    });
  }
  refresh();
  setInterval(refresh, 2000);
})();
</script>
</body>
</html>
`;
}
