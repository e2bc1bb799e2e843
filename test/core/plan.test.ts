/** Unit tests of the write plan's outcomes: which one stands for a delivery, fingerprint cells, stale versions and the summary. */
import { makeStamp } from '../../src/core/pipeline';
import { addFingerprint, cellVersion, isStale, summarize, type Outcome } from '../../src/core/plan';

/**
 * The module loaded afresh inside the test that calls this, so the lists it builds at load time (the severity
 * order, the replayable outcomes) are part of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshPlan(): typeof import('../../src/core/plan') {
  let plan: typeof import('../../src/core/plan') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    plan = require('../../src/core/plan');
  });
  return plan!;
}
const deliveryOutcome = (outcomes: Outcome[]) => freshPlan().deliveryOutcome(outcomes);

describe('deliveryOutcome', () => {
  /** Most serious first. */
  const order: Outcome[] = ['failed', 'queued', 'unrouted', 'appended', 'updated', 'skipped', 'stale', 'duplicate'];
  it.each(order.map((o, i) => [o, i] as const))('%s stands for a delivery whose other events are all less serious', (outcome, i) => {
    expect(deliveryOutcome([...order.slice(i)].reverse())).toBe(outcome);
    expect(deliveryOutcome([outcome])).toBe(outcome);
  });
  it('a delivery without events counts as failed', () => {
    expect(deliveryOutcome([])).toBe('failed');
  });
  it('the deliveries kept for replay are the failed, queued and unrouted ones', () => {
    expect([...freshPlan().REPLAYABLE].sort()).toEqual(['failed', 'queued', 'unrouted']);
  });
});

describe('fingerprint cells', () => {
  it('moves a fingerprint seen again to the newest place instead of keeping it twice', () => {
    expect(addFingerprint('v:0abc fpA fpB', 'fpA')).toBe('v:0abc fpB fpA');
    expect(addFingerprint('fpA  fpB', 'fpB')).toBe('fpA fpB');
  });
  it('reads no version from a cell holding only fingerprints', () => {
    expect(cellVersion('fpA fpB')).toBeNull();
    expect(cellVersion('')).toBeNull();
    expect(cellVersion('fpA v:0abc1')).toBe('0abc1');
  });
});

describe('isStale', () => {
  const digitsOnly = makeStamp(1, 1, 0, '');
  it('an event without a version is never stale, even against a version made of digits only', () => {
    expect(digitsOnly).toMatch(/^\d+$/);
    expect(isStale(null, digitsOnly)).toBe(false);
  });
  it('nothing is stale against a row without a version', () => {
    for (const incoming of [digitsOnly, '-1', '0abc']) expect(isStale(incoming, null)).toBe(false);
  });
});

describe('summarize', () => {
  it('counts each outcome once, in the order first seen', () => {
    expect(summarize(['appended', 'duplicate', 'appended', 'failed', 'appended'])).toBe('3 appended, 1 duplicate, 1 failed');
    expect(summarize(['updated'])).toBe('1 updated');
    expect(summarize([])).toBe('');
  });
});
