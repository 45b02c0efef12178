// Percentages as a plan summary writes them (SPEC §9.3): "20" and "20%" are both
// 20% coinsurance and give the same amounts; "0.2" is not guessed (a fraction, or
// 0.2%?) but answered with "did you mean 20%?" next to the field. The prompt-pay
// discount of the payment plan reads percentages the same way.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fillPlan, openEstimateView, readLines, setServices, showEstimate } from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

/** Deductible $500 of which $500 is met, no maximum: 20% of an allowed $100 is $20.00. */
const plan = (coinsurance) => ({ deductible: '500', deductibleMet: '500', outOfPocketMax: null, coinsurance });

test('coinsurance typed as “20” or “20%” is 20%; “0.2” asks “did you mean 20%?” at the field', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      for (const typed of ['20', '20%', ' 20 % ']) {
        await fillPlan(page, plan(typed));
        assert.ok(await showEstimate(page), `"${typed}" estimates`);
        const [line] = await readLines(page);
        assert.deepEqual([line.coinsurance, line.patientPays, line.planPays], ['$20.00', '$20.00', '$80.00'], typed);
      }

      await fillPlan(page, plan('0.2'));
      assert.equal(await showEstimate(page), false, '0.2 is not estimated as anything');
      const error = await page.innerText('#est-in-coinsurance-error');
      assert.match(error, /did you mean 20%\?/);
      assert.match(error, /Type 20 for 20%, or 0\.2% if you really mean 0\.2%/);
      assert.equal(await page.getAttribute('#est-in-coinsurance', 'aria-invalid'), 'true');
      assert.match(await page.getAttribute('#est-in-coinsurance', 'aria-describedby'), /est-in-coinsurance-error/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-in-coinsurance');
      assert.deepEqual(await accessibilityProblems(page), []);

      // Said with the sign, 0.2% is what the patient means: $0.20 of $100.00.
      await fillPlan(page, plan('0.2%'));
      assert.ok(await showEstimate(page));
      assert.equal((await readLines(page))[0].coinsurance, '$0.20');
      assert.equal(await page.isHidden('#est-in-coinsurance-error'), true, 'the error goes once corrected');

      // More than 100% is refused with the range, not advice to write a fraction.
      await fillPlan(page, plan('120'));
      assert.equal(await showEstimate(page), false);
      assert.match(await page.innerText('#est-in-coinsurance-error'), /from 0 to 100; 120 is more than 100%/);
    },
    { name: 'estimate-percent' },
  );
});

test('the prompt-pay discount is a percentage too: “0.05” asks “did you mean 5%?”', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, plan('20'));
      await setServices(page, [{ description: 'Visit', allowed: '1000' }]);
      assert.ok(await showEstimate(page));
      await page.fill('#est-pay-months', '4');
      await page.fill('#est-pay-start', '2027-01-15');
      await page.fill('#est-pay-discount', '0.05');
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-pay-discount[aria-invalid="true"]');
      assert.match(await page.innerText('#est-pay-discount-error'), /did you mean 5%\?/);

      await page.fill('#est-pay-discount', '5');
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-pay-in-full');
      // $200.00 owed; 5% off is $10.00.
      assert.equal(
        await page.innerText('#est-pay-in-full'),
        'Or pay $190.00 all at once instead, with the 5% prompt-pay discount.',
      );
    },
    { name: 'estimate-percent-discount' },
  );
});

test('“$35 copay/visit” in a copay field is explained at that field, with a red border, and gets the focus', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, plan('20'));
      await page.fill('#est-in-copay-specialist', '$35 copay/visit');
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      assert.equal(await showEstimate(page), false);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-in-copay-specialist');
      assert.equal(await page.getAttribute('#est-in-copay-specialist', 'aria-invalid'), 'true');
      assert.match(await page.getAttribute('#est-in-copay-specialist', 'aria-describedby'), /est-in-copay-specialist-error/);
      const message = page.locator('#est-in-copay-specialist-error');
      assert.equal(await message.isVisible(), true);
      assert.match(await message.innerText(), /Specialist visit copay: .*"\$35 copay\/visit"/);
      // The message sits right under the field, in its row of the copay table.
      const [field, below] = await Promise.all(
        ['#est-in-copay-specialist', '#est-in-copay-specialist-error'].map((s) => page.$eval(s, (n) => n.getBoundingClientRect().toJSON())),
      );
      assert.ok(below.top >= field.bottom - 1 && below.top - field.bottom < 20, 'the message is next to the field');
      const border = await page.$eval('#est-in-copay-specialist', (n) => getComputedStyle(n).borderTopColor);
      assert.equal(border, 'rgb(179, 38, 30)', 'the field has the error colour');
      assert.deepEqual(await accessibilityProblems(page), []);

      // Corrected, the message and its reference go.
      await page.fill('#est-in-copay-specialist', '35');
      assert.ok(await showEstimate(page));
      assert.equal(await page.locator('#est-in-copay-specialist-error').count(), 0);
      assert.doesNotMatch((await page.getAttribute('#est-in-copay-specialist', 'aria-describedby')) ?? '', /-error/);
    },
    { name: 'estimate-copay-error' },
  );
});
