// A practice's own pair of files: an xlsx of charges and a csv of payments are
// chosen, one column mapping is changed, the pair is reconciled and exported.
// Oracle: the fixture generator's expected.json, scenario "matchedByClaimAndCode"
// (the payments' line column not used, so lines match by claim, procedure code,
// modifier and date of service), computed in Python independently of the core.
// The harness records every request from start to finish and fails on any to
// another origin or any after the page was ready, but for the xlsx writer
// module, which the first xlsx download fetches, once.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { OUTPUT, XLSX_WRITER, accessibilityProblems, withPage } from './harness.mjs';
import {
  PRACTICE,
  chooseFile,
  dollars,
  expected,
  expectedLines,
  figure,
  reconcileBy,
  serious,
  wasmInNode,
} from './reconcile.helpers.mjs';

const AS_OF = '2026-11-15';

test('an xlsx + csv pair with one column re-mapped reconciles to what the generator computed for that mapping', async () => {
  const oracle = await expected();
  // Payments' "Svc Line" (column C) is not used: claims can then only be matched by claim and code.
  const want = oracle.scenarios.matchedByClaimAndCode;
  assert.deepEqual(want.inputs.map, { payments: { line: null } }, 'the oracle is for this mapping');
  const firstClaim = expectedLines(oracle.scenarios.matched)[0].claimId;

  await withPage(
    async (page, { requests }) => {
      const charges = await chooseFile(page, 'charges', `${PRACTICE}charges.xlsx`);
      assert.match(await charges.locator('.file-facts').textContent(), /^XLSX, header in row 5, 608 data rows/);
      const payments = await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      const select = payments.locator('select[aria-label^="Column C "]');
      assert.equal(await select.inputValue(), 'line');

      await select.selectOption('');
      await payments.and(page.locator('[data-state="ready"]')).waitFor();
      assert.equal(await payments.locator('select[aria-label^="Column C "]').inputValue(), '');
      assert.match(await page.textContent('#status'), /Column C is now not used/);
      assert.deepEqual(serious(await accessibilityProblems(page)), [], 'the mapping step');

      await page.fill('#as-of', AS_OF);
      await reconcileBy(page, () => page.click('#reconcile-button'));

      assert.match(await page.textContent('.result-facts'), /matched to charges by claim number and procedure code/);
      for (const key of [
        'billed',
        'insurancePaid',
        'contractualAdjustment',
        'patientResponsibility',
        'otherAdjustment',
        'balance',
        'patientPaid',
        'openAR',
      ]) {
        assert.equal(await figure(page, key), dollars(want.summary.totals[key]), key);
      }
      for (const [status, row] of Object.entries(want.summary.byStatus)) {
        const cells = await page.$$eval(`#status-table tr[data-status="${status}"] td`, (tds) => tds.map((td) => td.textContent));
        assert.deepEqual(cells, [String(row.count), dollars(row.billed), dollars(row.atStake)], status);
      }
      assert.equal(await page.textContent('#lines-table-where'), `Showing 1–100 of ${want.lineCount}`);
      assert.equal(await page.textContent('#unmatched-heading'), `Payments that match no charge (${want.unmatchedCount})`);

      const afterReady = () => requests.filter((r) => r.ready).map((r) => new URL(r.url).pathname);
      assert.deepEqual(afterReady(), [], 'choosing, reading and reconciling sent nothing');
      assert.ok(!requests.some((r) => XLSX_WRITER.includes(new URL(r.url).pathname)), 'the xlsx writer is not loaded yet');

      // The xlsx export, laid out by the core in the worker, written by the xlsx writer module
      // that the worker fetches now, and handed over as a Blob.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download xlsx')]);
      assert.deepEqual(afterReady(), XLSX_WRITER, 'the first xlsx download fetched the writer, and nothing else');
      assert.equal(download.suggestedFilename(), `charges-reconciled-${AS_OF}.xlsx`);
      const path = `${OUTPUT}upload-export.xlsx`;
      await download.saveAs(path);
      const bytes = await readFile(path);
      const wasm = await wasmInNode();
      const lines = wasm.inspect(bytes, 'export.xlsx', 'Lines');
      assert.deepEqual(lines.sheets.slice(0, 6), ['Summary', 'Lines', 'Worklist', 'Claims', 'Unmatched payments', 'Rejected rows']);
      assert.equal(lines.rows, want.lineCount, 'one row per line');
      const claimColumn = lines.columns.find((c) => c.role === 'claim_id');
      assert.ok(claimColumn, `the Lines sheet has a claim column: ${lines.columns.map((c) => c.header).join(', ')}`);
      assert.equal(lines.preview[0].cells[claimColumn.index].text, firstClaim);
      const unmatched = wasm.inspect(bytes, 'export.xlsx', 'Unmatched payments');
      assert.equal(unmatched.rows, want.unmatchedCount);

      // The CSV export: a header and one row per line.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('text=Download csv')]);
      const csvText = await readFile(await csv.path(), 'utf8');
      const csvRows = csvText.trim().split(/\r?\n/);
      assert.equal(csvRows.length, want.lineCount + 1);

      // A second xlsx is written by the writer already loaded.
      const [again] = await Promise.all([page.waitForEvent('download'), page.click('text=Download xlsx')]);
      assert.deepEqual(await readFile(await again.path()).then((b) => wasm.inspect(b, 'again.xlsx', 'Lines').rows), lines.rows);
      assert.deepEqual(afterReady(), XLSX_WRITER, 'the writer is fetched once; the other exports send nothing');
    },
    { name: 'reconcile-upload', afterReady: XLSX_WRITER },
  );
});

test('a changed column choice is remembered for files with the same headers until the user forgets it', async () => {
  await withPage(
    async (page) => {
      let payments = await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing is stored before the user asks');
      await payments.locator('select[aria-label^="Column H "]').selectOption('');
      await payments.and(page.locator('[data-state="ready"]')).waitFor();

      await payments.locator('button:has-text("Remove")').click();
      payments = await chooseFile(page, 'payments', `${PRACTICE}payments.xlsx`);
      assert.equal(await payments.locator('select[aria-label^="Column H "]').inputValue(), '', 'remembered');
      assert.match(await payments.textContent(), /Using the column choices you made before/);
      assert.equal(
        await payments.locator('tr:has(select[aria-label^="Column H "]) td').nth(2).textContent(),
        'not used (your choice)',
      );

      await page.click('#forget-mappings');
      assert.match(await page.textContent('#status'), /Forgot the column choices remembered for 1 file layout/);
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      await payments.locator('button:has-text("Remove")').click();
      payments = await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      assert.equal(await payments.locator('select[aria-label^="Column H "]').inputValue(), 'billed', 'forgotten');
    },
    { name: 'reconcile-remember' },
  );
});

test('an X12 835 remittance shows its summary, and its balancing findings once reconciled', async () => {
  const remittance = fileURLToPath(new URL('../data/shared/x12-835/moov-io__x12/example_5010_835/sample2.txt', import.meta.url));
  const wasm = await wasmInNode();
  const inspection = wasm.inspect(await readFile(remittance), 'sample2.txt');
  assert.equal(inspection.format, 'x12-835');
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      const card = await chooseFile(page, 'payments', remittance);
      assert.equal(await card.locator('pre').textContent(), inspection.summary);
      assert.match(await page.textContent('#status'), /^Read sample2\.txt: an X12 835 remittance with 1 claim\.$/);
      await page.fill('#as-of', AS_OF);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      assert.equal(
        await page.textContent('#findings-heading'),
        `Remittance files that do not add up (${inspection.findings})`,
      );
      assert.equal(await page.locator('#findings-table tbody tr').count(), inspection.findings);
    },
    { name: 'reconcile-835' },
  );
});
