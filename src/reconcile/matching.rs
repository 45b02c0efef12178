//! Which charge a payment belongs to (SPEC §4 "Matching").
//!
//! The [`MatchLevel`] is the most specific key that both files can supply,
//! chosen from the roles mapped in each. A [`MatchKey`] is built from a row's
//! normalised [`Keys`](crate::records::Keys). When a payment's key finds no
//! charge, [`Explainer`] says which coarser key would have matched, so the
//! billing specialist knows what to look at ("claim 123 exists, but not code
//! 99214").

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::columns::Role;
use crate::hashing::FastMap;
use crate::interned::Text;
use crate::records::{Id, Keys};
use crate::table::dates::{iso, push_iso};

/// The key hierarchy of SPEC §4, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchLevel {
    /// 1. claim_id + line
    ClaimLine,
    /// 2. claim_id + code, with the modifier and the service date when both files have them
    ClaimCode { modifier: bool, date: bool },
    /// 3. claim_id alone: the reconciliation is per claim
    Claim,
    /// 4. patient (ID, or normalised name) + service date + code
    PatientDateCode { by_id: bool },
    /// Nothing in common: every payment is unmatched.
    None,
}

/// The `matchedBy` of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MatchedBy {
    #[serde(rename = "claim+line")]
    ClaimLine,
    #[serde(rename = "claim+code")]
    ClaimCode,
    #[serde(rename = "claim")]
    Claim,
    #[serde(rename = "patient+date+code")]
    PatientDateCode,
    #[serde(rename = "none")]
    None,
}

impl MatchLevel {
    /// The most specific level both sides support. `a` and `b` are the roles
    /// mapped in the two tables (the same set for grouping one table).
    pub fn choose(a: &BTreeSet<Role>, b: &BTreeSet<Role>) -> MatchLevel {
        let both = |r: Role| a.contains(&r) && b.contains(&r);
        let has_name = |s: &BTreeSet<Role>| {
            s.contains(&Role::PatientName)
                || s.contains(&Role::PatientFirstName)
                || s.contains(&Role::PatientLastName)
        };
        if both(Role::ClaimId) {
            if both(Role::Line) {
                MatchLevel::ClaimLine
            } else if both(Role::Code) {
                MatchLevel::ClaimCode { modifier: both(Role::Modifier), date: both(Role::ServiceDate) }
            } else {
                MatchLevel::Claim
            }
        } else if both(Role::ServiceDate) && both(Role::Code) {
            if both(Role::PatientId) {
                MatchLevel::PatientDateCode { by_id: true }
            } else if has_name(a) && has_name(b) {
                MatchLevel::PatientDateCode { by_id: false }
            } else {
                MatchLevel::None
            }
        } else {
            MatchLevel::None
        }
    }

    /// Whether the key holds the claim number (levels 1 to 3).
    pub fn uses_claim(self) -> bool {
        matches!(self, MatchLevel::ClaimLine | MatchLevel::ClaimCode { .. } | MatchLevel::Claim)
    }

    pub fn matched_by(self) -> MatchedBy {
        match self {
            MatchLevel::ClaimLine => MatchedBy::ClaimLine,
            MatchLevel::ClaimCode { .. } => MatchedBy::ClaimCode,
            MatchLevel::Claim => MatchedBy::Claim,
            MatchLevel::PatientDateCode { .. } => MatchedBy::PatientDateCode,
            MatchLevel::None => MatchedBy::None,
        }
    }

    /// A sentence for the report's notes.
    pub fn describe(self) -> String {
        match self {
            MatchLevel::ClaimLine => "payments were matched to charges by claim number and line number".into(),
            MatchLevel::ClaimCode { modifier, date } => {
                let mut s = "payments were matched to charges by claim number and procedure code".to_string();
                if modifier {
                    s.push_str(", modifier");
                }
                if date {
                    s.push_str(", date of service");
                }
                s
            }
            MatchLevel::Claim => {
                "payments were matched to charges by claim number only, so each line of the report is a whole claim".into()
            }
            MatchLevel::PatientDateCode { by_id: true } => {
                "there are no claim numbers in common, so payments were matched by patient ID, date of service and procedure code".into()
            }
            MatchLevel::PatientDateCode { by_id: false } => {
                "there are no claim numbers in common, so payments were matched by patient name, date of service and procedure code".into()
            }
            MatchLevel::None => {
                "the two files share no columns to match on (claim number, or patient + date of service + code), so no payment could be matched".into()
            }
        }
    }
}

/// A normalised key; rows with equal keys belong to the same line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchKey(String);

impl MatchKey {
    /// The key's text, for looking it up in a map without building a `MatchKey`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The part of the key a row lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingKey(pub Role);

const SEP: char = '\u{1f}';

/// The parts of a row's key at one level, which compare and hash like the
/// key itself without writing it out; [`LineKey`] is the kept copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyParts<'k> {
    /// The claim (or the patient, at the patient level).
    owner: &'k Text,
    /// The line or the procedure code, when the level has one.
    item: Option<&'k Text>,
    /// The modifier, when the level compares it and the row has one.
    modifier: Option<&'k Text>,
    date: Option<NaiveDate>,
}

/// A line's match key, kept to find the line again and to explain why a
/// payment found none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineKey {
    owner: Text,
    item: Option<Text>,
    modifier: Option<Text>,
    date: Option<NaiveDate>,
}

impl KeyParts<'_> {
    pub fn to_owned(self) -> LineKey {
        LineKey {
            owner: self.owner.clone(),
            item: self.item.cloned(),
            modifier: self.modifier.cloned(),
            date: self.date,
        }
    }
}

impl LineKey {
    pub fn parts(&self) -> KeyParts<'_> {
        KeyParts {
            owner: &self.owner,
            item: self.item.as_ref(),
            modifier: self.modifier.as_ref(),
            date: self.date,
        }
    }

    /// The claim (or, at the patient level, the patient) the key belongs to.
    pub fn owner(&self) -> &Text {
        &self.owner
    }
}

fn need_id(id: &Option<Id>, role: Role) -> Result<&Text, MissingKey> {
    id.as_ref().map(|i| &i.key).ok_or(MissingKey(role))
}

impl MatchLevel {
    /// The row's key at this level, or the role it is missing.
    pub fn key(self, k: &Keys) -> Result<MatchKey, MissingKey> {
        let mut text = String::new();
        self.write_key(k, &mut text)?;
        Ok(MatchKey(text))
    }

    /// The parts of the row's key at this level, or the role it is missing.
    pub fn parts(self, k: &Keys) -> Result<KeyParts<'_>, MissingKey> {
        let parts = |owner, item, modifier, date| KeyParts { owner, item, modifier, date };
        Ok(match self {
            MatchLevel::ClaimLine => {
                parts(need_id(&k.claim, Role::ClaimId)?, Some(need_id(&k.line, Role::Line)?), None, None)
            }
            MatchLevel::ClaimCode { modifier, date } => {
                let claim = need_id(&k.claim, Role::ClaimId)?;
                let code = need_id(&k.code, Role::Code)?;
                // A missing modifier is a modifier of "none", not a missing key.
                let m = if modifier { k.modifier.as_ref().map(|m| &m.key) } else { None };
                let d = if date { Some(k.service_date.ok_or(MissingKey(Role::ServiceDate))?) } else { None };
                parts(claim, Some(code), m, d)
            }
            MatchLevel::Claim => parts(need_id(&k.claim, Role::ClaimId)?, None, None, None),
            MatchLevel::PatientDateCode { by_id } => {
                let patient = if by_id {
                    need_id(&k.patient_id, Role::PatientId)?
                } else {
                    need_id(&k.patient_name, Role::PatientName)?
                };
                let date = k.service_date.ok_or(MissingKey(Role::ServiceDate))?;
                parts(patient, Some(need_id(&k.code, Role::Code)?), None, Some(date))
            }
            MatchLevel::None => return Err(MissingKey(Role::ClaimId)),
        })
    }

    /// Writes the row's key into `out` (cleared first), so that a caller
    /// matching many rows can reuse one buffer instead of allocating a key per row.
    pub fn write_key(self, k: &Keys, out: &mut String) -> Result<(), MissingKey> {
        out.clear();
        let p = self.parts(k)?;
        fn text(t: Option<&Text>) -> &str {
            t.map(|t| t.as_str()).unwrap_or("")
        }
        match self {
            MatchLevel::ClaimLine => {
                out.push_str(p.owner);
                out.push(SEP);
                out.push_str(text(p.item));
            }
            MatchLevel::ClaimCode { .. } => {
                out.push_str(p.owner);
                out.push(SEP);
                out.push_str(text(p.item));
                out.push(SEP);
                out.push_str(text(p.modifier));
                out.push(SEP);
                if let Some(d) = p.date {
                    push_iso(out, d);
                }
            }
            MatchLevel::Claim => out.push_str(p.owner),
            MatchLevel::PatientDateCode { .. } => {
                out.push_str(p.owner);
                out.push(SEP);
                if let Some(d) = p.date {
                    push_iso(out, d);
                }
                out.push(SEP);
                out.push_str(text(p.item));
            }
            MatchLevel::None => {}
        }
        Ok(())
    }
}

/// Coarser keys of every line, to explain why a payment matched nothing.
///
/// It chains the lines by claim (or by patient at the patient level), so
/// that a question such as "does claim 123 have code 99214?" walks the few
/// lines of claim 123 instead of needing a set of every (claim, code) pair.
/// One representative per line is enough: the rows of a line share every
/// part of the key that an explanation looks at.
pub struct Explainer {
    level: MatchLevel,
    /// The first entry of each claim or patient key.
    head: FastMap<Text, u32>,
    /// The next entry with the same claim or patient, or `END`.
    next: Vec<u32>,
    entries: Vec<Entry>,
}

/// What an explanation asks of a charge: its code, modifier and date.
struct Entry {
    code: Option<Text>,
    modifier: Option<Text>,
    date: Option<NaiveDate>,
}

const END: u32 = u32::MAX;

impl Explainer {
    /// From the keys of charge rows.
    pub fn new<'a>(level: MatchLevel, charges: impl Iterator<Item = &'a Keys>) -> Explainer {
        let by_patient = matches!(level, MatchLevel::PatientDateCode { .. });
        let entries = charges.filter_map(|k| {
            let owner = if by_patient { patient_key(level, k) } else { k.claim.as_ref().map(|i| &i.key) }?;
            let entry = Entry {
                code: k.code.as_ref().map(|i| i.key.clone()),
                modifier: k.modifier.as_ref().map(|i| i.key.clone()),
                date: k.service_date,
            };
            Some((owner.clone(), entry))
        });
        Explainer::chained(level, entries)
    }

    /// From the keys of the lines of a reconciliation.
    pub(crate) fn of_lines<'a>(level: MatchLevel, keys: impl Iterator<Item = &'a LineKey>) -> Explainer {
        let entries = keys.map(|k| {
            let entry = Entry { code: k.item.clone(), modifier: k.modifier.clone(), date: k.date };
            (k.owner.clone(), entry)
        });
        Explainer::chained(level, entries)
    }

    fn chained(level: MatchLevel, entries: impl Iterator<Item = (Text, Entry)>) -> Explainer {
        let mut e = Explainer { level, head: FastMap::default(), next: Vec::new(), entries: Vec::new() };
        for (owner, entry) in entries {
            let index = e.entries.len() as u32;
            e.entries.push(entry);
            e.next.push(e.head.insert(owner, index).unwrap_or(END));
        }
        e
    }

    /// The entries chained under a claim or patient key.
    fn chain(&self, key: &str) -> impl Iterator<Item = &Entry> + '_ {
        let mut at = self.head.get(key).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            let e = self.entries.get(at as usize)?;
            at = self.next[at as usize];
            Some(e)
        })
    }

    /// Why a payment row with these keys matched no charge.
    pub fn explain(&self, k: &Keys) -> String {
        if let Err(MissingKey(role)) = self.level.parts(k) {
            if self.level == MatchLevel::None {
                return "the files share no columns to match on".into();
            }
            return format!("this row has no {} to match on", role.label());
        }
        let shown = |id: &Option<Id>| id.as_ref().map(|i| i.shown.clone()).unwrap_or_default();
        fn key(id: &Option<Id>) -> &str {
            id.as_ref().map(|i| i.key.as_str()).unwrap_or_default()
        }
        let (claim, code) = (key(&k.claim), key(&k.code));
        match self.level {
            MatchLevel::ClaimLine | MatchLevel::ClaimCode { .. } | MatchLevel::Claim
                if !self.head.contains_key(claim) =>
            {
                format!("no charge has claim {}", shown(&k.claim))
            }
            MatchLevel::ClaimLine => {
                format!("claim {} exists, but not line {}", shown(&k.claim), shown(&k.line))
            }
            MatchLevel::ClaimCode { modifier, date } => {
                let has_code = |e: &Entry| e.code.as_ref().is_some_and(|c| *c == code);
                if !self.chain(claim).any(has_code) {
                    return format!("claim {} exists, but not code {}", shown(&k.claim), shown(&k.code));
                }
                let m = k.modifier.as_ref().map(|m| m.key.as_str()).unwrap_or_default();
                let same_modifier =
                    |e: &Entry| e.modifier.as_ref().map(|m| m.as_str()).unwrap_or_default() == m;
                if modifier && !self.chain(claim).any(|e| has_code(e) && same_modifier(e)) {
                    let which = match &k.modifier {
                        Some(m) => format!("with modifier {}", m.shown),
                        None => "without a modifier".into(),
                    };
                    return format!("claim {} has code {}, but not {which}", shown(&k.claim), shown(&k.code));
                }
                if date {
                    let d = k.service_date.map(iso).unwrap_or_default();
                    return format!("claim {} has code {}, but not on {d}", shown(&k.claim), shown(&k.code));
                }
                format!("claim {} has code {}, but it did not match", shown(&k.claim), shown(&k.code))
            }
            MatchLevel::Claim => format!("no charge has claim {}", shown(&k.claim)),
            MatchLevel::PatientDateCode { .. } => {
                let p = patient_key(self.level, k).map(|t| t.as_str()).unwrap_or_default();
                let who = k.patient_shown().unwrap_or_default();
                let d = k.service_date.map(iso).unwrap_or_default();
                if !self.head.contains_key(p) {
                    format!("no charge for patient {who}")
                } else if !self.chain(p).any(|e| e.date.is_some() && e.date == k.service_date) {
                    format!("patient {who} has charges, but none on {d}")
                } else {
                    format!("patient {who} has charges on {d}, but not code {}", shown(&k.code))
                }
            }
            MatchLevel::None => "the files share no columns to match on".into(),
        }
    }
}

/// The patient key of a row at the patient level: its ID, or its name.
fn patient_key(level: MatchLevel, k: &Keys) -> Option<&Text> {
    match level {
        MatchLevel::PatientDateCode { by_id: true } => k.patient_id.as_ref().map(|i| &i.key),
        _ => k.patient_name.as_ref().map(|i| &i.key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[Role]) -> BTreeSet<Role> {
        list.iter().copied().collect()
    }

    fn keys(claim: Option<&str>, line: Option<&str>, code: Option<&str>) -> Keys {
        Keys {
            claim: claim.and_then(Id::new),
            line: line.and_then(Id::new),
            code: code.and_then(Id::code),
            ..Keys::default()
        }
    }

    #[test]
    fn each_key_level_is_chosen_from_roles_in_both_files() {
        use Role::*;
        let full = roles(&[ClaimId, Line, Code, Modifier, ServiceDate, PatientId]);
        assert_eq!(MatchLevel::choose(&full, &full), MatchLevel::ClaimLine);
        let no_line = roles(&[ClaimId, Code, ServiceDate]);
        assert_eq!(
            MatchLevel::choose(&full, &no_line),
            MatchLevel::ClaimCode { modifier: false, date: true },
            "modifier only when both have it"
        );
        assert_eq!(MatchLevel::choose(&full, &roles(&[ClaimId, Paid])), MatchLevel::Claim);
        let patient = roles(&[PatientId, ServiceDate, Code]);
        assert_eq!(MatchLevel::choose(&full, &patient), MatchLevel::PatientDateCode { by_id: true });
        let named = roles(&[PatientFirstName, PatientLastName, ServiceDate, Code]);
        let named2 = roles(&[PatientName, ServiceDate, Code]);
        assert_eq!(MatchLevel::choose(&named, &named2), MatchLevel::PatientDateCode { by_id: false });
        assert_eq!(MatchLevel::choose(&full, &roles(&[Paid])), MatchLevel::None);
    }

    #[test]
    fn leading_zeros_do_not_break_match() {
        let level = MatchLevel::ClaimLine;
        assert_eq!(
            level.key(&keys(Some("000123"), Some("01"), None)),
            level.key(&keys(Some("123"), Some("1"), None))
        );
    }

    #[test]
    fn a_missing_modifier_is_its_own_value_but_a_missing_date_is_a_missing_key() {
        let level = MatchLevel::ClaimCode { modifier: true, date: true };
        let mut k = keys(Some("5"), None, Some("99213"));
        assert_eq!(level.key(&k), Err(MissingKey(Role::ServiceDate)));
        k.service_date = NaiveDate::from_ymd_opt(2026, 3, 15);
        let no_mod = level.key(&k).unwrap();
        k.modifier = Id::modifiers("25");
        assert_ne!(level.key(&k).unwrap(), no_mod);
    }

    #[test]
    fn unmatched_payments_say_which_coarser_key_exists() {
        let level = MatchLevel::ClaimCode { modifier: false, date: false };
        let charges = [keys(Some("123"), None, Some("99213"))];
        let e = Explainer::new(level, charges.iter());
        assert_eq!(
            e.explain(&keys(Some("123"), None, Some("99214"))),
            "claim 123 exists, but not code 99214"
        );
        assert_eq!(e.explain(&keys(Some("999"), None, Some("99213"))), "no charge has claim 999");
        assert_eq!(e.explain(&keys(None, None, Some("99213"))), "this row has no claim number to match on");

        let e = Explainer::new(MatchLevel::ClaimLine, charges.iter());
        assert_eq!(e.explain(&keys(Some("0123"), Some("4"), None)), "claim 0123 exists, but not line 4");
    }
}
