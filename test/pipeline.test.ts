/** The lead pipeline through the built bundle: one row per lead, order-proof, joins, the funnel against a hand count, charts, the rebuild, the switch. */
import { funnelTable, isDate, plain, utcDay, utcMonday } from './helpers/funnel';
import { payload, startApp, type Harness } from './helpers/harness';

/** A small deterministic random generator (mulberry32), so every run sees the same journeys. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const JOURNEY = ['contact-created', 'contact-updated', 'call-booked', 'call-rescheduled', 'outcome-added'];

function runJourney(order: readonly string[]): Harness {
  const h = startApp();
  for (const file of order) expect(h.post(payload(file)).ok).toBe(true);
  return h;
}

describe('a lead journey', () => {
  let baseline: Array<Record<string, unknown>>;
  beforeAll(() => {
    baseline = plain(runJourney(JOURNEY).rows('Pipeline'));
  });

  it('gives one row with the right status, dates and value', () => {
    expect(baseline).toHaveLength(1);
    expect(baseline[0]).toMatchObject({
      'Contact id': 5,
      Name: 'Raya Fleming',
      Email: 'zogiji@example.com',
      Phone: '+1234567890',
      Status: 'Sale',
      'First UTM source': 'facebook',
      'Latest UTM campaign': 'spring-launch',
      'Created at': '2025-05-09T15:28:40.000Z',
      'Call start': '2025-05-14T09:00:00.000Z',
      Closer: 'Sam Closer',
      Setter: 'Ana Setter',
      Cancelled: false,
      'Times cancelled': 0,
      Rescheduled: true,
      'Times rescheduled': 1,
      Outcome: 'Sale',
      Product: 'Premium Package',
      'Deal value': 5000,
      Qualified: true,
      Booked: true,
      'Last change': '2025-05-13T10:50:00.000Z',
      'Lead keys': 'email:zogiji@example.com id:5 phone:+1234567890',
    });
  });

  it('is the identical row in reversed and shuffled orders, with duplicates', () => {
    const random = rng(8);
    const orders = [
      [...JOURNEY].reverse(),
      ...Array.from({ length: 4 }, () => shuffle(JOURNEY, random)),
      shuffle([...JOURNEY, ...JOURNEY, 'call-booked'], random),
    ];
    for (const order of orders) expect([order, plain(runJourney(order).rows('Pipeline'))]).toEqual([order, baseline]);
  });

  it('a late "Call booked" after the outcome and a contact update after the sale do not move the lead back', () => {
    const h = runJourney(JOURNEY);
    const retried = payload('call-booked');
    retried[0].event.location = 'https://meet.example.com/retry'; // a retry with other content: a real update of its sheet
    expect(h.post(retried).results[0].action).toBe('updated');
    const later = payload('contact-updated');
    later[0].updatedAt = '2025-05-20T09:00:00.000Z';
    later[0].status = 'STRATEGY_CALL_BOOKED';
    later[0].updatedAttributes = ['firstName'];
    later[0].firstName = 'Rae';
    h.post(later);
    const row = plain(h.fields('Pipeline'))[0];
    expect(row).toMatchObject({
      Status: 'Sale',
      Name: 'Rae Fleming-Ortiz',
      'Call start': '2025-05-14T09:00:00.000Z',
      'Times rescheduled': 1,
      'Last change': '2025-05-20T09:00:00.000Z',
    });
  });
});

describe('joining leads', () => {
  it('two leads sharing nothing are two rows', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const other = payload('contact-created');
    Object.assign(other[0], { id: 6, email: 'someone.else@example.com', phoneNumber: '+4915112345678', firstName: 'Ola' });
    h.post(other);
    const rows = h.fields('Pipeline');
    expect(rows.map((r) => r['Contact id'])).toEqual([5, 6]);
  });

  it.each([
    ['contact first', false],
    ['calls first', true],
  ])('a lead known only by email on its call hooks joins its contact row (%s)', (_name, callsFirst) => {
    const h = startApp();
    const call = (file: string) => {
      const p = payload(file);
      p[0].invitee.email = 'ZOGIJI@Example.com'; // another case: emails join case-insensitively
      p[0].invitee.text_reminder_number = null;
      return p;
    };
    const contact = payload('contact-created');
    contact[0].phoneNumber = null;
    const steps = callsFirst
      ? [call('call-booked'), call('call-cancelled'), contact]
      : [contact, call('call-booked'), call('call-cancelled')];
    for (const body of steps) h.post(body);
    const rows = h.fields('Pipeline');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      'Contact id': 5,
      Status: 'Call cancelled',
      Cancelled: true,
      'Times cancelled': 1,
      'Lead keys': 'email:zogiji@example.com id:5',
    });
    // Once joined, the row gains the keys later events bring: a phone first seen on a call hook.
    const withPhone = payload('call-rescheduled');
    withPhone[0].invitee.text_reminder_number = '+44 20 7946 0000';
    h.post(withPhone);
    expect(h.fields('Pipeline')[0]['Lead keys']).toBe('email:zogiji@example.com id:5 phone:+442079460000');
    const byPhone = payload('outcome-added');
    Object.assign(byPhone[0], { contactId: null, email: null, phoneNumber: '+442079460000' });
    h.post(byPhone);
    expect(h.fields('Pipeline')).toHaveLength(1);
    expect(h.fields('Pipeline')[0].Outcome).toBe('Sale');
  });

  it('an event that links two known rows merges them into the topmost', () => {
    const h = startApp();
    const call = payload('call-booked');
    call[0].invitee.text_reminder_number = null; // known by email only
    h.post(call);
    const contact = payload('contact-created');
    contact[0].email = null; // known by id and phone only
    h.post(contact);
    expect(h.fields('Pipeline')).toHaveLength(2);
    h.post(payload('outcome-added')); // id, email and phone: the same person
    const rows = h.fields('Pipeline');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      'Contact id': 5,
      Status: 'Sale',
      Closer: 'Sam Closer',
      'Lead keys': 'email:zogiji@example.com id:5 phone:+1234567890',
    });
  });
});

// ---- 500 generated leads ----------------------------------------------------------------------

const SOURCES = ['facebook', 'google', 'tiktok', null];
const CAMPAIGNS = ['spring-launch', 'webinar', 'retargeting'];
const CLOSERS = ['Sam Closer', 'Kim Closer', 'Lee Closer'];

interface Plan {
  i: number;
  created: number;
  source: string | null;
  campaign: string;
  qualified: boolean;
  booked: boolean;
  closer: string;
  rescheduled: boolean;
  cancelled: boolean;
  outcome: null | 'SALE' | 'NO_SHOW' | 'NOT_INTERESTED';
  value: number;
  emailOnlyCalls: boolean;
}

function plans(n: number, now: number, random: () => number): Plan[] {
  return Array.from({ length: n }, (_, i) => {
    const booked = random() < 0.6;
    const cancelled = booked && random() < 0.2;
    const outcomeDraw = random();
    return {
      i,
      created: now - Math.floor(random() * 70 * 86400000),
      source: SOURCES[Math.floor(random() * SOURCES.length)],
      campaign: CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)],
      qualified: booked || random() < 0.5,
      booked,
      closer: CLOSERS[Math.floor(random() * CLOSERS.length)],
      rescheduled: booked && random() < 0.3,
      cancelled,
      outcome:
        !booked || cancelled
          ? null
          : outcomeDraw < 0.4
            ? 'SALE'
            : outcomeDraw < 0.6
              ? 'NO_SHOW'
              : outcomeDraw < 0.8
                ? 'NOT_INTERESTED'
                : null,
      value: 1000 + Math.floor(random() * 90) * 100,
      emailOnlyCalls: random() < 0.3,
    };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events of one planned lead, built from the example payloads. */
function events(p: Plan): unknown[] {
  const email = `lead${p.i}@example.com`;
  const phone = `+1555${String(p.i).padStart(7, '0')}`;
  const tracking = {
    first_utm_source: p.source,
    first_utm_medium: 'paid',
    first_utm_campaign: p.campaign,
    utm_source: p.source,
    utm_medium: 'paid',
    utm_campaign: p.campaign,
  };
  const contact = (file: string, status: string, minutes: number) => {
    const e = payload(file)[0];
    Object.assign(e, {
      id: 1000 + p.i,
      email,
      phoneNumber: phone,
      firstName: `Lead${p.i}`,
      lastName: 'Test',
      status,
      createdAt: iso(p.created),
      updatedAt: iso(p.created + minutes * 60000),
    });
    Object.assign(e.tracking, tracking);
    return e;
  };
  const call = (file: string) => {
    const e = payload(file)[0];
    e.event.uuid = `call-${p.i}`;
    e.event.created_at = iso(p.created + 2 * 60000);
    e.event.extended_assigned_to['1'].name = p.closer;
    e.event.assigned_to['1'] = p.closer;
    Object.assign(e.invitee, {
      email: p.emailOnlyCalls ? email.toUpperCase() : email,
      text_reminder_number: p.emailOnlyCalls ? null : phone,
      name: `Lead${p.i} Test`,
      created_at: iso(p.created),
    });
    Object.assign(e.tracking, tracking);
    if (file === 'call-cancelled') {
      e.event.canceled_at = e.invitee.canceled_at = iso(p.created + 3 * 60000);
      // A call cancelled after its reschedule is cancelled in its new slot.
      if (p.rescheduled) e.event.utc_start_time = payload('call-rescheduled')[0].event.utc_start_time;
    }
    return e;
  };
  const out: unknown[] = [contact('contact-created', 'POTENTIAL', 0)];
  if (p.qualified) out.push(contact('contact-updated', 'QUALIFIED', 1));
  if (p.booked) out.push(call('call-booked'));
  if (p.rescheduled) out.push(call('call-rescheduled'));
  if (p.cancelled) out.push(call('call-cancelled'));
  if (p.outcome) {
    const e = payload('outcome-added')[0];
    Object.assign(e, {
      uuid: 5000 + p.i,
      contactId: 1000 + p.i,
      email,
      phoneNumber: phone,
      callOutcome: p.outcome === 'SALE' ? 'SALE' : 'NO_SALE',
      noSaleReason: p.outcome === 'SALE' ? null : p.outcome,
      dealValue: p.outcome === 'SALE' ? p.value : null,
      productName: p.outcome === 'SALE' ? 'Premium Package' : null,
      createdAt: iso(p.created + 86400000),
    });
    e.deal = p.outcome === 'SALE' ? { transactionType: 'WON', createdAt: e.createdAt, value: p.value } : null;
    out.push(e);
  }
  return out;
}

/** The funnel counted by hand from the plans: the test's own week and month arithmetic (UTC, weeks from Monday). */
function handCount(list: readonly Plan[], now: number): Map<string, number[]> {
  const day = utcDay;
  const monday = utcMonday;
  const out = new Map<string, number[]>();
  const add = (key: string, c: number[]) =>
    out.set(
      key,
      (out.get(key) ?? [0, 0, 0, 0, 0, 0]).map((v, i) => v + c[i]),
    );
  for (const p of list) {
    const held = p.outcome !== null && p.outcome !== 'NO_SHOW';
    const sale = p.outcome === 'SALE';
    const c = [1, p.qualified ? 1 : 0, p.booked ? 1 : 0, held ? 1 : 0, sale ? 1 : 0, sale ? p.value : 0];
    const periods = ['All time'];
    if (monday(p.created) === monday(now)) periods.push('This week');
    if (day(p.created).slice(0, 7) === day(now).slice(0, 7)) periods.push('This month');
    for (const period of periods) {
      add(`${period}|Total|`, c);
      add(`${period}|UTM source|${p.source ?? '(none)'}`, c);
      add(`${period}|UTM campaign|${p.campaign}`, c);
      add(`${period}|Closer|${p.booked ? p.closer : '(none)'}`, c);
    }
  }
  return out;
}

describe('500 generated leads', () => {
  let h: Harness;
  let list: Plan[];
  let now: number;
  beforeAll(() => {
    h = startApp();
    // "This week" and "this month" come from the runtime clock, pinned to a Wednesday noon mid-month so the
    // run cannot cross a Monday or a month start between the hand count and the app's refresh.
    h.runtime.setTime(Date.UTC(2026, 2, 18, 12));
    now = h.runtime.now();
    const random = rng(500);
    list = plans(500, now, random);
    // Every event of every lead, shuffled across leads and in five-event deliveries: order must not matter.
    const all = shuffle(list.flatMap(events), random);
    for (let i = 0; i < all.length; i += 5) {
      const res = h.post(all.slice(i, i + 5));
      if (!res.ok) throw new Error(JSON.stringify(res));
    }
  });

  it('one row per lead with its status', () => {
    const rows = h.fields('Pipeline');
    expect(rows).toHaveLength(500);
    const byId = new Map(rows.map((r) => [r['Contact id'], r]));
    for (const p of list) {
      const row = byId.get(1000 + p.i)!;
      const status =
        p.outcome === 'SALE'
          ? 'Sale'
          : p.outcome
            ? 'No sale'
            : p.cancelled
              ? 'Call cancelled'
              : p.rescheduled
                ? 'Rescheduled'
                : p.booked
                  ? 'Call booked'
                  : p.qualified
                    ? 'Qualified'
                    : 'Potential';
      expect([p.i, row.Status, row['Times rescheduled'], row.Cancelled]).toEqual([p.i, status, p.rescheduled ? 1 : 0, p.cancelled]);
    }
  });

  it('the funnel counts match a hand count', () => {
    const expected = handCount(list, now);
    const actual = funnelTable(h);
    // The app's "this week" is the runtime clock's (Monday 16 March 2026), not the real one.
    expect(h.runtime.peek('Funnel')!.values.map((r) => r[0])).toContain('This week (from 2026-03-16)');
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
    const stages = h.runtime
      .peek('Funnel')!
      .values.slice(3, 8)
      .map((r) => [r[0], r[1]]);
    const total = expected.get('All time|Total|')!;
    expect(stages).toEqual([
      ['Leads', total[0]],
      ['Qualified', total[1]],
      ['Calls booked', total[2]],
      ['Calls held', total[3]],
      ['Sales', total[4]],
    ]);
  });

  it('has a funnel chart and a revenue-by-source chart pointing at the refreshed ranges', () => {
    const charts = () =>
      h.asUser((spreadsheet) =>
        spreadsheet
          .getSheetByName('Funnel')!
          .getCharts()
          .map((c) =>
            c
              .getRanges()
              .map((r) => r.getA1Notation())
              .join(','),
          ),
      );
    const sources = new Set(list.map((p) => p.source ?? '(none)')).size;
    expect(charts()).toEqual(['A3:B8', `M3:N${3 + sources}`]);
    const fresh = payload('contact-created');
    Object.assign(fresh[0], { id: 99999, email: 'new.source@example.com', phoneNumber: null });
    fresh[0].tracking.first_utm_source = 'newsletter';
    h.post(fresh);
    expect(charts()).toEqual(['A3:B8', `M3:N${4 + sources}`]);
    const values = h.runtime.peek('Funnel')!.values;
    expect(values.slice(3, 4 + sources).map((r) => r[12])).toContain('newsletter');
  });

  it('a rebuild from the hook sheets and the log reproduces the live pipeline and funnel exactly, in resumable batches', () => {
    const liveRows = plain(h.fields('Pipeline'));
    const liveFunnel = h.runtime.peek('Funnel')!.values.map((r) => r.map((v) => (isDate(v) ? 'date' : v)));
    const first = h.app.call<any>('editor', 'rebuildPipeline', { restart: true, limit: 400 });
    expect(first).toMatchObject({ done: false, processed: 400 });
    const total = first.processed + first.remaining;
    // More than one batch's worth: the rebuild must resume.
    expect(total).toBeGreaterThan(400);
    let result = first;
    let calls = 1;
    while (!result.done) {
      result = h.app.call<any>('editor', 'rebuildPipeline', { limit: 400 });
      expect({ processed: result.processed, remaining: result.remaining }).toEqual({
        processed: Math.min(400 * (calls + 1), total),
        remaining: total - Math.min(400 * (calls + 1), total),
      });
      calls += 1;
      if (calls > 50) throw new Error('the rebuild does not finish');
    }
    expect(result).toMatchObject({ done: true, remaining: 0, leads: 501 });
    expect(plain(h.fields('Pipeline'))).toEqual(liveRows);
    expect(h.runtime.peek('Funnel')!.values.map((r) => r.map((v) => (isDate(v) ? 'date' : v)))).toEqual(liveFunnel);
  });
});

describe('rebuild', () => {
  it('from the hook sheets alone (log trimmed) reproduces the journey row', () => {
    const h = runJourney(JOURNEY);
    const live = plain(h.fields('Pipeline'));
    h.asUser((spreadsheet) => {
      const log = spreadsheet.getSheetByName('Webhook log')!;
      log.deleteRows(2, log.getLastRow() - 1);
      spreadsheet.getSheetByName('Pipeline')!.getRange('B2').setValue('scribbled');
    });
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    expect(plain(h.fields('Pipeline'))).toEqual(live);
  });

  it('from the menu resumes a rebuild that stopped half-way and reports in a toast', () => {
    const h = runJourney(JOURNEY);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true, limit: 2 })).toMatchObject({ done: false, processed: 2 });
    const menu = h.app.call<any>('editor', 'rebuildPipeline');
    expect(menu).toMatchObject({ done: true, leads: 1 });
    expect(menu.processed).toBeGreaterThan(2);
    expect(h.runtime.ui.toasts.map((t) => t.message).join(' ')).toContain('Rebuilt: 1 leads');
  });
});

describe('switch and safety', () => {
  it('is on by default and can be switched off', () => {
    const h = startApp();
    expect(h.app.call<any>('editor', 'getSidebarState').settings.pipeline).toEqual({ enabled: true });
    expect(h.saveSettings({ pipeline: { enabled: false } })).toMatchObject({ ok: true });
    h.post(payload('contact-created'));
    expect(h.sheetNames()).not.toContain('Pipeline');
    expect(h.saveSettings({ pipeline: { enabled: 'yes' } })).toMatchObject({ ok: false });
    expect(h.saveSettings({ pipeline: { enabled: true } })).toMatchObject({ ok: true });
    h.post(payload('contact-updated'));
    expect(h.fields('Pipeline')).toHaveLength(1);
  });

  it('leaves user columns alone and finds its columns by header', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    h.asUser((spreadsheet) => {
      const sheet = spreadsheet.getSheetByName('Pipeline')!;
      sheet.insertColumnsBefore(3, 1);
      sheet.getRange(1, 3, 2, 1).setValues([['My notes'], ['call back Friday']]);
    });
    h.post(payload('outcome-added'));
    const rows = h.fields('Pipeline');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 'My notes': 'call back Friday', Status: 'Sale', 'Deal value': 5000 });
    expect(h.runtime.peek('Pipeline')!.formulas.flat().filter(Boolean)).toEqual([]);
  });

  it('a pipeline failure never fails the delivery: it is logged', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    // A Lead state cell edited into nonsense makes the pipeline throw for this lead.
    h.asUser((spreadsheet) => {
      const sheet = spreadsheet.getSheetByName('Pipeline')!;
      const col = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].indexOf('Lead state') + 1;
      sheet.getRange(2, col).setValue(JSON.stringify({ keys: ['id:5'], t: { outcome: 'zzzzzzzzzzzzzz' }, outcome: { outcome: 5 } }));
    });
    const res = h.post(payload('contact-updated'));
    expect(res).toMatchObject({ ok: true, results: [{ action: 'appended' }] });
    expect(h.fields('Contact updated')).toHaveLength(1);
    const message = String(h.rows('Webhook log')[1].Message);
    expect(message).toContain('Pipeline not updated:');
    // The execution log (Cloud Logging on the platform) says the same, for whoever looks at the script's executions.
    const errors = h.runtime.logs.filter((l) => l.source === 'console' && l.level === 'error').map((l) => l.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Pipeline update failed: \S/);
    expect(message).toContain(errors[0].slice('Pipeline update failed: '.length));
  });
});
