// Report layouts on the page (SPEC §8.1): a charge report printed with a
// two-row header, page breaks, group labels and totals is read with its header
// joined and its added rows skipped; a file whose header row ClearBill gets
// wrong is put right with the "Header row" field, and its columns mapped by
// hand. The expected numbers are worked out by hand in
// tests/fixtures/layouts/README.md.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { accessibilityProblems, withPage } from './harness.mjs';
import { chooseFile, dollars, figure, reconcileBy, serious } from './reconcile.helpers.mjs';

const LAYOUTS = fileURLToPath(new URL('../fixtures/layouts/', import.meta.url));

/** The header and the chosen role of every column of a file card's mapping table. */
async function mappingOf(card) {
  return card.locator('table.mapping tbody tr').evaluateAll((rows) =>
    rows.map((row) => [row.cells[1].textContent, row.querySelector('select').value]),
  );
}

test('a printed charge report with a two-row header, page breaks and groups is read as a billing specialist reads it', async () => {
  await withPage(async (page) => {
    const card = await chooseFile(page, 'charges', `${LAYOUTS}grouped-charges.csv`);
    assert.equal(await card.locator('input[id$="-header-row"]').inputValue(), '4');
    assert.match(await card.locator('.header-row-picker').textContent(), /span rows 4 and 5; they were joined/);
    const facts = await card.locator('.file-facts').textContent();
    assert.match(facts, /header in rows 4–5, 7 data rows, 4 total rows skipped/);
    assert.match(facts, /3 repeated page header rows, 3 page footer rows, 3 group label rows skipped/);
    assert.deepEqual(await mappingOf(card), [
      ['Claim #', 'claim_id'],
      ['Line', 'line'],
      ['Patient Name', 'patient_name'],
      ['Chart #', 'patient_id'],
      ['Date of Service', 'service_date'],
      ['CPT Code', 'code'],
      ['Units', 'units'],
      ['Payer Name', 'payer'],
      ['Billed Amount', 'billed'],
      ['Primary Paid', 'paid'],
      ['Primary Adj', 'other_adjustment'],
      ['Patient Resp', 'patient_responsibility'],
    ]);
    assert.deepEqual(serious(await accessibilityProblems(page)), [], 'the mapping step with its header-row field');

    await page.fill('#as-of', '2026-12-01');
    await reconcileBy(page, () => page.click('#reconcile-button'));
    assert.match(await page.textContent('.result-facts'), /Read 7 charge rows; 0 blank, 13 skipped \(totals, page and group rows\), 0 rejected/);
    assert.equal(await figure(page, 'billed'), dollars('610.00'), "the report's own grand total");
    assert.equal(await figure(page, 'insurancePaid'), dollars('334.00'), 'with the 21.00 CR credit');
    assert.equal(await figure(page, 'balance'), dollars('15.00'));
    const notes = await page.textContent('#report-notes');
    assert.match(notes, /3 group label row\(s\)/);
    assert.match(notes, /3 repeated page header row\(s\)/);
    assert.match(notes, /blank cells were filled from the row above within each group/);
    assert.match(await page.locator('body').textContent(), /Rows that could not be read \(0\)/, 'no row was rejected');
  });
});

test('a header row chosen by hand is used, and its unknown columns are mapped by hand', async () => {
  await withPage(async (page) => {
    const card = await chooseFile(page, 'charges', `${LAYOUTS}header-row-by-hand.csv`);
    const field = card.locator('input[id$="-header-row"]');
    assert.equal(await field.inputValue(), '1', "the report's filter row looks like a header");
    assert.deepEqual((await mappingOf(card)).slice(0, 3), [
      ['Status', 'status'],
      ['Open', ''],
      ['Payer', 'payer'],
    ]);

    await field.fill('3');
    await field.dispatchEvent('change');
    await card.locator('table.mapping tbody tr th', { hasText: 'F' }).waitFor();
    await page.waitForFunction(() => document.querySelector('input[id$="-header-row"]')?.value === '3');
    await card.and(page.locator('[data-state="ready"]')).waitFor();
    assert.match(await card.locator('.file-facts').textContent(), /header in row 3, 3 data rows/);
    assert.deepEqual(await mappingOf(card), [
      ['Ref', ''],
      ['Seen on', ''],
      ['Service', ''],
      ['Who', ''],
      ['Amount Billed', 'billed'],
      ['Insurer', ''],
    ]);

    // Unknown names: the user says what they are.
    await card.locator('select[aria-label^="Column A "]').selectOption('claim_id');
    await card.and(page.locator('[data-state="ready"]')).waitFor();
    await page.waitForFunction(() => document.querySelector('select[aria-label^="Column A "]')?.value === 'claim_id');
    assert.equal(await card.locator('input[id$="-header-row"]').inputValue(), '3', 'the chosen row stays chosen');

    await page.fill('#as-of', '2026-12-01');
    await reconcileBy(page, () => page.click('#reconcile-button'));
    assert.equal(await figure(page, 'billed'), dollars('285.00'), '120.00 + 180.00 − 15.00 (a credit)');
  });
});
