/** What a delivery's events came to, per event and as the JSON answer the sender reads. */
import type { Outcome } from './plan';

/** What happened to one event. */
export interface EventResult {
  hook: string;
  sheet: string;
  action: Outcome;
  row: number | null;
  message?: string;
}

/** The JSON answer to a delivery. Apps Script cannot set an HTTP status, so success or failure is in the body. */
export interface PostResponse {
  ok: boolean;
  results?: Array<Pick<EventResult, 'hook' | 'sheet' | 'action' | 'row'> & { message?: string }>;
  error?: { code: string; message: string };
}

/** A refused or failed delivery's answer. */
export function failure(code: string, message: string): PostResponse {
  return { ok: false, error: { code, message } };
}

/** An event's result as the sender sees it: the message only when there is one. */
export function publicResult(r: EventResult): NonNullable<PostResponse['results']>[number] {
  return r.message ? { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row, message: r.message } : { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row };
}
