/** Unit tests of the capacity forecast's pure math: daily samples, growth rates, the projected limit day and the warning. */
import { capacityForecast, decodeHistory, encodeHistory, recordSample, type CapacitySample } from '../../src/core/capacity';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86400000).toISOString().slice(0, 10);
/** A history of `days`+1 daily samples where each sheet grows linearly by its rate. */
function linear(days: number, start: Record<string, number>, perDay: Record<string, number>): CapacitySample[] {
  let history: CapacitySample[] = [];
  for (let d = 0; d <= days; d += 1)
    history = recordSample(history, {
      day: day(d),
      sheets: Object.fromEntries(Object.keys(start).map((s) => [s, start[s] + perDay[s] * d])),
    });
  return history;
}

describe('capacity history', () => {
  it('keeps one sample a day, the latest of the day, and at most 32 days', () => {
    let h = recordSample([], { day: day(0), sheets: { A: 10 } });
    h = recordSample(h, { day: day(0), sheets: { A: 20 } });
    expect(h).toEqual([{ day: day(0), sheets: { A: 20 } }]);
    const long = linear(60, { A: 0 }, { A: 1 });
    expect(long).toHaveLength(32);
    expect(long[0].day).toBe(day(29));
    expect(long[31].day).toBe(day(60));
  });
  it('round-trips through its compact stored form, which stays under one property value', () => {
    const h = linear(
      40,
      { 'Webhook log': 26000, Pipeline: 30000, 'Call booked': 52000, Funnel: 14000 },
      { 'Webhook log': 2600, Pipeline: 300, 'Call booked': 520, Funnel: 0 },
    );
    expect(decodeHistory(JSON.parse(JSON.stringify(encodeHistory(h))))).toEqual(h);
    expect(JSON.stringify(encodeHistory(h)).length).toBeLessThan(8000);
    expect(decodeHistory(null)).toEqual([]);
    expect(decodeHistory({ names: ['A'], days: [['nonsense', 1]] })).toEqual([]);
  });
});

describe('capacity forecast', () => {
  it('has no rate and no date before a second day', () => {
    expect(capacityForecast([{ day: day(0), sheets: { A: 500 } }])).toMatchObject({
      used: 500,
      perDay7: null,
      perDay30: null,
      daysLeft: null,
      limitDay: null,
      warning: null,
    });
    expect(capacityForecast([])).toMatchObject({ used: 0, daysLeft: null });
  });
  it('gives growth per day over 7 and 30 days and projects the limit day from the faster rate', () => {
    // 30 days at 10,000 cells a day, then the last 7 days at 40,000 a day.
    let h = linear(23, { A: 1_000_000 }, { A: 10_000 });
    for (let d = 24; d <= 30; d += 1) h = recordSample(h, { day: day(d), sheets: { A: 1_230_000 + (d - 23) * 40_000 } });
    const f = capacityForecast(h);
    expect(f.used).toBe(1_510_000);
    expect(f.perDay7).toBe(40_000);
    expect(f.perDay30).toBe(17_000);
    expect(f.historyDays).toBe(30);
    expect(f.daysLeft).toBe(Math.floor((10_000_000 - 1_510_000) / 40_000));
    expect(f.limitDay).toBe(day(30 + 212));
    expect(f.warning).toBeNull();
  });
  it('warns under 90 days, naming the fastest-growing sheets first and what to do', () => {
    const h = linear(
      30,
      { 'Webhook log': 6_000_000, Pipeline: 1_000_000, Funnel: 14_000, Contacts: 500_000 },
      { 'Webhook log': 30_000, Pipeline: 5_000, Funnel: 0, Contacts: 10_000 },
    );
    const f = capacityForecast(h);
    expect(f.used).toBe(8_864_000);
    expect(f.daysLeft).toBe(Math.floor((10_000_000 - 8_864_000) / 45_000));
    expect(f.fastest.map((g) => g.sheet)).toEqual(['Webhook log', 'Contacts', 'Pipeline']);
    expect(f.warning).toContain('in 25 days');
    expect(f.warning).toContain('Webhook log (+30,000/day), Contacts (+10,000/day), Pipeline (+5,000/day)');
    expect(f.warning).toMatch(/columns.*retention.*new spreadsheet/);
  });
  it('does not warn while 90 days or more are left, nor when the spreadsheet shrinks', () => {
    expect(capacityForecast(linear(30, { A: 1_000_000 }, { A: 100_000 })).daysLeft).toBe(60);
    expect(capacityForecast(linear(30, { A: 1_000_000 }, { A: 100_000 })).warning).not.toBeNull();
    const slow = capacityForecast(linear(30, { A: 1_000_000 }, { A: 10_000 }));
    expect([slow.daysLeft, slow.warning]).toEqual([870, null]);
    const shrinking = capacityForecast(linear(30, { A: 5_000_000 }, { A: -10_000 }));
    expect([shrinking.perDay7, shrinking.daysLeft, shrinking.limitDay, shrinking.warning]).toEqual([-10_000, null, null, null]);
  });
});
