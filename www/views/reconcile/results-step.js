// Step 3 of the reconcile view: the results of one reconciliation
// (reconcile/results.js), which live in a worker session until the next one.

import { el, replace } from '../../dom.js';
import { results } from './results.js';

/**
 * Reads `state.session` (the worker's session of the results shown, or
 * null). `workspace` is the browser's saved worklist notes (or null).
 * Returns { node, update(), show(answer, run) }.
 */
export function resultsStep(state, app, workspace) {
  const node = el('div', { id: 'reconcile-results' });

  return {
    node,
    /** With no session, no results: nothing must page a closed session. */
    update() {
      if (state.session !== null) return;
      replace(node);
      delete document.documentElement.dataset.reconciled;
    },
    /**
     * Shows the results of `answer` (`state.session`'s); `run` is { fileName, files }.
     * Returns results.js's { heading, loaded }.
     */
    show(answer, { fileName, files }) {
      const shown = results({ session: state.session, overview: answer.overview, app, fileName, workspace, run: { files } });
      replace(node, shown.section);
      return shown;
    },
  };
}
