// The answer: what the patient pays for each service and why, the totals,
// how much of the deductible and maximum will be met afterwards, and the
// assumptions, each shown next to the numbers it affects.
//
// Every number is a string from the wasm Estimate JSON (SPEC §7) shown with
// dollars(); nothing is added up here. An assumption that names a line ("Line 8
// (“Physical therapy”): no allowed amount was given…") is shown under that
// line's explanation; the others are listed under the totals. An allowed amount
// that was estimated from the billed amount is marked "estimated" in its cell.

import { dollars, el } from '../../dom.js';
import { CATEGORIES, formCategory } from './plan-form.js';

const COLUMNS = [
  ['billed', 'Billed'],
  ['allowed', 'Allowed'],
  ['copay', 'Copay'],
  ['deductible', 'Deductible'],
  ['coinsurance', 'Coinsurance'],
  ['notCovered', 'Not covered'],
  ['balanceBill', 'Balance bill'],
  ['patientPays', 'You pay'],
  ['planPays', 'Plan pays'],
];

const COLUMN_NAMES = Object.fromEntries(COLUMNS);

/** The three shares that count toward the limits; the totals give only their sum, costSharing. */
const SHARES = ['copay', 'deductible', 'coinsurance'];

const GLOSSARY = [
  ['Billed', 'the full price the provider charges, before insurance.'],
  ['Allowed', 'the price your plan agreed to pay for the service; your costs are shares of it.'],
  ['Copay', 'a fixed amount you pay for a kind of care.'],
  ['Deductible', 'what you pay each year before your plan starts paying its share.'],
  ['Coinsurance', 'your percentage of the cost once the deductible is paid.'],
  ['Not covered', 'care your plan does not pay for; you pay all of it and it counts toward no limit.'],
  ['Balance bill', 'what an out-of-network provider may charge above the allowed price; it counts toward no limit.'],
  ['Out-of-pocket maximum', 'the most you pay in a year for covered care; then the plan pays everything.'],
];

/**
 * The results as nodes. `context`:
 *   plan              the Plan JSON that was estimated (for the limits in words)
 *   services          the services that were sent (to mark estimated allowed amounts)
 *   notes             what the bill reader noted when a file was loaded
 *   madeOn            the Date the estimate was made: a printed estimate says when, since
 *                     the amounts met change as the year goes on
 *   withoutPlan       "Explain this balance" with no plan entered: only the processed lines
 *                     were sent, so the limits in words are left out, and `waiting` says how
 *                     many services still wait for the insurance (SPEC §9.1)
 */
export function results(estimate, { plan, services, notes = [], madeOn = new Date(), withoutPlan = false, waiting = 0 }) {
  const byLine = new Map();
  const general = [];
  // Beside each assumption, the lines (from 1) it is about; one about none is general.
  for (const [i, text] of estimate.assumptions.entries()) {
    const lines = estimate.assumptionLines[i];
    if (lines.length === 0) general.push(text);
    for (const n of lines) byLine.set(n, [...(byLine.get(n) ?? []), text]);
  }
  for (const note of notes) general.push(`From the bill you loaded: ${note}`);

  const totals = estimate.totals;
  return [
    el(
      'div',
      { class: 'headline' },
      el(
        'p',
        {},
        // Processed lines alone are what the insurance decided: no "about".
        withoutPlan ? 'You owe ' : 'You pay about ',
        el('strong', { 'data-total': 'patientPays', id: 'est-you-pay' }, dollars(totals.patientPays)),
        withoutPlan ? ' for these services. Your plan paid ' : ' in all. Your plan pays ',
        el('strong', { 'data-total': 'planPays' }, dollars(totals.planPays)),
        '.',
      ),
      totals.balanceBill !== '0.00'
        ? el(
            'p',
            {},
            `That includes ${dollars(totals.balanceBill)} that out-of-network providers may bill you above the allowed price.`,
          )
        : null,
      totals.notCovered !== '0.00'
        ? el('p', {}, `That includes ${dollars(totals.notCovered)} for care your plan does not cover.`)
        : null,
    ),
    el(
      'p',
      { class: 'made-on', id: 'est-made-on' },
      'Estimate made on ',
      el('time', { datetime: isoDate(madeOn) }, madeOn.toLocaleDateString('en-US', { dateStyle: 'long' })),
      '.',
    ),
    withoutPlan ? processedNote(estimate.lines.length, waiting) : planSummary(plan),
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'estimate-table', id: 'est-lines' },
        el('caption', {}, 'Each service: what you pay and why'),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, 'Service'),
            COLUMNS.map(([key, name]) => el('th', { scope: 'col', class: `num col-${key}` }, name)),
          ),
        ),
        el(
          'tbody',
          {},
          estimate.lines.map((line, i) => lineRows(line, i + 1, services[i], byLine.get(i + 1) ?? [])),
        ),
        el(
          'tfoot',
          {},
          el(
            'tr',
            { class: 'totals' },
            el('th', { scope: 'row' }, 'Total'),
            COLUMNS.filter(([key]) => !SHARES.includes(key) || key === SHARES[0]).map(([key]) =>
              key === SHARES[0]
                ? el(
                    'td',
                    { class: 'num col-costSharing', colspan: String(SHARES.length), 'data-total': 'costSharing' },
                    el('span', { class: 'details' }, 'copay + deductible + coinsurance'),
                    dollars(totals.costSharing),
                  )
                : el(
                    'td',
                    { class: `num col-${key}`, 'data-total': key, 'data-label': COLUMN_NAMES[key] },
                    dollars(totals[key]),
                  ),
            ),
          ),
        ),
      ),
    ),
    withoutPlan ? null : afterText(estimate.after, plan),
    general.length
      ? el(
          'div',
          { class: 'assumptions' },
          el('h4', {}, 'What this estimate assumes'),
          el('ul', { id: 'est-assumptions' }, general.map((text) => el('li', {}, text))),
        )
      : null,
    el(
      'details',
      { class: 'glossary screen-only' },
      el('summary', {}, 'What the words mean'),
      el('dl', {}, GLOSSARY.map(([term, meaning]) => [el('dt', {}, term), el('dd', {}, meaning)])),
    ),
  ];
}

function lineRows(line, n, sent, notes) {
  // A processed line's allowed amount is the payer's (SPEC §9.1), never a guess from billed.
  const estimatedAllowed = sent && sent.allowed === null && sent.covered && !line.processed;
  const category = CATEGORIES.find(([key]) => key === formCategory(line.category))?.[1] ?? line.category;
  const details = [category, line.network === 'out' ? 'out of network' : null, line.code].filter(Boolean);
  return [
    el(
      'tr',
      { class: 'line', 'data-line': String(n) },
      el(
        'th',
        { scope: 'row' },
        el('span', { class: 'description' }, line.description || `Service ${n}`),
        el('span', { class: 'details' }, details.join(' · ')),
      ),
      COLUMNS.map(([key, name]) =>
        el(
          'td',
          { class: `num col-${key}`, 'data-field': key, 'data-label': name },
          dollars(line[key]),
          key === 'allowed' && estimatedAllowed ? el('span', { class: 'flag' }, 'estimated') : null,
          key === 'allowed' && line.processed ? el('span', { class: 'flag' }, 'from your plan') : null,
        ),
      ),
    ),
    el(
      'tr',
      { class: 'explanation', 'data-line': String(n) },
      el(
        'td',
        { colspan: String(COLUMNS.length + 1) },
        el('p', { class: 'why' }, line.explanation),
        (line.findings ?? []).map((finding) =>
          el('p', { class: 'finding', 'data-kind': finding.kind }, el('strong', {}, 'Check this: '), finding.message),
        ),
        notes.map((text) => el('p', { class: 'assumption' }, el('strong', {}, 'Assumed: '), text)),
      ),
    ),
  ];
}

/** What an estimate of a processed bill alone rests on, and what it leaves out. */
function processedNote(processed, waiting) {
  const lines = processed === 1 ? 'this service' : `these ${processed} services`;
  return el(
    'div',
    { class: 'processed-note', id: 'est-processed-note' },
    el('p', {}, `Your insurance already processed ${lines}: the amounts are what it decided, not an estimate.`),
    waiting > 0
      ? el(
          'p',
          {},
          `${waiting === 1 ? '1 service is' : `${waiting} services are`} still waiting for your insurance and not in this total: enter your plan above and press “Show what I will owe” to estimate ${waiting === 1 ? 'it' : 'them'}.`,
        )
      : null,
  );
}

function afterText(after, plan) {
  const tier = plan.inNetwork;
  const maximum = tier.outOfPocketMax === null;
  return el(
    'p',
    { class: 'after', id: 'est-after' },
    'After these services you will have paid ',
    el('strong', { 'data-after': 'deductibleMet' }, dollars(after.deductibleMet)),
    plan.family?.type === 'aggregate'
      ? ` toward your family’s ${limit(plan.family.deductible)} deductible`
      : ` of your ${limit(tier.deductible)} deductible`,
    maximum
      ? ' (your plan has no out-of-pocket maximum, so there is no cap on what you pay), and '
      : ' and ',
    el('strong', { 'data-after': 'outOfPocketMet' }, dollars(after.outOfPocketMet)),
    maximum ? ' toward out-of-pocket costs this year.' : ` of your ${limit(tier.outOfPocketMax)} out-of-pocket maximum this year.`,
    familyText(after, plan),
    reachedText(after),
  );
}

/** On a family plan, what the whole family will have paid toward its limits (SPEC §9.3). */
function familyText(after, plan) {
  const family = plan.family;
  if (!family || (after.familyDeductibleMet == null && after.familyOutOfPocketMet == null)) return null;
  const parts = [];
  if (after.familyDeductibleMet != null && family.deductible != null) {
    parts.push([el('strong', { 'data-after': 'familyDeductibleMet' }, dollars(after.familyDeductibleMet)), ` of its ${limit(family.deductible)} deductible`]);
  }
  if (after.familyOutOfPocketMet != null && family.outOfPocketMax != null) {
    parts.push([el('strong', { 'data-after': 'familyOutOfPocketMet' }, dollars(after.familyOutOfPocketMet)), ` of its ${limit(family.outOfPocketMax)} out-of-pocket maximum`]);
  }
  if (parts.length === 0) return null;
  return [' Your family will have paid ', parts[0], parts[1] ? [' and ', parts[1]] : null, '.'];
}

/**
 * Which family limit is met (SPEC §9.3). The patient's own is already plain
 * from "$1,500.00 of your $1,500.00 deductible"; the family's is not, and it
 * is the one that stops or lowers what the patient pays.
 */
function reachedText(after) {
  const sentences = [];
  const oop = after.outOfPocketReached === 'family';
  if (oop) {
    sentences.push('Your family’s out-of-pocket maximum is met: covered in-network care costs you nothing more this year.');
  }
  // With the out-of-pocket maximum met, the deductible no longer matters.
  if (!oop && after.deductibleReached === 'family') {
    sentences.push('Your family’s deductible is met: the plan now shares the cost.');
  }
  if (sentences.length === 0) return null;
  return [' ', el('span', { class: 'reached', id: 'est-after-reached' }, sentences.join(' '))];
}

/** The plan as entered, for the printed page (the form itself does not print). */
function planSummary(plan) {
  const tier = plan.inNetwork;
  const items = [
    `Deductible ${limit(tier.deductible)}, ${limit(tier.deductibleMet)} paid so far`,
    tier.outOfPocketMax === null
      ? 'no out-of-pocket maximum'
      : `out-of-pocket maximum ${limit(tier.outOfPocketMax)}, ${limit(tier.outOfPocketMet)} paid so far`,
    `coinsurance ${tier.coinsurance}`,
    ...Object.entries(tier.copays).map(
      ([key, c]) =>
        `${CATEGORIES.find(([k]) => k === formCategory(key))?.[1] ?? key} copay ${limit(c.amount)} ${c.beforeDeductible ? 'before' : 'after'} the deductible${c.coinsurance ? ' plus coinsurance' : ''}`,
    ),
  ];
  if (plan.outOfNetwork) {
    const oon = plan.outOfNetwork;
    items.push(
      `out of network: deductible ${limit(oon.deductible)}, coinsurance ${oon.coinsurance}, maximum ${oon.outOfPocketMax === null ? 'none' : limit(oon.outOfPocketMax)}`,
    );
  }
  return el('p', { class: 'plan-summary print-only' }, el('strong', {}, 'Your plan (in network): '), `${items.join('; ')}.`);
}

/**
 * An amount from the form in words: "1,500" or "1500" → "$1,500.00". Only plain
 * digits are reformatted (the digits are kept, never computed); anything else
 * is shown as typed, since the wasm core accepted it.
 */
function limit(text) {
  if (text === null || text === undefined) return '$0.00';
  const plain = String(text).replace(/[\s$,]/g, '');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(plain);
  if (!match) return String(text);
  return dollars(`${match[1].replace(/^0+(?=\d)/, '')}.${(match[2] ?? '').padEnd(2, '0')}`);
}

/** A Date as YYYY-MM-DD in the patient's own time zone. */
function isoDate(date) {
  const two = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}
