/**
 * Saving settings acts on the rows already written, exactly as its preview says: a new key re-keys every
 * row, a new order moves the columns, an unticked column is hidden with its data, a new sheet name renames
 * the tab, a field promoted from Other fields is filled. Through the built bundle in the local runtime.
 */
import { observingCalls, payload, startApp, type Harness } from './helpers/harness';

type Columns = Array<{ field: string; include: boolean; label: string; typing: string; inOtherFields?: boolean }>;

const state = (h: Harness) => h.app.call<any>('editor', 'getSidebarState');
const hookSettings = (h: Harness, id: string) => JSON.parse(JSON.stringify(state(h).settings.hooks[id]));
const preview = (h: Harness, settings: unknown) => h.app.call<any>('editor', 'previewSettings', settings);

/** Previews, saves, and checks that the save did what the preview said. */
function previewThenSave(h: Harness, settings: unknown): string[] {
  const before = preview(h, settings);
  expect(before.ok).toBe(true);
  const saved = h.saveSettings(settings);
  expect(saved.ok).toBe(true);
  expect(saved.changes).toEqual(before.changes);
  return saved.changes;
}

function booking(uuid: number, email: string, name = 'Lead') {
  const p = payload('call-booked');
  p[0].event.uuid = uuid;
  p[0].invitee.email = email;
  p[0].invitee.name = name;
  return p;
}

describe('previewSettings', () => {
  it('changes nothing: the sheet, the settings and the layout stay as they were', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const before = { header: h.header('Call booked'), rows: h.rows('Call booked'), settings: state(h).settings };
    const s = hookSettings(h, 'callBooked');
    const res = preview(h, {
      hooks: { callBooked: { ...s, key: ['invitee.email'], sheet: 'Bookings', columns: [...s.columns].reverse() } },
    });
    expect(res.ok).toBe(true);
    expect(res.changes.length).toBeGreaterThanOrEqual(3);
    expect({ header: h.header('Call booked'), rows: h.rows('Call booked'), settings: state(h).settings }).toEqual(before);
    expect(h.sheetNames()).not.toContain('Bookings');
  });
  it('refuses what a save would refuse, with the same message', () => {
    const h = startApp();
    const bad = { hooks: { callBooked: { mode: 'upsert', key: [] } } };
    expect(preview(h, bad)).toEqual(h.saveSettings(bad));
    expect(preview(h, null)).toEqual({ ok: false, error: expect.stringMatching(/must be an object/) });
  });
});

describe('a key change', () => {
  it('re-keys every row from its own values; rows that now share a key are named; the next booking updates the topmost', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    h.post(booking(3, 'a@example.com'));
    expect(h.rows('Call booked')).toHaveLength(3);
    const s = hookSettings(h, 'callBooked');
    const changes = previewThenSave(h, { hooks: { callBooked: { ...s, key: ['invitee.email'] } } });
    expect(changes).toContain('"Call booked": 3 rows re-keyed by Email; rows 2 and 4 now share a key (later deliveries update row 2).');
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a@example.com', 'b@example.com', 'a@example.com']);
    const next = h.post(booking(4, 'b@example.com', 'Lead B again'));
    expect(next.results[0]).toMatchObject({ action: 'updated', row: 3 });
    const top = h.post(booking(5, 'a@example.com', 'Lead A again'));
    expect(top.results[0]).toMatchObject({ action: 'updated', row: 2 });
    expect(h.rows('Call booked')).toHaveLength(3);
    expect(h.rows('Call booked').map((r) => r.Name)).toEqual(['Lead A again', 'Lead B again', 'Lead']);
  });
  it('refuses a key field the rows have no values of, and says why', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const s = hookSettings(h, 'callBooked');
    // cancel_reason is null in a booking: no column, nothing in Other fields.
    const res = h.saveSettings({ hooks: { callBooked: { ...s, key: ['event.cancel_reason'] } } });
    expect(res).toEqual({ ok: false, error: expect.stringMatching(/has no values of "event.cancel_reason" on its 1 rows/) });
    expect(h.rows('Call booked')[0]['Row key']).toBe('1');
  });
  it('reads a key field kept in Other fields', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'a@example.com'));
    const s = hookSettings(h, 'callBooked');
    const inOther = (s.columns as Columns).find((c) => c.inOtherFields)!;
    const changes = previewThenSave(h, { hooks: { callBooked: { ...s, key: [inOther.field] } } });
    expect(changes.join('\n')).toMatch(/2 rows re-keyed by .*rows 2 and 3 now share a key/);
  });
});

describe('a new column order', () => {
  it("moves the app's columns into the sidebar's order with their data; the user's own column keeps its place", () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', 'Ann'));
    h.asUser((ss) => {
      const sheet = ss.getSheetByName('Call booked')!;
      sheet.insertColumnsBefore(3, 1);
      sheet.getRange(1, 3, 2, 1).setValues([['My notes'], ['call her']]);
    });
    const before = h.header('Call booked');
    const s = hookSettings(h, 'callBooked');
    const cols = s.columns as Columns;
    const email = cols.findIndex((c) => c.field === 'invitee.email');
    const reordered = [cols[email], ...cols.filter((_, i) => i !== email)];
    const changes = previewThenSave(h, { hooks: { callBooked: { ...s, columns: reordered } } });
    expect(changes.join('\n')).toMatch(/"Call booked": columns move into the sidebar's order/);
    const after = h.header('Call booked');
    expect(after.indexOf('My notes')).toBe(before.indexOf('My notes'));
    const appColumns = after.filter((l) => reordered.some((c) => c.label === l));
    expect(appColumns).toEqual(reordered.filter((c) => before.includes(c.label)).map((c) => c.label));
    const row = h.rows('Call booked')[0];
    expect(row).toMatchObject({ Email: 'a@example.com', Name: 'Ann', 'My notes': 'call her' });
    // The next delivery writes by header, so it lands under the moved columns.
    h.post(booking(2, 'b@example.com', 'Bo'));
    expect(h.rows('Call booked')[1]).toMatchObject({ Email: 'b@example.com', Name: 'Bo', 'My notes': '' });
  });
});

describe('unticking a column', () => {
  /** Call booked's settings with its "Meeting link" column unticked. */
  function meetingLinkUnticked(h: Harness): unknown {
    const s = hookSettings(h, 'callBooked');
    const hidden = (s.columns as Columns).map((c) => (c.field === 'event.location' ? { ...c, include: false } : c));
    return { hooks: { callBooked: { ...s, columns: hidden } } };
  }

  /** Whether the user sees the "Meeting link" column of Call booked hidden. */
  function meetingLinkHidden(h: Harness): boolean {
    const column = h.header('Call booked').indexOf('Meeting link') + 1;
    return h.asUser((ss) => ss.getSheetByName('Call booked')!.isColumnHiddenByUser(column));
  }

  it('hides it with its data; ticking it again shows it', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const s = hookSettings(h, 'callBooked');
    expect(previewThenSave(h, meetingLinkUnticked(h))).toContain(
      '"Call booked": "Meeting link" is hidden; its data stays (tick it to show it again).',
    );
    expect(meetingLinkHidden(h)).toBe(true);
    expect(h.rows('Call booked')[0]['Meeting link']).toBe('https://app.iclosed.io/e/strategy-session');
    expect(previewThenSave(h, { hooks: { callBooked: { ...s } } })).toContain('"Call booked": "Meeting link" is shown again.');
    expect(meetingLinkHidden(h)).toBe(false);
  });

  it('reads the header twice in a save that hides a column: to plan the change, and once after its steps', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const headerReads: string[] = [];
    const settings = meetingLinkUnticked(h);
    const saved = observingCalls(
      h,
      (key, self) => {
        if (key === 'Range.getValues' && self.getSheet().getName() === 'Call booked' && self.getRow() === 1)
          headerReads.push(self.getA1Notation());
      },
      () => h.saveSettings(settings),
    );
    expect(saved.ok).toBe(true);
    expect(headerReads).toHaveLength(2);
    expect(meetingLinkHidden(h)).toBe(true);
  });

  it('looks up each sheet once in a save that moves no hook to another sheet', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const asked: unknown[] = [];
    const settings = meetingLinkUnticked(h);
    const saved = observingCalls(
      h,
      (key, _self, args) => {
        if (key === 'Spreadsheet.getSheetByName') asked.push(args[0]);
      },
      () => h.saveSettings(settings),
    );
    expect(saved.ok).toBe(true);
    expect(asked.filter((name) => name === 'Call booked')).toHaveLength(1);
    expect(asked.every((name) => typeof name === 'string')).toBe(true);
  });

  it("keeps the header as it stands, a user's unlabelled column included: the next delivery confirms it without reading the whole row", () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.asUser((ss) => ss.getSheetByName('Call booked')!.insertColumnAfter(2));
    expect(h.saveSettings(meetingLinkUnticked(h)).ok).toBe(true);
    const lastColumnAsked: string[] = [];
    const answer = observingCalls(
      h,
      (key, self) => {
        if (key === 'Sheet.getLastColumn' && self.getName() === 'Call booked') lastColumnAsked.push(key);
      },
      () => h.post(booking(2, 'b@example.com')),
    );
    expect(answer.results[0]).toMatchObject({ action: 'appended', row: 3 });
    expect(lastColumnAsked).toEqual([]);
    expect(meetingLinkHidden(h)).toBe(true);
  });
});

describe('a new sheet name', () => {
  it('renames the tab with its rows, and the next delivery goes there', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = hookSettings(h, 'callBooked');
    expect(previewThenSave(h, { hooks: { callBooked: { ...s, sheet: 'Bookings' } } })).toContain(
      '"Call booked" is renamed "Bookings" with its 2 rows.',
    );
    expect(h.sheetNames()).toContain('Bookings');
    expect(h.sheetNames()).not.toContain('Call booked');
    expect(h.rows('Bookings')).toHaveLength(2);
    expect(h.post(booking(1, 'a@example.com', 'Changed')).results[0]).toMatchObject({ action: 'updated', sheet: 'Bookings', row: 2 });
    expect(h.sheetNames()).not.toContain('Call booked');
  });
  it('says so when another hook still writes to the old tab, and leaves the rows there', () => {
    const h = startApp();
    const settings = state(h).settings;
    settings.hooks.callCancelled.sheet = 'Call booked';
    expect(h.saveSettings(settings)).toMatchObject({ ok: true });
    h.post(booking(1, 'a@example.com'));
    settings.hooks.callBooked.sheet = 'Bookings';
    const changes = previewThenSave(h, settings);
    expect(changes).toContain(
      'Call booked will write to "Bookings"; the row written so far stays on "Call booked", which Call cancelled still uses.',
    );
    expect(h.rows('Call booked')).toHaveLength(1);
  });
});

describe('a field promoted from Other fields', () => {
  it('gets its column filled on the existing rows, and leaves Other fields', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = hookSettings(h, 'callBooked');
    const field = 'event_type.slug';
    const before = h.fields('Call booked').map((r) => r[field]);
    expect(before.every((v) => v !== undefined && v !== '')).toBe(true);
    const promoted = (s.columns as Columns).map((c) => (c.field === field ? { ...c, inOtherFields: false, label: 'Slug' } : c));
    const changes = previewThenSave(h, { hooks: { callBooked: { ...s, columns: promoted } } });
    expect(changes).toContain('"Call booked": "Slug" is filled on 2 rows from Other fields.');
    expect(h.rows('Call booked').map((r) => r.Slug)).toEqual(before);
    for (const r of h.rows('Call booked')) expect(String(r['Other fields'])).not.toContain('"event_type.slug"');
    expect(h.fields('Call booked').map((r) => r[field])).toEqual(before);
  });
});

describe('cost', () => {
  /** Calls of one save that re-keys, reorders and renames a sheet of `rows` rows. */
  function callsAt(rows: number): number {
    const h = startApp();
    h.post(booking(0, 'first@example.com'));
    h.asUser((ss) => {
      const sheet = ss.getSheetByName('Call booked')!;
      const width = sheet.getLastColumn();
      const template = sheet.getRange(2, 1, 1, width).getValues()[0];
      const header = sheet.getRange(1, 1, 1, width).getValues()[0].map(String);
      const email = header.indexOf('Email');
      const copies = Array.from({ length: rows - 1 }, (_, i) => template.map((v, c) => (c === email ? `lead${i}@example.com` : v)));
      sheet.insertRowsAfter(sheet.getMaxRows(), rows);
      sheet.getRange(3, 1, copies.length, width).setValues(copies);
    });
    const s = hookSettings(h, 'callBooked');
    const cols = s.columns as Columns;
    const email = cols.findIndex((c) => c.field === 'invitee.email');
    h.runtime.calls.reset();
    const res = h.saveSettings({
      hooks: {
        callBooked: { ...s, key: ['invitee.email'], sheet: 'Bookings', columns: [cols[email], ...cols.filter((_, i) => i !== email)] },
      },
    });
    expect(res.ok).toBe(true);
    expect(res.changes.join('\n')).toMatch(new RegExp(`${rows.toLocaleString('en-US')} rows re-keyed`));
    return h.runtime.calls.total;
  }
  it('makes no service call per row: a key change, a reorder and a rename cost the same calls at 50 and 2,000 rows', () => {
    expect(callsAt(2000)).toBe(callsAt(50));
  });
});
