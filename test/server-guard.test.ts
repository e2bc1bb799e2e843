/**
 * The `npm start` server's local surfaces (/, /sidebar, /api/sheets, /api/run) against other sites'
 * pages: cross-site form posts, text/plain and no-cors fetches (with the headers Chromium sends for
 * them), DNS rebinding (a foreign Host), while curl and the served sidebar keep working.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import { startServer, type RunningServer } from '../local/server';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const TOKEN = 'guard-token-0123456789abcdef';

let distDir: string;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  distDir = tempDir('iclosed-dist-');
  buildInto(distDir);
  server = await startServer({ port: 0, dataDir: tempDir('iclosed-guard-'), token: TOKEN, distDir });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so every header (Host included) is exactly the one given. */
function request(method: string, target: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: target, headers: { host: `localhost:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** curl itself, run without blocking the event loop the server answers on. */
function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile('curl', args, (err, stdout) => (err ? reject(err) : resolve(stdout))));
}

const storedSettings = () =>
  server.runtime.execute('editor', () => JSON.stringify(server.app.context.PropertiesService.getScriptProperties().getProperties()));

async function sidebarSecret(): Promise<string> {
  const page = await request('GET', '/sidebar', {});
  const match = /var SECRET = "([^"]+)"/.exec(page.body);
  if (!match) throw new Error('no secret in /sidebar');
  return match[1];
}

/** What Chromium sends for a request from a page on http://localhost:3000 (another local port: same site, other origin). */
const OTHER_PORT_PAGE = { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' };

describe('local surfaces refuse other sites', () => {
  test('CSRF: a cross-site form post, a text/plain fetch and a no-cors fetch to /api/run change nothing', async () => {
    const before = storedSettings();
    const attempts: Answer[] = [
      // <form method=post action=http://localhost:PORT/api/run/rotateToken> submitted from another local port.
      await request(
        'POST',
        '/api/run/rotateToken',
        { ...OTHER_PORT_PAGE, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-mode': 'navigate' },
        'x=1',
      ),
      // fetch(url, {method:'POST', headers:{'Content-Type':'text/plain'}, body:'[]'}): a "simple" request, no preflight.
      await request(
        'POST',
        '/api/run/saveSettings',
        { ...OTHER_PORT_PAGE, 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-mode': 'cors' },
        '[{}]',
      ),
      // The same with mode:'no-cors' from a page elsewhere on the web.
      await request(
        'POST',
        '/api/run/rotateToken',
        { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'content-type': 'text/plain' },
        '[]',
      ),
      // A page that hides its Origin ("null": sandboxed iframe, data: URL).
      await request('POST', '/api/run/rotateToken', { origin: 'null', 'content-type': 'text/plain' }, '[]'),
      // A same-origin request without the sidebar's secret (e.g. a page served elsewhere on this server's port range).
      await request('POST', '/api/run/rotateToken', { 'content-type': 'application/json' }, '[]'),
      // The secret guessed wrong.
      await request('POST', '/api/run/rotateToken', { 'content-type': 'application/json', 'x-script-run-secret': 'guess' }, '[]'),
    ];
    for (const a of attempts) {
      expect(a.status).toBe(403);
      expect(a.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(storedSettings()).toBe(before);
  });

  test("the issue's curl: saveSettings with a foreign Origin and text/plain is refused and resets nothing", async () => {
    const before = storedSettings();
    const out = await curl([
      '-s',
      '-w',
      '\n%{http_code}',
      '-X',
      'POST',
      `localhost:${port}/api/run/saveSettings`,
      '-H',
      'Origin: http://evil.example',
      '-H',
      'Content-Type: text/plain',
      '-d',
      '[]',
    ]);
    expect(out.split('\n').pop()).toBe('403');
    expect(storedSettings()).toBe(before);
  });

  test('a preflight for /api/run is never granted: the server answers no CORS', async () => {
    const pre = await request('OPTIONS', '/api/run/rotateToken', {
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-script-run-secret,content-type',
    });
    expect(pre.status).toBeGreaterThanOrEqual(400);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-headers']).toBeUndefined();
  });

  test('DNS rebinding: a foreign Host gets neither the pages, the sheets, the sidebar secret nor /api/run', async () => {
    const secret = await sidebarSecret();
    const before = storedSettings();
    const rebound = { host: `evil.example:${port}` };
    for (const [method, target] of [
      ['GET', '/'],
      ['GET', '/sidebar'],
      ['GET', '/api/sheets'],
      ['GET', '/api/sheets/Webhook%20log'],
    ]) {
      const a = await request(method, target, rebound);
      expect(a.status).toBe(403);
      expect(a.body).not.toContain(TOKEN);
      expect(a.body).not.toContain(secret);
    }
    // Even holding the secret (it cannot read it, but say it could), a rebound page cannot call the sidebar.
    const run = await request(
      'POST',
      '/api/run/rotateToken',
      { ...rebound, 'content-type': 'application/json', 'x-script-run-secret': secret },
      '[]',
    );
    expect(run.status).toBe(403);
    // Another port on a loopback name is another origin as well.
    expect((await request('GET', '/api/sheets', { host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    expect(storedSettings()).toBe(before);
  });

  test('curl keeps working: reads of /api/sheets on localhost and 127.0.0.1, /exec with its token from any Host', async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const out = await curl(['-s', `http://${host}:${port}/api/sheets`]);
      expect(JSON.parse(out).sheets).toContain('Webhook log');
    }
    const answer = JSON.parse(
      // No -X POST: with it, curl -L would POST again to the echo URL and get 405, as from Google.
      await curl([
        '-sL',
        `http://localhost:${port}/exec?token=${TOKEN}`,
        '-H',
        'Content-Type: application/json',
        '--data-binary',
        '[{"hookType":"Call booked","event":{"uuid":"curl-1"}}]',
      ]),
    );
    expect(answer.ok).toBe(true);
    // /exec is Google's public endpoint: another Host (a tunnel) reaches it, and only the token lets a delivery in.
    const viaTunnel = await request(
      'POST',
      `/exec?token=${TOKEN}`,
      { host: 'abc.tunnel.example', 'content-type': 'application/json' },
      '[{"hookType":"Call booked","event":{"uuid":"tunnel-1"}}]',
    );
    expect(viaTunnel.status).toBe(302);
    expect(viaTunnel.headers.location).toMatch(/^\/macros\/echo\?user_content_key=/);
    const noToken = await request(
      'POST',
      '/exec',
      { host: 'evil.example', origin: 'http://evil.example', 'content-type': 'text/plain' },
      '[{"hookType":"Call booked","event":{"uuid":"evil-1"}}]',
    );
    expect(noToken.status).toBe(302);
    const echoed = await request('GET', noToken.headers.location!, { host: 'evil.example' });
    expect(JSON.parse(echoed.body).error.code).toBe('unauthorized');
    const rows = JSON.stringify(server.runtime.peek('Call booked')?.values);
    expect(rows).toContain('curl-1');
    expect(rows).toContain('tunnel-1');
    expect(rows).not.toContain('evil-1');
  });

  test('the served sidebar page calls /api/run with its secret from its own origin', async () => {
    const secret = await sidebarSecret();
    const a = await request(
      'POST',
      '/api/run/getSidebarState',
      {
        origin: `http://localhost:${port}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
        'x-script-run-secret': secret,
      },
      '[]',
    );
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body).ok).toBe(true);
    expect(secret).toBe(server.scriptRunSecret);
  });
});
