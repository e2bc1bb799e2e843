/**
 * The `npm start` server: started on a free port with a temporary DATA_DIR, against a bundle
 * built into a temporary folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../local/server';
import { SIDEBAR_FUNCTIONS } from '../src/core/sidebar-api';
import { exportedNames } from './helpers/exports';
import { APP_VERSION } from '../src/core/version';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const TOKEN = 'test-token-0123456789abcdef';

let distDir: string;
let dataDir: string;
let server: RunningServer | null = null;

beforeAll(() => {
  distDir = tempDir('iclosed-dist-');
  buildInto(distDir);
  dataDir = tempDir('iclosed-data-');
});

afterEach(async () => {
  if (server) await server.close();
  server = null;
});

afterAll(() => {
  removeTempDirs();
});

const start = async () => {
  server = await startServer({ port: 0, dataDir, token: TOKEN, distDir });
  return server;
};

describe('local server', () => {
  test('serves the workbook viewer, the sheet API and /exec; persists state; keeps it across a restart', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(s.execUrl).toBe(`${s.url}/exec`);
    if (s.token !== null) {
      // Once ingestion stores the secret: the one given, and a webhook URL that carries it.
      expect(s.token).toBe(TOKEN);
      expect(s.webhookUrl).toBe(`${s.url}/exec?token=${encodeURIComponent(TOKEN)}`);
    } else {
      expect(s.setupPending).toBe(true);
      expect(s.webhookUrl).toBeNull();
    }

    // GET / : a self-contained page.
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('/api/sheets');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/innerHTML/);

    // GET /api/sheets
    const sheetsRes = await fetch(`${s.url}/api/sheets`);
    expect(sheetsRes.status).toBe(200);
    const { sheets } = (await sheetsRes.json()) as { sheets: string[] };
    expect(sheets).toEqual(['Sheet1', 'Webhook log']);

    // GET /api/sheets/<name>
    const valuesRes = await fetch(`${s.url}/api/sheets/${encodeURIComponent(sheets[0])}`);
    expect(valuesRes.status).toBe(200);
    const { values } = (await valuesRes.json()) as { values: unknown[][] };
    expect(values).toEqual([['']]);

    const missing = await fetch(`${s.url}/api/sheets/${encodeURIComponent('No such sheet ✗')}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await missing.json()).toEqual({ error: 'no sheet named "No such sheet ✗"' });

    // GET /exec: doGet's JSON, status 200.
    const get = await fetch(`${s.url}/exec`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await get.json()).toEqual({ ok: true, app: 'iclosed-sheets', version: APP_VERSION, setUp: true });

    // POST /exec: always 200 (the app's answer, or Google's error page).
    const post = await fetch(`${s.url}/exec?token=${encodeURIComponent(TOKEN)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: 'call_booked', email: 'lead@example.com' }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({
      ok: true,
      results: [{ hook: '(none)', sheet: 'Other hooks', action: 'unrouted', row: 2, message: 'Unknown hook type "(none)": kept in "Other hooks" with all its fields.' }],
    });

    // state.json: present, valid JSON, no temp file left behind.
    const stateFile = path.join(dataDir, 'state.json');
    expect(fs.existsSync(stateFile)).toBe(true);
    expect(fs.existsSync(`${stateFile}.tmp`)).toBe(false);
    // Saved after the last request without waiting for a shutdown: looked at until it holds the sheet that request made.
    const savedSheets = (): string[] => JSON.parse(fs.readFileSync(stateFile, 'utf8')).spreadsheets[0].sheets.map((sh: { name: string }) => sh.name);
    while (!savedSheets().includes('Other hooks')) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(savedSheets()).toEqual(['Sheet1', 'Webhook log', 'Other hooks']);

    const before = {
      token: s.token,
      sheets: s.runtime.sheetNames(),
      values: Object.fromEntries(s.runtime.sheetNames().map((n) => [n, JSON.stringify(s.runtime.peek(n)?.values)])),
    };
    await s.close();
    server = null;

    // Restart on the same DATA_DIR: same sheets, same contents, same stored token.
    const again = await startServer({ port: 0, dataDir, distDir });
    server = again;
    expect(again.token).toBe(before.token);
    expect(again.runtime.sheetNames()).toEqual(before.sheets);
    for (const name of before.sheets) {
      expect(JSON.stringify(again.runtime.peek(name)?.values)).toBe(before.values[name]);
    }
    const res = await fetch(`${again.url}/api/sheets`);
    expect(((await res.json()) as { sheets: string[] }).sheets).toEqual(before.sheets);
  });

  test('answers concurrent webhook deliveries, one at a time, all with 200', async () => {
    const s = await start();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${s.execUrl}?token=${encodeURIComponent(TOKEN)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ n: i }),
        }).then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const results = answers.map((a) => JSON.parse(a.body).results[0]);
    expect(results.map((r) => r.action)).toEqual(Array(8).fill('unrouted'));
    // One at a time: each took the next row, and the sheet ends with the eight of them.
    const last = s.runtime.peek('Other hooks')!.values.length;
    expect(results.map((r) => r.row).sort((x, y) => x - y)).toEqual(Array.from({ length: 8 }, (_, i) => last - 7 + i));
  });

  test('a form-encoded POST, a path after /exec and other methods', async () => {
    const s = await start();
    const form = await fetch(`${s.execUrl}?a=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'b=2',
    });
    expect(form.status).toBe(200);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const put = await fetch(s.execUrl, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    await put.text();
    const unknown = await fetch(`${s.url}/nope`);
    expect(unknown.status).toBe(404);
    await unknown.text();
  });

  test('a body over the cap gets 413', async () => {
    const s = await start();
    const res = await fetch(s.execUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
    await res.text();
  });

  test('/api/run calls exactly the sidebar list (SIDEBAR_FUNCTIONS) and refuses every other global', async () => {
    const s = await start();
    const run = async (name: string, args: unknown[]) => {
      const res = await fetch(`${s.url}/api/run/${encodeURIComponent(name)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
      expect(res.status).toBe(200);
      return (await res.json()) as { ok: boolean; value?: unknown; error?: string };
    };
    const notFound = (name: string) => `Script function not found: ${name}`;
    const args: Record<string, unknown[]> = { saveSettings: [{}], sendTestDelivery: ['call-booked'], replayDeliveries: [{ limit: 1 }], rebuildPipeline: [{ limit: 1 }] };
    for (const name of SIDEBAR_FUNCTIONS) {
      const answer = await run(name, args[name] ?? []);
      expect(answer.error ?? '').not.toContain(notFound(name));
    }
    const others = exportedNames(path.join(__dirname, '..', 'src', 'index.ts')).filter((n) => !(SIDEBAR_FUNCTIONS as readonly string[]).includes(n));
    expect(others).toContain('doPost');
    for (const name of others) expect(await run(name, [])).toEqual({ ok: false, error: notFound(name) });
  });
});
