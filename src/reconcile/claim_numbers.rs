//! Claim numbers written differently in the two files (SPEC §8.2).
//!
//! A practice system writes `24504` where the payer's export writes
//! `CLM24504`, `24504-1` or `24504A`. When fewer than half of the payment rows
//! match a charge as written, the reconciliation tries each [`ClaimForm`] on
//! both files and keeps the one under which the most payment rows match (it
//! must beat the claim numbers as written); when even that leaves fewer than
//! half matched, the next key level of SPEC §4 without the claim number
//! (patient + date of service + code) is tried.
//!
//! The common path pays nothing for this: the rows are matched as written
//! while they stream in, and only when that match rate is low does a
//! [`Trial`] read the keys once more and count, per candidate, how many
//! payment rows would match (64-bit hashes of the keys, not the keys, so that
//! a million-row file costs a few sets of integers). The winner is then
//! applied by reading the files again.

use std::hash::BuildHasher;

use crate::hashing::{BuildFast, FastSet};
use crate::interned::Text;
use crate::records::{Keys, PaymentRow};

use super::matching::MatchLevel;

/// How claim numbers are compared: as written, or without a prefix and/or a
/// trailing sequence suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimForm {
    AsWritten,
    /// (a) without a leading non-digit prefix: `CLM24504`, `C24504`, `#24504`, `INV-24504`.
    NoPrefix,
    /// (b) without a trailing sequence suffix: `24504-1`, `24504/2`, `24504.01`, `24504A`.
    NoSuffix,
    /// (c) both.
    NoPrefixNoSuffix,
}

/// The longest prefix dropped (`INV` and `CLM` are three letters; some systems add one more).
const MAX_PREFIX_LETTERS: usize = 4;
/// The longest numeric sequence suffix dropped (`.001`).
const MAX_SUFFIX_DIGITS: usize = 3;

impl ClaimForm {
    /// The forms tried when the claim numbers as written match too little, in SPEC order.
    pub const VARIANTS: [ClaimForm; 3] =
        [ClaimForm::NoPrefix, ClaimForm::NoSuffix, ClaimForm::NoPrefixNoSuffix];

    /// A claim number's key (already normalised, see [`crate::records::Id`])
    /// under this form, or `None` when it does not change.
    pub fn key(self, key: &str) -> Option<String> {
        let stripped = match self {
            ClaimForm::AsWritten => return None,
            ClaimForm::NoPrefix => drop_prefix(key)?,
            ClaimForm::NoSuffix => drop_suffix(key)?,
            ClaimForm::NoPrefixNoSuffix => match drop_prefix(key) {
                Some(rest) => drop_suffix(rest).unwrap_or(rest),
                None => drop_suffix(key)?,
            },
        };
        // What is left is compared like any identifier: all digits lose their leading zeros.
        let rest = if stripped.bytes().all(|b| b.is_ascii_digit()) {
            let t = stripped.trim_start_matches('0');
            if t.is_empty() {
                "0"
            } else {
                t
            }
        } else {
            stripped
        };
        (rest != key).then(|| rest.to_string())
    }

    /// Replaces the claim number's matching key in `keys` (what is shown stays as written).
    pub fn rewrite(self, keys: &mut Keys) {
        if self == ClaimForm::AsWritten {
            return;
        }
        if let Some(claim) = &mut keys.claim {
            if let Some(k) = self.key(&claim.key) {
                claim.key = Text::from(k.as_str());
            }
        }
    }

    /// What was dropped, for the note.
    pub fn describe(self) -> &'static str {
        match self {
            ClaimForm::AsWritten => "as written",
            ClaimForm::NoPrefix => "dropping a letter prefix such as CLM, C, # or INV",
            ClaimForm::NoSuffix => "dropping a sequence suffix such as -1, /2, .01 or a final letter",
            ClaimForm::NoPrefixNoSuffix => "dropping both a letter prefix (CLM, C, #, INV) and a sequence suffix (-1, /2, .01, a final letter)",
        }
    }
}

/// `clm24504` → `24504`, `inv-0012` → `0012`, `#77` → `77`: a short run of
/// letters or `#` (and a separator) before the first digit.
fn drop_prefix(key: &str) -> Option<&str> {
    let digit = key.find(|c: char| c.is_ascii_digit())?;
    if digit == 0 {
        return None;
    }
    let prefix = key[..digit].trim_end_matches(['-', ' ', ':', '_', '.', '#']);
    let prefix = prefix.strip_prefix('#').unwrap_or(prefix);
    let letters = prefix.chars().all(|c| c.is_ascii_alphabetic());
    (letters && prefix.len() <= MAX_PREFIX_LETTERS).then(|| &key[digit..])
}

/// `24504-1` → `24504`, `24504/2`, `24504.01`, `24504a`: a separator and one
/// to three digits, or one letter, after a digit.
fn drop_suffix(key: &str) -> Option<&str> {
    let bytes = key.as_bytes();
    let digits = bytes.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let cut = if (1..=MAX_SUFFIX_DIGITS).contains(&digits) && digits < bytes.len() {
        let sep = bytes.len() - digits - 1;
        matches!(bytes[sep], b'-' | b'/' | b'.').then_some(sep)?
    } else if digits == 0 && bytes.last()?.is_ascii_alphabetic() {
        bytes.len() - 1
    } else {
        return None;
    };
    (cut > 0 && bytes[cut - 1].is_ascii_digit()).then(|| &key[..cut])
}

/// A way of matching to try: a claim form at a claim level, or another level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub form: ClaimForm,
    pub level: MatchLevel,
}

/// Counts, for each candidate, how many payment rows would match a charge.
pub(crate) struct Trial {
    candidates: Vec<Counting>,
    hasher: BuildFast,
    buffer: String,
}

struct Counting {
    candidate: Candidate,
    /// Hashes of every charge row's key under the candidate.
    keys: FastSet<u64>,
    /// Hashes of every charge row's claim, for claim-level remittance rows.
    claims: FastSet<u64>,
    matched: usize,
    /// A payment claim number that matched only under this candidate, for the note.
    example: Option<Text>,
}

/// What a trial found best.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub candidate: Candidate,
    pub matched: usize,
    pub example: Option<Text>,
}

impl Trial {
    /// Trials of the claim forms at `level`, and of `fallback` (the level without claim numbers).
    pub fn new(level: MatchLevel, fallback: Option<MatchLevel>) -> Trial {
        let mut candidates: Vec<Candidate> =
            ClaimForm::VARIANTS.iter().map(|&form| Candidate { form, level }).collect();
        candidates.extend(fallback.map(|level| Candidate { form: ClaimForm::AsWritten, level }));
        let candidates = candidates
            .into_iter()
            .map(|candidate| Counting {
                candidate,
                keys: FastSet::default(),
                claims: FastSet::default(),
                matched: 0,
                example: None,
            })
            .collect();
        Trial { candidates, hasher: BuildFast::default(), buffer: String::new() }
    }

    fn hashes(&mut self, c: usize, keys: &Keys) -> (Option<u64>, Option<u64>) {
        let candidate = self.candidates[c].candidate;
        let mut k = keys.clone();
        candidate.form.rewrite(&mut k);
        let key =
            candidate.level.write_key(&k, &mut self.buffer).ok().map(|_| self.hasher.hash_one(&self.buffer));
        let claim = k.claim.as_ref().map(|c| self.hasher.hash_one(c.key.as_str()));
        (key, claim)
    }

    pub fn add_charge(&mut self, keys: &Keys) {
        for c in 0..self.candidates.len() {
            let (key, claim) = self.hashes(c, keys);
            let counting = &mut self.candidates[c];
            counting.keys.extend(key);
            counting.claims.extend(claim);
        }
    }

    pub fn add_payment(&mut self, p: &PaymentRow) {
        for c in 0..self.candidates.len() {
            let (key, claim) = self.hashes(c, &p.keys);
            let counting = &mut self.candidates[c];
            let by_claim = p.claim_level
                && counting.candidate.level.uses_claim()
                && claim.is_some_and(|h| counting.claims.contains(&h));
            if key.is_some_and(|h| counting.keys.contains(&h)) || by_claim {
                counting.matched += 1;
                if counting.example.is_none() {
                    counting.example = p.keys.claim.as_ref().map(|c| c.shown.clone());
                }
            }
        }
    }

    /// The claim form that matches the most payment rows, if it beats
    /// `plain` (the rows matched as written); and the fallback level when the
    /// best form still leaves fewer than half of `total` matched and the
    /// fallback matches more.
    pub fn choose(self, plain: usize, total: usize) -> Option<Outcome> {
        let outcome =
            |c: &Counting| Outcome { candidate: c.candidate, matched: c.matched, example: c.example.clone() };
        let (forms, fallback): (Vec<&Counting>, Vec<&Counting>) =
            self.candidates.iter().partition(|c| c.candidate.form != ClaimForm::AsWritten);
        // The first form in SPEC order wins a tie.
        let best_form =
            forms.into_iter().filter(|c| c.matched > plain).fold(None::<&Counting>, |best, c| match best {
                Some(b) if b.matched >= c.matched => Some(b),
                _ => Some(c),
            });
        let so_far = best_form.map_or(plain, |c| c.matched);
        if so_far * 2 < total {
            if let Some(f) = fallback.into_iter().find(|f| f.matched > so_far) {
                return Some(outcome(f));
            }
        }
        best_form.map(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Id;

    fn key(form: ClaimForm, written: &str) -> String {
        let id = Id::new(written).unwrap();
        form.key(&id.key).unwrap_or_else(|| id.key.to_string())
    }

    #[test]
    fn each_claim_form_drops_what_it_names() {
        use ClaimForm::*;
        let table = [
            // (form, as written, key)
            (NoPrefix, "CLM24504", "24504"),
            (NoPrefix, "C24504", "24504"),
            (NoPrefix, "#24504", "24504"),
            (NoPrefix, "INV-0024504", "24504"),
            (NoPrefix, "inv 77", "77"),
            (NoPrefix, "24504", "24504"),
            (NoPrefix, "24504-1", "24504-1"),
            (NoPrefix, "PATIENT24504", "patient24504"),
            (NoSuffix, "24504-1", "24504"),
            (NoSuffix, "24504/2", "24504"),
            (NoSuffix, "24504.01", "24504"),
            (NoSuffix, "24504A", "24504"),
            (NoSuffix, "00024504-3", "24504"),
            (NoSuffix, "24504", "24504"),
            (NoSuffix, "24504-1234", "24504-1234"),
            (NoSuffix, "ABC", "abc"),
            (NoSuffix, "-1", "-1"),
            (NoSuffix, "CLM24504-1", "clm24504"),
            (NoPrefixNoSuffix, "CLM24504-1", "24504"),
            (NoPrefixNoSuffix, "CLM24504", "24504"),
            (NoPrefixNoSuffix, "24504B", "24504"),
            (AsWritten, "CLM24504-1", "clm24504-1"),
        ];
        for (form, written, want) in table {
            assert_eq!(key(form, written), want, "{form:?} of {written:?}");
        }
    }

    #[test]
    fn rewriting_keeps_the_claim_number_as_shown() {
        let mut keys = Keys { claim: Id::new("CLM-24504"), ..Keys::default() };
        ClaimForm::NoPrefix.rewrite(&mut keys);
        let claim = keys.claim.unwrap();
        assert_eq!((claim.shown.as_str(), claim.key.as_str()), ("CLM-24504", "24504"));
    }

    fn payment(claim: &str) -> PaymentRow {
        PaymentRow {
            row: 2,
            keys: Keys { claim: Id::new(claim), ..Keys::default() },
            payer: None,
            billed: None,
            allowed: None,
            remit: Default::default(),
            payment_date: None,
            check_number: None,
            claim_level: false,
        }
    }

    #[test]
    fn the_form_that_matches_most_payment_rows_wins_and_must_beat_as_written() {
        let mut trial = Trial::new(MatchLevel::Claim, None);
        for c in ["CLM100", "CLM101", "CLM102"] {
            trial.add_charge(&Keys { claim: Id::new(c), ..Keys::default() });
        }
        for p in ["100-1", "101-2", "102-1", "999"] {
            trial.add_payment(&payment(p));
        }
        let outcome = trial.choose(0, 4).unwrap();
        assert_eq!(outcome.candidate.form, ClaimForm::NoPrefixNoSuffix);
        assert_eq!(outcome.matched, 3);
        assert_eq!(outcome.example.as_deref(), Some("100-1"));

        let mut trial = Trial::new(MatchLevel::Claim, None);
        trial.add_charge(&Keys { claim: Id::new("5"), ..Keys::default() });
        trial.add_payment(&payment("5"));
        trial.add_payment(&payment("6"));
        trial.add_payment(&payment("7"));
        assert_eq!(trial.choose(1, 3), None, "no form beats the 1 row matched as written");
    }
}
