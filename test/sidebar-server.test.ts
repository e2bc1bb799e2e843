/** The menu's self-test dialog, test deliveries, setup and token rotation, replay and the sidebar's state and saves, through the built bundle. */
import { payload, startApp, WEB_APP_URL, type Harness } from './helpers/harness';

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

const KNOWN_HOOKS = 'contactCreated, contactByStatus, contactUpdated, callBooked, callCancelled, callRescheduled, callOutcome';
const TOKEN_RULE = 'A webhook token must be 22 to 128 letters, digits, "-" or "_".';

const scriptProperties = (h: Harness): Record<string, string> => h.runtime.toJSON().properties.script;
const propertyWrites = (h: Harness): number =>
  Object.entries(h.runtime.calls.byMethod)
    .filter(([key]) => /^Properties\.(set|delete)/.test(key))
    .reduce((sum, [, n]) => sum + n, 0);

describe('setupWebhook', () => {
  it('refuses a malformed token with the rule and keeps the current one', () => {
    const h = startApp();
    expect(() => h.app.call('editor', 'setupWebhook', { token: 'short' })).toThrow(TOKEN_RULE);
    expect(() => h.app.call('editor', 'setupWebhook', { token: 42 })).toThrow(TOKEN_RULE);
    expect(h.app.call<any>('editor', 'setupWebhook').token).toBe(h.token);
  });

  it('takes a valid token; no token, null, "", {} or a bare string keep the current one', () => {
    const h = startApp();
    for (const options of [undefined, { token: null }, { token: '' }, {}, 'x'.repeat(30)])
      expect(h.app.call<any>('editor', 'setupWebhook', options).token).toBe(h.token);
    const chosen = 'Chosen_token-0123456789';
    const info = h.app.call<any>('editor', 'setupWebhook', { token: chosen });
    expect(info).toMatchObject({ token: chosen, url: `${WEB_APP_URL}?token=${chosen}`, spreadsheetId: h.runtime.boundSpreadsheetId });
    expect(h.post(payload('call-booked'), { token: chosen }).ok).toBe(true);
    expect(h.post(payload('call-booked'), { token: h.token }).error.code).toBe('unauthorized');
  });

  it('opening the sidebar again, or giving the current token again, writes no script property', () => {
    const h = startApp();
    const before = propertyWrites(h);
    h.app.call('editor', 'showSidebar');
    h.app.call('editor', 'setupWebhook', { token: h.token });
    expect(propertyWrites(h)).toBe(before);
  });

  it("remembers the spreadsheet's time zone again once the user changes it", () => {
    const h = startApp();
    expect(scriptProperties(h)['spreadsheet.timeZone']).toBe('Etc/UTC');
    h.asUser((spreadsheet) => spreadsheet.setSpreadsheetTimeZone('America/New_York'));
    h.app.call('editor', 'showSidebar');
    expect(scriptProperties(h)['spreadsheet.timeZone']).toBe('America/New_York');
  });
});

describe('sendTestDelivery', () => {
  it('answers the row it wrote, with no message when nothing went wrong', () => {
    const h = startApp();
    expect(h.app.call<any>('editor', 'sendTestDelivery', 'callBooked')).toEqual({
      ok: true,
      hook: 'Call booked',
      action: 'appended',
      sheet: 'Call booked',
      row: 2,
      message: '',
    });
  });

  it("reports a delivery the web app could not take as failed, with the web app's error", () => {
    const h = startApp();
    let reads = 0;
    // The first read is setup's; the second is the delivery's own, which fails.
    h.runtime.observeCalls((key) => {
      if (key === 'Properties.getProperties' && ++reads === 2) throw new Error('Service unavailable');
    });
    const result = h.app.call<any>('editor', 'sendTestDelivery', 'callCancelled');
    h.runtime.observeCalls(null);
    expect(result).toEqual({
      ok: false,
      hook: 'Call cancelled',
      action: 'failed',
      sheet: '',
      row: null,
      message: "Could not read the script's settings: Service unavailable. iClosed will retry.",
    });
  });

  it('refuses an unknown hook id, naming what it was given and the known ids', () => {
    const h = startApp();
    const refusal = (given: unknown) => () => h.app.call('editor', 'sendTestDelivery', given);
    expect(refusal('x'.repeat(50))).toThrow(`Unknown hook id: "${'x'.repeat(40)}". Known: ${KNOWN_HOOKS}.`);
    expect(refusal(null)).toThrow(`Unknown hook id: a value of type null. Known: ${KNOWN_HOOKS}.`);
    expect(refusal(7)).toThrow(`Unknown hook id: a value of type number. Known: ${KNOWN_HOOKS}.`);
  });
});

describe('saveSettings and previewSettings', () => {
  it('refuse anything but a settings object, saving nothing', () => {
    const h = startApp();
    const saved = scriptProperties(h).settings;
    for (const fn of ['saveSettings', 'previewSettings'])
      for (const input of [null, undefined, 'settings', 7, []])
        expect(h.app.call<any>('editor', fn, input)).toEqual({ ok: false, error: 'Settings must be an object; nothing was saved.' });
    expect(scriptProperties(h).settings).toBe(saved);
  });
});
