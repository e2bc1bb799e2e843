/** Parsing a delivery: the raw POST body into a list of events, whatever shape the sender used. */
import { parseJsonExact } from './json';

/** Bodies larger than this are refused (still kept in the webhook log). */
export const MAX_BODY_CHARS = 2_000_000;

/** A delivery as received, minus the secret: what the queue keeps and processing reads. */
export interface Delivery {
  id: string;
  receivedAt: number;
  contents: string;
  contentType: string;
  /** URL and form parameters, without `token`. */
  parameter: Record<string, string>;
  /** The URL's query string, without `token` (absent in deliveries queued by older versions). */
  query?: string;
}

/** What doPost hands the parser: the parts of Apps Script's event object that carry the body. */
export interface RawDelivery {
  contents: string;
  contentType: string;
  /** First value of each URL and form parameter (Apps Script's `e.parameter`). */
  parameter: Record<string, string>;
}

export type ParseResult =
  { ok: true; events: unknown[] } | { ok: false; code: 'empty_body' | 'invalid_json' | 'body_too_large' | 'no_events'; message: string };

/** URL parameters that are ours, never a form field holding the payload. */
const OWN_PARAMETERS = new Set(['token', 'hook']);

/**
 * Accepts a JSON array of events (iClosed's documented form), a single JSON object, or a
 * form-encoded body whose `payload` field (or only field) holds that JSON.
 */
export function parseDelivery(raw: RawDelivery): ParseResult {
  const contents = raw.contents ?? '';
  if (contents.length > MAX_BODY_CHARS) {
    return {
      ok: false,
      code: 'body_too_large',
      message: `The body has ${contents.length} characters; at most ${MAX_BODY_CHARS} are accepted.`,
    };
  }
  const json = jsonText(contents, raw.contentType, raw.parameter);
  if (json.trim() === '') {
    return { ok: false, code: 'empty_body', message: 'The request has no body. iClosed sends the event as JSON in the POST body.' };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonExact(stripBom(json));
  } catch (err) {
    return { ok: false, code: 'invalid_json', message: `The body is not valid JSON (${(err as Error).message}).` };
  }
  const events = Array.isArray(parsed) ? parsed : [parsed];
  if (events.length === 0) return { ok: false, code: 'no_events', message: 'The body is an empty JSON array: there is no event to write.' };
  return { ok: true, events };
}

function jsonText(contents: string, contentType: string, parameter: Record<string, string>): string {
  const type = (contentType || '').toLowerCase();
  const trimmed = stripBom(contents).trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return contents;
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    if (typeof parameter.payload === 'string') return parameter.payload;
    const formKeys = Object.keys(parameter).filter((k) => !OWN_PARAMETERS.has(k));
    if (formKeys.length === 1) {
      const only = formKeys[0];
      // A JSON body sent with a form content type arrives as one parameter key whose value is "".
      return parameter[only] === '' ? only : parameter[only];
    }
  }
  return contents;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The `hookType` an event names, if any. */
export function eventHookType(event: unknown): string | null {
  if (Object.prototype.toString.call(event) !== '[object Object]') return null;
  const value = (event as Record<string, unknown>).hookType ?? (event as Record<string, unknown>).hook_type;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Events nested deeper than this are refused: flattening stops at MAX_FLATTEN_DEPTH anyway, and far deeper JSON would exhaust the stack. */
export const MAX_NESTING = 64;

/** How deeply a parsed JSON value nests (0 for a scalar), counted without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number = MAX_NESTING): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, level]);
  }
  return deepest;
}
