//! The patient's side of a reconciliation (SPEC §9.5): finding a patient
//! ([`search`]), their account with what they owe and why ([`account`]), and
//! the printable statement ([`statement`]).

pub mod account;
pub mod explain;
pub mod search;
pub mod statement;

pub use account::{Account, FindError, PatientSummary};
pub use search::PatientQuery;
