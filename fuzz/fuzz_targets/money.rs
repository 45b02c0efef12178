//! The money parser (SPEC §1) on arbitrary text and arbitrary float cells.
//!
//! Checks, besides "never panics": whatever is accepted is whole cents within the trillion-dollar
//! cap, prints as text that parses back to the same cents, and keeps the sign of what was read.
#![no_main]

use clearbill::money::{Money, ReadAmount};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const CAP_CENTS: i128 = 100_000_000_000_000;

fn check(read: ReadAmount, what: &str) {
    let cents = read.money.cents();
    assert!(cents.abs() <= CAP_CENTS, "{what}: {cents} cents is over the cap");
    let shown = read.money.to_string();
    let back = Money::parse(&shown).expect("money prints as an amount").expect("not blank");
    assert_eq!(back.money, read.money, "{what}: printed as {shown}");
    assert_eq!(back.rounded_from, None, "{what}: printed as {shown}, which is not whole cents");
    if let Some(exact) = read.rounded_from {
        let diff = (exact - read.money.as_decimal()).abs();
        assert!(diff <= Decimal::new(5, 3), "{what}: rounded {exact} to {}", read.money);
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let value = f64::from_le_bytes(data[..8].try_into().expect("eight bytes"));
        if let Ok(read) = Money::from_float_cell(value) {
            check(read, "float cell");
            let m = read.money;
            let sign_flipped = (m.is_positive() && value < 0.0) || (m.is_negative() && value > 0.0);
            assert!(!sign_flipped, "{value} → {m}");
        }
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(Some(read)) = Money::parse(&text) {
        check(read, "text");
    }
});
