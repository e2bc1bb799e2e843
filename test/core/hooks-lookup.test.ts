/** The hook registry's lookups: folding names, aliases, ids, and each hook's example fields. */
import {
  HOOKS,
  OTHER_HOOKS_SHEET,
  WRITE_MODES,
  exampleFields,
  findHook,
  foldHookName,
  hookById,
  isHookId,
  type HookId,
} from '../../src/core/hooks';

describe('foldHookName', () => {
  it('drops case, spaces, dashes, underscores and dots, and spells cancelled the UK way', () => {
    expect(foldHookName(' Call_Re-Scheduled.\tNow ')).toBe('callreschedulednow');
    expect(foldHookName('Call CANCELED')).toBe('callcancelled');
    expect(foldHookName('canceled canceled')).toBe('cancelledcancelled');
  });
});

describe('findHook', () => {
  it('finds every hook by name, id and alias, however spelled', () => {
    for (const hook of HOOKS) {
      for (const name of [hook.name, hook.id, ...hook.aliases]) {
        expect(findHook(name)).toBe(hook);
        expect(findHook(`  ${name.toUpperCase().replace(/ /g, '_')} `)).toBe(hook);
      }
    }
    expect(findHook('call-canceled')?.id).toBe('callCancelled');
  });
  it('finds nothing for blank, unknown or non-text names', () => {
    expect(findHook('   ')).toBeNull();
    expect(findHook('Invoice paid')).toBeNull();
    expect(findHook(null)).toBeNull();
    expect(findHook(['callBooked'])).toBeNull();
  });
});

describe('hookById and isHookId', () => {
  it('returns the hook with that id', () => {
    expect(hookById('callOutcome').name).toBe('Call outcome added');
    expect(hookById('contactCreated')).toBe(HOOKS[0]);
  });
  it('throws a clear error for an unknown id', () => {
    expect(() => hookById('invoicePaid' as HookId)).toThrow(new Error('Unknown hook id: invoicePaid'));
  });
  it('recognises the seven ids only', () => {
    expect(HOOKS.map((h) => h.id).filter(isHookId)).toHaveLength(7);
    expect(isHookId('other')).toBe(false);
    expect(isHookId('Call booked')).toBe(false);
    expect(isHookId(7)).toBe(false);
  });
});

describe('exampleFields', () => {
  it("lists the paths of the hook's example event, the same list each time", () => {
    const hook = hookById('callOutcome');
    const fields = exampleFields(hook);
    expect(fields).toContain('uuid');
    expect(fields).toContain('notes');
    expect(fields.every((path) => typeof path === 'string' && path !== '')).toBe(true);
    expect(exampleFields(hook)).toBe(fields);
    expect(exampleFields(hookById('callBooked'))).toContain('event.uuid');
    expect(exampleFields(hookById('callBooked'))).not.toContain('uuid');
  });
});

describe('the registry', () => {
  it('offers three write modes, and every hook upserts by default', () => {
    expect(WRITE_MODES).toEqual(['append', 'upsert', 'insert-if-new']);
    expect(HOOKS.map((h) => h.defaultMode)).toEqual(Array(7).fill('upsert'));
  });
  it('names the sheet for unmatched deliveries', () => {
    expect(OTHER_HOOKS_SHEET).toBe('Other hooks');
  });
  it('keys contacts by id, calls by event.uuid and outcomes by uuid', () => {
    expect(Object.fromEntries(HOOKS.map((h) => [h.id, h.defaultKey]))).toEqual({
      contactCreated: ['id'],
      contactByStatus: ['id'],
      contactUpdated: ['id'],
      callBooked: ['event.uuid'],
      callCancelled: ['event.uuid'],
      callRescheduled: ['event.uuid'],
      callOutcome: ['uuid'],
    });
  });
  it('reads only the outcome notes as rich text', () => {
    expect(Object.fromEntries(HOOKS.map((h) => [h.id, h.richTextFields]))).toEqual({
      contactCreated: [],
      contactByStatus: [],
      contactUpdated: [],
      callBooked: [],
      callCancelled: [],
      callRescheduled: [],
      callOutcome: ['notes'],
    });
  });
  it.each([
    ['Contact status', 'contactByStatus'],
    ['contactStatusChanged', 'contactByStatus'],
    ['Call canceled', 'callCancelled'],
    ['callCanceled', 'callCancelled'],
    ['Call re-scheduled', 'callRescheduled'],
    ['Outcome added', 'callOutcome'],
    ['New call booked', 'callBooked'],
    ['Contact details changed', 'contactUpdated'],
    ['Contact create', 'contactCreated'],
  ])('finds iClosed spelling %j as %s', (name, id) => {
    expect(findHook(name)?.id).toBe(id);
  });
  it('opens each sheet with plain labels over the fields a team reads first', () => {
    const columns = (id: HookId) => hookById(id).essentials.map(({ field, label }) => `${label}=${field}`);
    const call = [
      'Call start=event.utc_start_time',
      'Name=invitee.name',
      'Email=invitee.email',
      'Phone=invitee.text_reminder_number',
      'Closer=event.extended_assigned_to.1.name',
      'Setter=event.setter.firstName',
      'Event=event_type.name',
      'Meeting link=event.location',
      'UTM source=tracking.utm_source',
      'Campaign=tracking.utm_campaign',
    ];
    const contact = [
      'First name=firstName',
      'Last name=lastName',
      'Email=email',
      'Phone=phoneNumber',
      'Status=status',
      'UTM source=tracking.utm_source',
      'Created=createdAt',
      'Campaign=tracking.utm_campaign',
      'Event=event.name',
      'Contact id=id',
    ];
    expect(columns('contactCreated')).toEqual(contact);
    expect(columns('contactByStatus')).toEqual([...contact, 'Latest call=latestCall.dateTime']);
    expect(columns('contactUpdated')).toEqual([...contact, 'Changed=updatedAttributes']);
    expect(columns('callBooked')).toEqual([...call, 'Call id=event.uuid']);
    expect(columns('callCancelled')).toEqual([
      ...call,
      'Cancel reason=event.cancel_reason',
      'Cancelled at=event.canceled_at',
      'Call id=event.uuid',
    ]);
    expect(columns('callRescheduled')).toEqual([
      ...call,
      'Previous start=event.old_start_time',
      'Reschedule reason=invitee.reschedule_reason',
      'Call id=event.uuid',
    ]);
    expect(columns('callOutcome')).toEqual([
      'Outcome=callOutcome',
      'Deal value=dealValue',
      'Product=productName',
      'Closer=closerEmail',
      'Reason=noSaleReason',
      'Notes=notes',
      'First name=firstName',
      'Last name=lastName',
      'Email=email',
      'Phone=phoneNumber',
      'Call start=startTime',
      'Objection=objection',
      'Event=eventName',
      'Outcome id=uuid',
    ]);
  });
});
