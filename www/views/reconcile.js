// The reconcile view: drop the charges and payments exports (and a fee
// schedule if there is one), check how each column will be read, pick the
// as-of date, reconcile in the worker with a progress bar, then read and
// export the results. "Try with sample data" does all of it in one click with
// the sample files built into the wasm, so it needs no request either.

import { el, replace } from '../dom.js';
import { deadlinesPanel } from './reconcile/deadlines.js';
import { fileZone } from './reconcile/files.js';
import * as remembered from './reconcile/remembered.js';
import { results } from './reconcile/results.js';
import { openWorkspace } from './reconcile/workspace.js';

/** Today in the user's time zone, as YYYY-MM-DD (the default as-of date). */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export async function mount(root, app) {
  const [roles, workspace] = await Promise.all([app.call('columnRoles'), openWorkspace().catch(() => null)]);
  const zones = {
    charges: fileZone({
      role: 'charges',
      label: 'Charges',
      hint: 'What the practice billed: the charge or A/R export of your practice-management system (xlsx, xls, ods or csv), or the claim files (837) sent to payers: you may choose several, in the order they were sent. Alone, it is read as an A/R report that already carries what was paid.',
      required: true,
      multiple: true,
      // Several claim files are one set of claims; any other charges file stands alone.
      together: (file) => file.inspection.format === 'x12-837',
      roles,
      app,
    }),
    payments: fileZone({
      role: 'payments',
      label: 'Payments',
      hint: 'What payers sent back: the remittance (ERA/EOB) export, or X12 835 files. You may choose several.',
      multiple: true,
      roles,
      app,
    }),
    acks: fileZone({
      role: 'acks',
      label: 'Acknowledgments',
      hint: 'Optional, with claims sent as an 837 file: the 999 and 277CA files the clearinghouse sent back, saying which claims were accepted or rejected. You may choose several.',
      multiple: true,
      roles,
      app,
    }),
    fees: fileZone({
      role: 'fees',
      label: 'Fee schedule',
      hint: 'The amounts you expect per procedure code, to find underpayments.',
      roles,
      app,
    }),
  };

  const asOf = el('input', { type: 'date', id: 'as-of', value: today(), required: true, 'aria-describedby': 'as-of-hint' });
  const tolerance = el('input', {
    type: 'text',
    id: 'tolerance',
    value: '0.00',
    inputmode: 'decimal',
    size: 8,
    'aria-describedby': 'tolerance-hint',
  });
  const deadlines = deadlinesPanel();
  const button = el('button', { type: 'button', id: 'reconcile-button', class: 'primary' }, 'Reconcile');
  const progress = el('progress', { id: 'reconcile-progress', max: 100, value: 0, 'aria-label': 'Reconciling', hidden: true });
  const progressText = el('span', { id: 'reconcile-progress-text', class: 'hint' });
  const problem = el('div', { id: 'reconcile-problem' });
  const output = el('div', { id: 'reconcile-results' });
  const sample = el('button', { type: 'button', id: 'sample-button' }, 'Try with sample data');
  const forget = el('button', { type: 'button', id: 'forget-mappings', class: 'quiet' }, 'Forget remembered column choices');

  let session = null;
  let busy = false;

  async function reconcile() {
    if (busy) return;
    replace(problem);
    const chargeFiles = zones.charges.files();
    const charges = chargeFiles[0];
    if (!charges) {
      const unreadable = zones.charges.unreadable()[0];
      return complain(
        unreadable
          ? `${unreadable} could not be read (see above). Choose another charges file.`
          : 'Choose the charges file first.',
        zones.charges.node.querySelector('input'),
      );
    }
    for (const zone of [zones.charges, zones.payments, zones.acks, zones.fees]) {
      const unreadable = zone.unreadable()[0];
      if (unreadable) {
        return complain(`${unreadable} could not be read (see above). Remove it or choose another file.`, zone.node.querySelector('input'));
      }
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf.value)) return complain('Give the as-of date (the day the report is for).', asOf);
    const limits = deadlines.value();
    if (limits.problem) {
      deadlines.node.open = true;
      return complain(limits.problem, limits.focus);
    }
    const fileArg = (f) => ({
      bytes: f.buffer.slice(0),
      name: f.name,
      sheet: f.sheet ?? undefined,
      headerRow: f.headerRow ?? undefined,
      mapping: Object.keys(f.mapping).length ? f.mapping : undefined,
    });
    const payments = zones.payments.files();
    const fees = zones.fees.files()[0];
    const acks = zones.acks.files();
    const request = {
      charges: chargeFiles.length > 1 ? chargeFiles.map(fileArg) : fileArg(charges),
      payments: payments.length ? payments.map(fileArg) : undefined,
      acks: acks.length ? acks.map(fileArg) : undefined,
      fees: fees ? fileArg(fees) : undefined,
      asOf: asOf.value,
      tolerance: tolerance.value.trim() || undefined,
      deadlines: limits.deadlines,
    };

    busy = true;
    button.setAttribute('aria-disabled', 'true');
    progress.hidden = false;
    progress.value = 0;
    let lastMessage = '';
    app.announce('Reconciling…');
    try {
      if (session !== null) {
        // The old results go with their session, so that nothing pages a closed one.
        replace(output);
        delete document.documentElement.dataset.reconciled;
        const old = session;
        session = null;
        await app.call('closeSession', [old]);
      }
      const answer = await app.call('reconcile', [request], {
        onProgress: (message, percent) => {
          progress.value = percent;
          progressText.textContent = `${message} (${percent}%)`;
          if (message !== lastMessage) app.announce(`${message}…`);
          lastMessage = message;
        },
      });
      session = answer.session;
      const files = [...chargeFiles, ...payments, ...acks, fees].filter(Boolean).map((f) => f.name);
      const shown = results({
        session,
        overview: answer.overview,
        app,
        fileName: baseName(charges.name),
        workspace,
        run: { files },
      });
      replace(output, shown.section);
      collapseFiles();
      await shown.loaded;
      const { byStatus } = answer.overview.summary;
      const open = ['partial', 'underpaid', 'overpaid', 'denied', ...(byStatus.rejected ? ['rejected'] : []), 'unpaid']
        .map((k) => `${byStatus[k]?.count ?? 0} ${k}`)
        .join(', ');
      app.announce(`Reconciled ${answer.overview.lines} lines: ${byStatus.paid?.count ?? 0} paid, ${open}. The results follow.`);
      document.documentElement.dataset.reconciled = String(session);
      // Results first: the answer starts at the top of the screen.
      shown.heading.scrollIntoView({ block: 'start' });
      shown.heading.focus({ preventScroll: true });
    } catch (error) {
      complain(`The reconciliation did not work: ${error.message}`, button);
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
      progress.hidden = true;
      progressText.textContent = '';
    }
  }

  // Results first: once reconciled, the files and their columns fold into one
  // line per file, each with "change" to open them again.
  const filesSummary = el('ul', { class: 'files-summary', id: 'files-summary', hidden: true });
  function collapseFiles() {
    const zonesNode = root.querySelector('.zones');
    const lines = Object.entries(zones).flatMap(([role, zone]) =>
      zone.files().map((f) =>
        el(
          'li',
          {},
          el('strong', {}, `${{ charges: 'Charges', payments: 'Payments', acks: 'Acknowledgments' }[role] ?? 'Fee schedule'}: `),
          f.name,
          f.sheet ? ` (sheet ${f.sheet})` : '',
          ' ',
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              'aria-label': `Change ${f.name} or its columns`,
              on: {
                click: () => {
                  zonesNode.hidden = false;
                  filesSummary.hidden = true;
                  root.classList.remove('files-collapsed');
                  zone.node.scrollIntoView({ block: 'start' });
                  zone.node.querySelector('input')?.focus({ preventScroll: true });
                },
              },
            },
            'change',
          ),
        ),
      ),
    );
    replace(filesSummary, lines);
    filesSummary.hidden = false;
    zonesNode.hidden = true;
    root.classList.add('files-collapsed');
  }

  function complain(message, focus) {
    replace(problem, el('p', { class: 'error', role: 'alert' }, message));
    app.announce(message);
    focus?.focus();
  }

  async function trySample() {
    if (busy) return;
    app.announce('Loading the sample files…');
    const [files, date] = await Promise.all([app.call('sampleFiles'), app.call('sampleAsOf')]);
    for (const zone of Object.values(zones)) zone.clear();
    for (const { role, name, bytes } of files) {
      await zones[role].load(name, bytes.slice().buffer);
    }
    asOf.value = date;
    await reconcile();
  }

  button.addEventListener('click', reconcile);
  sample.addEventListener('click', trySample);
  forget.addEventListener('click', () => {
    const n = remembered.count();
    remembered.forgetAll();
    app.announce(
      n ? `Forgot the column choices remembered for ${n} file layout${n === 1 ? '' : 's'}.` : 'No column choices were remembered.',
    );
  });

  replace(
    root,
    el('h2', {}, 'Reconcile charges and payments'),
    el(
      'div',
      { class: 'intro' },
      el(
        'p',
        {},
        'Choose the practice’s charges export and the payers’ remittance export. ClearBill matches them line by line and shows what is paid, short, denied or still open. The files are read here, in your browser, and are never uploaded.',
      ),
      el('p', {}, sample, ' ', el('span', { class: 'hint' }, 'A small practice’s year of billing, built in.')),
    ),
    el(
      'section',
      { class: 'files', 'aria-labelledby': 'files-heading' },
      el('h3', { id: 'files-heading' }, '1. Your files'),
      filesSummary,
      el('div', { class: 'zones' }, zones.charges.node, zones.payments.node, zones.acks.node, zones.fees.node),
      el('p', {}, forget, ' ', el('span', { class: 'hint' }, 'Column choices you change are remembered in this browser for files with the same headers.')),
    ),
    el(
      'section',
      { class: 'options', id: 'reconcile-options', 'aria-labelledby': 'options-heading' },
      el('h3', { id: 'options-heading' }, '2. Reconcile'),
      el(
        'div',
        { class: 'option-row' },
        el('p', {}, el('label', { for: 'as-of' }, 'As of'), asOf, el('span', { id: 'as-of-hint', class: 'hint' }, 'ages count up to this day')),
        el(
          'p',
          {},
          el('label', { for: 'tolerance' }, 'Tolerance ($)'),
          tolerance,
          el('span', { id: 'tolerance-hint', class: 'hint' }, 'differences this small count as equal'),
        ),
        el('p', {}, button, progress, progressText),
      ),
      deadlines.node,
      problem,
    ),
    output,
  );
}

/** "Charges Nov.xlsx" → "Charges Nov": the start of the export's file names. */
function baseName(name) {
  return name.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N} _.-]+/gu, '_').slice(0, 60) || 'clearbill';
}
