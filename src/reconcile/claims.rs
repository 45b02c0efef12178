//! Claims: the lines of one claim number taken together (SPEC §8.7).
//!
//! A billing specialist works claims, not service lines: a payer answers
//! (and denies, and is appealed) per claim. A [`Claim`] is the set of lines
//! with the same normalised claim id (matched as everywhere: trimmed, case
//! folded, leading zeros dropped); a line without a claim id is a claim of its
//! own. Its figures are the sums of its lines, its status the worst of theirs
//! ([`worst_first`]), its age the oldest, and its deadline the soonest.

use std::borrow::Cow;
use std::ops::Deref;

use chrono::NaiveDate;

use serde::Serialize;

use super::deadlines::{sooner, DeadlineRules, Due};
use super::line::{iso_date, Line, LineIndexes, Texts};
use super::status::Status;
use crate::carc::ReasonCode;
use crate::hashing::FastMap;
use crate::interned::Text;
use crate::money::Money;
use crate::records::Id;

/// One claim of the report (SPEC §8.7 `report.claims`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// The claim number as the first of its lines writes it.
    pub claim_id: Option<Text>,
    pub payer: Option<Text>,
    pub patient: Option<Text>,
    pub patient_id: Option<Text>,
    #[serde(serialize_with = "iso_date")]
    pub first_service_date: Option<NaiveDate>,
    #[serde(serialize_with = "iso_date")]
    pub last_service_date: Option<NaiveDate>,
    /// Its procedure codes, each once, in the order of its lines.
    pub codes: Texts,
    pub billed: Money,
    pub insurance_paid: Money,
    pub contractual_adjustment: Money,
    pub patient_responsibility: Money,
    pub patient_paid: Money,
    pub balance: Money,
    pub at_stake: Money,
    /// The worst status of its lines (see [`worst_first`]).
    pub status: Status,
    /// The oldest of its lines' ages.
    pub age_days: Option<i64>,
    pub check_numbers: Texts,
    pub reason_codes: Vec<ReasonCode>,
    /// The soonest deadline of its lines: `deadline` (an ISO date, `null`
    /// when none applies) and `deadlineKind` (`filing` or `appeal`).
    #[serde(flatten)]
    pub deadline: Due,
    /// Every line is unpaid and billed too recently to chase (SPEC §8.7 `waiting`).
    pub waiting: bool,
    /// Its lines' indexes in the report's `lines`.
    pub lines: LineIndexes,
}

/// How bad a status is for a claim, worst first (SPEC §8.7, §11): rejected,
/// unpaid, denied, underpaid, partial, overpaid, paid.
pub fn worst_first(status: Status) -> u8 {
    match status {
        Status::Rejected => 0,
        Status::Unpaid => 1,
        Status::Denied => 2,
        Status::Underpaid => 3,
        Status::Partial => 4,
        Status::Overpaid => 5,
        Status::Paid => 6,
    }
}

fn push_new<T: PartialEq + Clone>(list: &mut (impl Deref<Target = [T]> + Extend<T>), items: &[T]) {
    for item in items {
        if !list.contains(item) {
            list.extend([item.clone()]);
        }
    }
}

impl Claim {
    fn start(line: &Line) -> Claim {
        Claim {
            claim_id: line.claim_id.clone(),
            payer: None,
            patient: None,
            patient_id: None,
            first_service_date: None,
            last_service_date: None,
            codes: Texts::new(),
            billed: Money::ZERO,
            insurance_paid: Money::ZERO,
            contractual_adjustment: Money::ZERO,
            patient_responsibility: Money::ZERO,
            patient_paid: Money::ZERO,
            balance: Money::ZERO,
            at_stake: Money::ZERO,
            status: Status::Paid,
            age_days: None,
            check_numbers: Texts::new(),
            reason_codes: Vec::new(),
            deadline: Due(None),
            waiting: true,
            lines: LineIndexes::new(),
        }
    }

    fn add(&mut self, i: usize, l: &Line, rules: &DeadlineRules) {
        if self.payer.is_none() {
            self.payer.clone_from(&l.payer);
        }
        if self.patient.is_none() {
            self.patient.clone_from(&l.patient);
        }
        if self.patient_id.is_none() {
            self.patient_id.clone_from(&l.patient_id);
        }
        if let Some(d) = l.service_date {
            self.first_service_date = Some(self.first_service_date.map_or(d, |f| f.min(d)));
            self.last_service_date = Some(self.last_service_date.map_or(d, |f| f.max(d)));
        }
        if let Some(code) = &l.code {
            push_new(&mut self.codes, std::slice::from_ref(code));
        }
        self.billed += l.billed;
        self.insurance_paid += l.insurance_paid;
        self.contractual_adjustment += l.contractual_adjustment;
        self.patient_responsibility += l.patient_responsibility;
        self.patient_paid += l.patient_paid;
        self.balance += l.balance;
        self.at_stake += l.at_stake;
        if worst_first(l.status) < worst_first(self.status) {
            self.status = l.status;
        }
        self.age_days = self.age_days.max(l.age_days);
        push_new(&mut self.check_numbers, &l.check_numbers);
        push_new(&mut self.reason_codes, &l.reason_codes);
        self.deadline = Due(sooner(self.deadline.0, rules.for_line(l)));
        self.waiting &= rules.is_waiting(l);
        self.lines.push(i);
    }
}

/// The claims of `lines`, in the order of their first line.
pub fn build(lines: &[Line], rules: &DeadlineRules) -> Vec<Claim> {
    // Two passes: each line's claim first, then the claims in a vector of
    // their exact number. Pushed as they were found, a 1M-line report's claims
    // were copied from 58 to 116 MiB at the end, on top of wasm memory.
    let mut count = 0;
    let claim_of: Vec<usize> = {
        // Sized for a line per claim: a 200,000-line report grew this map (and hashed every
        // claim number again) a dozen times on the way.
        let mut by_key: FastMap<Cow<'_, str>, usize> =
            FastMap::with_capacity_and_hasher(lines.len(), Default::default());
        let mut next = || {
            count += 1;
            count - 1
        };
        lines
            .iter()
            .map(|l| match l.claim_id.as_deref().and_then(Id::key_of) {
                Some(key) => *by_key.entry(key).or_insert_with(&mut next),
                None => next(),
            })
            .collect()
    };
    let mut claims: Vec<Claim> = Vec::with_capacity(count);
    for (i, (l, &at)) in lines.iter().zip(&claim_of).enumerate() {
        if at == claims.len() {
            claims.push(Claim::start(l));
        }
        claims[at].add(i, l, rules);
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carc::parse_list;
    use crate::reconcile::deadlines::DeadlineKind;
    use crate::reconcile::worklist::tests::line;

    fn m(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn on(claim: Option<&str>, status: Status, served: &str, at_stake: i64) -> Line {
        let mut l = line(status, "", 40);
        l.claim_id = claim.map(Text::from);
        l.service_date = Some(date(served));
        l.at_stake = m(at_stake);
        l
    }

    #[test]
    fn lines_of_one_claim_number_are_one_claim_however_written() {
        let lines = [
            on(Some("000394"), Status::Paid, "2026-09-03", 0),
            on(Some("A7"), Status::Paid, "2026-09-03", 0),
            on(Some("394"), Status::Denied, "2026-09-01", 10000),
            on(None, Status::Unpaid, "2026-09-02", 10000),
            on(Some(" a7 "), Status::Partial, "2026-09-05", 2500),
            on(None, Status::Unpaid, "2026-09-02", 10000),
        ];
        let claims = build(&lines, &DeadlineRules::default());
        let got: Vec<(Option<&str>, Vec<usize>)> =
            claims.iter().map(|c| (c.claim_id.as_deref(), c.lines.to_vec())).collect();
        assert_eq!(
            got,
            [(Some("000394"), vec![0, 2]), (Some("A7"), vec![1, 4]), (None, vec![3]), (None, vec![5]),]
        );
        let c = &claims[0];
        assert_eq!(c.status, Status::Denied);
        assert_eq!((c.billed, c.at_stake), (m(20000), m(10000)));
        assert_eq!(c.first_service_date, Some(date("2026-09-01")));
        assert_eq!(c.last_service_date, Some(date("2026-09-03")));
    }

    /// SPEC §8.7: the claim's status is the worst of its lines', in the order
    /// unpaid, denied, underpaid, partial, overpaid, paid.
    #[test]
    fn the_worst_status_wins() {
        use Status::*;
        let table: &[(&[Status], Status)] = &[
            (&[Paid, Paid], Paid),
            (&[Paid, Overpaid], Overpaid),
            (&[Overpaid, Partial], Partial),
            (&[Partial, Underpaid, Paid], Underpaid),
            (&[Underpaid, Denied], Denied),
            (&[Denied, Unpaid, Paid], Unpaid),
        ];
        for (statuses, want) in table {
            let lines: Vec<Line> = statuses.iter().map(|s| on(Some("9"), *s, "2026-09-01", 0)).collect();
            let claims = build(&lines, &DeadlineRules::default());
            assert_eq!(claims.len(), 1);
            assert_eq!(claims[0].status, *want, "{statuses:?}");
        }
    }

    #[test]
    fn sums_codes_checks_and_reasons_of_its_lines() {
        let mut a = on(Some("12"), Status::Partial, "2026-09-01", 1500);
        a.code = Some("99213".into());
        a.billed = m(15000);
        a.insurance_paid = m(9000);
        a.contractual_adjustment = m(4500);
        a.balance = m(1500);
        a.check_numbers = smallvec::smallvec!["CHK1".into()];
        a.reason_codes = parse_list("CO-45; PR-2").unwrap();
        let mut b = on(Some("12"), Status::Paid, "2026-09-01", 0);
        b.code = Some("36415".into());
        b.billed = m(2000);
        b.insurance_paid = m(1200);
        b.contractual_adjustment = m(800);
        b.check_numbers = smallvec::smallvec!["CHK1".into(), "CHK2".into()];
        b.reason_codes = parse_list("CO-45").unwrap();
        b.age_days = Some(70);
        let c = &build(&[a, b], &DeadlineRules::default())[0];
        assert_eq!(c.codes[..], [Text::from("99213"), Text::from("36415")]);
        assert_eq!((c.billed, c.insurance_paid, c.contractual_adjustment), (m(17000), m(10200), m(5300)));
        assert_eq!(
            c.billed,
            c.insurance_paid + c.contractual_adjustment + c.patient_responsibility + c.balance
        );
        assert_eq!(c.check_numbers[..], [Text::from("CHK1"), Text::from("CHK2")]);
        assert_eq!(c.reason_codes, parse_list("CO-45; PR-2").unwrap());
        assert_eq!(c.age_days, Some(70));
        assert!(!c.waiting);
    }

    #[test]
    fn the_deadline_is_the_soonest_of_its_lines() {
        let mut unpaid = on(Some("5"), Status::Unpaid, "2026-09-10", 10000);
        unpaid.age_days = Some(60);
        let mut denied = on(Some("5"), Status::Denied, "2026-09-01", 10000);
        denied.payment_date = Some(date("2026-09-20"));
        let rules = DeadlineRules { appeal_days: 30, ..DeadlineRules::default() };
        let c = &build(&[unpaid.clone(), denied.clone()], &rules)[0];
        assert_eq!(c.deadline.0.map(|d| (d.date, d.kind)), Some((date("2026-10-20"), DeadlineKind::Appeal)));
        let c = &build(&[unpaid, denied], &DeadlineRules::default())[0];
        assert_eq!(c.deadline.0.map(|d| (d.date, d.kind)), Some((date("2026-12-09"), DeadlineKind::Filing)));
        let json = serde_json::to_value(c).unwrap();
        assert_eq!(
            (json["deadline"].as_str(), json["deadlineKind"].as_str()),
            (Some("2026-12-09"), Some("filing"))
        );
    }
}
