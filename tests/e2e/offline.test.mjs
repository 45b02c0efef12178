// dist/clearbill.html, the single-file app (tools/single_file.mjs), opened from disk with no
// network: it is self-contained under a strict CSP, it starts its engine in a Blob worker,
// it reconciles the sample data and a large file without freezing the page, it writes the
// xlsx download with the writer module that the file carries inside it, the patient
// estimate and share links work from file://, its worker cannot send anything, and when the
// worker cannot start it says so.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { fillPlan, readLines, readTotals, setServices, showEstimate } from './estimate-form.mjs';
import { SINGLE_FILE, crateVersion, withFilePage } from './harness.mjs';
import { wasmInNode } from './reconcile.helpers.mjs';
import { startServer } from '../../tools/serve.mjs';

const EXPECTED = JSON.parse(await readFile(new URL('../fixtures/practice/expected.json', import.meta.url), 'utf8'));
const MATCHED = EXPECTED.scenarios.matched.summary;

/**
 * Runs worker requests in the page through a second worker started from the same Blob URL
 * as the app's own (the same code, wasm and policy), speaking worker.js's protocol.
 * Defines `window.engine(type, ...args)` in the page.
 */
async function startEngine(page) {
  await page.evaluate(() => {
    const worker = new Worker(globalThis.clearbillWorkerUrl);
    let next = 1;
    const waiting = new Map();
    worker.addEventListener('message', ({ data }) => {
      if (data.type === 'progress') return;
      const request = waiting.get(data.id);
      waiting.delete(data.id);
      if (data.type === 'result') request.resolve(data.value);
      else request.reject(new Error(data.message));
    });
    window.engine = (type, ...args) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, type, args });
      });
  });
}

/** The sample files from the wasm, reconciled in matched mode as of the fixtures' date: the overview. */
function reconcileSample(page) {
  return page.evaluate(async (asOf) => {
    const files = Object.fromEntries((await window.engine('sampleFiles')).map((f) => [f.role, f]));
    const request = { charges: files.charges, payments: files.payments, fees: files.fees, asOf };
    return (await window.engine('reconcile', request)).overview;
  }, EXPECTED.asOf);
}

test('the single file holds everything and keeps a strict policy: hashes, no inline allowance, no connections', async () => {
  const html = await readFile(SINGLE_FILE, 'utf8');
  const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  assert.deepEqual([...markup.matchAll(/\s(?:src|href)="(?!data:)[^"]*"/g)].map((m) => m[0]), [], 'no reference to another file');
  assert.doesNotMatch(markup, /<link rel="stylesheet"/);

  const policy = markup.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['connect-src'], ["'none'"]);
  assert.deepEqual(directives['worker-src'], ['blob:']);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'|\*/);

  const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  const running = scripts.filter(([, attrs]) => !/type="text\/plain"/.test(attrs));
  assert.equal(running.length, 1, 'one inline script runs: the page bundle');
  assert.deepEqual(directives['script-src'], [hash(running[0][2]), "'wasm-unsafe-eval'"]);
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  assert.equal(styles.length, 1);
  assert.deepEqual(directives['style-src'], [hash(styles[0][1])]);
  const worker = scripts.find(([, attrs]) => /id="clearbill-worker"/.test(attrs));
  assert.match(worker[1], /type="text\/plain"/, 'the worker source is text until it is started from a Blob');
});

test('opened from disk, it starts in a Blob worker and reconciles the sample data with zero network requests', async () => {
  const version = await crateVersion();
  await withFilePage(
    async (page, { url, requests }) => {
      assert.equal(await page.textContent('#version'), version);
      const workers = page.workers().map((w) => w.url());
      assert.ok(workers.length >= 1 && workers.every((w) => w.startsWith('blob:')), `workers: ${workers.join(' ')}`);

      // The reconcile view's "Try with sample data", as a user clicks it: the billed card shows.
      const sample = page.getByRole('button', { name: /sample data/i });
      assert.equal(await sample.count(), 1, 'the reconcile view offers the sample');
      await sample.click();
      await page.waitForFunction(
        (billed) => document.querySelector('#reconcile-view .cards')?.innerText.includes(billed),
        '$78,232.50',
        { timeout: 60_000 },
      );

      // "Download xlsx": the writer module comes from inside the file too.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download xlsx')]);
      const lines = (await wasmInNode()).inspect(await readFile(await download.path()), 'sample.xlsx', 'Lines');
      assert.equal(lines.rows, EXPECTED.scenarios.matched.lines.length, 'one row per line of the sample');

      // The engine itself, through the same worker code: the report the fixtures expect.
      await startEngine(page);
      const overview = await reconcileSample(page);
      assert.equal(overview.summary.mode, 'matched');
      assert.equal(overview.summary.matchedBy, MATCHED.matchedBy);
      assert.deepEqual(overview.summary.rows, MATCHED.rows);
      for (const [total, expected] of Object.entries(MATCHED.totals)) {
        assert.equal(overview.summary.totals[total], expected, total);
      }
      for (const [status, expected] of Object.entries(MATCHED.byStatus)) {
        assert.deepEqual(overview.summary.byStatus[status], expected, status);
      }
      assert.equal(overview.lines, EXPECTED.scenarios.matched.lines.length);

      const kinds = requests.map((r) => new URL(r.url).protocol);
      assert.ok(kinds.every((k) => k === 'file:' || k === 'blob:'), `requests: ${requests.map((r) => r.url).join(' ')}`);
      assert.deepEqual(requests.filter((r) => r.url.startsWith('file:')).map((r) => r.url), [url]);
    },
    { name: 'offline-sample' },
  );
});

test('opened from disk, a large file reconciles in the worker while the page stays responsive', async () => {
  // 150 copies of the sample charges (about 91,000 rows, 9 MB), each copy with its own claim numbers.
  const COPIES = 150;
  const text = await readFile(new URL('../fixtures/practice/charges.csv', import.meta.url), 'latin1');
  const lines = text.split('\r\n');
  const header = lines.findIndex((line) => line.startsWith('Claim #,'));
  const data = lines.slice(header + 1).filter((line) => /^\d/.test(line));
  const big = [
    ...lines.slice(0, header + 1),
    ...Array.from({ length: COPIES }, (_, copy) => data.map((line) => (copy === 0 ? line : `C${copy}-${line}`))).flat(),
  ].join('\r\n');

  await withFilePage(
    async (page) => {
      await startEngine(page);
      const outcome = await page.evaluate(
        async ({ big, asOf }) => {
          const bytes = Uint8Array.from(big, (c) => c.charCodeAt(0));
          const files = Object.fromEntries((await window.engine('sampleFiles')).map((f) => [f.role, f]));
          let done = false;
          const work = window
            .engine('reconcile', { charges: { bytes, name: 'big-charges.csv' }, payments: files.payments, asOf })
            .finally(() => {
              done = true;
            });
          // The page's own thread keeps running tasks while the worker reconciles.
          let ticks = 0;
          await new Promise((resolve) => {
            const tick = () => {
              if (done) return resolve();
              ticks += 1;
              setTimeout(tick, 0);
            };
            tick();
          });
          const { overview } = await work;
          return { ticks, charges: overview.summary.rows.charges, lines: overview.lines };
        },
        { big, asOf: EXPECTED.asOf },
      );
      assert.equal(outcome.charges, data.length * COPIES, 'every row of the large file was reconciled');
      assert.ok(outcome.ticks >= 20, `the page ran only ${outcome.ticks} tasks while the worker reconciled`);
    },
    { name: 'offline-large' },
  );
});

test('opened from disk, a patient’s estimate works and its share link restores it from disk', async () => {
  const link = await withFilePage(
    async (page, { url }) => {
      await page.click('#estimate-tab');
      await fillPlan(page, { deductible: '283', outOfPocketMax: null, coinsurance: '20' });
      await setServices(page, [
        { description: 'Approved $300', allowed: '300' },
        { description: 'Next approved $150', allowed: '150' },
      ]);
      assert.ok(await showEstimate(page));
      assert.deepEqual((await readLines(page)).map((l) => l.patientPays), ['$286.40', '$30.00']);
      await page.click('#est-share');
      await page.waitForSelector('#est-share-link:visible');
      const shared = await page.inputValue('#est-share-link');
      assert.ok(shared.startsWith(`${url}#estimate=1.`), shared);
      return shared;
    },
    { name: 'offline-estimate' },
  );
  await withFilePage(
    async (page) => {
      await page.waitForSelector('#est-lines');
      assert.equal(await page.isVisible('#estimate-view'), true);
      assert.equal((await readTotals(page)).patientPays, '$316.40');
    },
    { hash: new URL(link).hash, name: 'offline-estimate-link' },
  );
});

test('opened from disk, neither the page nor its worker can send anything, even with a network', async () => {
  const server = await startServer({ root: fileURLToPath(new URL('../../www/', import.meta.url)) });
  const tryToSend = (url) =>
    fetch(url, { method: 'POST', mode: 'no-cors', body: 'patient data' }).then(
      () => 'sent',
      () => 'blocked',
    );
  try {
    await withFilePage(
      async (page) => {
        // The server answers: only the policy can stop these.
        assert.equal((await fetch(`${server.origin}/index.html`)).status, 200);
        assert.equal(await page.evaluate(tryToSend, `${server.origin}/collect`), 'blocked', 'from the page');
        const [worker] = page.workers();
        assert.ok(worker, 'the page runs its worker');
        assert.equal(await worker.evaluate(tryToSend, `${server.origin}/collect`), 'blocked', 'from the worker');
      },
      { name: 'offline-csp', offline: false, consoleErrorsExpected: /Content Security Policy/ },
    );
  } finally {
    await server.close();
  }
});

test('when its worker cannot start, the single file says so instead of hanging', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'clearbill-offline-'));
  try {
    const html = await readFile(SINGLE_FILE, 'utf8');
    const broken = html.replace(
      /(<script type="text\/plain" id="clearbill-worker">)[\s\S]*?(<\/script>)/,
      '$1throw new Error("this worker is broken on purpose");$2',
    );
    assert.notEqual(broken, html);
    const file = join(dir, 'clearbill.html');
    await writeFile(file, broken);
    await withFilePage(
      async (page) => {
        assert.equal(
          await page.textContent('#status'),
          'ClearBill could not start: the calculation engine did not load. Reload the page to try again.',
        );
      },
      { file, name: 'offline-no-worker', startFailureExpected: true, consoleErrorsExpected: /broken on purpose/ },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
