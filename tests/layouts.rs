//! Report layouts end to end (SPEC §8.1): files laid out as practice systems
//! print them, reconciled through `reconcile_files`, with totals to the cent,
//! the rows skipped and the notes that say why. The expected numbers are
//! worked out by hand in tests/fixtures/layouts/README.md.

mod common;

use chrono::NaiveDate;
use clearbill::columns::{MappingOverride, Role, LOW_CONFIDENCE};
use clearbill::inspect::inspect;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, Options, Report, Status};
use clearbill::table::Limits;
use clearbill::Money;
use rust_xlsxwriter::{Format, Workbook};

fn options() -> Options {
    Options {
        as_of: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    }
}

fn file<'a>(bytes: &'a [u8], name: &'a str) -> FileInput<'a> {
    FileInput { bytes, name, ..FileInput::default() }
}

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

fn notes(report: &Report) -> String {
    report.summary.notes.join("\n")
}

fn line<'r>(report: &'r Report, claim: &str, line: &str) -> &'r clearbill::reconcile::Line {
    report
        .lines
        .iter()
        .find(|l| l.claim_id.as_deref() == Some(claim) && l.line.as_deref() == Some(line))
        .unwrap_or_else(|| panic!("no line {claim}/{line}"))
}

#[test]
fn a_grouped_printed_report_reconciles_to_its_own_grand_total() {
    let bytes = common::read(&common::fixture("layouts/grouped-charges.csv"));
    let report = reconcile_files(
        &[&file(&bytes, "charges.csv")],
        &[],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap();
    let rows = &report.summary.rows;
    assert_eq!(
        (rows.charges, rows.skipped, rows.rejected),
        (7, 13, 0),
        "{:?}\n{}",
        report.rejected,
        notes(&report)
    );
    let totals = &report.summary.totals;
    assert_eq!(totals.billed, money("610.00"), "the report's own grand total");
    assert_eq!(totals.insurance_paid, money("334.00"));
    assert_eq!(
        totals.contractual_adjustment + totals.other_adjustment,
        money("161.00"),
        "the Primary Adj column, whichever adjustment it is read as"
    );
    assert_eq!(totals.patient_responsibility, money("100.00"));
    assert_eq!(totals.balance, money("15.00"));
    // Single mode: the rows carry what was paid (90 + 15 + 120 − 21 + 0 + 100 + 30).
    report.check_conservation(money("610.00"), money("334.00")).unwrap();

    // The credit (21.00 CR) and the carried-down claim put rows 11 and 12 on one line.
    let l = line(&report, "1002", "1");
    assert_eq!(
        (l.billed, l.insurance_paid, l.charge_rows.to_vec()),
        (money("200.00"), money("99.00"), vec![11, 12])
    );
    assert_eq!(l.status, Status::Paid);
    let l = line(&report, "1003", "2");
    assert_eq!(
        (l.status, l.balance, l.patient.as_deref()),
        (Status::Partial, money("15.00"), Some("PARK, BO"))
    );
    assert_eq!(l.payer.as_deref(), Some("Blue Cross"), "the payer carried down its group");

    let notes = notes(&report);
    for expected in [
        "charges: 4 footer total row(s) were skipped and left out of every sum: row(s) 9, 19, 23, 24",
        "charges: 3 repeated page header row(s) were skipped and left out of every sum: row(s) 14, 15, 16",
        "charges: 3 page footer row(s)",
        "row(s) 13, 17, 25",
        "charges: 3 group label row(s)",
        "row(s) 6, 10, 20",
        "claim number (column A \"Claim #\"): 3 cell(s)",
        "date of service (column E \"Date of Service\"): 3 cell(s)",
        "payer (column H \"Payer Name\"): 3 cell(s)",
    ] {
        assert!(notes.contains(expected), "{expected:?} not in\n{notes}");
    }
}

#[test]
fn the_two_row_header_is_shown_joined_by_inspect() {
    let bytes = common::read(&common::fixture("layouts/grouped-charges.csv"));
    let ins = inspect(&bytes, "charges.csv", None, None, None, &Limits::default()).unwrap();
    assert_eq!((ins.header_row, ins.header_end), (4, 5));
    let shown: Vec<(&str, Option<Role>)> = ins.columns.iter().map(|c| (c.header.as_str(), c.role)).collect();
    assert_eq!(
        shown,
        [
            ("Claim #", Some(Role::ClaimId)),
            ("Line", Some(Role::Line)),
            ("Patient Name", Some(Role::PatientName)),
            ("Chart #", Some(Role::PatientId)),
            ("Date of Service", Some(Role::ServiceDate)),
            ("CPT Code", Some(Role::Code)),
            ("Units", Some(Role::Units)),
            ("Payer Name", Some(Role::Payer)),
            ("Billed Amount", Some(Role::Billed)),
            ("Primary Paid", Some(Role::Paid)),
            ("Primary Adj", Some(Role::OtherAdjustment)),
            ("Patient Resp", Some(Role::PatientResponsibility)),
        ]
    );
    assert_eq!((ins.rows, ins.skipped_rows.len(), ins.totals_rows.len()), (7, 13, 4));
    // The preview shows row 8 as it will be read: with its group's claim and date carried down.
    let row8 = &ins.preview[1];
    assert_eq!(row8.row, 8);
    assert_eq!((row8.cells[0].text.as_str(), row8.cells[4].value.as_deref()), ("1001", Some("2026-03-02")));
}

#[test]
fn a_header_row_chosen_by_hand_is_used_even_with_unknown_names() {
    let bytes = common::read(&common::fixture("layouts/header-row-by-hand.csv"));
    let limits = Limits::default();
    let found = inspect(&bytes, "ledger.csv", None, None, None, &limits).unwrap();
    assert_eq!(found.header_row, 1, "the filter row has two known names and is taken for the header");
    let err =
        reconcile_files(&[&file(&bytes, "ledger.csv")], &[], &[], None, &options(), &limits, &mut NoProgress)
            .unwrap_err();
    assert!(err.to_string().contains("billed amount"), "{err}");

    let chosen = inspect(&bytes, "ledger.csv", None, Some(3), None, &limits).unwrap();
    let headers: Vec<&str> = chosen.columns.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(headers, ["Ref", "Seen on", "Service", "Who", "Amount Billed", "Insurer"]);
    assert_eq!(chosen.columns.iter().filter(|c| c.role.is_some()).count(), 1, "only Amount Billed is known");

    let mut by_hand = MappingOverride::default();
    by_hand.0.insert("claim_id".into(), Some("Ref".into()));
    by_hand.0.insert("service_date".into(), Some("B".into()));
    let input = FileInput { header_row: Some(3), mapping: Some(&by_hand), ..file(&bytes, "ledger.csv") };
    let report = reconcile_files(&[&input], &[], &[], None, &options(), &limits, &mut NoProgress).unwrap();
    assert_eq!(report.summary.rows.charges, 3);
    assert_eq!(report.summary.totals.billed, money("285.00"), "120.00 + 180.00 − 15.00 (a credit)");
    assert_eq!(report.lines[0].claim_id.as_deref(), Some("5001"));

    let err = inspect(&bytes, "ledger.csv", None, Some(40), None, &limits).unwrap_err().to_string();
    assert!(err.contains("row 40") && err.contains("ledger.csv"), "{err}");
}

/// A workbook written with real merged cells: "Primary" merged over Paid and
/// Adj, "Claim #" merged down over both header rows.
fn merged_header_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let merged = Format::new();
    let ws = wb.add_worksheet().set_name("Remittance").unwrap();
    ws.merge_range(0, 0, 1, 0, "Claim #", &merged).unwrap();
    ws.write(0, 1, "Date of").unwrap();
    ws.write(1, 1, "Service").unwrap();
    ws.merge_range(0, 2, 0, 3, "Primary", &merged).unwrap();
    ws.write(1, 2, "Paid").unwrap();
    ws.write(1, 3, "Contractual").unwrap();
    ws.merge_range(0, 4, 0, 5, "Patient", &merged).unwrap();
    ws.write(1, 4, "Resp").unwrap();
    ws.write(1, 5, "Paid").unwrap();
    let rows: [(&str, &str, f64, f64, f64, f64); 2] =
        [("1001", "03/02/2026", 80.0, 50.0, 20.0, 0.0), ("1002", "03/03/2026", 0.0, 0.0, 0.0, 0.0)];
    for (i, (claim, dos, paid, co, pr, pp)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write(r, 0, *claim).unwrap();
        ws.write(r, 1, *dos).unwrap();
        ws.write(r, 2, *paid).unwrap();
        ws.write(r, 3, *co).unwrap();
        ws.write(r, 4, *pr).unwrap();
        ws.write(r, 5, *pp).unwrap();
    }
    ws.write(4, 0, "1003").unwrap();
    ws.write(4, 2, "12.00 CR").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn merged_header_cells_of_a_workbook_are_joined() {
    let bytes = merged_header_workbook();
    let ins = inspect(&bytes, "era.xlsx", None, None, None, &Limits::default()).unwrap();
    let shown: Vec<(&str, Option<Role>)> = ins.columns.iter().map(|c| (c.header.as_str(), c.role)).collect();
    assert_eq!(
        shown,
        [
            ("Claim #", Some(Role::ClaimId)),
            ("Date of Service", Some(Role::ServiceDate)),
            ("Primary Paid", Some(Role::Paid)),
            ("Primary Contractual", Some(Role::Contractual)),
            ("Patient Resp", Some(Role::PatientResponsibility)),
            ("Patient Paid", Some(Role::PatientPaid)),
        ]
    );
    let charges =
        "Claim #,DOS,Charges\n1001,03/02/2026,150.00\n1002,03/03/2026,90.00\n1003,03/04/2026,40.00\n";
    let report = reconcile_files(
        &[&file(charges.as_bytes(), "charges.csv")],
        &[&file(&bytes, "era.xlsx")],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(report.summary.rows.payments, 3);
    assert_eq!(report.summary.totals.insurance_paid, money("68.00"), "80.00 + 0.00 − 12.00 (a credit)");
    assert_eq!(line_by_claim(&report, "1002").status, Status::Denied);
    report.check_conservation(money("280.00"), money("68.00")).unwrap();
}

fn line_by_claim<'r>(report: &'r Report, claim: &str) -> &'r clearbill::reconcile::Line {
    report.lines.iter().find(|l| l.claim_id.as_deref() == Some(claim)).unwrap()
}

/// A day-sheet workbook (SPEC §8.1 "Several tabs"): Charges/Debits,
/// Payments/Credits and Adjustments, given as both files with a sheet each.
fn day_sheet() -> Vec<u8> {
    let mut wb = Workbook::new();
    let debits = wb.add_worksheet().set_name("Debits").unwrap();
    for (c, h) in ["Claim #", "CPT", "DOS", "Charges"].iter().enumerate() {
        debits.write(0, c as u16, *h).unwrap();
    }
    for (r, (claim, code, billed)) in
        [("701", "99213", 125.0), ("702", "99214", 180.5), ("703", "36415", 22.25)].iter().enumerate()
    {
        let r = r as u32 + 1;
        debits.write(r, 0, *claim).unwrap();
        debits.write(r, 1, *code).unwrap();
        debits.write(r, 2, "2026-05-04").unwrap();
        debits.write(r, 3, *billed).unwrap();
    }
    let credits = wb.add_worksheet().set_name("Credits").unwrap();
    for (c, h) in ["Claim #", "CPT", "Ins Paid", "Adjustment", "Check #"].iter().enumerate() {
        credits.write(0, c as u16, *h).unwrap();
    }
    for (r, (claim, code, paid, adj)) in
        [("701", "99213", 80.0, 45.0), ("702", "99214", 100.25, 60.0)].iter().enumerate()
    {
        let r = r as u32 + 1;
        credits.write(r, 0, *claim).unwrap();
        credits.write(r, 1, *code).unwrap();
        credits.write(r, 2, *paid).unwrap();
        credits.write(r, 3, *adj).unwrap();
        credits.write(r, 4, "EFT0099").unwrap();
    }
    let adjustments = wb.add_worksheet().set_name("Adjustments").unwrap();
    for (c, h) in ["Claim #", "CPT", "Adjustment", "Reason"].iter().enumerate() {
        adjustments.write(0, c as u16, *h).unwrap();
    }
    adjustments.write(1, 0, "702").unwrap();
    adjustments.write(1, 1, "99214").unwrap();
    adjustments.write(1, 2, 20.25).unwrap();
    adjustments.write(1, 3, "CO-45").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_day_sheet_workbook_is_both_files_with_a_sheet_each() {
    let bytes = day_sheet();
    let charges = FileInput { sheet: Some("Debits"), ..file(&bytes, "day-sheet.xlsx") };
    let credits = FileInput { sheet: Some("Credits"), ..file(&bytes, "day-sheet.xlsx") };
    let adjustments = FileInput { sheet: Some("Adjustments"), ..file(&bytes, "day-sheet.xlsx") };
    let report = reconcile_files(
        &[&charges],
        &[&credits, &adjustments],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap();
    let rows = &report.summary.rows;
    assert_eq!((rows.charges, rows.payments, rows.rejected), (3, 3, 0), "{:?}", report.rejected);
    let totals = &report.summary.totals;
    assert_eq!(totals.billed, money("327.75"));
    assert_eq!(totals.insurance_paid, money("180.25"));
    assert_eq!(totals.contractual_adjustment, money("125.25"), "the lone Adjustment columns are contractual");
    assert_eq!(totals.balance, money("22.25"));
    assert_eq!(line_by_claim(&report, "701").status, Status::Paid);
    assert_eq!(
        line_by_claim(&report, "702").status,
        Status::Paid,
        "100.25 paid, 60.00 + 20.25 adjusted on two tabs"
    );
    assert_eq!(line_by_claim(&report, "703").status, Status::Unpaid);
    report.check_conservation(money("327.75"), money("180.25")).unwrap();

    // The lone Adjustment column is a guess the page asks the user to check.
    let ins = inspect(&bytes, "day-sheet.xlsx", Some("Credits"), None, None, &Limits::default()).unwrap();
    let adj = ins.columns.iter().find(|c| c.header == "Adjustment").unwrap();
    assert_eq!(adj.role, Some(Role::Contractual));
    assert!(adj.confidence < LOW_CONFIDENCE);
}

#[test]
fn the_cli_takes_a_header_row_for_inspect_and_for_each_file() {
    let path = common::fixture("layouts/header-row-by-hand.csv");
    let path = path.to_str().unwrap();
    let out = common::cli::clearbill(&["inspect", path, "--header-row", "3", "--format", "json"]);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["headerRow"], 3);
    assert_eq!(v["columns"][0]["header"], "Ref");

    let dir = std::env::temp_dir().join(format!("clearbill-layouts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let map = dir.join("map.json");
    std::fs::write(&map, r#"{"charges": {"claim_id": "A"}}"#).unwrap();
    let out = common::cli::clearbill(&[
        "reconcile",
        "--charges",
        path,
        "--charges-header-row",
        "3",
        "--map",
        map.to_str().unwrap(),
        "--as-of",
        "2026-12-01",
    ]);
    assert_eq!(out.status, Some(0), "{}", out.stderr);
    assert_eq!(out.json()["summary"]["totals"]["billed"], "285.00");
    let out = common::cli::clearbill(&["inspect", path, "--header-row", "0"]);
    assert_ne!(out.status, Some(0), "row numbers start at 1");
}
