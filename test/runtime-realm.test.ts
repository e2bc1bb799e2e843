/** Values cross the realm boundary between a gas-local vm context and the runtime, both ways. */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { LocalRuntime } from '../local/runtime';
import { removeTempDirs, tempDir } from './helpers/temp';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- gas-local ships no types or ES module
const gasLocal = require('gas-local') as { require(dir: string, globals?: object): Record<string, any> };

function loadScript(rt: LocalRuntime, code: string): Record<string, any> {
  const dir = tempDir('realm-');
  fs.writeFileSync(path.join(dir, 'Code.js'), code);
  return gasLocal.require(dir, rt.globals());
}

const SCRIPT = `
function write(id) {
  var sheet = SpreadsheetApp.openById(id).getSheets()[0];
  var rows = [[new Date(Date.UTC(2025, 4, 9, 12)), [1, 2].length, 'x']];
  sheet.getRange(1, 1, 1, 3).setValues(rows);
  sheet.appendRow([new Date(0), true, '00123']);
  return rows;
}
function read(id) {
  var v = SpreadsheetApp.openById(id).getSheets()[0].getRange(1, 1, 2, 3).getValues();
  return {
    outerIsArray: v instanceof Array,
    innerIsArray: v[0] instanceof Array,
    isDate: v[0][0] instanceof Date,
    year: v[0][0].getUTCFullYear(),
    mapped: v.map(function (r) { return r.length; }).join(','),
    json: JSON.stringify(v[1]),
  };
}
function props() {
  var p = PropertiesService.getScriptProperties();
  p.setProperties({ a: 1 });
  var all = p.getProperties();
  return { isObject: all instanceof Object, keysIsArray: p.getKeys() instanceof Array, a: all.a };
}
function digest() {
  return Utilities.computeDigest(Utilities.DigestAlgorithm.MD5, 'x') instanceof Array;
}
`;

afterAll(() => removeTempDirs());

describe('realms', () => {
  test('the context really is another realm (so the test means something)', () => {
    const ctx = vm.createContext({});
    expect(vm.runInContext('new Date(0)', ctx) instanceof Date).toBe(false);
    expect(vm.runInContext('[]', ctx) instanceof Array).toBe(false);
  });

  test('Dates and arrays made in the script realm are accepted by setValues and appendRow', () => {
    const rt = new LocalRuntime();
    const ss = rt.createSpreadsheet('Realm');
    const ctx = loadScript(rt, SCRIPT);
    const rows = ctx.write(ss.getId());
    expect(rows instanceof Array).toBe(false); // built in the context
    const snap = rt.peek('Sheet1')!;
    expect(Object.prototype.toString.call(snap.values[0][0])).toBe('[object Date]');
    expect((snap.values[0][0] as Date).getTime()).toBe(Date.UTC(2025, 4, 9, 12));
    expect(snap.values[0][1]).toBe(2);
    expect(snap.values[1]).toEqual([new Date(0), true, 123]);
  });

  test('values returned to the script are of its realm: instanceof Date/Array/Object hold there', () => {
    const rt = new LocalRuntime();
    const ss = rt.createSpreadsheet('Realm');
    const ctx = loadScript(rt, SCRIPT);
    ctx.write(ss.getId());
    const r = ctx.read(ss.getId());
    expect({ ...r }).toEqual({
      outerIsArray: true,
      innerIsArray: true,
      isDate: true,
      year: 2025,
      mapped: '3,3',
      json: '["1970-01-01T00:00:00.000Z",true,123]',
    });
    expect({ ...ctx.props() }).toEqual({ isObject: true, keysIsArray: true, a: '1' });
    expect(ctx.digest()).toBe(true);
  });

  test('without a context (plain Node use) values are ordinary Node values', () => {
    const rt = new LocalRuntime();
    const ss = rt.createSpreadsheet('Plain');
    const sheet = ss.getSheets()[0];
    sheet.getRange(1, 1).setValue(new Date(5));
    const v = sheet.getRange(1, 1).getValues();
    expect(v instanceof Array).toBe(true);
    expect(v[0][0] instanceof Date).toBe(true);
  });
});
