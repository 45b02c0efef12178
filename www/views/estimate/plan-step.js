// Step 1 of the estimate view, "Your health plan": the plan form, and the
// buttons that keep the plan in this browser's localStorage ("Save my plan")
// and remove it ("Forget my saved plan"). The plan is the only thing the view
// ever stores.

import { el } from '../../dom.js';
import { FieldError, clearErrors } from './fields.js';
import { fieldProblem } from './focus.js';
import { planForm } from './plan-form.js';

/** The localStorage key of a saved plan (the only thing this view ever stores). */
export const SAVED_PLAN_KEY = 'clearbill.estimate.plan';

/** What the line under the buttons says for each `state.savedPlan`. */
const SAVED_PLAN_WORDS = {
  none: '',
  saved: 'Your plan is saved in this browser on this computer, and nowhere else. “Forget my saved plan” removes it.',
  notAllowed: 'This browser does not allow saving here; your plan was not saved.',
  forgotten: 'Your saved plan is forgotten: nothing of it is stored in this browser.',
  filledIn: 'Your saved plan is filled in. “Forget my saved plan” removes it from this browser.',
  unreadable: 'A saved plan could not be read; save your plan again.',
};

/**
 * Reads and writes `state.savedPlan` (a key of SAVED_PLAN_WORDS). Returns
 * { node, update(), form, loadSaved() }: `form` is the plan form (read, fill, control).
 */
export function planStep(state, app) {
  const form = planForm();
  const savedStatus = el('p', { class: 'help', id: 'est-saved-status', 'aria-live': 'polite' });
  const saveButton = el('button', { type: 'button', id: 'est-save-plan' }, 'Save my plan on this computer');
  const forgetButton = el('button', { type: 'button', id: 'est-forget-plan' }, 'Forget my saved plan');
  const node = el(
    'section',
    { class: 'step', 'aria-labelledby': 'est-plan-heading' },
    el('h3', { id: 'est-plan-heading' }, '1. Your health plan'),
    el(
      'p',
      { class: 'lead' },
      'Your plan’s summary of benefits, insurance card or website has these numbers. Amounts are for this plan year.',
    ),
    form.node,
    el('div', { class: 'actions' }, saveButton, forgetButton),
    savedStatus,
  );

  function update() {
    savedStatus.textContent = SAVED_PLAN_WORDS[state.savedPlan];
  }

  function said(savedPlan) {
    state.savedPlan = savedPlan;
    update();
  }

  saveButton.addEventListener('click', () => {
    // Every message in the whole estimate form goes, as when estimating.
    clearErrors(saveButton.form);
    let planJson;
    try {
      planJson = form.read();
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      return fieldProblem(error.control, error.message, app.announce);
    }
    try {
      localStorage.setItem(SAVED_PLAN_KEY, JSON.stringify(planJson));
      said('saved');
    } catch {
      said('notAllowed');
    }
    return true;
  });

  forgetButton.addEventListener('click', () => {
    try {
      localStorage.removeItem(SAVED_PLAN_KEY);
    } catch {
      // Storage that cannot be read holds nothing of ours.
    }
    said('forgotten');
  });

  return {
    node,
    update,
    form,
    /** Fills in the plan saved in this browser, if there is one. */
    loadSaved() {
      let saved = null;
      try {
        saved = localStorage.getItem(SAVED_PLAN_KEY);
      } catch {
        return;
      }
      if (!saved) return;
      try {
        form.fill(JSON.parse(saved));
        said('filledIn');
      } catch {
        said('unreadable');
      }
    },
  };
}
