//! Exports read back: the xlsx holds the report's numbers to the cent, and
//! formula-looking text stays text in both CSV and xlsx (SPEC §6).

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, Options, Report};
use clearbill::table::{open, CellRef, Limits};

const PAYLOADS: [&str; 5] =
    ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "=1+1"];

fn report() -> Report {
    let mut charges = String::from("Claim #,Line,Patient,DOS,CPT,Charges,Payer\n");
    let mut payments = String::from("Claim #,Line,Ins Paid,Contractual Adj,Pt Resp,Adj Reason\n");
    for (i, p) in PAYLOADS.iter().enumerate() {
        let quoted = format!("\"{}\"", p.replace('"', "\"\""));
        charges.push_str(&format!(
            "{},1,{quoted},2026-10-0{},{quoted},{}.{:02},{quoted}\n",
            100 + i,
            i + 1,
            120 + i * 7,
            i * 13
        ));
        if i % 2 == 0 {
            payments.push_str(&format!("{},1,{}.10,20.00,5.05,CO-45\n", 100 + i, 60 + i));
        }
    }
    payments.push_str("999,1,12.34,0,0,\n");
    let c =
        FileInput { bytes: charges.as_bytes(), name: "c.csv", sheet: None, mapping: None, header_row: None };
    let p =
        FileInput { bytes: payments.as_bytes(), name: "p.csv", sheet: None, mapping: None, header_row: None };
    let options = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    reconcile_files(&[&c], &[&p], &[], None, &options, &Limits::default(), &mut NoProgress).unwrap()
}

#[test]
fn xlsx_export_reads_back_with_the_same_cents() {
    let r = report();
    let bytes = clearbill::export::report_xlsx(&r).unwrap();
    let mut wb = open(&bytes, "report.xlsx", &Limits::default()).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Lines",
            "Worklist",
            "Claims",
            "Unmatched payments",
            "Rejected rows",
            "Provider adjustments",
            "Remittance findings"
        ]
    );

    let lines = wb.read(Some("Lines"), &mut NoProgress).unwrap();
    let header: Vec<String> = lines.row(0).unwrap().cells().map(|c| c.display()).collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let money = |c: CellRef<'_>| match c {
        CellRef::Number(n) => Money::from_float_cell(n).unwrap().money,
        CellRef::Empty => Money::ZERO,
        other => panic!("money cell is {other:?}"),
    };
    let mut billed = Money::ZERO;
    let mut paid = Money::ZERO;
    let mut stake = Money::ZERO;
    for (row, line) in lines.rows().skip(1).zip(&r.lines) {
        assert_eq!(money(row.get(col("Billed"))), line.billed);
        assert_eq!(money(row.get(col("Balance"))), line.balance);
        billed += money(row.get(col("Billed")));
        paid += money(row.get(col("Insurance Paid")));
        stake += money(row.get(col("At Stake")));
    }
    assert_eq!(lines.row_count(), r.lines.len() + 1);
    assert_eq!(billed, r.summary.totals.billed);
    assert_eq!(paid, r.summary.totals.insurance_paid);
    assert_eq!(stake, r.lines.iter().map(|l| l.at_stake).sum::<Money>());

    let unmatched = wb.read(Some("Unmatched payments"), &mut NoProgress).unwrap();
    assert_eq!(unmatched.row_count(), 2);
    assert_eq!(money(unmatched.row(1).unwrap().get(6)).to_string(), "12.34");
}

#[test]
fn formula_payloads_stay_text_in_xlsx() {
    let r = report();
    let bytes = clearbill::export::report_xlsx(&r).unwrap();
    let mut wb = open(&bytes, "report.xlsx", &Limits::default()).unwrap();
    let lines = wb.read(Some("Lines"), &mut NoProgress).unwrap();
    for (row, payload) in lines.rows().skip(1).zip(PAYLOADS) {
        // Patient, Code (upper-cased, as codes are) and Payer come back as text, not a formula result.
        assert_eq!(row.get(2), CellRef::Text(payload), "row {}", row.number);
        assert_eq!(row.get(4).display(), payload.to_uppercase(), "row {}", row.number);
        assert_eq!(row.get(5), CellRef::Text(payload), "row {}", row.number);
    }
    // No formula parts anywhere in the package.
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("<f>"), "the workbook must contain no formulas");
}

#[test]
fn formula_payloads_are_prefixed_in_csv() {
    let r = report();
    let csv = clearbill::export::lines_csv(&r);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    for (record, payload) in reader.records().zip(PAYLOADS) {
        let record = record.unwrap();
        assert_eq!(&record[2], format!("'{payload}"));
        assert_eq!(&record[4], format!("'{}", payload.to_uppercase()));
        assert_eq!(&record[5], format!("'{payload}"));
        // Money stays a plain number: a negative amount is not text to defuse.
        assert!(record[13].parse::<f64>().is_ok(), "balance {:?}", &record[13]);
    }
}

// ----- every text field of every table, in CSV and xlsx -----

mod every_text_field {
    use std::collections::BTreeSet;

    use super::*;
    use clearbill::export::{self, Col, Out};
    use clearbill::reconcile::{ProviderAdjustment, RemittanceFinding};

    /// A payload per row, cycling, in every column a file can fill with text; the payments file
    /// itself is named like a formula. One payment matches nothing, one charge row has a formula
    /// where its amount should be, so every table has rows.
    fn hostile_report() -> Report {
        let q = |p: &str| format!("\"{}\"", p.replace('"', "\"\""));
        let mut charges = String::from("Claim #,Line,Patient,DOS,CPT,Charges,Payer\n");
        let mut payments = String::from("Claim #,Line,Patient,DOS,CPT,Ins Paid,Adj Reason,Payer,Check #\n");
        for (i, p) in PAYLOADS.iter().enumerate() {
            let p = q(p);
            charges.push_str(&format!("{p},{p},{p},2026-10-0{},{p},{}.00,{p}\n", i + 1, 100 + i));
            if i % 2 == 0 {
                payments.push_str(&format!("{p},{p},{p},2026-10-0{},{p},40.00,CO-45,{p},{p}\n", i + 1));
            }
        }
        // A payment for a claim that is not there, and a charge whose amount is a formula.
        let (first, second) = (q(PAYLOADS[1]), q(PAYLOADS[2]));
        payments.push_str(&format!("{first}X,1,{second},2026-10-09,{first},12.34,,{second},{first}\n"));
        charges.push_str(&format!("900,1,Ann Lee,2026-10-09,99213,{second},Aetna\n"));
        let c = FileInput {
            bytes: charges.as_bytes(),
            name: "charges.csv",
            sheet: None,
            mapping: None,
            header_row: None,
        };
        let name = format!("{}.csv", PAYLOADS[0]);
        let p = FileInput {
            bytes: payments.as_bytes(),
            name: &name,
            sheet: None,
            mapping: None,
            header_row: None,
        };
        let options = Options {
            as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            tolerance: Money::ZERO,
            deadlines: Default::default(),
        };
        let mut r =
            reconcile_files(&[&c], &[&p], &[], None, &options, &Limits::default(), &mut NoProgress).unwrap();
        // 835 tables: the text fields an 835 fills (payer, provider, reference, messages).
        for (i, p) in PAYLOADS.iter().enumerate() {
            r.provider_adjustments.push(ProviderAdjustment {
                file: p.to_string(),
                segment: i,
                payer: p.to_string(),
                provider_id: p.to_string(),
                fiscal_period_end: None,
                reason: p.to_string(),
                meaning: p.to_string(),
                reference: Some(p.to_string()),
                amount: Money::from_cents(-1234),
            });
            r.remittance_findings.push(RemittanceFinding {
                file: p.to_string(),
                segment: i,
                location: p.to_string(),
                severity: p.to_string(),
                message: p.to_string(),
            });
        }
        r
    }

    /// Every text cell of one table: in CSV the text, with a leading `'` when a spreadsheet would
    /// take it for a formula; in xlsx a string cell with exactly the text. Returns the columns
    /// in which a payload was seen.
    fn check_table<T>(
        sheet_name: &str,
        items: &[T],
        columns: &[Col<T>],
        xlsx: &mut clearbill::table::Workbook<'_>,
    ) -> BTreeSet<String> {
        let csv = export::table_csv(items, columns);
        let records: Vec<csv::StringRecord> =
            csv::Reader::from_reader(csv.as_bytes()).records().map(Result::unwrap).collect();
        assert_eq!(records.len(), items.len(), "{sheet_name}");
        let sheet = xlsx.read(Some(sheet_name), &mut NoProgress).unwrap();
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let row = sheet.row(i + 1).unwrap_or_else(|| panic!("{sheet_name} row {}", i + 2));
            for (c, column) in columns.iter().enumerate() {
                let Out::Text(text) = (column.value)(item) else { continue };
                let at = format!("{sheet_name}, {} of row {}", column.header, i + 2);
                let formula_like = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
                let expected = if formula_like { format!("'{text}") } else { text.clone() };
                assert_eq!(&records[i][c], expected, "CSV: {at}");
                if text.is_empty() {
                    assert_eq!(row.get(c), CellRef::Empty, "xlsx: {at}");
                } else {
                    assert_eq!(row.get(c), CellRef::Text(&text), "xlsx: {at}");
                }
                if PAYLOADS.iter().any(|p| text.to_lowercase().contains(&p.to_lowercase())) {
                    seen.insert(column.header.to_string());
                }
            }
        }
        seen
    }

    #[test]
    fn formula_payloads_in_every_text_field_stay_text_in_csv_and_xlsx() {
        let r = hostile_report();
        let bytes = export::report_xlsx(&r).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("<f>"), "the workbook must contain no formulas");
        let mut wb = open(&bytes, "report.xlsx", &Limits::default()).unwrap();
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        let checks = [
            (
                check_table("Lines", &r.lines, &export::line_columns(), &mut wb),
                set(&["Claim ID", "Line", "Patient", "Code", "Payer"]),
            ),
            (
                check_table("Worklist", &r.worklist, &export::worklist_columns(), &mut wb),
                set(&["Claim ID", "Patient", "Payer"]),
            ),
            (
                check_table(
                    "Unmatched payments",
                    &r.unmatched_payments,
                    &export::unmatched_columns(),
                    &mut wb,
                ),
                set(&["File", "Claim ID", "Patient", "Code", "Payer", "Check #", "Why unmatched"]),
            ),
            (
                check_table("Rejected rows", &r.rejected, &export::rejected_columns(), &mut wb),
                set(&["Value"]),
            ),
            (
                check_table(
                    "Provider adjustments",
                    &r.provider_adjustments,
                    &export::provider_adjustment_columns(),
                    &mut wb,
                ),
                set(&["File", "Payer", "Provider ID", "Reason", "Meaning", "Reference"]),
            ),
            (
                check_table(
                    "Remittance findings",
                    &r.remittance_findings,
                    &export::finding_columns(),
                    &mut wb,
                ),
                set(&["File", "Where", "Severity", "Finding"]),
            ),
        ];
        for (seen, expected) in checks {
            let missing: Vec<&String> = expected.difference(&seen).collect();
            assert!(missing.is_empty(), "no payload reached {missing:?} (seen in {seen:?})");
        }
        // The page's wasm hands the book to its xlsx writer as JSON: every text comes back exactly.
        let book = export::book::report_book(&r);
        assert_eq!(export::book::Book::from_json(&export::book::report_json(&r)).unwrap(), book);
        // The summary's notes name files too: string cells, never formulas.
        let summary = wb.read(Some("Summary"), &mut NoProgress).unwrap();
        for row in summary.rows() {
            for cell in row.cells() {
                assert!(!matches!(cell, CellRef::Error(_)), "Summary row {}: {cell:?}", row.number);
            }
        }
    }
}

/// With 837 claims as the charges (SPEC §11), the Summary sheet of the xlsx and the text summary
/// show the funnel: submitted, rejected, accepted, paid, denied, no answer.
#[test]
fn the_summary_shows_the_claims_funnel_when_the_charges_are_837_claims() {
    use clearbill::reconcile::{reconcile_files, FileSource};
    let fixture = |name: &str| {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lifecycle").join(name),
        )
        .unwrap()
    };
    let (claims, era, ack) = (fixture("batch.837"), fixture("era.835"), fixture("batch.277"));
    let claims = FileInput { bytes: &claims, name: "batch.837", ..FileInput::default() };
    let era = FileInput { bytes: &era, name: "era.835", ..FileInput::default() };
    let ack = FileInput { bytes: &ack, name: "batch.277", ..FileInput::default() };
    let options = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    let r = reconcile_files(
        &[&claims as &dyn FileSource],
        &[&era as &dyn FileSource],
        &[&ack as &dyn FileSource],
        None,
        &options,
        &Limits::default(),
        &mut clearbill::progress::NoProgress,
    )
    .unwrap();
    let funnel = r.summary.funnel.clone().unwrap();
    assert_eq!((funnel.submitted, funnel.rejected, funnel.no_answer), (200, 1, 10));

    let bytes = clearbill::export::report_xlsx(&r).unwrap();
    let mut wb = open(&bytes, "report.xlsx", &Limits::default()).unwrap();
    let summary = wb.read(Some("Summary"), &mut clearbill::progress::NoProgress).unwrap();
    let rows: Vec<Vec<String>> =
        summary.rows().map(|row| row.cells().map(|c| c.display()).collect()).collect();
    let at = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Claims sent (837)"))
        .expect("the funnel heading");
    let got: Vec<(String, String)> =
        rows[at + 1..at + 7].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let want = [
        ("Submitted", funnel.submitted),
        ("Rejected before adjudication", funnel.rejected),
        ("Accepted", funnel.accepted),
        ("Paid", funnel.paid),
        ("Denied", funnel.denied),
        ("No answer yet", funnel.no_answer),
    ]
    .map(|(label, n)| (label.to_string(), n.to_string()));
    assert_eq!(got, want);

    let text = clearbill::export::text::report_text(&r);
    assert!(text.contains("Rejected before adjudication"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Submitted") && l.trim_end().ends_with("200")), "{text}");

    // Without an 837 there is no funnel, and no such part.
    let plain = clearbill::export::text::report_text(&report());
    assert!(!plain.contains("Claims sent (837)"), "{plain}");
}
