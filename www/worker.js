// The worker owns the WebAssembly core, so that reading a large spreadsheet
// never freezes the page. app.js is its only client.
//
// Protocol (one request, one reply; `id` pairs them):
//   page → worker   { id, type, args }         type names a function in `handlers`; for
//                                              type 'session', args[1] must be in SESSION_METHODS
//   worker → page   { id, type: 'progress', message, percent }   zero or more, while working
//                                              (reconcile, readPrices, and a session's downloads:
//                                              each step of an export as it starts)
//                   { id, type: 'result', value }
//                   { id, type: 'error', message, error }   message is for people, never cell contents;
//                                              error is what the wasm's thrown Error says about itself
//                                              (ERROR_FIELDS: kind, detail, file, sheet, row, column,
//                                              field, service), so the page never reads the message
//                   { id, type: 'error', message, fatal: true }   the wasm trapped; this worker is done
//
// File bytes arrive as transferred ArrayBuffers; a hospital price file arrives as its File
// (a handle) and is read here in slices (`readPrices`). A reconciliation stays here
// as a wasm Session, named by a number; the page asks for pages of it. Remittances read on their
// own (readRemittances) are kept the same way, and answer explain, exportCsv, exportXlsx, exportJson.
//
// The xlsx writer is a second wasm module (pkg-xlsx/, src/wasm_xlsx.rs), fetched the first time
// the page asks a session for `exportXlsx`: rust_xlsxwriter would be a third of the page's own
// wasm, and most visits never download an xlsx. The session lays the workbook out (`exportBook`,
// JSON) and the writer turns it into the file; to the page, `exportXlsx` gives the bytes as before.

import init, * as wasm from './pkg/clearbill.js';

// Fetches and compiles pkg/clearbill_bg.wasm; `#[wasm_bindgen(start)]` runs here.
// A single-file build hands the module in through `self.clearbillWasm`.
const ready = init(self.clearbillWasm ? { module_or_path: self.clearbillWasm } : undefined);

/** The share of an xlsx export's time that laying out the workbook takes, in percent. */
const BOOK_SHARE = 10;

/** The xlsx writer module, loaded once on first use (a single-file build hands its bytes in). */
let writer;
function xlsxWriter() {
  writer ??= (async () => {
    const module = await import('./pkg-xlsx/clearbill_xlsx.js');
    await module.default(self.clearbillXlsxWasm ? { module_or_path: self.clearbillXlsxWasm } : undefined);
    return module;
  })().catch((error) => {
    writer = undefined;
    throw new Error(`the xlsx writer did not load (${error.message}); check the connection and try again`);
  });
  return writer;
}

/**
 * A session's report as xlsx bytes: laid out by the session, written by the writer module.
 * `progress` hears each step as it starts; the percents are the steps' shares of the time of a
 * 200,000-line export (benches/exports.mjs).
 */
async function exportXlsx(session, progress) {
  const loading = xlsxWriter(); // starts fetching while the session lays the workbook out
  progress('Laying out the workbook', 0);
  const book = session.exportBook();
  const { writeXlsx } = await loading;
  progress('Writing the xlsx file', BOOK_SHARE);
  try {
    return writeXlsx(book);
  } catch (error) {
    // A trap leaves only the writer's own instance unusable (the sessions live in the other
    // one): the next download loads a fresh writer.
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    writer = undefined;
    throw new Error('the xlsx could not be written; try again, or download the csv or json');
  }
}

/**
 * What the page may ask of a kept session, by kind: the allow-list of the protocol. A method that
 * is not listed is refused, so a new Session method reaches the page only when it is added here.
 */
const SESSION_METHODS = {
  // wasm Session (a reconciliation): its overview, pages of its tables, patients, downloads.
  reconciliation: new Set([
    'summary', 'lines', 'worklist', 'claims', 'claimStates', 'unmatchedPayments', 'rejected', 'duplicates',
    'remittanceFindings', 'findPatients', 'patientOfLine', 'patientAccount', 'accountsWithBalance',
    'explainBalance', 'exportCsv', 'exportJson', 'exportWorklistCsv', 'exportXlsx',
  ]),
  // wasm Remittances (835s read on their own).
  remittance: new Set(['report', 'explain', 'exportCsv', 'exportJson', 'exportXlsx']),
};

/** The requests whose handler takes `progress(message, percent)` first: long work. */
const WITH_PROGRESS = new Set(['reconcile', 'readPrices', 'session']);

/** Kept sessions by number: { kind, session }. */
const sessions = new Map();
let nextSession = 1;

const bytes = (buffer) => new Uint8Array(buffer);

const handlers = {
  version: () => wasm.version(),
  /** The built-in sample files: [{ role, name, bytes }], and the date they were made for. */
  sampleFiles: () => wasm.sampleFiles(),
  sampleAsOf: () => wasm.sampleAsOf(),
  /** { roles: [{ key, label }], lowConfidence }: what a column can be, for the mapping dropdowns. */
  columnRoles: () => wasm.columnRoles(),
  /** What the core makes of a file: with the sheet and header row (1-based) the user chose, if any. */
  inspect: (buffer, name, sheet, mapping, headerRow) =>
    wasm.inspect(bytes(buffer), name, sheet ?? undefined, headerRow ?? undefined, mapping ?? undefined),

  /** Reconciles and keeps the result; answers with the session's number and its summary. */
  reconcile: (progress, request) => {
    const session = new wasm.Session(request, (message, percent) => progress(message, percent));
    const id = nextSession++;
    sessions.set(id, { kind: 'reconciliation', session });
    return { session: id, overview: session.summary() };
  },
  /** Calls one method of a kept session, if SESSION_METHODS allows it for the session's kind. */
  session: (progress, id, method, ...args) => {
    const kept = sessions.get(id);
    if (!kept) throw new Error('That reconciliation is no longer open; reconcile again.');
    if (!SESSION_METHODS[kept.kind].has(method)) throw new Error(`A ${kept.kind} has no "${method}".`);
    if (method === 'exportXlsx') return exportXlsx(kept.session, progress);
    if (method === 'exportCsv' || method === 'exportJson' || method === 'exportWorklistCsv') {
      progress(`Writing the ${method === 'exportJson' ? 'json' : 'csv'} file`, 0);
    }
    return kept.session[method](...args);
  },
  /** Reads 835 files on their own (SPEC §12) and keeps them; answers with the session's number and the report. */
  readRemittances: (files) => {
    const remittances = new wasm.Remittances(files);
    const id = nextSession++;
    sessions.set(id, { kind: 'remittance', session: remittances });
    return { session: id, report: remittances.report() };
  },
  closeSession: (id) => {
    sessions.get(id)?.session.free();
    sessions.delete(id);
  },

  estimate: (plan, services) => wasm.estimate(plan, services),
  readServices: (buffer, name) => wasm.readServices(bytes(buffer), name),
  paymentPlan: (request) => wasm.paymentPlan(request),
  gfeCheck: (estimate, estimateName, bill, billName, billDate, asOf) =>
    wasm.gfeCheck(bytes(estimate), estimateName, bytes(bill), billName, billDate, asOf),

  /**
   * One streamed pass over a hospital price file (SPEC §10): `{ file, query }`, with the File
   * read in slices by FileReaderSync (workers only), never whole; the wasm keeps only the rows
   * that match the query. Progress goes out as percent of the file read.
   */
  readPrices: (progress, { file, query }) => {
    const reader = new FileReaderSync();
    const readSlice = (offset, length) => new Uint8Array(reader.readAsArrayBuffer(file.slice(offset, offset + length)));
    return wasm.readPrices(file.size, readSlice, query ?? {}, (percent) => progress('Reading the price file', percent));
  },
};

/**
 * What a thrown Error of the wasm says about itself besides its message (src/wasm.rs): the page
 * focuses the field it names. An Error's own properties do not survive postMessage, so they are
 * copied out.
 */
const ERROR_FIELDS = ['kind', 'detail', 'file', 'sheet', 'row', 'column', 'field', 'service'];

function errorFields(error) {
  const fields = {};
  for (const key of ERROR_FIELDS) {
    const value = error?.[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
}

self.addEventListener('message', async ({ data: { id, type, args = [] } }) => {
  const progress = (message, percent) => self.postMessage({ id, type: 'progress', message, percent });
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`The worker has no request called "${type}".`);
    const value = WITH_PROGRESS.has(type) ? await handler(progress, ...args) : await handler(...args);
    // Export bytes go back without a copy.
    const transfer = value instanceof Uint8Array ? [value.buffer] : [];
    self.postMessage({ id, type: 'result', value }, transfer);
  } catch (error) {
    // A trap inside the wasm (a reader that gave up on a damaged file) leaves the
    // instance unusable: say so, and the page starts a fresh worker.
    if (error instanceof WebAssembly.RuntimeError) {
      self.postMessage({
        id,
        type: 'error',
        fatal: true,
        message: 'the file could not be read: it looks damaged, and the reader stopped. Open it in Excel or LibreOffice and save it again as .xlsx',
      });
      return;
    }
    self.postMessage({
      id,
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      error: errorFields(error),
    });
  }
});
