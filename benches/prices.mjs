// Hospital price files (SPEC §10, issue 20): a benchmark, not a test.
//
//   node benches/prices.mjs [ROWS]        (make bench-prices; default 2,000,000 rows)
//
// Makes benches/data/prices-tall-ROWS.csv once, from the CMS v3.0 tall example's 45 data rows
// repeated (about 190 bytes a row: 2M rows ≈ 380 MB), then times on it:
// - the CLI: `clearbill prices FILE --code 70551 --payer Platform --plan PPO` (wall time, peak RSS);
// - Papa Parse streaming the same CSV in Node, parse only (no lookup), as the floor to compare with;
// - the page in headless Chromium: from setting the file on "Look up prices in a hospital file"
//   to the hospital's name on screen (the first pass), then from pressing Search to the rows on
//   screen, with the largest RSS of any Chromium process (the worker's renderer) sampled
//   every 100 ms.
// Prints one JSON object. Needs target/release/clearbill and www/pkg (make cli wasm).

import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import Papa from 'papaparse';
import { chromium } from 'playwright-core';

import { startServer } from '../tools/serve.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROWS = Number(process.argv[2] ?? 2_000_000);
const FILE = `${ROOT}benches/data/prices-tall-${ROWS}.csv`;
const EXAMPLE = `${ROOT}tests/data/shared/hpt/v3.0/V3.0.0_Tall_CSV_Format_Example.csv`;

async function generate() {
  if (existsSync(FILE)) return;
  mkdirSync(`${ROOT}benches/data`, { recursive: true });
  const lines = readFileSync(EXAMPLE, 'utf8').split(/(?<=\n)/);
  const [head, data] = [lines.slice(0, 3), lines.slice(3).map((l) => (l.endsWith('\n') ? l : `${l}\n`))];
  const out = createWriteStream(FILE);
  const write = (text) => (out.write(text) ? null : new Promise((r) => out.once('drain', r)));
  await write(head.join(''));
  for (let n = 0; n < ROWS; ) {
    let chunk = '';
    for (const line of data) if (n++ < ROWS) chunk += line;
    await write(chunk);
  }
  await new Promise((r) => out.end(r));
}

function cli() {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', `${ROOT}target/release/clearbill`, 'prices', FILE,
    '--code', '70551', '--payer', 'Platform', '--plan', 'PPO'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(run.stderr);
  const found = JSON.parse(run.stdout);
  return { ms: Math.round(ms), peakRssMiB: Math.round(Number(run.stderr.trim().split('\n').pop()) / 1024), matches: found.matches.length, rows: found.rows };
}

function papa() {
  return new Promise((resolve) => {
    const started = performance.now();
    let rows = 0;
    Papa.parse(createReadStream(FILE), {
      step: () => rows++,
      complete: () => resolve({ ms: Math.round(performance.now() - started), rows }),
    });
  });
}

/** The largest RSS among the browser's processes, sampled until stopped. */
function sampleRss(rootPid) {
  let peak = 0;
  const pids = () => {
    const all = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    const children = new Set([String(rootPid)]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const pid of all) {
        if (children.has(pid)) continue;
        try {
          const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
          if (children.has(ppid)) {
            children.add(pid);
            changed = true;
          }
        } catch {}
      }
    }
    return [...children];
  };
  let tracked = pids();
  const timer = setInterval(() => {
    for (const pid of tracked) {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb);
      } catch {}
    }
  }, 100);
  const refresh = setInterval(() => { tracked = pids(); }, 1000);
  return () => {
    clearInterval(timer);
    clearInterval(refresh);
    return Math.round(peak / 1024);
  };
}

async function pageRun() {
  const server = await startServer({ root: `${ROOT}www/` });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    chromiumSandbox: false,
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`, { waitUntil: 'load' });
    await page.waitForSelector('html[data-state="ready"]', { timeout: 30_000 });
    await page.click('#estimate-tab');
    await page.locator('#est-prices > summary').click();
    // Chromium runs as a child of this process (a launched Browser has no process() handle).
    const stop = sampleRss(process.pid);
    let started = performance.now();
    await page.setInputFiles('#est-price-file', FILE);
    await page.waitForSelector('#est-price-hospital:not([hidden])', { timeout: 600_000 });
    const firstPassMs = Math.round(performance.now() - started);
    await page.selectOption('#est-price-payer', { label: 'Platform Health Insurance – PPO' });
    await page.fill('#est-price-search', '70551');
    started = performance.now();
    await page.click('#est-price-search-button');
    await page.waitForSelector('#est-price-rows tbody tr', { timeout: 600_000 });
    const searchMs = Math.round(performance.now() - started);
    return { firstPassMs, searchMs, firstResultsMs: firstPassMs + searchMs, peakRendererRssMiB: stop() };
  } finally {
    await browser.close();
    await server.close?.();
  }
}

await generate();
const result = { rows: ROWS, fileMB: Math.round(statSync(FILE).size / 1e6) };
result.cli = cli();
result.papaParseOnly = await papa();
result.page = await pageRun();
console.log(JSON.stringify(result, null, 2));
process.exit(0);
