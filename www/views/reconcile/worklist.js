// The claim-level worklist (SPEC §8.7) and the follow-up workspace (§8.8):
// one row per claim that needs work, soonest deadline first, filtered by payer,
// kind of work, work status and "my follow-ups due today" and sorted in the
// worker; each claim's work status, note and follow-up date are kept in this
// browser (workspace.js) and edited in a dialog. Above the table: what changed
// since the last run, and the workspace's export, import and "forget".

import { dollars, download, el, replace } from '../../dom.js';
import { savedRuns } from './runs.js';
import { pagedTable } from './table.js';
import { WORK_STATUSES, claimKey, sinceLastRun } from './workspace.js';

export const WORK_KINDS = {
  unpaid: 'Unpaid',
  denied: 'Denied',
  underpaid: 'Underpaid',
  partial: 'Partial',
  overpaid: 'Overpaid',
  unmatchedPayment: 'Unmatched payment',
  patient_refund: 'Patient refund',
  check_posting: 'Check the posting',
  waiting: 'Waiting',
};

const DEADLINE_WORDS = { filing: 'filing limit', appeal: 'appeal limit' };

const text = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));

/** Today in the user's time zone, YYYY-MM-DD. */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-02-19" and "2026-02-21" → "2026-02-19 to 2026-02-21"; one date when they are equal. */
function serviceDates(w) {
  if (!w.firstServiceDate) return '—';
  return w.firstServiceDate === w.lastServiceDate ? w.firstServiceDate : `${w.firstServiceDate} to ${w.lastServiceDate}`;
}

/**
 * The worklist section. `ask(method, ...args)` calls the session in the
 * worker; `workspace` is from openWorkspace() (or null); `run` is
 * { asOf, files } of this reconciliation. Returns { node, table }.
 */
export function worklistSection({ overview, ask, app, workspace, run, tables }) {
  const filters = { payer: '', kind: '', work: '', due: false };
  const dialog = workDialog(app);

  const payer = el('select', { id: 'work-payer' }, el('option', { value: '' }, 'All payers'), overview.payers.map((p) => el('option', { value: p }, p)));
  const kind = el(
    'select',
    { id: 'work-kind' },
    el('option', { value: '' }, 'All kinds of work'),
    Object.entries(WORK_KINDS).map(([key, label]) => el('option', { value: key }, label)),
  );
  const work = el(
    'select',
    { id: 'work-status-filter' },
    el('option', { value: '' }, 'Any work status'),
    el('option', { value: 'not started' }, 'not started'),
    WORK_STATUSES.map((s) => el('option', { value: s }, s)),
  );
  const due = el('input', { type: 'checkbox', id: 'work-due-today' });
  const dueText = el('span', { id: 'work-due-text' }, 'My follow-ups due today');
  const dueLabel = el('label', { for: 'work-due-today' }, due, ' ', dueText);
  for (const [control, key] of [
    [payer, 'payer'],
    [kind, 'kind'],
    [work, 'work'],
  ]) {
    control.addEventListener('change', () => {
      filters[key] = control.value;
      table.refresh();
    });
  }
  due.addEventListener('change', () => {
    filters.due = due.checked;
    table.refresh();
  });

  /** The claim numbers the workspace filters pick, or undefined for all. */
  function chosenClaims() {
    if (!workspace || (!filters.work && !filters.due)) return undefined;
    const now = today();
    const states = [...workspace.claims.values()];
    if (filters.work === 'not started') return { exclude: new Set(states.filter((s) => s.workStatus && s.workStatus !== 'new').map((s) => s.key)) };
    return {
      include: states
        .filter((s) => !filters.work || s.workStatus === filters.work)
        .filter((s) => !filters.due || (s.followUp && s.followUp <= now && s.workStatus !== 'done'))
        .map((s) => s.claimId),
    };
  }

  function workCell(w) {
    if (!w.claimId || w.kind === 'unmatchedPayment') return '—';
    const state = workspace?.get(w.claimId);
    const words = [state?.workStatus ?? 'new', state?.followUp ? `follow up ${state.followUp}` : null].filter(Boolean).join(' · ');
    return el(
      'div',
      { class: 'work-cell' },
      el(
        'button',
        {
          type: 'button',
          class: 'link work-button',
          'aria-label': `Claim ${w.claimId}: ${words}. Change its work status, note or follow-up date`,
          on: {
            click: async (event) => {
              const saved = await dialog.open(w, state, workspace);
              if (saved) {
                table.rerender();
                updateDue();
                app.announce(`Saved claim ${w.claimId}: ${saved.workStatus}${saved.followUp ? `, follow up on ${saved.followUp}` : ''}.`);
              }
              // Back to the row's button (the rows were drawn again).
              document.querySelector(`#worklist-table tr[data-claim="${CSS.escape(w.claimId)}"] .work-button`)?.focus() ?? event.target.focus();
            },
          },
        },
        words,
      ),
      state?.note ? el('span', { class: 'work-note' }, state.note) : null,
    );
  }

  const table = pagedTable({
    id: 'worklist-table',
    label: 'Worklist',
    columns: [
      {
        label: 'Deadline',
        cell: (w) =>
          w.deadline
            ? [
                el('span', { class: 'date' }, w.deadline),
                el('br'),
                el('span', { class: 'hint' }, `${DEADLINE_WORDS[w.deadlineKind] ?? ''}${w.deadline < overview.summary.asOf ? ' passed' : ''}`),
              ]
            : '—',
      },
      { label: 'What', sort: 'kind', cell: (w) => WORK_KINDS[w.kind] ?? w.kind },
      { label: 'Claim', sort: 'claimId', cell: (w) => text(w.claimId) },
      { label: 'Patient', sort: 'patient', cell: (w) => text(w.patient) },
      { label: 'Date of service', sort: 'serviceDate', cell: serviceDates },
      { label: 'Codes', cell: (w) => (w.codes.length ? w.codes.join(', ') : '—') },
      { label: 'Lines', numeric: true, cell: (w) => String(w.lines.length || (w.row ? 1 : 0)) },
      { label: 'Payer', sort: 'payer', cell: (w) => text(w.payer) },
      { label: 'At stake', sort: 'amount', numeric: true, cell: (w) => dollars(w.amount) },
      { label: 'Work', cell: workCell },
      { label: 'Suggested action', cell: (w) => w.action },
      { label: 'Age (days)', sort: 'age', numeric: true, optional: true, cell: (w) => text(w.ageDays) },
      { label: 'Claim status', optional: true, cell: (w) => text(w.status) },
      { label: 'Billed', numeric: true, optional: true, cell: (w) => dollars(w.billed) },
      { label: 'Patient ID', optional: true, cell: (w) => text(w.patientId) },
      { label: 'Check numbers', optional: true, cell: (w) => (w.checkNumbers.length ? w.checkNumbers.join(', ') : '—') },
      { label: 'Reasons', optional: true, cell: (w) => w.reasons.map((r) => `${r.code}: ${r.meaning}`).join('; ') || '—' },
    ],
    load: (page) => {
      const query = { ...page };
      if (filters.payer) query.payer = filters.payer;
      if (filters.kind) query.kinds = [filters.kind];
      const chosen = chosenClaims();
      if (chosen?.include) query.claimIds = chosen.include;
      if (chosen?.exclude) {
        // "Not started": every claim on the list except those worked on.
        return ask('worklist', { ...query, limit: 5000, offset: 0 }).then((all) => {
          const items = all.items.filter((w) => !w.claimId || !chosen.exclude.has(claimKey(w.claimId)));
          return { total: items.length, offset: page.offset, items: items.slice(page.offset, page.offset + page.limit) };
        });
      }
      return ask('worklist', query);
    },
    rowData: (w) => (w.claimId ? { claim: w.claimId, kind: w.kind } : { kind: w.kind }),
    empty: 'Nothing to chase here.',
  });
  tables.push(table);

  function updateDue() {
    if (!workspace) return;
    const now = today();
    const n = [...workspace.claims.values()].filter((s) => s.followUp && s.followUp <= now && s.workStatus !== 'done').length;
    dueText.textContent = `My follow-ups due today (${n})`;
  }

  const changes = el('div', { id: 'since-last-run' });
  const runs = workspace ? savedRuns() : null;
  const storage = workspaceTools({
    workspace,
    app,
    refresh: async () => {
      await table.refresh();
      updateDue();
      runs?.update(await workspace.runs());
    },
  });
  const waiting = overview.summary.waiting;
  const node = el(
    'section',
    { id: 'worklist', 'aria-labelledby': 'worklist-heading' },
    el('h3', { id: 'worklist-heading', tabindex: -1 }, `Worklist: what to chase first (${overview.worklist.toLocaleString('en-US')})`),
    el(
      'p',
      { class: 'hint' },
      'One row per claim that needs work, soonest deadline first (timely filing for unanswered claims, appeal for denied and underpaid ones), then the most at stake. ',
      waiting?.lines
        ? `${waiting.lines.toLocaleString('en-US')} line${waiting.lines === 1 ? '' : 's'} billed in the last 30 days with no answer yet (${dollars(waiting.billed)}) are waiting for the payer and not listed.`
        : '',
    ),
    changes,
    el(
      'div',
      { class: 'filters' },
      el('p', {}, el('label', { for: 'work-payer' }, 'Payer'), payer),
      el('p', {}, el('label', { for: 'work-kind' }, 'What'), kind),
      el('p', {}, el('label', { for: 'work-status-filter' }, 'Work status'), work),
      el('p', {}, dueLabel),
    ),
    table.node,
    storage,
    runs?.node,
    dialog.node,
  );
  updateDue();

  /** Compares this run with the previous one and saves it (SPEC §8.8). */
  async function compareAndSave() {
    if (!workspace) return;
    try {
      const states = await ask('claimStates');
      const now = states.map((s) => [claimKey(s.claimId), s.status, s.claimId]);
      const previous = (await workspace.runs()).at(-1);
      if (previous) replace(changes, changesPanel(sinceLastRun(previous.states, now), previous, workspace));
      const { summary } = overview;
      await workspace.saveRun({
        savedAt: new Date().toISOString(),
        asOf: summary.asOf,
        files: run.files,
        summary: { totals: summary.totals, kpis: summary.kpis, claims: summary.claims, aging: summary.aging },
        states: now.map(([key, status]) => [key, status]),
      });
      runs?.update(await workspace.runs());
    } catch (error) {
      app.announce(`This run could not be compared with the last one: ${error.message}`);
    }
  }

  return { node, table, compareAndSave };
}

/** "Since the last run": counts, and the claims newly paid or denied with their notes. */
function changesPanel(changes, previous, workspace) {
  const groups = [
    ['newlyPaid', 'newly paid'],
    ['newlyDenied', 'newly denied'],
    ['stillOpen', 'still open'],
    ['new', 'new'],
  ];
  const item = (claimId) => {
    const state = workspace.get(claimId);
    return el(
      'li',
      { dataset: { claim: claimId } },
      `Claim ${claimId}`,
      state ? el('span', { class: 'hint' }, ` (${state.workStatus ?? 'new'}${state.note ? `: ${state.note}` : ''})`) : null,
    );
  };
  return el(
    'section',
    { class: 'panel since', 'aria-labelledby': 'since-heading' },
    el('h4', { id: 'since-heading' }, `Since the last run (as of ${previous.asOf})`),
    el(
      'p',
      { id: 'since-counts' },
      groups.map(([key, words], i) => [i ? ' · ' : '', el('strong', { dataset: { since: key } }, changes[key].length.toLocaleString('en-US')), ` ${words}`]),
    ),
    groups
      .filter(([key]) => key === 'newlyPaid' || key === 'newlyDenied')
      .filter(([key]) => changes[key].length)
      .map(([key, words]) =>
        el(
          'details',
          { id: `since-${key}`, open: changes[key].length <= 10 },
          el('summary', {}, `Claims ${words} (${changes[key].length})`),
          el('ul', {}, changes[key].slice(0, 500).map(item)),
        ),
      ),
  );
}

/** The dialog where a claim's work status, note and follow-up date are changed. */
function workDialog(app) {
  const status = el('select', { id: 'work-status' }, WORK_STATUSES.map((s) => el('option', { value: s }, s)));
  const note = el('textarea', { id: 'work-note', rows: 3, cols: 40 });
  const followUp = el('input', { type: 'date', id: 'work-follow-up' });
  const title = el('h3', { id: 'work-dialog-title' });
  const save = el('button', { type: 'submit', class: 'primary', value: 'save' }, 'Save');
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const form = el(
    'form',
    { method: 'dialog' },
    title,
    el('p', {}, el('label', { for: 'work-status' }, 'Work status'), status),
    el('p', {}, el('label', { for: 'work-note' }, 'Note'), note),
    el('p', {}, el('label', { for: 'work-follow-up' }, 'Follow up on'), followUp),
    el('p', { class: 'hint' }, 'Kept in this browser only, by claim number, for next time.'),
    el('p', {}, save, ' ', cancel),
  );
  const node = el('dialog', { id: 'work-dialog', 'aria-labelledby': 'work-dialog-title' }, form);
  let resolve = null;
  cancel.addEventListener('click', () => node.close('cancel'));
  node.addEventListener('close', () => resolve?.(node.returnValue === 'save'));
  return {
    node,
    /** Resolves to the saved state, or null when cancelled. */
    async open(item, state, workspace) {
      if (!workspace) return null;
      title.textContent = `Claim ${item.claimId}${item.patient ? `, ${item.patient}` : ''}`;
      status.value = state?.workStatus ?? 'new';
      note.value = state?.note ?? '';
      followUp.value = state?.followUp ?? '';
      node.returnValue = '';
      const closed = new Promise((r) => (resolve = r));
      node.showModal();
      status.focus();
      if (!(await closed)) return null;
      try {
        return await workspace.put(item.claimId, { workStatus: status.value, note: note.value.trim(), followUp: followUp.value });
      } catch (error) {
        app.announce(`The work on claim ${item.claimId} could not be saved: ${error.message}`);
        return null;
      }
    },
  };
}

/** Export, import and forget the workspace, and what to say when storage is refused. */
function workspaceTools({ workspace, app, refresh }) {
  if (!workspace) return null;
  const passphrase = el('input', { type: 'password', id: 'workspace-passphrase', autocomplete: 'new-password', 'aria-describedby': 'workspace-passphrase-hint' });
  const importInput = el('input', { type: 'file', id: 'workspace-import', accept: '.json,application/json' });
  const status = el('p', { id: 'workspace-status', role: 'status' });
  const exportButton = el('button', { type: 'button', id: 'workspace-export' }, 'Export the workspace');
  const forget = el('button', { type: 'button', id: 'workspace-forget' }, 'Forget this workspace');
  const sure = el('button', { type: 'button', id: 'workspace-forget-sure', hidden: true }, 'Yes, delete every note and follow-up');
  const say = (message) => {
    status.textContent = message;
    app.announce(message);
  };
  exportButton.addEventListener('click', async () => {
    const text = await workspace.exportFile(passphrase.value || undefined);
    download(new TextEncoder().encode(text), passphrase.value ? 'clearbill-workspace.encrypted.json' : 'clearbill-workspace.json', 'application/json');
    say(passphrase.value ? 'Exported the workspace, encrypted with your passphrase.' : 'Exported the workspace (not encrypted).');
  });
  importInput.addEventListener('change', async () => {
    const file = importInput.files[0];
    if (!file) return;
    try {
      const added = await workspace.importFile(await file.text(), passphrase.value || undefined);
      say(`Imported ${file.name}: ${added} claim${added === 1 ? '' : 's'} updated.`);
      await refresh();
    } catch (error) {
      say(`${file.name} was not imported: ${error.message}`);
    } finally {
      importInput.value = '';
    }
  });
  forget.addEventListener('click', () => {
    sure.hidden = false;
    sure.focus();
  });
  sure.addEventListener('click', async () => {
    await workspace.forget();
    sure.hidden = true;
    say('The workspace is deleted from this browser: no notes, follow-ups or saved runs are left.');
    await refresh();
    forget.focus();
  });
  return el(
    'details',
    { class: 'workspace-tools', id: 'workspace-tools', open: workspace.persistent ? null : true },
    el('summary', {}, 'Your notes and follow-ups (kept in this browser)'),
    workspace.persistent
      ? el('p', { class: 'hint' }, 'Work statuses, notes, follow-up dates, and each run’s summary with its claims’ numbers and statuses (for “since the last run”), are kept in this browser’s own storage, never uploaded. Export them to move to another computer; “Forget this workspace” deletes them.')
      : el(
          'p',
          { class: 'error', id: 'workspace-refused' },
          `This browser refused to keep a workspace here (${workspace.problem}), so notes and follow-ups last only until you close this page. Export them before you leave.`,
        ),
    el(
      'p',
      {},
      el('label', { for: 'workspace-passphrase' }, 'Passphrase (optional)'),
      passphrase,
      el('span', { id: 'workspace-passphrase-hint', class: 'hint' }, 'encrypts the exported file, and opens an encrypted one'),
    ),
    el('p', {}, exportButton, ' ', el('label', { for: 'workspace-import' }, 'Import a workspace file'), importInput),
    el('p', {}, forget, ' ', sure),
    status,
  );
}
