/**
 * Webhook senders against `npm start`'s /exec, which answers a POST as Google does (apps-script-facts.md
 * §1 "Redirect": 302 to a one-time /macros/echo URL; GET there gives the output, POST there 405 after
 * doPost already ran). A sender that does not follow redirects, one that follows with GET and one
 * that POSTs again: each leaves its delivery in the sheet exactly once.
 */
import * as http from 'node:http';
import { startServer, type RunningServer } from '../local/server';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const TOKEN = 'sender-token-0123456789abcdef';

let distDir: string;
let server: RunningServer | null = null;

beforeAll(() => {
  distDir = tempDir('iclosed-dist-');
  buildInto(distDir);
});

afterEach(async () => {
  await server?.close();
  server = null;
});

afterAll(() => removeTempDirs());

interface Answer {
  status: number;
  location?: string;
  body: string;
}

/** One HTTP request that never follows a redirect by itself. */
function send(method: string, url: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const delivery = (uuid: string) =>
  JSON.stringify([{ hookType: 'Call booked', event: { uuid }, invitee: { email: `${uuid}@example.com` } }]);

/** Data rows of "Call booked" holding `uuid` in some cell (its column's label is the user's to choose). */
function rowsOf(s: RunningServer, uuid: string): number {
  const values = s.runtime.peek('Call booked')?.values ?? [];
  return values.slice(1).filter((row) => row.some((v) => String(v) === uuid)).length;
}

async function start(execDirect = false): Promise<RunningServer> {
  server = await startServer({ port: 0, dataDir: tempDir('iclosed-sender-'), token: TOKEN, distDir, execDirect });
  return server;
}

describe('senders against the 302', () => {
  test('a sender that does not follow redirects: 302 with a one-time echo URL on this server; the row is written', async () => {
    const s = await start();
    const first = await send('POST', `${s.webhookUrl}`, delivery('no-follow'));
    expect(first.status).toBe(302);
    expect(first.location).toMatch(
      new RegExp(`^${s.url.replace('localhost', '(localhost|127\\.0\\.0\\.1)')}/macros/echo\\?user_content_key=[\\w-]{40,}&lib=`),
    );
    expect(first.body).toContain('Moved Temporarily');
    expect(rowsOf(s, 'no-follow')).toBe(1);
  });

  test('a sender that follows with GET reads the output once; the echo URL is then gone', async () => {
    const s = await start();
    const first = await send('POST', `${s.webhookUrl}`, delivery('follow-get'));
    expect(first.status).toBe(302);
    const echoed = await send('GET', first.location!);
    expect(echoed.status).toBe(200);
    const answer = JSON.parse(echoed.body);
    expect(answer.ok).toBe(true);
    expect(answer.results[0].action).toBe('appended');
    expect((await send('GET', first.location!)).status).toBe(404);
    // fetch follows as browsers do: POST, then GET on the 302.
    const viaFetch = await fetch(`${s.webhookUrl}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: delivery('follow-get'),
    });
    expect(viaFetch.redirected).toBe(true);
    expect(((await viaFetch.json()) as { results: { action: string }[] }).results[0].action).toBe('duplicate');
    expect(rowsOf(s, 'follow-get')).toBe(1);
  });

  test('a sender that POSTs again to the echo URL gets 405 after doPost ran, then retries the delivery: one row', async () => {
    const s = await start();
    const first = await send('POST', `${s.webhookUrl}`, delivery('re-post'));
    expect(first.status).toBe(302);
    const again = await send('POST', first.location!, delivery('re-post'));
    expect(again.status).toBe(405);
    expect(rowsOf(s, 're-post')).toBe(1);
    // It logs the 405 as a failure and retries the whole delivery, as some senders do.
    const retry = await send('POST', `${s.webhookUrl}`, delivery('re-post'));
    expect(retry.status).toBe(302);
    expect(JSON.parse((await send('GET', retry.location!)).body).results[0].action).toBe('duplicate');
    // The 405 did not use the first echo URL up.
    expect((await send('GET', first.location!)).status).toBe(200);
    expect(rowsOf(s, 're-post')).toBe(1);
  });

  test('an unknown echo key is 404; other methods on /exec 405', async () => {
    const s = await start();
    expect((await send('GET', `${s.url}/macros/echo?user_content_key=nothing`)).status).toBe(404);
    expect((await send('GET', `${s.url}/macros/echo`)).status).toBe(404);
    expect((await send('PUT', s.execUrl, '{}')).status).toBe(405);
  });

  test('execDirect (EXEC_DIRECT=1) answers the POST with 200 and the output', async () => {
    const s = await start(true);
    const direct = await send('POST', `${s.webhookUrl}`, delivery('direct'));
    expect(direct.status).toBe(200);
    expect(direct.location).toBeUndefined();
    expect(JSON.parse(direct.body).results[0].action).toBe('appended');
    expect(rowsOf(s, 'direct')).toBe(1);
  });
});
