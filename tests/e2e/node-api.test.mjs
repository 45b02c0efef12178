// The wasm API of SPEC §7 as Node sees it: www/pkg/clearbill.js (the page's
// own build) reconciles the practice fixtures to exactly the report that the
// native CLI prints for them, its Session pages, filters and sorts the same
// lines, its workbook written by the xlsx writer module (www/pkg-xlsx) is the
// one the CLI writes, and errors are Errors with a readable message. `make e2e`
// builds the CLI (target/release/clearbill) first.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { PRACTICE, cli, expected, exportXlsxInNode, wasmInNode, xlsxWriterInNode } from './reconcile.helpers.mjs';

const AS_OF = '2026-11-15';

async function file(name) {
  return { bytes: new Uint8Array(await readFile(`${PRACTICE}${name}`)), name };
}

async function request() {
  return {
    charges: await file('charges.xlsx'),
    payments: await file('payments.csv'),
    fees: await file('fees.xlsx'),
    asOf: AS_OF,
  };
}

test('reconcile() in Node gives the report that the CLI prints for the same files', async () => {
  const wasm = await wasmInNode();
  const report = wasm.reconcile(await request());
  const printed = JSON.parse(
    await cli(['reconcile', '--charges', 'charges.xlsx', '--payments', 'payments.csv', '--fees', 'fees.xlsx', '--as-of', AS_OF]),
  );
  assert.deepEqual(report, printed);
  // Money stays a string; and the generator's independent numbers agree.
  assert.equal(typeof report.lines[0].billed, 'string');
  assert.deepEqual(report.summary.totals.billed, (await expected()).scenarios.matched.summary.totals.billed);
});

test('a Session keeps the report in wasm and hands out pages, filtered and sorted', async () => {
  const wasm = await wasmInNode();
  const full = wasm.reconcile(await request());
  const progress = [];
  const session = new wasm.Session(await request(), (message, percent) => progress.push([message, percent]));
  try {
    const overview = session.summary();
    assert.deepEqual(overview.summary, full.summary);
    assert.equal(overview.lines, full.lines.length);
    assert.equal(overview.rejected, full.rejected.length);
    assert.deepEqual(overview.payers, [...new Set(full.lines.map((l) => l.payer).filter(Boolean))].sort());
    assert.ok(progress.length >= 2 && progress.at(-1)[1] === 100, `progress ends at 100%: ${JSON.stringify(progress)}`);
    assert.ok(progress.every(([, p], i) => i === 0 || p >= progress[i - 1][1]), 'progress only goes up');

    const page = session.lines({ offset: 100, limit: 50 });
    assert.equal(page.total, full.lines.length);
    assert.deepEqual(
      page.items.map(({ index, ...line }) => line),
      full.lines.slice(100, 150),
    );
    assert.deepEqual(page.items.map((l) => l.index), [...Array(50).keys()].map((i) => i + 100));

    const denied = session.lines({ statuses: ['denied'], payer: 'medicare', sort: 'atStake', descending: true, limit: 5000 });
    const want = full.lines.filter((l) => l.status === 'denied' && l.payer === 'Medicare');
    assert.equal(denied.total, want.length);
    const stakes = denied.items.map((l) => Number(l.atStake));
    assert.deepEqual(stakes, [...stakes].sort((a, b) => b - a));

    assert.deepEqual(session.worklist({ limit: 5000 }).items.map(({ index, ...w }) => w), full.worklist);
    // SPEC §8.7: filtered by payer and kind, sorted by a column, in the worker.
    const medicareDenied = session.worklist({ payer: 'medicare', kinds: ['denied'], sort: 'amount', descending: true, limit: 5000 });
    const wantItems = full.worklist.filter((w) => w.payer === 'Medicare' && w.kind === 'denied');
    assert.equal(medicareDenied.total, wantItems.length);
    assert.ok(wantItems.length > 0);
    const amounts = medicareDenied.items.map((w) => Number(w.amount));
    assert.deepEqual(amounts, [...amounts].sort((a, b) => b - a));
    assert.equal(session.claims({ limit: 5000 }).total, full.claims.length);
    assert.deepEqual(session.unmatchedPayments({}).items, full.unmatchedPayments);
    assert.deepEqual(session.rejected().items, full.rejected);
    assert.deepEqual(JSON.parse(session.exportJson()), full);
    const csv = session.exportCsv().trim().split(/\r?\n/);
    assert.equal(csv.length, full.lines.length + 1);
  } finally {
    session.free();
  }
});

/** Every sheet of an xlsx as SheetJS reads it: { name: rows of raw values }, and the workbook. */
async function sheets(bytes) {
  const { default: XLSX } = await import('xlsx');
  const workbook = XLSX.read(Buffer.from(bytes), { type: 'buffer', cellNF: true });
  const rows = Object.fromEntries(
    workbook.SheetNames.map((name) => [name, XLSX.utils.sheet_to_json(workbook.Sheets[name], { header: 1, raw: true })]),
  );
  return { workbook, rows };
}

const cents = (amount) => Math.round(Number(amount) * 100);

test('the xlsx writer module writes the workbook a Session lays out: the CLI\'s workbook, to the cent', async () => {
  const wasm = await wasmInNode();
  const full = wasm.reconcile(await request());
  const session = new wasm.Session(await request());
  let xlsx;
  try {
    xlsx = await exportXlsxInNode(session);
  } finally {
    session.free();
  }
  const { workbook, rows } = await sheets(xlsx);
  assert.deepEqual(workbook.SheetNames, [
    'Summary',
    'Lines',
    'Worklist',
    'Claims',
    'Unmatched payments',
    'Rejected rows',
    'Provider adjustments',
    'Remittance findings',
  ]);

  // Lines: a header, then one row per line; money is a number cell in the currency format.
  const [header, ...lines] = rows.Lines;
  assert.equal(lines.length, full.lines.length);
  const billed = header.indexOf('Billed');
  assert.equal(header[0], 'Claim ID');
  assert.equal(lines[0][0], full.lines[0].claimId);
  assert.equal(
    lines.reduce((sum, line) => sum + cents(line[billed]), 0),
    cents(full.summary.totals.billed),
    'the Billed column adds up to the report\'s total',
  );
  const firstBilled = workbook.Sheets.Lines.G2;
  assert.equal(firstBilled.t, 'n');
  assert.equal(firstBilled.z, '$#,##0.00;[Red]-$#,##0.00');
  assert.equal(cents(firstBilled.v), cents(full.lines[0].billed));
  const balance = rows.Summary.find((row) => row[0] === 'Insurance balance');
  assert.equal(cents(balance[1]), cents(full.summary.totals.balance));
  assert.equal(cents(balance[1]), cents((await expected()).scenarios.matched.summary.totals.balance));
  const openAR = rows.Summary.find((row) => row[0] === 'Open A/R (aging total)');
  assert.equal(cents(openAR[1]), cents((await expected()).scenarios.matched.summary.totals.openAR));

  // The CLI writes the same workbook from the same files (--format xlsx, one Rust module).
  const dir = await mkdtemp(join(tmpdir(), 'clearbill-xlsx-'));
  try {
    const out = join(dir, 'cli.xlsx');
    await cli(['reconcile', '--charges', 'charges.xlsx', '--payments', 'payments.csv', '--fees', 'fees.xlsx', '--as-of', AS_OF, '--format', 'xlsx', '--out', out]);
    assert.deepEqual(rows, (await sheets(await readFile(out))).rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the xlsx writer module refuses what is not a laid-out workbook with a readable Error', async () => {
  const writer = await xlsxWriterInNode();
  assert.throws(() => writer.writeXlsx(new TextEncoder().encode('{"sheets": 3}')), (error) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /^the workbook to write could not be read .*reload the page and try again$/);
    return true;
  });
});

test('inspect, paymentPlan and estimate answer plain objects; bad input throws a readable Error', async () => {
  const wasm = await wasmInNode();
  const { bytes } = await file('charges.xlsx');
  const inspection = wasm.inspect(bytes, 'charges.xlsx');
  assert.equal(inspection.headerRow, 5);
  assert.equal(inspection.columns.find((c) => c.letter === 'K').role, 'billed');
  const remapped = wasm.inspect(bytes, 'charges.xlsx', undefined, { billed: null });
  assert.equal(remapped.columns.find((c) => c.letter === 'K').role, null);

  const plan = wasm.paymentPlan({ amount: '100.00', months: 3, start: '2026-12-01' });
  assert.deepEqual(plan.installments.map((i) => i.amount), ['33.34', '33.33', '33.33']);
  assert.equal(plan.total, '100.00');

  // An office visit under the fixture plan: the $30 copay before the deductible, and nothing else.
  const estimateDir = new URL('../fixtures/estimate/', import.meta.url);
  const planJson = JSON.parse(await readFile(new URL('plan.json', estimateDir), 'utf8'));
  const { services } = wasm.readServices(new Uint8Array(await readFile(new URL('services.csv', estimateDir))), 'services.csv');
  const office = wasm.estimate(planJson, services.slice(0, 1));
  assert.equal(office.lines[0].patientPays, '30.00');
  assert.equal(office.totals.patientPays, '30.00');

  assert.throws(() => wasm.inspect(new TextEncoder().encode('%PDF-1.7\n'), 'scan.xlsx'), (error) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /scan\.xlsx: .*PDF/);
    return true;
  });
  assert.throws(() => wasm.reconcile({ charges: { bytes, name: 'charges.xlsx' }, asOf: '15/11/2026' }), /As-of date: "15\/11\/2026" is not a date in the form YYYY-MM-DD/);
});

test('reconcile() takes several 837 claim files as the charges, in the order sent, as the CLI does', async () => {
  const wasm = await wasmInNode();
  const LIFECYCLE = new URL('../fixtures/lifecycle/', import.meta.url);
  const claims = async (name) => ({ bytes: new Uint8Array(await readFile(new URL(name, LIFECYCLE))), name });
  const want = JSON.parse(await readFile(new URL('expected.json', LIFECYCLE), 'utf8'));
  const era = await claims('era.835');
  const report = wasm.reconcile({ charges: [await claims('batch-1.837'), await claims('batch-2.837')], payments: [era], asOf: want.asOf });
  assert.equal(report.summary.totals.billed, want.billed);
  assert.equal(report.summary.funnel.submitted, want.funnel.submitted);
  assert.equal(report.summary.funnel.noAnswer, want.funnel.noAnswer + want.funnel.rejected, 'without the acknowledgments the rejected claim has no answer');
  const printed = JSON.parse(
    await cli(['reconcile', '--charges', '../lifecycle/batch-1.837', '../lifecycle/batch-2.837', '--payments', '../lifecycle/era.835', '--as-of', want.asOf]),
  );
  assert.deepEqual(report.summary.funnel, printed.summary.funnel);
  assert.deepEqual(report.lines, printed.lines);

  const first = await claims('batch-1.837');
  const sheet = { bytes: new TextEncoder().encode('Claim,Code,Date,Billed\nLC0001,99213,2026-03-01,120.00\n'), name: 'charges.csv' };
  assert.throws(() => wasm.reconcile({ charges: [first, sheet], payments: [era], asOf: want.asOf }), /charges\.csv is not an 837 claim file/);
  assert.throws(() => wasm.reconcile({ charges: [first, first], payments: [era], asOf: want.asOf }), /batch-1\.837 was chosen twice/);
});
