// Errors of the estimate are placed by what the core says about them (error.field,
// error.service), never by their words: here the worker's error replies are reworded before the
// page sees them, so that no message names a plan field, a service or an amount, and the page
// must still mark and focus the right field.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fillPlan, openEstimateView, setServices, showEstimate } from './estimate-form.mjs';
import { withPage } from './harness.mjs';

const REWORDED = 'Reworded by the test';

/**
 * Runs in the page before app.js: every Worker the page starts hands its listeners error
 * replies whose message and detail are REWORDED; the fields the core gave stay as they are.
 */
function rewordWorkerErrors(reworded) {
  const RealWorker = globalThis.Worker;
  globalThis.Worker = class extends RealWorker {
    addEventListener(type, listener, options) {
      if (type !== 'message') return super.addEventListener(type, listener, options);
      return super.addEventListener(
        type,
        (event) => {
          if (event.data?.type === 'error') {
            event.data.message = reworded;
            if (event.data.error) event.data.error.detail = reworded;
          }
          listener(event);
        },
        options,
      );
    }
  };
}

const plan = (deductibleMet) => ({
  deductible: '1500',
  deductibleMet,
  outOfPocketMax: '5000',
  outOfPocketMet: '0',
  coinsurance: '20',
});

test('focus-on-error follows the error’s field and service, not its message', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);

      // A plan field the core refuses: its field path is all that says where.
      await fillPlan(page, plan('2000'));
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      assert.equal(await showEstimate(page), false);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-in-deductible-met');
      assert.equal(await page.getAttribute('#est-in-deductible-met', 'aria-invalid'), 'true');
      assert.equal(
        await page.innerText('#est-in-deductible-met-error'),
        `Deductible paid so far this year: ${REWORDED}.`,
        'the reworded text is what the page shows: the rewording was in effect',
      );

      // A service the core cannot read: its number and field, with no "service 2" in any text.
      await fillPlan(page, plan('0'));
      await setServices(page, [
        { description: 'Visit', allowed: '100' },
        { description: 'Scan', billed: '250', allowed: 'lots' },
      ]);
      assert.equal(await showEstimate(page), false);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-service-2-allowed');
      assert.equal(await page.getAttribute('#est-service-2-allowed', 'aria-invalid'), 'true');
      assert.equal(await page.innerText('#est-service-2-allowed-error'), `${REWORDED}.`);
      assert.equal(await page.getAttribute('#est-service-2-billed', 'aria-invalid'), null, 'not the billed field');
    },
    { name: 'estimate-errors-reworded', initScript: [rewordWorkerErrors, REWORDED] },
  );
});
