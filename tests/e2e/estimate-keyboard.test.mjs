// The estimate form works with the keyboard alone: the tabs, every field in a sensible
// order, checkboxes, adding and removing services, submitting, the results taking the
// focus, and the payment plan. No mouse click and no page.fill: only key presses.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cents, readLines, readSchedule, readTotals } from './estimate-form.mjs';
import { withPage } from './harness.mjs';

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

/**
 * Presses Tab until the element with `id` has the focus, and returns the ids passed on the
 * way. Fails if it is not reached: that control cannot be reached with the keyboard.
 */
async function tabTo(page, id, { limit = 120 } = {}) {
  const passed = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now === id) return passed;
    passed.push(now);
  }
  throw new Error(`#${id} was not reached with ${limit} presses of Tab; passed ${passed.join(' ')}`);
}

test('a patient can enter a plan and a bill, read the estimate and get a payment plan with the keyboard alone', async () => {
  await withPage(
    async (page) => {
      // The tab list: Tab reaches the selected tab, the arrow key moves to and shows the other.
      await tabTo(page, 'reconcile-tab', { limit: 5 });
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(page), 'estimate-tab');
      assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
      assert.equal(await page.isVisible('#estimate-view'), true);

      // The plan, in reading order: the deductible comes first after the tabs.
      const before = await tabTo(page, 'est-in-deductible');
      assert.deepEqual(before, [], 'the first field after the tabs is the deductible');
      await page.keyboard.type('283');
      const between = await tabTo(page, 'est-in-no-limit');
      assert.deepEqual(between, ['est-in-deductible-met', 'est-in-oop-max']);
      await page.keyboard.press('Space');
      assert.equal(await page.isChecked('#est-in-no-limit'), true);
      assert.equal(await page.isDisabled('#est-in-oop-max'), true);
      await tabTo(page, 'est-in-coinsurance');
      await page.keyboard.type('20');

      // A copay row: the amount, then its timing (a select that arrow keys change), then coinsurance.
      await tabTo(page, 'est-in-copay-lab');
      await page.keyboard.type('10');
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'est-in-copay-lab-timing');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#est-in-copay-lab-timing'), 'after');

      // The services: type the first, add a second with the button (the focus goes to it).
      const skipped = await tabTo(page, 'est-service-1-description');
      assert.ok(skipped.includes('est-bill-file'), 'the bill file input is on the way');
      assert.ok(skipped.indexOf('est-save-plan') < skipped.indexOf('est-bill-file'), 'plan actions come before the services');
      await page.keyboard.type('Approved $300');
      await tabTo(page, 'est-service-1-allowed');
      await page.keyboard.type('300');
      await tabTo(page, 'est-add-service');
      await page.keyboard.press('Enter');
      assert.equal(await focused(page), 'est-service-2-description');
      await page.keyboard.type('Next approved $150');
      await tabTo(page, 'est-service-2-allowed');
      await page.keyboard.type('150');

      // A third row added and removed again: the focus stays in the table.
      await tabTo(page, 'est-add-service');
      await page.keyboard.press('Enter');
      assert.equal(await focused(page), 'est-service-3-description');
      await page.keyboard.type('Added by mistake');
      for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove service 3 (Added by mistake)');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#est-services tbody tr').count(), 2);
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove service 2 (Next approved $150)');

      // Enter in a field submits; the results heading takes the focus.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(page), 'est-service-2-network');
      await tabTo(page, 'est-submit');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'est-results-heading');
      assert.deepEqual(
        (await readLines(page)).map((l) => [l.patientPays, l.planPays]),
        [
          ['$286.40', '$13.60'],
          ['$30.00', '$120.00'],
        ],
      );
      assert.equal((await readTotals(page)).patientPays, '$316.40');
      assert.match(await page.innerText('#status'), /you pay about \$316\.40/);

      // The payment plan: months typed over the default, Enter submits.
      await tabTo(page, 'est-pay-months');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('4');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#est-installments');
      const schedule = await readSchedule(page);
      assert.deepEqual(schedule.rows.map((r) => r.amount), ['$79.10', '$79.10', '$79.10', '$79.10']);
      assert.equal(schedule.rows.reduce((sum, r) => sum + cents(r.amount), 0), cents('$316.40'));

      // Share and print are reachable too.
      await tabTo(page, 'est-print');
      await tabTo(page, 'est-share');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'est-share-link');
      assert.match(await page.inputValue('#est-share-link'), /#estimate=1\./);
    },
    { name: 'estimate-keyboard' },
  );
});
