//! The WebAssembly binding: the page's worker (`www/worker.js`) calls these
//! functions. This file only converts between JavaScript and the core and
//! forwards; every rule lives in the core modules, so that `cargo test` covers
//! it natively.

use wasm_bindgen::prelude::*;

/// Runs once when the worker instantiates the module: a Rust panic then shows
/// its message in the console instead of a bare `unreachable` trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate version, shown by the page so that a bug report names the build.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
