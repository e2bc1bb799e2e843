/** Jest globalTeardown: fails the run when a test left anything in the run's temp folder (see temp-guard-setup.ts), then removes it. */
import * as fs from 'node:fs';

export default function teardown(): void {
  const dir = process.env.ICLOSED_TEST_TMP;
  if (!dir || !fs.existsSync(dir)) return;
  const left = fs.readdirSync(dir).sort();
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length) {
    throw new Error(
      `The tests left ${left.length} entries in the temp folder: ${left.join(', ')}. Every test removes what it creates (afterAll/finally).`,
    );
  }
}
