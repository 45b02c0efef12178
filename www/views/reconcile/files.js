// Choosing the files to reconcile: a drop zone that is also a real file input,
// and for each file the sheet, the header row the core found, and the column
// mapping with a preview of how the first rows will be read. The bytes stay in
// this page and in the worker; nothing is sent anywhere.

import { dollars, el, replace } from '../../dom.js';
import * as remembered from './remembered.js';

const ACCEPT = '.xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.tsv,.txt';
const REMITTANCE_ACCEPT = `${ACCEPT},.835,.edi,.era,.x12`;
const CLAIMS_ACCEPT = `${ACCEPT},.837,.edi,.x12`;
const ACKS_ACCEPT = '.999,.997,.277,.edi,.x12,.txt';

/**
 * A drop zone for one kind of file.
 *   role      'charges' | 'payments' | 'fees' (also the input's id prefix)
 *   label     what the user sees ("Charges")
 *   hint      one sentence: which export this is
 *   multiple  several files at once (remittances)
 *   together  with `multiple`: which files may stand together (the charges: 837 claim files); a
 *             file chosen later that is not one of them, or next to one that is not, takes the
 *             place of the files chosen before it
 *   roles     { roles: [{ key, label }], lowConfidence } from the core
 * Returns { node, files(), load(name, buffer), clear() }; `files()` lists the
 * files that were read, each { name, buffer, sheet, headerRow, mapping, inspection }.
 */
export function fileZone({ role, label, hint, required, multiple, together, roles, app }) {
  const inputId = `${role}-file`;
  const hintId = `${role}-hint`;
  const input = el('input', {
    type: 'file',
    id: inputId,
    'aria-describedby': hintId,
    accept: role === 'payments' ? REMITTANCE_ACCEPT : role === 'charges' ? CLAIMS_ACCEPT : role === 'acks' ? ACKS_ACCEPT : ACCEPT,
    multiple,
  });
  const list = el('div', { class: 'loaded-files' });
  const node = el(
    'div',
    { class: 'dropzone', dataset: { role } },
    el('label', { for: inputId }, label, ' ', el('span', { class: 'optional' }, required ? '(required)' : '(optional)')),
    el('p', { id: hintId, class: 'hint' }, hint, ' Drop it here, or choose it:'),
    input,
    list,
  );
  let cards = [];

  /** Reads the files chosen or dropped; the zone's data-busy is set meanwhile (the browser tests wait on it). */
  async function readFiles(fileList) {
    const chosen = [...fileList];
    node.dataset.busy = 'true';
    try {
      if (!multiple) clear();
      const before = cards;
      const added = [];
      for (const file of chosen.slice(0, multiple ? chosen.length : 1)) {
        added.push(await add(file.name, await file.arrayBuffer()));
      }
      if (together) keepTogether(before, added);
    } finally {
      delete node.dataset.busy;
    }
  }

  /** The files chosen before stay only when they and the ones just chosen may stand together. */
  function keepTogether(before, added) {
    const fits = (card) => card.file.inspection && together(card.file);
    if (before.length && !(before.every(fits) && added.every(fits))) {
      for (const card of before) drop(card);
      app.announce(`${added.map((c) => c.file.name).join(', ')} replaced ${before.map((c) => c.file.name).join(', ')}.`);
    }
  }

  input.addEventListener('change', async () => {
    await readFiles(input.files);
    // Choosing the same file again must read it again.
    input.value = '';
  });
  node.addEventListener('dragover', (event) => {
    event.preventDefault();
    node.classList.add('dragging');
  });
  node.addEventListener('dragleave', () => node.classList.remove('dragging'));
  node.addEventListener('drop', (event) => {
    event.preventDefault();
    node.classList.remove('dragging');
    if (event.dataTransfer?.files?.length) readFiles(event.dataTransfer.files);
  });

  /** Reads one file (name and ArrayBuffer) into this zone; resolves when it is shown. */
  async function load(name, buffer) {
    if (!multiple) clear();
    const before = cards;
    const card = await add(name, buffer);
    if (together) keepTogether(before, [card]);
    return card;
  }

  async function add(name, buffer) {
    const card = fileCard({ name, buffer, role, roles, app, onRemove: () => remove(card) });
    cards = [...cards, card];
    list.append(card.node);
    await card.ready;
    return card;
  }

  function drop(card) {
    cards = cards.filter((c) => c !== card);
    card.node.remove();
  }

  function remove(card) {
    drop(card);
    app.announce(`Removed ${card.file.name}.`);
    input.focus();
  }

  function clear() {
    cards = [];
    list.replaceChildren();
  }

  return {
    node,
    load,
    clear,
    /** The files that were read and can be reconciled. */
    files: () => cards.filter((c) => c.file.inspection).map((c) => c.file),
    /** Files that could not be read (their card shows why). */
    unreadable: () => cards.filter((c) => !c.file.inspection).map((c) => c.file.name),
  };
}

let cardCount = 0;

/**
 * One chosen file: its sheet, header row, notes and column mapping. Its
 * data-state is reading, ready or error (the browser tests wait on it).
 */
function fileCard({ name, buffer, role, roles, app, onRemove }) {
  const id = `${role}-${++cardCount}`;
  // `choices` are the user's: column letter → role key, '' for "not used".
  // `mapping` is what the core is told (role → letter | null), derived from the
  // choices and the roles detected without any (`detected`).
  // `headerRow` is the header row the user chose (null: the core finds it).
  const file = { name, buffer, sheet: null, headerRow: null, choices: {}, mapping: {}, detected: [], inspection: null };
  const body = el('div', { class: 'file-body' });
  const node = el(
    'section',
    { class: 'file-card', 'aria-labelledby': `${id}-name` },
    el(
      'div',
      { class: 'file-head' },
      el('h4', { id: `${id}-name` }, name),
      el('button', { type: 'button', class: 'quiet', 'aria-label': `Remove ${name}`, on: { click: onRemove } }, 'Remove'),
    ),
    body,
  );

  /** Asks the core what it makes of the file; a copy of the bytes goes, the original stays here. */
  async function inspect() {
    node.dataset.state = 'reading';
    const mapping = Object.keys(file.mapping).length ? file.mapping : null;
    return app.call('inspect', [file.buffer.slice(0), file.name, file.sheet, mapping, file.headerRow]);
  }

  /** Reads the file (or another sheet of it) as detected, then with the choices remembered for its headers. */
  async function read() {
    file.choices = {};
    file.mapping = {};
    file.inspection = await inspect();
    file.detected = file.inspection.columns;
    const saved = file.inspection.signature && remembered.get(file.inspection.signature);
    if (!saved) return false;
    try {
      file.choices = { ...saved };
      file.mapping = mappingFrom(file.choices, file.detected);
      file.inspection = await inspect();
      return true;
    } catch {
      // The saved choices do not fit this file after all: what was detected stands.
      file.choices = {};
      file.mapping = {};
      file.inspection = await inspect();
      return false;
    }
  }

  async function first() {
    replace(body, el('p', { class: 'hint' }, 'Reading…'));
    app.announce(`Reading ${name}…`);
    try {
      render({ usedSaved: await read() });
      app.announce(`Read ${name}: ${describe(file.inspection)}.`);
    } catch (error) {
      showError(error);
    }
  }

  function showError(error) {
    file.inspection = null;
    node.dataset.state = 'error';
    replace(
      body,
      el('p', { class: 'error', role: 'alert' }, `ClearBill cannot use ${name}: ${error.message}`),
      // A table whose column names ClearBill did not find can still be read from a row the user names.
      /\.(835|837|999|997|277|edi|era|x12)$/i.test(name) ? null : headerRowField(file.headerRow ?? '', 'If the column names are in a row ClearBill did not find, give its number.'),
    );
    app.announce(`ClearBill cannot use ${name}.`);
  }

  /** The "Header row" field: the row that holds the column names, as the spreadsheet numbers it. */
  function headerRowField(value, hint) {
    return el(
      'p',
      { class: 'header-row-picker' },
      el('label', { for: `${id}-header-row` }, 'Header row '),
      el('input', {
        type: 'number',
        id: `${id}-header-row`,
        min: 1,
        step: 1,
        value,
        'aria-describedby': `${id}-header-row-hint`,
        on: { change: (event) => chooseHeaderRow(event.target.value) },
      }),
      ' ',
      el('span', { id: `${id}-header-row-hint`, class: 'hint' }, hint),
      el('span', { class: 'header-row-problem error' }),
    );
  }

  /** The user says which row holds the column names; the core reads the file again from there. */
  async function chooseHeaderRow(value) {
    const row = Number.parseInt(value, 10);
    const before = file.headerRow;
    file.headerRow = Number.isInteger(row) && row >= 1 ? row : null;
    const focus = `${id}-header-row`;
    try {
      render({ focus, usedSaved: await read() });
      app.announce(`Header row ${file.inspection.headerRow}: ${describe(file.inspection)}.`);
    } catch (error) {
      file.headerRow = before;
      try {
        render({ focus, usedSaved: await read() });
      } catch {
        // The file could not be read before either: say why this row did not work.
        showError(error);
        return;
      }
      const message = `Row ${value} cannot be the header row: ${error.message}`;
      node.querySelector('.header-row-problem').textContent = message;
      app.announce(message);
    }
  }

  async function chooseSheet(sheet) {
    file.sheet = sheet;
    file.headerRow = null;
    try {
      render({ focus: `${id}-sheet`, usedSaved: await read() });
      app.announce(`Sheet ${sheet}: ${describe(file.inspection)}.`);
    } catch (error) {
      showError(error);
    }
  }

  /** The user gives column `column` the role `key` ('' for none); the core re-reads the preview. */
  async function chooseRole(column, key) {
    const before = { choices: { ...file.choices }, mapping: file.mapping };
    // A role names one column: an earlier choice of the same role for another column gives way.
    for (const [letter, chosen] of Object.entries(file.choices)) if (key && chosen === key) delete file.choices[letter];
    file.choices[column.letter] = key;
    file.mapping = mappingFrom(file.choices, file.detected);
    try {
      file.inspection = await inspect();
      remembered.set(file.inspection.signature, file.choices);
      render({ focus: `${id}-role-${column.index}` });
      const label = key ? roleLabel(roles, key) : 'not used';
      app.announce(`Column ${column.letter} is now ${label}. ClearBill will remember this for files with these headers.`);
    } catch (error) {
      Object.assign(file, before);
      file.inspection = await inspect().catch(() => file.inspection);
      render({ focus: `${id}-role-${column.index}` });
      app.announce(`That choice did not work: ${error.message}`);
    }
  }

  function render({ focus, usedSaved } = {}) {
    const ins = file.inspection;
    node.dataset.state = 'ready';
    if (ins.format === 'x12-837') {
      replace(
        body,
        el('p', {}, `Claims the practice sent (an X12 837 file): ${ins.claims} claim(s), ${ins.lines} service line(s), ${dollars(ins.billed)} billed. Each service line is a charge.`),
        el('pre', { class: 'x12-summary' }, ins.summary),
      );
      return;
    }
    if (ins.format === 'x12-ack') {
      replace(
        body,
        el('p', {}, `What the clearinghouse or payer said when the claims arrived: ${ins.rejected} rejection(s).`),
        el('pre', { class: 'x12-summary' }, ins.summary),
      );
      return;
    }
    if (ins.format === 'x12-835') {
      replace(
        body,
        el('p', {}, `An X12 835 electronic remittance: ${ins.claims} claim(s), ${ins.findings} balancing finding(s).`),
        el('pre', { class: 'x12-summary' }, ins.summary),
      );
      return;
    }
    const sheetPicker =
      ins.sheets.length > 1
        ? el(
            'p',
            {},
            el('label', { for: `${id}-sheet` }, 'Sheet '),
            el(
              'select',
              { id: `${id}-sheet`, on: { change: (event) => chooseSheet(event.target.value) } },
              ins.sheets.map((s) => el('option', { value: s, selected: s === ins.sheet }, s)),
            ),
          )
        : null;
    const headerPicker = headerRowField(
      ins.headerRow,
      ins.headerEnd > ins.headerRow
        ? `The column names span rows ${ins.headerRow} and ${ins.headerEnd}; they were joined. Give another row number if the names are elsewhere.`
        : 'The row that holds the column names. Give another row number if ClearBill picked the wrong one.',
    );
    replace(
      body,
      sheetPicker,
      headerPicker,
      el('p', { class: 'file-facts' }, describe(ins)),
      usedSaved ? el('p', { class: 'hint' }, 'Using the column choices you made before for files with these headers.') : null,
      ins.notes.length ? el('ul', { class: 'notes' }, ins.notes.map((n) => el('li', {}, n))) : null,
      mappingTable(ins, id, file.choices, roles, chooseRole),
    );
    if (focus) document.getElementById(focus)?.focus();
  }

  const ready = first();
  return { node, file, ready };
}

/**
 * The core's mapping override from the user's column choices: a chosen role
 * names its column (the core takes that role from any other column, and any
 * other role from this one); "not used" unmaps the role detected there.
 */
function mappingFrom(choices, detected) {
  const mapping = {};
  for (const [letter, key] of Object.entries(choices)) if (key) mapping[key] = letter;
  for (const [letter, key] of Object.entries(choices)) {
    const role = detected.find((c) => c.letter === letter)?.role;
    if (!key && role && !(role in mapping)) mapping[role] = null;
  }
  return mapping;
}

function describe(ins) {
  if (ins.format === 'x12-837') return `claims sent to payers (X12 837): ${ins.claims} claim${ins.claims === 1 ? '' : 's'}`;
  if (ins.format === 'x12-ack') return 'acknowledgments of the claims (999 or 277CA)';
  if (ins.format === 'x12-835') return `an X12 835 remittance with ${ins.claims} claim${ins.claims === 1 ? '' : 's'}`;
  const parts = [
    `${ins.format.toUpperCase()}`,
    ins.sheets.length > 1 ? `sheet “${ins.sheet}”` : null,
    ins.headerEnd > ins.headerRow ? `header in rows ${ins.headerRow}–${ins.headerEnd}` : `header in row ${ins.headerRow}`,
    `${ins.rows} data row${ins.rows === 1 ? '' : 's'}`,
    ins.blankRows ? `${ins.blankRows} blank` : null,
    ins.totalsRows.length ? `${ins.totalsRows.length} total row${ins.totalsRows.length === 1 ? '' : 's'} skipped` : null,
    otherSkipped(ins),
  ];
  return parts.filter(Boolean).join(', ');
}

/** Page headers, page footers and group labels the core left out, in words. */
function otherSkipped(ins) {
  const words = { pageHeader: 'repeated page header', pageFooter: 'page footer', groupHeader: 'group label' };
  const counts = {};
  for (const s of ins.skippedRows ?? []) if (words[s.kind]) counts[s.kind] = (counts[s.kind] ?? 0) + 1;
  const parts = Object.keys(words)
    .filter((kind) => counts[kind])
    .map((kind) => `${counts[kind]} ${words[kind]} row${counts[kind] === 1 ? '' : 's'}`);
  return parts.length ? `${parts.join(', ')} skipped` : null;
}

function roleLabel(roles, key) {
  return roles.roles.find((r) => r.key === key)?.label ?? key;
}

/**
 * Each column of the file as a row: letter, header, role (a dropdown),
 * confidence, and the first rows as they will be read.
 */
function mappingTable(ins, id, choices, roles, chooseRole) {
  const chosenByUser = new Set(Object.keys(choices));
  const previewRows = ins.preview;
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'Column'),
    el('th', { scope: 'col' }, 'Header'),
    el('th', { scope: 'col' }, 'Read as'),
    el('th', { scope: 'col' }, 'Confidence'),
    previewRows.map((r) => el('th', { scope: 'col', class: 'preview' }, `Row ${r.row}`)),
  );
  const rows = ins.columns.map((column) => {
    const low = column.role && column.confidence < roles.lowConfidence && !chosenByUser.has(column.letter);
    const select = el(
      'select',
      {
        id: `${id}-role-${column.index}`,
        'aria-label': `Column ${column.letter}${column.header ? ` “${column.header}”` : ''} is read as`,
        on: { change: (event) => chooseRole(column, event.target.value) },
      },
      el('option', { value: '', selected: !column.role }, '(not used)'),
      roles.roles.map((r) => el('option', { value: r.key, selected: r.key === column.role }, r.label)),
    );
    let confidence = '';
    if (chosenByUser.has(column.letter)) confidence = column.role ? 'your choice' : 'not used (your choice)';
    else if (column.role) confidence = low ? `${column.confidence}% — check this` : `${column.confidence}%`;
    return el(
      'tr',
      { class: low ? 'low-confidence' : null },
      el('th', { scope: 'row' }, column.letter),
      el('td', {}, column.header),
      el('td', {}, select),
      el('td', {}, confidence),
      previewRows.map((r) => previewCell(r.cells[column.index])),
    );
  });
  return el(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': `Columns of ${ins.file}`, tabindex: 0 },
    el(
      'table',
      { class: 'mapping' },
      el('caption', {}, 'How each column will be read (change a choice with its dropdown)'),
      el('thead', {}, head),
      el('tbody', {}, rows),
    ),
  );
}

function previewCell(cell) {
  if (!cell) return el('td', { class: 'preview' });
  if (cell.error) {
    return el(
      'td',
      { class: 'preview unreadable' },
      el('span', { class: 'cell-text' }, cell.text),
      el('span', { class: 'cell-error' }, `unreadable: ${cell.error}`),
    );
  }
  return el('td', { class: 'preview' }, cell.value ?? cell.text);
}
