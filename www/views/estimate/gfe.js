// The Good Faith Estimate check (SPEC §9.4), for patients without insurance or paying
// themselves: the Good Faith Estimate a provider gave before the care, and the bill that
// followed, compared provider by provider. A bill $400.00 or more over its estimate may be
// disputed within 120 days of the bill's date; the panel says so with the last day, lists
// the billed lines the estimate did not have, and prints as a summary.
//
// Each side is a file, or lines the patient types (provider, description, code, amount): typed
// lines go to the core as the JSON form of a GFE file (`[{ provider, description, code, amount }]`),
// so the wasm `gfeCheck` reads both sides and does every sum either way; this only asks and shows.

import { dollars, el, replace } from '../../dom.js';
import { clearErrors, describe, showError } from './fields.js';

/** `call` is app.call, `announce` app.announce. Returns { node }. */
export function gfeCheck(call, announce) {
  const estimateFile = el('input', { type: 'file', id: 'est-gfe-estimate', accept: '.xlsx,.xls,.ods,.csv,.json' });
  const billFile = el('input', { type: 'file', id: 'est-gfe-bill', accept: '.xlsx,.xls,.ods,.csv,.json' });
  const billDate = el('input', { type: 'date', id: 'est-gfe-bill-date' });
  const button = el('button', { type: 'submit', id: 'est-gfe-compare' }, 'Compare the bill with the estimate');
  const output = el('div', { id: 'est-gfe-result', 'aria-live': 'polite' });
  const field = (control, label, help) => {
    describe(control, `${control.id}-help`);
    return el(
      'div',
      { class: 'field' },
      el('label', { for: control.id }, label),
      control,
      el('p', { class: 'help', id: `${control.id}-help` }, help),
      el('p', { class: 'field-error', id: `${control.id}-error`, hidden: true }),
    );
  };
  const typedEstimate = typedLines('est-gfe-estimate-lines', 'Or type the estimate’s lines');
  const typedBill = typedLines('est-gfe-bill-lines', 'Or type the bill’s lines');
  const form = el(
    'form',
    { id: 'est-gfe-form', novalidate: true, class: 'screen-only' },
    el(
      'div',
      { class: 'field-grid' },
      field(estimateFile, 'The Good Faith Estimate', 'A spreadsheet or csv with the columns Provider, Description, Code and Amount.'),
      field(billFile, 'The bill', 'The same columns, with what each provider billed.'),
      field(billDate, 'Date on the bill', 'The 120 days to dispute a bill start on this date.'),
    ),
    typedEstimate.node,
    typedBill.node,
    button,
  );
  const node = el(
    'details',
    { class: 'step gfe-check', id: 'est-gfe' },
    el('summary', {}, 'No insurance, or paying yourself? Check the bill against your Good Faith Estimate'),
    el(
      'p',
      { class: 'lead' },
      'Before scheduled care, a provider must give you a Good Faith Estimate of the charges. If the bill from one provider is $400.00 or more above its estimate, you can ask for an independent review (the patient-provider dispute resolution process) within 120 days of the bill’s date.',
    ),
    form,
    output,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    // A chosen file wins; else the typed lines, sent as a GFE file's JSON form.
    const side = async (file, typed, name) => {
      if (file) return { bytes: await file.arrayBuffer(), name: file.name, control: null, messageNode: undefined };
      const lines = typed.lines();
      if (!lines.length) return null;
      return { bytes: new TextEncoder().encode(JSON.stringify(lines)).buffer, name, control: typed.first(), messageNode: typed.error };
    };
    const estimate = await side(estimateFile.files?.[0], typedEstimate, 'The estimate you typed');
    const bill = await side(billFile.files?.[0], typedBill, 'The bill you typed');
    for (const [given, control, what] of [[estimate, estimateFile, 'the Good Faith Estimate'], [bill, billFile, 'the bill']]) {
      if (!given) {
        showError(control, `Choose the file with ${what}, or type its lines below.`);
        control.focus();
        return;
      }
    }
    try {
      const result = await call('gfeCheck', [
        estimate.bytes,
        estimate.name,
        bill.bytes,
        bill.name,
        billDate.value || null,
        isoToday(),
      ]);
      replace(output, summary(result));
      announce(result.eligible ? 'A bill is $400.00 or more over its estimate: you can dispute it.' : 'The comparison is ready.');
    } catch (error) {
      // Shown at the field of the file it names (or the typed lines), or at the bill date.
      const about = error.field === 'billDate' ? null : error.file === bill.name ? bill : estimate;
      const control = about === null ? billDate : (about.control ?? (about === bill ? billFile : estimateFile));
      showError(control, error.message, about?.messageNode);
      control.focus();
      announce(error.message);
    }
  });

  return { node };
}

/**
 * Lines typed by hand, one provider's line a row: provider, description, code and amount. Rows
 * with nothing in them are left out. Returns { node, lines(), first(), error }.
 */
function typedLines(id, legend) {
  const body = el('tbody');
  let n = 0;
  const cell = (row, name, label, attrs = {}) => {
    const input = el('input', { type: 'text', id: `${id}-${row}-${name}`, 'aria-label': `${label}, line ${row}`, ...attrs });
    return el('td', { 'data-label': label }, input);
  };
  const add = () => {
    n += 1;
    const tr = el(
      'tr',
      { dataset: { line: String(n) } },
      cell(n, 'provider', 'Provider', { autocomplete: 'organization' }),
      cell(n, 'description', 'What it is'),
      cell(n, 'code', 'Code', { size: 7 }),
      cell(n, 'amount', 'Amount ($)', { inputmode: 'decimal', size: 10 }),
    );
    body.append(tr);
    return tr;
  };
  add();
  add();
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const more = el('button', { type: 'button', id: `${id}-add`, on: { click: () => add().querySelector('input').focus() } }, 'Add a line');
  const node = el(
    'fieldset',
    { class: 'gfe-typed', id },
    el('legend', {}, legend),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'gfe-typed-table' },
        el('thead', {}, el('tr', {}, ['Provider', 'What it is', 'Code', 'Amount ($)'].map((h) => el('th', { scope: 'col' }, h)))),
        body,
      ),
    ),
    more,
    error,
  );
  const value = (tr, name) => tr.querySelector(`input[id$="-${name}"]`).value.trim();
  return {
    node,
    lines: () =>
      [...body.rows]
        .map((tr) => ({ provider: value(tr, 'provider'), description: value(tr, 'description'), code: value(tr, 'code'), amount: value(tr, 'amount') }))
        .filter((l) => l.provider || l.description || l.code || l.amount)
        .map(({ code, ...l }) => (code ? { ...l, code } : l)),
    first: () => body.querySelector('input'),
    error,
  };
}

function summary(result) {
  const over = result.providers.filter((p) => p.overByAtLeast400);
  return [
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'gfe-table', id: 'est-gfe-table' },
        el('caption', {}, 'Each provider: the estimate and the bill'),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, 'Provider'),
            ['Estimated', 'Billed', 'Difference'].map((name) => el('th', { scope: 'col', class: 'num' }, name)),
          ),
        ),
        el(
          'tbody',
          {},
          result.providers.map((p) => [
            el(
              'tr',
              { class: p.overByAtLeast400 ? 'over' : null, 'data-provider': p.provider },
              el('th', { scope: 'row' }, p.provider, p.overByAtLeast400 ? el('span', { class: 'flag' }, '$400.00 or more over') : null),
              el('td', { class: 'num', 'data-label': 'Estimated', 'data-field': 'estimate' }, dollars(p.estimate)),
              el('td', { class: 'num', 'data-label': 'Billed', 'data-field': 'billed' }, dollars(p.billed)),
              el('td', { class: 'num', 'data-label': 'Difference', 'data-field': 'difference' }, dollars(p.difference)),
            ),
            p.notOnEstimate.length
              ? el(
                  'tr',
                  { class: 'not-on-estimate' },
                  el(
                    'td',
                    { colspan: '4' },
                    'Not on the estimate: ',
                    p.notOnEstimate
                      .map((l) => `${l.description || 'a line'}${l.code ? ` (${l.code})` : ''} ${dollars(l.amount)}`)
                      .join('; '),
                    '.',
                  ),
                )
              : null,
          ]),
        ),
      ),
    ),
    el('p', { class: 'gfe-verdict', id: 'est-gfe-verdict' }, verdict(result, over)),
    el('div', { class: 'actions screen-only' }, el('button', { type: 'button', on: { click: () => window.print() } }, 'Print this summary')),
  ];
}

function verdict(result, over) {
  const names = over.map((p) => p.provider).join(', ');
  if (over.length === 0) return 'No provider billed $400.00 or more over its estimate, so the dispute process does not apply.';
  if (!result.deadline) return `${names}: $400.00 or more over the estimate. Enter the date on the bill to see the last day to dispute it.`;
  const last = longDate(result.deadline);
  if (!result.eligible) return `${names}: $400.00 or more over the estimate, but the 120 days to dispute it ended on ${last}.`;
  const left = result.daysLeft === 1 ? '1 day' : `${result.daysLeft} days`;
  return `${names}: $400.00 or more over the estimate. You can start the patient-provider dispute resolution process until ${last} (${left} left).`;
}

/** "2027-03-30" → "March 30, 2027", read as a calendar date (no time zone shift). */
function longDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString('en-US', { dateStyle: 'long' });
}

function isoToday() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
