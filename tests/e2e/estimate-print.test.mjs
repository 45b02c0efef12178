// The printed estimate: the answer, the plan in one line and the payment schedule, without
// the form, the buttons or the page's tabs, on one page for a typical bill.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';

import { FIXTURES, fillPlan, fixturePlanAsTyped, openEstimateView, setServices, showEstimate } from './estimate-form.mjs';
import { OUTPUT, withPage } from './harness.mjs';

/** Pages in a PDF that Chromium wrote: its page objects ("/Type /Page", not "/Pages"). */
function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

async function fixtureEstimateWithSchedule(page, months) {
  await openEstimateView(page);
  await fillPlan(page, await fixturePlanAsTyped());
  await page.setInputFiles('#est-bill-file', `${FIXTURES}services.xlsx`);
  await page.waitForFunction(() => document.querySelectorAll('#est-services tbody tr').length === 8);
  assert.ok(await showEstimate(page));
  await page.fill('#est-pay-months', months);
  await page.fill('#est-pay-start', '2026-12-01');
  await page.fill('#est-pay-discount', '5');
  await page.click('#est-plan-button');
  await page.waitForSelector('#est-installments');
}

test('a typical estimate with its payment plan prints on one page, without the form', async () => {
  await withPage(
    async (page) => {
      await fixtureEstimateWithSchedule(page, '12');
      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['#est-form', 'nav', 'footer', '#est-payment-form', '#est-print', '#status', '.glossary']) {
        assert.equal(await page.isHidden(hidden), true, `${hidden} does not print`);
      }
      for (const shown of ['#est-lines', '#est-installments', '.plan-summary', '#est-after', '#est-assumptions', '#est-pay-in-full', '#est-made-on']) {
        assert.equal(await page.isVisible(shown), true, `${shown} prints`);
      }
      // The paper says when it was made: the amounts met change as the year goes on.
      const today = await page.evaluate(() => {
        const d = new Date();
        return [d.toLocaleDateString('en-US', { dateStyle: 'long' }), `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`];
      });
      assert.equal(await page.innerText('#est-made-on'), `Estimate made on ${today[0]}.`);
      assert.equal(await page.getAttribute('#est-made-on time', 'datetime'), today[1]);
      assert.match(today[0], /^[A-Z][a-z]+ \d{1,2}, \d{4}$/);
      assert.match(await page.innerText('.plan-summary'), /Deductible \$1,500\.00, \$200\.00 paid so far; out-of-pocket maximum \$6,000\.00/);
      await page.screenshot({ path: `${OUTPUT}estimate-print-media.png`, fullPage: true });

      for (const format of ['Letter', 'A4']) {
        const pdf = await page.pdf({ format, printBackground: true });
        await writeFile(`${OUTPUT}estimate-print-${format}.pdf`, pdf);
        assert.equal(pageCount(pdf), 1, `the ${format} print is one page`);
      }
    },
    { name: 'estimate-print' },
  );
});

test('a long bill prints on more pages (the page count above is real)', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await fillPlan(page, { deductible: '500', outOfPocketMax: '8000', coinsurance: '20' });
      const services = Array.from({ length: 40 }, (_, i) => ({ description: `Therapy session ${i + 1}`, allowed: '120' }));
      await setServices(page, services);
      assert.ok(await showEstimate(page));
      const pdf = await page.pdf({ format: 'Letter' });
      assert.ok(pageCount(pdf) > 1, `40 services took ${pageCount(pdf)} page(s)`);
    },
    { name: 'estimate-print-long' },
  );
});
