/**
 * `npm start`'s banner: it says the local URL is for this machine only and that iClosed needs the
 * Google web app URL, and its curl line posts a delivery to the running server as printed. The local
 * workbook carries the name `npm run setup` gives the Google spreadsheet.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { banner, exampleCurl, SPREADSHEET_NAME, startServer, type RunningServer } from '../local/server';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  const distDir = tempDir('iclosed-dist-');
  buildInto(distDir);
  dataDir = tempDir('iclosed-data-');
  server = await startServer({ port: 0, dataDir, distDir });
}, 60000);

afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

/** Runs a printed shell line as a user would paste it, in `cwd`, while the server keeps answering. */
async function paste(line: string, cwd: string): Promise<unknown> {
  const { stdout } = await run('sh', ['-c', line], { cwd, timeout: 20000 });
  return JSON.parse(stdout);
}

test('the banner says the local URL is for this machine and gives the web app URL command', () => {
  const text = banner(server, dataDir);
  const port = new URL(server.url).port;
  expect(text).toContain(`http://localhost:${port}/`);
  expect(text).toMatch(/iClosed cannot reach it/);
  expect(text).toMatch(/iClosed needs the\s+Google web app URL, which `npm run deploy` prints/);
  expect(text).not.toMatch(/paste .* into iClosed/i);
  expect(text).toContain(path.join(dataDir, 'state.json'));
});

test("the banner's curl line, pasted as printed, delivers to the running server on its actual port", async () => {
  const line = banner(server, dataDir)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('curl '));
  expect(line).toBeDefined();
  expect(line).toContain(`localhost:${new URL(server.url).port}/exec?token=`);
  expect(line).toMatch(/^curl -sL /);
  expect(server.runtime.peek('Call booked')).toBeNull();
  expect(await paste(line!, process.cwd())).toMatchObject({ ok: true, results: [{ hook: 'Call booked', action: 'appended' }] });
  expect(server.runtime.peek('Call booked')!.values.flat()).toContain('Strategy Session');
}, 30000);

test('from another folder the curl line names the example by its full path', async () => {
  const elsewhere = tempDir('iclosed-cwd-');
  const line = exampleCurl(server, elsewhere)!;
  expect(line).toContain(path.join(ROOT, 'src', 'core', 'examples', 'call-booked.json'));
  expect(await paste(line, elsewhere)).toMatchObject({ ok: true });
}, 30000);

test('the local spreadsheet has the name npm run setup gives the Google one', () => {
  const tasks = fs.readFileSync(path.join(ROOT, 'scripts/clasp-tasks.mjs'), 'utf8');
  const title = /const DEFAULT_TITLE = '([^']+)'/.exec(tasks);
  expect(title).not.toBeNull();
  expect(SPREADSHEET_NAME).toBe(title![1]);
  expect(server.runtime.summary()!.name).toBe(SPREADSHEET_NAME);
});
