/** Finding an event's row on a hook sheet: the key and fingerprint search where users moved or added columns, keys that differ only in case, and what a search costs. */
import { APOSTROPHE_WORLDS, observingCalls, payload, startApp, type Harness } from './helpers/harness';

const SHEET = 'Call booked';

/** A call-booked event with its own uuid (the hook's key). */
function callBooked(uuid: string, extra: Record<string, unknown> = {}): Record<string, any> {
  const p = payload('call-booked')[0];
  return { ...p, ...extra, event: { ...p.event, uuid } };
}

/** The 1-based column of `label` on the hook sheet, as the user sees it now. */
function columnOf(h: Harness, label: string): number {
  return h.header(SHEET).indexOf(label) + 1;
}

/** Every counted call `fn` makes, as "Class.method" (calls on a sheet or range of another sheet left out). */
function callsOn(h: Harness, sheet: string, fn: () => void): string[] {
  const seen: string[] = [];
  observingCalls(
    h,
    (key, self) => {
      const owner = key.startsWith('Sheet.') ? self : key.startsWith('Range.') ? self.getSheet() : null;
      if (owner === null || owner.getName() === sheet) seen.push(key);
    },
    fn,
  );
  return seen;
}

describe('finding the row of a key', () => {
  it("a key that differs from a row's only in case is another record: a row of its own, found new by the one batch search", () => {
    const h = startApp();
    expect(h.post(callBooked('call-abc')).results[0]).toMatchObject({ action: 'appended', row: 2 });
    expect(h.post(callBooked('CALL-ABC')).results[0]).toMatchObject({ action: 'appended', row: 3 });
    const calls = callsOn(h, SHEET, () => {
      expect(h.post([callBooked('Call-Abc'), callBooked('call-ABC')]).results.map((r: any) => r.row)).toEqual([4, 5]);
    });
    expect(h.rows(SHEET).map((r) => r['Call id'])).toEqual(['call-abc', 'CALL-ABC', 'Call-Abc', 'call-ABC']);
    // One search for the batch, none per event: nothing on the sheet matched.
    expect(calls.filter((k) => k === 'Range.createTextFinder')).toHaveLength(1);
  });

  it('with the Row key column dragged to the right of Fingerprint, an update still finds its row', () => {
    const h = startApp();
    h.post(callBooked('k1'));
    h.post(callBooked('k2'));
    h.asUser((ss) => {
      const sheet = ss.getSheetByName(SHEET)!;
      sheet.moveColumns(sheet.getRange(1, columnOf(h, 'Row key')), columnOf(h, 'Fingerprint') + 1);
    });
    expect(columnOf(h, 'Row key')).toBeGreaterThan(columnOf(h, 'Fingerprint'));
    const res = h.post(callBooked('k1', { note: 'after the move' }));
    expect(res.results[0]).toMatchObject({ action: 'updated', row: 2 });
    expect(h.rows(SHEET).map((r) => r['Row key'])).toEqual(['k1', 'k2']);
  });

  it("a user's column between Row key and Fingerprint that holds a call id is not taken for that call's key cell", () => {
    const h = startApp();
    for (const id of ['k1', 'k2', 'k3']) h.post(callBooked(id));
    h.asUser((ss) => {
      const sheet = ss.getSheetByName(SHEET)!;
      const keyColumn = columnOf(h, 'Row key');
      sheet.insertColumnAfter(keyColumn);
      sheet.getRange(1, keyColumn + 1).setValue('Related call');
      // The rows above and below k2's hold its id in the user's column.
      sheet.getRange(2, keyColumn + 1).setValue('k2');
      sheet.getRange(4, keyColumn + 1).setValue('k2');
    });
    const res = h.post(callBooked('k2', { note: 'changed' }));
    expect(res.results[0]).toMatchObject({ action: 'updated', row: 3 });
    expect(h.rows(SHEET).map((r) => [r['Row key'], r['Related call']])).toEqual([
      ['k1', 'k2'],
      ['k2', ''],
      ['k3', 'k2'],
    ]);
  });
});

describe('finding an event already written', () => {
  it('in append mode, a batch delivered again is found by its fingerprints alone: nothing is written twice', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { mode: 'append' } } });
    const batch = [callBooked('a1'), callBooked('a2')];
    expect(h.post(batch).results.map((r: any) => r.action)).toEqual(['appended', 'appended']);
    expect(h.post(batch).results.map((r: any) => [r.action, r.row])).toEqual([
      ['duplicate', 2],
      ['duplicate', 3],
    ]);
    expect(h.rows(SHEET)).toHaveLength(2);
  });
});

describe('writing a batch', () => {
  it('a batch whose events bring different fields leaves blank the cells of a field an event does not have', () => {
    const h = startApp();
    expect(h.post([callBooked('b1'), callBooked('b2', { surpriseField: 'only here' })]).results.map((r: any) => r.row)).toEqual([2, 3]);
    expect(h.rows(SHEET).map((r) => [r['Row key'], r.surpriseField])).toEqual([
      ['b1', ''],
      ['b2', 'only here'],
    ]);
  });
});

describe('what a write costs', () => {
  it.each(APOSTROPHE_WORLDS)(
    '%s: a label that starts with an apostrophe is recognised in the cached header, so the next delivery reads no whole header',
    (_world, options) => {
      const h = startApp(options);
      h.post(callBooked('q1', { "'=odd": 'x' }));
      expect(h.header(SHEET)).toContain("'=odd");
      const calls = callsOn(h, SHEET, () => h.post(callBooked('q2', { "'=odd": 'y' })));
      expect(h.rows(SHEET).map((r) => r["'=odd"])).toEqual(['x', 'y']);
      expect(calls).not.toContain('Sheet.getLastColumn');
    },
  );

  it('the first delivery to a new hook sheet writes below the header without asking for the last row', () => {
    const h = startApp();
    const calls = callsOn(h, SHEET, () => h.post(callBooked('first')));
    expect(h.rows(SHEET)).toHaveLength(1);
    expect(calls).toContain('Range.setValues');
    expect(calls).not.toContain('Sheet.getLastRow');
  });
});
