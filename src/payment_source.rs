//! Who a payment row is from: the primary, secondary or tertiary insurer, or
//! the patient (SPEC §8.3).
//!
//! A practice's payments export often has one "Payment" column for every
//! payment and a "Payment Source" column that says whose it is. Without that
//! column a $30 copay would count as insurance paid and make the line look
//! overpaid. Spreadsheets write the source many ways (`Primary`, `2`, `Sec`,
//! `Ins 1`, `Self`, `Guarantor`); [`PaymentSource::parse`] reads them all and
//! refuses anything else, so that the row is rejected with the cell quoted
//! instead of being counted as the wrong payer. An X12 835 says it in CLP02
//! ([`PaymentSource::of_claim_status`]).
//!
//! How the levels combine on one line is in `reconcile::levels`.

use std::fmt;

use serde::Serialize;

use crate::x12::ClaimStatus;

/// Whose payment a row is. The insurance levels are in the order they pay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentSource {
    /// Also the source of every row when no column says otherwise.
    #[default]
    Primary,
    Secondary,
    Tertiary,
    Patient,
}

impl PaymentSource {
    /// The insurance level, 0 for primary to 2 for tertiary; `None` for the patient.
    pub fn insurance_level(self) -> Option<usize> {
        match self {
            PaymentSource::Primary => Some(0),
            PaymentSource::Secondary => Some(1),
            PaymentSource::Tertiary => Some(2),
            PaymentSource::Patient => None,
        }
    }

    /// The insurance levels there are.
    pub const INSURANCE_LEVELS: usize = 3;

    /// Reads a payment-source cell: `primary`, `secondary`, `tertiary`,
    /// `patient`, and the short forms of SPEC §8.3 (`1`/`2`/`3`, `P`/`S`/`T`,
    /// `Pri`/`Sec`/`Ter`, `Ins 1`, `Self`, `Pt`, `Guarantor`), in any case,
    /// with `Insurance` or `Payer` around them (`Primary Insurance`,
    /// `Secondary Payer`). `None` for anything else.
    pub fn parse(text: &str) -> Option<PaymentSource> {
        let lower = text.trim().to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .filter(|w| !matches!(*w, "ins" | "insurance" | "payer" | "payor" | "plan" | "carrier" | "pay"))
            .collect();
        // "Ins 1", "Insurance 2": the filler words are gone, the number stays.
        let [word] = words.as_slice() else { return None };
        Some(match *word {
            "primary" | "pri" | "prim" | "p" | "1" | "1st" | "first" => PaymentSource::Primary,
            "secondary" | "sec" | "s" | "2" | "2nd" | "second" => PaymentSource::Secondary,
            "tertiary" | "ter" | "tert" | "t" | "3" | "3rd" | "third" => PaymentSource::Tertiary,
            "patient" | "pt" | "pat" | "self" | "selfpay" | "guarantor" => PaymentSource::Patient,
            _ => return None,
        })
    }

    /// The level an 835 claim was processed at (CLP02): primary unless it says
    /// secondary or tertiary (2, 3, 20, 21). A denial (4) and a reversal (22)
    /// do not say the level, so they are read as primary.
    pub fn of_claim_status(status: &ClaimStatus) -> PaymentSource {
        match status {
            ClaimStatus::ProcessedAsSecondary | ClaimStatus::SecondaryForwarded => PaymentSource::Secondary,
            ClaimStatus::ProcessedAsTertiary | ClaimStatus::TertiaryForwarded => PaymentSource::Tertiary,
            _ => PaymentSource::Primary,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            PaymentSource::Primary => "primary",
            PaymentSource::Secondary => "secondary",
            PaymentSource::Tertiary => "tertiary",
            PaymentSource::Patient => "patient",
        }
    }
}

impl fmt::Display for PaymentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_of_the_spec_is_read() {
        let table: &[(&str, PaymentSource)] = &[
            ("Primary", PaymentSource::Primary),
            ("PRIMARY", PaymentSource::Primary),
            ("1", PaymentSource::Primary),
            ("P", PaymentSource::Primary),
            ("Pri", PaymentSource::Primary),
            ("Ins 1", PaymentSource::Primary),
            ("Primary Insurance", PaymentSource::Primary),
            ("Secondary", PaymentSource::Secondary),
            ("2", PaymentSource::Secondary),
            ("S", PaymentSource::Secondary),
            ("Sec", PaymentSource::Secondary),
            ("Ins 2", PaymentSource::Secondary),
            ("Secondary Payer", PaymentSource::Secondary),
            ("Tertiary", PaymentSource::Tertiary),
            ("3", PaymentSource::Tertiary),
            ("T", PaymentSource::Tertiary),
            ("Ins 3", PaymentSource::Tertiary),
            ("Patient", PaymentSource::Patient),
            ("patient", PaymentSource::Patient),
            ("Self", PaymentSource::Patient),
            ("Pt", PaymentSource::Patient),
            ("Guarantor", PaymentSource::Patient),
            (" pt. ", PaymentSource::Patient),
        ];
        for (text, want) in table {
            assert_eq!(PaymentSource::parse(text), Some(*want), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_not_a_source() {
        for text in ["", "Aetna", "4", "Primary or secondary", "Insurance", "X", "Ins"] {
            assert_eq!(PaymentSource::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_835_is_primary_unless_clp02_says_secondary_or_tertiary() {
        let table = [
            ("1", PaymentSource::Primary),
            ("2", PaymentSource::Secondary),
            ("3", PaymentSource::Tertiary),
            ("4", PaymentSource::Primary),
            ("19", PaymentSource::Primary),
            ("20", PaymentSource::Secondary),
            ("21", PaymentSource::Tertiary),
            ("22", PaymentSource::Primary),
            ("23", PaymentSource::Primary),
        ];
        for (code, want) in table {
            assert_eq!(PaymentSource::of_claim_status(&ClaimStatus::from_code(code)), want, "CLP02 {code}");
        }
    }
}
