//! Identifiers as written and as matched (SPEC §2, §4): claim numbers, line
//! numbers, patient IDs and names, procedure codes and modifiers. Each
//! [`Id`] keeps the text to show and the key to match on.

use std::borrow::Cow;

use crate::interned::Text;

/// An identifier as written, and its matching key: trimmed, inner spaces
/// collapsed, case-folded, and without leading zeros when it is all digits,
/// because spreadsheets drop them (SPEC §2, §4). Both are shared [`Text`]; when
/// the key is the text as shown (most codes and identifiers), they are one copy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub shown: Text,
    pub key: Text,
}

impl Id {
    pub fn new(text: &str) -> Option<Id> {
        let shown = collapse_spaces(text);
        if shown.is_empty() {
            return None;
        }
        let key = match fold(&shown) {
            Cow::Borrowed(k) if k.len() == shown.len() => None,
            k => Some(k.into_owned()),
        };
        Some(Id::from_parts(shown, key))
    }

    /// The matching key alone, borrowed from `text` when it is one already
    /// (most claim numbers): grouping a report's lines into claims needs no
    /// shared copy of each.
    pub fn key_of(text: &str) -> Option<Cow<'_, str>> {
        match collapse_spaces(text) {
            shown if shown.is_empty() => None,
            Cow::Borrowed(shown) => Some(fold(shown)),
            Cow::Owned(shown) => Some(Cow::Owned(fold(&shown).into_owned())),
        }
    }

    /// The shown text and, when it differs, the key.
    fn from_parts(shown: Cow<'_, str>, key: Option<String>) -> Id {
        let shown = Text::from(shown);
        match key {
            Some(k) if k != *shown => Id { shown, key: Text::from(k) },
            _ => Id { key: shown.clone(), shown },
        }
    }

    /// Procedure codes and modifiers compare upper-cased; `99213 ` = `99213`.
    pub fn code(text: &str) -> Option<Id> {
        let collapsed = collapse_spaces(text);
        if collapsed.is_empty() {
            return None;
        }
        let shown = if collapsed.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
            collapsed // already upper-case
        } else {
            Cow::Owned(collapsed.to_uppercase())
        };
        let key = shown.contains(' ').then(|| shown.replace(' ', ""));
        Some(Id::from_parts(shown, key))
    }

    /// Modifier lists compare as sets written one way: `25, 59` = `25 59` = `25/59`.
    pub fn modifiers(text: &str) -> Option<Id> {
        let parts: Vec<String> = text
            .split([',', ' ', '/', ';', ':', '-'])
            .filter(|p| !p.is_empty())
            .map(|p| p.to_uppercase())
            .collect();
        if parts.is_empty() {
            return None;
        }
        let shown = parts.join(",");
        let mut sorted = parts;
        sorted.sort();
        Some(Id::from_parts(Cow::Owned(shown), Some(sorted.join(","))))
    }

    /// Patient names match whatever the order: `Lee, Ann` = `ANN LEE`.
    pub fn name(text: &str) -> Option<Id> {
        let shown = collapse_spaces(text);
        let mut words: Vec<&str> =
            shown.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return None;
        }
        let key = if shown.is_ascii() {
            // The same order as sorting the lower-cased words, without a copy of each.
            words.sort_by(|a, b| {
                a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
            });
            let mut key = String::with_capacity(shown.len());
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    key.push(' ');
                }
                key.extend(w.bytes().map(|c| char::from(c.to_ascii_lowercase())));
            }
            key
        } else {
            let mut lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            lower.sort();
            lower.join(" ")
        };
        Some(Id::from_parts(shown, Some(key)))
    }
}

/// A shown identifier's key: case-folded, and without leading zeros when it
/// is all digits (SPEC §2, §4); borrowed when that changes nothing.
fn fold(shown: &str) -> Cow<'_, str> {
    if shown.bytes().all(|b| b.is_ascii_digit()) {
        match shown.trim_start_matches('0') {
            "" => Cow::Borrowed("0"),
            t => Cow::Borrowed(t),
        }
    } else if shown.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(shown) // already folded: to_lowercase would copy it unchanged
    } else {
        Cow::Owned(shown.to_lowercase())
    }
}

/// `text` with its ends trimmed and inner runs of whitespace collapsed to one
/// space (what `split_whitespace` + `join(" ")` gives), borrowed when it is
/// already so, as almost every cell is.
pub(super) fn collapse_spaces(text: &str) -> Cow<'_, str> {
    let mut after_space = true; // a space at the start is not allowed either
    let mut collapsed = true;
    for c in text.chars() {
        if c == ' ' {
            collapsed &= !after_space;
            after_space = true;
        } else {
            collapsed &= !c.is_whitespace();
            after_space = false;
        }
    }
    // No space at the end either (an empty text is fine).
    collapsed &= !after_space || text.is_empty();
    if collapsed {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_without_leading_zeros_case_or_spaces() {
        assert_eq!(Id::new("000123").unwrap().key, "123");
        assert_eq!(Id::new("000123").unwrap().shown, "000123");
        assert_eq!(Id::new("0000").unwrap().key, "0");
        assert_eq!(Id::new(" AB  12 ").unwrap().key, "ab 12");
        assert_eq!(Id::new("ab 12").unwrap().key, Id::new("AB 12").unwrap().key);
        assert_eq!(Id::new("A0012").unwrap().key, "a0012", "only all-digit IDs lose zeros");
        assert_eq!(Id::code(" 99213 ").unwrap().key, "99213");
        assert_eq!(Id::code("g0439").unwrap().shown, "G0439");
        assert_eq!(Id::modifiers("59, 25").unwrap().key, Id::modifiers("25/59").unwrap().key);
        assert_eq!(Id::name("Lee, Ann").unwrap().key, Id::name("ANN  LEE").unwrap().key);
        assert_eq!(Id::new("   "), None);
    }

    #[test]
    fn the_key_alone_is_the_ids_key_and_borrowed_when_it_can_be() {
        for text in
            ["000123", "123", "0", "0000", " AB  12 ", "ab 12", "A0012", "Ünïcode Ä", "c-77", "", "  "]
        {
            let key = Id::key_of(text);
            assert_eq!(key.as_deref(), Id::new(text).map(|id| id.key).as_deref(), "{text:?}");
        }
        assert!(matches!(Id::key_of("000123"), Some(Cow::Borrowed("123"))));
        assert!(matches!(Id::key_of("c-77"), Some(Cow::Borrowed("c-77"))));
    }
}
