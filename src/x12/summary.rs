//! What `clearbill inspect file.835` prints: payers, payments, claims and every finding, in plain
//! text a billing specialist reads top to bottom.

use std::fmt::Write;

use crate::money::Money;
use crate::table::dates;

use super::codes::ClaimStatus;
use super::model::{Claim, Finding, Remittance, Severity, Transaction};

/// Claims listed one per line for each transaction; the rest are counted.
const MAX_CLAIMS_LISTED: usize = 25;
/// Beyond this many payments, each one gets a single line instead of a block.
const MAX_PAYMENTS_IN_DETAIL: usize = 10;

/// A plain-text summary of a remittance.
pub fn summary_text(remittance: &Remittance) -> String {
    let mut out = String::new();
    let transactions = remittance.transactions.len();
    let claims = remittance.claim_count();
    let lines: usize = remittance.transactions.iter().flat_map(|t| &t.claims).map(|c| c.services.len()).sum();
    let envelope = match remittance.interchanges {
        0 => " (no ISA envelope)".to_string(),
        n => format!(" in {}", plural(n, "interchange", "interchanges")),
    };
    let _ = writeln!(
        out,
        "X12 835 remittance: {}{envelope}, {} with {}",
        plural(transactions, "payment", "payments"),
        plural(claims, "claim", "claims"),
        plural(lines, "service line", "service lines"),
    );
    let findings = remittance.all_findings();
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    if findings.is_empty() {
        let _ = writeln!(out, "Everything balances and every segment was read.");
    } else {
        let _ = writeln!(
            out,
            "Findings: {} and {} (listed at the end).",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        );
    }
    if transactions > MAX_PAYMENTS_IN_DETAIL {
        let total: Money = remittance.transactions.iter().filter_map(|t| t.payment.amount).sum();
        let _ = writeln!(out, "\nPayments (total {total}):");
        for (index, transaction) in remittance.transactions.iter().enumerate() {
            write_payment_line(&mut out, index + 1, transaction);
        }
    } else {
        for (index, transaction) in remittance.transactions.iter().enumerate() {
            out.push('\n');
            write_transaction(&mut out, index + 1, transactions, transaction);
        }
    }
    if !findings.is_empty() {
        let _ = writeln!(out, "\nFindings:");
        for finding in findings {
            write_finding(&mut out, finding);
        }
    }
    out
}

fn write_transaction(out: &mut String, number: usize, of: usize, tx: &Transaction) {
    let version = tx.version.as_deref().map(|v| format!(", {v}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "Payment {number} of {of}: transaction {} (segments {}–{}{version})",
        tx.control_number, tx.first_segment, tx.last_segment
    );
    let _ = writeln!(
        out,
        "  Payer:    {}",
        party(&tx.payer.name, tx.payer.id_qualifier.as_deref(), tx.payer.id.as_deref())
    );
    let _ = writeln!(
        out,
        "  Payee:    {}",
        party(&tx.payee.name, tx.payee.id_qualifier.as_deref(), tx.payee.id.as_deref())
    );
    let payment = &tx.payment;
    let mut how = Vec::new();
    if let Some(method) = &payment.method {
        how.push(method.meaning().map_or_else(|| method.describe(), str::to_string));
    }
    if let Some(handling) = &payment.handling {
        how.push(handling.meaning().map_or_else(|| handling.describe(), str::to_string));
    }
    if let Some(date) = payment.date {
        how.push(format!("dated {}", dates::iso(date)));
    }
    if let Some(trace) = &payment.trace_number {
        how.push(format!("check/trace number {trace}"));
    }
    let amount = payment.amount.map_or_else(|| "unknown amount".to_string(), |a| a.to_string());
    let _ = writeln!(
        out,
        "  Payment:  {amount}; {}",
        if how.is_empty() { "no details".to_string() } else { how.join(", ") }
    );

    let charged: Money = tx.claims.iter().map(|c| c.charge).sum();
    let patient: Money = tx.claims.iter().filter_map(|c| c.patient_responsibility).sum();
    let _ = writeln!(
        out,
        "  Claims:   {}; charged {charged}, paid {}, patient responsibility {patient}",
        tx.claims.len(),
        tx.claims_paid()
    );
    for claim in tx.claims.iter().take(MAX_CLAIMS_LISTED) {
        write_claim(out, claim);
    }
    if tx.claims.len() > MAX_CLAIMS_LISTED {
        let _ = writeln!(out, "    … and {} more", tx.claims.len() - MAX_CLAIMS_LISTED);
    }
    if !tx.provider_adjustments.is_empty() {
        let _ = writeln!(
            out,
            "  Provider adjustments (PLB; they belong to no claim, positive reduces the payment):"
        );
        for adjustment in &tx.provider_adjustments {
            let reference = adjustment.reference.as_deref().map(|r| format!(" ref {r}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:>12}  {}{reference}, provider {}",
                adjustment.amount.to_string(),
                adjustment.reason.describe(),
                adjustment.provider_id
            );
        }
    }
    if let Some(stated) = payment.amount {
        let expected = tx.claims_paid() - tx.provider_adjustments_total();
        let verdict = if expected == stated { "balanced" } else { "does NOT balance" };
        let _ = writeln!(
            out,
            "  Balance:  claims paid {} − provider adjustments {} = {expected}; payment {stated}: {verdict}",
            tx.claims_paid(),
            tx.provider_adjustments_total()
        );
    }
}

/// One line per payment, for files with many of them.
fn write_payment_line(out: &mut String, number: usize, tx: &Transaction) {
    let amount = tx.payment.amount.map_or_else(|| "unknown".to_string(), |a| a.to_string());
    let date = tx.payment.date.map(dates::iso).unwrap_or_else(|| "no date".to_string());
    let trace = tx.payment.trace_number.as_deref().unwrap_or("no trace number");
    let verdict = match tx.payment.amount {
        Some(stated) if stated == tx.claims_paid() - tx.provider_adjustments_total() => "balanced",
        Some(_) => "does NOT balance",
        None => "cannot be balanced",
    };
    let _ = writeln!(
        out,
        "  {number:>4}. {}  {amount}  {date}  {trace}  {}, {verdict}",
        tx.payer.name,
        plural(tx.claims.len(), "claim", "claims")
    );
}

fn write_claim(out: &mut String, claim: &Claim) {
    let status = match &claim.status {
        ClaimStatus::Unknown(code) if code.is_empty() => "no status".to_string(),
        status => status.describe(),
    };
    let patient = claim.patient.as_ref().map(|p| format!("  {}", p.display_name())).unwrap_or_default();
    let responsibility = claim.patient_responsibility.map(|p| format!(", patient {p}")).unwrap_or_default();
    let lines = match claim.services.len() {
        0 => String::new(),
        n => format!(", {}", plural(n, "line", "lines")),
    };
    let _ = writeln!(
        out,
        "    {}  {status}: charge {}, paid {}{responsibility}{lines}{patient}",
        claim.patient_control_number, claim.charge, claim.paid
    );
}

fn write_finding(out: &mut String, finding: &Finding) {
    let severity = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "  {severity}, {}: {}", finding.location(), finding.message);
}

fn party(name: &str, qualifier: Option<&str>, id: Option<&str>) -> String {
    let name = if name.is_empty() { "(not named)" } else { name };
    match (qualifier, id) {
        (Some(q), Some(id)) => format!("{name} ({q} {id})"),
        (None, Some(id)) => format!("{name} ({id})"),
        _ => name.to_string(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::parse;

    #[test]
    fn summary_names_payer_payment_claims_and_findings() {
        let text = "ST*835*0001~BPR*I*190*C*CHK************20240105~TRN*1*CHK9*1~N1*PR*ACME HEALTH~N1*PE*CLINIC*XX*123~\
                    LX*1~CLP*A1*1*300*190~NM1*QC*1*DOE*JANE~CAS*CO*45*100~SE*10*0001~";
        let summary = summary_text(&parse(text.as_bytes()).unwrap());
        assert!(summary.contains("1 payment (no ISA envelope), 1 claim with 0 service lines"), "{summary}");
        assert!(summary.contains("Payer:    ACME HEALTH"), "{summary}");
        assert!(summary.contains("Payee:    CLINIC (XX 123)"), "{summary}");
        assert!(
            summary
                .contains("190.00; check, remittance detail only, dated 2024-01-05, check/trace number CHK9"),
            "{summary}"
        );
        assert!(
            summary.contains("A1  1 (processed as primary): charge 300.00, paid 190.00  DOE, JANE"),
            "{summary}"
        );
        assert!(summary.contains("payment 190.00: balanced"), "{summary}");
        assert!(
            summary.contains("warning, segment 7 (CLP, #7 in its transaction): claim A1: charge 300.00 − adjustments 100.00 = 200.00, but the payer paid 190.00 (off by 10.00)"),
            "{summary}"
        );
    }
}
