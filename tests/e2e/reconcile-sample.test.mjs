// "Try with sample data": one click shows a complete reconciliation, and its
// numbers are those that the fixture generator computed independently
// (tests/fixtures/practice/expected.json, scenario "matched": the sample is
// charges.csv + payments.csv + fees.csv). Then the lines table is filtered and
// sorted as a user would, and checked against the generator's lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OUTPUT, accessibilityProblems, withPage } from './harness.mjs';
import { dollars, expected, expectedLines, figure, linesColumn, percent, reconcileBy, serious } from './reconcile.helpers.mjs';

test('one click on "Try with sample data" shows the whole reconciliation with the expected numbers', async () => {
  const oracle = await expected();
  const want = oracle.scenarios.matched.summary;
  await withPage(
    async (page, { requests }) => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await reconcileBy(page, () => page.click('text=Try with sample data'));

      assert.equal(await page.inputValue('#as-of'), oracle.asOf, 'the sample is read as of the date it was made for');
      for (const key of [
        'billed',
        'insurancePaid',
        'contractualAdjustment',
        'otherAdjustment',
        'patientResponsibility',
        'balance',
        'patientPaid',
        'openAR',
      ]) {
        assert.equal(await figure(page, key), dollars(want.totals[key]), key);
      }
      for (const key of ['grossCollectionRate', 'netCollectionRate', 'denialRateByAmount']) {
        assert.equal(await figure(page, key), percent(want.kpis[key]), key);
      }
      assert.equal(await figure(page, 'daysInAR'), want.kpis.daysInAR);

      for (const [status, row] of Object.entries(want.byStatus)) {
        const cells = await page.$$eval(`#status-table tr[data-status="${status}"] td`, (tds) => tds.map((td) => td.textContent));
        assert.deepEqual(cells, [String(row.count), dollars(row.billed), dollars(row.atStake)], status);
      }
      for (const bucket of want.aging) {
        const bar = page.locator(`.aging-chart [data-bucket="${bucket.bucket}"]`);
        assert.equal(await bar.locator('.amount').textContent(), dollars(bucket.amount), `aging ${bucket.bucket}`);
        assert.equal(await bar.locator('.count').textContent(), `${bucket.count} line${bucket.count === 1 ? '' : 's'}`);
      }
      // SPEC §8.6: the aging buckets on screen add up to the open A/R figure on screen, and the
      // insurance balance is shown apart under its own name.
      const cents = (text) => {
        const negative = text.startsWith('−');
        const value = Number(text.replace(/[^0-9]/g, ''));
        return negative ? -value : value;
      };
      const bars = await page.$$eval('.aging-chart .bar .amount', (nodes) => nodes.map((n) => n.textContent));
      assert.equal(bars.length, 5);
      const openAR = await figure(page, 'openAR');
      assert.equal(bars.map(cents).reduce((a, b) => a + b, 0), cents(openAR), `${bars.join(' + ')} = ${openAR}`);
      assert.equal(await page.textContent('[data-figure="agingTotal"]'), openAR);
      assert.notEqual(openAR, await figure(page, 'balance'), 'open A/R is not the insurance balance');
      assert.match(await page.textContent('.cards'), /Insurance balance/);

      const lines = oracle.scenarios.matched.lines.length;
      assert.equal(await page.textContent('#lines-table-where'), `Showing 1–100 of ${lines}`);
      assert.equal(
        await page.textContent('#unmatched-table-where'),
        `Showing 1–${oracle.scenarios.matched.unmatchedPayments.length} of ${oracle.scenarios.matched.unmatchedPayments.length}`,
      );
      const rejected = oracle.scenarios.matched.rejected;
      const rejectedCells = await page.$$eval('#rejected-table tbody td', (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(rejectedCells.slice(0, 3), ['payments', String(rejected[0].row), rejected[0].column]);
      assert.match(await page.textContent('#status'), new RegExp(`^Reconciled ${lines} lines`));
      assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading', 'focus moves to the results');

      assert.deepEqual(serious(await accessibilityProblems(page)), []);

      // The README's picture (docs/screenshot.png is a copy): the summary of the sample's results.
      const [top, bottom] = await page.evaluate(() =>
        ['#results', '#lines-heading'].map((s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY),
      );
      await page.screenshot({
        path: `${OUTPUT}sample-results.png`,
        clip: { x: 0, y: top, width: 1280, height: Math.min(1400, bottom - top) },
        fullPage: true,
      });
      assert.deepEqual(requests.filter((r) => r.ready), [], 'no request once the page was ready');
    },
    { name: 'reconcile-sample' },
  );
});

test('the lines table filters by status, payer and text, sorts by a column, and pages', async () => {
  const oracle = await expected();
  const all = expectedLines(oracle.scenarios.matched);
  await withPage(
    async (page) => {
      await reconcileBy(page, () => page.click('#sample-button'));
      const where = () => page.textContent('#lines-table-where');

      await page.click('#lines >> text=Next page');
      await page.waitForFunction(() => document.querySelector('#lines-table-where').textContent.startsWith('Showing 101–'));

      await page.check('#filter-denied');
      const denied = all.filter((l) => l.status === 'denied');
      await page.waitForFunction((n) => document.querySelector('#lines-table-where').textContent === `Showing 1–${n} of ${n}`, denied.length);
      assert.deepEqual(new Set(await linesColumn(page, 'Status')), new Set(['denied']));

      await page.check('#filter-unpaid');
      await page.selectOption('#filter-payer', 'Medicare');
      const chosen = all.filter((l) => ['denied', 'unpaid'].includes(l.status) && l.payer === 'Medicare');
      await page.waitForFunction(
        (n) => document.querySelector('#lines-table-where').textContent === `Showing 1–${n} of ${n}`,
        chosen.length,
      );
      assert.deepEqual(new Set(await linesColumn(page, 'Payer')), new Set(['Medicare']));

      // Sort by "At stake", largest first: the header button says so.
      await page.click('#lines-table thead button:has-text("At stake")');
      await page.click('#lines-table thead button:has-text("At stake")');
      await page.waitForSelector('#lines-table th[aria-sort="descending"]');
      const stakes = chosen.map((l) => l.atStake).sort((a, b) => Number(b) - Number(a));
      const shown = await linesColumn(page, 'At stake');
      assert.deepEqual(shown, stakes.map(dollars));

      // Text search narrows further: one patient's open Medicare lines.
      const patient = chosen[0].patient;
      await page.fill('#filter-search', patient.toLowerCase());
      const mine = chosen.filter((l) => l.patient === patient);
      await page.waitForFunction((n) => document.querySelector('#lines-table-where').textContent === `Showing 1–${n} of ${n}`, mine.length);
      assert.deepEqual(new Set(await linesColumn(page, 'Patient')), new Set([patient]));
      assert.match(await where(), /of \d+$/);

      await page.fill('#filter-search', 'no such thing anywhere');
      await page.waitForFunction(() => document.querySelector('#lines-table-where').textContent === 'Showing 0 of 0');
      assert.equal(await page.textContent('#lines-table tbody'), 'No line matches these filters.');

      // Reconciling again replaces the results (the old session is closed) with unfiltered ones.
      await reconcileBy(page, () => page.click('#reconcile-button'));
      assert.equal(await where(), `Showing 1–100 of ${all.length}`);
      assert.equal(await page.locator('#results').count(), 1);
    },
    { name: 'reconcile-filter' },
  );
});
