// Issue 12 on the page: what the user sees when the files do not go together.
// A file chosen twice and swapped files are refused with what to do; claim
// numbers written with a suffix still match, and the totals are those of the
// plain pair (the native CLI is the oracle); payments of another period give
// a warning above the results; an 837 chosen as payments says what it is and
// where it belongs. No message shows a command-line flag or an X12 element name.

import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { OUTPUT, accessibilityProblems, withPage } from './harness.mjs';
import { PRACTICE, chooseFile, cli, dollars, figure, reconcileBy, serious } from './reconcile.helpers.mjs';

const AS_OF = '2026-11-15';
const TECHNICAL = /--map|--\w+|BPR\d|SE\d\d|CLP\d\d|TRN\d\d/;

/** The practice payments with each data row's claim number (first column, trimmed) rewritten, saved under `name`. */
async function paymentsWith(name, rewrite, { text = (t) => t } = {}) {
  const lines = (await readFile(`${PRACTICE}payments.csv`, 'utf8')).split('\n');
  const out = lines.map((line, i) => {
    const at = line.indexOf(',');
    const claim = line.slice(0, at).trim();
    // The header and footer rows stay as they are.
    if (i === 0 || at < 0 || !/^\d+$/.test(claim)) return line;
    return `${rewrite(i, claim)}${line.slice(at)}`;
  });
  await mkdir(OUTPUT, { recursive: true });
  const path = `${OUTPUT}${name}`;
  await writeFile(path, text(out.join('\n')));
  return path;
}

async function problemAfterReconcile(page) {
  await page.fill('#as-of', AS_OF);
  await page.click('#reconcile-button');
  const problem = page.locator('#reconcile-problem .error');
  await problem.waitFor();
  return problem.textContent();
}

test('a file chosen twice is refused, naming it, with what to choose instead', async () => {
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      await chooseFile(page, 'payments', `${PRACTICE}payments.csv`);
      const message = await problemAfterReconcile(page);
      assert.match(message, /payments\.csv was chosen twice: each part of the reconciliation needs its own file/);
      assert.match(message, /Choose the practice's charges export as charges and the payer's remittance as payments/);
      assert.doesNotMatch(message, TECHNICAL);
      assert.equal(await page.locator('#results').count(), 0, 'no results from a doubled remittance');
    },
    { name: 'reconcile-twice' },
  );
});

test('swapped files say that they look swapped', async () => {
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', `${PRACTICE}payments.csv`);
      await chooseFile(page, 'payments', `${PRACTICE}charges.csv`);
      const message = await problemAfterReconcile(page);
      assert.match(message, /charges\.csv has billed amounts but no paid amount or adjustment: it looks like a charges file\. Were the files swapped\?/);
      assert.doesNotMatch(message, TECHNICAL);
    },
    { name: 'reconcile-swapped' },
  );
});

test('claim numbers with a sequence suffix match, with the totals of the plain files', async () => {
  const want = JSON.parse(await cli(['reconcile', '--charges', 'charges.csv', '--payments', 'payments.csv', '--as-of', AS_OF]));
  const suffixed = await paymentsWith('payments-suffixed.csv', (i, claim) => `${claim}-${(i % 3) + 1}`);
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      await chooseFile(page, 'payments', suffixed);
      await page.fill('#as-of', AS_OF);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      for (const key of ['billed', 'insurancePaid', 'contractualAdjustment', 'patientResponsibility', 'balance']) {
        assert.equal(await figure(page, key), dollars(want.summary.totals[key]), key);
      }
      const notes = await page.textContent('#report-notes');
      assert.match(notes, /claim numbers in payments-suffixed\.csv are written differently from the charges' \(for example "\d+-\d"\)/);
      assert.match(notes, /matched after dropping a sequence suffix such as -1, \/2, \.01 or a final letter: \d+ of \d+ rows/);
      assert.equal(await page.locator('#report-warnings').count(), 0, 'nothing to warn about once they match');
    },
    { name: 'reconcile-suffix' },
  );
});

test('payments of another period are a warning above the results that names both periods', async () => {
  const other = await paymentsWith('payments-2027.csv', (i) => String(800000 + i), {
    text: (t) => t.replaceAll(',2026-', ',2027-'),
  });
  await withPage(
    async (page) => {
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      await chooseFile(page, 'payments', other);
      await page.fill('#as-of', AS_OF);
      await reconcileBy(page, () => page.click('#reconcile-button'));
      const warnings = page.locator('#report-warnings');
      assert.equal(await warnings.getAttribute('role'), 'alert');
      assert.match(await warnings.locator('h3').textContent(), /^Check these 2 things before using the figures$/);
      const text = await warnings.textContent();
      assert.match(text, /Only 0 of \d+ payment rows matched a charge/);
      assert.match(text, /The files cover different periods: the charges are for services from 2026-\d\d-\d\d to 2026-\d\d-\d\d, the payments for services from \d{4}-\d\d-\d\d to 2027-/);
      assert.match(text, /No charge matched any payment/);
      assert.doesNotMatch(text, TECHNICAL);
      // Above the figures.
      const order = await page.$$eval('#results > *', (nodes) => nodes.map((n) => n.id || n.className));
      assert.ok(order.indexOf('report-warnings') < order.indexOf('result-facts'), order.join(' '));
      assert.deepEqual(serious(await accessibilityProblems(page)), [], 'the results with warnings');
    },
    { name: 'reconcile-warnings' },
  );
});

test('an 837 is read as the charges, and chosen as payments it says what it holds and what to choose', async () => {
  const claims = fileURLToPath(new URL('../data/shared/x12-837/LinuxForHealth__x12/demo.example1.837', import.meta.url));
  await withPage(
    async (page) => {
      // As charges it is the claims the practice sent (SPEC §11), described in plain words.
      const charges = await chooseFile(page, 'charges', claims);
      const described = await charges.textContent();
      assert.match(described, /Claims the practice sent/);
      assert.doesNotMatch(described, TECHNICAL);

      // As payments (next to a charges export) it is refused when reconciling, with where it belongs.
      await chooseFile(page, 'charges', `${PRACTICE}charges.csv`);
      await chooseFile(page, 'payments', claims);
      const message = await problemAfterReconcile(page);
      assert.match(message, /this is an 837 claim file: it holds the claims the practice sent to the payer/);
      assert.match(message, /as payments, choose the 835 remittance \(ERA\) the payer sent back/);
      assert.doesNotMatch(message, TECHNICAL);
    },
    { name: 'reconcile-837' },
  );
});
