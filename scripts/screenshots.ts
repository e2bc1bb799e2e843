/**
 * `npm run docs:screenshots`: makes docs/sidebar.png, the sidebar at Google's 300px width showing the
 * Call booked panel (sheet, write mode, key, the first columns) after the example deliveries.
 * `-- --out <dir>` writes the screenshots there instead (the sidebar's other tabs and the workbook too).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../local/server';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = path.join(ROOT, 'src/core/examples');

async function main(): Promise<void> {
  const outAt = process.argv.indexOf('--out');
  const outDir = outAt > 0 ? path.resolve(process.argv[outAt + 1]) : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclosed-screenshots-'));
  const server = await startServer({ port: 0, dataDir, distDir: path.join(ROOT, 'dist') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    for (const file of fs.readdirSync(EXAMPLES).sort()) {
      const res = await fetch(server.webhookUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: fs.readFileSync(path.join(EXAMPLES, file), 'utf8') });
      if (!res.ok) throw new Error(`posting ${file} failed: ${res.status}`);
    }
    const page = await browser.newPage({ viewport: { width: 300, height: 1000 } });
    await page.goto(`${server.url}/sidebar`);
    await page.waitForSelector('#app[data-ready="true"]', { timeout: 15000 });
    const shots: Array<[string, () => Promise<void>]> = [
      ['sidebar-connection.png', async () => page.click('#tab-connection')],
      ['sidebar-activity.png', async () => page.click('#tab-activity')],
      ['sidebar-tools.png', async () => page.click('#tab-tools')],
      ['sidebar.png', async () => {
        await page.click('#tab-sheets');
        await page.selectOption('#hook-select', 'callBooked');
      }],
    ];
    for (const [name, show] of shots) {
      if (!outDir && name !== 'sidebar.png') continue;
      await show();
      await page.evaluate(() => window.scrollTo(0, 0));
      const target = path.join(outDir ?? path.join(ROOT, 'docs'), name);
      await page.screenshot({ path: target });
      console.log(`Wrote ${path.relative(process.cwd(), target)}`);
    }
    if (outDir) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${server.url}/`);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(outDir, 'workbook.png') });
      for (const sheet of ['Call booked', 'Contact created', 'Call outcome added']) {
        await page.click(`text="${sheet}"`);
        await page.waitForTimeout(300);
        const name = `workbook-${sheet.toLowerCase().replace(/ /g, '-')}.png`;
        await page.screenshot({ path: path.join(outDir, name) });
        console.log(`Wrote ${path.join(outDir, name)}`);
      }
      console.log(`Wrote ${path.join(outDir, 'workbook.png')}`);
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
