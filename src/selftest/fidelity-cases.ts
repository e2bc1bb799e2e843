/**
 * Fidelity cases: platform behaviours the local runtime imitates, written only against Apps Script
 * globals and types so the same code can run in a real spreadsheet as an in-sheet self-test.
 * Each case gets a fresh sheet and throws an Error naming the difference when the platform disagrees.
 * One case runs the app's own header and key lookup (src/gas/sheets.ts) on a Plain-text column.
 */
import { textCell, writtenText } from '../core/values';
import { appendHeaderLabels, lookup, openSheet, writeCells } from '../gas/sheets';

/** One behaviour to check on a fresh sheet. */
export interface FidelityCase {
  name: string;
  /** Where the behaviour is documented or observed ("[UNCONFIRMED]" when no source settled it). */
  source: string;
  /** True when the app depends on the behaviour (it decides the self-test's verdict); false when it is shown for information. */
  required: boolean;
  /** For a required case: what a failure means for deliveries, in the user's words. */
  risk?: string;
  run(sheet: GoogleAppsScript.Spreadsheet.Sheet): void;
}

type Cell = string | number | boolean | Date;

function isDateValue(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}

function show(v: unknown): string {
  if (isDateValue(v)) return `Date(${v.toISOString()})`;
  return typeof v === 'string' ? JSON.stringify(v) : `${typeof v} ${String(v)}`;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
  const ok = isDateValue(expected) ? isDateValue(actual) && actual.getTime() === expected.getTime() : actual === expected;
  check(ok, `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function throws(fn: () => void, pattern: RegExp, what: string): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  check(err !== null, `${what}: expected an error matching ${pattern}, nothing was thrown`);
  const message = String((err as { message?: unknown }).message ?? err);
  check(pattern.test(message), `${what}: expected an error matching ${pattern}, got "${message}"`);
}

/** Write one typed value to A1 and read it back. */
function roundTrip(sheet: GoogleAppsScript.Spreadsheet.Sheet, input: unknown): Cell {
  const cell = sheet.getRange(1, 1);
  cell.setValues([[input]]);
  return cell.getValues()[0][0] as Cell;
}

function tzOf(sheet: GoogleAppsScript.Spreadsheet.Sheet): string {
  return sheet.getParent().getSpreadsheetTimeZone();
}

function wall(sheet: GoogleAppsScript.Spreadsheet.Sheet, v: unknown): string {
  check(isDateValue(v), `expected a Date, got ${show(v)}`);
  return Utilities.formatDate(v as Date, tzOf(sheet), 'yyyy-MM-dd HH:mm:ss');
}

const SETVALUES = 'https://developers.google.com/apps-script/reference/spreadsheet/range#setvaluesvalues';
const USER_ENTERED =
  'https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption (USER_ENTERED); gas-fakes notes/oddities.md "Values"';
const TEXT_FINDER = 'https://developers.google.com/apps-script/reference/spreadsheet/text-finder';

/** Every fidelity case, in a stable order. */
export const FIDELITY_CASES: FidelityCase[] = [
  {
    name: 'getValues returns Number/Boolean/Date/String with "" for empty cells, rectangular',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/range#getvalues',
    required: true,
    risk: 'headers, keys and fingerprints are read back wrongly, so upserts and duplicate detection fail.',
    run(sheet) {
      const d = new Date(Date.UTC(2025, 4, 9, 15, 28, 40));
      sheet.getRange(1, 1, 1, 4).setValues([[42, true, 'text', d]]);
      const v = sheet.getRange(1, 1, 2, 5).getValues();
      same(v.length, 2, 'rows');
      check(
        v.every((r) => r.length === 5),
        'every row has 5 cells',
      );
      same(v[0][0], 42, 'number');
      same(v[0][1], true, 'boolean');
      same(v[0][2], 'text', 'string');
      same(v[0][3], d, 'date');
      same(v[0][4], '', 'empty cell in row 1');
      check(
        v[1].every((x) => x === ''),
        'row 2 is all ""',
      );
    },
  },
  {
    name: 'numeric text with leading zeros becomes a number',
    source: 'issue theoephraim/node-google-spreadsheet#696 ("0001" typed → 1); ' + USER_ENTERED,
    required: false,
    run(sheet) {
      same(roundTrip(sheet, '00123'), 123, '"00123"');
    },
  },
  {
    name: 'a leading apostrophe keeps text and is not part of the value',
    source: 'node-google-spreadsheet#696 ("\'0001" stays text); apostrophe dropped on read: [UNCONFIRMED]',
    required: true,
    risk: 'ids, phone numbers and dates sent as text are changed into numbers, dates or formulas in the sheet.',
    run(sheet) {
      same(roundTrip(sheet, "'00123"), '00123', '"\'00123" value');
      same(sheet.getRange(1, 1).getDisplayValue(), '00123', '"\'00123" display');
    },
  },
  {
    name: 'a leading = makes a formula (getFormulas returns it, the value is its result)',
    source: SETVALUES,
    required: false,
    run(sheet) {
      same(roundTrip(sheet, '=1+2'), 3, '"=1+2" value');
      same(sheet.getRange(1, 1).getFormula(), '=1+2', 'formula text');
      same(roundTrip(sheet, '=2+3*4'), 14, 'operator precedence');
      same(sheet.getRange(1, 1, 1, 1).getFormulas()[0][0], '=2+3*4', 'getFormulas');
    },
  },
  {
    name: 'a leading + followed by a number is that number',
    source: USER_ENTERED + '; "+1234567890": [UNCONFIRMED]',
    required: false,
    run(sheet) {
      same(roundTrip(sheet, '+1234567890'), 1234567890, '"+1234567890"');
    },
  },
  {
    name: 'a leading + or - followed by non-numeric text is a formula (an error value)',
    source: 'OWASP CSV injection (= + - @ start formulas); Sheets parse error #ERROR!: [UNCONFIRMED exact error]',
    required: false,
    run(sheet) {
      for (const input of ['+1 (555) 123', '-foo']) {
        const v = roundTrip(sheet, input);
        check(typeof v === 'string' && v.charAt(0) === '#', `"${input}" should read back as an error value, got ${show(v)}`);
        check(sheet.getRange(1, 1).getFormula() !== '', `"${input}" should be stored as a formula`);
      }
    },
  },
  {
    name: 'TRUE/FALSE in any case become booleans',
    source: USER_ENTERED + '; case-insensitivity: [UNCONFIRMED]',
    required: false,
    run(sheet) {
      same(roundTrip(sheet, 'TRUE'), true, '"TRUE"');
      same(roundTrip(sheet, 'false'), false, '"false"');
    },
  },
  {
    name: 'numeric text forms become numbers (1,234  1e3  -5  .5  50%  $5)',
    source: USER_ENTERED,
    required: false,
    run(sheet) {
      const cases: Array<[string, number]> = [
        ['1,234', 1234],
        ['1e3', 1000],
        ['-5', -5],
        ['.5', 0.5],
        ['50%', 0.5],
        ['$5', 5],
      ];
      for (const [input, want] of cases) same(roundTrip(sheet, input), want, `"${input}"`);
    },
  },
  {
    name: 'date-looking text becomes a Date in the spreadsheet time zone',
    source: 'https://support.google.com/docs/answer/58515 (date formats); ' + USER_ENTERED,
    required: false,
    run(sheet) {
      same(wall(sheet, roundTrip(sheet, '2025-05-09')), '2025-05-09 00:00:00', '"2025-05-09"');
      same(wall(sheet, roundTrip(sheet, '5/9/2025')), '2025-05-09 00:00:00', '"5/9/2025" (en_US locale)');
      same(wall(sheet, roundTrip(sheet, '2025-05-09 15:28:40')), '2025-05-09 15:28:40', '"2025-05-09 15:28:40"');
      same(wall(sheet, roundTrip(sheet, 'May 13, 2025')), '2025-05-13 00:00:00', '"May 13, 2025"');
    },
  },
  {
    name: 'ISO 8601 text with T and Z is parsed as a date-time',
    source: '[UNCONFIRMED] (stricter choice: parsed)',
    required: false,
    run(sheet) {
      const v = roundTrip(sheet, '2025-05-09T15:28:40Z');
      check(isDateValue(v), `"2025-05-09T15:28:40Z" should become a Date, got ${show(v)}`);
      same((v as Date).getTime(), Date.UTC(2025, 4, 9, 15, 28, 40), 'instant');
    },
  },
  {
    name: 'a typed error literal is that error',
    source: 'https://support.google.com/docs/answer/3093340 (error types); ' + USER_ENTERED,
    required: false,
    run(sheet) {
      same(roundTrip(sheet, '#N/A'), '#N/A', '"#N/A"');
    },
  },
  {
    name: 'null and undefined write empty cells',
    source: 'gas-fakes notes/oddities.md; [UNCONFIRMED] for undefined',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 1, 2).setValues([['x', 'y']]);
      sheet.getRange(1, 1, 1, 2).setValues([[null, undefined]]);
      const v = sheet.getRange(1, 1, 1, 2).getValues()[0];
      same(v[0], '', 'null');
      same(v[1], '', 'undefined');
      same(sheet.getLastRow(), 0, 'getLastRow after clearing');
    },
  },
  {
    name: 'plain-text format (@) keeps strings as typed',
    source: 'https://developers.google.com/sheets/api/guides/formats ("@" text); via Apps Script setValues: [UNCONFIRMED]',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 1, 3).setNumberFormat('@');
      sheet.getRange(1, 1, 1, 3).setValues([['00123', '2025-05-09', 'TRUE']]);
      const v = sheet.getRange(1, 1, 1, 3).getValues()[0];
      same(v[0], '00123', '"00123" in a text cell');
      same(v[1], '2025-05-09', '"2025-05-09" in a text cell');
      same(v[2], 'TRUE', '"TRUE" in a text cell');
    },
  },
  {
    name: 'plain-text format (@) still makes a formula from a leading =',
    source: '[UNCONFIRMED] (stricter choice: still a formula, so "@" is no formula-injection guard)',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1).setNumberFormat('@');
      same(roundTrip(sheet, '=1+2'), 3, '"=1+2" in a text cell');
    },
  },
  {
    name: 'a Plain-text (@) cell does not give a leading apostrophe back',
    source:
      '[UNCONFIRMED] (Sheets drops it in normal cells: node-google-spreadsheet#696; the local runtime plays both: keepApostropheInPlainText)',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1).setNumberFormat('@');
      same(roundTrip(sheet, "'00123"), '00123', '"\'00123" in a text cell');
    },
  },
  {
    name: "the app's header check and key lookup work on Plain-text (@) columns",
    source:
      TEXT_FINDER +
      ' with useRegularExpression; ' +
      SETVALUES +
      '; whether an "@" cell gives the guard apostrophe back: [UNCONFIRMED], so both are accepted',
    required: true,
    risk: 'a Row key or Fingerprint column formatted as Plain text is not searched right: upserts add a duplicate row on every delivery.',
    run(sheet) {
      const labels = ['Row key', 'Fingerprint', '1st answer'];
      sheet.getRange(1, 1, 3, labels.length).setNumberFormat('@');
      const open = openSheet(sheet.getParent(), sheet.getName(), null);
      appendHeaderLabels(open, labels);
      const fingerprints = 'v:2025-05-09T15:28:40.000Z Qx7-_b2Fp9';
      writeCells(
        open,
        2,
        [
          new Map([
            [1, textCell('00123')],
            [2, textCell(fingerprints)],
          ]),
        ],
        2,
      );
      same(lookup(open, 1, 2, '00123', 'none').keyRow, 2, 'row of key "00123"');
      same(lookup(open, 1, 2, '0012', 'none').keyRow, null, 'a key that is part of another is not found');
      same(lookup(open, 1, 2, null, 'Qx7-_b2Fp9').fingerprintRow, 2, 'row of the fingerprint');
      same(writtenText(String(sheet.getRange(2, 2).getValue())), fingerprints, 'fingerprint list read back');
      same(openSheet(sheet.getParent(), sheet.getName(), labels).headerChanged, false, 'header matches the labels the app wrote');
      same(openSheet(sheet.getParent(), sheet.getName(), null).header.join('|'), labels.join('|'), 'header read in full');
    },
  },
  {
    name: 'setValues fails when the data shape does not match the range',
    source: SETVALUES + ' (message seen in execution logs)',
    required: false,
    run(sheet) {
      throws(
        () => sheet.getRange(1, 1, 2, 2).setValues([[1, 2]]),
        /number of rows in the data does not match the number of rows in the range/,
        'rows',
      );
      throws(() => sheet.getRange(1, 1, 1, 2).setValues([[1, 2, 3]]), /number of columns in the data does not match/, 'columns');
    },
  },
  {
    name: 'a cell holds at most 50,000 characters',
    source: 'apps-script-facts.md §4; error text from Sheets API logs',
    required: true,
    risk: 'long values and delivery bodies are cut at the wrong place or refused.',
    run(sheet) {
      let s = 'x';
      while (s.length < 50000) s += s;
      const max = s.slice(0, 50000);
      same(roundTrip(sheet, max), max, '50,000 characters');
      throws(() => roundTrip(sheet, max + 'y'), /more than the maximum of 50000 characters in a single cell/, '50,001 characters');
    },
  },
  {
    name: 'getRange outside the grid fails',
    source:
      'https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangerow,-column,-numrows,-numcolumns (message from execution logs)',
    required: true,
    risk: 'rows past the end of a full sheet are not added, so deliveries to it fail.',
    run(sheet) {
      throws(
        () => sheet.getRange(sheet.getMaxRows() + 1, 1),
        /coordinates of the range are outside the dimensions of the sheet/,
        'row past the grid',
      );
      throws(
        () => sheet.getRange(1, sheet.getMaxColumns(), 1, 2),
        /coordinates of the range are outside the dimensions of the sheet/,
        'column past the grid',
      );
    },
  },
  {
    name: 'an empty sheet has getLastRow()/getLastColumn() 0 and data range A1',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/sheet#getlastrow',
    required: true,
    risk: 'new rows are written over existing ones or far below them.',
    run(sheet) {
      same(sheet.getLastRow(), 0, 'getLastRow');
      same(sheet.getLastColumn(), 0, 'getLastColumn');
      same(sheet.getDataRange().getA1Notation(), 'A1', 'getDataRange');
      sheet.getRange(3, 2).setValue('x');
      same(sheet.getLastRow(), 3, 'getLastRow after B3');
      same(sheet.getLastColumn(), 2, 'getLastColumn after B3');
      same(sheet.getDataRange().getA1Notation(), 'A1:B3', 'getDataRange after B3');
    },
  },
  {
    name: 'appendRow writes after the last row with content and grows a full grid',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/sheet#appendrowrowcontents',
    required: true,
    risk: 'the Webhook log loses or overwrites deliveries.',
    run(sheet) {
      sheet.getRange(2, 1).setValue('first');
      sheet.appendRow(['second', '00123']);
      same(sheet.getRange(3, 1).getValue(), 'second', 'appended below row 2');
      same(sheet.getRange(3, 2).getValue(), 123, 'appendRow parses typed input');
      const max = sheet.getMaxRows();
      sheet.getRange(max, 1).setValue('last');
      sheet.appendRow(['overflow']);
      same(sheet.getMaxRows(), max + 1, 'grid grew by one row');
      same(sheet.getRange(max + 1, 1).getValue(), 'overflow', 'value in the new row');
    },
  },
  {
    name: 'returned Dates are copies',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/range#getvalues',
    required: false,
    run(sheet) {
      const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
      sheet.getRange(1, 1).setValue(d);
      const first = sheet.getRange(1, 1).getValue() as Date;
      first.setTime(0);
      d.setTime(0);
      same((sheet.getRange(1, 1).getValue() as Date).getTime(), Date.UTC(2024, 0, 2, 3, 4, 5), 'stored date unchanged');
    },
  },
  {
    name: 'getDisplayValues returns the displayed strings',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/range#getdisplayvalues',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 1, 4).setValues([[true, 1234, 0.5, 'x']]);
      sheet.getRange(1, 5).setNumberFormat('0.00');
      sheet.getRange(1, 5).setValue(2);
      const d = sheet.getRange(1, 1, 1, 5).getDisplayValues()[0];
      same(d[0], 'TRUE', 'boolean');
      same(d[1], '1234', 'integer');
      same(d[2], '0.5', 'decimal');
      same(d[3], 'x', 'text');
      same(d[4], '2.00', 'number format 0.00');
    },
  },
  {
    name: 'TextFinder is case-insensitive and partial by default; findNext() returns null at the end',
    source: TEXT_FINDER,
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 3, 1).setValues([['Apple pie'], ['banana'], ['APPLE']]);
      const f = sheet.createTextFinder('apple');
      same(f.findNext()?.getA1Notation(), 'A1', 'first match');
      same(f.findNext()?.getA1Notation(), 'A3', 'second match');
      same(f.findNext(), null, 'no more matches');
      same(sheet.createTextFinder('cherry').findNext(), null, 'no match at all');
      same(sheet.createTextFinder('apple').findAll().length, 2, 'findAll');
    },
  },
  {
    name: 'TextFinder matchCase, matchEntireCell and useRegularExpression',
    source: TEXT_FINDER,
    required: true,
    risk: 'rows are not found by key, so upserts add duplicate rows.',
    run(sheet) {
      sheet.getRange(1, 1, 3, 1).setValues([['Apple pie'], ['banana'], ['APPLE']]);
      same(sheet.createTextFinder('APPLE').matchCase(true).findAll().length, 1, 'matchCase');
      same(sheet.createTextFinder('apple').matchEntireCell(true).findAll().length, 1, 'matchEntireCell');
      same(sheet.createTextFinder('^ban.na$').useRegularExpression(true).findAll().length, 1, 'regular expression');
    },
  },
  {
    name: 'TextFinder matches displayed values, row by row',
    source: TEXT_FINDER + ' (formulas match on displayed value unless matchFormulaText)',
    required: true,
    risk: 'rows are not found by key or fingerprint, so upserts add duplicate rows and redeliveries are written twice.',
    run(sheet) {
      sheet.getRange(1, 1, 2, 2).setValues([
        [1234, '=1+1'],
        ['x', 0.5],
      ]);
      sheet.getRange(2, 2).setNumberFormat('0%');
      same(sheet.createTextFinder('50%').findNext()?.getA1Notation(), 'B2', 'formatted number');
      same(sheet.createTextFinder('1234').findNext()?.getA1Notation(), 'A1', 'number');
      same(sheet.createTextFinder('=1+1').findNext(), null, 'formula text is not displayed');
      same(sheet.createTextFinder('1+1').matchFormulaText(true).findNext()?.getA1Notation(), 'B1', 'matchFormulaText');
      const order = sheet
        .createTextFinder('.')
        .useRegularExpression(true)
        .findAll()
        .map((r) => r.getA1Notation())
        .join(',');
      same(order, 'A1,B1,A2,B2', 'row-by-row order');
    },
  },
  {
    name: 'Sheet.sort sorts rows below the frozen rows',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/sheet#sortcolumnposition,-ascending',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 4, 2).setValues([
        ['name', 'n'],
        ['b', 2],
        ['c', 3],
        ['a', 1],
      ]);
      sheet.setFrozenRows(1);
      sheet.sort(2);
      same(
        sheet
          .getRange(1, 1, 4, 1)
          .getValues()
          .map((r) => r[0])
          .join(','),
        'name,a,b,c',
        'ascending (the text header would sort last)',
      );
      sheet.sort(2, false);
      same(
        sheet
          .getRange(1, 1, 4, 1)
          .getValues()
          .map((r) => r[0])
          .join(','),
        'name,c,b,a',
        'descending',
      );
    },
  },
  {
    name: 'inserting and deleting rows shifts content',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/sheet#insertrowsafterafterposition,-howmany',
    required: true,
    risk: 'trimming the Webhook log or merging Pipeline rows removes the wrong rows.',
    run(sheet) {
      const max = sheet.getMaxRows();
      sheet.getRange(1, 1, 2, 1).setValues([['a'], ['b']]);
      sheet.insertRowsAfter(1, 2);
      same(sheet.getRange(4, 1).getValue(), 'b', 'b moved down two rows');
      same(sheet.getMaxRows(), max + 2, 'grid grew');
      sheet.deleteRow(2);
      same(sheet.getRange(3, 1).getValue(), 'b', 'b moved up one row');
      same(sheet.getMaxRows(), max + 1, 'grid shrank');
    },
  },
  {
    name: 'A1 notation forms',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/sheet#getrangea1notation',
    required: true,
    risk: 'key lookups search the wrong cells.',
    run(sheet) {
      const r = sheet.getRange('B2:D5');
      same(`${r.getRow()},${r.getColumn()},${r.getNumRows()},${r.getNumColumns()}`, '2,2,4,3', 'B2:D5');
      same(sheet.getRange('B:B').getNumRows(), sheet.getMaxRows(), 'B:B spans every row');
      same(sheet.getRange('2:2').getNumColumns(), sheet.getMaxColumns(), '2:2 spans every column');
      same(sheet.getRange(3, 2).getA1Notation(), 'B3', 'getA1Notation');
      same(sheet.getRange('C4').getLastRow(), 4, 'Range.getLastRow is the end row');
    },
  },
  {
    name: 'setValue on a multi-cell range fills every cell',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/range#setvaluevalue',
    required: false,
    run(sheet) {
      sheet.getRange(1, 1, 2, 2).setValue('z');
      same(
        sheet
          .getRange(1, 1, 2, 2)
          .getValues()
          .map((r) => r.join(''))
          .join(''),
        'zzzz',
        'all four cells',
      );
    },
  },
  {
    name: 'clearContent keeps number formats',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/range#clearcontent',
    required: false,
    run(sheet) {
      const c = sheet.getRange(1, 1);
      c.setNumberFormat('@');
      c.setValue('00123');
      c.clearContent();
      same(c.getValue(), '', 'value cleared');
      same(c.getNumberFormat(), '@', 'format kept');
    },
  },
  {
    name: 'inserting a sheet with a taken name fails',
    source: 'https://developers.google.com/apps-script/reference/spreadsheet/spreadsheet#insertsheetsheetname (Sheets API message)',
    required: false,
    run(sheet) {
      throws(() => sheet.getParent().insertSheet(sheet.getName()), /already exists/, 'duplicate name');
    },
  },
];
