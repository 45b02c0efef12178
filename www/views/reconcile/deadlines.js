// The worklist's deadlines as the user sets them (SPEC §8.7): the timely
// filing and appeal limits for every payer, one line per payer that differs,
// and whether recent unanswered claims are listed too. They go to the core as
// reconcile's `deadlines` option; the core owns the rules (src/reconcile/deadlines.rs).
// Limits the user changes are remembered in this browser's localStorage.

import { el } from '../../dom.js';

const KEY = 'clearbill.deadlines';

function saved() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}

/**
 * "Medicare = 365, 120" → { payer: 'Medicare', filingDays: 365, appealDays: 120 };
 * either number may be left out ("Aetna = , 60"). Returns { rules, problems }.
 */
export function parsePayerLines(text) {
  const rules = [];
  const problems = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const match = line.match(/^\s*(.+?)\s*=\s*(\d*)\s*(?:,\s*(\d*)\s*)?$/);
    if (!match || (!match[2] && !match[3])) {
      problems.push(`line ${i + 1} ("${line.trim()}"): write it as Payer = filing days, appeal days`);
      return;
    }
    rules.push({
      payer: match[1],
      filingDays: match[2] ? Number(match[2]) : undefined,
      appealDays: match[3] ? Number(match[3]) : undefined,
    });
  });
  return { rules, problems };
}

/** The deadlines fieldset; `value()` gives { deadlines } or { problem, focus }. */
export function deadlinesPanel() {
  const remembered = saved() ?? {};
  const number = (id, value, hint) =>
    el('input', { type: 'number', id, min: 0, max: 3650, step: 1, value, inputmode: 'numeric', 'aria-describedby': hint });
  const filing = number('filing-days', remembered.filingDays ?? 90, 'filing-days-hint');
  const appeal = number('appeal-days', remembered.appealDays ?? 180, 'appeal-days-hint');
  const payers = el('textarea', { id: 'payer-deadlines', rows: 3, cols: 32, 'aria-describedby': 'payer-deadlines-hint' }, remembered.payers ?? '');
  const showWaiting = el('input', { type: 'checkbox', id: 'show-waiting' });
  const node = el(
    'details',
    { class: 'deadlines', id: 'deadlines' },
    el('summary', {}, 'Deadlines for the worklist'),
    el(
      'div',
      { class: 'option-row' },
      el('p', {}, el('label', { for: 'filing-days' }, 'Timely filing (days)'), filing, el('span', { id: 'filing-days-hint', class: 'hint' }, 'from the date of service')),
      el('p', {}, el('label', { for: 'appeal-days' }, 'Appeal (days)'), appeal, el('span', { id: 'appeal-days-hint', class: 'hint' }, 'from the payment date')),
      el(
        'p',
        {},
        el('label', { for: 'payer-deadlines' }, 'Payers with other limits'),
        payers,
        el('span', { id: 'payer-deadlines-hint', class: 'hint' }, 'one a line: Payer = filing days, appeal days (e.g. Medicare = 365, 120)'),
      ),
      el('p', {}, el('label', { for: 'show-waiting' }, showWaiting, ' Also list claims billed in the last 30 days with no answer yet')),
    ),
  );
  return {
    node,
    value() {
      const { rules, problems } = parsePayerLines(payers.value);
      if (problems.length) return { problem: `Payers with other limits, ${problems[0]}.`, focus: payers };
      for (const input of [filing, appeal]) {
        if (!/^\d+$/.test(input.value)) return { problem: 'Give the filing and appeal limits as whole numbers of days.', focus: input };
      }
      const deadlines = { filingDays: Number(filing.value), appealDays: Number(appeal.value), showWaiting: showWaiting.checked, payers: rules };
      // Only limits the user changed are remembered.
      const changed = deadlines.filingDays !== 90 || deadlines.appealDays !== 180 || payers.value.trim();
      try {
        if (changed) localStorage.setItem(KEY, JSON.stringify({ filingDays: deadlines.filingDays, appealDays: deadlines.appealDays, payers: payers.value }));
        else localStorage.removeItem(KEY);
      } catch {
        // Not remembered; the limits still apply to this run.
      }
      return { deadlines };
    },
  };
}
