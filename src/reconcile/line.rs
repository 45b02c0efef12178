//! A reconciled line: the charge rows grouped under one key and the payment
//! rows that apply to them, with the per-line figures of SPEC §4. A patient's
//! payment adds to `patient_paid`, never to insurance paid, and the insurance
//! levels combine as [`super::levels`] says (SPEC §8.3).

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use smallvec::SmallVec;

use super::aging::AgingBucket;
use super::fees::{FeeCharge, FeeSchedule};
use super::levels::{Levels, Running};
use super::status::{at_stake, classify, denied_to_patient, Figures, Status, Tolerance};
use crate::carc::ReasonCode;
use crate::interned::Text;
use crate::money::Money;
use crate::records::{ChargeRow, PaymentRow, Remit};
use crate::table::dates::{days_between, iso};

/// A line's row numbers: one or two almost always, kept inline, so that they cost no
/// allocation each (a reconciliation of a million lines made millions of them; BENCH.md).
pub type RowNumbers = SmallVec<[u32; 2]>;
/// The indexes of a claim's (or a worklist item's) lines, inline as [`RowNumbers`] are.
pub type LineIndexes = SmallVec<[usize; 2]>;
/// Check numbers and procedure codes of a line or claim: mostly one, inline.
pub type Texts = SmallVec<[Text; 1]>;

/// One line of the report (SPEC §7 `lines`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub claim_id: Option<Text>,
    pub line: Option<Text>,
    pub patient: Option<Text>,
    /// The patient's ID (member or account number) when a file gives one.
    pub patient_id: Option<Text>,
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
    pub charge_rows: RowNumbers,
    pub payment_rows: RowNumbers,
    /// Paid by the patient (not part of the balance; used by the collection rates).
    pub patient_paid: Money,
    /// PR − patient paid: what the patient still owes; negative when the
    /// patient paid more than their share and is owed a refund (SPEC §8.3).
    pub patient_balance: Money,
    /// The earliest payment date of its payment rows: an appeal limit counts from it (SPEC §8.7).
    #[serde(serialize_with = "iso_date")]
    pub payment_date: Option<NaiveDate>,
    /// The check (or EFT trace) numbers of its payment rows, each once.
    pub check_numbers: Texts,
    /// The patient's date of birth, when a column gives it (not in the report JSON).
    #[serde(skip)]
    pub date_of_birth: Option<NaiveDate>,
    /// What the patient responsibility is made of, when the files say.
    #[serde(skip)]
    pub share_parts: ShareParts,
}

/// The parts of a patient responsibility (deductible, coinsurance, copay)
/// as the payer's rows gave them: columns, or an 835's PR-1/PR-2/PR-3. Like
/// PR itself (SPEC §8.3) they are the last insurance level's that gave any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShareParts {
    pub deductible: Option<Money>,
    pub coinsurance: Option<Money>,
    pub copay: Option<Money>,
    /// The insurance level they came from (0 primary).
    pub(crate) level: Option<u8>,
}

impl ShareParts {
    fn add(&mut self, level: usize, r: &Remit) {
        if r.deductible.is_none() && r.coinsurance.is_none() && r.copay.is_none() {
            return;
        }
        let level = level as u8;
        match self.level {
            Some(l) if l > level => return,
            Some(l) if l < level => *self = ShareParts::default(),
            _ => {}
        }
        self.level = Some(level);
        self.deductible = add_known(self.deductible, r.deductible);
        self.coinsurance = add_known(self.coinsurance, r.coinsurance);
        self.copay = add_known(self.copay, r.copay);
    }

    /// Whether any part is known.
    pub fn known(&self) -> bool {
        self.level.is_some()
    }
}

pub(crate) fn iso_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso(*d)),
        None => s.serialize_none(),
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

/// What a line needs besides its own fields while its rows come in.
#[derive(Debug, Default)]
pub(crate) struct Gathering {
    /// The earliest bill date of its charge rows.
    pub billed_date: Option<NaiveDate>,
    /// The sum of the allowed amounts its payment rows give, if any gives one
    /// (it replaces the charge rows' allowed amounts).
    pub payments_allowed: Option<Money>,
    /// The payer of its first payment row that names one (for a line whose
    /// charge rows name none).
    pub payments_payer: Option<Text>,
    /// Some charge row carries remittance (single mode).
    pub remitted_on_charges: bool,
    /// Its distinct procedure codes after the first, in order (rare: lines
    /// matched by claim alone).
    pub more_codes: Vec<Text>,
    /// Its charge rows as the fee schedule needs them (only when there is one).
    pub fee_charges: Vec<FeeCharge>,
    /// The insurance levels that reported (SPEC §8.3).
    pub levels: Levels,
}

impl Line {
    /// A line started from its first charge row; the figures come later.
    pub(crate) fn start(c: &ChargeRow, single: bool, gathering: &mut Gathering) -> Line {
        let mut line = Line {
            claim_id: c.keys.claim.as_ref().map(|i| i.shown.clone()),
            line: c.keys.line.as_ref().map(|i| i.shown.clone()),
            patient: c.keys.patient_shown(),
            patient_id: c.keys.patient_id.as_ref().map(|i| i.shown.clone()),
            service_date: None,
            code: None,
            payer: None,
            billed: Money::ZERO,
            allowed: None,
            expected: None,
            insurance_paid: Money::ZERO,
            contractual_adjustment: Money::ZERO,
            patient_responsibility: Money::ZERO,
            other_adjustment: Money::ZERO,
            balance: Money::ZERO,
            at_stake: Money::ZERO,
            status: Status::Unpaid,
            age_days: None,
            aging_bucket: None,
            reason_codes: Vec::new(),
            charge_rows: RowNumbers::new(),
            payment_rows: RowNumbers::new(),
            patient_paid: Money::ZERO,
            patient_balance: Money::ZERO,
            payment_date: None,
            check_numbers: Texts::new(),
            date_of_birth: c.date_of_birth,
            share_parts: ShareParts::default(),
        };
        line.add_charge(c, single, gathering);
        line
    }

    /// Adds a charge row: billed, allowed, dates, code, payer; in single mode
    /// also what came back on it.
    pub(crate) fn add_charge(&mut self, c: &ChargeRow, single: bool, gathering: &mut Gathering) {
        self.billed += c.billed;
        self.allowed = add_known(self.allowed, c.allowed);
        if self.payer.is_none() {
            self.payer.clone_from(&c.payer);
        }
        if self.patient_id.is_none() {
            self.patient_id = c.keys.patient_id.as_ref().map(|i| i.shown.clone());
        }
        self.service_date = min_known(self.service_date, c.keys.service_date);
        if self.date_of_birth.is_none() {
            self.date_of_birth = c.date_of_birth;
        }
        gathering.billed_date = min_known(gathering.billed_date, c.billed_date);
        if let Some(code) = &c.keys.code {
            match &self.code {
                None => self.code = Some(code.shown.clone()),
                Some(first) if *first == code.shown || gathering.more_codes.contains(&code.shown) => {}
                Some(_) => gathering.more_codes.push(code.shown.clone()),
            }
        }
        self.charge_rows.push(c.row);
        if single {
            gathering.remitted_on_charges |= c.remit.exists();
            self.add_remit(&c.remit, &mut gathering.levels);
        }
    }

    /// Adds a payment row: what came back, and its row, allowed amount and payer.
    pub(crate) fn add_payment(&mut self, p: &PaymentRow, gathering: &mut Gathering) {
        self.payment_rows.push(p.row);
        gathering.payments_allowed = add_known(gathering.payments_allowed, p.allowed);
        if gathering.payments_payer.is_none() {
            gathering.payments_payer.clone_from(&p.payer);
        }
        self.payment_date = min_known(self.payment_date, p.payment_date);
        if let Some(check) = &p.check_number {
            if !self.check_numbers.contains(check) {
                self.check_numbers.push(check.clone());
            }
        }
        self.add_remit(&p.remit, &mut gathering.levels);
    }

    /// What a remittance row adds: the amounts, and its reason codes (each once, in order).
    ///
    /// A patient's row (SPEC §8.3) adds its paid amount to patient paid; an
    /// adjustment written on it (a small-balance write-off, a prompt-pay
    /// discount) is neither the payer's contract nor the patient's share, so
    /// it is an other adjustment; a patient responsibility on it is not a
    /// payer's word and is left out (the reconciliation notes count such rows).
    fn add_remit(&mut self, r: &Remit, levels: &mut Levels) {
        self.other_adjustment += r.other_adjustment;
        self.patient_paid += r.patient_paid;
        match r.source.insurance_level() {
            Some(level) => {
                self.share_parts.add(level, r);
                let running = Running {
                    paid: &mut self.insurance_paid,
                    contractual: &mut self.contractual_adjustment,
                    patient_responsibility: &mut self.patient_responsibility,
                };
                levels.add(level, r.paid, r.contractual, r.patient_responsibility, running);
            }
            None => {
                self.patient_paid += r.paid;
                self.other_adjustment += r.contractual;
            }
        }
        for c in &r.reason_codes {
            if !self.reason_codes.contains(c) {
                self.reason_codes.push(c.clone());
            }
        }
    }

    /// The line's figures once every row is in: allowed, payer, expected,
    /// status, balance, amount at stake and age.
    pub(crate) fn finish(&mut self, gathering: Gathering, ctx: &LineContext<'_>) {
        let Gathering {
            billed_date,
            payments_allowed,
            payments_payer,
            remitted_on_charges,
            more_codes,
            fee_charges,
            levels,
        } = gathering;
        // SPEC §4 "unpaid: no remittance at all": a patient's payment at the
        // desk is not the payer's answer, so only insurance rows count here.
        let payer_answered = levels.reported();
        if let Some((contractual, patient_responsibility)) = levels.combined() {
            self.contractual_adjustment = contractual;
            self.patient_responsibility = patient_responsibility;
        }
        self.allowed = payments_allowed.or(self.allowed);
        if self.payer.is_none() {
            self.payer = payments_payer;
        }
        // E: the fee schedule's amount when it has every code of the line, else AL.
        let from_fees = ctx.fees.and_then(|f| f.expected_for(fee_charges.iter(), self.payer.as_deref()));
        self.expected = from_fees.or(self.allowed);
        if !more_codes.is_empty() {
            let all = self.code.iter().chain(&more_codes).map(|c| c.as_str()).collect::<Vec<_>>();
            self.code = Some(Text::from(all.join(", ")));
        }
        let has_remittance = if ctx.single { remitted_on_charges } else { payer_answered };
        let figures = self.figures(has_remittance);
        self.status = classify(&figures, ctx.tolerance);
        self.balance = figures.balance();
        self.patient_balance = self.patient_responsibility - self.patient_paid;
        self.at_stake = at_stake(self.status, &figures);
        // Age runs from the bill date, or the date of service when there is no
        // bill date (SPEC §4); the earliest of the line's rows.
        self.age_days = billed_date.or(self.service_date).map(|d| days_between(d, ctx.as_of));
        self.aging_bucket =
            if self.status.is_aged() { self.age_days.map(AgingBucket::for_age) } else { None };
    }
}

impl Line {
    /// The sums the status is decided from (SPEC §4, §8.4).
    pub(crate) fn figures(&self, has_remittance: bool) -> Figures {
        Figures {
            billed: self.billed,
            paid: self.insurance_paid,
            contractual: self.contractual_adjustment,
            patient_responsibility: self.patient_responsibility,
            other_adjustment: self.other_adjustment,
            expected: self.expected,
            has_remittance,
            patient_paid: self.patient_paid,
            denied_to_patient: denied_to_patient(&self.reason_codes),
        }
    }
}

/// A running sum of the values that are known: `None` until one is.
pub(crate) fn add_known(sum: Option<Money>, value: Option<Money>) -> Option<Money> {
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
