/**
 * What the `npm start` server answers at each path: /exec (the web app, as Google would), /api/run
 * (the sidebar's google.script.run), /sidebar, / (the workbook viewer), /api/sheets and the favicon.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { AppHandle } from './load-app';
import type { LocalRuntime } from './runtime';
import { runScriptFunction, ScriptRunError, SHIM } from './script-run';
import { readBody, sendJson } from './server-http';
import { viewerContentSecurityPolicy, viewerPage } from './viewer-page';
import { invokeWebApp } from './webapp';

/** What every route needs: the app and its runtime, the one-at-a-time queue, and the save after a run. */
export interface RouteContext {
  app: AppHandle;
  runtime: LocalRuntime;
  distDir: string;
  /** Runs `job` after every earlier one: Apps Script would interleave executions, the local server serialises them. */
  serial<T>(job: () => T | Promise<T>): Promise<T>;
  /** Schedules a save of the workbook. */
  persist(): void;
}

interface Request {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The request target, path and query. */
  target: string;
  pathname: string;
  method: string;
}

/** /exec and /exec/…: GET and POST go to doGet/doPost, answered as Google's /exec would. */
async function execRoute(ctx: RouteContext, { req, res, target, method }: Request): Promise<void> {
  if (method !== 'GET' && method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed\n');
    return;
  }
  const body = method === 'POST' ? await readBody(req) : undefined;
  const answer = await ctx.serial(() => {
    try {
      return invokeWebApp(ctx.app, { method, url: target, contentType: req.headers['content-type'], body });
    } finally {
      ctx.persist();
    }
  });
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(answer.body);
}

/** POST /api/run/<name>: one google.script.run call from the sidebar page. */
async function scriptRunRoute(ctx: RouteContext, { req, res, pathname }: Request): Promise<void> {
  const name = decodeURIComponent(pathname.slice('/api/run/'.length));
  const body = await readBody(req);
  const answer = await ctx.serial(() => {
    try {
      return { ok: true, value: runScriptFunction(ctx.app, name, JSON.parse(body || '[]')) };
    } catch (err) {
      // The page's failure handler gets the message, as google.script.run passes the server's Error.
      return { ok: false, error: err instanceof ScriptRunError || err instanceof Error ? err.message : String(err) };
    } finally {
      ctx.persist();
    }
  });
  sendJson(res, 200, answer);
}

/** GET /sidebar: the built sidebar as Apps Script serves it, with google.script.run routed to /api/run. */
function sidebarRoute(ctx: RouteContext, { res, method }: Request): void {
  const html = fs.readFileSync(path.join(ctx.distDir, 'Sidebar.html'), 'utf8').replace('<head>', `<head><script>${SHIM}</script>`);
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
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
  const request: Request = { req, res, target, pathname: new URL(target, 'http://localhost').pathname, method: (req.method ?? 'GET').toUpperCase() };
  const { pathname, method } = request;

  if (pathname === '/exec' || pathname.startsWith('/exec/')) return execRoute(ctx, request);
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
