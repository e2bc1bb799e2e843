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
import { CHROMIUM, HANG_GUARD, launchChromium, openPage } from '../helpers/chromium';

const haveChromium = fs.existsSync(CHROMIUM);
const VIEWPORT = { width: 300, height: 900 };

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
    const res = await fetch(`${server.webhookUrl}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.json();
  };
  const sheet = async (name: string): Promise<unknown[][]> => {
    const res = await fetch(`${server.url}/api/sheets/${encodeURIComponent(name)}`);
    return ((await res.json()) as { values: unknown[][] }).values;
  };
  const openSidebar = async () => {
    await page.goto(`${server.url}/sidebar`);
    await page.waitForSelector('#app[data-ready="true"]');
  };
  const labels = () => page.locator('#columns li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field')));
  const openHook = async (id: string) => {
    await page.click('#tab-sheets');
    await page.selectOption('#hook-select', id);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-browser-'));
    server = await startServer({ port: 0, dataDir, distDir: DIST });
    browser = await launchChromium();
    page = await openPage(browser, { viewport: VIEWPORT });
  }, HANG_GUARD);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'shows the webhook URL with its token',
    async () => {
      await openSidebar();
      // After a real deploy the bundle carries the recorded /exec URL, which the sidebar shows instead of the local one.
      const token = new URL(server.webhookUrl!).searchParams.get('token')!;
      expect(await page.inputValue('#webhook-url')).toBe(
        RECORDED_WEB_APP_URL ? `${RECORDED_WEB_APP_URL}?token=${encodeURIComponent(token)}` : server.webhookUrl,
      );
      expect(await page.locator('#url-warning').count()).toBe(0);
    },
    HANG_GUARD,
  );

  it(
    'shows the capacity forecast in the Connection area',
    async () => {
      await openSidebar();
      await page.click('#tab-connection');
      const text = await page.textContent('#panel-connection #capacity');
      expect(text).toMatch(/Cells: [\d,]+ of 10,000,000/);
      expect(text).toContain('(7 days)');
      expect(text).toContain('(30 days)');
    },
    HANG_GUARD,
  );

  it(
    'renders webhook-sourced field names, hooks and messages as text',
    async () => {
      const evil = '<img src=x onerror="window.__pwned=1">';
      const contact = { ...payload('contact-created')[0], [evil]: 'x' };
      expect((await post(contact)).ok).toBe(true);
      expect((await post([{ hookType: '<script>window.__pwned=2</script>', a: 1 }])).ok).toBe(true);
      await openSidebar();
      await openHook('contactCreated');
      const row = page.locator(`#columns li[data-field="${evil.replace(/"/g, '\\"')}"] code.path`);
      expect(await row.textContent()).toBe(evil);
      expect(await page.locator('#activity').textContent()).toContain('<script>window.__pwned=2</script>');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#columns img, #activity script').count()).toBe(0);
    },
    HANG_GUARD,
  );

  it(
    'changes the Call booked key and columns; two deliveries with the new key give one row with exactly those columns',
    async () => {
      await openSidebar();
      await openHook('callBooked');
      // Key: invitee.email instead of the call id.
      await page.click('#key-fields button[aria-label="Remove event.uuid from the key"]');
      await page.selectOption('#key-field', 'invitee.email');
      await page.click('#add-key');
      expect(await page.locator('#key-fields code').allTextContents()).toEqual(['invitee.email']);
      // Columns: only three of the default columns, relabelled, the start time typed as a date; the rest stay in Other fields.
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
      await page.keyboard.press('Tab'); // move-to-top button
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

      const first = payload('call-booked');
      const second = payload('call-booked');
      second[0].event.uuid = '99999';
      second[0].invitee.name = 'Raya F.';
      expect((await post(first)).results[0]).toMatchObject({ action: 'appended', row: 2 });
      expect((await post(second)).results[0]).toMatchObject({ action: 'updated', row: 2 });
      const values = await sheet('Call booked');
      const header = values[0].map(String);
      expect(header.filter((h) => !['Received at', 'Row key', 'Fingerprint', 'Other fields'].includes(h))).toEqual([
        'Email',
        'Name',
        'Starts',
      ]);
      expect(values).toHaveLength(2);
      const row = Object.fromEntries(header.map((h, i) => [h, values[1][i]]));
      expect(row).toMatchObject({
        Email: 'zogiji@example.com',
        Name: 'Raya F.',
        Starts: '2025-05-13T10:15:00.000Z',
        'Row key': 'zogiji@example.com',
      });
    },
    HANG_GUARD,
  );

  it(
    'previews what a save does to the rows already written, next to Save, and applies it only when asked',
    async () => {
      await post(payload('call-booked'));
      await openSidebar();
      await openHook('callBooked');
      const headerBefore = (await sheet('Call booked'))[0].map(String);
      // The start time has a column on the sheet (the test above chose it third): move it to the top.
      await page.click('button[aria-label="Move event.utc_start_time to the top"]');
      await page.click('#save');
      await page.waitForSelector('#save-preview:not([hidden]) li');
      const preview = await page.locator('#save-changes li').allTextContents();
      expect(preview.join('\n')).toMatch(/"Call booked": columns move into the sidebar's order/);
      // The preview changed nothing yet, and sits inside the view with its Apply button.
      expect((await sheet('Call booked'))[0].map(String)).toEqual(headerBefore);
      const box = (await page.locator('#save-apply').boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
      await page.click('#save-cancel');
      expect(await page.isHidden('#save-preview')).toBe(true);
      expect((await sheet('Call booked'))[0].map(String)).toEqual(headerBefore);
      await page.click('#save');
      await page.waitForSelector('#save-preview:not([hidden]) li');
      await page.click('#save-apply');
      await page.waitForFunction(() => /^Saved/.test(document.querySelector('#save-status')?.textContent ?? ''));
      expect(await page.textContent('#save-status')).toMatch(/columns move into the sidebar's order/);
      const headerAfter = (await sheet('Call booked'))[0].map(String);
      expect(headerAfter).not.toEqual(headerBefore);
      expect([...headerAfter].sort()).toEqual([...headerBefore].sort());
    },
    HANG_GUARD,
  );

  it(
    'refuses invalid settings with the server message',
    async () => {
      await openSidebar();
      await openHook('callCancelled');
      await page.click('#key-fields button[aria-label="Remove event.uuid from the key"]');
      await page.click('#save');
      await page.waitForFunction(() => (document.querySelector('#save-status')?.className ?? '').includes('error'));
      expect(await page.textContent('#save-status')).toMatch(/needs a key/);
    },
    HANG_GUARD,
  );

  it(
    'sends a test delivery and replays with progress',
    async () => {
      await openSidebar();
      await page.click('#tab-tools');
      await page.click('#test-buttons button[data-hook="callOutcome"]');
      await page.waitForFunction(() => /appended|duplicate/.test(document.querySelector('#test-status')?.textContent ?? ''));
      expect(await page.textContent('#test-status')).toMatch(/Call outcome added: appended in "Call outcome added", row 2/);
      await fetch(`${server.webhookUrl}`, { method: 'POST', body: '{"broken":' });
      await openSidebar();
      await page.click('#tab-activity');
      await page.click('#replay');
      await page.waitForFunction(() => /Replayed \d+/.test(document.querySelector('#replay-status')?.textContent ?? ''));
      expect(await page.textContent('#replay-status')).toMatch(/Replayed [1-9]\d* deliveries/);
    },
    HANG_GUARD,
  );

  /** Horizontal overflow of the page and of every table, and words wrapped inside themselves in table cells. */
  const layoutProblems = () =>
    page.evaluate(() => {
      const problems: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth) problems.push(`page: scrollWidth ${doc.scrollWidth} > clientWidth ${doc.clientWidth}`);
      const visible = (el: Element) => (el as HTMLElement).offsetParent !== null;
      for (const table of [...document.querySelectorAll('table')].filter(visible)) {
        if (table.scrollWidth > table.clientWidth)
          problems.push(`table #${table.id}: scrollWidth ${table.scrollWidth} > clientWidth ${table.clientWidth}`);
        if (table.getBoundingClientRect().right > doc.clientWidth)
          problems.push(`table #${table.id} ends at ${table.getBoundingClientRect().right}px`);
        for (const cell of table.querySelectorAll('td, th')) {
          const style = getComputedStyle(cell);
          if (style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere')
            problems.push(`"${cell.textContent}" may break mid-word (${style.wordBreak}, ${style.overflowWrap})`);
          const width = cell.getBoundingClientRect().width;
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of (node.textContent ?? '').matchAll(/\S+/g)) {
              const range = document.createRange();
              range.setStart(node, m.index!);
              range.setEnd(node, m.index! + m[0].length);
              const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
              // A word that fits its cell must sit on one line; only a token wider than the cell itself may wrap.
              const tooWide = [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0) > width;
              if (lines.size > 1 && !tooWide)
                problems.push(`"${m[0]}" is broken across ${lines.size} lines in a ${Math.round(width)}px cell`);
            }
          }
        }
      }
      return problems;
    });

  it(
    'fits 300px: no horizontal overflow and no word broken mid-word in any tab or table',
    async () => {
      // Activity with every kind of row: appended, duplicate, updated, failed (a long message), unrouted.
      for (const file of ['call-booked', 'call-booked', 'contact-created', 'contact-by-status', 'outcome-added']) await post(payload(file));
      await post([{ hookType: 'Some future trigger', a: 1 }]);
      await fetch(`${server.webhookUrl}`, { method: 'POST', body: '{"broken":' });
      await openSidebar();
      const found: string[] = [];
      for (const tab of ['connection', 'sheets', 'activity', 'tools']) {
        await page.click(`#tab-${tab}`);
        expect(await page.isVisible(`#panel-${tab}`)).toBe(true);
        if (tab === 'activity') {
          expect(await page.locator('#activity-table tbody tr').count()).toBeGreaterThan(5);
          const outcomes = await page.locator('#activity-table td.outcome').allTextContents();
          expect(outcomes).toEqual(expect.arrayContaining(['duplicate', 'appended', 'failed', 'unrouted']));
        }
        if (tab === 'connection') expect(await page.locator('#hook-stats-table tbody tr').count()).toBe(7);
        if (tab === 'sheets') {
          for (const id of ['callBooked', 'contactUpdated', 'callOutcome']) {
            await page.selectOption('#hook-select', id);
            found.push(...(await layoutProblems()).map((p) => `${id}: ${p}`));
            const height = await page.evaluate(() => document.documentElement.scrollHeight);
            if (height > 2 * VIEWPORT.height) found.push(`${id}: ${height}px long`);
          }
        }
        found.push(...(await layoutProblems()).map((p) => `${tab}: ${p}`));
        // Each section is one or two screens long.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        if (height > 2 * VIEWPORT.height) found.push(`${tab}: ${height}px long`);
      }
      expect(found).toEqual([]);
      // Status words keep their shape: each outcome fits its cell on one line.
      await page.click('#tab-activity');
      const outcomeCells = await page.locator('#activity-table td.outcome').evaluateAll((tds) =>
        tds.map((td) => ({
          text: td.textContent,
          fits: td.scrollWidth <= td.clientWidth,
          lines: Math.round(td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight || '15')),
        })),
      );
      for (const cell of outcomeCells) expect(cell).toMatchObject({ fits: true });
    },
    HANG_GUARD,
  );

  it(
    'shows the Save feedback next to Save, inside the view, after Save is clicked in the middle of the field list',
    async () => {
      await openSidebar();
      await openHook('callRescheduled');
      await page.click('#other-title'); // unfold the fields kept in Other fields: a long list
      const fields = page.locator('#columns li, #other-columns li');
      const middle = fields.nth(Math.floor((await fields.count()) / 2));
      await middle.scrollIntoViewIfNeeded();
      await middle.evaluate((li) => li.scrollIntoView({ block: 'center' }));
      const scrolled = await page.evaluate(() => window.scrollY);
      expect(scrolled).toBeGreaterThan(VIEWPORT.height);
      await page.click('#save');
      await page.waitForFunction(() => /Saved|error/i.test(document.querySelector('#save-status')?.textContent ?? ''));
      expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
      const inView = async (selector: string) => {
        const box = (await page.locator(selector).boundingBox())!;
        return box.y >= 0 && box.x >= 0 && box.y + box.height <= VIEWPORT.height && box.x + box.width <= VIEWPORT.width;
      };
      expect(await page.textContent('#save-status')).toMatch(/^Saved/);
      expect(await inView('#save-status')).toBe(true);
      expect(await inView('#save')).toBe(true);
      // An error shows in the same place.
      await page.fill('#sheet-name', 'Webhook log');
      await middle.evaluate((li) => li.scrollIntoView({ block: 'center' }));
      await page.click('#save');
      await page.waitForFunction(() => (document.querySelector('#save-status')?.className ?? '').includes('error'));
      expect(await page.textContent('#save-status')).toMatch(/app's own sheet/);
      expect(await inView('#save-status')).toBe(true);
    },
    HANG_GUARD,
  );

  it(
    'orders the field list: essentials first, search, example values, move to top, drag and drop, Other fields to a column',
    async () => {
      await openSidebar();
      await openHook('callRescheduled');
      expect((await labels()).slice(0, 3)).toEqual(['event.utc_start_time', 'invitee.name', 'invitee.email']);
      expect(await page.inputValue('input[aria-label="Header label for invitee.email"]')).toBe('Email');
      expect(await page.textContent('#columns li[data-field="invitee.email"] .meta')).toContain('e.g. zogiji@example.com');
      // Search narrows both lists.
      await page.fill('#column-search', 'utm');
      const shown = await page
        .locator('#columns li:visible, #other-columns li:visible')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field')));
      expect(shown.length).toBeGreaterThan(2);
      for (const field of shown) expect(field).toMatch(/utm/i);
      await page.fill('#column-search', '');
      // Move to top.
      await page.click('button[aria-label="Move tracking.utm_campaign to the top"]');
      expect((await labels())[0]).toBe('tracking.utm_campaign');
      // Drag and drop: the Email card onto the first card.
      await page.dragAndDrop('#columns li[data-field="invitee.email"] .handle', '#columns li[data-field="tracking.utm_campaign"]');
      expect((await labels()).slice(0, 2)).toEqual(['invitee.email', 'tracking.utm_campaign']);
      // A field from Other fields becomes the last column.
      expect(await page.locator('#other-section').getAttribute('open')).not.toBeNull(); // the search unfolded it
      await page.selectOption('select[aria-label="Where event_type.uuid goes"]', 'column');
      expect((await labels()).at(-1)).toBe('event_type.uuid');
      expect(await page.locator('#other-columns li[data-field="event_type.uuid"]').count()).toBe(0);
    },
    HANG_GUARD,
  );

  it(
    'the workbook viewer shows cells as Sheets displays them: dates in the spreadsheet time zone, not ISO text',
    async () => {
      const res = await fetch(`${server.url}/api/sheets/${encodeURIComponent('Call booked')}`);
      const { values, displayValues } = (await res.json()) as { values: unknown[][]; displayValues: string[][] };
      const received = values[0].indexOf('Received at');
      expect(String(values[1][received])).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
      expect(displayValues[1][received]).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2}$/);
      await page.goto(`${server.url}/`);
      await page.click('text="Call booked"');
      await page.waitForFunction((shown) => document.body.textContent!.includes(shown), displayValues[1][received]);
    },
    HANG_GUARD,
  );

  it(
    'shows the self-test verdict from the required checks, with the informational ones apart',
    async () => {
      await openSidebar();
      await page.click('#tab-tools');
      await page.click('#selftest');
      await page.waitForSelector('#selftest-verdict');
      expect(await page.textContent('#selftest-verdict')).toMatch(/^Your deliveries are safe on this account/);
      const required = await page.locator('#selftest-required li').count();
      const informational = await page.locator('#selftest-informational li').count();
      expect(required).toBeGreaterThan(5);
      expect(informational).toBeGreaterThan(5);
      expect(await page.textContent('#selftest-informational summary')).toMatch(/^Informational: \d+ as expected, 0 differ$/);
    },
    HANG_GUARD,
  );
});
