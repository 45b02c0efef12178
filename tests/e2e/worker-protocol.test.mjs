// The worker's protocol is an allow-list (www/worker.js, SESSION_METHODS): the page can ask a
// kept reconciliation for its tables and downloads, and nothing else — not `free`, not a
// method that does not exist, not a Remittances method on a reconciliation, not a Session
// method the worker keeps to itself.

import assert from 'node:assert/strict';
import test from 'node:test';

import { withPage } from './harness.mjs';

test('a kept session answers only the methods the protocol lists', async () => {
  await withPage(
    async (page) => {
      const answers = await page.evaluate(async () => {
        const worker = new Worker('./worker.js', { type: 'module' });
        let next = 1;
        const call = (type, args) =>
          new Promise((resolve) => {
            const id = next++;
            const listen = ({ data }) => {
              if (data.id !== id || data.type === 'progress') return;
              worker.removeEventListener('message', listen);
              resolve(data.type === 'result' ? { value: data.value } : { error: data.message });
            };
            worker.addEventListener('message', listen);
            worker.postMessage({ id, type, args });
          });
        const files = (await call('sampleFiles', [])).value;
        const asOf = (await call('sampleAsOf', [])).value;
        const file = (role) => {
          const f = files.find((x) => x.role === role);
          return { bytes: f.bytes, name: f.name };
        };
        const { value } = await call('reconcile', [{ charges: file('charges'), payments: [file('payments')], asOf }]);
        const ask = (method, ...args) => call('session', [value.session, method, ...args]);
        const out = {
          lines: await ask('lines', { offset: 0, limit: 5 }),
          free: await ask('free'),
          made_up: await ask('dropEverything'),
          remittanceOnly: await ask('report'),
          // A real Session method, but the worker's own step of exportXlsx: not the page's to call.
          internal: await ask('exportBook'),
          after: await ask('summary'),
        };
        worker.terminate();
        return out;
      });
      assert.equal(answers.lines.error, undefined, JSON.stringify(answers.lines));
      assert.equal(answers.free.error, 'A reconciliation has no "free".');
      assert.equal(answers.made_up.error, 'A reconciliation has no "dropEverything".');
      assert.equal(answers.remittanceOnly.error, 'A reconciliation has no "report".');
      assert.equal(answers.internal.error, 'A reconciliation has no "exportBook".');
      // The refused `free` did not free it: the session still answers.
      assert.equal(answers.after.error, undefined);
      assert.ok(answers.after.value.lines > 0, JSON.stringify(answers.after).slice(0, 200));
    },
    { name: 'worker-protocol', afterReady: ['/worker.js', '/pkg/clearbill.js', '/pkg/clearbill_bg.wasm'] },
  );
});
