// The worker owns the WebAssembly core, so that reading a large spreadsheet
// never freezes the page. app.js is its only client.
//
// Protocol (one request, one reply; `id` pairs them):
//   page → worker   { id, type, args }         type names a function in `handlers`
//   worker → page   { id, type: 'result', value }
//                   { id, type: 'error', message }   message is for people, never cell contents

import init, * as wasm from './pkg/clearbill.js';

// Fetches and compiles pkg/clearbill_bg.wasm; `#[wasm_bindgen(start)]` runs here.
const ready = init();

const handlers = {
  version: () => wasm.version(),
};

self.addEventListener('message', async ({ data: { id, type, args = [] } }) => {
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`The worker has no request called "${type}".`);
    self.postMessage({ id, type: 'result', value: await handler(...args) });
  } catch (error) {
    self.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
