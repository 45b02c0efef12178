// The estimate view as a patient uses it: the SPEC §5 worked checks typed into the form
// and read off the screen, a bill loaded from a spreadsheet, the reasons and assumptions
// next to their lines, errors next to their fields, the payment plan, the saved plan, and
// the hand-off from the reconcile view.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  FIXTURES,
  cents,
  fillPlan,
  fixturePlanAsTyped,
  openEstimateView,
  readAfter,
  readLines,
  readSchedule,
  readTotals,
  setServices,
  showEstimate,
  waitForEstimate,
} from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

/** A plan with no copays: the SPEC's checks use deductible, coinsurance and maximum only. */
const plan = (deductible, deductibleMet, outOfPocketMax, outOfPocketMet = '0') => ({
  deductible,
  deductibleMet,
  outOfPocketMax,
  outOfPocketMet,
  coinsurance: '20',
});

const pays = (lines) => lines.map((l) => [l.patientPays, l.planPays]);

test('the SPEC §5 worked checks, typed into the form, show the SPEC’s amounts on screen', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      const check = async (name, planTyped, services, expected) => {
        await fillPlan(page, planTyped);
        await setServices(page, services);
        assert.ok(await showEstimate(page), `${name}: the estimate shows`);
        assert.deepEqual(pays(await readLines(page)), expected, name);
      };

      // Allowed $100, 20% coinsurance: deductible met → $20 / $80; more than $100 left → $100.
      await check('deductible met', plan('500', '500', null), [{ description: 'Visit', allowed: '100' }], [['$20.00', '$80.00']]);
      await check('deductible not met', plan('1000', '0', null), [{ description: 'Visit', allowed: '100' }], [['$100.00', '$0.00']]);

      // Deductible $1,500, 20%, maximum $5,000.
      await check('first visit', plan('1500', '0', '5000'), [{ description: 'First visit', allowed: '125' }], [['$125.00', '$0.00']]);
      await check('after the deductible', plan('1500', '1500', '5000', '1500'), [{ description: 'Later visit', allowed: '75' }], [['$15.00', '$60.00']]);
      await check('after the maximum', plan('1500', '1500', '5000', '5000'), [{ description: 'Visit', allowed: '200' }], [['$0.00', '$200.00']]);
      assert.match((await readLines(page))[0].explanation, /already reached your out-of-pocket maximum/);

      // Surgery $20,000, deductible $1,300, 20%, maximum $4,400 → $4,400 / $15,600, capped.
      await check(
        'surgery',
        plan('1,300', '0', '$4,400'),
        [{ description: 'Knee surgery', category: 'surgery', billed: '20000' }],
        [['$4,400.00', '$15,600.00']],
      );
      const [surgery] = await readLines(page);
      assert.match(surgery.explanation, /out-of-pocket maximum had only \$4,400\.00 left/);
      assert.equal(surgery.estimated, true, 'the allowed amount came from billed and is marked so');
      assert.match(surgery.assumptions.join(' '), /no allowed amount was given, so it is estimated as 100% of the billed \$20,000\.00/);
      assert.deepEqual(await readAfter(page), { deductibleMet: '$1,300.00', outOfPocketMet: '$4,400.00' });

      // Medicare Part B 2026: deductible $283, 20%, no maximum: $300 → $286.40 / $13.60; then $150 → $30 / $120.
      await check(
        'Medicare Part B',
        plan('283', '0', null),
        [
          { description: 'Approved $300', allowed: '300' },
          { description: 'Next approved $150', allowed: '150' },
        ],
        [
          ['$286.40', '$13.60'],
          ['$30.00', '$120.00'],
        ],
      );
      const [first, second] = await readLines(page);
      assert.equal(first.explanation, 'Your deductible had $283.00 left, so you pay the first $283.00; then 20% of the remaining $17.00 is $3.40.');
      assert.deepEqual([first.deductible, first.coinsurance, second.deductible, second.coinsurance], ['$283.00', '$3.40', '$0.00', '$30.00']);
      const totals = await readTotals(page);
      assert.equal(totals.patientPays, '$316.40');
      assert.equal(totals.planPays, '$133.60');
      assert.equal(await page.innerText('#est-you-pay'), '$316.40');
      assert.match(await page.innerText('#est-after'), /no out-of-pocket maximum/);
      assert.match(await page.innerText('#est-assumptions'), /no out-of-pocket maximum \(as in Original Medicare\)/);
    },
    { name: 'estimate-worked-checks' },
  );
});

test('a bill loaded from services.xlsx gives the hand-worked estimate, with each reason and assumption on its line', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}services.xlsx`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);
      assert.equal(await page.inputValue('#est-service-5-description'), 'ER visit');
      assert.equal(await page.inputValue('#est-service-5-category'), 'emergency');
      assert.equal(await page.inputValue('#est-service-4-network'), 'out');
      assert.equal(await page.isChecked('#est-service-7-covered'), false);
      assert.ok(await showEstimate(page));

      // Worked by hand in tests/estimate_cli.rs from plan.json and services.csv (the same table).
      const lines = await readLines(page);
      assert.deepEqual(pays(lines), [
        ['$30.00', '$65.00'],
        ['$1,100.00', '$0.00'],
        ['$212.00', '$48.00'],
        ['$400.00', '$0.00'],
        ['$500.00', '$1,000.00'],
        ['$0.00', '$180.00'],
        ['$900.00', '$0.00'],
        ['$44.00', '$176.00'],
      ]);
      assert.deepEqual(await readTotals(page), {
        billed: '$7,850.00',
        allowed: '$3,605.00',
        costSharing: '$2,136.00',
        notCovered: '$900.00',
        balanceBill: '$150.00',
        patientPays: '$3,186.00',
        planPays: '$1,469.00',
      });
      assert.deepEqual(await readAfter(page), { deductibleMet: '$1,500.00', outOfPocketMet: '$2,186.00' });
      assert.equal(lines[2].explanation, 'Your deductible had $200.00 left, so you pay the first $200.00; then 20% of the remaining $60.00 is $12.00.');
      assert.equal(lines[3].balanceBill, '$150.00');
      assert.match(lines[4].explanation, /No Surprises Act/);
      assert.match(lines[4].assumptions.join(' '), /Emergency care out of network is protected/);
      // Line 8 has no allowed amount: the assumption stands on its line and the cell says "estimated".
      assert.equal(lines[7].estimated, true);
      assert.deepEqual(lines[7].assumptions, [
        'Assumed: Line 8 ("Physical therapy"): no allowed amount was given, so it is estimated as 100% of the billed $220.00: $220.00.',
      ]);
      assert.ok(lines.slice(0, 7).every((l) => !l.estimated), 'only line 8 has an estimated allowed amount');
      const general = await page.innerText('#est-assumptions');
      assert.match(general, /processed in the order listed/);
      assert.doesNotMatch(general, /Physical therapy/, 'a line’s assumption is not repeated among the general ones');
      assert.match(await page.innerText('.headline'), /\$150\.00 that out-of-network providers may bill you/);
    },
    { name: 'estimate-fixture-bill' },
  );
});

test('a plan the core refuses is explained next to the field, which gets the focus', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, plan('1500', '2000', '5000'));
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      assert.equal(await showEstimate(page), false);
      assert.equal(await page.getAttribute('#est-in-deductible-met', 'aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-in-deductible-met');
      assert.equal(
        await page.innerText('#est-in-deductible-met-error'),
        'Deductible paid so far this year: $2,000.00 met is more than the deductible of $1,500.00.',
      );
      assert.match(await page.getAttribute('#est-in-deductible-met', 'aria-describedby'), /est-in-deductible-met-error/);

      // A blank maximum without "No limit" is a question, not a guess.
      await fillPlan(page, plan('1500', '0', ''));
      assert.equal(await showEstimate(page), false);
      assert.match(await page.innerText('#est-in-oop-max-error'), /Enter your out-of-pocket maximum, or tick “No limit”/);

      // A service the core cannot read is named by its number, and its field is marked.
      await fillPlan(page, plan('1500', '0', '5000'));
      await setServices(page, [
        { description: 'Visit', allowed: '100' },
        { description: 'Scan', billed: 'lots' },
      ]);
      assert.equal(await showEstimate(page), false);
      assert.match(await page.innerText('#est-service-2-billed-error'), /Service 2.*billed.*"lots" is not an amount/);
      assert.equal(await page.getAttribute('#est-service-2-billed', 'aria-invalid'), 'true');
      assert.match(await page.getAttribute('#est-service-2-billed', 'aria-describedby'), /est-service-2-billed-error/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-service-2-billed');

      // A bill file with unreadable cells names each one; the rows typed so far stay.
      await page.setInputFiles('#est-bill-file', `${FIXTURES}bad-services.csv`);
      await page.waitForFunction(() => /cannot be read/.test(document.querySelector('#est-services-error').textContent));
      const fileError = await page.innerText('#est-services-error');
      assert.match(fileError, /^bad-services\.csv: 3 cells cannot be read; correct them and try again:/);
      assert.match(fileError, /row \d+, column [A-Z] \("[^"]+"\): /);
      assert.equal(await page.inputValue('#est-service-2-description'), 'Scan');

      // Corrected, it estimates, and the errors go away.
      await page.fill('#est-service-2-billed', '250');
      assert.ok(await showEstimate(page));
      assert.equal(await page.locator('#est-form [aria-invalid="true"]').count(), 0);
      assert.equal(await page.isHidden('#est-services-error'), true);
    },
    { name: 'estimate-errors' },
  );
});

test('the payment plan adds up to the cent, falls on the same day each month, and offers the prompt-pay price', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, plan('283', '0', null));
      await setServices(page, [
        { description: 'Approved $300', allowed: '300' },
        { description: 'Next approved $150', allowed: '150' },
      ]);
      assert.ok(await showEstimate(page));
      assert.equal(await page.inputValue('#est-pay-amount'), '316.40', 'the amount starts as what the patient pays');
      await page.fill('#est-pay-months', '6');
      await page.fill('#est-pay-start', '2027-01-31');
      await page.fill('#est-pay-discount', '5');
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-installments');
      const schedule = await readSchedule(page);
      assert.equal(schedule.rows.length, 6);
      assert.equal(schedule.total, '$316.40');
      // 31640 cents / 6 = 5273 r 2: the first two installments carry the extra cent.
      assert.deepEqual(schedule.rows.map((r) => r.amount), ['$52.74', '$52.74', '$52.73', '$52.73', '$52.73', '$52.73']);
      assert.equal(schedule.rows.reduce((sum, r) => sum + cents(r.amount), 0), cents(schedule.total));
      assert.deepEqual(schedule.rows.map((r) => r.date), ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30']);
      assert.equal(schedule.rows[1].shownDate, 'Feb 28, 2027');
      // 5% off $316.40 is $15.82.
      assert.equal(schedule.payInFull, 'Or pay $300.58 all at once instead, with the 5% prompt-pay discount.');

      // Another amount and length: $1,000.00 over 7 months still adds up.
      await page.fill('#est-pay-amount', '1,000');
      await page.fill('#est-pay-months', '7');
      await page.fill('#est-pay-discount', '');
      await page.click('#est-plan-button');
      await page.waitForFunction(() => document.querySelectorAll('#est-installments tbody tr').length === 7);
      const seven = await readSchedule(page);
      assert.equal(seven.rows.reduce((sum, r) => sum + cents(r.amount), 0), 100000);
      assert.equal(seven.payInFull, null, 'no discount, no pay-in-full offer');

      // Months the core refuses are said next to the field.
      await page.fill('#est-pay-months', '0');
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-pay-months[aria-invalid="true"]');
      assert.match(await page.innerText('#est-pay-months-error'), /number of months must be from 1 to 120/);
    },
    { name: 'estimate-payment-plan' },
  );
});

test('only a plan the patient saves is stored, in localStorage, and “Forget” removes it', async () => {
  await withPage(
    async (page, { origin }) => {
      await openEstimateView(page);
      await fillPlan(page, { ...plan('1500', '200', '6000', '300'), copays: { office: { amount: '30', when: 'before' } } });
      await setServices(page, [{ description: 'Visit', allowed: '100' }]);
      assert.ok(await showEstimate(page));
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'nothing stored without asking');

      await page.click('#est-save-plan');
      const keys = await page.evaluate(() => Object.keys(localStorage));
      assert.deepEqual(keys, ['clearbill.estimate.plan']);
      const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('clearbill.estimate.plan')));
      assert.equal(saved.inNetwork.deductible, '1500');
      assert.deepEqual(saved.inNetwork.copays, { office: { amount: '30', beforeDeductible: true, coinsurance: false } });
      assert.doesNotMatch(JSON.stringify(saved), /Visit/, 'the services are not stored');

      // A new tab of the same page starts with the saved plan filled in.
      const again = await page.context().newPage();
      await again.goto(origin);
      await again.waitForSelector('html[data-state="ready"]');
      assert.equal(await again.inputValue('#est-in-deductible'), '1500');
      assert.equal(await again.inputValue('#est-in-coinsurance'), '20');
      assert.equal(await again.inputValue('#est-in-copay-office'), '30');
      assert.equal(await again.inputValue('#est-service-1-description'), '', 'services are never restored from storage');
      await again.close();

      await page.click('#est-forget-plan');
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
      assert.match(await page.innerText('#est-saved-status'), /forgotten/);
    },
    { name: 'estimate-saved-plan' },
  );
});

test('“estimate for this patient” from the reconcile view fills in the services and shows this view', async () => {
  await withPage(
    async (page) => {
      // What the reconcile view passes (app.openEstimate → prefill, the wasm `explainBalance`):
      // service objects; these two are still waiting for the insurance, so nothing is explained yet.
      const services = [
        { description: '99213 on 2026-03-02', code: '99213', category: 'office', billed: '152.50', allowed: '98.39', network: 'in', covered: true, protected: false },
        { description: '80053 on 2026-03-02', code: '80053', category: 'lab', billed: '60.00', allowed: null, network: 'in', covered: true, protected: false },
      ];
      await page.evaluate(
        async (list) => (await import('/views/estimate.js')).prefill({ services: list, processed: 0, awaiting: list.length }),
        services,
      );
      assert.equal(await page.isVisible('#estimate-view'), true);
      assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
      assert.equal(await page.inputValue('#est-service-1-description'), '99213 on 2026-03-02');
      assert.equal(await page.inputValue('#est-service-1-allowed'), '98.39');
      assert.equal(await page.inputValue('#est-service-2-category'), 'lab');
      assert.equal(await page.inputValue('#est-service-2-allowed'), '');
      assert.match(await page.innerText('#status'), /2 services are filled in from the reconciliation/);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-services-heading');

      await fillPlan(page, plan('0', '0', '5000'));
      assert.ok(await showEstimate(page));
      const lines = await readLines(page);
      assert.deepEqual(pays(lines), [
        ['$19.68', '$78.71'],
        ['$12.00', '$48.00'],
      ]);
      assert.match(await page.innerText('#est-lines tbody tr.line[data-line="1"] .details'), /99213/);
      assert.equal(lines[1].estimated, true);
    },
    { name: 'estimate-prefill' },
  );
});

test('the estimate view with results and a payment plan has no accessibility violations', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}services.csv`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);
      assert.ok(await showEstimate(page));
      await page.click('#est-plan-button');
      await page.waitForSelector('#est-installments');
      await page.click('#est-share');
      await page.waitForSelector('#est-share-link:visible');
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'estimate-accessibility' },
  );
});

test('an empty list of services asks for one instead of estimating nothing', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, plan('0', '0', '1000'));
      await page.click('#est-submit');
      assert.equal(await waitForEstimate(page), false);
      assert.equal(await page.innerText('#est-services-error'), 'Add at least one service with a billed or an allowed amount.');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-service-1-description');
    },
    { name: 'estimate-empty' },
  );
});
