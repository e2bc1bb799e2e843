/** The Pipeline and Funnel sheets through the built bundle: the hidden state column, stored layouts, the Funnel grid growing, and the rebuild's edges. */
import {
  observingCalls,
  payload,
  propertyKeysIn,
  propertyKeysWritten as keysWritten,
  setScriptProperty,
  startApp,
  type Harness,
} from './helpers/harness';

/** Column number (1-based) of a Pipeline header label. */
function pipelineColumn(h: Harness, label: string): number {
  return h.header('Pipeline').indexOf(label) + 1;
}

/** A script property as stored, parsed. */
function property(h: Harness, key: string): any {
  const text = h.runtime.execute('editor', () =>
    (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService).getScriptProperties().getProperty(key),
  );
  return text === null ? null : JSON.parse(text);
}

/** Rows of a sheet's values with any cell filled. */
const filledRows = (rows: unknown[][]): number => rows.filter((r) => r.some((v) => v !== '')).length;

/** The index of the last row of a sheet's values with any cell filled (-1 for none). */
const lastFilledRow = (rows: unknown[][]): number => rows.map((r) => r.some((v) => v !== '')).lastIndexOf(true);

/** The Funnel sheet's values with dates masked (the refresh time). */
function funnelValues(h: Harness): unknown[][] {
  return h.runtime
    .peek('Funnel')!
    .values.map((r) => r.map((v) => (v instanceof Date || Object.prototype.toString.call(v) === '[object Date]' ? 'date' : v)));
}

describe('the Pipeline sheet', () => {
  it('hides the Lead state column when it adds it, and leaves it shown once a user has shown it', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const stateCol = pipelineColumn(h, 'Lead state');
    const keysCol = pipelineColumn(h, 'Lead keys');
    const hidden = (col: number) => h.asUser((s) => s.getSheetByName('Pipeline')!.isColumnHiddenByUser(col));
    expect([hidden(stateCol), hidden(keysCol)]).toEqual([true, false]);
    h.asUser((s) => s.getSheetByName('Pipeline')!.showColumns(stateCol));
    h.post(payload('contact-updated'));
    expect(h.fields('Pipeline')[0].Status).toBe('Qualified');
    expect(hidden(stateCol)).toBe(false);
  });

  it('stores its header layout when it creates the sheet, and not again while the header is unchanged', () => {
    const h = startApp();
    expect(keysWritten(h, () => h.post(payload('contact-created')))).toContain('layout/Pipeline');
    expect(property(h, 'layout/Pipeline').header).toEqual(h.header('Pipeline'));
    const second = keysWritten(h, () => h.post(payload('contact-updated')));
    expect(h.fields('Pipeline')[0].Status).toBe('Qualified');
    expect(second).toContain('pipeline/funnel');
    expect(second).not.toContain('layout/Pipeline');
  });
});

describe('the pipeline after a delivery', () => {
  it('takes a stale event too: what only it says (an earlier creation date) reaches the lead', () => {
    const h = startApp();
    const version = (updatedAt: string, createdAt: string) => [{ ...payload('contact-updated')[0], updatedAt, createdAt }];
    expect(h.post(version('2025-05-20T09:00:00.000Z', '2025-05-09T15:28:40.783Z')).results[0].action).toBe('appended');
    // An older version of the same contact: its sheet row is not overwritten, but the pipeline weighs it by its time.
    expect(h.post(version('2025-05-12T09:00:00.000Z', '2025-05-01T08:00:00.000Z')).results[0].action).toBe('stale');
    const row = h.fields('Pipeline')[0];
    expect([row['Created at'], row['Last change']].map((d) => (d as Date).toISOString())).toEqual([
      '2025-05-01T08:00:00.000Z',
      '2025-05-20T09:00:00.000Z',
    ]);
  });
});

describe('the Funnel sheet', () => {
  it('grows its grid by the missing rows plus 100 when a user cut it shorter than the report, and writes the whole report', () => {
    const twin = startApp();
    twin.post(payload('contact-created'));
    twin.post(payload('contact-updated'));

    const h = startApp();
    h.post(payload('contact-created'));
    const before = property(h, 'pipeline/funnelLayout').height as number;
    expect(before).toBeGreaterThan(10);
    h.asUser((s) => {
      const funnel = s.getSheetByName('Funnel')!;
      funnel.deleteRows(4, funnel.getMaxRows() - 3);
    });
    expect(h.runtime.peek('Funnel')!.maxRows).toBe(3);
    const res = h.post(payload('contact-updated'));
    expect(res).toMatchObject({ ok: true, results: [{ action: 'appended' }] });
    expect(String(h.rows('Webhook log')[1].Message)).not.toContain('Pipeline not updated');
    const height = Math.max(before, property(h, 'pipeline/funnelLayout').height as number);
    expect(h.runtime.peek('Funnel')!.maxRows).toBe(height + 100);
    expect(funnelValues(h)).toEqual(funnelValues(twin));
  });

  it('a write that fails for another reason than the grid size is not retried: the delivery says the pipeline was not updated', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const height = property(h, 'pipeline/funnelLayout').height as number;
    // The grid holds the report exactly: a failed write is no grid-size problem.
    h.asUser((s) => {
      const funnel = s.getSheetByName('Funnel')!;
      funnel.deleteRows(height + 1, funnel.getMaxRows() - height);
    });
    let failures = 0;
    const answer = observingCalls(
      h,
      (key, self) => {
        if (key !== 'Range.setValues' || self.getSheet().getName() !== 'Funnel') return;
        failures += 1;
        throw new Error('Service Spreadsheets failed while accessing document.');
      },
      () => h.post(payload('contact-updated')),
    );
    expect(answer).toMatchObject({ ok: true, results: [{ action: 'appended' }] });
    expect(failures).toBe(1);
    expect(property(h, 'pipeline/funnelLayout').height).toBe(height);
    expect(h.runtime.peek('Funnel')!.maxRows).toBe(height);
    expect(String(h.rows('Webhook log')[1].Message)).toContain(
      'Pipeline not updated: Service Spreadsheets failed while accessing document.',
    );
  });
});

describe('rebuild', () => {
  /**
   * Four deliveries: a contact without email, another contact, a call booked under the first contact's email
   * (no phone), then the first contact with email and phone, which proves the first and third leads one.
   */
  function threeLeadsThenTwoJoined(): Harness {
    const h = startApp();
    const first = payload('contact-created');
    first[0].email = null;
    const other = payload('contact-created');
    Object.assign(other[0], { id: 7, email: 'someone.else@example.com', phoneNumber: '+1999999999', previewId: 'contact_other' });
    const call = payload('call-booked');
    call[0].invitee.text_reminder_number = null;
    for (const body of [first, other, call]) expect(h.post(body).ok).toBe(true);
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual([
      'id:5 phone:+1234567890',
      'email:someone.else@example.com id:7 phone:+1999999999',
      'email:zogiji@example.com',
    ]);
    expect(h.post(payload('contact-updated')).ok).toBe(true);
    // Merged into the topmost row of the two.
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual([
      'email:zogiji@example.com id:5 phone:+1234567890',
      'email:someone.else@example.com id:7 phone:+1999999999',
    ]);
    return h;
  }

  it('a resumed batch that merges two leads keeps the upper row, blanks the row left over, and ends as the live pipeline', () => {
    const h = threeLeadsThenTwoJoined();
    const live = h.fields('Pipeline');
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true, limit: 3 })).toMatchObject({
      done: false,
      processed: 3,
      leads: 3,
    });
    expect(h.fields('Pipeline')).toHaveLength(3);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { limit: 1 })).toMatchObject({ done: false, processed: 4, leads: 2 });
    // Row 4 held the third lead: its cells are blanked, so the sheet's content ends at row 3.
    expect(h.runtime.peek('Pipeline')!.values).toHaveLength(3);
    expect(h.fields('Pipeline')).toEqual(live);
    expect(h.app.call<any>('editor', 'rebuildPipeline', {})).toMatchObject({ done: true, leads: 2 });
    expect(h.fields('Pipeline')).toEqual(live);
  });
});

describe('rebuildPipeline', () => {
  const JOURNEY = ['contact-created', 'contact-updated', 'call-booked', 'call-rescheduled', 'outcome-added'];
  function journey(): Harness {
    const h = startApp();
    for (const file of JOURNEY) expect(h.post(payload(file)).ok).toBe(true);
    return h;
  }
  const rebuild = (h: Harness, options?: unknown) =>
    options === undefined ? h.app.call<any>('editor', 'rebuildPipeline') : h.app.call<any>('editor', 'rebuildPipeline', options);

  it('refuses a limit that is not a whole number of at least 1, and takes 1 and a numeric string', () => {
    const h = journey();
    for (const limit of [0, -3, 1.5, 'many', null]) {
      expect(() => rebuild(h, { restart: true, limit })).toThrow('limit must be a whole number of at least 1.');
    }
    expect(rebuild(h, { restart: true, limit: 1 })).toMatchObject({ done: false, processed: 1 });
    expect(rebuild(h, { limit: '2' })).toMatchObject({ done: false, processed: 3 });
  });

  it('says how far a batch got and what is left, then how many leads from how many rows; only the menu shows a toast', () => {
    const h = journey();
    // The Webhook log holds the five deliveries; the hook sheets hold one row each.
    const total = 5 + JOURNEY.length;
    const first = rebuild(h, { restart: true, limit: 2 });
    expect(first).toEqual({
      done: false,
      processed: 2,
      remaining: total - 2,
      leads: 1,
      message: `Rebuilding: 2 rows read, about ${total - 2} to go; run again to continue.`,
    });
    const second = rebuild(h, { limit: 4 });
    expect(second).toMatchObject({ done: false, processed: 6, remaining: total - 6 });
    expect(h.runtime.ui.toasts).toEqual([]);
    const last = rebuild(h, {});
    expect(last).toEqual({ done: true, processed: total, remaining: 0, leads: 1, message: `Rebuilt: 1 leads from ${total} rows.` });
    expect(h.runtime.ui.toasts).toEqual([]);
    const menu = rebuild(h);
    expect(menu).toEqual({ done: true, processed: total, remaining: 0, leads: 1, message: `Rebuilt: 1 leads from ${total} rows.` });
    expect(h.runtime.ui.toasts.map((t) => t.message)).toEqual([`Rebuilt: 1 leads from ${total} rows.`]);
  });

  it('from the menu resumes where a stopped rebuild left off, reading the Webhook log on from the next row', () => {
    const h = journey();
    expect(rebuild(h, { restart: true, limit: 2 })).toMatchObject({ done: false, processed: 2 });
    const logReads: number[] = [];
    const result = observingCalls(
      h,
      (key, range: GoogleAppsScript.Spreadsheet.Range) => {
        if (key === 'Range.getValues' && range.getSheet().getName() === 'Webhook log' && range.getRow() > 1) logReads.push(range.getRow());
      },
      () => rebuild(h),
    );
    expect(result).toMatchObject({ done: true, processed: 10, leads: 1 });
    expect(logReads).toEqual([4]);
  });

  it('from the menu with no rebuild under way starts over: a row typed into Pipeline by hand is gone', () => {
    const h = journey();
    h.asUser((s) => s.getSheetByName('Pipeline')!.appendRow(['Typed by hand']));
    expect(h.rows('Pipeline')).toHaveLength(2);
    expect(rebuild(h)).toMatchObject({ done: true, leads: 1 });
    expect(h.rows('Pipeline').map((r) => r.Name)).toEqual(['Raya Fleming']);
  });
});

describe('rebuild limits', () => {
  function journey(): Harness {
    const h = startApp();
    for (const file of ['contact-created', 'contact-updated', 'call-booked', 'call-rescheduled', 'outcome-added'])
      expect(h.post(payload(file)).ok).toBe(true);
    return h;
  }

  /** Runs a rebuild whose read of the Webhook log's rows takes `ms` of the clock. */
  function rebuildTaking(h: Harness, ms: number): any {
    return observingCalls(
      h,
      (key, range: GoogleAppsScript.Spreadsheet.Range) => {
        if (key === 'Range.getValues' && range.getSheet().getName() === 'Webhook log' && range.getRow() > 1 && range.getNumColumns() > 7)
          h.runtime.advanceTime(ms);
      },
      () => h.app.call<any>('editor', 'rebuildPipeline', { restart: true }),
    );
  }

  it('a batch reads no more rows than its limit, also when it goes on to the next sheet', () => {
    const h = journey();
    const another = payload('contact-created');
    Object.assign(another[0], { id: 9, email: 'nine@example.com', phoneNumber: '+1900000000', previewId: 'contact_9' });
    expect(h.post(another).ok).toBe(true);
    // The log holds six rows; the Contact created sheet two.
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true, limit: 5 })).toMatchObject({ done: false, processed: 5 });
    expect(h.app.call<any>('editor', 'rebuildPipeline', { limit: 2 })).toMatchObject({ done: false, processed: 7, remaining: 5 });
  });

  it('stops reading after four and a half minutes and says how much is left; under that it finishes in one call', () => {
    const h = journey();
    expect(rebuildTaking(h, 4 * 60 * 1000)).toMatchObject({ done: true, processed: 10, leads: 1 });
    expect(rebuildTaking(h, 4.5 * 60 * 1000 + 1)).toMatchObject({
      done: false,
      processed: 5,
      remaining: 5,
      message: 'Rebuilding: 5 rows read, about 5 to go; run again to continue.',
    });
  });

  it('starting over on a Pipeline whose grid ends at its last row keeps the header and rebuilds the row', () => {
    const h = journey();
    const live = h.fields('Pipeline');
    h.asUser((s) => {
      const sheet = s.getSheetByName('Pipeline')!;
      sheet.deleteRows(3, sheet.getMaxRows() - 2);
    });
    expect(h.runtime.peek('Pipeline')!.maxRows).toBe(2);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    expect(h.fields('Pipeline')).toEqual(live);
  });
});

describe('rebuild from the Webhook log', () => {
  const MINUTE = 60 * 1000;

  function contact(id: number, email: string, phone: string): any {
    const event = payload('contact-created')[0];
    return { ...event, id, email, phoneNumber: phone, previewId: `contact_${id}` };
  }

  /**
   * Deliveries more than six minutes after the oldest logged one: the rebuild takes them from the Webhook
   * log alone (their hook-sheet rows are skipped), so it must read each log row as doPost read its request.
   */
  function laterDeliveries(): Harness {
    const h = startApp();
    expect(h.saveSettings({ hooks: { contactUpdated: { mode: 'insert-if-new' } } })).toMatchObject({ ok: true });
    expect(h.post(payload('contact-created')).results[0].action).toBe('appended');
    h.runtime.advanceTime(10 * MINUTE);
    const form = `payload=${encodeURIComponent(JSON.stringify([contact(7, 'form@example.com', '+1700000000')]))}`;
    expect(h.post(form, { contentType: 'application/x-www-form-urlencoded' }).results[0].action).toBe('appended');
    // No hookType (the ?hook= parameter names the hook) and no time of its own: its lead is created when it was received.
    const untimed = contact(8, 'untimed@example.com', '+1800000000');
    for (const field of ['hookType', 'createdAt', 'updatedAt', 'joinedTime']) delete untimed[field];
    expect(h.post([untimed], { query: 'hook=contactCreated' }).results[0].action).toBe('appended');
    const update = (lastName: string, updatedAt: string) => ({ ...payload('contact-updated')[0], lastName, updatedAt });
    expect(h.post([update('Kept', '2025-05-10T10:00:00.000Z')]).results[0].action).toBe('appended');
    // Insert-if-new: a later version of the same contact is skipped, so the pipeline never saw it.
    expect(h.post([update('Skipped', '2025-05-11T10:00:00.000Z')]).results[0].action).toBe('skipped');
    h.runtime.advanceTime(24 * 60 * MINUTE);
    return h;
  }

  it('reads form-encoded bodies, routes by the logged hook, keeps arrival times and leaves out skipped events', () => {
    const h = laterDeliveries();
    const live = h.fields('Pipeline');
    expect(live.map((r) => [r['Contact id'], r.Name])).toEqual([
      [5, 'Raya Kept'],
      [7, 'Raya Fleming'],
      [8, 'Raya Fleming'],
    ]);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 3 });
    expect(h.fields('Pipeline')).toEqual(live);
  });

  it('takes updated and stale deliveries from the log, as the pipeline took them', () => {
    const h = startApp();
    expect(h.post(payload('contact-created')).ok).toBe(true);
    h.runtime.advanceTime(10 * MINUTE);
    const version = (updatedAt: string, createdAt: string, lastName: string) => [
      { ...payload('contact-updated')[0], updatedAt, createdAt, lastName },
    ];
    expect(h.post(version('2025-05-20T09:00:00.000Z', '2025-05-09T15:28:40.783Z', 'First')).results[0].action).toBe('appended');
    expect(h.post(version('2025-05-21T09:00:00.000Z', '2025-05-09T15:28:40.783Z', 'Second')).results[0].action).toBe('updated');
    expect(h.post(version('2025-05-12T09:00:00.000Z', '2025-05-01T08:00:00.000Z', 'Older')).results[0].action).toBe('stale');
    const live = h.fields('Pipeline');
    expect(live.map((r) => [r.Name, (r['Created at'] as Date).toISOString()])).toEqual([['Raya Second', '2025-05-01T08:00:00.000Z']]);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    expect(h.fields('Pipeline')).toEqual(live);
  });
});

describe('rebuild from the hook sheets', () => {
  const MINUTE = 60 * 1000;

  function contact(id: number, email: string, phone: string): any {
    const event = payload('contact-created')[0];
    return { ...event, id, email, phoneNumber: phone, previewId: `contact_${id}` };
  }

  /** Removes the Webhook log rows whose body holds `text`, as a user trimming the log by hand would. */
  function dropLogRows(h: Harness, text: string): void {
    h.asUser((s) => {
      const log = s.getSheetByName('Webhook log')!;
      const bodies = log
        .getRange(2, 9, log.getLastRow() - 1, 1)
        .getValues()
        .map((r) => String(r[0]));
      for (let i = bodies.length - 1; i >= 0; i -= 1) if (bodies[i].includes(text)) log.deleteRow(i + 2);
    });
  }

  /** A hook sheet's column (1-based) by header label. */
  const columnOf = (h: Harness, sheet: string, label: string): number => h.header(sheet).indexOf(label) + 1;

  it('a delivery gone from the log is rebuilt from its hook-sheet row when it came at most six minutes after the oldest logged one', () => {
    const h = startApp();
    // An event no hook takes: logged first, but it reached no hook sheet, so it is not the oldest written delivery.
    expect(h.post([{ hookType: 'Webinar registered', id: 1 }]).results[0].action).toBe('unrouted');
    h.runtime.advanceTime(20 * MINUTE);
    expect(h.post(payload('contact-created')).ok).toBe(true);
    h.runtime.advanceTime(5 * MINUTE);
    // No hookType in the body (the ?hook= parameter named the hook): its row is read as its sheet's only hook.
    const within = contact(7, 'within@dropped.example.com', '+1700000000');
    delete within.hookType;
    expect(h.post([within], { query: 'hook=contactCreated' }).results[0]).toMatchObject({ sheet: 'Contact created', action: 'appended' });
    h.runtime.advanceTime(2 * MINUTE);
    expect(h.post([contact(8, 'after@dropped.example.com', '+1800000000')]).ok).toBe(true);
    const live = h.fields('Pipeline');
    expect(live.map((r) => r['Contact id'])).toEqual([5, 7, 8]);
    // Contact 7's row says it arrived exactly six minutes after the oldest written delivery the log holds.
    h.asUser((s) => {
      const oldest = s.getSheetByName('Webhook log')!.getRange('A3').getValue() as Date;
      s.getSheetByName('Contact created')!
        .getRange(3, columnOf(h, 'Contact created', 'Received at'))
        .setValue(new Date(oldest.getTime() + 6 * MINUTE));
    });
    dropLogRows(h, '@dropped.example.com');
    expect(h.rows('Webhook log').map((r) => r.Outcome)).toEqual(['unrouted', 'appended']);
    // Contact 8 came seven minutes after it: the log should hold it, and the rebuild takes such rows from the log alone.
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 2 });
    expect(h.fields('Pipeline')).toEqual(live.slice(0, 2));
  });

  it('rows of a sheet two hooks share are read as the hook their hookType names', () => {
    const h = startApp();
    expect(h.saveSettings({ hooks: { contactUpdated: { sheet: 'Contact created' } } })).toMatchObject({ ok: true });
    expect(h.post(payload('contact-updated')).results[0]).toMatchObject({ sheet: 'Contact created', action: 'appended' });
    const live = h.fields('Pipeline');
    expect(live[0]).toMatchObject({ 'Contact id': 5, Status: 'Qualified', Name: 'Raya Fleming-Ortiz' });
    // A row of the shared sheet without hookType (the ?hook= parameter named the hook) could be either hook's: not taken.
    const unnamed = { ...contact(11, 'unnamed@dropped.example.com', '+1110000000') };
    delete unnamed.hookType;
    expect(h.post([unnamed], { query: 'hook=contactUpdated' }).results[0]).toMatchObject({ sheet: 'Contact created', action: 'appended' });
    expect(h.fields('Pipeline')).toHaveLength(2);
    // Every body here holds this address (the contact's answers): the log is emptied.
    dropLogRows(h, 'zogiji@example.com');
    expect(h.rows('Webhook log')).toEqual([]);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    expect(h.fields('Pipeline')).toEqual(live);
  });

  it('a hook-sheet row without a fingerprint is not taken, since its event cannot be told apart', () => {
    const h = startApp();
    expect(h.post(payload('contact-created')).ok).toBe(true);
    expect(h.post(payload('call-booked')).ok).toBe(true);
    dropLogRows(h, 'zogiji@example.com');
    h.asUser((s) => s.getSheetByName('Contact created')!.deleteColumn(columnOf(h, 'Contact created', 'Fingerprint')));
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    // Only the call's row counts: the lead has the invitee's keys, not the contact id.
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual(['email:zogiji@example.com phone:+1234567890']);
  });
  it('an event without a time of its own keeps the arrival time its row holds', () => {
    const h = startApp();
    const untimed = payload('contact-created');
    for (const field of ['createdAt', 'updatedAt', 'joinedTime']) delete untimed[0][field];
    expect(h.post(untimed).ok).toBe(true);
    const live = h.fields('Pipeline');
    dropLogRows(h, 'zogiji@example.com');
    h.runtime.advanceTime(24 * 60 * MINUTE);
    expect(h.app.call<any>('editor', 'rebuildPipeline', { restart: true })).toMatchObject({ done: true, leads: 1 });
    expect(h.fields('Pipeline')).toEqual(live);
  });
});

describe('the pipeline, delivery by delivery', () => {
  /** A contact-created event of another person: its own id, email and phone. */
  function otherContact(id: number, email: string, phone: string): any {
    return { ...payload('contact-created')[0], id, email, phoneNumber: phone, previewId: `contact_${id}` };
  }

  /**
   * Another person from UTM `source` (and `campaign`, when given); created at `createdAt` when given, since leads count
   * in the week and month they were created (the example's own date is in 2025).
   */
  function trackedContact(id: number, source: string, campaign?: string, createdAt?: number): any {
    const c = otherContact(id, `lead${id}@example.com`, `+49151000000${id}`);
    const campaigns = campaign === undefined ? {} : { utm_campaign: campaign, first_utm_campaign: campaign };
    return {
      ...c,
      ...(createdAt === undefined ? {} : { createdAt: new Date(createdAt).toISOString() }),
      tracking: { ...c.tracking, utm_source: source, first_utm_source: source, ...campaigns },
    };
  }

  /** One person on two Pipeline rows: a call known by email only, then the contact known by id and phone only. */
  function twoRowsOfOneLead(): Harness {
    const h = startApp();
    const call = payload('call-booked');
    call[0].invitee.text_reminder_number = null;
    h.post(call);
    const contact = payload('contact-created');
    contact[0].email = null;
    h.post(contact);
    expect(h.fields('Pipeline')).toHaveLength(2);
    return h;
  }

  it('a delivery that writes no event to a hook sheet adds no Pipeline sheet', () => {
    const h = startApp();
    const unknown = [{ ...payload('contact-created')[0], hookType: 'SOMETHING_NEW' }];
    expect(h.post(unknown)).toMatchObject({ ok: true, results: [{ action: 'unrouted' }] });
    expect(h.sheetNames()).not.toContain('Pipeline');
    expect(h.post(payload('contact-created')).ok).toBe(true);
    expect(h.sheetNames()).toContain('Pipeline');
  });

  it('a batch updates the row of a known lead in place, adds new leads below it, and counts both in the Funnel', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const batch = [...payload('contact-updated'), otherContact(6, 'ola@example.com', '+4915112345678')];
    expect(h.post(batch).results.map((r: any) => r.action)).toEqual(['appended', 'appended']);
    const rows = h.fields('Pipeline');
    expect(rows.map((r) => [r['Contact id'], r.Status])).toEqual([
      [5, 'Qualified'],
      [6, 'Potential'],
    ]);
    expect(property(h, 'pipeline/funnel')).not.toBeNull();
    const leads = funnelValues(h).find((r) => r[0] === 'Leads');
    expect(leads?.[1]).toBe(2);
  });

  it('a batch whose event proves two rows one lead merges them into the upper row, with the new leads around it right below', () => {
    const h = twoRowsOfOneLead();
    // One delivery: a new lead, the event that joins the two rows, another new lead.
    const batch = [
      otherContact(6, 'ola@example.com', '+4915112345678'),
      ...payload('outcome-added'),
      otherContact(7, 'kai@example.com', '+4915187654321'),
    ];
    expect(h.post(batch).ok).toBe(true);
    const rows = h.rows('Pipeline');
    expect(rows.map((r) => r['Contact id'])).toEqual([5, 6, 7]);
    expect(h.fields('Pipeline')[0]).toMatchObject({ Status: 'Sale', 'Lead keys': 'email:zogiji@example.com id:5 phone:+1234567890' });
  });

  it('a batch that goes event by event (one proves two rows one lead) writes each new lead on a row of its own, below an update in place', () => {
    const h = twoRowsOfOneLead();
    h.post([otherContact(8, 'lee@example.com', '+4915100000008')]);
    const leeUpdated = {
      ...payload('contact-updated')[0],
      id: 8,
      email: 'lee@example.com',
      phoneNumber: '+4915100000008',
      previewId: 'contact_8',
    };
    // A new lead, an update of the lead on the last row, another new lead, then the event that joins the first two rows.
    const batch = [
      otherContact(6, 'ola@example.com', '+4915112345678'),
      leeUpdated,
      otherContact(7, 'kai@example.com', '+4915187654321'),
      ...payload('outcome-added'),
    ];
    expect(h.post(batch).ok).toBe(true);
    expect(h.fields('Pipeline').map((r) => [r['Contact id'], r.Status])).toEqual([
      [5, 'Sale'],
      [8, 'Qualified'],
      [6, 'Potential'],
      [7, 'Potential'],
    ]);
  });

  it('a Funnel report shorter than the one before (a new week) leaves the rows below it blank', () => {
    const h = startApp({ virtualTime: true });
    h.runtime.setTime(Date.UTC(2026, 0, 7, 12, 0, 0)); // a Wednesday
    const fromSource = (id: number, source: string) => trackedContact(id, source, undefined, h.runtime.now());
    h.post([fromSource(11, 'google'), fromSource(12, 'bing'), fromSource(13, 'newsletter')]);
    const before = funnelValues(h);
    h.runtime.advanceTime(7 * 24 * 60 * 60 * 1000); // the next week: this week's breakdown has one source, not three
    h.post([fromSource(14, 'google')]);
    const after = funnelValues(h);
    expect(filledRows(after)).toBeLessThan(filledRows(before));
    const lastFilled = lastFilledRow(after);
    expect(lastFilled + 1).toBeLessThan(before.length);
    // Every row below the new report is blank, to the width of the old one.
    for (const row of after.slice(lastFilled + 1, before.length)) expect(row).toEqual(new Array(before[0].length).fill(''));
  });

  it('a Funnel report that grew without a new source, then shrank, leaves no line of the taller one behind', () => {
    const h = startApp({ virtualTime: true });
    h.runtime.setTime(Date.UTC(2026, 0, 7, 12, 0, 0)); // a Wednesday
    const fromCampaign = (id: number, campaign: string) => trackedContact(id, 'google', campaign, h.runtime.now());
    h.post([fromCampaign(11, 'spring')]);
    h.post([fromCampaign(12, 'summer')]); // one more campaign line in each period; the revenue rows stay
    const tallest = filledRows(funnelValues(h));
    h.runtime.advanceTime(7 * 24 * 60 * 60 * 1000); // next week: this week has one campaign again
    h.post([fromCampaign(13, 'spring')]);
    const after = funnelValues(h);
    expect(filledRows(after)).toBeLessThan(tallest);
    const lastFilled = lastFilledRow(after);
    expect(after.slice(lastFilled + 1).every((r) => r.every((v) => v === ''))).toBe(true);
    expect(after.filter((r) => String(r[0]).startsWith('This week') && r[2] === 'summer')).toEqual([]);
  });

  it('a batch whose every event proves two rows one lead merges them once', () => {
    const h = twoRowsOfOneLead();
    const again = { ...payload('outcome-added')[0], updatedAt: '2025-05-15T09:00:00.000Z', id: 'outcome-2' };
    expect(h.post([...payload('outcome-added'), again]).ok).toBe(true);
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual(['email:zogiji@example.com id:5 phone:+1234567890']);
  });

  it('an event that proves three rows one lead keeps the upper row and removes the two others, not the lead below them', () => {
    const h = startApp();
    const byEmail = payload('call-booked');
    byEmail[0].invitee.text_reminder_number = null; // email (and the call) only
    const byId = payload('contact-created');
    Object.assign(byId[0], { email: null, phoneNumber: null }); // id only
    const byPhone = payload('contact-created');
    Object.assign(byPhone[0], { id: null, email: null, previewId: 'contact_phone' }); // phone only
    for (const body of [byEmail, byId, byPhone, [otherContact(6, 'ola@example.com', '+4915112345678')]]) h.post(body);
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual([
      'email:zogiji@example.com',
      'id:5',
      'phone:+1234567890',
      'email:ola@example.com id:6 phone:+4915112345678',
    ]);
    h.post(payload('outcome-added')); // id, email and phone
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual([
      'email:zogiji@example.com id:5 phone:+1234567890',
      'email:ola@example.com id:6 phone:+4915112345678',
    ]);
    expect(h.fields('Pipeline')[0].Status).toBe('Sale');
  });

  it('a lead whose Lead state cell a user cleared restarts from its Lead keys cell, in place', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const stateCol = pipelineColumn(h, 'Lead state');
    h.asUser((s) => s.getSheetByName('Pipeline')!.getRange(2, stateCol).setValue(''));
    const byPhone = payload('outcome-added'); // only the phone: the other keys come from the row
    Object.assign(byPhone[0], { contactId: null, email: null, phoneNumber: '+1234567890' });
    expect(h.post(byPhone).ok).toBe(true);
    const rows = h.fields('Pipeline');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Outcome: 'Sale', 'Lead keys': 'email:zogiji@example.com id:5 phone:+1234567890' });
  });

  it('a Lead keys cell a user retyped with spaces around its keys, its state cleared: the lead restarts from those keys and no empty one', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const keysCol = pipelineColumn(h, 'Lead keys');
    h.asUser((s) => {
      const sheet = s.getSheetByName('Pipeline')!;
      sheet.getRange(2, pipelineColumn(h, 'Lead state')).setValue('');
      sheet.getRange(2, keysCol).setValue('  email:zogiji@example.com  id:5  phone:+1234567890 ');
    });
    const byPhone = payload('outcome-added');
    Object.assign(byPhone[0], { contactId: null, email: null, phoneNumber: '+1234567890' });
    expect(h.post(byPhone).ok).toBe(true);
    expect(h.fields('Pipeline').map((r) => r['Lead keys'])).toEqual(['email:zogiji@example.com id:5 phone:+1234567890']);
  });

  it('ids that differ only in case are two leads, and an event with no id, email or phone joins no lead', () => {
    const h = startApp();
    h.post([otherContact(5, 'first@example.com', '+4915100000001')].map((e) => ({ ...e, id: 'lead-Ab' })));
    h.post([otherContact(6, 'second@example.com', '+4915100000002')].map((e) => ({ ...e, id: 'lead-aB' })));
    h.post([{ ...otherContact(7, '', ''), id: null, email: null, phoneNumber: null, firstName: 'Nobody' }]);
    const rows = h.fields('Pipeline');
    expect(rows.filter((r) => String(r['Lead keys']).includes('lead-')).map((r) => r.Email)).toEqual([
      'first@example.com',
      'second@example.com',
    ]);
    expect(rows.filter((r) => r.Email === 'first@example.com' || r.Email === 'second@example.com').map((r) => r.Name)).not.toContain(
      'Nobody',
    );
  });

  it.each([
    ['without its buckets', { version: 1 }],
    ['with buckets that are not an object', { version: 1, buckets: 'week:2026-01-05' }],
  ])('a Funnel count stored %s starts the count again instead of failing the pipeline', (_label, stored) => {
    const h = startApp();
    setScriptProperty(h, 'pipeline/funnel', JSON.stringify(stored));
    expect(h.post(payload('contact-created')).ok).toBe(true);
    expect(String(h.rows('Webhook log')[0].Message)).not.toContain('Pipeline not updated');
    expect(funnelValues(h).find((r) => r[0] === 'Leads')?.[1]).toBe(1);
  });

  it("the revenue chart grows with a new source; a user's chart on the Funnel sheet keeps its range; a known source changes no chart and no stored layout", () => {
    const h = startApp();
    const fromSource = (id: number, source: string) => trackedContact(id, source);
    h.post([fromSource(11, 'google')]);
    h.asUser((s) => {
      const funnel = s.getSheetByName('Funnel')!;
      funnel.insertChart(funnel.newChart().asPieChart().addRange(funnel.getRange('M10:N12')).setPosition(40, 1, 0, 0).build());
    });
    const ranges = () =>
      h.asUser((s) =>
        s
          .getSheetByName('Funnel')!
          .getCharts()
          .map((c) => c.getRanges().map((r) => r.getA1Notation())),
      );
    const before = ranges();
    const chartCalls: string[] = [];
    const layoutWrites: string[] = [];
    observingCalls(
      h,
      (key, _self, args) => {
        if (key === 'Sheet.getCharts' || key === 'Sheet.updateChart') chartCalls.push(key);
        layoutWrites.push(...propertyKeysIn(key, args).filter((k) => k === 'pipeline/funnelLayout'));
      },
      () => {
        // The same source: the revenue table and the report keep their rows, so neither the charts nor the stored layout change.
        h.post([fromSource(12, 'google')]);
        expect(chartCalls).toEqual([]);
        expect(layoutWrites).toEqual([]);
        h.post([fromSource(13, 'newsletter')]); // a new source: one more row for the revenue chart
      },
    );
    expect(layoutWrites).toEqual(['pipeline/funnelLayout']);
    const after = ranges();
    expect(after[2]).toEqual(['M10:N12']);
    expect(after[1]).not.toEqual(before[1]);
    expect(after[1][0]).toMatch(/^M3:N\d+$/);
    expect(Number(after[1][0].split(':N')[1])).toBe(Number(before[1][0].split(':N')[1]) + 1);
  });

  it("a Funnel sheet whose layout was never stored (an earlier version's) and a user's chart without data take a new source without failing", () => {
    const h = startApp();
    const fromSource = (id: number, source: string) => trackedContact(id, source);
    h.post([fromSource(11, 'google')]);
    h.post([fromSource(12, 'bing')]);
    h.asUser((s) => {
      const funnel = s.getSheetByName('Funnel')!;
      funnel.insertChart(funnel.newChart().asPieChart().setPosition(40, 1, 0, 0).build());
    });
    h.post([fromSource(13, 'newsletter')]);
    setScriptProperty(h, 'pipeline/funnelLayout', null);
    h.post([fromSource(14, 'partner')]);
    expect(
      h
        .rows('Webhook log')
        .map((r) => String(r.Message))
        .filter((m) => m.includes('Pipeline not updated')),
    ).toEqual([]);
    expect(funnelValues(h).find((r) => r[0] === 'Leads')?.[1]).toBe(4);
  });

  it("an event reads only its own lead's row, not every row of the Pipeline sheet", () => {
    const h = startApp();
    h.post([11, 12, 13].map((id) => otherContact(id, `lead${id}@example.com`, `+49151000000${id}`)));
    const rowsRead: number[] = [];
    observingCalls(
      h,
      (key, self) => {
        if (key === 'Range.getValues' && self.getSheet().getName() === 'Pipeline' && self.getRow() >= 2) rowsRead.push(self.getRow());
      },
      () => h.post([{ ...otherContact(12, 'lead12@example.com', '+4915100000012'), firstName: 'Renamed' }]),
    );
    expect(rowsRead).toEqual([3]);
  });

  it('a new Funnel sheet gets its two charts, titled and without legends, and percent columns', () => {
    const h = startApp();
    h.post(payload('contact-created'));
    const charts = h.asUser((s) =>
      s
        .getSheetByName('Funnel')!
        .getCharts()
        .map((c) => [c.getOptions().get('title'), c.getOptions().get('legend')]),
    );
    expect(charts).toEqual([
      ['Funnel (all time)', { position: 'none' }],
      ['Revenue by source (all time)', { position: 'none' }],
    ]);
    expect(h.asUser((s) => s.getSheetByName('Funnel')!.getRange('I5:J5').getNumberFormat())).toBe('0.0%');
  });
});
