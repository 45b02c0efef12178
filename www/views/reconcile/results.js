// The answer of a reconciliation: summary cards, the status breakdown, the
// aging chart, the lines (filtered, sorted and paged in the worker), the
// worklist, unmatched payments, rejected rows, and the exports. Every value
// from a file goes in as text (dom.js).

import { dollars, download, el, percent, svg } from '../../dom.js';
import { patientAccounts } from './patient.js';
import { pagedTable } from './table.js';
import { worklistSection } from './worklist.js';

/** The statuses to show, as the core names them: "rejected" only when acknowledgments rejected something. */
const shownStatuses = (overview) =>
  overview.statuses.filter(({ key }) => key !== 'rejected' || overview.summary.byStatus.rejected);

const MATCHED_BY = {
  'claim+line': 'claim number and line',
  'claim+code': 'claim number and procedure code',
  claim: 'claim number',
  'patient+date+code': 'patient, date of service and procedure code',
  none: 'nothing (one file)',
};

const text = (value) => (value === null || value === undefined ? '—' : String(value));
const count = (n) => n.toLocaleString('en-US');
const plural = (n, word) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/**
 * Builds the results of session `session` (a number the worker knows) whose
 * overview is `overview` (Session.summary()). Returns the section element.
 */
export function results({ session, overview, app, fileName, workspace, run }) {
  const { summary } = overview;
  const ask = (method, ...args) => app.call('session', [session, method, ...args]);
  ask.withProgress = (onProgress, method, ...args) => app.call('session', [session, method, ...args], { onProgress });
  const heading = el('h2', { id: 'results-heading', tabindex: -1 }, 'Results');
  const patients = patientAccounts({ ask, app });
  const tables = [];
  const worklist = worklistSection({ overview, ask, app, workspace, run, tables });

  const section = el(
    'section',
    { id: 'results', 'aria-labelledby': 'results-heading' },
    heading,
    sectionNav(overview),
    warnings(summary),
    el('p', { class: 'result-facts' }, facts(summary)),
    exports(ask, summary, app, fileName),
    el(
      'section',
      { id: 'summary', 'aria-labelledby': 'summary-heading' },
      el('h3', { id: 'summary-heading', class: 'visually-hidden', tabindex: -1 }, 'Summary'),
      cards(summary),
      funnel(summary),
      el('div', { class: 'two-up' }, statusBreakdown(summary, shownStatuses(overview)), agingChart(summary)),
    ),
    worklist.node,
    patients.node,
    linesSection(overview, ask, app, tables, patients),
    listSection({
      id: 'unmatched',
      title: `Payments that match no charge (${count(overview.unmatchedPayments)})`,
      columns: [
        { label: 'File', cell: (u) => u.file },
        { label: 'Row', numeric: true, cell: (u) => text(u.row) },
        { label: 'Claim', cell: (u) => text(u.claimId) },
        { label: 'Patient', cell: (u) => text(u.patient) },
        { label: 'Date of service', cell: (u) => text(u.serviceDate) },
        { label: 'Code', cell: (u) => text(u.code) },
        { label: 'Payer', cell: (u) => text(u.payer) },
        { label: 'Paid', numeric: true, cell: (u) => dollars(u.paid) },
        { label: 'Why it matched nothing', cell: (u) => u.note },
      ],
      load: (page) => ask('unmatchedPayments', page),
      empty: 'Every payment matched a charge.',
      tables,
    }),
    listSection({
      id: 'rejected',
      title: `Rows that could not be read (${count(overview.rejected)})`,
      columns: [
        { label: 'File', cell: (r) => r.file },
        { label: 'Row', numeric: true, cell: (r) => text(r.row) },
        { label: 'Column', cell: (r) => text(r.column) },
        { label: 'Value', cell: (r) => text(r.value) },
        { label: 'Reason', cell: (r) => r.reason },
      ],
      load: (page) => ask('rejected', page),
      empty: 'Every row was read.',
      tables,
    }),
    overview.duplicates
      ? listSection({
          id: 'duplicates',
          title: `Payments posted twice, counted once (${count(overview.duplicates)})`,
          columns: [
            { label: 'File', cell: (d) => d.file },
            { label: 'Row', numeric: true, cell: (d) => text(d.row) },
            { label: 'Same as', cell: (d) => (d.repeatsFile === d.file ? `row ${d.repeats}` : `${d.repeatsFile} row ${d.repeats}`) },
            { label: 'Paid', numeric: true, cell: (d) => dollars(d.paid) },
          ],
          load: (page) => ask('duplicates', page),
          tables,
        })
      : null,
    overview.providerAdjustments.length ? providerAdjustments(overview.providerAdjustments) : null,
    el('div', { id: 'report-findings' }, notes(summary, overview)),
    overview.remittanceFindings
      ? listSection({
          id: 'findings',
          title: `Remittance files that do not add up (${count(overview.remittanceFindings)})`,
          columns: [
            { label: 'File', cell: (f) => f.file },
            { label: 'Where', cell: (f) => f.location },
            { label: 'Severity', cell: (f) => f.severity },
            { label: 'Finding', cell: (f) => f.message },
          ],
          load: (page) => ask('remittanceFindings', page),
          tables,
        })
      : null,
  );
  return {
    section,
    heading,
    loaded: Promise.all([...tables.map((t) => t.refresh()), worklist.compareAndSave()]),
  };
}

/**
 * Links to each part of the results, so that none is buried under another:
 * each moves the focus to its section's heading (no change to the address).
 */
function sectionNav(overview) {
  const parts = [
    ['summary-heading', 'Summary'],
    ['worklist-heading', `Worklist (${count(overview.worklist)})`],
    ['lines-heading', `Lines (${count(overview.lines)})`],
    ['unmatched-heading', `Unmatched (${count(overview.unmatchedPayments)})`],
    ['rejected-heading', `Rejected (${count(overview.rejected)})`],
    ['notes-heading', 'Findings'],
  ];
  return el(
    'nav',
    { class: 'result-nav', 'aria-label': 'Parts of the results' },
    el(
      'ul',
      {},
      parts.map(([target, label]) =>
        el(
          'li',
          {},
          el(
            'a',
            {
              href: `#${target}`,
              on: {
                click: (event) => {
                  event.preventDefault();
                  const heading = document.getElementById(target);
                  if (!heading) return;
                  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
                  heading.scrollIntoView({ block: 'start' });
                  heading.focus({ preventScroll: true });
                },
              },
            },
            label,
          ),
        ),
      ),
    ),
  );
}

/**
 * What the person must check before trusting the figures (the report's
 * warnings): first thing under the heading, announced, and not only by colour.
 */
function warnings(summary) {
  const list = summary.warnings ?? [];
  if (!list.length) return null;
  return el(
    'section',
    { class: 'warnings', id: 'report-warnings', role: 'alert', 'aria-labelledby': 'warnings-heading' },
    el('h3', { id: 'warnings-heading' }, list.length === 1 ? 'Check this before using the figures' : `Check these ${list.length} things before using the figures`),
    el('ul', {}, list.map((w) => el('li', {}, w))),
  );
}

function facts(summary) {
  const { rows } = summary;
  const how =
    summary.mode === 'single'
      ? 'one file (each row carries what was billed and what came back)'
      : `payments matched to charges by ${MATCHED_BY[summary.matchedBy] ?? summary.matchedBy}`;
  return [
    `As of ${summary.asOf}; ${how}. `,
    `Read ${plural(rows.charges, 'charge row')}`,
    summary.mode === 'matched' ? `, ${plural(rows.payments, 'payment row')}` : '',
    `; ${count(rows.blank)} blank, ${count(rows.skipped)} skipped (totals, page and group rows), ${count(rows.rejected)} rejected.`,
  ].join('');
}

function exports(ask, summary, app, fileName) {
  const base = `${fileName}-reconciled-${summary.asOf}`;
  // `part` names a file of one table (the worklist) besides the whole report's.
  const make = (label, method, extension, type, part = '') =>
    el(
      'button',
      {
        type: 'button',
        id: `export-${part ? `${part}-` : ''}${extension}`,
        on: {
          click: async () => {
            app.announce(`Making the ${extension} file…`);
            const name = `${base}${part ? `-${part}` : ''}.${extension}`;
            // A big report takes seconds: each step shows in the status line as it starts.
            const onProgress = (message, percent) => app.announce(`Making the ${extension} file: ${message.toLowerCase()} (${percent}%)…`);
            try {
              const data = await ask.withProgress(onProgress, method);
              download(data, name, type);
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
    { class: 'exports', role: 'group', 'aria-label': 'Download the results' },
    make('Download xlsx', 'exportXlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    make('Download csv (lines)', 'exportCsv', 'csv', 'text/csv'),
    make('Download csv (worklist)', 'exportWorklistCsv', 'csv', 'text/csv', 'worklist'),
    make('Download json', 'exportJson', 'json', 'application/json'),
    el('span', { class: 'hint' }, 'Made here in your browser; nothing is uploaded.'),
  );
}

function cards(summary) {
  const { totals, kpis } = summary;
  const card = (key, label, value, detail) =>
    el(
      'div',
      { class: 'card' },
      el('dt', {}, label),
      el('dd', { dataset: { figure: key } }, value),
      detail ? el('dd', { class: 'detail' }, detail) : null,
    );
  return el(
    'dl',
    { class: 'cards', 'aria-label': 'Summary' },
    card('billed', 'Billed', dollars(totals.billed)),
    card(
      'insurancePaid',
      'Insurance paid',
      dollars(totals.insurancePaid),
      totals.unmatchedPaid !== '0.00' ? `plus ${dollars(totals.unmatchedPaid)} that matches no charge` : null,
    ),
    card('contractualAdjustment', 'Contractual adjustments', dollars(totals.contractualAdjustment)),
    card('otherAdjustment', 'Other adjustments', dollars(totals.otherAdjustment)),
    card('patientResponsibility', 'Patient responsibility', dollars(totals.patientResponsibility)),
    card(
      'patientPaid',
      'Patient paid',
      dollars(totals.patientPaid),
      totals.patientBalance && totals.patientBalance !== '0.00'
        ? `patients still owe ${dollars(totals.patientBalance)} of their share`
        : 'payments from patients',
    ),
    card('openAR', 'Open A/R', dollars(totals.openAR), 'at stake on unpaid, denied, underpaid and partial lines: the aging total'),
    card(
      'balance',
      'Insurance balance',
      dollars(totals.balance),
      'billed less insurance paid, adjustments and patient responsibility',
    ),
    card(
      'grossCollectionRate',
      'Gross collection rate',
      percent(kpis.grossCollectionRate),
      '(insurance + patient payments) ÷ billed',
    ),
    card(
      'netCollectionRate',
      'Net collection rate',
      percent(kpis.netCollectionRate),
      '(insurance + patient payments) ÷ (billed − contractual); patient payments count only when a patient-paid column or patient rows are given',
    ),
    card(
      'denialRateByAmount',
      'Denial rate',
      percent(kpis.denialRateByAmount),
      `denied billed ÷ billed of lines the payer answered; ${percent(kpis.denialRateByCount)} of those lines`,
    ),
    card('daysInAR', 'Days in A/R', kpis.daysInAR ?? '—', 'open A/R ÷ billed per day of the service-date span'),
    totals.providerAdjustments && totals.providerAdjustments !== '0.00'
      ? card('providerAdjustments', 'Provider adjustments', dollars(totals.providerAdjustments), 'from 835 PLB segments')
      : null,
  );
}

/** The claims' way from sent to paid, when the charges were an 837 file (SPEC §11). */
function funnel(summary) {
  const f = summary.funnel;
  if (!f) return null;
  const step = (key, label, n, detail) =>
    el('div', { class: 'card' }, el('dt', {}, label), el('dd', { dataset: { funnel: key } }, count(n)), el('dd', { class: 'detail' }, detail));
  return el(
    'dl',
    { class: 'cards funnel', 'aria-label': 'Claims from sent to paid' },
    step('submitted', 'Claims sent', f.submitted, 'in the claim files, after replacements and voids'),
    step('rejected', 'Rejected', f.rejected, 'turned back before the payer looked at them: correct and resubmit; the filing clock still runs'),
    step('accepted', 'Accepted', f.accepted, 'taken in for processing'),
    step('paid', 'Paid', f.paid, 'the payer paid at least part of them'),
    step('denied', 'Denied', f.denied, 'the payer paid none of their lines'),
    step('noAnswer', 'No answer yet', f.noAnswer, 'no remittance yet: check the claim status with the payer'),
  );
}

function statusBreakdown(summary, statuses) {
  return el(
    'section',
    { class: 'panel' },
    el('h3', { id: 'status-heading' }, 'Lines by status'),
    el(
      'table',
      { id: 'status-table', class: 'report-table compact' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'Status'),
          el('th', { scope: 'col', class: 'number' }, 'Lines'),
          el('th', { scope: 'col', class: 'number' }, 'Billed'),
          el('th', { scope: 'col', class: 'number' }, 'At stake'),
        ),
      ),
      el(
        'tbody',
        {},
        statuses.map(({ key, label, meaning }) => {
          const s = summary.byStatus[key] ?? { count: 0, billed: '0.00', atStake: '0.00' };
          return el(
            'tr',
            { dataset: { status: key } },
            el('th', { scope: 'row' }, el('span', { class: `badge status-${key}` }, label), ' ', el('span', { class: 'hint' }, meaning)),
            el('td', { class: 'number' }, count(s.count)),
            el('td', { class: 'number' }, dollars(s.billed)),
            el('td', { class: 'number' }, dollars(s.atStake)),
          );
        }),
      ),
    ),
  );
}

/** A bar per aging bucket, with the amount and the number of lines written on it. */
function agingChart(summary) {
  const width = 480;
  const height = 240;
  const top = 28;
  const bottom = 44;
  const rows = summary.aging;
  // Cents as numbers only to size the bars; the labels are the core's strings.
  const cents = rows.map((r) => Math.abs(Math.round(Number(r.amount) * 100)));
  const max = Math.max(1, ...cents);
  const slot = width / Math.max(1, rows.length);
  const barWidth = slot * 0.62;
  const describe = rows.map((r) => `${r.bucket} days: ${dollars(r.amount)} in ${plural(r.count, 'line')}`).join('; ');
  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: 'aging-chart',
      role: 'img',
      'aria-labelledby': 'aging-title aging-desc',
    },
    svg('title', { id: 'aging-title' }, 'Open money by age'),
    svg('desc', { id: 'aging-desc' }, describe),
    rows.map((r, i) => {
      const barHeight = ((height - top - bottom) * cents[i]) / max;
      const x = i * slot + (slot - barWidth) / 2;
      const y = height - bottom - barHeight;
      return svg(
        'g',
        { class: 'bar', 'data-bucket': r.bucket },
        svg('rect', { x, y, width: barWidth, height: Math.max(barHeight, 1), rx: 2 }),
        svg('text', { x: x + barWidth / 2, y: y - 8, 'text-anchor': 'middle', class: 'amount' }, dollars(r.amount)),
        svg('text', { x: x + barWidth / 2, y: height - bottom + 18, 'text-anchor': 'middle', class: 'bucket' }, `${r.bucket} days`),
        svg('text', { x: x + barWidth / 2, y: height - bottom + 36, 'text-anchor': 'middle', class: 'count' }, plural(r.count, 'line')),
      );
    }),
  );
  return el(
    'section',
    { class: 'panel' },
    el('h3', { id: 'aging-heading' }, 'Aging of open money'),
    chart,
    el(
      'p',
      { class: 'hint', id: 'aging-total' },
      'The buckets add up to the open A/R, ',
      el('span', { dataset: { figure: 'agingTotal' } }, dollars(summary.totals.openAR)),
      '.',
    ),
  );
}

function notes(summary, overview) {
  const reasonRows = summary.reasonCodes;
  return el(
    'div',
    { class: 'two-up' },
    el(
      'section',
      { class: 'panel' },
      el('h3', { id: 'notes-heading' }, 'Notes'),
      summary.notes.length
        ? el('ul', { class: 'notes', id: 'report-notes' }, summary.notes.map((n) => el('li', {}, n)))
        : el('p', {}, 'Nothing unusual.'),
      overview.remittanceFindings
        ? el('p', {}, `The remittance files have ${plural(overview.remittanceFindings, 'finding')}: see below.`)
        : null,
    ),
    el(
      'section',
      { class: 'panel' },
      el('h3', { id: 'reasons-heading' }, 'Reason codes'),
      reasonRows.length
        ? el(
            'div',
            { class: 'scroll short', role: 'region', 'aria-label': 'Reason codes', tabindex: 0 },
            el(
              'table',
              { class: 'report-table compact' },
              el(
                'thead',
                {},
                el(
                  'tr',
                  {},
                  el('th', { scope: 'col' }, 'Code'),
                  el('th', { scope: 'col' }, 'Meaning'),
                  el('th', { scope: 'col', class: 'number' }, 'Times'),
                  el('th', { scope: 'col', class: 'number' }, 'Amount'),
                ),
              ),
              el(
                'tbody',
                {},
                reasonRows.map((r) =>
                  el(
                    'tr',
                    {},
                    el('th', { scope: 'row', class: 'code' }, r.code),
                    el('td', {}, r.meaning),
                    el('td', { class: 'number' }, count(r.count)),
                    el('td', { class: 'number' }, dollars(r.amount)),
                  ),
                ),
              ),
            ),
          )
        : el('p', {}, 'No reason codes in the remittance.'),
    ),
  );
}

/** The lines: filters (status, payer, text), sortable columns, pages of 100. */
function linesSection(overview, ask, app, tables, patients) {
  const filters = { statuses: [], payer: '', search: '' };
  const statusBoxes = shownStatuses(overview).map(({ key, label }) => {
    const n = overview.summary.byStatus[key]?.count ?? 0;
    const box = el('input', { type: 'checkbox', id: `filter-${key}`, value: key });
    box.addEventListener('change', () => {
      filters.statuses = statusBoxes.filter((b) => b.checked).map((b) => b.value);
      lines.refresh();
    });
    box.labelNode = el('label', { for: `filter-${key}` }, box, ` ${label} (${count(n)})`);
    return box;
  });
  const payer = el(
    'select',
    { id: 'filter-payer' },
    el('option', { value: '' }, 'All payers'),
    overview.payers.map((p) => el('option', { value: p }, p)),
  );
  payer.addEventListener('change', () => {
    filters.payer = payer.value;
    lines.refresh();
  });
  const search = el('input', {
    type: 'search',
    id: 'filter-search',
    'aria-describedby': 'filter-search-hint',
    autocomplete: 'off',
  });
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      filters.search = search.value;
      lines.refresh();
    }, 200);
  });

  const lines = pagedTable({
    id: 'lines-table',
    label: 'Lines',
    columns: [
      { label: 'Claim', sort: 'claimId', cell: (l) => text(l.claimId) },
      { label: 'Line', optional: true, cell: (l) => text(l.line) },
      {
        label: 'Patient',
        sort: 'patient',
        cell: (l) =>
          l.patient
            ? el(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `${l.patient}: open this patient's account`,
                  on: { click: () => patients.openLine(l.index, l.patient) },
                },
                l.patient,
              )
            : '—',
      },
      { label: 'Date of service', sort: 'serviceDate', cell: (l) => text(l.serviceDate) },
      { label: 'Code', sort: 'code', cell: (l) => text(l.code) },
      { label: 'Payer', sort: 'payer', cell: (l) => text(l.payer) },
      { label: 'Billed', sort: 'billed', numeric: true, cell: (l) => dollars(l.billed) },
      { label: 'Expected', numeric: true, optional: true, cell: (l) => dollars(l.expected) },
      { label: 'Insurance paid', sort: 'insurancePaid', numeric: true, cell: (l) => dollars(l.insurancePaid) },
      { label: 'Patient resp.', numeric: true, optional: true, cell: (l) => dollars(l.patientResponsibility) },
      { label: 'Balance', sort: 'balance', numeric: true, cell: (l) => dollars(l.balance) },
      { label: 'At stake', sort: 'atStake', numeric: true, cell: (l) => dollars(l.atStake) },
      {
        label: 'Status',
        sort: 'status',
        cell: (l) => el('span', { class: `badge status-${l.status}` }, l.status),
      },
      { label: 'Age (days)', sort: 'age', numeric: true, cell: (l) => text(l.ageDays) },
      { label: 'Reason codes', optional: true, cell: (l) => l.reasonCodes.join(', ') || '—' },
      { label: 'Rows', optional: true, cell: (l) => rowsText(l) },
    ],
    load: (page) => {
      const query = { ...page, statuses: filters.statuses };
      if (filters.payer) query.payer = filters.payer;
      if (filters.search.trim()) query.search = filters.search;
      return ask('lines', query);
    },
    empty: 'No line matches these filters.',
  });
  tables.push(lines);

  return el(
    'section',
    { id: 'lines' },
    el('h3', { id: 'lines-heading' }, `Lines (${count(overview.lines)})`),
    el(
      'p',
      { class: 'hint' },
      'Sort with the column headings. A patient’s name opens their account: what they owe and why.',
    ),
    el(
      'div',
      { class: 'filters' },
      el(
        'fieldset',
        {},
        el('legend', {}, 'Status'),
        statusBoxes.map((b) => b.labelNode),
      ),
      el('p', {}, el('label', { for: 'filter-payer' }, 'Payer'), payer),
      el(
        'p',
        {},
        el('label', { for: 'filter-search' }, 'Search'),
        search,
        el('span', { id: 'filter-search-hint', class: 'hint' }, 'claim, patient, code, payer or reason code'),
      ),
    ),
    lines.node,
  );
}

function rowsText(line) {
  const charges = line.chargeRows.length ? `charges ${line.chargeRows.join(', ')}` : '';
  const payments = line.paymentRows.length ? `payments ${line.paymentRows.join(', ')}` : '';
  return [charges, payments].filter(Boolean).join('; ') || '—';
}

function listSection({ id, title, columns, load, empty, tables }) {
  const table = pagedTable({ id: `${id}-table`, label: title, columns, load, empty });
  tables.push(table);
  return el(
    'section',
    { id },
    el('h3', { id: `${id}-heading` }, title),
    table.node,
  );
}

function providerAdjustments(items) {
  return el(
    'section',
    { id: 'provider-adjustments' },
    el('h3', { id: 'plb-heading' }, `Provider adjustments from the remittance (${count(items.length)})`),
    el('p', { class: 'hint' }, 'They belong to no claim: positive amounts reduced the payment, negative ones added to it.'),
    el(
      'div',
      { class: 'scroll', role: 'region', 'aria-label': 'Provider adjustments', tabindex: 0 },
      el(
        'table',
        { class: 'report-table' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ['File', 'Payer', 'Provider', 'Period end', 'Reason', 'Reference'].map((h) => el('th', { scope: 'col' }, h)),
            el('th', { scope: 'col', class: 'number' }, 'Amount'),
          ),
        ),
        el(
          'tbody',
          {},
          items.map((a) =>
            el(
              'tr',
              {},
              el('td', {}, a.file),
              el('td', {}, a.payer),
              el('td', {}, a.providerId),
              el('td', {}, text(a.fiscalPeriodEnd)),
              el('td', {}, `${a.reason}: ${a.meaning}`),
              el('td', {}, text(a.reference)),
              el('td', { class: 'number' }, dollars(a.amount)),
            ),
          ),
        ),
      ),
    ),
  );
}
