/** The sidebar's self-test report: the verdict from the required checks, then each group of checks apart. */
import type { SelfTestCaseResult, SelfTestReport } from '../core/self-test-report';
import { h } from './dom';

function caseItem(c: SelfTestCaseResult): HTMLLIElement {
  const mark = c.ok ? '✓' : c.required ? '✗' : '•';
  return h(
    'li',
    { className: c.ok ? 'st-ok' : c.required ? 'st-fail' : 'st-info' },
    `${mark} ${c.name}`,
    c.ok ? null : h('div', { className: 'hint' }, c.message),
    !c.ok && c.required ? h('div', { className: 'hint' }, `What this means: ${c.risk}`) : null,
  );
}

/** The report's elements: verdict, required checks (failures first), informational checks (differences first) in a closed list. */
export function selfTestView(report: SelfTestReport): HTMLElement[] {
  const failuresFirst = (cases: SelfTestCaseResult[]) => [...cases.filter((c) => !c.ok), ...cases.filter((c) => c.ok)];
  const required = failuresFirst(report.cases.filter((c) => c.required));
  const informational = failuresFirst(report.cases.filter((c) => !c.required));
  return [
    h('p', { className: `status ${report.safe ? 'ok' : 'error'}`, id: 'selftest-verdict' }, report.verdict),
    h('h3', {}, `Required checks: ${report.required.passed} passed, ${report.required.failed} failed`),
    h('ul', { className: 'st-list', id: 'selftest-required' }, ...required.map(caseItem)),
    h(
      'details',
      { id: 'selftest-informational', open: report.informational.failed > 0 },
      h('summary', {}, `Informational: ${report.informational.passed} as expected, ${report.informational.failed} differ`),
      h('p', { className: 'hint' }, 'How Google treats other input. A difference here does not put deliveries at risk.'),
      h('ul', { className: 'st-list' }, ...informational.map(caseItem)),
    ),
  ];
}
