// Step 3 of the estimate view, "What you will owe": the answer line by line
// (estimate/results.js), a note when the form has changed since, and, inside
// the same section, the payment plan and "Print or share".

import { el, replace } from '../../dom.js';
import { results } from './results.js';

/**
 * Reads `state.estimate` ({ answer, context } for results(), or null: nothing
 * shown) and writes `state.stale`. `parts` are the nodes shown after the
 * answer. Returns { node, update(), markStale(), heading }.
 */
export function resultsStep(state, parts) {
  const heading = el('h3', { id: 'est-results-heading', tabindex: '-1' }, '3. What you will owe');
  const stale = el(
    'p',
    { class: 'stale', hidden: true },
    'You changed the details above: press “Show what I will owe” to update this estimate.',
  );
  const body = el('div', { id: 'est-results-body' });
  const node = el(
    'section',
    { id: 'est-results', class: 'results', hidden: true, 'aria-labelledby': 'est-results-heading' },
    heading,
    stale,
    body,
    parts,
  );
  // The estimate in the body: it is drawn once, when it is new.
  let drawn = null;

  function update() {
    node.hidden = state.estimate === null;
    stale.hidden = !state.stale;
    if (state.estimate === null || state.estimate === drawn) return;
    replace(body, results(state.estimate.answer, state.estimate.context));
    drawn = state.estimate;
  }

  return {
    node,
    update,
    /** Results that no longer match the form say so, until the next estimate. */
    markStale() {
      if (state.estimate === null) return;
      state.stale = true;
      update();
    },
    heading,
  };
}
