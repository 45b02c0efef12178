// Bills as patients get them (SPEC §9.1, §9.2), loaded into the estimate view:
// a statement insurance already processed is read with the payer's columns and
// owes its balance, not a new guess; an out-of-network emergency visit with no
// category is found by its code and protected from a balance bill. The amounts
// are the ones worked by hand in tests/estimate_cli.rs from the same fixtures.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  FIXTURES,
  fillPlan,
  fixturePlanAsTyped,
  openEstimateView,
  readAfter,
  readLines,
  readTotals,
  setServices,
  showEstimate,
} from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

test('a processed statement owes its $361.00 balance, says which columns it used, and is not re-estimated', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}processed-statement.csv`);
      // Five lines: the statement's Total row is not a service.
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 5);
      assert.equal(await page.inputValue('#est-service-1-description'), 'Office visit est. patient');
      assert.ok(await showEstimate(page));

      const lines = await readLines(page);
      assert.deepEqual(
        lines.map((l) => l.patientPays),
        ['$34.00', '$5.60', '$85.00', '$30.00', '$206.40'],
      );
      assert.ok(lines.every((l) => l.balanceBill === '$0.00'));
      assert.equal(lines[0].allowed, '$130.00');
      assert.equal(
        lines[0].explanation,
        'Your plan already processed this: it allowed $130.00 and paid $96.00; your share is $34.00.',
      );
      const flags = await page.$$eval('#est-lines tbody tr.line td[data-field="allowed"] .flag', (nodes) =>
        nodes.map((n) => n.textContent),
      );
      // Each allowed amount is the payer's, and none is marked as guessed from the billed one.
      assert.deepEqual(flags, Array(5).fill('from your plan'));

      assert.deepEqual(await readTotals(page), {
        billed: '$917.00',
        allowed: '$479.40',
        costSharing: '$361.00',
        notCovered: '$0.00',
        balanceBill: '$0.00',
        patientPays: '$361.00',
        planPays: '$118.40',
      });
      assert.equal(await page.innerText('#est-you-pay'), '$361.00');
      assert.deepEqual(await readAfter(page), { deductibleMet: '$561.00', outOfPocketMet: '$661.00' });
      // The patient is told which columns were used and which were ignored.
      const general = await page.innerText('#est-assumptions');
      assert.match(general, /already processed/);
      assert.match(general, /"Insurance Paid", "Insurance Adjustments", "Patient Balance"/);
      assert.match(general, /ignored are "Provider"/);
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'estimate-processed-statement' },
  );
});

test('an out-of-network 99285 with no category is protected emergency care: $760.00 and no balance bill', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}er-99285.csv`);
      await page.waitForFunction(
        () => document.querySelector('#est-service-1-description')?.value === 'EMERGENCY DEPT VISIT',
      );
      assert.equal(await page.inputValue('#est-service-1-network'), 'out');
      assert.ok(await showEstimate(page));

      const [line] = await readLines(page);
      assert.deepEqual(
        [line.copay, line.deductible, line.coinsurance, line.balanceBill, line.patientPays, line.planPays],
        ['$250.00', '$510.00', '$0.00', '$0.00', '$760.00', '$0.00'],
      );
      assert.match(line.explanation, /No Surprises Act/);
      assert.doesNotMatch(line.explanation, /may also bill you/);
      assert.equal(await page.innerText('#est-you-pay'), '$760.00');
      assert.doesNotMatch(await page.innerText('.headline'), /may bill you above the allowed price/);
      // The line is shown as emergency care, whatever the row's kind of care said.
      assert.match(await page.innerText('#est-lines tbody tr.line th .details'), /^Emergency room · out of network · 99285$/);
    },
    { name: 'estimate-er-99285' },
  );
});

test('the patient can turn emergency care off: the 99285 then has no protection, and the share link keeps the choice', async () => {
  const link = await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}er-99285.csv`);
      await page.waitForFunction(
        () => document.querySelector('#est-service-1-description')?.value === 'EMERGENCY DEPT VISIT',
      );
      assert.ok(await showEstimate(page));
      assert.equal(await page.innerText('#est-you-pay'), '$760.00');
      // Found from the code: the box is ticked and says so.
      assert.equal(await page.isChecked('#est-service-1-emergency'), true);
      assert.equal(await page.isVisible('#est-services tbody tr .emergency-note'), true);
      assert.match(await page.innerText('#est-services tbody tr .emergency-note'), /Found from the bill/);

      await page.uncheck('#est-service-1-emergency');
      assert.equal(await page.isVisible('#est-services tbody tr .emergency-note'), false);
      assert.ok(await showEstimate(page));
      // Not emergency care, out of network and not protected: "Other care" on the
      // out-of-network tier (plan.json): no copay, 760.00 allowed all to the 3,000.00
      // deductible (none met), and the provider may bill the 1,960.00 − 760.00 = 1,200.00
      // difference: 760.00 + 1,200.00 = 1,960.00, plan pays 0.00.
      const [line] = await readLines(page);
      assert.deepEqual(
        [line.copay, line.deductible, line.coinsurance, line.balanceBill, line.patientPays, line.planPays],
        ['$0.00', '$760.00', '$0.00', '$1,200.00', '$1,960.00', '$0.00'],
      );
      assert.equal(await page.innerText('#est-you-pay'), '$1,960.00');
      assert.equal(await page.isChecked('#est-service-1-emergency'), false);
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.click('#est-share');
      await page.waitForSelector('#est-share-link:visible');
      return page.inputValue('#est-share-link');
    },
    { name: 'estimate-er-99285-not-emergency' },
  );
  await withPage(
    async (page) => {
      await page.waitForSelector('#est-you-pay');
      assert.equal(await page.innerText('#est-you-pay'), '$1,960.00');
      assert.equal(await page.isChecked('#est-service-1-emergency'), false);
    },
    { path: `/${new URL(link).hash}`, name: 'estimate-er-99285-not-emergency-shared' },
  );
});

test('an aggregate family deductible counts only the family amount, and the reasons say “family”', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      // As in tests/fixtures/estimate/plan-aggregate.json, typed.
      await fillPlan(page, { deductible: '1500', deductibleMet: '0', outOfPocketMax: '6000', outOfPocketMet: '0', coinsurance: '20' });
      await page.check('#est-family-enabled');
      await page.fill('#est-family-deductible', '4000');
      await page.fill('#est-family-deductible-met', '1000');
      await page.fill('#est-family-oop-max', '12000');
      await page.fill('#est-family-oop-met', '1000');
      await page.selectOption('#est-family-type', 'aggregate');
      await page.setInputFiles('#est-bill-file', `${FIXTURES}family-visits.csv`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 2);
      assert.ok(await showEstimate(page));
      let lines = await readLines(page);
      // The family's 3,000.00 left takes the whole 2,000.00, then 1,000.00 + 20% of 200.00.
      assert.deepEqual(lines.map((l) => [l.patientPays, l.planPays]), [['$2,000.00', '$0.00'], ['$1,040.00', '$160.00']]);
      assert.equal(
        lines[1].explanation,
        'Your family deductible had $1,000.00 left, so you pay the first $1,000.00; then 20% of the remaining $200.00 is $40.00.',
      );
      assert.equal((await readTotals(page)).patientPays, '$3,040.00');
      assert.match(await page.innerText('#est-after'), /toward your family’s \$4,000\.00 deductible/);
      // The family paid 1,000.00 + 3,040.00 toward both limits: its 4,000.00 deductible is met,
      // and the summary says it is the family's, not the patient's.
      assert.deepEqual(await readAfter(page), {
        deductibleMet: '$3,000.00',
        outOfPocketMet: '$3,040.00',
        familyDeductibleMet: '$4,000.00',
        familyOutOfPocketMet: '$4,040.00',
      });
      assert.equal(
        await page.innerText('#est-after-reached'),
        'Your family’s deductible is met: the plan now shares the cost.',
      );

      // Embedded, the patient's own 1,500.00 stops the deductible: 1,500.00 + 20% of 500.00.
      await page.selectOption('#est-family-type', 'embedded');
      assert.ok(await showEstimate(page));
      lines = await readLines(page);
      assert.equal(lines[0].patientPays, '$1,600.00');
      assert.match(lines[0].explanation, /^Your deductible had \$1,500\.00 left/);
    },
    { name: 'estimate-family-aggregate' },
  );
});

test('the summary says when it is the family’s limits that are met, not the patient’s own', async () => {
  await withPage(
    async (page) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await openEstimateView(page);
      await fillPlan(page, { deductible: '2000', deductibleMet: '0', outOfPocketMax: '6000', outOfPocketMet: '0', coinsurance: '20' });
      await page.check('#est-family-enabled');
      await page.fill('#est-family-deductible', '4000');
      await page.fill('#est-family-deductible-met', '3700');
      await page.fill('#est-family-oop-max', '12000');
      await page.fill('#est-family-oop-met', '11500');
      await setServices(page, [{ description: 'Knee surgery', category: 'surgery', billed: '5000', allowed: '3000' }]);
      assert.ok(await showEstimate(page));
      // Embedded: the family's last 300.00 of deductible, then 20% of 2,700.00 = 540.00, capped
      // at the family's last 200.00 of out-of-pocket (11,500.00 + 300.00 of 12,000.00): 500.00.
      assert.equal((await readTotals(page)).patientPays, '$500.00');
      assert.deepEqual(await readAfter(page), {
        deductibleMet: '$300.00',
        outOfPocketMet: '$500.00',
        familyDeductibleMet: '$4,000.00',
        familyOutOfPocketMet: '$12,000.00',
      });
      // The patient's own 2,000.00 and 6,000.00 are far from met; the family's are (the
      // deductible with them, which the out-of-pocket sentence makes moot; a patient's own
      // limit met is already plain from "$X of your $X", so only the family's is said).
      assert.equal(
        await page.innerText('#est-after-reached'),
        'Your family’s out-of-pocket maximum is met: covered in-network care costs you nothing more this year.',
      );
      assert.doesNotMatch(await page.innerText('#est-after'), /Your out-of-pocket maximum is met/);
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'estimate-family-limits-met' },
  );
});

test('a separate drug deductible takes the drug lines, and the medical deductible only the visit', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      // As in tests/fixtures/estimate/plan-drug.json, typed.
      await fillPlan(page, { deductible: '1000', deductibleMet: '0', outOfPocketMax: '5000', outOfPocketMet: '0', coinsurance: '20' });
      await page.fill('#est-in-drug-deductible', '250');
      await page.fill('#est-in-drug-deductible-met', '50');
      await page.setInputFiles('#est-bill-file', `${FIXTURES}drugs.csv`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 3);
      assert.ok(await showEstimate(page));
      const lines = await readLines(page);
      assert.deepEqual(lines.map((l) => l.patientPays), ['$220.00', '$300.00', '$20.00']);
      assert.match(lines[0].explanation, /^Your drug deductible had \$200\.00 left, so you pay the first \$200\.00/);
      assert.equal((await readTotals(page)).patientPays, '$540.00');
      assert.deepEqual(await readAfter(page), { deductibleMet: '$300.00', outOfPocketMet: '$540.00' });

      // More met than the drug deductible is said at its field.
      await page.fill('#est-in-drug-deductible-met', '300');
      assert.equal(await showEstimate(page), false);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-in-drug-deductible-met');
      assert.match(await page.innerText('#est-in-drug-deductible-met-error'), /more than the drug deductible of \$250\.00/);
    },
    { name: 'estimate-drug-deductible' },
  );
});

test('an x-ray is a diagnostic test with its own copay, not the MRI’s; a therapy session is mental health', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      // As in tests/fixtures/estimate/plan-sbc.json, typed.
      await fillPlan(page, {
        deductible: '1000',
        deductibleMet: '0',
        outOfPocketMax: '5000',
        outOfPocketMet: '0',
        coinsurance: '20',
        copays: {
          diagnostic_test: { amount: '40', when: 'before' },
          imaging_advanced: { amount: '250', when: 'before' },
          mental_health: { amount: '20', when: 'before' },
        },
      });
      await page.setInputFiles('#est-bill-file', `${FIXTURES}imaging.csv`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 3);
      // The bill says "Imaging" for both; the codes place them.
      assert.deepEqual(
        await Promise.all([1, 2, 3].map((n) => page.inputValue(`#est-service-${n}-category`))),
        ['diagnostic_test', 'imaging_advanced', 'mental_health'],
      );
      assert.ok(await showEstimate(page));
      const lines = await readLines(page);
      assert.deepEqual(lines.map((l) => [l.copay, l.patientPays]), [['$40.00', '$40.00'], ['$250.00', '$250.00'], ['$20.00', '$20.00']]);
      assert.match(lines[0].explanation, /^Your \$40\.00 diagnostic test copay applies before the deductible/);
      assert.equal((await readTotals(page)).patientPays, '$310.00');
    },
    { name: 'estimate-imaging-split' },
  );
});

test('a processed line billed twice says so next to the second line', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, await fixturePlanAsTyped());
      await page.setInputFiles('#est-bill-file', `${FIXTURES}processed-duplicate.csv`);
      await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 2);
      assert.ok(await showEstimate(page));
      const findings = await page.$$eval('#est-lines tr.explanation', (rows) =>
        rows.map((row) => [...row.querySelectorAll('.finding')].map((f) => [f.dataset.kind, f.textContent])),
      );
      assert.deepEqual(findings[0], [], 'the first time is not a duplicate');
      assert.equal(findings[1].length, 1);
      assert.equal(findings[1][0][0], 'duplicate');
      assert.match(findings[1][0][1], /^Check this: This looks like line 1 billed again/);
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'estimate-processed-duplicate' },
  );
});
