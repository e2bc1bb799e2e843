/**
 * Value typing and formula safety: what each flattened value becomes in a cell, so the cell reads
 * back exactly what iClosed sent. Sheets parses written strings like typed input (a leading `=`,
 * `+`, `-` makes a formula, "00123" a number, "5/9/2025" a date, "TRUE" a boolean), so every string
 * that could be parsed is written behind a leading apostrophe, which Sheets keeps as "this is text"
 * and does not return as part of the value.
 */
import type { FieldValue } from './flatten';

/** What a cell receives: the types Range.setValues accepts. */
export type CellValue = string | number | boolean | Date;

/** A cell holds at most 50,000 characters (Sheets' per-cell limit). */
export const CELL_CHAR_LIMIT = 50000;

/** Longest text the app writes into one cell, leaving room for the apostrophe and the marker. */
export const CELL_TEXT_BUDGET = CELL_CHAR_LIMIT - 200;

/** How a column's values are typed. `auto` is "as sent". */
export type Typing = 'auto' | 'text' | 'number' | 'date';

/** ISO-8601 date-time with a time zone, as iClosed sends timestamps. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 timestamp with zone into a Date, or null when the text is not one. */
export function parseIsoTimestamp(text: string): Date | null {
  const m = ISO_TIMESTAMP.exec(text);
  // V8's Date.parse (Apps Script's engine) gives NaN for a month, day, minute or second out of range (the tests
  // check each), but reads hour 24 as midnight of the next day (ECMA-262 allows T24:00), which is refused here.
  if (!m || Number(m[4]) > 23) return null;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * True when Sheets could read the string as something other than plain text: a formula or formula
 * prefix (= + - @), an error literal (#N/A), a number, date, time, percentage or currency (anything
 * with a digit), a boolean, an existing apostrophe, or leading/trailing white space and control
 * characters at the start (tab, carriage return, NUL; OWASP CSV injection and CWE-1236 list them).
 */
export function needsTextGuard(text: string): boolean {
  if (/^[=+\-@'#\s]/.test(text)) return true;
  if (/\s$/.test(text)) return true;
  if (/\d/.test(text)) return true;
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u001f]/.test(text)) return true;
  return /^(true|false)$/i.test(text);
}

/** Writes a string so the cell holds exactly that text. */
export function textCell(text: string): string {
  return needsTextGuard(text) ? `'${text}` : text;
}

/**
 * The text the app wrote with `textCell`, from the value a cell gives back. Sheets leaves the guard apostrophe
 * out of a normal cell's value; whether a Plain-text ("@") cell does too is unconfirmed. One leading
 * apostrophe is removed when the app would have written it (the rest needs the guard); otherwise the
 * value is the text. Only a text that itself starts with an apostrophe before guarded text reads ambiguously.
 */
export function writtenText(cell: string): string {
  return cell.charAt(0) === "'" && textCell(cell.slice(1)) === cell ? cell.slice(1) : cell;
}

/** A cell's value with `writtenText` applied when it is text: for cells the app wrote with `textCell`. */
export function writtenValue(cell: unknown): unknown {
  return typeof cell === 'string' ? writtenText(cell) : cell;
}

/** Every value a cell written with `textCell(text)` may give back: the text, and the guarded text when a cell keeps the apostrophe. */
export function readBackForms(text: string): string[] {
  const guarded = textCell(text);
  return guarded === text ? [text] : [text, guarded];
}

/** Cuts text that does not fit a cell, with a visible marker; the full value stays in the webhook log. */
export function fitCellText(text: string): string {
  if (text.length <= CELL_TEXT_BUDGET) return text;
  const marker = ` … [cut: ${text.length} characters in all; the full text is in the Webhook log]`;
  return text.slice(0, CELL_TEXT_BUDGET - marker.length) + marker;
}

/** Text cut to at most `maxChars` characters, ending in a marker that gives the full length. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = ` … [cut: ${text.length} characters in all]`;
  return text.slice(0, Math.max(0, maxChars - marker.length)) + marker;
}

/** HTML from iClosed's rich-text editor (`<!DOCTYPE quill-output-html><p>…</p>`) as readable plain text. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!DOCTYPE[^>]*>/gi, '')
      .replace(/<\s*br\s*\/?>/gi, '\n')
      .replace(/<\s*li[^>]*>/gi, '• ')
      .replace(/<\/\s*(p|div|li|h[1-6]|blockquote|pre|tr)\s*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // The pattern allows digits only, so the code is never negative or NaN; only too large (or Infinity) is refused.
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** True for text from iClosed's rich-text editor. */
export function isRichText(text: string): boolean {
  return /^\s*<!DOCTYPE\s+quill/i.test(text);
}

/**
 * The cell value for one flattened value.
 * auto: numbers stay numbers, booleans TRUE/FALSE, null an empty cell, ISO timestamps date-times,
 * every other string exact text. text: everything as exact text. number: numeric text becomes a number.
 * date: any parseable timestamp becomes a date-time.
 */
export function toCellValue(value: FieldValue, typing: Typing = 'auto', richText = false): CellValue {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (typing === 'text') return textCell(String(value));
    return value;
  }
  if (typeof value === 'boolean') return typing === 'text' ? textCell(value ? 'TRUE' : 'FALSE') : value;
  let text = value;
  if (richText || isRichText(text)) text = htmlToText(text);
  if (typing === 'number') {
    const n = Number(text); // Number() ignores the white space trim() would remove
    if (text.trim() !== '' && Number.isFinite(n)) return n;
  }
  if (typing === 'auto' || typing === 'date') {
    const date = parseIsoTimestamp(text) ?? (typing === 'date' ? parseLooseDate(text) : null);
    if (date) return date;
  }
  return textCell(fitCellText(text));
}

function parseLooseDate(text: string): Date | null {
  const ms = Date.parse(text);
  return text.trim() !== '' && !Number.isNaN(ms) ? new Date(ms) : null;
}

/** True for a Date from any realm (the app and Apps Script's services may not share one). */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}
