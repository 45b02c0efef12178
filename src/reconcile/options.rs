//! The settings of one reconciliation, read from what a person typed. Both
//! edges (the CLI's flags and the page's fields) parse them here, so a date or
//! a tolerance means the same on both; each edge adds only the name of its own
//! control to the message ("--as-of", "As of").

use chrono::NaiveDate;
use thiserror::Error;

use super::DeadlineRules;
use crate::money::{Money, MoneyError};

/// Settings of one reconciliation.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date ages are counted to.
    pub as_of: NaiveDate,
    /// Amounts within this much count as equal (default 0.00).
    pub tolerance: Money,
    /// Filing and appeal limits, and the waiting period (SPEC §8.7).
    pub deadlines: DeadlineRules,
}

/// A setting that could not be read, in words that fit after the name of the
/// control that holds it.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OptionError {
    #[error("\"{0}\" is not a date in the form YYYY-MM-DD")]
    AsOf(String),
    #[error("{0}")]
    Tolerance(MoneyError),
    #[error("the tolerance cannot be negative")]
    NegativeTolerance,
}

impl OptionError {
    /// Which setting is wrong, so that an edge can name its control.
    pub fn setting(&self) -> Setting {
        match self {
            OptionError::AsOf(_) => Setting::AsOf,
            OptionError::Tolerance(_) | OptionError::NegativeTolerance => Setting::Tolerance,
        }
    }
}

/// The settings a person types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    AsOf,
    Tolerance,
}

impl Options {
    /// Options with the default deadlines.
    pub fn new(as_of: NaiveDate, tolerance: Money) -> Options {
        Options { as_of, tolerance, deadlines: DeadlineRules::default() }
    }

    /// Reads the as-of date (YYYY-MM-DD) and the tolerance (an amount, 0.00
    /// when not given; never negative).
    pub fn parse(
        as_of: &str,
        tolerance: Option<&str>,
        deadlines: DeadlineRules,
    ) -> Result<Options, OptionError> {
        let as_of = parse_as_of(as_of)?;
        let tolerance = match tolerance.map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => text.parse::<Money>().map_err(OptionError::Tolerance)?,
            None => Money::ZERO,
        };
        if tolerance.is_negative() {
            return Err(OptionError::NegativeTolerance);
        }
        Ok(Options { as_of, tolerance, deadlines })
    }
}

/// The date ages are counted to, written YYYY-MM-DD: an as-of date is typed
/// by the user, so only the unambiguous form is taken.
pub fn parse_as_of(text: &str) -> Result<NaiveDate, OptionError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| OptionError::AsOf(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_as_of_date_and_the_tolerance() {
        let o = Options::parse("2026-11-15", Some(" 0.50 "), DeadlineRules::default()).unwrap();
        assert_eq!(o.as_of, NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
        assert_eq!(o.tolerance, Money::from_cents(50));
        assert_eq!(Options::parse("2026-11-15", None, Default::default()).unwrap().tolerance, Money::ZERO);
        assert_eq!(
            Options::parse("2026-11-15", Some(""), Default::default()).unwrap().tolerance,
            Money::ZERO
        );
    }

    #[test]
    fn says_which_setting_is_wrong() {
        let e = Options::parse("11/15/2026", None, Default::default()).unwrap_err();
        assert_eq!(
            (e.setting(), e.to_string().as_str()),
            (Setting::AsOf, "\"11/15/2026\" is not a date in the form YYYY-MM-DD")
        );
        let e = Options::parse("2026-11-15", Some("-1"), Default::default()).unwrap_err();
        assert_eq!(e, OptionError::NegativeTolerance);
        let e = Options::parse("2026-11-15", Some("lots"), Default::default()).unwrap_err();
        assert_eq!(e.setting(), Setting::Tolerance);
    }
}
