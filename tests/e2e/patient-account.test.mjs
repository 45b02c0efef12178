// Patient accounts (issue 16, SPEC §9.5): in the sample, "anais moreau" (no
// accent, any order) finds Anaïs Moreau; her account's totals equal the sums
// this test makes itself from the fixture rows; her printed statement (a PDF
// of the print stylesheet, no page chrome) holds the amount due; and the
// account fits the screen at 1366×768 and 390×844.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';

import { OUTPUT, accessibilityProblems, withPage } from './harness.mjs';
import { pdfText } from './pdf-text.mjs';
import { PRACTICE, dollars, reconcileBy, serious } from './reconcile.helpers.mjs';

/** Rows of a CSV text (quotes and doubled quotes; CRLF or LF). */
function csvRows(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') cells.push(cell), (cell = '');
      else cell += c;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

/** Records of a CSV whose header row is the first that has `firstHeader` in column A. */
async function records(file, encoding, firstHeader) {
  const rows = csvRows((await readFile(`${PRACTICE}${file}`, encoding)).replace(/^\uFEFF/, ''));
  const at = rows.findIndex((r) => r[0] === firstHeader);
  const header = rows[at];
  return rows.slice(at + 1).filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const cents = (text) => (text ? Math.round(Number(text.replace(/[$,]/g, '')) * 100) : 0);
const money = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

/** Her totals, from the rows of the two exports: her charges by MRN, and the remittance rows of her claims. */
async function herTotals() {
  const charges = (await records('charges.csv', 'latin1', 'Claim #')).filter((r) => r.MRN === '0081504');
  const claims = new Set(charges.map((r) => Number(r['Claim #'])));
  // A remittance row is hers when it pays one of her charge lines (claim and code); the others
  // (a code she was not billed for) are unmatched payments, on no one's account.
  const services = new Set(charges.map((r) => `${Number(r['Claim #'])} ${r.CPT}`));
  const payments = (await records('payments.csv', 'utf8', 'Patient Control #')).filter((r) =>
    services.has(`${Number(r['Patient Control #'])} ${r['Proc Code']}`),
  );
  assert.ok(payments.every((r) => r['Patient Name'] === 'MOREAU, ANAÏS'), 'her claims are hers in both files');
  assert.ok(payments.every((r) => !/^(patient|pt|self|guarantor)$/i.test(r['Payment Source'])), 'only insurance rows');
  const sum = (rows, f) => rows.reduce((total, r) => total + f(r), 0);
  const share = (r) => (r['Pt Resp'] ? cents(r['Pt Resp']) : cents(r.Deductible) + cents(r.Coinsurance) + cents(r.Copay));
  const t = {
    billed: sum(charges, (r) => cents(r.Charges)),
    insurancePaid: sum(payments, (r) => cents(r['Ins Paid'])),
    adjustments: sum(payments, (r) => cents(r['Contractual Adj']) + cents(r['Other Adj'])),
    patientResponsibility: sum(payments, share),
    patientPaid: 0,
  };
  return { ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, money(v)])), amountDue: money(t.patientResponsibility - t.patientPaid), claims: claims.size };
}

test('"anais moreau" opens her account with the fixture rows\' totals, and her statement prints', async () => {
  const want = await herTotals();
  await withPage(async (page) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    await page.fill('#practice-name', 'Maple Street Family Practice');
    await page.dispatchEvent('#practice-name', 'change');

    await page.fill('#patient-search', 'anais moreau');
    await page.press('#patient-search', 'Enter');
    await page.locator('#patient-account .statement').waitFor();
    assert.match(await page.textContent('#patient-found'), /1 patient found:\s*Anaïs Moreau MRN 0081504 · /);
    assert.match(await page.textContent('#patient-found'), new RegExp(`${want.claims} claims`));
    const account = page.locator('#patient-account');
    for (const key of ['billed', 'insurancePaid', 'adjustments', 'patientResponsibility', 'patientPaid']) {
      assert.equal(await account.locator(`[data-total="${key}"]`).textContent(), dollars(want[key]), key);
    }
    assert.equal(
      await account.locator('[data-figure="amountDue"]').textContent(),
      `Amount due: ${dollars(want.amountDue)} by 2026-12-15`,
    );
    assert.match(await account.textContent(), /Your plan processed this: it allowed \$109\.11 and paid \$84\.11; your share is \$25\.00\./);

    // The other ways of naming her find her too.
    for (const query of ['0081504', 'MOREAU, ANAÏS', 'Moreau Anaïs']) {
      await page.fill('#patient-search', query);
      await page.press('#patient-search', 'Enter');
      await page.waitForFunction(() => /1 patient found/.test(document.querySelector('#patient-found').textContent));
    }
    assert.deepEqual(serious(await accessibilityProblems(page)), []);

    await page.locator('#patient-account').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}patient-account-1366.png` });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than 1366');

    // Print: the statement alone, with the amount due.
    await page.evaluate(() => {
      window.print = () => {};
    });
    await page.click('#print-statement');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'Letter' });
    await writeFile(`${OUTPUT}patient-statement.pdf`, pdf);
    const printed = pdfText(pdf);
    assert.match(printed, new RegExp(`Amount due: ${dollars(want.amountDue).replace('$', '\\$')} by 2026-12-15`));
    // Bold text comes out of the PDF letter by letter: compare it without spaces.
    const squashed = printed.replace(/\s+/g, '');
    assert.match(squashed, /MapleStreetFamilyPractice/);
    assert.match(squashed, /AnaïsMoreau\(MRN0081504\)/);
    assert.doesNotMatch(squashed, /Trywithsampledata|Findapatient|Linesof|Worklist/, 'no page chrome on the statement');
    // The README's picture (docs/statement.png is a copy): the printed statement, at a letter page's width.
    await page.evaluate(() => document.body.classList.add('printing-statements'));
    await page.setViewportSize({ width: 816, height: 1056 });
    await page.screenshot({ path: `${OUTPUT}patient-statement-print.png`, fullPage: true });
    await page.setViewportSize({ width: 1366, height: 768 });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
    assert.ok(pages >= 1 && pages <= 2, `the statement is ${pages} page(s)`);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('printing-statements'));

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#patient-account').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}patient-account-390.png` });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than 390');
  });
});

test('the name in the lines table opens the account, and a batch prints every patient with a balance', async () => {
  await withPage(async (page) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    const name = await page.locator('#lines-table tbody tr button.link').first().textContent();
    await page.locator('#lines-table tbody tr button.link').first().click();
    await page.locator('#patient-account .statement').waitFor();
    assert.equal(await page.textContent('#patient-account-heading'), `Account of ${name}`);
    assert.equal(await page.locator('#estimate-view:visible').count(), 0, 'not a blank plan form');

    await page.evaluate(() => {
      window.print = () => {};
    });
    await page.click('#print-all-statements');
    await page.locator('#print-area .statement').first().waitFor({ state: 'attached' });
    const dues = await page.$$eval('#print-area .amount-due', (nodes) => nodes.map((n) => n.textContent));
    assert.ok(dues.length > 1, `${dues.length} statements`);
    assert.ok(dues.every((d) => /^Amount due: \$[0-9,]+\.\d\d by /.test(d) && !d.startsWith('Amount due: $0.00')), dues.join('\n'));
  });
});
