//! The fee schedule: what the practice expects to be allowed for a code.
//!
//! An entry with a payer applies to that payer only; an entry without one
//! applies to every payer that has no entry of its own. Amounts are per unit,
//! as fee schedules (and Medicare's) are written, so a line's expected amount
//! is the sum over its charge rows of fee × units, rounded to the cent per row.

use std::collections::HashMap;

use crate::money::Money;
use crate::records::{ChargeRow, FeeRow, Id};

#[derive(Debug, Default)]
pub struct FeeSchedule {
    /// (code key, payer key or "") → amount per unit
    amounts: HashMap<(String, String), Money>,
    /// Rows that repeat an earlier (code, payer) with a different amount.
    pub conflicts: Vec<(u32, u32)>,
}

impl FeeSchedule {
    pub fn new(rows: &[FeeRow]) -> FeeSchedule {
        let mut amounts = HashMap::new();
        let mut first_row: HashMap<(String, String), (u32, Money)> = HashMap::new();
        let mut conflicts = Vec::new();
        for r in rows {
            let key = (r.code.key.clone(), r.payer.as_ref().map(|p| p.key.clone()).unwrap_or_default());
            match first_row.get(&key) {
                Some((row, amount)) if *amount != r.allowed => conflicts.push((*row, r.row)),
                Some(_) => {}
                None => {
                    first_row.insert(key.clone(), (r.row, r.allowed));
                    amounts.insert(key, r.allowed);
                }
            }
        }
        FeeSchedule { amounts, conflicts }
    }

    /// The per-unit amount for a code from a payer.
    pub fn amount(&self, code: &Id, payer: Option<&str>) -> Option<Money> {
        let payer_key = payer.and_then(Id::new).map(|p| p.key).unwrap_or_default();
        self.amounts
            .get(&(code.key.clone(), payer_key))
            .or_else(|| self.amounts.get(&(code.key.clone(), String::new())))
            .copied()
    }

    /// Expected for a line: known only when every charge row's code is in the schedule.
    pub(crate) fn expected_for(&self, charges: &[&ChargeRow], line_payer: Option<&str>) -> Option<Money> {
        let mut total = Money::ZERO;
        for c in charges {
            let payer = c.payer.as_deref().or(line_payer);
            let per_unit = self.amount(c.keys.code.as_ref()?, payer)?;
            total += Money::from_decimal(per_unit.as_decimal() * c.units);
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(row: u32, code: &str, payer: Option<&str>, cents: i64) -> FeeRow {
        FeeRow {
            row,
            code: Id::code(code).unwrap(),
            payer: payer.and_then(Id::new),
            allowed: Money::from_cents(cents),
        }
    }

    #[test]
    fn a_payer_entry_beats_the_general_one() {
        let s = FeeSchedule::new(&[fee(2, "99213", None, 9000), fee(3, "99213", Some("Medicare"), 7500)]);
        let code = Id::code("99213").unwrap();
        assert_eq!(s.amount(&code, Some("MEDICARE ")), Some(Money::from_cents(7500)));
        assert_eq!(s.amount(&code, Some("Aetna")), Some(Money::from_cents(9000)));
        assert_eq!(s.amount(&code, None), Some(Money::from_cents(9000)));
        assert_eq!(s.amount(&Id::code("99999").unwrap(), None), None);
    }

    #[test]
    fn repeated_entries_with_other_amounts_are_conflicts_and_the_first_wins() {
        let s = FeeSchedule::new(&[fee(2, "36415", None, 300), fee(9, "36415", None, 350)]);
        assert_eq!(s.conflicts, vec![(2, 9)]);
        assert_eq!(s.amount(&Id::code("36415").unwrap(), None), Some(Money::from_cents(300)));
    }
}
