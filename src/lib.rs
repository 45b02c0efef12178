//! ClearBill: a medical-billing reconciler and patient-cost calculator.
//!
//! Everything runs on the user's machine: the same core is compiled to a native
//! command line (`src/bin/clearbill.rs`) and to WebAssembly for the page
//! (`src/wasm.rs`). The rules live in `../shared/SPEC.md`; each module below owns
//! one part of it.
//!
//! Data flows one way:
//!
//! ```text
//! bytes ──table──▶ Sheet ──columns──▶ Mapping ──records──▶ rows ──reconcile──▶ Report ──export──▶ csv/xlsx
//!                                                             └──estimate──▶ Estimate
//! ```
//!
//! | module | SPEC | job |
//! |---|---|---|
//! | [`money`] | §1 | `Money` and `Rate`: parse, round, format |
//! | [`table`] | §2 | bytes → `Sheet` of typed cells: formats, encodings, limits, dates |
//! | [`columns`] | §3 | `Role`s, header synonyms, header-row detection, `Mapping` |
//! | [`inspect`] | §7 | what `clearbill inspect` and the page's mapping step show |
//! | [`x12`] | §4 inputs | X12 835 (ERA) remittance → claims, balancing findings, `RemitLine` payment rows |

pub mod columns;
pub mod inspect;
pub mod money;
pub mod table;
pub mod x12;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use money::{Money, Rate};
