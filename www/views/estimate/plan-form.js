// The plan part of the estimate form: what a patient reads off their plan
// summary, in their words, turned into the Plan JSON of SPEC §7 and back.
//
// Amounts go into the Plan JSON exactly as typed ("$1,500", "1500.00"); the
// wasm core parses them and names the field when one cannot be read. The form
// only decides what a blank means:
//   - a blank deductible, amount met or copay is $0 / no copay (the help says so);
//   - a blank out-of-pocket maximum is a mistake unless "No limit" is ticked,
//     because guessing "no limit" would hide the most important number;
//   - coinsurance is typed as a percentage (20) and sent as "20%";
//   - family limits left blank mean the plan has no such family limit.

import { el } from '../../dom.js';
import { FieldError, describe, field, moneyInput, percentText } from './fields.js';

/**
 * The service categories of SPEC §5 and §9.3 in plain words, as a Summary of Benefits and
 * Coverage lists them: [key, name, example]. Version 1's `imaging` is shown as advanced
 * imaging (an SBC's "Imaging (CT/PET scans, MRIs)"); x-rays are diagnostic tests.
 */
export const CATEGORIES = [
  ['office', 'Office visit', 'a visit to your regular doctor'],
  ['specialist', 'Specialist visit', 'a visit to a specialist, such as a cardiologist'],
  ['urgent_care', 'Urgent care', 'a walk-in urgent care clinic'],
  ['emergency', 'Emergency room', 'the emergency room of a hospital'],
  ['imaging_advanced', 'Imaging (CT, MRI, PET)', 'CT, MRI and PET scans'],
  ['diagnostic_test', 'Diagnostic tests', 'x-rays, ultrasound and other tests'],
  ['lab', 'Lab tests', 'blood tests and other lab work'],
  ['preventive', 'Preventive care', 'check-ups, screenings and vaccines'],
  ['hospital', 'Hospital stay', 'a stay in the hospital'],
  ['surgery', 'Surgery', 'an operation, in a hospital or a surgery center'],
  ['mental_health', 'Mental health', 'therapy, counseling and other mental or behavioral health care'],
  ['maternity', 'Pregnancy and childbirth', 'prenatal visits and the delivery'],
  ['rehab', 'Rehabilitation', 'physical, occupational and speech therapy'],
  ['equipment', 'Medical equipment', 'such as crutches, a wheelchair or a CPAP machine'],
  ['ambulance', 'Ambulance', 'a ride in an ambulance'],
  ['drug_generic', 'Generic drugs', 'generic prescription drugs'],
  ['drug_preferred', 'Preferred brand drugs', 'brand-name drugs on your plan’s preferred list'],
  ['drug_brand', 'Other brand-name drugs', 'brand-name drugs not on the preferred list'],
  ['drug_specialty', 'Specialty drugs', 'costly drugs for conditions such as cancer or MS'],
  ['other', 'Other care', 'anything else'],
];

/** A category key as the form shows it: version 1's `imaging` is advanced imaging. */
export function formCategory(key) {
  return key === 'imaging' ? 'imaging_advanced' : key;
}

const TIER_NAMES = { inNetwork: 'in network', outOfNetwork: 'out of network' };

/** The whole plan section. Returns { node, read(), fill(plan), control(path) }. */
export function planForm() {
  const inNetwork = tierFields('inNetwork', 'est-in', { copaysOpen: true });
  const outOfNetwork = tierFields('outOfNetwork', 'est-oon', { copaysOpen: false });
  const family = familyFields();

  const oonToggle = el('input', { type: 'checkbox', id: 'est-oon-enabled' });
  const familyToggle = el('input', { type: 'checkbox', id: 'est-family-enabled' });
  const oonBox = el('div', { class: 'optional', id: 'est-oon-fields', hidden: true }, outOfNetwork.node);
  const familyBox = el('div', { class: 'optional', id: 'est-family-fields', hidden: true }, family.node);
  const sync = () => {
    oonBox.hidden = !oonToggle.checked;
    familyBox.hidden = !familyToggle.checked;
  };
  oonToggle.addEventListener('change', sync);
  familyToggle.addEventListener('change', sync);

  const node = el(
    'div',
    { class: 'plan-form' },
    el(
      'fieldset',
      { class: 'tier' },
      el('legend', {}, 'Care in your plan’s network'),
      inNetwork.node,
    ),
    el(
      'div',
      { class: 'toggle' },
      oonToggle,
      el('label', { for: 'est-oon-enabled' }, 'My plan also pays for care out of network'),
      el(
        'p',
        { class: 'help', id: 'est-oon-enabled-help' },
        'Tick this if your plan (often a PPO) has a separate deductible and maximum for providers outside its network.',
      ),
    ),
    oonBox,
    el(
      'div',
      { class: 'toggle' },
      familyToggle,
      el('label', { for: 'est-family-enabled' }, 'I am on a family plan with family limits'),
      el(
        'p',
        { class: 'help', id: 'est-family-enabled-help' },
        'Tick this if your plan also has a deductible or maximum for the whole family together.',
      ),
    ),
    familyBox,
  );
  describe(oonToggle, 'est-oon-enabled-help');
  describe(familyToggle, 'est-family-enabled-help');

  const controls = new Map([...inNetwork.controls, ...outOfNetwork.controls, ...family.controls]);

  return {
    node,
    /** The Plan JSON, or a FieldError for a field the form itself finds missing. */
    read() {
      return {
        inNetwork: inNetwork.read(),
        outOfNetwork: oonToggle.checked ? outOfNetwork.read() : null,
        family: familyToggle.checked ? family.read() : null,
      };
    },
    /** Puts a Plan JSON (a saved plan or a share link) into the form. */
    fill(plan) {
      inNetwork.fill(plan?.inNetwork ?? {});
      oonToggle.checked = Boolean(plan?.outOfNetwork);
      outOfNetwork.fill(plan?.outOfNetwork ?? {});
      familyToggle.checked = Boolean(plan?.family);
      family.fill(plan?.family ?? {});
      sync();
    },
    /** The control for a Plan JSON path such as "inNetwork.copays.office.amount". */
    control(path) {
      return controls.get(path) ?? null;
    },
  };
}

/**
 * One tier's fields (in or out of network): the limits, then the copays.
 * Returns { node, controls, read(), fill(tier) }, `controls` keyed by Plan JSON path.
 */
function tierFields(key, prefix, { copaysOpen }) {
  const limits = limitFields(prefix, key === 'inNetwork' ? '' : ' out of network');
  const copays = copayFields(prefix, TIER_NAMES[key], copaysOpen);
  const parts = { inputs: limits.inputs, noLimit: limits.noLimit, copays: copays.copays };
  return {
    node: el('div', {}, limits.node, copays.node),
    controls: tierControls(key, parts),
    read: () => readTier(parts),
    fill: (tier) => fillTier(tier, parts),
  };
}

/**
 * The grid of a tier's limits: deductible, out-of-pocket maximum, coinsurance and
 * a separate drug deductible. `ourHelp` names the tier in the help (" out of network").
 * Returns { node, inputs, noLimit }.
 */
function limitFields(prefix, ourHelp) {
  const inputs = {
    deductible: moneyInput(),
    deductibleMet: moneyInput(),
    outOfPocketMax: moneyInput(),
    outOfPocketMet: moneyInput(),
    coinsurance: el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'percent' }),
    drugDeductible: moneyInput(),
    drugDeductibleMet: moneyInput(),
  };
  const noLimit = el('input', { type: 'checkbox', id: `${prefix}-no-limit` });
  noLimit.addEventListener('change', () => {
    inputs.outOfPocketMax.disabled = noLimit.checked;
  });
  const node = el(
    'div',
    { class: 'field-grid' },
    deductibleFields(prefix, inputs, ourHelp),
    outOfPocketFields(prefix, inputs, noLimit, ourHelp),
    field({
      id: `${prefix}-coinsurance`,
      label: 'Coinsurance (%)',
      help: 'Your share of the cost after the deductible, as a percentage: 20 means you pay 20% and the plan 80%.',
      input: inputs.coinsurance,
    }),
    drugDeductibleFields(prefix, inputs),
  );
  return { node, inputs, noLimit };
}

function deductibleFields(prefix, inputs, ourHelp) {
  return [
    field({
      id: `${prefix}-deductible`,
      label: 'Deductible',
      help: `The amount you pay each year${ourHelp} before your plan starts paying. Leave blank if there is none.`,
      input: inputs.deductible,
    }),
    field({
      id: `${prefix}-deductible-met`,
      label: 'Deductible paid so far this year',
      help: 'How much of the deductible you have already paid; your plan’s website or last statement shows it.',
      input: inputs.deductibleMet,
    }),
  ];
}

function outOfPocketFields(prefix, inputs, noLimit, ourHelp) {
  return [
    field({
      id: `${prefix}-oop-max`,
      label: 'Out-of-pocket maximum',
      help: `The most you pay in a year${ourHelp} for covered care; after that your plan pays everything.`,
      input: inputs.outOfPocketMax,
      extra: el(
        'span',
        { class: 'inline-check' },
        noLimit,
        el('label', { for: `${prefix}-no-limit` }, 'No limit (as in Original Medicare)'),
      ),
    }),
    field({
      id: `${prefix}-oop-met`,
      label: 'Out-of-pocket paid so far this year',
      help: 'Everything you have paid toward that maximum this year: deductible, copays and coinsurance.',
      input: inputs.outOfPocketMet,
    }),
  ];
}

function drugDeductibleFields(prefix, inputs) {
  return [
    field({
      id: `${prefix}-drug-deductible`,
      label: 'Drug deductible (if separate)',
      help: 'Only if your plan lists a separate deductible for prescription drugs; drugs then count toward it instead. Leave blank if not.',
      input: inputs.drugDeductible,
    }),
    field({
      id: `${prefix}-drug-deductible-met`,
      label: 'Drug deductible paid so far',
      help: 'How much of that drug deductible you have already paid this year.',
      input: inputs.drugDeductibleMet,
    }),
  ];
}

/**
 * A tier's copays, one row per category, in a <details>. Returns { node, copays }:
 * `copays` maps a category to its { amount, timing, coinsurance } controls.
 */
function copayFields(prefix, tierName, copaysOpen) {
  const copays = new Map();
  const helpIds = {
    amount: `${prefix}-copay-amount-help`,
    timing: `${prefix}-copay-timing-help`,
    coinsurance: `${prefix}-copay-coinsurance-help`,
  };
  const rows = CATEGORIES.map(([category, name, example]) => {
    const copay = copayControls(prefix, category, name, helpIds);
    copays.set(category, copay);
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, name, el('span', { class: 'example' }, example)),
      el('td', { 'data-label': 'Copay' }, copay.amount),
      el('td', { 'data-label': 'When' }, copay.timing),
      el('td', { class: 'check', 'data-label': 'Plus coinsurance' }, copay.coinsurance),
    );
  });
  const node = el(
    'details',
    { class: 'copays', open: copaysOpen, id: `${prefix}-copays` },
    el('summary', {}, `Copays ${tierName}`),
    el(
      'ul',
      { class: 'help-list' },
      el('li', { id: helpIds.amount }, 'Copay: a fixed amount you pay for a kind of care, like $30 for a doctor visit. Leave blank if there is none.'),
      el('li', { id: helpIds.timing }, 'Before the deductible: you pay just the copay even if your deductible is not met. After: you pay toward the deductible first, then the copay.'),
      el('li', { id: helpIds.coinsurance }, 'Plus coinsurance: tick it if your plan charges your coinsurance share as well as the copay.'),
    ),
    copayTable(tierName, rows),
  );
  return { node, copays };
}

/** One category's copay: the amount, before or after the deductible, plus coinsurance or not. */
function copayControls(prefix, category, name, helpIds) {
  const amount = moneyInput({ id: `${prefix}-copay-${category}`, 'aria-label': `${name} copay`, class: 'copay' });
  const timing = el(
    'select',
    { id: `${prefix}-copay-${category}-timing`, 'aria-label': `${name}: copay before or after the deductible` },
    el('option', { value: 'before' }, 'Before the deductible'),
    el('option', { value: 'after' }, 'After the deductible'),
  );
  const coinsurance = el('input', {
    type: 'checkbox',
    id: `${prefix}-copay-${category}-coinsurance`,
    'aria-label': `${name}: coinsurance as well as the copay`,
  });
  describe(amount, helpIds.amount);
  describe(timing, helpIds.timing);
  describe(coinsurance, helpIds.coinsurance);
  return { amount, timing, coinsurance };
}

function copayTable(tierName, rows) {
  return el(
    'table',
    { class: 'copay-table' },
    el('caption', { class: 'visually-hidden' }, `Copays ${tierName}, by kind of care`),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Kind of care'),
        el('th', { scope: 'col' }, 'Copay'),
        el('th', { scope: 'col' }, 'When'),
        el('th', { scope: 'col' }, 'Plus coinsurance'),
      ),
    ),
    el('tbody', {}, rows),
  );
}

/** A tier's controls by Plan JSON path; a copay category, or the copays, point to an amount. */
function tierControls(key, { inputs, copays }) {
  const controls = new Map();
  for (const [name, input] of Object.entries(inputs)) controls.set(`${key}.${name}`, input);
  for (const [category, copay] of copays) {
    controls.set(`${key}.copays.${category}.amount`, copay.amount);
    controls.set(`${key}.copays.${category}`, copay.amount);
  }
  controls.set(`${key}.copays`, copays.get('office').amount);
  return controls;
}

/** The tier's Plan JSON, or a FieldError for a field the form itself finds missing. */
function readTier({ inputs, noLimit, copays }) {
  let outOfPocketMax = null;
  if (!noLimit.checked) {
    outOfPocketMax = text(inputs.outOfPocketMax);
    if (outOfPocketMax === null) {
      throw new FieldError(
        inputs.outOfPocketMax,
        'Enter your out-of-pocket maximum, or tick “No limit” if your plan has none.',
      );
    }
  }
  const tier = {
    deductible: text(inputs.deductible) ?? '0',
    deductibleMet: text(inputs.deductibleMet) ?? '0',
    outOfPocketMax,
    outOfPocketMet: text(inputs.outOfPocketMet) ?? '0',
    coinsurance: percentText(inputs.coinsurance, 'Coinsurance') ?? '0%',
    copays: {},
  };
  // Only a plan with a separate drug deductible carries one (SPEC §9.3).
  const drugDeductible = text(inputs.drugDeductible);
  const drugDeductibleMet = text(inputs.drugDeductibleMet);
  if (drugDeductible !== null) tier.drugDeductible = drugDeductible;
  if (drugDeductibleMet !== null) tier.drugDeductibleMet = drugDeductibleMet;
  for (const [category, copay] of copays) {
    const amount = text(copay.amount);
    if (amount === null) continue;
    tier.copays[category] = {
      amount,
      beforeDeductible: copay.timing.value === 'before',
      coinsurance: copay.coinsurance.checked,
    };
  }
  return tier;
}

/** Puts a tier's Plan JSON into its fields. */
function fillTier(tier, { inputs, noLimit, copays }) {
  inputs.deductible.value = shown(tier.deductible);
  inputs.deductibleMet.value = shown(tier.deductibleMet);
  noLimit.checked = tier.outOfPocketMax === null;
  inputs.outOfPocketMax.disabled = noLimit.checked;
  inputs.outOfPocketMax.value = shown(tier.outOfPocketMax);
  inputs.outOfPocketMet.value = shown(tier.outOfPocketMet);
  inputs.coinsurance.value = rateAsPercent(tier.coinsurance);
  inputs.drugDeductible.value = shown(tier.drugDeductible);
  inputs.drugDeductibleMet.value = shown(tier.drugDeductibleMet);
  for (const [category, copay] of copays) {
    // A version 1 plan's "imaging" copay is the advanced-imaging copay.
    const terms = tier.copays?.[category] ?? (category === 'imaging_advanced' ? tier.copays?.imaging : undefined);
    copay.amount.value = shown(terms?.amount);
    copay.timing.value = terms?.beforeDeductible === false ? 'after' : 'before';
    copay.coinsurance.checked = terms?.coinsurance === true;
  }
}

function familyFields() {
  // SPEC §9.3: embedded (each person also has the individual deductible) or aggregate.
  const deductibleType = el(
    'select',
    {},
    el('option', { value: 'embedded' }, 'Each person also has their own deductible'),
    el('option', { value: 'aggregate' }, 'Only the family total counts'),
  );
  const inputs = {
    deductible: moneyInput(),
    deductibleMet: moneyInput(),
    outOfPocketMax: moneyInput(),
    outOfPocketMet: moneyInput(),
  };
  const node = el(
    'fieldset',
    { class: 'tier' },
    el('legend', {}, 'Family limits (for everyone on the plan together)'),
    el(
      'div',
      { class: 'field-grid' },
      field({
        id: 'est-family-deductible',
        label: 'Family deductible',
        help: 'What the whole family pays in a year before the plan pays, if your plan has one; else leave blank.',
        input: inputs.deductible,
      }),
      field({
        id: 'est-family-type',
        label: 'How the family deductible works',
        help: 'Most plans give each person their own deductible as well (“embedded”). Many HSA plans count only the family total (“aggregate”): the plan starts paying for anyone once the family total is met.',
        input: deductibleType,
      }),
      field({
        id: 'est-family-deductible-met',
        label: 'Family deductible paid so far',
        help: 'What everyone on the plan has paid toward the family deductible this year.',
        input: inputs.deductibleMet,
      }),
      field({
        id: 'est-family-oop-max',
        label: 'Family out-of-pocket maximum',
        help: 'The most the whole family pays in a year, if your plan has one; else leave blank.',
        input: inputs.outOfPocketMax,
      }),
      field({
        id: 'est-family-oop-met',
        label: 'Family out-of-pocket paid so far',
        help: 'What everyone on the plan has paid toward the family maximum this year.',
        input: inputs.outOfPocketMet,
      }),
    ),
  );
  const controls = new Map(Object.entries(inputs).map(([name, input]) => [`family.${name}`, input]));
  controls.set('family.type', deductibleType);
  return {
    node,
    controls,
    read() {
      return {
        type: deductibleType.value,
        deductible: text(inputs.deductible),
        deductibleMet: text(inputs.deductibleMet) ?? '0',
        outOfPocketMax: text(inputs.outOfPocketMax),
        outOfPocketMet: text(inputs.outOfPocketMet) ?? '0',
      };
    },
    fill(family) {
      for (const [name, input] of Object.entries(inputs)) input.value = shown(family[name]);
      deductibleType.value = family.type === 'aggregate' ? 'aggregate' : 'embedded';
    },
  };
}

/** What the user typed, or null for a blank field. */
function text(input) {
  const value = input.value.trim();
  return value === '' ? null : value;
}

/** A plan value back in a field: amounts as they were typed or saved, null as blank. */
function shown(value) {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * A rate as the form shows it: "20%" → "20", and a fraction such as "0.2" or
 * "0.125" (a hand-written plan) → "20" or "12.5". The decimal point moves two
 * places in the text, so nothing is rounded.
 */
export function rateAsPercent(rate) {
  if (rate === null || rate === undefined) return '';
  const value = String(rate).trim();
  if (value.endsWith('%')) return value.slice(0, -1).trim();
  const match = /^(\d*)\.?(\d*)$/.exec(value);
  if (!match || value === '') return value;
  const [, whole, fraction] = match;
  const digits = fraction.padEnd(2, '0');
  const percentWhole = `${whole}${digits.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = digits.slice(2).replace(/0+$/, '');
  return rest ? `${percentWhole}.${rest}` : percentWhole;
}
