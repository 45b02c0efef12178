// W3: the page in headless Chromium, from setting the files to the summary on
// screen, driven through the worker protocol (app.js `call('reconcile', …)`),
// with the main thread's responsiveness measured by a requestAnimationFrame
// loop and a long-task observer, and the largest wasm memory of the page's
// workers after the run. Prints one JSON line per run.
//
//   node benches/page.mjs CHARGES PAYMENTS [RUNS]
//
// Uses the system Chromium (CHROMIUM, default /usr/bin/chromium) through
// playwright-core; nothing is downloaded.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from '../tools/serve.mjs';

const [charges, payments, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const WWW = fileURLToPath(new URL('../www/', import.meta.url));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const server = await startServer({ root: WWW });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: FLAGS, chromiumSandbox: false,
});
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(server.origin + '/', { waitUntil: 'load' });
    await page.waitForSelector('html[data-state="ready"]', { timeout: 30_000 });
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.id = 'bench-files';
      input.hidden = true;
      document.body.append(input);
      // The clock starts when the files are set, as when a user picks them.
      input.addEventListener('change', () => { window.benchStart = performance.now(); }, { once: true });
    });
    await page.setInputFiles('#bench-files', [resolve(charges), resolve(payments)]);
    const result = await page.evaluate(async () => {
      const start = window.benchStart ?? performance.now();
      const { call } = await import('/app.js');
      let frames = 0;
      let maxFrameGap = 0;
      let last = performance.now();
      let running = true;
      const tick = (t) => {
        frames++;
        maxFrameGap = Math.max(maxFrameGap, t - last);
        last = t;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ entryTypes: ['longtask'] });
      const progress = [];
      const [c, p] = document.getElementById('bench-files').files;
      const [cb, pb] = await Promise.all([c.arrayBuffer(), p.arrayBuffer()]);
      const { overview } = await call(
        'reconcile',
        [{ charges: { bytes: cb, name: c.name }, payments: { bytes: pb, name: p.name }, asOf: '2026-06-30' }],
        { onProgress: (message, percent) => progress.push([performance.now() - start, `${message} (${percent}%)`]) },
      );
      const out = document.createElement('pre');
      out.textContent = `${overview.lines} lines; billed ${overview.summary.totals.billed}`;
      document.body.append(out);
      // On screen: the frame after the summary was put in the document.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const ms = performance.now() - start;
      running = false;
      observer.disconnect();
      // The longest gap, and the step reported just before it (where the time went).
      let maxProgressGap = 0;
      let maxProgressGapAfter = 'the start';
      let previous = [0, 'the start'];
      for (const report of [...progress, [ms, 'the summary on screen']]) {
        if (report[0] - previous[0] > maxProgressGap) {
          maxProgressGap = report[0] - previous[0];
          maxProgressGapAfter = `${previous[1]} → ${report[1]}`;
        }
        previous = report;
      }
      return {
        ms,
        lines: overview.lines,
        frames,
        maxFrameGapMs: maxFrameGap,
        longestTaskMs: Math.max(0, ...longTasks),
        progressReports: progress.length,
        maxProgressGapMs: maxProgressGap,
        maxProgressGapBetween: maxProgressGapAfter,
      };
    });
    // Peak wasm memory: the workers' linear memory after the run (it only grows). The worker
    // imported pkg/clearbill.js; importing it again gives the same module, whose init hands back
    // the instance it already has.
    const memories = await Promise.all(page.workers().map((worker) => worker.evaluate(async () => {
      const module = await import(`${self.location.origin}/pkg/clearbill.js`);
      return (await module.default()).memory.buffer.byteLength;
    }).catch(() => 0)));
    result.wasmMemoryBytes = Math.max(0, ...memories);
    console.log(JSON.stringify(result));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
