/** Unit tests of column mapping by header name: the header index, free labels, the column plan's cap and bookkeeping columns, runs, merges. */
import { columnRuns, defaultColumns, emptyLayout, headerIndex, META, mergeColumns, planColumns } from '../../src/core/columns';
import type { Field } from '../../src/core/flatten';
import type { ColumnSetting } from '../../src/core/settings';

const fieldsOf = (values: Record<string, Field['value']>): Field[] => Object.entries(values).map(([path, value]) => ({ path, value }));
const setting = (field: string, label: string, extra: Partial<ColumnSetting> = {}): ColumnSetting => ({
  field,
  label,
  include: true,
  typing: 'auto',
  ...extra,
});
const BOOKKEEPING = [META.rowKey, META.fingerprint, META.receivedAt];

describe('headerIndex', () => {
  it('maps trimmed labels to 1-based columns, skips blank cells, and keeps the first of two equal labels', () => {
    const index = headerIndex([null, ' Email ', undefined, '', 'Email', 7, '  ']);
    expect([...index.entries()]).toEqual([
      ['Email', 2],
      ['7', 6],
    ]);
  });
});

describe('planColumns', () => {
  it('lays out a new sheet: Received at, the included columns of the settings, new fields, then the bookkeeping columns', () => {
    const spec = [setting('b', 'Bee'), setting('gone', 'Gone', { include: false }), setting('o', 'O', { inOtherFields: true })];
    const plan = planColumns([], emptyLayout(), [fieldsOf({ a: 1, b: 2, o: 3 })], { addNewFields: true, spec });
    expect(plan.newLabels).toEqual([META.receivedAt, 'Bee', 'a', META.rowKey, META.fingerprint, META.otherFields]);
    expect({ ...plan.layout.fields }).toEqual({ Bee: 'b', a: 'a' });
    expect([...plan.labelOf.entries()]).toEqual([
      ['b', 'Bee'],
      ['a', 'a'],
    ]);
  });

  it('adds no Other fields column when every value has a column or is empty, and keeps one the sheet already has', () => {
    const none = planColumns([], emptyLayout(), [fieldsOf({ a: 1, b: null })], { addNewFields: false, spec: [setting('a', 'A')] });
    expect(none.newLabels).toEqual([META.receivedAt, 'A', META.rowKey, META.fingerprint]);
    const header = ['A', META.otherFields, ...BOOKKEEPING];
    const kept = planColumns(header, { fields: { A: 'a' } }, [fieldsOf({ a: 1 })], { addNewFields: false, spec: [] });
    expect(kept.newLabels).toEqual([]);
    const missing = planColumns(['A', ...BOOKKEEPING], { fields: { A: 'a' } }, [fieldsOf({ a: 1 })], { addNewFields: false, spec: [] });
    expect(missing.newLabels).toEqual([]);
  });

  it('adds Other fields when any event of the batch has a value without a column', () => {
    const plan = planColumns(['A', ...BOOKKEEPING], { fields: { A: 'a' } }, [fieldsOf({ a: 1, b: null }), fieldsOf({ a: 2, c: 'x' })], {
      addNewFields: false,
      spec: [],
    });
    expect(plan.newLabels).toEqual([META.otherFields]);
  });

  it('on a sheet whose header was cleared, lays out again only the included columns of its own', () => {
    const layout = { fields: { Gone: 'gone', O: 'o', Kept: 'kept' } };
    const spec = [setting('gone', 'Gone', { include: false }), setting('o', 'O', { inOtherFields: true }), setting('kept', 'Kept')];
    const plan = planColumns([], layout, [fieldsOf({ x: 1 })], { addNewFields: false, spec });
    expect(plan.newLabels).toEqual([META.receivedAt, 'Kept', META.rowKey, META.fingerprint, META.otherFields]);
    expect([...plan.labelOf.keys()]).toEqual(['kept']);
  });

  it('brings back bookkeeping and app columns a user deleted, at the right, Received at last', () => {
    const plan = planColumns(['Notes'], { fields: { A: 'a' } }, [fieldsOf({ a: 1 })], { addNewFields: true, spec: [] });
    expect(plan.newLabels).toEqual(['A', META.rowKey, META.fingerprint, META.receivedAt]);
    expect(plan.labelOf.get('a')).toBe('A');
  });

  it('suffixes a label taken by a user column or a bookkeeping label, counting up from 2', () => {
    const header = ['Email', 'Email (iClosed)', 'Email (iClosed 2)', ...BOOKKEEPING];
    const plan = planColumns(header, emptyLayout(), [fieldsOf({ Email: 'a@b.c', 'Row key': 'k', Fingerprint: 'f' })], {
      addNewFields: true,
      spec: [],
    });
    expect(plan.newLabels).toEqual(['Email (iClosed 3)', 'Row key (iClosed)', 'Fingerprint (iClosed)']);
    // On a new sheet nothing is taken yet, but a field named like a bookkeeping column still gets its own label.
    const fresh = planColumns([], emptyLayout(), [fieldsOf({ 'Other fields': 1 })], { addNewFields: true, spec: [] });
    expect(fresh.newLabels).toEqual([META.receivedAt, 'Other fields (iClosed)', META.rowKey, META.fingerprint]);
  });

  it('cuts a label to 500 characters', () => {
    const path = 'p'.repeat(600);
    const plan = planColumns([], emptyLayout(), [fieldsOf({ [path]: 1 })], { addNewFields: true, spec: [] });
    expect(plan.labelOf.get(path)).toBe('p'.repeat(500));
  });

  it('caps the columns added automatically, counting those it added before but not the ones the settings list', () => {
    const layout = { fields: { A: 'a', X: 'x', Bee: 'b' } };
    const header = ['A', 'X', 'Bee', ...BOOKKEEPING];
    const spec = [setting('b', 'Bee'), setting('s', 'Ess')];
    const plan = planColumns(header, layout, [fieldsOf({ s: 3, c: 1, d: 2 })], { addNewFields: true, spec, maxAutoColumns: 3 });
    // a and x are automatic columns already: one more (c) fits, d does not; s is listed, so it neither needs nor uses room.
    expect(plan.newLabels).toEqual(['Ess', 'c', META.otherFields]);
    expect(plan.labelOf.has('d')).toBe(false);
    const atCap = planColumns(header, layout, [fieldsOf({ c: 1 })], { addNewFields: true, spec, maxAutoColumns: 2 });
    expect(atCap.newLabels).toEqual([META.otherFields]);
  });

  it('plans each field once across a batch of events, in first-seen order', () => {
    const plan = planColumns([], emptyLayout(), [fieldsOf({ b: 1, a: 1 }), fieldsOf({ a: 2, c: 3, b: 4 })], {
      addNewFields: true,
      spec: [],
    });
    expect(plan.newLabels).toEqual([META.receivedAt, 'b', 'a', 'c', META.rowKey, META.fingerprint]);
  });

  it('leaves the layout it was given unchanged', () => {
    const layout = { fields: { A: 'a' } };
    planColumns(['A'], layout, [fieldsOf({ b: 1 })], { addNewFields: true, spec: [] });
    expect(layout).toEqual({ fields: { A: 'a' } });
  });
});

describe('columnRuns', () => {
  it('sorts numerically and drops repeated columns', () => {
    expect(columnRuns([10, 9, 9, 2, 11])).toEqual([
      { start: 2, columns: [2] },
      { start: 9, columns: [9, 10, 11] },
    ]);
    expect(columnRuns([])).toEqual([]);
  });
});

describe('defaultColumns and mergeColumns', () => {
  it('lists essentials under their labels, then other known fields in Other fields, each field once', () => {
    expect(defaultColumns([{ field: 'e', label: 'Email' }], ['x', 'e'])).toEqual([
      { field: 'e', include: true, label: 'Email', typing: 'auto' },
      { field: 'x', include: true, label: 'x', typing: 'auto', inOtherFields: true },
    ]);
  });
  it("keeps the first hook's setting of a field", () => {
    expect(
      mergeColumns([
        [setting('a', 'A'), setting('b', 'B')],
        [setting('b', 'Other B'), setting('c', 'C')],
      ]),
    ).toEqual([setting('a', 'A'), setting('b', 'B'), setting('c', 'C')]);
  });
});
