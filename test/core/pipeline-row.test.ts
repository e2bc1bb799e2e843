/** Unit tests of the Pipeline sheet's row: code labels, the status a lead shows, its last change, every column's value and reading the state cell back. */
import { emptyState, makeStamp, type LeadState } from '../../src/core/pipeline';
import { codeLabel, lastChange, parseState, PIPELINE_COLUMNS, PIPELINE_LABELS, statusOf } from '../../src/core/pipeline-row';

const lead = (patch: Partial<LeadState>): LeadState => ({ ...emptyState(), ...patch });
const stamp = (iso: string, rank = 0, tie = 'fp'): string => makeStamp(Date.parse(iso), rank, 0, tie);
const slot = (iso: string): string => makeStamp(Date.parse(iso), 0, 0, '').slice(0, 9);
const row = (s: LeadState) => Object.fromEntries(PIPELINE_COLUMNS.map((c) => [c.label, c.value(s)]));
const OUTCOME = { outcome: 'NO_SALE', reason: 'NOT_INTERESTED', objection: 'PRICE', product: 'Coaching', value: 0 };
const CALL = { id: 'c1', start: '2025-05-12T09:00:00.000Z', closer: 'Cleo', setter: 'Sam', state: 'booked' as const };

describe('labels and status', () => {
  it('writes an iClosed code as a sentence', () => {
    expect(codeLabel('STRATEGY_CALL_BOOKED')).toBe('Strategy call booked');
    expect(codeLabel('_NO_SHOW_')).toBe('No show');
    expect(codeLabel('SALE')).toBe('Sale');
  });
  it('shows the newer of outcome and call, else the contact status, else nothing', () => {
    const outcomeFirst = lead({
      outcome: OUTCOME,
      call: CALL,
      t: { outcome: stamp('2025-05-10T00:00:00Z'), call: stamp('2025-05-11T00:00:00Z', 1) },
    });
    expect(statusOf(outcomeFirst)).toBe('Call booked');
    const outcomeLater = lead({
      outcome: OUTCOME,
      call: CALL,
      t: { outcome: stamp('2025-05-12T00:00:00Z'), call: stamp('2025-05-11T00:00:00Z', 1) },
    });
    expect(statusOf(outcomeLater)).toBe('No sale');
    expect(statusOf(lead({ outcome: { ...OUTCOME, outcome: 'FOLLOW_UP' }, t: { outcome: stamp('2025-05-12T00:00:00Z') } }))).toBe(
      'Follow up',
    );
    expect(statusOf(lead({ call: { ...CALL, state: 'cancelled' }, t: { call: stamp('2025-05-11T00:00:00Z', 3) } }))).toBe('Call cancelled');
    expect(statusOf(lead({ call: { ...CALL, state: 'rescheduled' }, t: { call: stamp('2025-05-11T00:00:00Z', 2) } }))).toBe('Rescheduled');
    expect(statusOf(lead({ status: 'STRATEGY_CALL_BOOKED' }))).toBe('Call booked');
    expect(statusOf(lead({ status: 'CALL_BOOKED_NO_SHOW' }))).toBe('Call booked no show');
    expect(statusOf(lead({ status: 'QUALIFIED' }))).toBe('Qualified');
    expect(statusOf(emptyState())).toBe('');
  });
  it('lets the outcome speak on equal stamps, and counts a register without its stamp (a hand-edited state cell) as oldest', () => {
    const t = stamp('2025-05-11T00:00:00Z');
    expect(statusOf(lead({ outcome: OUTCOME, call: CALL, t: { outcome: t, call: t } }))).toBe('No sale');
    expect(statusOf(lead({ outcome: OUTCOME, call: CALL, t: { call: t } }))).toBe('Call booked');
    expect(statusOf(lead({ outcome: OUTCOME, call: CALL, t: { outcome: t } }))).toBe('No sale');
  });
  it('dates the last change by the newest event time, or leaves it empty', () => {
    const s = lead({
      t: { name: stamp('2025-05-10T00:00:00Z'), call: stamp('2025-05-12T08:00:00Z', 3), email: stamp('2025-05-11T00:00:00Z') },
    });
    expect(lastChange(s)).toBe('2025-05-12T08:00:00.000Z');
    expect(lastChange(emptyState())).toBeNull();
  });
});

describe('the row', () => {
  it('holds every column of a lead with a moved call and an outcome, in order', () => {
    const s = lead({
      keys: ['email:raya@example.com', 'id:5'],
      v: {
        contactId: 5,
        previewUrl: 'https://app.example/p/5',
        name: 'Raya Khan',
        email: 'raya@example.com',
        phone: '+15550109999',
        firstSource: 'google',
        firstMedium: 'cpc',
        firstCampaign: 'spring',
        source: 'newsletter',
        medium: 'email',
        campaign: 'june',
      },
      t: { name: stamp('2025-05-09T00:00:00Z'), call: stamp('2025-05-09T12:00:00Z', 2), outcome: stamp('2025-05-15T00:00:00Z') },
      created: '2025-05-09T00:00:00.000Z',
      status: 'QUALIFIED',
      call: { ...CALL, state: 'rescheduled' },
      outcome: { ...OUTCOME, outcome: 'SALE', value: 1500 },
      qualified: true,
      booked: true,
      counted: [
        `c:c1:${slot('2025-05-10T00:00:00Z')}`,
        'k:c1',
        `m:c1:${slot('2025-05-12T09:00:00Z')}>${slot('2025-05-14T09:00:00Z')}`,
        `r:c1:${slot('2025-05-14T09:00:00Z')}`,
        `r:c1:${slot('2025-05-16T09:00:00Z')}`,
        'xr:c1:1',
      ],
    });
    expect(row(s)).toStrictEqual({
      'Contact id': 5,
      'Preview link': 'https://app.example/p/5',
      Name: 'Raya Khan',
      Email: 'raya@example.com',
      Phone: '+15550109999',
      Status: 'Sale',
      'First UTM source': 'google',
      'First UTM medium': 'cpc',
      'First UTM campaign': 'spring',
      'Latest UTM source': 'newsletter',
      'Latest UTM medium': 'email',
      'Latest UTM campaign': 'june',
      'Created at': '2025-05-09T00:00:00.000Z',
      'Call start': '2025-05-14T09:00:00.000Z',
      Closer: 'Cleo',
      Setter: 'Sam',
      Cancelled: false,
      'Times cancelled': 1,
      Rescheduled: true,
      'Times rescheduled': 2,
      Outcome: 'Sale',
      'Outcome reason': 'NOT_INTERESTED',
      Objection: 'PRICE',
      Product: 'Coaching',
      'Deal value': 1500,
      Qualified: true,
      Booked: true,
      'Last change': '2025-05-15T00:00:00.000Z',
      'Lead keys': 'email:raya@example.com id:5',
      'Lead state': JSON.stringify(s),
    });
    expect(PIPELINE_LABELS).toEqual(Object.keys(row(s)));
    // prettier-ignore
    expect(PIPELINE_COLUMNS.map((c) => c.typing)).toEqual([
      'auto', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'date', 'date', 'text', 'text',
      'auto', 'auto', 'auto', 'auto', 'text', 'text', 'text', 'text', 'auto', 'auto', 'auto', 'date', 'text', 'text',
    ]);
  });
  it('leaves the cells of a contact without call or outcome empty, and a cancelled call shows as cancelled', () => {
    const s = lead({ keys: ['email:a@x.io'], v: { email: 'a@x.io' }, t: { email: stamp('2025-05-09T00:00:00Z') }, counted: ['k:c1'] });
    const cells = row(s);
    for (const label of [
      'Contact id',
      'Name',
      'Created at',
      'Call start',
      'Closer',
      'Setter',
      'Outcome',
      'Outcome reason',
      'Objection',
      'Product',
      'Deal value',
    ]) {
      expect([label, cells[label]]).toEqual([label, null]);
    }
    expect([
      cells.Status,
      cells.Cancelled,
      cells['Times cancelled'],
      cells.Rescheduled,
      cells['Times rescheduled'],
      cells.Qualified,
    ]).toEqual(['', false, 0, false, 0, false]);
    expect(row(lead({ call: { ...CALL, state: 'cancelled' } })).Cancelled).toBe(true);
    expect(row(lead({ outcome: { ...OUTCOME, outcome: 'FOLLOW_UP' } })).Outcome).toBe('Follow up');
  });
});

describe('the state cell', () => {
  it('reads a state back whole, filling what an older cell lacks', () => {
    const s = lead({
      keys: ['id:5'],
      v: { name: 'Raya' },
      t: { name: 'x' },
      created: '2025-05-09T00:00:00.000Z',
      status: 'QUALIFIED',
      qualified: true,
      counted: ['k:c1'],
    });
    expect(parseState(JSON.stringify(s))).toStrictEqual(s);
    expect(parseState('{"keys":["id:5"]}')).toStrictEqual(lead({ keys: ['id:5'] }));
    expect(parseState('{"keys":[],"counted":"k:c1","v":null}')).toStrictEqual(emptyState());
  });
  it('reads an empty cell, other text, broken JSON or an object without keys as no state', () => {
    for (const text of [null, '', 123, 'keys', ' {"keys":[]}', '{"keys":', '{}', '{"keys":"id:5"}'])
      expect([text, parseState(text)]).toEqual([text, null]);
  });
});
