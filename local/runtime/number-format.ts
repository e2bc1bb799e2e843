// Display values: how a cell's value reads under its Sheets number format (getDisplayValues, TextFinder).
import { MONTH_NAMES, wallTime } from './dates';

/** The format getNumberFormat() reports for a cell nobody formatted (observed Apps Script default). [UNCONFIRMED] */
export const DEFAULT_NUMBER_FORMAT = '0.###############';

/** Plain text format (https://developers.google.com/sheets/api/guides/formats: "@" = text). */
export const TEXT_FORMAT = '@';

/** Display of a Date written by a script into an unformatted cell. [UNCONFIRMED: en_US locale default] */
export const DEFAULT_DATETIME_FORMAT = 'M/d/yyyy H:mm:ss';

/** Sheets epoch for date serial numbers (https://developers.google.com/sheets/api/guides/formats#about_date_time_values). */
const SERIAL_EPOCH_UTC = Date.UTC(1899, 11, 30);

type Tok = { kind: 'lit'; text: string } | { kind: 'tok'; text: string };

function tokenizeDate(fmt: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === '"') {
      const end = fmt.indexOf('"', i + 1);
      out.push({ kind: 'lit', text: fmt.slice(i + 1, end < 0 ? fmt.length : end) });
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (ch === '\\') {
      out.push({ kind: 'lit', text: fmt[i + 1] ?? '' });
      i += 2;
      continue;
    }
    const rest = fmt.slice(i).toLowerCase();
    if (rest.startsWith('am/pm')) {
      out.push({ kind: 'tok', text: 'am/pm' });
      i += 5;
      continue;
    }
    if (rest.startsWith('a/p')) {
      out.push({ kind: 'tok', text: 'a/p' });
      i += 3;
      continue;
    }
    const lc = ch.toLowerCase();
    if ('ymdhs'.includes(lc)) {
      let n = 1;
      while (fmt[i + n] && fmt[i + n].toLowerCase() === lc) n++;
      out.push({ kind: 'tok', text: lc.repeat(n) });
      i += n;
      continue;
    }
    if (ch === '.' && fmt[i + 1] === '0') {
      let n = 1;
      while (fmt[i + n] === '0') n++;
      out.push({ kind: 'tok', text: '.' + '0'.repeat(n - 1) });
      i += n;
      continue;
    }
    out.push({ kind: 'lit', text: ch });
    i++;
  }
  return out;
}

/** True when a Sheets format string shows dates or times. */
export function isDateFormat(fmt: string): boolean {
  const stripped = fmt.replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ydhs]/i.test(stripped) || (/m/i.test(stripped) && !/[0#]/.test(stripped));
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Format an instant with a Sheets date-time format (https://developers.google.com/sheets/api/guides/formats#date_and_time_format_patterns). */
export function formatSheetsDate(ms: number, tz: string, fmt: string): string {
  const w = wallTime(ms, tz);
  const toks = tokenizeDate(fmt);
  const hasAmPm = toks.some((t) => t.kind === 'tok' && (t.text === 'am/pm' || t.text === 'a/p'));
  let out = '';
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'lit') {
      out += t.text;
      continue;
    }
    const x = t.text;
    if (x[0] === 'm') {
      // "m"/"mm" mean minutes right after an hour token or right before a seconds token.
      const prev = toks
        .slice(0, k)
        .reverse()
        .find((q) => q.kind === 'tok');
      const next = toks.slice(k + 1).find((q) => q.kind === 'tok');
      const minutes = x.length <= 2 && ((prev && prev.text[0] === 'h') || (next && next.text[0] === 's'));
      if (minutes) out += x.length === 2 ? two(w.minute) : String(w.minute);
      else if (x.length === 1) out += String(w.month);
      else if (x.length === 2) out += two(w.month);
      else if (x.length === 3) out += MONTH_NAMES[w.month - 1].slice(0, 3);
      else if (x.length === 5) out += MONTH_NAMES[w.month - 1][0];
      else out += MONTH_NAMES[w.month - 1];
    } else if (x[0] === 'y') out += x.length <= 2 ? two(w.year % 100) : String(w.year);
    else if (x[0] === 'd') {
      const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
      if (x.length === 1) out += String(w.day);
      else if (x.length === 2) out += two(w.day);
      else if (x.length === 3) out += names[w.weekday].slice(0, 3);
      else out += names[w.weekday];
    } else if (x[0] === 'h') {
      const h = hasAmPm ? (w.hour % 12 === 0 ? 12 : w.hour % 12) : w.hour;
      out += x.length >= 2 ? two(h) : String(h);
    } else if (x[0] === 's') out += x.length >= 2 ? two(w.second) : String(w.second);
    else if (x === 'am/pm') out += w.hour < 12 ? 'AM' : 'PM';
    else if (x === 'a/p') out += w.hour < 12 ? 'A' : 'P';
    else if (x[0] === '.')
      out +=
        '.' +
        String(w.millisecond)
          .padStart(3, '0')
          .slice(0, x.length - 1);
  }
  return out;
}

/** General (unformatted) display of a number. [UNCONFIRMED: Sheets shows up to ~10 significant digits] */
export function generalNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const s = String(Number(n.toPrecision(10)));
  return s.includes('e') ? s.replace('e', 'E') : s;
}

function groupThousands(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Format a number with a Sheets number format (first section; 0 # , . % and literals). */
export function formatSheetsNumber(n: number, fmt: string): string {
  const sections = fmt.split(';');
  let section = sections[0];
  let value = n;
  if (n < 0 && sections.length > 1) {
    section = sections[1];
    value = -n;
  }
  let prefix = '';
  let suffix = '';
  let core = '';
  let seenCore = false;
  for (let i = 0; i < section.length; i++) {
    const ch = section[i];
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      const lit = section.slice(i + 1, end < 0 ? section.length : end);
      if (seenCore) suffix += lit;
      else prefix += lit;
      i = end < 0 ? section.length : end;
    } else if (ch === '\\') {
      if (seenCore) suffix += section[i + 1] ?? '';
      else prefix += section[i + 1] ?? '';
      i++;
    } else if ('0#?,.'.includes(ch) && !(seenCore && suffix)) {
      core += ch;
      seenCore = true;
    } else if (ch === '%') {
      value *= 100;
      if (seenCore) suffix += '%';
      else prefix += '%';
    } else if (ch === '_' || ch === '*') {
      i++;
    } else if (seenCore) suffix += ch;
    else prefix += ch;
  }
  if (!core) return prefix + suffix;
  const dot = core.indexOf('.');
  const intSpec = dot < 0 ? core : core.slice(0, dot);
  const fracSpec = dot < 0 ? '' : core.slice(dot + 1).replace(/,/g, '');
  const grouping = intSpec.includes(',');
  const minInt = (intSpec.match(/0/g) ?? []).length;
  const maxFrac = fracSpec.length;
  const minFrac = (fracSpec.match(/0/g) ?? []).length;
  const neg = value < 0;
  let text = Math.abs(value).toFixed(maxFrac);
  let [ip, fp = ''] = text.split('.');
  while (fp.length > minFrac && fp.endsWith('0')) fp = fp.slice(0, -1);
  if (ip === '0' && minInt === 0) ip = '';
  if (ip.length < minInt) ip = '0'.repeat(minInt - ip.length) + ip;
  if (grouping) ip = groupThousands(ip);
  text = ip + (fp ? '.' + fp : '');
  return (neg && sections.length === 1 ? '-' : '') + prefix + text + suffix;
}

/** A stored cell value: null is empty. Dates are stored as Node-realm Date objects. */
export type CellValue = string | number | boolean | Date | null;

/** The display string of a cell value under a number format (undefined = unformatted). */
export function displayOf(v: CellValue | undefined, fmt: string | undefined, tz: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!fmt || fmt === TEXT_FORMAT || fmt === DEFAULT_NUMBER_FORMAT) return generalNumber(v);
    if (isDateFormat(fmt)) return formatSheetsDate(SERIAL_EPOCH_UTC + v * 86400000, 'Etc/UTC', fmt);
    return formatSheetsNumber(v, fmt);
  }
  const ms = v.getTime();
  if (!fmt || fmt === TEXT_FORMAT || fmt === DEFAULT_NUMBER_FORMAT) return formatSheetsDate(ms, tz, DEFAULT_DATETIME_FORMAT);
  if (isDateFormat(fmt)) return formatSheetsDate(ms, tz, fmt);
  // A number format on a date shows its serial number (https://developers.google.com/sheets/api/guides/formats#about_date_time_values).
  const w = wallTime(ms, tz);
  const serial = (Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - SERIAL_EPOCH_UTC) / 86400000;
  return formatSheetsNumber(serial, fmt);
}
