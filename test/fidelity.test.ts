/** Fidelity of the local Apps Script runtime: the in-sheet FIDELITY_CASES plus local-only rules. */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { LocalRuntime, type RuntimeOptions } from '../local/runtime';
import { FIDELITY_CASES } from '../src/selftest/fidelity-cases';
import { removeTempDirs, tempDir } from './helpers/temp';

type G = Record<string, any>;

/** Install a runtime's globals on globalThis (console excluded: jest owns it) for code written against globals. */
function installGlobals(rt: LocalRuntime): G {
  const g = rt.globals();
  for (const [k, v] of Object.entries(g)) if (k !== 'console') (globalThis as G)[k] = v;
  return g;
}

function setup(opts?: RuntimeOptions): {
  rt: LocalRuntime;
  g: G;
  ss: GoogleAppsScript.Spreadsheet.Spreadsheet;
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
} {
  const rt = new LocalRuntime(opts);
  const g = installGlobals(rt);
  const ss = rt.createSpreadsheet('Book');
  return { rt, g, ss, sheet: ss.getSheets()[0] };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('in-sheet fidelity cases on the local runtime', () => {
  test.each(FIDELITY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { sheet } = setup({ timeZone: 'America/New_York' });
    c.run(sheet);
  });
  test('every case names a source', () => {
    for (const c of FIDELITY_CASES) expect(c.source.length).toBeGreaterThan(5);
  });
});

describe('a Plain-text (@) cell that keeps its leading apostrophe (keepApostropheInPlainText)', () => {
  test('the switch keeps the apostrophe in "@" cells only, for getValues, display and TextFinder', () => {
    const { sheet } = setup({ keepApostropheInPlainText: true });
    sheet.getRange(1, 1).setNumberFormat('@');
    sheet.getRange(1, 1, 1, 2).setValues([["'00123", "'00123"]]);
    sheet.getRange(2, 1).setValue("'7");
    sheet.appendRow(["'8"]);
    expect(sheet.getRange(1, 1, 1, 2).getValues()[0]).toEqual(["'00123", '00123']);
    expect(sheet.getRange(1, 1).getDisplayValue()).toBe("'00123");
    expect(sheet.getRange(2, 1).getValue()).toBe('7');
    expect(
      sheet
        .createTextFinder("^'00123$")
        .useRegularExpression(true)
        .findAll()
        .map((r) => r.getA1Notation()),
    ).toEqual(['A1']);
  });
  test('without the switch the apostrophe is dropped in "@" cells too', () => {
    const { sheet } = setup();
    sheet.getRange(1, 1).setNumberFormat('@');
    sheet.getRange(1, 1).setValues([["'00123"]]);
    expect(sheet.getRange(1, 1).getValue()).toBe('00123');
  });
  test('every required in-sheet case passes in that world; the informational apostrophe case reports the difference', () => {
    const failed: string[] = [];
    for (const c of FIDELITY_CASES) {
      const { sheet } = setup({ timeZone: 'America/New_York', keepApostropheInPlainText: true });
      try {
        c.run(sheet);
      } catch {
        failed.push(c.name);
      }
    }
    expect(failed).toEqual(['a Plain-text (@) cell does not give a leading apostrophe back']);
    expect(FIDELITY_CASES.find((c) => c.name === failed[0])!.required).toBe(false);
  });
});

describe('SpreadsheetApp and sheets', () => {
  test('openById of an unknown id fails with the platform message', () => {
    const { g } = setup();
    const e = thrown(() => g.SpreadsheetApp.openById('nope'));
    expect(e.message).toBe('Unexpected error while getting the method or property openById on object SpreadsheetApp.');
    expect(String(e)).toBe('Exception: Unexpected error while getting the method or property openById on object SpreadsheetApp.');
  });
  test('openById, getUrl, getSheetByName, insertSheet/deleteSheet, getIndex, getParent', () => {
    const { g, ss } = setup();
    const opened = g.SpreadsheetApp.openById(ss.getId());
    expect(opened.getName()).toBe('Book');
    expect(opened.getUrl()).toBe(`https://docs.google.com/spreadsheets/d/${ss.getId()}/edit`);
    expect(opened.getSheetByName('Missing')).toBeNull();
    const s2 = ss.insertSheet('Data');
    expect(s2.getMaxRows()).toBe(1000);
    expect(s2.getMaxColumns()).toBe(26);
    expect(s2.getIndex()).toBe(2);
    expect(s2.getParent().getId()).toBe(ss.getId());
    expect(ss.getSheetByName('Data')!.getSheetId()).toBe(s2.getSheetId());
    expect(thrown(() => ss.insertSheet('Data')).message).toBe('A sheet with the name "Data" already exists. Please enter another name.');
    ss.deleteSheet(s2);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Sheet1']);
    expect(thrown(() => ss.deleteSheet(ss.getSheets()[0])).message).toMatch(/can't remove all the sheets/);
  });
  test('setValues rejects objects and functions [UNCONFIRMED: stricter than the platform may be]', () => {
    const { sheet } = setup();
    expect(() => sheet.getRange(1, 1).setValues([[{ a: 1 }]])).toThrow(/cell value/);
    expect(() => sheet.getRange(1, 1).setValue(() => 1)).toThrow(/cell value/);
    expect(sheet.getRange(1, 1).getValue()).toBe('');
  });
  test('setValues is all-or-nothing when one value is refused', () => {
    const { sheet } = setup();
    expect(() => sheet.getRange(1, 1, 1, 2).setValues([['ok', 'x'.repeat(50001)]])).toThrow(/50000 characters/);
    expect(sheet.getRange(1, 1).getValue()).toBe('');
  });
  test('appendRow enforces the 50,000-character limit too', () => {
    const { sheet } = setup();
    expect(() => sheet.appendRow(['x'.repeat(50001)])).toThrow(
      'Your input contains more than the maximum of 50000 characters in a single cell.',
    );
  });
  test('getRange argument checks and A1 errors', () => {
    const { sheet } = setup();
    expect(() => sheet.getRange(0, 1)).toThrow('The starting row of the range is too small.');
    expect(() => sheet.getRange(1, 0)).toThrow('The starting column of the range is too small.');
    expect(() => sheet.getRange(1, 1, 0, 1)).toThrow('The number of rows in the range must be at least 1.');
    expect(() => sheet.getRange('??')).toThrow('Range not found');
    expect(() => sheet.getRange('A1:A1001')).toThrow('The coordinates of the range are outside the dimensions of the sheet.');
    expect(sheet.getRange('B:B').getA1Notation()).toBe('B:B');
    expect(sheet.getRange('A2:C').getNumRows()).toBe(999);
  });
  test('formulas: arithmetic evaluated; anything else is an error value, noted as a local limitation', () => {
    const { sheet } = setup();
    const r = sheet.getRange(1, 1, 1, 4);
    r.setValues([['=(1+2)*3', '=SUM(1,2)', '=1/0', '=1+']]);
    expect(r.getValues()[0]).toEqual([9, '#NAME?', '#DIV/0!', '#ERROR!']);
    expect(r.getFormulas()[0]).toEqual(['=(1+2)*3', '=SUM(1,2)', '=1/0', '=1+']);
    r.setValues([['plain', 1, 2, 3]]);
    expect(r.getFormulas()[0]).toEqual(['', '', '', '']);
  });
  test('typed input sets an implied number format only on unformatted cells', () => {
    const { sheet } = setup();
    sheet.getRange(1, 1).setValue('50%');
    expect(sheet.getRange(1, 1).getDisplayValue()).toBe('50%');
    expect(sheet.getRange(2, 1).getNumberFormat()).toBe('0.###############');
    sheet.getRange(2, 1).setNumberFormat('0.00').setValue('50%');
    expect(sheet.getRange(2, 1).getDisplayValue()).toBe('0.50');
  });
  test('date text is interpreted in the spreadsheet time zone', () => {
    const { sheet } = setup({ timeZone: 'Asia/Tokyo' });
    sheet.getRange(1, 1).setValue('2025-05-09');
    expect((sheet.getRange(1, 1).getValue() as Date).toISOString()).toBe('2025-05-08T15:00:00.000Z');
    sheet.getRange(1, 1).setValue('12:30');
    expect((sheet.getRange(1, 1).getValue() as Date).getTime()).toBe(Date.UTC(1899, 11, 30, 3, 30) - 0);
  });
  test('Range.sort, sort order (numbers, text, booleans, blanks last) and formulas moving with rows', () => {
    const { sheet } = setup();
    sheet.getRange(1, 1, 5, 2).setValues([
      ['b', '=1+1'],
      [true, 'x'],
      [3, 'y'],
      ['', 'z'],
      ['A', 'w'],
    ]);
    sheet.getRange(1, 1, 5, 2).sort(1);
    expect(
      sheet
        .getRange(1, 1, 5, 1)
        .getValues()
        .map((r) => r[0]),
    ).toEqual([3, 'A', 'b', true, '']);
    expect(sheet.getRange(3, 2).getFormula()).toBe('=1+1');
  });
  test('user edits: insertRowBefore, insertColumnsAfter, deleteRows, frozen rows, hideColumns, widths, styles', () => {
    const { sheet } = setup();
    sheet.getRange(1, 1, 2, 2).setValues([
      ['h1', 'h2'],
      ['=1+1', 'x'],
    ]);
    sheet.setFrozenRows(1);
    sheet.insertRowBefore(2);
    expect(sheet.getRange(3, 1).getFormula()).toBe('=1+1');
    sheet.insertColumnsAfter(1, 2);
    expect(sheet.getRange(1, 4).getValue()).toBe('h2');
    expect(sheet.getMaxColumns()).toBe(28);
    sheet.deleteRows(2, 1);
    expect(sheet.getRange(2, 1).getValue()).toBe(2);
    expect(() => sheet.deleteRows(1000, 5)).toThrow('Those rows are out of bounds.');
    expect(sheet.getFrozenRows()).toBe(1);
    sheet.hideColumns(2, 2);
    expect(sheet.isColumnHiddenByUser(3)).toBe(true);
    sheet.setColumnWidth(1, 250);
    expect(sheet.getColumnWidth(1)).toBe(250);
    sheet.getRange(1, 1, 1, 2).setFontWeight('bold').setBackground('#eeeeee');
    expect(sheet.getRange(1, 1, 1, 2).getFontWeights()).toEqual([['bold', 'bold']]);
    expect(sheet.getRange(1, 2).getBackground()).toBe('#eeeeee');
  });
  test('a 100,000 x 40 grid is comfortable; TextFinder over it is one call and reads no cells', () => {
    const { rt, sheet } = setup();
    sheet.insertRowsAfter(1000, 99000);
    sheet.insertColumnsAfter(26, 14);
    const rows = Array.from({ length: 100000 }, (_, i) =>
      Array.from({ length: 40 }, (_x, j) => (j === 0 ? `id-${i}` : j === 1 ? i : `v${j}`)),
    );
    const t0 = Date.now();
    sheet.getRange(1, 1, 100000, 40).setValues(rows);
    const tWrite = Date.now() - t0;
    expect(sheet.getLastRow()).toBe(100000);
    rt.calls.reset();
    const t1 = Date.now();
    const hit = sheet.getRange(1, 1, 100000, 1).createTextFinder('id-99999').matchEntireCell(true).findNext();
    const tFind = Date.now() - t1;
    expect(hit!.getRow()).toBe(100000);
    expect(rt.calls.cellsRead).toBe(0);
    expect(rt.calls.byMethod['TextFinder.findNext']).toBe(1);
    expect(tFind).toBeLessThan(2000);
    expect(tWrite).toBeLessThan(20000);
    expect(sheet.getRange(1, 1, 100000, 40).getValues()[99999][1]).toBe(99999);
  });
});

describe('10,000,000-cell limit (sum of maxRows x maxColumns over sheets)', () => {
  const MSG = 'This action would increase the number of cells in the workbook above the limit of 10000000 cells.';
  test('inserting rows, columns or sheets and appendRow past the limit throw', () => {
    const { ss, sheet } = setup();
    sheet.deleteColumns(26, 1); // 1000 x 25
    sheet.insertRowsAfter(1000, 399000); // 400,000 x 25 = exactly 10,000,000: allowed
    expect(sheet.getMaxRows() * sheet.getMaxColumns()).toBe(10_000_000);
    expect(() => sheet.insertRowsAfter(1, 1)).toThrow(MSG);
    expect(() => sheet.insertColumnsAfter(1, 1)).toThrow(MSG);
    expect(() => ss.insertSheet('More')).toThrow(MSG);
    sheet.getRange(400000, 1).setValue('last');
    expect(() => sheet.appendRow(['over'])).toThrow(MSG);
    expect(sheet.getMaxRows()).toBe(400000);
    sheet.deleteRows(2, 100000);
    ss.insertSheet('Fits');
    expect(ss.getSheets().length).toBe(2);
  });
});

describe('call counting', () => {
  test('every service method call counts once by Class.method; reads and writes count cells', () => {
    const { rt, g, ss } = setup();
    const id = ss.getId();
    rt.calls.reset();
    const sheet = g.SpreadsheetApp.openById(id).getSheetByName('Sheet1');
    sheet.getRange(1, 1, 2, 3).setValues([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    sheet.getRange(1, 1, 2, 3).getValues();
    sheet.getRange('A1').getValue();
    sheet.appendRow(['a', 'b']);
    sheet.createTextFinder('a').findNext();
    expect(rt.calls.byMethod).toEqual({
      'SpreadsheetApp.openById': 1,
      'Spreadsheet.getSheetByName': 1,
      'Sheet.getRange': 3,
      'Range.setValues': 1,
      'Range.getValues': 1,
      'Range.getValue': 1,
      'Sheet.appendRow': 1,
      'Sheet.createTextFinder': 1,
      'TextFinder.findNext': 1,
    });
    expect(rt.calls.total).toBe(11);
    expect(rt.calls.cellsRead).toBe(7);
    expect(rt.calls.cellsWritten).toBe(8);
    rt.calls.reset();
    expect(rt.calls).toMatchObject({ total: 0, cellsRead: 0, cellsWritten: 0, byMethod: {} });
  });
  test('calls a service makes internally are not counted again', () => {
    const { rt, ss } = setup();
    rt.calls.reset();
    ss.getRange('Sheet1!A1:B2').getValues();
    expect(rt.calls.byMethod).toEqual({ 'Spreadsheet.getRange': 1, 'Range.getValues': 1 });
  });
  test('every service is counted (locks, properties, cache, content, html, utilities, script, session, logger)', () => {
    const { rt, g } = setup();
    rt.calls.reset();
    const lock = g.LockService.getScriptLock();
    lock.tryLock(10);
    lock.releaseLock();
    g.PropertiesService.getScriptProperties().getProperty('k');
    g.CacheService.getScriptCache().get('k');
    g.ContentService.createTextOutput('x').getContent();
    g.HtmlService.createHtmlOutput('x').getContent();
    g.Utilities.getUuid();
    g.ScriptApp.getService().getUrl();
    g.Session.getEffectiveUser().getEmail();
    g.Logger.log('x');
    g.console.log('not a service call');
    for (const k of [
      'LockService.getScriptLock',
      'Lock.tryLock',
      'Lock.releaseLock',
      'PropertiesService.getScriptProperties',
      'Properties.getProperty',
      'CacheService.getScriptCache',
      'Cache.get',
      'ContentService.createTextOutput',
      'TextOutput.getContent',
      'HtmlService.createHtmlOutput',
      'HtmlOutput.getContent',
      'Utilities.getUuid',
      'ScriptApp.getService',
      'Service.getUrl',
      'Session.getEffectiveUser',
      'User.getEmail',
      'Logger.log',
    ]) {
      expect([k, rt.calls.byMethod[k]]).toEqual([k, 1]);
    }
    expect(rt.calls.total).toBe(17);
  });
  test('peek() and sheetNames() are not counted', () => {
    const { rt, sheet } = setup();
    sheet.getRange(1, 1, 1, 2).setValues([['a', '=1+1']]);
    rt.calls.reset();
    const snap = rt.peek('Sheet1')!;
    expect(snap).toMatchObject({
      name: 'Sheet1',
      values: [['a', 2]],
      displayValues: [['a', '2']],
      formulas: [['', '=1+1']],
      frozenRows: 0,
      maxRows: 1000,
      maxColumns: 26,
    });
    expect(rt.sheetNames()).toEqual(['Sheet1']);
    expect(rt.peek('Nope')).toBeNull();
    expect(rt.calls.total).toBe(0);
  });
});

describe('execution kinds', () => {
  test('webapp: getActiveSpreadsheet/getActive/getUi unavailable, document lock/properties/cache null, openById works', () => {
    const { rt, g, ss } = setup();
    rt.execute('webapp', () => {
      expect(() => g.SpreadsheetApp.getActiveSpreadsheet()).toThrow(/not available in a web app/);
      expect(() => g.SpreadsheetApp.getActive()).toThrow(/not available in a web app/);
      expect(() => g.SpreadsheetApp.getUi()).toThrow('Cannot call SpreadsheetApp.getUi() from this context.');
      expect(g.LockService.getDocumentLock()).toBeNull();
      expect(g.PropertiesService.getDocumentProperties()).toBeNull();
      expect(g.CacheService.getDocumentCache()).toBeNull();
      expect(g.LockService.getScriptLock()).not.toBeNull();
      expect(g.SpreadsheetApp.openById(ss.getId()).getId()).toBe(ss.getId());
    });
  });
  test('trigger: the bound spreadsheet is active, getUi is not available, document lock exists', () => {
    const { rt, g, ss } = setup();
    rt.execute('trigger', () => {
      expect(g.SpreadsheetApp.getActiveSpreadsheet().getId()).toBe(ss.getId());
      expect(() => g.SpreadsheetApp.getUi()).toThrow('Cannot call SpreadsheetApp.getUi() from this context.');
      expect(g.LockService.getDocumentLock()).not.toBeNull();
    });
  });
  test('editor: getUi records menus, sidebars, dialogs, alerts; toasts recorded; the first spreadsheet is bound', () => {
    const { rt, g, ss } = setup();
    rt.createSpreadsheet('Other');
    expect(rt.boundSpreadsheetId).toBe(ss.getId());
    rt.execute('editor', () => {
      const ui = g.SpreadsheetApp.getUi();
      ui.createMenu('iClosed').addItem('Open sidebar', 'showSidebar').addSeparator().addItem('Replay', 'replayDeliveries').addToUi();
      ui.showSidebar(g.HtmlService.createHtmlOutput('<p>hi</p>').setTitle('Settings'));
      ui.showModalDialog(g.HtmlService.createHtmlOutput('<p>d</p>'), 'Dialog');
      expect(ui.alert('Done')).toBe('OK');
      expect(ui.alert('Title', 'Sure?', ui.ButtonSet.YES_NO)).toBe('YES');
      g.SpreadsheetApp.getActiveSpreadsheet().toast('Saved', 'iClosed');
      expect(g.SpreadsheetApp.getActiveSheet().getName()).toBe('Sheet1');
    });
    expect(rt.ui.menus).toEqual([
      {
        name: 'iClosed',
        items: [
          { caption: 'Open sidebar', functionName: 'showSidebar' },
          { separator: true },
          { caption: 'Replay', functionName: 'replayDeliveries' },
        ],
      },
    ]);
    expect(rt.ui.sidebars).toEqual([{ title: 'Settings', html: '<p>hi</p>' }]);
    expect(rt.ui.dialogs).toEqual([{ title: 'Dialog', html: '<p>d</p>', modal: true }]);
    expect(rt.ui.alerts.map((a) => a.prompt)).toEqual(['Done', 'Sure?']);
    expect(rt.ui.toasts).toEqual([{ spreadsheetId: ss.getId(), message: 'Saved', title: 'iClosed' }]);
  });
  test('execute returns the function result and rethrows its error', () => {
    const { rt } = setup();
    expect(rt.execute('editor', () => 7)).toBe(7);
    expect(() =>
      rt.execute('webapp', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });
});

describe('LockService', () => {
  test('tryLock/hasLock/releaseLock; another holder makes tryLock false and waitLock throw after the timeout (virtual time)', () => {
    const { rt, g } = setup({ virtualTime: true });
    rt.execute('webapp', () => {
      const lock = g.LockService.getScriptLock();
      expect(lock.tryLock(0)).toBe(true);
      expect(lock.hasLock()).toBe(true);
      lock.releaseLock();
      expect(lock.hasLock()).toBe(false);
    });
    const release = rt.holdScriptLock();
    rt.execute('webapp', () => {
      const lock = g.LockService.getScriptLock();
      const t0 = rt.now();
      expect(lock.tryLock(5000)).toBe(false);
      expect(rt.now() - t0).toBeGreaterThanOrEqual(5000);
      const e = thrown(() => lock.waitLock(30000));
      expect(e.message).toBe('Lock timeout: another process was holding the lock for too long.');
      expect(String(e)).toBe('Exception: Lock timeout: another process was holding the lock for too long.');
      expect(rt.now() - t0).toBeGreaterThanOrEqual(35000);
    });
    release();
    rt.execute('webapp', () => expect(g.LockService.getScriptLock().tryLock(0)).toBe(true));
  });
  test('locks an execution holds are released when it ends, also when it throws', () => {
    const { rt, g } = setup({ virtualTime: true });
    rt.execute('webapp', () => g.LockService.getScriptLock().waitLock(100));
    rt.execute('webapp', () => expect(g.LockService.getScriptLock().tryLock(0)).toBe(true));
    expect(() =>
      rt.execute('trigger', () => {
        g.LockService.getUserLock().waitLock(100);
        throw new Error('x');
      }),
    ).toThrow('x');
    rt.execute('webapp', () => expect(g.LockService.getUserLock().tryLock(0)).toBe(true));
  });
  test('a held lock blocks another execution until released', () => {
    const { rt, g } = setup({ virtualTime: true });
    rt.execute('webapp', () => {
      g.LockService.getScriptLock().waitLock(10);
      rt.execute('trigger', () => expect(g.LockService.getScriptLock().tryLock(10)).toBe(false));
    });
  });
  test('without virtual time a wait really blocks (Atomics.wait)', () => {
    const { rt, g } = setup();
    const release = rt.holdScriptLock();
    const t0 = Date.now();
    rt.execute('webapp', () => expect(g.LockService.getScriptLock().tryLock(80)).toBe(false));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    release();
    const t1 = Date.now();
    g.Utilities.sleep(50);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(45);
  });
  test('a holder on another thread releasing the shared lock wakes the waiter', async () => {
    const { rt, g } = setup();
    rt.holdScriptLock();
    const worker = new Worker(
      "const { workerData } = require('worker_threads'); const c = new Int32Array(workerData.buf);" +
        'setTimeout(() => { Atomics.store(c, 0, 0); Atomics.notify(c, 0); }, 100);',
      { eval: true, workerData: { buf: rt.lockBuffer } },
    );
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    rt.execute('webapp', () => expect(g.LockService.getScriptLock().tryLock(10000)).toBe(true));
    expect(Date.now() - t0).toBeLessThan(5000);
    await worker.terminate();
  });
  test('Utilities.sleep advances virtual time at once', () => {
    const { rt, g } = setup({ virtualTime: true });
    const t0 = rt.now();
    const w0 = Date.now();
    g.Utilities.sleep(60000);
    expect(rt.now() - t0).toBeGreaterThanOrEqual(60000);
    expect(Date.now() - w0).toBeLessThan(1000);
  });
});

describe('PropertiesService', () => {
  test('string values, null when missing, setProperties(deleteAllOthers), keys, deletes, copies', () => {
    const { g } = setup();
    const p = g.PropertiesService.getScriptProperties();
    expect(p.getProperty('missing')).toBeNull();
    p.setProperty('n', 5).setProperty('b', true);
    expect(p.getProperty('n')).toBe('5');
    expect(p.getProperty('b')).toBe('true');
    p.setProperties({ x: 1, y: { a: 1 } });
    expect(p.getProperties()).toEqual({ n: '5', b: 'true', x: '1', y: '[object Object]' });
    p.setProperties({ only: 'one' }, true);
    expect(p.getKeys()).toEqual(['only']);
    const copy = p.getProperties();
    copy.only = 'changed';
    expect(p.getProperty('only')).toBe('one');
    p.deleteProperty('only');
    expect(p.getProperty('only')).toBeNull();
    p.setProperty('a', '1');
    p.deleteAllProperties();
    expect(p.getKeys()).toEqual([]);
    g.PropertiesService.getUserProperties().setProperty('u', '1');
    expect(p.getProperty('u')).toBeNull();
    expect(g.PropertiesService.getDocumentProperties()).not.toBeNull();
  });
  test('a value over the per-value limit and a store over 500 KB throw the quota error and change nothing', () => {
    const { g } = setup();
    const p = g.PropertiesService.getScriptProperties();
    const QUOTA = 'You have exceeded the property storage quota. Please remove some properties and try again.';
    p.setProperty('max', 'x'.repeat(8066));
    expect(() => p.setProperty('big', 'x'.repeat(8067))).toThrow(QUOTA);
    expect(p.getProperty('big')).toBeNull();
    p.deleteAllProperties();
    let n = 0;
    expect(() => {
      while (n < 200) p.setProperty('k' + n++, 'y'.repeat(8000));
    }).toThrow(QUOTA);
    expect(n).toBe(64); // 63 x ~8 KB fit in 500 KB (512,000 bytes, keys counted); the 64th does not
    expect(p.getKeys().length).toBe(63);
  });
});

describe('CacheService', () => {
  test('get/put/getAll/putAll/remove/removeAll; values as strings; expiry on the runtime clock', () => {
    const { rt, g } = setup({ virtualTime: true });
    const c = g.CacheService.getScriptCache();
    expect(c.get('k')).toBeNull();
    c.put('k', 'v');
    c.put('short', 1, 5);
    c.putAll({ a: '1', b: '2' }, 3600);
    expect(c.get('short')).toBe('1');
    expect(c.getAll(['a', 'b', 'zz'])).toEqual({ a: '1', b: '2' });
    rt.advanceTime(6000);
    expect(c.get('short')).toBeNull();
    rt.advanceTime(593000);
    expect(c.get('k')).toBe('v');
    rt.advanceTime(2000); // past the 600 s default
    expect(c.get('k')).toBeNull();
    expect(c.get('a')).toBe('1');
    c.remove('a');
    c.removeAll(['b']);
    expect(c.getAll(['a', 'b'])).toEqual({});
    expect(g.CacheService.getUserCache().get('a')).toBeNull();
  });
  test('limits: key 250 chars, value 100 KB, expiry 21600 s; over 1000 items keeps the 900 farthest from expiry', () => {
    const { g } = setup({ virtualTime: true });
    const c = g.CacheService.getScriptCache();
    c.put('k'.repeat(250), 'ok');
    expect(() => c.put('k'.repeat(251), 'x')).toThrow('Argument too large: key');
    c.put('v', 'x'.repeat(100 * 1024));
    expect(() => c.put('v', 'x'.repeat(100 * 1024 + 1))).toThrow('Argument too large: value');
    c.put('e', 'x', 21600);
    expect(() => c.put('e', 'x', 21601)).toThrow(/expirationInSeconds/);
    for (let i = 0; i < 1001; i++) c.put('item' + i, 'x', 100 + i);
    expect(c.get('item0')).toBeNull();
    expect(c.get('item1000')).toBe('x');
    expect(c.get('e')).toBe('x');
  });
});

describe('ContentService', () => {
  test('TextOutput content, MIME types and downloads', () => {
    const { g } = setup();
    const CS = g.ContentService;
    expect(CS.MimeType).toEqual({
      ATOM: 'application/atom+xml',
      CSV: 'text/csv',
      ICAL: 'text/calendar',
      JAVASCRIPT: 'application/javascript',
      JSON: 'application/json',
      RSS: 'application/rss+xml',
      TEXT: 'text/plain',
      VCARD: 'text/vcard',
      XML: 'text/xml',
    });
    const out = CS.createTextOutput();
    expect(out.getContent()).toBe('');
    expect(out.getMimeType()).toBe('text/plain');
    out.append('{"a":').append('1}').setMimeType(CS.MimeType.JSON);
    expect(out.getContent()).toBe('{"a":1}');
    expect(out.getMimeType()).toBe('application/json');
    expect(out.getFileName()).toBeNull();
    out.downloadAsFile('a.json');
    expect(out.getFileName()).toBe('a.json');
    expect(CS.createTextOutput('x').setContent('y').getContent()).toBe('y');
  });
});

describe('HtmlService', () => {
  // Made in beforeAll, not while the file loads: a run that selects none of these tests makes no folder.
  let dir = '';
  beforeAll(() => {
    dir = tempDir('html-');
    fs.writeFileSync(path.join(dir, 'Stylesheet.html'), '<style>p{color:red}</style>');
    fs.writeFileSync(
      path.join(dir, 'Page.html'),
      "<?!= include('Stylesheet'); ?><p><?= user ?></p><? for (var i = 0; i < 2; i++) { ?><i><?= i ?></i><? } ?>",
    );
  });
  afterAll(() => removeTempDirs());
  test('createHtmlOutputFromFile reads <name>.html; a missing file throws', () => {
    const { rt, g } = setup();
    rt.setProjectDir(dir);
    expect(g.HtmlService.createHtmlOutputFromFile('Stylesheet').getContent()).toBe('<style>p{color:red}</style>');
    expect(() => g.HtmlService.createHtmlOutputFromFile('Nope')).toThrow('No HTML file named Nope was found.');
  });
  test('templates: <?= ?> escapes, <?!= ?> is raw, <? ?> runs code, assigned properties are variables', () => {
    const { g } = setup();
    const t = g.HtmlService.createTemplate('<?= a ?>|<?!= a ?>|<? if (n > 1) { ?>many<? } ?>|<? output.append("o"); ?>');
    t.a = '<b>&"';
    t.n = 2;
    expect(t.evaluate().getContent()).toBe('&lt;b&gt;&amp;&quot;|<b>&"|many|o');
  });
  test('the include pattern through a gas-local context: scriptlets see the app globals; their calls are counted', () => {
    const { rt } = setup();
    const appDir = tempDir('app-');
    fs.writeFileSync(
      path.join(appDir, 'Code.js'),
      "const BRAND = 'iClosed'; // top-level const: not a property of the context object (apps-script-facts.md §9)\n" +
        'function include(f) { return HtmlService.createHtmlOutputFromFile(f).getContent(); }\n' +
        "function page() { var t = HtmlService.createTemplateFromFile('Page'); t.user = '<me>'; return t.evaluate().setTitle('T').getContent(); }\n",
    );
    rt.setProjectDir(dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- gas-local ships no types or ES module
    const ctx = require('gas-local').require(appDir, rt.globals());
    rt.calls.reset();
    const html = rt.execute('webapp', () => ctx.page());
    expect(html).toBe('<style>p{color:red}</style><p>&lt;me&gt;</p><i>0</i><i>1</i>');
    expect(rt.calls.byMethod['HtmlService.createHtmlOutputFromFile']).toBe(1);
    expect(rt.calls.byMethod['HtmlService.createTemplateFromFile']).toBe(1);
    rt.setProjectDir(appDir);
    fs.writeFileSync(path.join(appDir, 'Brand.html'), '<h1><?= BRAND ?></h1>');
    expect(rt.execute('editor', () => ctx.HtmlService.createTemplateFromFile('Brand').evaluate().getContent())).toBe('<h1>iClosed</h1>');
  });
  test('HtmlOutput setters, no-op sandbox mode, meta tags, X-Frame-Options; enums', () => {
    const { g } = setup();
    const H = g.HtmlService;
    const o = H.createHtmlOutput('<p>')
      .append('x')
      .appendUntrusted('<y>')
      .setTitle('T')
      .setWidth(300)
      .setHeight(200)
      .setSandboxMode(H.SandboxMode.IFRAME)
      .addMetaTag('viewport', 'width=device-width')
      .setXFrameOptionsMode(H.XFrameOptionsMode.ALLOWALL);
    expect(o.getContent()).toBe('<p>x&lt;y&gt;');
    expect([o.getTitle(), o.getWidth(), o.getHeight(), o.getXFrameOptionsMode()]).toEqual(['T', 300, 200, 'ALLOWALL']);
    expect(o.getMetaTags()[0].getName()).toBe('viewport');
    expect(H.SandboxMode).toEqual({ EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE' });
  });
});

describe('Utilities', () => {
  const hex = (b: number[]): string => b.map((x) => (x & 0xff).toString(16).padStart(2, '0')).join('');
  test('computeDigest and HMAC return signed bytes', () => {
    const { g } = setup();
    const U = g.Utilities;
    const d = U.computeDigest(U.DigestAlgorithm.SHA_256, 'abc');
    expect(hex(d)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(d[0]).toBe(-70);
    expect(d.every((x: number) => x >= -128 && x <= 127)).toBe(true);
    expect(hex(U.computeDigest(U.DigestAlgorithm.MD5, 'abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(hex(U.computeDigest(U.DigestAlgorithm.SHA_1, [97, 98, 99]))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(U.computeHmacSha256Signature('what do ya want for nothing?', 'Jefe'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
  test('base64 encode/decode (string or bytes; web-safe alphabet); decode gives signed bytes', () => {
    const { g } = setup();
    const U = g.Utilities;
    expect(U.base64Encode('hello')).toBe('aGVsbG8=');
    expect(U.base64Encode([-5, -1])).toBe('+/8=');
    expect(U.base64EncodeWebSafe([-5, -1])).toBe('-_8=');
    expect(U.base64Decode('+/8=')).toEqual([-5, -1]);
    expect(U.base64DecodeWebSafe('-_8=')).toEqual([-5, -1]);
    expect(U.newBlob(U.base64Decode('aMOpbGxv')).getDataAsString()).toBe('héllo');
    expect(U.newBlob('é').getBytes()).toEqual([-61, -87]);
  });
  test('formatDate uses Java SimpleDateFormat patterns in the given zone; formatString; getUuid', () => {
    const { g } = setup();
    const U = g.Utilities;
    const d = new Date(Date.UTC(2025, 4, 9, 15, 28, 40, 7));
    expect(U.formatDate(d, 'America/New_York', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX EEE MMM Z")).toBe(
      '2025-05-09T11:28:40.007-04:00 Fri May -0400',
    );
    expect(U.formatDate(d, 'Etc/UTC', 'XXX dd/MM/yy h a')).toBe('Z 09/05/25 3 PM');
    expect(U.formatString('%s is %d, %.2f, %05d, 100%%', 'x', 5.9, 1.234, 42)).toBe('x is 5, 1.23, 00042, 100%');
    expect(U.getUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(U.Charset).toEqual({ US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' });
  });
});

describe('ScriptApp, Session, Logger, console', () => {
  test('service URL, script id, triggers (1/5/10/15/30 minutes only, 20 at most), enums, token', () => {
    const { rt, g } = setup();
    expect(g.ScriptApp.getService().getUrl()).toBeNull();
    const deployed = setup({ scriptUrl: 'https://script.google.com/macros/s/X/exec' });
    expect(deployed.g.ScriptApp.getService().getUrl()).toBe('https://script.google.com/macros/s/X/exec');
    const t = g.ScriptApp.newTrigger('processQueue').timeBased().everyMinutes(5).create();
    expect(rt.triggers).toEqual([{ id: t.getUniqueId(), handler: 'processQueue', everyMinutes: 5 }]);
    expect(() => g.ScriptApp.newTrigger('x').timeBased().everyMinutes(7)).toThrow(/1, 5, 10, 15 or 30/);
    expect(g.ScriptApp.getProjectTriggers().map((x: any) => x.getHandlerFunction())).toEqual(['processQueue']);
    g.ScriptApp.deleteTrigger(g.ScriptApp.getProjectTriggers()[0]);
    expect(rt.triggers).toEqual([]);
    for (let i = 0; i < 20; i++)
      g.ScriptApp.newTrigger('f' + i)
        .timeBased()
        .everyMinutes(1)
        .create();
    expect(() => g.ScriptApp.newTrigger('f').timeBased().everyMinutes(1).create()).toThrow(/too many triggers/);
    expect(g.ScriptApp.AuthMode.FULL).toBe('FULL');
    expect(g.ScriptApp.getOAuthToken()).toBe('local-oauth-token');
    expect(g.ScriptApp.getScriptId()).toMatch(/^local-script-[0-9a-z]{1,10}$/);
  });
  test('Session users and time zone', () => {
    const a = setup();
    expect(a.g.Session.getEffectiveUser().getEmail()).toBe('owner@example.com');
    const b = setup({ effectiveUser: 'me@corp.test', timeZone: 'Europe/Paris' });
    expect(b.g.Session.getActiveUser().getEmail()).toBe('me@corp.test');
    expect(b.g.Session.getScriptTimeZone()).toBe('Europe/Paris');
    expect(b.ss.getSpreadsheetTimeZone()).toBe('Europe/Paris');
  });
  test('Logger.log and console are collected, not printed unless GAS_LOCAL_VERBOSE=1', () => {
    const { rt, g } = setup();
    const spy = jest.spyOn(process.stderr, 'write');
    const prev = process.env.GAS_LOCAL_VERBOSE;
    delete process.env.GAS_LOCAL_VERBOSE;
    g.Logger.log('a %s %d', 'b', 3);
    g.Logger.log({ k: 1 });
    g.console.warn('w', 1);
    g.console.error('e');
    expect(rt.logs).toEqual([
      { source: 'Logger', level: 'log', message: 'a b 3' },
      { source: 'Logger', level: 'log', message: '{ k: 1 }' },
      { source: 'console', level: 'warn', message: 'w 1' },
      { source: 'console', level: 'error', message: 'e' },
    ]);
    expect(spy).not.toHaveBeenCalled();
    process.env.GAS_LOCAL_VERBOSE = '1';
    g.console.info('shown');
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    if (prev === undefined) delete process.env.GAS_LOCAL_VERBOSE;
    else process.env.GAS_LOCAL_VERBOSE = prev;
    expect(g.Logger.getLog()).toBe('a b 3\n{ k: 1 }');
  });
});

describe('persistence', () => {
  test('toJSON/fromJSON round-trips spreadsheets, properties, cache (with expiry), triggers and the bound id', () => {
    const { rt, g, ss, sheet } = setup({ virtualTime: true, timeZone: 'America/New_York' });
    const other = rt.createSpreadsheet('Other');
    sheet.getRange(1, 1, 2, 3).setValues([
      ['h', '=1+2', new Date(Date.UTC(2025, 0, 2, 3))],
      ['00123', "'007", '50%'],
    ]);
    sheet.getRange(3, 1).setNumberFormat('@');
    sheet.setFrozenRows(1);
    sheet.insertRowsAfter(1000, 5);
    const data = ss.insertSheet('Data', 0);
    data.appendRow(['x']);
    g.PropertiesService.getScriptProperties().setProperty('token', 'abc');
    g.PropertiesService.getUserProperties().setProperty('u', '1');
    g.PropertiesService.getDocumentProperties().setProperty('d', '2');
    g.CacheService.getScriptCache().put('soon', '1', 10);
    g.CacheService.getScriptCache().put('later', '2', 1000);
    g.ScriptApp.newTrigger('processQueue').timeBased().everyMinutes(1).create();

    const state = JSON.parse(JSON.stringify(rt.toJSON()));
    const rt2 = LocalRuntime.fromJSON(state, { virtualTime: true, timeZone: 'America/New_York' });
    const g2 = installGlobals(rt2);
    expect(rt2.boundSpreadsheetId).toBe(ss.getId());
    expect(rt2.sheetNames()).toEqual(['Data', 'Sheet1']);
    expect(rt2.sheetNames(other.getId())).toEqual(['Sheet1']);
    expect(rt2.peek('Sheet1')).toEqual(rt.peek('Sheet1'));
    expect(rt2.peek('Data')).toEqual(rt.peek('Data'));
    const s2 = g2.SpreadsheetApp.openById(ss.getId()).getSheetByName('Sheet1');
    expect(s2.getSheetId()).toBe(sheet.getSheetId());
    expect(g2.SpreadsheetApp.openById(ss.getId()).getSheetByName('Data').getSheetId()).toBe(data.getSheetId());
    expect(s2.getRange(1, 3).getValue().getTime()).toBe(Date.UTC(2025, 0, 2, 3));
    expect(s2.getRange(1, 2).getFormula()).toBe('=1+2');
    expect(s2.getRange(2, 3).getNumberFormat()).toBe('0%');
    expect(s2.getRange(3, 1).getNumberFormat()).toBe('@');
    expect(s2.getFrozenRows()).toBe(1);
    expect(s2.getMaxRows()).toBe(1005);
    expect(g2.SpreadsheetApp.getActiveSpreadsheet().getId()).toBe(ss.getId());
    expect(g2.PropertiesService.getScriptProperties().getProperty('token')).toBe('abc');
    expect(g2.PropertiesService.getUserProperties().getProperty('u')).toBe('1');
    expect(g2.PropertiesService.getDocumentProperties().getProperty('d')).toBe('2');
    expect(g2.CacheService.getScriptCache().get('soon')).toBe('1');
    rt2.advanceTime(20000);
    expect(g2.CacheService.getScriptCache().get('soon')).toBeNull();
    expect(g2.CacheService.getScriptCache().get('later')).toBe('2');
    expect(rt2.triggers).toEqual(rt.triggers);
    expect(rt2.toJSON()).toEqual({ ...JSON.parse(JSON.stringify(rt2.toJSON())) });
  });

  test('charts survive toJSON/fromJSON with their id, type, ranges, options and anchor, and stay editable', () => {
    const { rt, ss, sheet } = setup();
    const chart = sheet
      .newChart()
      .asColumnChart()
      .addRange(sheet.getRange('A1:B5'))
      .addRange(sheet.getRange('D1:D5'))
      .setOption('title', 'Funnel')
      .setPosition(2, 4, 10, 20)
      .build();
    sheet.insertChart(chart);
    const id = sheet.getCharts()[0].getChartId() as number;

    const state = JSON.parse(JSON.stringify(rt.toJSON()));
    // As after a restart, the saved id is one this process has not handed out yet (the next one it would).
    const saved = state.spreadsheets[0].sheets[0].charts[0];
    expect(saved.id).toBe(id);
    saved.id = id + 1;
    const rt2 = LocalRuntime.fromJSON(state);
    const g2 = installGlobals(rt2);
    const s2 = g2.SpreadsheetApp.openById(ss.getId()).getSheetByName('Sheet1');
    const charts = s2.getCharts();
    expect(charts).toHaveLength(1);
    const [loaded] = charts;
    expect(loaded.getChartId()).toBe(id + 1);
    expect(loaded.getType()).toBe('COLUMN');
    expect(loaded.getRanges().map((r: GoogleAppsScript.Spreadsheet.Range) => r.getA1Notation())).toEqual(['A1:B5', 'D1:D5']);
    expect(loaded.getOptions().get('title')).toBe('Funnel');
    const info = loaded.getContainerInfo();
    expect([info.getAnchorRow(), info.getAnchorColumn(), info.getOffsetX(), info.getOffsetY()]).toEqual([2, 4, 10, 20]);

    // A restored chart can be updated by its id, and a chart inserted after the load gets another id.
    s2.updateChart(loaded.modify().clearRanges().addRange(s2.getRange('A1:B9')).build());
    expect(s2.getCharts()[0].getRanges()[0].getA1Notation()).toBe('A1:B9');
    s2.insertChart(s2.newChart().addRange(s2.getRange('C1:C3')).build());
    const ids = s2.getCharts().map((c: GoogleAppsScript.Spreadsheet.EmbeddedChart) => c.getChartId());
    expect(new Set(ids).size).toBe(2);
  });
});
