//! Dates as spreadsheets and exports write them (SPEC §2).
//!
//! Three sources: date cells (already calendar dates), Excel serial numbers in
//! plain numeric cells (1900 system with its fake 1900-02-29, or 1904 system),
//! and text. Text all-numeric dates such as `04/05/2026` are ambiguous; a
//! [`DayMonthOrder`] is chosen once per column from the values that are not
//! (`13/05/2026` can only be day-first), and when nothing decides, US
//! month/day is assumed and the caller says so.

use chrono::{Datelike, Duration, NaiveDate};

/// Whether `04/05/2026` means April 5 (US) or 4 May.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DayMonthOrder {
    #[default]
    MonthFirst,
    DayFirst,
}

/// The order chosen for a column, and whether it was decided by the data or assumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnOrder {
    pub order: DayMonthOrder,
    /// No value in the column told the orders apart, but some were ambiguous.
    pub assumed: bool,
    /// Some values could only be month-first and others only day-first.
    pub conflicting: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("\"{0}\" is not a date")]
    NotADate(String),
    #[error("\"{0}\" is not a real calendar date")]
    NoSuchDay(String),
    #[error("serial {0} is outside the dates a spreadsheet can hold")]
    SerialOutOfRange(String),
}

/// Excel's 1900 system counts from 1899-12-31 = day 0 and, for compatibility
/// with Lotus 1-2-3, believes 1900 was a leap year: serial 60 is the
/// non-existent 1900-02-29 and every later serial is one day ahead.
const LOTUS_LEAP_DAY: i64 = 60;
/// Serial 2958465 is 9999-12-31, the last date Excel holds.
const MAX_SERIAL: i64 = 2_958_465;

/// Converts an Excel serial number (days, with an optional time fraction that
/// is dropped) to a calendar date.
pub fn from_serial(serial: f64, is_1904: bool) -> Result<NaiveDate, DateError> {
    let shown = || crate::table::sheet::number_text(serial);
    if !serial.is_finite() || serial < 0.0 || serial >= (MAX_SERIAL + 1) as f64 {
        return Err(DateError::SerialOutOfRange(shown()));
    }
    let days = serial.floor() as i64; // float cell: whole days, time dropped
    if is_1904 {
        let epoch = NaiveDate::from_ymd_opt(1904, 1, 1).expect("valid epoch");
        return Ok(epoch + Duration::days(days));
    }
    if days == LOTUS_LEAP_DAY {
        return Err(DateError::NoSuchDay("1900-02-29".into()));
    }
    if days == 0 {
        // Excel shows serial 0 as "1900-01-00"; it is not a date.
        return Err(DateError::SerialOutOfRange(shown()));
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 31).expect("valid epoch");
    let shift = if days > LOTUS_LEAP_DAY { days - 1 } else { days };
    Ok(epoch + Duration::days(shift))
}

/// A date read from text: exact, or numeric with day and month that could be swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextDate {
    Exact(NaiveDate),
    /// `a/b/year` where both `a` and `b` could be the month.
    Ambiguous {
        a: u32,
        b: u32,
        year: i32,
    },
}

/// Parses the date forms exports write: ISO `2026-03-15` (with or without a
/// time part), `2026/03/15`, `20260315`, US `03/15/2026` and `3/15/26`,
/// day-first `15/03/2026` and `15.03.2026`, `15-Mar-2026`, `15 Mar 2026`,
/// `Mar 15, 2026` and `March 15 2026`. `Ok(None)` means an empty cell.
pub fn parse_text(text: &str) -> Result<Option<TextDate>, DateError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let err = || DateError::NotADate(text.to_string());
    let no_day = || DateError::NoSuchDay(text.to_string());
    // Drop a time part: "2026-03-15T00:00:00Z", "03/15/2026 10:30 AM".
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    let date_part = if date_part.contains(':') { t } else { date_part };

    // ISO and year-first forms.
    if let Some((y, m, d)) = split3(date_part, &['-', '/', '.']) {
        if y.len() == 4 && is_digits(y) && is_digits(m) && is_digits(d) && m.len() <= 2 && d.len() <= 2 {
            return ymd(num(y)?, num(m)?, num(d)?).map(|d| Some(TextDate::Exact(d))).ok_or_else(no_day);
        }
    }
    if date_part.len() == 8 && is_digits(date_part) {
        let (y, m, d) = (&date_part[..4], &date_part[4..6], &date_part[6..]);
        return ymd(num(y)?, num(m)?, num(d)?).map(|d| Some(TextDate::Exact(d))).ok_or_else(no_day);
    }
    // a/b/year, all numeric.
    if let Some((a, b, y)) = split3(date_part, &['/', '-', '.']) {
        if is_digits(a) && is_digits(b) && is_digits(y) && a.len() <= 2 && b.len() <= 2 {
            let (a, b) = (num(a)? as u32, num(b)? as u32);
            let year = full_year(y).ok_or_else(err)?;
            return numeric(a, b, year, text).map(Some);
        }
        // 15-Mar-2026
        if is_digits(a) && a.len() <= 2 {
            if let (Some(month), Some(year)) = (month_from_name(b), full_year(y)) {
                return ymd(year as i64, month as i64, num(a)?)
                    .map(|d| Some(TextDate::Exact(d)))
                    .ok_or_else(no_day);
            }
        }
    }
    // Word forms with spaces or commas: "15 Mar 2026", "Mar 15, 2026", "March 15 2026".
    let words: Vec<&str> = t.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    if words.len() == 3 {
        let year = full_year(words[2]).filter(|_| words[2].len() == 4);
        if let (Some(month), true, Some(year)) = (month_from_name(words[0]), is_digits(words[1]), year) {
            return ymd(year as i64, month as i64, num(words[1])?)
                .map(|d| Some(TextDate::Exact(d)))
                .ok_or_else(no_day);
        }
        if let (true, Some(month), Some(year)) = (is_digits(words[0]), month_from_name(words[1]), year) {
            return ymd(year as i64, month as i64, num(words[0])?)
                .map(|d| Some(TextDate::Exact(d)))
                .ok_or_else(no_day);
        }
    }
    Err(err())
}

fn numeric(a: u32, b: u32, year: i32, text: &str) -> Result<TextDate, DateError> {
    let as_mdy = NaiveDate::from_ymd_opt(year, a, b);
    let as_dmy = NaiveDate::from_ymd_opt(year, b, a);
    match (as_mdy, as_dmy) {
        (Some(_), Some(_)) if a != b => Ok(TextDate::Ambiguous { a, b, year }),
        (Some(d), _) | (None, Some(d)) => Ok(TextDate::Exact(d)),
        (None, None) => Err(DateError::NoSuchDay(text.to_string())),
    }
}

impl TextDate {
    /// The calendar date under the column's order.
    pub fn resolve(self, order: DayMonthOrder) -> NaiveDate {
        match self {
            TextDate::Exact(d) => d,
            TextDate::Ambiguous { a, b, year } => {
                let (m, d) = match order {
                    DayMonthOrder::MonthFirst => (a, b),
                    DayMonthOrder::DayFirst => (b, a),
                };
                // Both orders were checked to be valid when the value was read.
                NaiveDate::from_ymd_opt(year, m, d)
                    .or_else(|| NaiveDate::from_ymd_opt(year, d, m))
                    .unwrap_or(NaiveDate::MIN)
            }
        }
    }
}

/// Chooses the day/month order for a column from its text values.
///
/// A value like `13/05/2026` can only be day-first and `05/13/2026` only
/// month-first. The order with more such votes wins; with none, US month/day
/// is assumed, and `assumed` is set when some values were ambiguous.
pub fn column_order<'a>(values: impl IntoIterator<Item = &'a str>) -> ColumnOrder {
    let (mut month_first, mut day_first, mut ambiguous) = (0usize, 0usize, 0usize);
    for v in values {
        let Some((a, b, y)) = split3(v.trim().split(' ').next().unwrap_or(""), &['/', '-', '.']) else {
            continue;
        };
        if !(is_digits(a) && is_digits(b) && is_digits(y)) || a.len() > 2 || b.len() > 2 {
            continue;
        }
        let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else { continue };
        match (a <= 12, b <= 12) {
            (true, false) => month_first += 1,
            (false, true) => day_first += 1,
            (true, true) if a != b => ambiguous += 1,
            _ => {}
        }
    }
    let order = if day_first > month_first { DayMonthOrder::DayFirst } else { DayMonthOrder::MonthFirst };
    ColumnOrder {
        order,
        assumed: ambiguous > 0 && month_first == 0 && day_first == 0,
        conflicting: month_first > 0 && day_first > 0,
    }
}

fn split3<'a>(s: &'a str, seps: &[char]) -> Option<(&'a str, &'a str, &'a str)> {
    let sep = s.chars().find(|c| seps.contains(c))?;
    let mut it = s.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    Some((a, b, c))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Result<i64, DateError> {
    s.parse::<i64>().map_err(|_| DateError::NotADate(s.to_string()))
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

/// Four-digit years as written; two-digit years as Excel reads them
/// (00–29 → 2000s, 30–99 → 1900s).
fn full_year(s: &str) -> Option<i32> {
    if !is_digits(s) {
        return None;
    }
    let y: i32 = s.parse().ok()?;
    match s.len() {
        4 => Some(y),
        2 if y < 30 => Some(2000 + y),
        2 => Some(1900 + y),
        _ => None,
    }
}

fn month_from_name(s: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    if s == "sept" {
        return Some(9);
    }
    NAMES.iter().position(|n| n.starts_with(&s) && (s.len() == 3 || s == *n)).map(|i| i as u32 + 1)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// ISO text for a date, the form every contract uses.
pub fn iso(d: NaiveDate) -> String {
    let mut text = String::with_capacity(10);
    push_iso(&mut text, d);
    text
}

/// Appends [`iso`] text to `out` without allocating (for keys built per row).
pub fn push_iso(out: &mut String, d: NaiveDate) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let y = y as u32;
        for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(char::from(b'0' + digit as u8));
        }
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{y:04}");
    }
    for (sep, n) in [('-', m), ('-', day)] {
        out.push(sep);
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_pads_every_part() {
        for (y, m, d, text) in
            [(2026, 3, 5, "2026-03-05"), (999, 12, 31, "0999-12-31"), (-5, 1, 1, "-005-01-01")]
        {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso(date), text);
            assert_eq!(iso(date), format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()));
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn exact(text: &str) -> NaiveDate {
        match parse_text(text) {
            Ok(Some(TextDate::Exact(date))) => date,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn excel_1900_serials_skip_the_fake_leap_day() {
        assert_eq!(from_serial(1.0, false).unwrap(), d(1900, 1, 1));
        assert_eq!(from_serial(59.0, false).unwrap(), d(1900, 2, 28));
        assert!(matches!(from_serial(60.0, false), Err(DateError::NoSuchDay(_))));
        assert_eq!(from_serial(61.0, false).unwrap(), d(1900, 3, 1));
        assert_eq!(from_serial(46096.0, false).unwrap(), d(2026, 3, 15));
        assert_eq!(from_serial(46096.75, false).unwrap(), d(2026, 3, 15), "time of day is dropped");
        assert_eq!(from_serial(2_958_465.0, false).unwrap(), d(9999, 12, 31));
        assert!(from_serial(-1.0, false).is_err());
        assert!(from_serial(0.0, false).is_err());
        assert!(from_serial(3e9, false).is_err());
    }

    #[test]
    fn excel_1904_serials_count_from_1904() {
        assert_eq!(from_serial(0.0, true).unwrap(), d(1904, 1, 1));
        assert_eq!(from_serial(1.0, true).unwrap(), d(1904, 1, 2));
        assert_eq!(from_serial(44_634.0, true).unwrap(), d(2026, 3, 15));
    }

    #[test]
    fn reads_every_text_form() {
        let cases = [
            ("2026-03-15", d(2026, 3, 15)),
            ("2026-03-15T00:00:00Z", d(2026, 3, 15)),
            ("2026/3/5", d(2026, 3, 5)),
            ("20260315", d(2026, 3, 15)),
            ("03/15/2026", d(2026, 3, 15)),
            ("3/15/26", d(2026, 3, 15)),
            ("15/03/2026", d(2026, 3, 15)),
            ("15.03.2026", d(2026, 3, 15)),
            ("15-Mar-2026", d(2026, 3, 15)),
            ("15-MAR-26", d(2026, 3, 15)),
            ("15 Mar 2026", d(2026, 3, 15)),
            ("Mar 15, 2026", d(2026, 3, 15)),
            ("March 15 2026", d(2026, 3, 15)),
            ("Sept 1, 2026", d(2026, 9, 1)),
            ("03/15/2026 10:30 AM", d(2026, 3, 15)),
            ("12/12/2026", d(2026, 12, 12)),
            ("1/1/99", d(1999, 1, 1)),
        ];
        for (text, want) in cases {
            assert_eq!(exact(text), want, "input {text:?}");
        }
    }

    #[test]
    fn rejects_non_dates_and_impossible_days() {
        for text in
            ["soon", "2026-13-01", "02/30/2026", "31/31/2026", "Foo 12, 2026", "12345", "1/2", "2026-02-29"]
        {
            assert!(parse_text(text).is_err(), "{text:?} should be rejected");
        }
        assert_eq!(parse_text("  ").unwrap(), None);
    }

    #[test]
    fn ambiguous_values_wait_for_the_column() {
        let v = parse_text("04/05/2026").unwrap().unwrap();
        assert_eq!(v, TextDate::Ambiguous { a: 4, b: 5, year: 2026 });
        assert_eq!(v.resolve(DayMonthOrder::MonthFirst), d(2026, 4, 5));
        assert_eq!(v.resolve(DayMonthOrder::DayFirst), d(2026, 5, 4));
    }

    #[test]
    fn column_order_is_decided_by_unambiguous_values() {
        let uk = column_order(["04/05/2026", "13/05/2026", "01/02/2026"]);
        assert_eq!(uk.order, DayMonthOrder::DayFirst);
        assert!(!uk.assumed);
        let us = column_order(["04/05/2026", "05/13/2026"]);
        assert_eq!(us.order, DayMonthOrder::MonthFirst);
        assert!(!us.assumed);
        let unknown = column_order(["04/05/2026", "01/02/2026"]);
        assert_eq!(unknown.order, DayMonthOrder::MonthFirst);
        assert!(unknown.assumed, "nothing decided it, so it is an assumption");
        let clean = column_order(["2026-04-05"]);
        assert!(!clean.assumed, "ISO dates are never ambiguous");
        let mixed = column_order(["13/05/2026", "05/13/2026", "14/05/2026"]);
        assert!(mixed.conflicting);
        assert_eq!(mixed.order, DayMonthOrder::DayFirst);
    }
}
