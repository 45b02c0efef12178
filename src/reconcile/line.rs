//! A reconciled line: the charge rows grouped under one key and the payment
//! rows that apply to them, with the per-line figures of SPEC §4.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::aging::AgingBucket;
use super::fees::FeeSchedule;
use super::status::{at_stake, classify, Figures, Status, Tolerance};
use crate::carc::ReasonCode;
use crate::interned::Text;
use crate::money::Money;
use crate::records::{ChargeRow, PaymentRow, Remit};
use crate::table::dates::{days_between, iso};

/// One line of the report (SPEC §7 `lines`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub claim_id: Option<Text>,
    pub line: Option<Text>,
    pub patient: Option<Text>,
    #[serde(serialize_with = "iso_date")]
    pub service_date: Option<NaiveDate>,
    pub code: Option<Text>,
    pub payer: Option<Text>,
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

/// The charge rows grouped under one key, as a chain through the charges
/// (see [`Chains`]), and what the payment rows applied to them add up to.
#[derive(Debug, Default)]
pub(crate) struct Group {
    /// The first and the last charge row of the line (indices into the charges).
    pub first: u32,
    pub last: u32,
    pub remitted: Remitted,
}

/// The charge rows of every line, without a list per line: `next[i]` is the
/// charge after charge `i` in its line, or `END`.
#[derive(Debug, Default)]
pub(crate) struct Chains {
    pub next: Vec<u32>,
}

pub(crate) const END: u32 = u32::MAX;

impl Chains {
    /// The charges of `group`, in the order they were added.
    pub fn of<'s, 'c: 's>(
        &'s self,
        group: &Group,
        charges: &'c [ChargeRow],
    ) -> impl Iterator<Item = &'c ChargeRow> + Clone + 's {
        let mut at = group.first;
        std::iter::from_fn(move || {
            let c = charges.get(at as usize)?;
            at = self.next.get(at as usize).copied().unwrap_or(END);
            Some(c)
        })
    }
}

/// What the payment rows of a line add up to, gathered as they are applied
/// (the rows themselves are not kept).
#[derive(Debug, Default)]
pub(crate) struct Remitted {
    pub rows: Vec<u32>,
    /// The sum of the allowed amounts the payment rows give, if any gives one.
    pub allowed: Option<Money>,
    /// The payer of the first payment row that names one.
    pub payer: Option<Text>,
    pub totals: RemitTotals,
}

impl Remitted {
    pub fn add(&mut self, p: &PaymentRow) {
        self.rows.push(p.row);
        self.allowed = add_known(self.allowed, p.allowed);
        if self.payer.is_none() {
            self.payer.clone_from(&p.payer);
        }
        self.totals.add(&p.remit);
    }
}

/// Everything that is the same for every line of a report.
pub(crate) struct LineContext<'a> {
    pub as_of: NaiveDate,
    pub tolerance: Tolerance,
    pub fees: Option<&'a FeeSchedule>,
    /// Single mode: what came back is on the charge rows themselves.
    pub single: bool,
}

impl Group {
    pub fn into_line<'c>(
        self,
        charges: impl Iterator<Item = &'c ChargeRow> + Clone,
        ctx: &LineContext<'_>,
    ) -> Line {
        let Group { remitted, .. } = self;
        // One pass over the charge rows for everything they give.
        let mut first: Option<&ChargeRow> = None;
        let mut billed = Money::ZERO;
        let mut charge_allowed: Option<Money> = None;
        let mut charge_payer: Option<&Text> = None;
        let mut service_date: Option<NaiveDate> = None;
        let mut billed_date: Option<NaiveDate> = None;
        let mut codes: Vec<&Text> = Vec::new();
        let mut charge_rows = Vec::new();
        let mut has_remittance = !ctx.single && !remitted.rows.is_empty();
        // In single mode, the remittance rows of the line are its charge rows.
        let mut totals = if ctx.single { RemitTotals::default() } else { remitted.totals };
        for c in charges.clone() {
            first.get_or_insert(c);
            billed += c.billed;
            charge_allowed = add_known(charge_allowed, c.allowed);
            if charge_payer.is_none() {
                charge_payer = c.payer.as_ref();
            }
            service_date = min_known(service_date, c.keys.service_date);
            billed_date = min_known(billed_date, c.billed_date);
            if let Some(code) = &c.keys.code {
                if !codes.iter().any(|s| **s == code.shown) {
                    codes.push(&code.shown);
                }
            }
            charge_rows.push(c.row);
            if ctx.single {
                has_remittance |= c.remit.exists();
                totals.add(&c.remit);
            }
        }
        let allowed = remitted.allowed.or(charge_allowed);
        let payer = charge_payer.cloned().or(remitted.payer);
        // E: the fee schedule's amount when it has every code of the line, else AL.
        let expected = ctx.fees.and_then(|f| f.expected_for(charges, payer.as_deref())).or(allowed);
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
        // Age runs from the bill date, or the date of service when there is no
        // bill date (SPEC §4); the earliest of the line's rows.
        let age_days = billed_date.or(service_date).map(|d| days_between(d, ctx.as_of));
        let aging_bucket = if status.is_aged() { age_days.map(AgingBucket::for_age) } else { None };
        let code = match codes.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            many => Some(Text::from(many.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))),
        };
        let keys = first.map(|c| &c.keys);
        Line {
            claim_id: keys.and_then(|k| k.claim.as_ref()).map(|i| i.shown.clone()),
            line: keys.and_then(|k| k.line.as_ref()).map(|i| i.shown.clone()),
            patient: keys.and_then(|k| k.patient_shown()),
            service_date,
            code,
            payer,
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
            charge_rows,
            payment_rows: remitted.rows,
            patient_paid: totals.patient_paid,
        }
    }
}

/// What a line's remittance rows add up to, and their reason codes (each once, in order).
#[derive(Debug, Default)]
pub(crate) struct RemitTotals {
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

/// A running sum of the values that are known: `None` until one is.
fn add_known(sum: Option<Money>, value: Option<Money>) -> Option<Money> {
    match (sum, value) {
        (None, v) => v,
        (Some(a), Some(v)) => Some(a + v),
        (a, None) => a,
    }
}

/// The earlier of two dates, either of which may be unknown.
fn min_known(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
