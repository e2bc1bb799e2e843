/** The name and version doGet reports are the package's own. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The module loaded afresh inside the test that calls this, so what it builds at load time (the name and version) is part
 * of what that test runs; a mutation run counts a test only for code it ran.
 */
function freshVersion(): typeof import('../../src/core/version') {
  let mod: typeof import('../../src/core/version') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../src/core/version');
  });
  return mod!;
}

test('the app reports the name and version of its package.json', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const { APP_NAME, APP_VERSION } = freshVersion();
  expect(APP_NAME).toBe(pkg.name);
  expect(APP_VERSION).toBe(pkg.version);
  expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});
