//! A patient balance split into monthly installments (SPEC §5 "Payment plan").
//!
//! Each installment is the total divided by the number of months, rounded down
//! to the cent; the cents left over go one each to the first installments, so
//! the installments add up to exactly the total and no two differ by more than
//! a cent. Installments fall on the same day of each month as the start date,
//! or on the last day of a shorter month (Jan 31 → Feb 28 → Mar 31): each date
//! is counted from the start, never from the month before. An optional
//! prompt-pay discount gives the amount to pay in full instead.
//!
//! The output is the contract `{ total, installments: [{date, amount}], payInFull }`.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize, Serializer};

use crate::money::{Money, Rate};
use crate::table::dates::{self, TextDate};

/// The longest plan offered: ten years of monthly payments. Medical payment
/// plans rarely pass five years; the cap keeps a typo from building a huge list.
pub const MAX_MONTHS: u32 = 120;

/// One monthly payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Installment {
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    pub amount: Money,
}

/// The schedule, and what paying in full costs instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPlan {
    pub total: Money,
    pub installments: Vec<Installment>,
    /// The total less the prompt-pay discount (the total when there is none).
    pub pay_in_full: Money,
}

fn iso_date<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&dates::iso(*date))
}

/// The wasm API's input: `{ amount, months, start, discount? }`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentPlanRequest {
    pub amount: Money,
    pub months: u32,
    /// `YYYY-MM-DD`.
    pub start: String,
    #[serde(default)]
    pub discount: Option<Rate>,
}

impl PaymentPlanRequest {
    pub fn plan(&self) -> Result<PaymentPlan, PaymentPlanError> {
        payment_plan(self.amount, self.months, parse_start(&self.start)?, self.discount)
    }
}

/// Why a payment plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentPlanError {
    #[error("the amount must be more than $0.00 (it is {0})")]
    NotPositive(Money),
    #[error("the number of months must be from 1 to {MAX_MONTHS} (it is {0})")]
    Months(u32),
    #[error("the prompt-pay discount must be between 0 and 1, such as 0.05 or \"5%\" (it is {0})")]
    Discount(String),
    #[error("the start date \"{0}\" is not a date; write it as YYYY-MM-DD")]
    Start(String),
    #[error("the schedule runs past the last date the calendar holds")]
    DateOutOfRange,
}

/// Reads the start date. Only unambiguous dates are accepted: `2026-12-01`,
/// `12/15/2026`, `1-Dec-2026`; `04/05/2026` could be either month.
pub fn parse_start(text: &str) -> Result<NaiveDate, PaymentPlanError> {
    match dates::parse_text(text) {
        Ok(Some(TextDate::Exact(date))) => Ok(date),
        _ => Err(PaymentPlanError::Start(text.to_string())),
    }
}

/// Splits `total` into `months` installments starting on `start`.
pub fn payment_plan(
    total: Money,
    months: u32,
    start: NaiveDate,
    discount: Option<Rate>,
) -> Result<PaymentPlan, PaymentPlanError> {
    if !total.is_positive() {
        return Err(PaymentPlanError::NotPositive(total));
    }
    if months == 0 || months > MAX_MONTHS {
        return Err(PaymentPlanError::Months(months));
    }
    let discount = discount.unwrap_or(Rate::ZERO);
    let d = discount.as_decimal();
    if d.is_sign_negative() && !d.is_zero() || d > Rate::ONE.as_decimal() {
        return Err(PaymentPlanError::Discount(d.normalize().to_string()));
    }
    let amounts = split_evenly(total, months);
    let mut installments = Vec::with_capacity(amounts.len());
    for (i, amount) in (0u32..).zip(amounts) {
        let date = start.checked_add_months(Months::new(i)).ok_or(PaymentPlanError::DateOutOfRange)?;
        installments.push(Installment { date, amount });
    }
    Ok(PaymentPlan { total, installments, pay_in_full: total - discount.share_of(total) })
}

/// `total / n` rounded down to the cent, and one more cent on each of the
/// first `total mod n` installments.
fn split_evenly(total: Money, n: u32) -> Vec<Money> {
    let cents = total.cents();
    let n_wide = i128::from(n);
    let (base, leftover) = (cents / n_wide, cents % n_wide);
    (0..n_wide)
        .map(|i| {
            let extra = if i < leftover { 1 } else { 0 };
            // Installments are at most the total, which Money holds, so this fits in i64.
            Money::from_cents(i64::try_from(base + extra).unwrap_or(i64::MAX))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        parse_start(text).unwrap()
    }

    #[test]
    fn leftover_cents_go_to_the_first_installments() {
        // 1234.56 / 6 = 205.76 exactly; 1000.00 / 3 = 333.33 r 1 cent; 100.00 / 7 = 14.28 r 4 cents.
        let plan = payment_plan("1234.56".parse().unwrap(), 6, date("2026-12-01"), None).unwrap();
        assert!(plan.installments.iter().all(|i| i.amount.to_string() == "205.76"));
        let plan = payment_plan("1000".parse().unwrap(), 3, date("2026-01-15"), None).unwrap();
        let amounts: Vec<String> = plan.installments.iter().map(|i| i.amount.to_string()).collect();
        assert_eq!(amounts, ["333.34", "333.33", "333.33"]);
        let plan = payment_plan("100".parse().unwrap(), 7, date("2026-01-15"), None).unwrap();
        let amounts: Vec<String> = plan.installments.iter().map(|i| i.amount.to_string()).collect();
        assert_eq!(amounts, ["14.29", "14.29", "14.29", "14.29", "14.28", "14.28", "14.28"]);
    }

    #[test]
    fn dates_are_monthly_and_clamp_to_the_end_of_short_months() {
        let plan = payment_plan("400".parse().unwrap(), 4, date("2026-01-31"), None).unwrap();
        let dates: Vec<String> = plan.installments.iter().map(|i| dates::iso(i.date)).collect();
        assert_eq!(dates, ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
        let leap = payment_plan("200".parse().unwrap(), 2, date("2028-01-30"), None).unwrap();
        assert_eq!(dates::iso(leap.installments[1].date), "2028-02-29");
        let year_end = payment_plan("300".parse().unwrap(), 3, date("2026-12-01"), None).unwrap();
        assert_eq!(dates::iso(year_end.installments[2].date), "2027-02-01");
    }

    #[test]
    fn prompt_pay_discount_rounds_half_away_from_zero() {
        // 5% of 1234.56 = 61.728 → 61.73; pay in full 1172.83.
        let plan =
            payment_plan("1234.56".parse().unwrap(), 6, date("2026-12-01"), Some("0.05".parse().unwrap()))
                .unwrap();
        assert_eq!(plan.pay_in_full.to_string(), "1172.83");
        let none = payment_plan("1234.56".parse().unwrap(), 6, date("2026-12-01"), None).unwrap();
        assert_eq!(none.pay_in_full, none.total);
    }

    #[test]
    fn serialises_to_the_contract() {
        let plan =
            payment_plan("100.01".parse().unwrap(), 2, date("2026-12-01"), Some("10%".parse().unwrap()))
                .unwrap();
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            serde_json::json!({
                "total": "100.01",
                "installments": [
                    { "date": "2026-12-01", "amount": "50.01" },
                    { "date": "2027-01-01", "amount": "50.00" }
                ],
                "payInFull": "90.01"
            })
        );
    }

    #[test]
    fn the_wasm_request_reads_the_contract() {
        let request: PaymentPlanRequest = serde_json::from_str(
            r#"{"amount": "1234.56", "months": 6, "start": "2026-12-01", "discount": "0.05"}"#,
        )
        .unwrap();
        assert_eq!(request.plan().unwrap().pay_in_full.to_string(), "1172.83");
        assert!(serde_json::from_str::<PaymentPlanRequest>(
            r#"{"amount": "1", "months": 1, "start": "x", "rate": 1}"#
        )
        .is_err());
    }

    #[test]
    fn bad_inputs_are_refused_with_a_reason() {
        let start = date("2026-12-01");
        let err = |r: Result<PaymentPlan, PaymentPlanError>| r.unwrap_err().to_string();
        assert_eq!(
            err(payment_plan(Money::ZERO, 6, start, None)),
            "the amount must be more than $0.00 (it is 0.00)"
        );
        assert!(err(payment_plan(Money::from_cents(100), 0, start, None)).contains("from 1 to 120"));
        assert!(err(payment_plan(Money::from_cents(100), 121, start, None)).contains("(it is 121)"));
        assert!(err(payment_plan(Money::from_cents(100), 2, start, Some("1.5".parse().unwrap())))
            .contains("discount"));
        assert_eq!(parse_start("04/05/2026"), Err(PaymentPlanError::Start("04/05/2026".into())));
        assert_eq!(parse_start("2026-02-30"), Err(PaymentPlanError::Start("2026-02-30".into())));
        assert_eq!(parse_start("12/15/2026"), Ok(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()));
    }

    proptest! {
        #[test]
        fn installments_add_up_and_differ_by_at_most_a_cent(cents in 1i64..1_000_000_000, months in 1u32..=120) {
            let plan = payment_plan(Money::from_cents(cents), months, date("2026-01-31"), None).unwrap();
            prop_assert_eq!(plan.installments.len(), months as usize);
            let sum: Money = plan.installments.iter().map(|i| i.amount).sum();
            prop_assert_eq!(sum, plan.total);
            let max = plan.installments.iter().map(|i| i.amount.cents()).max().unwrap();
            let min = plan.installments.iter().map(|i| i.amount.cents()).min().unwrap();
            prop_assert!(max - min <= 1);
            // Larger installments come first.
            prop_assert!(plan.installments.windows(2).all(|w| w[0].amount >= w[1].amount));
            prop_assert!(plan.installments.windows(2).all(|w| w[0].date < w[1].date));
        }
    }
}
