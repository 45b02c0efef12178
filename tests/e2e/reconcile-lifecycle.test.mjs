// A claim's whole life on the page (SPEC §11): the generated 837 batch is dropped as the
// charges, its 999 and 277CA as the acknowledgments, and the payers' 835 as the payments.
// Oracle: tests/fixtures/lifecycle/expected.json, worked out by the Python generator on its
// own. The page must say what each X12 file is in plain words, with no element names.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { withPage } from './harness.mjs';
import { chooseFile, dollars, figure, reconcileBy } from './reconcile.helpers.mjs';

const LIFECYCLE = fileURLToPath(new URL('../fixtures/lifecycle/', import.meta.url));

test('an 837, its 999 and 277CA, and the 835 reconcile to the generated funnel and statuses', async () => {
  const want = JSON.parse(await readFile(`${LIFECYCLE}expected.json`, 'utf8'));
  await withPage(async (page) => {
    const claims = await chooseFile(page, 'charges', `${LIFECYCLE}batch.837`);
    const claimsText = await claims.textContent();
    assert.match(claimsText, /Claims the practice sent \(an X12 837 file\): 200 claim\(s\), 388 service line\(s\)/);
    assert.match(claimsText, /supersedes/, 'the replacement claim is noted');
    assert.doesNotMatch(claimsText, /\bCLM0?\d|\bSV1\b|\bREF\*|\bSTC\b/, 'no element names on the card');

    await page.setInputFiles('#acks-file', [`${LIFECYCLE}batch.999`, `${LIFECYCLE}batch.277`]);
    const acks = page.locator('[data-role="acks"] .file-card[data-state="ready"]');
    await acks.nth(1).waitFor();
    const acksText = (await page.locator('[data-role="acks"]').textContent()) ?? '';
    assert.match(acksText, /Claim acknowledgment \(277CA\): 200 claim\(s\) answered, 199 accepted, 1 rejected/);
    assert.match(acksText, /Claim LC0007 rejected: rejected for invalid information/);

    await chooseFile(page, 'payments', `${LIFECYCLE}era.835`);
    await page.fill('#as-of', want.asOf);
    await reconcileBy(page, () => page.click('#reconcile-button'));

    assert.equal(await figure(page, 'billed'), dollars(want.billed));
    assert.equal(await figure(page, 'insurancePaid'), dollars(want.insurancePaid));
    for (const key of ['submitted', 'rejected', 'accepted', 'paid', 'denied', 'noAnswer']) {
      assert.equal(await page.textContent(`[data-funnel="${key}"]`), String(want.funnel[key]), key);
    }
    const rejectedRow = page.locator('tr[data-status="rejected"]');
    assert.match(await rejectedRow.textContent(), new RegExp(`Rejected.*${want.byStatusWithAcks.rejected}`));
  });
});
