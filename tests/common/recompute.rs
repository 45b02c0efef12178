//! An independent oracle for a line's figures: B, P, CA, PR, OA and patient
//! paid recomputed from the input rows the line lists (`chargeRows`,
//! `paymentRows`), by SPEC §4 and §8.3, without the grouping code
//! (`src/reconcile/grouping.rs`, `line.rs`, `levels.rs`).
//!
//! It is written differently on purpose: every row is kept, grouped by
//! payment source in a map, and the levels are walked in order. A bug in the
//! streaming code (a row applied twice, a level mixed up, a secondary's
//! write-off counted again) makes the two disagree.
#![allow(dead_code)]

use std::collections::BTreeMap;

use clearbill::money::Money;
use clearbill::payment_source::PaymentSource;
use clearbill::reconcile::{Line, Report};
use clearbill::records::{ChargeRow, PaymentRow, Remit};

/// The figures of one line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub billed: Money,
    pub paid: Money,
    pub contractual: Money,
    pub patient_responsibility: Money,
    pub other_adjustment: Money,
    pub patient_paid: Money,
}

impl Figures {
    pub fn of_line(l: &Line) -> Figures {
        Figures {
            billed: l.billed,
            paid: l.insurance_paid,
            contractual: l.contractual_adjustment,
            patient_responsibility: l.patient_responsibility,
            other_adjustment: l.other_adjustment,
            patient_paid: l.patient_paid,
        }
    }
}

/// Recomputes a line from its charge rows' billed amounts and the remittance
/// of its rows (the charge rows' own in single mode, else the payment rows').
pub fn recompute<'a>(
    billed: impl IntoIterator<Item = Money>,
    remits: impl IntoIterator<Item = &'a Remit>,
) -> Figures {
    let mut f = Figures { billed: billed.into_iter().sum(), ..Figures::default() };
    // (paid, contractual, patient responsibility) per insurance source.
    let mut by_source: BTreeMap<PaymentSource, (Money, Money, Money)> = BTreeMap::new();
    for r in remits {
        f.other_adjustment += r.other_adjustment;
        f.patient_paid += r.patient_paid;
        if r.source == PaymentSource::Patient {
            f.patient_paid += r.paid;
            f.other_adjustment += r.contractual;
            continue;
        }
        let e = by_source.entry(r.source).or_default();
        e.0 += r.paid;
        e.1 += r.contractual;
        e.2 += r.patient_responsibility;
    }
    // Primary < secondary < tertiary: the map walks them in paying order.
    let mut settled = Money::ZERO;
    for (i, (paid, contractual, pr)) in by_source.values().enumerate() {
        f.paid += *paid;
        let own = if i == 0 { *contractual } else { (*contractual - settled).max(Money::ZERO) };
        f.contractual += own;
        settled += *paid + own;
        f.patient_responsibility = *pr;
    }
    f
}

/// Checks every line of a matched-mode report against its rows: charge rows
/// and payment rows by their row numbers (one payments file).
pub fn check_matched(report: &Report, charges: &[ChargeRow], payments: &[PaymentRow]) -> Result<(), String> {
    let charge: BTreeMap<u32, &ChargeRow> = charges.iter().map(|c| (c.row, c)).collect();
    let payment: BTreeMap<u32, &PaymentRow> = payments.iter().map(|p| (p.row, p)).collect();
    for (i, l) in report.lines.iter().enumerate() {
        let billed =
            l.charge_rows.iter().map(|r| charge.get(r).map(|c| c.billed).ok_or(format!("charge row {r}")));
        let billed: Vec<Money> = billed.collect::<Result<_, _>>()?;
        let remits: Vec<&Remit> = l
            .payment_rows
            .iter()
            .map(|r| payment.get(r).map(|p| &p.remit).ok_or(format!("payment row {r}")))
            .collect::<Result<_, _>>()?;
        let want = recompute(billed, remits);
        let got = Figures::of_line(l);
        if got != want {
            return Err(format!(
                "line {i} (charge rows {:?}, payment rows {:?}): got {got:?}, rows give {want:?}",
                l.charge_rows, l.payment_rows
            ));
        }
    }
    Ok(())
}

/// [`check_matched`] for single mode: each line's figures from its own charge rows.
pub fn check_single(report: &Report, charges: &[ChargeRow]) -> Result<(), String> {
    let charge: BTreeMap<u32, &ChargeRow> = charges.iter().map(|c| (c.row, c)).collect();
    for (i, l) in report.lines.iter().enumerate() {
        let rows: Vec<&ChargeRow> = l
            .charge_rows
            .iter()
            .map(|r| charge.get(r).copied().ok_or(format!("charge row {r}")))
            .collect::<Result<_, _>>()?;
        let want = recompute(rows.iter().map(|c| c.billed), rows.iter().map(|c| &c.remit));
        let got = Figures::of_line(l);
        if got != want {
            return Err(format!(
                "line {i} (charge rows {:?}): got {got:?}, rows give {want:?}",
                l.charge_rows
            ));
        }
    }
    Ok(())
}
