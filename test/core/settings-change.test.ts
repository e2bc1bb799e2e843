/** Unit tests of what saving settings does to existing rows: column moves, re-keying, promotion from Other fields, the sentences. */
import fc from 'fast-check';
import {
  applyColumnMoves,
  cellToFieldValue,
  planColumnMoves,
  promoteFromOtherFields,
  rekeyRows,
  rekeySentence,
  rowKeyFromValues,
  rowList,
  count,
} from '../../src/core/settings-change';

describe('planColumnMoves', () => {
  it('brings one column to the front of a contiguous block with one move', () => {
    const moves = planColumnMoves([1, 2, 3, 4], ['a', 'b', 'c', 'd'], ['d', 'a', 'b', 'c']);
    expect(moves).toEqual([{ from: 4, destination: 1 }]);
    expect(applyColumnMoves(['a', 'b', 'c', 'd'], moves)).toEqual(['d', 'a', 'b', 'c']);
  });

  it("never moves a column that is not a slot (the user's own, the bookkeeping ones)", () => {
    const sheet = ['a', 'USER', 'b', 'c', 'META', 'd'];
    const slots = [1, 3, 4, 6];
    const moves = planColumnMoves(slots, ['a', 'b', 'c', 'd'], ['d', 'c', 'a', 'b']);
    expect(applyColumnMoves(sheet, moves)).toEqual(['d', 'USER', 'c', 'a', 'META', 'b']);
  });

  it('refuses lists of different lengths and a wanted label that is not among the columns', () => {
    expect(() => planColumnMoves([1, 2], ['a', 'b'], ['a'])).toThrow(
      new Error('slots, current and desired must have one entry per column'),
    );
    expect(() => planColumnMoves([1], ['a', 'b'], ['a', 'b'])).toThrow(
      new Error('slots, current and desired must have one entry per column'),
    );
    expect(() => planColumnMoves([1, 2], ['a', 'b'], ['a', 'c'])).toThrow(new Error('"c" is not one of the columns being ordered'));
  });

  it('does nothing when the order already holds', () => {
    expect(planColumnMoves([2, 5], ['x', 'y'], ['x', 'y'])).toEqual([]);
  });

  it('gives any order over any mix of slots and fixed columns, at most two moves per slot (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 14 }), fc.integer(), (isSlot, seed) => {
        const sheet = isSlot.map((slot, i) => (slot ? `s${i}` : `U${i}`));
        const slots = isSlot.flatMap((slot, i) => (slot ? [i + 1] : []));
        const current = slots.map((p) => sheet[p - 1]);
        const desired = [...current];
        for (let i = desired.length - 1, r = Math.abs(seed); i > 0; i--, r = Math.floor(r / 7) + i * 31) {
          const j = r % (i + 1);
          [desired[i], desired[j]] = [desired[j], desired[i]];
        }
        const moves = planColumnMoves(slots, current, desired);
        const after = applyColumnMoves(sheet, moves);
        expect(slots.map((p) => after[p - 1])).toEqual(desired);
        sheet.forEach((label, i) => {
          if (!isSlot[i]) expect(after[i]).toBe(label);
        });
        expect(moves.length).toBeLessThanOrEqual(2 * slots.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rekeyRows', () => {
  it("builds each row's key from its own values, as an event's key is built", () => {
    const r = rekeyRows([['a@x.com', 'b@x.com', 5, '5.0']], 2);
    expect(r.keys).toEqual(['a@x.com', 'b@x.com', '5', '5']);
    expect(r.shared).toEqual([[4, 5]]);
  });
  it('lists rows that now share a key, top first, and counts rows without a key', () => {
    const r = rekeyRows([['x', '', 'x', 'y', 'x']], 2);
    expect(r.keys).toEqual(['x', '', 'x', 'y', 'x']);
    expect(r.shared).toEqual([[2, 4, 6]]);
    expect(r.blank).toBe(1);
  });
  it('joins several key fields as JSON, and a row missing one part gets no key', () => {
    const r = rekeyRows(
      [
        ['a', 'a'],
        ['1', null],
      ],
      2,
    );
    expect(r.keys).toEqual(['["a","1"]', '']);
  });
  it('reads a cell that gives its apostrophe back as the same text, and a date as ISO text', () => {
    expect(cellToFieldValue("'007")).toBe('007');
    expect(cellToFieldValue(new Date(Date.UTC(2025, 4, 1)))).toBe('2025-05-01T00:00:00.000Z');
    expect(cellToFieldValue('')).toBeNull();
  });
  it('reads empty cells as no value, numbers and booleans as themselves, and keeps an apostrophe that is not leading', () => {
    expect([cellToFieldValue(null), cellToFieldValue(undefined)]).toEqual([null, null]);
    expect([cellToFieldValue(0), cellToFieldValue(5.5), cellToFieldValue(false), cellToFieldValue(true)]).toEqual([0, 5.5, false, true]);
    expect(cellToFieldValue("O'Brien'")).toBe("O'Brien'");
  });
  it('builds no key from no key fields, and no rows from no columns', () => {
    expect(rowKeyFromValues([])).toBeNull();
    expect(rowKeyFromValues(['a'])).toBe('a');
    expect(rekeyRows([], 2)).toEqual({ keys: [], shared: [], blank: 0 });
  });
});

describe('promoteFromOtherFields', () => {
  it("takes the field out of each row's JSON and keeps the rest", () => {
    const p = promoteFromOtherFields(['{"a":1,"b":"x"}', '{"b":"y"}', '', 'not json'], 'a');
    expect(p.values).toEqual([1, null, null, null]);
    expect(p.other).toEqual(['{"b":"x"}', '{"b":"y"}', '', 'not json']);
    expect(p.filled).toBe(1);
  });
  it('keeps scalar values as they are and turns objects and arrays into JSON text', () => {
    const cells = ['{"a":true,"b":1}', '{"a":false}', '{"a":null}', '{"a":{"x":[1]}}', '{"a":[1,"y"]}', '{"a":"t"}', '{"a":2.5}'];
    const p = promoteFromOtherFields(cells, 'a');
    expect(p.values).toEqual([true, false, null, '{"x":[1]}', '[1,"y"]', 't', 2.5]);
    expect(p.other).toEqual(['{"b":1}', '', '', '', '', '', '']);
    expect(p.filled).toBe(7);
  });
  it('leaves cells that are not a JSON object as they read', () => {
    const p = promoteFromOtherFields(['[1]', '{"a":1', null, 42, '\'{"a":3}', '{"b":{"a":1}}'], 'a');
    expect(p.values).toEqual([null, null, null, null, 3, null]);
    expect(p.other).toEqual(['[1]', '{"a":1', '', '42', '', '{"b":{"a":1}}']);
    expect(p.filled).toBe(1);
  });
  it('reads only JSON objects: an array or a string in a cell has no fields, not even "length"', () => {
    const p = promoteFromOtherFields(['[1]', '"ab"', '{"length":3}'], 'length');
    expect(p.values).toEqual([null, null, 3]);
    expect(p.other).toEqual(['[1]', '"ab"', '']);
  });
  it('empties the cell when the field was the only one', () => {
    expect(promoteFromOtherFields(['{"a":"z"}'], 'a').other).toEqual(['']);
  });
});

describe('sentences', () => {
  it('counts with thousands separators and names the rows that share a key', () => {
    expect(rekeySentence('Call booked', 1204, ['Email'], { shared: [[17, 88]], blank: 0 })).toBe(
      '"Call booked": 1,204 rows re-keyed by Email; rows 17 and 88 now share a key (later deliveries update row 17)',
    );
    expect(rowList([1, 2, 3, 4, 5, 6, 7, 8], 3)).toBe('rows 1, 2, 3 and 5 more');
  });
  it('groups every three digits, however long the number', () => {
    expect([count(0), count(999), count(1000), count(1234567), count(12345678901)]).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '12,345,678,901',
    ]);
  });
  it('names one row, several rows, and at most six by default', () => {
    expect(rowList([17])).toBe('row 17');
    expect(rowList([3, 9, 12])).toBe('rows 3, 9 and 12');
    expect(rowList([1, 2, 3, 4, 5, 6])).toBe('rows 1, 2, 3, 4, 5 and 6');
    expect(rowList([1, 2, 3, 4, 5, 6, 7])).toBe('rows 1, 2, 3, 4, 5, 6 and 1 more');
    expect(
      rowList(
        Array.from({ length: 1010 }, (_, i) => i + 1),
        2,
      ),
    ).toBe('rows 1, 2 and 1,008 more');
  });
  it('says one row, lists at most five groups sharing a key, and counts rows without a key', () => {
    expect(rekeySentence('Calls', 1, ['Email', 'Phone'], { shared: [], blank: 1 })).toBe(
      '"Calls": 1 row re-keyed by Email + Phone; 1 row has no value for the key and will be matched by content only',
    );
    const groups = [
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
      [10, 11],
      [12, 13],
      [14, 15, 16],
    ];
    expect(rekeySentence('Calls', 40, ['Email'], { shared: groups, blank: 2 })).toBe(
      '"Calls": 40 rows re-keyed by Email; ' +
        'rows 2 and 3 now share a key (later deliveries update row 2); rows 4 and 5 now share a key (later deliveries update row 4); ' +
        'rows 6 and 7 now share a key (later deliveries update row 6); rows 8 and 9 now share a key (later deliveries update row 8); ' +
        'rows 10 and 11 now share a key (later deliveries update row 10); 2 more groups of rows share a key; ' +
        '2 rows have no value for the key and will be matched by content only',
    );
    expect(rekeySentence('Calls', 10, ['Email'], { shared: groups.slice(0, 5), blank: 0 })).not.toContain('more groups');
  });
});
