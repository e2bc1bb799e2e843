/** The self-test's verdict: only required checks (behaviours the app depends on) decide it; informational ones are listed apart. */

/** One self-test case as run in the spreadsheet. */
export interface SelfTestCaseResult {
  name: string;
  source: string;
  /** True when the app depends on the behaviour; false for behaviours shown for information only. */
  required: boolean;
  /** For required cases: what a failure means for deliveries ("" for informational ones). */
  risk: string;
  ok: boolean;
  message: string;
}

/** Passed and failed counts of one group of cases. */
export interface SelfTestTally {
  passed: number;
  failed: number;
}

export interface SelfTestReport {
  /** True when every required case passed: deliveries are written as the app expects on this account. */
  safe: boolean;
  /** One sentence for the user: safe, or which required checks failed and what that means. */
  verdict: string;
  required: SelfTestTally;
  informational: SelfTestTally;
  cases: SelfTestCaseResult[];
}

export const SAFE_VERDICT = 'Your deliveries are safe on this account: every required check passed.';

function tally(cases: readonly SelfTestCaseResult[]): SelfTestTally {
  const passed = cases.filter((c) => c.ok).length;
  return { passed, failed: cases.length - passed };
}

/** The report for a list of case results: the verdict comes from the required cases alone. */
export function selfTestReport(cases: readonly SelfTestCaseResult[]): SelfTestReport {
  const required = cases.filter((c) => c.required);
  const failedRequired = required.filter((c) => !c.ok);
  const safe = failedRequired.length === 0;
  const verdict = safe
    ? SAFE_VERDICT
    : `Deliveries are at risk on this account: ${failedRequired.length} required check${failedRequired.length === 1 ? '' : 's'} failed. ` +
      failedRequired.map((c) => `"${c.name}": ${c.risk}`).join(' ');
  return { safe, verdict, required: tally(required), informational: tally(cases.filter((c) => !c.required)), cases: [...cases] };
}
