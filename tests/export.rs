//! Exports read back: the xlsx holds the report's numbers to the cent, and
//! formula-looking text stays text in both CSV and xlsx (SPEC §6).

use chrono::NaiveDate;
use clearbill::money::Money;
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
    let c = FileInput { bytes: charges.as_bytes(), name: "c.csv", sheet: None, mapping: None };
    let p = FileInput { bytes: payments.as_bytes(), name: "p.csv", sheet: None, mapping: None };
    let options = Options { as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(), tolerance: Money::ZERO };
    reconcile_files(&c, &[p], None, &options, &Limits::default()).unwrap()
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
            "Unmatched payments",
            "Rejected rows",
            "Provider adjustments",
            "Remittance findings"
        ]
    );

    let lines = wb.read(Some("Lines")).unwrap();
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

    let unmatched = wb.read(Some("Unmatched payments")).unwrap();
    assert_eq!(unmatched.row_count(), 2);
    assert_eq!(money(unmatched.row(1).unwrap().get(6)).to_string(), "12.34");
}

#[test]
fn formula_payloads_stay_text_in_xlsx() {
    let r = report();
    let bytes = clearbill::export::report_xlsx(&r).unwrap();
    let mut wb = open(&bytes, "report.xlsx", &Limits::default()).unwrap();
    let lines = wb.read(Some("Lines")).unwrap();
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
