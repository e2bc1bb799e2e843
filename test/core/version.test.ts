/** The name and version doGet reports are the package's own. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NAME, APP_VERSION } from '../../src/core/version';

test('the app reports the name and version of its package.json', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
  expect(APP_NAME).toBe(pkg.name);
  expect(APP_VERSION).toBe(pkg.version);
  expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});
