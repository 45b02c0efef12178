// Two practice-export styles (tests/fixtures/exports, see its README) loaded
// through the page's file inputs as a billing specialist would: the athena
// activity report run for charges and for the other transactions, and the
// DrChrono day-sheet workbook given as the charges (sheet Debits) and twice
// as a payments file (sheets Credits and Adjustments). The numbers on screen
// must be the ones the fixture generator computed from the cells as written
// (expected.json), read here, never typed in.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { withPage } from './harness.mjs';
import { chooseFile, dollars, figure, percent, reconcileBy } from './reconcile.helpers.mjs';

const EXPORTS = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));

async function scenario(name) {
  const expected = JSON.parse(await readFile(`${EXPORTS}expected.json`, 'utf8'));
  return { asOf: expected.asOf, ...expected.scenarios[name] };
}

/** Picks `sheet` in a file card's sheet chooser and waits until the card has read it. */
async function chooseSheet(page, card, sheet) {
  await card.locator('select[id$="-sheet"]').selectOption(sheet);
  await card.locator('.file-facts', { hasText: `sheet “${sheet}”` }).waitFor();
  await card.and(page.locator('[data-state="ready"]')).waitFor();
}

/** The summary on screen against the scenario's expected summary. */
async function assertSummary(page, want) {
  const { totals, byStatus, kpis } = want.summary;
  for (const key of ['billed', 'insurancePaid', 'contractualAdjustment', 'patientResponsibility', 'otherAdjustment']) {
    assert.equal(await figure(page, key), dollars(totals[key]), key);
  }
  assert.equal(await figure(page, 'grossCollectionRate'), percent(kpis.grossCollectionRate));
  assert.equal(await figure(page, 'netCollectionRate'), percent(kpis.netCollectionRate));
  assert.equal(await figure(page, 'daysInAR'), kpis.daysInAR);
  for (const [status, s] of Object.entries(byStatus)) {
    const cells = await page.locator(`#status-table tr[data-status="${status}"] td`).allTextContents();
    assert.deepEqual(cells, [s.count.toLocaleString('en-US'), dollars(s.billed), dollars(s.atStake)], status);
  }
  assert.equal(await page.textContent('#lines-heading'), `Lines (${want.lines.length})`);
  assert.equal(
    await page.textContent('#unmatched-heading'),
    `Payments that match no charge (${want.unmatchedPayments.length})`,
  );
  assert.equal(await page.textContent('#rejected-heading'), `Rows that could not be read (${want.rejected.length})`);
}

test('the athena activity report, run for charges and for the other transactions, reconciles to its expected report', async () => {
  const want = await scenario('athena');
  await withPage(
    async (page) => {
      const charges = await chooseFile(page, 'charges', `${EXPORTS}${want.inputs.charges.file}`);
      assert.match(await charges.locator('.file-facts').textContent(), /^CSV, header in row 3, /);
      for (const p of want.inputs.payments) await chooseFile(page, 'payments', `${EXPORTS}${p.file}`);
      await page.fill('#as-of', want.asOf);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      assert.match(await page.textContent('.result-facts'), /claim number and procedure code/);
      await assertSummary(page, want);
    },
    { name: 'reconcile-exports-athena' },
  );
});

test('the DrChrono day sheet given as charges (Debits) and twice as payments (Credits, Adjustments) reconciles to its expected report', async () => {
  const want = await scenario('drchrono');
  const book = `${EXPORTS}${want.inputs.charges.file}`;
  await withPage(
    async (page) => {
      const charges = await chooseFile(page, 'charges', book);
      // The first tab with a header is the charges tab: nothing to choose.
      assert.equal(await charges.locator('select[id$="-sheet"]').inputValue(), want.inputs.charges.sheet);
      for (const p of want.inputs.payments) {
        assert.equal(`${EXPORTS}${p.file}`, book, 'the same workbook, another tab');
        const card = await chooseFile(page, 'payments', book);
        await chooseSheet(page, card, p.sheet);
      }
      // SPEC §8.1: the Adjustments tab's lone "Adjustment" column is read as contractual.
      const adjustments = page.locator('[data-role="payments"] .file-card').nth(1);
      const column = want.files[2].columns.find((c) => c.header === 'Adjustment');
      assert.equal(await adjustments.locator(`select[aria-label^="Column ${column.letter} "]`).inputValue(), column.role);

      await page.fill('#as-of', want.asOf);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      await assertSummary(page, want);
    },
    { name: 'reconcile-exports-drchrono' },
  );
});
