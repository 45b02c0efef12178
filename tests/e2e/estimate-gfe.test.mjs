// The Good Faith Estimate check on the page (SPEC §9.4): the estimate and the bill of
// tests/fixtures/estimate/ (gfe.csv, gfe-bill.csv, worked in tests/estimate_cli.rs) give
// Lakeside Imaging $400.00 over (may dispute) and Dr. Okafor $399.99 over (may not), with
// the billed line the estimate did not have and the last day to dispute.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXTURES, openEstimateView } from './estimate-form.mjs';
import { accessibilityProblems, withPage } from './harness.mjs';

test('a bill $400.00 over its Good Faith Estimate may be disputed until the 120th day; $399.99 over may not', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await page.click('#est-gfe > summary');
      // The bill is dated 5 days ago (in the browser's own calendar): 115 days are left.
      const { billDate, deadline } = await page.evaluate(() => {
        const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
        const now = new Date();
        const bill = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 5);
        const last = new Date(bill.getFullYear(), bill.getMonth(), bill.getDate() + 120);
        return { billDate: iso(bill), deadline: last.toLocaleDateString('en-US', { dateStyle: 'long' }) };
      });

      // Without the files, the first missing one is named at its field.
      await page.click('#est-gfe-compare');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-gfe-estimate');
      assert.match(await page.innerText('#est-gfe-estimate-error'), /Choose the file with the Good Faith Estimate/);

      await page.setInputFiles('#est-gfe-estimate', `${FIXTURES}gfe.csv`);
      await page.setInputFiles('#est-gfe-bill', `${FIXTURES}gfe-bill.csv`);
      await page.fill('#est-gfe-bill-date', billDate);
      await page.click('#est-gfe-compare');
      await page.waitForSelector('#est-gfe-table');

      const rows = await page.$$eval('#est-gfe-table tbody tr[data-provider]', (trs) =>
        trs.map((tr) => [
          tr.dataset.provider,
          ...['estimate', 'billed', 'difference'].map((f) => tr.querySelector(`[data-field="${f}"]`).textContent),
          tr.classList.contains('over'),
        ]),
      );
      assert.deepEqual(rows, [
        ['LAKESIDE IMAGING', '$1,200.00', '$1,600.00', '$400.00', true],
        ['Dr Okafor', '$500.00', '$899.99', '$399.99', false],
      ]);
      assert.equal(await page.innerText('#est-gfe-table tr.not-on-estimate'), 'Not on the estimate: Venipuncture (36415) $399.99.');
      assert.equal(
        await page.innerText('#est-gfe-verdict'),
        `LAKESIDE IMAGING: $400.00 or more over the estimate. You can start the patient-provider dispute resolution process until ${deadline} (115 days left).`,
      );
      assert.deepEqual(await accessibilityProblems(page), []);

      // Printed, the summary stands without the form.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.isVisible('#est-gfe-table'), true);
      assert.equal(await page.isHidden('#est-gfe-form'), true);
      await page.emulateMedia({ media: 'screen' });

      // A bill older than 120 days is past the deadline.
      await page.fill('#est-gfe-bill-date', '2020-01-15');
      await page.click('#est-gfe-compare');
      await page.waitForFunction(() => /ended on May 14, 2020/.test(document.querySelector('#est-gfe-verdict')?.textContent));
    },
    { name: 'estimate-gfe' },
  );
});

test('at 390×844 the Good Faith Estimate comparison fits the screen, a card a provider', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await page.click('#est-gfe > summary');
      await page.setInputFiles('#est-gfe-estimate', `${FIXTURES}gfe.csv`);
      await page.setInputFiles('#est-gfe-bill', `${FIXTURES}gfe-bill.csv`);
      await page.fill('#est-gfe-bill-date', '2026-11-30');
      await page.click('#est-gfe-compare');
      await page.waitForSelector('#est-gfe-table');
      const wide = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        return [...document.querySelectorAll('#est-gfe, #est-gfe *')]
          .filter((n) => n.getBoundingClientRect().right > limit + 1)
          .map((n) => `${n.tagName.toLowerCase()}.${n.className}`);
      });
      assert.deepEqual(wide, []);
      await page.$eval('#est-gfe-result', (n) => n.scrollIntoView());
      await page.screenshot({ path: 'tests/e2e/output/estimate-gfe-phone.png' });
    },
    { viewport: { width: 390, height: 844 }, name: 'estimate-gfe-phone-full' },
  );
});

test('a Good Faith Estimate and a bill typed by hand give the same comparison as the files', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await page.click('#est-gfe > summary');
      // Nothing chosen and nothing typed: the message says both ways.
      await page.click('#est-gfe-compare');
      assert.match(await page.innerText('#est-gfe-estimate-error'), /Choose the file with the Good Faith Estimate, or type its lines below/);

      // The lines of gfe.csv and gfe-bill.csv, typed: $400.00 over for one provider, $399.99 for the other.
      const type = async (id, lines) => {
        for (const [i, line] of lines.entries()) {
          if (i >= 2) await page.click(`#${id}-add`);
          for (const [field, value] of Object.entries(line)) await page.fill(`#${id}-${i + 1}-${field}`, value);
        }
      };
      await type('est-gfe-estimate-lines', [
        { provider: 'Lakeside Imaging', description: 'MRI brain without contrast', code: '70551', amount: '1,200.00' },
        { provider: 'Dr. Okafor', description: 'New patient visit', code: '99204', amount: '500' },
      ]);
      await type('est-gfe-bill-lines', [
        { provider: 'LAKESIDE IMAGING', description: 'MRI brain without contrast', code: '70551', amount: '$1,600.00' },
        { provider: 'Dr Okafor', description: 'New patient visit', code: '99204', amount: '500.00' },
        { provider: 'Dr Okafor', description: 'Venipuncture', code: '36415', amount: '399.99' },
      ]);
      await page.fill('#est-gfe-bill-date', '2020-01-15');
      await page.click('#est-gfe-compare');
      await page.waitForSelector('#est-gfe-table');
      const rows = await page.$$eval('#est-gfe-table tbody tr[data-provider]', (trs) =>
        trs.map((tr) => [
          tr.dataset.provider,
          ...['estimate', 'billed', 'difference'].map((f) => tr.querySelector(`[data-field="${f}"]`).textContent),
          tr.classList.contains('over'),
        ]),
      );
      assert.deepEqual(rows, [
        ['LAKESIDE IMAGING', '$1,200.00', '$1,600.00', '$400.00', true],
        ['Dr Okafor', '$500.00', '$899.99', '$399.99', false],
      ]);
      assert.equal(await page.innerText('#est-gfe-table tr.not-on-estimate'), 'Not on the estimate: Venipuncture (36415) $399.99.');
      assert.match(await page.innerText('#est-gfe-verdict'), /^LAKESIDE IMAGING: \$400\.00 or more over the estimate, but the 120 days to dispute it ended on May 14, 2020\.$/);

      // A typed amount that is not an amount is reported at the typed lines, naming them.
      await page.fill('#est-gfe-bill-lines-3-amount', 'about 400');
      await page.click('#est-gfe-compare');
      await page.waitForSelector('#est-gfe-bill-lines-error:not([hidden])');
      assert.equal(await page.innerText('#est-gfe-bill-lines-error'), 'The bill you typed: line 3: "about 400" is not an amount');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'est-gfe-bill-lines-1-provider');
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'estimate-gfe-typed' },
  );
});

test('at 390×844 the typed lines fit the screen', async () => {
  await withPage(
    async (page) => {
      await openEstimateView(page);
      await page.click('#est-gfe > summary');
      await page.click('#est-gfe-estimate-lines-add');
      const wide = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        return [...document.querySelectorAll('#est-gfe, #est-gfe *')]
          .filter((n) => n.getBoundingClientRect().right > limit + 1)
          .map((n) => `${n.tagName.toLowerCase()}#${n.id}.${n.className}`);
      });
      assert.deepEqual(wide, []);
      await page.$eval('#est-gfe-estimate-lines', (n) => n.scrollIntoView());
      await page.screenshot({ path: 'tests/e2e/output/estimate-gfe-typed-phone.png' });
    },
    { viewport: { width: 390, height: 844 }, name: 'estimate-gfe-typed-phone-full' },
  );
});
