// Keyboard only, end to end: choose both files through their inputs, change a
// column's role, set the as-of date, reconcile, filter and sort the lines, and
// download the export, with Tab, arrows, Space and Enter only. Every control on
// the way must be reachable and labelled, and focus must never be lost.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { XLSX_WRITER, withPage } from './harness.mjs';
import { PRACTICE, expected, reconcileBy } from './reconcile.helpers.mjs';

/** Presses Tab until `selector` has the focus (at most `limit` times); fails if it never does. */
async function tabTo(page, selector, limit = 150) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  assert.fail(`Tab never reached ${selector}; focus is on ${at}`);
}

/** Opens a file input's chooser with the keyboard and picks `path`. */
async function chooseWithKeyboard(page, role, path) {
  await tabTo(page, `#${role}-file`);
  // Headless Chromium now and then ignores the key that should open a chooser
  // (about one run in five, with or without load); a person would press it again.
  let chooser;
  for (const key of ['Space', 'Enter', 'Space']) {
    [chooser] = await Promise.all([
      page.waitForEvent('filechooser', { timeout: 5_000 }).catch(() => null),
      page.keyboard.press(key),
    ]);
    if (chooser) break;
  }
  assert.ok(chooser, `the ${role} input opens its chooser from the keyboard`);
  await chooser.setFiles(path);
  await page.locator(`[data-role="${role}"] .file-card[data-state="ready"]`).waitFor();
}

test('a practice maps, reconciles, filters and exports its files with the keyboard alone', async () => {
  await withPage(
    async (page) => {
      await chooseWithKeyboard(page, 'charges', `${PRACTICE}charges.xlsx`);
      await chooseWithKeyboard(page, 'payments', `${PRACTICE}payments.csv`);

      // Payments column H ("Billed Amt") is read as nothing: arrows move through the roles, Home goes to "(not used)".
      const select = '[data-role="payments"] select[aria-label^="Column H "]';
      await tabTo(page, select);
      await page.keyboard.press('Home');
      await page.locator('[data-role="payments"] .file-card[data-state="ready"]').waitFor();
      assert.equal(await page.inputValue(select), '');
      assert.ok(await page.evaluate((s) => document.activeElement.matches(s), select), 'focus stays on the dropdown');

      await tabTo(page, '#as-of');
      await page.keyboard.type('11152026');
      assert.equal(await page.inputValue('#as-of'), '2026-11-15');

      await tabTo(page, '#reconcile-button');
      await reconcileBy(page, () => page.keyboard.press('Enter'));
      assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading');

      // Past the links to each part of the results (Summary · Worklist · Lines · …).
      await tabTo(page, '#export-xlsx', 10);
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      assert.match(download.suggestedFilename(), /\.xlsx$/);

      // The results' own links lead past the worklist to the lines.
      await page.evaluate(() => document.getElementById('results-heading').focus());
      await tabTo(page, '.result-nav a[href="#lines-heading"]', 5);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'lines-heading');
      await tabTo(page, '#filter-denied', 20);
      await page.keyboard.press('Space');
      // charges.xlsx + payments.csv, no fee schedule: the generator's "matchedWithoutFees" denials.
      const denied = (await expected()).scenarios.matchedWithoutFees.summary.byStatus.denied.count;
      await page.waitForFunction(
        (n) => document.querySelector('#lines-table-where').textContent.endsWith(`of ${n}`),
        denied,
      );

      await tabTo(page, '#lines-table thead button');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#lines-table th[aria-sort="ascending"]');


      // The view tabs follow the tab pattern: an arrow key moves to the estimate view.
      await page.focus('#reconcile-tab');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'estimate-tab');
      assert.equal(await page.isVisible('#estimate-view'), true);
    },
    // Downloading the xlsx fetches the xlsx writer module.
    { name: 'reconcile-keyboard', afterReady: XLSX_WRITER },
  );
});
