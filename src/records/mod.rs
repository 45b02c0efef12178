//! Sheet + Mapping → typed rows: charges, payments and fee-schedule entries.
//!
//! [`load`] takes a file's bytes to a [`Table`]: the sheet, its header row
//! and the final column mapping (detected, then the user's overrides). The
//! `read_*` functions then turn each data row into a [`ChargeRow`],
//! [`PaymentRow`] or [`FeeRow`]. A row whose required value cannot be read
//! goes to the rejected list with its file, row, column letter, the cell as
//! written and why (SPEC §4 "Every row is accounted for"); it is never
//! dropped silently and never stops the rest of the file.
//!
//! | module | job |
//! |---|---|
//! | [`ids`] | [`Id`]: identifiers as written and as matched (SPEC §2, §4) |
//! | [`load`](mod@load) | bytes → [`Table`]: the sheet, its header row, the mapping; [`peek_mapping`] |
//! | [`cells`] | one cell → a [`Value`] for its role ([`read_cell`], SPEC §1–§3), and the column cache |
//! | [`rows`] | the walk down the data rows, and [`read_charges`], [`read_payments`], [`read_fees`] |
//! | [`x12`](mod@x12) | the rows of an 835 remittance or an 837 claim file |
//! | [`error`] | [`InputError`]: a file that cannot be used at all |
//!
//! One function per job, each listening to a [`Progress`](crate::progress::Progress):
//! - [`load`] reads the whole sheet (with the header row the user chose, or
//!   found); [`peek_mapping`] is another job, not a variant: it reads only the
//!   first rows, for the mapping, and is quick enough to report nothing.
//! - [`read_charges`], [`read_payments`] and [`read_fees`] hand each accepted
//!   row to `each` as it is read and return the rest of what the file said
//!   (rejected rows, blank and skipped rows, notes), so that a reconciliation
//!   can apply a row and let it go. [`keep_rows`] keeps them all instead, for
//!   a caller that wants the rows themselves.
//! - [`records_of_835`] and [`records_of_837`] take the file as
//!   [`crate::x12`] parsed it, once: the reconciliation keeps the parsed file
//!   for what else it says (provider adjustments, findings, claims). They
//!   read no sheet, so they report nothing.

mod cells;
mod error;
mod ids;
mod load;
mod rows;
mod x12;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

use crate::carc::ReasonCode;
use crate::interned::Text;
use crate::layout::{SkipKind, SkippedRow};
use crate::money::Money;
use crate::payment_source::PaymentSource;

pub use cells::{read_cell, ReadContext, Value};
pub use error::{Hint, InputError};
pub use ids::Id;
pub use load::{check_charges, load, peek_mapping, Table};
pub use rows::{read_charges, read_fees, read_payments};
pub use x12::{records_of_835, records_of_837, roles_835, roles_837};

/// Which input a row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Charges,
    Payments,
    Fees,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Charges => "charges",
            FileKind::Payments => "payments",
            FileKind::Fees => "fees",
        })
    }
}

/// A row that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub file: FileKind,
    pub row: u32,
    /// Column letter of the offending cell (`null` when no single cell is to blame).
    pub column: Option<String>,
    /// The cell as written.
    pub value: String,
    pub reason: String,
}

/// What identifies the service a row is about. Each field is optional; which
/// ones matter depends on the match level chosen for the pair of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Keys {
    pub claim: Option<Id>,
    pub line: Option<Id>,
    pub patient_id: Option<Id>,
    pub patient_name: Option<Id>,
    pub service_date: Option<NaiveDate>,
    pub code: Option<Id>,
    pub modifier: Option<Id>,
}

impl Keys {
    /// The patient as shown: the name when there is one, else the ID.
    pub fn patient_shown(&self) -> Option<Text> {
        self.patient_name.as_ref().or(self.patient_id.as_ref()).map(|i| i.shown.clone())
    }
}

/// What came back from the payer for a row: amounts and reason codes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Remit {
    pub paid: Money,
    pub contractual: Money,
    /// Patient responsibility: its own column, or deductible + coinsurance +
    /// copay when only those are mapped (SPEC §3).
    pub patient_responsibility: Money,
    pub deductible: Option<Money>,
    pub coinsurance: Option<Money>,
    pub copay: Option<Money>,
    pub other_adjustment: Money,
    pub patient_paid: Money,
    /// Whose payment the row is (SPEC §8.3): primary unless a column or the
    /// 835's CLP02 says otherwise. A patient's row adds its paid amount to
    /// patient paid, never to insurance paid.
    pub source: PaymentSource,
    pub reason_codes: Vec<ReasonCode>,
    /// Whether any of paid, contractual, patient responsibility or other
    /// adjustment was written at all (a written zero counts).
    pub any_amount: bool,
}

impl Remit {
    /// Remittance information is present: an amount written, or a reason code.
    pub fn exists(&self) -> bool {
        self.any_amount || !self.reason_codes.is_empty()
    }
}

/// One row of the charges file (or of the single billed+paid table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRow {
    pub row: u32,
    pub keys: Keys,
    pub payer: Option<Text>,
    pub billed: Money,
    pub allowed: Option<Money>,
    pub billed_date: Option<NaiveDate>,
    /// The patient's date of birth, when a column gives it (for finding a patient).
    pub date_of_birth: Option<NaiveDate>,
    /// Units of service; the fee schedule's amount is per unit. 1 when blank.
    pub units: Decimal,
    /// What came back, in single mode (all zero in matched mode).
    pub remit: Remit,
}

/// One row of a remittance (payments) file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    pub row: u32,
    pub keys: Keys,
    pub payer: Option<Text>,
    pub billed: Option<Money>,
    pub allowed: Option<Money>,
    pub remit: Remit,
    pub payment_date: Option<NaiveDate>,
    pub check_number: Option<Text>,
    /// A row about a whole claim rather than one service line (from an 835:
    /// a claim paid without service lines, or claim-level adjustments).
    pub claim_level: bool,
}

/// One fee-schedule entry: the amount expected for a code (from one payer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeRow {
    pub row: u32,
    pub code: Id,
    pub payer: Option<Id>,
    pub allowed: Money,
}

/// The rows read from one file, and what happened to the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Records<T> {
    pub file: FileKind,
    /// The file's name, as the user gave it.
    pub name: String,
    pub rows: Vec<T>,
    pub rejected: Vec<Rejected>,
    /// Blank rows between the header and the last data row.
    pub blank: usize,
    /// Rows a report adds around its data (footer totals, repeated page
    /// headers, page footers, group labels), left out of every sum (SPEC §8.1).
    pub skipped: Vec<SkippedRow>,
    /// Things the user should know: an encoding guessed, a date order assumed,
    /// amounts rounded to the cent.
    pub notes: Vec<String>,
}

impl<T> Records<T> {
    /// Footer total rows ("Total", "Subtotal"), by row number.
    pub fn totals_rows(&self) -> Vec<u32> {
        self.skipped.iter().filter(|s| s.kind == SkipKind::FooterTotal).map(|s| s.row).collect()
    }
}

impl Records<()> {
    /// The same records, holding `rows`.
    fn holding<T>(self, rows: Vec<T>) -> Records<T> {
        Records {
            file: self.file,
            name: self.name,
            rows,
            rejected: self.rejected,
            blank: self.blank,
            skipped: self.skipped,
            notes: self.notes,
        }
    }
}

/// Runs one of the `read_*` functions and keeps every row it hands over:
/// `keep_rows(|each| read_payments(&table, &mut NoProgress, each))`.
pub fn keep_rows<T>(
    read: impl FnOnce(&mut dyn FnMut(T)) -> Result<Records<()>, InputError>,
) -> Result<Records<T>, InputError> {
    let mut rows = Vec::new();
    let records = read(&mut |row| rows.push(row))?;
    Ok(records.holding(rows))
}
