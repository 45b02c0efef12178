// The estimate view, for patients (SPEC §5): they enter their plan and their
// bill (typed, or loaded from a spreadsheet, or handed over by the reconcile
// view), and read what they will owe line by line with the reason, then a
// payment plan; they can print it or share it as a link.
//
// The page never computes money. The plan and the services go to the worker
// as the text the patient typed ("$1,500", "20%"); the wasm core reads,
// checks and shares them (`estimate`, `paymentPlan`), and its errors name the
// field, which this view turns into a message next to that field.
//
// Where the details live: in the form, and nowhere else. A share link carries
// them in the URL fragment (#estimate=…, see estimate/share.js), which no
// browser sends to a server; the plan alone is kept in localStorage when the
// patient presses "Save my plan", until "Forget my saved plan".
//
// The steps, each a builder that returns { node, update } and reads and
// writes the one state object this module creates (initialState):
// estimate/plan-step.js (1. the plan, saved or not), estimate/services-step.js
// (2. the services, typed or loaded), estimate/results-step.js (3. the
// answer), estimate/payment-step.js (4. a payment plan) and
// estimate/share-step.js (print or share). This module only wires them and
// runs an estimate; estimate/focus.js puts a wasm error next to its field.
//
// Their parts: estimate/plan-form.js (the plan), estimate/services-form.js (the
// services), estimate/results.js (the answer), estimate/payment.js (the
// payment plan), estimate/share.js (links), estimate/fields.js (labels, help, errors),
// estimate/prices.js (prices looked up in a hospital's price file, SPEC §10),
// estimate/gfe.js (a bill checked against a Good Faith Estimate, SPEC §9.4).

import { dollars, el, replace } from '../dom.js';
import { FieldError, clearErrors, hideError, sentence, showMessage } from './estimate/fields.js';
import { focusForError, fieldProblem } from './estimate/focus.js';
import { gfeCheck } from './estimate/gfe.js';
import { paymentStep } from './estimate/payment-step.js';
import { planStep } from './estimate/plan-step.js';
import { resultsStep } from './estimate/results-step.js';
import { isProcessed } from './estimate/services-form.js';
import { servicesStep } from './estimate/services-step.js';
import { shareStep } from './estimate/share-step.js';
import { decodeState, isShared } from './estimate/share.js';

export { SAVED_PLAN_KEY } from './estimate/plan-step.js';

let view = null;
let pendingPrefill = null;

export async function mount(root, app) {
  view = buildView(root, app);
  if (pendingPrefill) {
    fillFromReconcile(view, pendingPrefill);
    pendingPrefill = null;
  } else if (isShared(location.hash)) {
    await openLink(view, location.hash);
  } else {
    view.steps.plan.loadSaved();
  }
  window.addEventListener('hashchange', () => {
    if (location.hash === '#estimate') app.show('estimate');
    if (!isShared(location.hash)) return;
    app.show('estimate');
    openLink(view, location.hash);
  });
}

/**
 * "Explain this balance": fills the services from a patient's reconciled
 * lines, processed where the insurance answered (the wasm `explainBalance`:
 * { services, processed, awaiting }), called by the reconcile view through
 * app.openEstimate, and shows this view.
 */
export function prefill(handoff) {
  if (view) fillFromReconcile(view, handoff);
  else pendingPrefill = handoff;
}

/**
 * The plan an explanation of a processed bill is sent with when none is
 * entered: no deductible left, nothing met. Only the processed lines go with
 * it, and their shares are the payer's, so it decides nothing but how a share
 * whose parts the payer did not give is labelled (coinsurance).
 */
const NO_PLAN = {
  inNetwork: { deductible: '0', deductibleMet: '0', outOfPocketMax: null, outOfPocketMet: '0', coinsurance: '0%', copays: {} },
  outOfNetwork: null,
  family: null,
};

/**
 * The view's state, all of it, in one place: what the steps show and what
 * the behaviour changes. Everything the patient typed stays in the form.
 */
function initialState() {
  return {
    /** What the line under "Save my plan" says: a key of plan-step.js's words. */
    savedPlan: 'none',
    /** What the bill reader noted about the bill last loaded from a file. */
    fileNotes: [],
    /** The estimate shown, { answer, context } (results.js's arguments), or null for none. */
    estimate: null,
    /** The form has changed since that estimate. */
    stale: false,
    /** The share link made for it, or '' for none. */
    shareLink: '',
  };
}

/**
 * Builds the steps on one state and wires them together. Returns the view:
 * { app, state, steps, form, formError, linkError }.
 */
function buildView(root, app) {
  const state = initialState();
  const steps = {};
  steps.plan = planStep(state, app);
  steps.services = servicesStep(state, app, { onLoaded: () => steps.results.markStale() });
  steps.payment = paymentStep(state, app, { onShown: () => steps.share.clear() });
  steps.share = shareStep(state, app, { plan: steps.plan.form, services: steps.services.form, payment: steps.payment.form });
  steps.results = resultsStep(state, [steps.payment.node, steps.share.node]);
  const gfe = gfeCheck(app.call, app.announce);

  const formError = el('p', { class: 'form-error', id: 'est-form-error', role: 'alert', hidden: true });
  const form = el(
    'form',
    { id: 'est-form', novalidate: true, 'aria-label': 'Your plan and your bill' },
    steps.plan.node,
    steps.services.node,
    formError,
    el('div', { class: 'actions submit' }, el('button', { type: 'submit', id: 'est-submit', class: 'primary' }, 'Show what I will owe')),
  );
  // A share link that cannot be opened says so at the top, where the patient lands.
  const linkError = el('p', { class: 'form-error', id: 'est-link-error', role: 'alert', tabindex: '-1', hidden: true });
  replace(
    root,
    el('h2', {}, 'Estimate what you will owe'),
    el(
      'p',
      { class: 'intro' },
      'Enter your health plan and your bill to see what you are likely to pay for each service, and why. ',
      'Nothing you type leaves this computer.',
    ),
    linkError,
    form,
    steps.results.node,
    gfe.node,
  );
  steps.services.form.set([]);

  const view = { app, state, steps, form, formError, linkError };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    estimate(view);
  });
  form.addEventListener('input', () => steps.results.markStale());
  form.addEventListener('change', () => steps.results.markStale());
  return view;
}

/**
 * Estimates what the form holds and shows the answer; false when a message
 * says what to fix instead. `explaining`: the view was just opened by
 * "Explain this balance"; without a plan entered, the processed lines alone
 * are shown (SPEC §9.1), and the plan's own messages wait until the patient
 * asks for the whole estimate.
 */
async function estimate(view, { focus = true, explaining = false } = {}) {
  const { app, state, steps } = view;
  clearErrors(view.form);
  hideError(view.formError);
  hideError(steps.services.error);
  hideError(view.linkError);
  let planJson;
  let withoutPlan = false;
  try {
    planJson = steps.plan.form.read();
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    if (!explaining) return fieldProblem(error.control, error.message, app.announce);
    planJson = NO_PLAN;
    withoutPlan = true;
  }
  const all = steps.services.form.read();
  const list = withoutPlan ? all.filter(isProcessed) : all;
  if (withoutPlan && list.length === 0) return false;
  if (list.length === 0) {
    showMessage(steps.services.error, 'Add at least one service with a billed or an allowed amount.');
    document.getElementById('est-service-1-description')?.focus();
    return false;
  }
  let answer;
  try {
    answer = await app.call('estimate', [planJson, list]);
  } catch (error) {
    return focusForError(error, {
      plan: steps.plan.form,
      services: steps.services.form,
      servicesError: steps.services.error,
      formError: view.formError,
      announce: app.announce,
    });
  }
  // The lines answer the services sent; without a plan only the processed ones were sent.
  if (!withoutPlan) steps.services.form.showEmergency(answer.lines);
  const waiting = all.length - list.length;
  const context = { plan: planJson, services: list, notes: state.fileNotes, madeOn: new Date(), withoutPlan, waiting };
  Object.assign(state, { estimate: { answer, context }, stale: false, shareLink: '' });
  steps.results.update();
  steps.share.update();
  steps.payment.update();
  app.announce(`Estimate ready: you pay about ${dollars(answer.totals.patientPays)}.`);
  if (focus) steps.results.heading.focus();
  return true;
}

/** "Explain this balance" (see prefill): the reconciled lines fill the services. */
async function fillFromReconcile(view, handoff) {
  const { app, state, steps } = view;
  const list = handoff?.services ?? [];
  steps.services.form.set(list);
  Object.assign(state, { fileNotes: [], estimate: null });
  steps.services.update();
  steps.results.update();
  app.show('estimate');
  const n = list.length;
  const filled = `${n} ${n === 1 ? 'service is' : 'services are'} filled in from the reconciliation`;
  // Processed lines are explained at once, from what the insurance decided.
  if (handoff?.processed > 0 && (await estimate(view, { focus: false, explaining: true }))) {
    steps.results.heading.focus();
    steps.results.heading.scrollIntoView({ block: 'start' });
    const waiting = handoff.awaiting > 0 ? ` ${handoff.awaiting} still waiting for the insurance can be estimated once the plan is entered.` : '';
    app.announce(`${filled}, ${handoff.processed} as processed by the insurance.${waiting}`);
    return;
  }
  document.getElementById('est-services-heading').focus();
  app.announce(`${filled}. Enter the patient’s plan, then press “Show what I will owe”.`);
}

/** A share link (#estimate=…): its plan and services fill the form, and its answer is shown. */
async function openLink(view, hash) {
  const { app, state, steps } = view;
  let shared;
  // The view is shown first, so that the message or the answer can take the focus.
  app.show('estimate');
  try {
    shared = await decodeState(hash);
  } catch (error) {
    showMessage(view.linkError, sentence(error.message));
    app.announce(sentence(error.message));
    view.linkError.focus();
    return;
  }
  steps.plan.form.fill(shared.plan);
  steps.services.form.set(shared.services);
  state.fileNotes = [];
  steps.services.update();
  // A link opens at its answer (on a phone the form above it is several screens long).
  if (!(await estimate(view, { focus: false }))) return;
  if (shared.pay) await steps.payment.form.restore(shared.pay);
  steps.results.heading.focus();
  steps.results.heading.scrollIntoView({ block: 'start' });
}
