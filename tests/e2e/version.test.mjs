// The page loads, its worker starts the wasm core, and the footer names the build.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { crateVersion, withPage } from './harness.mjs';

test('the page shows the crate version that the wasm core reports through the worker', async () => {
  const expected = await crateVersion();
  await withPage(
    async (page) => {
      assert.equal(await page.textContent('#version'), expected);
      assert.equal(await page.textContent('#status'), 'Ready.');
    },
    { name: 'version' },
  );
});
