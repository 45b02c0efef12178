//! Reconciling a charges spreadsheet directly against 835 remittance files
//! (issue 9): matching, reversals, claim-level payments, provider adjustments
//! and balancing findings in the report.

mod common;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, MatchedBy, Options, Report};
use clearbill::table::Limits;
use common::{read, shared};

fn reconcile(charges: &str, files: &[&str], as_of: &str) -> Report {
    let bytes: Vec<(Vec<u8>, String)> =
        files.iter().map(|f| (read(&shared(f)), f.rsplit('/').next().unwrap().to_string())).collect();
    let payments: Vec<FileInput<'_>> = bytes
        .iter()
        .map(|(b, n)| FileInput { bytes: b, name: n, sheet: None, mapping: None, header_row: None })
        .collect();
    let c = FileInput {
        bytes: charges.as_bytes(),
        name: "charges.csv",
        sheet: None,
        mapping: None,
        header_row: None,
    };
    let options = Options {
        as_of: NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    reconcile_files(
        &[&c],
        &FileInput::sources(&payments),
        &[],
        None,
        &options,
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap()
}

fn statuses(r: &Report) -> Vec<&'static str> {
    r.lines.iter().map(|l| l.status.key()).collect()
}

const UHC: &str = "x12-835/keironstoddart__edi-835-parser/united_healthcare_legacy_sample.txt";

#[test]
fn a_charges_sheet_reconciles_against_an_835() {
    let charges = "Claim #,DOS,CPT,Charges,Payer\n\
        001-18573-358,12/21/2020,B4152,156.42,UHC\n\
        001-18573-358,01/01/2021,B4152,184.86,UHC\n\
        001-18604-358,12/18/2020,B4154,459.90,UHC\n\
        001-18604-358,12/18/2020,B4034,27.84,UHC\n\
        001-18604-358,01/01/2021,B4154,328.50,UHC\n\
        001-18999-358,01/05/2021,B4034,27.84,UHC\n";
    let r = reconcile(charges, &[UHC], "2021-03-01");
    assert_eq!(r.summary.matched_by, MatchedBy::ClaimCode);
    assert_eq!(statuses(&r), ["paid", "paid", "paid", "paid", "paid", "unpaid"]);
    // BPR02 349.99 = 88.92 + 261.07 (SOURCES.md fact 8), all on lines.
    assert_eq!(r.summary.totals.insurance_paid.to_string(), "349.99");
    assert_eq!(r.summary.totals.patient_responsibility.to_string(), "220.39");
    assert_eq!(r.lines[1].reason_codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(), ["PR-1", "CO-45"]);
    assert!(r.unmatched_payments.is_empty());
    assert_eq!(r.summary.rows.payments, 5);
    let billed: Money = r.lines.iter().map(|l| l.billed).sum();
    r.check_conservation(billed, Money::from_cents(34999)).unwrap();
}

#[test]
fn a_reversal_and_its_correction_net_on_the_line() {
    // SOURCES.md fact 4: claim 123839-24635 is reversed (-310/-210) and re-paid (300/200).
    let charges = "Claim #,DOS,CPT,Charges\n123839-24635,01/11/2008,T1017,300.00\n";
    let r = reconcile(charges, &["x12-835/azoner__pyx12/835_simple.txt"], "2009-03-01");
    let l = &r.lines[0];
    assert_eq!(l.payment_rows.len(), 2);
    assert_eq!(l.insurance_paid.to_string(), "-10.00", "-210 + 200");
    assert_eq!(l.status.key(), "partial");
    // The other reversed claim has no charge: an unmatched negative payment.
    assert_eq!(r.unmatched_payments.len(), 1);
    assert_eq!(r.unmatched_payments[0].paid.to_string(), "-500.25");
    assert_eq!(r.unmatched_payments[0].file, "835_simple.txt");
    // The file's PLBs are provider adjustments, and its imbalance is a finding.
    let plb: Money = r.provider_adjustments.iter().map(|a| a.amount).sum();
    assert_eq!(plb.to_string(), "-977.94");
    assert_eq!(r.summary.totals.provider_adjustments, plb);
    assert!(
        r.remittance_findings.iter().any(|f| f.message.contains("5950.21")),
        "{:?}",
        r.remittance_findings
    );
}

#[test]
fn claims_paid_without_service_lines_apply_to_the_claims_first_line() {
    // Medicare Part A: two claims with no SVC, and a PLB of -1.27 (SOURCES.md fact 2).
    let charges =
        "Claim #,DOS,CPT,Charges\n666123,08/16/2002,0120,200000.00\n666123,08/16/2002,0250,11366.97\n\
                   777777,05/12/2002,0450,15000.00\n";
    let r = reconcile(charges, &["x12-835/LinuxForHealth__x12/medicare-part-a.835"], "2002-10-01");
    assert_eq!(r.lines[0].insurance_paid.to_string(), "138018.40");
    assert_eq!(r.lines[1].payment_rows.len(), 0);
    assert_eq!(r.lines[2].insurance_paid.to_string(), "11980.33");
    assert!(
        r.summary.notes.iter().any(|n| n.contains("2 claim-level remittance row(s)")),
        "{:?}",
        r.summary.notes
    );
    assert_eq!(r.provider_adjustments.len(), 1);
    let a = &r.provider_adjustments[0];
    assert_eq!((a.reason.as_str(), a.amount.to_string()), ("CV", "-1.27".to_string()));
    assert_eq!(r.summary.totals.insurance_paid.to_string(), "149998.73");
}

#[test]
fn several_835_files_reconcile_at_once() {
    let charges =
        "Claim #,DOS,CPT,Charges\n001-18573-358,12/21/2020,B4152,156.42\n666123,08/16/2002,0120,211366.97\n";
    let r = reconcile(charges, &[UHC, "x12-835/LinuxForHealth__x12/medicare-part-a.835"], "2021-03-01");
    assert_eq!(r.lines[0].status.key(), "paid");
    assert_eq!(r.lines[1].insurance_paid.to_string(), "138018.40");
    let files: std::collections::BTreeSet<&str> =
        r.unmatched_payments.iter().map(|u| u.file.as_str()).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["medicare-part-a.835", "united_healthcare_legacy_sample.txt"]
    );
}

#[test]
fn an_837_given_as_payments_is_a_clear_error() {
    let bytes = read(&shared("x12-837/LinuxForHealth__x12/demo.example1.837"));
    let p = FileInput { bytes: &bytes, name: "claims.837", sheet: None, mapping: None, header_row: None };
    let c = FileInput {
        bytes: b"Claim #,Charges\n1,10\n",
        name: "charges.csv",
        sheet: None,
        mapping: None,
        header_row: None,
    };
    let options = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    let err = reconcile_files(&[&c], &[&p], &[], None, &options, &Limits::default(), &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("claims.837: ") && err.contains("837"), "{err}");
}
