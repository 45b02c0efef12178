//! Smoke tests of the core compiled to WebAssembly, run in headless Chrome by
//! `make test` (`wasm-pack test`). The rules themselves are tested natively;
//! these prove that the same code behaves the same in the browser.

#![cfg(target_arch = "wasm32")]

use clearbill::money::Money;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn money_parses_a_formatted_amount_in_the_browser() {
    let money: Result<Money, _> = "$1,234.50".parse();
    assert_eq!(money.map(|m| m.to_string()), Ok("1234.50".to_string()));
}

#[wasm_bindgen_test]
fn money_rejects_an_ambiguous_amount_in_the_browser() {
    assert!("1.234,50".parse::<Money>().is_err());
}
