//! The follow-up worklist: what to chase first, and what to do about it
//! (SPEC §4 "Follow-up worklist").
//!
//! One item per line that is not paid and one per unmatched payment. The
//! suggested action comes from the first reason code that has a known
//! remedy, else from the status. The order is the amount at stake, largest
//! first, then the oldest first.

use std::borrow::Cow;

use serde::Serialize;

use super::line::Line;
use super::status::Status;
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

fn is_patient_share(code: &ReasonCode) -> bool {
    code.group == Some(Group::Pr) || (code.group.is_none() && matches!(code.code.as_str(), "1" | "2" | "3"))
}

/// The suggested next step for a line that is not paid.
pub fn action_for_line(line: &Line) -> Cow<'static, str> {
    if line.status == Status::Overpaid {
        return "overpaid: refund the difference or expect a recoupment".into();
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

/// Builds the worklist in its default order.
pub fn build(lines: &[Line], unmatched: &[UnmatchedPayment]) -> Vec<WorkItem> {
    let mut items: Vec<WorkItem> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.status != Status::Paid)
        .map(|(i, l)| WorkItem {
            kind: match l.status {
                Status::Unpaid => Kind::Unpaid,
                Status::Denied => Kind::Denied,
                Status::Underpaid => Kind::Underpaid,
                Status::Partial => Kind::Partial,
                Status::Overpaid | Status::Paid => Kind::Overpaid,
            },
            claim_id: l.claim_id.clone(),
            patient: l.patient.clone(),
            payer: l.payer.clone(),
            amount: l.at_stake,
            age_days: l.age_days,
            reasons: reasons(&l.reason_codes),
            action: action_for_line(l),
            line: Some(i),
            row: None,
        })
        .collect();
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
