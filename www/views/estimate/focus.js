// Where the estimate view shows an error from the wasm core: next to the
// field it names (the plan field, or the field in the service's row), else
// below the services or above the "Show what I will owe" button, and the
// focus goes there.

import { showError, sentence, showMessage } from './fields.js';

/**
 * A wasm error: next to its field when it names one, else above the button.
 * `where`:
 *   plan           the plan form (its control(path))
 *   services       the services form (its rowOf(n, field))
 *   servicesError  the message below the services
 *   formError      the message above the button
 *   announce       app.announce
 * Returns false (the estimate was not made).
 */
export function focusForError(message, { plan, services, servicesError, formError, announce }) {
  const planField = /^plan field ([\w.]+): ([\s\S]*)$/.exec(message);
  if (planField) {
    const control = plan.control(planField[1]);
    if (control) return fieldProblem(control, `${labelOf(control, planField[1])}: ${planField[2]}`, announce);
  }
  const service = /service (\d+)/.exec(message);
  if (service) {
    const fieldName = /field (\w+)/.exec(message)?.[1] ?? /the (billed|allowed) amount/.exec(message)?.[1];
    const found = services.rowOf(Number(service[1]), fieldName);
    const text = sentence(message.replace(/^services: /, ''));
    // Next to the field in its row (a card on a phone); below the table when no field is named.
    if (found) return fieldProblem(found.control, text, announce);
    showMessage(servicesError, text);
    announce(text);
    return false;
  }
  showMessage(formError, sentence(message));
  announce(sentence(message));
  return false;
}

/** A message next to its control, which takes the focus. Returns false. */
export function fieldProblem(control, message, announce) {
  // A field inside closed copays or a hidden optional part is opened first.
  control.closest('details')?.setAttribute('open', '');
  showError(control, sentence(message));
  control.focus();
  announce(sentence(message));
  return false;
}

/** What a control is called on screen, for an error message about it. */
function labelOf(control, path) {
  const label = control.id ? document.querySelector(`label[for="${control.id}"]`)?.textContent : null;
  const name = label ?? control.getAttribute('aria-label') ?? path;
  if (path.startsWith('outOfNetwork.')) return `Out of network, ${name.charAt(0).toLowerCase()}${name.slice(1)}`;
  return name;
}
