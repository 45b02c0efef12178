// Share links: the plan, the services and the payment-plan choices travel in the URL
// fragment (#estimate=1.<deflate, base64url>), never in the query string, and opening such a
// link restores the whole estimate without any request.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateRawSync } from 'node:zlib';

import {
  FIXTURES,
  fillPlan,
  fixturePlanAsTyped,
  openEstimateView,
  readLines,
  readSchedule,
  readTotals,
  setServices,
  showEstimate,
  waitForEstimate,
} from './estimate-form.mjs';
import { withPage } from './harness.mjs';

/** The estimate of the fixtures with a 12-month plan from 2026-12-01 and 3% off; what the screen shows. */
async function makeSharedEstimate(page) {
  await openEstimateView(page);
  await fillPlan(page, await fixturePlanAsTyped());
  await page.setInputFiles('#est-bill-file', `${FIXTURES}services.csv`);
  await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);
  assert.ok(await showEstimate(page));
  await page.fill('#est-pay-months', '12');
  await page.fill('#est-pay-start', '2026-12-01');
  await page.fill('#est-pay-discount', '3');
  await page.click('#est-plan-button');
  await page.waitForSelector('#est-installments');
  await page.click('#est-share');
  await page.waitForSelector('#est-share-link:visible');
  return {
    link: await page.inputValue('#est-share-link'),
    lines: await readLines(page),
    totals: await readTotals(page),
    schedule: await readSchedule(page),
  };
}

test('a share link carries the estimate in the fragment and opening it restores the same estimate', async () => {
  const shared = await withPage(
    async (page, { origin }) => {
      const made = await makeSharedEstimate(page);
      const url = new URL(made.link);
      assert.equal(`${url.origin}${url.pathname}`, `${origin}/`);
      assert.equal(url.search, '', 'nothing in the query string, which would reach a server');
      assert.match(url.hash, /^#estimate=1\.[A-Za-z0-9_-]+$/);
      assert.ok(made.link.length < 2000, `the link stays short enough to paste anywhere (${made.link.length} characters)`);
      assert.equal(await page.evaluate(() => location.hash), '', 'making a link does not put the estimate in the address bar or history');
      return made;
    },
    { name: 'share-make' },
  );

  // The fragment is deflate-raw JSON in base64url: the plan, the services and the payment choices.
  const state = JSON.parse(inflateRawSync(Buffer.from(new URL(shared.link).hash.slice('#estimate=1.'.length), 'base64url')));
  assert.equal(state.plan.inNetwork.deductible, '1500.00');
  assert.equal(state.plan.inNetwork.coinsurance, '20%');
  assert.equal(state.plan.outOfNetwork.coinsurance, '40%');
  assert.equal(state.services.length, 8);
  assert.deepEqual(state.services[4], {
    description: 'ER visit',
    code: '99284',
    category: 'emergency',
    billed: '3200.00',
    allowed: '1500.00',
    network: 'out',
    covered: true,
    protected: false,
  });
  assert.deepEqual(state.pay, { months: '12', start: '2026-12-01', discount: '3', amount: '3186.00' });

  // Opened in a new browser, the link shows the same estimate and schedule, and the form holds the plan.
  await withPage(
    async (page) => {
      assert.equal(await page.isVisible('#estimate-view'), true);
      await page.waitForSelector('#est-installments');
      assert.deepEqual(await readLines(page), shared.lines);
      assert.deepEqual(await readTotals(page), shared.totals);
      assert.deepEqual(await readSchedule(page), shared.schedule);
      assert.equal(await page.inputValue('#est-in-deductible'), '1500.00');
      assert.equal(await page.inputValue('#est-in-coinsurance'), '20');
      assert.equal(await page.inputValue('#est-in-copay-emergency'), '250.00');
      assert.equal(await page.isChecked('#est-in-copay-emergency-coinsurance'), true);
      assert.equal(await page.isChecked('#est-oon-enabled'), true);
      assert.equal(await page.inputValue('#est-oon-deductible'), '3000.00');
      assert.equal(await page.inputValue('#est-service-8-description'), 'Physical therapy');
      assert.equal(await page.inputValue('#est-pay-discount'), '3');
    },
    { path: `/${new URL(shared.link).hash}`, name: 'share-open' },
  );

  // Pasted into a tab that already shows another estimate, the link replaces it (hashchange).
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, { deductible: '0', outOfPocketMax: null, coinsurance: '10' });
      await setServices(page, [{ description: 'Something else', allowed: '50' }]);
      assert.ok(await showEstimate(page));
      await page.click('#reconcile-tab');
      const previous = await page.$('#est-results-body > *');
      await page.evaluate((hash) => {
        location.hash = hash;
      }, new URL(shared.link).hash);
      assert.ok(await waitForEstimate(page, previous));
      await page.waitForSelector('#est-installments');
      assert.equal(await page.isVisible('#estimate-view'), true, 'the link shows the estimate view');
      assert.deepEqual(await readTotals(page), shared.totals);
      assert.deepEqual(await readSchedule(page), shared.schedule);
    },
    { name: 'share-hashchange' },
  );
});

test('a damaged share link says so and leaves the page working', async () => {
  await withPage(
    async (page) => {
      assert.equal(await page.isVisible('#estimate-view'), true);
      assert.equal(
        await page.innerText('#est-link-error'),
        'This estimate link is damaged or incomplete; copy the whole link and open it again.',
      );
      // The message is where the patient lands, above the form, and has the focus.
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-link-error');
      const above = await page.evaluate(
        () => document.querySelector('#est-link-error').getBoundingClientRect().bottom <= document.querySelector('#est-form').getBoundingClientRect().top,
      );
      assert.ok(above, 'the message is above the form');
      await fillPlan(page, { deductible: '0', outOfPocketMax: null, coinsurance: '20' });
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      assert.ok(await showEstimate(page));
      assert.equal(await page.isHidden('#est-link-error'), true);
    },
    { path: '/#estimate=1.bm90LWRlZmxhdGU', name: 'share-damaged' },
  );
});

test('the share button says what a link carries, and the descriptions can be left out of it', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, { deductible: '0', outOfPocketMax: null, coinsurance: '20' });
      await setServices(page, [
        { description: 'Jane Roe, depression therapy', allowed: '100' },
        { description: 'Jane Roe, lab work', allowed: '50' },
      ]);
      assert.ok(await showEstimate(page));
      const privacy = await page.innerText('#est-share-privacy');
      assert.match(privacy, /Email and chat services keep a copy/);
      assert.match(await page.getAttribute('#est-share', 'aria-describedby'), /est-share-privacy/);

      await page.check('#est-share-no-descriptions');
      await page.click('#est-share');
      await page.waitForFunction(() => document.querySelector('#est-share-link').value !== '');
      const link = await page.inputValue('#est-share-link');
      const state = JSON.parse(inflateRawSync(Buffer.from(new URL(link).hash.slice('#estimate=1.'.length), 'base64url')));
      assert.deepEqual(state.services.map((s) => s.description), ['', '']);
      assert.deepEqual(state.services.map((s) => s.allowed), ['100', '50']);
      assert.doesNotMatch(JSON.stringify(state), /Jane|depression/);
      return link;
    },
    { name: 'share-privacy' },
  ).then((link) =>
    withPage(
      async (page) => {
        await page.waitForSelector('#est-results:not([hidden]) #est-lines');
        const names = await page.$$eval('#est-lines tbody tr.line th .description', (nodes) => nodes.map((n) => n.textContent));
        assert.deepEqual(names, ['Service 1', 'Service 2']);
        assert.equal(await page.innerText('#est-you-pay'), '$30.00');
      },
      { path: `/${new URL(link).hash}`, name: 'share-privacy-open' },
    ),
  );
});
