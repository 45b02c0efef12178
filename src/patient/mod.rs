//! The patient's side of a reconciliation (SPEC §9.5): finding a patient
//! ([`search`]), their account with what they owe and why ([`account`]), and
//! the printable statement ([`statement`]).

pub mod account;
pub mod explain;
pub mod search;
pub mod statement;

pub use account::{Account, FindError, PatientSummary};
pub use search::PatientQuery;

/// The patient tests' reconciliation of two small CSV texts, as of 2026-11-15.
#[cfg(test)]
pub(crate) fn reconcile_csv(charges: &str, payments: &str) -> crate::reconcile::Report {
    use crate::reconcile::{reconcile_files, FileInput, Options};
    fn input<'a>(text: &'a str, name: &'a str) -> FileInput<'a> {
        FileInput { bytes: text.as_bytes(), name, ..FileInput::default() }
    }
    let o = Options::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(), crate::money::Money::ZERO);
    reconcile_files(
        &[&input(charges, "c.csv")],
        &[&input(payments, "p.csv")],
        &[],
        None,
        &o,
        &crate::table::Limits::default(),
        &mut crate::progress::NoProgress,
    )
    .unwrap()
}
