//! Finding a patient the way a billing specialist types them (SPEC §9.5):
//! by MRN with its leading zeros or without ("0081504" = "81504"), by name
//! with accents, case, punctuation and word order ignored ("MOREAU, ANAÏS" =
//! "anais moreau"), by claim number, or by date of birth when the charges
//! have a column for it.
//!
//! A name matches when every word typed is a whole word of the name, so
//! "anais" finds Anaïs Moreau and "moreau anais" finds her too, but "ann"
//! does not find Anna. Numbers are compared whole, never as a part of a
//! longer number: "815" does not find MRN 81504.

use chrono::NaiveDate;

use crate::reconcile::Line;
use crate::table::dates::{parse_text, TextDate};

/// What was typed, read every way a patient can be named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientQuery {
    /// Folded words of a name, in the order typed.
    words: Vec<String>,
    /// The text as an identifier (MRN or claim number): see [`id_key`].
    id: String,
    /// The dates the text can be (two for an ambiguous `04/05/1980`).
    dates: Vec<NaiveDate>,
}

impl PatientQuery {
    /// `None` when nothing searchable was typed.
    pub fn new(text: &str) -> Option<PatientQuery> {
        let words = name_words(text);
        if words.is_empty() {
            return None;
        }
        let dates = match parse_text(text) {
            Ok(Some(TextDate::Exact(d))) => vec![d],
            Ok(Some(TextDate::Ambiguous { a, b, year })) => [(a, b), (b, a)]
                .into_iter()
                .filter_map(|(m, d)| NaiveDate::from_ymd_opt(year, m, d))
                .collect(),
            _ => Vec::new(),
        };
        Some(PatientQuery { words, id: id_key(text), dates })
    }

    /// Whether the line is about a patient this query names.
    pub fn matches(&self, line: &Line) -> bool {
        let id_hit = |t: Option<&str>| t.is_some_and(|t| id_key(t) == self.id);
        if id_hit(line.patient_id.as_deref()) || id_hit(line.claim_id.as_deref()) {
            return true;
        }
        if line.date_of_birth.is_some_and(|d| self.dates.contains(&d)) {
            return true;
        }
        match line.patient.as_deref() {
            // A patient known only by an ID is shown as that ID.
            Some(p) if line.patient_id.is_none() && id_hit(Some(p)) => true,
            Some(p) => {
                let name = name_words(p);
                self.words.iter().all(|w| name.contains(w))
            }
            None => false,
        }
    }
}

/// The words of a name, lower-cased and without accents, in order:
/// "MOREAU, Anaïs" → ["moreau", "anais"].
pub fn name_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            // A combining accent (a decomposed "é" is "e" + U+0301) is dropped.
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                fold_into(l, &mut word);
            }
        } else if c == '\'' || c == '’' {
            // O'Brien = OBrien: an apostrophe joins a name.
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A patient's name as a key: its folded words, sorted ("anais moreau").
pub fn name_key(text: &str) -> String {
    let mut words = name_words(text);
    words.sort_unstable();
    words.join(" ")
}

/// An identifier as a key: letters and digits only, lower-cased, leading
/// zeros dropped ("0081-504" → "81504"; "000" → "0").
pub fn id_key(text: &str) -> String {
    let kept: String =
        text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    let trimmed = kept.trim_start_matches('0');
    if trimmed.is_empty() && !kept.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Pushes a lower-case letter without its accent: é → e, ß → ss, æ → ae
/// (Latin-1, Latin Extended-A and Vietnamese letters; others stay as they are).
fn fold_into(c: char, out: &mut String) {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ơ' => 'o',
        'ư' => 'u',
        // Vietnamese: U+1EA0–U+1EF9 are pairs (capital, small) of a, e, i, o, u, y with marks.
        '\u{1ea0}'..='\u{1ef9}' => match (u32::from(c) - 0x1ea0) / 2 {
            0..=11 => 'a',
            12..=19 => 'e',
            20..=21 => 'i',
            22..=33 => 'o',
            34..=40 => 'u',
            _ => 'y',
        },
        'ß' => return out.push_str("ss"),
        'æ' => return out.push_str("ae"),
        'œ' => return out.push_str("oe"),
        'þ' => return out.push_str("th"),
        other => other,
    };
    out.push(plain);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::reconcile::Status;

    fn line(patient: &str, id: Option<&str>, claim: &str) -> Line {
        Line {
            claim_id: Some(claim.into()),
            line: None,
            patient: Some(patient.into()),
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
            charge_rows: smallvec::smallvec![2],
            payment_rows: Default::default(),
            patient_paid: Money::ZERO,
            patient_balance: Money::ZERO,
            payment_date: None,
            check_numbers: Default::default(),
            patient_id: id.map(Into::into),
            date_of_birth: None,
            share_parts: Default::default(),
        }
    }

    fn finds(query: &str, l: &Line) -> bool {
        PatientQuery::new(query).is_some_and(|q| q.matches(l))
    }

    #[test]
    fn a_name_matches_in_any_order_case_and_accents_ignored() {
        let anais = line("Anaïs Moreau", Some("81504"), "C-1001");
        for q in ["Moreau Anaïs", "MOREAU, ANAIS", "anais moreau", "anais", "Moreau", "  moreau ,anaïs "] {
            assert!(finds(q, &anais), "{q:?} finds Anaïs Moreau");
        }
        for q in ["ana moreau", "anais moreaux", "anais m", "marie moreau"] {
            assert!(!finds(q, &anais), "{q:?} is not Anaïs Moreau");
        }
        let decomposed = line("Jose\u{301} Nun\u{303}ez", None, "9");
        assert!(finds("JOSÉ NÚÑEZ", &decomposed), "a decomposed accent is an accent too");
        assert!(finds("nunez jose", &decomposed));
        assert!(finds("nguyen thi hoa", &line("Nguyễn, Thị Hoa", None, "9")), "Vietnamese marks");
        assert!(finds("obrien", &line("Seán O'Brien", None, "9")), "the apostrophe joins a name");
    }

    #[test]
    fn an_mrn_matches_with_or_without_leading_zeros_and_only_whole() {
        let anais = line("Anaïs Moreau", Some("81504"), "C-1001");
        assert!(finds("0081504", &anais));
        assert!(finds("81504", &anais));
        assert!(!finds("815", &anais), "a part of an MRN is not the MRN");
        assert!(!finds("815040", &anais));
        let padded = line("Anaïs Moreau", Some("0081504"), "C-1001");
        assert!(finds("81504", &padded), "the file's zeros are ignored too");
        let only_id = line("0081504", None, "C-1001");
        assert!(finds("81504", &only_id), "a patient known only by an MRN");
    }

    #[test]
    fn a_claim_number_or_a_date_of_birth_finds_the_patient() {
        let mut anais = line("Anaïs Moreau", Some("81504"), "C-1001");
        assert!(finds("c-1001", &anais));
        assert!(finds("C1001", &anais), "punctuation in a claim number is ignored");
        assert!(!finds("03/14/1988", &anais), "no date of birth known");
        anais.date_of_birth = NaiveDate::from_ymd_opt(1988, 3, 14);
        assert!(finds("03/14/1988", &anais));
        assert!(finds("1988-03-14", &anais));
        assert!(!finds("1988-03-15", &anais));
    }

    #[test]
    fn keys_fold_names_and_ids() {
        assert_eq!(name_key("MOREAU, Anaïs"), "anais moreau");
        assert_eq!(name_key("anais moreau"), name_key("Moreau Anaïs"));
        assert_eq!(id_key("0081504"), "81504");
        assert_eq!(id_key("000"), "0");
        assert!(PatientQuery::new(" , ").is_none(), "nothing to search");
    }
}
