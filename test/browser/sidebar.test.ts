/**
 * The sidebar in a real browser: Debian's Chromium driven by playwright-core, against `npm start`'s
 * server (the built sidebar with google.script.run routed to the app in the local runtime).
 * Without /usr/bin/chromium these tests are skipped locally and fail in CI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../local/server';
import { DIST, payload, RECORDED_WEB_APP_URL } from '../helpers/harness';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
const SCREENSHOT = path.resolve(__dirname, '../../docs/sidebar.png');

if (!haveChromium && process.env.CI) {
  test('Chromium is installed for the browser tests', () => {
    throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package (apt-get install chromium).`);
  });
}

(haveChromium ? describe : describe.skip)('sidebar in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  const post = async (body: unknown): Promise<any> => {
    const res = await fetch(`${server.webhookUrl}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  };
  const sheet = async (name: string): Promise<unknown[][]> => {
    const res = await fetch(`${server.url}/api/sheets/${encodeURIComponent(name)}`);
    return ((await res.json()) as { values: unknown[][] }).values;
  };
  const openSidebar = async () => {
    await page.goto(`${server.url}/sidebar`);
    await page.waitForSelector('#app[data-ready="true"]', { timeout: 15000 });
  };
  const labels = () => page.locator('#columns li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field')));

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-browser-'));
    server = await startServer({ port: 0, dataDir, distDir: DIST });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 300, height: 900 } });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the webhook URL with its token', async () => {
    await openSidebar();
    // After a real deploy the bundle carries the recorded /exec URL, which the sidebar shows instead of the local one.
    const token = new URL(server.webhookUrl!).searchParams.get('token')!;
    expect(await page.inputValue('#webhook-url')).toBe(RECORDED_WEB_APP_URL ? `${RECORDED_WEB_APP_URL}?token=${encodeURIComponent(token)}` : server.webhookUrl);
    expect(await page.locator('#url-warning').count()).toBe(0);
  }, 30000);

  it('renders webhook-sourced field names, hooks and messages as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const contact = { ...payload('contact-created')[0], [evil]: 'x' };
    expect((await post(contact)).ok).toBe(true);
    expect((await post([{ hookType: '<script>window.__pwned=2</script>', a: 1 }])).ok).toBe(true);
    await openSidebar();
    await page.selectOption('#hook-select', 'contactCreated');
    const row = page.locator(`#columns li[data-field="${evil.replace(/"/g, '\\"')}"] code.path`);
    expect(await row.textContent()).toBe(evil);
    expect(await page.locator('#activity').textContent()).toContain('<script>window.__pwned=2</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#columns img, #activity script').count()).toBe(0);
  }, 30000);

  it('changes the Call booked key and columns; two deliveries with the new key give one row with exactly those columns', async () => {
    await openSidebar();
    await page.selectOption('#hook-select', 'callBooked');
    // Key: invitee.email instead of the call id.
    await page.click('#key-fields button[aria-label="Remove event.uuid from the key"]');
    await page.selectOption('#key-field', 'invitee.email');
    await page.click('#add-key');
    expect(await page.locator('#key-fields code').allTextContents()).toEqual(['invitee.email']);
    // Columns: only three, relabelled, the start time typed as a date.
    const chosen = ['invitee.email', 'invitee.name', 'event.utc_start_time'];
    const boxes = page.locator('#columns li');
    const count = await boxes.count();
    for (let i = 0; i < count; i += 1) {
      const li = boxes.nth(i);
      const field = await li.getAttribute('data-field');
      if (!chosen.includes(field!)) await li.locator('input[type=checkbox]').uncheck();
    }
    await page.fill('input[aria-label="Header label for invitee.email"]', 'Email');
    await page.fill('input[aria-label="Header label for invitee.name"]', 'Name');
    await page.fill('input[aria-label="Header label for event.utc_start_time"]', 'Starts');
    await page.selectOption('select[aria-label="Typing for event.utc_start_time"]', 'date');

    // Keyboard only: Alt+ArrowUp moves the focused column and keeps focus on it.
    const order = async () => (await labels()).filter((f) => chosen.includes(f!));
    await page.focus('input[aria-label="Header label for invitee.email"]');
    while ((await order())[0] !== 'invitee.email') {
      await page.keyboard.press('Alt+ArrowUp');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Header label for invitee.email');
    }
    // Then Tab to the "up" button of invitee.name and press Enter until it is second.
    await page.focus('input[aria-label="Header label for invitee.name"]');
    await page.keyboard.press('Tab'); // typing select
    await page.keyboard.press('Tab'); // up button
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move invitee.name up');
    while ((await order())[1] !== 'invitee.name') {
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move invitee.name up');
    }
    expect(await order()).toEqual(['invitee.email', 'invitee.name', 'event.utc_start_time']);

    await page.click('#save');
    await page.waitForFunction(() => /Saved|error/i.test(document.querySelector('#save-status')?.textContent ?? ''));
    expect(await page.textContent('#save-status')).toMatch(/^Saved/);
    await page.evaluate(() => document.querySelector('#columns li[data-field="invitee.email"]')!.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: SCREENSHOT });

    const first = payload('call-booked');
    const second = payload('call-booked');
    second[0].event.uuid = '99999';
    second[0].invitee.name = 'Raya F.';
    expect((await post(first)).results[0]).toMatchObject({ action: 'appended', row: 2 });
    expect((await post(second)).results[0]).toMatchObject({ action: 'updated', row: 2 });
    const values = await sheet('Call booked');
    const header = values[0].map(String);
    expect(header.filter((h) => !['Received at', 'Row key', 'Fingerprint'].includes(h))).toEqual(['Email', 'Name', 'Starts']);
    expect(values).toHaveLength(2);
    const row = Object.fromEntries(header.map((h, i) => [h, values[1][i]]));
    expect(row).toMatchObject({ Email: 'zogiji@example.com', Name: 'Raya F.', Starts: '2025-05-13T10:15:00.000Z', 'Row key': 'zogiji@example.com' });
  }, 60000);

  it('refuses invalid settings with the server message', async () => {
    await openSidebar();
    await page.selectOption('#hook-select', 'callCancelled');
    await page.click('#key-fields button[aria-label="Remove event.uuid from the key"]');
    await page.click('#save');
    await page.waitForFunction(() => (document.querySelector('#save-status')?.className ?? '').includes('error'));
    expect(await page.textContent('#save-status')).toMatch(/needs a key/);
  }, 30000);

  it('sends a test delivery and replays with progress', async () => {
    await openSidebar();
    await page.click('#test-buttons button[data-hook="callOutcome"]');
    await page.waitForFunction(() => /appended|duplicate/.test(document.querySelector('#test-status')?.textContent ?? ''));
    expect(await page.textContent('#test-status')).toMatch(/Call outcome added: appended in "Call outcome added", row 2/);
    await fetch(`${server.webhookUrl}`, { method: 'POST', body: '{"broken":' });
    await openSidebar();
    await page.click('#replay');
    await page.waitForFunction(() => /Replayed \d+/.test(document.querySelector('#replay-status')?.textContent ?? ''));
    expect(await page.textContent('#replay-status')).toMatch(/Replayed [1-9]\d* deliveries/);
  }, 60000);
});
