//! The date readers (SPEC §2): text dates, Excel serials and a column's day/month order.
//!
//! Checks, besides "never panics": an exact date prints as ISO text that reads back as the same
//! date; an ambiguous one resolves to a real date in both orders; serials stay in Excel's range.
#![no_main]

use chrono::Datelike;
use clearbill::table::dates::{self, DayMonthOrder, TextDate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 9 {
        let serial = f64::from_le_bytes(data[..8].try_into().expect("eight bytes"));
        let is_1904 = data[8] & 1 == 1;
        if let Ok(d) = dates::from_serial(serial, is_1904) {
            assert!((1900..=10_003).contains(&d.year()), "serial {serial} → {d}");
        }
    }
    let text = String::from_utf8_lossy(data);
    for value in text.lines() {
        match dates::parse_text(value) {
            Ok(Some(TextDate::Exact(d))) => {
                let iso = dates::iso(d);
                assert_eq!(dates::parse_text(&iso), Ok(Some(TextDate::Exact(d))), "{iso}");
            }
            Ok(Some(ambiguous)) => {
                for order in [DayMonthOrder::MonthFirst, DayMonthOrder::DayFirst] {
                    assert_ne!(ambiguous.resolve(order), chrono::NaiveDate::MIN, "{ambiguous:?}");
                }
            }
            Ok(None) | Err(_) => {}
        }
    }
    let order = dates::column_order(text.lines());
    assert!(!(order.conflicting && order.assumed), "{order:?}");
});
