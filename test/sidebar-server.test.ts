/** The menu's self-test dialog, test deliveries, setup and token rotation, replay and the sidebar's state and saves, through the built bundle. */
import { TOKEN_GRACE_MS } from '../src/core/auth';
import { loadApp } from '../local/load-app';
import { LocalRuntime } from '../local/runtime';
import { DIST, payload, startApp, WEB_APP_URL, type Harness } from './helpers/harness';

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
    for (const options of [undefined, null, { token: null }, { token: '' }, {}, 'x'.repeat(30)])
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

  it('settings longer than one property value are kept in chunks, and a shorter save leaves no chunk of the longer one behind', () => {
    const h = startApp();
    const settingsKeys = () => Object.keys(scriptProperties(h)).filter((k) => k === 'settings' || k.startsWith('settings#'));
    const chunks = (n: number) => Array.from({ length: n }, (_, i) => `settings#${i}`);
    const current = h.app.call<any>('editor', 'getSidebarState').settings;
    /** Every hook's columns spelt out, each label with `suffix`: the longer the suffix, the longer the stored settings. */
    const labelled = (suffix: string) => {
      const s = JSON.parse(JSON.stringify(current));
      for (const id of Object.keys(s.hooks))
        s.hooks[id].columns = s.hooks[id].columns.map((c: any) => ({ ...c, label: `${c.label}${suffix}` }));
      return s;
    };
    const label = () => h.app.call<any>('editor', 'getSidebarState').settings.hooks.callBooked.columns[0].label as string;

    expect(h.saveSettings(labelled(' (as iClosed sends it, kept)')).ok).toBe(true);
    const long = settingsKeys().length;
    expect(settingsKeys()).toEqual(chunks(long));
    expect(h.saveSettings(labelled(' (kept)')).ok).toBe(true);
    const shorter = settingsKeys().length;
    expect(shorter).toBeLessThan(long);
    expect(settingsKeys()).toEqual(chunks(shorter));
    // Read back whole: a chunk left from the longer save would be read on, and the settings would not parse.
    expect(label()).toBe(`${current.hooks.callBooked.columns[0].label} (kept)`);

    const plain = JSON.parse(JSON.stringify(current));
    for (const id of Object.keys(plain.hooks)) plain.hooks[id].columns = null;
    expect(h.saveSettings(plain).ok).toBe(true);
    expect(settingsKeys()).toEqual(['settings']);
  });
});

const REPLAY_OPTIONS = 'replayDeliveries takes nothing (replay all) or { limit, after } with whole numbers.';
const LIMIT_RULE = 'limit must be a whole number from 1 to 1000.';
const AFTER_RULE = 'after must be a whole number from 0 to 10000000.';

const replay = (h: Harness, options?: unknown): any =>
  options === undefined ? h.app.call('editor', 'replayDeliveries') : h.app.call('editor', 'replayDeliveries', options);
const logOutcomes = (h: Harness) => h.rows('Webhook log').map((r) => r.Outcome);
const unloggedKeys = (h: Harness) => Object.keys(scriptProperties(h)).filter((k) => k.startsWith('unlogged/'));

/** A delivery the Webhook log could not take, kept in script properties as the app keeps one (src/gas/log.ts). */
function keepUnlogged(h: Harness, id: string, contents: string, property = `unlogged/000001700000000-000001-${id}`): void {
  const delivery = { id, receivedAt: 1_700_000_000_000, contents, contentType: 'application/json', parameter: {}, query: '' };
  h.runtime.execute('editor', () =>
    (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
      .getScriptProperties()
      .setProperty(property, JSON.stringify(delivery)),
  );
}

describe('replayDeliveries', () => {
  it('refuses options other than nothing or { limit, after } with whole numbers in range, naming the rule', () => {
    const h = startApp();
    for (const options of ['all', null, [], 5]) expect(() => replay(h, options)).toThrow(REPLAY_OPTIONS);
    for (const limit of [0, 1001, 2.5, '5', null]) expect(() => replay(h, { limit })).toThrow(LIMIT_RULE);
    for (const after of [-1, 10_000_001, 1.5, '0']) expect(() => replay(h, { after })).toThrow(AFTER_RULE);
    for (const options of [{}, { limit: 1 }, { limit: 1000 }, { after: 0 }, { after: 10_000_000 }, { limit: 1, after: 0 }])
      expect(replay(h, options)).toEqual({ replayed: 0, remaining: 0, lastRow: options.after ?? 0, outcomes: [] });
  });

  it('from the menu replays everything and says so in a toast; from the sidebar it shows no toast', () => {
    const h = startApp();
    expect(replay(h)).toEqual({ replayed: 0, remaining: 0, lastRow: 0, outcomes: [] });
    expect(h.runtime.ui.toasts.at(-1)!.message).toBe('Replayed 0 deliveries: nothing to replay.');
    h.post('{"broken": 1');
    h.post('{"broken": 2');
    h.post([{ hookType: 'Mystery', id: 3 }]);
    expect(replay(h)).toEqual({ replayed: 3, remaining: 0, lastRow: 4, outcomes: ['failed', 'failed', 'unrouted'] });
    expect(h.runtime.ui.toasts.at(-1)!.message).toBe('Replayed 3 deliveries: 2 failed, 1 unrouted.');
    const toasts = h.runtime.ui.toasts.length;
    expect(replay(h, { limit: 5 })).toMatchObject({ replayed: 3, remaining: 0 });
    expect(h.runtime.ui.toasts.length).toBe(toasts);
  });

  it('replays deliveries the log could not take first, in batches, each getting its log row, then the log rows', () => {
    const h = startApp();
    h.post('{"broken": 1');
    keepUnlogged(h, 'first', '{"broken": "first"');
    keepUnlogged(h, 'second', JSON.stringify([{ hookType: 'Mystery', id: 2 }]), 'unlogged/000001700000000-000002-second');
    expect(replay(h, { limit: 1 })).toEqual({ replayed: 1, remaining: 2, lastRow: 0, outcomes: ['failed'] });
    expect(unloggedKeys(h)).toEqual(['unlogged/000001700000000-000002-second']);
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Message])).toEqual([
      ['failed', "invalid_json: The body is not valid JSON (Expected ',' or '}' after property value in JSON at position 12)."],
      [
        'failed',
        expect.stringMatching(
          /^Replayed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z; kept in the script's properties until the Webhook log could take it\. invalid_json: /,
        ),
      ],
    ]);
    // A later batch (after > 0) leaves the kept deliveries for the pass that starts at the top.
    expect(replay(h, { limit: 5, after: 2 })).toEqual({ replayed: 1, remaining: 0, lastRow: 3, outcomes: ['failed'] });
    expect(unloggedKeys(h)).toHaveLength(1);
    expect(replay(h, { limit: 5 })).toEqual({ replayed: 3, remaining: 0, lastRow: 3, outcomes: ['unrouted', 'failed', 'failed'] });
    expect(unloggedKeys(h)).toEqual([]);
    expect(logOutcomes(h)).toEqual(['failed', 'failed', 'unrouted']);
  });

  it('drops a kept delivery of which only a stray part is left, replaying nothing for it', () => {
    const h = startApp();
    keepUnlogged(h, 'torn', '{}', 'unlogged/000001700000000-000001-torn#1');
    expect(replay(h, { limit: 5 })).toEqual({ replayed: 0, remaining: 0, lastRow: 0, outcomes: [] });
    expect(unloggedKeys(h)).toEqual([]);
  });

  it('trims the log to the kept number of written rows only once a pass has reached its end', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 1 }).ok).toBe(true);
    h.post(payload('call-booked'));
    h.post('{"broken": 1');
    h.post(payload('contact-created'));
    h.post('{"broken": 2');
    expect(replay(h, { limit: 1 })).toMatchObject({ replayed: 1, remaining: 1, lastRow: 3 });
    expect(logOutcomes(h)).toEqual(['appended', 'failed', 'appended', 'failed']);
    expect(replay(h, { limit: 1, after: 3 })).toMatchObject({ replayed: 1, remaining: 0, lastRow: 5 });
    expect(logOutcomes(h)).toEqual(['failed', 'appended', 'failed']);
  });
});

/** Runs `fn` with the clock stopped at a fixed instant: the app's time moves only when the test moves it. */
function withStoppedClock(fn: () => void): void {
  jest.useFakeTimers({ now: Date.UTC(2026, 0, 5, 12) });
  try {
    fn();
  } finally {
    jest.useRealTimers();
  }
}

/** Each delivery replayed takes `ms` of the pass's time: the clock moves when replay starts on it (`key` is its first call). */
function eachReplayTakes(h: Harness, key: string, ms: number): void {
  h.runtime.observeCalls((called) => {
    if (called === key) h.runtime.advanceTime(ms);
  });
}

describe('a replay pass stops before 4.5 minutes', () => {
  it('replays log rows until 4.5 minutes have passed and leaves the rest for the next call', () =>
    withStoppedClock(() => {
      const h = startApp();
      for (let i = 0; i < 5; i += 1) h.post(`{"broken": ${i}`);
      eachReplayTakes(h, 'Utilities.getUuid', 90_000);
      // Started at 0, 90, 180 and 270 s: the fifth would start at 360 s.
      expect(replay(h, { limit: 10 })).toMatchObject({ replayed: 4, remaining: 1, lastRow: 5 });
      h.runtime.observeCalls(null);
    }));

  it('replays kept deliveries until 4.5 minutes have passed and leaves the rest for the next call', () =>
    withStoppedClock(() => {
      const h = startApp();
      for (let i = 0; i < 5; i += 1) keepUnlogged(h, `d${i}`, `{"broken": ${i}`, `unlogged/000001700000000-00000${i}-d${i}`);
      eachReplayTakes(h, 'Properties.deleteProperty', 90_000);
      expect(replay(h, { limit: 10 })).toMatchObject({ replayed: 4, remaining: 1, lastRow: 0 });
      h.runtime.observeCalls(null);
      expect(unloggedKeys(h)).toEqual(['unlogged/000001700000000-000004-d4']);
    }));
});

describe('rotateToken', () => {
  it('keeps the previous token working for exactly the grace period, and says until when', () =>
    withStoppedClock(() => {
      const h = startApp();
      const rotatedAt = h.runtime.now();
      const rotated = h.app.call<any>('editor', 'rotateToken');
      const expiry = new Date(rotatedAt + TOKEN_GRACE_MS).toISOString();
      expect(rotated.previousTokenExpiresAt).toBe(expiry);
      h.runtime.advanceTime(TOKEN_GRACE_MS - 1);
      expect(h.app.call<any>('editor', 'getSidebarState').webhook.previousTokenExpiresAt).toBe(expiry);
      expect(h.post(payload('call-booked')).ok).toBe(true);
      h.runtime.advanceTime(1);
      expect(h.app.call<any>('editor', 'getSidebarState').webhook.previousTokenExpiresAt).toBeNull();
      expect(h.post(payload('call-booked')).error.code).toBe('unauthorized');
      expect(h.post(payload('call-booked'), { token: rotated.token }).ok).toBe(true);
    }));

  it('before any setup makes a token and keeps no previous one', () => {
    const runtime = new LocalRuntime({ virtualTime: true, scriptUrl: WEB_APP_URL });
    runtime.createSpreadsheet('iClosed webhooks');
    const app = loadApp(runtime, DIST);
    const rotated = app.call<any>('editor', 'rotateToken');
    expect(rotated.token).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.previousTokenExpiresAt).toBeNull();
    expect(Object.keys(runtime.toJSON().properties.script).sort()).toEqual(['webhook.token']);
  });
});

const hookState = (state: any, id: string) => state.hooks.find((x: any) => x.id === id);

describe('getSidebarState', () => {
  it('on a fresh spreadsheet: no activity, no deliveries, nothing queued or refused, the defaults with their columns spelt out', () => {
    const h = startApp();
    const state = h.app.call<any>('editor', 'getSidebarState');
    expect(state).toMatchObject({ activity: [], queued: 0, refusedToday: 0 });
    expect(state.settings).toMatchObject({ logRetention: 5000, lockWaitMs: 10000, pipeline: { enabled: true } });
    expect(state.hooks.map((x: any) => [x.id, x.lastDeliveryAt, x.deliveriesToday])).toEqual(
      KNOWN_HOOKS.split(', ').map((id) => [id, null, 0]),
    );
    for (const hook of state.hooks) expect(state.settings.hooks[hook.id].columns).toEqual(hook.defaults.columns);
  });

  it('shows a long example shortened to 57 characters and an ellipsis, and a null example as nothing', () => {
    const h = startApp();
    const fields = hookState(h.app.call<any>('editor', 'getSidebarState'), 'callBooked').fields;
    const url: string = payload('call-booked')[0].invitee.previewUrl;
    expect(url.length).toBeGreaterThan(60);
    expect(fields.find((f: any) => f.path === 'invitee.previewUrl')).toEqual({
      path: 'invitee.previewUrl',
      example: `${url.slice(0, 57)}…`,
      seen: false,
    });
    expect(fields.find((f: any) => f.path === 'event.canceler_name')).toEqual({ path: 'event.canceler_name', example: '', seen: false });
  });

  it("counts only today's deliveries per hook and shows the last one's time and the activity, newest first", () =>
    withStoppedClock(() => {
      const h = startApp();
      h.post(payload('call-booked'));
      h.runtime.advanceTime(24 * 60 * 60 * 1000);
      const last = new Date(h.runtime.now()).toISOString();
      h.post(payload('call-cancelled'));
      h.post(payload('call-booked'));
      const state = h.app.call<any>('editor', 'getSidebarState');
      expect(hookState(state, 'callBooked')).toMatchObject({ lastDeliveryAt: last, deliveriesToday: 1 });
      expect(hookState(state, 'callCancelled')).toMatchObject({ lastDeliveryAt: last, deliveriesToday: 1 });
      expect(state.activity.map((a: any) => a.outcome)).toEqual(['duplicate', 'appended', 'appended']);
    }));

  it('opens with no activity when the user has deleted the Webhook log', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    h.asUser((spreadsheet) => spreadsheet.deleteSheet(spreadsheet.getSheetByName('Webhook log')!));
    const state = h.app.call<any>('editor', 'getSidebarState');
    expect(state.activity).toEqual([]);
    expect(hookState(state, 'callBooked')).toMatchObject({ lastDeliveryAt: null, deliveriesToday: 0 });
  });
});

describe('saving settings', () => {
  it('a preview answers the changes only; a save answers them with the new state', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    const settings = h.app.call<any>('editor', 'getSidebarState').settings;
    const renamed = { ...settings, hooks: { ...settings.hooks, callBooked: { ...settings.hooks.callBooked, sheet: 'Booked calls' } } };
    const preview = h.app.call<any>('editor', 'previewSettings', renamed);
    expect(Object.keys(preview)).toEqual(['ok', 'changes']);
    expect(preview.ok).toBe(true);
    expect(preview.changes.length).toBeGreaterThan(0);
    expect(h.sheetNames()).toContain('Call booked');
    const saved = h.app.call<any>('editor', 'saveSettings', renamed);
    expect(Object.keys(saved)).toEqual(['ok', 'state', 'changes']);
    expect(saved.ok).toBe(true);
    expect(saved.changes).toEqual(preview.changes);
    expect(saved.state.settings.hooks.callBooked.sheet).toBe('Booked calls');
    expect(h.sheetNames()).toContain('Booked calls');
  });
});

describe('saved columns', () => {
  it('the sidebar shows the columns the user saved for a hook, not the defaults', () => {
    const h = startApp();
    const settings = h.app.call<any>('editor', 'getSidebarState').settings;
    const columns = settings.hooks.callBooked.columns.slice(0, 3);
    const saved = h.app.call<any>('editor', 'saveSettings', {
      ...settings,
      hooks: { ...settings.hooks, callBooked: { ...settings.hooks.callBooked, columns } },
    });
    expect(saved.ok).toBe(true);
    expect(h.app.call<any>('editor', 'getSidebarState').settings.hooks.callBooked.columns).toEqual(columns);
  });
});

describe('the menu', () => {
  it('Send test deliveries reports every hook and what became of its example in one toast', () => {
    const h = startApp();
    h.app.call('editor', 'sendTestDeliveries');
    expect(h.runtime.ui.toasts.at(-1)!.message).toBe(
      'Contact created: appended; Contact by status: appended; Contact updated: appended; Call booked: appended; ' +
        'Call cancelled: appended; Call rescheduled: appended; Call outcome added: appended',
    );
  });

  it('Run self-test opens a dialog titled for the app, the required checks in the first table and the informational ones in the second', () => {
    const h = startApp();
    const report = h.app.call<any>('editor', 'showSelfTest');
    const dialog = h.runtime.ui.dialogs.at(-1)!;
    expect(dialog.title).toBe('Webhooks to Sheets: self-test');
    const tables = [...dialog.html.matchAll(/<table>(.*?)<\/table>/g)].map((m) => m[1]);
    const names = (required: boolean) => report.cases.filter((c: any) => c.required === required).map((c: any) => c.name);
    const escaped = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const table = (required: boolean) =>
      names(required)
        .map((name: string) => `<tr><td>✅</td><td>${escaped(name)}</td></tr>`)
        .join('');
    expect(tables).toEqual([table(true), table(false)]);
    expect(dialog.html).toContain(
      '<p style="color:#137333"><b>Your deliveries are safe on this account: every required check passed.</b></p>',
    );
  });
});

describe('replaying a log row', () => {
  it('notes the replay time on the row, and works in the open spreadsheet when the remembered one cannot be opened', () =>
    withStoppedClock(() => {
      const h = startApp();
      h.post('{"broken": 1');
      h.runtime.execute('editor', () =>
        (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
          .getScriptProperties()
          .setProperty('spreadsheet.id', 'a-spreadsheet-that-is-gone'),
      );
      expect(replay(h, { limit: 5 })).toEqual({ replayed: 1, remaining: 0, lastRow: 2, outcomes: ['failed'] });
      expect(h.rows('Webhook log')[0].Message).toBe(
        `Replayed at ${new Date(h.runtime.now()).toISOString()}. invalid_json: The body is not valid JSON (Expected ',' or '}' after property value in JSON at position 12).`,
      );
    }));
});
