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
pub fn write_xlsx(json: Vec<u8>) -> Result<Vec<u8>, JsError> {
    console_error_panic_hook::set_once();
    grow_memory_for(json.len());
    // The two wasm modules of one page come from one build; when they do not (a page half
    // updated), reloading it fetches both again.
    let book =
        Book::from_json(&json).map_err(|e| JsError::new(&format!("{e}; reload the page and try again")))?;
    drop(json);
    crate::export::xlsx::write(book).map_err(|e| JsError::new(&format!("the xlsx could not be written: {e}")))
}

/// Memory about the size that writing a book of this much JSON takes, grown in one step.
///
/// Rust's allocator grows the wasm memory 64 KiB at a time as it needs more,
/// and in V8 each step is slow: writing a 200,000-line report spent about 5 of
/// its 11 seconds growing memory (under Node). One allocation of about what
/// the writing will take, freed at once, grows the memory in one step, and the
/// allocator then hands it out again piece by piece. The writing took about 8
/// bytes of memory for each byte of JSON (the book, then rust_xlsxwriter's
/// cells), and the JSON itself is freed once it is read.
fn grow_memory_for(json_bytes: usize) {
    let mut room: Vec<u8> = Vec::new();
    // Without that much room, the writing may still fit: it grows memory as it goes.
    let _ = room.try_reserve_exact(json_bytes.saturating_mul(8));
    std::hint::black_box(&room);
}
