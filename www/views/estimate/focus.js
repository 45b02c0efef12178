// Where the estimate view shows an error from the wasm core: next to the
// field it names (the plan field, or the field in the service's row), else
// below the services or above the "Show what I will owe" button, and the
// focus goes there. The error's fields say where (src/error.rs); its
// message is only shown, never read.

import { showError, sentence, showMessage } from './fields.js';

/**
 * A wasm error: next to the field it names when it names one, else above the button. It is
 * placed by its fields (`service`, from 1; `field`, a plan field's path or a service's field),
 * never by its message; `detail` is the message without the plan field it starts with.
 * `where`:
 *   plan           the plan form (its control(path))
 *   services       the services form (its rowOf(n, field))
 *   servicesError  the message below the services
 *   formError      the message above the button
 *   announce       app.announce
 * Returns false (the estimate was not made).
 */
export function focusForError(error, { plan, services, servicesError, formError, announce }) {
  const detail = error.detail ?? error.message;
  if (error.field && !error.service) {
    const control = plan.control(error.field);
    if (control) return fieldProblem(control, `${labelOf(control, error.field)}: ${detail}`, announce);
  }
  if (error.service) {
    const found = services.rowOf(error.service, error.field);
    const text = sentence(detail);
    // Next to the field in its row (a card on a phone); below the table when no field is named.
    if (found) return fieldProblem(found.control, text, announce);
    showMessage(servicesError, text);
    announce(text);
    return false;
  }
  showMessage(formError, sentence(error.message));
  announce(sentence(error.message));
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
