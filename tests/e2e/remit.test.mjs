// "Read a remittance" (SPEC §12): two real 835 files are dropped with no charges file, a claim is
// found by the patient's name, "Explain to the patient" opens its printable page, and the PDF
// that Chromium prints says what the patient owes. Oracles: the 835 segments themselves
// (managed-care.835: SETTLE, SUSAN's claim 8765432112 has CAS*PR*1*600.00 on its one service
// line, so she owes $600.00 of deductible), and the CLI's `remit --format json` for the totals.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { OUTPUT, XLSX_WRITER, accessibilityProblems, withFilePage, withPage } from './harness.mjs';
import { cli, dollars, serious } from './reconcile.helpers.mjs';
import { pdfText } from './pdf-text.mjs';

const X12 = fileURLToPath(new URL('../data/shared/x12-835/', import.meta.url));
const FILES = [`${X12}LinuxForHealth__x12/managed-care.835`, `${X12}azoner__pyx12/835_simple.txt`];

async function readRemittances(page) {
  await page.click('#remit-tab');
  await page.setInputFiles('#remit-files', FILES);
  await page.waitForSelector('#remit-claims tbody tr');
}

test('two 835s with no charges file: find a claim by patient, explain it, and print what the patient owes', async () => {
  const want = JSON.parse(await cli(['remit', ...FILES, '--format', 'json']));
  await withPage(
    async (page) => {
      await readRemittances(page);
      assert.match(await page.textContent('#status'), /Read 2 payments, 5 claims and 5 lines\./);
      assert.equal(await page.locator('#remit-payments tbody tr').count(), 2);
      const cards = await page.textContent('#remit-totals');
      for (const key of ['paid', 'contractual', 'patientResponsibility', 'providerAdjustments']) {
        assert.ok(cards.includes(dollars(want.totals[key])), `${key} ${want.totals[key]} in ${cards}`);
      }
      // Billing words only: no X12 element names or command-line flags outside a details line.
      const words = await page.evaluate(() => {
        const view = document.getElementById('remit-view').cloneNode(true);
        view.querySelectorAll('.details-line').forEach((n) => n.remove());
        return view.textContent;
      });
      assert.doesNotMatch(words, /\b(CLP|SVC|BPR|TRN|PLB|CAS|NM1)\d*\b|--\w/);

      await page.fill('#remit-search', 'settle');
      assert.equal(await page.locator('#remit-claims tbody tr').count(), 1);
      assert.match(await page.textContent('#remit-claims-count'), /^1 claim of 5 match/);
      const row = page.locator('#remit-claims tbody tr');
      assert.match(await row.textContent(), /SETTLE, SUSAN.*8765432112/);
      assert.equal(await page.locator('#remit-lines tbody tr').count(), 1, 'the claim has one service line');
      assert.deepEqual(serious(await accessibilityProblems(page)), [], 'the remittance view');
      await page.screenshot({ path: `${OUTPUT}remit-1366.png`, fullPage: true });

      await row.getByRole('button', { name: /Explain to the patient/ }).click();
      await page.waitForSelector('#remit-explanation:not([hidden])');
      assert.equal(await page.textContent('#remit-you-owe'), '$600.00');
      assert.match(await page.textContent('#remit-owe-reasons'), /Deductible\$600\.00the amount you pay each year/);

      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['nav', 'footer', '#status', '#remit-results', '#remit-print', '.drop']) {
        assert.equal(await page.isHidden(hidden), true, `${hidden} does not print`);
      }
      const pdf = await page.pdf({ format: 'Letter', printBackground: true });
      await writeFile(`${OUTPUT}remit-explanation.pdf`, pdf);
      const text = pdfText(pdf);
      await writeFile(`${OUTPUT}remit-explanation.txt`, text);
      // Chromium places some glyphs one by one, so words are compared without spaces.
      const flat = text.replace(/\s+/g, '');
      assert.match(flat, /Whatyourhealthplandidwiththisbill/);
      assert.match(flat, /SETTLE,SUSAN/);
      assert.match(flat, /Youowe\$600\.00/);
      assert.match(flat, /paid\$495\.00,andyouowe\$600\.00\./);
      assert.match(flat, /Deductible\$600\.00/);
      assert.match(flat, /Ifyoudisagree/);
      assert.doesNotMatch(flat, /Explaintothepatient|Download|Findings/, 'only the explanation is printed');

      await page.emulateMedia({ media: 'screen' });
      await page.click('#remit-back');
      assert.equal(await page.isVisible('#remit-claims'), true);
    },
    { name: 'remit-explain' },
  );
});

test('a remittance fits a 390 px screen, its tables scroll in their own box, and it downloads', async () => {
  await withPage(
    async (page) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await readRemittances(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      await page.screenshot({ path: `${OUTPUT}remit-390.png`, fullPage: true });

      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#remit-export-csv')]);
      const text = await (await csv.createReadStream()).toArray();
      const lines = Buffer.concat(text).toString('utf8').trim().split('\r\n');
      assert.equal(lines.length, 1 + 5, 'a header and the 5 lines');
      assert.match(lines[0], /^File,Check\/EFT #,Claim ID,Patient/);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#remit-export-xlsx')]);
      assert.equal(xlsx.suggestedFilename(), 'remittances-posting.xlsx');
    },
    { name: 'remit-390', afterReady: XLSX_WRITER },
  );
});

test('a file that is not an 835 is named, and nothing else breaks', async () => {
  await withPage(
    async (page) => {
      await page.click('#remit-tab');
      const csv = fileURLToPath(new URL('../fixtures/practice/charges.csv', import.meta.url));
      await page.setInputFiles('#remit-files', [FILES[0], csv]);
      await page.waitForSelector('#remit-results .error');
      assert.match(await page.textContent('#remit-results .error'), /charges\.csv: this is not an X12 file/);
      await page.setInputFiles('#remit-files', [FILES[0]]);
      await page.waitForSelector('#remit-claims tbody tr');
      assert.equal(await page.locator('#remit-claims tbody tr').count(), 2);
    },
    { name: 'remit-not-835' },
  );
});

test('the offline one-file app reads a remittance and explains a claim, with no request', async () => {
  await withFilePage(
    async (page) => {
      await readRemittances(page);
      await page.fill('#remit-search', '5554555444');
      await page.locator('#remit-claims button.explain').click();
      await page.waitForSelector('#remit-explanation:not([hidden])');
      assert.equal(await page.textContent('#remit-you-owe'), '$300.00');
    },
    { name: 'remit-offline' },
  );
});
