//! Text that repeats across rows, stored once and shared.
//!
//! A 200,000-row export names a dozen payers, forty procedure codes and a few
//! thousand patients over and over. Copying each cell into its own `String`
//! made rows and lines heap-heavy (about 14 small allocations per charge row)
//! and allocation, copying and freeing the largest cost of a reconciliation.
//! [`Text`] is a cheaply cloned, immutable string: rows, lines and the
//! worklist share one copy of each value, and cloning it is a reference-count
//! increment. [`Interner`] hands out the same `Text` for equal strings.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::hashing::FastSet;

/// An immutable, shared string; compares, hashes, prints and serialises as its text.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Arc<str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::from(s))
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(s: Cow<'_, str>) -> Text {
        Text(Arc::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == &*other.0
    }
}

/// Hands out one shared [`Text`] per distinct string.
#[derive(Debug, Default)]
pub struct Interner {
    seen: FastSet<Text>,
}

impl Interner {
    /// The shared copy of `s`, made on first sight.
    pub fn intern(&mut self, s: &str) -> Text {
        if let Some(t) = self.seen.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        self.seen.insert(t.clone());
        t
    }

    /// [`Interner::intern`] for a string that may be owned already.
    pub fn intern_cow(&mut self, s: Cow<'_, str>) -> Text {
        if let Some(t) = self.seen.get(s.as_ref()) {
            return t.clone();
        }
        let t = Text::from(s);
        self.seen.insert(t.clone());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy() {
        let mut i = Interner::default();
        let a = i.intern("Aetna");
        let b = i.intern_cow(Cow::Owned("Aetna".to_string()));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_ne!(a, i.intern("Cigna"));
    }

    #[test]
    fn text_compares_and_serialises_as_its_string() {
        let t = Text::from("99213");
        assert_eq!(t, "99213");
        assert_eq!("99213", t);
        assert_eq!(t, "99213".to_string());
        assert_eq!(format!("{t} {t:?}"), "99213 \"99213\"");
        assert_eq!(serde_json::to_string(&Some(t)).unwrap(), "\"99213\"");
    }
}
