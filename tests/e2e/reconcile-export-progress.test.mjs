// Downloading the xlsx of a large reconciliation (issue 21 item 3): the status line names each
// step of the export as the worker starts it, and the page's own thread stays free while the
// worker lays out and writes the workbook (no task over 200 ms, the W3 bound of BENCH.md).

import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { withPage, XLSX_WRITER } from './harness.mjs';
import { chooseFile, PRACTICE, reconcileBy, wasmInNode } from './reconcile.helpers.mjs';

/** The practice charges 60 times over (about 36,000 rows), each copy with its own claim numbers. */
async function bigCharges() {
  const COPIES = 60;
  const text = await readFile(`${PRACTICE}charges.csv`, 'latin1');
  const lines = text.split('\r\n');
  const header = lines.findIndex((line) => line.startsWith('Claim #,'));
  const data = lines.slice(header + 1).filter((line) => /^\d/.test(line));
  const big = [
    ...lines.slice(0, header + 1),
    ...Array.from({ length: COPIES }, (_, copy) => data.map((line) => (copy === 0 ? line : `C${copy}-${line}`))).flat(),
  ].join('\r\n');
  const path = join(await mkdtemp(join(tmpdir(), 'clearbill-export-')), 'big-charges.csv');
  await writeFile(path, big, 'latin1');
  return { path, rows: data.length * COPIES };
}

test('downloading the xlsx of a large reconciliation shows each step in the status line, and the page stays responsive', async () => {
  const charges = await bigCharges();
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', charges.path);
      await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      const lines = Number((await page.textContent('#lines-heading')).replace(/\D/g, ''));
      assert.ok(lines > charges.rows * 0.9, `${lines} lines on screen for ${charges.rows} charge rows`);

      // Every text the status line shows, and every long task of the page's thread, from the click on.
      await page.evaluate(() => {
        window.exportWatch = { statuses: [], longTasks: [] };
        const status = document.getElementById('status');
        new MutationObserver(() => window.exportWatch.statuses.push(status.textContent)).observe(status, {
          childList: true,
          characterData: true,
          subtree: true,
        });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.exportWatch.longTasks.push(Math.round(entry.duration));
        }).observe({ entryTypes: ['longtask'] });
      });
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.click('#export-xlsx'),
      ]);
      const { statuses, longTasks } = await page.evaluate(() => window.exportWatch);

      const steps = statuses.filter((s) => s.startsWith('Making the xlsx file: '));
      assert.deepEqual(
        steps,
        ['Making the xlsx file: laying out the workbook (0%)…', 'Making the xlsx file: writing the xlsx file (10%)…'],
        `the status line showed: ${JSON.stringify(statuses)}`,
      );
      assert.match(statuses.at(-1), /^Saved .*\.xlsx to your downloads\.$/);
      assert.ok(
        longTasks.every((ms) => ms <= 200),
        `the page's thread had tasks of ${JSON.stringify(longTasks)} ms while the worker wrote the xlsx`,
      );

      // The file is the whole report: a Lines sheet with a row per line under its heading.
      const sheet = (await wasmInNode()).inspect(await readFile(await download.path()), 'big.xlsx', 'Lines');
      assert.equal(sheet.rows, lines);
    },
    { name: 'reconcile-export-progress', afterReady: XLSX_WRITER },
  );
});
