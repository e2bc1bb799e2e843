/** One way to turn anything thrown into a message a user can read, for the server and the sidebar alike. */

/** Longest error text the server puts in a log row, an answer or a report. */
export const ERROR_TEXT_MAX = 500;

/** The message of an Error (or of anything with a string `message`), else the value as text, cut to `maxChars`. */
export function errorText(err: unknown, maxChars: number = ERROR_TEXT_MAX): string {
  const message = err instanceof Error || (err && typeof (err as Error).message === 'string') ? (err as Error).message : String(err);
  return message.slice(0, maxChars);
}

/** Text as one sentence: a final period added unless it already ends like one, so joined messages never read "only.. They". */
export function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
