/**
 * Headless Chromium for the browser tests and the browser benchmark: Debian's `chromium` driven by
 * playwright-core (no browser download). CI installs it from Debian (.ci/run).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { PageTimings } from './src/main.js';

export const CHROMIUM = process.env.METERPROOF_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (install Debian's "chromium" package, or set METERPROOF_CHROMIUM)`;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh user data directory (empty caches); `close` removes it. */
export async function launchBrowser(o: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const { chromium } = await import('playwright-core');
  const userData = mkdtempSync(join(tmpdir(), 'meterproof-chromium-'));
  const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: o.viewport ?? { width: 1280, height: 900 } });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** What the page shows after a step: its message (an error or a notice), if any. */
export async function pageMessage(page: Page): Promise<string | null> {
  return (await page.isVisible('#message')) ? ((await page.textContent('#message')) ?? '').trim() : null;
}

/** The household opens its readings: meter id and key typed, then "Open my readings". */
export async function openReadings(page: Page, meterId: string, key: string): Promise<void> {
  await page.fill('#meter-id', meterId);
  await page.fill('#user-key', key);
  await page.click('#open');
  await page.waitForFunction(() => !(document.querySelector('#open') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
}

/** "Prove and send", then the receipt: the certified result id and the page's timings. */
export async function proveAndSend(page: Page, timeoutMs = 120_000): Promise<{ resultId: string; timings: PageTimings }> {
  await page.waitForFunction(() => !(document.querySelector('#prove') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  await page.click('#prove');
  await page.waitForSelector('#receipt:not([hidden]), #message:not([hidden]), #prove-message:not([hidden])', { timeout: timeoutMs });
  const message = (await pageMessage(page)) ?? ((await page.isVisible('#prove-message')) ? await page.textContent('#prove-message') : null);
  if (message) throw new Error(`the page says: ${message.trim()}`);
  const resultId = await page.getAttribute('#receipt-fields', 'data-result-id');
  const timings = await page.evaluate(() => (window as unknown as { meterproof: { timings: PageTimings } }).meterproof.timings);
  return { resultId: resultId!, timings };
}
