//! Deadlines and waiting (SPEC §8.7): when a claim must be filed or appealed
//! by, and which unpaid lines are too recent to chase.
//!
//! Payers give a provider a limited time to file a claim (the timely filing
//! limit, counted from the date of service) and to appeal a denial or an
//! underpayment (the appeal limit, counted from the payment date). The limits
//! differ by payer and by contract, so [`DeadlineRules`] holds defaults (90
//! and 180 days) and an override per payer. A line's deadline is counted from
//! its earliest service date or payment date; a claim's is the soonest of its
//! lines' ([`super::claims`]). An unpaid line billed fewer than `wait_days`
//! (default 30) days ago is *waiting*: not work yet.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::line::Line;
use super::status::Status;
use crate::table::dates::iso;

/// Default timely filing limit, in days from the date of service (SPEC §8.7).
pub const DEFAULT_FILING_DAYS: u32 = 90;
/// Default appeal limit, in days from the payment date (SPEC §8.7).
pub const DEFAULT_APPEAL_DAYS: u32 = 180;
/// Default days after billing before an unanswered claim is work (SPEC §8.7 `waitDays`).
pub const DEFAULT_WAIT_DAYS: u32 = 30;

/// The limits of one payer; a limit left out is the default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PayerRule {
    /// The payer's name as the files write it (compared without case and outer spaces).
    pub payer: String,
    pub filing_days: Option<u32>,
    pub appeal_days: Option<u32>,
}

/// The deadline limits and the waiting period of a reconciliation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeadlineRules {
    pub filing_days: u32,
    pub appeal_days: u32,
    pub wait_days: u32,
    /// Put waiting lines on the worklist too (kind `waiting`), when the user asks.
    pub show_waiting: bool,
    pub payers: Vec<PayerRule>,
}

impl Default for DeadlineRules {
    fn default() -> DeadlineRules {
        DeadlineRules {
            filing_days: DEFAULT_FILING_DAYS,
            appeal_days: DEFAULT_APPEAL_DAYS,
            wait_days: DEFAULT_WAIT_DAYS,
            show_waiting: false,
            payers: Vec::new(),
        }
    }
}

/// Which limit a deadline comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeadlineKind {
    /// The timely filing limit: the payer has not answered an unpaid claim.
    Filing,
    /// The appeal limit of a denied or underpaid claim.
    Appeal,
}

/// The last day to act, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline {
    pub date: NaiveDate,
    pub kind: DeadlineKind,
}

/// The sooner of two deadlines, either of which may be unknown.
pub fn sooner(a: Option<Deadline>, b: Option<Deadline>) -> Option<Deadline> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A deadline as a report writes it, flattened into its claim or item:
/// `"deadline": "YYYY-MM-DD" | null, "deadlineKind": "filing" | "appeal" | null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Due(pub Option<Deadline>);

impl Serialize for Due {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("Due", 2)?;
        out.serialize_field("deadline", &self.0.map(|d| iso(d.date)))?;
        out.serialize_field("deadlineKind", &self.0.map(|d| d.kind))?;
        out.end()
    }
}

/// The "payer" is the patient ("Self-pay", "Cash", "Uninsured"): there is no
/// claim to file, so no filing limit, and the work is to bill the patient.
pub fn is_self_pay(payer: Option<&str>) -> bool {
    payer.is_some_and(crate::prices::lookup::is_cash)
}

impl DeadlineRules {
    /// The rules written for `payer`, the last written first (it wins when a
    /// payer's limit is given twice).
    fn rules_for<'a>(&'a self, payer: Option<&'a str>) -> impl Iterator<Item = &'a PayerRule> + 'a {
        let payer = payer.map(str::trim);
        self.payers
            .iter()
            .rev()
            .filter(move |r| payer.is_some_and(|p| r.payer.trim().eq_ignore_ascii_case(p)))
    }

    pub fn filing_days(&self, payer: Option<&str>) -> u32 {
        self.rules_for(payer).find_map(|r| r.filing_days).unwrap_or(self.filing_days)
    }

    pub fn appeal_days(&self, payer: Option<&str>) -> u32 {
        self.rules_for(payer).find_map(|r| r.appeal_days).unwrap_or(self.appeal_days)
    }

    /// A line's deadline (SPEC §8.7): the filing limit from its earliest
    /// service date when the payer has not answered (unpaid), the appeal limit
    /// from its earliest payment date when it is denied or underpaid, else none.
    pub fn for_line(&self, line: &Line) -> Option<Deadline> {
        let payer = line.payer.as_deref();
        let (from, days, kind) = match line.status {
            Status::Unpaid if is_self_pay(payer) => return None,
            // SPEC §11: a rejected claim was never filed; the filing clock still runs.
            Status::Unpaid | Status::Rejected => {
                (line.service_date?, self.filing_days(payer), DeadlineKind::Filing)
            }
            Status::Denied | Status::Underpaid => {
                (line.payment_date?, self.appeal_days(payer), DeadlineKind::Appeal)
            }
            Status::Partial | Status::Overpaid | Status::Paid => return None,
        };
        let date = from.checked_add_days(Days::new(days.into()))?;
        Some(Deadline { date, kind })
    }

    /// An unpaid line billed fewer than `wait_days` days ago (its age runs
    /// from the bill date, else the date of service): not work yet (SPEC §8.7).
    /// A line without a date cannot be shown to be recent, so it is work.
    pub fn is_waiting(&self, line: &Line) -> bool {
        line.status == Status::Unpaid && line.age_days.is_some_and(|d| d < i64::from(self.wait_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn line(status: Status, payer: &str, service: &str, paid_on: Option<&str>, age: i64) -> Line {
        let mut l = crate::reconcile::worklist::tests::line(status, "", age);
        l.payer = Some(payer.into());
        l.service_date = Some(date(service));
        l.payment_date = paid_on.map(date);
        l.billed = Money::from_cents(100);
        l
    }

    /// One row per rule of SPEC §8.7: status, payer, service date, payment
    /// date, and the deadline (date and kind) or none.
    #[test]
    fn deadline_by_status_and_payer() {
        use DeadlineKind::*;
        use Status::*;
        let rules = DeadlineRules {
            payers: vec![
                PayerRule { payer: "Medicare".into(), filing_days: Some(365), appeal_days: Some(90) },
                PayerRule { payer: "Aetna".into(), filing_days: None, appeal_days: Some(60) },
                // A later rule that sets only the appeal limit keeps Medicare's filing limit.
                PayerRule { payer: "medicare".into(), filing_days: None, appeal_days: Some(120) },
            ],
            ..DeadlineRules::default()
        };
        type Row<'a> = (Status, &'a str, &'a str, Option<&'a str>, Option<(&'a str, DeadlineKind)>);
        let table: &[Row] = &[
            // Unpaid: filing limit from the service date, 90 days by default.
            (Unpaid, "Cigna", "2026-09-01", None, Some(("2026-11-30", Filing))),
            (Unpaid, "MEDICARE ", "2026-09-01", None, Some(("2027-09-01", Filing))),
            // Aetna sets only the appeal limit: filing keeps the default.
            (Unpaid, "aetna", "2026-09-01", None, Some(("2026-11-30", Filing))),
            // Self-pay: no claim is filed, so no filing limit.
            (Unpaid, "Self-pay", "2026-09-01", None, None),
            // Denied and underpaid: appeal limit from the payment date, 180 by default.
            (Denied, "Cigna", "2026-09-01", Some("2026-10-01"), Some(("2027-03-30", Appeal))),
            (Underpaid, "Aetna", "2026-09-01", Some("2026-10-01"), Some(("2026-11-30", Appeal))),
            (Denied, "Medicare", "2026-09-01", Some("2026-10-01"), Some(("2027-01-29", Appeal))),
            // A denial without a payment date has no date to count from.
            (Denied, "Cigna", "2026-09-01", None, None),
            // No limit applies to a partial, overpaid or paid line.
            (Partial, "Cigna", "2026-09-01", Some("2026-10-01"), None),
            (Overpaid, "Cigna", "2026-09-01", Some("2026-10-01"), None),
            (Paid, "Cigna", "2026-09-01", Some("2026-10-01"), None),
        ];
        for (status, payer, service, paid_on, want) in table {
            let got = rules.for_line(&line(*status, payer, service, *paid_on, 40));
            let want = want.map(|(d, kind)| Deadline { date: date(d), kind });
            assert_eq!(got, want, "{status} {payer} served {service} paid {paid_on:?}");
        }
    }

    #[test]
    fn unpaid_lines_younger_than_the_wait_are_waiting() {
        let rules = DeadlineRules::default();
        let at = |status, age| rules.is_waiting(&line(status, "Cigna", "2026-09-01", None, age));
        assert!(at(Status::Unpaid, 0));
        assert!(at(Status::Unpaid, 29));
        assert!(!at(Status::Unpaid, 30), "30 days is no longer fewer than 30");
        assert!(!at(Status::Denied, 5), "a payer's answer is work, however recent");
        let mut undated = line(Status::Unpaid, "Cigna", "2026-09-01", None, 5);
        undated.age_days = None;
        assert!(!rules.is_waiting(&undated));
        let longer = DeadlineRules { wait_days: 45, ..DeadlineRules::default() };
        assert!(longer.is_waiting(&line(Status::Unpaid, "Cigna", "2026-09-01", None, 44)));
    }
}
