//! Payment sources (SPEC §8.3) and the revised statuses (§8.4), end to end
//! from files: the SPEC's primary + secondary example in csv, xlsx and a pair
//! of 835s (the secondary's CLP02 = 2); a primary/secondary/patient payments
//! file with no false "overpaid"; a Medicare line denied with PR-27; and every
//! line recomputed from the rows it lists.

mod common;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::worklist::Kind;
use clearbill::reconcile::{reconcile_files, FileInput, Options, Report, Status};
use clearbill::records::{self, PaymentRow};
use clearbill::table::Limits;

fn options() -> Options {
    Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    }
}

fn input<'a>(bytes: &'a [u8], name: &'a str) -> FileInput<'a> {
    FileInput { bytes, name, sheet: None, mapping: None, header_row: None }
}

fn reconcile(charges: &[u8], payments: &[(&[u8], &str)]) -> Report {
    let p: Vec<FileInput<'_>> = payments.iter().map(|(b, n)| input(b, n)).collect();
    reconcile_files(
        &[&input(charges, "charges.csv")],
        &FileInput::sources(&p),
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

/// The payment rows of a spreadsheet or an 835, read as the reconciliation reads them.
fn payment_rows(bytes: &[u8], name: &str) -> Vec<PaymentRow> {
    if clearbill::x12::looks_like_x12(bytes) {
        return records::records_of_835(&clearbill::x12::parse(bytes).unwrap(), name).rows;
    }
    let table = records::load(bytes, name, None, None, None, &Limits::default(), &mut NoProgress).unwrap();
    records::keep_rows(|each| records::read_payments(&table, &mut NoProgress, each)).unwrap().rows
}

/// Every line of the report is what its rows give (common::recompute), and money is conserved.
fn assert_lines_are_their_rows(report: &Report, charges: &[u8], payments: &[(&[u8], &str)]) {
    let table =
        records::load(charges, "charges.csv", None, None, None, &Limits::default(), &mut NoProgress).unwrap();
    let charge_rows =
        records::keep_rows(|each| records::read_charges(&table, false, &mut NoProgress, each)).unwrap().rows;
    assert_eq!(payments.len(), 1, "row numbers name rows of one payments file");
    let rows = payment_rows(payments[0].0, payments[0].1);
    common::recompute::check_matched(report, &charge_rows, &rows).unwrap();
    let billed: Money = charge_rows.iter().map(|c| c.billed).sum();
    let insurance: Money =
        rows.iter().filter(|r| r.remit.source.insurance_level().is_some()).map(|r| r.remit.paid).sum();
    report.check_conservation(billed, insurance).unwrap();
}

const EXAMPLE_CHARGES: &str = "Claim #,CPT,DOS,Charges,Payer\nC100,99213,10/01/2026,100.00,Medicare\n";

/// SPEC §8.3's example: P 70, CA 30, PR 0, balance 0, paid.
fn assert_the_spec_example(r: &Report, format: &str) {
    assert_eq!(r.lines.len(), 1, "{format}");
    let l = &r.lines[0];
    assert_eq!(l.payment_rows.len(), 2, "{format}: both levels matched");
    assert_eq!(
        (l.insurance_paid, l.contractual_adjustment, l.patient_responsibility, l.balance),
        (money("70.00"), money("30.00"), money("0.00"), money("0.00")),
        "{format}"
    );
    assert_eq!(l.status, Status::Paid, "{format}");
    assert_eq!(l.patient_balance, Money::ZERO, "{format}");
    assert!(r.worklist.is_empty(), "{format}: {:?}", r.worklist);
}

const EXAMPLE_PAYMENTS_CSV: &str = "Claim #,CPT,DOS,Payment Source,Paid,Contractual,Patient Resp,Reason\n\
    C100,99213,10/01/2026,Primary,56.00,30.00,14.00,CO-45; PR-2\n\
    C100,99213,10/01/2026,Secondary,14.00,86.00,0.00,CO-23\n";

#[test]
fn the_spec_example_in_csv() {
    let p = [(EXAMPLE_PAYMENTS_CSV.as_bytes(), "payments.csv")];
    let r = reconcile(EXAMPLE_CHARGES.as_bytes(), &p);
    assert_the_spec_example(&r, "csv");
    assert_lines_are_their_rows(&r, EXAMPLE_CHARGES.as_bytes(), &p);
    // The rows in the other order (the secondary's first) give the same line.
    let swapped = "Claim #,CPT,DOS,Payment Source,Paid,Contractual,Patient Resp,Reason\n\
        C100,99213,10/01/2026,2,14.00,86.00,0.00,CO-23\n\
        C100,99213,10/01/2026,1,56.00,30.00,14.00,CO-45; PR-2\n";
    let r = reconcile(EXAMPLE_CHARGES.as_bytes(), &[(swapped.as_bytes(), "payments.csv")]);
    assert_the_spec_example(&r, "csv, secondary first, sources written 1 and 2");
}

#[test]
fn the_spec_example_in_xlsx() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["Claim #", "CPT", "DOS", "Payment Source", "Paid", "Contractual", "Patient Resp", "Reason"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 10, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("mm/dd/yyyy");
    for (r, (source, paid, ca, pr, reason)) in
        [("Pri", 56.0, 30.0, 14.0, "CO-45; PR-2"), ("Sec", 14.0, 86.0, 0.0, "CO-23")].into_iter().enumerate()
    {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, "C100").unwrap();
        sheet.write_number(row, 1, 99213.0).unwrap();
        sheet.write_datetime_with_format(row, 2, &date, &format).unwrap();
        sheet.write_string(row, 3, source).unwrap();
        for (c, v) in [(4, paid), (5, ca), (6, pr)] {
            sheet.write_number(row, c, v).unwrap();
        }
        sheet.write_string(row, 7, reason).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let p = [(bytes.as_slice(), "payments.xlsx")];
    let r = reconcile(EXAMPLE_CHARGES.as_bytes(), &p);
    assert_the_spec_example(&r, "xlsx");
    assert_lines_are_their_rows(&r, EXAMPLE_CHARGES.as_bytes(), &p);
}

/// One 835 transaction with one claim of one service line (99213 on 2026-10-01).
fn era(
    payer: &str,
    trace: &str,
    clp02: &str,
    paid: &str,
    pr: &str,
    adjustments: &[(&str, &str, &str)],
) -> String {
    let mut body = vec![
        "ST*835*0001".to_string(),
        format!("BPR*I*{paid}*C*CHK************20261101"),
        format!("TRN*1*{trace}*1512345678"),
        format!("N1*PR*{payer}"),
        "N1*PE*CLINIC*XX*1234567893".to_string(),
        "LX*1".to_string(),
        format!("CLP*C100*{clp02}*100*{paid}*{pr}*MB*ICN{trace}"),
        "NM1*QC*1*DOE*JANE".to_string(),
        format!("SVC*HC:99213*100*{paid}"),
        "DTM*472*20261001".to_string(),
    ];
    for (group, code, amount) in adjustments {
        body.push(format!("CAS*{group}*{code}*{amount}"));
    }
    body.push(format!("SE*{}*0001", body.len() + 1));
    format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *261101*1200*^*00501*{trace:0>9}*0*P*:~\
         GS*HP*PAYER*CLINIC*20261101*1200*1*X*005010X221A1~{}~GE*1*1~IEA*1*{trace:0>9}~",
        body.join("~")
    )
}

#[test]
fn the_spec_example_in_835s_the_secondary_with_clp02_2() {
    let primary = era("MEDICARE", "1001", "1", "56", "14", &[("CO", "45", "30"), ("PR", "2", "14")]);
    let secondary = era("MEDIGAP PLAN", "2002", "2", "14", "0", &[("CO", "23", "86")]);
    let (p, s) = (primary.as_bytes(), secondary.as_bytes());
    let r = reconcile(EXAMPLE_CHARGES.as_bytes(), &[(p, "primary.835"), (s, "secondary.835")]);
    assert!(r.remittance_findings.is_empty(), "the hand-written 835s balance: {:?}", r.remittance_findings);
    assert_the_spec_example(&r, "835");
    // Read as one level (no CLP02 = 2), the secondary's CO-23 would be counted again.
    let as_primary = era("MEDIGAP PLAN", "2002", "1", "14", "0", &[("CO", "23", "86")]);
    let r = reconcile(
        EXAMPLE_CHARGES.as_bytes(),
        &[(p, "primary.835"), (as_primary.as_bytes(), "secondary.835")],
    );
    assert_eq!(r.lines[0].contractual_adjustment, money("116.00"));
    assert_ne!(r.lines[0].status, Status::Paid);
    // Both levels' rows from one 835 file: each line recomputed from its segments.
    let both = format!("{primary}{}", secondary.replacen("000002002", "000002003", 2));
    let p = [(both.as_bytes(), "both.835")];
    let r = reconcile(EXAMPLE_CHARGES.as_bytes(), &p);
    assert_the_spec_example(&r, "835, one file");
    assert_lines_are_their_rows(&r, EXAMPLE_CHARGES.as_bytes(), &p);
}

/// The file: one "Payment" column, and a "Payment Source" of Primary, Secondary or Patient.
const PRACTICE_CHARGES: &str = "Claim #,Line,CPT,DOS,Charges,Payer\n\
    2001,1,99214,09/02/2026,180.00,Aetna\n\
    2002,1,99213,09/03/2026,120.00,Medicare\n\
    2003,1,99213,09/04/2026,120.00,Blue Cross\n\
    2004,1,99215,09/05/2026,250.00,Medicare\n\
    2005,1,99213,09/06/2026,120.00,Medicare\n";

const PRACTICE_PAYMENTS: &str =
    "Claim #,Line,Payment Source,Payment,Contractual,Patient Resp,Reason,Check #\n\
    2001,1,Primary,100.00,50.00,30.00,CO-45; PR-3,A1\n\
    2001,1,Patient,30.00,,,,CASH\n\
    2002,1,Primary,72.00,30.00,18.00,CO-45; PR-2,M1\n\
    2002,1,Secondary,18.00,102.00,0.00,CO-23,S1\n\
    2003,1,Primary,60.00,40.00,20.00,CO-45; PR-1,B1\n\
    2003,1,Patient,25.00,,,,CHK 55\n\
    2004,1,Primary,0.00,0.00,250.00,PR-27,M2\n\
    2005,1,Primary,0.00,100.00,30.00,CO-45; PR-1,M3\n";

#[test]
fn primary_secondary_and_patient_payments_reconcile_without_a_false_overpaid() {
    let p = [(PRACTICE_PAYMENTS.as_bytes(), "payments.csv")];
    let r = reconcile(PRACTICE_CHARGES.as_bytes(), &p);
    assert_lines_are_their_rows(&r, PRACTICE_CHARGES.as_bytes(), &p);
    let statuses: Vec<Status> = r.lines.iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [Status::Paid, Status::Paid, Status::Paid, Status::Denied, Status::Paid],
        "{:#?}",
        r.lines
    );
    assert_eq!(r.summary.by_status.overpaid.count, 0);
    // The patient's $30 copay is patient paid, never insurance paid.
    let copay = &r.lines[0];
    assert_eq!((copay.insurance_paid, copay.patient_paid), (money("100.00"), money("30.00")));
    assert_eq!(copay.patient_balance, Money::ZERO);
    assert_eq!(r.summary.totals.insurance_paid, money("250.00"));
    assert_eq!(r.summary.totals.patient_paid, money("55.00"));
    // The patient paid $25 of a $20 deductible: a refund of $5 to the patient.
    assert_eq!(r.lines[2].patient_balance, money("-5.00"));
    let refund = r.worklist.iter().find(|w| w.kind == Kind::PatientRefund).expect("a patient refund");
    assert_eq!((refund.amount, refund.line), (money("5.00"), Some(2)));
    // The PR-27 line is a denial with the eligibility action, its whole charge at stake.
    let denied = r.worklist.iter().find(|w| w.line == Some(3)).unwrap();
    assert_eq!((denied.kind, denied.amount), (Kind::Denied, money("250.00")));
    assert!(denied.action.contains("verify eligibility"), "{}", denied.action);
    assert!(!denied.action.contains("refund"), "{}", denied.action);
    // Adjustments above the charge with nothing received: a posting to check, not an overpayment.
    let posting = r.worklist.iter().find(|w| w.line == Some(4)).unwrap();
    assert_eq!((posting.kind, posting.amount), (Kind::CheckPosting, money("10.00")));
    assert!(posting.action.contains("adjustments exceed the billed amount by $10.00"), "{}", posting.action);
    assert!(r.summary.notes.iter().any(|n| n.contains("2 payment row(s) are the patient's own payments")));
    // JSON: the new fields.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["lines"][2]["patientBalance"], "-5.00");
    assert_eq!(json["summary"]["totals"]["patientBalance"], "275.00", "250 + 30 owed, 5 to refund");
    assert_eq!(
        json["worklist"].as_array().unwrap().iter().filter(|w| w["kind"] == "patient_refund").count(),
        1
    );
    assert_eq!(
        json["worklist"].as_array().unwrap().iter().filter(|w| w["kind"] == "check_posting").count(),
        1
    );
}

#[test]
fn without_the_source_column_the_copay_looked_like_an_overpayment() {
    // The issue as reported: the same file with "Payment Source" not used.
    let without = PRACTICE_PAYMENTS.replace("Payment Source", "Note");
    let r = reconcile(PRACTICE_CHARGES.as_bytes(), &[(without.as_bytes(), "payments.csv")]);
    assert_eq!(r.lines[0].status, Status::Overpaid, "the copay added to insurance paid");
    assert_eq!(r.lines[0].insurance_paid, money("130.00"));
}

#[test]
fn a_medicare_line_denied_with_pr_27_is_denied_with_or_without_an_allowed_amount() {
    let charges = "Claim #,CPT,DOS,Charges,Payer\n3001,99213,08/01/2026,140.00,Medicare\n";
    for allowed in ["", "0.00", "140.00"] {
        let payments = format!(
            "Claim #,CPT,DOS,Allowed,Ins Paid,Patient Resp,Reason\n3001,99213,08/01/2026,{allowed},0.00,140.00,PR-27\n"
        );
        let r = reconcile(charges.as_bytes(), &[(payments.as_bytes(), "payments.csv")]);
        let l = &r.lines[0];
        assert_eq!(l.status, Status::Denied, "allowed {allowed:?}");
        assert_eq!(l.at_stake, money("140.00"));
        let item = &r.worklist[0];
        assert_eq!(item.kind, Kind::Denied);
        assert!(item.action.starts_with("coverage ended"), "{}", item.action);
    }
}

#[test]
fn an_unknown_payment_source_rejects_its_row_and_names_the_cell() {
    let payments = "Claim #,Line,Payment Source,Payment\n2001,1,Primary,100.00\n2001,1,Aetna,30.00\n";
    let r = reconcile(PRACTICE_CHARGES.as_bytes(), &[(payments.as_bytes(), "payments.csv")]);
    assert_eq!(r.rejected.len(), 1);
    let bad = &r.rejected[0];
    assert_eq!((bad.row, bad.column.as_deref(), bad.value.as_str()), (3, Some("C"), "Aetna"));
    assert!(bad.reason.contains("is not a payment source"), "{}", bad.reason);
    assert_eq!(r.summary.rows.payments, 1);
}
