// SPEC §6: the page only ever talks to its own origin, and not at all once loaded.
// These tests also prove that the harness's network guard catches what it must.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { XLSX_WRITER, withPage } from './harness.mjs';

const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

test('the page declares the strict content security policy, and the server repeats it for the worker', async () => {
  await withPage(
    async (page, { origin }) => {
      const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.equal(meta, POLICY);
      const header = (await fetch(`${origin}/worker.js`)).headers.get('content-security-policy');
      assert.equal(header, POLICY);
    },
    { name: 'csp' },
  );
});

test('loading the page fetches only its own static files, and not the xlsx writer', async () => {
  await withPage(
    async (page, { origin, requests }) => {
      const paths = requests.map(({ url }) => url.replace(origin, ''));
      for (const file of ['/', '/app.js', '/worker.js', '/pkg/clearbill.js', '/pkg/clearbill_bg.wasm']) {
        assert.ok(paths.includes(file), `${file} was not loaded; loaded: ${paths.join(' ')}`);
      }
      for (const file of XLSX_WRITER) {
        assert.ok(!paths.includes(file), `${file} waits for an xlsx download; loaded: ${paths.join(' ')}`);
      }
    },
    { name: 'static-files' },
  );
});

test('the content security policy stops the page and its worker from sending data to another site', async () => {
  // Another origin that would answer (the same server under another name), so
  // that only the policy, not a dead network, can stop the request.
  const tryToSend = (url) =>
    fetch(url, { method: 'POST', mode: 'no-cors', body: 'patient data' }).then(
      () => 'sent',
      () => 'blocked',
    );
  await withPage(
    async (page, { origin }) => {
      const elsewhere = `${origin.replace('127.0.0.1', 'localhost')}/collect`;
      assert.equal(await page.evaluate(tryToSend, elsewhere), 'blocked', 'from the page');
      const [worker] = page.workers();
      assert.ok(worker, 'the page runs its worker');
      assert.equal(await worker.evaluate(tryToSend, elsewhere), 'blocked', 'from the worker');
    },
    // The browser reports each refusal as a console error; provoking them is the point.
    { name: 'csp-blocks-fetch', consoleErrorsExpected: /Content Security Policy/ },
  );
});

test('the guard fails a test whose page makes a request after it is ready', async () => {
  await assert.rejects(
    withPage(async (page) => page.evaluate(() => fetch('./style.css')), { name: 'guard-after-ready' }),
    /request after the page was ready: http:\/\/127\.0\.0\.1:\d+\/style\.css/,
  );
});

test('the guard fails a test whose page goes to another origin', async () => {
  await assert.rejects(
    withPage(async (page, { origin }) => page.goto(origin.replace('127.0.0.1', 'localhost')), {
      name: 'guard-other-origin',
    }),
    /request to another origin: http:\/\/localhost:\d+\//,
  );
});
