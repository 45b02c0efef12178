// Screenshots of the page as a person sees it, at the three screen sizes we check by eye:
// 1366×768 and 1280×900 (laptops) and 390×844 (a phone). For each size it opens the page, clicks
// "Try with sample data", waits for the results, saves the screen (not the full page: the answer
// should be in view) and the full page, and reports any element wider than the screen.
//
//   node tools/screenshots.mjs [OUT_DIR]     (default tests/e2e/output/screens; make wasm first)

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from './serve.mjs';

const WWW = fileURLToPath(new URL('../www/', import.meta.url));
const OUT = process.argv[2] ?? fileURLToPath(new URL('../tests/e2e/output/screens/', import.meta.url));
const SIZES = [
  [1366, 768],
  [1280, 900],
  [390, 844],
];

await mkdir(OUT, { recursive: true });
const server = await startServer({ root: WWW });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
  chromiumSandbox: false,
});
try {
  for (const [width, height] of SIZES) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(server.origin);
    await page.waitForSelector('html[data-state="ready"]');
    await page.click('text=Try with sample data');
    await page.waitForSelector('#results:not([hidden])', { timeout: 60_000 });
    await page.evaluate(() => document.querySelector('#results-heading')?.scrollIntoView());
    await page.screenshot({ path: `${OUT}/reconcile-${width}x${height}.png` });
    await page.screenshot({ path: `${OUT}/reconcile-${width}x${height}-full.png`, fullPage: true });
    const wide = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      const found = [];
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || el.closest('[hidden]')) continue;
        // Inside a box that scrolls on its own is fine.
        let scroller = el.parentElement;
        while (scroller && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement;
        if (scroller && scroller !== document.body && scroller !== document.documentElement) continue;
        if (box.right > limit + 1) found.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${Math.round(box.right)}`);
      }
      return { page: document.documentElement.scrollWidth, limit, found: found.slice(0, 10) };
    });
    console.log(`${width}x${height}: page ${wide.page}px wide in ${wide.limit}px`, wide.found.length ? wide.found : 'nothing wider than the screen');
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
