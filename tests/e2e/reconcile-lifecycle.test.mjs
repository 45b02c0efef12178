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

test('the same claims as two 837 files, chosen together as the charges, show two cards and reconcile to the same funnel', async () => {
  const want = JSON.parse(await readFile(`${LIFECYCLE}expected.json`, 'utf8'));
  await withPage(async (page) => {
    await chooseFile(page, 'charges', `${LIFECYCLE}batch-1.837`);
    await chooseFile(page, 'charges', `${LIFECYCLE}batch-2.837`);
    const cards = page.locator('[data-role="charges"] .file-card[data-state="ready"]');
    assert.equal(await cards.count(), 2, 'a card for each claim file');
    assert.equal(await cards.nth(0).locator('h4').textContent(), 'batch-1.837');
    assert.match(await cards.nth(0).textContent(), /Claims the practice sent \(an X12 837 file\): 100 claim\(s\), 195 service line\(s\)/);
    const second = await cards.nth(1).textContent();
    assert.match(second, /Claims the practice sent \(an X12 837 file\): 101 claim\(s\), 194 service line\(s\)/);
    assert.match(second, /a replacement .* whose original is not in this file; taken as sent/, 'on its own, the second file has no original');

    await page.setInputFiles('#acks-file', [`${LIFECYCLE}batch.999`, `${LIFECYCLE}batch.277`]);
    await page.locator('[data-role="acks"] .file-card[data-state="ready"]').nth(1).waitFor();
    await chooseFile(page, 'payments', `${LIFECYCLE}era.835`);
    await page.fill('#as-of', want.asOf);
    await reconcileBy(page, () => page.click('#reconcile-button'));

    assert.equal(await figure(page, 'billed'), dollars(want.billed), 'LC0013 billed once, as replaced');
    assert.equal(await figure(page, 'insurancePaid'), dollars(want.insurancePaid));
    for (const key of ['submitted', 'rejected', 'accepted', 'paid', 'denied', 'noAnswer']) {
      assert.equal(await page.textContent(`[data-funnel="${key}"]`), String(want.funnel[key]), key);
    }
    assert.match(await page.textContent('#files-summary'), /Charges: batch-1\.837.*Charges: batch-2\.837/s);
    assert.match(await page.textContent('#reconcile-results'), /batch-2\.837: claim LC0013: the replacement .* supersedes the claim sent at segment \d+ of batch-1\.837/);
  });
});

test('a spreadsheet chosen as the charges takes the place of the claim files; chosen with one, reconciling names it', async () => {
  await withPage(async (page) => {
    await chooseFile(page, 'charges', `${LIFECYCLE}batch-1.837`);
    await chooseFile(page, 'charges', `${LIFECYCLE}batch-2.837`);
    const sheet = { name: 'charges.csv', mimeType: 'text/csv', buffer: Buffer.from('Claim,Code,Date,Billed\nLC0001,99213,2026-03-01,120.00\n') };
    await chooseFile(page, 'charges', sheet);
    const cards = page.locator('[data-role="charges"] .file-card');
    assert.equal(await cards.count(), 1, 'the spreadsheet stands alone');
    assert.equal(await cards.locator('h4').textContent(), 'charges.csv');

    const claims = { name: 'batch-1.837', mimeType: 'text/plain', buffer: await readFile(`${LIFECYCLE}batch-1.837`) };
    await page.setInputFiles('#charges-file', [claims, sheet]);
    await page.locator('[data-role="charges"]:not([data-busy])').waitFor();
    assert.equal(await cards.count(), 2, 'chosen together, both are shown');
    await chooseFile(page, 'payments', `${LIFECYCLE}era.835`);
    await page.click('#reconcile-button');
    const problem = page.locator('#reconcile-problem [role="alert"]');
    await problem.waitFor();
    assert.match(await problem.textContent(), /charges\.csv is not an 837 claim file: several files can be the charges only when each is an 837 file of claims sent to payers/);
  });
});
