/** Every SidebarApi function and menu item through the built bundle, including each refusal. */
import { TOKEN_GRACE_MS } from '../src/core/auth';
import { FIDELITY_CASES } from '../src/selftest/fidelity-cases';
import { payload, propertyKeysWritten, startApp, WEB_APP_URL, type Harness } from './helpers/harness';

const editSheet = (h: Harness, name: string, fn: (sheet: GoogleAppsScript.Spreadsheet.Sheet) => void) =>
  h.asUser((spreadsheet) => fn(spreadsheet.getSheetByName(name)!));

describe('menu', () => {
  it('onOpen adds the Webhooks to Sheets menu with its five items', () => {
    const h = startApp();
    h.app.call('editor', 'onOpen', {});
    const menu = h.runtime.ui.menus.find((m) => m.name === 'Webhooks to Sheets')!;
    expect(menu.items.filter((i: any) => i.functionName).map((i: any) => [i.caption, i.functionName])).toEqual([
      ['Open sidebar', 'showSidebar'],
      ['Send test deliveries', 'sendTestDeliveries'],
      ['Replay failed deliveries', 'replayDeliveries'],
      ['Rebuild pipeline and funnel', 'rebuildPipeline'],
      ['Run self-test', 'showSelfTest'],
    ]);
    for (const item of menu.items as any[]) if (item.functionName) expect(typeof h.app.context[item.functionName]).toBe('function');
  });
  it('Open sidebar opens the sidebar; Send test deliveries writes every hook; Run self-test shows a report', () => {
    const h = startApp();
    h.app.call('editor', 'showSidebar');
    expect(h.runtime.ui.sidebars[0].html).toContain('<h1>Webhooks to Sheets</h1>');
    const sent = h.app.call<any[]>('editor', 'sendTestDeliveries');
    expect(sent.map((r) => r.action)).toEqual(Array(7).fill('appended'));
    expect(h.runtime.ui.toasts.at(-1)!.message).toMatch(/Call booked: appended/);
    const report = h.app.call<any>('editor', 'showSelfTest');
    expect(report.safe).toBe(true);
    const dialog = h.runtime.ui.dialogs.at(-1)!.html;
    expect(dialog).toContain('Your deliveries are safe on this account');
    expect(dialog).toContain(`Required checks (${report.required.passed} passed, 0 differ)`);
    expect(dialog).toContain(`Informational checks (${report.informational.passed} passed, 0 differ)`);
    // Required checks come before the informational ones, each under its own heading.
    const firstRequired = report.cases.find((c: any) => c.required).name;
    const firstInformational = report.cases.find((c: any) => !c.required).name;
    expect(dialog.indexOf(firstRequired)).toBeLessThan(dialog.indexOf('Informational checks'));
    expect(dialog.indexOf(firstInformational)).toBeGreaterThan(dialog.indexOf('Informational checks'));
  });
});

describe('getSidebarState', () => {
  it('reports the URL, fields, defaults, per-hook counts, activity and refusals', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    h.post({ ...payload('call-booked')[0], brandNewField: 'x' });
    h.post('{oops');
    h.post(payload('call-booked'), { token: 'wrong'.repeat(6) });
    const s = h.app.call<any>('editor', 'getSidebarState');
    expect(s.webhook.url).toBe(`${WEB_APP_URL}?token=${h.token}`);
    const booked = s.hooks.find((x: any) => x.id === 'callBooked');
    expect(booked.deliveriesToday).toBe(2);
    expect(Date.parse(booked.lastDeliveryAt)).toBeGreaterThan(Date.now() - 60000);
    expect(booked.fields.find((f: any) => f.path === 'event.uuid')).toEqual({ path: 'event.uuid', example: '45526', seen: false });
    expect(booked.fields.find((f: any) => f.path === 'brandNewField')).toEqual({ path: 'brandNewField', example: '', seen: true });
    expect(booked.defaults.columns[0]).toEqual({ field: 'event.utc_start_time', include: true, label: 'Call start', typing: 'auto' });
    expect(booked.defaults.columns.find((c: any) => c.field === 'event_type.uuid')).toEqual({
      field: 'event_type.uuid',
      include: true,
      label: 'event_type.uuid',
      typing: 'auto',
      inOtherFields: true,
    });
    expect(s.activity.map((a: any) => a.outcome)).toEqual(['failed', 'updated', 'appended']);
    expect(s.activity[0].replayable).toBe(true);
    expect(s.refusedToday).toBe(1);
    // google.script.run fails on a Date anywhere in a result: times travel as ISO text.
    const dates: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (Object.prototype.toString.call(v) === '[object Date]') dates.push(at);
      else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, `${at}.${k}`);
    };
    walk(s, 'state');
    expect(dates).toEqual([]);
  });
});

describe('fields seen in deliveries', () => {
  /** The remembered list, read from its script property: the key is kept across updates, so a rename would forget it. */
  const remembered = (h: Harness, hook: string): unknown =>
    h.runtime.execute('editor', () => h.app.context.PropertiesService.getScriptProperties().getProperty(`seen/${hook}`));
  const seenPaths = (h: Harness, hook: string): string[] =>
    h.app
      .call<any>('editor', 'getSidebarState')
      .hooks.find((x: any) => x.id === hook)
      .fields.filter((f: any) => f.seen)
      .map((f: any) => f.path);

  it('offers no seen field before a delivery brings one, and stores nothing for documented fields', () => {
    const h = startApp();
    expect(seenPaths(h, 'callBooked')).toEqual([]);
    h.post(payload('call-booked'));
    expect(seenPaths(h, 'callBooked')).toEqual([]);
    expect(remembered(h, 'callBooked')).toBeNull();
  });

  it('remembers only new fields, in arrival order, never the "Other fields" label, and writes nothing for a delivery with none', () => {
    const h = startApp();
    h.post({ ...payload('call-booked')[0], brandNewField: 'x', 'Other fields': 'y' });
    h.post({ ...payload('call-booked')[0], secondField: 2, brandNewField: 'z' });
    expect(JSON.parse(String(remembered(h, 'callBooked')))).toEqual(['brandNewField', 'secondField']);
    expect(seenPaths(h, 'callBooked')).toEqual(['brandNewField', 'secondField']);
    const writes = propertyKeysWritten(h, () => h.post({ ...payload('call-booked')[0], secondField: 3 }));
    expect(writes.filter((k) => k.startsWith('seen/'))).toEqual([]);
  });
});

describe('cell limit warning', () => {
  const cells = (h: Harness) => h.app.call<any>('editor', 'getSidebarState').cells;

  it('warns from 9,000,000 cells on, with the count and the fix, and not one cell below', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    expect(cells(h).warning).toBeNull();
    const used: number = cells(h).used;
    // A user's one-column sheet brings the grids to exactly 9,000,000 cells.
    h.asUser((spreadsheet) => {
      const big = spreadsheet.insertSheet('Archive');
      big.deleteColumns(2, big.getMaxColumns() - 1);
      big.insertRowsAfter(big.getMaxRows(), 9_000_000 - used - big.getMaxRows());
    });
    expect(cells(h).used).toBe(9_000_000);
    expect(cells(h).warning).toBe(
      "The spreadsheet uses 9,000,000 of Google's 10,000,000 cells. Delete or archive old rows or unused sheets: writes that would pass the limit fail (and stay replayable in the Webhook log).",
    );
    h.asUser((spreadsheet) => spreadsheet.getSheetByName('Archive')!.deleteRow(1));
    expect(cells(h).used).toBe(8_999_999);
    expect(cells(h).warning).toBeNull();
  });
});

describe('saveSettings', () => {
  const refusals: Array<[string, unknown, RegExp]> = [
    ['not an object', 'nope', /must be an object/],
    ['an unknown hook', { hooks: { invoicePaid: {} } }, /Unknown hook id "invoicePaid"/],
    ['an unknown field in the key', { hooks: { callBooked: { key: ['event.nope'] } } }, /"event.nope" is not a field/],
    ['an unknown column field', { hooks: { callBooked: { columns: [{ field: 'x.y' }] } } }, /"x.y" is not a field/],
    ['an empty key in upsert', { hooks: { callBooked: { key: [] } } }, /needs a key/],
    [
      'shared sheet, conflicting keys',
      { hooks: { callBooked: { sheet: 'Calls' }, callOutcome: { sheet: 'Calls' } } },
      /both write to "Calls"/,
    ],
    [
      'a label used twice',
      {
        hooks: {
          callBooked: {
            columns: [
              { field: 'event.uuid', label: 'Id' },
              { field: 'invitee.uuid', label: 'Id' },
            ],
          },
        },
      },
      /used for both/,
    ],
    ['the log sheet as a target', { hooks: { callBooked: { sheet: 'Webhook log' } } }, /app's own sheet/],
  ];
  it.each(refusals)('refuses %s with a message', (_what, input, pattern) => {
    const h = startApp();
    const before = h.app.call<any>('editor', 'getSidebarState').settings;
    const res = h.saveSettings(input);
    expect(res.ok).toBe(false);
    expect(res.error).toMatch(pattern);
    expect(h.app.call<any>('editor', 'getSidebarState').settings).toEqual(before);
  });

  it('refuses a label that a user column already has', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    editSheet(h, 'Call booked', (sheet) => {
      sheet.insertColumnsBefore(2, 1);
      sheet.getRange(1, 2).setValue('Notes');
    });
    const res = h.saveSettings({ hooks: { callBooked: { columns: [{ field: 'event.uuid', label: 'Notes' }] } } });
    expect(res).toEqual({ ok: false, error: expect.stringMatching(/already has a column "Notes" \(one of your own columns\)/) });
  });

  it('relabels header cells in place, adds columns, never deletes one, and leaves user columns alone', () => {
    const h = startApp();
    h.post(payload('call-booked'));
    editSheet(h, 'Call booked', (sheet) => {
      sheet.insertColumnsBefore(2, 1);
      sheet.getRange(1, 2, 2, 1).setValues([['Notes'], ['my note']]);
    });
    const headerBefore = h.header('Call booked');
    const res = h.saveSettings({
      hooks: {
        callBooked: {
          columns: [
            { field: 'event.uuid', label: 'Booking id' },
            { field: 'invitee.email', label: 'Invitee email', typing: 'text' },
            { field: 'event.location', include: false },
          ],
        },
      },
    });
    expect(res.ok).toBe(true);
    expect(res.changes.join('\n')).toMatch(/is now "Booking id"/);
    const header = h.header('Call booked');
    expect(header).toHaveLength(headerBefore.length);
    // The three listed columns take the sidebar's order within the places they held; every other column stays put.
    const slots = ['Call id', 'Email', 'Meeting link'].map((l) => headerBefore.indexOf(l)).sort((a, b) => a - b);
    expect(slots.map((i) => header[i])).toEqual(['Booking id', 'Invitee email', 'Meeting link']);
    headerBefore.forEach((label, i) => {
      if (!slots.includes(i)) expect(header[i]).toBe(label);
    });
    expect(header).toContain('Meeting link'); // unticked: hidden, its column and data stay
    expect(h.rows('Call booked')[0].Notes).toBe('my note');
    const changed = payload('call-booked');
    changed[0].invitee.email = 'other@example.com';
    changed[0].event.location = 'Zoom';
    expect(h.post(changed).results[0]).toMatchObject({ action: 'updated', row: 2 });
    const row = h.rows('Call booked')[0];
    // The unticked column is hidden and still written, so nothing a delivery brings is lost.
    expect(row).toMatchObject({ 'Booking id': '45526', 'Invitee email': 'other@example.com', 'Meeting link': 'Zoom', Notes: 'my note' });
    expect(h.asUser((s) => s.getSheetByName('Call booked')!.isColumnHiddenByUser(header.indexOf('Meeting link') + 1))).toBe(true);
  });

  it('stores versioned settings that a later load reads back', () => {
    const h = startApp();
    expect(h.saveSettings({ hooks: { contactCreated: { sheet: 'Contacts', addNewFields: false } } }).ok).toBe(true);
    const stored = h.runtime.execute('editor', () =>
      (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
        .getScriptProperties()
        .getProperty('settings'),
    );
    expect(JSON.parse(stored!).version).toBe(2);
    const s = h.app.call<any>('editor', 'getSidebarState').settings;
    expect(s.hooks.contactCreated).toMatchObject({ sheet: 'Contacts', addNewFields: false });
  });
});

describe('rotateToken, sendTestDelivery, replayDeliveries, runSelfTest', () => {
  it('rotateToken answers the new URL and the old token expiry as text', () => {
    const h = startApp();
    const before = h.runtime.now();
    const w = h.app.call<any>('editor', 'rotateToken');
    const after = h.runtime.now();
    expect(w.url).toBe(`${WEB_APP_URL}?token=${w.token}`);
    expect(w.token).toMatch(/^[0-9a-f]{64}$/);
    expect(w.token).not.toBe(h.token);
    // The old token stays valid for the grace period from the rotation, given as ISO text.
    expect(w.previousTokenExpiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(w.previousTokenExpiresAt)).toBeGreaterThanOrEqual(before + TOKEN_GRACE_MS);
    expect(Date.parse(w.previousTokenExpiresAt)).toBeLessThanOrEqual(after + TOKEN_GRACE_MS);
  });
  it('sendTestDelivery writes the example and refuses an unknown hook id', () => {
    const h = startApp();
    expect(h.app.call<any>('editor', 'sendTestDelivery', 'callCancelled')).toMatchObject({
      ok: true,
      action: 'appended',
      sheet: 'Call cancelled',
      row: 2,
    });
    expect(h.app.call<any>('editor', 'sendTestDelivery', 'callCancelled')).toMatchObject({ ok: true, action: 'duplicate', row: 2 });
    expect(() => h.app.call('editor', 'sendTestDelivery', '__proto__')).toThrow(/Unknown hook id/);
    expect(() => h.app.call('editor', 'sendTestDelivery', { id: 'callBooked' })).toThrow(/Unknown hook id/);
  });
  it('replayDeliveries works in batches with a cursor and refuses bad limits', () => {
    const h = startApp();
    for (let i = 0; i < 5; i += 1) h.post(`{"broken": ${i}`);
    const first = h.app.call<any>('editor', 'replayDeliveries', { limit: 2 });
    expect(first).toMatchObject({ replayed: 2, remaining: 3, lastRow: 3 });
    const second = h.app.call<any>('editor', 'replayDeliveries', { limit: 2, after: first.lastRow });
    expect(second).toMatchObject({ replayed: 2, remaining: 1, lastRow: 5 });
    const third = h.app.call<any>('editor', 'replayDeliveries', { limit: 2, after: second.lastRow });
    expect(third).toMatchObject({ replayed: 1, remaining: 0, lastRow: 6 });
    expect(() => h.app.call('editor', 'replayDeliveries', { limit: 0 })).toThrow(/limit/);
    expect(() => h.app.call('editor', 'replayDeliveries', { limit: 'all' })).toThrow(/limit/);
  });
  it('runSelfTest passes every fidelity case on the local runtime and removes its scratch sheets', () => {
    const h = startApp();
    const before = h.sheetNames();
    const report = h.app.call<any>('editor', 'runSelfTest');
    expect(report).toMatchObject({ safe: true, required: { failed: 0 }, informational: { failed: 0 } });
    expect(report.required.passed + report.informational.passed).toBe(FIDELITY_CASES.length);
    expect(report.required.passed).toBeGreaterThan(5);
    expect(h.sheetNames()).toEqual(before);
  });
});
