/** The in-sheet self-test: the fidelity cases, run in this spreadsheet on scratch sheets that are removed afterwards. */
import { errorText } from '../core/errors';
import type { SelfTestReport } from '../core/sidebar-api';
import { FIDELITY_CASES } from '../selftest/fidelity-cases';

/** Runs the fidelity cases on scratch sheets in this spreadsheet, removing them afterwards. */
export function selfTest(): SelfTestReport {
  const spreadsheet = SpreadsheetApp.getActive();
  const cases = FIDELITY_CASES.map((c) => {
    const sheet = spreadsheet.insertSheet(`iclosed-selftest-${Utilities.getUuid().slice(0, 8)}`);
    try {
      c.run(sheet);
      return { name: c.name, source: c.source, ok: true, message: '' };
    } catch (err) {
      return { name: c.name, source: c.source, ok: false, message: errorText(err) };
    } finally {
      spreadsheet.deleteSheet(sheet);
    }
  });
  const passed = cases.filter((c) => c.ok).length;
  return { passed, failed: cases.length - passed, cases };
}
