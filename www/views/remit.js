// The "Read a remittance" view (SPEC §12): drop one or more 835 files (ERAs) with no charges
// file, and read each payment (check or EFT), its claims and lines with every code in plain
// words, the findings, and the downloads. "Explain to the patient" opens one claim as a
// printable page in plain words. The worker reads the files and keeps them as a wasm
// `Remittances` (src/remit/); this view only lays out what the core says, as text.

import { dollars, download, el, replace } from '../dom.js';

/** Rows shown at once in the claims and lines tables; a search narrows the rest. */
const MAX_ROWS = 200;

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export async function mount(root, app) {
  const state = { session: null, report: null, fileName: 'remittance', search: '', payment: 'all' };
  const input = el('input', {
    type: 'file',
    id: 'remit-files',
    multiple: true,
    accept: '.835,.txt,.edi,.x12,.dat,.era',
    'aria-describedby': 'remit-files-hint',
  });
  const results = el('div', { id: 'remit-results' });
  const explanation = el('article', {
    id: 'remit-explanation',
    hidden: true,
    tabindex: -1,
    'aria-labelledby': 'remit-explanation-title',
  });

  input.addEventListener('change', async () => {
    const files = [...input.files];
    if (!files.length) return;
    app.announce(`Reading ${plural(files.length, 'file')}…`);
    try {
      const args = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      const { session, report } = await app.call('readRemittances', [args]);
      if (state.session) app.call('closeSession', [state.session]).catch(() => {});
      Object.assign(state, { session, report, search: '', payment: 'all' });
      state.fileName = files.length === 1 ? files[0].name.replace(/\.[^.]*$/, '') : 'remittances';
      closeExplanation();
      replace(results, ...view(state, app, openExplanation));
      app.announce(
        `Read ${plural(report.payments.length, 'payment')}, ${plural(report.claims.length, 'claim')} and ${plural(report.lines.length, 'line')}.`,
      );
    } catch (error) {
      replace(results, el('p', { class: 'error', role: 'alert' }, `These files could not be read: ${error.message}`));
      app.announce(`These files could not be read: ${error.message}`);
    }
  });

  async function openExplanation(index) {
    try {
      const e = await app.call('session', [state.session, 'explain', index]);
      replace(explanation, ...explain(e, closeExplanation));
      explanation.hidden = false;
      results.hidden = true;
      document.documentElement.classList.add('print-explanation');
      explanation.focus();
      app.announce(`The explanation for ${e.patient ?? 'this patient'} is ready to print.`);
    } catch (error) {
      app.announce(`The explanation could not be made: ${error.message}`);
    }
  }

  function closeExplanation() {
    const wasOpen = !explanation.hidden;
    explanation.hidden = true;
    results.hidden = false;
    document.documentElement.classList.remove('print-explanation');
    if (wasOpen) results.querySelector('#remit-search')?.focus();
  }

  replace(
    root,
    el('h2', {}, 'Read a remittance'),
    el(
      'div',
      { class: 'drop' },
      el('label', { for: 'remit-files' }, 'Remittance files (835 / ERA)'),
      input,
      el(
        'p',
        { class: 'hint', id: 'remit-files-hint' },
        'Choose one or more 835 files your payers or clearinghouse sent. No charges file is needed. The same check sent twice is read once.',
      ),
    ),
    results,
    explanation,
  );
}

/** Everything shown for the files read: totals, payments, notes, findings, search, claims, lines, downloads. */
function view(state, app, openExplanation) {
  const { report } = state;
  const claimsBox = el('div');
  const linesBox = el('div');
  const search = el('input', { type: 'search', id: 'remit-search', placeholder: 'Patient, claim number or check number' });
  const payment = el(
    'select',
    { id: 'remit-payment' },
    el('option', { value: 'all' }, 'All payments'),
    report.payments.map((p, i) =>
      el('option', { value: String(i) }, `${p.payer}: ${p.checkNumber ?? 'no number'} (${dollars(p.amount)})`),
    ),
  );
  const refresh = () => {
    state.search = search.value.trim().toLowerCase();
    state.payment = payment.value;
    const shown = filteredClaims(state);
    replace(claimsBox, claimsTable(report, shown, openExplanation));
    replace(linesBox, linesTable(report, shown));
  };
  search.addEventListener('input', refresh);
  payment.addEventListener('change', refresh);
  refresh();
  return [
    totals(report),
    payments(report),
    notes(report),
    findings(report),
    el('h3', {}, 'Claims'),
    el(
      'div',
      { class: 'filters', role: 'search' },
      el('label', { for: 'remit-search' }, 'Find'),
      search,
      el('label', { for: 'remit-payment' }, 'Payment'),
      payment,
    ),
    claimsBox,
    el('h3', {}, 'Lines to post'),
    linesBox,
    downloads(state, app),
  ];
}

function filteredClaims({ report, search, payment }) {
  const out = [];
  report.claims.forEach((claim, index) => {
    if (payment !== 'all' && String(claim.payment) !== payment) return;
    if (search) {
      const haystack = [claim.patient, claim.claimId, claim.payerClaimNumber, claim.checkNumber, claim.memberId]
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      if (!haystack.includes(search)) return;
    }
    out.push(index);
  });
  return out;
}

function totals(report) {
  const t = report.totals;
  const card = (label, value, detail) =>
    el('div', { class: 'card' }, el('span', { class: 'label' }, label), el('strong', {}, dollars(value)), detail && el('span', { class: 'detail' }, detail));
  return el(
    'div',
    { class: 'cards', id: 'remit-totals' },
    card('Paid on claims', t.paid, `of ${dollars(t.billed)} billed`),
    card('Contractual adjustments', t.contractual, 'written off under contracts'),
    card('Patients owe', t.patientResponsibility, `deductible ${dollars(t.deductible)}, coinsurance ${dollars(t.coinsurance)}, copay ${dollars(t.copay)}, other ${dollars(t.otherPatient)}`),
    card('Other adjustments', t.otherAdjustments, 'by the payer, not billed to patients'),
    card('Provider adjustments', t.providerAdjustments, 'interest, recoupments and the like; positive amounts reduce the payment'),
    card('Payments sent', t.payments, plural(report.payments.length, 'check or transfer', 'checks or transfers')),
  );
}

function payments(report) {
  const rows = report.payments.map((p) =>
    el(
      'tr',
      {},
      el('td', {}, p.payer),
      el('td', {}, p.checkNumber ?? '—'),
      el('td', {}, p.methodMeaning ?? '—'),
      el('td', {}, p.date ?? '—'),
      el('td', { class: 'number' }, dollars(p.amount)),
      el('td', { class: 'number' }, String(p.claims)),
      el(
        'td',
        {},
        p.providerAdjustments.length
          ? p.providerAdjustments.map((a) =>
              el('div', {}, `${dollars(a.amount)}: ${a.meaning}${a.reference ? ` (reference ${a.reference})` : ''}`),
            )
          : 'none',
      ),
      el('td', {}, p.file),
    ),
  );
  return [
    el('h3', {}, 'Payments'),
    scrollTable('remit-payments', 'Payments', ['Payer', 'Check or EFT number', 'How paid', 'Date', 'Amount', 'Claims', 'Provider adjustments', 'File'], rows, [4, 5]),
  ];
}

function notes(report) {
  if (!report.notes.length) return null;
  const list = el('ul', {}, report.notes.map((n) => el('li', {}, n)));
  // A file that repeats one check many times would bury the claims under its notes.
  const body = report.notes.length > 5 ? el('details', {}, el('summary', {}, `${plural(report.notes.length, 'note')}: checks sent more than once, read once`), list) : list;
  return el('div', { class: 'notes', id: 'remit-notes' }, el('h3', {}, 'Notes'), body);
}

function findings(report) {
  if (!report.findings.length) {
    return el('p', { id: 'remit-findings' }, 'Every payment and claim adds up, and every part of the files was read.');
  }
  return el(
    'details',
    { id: 'remit-findings', open: report.findings.length <= 5 },
    el('summary', {}, `${plural(report.findings.length, 'finding')}: amounts that do not add up, or parts of a file that could not be read`),
    el(
      'ul',
      {},
      report.findings.map((f) =>
        el(
          'li',
          {},
          el('span', {}, f.severity === 'error' ? 'Part of a file could not be read' : 'Amounts that do not add up, or something unusual', ` in ${f.file}`),
          // The reader's own words name the file's elements: a details line, for whoever opens the file.
          el('span', { class: 'details-line' }, `${f.location}: ${f.message}`),
        ),
      ),
    ),
  );
}

/** `CO-45: charge exceeds …` for each code, from the report's own meanings. */
function codes(report, list) {
  if (!list.length) return '';
  return list.map((code) => el('div', {}, `${code}: ${report.codeMeanings[code] ?? 'unknown code'}`));
}

function claimsTable(report, shown, openExplanation) {
  const rows = shown.slice(0, MAX_ROWS).map((index) => {
    const c = report.claims[index];
    const adjustments = c.adjustments.map((a) => `${a.group}-${a.code}`);
    return el(
      'tr',
      {},
      el('td', {}, c.patient ?? '—'),
      el('td', {}, c.claimId),
      el('td', {}, c.payerClaimNumber ?? '—'),
      el('td', {}, c.checkNumber ?? '—'),
      el('td', {}, c.serviceDate ?? '—'),
      el('td', {}, c.statusMeaning),
      el('td', { class: 'number' }, dollars(c.billed)),
      el('td', { class: 'number' }, dollars(c.paid)),
      el('td', { class: 'number' }, dollars(c.patientResponsibility)),
      el('td', {}, codes(report, adjustments), c.remarkCodes.length ? codes(report, c.remarkCodes) : null),
      el(
        'td',
        {},
        el(
          'button',
          { type: 'button', class: 'explain', on: { click: () => openExplanation(index) } },
          'Explain to the patient',
          el('span', { class: 'visually-hidden' }, ` (${c.patient ?? c.claimId})`),
        ),
      ),
    );
  });
  return [
    el('p', { class: 'count', id: 'remit-claims-count', 'aria-live': 'polite' }, countText(shown.length, report.claims.length, 'claim')),
    scrollTable(
      'remit-claims',
      'Claims',
      ['Patient', 'Claim number', "Payer's claim number", 'Check or EFT', 'Service date', 'What the payer did', 'Billed', 'Paid', 'Patient owes', 'Claim adjustments', 'For the patient'],
      rows,
      [6, 7, 8],
    ),
  ];
}

function linesTable(report, shown) {
  const lines = shown.flatMap((i) => {
    const c = report.claims[i];
    return Array.from({ length: c.lineCount }, (_, k) => report.lines[c.firstLine + k]);
  });
  const rows = lines.slice(0, MAX_ROWS).map((l) =>
    el(
      'tr',
      {},
      el('td', {}, l.claimId),
      el('td', {}, l.patient ?? '—'),
      el('td', {}, l.serviceDate ?? '—'),
      el('td', {}, l.code ?? 'whole claim'),
      el('td', { class: 'number' }, dollars(l.billed)),
      el('td', { class: 'number' }, dollars(l.allowed)),
      el('td', { class: 'number' }, dollars(l.paid)),
      el('td', { class: 'number' }, dollars(l.deductible)),
      el('td', { class: 'number' }, dollars(l.coinsurance)),
      el('td', { class: 'number' }, dollars(l.copay)),
      el('td', { class: 'number' }, dollars(l.otherPatient)),
      el('td', { class: 'number' }, dollars(l.contractual)),
      el('td', { class: 'number' }, dollars(l.otherAdjustments)),
      el('td', {}, codes(report, [...l.reasonCodes, ...l.remarkCodes])),
    ),
  );
  return [
    el('p', { class: 'count' }, countText(lines.length, report.lines.length, 'line')),
    scrollTable(
      'remit-lines',
      'Lines to post',
      ['Claim number', 'Patient', 'Service date', 'Code', 'Billed', 'Allowed', 'Paid', 'Deductible', 'Coinsurance', 'Copay', 'Other patient share', 'Contractual', 'Other adjustments', 'Reasons and remarks'],
      rows,
      [4, 5, 6, 7, 8, 9, 10, 11, 12],
    ),
  ];
}

function countText(shown, total, noun) {
  if (shown === total) return `${plural(total, noun)}.`;
  const listed = shown > MAX_ROWS ? `; the first ${MAX_ROWS} are listed, narrow the search to see the others` : '';
  return `${plural(shown, noun)} of ${total.toLocaleString('en-US')} match${listed}.`;
}

function scrollTable(id, label, headers, rows, numeric = []) {
  return el(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': label, tabindex: 0 },
    el(
      'table',
      { id, class: 'report-table' },
      el('caption', { class: 'visually-hidden' }, label),
      el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'number' : null }, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headers.length }, 'Nothing matches.'))),
    ),
  );
}

function downloads(state, app) {
  const make = (label, method, extension, type) =>
    el(
      'button',
      {
        type: 'button',
        id: `remit-export-${extension}`,
        on: {
          click: async () => {
            const name = `${state.fileName}-posting.${extension}`;
            app.announce(`Making the ${extension} file…`);
            try {
              download(await app.call('session', [state.session, method]), name, type);
              app.announce(`Saved ${name} to your downloads.`);
            } catch (error) {
              app.announce(`The ${extension} file could not be made: ${error.message}`);
            }
          },
        },
      },
      label,
    );
  return el(
    'div',
    { class: 'exports', role: 'group', 'aria-label': 'Download' },
    make('Download xlsx (payments, claims, lines)', 'exportXlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    make('Download csv (posting sheet)', 'exportCsv', 'csv', 'text/csv'),
    make('Download json', 'exportJson', 'json', 'application/json'),
    el('span', { class: 'hint' }, 'Made here in your browser; nothing is uploaded.'),
  );
}

/** The patient's explanation of one claim: a page of its own, made to be printed. */
function explain(e, close) {
  const dates =
    e.firstServiceDate && e.lastServiceDate && e.firstServiceDate !== e.lastServiceDate
      ? `from ${e.firstServiceDate} to ${e.lastServiceDate}`
      : `on ${e.firstServiceDate ?? 'the date on your bill'}`;
  const items = (list, id) =>
    el(
      'table',
      { class: 'reasons', id },
      el('tbody', {}, list.map((i) => el('tr', {}, el('th', { scope: 'row' }, i.label), el('td', { class: 'number' }, dollars(i.amount)), el('td', {}, i.why)))),
    );
  return [
    el(
      'div',
      { class: 'explanation-actions' },
      el('button', { type: 'button', id: 'remit-print', on: { click: () => window.print() } }, 'Print this explanation'),
      el('button', { type: 'button', id: 'remit-back', on: { click: close } }, 'Back to the remittance'),
    ),
    el('h2', { id: 'remit-explanation-title' }, 'What your health plan did with this bill'),
    el(
      'p',
      { class: 'who' },
      `For ${e.patient ?? 'the patient'}${e.memberId ? ` (member ID ${e.memberId})` : ''}, care ${dates} at ${e.provider || 'your provider'}. `,
      `Plan: ${e.payer}. Claim number ${e.payerClaimNumber ?? e.claimId}${e.noticeDate ? `, processed ${e.noticeDate}` : ''}.`,
    ),
    el('p', {}, e.status),
    el('p', { class: 'lead' }, e.summary),
    el(
      'dl',
      { class: 'amounts' },
      el('div', {}, el('dt', {}, 'Billed by your provider'), el('dd', {}, dollars(e.billed))),
      el('div', {}, el('dt', {}, 'Allowed by your plan'), el('dd', {}, dollars(e.allowed))),
      el('div', {}, el('dt', {}, 'Paid by your plan'), el('dd', {}, dollars(e.planPaid))),
      el('div', { class: 'owe' }, el('dt', {}, 'You owe'), el('dd', { id: 'remit-you-owe' }, dollars(e.youOwe))),
    ),
    e.youOweBecause.length ? [el('h3', {}, `Why you owe ${dollars(e.youOwe)}`), items(e.youOweBecause, 'remit-owe-reasons')] : null,
    e.takenOff.length ? [el('h3', {}, `Taken off the bill: ${dollars(e.notBilledToYou)} you do not owe`), items(e.takenOff, 'remit-taken-off')] : null,
    el('h3', {}, 'The care on this claim'),
    el(
      'table',
      { class: 'services' },
      el('thead', {}, el('tr', {}, ['Date', 'Service', 'Billed', 'Plan paid', 'You owe'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        e.services.map((s) =>
          el('tr', {}, el('td', {}, s.date ?? '—'), el('td', {}, s.description), el('td', { class: 'number' }, dollars(s.billed)), el('td', { class: 'number' }, dollars(s.planPaid)), el('td', { class: 'number' }, dollars(s.youOwe))),
        ),
      ),
    ),
    e.remarks.length ? [el('h3', {}, 'Notes from your plan'), el('ul', {}, e.remarks.map((r) => el('li', {}, r)))] : null,
    el('h3', {}, 'If you disagree'),
    el('ol', {}, e.ifYouDisagree.map((step) => el('li', {}, step))),
    el('p', { class: 'fine' }, 'This page was made from the remittance your provider received from your plan. It is not a bill.'),
  ];
}
