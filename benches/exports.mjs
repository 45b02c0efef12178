// The page's exports, timed under Node with the page's own wasm modules (issue 21 item 3):
// reconcile a generated csv pair in a `Session`, then time each download the page offers,
// from the session to the file's bytes, as www/worker.js makes them:
//   xlsx: session.exportBook() (the workbook laid out, JSON) → writeXlsx() (www/pkg-xlsx)
//   csv:  session.exportCsv() (the lines), encoded to UTF-8 bytes as the page's Blob does
//
//   node benches/exports.mjs [--runs N] [--json FILE] [ROWS...]   default: 200000 1000000, 3 runs each;
//                                                    --json also writes the results there (make bench reads them)
//   node benches/exports.mjs --one xlsx|csv ROWS      one timed run in this process (one JSON line)
//
// Expects benches/data/charges-ROWS.csv and payments-ROWS.csv (`make bench-exports` makes them)
// and www/pkg, www/pkg-xlsx (`make wasm`). Each run is a fresh Node process under
// `flock /tmp/bench.lock`, so that timed runs of parallel benchmarks do not overlap.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = `${ROOT}benches/data/`;
const AS_OF = '2026-06-30';
const args = process.argv.slice(2);

async function load(dir, name) {
  const module = await import(new URL(`../www/${dir}/${name}.js`, import.meta.url));
  const exports = await module.default({ module_or_path: readFileSync(`${ROOT}www/${dir}/${name}_bg.wasm`) });
  return { module, memory: exports.memory };
}

/** One export of one reconciliation, timed by phase. */
async function one(kind, rows) {
  const page = await load('pkg', 'clearbill');
  const name = (side) => `${side}-${rows}.csv`;
  const request = {
    charges: { bytes: new Uint8Array(readFileSync(DATA + name('charges'))), name: name('charges') },
    payments: { bytes: new Uint8Array(readFileSync(DATA + name('payments'))), name: name('payments') },
    asOf: AS_OF,
  };
  const session = new page.module.Session(request, () => {});
  const lines = session.summary().lines;
  const phases = {};
  let bytes;
  if (kind === 'xlsx') {
    // The page fetches the writer while the session lays the book out; here it is loaded first.
    const writer = await load('pkg-xlsx', 'clearbill_xlsx');
    let t = performance.now();
    const book = session.exportBook();
    phases.bookMs = performance.now() - t;
    phases.bookBytes = book.length;
    t = performance.now();
    bytes = writer.module.writeXlsx(book);
    phases.writeMs = performance.now() - t;
    phases.writerMemoryBytes = writer.memory.buffer.byteLength;
    phases.ms = phases.bookMs + phases.writeMs;
  } else {
    const t = performance.now();
    bytes = new TextEncoder().encode(session.exportCsv());
    phases.ms = performance.now() - t;
  }
  return { kind, rows, lines, bytes: bytes.length, ...phases, pageMemoryBytes: page.memory.buffer.byteLength };
}

if (args[0] === '--one') {
  const result = await one(args[1], Number(args[2]));
  result.maxRssKiB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify(result));
} else {
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
  const json = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs').map(Number);
  const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const MiB = (b) => (b / 2 ** 20).toFixed(0);
  const table = [];
  for (const rows of sizes.length ? sizes : [200_000, 1_000_000]) {
    for (const kind of ['xlsx', 'csv']) {
      const results = [];
      for (let i = 0; i < runs; i++) {
        let r;
        try {
          const out = execFileSync('flock', ['/tmp/bench.lock', 'node', fileURLToPath(import.meta.url), '--one', kind, String(rows)], {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          r = JSON.parse(out.trim().split('\n').pop());
        } catch (error) {
          // A run that dies (the wasm out of memory traps as `unreachable`) is reported, not hidden.
          const reason = String(error.stderr ?? error.message).split('\n').find((l) => /Error/.test(l)) ?? 'failed';
          console.error(`  ${kind} ${rows} run ${i + 1} failed: ${reason}`);
          table.push({ kind, rows, failed: reason.trim() });
          break;
        }
        console.error(`  ${kind} ${rows} run ${i + 1}: ${JSON.stringify(r)}`);
        results.push(r);
      }
      if (!results.length) continue;
      const mid = results.find((r) => r.ms === median(results.map((x) => x.ms)));
      table.push({ ...mid, runs: results.map((r) => Math.round(r.ms)) });
    }
  }
  if (json) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), runs, exports: table }, null, 2)}\n`);
  console.log('| export | rows per file | lines | total (median) | runs | book JSON | xlsx writer | file | book JSON size | writer wasm memory | peak RSS |');
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of table) {
    if (r.failed) {
      console.log(`| ${r.kind} | ${r.rows.toLocaleString('en-US')} | | **failed**: ${r.failed} | | | | | | | |`);
      continue;
    }
    const phase = (ms) => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`);
    console.log(
      `| ${r.kind} | ${r.rows.toLocaleString('en-US')} | ${r.lines.toLocaleString('en-US')} | **${(r.ms / 1000).toFixed(2)} s** | ${r.runs.join(', ')} ms ` +
        `| ${phase(r.bookMs)} | ${phase(r.writeMs)} | ${MiB(r.bytes)} MiB | ${r.bookBytes ? `${MiB(r.bookBytes)} MiB` : ''} ` +
        `| ${r.writerMemoryBytes ? `${MiB(r.writerMemoryBytes)} MiB` : ''} | ${MiB(r.maxRssKiB * 1024)} MiB |`,
    );
  }
}
