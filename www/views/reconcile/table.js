// A table that shows one page of a list kept in the worker (lines, worklist,
// unmatched payments, rejected rows), so a report of 200,000 lines costs the
// page 100 rows at a time. Sortable columns have header buttons with aria-sort;
// the pager is a pair of buttons and a sentence that says where you are.

import { el, replace } from '../../dom.js';

const PAGE = 100;

/**
 * columns: [{ label, cell(item) → string | Node, sort?: key, numeric?: bool,
 *             optional?: bool (hidden until chosen in the "Columns" chooser) }]
 * rowData(item) → dataset of the item's row (e.g. { claim: '000394' })
 * load({ offset, limit, sort, descending }) → Promise<{ total, offset, items }>
 * label: the table's accessible name (also its caption)
 * empty: what to say when there is nothing to show
 * Returns { node, refresh({ keepPage }) }.
 */
export function pagedTable({ id, label, columns: all, load, empty = 'Nothing to show.', nowrap = false, rowData }) {
  const state = { offset: 0, sort: null, descending: false };
  const shown = new Set(all.filter((c) => !c.optional));
  let columns = all.filter((c) => shown.has(c));
  let lastPage = null;
  const body = el('tbody');
  const headRow = el('tr');
  const where = el('p', { class: 'pager-text', id: `${id}-where`, 'aria-live': 'polite' });
  const previous = el('button', { type: 'button', on: { click: () => go(state.offset - PAGE) } }, 'Previous page');
  const next = el('button', { type: 'button', on: { click: () => go(state.offset + PAGE) } }, 'Next page');
  const table = el(
    'table',
    { id, class: nowrap ? 'report-table nowrap' : 'report-table', 'aria-describedby': `${id}-where` },
    el('caption', { class: 'visually-hidden' }, label),
    el('thead', {}, headRow),
    body,
  );
  // Less important columns wait behind a chooser, so that the table fits a laptop screen.
  const chooser = all.some((c) => c.optional)
    ? el(
        'details',
        { class: 'column-chooser' },
        el('summary', {}, 'Columns'),
        el(
          'fieldset',
          {},
          el('legend', { class: 'visually-hidden' }, `Columns of ${label}`),
          all.map((column, i) => {
            const box = el('input', { type: 'checkbox', id: `${id}-col-${i}`, checked: shown.has(column) });
            box.addEventListener('change', () => {
              if (box.checked) shown.add(column);
              else shown.delete(column);
              columns = all.filter((c) => shown.has(c));
              renderHead();
              if (lastPage) renderBody(lastPage);
            });
            return el('label', { for: `${id}-col-${i}` }, box, ` ${column.label}`);
          }),
        ),
      )
    : null;
  const node = el(
    'div',
    { class: 'paged-table' },
    chooser,
    el('div', { class: 'scroll tall', role: 'region', 'aria-label': label, tabindex: 0 }, table),
    el('div', { class: 'pager' }, previous, where, next),
  );
  let generation = 0;

  function renderHead() {
    replace(
      headRow,
      columns.map((column) => {
        const sorted = column.sort && state.sort === column.sort;
        const attrs = {
          scope: 'col',
          class: column.numeric ? 'number' : null,
          'aria-sort': sorted ? (state.descending ? 'descending' : 'ascending') : null,
        };
        if (!column.sort) return el('th', attrs, column.label);
        const arrow = sorted ? (state.descending ? ' ▼' : ' ▲') : '';
        return el(
          'th',
          attrs,
          el(
            'button',
            { type: 'button', class: 'sort', on: { click: () => sortBy(column.sort) } },
            column.label,
            el('span', { 'aria-hidden': 'true' }, arrow),
          ),
        );
      }),
    );
  }

  function sortBy(key) {
    state.descending = state.sort === key ? !state.descending : false;
    state.sort = key;
    state.offset = 0;
    renderHead();
    headRow.querySelector('[aria-sort] button')?.focus();
    return refresh({ keepPage: true });
  }

  function go(offset) {
    state.offset = Math.max(0, offset);
    return refresh({ keepPage: true });
  }

  /** Loads the current page again (back to the first page unless keepPage). */
  async function refresh({ keepPage = false } = {}) {
    if (!keepPage) state.offset = 0;
    const mine = ++generation;
    const query = { offset: state.offset, limit: PAGE, descending: state.descending };
    if (state.sort) query.sort = state.sort;
    let page;
    try {
      page = await load(query);
    } catch (error) {
      if (mine === generation) where.textContent = `This page could not be shown: ${error.message}`;
      return;
    }
    // A newer request (the user typed on) wins over this one.
    if (mine !== generation) return;
    state.offset = page.offset;
    lastPage = page;
    renderBody(page);
    const last = page.offset + page.items.length;
    where.textContent = page.total
      ? `Showing ${page.offset + 1}–${last} of ${page.total.toLocaleString('en-US')}`
      : 'Showing 0 of 0';
    const hadFocus = document.activeElement;
    previous.disabled = page.offset === 0;
    next.disabled = last >= page.total;
    previous.hidden = next.hidden = page.total <= PAGE;
    // A pager button that just became disabled hands the focus to the other one.
    if (hadFocus === next && next.disabled && !previous.disabled) previous.focus();
    if (hadFocus === previous && previous.disabled && !next.disabled) next.focus();
    node.dataset.total = String(page.total);
  }

  function renderBody(page) {
    replace(
      body,
      page.items.length
        ? page.items.map((item) =>
            el(
              'tr',
              { dataset: rowData?.(item) },
              columns.map((column) => el('td', { class: column.numeric ? 'number' : null }, column.cell(item))),
            ),
          )
        : el('tr', {}, el('td', { colspan: columns.length }, empty)),
    );
  }

  renderHead();
  return { node, refresh, rerender: () => lastPage && renderBody(lastPage) };
}
