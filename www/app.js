// The page: starts the worker that owns the wasm core, switches between the
// three views (reconcile for practices, estimate for patients, read a remittance) and announces
// status in one live region. Views only touch the DOM through dom.js.
// When it is ready it sets <html data-state="ready"> (or "error"); the browser
// tests wait for that.

import * as reconcileView from './views/reconcile.js';
import * as estimateView from './views/estimate.js';
import * as remitView from './views/remit.js';

// The single-file build (tools/single_file.mjs) sets `clearbillWorkerUrl` to a Blob URL of a
// classic worker script with the wasm inside: a page opened from file:// cannot start a worker
// from a file, and Chromium starts no module worker from a blob: URL of a file:// page.
function startWorker() {
  const w = globalThis.clearbillWorkerUrl
    ? new Worker(globalThis.clearbillWorkerUrl)
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.addEventListener('message', onMessage);
  // The worker script itself failed to load: nothing it was asked will ever answer.
  w.addEventListener('error', () => rejectAll('the calculation engine did not load'));
  return w;
}

let worker = startWorker();
// A second worker, loaded with the page, takes over if the wasm of the first one traps on a
// damaged file: so the page keeps working without loading anything after it is ready.
let spare = startWorker();
const pending = new Map();
let nextId = 1;

/**
 * Asks the worker to run `type(...args)`; resolves with its value, rejects with
 * an Error of its message that also has the fields the core gave it (`kind`, `detail`,
 * `file`, `sheet`, `row`, `column`, `field`, `service`; see worker.js). ArrayBuffers among
 * the args are transferred, not copied.
 * `onProgress(message, percent)` hears progress reports while it works.
 */
export function call(type, args = [], { onProgress } = {}) {
  const id = nextId++;
  const transfer = args.flatMap(transferables);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, args }, transfer);
  });
}

function transferables(value) {
  if (value instanceof ArrayBuffer) return [value];
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.values(value).flatMap(transferables);
  }
  return [];
}

/** Resolves once the spare worker has loaded its wasm (it answers a version request). */
function spareReady() {
  return new Promise((resolve, reject) => {
    const listen = ({ data }) => {
      if (data.id !== 0) return;
      spare.removeEventListener('message', listen);
      if (data.type === 'result') resolve();
      else reject(new Error(data.message));
    };
    spare.addEventListener('message', listen);
    spare.postMessage({ id: 0, type: 'version', args: [] });
  });
}

function rejectAll(message) {
  for (const request of pending.values()) request.reject(new Error(message));
  pending.clear();
}

function onMessage({ data }) {
  const request = pending.get(data.id);
  if (!request) return;
  if (data.type === 'progress') {
    request.onProgress?.(data.message, data.percent);
    return;
  }
  pending.delete(data.id);
  if (data.type === 'result') request.resolve(data.value);
  else request.reject(Object.assign(new Error(data.message), data.error));
  if (data.fatal) {
    // The wasm trapped on a damaged file: its worker cannot be trusted again.
    // Start a fresh one; what the old one held (an open reconciliation) is gone.
    worker.terminate();
    rejectAll('the calculation engine restarted after a damaged file; try again');
    worker = spare ?? startWorker();
    spare = null;
  }
}

/** Says something in the page's live region (screen readers announce it). */
export function announce(text) {
  document.getElementById('status').textContent = text;
}

const views = { reconcile: reconcileView, estimate: estimateView, remit: remitView };

/** Shows one view; the other stays mounted (its state kept) but hidden. */
export function show(name) {
  for (const [key] of Object.entries(views)) {
    const section = document.getElementById(`${key}-view`);
    const tab = document.getElementById(`${key}-tab`);
    const active = key === name;
    section.hidden = !active;
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
  }
}

/** The tabs' keyboard pattern: arrow keys, Home and End move to another tab and show it. */
function moveBetweenTabs(event) {
  const keys = Object.keys(views);
  const at = keys.findIndex((key) => document.getElementById(`${key}-tab`) === event.target);
  if (at < 0) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: keys.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const key = keys[(to + keys.length) % keys.length];
  show(key);
  document.getElementById(`${key}-tab`).focus();
}

const app = { call, announce, show, openEstimate: (handoff) => estimateView.prefill(handoff) };

async function start() {
  // The tabs answer from the first moment: a tab clicked while "Loading…" shows is the view
  // shown once the page is ready, not lost.
  let chosen = null;
  for (const key of Object.keys(views)) {
    document.getElementById(`${key}-tab`).addEventListener('click', () => {
      chosen = key;
      show(key);
    });
  }
  try {
    document.getElementById('version').textContent = await call('version');
    await spareReady();
    document.querySelector('[role="tablist"]').addEventListener('keydown', moveBetweenTabs);
    for (const [key, view] of Object.entries(views)) {
      await view.mount(document.getElementById(`${key}-view`), app);
    }
    // A patient's address (#estimate) and a shared estimate link (#estimate=…) open the estimate view.
    show(chosen ?? (location.hash.startsWith('#estimate') ? 'estimate' : 'reconcile'));
    announce('Ready.');
    document.documentElement.dataset.state = 'ready';
  } catch (error) {
    announce(`ClearBill could not start: ${error.message}. Reload the page to try again.`);
    document.documentElement.dataset.state = 'error';
  }
}

start();
