//! A line's status and the amount at stake (SPEC §4 "Per line", as revised
//! by §8.4: a denial billed to the patient is a denial, and a line is
//! overpaid only when money came in).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The outcome of a line. The order of the variants is the order of SPEC §4's
/// table; [`classify`] checks them top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Rejected at the front door by a 999 or 277CA and never adjudicated (SPEC §11): set from
    /// the acknowledgments, not by [`classify`].
    Rejected,
    Unpaid,
    Denied,
    Overpaid,
    Underpaid,
    Partial,
    Paid,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Paid,
        Status::Partial,
        Status::Underpaid,
        Status::Overpaid,
        Status::Denied,
        Status::Rejected,
        Status::Unpaid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Rejected => "rejected",
            Status::Unpaid => "unpaid",
            Status::Denied => "denied",
            Status::Overpaid => "overpaid",
            Status::Underpaid => "underpaid",
            Status::Partial => "partial",
            Status::Paid => "paid",
        }
    }

    /// The status as the page names it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Rejected => "Rejected",
            Status::Unpaid => "Unpaid",
            Status::Denied => "Denied",
            Status::Overpaid => "Overpaid",
            Status::Underpaid => "Underpaid",
            Status::Partial => "Partial",
            Status::Paid => "Paid",
        }
    }

    /// What the status says about a line, in a billing specialist's words.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Rejected => "turned back before the payer looked at it: correct and resubmit",
            Status::Unpaid => "no answer from the payer yet",
            Status::Denied => "the payer paid nothing and said why",
            Status::Overpaid => "paid more than billed or expected",
            Status::Underpaid => "paid less than expected",
            Status::Partial => "paid, with money still open",
            Status::Paid => "paid as expected",
        }
    }

    /// Lines whose open money is aged (SPEC §4 "Age").
    pub fn is_aged(self) -> bool {
        matches!(
            self,
            Status::Rejected | Status::Unpaid | Status::Denied | Status::Underpaid | Status::Partial
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The sums a status is decided from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// B
    pub billed: Money,
    /// P
    pub paid: Money,
    /// CA
    pub contractual: Money,
    /// PR
    pub patient_responsibility: Money,
    /// OA
    pub other_adjustment: Money,
    /// E: the fee-schedule amount, else the allowed amount, when known.
    pub expected: Option<Money>,
    /// Whether any remittance exists for the line.
    pub has_remittance: bool,
    /// What the patient paid (SPEC §8.3); with P, the money received.
    pub patient_paid: Money,
    /// The line's PR reason codes are all denials billed to the patient
    /// (PR-27, PR-96, …), none of them cost sharing (SPEC §8.4); see
    /// [`crate::carc::ReasonCode::is_denial_to_patient`].
    pub denied_to_patient: bool,
}

impl Figures {
    /// balance = B − P − CA − PR − OA
    pub fn balance(&self) -> Money {
        self.billed - self.paid - self.contractual - self.patient_responsibility - self.other_adjustment
    }

    /// P + PR: what the payer and the patient together are to pay.
    fn collected(&self) -> Money {
        self.paid + self.patient_responsibility
    }

    /// P + patient paid: the money that came in.
    fn received(&self) -> Money {
        self.paid + self.patient_paid
    }
}

/// Whether the PR codes of a line deny it to the patient: at least one PR
/// code, and every PR code (and every code without a group) not cost sharing.
/// A PR amount without any PR code is the patient's share, as exports write it.
pub fn denied_to_patient(codes: &[crate::carc::ReasonCode]) -> bool {
    codes.iter().any(|c| c.is_denial_to_patient()) && !codes.iter().any(|c| c.is_cost_sharing())
}

/// Comparisons where amounts within the tolerance count as equal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tolerance(pub Money);

impl Tolerance {
    fn is_zero(self, a: Money) -> bool {
        a.abs() <= self.0
    }
    fn less(self, a: Money, b: Money) -> bool {
        a < b - self.0
    }
    pub(crate) fn greater(self, a: Money, b: Money) -> bool {
        a > b + self.0
    }
}

/// The first status of SPEC §4's table whose condition holds, with §8.4's changes.
pub fn classify(f: &Figures, t: Tolerance) -> Status {
    let balance = f.balance();
    // §8.4: without money received, a negative balance is a posting to check
    // (see [`adjustments_exceed`]), and the line reads as if it were zero.
    let received = t.greater(f.received(), Money::ZERO);
    if !f.has_remittance {
        Status::Unpaid
    } else if t.is_zero(f.paid) && (t.is_zero(f.patient_responsibility) || f.denied_to_patient) {
        Status::Denied
    } else if received
        && (t.less(balance, Money::ZERO) || f.expected.is_some_and(|e| t.greater(f.collected(), e)))
    {
        Status::Overpaid
    } else if f.expected.is_some_and(|e| t.less(f.collected(), e)) {
        Status::Underpaid
    } else if t.greater(balance, Money::ZERO) {
        Status::Partial
    } else {
        Status::Paid
    }
}

/// How much the adjustments exceed the billed amount on a line that received
/// no money (SPEC §8.4): not an overpayment, a posting to check.
pub fn adjustments_exceed(f: &Figures, t: Tolerance) -> Option<Money> {
    let balance = f.balance();
    (f.has_remittance && !t.greater(f.received(), Money::ZERO) && t.less(balance, Money::ZERO))
        .then_some(-balance)
}

/// What a person can still recover or must return (SPEC §4 "At stake").
pub fn at_stake(status: Status, f: &Figures) -> Money {
    let balance = f.balance();
    match status {
        Status::Rejected | Status::Unpaid | Status::Denied => f.billed,
        Status::Underpaid => f.expected.map(|e| e - f.collected()).unwrap_or(balance),
        Status::Partial => balance,
        Status::Overpaid => {
            let refund = -balance;
            match f.expected {
                Some(e) => refund.max(f.collected() - e),
                None => refund,
            }
        }
        Status::Paid => Money::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    fn figures(billed: i64, paid: i64, ca: i64, pr: i64, oa: i64, expected: Option<i64>) -> Figures {
        Figures {
            billed: m(billed),
            paid: m(paid),
            contractual: m(ca),
            patient_responsibility: m(pr),
            other_adjustment: m(oa),
            expected: expected.map(m),
            has_remittance: true,
            patient_paid: Money::ZERO,
            denied_to_patient: false,
        }
    }

    const EXACT: Tolerance = Tolerance(Money::ZERO);

    #[test]
    fn unpaid_means_no_remittance_at_all() {
        let f = Figures { billed: m(10000), ..Figures::default() };
        assert_eq!(classify(&f, EXACT), Status::Unpaid);
        assert_eq!(at_stake(Status::Unpaid, &f), m(10000));
    }

    #[test]
    fn denied_needs_zero_paid_and_zero_patient_share() {
        let f = figures(10000, 0, 10000, 0, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Denied);
        assert_eq!(at_stake(Status::Denied, &f), m(10000), "a denial puts the whole billed amount at stake");
        let with_pr = figures(10000, 0, 8000, 2000, 0, None);
        assert_ne!(classify(&with_pr, EXACT), Status::Denied, "the patient owes part of it: not a denial");
    }

    /// One row per rule of SPEC §4's status table as §8.4 revises it, top to bottom: the rule,
    /// B, P, CA, PR, OA, E, remittance, patient paid, reason codes → status and at stake (cents).
    #[test]
    fn every_status_rule() {
        use crate::carc::parse_list;
        type Row = (&'static str, [i64; 5], Option<i64>, bool, i64, &'static str, Status, i64);
        let table: &[Row] = &[
            ("unpaid: no remittance", [10000, 0, 0, 0, 0], None, false, 0, "", Status::Unpaid, 10000),
            (
                "unpaid: a patient's payment is not the payer's answer",
                [10000, 0, 0, 0, 0],
                None,
                false,
                3000,
                "",
                Status::Unpaid,
                10000,
            ),
            (
                "denied: P = 0 and PR = 0",
                [10000, 0, 10000, 0, 0],
                None,
                true,
                0,
                "CO-50",
                Status::Denied,
                10000,
            ),
            (
                "denied: P = 0 and PR only PR-27",
                [10000, 0, 0, 10000, 0],
                None,
                true,
                0,
                "PR-27",
                Status::Denied,
                10000,
            ),
            (
                "denied: PR-96 with an allowed amount",
                [10000, 0, 0, 10000, 0],
                Some(10000),
                true,
                0,
                "PR-96",
                Status::Denied,
                10000,
            ),
            (
                "not denied: P = 0, PR is the deductible",
                [10000, 0, 2000, 8000, 0],
                None,
                true,
                0,
                "CO-45; PR-1",
                Status::Paid,
                0,
            ),
            (
                "not denied: PR-27 next to a deductible",
                [10000, 0, 0, 10000, 0],
                None,
                true,
                0,
                "PR-27; PR-1",
                Status::Paid,
                0,
            ),
            (
                "overpaid: balance < 0 with money received",
                [10000, 11000, 0, 0, 0],
                None,
                true,
                0,
                "",
                Status::Overpaid,
                1000,
            ),
            (
                "overpaid: the patient's payment is money received",
                [10000, 0, 9000, 2000, 0],
                None,
                true,
                500,
                "",
                Status::Overpaid,
                1000,
            ),
            (
                "overpaid: P + PR > E",
                [10000, 9000, 0, 1000, 0],
                Some(8000),
                true,
                0,
                "",
                Status::Overpaid,
                2000,
            ),
            (
                "not overpaid: adjustments exceed B, nothing received",
                [10000, 0, 9000, 2000, 0],
                None,
                true,
                0,
                "PR-1",
                Status::Paid,
                0,
            ),
            (
                "underpaid: P + PR < E",
                [10000, 6000, 2000, 1000, 0],
                Some(8000),
                true,
                0,
                "",
                Status::Underpaid,
                1000,
            ),
            ("partial: balance > 0", [10000, 5000, 2000, 1000, 0], None, true, 0, "", Status::Partial, 2000),
            ("paid: balance 0", [10000, 7000, 2000, 1000, 0], Some(8000), true, 0, "", Status::Paid, 0),
        ];
        for (rule, [b, p, ca, pr, oa], e, remit, pp, codes, status, stake) in table {
            let mut f = figures(*b, *p, *ca, *pr, *oa, *e);
            f.has_remittance = *remit;
            f.patient_paid = m(*pp);
            f.denied_to_patient = denied_to_patient(&parse_list(codes).unwrap());
            assert_eq!(classify(&f, EXACT), *status, "{rule}");
            assert_eq!(at_stake(*status, &f), m(*stake), "{rule}: at stake");
        }
    }

    #[test]
    fn denied_when_the_patient_share_is_only_a_denial_billed_to_the_patient() {
        use crate::carc::parse_list;
        // Medicare, paid 0, the whole amount PR-27 (coverage ended): a denial, allowed blank or not.
        for expected in [None, Some(0), Some(10000)] {
            let mut f = figures(10000, 0, 0, 10000, 0, expected);
            f.denied_to_patient = denied_to_patient(&parse_list("PR-27").unwrap());
            assert_eq!(classify(&f, EXACT), Status::Denied, "allowed {expected:?}");
            assert_eq!(at_stake(Status::Denied, &f), m(10000), "at stake stays the billed amount");
        }
        for codes in ["PR-27", "PR-31", "PR-96", "PR-204", "PR-B7", "PR-B9", "PR-96; CO-45", "PR-27, N130"] {
            assert!(denied_to_patient(&parse_list(codes).unwrap()), "{codes}");
        }
        for codes in [
            "",
            "PR-1",
            "PR-2",
            "PR-3",
            "PR-66",
            "PR-122",
            "PR-241",
            "PR-96; PR-1",
            "CO-45",
            "27",
            "2, PR-27",
        ] {
            assert!(
                !denied_to_patient(&parse_list(codes).unwrap()),
                "{codes:?} is cost sharing or no PR code"
            );
        }
        // Cost sharing with nothing paid is the patient's deductible, not a denial.
        let f = figures(10000, 0, 2000, 8000, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Paid);
    }

    #[test]
    fn overpaid_needs_money_received() {
        // Adjustments exceed the charge and nothing came in: read as if the balance were 0.
        let mut f = figures(10000, 0, 9000, 2000, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Paid);
        assert_eq!(adjustments_exceed(&f, EXACT), Some(m(1000)));
        // ... and it still compares with what was expected.
        f.expected = Some(m(3000));
        assert_eq!(classify(&f, EXACT), Status::Underpaid);
        // A patient's payment is money received.
        let mut f = figures(10000, 0, 9000, 2000, 0, None);
        f.patient_paid = m(500);
        assert_eq!(classify(&f, EXACT), Status::Overpaid);
        assert_eq!(adjustments_exceed(&f, EXACT), None);
        // Money received and a negative balance: overpaid as before.
        let f = figures(10000, 11000, 0, 0, 0, None);
        assert_eq!(adjustments_exceed(&f, EXACT), None);
    }

    #[test]
    fn denied_comes_before_overpaid() {
        // Zero paid but adjustments larger than billed: the denial wins by precedence.
        let f = figures(10000, 0, 12000, 0, 0, None);
        assert!(f.balance().is_negative());
        assert_eq!(classify(&f, EXACT), Status::Denied);
    }

    #[test]
    fn overpaid_by_balance_or_by_expected() {
        let f = figures(10000, 11000, 0, 0, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Overpaid);
        assert_eq!(at_stake(Status::Overpaid, &f), m(1000));
        // Balance zero, but paid + PR above the fee schedule.
        let f = figures(10000, 9000, 0, 1000, 0, Some(8000));
        assert_eq!(classify(&f, EXACT), Status::Overpaid);
        assert_eq!(at_stake(Status::Overpaid, &f), m(2000), "max(-balance, P + PR - E)");
    }

    #[test]
    fn overpaid_comes_before_underpaid_and_partial() {
        // Negative balance and P + PR below E: overpaid first.
        let f = figures(10000, 5000, 6000, 0, 0, Some(7000));
        assert_eq!(classify(&f, EXACT), Status::Overpaid);
    }

    #[test]
    fn underpaid_against_expected_comes_before_partial() {
        let f = figures(10000, 6000, 2000, 1000, 0, Some(8000));
        assert_eq!(f.balance(), m(1000));
        assert_eq!(classify(&f, EXACT), Status::Underpaid);
        assert_eq!(at_stake(Status::Underpaid, &f), m(1000), "E - (P + PR)");
    }

    #[test]
    fn partial_when_a_balance_remains() {
        let f = figures(10000, 5000, 2000, 1000, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Partial);
        assert_eq!(at_stake(Status::Partial, &f), m(2000));
    }

    #[test]
    fn paid_when_everything_is_accounted_for() {
        let f = figures(10000, 7000, 2000, 1000, 0, Some(8000));
        assert_eq!(classify(&f, EXACT), Status::Paid);
        assert_eq!(at_stake(Status::Paid, &f), Money::ZERO);
    }

    #[test]
    fn tolerance_widens_every_comparison() {
        let t = Tolerance(m(100));
        // One dollar left over: partial exactly, paid within a $1 tolerance.
        let f = figures(10000, 7900, 2000, 0, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Partial);
        assert_eq!(classify(&f, t), Status::Paid);
        // One dollar over.
        let f = figures(10000, 8100, 2000, 0, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Overpaid);
        assert_eq!(classify(&f, t), Status::Paid);
        // One dollar under the fee schedule.
        let f = figures(10000, 7900, 2100, 0, 0, Some(8000));
        assert_eq!(classify(&f, EXACT), Status::Underpaid);
        assert_eq!(classify(&f, t), Status::Paid);
        // A one-cent payment is a denial within a $1 tolerance.
        let f = figures(10000, 1, 9999, 0, 0, None);
        assert_eq!(classify(&f, EXACT), Status::Paid);
        assert_eq!(classify(&f, t), Status::Denied);
        // Just outside the tolerance still counts.
        let f = figures(10000, 7899, 2000, 0, 0, None);
        assert_eq!(classify(&f, t), Status::Partial);
    }
}
