/**
 * `npm run docs:screenshots`: makes the README's screenshots in docs/ from a fresh local server after the
 * example deliveries: sidebar.png (the Sheets tab at Google's 300px width, Call booked panel),
 * sidebar-forecast.png (the Connection tab with the capacity forecast), sidebar-selftest.png (the
 * self-test report in the Tools tab) and workbook.png (the viewer at /, 1280x800).
 * `-- --out <dir>` writes them there instead, with the Activity tab and a few workbook tabs besides.
 * `npm test` never runs this, so the committed PNGs change only when this command is run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../local/server';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = path.join(ROOT, 'src/core/examples');

/** One screenshot: its file name, whether the README uses it (docs/) or only --out gets it, and how to bring it on screen. */
interface Shot {
  name: string;
  docs: boolean;
  show: (page: Page) => Promise<void>;
}

const SIDEBAR_SHOTS: Shot[] = [
  {
    name: 'sidebar-forecast.png',
    docs: true,
    show: async (page) => {
      await page.click('#tab-connection');
      await page.waitForSelector('#capacity', { state: 'visible' });
    },
  },
  { name: 'sidebar-activity.png', docs: false, show: async (page) => page.click('#tab-activity') },
  {
    name: 'sidebar-selftest.png',
    docs: true,
    show: async (page) => {
      await page.click('#tab-tools');
      await page.click('#selftest');
      await page.waitForSelector('#selftest-verdict', { timeout: 60000 });
      // The report sits below the test buttons: scroll it to the top of the sidebar.
      await page.locator('#selftest-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    },
  },
  {
    name: 'sidebar.png',
    docs: true,
    show: async (page) => {
      await page.click('#tab-sheets');
      await page.selectOption('#hook-select', 'callBooked');
      await page.evaluate(() => window.scrollTo(0, 0));
    },
  },
];

async function main(): Promise<void> {
  const outAt = process.argv.indexOf('--out');
  const outDir = outAt > 0 ? path.resolve(process.argv[outAt + 1]) : null;
  const targetDir = outDir ?? path.join(ROOT, 'docs');
  const wrote = (file: string) => console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-screenshots-'));
  const server = await startServer({ port: 0, dataDir, distDir: path.join(ROOT, 'dist') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    for (const file of fs.readdirSync(EXAMPLES).sort()) {
      const res = await fetch(server.webhookUrl!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: fs.readFileSync(path.join(EXAMPLES, file), 'utf8'),
      });
      if (!res.ok) throw new Error(`posting ${file} failed: ${res.status}`);
    }
    // The workbook first, as the deliveries left it (the self-test below adds and removes scratch sheets).
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await viewer.goto(`${server.url}/`);
    await viewer.waitForLoadState('networkidle');
    // The tab a sales team reads first: the calls booked, with their readable columns.
    await viewer.click('#tabs button:has-text("Call booked")');
    await viewer.waitForTimeout(300);
    await viewer.screenshot({ path: path.join(targetDir, 'workbook.png') });
    wrote(path.join(targetDir, 'workbook.png'));
    if (outDir) {
      for (const sheet of ['Call booked', 'Contact created', 'Call outcome added']) {
        await viewer.click(`text="${sheet}"`);
        await viewer.waitForTimeout(300);
        const file = path.join(outDir, `workbook-${sheet.toLowerCase().replace(/ /g, '-')}.png`);
        await viewer.screenshot({ path: file });
        wrote(file);
      }
    }
    await viewer.close();

    const page = await browser.newPage({ viewport: { width: 300, height: 1000 } });
    await page.goto(`${server.url}/sidebar`);
    await page.waitForSelector('#app[data-ready="true"]', { timeout: 15000 });
    for (const shot of SIDEBAR_SHOTS) {
      if (!outDir && !shot.docs) continue;
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot.show(page);
      const file = path.join(targetDir, shot.name);
      await page.screenshot({ path: file });
      wrote(file);
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
