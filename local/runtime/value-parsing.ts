// Typed-input parsing for setValue/setValues/appendRow: Sheets USER_ENTERED semantics, with sources.
import { fail } from './errors';
import { MONTH_NAMES, zonedToUtc } from './dates';
import type { CellValue } from './number-format';

/** A cell holds at most 50,000 characters (apps-script-facts.md §4; error text seen in many API logs). */
export const MAX_CELL_CHARS = 50000;
/** The error Sheets gives for a longer input (wording from real logs, e.g. auto-archiver gsheet_db errors). */
export const CELL_TOO_LONG = 'Your input contains more than the maximum of 50000 characters in a single cell.';

/** Result of parsing one input: the stored value, the formula text (if any) and a format Sheets infers. */
export interface Parsed {
  value: CellValue;
  formula: string | null;
  /** Number format Sheets applies automatically to typed input such as "50%" or "5/9/2025" (only when the cell had none). */
  format: string | null;
}

/** Error literals Sheets recognises when typed (https://support.google.com/docs/answer/3093340 error types). */
const ERROR_LITERALS = new Set(['#N/A', '#NAME?', '#REF!', '#VALUE!', '#DIV/0!', '#NUM!', '#NULL!', '#ERROR!']);

/** Cross-realm Date test: values from a gas-local vm context fail `instanceof Date` (apps-script-facts.md §9). */
export function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}

const NUMBER_RE = /^([+-])?(\$)?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?(%)?$/;
const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([ T])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/;
const MONTH_RE = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/;
const DAY_MONTH_RE = /^(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})$/;

function monthIndex(name: string): number {
  const n = name.toLowerCase();
  return MONTH_NAMES.findIndex((m) => m.toLowerCase() === n || (n.length >= 3 && m.toLowerCase().slice(0, 3) === n && n.length === 3));
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = ampm.toLowerCase() === 'pm';
  return (h % 12) + (pm ? 12 : 0);
}

/** Date/time typed as text → Date in the spreadsheet time zone, or null (https://support.google.com/docs/answer/58515). */
function parseDateText(s: string, tz: string): { date: Date; format: string } | null {
  let m = ISO_RE.exec(s);
  if (m) {
    // "2025-05-09" and "2025-05-09 15:28:40" are typed-date forms Sheets recognises.
    // [UNCONFIRMED] ISO forms with "T" and/or "Z"/offset: stricter choice = parsed (absolute instant when an offset is given).
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validYmd(y, mo, d)) return null;
    const h = m[5] ? Number(m[5]) : 0;
    const mi = m[6] ? Number(m[6]) : 0;
    const sec = m[7] ? Number(m[7]) : 0;
    const ms = m[8] ? Math.round(Number('0.' + m[8]) * 1000) : 0;
    if (h > 23 || mi > 59 || sec > 59) return null;
    let t: number;
    if (m[9]) {
      const off = m[9] === 'Z' ? 0 : (m[9][0] === '-' ? -1 : 1) * (Number(m[9].slice(1, 3)) * 60 + Number(m[9].slice(-2)));
      t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - off * 60000;
    } else t = zonedToUtc(y, mo, d, h, mi, sec, ms, tz);
    return { date: new Date(t), format: m[5] ? 'yyyy-mm-dd h:mm:ss' : 'yyyy-mm-dd' };
  }
  m = US_RE.exec(s);
  if (m) {
    // en_US locale: month/day/year (the spreadsheet locale decides; US is the default locale). [UNCONFIRMED for other locales]
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validYmd(y, mo, d)) return null;
    const h = m[4] ? hour12(Number(m[4]), m[7]) : 0;
    const mi = m[5] ? Number(m[5]) : 0;
    const sec = m[6] ? Number(m[6]) : 0;
    if (h > 23 || mi > 59 || sec > 59) return null;
    return { date: new Date(zonedToUtc(y, mo, d, h, mi, sec, 0, tz)), format: m[4] ? 'M/d/yyyy H:mm:ss' : 'M/d/yyyy' };
  }
  m = MONTH_RE.exec(s) ?? null;
  if (m) {
    const mo = monthIndex(m[1]) + 1;
    const [d, y] = [Number(m[2]), Number(m[3])];
    if (mo < 1 || !validYmd(y, mo, d)) return null;
    return { date: new Date(zonedToUtc(y, mo, d, 0, 0, 0, 0, tz)), format: 'mmmm d, yyyy' };
  }
  m = DAY_MONTH_RE.exec(s);
  if (m) {
    const mo = monthIndex(m[2]) + 1;
    const [d, y] = [Number(m[1]), Number(m[3])];
    if (mo < 1 || !validYmd(y, mo, d)) return null;
    return { date: new Date(zonedToUtc(y, mo, d, 0, 0, 0, 0, tz)), format: 'd mmmm yyyy' };
  }
  m = TIME_RE.exec(s);
  if (m) {
    // A typed time is a date-time on the Sheets epoch day 1899-12-30 (https://developers.google.com/sheets/api/guides/formats#about_date_time_values).
    const h = hour12(Number(m[1]), m[4]);
    const mi = Number(m[2]);
    const sec = m[3] ? Number(m[3]) : 0;
    if (h > 23 || mi > 59 || sec > 59) return null;
    return { date: new Date(zonedToUtc(1899, 12, 30, h, mi, sec, 0, tz)), format: 'h:mm:ss am/pm' };
  }
  return null;
}

/** Numeric text → number (leading zeros, thousands separators, exponent, %, $): https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption */
function parseNumberText(s: string): { value: number; format: string | null } | null {
  const m = NUMBER_RE.exec(s);
  if (!m) return null;
  let v = Number(m[3].replace(/,/g, ''));
  if (m[4]) v *= Math.pow(10, Number(m[4]));
  if (m[1] === '-') v = -v;
  if (m[5]) v /= 100;
  if (!Number.isFinite(v)) return null;
  const decimals = (m[3].split('.')[1] ?? '').length;
  let format: string | null = null;
  if (m[5]) format = decimals ? '0.' + '0'.repeat(decimals) + '%' : '0%';
  else if (m[2]) format = '"$"#,##0.00';
  else if (m[3].includes(',')) format = '#,##0';
  else if (m[4]) format = '0.00E+00';
  return { value: v, format };
}

// ---- Formulas -------------------------------------------------------------------------------
// The local runtime evaluates only plain arithmetic of number literals (+ - * / ^, unary +/-, parentheses).
// A formula that parses but uses anything else (names, references, functions, strings) reads as "#NAME?"
// (a local limitation: real Sheets would compute it); one that does not parse reads as "#ERROR!"
// (Sheets' "Formula parse error", https://support.google.com/docs/answer/3093340).

type FTok = { t: 'num'; v: number } | { t: 'op'; v: string } | { t: 'name'; v: string } | { t: 'str'; v: string };

function lexFormula(src: string): FTok[] | null {
  const out: FTok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === ' ') {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?/.exec(src.slice(i));
    if (num) {
      let v = Number(num[0].replace('%', ''));
      if (num[0].endsWith('%')) v /= 100;
      out.push({ t: 'num', v });
      i += num[0].length;
      continue;
    }
    if (ch === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) return null;
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_$][A-Za-z0-9_.$!:]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(<=|>=|<>|[-+*/^&(),=<>;])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    return null;
  }
  return out;
}

class FormulaParser {
  i = 0;
  pure = true;
  constructor(private readonly toks: FTok[]) {}
  peek(): FTok | undefined {
    return this.toks[this.i];
  }
  isOp(v: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'op' && t.v === v;
  }
  expr(): number {
    let v = this.concat();
    while (this.peek()?.t === 'op' && ['=', '<', '>', '<=', '>=', '<>'].includes(String(this.peek()!.v))) {
      this.i++;
      this.concat();
      this.pure = false;
      v = NaN;
    }
    return v;
  }
  concat(): number {
    let v = this.sum();
    while (this.isOp('&')) {
      this.i++;
      this.sum();
      this.pure = false;
      v = NaN;
    }
    return v;
  }
  sum(): number {
    let v = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      const r = this.product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }
  product(): number {
    let v = this.power();
    while (this.isOp('*') || this.isOp('/')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      const r = this.power();
      v = op === '*' ? v * r : v / r;
    }
    return v;
  }
  power(): number {
    let v = this.unary();
    while (this.isOp('^')) {
      this.i++;
      v = Math.pow(v, this.unary());
    }
    return v;
  }
  unary(): number {
    if (this.isOp('-')) {
      this.i++;
      return -this.unary();
    }
    if (this.isOp('+')) {
      this.i++;
      return this.unary();
    }
    return this.atom();
  }
  atom(): number {
    const t = this.peek();
    if (!t) throw new Error('parse');
    this.i++;
    if (t.t === 'num') return t.v;
    if (t.t === 'str') {
      this.pure = false;
      return NaN;
    }
    if (t.t === 'name') {
      this.pure = false;
      if (this.isOp('(')) {
        this.i++;
        if (!this.isOp(')')) {
          this.expr();
          while (this.isOp(',') || this.isOp(';')) {
            this.i++;
            this.expr();
          }
        }
        if (!this.isOp(')')) throw new Error('parse');
        this.i++;
      }
      return NaN;
    }
    if (t.v === '(') {
      const v = this.expr();
      if (!this.isOp(')')) throw new Error('parse');
      this.i++;
      return v;
    }
    throw new Error('parse');
  }
}

/** The value a formula shows locally (see the comment above: arithmetic only, else an error string). */
export function evaluateFormula(formula: string): CellValue {
  const toks = lexFormula(formula.slice(1));
  if (!toks || toks.length === 0) return '#ERROR!';
  const p = new FormulaParser(toks);
  let v: number;
  try {
    v = p.expr();
    if (p.i !== toks.length) return '#ERROR!';
  } catch {
    return '#ERROR!';
  }
  if (!p.pure) return '#NAME?';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '#NUM!' : '#DIV/0!';
  return v;
}

/**
 * True when a string is stored exactly as given whatever the cell format: non-empty, within the cell limit,
 * and starting with a letter that begins no boolean, month name or other parsed form (fast path of parseInput).
 */
export function isPlainText(s: string): boolean {
  if (s.length === 0 || s.length > MAX_CELL_CHARS) return false;
  const ch = s.charCodeAt(0) | 0x20;
  return ch >= 97 && ch <= 122 && !PARSED_INITIALS.has(ch);
}
const PARSED_INITIALS = new Set([...'tfjmasond'].map((c) => c.charCodeAt(0)));

/** Build a formula cell from its text. */
function formulaCell(text: string): Parsed {
  return { value: evaluateFormula(text), formula: text, format: null };
}

/**
 * Parse one value the way setValue/setValues/appendRow store it.
 * Docs: https://developers.google.com/apps-script/reference/spreadsheet/range#setvaluesvalues
 * ("values beginning with = are formulas"); other strings follow USER_ENTERED
 * (https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption, and gas-fakes notes/oddities.md "Values").
 * @param textFormat true when the cell's number format is plain text ("@").
 * @param keepApostrophe the keepApostropheInPlainText switch (RuntimeOptions): a text cell keeps a leading apostrophe.
 */
export function parseInput(raw: unknown, tz: string, textFormat: boolean, keepApostrophe = false): Parsed {
  // null/undefined → empty cell (gas-fakes and observed behaviour). [UNCONFIRMED for undefined]
  if (raw === null || raw === undefined) return { value: null, formula: null, format: null };
  if (typeof raw === 'number') {
    // Non-finite numbers: [UNCONFIRMED] stricter: stored as the #NUM! error.
    return { value: Number.isFinite(raw) ? raw : '#NUM!', formula: null, format: null };
  }
  if (typeof raw === 'boolean') return { value: raw, formula: null, format: null };
  // Dates from any realm are stored as dates (Object.prototype.toString, not instanceof).
  if (isDate(raw)) return { value: new Date(raw.getTime()), formula: null, format: null };
  if (typeof raw === 'bigint') return parseInput(String(raw), tz, textFormat, keepApostrophe);
  if (typeof raw !== 'string') {
    // Objects, arrays and functions are not cell values. [UNCONFIRMED] stricter: throw (real Apps Script may stringify).
    fail(`Cannot convert ${Object.prototype.toString.call(raw)} to a cell value. Only String, Number, Boolean and Date are cell values.`);
  }
  const s = raw;
  // 50,000 characters per cell (apps-script-facts.md §4; error wording from real logs).
  if (s.length > MAX_CELL_CHARS) fail(CELL_TOO_LONG);
  if (s === '') return { value: null, formula: null, format: null };
  // A leading "=" is a formula (Range.setValues docs). In a plain-text cell too: [UNCONFIRMED] stricter choice.
  if (s[0] === '=') return formulaCell(s);
  // A leading apostrophe forces text; the apostrophe is not part of the value (Sheets typed-input rule,
  // theoephraim/node-google-spreadsheet#696). [UNCONFIRMED] that getValues omits it in "@" cells: by default
  // it is dropped there too; the keepApostropheInPlainText switch keeps it (RuntimeOptions).
  if (s[0] === "'" && textFormat && keepApostrophe) return { value: s, formula: null, format: null };
  if (s[0] === "'") return { value: s.slice(1) === '' ? null : s.slice(1), formula: null, format: null };
  // Plain-text format keeps what was typed as text (https://developers.google.com/sheets/api/guides/formats "@"). [UNCONFIRMED via Apps Script]
  if (textFormat) return { value: s, formula: null, format: null };
  const first = s.charCodeAt(0);
  // Fast path: text starting with a letter other than t/f/month initials can only be text.
  const lead = s[0].toLowerCase();
  if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)) {
    if (!'tfjmasond'.includes(lead)) return { value: s, formula: null, format: null };
  }
  const t = s.trim();
  // TRUE/FALSE in any case → boolean (USER_ENTERED). [UNCONFIRMED case-insensitivity via Apps Script]
  const upper = t.toUpperCase();
  if (upper === 'TRUE') return { value: true, formula: null, format: null };
  if (upper === 'FALSE') return { value: false, formula: null, format: null };
  // Typed error literals become that error (Sheets error types).
  if (ERROR_LITERALS.has(upper)) return { value: upper, formula: null, format: null };
  // Numeric text → number: "00123" → 123 (node-google-spreadsheet#696), "1,234", "1e3", ".5", "50%" → 0.5, "$5" → 5, "+123" → 123.
  const n = parseNumberText(t);
  if (n) return { value: n.value, formula: null, format: n.format };
  // Dates typed as text → Date in the spreadsheet time zone (https://support.google.com/docs/answer/58515).
  const d = parseDateText(t, tz);
  if (d) return { value: d.date, formula: null, format: d.format };
  // A leading + or - (not a number) starts a formula, as "=" does: "+1 (555) 123" → "=+1 (555) 123"
  // (formula-injection rule: OWASP CSV injection lists = + - @; Sheets turns "+x"/"-x" into a formula). [UNCONFIRMED exact error]
  if ((s[0] === '+' || s[0] === '-') && s.length > 1) return formulaCell('=' + s);
  return { value: s, formula: null, format: null };
}
