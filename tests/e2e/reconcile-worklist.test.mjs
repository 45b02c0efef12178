// Issue 14: a worklist you can work from. The claim-level worklist (SPEC
// §8.7) on the page; the follow-up workspace (§8.8) kept in the browser's
// IndexedDB across reloads and runs, "since last run", encrypted export and
// import into a fresh browser; and "results first": the mapping folds away,
// tables fit a 1280 px laptop, summary cards fit $999,999,999.99, and the
// Reconcile button is in view at 1366×768 once files are chosen.
//
// These tests open their own browser (not harness.withPage), because they
// reload the page and use two browser contexts; they hold the same bar: no
// console errors, no uncaught exceptions, no request to another origin.

import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

import { startServer } from '../../tools/serve.mjs';
import { CHROMIUM, OUTPUT, accessibilityProblems } from './harness.mjs';
import { PRACTICE, reconcileBy, serious, wasmInNode } from './reconcile.helpers.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
const AS_OF = '2026-11-15';

/** Runs body(browser, origin, open) with a server and a browser; `open(context, size)` gives a ready page. */
async function withBrowser(body) {
  const server = await startServer({ root: WWW });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'], chromiumSandbox: false });
  const problems = [];
  const open = async (context, { width = 1280, height = 900 } = {}) => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== server.origin) problems.push(`request to another origin: ${r.url()}`);
    });
    await page.goto(server.origin);
    await page.waitForSelector('html[data-state="ready"]');
    return page;
  };
  try {
    await body(browser, open);
    assert.deepEqual(problems, [], 'the page misbehaved');
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The sample's report, computed in Node by the page's own wasm (to pick claims to work on). */
async function sampleReport() {
  const wasm = await wasmInNode();
  const file = async (name) => ({ bytes: new Uint8Array(await readFile(`${PRACTICE}${name}`)), name });
  return wasm.reconcile({ charges: await file('charges.csv'), payments: await file('payments.csv'), fees: await file('fees.csv'), asOf: AS_OF });
}

/** Shows the worklist rows of one payer and kind, so that a claim is on the first page. */
async function filterWorklist(page, { payer = '', kind = '' }) {
  await page.selectOption('#work-payer', payer);
  await page.selectOption('#work-kind', kind);
  await page.waitForFunction(() => document.querySelector('#worklist-table tbody tr'));
}

function row(page, claimId) {
  return page.locator(`#worklist-table tr[data-claim="${claimId}"]`);
}

/** Opens a claim's work dialog with the keyboard and saves a work status, note and follow-up date. */
async function markClaim(page, claimId, { status, note, followUp }) {
  await row(page, claimId).locator('.work-button').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#work-dialog[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'work-status', 'the dialog takes the focus');
  await page.selectOption('#work-status', status);
  await page.fill('#work-note', note);
  await page.fill('#work-follow-up', followUp);
  await page.click('#work-dialog button[type="submit"]');
  await page.waitForSelector('#work-dialog:not([open])', { state: 'attached' });
  await row(page, claimId).locator('.work-note').filter({ hasText: note }).waitFor();
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

test('two claims marked on the worklist survive a reload, and the one paid next run is "newly paid" with its note', async () => {
  const report = await sampleReport();
  const byClaim = (w) => w.claimId && w.payer && !/self/i.test(w.payer);
  const unpaid = report.worklist.find((w) => w.kind === 'unpaid' && byClaim(w));
  const denied = report.worklist.find((w) => w.kind === 'denied' && byClaim(w));
  assert.ok(unpaid && denied, 'the sample has an unpaid and a denied claim');

  // The second run's payments: the first run's, plus the payer paying the unpaid claim in full.
  const claim = report.claims[unpaid.claim];
  const original = await readFile(`${PRACTICE}payments.csv`, 'utf8');
  const added = claim.lines.map((i) => {
    const l = report.lines[i];
    return [l.claimId, `"${l.patient}"`, l.line, l.code, '', l.serviceDate, l.payer, l.billed, l.billed, l.billed, '0.00', '', '', '', '', '', 'CHK-NEXT', '11/20/2026', 'Primary', ''].join(',');
  });
  const nextPayments = Buffer.from(`${original.trimEnd()}\r\n${added.join('\r\n')}\r\n`);

  await withBrowser(async (browser, open) => {
    const context = await browser.newContext();
    let page = await open(context);
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    // One row per claim: claim numbers are not repeated on the worklist.
    const total = Number(await page.locator('#worklist .paged-table').getAttribute('data-total'));
    assert.equal(total, report.worklist.length);
    const claimIds = report.worklist.filter((w) => w.kind !== 'patient_refund' && w.claim !== null).map((w) => w.claim);
    assert.equal(new Set(claimIds).size, claimIds.length, 'one item per claim');

    await filterWorklist(page, { payer: unpaid.payer, kind: 'unpaid' });
    await markClaim(page, unpaid.claimId, { status: 'waiting on payer', note: 'called the payer, ref 5512', followUp: today() });
    await filterWorklist(page, { payer: denied.payer, kind: 'denied' });
    await markClaim(page, denied.claimId, { status: 'appealed', note: 'appeal sent with records', followUp: today() });
    assert.match(await page.textContent('#work-due-text'), /\(2\)/);

    // Reload: the workspace is still there, found by claim number on the next reconciliation.
    await page.reload();
    await page.waitForSelector('html[data-state="ready"]');
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    assert.match(await page.textContent('#since-counts'), /0 newly paid/);
    await page.check('#work-due-today');
    await page.waitForFunction(() => document.querySelectorAll('#worklist-table tbody tr[data-claim]').length === 2);
    assert.match(await row(page, denied.claimId).textContent(), /appealed · follow up .*appeal sent with records/);
    assert.match(await row(page, unpaid.claimId).textContent(), /waiting on payer.*called the payer, ref 5512/);
    await page.selectOption('#work-status-filter', 'appealed');
    await page.waitForFunction(() => document.querySelectorAll('#worklist-table tbody tr[data-claim]').length === 1);
    await page.close();

    // Next week's files: the unpaid claim is now paid.
    page = await open(context);
    await page.setInputFiles('#charges-file', `${PRACTICE}charges.csv`);
    await page.setInputFiles('#payments-file', { name: 'payments-next.csv', mimeType: 'text/csv', buffer: nextPayments });
    await page.waitForSelector('[data-role="payments"] .file-card[data-state="ready"]');
    await page.fill('#as-of', AS_OF);
    await reconcileBy(page, () => page.click('#reconcile-button'));
    const paid = page.locator(`#since-newlyPaid li[data-claim="${claim.claimId}"]`);
    assert.match(await paid.textContent(), /waiting on payer: called the payer, ref 5512/);
    assert.ok(Number(await page.textContent('[data-since="newlyPaid"]')) >= 1);
    assert.equal(await row(page, unpaid.claimId).count(), 0, 'a paid claim is off the worklist');
    // Three runs are saved, each with its summary: the chart draws a bar per run, and by month one.
    await page.click('#saved-runs summary');
    assert.equal(await page.locator('#saved-runs-table tbody tr').count(), 3);
    assert.equal(await page.locator('.runs-chart .bar').count(), 3);
    const openAR = await page.locator('#saved-runs-table tbody tr').last().locator('td').nth(3).textContent();
    assert.equal(openAR, await page.textContent('[data-figure="openAR"]'), 'the last run is this one');
    await page.check('#runs-by-month');
    assert.equal(await page.locator('.runs-chart .bar').count(), 1, 'three runs as of 2026-11-15 make one month');
    assert.match(await page.textContent('#runs-chart-desc'), /2026-11: open A\/R/);
    await page.check('#runs-by-run');
    await page.locator('#saved-runs').screenshot({ path: `${OUTPUT}worklist-saved-runs.png` });
    await mkdir(OUTPUT, { recursive: true });
    await page.evaluate(() => document.getElementById('worklist-heading').scrollIntoView());
    await page.screenshot({ path: `${OUTPUT}worklist-since-last-run.png`, fullPage: false });
  });
});

test('an encrypted workspace export imports into a fresh browser only with the right passphrase', async () => {
  const report = await sampleReport();
  const item = report.worklist.find((w) => w.kind === 'denied' && w.claimId);
  await withBrowser(async (browser, open) => {
    const first = await open(await browser.newContext({ acceptDownloads: true }));
    await reconcileBy(first, () => first.click('text=Try with sample data'));
    await filterWorklist(first, { payer: item.payer, kind: 'denied' });
    await markClaim(first, item.claimId, { status: 'resubmitted', note: 'secret note 7781', followUp: '2026-12-01' });
    await first.click('#workspace-tools summary');
    await first.fill('#workspace-passphrase', 'correct horse battery');
    const [download] = await Promise.all([first.waitForEvent('download'), first.click('#workspace-export')]);
    const text = await readFile(await download.path(), 'utf8');
    const file = JSON.parse(text);
    assert.equal(file.format, 'clearbill-workspace-encrypted');
    assert.equal(file.cipher.name, 'AES-GCM');
    assert.equal(file.kdf.name, 'PBKDF2');
    assert.ok(!text.includes('secret note') && !text.includes(item.claimId), 'nothing readable in the encrypted file');

    const fresh = await open(await browser.newContext());
    await reconcileBy(fresh, () => fresh.click('text=Try with sample data'));
    await filterWorklist(fresh, { payer: item.payer, kind: 'denied' });
    assert.doesNotMatch(await row(fresh, item.claimId).textContent(), /secret note/);
    await fresh.click('#workspace-tools summary');
    const upload = { name: 'workspace.json', mimeType: 'application/json', buffer: Buffer.from(text) };
    await fresh.fill('#workspace-passphrase', 'wrong horse');
    await fresh.setInputFiles('#workspace-import', upload);
    await fresh.waitForSelector('#workspace-status:has-text("not imported")');
    assert.match(await fresh.textContent('#workspace-status'), /passphrase/);
    assert.doesNotMatch(await row(fresh, item.claimId).textContent(), /secret note/);
    await fresh.fill('#workspace-passphrase', 'correct horse battery');
    await fresh.setInputFiles('#workspace-import', upload);
    await fresh.waitForSelector('#workspace-status:has-text("Imported")');
    await row(fresh, item.claimId).locator('.work-note').filter({ hasText: 'secret note 7781' }).waitFor();
    assert.match(await row(fresh, item.claimId).textContent(), /resubmitted · follow up 2026-12-01/);

    // "Forget this workspace" deletes it.
    await fresh.click('#workspace-forget');
    await fresh.click('#workspace-forget-sure');
    await fresh.waitForSelector('#workspace-status:has-text("deleted")');
    await fresh.waitForFunction((id) => !document.querySelector(`#worklist-table tr[data-claim="${id}"] .work-note`), item.claimId);
  });
});

test('results first: files fold away, tables fit 1280 px, cards fit $999,999,999.99, Reconcile in view at 1366×768', async () => {
  await withBrowser(async (browser, open) => {
    await mkdir(OUTPUT, { recursive: true });
    const small = await open(await browser.newContext(), { width: 1366, height: 768 });
    await small.setInputFiles('#charges-file', `${PRACTICE}charges.csv`);
    await small.setInputFiles('#payments-file', `${PRACTICE}payments.csv`);
    await small.waitForSelector('[data-role="payments"] .file-card[data-state="ready"]');
    await small.evaluate(() => window.scrollTo(0, 0));
    const box = await small.locator('#reconcile-button').boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 768, `the Reconcile button is in view: ${JSON.stringify(box)}`);
    await small.fill('#as-of', AS_OF);
    await reconcileBy(small, () => small.click('#reconcile-button'));
    assert.ok(await small.isHidden('.zones'), 'the files fold away after Reconcile');
    assert.equal(await small.locator('#files-summary li').count(), 2);
    await small.screenshot({ path: `${OUTPUT}worklist-1366x768.png` });
    // The section navigation moves to the worklist.
    await small.click('.result-nav a[href="#worklist-heading"]');
    assert.equal(await small.evaluate(() => document.activeElement.id), 'worklist-heading');
    await small.screenshot({ path: `${OUTPUT}worklist-1366x768-worklist.png` });
    // "change" opens the files again.
    await small.click('#files-summary button >> nth=0');
    assert.ok(await small.isVisible('.zones'));

    const page = await open(await browser.newContext({ acceptDownloads: true }), { width: 1280, height: 900 });
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    await page.screenshot({ path: `${OUTPUT}worklist-1280x900.png` });
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('#results table')]
        .map((table) => {
          const box = table.closest('.scroll') ?? table.parentElement;
          return { id: table.id || table.className, table: table.scrollWidth, box: box.clientWidth };
        })
        .filter((t) => t.table > t.box + 1),
    );
    assert.deepEqual(overflowing, [], 'no table is wider than its box at 1280 px');
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 1280, 'no horizontal scrolling');
    // The column chooser brings a hidden column back.
    await page.click('#worklist .column-chooser summary');
    await page.check('#worklist .column-chooser label:has-text("Check numbers") input');
    assert.ok((await page.textContent('#worklist-table thead')).includes('Check numbers'));

    const cards = await page.evaluate(() =>
      [...document.querySelectorAll('.cards dd[data-figure]')].map((dd) => {
        dd.textContent = '$999,999,999.99';
        const range = document.createRange();
        range.selectNodeContents(dd);
        return { key: dd.dataset.figure, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size, fits: dd.scrollWidth <= dd.clientWidth };
      }),
    );
    for (const c of cards) assert.deepEqual(c, { key: c.key, lines: 1, fits: true }, c.key);

    // The worklist downloads as its own CSV, one row per item with the claim's columns.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-worklist-csv')]);
    assert.match(csv.suggestedFilename(), /-worklist\.csv$/);
    const csvLines = (await readFile(await csv.path(), 'utf8')).trim().split(/\r?\n/);
    assert.match(csvLines[0], /^Deadline,Deadline Type,Kind,Claim ID,Patient,Patient ID,Payer,First Service Date/);
    assert.equal(csvLines.length - 1, Number(await page.locator('#worklist .paged-table').getAttribute('data-total')));

    assert.deepEqual(serious(await accessibilityProblems(page)), []);
  });
});

test('the offline single file keeps a workspace too, or says that the browser refused it and keeps working', async () => {
  const { withFilePage } = await import('./harness.mjs');
  await withFilePage(async (page) => {
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    const first = page.locator('#worklist-table tr[data-claim]').first();
    const claimId = await first.getAttribute('data-claim');
    await markClaim(page, claimId, { status: 'in progress', note: 'offline note', followUp: '2026-12-02' });
    const refused = await page.locator('#workspace-refused').count();
    // Chromium gives a file:// page its own storage; a browser that refuses it gets a message instead.
    if (refused) assert.match(await page.textContent('#workspace-refused'), /refused to keep a workspace/);
    assert.match(await row(page, claimId).textContent(), /in progress · follow up 2026-12-02/);
  }, { name: 'worklist-offline' });
});

test('when the browser refuses storage, the page says so and the workspace lasts for the visit', async () => {
  await withBrowser(async (browser, open) => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      indexedDB.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    const page = await open(context);
    await reconcileBy(page, () => page.click('text=Try with sample data'));
    assert.ok(await page.isVisible('#workspace-refused'), 'the refusal is shown without opening anything');
    assert.match(await page.textContent('#workspace-refused'), /refused to keep a workspace here .*denied permission.*until you close this page/);
    const claimId = await page.locator('#worklist-table tr[data-claim]').first().getAttribute('data-claim');
    await markClaim(page, claimId, { status: 'done', note: 'kept for this visit', followUp: '' });
    assert.match(await row(page, claimId).textContent(), /done/);
  });
});

test('deadlines set per payer on the page move that payer’s deadlines, and a line the user cannot write is refused', async () => {
  const report = await sampleReport();
  const medicare = report.worklist.find((w) => w.payer === 'Medicare' && w.deadlineKind === 'filing');
  assert.ok(medicare, 'the sample has a Medicare claim with a filing deadline');
  await withBrowser(async (browser, open) => {
    const page = await open(await browser.newContext());
    await page.click('#deadlines summary');
    await page.fill('#payer-deadlines', 'Medicare = 365 days');
    await page.click('text=Try with sample data');
    await page.waitForSelector('#reconcile-problem [role="alert"]');
    assert.match(await page.textContent('#reconcile-problem'), /Payer = filing days, appeal days/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'payer-deadlines');

    await page.fill('#payer-deadlines', 'medicare = 365,');
    await reconcileBy(page, () => page.click('#reconcile-button'));
    await filterWorklist(page, { payer: 'Medicare', kind: medicare.kind });
    const day = (iso, plus) => new Date(Date.parse(`${iso}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);
    const served = report.claims[medicare.claim].firstServiceDate;
    const cell = await row(page, medicare.claimId).locator('td').first().textContent();
    assert.ok(cell.startsWith(day(served, 365)), `${cell}: 365 days after ${served}`);
  });
});
