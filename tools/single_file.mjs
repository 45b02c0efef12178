// Writes dist/clearbill.html: the whole app in one self-contained file that
// works opened from disk (file://) with no network at all. `make build` runs it
// after the wasm build.
//
//   node tools/single_file.mjs [OUT]      (default dist/clearbill.html)
//
// How it is put together, from www/ as it is served:
//   - The stylesheets that index.html links become one <style>.
//   - app.js and the modules it imports become one inline module <script>,
//     bundled by esbuild (pinned in package.json). A small first module sets
//     `clearbillWorkerUrl`, which app.js uses instead of worker.js.
//   - worker.js, the wasm-bindgen glue and the wasm itself (base64) become one
//     classic worker script, kept as text in a <script type="text/plain">
//     element (which never runs) and started from a Blob URL. Chromium will not
//     start a worker from a file:// URL, nor a *module* worker from a blob: URL
//     made by a file:// page, but it starts a classic one; worker.js already
//     takes the wasm bytes from `self.clearbillWasm` instead of fetching them.
//     The xlsx writer module, which the served page fetches only when the user
//     downloads an xlsx, goes in too: esbuild bundles worker.js's import() of its
//     glue, and its wasm comes from `self.clearbillXlsxWasm`. A file from disk
//     has nowhere to fetch it from, and its size does not matter here.
//   - The Content-Security-Policy stays as strict as the served page's: the
//     inline script and style are allowed by their sha256 hashes (no
//     'unsafe-inline'), wasm may compile ('wasm-unsafe-eval'), workers may only
//     come from blob: URLs, and connect-src is 'none'. A worker started from a
//     blob: URL inherits this policy, so it cannot send anything either.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WWW = join(ROOT, 'www');
const WASM = join(WWW, 'pkg', 'clearbill_bg.wasm');
const XLSX_WASM = join(WWW, 'pkg-xlsx', 'clearbill_xlsx_bg.wasm');
const WORKER_ELEMENT = 'clearbill-worker';

/** The policy of the single file; `{script}` and `{style}` are the hashes of the inline code. */
export function offlinePolicy({ script, style }) {
  return [
    "default-src 'none'",
    `script-src '${script}' 'wasm-unsafe-eval'`,
    'worker-src blob:',
    `style-src '${style}'`,
    'img-src data: blob:',
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** 'sha256-…' of a script's or style's text, as CSP writes it. */
export function cspHash(text) {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** Modules that exist only in the bundle (`clearbill:boot`, `clearbill:wasm`). */
function virtualModules(modules) {
  return {
    name: 'clearbill-virtual',
    setup(builder) {
      builder.onResolve({ filter: /^clearbill:/ }, (args) => ({ path: args.path, namespace: 'clearbill' }));
      builder.onLoad({ filter: /.*/, namespace: 'clearbill' }, (args) => ({
        contents: modules[args.path],
        loader: 'js',
        resolveDir: WWW,
      }));
    },
  };
}

async function bundle({ entry, modules, format }) {
  const result = await build({
    stdin: { contents: entry, resolveDir: WWW, sourcefile: 'single-file-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format,
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
    // The wasm-bindgen glue only resolves its default wasm URL when it is given no module.
    define: format === 'iife' ? { 'import.meta.url': 'self.location.href' } : {},
    plugins: [virtualModules(modules)],
  });
  return result.outputFiles[0].text;
}

/** Text that goes inside a <script> element: it must not end the element early. */
function scriptText(code, what) {
  const safe = code.replace(/<\/script/gi, '<\\/script');
  if (/<!--/.test(safe)) throw new Error(`${what} contains "<!--", which an HTML parser would misread inside <script>`);
  return safe;
}

/** The stylesheets index.html links, in order, as one text. */
async function styles(html) {
  const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">\n?/g)];
  if (links.length === 0) throw new Error('www/index.html links no stylesheet');
  const texts = await Promise.all(links.map(([, href]) => readFile(join(WWW, href), 'utf8')));
  return { links, css: links.map(([, href], i) => `/* ${href} */\n${texts[i].trim()}\n`).join('\n') };
}

/** Replaces exactly one occurrence of `pattern` in `html`, or fails naming it. */
function replaceOnce(html, pattern, replacement, what) {
  const matches = html.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`www/index.html: expected one ${what}, found ${matches.length}`);
  return html.replace(pattern, () => replacement);
}

export async function buildSingleFile(out = join(ROOT, 'dist', 'clearbill.html')) {
  const [html, wasm, xlsxWasm] = await Promise.all([
    readFile(join(WWW, 'index.html'), 'utf8'),
    readFile(WASM),
    readFile(XLSX_WASM),
  ]);

  const workerCode = scriptText(
    await bundle({
      entry: "import 'clearbill:wasm';\nimport './worker.js';\n",
      modules: {
        'clearbill:wasm': [
          '// The wasm core and the xlsx writer, inlined: worker.js instantiates them from these bytes,',
          '// with no fetch.',
          'const decode = (base64) => {',
          '  const text = atob(base64);',
          '  const bytes = new Uint8Array(text.length);',
          '  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);',
          '  return bytes;',
          '};',
          `self.clearbillWasm = decode(${JSON.stringify(wasm.toString('base64'))});`,
          `self.clearbillXlsxWasm = decode(${JSON.stringify(xlsxWasm.toString('base64'))});`,
        ].join('\n'),
      },
      format: 'iife',
    }),
    'the worker bundle',
  );

  const pageCode = scriptText(
    await bundle({
      entry: "import 'clearbill:boot';\nimport './app.js';\n",
      modules: {
        'clearbill:boot': [
          '// Starts the worker from the text of its <script type="text/plain"> element.',
          `const source = document.getElementById(${JSON.stringify(WORKER_ELEMENT)});`,
          "globalThis.clearbillWorkerUrl = URL.createObjectURL(new Blob([source.textContent], { type: 'text/javascript' }));",
          'source.remove();',
        ].join('\n'),
      },
      format: 'esm',
    }),
    'the page bundle',
  );

  const { links, css } = await styles(html);
  const policy = offlinePolicy({ script: cspHash(pageCode), style: cspHash(css) });

  let page = html;
  page = replaceOnce(
    page,
    /<meta http-equiv="Content-Security-Policy" content="[^"]*">/,
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    'Content-Security-Policy <meta>',
  );
  page = replaceOnce(page, /<!-- Only this site's own files;[\s\S]*?-->\n\s*/, '', 'CSP comment');
  for (const [tag] of links.slice(1)) page = replaceOnce(page, new RegExp(escape(tag)), '', tag.trim());
  page = replaceOnce(page, new RegExp(escape(links[0][0])), `<style>${css}</style>\n`, links[0][0].trim());
  page = replaceOnce(
    page,
    /<script type="module" src="app\.js"><\/script>/,
    `<script type="text/plain" id="${WORKER_ELEMENT}">${workerCode}</script>\n  <script type="module">${pageCode}</script>`,
    'app.js <script>',
  );
  page = replaceOnce(
    page,
    /<meta charset="utf-8">\n/,
    '<meta charset="utf-8">\n  <!-- ClearBill as one file: it works opened from disk, and nothing it reads leaves this computer.\n' +
      '       Built by tools/single_file.mjs from www/; the policy below allows only the code inside this file. -->\n',
    'charset <meta>',
  );

  // Nothing may still point outside the file.
  const markup = page.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  const outside = [...markup.matchAll(/\s(?:src|href)="(?!data:)([^"]*)"/g)].map(([, url]) => url);
  if (outside.length) throw new Error(`the single file still refers to: ${outside.join(', ')}`);

  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, page);
  return { out, bytes: Buffer.byteLength(page), policy };
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { out, bytes } = await buildSingleFile(process.argv[2] ? resolve(process.argv[2]) : undefined);
    console.log(`Wrote ${out} (${(bytes / 1e6).toFixed(1)} MB): open it from disk; it needs no network.`);
  } catch (error) {
    console.error(`Cannot build the single file: ${error.message}`);
    process.exit(1);
  }
}
