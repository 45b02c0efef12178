// The services part of the estimate form: one table row per service the
// patient was billed for or expects, in the order they happen (the deductible
// carries from one to the next). Rows come from typing, from a bill loaded as a
// spreadsheet (the wasm `readServices`), from the reconcile view, or from a
// share link; all of them are the service objects of the wasm API, with money
// as text.
//
// A row with no description and no amounts is left out: it is the empty row
// the patient added and did not use. Everything else is sent as typed and the
// wasm core says what is wrong, by service number; `rowOf(n)` finds that row.

import { el, replace } from '../../dom.js';
import { describe, moneyInput } from './fields.js';
import { CATEGORIES, formCategory } from './plan-form.js';

/** One line of help for each column; every control in the column points to it. */
const COLUMNS = [
  ['description', 'What it is', 'A few words you will recognise, such as “MRI of the knee”.'],
  ['category', 'Kind of care', 'Decides which copay applies; preventive care in network is free.'],
  ['billed', 'Billed', 'The full price on the bill, before insurance.'],
  ['allowed', 'Allowed (if known)', 'The price your plan agreed to; your plan’s explanation of benefits shows it. Leave blank if you do not know.'],
  ['network', 'Network', 'Whether the provider is in your plan’s network.'],
  ['covered', 'Covered', 'Untick it if your plan does not pay for this at all; you then pay the whole bill.'],
  ['emergency', 'Emergency care', 'Ticked for emergency care, which the law protects from surprise bills out of network. ClearBill ticks it when the kind of care, the code or the words say emergency; untick it if this was not emergency care, or tick it if it was.'],
  ['protected', 'Protected', 'Tick it for out-of-network care the law protects from surprise bills, such as emergency care or an out-of-network doctor at an in-network hospital.'],
];

const LABELS = Object.fromEntries(COLUMNS.map(([key, name]) => [key, name]));

export function servicesForm({ onChange = () => {} } = {}) {
  const body = el('tbody', {});
  const rows = [];
  let sent = [];

  const table = el(
    'table',
    { class: 'services-table', id: 'est-services' },
    el('caption', { class: 'visually-hidden' }, 'Services, in the order you received them'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        COLUMNS.map(([key, name]) => el('th', { scope: 'col', class: `col-${key}` }, name)),
        el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Remove')),
      ),
    ),
    body,
  );
  const help = el(
    'ul',
    { class: 'help-list', id: 'est-services-help' },
    COLUMNS.map(([key, name, text]) => el('li', { id: `est-col-${key}-help` }, el('strong', {}, `${name}: `), text)),
  );

  function addRow(service = {}) {
    const controls = {
      description: el('input', { type: 'text', autocomplete: 'off', class: 'description' }),
      category: el(
        'select',
        {},
        CATEGORIES.map(([key, name]) => el('option', { value: key }, name)),
      ),
      billed: moneyInput({ class: 'amount' }),
      allowed: moneyInput({ class: 'amount' }),
      network: el(
        'select',
        {},
        el('option', { value: 'in' }, 'In network'),
        el('option', { value: 'out' }, 'Out of network'),
      ),
      covered: el('input', { type: 'checkbox' }),
      emergency: el('input', { type: 'checkbox' }),
      protected: el('input', { type: 'checkbox' }),
    };
    controls.description.value = service.description ?? '';
    const category = formCategory(service.category);
    controls.category.value = CATEGORIES.some(([key]) => key === category) ? category : 'other';
    controls.billed.value = service.billed ?? '';
    controls.allowed.value = service.allowed ?? '';
    controls.network.value = service.network === 'out' ? 'out' : 'in';
    controls.covered.checked = service.covered !== false;
    controls.protected.checked = service.protected === true;
    // The patient's own choice, when there is one (a loaded column, a share
    // link, a click); otherwise the box shows what the estimate found (SPEC §9.2).
    controls.emergency.checked = service.emergency === true;
    const emergencyNote = el('span', { class: 'emergency-note', hidden: true }, 'Found from the bill; untick if wrong.');
    for (const [key, control] of Object.entries(controls)) {
      describe(control, `est-col-${key}-help`);
      control.addEventListener('change', () => onChange());
    }
    // The Remove button names the service by its description, as typed.
    controls.description.addEventListener('input', () => renumber());
    const remove = el('button', { type: 'button', class: 'remove' }, 'Remove');
    const tr = el(
      'tr',
      {},
      // data-label: on a phone the row is a card, and each cell shows its column's name.
      Object.entries(controls).map(([key, control]) =>
        el('td', { class: `col-${key}`, 'data-label': LABELS[key] }, control, key === 'emergency' ? emergencyNote : null),
      ),
      el('td', {}, remove),
    );
    const row = { tr, controls, remove, emergencyNote, code: service.code ?? null, kept: keptFields(service) };
    controls.emergency.addEventListener('change', () => {
      row.kept.emergency = controls.emergency.checked;
      emergencyNote.hidden = true;
    });
    remove.addEventListener('click', () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      tr.remove();
      if (rows.length === 0) addRow();
      renumber();
      // Keyboard users stay in the table: on the next row's Remove, or the last one.
      (rows[at] ?? rows[rows.length - 1]).remove.focus();
      onChange();
    });
    rows.push(row);
    body.append(tr);
    renumber();
    return row;
  }

  /** Labels say which service they belong to, and stay right after a removal. */
  function renumber() {
    rows.forEach((row, i) => {
      const n = i + 1;
      const what = row.controls.description.value.trim();
      const name = `service ${n}`;
      row.tr.dataset.row = String(n);
      for (const [key, label] of COLUMNS) {
        row.controls[key].setAttribute('aria-label', `${label}, ${name}`);
        row.controls[key].id = `est-service-${n}-${key}`;
      }
      row.remove.setAttribute('aria-label', `Remove ${name}${what ? ` (${what})` : ''}`);
    });
  }

  function isBlank(row) {
    const c = row.controls;
    return !c.description.value.trim() && !c.billed.value.trim() && !c.allowed.value.trim();
  }

  return {
    node: el('div', { class: 'services-form' }, help, el('div', { class: 'table-scroll' }, table)),
    addRow(service) {
      const row = addRow(service);
      row.controls.description.focus();
      return row;
    },
    /** Adds services after the ones there (prices looked up in a hospital file); an unused empty row goes. */
    add(services) {
      for (const row of rows.filter(isBlank)) {
        rows.splice(rows.indexOf(row), 1);
        row.tr.remove();
      }
      for (const service of services) addRow(service);
      if (rows.length === 0) addRow();
      renumber();
      onChange();
    },
    /** Replaces every row (a loaded bill, the reconcile view, a share link). */
    set(services) {
      rows.length = 0;
      replace(body);
      // A share link is only text someone sent: anything but a service object is left out.
      for (const service of services) if (service && typeof service === 'object') addRow(service);
      if (rows.length === 0) addRow();
    },
    /** The services to estimate, as wasm service objects; remembers which row each came from. */
    read() {
      sent = rows.filter((row) => !isBlank(row));
      return sent.map(({ controls: c, code, kept }) => ({
        ...kept,
        description: c.description.value.trim(),
        code,
        category: c.category.value,
        billed: c.billed.value.trim() || null,
        allowed: c.allowed.value.trim() || null,
        network: c.network.value,
        covered: c.covered.checked,
        protected: c.protected.checked,
      }));
    },
    /**
     * After an estimate: a row the patient has not decided shows whether its
     * line was taken as emergency care, with a note that ClearBill found it.
     */
    showEmergency(lines) {
      sent.forEach((row, i) => {
        if (typeof row.kept.emergency === 'boolean') return;
        const found = lines[i]?.emergency === true;
        row.controls.emergency.checked = found;
        row.emergencyNote.hidden = !found;
      });
    },
    /** Whether any row holds something the patient typed or loaded. */
    get hasEntries() {
      return rows.some((row) => !isBlank(row));
    },
    /** The row of the n-th service (1-based) of the last read(), and its control for a field. */
    rowOf(n, fieldName) {
      const row = sent[n - 1];
      if (!row) return null;
      return { row, control: row.controls[fieldName] ?? row.controls.billed };
    },
    get count() {
      return rows.length;
    },
  };
}

/**
 * What a loaded bill says that the row has no control for, sent back as it
 * came: the date, the revenue code, the user's emergency choice, and what
 * insurance already decided (paid, adjustments, patient responsibility,
 * patient paid, reason, the parts of the patient responsibility), so a
 * processed bill is not re-estimated (SPEC §9.1).
 */
const KEPT = [
  'date', 'revenueCode', 'emergency', 'insurancePaid', 'adjustments', 'patientResponsibility', 'patientPaid', 'reason',
  'deductible', 'coinsurance', 'copay',
];

/** Whether a service object carries what the payer decided (as the wasm `Service::is_processed`). */
export function isProcessed(service) {
  return ['insurancePaid', 'adjustments', 'patientResponsibility'].some((key) => typeof service[key] === 'string');
}

function keptFields(service) {
  const kept = {};
  for (const key of KEPT) {
    const value = service[key];
    if (typeof value === 'string' || typeof value === 'boolean') kept[key] = value;
  }
  return kept;
}
