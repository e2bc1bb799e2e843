/**
 * The local workbook viewer (`GET /` of `npm start`) in a real browser: Debian's Chromium driven by
 * playwright-core at 1280 x 800, after the seven example deliveries. It must read like Google Sheets.
 * Without /usr/bin/chromium these tests are skipped locally (the sidebar suite fails in CI then).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, SPREADSHEET_NAME, type RunningServer } from '../../local/server';
import { DIST, PAYLOADS } from '../helpers/harness';
import { CHROMIUM, HANG_GUARD, launchChromium, openPage } from '../helpers/chromium';

const haveChromium = fs.existsSync(CHROMIUM);
/** Sheets' default display of a date-time written by a script (local/runtime/number-format.ts DEFAULT_DATETIME_FORMAT). */
const DATE_TIME_DISPLAY = /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2}$/;

interface SheetData {
  values: unknown[][];
  displayValues: string[][];
  empty: boolean;
}

(haveChromium ? describe : describe.skip)('workbook viewer in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const failedResponses: string[] = [];

  const sheet = async (name: string): Promise<SheetData> => {
    const res = await fetch(`${server.url}/api/sheets/${encodeURIComponent(name)}`);
    return (await res.json()) as SheetData;
  };
  const activeTab = () => page.locator('#tabs button[aria-selected="true"]').textContent();

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-viewer-'));
    server = await startServer({ port: 0, dataDir, distDir: DIST });
    const examples = fs
      .readdirSync(PAYLOADS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(examples).toHaveLength(7);
    // The seven examples, then enough repeats that the log scrolls past one screen.
    const bodies = [...examples, ...Array.from({ length: 40 }, () => 'call-booked.json')].map((f) =>
      fs.readFileSync(path.join(PAYLOADS, f), 'utf8'),
    );
    for (const body of bodies) {
      const res = await fetch(server.webhookUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    }
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    page.on('response', (r) => {
      if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#grid table');
  }, HANG_GUARD);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'is titled with the spreadsheet name and opens on the sheet that changed last, which is not empty',
    async () => {
      expect(await page.title()).toBe(SPREADSHEET_NAME);
      const { lastChanged } = (await (await fetch(`${server.url}/api/sheets`)).json()) as { lastChanged: string };
      const active = await activeTab();
      expect(active).toBe(lastChanged);
      expect(active).not.toBe('Sheet1');
      expect((await sheet(active!)).empty).toBe(false);
      expect(await page.locator('#grid tr').count()).toBeGreaterThan(2);
    },
    HANG_GUARD,
  );

  it(
    'keeps every row within two lines of text, though the log holds multi-line bodies',
    async () => {
      await page.locator('#tabs button', { hasText: 'Webhook log' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#grid tr').length > 40);
      const log = await sheet('Webhook log');
      expect(log.displayValues.some((row) => row.some((text) => text.split('\n').length > 10))).toBe(true);
      const { tallest, lineHeight } = await page.evaluate(() => {
        const rows = Array.from(document.querySelectorAll('#grid tr'));
        const td = document.querySelector('#grid td:not(.rownum)')!;
        return {
          tallest: Math.max(...rows.map((r) => r.getBoundingClientRect().height)),
          lineHeight: parseFloat(getComputedStyle(td).fontSize) * 1.25,
        };
      });
      expect(tallest).toBeGreaterThan(0);
      expect(tallest).toBeLessThanOrEqual(2 * lineHeight);
    },
    HANG_GUARD,
  );

  it(
    'shows a date cell in its display format, and its full text on click and hover',
    async () => {
      const log = await sheet('Webhook log');
      const column = log.values[0].indexOf('Received at');
      expect(column).toBeGreaterThanOrEqual(0);
      const iso = String(log.values[1][column]);
      expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const cell = page
        .locator('#grid tr')
        .nth(2)
        .locator('td')
        .nth(column + 1);
      const shown = (await cell.textContent())!;
      expect(shown).toMatch(DATE_TIME_DISPLAY);
      expect(shown).toBe(log.displayValues[1][column]);
      expect(shown).not.toBe(iso);

      const bodyColumn = log.values[0].indexOf('Body');
      const body = page
        .locator('#grid tr')
        .nth(2)
        .locator('td')
        .nth(bodyColumn + 1);
      expect(await body.getAttribute('title')).toBe(log.displayValues[1][bodyColumn]);
      await body.click();
      expect(await page.locator('#full').textContent()).toBe(log.displayValues[1][bodyColumn]);
      expect(await page.locator('#ref').textContent()).toBe(`${String.fromCharCode(65 + bodyColumn)}2`);
    },
    HANG_GUARD,
  );

  it(
    'keeps the header row, the frozen row and the row numbers in place while scrolling',
    async () => {
      await page.setViewportSize({ width: 900, height: 600 });
      const before = await page.evaluate(() => ({
        letters: document.querySelector('#grid th')!.getBoundingClientRect().top,
        frozen: document.querySelector('#grid tr.frozen td:not(.rownum)')!.getBoundingClientRect().top,
        number: document.querySelector('#grid tr:nth-child(30) td.rownum')!.getBoundingClientRect().left,
      }));
      await page.locator('#grid').evaluate((g) => {
        g.scrollTop = 300;
        g.scrollLeft = 400;
      });
      const after = await page.evaluate(() => ({
        grid: { top: document.querySelector('#grid')!.scrollTop, left: document.querySelector('#grid')!.scrollLeft },
        letters: document.querySelector('#grid th')!.getBoundingClientRect().top,
        frozen: document.querySelector('#grid tr.frozen td:not(.rownum)')!.getBoundingClientRect().top,
        number: document.querySelector('#grid tr:nth-child(30) td.rownum')!.getBoundingClientRect().left,
      }));
      expect(after.grid.top).toBeGreaterThan(0);
      expect(after.grid.left).toBeGreaterThan(0);
      expect(after.letters).toBe(before.letters);
      expect(after.frozen).toBe(before.frozen);
      expect(after.number).toBe(before.number);

      // A new delivery redraws the log on the next refresh; the view stays where the reader left it.
      const rows = await page.locator('#grid tr').count();
      const body = fs.readFileSync(path.join(PAYLOADS, 'call-booked.json'), 'utf8');
      await fetch(server.webhookUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      await page.locator('#grid tr:nth-child(30) td:not(.rownum)').first().click();
      const selected = await page.locator('#ref').textContent();
      const scrolled = await page.locator('#grid').evaluate((g) => [g.scrollTop, g.scrollLeft]);
      expect(scrolled[0]).toBeGreaterThan(0);
      await page.waitForFunction((n) => document.querySelectorAll('#grid tr').length > n, rows);
      expect(await page.locator('#grid').evaluate((g) => [g.scrollTop, g.scrollLeft])).toEqual(scrolled);
      expect(await page.locator('#ref').textContent()).toBe(selected);
      expect(await page.locator('#grid td.selected').count()).toBe(1);
    },
    HANG_GUARD,
  );

  it(
    'keeps the tab strip on one line, scrolling when the window is narrow, and the browser asks for nothing that is missing',
    async () => {
      await page.setViewportSize({ width: 600, height: 800 });
      const strip = await page.locator('#tabs').evaluate((t) => ({ scrollWidth: t.scrollWidth, clientWidth: t.clientWidth }));
      expect(strip.scrollWidth).toBeGreaterThan(strip.clientWidth);
      const tops = await page.locator('#tabs button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().top));
      expect(tops.length).toBeGreaterThan(8);
      expect(new Set(tops).size).toBe(1);
      const favicon = await fetch(`${server.url}/favicon.ico`);
      expect(favicon.status).toBe(200);
      expect(favicon.headers.get('content-type')).toMatch(/^image\//);
      expect(failedResponses).toEqual([]);
    },
    HANG_GUARD,
  );
});
