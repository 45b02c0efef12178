// SPEC §6 on the reconcile view: a file whose name, headers and cells are
// HTML/script payloads is shown as text everywhere (mapping, preview, lines,
// filters, unmatched payments, rejected rows, the estimate hand-off) and no
// dialog ever fires; a garbage file gives a readable error and the page keeps
// working.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';

import { OUTPUT, withPage } from './harness.mjs';
import { BAD, PRACTICE, chooseFile, reconcileBy } from './reconcile.helpers.mjs';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
const SVG = '<svg onload=alert(3)>';

test('payloads in a file name, its headers and its cells are shown as text in every part of the view', async () => {
  const chargesName = `${IMG}.csv`;
  const chargesPath = `${OUTPUT}xss-charges.csv`;
  const paymentsPath = `${OUTPUT}xss-payments.csv`;
  // Quoted CSV cells, so that the payloads' own characters stay whole.
  const charges = [
    `Claim #,Patient,CPT,Charges,Payer,"${IMG}"`,
    `1,"${IMG}",99213,100.00,"${SCRIPT}","${SVG}"`,
    `2,"${SVG}",99214,"${IMG}",Aetna,x`,
    `3,"${IMG}",99213,50.00,Aetna,"${SCRIPT}"`,
  ].join('\r\n');
  const payments = ['Claim #,Patient,Paid,Contractual', `1,"${IMG}",80.00,20.00`, `99,"${SCRIPT}",12.00,0`].join('\r\n');
  await writeFile(chargesPath, charges);
  await writeFile(paymentsPath, payments);

  await withPage(
    async (page) => {
      const dialogs = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss();
      });
      await page.setInputFiles('#charges-file', { name: chargesName, mimeType: 'text/csv', buffer: Buffer.from(charges) });
      const card = page.locator('[data-role="charges"] .file-card');
      await card.and(page.locator('[data-state="ready"]')).waitFor();
      await chooseFile(page, 'payments', paymentsPath);

      assert.equal(await card.locator('h4').textContent(), chargesName, 'the file name');
      assert.equal(await card.locator('table.mapping tbody tr').nth(5).locator('td').first().textContent(), IMG, 'a header');
      const preview = await card.locator('table.mapping').textContent();
      for (const payload of [IMG, SCRIPT, SVG]) assert.ok(preview.includes(payload), `the preview shows ${payload}`);

      await reconcileBy(page, () => page.click('#reconcile-button'));
      const lines = await page.textContent('#lines-table');
      assert.ok(lines.includes(IMG) && lines.includes(SCRIPT), 'patient and payer cells of the lines');
      assert.ok((await page.textContent('#filter-payer')).includes(SCRIPT), 'the payer filter');
      assert.ok((await page.textContent('#unmatched-table')).includes(SCRIPT), 'unmatched payments');
      assert.ok((await page.textContent('#rejected-table')).includes(IMG), 'the rejected cell, quoted');
      assert.ok((await page.textContent('#worklist-table')).includes(IMG), 'the worklist');
      // The saved runs name the file with the payload: as text.
      assert.ok((await page.textContent('#saved-runs-table')).includes(chargesName), 'the saved runs');

      // The payload patient's account (issue 16), then the estimate hand-off from it.
      await page.click(`#lines-table button[aria-label^="${IMG}"]`);
      await page.locator('#patient-account .statement').waitFor();
      assert.equal(await page.textContent('#patient-account-heading'), `Account of ${IMG}`);
      await page.fill('#patient-search', SCRIPT);
      await page.press('#patient-search', 'Enter');
      await page.waitForFunction(() => document.querySelector('#patient-found').textContent.length > 0);
      await page.click('#estimate-patient');
      await page.waitForSelector('#estimate-view:not([hidden])');
      assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
      await page.click('#reconcile-tab');

      assert.equal(await page.locator('img, script:not([src]), #reconcile-view svg:not(.aging-chart):not(.runs-chart)').count(), 0);
      assert.deepEqual(dialogs, [], 'no dialog fired');
    },
    { name: 'reconcile-xss' },
  );
});

test('a garbage file gives a readable error, and the page keeps working', async () => {
  await withPage(
    async (page) => {
      // A PDF named .xlsx: refused, with the file's name and what to do.
      const card = await chooseFile(page, 'charges', `${BAD}pdf_renamed.xlsx`, { expect: 'error' });
      const message = await card.locator('[role="alert"]').textContent();
      assert.match(message, /^ClearBill cannot use pdf_renamed\.xlsx: /);
      assert.match(message, /PDF/);
      await page.click('#reconcile-button');
      assert.match(await page.textContent('#reconcile-problem'), /pdf_renamed\.xlsx could not be read/);

      // A spreadsheet with no billing columns.
      const list = await chooseFile(page, 'charges', `${BAD}shopping_list.csv`, { expect: 'error' });
      assert.match(await list.locator('[role="alert"]').textContent(), /shopping_list\.csv/);

      // A damaged workbook as payments, beside good charges: reconciling refuses to leave it out silently.
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      const broken = await chooseFile(page, 'payments', `${BAD}truncated.xlsx`, { expect: 'error' });
      assert.match(await broken.locator('[role="alert"]').textContent(), /truncated\.xlsx: .*damaged or incomplete/);
      await page.click('#reconcile-button');
      assert.match(await page.textContent('#reconcile-problem'), /truncated\.xlsx could not be read/);
      assert.equal(await page.locator('#results').count(), 0, 'no result without the payments the user chose');

      // Remove it, choose the real one: the page still works.
      await broken.locator('button:has-text("Remove")').click();
      await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      assert.match(await page.textContent('#status'), /^Reconciled 606 lines/);
      assert.equal(await page.textContent('#reconcile-problem'), '');
    },
    { name: 'reconcile-garbage' },
  );
});

test('a file that makes the reader trap gives a readable error, and the page keeps working without loading anything', async () => {
  await withPage(
    async (page, { requests }) => {
      // This xlsb trips calamine's reader; in wasm that is a trap that kills the worker's instance.
      const card = await chooseFile(page, 'charges', `${BAD}xlsb_bad_relationship.xlsb`, { expect: 'error' });
      assert.match(await card.locator('[role="alert"]').textContent(), /damaged/);
      const before = requests.length;
      // The spare worker took over: a good pair reconciles.
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      assert.match(await page.textContent('#status'), /^Reconciled 606 lines/);
      assert.equal(requests.length, before, 'the replacement engine was loaded with the page');
    },
    // The panic hook reports the reader's panic on the console (a library message, no cell text).
    { name: 'reconcile-trap', consoleErrorsExpected: /panicked at .*calamine/s },
  );
});
