/**
 * An HTTP request in, a doGet/doPost event and Google's answer out, as the deployed web app
 * (…/exec) behaves. Sources: apps-script-facts.md §1 — the documented event fields
 * (developers.google.com/apps-script/guides/web) and the real event dumps in
 * tanaikech/taking-advantage-of-Web-Apps-with-google-apps-script ("Event object of Web Apps").
 */
import type { AppHandle } from './load-app';
import { MimeType } from './runtime/content';

export interface HttpRequest {
  method: string;
  /** Request target, e.g. "/exec?token=abc" (an absolute URL works too). */
  url: string;
  /** The Content-Type header as sent, parameters included. */
  contentType?: string;
  /** The body as UTF-8 text. */
  body?: string;
}

export interface HttpResponse {
  status: 200;
  contentType: string;
  body: string;
}

type Params = { parameter: Record<string, string>; parameters: Record<string, string[]> };

const FORM_TYPE = 'application/x-www-form-urlencoded';

function addPairs(target: Params, pairs: URLSearchParams): void {
  for (const [key, value] of pairs) {
    if (!Object.prototype.hasOwnProperty.call(target.parameters, key)) {
      target.parameters[key] = [];
      // parameter holds the first value of each key. [doc: guides/web "parameter"]
      target.parameter[key] = value;
    }
    target.parameters[key].push(value);
  }
}

/** The MIME type without parameters ("application/json; charset=utf-8" → "application/json"). */
function mimeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim();
}

/**
 * The event Google passes to doGet/doPost for this request. GET: contextPath "", contentLength -1,
 * queryString "" when there is none, no postData key. POST: postData {contents (raw), length,
 * name "postData", type}; a form-urlencoded body is merged into parameter/parameters. There is no
 * header field: the documented fields and every observed dump lack one. [obs: tanaikech README]
 */
export function buildEvent(req: HttpRequest): GoogleAppsScript.Events.DoPost | GoogleAppsScript.Events.DoGet {
  const method = req.method.toUpperCase();
  const target = req.url.split('#')[0];
  const q = target.indexOf('?');
  const pathname = new URL(q >= 0 ? target.slice(0, q) : target, 'http://localhost').pathname;
  const params: Params = { parameter: {}, parameters: {} };

  // Raw, as sent: dumps show "key1=value1&key2=value2", and "" (not null) with no query string.
  const queryString = q >= 0 ? target.slice(q + 1) : '';
  addPairs(params, new URLSearchParams(queryString));

  const event: Record<string, unknown> = {
    queryString,
    parameter: params.parameter,
    parameters: params.parameters,
    contextPath: '', // "not used" [doc]; "" in every dump
    contentLength: -1, // GET dumps: -1
  };

  // /exec/fileName.txt → pathInfo "fileName.txt"; the key is absent on plain /exec. [obs: dump, Pattern 5]
  const match = /\/exec\/(.+)$/.exec(pathname);
  if (match) {
    event.pathInfo = safeDecode(match[1]);
  }

  if (method === 'POST') {
    const contents = req.body ?? '';
    const length = Buffer.byteLength(contents, 'utf8');
    const type = mimeOf(req.contentType);
    // Query pairs come first, then body pairs (servlet order); a JSON body sent with the form type
    // parses as one key with value "". [obs: dump, Pattern 3]
    if (type.toLowerCase() === FORM_TYPE) {
      addPairs(params, new URLSearchParams(contents));
    }
    event.contentLength = length;
    // type: the MIME type of the body [doc]; dumps show it without parameters. Whether Google
    // keeps "; charset=…" when sent: [UNCONFIRMED] — app code must not depend on it.
    event.postData = { contents, length, name: 'postData', type };
  }
  return event as unknown as GoogleAppsScript.Events.DoPost;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Google's HTML page for a failed or empty execution, answered with status 200. Markup as captured
 * from real /exec answers (public code quoting them): title "Error", the message in a monospace div.
 */
function googlePage(title: string, message: string): HttpResponse {
  const body =
    '<!DOCTYPE html><html><head><link rel="shortcut icon" href="//ssl.gstatic.com/docs/script/images/favicon.ico">' +
    `<title>${escapeHtml(title)}</title>` +
    '<style type="text/css">body {background-color: #fff; margin: 0; padding: 0;}.errorMessage {font-family: Arial,sans-serif; font-size: 12pt; font-weight: bold; line-height: 150%; padding-top: 25px;}</style>' +
    '</head><body style="margin:20px"><div><img alt="Google Apps Script" src="//ssl.gstatic.com/docs/script/images/logo.png"></div>' +
    `<div style="text-align:center;font-family:monospace;margin:50px auto 0;max-width:600px">${escapeHtml(message)}</div>` +
    '</body></html>';
  return { status: 200, contentType: 'text/html; charset=utf-8', body };
}

/** "TypeError: x is undefined (line 12, file "Code")", as Google words an uncaught error. */
function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    const name = typeof e.name === 'string' && e.name ? e.name : 'Error';
    let text = `${name}: ${String(e.message)}`;
    const line = typeof e.stack === 'string' ? /Code\.js:(\d+):\d+/.exec(e.stack) : null;
    if (line) text += ` (line ${line[1]}, file "Code")`;
    return text;
  }
  // `throw "text"` and other non-Error values.
  return String(err);
}

/** ContentService.MimeType names and the Content-Type Google serves for each: the runtime's own table. */
const MIME_TYPES: Record<string, string> = MimeType;

function contentTypeOf(output: { getMimeType?: () => unknown }): string {
  // HtmlOutput has no getMimeType: it is served as HTML.
  if (typeof output.getMimeType !== 'function') return 'text/html; charset=utf-8';
  const raw = output.getMimeType();
  const name = String(raw ?? 'TEXT');
  const mime = name.includes('/') ? name : (MIME_TYPES[name.toUpperCase()] ?? 'text/plain');
  return `${mime}; charset=utf-8`;
}

/**
 * Runs doGet or doPost in a 'webapp' execution and answers as Google does: always status 200.
 * A TextOutput/HtmlOutput gives its content; a throw gives Google's HTML error page with the
 * message; no return value gives "The script completed but did not return anything."
 * [facts §1: a thrown error still reaches the caller as HTTP 200]
 */
export function invokeWebApp(app: AppHandle, req: HttpRequest): HttpResponse {
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    throw new Error(`invokeWebApp: only GET and POST reach doGet/doPost, not ${method}`);
  }
  const fn = method === 'POST' ? 'doPost' : 'doGet';
  if (typeof app.context[fn] !== 'function') {
    return googlePage('Error', `Script function not found: ${fn}`);
  }
  const event = buildEvent(req);
  let result: unknown;
  try {
    result = app.call('webapp', fn, event);
  } catch (err) {
    return googlePage('Error', describeError(err));
  }
  if (result === undefined || result === null) {
    return googlePage('Google Apps Script', 'The script completed but did not return anything.');
  }
  const output = result as { getContent?: () => unknown; getMimeType?: () => unknown };
  if (typeof output.getContent !== 'function') {
    // Not a TextOutput or HtmlOutput: Google serves nothing useful either. [UNCONFIRMED wording]
    return googlePage('Google Apps Script', 'The script completed but did not return anything.');
  }
  return { status: 200, contentType: contentTypeOf(output), body: String(output.getContent() ?? '') };
}
