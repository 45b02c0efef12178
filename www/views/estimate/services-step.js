// Step 2 of the estimate view, "Your bill, or the care you expect": a bill
// loaded from a spreadsheet, prices looked up in a hospital's price file
// (estimate/prices.js), and the services typed or loaded (estimate/services-form.js).

import { el, replace } from '../../dom.js';
import { hideError, showMessage } from './fields.js';
import { priceLookup } from './prices.js';
import { servicesForm } from './services-form.js';

/**
 * Reads and writes `state.fileNotes` (what the bill reader noted about the loaded bill).
 * `onLoaded` is called once a bill has replaced the services. Returns
 * { node, update(), form, error }: `form` is the services form, `error` the
 * message below it.
 */
export function servicesStep(state, app, { onLoaded }) {
  const form = servicesForm();
  const prices = priceLookup(app.call, { onAdd: (list) => form.add(list) });
  const fileInput = el('input', {
    type: 'file',
    id: 'est-bill-file',
    accept: '.xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.tsv,.txt,.json',
    'aria-describedby': 'est-bill-file-help',
  });
  const fileNotesNode = el('ul', { class: 'notes', id: 'est-file-notes', hidden: true });
  const error = el('p', { class: 'form-error', id: 'est-services-error', role: 'alert', hidden: true });
  const addButton = el('button', { type: 'button', id: 'est-add-service' }, 'Add a service');
  const node = section({ fileInput, fileNotesNode, prices, form, error, addButton });

  function update() {
    replace(fileNotesNode, state.fileNotes.map((note) => el('li', {}, note)));
    fileNotesNode.hidden = state.fileNotes.length === 0;
  }

  addButton.addEventListener('click', () => form.addRow());
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    hideError(error);
    app.announce(`Reading ${file.name}…`);
    try {
      const read = await app.call('readServices', [await file.arrayBuffer(), file.name]);
      // Loading a bill replaces the rows: typed ones are not thrown away unasked. The question
      // comes once the file is read, so a file that cannot be read asks nothing.
      const count = read.services.length;
      if (
        form.hasEntries &&
        !window.confirm(`Replace the services you entered with the ${count} ${count === 1 ? 'service' : 'services'} in ${file.name}?`)
      ) {
        app.announce(`${file.name} was not loaded; your services are as you entered them.`);
        return;
      }
      form.set(read.services);
      state.fileNotes = read.notes;
      update();
      onLoaded();
      app.announce(`${read.services.length} ${read.services.length === 1 ? 'service' : 'services'} read from ${file.name}.`);
    } catch (problem) {
      showMessage(error, problem.message);
      app.announce(`${file.name} could not be read.`);
    } finally {
      fileInput.value = '';
    }
  });

  return { node, update, form, error };
}

/** The step's section: the heading, the bill to load, the price lookup, the services. */
function section({ fileInput, fileNotesNode, prices, form, error, addButton }) {
  return el(
    'section',
    { class: 'step', 'aria-labelledby': 'est-services-heading' },
    el('h3', { id: 'est-services-heading', tabindex: '-1' }, '2. Your bill, or the care you expect'),
    el(
      'p',
      { class: 'lead' },
      'List each service in the order you get it: what you pay for one can change what you pay for the next.',
    ),
    el(
      'div',
      { class: 'load-bill' },
      el('label', { for: 'est-bill-file' }, 'Load a bill from a spreadsheet (xlsx, xls, ods or csv)'),
      fileInput,
      el(
        'p',
        { class: 'help', id: 'est-bill-file-help' },
        'Columns such as Description, Category, Billed, Allowed and Network are read; the file stays on this computer.',
      ),
      fileNotesNode,
    ),
    prices.node,
    form.node,
    error,
    el('div', { class: 'actions' }, addButton),
  );
}
