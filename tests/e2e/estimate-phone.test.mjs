// The estimate on a phone, 390×844: the whole flow (plan, a loaded bill, the answer,
// a payment plan, a share link) fits the screen. The plan's fields stack, so the
// "paid so far" fields are on screen; each service is a card with its Billed field;
// each line of the answer starts with what the patient pays; a share link opens at
// its answer and a damaged one says so at the top. Screenshots: tests/e2e/output/.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  FIXTURES,
  fillPlan,
  fixturePlanAsTyped,
  openEstimateView,
  readTotals,
  showEstimate,
} from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

const PHONE = { width: 390, height: 844 };

/** Every shown element of the estimate view that reaches past the right edge of the screen. */
async function widerThanTheScreen(page) {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const found = [];
    for (const node of document.querySelectorAll('#estimate-view, #estimate-view *')) {
      if (node.closest('[hidden]')) continue;
      const box = node.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -1 || box.right > limit + 1) {
        found.push(`${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}.${node.className} ${Math.round(box.left)}–${Math.round(box.right)}`);
      }
    }
    return { found, page: document.documentElement.scrollWidth, limit };
  });
}

/** Whether an element is shown and lies across the screen's width (left and right edge inside it). */
async function onScreenWidth(page, selector) {
  return page.$eval(selector, (node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth;
  });
}

test('at 390×844 the whole estimate flow fits the screen: fields stack, services are cards, “You pay” comes first', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      const typed = await fixturePlanAsTyped();
      await fillPlan(page, typed);
      // The optional parts open too: out-of-network copays and family limits.
      await page.check('#est-family-enabled');
      await page.fill('#est-family-deductible', '3000');
      await page.fill('#est-family-oop-max', '12000');
      await page.setInputFiles('#est-bill-file', `${FIXTURES}services.xlsx`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);

      // The form, before any answer.
      let wide = await widerThanTheScreen(page);
      assert.deepEqual(wide.found, [], 'nothing in the form is wider than the screen');
      assert.equal(wide.page, wide.limit, 'the page does not scroll sideways');
      for (const id of ['est-in-deductible', 'est-in-deductible-met', 'est-in-oop-max', 'est-in-oop-met', 'est-in-coinsurance']) {
        assert.ok(await page.isVisible(`#${id}`), `#${id} is shown`);
        assert.ok(await onScreenWidth(page, `#${id}`), `#${id} is within the screen's width`);
      }
      // The fields stack: "paid so far" is below the deductible, not beside it.
      const [deductible, met] = await Promise.all(
        ['#est-in-deductible', '#est-in-deductible-met'].map((s) => page.$eval(s, (n) => n.getBoundingClientRect().toJSON())),
      );
      assert.ok(met.top > deductible.bottom, 'the deductible-met field stacks under the deductible');
      // Each service is a card that shows its Billed and Allowed fields with their names.
      for (const field of ['description', 'category', 'billed', 'allowed', 'network', 'covered', 'protected']) {
        assert.ok(await page.isVisible(`#est-service-8-${field}`), `service 8's ${field} is shown`);
        assert.ok(await onScreenWidth(page, `#est-service-8-${field}`), `service 8's ${field} is within the screen`);
      }
      const billedLabel = await page.$eval('#est-service-1-billed', (n) => getComputedStyle(n.parentElement, '::before').content);
      assert.equal(billedLabel, '"Billed"', 'the card names the field');
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-form.png' });
      await page.$eval('#est-services-heading', (n) => n.scrollIntoView());
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-services.png' });
      await page.$eval('#est-plan-heading', (n) => n.scrollIntoView());
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-plan.png' });

      // The answer and a payment plan.
      assert.ok(await showEstimate(page));
      assert.equal((await readTotals(page)).patientPays, '$3,186.00', 'the same answer as on a laptop');
      await page.fill('#est-pay-months', '6');
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-installments');
      await page.click('#est-share');
      await page.waitForFunction(() => document.querySelector('#est-share-link').value !== '');
      wide = await widerThanTheScreen(page);
      assert.deepEqual(wide.found, [], 'nothing in the answer is wider than the screen');
      assert.equal(wide.page, wide.limit);

      // Each line's card starts with "You pay", above the other amounts, and its reason is in full.
      const order = await page.$eval('#est-lines tbody tr.line[data-line="3"]', (row) => {
        const top = (field) => row.querySelector(`td[data-field="${field}"]`).getBoundingClientRect().top;
        return { pays: top('patientPays'), billed: top('billed'), planPays: top('planPays') };
      });
      assert.ok(order.pays < order.billed && order.pays < order.planPays, `“You pay” comes first: ${JSON.stringify(order)}`);
      assert.ok(await onScreenWidth(page, '#est-lines tr.explanation[data-line="3"] .why'), 'the reason is not clipped');
      assert.equal(
        await page.$eval('#est-lines td[data-field="patientPays"]', (n) => getComputedStyle(n, '::before').content),
        '"You pay "',
      );
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.$eval('#est-results-heading', (n) => n.scrollIntoView());
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-results.png' });
    },
    { viewport: PHONE, name: 'estimate-phone-full' },
  );
});

test('at 390×844 a share link opens at its answer, and a damaged link’s message is at the top', async () => {
  const link = await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}services.xlsx`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);
      assert.ok(await showEstimate(page));
      await page.click('#est-share');
      await page.waitForFunction(() => document.querySelector('#est-share-link').value !== '');
      return page.inputValue('#est-share-link');
    },
    { viewport: PHONE, name: 'estimate-phone-share-make' },
  );

  await withPage(
    async (page) => {
      await page.waitForSelector('#est-results:not([hidden]) #est-lines');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-results-heading');
      const heading = await page.$eval('#est-results-heading', (n) => n.getBoundingClientRect().toJSON());
      assert.ok(heading.top > -2 && heading.top < 844, `the answer's heading is on screen (top ${heading.top})`);
      assert.ok(await page.$eval('#est-you-pay', (n) => n.getBoundingClientRect().bottom <= 844), 'what you pay is on screen');
      assert.equal(await page.innerText('#est-you-pay'), '$3,186.00');
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-share-open.png' });
    },
    { path: `/${new URL(link).hash}`, viewport: PHONE, name: 'estimate-phone-share-open-full' },
  );

  await withPage(
    async (page) => {
      const box = await page.$eval('#est-link-error', (n) => n.getBoundingClientRect().toJSON());
      assert.ok(box.top >= 0 && box.bottom <= 844, `the message is on the first screen (top ${box.top})`);
      assert.match(await page.innerText('#est-link-error'), /link is damaged or incomplete/);
      assert.deepEqual((await widerThanTheScreen(page)).found, []);
      await page.screenshot({ path: 'tests/e2e/output/estimate-phone-damaged-link.png' });
    },
    { path: '/#estimate=1.bm90LWRlZmxhdGU', viewport: PHONE, name: 'estimate-phone-damaged-link-full' },
  );
});
