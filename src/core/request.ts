/** A delivery's request as the Webhook log keeps it (content type and URL parameters, never the token), and the parameters Google would build from it again. */

/** Longest content type kept; real ones are far shorter. */
const MAX_TYPE_CHARS = 200;

/** One `key=value` pair of a query string or form body, decoded as a servlet decodes it (`+` is a space). */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** The decoded pairs of a query string or form-encoded body, in order; empty pieces are skipped. */
export function formPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    pairs.push(eq < 0 ? [decodePart(piece), ''] : [decodePart(piece.slice(0, eq)), decodePart(piece.slice(eq + 1))]);
  }
  return pairs;
}

/** True for a form-encoded content type, whose body Google merges into the parameters. */
export function isFormType(contentType: string): boolean {
  return contentType.toLowerCase().includes('application/x-www-form-urlencoded');
}

/**
 * `e.parameter` as Google builds it: URL pairs first, then a form-encoded body's pairs; each key keeps its
 * first value. `token` never appears.
 */
export function requestParameters(query: string, contents: string, contentType: string): Record<string, string> {
  const parameter: Record<string, string> = {};
  const pairs = [...formPairs(query), ...(isFormType(contentType) ? formPairs(contents) : [])];
  for (const [key, value] of pairs) {
    if (key === 'token' || Object.prototype.hasOwnProperty.call(parameter, key)) continue;
    Object.defineProperty(parameter, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return parameter;
}

/**
 * The log's Request cell: the content type, then ` ?` and the URL query when there is one. A query that
 * would pass `maxChars` keeps its first whole pairs only, so what is kept still parses.
 */
export function requestText(contentType: string, query: string, maxChars: number): string {
  const type = contentType.slice(0, MAX_TYPE_CHARS);
  let kept = '';
  for (const piece of query.split('&').filter(Boolean)) {
    const next = kept ? `${kept}&${piece}` : piece;
    if (type.length + 2 + next.length > maxChars) break;
    kept = next;
  }
  return kept ? `${type} ?${kept}` : type;
}

/** The content type and query a Request cell holds (both empty for a log row written before the cell existed). */
export function parseRequestText(text: string): { contentType: string; query: string } {
  const at = text.indexOf(' ?');
  return at < 0 ? { contentType: text.trim(), query: '' } : { contentType: text.slice(0, at).trim(), query: text.slice(at + 2) };
}
