// One timed run of one tool in a fresh Node process, so that each run's peak
// memory is its own. Prints one JSON line: { ms, maxRssKiB, ... }.
//
//   node benches/one.mjs wasm    CHARGES PAYMENTS   ClearBill wasm (www/pkg): read + reconcile + summary
//   node benches/one.mjs floor   CHARGES PAYMENTS   the bench wasm (make bench-wasm): inflate + tokenise the sheet XML only
//   node benches/one.mjs sheetjs CHARGES PAYMENTS   SheetJS: XLSX.read(buf, {dense: true}) + sheet_to_json
//   node benches/one.mjs papa    CHARGES PAYMENTS   Papa Parse: decode + Papa.parse(text)
//   node benches/one.mjs reconcile CHARGES PAYMENTS ClearBill wasm: reconcile(request), the whole report as JS objects
//
// File bytes are read before the clock starts; what is timed starts from
// bytes in memory, as in the page after the files are picked.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const [tool, ...files] = process.argv.slice(2);
const buffers = files.map((f) => readFileSync(f));
const AS_OF = '2026-06-30';

/** The page's module (www/pkg), or with `dir` the bench build that also has the floor. */
async function wasmModule(dir = '../www/pkg/') {
  const pkg = fileURLToPath(new URL(dir, import.meta.url));
  const module = await import(new URL(`${dir}clearbill.js`, import.meta.url));
  const exports = await module.default({ module_or_path: readFileSync(`${pkg}clearbill_bg.wasm`) });
  return { module, memory: exports.memory };
}

const tools = {
  async wasm() {
    const { module, memory } = await wasmModule();
    const progress = [];
    const start = performance.now();
    const request = {
      charges: { bytes: new Uint8Array(buffers[0]), name: basename(files[0]) },
      payments: { bytes: new Uint8Array(buffers[1]), name: basename(files[1]) },
      asOf: AS_OF,
    };
    const session = new module.Session(request, (message, percent) => progress.push([performance.now() - start, percent]));
    const overview = session.summary();
    const ms = performance.now() - start;
    let maxProgressGap = 0;
    let last = 0;
    for (const [t] of [...progress, [ms]]) {
      maxProgressGap = Math.max(maxProgressGap, t - last);
      last = t;
    }
    return {
      ms,
      wasmMemoryBytes: memory.buffer.byteLength,
      lines: overview.lines,
      progressReports: progress.length,
      maxProgressGapMs: maxProgressGap,
    };
  },
  async reconcile() {
    const { module, memory } = await wasmModule();
    const start = performance.now();
    const report = module.reconcile({
      charges: { bytes: new Uint8Array(buffers[0]), name: basename(files[0]) },
      payments: { bytes: new Uint8Array(buffers[1]), name: basename(files[1]) },
      asOf: AS_OF,
    });
    return { ms: performance.now() - start, wasmMemoryBytes: memory.buffer.byteLength, lines: report.lines.length };
  },
  async floor() {
    const { module, memory } = await wasmModule('../target/bench-pkg/');
    const start = performance.now();
    let events = 0;
    for (const b of buffers) events += module.xlsxFloor(new Uint8Array(b)).events;
    return { ms: performance.now() - start, wasmMemoryBytes: memory.buffer.byteLength, events };
  },
  async sheetjs() {
    const { default: XLSX } = await import('xlsx');
    const start = performance.now();
    let rows = 0;
    for (const b of buffers) {
      const wb = XLSX.read(b, { dense: true });
      rows += XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]]).length;
    }
    return { ms: performance.now() - start, rows };
  },
  async papa() {
    const { default: Papa } = await import('papaparse');
    const start = performance.now();
    let rows = 0;
    for (const b of buffers) rows += Papa.parse(new TextDecoder().decode(b)).data.length;
    return { ms: performance.now() - start, rows };
  },
};

const result = await tools[tool]();
result.maxRssKiB = process.resourceUsage().maxRSS;
console.log(JSON.stringify(result));
