/**
 * Machine-readable output is only that: the build prints its summary on stderr, and the benchmarks'
 * --json prints one JSON document alone on stdout (progress, if any, goes to stderr), so
 * `npm run -s bench -- --json | node -e 'JSON.parse(...)'` works.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { removeTempDirs, tempDir } from './helpers/temp';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

afterAll(() => removeTempDirs());

/** Runs node with `args` in the project folder; stdout and stderr apart. */
const node = (args: string[]) => run(process.execPath, args, { cwd: ROOT, timeout: 240000, maxBuffer: 64 * 1024 * 1024 });

test('the build writes nothing to stdout and its summary to stderr', async () => {
  const { stdout, stderr } = await node(['build.mjs', '--outdir', tempDir('iclosed-dist-')]);
  expect(stdout).toBe('');
  expect(stderr).toMatch(/^build: .*Code\.js/m);
});

// The bench scripts run as `npm run bench` does, minus its build (npm test has built dist/, and
// rebuilding dist/ here would race the suites that read it).
test('bench --json prints JSON alone on stdout', async () => {
  const { stdout } = await node(['scripts/run-ts.mjs', 'bench/bench.ts', '--json', '--quick', '--reps', '1']);
  const result = JSON.parse(stdout);
  expect(result.sizes).toEqual([1000, 10000]);
  expect(result.rows.length).toBeGreaterThan(0);
}, 240000);

test('bench:http --json prints JSON alone on stdout', async () => {
  const { stdout } = await node(['scripts/run-ts.mjs', 'bench/http.ts', '--json', '--amount', '50']);
  const result = JSON.parse(stdout);
  expect(result.amount).toBe(50);
  expect(result.runs.length).toBeGreaterThan(0);
}, 240000);
