// Saved runs (SPEC §8.8): each reconciliation's summary, kept in the
// workspace, as a table and a small hand-made SVG chart of the open A/R (bars)
// and the net collection rate (a line), by run or by month (the last run of
// each month by its as-of date). No chart library: a few rects and a polyline.

import { dollars, el, percent, replace, svg } from '../../dom.js';

/** The last run of each as-of month, oldest first. */
export function byMonth(runs) {
  const months = new Map();
  for (const run of runs) months.set(run.asOf.slice(0, 7), run);
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, run]) => ({ ...run, label: month }));
}

function chart(points, title) {
  const width = 640;
  const height = 240;
  const top = 24;
  const bottom = 40;
  const side = 48;
  const cents = points.map((p) => Math.abs(Math.round(Number(p.summary.totals.openAR) * 100)));
  const max = Math.max(1, ...cents);
  const slot = (width - 2 * side) / Math.max(1, points.length);
  const barWidth = Math.min(48, slot * 0.6);
  const plotHeight = height - top - bottom;
  const rate = (p) => Math.max(0, Math.min(1, Number(p.summary.kpis.netCollectionRate ?? 0)));
  const x = (i) => side + i * slot + slot / 2;
  const y = (r) => top + plotHeight * (1 - r);
  const describe = points
    .map((p) => `${p.label}: open A/R ${dollars(p.summary.totals.openAR)}, net collection rate ${percent(p.summary.kpis.netCollectionRate)}`)
    .join('; ');
  return svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, class: 'runs-chart', role: 'img', 'aria-labelledby': 'runs-chart-title runs-chart-desc' },
    svg('title', { id: 'runs-chart-title' }, title),
    svg('desc', { id: 'runs-chart-desc' }, describe),
    svg('text', { x: 4, y: 14, class: 'axis' }, 'open A/R (bars)'),
    svg('text', { x: width - 4, y: 14, 'text-anchor': 'end', class: 'axis' }, 'net collection rate (line, 0–100%)'),
    points.map((p, i) => {
      const h = (plotHeight * cents[i]) / max;
      return svg(
        'g',
        { class: 'bar', 'data-run': p.label },
        svg('rect', { x: x(i) - barWidth / 2, y: top + plotHeight - h, width: barWidth, height: Math.max(h, 1), rx: 2 }),
        svg('text', { x: x(i), y: height - bottom + 16, 'text-anchor': 'middle', class: 'label' }, p.label),
        svg('text', { x: x(i), y: height - bottom + 32, 'text-anchor': 'middle', class: 'amount' }, dollars(p.summary.totals.openAR)),
      );
    }),
    points.length > 1
      ? svg('polyline', { class: 'rate', fill: 'none', points: points.map((p, i) => `${x(i)},${y(rate(p))}`).join(' ') })
      : null,
    points.map((p, i) => svg('circle', { class: 'rate', cx: x(i), cy: y(rate(p)), r: 4 })),
  );
}

/** The saved runs panel; `update(runs)` draws it again. */
export function savedRuns() {
  const body = el('div');
  let runs = [];
  let monthly = false;
  const byRun = el('input', { type: 'radio', name: 'runs-by', id: 'runs-by-run', checked: true });
  const byMonthBox = el('input', { type: 'radio', name: 'runs-by', id: 'runs-by-month' });
  for (const box of [byRun, byMonthBox]) {
    box.addEventListener('change', () => {
      monthly = byMonthBox.checked;
      draw();
    });
  }
  const node = el(
    'details',
    { id: 'saved-runs', class: 'saved-runs' },
    el('summary', { id: 'saved-runs-summary' }, 'Saved runs and trends'),
    el(
      'fieldset',
      { class: 'inline' },
      el('legend', {}, 'Show'),
      el('label', { for: 'runs-by-run' }, byRun, ' each run'),
      ' ',
      el('label', { for: 'runs-by-month' }, byMonthBox, ' each month (its last run)'),
    ),
    body,
  );

  function draw() {
    const summary = node.querySelector('summary');
    summary.textContent = `Saved runs and trends (${runs.length})`;
    if (!runs.length) return replace(body, el('p', {}, 'No run is saved in this browser.'));
    const points = monthly ? byMonth(runs) : runs.map((r) => ({ ...r, label: r.asOf }));
    replace(
      body,
      chart(points, monthly ? 'Open A/R and net collection rate by month' : 'Open A/R and net collection rate by run'),
      el(
        'div',
        { class: 'scroll short', role: 'region', 'aria-label': 'Saved runs', tabindex: 0 },
        el(
          'table',
          { class: 'report-table compact', id: 'saved-runs-table' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['As of', 'Saved', 'Files'].map((h) => el('th', { scope: 'col' }, h)),
              ['Open A/R', 'Net collection', 'Denial rate', 'Days in A/R'].map((h) => el('th', { scope: 'col', class: 'number' }, h)),
            ),
          ),
          el(
            'tbody',
            {},
            points.map((r) =>
              el(
                'tr',
                {},
                el('td', {}, r.label),
                el('td', {}, r.savedAt.slice(0, 16).replace('T', ' ')),
                el('td', {}, (r.files ?? []).join(', ')),
                el('td', { class: 'number' }, dollars(r.summary.totals.openAR)),
                el('td', { class: 'number' }, percent(r.summary.kpis.netCollectionRate)),
                el('td', { class: 'number' }, percent(r.summary.kpis.denialRateByAmount)),
                el('td', { class: 'number' }, r.summary.kpis.daysInAR ?? '—'),
              ),
            ),
          ),
        ),
      ),
    );
  }

  return {
    node,
    update(list) {
      runs = list;
      draw();
    },
  };
}
