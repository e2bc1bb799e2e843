/** Unit tests of what each hook event says about its lead: join keys, stamps and event versions, and the exact state of every hook. */
import type { Field, FieldValue } from '../../src/core/flatten';
import type { HookId } from '../../src/core/hooks';
import {
  emptyState,
  eventState,
  eventVersion,
  keyTokens,
  makeStamp,
  normalizeEmail,
  normalizePhone,
  stampTime,
  type LeadState,
} from '../../src/core/pipeline';

const FP = 'fingerprint-0123';
const RECEIVED = Date.parse('2025-06-01T00:00:00Z');
const fields = (values: Record<string, FieldValue>): Field[] => Object.entries(values).map(([path, value]) => ({ path, value }));
const state = (hook: HookId, values: Record<string, FieldValue>, fp = FP): LeadState | null =>
  eventState(hook, fields(values), fp, RECEIVED);
const version = (hook: HookId, values: Record<string, FieldValue>): string => eventVersion(hook, fields(values), RECEIVED);
/** The slot token of a time: its ms in base 36, nine digits. */
const slot = (iso: string): string => makeStamp(Date.parse(iso), 0, 0, '').slice(0, 9);
const ms = (iso: string): number => Date.parse(iso);

const TRACKING = {
  'tracking.first_utm_source': 'google',
  'tracking.first_utm_medium': 'cpc',
  'tracking.first_utm_campaign': 'spring',
  'tracking.utm_source': 'newsletter',
  'tracking.utm_medium': 'email',
  'tracking.utm_campaign': 'june',
};
const TRACKED = {
  firstSource: 'google',
  firstMedium: 'cpc',
  firstCampaign: 'spring',
  source: 'newsletter',
  medium: 'email',
  campaign: 'june',
};

describe('join keys', () => {
  it('takes an email only when the whole trimmed text is one address', () => {
    expect(normalizeEmail(' Raya@Example.COM ')).toBe('raya@example.com');
    expect(normalizeEmail('raya khan@example.com')).toBeNull();
    expect(normalizeEmail('raya@example.com extra')).toBeNull();
    expect(normalizeEmail('a@b@c')).toBeNull();
    expect(normalizeEmail(42)).toBeNull();
  });
  it('takes a phone of at least six digits, keeping a leading + even after white space', () => {
    expect(normalizePhone(' +1 555 0100')).toBe('+15550100');
    expect(normalizePhone('12-34-56')).toBe('123456');
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone(4915112345)).toBe('4915112345');
    expect(normalizePhone(true)).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
  });
  it('writes index tokens without spaces, in id, email, phone order', () => {
    expect(keyTokens({ id: 'ab c\td', email: 'a@x', phone: '+123456' })).toEqual(['id:ab_c_d', 'email:a@x', 'phone:+123456']);
    expect(keyTokens({ id: null, email: null, phone: '123456' })).toEqual(['phone:123456']);
  });
});

describe('stamps and event versions', () => {
  it('writes time, rank, secondary time and at most eight characters of the tie-break, and reads the time back', () => {
    const stamp = makeStamp(ms('2025-05-09T15:28:40.783Z'), 2, 36, 'abcdefghijk');
    expect(stamp).toBe(`${slot('2025-05-09T15:28:40.783Z')}2000000010abcdefgh`);
    expect(stampTime(stamp)).toBe(ms('2025-05-09T15:28:40.783Z'));
    expect(makeStamp(-5, 0, 1.9, '')).toBe('0000000000000000001');
  });
  it('versions a contact by updatedAt, else createdAt, else the time it was received (white space around a time is ignored)', () => {
    const updated = '2025-05-10T10:00:00Z';
    const created = '2025-05-09T15:28:40.783Z';
    expect(version('contactUpdated', { createdAt: created, updatedAt: ` ${updated} ` })).toBe(makeStamp(ms(updated), 0, 0, ''));
    expect(version('contactCreated', { createdAt: created })).toBe(makeStamp(ms(created), 0, 0, ''));
    expect(version('contactByStatus', { createdAt: 'not a time', updatedAt: 17 })).toBe(makeStamp(RECEIVED, 0, 0, ''));
  });
  it('ranks a booking 1, a reschedule 2 by its old start and a cancellation 3 by its cancel time', () => {
    const booked = '2025-05-09T15:30:00Z';
    const oldStart = '2025-05-12T09:00:00Z';
    expect(version('callBooked', { 'event.created_at': booked })).toBe(makeStamp(ms(booked), 1, 0, ''));
    expect(version('callBooked', {})).toBe(makeStamp(RECEIVED, 1, 0, ''));
    expect(version('callRescheduled', { 'event.created_at': booked, 'event.old_start_time': oldStart })).toBe(
      makeStamp(ms(booked), 2, ms(oldStart), ''),
    );
    expect(version('callRescheduled', {})).toBe(makeStamp(RECEIVED, 2, 0, ''));
    const cancelled = '2025-05-11T08:00:00Z';
    const inviteeCancelled = '2025-05-11T08:05:00Z';
    expect(
      version('callCancelled', { 'event.created_at': booked, 'event.canceled_at': cancelled, 'invitee.canceled_at': inviteeCancelled }),
    ).toBe(makeStamp(ms(cancelled), 3, 0, ''));
    expect(version('callCancelled', { 'event.created_at': booked, 'invitee.canceled_at': inviteeCancelled })).toBe(
      makeStamp(ms(inviteeCancelled), 3, 0, ''),
    );
    expect(version('callCancelled', { 'event.created_at': booked })).toBe(makeStamp(RECEIVED, 3, 0, ''));
  });
  it('versions an outcome by createdAt, else deal.createdAt, else the time it was received', () => {
    const created = '2025-05-13T12:00:00Z';
    const dealCreated = '2025-05-13T12:30:00Z';
    expect(version('callOutcome', { createdAt: created, 'deal.createdAt': dealCreated })).toBe(makeStamp(ms(created), 0, 0, ''));
    expect(version('callOutcome', { 'deal.createdAt': dealCreated })).toBe(makeStamp(ms(dealCreated), 0, 0, ''));
    expect(version('callOutcome', {})).toBe(makeStamp(RECEIVED, 0, 0, ''));
  });
});

describe('event states', () => {
  it('starts from an empty state that knows nothing', () => {
    expect(emptyState()).toStrictEqual({
      keys: [],
      v: {},
      t: {},
      created: null,
      status: null,
      call: null,
      outcome: null,
      qualified: false,
      booked: false,
      counted: [],
    });
  });

  it('a contact: its keys, values, status and created-at, every value stamped by the event', () => {
    const s = state('contactCreated', {
      id: '5',
      email: ' Raya@Example.com ',
      phoneNumber: '+1 555 010 9999',
      firstName: ' Raya ',
      lastName: 'Khan',
      previewUrl: 'https://app.example/p/5',
      status: 'qualified',
      createdAt: '2025-05-09T15:28:40.783Z',
      updatedAt: '2025-05-10T10:00:00Z',
      ...TRACKING,
    });
    const stamp = makeStamp(ms('2025-05-10T10:00:00Z'), 0, 0, '') + 'fingerpr';
    expect(s).toStrictEqual({
      keys: ['email:raya@example.com', 'id:5', 'phone:+15550109999'],
      v: {
        contactId: 5,
        previewUrl: 'https://app.example/p/5',
        name: 'Raya Khan',
        email: 'Raya@Example.com',
        phone: '+1 555 010 9999',
        ...TRACKED,
      },
      t: Object.fromEntries(
        ['contactId', 'previewUrl', 'name', 'email', 'phone', ...Object.keys(TRACKED), 'status'].map((k) => [k, stamp]),
      ),
      created: '2025-05-09T15:28:40.783Z',
      status: 'QUALIFIED',
      call: null,
      outcome: null,
      qualified: true,
      booked: false,
      counted: [],
    });
  });

  it('a contact without status, names or created-at: nothing of them is set, and blank values never count', () => {
    const s = state('contactUpdated', {
      email: 'a@x.io',
      firstName: '  ',
      lastName: null,
      status: '',
      joinedTime: '2025-05-01T00:00:00Z',
    })!;
    expect(s.v).toStrictEqual({ email: 'a@x.io' });
    expect(Object.keys(s.t)).toEqual(['email']);
    expect(s.status).toBeNull();
    expect(s.qualified).toBe(false);
    expect(s.booked).toBe(false);
    expect(s.created).toBe('2025-05-01T00:00:00.000Z');
    expect(state('contactUpdated', { email: 'a@x.io' })!.created).toBeNull();
    expect(state('contactUpdated', { email: 'a@x.io', createdAt: ' 2025-05-02T00:00:00Z ' })!.created).toBe('2025-05-02T00:00:00.000Z');
    expect(state('contactUpdated', { email: 'a@x.io', lastName: 'Khan' })!.v.name).toBe('Khan');
  });

  it('a status code ending in CALL_BOOKED books and qualifies; QUALIFIED qualifies; others do neither', () => {
    const flags = (status: string) => {
      const s = state('contactByStatus', { email: 'a@x.io', status })!;
      return [s.status, s.qualified, s.booked];
    };
    expect(flags('strategy_call_booked')).toEqual(['STRATEGY_CALL_BOOKED', true, true]);
    expect(flags('QUALIFIED')).toEqual(['QUALIFIED', true, false]);
    expect(flags('POTENTIAL')).toEqual(['POTENTIAL', false, false]);
    expect(flags('CALL_BOOKED_NO_SHOW')).toEqual(['CALL_BOOKED_NO_SHOW', false, false]);
  });

  it('a contact id is a number cell when it is a safe integer, else its text; a blank id is no id', () => {
    const id = (value: FieldValue) => state('contactCreated', { id: value, email: 'a@x.io' })!.v.contactId;
    expect(id('55')).toBe(55);
    expect(id(-3)).toBe(-3);
    expect(id('0x10')).toBe('0x10');
    expect(id('1e3')).toBe('1e3');
    expect(id('12345678901234567890')).toBe('12345678901234567890');
    expect(id('abc')).toBe('abc');
    expect(state('contactCreated', { id: '  ', email: 'a@x.io' })!.v).toStrictEqual({ email: 'a@x.io' });
    expect(state('contactCreated', { email: 'a@x.io' })!.keys).toEqual(['email:a@x.io']);
  });

  const CALL = {
    'event.uuid': 'call-1',
    'event.utc_start_time': '2025-05-14T09:00:00+00:00',
    'event.start_time': '2025-05-14T11:00:00+02:00',
    'event.created_at': '2025-05-09T15:30:00Z',
    'event.extended_assigned_to.1.name': 'Cleo Closer',
    'event.assigned_to.1': 'Other Closer',
    'event.setter.firstName': 'Sam',
    'event.setter.lastName': 'Setter',
    'invitee.email': 'Raya@Example.com',
    'invitee.text_reminder_number': '+1 555 010 9999',
    'invitee.previewUrl': 'https://app.example/p/5',
    'invitee.name': 'Raya K.',
    'invitee.first_name': 'Raya',
    'invitee.last_name': 'Khan',
    'invitee.created_at': '2025-05-09T15:29:00Z',
    ...TRACKING,
  };
  const callValues = (stamp: string) => ({
    v: {
      previewUrl: 'https://app.example/p/5',
      name: 'Raya K.',
      email: 'Raya@Example.com',
      phone: '+1 555 010 9999',
      ...TRACKED,
    },
    t: Object.fromEntries(['previewUrl', 'name', 'email', 'phone', ...Object.keys(TRACKED), 'call'].map((k) => [k, stamp])),
  });

  it('a booked call: the call, its values by email and phone (never a contact id), qualified and booked', () => {
    const stamp = makeStamp(ms('2025-05-09T15:30:00Z'), 1, 0, '') + 'fingerpr';
    expect(state('callBooked', CALL)).toStrictEqual({
      keys: ['email:raya@example.com', 'phone:+15550109999'],
      ...callValues(stamp),
      created: '2025-05-09T15:29:00.000Z',
      status: null,
      call: { id: 'call-1', start: '2025-05-14T09:00:00.000Z', closer: 'Cleo Closer', setter: 'Sam Setter', state: 'booked' },
      outcome: null,
      qualified: true,
      booked: true,
      counted: ['k:call-1'],
    });
  });

  it('a rescheduled call counts the reschedule of its new slot and records the move from the old slot', () => {
    const stamp = makeStamp(ms('2025-05-09T15:30:00Z'), 2, ms('2025-05-12T09:00:00Z'), '') + 'fingerpr';
    const s = state('callRescheduled', { ...CALL, 'event.old_start_time': '2025-05-12T09:00:00Z' });
    expect(s).toStrictEqual({
      keys: ['email:raya@example.com', 'phone:+15550109999'],
      ...callValues(stamp),
      created: '2025-05-09T15:29:00.000Z',
      status: null,
      call: { id: 'call-1', start: '2025-05-14T09:00:00.000Z', closer: 'Cleo Closer', setter: 'Sam Setter', state: 'rescheduled' },
      outcome: null,
      qualified: true,
      booked: true,
      counted: [
        'k:call-1',
        `r:call-1:${slot('2025-05-14T09:00:00Z')}`,
        `m:call-1:${slot('2025-05-12T09:00:00Z')}>${slot('2025-05-14T09:00:00Z')}`,
      ],
    });
    // Without an old start there is no move; without a new start the reschedule is counted by its fingerprint.
    expect(state('callRescheduled', CALL)!.counted).toEqual(['k:call-1', `r:call-1:${slot('2025-05-14T09:00:00Z')}`]);
    const noStart = { ...CALL, 'event.old_start_time': '2025-05-12T09:00:00Z' } as Record<string, FieldValue>;
    delete noStart['event.utc_start_time'];
    delete noStart['event.start_time'];
    expect(state('callRescheduled', noStart)!.counted).toEqual(['k:call-1', `r:call-1:${FP}`]);
  });

  it('a cancelled call counts the cancellation by its time and names the slot it cancelled', () => {
    const values = { ...CALL, 'event.canceled_at': '2025-05-11T08:00:00Z' };
    const stamp = makeStamp(ms('2025-05-11T08:00:00Z'), 3, 0, '') + 'fingerpr';
    expect(state('callCancelled', values)).toStrictEqual({
      keys: ['email:raya@example.com', 'phone:+15550109999'],
      ...callValues(stamp),
      created: '2025-05-09T15:29:00.000Z',
      status: null,
      call: { id: 'call-1', start: '2025-05-14T09:00:00.000Z', closer: 'Cleo Closer', setter: 'Sam Setter', state: 'cancelled' },
      outcome: null,
      qualified: true,
      booked: true,
      counted: ['k:call-1', `c:call-1:${slot('2025-05-11T08:00:00Z')}`, `x:call-1:${slot('2025-05-14T09:00:00Z')}`],
    });
    const inviteeOnly = { 'invitee.email': 'a@x.io', 'event.uuid': 'c2', 'invitee.canceled_at': '2025-05-11T09:00:00Z' };
    expect(state('callCancelled', inviteeOnly)!.counted).toEqual(['k:c2', `c:c2:${slot('2025-05-11T09:00:00Z')}`]);
    expect(state('callCancelled', { 'invitee.email': 'a@x.io', 'event.uuid': 'c2' })!.counted).toEqual([
      'k:c2',
      `c:c2:${slot('2025-06-01T00:00:00Z')}`,
    ]);
  });

  it('a call falls back to its local start, the assigned closer, the invitee name parts and its fingerprint as id', () => {
    const s = state('callBooked', {
      'event.start_time': '2025-05-14T11:00:00+02:00',
      'event.assigned_to.1': 'Other Closer',
      'event.setter.lastName': 'Setter',
      'invitee.email': 'a@x.io',
      'invitee.name': null,
      'invitee.first_name': ' Raya ',
      'invitee.last_name': 'Khan',
    })!;
    expect(s.call).toStrictEqual({ id: FP, start: '2025-05-14T09:00:00.000Z', closer: 'Other Closer', setter: 'Setter', state: 'booked' });
    expect(s.counted).toEqual([`k:${FP}`]);
    expect(s.v.name).toBe('Raya Khan');
    expect(s.created).toBeNull();
    const bare = state('callBooked', { 'invitee.email': 'a@x.io', 'invitee.name': '  ' })!;
    expect(bare.call).toStrictEqual({ id: FP, start: null, closer: null, setter: null, state: 'booked' });
    expect(bare.v).toStrictEqual({ email: 'a@x.io' });
  });

  it('an outcome: its codes upper-cased, the deal value as a number, the lead qualified and booked', () => {
    const s = state('callOutcome', {
      contactId: 5,
      email: 'Raya@Example.com',
      phoneNumber: '+1 555 010 9999',
      firstName: 'Raya',
      lastName: 'Khan',
      callOutcome: 'sale',
      noSaleReason: 'NOT_INTERESTED',
      objection: 'PRICE',
      productName: 'Coaching',
      dealValue: ' 1500.50 ',
      createdAt: '2025-05-13T12:00:00Z',
    });
    const stamp = makeStamp(ms('2025-05-13T12:00:00Z'), 0, 0, '') + 'fingerpr';
    expect(s).toStrictEqual({
      keys: ['email:raya@example.com', 'id:5', 'phone:+15550109999'],
      v: { contactId: 5, name: 'Raya Khan', email: 'Raya@Example.com', phone: '+1 555 010 9999' },
      t: { contactId: stamp, name: stamp, email: stamp, phone: stamp, outcome: stamp },
      created: null,
      status: null,
      call: null,
      outcome: { outcome: 'SALE', reason: 'NOT_INTERESTED', objection: 'PRICE', product: 'Coaching', value: 1500.5 },
      qualified: true,
      booked: true,
      counted: [],
    });
  });

  it('an outcome value is dealValue, else deal.value, when it is a finite number or numeric text', () => {
    const value = (extra: Record<string, FieldValue>) =>
      state('callOutcome', { contactId: 5, callOutcome: 'SALE', ...extra })!.outcome!.value;
    expect(value({ dealValue: 2500 })).toBe(2500);
    expect(value({ dealValue: 'abc', 'deal.value': 99 })).toBe(99);
    expect(value({ dealValue: '  ', 'deal.value': '12' })).toBe(12);
    expect(value({ dealValue: true, 'deal.value': 'n/a' })).toBeNull();
    expect(value({})).toBeNull();
    // An outcome event without an outcome code sets no outcome, yet the lead was booked.
    const none = state('callOutcome', { contactId: 5 })!;
    expect([none.outcome, Object.keys(none.t), none.booked]).toEqual([null, ['contactId'], true]);
  });

  it('the first field of a repeated path counts, as the event version reads it', () => {
    const s = eventState(
      'contactUpdated',
      [
        { path: 'email', value: 'first@x.io' },
        { path: 'email', value: 'second@x.io' },
      ],
      FP,
      RECEIVED,
    )!;
    expect(s.keys).toEqual(['email:first@x.io']);
  });

  it('an event naming no key, or of a hook the pipeline does not follow, says nothing', () => {
    expect(state('callBooked', { 'event.uuid': 'call-1' })).toBeNull();
    expect(state('contactCreated', { firstName: 'Raya', email: 'not an address' })).toBeNull();
    expect(state('other' as HookId, { email: 'a@x.io' })).toBeNull();
  });
});
