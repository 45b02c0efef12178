//! Charge rows grouped into lines, and payment rows applied to them one at a
//! time (SPEC §4 "Matching").
//!
//! [`Grouping`] first groups every charge row under its match key, in the
//! order of each line's first row. Payment rows are then applied one by one,
//! as a file is read, and not kept: each adds to its line's totals
//! ([`Remitted`]), or becomes an [`UnmatchedPayment`] that says which coarser
//! key would have matched. Nothing is copied per row: a line's charge rows are
//! a chain through the charges, and the index of match keys holds only a line
//! number and a hash, since a line's key can be read again from its first
//! charge (keys are compared by their parts, never written out).

use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::HashTable;

use super::line::{Chains, Group, Line, LineContext, END};
use super::matching::{Explainer, KeyParts, MatchLevel, MissingKey};
use super::summary::ReasonTally;
use super::UnmatchedPayment;
use crate::columns::Mapping;
use crate::hashing::{BuildFast, FastMap};
use crate::interned::Text;
use crate::records::{ChargeRow, FileKind, PaymentRow, Rejected};
use crate::table::dates::days_between;

/// Charges grouped into lines, with the payment rows applied so far.
pub(crate) struct Grouping<'c> {
    level: MatchLevel,
    as_of: NaiveDate,
    charges: &'c [ChargeRow],
    groups: Vec<Group>,
    chains: Chains,
    /// (line, hash) of every line with a key; the key is written again from the line's first charge.
    index: HashTable<(u32, u32)>,
    hasher: BuildFast,
    /// The first line of each claim, for claim-level remittance rows.
    first_line_of_claim: FastMap<&'c str, u32>,
    /// Built on the first payment that matches nothing.
    explainer: Option<Explainer<'c>>,
    pub unmatched: Vec<UnmatchedPayment>,
    /// Claim-level payment rows applied to the first line of their claim.
    pub claim_level_applied: usize,
    /// Payment rows applied, matched or not.
    pub payments: usize,
    /// Reason codes of every remittance row.
    pub reasons: ReasonTally,
    /// Charge rows without the key to match on, in matched mode.
    pub rejected: Vec<Rejected>,
}

/// A 64-bit hash that can be rebuilt from its 32 bits: the table stores only those.
fn spread(h32: u32) -> u64 {
    u64::from(h32) | (u64::from(h32) << 32)
}

impl<'c> Grouping<'c> {
    /// Groups the charge rows into lines. `progress` hears the share done (0 to 1).
    pub fn new(
        charges: &'c [ChargeRow],
        level: MatchLevel,
        single: bool,
        as_of: NaiveDate,
        charge_mapping: &Mapping,
        progress: &mut dyn FnMut(f32),
    ) -> Grouping<'c> {
        let mut g = Grouping {
            level,
            as_of,
            charges,
            groups: Vec::new(),
            chains: Chains { next: vec![END; charges.len()] },
            index: HashTable::with_capacity(charges.len()),
            hasher: BuildFast::default(),
            first_line_of_claim: FastMap::default(),
            explainer: None,
            unmatched: Vec::new(),
            claim_level_applied: 0,
            payments: 0,
            reasons: ReasonTally::default(),
            rejected: Vec::new(),
        };
        for (i, row) in charges.iter().enumerate() {
            if i % super::PROGRESS_EVERY_ROWS == super::PROGRESS_EVERY_ROWS - 1 {
                progress(i as f32 / charges.len() as f32);
            }
            let i = i as u32;
            match level.parts(&row.keys) {
                Ok(parts) => {
                    let h32 = g.hash32(&parts);
                    match g.find(&parts, h32) {
                        Some(line) => g.append(line, i),
                        None => {
                            let line = g.start_line(i);
                            g.index.insert_unique(spread(h32), (line, h32), |&(_, h)| spread(h));
                        }
                    }
                }
                // Without a key, a row cannot be matched: in matched mode that
                // makes it unusable; in single mode (or when nothing can match) it
                // is simply a line of its own.
                Err(MissingKey(role)) if !single && level != MatchLevel::None => g.rejected.push(Rejected {
                    file: FileKind::Charges,
                    row: row.row,
                    column: charge_mapping.column(role).map(crate::table::column_letter),
                    value: String::new(),
                    reason: format!("no {} to match on", role.label()),
                }),
                Err(_) => {
                    g.start_line(i);
                }
            }
        }
        // A claim-level row of an 835 (a claim paid without service lines, or
        // claim adjustments) has no code: it applies to the claim's first line.
        for (line, group) in g.groups.iter().enumerate() {
            if let Some(c) = charges[group.first as usize].keys.claim.as_ref() {
                g.first_line_of_claim.entry(c.key.as_str()).or_insert(line as u32);
            }
        }
        g
    }

    fn hash32(&self, parts: &KeyParts<'_>) -> u32 {
        let h = self.hasher.hash_one(parts);
        (h >> 32) as u32 ^ h as u32
    }

    /// The line with this key (`h32` its hash), if there is one.
    fn find(&self, parts: &KeyParts<'_>, h32: u32) -> Option<u32> {
        let first_parts = |line: u32| {
            let first = &self.charges[self.groups[line as usize].first as usize];
            self.level.parts(&first.keys)
        };
        self.index
            .find(spread(h32), |&(line, h)| h == h32 && first_parts(line).as_ref() == Ok(parts))
            .map(|&(line, _)| line)
    }

    fn start_line(&mut self, charge: u32) -> u32 {
        self.groups.push(Group { first: charge, last: charge, ..Group::default() });
        (self.groups.len() - 1) as u32
    }

    fn append(&mut self, line: u32, charge: u32) {
        let group = &mut self.groups[line as usize];
        self.chains.next[group.last as usize] = charge;
        group.last = charge;
    }

    /// Applies one payment row from the file named `file`: to the line with
    /// its key, or as an unmatched payment with the reason.
    pub fn apply(&mut self, file: &Text, p: &PaymentRow) {
        self.payments += 1;
        self.reasons.add(&p.remit);
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
                self.groups[line as usize].remitted.add(p);
            }
            None => {
                // The explanations need every charge's coarser keys: built only
                // when some payment matched nothing.
                if self.explainer.is_none() {
                    let (groups, chains, charges) = (&self.groups, &self.chains, self.charges);
                    let keys = groups.iter().flat_map(|g| chains.of(g, charges).map(|c| &c.keys));
                    self.explainer = Some(Explainer::new(self.level, keys));
                }
                let note = self.explainer.as_ref().map(|e| e.explain(&p.keys)).unwrap_or_default();
                self.unmatched.push(unmatched_payment(file, p, note, self.as_of));
            }
        }
    }

    /// The lines, in the order of their first charge row. In single mode the
    /// charge rows are the remittance rows, and their reason codes are tallied here.
    pub fn into_lines(mut self, ctx: &LineContext<'_>, progress: &mut dyn FnMut(f32)) -> Finished {
        self.explainer = None;
        let Grouping { groups, chains, charges, mut reasons, .. } = self;
        let total = groups.len().max(1);
        let mut lines = Vec::with_capacity(groups.len());
        for (i, group) in groups.into_iter().enumerate() {
            if i % super::PROGRESS_EVERY_ROWS == super::PROGRESS_EVERY_ROWS - 1 {
                progress(i as f32 / total as f32);
            }
            let rows = chains.of(&group, charges);
            lines.push(group.into_line(rows, ctx));
        }
        if ctx.single {
            charges.iter().for_each(|c| reasons.add(&c.remit));
        }
        Finished {
            lines,
            unmatched: self.unmatched,
            claim_level_applied: self.claim_level_applied,
            payments: self.payments,
            reasons,
            rejected: self.rejected,
        }
    }
}

/// What a [`Grouping`] comes to.
pub(crate) struct Finished {
    pub lines: Vec<Line>,
    pub unmatched: Vec<UnmatchedPayment>,
    pub claim_level_applied: usize,
    pub payments: usize,
    pub reasons: ReasonTally,
    pub rejected: Vec<Rejected>,
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
        note,
        payer: p.payer.clone(),
        check_number: p.check_number.clone(),
        reason_codes: p.remit.reason_codes.clone(),
        age_days: p.payment_date.or(p.keys.service_date).map(|d| days_between(d, as_of)),
    }
}
