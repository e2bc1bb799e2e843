/** dist/Code.js uses only syntax up to ES2019 and only globals Apps Script has (the scanner is checked on samples first). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MISSING_GLOBALS, scanBundle } from './helpers/bundle-scan';

const CODE = path.resolve(__dirname, '../dist/Code.js');

describe('the bundle scanner', () => {
  const whats = (code: string) => scanBundle(code).map((f) => f.what);

  test.each([
    ['var a = b?.c;', 'optional chaining'],
    ['var a = b?.[0];', 'optional chaining'],
    ['var a = f?.();', 'optional chaining'],
    ['var a = b ?? 1;', 'nullish coalescing'],
    ['var a; a ??= 1;', 'logical assignment'],
    ['var a; a ||= 1;', 'logical assignment'],
    ['var a = 10n;', 'BigInt'],
    ['var a = 1_000;', 'numeric separator'],
    ['class A { #x = 1; }', 'private class member'],
    ['class A { x = 1; }', 'class field'],
    ['class A { static { } }', 'class static block'],
    ['var r = /a/d;', 'regular expression flag'],
    ['import("x");', 'import.meta or import()'],
    ['export function f() {}', 'ES module syntax'],
    ['new Intl.DateTimeFormat("en-US", { timeZone: "UTC" });', 'Intl.DateTimeFormat'],
    ['new Date().toLocaleDateString("en-US", { timeZone: "UTC" });', 'toLocaleString with a timeZone'],
    ['var a = (;', 'syntax error'],
  ])('finds %s', (code, what) => {
    expect(whats(code).some((w) => w.startsWith(what))).toBe(true);
  });

  test.each(MISSING_GLOBALS)('finds the global %s', (name) => {
    expect(whats(`function f() { return ${name}; }`)).toEqual([`global ${name} (missing in Apps Script)`]);
    expect(whats(`function f() { ${name}(1); }`)).toEqual([`global ${name} (missing in Apps Script)`]);
  });

  test('ignores properties, local bindings, typeof guards and strings of the same names', () => {
    const code = [
      'function f(process) { return process; }',
      'function g() { var URL = 1; return URL + o.fetch() + o.setTimeout; }',
      'var o = { Buffer: 1, require: function () {} };',
      'var safe = typeof setTimeout === "undefined";',
      'var s = "a?.b ?? c setTimeout(";',
      'var a = b && b.c; var d = b != null ? b : 1;',
      'Utilities.formatDate(new Date(), "UTC", "yyyy-MM-dd");',
    ].join('\n');
    expect(scanBundle(code)).toEqual([]);
  });
});

test('dist/Code.js has no syntax past ES2019 and no global Apps Script lacks', () => {
  if (!fs.existsSync(CODE)) throw new Error('dist/Code.js is missing: run `npm run build` (npm test does).');
  const findings = scanBundle(fs.readFileSync(CODE, 'utf8'));
  expect(findings.map((f) => `line ${f.line}: ${f.what}: ${f.text}`)).toEqual([]);
});
