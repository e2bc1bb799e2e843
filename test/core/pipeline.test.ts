/** Unit tests of the pipeline core: join keys, event states, the order-proof merge, the join rule, funnel buckets and deltas. */
import { flattenEvent } from '../../src/core/flatten';
import { HOOKS, type HookId } from '../../src/core/hooks';
import { addLead, applyLeadDelta, emptyFunnel, funnelFromStates, leadMetrics, monthKey, weekKey, type Zone } from '../../src/core/funnel';
import {
  currentCall,
  emptyState,
  eventState,
  joinTargets,
  mergeStates,
  normalizeEmail,
  normalizePhone,
  type LeadState,
} from '../../src/core/pipeline';
import { statusOf } from '../../src/core/pipeline-row';

/** A zone backed by Node's Intl (the bundle uses Utilities.formatDate instead). */
const zone = (id: string): Zone => ({
  id,
  localDate: (ms) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: id, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms)),
});

const example = (id: HookId, patch: (e: any) => void = () => {}): LeadState => {
  const event = JSON.parse(JSON.stringify(HOOKS.find((h) => h.id === id)!.example[0]));
  patch(event);
  return eventState(id, flattenEvent(event), `fp-${id}-${JSON.stringify(event).length}`, 0)!;
};

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('join keys', () => {
  it('normalises emails case-insensitively and phones to digits with a leading +', () => {
    expect(normalizeEmail('  Raya@Example.COM ')).toBe('raya@example.com');
    expect(normalizeEmail('not an email')).toBeNull();
    expect(normalizePhone('+1 (555) 010-9999')).toBe('+15550109999');
    expect(normalizePhone('0049 151 1234')).toBe('00491511234');
    expect(normalizePhone('12')).toBeNull();
    expect(normalizePhone(null)).toBeNull();
  });
  it('takes the contact id from contact hooks and outcomes, never from call hooks', () => {
    expect(example('contactCreated').keys).toEqual(['email:zogiji@example.com', 'id:5', 'phone:+1234567890']);
    expect(example('callOutcome').keys).toEqual(['email:zogiji@example.com', 'id:5', 'phone:+1234567890']);
    expect(example('callBooked').keys).toEqual(['email:zogiji@example.com', 'phone:+1234567890']);
    expect(eventState('callBooked', flattenEvent({ event: { uuid: '1' } }), 'fp', 0)).toBeNull();
  });
});

describe('the merge', () => {
  const journey = [
    example('contactCreated'),
    example('contactUpdated'),
    example('callBooked'),
    example('callRescheduled'),
    example('callCancelled'),
    example('callOutcome'),
  ];
  it('gives the same state in every order, and redeliveries change nothing', () => {
    const fold = (states: LeadState[]) => JSON.stringify(states.reduce((a, s) => mergeStates(a, s), emptyState()));
    const expected = fold(journey);
    for (const order of permutations(journey)) expect(fold(order)).toBe(expected);
    expect(fold([...journey, ...journey])).toBe(expected);
  });
  it('lets outcome and call speak over the contact status, the newer of them winning', () => {
    const all = journey.reduce((a, s) => mergeStates(a, s), emptyState());
    expect(statusOf(all)).toBe('Sale'); // the outcome (May 13) is newer than the cancellation (May 12)
    // A cancellation after the reschedule names the new slot (May 14).
    const cancelledLater = mergeStates(
      all,
      example('callCancelled', (e) => {
        e.event.canceled_at = '2025-05-20T00:00:00Z';
        e.event.utc_start_time = '2025-05-14T09:00:00+00:00';
      }),
    );
    expect(statusOf(cancelledLater)).toBe('Call cancelled');
    expect(cancelledLater.counted.filter((k) => k.startsWith('c:'))).toHaveLength(2);
    expect(statusOf(mergeStates(example('contactCreated'), example('contactUpdated')))).toBe('Qualified');
  });
  it('keeps the earliest created-at and never erases a value with an empty one', () => {
    const noEmail = example('contactUpdated', (e) => {
      e.email = null;
      e.updatedAt = '2030-01-01T00:00:00Z';
    });
    const merged = mergeStates(example('contactCreated'), noEmail);
    expect(merged.v.email).toBe('zogiji@example.com');
    expect(merged.created).toBe('2025-05-09T15:28:40.783Z');
    expect(mergeStates(merged, example('callBooked')).created).toBe('2025-05-09T15:28:40.000Z');
  });
});

describe('the join rule', () => {
  const c = (ref: string, keys: string[]) => ({ ref, keys });
  it('joins by id, else email, else phone, never across contact ids, merging every compatible row', () => {
    expect(joinTargets(['id:5', 'email:a@x'], [c('row2', ['id:5']), c('row3', ['email:a@x'])])).toEqual(['row2', 'row3']);
    expect(joinTargets(['id:5', 'email:a@x'], [c('row2', ['id:6', 'email:a@x'])])).toEqual([]);
    expect(joinTargets(['email:a@x'], [c('row2', ['id:6', 'phone:+1555']), c('row3', ['id:7', 'email:a@x'])])).toEqual(['row3']);
    expect(joinTargets(['email:a@x', 'phone:+1555'], [c('row2', ['phone:+1555']), c('row3', ['email:a@x'])])).toEqual(['row2', 'row3']);
    expect(joinTargets(['phone:+1555'], [c('row4', ['email:b@x'])])).toEqual([]);
  });
});

describe('funnel counters', () => {
  it('puts a lead in its week (from Monday) and month, in the spreadsheet time zone', () => {
    const sundayNightUtc = Date.parse('2025-05-11T23:30:00Z');
    expect(weekKey(sundayNightUtc, zone('Etc/UTC'))).toBe('week:2025-05-05');
    expect(weekKey(sundayNightUtc, zone('Asia/Karachi'))).toBe('week:2025-05-12');
    expect(monthKey(Date.parse('2025-05-31T22:00:00Z'), zone('Asia/Karachi'))).toBe('month:2025-06');
  });
  it('refuses a local date that is not yyyy-MM-dd instead of counting it in a wrong bucket', () => {
    expect(() => weekKey(0, { id: 'Etc/UTC', localDate: () => '01/01/1970' })).toThrow(/not yyyy-MM-dd/);
  });
  it('changes by deltas that add up to a count from scratch', () => {
    const s1 = mergeStates(example('contactCreated'), example('callBooked'));
    const s2 = mergeStates(s1, example('callOutcome'));
    const counters = emptyFunnel();
    applyLeadDelta(counters, null, s1, zone('Etc/UTC'));
    applyLeadDelta(counters, s1, s2, zone('Etc/UTC'));
    const scratch = emptyFunnel();
    addLead(scratch, leadMetrics(s2), 1, zone('Etc/UTC'));
    expect(counters).toEqual(scratch);
    expect(counters.buckets.all.total).toEqual([1, 1, 1, 1, 1, 5000]);
    applyLeadDelta(counters, s2, null, zone('Etc/UTC'));
    expect(counters.buckets.all).toEqual({ total: [0, 0, 0, 0, 0, 0], source: [], campaign: [], closer: [] });
    // Created on Friday May 9; counted on Tuesday May 13: last week's bucket is no longer kept, this month's is.
    expect(Object.keys(funnelFromStates([s2], Date.parse('2025-05-13T00:00:00Z'), zone('Etc/UTC')).buckets).sort()).toEqual([
      'all',
      'month:2025-05',
    ]);
    expect(Object.keys(funnelFromStates([s2], Date.parse('2025-05-10T00:00:00Z'), zone('Etc/UTC')).buckets).sort()).toEqual([
      'all',
      'month:2025-05',
      'week:2025-05-05',
    ]);
  });
});

describe('funnel semantics', () => {
  const fold = (states: LeadState[]) => states.reduce((a, s) => mergeStates(a, s), emptyState());
  const examples = (
    ['contactCreated', 'contactUpdated', 'contactByStatus', 'callBooked', 'callCancelled', 'callRescheduled', 'callOutcome'] as HookId[]
  ).map((id) => example(id));

  it('the seven examples: a call cancelled and then moved to a new slot is active, and its sale counts as held and booked', () => {
    const lead = fold(examples);
    expect(currentCall(lead)).toMatchObject({ state: 'rescheduled', start: '2025-05-14T09:00:00.000Z' });
    expect(leadMetrics(lead).counts).toEqual([1, 1, 1, 1, 1, 5000]);
  });
  it('a cancellation of the slot a call was moved to cancels it; one of the old slot does not', () => {
    const moved = fold([example('callBooked'), example('callRescheduled')]);
    const cancelNew = example('callCancelled', (e) => (e.event.utc_start_time = '2025-05-14T09:00:00+00:00'));
    expect(currentCall(mergeStates(moved, cancelNew))?.state).toBe('cancelled');
    expect(currentCall(mergeStates(moved, example('callCancelled')))?.state).toBe('rescheduled');
    expect(currentCall(fold([example('callBooked'), example('callCancelled')]))?.state).toBe('cancelled');
  });
  it('held follows the latest outcome: no-shows and cancellation reasons are not held, other outcomes are', () => {
    const outcome = (callOutcome: string, noSaleReason: string | null) =>
      leadMetrics(example('callOutcome', (e) => Object.assign(e, { callOutcome, noSaleReason }))).counts.slice(0, 5);
    expect(outcome('NO_SALE', 'NO_SHOW')).toEqual([1, 1, 1, 0, 0]);
    expect(outcome('NO_SALE', 'CONTACT_CANCELLED')).toEqual([1, 1, 1, 0, 0]);
    expect(outcome('REJECTED', 'ADMIN_CANCELLED')).toEqual([1, 1, 1, 0, 0]);
    expect(outcome('NO_SALE', 'NOT_INTERESTED')).toEqual([1, 1, 1, 1, 0]);
    expect(outcome('APPROVED', null)).toEqual([1, 1, 1, 1, 0]);
    expect(outcome('SALE', 'NO_SHOW')).toEqual([1, 1, 1, 1, 1]);
    // A booked call without an outcome yet is booked, not held.
    expect(leadMetrics(example('callBooked')).counts.slice(0, 5)).toEqual([1, 1, 1, 0, 0]);
  });
});
