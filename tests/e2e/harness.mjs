// The browser test harness: `withPage(async (page) => …)` serves www/ on a free
// port, opens it in a fresh headless Chromium, waits until the app is ready
// (app.js sets <html data-state="ready">, or "error" when it cannot start),
// runs the test body, saves a screenshot to tests/e2e/output/, and then fails
// the test if the page
//   - requested anything from another origin (at any time),
//   - requested anything at all after it was ready (SPEC §6: after the static
//     files load, the page makes no request), except the files a test names in
//     `afterReady`: the xlsx writer module (XLSX_WRITER), which the page fetches
//     only when the user downloads an xlsx,
//   - got an HTTP error for one of its files, or
//   - logged a console error or threw an uncaught exception (a CSP violation
//     and a wasm panic both end up here).
//
// The browser is the system's Chromium (CHROMIUM, default /usr/bin/chromium),
// driven by playwright-core; nothing is ever downloaded.
// One file per feature: tests/e2e/<feature>.test.mjs, run by `make e2e`.

import { mkdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from '../../tools/serve.mjs';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
export const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Headless, as root in a container, and quiet: no first-run UI, no calls home.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const READY_TIMEOUT_MS = 20_000;

/**
 * The xlsx writer module's files (www/pkg-xlsx, src/wasm_xlsx.rs). The page's worker fetches
 * them from its own origin the first time the user downloads an xlsx, and never before: they
 * are the only static files loaded after the page is ready, so a test that downloads an xlsx
 * passes them as `afterReady`.
 */
export const XLSX_WRITER = ['/pkg-xlsx/clearbill_xlsx.js', '/pkg-xlsx/clearbill_xlsx_bg.wasm'];

let screenshots = 0;

/**
 * Runs `body(page, session)` against a freshly loaded, ready page and returns its result.
 *
 * Options:
 *   path        page to open, relative to www/ (default '/')
 *   name        screenshot file name without extension (default: test file name and a counter)
 *   afterReady  paths the page may still request once ready (default none)
 *   consoleErrorsExpected  a RegExp of console errors the test provokes on purpose
 *   viewport    { width, height } of the window (default Playwright's 1280×720), e.g. a phone's 390×844
 *   initScript  a function, or [function, argument], run in the page before its own scripts
 *               (Playwright's addInitScript)
 *
 * `session` holds `origin` (the server's http://host:port) and `requests`
 * (every request so far: { url, ready }, where `ready` says it came after the
 * page was ready).
 */
export async function withPage(
  body,
  { path = '/', name, afterReady = [], consoleErrorsExpected, viewport, initScript } = {},
) {
  const server = await startServer({ root: WWW });
  // Playwright gives every launch a fresh temporary profile (user-data-dir).
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, chromiumSandbox: false });
  const problems = [];
  const requests = [];
  let ready = false;
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', ...(viewport ? { viewport } : {}) });
    // A test may change what the page's own scripts see before they run (a stand-in Worker, say).
    if (initScript) await context.addInitScript(...(Array.isArray(initScript) ? initScript : [initScript]));
    const page = await context.newPage();
    // Requests made by the page's workers are reported on the page as well.
    page.on('request', (request) => requests.push({ url: request.url(), ready }));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on('console', (message) => {
      if (message.type() !== 'error' || consoleErrorsExpected?.test(message.text())) return;
      problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));

    let outcome;
    let failure;
    try {
      await page.goto(server.origin + path, { waitUntil: 'load' });
      await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', {
        timeout: READY_TIMEOUT_MS,
      });
      if ((await page.getAttribute('html', 'data-state')) === 'error') {
        throw new Error(`the app did not start: "${await page.textContent('#status')}"`);
      }
      ready = true;
      outcome = await body(page, { origin: server.origin, requests });
    } catch (error) {
      failure = error;
    }

    await mkdir(OUTPUT, { recursive: true });
    const file = `${OUTPUT}${name ?? `${basename(process.argv[1] ?? 'e2e', '.test.mjs')}-${++screenshots}`}.png`;
    await page.screenshot({ path: file, fullPage: true }).catch((error) => {
      problems.push(`no screenshot: ${error.message}`);
    });
    problems.push(...networkProblems(requests, server.origin, afterReady));
    if (problems.length) {
      const also = failure ? `\n  and the test failed: ${failure.message}` : '';
      throw new Error(`the page misbehaved (screenshot: ${file}):\n  ${problems.join('\n  ')}${also}`, {
        cause: failure,
      });
    }
    if (failure) throw failure;
    return outcome;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** What is wrong with this list of requests: other origins, or anything after ready. */
function networkProblems(requests, origin, afterReady) {
  const problems = [];
  for (const { url, ready } of requests) {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') continue;
    if (parsed.origin !== origin) problems.push(`request to another origin: ${url}`);
    else if (ready && !afterReady.includes(parsed.pathname)) {
      problems.push(`request after the page was ready: ${url}`);
    }
  }
  return problems;
}

/** The accessibility violations axe-core finds on the page as it is now, as readable lines. */
export async function accessibilityProblems(page) {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  const axeSource = await readFile(fileURLToPath(import.meta.resolve('axe-core/axe.min.js')), 'utf8');
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** The crate version from Cargo.toml, which the page must show. */
export async function crateVersion() {
  const manifest = await readFile(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  return manifest.match(/^version\s*=\s*"([^"]+)"/m)[1];
}

/** The single-file app that `make build` writes (tools/single_file.mjs). */
export const SINGLE_FILE = fileURLToPath(new URL('../../dist/clearbill.html', import.meta.url));

/**
 * Like withPage, for a page opened from disk: `withFilePage(async (page, session) => …)`
 * opens FILE (default dist/clearbill.html) as a file:// URL in a browser context that is
 * offline, waits until the app is ready, runs the body, saves a screenshot, and then fails
 * the test if the page
 *   - made any request other than loading FILE itself (data: and blob: URLs are in-page),
 *   - made any request at all after it was ready,
 *   - logged a console error or threw an uncaught exception.
 *
 * Options: file, hash (appended to the URL, e.g. '#estimate=…'), name, consoleErrorsExpected (a
 * RegExp of console errors and uncaught exceptions, in the page or its worker, that the test
 * provokes on purpose),
 * startFailureExpected (the app is expected to say it could not start; the body then runs on
 * that page instead of the test failing), and offline (default true; false lets a test prove
 * that the page's policy, not a missing network, stops a request).
 * `session` holds `url` (the file:// URL opened) and `requests` ({ url, ready }).
 */
export async function withFilePage(
  body,
  { file = SINGLE_FILE, hash = '', name, consoleErrorsExpected, startFailureExpected = false, offline = true } = {},
) {
  await readFile(file).catch(() => {
    throw new Error(`${file} is missing: run \`make build\` (or \`node tools/single_file.mjs\`) first`);
  });
  const fileUrl = pathToFileURL(file).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, chromiumSandbox: false });
  const problems = [];
  const requests = [];
  let ready = false;
  try {
    // Offline: a request that slipped past the checks below could not reach anything either.
    const context = await browser.newContext({ serviceWorkers: 'block', offline });
    const page = await context.newPage();
    page.on('request', (request) => requests.push({ url: request.url(), ready }));
    page.on('console', (message) => {
      if (message.type() !== 'error' || consoleErrorsExpected?.test(message.text())) return;
      problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      if (!consoleErrorsExpected?.test(error.message)) problems.push(`uncaught exception: ${error.message}`);
    });

    let outcome;
    let failure;
    try {
      await page.goto(fileUrl + hash, { waitUntil: 'load' });
      await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', {
        timeout: READY_TIMEOUT_MS,
      });
      const started = (await page.getAttribute('html', 'data-state')) === 'ready';
      if (started === startFailureExpected) {
        throw new Error(
          started ? 'the app started, but it was expected to fail' : `the app did not start: "${await page.textContent('#status')}"`,
        );
      }
      ready = true;
      outcome = await body(page, { url: fileUrl + hash, requests });
    } catch (error) {
      failure = error;
    }

    await mkdir(OUTPUT, { recursive: true });
    const shot = `${OUTPUT}${name ?? `${basename(process.argv[1] ?? 'e2e', '.test.mjs')}-${++screenshots}`}.png`;
    await page.screenshot({ path: shot, fullPage: true }).catch((error) => {
      problems.push(`no screenshot: ${error.message}`);
    });
    for (const request of requests) {
      const parsed = new URL(request.url);
      if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') continue;
      const own = parsed.protocol === 'file:' && request.url.split('#')[0] === fileUrl;
      if (!own) problems.push(`network request from a page opened from disk: ${request.url}`);
      else if (request.ready) problems.push(`request after the page was ready: ${request.url}`);
    }
    if (problems.length) {
      const also = failure ? `\n  and the test failed: ${failure.message}` : '';
      throw new Error(`the page misbehaved (screenshot: ${shot}):\n  ${problems.join('\n  ')}${also}`, {
        cause: failure,
      });
    }
    if (failure) throw failure;
    return outcome;
  } finally {
    await browser.close();
  }
}
