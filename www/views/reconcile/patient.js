// Patient accounts (SPEC §9.5): find a patient the way a billing specialist
// types them (MRN with or without its leading zeros, a name in any order with
// or without accents, a claim number, a date of birth), open their account to
// see what they owe and why, and print their statement — or the statements of
// every patient with a balance. The core finds and adds up (Session.findPatients,
// patientAccount, accountsWithBalance); this file only lays the answer out,
// always as text, never as HTML.
//
// Printing puts the statements in #print-area, a child of <body>, and marks the
// body `printing-statements`: the print stylesheet (views/patient.css) then
// hides everything else, so a statement prints without the page's chrome.

import { dollars, el, replace } from '../../dom.js';

const PRACTICE_KEY = 'clearbill.practiceName';

/** The practice name printed on statements: set once, kept in this browser. */
function savedPractice() {
  try {
    return localStorage.getItem(PRACTICE_KEY) ?? '';
  } catch {
    return '';
  }
}

function savePractice(name) {
  try {
    localStorage.setItem(PRACTICE_KEY, name);
  } catch {
    // Private windows may refuse storage: the name still applies to this visit.
  }
}

const text = (value) => (value === null || value === undefined ? '—' : String(value));
const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** "owes $150.00", "is owed $20.00", "owes nothing". */
function owes(balance) {
  if (balance.startsWith('-')) return `is owed ${dollars(balance.slice(1))}`;
  return balance === '0.00' ? 'owes nothing' : `owes ${dollars(balance)}`;
}

/**
 * The patient accounts panel of a reconciliation. `ask(method, ...args)` calls
 * the session. Returns `{ node, openLine(index, name) }`: the lines table's
 * patient names open an account through `openLine`.
 */
export function patientAccounts({ ask, app }) {
  const search = el('input', {
    type: 'search',
    id: 'patient-search',
    autocomplete: 'off',
    'aria-describedby': 'patient-search-hint',
  });
  const practice = el('input', {
    type: 'text',
    id: 'practice-name',
    value: savedPractice(),
    autocomplete: 'organization',
    'aria-describedby': 'practice-name-hint',
  });
  practice.addEventListener('change', () => savePractice(practice.value.trim()));
  const found = el('div', { id: 'patient-found', 'aria-live': 'polite' });
  const account = el('div', { id: 'patient-account' });

  async function find() {
    const query = search.value.trim();
    if (!query) return replace(found);
    try {
      const patients = await ask('findPatients', query);
      if (patients.length === 0) {
        replace(found, el('p', {}, `No patient matches “${query}”.`));
        return;
      }
      replace(
        found,
        el('p', {}, `${plural(patients.length, 'patient')} found:`),
        el(
          'ul',
          { class: 'patient-list' },
          patients.map((p) =>
            el(
              'li',
              {},
              el('button', { type: 'button', class: 'link', on: { click: () => open(p.key) } }, p.name),
              ' ',
              el(
                'span',
                { class: 'hint' },
                [p.id ? `MRN ${p.id}` : null, p.dateOfBirth ? `born ${p.dateOfBirth}` : null, plural(p.claims, 'claim'), owes(p.balance)]
                  .filter(Boolean)
                  .join(' · '),
              ),
            ),
          ),
        ),
      );
      if (patients.length === 1) await open(patients[0].key);
    } catch (error) {
      replace(found, el('p', { class: 'problem' }, `The search did not work: ${error.message}`));
    }
  }

  let searching;
  search.addEventListener('input', () => {
    clearTimeout(searching);
    searching = setTimeout(find, 250);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      clearTimeout(searching);
      find();
    }
  });

  async function open(key) {
    const a = await ask('patientAccount', key);
    if (!a) return;
    const heading = el('h4', { id: 'patient-account-heading', tabindex: -1 }, `Account of ${a.patient.name}`);
    replace(
      account,
      el(
        'section',
        { 'aria-labelledby': 'patient-account-heading', class: 'account' },
        heading,
        el(
          'p',
          { class: 'account-actions' },
          el('button', { type: 'button', id: 'print-statement', on: { click: () => print([a]) } }, 'Print statement'),
          ' ',
          el('button', { type: 'button', id: 'estimate-patient', on: { click: () => explain(key, a.patient.name) } }, 'Explain this balance'),
        ),
        statement(a, practice.value.trim()),
      ),
    );
    heading.focus();
    app.announce(`Opened the account of ${a.patient.name}: ${a.totals.refundDue !== '0.00' ? `refund due ${dollars(a.totals.refundDue)}` : `amount due ${dollars(a.totals.amountDue)}`}.`);
  }

  /**
   * "Explain this balance" (SPEC §9.1): the estimate view opens with this
   * patient's lines, those the insurance answered as processed (what it
   * decided, not re-estimated), the others to estimate under a plan.
   */
  async function explain(key, name) {
    try {
      const handoff = await ask('explainBalance', key);
      if (!handoff) return;
      await app.openEstimate(handoff);
    } catch (error) {
      app.announce(`Could not explain the balance of ${name}: ${error.message}`);
    }
  }

  async function printAll() {
    const accounts = await ask('accountsWithBalance');
    if (accounts.length === 0) {
      app.announce('No patient has a balance: there is no statement to print.');
      return;
    }
    app.announce(`Printing ${plural(accounts.length, 'statement')}.`);
    print(accounts);
  }

  function print(accounts) {
    let area = document.getElementById('print-area');
    if (!area) {
      area = el('div', { id: 'print-area' });
      document.body.append(area);
    }
    replace(area, accounts.map((a) => statement(a, practice.value.trim())));
    document.body.classList.add('printing-statements');
    window.addEventListener('afterprint', () => document.body.classList.remove('printing-statements'), { once: true });
    window.print();
  }

  async function openLine(index, name) {
    const key = await ask('patientOfLine', index);
    if (key) {
      search.value = name;
      replace(found);
      await open(key);
      account.scrollIntoView?.({ block: 'start' });
    }
  }

  const node = el(
    'section',
    { id: 'patients', 'aria-labelledby': 'patients-heading' },
    el('h3', { id: 'patients-heading' }, 'Patient accounts'),
    el(
      'div',
      { class: 'filters' },
      el(
        'p',
        {},
        el('label', { for: 'patient-search' }, 'Find a patient'),
        search,
        el('span', { id: 'patient-search-hint', class: 'hint' }, 'MRN, name in any order, claim number or date of birth'),
      ),
      el(
        'p',
        {},
        el('label', { for: 'practice-name' }, 'Practice name'),
        practice,
        el('span', { id: 'practice-name-hint', class: 'hint' }, 'printed at the top of statements; kept in this browser'),
      ),
      el('p', {}, el('button', { type: 'button', id: 'print-all-statements', on: { click: printAll } }, 'Print statements for all patients with a balance')),
    ),
    found,
    account,
  );
  return { node, openLine };
}

/** A patient statement: the same layout on screen and on paper. */
export function statement(a, practiceName) {
  const t = a.totals;
  const refund = t.refundDue !== '0.00';
  const money = (value) => el('td', { class: 'number' }, dollars(value));
  const share = (l) => {
    const parts = [
      [l.deductible, 'deductible'],
      [l.coinsurance, 'coinsurance'],
      [l.copay, 'copay'],
    ].filter(([m]) => m && m !== '0.00');
    return parts.length ? el('span', { class: 'parts' }, parts.map(([m, what]) => `${dollars(m)} ${what}`).join(', ')) : null;
  };
  return el(
    'article',
    { class: 'statement', dataset: { patient: a.patient.name } },
    el(
      'header',
      { class: 'statement-head' },
      el('div', {}, el('p', { class: 'practice' }, practiceName || 'Patient statement'), el('p', {}, 'Patient statement')),
      el(
        'div',
        {},
        el('p', { class: 'patient' }, a.patient.name, a.patient.id ? ` (MRN ${a.patient.id})` : ''),
        el('p', {}, `Statement date ${a.asOf}`),
        el('p', {}, `Due date ${a.dueDate}`),
      ),
    ),
    el(
      'p',
      { class: 'amount-due', 'data-figure': refund ? 'refundDue' : 'amountDue' },
      refund ? `Refund due to you: ${dollars(t.refundDue)}` : `Amount due: ${dollars(t.amountDue)} by ${a.dueDate}`,
    ),
    el(
      'div',
      { class: 'scroll', role: 'region', 'aria-label': `Services of ${a.patient.name}`, tabindex: 0 },
      el(
        'table',
        { class: 'report-table statement-lines' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ['Date', 'Claim', 'Service'].map((h) => el('th', { scope: 'col' }, h)),
            ['Billed', 'Insurance paid', 'Adjusted', 'Your share', 'You paid', 'You owe'].map((h) =>
              el('th', { scope: 'col', class: 'number' }, h),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          a.lines.map((l) => [
            el(
              'tr',
              { class: 'service' },
              el('td', {}, text(l.serviceDate)),
              el('td', {}, text(l.claimId)),
              el('td', {}, text(l.code)),
              money(l.billed),
              money(l.insurancePaid),
              money(l.adjustments),
              el('td', { class: 'number' }, dollars(l.patientResponsibility), share(l)),
              money(l.patientPaid),
              money(l.patientBalance),
            ),
            el('tr', { class: 'why' }, el('td', { colspan: 9 }, l.explanation)),
          ]),
        ),
        el(
          'tfoot',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'row', colspan: 3 }, 'Total'),
            ['billed', 'insurancePaid', 'adjustments', 'patientResponsibility', 'patientPaid'].map((key) =>
              el('td', { class: 'number', 'data-total': key }, dollars(t[key])),
            ),
            el('td', { class: 'number', 'data-total': 'balance' }, refund ? dollars(`-${t.refundDue}`) : dollars(t.amountDue)),
          ),
        ),
      ),
    ),
    a.nextSteps.length ? [el('h5', {}, 'What to do next'), el('ul', { class: 'next-steps' }, a.nextSteps.map((s) => el('li', {}, s)))] : null,
    a.paymentPlan
      ? [
          el('h5', {}, 'Payment plan'),
          el(
            'p',
            {},
            `You can pay ${dollars(a.paymentPlan.total)} in ${a.paymentPlan.installments.length} monthly payments: `,
            a.paymentPlan.installments.map((i) => `${i.date} ${dollars(i.amount)}`).join('; '),
            '.',
          ),
        ]
      : null,
    a.reasonCodes.length
      ? [el('h5', {}, 'What the codes mean'), el('p', { class: 'codes' }, a.reasonCodes.map((r) => `${r.code}: ${r.meaning}`).join('; '))]
      : null,
  );
}
