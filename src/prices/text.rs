//! A price lookup as text for people (`clearbill prices --format text`).

use std::fmt::Write;

use super::{Basis, EstimateNote, PriceFile, Severity};
use crate::Money;

fn amount(m: Option<Money>) -> String {
    m.map_or_else(|| "-".to_string(), |m| format!("${m}"))
}

/// How the allowed amount was found, in words.
pub fn basis_words(basis: Option<Basis>) -> &'static str {
    match basis {
        Some(Basis::NegotiatedDollar) => "the negotiated rate",
        Some(Basis::MedianAmount) => "the median the hospital was paid",
        Some(Basis::EstimatedAmount) => "the hospital's estimated allowed amount",
        Some(Basis::PercentageOfGross) => "the percentage of this line's charge",
        Some(Basis::Maximum) => "the highest negotiated rate (only a range is known)",
        Some(Basis::DiscountedCash) => "the cash price",
        None => "no amount in the file",
    }
}

pub fn note_words(note: EstimateNote) -> &'static str {
    match note {
        EstimateNote::NoPaidClaims => "The hospital had no paid claims for this in its look-back period.",
        EstimateNote::RangeOnly => "Only the range across payers is known; the highest is used.",
        EstimateNote::PercentOfThisLineOnly => {
            "The percentage is of the whole claim's charges; this line's charge stands in."
        }
        EstimateNote::NoAmount => "The file gives no amount for this; the estimate uses the billed amount.",
        EstimateNote::CashMayBeCheaper => "Paying cash may be cheaper.",
        EstimateNote::DrugQuantity => "A drug's price is for the quantity shown.",
    }
}

impl PriceFile {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let h = &self.hospital;
        let _ = writeln!(
            out,
            "{} (template {}, updated {})",
            h.name.as_deref().unwrap_or("Unnamed hospital"),
            h.version.as_deref().unwrap_or("?"),
            h.last_updated.as_deref().unwrap_or("?")
        );
        let _ = writeln!(
            out,
            "{} rows read, {} matching",
            self.rows,
            self.matches.len() as u64 + self.more_matches
        );
        for m in &self.matches {
            let r = &m.row;
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "row {}: {} {} {}",
                r.row,
                r.code_type.as_deref().unwrap_or(""),
                r.code.as_deref().unwrap_or(""),
                r.description
            );
            let _ = writeln!(
                out,
                "  {} / {}  setting {}",
                r.payer.as_deref().unwrap_or("no payer"),
                r.plan.as_deref().unwrap_or("-"),
                r.setting.as_deref().unwrap_or("-")
            );
            let _ = writeln!(
                out,
                "  list price {}  cash {}  range {} to {}",
                amount(r.gross),
                amount(r.discounted_cash),
                amount(r.min),
                amount(r.max)
            );
            let _ = writeln!(
                out,
                "  for the estimate: {} ({})",
                amount(m.allowed.allowed_for_estimate),
                basis_words(m.allowed.basis)
            );
            for note in &m.allowed.estimate_notes {
                let _ = writeln!(out, "  {}", note_words(*note));
            }
        }
        let errors = self.findings.iter().filter(|f| f.severity == Severity::Error).count();
        if errors > 0 || self.more_findings > 0 {
            let _ = writeln!(
                out,
                "\n{} problems with the template in the file (see --format json)",
                errors as u64 + self.more_findings
            );
        }
        out
    }
}
