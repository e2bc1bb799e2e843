/** A burst of 300 deliveries in 10 modeled seconds, with Google's modeled latency and 30-execution cap: nothing refused, lost or doubled. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PATTERNS, runPattern } from '../../local/concurrency/burst';
import { DIST, PAYLOADS } from '../helpers/harness';

/** BURST_SCALE=<real ms per modeled ms>; the default runs the pattern 1.4 times as fast as Google (smaller scales let the twin's own CPU time count as Google time: docs/performance.md). */
const SCALE = Number(process.env.BURST_SCALE ?? 0.7);

beforeAll(() => {
  if (!fs.existsSync(path.join(DIST, 'Code.js'))) throw new Error(`${DIST}/Code.js is missing: run \`npm run build\` (npm test does).`);
});

describe('300 deliveries in 10 s with the latency profile', () => {
  it('every delivery runs (none refused by the cap), none is answered busy, each is written once', async () => {
    const pattern = PATTERNS.find((p) => p.name === '300 in 10 s')!;
    const f = await runPattern(pattern, { scale: SCALE, distDir: DIST, examplesDir: PAYLOADS });
    expect({ refused: f.refusedByCap, busy: f.busy, lost: f.lost, duplicates: f.duplicates }).toEqual({
      refused: 0,
      busy: 0,
      lost: 0,
      duplicates: 0,
    });
    expect(f.deliveries).toBe(300);
    // The executions did overlap, and every row is there within 3 modeled minutes.
    expect(f.peakExecutions).toBeGreaterThan(1);
    expect(f.lastRowAfterMs).not.toBeNull();
    expect(f.lastRowAfterMs!).toBeLessThanOrEqual(180_000);
  }, 180_000);
});
