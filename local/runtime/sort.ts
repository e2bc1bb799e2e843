// Sorting rows of a sheet's grid, shared by Sheet.sort and Range.sort.
import type { CellValue } from './number-format';
import type { SheetModel } from './model';
import { isDate } from './value-parsing';

/** Sort key rank: numbers and dates, then text, then booleans; empty cells always last (Sheets sort order). [UNCONFIRMED for errors] */
function rank(v: CellValue): number {
  if (v === null) return 9;
  if (typeof v === 'number' || isDate(v)) return 0;
  if (typeof v === 'string') return 1;
  return 2;
}

function compareCells(a: CellValue, b: CellValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    const x = typeof a === 'number' ? a : (a as Date).getTime() / 86400000 + 25569;
    const y = typeof b === 'number' ? b : (b as Date).getTime() / 86400000 + 25569;
    return x - y;
  }
  if (ra === 1) return (a as string).localeCompare(b as string, 'en', { sensitivity: 'base' });
  if (ra === 2) return Number(a) - Number(b);
  return 0;
}

/** Sort rows [r0, r0+nr) by `specs`, moving columns [c0, c0+nc) (values, formulas, formats, styles). */
export function sortBlock(
  sh: SheetModel,
  r0: number,
  nr: number,
  c0: number,
  nc: number,
  specs: Array<{ column: number; ascending: boolean }>,
): void {
  const order = Array.from({ length: nr }, (_, i) => r0 + i);
  order.sort((ra, rb) => {
    for (const s of specs) {
      const a = sh.get(ra, s.column);
      const b = sh.get(rb, s.column);
      if (a === null || b === null) {
        if (a === null && b === null) continue;
        return a === null ? 1 : -1; // blanks last whatever the direction
      }
      const d = compareCells(a, b);
      if (d !== 0) return s.ascending ? d : -d;
    }
    return ra - rb;
  });
  const dest = new Map<number, number>();
  order.forEach((src, i) => dest.set(src, r0 + i));
  const snapshot = order.map((src) => {
    const row = sh.rows[src] ?? [];
    return Array.from({ length: nc }, (_, j) => (row[c0 + j] === undefined ? null : row[c0 + j]));
  });
  snapshot.forEach((vals, i) => {
    const r = r0 + i;
    if (!sh.rows[r]) {
      while (sh.rows.length <= r) sh.rows.push(undefined);
      sh.rows[r] = [];
    }
    const row = sh.rows[r]!;
    while (row.length < c0 + nc && vals.some((v) => v !== null)) row.push(null);
    vals.forEach((v, j) => {
      if (c0 + j < row.length) row[c0 + j] = v;
    });
  });
  sh.remap((r, c) => (r >= r0 && r < r0 + nr && c >= c0 && c < c0 + nc ? [dest.get(r)!, c] : [r, c]));
  sh.touch();
}
