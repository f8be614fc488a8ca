/** The browser the browser tests use starts, loads a page the hub serves, and runs its script. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('headless Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  beforeAll(async () => {
    hub = await createTestHub();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('loads /hub.js from the hub and exposes window.conversionHub', async () => {
    const page = await browser.newPage();
    // A merchant's page (no CSP of the hub's) loading the script cross-origin.
    await page.setContent(`<html><body><script src="${hub.url}/hub.js"></script></body></html>`, { waitUntil: 'load' });
    expect(await page.evaluate(() => typeof (globalThis as unknown as { conversionHub?: unknown }).conversionHub)).toBe('object');
  });
});
