/** The self-test's verdict: required checks decide it, informational ones never do. */
import { SAFE_VERDICT, type SelfTestCaseResult } from '../../src/core/self-test-report';
import { FIDELITY_CASES } from '../../src/selftest/fidelity-cases';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (the safe verdict) is part
 * of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshReport(): typeof import('../../src/core/self-test-report') {
  let mod: typeof import('../../src/core/self-test-report') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/self-test-report');
  });
  return mod!;
}

const selfTestReport = (cases: SelfTestCaseResult[]) => freshReport().selfTestReport(cases);

const result = (name: string, required: boolean, ok: boolean, risk = ''): SelfTestCaseResult => ({
  name,
  source: 's',
  required,
  risk,
  ok,
  message: ok ? '' : `${name} differs`,
});

describe('selfTestReport', () => {
  it('is safe when every required case passes, whatever the informational ones say', () => {
    const report = selfTestReport([
      result('lookup', true, true, 'duplicates'),
      result('ISO with T', false, false),
      result('+123', false, false),
    ]);
    expect(report.safe).toBe(true);
    expect(report.verdict).toBe(SAFE_VERDICT);
    expect(report.verdict).toMatch(/^Your deliveries are safe on this account/);
    expect(report.required).toEqual({ passed: 1, failed: 0 });
    expect(report.informational).toEqual({ passed: 0, failed: 2 });
  });
  it('is not safe when a required case fails, and names it with what it means', () => {
    const report = selfTestReport([
      result('lookup on a Plain-text column', true, false, 'upserts add duplicate rows.'),
      result('A1 notation', true, true, 'x'),
      result('ISO with T', false, true),
    ]);
    expect(report.safe).toBe(false);
    expect(report.verdict).not.toMatch(/safe on this account/);
    expect(report.verdict).toContain('1 required check failed');
    expect(report.verdict).toContain('"lookup on a Plain-text column": upserts add duplicate rows.');
    expect(report.verdict).not.toContain('ISO with T');
    expect(report.required).toEqual({ passed: 1, failed: 1 });
  });
  it('counts several failed required checks and names each, one after the other', () => {
    const report = selfTestReport([
      result('lookup', true, false, 'upserts add duplicate rows.'),
      result('formats', true, false, 'numbers turn into dates.'),
      result('ISO with T', false, false),
    ]);
    expect(report.verdict).toBe(
      'Deliveries are at risk on this account: 2 required checks failed. "lookup": upserts add duplicate rows. "formats": numbers turn into dates.',
    );
    expect(report.required).toEqual({ passed: 0, failed: 2 });
  });
  it('keeps every case in the report, in order', () => {
    const cases = [result('a', false, true), result('b', true, false, 'r'), result('c', false, false)];
    expect(selfTestReport(cases).cases.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('fidelity cases', () => {
  it('each says whether the app depends on it; a required one says what its failure means', () => {
    for (const c of FIDELITY_CASES) {
      expect(typeof c.required).toBe('boolean');
      if (c.required) expect((c.risk ?? '').length).toBeGreaterThan(20);
    }
  });
  it('behaviours the app does not depend on are informational', () => {
    const informational = (pattern: RegExp) => FIDELITY_CASES.filter((c) => pattern.test(c.name)).map((c) => c.required);
    expect(informational(/ISO 8601 text with T/)).toEqual([false]);
    expect(informational(/leading \+ followed by a number/)).toEqual([false]);
    expect(informational(/plain-text format \(@\) still makes a formula/)).toEqual([false]);
    expect(FIDELITY_CASES.filter((c) => c.required).length).toBeGreaterThan(5);
  });
});
