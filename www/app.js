// The page: starts the worker that owns the wasm core and shows what it answers.
// This module only touches the DOM, and only through textContent.
// When it is ready it sets <html data-state="ready"> (or "error"); the browser
// tests wait for that.

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;

/** Asks the worker to run `type(...args)`; resolves with its value, rejects with its message. */
export function call(type, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, args });
  });
}

worker.addEventListener('message', ({ data }) => {
  const request = pending.get(data.id);
  if (!request) return;
  pending.delete(data.id);
  if (data.type === 'result') request.resolve(data.value);
  else request.reject(new Error(data.message));
});

// The worker script itself failed to load: nothing it was asked will ever answer.
worker.addEventListener('error', () => {
  for (const request of pending.values()) request.reject(new Error('the calculation engine did not load'));
  pending.clear();
});

async function start() {
  const status = document.getElementById('status');
  try {
    document.getElementById('version').textContent = await call('version');
    status.textContent = 'Ready.';
    document.documentElement.dataset.state = 'ready';
  } catch (error) {
    status.textContent = `ClearBill could not start: ${error.message}. Reload the page to try again.`;
    document.documentElement.dataset.state = 'error';
  }
}

start();
