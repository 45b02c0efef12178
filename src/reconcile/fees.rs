//! The fee schedule: what the practice expects to be allowed for a code.
//!
//! An entry with a payer applies to that payer only; an entry without one
//! applies to every payer that has no entry of its own. Amounts are per unit,
//! as fee schedules (and Medicare's) are written, so a line's expected amount
//! is the sum over its charge rows of fee × units, rounded to the cent per row.

use crate::hashing::FastMap;
use crate::interned::Text;
use crate::money::Money;
use rust_decimal::Decimal;

use crate::records::{ChargeRow, FeeRow, Id};

#[derive(Debug, Default)]
pub struct FeeSchedule {
    /// code key → payer key ("" for every payer) → amount per unit
    amounts: FastMap<Text, FastMap<Text, Money>>,
    /// Rows that repeat an earlier (code, payer) with a different amount.
    pub conflicts: Vec<(u32, u32)>,
}

impl FeeSchedule {
    pub fn new(rows: &[FeeRow]) -> FeeSchedule {
        let mut amounts: FastMap<Text, FastMap<Text, Money>> = FastMap::default();
        let mut first_row: FastMap<(Text, Text), u32> = FastMap::default();
        let mut conflicts = Vec::new();
        for r in rows {
            let payer = r.payer.as_ref().map(|p| p.key.clone()).unwrap_or_default();
            let by_payer = amounts.entry(r.code.key.clone()).or_default();
            match by_payer.get(&payer) {
                Some(amount) if *amount != r.allowed => {
                    let first = first_row.get(&(r.code.key.clone(), payer)).copied().unwrap_or_default();
                    conflicts.push((first, r.row));
                }
                Some(_) => {}
                None => {
                    first_row.insert((r.code.key.clone(), payer.clone()), r.row);
                    by_payer.insert(payer, r.allowed);
                }
            }
        }
        FeeSchedule { amounts, conflicts }
    }

    /// The per-unit amount for a code from a payer.
    pub fn amount(&self, code: &Id, payer: Option<&str>) -> Option<Money> {
        let by_payer = self.amounts.get(code.key.as_str())?;
        let payer_key = payer.and_then(Id::new);
        payer_key.and_then(|p| by_payer.get(p.key.as_str())).or_else(|| by_payer.get("")).copied()
    }

    /// Expected for a line: known only when every charge row's code is in the schedule.
    pub(crate) fn expected_for<'c>(
        &self,
        charges: impl Iterator<Item = &'c FeeCharge>,
        line_payer: Option<&str>,
    ) -> Option<Money> {
        let mut total = Money::ZERO;
        for c in charges {
            let payer = c.payer.as_deref().or(line_payer);
            let per_unit = self.amount(c.code.as_ref()?, payer)?;
            total += Money::from_decimal(per_unit.as_decimal() * c.units);
        }
        Some(total)
    }
}

/// What the fee schedule needs of a charge row: its code, units and payer.
#[derive(Debug)]
pub(crate) struct FeeCharge {
    pub code: Option<Id>,
    pub units: Decimal,
    pub payer: Option<Text>,
}

impl FeeCharge {
    pub fn of(c: &ChargeRow) -> FeeCharge {
        FeeCharge { code: c.keys.code.clone(), units: c.units, payer: c.payer.clone() }
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
