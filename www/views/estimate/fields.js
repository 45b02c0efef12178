// Form fields of the estimate view: a label, the control, one line of plain
// help, and a place for an error, all tied together with aria-describedby so
// that a screen reader reads the help and the error with the field.

import { el } from '../../dom.js';

/**
 * A labelled field: `field({ id, label, help, input })` where `input` is the
 * control (built with el). Returns the wrapper; the control keeps its id.
 */
export function field({ id, label, help, input, extra = null, className = 'field' }) {
  input.id = id;
  describe(input, `${id}-help`);
  return el(
    'div',
    { class: className },
    el('label', { for: id }, label),
    input,
    extra,
    el('p', { class: 'help', id: `${id}-help` }, help),
    el('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
}

/** A money field: text, so that "$1,500" and "1500.00" both work; the wasm core reads it. */
export function moneyInput(attrs = {}) {
  return el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** Adds an id to a control's aria-describedby. */
export function describe(control, id) {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  if (!ids.includes(id)) control.setAttribute('aria-describedby', [...ids, id].join(' '));
}

/**
 * Marks a control as wrong and says why next to it. The message element is
 * `${id}-error` when the field() helper made it, else `messageNode`; a control
 * with neither (a copay in its table, a service in its row) gets one right
 * after it, so that every error is read and seen at its field.
 */
export function showError(control, message, messageNode = document.getElementById(`${control.id}-error`)) {
  control.setAttribute('aria-invalid', 'true');
  if (!messageNode) {
    messageNode = el('p', { class: 'field-error', id: `${control.id}-error`, 'data-added': '' });
    control.after(messageNode);
  }
  messageNode.textContent = message;
  messageNode.hidden = false;
  if (!messageNode.id) messageNode.id = `${control.id}-error`;
  describe(control, messageNode.id);
}

/** Clears every error shown inside `root`. */
export function clearErrors(root) {
  for (const control of root.querySelectorAll('[aria-invalid="true"]')) control.removeAttribute('aria-invalid');
  // A message showError added goes, with the control's reference to it (rows are renumbered).
  for (const message of root.querySelectorAll('.field-error[data-added]')) {
    const control = message.previousElementSibling;
    const ids = (control?.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== message.id);
    control?.setAttribute('aria-describedby', ids.join(' '));
    message.remove();
  }
  for (const message of root.querySelectorAll('.field-error')) {
    message.textContent = '';
    message.hidden = true;
  }
}

/** An Error that belongs to one control: the view shows it there and moves focus to it. */
export class FieldError extends Error {
  constructor(control, message) {
    super(message);
    this.control = control;
  }
}

/**
 * A percentage field read as the wasm core's rate text: "20" and "20%" both
 * give "20%" (SPEC §9.3). A value below 1 without a % sign is refused with
 * "did you mean 20%?" rather than guessed: 0.2 could be a fraction or 0.2%.
 * Empty gives null. `what` names the field in the message ("Coinsurance").
 */
export function percentText(control, what) {
  const typed = control.value.trim();
  if (!typed) return null;
  const hasSign = /%\s*$/.test(typed);
  const number = typed.replace(/\s*%\s*$/, '').trim();
  if (!/^\d*\.?\d+$|^\d+\.$/.test(number)) {
    throw new FieldError(control, `${what} is a percentage, such as 20 for 20%; “${typed}” is not a number.`);
  }
  const value = Number(number);
  if (!hasSign && value > 0 && value < 1) {
    const meant = String(Math.round(value * 1e6) / 1e4);
    throw new FieldError(
      control,
      `${what} is a percentage: did you mean ${meant}%? Type ${meant} for ${meant}%, or ${number}% if you really mean ${number}%.`,
    );
  }
  if (value > 100) {
    throw new FieldError(control, `${what} is a percentage from 0 to 100; ${typed} is more than 100%.`);
  }
  return `${number}%`;
}

/** A message as a sentence: capital first letter, full stop at the end. */
export function sentence(text) {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)"”]$/.test(capital) ? capital : `${capital}.`;
}

/** Shows a message in its place (an alert above or below a part of the form). */
export function showMessage(node, text) {
  node.textContent = text;
  node.hidden = false;
}

/** Empties and hides a message shown with showMessage. */
export function hideError(node) {
  node.textContent = '';
  node.hidden = true;
}
