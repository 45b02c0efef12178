// "Look up prices in a hospital file" (SPEC §10): the patient drops the price file the
// hospital publishes (the CMS template: CSV or JSON), picks their insurance from the names in
// the file, searches a code or words, ticks rows and adds them to their services.
//
// The worker reads the file in slices (`readPrices`, never the file whole) and keeps nothing
// between requests: the first pass reads the hospital's name and the insurers, each search
// is another streamed pass that keeps only the matching rows. The page keeps the File
// object (a handle, not its bytes) and the rows on screen. The file never leaves this computer.
//
// The amount for the estimate and how it was found come from the core (`allowedForEstimate`,
// `basis`, `estimateNotes`); this module only words them for a patient.

import { dollars, el, replace } from '../../dom.js';

/** Rows shown per search; more are counted. */
const MAX_ROWS = 200;

const BASIS_WORDS = {
  negotiated_dollar: 'the price your insurer agreed with the hospital',
  median_amount: 'what the hospital was usually paid by your insurer (median)',
  estimated_amount: 'the hospital’s estimate of what your insurer pays',
  percentage_of_gross: 'your insurer’s percentage of the list price',
  maximum: 'the highest price any insurer agreed (only a range is known)',
  discounted_cash: 'the cash price',
};

const NOTE_WORDS = {
  noPaidClaims: 'The hospital had no paid claims for this in the last year or so.',
  rangeOnly: 'Only a range is known; the highest price is used to be safe.',
  percentOfThisLineOnly: 'Your insurer pays a share of the whole bill; this item’s list price stands in.',
  noAmount: 'The file has no price for this with your insurer; the estimate uses the list price.',
  cashMayBeCheaper: 'Paying cash may be cheaper.',
  drugQuantity: 'A drug’s price is for the amount shown.',
};

/** Where the insurer choice points: a payer and plan from the file, "not listed", or cash. */
const NOT_LISTED = 'not-listed';
const CASH = 'cash';

export function priceLookup(call, { onAdd }) {
  let file = null;
  let payers = [];
  let shown = [];

  const input = el('input', { type: 'file', id: 'est-price-file', accept: '.csv,.json,.txt', 'aria-describedby': 'est-price-help' });
  const progress = el('progress', { id: 'est-price-progress', max: '100', value: '0', hidden: true });
  const status = el('p', { class: 'help', id: 'est-price-status', 'aria-live': 'polite' });
  const hospital = el('p', { id: 'est-price-hospital', hidden: true });
  const payer = el('select', { id: 'est-price-payer' });
  const search = el('input', { type: 'search', id: 'est-price-search', autocomplete: 'off', 'aria-describedby': 'est-price-search-help' });
  const searchButton = el('button', { type: 'button', id: 'est-price-search-button' }, 'Search');
  const rowsBody = el('tbody', {});
  const table = el(
    'table',
    { class: 'price-rows', id: 'est-price-rows' },
    el('caption', { class: 'visually-hidden' }, 'Prices found in the hospital file'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Choose')),
        el('th', { scope: 'col' }, 'Service'),
        el('th', { scope: 'col' }, 'Price for your estimate'),
        el('th', { scope: 'col' }, 'List price'),
        el('th', { scope: 'col' }, 'Cash price'),
      ),
    ),
    rowsBody,
  );
  const more = el('p', { class: 'help', id: 'est-price-more', hidden: true });
  const addButton = el('button', { type: 'button', id: 'est-price-add', disabled: true }, 'Add to my services');
  const added = el('ul', { class: 'notes', id: 'est-price-added', hidden: true });
  const searchPart = el(
    'div',
    { class: 'price-search', hidden: true },
    el('label', { for: 'est-price-payer' }, 'Your insurance and plan'),
    payer,
    el('label', { for: 'est-price-search' }, 'Billing code or words'),
    el('div', { class: 'search-line' }, search, searchButton),
    el('p', { class: 'help', id: 'est-price-search-help' }, 'A code from your bill or your doctor (such as 70551), or words such as “MRI brain”.'),
    el('div', { class: 'table-scroll' }, table),
    more,
    el('div', { class: 'actions' }, addButton),
    added,
  );

  const node = el(
    'details',
    { class: 'price-lookup', id: 'est-prices' },
    el('summary', {}, 'Look up prices in a hospital file'),
    el(
      'p',
      { class: 'help', id: 'est-price-help' },
      'Hospitals publish their prices, including what each insurer agreed to pay, in a standard file (look for “price transparency” or “standard charges” on the hospital’s website). Choose that file here: it is read on this computer and never sent anywhere.',
    ),
    el('label', { for: 'est-price-file' }, 'Hospital price file (csv or json)'),
    input,
    progress,
    status,
    hospital,
    searchPart,
  );

  /** One streamed pass in the worker, with the progress bar. */
  async function pass(query) {
    progress.hidden = false;
    progress.value = 0;
    try {
      return await call('readPrices', [{ file, query }], {
        onProgress: (_message, percent) => {
          progress.value = percent;
        },
      });
    } finally {
      progress.hidden = true;
    }
  }

  input.addEventListener('change', async () => {
    file = input.files?.[0] ?? null;
    replace(rowsBody);
    shown = [];
    searchPart.hidden = true;
    hospital.hidden = true;
    if (!file) return;
    status.textContent = `Reading ${file.name}…`;
    let found;
    try {
      found = await pass({});
    } catch (error) {
      status.textContent = `${file.name} could not be read: ${error.message}`;
      return;
    }
    payers = found.payers;
    const h = found.hospital;
    hospital.textContent = `${h.name ?? 'This hospital'}${h.lastUpdated ? `, prices updated ${h.lastUpdated}` : ''}: ${found.rows.toLocaleString('en-US')} prices.`;
    hospital.hidden = false;
    const problems = found.findings.filter((f) => f.severity === 'error').length + found.moreFindings;
    status.textContent = problems
      ? `${file.name} is read. ${problems.toLocaleString('en-US')} of its rows do not follow the standard form; they are still searched.`
      : `${file.name} is read.`;
    replace(
      payer,
      payers.map((p, i) => el('option', { value: String(i) }, `${p.payer.replaceAll('_', ' ')} – ${p.plan.replaceAll('_', ' ')}`)),
      el('option', { value: NOT_LISTED }, 'My insurance is not in this list'),
      el('option', { value: CASH }, 'No insurance: I pay cash'),
    );
    searchPart.hidden = false;
    search.focus();
  });

  function queryFor(text) {
    const choice = payer.value;
    const words = text.trim();
    // A code is one word with a digit in it (70551, J1450, 001); anything else is words.
    const isCode = /^\S*\d\S*$/.test(words);
    const query = { maxMatches: MAX_ROWS, ...(isCode ? { code: words } : { words }) };
    if (choice === CASH || choice === NOT_LISTED) return { ...query, payer: 'cash' };
    const picked = payers[Number(choice)];
    return picked ? { ...query, payer: { named: picked.payer }, plan: picked.plan } : query;
  }

  async function runSearch() {
    if (!file || !search.value.trim()) return;
    status.textContent = `Searching ${file.name}…`;
    let found;
    try {
      found = await pass(queryFor(search.value));
    } catch (error) {
      status.textContent = `The search stopped: ${error.message}`;
      return;
    }
    shown = found.matches;
    replace(rowsBody, shown.map((m, i) => priceRow(m, i)));
    more.hidden = found.moreMatches === 0;
    more.textContent = `${found.moreMatches.toLocaleString('en-US')} more prices match; add words to narrow the search.`;
    status.textContent = shown.length
      ? `${shown.length} price${shown.length === 1 ? '' : 's'} found. Tick the ones you expect and press “Add to my services”.`
      : 'Nothing in this file matches. Try other words, or the code on your bill.';
    addButton.disabled = true;
  }

  function priceRow(m, i) {
    const choice = payer.value;
    const cash = choice === CASH;
    const notListed = choice === NOT_LISTED;
    const box = el('input', { type: 'checkbox', id: `est-price-row-${i}`, 'data-index': String(i) });
    box.addEventListener('change', () => {
      addButton.disabled = !rowsBody.querySelector('input:checked');
    });
    const code = m.code ? ` (${m.codeType ?? 'code'} ${m.code})` : '';
    const forEstimate = notListed ? null : m.allowedForEstimate;
    const notes = notListed ? [] : m.estimateNotes.map((n) => NOTE_WORDS[n]).filter(Boolean);
    const who = cash || notListed ? '' : `${(m.payer ?? '').replaceAll('_', ' ')} – ${(m.plan ?? '').replaceAll('_', ' ')}`;
    return el(
      'tr',
      {},
      el('td', {}, box),
      el(
        'td',
        {},
        el('label', { for: `est-price-row-${i}` }, `${m.description}${code}`),
        who ? el('div', { class: 'help' }, who) : null,
        m.setting ? el('div', { class: 'help' }, m.setting === 'inpatient' ? 'Hospital stay' : m.setting === 'outpatient' ? 'No overnight stay' : 'Stay or visit') : null,
        m.drugUnit ? el('div', { class: 'help' }, `For ${m.drugUnit} ${m.drugType ?? ''}`) : null,
        el('div', { class: 'source help' }, `From ${file.name}, ${m.row.startsWith('/') ? `item ${m.row}` : `row ${m.row}`}`),
        el('details', { class: 'price-details' }, el('summary', {}, 'Details'), el('p', {}, `basis: ${m.basis ?? 'none'}; methodology: ${m.methodology ?? '–'}; count: ${m.count ?? '–'}`), m.notes ? el('p', {}, m.notes) : null),
      ),
      el(
        'td',
        { class: 'amount' },
        forEstimate ? dollars(forEstimate) : '–',
        forEstimate && m.basis ? el('div', { class: 'help' }, BASIS_WORDS[m.basis] ?? '') : null,
        m.basis === 'maximum' && m.min ? el('div', { class: 'help' }, `Range ${dollars(m.min)} to ${dollars(m.max)}`) : null,
        notes.map((n) => el('div', { class: 'help' }, n)),
      ),
      el('td', { class: 'amount' }, m.gross ? dollars(m.gross) : '–'),
      el('td', { class: 'amount' }, m.discountedCash ? dollars(m.discountedCash) : '–'),
    );
  }

  addButton.addEventListener('click', () => {
    const choice = payer.value;
    const boxes = [...rowsBody.querySelectorAll('input:checked')];
    const services = [];
    for (const box of boxes) {
      const m = shown[Number(box.dataset.index)];
      const inNetwork = choice !== NOT_LISTED;
      const billed = m.gross ?? m.discountedCash ?? m.allowedForEstimate ?? null;
      services.push({
        description: m.description,
        code: m.code ?? null,
        billed,
        allowed: inNetwork ? (m.allowedForEstimate ?? null) : null,
        network: inNetwork ? 'in' : 'out',
      });
      added.append(el('li', {}, `Added “${m.description}” from ${file.name}, ${m.row.startsWith('/') ? `item ${m.row}` : `row ${m.row}`}.`));
      box.checked = false;
    }
    added.hidden = services.length === 0 && !added.childElementCount;
    addButton.disabled = true;
    if (services.length) onAdd(services);
  });

  searchButton.addEventListener('click', runSearch);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault(); // the lookup sits inside the estimate form: Enter searches, not submits
      runSearch();
    }
  });

  return { node };
}
