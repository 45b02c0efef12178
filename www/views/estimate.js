// The estimate view: a patient's plan and bill, what they will owe and why,
// and a payment plan. (Being built.)

import { el, replace } from '../dom.js';

export async function mount(root) {
  replace(root, el('h2', {}, 'Estimate what you will owe'));
}

/** Pre-fills the services from a patient's reconciled lines (called by the reconcile view). */
export function prefill() {}
