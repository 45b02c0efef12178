// The page passes axe-core's automated accessibility checks (WCAG A/AA rules and best practices).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { accessibilityProblems, withPage } from './harness.mjs';

test('the ready page has no accessibility violations that axe-core can find', async () => {
  await withPage(
    async (page) => {
      assert.deepEqual(await accessibilityProblems(page), []);
    },
    { name: 'accessibility' },
  );
});
