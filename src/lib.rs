//! ClearBill: a medical-billing reconciler and patient-cost calculator.
//!
//! Everything runs on the user's machine: the same core is compiled to a native
//! command line (`src/bin/clearbill.rs`) and to WebAssembly for the page
//! (`src/wasm.rs`, feature `page`). The page's xlsx writer is a second, small
//! WebAssembly module (`src/wasm_xlsx.rs`, feature `xlsx`) that the page loads
//! only when the user downloads an xlsx. The rules live in `../shared/SPEC.md`;
//! each module below owns one part of it.
//!
//! Data flows one way:
//!
//! ```text
//! bytes ──table──▶ Sheet ──columns──▶ Mapping ──records──▶ rows ──reconcile──▶ Report ──export──▶ csv/xlsx
//!                                                             └──estimate──▶ Estimate
//! 835 bytes ──x12──▶ Remittance ──remit──▶ RemitReport (posting sheet, patient explanation) ──▶ csv/xlsx
//! ```
//!
//! | module | SPEC | job |
//! |---|---|---|
//! | [`money`] | §1 | `Money` and `Rate`: parse, round, format |
//! | [`table`] | §2 | bytes → `Sheet` of typed cells: formats, encodings, limits, dates |
//! | [`columns`] | §3 | `Role`s, header synonyms, header-row detection, `Mapping` |
//! | [`payment_source`] | §8.3 | whose payment a row is: primary, secondary, tertiary insurer or patient |
//! | [`carc`] | §4 | reason codes: reading lists like `CO 97; PR-2`, and their meanings |
//! | [`layout`] | §8.1 | report layouts: two-row headers, the chosen header row, page/group/footer rows, fill-down |
//! | [`records`] | §3–§4 | Sheet + Mapping → charge, payment and fee rows, and the rejected list |
//! | [`reconcile`] | §4 | matching, statuses, at stake, aging, KPIs, worklist: the report |
//! | [`export`] | §6 | report → CSV, and → a workbook described as data → xlsx; safe from formula injection |
//! | [`inspect`] | §7 | what `clearbill inspect` and the page's mapping step show |
//! | [`estimate`] | §5 | patient responsibility estimate, line by line with reasons; payment plans |
//! | [`progress`] | – | the `Progress` listener that long reads and the reconciliation report to |
//! | [`hashing`] | – | the fast hash of the maps that group, match and intern rows |
//! | [`interned`] | – | [`interned::Text`]: one shared copy of text that repeats down a column |
//! | [`prices`] | §10 | hospital price files (CMS template): streamed lookup, allowed amount for an estimate |
//! | [`x12`] | §4 inputs | X12 835 (ERA) remittance → claims, balancing findings, `RemitLine` payment rows |
//! | [`remit`] | §12 | 835s read on their own: payments, claims, the posting sheet, the patient's explanation |
//! | [`rarc`] | §12 | remark codes (RARCs) and their meanings |
//! | [`error`] | – | [`Error`]: the one error type the edges see, with a [`Position`] and a message for people |

pub mod carc;
pub mod columns;
pub mod error;
pub mod estimate;
pub mod export;
pub mod hashing;
pub mod inspect;
pub mod interned;
pub mod layout;
pub mod money;
pub mod patient;
pub mod payment_source;
pub mod prices;
pub mod progress;
pub mod rarc;
pub mod reconcile;
pub mod records;
pub mod remit;
pub mod sample;
pub mod table;
pub mod x12;

/// The page's WebAssembly binding; public so that `tests/wasm.rs` can call it in the browser.
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod wasm;

/// The WebAssembly xlsx writer, a module of its own (www/pkg-xlsx) that the page loads lazily.
#[cfg(all(target_arch = "wasm32", feature = "xlsx"))]
pub mod wasm_xlsx;

pub use error::{Error, ErrorKind, Position};
pub use money::{Money, Rate};
