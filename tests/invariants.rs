//! Property tests of the reconciliation invariants (SPEC §4 "Every row is
//! accounted for", §8.3): money is conserved, every line's figures are what
//! its own rows give (recomputed by `common::recompute`, not by the grouping
//! code), every row lands in exactly one place, and the order of payment rows
//! does not change the answer. Payment rows come from the primary, secondary
//! and tertiary insurers and from the patient.

mod common;

use chrono::NaiveDate;
use clearbill::carc::parse_list;
use clearbill::columns::{Mapping, Role};
use clearbill::money::Money;
use clearbill::payment_source::PaymentSource;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile, Inputs, Options, Payments, Report};
use clearbill::records::{ChargeRow, FileKind, Id, Keys, PaymentRow, Records, Remit};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn records<T>(file: FileKind, rows: Vec<T>) -> Records<T> {
    Records {
        file,
        name: format!("{file}.csv"),
        rows,
        rejected: vec![],
        blank: 0,
        skipped: vec![],
        notes: vec![],
    }
}

fn keys(claim: Option<u8>, line: u8, code: u8, day: u8) -> Keys {
    Keys {
        claim: claim.and_then(|c| Id::new(&format!("{:0>w$}", c, w = (c % 3) as usize + 1))),
        line: Id::new(&line.to_string()),
        patient_id: Id::new(&format!("P{}", claim.unwrap_or(0) % 5)),
        patient_name: None,
        service_date: NaiveDate::from_ymd_opt(2026, 1 + (day % 12) as u32, 1 + (day % 28) as u32),
        code: Id::code(["99213", "99214", "36415", "80053"][code as usize % 4]),
        modifier: None,
    }
}

prop_compose! {
    fn money()(cents in -50_000i64..500_000) -> Money { Money::from_cents(cents) }
}

prop_compose! {
    fn charge()(claim in proptest::option::weighted(0.95, 0u8..20), line in 1u8..4, code in 0u8..4, day in 0u8..200,
                billed in money(), units in 1u32..3) -> (Option<u8>, u8, u8, u8, Money, u32) {
        (claim, line, code, day, billed, units)
    }
}

prop_compose! {
    fn payment()(claim in proptest::option::weighted(0.9, 0u8..25), line in 1u8..4, code in 0u8..4, day in 0u8..200,
                 paid in money(), ca in money(), pr in money(), oa in money(),
                 codes in prop::sample::select(vec!["", "CO-45", "CO-45; PR-2", "PR-1", "CO-16", "OA-23", "45,16", "PR-27", "CO-23", "PR-96; CO-45"]),
                 source in prop::sample::select(vec![0u8, 0, 0, 1, 1, 2, 3]), patient_paid in money())
        -> (Option<u8>, u8, u8, u8, Money, Money, Money, Money, &'static str, u8, Money) {
        (claim, line, code, day, paid, ca, pr, oa, codes, source, patient_paid)
    }
}

const SOURCES: [PaymentSource; 4] =
    [PaymentSource::Primary, PaymentSource::Secondary, PaymentSource::Tertiary, PaymentSource::Patient];

type ChargeSpec = (Option<u8>, u8, u8, u8, Money, u32);
type PaymentSpec = (Option<u8>, u8, u8, u8, Money, Money, Money, Money, &'static str, u8, Money);

fn build(charges: &[ChargeSpec], payments: Option<&[PaymentSpec]>, roles: &[Role]) -> Inputs {
    let charge_rows: Vec<ChargeRow> = charges
        .iter()
        .enumerate()
        .map(|(i, &(claim, line, code, day, billed, units))| ChargeRow {
            row: i as u32 + 2,
            keys: keys(claim, line, code, day),
            payer: Some(["Aetna", "Medicare"][i % 2].into()),
            billed,
            allowed: None,
            billed_date: None,
            date_of_birth: None,
            units: Decimal::from(units),
            remit: Remit::default(),
        })
        .collect();
    let mut mapping = Mapping::default();
    for (i, r) in roles.iter().enumerate() {
        mapping.set(*r, Some(i));
    }
    let payments = payments.map(|ps| {
        let rows = ps
            .iter()
            .enumerate()
            .map(|(i, &(claim, line, code, day, paid, ca, pr, oa, codes, source, patient_paid))| PaymentRow {
                row: i as u32 + 2,
                keys: keys(claim, line, code, day),
                payer: None,
                billed: None,
                allowed: None,
                remit: Remit {
                    paid,
                    contractual: ca,
                    patient_responsibility: pr,
                    other_adjustment: oa,
                    patient_paid,
                    source: SOURCES[source as usize],
                    reason_codes: parse_list(codes).unwrap(),
                    any_amount: true,
                    ..Remit::default()
                },
                payment_date: None,
                check_number: None,
                claim_level: false,
            })
            .collect();
        Payments {
            records: vec![records(FileKind::Payments, rows)],
            roles: roles.iter().copied().collect(),
            ..Payments::default()
        }
    });
    Inputs { charges: records(FileKind::Charges, charge_rows), charge_mapping: mapping, payments, fees: None }
}

fn options() -> Options {
    Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    }
}

/// The three equations, every line recomputed from its rows, and the row
/// accounting, against the rows that went in.
fn check(
    report: &Report,
    inputs: &Inputs,
    charges: &[ChargeSpec],
    payments: &[PaymentSpec],
) -> Result<(), TestCaseError> {
    let rejected: Vec<u32> =
        report.rejected.iter().filter(|r| r.file == FileKind::Charges).map(|r| r.row).collect();
    let accepted_billed: Money = charges
        .iter()
        .enumerate()
        .filter(|(i, _)| !rejected.contains(&(*i as u32 + 2)))
        .map(|(_, c)| c.4)
        .sum();
    // Insurance paid: the rows of every source but the patient.
    let paid: Money = payments.iter().filter(|p| p.9 != 3).map(|p| p.4).sum();
    report.check_conservation(accepted_billed, paid).map_err(|e| TestCaseError::fail(e.to_string()))?;
    // Patient paid: the patient rows' paid and every row's patient-paid amount.
    let patient_paid: Money = payments.iter().map(|p| if p.9 == 3 { p.4 + p.10 } else { p.10 }).sum();
    let on_lines: Money = report.lines.iter().map(|l| l.patient_paid).sum();
    let unmatched: Money = report.unmatched_payments.iter().map(|u| u.patient_paid).sum();
    prop_assert_eq!(on_lines + unmatched, patient_paid);
    // Every line is what its own rows give.
    let payment_rows = inputs.payments.as_ref().map(|p| p.records[0].rows.as_slice()).unwrap_or_default();
    common::recompute::check_matched(report, &inputs.charges.rows, payment_rows)
        .map_err(TestCaseError::fail)?;
    for l in &report.lines {
        prop_assert_eq!(
            l.balance,
            l.billed
                - l.insurance_paid
                - l.contractual_adjustment
                - l.patient_responsibility
                - l.other_adjustment
        );
        prop_assert_eq!(l.patient_balance, l.patient_responsibility - l.patient_paid);
    }

    // Every charge row is in exactly one line or rejected.
    let mut seen: Vec<u32> = report.lines.iter().flat_map(|l| l.charge_rows.clone()).collect();
    seen.extend(&rejected);
    seen.sort();
    let expected: Vec<u32> = (0..charges.len() as u32).map(|i| i + 2).collect();
    prop_assert_eq!(seen, expected);
    // Every payment row is matched to exactly one line or unmatched.
    let mut seen: Vec<u32> = report.lines.iter().flat_map(|l| l.payment_rows.clone()).collect();
    seen.extend(report.unmatched_payments.iter().map(|u| u.row));
    seen.sort();
    let expected: Vec<u32> = (0..payments.len() as u32).map(|i| i + 2).collect();
    prop_assert_eq!(seen, expected);
    prop_assert_eq!(report.summary.rows.charges + report.summary.rows.rejected, charges.len());
    prop_assert_eq!(report.summary.rows.payments, payments.len());
    // Summary totals are sums of the lines.
    let by_status: usize =
        clearbill::reconcile::Status::ALL.iter().map(|s| report.summary.by_status.get(*s).count).sum();
    prop_assert_eq!(by_status, report.lines.len());
    Ok(())
}

const LEVELS: [&[Role]; 4] = [
    &[Role::ClaimId, Role::Line, Role::Code, Role::ServiceDate],
    &[Role::ClaimId, Role::Code, Role::ServiceDate],
    &[Role::ClaimId],
    &[Role::PatientId, Role::ServiceDate, Role::Code],
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_and_every_row_lands_once(
        charges in prop::collection::vec(charge(), 0..40),
        payments in prop::collection::vec(payment(), 0..60),
        level in 0usize..4,
    ) {
        let inputs = build(&charges, Some(&payments), LEVELS[level]);
        let report = reconcile(build(&charges, Some(&payments), LEVELS[level]), &options());
        check(&report, &inputs, &charges, &payments)?;
    }

    #[test]
    fn the_order_of_payment_rows_does_not_matter(
        charges in prop::collection::vec(charge(), 1..30),
        payments in prop::collection::vec(payment(), 1..40),
        level in 0usize..4,
        seed in any::<u64>(),
    ) {
        let a = reconcile(build(&charges, Some(&payments), LEVELS[level]), &options());
        // A deterministic shuffle; payment rows keep their own row numbers.
        let mut order: Vec<usize> = (0..payments.len()).collect();
        let mut s = seed;
        for i in (1..order.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut inputs = build(&charges, Some(&payments), LEVELS[level]);
        if let Some(p) = inputs.payments.as_mut() {
            let rows = std::mem::take(&mut p.records[0].rows);
            let mut shuffled: Vec<PaymentRow> = order.iter().map(|&i| rows[i].clone()).collect();
            std::mem::swap(&mut p.records[0].rows, &mut shuffled);
        }
        let b = reconcile(inputs, &options());
        prop_assert_eq!(&a.summary.totals, &b.summary.totals);
        prop_assert_eq!(&a.summary.by_status, &b.summary.by_status);
        prop_assert_eq!(a.lines.len(), b.lines.len());
        for (la, lb) in a.lines.iter().zip(&b.lines) {
            prop_assert_eq!(la.status, lb.status);
            prop_assert_eq!(la.balance, lb.balance);
            prop_assert_eq!(la.at_stake, lb.at_stake);
            let (mut ra, mut rb) = (la.payment_rows.clone(), lb.payment_rows.clone());
            ra.sort();
            rb.sort();
            prop_assert_eq!(ra, rb);
        }
        let mut ua: Vec<u32> = a.unmatched_payments.iter().map(|u| u.row).collect();
        let mut ub: Vec<u32> = b.unmatched_payments.iter().map(|u| u.row).collect();
        ua.sort();
        ub.sort();
        prop_assert_eq!(ua, ub);
        prop_assert_eq!(a.worklist.len(), b.worklist.len());
    }

    #[test]
    fn single_mode_conserves_money(charges in prop::collection::vec(charge(), 0..40), level in 0usize..4) {
        let inputs = build(&charges, None, LEVELS[level]);
        let report = reconcile(build(&charges, None, LEVELS[level]), &options());
        let billed: Money = charges.iter().map(|c| c.4).sum();
        report.check_conservation(billed, Money::ZERO).map_err(|e| TestCaseError::fail(e.to_string()))?;
        common::recompute::check_single(&report, &inputs.charges.rows).map_err(TestCaseError::fail)?;
        prop_assert_eq!(report.summary.rows.charges, charges.len());
    }
}

// ----- row accounting from the file's text to the report -----

mod from_text {
    use super::*;
    use clearbill::reconcile::{reconcile_files, FileInput};
    use clearbill::table::Limits;

    /// One data row of a charges CSV, and what it should become.
    #[derive(Clone, Debug)]
    enum Row {
        /// Claim, code, billed amount text, and the amount it means.
        Charge(u8, u8, String, Money),
        /// An amount that is not one: the row is rejected and names the cell.
        BadAmount(u8, &'static str),
        /// A footer total: set aside, in no sum.
        Total(String),
        Blank,
    }

    fn row() -> impl Strategy<Value = Row> {
        let amount = (-50_000i64..5_000_000, 0u8..4).prop_map(|(c, style)| {
            let m = Money::from_cents(c);
            let text = match style {
                0 => m.to_string(),
                1 if m.is_negative() => format!("\"(${})\"", m.abs()),
                1 => format!("${}", m),
                2 => format!("{m} USD"),
                _ => format!("\"{m}\""),
            };
            (text, m)
        });
        prop_oneof![
            8 => (0u8..15, 0u8..4, amount).prop_map(|(c, k, (t, m))| Row::Charge(c, k, t, m)),
            1 => (0u8..15, prop::sample::select(vec!["abc", "=1+1", "\"1.234,50\"", "12..5", "#REF!"]))
                .prop_map(|(c, t)| Row::BadAmount(c, t)),
            1 => prop::sample::select(vec!["Total", "Grand total:", "Subtotal - Aetna", "TOTALS"])
                .prop_map(|t| Row::Total(t.to_string())),
            1 => Just(Row::Blank),
        ]
    }

    const CODES: [&str; 4] = ["99213", "99214", "36415", "80053"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        /// Every non-blank row of the file is a line, a rejected row or a skipped footer, exactly
        /// once; blank rows are counted; the lines bill exactly the accepted rows' amounts.
        #[test]
        fn every_row_of_the_file_is_accounted_for(rows in prop::collection::vec(row(), 0..50)) {
            let mut csv = String::from("Claim #,CPT,DOS,Charges,Ins Paid\n");
            let (mut billed, mut data, mut rejected, mut totals, mut blank_between) =
                (Money::ZERO, 0usize, Vec::new(), 0usize, 0usize);
            let mut pending_blank = 0usize;
            for (i, r) in rows.iter().enumerate() {
                let number = i as u32 + 2;
                if !matches!(r, Row::Blank) {
                    blank_between += pending_blank;
                    pending_blank = 0;
                }
                match r {
                    Row::Charge(c, k, text, m) => {
                        csv.push_str(&format!("C{c},{},2026-03-0{},{text},\n", CODES[*k as usize], 1 + c % 9));
                        billed += *m;
                        data += 1;
                    }
                    Row::BadAmount(c, text) => {
                        csv.push_str(&format!("C{c},99213,2026-03-01,{text},\n"));
                        rejected.push(number);
                    }
                    Row::Total(label) => {
                        csv.push_str(&format!("{label},,,{},\n", billed));
                        totals += 1;
                    }
                    Row::Blank => {
                        csv.push_str(",,,,\n");
                        pending_blank += 1;
                    }
                }
            }
            let c = FileInput { bytes: csv.as_bytes(), name: "charges.csv", sheet: None, mapping: None, header_row: None };
            let report = match reconcile_files(&[&c], &[], &[], None, &options(), &Limits::default(), &mut NoProgress) {
                Ok(r) => r,
                // A file whose rows give no header is refused as a whole, never partly.
                Err(e) => { prop_assert!(e.to_string().contains("charges.csv"), "{e}"); return Ok(()); }
            };
            let counts = &report.summary.rows;
            prop_assert_eq!(counts.charges, data);
            prop_assert_eq!(counts.skipped, totals);
            prop_assert_eq!(counts.blank, blank_between);
            let mut got: Vec<u32> = report.rejected.iter().map(|r| r.row).collect();
            got.sort();
            prop_assert_eq!(got, rejected);
            for r in &report.rejected {
                prop_assert_eq!(r.column.as_deref(), Some("D"), "the amount's cell is named");
            }
            report.check_conservation(billed, Money::ZERO).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
    }
}
