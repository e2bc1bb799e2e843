/**
 * Google's redirect for web app output, reproduced by the `npm start` server. Sources
 * (apps-script-facts.md §1 "Redirect"): "scripts cannot directly return content… they must serve
 * the content from a different URL" [doc: developers.google.com/apps-script/reference/content/content-service];
 * /exec answers 302 with Location: https://script.googleusercontent.com/macros/echo?user_content_key=…&lib=…
 * [issues: ziolko/spreadapi#1]; doPost runs on the first hop, following with GET returns the output,
 * following with POST returns 405 [obs: tanaikech/taking-advantage-of-Web-Apps-with-google-apps-script,
 * "Understanding Flow of Request"].
 */
import { randomBytes } from 'node:crypto';
import type { HttpResponse } from './webapp';

export const ECHO_PATH = '/macros/echo';
/** Answers not yet fetched are kept up to this many (oldest dropped first): senders that never follow the redirect leave theirs behind. */
const MAX_WAITING = 10_000;

export class EchoStore {
  private readonly waiting = new Map<string, HttpResponse>();

  /** Keeps `answer` for one GET and returns the echo URL's path and query. */
  put(answer: HttpResponse): string {
    const key = randomBytes(32).toString('base64url');
    this.waiting.set(key, answer);
    if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value as string);
    return `${ECHO_PATH}?user_content_key=${key}&lib=local`;
  }

  /** The answer for `key`, once: a second GET finds nothing. [UNCONFIRMED how long Google keeps it; one GET is what senders make] */
  take(key: string | null): HttpResponse | null {
    if (key === null) return null;
    const answer = this.waiting.get(key) ?? null;
    this.waiting.delete(key);
    return answer;
  }
}

/** The body of a 302, in the form HTTP servers (Google's among them) send. [UNCONFIRMED exact markup] */
export function movedPage(location: string): string {
  const href = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<HTML><HEAD><TITLE>Moved Temporarily</TITLE></HEAD><BODY BGCOLOR="#FFFFFF" TEXT="#000000"><H1>Moved Temporarily</H1>The document has moved <A HREF="${href}">here</A>.</BODY></HTML>`;
}
