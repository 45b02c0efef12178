// How a patient gets to the estimate view: an address ending in #estimate opens it
// directly, and a click on its tab while the page still says "Loading…" is not lost.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from '../../tools/serve.mjs';
import { CHROMIUM, withPage } from './harness.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));

test('an address ending in #estimate opens the estimate view, and so does changing to it', async () => {
  await withPage(
    async (page) => {
      assert.equal(await page.isVisible('#estimate-view #est-form'), true);
      assert.equal(await page.isHidden('#reconcile-view'), true);
      assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
      await page.click('#reconcile-tab');
      await page.evaluate(() => {
        location.hash = '';
      });
      await page.evaluate(() => {
        location.hash = '#estimate';
      });
      await page.waitForSelector('#estimate-view:not([hidden])');
      assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
    },
    { path: '/#estimate', name: 'estimate-landing' },
  );
});

test('a click on the estimate tab while the page is loading shows the estimate view once ready', async () => {
  const server = await startServer({ root: WWW });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
    chromiumSandbox: false,
  });
  try {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    // The engine's file arrives late, as on a slow connection: the page says "Loading…" meanwhile.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await context.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.origin, { waitUntil: 'load' });
    assert.equal(await page.textContent('#status'), 'Loading…');
    assert.equal(await page.getAttribute('html', 'data-state'), null, 'not ready yet');
    await page.click('#estimate-tab');
    assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true', 'the tab answers at once');
    release();
    await page.waitForSelector('html[data-state="ready"]');
    assert.equal(await page.isVisible('#estimate-view #est-form'), true, 'the estimate view is shown once ready');
    assert.equal(await page.isHidden('#reconcile-view'), true);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
