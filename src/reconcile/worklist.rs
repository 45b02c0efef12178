//! The follow-up worklist: what to chase first, and what to do about it
//! (SPEC §4 "Follow-up worklist").
//!
//! One item per line that is not paid, one per unmatched payment, one per
//! patient who paid more than their share (`patient_refund`, SPEC §8.3), and
//! one per line whose adjustments exceed the billed amount with nothing
//! received (`check_posting`, SPEC §8.4; it stands for the line's own item).
//! The suggested action for a line comes from its denial billed to the
//! patient (PR-27, PR-96, …) when it is denied, else from the first reason
//! code that has a known remedy, else from the status. The order is the
//! amount at stake, largest first, then the oldest first.

use std::borrow::Cow;

use serde::Serialize;

use super::line::Line;
use super::status::{adjustments_exceed, Status, Tolerance};
use super::UnmatchedPayment;
use crate::carc::{Group, ReasonCode};
use crate::interned::Text;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Unpaid,
    Denied,
    Underpaid,
    Partial,
    Overpaid,
    UnmatchedPayment,
    /// The patient paid more than their share: refund the patient (SPEC §8.3).
    #[serde(rename = "patient_refund")]
    PatientRefund,
    /// Adjustments exceed the billed amount and nothing came in (SPEC §8.4).
    #[serde(rename = "check_posting")]
    CheckPosting,
}

/// A reason code of an item and what it means (`{ "code": "CO-45", "meaning": … }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub meaning: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkItem {
    pub kind: Kind,
    pub claim_id: Option<Text>,
    pub patient: Option<Text>,
    pub payer: Option<Text>,
    pub amount: Money,
    pub age_days: Option<i64>,
    pub reasons: Vec<Reason>,
    /// What to do; a fixed sentence for a line, shared instead of copied per item.
    pub action: Cow<'static, str>,
    /// Index of the line in the report's `lines` (`null` for an unmatched payment).
    pub line: Option<usize>,
    /// The payment row, for an unmatched payment.
    pub row: Option<u32>,
}

/// Days after billing before a silent payer is worth a status check.
const FOLLOW_UP_AFTER_DAYS: i64 = 30;

/// The remedy for a reason code, when the code says what to do.
fn action_for_code(code: &ReasonCode) -> Option<&'static str> {
    let group = code.group;
    Some(match code.code.as_str() {
        "16" => "missing information: correct the claim and resubmit",
        "29" => "filing limit: appeal only with proof of timely filing",
        "50" => "medical necessity: appeal with the medical records",
        "97" => "bundled: check the modifiers and resubmit if the service was distinct",
        "197" | "15" => "no prior authorization: obtain it, or appeal with proof it was given",
        "22" => "coordination of benefits: bill the other payer",
        "23" if group == Some(Group::Oa) || group.is_none() => {
            "coordination of benefits: bill the other payer"
        }
        "18" => "duplicate: check whether the original claim was paid",
        "26" | "27" | "31" | "32" => {
            "eligibility: verify the patient's coverage and member ID, then resubmit or bill the patient"
        }
        "109" => "wrong payer: send the claim to the correct payer",
        "96" | "204" => "not covered: bill the patient only if they signed a waiver (ABN)",
        "167" | "11" => "diagnosis: check the diagnosis codes and resubmit",
        "4" | "182" => "modifier: correct the modifier and resubmit",
        "242" => "out of network: check the network status, or bill the patient per their plan",
        _ => return None,
    })
}

/// What to do with a service the payer denied and left to the patient
/// (SPEC §8.4): verify eligibility, bill other coverage, or bill the patient
/// with an advance notice if one was signed.
fn action_for_denial_to_patient(code: &ReasonCode) -> &'static str {
    match code.code.as_str() {
        "27" => "coverage ended before this service: verify eligibility, bill other coverage, or bill the patient if they signed an advance notice",
        "31" => "not identified as a member: verify the member ID and eligibility, bill other coverage, or bill the patient if they signed an advance notice",
        "96" => "not covered: check for other coverage, or bill the patient if they signed an advance notice (ABN)",
        "204" => "not covered by this plan: verify the benefits, bill other coverage, or bill the patient if they signed an advance notice",
        "B7" => "provider not certified for this service on this date: verify the enrollment, bill other coverage, or bill the patient only with a signed advance notice",
        "B9" => "the patient is in hospice: bill the hospice or other coverage, or bill the patient only with a signed advance notice",
        _ => "denied to the patient: verify eligibility, bill other coverage, or bill the patient if they signed an advance notice",
    }
}

fn is_patient_share(code: &ReasonCode) -> bool {
    code.group == Some(Group::Pr) || (code.group.is_none() && matches!(code.code.as_str(), "1" | "2" | "3"))
}

/// The suggested next step for a line that is not paid.
pub fn action_for_line(line: &Line) -> Cow<'static, str> {
    if line.status == Status::Overpaid {
        return "overpaid: refund the difference or expect a recoupment".into();
    }
    if line.status == Status::Denied {
        if let Some(c) = line.reason_codes.iter().find(|c| c.is_denial_to_patient()) {
            return action_for_denial_to_patient(c).into();
        }
    }
    if let Some(a) = line.reason_codes.iter().find_map(action_for_code) {
        return a.into();
    }
    let carcs: Vec<&ReasonCode> = line.reason_codes.iter().filter(|c| !c.remark).collect();
    if matches!(line.status, Status::Partial | Status::Underpaid)
        && !carcs.is_empty()
        && carcs.iter().all(|c| is_patient_share(c))
    {
        return "patient share: bill the patient".into();
    }
    match line.status {
        Status::Unpaid if line.age_days.is_some_and(|d| d > FOLLOW_UP_AFTER_DAYS) => {
            "no response after 30 days: check the claim status with the payer".into()
        }
        Status::Unpaid => "billed recently: wait for the payer, then check the status after 30 days".into(),
        Status::Denied => {
            "denied: find the reason on the remittance, then correct and resubmit or appeal".into()
        }
        Status::Underpaid => "underpaid: appeal against the contracted fee schedule".into(),
        Status::Partial => {
            "balance left: check the remittance, then rebill, adjust or bill the patient".into()
        }
        Status::Overpaid | Status::Paid => "".into(),
    }
}

fn reasons(codes: &[ReasonCode]) -> Vec<Reason> {
    codes.iter().map(|c| Reason { code: c.clone(), meaning: c.meaning() }).collect()
}

/// The item of a line that needs work, if it does: its status, or a
/// posting to check when its adjustments exceed the billed amount.
fn line_item(i: usize, l: &Line, t: Tolerance) -> Option<WorkItem> {
    let excess = adjustments_exceed(&l.figures(l.status != Status::Unpaid), t);
    let (kind, amount, action) = match (excess, l.status) {
        (Some(x), _) => (
            Kind::CheckPosting,
            x,
            format!("adjustments exceed the billed amount by ${x}: check how it was posted").into(),
        ),
        (None, Status::Paid) => return None,
        (None, status) => {
            let kind = match status {
                Status::Unpaid => Kind::Unpaid,
                Status::Denied => Kind::Denied,
                Status::Underpaid => Kind::Underpaid,
                Status::Partial => Kind::Partial,
                Status::Overpaid | Status::Paid => Kind::Overpaid,
            };
            (kind, l.at_stake, action_for_line(l))
        }
    };
    Some(WorkItem {
        kind,
        claim_id: l.claim_id.clone(),
        patient: l.patient.clone(),
        payer: l.payer.clone(),
        amount,
        age_days: l.age_days,
        reasons: reasons(&l.reason_codes),
        action,
        line: Some(i),
        row: None,
    })
}

/// The refund a patient is owed on a line the payer answered: they paid more
/// than their share (a negative patient balance, SPEC §8.3).
fn patient_refund(i: usize, l: &Line, t: Tolerance) -> Option<WorkItem> {
    let owed = -l.patient_balance;
    (l.status != Status::Unpaid && t.greater(owed, Money::ZERO)).then(|| WorkItem {
        kind: Kind::PatientRefund,
        claim_id: l.claim_id.clone(),
        patient: l.patient.clone(),
        payer: l.payer.clone(),
        amount: owed,
        age_days: l.age_days,
        reasons: Vec::new(),
        action: format!(
            "the patient paid ${} but owes ${}: refund ${owed} to the patient",
            l.patient_paid, l.patient_responsibility
        )
        .into(),
        line: Some(i),
        row: None,
    })
}

/// Builds the worklist in its default order. `t` is the report's tolerance.
pub fn build(lines: &[Line], unmatched: &[UnmatchedPayment], t: Tolerance) -> Vec<WorkItem> {
    let mut items: Vec<WorkItem> = lines.iter().enumerate().filter_map(|(i, l)| line_item(i, l, t)).collect();
    items.extend(lines.iter().enumerate().filter_map(|(i, l)| patient_refund(i, l, t)));
    items.extend(unmatched.iter().map(|u| WorkItem {
        kind: Kind::UnmatchedPayment,
        claim_id: u.claim_id.clone(),
        patient: u.patient.clone(),
        payer: u.payer.clone(),
        amount: u.paid.abs(),
        age_days: u.age_days,
        reasons: reasons(&u.reason_codes),
        action: format!("unmatched payment ({}): find the claim, or post it as unapplied", u.note).into(),
        line: None,
        row: Some(u.row),
    }));
    items.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then(b.age_days.unwrap_or(i64::MIN).cmp(&a.age_days.unwrap_or(i64::MIN)))
            .then(a.line.cmp(&b.line))
            .then(a.row.cmp(&b.row))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carc::parse_list;

    fn m(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    /// A line with a status, its reason codes and age; billed $100.
    fn line(status: Status, codes: &str, age: i64) -> Line {
        Line {
            claim_id: Some("C1".into()),
            line: None,
            patient: Some("Ann Lee".into()),
            service_date: None,
            code: None,
            payer: Some("Aetna".into()),
            billed: m(10000),
            allowed: None,
            expected: None,
            insurance_paid: Money::ZERO,
            contractual_adjustment: Money::ZERO,
            patient_responsibility: Money::ZERO,
            other_adjustment: Money::ZERO,
            balance: Money::ZERO,
            at_stake: m(10000),
            status,
            age_days: Some(age),
            aging_bucket: None,
            reason_codes: parse_list(codes).unwrap(),
            charge_rows: vec![2],
            payment_rows: vec![],
            patient_paid: Money::ZERO,
            patient_balance: Money::ZERO,
            patient_id: None,
            date_of_birth: None,
            share_parts: Default::default(),
        }
    }

    /// One row per SPEC example (§4 "Follow-up worklist", §8.4): status,
    /// reason codes, age in days, and the start of the action.
    #[test]
    fn every_spec_action_example() {
        use Status::*;
        let table: &[(Status, &str, i64, &str)] = &[
            (Denied, "CO-16", 40, "missing information: correct the claim and resubmit"),
            (Denied, "CO-29", 40, "filing limit: appeal only with proof of timely filing"),
            (Denied, "CO-50", 40, "medical necessity: appeal with the medical records"),
            (Denied, "CO-97", 40, "bundled: check the modifiers"),
            (Denied, "CO-197", 40, "no prior authorization"),
            (Denied, "CO-22", 40, "coordination of benefits: bill the other payer"),
            (Denied, "OA-23", 40, "coordination of benefits: bill the other payer"),
            (Partial, "PR-1", 40, "patient share: bill the patient"),
            (Partial, "PR-2; PR-3", 40, "patient share: bill the patient"),
            (Underpaid, "PR-2", 40, "patient share: bill the patient"),
            (Unpaid, "", 31, "no response after 30 days: check the claim status with the payer"),
            (Unpaid, "", 30, "billed recently: wait for the payer"),
            (Overpaid, "CO-45", 40, "overpaid: refund the difference or expect a recoupment"),
            // §8.4: a denial billed to the patient says to verify eligibility, bill other
            // coverage, or bill the patient with a signed advance notice.
            (Denied, "PR-27", 40, "coverage ended before this service: verify eligibility, bill other coverage, or bill the patient if they signed an advance notice"),
            (Denied, "PR-31", 40, "not identified as a member: verify the member ID and eligibility, bill other coverage"),
            (Denied, "PR-96", 40, "not covered: check for other coverage, or bill the patient if they signed an advance notice"),
            (Denied, "PR-204", 40, "not covered by this plan: verify the benefits, bill other coverage"),
            (Denied, "PR-B7", 40, "provider not certified for this service on this date"),
            (Denied, "PR-B9", 40, "the patient is in hospice"),
            (Denied, "CO-45; PR-27", 40, "coverage ended before this service"),
            (Denied, "PR-242", 40, "denied to the patient: verify eligibility, bill other coverage"),
            // Status defaults when no code says what to do.
            (Denied, "", 40, "denied: find the reason on the remittance"),
            (Underpaid, "CO-45", 40, "underpaid: appeal against the contracted fee schedule"),
            (Partial, "CO-45", 40, "balance left: check the remittance"),
        ];
        for (status, codes, age, want) in table {
            let action = action_for_line(&line(*status, codes, *age));
            assert!(action.starts_with(want), "{status} {codes:?} age {age}: got {action:?}, want {want:?}");
        }
    }

    #[test]
    fn a_secondary_co_23_is_not_coordination_of_benefits() {
        // CO-23 on a secondary's remittance restates the primary; no payer to bill.
        assert_eq!(action_for_code(&parse_list("CO-23").unwrap()[0]), None);
        assert!(action_for_code(&parse_list("23").unwrap()[0]).is_some());
    }

    /// One row per kind of item: which lines get one, with which kind and amount.
    #[test]
    fn items_by_kind() {
        use Status::*;
        let exact = Tolerance::default();
        let paid = line(Paid, "", 40);
        let mut overpaid = line(Overpaid, "", 40);
        overpaid.at_stake = m(1000);
        // Adjustments $130 on a $100 charge, nothing received.
        let mut posting = line(Paid, "CO-45", 40);
        posting.payment_rows = vec![5];
        posting.contractual_adjustment = m(13000);
        posting.balance = m(-3000);
        posting.at_stake = Money::ZERO;
        // The patient paid $40 of a $25 copay.
        let mut refund = line(Paid, "CO-45; PR-3", 40);
        refund.patient_responsibility = m(2500);
        refund.patient_paid = m(4000);
        refund.patient_balance = m(-1500);
        refund.insurance_paid = m(5000);
        refund.contractual_adjustment = m(2500);
        refund.at_stake = Money::ZERO;
        // Paid at the desk, no answer from the payer yet: not a refund.
        let mut waiting = line(Unpaid, "", 10);
        waiting.patient_paid = m(2500);
        waiting.patient_balance = m(-2500);
        let lines = [paid, overpaid, posting, refund, waiting];
        let items = build(&lines, &[], exact);
        let got: Vec<(Kind, Option<usize>, Money)> =
            items.iter().map(|w| (w.kind, w.line, w.amount)).collect();
        assert_eq!(
            got,
            [
                (Kind::Unpaid, Some(4), m(10000)),
                (Kind::CheckPosting, Some(2), m(3000)),
                (Kind::PatientRefund, Some(3), m(1500)),
                (Kind::Overpaid, Some(1), m(1000)),
            ]
        );
        assert_eq!(
            items[1].action,
            "adjustments exceed the billed amount by $30.00: check how it was posted"
        );
        assert_eq!(items[2].action, "the patient paid $40.00 but owes $25.00: refund $15.00 to the patient");
        // Within a tolerance of $20, the $15 refund is not an item.
        let items = build(&lines, &[], Tolerance(m(2000)));
        assert!(!items.iter().any(|w| w.kind == Kind::PatientRefund));
        let kinds = serde_json::to_value(build(&lines, &[], exact)).unwrap();
        let kinds: Vec<&str> =
            kinds.as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["unpaid", "check_posting", "patient_refund", "overpaid"]);
    }

    #[test]
    fn largest_amount_first_then_oldest() {
        let (mut a, mut b, mut c) =
            (line(Status::Partial, "", 10), line(Status::Partial, "", 90), line(Status::Partial, "", 50));
        a.at_stake = m(500);
        b.at_stake = m(500);
        c.at_stake = m(900);
        let items = build(&[a, b, c], &[], Tolerance::default());
        assert_eq!(items.iter().map(|w| w.line).collect::<Vec<_>>(), [Some(2), Some(1), Some(0)]);
    }
}
