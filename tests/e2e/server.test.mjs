// tools/serve.mjs, which `make serve` and every browser test use: the types the
// browser insists on, and nothing served from outside www/. No browser needed.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from '../../tools/serve.mjs';

let server;
before(async () => {
  server = await startServer({ root: fileURLToPath(new URL('../../www/', import.meta.url)) });
});
after(() => server.close());

/** GET `path` exactly as written (fetch would normalise `..` away). */
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.origin);
    request({ hostname, port, path, method }, (response) => {
      response.resume();
      response.on('end', () => resolve(response));
    })
      .on('error', reject)
      .end();
  });
}

test('each kind of file the page loads is served with the type the browser requires', async () => {
  const expected = {
    '/': 'text/html; charset=utf-8',
    '/app.js': 'text/javascript; charset=utf-8',
    '/worker.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/pkg/clearbill.js': 'text/javascript; charset=utf-8',
    '/pkg/clearbill_bg.wasm': 'application/wasm',
    // The xlsx writer module, which the worker imports on the first xlsx download.
    '/pkg-xlsx/clearbill_xlsx.js': 'text/javascript; charset=utf-8',
    '/pkg-xlsx/clearbill_xlsx_bg.wasm': 'application/wasm',
  };
  for (const [path, type] of Object.entries(expected)) {
    const response = await get(path);
    assert.equal(response.statusCode, 200, path);
    assert.equal(response.headers['content-type'], type, path);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', path);
  }
});

test('paths that climb out of www/ are not found', async () => {
  for (const path of ['/../Cargo.toml', '/..%2fCargo.toml', '/pkg/..%2f..%2fMakefile', '/%2e%2e/Cargo.toml']) {
    assert.equal((await get(path)).statusCode, 404, path);
  }
});

test('only GET and HEAD are answered', async () => {
  assert.equal((await get('/', 'HEAD')).statusCode, 200);
  assert.equal((await get('/', 'POST')).statusCode, 405);
});
