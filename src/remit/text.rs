//! What `clearbill remit --format text` prints: each payment, its claims with their lines, the
//! totals, the notes and the findings, in words a billing specialist reads top to bottom.

use std::fmt::Write;

use super::{ClaimSummary, PostingLine, RemitReport};
use crate::table::dates;

/// A plain-text account of the remittances, every claim and line included.
pub fn summary_text(report: &RemitReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} payment(s), {} claim(s), {} line(s)",
        report.payments.len(),
        report.claims.len(),
        report.lines.len()
    );
    for (index, payment) in report.payments.iter().enumerate() {
        let method = payment.method_meaning.as_deref().unwrap_or("payment");
        let check = payment.check_number.as_deref().unwrap_or("(no number)");
        let date = payment.date.map(dates::iso).unwrap_or_else(|| "no date".to_string());
        let amount = payment.amount.map_or_else(|| "no amount".to_string(), |a| a.to_string());
        let _ = writeln!(
            out,
            "\n{} {check} from {} to {}, {date}: {amount} for {} claim(s)  [{}]",
            capitalise(method),
            payment.payer,
            payment.payee,
            payment.claims,
            payment.file
        );
        for adjustment in &payment.provider_adjustments {
            let _ = writeln!(
                out,
                "  provider adjustment {} ({}){}: {}",
                adjustment.reason,
                adjustment.meaning,
                adjustment.reference.as_deref().map(|r| format!(" ref {r}")).unwrap_or_default(),
                adjustment.amount
            );
        }
        for claim in report.claims.iter().filter(|c| c.payment == index) {
            write_claim(
                &mut out,
                claim,
                &report.lines[claim.first_line..claim.first_line + claim.line_count],
            );
        }
    }
    let t = &report.totals;
    let _ = writeln!(out, "\nTotals");
    for (label, value) in [
        ("billed", t.billed),
        ("paid", t.paid),
        ("contractual adjustments", t.contractual),
        ("patient responsibility", t.patient_responsibility),
        ("  deductible", t.deductible),
        ("  coinsurance", t.coinsurance),
        ("  copay", t.copay),
        ("  other", t.other_patient),
        ("other adjustments", t.other_adjustments),
        ("provider adjustments", t.provider_adjustments),
        ("payments sent", t.payments),
    ] {
        let _ = writeln!(out, "  {label:<26}{:>14}", value.to_string());
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for note in &report.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nFindings");
        for f in &report.findings {
            let _ = writeln!(out, "  {} {}, {}: {}", f.file, f.location, f.severity, f.message);
        }
    }
    out
}

fn write_claim(out: &mut String, claim: &ClaimSummary, lines: &[PostingLine]) {
    let patient = claim.patient.as_deref().unwrap_or("(no patient name)");
    let owed = claim.patient_responsibility.map(|m| m.to_string()).unwrap_or_else(|| "—".to_string());
    let _ = writeln!(
        out,
        "  Claim {} {patient}: {}; billed {}, paid {}, patient owes {owed}",
        claim.claim_id, claim.status_meaning, claim.billed, claim.paid
    );
    for a in &claim.adjustments {
        let _ = writeln!(out, "    claim adjustment {}-{} ({}): {}", a.group, a.code, a.meaning, a.amount);
    }
    for line in lines {
        let date = line.service_date.map(dates::iso).unwrap_or_default();
        let _ = writeln!(
            out,
            "    {date:<10} {:<8} billed {:>10} paid {:>10} deductible {} coinsurance {} copay {} contractual {} {}",
            line.code.as_deref().unwrap_or("(claim)"),
            line.billed.to_string(),
            line.paid.to_string(),
            line.deductible,
            line.coinsurance,
            line.copay,
            line.contractual,
            line.reason_codes.join(" ")
        );
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
