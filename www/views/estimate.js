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
// Parts: estimate/plan-form.js (the plan), estimate/services-form.js (the
// services), estimate/results.js (the answer), estimate/payment.js (the
// payment plan), estimate/share.js (links), estimate/fields.js (labels, help, errors),
// estimate/prices.js (prices looked up in a hospital's price file, SPEC §10),
// estimate/gfe.js (a bill checked against a Good Faith Estimate, SPEC §9.4).

import { dollars, el, replace } from '../dom.js';
import { FieldError, clearErrors, showError } from './estimate/fields.js';
import { gfeCheck } from './estimate/gfe.js';
import { paymentPlanForm } from './estimate/payment.js';
import { planForm } from './estimate/plan-form.js';
import { priceLookup } from './estimate/prices.js';
import { results } from './estimate/results.js';
import { isProcessed, servicesForm } from './estimate/services-form.js';
import { decodeState, encodeState, isShared } from './estimate/share.js';

/** The localStorage key of a saved plan (the only thing this view ever stores). */
export const SAVED_PLAN_KEY = 'clearbill.estimate.plan';

let view = null;
let pendingPrefill = null;

export async function mount(root, app) {
  view = buildView(root, app);
  if (pendingPrefill) {
    view.prefill(pendingPrefill);
    pendingPrefill = null;
  } else if (isShared(location.hash)) {
    await view.restore(location.hash);
  } else {
    view.loadSavedPlan();
  }
  window.addEventListener('hashchange', () => {
    if (location.hash === '#estimate') app.show('estimate');
    if (!isShared(location.hash)) return;
    app.show('estimate');
    view.restore(location.hash);
  });
}

/**
 * "Explain this balance": fills the services from a patient's reconciled
 * lines, processed where the insurance answered (the wasm `explainBalance`:
 * { services, processed, awaiting }), called by the reconcile view through
 * app.openEstimate, and shows this view.
 */
export function prefill(handoff) {
  if (view) view.prefill(handoff);
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

function buildView(root, app) {
  const plan = planForm();
  const services = servicesForm();
  const prices = priceLookup(app.call, { onAdd: (list) => services.add(list) });
  const payment = paymentPlanForm(app.call, { onShown: () => clearShareLink() });
  const gfe = gfeCheck(app.call, app.announce);
  let fileNotes = [];

  // --- 1. The plan --------------------------------------------------------------------------
  const savedStatus = el('p', { class: 'help', id: 'est-saved-status', 'aria-live': 'polite' });
  const saveButton = el('button', { type: 'button', id: 'est-save-plan' }, 'Save my plan on this computer');
  const forgetButton = el('button', { type: 'button', id: 'est-forget-plan' }, 'Forget my saved plan');

  // --- 2. The services ----------------------------------------------------------------------
  const fileInput = el('input', {
    type: 'file',
    id: 'est-bill-file',
    accept: '.xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.tsv,.txt,.json',
    'aria-describedby': 'est-bill-file-help',
  });
  const fileNotesNode = el('ul', { class: 'notes', id: 'est-file-notes', hidden: true });
  const servicesError = el('p', { class: 'form-error', id: 'est-services-error', role: 'alert', hidden: true });
  const addButton = el('button', { type: 'button', id: 'est-add-service' }, 'Add a service');

  // --- the form -----------------------------------------------------------------------------
  const formError = el('p', { class: 'form-error', id: 'est-form-error', role: 'alert', hidden: true });
  const form = el(
    'form',
    { id: 'est-form', novalidate: true, 'aria-label': 'Your plan and your bill' },
    el(
      'section',
      { class: 'step', 'aria-labelledby': 'est-plan-heading' },
      el('h3', { id: 'est-plan-heading' }, '1. Your health plan'),
      el(
        'p',
        { class: 'lead' },
        'Your plan’s summary of benefits, insurance card or website has these numbers. Amounts are for this plan year.',
      ),
      plan.node,
      el('div', { class: 'actions' }, saveButton, forgetButton),
      savedStatus,
    ),
    el(
      'section',
      { class: 'step', 'aria-labelledby': 'est-services-heading' },
      el('h3', { id: 'est-services-heading', tabindex: '-1' }, '2. Your bill, or the care you expect'),
      el(
        'p',
        { class: 'lead' },
        'List each service in the order you get it: what you pay for one can change what you pay for the next.',
      ),
      el(
        'div',
        { class: 'load-bill' },
        el('label', { for: 'est-bill-file' }, 'Load a bill from a spreadsheet (xlsx, xls, ods or csv)'),
        fileInput,
        el(
          'p',
          { class: 'help', id: 'est-bill-file-help' },
          'Columns such as Description, Category, Billed, Allowed and Network are read; the file stays on this computer.',
        ),
        fileNotesNode,
      ),
      prices.node,
      services.node,
      servicesError,
      el('div', { class: 'actions' }, addButton),
    ),
    formError,
    el('div', { class: 'actions submit' }, el('button', { type: 'submit', id: 'est-submit', class: 'primary' }, 'Show what I will owe')),
  );

  // --- 3. and 4. The answer, the payment plan, print and share ------------------------------
  const heading = el('h3', { id: 'est-results-heading', tabindex: '-1' }, '3. What you will owe');
  const stale = el(
    'p',
    { class: 'stale', hidden: true },
    'You changed the details above: press “Show what I will owe” to update this estimate.',
  );
  const resultsBody = el('div', { id: 'est-results-body' });
  const nothingToPay = el('p', { hidden: true, id: 'est-nothing-to-pay' }, 'You owe nothing, so no payment plan is needed.');
  const paymentSection = el(
    'section',
    { class: 'step payment', 'aria-labelledby': 'est-payment-heading' },
    el('h3', { id: 'est-payment-heading' }, '4. A payment plan'),
    nothingToPay,
    payment.node,
  );
  const shareButton = el(
    'button',
    { type: 'button', id: 'est-share', 'aria-describedby': 'est-share-privacy' },
    'Make a link to share',
  );
  // What a link carries is said before it is made: email and chat services keep every link.
  const leaveOutDescriptions = el('input', { type: 'checkbox', id: 'est-share-no-descriptions' });
  const sharePrivacy = el(
    'div',
    { class: 'share-privacy' },
    el(
      'p',
      { class: 'help', id: 'est-share-privacy' },
      'The link carries your plan and every service, with what you wrote to describe it. Email and chat services keep a copy of the links sent through them, so a name or a diagnosis in a description travels and stays with the link.',
    ),
    el(
      'span',
      { class: 'inline-check' },
      leaveOutDescriptions,
      el('label', { for: 'est-share-no-descriptions' }, 'Leave the descriptions out of the link (the amounts and codes stay)'),
    ),
  );
  const shareLink = el('input', { type: 'text', readonly: true, id: 'est-share-link', 'aria-describedby': 'est-share-help' });
  const copyButton = el('button', { type: 'button', id: 'est-copy-link' }, 'Copy the link');
  const shareBox = el(
    'div',
    { class: 'share-link', hidden: true },
    el('label', { for: 'est-share-link' }, 'Link to this estimate'),
    shareLink,
    copyButton,
    el(
      'p',
      { class: 'help', id: 'est-share-help' },
      'The plan and the services are inside the link itself, after the “#”, which browsers never send to a server. Anyone you give the link to can read them.',
    ),
  );
  const resultsSection = el(
    'section',
    { id: 'est-results', class: 'results', hidden: true, 'aria-labelledby': 'est-results-heading' },
    heading,
    stale,
    resultsBody,
    paymentSection,
    el(
      'section',
      { class: 'step screen-only', 'aria-labelledby': 'est-share-heading' },
      el('h3', { id: 'est-share-heading' }, 'Print or share'),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', id: 'est-print', on: { click: () => window.print() } }, 'Print this estimate'),
        shareButton,
      ),
      sharePrivacy,
      shareBox,
    ),
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
    resultsSection,
    gfe.node,
  );
  services.set([]);

  // --- behaviour ----------------------------------------------------------------------------

  /**
   * `explaining`: the view was just opened by "Explain this balance"; without
   * a plan entered, the processed lines alone are shown (SPEC §9.1), and the
   * plan's own messages wait until the patient asks for the whole estimate.
   */
  async function estimate({ focus = true, explaining = false } = {}) {
    clearErrors(form);
    hideError(formError);
    hideError(servicesError);
    hideError(linkError);
    let planJson;
    let withoutPlan = false;
    try {
      planJson = plan.read();
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      if (!explaining) return fieldProblem(error.control, error.message);
      planJson = NO_PLAN;
      withoutPlan = true;
    }
    const all = services.read();
    const list = withoutPlan ? all.filter(isProcessed) : all;
    if (withoutPlan && list.length === 0) return false;
    if (list.length === 0) {
      showMessage(servicesError, 'Add at least one service with a billed or an allowed amount.');
      document.getElementById('est-service-1-description')?.focus();
      return false;
    }
    let answer;
    try {
      answer = await app.call('estimate', [planJson, list]);
    } catch (error) {
      return estimateProblem(error);
    }
    // The lines answer the services sent; without a plan only the processed ones were sent.
    if (!withoutPlan) services.showEmergency(answer.lines);
    const waiting = all.length - list.length;
    replace(
      resultsBody,
      results(answer, { plan: planJson, services: list, notes: fileNotes, madeOn: new Date(), withoutPlan, waiting }),
    );
    resultsSection.hidden = false;
    stale.hidden = true;
    clearShareLink();
    const owes = answer.totals.patientPays !== '0.00';
    nothingToPay.hidden = owes;
    payment.node.hidden = !owes;
    payment.setAmount(answer.totals.patientPays);
    app.announce(`Estimate ready: you pay about ${dollars(answer.totals.patientPays)}.`);
    if (focus) heading.focus();
    return true;
  }

  /**
   * A wasm error: next to the field it names when it names one, else above the button. It is
   * placed by its fields (`service`, from 1; `field`, a plan field's path or a service's field),
   * never by its message; `detail` is the message without the plan field it starts with.
   */
  function estimateProblem(error) {
    const detail = error.detail ?? error.message;
    if (error.field && !error.service) {
      const control = plan.control(error.field);
      if (control) return fieldProblem(control, `${labelOf(control, error.field)}: ${detail}`);
    }
    if (error.service) {
      const found = services.rowOf(error.service, error.field);
      const text = sentence(detail);
      // Next to the field in its row (a card on a phone); below the table when no field is named.
      if (found) return fieldProblem(found.control, text);
      showMessage(servicesError, text);
      app.announce(text);
      return false;
    }
    showMessage(formError, sentence(error.message));
    app.announce(sentence(error.message));
    return false;
  }

  function fieldProblem(control, message) {
    // A field inside closed copays or a hidden optional part is opened first.
    control.closest('details')?.setAttribute('open', '');
    showError(control, sentence(message));
    control.focus();
    app.announce(sentence(message));
    return false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    estimate();
  });
  // Results that no longer match the form say so, until the next estimate.
  const markStale = () => {
    if (!resultsSection.hidden) stale.hidden = false;
  };
  form.addEventListener('input', markStale);
  form.addEventListener('change', markStale);

  addButton.addEventListener('click', () => services.addRow());

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    hideError(servicesError);
    app.announce(`Reading ${file.name}…`);
    try {
      const read = await app.call('readServices', [await file.arrayBuffer(), file.name]);
      // Loading a bill replaces the rows: typed ones are not thrown away unasked. The question
      // comes once the file is read, so a file that cannot be read asks nothing.
      const count = read.services.length;
      if (
        services.hasEntries &&
        !window.confirm(`Replace the services you entered with the ${count} ${count === 1 ? 'service' : 'services'} in ${file.name}?`)
      ) {
        app.announce(`${file.name} was not loaded; your services are as you entered them.`);
        return;
      }
      services.set(read.services);
      fileNotes = read.notes;
      replace(fileNotesNode, read.notes.map((note) => el('li', {}, note)));
      fileNotesNode.hidden = read.notes.length === 0;
      markStale();
      app.announce(`${read.services.length} ${read.services.length === 1 ? 'service' : 'services'} read from ${file.name}.`);
    } catch (error) {
      showMessage(servicesError, error.message);
      app.announce(`${file.name} could not be read.`);
    } finally {
      fileInput.value = '';
    }
  });

  saveButton.addEventListener('click', () => {
    clearErrors(form);
    let planJson;
    try {
      planJson = plan.read();
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      return fieldProblem(error.control, error.message);
    }
    try {
      localStorage.setItem(SAVED_PLAN_KEY, JSON.stringify(planJson));
      savedStatus.textContent =
        'Your plan is saved in this browser on this computer, and nowhere else. “Forget my saved plan” removes it.';
    } catch {
      savedStatus.textContent = 'This browser does not allow saving here; your plan was not saved.';
    }
    return true;
  });

  forgetButton.addEventListener('click', () => {
    try {
      localStorage.removeItem(SAVED_PLAN_KEY);
    } catch {
      // Storage that cannot be read holds nothing of ours.
    }
    savedStatus.textContent = 'Your saved plan is forgotten: nothing of it is stored in this browser.';
  });

  shareButton.addEventListener('click', async () => {
    let state;
    try {
      state = { plan: plan.read(), services: services.read() };
      // Opened, a service without a description is shown as "Service 1", "Service 2"…
      if (leaveOutDescriptions.checked) state.services = state.services.map((service) => ({ ...service, description: '' }));
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      return fieldProblem(error.control, error.message);
    }
    const pay = payment.shown();
    if (pay) state.pay = pay;
    const fragment = await encodeState(state);
    shareLink.value = `${location.href.split('#')[0]}${fragment}`;
    shareBox.hidden = false;
    shareLink.focus();
    shareLink.select();
    app.announce('The link is ready: copy it and send it to whoever should see this estimate.');
    return true;
  });

  leaveOutDescriptions.addEventListener('change', () => clearShareLink());

  copyButton.addEventListener('click', async () => {
    shareLink.select();
    try {
      await navigator.clipboard.writeText(shareLink.value);
      app.announce('The link is copied.');
    } catch {
      app.announce('Copying was not allowed here: the link is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  });

  function clearShareLink() {
    shareLink.value = '';
    shareBox.hidden = true;
  }

  return {
    async prefill(handoff) {
      const list = handoff?.services ?? [];
      services.set(list);
      fileNotes = [];
      fileNotesNode.hidden = true;
      resultsSection.hidden = true;
      app.show('estimate');
      const n = list.length;
      const filled = `${n} ${n === 1 ? 'service is' : 'services are'} filled in from the reconciliation`;
      // Processed lines are explained at once, from what the insurance decided.
      if (handoff?.processed > 0 && (await estimate({ focus: false, explaining: true }))) {
        heading.focus();
        heading.scrollIntoView({ block: 'start' });
        const waiting = handoff.awaiting > 0 ? ` ${handoff.awaiting} still waiting for the insurance can be estimated once the plan is entered.` : '';
        app.announce(`${filled}, ${handoff.processed} as processed by the insurance.${waiting}`);
        return;
      }
      document.getElementById('est-services-heading').focus();
      app.announce(`${filled}. Enter the patient’s plan, then press “Show what I will owe”.`);
    },

    async restore(hash) {
      let state;
      // The view is shown first, so that the message or the answer can take the focus.
      app.show('estimate');
      try {
        state = await decodeState(hash);
      } catch (error) {
        showMessage(linkError, sentence(error.message));
        app.announce(sentence(error.message));
        linkError.focus();
        return;
      }
      plan.fill(state.plan);
      services.set(state.services);
      fileNotes = [];
      fileNotesNode.hidden = true;
      // A link opens at its answer (on a phone the form above it is several screens long).
      if (!(await estimate({ focus: false }))) return;
      if (state.pay) await payment.restore(state.pay);
      heading.focus();
      heading.scrollIntoView({ block: 'start' });
    },

    loadSavedPlan() {
      let saved = null;
      try {
        saved = localStorage.getItem(SAVED_PLAN_KEY);
      } catch {
        return;
      }
      if (!saved) return;
      try {
        plan.fill(JSON.parse(saved));
        savedStatus.textContent = 'Your saved plan is filled in. “Forget my saved plan” removes it from this browser.';
      } catch {
        savedStatus.textContent = 'A saved plan could not be read; save your plan again.';
      }
    },
  };
}

/** What a control is called on screen, for an error message about it. */
function labelOf(control, path) {
  const label = control.id ? document.querySelector(`label[for="${control.id}"]`)?.textContent : null;
  const name = label ?? control.getAttribute('aria-label') ?? path;
  if (path.startsWith('outOfNetwork.')) return `Out of network, ${name.charAt(0).toLowerCase()}${name.slice(1)}`;
  return name;
}

function showMessage(node, text) {
  node.textContent = text;
  node.hidden = false;
}

function hideError(node) {
  node.textContent = '';
  node.hidden = true;
}

/** A message as a sentence: capital first letter, full stop at the end. */
function sentence(text) {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)"”]$/.test(capital) ? capital : `${capital}.`;
}
