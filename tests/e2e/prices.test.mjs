// "Look up prices in a hospital file" (SPEC §10), as a patient uses it: drop the CMS v3.0 tall
// example, search a code, pick the insurer and plan, add the price to the services, and see the
// estimate use the negotiated amount (the README of tests/data/shared/hpt, fact 1: MRI of the
// brain, 70551, Platform Health Insurance PPO, negotiated $400, list price $1,200).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { fillPlan, openEstimateView, readLines, showEstimate } from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

const V3_TALL = fileURLToPath(new URL('../data/shared/hpt/v3.0/V3.0.0_Tall_CSV_Format_Example.csv', import.meta.url));

test('a code found in the hospital’s price file becomes a service priced at the negotiated amount', async () => {
  await withPage(async (page) => {
    await openEstimateView(page);
    // Deductible met, 20 %: the patient pays 20 % of the allowed amount.
    await fillPlan(page, { deductible: '500', deductibleMet: '500', outOfPocketMax: '5000', outOfPocketMet: '500', coinsurance: '20' });
    await page.locator('#est-prices > summary').click();
    await page.setInputFiles('#est-price-file', V3_TALL);
    await page.waitForSelector('#est-price-hospital:not([hidden])');
    assert.match(await page.locator('#est-price-hospital').innerText(), /West Mercy Hospital, prices updated 4\/1\/2026: 45 prices/);

    const insurers = await page.locator('#est-price-payer option').allInnerTexts();
    assert.deepEqual(insurers, [
      'Platform Health Insurance – PPO',
      'Region Health Insurance – HMO',
      'My insurance is not in this list',
      'No insurance: I pay cash',
    ]);
    await page.selectOption('#est-price-payer', { label: 'Platform Health Insurance – PPO' });
    await page.fill('#est-price-search', '70551');
    await page.click('#est-price-search-button');
    await page.waitForSelector('#est-price-rows tbody tr');
    const rows = await page.locator('#est-price-rows tbody tr').allInnerTexts();
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0], /MRI of brain \(no contrast\)/);
    assert.match(rows[0], /From V3\.0\.0_Tall_CSV_Format_Example\.csv, row 4/);
    assert.match(rows[0], /\$400\.00/);
    assert.match(rows[0], /\$1,200\.00/);
    assert.doesNotMatch(rows[0], /negotiated_dollar|standard_charge/, 'template names stay in the details line');

    await page.check('#est-price-row-0');
    await page.click('#est-price-add');
    assert.match(await page.locator('#est-price-added').innerText(), /row 4/);
    assert.equal(await page.inputValue('#est-service-1-description'), 'MRI of brain (no contrast)');
    assert.equal(await page.inputValue('#est-service-1-billed'), '1200.00');
    assert.equal(await page.inputValue('#est-service-1-allowed'), '400.00');
    assert.equal(await page.inputValue('#est-service-1-network'), 'in');

    assert.ok(await showEstimate(page), 'the estimate shows');
    const [line] = await readLines(page);
    assert.equal(line.allowed, '$400.00');
    assert.equal(line.patientPays, '$80.00');
    assert.equal(line.planPays, '$320.00');
    assert.deepEqual(await accessibilityProblems(page), []);
  });
});

test('the lookup fits a 390 px screen', async () => {
  await withPage(async (page) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openEstimateView(page);
    await page.locator('#est-prices > summary').click();
    await page.setInputFiles('#est-price-file', V3_TALL);
    await page.waitForSelector('#est-price-hospital:not([hidden])');
    await page.fill('#est-price-search', 'MRI');
    await page.click('#est-price-search-button');
    await page.waitForSelector('#est-price-rows tbody tr');
    // Nothing of the lookup reaches past the screen's edge; a wide table would scroll in its own box.
    const past = await page.evaluate(() =>
      [...document.querySelectorAll('#est-prices, #est-prices *')]
        .filter((e) => !e.closest('.table-scroll table') && e.getBoundingClientRect().right > 390)
        .map((e) => `${e.tagName}#${e.id}.${e.className}`),
    );
    assert.deepEqual(past, []);
    const box = await page.locator('#est-prices .table-scroll').boundingBox();
    assert.ok(box.x + box.width <= 390, `the results box ends at ${box.x + box.width} px`);
  });
});
