//! The 835's balancing rules: every level of a remittance must add up.
//!
//! From the 005010X221A1 guide (section 1.10.2, "balancing"), in the order a specialist checks
//! them:
//!
//! | level | rule |
//! |---|---|
//! | service line | SVC02 charge − Σ line CAS = SVC03 paid |
//! | claim | CLP03 charge − Σ (claim CAS + line CAS) = CLP04 paid |
//! | patient share | CLP05 = Σ PR adjustments of the claim (not checked on reversals, CLP02 = 22) |
//! | transaction | Σ CLP04 − Σ PLB = BPR02 |
//!
//! A rule that fails becomes a [`Finding`] on the claim (or on the transaction), in words a
//! billing specialist uses, with both sides and the difference. The claim is still used:
//! the payer's numbers are what they are, and the reconciliation shows the consequences. There
//! is no tolerance: an 835 balances to the cent or it does not.

use crate::money::Money;

use super::codes::AdjustmentGroup;
use super::model::{Adjustment, Claim, Finding, FindingKind, Remittance, ServiceLine, Severity, Transaction};

/// Adds the balancing findings to every claim and transaction.
pub(crate) fn check(remittance: &mut Remittance) {
    for transaction in &mut remittance.transactions {
        let first = transaction.first_segment;
        for claim in &mut transaction.claims {
            let mut findings = Vec::new();
            for line in &claim.services {
                findings.extend(service_line(claim, line, first));
            }
            findings.extend(claim_total(claim, first));
            findings.extend(patient_share(claim, first));
            claim.findings.extend(findings);
        }
        if let Some(finding) = transaction_total(transaction) {
            transaction.findings.push(finding);
        }
    }
}

fn total(adjustments: &[Adjustment]) -> Money {
    adjustments.iter().map(|a| a.amount).sum()
}

fn unbalanced(segment: usize, segment_id: &str, first: usize, message: String) -> Finding {
    Finding {
        segment,
        segment_id: segment_id.to_string(),
        transaction_segment: Some(segment.saturating_sub(first) + 1),
        severity: Severity::Warning,
        kind: FindingKind::Unbalanced,
        message,
    }
}

/// SVC02 − Σ line CAS = SVC03.
fn service_line(claim: &Claim, line: &ServiceLine, first: usize) -> Option<Finding> {
    let adjustments = total(&line.adjustments);
    let expected = line.charge - adjustments;
    if expected == line.paid {
        return None;
    }
    let message = format!(
        "claim {}, line {}: charge {} − adjustments {adjustments} = {expected}, but the payer paid {} on the line (off by {})",
        claim.patient_control_number,
        line.procedure.code,
        line.charge,
        line.paid,
        (expected - line.paid).abs()
    );
    Some(unbalanced(line.segment, "SVC", first, message))
}

/// CLP03 − Σ (claim CAS + line CAS) = CLP04.
fn claim_total(claim: &Claim, first: usize) -> Option<Finding> {
    let adjustments: Money = claim.all_adjustments().map(|a| a.amount).sum();
    let expected = claim.charge - adjustments;
    if expected == claim.paid {
        return None;
    }
    let message = format!(
        "claim {}: charge {} − adjustments {adjustments} = {expected}, but the payer paid {} (off by {})",
        claim.patient_control_number,
        claim.charge,
        claim.paid,
        (expected - claim.paid).abs()
    );
    Some(unbalanced(claim.segment, "CLP", first, message))
}

/// CLP05 = Σ PR. A reversal negates the original's CLP05 on its own terms, so it is not checked.
fn patient_share(claim: &Claim, first: usize) -> Option<Finding> {
    if claim.is_reversal() {
        return None;
    }
    let patient: Money = claim
        .all_adjustments()
        .filter(|a| a.group == AdjustmentGroup::PatientResponsibility)
        .map(|a| a.amount)
        .sum();
    let stated = claim.patient_responsibility.unwrap_or(Money::ZERO);
    if stated == patient {
        return None;
    }
    let message = match claim.patient_responsibility {
        Some(stated) => format!(
            "claim {}: patient responsibility is {stated}, but the PR adjustments add up to {patient} (off by {})",
            claim.patient_control_number,
            (stated - patient).abs()
        ),
        None => format!(
            "claim {}: the PR adjustments add up to {patient}, but no patient responsibility (CLP05) was sent",
            claim.patient_control_number
        ),
    };
    Some(unbalanced(claim.segment, "CLP", first, message))
}

/// Σ CLP04 − Σ PLB = BPR02. Not checked when BPR02 could not be read (that is its own finding).
fn transaction_total(transaction: &Transaction) -> Option<Finding> {
    let stated = transaction.payment.amount?;
    let claims = transaction.claims_paid();
    let provider = transaction.provider_adjustments_total();
    let expected = claims - provider;
    if expected == stated {
        return None;
    }
    let payment = match &transaction.payment.trace_number {
        Some(trace) => format!("payment {trace}"),
        None => format!("transaction {}", transaction.control_number),
    };
    let computed = if transaction.provider_adjustments.is_empty() {
        format!("the claims add up to {claims}")
    } else {
        format!("claims paid {claims} − provider adjustments {provider} = {expected}")
    };
    let message = format!(
        "{payment}: the payer paid {stated} in total, but {computed} (off by {})",
        (expected - stated).abs()
    );
    let first = transaction.first_segment;
    Some(unbalanced(first, "ST", first, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::codes::ClaimStatus;
    use crate::x12::codes::ProviderAdjustmentReason;
    use crate::x12::model::{Procedure, ProviderAdjustment};

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn adjustment(group: &str, reason: &str, amount: &str) -> Adjustment {
        Adjustment {
            segment: 1,
            group: AdjustmentGroup::from_code(group),
            reason: reason.into(),
            amount: money(amount),
            quantity: None,
        }
    }

    fn claim(charge: &str, paid: &str, patient: Option<&str>) -> Claim {
        let mut claim = Claim::new(10);
        claim.patient_control_number = "123839-24635".into();
        claim.status = ClaimStatus::ProcessedAsPrimary;
        claim.charge = money(charge);
        claim.paid = money(paid);
        claim.patient_responsibility = patient.map(money);
        claim
    }

    #[test]
    fn claim_balances_when_charge_minus_all_adjustments_is_paid() {
        let mut c = claim("300", "200", None);
        c.adjustments.push(adjustment("CO", "45", "40"));
        let mut line = ServiceLine::new(12, Procedure { code: "T1017".into(), ..Procedure::default() });
        line.charge = money("300");
        line.paid = money("240");
        line.adjustments.push(adjustment("CO", "45", "60"));
        c.services.push(line);
        assert_eq!(claim_total(&c, 1), None);
        assert_eq!(service_line(&c, &c.services[0], 1), None);
    }

    #[test]
    fn unbalanced_claim_names_both_sides_and_the_difference() {
        let mut c = claim("300", "190", None);
        c.adjustments.push(adjustment("CO", "45", "100"));
        let finding = claim_total(&c, 3).unwrap();
        assert_eq!(
            finding.message,
            "claim 123839-24635: charge 300.00 − adjustments 100.00 = 200.00, but the payer paid 190.00 (off by 10.00)"
        );
        assert_eq!(finding.segment, 10);
        assert_eq!(finding.transaction_segment, Some(8));
        assert_eq!(finding.kind, FindingKind::Unbalanced);
    }

    #[test]
    fn unbalanced_service_line_is_reported() {
        let c = claim("385.21", "0", None);
        let mut line = ServiceLine::new(12, Procedure { code: "97001".into(), ..Procedure::default() });
        line.charge = money("385.21");
        line.paid = money("0");
        line.adjustments.push(adjustment("PR", "27", "385.20"));
        let finding = service_line(&c, &line, 1).unwrap();
        assert!(finding.message.contains("off by 0.01"), "{}", finding.message);
    }

    #[test]
    fn patient_share_must_equal_pr_adjustments_except_on_reversals() {
        let mut c = claim("100", "70", Some("30"));
        c.adjustments.push(adjustment("PR", "3", "30"));
        assert_eq!(patient_share(&c, 1), None);
        c.patient_responsibility = Some(money("25"));
        assert!(patient_share(&c, 1).unwrap().message.contains("off by 5.00"));
        c.patient_responsibility = None;
        assert!(patient_share(&c, 1).unwrap().message.contains("no patient responsibility (CLP05) was sent"));
        c.status = ClaimStatus::Reversal;
        assert_eq!(patient_share(&c, 1), None);
    }

    #[test]
    fn negative_provider_adjustment_increases_the_payment() {
        let mut tx = Transaction::default();
        tx.payment.amount = Some(money("150000.00"));
        tx.claims.push(claim("1", "138018.40", None));
        tx.claims.push(claim("1", "11980.33", None));
        tx.provider_adjustments.push(ProviderAdjustment {
            segment: 30,
            provider_id: "1".into(),
            fiscal_period_end: None,
            reason: ProviderAdjustmentReason::CapitalPassthrough,
            reference: Some("CP".into()),
            amount: money("-1.27"),
        });
        assert_eq!(transaction_total(&tx), None);
        tx.provider_adjustments[0].amount = money("1.27");
        let finding = transaction_total(&tx).unwrap();
        assert!(finding.message.contains("= 149997.46 (off by 2.54)"), "{}", finding.message);
    }
}
