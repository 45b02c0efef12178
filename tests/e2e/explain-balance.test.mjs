// "Explain this balance" (issue 16 item 4, SPEC §9.1): in the sample, Anaïs
// Moreau's account hands her lines to the estimate view as processed bills.
// The estimate shows each line the insurance answered with what it decided
// (not re-estimated), her four lines still waiting as services to estimate,
// and what she owes — equal to the account's amount due, both checked against
// the sums this test makes itself from the fixture rows. With a plan entered,
// the waiting lines are estimated too. The view fits 1366×768 and 390×844.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { OUTPUT, accessibilityProblems, withPage } from './harness.mjs';
import { fillPlan } from './estimate-form.mjs';
import { PRACTICE, dollars, reconcileBy, serious } from './reconcile.helpers.mjs';

/** Rows of a CSV text (quotes and doubled quotes; CRLF or LF). */
function csvRows(text) {
  return text.split(/\r?\n/).map((line) => {
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
    return cells;
  });
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

/**
 * Her lines from the two exports: each charge line (claim and code) with the remittance rows
 * that pay it. A line with rows is processed: she owes its patient responsibility (Pt Resp,
 * or deductible + coinsurance + copay); none of her rows is a patient payment.
 */
async function herLines() {
  const charges = (await records('charges.csv', 'latin1', 'Claim #')).filter((r) => r.MRN === '0081504');
  const payments = await records('payments.csv', 'utf8', 'Patient Control #');
  assert.ok(payments.filter((r) => r['Patient Name'] === 'MOREAU, ANAÏS').every((r) => !/^(patient|pt|self|guarantor)$/i.test(r['Payment Source'])));
  const share = (r) => (r['Pt Resp'] ? cents(r['Pt Resp']) : cents(r.Deductible) + cents(r.Coinsurance) + cents(r.Copay));
  return charges.map((c) => {
    const rows = payments.filter((r) => Number(r['Patient Control #']) === Number(c['Claim #']) && r['Proc Code'] === c.CPT);
    return { code: c.CPT, processed: rows.length > 0, owes: rows.reduce((t, r) => t + share(r), 0), copay: rows.reduce((t, r) => t + cents(r.Copay), 0) };
  });
}

test('"Explain this balance" opens her lines as processed, and she owes the account\'s amount due', async () => {
  const lines = await herLines();
  const processed = lines.filter((l) => l.processed);
  const waiting = lines.length - processed.length;
  const owed = money(processed.reduce((t, l) => t + l.owes, 0));
  assert.ok(processed.length > 0 && waiting > 0, 'the sample has both kinds of line for her');

  await withPage(async (page) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    await page.fill('#patient-search', '0081504');
    await page.press('#patient-search', 'Enter');
    await page.locator('#patient-account .statement').waitFor();
    assert.equal(await page.locator('#patient-account [data-figure="amountDue"]').textContent(), `Amount due: ${dollars(owed)} by 2026-12-15`);

    await page.click('text=Explain this balance');
    await page.waitForSelector('#estimate-view:not([hidden]) #est-results:not([hidden])');
    assert.equal(await page.getAttribute('#estimate-tab', 'aria-selected'), 'true');
    // Every service is in the form; the answer has the processed ones, each as the insurance decided.
    assert.equal(await page.locator('#est-services tbody tr').count(), lines.length);
    const rows = page.locator('#est-lines tr.line');
    assert.equal(await rows.count(), processed.length);
    for (let i = 0; i < processed.length; i++) {
      const row = rows.nth(i);
      assert.match(await row.locator('th .details').textContent(), new RegExp(processed[i].code), `line ${i + 1}`);
      assert.equal(await row.locator('[data-field="patientPays"]').textContent(), dollars(money(processed[i].owes)), `line ${i + 1} you pay`);
      assert.equal(await row.locator('[data-field="copay"]').textContent(), dollars(money(processed[i].copay)), `line ${i + 1} copay`);
      assert.match(await row.locator('[data-field="allowed"]').textContent(), /from your plan$/, `line ${i + 1} is processed`);
    }
    assert.match(await page.textContent('#est-lines tr.explanation'), /already processed/);
    assert.equal(await page.textContent('#est-you-pay'), dollars(owed), 'what she owes is the account\'s amount due');
    const note = await page.textContent('#est-processed-note');
    assert.match(note, new RegExp(`already processed these ${processed.length} services`));
    assert.match(note, new RegExp(`${waiting} services are still waiting for your insurance`));
    assert.equal(await page.locator('#est-after').count(), 0, 'no plan limits in words without a plan');
    assert.deepEqual(serious(await accessibilityProblems(page)), []);
    await page.locator('#est-results').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}explain-balance-1366.png` });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than 1366');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#est-results').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}explain-balance-390.png` });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than 390');
    await page.setViewportSize({ width: 1366, height: 768 });

    // With her plan entered, the waiting lines are estimated under it, after the processed ones:
    // the processed lines still owe what the insurance decided.
    await fillPlan(page, { deductible: '500', outOfPocketMax: '3000', coinsurance: '20' });
    await page.click('#est-submit');
    await page.waitForFunction((n) => document.querySelectorAll('#est-lines tr.line').length === n, lines.length);
    for (let i = 0; i < lines.length; i++) {
      const row = page.locator('#est-lines tr.line').nth(i);
      const allowed = await row.locator('[data-field="allowed"]').textContent();
      if (lines[i].processed) {
        assert.match(allowed, /from your plan$/, `line ${i + 1}`);
        assert.equal(await row.locator('[data-field="patientPays"]').textContent(), dollars(money(lines[i].owes)), `line ${i + 1}`);
      } else {
        assert.doesNotMatch(allowed, /from your plan/, `line ${i + 1} is estimated`);
      }
    }
    assert.equal(await page.locator('#est-processed-note').count(), 0);
    assert.ok(cents(await page.textContent('#est-you-pay')) > cents(owed), 'the waiting lines add their estimate');
  });
});
