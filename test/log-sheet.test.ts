/** The Webhook log sheet (layout check, wide bodies, batch rows past the grid, the near-limit trim, replay reads), the daily capacity sample and the self-test's report. */
import * as vm from 'node:vm';
import { writtenText } from '../src/core/values';
import { APOSTROPHE_WORLDS, observingCalls, payload, propertyKeysIn, startApp, type Harness } from './helpers/harness';

const LOG = 'Webhook log';
const props = (h: Harness) => h.runtime.toJSON().properties.script;
const logRows = (h: Harness) => h.rows(LOG);
const grid = (h: Harness, sheet: string) => ({ rows: h.runtime.peek(sheet)!.maxRows, columns: h.runtime.peek(sheet)!.maxColumns });

/** Cells of every sheet's grid, as Google counts them toward the 10,000,000-cell limit. */
const cellsUsed = (h: Harness) => h.sheetNames().reduce((sum, n) => sum + grid(h, n).rows * grid(h, n).columns, 0);

function callBooked(uuid: string): any[] {
  const p = payload('call-booked');
  p[0].event.uuid = uuid;
  return p;
}

/** An error made in the script's realm, as a failing Apps Script service throws it (an `Error` to the script's `instanceof`). */
function scriptError(h: Harness, message: string): Error {
  return new (vm.runInContext('Error', h.app.context as vm.Context) as ErrorConstructor)(message);
}

/** Every call a delivery makes to a range of `sheet`, as "method A1". */
function rangeCallsOn(h: Harness, sheet: string, run: () => void): string[] {
  const seen: string[] = [];
  observingCalls(
    h,
    (key, self) => {
      if (key.startsWith('Range.') && self.getSheet().getName() === sheet) seen.push(`${key} ${self.getA1Notation()}`);
    },
    run,
  );
  return seen;
}

describe('the log layout is checked once', () => {
  it('setup run again keeps the log as it is', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const again = h.app.call<any>('editor', 'setupWebhook');
    expect(again.token).toBe(h.token);
    expect(h.header(LOG).slice(0, 9)).toEqual([
      'Received at',
      'Delivery id',
      'Hook',
      'Outcome',
      'Sheet',
      'Row',
      'Message',
      'Request',
      'Body',
    ]);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended']);
  });

  it('the first delivery records layout version 2; the next reads no log cell', () => {
    const h = startApp();
    h.post(callBooked('a'));
    expect(props(h)['log.layout']).toBe('2');
    h.runtime.calls.reset();
    expect(rangeCallsOn(h, LOG, () => h.post(callBooked('b')))).toEqual([]);
    expect(h.runtime.calls.byMethod['Properties.setProperty'] ?? 0).toBe(0);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended', 'appended']);
  });

  it('a log an earlier run recorded as version 2 is not read again', () => {
    const h = startApp();
    h.asUser(() => scriptProperties(h).setProperty('log.layout', '2'));
    expect(rangeCallsOn(h, LOG, () => h.post(callBooked('a')))).toEqual([]);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended']);
  });
});

function scriptProperties(h: Harness): GoogleAppsScript.Properties.Properties {
  return (h.runtime.globals().PropertiesService as GoogleAppsScript.Properties.PropertiesService).getScriptProperties();
}

describe('the self-test', () => {
  it('runs each case on a scratch sheet named iclosed-selftest- and 8 hex digits, and removes every one', () => {
    const h = startApp();
    const before = h.sheetNames();
    const scratch: string[] = [];
    const report = observingCalls(
      h,
      (key, _self, args) => {
        if (key === 'Spreadsheet.insertSheet') scratch.push(String(args[0]));
      },
      () => h.app.call<any>('editor', 'runSelfTest'),
    );
    expect(scratch).toHaveLength(report.cases.length);
    for (const name of scratch) expect(name).toMatch(/^iclosed-selftest-[0-9a-f]{8}$/);
    expect(new Set(scratch).size).toBe(scratch.length);
    expect(h.sheetNames()).toEqual(before);
  });

  it('a passing case has no message; an informational case has no risk; a failing one says what it got', () => {
    const h = startApp({ keepApostropheInPlainText: true });
    const report = h.app.call<any>('editor', 'runSelfTest');
    const failing = report.cases.filter((c: any) => !c.ok);
    expect(failing).toEqual([
      {
        name: 'a Plain-text (@) cell does not give a leading apostrophe back',
        source: expect.stringContaining('keepApostropheInPlainText'),
        required: false,
        risk: '',
        ok: false,
        message: `"'00123" in a text cell: expected "00123", got "'00123"`,
      },
    ]);
    for (const c of report.cases.filter((x: any) => x.ok)) expect(c.message).toBe('');
    for (const c of report.cases.filter((x: any) => !x.required)) expect(c.risk).toBe('');
    expect(report.informational).toEqual({ passed: report.cases.filter((c: any) => !c.required).length - 1, failed: 1 });
    expect(report.safe).toBe(true);
  });
});

describe('the daily capacity sample', () => {
  it("the sidebar takes a fresh sample: a sheet added since the day's first delivery counts at once", () => {
    const h = startApp();
    h.post(callBooked('a'));
    h.asUser((ss) => ss.insertSheet('Archive'));
    const state = h.app.call<any>('editor', 'getSidebarState');
    expect(state.cells.forecast.used).toBe(cellsUsed(h));
    expect(state.cells.used).toBe(cellsUsed(h));
    expect(JSON.parse(props(h)['capacity/history']).names).toContain('Archive');
  });

  it('a sample that fails is logged and never reaches the delivery', () => {
    const h = startApp();
    h.post(callBooked('a'));
    const history = props(h)['capacity/history'];
    h.runtime.advanceTime(24 * 60 * 60 * 1000);
    const answer = observingCalls(
      h,
      (key) => {
        if (key === 'Spreadsheet.getSheets') throw scriptError(h, 'Service Spreadsheets timed out while accessing document');
      },
      () => h.post(callBooked('b')),
    );
    expect(answer.ok).toBe(true);
    expect(answer.results.map((r: any) => r.action)).toEqual(['appended']);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended', 'appended']);
    expect(props(h)['capacity/history']).toBe(history);
    expect(h.runtime.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'Capacity sample not taken: Service Spreadsheets timed out while accessing document',
    ]);
  });
});

describe('bodies wider than the log', () => {
  it('a body over the cap keeps its first 2,000,000 characters over 45 cells, says so, and the log widens to exactly fit', () => {
    const h = startApp();
    const huge = 'x'.repeat(2_000_001);
    h.runtime.calls.reset();
    const first = h.postRaw(huge, { contentType: 'text/plain' });
    expect(JSON.parse(first.body).error.code).toBe('body_too_large');
    // The app widens the log itself (one call) rather than count on appendRow widening a grid, which no source confirms.
    expect(h.runtime.calls.byMethod['Sheet.insertColumnsAfter']).toBe(1);
    expect(grid(h, LOG).columns).toBe(8 + 45);
    const row = h.runtime.peek(LOG)!.values[1];
    expect(row[3]).toBe('failed');
    expect(row[6]).toBe(
      'body_too_large: The body has 2000001 characters; at most 2000000 are accepted. The log keeps the first 2000000 of 2000001 characters.',
    );
    expect(row.slice(8).join('')).toBe('x'.repeat(2_000_000));
    // As wide again, then narrower but still past 26 columns: the log keeps its width and takes both rows.
    h.postRaw(huge, { contentType: 'text/plain' });
    h.postRaw('y'.repeat(1_000_000), { contentType: 'text/plain' });
    expect(grid(h, LOG).columns).toBe(53);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(h.runtime.peek(LOG)!.values[3].slice(8).join('')).toBe('y'.repeat(1_000_000));
    expect(Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'))).toEqual([]);
  });
});

describe.each(APOSTROPHE_WORLDS)('body cells and apostrophes (%s)', (_world, world) => {
  /** The logged body of the log's first row, read as replay reads it: each cell without the guard it was written with. */
  const bodyCells = (h: Harness) => (h.runtime.peek(LOG)!.values[1].slice(8) as unknown[]).map(String);
  const loggedBody = (h: Harness) => bodyCells(h).map(writtenText).join('');
  const cellLengths = (h: Harness) =>
    bodyCells(h)
      .map((c) => c.length)
      .filter(Boolean);

  it('a run of apostrophes across a cell boundary moves the boundary past it, so no later cell starts with one', () => {
    const h = startApp(world);
    // Runs of 20 apostrophes around characters 45,000 and 90,010, each followed by text a cell would parse.
    const body = 'x'.repeat(44_990) + "'".repeat(20) + '=' + 'y'.repeat(44_980) + "'".repeat(20) + '+1' + 'z'.repeat(1000);
    h.postRaw(body, { contentType: 'text/plain' });
    expect(logRows(h)[0].Outcome).toBe('failed');
    expect(cellLengths(h)).toEqual([45_010, 45_001, 1002]);
    expect(loggedBody(h)).toBe(body);
  });

  it('a body of apostrophes only is cut into cells that fit, the first taking at most 4,000 past its 45,000', () => {
    const h = startApp(world);
    h.postRaw("'".repeat(60_000), { contentType: 'text/plain' });
    expect(logRows(h)[0].Outcome).toBe('failed');
    expect(Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'))).toEqual([]);
    // The second cell has to start with an apostrophe (values.ts writtenText: such a cell reads back ambiguously).
    expect(cellLengths(h)).toEqual([49_000, 11_000]);
  });

  it('an empty body is logged with an empty Body cell', () => {
    const h = startApp(world);
    h.postRaw('', { contentType: 'application/json' });
    expect(logRows(h)).toHaveLength(1);
    expect(logRows(h)[0].Outcome).toBe('failed');
    expect(loggedBody(h)).toBe('');
  });
});

/** Deliveries that found the lock busy, written by the queue trigger as one batch. */
function postBatch(h: Harness, bodies: unknown[]): void {
  const release = h.runtime.holdScriptLock();
  for (const body of bodies) expect(h.post(body).results[0].action).toBe('queued');
  release();
  expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: bodies.length, remaining: 0 });
}

/** The user removes the log's rows below `keep` (a sheet keeps at least one row below its frozen header). */
function cutLogRows(h: Harness, keep: number): void {
  h.asUser((ss) => {
    const log = ss.getSheetByName(LOG)!;
    log.deleteRows(keep + 1, log.getMaxRows() - keep);
  });
}

describe('a batch of log rows', () => {
  it("past the grid's last row: the log grows by the rows it needs plus 200 spare, and takes every row in one write", () => {
    const h = startApp();
    h.post(callBooked('a'));
    cutLogRows(h, 2);
    expect(grid(h, LOG).rows).toBe(2);
    h.runtime.calls.reset();
    postBatch(h, [callBooked('b'), callBooked('c'), callBooked('d')]);
    expect(grid(h, LOG).rows).toBe(5 + 200);
    expect(h.runtime.calls.byMethod['Sheet.appendRow'] ?? 0).toBe(0);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended', 'appended', 'appended', 'appended']);
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it("with a short body beside one of two cells: one write for the batch, the short row's second body cell blank", () => {
    const h = startApp();
    const wide = 'w'.repeat(50_000);
    const calls = rangeCallsOn(h, LOG, () => postBatch(h, [callBooked('b'), wide]));
    expect(calls.filter((c) => c.startsWith('Range.setValues'))).toEqual(['Range.setValues A2:J3']);
    const values = h.runtime.peek(LOG)!.values;
    expect(values[1].slice(8, 10)).toEqual([expect.stringContaining('"uuid":"b"'), '']);
    expect(values[2].slice(8).join('')).toBe(wide);
  });

  it('that fails inside the grid (a log narrower than a body) adds no rows: each row is written on its own', () => {
    const h = startApp();
    h.post(callBooked('a'));
    cutLogRows(h, 4);
    h.asUser((ss) => ss.getSheetByName(LOG)!.deleteColumns(10, 17));
    expect(grid(h, LOG)).toEqual({ rows: 4, columns: 9 });
    const wide = 'w'.repeat(50_000);
    postBatch(h, [callBooked('b'), wide]);
    expect(grid(h, LOG).rows).toBe(4);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended', 'appended', 'failed']);
    expect(h.runtime.peek(LOG)!.values[3].slice(8).join('')).toBe(wide);
  });
});

describe('near the cell limit', () => {
  it('a delivery that grows a grid trims the log to its 500 newest successful rows and warns in its own log row', () => {
    const h = startApp();
    h.post(callBooked('a'));
    h.asUser((ss) => {
      const log = ss.getSheetByName(LOG)!;
      const old = Array.from({ length: 600 }, (_, i) => [
        new Date(0),
        `old-${i}`,
        'Call booked',
        'appended',
        'Call booked',
        '2',
        '',
        'application/json',
        '[]',
      ]);
      log.getRange(3, 1, old.length, 9).setValues(old);
      const filler = ss.insertSheet('Archive');
      filler.insertRowsAfter(filler.getMaxRows(), Math.floor((9_500_000 - cellsUsed(h)) / filler.getMaxColumns()));
    });
    expect(logRows(h)).toHaveLength(601);
    const answer = h.post(payload('contact-created')); // a new hook sheet: the grid grew
    expect(answer.ok).toBe(true);
    const rows = logRows(h);
    expect(rows).toHaveLength(501);
    expect(rows[0]['Delivery id']).toBe('old-100');
    const warning = `The spreadsheet uses ${cellsUsed(h).toLocaleString('en-US')} of Google's 10,000,000 cells. Delete or archive old rows or unused sheets: writes that would pass the limit fail (and stay replayable in the Webhook log).`;
    expect(rows[500].Message).toBe(`1 appended ${warning}`);
  });
});

/** A call-booked body without its hookType: the log keeps it as unrouted, and the user names its hook in the Hook cell. */
function unroutedThenNamed(h: Harness, uuid: string): void {
  const body = callBooked(uuid);
  delete body[0].hookType;
  expect(h.post(body).results[0].action).toBe('unrouted');
  h.asUser((ss) => ss.getSheetByName(LOG)!.getRange(2, 3).setValue('Call booked'));
}

describe('replay reads the log as the user left it', () => {
  it('with nothing below the header, there is nothing to replay', () => {
    const h = startApp();
    expect(h.app.call<any>('editor', 'replayDeliveries', {})).toMatchObject({ replayed: 0, remaining: 0 });
  });

  it("names each hook of a delivery once in the log's Hook cell", () => {
    const h = startApp();
    h.post([...callBooked('h1'), ...callBooked('h2')]);
    h.post([...callBooked('h3'), ...payload('contact-created')]);
    const hooks = logRows(h).map((r) => String(r.Hook));
    expect(hooks[0]).not.toContain(',');
    expect(hooks[1].split(', ')).toHaveLength(2);
  });

  it('a pass over many rows reads the script properties once, under the lock, not again for each row', () => {
    const h = startApp();
    const n = 12;
    for (let i = 0; i < n; i += 1) {
      const body = callBooked(`p${i}`);
      delete body[0].hookType;
      h.post(body);
    }
    h.asUser((ss) =>
      ss
        .getSheetByName(LOG)!
        .getRange(2, 3, n, 1)
        .setValues(Array.from({ length: n }, () => ['Call booked'])),
    );
    let reads = 0;
    const replayed = observingCalls(
      h,
      (key) => {
        if (key === 'Properties.getProperties' || key === 'Properties.getProperty') reads += 1;
      },
      () => h.app.call<any>('editor', 'replayDeliveries', {}),
    );
    expect(replayed).toMatchObject({ replayed: n, remaining: 0 });
    expect(reads).toBe(1);
    expect(h.rows('Call booked')).toHaveLength(n);
    expect(h.rows('Pipeline')).toHaveLength(1); // the twelve calls are one person's
  });

  it('when the log cannot be opened again to mark a replayed row, the row stays the record: nothing is kept a second time in script properties', () => {
    const h = startApp();
    unroutedThenNamed(h, 'r1');
    let opens = 0;
    const replayed = observingCalls(
      h,
      (key, _self, args) => {
        // The replay opens the log once to read it; the second look (to mark the row) fails.
        if (key === 'Spreadsheet.getSheetByName' && args[0] === LOG && ++opens === 2)
          throw scriptError(h, 'Service Spreadsheets timed out');
      },
      () => h.app.call<any>('editor', 'replayDeliveries', {}),
    );
    expect(replayed).toMatchObject({ replayed: 1, outcomes: ['appended'] });
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['r1']);
    expect(Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'))).toEqual([]);
    expect(logRows(h)).toHaveLength(1);
  });

  it('with the Body header renamed, the body is still read from its column', () => {
    const h = startApp();
    unroutedThenNamed(h, 'r1');
    h.asUser((ss) => ss.getSheetByName(LOG)!.getRange(1, 9).setValue('Raw body'));
    expect(h.app.call<any>('editor', 'replayDeliveries', {})).toEqual({ replayed: 1, remaining: 0, lastRow: 2, outcomes: ['appended'] });
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['r1']);
    expect(logRows(h)[0].Outcome).toBe('appended');
  });

  it('when the replayed row cannot be updated, the replay still reports what it wrote; the row stays replayable', () => {
    const h = startApp();
    unroutedThenNamed(h, 'r2');
    const result = observingCalls(
      h,
      (key, self, args) => {
        if (key === 'Sheet.getRange' && self.getName() === LOG && args[1] === 4 && args[3] === 4) {
          throw scriptError(h, 'Service Spreadsheets failed while accessing document');
        }
      },
      () => h.app.call<any>('editor', 'replayDeliveries', {}),
    );
    expect(result).toEqual({ replayed: 1, remaining: 0, lastRow: 2, outcomes: ['appended'] });
    expect(h.rows('Call booked').map((r) => r['Call id'])).toEqual(['r2']);
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['unrouted']);
  });

  it('a delivery kept in script properties by a version without the query gets a log row whose Request is its content type', () => {
    const h = startApp();
    const delivery = {
      id: 'old-1',
      receivedAt: Date.UTC(2025, 0, 2),
      contents: JSON.stringify(callBooked('q1')),
      contentType: 'application/json',
      parameter: {},
    };
    h.asUser(() => scriptProperties(h).setProperty('unlogged/000001735776000000-000001-old-1', JSON.stringify(delivery)));
    expect(h.app.call<any>('editor', 'replayDeliveries', {})).toEqual({ replayed: 1, remaining: 0, lastRow: 0, outcomes: ['appended'] });
    const [row] = logRows(h);
    expect(row.Request).toBe('application/json');
    expect(row['Delivery id']).toBe('old-1');
    expect(Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'))).toEqual([]);
  });
});

describe('trimming the log', () => {
  it('deletes the oldest successful rows beyond the retention, each run of adjacent rows at once, and keeps every replayable row', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 2 })).toMatchObject({ ok: true });
    for (const body of [callBooked('a'), callBooked('b'), 'not json', callBooked('c'), callBooked('d'), callBooked('e')]) h.post(body);
    h.post([{ hookType: 'Mystery hook', id: 1 }]);
    h.post(callBooked('f'));
    h.runtime.calls.reset();
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 0, remaining: 0 });
    expect(h.runtime.calls.byMethod['Sheet.deleteRows']).toBe(2);
    expect(logRows(h).map((r) => [r.Outcome, r.Row])).toEqual([
      ['failed', ''],
      ['appended', '6'],
      ['unrouted', '2'],
      ['appended', '7'],
    ]);
  });

  it('deletes nothing while the successful rows are fewer than the retention', () => {
    const h = startApp();
    expect(h.saveSettings({ logRetention: 5 })).toMatchObject({ ok: true });
    for (const body of [callBooked('a'), 'not json', callBooked('b'), callBooked('c'), callBooked('d')]) h.post(body);
    h.runtime.calls.reset();
    expect(h.app.call<any>('trigger', 'processQueue')).toEqual({ written: 0, remaining: 0 });
    expect(h.runtime.calls.byMethod['Sheet.deleteRows']).toBeUndefined();
    expect(logRows(h).map((r) => r.Outcome)).toEqual(['appended', 'failed', 'appended', 'appended', 'appended']);
  });
});

describe('a log that cannot take a row', () => {
  /** One delivery logged, the log cut to its rows, and an Archive sheet filling the workbook to the 10,000,000-cell limit. */
  function logAtTheCellLimit(): Harness {
    const h = startApp();
    h.post(callBooked('a'));
    cutLogRows(h, 2);
    h.asUser((ss) => {
      const filler = ss.insertSheet('Archive');
      filler.insertRowsAfter(filler.getMaxRows(), Math.floor((10_000_000 - cellsUsed(h)) / filler.getMaxColumns()));
    });
    return h;
  }

  it('nor the script properties: the sender is told the delivery was not kept, and why', () => {
    const h = logAtTheCellLimit();
    const answer = observingCalls(
      h,
      (key, _self, args) => {
        if (propertyKeysIn(key, args).some((k) => k.startsWith('unlogged/'))) throw scriptError(h, 'Property storage quota exceeded.');
      },
      () => h.post(callBooked('b')),
    );
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe('not_kept');
    expect(answer.error.message).toContain('; script properties: Property storage quota exceeded.');
  });

  it('the delivery waits under unlogged/<receipt time, 15 digits>-<count, 6 digits>-<id> and the execution log says why', () => {
    const h = logAtTheCellLimit();
    const answer = h.post(callBooked('b'));
    expect(answer.ok).toBe(true);
    // The delivery is longer than a property value holds: it waits in two chunks under one key.
    const keys = Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'));
    const base = keys[0].replace(/#0$/, '');
    expect(keys).toEqual([`${base}#0`, `${base}#1`]);
    const receivedAt = String(JSON.parse(props(h)[keys[0]] + props(h)[keys[1]]).receivedAt);
    expect(base).toMatch(new RegExp(`^unlogged/${receivedAt.padStart(15, '0')}-\\d{6}-[0-9a-f-]{36}$`));
    expect(h.runtime.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'Could not write the Webhook log: This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
    ]);
    h.asUser((ss) => ss.deleteSheet(ss.getSheetByName('Archive')!));
    expect(h.app.call<any>('editor', 'replayDeliveries', {})).toMatchObject({ replayed: 1, remaining: 0 });
    expect(logRows(h)).toHaveLength(2);
    expect(Object.keys(props(h)).filter((k) => k.startsWith('unlogged/'))).toEqual([]);
  });
});
