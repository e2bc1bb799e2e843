/** Unit tests of the funnel: what a lead adds, the counters' entries under add and remove, pruning of past periods, and the Funnel sheet's grid cell by cell. */
import type { FieldValue } from '../../src/core/flatten';
import {
  addLead,
  emptyFunnel,
  funnelReport,
  leadMetrics,
  monthKey,
  pruneFunnel,
  REPORT_WIDTH,
  weekKey,
  type LeadMetrics,
  type Zone,
} from '../../src/core/funnel';
import { emptyState, type LeadState, type OutcomeInfo } from '../../src/core/pipeline';

/** UTC as a zone: the local date is the ISO date. */
const UTC: Zone = { id: 'Etc/UTC', localDate: (ms) => new Date(ms).toISOString().slice(0, 10) };
const lead = (patch: Partial<LeadState>): LeadState => ({ ...emptyState(), ...patch });
const outcome = (patch: Partial<OutcomeInfo>): OutcomeInfo => ({
  outcome: 'SALE',
  reason: null,
  objection: null,
  product: null,
  value: null,
  ...patch,
});
const metrics = (created: string | null, counts: number[], source: string, campaign: string, closer: string): LeadMetrics => ({
  counts,
  created: created === null ? null : Date.parse(created),
  source,
  campaign,
  closer,
});

describe('what a lead adds', () => {
  it('a contact alone is a lead, counted in its week and month', () => {
    expect(leadMetrics(lead({ created: '2025-05-13T10:00:00.000Z' }))).toStrictEqual({
      counts: [1, 0, 0, 0, 0, 0],
      created: Date.parse('2025-05-13T10:00:00.000Z'),
      source: '(none)',
      campaign: '(none)',
      closer: '(none)',
    });
    expect(leadMetrics(lead({ qualified: true })).counts).toEqual([1, 1, 0, 0, 0, 0]);
    expect(leadMetrics(lead({ booked: true })).counts).toEqual([1, 1, 1, 0, 0, 0]);
  });
  it('revenue is the deal value of a sale only, and a sale without a value brings none', () => {
    expect(leadMetrics(lead({ outcome: outcome({ value: 1500 }) })).counts).toEqual([1, 1, 1, 1, 1, 1500]);
    expect(leadMetrics(lead({ outcome: outcome({ value: null }) })).counts).toEqual([1, 1, 1, 1, 1, 0]);
    expect(leadMetrics(lead({ outcome: outcome({ outcome: 'NO_SALE', reason: 'NOT_INTERESTED', value: 700 }) })).counts).toEqual([
      1, 1, 1, 1, 0, 0,
    ]);
  });
  it('breaks down by the first-touch source and campaign, else the latest, and by the current closer; blanks are (none)', () => {
    const both = leadMetrics(lead({ v: { firstSource: 'google', source: 'newsletter', firstCampaign: 'spring', campaign: 'june' } }));
    expect([both.source, both.campaign]).toEqual(['google', 'spring']);
    const latest = leadMetrics(lead({ v: { source: 'newsletter', campaign: 7 } }));
    expect([latest.source, latest.campaign]).toEqual(['newsletter', '7']);
    const blank = leadMetrics(lead({ v: { firstSource: '  ', campaign: null } }));
    expect([blank.source, blank.campaign]).toEqual(['(none)', '(none)']);
    const call = { id: 'c1', start: null, closer: 'Cleo', setter: null, state: 'booked' as const };
    expect(leadMetrics(lead({ call })).closer).toBe('Cleo');
  });
  it('a created-at that is no date counts in all time only', () => {
    const counters = emptyFunnel();
    addLead(counters, leadMetrics(lead({ created: 'not a date' })), 1, UTC);
    expect(Object.keys(counters.buckets)).toEqual(['all']);
  });
});

describe('the counters', () => {
  it('keep one entry per value, drop an entry that returns to zero, and never drop one that is not zero', () => {
    const counters = emptyFunnel();
    const a = metrics(null, [1, 1, 0, 0, 0, 0], 'google', '(none)', '(none)');
    const b = metrics(null, [1, 1, 1, 1, 1, 99.99], 'google', 'spring', 'Cleo');
    addLead(counters, a, 1, UTC);
    expect(counters.buckets.all).toStrictEqual({
      total: [1, 1, 0, 0, 0, 0],
      source: [['google', [1, 1, 0, 0, 0, 0]]],
      campaign: [['(none)', [1, 1, 0, 0, 0, 0]]],
      closer: [['(none)', [1, 1, 0, 0, 0, 0]]],
    });
    addLead(counters, b, 1, UTC);
    expect(counters.buckets.all).toStrictEqual({
      total: [2, 2, 1, 1, 1, 99.99],
      source: [['google', [2, 2, 1, 1, 1, 99.99]]],
      campaign: [
        ['(none)', [1, 1, 0, 0, 0, 0]],
        ['spring', [1, 1, 1, 1, 1, 99.99]],
      ],
      closer: [
        ['(none)', [1, 1, 0, 0, 0, 0]],
        ['Cleo', [1, 1, 1, 1, 1, 99.99]],
      ],
    });
    addLead(counters, a, -1, UTC);
    expect(counters.buckets.all).toStrictEqual({
      total: [1, 1, 1, 1, 1, 99.99],
      source: [['google', [1, 1, 1, 1, 1, 99.99]]],
      campaign: [['spring', [1, 1, 1, 1, 1, 99.99]]],
      closer: [['Cleo', [1, 1, 1, 1, 1, 99.99]]],
    });
    // Removing what was never added leaves a negative entry rather than hiding the mismatch.
    addLead(counters, metrics(null, [1, 0, 0, 0, 0, 0], 'bing', 'spring', 'Cleo'), -1, UTC);
    expect(counters.buckets.all.source).toStrictEqual([
      ['google', [1, 1, 1, 1, 1, 99.99]],
      ['bing', [-1, 0, 0, 0, 0, 0]],
    ]);
  });
  it('add no entry for a lead that adds nothing', () => {
    const counters = emptyFunnel();
    addLead(counters, metrics(null, [0, 0, 0, 0, 0, 0], 'google', 'spring', 'Cleo'), 1, UTC);
    expect(counters.buckets.all).toStrictEqual({ total: [0, 0, 0, 0, 0, 0], source: [], campaign: [], closer: [] });
  });
  it('prune the weeks and months before now, keeping all time and later periods', () => {
    const counters = emptyFunnel();
    for (const created of ['2025-03-31T00:00:00Z', '2025-05-01T00:00:00Z', '2025-05-13T00:00:00Z', '2025-07-01T00:00:00Z']) {
      addLead(counters, metrics(created, [1, 0, 0, 0, 0, 0], 'x', 'y', 'z'), 1, UTC);
    }
    pruneFunnel(counters, Date.parse('2025-05-14T00:00:00Z'), UTC);
    expect(Object.keys(counters.buckets).sort()).toEqual(['all', 'month:2025-05', 'month:2025-07', 'week:2025-05-12', 'week:2025-06-30']);
  });
  it('refuse a local date with anything around yyyy-MM-dd', () => {
    expect(() => monthKey(0, { id: 'Etc/UTC', localDate: () => 'x1970-01-01' })).toThrow(
      'The local date of 0 in Etc/UTC is "x1970-01-01", not yyyy-MM-dd.',
    );
    expect(() => weekKey(0, { id: 'Etc/UTC', localDate: () => '1970-01-01x' })).toThrow(/not yyyy-MM-dd/);
  });
});

describe('the Funnel sheet', () => {
  const row = (...cells: FieldValue[]): FieldValue[] => [...cells, ...new Array<FieldValue>(REPORT_WIDTH - cells.length).fill('')];
  const NOW = Date.parse('2025-05-14T00:00:00Z');
  const NOTE =
    'Leads count in the week (from Monday) and month they were created, in the Etc/UTC time zone. Close rate = sales / calls held; show rate = calls held / calls booked.';

  it('holds the stage table, revenue by source and every period broken down, sorted, with close and show rates', () => {
    const counters = emptyFunnel();
    addLead(counters, metrics('2025-05-13T10:00:00Z', [1, 1, 1, 1, 1, 1000], 'google', 'spring', 'Cleo'), 1, UTC);
    addLead(counters, metrics('2025-05-01T10:00:00Z', [1, 1, 1, 0, 0, 0], 'newsletter', '(none)', '(none)'), 1, UTC);
    addLead(counters, metrics('2025-05-02T10:00:00Z', [1, 1, 1, 1, 0, 0], 'google', '(none)', 'Cleo'), 1, UTC);
    addLead(counters, metrics(null, [1, 1, 1, 1, 1, 250.5], 'ads', '(none)', 'Abe'), 1, UTC);
    const W = 'This week (from 2025-05-12)';
    const M = 'This month (2025-05)';
    const A = 'All time';
    const third = 0.666667;
    const report = funnelReport(counters, NOW, UTC);
    expect(report.grid).toEqual([
      row('Funnel', 'Updated', '2025-05-14T00:00:00.000Z'),
      row(NOTE),
      row('Stage', 'All time', '', '', '', '', '', '', '', '', '', '', 'Source', 'Revenue (all time)'),
      row('Leads', 4, '', '', '', '', '', '', '', '', '', '', 'google', 1000),
      row('Qualified', 4, '', '', '', '', '', '', '', '', '', '', 'ads', 250.5),
      row('Calls booked', 4, '', '', '', '', '', '', '', '', '', '', 'newsletter', 0),
      row('Calls held', 3),
      row('Sales', 2),
      row(),
      row(
        'Period',
        'Breakdown',
        'Value',
        'Leads',
        'Qualified',
        'Calls booked',
        'Calls held',
        'Sales',
        'Close rate',
        'Show rate',
        'Revenue',
      ),
      row(W, 'Total', '', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(W, 'UTM source', 'google', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(W, 'UTM campaign', 'spring', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(W, 'Closer', 'Cleo', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(M, 'Total', '', 3, 3, 3, 2, 1, 0.5, third, 1000),
      row(M, 'UTM source', 'google', 2, 2, 2, 2, 1, 0.5, 1, 1000),
      row(M, 'UTM source', 'newsletter', 1, 1, 1, 0, 0, '', 0, 0),
      row(M, 'UTM campaign', '(none)', 2, 2, 2, 1, 0, 0, 0.5, 0),
      row(M, 'UTM campaign', 'spring', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(M, 'Closer', 'Cleo', 2, 2, 2, 2, 1, 0.5, 1, 1000),
      row(M, 'Closer', '(none)', 1, 1, 1, 0, 0, '', 0, 0),
      row(A, 'Total', '', 4, 4, 4, 3, 2, third, 0.75, 1250.5),
      row(A, 'UTM source', 'google', 2, 2, 2, 2, 1, 0.5, 1, 1000),
      row(A, 'UTM source', 'ads', 1, 1, 1, 1, 1, 1, 1, 250.5),
      row(A, 'UTM source', 'newsletter', 1, 1, 1, 0, 0, '', 0, 0),
      row(A, 'UTM campaign', '(none)', 3, 3, 3, 2, 1, 0.5, third, 250.5),
      row(A, 'UTM campaign', 'spring', 1, 1, 1, 1, 1, 1, 1, 1000),
      row(A, 'Closer', 'Cleo', 2, 2, 2, 2, 1, 0.5, 1, 1000),
      row(A, 'Closer', '(none)', 1, 1, 1, 0, 0, '', 0, 0),
      row(A, 'Closer', 'Abe', 1, 1, 1, 1, 1, 1, 1, 250.5),
    ]);
    expect(report.stageRows).toEqual({ first: 3, last: 8 });
    expect(report.revenueRows).toEqual({ first: 3, last: 6 });
  });

  it('with no lead: zero stages, one (none) source, and a total line per period without rates', () => {
    const report = funnelReport(emptyFunnel(), NOW, UTC);
    expect(report.grid.slice(3, 5)).toEqual([row('Leads', 0, '', '', '', '', '', '', '', '', '', '', '(none)', 0), row('Qualified', 0)]);
    expect(report.grid.slice(10)).toEqual([
      row('This week (from 2025-05-12)', 'Total', '', 0, 0, 0, 0, 0, '', '', 0),
      row('This month (2025-05)', 'Total', '', 0, 0, 0, 0, 0, '', '', 0),
      row('All time', 'Total', '', 0, 0, 0, 0, 0, '', '', 0),
    ]);
    expect(report.revenueRows).toEqual({ first: 3, last: 4 });
  });

  it('orders sources of equal revenue by name', () => {
    const counters = emptyFunnel();
    for (const source of ['b', 'c', 'a']) addLead(counters, metrics(null, [1, 0, 0, 0, 0, 0], source, '(none)', '(none)'), 1, UTC);
    expect(
      funnelReport(counters, NOW, UTC)
        .grid.slice(3, 6)
        .map((r) => r[12]),
    ).toEqual(['a', 'b', 'c']);
  });
});
