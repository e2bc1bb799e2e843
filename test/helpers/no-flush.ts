/** The built bundle with the delivery path's SpreadsheetApp.flush() before the lock's release taken out, to show that the tests of that flush can fail. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIST } from './harness';

/** The flush in the delivery path's critical section (src/gas/queue.ts): after a batch is written, before its stashes go and the lock is released. */
const DELIVERY_FLUSH = /SpreadsheetApp\.flush\(\);(\s*for \(const key of keys\) store\.deleteJson\(key\);)/g;

/**
 * True when the bundle in `from` was built from StrykerJS's instrumented sources (`npm run mutate`): every mutant is
 * compiled in behind a switch, so the flush's text appears once per mutant of that line and cannot be cut out here.
 * Under mutation testing, Stryker's own mutant that removes the flush takes this helper's place.
 */
export function instrumentedBundle(from: string = DIST): boolean {
  return fs.readFileSync(path.join(from, 'Code.js'), 'utf8').includes('__stryker__');
}

/** Copies the build in `from` (default dist/) into `dir` with the delivery path's flush removed; throws when the bundle no longer has exactly one such flush. */
export function bundleWithoutDeliveryFlush(dir: string, from: string = DIST): string {
  for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(dir, file));
  const codeFile = path.join(dir, 'Code.js');
  const code = fs.readFileSync(codeFile, 'utf8');
  const found = code.match(DELIVERY_FLUSH)?.length ?? 0;
  if (found !== 1)
    throw new Error(
      `Expected one "SpreadsheetApp.flush(); for (const key of keys) store.deleteJson(key);" in dist/Code.js (the delivery path's flush), found ${found}.`,
    );
  fs.writeFileSync(codeFile, code.replace(DELIVERY_FLUSH, '$1'));
  return dir;
}
