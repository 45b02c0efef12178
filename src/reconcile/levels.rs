//! Insurance levels on one line: how a primary's and a secondary's
//! remittance combine (SPEC §8.3).
//!
//! Each payer reports the whole claim from its own point of view: the
//! secondary restates what the primary settled (CO-23 "impact of prior
//! payer", or the primary's CO amounts again) and reports the patient's share
//! *after* its own payment. Summing the rows would count the write-off twice
//! and keep a patient share the secondary already paid. So:
//!
//! - P is the sum of every level's paid;
//! - CA is the contractual amount of the first level that reported, plus
//!   whatever a later level writes off beyond what the earlier levels settled
//!   (their paid + CA): a secondary's restated CO amounts are not counted again;
//! - PR is the patient responsibility of the last level that reported;
//! - OA adds up (kept on the line, not here).
//!
//! Almost every line hears from one level only, and then the line's own
//! running sums are the answer: [`Levels`] keeps which level that is (one
//! byte) and allocates per-level sums only when a second level reports.

use crate::money::Money;
use crate::payment_source::PaymentSource;

/// What one insurance level reported on a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LevelSums {
    pub paid: Money,
    pub contractual: Money,
    pub patient_responsibility: Money,
    pub reported: bool,
}

/// The insurance levels heard from on one line.
#[derive(Debug, Default)]
pub(crate) struct Levels {
    /// The only level heard from so far (0 primary, 1 secondary, 2 tertiary).
    only: Option<u8>,
    /// Per level, once a second level has reported.
    each: Option<Box<[LevelSums; PaymentSource::INSURANCE_LEVELS]>>,
}

/// The running sums of a line that the levels decide.
pub(crate) struct Running<'a> {
    pub paid: &'a mut Money,
    pub contractual: &'a mut Money,
    pub patient_responsibility: &'a mut Money,
}

impl Levels {
    /// Adds an insurance row of `level`. While one level reports, the line's
    /// running sums are that level's sums; a second level splits them by level.
    pub fn add(&mut self, level: usize, paid: Money, contractual: Money, pr: Money, line: Running<'_>) {
        if self.each.is_none() {
            match self.only {
                None => self.only = Some(level as u8),
                Some(only) if usize::from(only) == level => {}
                Some(only) => {
                    let mut each = Box::<[LevelSums; PaymentSource::INSURANCE_LEVELS]>::default();
                    each[usize::from(only)] = LevelSums {
                        paid: *line.paid,
                        contractual: *line.contractual,
                        patient_responsibility: *line.patient_responsibility,
                        reported: true,
                    };
                    self.each = Some(each);
                }
            }
        }
        *line.paid += paid;
        match &mut self.each {
            None => {
                *line.contractual += contractual;
                *line.patient_responsibility += pr;
            }
            Some(each) => {
                let l = &mut each[level];
                l.paid += paid;
                l.contractual += contractual;
                l.patient_responsibility += pr;
                l.reported = true;
            }
        }
    }

    /// Whether any insurance row reached the line.
    pub fn reported(&self) -> bool {
        self.only.is_some()
    }

    /// The line's CA and PR once every row is in: `None` when only one level
    /// reported (the running sums stand).
    pub fn combined(&self) -> Option<(Money, Money)> {
        self.each.as_deref().map(|each| combine(each))
    }
}

/// CA and PR of several levels, by the rules of SPEC §8.3.
pub(crate) fn combine(levels: &[LevelSums]) -> (Money, Money) {
    let reported: Vec<&LevelSums> = levels.iter().filter(|l| l.reported).collect();
    let Some((first, later)) = reported.split_first() else { return (Money::ZERO, Money::ZERO) };
    let mut contractual = first.contractual;
    // What the earlier levels settled: a later level's CO amounts up to this
    // restate it (CO-23, or the primary's write-off again).
    let mut settled = first.paid + first.contractual;
    for l in later {
        let own = (l.contractual - settled).max(Money::ZERO);
        contractual += own;
        settled += l.paid + own;
    }
    let last = reported.last().map_or(Money::ZERO, |l| l.patient_responsibility);
    (contractual, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(dollars: i64) -> Money {
        Money::from_cents(dollars * 100)
    }

    fn level(paid: i64, ca: i64, pr: i64) -> LevelSums {
        LevelSums { paid: m(paid), contractual: m(ca), patient_responsibility: m(pr), reported: true }
    }

    /// Applies (level, paid, CA, PR) rows in order, as a line does.
    fn apply(rows: &[(usize, i64, i64, i64)]) -> (Money, Money, Money) {
        let (mut p, mut ca, mut pr) = (Money::ZERO, Money::ZERO, Money::ZERO);
        let mut levels = Levels::default();
        for &(lvl, paid, c, r) in rows {
            let running = Running { paid: &mut p, contractual: &mut ca, patient_responsibility: &mut pr };
            levels.add(lvl, m(paid), m(c), m(r), running);
        }
        if let Some((c, r)) = levels.combined() {
            (ca, pr) = (c, r);
        }
        (p, ca, pr)
    }

    #[test]
    fn the_spec_example_secondary_restates_and_pays_the_patient_share() {
        // Billed 100; primary 56 + CO-45 30 + PR-2 14; secondary 14 + CO-23 86, PR 0.
        assert_eq!(apply(&[(0, 56, 30, 14), (1, 14, 86, 0)]), (m(70), m(30), m(0)));
        // The secondary's rows may come first (another file, or above in the export).
        assert_eq!(apply(&[(1, 14, 86, 0), (0, 56, 30, 14)]), (m(70), m(30), m(0)));
    }

    #[test]
    fn a_secondary_write_off_beyond_what_was_settled_is_its_own() {
        // Medicaid as secondary allows less: it pays 10 and writes off 4 more than the primary settled.
        assert_eq!(combine(&[level(56, 30, 14), level(10, 90, 0)]), (m(34), m(0)));
    }

    #[test]
    fn a_secondary_repeating_the_primary_write_off_is_not_counted_again() {
        assert_eq!(combine(&[level(56, 30, 14), level(14, 30, 0)]), (m(30), m(0)));
    }

    #[test]
    fn the_last_level_that_reported_decides_the_patient_share() {
        // The secondary paid part of the coinsurance: 4 is left for the patient.
        assert_eq!(combine(&[level(56, 30, 14), level(10, 86, 4)]), (m(30), m(4)));
        // A tertiary after a silent secondary.
        let silent = LevelSums::default();
        assert_eq!(combine(&[level(56, 30, 14), silent, level(14, 0, 0)]), (m(30), m(0)));
    }

    #[test]
    fn only_a_secondary_reporting_counts_like_a_primary() {
        let silent = LevelSums::default();
        assert_eq!(combine(&[silent, level(50, 40, 10)]), (m(40), m(10)));
    }

    #[test]
    fn one_level_keeps_the_running_sums_and_allocates_nothing() {
        let mut levels = Levels::default();
        let (mut p, mut ca, mut pr) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for (paid, c, r) in [(56, 30, 14), (-56, -30, -14), (60, 30, 10)] {
            let running = Running { paid: &mut p, contractual: &mut ca, patient_responsibility: &mut pr };
            levels.add(1, m(paid), m(c), m(r), running);
        }
        assert!(levels.combined().is_none());
        assert_eq!(
            (p, ca, pr),
            (m(60), m(30), m(10)),
            "a reversal and a corrected payment at one level add up"
        );
    }
}
