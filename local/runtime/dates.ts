// Time-zone arithmetic through Intl, and Java SimpleDateFormat patterns (Utilities.formatDate).

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(tz: string): Intl.DateTimeFormat {
  let f = partFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partFormats.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone (month 1-12, weekday 0 = Sunday). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock time of `ms` in `tz`. */
export function wallTime(ms: number, tz: string): WallTime {
  const out: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0, weekday: 0 };
  for (const p of partsFormat(tz).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year':
        out.year = Number(p.value);
        break;
      case 'month':
        out.month = Number(p.value);
        break;
      case 'day':
        out.day = Number(p.value);
        break;
      case 'hour':
        out.hour = Number(p.value) % 24;
        break;
      case 'minute':
        out.minute = Number(p.value);
        break;
      case 'second':
        out.second = Number(p.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAYS.indexOf(p.value);
        break;
      default:
        break;
    }
  }
  out.millisecond = ((ms % 1000) + 1000) % 1000;
  return out;
}

/** Offset of `tz` from UTC at instant `ms`, in ms. */
export function tzOffset(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return asUtc - ms;
}

/** The instant whose wall-clock time in `tz` is the given fields (month 1-12). */
export function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, msec: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s, msec);
  let ms = guess - tzOffset(guess, tz);
  ms = guess - tzOffset(ms, tz);
  return ms;
}

/** Throws unless Intl knows the zone. */
export function checkTimeZone(tz: string): void {
  partsFormat(tz);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** English month names, January first. */
export const MONTH_NAMES: readonly string[] = MONTHS;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function offsetText(offMin: number, style: 'Z' | 'X' | 'XX' | 'XXX'): string {
  if (offMin === 0 && style !== 'Z') return 'Z';
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  const hh = pad(Math.floor(a / 60), 2);
  const mm = pad(a % 60, 2);
  if (style === 'X') return sign + hh + (a % 60 ? mm : '');
  if (style === 'XXX') return `${sign}${hh}:${mm}`;
  return sign + hh + mm;
}

function zoneName(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(new Date(ms));
  return p.find((x) => x.type === 'timeZoneName')?.value ?? tz;
}

/**
 * Format like java.text.SimpleDateFormat, which Utilities.formatDate uses
 * (https://developers.google.com/apps-script/reference/utilities/utilities#formatdatedate,-timezone,-format).
 * Letters: G y Y M L d D E u a H k K h m s S z Z X; 'quoted text'; '' for a quote.
 */
export function formatSimpleDate(date: Date, tz: string, pattern: string): string {
  const ms = date.getTime();
  const w = wallTime(ms, tz);
  const offMin = Math.round(tzOffset(ms, tz) / 60000);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      out += pattern.slice(i + 1, end < 0 ? pattern.length : end);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    switch (ch) {
      case 'G':
        out += w.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'Y':
        out += n === 2 ? pad(w.year % 100, 2) : pad(w.year, n);
        break;
      case 'M':
      case 'L':
        out += n >= 4 ? MONTHS[w.month - 1] : n === 3 ? MONTHS[w.month - 1].slice(0, 3) : pad(w.month, n);
        break;
      case 'd':
        out += pad(w.day, n);
        break;
      case 'D': {
        const doy = Math.round((Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86400000) + 1;
        out += pad(doy, n);
        break;
      }
      case 'E':
        out += n >= 4 ? DAYS[w.weekday] : DAYS[w.weekday].slice(0, 3);
        break;
      case 'u':
        out += pad(w.weekday === 0 ? 7 : w.weekday, n);
        break;
      case 'a':
        out += w.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(w.hour, n);
        break;
      case 'k':
        out += pad(w.hour === 0 ? 24 : w.hour, n);
        break;
      case 'K':
        out += pad(w.hour % 12, n);
        break;
      case 'h':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, n);
        break;
      case 'm':
        out += pad(w.minute, n);
        break;
      case 's':
        out += pad(w.second, n);
        break;
      case 'S':
        out += pad(w.millisecond, n);
        break;
      case 'z':
        out += n >= 4 ? tz : zoneName(ms, tz);
        break;
      case 'Z':
        out += offsetText(offMin, 'Z');
        break;
      case 'X':
        out += offsetText(offMin, n === 1 ? 'X' : n === 2 ? 'XX' : 'XXX');
        break;
      default:
        throw new Error(`Illegal pattern character '${ch}'`);
    }
  }
  return out;
}
