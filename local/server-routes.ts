/**
 * What the `npm start` server answers at each path: /exec (the web app, as Google would, with its
 * 302 to /macros/echo), /api/run (the sidebar's google.script.run), /sidebar, / (the workbook
 * viewer), /api/sheets and the favicon. Every path but /exec and /macros/echo is for this
 * machine's own pages and curl only (server-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { AppHandle } from './load-app';
import type { LocalRuntime } from './runtime';
import { runScriptFunction, ScriptRunError, scriptRunShim } from './script-run';
import { ECHO_PATH, type EchoStore, movedPage } from './server-echo';
import { type Guard, SCRIPT_RUN_SECRET_HEADER } from './server-guard';
import { readBody, sendJson } from './server-http';
import type { StateStore } from './server-state';
import { viewerContentSecurityPolicy, viewerPage } from './viewer-page';
import { type HttpResponse, invokeWebApp } from './webapp';

/** What every route needs: the app and its runtime, the one-at-a-time queue, the store on disk, the guard and the echo answers. */
export interface RouteContext {
  app: AppHandle;
  runtime: LocalRuntime;
  distDir: string;
  /** Runs `job` after every earlier one: Apps Script would interleave executions, the local server serialises them. */
  serial<T>(job: () => T | Promise<T>): Promise<T>;
  store: StateStore;
  guard: Guard;
  echo: EchoStore;
  /** Answer POST /exec with 200 and the output instead of Google's 302 (EXEC_DIRECT=1, for debugging). */
  execDirect: boolean;
}

interface Request {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The request target, path and query. */
  target: string;
  pathname: string;
  method: string;
}

function sendOutput(res: http.ServerResponse, answer: HttpResponse): void {
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(answer.body);
}

/**
 * /exec and /exec/…: GET and POST go to doGet/doPost. A POST is answered only once the journal
 * holds it on disk, with Google's 302 to a one-time echo URL (server-echo.ts), or with the output
 * itself when execDirect is on. GET answers the output directly.
 */
async function execRoute(ctx: RouteContext, { req, res, target, method }: Request): Promise<void> {
  if (method !== 'GET' && method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed\n');
    return;
  }
  if (method === 'GET') {
    sendOutput(res, await ctx.serial(() => invokeWebApp(ctx.app, { method, url: target })));
    return;
  }
  const body = await readBody(req);
  const contentType = req.headers['content-type'];
  const { answer, seq } = await ctx.serial(() => {
    const output = invokeWebApp(ctx.app, { method, url: target, contentType, body });
    return { answer: output, seq: ctx.store.record({ url: target, contentType, body }) };
  });
  await ctx.store.durable(seq);
  if (ctx.execDirect) {
    sendOutput(res, answer);
    return;
  }
  const echoPath = ctx.echo.put(answer);
  // Absolute, as Google's is, when the sender named this server; relative behind a tunnel or proxy.
  const location = ctx.guard.ownHost(req) ? `http://${req.headers.host}${echoPath}` : echoPath;
  const page = movedPage(location);
  res.writeHead(302, {
    Location: location,
    'Content-Type': 'text/html; charset=UTF-8',
    'Content-Length': Buffer.byteLength(page),
    'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate',
  });
  res.end(page);
}

/** /macros/echo?user_content_key=…: the output of the POST that redirected here, once. A POST here gets 405 (doPost already ran). */
function echoRoute(ctx: RouteContext, { res, target, method }: Request): void {
  if (method !== 'GET') {
    // The status is observed [obs: tanaikech README]; the page's wording is [UNCONFIRMED].
    res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      '<!DOCTYPE html><html><head><title>Error 405 (Method Not Allowed)</title></head><body><p><b>405.</b> <ins>That’s an error.</ins></p></body></html>',
    );
    return;
  }
  const answer = ctx.echo.take(new URL(target, 'http://localhost').searchParams.get('user_content_key'));
  if (!answer) {
    // [UNCONFIRMED] what Google answers for a used or unknown key; a sender must not read it as success.
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      '<!DOCTYPE html><html><head><title>Error 404 (Not Found)</title></head><body><p><b>404.</b> <ins>That’s an error.</ins> This output was already fetched or never existed.</p></body></html>',
    );
    return;
  }
  sendOutput(res, answer);
}

/** POST /api/run/<name>: one google.script.run call from the sidebar page. */
async function scriptRunRoute(ctx: RouteContext, { req, res, pathname }: Request): Promise<void> {
  if (!ctx.guard.hasScriptRunSecret(req)) {
    sendJson(res, 403, { error: `google.script.run calls need the ${SCRIPT_RUN_SECRET_HEADER} header of the page served at /sidebar.` });
    return;
  }
  const name = decodeURIComponent(pathname.slice('/api/run/'.length));
  const body = await readBody(req);
  const answer = await ctx.serial(() => {
    try {
      return { ok: true, value: runScriptFunction(ctx.app, name, JSON.parse(body || '[]')) };
    } catch (err) {
      // The page's failure handler gets the message, as google.script.run passes the server's Error.
      return { ok: false, error: err instanceof ScriptRunError || err instanceof Error ? err.message : String(err) };
    } finally {
      // Sidebar calls are few and may draw random values (a new token) that a re-run would not
      // reproduce: the whole workbook is saved before the answer instead of journaling the call.
      ctx.store.snapshot();
    }
  });
  sendJson(res, 200, answer);
}

/** GET /sidebar: the built sidebar as Apps Script serves it, with google.script.run routed to /api/run. */
function sidebarRoute(ctx: RouteContext, { res, method }: Request): void {
  const shim = scriptRunShim(ctx.guard.scriptRunSecret, SCRIPT_RUN_SECRET_HEADER);
  const html = fs.readFileSync(path.join(ctx.distDir, 'Sidebar.html'), 'utf8').replace('<head>', `<head><script>${shim}</script>`);
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // The page holds the /api/run secret: no other site may frame it.
    'Content-Security-Policy': "frame-ancestors 'none'",
  });
  res.end(method === 'HEAD' ? undefined : html);
}

/** GET /: the workbook viewer, under a policy that lets only its own nonce'd script and style run. */
function viewerRoute(ctx: RouteContext, { res, method }: Request): void {
  const nonce = randomBytes(16).toString('base64');
  const page = viewerPage(nonce, ctx.runtime.summary(ctx.runtime.boundSpreadsheetId ?? undefined)?.name ?? 'Local workbook');
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(page),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': viewerContentSecurityPolicy(nonce),
  });
  res.end(method === 'HEAD' ? undefined : page);
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

/** How Sheets aligns a cell by default: numbers and dates right, booleans centred, text left. */
function alignment(v: unknown): 'left' | 'right' | 'center' {
  if (typeof v === 'number' || isDate(v)) return 'right';
  return typeof v === 'boolean' ? 'center' : 'left';
}

/**
 * GET /api/sheets: the bound spreadsheet's name, its sheet names in order, and the sheet whose
 * content changed last (where the viewer opens).
 */
function sheetList(ctx: RouteContext): { spreadsheet: string | null; sheets: string[]; lastChanged: string | null } {
  const summary = ctx.runtime.summary(ctx.runtime.boundSpreadsheetId ?? undefined);
  if (!summary) return { spreadsheet: null, sheets: [], lastChanged: null };
  const changed = summary.sheets.filter((s) => s.changedAt > 0).sort((a, b) => b.changedAt - a.changedAt)[0];
  // Nothing changed yet (or state saved before changes were tracked): the first sheet with content.
  const fallback = summary.sheets.find((s) => s.lastRow > 0) ?? summary.sheets[0];
  return { spreadsheet: summary.name, sheets: summary.sheets.map((s) => s.name), lastChanged: (changed ?? fallback)?.name ?? null };
}

/**
 * GET /api/sheets (sheetList) and /api/sheets/<name>: a sheet's values (Dates as ISO strings), the
 * displayed values (each cell's number format in the spreadsheet's time zone, as getDisplayValues
 * gives them), each cell's default alignment, and the frozen rows.
 */
async function sheetsRoute(ctx: RouteContext, { res, pathname }: Request): Promise<void> {
  const spreadsheetId = () => ctx.runtime.boundSpreadsheetId ?? undefined;
  if (pathname === '/api/sheets') {
    sendJson(res, 200, await ctx.serial(() => sheetList(ctx)));
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice('/api/sheets/'.length));
  } catch {
    sendJson(res, 400, { error: 'bad sheet name encoding' });
    return;
  }
  const snapshot = await ctx.serial(() => ctx.runtime.peek(name, spreadsheetId()));
  if (!snapshot) {
    sendJson(res, 404, { error: `no sheet named ${JSON.stringify(name)}` });
    return;
  }
  sendJson(res, 200, {
    values: snapshot.values.map((row) => row.map(jsonCell)),
    displayValues: snapshot.displayValues,
    alignments: snapshot.values.map((row) => row.map(alignment)),
    frozenRows: snapshot.frozenRows,
    // An empty sheet's values are one empty cell, as getDataRange().getValues() gives them.
    empty: snapshot.values.length === 1 && snapshot.values[0].length === 1 && snapshot.values[0][0] === '',
  });
}

/** A small green grid, so the browser tab has an icon and asks for no /favicon.ico it would log as a 404. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="2" fill="#188038"/>' +
  '<path d="M3 4h10v9H3z" fill="#fff"/><path d="M3 7h10M3 10h10M7 4v9" stroke="#188038" stroke-width="1"/></svg>';

/** GET /favicon.ico and /favicon.svg: the viewer's icon. */
function faviconRoute({ res, method }: Request): void {
  res.writeHead(200, {
    'Content-Type': 'image/svg+xml',
    'Content-Length': Buffer.byteLength(FAVICON_SVG),
    'Cache-Control': 'max-age=86400',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(method === 'HEAD' ? undefined : FAVICON_SVG);
}

/** Answers one request; a rejection (e.g. an HttpError from readBody) is the caller's to turn into an answer. */
export async function route(ctx: RouteContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const target = req.url ?? '/';
  const request: Request = {
    req,
    res,
    target,
    pathname: new URL(target, 'http://localhost').pathname,
    method: (req.method ?? 'GET').toUpperCase(),
  };
  const { pathname, method } = request;

  // /exec stays open to any sender and any Host (a tunnel, a proxy), as Google's is: its token guards it.
  if (pathname === '/exec' || pathname.startsWith('/exec/')) return execRoute(ctx, request);
  if (pathname === ECHO_PATH) return echoRoute(ctx, request);
  const refusal = ctx.guard.refusal(req);
  if (refusal !== null) {
    sendJson(res, 403, { error: `Refused: ${refusal}` });
    return;
  }
  if (pathname.startsWith('/api/run/') && method === 'POST') return scriptRunRoute(ctx, request);
  if (method !== 'GET' && method !== 'HEAD') {
    sendJson(res, 405, { error: 'method not allowed' });
    return;
  }
  if (pathname === '/sidebar') return sidebarRoute(ctx, request);
  if (pathname === '/') return viewerRoute(ctx, request);
  if (pathname === '/api/sheets' || pathname.startsWith('/api/sheets/')) return sheetsRoute(ctx, request);
  if (pathname === '/favicon.ico' || pathname === '/favicon.svg') return faviconRoute(request);
  sendJson(res, 404, { error: 'not found' });
}
