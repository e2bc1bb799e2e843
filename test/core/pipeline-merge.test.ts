/** Unit tests of a lead's merged state: the current call, the order-proof merge (ties, flags, created-at, the counter cap) and the join rule's choice of rows. */
import {
  callTokens,
  currentCall,
  emptyState,
  joinTargets,
  makeStamp,
  mergeEvent,
  mergeStates,
  type CallInfo,
  type LeadState,
} from '../../src/core/pipeline';

const lead = (patch: Partial<LeadState>): LeadState => ({ ...emptyState(), ...patch });
/** The slot token of a time: its ms in base 36, nine digits. */
const slot = (iso: string): string => makeStamp(Date.parse(iso), 0, 0, '').slice(0, 9);
const stamp = (iso: string, tie = 'fp'): string => makeStamp(Date.parse(iso), 0, 0, tie);
const call = (patch: Partial<CallInfo> = {}): CallInfo => ({
  id: 'c1',
  start: '2025-05-12T09:00:00.000Z',
  closer: 'Cleo',
  setter: null,
  state: 'booked',
  ...patch,
});
const S = '2025-05-12T09:00:00.000Z';
const T = '2025-05-14T09:00:00.000Z';
const U = '2025-05-16T09:00:00.000Z';

describe('the current call', () => {
  it('is none without a call, and the register itself when its call never moved', () => {
    expect(currentCall(emptyState())).toBeNull();
    const booked = lead({ call: call(), counted: ['k:c1', `x:c1:${slot(T)}`] });
    expect(currentCall(booked)).toBe(booked.call);
  });
  it('follows the moves of its own call only', () => {
    // Call c2 (an id of the same length) was moved away from the slot c1 is booked at.
    const other = lead({ call: call(), counted: [`m:c2:${slot(S)}>${slot(T)}`] });
    expect(currentCall(other)).toEqual(call());
    const own = lead({ call: call(), counted: [`m:c1:${slot(S)}>${slot(T)}`] });
    expect(currentCall(own)).toEqual(call({ start: T, state: 'rescheduled' }));
  });
  it('takes the later new slot of two moves away from one slot, whatever the token order', () => {
    const moves = [`m:c1:${slot(S)}>${slot(U)}`, `m:c1:${slot(S)}>${slot(T)}`];
    expect(currentCall(lead({ call: call(), counted: moves }))?.start).toBe(U);
    expect(currentCall(lead({ call: call(), counted: [...moves].reverse() }))?.start).toBe(U);
  });
  it('is cancelled when the slot its moves end at was cancelled, and stops at a move back to a slot it passed', () => {
    const cancelledAtEnd = lead({ call: call(), counted: [`m:c1:${slot(S)}>${slot(T)}`, `x:c1:${slot(T)}`] });
    expect(currentCall(cancelledAtEnd)).toEqual(call({ start: T, state: 'cancelled' }));
    const loop = lead({ call: call(), counted: [`m:c1:${slot(S)}>${slot(T)}`, `m:c1:${slot(T)}>${slot(S)}`] });
    expect(currentCall(loop)).toEqual(call({ start: T, state: 'rescheduled' }));
  });
  it('lists the calls a lead holds', () => {
    expect(callTokens({ counted: ['c:c1:x', 'k:c1', 'm:c1:a>b', 'k:c2', 'xk:c3'] })).toEqual(['k:c1', 'k:c2']);
  });
});

describe('the merge', () => {
  it('of two empty states is an empty state', () => {
    expect(mergeStates(emptyState(), emptyState())).toStrictEqual(emptyState());
  });
  it('takes each value and register from the newer stamp, whichever side it is on', () => {
    const older = lead({
      v: { name: 'Old', email: 'a@x.io' },
      t: { name: stamp('2025-05-01T00:00:00Z'), email: stamp('2025-05-01T00:00:00Z'), status: stamp('2025-05-03T00:00:00Z') },
      status: 'QUALIFIED',
    });
    const newer = lead({
      v: { name: 'New' },
      t: { name: stamp('2025-05-02T00:00:00Z'), status: stamp('2025-05-02T00:00:00Z'), call: stamp('2025-05-02T00:00:00Z') },
      status: 'POTENTIAL',
      call: call(),
    });
    const expected = {
      v: { name: 'New', email: 'a@x.io' },
      t: { name: newer.t.name, email: older.t.email, status: older.t.status, call: newer.t.call },
      status: 'QUALIFIED',
      call: call(),
    };
    for (const merged of [mergeStates(older, newer), mergeStates(newer, older)]) {
      expect({ v: merged.v, t: merged.t, status: merged.status, call: merged.call }).toStrictEqual(expected);
    }
  });
  it('keeps the rows’ version when an event carries the same stamp (reading an event again changes nothing)', () => {
    const t = stamp('2025-05-01T00:00:00Z');
    const row = lead({
      keys: ['id:5'],
      v: { name: 'Raya Khan' },
      t: { name: t, outcome: t },
      outcome: { outcome: 'SALE', reason: null, objection: null, product: null, value: 10 },
    });
    const again = lead({
      keys: ['id:5'],
      v: { name: 'Raya' },
      t: { name: t, outcome: t },
      outcome: { outcome: 'NO_SALE', reason: null, objection: null, product: null, value: null },
    });
    const merged = mergeEvent([row], again);
    expect(merged.v.name).toBe('Raya Khan');
    expect(merged.outcome?.outcome).toBe('SALE');
  });
  it('merges several rows in row order, then the event', () => {
    const a = lead({ keys: ['email:a@x.io'], v: { name: 'A' }, t: { name: stamp('2025-05-01T00:00:00Z') }, counted: ['k:c1'] });
    const b = lead({ keys: ['id:5'], v: { phone: '+123456' }, t: { phone: stamp('2025-05-01T00:00:00Z') }, qualified: true });
    const ev = lead({ keys: ['email:a@x.io', 'id:5'], v: { name: 'E' }, t: { name: stamp('2025-05-02T00:00:00Z') }, booked: true });
    expect(mergeEvent([a, b], ev)).toStrictEqual({
      ...emptyState(),
      keys: ['email:a@x.io', 'id:5'],
      v: { name: 'E', phone: '+123456' },
      t: { name: ev.t.name, phone: b.t.phone },
      qualified: true,
      booked: true,
      counted: ['k:c1'],
    });
  });
  it('keeps a flag set by either side', () => {
    const set = lead({ qualified: true, booked: true });
    const unset = lead({});
    for (const merged of [mergeStates(set, unset), mergeStates(unset, set)])
      expect([merged.qualified, merged.booked]).toEqual([true, true]);
    expect([mergeStates(unset, unset).qualified, mergeStates(unset, unset).booked]).toEqual([false, false]);
    const onlyBooked = mergeStates(lead({ booked: true }), lead({ qualified: true }));
    expect([onlyBooked.qualified, onlyBooked.booked]).toEqual([true, true]);
  });
  it('keeps at most 200 counted events, the union sorted', () => {
    const many = (prefix: string) => Array.from({ length: 150 }, (_, i) => `${prefix}:${String(i).padStart(3, '0')}`);
    const merged = mergeStates(lead({ counted: many('r') }), lead({ counted: many('c') }));
    expect(merged.counted).toHaveLength(200);
    expect(merged.counted[0]).toBe('c:000');
    expect(merged.counted[199]).toBe('r:049');
    expect(mergeStates(lead({ counted: ['r:b', 'k:a'] }), lead({ counted: ['k:a', 'c:z'] })).counted).toEqual(['c:z', 'k:a', 'r:b']);
  });
  it('keeps the earliest created-at by time, whatever its offset, and the same one in either order on a tie', () => {
    const created = (a: string | null, b: string | null) => [
      mergeStates(lead({ created: a }), lead({ created: b })).created,
      mergeStates(lead({ created: b }), lead({ created: a })).created,
    ];
    expect(created('2025-05-02T00:00:00.000Z', '2025-05-01T00:00:00.000Z')).toEqual([
      '2025-05-01T00:00:00.000Z',
      '2025-05-01T00:00:00.000Z',
    ]);
    // 10:00 at -05:00 is 15:00Z: later than 12:00Z although its text sorts first.
    expect(created('2025-01-01T10:00:00-05:00', '2025-01-01T12:00:00Z')).toEqual(['2025-01-01T12:00:00Z', '2025-01-01T12:00:00Z']);
    // One instant written two ways: the smaller text wins, in either order.
    expect(created('2025-01-01T00:00:00Z', '2025-01-01T00:00:00.000Z')).toEqual(['2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
    expect(created(null, '2025-01-01T00:00:00Z')).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z']);
    expect(created(null, null)).toEqual([null, null]);
  });
});

describe('the join rule', () => {
  const c = (ref: string, keys: string[], calls?: string[]) => ({ ref, keys, calls });
  it('joins a call event to the lead holding its call, even when its email is best matched by another contact', () => {
    const rows = [c('row2', ['id:6', 'email:a@x']), c('row3', ['id:7', 'phone:+1555'], ['k:call-1'])];
    expect(joinTargets(['email:a@x', 'phone:+1555'], rows, ['k:call-1'])).toEqual(['row3']);
    expect(joinTargets(['email:a@x', 'phone:+1555'], rows, ['k:call-2'])).toEqual(['row2']);
    expect(joinTargets(['email:a@x', 'phone:+1555'], rows)).toEqual(['row2']);
  });
  it('lets an event’s own contact id decide over the call it names', () => {
    const rows = [c('row2', ['id:5', 'email:a@x']), c('row3', ['id:7', 'email:a@x'], ['k:call-1'])];
    expect(joinTargets(['id:5', 'email:a@x'], rows, ['k:call-1'])).toEqual(['row2']);
  });
  it('without an id on the event: an email match beats a phone match, then the smallest id wins', () => {
    expect(joinTargets(['email:a@x', 'phone:+1555'], [c('row2', ['id:6', 'phone:+1555']), c('row3', ['id:7', 'email:a@x'])])).toEqual([
      'row3',
    ]);
    expect(
      joinTargets(['email:a@x', 'phone:+1555'], [c('row2', ['id:7', 'email:a@x']), c('row3', ['id:6', 'phone:+1555', 'email:a@x'])]),
    ).toEqual(['row3']);
    expect(
      joinTargets(['email:a@x'], [c('row2', ['id:8', 'email:a@x']), c('row3', ['id:6', 'email:a@x']), c('row4', ['id:7', 'email:a@x'])]),
    ).toEqual(['row3']);
  });
  it('joins rows without an id alongside the contact it chose, and only them when no row has an id', () => {
    expect(joinTargets(['email:a@x'], [c('row2', ['email:a@x']), c('row3', ['id:7', 'email:a@x'])])).toEqual(['row2', 'row3']);
    expect(joinTargets(['email:a@x', 'phone:+1555'], [c('row2', ['email:a@x']), c('row3', ['phone:+1555'])])).toEqual(['row2', 'row3']);
  });
});
