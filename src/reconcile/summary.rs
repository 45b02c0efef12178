//! Totals, status breakdown, aging and KPIs of a report (SPEC §4 "Summary and KPIs").

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::aging::AgingBucket;
use super::line::Line;
use super::status::Status;
use super::UnmatchedPayment;
use crate::carc::{Group, ReasonCode};
use crate::hashing::FastMap;
use crate::money::{Money, Rate};
use crate::records::Remit;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub billed: Money,
    pub insurance_paid: Money,
    pub contractual_adjustment: Money,
    pub patient_responsibility: Money,
    pub other_adjustment: Money,
    pub balance: Money,
    pub unmatched_paid: Money,
    pub patient_paid: Money,
    /// Σ patient balance (PR − patient paid) over the lines (SPEC §8.3).
    pub patient_balance: Money,
    /// Open A/R: Σ at stake of the aged lines (SPEC §8.6), so the aging
    /// buckets add up to it. Not the balance: a denied line's whole billed
    /// amount is at stake, and an overpaid line is not open A/R.
    #[serde(rename = "openAR")]
    pub open_ar: Money,
    /// Σ PLB amounts of 835 files (positive reduced the payments).
    pub provider_adjustments: Money,
}

impl Totals {
    pub fn of(lines: &[Line], unmatched: &[UnmatchedPayment]) -> Totals {
        let mut t = Totals::default();
        for l in lines {
            t.billed += l.billed;
            t.insurance_paid += l.insurance_paid;
            t.contractual_adjustment += l.contractual_adjustment;
            t.patient_responsibility += l.patient_responsibility;
            t.other_adjustment += l.other_adjustment;
            t.balance += l.balance;
            t.patient_paid += l.patient_paid;
            t.patient_balance += l.patient_balance;
            if l.aging_bucket.is_some() {
                t.open_ar += l.at_stake;
            }
        }
        t.unmatched_paid = unmatched.iter().map(|u| u.paid).sum();
        t
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusTotal {
    pub count: usize,
    pub billed: Money,
    pub at_stake: Money,
}

impl StatusTotal {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Per status, in the order a report reads best: paid first, unpaid last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByStatus {
    pub paid: StatusTotal,
    pub partial: StatusTotal,
    pub underpaid: StatusTotal,
    pub overpaid: StatusTotal,
    pub denied: StatusTotal,
    /// Only with acknowledgments (SPEC §11); left out of the report when no line is rejected.
    #[serde(skip_serializing_if = "StatusTotal::is_empty")]
    pub rejected: StatusTotal,
    pub unpaid: StatusTotal,
}

impl ByStatus {
    pub fn of(lines: &[Line]) -> ByStatus {
        let mut b = ByStatus::default();
        for l in lines {
            let s = b.get_mut(l.status);
            s.count += 1;
            s.billed += l.billed;
            s.at_stake += l.at_stake;
        }
        b
    }

    pub fn get(&self, status: Status) -> &StatusTotal {
        match status {
            Status::Paid => &self.paid,
            Status::Partial => &self.partial,
            Status::Underpaid => &self.underpaid,
            Status::Overpaid => &self.overpaid,
            Status::Denied => &self.denied,
            Status::Rejected => &self.rejected,
            Status::Unpaid => &self.unpaid,
        }
    }

    fn get_mut(&mut self, status: Status) -> &mut StatusTotal {
        match status {
            Status::Paid => &mut self.paid,
            Status::Partial => &mut self.partial,
            Status::Underpaid => &mut self.underpaid,
            Status::Overpaid => &mut self.overpaid,
            Status::Denied => &mut self.denied,
            Status::Rejected => &mut self.rejected,
            Status::Unpaid => &mut self.unpaid,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgingRow {
    pub bucket: AgingBucket,
    pub count: usize,
    pub amount: Money,
}

/// Aged lines (unpaid, denied, underpaid, partial) with their at-stake amounts.
pub fn aging(lines: &[Line]) -> Vec<AgingRow> {
    AgingBucket::ALL
        .iter()
        .map(|&bucket| {
            let in_bucket = lines.iter().filter(|l| l.aging_bucket == Some(bucket));
            let (count, amount) = in_bucket.fold((0, Money::ZERO), |(n, a), l| (n + 1, a + l.at_stake));
            AgingRow { bucket, count, amount }
        })
        .collect()
}

/// Days in A/R with one decimal, as SPEC §7 shows it (`"42.5"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days(pub Decimal);

impl Serialize for Days {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut d = self.0.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(1);
        s.collect_str(&d)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    pub gross_collection_rate: Option<Rate>,
    pub net_collection_rate: Option<Rate>,
    pub denial_rate_by_amount: Option<Rate>,
    pub denial_rate_by_count: Option<Rate>,
    #[serde(rename = "daysInAR")]
    pub days_in_ar: Option<Days>,
}

impl Kpis {
    pub fn of(lines: &[Line], totals: &Totals) -> Kpis {
        let collected = totals.insurance_paid + totals.patient_paid;
        let with_remittance: Vec<&Line> =
            lines.iter().filter(|l| !matches!(l.status, Status::Unpaid | Status::Rejected)).collect();
        let denied: Vec<&&Line> = with_remittance.iter().filter(|l| l.status == Status::Denied).collect();
        let remitted_billed: Money = with_remittance.iter().map(|l| l.billed).sum();
        let denied_billed: Money = denied.iter().map(|l| l.billed).sum();
        Kpis {
            gross_collection_rate: Rate::ratio(collected, totals.billed),
            net_collection_rate: Rate::ratio(collected, totals.billed - totals.contractual_adjustment),
            denial_rate_by_amount: Rate::ratio(denied_billed, remitted_billed),
            denial_rate_by_count: Rate::of_counts(denied.len(), with_remittance.len()),
            days_in_ar: days_in_ar(lines, totals.open_ar, totals.billed),
        }
    }
}

/// Open A/R (the aging total, [`Totals::open_ar`]) divided by the average billed per day over the service-date span
/// (first to last date of service, inclusive).
fn days_in_ar(lines: &[Line], open: Money, billed: Money) -> Option<Days> {
    let dates: Vec<NaiveDate> = lines.iter().filter_map(|l| l.service_date).collect();
    let (first, last) = (dates.iter().min()?, dates.iter().max()?);
    let span = Decimal::from((*last - *first).num_days() + 1);
    if billed.is_zero() {
        return None;
    }
    let per_day = billed.as_decimal().checked_div(span)?;
    open.as_decimal().checked_div(per_day).map(Days)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReasonTotal {
    pub code: String,
    pub meaning: String,
    pub count: usize,
    pub amount: Money,
}

/// What each reason code on a remittance row accounts for.
///
/// Exports list codes without amounts, so a code takes the row's amount for
/// its group (CO → contractual, PR → patient responsibility, OA and PI →
/// other adjustment). When several codes of one group share a row, the first
/// takes the amount and the others are counted with 0, so that the amounts
/// still add up to the row's adjustments. A code without a group takes the
/// row's total adjustments when it is the row's only code, else 0.
pub fn attribute(remit: &Remit) -> Vec<(ReasonCode, Money)> {
    let mut out = Vec::with_capacity(remit.reason_codes.len());
    attribute_each(remit, |code, amount| out.push((code.clone(), amount)));
    out
}

/// [`attribute`] without copying the codes: `each(code, amount)` in the row's order.
fn attribute_each<'a>(remit: &'a Remit, mut each: impl FnMut(&'a ReasonCode, Money)) {
    /// The amount column each group's codes explain.
    #[derive(Clone, Copy, PartialEq)]
    enum Column {
        Contractual,
        Patient,
        Other,
    }
    let column = |g: Group| match g {
        Group::Co => Column::Contractual,
        Group::Pr => Column::Patient,
        Group::Oa | Group::Pi | Group::Cr => Column::Other,
    };
    let amount_of = |c: Column| match c {
        Column::Contractual => remit.contractual,
        Column::Patient => remit.patient_responsibility,
        Column::Other => remit.other_adjustment,
    };
    let only_code = remit.reason_codes.len() == 1;
    // At most three columns: a small array, not a heap list per row.
    let mut used: [Option<Column>; 3] = [None; 3];
    for code in &remit.reason_codes {
        let amount = match code.group.map(column) {
            _ if code.remark => Money::ZERO,
            Some(c) if !used.contains(&Some(c)) => {
                if let Some(free) = used.iter_mut().find(|u| u.is_none()) {
                    *free = Some(c);
                }
                amount_of(c)
            }
            Some(_) => Money::ZERO,
            None if only_code => remit.contractual + remit.patient_responsibility + remit.other_adjustment,
            None => Money::ZERO,
        };
        each(code, amount);
    }
}

/// Count and amount per reason code over all remittance rows, largest amount first.
pub fn reason_totals<'a>(remits: impl Iterator<Item = &'a Remit>) -> Vec<ReasonTotal> {
    let mut tally = ReasonTally::default();
    remits.for_each(|r| tally.add(r));
    tally.totals()
}

/// [`reason_totals`] one remittance row at a time, for rows that are not kept.
#[derive(Debug, Default)]
pub struct ReasonTally {
    /// Each distinct code, in the order first seen (a hash of the code, no text per row).
    seen: FastMap<ReasonCode, usize>,
    tally: Vec<(ReasonCode, usize, Money)>,
}

impl ReasonTally {
    pub fn add(&mut self, remit: &Remit) {
        let Self { seen, tally } = self;
        attribute_each(remit, |code, amount| {
            let i = match seen.get(code) {
                Some(&i) => i,
                None => {
                    tally.push((code.clone(), 0, Money::ZERO));
                    seen.insert(code.clone(), tally.len() - 1);
                    tally.len() - 1
                }
            };
            tally[i].1 += 1;
            tally[i].2 += amount;
        });
    }

    pub fn totals(self) -> Vec<ReasonTotal> {
        // Codes shown alike (a remark with and without a group) are one entry,
        // described by the first of them seen.
        let mut by_code: BTreeMap<String, (ReasonCode, usize, Money)> = BTreeMap::new();
        for (code, count, amount) in self.tally {
            let e = by_code.entry(code.to_string()).or_insert((code, 0, Money::ZERO));
            e.1 += count;
            e.2 += amount;
        }
        let mut out: Vec<ReasonTotal> = by_code
            .into_iter()
            .map(|(label, (code, count, amount))| ReasonTotal {
                code: label,
                meaning: code.meaning().to_string(),
                count,
                amount,
            })
            .collect();
        out.sort_by(|a, b| b.amount.cmp(&a.amount).then(b.count.cmp(&a.count)).then(a.code.cmp(&b.code)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carc::parse_list;

    fn remit(ca: i64, pr: i64, oa: i64, codes: &str) -> Remit {
        Remit {
            contractual: Money::from_cents(ca),
            patient_responsibility: Money::from_cents(pr),
            other_adjustment: Money::from_cents(oa),
            reason_codes: parse_list(codes).unwrap(),
            any_amount: true,
            ..Remit::default()
        }
    }

    #[test]
    fn codes_take_their_groups_amount_once() {
        let a = attribute(&remit(3000, 2000, 0, "CO-45; PR-2"));
        assert_eq!(a[0].1, Money::from_cents(3000));
        assert_eq!(a[1].1, Money::from_cents(2000));
        let a = attribute(&remit(3000, 0, 0, "CO-45, CO-97"));
        assert_eq!((a[0].1, a[1].1), (Money::from_cents(3000), Money::ZERO));
        let a = attribute(&remit(1000, 0, 500, "45"));
        assert_eq!(a[0].1, Money::from_cents(1500), "a lone code without a group takes all adjustments");
        let a = attribute(&remit(1000, 0, 500, "45, 16"));
        assert!(a.iter().all(|(_, m)| m.is_zero()));
    }

    #[test]
    fn reason_totals_add_up_per_code_largest_first() {
        let rows =
            [remit(3000, 2000, 0, "CO-45; PR-2"), remit(1000, 0, 0, "CO-45"), remit(0, 0, 700, "OA-23")];
        let t = reason_totals(rows.iter());
        assert_eq!(t[0].code, "CO-45");
        assert_eq!((t[0].count, t[0].amount), (2, Money::from_cents(4000)));
        assert_eq!(t[0].meaning, "charge exceeds the allowed/contracted amount");
        assert_eq!(t.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["CO-45", "PR-2", "OA-23"]);
    }

    #[test]
    fn days_in_ar_has_one_decimal() {
        assert_eq!(serde_json::to_string(&Days(Decimal::new(42549, 3))).unwrap(), "\"42.5\"");
        assert_eq!(serde_json::to_string(&Days(Decimal::new(425, 1))).unwrap(), "\"42.5\"");
        assert_eq!(serde_json::to_string(&Days(Decimal::from(3))).unwrap(), "\"3.0\"");
    }
}
