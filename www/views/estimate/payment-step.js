// Step 4 of the estimate view, "A payment plan": the payment-plan form
// (estimate/payment.js) starting from what the estimate says the patient owes,
// or a line saying that no plan is needed.

import { el } from '../../dom.js';
import { paymentPlanForm } from './payment.js';

/**
 * Reads `state.estimate`. `onShown` is called when a payment plan is shown.
 * Returns { node, update(), form }: `form` is the payment-plan form.
 */
export function paymentStep(state, app, { onShown }) {
  const form = paymentPlanForm(app.call, { onShown });
  const nothingToPay = el('p', { hidden: true, id: 'est-nothing-to-pay' }, 'You owe nothing, so no payment plan is needed.');
  const node = el(
    'section',
    { class: 'step payment', 'aria-labelledby': 'est-payment-heading' },
    el('h3', { id: 'est-payment-heading' }, '4. A payment plan'),
    nothingToPay,
    form.node,
  );
  // A new estimate starts the plan again from its amount; the same one leaves the plan shown.
  let planned = null;

  function update() {
    if (state.estimate === null || state.estimate === planned) return;
    planned = state.estimate;
    const owes = planned.answer.totals.patientPays !== '0.00';
    nothingToPay.hidden = owes;
    form.node.hidden = !owes;
    form.setAmount(planned.answer.totals.patientPays);
  }

  return { node, update, form };
}
