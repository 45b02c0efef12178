//! [`InputError`]: a file that cannot be used at all (row problems are data,
//! the rejected list, not errors), and the [`Hint`] each edge words its own way.

use crate::columns;
use crate::table::TableError;

/// A file that cannot be used at all. The message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{file}: {source}")]
    Table { file: String, source: TableError },
    #[error("{file}: no header row in the first {rows} rows of sheet \"{sheet}\"; expected column names such as {expected}")]
    NoHeader { file: String, sheet: String, rows: u32, expected: String },
    #[error("{file}: row {row} of sheet \"{sheet}\" is empty, so it cannot be the header row")]
    EmptyHeaderRow { file: String, sheet: String, row: u32 },
    #[error("{file}: {source}")]
    Mapping { file: String, source: columns::MappingError },
    /// Each edge adds how to map a column there ([`InputError::hint`]).
    #[error("{file}: no column is mapped to {needed}, so its rows cannot be read")]
    Unmapped { file: String, needed: String },
    #[error("{file}: {source}")]
    X12 { file: String, source: crate::x12::X12Error },
    /// The same bytes (and sheet) given twice (SPEC §8.5).
    #[error("{}", same_file_message(first, second, sheet.as_deref()))]
    SameFile { first: String, second: String, sheet: Option<String> },
    /// A charges file that reads as a payments file: the files are likely swapped.
    #[error(
        "{file} has payment columns ({found}) but no billed amount: it looks like a payments file. \
         Were the files swapped? Choose the file with the billed charges as charges and this one as payments"
    )]
    LooksLikePayments { file: String, found: String },
    /// A payments file that reads as a charges file: the files are likely swapped.
    #[error(
        "{file} has billed amounts but no paid amount or adjustment: it looks like a charges file. \
         Were the files swapped? Choose the payer's remittance as payments and this one as charges"
    )]
    LooksLikeCharges { file: String },
    /// An 835 remittance given as the charges file.
    #[error(
        "{file} is an 835 remittance: it holds what the payer paid, not what was billed. \
         Choose it as a payments file, and choose the practice's charges export as charges"
    )]
    RemittanceAsCharges { file: String },
    /// Several charges files where one is not an 837: only claim files can be given together
    /// as the charges (SPEC §11).
    #[error(
        "{file} is not an 837 claim file: several files can be the charges only when each is an \
         837 file of claims sent to payers. Give a spreadsheet of charges on its own, or only 837 files"
    )]
    ChargesNotClaims { file: String },
    /// No charges file at all.
    #[error("no charges file was given")]
    NoCharges,
}

fn same_file_message(first: &str, second: &str, sheet: Option<&str>) -> String {
    let sheet = sheet.map(|s| format!(" (sheet \"{s}\")")).unwrap_or_default();
    let what = if first == second {
        format!("{first}{sheet} was chosen twice")
    } else {
        format!("{first} and {second} are the same file{sheet}")
    };
    format!(
        "{what}: each part of the reconciliation needs its own file, or its own sheet of a workbook. \
         Choose the practice's charges export as charges and the payer's remittance as payments"
    )
}

/// What the person can do about an [`InputError`], worded by each edge (the
/// CLI names its flags, the page its controls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Say which column holds a value (the CLI's `--map`, the page's column list).
    MapAColumn,
}

impl InputError {
    pub fn hint(&self) -> Option<Hint> {
        match self {
            InputError::Unmapped { .. } => Some(Hint::MapAColumn),
            _ => None,
        }
    }
}
