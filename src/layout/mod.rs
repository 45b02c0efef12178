//! Report layouts (SPEC §8.1): what a printed report puts around its table.
//!
//! Practice systems export reports that were laid out for paper: a header
//! split over two rows or under merged group labels, the header repeated at
//! every page break with "Page 3 of 12" and "Printed …" lines, group label
//! rows ("Patient: SMITH, JOHN") and "Total for …" rows around each group,
//! and the claim, patient and date printed on a group's first row only.
//!
//! - [`header`] finds the header row (or the one the user chose) and joins a
//!   two-row or merged header per column into one name per column.
//! - [`rows`] tells the data rows from the rows a report adds (page headers
//!   and footers, group labels, footer totals): those are skipped, counted
//!   and named in a note, never rejected.
//! - [`fill_down`] carries a group's claim, patient, date of service and
//!   payer down to the rows that leave them blank, in grouped layouts only.
//!
//! [`crate::records`] uses all three while it reads the rows; [`crate::inspect`]
//! shows the same header and the same skipped rows.

pub mod fill_down;
pub mod header;
pub mod rows;

pub use fill_down::FillDown;
pub use header::find_layout;
pub use rows::{RowKinds, SkipKind, SkippedRow};
