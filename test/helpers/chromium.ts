/** Debian's Chromium for the browser tests, started as this machine allows (no sandbox as root, no background networking on a closed network). */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * The one time limit of the browser tests: it only stops a test that hangs. A test fails on what the page shows,
 * never because a loaded machine (another suite beside this one) made a page slow; so every wait and every
 * test gets this limit, not a short one.
 */
export const HANG_GUARD = 10 * 60_000;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browser;
}

/** A new page whose waits for selectors, functions and navigation are limited by HANG_GUARD only. */
export async function openPage(browser: Browser, options?: BrowserContextOptions): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(HANG_GUARD);
  return page;
}
