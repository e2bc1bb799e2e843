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
  /** Set when the delivery was kept somewhere other than the Webhook log. */
  warning?: string;
}

/** Where a processed delivery was kept for the user to see and replay, and why not in the log. */
export type LogKeeping = { where: 'log'; reason?: string } | { where: 'properties'; reason: string } | { where: 'nowhere'; reason: string };

/**
 * The answer as it must read once the delivery's keeping is known: unchanged when the log took it; else
 * no sentence may claim the log has it, and a delivery kept nowhere is not answered as a success.
 */
export function answerAsKept(response: PostResponse, kept: LogKeeping): PostResponse {
  if (kept.where === 'log') return response;
  const elsewhere = (text: string) =>
    text.replace(/kept in the Webhook log and can be replayed/g, "kept in the script's properties and can be replayed");
  const answer: PostResponse = { ...response };
  if (response.error) answer.error = { ...response.error, message: elsewhere(response.error.message) };
  if (kept.where === 'properties') {
    answer.warning = `The Webhook log could not take this delivery's row (${kept.reason}), so the delivery is kept in the script's properties; Replay (sidebar or menu) writes it to the log once there is room.`;
    return answer;
  }
  answer.ok = false;
  answer.error = {
    code: 'not_kept',
    message: `The delivery could not be kept for replay: neither the Webhook log nor the script's properties could take it (${kept.reason}). Send it again.`,
  };
  return answer;
}

/** A refused or failed delivery's answer. */
export function failure(code: string, message: string): PostResponse {
  return { ok: false, error: { code, message } };
}

/** An event's result as the sender sees it: the message only when there is one. */
export function publicResult(r: EventResult): NonNullable<PostResponse['results']>[number] {
  return r.message
    ? { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row, message: r.message }
    : { hook: r.hook, sheet: r.sheet, action: r.action, row: r.row };
}
