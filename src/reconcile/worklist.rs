//! The follow-up worklist: what to chase first, and what to do about it
//! (SPEC §4 "Follow-up worklist", as revised by §8.7).
//!
//! A specialist works claims, so there is one item per [`Claim`] that needs
//! work, covering each of its lines that does: a line that is not paid, or
//! whose adjustments exceed the billed amount with nothing received
//! (`check_posting`, SPEC §8.4). Unpaid lines billed too recently are
//! *waiting* and stay off the list unless the user asks ([`DeadlineRules`]).
//! Besides claims: one item per patient who paid more than their share
//! (`patient_refund`, SPEC §8.3) and one per unmatched payment.
//!
//! The suggested action for a line comes from its denial billed to the
//! patient (PR-27, PR-96, …) when it is denied, else from the first reason
//! code that has a known remedy, else from the status; a claim takes the
//! action of its most urgent line. The order is the soonest deadline first,
//! then the amount at stake, largest first, then the oldest.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use super::claims::Claim;
use super::deadlines::{is_self_pay, sooner, DeadlineRules, Due};
use super::line::{Line, LineIndexes, Texts};
use super::status::{adjustments_exceed, Status, Tolerance};
use super::UnmatchedPayment;
use crate::carc::{Group, ReasonCode};
use crate::interned::Text;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Rejected by a 999 or 277CA (SPEC §11).
    Rejected,
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
    /// Billed too recently to chase (SPEC §8.7): listed only when the user asks.
    Waiting,
}

/// A reason code of an item and what it means (`{ "code": "CO-45", "meaning": … }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub meaning: &'static str,
}

/// One thing to work: a claim, a patient refund or an unmatched payment
/// (SPEC §8.7). A claim's item carries the claim's fields; an unmatched
/// payment's carries what its row says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkItem {
    pub kind: Kind,
    /// Index of its claim in the report's `claims` (`null` for an unmatched payment).
    pub claim: Option<usize>,
    pub claim_id: Option<Text>,
    pub patient: Option<Text>,
    pub patient_id: Option<Text>,
    pub payer: Option<Text>,
    #[serde(serialize_with = "super::line::iso_date")]
    pub first_service_date: Option<NaiveDate>,
    #[serde(serialize_with = "super::line::iso_date")]
    pub last_service_date: Option<NaiveDate>,
    pub codes: Texts,
    /// The claim's billed amount (`null` for an unmatched payment).
    pub billed: Option<Money>,
    /// What the item is about: the at-stake amount of the lines it covers,
    /// the refund due, the excess adjustment, or the unmatched payment.
    pub amount: Money,
    /// The claim's whole amount at stake (an unmatched payment's: its amount).
    pub at_stake: Money,
    pub age_days: Option<i64>,
    /// The claim's status: the worst of its lines' (`null` for an unmatched payment).
    pub status: Option<Status>,
    pub reasons: Vec<Reason>,
    /// What to do; a fixed sentence for a line, shared instead of copied per item.
    pub action: Cow<'static, str>,
    /// The soonest deadline of the lines it covers (`deadline`, `deadlineKind`).
    #[serde(flatten)]
    pub deadline: Due,
    pub check_numbers: Texts,
    /// The indexes (in the report's `lines`) of the lines it covers.
    pub lines: LineIndexes,
    /// The line that sets its kind and action (`null` for an unmatched payment).
    pub line: Option<usize>,
    /// The payment row, for an unmatched payment.
    pub row: Option<u32>,
}

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

/// What to do about a claim rejected at the front door (SPEC §11).
pub const REJECTED_ACTION: &str =
    "rejected before the payer saw it: correct and resubmit; the filing clock still runs";

/// The suggested next step for a line that is not paid.
pub fn action_for_line(line: &Line, rules: &DeadlineRules) -> Cow<'static, str> {
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
        Status::Rejected => REJECTED_ACTION.into(),
        Status::Unpaid if is_self_pay(line.payer.as_deref()) => {
            "self-pay: no insurance claim to follow; bill the patient".into()
        }
        Status::Unpaid if rules.is_waiting(line) => format!(
            "billed recently: wait for the payer, then check the status after {} days",
            rules.wait_days
        )
        .into(),
        Status::Unpaid if line.age_days.is_some() => {
            format!("no response after {} days: check the claim status with the payer", rules.wait_days)
                .into()
        }
        Status::Unpaid => "no answer from the payer: check the claim status with the payer".into(),
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

/// What one line of a claim needs: its kind of work, the amount, the action.
struct LineWork {
    kind: Kind,
    amount: Money,
    action: Cow<'static, str>,
}

/// How urgent a kind of work is within a claim, most urgent first: the claim's
/// item takes the kind and action of its most urgent line (the worst status
/// first, as SPEC §8.7 orders a claim's statuses).
fn urgency(kind: Kind) -> u8 {
    match kind {
        Kind::Rejected => 0,
        Kind::Unpaid => 1,
        Kind::Denied => 2,
        Kind::Underpaid => 3,
        Kind::Partial => 4,
        Kind::Overpaid => 5,
        Kind::CheckPosting => 6,
        Kind::Waiting => 7,
        Kind::PatientRefund | Kind::UnmatchedPayment => 8,
    }
}

/// The work a line needs, if any: a posting to check when its adjustments
/// exceed the billed amount, nothing when it is paid or waiting (unless the
/// user asks for waiting lines), else its status.
fn line_work(l: &Line, t: Tolerance, rules: &DeadlineRules) -> Option<LineWork> {
    if let Some(x) = adjustments_exceed(&l.figures(l.status != Status::Unpaid), t) {
        return Some(LineWork {
            kind: Kind::CheckPosting,
            amount: x,
            action: format!("adjustments exceed the billed amount by ${x}: check how it was posted").into(),
        });
    }
    let kind = match l.status {
        Status::Paid => return None,
        Status::Unpaid if rules.is_waiting(l) => {
            if !rules.show_waiting {
                return None;
            }
            Kind::Waiting
        }
        Status::Rejected => Kind::Rejected,
        Status::Unpaid => Kind::Unpaid,
        Status::Denied => Kind::Denied,
        Status::Underpaid => Kind::Underpaid,
        Status::Partial => Kind::Partial,
        Status::Overpaid => Kind::Overpaid,
    };
    Some(LineWork { kind, amount: l.at_stake, action: action_for_line(l, rules) })
}

/// An item about claim `index`, before its kind, amount and action are set.
fn claim_item(index: usize, c: &Claim, work: LineWork) -> WorkItem {
    WorkItem {
        kind: work.kind,
        claim: Some(index),
        claim_id: c.claim_id.clone(),
        patient: c.patient.clone(),
        patient_id: c.patient_id.clone(),
        payer: c.payer.clone(),
        first_service_date: c.first_service_date,
        last_service_date: c.last_service_date,
        codes: c.codes.clone(),
        billed: Some(c.billed),
        amount: work.amount,
        at_stake: c.at_stake,
        age_days: c.age_days,
        status: Some(c.status),
        reasons: reasons(&c.reason_codes),
        action: work.action,
        deadline: Due(None),
        check_numbers: c.check_numbers.clone(),
        lines: LineIndexes::new(),
        line: None,
        row: None,
    }
}

/// The item of a claim that needs work, if it does: it covers every line
/// that needs work, takes the kind and action of the most urgent one (the
/// larger amount first among equals), adds up their amounts and keeps the
/// soonest of their deadlines.
fn claim_work(
    index: usize,
    c: &Claim,
    lines: &[Line],
    t: Tolerance,
    rules: &DeadlineRules,
) -> Option<WorkItem> {
    let mut lead: Option<(usize, LineWork)> = None;
    let mut amount = Money::ZERO;
    let mut covered = LineIndexes::new();
    let mut deadline = None;
    for &i in &c.lines {
        let l = &lines[i];
        let Some(work) = line_work(l, t, rules) else { continue };
        amount += work.amount;
        covered.push(i);
        deadline = sooner(deadline, rules.for_line(l));
        let more_urgent = lead.as_ref().is_none_or(|(_, w)| {
            (urgency(work.kind), std::cmp::Reverse(work.amount))
                < (urgency(w.kind), std::cmp::Reverse(w.amount))
        });
        if more_urgent {
            lead = Some((i, work));
        }
    }
    let (line, work) = lead?;
    let mut item = claim_item(index, c, LineWork { amount, ..work });
    item.deadline = Due(deadline);
    item.lines = covered;
    item.line = Some(line);
    Some(item)
}

/// The refund a patient is owed on a line the payer answered: they paid more
/// than their share (a negative patient balance, SPEC §8.3).
fn patient_refund(index: usize, c: &Claim, i: usize, l: &Line, t: Tolerance) -> Option<WorkItem> {
    let owed = -l.patient_balance;
    (l.status != Status::Unpaid && t.greater(owed, Money::ZERO)).then(|| {
        let action = format!(
            "the patient paid ${} but owes ${}: refund ${owed} to the patient",
            l.patient_paid, l.patient_responsibility
        );
        let mut item =
            claim_item(index, c, LineWork { kind: Kind::PatientRefund, amount: owed, action: action.into() });
        item.reasons = Vec::new();
        item.lines = smallvec::smallvec![i];
        item.line = Some(i);
        item
    })
}

fn unmatched_item(u: &UnmatchedPayment) -> WorkItem {
    WorkItem {
        kind: Kind::UnmatchedPayment,
        claim: None,
        claim_id: u.claim_id.clone(),
        patient: u.patient.clone(),
        patient_id: None,
        payer: u.payer.clone(),
        first_service_date: u.service_date,
        last_service_date: u.service_date,
        codes: u.code.iter().cloned().collect(),
        billed: None,
        amount: u.paid.abs(),
        at_stake: u.paid.abs(),
        age_days: u.age_days,
        status: None,
        reasons: reasons(&u.reason_codes),
        action: format!("unmatched payment ({}): find the claim, or post it as unapplied", u.note).into(),
        deadline: Due(None),
        check_numbers: u.check_number.iter().cloned().collect(),
        lines: LineIndexes::new(),
        line: None,
        row: Some(u.row),
    }
}

/// Builds the worklist in its default order (SPEC §8.7): one item per claim
/// that needs work, one per patient refund and one per unmatched payment;
/// the soonest deadline first (items without one last), then the largest
/// amount at stake, then the oldest. `t` is the report's tolerance.
pub fn build(
    lines: &[Line],
    claims: &[Claim],
    unmatched: &[UnmatchedPayment],
    t: Tolerance,
    rules: &DeadlineRules,
) -> Vec<WorkItem> {
    // At most an item per claim and per unmatched payment, plus the rare refund
    // (collected from a filter, the vector would grow by doubling: 52 → 104 MiB
    // for a 1M-line report, on top of wasm memory). The unused room goes back below.
    let mut items: Vec<WorkItem> = Vec::with_capacity(claims.len() + unmatched.len());
    items.extend(claims.iter().enumerate().filter_map(|(ci, c)| claim_work(ci, c, lines, t, rules)));
    for (ci, c) in claims.iter().enumerate() {
        items.extend(c.lines.iter().filter_map(|&i| patient_refund(ci, c, i, &lines[i], t)));
    }
    items.extend(unmatched.iter().map(unmatched_item));
    items.sort_by(|a, b| {
        let due = |w: &WorkItem| w.deadline.0.map(|d| d.date);
        (due(a).is_none(), due(a))
            .cmp(&(due(b).is_none(), due(b)))
            .then(b.amount.cmp(&a.amount))
            .then(b.age_days.unwrap_or(i64::MIN).cmp(&a.age_days.unwrap_or(i64::MIN)))
            .then(a.line.cmp(&b.line))
            .then(a.row.cmp(&b.row))
    });
    items.shrink_to_fit();
    items
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::carc::parse_list;

    fn m(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    /// A line with a status, its reason codes and age; billed $100.
    pub(crate) fn line(status: Status, codes: &str, age: i64) -> Line {
        Line {
            claim_id: Some("C1".into()),
            line: None,
            patient: Some("Ann Lee".into()),
            patient_id: None,
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
            charge_rows: smallvec::smallvec![2],
            payment_rows: Default::default(),
            patient_paid: Money::ZERO,
            patient_balance: Money::ZERO,
            payment_date: None,
            check_numbers: Default::default(),
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
            // §8.7: billed fewer than waitDays (30) days ago is waiting; at 30 it is work.
            (Unpaid, "", 31, "no response after 30 days: check the claim status with the payer"),
            (Unpaid, "", 30, "no response after 30 days: check the claim status with the payer"),
            (Unpaid, "", 29, "billed recently: wait for the payer"),
            // (The line's payer is Aetna; a self-pay line is tested below.)
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
            let action = action_for_line(&line(*status, codes, *age), &DeadlineRules::default());
            assert!(action.starts_with(want), "{status} {codes:?} age {age}: got {action:?}, want {want:?}");
        }
    }

    #[test]
    fn an_unpaid_self_pay_line_is_billed_to_the_patient() {
        let mut l = line(Status::Unpaid, "", 60);
        l.payer = Some("Self-pay".into());
        let action = action_for_line(&l, &DeadlineRules::default());
        assert_eq!(action, "self-pay: no insurance claim to follow; bill the patient");
    }

    #[test]
    fn a_secondary_co_23_is_not_coordination_of_benefits() {
        // CO-23 on a secondary's remittance restates the primary; no payer to bill.
        assert_eq!(action_for_code(&parse_list("CO-23").unwrap()[0]), None);
        assert!(action_for_code(&parse_list("23").unwrap()[0]).is_some());
    }

    /// Each line its own claim (claim numbers 1, 2, …), and the worklist of them.
    fn work(lines: &mut [Line], t: Tolerance, rules: &DeadlineRules) -> Vec<WorkItem> {
        for (i, l) in lines.iter_mut().enumerate() {
            l.claim_id = Some(Text::from((i + 1).to_string()));
        }
        let claims = crate::reconcile::claims::build(lines, rules);
        build(lines, &claims, &[], t, rules)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// One row per kind of item: which lines get one, with which kind and amount.
    #[test]
    fn items_by_kind() {
        use Status::*;
        let exact = Tolerance::default();
        let rules = DeadlineRules::default();
        let paid = line(Paid, "", 40);
        let mut overpaid = line(Overpaid, "", 40);
        overpaid.at_stake = m(1000);
        // Adjustments $130 on a $100 charge, nothing received.
        let mut posting = line(Paid, "CO-45", 40);
        posting.payment_rows = smallvec::smallvec![5];
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
        // Paid at the desk, no answer from the payer yet, billed 10 days ago:
        // waiting (§8.7), and not a refund.
        let mut waiting = line(Unpaid, "", 10);
        waiting.patient_paid = m(2500);
        waiting.patient_balance = m(-2500);
        let mut lines = [paid, overpaid, posting, refund, waiting];
        let items = work(&mut lines, exact, &rules);
        let got: Vec<(Kind, Option<usize>, Money)> =
            items.iter().map(|w| (w.kind, w.line, w.amount)).collect();
        assert_eq!(
            got,
            [
                (Kind::CheckPosting, Some(2), m(3000)),
                (Kind::PatientRefund, Some(3), m(1500)),
                (Kind::Overpaid, Some(1), m(1000)),
            ]
        );
        assert_eq!(
            items[0].action,
            "adjustments exceed the billed amount by $30.00: check how it was posted"
        );
        assert_eq!(items[1].action, "the patient paid $40.00 but owes $25.00: refund $15.00 to the patient");
        // Within a tolerance of $20, the $15 refund is not an item.
        let items = work(&mut lines, Tolerance(m(2000)), &rules);
        assert!(!items.iter().any(|w| w.kind == Kind::PatientRefund));
        // Asked for, the waiting line is an item of its own kind.
        let shown = DeadlineRules { show_waiting: true, ..DeadlineRules::default() };
        let kinds = serde_json::to_value(work(&mut lines, exact, &shown)).unwrap();
        let kinds: Vec<&str> =
            kinds.as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["waiting", "check_posting", "patient_refund", "overpaid"]);
    }

    #[test]
    fn largest_amount_first_then_oldest() {
        let (mut a, mut b, mut c) =
            (line(Status::Partial, "", 10), line(Status::Partial, "", 90), line(Status::Partial, "", 50));
        a.at_stake = m(500);
        b.at_stake = m(500);
        c.at_stake = m(900);
        let items = work(&mut [a, b, c], Tolerance::default(), &DeadlineRules::default());
        assert_eq!(items.iter().map(|w| w.line).collect::<Vec<_>>(), [Some(2), Some(1), Some(0)]);
    }

    /// SPEC §8.7: the soonest deadline first, items without a deadline last,
    /// then the amount at stake.
    #[test]
    fn soonest_deadline_first_then_at_stake() {
        use Status::*;
        // (status, service date, payment date, at stake)
        let rows: &[(Status, &str, Option<&str>, i64)] = &[
            (Partial, "2026-08-01", Some("2026-08-20"), 90000), // no deadline
            (Unpaid, "2026-09-01", None, 5000),                 // filing 2026-11-30
            (Denied, "2026-06-01", Some("2026-06-10"), 7000),   // appeal 2026-12-07
            (Unpaid, "2026-09-01", None, 8000),                 // filing 2026-11-30, more at stake
            (Underpaid, "2026-08-01", None, 60000),             // no payment date: no deadline
        ];
        let mut lines: Vec<Line> = rows
            .iter()
            .map(|(status, served, paid_on, stake)| {
                let mut l = line(*status, "", 60);
                l.service_date = Some(date(served));
                l.payment_date = paid_on.map(date);
                l.at_stake = m(*stake);
                l
            })
            .collect();
        let items = work(&mut lines, Tolerance::default(), &DeadlineRules::default());
        let got: Vec<(Option<usize>, Option<String>)> =
            items.iter().map(|w| (w.line, w.deadline.0.map(|d| d.date.to_string()))).collect();
        assert_eq!(
            got,
            [
                (Some(3), Some("2026-11-30".into())),
                (Some(1), Some("2026-11-30".into())),
                (Some(2), Some("2026-12-07".into())),
                (Some(0), None),
                (Some(4), None),
            ]
        );
    }

    /// A claim of several lines is one item: the most urgent line sets its
    /// kind and action, the amounts of the lines that need work add up, paid
    /// and waiting lines are not covered, and the fields of §8.7 are there.
    #[test]
    fn one_item_per_claim() {
        use Status::*;
        let rules = DeadlineRules::default();
        let mut lines: Vec<Line> =
            [(Paid, "CO-45", 40, 0), (Partial, "PR-2", 40, 2000), (Denied, "CO-50", 40, 12000)]
                .iter()
                .map(|(status, codes, age, stake)| {
                    let mut l = line(*status, codes, *age);
                    l.claim_id = Some("000394".into());
                    l.patient_id = Some("P-77".into());
                    l.code = Some(Text::from(format!("9921{stake}")));
                    l.service_date = Some(date("2026-08-03"));
                    l.payment_date = Some(date("2026-09-01"));
                    l.check_numbers = smallvec::smallvec!["EFT42".into()];
                    l.at_stake = m(*stake);
                    l
                })
                .collect();
        let mut recent = line(Unpaid, "", 12);
        recent.claim_id = Some("394".into());
        lines.push(recent);
        let claims = crate::reconcile::claims::build(&lines, &rules);
        assert_eq!(claims.len(), 1);
        let items = build(&lines, &claims, &[], Tolerance::default(), &rules);
        assert_eq!(items.len(), 1, "{items:?}");
        let w = &items[0];
        assert_eq!((w.kind, w.line, w.lines.to_vec()), (Kind::Denied, Some(2), vec![1, 2]));
        assert_eq!(w.amount, m(14000));
        // The claim's at stake includes the waiting line's $100.
        assert_eq!(w.at_stake, m(24000));
        assert_eq!(w.status, Some(Unpaid));
        assert!(w.action.starts_with("medical necessity"), "{}", w.action);
        let v = serde_json::to_value(w).unwrap();
        for key in [
            "claim",
            "claimId",
            "patient",
            "patientId",
            "payer",
            "firstServiceDate",
            "lastServiceDate",
            "codes",
            "billed",
            "atStake",
            "ageDays",
            "status",
            "reasons",
            "action",
            "deadline",
            "deadlineKind",
            "lines",
            "checkNumbers",
        ] {
            assert!(v.get(key).is_some(), "{key} missing from {v}");
        }
        assert_eq!(v["deadline"], "2027-02-28", "the appeal limit of the denied line: 2026-09-01 + 180 days");
        assert_eq!(v["deadlineKind"], "appeal");
        assert_eq!(v["patientId"], "P-77");
        assert_eq!(v["reasons"][2]["code"], "CO-50");
    }
}
