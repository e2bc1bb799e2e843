/** Unit tests of the capacity forecast's pure math: daily samples, growth rates, the projected limit day and the warning. */
import type { CapacitySample } from '../../src/core/capacity';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (its day and total
 * helpers) is part of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshCapacity(): typeof import('../../src/core/capacity') {
  let mod: typeof import('../../src/core/capacity') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/capacity');
  });
  return mod!;
}
const recordSample = (history: readonly CapacitySample[], sample: CapacitySample) => freshCapacity().recordSample(history, sample);
const capacityForecast = (history: readonly CapacitySample[], limit?: number) => freshCapacity().capacityForecast(history, limit);
const encodeHistory = (history: readonly CapacitySample[]) => freshCapacity().encodeHistory(history);
const decodeHistory = (stored: unknown) => freshCapacity().decodeHistory(stored);

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
  it('keeps the days in order whatever order the history came in, and drops days after the new sample', () => {
    const a = { day: day(1), sheets: { A: 1 } };
    const b = { day: day(2), sheets: { A: 2 } };
    const c = { day: day(3), sheets: { A: 3 } };
    expect(recordSample([b, a], c)).toEqual([a, b, c]);
    expect(recordSample([c, a], b)).toEqual([a, b]);
  });
  it('stores sheet names once, sorted, and a day without a sheet as 0', () => {
    const h: CapacitySample[] = [
      { day: day(0), sheets: { Pipeline: 5 } },
      { day: day(1), sheets: { 'Webhook log': 7, Contacts: 2, Pipeline: 6 } },
    ];
    expect(encodeHistory(h)).toEqual({
      names: ['Contacts', 'Pipeline', 'Webhook log'],
      days: [
        [day(0), 0, 5, 0],
        [day(1), 2, 6, 7],
      ],
    });
    expect(decodeHistory(encodeHistory(h))).toEqual(h);
  });
  it('reads back only rows that are a list starting with a yyyy-mm-dd day', () => {
    const stored = {
      names: ['A', 'B'],
      days: [null, 'text', { 0: day(0), 1: 5 }, [[day(0)], 5], [`x${day(0)}`, 5], [`${day(0)}x`, 5], [day(1), 0, 5], [day(2), '3', 'n/a']],
    };
    expect(decodeHistory(stored)).toEqual([
      { day: day(1), sheets: { B: 5 } },
      { day: day(2), sheets: { A: 3 } },
    ]);
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
    expect(capacityForecast([])).toEqual({
      used: 0,
      limit: 10_000_000,
      perDay7: null,
      perDay30: null,
      historyDays: 0,
      daysLeft: null,
      limitDay: null,
      fastest: [],
      warning: null,
    });
  });
  it('has a rate from two days of history', () => {
    const f = capacityForecast([
      { day: day(0), sheets: { A: 500 } },
      { day: day(1), sheets: { A: 800 } },
    ]);
    expect([f.perDay7, f.perDay30, f.historyDays, f.fastest]).toEqual([300, 300, 1, [{ sheet: 'A', cells: 800, perDay: 300 }]]);
  });
  it('has no 7-day rate when the only earlier sample is older than a week', () => {
    const f = capacityForecast([
      { day: day(0), sheets: { A: 1000 } },
      { day: day(10), sheets: { A: 3000 } },
    ]);
    expect([f.perDay7, f.perDay30, f.historyDays, f.daysLeft]).toEqual([null, 200, 10, Math.floor((10_000_000 - 3000) / 200)]);
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
  it('projects from the 30-day rate after a quiet week, and names the sheets that grew over those 30 days', () => {
    // Contacts grows 10,000 a day for 23 days, then nothing; Pipeline grows 1,000 a day over the last 7 days only.
    let h: CapacitySample[] = [];
    for (let d = 0; d <= 30; d += 1)
      h = recordSample(h, { day: day(d), sheets: { Contacts: 10_000 * Math.min(d, 23), Pipeline: 1000 * Math.max(0, d - 23) } });
    const f = capacityForecast(h);
    expect([f.used, f.perDay7, f.perDay30]).toEqual([237_000, 1000, 7900]);
    expect(f.daysLeft).toBe(Math.floor((10_000_000 - 237_000) / 7900));
    expect(f.fastest).toEqual([
      { sheet: 'Contacts', cells: 230_000, perDay: 7666.7 },
      { sheet: 'Pipeline', cells: 7000, perDay: 233.3 },
    ]);
  });
  it('names the sheets that grew over the last week when the week is as fast as the month', () => {
    // 1,000 cells a day throughout: Contacts for 23 days, then Pipeline for the last 7.
    let h: CapacitySample[] = [];
    for (let d = 0; d <= 30; d += 1)
      h = recordSample(h, { day: day(d), sheets: { Contacts: 1000 * Math.min(d, 23), Pipeline: 1000 * Math.max(0, d - 23) } });
    const f = capacityForecast(h);
    expect([f.perDay7, f.perDay30]).toEqual([1000, 1000]);
    expect(f.fastest).toEqual([{ sheet: 'Pipeline', cells: 7000, perDay: 1000 }]);
  });
  it('lists at most three growing sheets, equally fast ones by name', () => {
    const start = { Delta: 100, Zeta: 100, Beta: 100, Flat: 100, Alpha: 100 };
    const f = capacityForecast(linear(7, start, { Delta: 10, Zeta: 50, Beta: 50, Flat: 0, Alpha: 50 }));
    expect(f.fastest.map((g) => g.sheet)).toEqual(['Alpha', 'Beta', 'Zeta']);
    for (const order of [
      ['Alpha', 'Beta'],
      ['Beta', 'Alpha'],
    ]) {
      const sheets = Object.fromEntries(order.map((name) => [name, 100]));
      const perDay = Object.fromEntries(order.map((name) => [name, 50]));
      expect(capacityForecast(linear(7, { ...sheets, Flat: 100 }, { ...perDay, Flat: 0 })).fastest.map((x) => x.sheet)).toEqual([
        'Alpha',
        'Beta',
      ]);
    }
  });
  it('names the sheets that grew over 30 days while the whole spreadsheet shrank, with no sample in the last week', () => {
    const f = capacityForecast([
      { day: day(0), sheets: { 'Webhook log': 1000 } },
      { day: day(10), sheets: { 'Webhook log': 500, Pipeline: 300 } },
    ]);
    expect([f.perDay7, f.perDay30, f.daysLeft]).toEqual([null, -20, null]);
    expect(f.fastest).toEqual([{ sheet: 'Pipeline', cells: 300, perDay: 30 }]);
  });
  it('warns from 89 days left, not at 90', () => {
    // 1,000 cells now, growing 10 a day.
    const h = linear(7, { A: 930 }, { A: 10 });
    expect(capacityForecast(h, 1000 + 905).daysLeft).toBe(90);
    expect(capacityForecast(h, 1000 + 905).warning).toBeNull();
    const near = capacityForecast(h, 1000 + 895);
    expect(near.daysLeft).toBe(89);
    expect(near.warning).toBe(
      `At this rate the spreadsheet reaches Google's 1,895-cell limit in 89 days (${day(7 + 89)}). Fastest-growing sheets: A (+10/day).` +
        " To make room: hide columns you do not need (untick them under Sheets and columns) and drop them from the sheet, since hidden columns still count; trim the Webhook log's retention; or start a new spreadsheet for new deliveries and keep this one as an archive.",
    );
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
