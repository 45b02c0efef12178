//! Money and rates, exact to the cent (SPEC §1).
//!
//! [`Money`] wraps a `rust_decimal::Decimal` that is always rounded to cents, so
//! every sum is exact and reconciles. Amounts enter through [`Money::parse`]
//! (text as real exports write it) or [`Money::from_float_cell`] (numeric
//! spreadsheet cells); both round half away from zero and report whether the value
//! changed, so that the caller can warn on the row. Amounts leave as strings with
//! exactly two decimals (`"1234.50"`, `"-12.00"`), never as floats.
//!
//! [`Rate`] is a share between amounts (coinsurance `0.20`, a collection rate
//! `0.9720`). Applying a rate to money rounds once, per line, to the cent.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The one rounding rule for money: half away from zero, to the cent.
///
/// `Decimal::round_dp` is banker's rounding, which is not what a billing office
/// or a patient expects (`0.125` must become `0.13`).
pub fn round_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// An amount of money in dollars, always a whole number of cents.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why a text cell is not an amount. The message quotes the text as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("\"{0}\" is not an amount")]
    NotAnAmount(String),
    #[error("\"{0}\" is too large to be an amount")]
    TooLarge(String),
}

/// An amount as read from a cell, and the exact value it had when that was not
/// a whole number of cents (so the row can carry a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadAmount {
    pub money: Money,
    pub rounded_from: Option<Decimal>,
}

impl ReadAmount {
    fn from_exact(exact: Decimal) -> ReadAmount {
        let money = Money::from_decimal(exact);
        let rounded_from = (money.0 != exact.normalize()).then_some(exact.normalize());
        ReadAmount { money, rounded_from }
    }

    /// The same amount with the opposite sign (a credit).
    fn negated(self) -> ReadAmount {
        ReadAmount { money: -self.money, rounded_from: self.rounded_from.map(|d| -d) }
    }
}

/// The largest amount we accept: a trillion dollars. Anything bigger in a billing
/// export is a misread column (an NPI or a phone number), not money.
const MAX_ABS_DOLLARS: i64 = 1_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds an exact decimal to cents, half away from zero.
    pub fn from_decimal(value: Decimal) -> Money {
        let mut cents = round_cents(value);
        if cents.is_zero() {
            cents = Decimal::ZERO; // no "-0.00"
        }
        Money(cents)
    }

    /// A whole number of cents, for tests and generators.
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Number of cents; exact because the value is always a whole number of cents.
    pub fn cents(self) -> i128 {
        let mut d = self.0;
        d.rescale(2);
        d.mantissa()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    pub fn min(self, other: Money) -> Money {
        std::cmp::min(self, other)
    }

    pub fn max(self, other: Money) -> Money {
        std::cmp::max(self, other)
    }

    /// Converts a numeric spreadsheet cell (a float cell) through the shortest
    /// decimal that round-trips, so `0.1` is 0.1 and not 0.1000000000000000055.
    pub fn from_float_cell(value: f64) -> Result<ReadAmount, MoneyError> {
        if !value.is_finite() || value.abs() > MAX_ABS_DOLLARS as f64 {
            return Err(MoneyError::TooLarge(value.to_string()));
        }
        // Most cells hold whole cents: then the shortest decimal is the
        // whole number of cents with its trailing zeros dropped (below a
        // trillion dollars, doubles are closer together than a cent, so no
        // other decimal of at most two places reads back to the same float).
        let cents = (value * 100.0).round();
        if cents / 100.0 == value {
            let cents = cents as i64;
            let exact = match (cents % 10, cents % 100) {
                (_, 0) => Decimal::new(cents / 100, 0),
                (0, _) => Decimal::new(cents / 10, 1),
                _ => Decimal::new(cents, 2),
            };
            return Ok(ReadAmount { money: Money::from_decimal(exact), rounded_from: None });
        }
        // Rust prints a float as the shortest decimal that reads back to the
        // same float; `Decimal::from_f64` does not always (4268118.73 became
        // 4268118.730000001). Tiny values that print too long fall back to it.
        let shortest = format!("{value}"); // float cell, shortest round trip
        let exact = Decimal::from_str(&shortest)
            .ok()
            .or_else(|| Decimal::from_f64(value))
            .ok_or_else(|| MoneyError::NotAnAmount(shortest.clone()))?;
        Ok(ReadAmount::from_exact(exact))
    }

    /// Parses an amount as practice-management and payer exports write it.
    ///
    /// Returns `Ok(None)` for "no value": empty text, `-` or `—`. Accepted forms:
    /// `1234.5`, `1,234.50`, `$1,234.50`, `(12.00)`, `($12.00)`, `-12`, `-$12`,
    /// `$-12`, `12-`, `+12`, `USD 12.00`, `12.00 USD`, with spaces and non-breaking
    /// spaces around. Everything else is an error that quotes the text; we do not
    /// guess (`1.234,50` could be either of two amounts).
    pub fn parse(text: &str) -> Result<Option<ReadAmount>, MoneyError> {
        if let Some(exact) = plain_cents(text) {
            return Ok(Some(ReadAmount { money: Money::from_decimal(exact), rounded_from: None }));
        }
        let trimmed = trim_spaces(text);
        if trimmed.is_empty() || is_no_value_dash(trimmed) {
            return Ok(None);
        }
        let reject = || MoneyError::NotAnAmount(text.to_string());
        if let Some((credit, rest)) = credit_marker(trimmed) {
            // SPEC §8.1: `12.00 CR` is a credit (−12.00), `12.00 DR` a debit. The
            // marker is the sign: a second sign or parentheses (`(12.00) CR`) is
            // nonsense we do not guess at, and so is a second marker.
            if rest.contains(['(', ')', '-', '+']) || credit_marker(rest).is_some() {
                return Err(reject());
            }
            let amount = Money::parse(rest).map_err(|_| reject())?.ok_or_else(reject)?;
            return Ok(Some(if credit { amount.negated() } else { amount }));
        }

        let mut negative = false;
        let mut body = trimmed;
        // (12.00) and ($12.00): accounting negatives.
        if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
            negative = true;
            body = trim_spaces(inner);
        }
        body = strip_currency_code(body);
        // A sign may sit before or after the dollar sign, or trail the number.
        let mut sign_seen = false;
        let mut dollar_seen = false;
        for _ in 0..2 {
            if let Some(rest) = body.strip_prefix('-') {
                if sign_seen || negative {
                    return Err(reject());
                }
                negative = true;
                sign_seen = true;
                body = trim_spaces(rest);
            } else if let Some(rest) = body.strip_prefix('+') {
                if sign_seen {
                    return Err(reject());
                }
                sign_seen = true;
                body = trim_spaces(rest);
            }
            if !dollar_seen {
                if let Some(rest) = body.strip_prefix('$') {
                    dollar_seen = true;
                    body = trim_spaces(rest);
                }
            }
        }
        if let Some(rest) = body.strip_suffix('-') {
            if sign_seen || negative {
                return Err(reject());
            }
            negative = true;
            body = trim_spaces(rest);
        }
        let digits = plain_number(body).ok_or_else(reject)?;
        let mut exact = Decimal::from_str(&digits).map_err(|_| MoneyError::TooLarge(text.into()))?;
        if exact.abs() > Decimal::from(MAX_ABS_DOLLARS) {
            return Err(MoneyError::TooLarge(text.to_string()));
        }
        if negative {
            exact = -exact;
        }
        Ok(Some(ReadAmount::from_exact(exact)))
    }
}

/// The common form `-1234.50` (an optional minus, up to 12 digits, up to two
/// decimals) read straight from the bytes, as the full parser would read it:
/// the same digits and the same scale. Anything else is `None`.
fn plain_cents(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (int_part, frac_part) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &[][..]),
    };
    let has_dot = int_part.len() < body.len();
    if int_part.is_empty()
        || int_part.len() > 12
        || frac_part.len() > 2
        || (has_dot && frac_part.is_empty())
        || !int_part.iter().chain(frac_part).all(u8::is_ascii_digit)
    {
        return None;
    }
    let mantissa = int_part.iter().chain(frac_part).fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let exact = Decimal::new(if negative { -mantissa } else { mantissa }, frac_part.len() as u32);
    (exact.abs() <= Decimal::from(MAX_ABS_DOLLARS)).then_some(exact)
}

/// A credit or debit marker around an amount: `12.00 CR`, `12.00CR`, `CR 12.00`
/// (credit: `true`) or `12.00 DR`, `DR 12.00` (debit: `false`), in any case,
/// with the rest of the text.
fn credit_marker(s: &str) -> Option<(bool, &str)> {
    let kind = |m: &str| match m.as_bytes() {
        [c, r] if r.eq_ignore_ascii_case(&b'r') && c.eq_ignore_ascii_case(&b'c') => Some(true),
        [d, r] if r.eq_ignore_ascii_case(&b'r') && d.eq_ignore_ascii_case(&b'd') => Some(false),
        _ => None,
    };
    if s.len() < 3 || !s.is_char_boundary(2) || !s.is_char_boundary(s.len() - 2) {
        return None;
    }
    if let Some(credit) = kind(&s[s.len() - 2..]) {
        return Some((credit, trim_spaces(&s[..s.len() - 2])));
    }
    kind(&s[..2]).map(|credit| (credit, trim_spaces(&s[2..])))
}

/// Spaces that exports put around numbers: ASCII whitespace, no-break space
/// (U+00A0) and narrow no-break space (U+202F).
fn trim_spaces(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
}

/// `-`, `—` (em dash) and `–` (en dash) alone mean "no value" in accounting exports.
fn is_no_value_dash(s: &str) -> bool {
    matches!(s, "-" | "\u{2014}" | "\u{2013}" | "--")
}

fn strip_currency_code(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix("USD") {
        return trim_spaces(rest);
    }
    if let Some(rest) = s.strip_suffix("USD") {
        return trim_spaces(rest);
    }
    s
}

/// Validates `1234.50`, `1,234.50`, `.5`, `12.` and returns the digits with the
/// thousands separators removed. Separators must group by three, as written by
/// spreadsheet programs; anything else is not a number we are sure of.
fn plain_number(s: &str) -> Option<String> {
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac_part {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let int_digits: String = if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut out = first.to_string();
        for g in groups {
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push_str(g);
        }
        out
    } else {
        if !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        int_part.to_string()
    };
    let frac = frac_part.unwrap_or("");
    if int_digits.is_empty() && frac.is_empty() {
        return None;
    }
    // Decimal holds 28 digits; longer text is not a plausible amount.
    if int_digits.len() + frac.len() > 28 {
        return None;
    }
    let int_digits = if int_digits.is_empty() { "0".to_string() } else { int_digits };
    Some(if frac.is_empty() { int_digits } else { format!("{int_digits}.{frac}") })
}

impl fmt::Display for Money {
    /// Exactly two decimals and a leading minus for negatives: `"1234.50"`, `"-12.00"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(2);
        fmt::Display::fmt(&d, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${self}")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    /// Strict form for contracts (JSON plan files, CLI flags): any accepted text
    /// form, but a value is required.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        match Money::parse(s)? {
            Some(read) => Ok(read.money),
            None => Err(MoneyError::NotAnAmount(s.to_string())),
        }
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Money in JSON is a string; a JSON number is accepted too (a hand-written
    /// plan file) but never goes through a float: its decimal text is parsed.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let text = serde_json::Value::deserialize(deserializer)?;
        let s = match &text {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            other => return Err(serde::de::Error::custom(format!("{other} is not an amount"))),
        };
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Money {
    /// A result of exact arithmetic on whole cents: rounding would change
    /// nothing, so only `-0.00` needs care (it becomes `0.00`).
    fn exact(value: Decimal) -> Money {
        if value.scale() > 2 {
            Money::from_decimal(value)
        } else if value.is_zero() {
            Money::ZERO
        } else {
            Money(value)
        }
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::exact(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::exact(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// A share or ratio: a coinsurance rate, a collection rate, a denial rate.
///
/// Shown with four decimals (`"0.9720"`), rounded half away from zero.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(Decimal);

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);
    pub const ONE: Rate = Rate(Decimal::ONE);

    pub fn new(value: Decimal) -> Rate {
        Rate(value)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// `numerator / denominator`, or `None` when the denominator is zero (the
    /// report then shows `null`, never a division by zero).
    pub fn ratio(numerator: Money, denominator: Money) -> Option<Rate> {
        if denominator.is_zero() {
            return None;
        }
        numerator.0.checked_div(denominator.0).map(Rate)
    }

    /// `count / total` for rates by count.
    pub fn of_counts(count: usize, total: usize) -> Option<Rate> {
        if total == 0 {
            return None;
        }
        Decimal::from(count as u64).checked_div(Decimal::from(total as u64)).map(Rate)
    }

    /// This rate's share of an amount, rounded to the cent half away from zero.
    /// This is the per-line rounding of SPEC §1 (coinsurance = rate × amount).
    pub fn share_of(self, amount: Money) -> Money {
        Money::from_decimal(self.0 * amount.0)
    }

    /// Four decimals, rounded half away from zero.
    pub fn rounded4(self) -> Decimal {
        let mut d = self.0.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        d.rescale(4);
        d
    }

    /// As a percentage for sentences: `0.2` → `"20%"`, `0.125` → `"12.5%"`.
    pub fn percent_text(self) -> String {
        let pct = (self.0 * Decimal::from(100)).normalize();
        format!("{pct}%")
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.rounded4(), f)
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({})", self.0)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for Rate {
    type Err = String;
    /// `"0.20"`, `"0.2"`, or a percentage `"20%"`.
    fn from_str(s: &str) -> Result<Rate, String> {
        let t = trim_spaces(s);
        let (num, pct) = match t.strip_suffix('%') {
            Some(n) => (trim_spaces(n), true),
            None => (t, false),
        };
        let mut d = Decimal::from_str(num).map_err(|_| format!("\"{s}\" is not a rate"))?;
        if pct {
            d /= Decimal::from(100);
        }
        Ok(Rate(d))
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rate, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let s = match &value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            other => return Err(serde::de::Error::custom(format!("{other} is not a rate"))),
        };
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> Option<String> {
        Money::parse(text)
            .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
            .map(|r| r.money.to_string())
    }

    #[test]
    fn accepts_every_form_real_exports_write() {
        let cases = [
            ("1234.5", "1234.50"),
            ("1,234.50", "1234.50"),
            ("$1,234.50", "1234.50"),
            ("(12.00)", "-12.00"),
            ("($12.00)", "-12.00"),
            ("( $12.00 )", "-12.00"),
            ("-12", "-12.00"),
            ("-$12.00", "-12.00"),
            ("$-12.00", "-12.00"),
            ("12-", "-12.00"),
            ("$12.00-", "-12.00"),
            ("+12", "12.00"),
            ("USD 12.00", "12.00"),
            ("12.00 USD", "12.00"),
            ("  42  ", "42.00"),
            ("\u{a0}1,000\u{a0}", "1000.00"),
            ("\u{202f}7.1", "7.10"),
            (".5", "0.50"),
            ("12.", "12.00"),
            ("0", "0.00"),
            ("-0.00", "0.00"),
            ("1,234,567.89", "1234567.89"),
            ("\t99.99\r", "99.99"),
            ("12.00 CR", "-12.00"),
            ("12.00CR", "-12.00"),
            ("CR 12.00", "-12.00"),
            ("$1,021.00 cr", "-1021.00"),
            ("12.00 DR", "12.00"),
            ("DR 12.00", "12.00"),
        ];
        for (text, want) in cases {
            assert_eq!(parsed(text).as_deref(), Some(want), "input {text:?}");
        }
    }

    #[test]
    fn dashes_and_blanks_mean_no_value() {
        for text in ["", "   ", "-", "\u{2014}", "\u{2013}", " - ", "\u{a0}"] {
            assert_eq!(parsed(text), None, "input {text:?}");
        }
    }

    #[test]
    fn rejects_what_we_cannot_be_sure_of_and_quotes_it() {
        let cases = [
            "abc",
            "see note",
            "1.234,50",
            "12,34",
            "1,2345.00",
            ",123",
            "12.3.4",
            "1e3",
            "$",
            "()",
            "--12",
            "-12-",
            "(-12)",
            "$$12",
            "12 34",
            "N/A",
            "0x10",
            "１２",
            "12.5%",
            "(12.00) CR",
            "-12.00 CR",
            "12.00- CR",
            "12.00 CR CR",
            "CR",
            "CR 12.00 DR",
            "12.00 CRX",
        ];
        for text in cases {
            let err = Money::parse(text).expect_err(text);
            assert!(err.to_string().contains(&format!("\"{text}\"")), "{err} should quote {text:?}");
        }
    }

    #[test]
    fn absurd_amounts_are_errors_not_overflows() {
        assert!(Money::parse("99999999999999999999999999999999").is_err());
        assert!(matches!(Money::parse("2,000,000,000,000.00"), Err(MoneyError::TooLarge(_))));
        assert!(Money::from_float_cell(f64::NAN).is_err());
        assert!(Money::from_float_cell(f64::INFINITY).is_err());
        assert!(Money::from_float_cell(1e300).is_err());
    }

    #[test]
    fn input_rounds_half_away_from_zero_and_says_so() {
        let r = Money::parse("0.125").unwrap().unwrap();
        assert_eq!(r.money.to_string(), "0.13");
        assert_eq!(r.rounded_from, Some(Decimal::from_str("0.125").unwrap()));
        let r = Money::parse("(0.125)").unwrap().unwrap();
        assert_eq!(r.money.to_string(), "-0.13");
        let r = Money::parse("2.675").unwrap().unwrap();
        assert_eq!(r.money.to_string(), "2.68", "banker's rounding would give 2.67");
        let r = Money::parse("12.50").unwrap().unwrap();
        assert_eq!(r.rounded_from, None, "trailing zeros are not a change");
        let r = Money::parse("0.004").unwrap().unwrap();
        assert_eq!(r.money.to_string(), "0.00");
    }

    #[test]
    fn float_cells_use_the_shortest_round_trip_decimal() {
        let r = Money::from_float_cell(0.1).unwrap();
        assert_eq!(r.money.to_string(), "0.10");
        assert_eq!(r.rounded_from, None, "0.1 is exact, not 0.1000000000000000055");
        assert_eq!(Money::from_float_cell(1234.56).unwrap().money.to_string(), "1234.56");
        assert_eq!(Money::from_float_cell(-12.0).unwrap().money.to_string(), "-12.00");
        // 0.1 + 0.2 in a float cell is 0.30000000000000004: a real value that rounds.
        let r = Money::from_float_cell(0.1 + 0.2).unwrap();
        assert_eq!(r.money.to_string(), "0.30");
        // 1.005 is stored as 1.00499999999999989...; the shortest decimal is 1.005.
        assert_eq!(Money::from_float_cell(1.005).unwrap().money.to_string(), "1.01");
        // Found by the property test below: Decimal::from_f64 gave 4268118.730000001.
        let r = Money::from_float_cell(4268118.73).unwrap();
        assert_eq!((r.money.to_string(), r.rounded_from), ("4268118.73".to_string(), None));
        assert_eq!(Money::from_float_cell(1e-30).unwrap().money.to_string(), "0.00");
    }

    #[test]
    fn formats_with_exactly_two_decimals() {
        assert_eq!(Money::from_cents(123450).to_string(), "1234.50");
        assert_eq!(Money::from_cents(-1200).to_string(), "-12.00");
        assert_eq!(Money::from_cents(5).to_string(), "0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!((Money::from_cents(100) - Money::from_cents(100)).to_string(), "0.00");
        assert_eq!(serde_json::to_string(&Money::from_cents(-5)).unwrap(), "\"-0.05\"");
    }

    #[test]
    fn rates_show_four_decimals_and_share_rounds_per_line() {
        let r = Rate::ratio(Money::from_cents(9720), Money::from_cents(10000)).unwrap();
        assert_eq!(r.to_string(), "0.9720");
        assert_eq!(Rate::ratio(Money::from_cents(1), Money::ZERO), None);
        let third = Rate::ratio(Money::from_cents(1), Money::from_cents(3)).unwrap();
        assert_eq!(third.to_string(), "0.3333");
        let twenty: Rate = "0.20".parse().unwrap();
        assert_eq!(twenty.share_of(Money::from_cents(70000)).to_string(), "140.00");
        // 20% of $0.125 would be 0.025 → 0.03 (away from zero), never 0.02.
        assert_eq!(twenty.share_of(Money(Decimal::new(125, 3))).to_string(), "0.03");
        assert_eq!("20%".parse::<Rate>().unwrap(), twenty);
        assert_eq!(twenty.percent_text(), "20%");
        assert_eq!(Rate::of_counts(1, 8).unwrap().to_string(), "0.1250");
        assert_eq!(Rate::new(Decimal::new(123456, 6)).to_string(), "0.1235");
    }

    #[test]
    fn json_money_is_a_string_and_numbers_do_not_pass_through_floats() {
        let m: Money = serde_json::from_str("\"1,500.00\"").unwrap();
        assert_eq!(m, Money::from_cents(150000));
        let m: Money = serde_json::from_str("0.1").unwrap();
        assert_eq!(m.to_string(), "0.10");
        assert!(serde_json::from_str::<Money>("\"lots\"").is_err());
        assert!(serde_json::from_str::<Money>("\"\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_of_format_is_identity(cents in -10_000_000_000i64..10_000_000_000i64) {
            let m = Money::from_cents(cents);
            let back = Money::parse(&m.to_string()).unwrap().unwrap();
            prop_assert_eq!(back.money, m);
            prop_assert_eq!(back.rounded_from, None);
            prop_assert_eq!(back.money.cents(), cents as i128);
        }

        #[test]
        fn accounting_forms_parse_to_the_same_cents(cents in 0i64..100_000_000_000i64) {
            let m = Money::from_cents(cents);
            let plain = m.to_string();
            let (int, frac) = plain.split_once('.').unwrap();
            let grouped: Vec<String> = int.as_bytes().rchunks(3).rev()
                .map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
            let with_commas = format!("${}.{}", grouped.join(","), frac);
            prop_assert_eq!(Money::parse(&with_commas).unwrap().unwrap().money, m);
            let paren = format!("({with_commas})");
            prop_assert_eq!(Money::parse(&paren).unwrap().unwrap().money, -m);
            let trailing = format!("{plain}-");
            prop_assert_eq!(Money::parse(&trailing).unwrap().unwrap().money, -m);
        }

        #[test]
        fn sums_are_exact(values in proptest::collection::vec(-100_000_000_i64..100_000_000_i64, 0..200)) {
            let total: Money = values.iter().map(|&c| Money::from_cents(c)).sum();
            prop_assert_eq!(total.cents(), values.iter().map(|&c| c as i128).sum::<i128>());
        }

        #[test]
        fn float_cells_with_two_decimals_read_exactly(cents in -10_000_000_000_i64..10_000_000_000_i64) {
            let as_float = cents as f64 / 100.0; // how a spreadsheet stores 12.34 (float cell)
            let read = Money::from_float_cell(as_float).unwrap();
            prop_assert_eq!(read.money.cents(), cents as i128);
            prop_assert_eq!(read.rounded_from, None);
        }
    }
}
