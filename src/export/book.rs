//! The xlsx download as plain data: which sheets, which cells, how wide and how styled.
//!
//! [`report_book`] lays a report out as a [`Book`]; `export::xlsx` (feature
//! `xlsx`) writes a `Book` to an xlsx file. The two halves are apart because
//! the page runs them in two WebAssembly modules: the page's own wasm has the
//! report and lays the book out, and the xlsx writer is a separate module that
//! the page loads only when the user downloads an xlsx (rust_xlsxwriter would
//! otherwise be a third of the page's download). The book crosses between them
//! as JSON: [`report_json`] writes it straight from the report, row by row,
//! without holding the whole book, and [`Book::from_json`] reads it back.
//!
//! Nothing is lost on the way: money is the cents as text (as everywhere in
//! ClearBill's JSON), a rate is its exact decimal (not the four decimals that
//! a report shows), and text is any text; [`Cell`] keeps its JSON short with
//! one-letter names, because a report of 200,000 lines makes millions of cells.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    claim_columns, finding_columns, line_columns, provider_adjustment_columns, rejected_columns,
    unmatched_columns, worklist_columns, Col, Out,
};
use crate::money::{Money, Rate};
use crate::reconcile::summary::StatusTotal;
use crate::reconcile::{Report, Status};

/// A workbook: its sheets, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

/// One worksheet. Its rows are cells held in memory, except while a table is
/// written to JSON straight from the report ([`report_json`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sheet<Rows = Vec<Vec<Cell>>> {
    pub name: String,
    /// The widths of the first columns, in characters; the others keep the default.
    pub widths: Vec<f64>,
    /// The rows from the top, each from column A; an empty row stays blank.
    pub rows: Rows,
    /// The first row names the columns of a table below it: it stays in view when
    /// scrolling, and has a filter button over each column.
    pub header_row: bool,
}

/// One cell: a value, and the style that goes with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Nothing is written.
    #[serde(rename = "e")]
    Empty,
    /// A string cell, never a formula, whatever the text starts with (SPEC §6).
    #[serde(rename = "s")]
    Text(String),
    /// A column or section heading: bold, on a light background, with a line under it.
    #[serde(rename = "h")]
    Heading(String),
    /// The sheet's title: bold and larger.
    #[serde(rename = "t")]
    Title(String),
    /// A number with a currency format (`$#,##0.00`, negatives red), so that sums work.
    #[serde(rename = "m")]
    Money(Money),
    /// A number with a percentage format (`0.00%`).
    #[serde(rename = "r", serialize_with = "exact_rate", deserialize_with = "rate_from_exact")]
    Rate(Rate),
    /// A whole number: a row number, a count, an age in days.
    #[serde(rename = "i")]
    Int(i64),
    /// A date with a date format, so that it sorts and filters as a date; ISO text in JSON.
    #[serde(rename = "d", serialize_with = "date_text", deserialize_with = "date_from_text")]
    Date(NaiveDate),
}

fn date_text<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

fn date_from_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a date")))
}

impl From<Out> for Cell {
    fn from(value: Out) -> Cell {
        match value {
            Out::Text(t) => Cell::Text(t),
            Out::Money(m) => Cell::Money(m),
            Out::Rate(r) => Cell::Rate(r),
            Out::Int(i) => Cell::Int(i),
            Out::Date(d) => Cell::Date(d),
            Out::Empty => Cell::Empty,
        }
    }
}

/// A rate's exact decimal as text: the xlsx cell holds the rate itself, and only
/// its format rounds it.
fn exact_rate<S: Serializer>(rate: &Rate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&rate.as_decimal())
}

fn rate_from_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Rate, D::Error> {
    let text = String::deserialize(deserializer)?;
    Decimal::from_str(&text)
        .map(Rate::new)
        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a rate")))
}

/// A book that came back from JSON damaged: only possible when the page's two
/// wasm modules come from different builds. What to do about it is the edge's
/// to say (the page: reload it, `wasm_xlsx.rs`).
#[derive(Debug, thiserror::Error)]
#[error("the workbook to write could not be read ({0})")]
pub struct BookError(String);

impl Book {
    /// The book as JSON, as [`report_json`] writes it.
    pub fn to_json(&self) -> Vec<u8> {
        // Every value serialises (strings, numbers, and Money and Rate as text): this cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(bytes: &[u8]) -> Result<Book, BookError> {
        serde_json::from_slice(bytes).map_err(|e| BookError(e.to_string()))
    }
}

/// The report as a workbook: Summary, Lines, Worklist, Unmatched payments,
/// Rejected rows, and, from 835 files, Provider adjustments and Remittance
/// findings. A table with nothing in it still has its sheet, with its heading row.
pub fn report_book(report: &Report) -> Book {
    let mut sheets = Vec::new();
    report_sheets(report, &mut sheets);
    Book { sheets }
}

/// The JSON of [`report_book`], written row by row from the report: the page's
/// wasm hands this to the xlsx writer module without ever holding the whole
/// book (a report of 200,000 lines makes a book of hundreds of MiB).
pub fn report_json(report: &Report) -> Vec<u8> {
    let mut json = BookJson(br#"{"sheets":["#.to_vec());
    report_sheets(report, &mut json);
    json.0.extend_from_slice(b"]}");
    json.0
}

/// The sheets of the report's workbook, in order, into a book or its JSON.
fn report_sheets(report: &Report, out: &mut impl Sheets) {
    out.sheet(summary_sheet(report));
    out.table("Lines", &report.lines, &line_columns());
    out.table("Worklist", &report.worklist, &worklist_columns());
    out.table("Claims", &report.claims, &claim_columns());
    out.table("Unmatched payments", &report.unmatched_payments, &unmatched_columns());
    out.table("Rejected rows", &report.rejected, &rejected_columns());
    out.table("Provider adjustments", &report.provider_adjustments, &provider_adjustment_columns());
    out.table("Remittance findings", &report.remittance_findings, &finding_columns());
}

/// Where [`report_sheets`] puts each sheet.
trait Sheets {
    fn sheet(&mut self, sheet: Sheet);
    /// A table: a heading row of the columns' names, then one row per item.
    fn table<T>(&mut self, name: &str, items: &[T], columns: &[Col<T>]);
}

impl Sheets for Vec<Sheet> {
    fn sheet(&mut self, sheet: Sheet) {
        self.push(sheet);
    }
    fn table<T>(&mut self, name: &str, items: &[T], columns: &[Col<T>]) {
        let rows = TableRows { items, columns };
        let mut cells = Vec::with_capacity(items.len() + 1);
        cells.push(rows.heading());
        cells.extend(items.iter().map(|item| rows.row(item).collect()));
        self.push(table_sheet(name, columns, cells));
    }
}

/// A book's JSON so far: `{"sheets":[` and the sheets written.
struct BookJson(Vec<u8>);

impl BookJson {
    fn push<Rows: Serialize>(&mut self, sheet: &Sheet<Rows>) {
        if self.0.last() != Some(&b'[') {
            self.0.push(b',');
        }
        // Writing to a Vec cannot fail, and every value serialises.
        let _ = serde_json::to_writer(&mut self.0, sheet);
    }
}

impl Sheets for BookJson {
    fn sheet(&mut self, sheet: Sheet) {
        self.push(&sheet);
    }
    fn table<T>(&mut self, name: &str, items: &[T], columns: &[Col<T>]) {
        self.push(&table_sheet(name, columns, TableRows { items, columns }));
    }
}

fn table_sheet<T, Rows>(name: &str, columns: &[Col<T>], rows: Rows) -> Sheet<Rows> {
    Sheet {
        name: name.to_string(),
        widths: columns.iter().map(|c| f64::from(c.width)).collect(),
        rows,
        header_row: true,
    }
}

/// A table's rows, made from its items only as they are written.
struct TableRows<'a, T> {
    items: &'a [T],
    columns: &'a [Col<T>],
}

impl<'a, T> TableRows<'a, T> {
    fn heading(&self) -> Vec<Cell> {
        self.columns.iter().map(|c| Cell::Heading(c.header.to_string())).collect()
    }
    fn row(&self, item: &'a T) -> impl Iterator<Item = Cell> + 'a {
        self.columns.iter().map(move |c| Cell::from((c.value)(item)))
    }
}

impl<T> Serialize for TableRows<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// One item's row, serialised cell by cell.
        struct Row<'a, T>(&'a TableRows<'a, T>, &'a T);
        impl<T> Serialize for Row<'_, T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.row(self.1))
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.items.len() + 1))?;
        seq.serialize_element(&self.heading())?;
        for item in self.items {
            seq.serialize_element(&Row(self, item))?;
        }
        seq.end()
    }
}

/// A serde enum's JSON name (`"matched"`, `"claim+code"`), as the report JSON writes it.
fn json_name<T: Serialize>(value: T) -> Option<String> {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from))
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn headings(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|n| Cell::Heading(n.to_string())).collect()
}

/// The summary: what was reconciled, the totals, the KPIs, the counts by status, the claims'
/// funnel when the charges were 837 claims, the counts by aging bucket and reason code, then the
/// notes; a blank row between parts.
pub(crate) fn summary_sheet(report: &Report) -> Sheet {
    let sum = &report.summary;
    let mut rows: Vec<Vec<Cell>> = vec![vec![Cell::Title("ClearBill reconciliation".into())], vec![]];
    for (label, value) in [
        ("As of", sum.as_of.clone()),
        ("Mode", json_name(sum.mode).unwrap_or_default()),
        ("Matched by", json_name(sum.matched_by).unwrap_or_default()),
    ] {
        rows.push(vec![text(label), text(value)]);
    }

    rows.push(vec![]);
    rows.push(headings(&["Totals"]));
    let t = &sum.totals;
    for (label, amount) in [
        ("Billed", t.billed),
        ("Insurance paid", t.insurance_paid),
        ("Contractual adjustment", t.contractual_adjustment),
        ("Patient responsibility", t.patient_responsibility),
        ("Other adjustment", t.other_adjustment),
        ("Insurance balance", t.balance),
        ("Open A/R (aging total)", t.open_ar),
        ("Unmatched payments", t.unmatched_paid),
        ("Patient paid", t.patient_paid),
        ("Patient balance", t.patient_balance),
        ("Provider adjustments (835 PLB)", t.provider_adjustments),
    ] {
        rows.push(vec![text(label), Cell::Money(amount)]);
    }

    rows.push(vec![]);
    rows.push(headings(&["KPIs"]));
    let k = &sum.kpis;
    for (label, rate) in [
        ("Gross collection rate", k.gross_collection_rate),
        ("Net collection rate", k.net_collection_rate),
        ("Denial rate (amount)", k.denial_rate_by_amount),
        ("Denial rate (count)", k.denial_rate_by_count),
    ] {
        rows.push(vec![text(label), rate.map(Cell::Rate).unwrap_or(text("n/a"))]);
    }
    rows.push(vec![text("Days in A/R"), text(json_name(k.days_in_ar).unwrap_or("n/a".into()))]);

    rows.push(vec![]);
    rows.push(headings(&["Status", "Lines", "Billed", "At stake"]));
    for status in Status::ALL {
        let StatusTotal { count, billed, at_stake } = sum.by_status.get(status);
        if status == Status::Rejected && *count == 0 {
            continue;
        }
        rows.push(vec![
            text(status.key()),
            Cell::Int(*count as i64),
            Cell::Money(*billed),
            Cell::Money(*at_stake),
        ]);
    }

    // SPEC §11: with 837 claims as the charges, the claims' way from sent to paid.
    if let Some(f) = &sum.funnel {
        rows.push(vec![]);
        rows.push(headings(&["Claims sent (837)", "Claims"]));
        for (label, count) in [
            ("Submitted", f.submitted),
            ("Rejected before adjudication", f.rejected),
            ("Accepted", f.accepted),
            ("Paid", f.paid),
            ("Denied", f.denied),
            ("No answer yet", f.no_answer),
        ] {
            rows.push(vec![text(label), Cell::Int(count as i64)]);
        }
    }

    rows.push(vec![]);
    rows.push(headings(&["Aging (days)", "Lines", "Amount"]));
    for a in &sum.aging {
        rows.push(vec![text(a.bucket.label()), Cell::Int(a.count as i64), Cell::Money(a.amount)]);
    }

    rows.push(vec![]);
    rows.push(headings(&["Reason code", "Count", "Amount", "Meaning"]));
    for rc in &sum.reason_codes {
        rows.push(vec![
            text(rc.code.as_str()),
            Cell::Int(rc.count as i64),
            Cell::Money(rc.amount),
            text(rc.meaning.as_str()),
        ]);
    }

    rows.push(vec![]);
    rows.push(headings(&["Notes"]));
    rows.extend(sum.notes.iter().map(|n| vec![text(n.as_str())]));

    Sheet { name: "Summary".into(), widths: vec![28.0, 16.0, 16.0, 16.0], rows, header_row: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice_report() -> Report {
        use crate::reconcile::{reconcile_files, FileInput, Options};
        use crate::table::Limits;
        let file = |name: &'static str, bytes: &'static [u8]| FileInput {
            bytes,
            name,
            sheet: None,
            mapping: None,
            header_row: None,
        };
        let charges = file("charges.csv", include_bytes!("../../tests/fixtures/practice/charges.csv"));
        let payments = file("payments.csv", include_bytes!("../../tests/fixtures/practice/payments.csv"));
        let fees = file("fees.csv", include_bytes!("../../tests/fixtures/practice/fees.csv"));
        let options = Options {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            tolerance: Money::ZERO,
            deadlines: Default::default(),
        };
        reconcile_files(
            &[&charges],
            &[&payments],
            &[],
            Some(&fees),
            &options,
            &Limits::default(),
            &mut crate::progress::NoProgress,
        )
        .unwrap()
    }

    #[test]
    fn a_book_comes_back_from_json_exactly_with_rates_unrounded() {
        let book = report_book(&practice_report());
        let rates: Vec<Rate> = book.sheets[0]
            .rows
            .iter()
            .flatten()
            .filter_map(|c| if let Cell::Rate(r) = c { Some(*r) } else { None })
            .collect();
        assert!(
            rates.iter().any(|r| r.as_decimal().scale() > 4),
            "the practice's KPIs have more decimals than a report shows: {rates:?}"
        );
        assert_eq!(Book::from_json(&book.to_json()).unwrap(), book);
    }

    #[test]
    fn the_json_written_row_by_row_is_the_books_json() {
        let report = practice_report();
        let json = report_json(&report);
        assert_eq!(String::from_utf8_lossy(&json), String::from_utf8_lossy(&report_book(&report).to_json()));
        assert_eq!(Book::from_json(&json).unwrap(), report_book(&report));
    }

    #[test]
    fn money_crosses_as_cents_text_and_cells_have_one_letter_names() {
        let cells = vec![
            Cell::Empty,
            Cell::Text("=1+1".into()),
            Cell::Heading("Billed".into()),
            Cell::Title("T".into()),
            Cell::Money(Money::from_cents(-123_456)),
            Cell::Rate(Rate::new(Decimal::new(1, 3))),
            Cell::Int(42),
        ];
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(
            json,
            r#"["e",{"s":"=1+1"},{"h":"Billed"},{"t":"T"},{"m":"-1234.56"},{"r":"0.001"},{"i":42}]"#
        );
        assert_eq!(serde_json::from_str::<Vec<Cell>>(&json).unwrap(), cells);
    }

    #[test]
    fn a_damaged_book_is_an_error_that_names_the_bad_value() {
        let error = Book::from_json(br#"{"sheets":[{"name":"Lines","widths":[],"rows":[[{"m":"1.5.0"}]]}]}"#)
            .unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("the workbook to write could not be read ("), "{message}");
        assert!(message.contains("1.5.0"), "{message}");
    }

    #[test]
    fn each_table_sheet_has_a_heading_row_then_one_row_per_item() {
        let report = practice_report();
        let book = report_book(&report);
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
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
        let lines = &book.sheets[1];
        assert!(lines.header_row && !book.sheets[0].header_row);
        assert_eq!(lines.rows.len(), report.lines.len() + 1);
        assert_eq!(lines.rows[0][6], Cell::Heading("Billed".into()));
        assert_eq!(lines.widths.len(), lines.rows[0].len());
        let billed: Money = lines.rows[1..]
            .iter()
            .map(|row| if let Cell::Money(m) = row[6] { m } else { panic!("Billed is money: {:?}", row[6]) })
            .sum();
        assert_eq!(billed, report.summary.totals.billed);
        let empty = &book.sheets[6];
        assert_eq!(empty.rows.len(), 1, "an empty table keeps its heading row");
    }

    /// SPEC §8.7: the Worklist sheet is one row per claim item with the
    /// claim's columns, and its dates are date cells, not text.
    #[test]
    fn the_worklist_sheet_is_claim_level_with_real_dates() {
        let report = practice_report();
        let book = report_book(&report);
        let sheet = book.sheets.iter().find(|s| s.name == "Worklist").unwrap();
        let heading: Vec<&Cell> = sheet.rows[0].iter().collect();
        let at = |name: &str| {
            heading.iter().position(|c| **c == Cell::Heading(name.into())).unwrap_or_else(|| panic!("{name}"))
        };
        for name in [
            "Deadline",
            "Claim ID",
            "Patient ID",
            "Payer",
            "First Service Date",
            "Codes",
            "Lines",
            "Billed",
            "At Stake",
            "Age (days)",
            "Status",
            "Reasons",
            "Check Numbers",
            "Action",
        ] {
            at(name);
        }
        assert_eq!(sheet.rows.len(), report.worklist.len() + 1);
        let (deadline, served) = (at("Deadline"), at("First Service Date"));
        let mut dated = 0;
        for (row, item) in sheet.rows[1..].iter().zip(&report.worklist) {
            match (&row[deadline], item.deadline.0) {
                (Cell::Date(d), Some(due)) => {
                    assert_eq!(*d, due.date);
                    dated += 1;
                }
                (Cell::Empty, None) => {}
                (cell, due) => panic!("deadline cell {cell:?} for {due:?}"),
            }
            assert!(matches!(row[served], Cell::Date(_) | Cell::Empty), "{:?}", row[served]);
        }
        assert!(dated > 0, "the practice worklist has deadlines");
        let claim_items: Vec<usize> = report
            .worklist
            .iter()
            .filter(|w| w.kind != crate::reconcile::worklist::Kind::PatientRefund)
            .filter_map(|w| w.claim)
            .collect();
        let claims: std::collections::BTreeSet<usize> = claim_items.iter().copied().collect();
        let claim_items = claim_items.len();
        assert_eq!(claims.len(), claim_items, "one item per claim that needs work");
    }
}
