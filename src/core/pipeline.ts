/** The lead pipeline's pure core: what each hook event says about a lead, the order-proof merge of those statements and the join rule (the row is in pipeline-row.ts). */
import type { Field, FieldValue } from './flatten';
import type { HookId } from './hooks';
import { keyPart } from './keys';
import { parseIsoTimestamp } from './values';

/** The sheet with one row per lead. */
export const PIPELINE_SHEET = 'Pipeline';
/** The index column: space-separated `id:5 email:x@y phone:+123` tokens, searched with TextFinder. */
export const LEAD_KEYS_LABEL = 'Lead keys';
/** Hidden column: the lead's state as JSON (every value with the time of the event that set it). */
export const LEAD_STATE_LABEL = 'Lead state';

/**
 * JOIN RULE. A lead is identified by its iClosed contact id (contact hooks: `id`; outcome: `contactId`;
 * call hooks carry none: `invitee.uuid` is a different id), its email (case-insensitive, trimmed) and
 * its phone (digits, keeping a leading +). An event joins the row holding the same contact id; failing
 * that, the row holding the same email; failing that, the row holding the same phone; never a row that
 * holds a different contact id. When the event's keys are found on several such rows (it links leads
 * that were known apart, e.g. a call known only by email and the contact created with id and email),
 * those rows are merged into the topmost one. A row gains every key its events bring.
 */
export interface LeadKeys {
  id: string | null;
  email: string | null;
  phone: string | null;
}

/** Email as a join key: trimmed and lower-cased, or null when it is not an address. */
export function normalizeEmail(value: FieldValue | undefined): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** Phone as a join key: its digits with a leading + kept, or null when it has fewer than 6 digits. */
export function normalizePhone(value: FieldValue | undefined): string | null {
  // null, undefined and booleans hold no digits, so they fall under the 6-digit minimum below.
  const text = String(value).trim();
  const digits = text.replace(/\D/g, '');
  if (digits.length < 6) return null;
  return (text.startsWith('+') ? '+' : '') + digits;
}

/** The index tokens of a set of keys; tokens never hold spaces, since the cell separates them with one. */
export function keyTokens(keys: LeadKeys): string[] {
  const tokens: string[] = [];
  if (keys.id) tokens.push(`id:${keys.id.replace(/\s/g, '_')}`);
  if (keys.email) tokens.push(`email:${keys.email}`);
  if (keys.phone) tokens.push(`phone:${keys.phone}`);
  return tokens;
}

// ---- Stamps -------------------------------------------------------------------------------------

/**
 * A stamp orders the events that set a value: the event's own time, then a rank (a reschedule of a
 * call sorts after its booking, which carries the same `created_at`), then a secondary time, then the
 * event's fingerprint so two different events never tie. Stamps compare as plain strings.
 */
export function makeStamp(ms: number, rank: number, sub: number, tie: string): string {
  return `${b36(ms)}${rank}${b36(sub)}${tie.slice(0, 8)}`;
}

function b36(ms: number): string {
  return Math.max(0, Math.floor(ms)).toString(36).padStart(9, '0');
}

/** The event time of a stamp, in ms. */
export function stampTime(stamp: string): number {
  return parseInt(stamp.slice(0, 9), 36);
}

/**
 * The version of an event: its own time by the rules below (see eventState), as an orderable string
 * without the fingerprint tie-break. Two events of the same row compare by it: a smaller one is older.
 * Per-hook sheets use it to refuse a row's older version ("stale"); eventState's stamps extend it.
 */
export function eventVersion(hook: HookId, fields: readonly Field[], receivedMs: number): string {
  const time = (...paths: string[]): number | null => {
    for (const p of paths) {
      const f = fields.find((x) => x.path === p);
      const d = f && typeof f.value === 'string' ? parseIsoTimestamp(f.value.trim()) : null;
      if (d) return d.getTime();
    }
    return null;
  };
  if (CONTACT_HOOKS.includes(hook)) return makeStamp(time('updatedAt', 'createdAt') ?? receivedMs, 0, 0, '');
  if (hook === 'callRescheduled') return makeStamp(time('event.created_at') ?? receivedMs, 2, time('event.old_start_time') ?? 0, '');
  if (hook === 'callCancelled') return makeStamp(time('event.canceled_at', 'invitee.canceled_at') ?? receivedMs, 3, 0, '');
  if (CALL_HOOKS.includes(hook)) return makeStamp(time('event.created_at') ?? receivedMs, 1, 0, '');
  return makeStamp(time('createdAt', 'deal.createdAt') ?? receivedMs, 0, 0, '');
}

// ---- State --------------------------------------------------------------------------------------

/** The latest call of a lead. */
export interface CallInfo {
  id: string;
  start: string | null;
  closer: string | null;
  setter: string | null;
  state: 'booked' | 'rescheduled' | 'cancelled';
}

/** The latest outcome of a lead: iClosed's codes as sent. */
export interface OutcomeInfo {
  outcome: string;
  reason: string | null;
  objection: string | null;
  product: string | null;
  value: number | null;
}

/** Plain values: each is set by the newest event that has it (an empty value never erases one). */
export const VALUE_FIELDS = [
  'contactId',
  'previewUrl',
  'name',
  'email',
  'phone',
  'firstSource',
  'firstMedium',
  'firstCampaign',
  'source',
  'medium',
  'campaign',
] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

/**
 * Everything the pipeline knows about a lead. Every part merges in a way that does not depend on the
 * order events arrive in, nor on how often: plain values, status, call and outcome by newest stamp,
 * created-at by earliest, flags by "ever", counters as sets of distinct event keys.
 */
export interface LeadState {
  keys: string[];
  v: Partial<Record<ValueField, FieldValue>>;
  /** Stamps: one per plain value, plus `status`, `call` and `outcome`. */
  t: Record<string, string>;
  created: string | null;
  /** iClosed's contact status code, e.g. QUALIFIED. */
  status: string | null;
  call: CallInfo | null;
  outcome: OutcomeInfo | null;
  qualified: boolean;
  booked: boolean;
  /** Distinct cancellations (`c:…`) and reschedules (`r:…`) seen. */
  counted: string[];
}

export function emptyState(): LeadState {
  return { keys: [], v: {}, t: {}, created: null, status: null, call: null, outcome: null, qualified: false, booked: false, counted: [] };
}

/** Tokens in `counted` that order a call's reschedules and cancellations by slot: `m:<call>:<old>><new>` and `x:<call>:<slot>`. */
const MOVE = 'm:';
/** Token in `counted` for every call the lead's events named (`k:<call>`): later events of that call join this lead. */
const CALL_HELD = 'k:';

/** The `k:` tokens of a state: the calls it holds. */
export function callTokens(s: Pick<LeadState, 'counted'>): string[] {
  return s.counted.filter((k) => k.startsWith(CALL_HELD));
}
const CANCELLED_SLOT = 'x:';

/**
 * The lead's latest call as it stands. The call register holds the newest call event by stamp; a
 * reschedule carries no time of its own (iClosed sends the booking's `created_at`), so it cannot be
 * ordered against a cancellation by time. It is ordered by the slot it moves instead: a reschedule away
 * from a cancelled slot happened after that cancellation. From the register's slot the call follows
 * its moves to the last slot; the call is cancelled when that slot was cancelled, else rescheduled.
 * Built from sets of tokens, so it does not depend on the order events arrive in.
 */
export function currentCall(s: LeadState): CallInfo | null {
  const call = s.call;
  if (!call || call.start === null) return call;
  const prefix = `${MOVE}${call.id}:`;
  const moves = new Map<string, string>();
  for (const k of s.counted) {
    if (!k.startsWith(prefix)) continue;
    const [from, to] = k.slice(prefix.length).split('>');
    // Two moves away from one slot: the later new slot wins, so the walk does not depend on token order.
    if (to && (!moves.has(from) || to > moves.get(from)!)) moves.set(from, to);
  }
  let slot = b36(Date.parse(call.start));
  const seen = new Set<string>([slot]);
  while (moves.has(slot) && !seen.has(moves.get(slot)!)) {
    slot = moves.get(slot)!;
    seen.add(slot);
  }
  if (seen.size === 1) return call;
  const cancelled = s.counted.includes(`${CANCELLED_SLOT}${call.id}:${slot}`);
  return { ...call, start: new Date(parseInt(slot, 36)).toISOString(), state: cancelled ? 'cancelled' : 'rescheduled' };
}

/** Counted events kept per lead; beyond this a lead's counters stop growing. */
const MAX_COUNTED = 200;

/** Merges two states of one lead. Commutative, associative and idempotent: arrival order and redeliveries do not matter. */
export function mergeStates(a: LeadState, b: LeadState): LeadState {
  const out = emptyState();
  out.keys = union(a.keys, b.keys);
  for (const f of VALUE_FIELDS) {
    const pick = newer(a.t[f], b.t[f]);
    if (!pick) continue;
    const from = pick === 'a' ? a : b;
    out.v[f] = from.v[f] ?? null;
    out.t[f] = from.t[f];
  }
  for (const reg of ['status', 'call', 'outcome'] as const) {
    const pick = newer(a.t[reg], b.t[reg]);
    if (!pick) continue;
    const from = pick === 'a' ? a : b;
    (out as unknown as Record<string, unknown>)[reg] = from[reg];
    out.t[reg] = from.t[reg];
  }
  out.created = earliest(a.created, b.created);
  out.qualified = a.qualified || b.qualified;
  out.booked = a.booked || b.booked;
  out.counted = union(a.counted, b.counted).slice(0, MAX_COUNTED);
  return out;
}

/**
 * An event merged into the rows it joins (the rows first, in row order). On a tie (the same event
 * read again, e.g. by a rebuild from its hook-sheet row, which may hold cells of an older version) the
 * rows' version stays, so reading an event again never changes a lead.
 */
export function mergeEvent(rows: readonly LeadState[], ev: LeadState): LeadState {
  return mergeStates(
    rows.reduce((acc, s) => mergeStates(acc, s), emptyState()),
    ev,
  );
}

function newer(sa: string | undefined, sb: string | undefined): 'a' | 'b' | null {
  if (sa === undefined) return sb === undefined ? null : 'b';
  if (sb === undefined) return 'a';
  return sb > sa ? 'b' : 'a';
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const d = Date.parse(a) - Date.parse(b);
  return d < 0 || (d === 0 && a <= b) ? a : b;
}

// ---- Events -------------------------------------------------------------------------------------

const CONTACT_HOOKS: readonly HookId[] = ['contactCreated', 'contactByStatus', 'contactUpdated'];
const CALL_HOOKS: readonly HookId[] = ['callBooked', 'callRescheduled', 'callCancelled'];

/**
 * What one hook event says about its lead, as a state to merge, or null when it names no key to join by.
 * Event times (documented in docs/pipeline.md): contact hooks `updatedAt`, else `createdAt`; Call booked
 * `event.created_at`; Call rescheduled `event.created_at` ranked after the booking, then by
 * `event.old_start_time`; Call cancelled `event.canceled_at` (else `invitee.canceled_at`); outcome
 * `createdAt`, else `deal.createdAt`. An event without its time falls back to the time it was received.
 */
export function eventState(hook: HookId, fields: readonly Field[], fingerprint: string, receivedMs: number): LeadState | null {
  const get = new Map<string, FieldValue>();
  for (const f of fields) if (!get.has(f.path)) get.set(f.path, f.value);
  const str = (...paths: string[]): string | null => {
    for (const p of paths) {
      const v = get.get(p);
      if (v === null || v === undefined) continue;
      const text = String(v).trim();
      if (text !== '') return text;
    }
    return null;
  };
  const time = (...paths: string[]): number | null => {
    for (const p of paths) {
      const v = get.get(p);
      const d = typeof v === 'string' ? parseIsoTimestamp(v.trim()) : null;
      if (d) return d.getTime();
    }
    return null;
  };
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const joined = (first: string, last: string): string | null => [str(first), str(last)].filter(Boolean).join(' ') || null;
  const num = (...paths: string[]): number | null => {
    for (const p of paths) {
      const v = get.get(p);
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isFinite(n)) return n;
    }
    return null;
  };

  const s = emptyState();
  let stamp: string;
  let keys: LeadKeys;
  const values: Partial<Record<ValueField, FieldValue>> = {};
  const tracking = (): void => {
    values.firstSource = str('tracking.first_utm_source');
    values.firstMedium = str('tracking.first_utm_medium');
    values.firstCampaign = str('tracking.first_utm_campaign');
    values.source = str('tracking.utm_source');
    values.medium = str('tracking.utm_medium');
    values.campaign = str('tracking.utm_campaign');
  };

  if (CONTACT_HOOKS.includes(hook)) {
    keys = { id: idKey(get.get('id')), email: normalizeEmail(get.get('email')), phone: normalizePhone(get.get('phoneNumber')) };
    stamp = eventVersion(hook, fields, receivedMs) + fingerprint.slice(0, 8);
    values.contactId = idValue(get.get('id'));
    values.previewUrl = str('previewUrl');
    values.name = joined('firstName', 'lastName');
    values.email = str('email');
    values.phone = str('phoneNumber');
    tracking();
    s.created = iso(time('createdAt', 'joinedTime'));
    const status = str('status');
    if (status) {
      s.status = status.toUpperCase();
      s.t.status = stamp;
      s.booked = /CALL_BOOKED$/.test(s.status);
      s.qualified = s.booked || s.status === 'QUALIFIED';
    }
  } else if (CALL_HOOKS.includes(hook)) {
    keys = { id: null, email: normalizeEmail(get.get('invitee.email')), phone: normalizePhone(get.get('invitee.text_reminder_number')) };
    const callId = keyPart(get.get('event.uuid')) || fingerprint;
    const start = time('event.utc_start_time', 'event.start_time');
    s.counted = [`${CALL_HELD}${callId}`];
    let state: CallInfo['state'] = 'booked';
    if (hook === 'callRescheduled') {
      state = 'rescheduled';
      stamp = eventVersion(hook, fields, receivedMs) + fingerprint.slice(0, 8);
      s.counted.push(`r:${callId}:${start === null ? fingerprint : b36(start)}`);
      // The move from the old slot to the new one: it places this reschedule after a cancellation of the old slot.
      const oldStart = time('event.old_start_time');
      if (oldStart !== null && start !== null) s.counted.push(`${MOVE}${callId}:${b36(oldStart)}>${b36(start)}`);
    } else if (hook === 'callCancelled') {
      state = 'cancelled';
      const at = time('event.canceled_at', 'invitee.canceled_at') ?? receivedMs;
      stamp = eventVersion(hook, fields, receivedMs) + fingerprint.slice(0, 8);
      s.counted.push(`c:${callId}:${b36(at)}`);
      // The slot this cancellation cancelled: a later reschedule moving away from it makes the call active again.
      if (start !== null) s.counted.push(`${CANCELLED_SLOT}${callId}:${b36(start)}`);
    } else {
      stamp = eventVersion(hook, fields, receivedMs) + fingerprint.slice(0, 8);
    }
    s.call = {
      id: callId,
      start: iso(start),
      closer: str('event.extended_assigned_to.1.name', 'event.assigned_to.1'),
      setter: joined('event.setter.firstName', 'event.setter.lastName'),
      state,
    };
    s.t.call = stamp;
    s.qualified = true;
    s.booked = true;
    values.previewUrl = str('invitee.previewUrl');
    values.name = str('invitee.name') ?? joined('invitee.first_name', 'invitee.last_name');
    values.email = str('invitee.email');
    values.phone = str('invitee.text_reminder_number');
    tracking();
    s.created = iso(time('invitee.created_at'));
  } else if (hook === 'callOutcome') {
    keys = { id: idKey(get.get('contactId')), email: normalizeEmail(get.get('email')), phone: normalizePhone(get.get('phoneNumber')) };
    stamp = eventVersion(hook, fields, receivedMs) + fingerprint.slice(0, 8);
    values.contactId = idValue(get.get('contactId'));
    values.name = joined('firstName', 'lastName');
    values.email = str('email');
    values.phone = str('phoneNumber');
    const outcome = str('callOutcome');
    if (outcome) {
      s.outcome = {
        outcome: outcome.toUpperCase(),
        reason: str('noSaleReason'),
        objection: str('objection'),
        product: str('productName'),
        value: num('dealValue', 'deal.value'),
      };
      s.t.outcome = stamp;
    }
    s.qualified = true;
    s.booked = true;
  } else {
    return null;
  }
  s.keys = keyTokens(keys).sort();
  if (s.keys.length === 0) return null;
  for (const f of VALUE_FIELDS) {
    const v = values[f];
    if (v === null || v === undefined) continue; // an empty value never erases a known one
    s.v[f] = v;
    s.t[f] = stamp;
  }
  return s;
}

function idKey(value: FieldValue | undefined): string | null {
  const k = keyPart(value);
  return k === '' ? null : k;
}

/** A contact id as a cell value: a number when it is one, so 5 and "5" write the same cell. */
function idValue(value: FieldValue | undefined): FieldValue {
  const k = idKey(value);
  if (k === null) return null;
  const n = Number(k);
  return /^-?\d+$/.test(k) && Number.isSafeInteger(n) ? n : k;
}

// ---- Join ---------------------------------------------------------------------------------------

/** A row found by the index, with the keys it holds. */
export interface Candidate<T> {
  ref: T;
  keys: readonly string[];
  /** The calls the row holds (callTokens of its state). */
  calls?: readonly string[];
}

/**
 * The rows an event joins, by the join rule (see LeadKeys), in the order given (the caller keeps the
 * first and merges the others into it). Empty when the event starts a new lead.
 */
export function joinTargets<T>(
  eventKeys: readonly string[],
  candidates: ReadonlyArray<Candidate<T>>,
  eventCalls: readonly string[] = [],
): T[] {
  const mine = new Set(eventKeys);
  const found = candidates.filter((c) => c.keys.some((k) => mine.has(k)));
  const idOf = (keys: readonly string[]): string | null => keys.find((k) => k.startsWith('id:')) ?? null;
  let id = idOf(eventKeys);
  // A call event without a contact id joins the lead that already holds its call, so a late or repeated
  // event of a call follows the call even when its email has since been seen on another contact.
  const holder = id === null && eventCalls.length ? found.find((c) => (c.calls ?? []).some((k) => eventCalls.includes(k))) : undefined;
  if (holder) {
    id = idOf(holder.keys);
  } else if (id === null) {
    // No id on the event: the id of the best match (by email, then phone; then the smallest id) decides.
    const level = (c: Candidate<T>): number => (c.keys.some((k) => k.startsWith('email:') && mine.has(k)) ? 0 : 1);
    const withId = found
      .filter((c) => idOf(c.keys) !== null)
      .sort((a, b) => level(a) - level(b) || (idOf(a.keys)! < idOf(b.keys)! ? -1 : 1));
    id = withId.length ? idOf(withId[0].keys) : null;
  }
  return found.filter((c) => idOf(c.keys) === null || idOf(c.keys) === id).map((c) => c.ref);
}
