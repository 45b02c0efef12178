//! Warnings: a report whose numbers should not be trusted as they stand
//! (SPEC §8.2 last point, §8.6 "sanity warnings").
//!
//! Notes say what ClearBill did; a warning says the answer is likely wrong
//! because of the inputs, and what the person should check. The page shows
//! warnings above the results. The rules, in the order they are listed:
//! 1. fewer than half of the payment rows matched a charge, with the likely
//!    cause ([`Cause`]): swapped files, different periods (most payments
//!    are for services outside the charges' dates), claim numbers written
//!    differently, or different practices;
//! 2. no line matched any payment;
//! 3. a net collection rate above 100%;
//! 4. more than a quarter of the lines overpaid;
//! 5. a negative open A/R.

use chrono::NaiveDate;

use crate::money::{Money, Rate};
use crate::table::dates::iso;

use super::line::Line;
use super::status::Status;
use super::summary::{AgingRow, Kpis};

/// A span of dates of service, first to last.
pub type Span = (NaiveDate, NaiveDate);

/// What the match rate is judged from.
#[derive(Clone, Debug, Default)]
pub struct Matching {
    /// Payment rows applied (duplicates left out).
    pub payment_rows: usize,
    /// Of those, the rows that joined a line.
    pub matched: usize,
    /// The charges file looks like a payments file, and the payments like charges.
    pub swapped: bool,
    /// Dates of service of the charge lines, and of the payment rows.
    pub charge_dates: Option<Span>,
    pub payment_dates: Option<Span>,
    /// Unmatched payment rows dated outside the charges' span.
    pub outside_charge_dates: usize,
    /// A claim number as the charges write it, and one of an unmatched payment, when both files have them.
    pub claim_examples: Option<(String, String)>,
}

/// Why fewer than half of the payments matched, most telling first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    Swapped,
    DifferentPeriods { charges: Span, payments: Span },
    ClaimNumbersDiffer { charge: String, payment: String },
    DifferentPractices,
}

impl Matching {
    pub fn cause(&self) -> Cause {
        if self.swapped {
            return Cause::Swapped;
        }
        if let (Some(c), Some(p)) = (self.charge_dates, self.payment_dates) {
            // Most payment rows are for services outside the charges' period.
            if self.outside_charge_dates * 2 > self.payment_rows {
                return Cause::DifferentPeriods { charges: c, payments: p };
            }
        }
        if let Some((charge, payment)) = &self.claim_examples {
            return Cause::ClaimNumbersDiffer { charge: charge.clone(), payment: payment.clone() };
        }
        Cause::DifferentPractices
    }
}

impl Cause {
    fn advice(&self) -> String {
        match self {
            Cause::Swapped => "The files look swapped: the charges file has payment columns and the payments file \
                has billed amounts. Choose the practice's charges export as charges and the payer's remittance as \
                payments."
                .into(),
            Cause::DifferentPeriods { charges, payments } => format!(
                "The files cover different periods: the charges are for services from {} to {}, the payments for \
                 services from {} to {}. Choose files that cover the same dates.",
                iso(charges.0),
                iso(charges.1),
                iso(payments.0),
                iso(payments.1)
            ),
            Cause::ClaimNumbersDiffer { charge, payment } => format!(
                "The claim numbers may be written differently in the two files (for example \"{charge}\" in the \
                 charges and \"{payment}\" in the payments). Check that both files come from the same practice \
                 and use the same claim numbers, or match by patient, date of service and code by leaving the \
                 payments' claim column unused."
            ),
            Cause::DifferentPractices => "The files may come from different practices or providers: check that \
                both are for the same practice and the same payer."
                .into(),
        }
    }
}

/// Every warning of a matched-mode report (none in single mode).
pub fn warnings(matching: Option<&Matching>, lines: &[Line], kpis: &Kpis, aging: &[AgingRow]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(m) = matching else {
        return out;
    };
    if m.payment_rows > 0 && m.matched * 2 < m.payment_rows {
        out.push(format!(
            "Only {} of {} payment rows matched a charge, so most payments are not in the lines and the \
             figures below are not reliable. {}",
            m.matched,
            m.payment_rows,
            m.cause().advice()
        ));
    }
    if m.payment_rows > 0 && !lines.is_empty() && lines.iter().all(|l| l.payment_rows.is_empty()) {
        out.push(
            "No charge matched any payment: every line shows as unpaid. Check that the two files belong together."
                .into(),
        );
    }
    if kpis.net_collection_rate.is_some_and(|r| r > Rate::ONE) {
        let rate = kpis.net_collection_rate.unwrap_or(Rate::ZERO);
        out.push(format!(
            "The net collection rate is {}, above 100%: more was collected than was billed less write-offs. \
             A payment counted twice (the same remittance chosen twice) or charges missing from the charges \
             file would do this.",
            percent(rate)
        ));
    }
    let overpaid = lines.iter().filter(|l| l.status == Status::Overpaid).count();
    if !lines.is_empty() && overpaid * 4 > lines.len() {
        out.push(format!(
            "{overpaid} of {} lines are overpaid, more than a quarter. Payments may be counted twice, or applied \
             to the wrong charges.",
            lines.len()
        ));
    }
    let open: Money = aging.iter().map(|a| a.amount).sum();
    if open < Money::ZERO {
        out.push(format!(
            "Open A/R is negative ({open}): more came back than is owed. Payments may be counted twice, or \
             applied to the wrong charges."
        ));
    }
    out
}

/// `1.2345` → `"123.5%"`.
fn percent(rate: Rate) -> String {
    let tenths =
        (rate.as_decimal() * rust_decimal::Decimal::from(1000)).round() / rust_decimal::Decimal::from(10);
    format!("{}%", tenths.normalize())
}

/// Extends a span with a date.
pub fn widen(span: &mut Option<Span>, date: Option<NaiveDate>) {
    if let Some(d) = date {
        *span = Some(match *span {
            None => (d, d),
            Some((a, b)) => (a.min(d), b.max(d)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::aging::AgingBucket;
    use crate::reconcile::summary::AgingRow;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn kpis(net: Option<&str>) -> Kpis {
        Kpis {
            gross_collection_rate: None,
            net_collection_rate: net.map(|n| Rate::new(n.parse().unwrap())),
            denial_rate_by_amount: None,
            denial_rate_by_count: None,
            days_in_ar: None,
        }
    }

    fn matching(matched: usize, rows: usize) -> Matching {
        Matching { payment_rows: rows, matched, ..Matching::default() }
    }

    #[test]
    fn fewer_than_half_matched_is_a_warning_with_a_cause() {
        let w = warnings(Some(&matching(1, 3)), &[], &kpis(None), &[]);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("Only 1 of 3 payment rows matched a charge"), "{}", w[0]);
        assert!(w[0].contains("different practices"), "{}", w[0]);
        assert!(warnings(Some(&matching(2, 4)), &[], &kpis(None), &[]).is_empty(), "half is enough");
        assert!(warnings(None, &[], &kpis(Some("2")), &[]).is_empty(), "single mode has no warnings");
    }

    #[test]
    fn the_cause_is_the_most_telling_one() {
        let mut m = matching(0, 10);
        m.claim_examples = Some(("24504".into(), "24504-X1".into()));
        assert!(matches!(m.cause(), Cause::ClaimNumbersDiffer { .. }));
        m.charge_dates = Some((date(1, 1), date(1, 31)));
        m.payment_dates = Some((date(1, 20), date(3, 31)));
        m.outside_charge_dates = 5;
        assert!(matches!(m.cause(), Cause::ClaimNumbersDiffer { .. }), "half the payments are in the period");
        m.outside_charge_dates = 6;
        assert_eq!(
            m.cause(),
            Cause::DifferentPeriods {
                charges: (date(1, 1), date(1, 31)),
                payments: (date(1, 20), date(3, 31))
            }
        );
        let advice = m.cause().advice();
        assert!(
            advice.contains("from 2026-01-01 to 2026-01-31") && advice.contains("2026-03-31"),
            "{advice}"
        );
        m.swapped = true;
        assert_eq!(m.cause(), Cause::Swapped);
    }

    #[test]
    fn sanity_warnings_of_section_8_6() {
        let w = warnings(Some(&matching(5, 5)), &[], &kpis(Some("3.4580")), &[]);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("The net collection rate is 345.8%, above 100%"), "{}", w[0]);
        assert!(warnings(Some(&matching(5, 5)), &[], &kpis(Some("1.0000")), &[]).is_empty(), "100% is fine");

        let aging = [AgingRow { bucket: AgingBucket::ALL[0], count: 1, amount: Money::from_cents(-5312674) }];
        let w = warnings(Some(&matching(5, 5)), &[], &kpis(None), &aging);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("Open A/R is negative (-53126.74)"), "{}", w[0]);
    }
}
