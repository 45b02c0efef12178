// Step 2 of the reconcile view, "Reconcile": the as-of date, the tolerance,
// the deadlines (reconcile/deadlines.js), the Reconcile button with its
// progress bar, and the place where a problem is said.

import { el, replace } from '../../dom.js';
import { deadlinesPanel } from './deadlines.js';

/** Today in the user's time zone, as YYYY-MM-DD (the default as-of date). */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Reads `state.busy` and `state.progress` ({ message, percent } or null).
 * `onReconcile` runs when the button is pressed. Returns { node, update(),
 * asOf, tolerance, deadlines, button, complain(message, focus), clearProblem() }.
 */
export function optionsStep(state, app, { onReconcile }) {
  const asOf = el('input', { type: 'date', id: 'as-of', value: today(), required: true, 'aria-describedby': 'as-of-hint' });
  const tolerance = el('input', {
    type: 'text',
    id: 'tolerance',
    value: '0.00',
    inputmode: 'decimal',
    size: 8,
    'aria-describedby': 'tolerance-hint',
  });
  const deadlines = deadlinesPanel();
  const button = el('button', { type: 'button', id: 'reconcile-button', class: 'primary' }, 'Reconcile');
  const progress = el('progress', { id: 'reconcile-progress', max: 100, value: 0, 'aria-label': 'Reconciling', hidden: true });
  const progressText = el('span', { id: 'reconcile-progress-text', class: 'hint' });
  const problem = el('div', { id: 'reconcile-problem' });
  const node = el(
    'section',
    { class: 'options', id: 'reconcile-options', 'aria-labelledby': 'options-heading' },
    el('h3', { id: 'options-heading' }, '2. Reconcile'),
    el(
      'div',
      { class: 'option-row' },
      el('p', {}, el('label', { for: 'as-of' }, 'As of'), asOf, el('span', { id: 'as-of-hint', class: 'hint' }, 'ages count up to this day')),
      el(
        'p',
        {},
        el('label', { for: 'tolerance' }, 'Tolerance ($)'),
        tolerance,
        el('span', { id: 'tolerance-hint', class: 'hint' }, 'differences this small count as equal'),
      ),
      el('p', {}, button, progress, progressText),
    ),
    deadlines.node,
    problem,
  );

  function update() {
    if (state.busy) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
    progress.hidden = !state.busy;
    if (state.busy) progress.value = state.progress?.percent ?? 0;
    progressText.textContent = state.progress ? `${state.progress.message} (${state.progress.percent}%)` : '';
  }

  button.addEventListener('click', onReconcile);

  return {
    node,
    update,
    asOf,
    tolerance,
    deadlines,
    button,
    /** Says what is wrong, and moves the focus to what fixes it. */
    complain(message, focus) {
      replace(problem, el('p', { class: 'error', role: 'alert' }, message));
      app.announce(message);
      focus?.focus();
    },
    clearProblem() {
      replace(problem);
    },
  };
}
