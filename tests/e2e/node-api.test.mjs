// The wasm API of SPEC §7 as Node sees it: www/pkg/clearbill.js (the page's
// own build) reconciles the practice fixtures to exactly the report that the
// native CLI prints for them, its Session pages, filters and sorts the same
// lines, and errors are Errors with a readable message. `make e2e` builds the
// CLI (target/release/clearbill) first.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { PRACTICE, cli, expected, wasmInNode } from './reconcile.helpers.mjs';

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

    assert.deepEqual(session.worklist({ limit: 5000 }).items, full.worklist);
    assert.deepEqual(session.unmatchedPayments({}).items, full.unmatchedPayments);
    assert.deepEqual(session.rejected().items, full.rejected);
    assert.deepEqual(JSON.parse(session.exportJson()), full);
    const csv = session.exportCsv().trim().split(/\r?\n/);
    assert.equal(csv.length, full.lines.length + 1);
    const xlsx = session.exportXlsx();
    assert.deepEqual([...xlsx.slice(0, 2)], [0x50, 0x4b], 'a zip package');
  } finally {
    session.free();
  }
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
  assert.throws(() => wasm.reconcile({ charges: { bytes, name: 'charges.xlsx' }, asOf: '15/11/2026' }), /asOf "15\/11\/2026" is not a date/);
});
