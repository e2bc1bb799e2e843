/** The sidebar's capacity block: cells used of the limit, growth per day, the projected day the limit is reached, and the warning. */
import type { CapacityForecast } from '../core/capacity';
import { h } from './dom';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const rate = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${n(Math.abs(x))}/day`);

export function capacityView(f: CapacityForecast): HTMLElement {
  const share = f.limit ? (f.used / f.limit) * 100 : 0;
  const projection =
    f.historyDays === 0
      ? 'Forecast after a day of history (one size sample a day).'
      : f.limitDay === null
        ? 'Not growing: no limit date.'
        : `Limit reached around ${f.limitDay} (in ${n(f.daysLeft ?? 0)} days).`;
  return h(
    'div',
    { id: 'capacity', className: 'capacity' },
    h('p', {}, h('strong', {}, 'Cells: '), `${n(f.used)} of ${n(f.limit)} (${share < 1 ? share.toFixed(2) : share.toFixed(0)}%)`),
    h('p', {}, h('strong', {}, 'Growth: '), `${rate(f.perDay7)} (7 days) · ${rate(f.perDay30)} (30 days)`),
    h('p', { id: 'capacity-projection' }, projection),
    f.warning ? h('p', { id: 'capacity-warning', className: 'status error', role: 'alert' }, f.warning) : null,
  );
}
