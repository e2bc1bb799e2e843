/** The hook registry: iClosed's seven webhook triggers, their aliases, default sheets and dedup keys. */
import callBooked from './examples/call-booked.json';
import callCancelled from './examples/call-cancelled.json';
import callRescheduled from './examples/call-rescheduled.json';
import contactByStatus from './examples/contact-by-status.json';
import contactCreated from './examples/contact-created.json';
import contactUpdated from './examples/contact-updated.json';
import outcomeAdded from './examples/outcome-added.json';
import { flattenEvent } from './flatten';

/** Identifier of a known hook type, or `other` for deliveries no hook type matches. */
export type HookId =
  'contactCreated' | 'contactByStatus' | 'contactUpdated' | 'callBooked' | 'callCancelled' | 'callRescheduled' | 'callOutcome';

export const OTHER_HOOK = 'other' as const;
export type RouteId = HookId | typeof OTHER_HOOK;

/** Write modes a sheet can use. */
export type WriteMode = 'append' | 'upsert' | 'insert-if-new';
export const WRITE_MODES: readonly WriteMode[] = ['append', 'upsert', 'insert-if-new'];

/** What the app knows about one hook type. */
export interface HookDefinition {
  id: HookId;
  /** Display name, as iClosed's help article spells it; also the default sheet name. */
  name: string;
  /** Other spellings seen in `hookType` and iClosed's trigger ids. */
  aliases: string[];
  defaultMode: WriteMode;
  /** Dot paths of the fields that identify a row. */
  defaultKey: string[];
  /** Fields holding HTML from iClosed's rich-text editor. */
  richTextFields: string[];
  /** One example delivery (an array with one event), from iClosed's developer docs. */
  example: unknown[];
  /**
   * The columns a new sheet opens with, in order, under plain labels: what a sales team reads first,
   * plus the key fields. Every other field of the hook travels in the row's "Other fields" cell.
   */
  essentials: ReadonlyArray<{ field: string; label: string }>;
}

type Essentials = HookDefinition['essentials'];
const col = (field: string, label: string) => ({ field, label });

/** Contact hooks: the lead, then where it came from; the contact id is the key. */
const CONTACT_ESSENTIALS: Essentials = [
  col('firstName', 'First name'),
  col('lastName', 'Last name'),
  col('email', 'Email'),
  col('phoneNumber', 'Phone'),
  col('status', 'Status'),
  col('tracking.utm_source', 'UTM source'),
  col('createdAt', 'Created'),
  col('tracking.utm_campaign', 'Campaign'),
  col('event.name', 'Event'),
  col('id', 'Contact id'),
];

/** Call hooks: when, who, with whom, where, from which campaign; the call id is the key. */
const CALL_ESSENTIALS: Essentials = [
  col('event.utc_start_time', 'Call start'),
  col('invitee.name', 'Name'),
  col('invitee.email', 'Email'),
  col('invitee.text_reminder_number', 'Phone'),
  col('event.extended_assigned_to.1.name', 'Closer'),
  col('event.setter.firstName', 'Setter'),
  col('event_type.name', 'Event'),
  col('event.location', 'Meeting link'),
  col('tracking.utm_source', 'UTM source'),
  col('tracking.utm_campaign', 'Campaign'),
];

const CONTACT_KEY = ['id'];
const CALL_KEY = ['event.uuid'];

/** The seven hook types, in the order iClosed's help article lists them. */
export const HOOKS: readonly HookDefinition[] = [
  {
    id: 'contactCreated',
    name: 'Contact created',
    aliases: ['newContactCreated', 'contactCreated', 'New contact created', 'Contact create'],
    defaultMode: 'upsert',
    defaultKey: CONTACT_KEY,
    richTextFields: [],
    example: contactCreated,
    essentials: CONTACT_ESSENTIALS,
  },
  {
    id: 'contactByStatus',
    name: 'Contact by status',
    aliases: ['contactByStatus', 'contactStatus', 'Contact status', 'contactStatusChanged'],
    defaultMode: 'upsert',
    defaultKey: CONTACT_KEY,
    richTextFields: [],
    example: contactByStatus,
    essentials: [...CONTACT_ESSENTIALS, col('latestCall.dateTime', 'Latest call')],
  },
  {
    id: 'contactUpdated',
    name: 'Contact updated',
    aliases: ['contactDetailChanged', 'contactUpdated', 'Contact detail changed', 'Contact details changed'],
    defaultMode: 'upsert',
    defaultKey: CONTACT_KEY,
    richTextFields: [],
    example: contactUpdated,
    essentials: [...CONTACT_ESSENTIALS, col('updatedAttributes', 'Changed')],
  },
  {
    id: 'callBooked',
    name: 'Call booked',
    aliases: ['newCallScheduled', 'callBooked', 'Call scheduled', 'New call scheduled', 'New call booked'],
    defaultMode: 'upsert',
    defaultKey: CALL_KEY,
    richTextFields: [],
    example: callBooked,
    essentials: [...CALL_ESSENTIALS, col('event.uuid', 'Call id')],
  },
  {
    id: 'callCancelled',
    name: 'Call cancelled',
    aliases: ['callCancelled', 'callCanceled', 'Call canceled'],
    defaultMode: 'upsert',
    defaultKey: CALL_KEY,
    richTextFields: [],
    example: callCancelled,
    essentials: [
      ...CALL_ESSENTIALS,
      col('event.cancel_reason', 'Cancel reason'),
      col('event.canceled_at', 'Cancelled at'),
      col('event.uuid', 'Call id'),
    ],
  },
  {
    id: 'callRescheduled',
    name: 'Call rescheduled',
    aliases: ['callRescheduled', 'Call re-scheduled'],
    defaultMode: 'upsert',
    defaultKey: CALL_KEY,
    richTextFields: [],
    example: callRescheduled,
    essentials: [
      ...CALL_ESSENTIALS,
      col('event.old_start_time', 'Previous start'),
      col('invitee.reschedule_reason', 'Reschedule reason'),
      col('event.uuid', 'Call id'),
    ],
  },
  {
    id: 'callOutcome',
    name: 'Call outcome added',
    aliases: ['callOutcome', 'Outcome added', 'outcomeAdded', 'Call outcome', 'callOutcomeAdded'],
    defaultMode: 'upsert',
    defaultKey: ['uuid'],
    richTextFields: ['notes'],
    example: outcomeAdded,
    essentials: [
      col('callOutcome', 'Outcome'),
      col('dealValue', 'Deal value'),
      col('productName', 'Product'),
      col('closerEmail', 'Closer'),
      col('noSaleReason', 'Reason'),
      col('notes', 'Notes'),
      col('firstName', 'First name'),
      col('lastName', 'Last name'),
      col('email', 'Email'),
      col('phoneNumber', 'Phone'),
      col('startTime', 'Call start'),
      col('objection', 'Objection'),
      col('eventName', 'Event'),
      col('uuid', 'Outcome id'),
    ],
  },
];

/** Name of the sheet that receives deliveries no hook type matches. */
export const OTHER_HOOKS_SHEET = 'Other hooks';

/**
 * Folds a hook name for matching: case-, space-, dash- and underscore-insensitive,
 * and "canceled" (US) equals "cancelled" (UK), since both spellings arrive.
 */
export function foldHookName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '')
    .replace(/canceled/g, 'cancelled');
}

const BY_FOLDED_NAME: ReadonlyMap<string, HookDefinition> = (() => {
  const map = new Map<string, HookDefinition>();
  for (const hook of HOOKS) {
    for (const name of [hook.name, hook.id, ...hook.aliases]) map.set(foldHookName(name), hook);
  }
  return map;
})();

/** The hook a `hookType` value (or a `?hook=` parameter) names, or null when it names none. */
export function findHook(name: unknown): HookDefinition | null {
  // A blank name folds to '', which names no hook.
  if (typeof name !== 'string') return null;
  return BY_FOLDED_NAME.get(foldHookName(name)) ?? null;
}

/** The hook with this id. */
export function hookById(id: HookId): HookDefinition {
  const hook = HOOKS.find((h) => h.id === id);
  if (!hook) throw new Error(`Unknown hook id: ${id}`);
  return hook;
}

export function isHookId(value: unknown): value is HookId {
  return HOOKS.some((h) => h.id === value);
}

const exampleFieldsCache = new Map<HookId, string[]>();

/** The field paths of a hook's example delivery, in the documented order: the hook's known fields. */
export function exampleFields(hook: HookDefinition): string[] {
  let fields = exampleFieldsCache.get(hook.id);
  if (!fields) {
    fields = flattenEvent(hook.example[0]).map((f) => f.path);
    exampleFieldsCache.set(hook.id, fields);
  }
  return fields;
}
