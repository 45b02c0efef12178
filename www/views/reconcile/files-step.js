// Step 1 of the reconcile view, "Your files": a drop zone per kind of file
// (reconcile/files.js), and "Forget remembered column choices". Once
// reconciled, the zones fold into one line per file, each with "change" to
// open them again, so that the results come first.

import { el, replace } from '../../dom.js';
import { fileZone } from './files.js';
import * as remembered from './remembered.js';

/** The zones in the order they are shown; the role names the zone and its input. */
const ZONES = [
  {
    role: 'charges',
    label: 'Charges',
    hint: 'What the practice billed: the charge or A/R export of your practice-management system (xlsx, xls, ods or csv), or the claim files (837) sent to payers: you may choose several, in the order they were sent. Alone, it is read as an A/R report that already carries what was paid.',
    required: true,
    multiple: true,
    // Several claim files are one set of claims; any other charges file stands alone.
    together: (file) => file.inspection.format === 'x12-837',
  },
  {
    role: 'payments',
    label: 'Payments',
    hint: 'What payers sent back: the remittance (ERA/EOB) export, or X12 835 files. You may choose several.',
    multiple: true,
  },
  {
    role: 'acks',
    label: 'Acknowledgments',
    hint: 'Optional, with claims sent as an 837 file: the 999 and 277CA files the clearinghouse sent back, saying which claims were accepted or rejected. You may choose several.',
    multiple: true,
  },
  {
    role: 'fees',
    label: 'Fee schedule',
    hint: 'The amounts you expect per procedure code, to find underpayments.',
  },
];

const LABELS = Object.fromEntries(ZONES.map(({ role, label }) => [role, label]));

/**
 * Reads and writes `state.filesFolded`; `onFold(folded)` is called when it
 * changes. `roles` are the core's column roles. Returns { node, update(), zones,
 * fold() }: `zones` are the drop zones by role.
 */
export function filesStep(state, app, roles, { onFold }) {
  const zones = Object.fromEntries(ZONES.map((zone) => [zone.role, fileZone({ ...zone, roles, app })]));
  const summary = el('ul', { class: 'files-summary', id: 'files-summary', hidden: true });
  const zonesNode = el('div', { class: 'zones' }, zones.charges.node, zones.payments.node, zones.acks.node, zones.fees.node);
  const forget = el('button', { type: 'button', id: 'forget-mappings', class: 'quiet' }, 'Forget remembered column choices');
  const node = el(
    'section',
    { class: 'files', 'aria-labelledby': 'files-heading' },
    el('h3', { id: 'files-heading' }, '1. Your files'),
    summary,
    zonesNode,
    el('p', {}, forget, ' ', el('span', { class: 'hint' }, 'Column choices you change are remembered in this browser for files with the same headers.')),
  );

  function update() {
    // The summary is written when the files fold, from the files then chosen.
    if (state.filesFolded) replace(summary, summaryLines(zones, unfold));
    summary.hidden = !state.filesFolded;
    zonesNode.hidden = state.filesFolded;
    onFold(state.filesFolded);
  }

  function unfold(zone) {
    state.filesFolded = false;
    update();
    zone.node.scrollIntoView({ block: 'start' });
    zone.node.querySelector('input')?.focus({ preventScroll: true });
  }

  forget.addEventListener('click', () => {
    const n = remembered.count();
    remembered.forgetAll();
    app.announce(
      n ? `Forgot the column choices remembered for ${n} file layout${n === 1 ? '' : 's'}.` : 'No column choices were remembered.',
    );
  });

  return {
    node,
    update,
    zones,
    /** Folds the files into one line each (the results are shown). */
    fold() {
      state.filesFolded = true;
      update();
    },
  };
}

/** One line per file chosen: its kind, its name and sheet, and "change". */
function summaryLines(zones, unfold) {
  return Object.entries(zones).flatMap(([role, zone]) =>
    zone.files().map((f) =>
      el(
        'li',
        {},
        el('strong', {}, `${LABELS[role]}: `),
        f.name,
        f.sheet ? ` (sheet ${f.sheet})` : '',
        ' ',
        el(
          'button',
          { type: 'button', class: 'link', 'aria-label': `Change ${f.name} or its columns`, on: { click: () => unfold(zone) } },
          'change',
        ),
      ),
    ),
  );
}
