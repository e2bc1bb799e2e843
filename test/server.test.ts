/**
 * The `npm start` server: started on a free port with a temporary DATA_DIR, against a bundle
 * built into a temporary folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../local/server';
import { JOURNAL_FILE, SNAPSHOT_INTERVAL_MS } from '../local/server-state';
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

/** The /api/run secret as the served /sidebar page holds it. */
async function sidebarSecret(s: RunningServer): Promise<string> {
  const html = await (await fetch(`${s.url}/sidebar`)).text();
  const match = /var SECRET = "([^"]+)"/.exec(html);
  if (!match) throw new Error('the /sidebar page holds no /api/run secret');
  return match[1];
}

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

    // POST /exec: Google's 302 to a one-time echo URL on this server, whose GET is always 200 (the
    // app's answer, or Google's error page); fetch follows it as senders that follow redirects do.
    const post = await fetch(`${s.url}/exec?token=${encodeURIComponent(TOKEN)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: 'call_booked', email: 'lead@example.com' }),
    });
    expect(post.redirected).toBe(true);
    expect(new URL(post.url).pathname).toBe('/macros/echo');
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({
      ok: true,
      results: [
        {
          hook: '(none)',
          sheet: 'Other hooks',
          action: 'unrouted',
          row: 2,
          message: 'Unknown hook type "(none)": kept in "Other hooks" with all its fields.',
        },
      ],
    });

    // Answered, so on disk: the journal holds the request before any snapshot does.
    const journalFile = path.join(dataDir, JOURNAL_FILE);
    expect(fs.readFileSync(journalFile, 'utf8')).toContain('lead@example.com');
    // state.json: present, valid JSON, no temp file left behind.
    const stateFile = path.join(dataDir, 'state.json');
    expect(fs.existsSync(stateFile)).toBe(true);
    expect(fs.existsSync(`${stateFile}.tmp`)).toBe(false);
    // Snapshotted within SNAPSHOT_INTERVAL_MS without waiting for a shutdown: looked at until it holds the sheet that request made; the journal is then empty.
    const savedSheets = (): string[] =>
      fs.existsSync(stateFile)
        ? JSON.parse(fs.readFileSync(stateFile, 'utf8')).spreadsheets[0].sheets.map((sh: { name: string }) => sh.name)
        : [];
    const journal = (): string => (fs.existsSync(journalFile) ? fs.readFileSync(journalFile, 'utf8') : '');
    while (!savedSheets().includes('Other hooks') || journal() !== '') await new Promise((resolve) => setTimeout(resolve, 50));
    expect(savedSheets()).toEqual(['Sheet1', 'Webhook log', 'Other hooks']);
    expect(journal()).toBe('');

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
    const secret = await sidebarSecret(s);
    const run = async (name: string, args: unknown[]) => {
      const res = await fetch(`${s.url}/api/run/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Script-Run-Secret': secret },
        body: JSON.stringify(args),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { ok: boolean; value?: unknown; error?: string };
    };
    const notFound = (name: string) => `Script function not found: ${name}`;
    const args: Record<string, unknown[]> = {
      saveSettings: [{}],
      sendTestDelivery: ['call-booked'],
      replayDeliveries: [{ limit: 1 }],
      rebuildPipeline: [{ limit: 1 }],
    };
    for (const name of SIDEBAR_FUNCTIONS) {
      const answer = await run(name, args[name] ?? []);
      expect(answer.error ?? '').not.toContain(notFound(name));
    }
    const others = exportedNames(path.join(__dirname, '..', 'src', 'index.ts')).filter(
      (n) => !(SIDEBAR_FUNCTIONS as readonly string[]).includes(n),
    );
    expect(others).toContain('doPost');
    for (const name of others) expect(await run(name, [])).toEqual({ ok: false, error: notFound(name) });
  });
});

describe('local server on disk', () => {
  const deliveryFor = (uuid: string) => [{ hookType: 'Call booked', event: { uuid }, invitee: { email: `${uuid}@example.com` } }];
  const deliver = (s: RunningServer, body: unknown, token: string | null = TOKEN) =>
    fetch(`${s.execUrl}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  const startIn = async (dir: string, log?: (m: string) => void) => {
    server = await startServer({ port: 0, dataDir: dir, token: TOKEN, distDir, log });
    return server;
  };
  const stop = async () => {
    await server?.close();
    server = null;
  };
  const savedText = (dir: string) => fs.readFileSync(path.join(dir, 'state.json'), 'utf8');

  test('a stream of unauthenticated requests does not hold the snapshot back', async () => {
    const dir = tempDir('iclosed-stream-');
    const s = await startIn(dir);
    await deliver(s, deliveryFor('stream-kept'));
    const started = Date.now();
    // Unauthenticated POSTs every 100 ms for longer than the snapshot interval: a debounce would never fire.
    while (Date.now() - started < SNAPSHOT_INTERVAL_MS + 1000) {
      await deliver(s, { junk: true }, null);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(savedText(dir)).toContain('stream-kept');
  }, 20000);

  test('requests in the journal after the snapshot run again at start; earlier ones and a cut-off last line do not', async () => {
    const dir = tempDir('iclosed-replay-');
    const s = await startIn(dir);
    await deliver(s, deliveryFor('in-snapshot'));
    await stop();
    const seq = JSON.parse(savedText(dir)).journalSeq as number;
    expect(seq).toBeGreaterThan(0);
    const entry = (n: number, uuid: string) =>
      JSON.stringify({
        seq: n,
        method: 'POST',
        url: `/exec?token=${TOKEN}`,
        contentType: 'application/json',
        body: JSON.stringify(deliveryFor(uuid)),
      });
    // As a SIGKILL leaves it: an entry the snapshot already holds, one it lacks, and a line cut off mid-write.
    fs.writeFileSync(
      path.join(dir, JOURNAL_FILE),
      `${entry(seq, 'old-entry')}\n${entry(seq + 1, 'after-snapshot')}\n${entry(seq + 2, 'cut-off').slice(0, 40)}`,
    );
    const again = await startIn(dir);
    const values = JSON.stringify(again.runtime.peek('Call booked')?.values);
    expect(values).toContain('after-snapshot');
    expect(values).toContain('in-snapshot');
    expect(values).not.toContain('old-entry');
    expect(values).not.toContain('cut-off');
    // Folded into a new snapshot at start: the next start replays nothing twice.
    expect(fs.readFileSync(path.join(dir, JOURNAL_FILE), 'utf8')).toBe('');
    const rows = again.runtime.peek('Call booked')!.values.filter((r) => r.includes('after-snapshot'));
    expect(rows).toHaveLength(1);
  }, 30000);

  test('a corrupt state.json stops the start with a message naming it and the way out, and is moved aside intact', async () => {
    const dir = tempDir('iclosed-corrupt-');
    const bad = '{"version":1,"spreadsheets":[{"na';
    fs.writeFileSync(path.join(dir, 'state.json'), bad);
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), 'journal bytes\n');
    const err = await startServer({ port: 0, dataDir: dir, token: TOKEN, distDir }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.message).toContain(path.join(dir, 'state.json'));
    expect(err!.message).toMatch(/moved to .*state\.json\.corrupt-/);
    expect(err!.message).toMatch(/Start again to begin with an empty workbook, or repair the moved file/);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(false);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]), 'utf8')).toBe(bad);
    const journalAside = fs.readdirSync(dir).filter((f) => f.startsWith(`${JOURNAL_FILE}.corrupt-`));
    expect(journalAside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, journalAside[0]), 'utf8')).toBe('journal bytes\n');
    // The way out works: the next start begins with an empty workbook and leaves the moved files alone.
    await startIn(dir);
    expect(fs.readFileSync(path.join(dir, aside[0]), 'utf8')).toBe(bad);
  }, 30000);

  test('a corrupt journal line stops the start with a message naming the journal; the journal is moved aside, state.json untouched', async () => {
    const dir = tempDir('iclosed-badjournal-');
    await startIn(dir);
    await stop();
    const state = savedText(dir);
    const journal = `not json at all\n${JSON.stringify({ seq: 99, method: 'POST', url: '/exec', body: '{}' })}\n`;
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), journal);
    const err = await startServer({ port: 0, dataDir: dir, token: TOKEN, distDir }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`${path.join(dir, JOURNAL_FILE)} line 1 is not a journal entry`);
    expect(err?.message).toMatch(/Start again to continue from the snapshot/);
    expect(savedText(dir)).toBe(state);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${JOURNAL_FILE}.corrupt-`));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]), 'utf8')).toBe(journal);
  }, 30000);

  test('an aborted upload is logged without the token', async () => {
    const dir = tempDir('iclosed-abort-');
    const lines: string[] = [];
    const s = await startIn(dir, (m) => lines.push(m));
    const port = Number(new URL(s.url).port);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /exec?token=${TOKEN}&hook=callBooked HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ntoken=${TOKEN}&a=`,
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('error', reject);
    });
    const deadline = Date.now() + 5000;
    while (!lines.some((l) => l.includes('/exec')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = lines.join('\n');
    expect(logged).toContain('POST /exec?token=[redacted]&hook=callBooked');
    expect(logged).not.toContain(TOKEN);
  }, 30000);
});
