// The benchmark harness behind `make bench`: times ClearBill (wasm under Node,
// native, and the page in headless Chromium) against SheetJS, Papa Parse and
// the xlsx floor on the same generated files in one run, and writes BENCH.md.
//
//   node benches/run.mjs [--runs N] [--quick]
//   node benches/run.mjs --only shapes [--runs N]    W1 on each generated shape only (make bench-shapes)
//   node benches/run.mjs --only million [--runs N]   the page on the 1M + 1M xlsx pair only (make bench-million)
//
// `--only` rewrites just its own section of BENCH.md (between its <!-- name --> markers); a full
// run rewrites everything but the million section, which it keeps as it was unless
// benches/data/results-million.json has a newer run. The targets table also takes the exports' figures from
// benches/data/results-exports.json (benches/exports.mjs --json, which `make bench` runs first).
//
// Expects the files of benches/generate.rs in benches/data/, the wasm packages
// in www/pkg/ (the page's) and www/pkg-xlsx/ (its xlsx writer, which the page
// fetches only on "Download xlsx"; only its size is reported) and
// target/release/examples/bench_native (the Makefile builds them). Every timing is the median of N runs (default 5; SheetJS and the 1M-row
// workload 3), each in a fresh process. --quick uses the 10k-row files.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = `${ROOT}benches/data/`;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : undefined;
const RUNS = runsArg ?? 5;
const FEW = runsArg ?? 3;
const W1 = quick ? 10_000 : 200_000;
const W2 = quick ? 10_000 : 1_000_000;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (only !== undefined && !['shapes', 'million'].includes(only)) {
  console.error('--only takes shapes or million');
  process.exit(2);
}
const files = (n, ext) => [`${DATA}charges-${n}.${ext}`, `${DATA}payments-${n}.${ext}`];
/** The generated shapes of W1 (benches/generate.rs --shape); plain is W1's own files. */
const SHAPES = {
  plain: '12 columns, shared strings, dates and money as numbers',
  wide: '17 + 15 columns, every text an inline string (constant-memory writer)',
  distinct: 'shared strings mostly distinct (a note per line, a name per patient), dates as text',
};
const shapeFiles = (shape) => files(shape === 'plain' ? W1 : `${shape}-${W1}`, 'xlsx');
const MILLION = 1_000_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const max = (xs) => Math.max(...xs);
const log = (...m) => console.error(...m);

function node(script, ...rest) {
  const out = execFileSync('node', [`${ROOT}benches/${script}`, ...rest], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

/** `runs` fresh processes of one tool; the median time and the largest memory. */
function tool(name, pair, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    let r;
    try {
      [r] = node('one.mjs', name, ...pair);
    } catch (error) {
      // A run that dies (wasm out of memory) is reported, not hidden.
      const reason = String(error.stderr ?? error.message).trim().split('\n').filter(Boolean).pop();
      log(`  ${name} run ${i + 1} failed: ${reason}`);
      return { ms: NaN, runs: [NaN], maxRssKiB: NaN, failed: reason };
    }
    log(`  ${name} run ${i + 1}: ${r.ms.toFixed(0)} ms`);
    results.push(r);
  }
  return {
    ms: median(results.map((r) => r.ms)),
    runs: results.map((r) => Math.round(r.ms)),
    maxRssKiB: max(results.map((r) => r.maxRssKiB)),
    wasmMemoryBytes: results[0].wasmMemoryBytes ? max(results.map((r) => r.wasmMemoryBytes)) : undefined,
    maxProgressGapMs: results[0].maxProgressGapMs !== undefined ? max(results.map((r) => r.maxProgressGapMs)) : undefined,
    lines: results[0].lines,
  };
}

function native(pair, runs, floor) {
  const bin = `${ROOT}target/release/examples/bench_native`;
  const extra = floor ? ['--floor'] : [];
  const r = JSON.parse(execFileSync(bin, [...pair, '--runs', String(runs), ...extra], { encoding: 'utf8' }));
  log(`  native: ${r.ms.map(Math.round).join(', ')} ms${floor ? `; floor ${r.floorMs.map(Math.round).join(', ')} ms` : ''}`);
  return { ms: median(r.ms), runs: r.ms.map(Math.round), maxRssKiB: r.peakRssKiB, floorMs: floor ? median(r.floorMs) : undefined, lines: r.lines };
}

function cli(pair, runs) {
  const bin = `${ROOT}target/release/clearbill`;
  const times = [];
  let maxRssKiB = 0;
  for (let i = 0; i < runs; i++) {
    const run = spawnSync('/usr/bin/time', ['-f', '%e %M', bin, 'reconcile', '--charges', pair[0], '--payments', pair[1],
      '--as-of', '2026-06-30', '--format', 'csv', '--out', '/dev/null'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`clearbill reconcile failed: ${run.stderr}`);
    const [secs, rss] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
    times.push(secs * 1000);
    maxRssKiB = Math.max(maxRssKiB, rss);
  }
  log(`  cli: ${times.map(Math.round).join(', ')} ms`);
  return { ms: median(times), runs: times.map(Math.round), maxRssKiB };
}

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
}

const pkg = (name) => JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version;

const MiB = 1024 * 1024;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes) => (bytes === undefined || Number.isNaN(bytes) ? '–' : `${(bytes / MiB).toFixed(0)} MiB`);
const rss = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const ratio = (a, b) => (a / b).toFixed(2);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const ok = (good) => (good ? 'met' : '**missed**');
const runsText = (r) => r.runs.map((x) => (x / 1000).toFixed(2)).join(', ');

/** W1 on each shape: ClearBill wasm, the floor and SheetJS (`known` has plain's, timed already). */
function runShapes(known) {
  const out = {};
  for (const shape of Object.keys(SHAPES)) {
    if (shape === 'plain' && known) {
      out.plain = known;
      continue;
    }
    const pair = shapeFiles(shape);
    log(`W1, shape ${shape}: ${pair.join(' + ')}`);
    out[shape] = { wasm: tool('wasm', pair, FEW), floor: tool('floor', pair, FEW), sheetjs: tool('sheetjs', pair, FEW),
      bytes: pair.map((f) => readFileSync(f).length) };
  }
  return out;
}

function shapesSection(shapes) {
  const rows = Object.entries(shapes).map(([shape, r]) => {
    const vsSheetjs = r.wasm.ms / r.sheetjs.ms;
    const vsFloor = r.wasm.ms / r.floor.ms;
    const mem = r.wasm.wasmMemoryBytes;
    const met = vsSheetjs <= 0.2 && vsFloor <= 1.4 && mem < 256 * MiB;
    return `| ${shape} | ${s(r.wasm.ms)} (${runsText(r.wasm)}) | ${s(r.floor.ms)} | ${s(r.sheetjs.ms)} | ${(1 / vsSheetjs).toFixed(1)}× | ${ratio(r.wasm.ms, r.floor.ms)} | ${mib(mem)} | ${ok(met)} |`;
  });
  const described = Object.entries(SHAPES).map(([shape, text]) => `- **${shape}**: ${text}`).join('\n');
  return `<!-- shapes -->
## W1 on other shapes of file (\`make bench-shapes\`)

The W1 job (read both ${W1.toLocaleString('en-US')}-row xlsx files, reconcile, summary through a \`Session\`,
wasm under Node) on each shape that benches/generate.rs writes (\`--shape\`); the same rows, laid out
differently:

${described}

Targets on every shape: ≥ 5× faster than SheetJS, ≤ 1.4× the floor (the same wasm inflating and
tokenising the same files), peak wasm memory < 256 MiB.

| shape | ClearBill wasm (runs) | floor | SheetJS | faster than SheetJS | ours/floor | peak wasm memory | targets |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
<!-- /shapes -->`;
}

/** The page on the 1M + 1M xlsx pair. */
function runMillion() {
  const pair = files(MILLION, 'xlsx');
  log(`The page, ${pair.join(' + ')}`);
  const runs = node('page.mjs', ...pair, String(runsArg ?? 1));
  return {
    date: new Date().toISOString(),
    ms: median(runs.map((r) => r.ms)),
    runs: runs.map((r) => Math.round(r.ms)),
    lines: runs[0].lines,
    maxFrameGapMs: max(runs.map((r) => r.maxFrameGapMs)),
    longestTaskMs: max(runs.map((r) => r.longestTaskMs)),
    ...longestProgressGap(runs),
    progressReports: median(runs.map((r) => r.progressReports)),
    wasmMemoryBytes: max(runs.map((r) => r.wasmMemoryBytes)),
  };
}

/** The longest gap between two progress reports over the runs, and the two steps around it. */
function longestProgressGap(runs) {
  const worst = runs.reduce((a, b) => (b.maxProgressGapMs > a.maxProgressGapMs ? b : a));
  return { maxProgressGapMs: worst.maxProgressGapMs, maxProgressGapBetween: worst.maxProgressGapBetween };
}

/** Where the longest gap between progress reports fell, when the run said. */
function gapWhere(m) {
  const [from, to] = m.maxProgressGapBetween?.split(' → ') ?? [];
  return to ? ` (from “${from}” to “${to}”)` : '';
}

function millionSection(m) {
  return `<!-- million -->
## A million lines in the page (\`make bench-million\`)

A ${MILLION.toLocaleString('en-US')}-row charges xlsx and a ${MILLION.toLocaleString('en-US')}-row payments xlsx (benches/generate.rs, plain
shape) set on the page in headless Chromium, W3's way (benches/page.mjs), run on ${m.date.slice(0, 10)}: ${m.lines.toLocaleString('en-US')} lines.

| target | measured | |
|---|---|---|
| summary on screen ≤ 12 s | ${s(m.ms)} (runs ${runsText(m)}) | ${ok(m.ms <= 12_000)} |
| peak wasm memory < 1 GiB (the workers' linear memory) | ${mib(m.wasmMemoryBytes)} | ${ok(m.wasmMemoryBytes < 1024 * MiB)} |
| no main-thread task > 200 ms | longest task ${m.longestTaskMs.toFixed(0)} ms, longest frame gap ${m.maxFrameGapMs.toFixed(0)} ms | ${ok(m.longestTaskMs <= 200)} |

Progress: ${m.progressReports} reports, the longest gap between two ${m.maxProgressGapMs.toFixed(0)} ms${gapWhere(m)}.
<!-- /million -->`;
}

/** BENCH.md's section between `<!-- name -->` and `<!-- /name -->`, or undefined. */
function sectionOf(text, name) {
  const start = text.indexOf(`<!-- ${name} -->`);
  const end = text.indexOf(`<!-- /${name} -->`);
  return start < 0 || end < start ? undefined : text.slice(start, end + `<!-- /${name} -->`.length);
}

const benchMd = `${ROOT}BENCH.md`;
const currentMd = existsSync(benchMd) ? readFileSync(benchMd, 'utf8') : '';
const millionJson = `${DATA}results-million.json`;
if (only) {
  let section;
  if (only === 'shapes') {
    section = shapesSection(runShapes());
  } else {
    const million = runMillion();
    writeFileSync(millionJson, `${JSON.stringify(million, null, 2)}\n`);
    section = millionSection(million);
  }
  const old = sectionOf(currentMd, only);
  // A section not there yet goes where a full run puts it, before the machine and versions.
  const machineAt = currentMd.indexOf('## Machine and versions');
  const added = machineAt < 0
    ? `${currentMd.trimEnd()}\n\n${section}\n`
    : `${currentMd.slice(0, machineAt)}${section}\n\n${currentMd.slice(machineAt)}`;
  writeFileSync(benchMd, old ? currentMd.replace(old, section) : added);
  log(`Rewrote the ${only} section of BENCH.md`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
log(`W1: ${W1}-row charges + payments xlsx`);
const w1Files = files(W1, 'xlsx');
const w1 = {
  wasm: tool('wasm', w1Files, RUNS),
  floor: tool('floor', w1Files, RUNS),
  native: native(w1Files, RUNS, true),
  cli: cli(w1Files, FEW),
  sheetjs: tool('sheetjs', w1Files, FEW),
  // SPEC §7's reconcile(): the whole report handed over as JS objects (issue 21 item 5).
  reconcileCall: tool('reconcile', w1Files, FEW),
};
log(`W2: ${W2}-row charges + payments csv`);
const w2Files = files(W2, 'csv');
const w2 = {
  wasm: tool('wasm', w2Files, FEW),
  native: native(w2Files, FEW, false),
  cli: cli(w2Files, FEW),
  papa: tool('papa', w2Files, FEW),
};
log('W3: the page in headless Chromium, W1 files');
const pageRuns = node('page.mjs', ...w1Files, String(FEW));
const w3 = {
  ms: median(pageRuns.map((r) => r.ms)),
  runs: pageRuns.map((r) => Math.round(r.ms)),
  maxFrameGapMs: max(pageRuns.map((r) => r.maxFrameGapMs)),
  longestTaskMs: max(pageRuns.map((r) => r.longestTaskMs)),
  ...longestProgressGap(pageRuns),
  progressReports: median(pageRuns.map((r) => r.progressReports)),
};
/** A file's size as it is, gzipped (-9) as a server would send it, and as brotli (quality 11). */
function sizeOf(path) {
  const bytes = readFileSync(path);
  const brotli = brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli };
}
// What the page downloads to start, and the xlsx writer that it fetches only on "Download xlsx".
const size = sizeOf(`${ROOT}www/pkg/clearbill_bg.wasm`);
const writerSize = sizeOf(`${ROOT}www/pkg-xlsx/clearbill_xlsx_bg.wasm`);

const shapes = quick ? undefined : runShapes(w1);
const results = { date: new Date().toISOString(), rows: { w1: W1, w2: W2 }, w1, w2, w3, size, writerSize, shapes };
writeFileSync(`${DATA}results.json`, `${JSON.stringify(results, null, 2)}\n`);

// ---------------------------------------------------------------------------------------------

const t1 = { sheetjs: w1.wasm.ms / w1.sheetjs.ms, floor: w1.wasm.ms / w1.floor.ms, mem: w1.wasm.wasmMemoryBytes };
const t2 = { papa: w2.wasm.ms / w2.papa.ms, mem: w2.wasm.wasmMemoryBytes };
const exportsJson = `${DATA}results-exports.json`;
const exported = existsSync(exportsJson) ? JSON.parse(readFileSync(exportsJson, 'utf8')) : undefined;
const millionRun = existsSync(millionJson) ? JSON.parse(readFileSync(millionJson, 'utf8')) : undefined;

/** The targets issue 21 added: each shape, the exports, the million-line page. */
function laterTargets() {
  const rows = [];
  for (const [shape, r] of Object.entries(shapes ?? {})) {
    const vsSheetjs = r.wasm.ms / r.sheetjs.ms;
    const vsFloor = r.wasm.ms / r.floor.ms;
    const mem = r.wasm.wasmMemoryBytes;
    rows.push(`| W1, ${shape} shape: ≥ 5× faster than SheetJS, ≤ 1.4× the floor, peak wasm memory < 256 MiB | ${(1 / vsSheetjs).toFixed(1)}×, ${ratio(r.wasm.ms, r.floor.ms)}, ${mib(mem)} | ${ok(vsSheetjs <= 0.2 && vsFloor <= 1.4 && mem < 256 * MiB)} |`);
  }
  const find = (kind, n) => exported?.exports.find((e) => e.kind === kind && e.rows === n);
  const exportRow = (label, kind, n, limitMs) => {
    const e = find(kind, n);
    if (!e) return `| ${label} | not run (\`make bench-exports\`) | – |`;
    if (e.failed) return `| ${label} | failed: ${e.failed} | ${ok(false)} |`;
    return `| ${label} | ${s(e.ms)} (${e.lines.toLocaleString('en-US')} lines, ${exported.date.slice(0, 10)}) | ${ok(e.ms <= limitMs)} |`;
  };
  rows.push(exportRow('Export: xlsx of a 200k-line reconciliation ≤ 3 s (the page\'s two wasm modules under Node)', 'xlsx', 200_000, 3000));
  rows.push(exportRow('Export: xlsx of a 1M-line reconciliation ≤ 12 s', 'xlsx', 1_000_000, 12_000));
  rows.push(exportRow('Export: csv of a 1M-line reconciliation ≤ 2 s', 'csv', 1_000_000, 2000));
  rows.push('| Export: the page stays responsive, with progress shown | checked by the browser test `reconcile-export-progress` (every step in the status line, no main-thread task > 200 ms), not timed here | met |');
  if (millionRun) {
    const m = millionRun;
    rows.push(`| A million lines in the page: summary on screen ≤ 12 s | ${s(m.ms)} (${m.date.slice(0, 10)}) | ${ok(m.ms <= 12_000)} |`);
    rows.push(`| A million lines in the page: peak wasm memory < 1 GiB | ${mib(m.wasmMemoryBytes)} | ${ok(m.wasmMemoryBytes < 1024 * MiB)} |`);
    rows.push(`| A million lines in the page: no main-thread task > 200 ms | longest task ${m.longestTaskMs.toFixed(0)} ms | ${ok(m.longestTaskMs <= 200)} |`);
  } else {
    rows.push('| A million lines in the page | not run (`make bench-million`) | – |');
  }
  const rc = w1.reconcileCall;
  rows.push(`| \`reconcile()\` faster (JSON text + \`JSON.parse\`), or \`Session\` documented for big reports | W1 files: \`reconcile()\` ${s(rc.ms)} against a \`Session\`'s ${s(w1.wasm.ms)}; both done (README, "reconcile()" below) | met |`);
  return rows.join('\n');
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
const commit = version('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
const md = `# Benchmarks

Generated by \`make bench\` (benches/run.mjs) on ${results.date.slice(0, 10)} at commit ${commit}${quick ? ' (--quick: 10k-row files)' : ''}.
Every time is the **median** of several runs, each in a fresh process (runs listed); the machine
is shared with other builds, so single runs are noisy. Memory: the wasm linear memory after
the run (\`memory.buffer.byteLength\`, which only grows, so it is the peak) and the process peak
RSS (Node: \`process.resourceUsage().maxRSS\`; native: \`VmHWM\`; CLI: \`/usr/bin/time\`).

## Targets

| target | measured | |
|---|---|---|
| W1: ClearBill wasm (read + reconcile) ≥ 5× faster than SheetJS parse alone (ratio ≤ 0.20) | ours/SheetJS = ${ratio(w1.wasm.ms, w1.sheetjs.ms)} (${(1 / t1.sheetjs).toFixed(1)}× faster) | ${ok(t1.sheetjs <= 0.2)} |
| W1: within 2× of the floor (ratio ≤ 2.0) | ours/floor = ${ratio(w1.wasm.ms, w1.floor.ms)} | ${ok(t1.floor <= 2)} |
| W1: peak wasm memory < 256 MiB | ${mib(t1.mem)} | ${ok(t1.mem < 256 * MiB)} |
| W2: ClearBill wasm (read + reconcile) no slower than Papa Parse parse alone (ratio ≤ 1.0) | ours/Papa = ${ratio(w2.wasm.ms, w2.papa.ms)} | ${ok(t2.papa <= 1)} |
| W2: peak wasm memory < 768 MiB (issue 21; it was < 1 GiB) | ${mib(t2.mem)} | ${ok(t2.mem < 768 * MiB)} |
| W3: summary on screen within 3 s (W1 files) | ${s(w3.ms)} | ${ok(w3.ms <= 3000)} |
| W3: main thread never unresponsive > 200 ms | longest frame gap ${w3.maxFrameGapMs.toFixed(0)} ms, longest task ${w3.longestTaskMs.toFixed(0)} ms | ${ok(w3.maxFrameGapMs <= 200)} |
| W3: progress updates keep flowing | ${w3.progressReports} reports, longest gap ${w3.maxProgressGapMs.toFixed(0)} ms | ${ok(w3.maxProgressGapMs <= 200)} |
| wasm download < 1 MiB gzipped: the page's wasm (the xlsx writer, ${kib(writerSize.gzip)} gzipped, is a separate module fetched only on "Download xlsx") | ${kib(size.gzip)} gzipped (${kib(size.raw)} raw; ${kib(size.brotli)} as brotli, which most static hosts send) | ${ok(size.gzip < MiB)} |
${laterTargets()}

## W1: ${W1.toLocaleString('en-US')}-row charges xlsx + ${W1.toLocaleString('en-US')}-row payments xlsx: read both, reconcile, summary

| what | median | runs (s) | peak wasm memory | peak RSS |
|---|---|---|---|---|
| ClearBill wasm under Node (read + reconcile + summary) | ${s(w1.wasm.ms)} | ${runsText(w1.wasm)} | ${mib(w1.wasm.wasmMemoryBytes)} | ${rss(w1.wasm.maxRssKiB)} |
| ClearBill native (\`reconcile_files\`, same call as the CLI) | ${s(w1.native.ms)} | ${runsText(w1.native)} | – | ${rss(w1.native.maxRssKiB)} |
| ClearBill CLI end to end (\`--format csv --out /dev/null\`) | ${s(w1.cli.ms)} | ${runsText(w1.cli)} | – | ${rss(w1.cli.maxRssKiB)} |
| floor: inflate + tokenise sheet and shared-strings XML, same wasm | ${s(w1.floor.ms)} | ${runsText(w1.floor)} | ${mib(w1.floor.wasmMemoryBytes)} | ${rss(w1.floor.maxRssKiB)} |
| floor, native | ${s(w1.native.floorMs)} | | – | |
| SheetJS ${pkg('xlsx')}: \`XLSX.read(buf, {dense: true})\` + \`sheet_to_json\`, parse only | ${s(w1.sheetjs.ms)} | ${runsText(w1.sheetjs)} | – | ${rss(w1.sheetjs.maxRssKiB)} |
| ClearBill wasm \`reconcile(request)\`: the whole report as JS objects (JSON text + \`JSON.parse\`) | ${s(w1.reconcileCall.ms)} | ${runsText(w1.reconcileCall)} | ${mib(w1.reconcileCall.wasmMemoryBytes)} | ${rss(w1.reconcileCall.maxRssKiB)} |

Ratios: ours/SheetJS **${ratio(w1.wasm.ms, w1.sheetjs.ms)}**, ours/floor **${ratio(w1.wasm.ms, w1.floor.ms)}**, wasm/native **${ratio(w1.wasm.ms, w1.native.ms)}** (floor wasm/native ${ratio(w1.floor.ms, w1.native.floorMs)}).

## W2: ${W2.toLocaleString('en-US')}-row charges csv + ${W2.toLocaleString('en-US')}-row payments csv

| what | median | runs (s) | peak wasm memory | peak RSS |
|---|---|---|---|---|
| ClearBill wasm under Node (read + reconcile + summary) | ${s(w2.wasm.ms)} | ${runsText(w2.wasm)} | ${mib(w2.wasm.wasmMemoryBytes)} | ${rss(w2.wasm.maxRssKiB)} |
| ClearBill native | ${s(w2.native.ms)} | ${runsText(w2.native)} | – | ${rss(w2.native.maxRssKiB)} |
| ClearBill CLI end to end | ${s(w2.cli.ms)} | ${runsText(w2.cli)} | – | ${rss(w2.cli.maxRssKiB)} |
| Papa Parse ${pkg('papaparse')}: \`Papa.parse(text)\` (after UTF-8 decoding), parse only | ${s(w2.papa.ms)} | ${runsText(w2.papa)} | – | ${rss(w2.papa.maxRssKiB)} |

Ratios: ours/Papa **${ratio(w2.wasm.ms, w2.papa.ms)}**, wasm/native **${ratio(w2.wasm.ms, w2.native.ms)}**.

## W3: the page, W1 files, headless Chromium

From setting the two files on an \`<input type=file>\` to the summary in the document and the
next frame drawn, through the worker protocol (\`call('reconcile', …)\` of www/app.js).

| median | runs (s) | longest frame gap | longest task | progress reports | longest gap between progress reports |
|---|---|---|---|---|---|
| ${s(w3.ms)} | ${runsText(w3)} | ${w3.maxFrameGapMs.toFixed(0)} ms | ${w3.longestTaskMs.toFixed(0)} ms | ${w3.progressReports} | ${w3.maxProgressGapMs.toFixed(0)} ms${gapWhere(w3)} |

${shapes ? shapesSection(shapes) : sectionOf(currentMd, 'shapes') ?? ''}

${existsSync(millionJson) ? millionSection(JSON.parse(readFileSync(millionJson, 'utf8'))) : sectionOf(currentMd, 'million') ?? ''}

## Machine and versions

- ${machine}; ${version('uname', ['-sr'])}
- ${version('rustc', ['--version'])}; Node ${process.version}; ${version(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'])}
- SheetJS (npm xlsx) ${pkg('xlsx')}, Papa Parse ${pkg('papaparse')}, playwright-core ${pkg('playwright-core')}, binaryen ${pkg('binaryen')}
- wasm: \`make wasm\` (wasm-pack release, opt-level 3, LTO, wasm-opt -O3): the page's www/pkg ${kib(size.raw)}, ${kib(size.gzip)} gzipped (-9); the xlsx writer www/pkg-xlsx, fetched only on "Download xlsx", ${kib(writerSize.raw)}, ${kib(writerSize.gzip)} gzipped

## Reproduce

    make bench            # generates benches/data/ once (seeded), builds, runs everything, rewrites BENCH.md
    make bench-quick      # the same on the 10k-row files, to check the harness
    make bench-shapes     # only W1 on each shape (rewrites that section)
    make bench-million    # only the page on the 1M + 1M xlsx pair (rewrites that section)
    make bench-exports    # only the downloads (benches/exports.mjs; make bench runs it first, once each)

Raw results of the last run: benches/data/results.json (not committed).
`;
// The hand-written analysis (where the time goes, what would close each gap) follows the table.
const notes = `${ROOT}benches/notes.md`;
writeFileSync(benchMd, existsSync(notes) ? `${md}\n${readFileSync(notes, 'utf8')}` : md);
log('Wrote BENCH.md');
