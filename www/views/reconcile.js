// The reconcile view: drop the charges and payments exports (and a fee
// schedule if there is one), check how each column will be read, pick the
// as-of date, reconcile in the worker with a progress bar, then read and
// export the results. "Try with sample data" does all of it in one click with
// the sample files built into the wasm, so it needs no request either.
//
// The steps, each a builder that returns { node, update } and reads and
// writes the one state object mount creates (initialState):
// reconcile/files-step.js (1. the files), reconcile/options-step.js
// (2. the options and the Reconcile button) and reconcile/results-step.js
// (the results). This module wires them and runs a reconciliation.

import { el, replace } from '../dom.js';
import { filesStep } from './reconcile/files-step.js';
import { optionsStep } from './reconcile/options-step.js';
import { resultsStep } from './reconcile/results-step.js';
import { openWorkspace } from './reconcile/workspace.js';

/** The view's state, all of it, in one place. The files and options stay in their controls. */
function initialState() {
  return {
    /** The worker's session that holds the results shown, or null for none. */
    session: null,
    /** A reconciliation is running: the buttons wait until it ends. */
    busy: false,
    /** How far it is: { message, percent } from the worker, or null. */
    progress: null,
    /** The files are folded into one line each, so that the results come first. */
    filesFolded: false,
  };
}

export async function mount(root, app) {
  const [roles, workspace] = await Promise.all([app.call('columnRoles'), openWorkspace().catch(() => null)]);
  const state = initialState();
  const view = { app, state, steps: {} };
  const { steps } = view;
  steps.files = filesStep(state, app, roles, { onFold: (folded) => root.classList.toggle('files-collapsed', folded) });
  steps.options = optionsStep(state, app, { onReconcile: () => reconcile(view) });
  steps.results = resultsStep(state, app, workspace);
  const sample = el('button', { type: 'button', id: 'sample-button', on: { click: () => trySample(view) } }, 'Try with sample data');

  replace(
    root,
    el('h2', {}, 'Reconcile charges and payments'),
    el(
      'div',
      { class: 'intro' },
      el(
        'p',
        {},
        'Choose the practice’s charges export and the payers’ remittance export. ClearBill matches them line by line and shows what is paid, short, denied or still open. The files are read here, in your browser, and are never uploaded.',
      ),
      el('p', {}, sample, ' ', el('span', { class: 'hint' }, 'A small practice’s year of billing, built in.')),
    ),
    steps.files.node,
    steps.options.node,
    steps.results.node,
  );
}

/** Reconciles the files chosen with the options given, and shows the results. */
async function reconcile(view) {
  const { app, state, steps } = view;
  if (state.busy) return;
  steps.options.clearProblem();
  const chosen = readRequest(view);
  if (!chosen) return;

  state.busy = true;
  steps.options.update();
  let lastMessage = '';
  app.announce('Reconciling…');
  try {
    await closeResults(view);
    const answer = await app.call('reconcile', [chosen.request], {
      onProgress: (message, percent) => {
        state.progress = { message, percent };
        steps.options.update();
        if (message !== lastMessage) app.announce(`${message}…`);
        lastMessage = message;
      },
    });
    await showResults(view, answer, chosen);
  } catch (error) {
    steps.options.complain(`The reconciliation did not work: ${error.message}`, steps.options.button);
  } finally {
    state.busy = false;
    state.progress = null;
    steps.options.update();
  }
}

/**
 * The worker's reconcile request, from the files and options on screen; null,
 * with the problem said, when something is missing. Returns { request, files }:
 * `files` are the files sent, the charges first.
 */
function readRequest({ steps }) {
  const { zones } = steps.files;
  const { complain, asOf, tolerance, deadlines } = steps.options;
  const chargeFiles = zones.charges.files();
  const charges = chargeFiles[0];
  if (!charges) {
    const unreadable = zones.charges.unreadable()[0];
    complain(
      unreadable ? `${unreadable} could not be read (see above). Choose another charges file.` : 'Choose the charges file first.',
      zones.charges.node.querySelector('input'),
    );
    return null;
  }
  for (const zone of [zones.charges, zones.payments, zones.acks, zones.fees]) {
    const unreadable = zone.unreadable()[0];
    if (unreadable) {
      complain(`${unreadable} could not be read (see above). Remove it or choose another file.`, zone.node.querySelector('input'));
      return null;
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf.value)) {
    complain('Give the as-of date (the day the report is for).', asOf);
    return null;
  }
  const limits = deadlines.value();
  if (limits.problem) {
    deadlines.node.open = true;
    complain(limits.problem, limits.focus);
    return null;
  }
  const payments = zones.payments.files();
  const fees = zones.fees.files()[0];
  const acks = zones.acks.files();
  const request = {
    charges: chargeFiles.length > 1 ? chargeFiles.map(fileArg) : fileArg(charges),
    payments: payments.length ? payments.map(fileArg) : undefined,
    acks: acks.length ? acks.map(fileArg) : undefined,
    fees: fees ? fileArg(fees) : undefined,
    asOf: asOf.value,
    tolerance: tolerance.value.trim() || undefined,
    deadlines: limits.deadlines,
  };
  return { request, files: [...chargeFiles, ...payments, ...acks, fees].filter(Boolean) };
}

/** A chosen file as the worker's request takes it. */
function fileArg(f) {
  return {
    bytes: f.buffer.slice(0),
    name: f.name,
    sheet: f.sheet ?? undefined,
    headerRow: f.headerRow ?? undefined,
    mapping: Object.keys(f.mapping).length ? f.mapping : undefined,
  };
}

/** The old results go with their session, so that nothing pages a closed one. */
async function closeResults({ app, state, steps }) {
  if (state.session === null) return;
  const old = state.session;
  state.session = null;
  steps.results.update();
  await app.call('closeSession', [old]);
}

/** Shows a reconciliation's results, first on the screen, and says what they hold. */
async function showResults({ app, state, steps }, answer, { files }) {
  state.session = answer.session;
  const shown = steps.results.show(answer, { fileName: baseName(files[0].name), files: files.map((f) => f.name) });
  steps.files.fold();
  await shown.loaded;
  const { byStatus } = answer.overview.summary;
  const open = ['partial', 'underpaid', 'overpaid', 'denied', ...(byStatus.rejected ? ['rejected'] : []), 'unpaid']
    .map((k) => `${byStatus[k]?.count ?? 0} ${k}`)
    .join(', ');
  app.announce(`Reconciled ${answer.overview.lines} lines: ${byStatus.paid?.count ?? 0} paid, ${open}. The results follow.`);
  document.documentElement.dataset.reconciled = String(state.session);
  // Results first: the answer starts at the top of the screen.
  shown.heading.scrollIntoView({ block: 'start' });
  shown.heading.focus({ preventScroll: true });
}

/** "Try with sample data": the sample files built into the wasm, reconciled as of their date. */
async function trySample(view) {
  const { app, state, steps } = view;
  if (state.busy) return;
  app.announce('Loading the sample files…');
  const [files, date] = await Promise.all([app.call('sampleFiles'), app.call('sampleAsOf')]);
  for (const zone of Object.values(steps.files.zones)) zone.clear();
  for (const { role, name, bytes } of files) {
    await steps.files.zones[role].load(name, bytes.slice().buffer);
  }
  steps.options.asOf.value = date;
  await reconcile(view);
}

/** "Charges Nov.xlsx" → "Charges Nov": the start of the export's file names. */
function baseName(name) {
  return name.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N} _.-]+/gu, '_').slice(0, 60) || 'clearbill';
}
