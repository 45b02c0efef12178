//! A reconciled line: the charge rows grouped under one key and the payment
//! rows that apply to them, with the per-line figures of SPEC §4.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::aging::AgingBucket;
use super::fees::FeeSchedule;
use super::status::{at_stake, classify, Figures, Status, Tolerance};
use crate::carc::ReasonCode;
use crate::money::Money;
use crate::records::{ChargeRow, PaymentRow, Remit};
use crate::table::dates::{days_between, iso};

/// One line of the report (SPEC §7 `lines`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub claim_id: Option<String>,
    pub line: Option<String>,
    pub patient: Option<String>,
    #[serde(serialize_with = "iso_date")]
    pub service_date: Option<NaiveDate>,
    pub code: Option<String>,
    pub payer: Option<String>,
    pub billed: Money,
    pub allowed: Option<Money>,
    pub expected: Option<Money>,
    pub insurance_paid: Money,
    pub contractual_adjustment: Money,
    pub patient_responsibility: Money,
    pub other_adjustment: Money,
    pub balance: Money,
    pub at_stake: Money,
    pub status: Status,
    pub age_days: Option<i64>,
    pub aging_bucket: Option<AgingBucket>,
    pub reason_codes: Vec<ReasonCode>,
    pub charge_rows: Vec<u32>,
    pub payment_rows: Vec<u32>,
    /// Paid by the patient (not part of the balance; used by the collection rates).
    pub patient_paid: Money,
}

pub(crate) fn iso_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso(*d)),
        None => s.serialize_none(),
    }
}

/// Charge rows and payment rows gathered under one key, before the figures.
#[derive(Debug, Default)]
pub(crate) struct Group<'a> {
    pub charges: Vec<&'a ChargeRow>,
    pub payments: Vec<&'a PaymentRow>,
}

/// Everything that is the same for every line of a report.
pub(crate) struct LineContext<'a> {
    pub as_of: NaiveDate,
    pub tolerance: Tolerance,
    pub fees: Option<&'a FeeSchedule>,
    /// Single mode: what came back is on the charge rows themselves.
    pub single: bool,
}

impl Group<'_> {
    pub fn into_line(self, ctx: &LineContext<'_>) -> Line {
        let first = self.charges[0];
        let billed: Money = self.charges.iter().map(|c| c.billed).sum();
        let allowed = sum_known(self.payments.iter().map(|p| p.allowed))
            .or_else(|| sum_known(self.charges.iter().map(|c| c.allowed)));
        // E: the fee schedule's amount when it has every code of the line, else AL.
        let expected =
            ctx.fees.and_then(|f| f.expected_for(&self.charges, self.payer().as_deref())).or(allowed);
        let has_remittance = if ctx.single {
            self.charges.iter().any(|c| c.remit.exists())
        } else {
            !self.payments.is_empty()
        };
        // The remittance rows of the line (payments, or the charge rows in
        // single mode), summed in one pass.
        let mut totals = RemitTotals::default();
        if ctx.single {
            self.charges.iter().for_each(|c| totals.add(&c.remit));
        } else {
            self.payments.iter().for_each(|p| totals.add(&p.remit));
        }
        let figures = Figures {
            billed,
            paid: totals.paid,
            contractual: totals.contractual,
            patient_responsibility: totals.patient_responsibility,
            other_adjustment: totals.other_adjustment,
            expected,
            has_remittance,
        };
        let status = classify(&figures, ctx.tolerance);
        let age_days = self.age_date().map(|d| days_between(d, ctx.as_of));
        let aging_bucket = if status.is_aged() { age_days.map(AgingBucket::for_age) } else { None };

        let mut codes: Vec<&str> = Vec::new();
        for c in self.charges.iter().filter_map(|c| c.keys.code.as_ref()) {
            if !codes.contains(&c.shown.as_str()) {
                codes.push(&c.shown);
            }
        }
        Line {
            claim_id: first.keys.claim.as_ref().map(|i| i.shown.clone()),
            line: first.keys.line.as_ref().map(|i| i.shown.clone()),
            patient: first.keys.patient_shown(),
            service_date: self.charges.iter().filter_map(|c| c.keys.service_date).min(),
            code: (!codes.is_empty()).then(|| codes.join(", ")),
            payer: self.payer(),
            billed,
            allowed,
            expected,
            insurance_paid: figures.paid,
            contractual_adjustment: figures.contractual,
            patient_responsibility: figures.patient_responsibility,
            other_adjustment: figures.other_adjustment,
            balance: figures.balance(),
            at_stake: at_stake(status, &figures),
            status,
            age_days,
            aging_bucket,
            reason_codes: totals.reason_codes,
            charge_rows: self.charges.iter().map(|c| c.row).collect(),
            payment_rows: self.payments.iter().map(|p| p.row).collect(),
            patient_paid: totals.patient_paid,
        }
    }

    /// The charge's payer, else the first paying payer.
    fn payer(&self) -> Option<String> {
        self.charges
            .iter()
            .find_map(|c| c.payer.clone())
            .or_else(|| self.payments.iter().find_map(|p| p.payer.clone()))
    }

    /// Age runs from the bill date, or the date of service when there is no
    /// bill date (SPEC §4); the earliest of the line's rows.
    fn age_date(&self) -> Option<NaiveDate> {
        self.charges
            .iter()
            .filter_map(|c| c.billed_date)
            .min()
            .or_else(|| self.charges.iter().filter_map(|c| c.keys.service_date).min())
    }
}

/// What a line's remittance rows add up to, and their reason codes (each once, in order).
#[derive(Default)]
struct RemitTotals {
    paid: Money,
    contractual: Money,
    patient_responsibility: Money,
    other_adjustment: Money,
    patient_paid: Money,
    reason_codes: Vec<ReasonCode>,
}

impl RemitTotals {
    fn add(&mut self, r: &Remit) {
        self.paid += r.paid;
        self.contractual += r.contractual;
        self.patient_responsibility += r.patient_responsibility;
        self.other_adjustment += r.other_adjustment;
        self.patient_paid += r.patient_paid;
        for c in &r.reason_codes {
            if !self.reason_codes.contains(c) {
                self.reason_codes.push(c.clone());
            }
        }
    }
}

/// The sum of the values that are known, or `None` when none is.
fn sum_known(values: impl Iterator<Item = Option<Money>>) -> Option<Money> {
    values.fold(None, |acc, v| match (acc, v) {
        (None, v) => v,
        (Some(a), Some(v)) => Some(a + v),
        (a, None) => a,
    })
}
