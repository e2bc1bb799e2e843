/** Saving settings, case by case: exact change lists for renames, re-keys, promotions, hidden columns, full grids and blank cells. */
import { SpreadsheetImpl } from '../local/runtime/spreadsheet';
import { payload, startApp, type Harness } from './helpers/harness';

type Column = { field: string; include: boolean; label: string; typing: string; inOtherFields?: boolean };
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

const state = (h: Harness) => h.app.call<any>('editor', 'getSidebarState');
const settingsOf = (h: Harness) => JSON.parse(JSON.stringify(state(h).settings));
const preview = (h: Harness, settings: unknown) => h.app.call<any>('editor', 'previewSettings', settings);

/** Previews, saves, checks that the save did what the preview said, and returns the changes. */
function previewThenSave(h: Harness, settings: unknown): string[] {
  const before = preview(h, settings);
  expect(before.ok).toBe(true);
  const saved = h.saveSettings(settings);
  expect(saved).toMatchObject({ ok: true });
  expect(saved.changes).toEqual(before.changes);
  return saved.changes;
}

/** A booking with its own call id, email and event type (slug and kind), so each row has values of its own. */
function booking(uuid: number, email: string, extra: { slug?: string; kind?: string; phone?: string | null } = {}) {
  const p = payload('call-booked');
  p[0].event.uuid = uuid;
  p[0].invitee.email = email;
  if (extra.slug !== undefined) p[0].event_type.slug = extra.slug;
  if (extra.kind !== undefined) p[0].event_type.kind = extra.kind;
  if (extra.phone !== undefined) p[0].invitee.text_reminder_number = extra.phone;
  return p;
}

/** The call-booked settings with `edit` applied to its column list. */
function editColumns(settings: any, edit: (columns: Column[]) => Column[]) {
  settings.hooks.callBooked.columns = edit(settings.hooks.callBooked.columns as Column[]);
  return settings;
}

/** The column of `field` taken out of Other fields under `label`. */
const promote =
  (field: string, label: string, typing = 'auto') =>
  (c: Column) =>
    c.field === field ? { ...c, inOtherFields: false, label, typing } : c;

const onSheet = <T>(h: Harness, name: string, fn: (sheet: Sheet) => T): T => h.asUser((ss) => fn(ss.getSheetByName(name)!));

/** The layout the app stored for a sheet (labels of its columns, and the header it last wrote). */
function storedLayout(h: Harness, sheet: string): { fields: Record<string, string>; header?: string[] } | null {
  const text = h.runtime.execute('editor', () =>
    (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
      .getScriptProperties()
      .getProperty(`layout/${sheet}`),
  );
  return text ? JSON.parse(text) : null;
}

/** An app with one booking written, and its settings to edit. */
function oneBooking(): { h: Harness; s: any } {
  const h = startApp();
  h.post(booking(1, 'a@example.com'));
  return { h, s: settingsOf(h) };
}

describe('a save that changes nothing on the sheets', () => {
  it('lists no change and leaves the rows, the header and the stored layout as they were', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = settingsOf(h);
    const before = { header: h.header('Call booked'), rows: h.rows('Call booked'), layout: storedLayout(h, 'Call booked') };
    expect(previewThenSave(h, s)).toEqual([]);
    expect({ header: h.header('Call booked'), rows: h.rows('Call booked'), layout: storedLayout(h, 'Call booked') }).toEqual(before);
  });

  it('after a two-field key is saved, saving the same key again re-keys nothing', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = settingsOf(h);
    s.hooks.callBooked.key = ['invitee.email', 'event.uuid'];
    expect(previewThenSave(h, s)).toEqual(['"Call booked": 2 rows re-keyed by Email + Call id.']);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['["a@example.com","1"]', '["b@example.com","2"]']);
    expect(previewThenSave(h, s)).toEqual([]);
  });

  it("leaves alone an empty tab the user made under the hook's sheet name", () => {
    const h = startApp();
    h.asUser((ss) => ss.insertSheet('Call booked'));
    const empty = h.header('Call booked');
    const s = settingsOf(h);
    s.hooks.callBooked.key = ['invitee.email'];
    expect(previewThenSave(h, s)).toEqual([]);
    expect(h.header('Call booked')).toEqual(empty);
    expect(h.post(booking(1, 'a@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'Call booked', row: 2 });
  });
});

describe('a sheet with a header and no rows', () => {
  function headerOnly(): Harness {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    onSheet(h, 'Call booked', (sheet) => sheet.deleteRow(2));
    expect(h.rows('Call booked')).toEqual([]);
    return h;
  }
  it('a new key has no rows to re-key', () => {
    const h = headerOnly();
    const s = settingsOf(h);
    s.hooks.callBooked.key = ['invitee.email'];
    expect(previewThenSave(h, s)).toEqual([]);
  });
  it('a promoted field gets its column and nothing to fill', () => {
    const h = headerOnly();
    const header = h.header('Call booked');
    expect(
      previewThenSave(
        h,
        editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'Slug'))),
      ),
    ).toEqual(['"Call booked": adds "Slug".']);
    expect(h.header('Call booked')).toEqual([...header, 'Slug']);
  });
  it('a new sheet name leaves the empty tab where it is; the next delivery makes the new one', () => {
    const h = headerOnly();
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Bookings';
    expect(previewThenSave(h, s)).toEqual(['Call booked will write to "Bookings".']);
    expect(h.sheetNames()).toContain('Call booked');
    expect(h.sheetNames()).not.toContain('Bookings');
    expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'Bookings', row: 2 });
  });
});

describe('a new sheet name', () => {
  it('before any delivery, says where the hooks will write and makes no tab', () => {
    const h = startApp();
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Calls';
    s.hooks.callCancelled.sheet = 'Calls';
    expect(previewThenSave(h, s)).toEqual(['Call booked will write to "Calls".', 'Call cancelled will write to "Calls".']);
    s.hooks.callBooked.sheet = 'Shared';
    s.hooks.callCancelled.sheet = 'Shared';
    expect(previewThenSave(h, s)).toEqual(['Call booked, Call cancelled will write to "Shared".']);
    s.hooks.callBooked.sheet = 'A';
    s.hooks.callCancelled.sheet = 'B';
    expect(previewThenSave(h, s)).toEqual(['Call booked will write to "A".', 'Call cancelled will write to "B".']);
    expect(h.sheetNames().filter((n) => ['Calls', 'Shared', 'A', 'B', 'Call booked'].includes(n))).toEqual([]);
  });

  it('renames a tab of one row, and says "row"', () => {
    const { h, s } = oneBooking();
    s.hooks.callBooked.sheet = 'Bookings';
    expect(previewThenSave(h, s)).toEqual(['"Call booked" is renamed "Bookings" with its 1 row.']);
    expect(h.rows('Bookings').map((r) => r.Email)).toEqual(['a@example.com']);
  });

  it('that differs only in upper and lower case renames the tab, and deliveries keep landing on it', () => {
    const { h, s } = oneBooking();
    s.hooks.callBooked.sheet = 'CALL BOOKED';
    expect(previewThenSave(h, s)).toEqual(['"Call booked" is renamed "CALL BOOKED" with its 1 row.']);
    expect(h.sheetNames()).toContain('CALL BOOKED');
    expect(h.sheetNames()).not.toContain('Call booked');
    expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'CALL BOOKED', row: 3 });
    expect(h.post(booking(1, 'a2@example.com')).results[0]).toMatchObject({ action: 'updated', sheet: 'CALL BOOKED', row: 2 });
  });

  it('that differs only in case renames the tab even with no rows, so the next delivery can write', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    onSheet(h, 'Call booked', (sheet) => sheet.deleteRow(2));
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'call booked';
    expect(previewThenSave(h, s)).toEqual(['"Call booked" is renamed "call booked" with its 0 rows.']);
    expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'call booked', row: 2 });
  });

  it.each([
    ['one row', 1],
    ['no rows', 0],
  ])(
    'of a shared tab whose hooks split, one to a new spelling of its name (%s): the tab is renamed to that spelling, and both hooks write',
    (_label, rowsLeft) => {
      const h = startApp();
      previewThenSave(h, { hooks: { callBooked: { sheet: 'Calls' }, callCancelled: { sheet: 'Calls' } } });
      h.post(booking(1, 'a@example.com'));
      if (rowsLeft === 0) onSheet(h, 'Calls', (sheet) => sheet.deleteRow(2));
      const s = settingsOf(h);
      s.hooks.callBooked.sheet = 'calls';
      s.hooks.callCancelled.sheet = 'Cancelled';
      const rows = rowsLeft === 1 ? 'the row written so far stays' : 'the 0 rows written so far stay';
      expect(previewThenSave(h, s)).toEqual([
        `"Calls" is renamed "calls" with its ${rowsLeft} ${rowsLeft === 1 ? 'row' : 'rows'}.`,
        `Call cancelled will write to "Cancelled"; ${rows} on "calls", because its hooks now write to different sheets.`,
      ]);
      expect(h.sheetNames()).not.toContain('Calls');
      expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'calls', row: rowsLeft + 2 });
      expect(h.post(payload('call-cancelled')).results[0]).toMatchObject({ action: 'appended', sheet: 'Cancelled', row: 2 });
    },
  );

  it('in the same save as a new key: the renamed tab is re-keyed too', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Bookings';
    s.hooks.callBooked.key = ['invitee.email'];
    expect(previewThenSave(h, s)).toEqual([
      '"Call booked" is renamed "Bookings" with its 2 rows.',
      '"Bookings": 2 rows re-keyed by Email.',
    ]);
    expect(h.rows('Bookings').map((r) => r['Row key'])).toEqual(['a@example.com', 'b@example.com']);
  });

  it('for two hooks that shared a tab and now go separate ways: the rows stay, and the message says why', () => {
    const h = startApp();
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Calls';
    s.hooks.callCancelled.sheet = 'Calls';
    h.saveSettings(s);
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    s.hooks.callBooked.sheet = 'A';
    s.hooks.callCancelled.sheet = 'B';
    expect(previewThenSave(h, s)).toEqual([
      'Call booked will write to "A"; the 2 rows written so far stay on "Calls", because its hooks now write to different sheets.',
      'Call cancelled will write to "B"; the 2 rows written so far stay on "Calls", because its hooks now write to different sheets.',
    ]);
    expect(h.rows('Calls')).toHaveLength(2);
    expect(h.sheetNames().filter((n) => n === 'A' || n === 'B')).toEqual([]);
  });

  it('when one or two other hooks now write to the old tab: the rows stay for them', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Bookings';
    s.hooks.callCancelled.sheet = 'Call booked';
    expect(preview(h, s).changes[0]).toBe(
      'Call booked will write to "Bookings"; the 2 rows written so far stay on "Call booked", which Call cancelled still uses.',
    );
    s.hooks.callRescheduled.sheet = 'Call booked';
    const changes = previewThenSave(h, s);
    expect(changes.slice(0, 3)).toEqual([
      'Call booked will write to "Bookings"; the 2 rows written so far stay on "Call booked", which Call cancelled, Call rescheduled still use.',
      'Call cancelled will write to "Call booked".',
      'Call rescheduled will write to "Call booked".',
    ]);
    expect(h.rows('Call booked')).toHaveLength(2);
  });

  it("to an empty tab the user made: the rows stay, and the next booking goes to the user's tab", () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.asUser((ss) => ss.insertSheet('Bookings'));
    const s = settingsOf(h);
    s.hooks.callBooked.sheet = 'Bookings';
    expect(previewThenSave(h, s)).toEqual([
      'Call booked will write to "Bookings"; the row written so far stays on "Call booked", because "Bookings" already exists.',
    ]);
    expect(h.rows('Call booked')).toHaveLength(1);
    expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'Bookings', row: 2 });
  });

  it("to a tab another hook of the app writes: the rows stay, and the message says both hooks' rows share it from now on", () => {
    const h = startApp();
    const s = settingsOf(h);
    s.hooks.callCancelled.sheet = 'Bookings';
    h.saveSettings(s);
    expect(h.post(payload('call-cancelled')).results[0]).toMatchObject({ action: 'appended', sheet: 'Bookings' });
    h.post(booking(1, 'a@example.com'));
    s.hooks.callBooked.sheet = 'Bookings';
    expect(previewThenSave(h, s)[0]).toBe(
      'Call booked will write to "Bookings"; the row written so far stays on "Call booked", because "Bookings" already exists (the rows of both now share it from here on).',
    );
    expect(h.rows('Call booked')).toHaveLength(1);
  });
});

describe('sheet names that differ only in case', () => {
  it('are refused for two hooks that share a tab, with both spellings named', () => {
    const { h, s } = oneBooking();
    s.hooks.callCancelled.sheet = 'call BOOKED';
    const refusal = {
      ok: false,
      error:
        'Call booked writes to "Call booked" and Call cancelled to "call BOOKED", which Sheets takes for the same sheet; spell the sheet name the same way for both.',
    };
    expect(preview(h, s)).toEqual(refusal);
    expect(h.saveSettings(s)).toEqual(refusal);
    expect(settingsOf(h).hooks.callCancelled.sheet).toBe('Call cancelled');
  });

  it('rename the tab also where Sheets finds a tab by any case of its name', () => {
    // No source settles whether getSheetByName matches case; in the other world it finds the tab under the new spelling too.
    const exact = SpreadsheetImpl.prototype.getSheetByName;
    const spy = jest.spyOn(SpreadsheetImpl.prototype, 'getSheetByName').mockImplementation(function (this: SpreadsheetImpl, name: string) {
      const tab = this.getSheets().find((sheet) => sheet.getName().toLowerCase() === String(name).toLowerCase());
      return tab ? exact.call(this, tab.getName()) : null;
    });
    try {
      const h = startApp();
      h.post(booking(1, 'a@example.com'));
      const s = settingsOf(h);
      s.hooks.callBooked.sheet = 'CALL BOOKED';
      expect(previewThenSave(h, s)).toEqual(['"Call booked" is renamed "CALL BOOKED" with its 1 row.']);
      expect(h.sheetNames()).toContain('CALL BOOKED');
      expect(h.post(booking(2, 'b@example.com')).results[0]).toMatchObject({ action: 'appended', sheet: 'CALL BOOKED', row: 3 });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the layout kept for a sheet', () => {
  it("moves with a renamed tab: a tab the user later makes under the old name is the user's, not the app's", () => {
    const { h, s } = oneBooking();
    s.hooks.callBooked.sheet = 'Bookings';
    previewThenSave(h, s);
    expect(storedLayout(h, 'Call booked')).toBeNull();
    expect(storedLayout(h, 'Bookings')!.header).toEqual(h.header('Bookings'));
    h.asUser((ss) =>
      ss
        .insertSheet('Call booked')
        .getRange(1, 1, 2, 2)
        .setValues([
          ['Email', 'Notes'],
          ['me@example.com', 'mine'],
        ]),
    );
    s.hooks.callCancelled.sheet = 'Call booked';
    expect(h.saveSettings(s)).toEqual({
      ok: false,
      error:
        '"Call booked" is one of your own sheets, not one this app created; choose another sheet name for Call cancelled, or an empty or new sheet.',
    });
  });

  it("stored by an older version without the header still marks a tab as the app's", () => {
    const h = startApp();
    const s = settingsOf(h);
    s.hooks.callCancelled.sheet = 'Bookings';
    h.saveSettings(s);
    h.post(payload('call-cancelled'));
    h.post(booking(1, 'a@example.com'));
    const { fields } = storedLayout(h, 'Bookings')!;
    h.runtime.execute('editor', () =>
      (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService)
        .getScriptProperties()
        .setProperty('layout/Bookings', JSON.stringify({ fields })),
    );
    s.hooks.callBooked.sheet = 'Bookings';
    expect(preview(h, s).changes[0]).toBe(
      'Call booked will write to "Bookings"; the row written so far stays on "Call booked", because "Bookings" already exists (the rows of both now share it from here on).',
    );
  });
});

describe('a label taken on the sheet', () => {
  it("by the user's own column is refused, and nothing changes", () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    onSheet(h, 'Call booked', (sheet) => sheet.getRange(1, sheet.getLastColumn() + 1).setValue('Slug'));
    const header = h.header('Call booked');
    const s = editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'Slug')));
    expect(h.saveSettings(s)).toEqual({
      ok: false,
      error:
        '"Call booked" already has a column "Slug" (one of your own columns); choose another label for "event_type.slug" in Call booked.',
    });
    expect(h.header('Call booked')).toEqual(header);
  });
});

describe('relabelling a column', () => {
  it('in the same save as keying by it: the keys come from that column under its new label', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const s = editColumns(settingsOf(h), (cols) => cols.map((c) => (c.field === 'invitee.email' ? { ...c, label: 'E-mail' } : c)));
    s.hooks.callBooked.key = ['invitee.email'];
    const column = h.header('Call booked').indexOf('Email') + 1;
    expect(previewThenSave(h, s)).toEqual([
      `"Call booked": column ${column} is now "E-mail".`,
      '"Call booked": 2 rows re-keyed by E-mail.',
    ]);
    expect(h.rows('Call booked').map((r) => [r['E-mail'], r['Row key']])).toEqual([
      ['a@example.com', 'a@example.com'],
      ['b@example.com', 'b@example.com'],
    ]);
  });
});

describe('fields promoted from Other fields', () => {
  it('three at once: the columns added, filled, typed as set, and the key read from the second one', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { slug: 's-one', kind: 'k-one' }));
    const header = h.header('Call booked');
    const s = editColumns(settingsOf(h), (cols) =>
      cols
        .map(promote('event_type.slug', 'Slug'))
        .map(promote('event_type.kind', 'Kind'))
        .map(promote('event_type.duration', 'Minutes', 'number')),
    );
    s.hooks.callBooked.key = ['event_type.slug'];
    expect(previewThenSave(h, s)).toEqual([
      '"Call booked": adds "Kind", "Slug", "Minutes".',
      '"Call booked": "Kind" is filled on 1 row from Other fields.',
      '"Call booked": "Slug" is filled on 1 row from Other fields.',
      '"Call booked": "Minutes" is filled on 1 row from Other fields.',
      '"Call booked": 1 row re-keyed by Slug.',
    ]);
    expect(h.header('Call booked')).toEqual([...header, 'Kind', 'Slug', 'Minutes']);
    const row = h.rows('Call booked')[0];
    expect([row.Kind, row.Slug, row.Minutes, row['Row key']]).toEqual(['k-one', 's-one', 30, 's-one']);
    const other = JSON.parse(String(row['Other fields']));
    expect([other['event_type.kind'], other['event_type.slug'], other['event_type.duration'], other['event_type.name']]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(other['event_type.uuid']).toBe('123');
    // The new header cells are bold like the rest, and the stored layout knows the header as it now stands.
    const start = header.length + 1;
    expect(onSheet(h, 'Call booked', (sheet) => sheet.getRange(1, start, 1, 3).getFontWeights()[0])).toEqual(['bold', 'bold', 'bold']);
    expect(storedLayout(h, 'Call booked')!.header).toEqual(h.header('Call booked'));
  });

  it('a row whose Other fields held only the promoted field is left with an empty Other fields cell', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { slug: 's-one' }));
    h.post(booking(2, 'b@example.com', { slug: 's-two' }));
    const otherColumn = h.header('Call booked').indexOf('Other fields') + 1;
    onSheet(h, 'Call booked', (sheet) => sheet.getRange(3, otherColumn).setValue('{"event_type.slug":"only"}'));
    const s = editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'Slug')));
    expect(previewThenSave(h, s)).toEqual(['"Call booked": adds "Slug".', '"Call booked": "Slug" is filled on 2 rows from Other fields.']);
    expect(h.rows('Call booked').map((r) => r.Slug)).toEqual(['s-one', 'only']);
    expect(h.rows('Call booked')[1]['Other fields']).toBe('');
    expect(JSON.parse(String(h.rows('Call booked')[0]['Other fields']))['event_type.uuid']).toBe('123');
  });

  it('a field no row has gets its column and writes nothing else', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'b@example.com'));
    const rowsBefore = h.rows('Call booked');
    const s = editColumns(settingsOf(h), (cols) =>
      cols.map((c) => (c.field === 'event.cancel_reason' ? { ...c, inOtherFields: false, label: 'Cancel reason' } : c)),
    );
    expect(preview(h, s).changes).toEqual(['"Call booked": adds "Cancel reason".']);
    h.runtime.calls.reset();
    expect(h.saveSettings(s)).toMatchObject({ ok: true, changes: ['"Call booked": adds "Cancel reason".'] });
    // One write: the new header cell. Other fields is not rewritten when nothing left it.
    expect(h.runtime.calls.byMethod['Range.setValues']).toBe(1);
    expect(h.rows('Call booked')).toEqual(rowsBefore.map((r) => ({ ...r, 'Cancel reason': '' })));
  });
});

describe('a sheet with no spare columns', () => {
  it('gets exactly the columns the new fields need', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { slug: 's-one', kind: 'k-one' }));
    const width = h.header('Call booked').length;
    onSheet(h, 'Call booked', (sheet) => sheet.deleteColumns(width + 1, sheet.getMaxColumns() - width));
    const s = editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'Slug')).map(promote('event_type.kind', 'Kind')));
    previewThenSave(h, s);
    expect(onSheet(h, 'Call booked', (sheet) => sheet.getMaxColumns())).toBe(width + 2);
    expect(h.rows('Call booked').map((r) => [r.Kind, r.Slug])).toEqual([['k-one', 's-one']]);
  });
  it('with exactly one spare column, a new field fills it and no column is inserted', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { slug: 's-one' }));
    const width = h.header('Call booked').length;
    onSheet(h, 'Call booked', (sheet) => sheet.deleteColumns(width + 2, sheet.getMaxColumns() - width - 1));
    previewThenSave(
      h,
      editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'Slug'))),
    );
    expect(onSheet(h, 'Call booked', (sheet) => sheet.getMaxColumns())).toBe(width + 1);
    expect(h.rows('Call booked')[0].Slug).toBe('s-one');
  });
});

describe("the sidebar's column order", () => {
  it("swapping two columns with the user's column between them moves two columns; the user's stays put", () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const email = h.header('Call booked').indexOf('Email') + 1;
    onSheet(h, 'Call booked', (sheet) => {
      sheet.insertColumnsBefore(email, 1);
      sheet.getRange(1, email).setValue('My notes');
    });
    const header = h.header('Call booked');
    const s = editColumns(settingsOf(h), (cols) => {
      const a = cols.findIndex((c) => c.field === 'invitee.name');
      const b = cols.findIndex((c) => c.field === 'invitee.email');
      const out = [...cols];
      [out[a], out[b]] = [out[b], out[a]];
      return out;
    });
    expect(previewThenSave(h, s)).toEqual([
      `"Call booked": columns move into the sidebar's order (2 moved; your own columns stay where they are).`,
    ]);
    const swapped = [...header];
    [swapped[email - 2], swapped[email]] = [header[email], header[email - 2]];
    expect(h.header('Call booked')).toEqual(swapped);
    expect(h.header('Call booked').slice(email - 2, email + 1)).toEqual(['Email', 'My notes', 'Name']);
  });
});

describe('a column left out of the list, then listed again', () => {
  it('listed ticked, it needs no change; listed unticked, it is hidden', () => {
    const { h, s } = oneBooking();
    const all = s.hooks.callBooked.columns as Column[];
    s.hooks.callBooked.columns = all.filter((c) => c.field !== 'event.location');
    expect(previewThenSave(h, s)).toEqual([]);
    s.hooks.callBooked.columns = all;
    expect(previewThenSave(h, s)).toEqual([]);
    s.hooks.callBooked.columns = all.filter((c) => c.field !== 'event.location');
    previewThenSave(h, s);
    s.hooks.callBooked.columns = all.map((c) => (c.field === 'event.location' ? { ...c, include: false } : c));
    expect(previewThenSave(h, s)).toEqual(['"Call booked": "Meeting link" is hidden; its data stays (tick it to show it again).']);
    const column = h.header('Call booked').indexOf('Meeting link') + 1;
    expect(onSheet(h, 'Call booked', (sheet) => sheet.isColumnHiddenByUser(column))).toBe(true);
    // Saved again unticked, it needs no change.
    expect(previewThenSave(h, s)).toEqual([]);
    // The user deletes the hidden column: the app's other columns keep their order, and nothing is re-added.
    const hidden = h.header('Call booked').indexOf('Meeting link') + 1;
    onSheet(h, 'Call booked', (sheet) => sheet.deleteColumn(hidden));
    expect(previewThenSave(h, s)).toEqual([]);
    expect(h.header('Call booked')).not.toContain('Meeting link');
  });
});

describe('write mode and key', () => {
  it('append with another key re-keys nothing: append never matches rows', () => {
    const { h, s } = oneBooking();
    s.hooks.callBooked.mode = 'append';
    s.hooks.callBooked.key = ['invitee.email'];
    expect(previewThenSave(h, s)).toEqual([]);
    expect(h.rows('Call booked')[0]['Row key']).toBe('1');
  });

  it('from append back to upsert with the same key: the rows are re-keyed, since append rows may share keys', () => {
    const h = startApp();
    const s = settingsOf(h);
    s.hooks.callBooked.mode = 'append';
    s.hooks.callBooked.key = ['invitee.email'];
    h.saveSettings(s);
    h.post(booking(1, 'a@example.com'));
    h.post(booking(2, 'a@example.com'));
    s.hooks.callBooked.mode = 'upsert';
    expect(previewThenSave(h, s)).toEqual([
      '"Call booked": 2 rows re-keyed by Email; rows 2 and 3 now share a key (later deliveries update row 2).',
    ]);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a@example.com', 'a@example.com']);
  });

  it('a key field empty on a row: that row is counted apart and its Row key cell left empty', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { phone: '+111' }));
    h.post(booking(2, 'b@example.com', { phone: null }));
    h.post(booking(3, 'c@example.com', { phone: '+333' }));
    const s = settingsOf(h);
    s.hooks.callBooked.key = ['invitee.text_reminder_number'];
    expect(previewThenSave(h, s)).toEqual([
      '"Call booked": 2 rows re-keyed by Phone; 1 row has no value for the key and will be matched by content only.',
    ]);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['+111', '', '+333']);
  });

  it('a sheet whose Row key column the user deleted still takes a new key', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com'));
    const rowKey = h.header('Call booked').indexOf('Row key') + 1;
    onSheet(h, 'Call booked', (sheet) => sheet.deleteColumn(rowKey));
    const s = settingsOf(h);
    s.hooks.callBooked.key = ['invitee.email'];
    expect(previewThenSave(h, s)).toEqual(['"Call booked": 1 row re-keyed by Email.']);
    expect(h.header('Call booked')).not.toContain('Row key');
  });
});

describe("a user's column with a blank header cell", () => {
  it('is no label: a new column may be called "null", and the stored header keeps the blank as empty', () => {
    const h = startApp();
    h.post(booking(1, 'a@example.com', { slug: 's-one' }));
    onSheet(h, 'Call booked', (sheet) => {
      sheet.insertColumnsBefore(3, 1);
      sheet.getRange(2, 3).setValue('a note under no header');
    });
    const s = editColumns(settingsOf(h), (cols) => cols.map(promote('event_type.slug', 'null')));
    expect(previewThenSave(h, s)).toEqual(['"Call booked": adds "null".', '"Call booked": "null" is filled on 1 row from Other fields.']);
    expect(h.rows('Call booked')[0].null).toBe('s-one');
    const header = storedLayout(h, 'Call booked')!.header!;
    expect(header[2]).toBe('');
    expect(header).toEqual(h.header('Call booked'));
  });
});
