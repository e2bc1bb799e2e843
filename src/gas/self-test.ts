/** The in-sheet self-test: the fidelity cases, run in this spreadsheet on scratch sheets that are removed afterwards. */
import { errorText } from '../core/errors';
import { selfTestReport, type SelfTestReport } from '../core/self-test-report';
import { FIDELITY_CASES } from '../selftest/fidelity-cases';

/** Runs the fidelity cases on scratch sheets in this spreadsheet, removing them afterwards; the verdict comes from the required ones. */
export function selfTest(): SelfTestReport {
  const spreadsheet = SpreadsheetApp.getActive();
  const cases = FIDELITY_CASES.map((c) => {
    const sheet = spreadsheet.insertSheet(`iclosed-selftest-${Utilities.getUuid().slice(0, 8)}`);
    const base = { name: c.name, source: c.source, required: c.required, risk: c.required ? (c.risk ?? '') : '' };
    try {
      c.run(sheet);
      return { ...base, ok: true, message: '' };
    } catch (err) {
      return { ...base, ok: false, message: errorText(err) };
    } finally {
      spreadsheet.deleteSheet(sheet);
    }
  });
  return selfTestReport(cases);
}
