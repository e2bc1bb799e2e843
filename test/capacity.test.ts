/** The capacity forecast in the local runtime: a daily size sample on the delivery path, growth over a synthetic month, and the sidebar's figures and warning. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { payload, startApp, type Harness } from './helpers/harness';

const DAY = 86400000;
const START = Date.UTC(2026, 2, 2, 9);

/** One delivery a day for `days` days while `grow` adds rows to a sheet each day, as a busy team's sheets would grow. */
function growFor(h: Harness, days: number, grow: (day: number) => void): void {
  for (let d = 0; d < days; d += 1) {
    h.runtime.setTime(START + d * DAY);
    grow(d);
    const e = payload('contact-updated');
    e[0].id = 1000 + d;
    expect(h.post(e).ok).toBe(true);
  }
}

/** The days of the stored size history (script property capacity/history). */
const storedDays = (h: Harness): string[] =>
  h.runtime.execute('editor', () =>
    JSON.parse(h.app.context.PropertiesService.getScriptProperties().getProperty('capacity/history')).days.map((d: unknown[]) => d[0]),
  );
const forecast = (h: Harness) => h.app.call<any>('editor', 'getSidebarState').cells.forecast;

describe('capacity forecast', () => {
  it('samples sheet sizes once a day on the delivery path, without reading the sheets again the same day', () => {
    const h = startApp();
    h.runtime.setTime(START);
    h.post(payload('contact-created'));
    const before = { ...h.runtime.calls.byMethod };
    const again = payload('contact-created');
    again[0].updatedAt = '2025-06-01T00:00:00.000Z';
    expect(h.post(again).results[0].action).toBe('updated');
    const after = h.runtime.calls.byMethod;
    for (const m of ['Spreadsheet.getSheets', 'Sheet.getMaxRows', 'Sheet.getMaxColumns'])
      expect([m, after[m] ?? 0]).toEqual([m, before[m] ?? 0]);
    expect(storedDays(h)).toEqual(['2026-03-02']);
    h.runtime.setTime(START + DAY);
    h.post(payload('contact-updated'));
    expect(storedDays(h)).toEqual(['2026-03-02', '2026-03-03']);
  });

  it('a month of synthetic growth gives the rates, the limit day and a warning naming the fastest sheets', () => {
    const h = startApp();
    // 35 days: the Webhook log grows by 100 rows a day (2,600 cells at 26 columns), then 400 a day in the last week.
    growFor(h, 35, (d) =>
      h.asUser((spreadsheet) => {
        const log = spreadsheet.getSheetByName('Webhook log');
        if (log) log.insertRowsAfter(log.getMaxRows(), d >= 28 ? 400 : 100);
      }),
    );
    const slow = forecast(h);
    const cols = h.asUser((spreadsheet) => spreadsheet.getSheetByName('Webhook log')!.getMaxColumns());
    expect(slow.perDay7).toBeGreaterThanOrEqual(400 * cols);
    expect(slow.perDay30).toBeGreaterThan(100 * cols);
    expect(slow.perDay30).toBeLessThan(slow.perDay7);
    expect(slow.historyDays).toBe(30);
    expect(slow.daysLeft).toBe(Math.floor((slow.limit - slow.used) / slow.perDay7));
    expect(slow.limitDay).toBe(new Date(Date.UTC(2026, 2, 2) + (34 + slow.daysLeft) * DAY).toISOString().slice(0, 10));
    expect(slow.fastest[0].sheet).toBe('Webhook log');
    expect(slow.warning).toBeNull();
    // A sudden bulk: the sheets now near the limit, so fewer than 90 days are left.
    h.runtime.setTime(START + 35 * DAY);
    h.asUser((spreadsheet) => {
      const log = spreadsheet.getSheetByName('Webhook log')!;
      log.insertRowsAfter(log.getMaxRows(), Math.floor((8_500_000 - slow.used) / cols));
    });
    h.post(payload('contact-updated'));
    const fast = forecast(h);
    expect(fast.daysLeft).toBeLessThan(90);
    expect(fast.warning).toContain('Webhook log (+');
    expect(fast.warning).toContain('retention');
    // The sidebar's Connection area shows the figures (the page renders state.cells.forecast).
    expect(h.app.call<any>('editor', 'getSidebarState').cells).toMatchObject({ used: fast.used, limit: 10_000_000 });
  });
});

describe('docs/capacity.md', () => {
  it('gives the grid columns each sheet has after the seven example deliveries, and the team figure they imply', () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'capacity.md'), 'utf8');
    const h = startApp();
    for (const f of [
      'contact-created',
      'contact-by-status',
      'contact-updated',
      'call-booked',
      'call-cancelled',
      'call-rescheduled',
      'outcome-added',
    ])
      h.post(payload(f));
    const width = new Map(h.asUser((ss) => ss.getSheets().map((s) => [s.getName(), s.getMaxColumns()] as [string, number])));
    const documented = new Map([...doc.matchAll(/^\| ([^|]+?)(?: \([^|]*\))? \| (\d+) \| (\d+) \|$/gm)].map((m) => [m[1], Number(m[2])]));
    const hooks = [
      'Contact created',
      'Contact by status',
      'Contact updated',
      'Call booked',
      'Call cancelled',
      'Call rescheduled',
      'Call outcome added',
    ];
    for (const sheet of [...hooks, 'Pipeline', 'Webhook log']) expect([sheet, documented.get(sheet)]).toEqual([sheet, width.get(sheet)]);
    const perLead = hooks.reduce((sum, s) => sum + width.get(s)!, 0) + width.get('Pipeline')!;
    const fixed = h.asUser((ss) => ss.getSheets().reduce((sum, s) => sum + s.getMaxRows() * s.getMaxColumns(), 0));
    expect(doc).toContain(`**${perLead} cells per lead**`);
    expect(doc).toContain(`hold ${fixed.toLocaleString('en-US')}\ncells before the first delivery`);
    // Every sheet one row per lead (plus its header), the log at 5,000 rows, the Funnel and Sheet1 at their first grids.
    const log = 5001 * width.get('Webhook log')!;
    const leads = Math.floor((10_000_000 - log - 2 * 1000 * 26) / perLead) - 1;
    const years = leads / (100 / 7) / 365;
    expect(doc).toContain(`about ${leads.toLocaleString('en-US')} leads: ${years.toFixed(1)} years`);
  });
});
