//! The reconciliation on arbitrary small tables: charge, payment and fee rows built straight
//! from the fuzz bytes (keys from a small alphabet so that rows collide and match, amounts up to
//! the trillion-dollar cap, odd units, claim-level rows, several payment files, any tolerance).
//!
//! Checks, besides "never panics": the three conservation equations of SPEC §4
//! ([`Report::check_conservation`]), every charge row in exactly one line or rejected, every
//! payment row in exactly one line or unmatched, and the CSV export of every table.
#![no_main]

use chrono::NaiveDate;
use clearbill::carc;
use clearbill::columns::{Mapping, Role};
use clearbill::money::Money;
use clearbill::payment_source::PaymentSource;
use clearbill::reconcile::{reconcile, Inputs, Options, Payments, Report};
use clearbill::records::{ChargeRow, FeeRow, FileKind, Id, Keys, PaymentRow, Records, Remit};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const KEY_ROLES: [Role; 6] =
    [Role::ClaimId, Role::Line, Role::PatientId, Role::PatientName, Role::ServiceDate, Role::Code];
const IDS: [&str; 8] = ["1", "001", "A1", "a1", " 2 ", "3", "Lee, Ann", "ANN LEE"];
const CODES: [&str; 5] = ["99213", "99214 ", "j1100", "36415", "G0008"];
const REASONS: [&str; 7] = ["", "CO-45", "CO-45; PR-2", "PR-1", "OA-23", "45,16", "PI-97 N130"];

fn money(u: &mut Unstructured<'_>) -> Result<Money> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => Money::ZERO,
        1 => Money::from_cents(u.int_in_range(-100_000_000_000_000i64..=100_000_000_000_000)?),
        _ => Money::from_cents(u.int_in_range(-20_000i64..=200_000)?),
    })
}

fn opt<T>(u: &mut Unstructured<'_>, f: impl FnOnce(&mut Unstructured<'_>) -> Result<T>) -> Result<Option<T>> {
    Ok(if u.arbitrary::<bool>()? { Some(f(u)?) } else { None })
}

fn date(u: &mut Unstructured<'_>) -> Result<NaiveDate> {
    let day = u.int_in_range(0i64..=800)?;
    Ok(NaiveDate::from_ymd_opt(2025, 6, 1).expect("valid") + chrono::Duration::days(day))
}

fn keys(u: &mut Unstructured<'_>) -> Result<Keys> {
    let id = |u: &mut Unstructured<'_>| -> Result<Option<Id>> { Ok(Id::new(u.choose(&IDS)?)) };
    Ok(Keys {
        claim: opt(u, id)?.flatten(),
        line: opt(u, id)?.flatten(),
        patient_id: opt(u, id)?.flatten(),
        patient_name: opt(u, |u| Ok(Id::name(u.choose(&IDS)?)))?.flatten(),
        service_date: opt(u, date)?,
        code: opt(u, |u| Ok(Id::code(u.choose(&CODES)?)))?.flatten(),
        modifier: opt(u, |u| Ok(Id::modifiers(u.choose(&["25", "59, 25", "25/59"])?)))?.flatten(),
    })
}

fn remit(u: &mut Unstructured<'_>) -> Result<Remit> {
    let pr_parts: [Option<Money>; 3] = [opt(u, money)?, opt(u, money)?, opt(u, money)?];
    Ok(Remit {
        paid: money(u)?,
        contractual: money(u)?,
        patient_responsibility: money(u)?,
        deductible: pr_parts[0],
        coinsurance: pr_parts[1],
        copay: pr_parts[2],
        other_adjustment: money(u)?,
        patient_paid: money(u)?,
        // Primary most of the time; every level and the patient sometimes (SPEC §8.3).
        source: *u.choose(&[
            PaymentSource::Primary,
            PaymentSource::Primary,
            PaymentSource::Secondary,
            PaymentSource::Tertiary,
            PaymentSource::Patient,
        ])?,
        reason_codes: carc::parse_list(u.choose(&REASONS)?).unwrap_or_default(),
        any_amount: u.arbitrary()?,
    })
}

fn records<T>(file: FileKind, name: &str, rows: Vec<T>) -> Records<T> {
    Records {
        file,
        name: name.to_string(),
        rows,
        rejected: vec![],
        blank: 0,
        skipped: vec![],
        notes: vec![],
    }
}

struct Case {
    inputs: Option<Inputs>,
    options: Options,
    /// Each charge row's billed amount, and in single mode what it says was paid.
    billed_by_row: Vec<(u32, Money, Money)>,
    paid: Money,
    payment_rows: Vec<u32>,
    single: bool,
}

fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    let mut mapping = Mapping::default();
    for (col, role) in KEY_ROLES.iter().enumerate() {
        if u.arbitrary::<bool>()? {
            mapping.set(*role, Some(col));
        }
    }
    let single = u.ratio(1u8, 5)?;
    let n_charges = u.int_in_range(0usize..=24)?;
    let mut charges = Vec::new();
    for i in 0..n_charges {
        charges.push(ChargeRow {
            row: i as u32 + 2,
            keys: keys(u)?,
            payer: opt(u, |u| Ok(clearbill::interned::Text::from(*u.choose(&["Aetna", "aetna", "Medicare"])?)))?,
            billed: money(u)?,
            allowed: opt(u, money)?,
            billed_date: opt(u, date)?,
            date_of_birth: None,
            units: Decimal::new(u.int_in_range(0i64..=30)?, u.int_in_range(0u32..=1)?),
            remit: if single { remit(u)? } else { Remit::default() },
        });
    }
    let insurance_paid = |r: &Remit| if r.source == PaymentSource::Patient { Money::ZERO } else { r.paid };
    let billed_by_row = charges.iter().map(|c| (c.row, c.billed, insurance_paid(&c.remit))).collect();
    let mut paid = Money::ZERO;
    let mut payment_rows = Vec::new();
    let payments = if single {
        None
    } else {
        let mut p = Payments::default();
        for role in KEY_ROLES {
            if u.arbitrary::<bool>()? {
                p.roles.insert(role);
            }
        }
        let mut next_row = 2u32;
        for f in 0..u.int_in_range(1usize..=3)? {
            let mut rows = Vec::new();
            for _ in 0..u.int_in_range(0usize..=24)? {
                let r = remit(u)?;
                if r.source != PaymentSource::Patient {
                    paid += r.paid;
                }
                payment_rows.push(next_row);
                rows.push(PaymentRow {
                    row: next_row,
                    keys: keys(u)?,
                    payer: None,
                    billed: opt(u, money)?,
                    allowed: opt(u, money)?,
                    remit: r,
                    payment_date: opt(u, date)?,
                    check_number: None,
                    claim_level: u.ratio(1u8, 6)?,
                });
                next_row += 1;
            }
            p.records.push(records(FileKind::Payments, &format!("p{f}.csv"), rows));
        }
        Some(p)
    };
    let fees = if u.arbitrary::<bool>()? {
        let mut rows = Vec::new();
        for i in 0..u.int_in_range(0u32..=6)? {
            let Some(code) = Id::code(u.choose(&CODES)?) else { continue };
            rows.push(FeeRow {
                row: i + 2,
                code,
                payer: opt(u, |u| Ok(Id::new(u.choose(&["Aetna", "Medicare"])?)))?.flatten(),
                allowed: money(u)?,
            });
        }
        Some(records(FileKind::Fees, "fees.csv", rows))
    } else {
        None
    };
    let options = Options {
        as_of: date(u)?,
        tolerance: Money::from_cents(u.choose(&[0i64, 0, 1, 5, 100, 100_000])?.to_owned()),
        deadlines: Default::default(),
    };
    let inputs = Inputs {
        charges: records(FileKind::Charges, "c.csv", charges),
        charge_mapping: mapping,
        payments,
        fees,
    };
    Ok(Case { inputs: Some(inputs), options, billed_by_row, paid, payment_rows, single })
}

/// Row accounting, then the conservation equations against the rows that went in: every
/// charge row minus the rejected ones, and every payment row.
fn check(report: &Report, case: &Case) {
    let rejected: Vec<u32> =
        report.rejected.iter().filter(|r| r.file == FileKind::Charges).map(|r| r.row).collect();
    let mut seen: Vec<u32> = report.lines.iter().flat_map(|l| l.charge_rows.iter().copied()).collect();
    seen.extend(&rejected);
    seen.sort_unstable();
    let mut expected: Vec<u32> = case.billed_by_row.iter().map(|(row, _, _)| *row).collect();
    expected.sort_unstable();
    assert_eq!(seen, expected, "every charge row in exactly one line or rejected");
    let mut seen: Vec<u32> = report.lines.iter().flat_map(|l| l.payment_rows.iter().copied()).collect();
    seen.extend(report.unmatched_payments.iter().map(|u| u.row));
    seen.sort_unstable();
    assert_eq!(seen, case.payment_rows, "every payment row in exactly one line or unmatched");
    let accepted = case.billed_by_row.iter().filter(|(row, _, _)| !rejected.contains(row));
    let billed: Money = accepted.clone().map(|(_, b, _)| *b).sum();
    // In single mode the charge rows carry what was paid; otherwise the payment rows do.
    let paid = if case.single { accepted.map(|(_, _, p)| *p).sum() } else { case.paid };
    report.check_conservation(billed, paid).expect("conservation");
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut c) = case(&mut u) else { return };
    let Some(inputs) = c.inputs.take() else { return };
    let report = reconcile(inputs, &c.options);
    check(&report, &c);
    let _ = clearbill::export::lines_csv(&report);
    let _ = clearbill::export::table_csv(&report.worklist, &clearbill::export::worklist_columns());
    let _ = clearbill::export::table_csv(&report.unmatched_payments, &clearbill::export::unmatched_columns());
});
