//! The xlsx writer as a WebAssembly module of its own (www/pkg-xlsx, `make wasm`).
//!
//! rust_xlsxwriter is about a third of the page's wasm when built in, and only
//! the "Download xlsx" button needs it. So the page's wasm (`src/wasm.rs`)
//! lays the report out as an [`export::book::Book`](crate::export::book::Book)
//! and hands it over as JSON (`Session.exportBook()`), and the worker loads
//! this module the first time the user downloads an xlsx and calls
//! [`write_xlsx`]. Built alone (`--no-default-features --features xlsx`), it
//! holds the writer and no reader or reconciliation code.
//!
//! It has no `#[wasm_bindgen(start)]`: the wasm tests link it together with
//! `src/wasm.rs`, and a module has one start function at most.

use wasm_bindgen::prelude::*;

use crate::export::book::Book;

/// `writeXlsx(book)`: the JSON of a book (what `Session.exportBook()` gives) → the xlsx file's bytes.
#[wasm_bindgen(js_name = writeXlsx)]
pub fn write_xlsx(book: &[u8]) -> Result<Vec<u8>, JsError> {
    console_error_panic_hook::set_once();
    let book = Book::from_json(book).map_err(|e| JsError::new(&e.to_string()))?;
    crate::export::xlsx::write(&book)
        .map_err(|e| JsError::new(&format!("the xlsx could not be written: {e}")))
}
