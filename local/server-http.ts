/** HTTP plumbing of the `npm start` server: request bodies with a size cap, JSON answers, and errors that carry a status. */
import type * as http from 'node:http';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** An error the server answers with its own status and message (e.g. 413 for an oversized body). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/**
 * The body as UTF-8 text. Past MAX_BODY_BYTES it rejects with 413, but only once the upload has
 * been read to the end (discarding it), so the client sees the answer instead of a reset
 * connection; an upload past 4× the cap is cut off.
 */
export function readBody(req: http.IncomingMessage): Promise<string> {
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

/** `text` without secrets: every `token=` value (query or form) and every occurrence of a known token. */
export function redactTokens(text: string, tokens: ReadonlyArray<string | null | undefined>): string {
  let out = text.replace(/(\btoken=)[^&#\s"'<>]*/gi, '$1[redacted]');
  for (const t of tokens) {
    if (!t) continue;
    out = out.split(t).join('[redacted]').split(encodeURIComponent(t)).join('[redacted]');
  }
  return out;
}
