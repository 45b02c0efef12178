//! Lines gathered from the rows: charge rows grouped under their match key,
//! payment rows applied to them one at a time (SPEC §4 "Matching").
//!
//! [`Lines`] makes each [`Line`] from the first charge row with its key and
//! adds every later charge row with that key to it; the charge rows are then
//! let go. Payment rows are applied as a file is read and not kept either:
//! each adds to its line, or becomes an [`UnmatchedPayment`] that says which
//! coarser key would have matched. The index of match keys holds a line
//! number and a hash; the line's key is kept once, beside the line.

use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::HashTable;

use super::fees::FeeCharge;
use super::line::{Gathering, Line, LineContext};
use super::matching::{Explainer, KeyParts, LineKey, MatchLevel, MissingKey};
use super::summary::ReasonTally;
use super::warnings::{widen, Span};
use super::UnmatchedPayment;
use crate::columns::Mapping;
use crate::hashing::{BuildFast, FastMap};
use crate::interned::Text;
use crate::money::Money;
use crate::payment_source::PaymentSource;
use crate::records::{ChargeRow, FileKind, PaymentRow, Rejected, Remit};
use crate::table::dates::days_between;

/// Lines being gathered from charge and payment rows.
pub(crate) struct Lines {
    level: MatchLevel,
    single: bool,
    as_of: NaiveDate,
    /// Keep what the fee schedule needs of each charge row.
    with_fees: bool,
    lines: Vec<Line>,
    /// Beside each line: what it needs until it is finished, and its key.
    gathering: Vec<Gathering>,
    keys: Vec<Option<LineKey>>,
    /// (line, hash) of every line with a key.
    index: HashTable<(u32, u32)>,
    hasher: BuildFast,
    /// The first line of each claim, for claim-level remittance rows.
    first_line_of_claim: FastMap<Text, u32>,
    /// Built on the first payment that matches nothing.
    explainer: Option<Explainer>,
    unmatched: Vec<UnmatchedPayment>,
    claim_level_applied: usize,
    /// Patient rows (SPEC §8.3), and those of them that also carry a patient responsibility.
    patient_rows: usize,
    patient_rows_with_share: usize,
    payments: usize,
    reasons: ReasonTally,
    rejected: Vec<Rejected>,
    /// First and last date of service of the payment rows, for the warnings.
    payment_dates: Option<Span>,
}

/// A 64-bit hash that can be rebuilt from its 32 bits: the table stores only those.
fn spread(h32: u32) -> u64 {
    u64::from(h32) | (u64::from(h32) << 32)
}

impl Lines {
    /// Room for about `charges` charge rows: at most one line each.
    pub fn new(level: MatchLevel, single: bool, with_fees: bool, as_of: NaiveDate, charges: usize) -> Lines {
        Lines {
            level,
            single,
            as_of,
            with_fees,
            lines: Vec::with_capacity(charges),
            gathering: Vec::with_capacity(charges),
            keys: Vec::with_capacity(charges),
            index: HashTable::with_capacity(charges),
            hasher: BuildFast::default(),
            first_line_of_claim: FastMap::default(),
            explainer: None,
            unmatched: Vec::new(),
            claim_level_applied: 0,
            patient_rows: 0,
            patient_rows_with_share: 0,
            payments: 0,
            reasons: ReasonTally::default(),
            rejected: Vec::new(),
            payment_dates: None,
        }
    }

    /// Payment rows applied so far that joined a line.
    pub fn matched(&self) -> usize {
        self.payments - self.unmatched.len()
    }

    /// Payment rows applied so far.
    pub fn payments(&self) -> usize {
        self.payments
    }

    /// Adds a charge row to the line with its key, or starts a line with it.
    pub fn add_charge(&mut self, c: &ChargeRow, charge_mapping: &Mapping) {
        if self.single {
            self.reasons.add(&c.remit);
            self.count_source(&c.remit);
        }
        match self.level.parts(&c.keys) {
            Ok(parts) => {
                let h32 = self.hash32(&parts);
                match self.find(&parts, h32) {
                    Some(line) => self.add(line, c),
                    None => {
                        let key = parts.to_owned();
                        let line = self.start(c, Some(key));
                        self.index.insert_unique(spread(h32), (line, h32), |&(_, h)| spread(h));
                    }
                }
            }
            // Without a key, a row cannot be matched: in matched mode that
            // makes it unusable; in single mode (or when nothing can match) it
            // is simply a line of its own.
            Err(MissingKey(role)) if !self.single && self.level != MatchLevel::None => {
                self.rejected.push(Rejected {
                    file: FileKind::Charges,
                    row: c.row,
                    column: charge_mapping.column(role).map(crate::table::column_letter),
                    value: String::new(),
                    reason: format!("no {} to match on", role.label()),
                })
            }
            Err(_) => {
                self.start(c, None);
            }
        }
    }

    /// Every charge row is in: the room reserved for lines that did not come is given back.
    pub fn charges_done(&mut self) {
        self.lines.shrink_to_fit();
        self.gathering.shrink_to_fit();
        self.keys.shrink_to_fit();
    }

    fn hash32(&self, parts: &KeyParts<'_>) -> u32 {
        let h = self.hasher.hash_one(parts);
        (h >> 32) as u32 ^ h as u32
    }

    /// The line with this key (`h32` its hash), if there is one.
    fn find(&self, parts: &KeyParts<'_>, h32: u32) -> Option<u32> {
        let key_of = |line: u32| self.keys[line as usize].as_ref().map(LineKey::parts);
        self.index
            .find(spread(h32), |&(line, h)| h == h32 && key_of(line).as_ref() == Some(parts))
            .map(|&(l, _)| l)
    }

    /// A new line from its first charge row.
    fn start(&mut self, c: &ChargeRow, key: Option<LineKey>) -> u32 {
        let line = self.lines.len() as u32;
        let mut gathering = Gathering::default();
        self.lines.push(Line::start(c, self.single, &mut gathering));
        if self.with_fees {
            gathering.fee_charges.push(FeeCharge::of(c));
        }
        self.gathering.push(gathering);
        self.keys.push(key);
        // A claim-level row of an 835 (a claim paid without service lines, or
        // claim adjustments) has no code: it applies to the claim's first line.
        if let Some(claim) = &c.keys.claim {
            self.first_line_of_claim.entry(claim.key.clone()).or_insert(line);
        }
        line
    }

    fn add(&mut self, line: u32, c: &ChargeRow) {
        let (l, gathering) = (&mut self.lines[line as usize], &mut self.gathering[line as usize]);
        l.add_charge(c, self.single, gathering);
        if self.with_fees {
            gathering.fee_charges.push(FeeCharge::of(c));
        }
    }

    /// Applies one payment row from the file named `file`: to the line with
    /// its key, or as an unmatched payment with the reason.
    pub fn apply(&mut self, file: &Text, p: &PaymentRow) {
        self.payments += 1;
        self.reasons.add(&p.remit);
        widen(&mut self.payment_dates, p.keys.service_date);
        self.count_source(&p.remit);
        let by_key = match self.level.parts(&p.keys) {
            Ok(parts) => self.find(&parts, self.hash32(&parts)),
            Err(_) => None,
        };
        let by_claim = || {
            let claim = p.keys.claim.as_ref()?;
            (p.claim_level && self.level != MatchLevel::None)
                .then(|| self.first_line_of_claim.get(claim.key.as_str()).copied())?
        };
        match by_key.or_else(by_claim) {
            Some(line) => {
                if by_key.is_none() {
                    self.claim_level_applied += 1;
                }
                let i = line as usize;
                self.lines[i].add_payment(p, &mut self.gathering[i]);
            }
            None => {
                // The explanations need every line's coarser keys: built only
                // when some payment matched nothing.
                let explainer = self
                    .explainer
                    .get_or_insert_with(|| Explainer::of_lines(self.level, self.keys.iter().flatten()));
                let note = explainer.explain(&p.keys);
                self.unmatched.push(unmatched_payment(file, p, note, self.as_of));
            }
        }
    }

    fn count_source(&mut self, r: &Remit) {
        if r.source == PaymentSource::Patient {
            self.patient_rows += 1;
            if !r.patient_responsibility.is_zero() {
                self.patient_rows_with_share += 1;
            }
        }
    }

    /// The lines with their figures, in the order of their first charge row.
    pub fn finish(self, ctx: &LineContext<'_>, progress: &mut dyn FnMut(f32)) -> Finished {
        let Lines { mut lines, gathering, keys, index, explainer, first_line_of_claim, .. } = self;
        // What only matching needed goes first.
        drop((keys, index, explainer, first_line_of_claim));
        let total = lines.len().max(1);
        for (i, (line, gathering)) in lines.iter_mut().zip(gathering).enumerate() {
            if i % super::PROGRESS_EVERY_ROWS == super::PROGRESS_EVERY_ROWS - 1 {
                progress(i as f32 / total as f32);
            }
            line.finish(gathering, ctx);
        }
        lines.shrink_to_fit();
        Finished {
            lines,
            unmatched: self.unmatched,
            claim_level_applied: self.claim_level_applied,
            patient_rows: self.patient_rows,
            patient_rows_with_share: self.patient_rows_with_share,
            payments: self.payments,
            reasons: self.reasons,
            rejected: self.rejected,
            payment_dates: self.payment_dates,
        }
    }
}

/// What gathering lines comes to.
pub(crate) struct Finished {
    pub lines: Vec<Line>,
    pub unmatched: Vec<UnmatchedPayment>,
    /// Claim-level payment rows applied to the first line of their claim.
    pub claim_level_applied: usize,
    /// Rows paid by the patient, and those of them with a patient responsibility (left out).
    pub patient_rows: usize,
    pub patient_rows_with_share: usize,
    /// Payment rows applied, matched or not.
    pub payments: usize,
    /// Reason codes of every remittance row.
    pub reasons: ReasonTally,
    /// Charge rows without the key to match on, in matched mode.
    pub rejected: Vec<Rejected>,
    /// First and last date of service of the payment rows.
    pub payment_dates: Option<Span>,
}

fn unmatched_payment(file: &Text, p: &PaymentRow, note: String, as_of: NaiveDate) -> UnmatchedPayment {
    UnmatchedPayment {
        file: file.clone(),
        row: p.row,
        claim_id: p.keys.claim.as_ref().map(|i| i.shown.clone()),
        patient: p.keys.patient_shown(),
        service_date: p.keys.service_date,
        code: p.keys.code.as_ref().map(|i| i.shown.clone()),
        paid: p.remit.paid,
        source: p.remit.source,
        patient_paid: p.remit.patient_paid
            + if p.remit.source == PaymentSource::Patient { p.remit.paid } else { Money::ZERO },
        note,
        payer: p.payer.clone(),
        check_number: p.check_number.clone(),
        reason_codes: p.remit.reason_codes.clone(),
        age_days: p.payment_date.or(p.keys.service_date).map(|d| days_between(d, as_of)),
    }
}
