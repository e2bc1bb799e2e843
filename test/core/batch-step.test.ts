/** Unit tests of the in-batch write step: an event whose key an earlier event of the same delivery is adding. */
import { decideBatchStep, decideStep } from '../../src/core/plan';

describe('decideBatchStep', () => {
  it('merges an upsert into the row an earlier event of the delivery is adding', () => {
    expect(decideBatchStep('upsert', false, null, true)).toBe('merge');
  });
  it('skips an insert-if-new whose key an earlier event of the delivery is adding', () => {
    expect(decideBatchStep('insert-if-new', false, null, true)).toBe('skip');
  });
  it('calls an event seen before a duplicate, even when its key is pending', () => {
    expect(decideBatchStep('upsert', true, null, true)).toBe('duplicate');
    expect(decideBatchStep('insert-if-new', true, null, true)).toBe('duplicate');
  });
  it('lets the sheet decide, as decideStep does, when no row with the key is pending', () => {
    const cases: Array<[Parameters<typeof decideStep>[0], boolean, number | null]> = [
      ['append', false, null],
      ['append', true, null],
      ['append', false, 4],
      ['upsert', false, 4],
      ['upsert', false, null],
      ['upsert', true, 4],
      ['insert-if-new', false, 4],
      ['insert-if-new', false, null],
    ];
    for (const [mode, seen, keyRow] of cases) expect(decideBatchStep(mode, seen, keyRow, false)).toBe(decideStep(mode, seen, keyRow));
    expect(decideBatchStep('upsert', false, 7, false)).toBe('update');
    expect(decideBatchStep('insert-if-new', false, null, false)).toBe('append');
  });
});
