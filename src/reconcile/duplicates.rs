//! The same payment read twice (SPEC §8.5).
//!
//! Three ways a payment gets counted twice, caught at three depths:
//! - the same file given twice ([`same_file`]): refused before anything is read;
//! - an 835 check (TRN02 trace number from the same payer) already read, in
//!   the same file or an earlier one ([`Checks`]): the repeat is skipped with a note;
//! - a payment row equal to an earlier one in every mapped value, the check
//!   number and payment date included ([`Postings`]): a duplicate posting,
//!   counted once and listed in the report's `duplicates`. Without a check
//!   number column nothing is a duplicate: two equal rows may then be two real
//!   payments. Rows of an 835 are not compared this way (two identical service
//!   lines in one claim are two services); the check rule covers 835s.
//!
//! A duplicate posting keeps only a 64-bit hash of each row and where it was,
//! so the check costs one hash and one table probe per row.

use std::hash::BuildHasher;

use serde::Serialize;

use crate::hashing::{BuildFast, FastMap};
use crate::interned::Text;
use crate::money::Money;
use crate::records::{InputError, PaymentRow};
use crate::x12::Remittance;

use super::FileSource;

/// Refuses the same bytes and sheet given twice (the charges files first,
/// then the payments files). A day-sheet workbook given as charges and as
/// payments with a different sheet for each is fine. Only files of equal
/// size are fetched and compared.
pub fn same_file(files: &[&dyn FileSource]) -> Result<(), InputError> {
    for (i, &a) in files.iter().enumerate() {
        for &b in &files[i + 1..] {
            if a.len() != b.len() || a.sheet() != b.sheet() {
                continue;
            }
            if a.bytes() == b.bytes() {
                return Err(InputError::SameFile {
                    first: a.name().to_string(),
                    second: b.name().to_string(),
                    sheet: a.sheet().map(str::to_string),
                });
            }
        }
    }
    Ok(())
}

/// The 835 checks (payments) read so far: trace number, payer and amount.
///
/// The amount is part of the check's identity: a trace number that comes
/// back for a different amount is not the same payment read twice.
#[derive(Default)]
pub struct Checks {
    /// The file each check was first read from.
    seen: FastMap<CheckKey, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CheckKey {
    trace: String,
    payer: String,
    amount: Option<Money>,
}

impl Checks {
    /// Drops the transactions of `remittance` whose check was already read,
    /// and returns one note per repeated check.
    pub fn skip_repeats(&mut self, file: &str, remittance: &mut Remittance) -> Vec<String> {
        // (check, payer name, first file, times skipped), in the order first skipped.
        let mut skipped: Vec<(CheckKey, String, String, usize)> = Vec::new();
        remittance.transactions.retain(|t| {
            let Some(trace) = t.payment.trace_number.as_deref().map(str::trim).filter(|s| !s.is_empty())
            else {
                return true;
            };
            // The payer's identifier when it sends one (TRN03, else N1*PR's N104), else its name.
            let payer = t.payment.originator_id.as_deref().or(t.payer.id.as_deref()).unwrap_or(&t.payer.name);
            let key = CheckKey {
                trace: trace.to_string(),
                payer: payer.trim().to_lowercase(),
                amount: t.payment.amount,
            };
            match self.seen.get(&key) {
                Some(first) => {
                    match skipped.iter_mut().find(|s| s.0 == key) {
                        Some(s) => s.3 += 1,
                        None => skipped.push((key, t.payer.name.trim().to_string(), first.clone(), 1)),
                    }
                    false
                }
                None => {
                    self.seen.insert(key, file.to_string());
                    true
                }
            }
        });
        skipped
            .into_iter()
            .map(|(key, payer, first, times)| {
                let from = if payer.is_empty() { String::new() } else { format!(" from {payer}") };
                let place = match (first == file, times) {
                    (true, 1) => format!("twice in {file}"),
                    (true, n) => format!("{} times in {file}", n + 1),
                    (false, 1) => format!("in {first} and again in {file}"),
                    (false, n) => format!("in {first} and {n} more times in {file}"),
                };
                format!("check {}{from} appears {place}; read once", key.trace)
            })
            .collect()
    }
}

/// A payment row that repeats an earlier one (the report's `duplicates`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    /// The payments file of the repeat.
    pub file: Text,
    pub row: u32,
    /// The row it repeats.
    pub repeats: u32,
    /// The file of the row it repeats (the same file, or an earlier payments file).
    pub repeats_file: Text,
    /// Insurance paid on the repeat, counted once (on the row it repeats);
    /// zero for a patient's row, whose payment is never insurance paid.
    pub paid: Money,
}

/// Payment rows read so far, to find duplicate postings.
#[derive(Default)]
pub struct Postings {
    /// Each row's hash → its file (an index into `files`) and row.
    first: FastMap<u64, (u32, u32)>,
    files: Vec<Text>,
    hasher: BuildFast,
    pub found: Vec<Duplicate>,
}

impl Postings {
    /// Room for `rows` more payment rows at once: grown by doubling instead, the
    /// table of a 1M-row file is copied from 17 to 34 MiB mid-file, and the
    /// new one lands on top of wasm memory (benches/notes.md, "W2 memory").
    pub fn reserve(&mut self, rows: usize) {
        self.first.reserve(rows);
    }

    /// Whether `p` (from `file`) is the first of its kind; a repeat is recorded in `found`.
    pub fn is_first(&mut self, file: &Text, p: &PaymentRow) -> bool {
        if p.check_number.is_none() {
            return true;
        }
        // Every value but the row number: destructured, so that a new field is not forgotten here.
        let PaymentRow {
            row: _,
            keys,
            payer,
            billed,
            allowed,
            remit,
            payment_date,
            check_number,
            claim_level,
        } = p;
        let values = (keys, payer, billed, allowed, remit, payment_date, check_number, claim_level);
        if self.files.last() != Some(file) {
            self.files.push(file.clone());
        }
        let file_index = (self.files.len() - 1) as u32;
        match self.first.entry(self.hasher.hash_one(values)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let (repeats_file, repeats) = *e.get();
                let repeats_file = self.files[repeats_file as usize].clone();
                self.found.push(Duplicate {
                    file: file.clone(),
                    row: p.row,
                    repeats,
                    repeats_file,
                    paid: if p.remit.source.insurance_level().is_some() { p.remit.paid } else { Money::ZERO },
                });
                false
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((file_index, p.row));
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::FileInput;
    use crate::records::{Id, Keys, Remit};

    #[test]
    fn the_same_bytes_and_sheet_twice_are_refused_naming_both() {
        let a = FileInput { bytes: b"Claim,Paid\n1,5\n", name: "era.csv", ..FileInput::default() };
        let b = FileInput { bytes: b"Claim,Paid\n1,5\n", name: "era (1).csv", ..FileInput::default() };
        let c = FileInput { bytes: b"Claim,Paid\n1,6\n", name: "other.csv", ..FileInput::default() };
        let err =
            same_file(&[&c as &dyn FileSource, &a as &dyn FileSource, &b as &dyn FileSource]).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("era.csv and era (1).csv are the same file"), "{text}");
        assert!(same_file(&[&a as &dyn FileSource, &c as &dyn FileSource]).is_ok());
    }

    #[test]
    fn one_workbook_with_a_different_sheet_for_each_part_is_fine() {
        let bytes = b"not really a workbook";
        let charges = FileInput { bytes, name: "day.xlsx", sheet: Some("Charges"), ..FileInput::default() };
        let payments = FileInput { bytes, name: "day.xlsx", sheet: Some("Payments"), ..FileInput::default() };
        assert!(same_file(&[&charges as &dyn FileSource, &payments as &dyn FileSource]).is_ok());
        let again = FileInput { bytes, name: "day.xlsx", sheet: Some("Charges"), ..FileInput::default() };
        let err = same_file(&[&charges as &dyn FileSource, &again as &dyn FileSource]).unwrap_err();
        assert!(err.to_string().contains("(sheet \"Charges\")"), "{err}");
    }

    fn era(trace: &str, amount: &str) -> String {
        format!(
            "ST*835*0001~BPR*I*{amount}*C*CHK************20240105~TRN*1*{trace}*1999~N1*PR*ACME HEALTH~\
             N1*PE*CLINIC*XX*123~LX*1~CLP*A1*1*{amount}*{amount}~SE*8*0001~"
        )
    }

    #[test]
    fn a_check_already_read_is_skipped_with_a_note() {
        let mut checks = Checks::default();
        let mut first =
            crate::x12::parse(format!("{}{}", era("0012345", "100"), era("0012345", "100")).as_bytes())
                .unwrap();
        assert_eq!(first.transactions.len(), 2);
        let notes = checks.skip_repeats("a.835", &mut first);
        assert_eq!(first.transactions.len(), 1);
        assert_eq!(notes, ["check 0012345 from ACME HEALTH appears twice in a.835; read once"]);

        let mut second =
            crate::x12::parse(format!("{}{}", era("0012345", "100"), era("777", "100")).as_bytes()).unwrap();
        let notes = checks.skip_repeats("b.835", &mut second);
        assert_eq!(notes, ["check 0012345 from ACME HEALTH appears in a.835 and again in b.835; read once"]);
        assert_eq!(second.transactions.len(), 1, "check 777 is new");

        let mut other_amount = crate::x12::parse(era("0012345", "90").as_bytes()).unwrap();
        assert!(
            checks.skip_repeats("c.835", &mut other_amount).is_empty(),
            "a different amount is another payment"
        );
        assert_eq!(other_amount.transactions.len(), 1);
    }

    fn row(n: u32, check: Option<&str>, paid: i64) -> PaymentRow {
        PaymentRow {
            row: n,
            keys: Keys { claim: Id::new("100"), ..Keys::default() },
            payer: None,
            billed: None,
            allowed: None,
            remit: Remit { paid: Money::from_cents(paid), any_amount: true, ..Remit::default() },
            payment_date: None,
            check_number: check.map(Text::from),
            claim_level: false,
        }
    }

    #[test]
    fn a_row_equal_in_every_value_with_a_check_number_is_a_duplicate_posting() {
        let file = Text::from("payments.csv");
        let mut postings = Postings::default();
        assert!(postings.is_first(&file, &row(2, Some("CHK1"), 5000)));
        assert!(postings.is_first(&file, &row(3, Some("CHK2"), 5000)), "another check");
        assert!(postings.is_first(&file, &row(4, Some("CHK1"), 5001)), "another amount");
        assert!(!postings.is_first(&file, &row(5, Some("CHK1"), 5000)));
        assert_eq!(
            postings.found,
            vec![Duplicate {
                file: file.clone(),
                row: 5,
                repeats: 2,
                repeats_file: file.clone(),
                paid: Money::from_cents(5000)
            }]
        );
        assert!(postings.is_first(&file, &row(6, None, 5000)));
        assert!(
            postings.is_first(&file, &row(7, None, 5000)),
            "without a check number nothing is a duplicate"
        );
    }
}
