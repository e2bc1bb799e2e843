/** The menu's self-test dialog, test deliveries, setup and token rotation, replay and the sidebar's state and saves, through the built bundle. */
import { startApp } from './helpers/harness';

const FIRST_REQUIRED = 'getValues returns Number/Boolean/Date/String with "" for empty cells, rectangular';
const APOSTROPHE_CASE = 'a Plain-text (@) cell does not give a leading apostrophe back';

describe('the self-test dialog', () => {
  it('marks a failed required check ❌ with its message, a differing informational one ℹ️, and shows the at-risk verdict in red', () => {
    // In this world the informational apostrophe case differs; the first required case is made to fail by the platform.
    const h = startApp({ keepApostropheInPlainText: true });
    let scratchSheets = 0;
    h.runtime.observeCalls((key) => {
      if (key === 'Spreadsheet.insertSheet') scratchSheets += 1;
      else if (scratchSheets === 1 && key === 'Sheet.getRange') {
        scratchSheets += 1;
        throw new Error('Service <Spreadsheets> failed & "stopped"');
      }
    });
    const report = h.app.call<any>('editor', 'showSelfTest');
    h.runtime.observeCalls(null);
    expect(report.safe).toBe(false);
    const html = h.runtime.ui.dialogs.at(-1)!.html;
    expect(html).toContain(
      `<p style="color:#c5221f"><b>Deliveries are at risk on this account: 1 required check failed. &#34;${FIRST_REQUIRED.replace(/"/g, '&#34;')}&#34;: headers, keys and fingerprints are read back wrongly, so upserts and duplicate detection fail.</b></p>`,
    );
    expect(html).toContain(
      `<tr><td>❌</td><td>${FIRST_REQUIRED.replace(/"/g, '&#34;')}<br><small>Service &#60;Spreadsheets&#62; failed &#38; &#34;stopped&#34;</small></td></tr>`,
    );
    expect(html).toContain(
      `<tr><td>ℹ️</td><td>${APOSTROPHE_CASE}<br><small>&#34;&#39;00123&#34; in a text cell: expected &#34;00123&#34;, got &#34;&#39;00123&#34;</small></td></tr>`,
    );
    expect(html).toContain(`<tr><td>✅</td><td>numeric text with leading zeros becomes a number</td></tr>`);
    expect(html).toContain(`<h3>Required checks (${report.required.passed} passed, 1 differ)</h3>`);
    expect(html).toContain(`<h3>Informational checks (${report.informational.passed} passed, 1 differ)</h3>`);
  });
});
