/**
 * Other sites' pages against `npm start`'s local surfaces, in Chromium: a page on another local port
 * submits a form, sends a text/plain fetch and a no-cors fetch to /api/run/rotateToken, and tries to
 * read /api/sheets. None of it changes the token or reads a sheet; the served sidebar still works.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../local/server';
import { DIST } from '../helpers/harness';
import { CHROMIUM, HANG_GUARD, launchChromium, openPage } from '../helpers/chromium';

(fs.existsSync(CHROMIUM) ? describe : describe.skip)('a page on another origin, in Chromium', () => {
  let server: RunningServer;
  let attacker: http.Server;
  let attackerUrl: string;
  let browser: Browser;
  let dataDir: string;

  /** The attacking page: every way a page can send to another origin without the server's consent. */
  const attackPage = (target: string) => `<!DOCTYPE html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${target}/api/run/rotateToken" target="sink" enctype="text/plain"><input name="[]" value=""></form>
<script>
  window.results = {};
  // The form's answer (whatever it is) loads into the iframe: waiting for that load, not for a fixed time, tells
  // the test the server has handled the form.
  const formAnswered = new Promise((resolve) => document.querySelector('iframe').addEventListener('load', resolve, { once: true }));
  document.getElementById('f').submit();
  Promise.allSettled([formAnswered,
    fetch('${target}/api/run/rotateToken', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '[]' }),
    fetch('${target}/api/run/rotateToken', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '[]' }),
    fetch('${target}/api/run/saveSettings', { method: 'POST', mode: 'no-cors', body: '[]' }),
    fetch('${target}/api/sheets').then(r => r.text()),
  ]).then(r => { window.results = r.slice(1).map(x => x.status + ':' + (x.status === 'fulfilled' && typeof x.value === 'string' ? x.value : '')); window.done = true; });
</script></body></html>`;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-csrf-'));
    server = await startServer({ port: 0, dataDir, distDir: DIST });
    attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(attackPage(server.url));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, HANG_GUARD);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'changes nothing and reads nothing; the sidebar served by the server still calls /api/run',
    async () => {
      const before = server.runtime.execute('editor', () =>
        JSON.stringify(server.app.context.PropertiesService.getScriptProperties().getProperties()),
      );
      const page = await openPage(browser);
      await page.goto(attackerUrl);
      await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true);
      const results = await page.evaluate(() => (window as unknown as { results: string[] }).results);
      // The cross-origin read of /api/sheets fails in the browser (no CORS answer): nothing of the sheets reaches the page.
      expect(results[3]).toBe('rejected:');
      const after = server.runtime.execute('editor', () =>
        JSON.stringify(server.app.context.PropertiesService.getScriptProperties().getProperties()),
      );
      expect(after).toBe(before);

      const sidebar = await openPage(browser);
      await sidebar.goto(`${server.url}/sidebar`);
      await sidebar.waitForSelector('#app[data-ready="true"]');
      expect(await sidebar.inputValue('#webhook-url')).toBe(server.webhookUrl);
    },
    HANG_GUARD,
  );
});
