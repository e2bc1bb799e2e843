/** Writing events through the built bundle: fingerprint cells, the nesting limit, stale answers, and failed searches or writes reported per event. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/core/keys';
import { MAX_NESTING } from '../src/core/delivery';
import { GasException } from '../local/runtime/errors';
import { RangeImpl } from '../local/runtime/range';
import { TextFinderImpl } from '../local/runtime/textfinder';
import { payload, propertyKeysWritten, startApp } from './helpers/harness';

/** A call-booked event with its own uuid (the hook's key). */
function callBooked(uuid: string, extra: Record<string, unknown> = {}): Record<string, any> {
  const p = payload('call-booked')[0];
  return { ...p, ...extra, event: { ...p.event, uuid } };
}

/** An object nesting `levels` deep: {d:{d:…{d:1}}}. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { d: value };
  return value;
}

/** Every setValues on the data rows (row 2 on) of `sheet` fails as a Sheets service error would; restore the returned spy. */
function failDataRowWrites(sheet: string): jest.SpyInstance {
  const original = RangeImpl.prototype.setValues;
  return jest.spyOn(RangeImpl.prototype, 'setValues').mockImplementation(function (this: RangeImpl, values: unknown[][]) {
    if (this.__sh.name === sheet && this.__r >= 2) throw new GasException('Service Spreadsheets failed while accessing the document.');
    return original.call(this, values);
  });
}

const STALE = "The row holds a newer version of this record (by the event's own time): not overwritten.";

describe('the Fingerprint cell', () => {
  it("records the event's fingerprint: the first 128 bits of the SHA-256 of its canonical JSON, base64url without padding", () => {
    const h = startApp();
    const event = callBooked('fp-1');
    expect(h.post(event).results[0]).toMatchObject({ action: 'appended', row: 2 });
    const expected = createHash('sha256').update(canonicalJson(event), 'utf8').digest().subarray(0, 16).toString('base64url');
    expect(expected).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const tokens = String(h.rows('Call booked')[0].Fingerprint).split(' ');
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^v:/);
    expect(tokens[1]).toBe(expected);
  });
});

describe('the nesting limit', () => {
  it(`an event nesting exactly ${MAX_NESTING} levels is written; one level more is refused and kept in the Webhook log only`, () => {
    const h = startApp();
    // The event object is one level, its "deep" field the rest.
    const atLimit = callBooked('deep-ok', { deep: nested(MAX_NESTING - 1) });
    const overLimit = callBooked('deep-no', { deep: nested(MAX_NESTING) });
    const res = h.post([atLimit, overLimit]);
    expect(res.results).toEqual([
      { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 },
      {
        hook: 'Call booked',
        sheet: '',
        action: 'failed',
        row: null,
        message: `The event nests deeper than ${MAX_NESTING} levels; it is kept in the Webhook log only.`,
      },
    ]);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['deep-ok']);
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Message])).toEqual([
      ['failed', `1 appended, 1 failed; The event nests deeper than ${MAX_NESTING} levels; it is kept in the Webhook log only.`],
    ]);
  });
});

describe('stale events', () => {
  const contact = (updatedAt: string, lastName: string) => ({ ...payload('contact-updated')[0], updatedAt, lastName });

  it('an older version of a row on the sheet is answered "stale" with the reason', () => {
    const h = startApp();
    h.post(contact('2025-05-09T15:40:00.000Z', 'Newer'));
    expect(h.post(contact('2025-05-09T15:30:00.000Z', 'Older')).results).toEqual([
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'stale', row: 2, message: STALE },
    ]);
  });

  it('an older version of a row the same delivery adds is answered "stale" with the reason and that row', () => {
    const h = startApp();
    const res = h.post([contact('2025-05-09T15:40:00.000Z', 'Newer'), contact('2025-05-09T15:30:00.000Z', 'Older')]);
    expect(res.results).toEqual([
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'appended', row: 2 },
      { hook: 'Contact updated', sheet: 'Contact updated', action: 'stale', row: 2, message: STALE },
    ]);
    expect(h.fields('Contact updated').map((r) => r.lastName)).toEqual(['Newer']);
  });
});

describe('a sheet call that fails is reported on the events it sinks', () => {
  it("one event whose search fails is answered failed with the service's message; its neighbour is written", () => {
    const h = startApp();
    h.post(callBooked('a'));
    const spy = jest.spyOn(TextFinderImpl.prototype, 'findAll').mockImplementationOnce(() => {
      throw new GasException('Service Spreadsheets timed out while accessing the document.');
    });
    let res: any;
    try {
      res = h.post([callBooked('a', { extra: 'changed' }), callBooked('b')]);
    } finally {
      spy.mockRestore();
    }
    expect(res).toEqual({
      ok: false,
      results: [
        {
          hook: 'Call booked',
          sheet: 'Call booked',
          action: 'failed',
          row: null,
          message: 'Service Spreadsheets timed out while accessing the document.',
        },
        { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 3 },
      ],
      error: {
        code: 'partly_failed',
        message:
          '1 of 2 events could not be written: Service Spreadsheets timed out while accessing the document. They are kept in the Webhook log and can be replayed.',
      },
    });
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a', 'b']);
    expect(h.rows('Webhook log').map((r) => [r.Outcome, r.Message])).toEqual([
      ['appended', '1 appended'],
      ['failed', '1 failed, 1 appended; Service Spreadsheets timed out while accessing the document.'],
    ]);
  });

  it('when the new rows cannot be written, every event that was to add or merge into one fails, and no row is claimed', () => {
    const h = startApp();
    h.post(callBooked('first')); // the sheet and its header exist
    const spy = failDataRowWrites('Call booked');
    let res: any;
    try {
      // "m" twice: the second merges into the row the first adds.
      res = h.post([callBooked('m'), callBooked('m', { extra: 'later' }), callBooked('n')]);
    } finally {
      spy.mockRestore();
    }
    const failed = (action: string) => ({
      hook: 'Call booked',
      sheet: 'Call booked',
      action,
      row: null,
      message: 'Service Spreadsheets failed while accessing the document.',
    });
    expect(res).toEqual({
      ok: false,
      results: [failed('failed'), failed('failed'), failed('failed')],
      error: {
        code: 'write_failed',
        message:
          '3 of 3 events could not be written: Service Spreadsheets failed while accessing the document. They are kept in the Webhook log and can be replayed.',
      },
    });
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['first']);
    expect(h.rows('Webhook log').map((r) => r.Outcome)).toEqual(['appended', 'failed']);
  });
  it("when a sheet's header cannot be written, that sheet's events fail and the other sheets' events are written", () => {
    const h = startApp();
    const original = RangeImpl.prototype.setValues;
    const spy = jest.spyOn(RangeImpl.prototype, 'setValues').mockImplementation(function (this: RangeImpl, values: unknown[][]) {
      if (this.__sh.name === 'Call booked' && this.__r === 1)
        throw new GasException('Service Spreadsheets failed while accessing the document.');
      return original.call(this, values);
    });
    let res: any;
    try {
      res = h.post([callBooked('x'), payload('contact-created')[0], callBooked('y')]);
    } finally {
      spy.mockRestore();
    }
    const failed = {
      hook: 'Call booked',
      sheet: 'Call booked',
      action: 'failed',
      row: null,
      message: 'Service Spreadsheets failed while accessing the document.',
    };
    expect(res.results).toEqual([failed, { hook: 'Contact created', sheet: 'Contact created', action: 'appended', row: 2 }, failed]);
    expect(res.error.code).toBe('partly_failed');
    expect(h.rows('Contact created')).toHaveLength(1);
  });
});

describe('the grid grows only when a write needs room, with spare room after', () => {
  /** The sheet's grid size, as a user sees it. */
  const gridOf = (h: ReturnType<typeof startApp>, name: string) =>
    h.asUser((s) => {
      const sheet = s.getSheetByName(name)!;
      return { rows: sheet.getMaxRows(), columns: sheet.getMaxColumns() };
    });

  it('a new label landing in the last column of the grid gets five spare columns after it', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const labels = h.header('Call booked').length;
    // The user trims the grid to one empty column after the header.
    h.asUser((s) => s.getSheetByName('Call booked')!.deleteColumns(labels + 2, 26 - labels - 1));
    expect(gridOf(h, 'Call booked').columns).toBe(labels + 1);
    expect(h.post(callBooked('b', { brandNewField: 'x' })).results[0]).toMatchObject({ action: 'appended', row: 3 });
    expect(h.header('Call booked')).toHaveLength(labels + 1);
    expect(h.header('Call booked')[labels]).toBe('brandNewField');
    expect(gridOf(h, 'Call booked').columns).toBe(labels + 1 + 5);
  });

  it('a new row past the last row of the grid adds the rows it needs and 200 spare ones', () => {
    const h = startApp();
    h.post(callBooked('a'));
    h.asUser((s) => s.getSheetByName('Call booked')!.deleteRows(3, 998));
    expect(gridOf(h, 'Call booked').rows).toBe(2);
    expect(h.post([callBooked('b'), callBooked('c')]).results.map((r: any) => [r.action, r.row])).toEqual([
      ['appended', 3],
      ['appended', 4],
    ]);
    expect(gridOf(h, 'Call booked').rows).toBe(4 + 200);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a', 'b', 'c']);
  });

  it('a new row that fails inside the grid adds no rows: the error is the answer', () => {
    const h = startApp();
    h.post(callBooked('a'));
    h.asUser((s) => s.getSheetByName('Call booked')!.deleteRows(4, 997)); // rows 1 to 3: the next row fits
    const spy = failDataRowWrites('Call booked');
    let res: any;
    try {
      res = h.post(callBooked('b'));
    } finally {
      spy.mockRestore();
    }
    expect(res.results).toEqual([
      {
        hook: 'Call booked',
        sheet: 'Call booked',
        action: 'failed',
        row: null,
        message: 'Service Spreadsheets failed while accessing the document.',
      },
    ]);
    expect(gridOf(h, 'Call booked').rows).toBe(3);
  });
});

describe('rows a user copied', () => {
  it('the first row holding the event or its key is the one answered and updated', () => {
    const h = startApp();
    const event = callBooked('k');
    h.post(event);
    // The user copies row 2 into row 3: two rows now hold the key and the fingerprint.
    h.asUser((s) => {
      const sheet = s.getSheetByName('Call booked')!;
      const width = sheet.getLastColumn();
      sheet.getRange(3, 1, 1, width).setValues(sheet.getRange(2, 1, 1, width).getValues());
    });
    expect(h.post(event).results[0]).toMatchObject({ action: 'duplicate', row: 2 });
    expect(h.post(callBooked('k', { extra: 'changed' })).results[0]).toMatchObject({ action: 'updated', row: 2 });
    expect(h.fields('Call booked').map((r) => r.extra)).toEqual(['changed', '']);
  });
});

describe('events of no known hook', () => {
  it('an event naming no hook type, posted without ?hook=, is kept in "Other hooks" under the name "(none)"', () => {
    const h = startApp();
    expect(h.post({ id: 7, note: 'no hook type' }).results).toEqual([
      {
        hook: '(none)',
        sheet: 'Other hooks',
        action: 'unrouted',
        row: 2,
        message: 'Unknown hook type "(none)": kept in "Other hooks" with all its fields.',
      },
    ]);
    expect(h.fields('Other hooks').map((r) => [r.id, r.note])).toEqual([[7, 'no hook type']]);
    // Append mode: the row has no key.
    expect(h.rows('Other hooks')[0]['Row key']).toBe('');
  });

  it('the same unknown event again is answered as already kept, with its row', () => {
    const h = startApp();
    h.post({ hookType: 'Deal won', id: 9 });
    expect(h.post({ hookType: 'Deal won', id: 9 }).results).toEqual([
      {
        hook: 'Deal won',
        sheet: 'Other hooks',
        action: 'unrouted',
        row: 2,
        message: 'Unknown hook type "Deal won": already kept in "Other hooks".',
      },
    ]);
    expect(h.rows('Other hooks')).toHaveLength(1);
  });
});

describe('a new row is marked written last', () => {
  it('with a user column splitting a new row, the cells holding the Fingerprint are written last: a write cut short leaves the row unmarked', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const header = h.header('Call booked');
    const fingerprintColumn = header.indexOf('Fingerprint') + 1;
    expect(header[fingerprintColumn]).toBe('Other fields');
    // The user puts a column of their own between "Fingerprint" and "Other fields".
    h.asUser((s) => {
      const sheet = s.getSheetByName('Call booked')!;
      sheet.insertColumnAfter(fingerprintColumn);
      sheet.getRange(1, fingerprintColumn + 1).setValue('Notes');
    });
    const writes: Array<[number, number]> = [];
    h.runtime.observeCalls((key, self) => {
      const range = self as RangeImpl;
      if (key === 'Range.setValues' && range.__sh.name === 'Call booked' && range.__r === 3) writes.push([range.__c, range.__nc]);
    });
    try {
      expect(h.post(callBooked('b')).results[0]).toMatchObject({ action: 'appended', row: 3 });
    } finally {
      h.runtime.observeCalls(null);
    }
    expect(writes).toEqual([
      [fingerprintColumn + 2, 1],
      [1, fingerprintColumn],
    ]);
  });
});

describe('answers for events the sheet or the delivery already holds', () => {
  it('the same event again is a duplicate of its row, with the reason', () => {
    const h = startApp();
    h.post(callBooked('d'));
    expect(h.post(callBooked('d')).results).toEqual([
      { hook: 'Call booked', sheet: 'Call booked', action: 'duplicate', row: 2, message: 'This event was already written (same content).' },
    ]);
  });

  it('insert-if-new: a known key is skipped with the reason, on the sheet (its row) and within one delivery (no row of its own)', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { mode: 'insert-if-new' } } });
    h.post(callBooked('s'));
    const skipped = (row: number | null) => ({
      hook: 'Call booked',
      sheet: 'Call booked',
      action: 'skipped',
      row,
      message: 'A row with this key exists (insert-if-new).',
    });
    expect(h.post(callBooked('s', { extra: 'changed' })).results).toEqual([skipped(2)]);
    expect(h.post([callBooked('t'), callBooked('t', { extra: 'changed' })]).results).toEqual([
      { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 3 },
      skipped(null),
    ]);
    expect(h.fields('Call booked').map((r) => [r['Row key'], r.extra ?? ''])).toEqual([
      ['s', ''],
      ['t', ''],
    ]);
  });

  it('upsert: a newer version of a row the same delivery adds is merged into it, and both events are known afterwards', () => {
    const h = startApp();
    const first = callBooked('m');
    const second = callBooked('m', { extra: 'newer' });
    expect(h.post([first, second]).results).toEqual([
      { hook: 'Call booked', sheet: 'Call booked', action: 'appended', row: 2 },
      { hook: 'Call booked', sheet: 'Call booked', action: 'updated', row: 2, message: 'Merged into a row added by the same delivery.' },
    ]);
    expect(h.fields('Call booked').map((r) => [r['Row key'], r.extra])).toEqual([['m', 'newer']]);
    expect(h.post(first).results[0]).toMatchObject({ action: 'duplicate', row: 2 });
    expect(h.post(second).results[0]).toMatchObject({ action: 'duplicate', row: 2 });
  });
});

describe('service calls a delivery makes', () => {
  /** The counted calls of `fn` by method. */
  const callsOf = (h: ReturnType<typeof startApp>, fn: () => void): Record<string, number> => {
    h.runtime.calls.reset();
    fn();
    return { ...h.runtime.calls.byMethod };
  };
  const layoutWrites = (h: ReturnType<typeof startApp>, fn: () => void): string[] =>
    propertyKeysWritten(h, fn).filter((k) => k === 'layout/Call booked');
  const reads = (calls: Record<string, number>) => calls['Properties.getProperties'] ?? 0;

  it('the layout is read again and saved only when the header is not the one remembered', () => {
    const h = startApp();
    const created = callsOf(h, () => expect(layoutWrites(h, () => h.post(callBooked('a')))).toEqual(['layout/Call booked']));
    let known: Record<string, number> = {};
    expect(layoutWrites(h, () => (known = callsOf(h, () => h.post(callBooked('b')))))).toEqual([]);
    // A sheet the app creates is new to everyone: nothing to read again.
    expect(reads(created)).toBe(reads(known));
    // A user adds a column: the layout is read again, and saved with the new header.
    h.asUser((s) => {
      const sheet = s.getSheetByName('Call booked')!;
      sheet.insertColumnAfter(2);
      sheet.getRange(1, 3).setValue('Notes');
    });
    let changed: Record<string, number> = {};
    expect(layoutWrites(h, () => (changed = callsOf(h, () => h.post(callBooked('c')))))).toEqual(['layout/Call booked']);
    expect(reads(changed)).toBe(reads(known) + 1);
    // Then it is the header remembered again.
    expect(layoutWrites(h, () => expect(reads(callsOf(h, () => h.post(callBooked('d'))))).toBe(reads(known)))).toEqual([]);
    // A sheet a user made, with a header, before the app knew it: read again too.
    h.asUser((s) =>
      s
        .insertSheet('Call cancelled')
        .getRange(1, 1, 1, 2)
        .setValues([['Notes', 'Received at']]),
    );
    expect(reads(callsOf(h, () => h.post(payload('call-cancelled'))))).toBe(reads(known) + 1);
    expect(h.header('Call cancelled').slice(0, 2)).toEqual(['Notes', 'Received at']);
  });

  it('a user renaming one header label makes the next delivery read the header and save it again', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const email = h.header('Call booked').indexOf('Email') + 1;
    h.asUser((s) => s.getSheetByName('Call booked')!.getRange(1, email).setValue('E-mail'));
    expect(layoutWrites(h, () => h.post(callBooked('b')))).toEqual(['layout/Call booked']);
    expect(h.header('Call booked')[email - 1]).toBe('E-mail');
  });

  it('one search per event alone, one search for a batch of new events, one more per event when the batch search finds any', () => {
    const h = startApp();
    /** TextFinder searches of the Call booked sheet during `fn`: [findAll, findNext]. */
    const searchesOf = (fn: () => void): [number, number] => {
      const counts: [number, number] = [0, 0];
      h.runtime.observeCalls((key, self) => {
        if ((self as { _sh?: { name: string } })._sh?.name !== 'Call booked') return;
        if (key === 'TextFinder.findAll') counts[0] += 1;
        if (key === 'TextFinder.findNext') counts[1] += 1;
      });
      try {
        fn();
      } finally {
        h.runtime.observeCalls(null);
      }
      return counts;
    };
    expect(searchesOf(() => h.post(callBooked('a')))).toEqual([1, 0]);
    expect(searchesOf(() => h.post([callBooked('b'), callBooked('c'), callBooked('d')]))).toEqual([0, 1]);
    expect(searchesOf(() => h.post([callBooked('e'), callBooked('a', { extra: 'changed' }), callBooked('f')]))).toEqual([3, 1]);
    // Append mode: the batch search looks for fingerprints only.
    h.saveSettings({ hooks: { callBooked: { mode: 'append' } } });
    expect(searchesOf(() => h.post([callBooked('g'), callBooked('h')]))).toEqual([0, 1]);
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a', 'b', 'c', 'd', 'e', 'f', '', '']);
  });

  it('a delivery that adds no row never asks for the last row', () => {
    const h = startApp();
    h.post(callBooked('a'));
    h.post(callBooked('b'));
    const calls = callsOf(h, () =>
      expect(h.post([callBooked('a'), callBooked('b')]).results.map((r: any) => r.action)).toEqual(['duplicate', 'duplicate']),
    );
    expect(calls['Sheet.getLastRow'] ?? 0).toBe(0);
  });
});

describe('fields without a column of their own', () => {
  it('with new fields off, a new field goes to "Other fields", and one that is null is left out', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { addNewFields: false } } });
    h.post(callBooked('o', { laterField: 'v', emptyField: null }));
    expect(h.header('Call booked')).not.toContain('laterField');
    const other = JSON.parse(String(h.rows('Call booked')[0]['Other fields']));
    expect(other.laterField).toBe('v');
    expect(Object.keys(other)).not.toContain('emptyField');
  });

  it('a sheet shared by two hooks adds columns for new fields when one of its hooks adds new fields', () => {
    const h = startApp();
    h.saveSettings({ hooks: { callBooked: { sheet: 'Calls', addNewFields: false }, callCancelled: { sheet: 'Calls' } } });
    h.post([callBooked('p', { bookedLater: 1 }), { ...payload('call-cancelled')[0], cancelledLater: 2 }]);
    expect(h.header('Calls')).toEqual(expect.arrayContaining(['bookedLater', 'cancelledLater']));
  });
});

describe('"Received at"', () => {
  it('a delivery that waited in the queue keeps the time it arrived, not the time it was written', () => {
    const h = startApp();
    const release = h.runtime.holdScriptLock();
    const arrived = h.runtime.now();
    expect(h.post(callBooked('q')).results[0].action).toBe('queued');
    release();
    h.runtime.advanceTime(5 * 60 * 1000);
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 1, remaining: 0 });
    const receivedAt = h.rows('Call booked')[0]['Received at'] as Date;
    expect(receivedAt.getTime() - arrived).toBeLessThan(60 * 1000);
  });
});

describe('deliveries that write no hook row', () => {
  it('a body that is not JSON is logged as failed under the ?hook= it came with, with its code and reason', () => {
    const h = startApp();
    const reason = "The body is not valid JSON (Expected property name or '}' in JSON at position 1).";
    expect(h.post('{bad', { query: 'hook=callBooked' })).toEqual({
      ok: false,
      error: { code: 'invalid_json', message: `${reason} The body is kept in the Webhook log and can be replayed.` },
    });
    expect(h.rows('Webhook log').map((r) => [r.Hook, r.Outcome, r.Sheet, r.Row, r.Message])).toEqual([
      ['callBooked', 'failed', '', '', `invalid_json: ${reason}`],
    ]);
  });

  it('with the pipeline switched off, a delivery writes its hook sheet only', () => {
    const h = startApp();
    h.saveSettings({ pipeline: { enabled: false } });
    expect(h.post(callBooked('z')).results[0]).toMatchObject({ action: 'appended', row: 2 });
    expect(h.sheetNames()).toEqual(['Sheet1', 'Webhook log', 'Call booked']);
  });
});

describe('sheets a user shaped', () => {
  it('with the Row key and Fingerprint columns moved to Y and Z, a redelivery and a change still find their row', () => {
    const h = startApp();
    h.post(callBooked('y'));
    expect(h.header('Call booked').indexOf('Row key') + 1).toBe(13);
    h.asUser((s) => s.getSheetByName('Call booked')!.insertColumnsBefore(1, 12));
    expect(h.header('Call booked').indexOf('Row key') + 1).toBe(25);
    expect(h.header('Call booked').indexOf('Fingerprint') + 1).toBe(26);
    expect(h.post(callBooked('y')).results[0]).toMatchObject({ action: 'duplicate', row: 2 });
    expect(h.post(callBooked('y', { extra: 'changed' })).results[0]).toMatchObject({ action: 'updated', row: 2 });
    expect(h.rows('Call booked')).toHaveLength(1);
  });

  it("a label a user typed right after the header is kept: a new field's column goes after it", () => {
    const h = startApp();
    h.post(callBooked('a'));
    const width = h.header('Call booked').length;
    h.asUser((s) =>
      s
        .getSheetByName('Call booked')!
        .getRange(1, width + 1)
        .setValue('Notes'),
    );
    h.post(callBooked('b', { laterField: 1 }));
    expect(h.header('Call booked').slice(width)).toEqual(['Notes', 'laterField']);
  });

  it("an empty sheet of the hook's name gets the header from A1", () => {
    const h = startApp();
    h.asUser((s) => s.insertSheet('Call booked'));
    expect(h.post(callBooked('a')).results[0]).toMatchObject({ action: 'appended', row: 2 });
    expect(h.header('Call booked')[0]).toBe('Received at');
    expect(h.rows('Call booked').map((r) => r['Row key'])).toEqual(['a']);
  });

  it("a sheet a user made with a header and rows gets new rows after the user's", () => {
    const h = startApp();
    h.asUser((s) =>
      s
        .insertSheet('Call booked')
        .getRange(1, 1, 3, 2)
        .setValues([
          ['Notes', 'Row key'],
          ['mine 1', ''],
          ['mine 2', ''],
        ]),
    );
    expect(h.post(callBooked('a')).results[0]).toMatchObject({ action: 'appended', row: 4 });
    expect(h.rows('Call booked').map((r) => [r.Notes, r['Row key']])).toEqual([
      ['mine 1', ''],
      ['mine 2', ''],
      ['', 'a'],
    ]);
  });
});

describe('header labels of new fields', () => {
  it('only a label Sheets would read as a formula, number or boolean gets the guard apostrophe (seen where Plain-text cells keep it)', () => {
    const h = startApp({ keepApostropheInPlainText: true });
    h.post(callBooked('a'));
    const width = h.header('Call booked').length;
    h.asUser((s) => {
      const sheet = s.getSheetByName('Call booked')!;
      sheet.getRange(1, 1, 1, sheet.getMaxColumns()).setNumberFormat('@');
    });
    const fields = { 'plain label': 1, field2: 1, istrue: 1, trueish: 1, x: 1, '=x': 1, '2nd': 1, TRUE: 1 };
    h.post(callBooked('b', fields));
    const added = new Map(
      h
        .header('Call booked')
        .slice(width)
        .map((cell) => [cell.replace(/^'/, ''), cell]),
    );
    expect(Object.fromEntries(added)).toEqual({
      'plain label': 'plain label',
      field2: 'field2',
      istrue: 'istrue',
      trueish: 'trueish',
      x: 'x',
      '=x': "'=x",
      '2nd': "'2nd",
      TRUE: "'TRUE",
    });
    // The next delivery knows these cells for its own labels: no full read of the header.
    h.runtime.calls.reset();
    h.post(callBooked('c', fields));
    expect(h.runtime.calls.byMethod['Sheet.getLastColumn'] ?? 0).toBe(0);
  });
});
