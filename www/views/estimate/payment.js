// The payment plan (SPEC §5): the patient's balance over a number of months,
// from a start date, with an optional prompt-pay discount for paying in full.
// The wasm `paymentPlan` splits the amount so that the installments add up to
// the cent; this only asks and shows.

import { dollars, el, replace } from '../../dom.js';
import { FieldError, clearErrors, field, moneyInput, percentText, sentence, showError } from './fields.js';

const DEFAULT_MONTHS = '6';

/** `call` is app.call. Returns { node, setAmount(text), read(), fill(pay), show() }. */
export function paymentPlanForm(call, { onShown = () => {} } = {}) {
  const amount = moneyInput();
  const months = el('input', { type: 'number', min: '1', max: '120', step: '1', inputmode: 'numeric' });
  const start = el('input', { type: 'date' });
  const discount = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'percent' });
  months.value = DEFAULT_MONTHS;
  start.value = firstOfNextMonth(new Date());

  const output = el('div', { class: 'schedule', id: 'est-schedule', 'aria-live': 'polite' });
  const button = el('button', { type: 'submit', id: 'est-plan-button' }, 'Show the payment plan');
  const form = el(
    'form',
    { class: 'payment-form', id: 'est-payment-form', novalidate: true },
    el(
      'div',
      { class: 'field-grid' },
      field({
        id: 'est-pay-amount',
        label: 'Amount to pay',
        help: 'What you owe; it starts as the estimate’s total, and you can change it.',
        input: amount,
      }),
      field({
        id: 'est-pay-months',
        label: 'Number of monthly payments',
        help: 'How many months to spread it over, from 1 to 120.',
        input: months,
      }),
      field({
        id: 'est-pay-start',
        label: 'First payment on',
        help: 'The date of the first payment; the others fall on the same day of each month.',
        input: start,
      }),
      field({
        id: 'est-pay-discount',
        label: 'Discount for paying in full (%) (optional)',
        help: 'If the provider takes a percentage off for paying all at once, enter it, such as 5.',
        input: discount,
      }),
    ),
    button,
  );

  let lastRequest = null;

  async function show() {
    clearErrors(form);
    let request;
    try {
      request = read();
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      showError(error.control, error.message);
      error.control.focus();
      return;
    }
    try {
      const plan = await call('paymentPlan', [request]);
      lastRequest = request;
      replace(output, schedule(plan, request));
      onShown();
    } catch (error) {
      // The core names the request field at fault (amount, months, start, discount).
      const control = { amount, months, start, discount }[error.field] ?? amount;
      showError(control, sentence(error.detail ?? error.message));
      replace(output);
      control.focus();
    }
  }

  function read() {
    const monthsText = months.value.trim();
    if (!/^\d+$/.test(monthsText)) {
      throw new FieldError(months, 'Enter a whole number of months, from 1 to 120.');
    }
    if (!start.value) throw new FieldError(start, 'Choose the date of the first payment.');
    const request = { amount: amount.value.trim(), months: Number(monthsText), start: start.value };
    const rate = percentText(discount, 'The prompt-pay discount');
    if (rate) request.discount = rate;
    return request;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });

  return {
    node: el('div', {}, form, output),
    setAmount(text) {
      amount.value = text;
      lastRequest = null;
      replace(output);
    },
    /** The choices of the plan last shown, for a share link (null when none is shown). */
    shown() {
      if (!lastRequest) return null;
      return { months: months.value.trim(), start: start.value, discount: discount.value.trim(), amount: amount.value.trim() };
    },
    /** Restores the choices from a share link and shows the plan. */
    async restore(pay) {
      if (pay.amount) amount.value = String(pay.amount);
      months.value = String(pay.months ?? DEFAULT_MONTHS);
      if (pay.start) start.value = String(pay.start);
      discount.value = String(pay.discount ?? '');
      await show();
    },
  };
}

function schedule(plan, request) {
  return [
    el(
      'table',
      { class: 'schedule-table', id: 'est-installments' },
      el('caption', {}, scheduleCaption(plan)),
      el(
        'thead',
        {},
        el('tr', {}, el('th', { scope: 'col' }, 'Payment'), el('th', { scope: 'col' }, 'Date'), el('th', { scope: 'col', class: 'num' }, 'Amount')),
      ),
      el(
        'tbody',
        {},
        plan.installments.map((installment, i) =>
          el(
            'tr',
            {},
            el('td', {}, String(i + 1)),
            el('td', {}, el('time', { datetime: installment.date }, longDate(installment.date))),
            el('td', { class: 'num', 'data-field': 'installment' }, dollars(installment.amount)),
          ),
        ),
      ),
      el(
        'tfoot',
        {},
        el('tr', {}, el('th', { scope: 'row', colspan: '2' }, 'Total'), el('td', { class: 'num', 'data-total': 'plan' }, dollars(plan.total))),
      ),
    ),
    request.discount
      ? el(
          'p',
          { class: 'pay-in-full', id: 'est-pay-in-full' },
          `Or pay ${dollars(plan.payInFull)} all at once instead, with the ${request.discount} prompt-pay discount.`,
        )
      : null,
    el('p', { class: 'help' }, 'Ask the provider’s billing office to set up the plan; this schedule shows what to ask for.'),
  ];
}

/**
 * "6 monthly payments of $205.76 ($1,234.56 in all)": the caption names what
 * each payment is, not the total. When the leftover cents make the first ones a
 * cent more: "6 monthly payments: 2 of $205.77, then 4 of $205.76 ($1,234.58 in all)".
 */
function scheduleCaption(plan) {
  const amounts = plan.installments.map((i) => i.amount);
  const n = amounts.length;
  const total = `(${dollars(plan.total)} in all)`;
  if (n === 1) return `1 payment of ${dollars(amounts[0])}`;
  const higher = amounts.filter((a) => a === amounts[0]).length;
  if (higher === n) return `${n} monthly payments of ${dollars(amounts[0])} ${total}`;
  return `${n} monthly payments: ${higher} of ${dollars(amounts[0])}, then ${n - higher} of ${dollars(amounts[n - 1])} ${total}`;
}

/** "2026-12-01" → "Dec 1, 2026", read in UTC so that no time zone moves the day. */
function longDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The first day of the month after `now`, as YYYY-MM-DD. */
function firstOfNextMonth(now) {
  const next = new Date(Date.UTC(now.getFullYear(), now.getMonth() + 1, 1));
  return next.toISOString().slice(0, 10);
}
