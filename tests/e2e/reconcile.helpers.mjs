// What the reconcile tests share: the practice fixtures and their
// independent oracle (expected.json, computed by the fixture generator), the
// native CLI as a second oracle, the wasm package loaded in Node to read
// exported workbooks, and the steps a user takes on the page.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PRACTICE = fileURLToPath(new URL('../fixtures/practice/', import.meta.url));
export const BAD = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
const PKG = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const XLSX_PKG = fileURLToPath(new URL('../../www/pkg-xlsx/', import.meta.url));
const CLI = fileURLToPath(new URL('../../target/release/clearbill', import.meta.url));

/** tests/fixtures/practice/expected.json. */
export async function expected() {
  return JSON.parse(await readFile(`${PRACTICE}expected.json`, 'utf8'));
}

/** A scenario's lines as objects (expected.json keeps them as rows under `lineFields`). */
export function expectedLines(scenario) {
  return scenario.lines.map((row) => Object.fromEntries(scenario.lineFields.map((field, i) => [field, row[i]])));
}

/** Runs `target/release/clearbill ARGS` in the practice fixtures folder (make e2e builds it first). */
export async function cli(args) {
  const { stdout } = await promisify(execFile)(CLI, args, { cwd: PRACTICE, maxBuffer: 64 << 20 });
  return stdout;
}

let wasm;
/** The page's own wasm package (www/pkg), initialised in Node. */
export async function wasmInNode() {
  if (!wasm) {
    const module = await import(`${PKG}clearbill.js`);
    await module.default({ module_or_path: await readFile(`${PKG}clearbill_bg.wasm`) });
    wasm = module;
  }
  return wasm;
}

let writer;
/** The xlsx writer module (www/pkg-xlsx), which the page's worker loads on the first xlsx download. */
export async function xlsxWriterInNode() {
  if (!writer) {
    const module = await import(`${XLSX_PKG}clearbill_xlsx.js`);
    await module.default({ module_or_path: await readFile(`${XLSX_PKG}clearbill_xlsx_bg.wasm`) });
    writer = module;
  }
  return writer;
}

/** A Session's report as xlsx bytes, made as the worker makes them: laid out, then written. */
export async function exportXlsxInNode(session) {
  return (await xlsxWriterInNode()).writeXlsx(session.exportBook());
}

/** "78232.50" → "$78,232.50", as the page shows money. */
export function dollars(text) {
  const negative = text.startsWith('-');
  const [whole, cents] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '−' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** "0.2202" → "22.0%". */
export function percent(text) {
  return `${(Number(text) * 100).toFixed(1)}%`;
}

/** Chooses a file in a drop zone's file input and waits until the page has read it. */
export async function chooseFile(page, role, path, { expect = 'ready' } = {}) {
  const cards = page.locator(`[data-role="${role}"] .file-card`);
  const before = await cards.count();
  await page.setInputFiles(`#${role}-file`, path);
  // The zone is busy until every file chosen is read and placed (added, or in the place of earlier ones).
  await page.locator(`[data-role="${role}"]:not([data-busy])`).waitFor();
  const card = cards.nth((await cards.count()) > before ? before : 0);
  await card.and(page.locator(`[data-state="${expect}"]`)).waitFor();
  return card;
}

/** Runs `action` (a click or a key) that starts a reconciliation, and waits for its results. */
export async function reconcileBy(page, action) {
  const before = await page.getAttribute('html', 'data-reconciled');
  await action();
  await page.waitForFunction(
    (previous) => {
      const now = document.documentElement.dataset.reconciled;
      return now && now !== previous;
    },
    before,
    { timeout: 30_000 },
  );
}

/** The figure a summary card shows, by its key (billed, insurancePaid, …). */
export function figure(page, key) {
  return page.textContent(`[data-figure="${key}"]`);
}

/** The text of each cell of one column of the lines table, on the page shown. */
export function linesColumn(page, label) {
  return page.$$eval(
    '#lines-table',
    ([table], wanted) => {
      const index = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent.replace(/[▲▼]/g, '').trim() === wanted);
      return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[index]?.textContent ?? '');
    },
    label,
  );
}

/** Only the serious and critical accessibility problems (the bar). */
export function serious(problems) {
  return problems.filter((p) => /\((serious|critical)\)/.test(p));
}
