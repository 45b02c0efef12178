//! The allowed amount an estimate should use for a price row, and how it was found
//! (SPEC §10), in this order:
//!
//! 1. the negotiated dollar amount;
//! 2. for a percentage or an algorithm, the median allowed amount (v3, from the hospital's
//!    own remittances), or the estimated amount (v2);
//! 3. a percentage × the gross charge, only when neither is given and the methodology says
//!    "percent of total billed charges";
//! 4. else the item's maximum, with the min–max range shown.
//!
//! A percentage is often of something else than the gross charge (a fee schedule): in the
//! CMS v3 example ER level 3 is "80" with a gross of 4000 and a median allowed of 12000.12,
//! so the median comes before the percentage. The notes are codes, not prose: each edge
//! words them.

use serde::Serialize;

use super::charge::PriceRow;
use crate::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    NegotiatedDollar,
    MedianAmount,
    EstimatedAmount,
    PercentageOfGross,
    Maximum,
    /// The patient chose "no insurance / cash": the discounted cash price.
    DiscountedCash,
}

/// What the patient should be told about the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EstimateNote {
    /// `count` is "0": the hospital had no paid claims for this in its look-back period.
    NoPaidClaims,
    /// Only the min–max range across payers is known; the maximum is used.
    RangeOnly,
    /// The percentage is of the claim's total billed charges; this line's gross stands in.
    PercentOfThisLineOnly,
    /// Nothing in the row gives an amount: the estimate falls back to the billed amount.
    NoAmount,
    /// The cash price is lower than the allowed amount: paying cash may be cheaper.
    CashMayBeCheaper,
    /// A drug's price is for the quantity in the row's drug unit and type.
    DrugQuantity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowedForEstimate {
    pub allowed_for_estimate: Option<Money>,
    pub basis: Option<Basis>,
    pub estimate_notes: Vec<EstimateNote>,
}

/// SPEC §10's order, top to bottom.
pub fn allowed_for_estimate(row: &PriceRow) -> AllowedForEstimate {
    let rate_given = row.negotiated_percentage.is_some() || row.negotiated_algorithm.is_some();
    let (amount, basis) = if let Some(dollar) = row.negotiated_dollar {
        (Some(dollar), Some(Basis::NegotiatedDollar))
    } else if let (true, Some(median)) = (rate_given, row.median) {
        (Some(median), Some(Basis::MedianAmount))
    } else if let (true, Some(estimated)) = (rate_given, row.estimated_amount) {
        (Some(estimated), Some(Basis::EstimatedAmount))
    } else if let (Some(pct), Some(gross), true) =
        (row.negotiated_percentage, row.gross, row.is_percent_of_billed())
    {
        (
            Some(Money::from_decimal(pct / rust_decimal::Decimal::ONE_HUNDRED * gross.as_decimal())),
            Some(Basis::PercentageOfGross),
        )
    } else if let Some(max) = row.max {
        (Some(max), Some(Basis::Maximum))
    } else {
        (None, None)
    };
    let mut notes = Vec::new();
    if row.count.as_deref().is_some_and(|c| c.trim() == "0") {
        notes.push(EstimateNote::NoPaidClaims);
    }
    match basis {
        Some(Basis::Maximum) => notes.push(EstimateNote::RangeOnly),
        Some(Basis::PercentageOfGross) => notes.push(EstimateNote::PercentOfThisLineOnly),
        None => notes.push(EstimateNote::NoAmount),
        _ => {}
    }
    if let (Some(cash), Some(allowed)) = (row.discounted_cash, amount) {
        if cash < allowed {
            notes.push(EstimateNote::CashMayBeCheaper);
        }
    }
    if row.drug_unit.is_some() {
        notes.push(EstimateNote::DrugQuantity);
    }
    AllowedForEstimate { allowed_for_estimate: amount, basis, estimate_notes: notes }
}

/// "No insurance / cash": the discounted cash price, when the hospital gives one.
pub fn for_cash(row: &PriceRow) -> AllowedForEstimate {
    let mut notes = Vec::new();
    if row.discounted_cash.is_none() {
        notes.push(EstimateNote::NoAmount);
    }
    if row.drug_unit.is_some() {
        notes.push(EstimateNote::DrugQuantity);
    }
    AllowedForEstimate {
        allowed_for_estimate: row.discounted_cash,
        basis: row.discounted_cash.map(|_| Basis::DiscountedCash),
        estimate_notes: notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn money(s: &str) -> Option<Money> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn negotiated_dollar_comes_first() {
        let row = PriceRow {
            negotiated_dollar: money("400"),
            max: money("500"),
            median: money("1"),
            ..Default::default()
        };
        let a = allowed_for_estimate(&row);
        assert_eq!((a.allowed_for_estimate, a.basis), (money("400"), Some(Basis::NegotiatedDollar)));
    }

    #[test]
    fn the_median_beats_a_percentage_of_gross() {
        // CMS v3 example, ER level 3: 80 % of billed, gross 4000, median 12000.12.
        let row = PriceRow {
            negotiated_percentage: Some(Decimal::from(80)),
            gross: money("4000"),
            median: money("12000.12"),
            methodology: Some("percent of total billed charges".into()),
            ..Default::default()
        };
        let a = allowed_for_estimate(&row);
        assert_eq!((a.allowed_for_estimate, a.basis), (money("12000.12"), Some(Basis::MedianAmount)));
    }

    #[test]
    fn percentage_of_gross_only_when_the_methodology_says_billed_charges() {
        let mut row = PriceRow {
            negotiated_percentage: Some(Decimal::new(705, 1)),
            gross: money("1000.05"),
            methodology: Some("Percent of total billed charges".into()),
            max: money("900"),
            ..Default::default()
        };
        let a = allowed_for_estimate(&row);
        // 70.5 % of 1000.05 = 705.03525 → 705.04, half away from zero.
        assert_eq!((a.allowed_for_estimate, a.basis), (money("705.04"), Some(Basis::PercentageOfGross)));
        row.methodology = Some("fee schedule".into());
        let a = allowed_for_estimate(&row);
        assert_eq!((a.allowed_for_estimate, a.basis), (money("900"), Some(Basis::Maximum)));
        assert!(a.estimate_notes.contains(&EstimateNote::RangeOnly));
    }

    #[test]
    fn count_zero_is_said_and_no_amount_is_none() {
        let row = PriceRow {
            negotiated_algorithm: Some("formula".into()),
            count: Some("0".into()),
            ..Default::default()
        };
        let a = allowed_for_estimate(&row);
        assert_eq!(a.allowed_for_estimate, None);
        assert_eq!(a.estimate_notes, vec![EstimateNote::NoPaidClaims, EstimateNote::NoAmount]);
    }

    #[test]
    fn cheaper_cash_is_pointed_out() {
        let row =
            PriceRow { negotiated_dollar: money("400"), discounted_cash: money("380"), ..Default::default() };
        assert!(allowed_for_estimate(&row).estimate_notes.contains(&EstimateNote::CashMayBeCheaper));
        let cash = for_cash(&row);
        assert_eq!((cash.allowed_for_estimate, cash.basis), (money("380"), Some(Basis::DiscountedCash)));
    }
}
