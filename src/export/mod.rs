//! Report → CSV and xlsx downloads, safe to open in a spreadsheet program (SPEC §6).
//!
//! Each exported table is described once, as a list of [`Col`]umns that turn
//! a report item into an [`Out`] value; the CSV and xlsx writers only differ
//! in how they write an `Out`. Text that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with
//! `'` in CSV; xlsx writes every text as a string cell, never a formula.
//! Money goes to xlsx as numbers with a currency format, so the sums work.
//!
//! An xlsx is made in two steps: [`book::report_book`] lays the report out as
//! a [`book::Book`], plain data (sheets, cells, widths, styles by name), and
//! [`xlsx::write`] (feature `xlsx`) turns that into the file with
//! rust_xlsxwriter. The page needs the split: its wasm lays the book out and
//! hands it as JSON to the separate writer module, which it loads only when the
//! user asks for an xlsx (see `src/wasm_xlsx.rs`).

use std::borrow::Cow;

use crate::money::{Money, Rate};
use crate::reconcile::{
    Claim, Line, ProviderAdjustment, RemittanceFinding, Report, UnmatchedPayment, WorkItem,
};
use crate::records::Rejected;
use crate::table::dates::iso;

pub mod book;
pub mod text;
#[cfg(feature = "xlsx")]
pub mod xlsx;

/// A value in an exported cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Text(String),
    Money(Money),
    Rate(Rate),
    Int(i64),
    /// A calendar date: ISO text in CSV, a real date cell in xlsx.
    Date(chrono::NaiveDate),
    Empty,
}

impl Out {
    fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into())
    }
    fn opt_text<S: AsRef<str>>(s: &Option<S>) -> Out {
        s.as_ref().map(|s| Out::Text(s.as_ref().to_string())).unwrap_or(Out::Empty)
    }
    fn opt_money(m: Option<Money>) -> Out {
        m.map(Out::Money).unwrap_or(Out::Empty)
    }
    fn opt_int(i: Option<i64>) -> Out {
        i.map(Out::Int).unwrap_or(Out::Empty)
    }
    fn opt_date(d: Option<chrono::NaiveDate>) -> Out {
        d.map(Out::Date).unwrap_or(Out::Empty)
    }
    fn list<T: ToString>(items: &[T]) -> Out {
        Out::Text(items.iter().map(T::to_string).collect::<Vec<_>>().join(", "))
    }
}

/// A column of an exported table.
pub struct Col<T> {
    pub header: &'static str,
    pub value: fn(&T) -> Out,
    /// Column width in characters for xlsx.
    pub width: u16,
}

const fn col<T>(header: &'static str, width: u16, value: fn(&T) -> Out) -> Col<T> {
    Col { header, value, width }
}

pub fn line_columns() -> Vec<Col<Line>> {
    vec![
        col("Claim ID", 12, |l| Out::opt_text(&l.claim_id)),
        col("Line", 6, |l| Out::opt_text(&l.line)),
        col("Patient", 20, |l| Out::opt_text(&l.patient)),
        col("Service Date", 12, |l| l.service_date.map(|d| Out::text(iso(d))).unwrap_or(Out::Empty)),
        col("Code", 10, |l| Out::opt_text(&l.code)),
        col("Payer", 18, |l| Out::opt_text(&l.payer)),
        col("Billed", 12, |l| Out::Money(l.billed)),
        col("Allowed", 12, |l| Out::opt_money(l.allowed)),
        col("Expected", 12, |l| Out::opt_money(l.expected)),
        col("Insurance Paid", 14, |l| Out::Money(l.insurance_paid)),
        col("Contractual Adj", 14, |l| Out::Money(l.contractual_adjustment)),
        col("Patient Resp", 12, |l| Out::Money(l.patient_responsibility)),
        col("Other Adj", 12, |l| Out::Money(l.other_adjustment)),
        col("Balance", 12, |l| Out::Money(l.balance)),
        col("At Stake", 12, |l| Out::Money(l.at_stake)),
        col("Status", 10, |l| Out::text(l.status.key())),
        col("Age (days)", 10, |l| Out::opt_int(l.age_days)),
        col("Aging Bucket", 10, |l| l.aging_bucket.map(|b| Out::text(b.label())).unwrap_or(Out::Empty)),
        col("Reason Codes", 16, |l| Out::list(&l.reason_codes)),
        col("Charge Rows", 12, |l| Out::list(&l.charge_rows)),
        col("Payment Rows", 12, |l| Out::list(&l.payment_rows)),
    ]
}

/// A value as the report's JSON writes it (`patient_refund`, `filing`): for the kinds and statuses.
fn json_word<T: serde::Serialize>(value: &T) -> Out {
    Out::text(serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
}

/// The claim-level worklist (SPEC §8.7), dates as dates.
pub fn worklist_columns() -> Vec<Col<WorkItem>> {
    vec![
        col("Deadline", 12, |w| Out::opt_date(w.deadline.0.map(|d| d.date))),
        col("Deadline Type", 10, |w| w.deadline.0.map(|d| json_word(&d.kind)).unwrap_or(Out::Empty)),
        col("Kind", 14, |w| json_word(&w.kind)),
        col("Claim ID", 12, |w| Out::opt_text(&w.claim_id)),
        col("Patient", 20, |w| Out::opt_text(&w.patient)),
        col("Patient ID", 12, |w| Out::opt_text(&w.patient_id)),
        col("Payer", 18, |w| Out::opt_text(&w.payer)),
        col("First Service Date", 12, |w| Out::opt_date(w.first_service_date)),
        col("Last Service Date", 12, |w| Out::opt_date(w.last_service_date)),
        col("Codes", 16, |w| Out::list(&w.codes)),
        col("Lines", 6, |w| Out::Int(w.lines.len() as i64)),
        col("Billed", 12, |w| Out::opt_money(w.billed)),
        col("At Stake", 12, |w| Out::Money(w.at_stake)),
        col("Amount", 12, |w| Out::Money(w.amount)),
        col("Age (days)", 10, |w| Out::opt_int(w.age_days)),
        col("Status", 10, |w| w.status.map(|s| Out::text(s.key())).unwrap_or(Out::Empty)),
        col("Reasons", 24, |w| {
            Out::text(
                w.reasons.iter().map(|r| format!("{} {}", r.code, r.meaning)).collect::<Vec<_>>().join("; "),
            )
        }),
        col("Check Numbers", 14, |w| Out::list(&w.check_numbers)),
        col("Action", 60, |w| Out::text(w.action.clone())),
    ]
}

/// The claims (SPEC §8.7): each claim number's lines taken together.
pub fn claim_columns() -> Vec<Col<Claim>> {
    vec![
        col("Claim ID", 12, |c| Out::opt_text(&c.claim_id)),
        col("Patient", 20, |c| Out::opt_text(&c.patient)),
        col("Patient ID", 12, |c| Out::opt_text(&c.patient_id)),
        col("Payer", 18, |c| Out::opt_text(&c.payer)),
        col("First Service Date", 12, |c| Out::opt_date(c.first_service_date)),
        col("Last Service Date", 12, |c| Out::opt_date(c.last_service_date)),
        col("Codes", 16, |c| Out::list(&c.codes)),
        col("Lines", 6, |c| Out::Int(c.lines.len() as i64)),
        col("Billed", 12, |c| Out::Money(c.billed)),
        col("Insurance Paid", 14, |c| Out::Money(c.insurance_paid)),
        col("Contractual Adj", 14, |c| Out::Money(c.contractual_adjustment)),
        col("Patient Resp", 12, |c| Out::Money(c.patient_responsibility)),
        col("Patient Paid", 12, |c| Out::Money(c.patient_paid)),
        col("Balance", 12, |c| Out::Money(c.balance)),
        col("At Stake", 12, |c| Out::Money(c.at_stake)),
        col("Status", 10, |c| Out::text(c.status.key())),
        col("Age (days)", 10, |c| Out::opt_int(c.age_days)),
        col("Deadline", 12, |c| Out::opt_date(c.deadline.0.map(|d| d.date))),
        col("Deadline Type", 10, |c| c.deadline.0.map(|d| json_word(&d.kind)).unwrap_or(Out::Empty)),
        col("Check Numbers", 14, |c| Out::list(&c.check_numbers)),
        col("Reason Codes", 16, |c| Out::list(&c.reason_codes)),
    ]
}

pub fn unmatched_columns() -> Vec<Col<UnmatchedPayment>> {
    vec![
        col("File", 18, |u| Out::text(u.file.clone())),
        col("Row", 6, |u| Out::Int(u.row.into())),
        col("Claim ID", 12, |u| Out::opt_text(&u.claim_id)),
        col("Patient", 20, |u| Out::opt_text(&u.patient)),
        col("Service Date", 12, |u| u.service_date.map(|d| Out::text(iso(d))).unwrap_or(Out::Empty)),
        col("Code", 10, |u| Out::opt_text(&u.code)),
        col("Paid", 12, |u| Out::Money(u.paid)),
        col("Payer", 18, |u| Out::opt_text(&u.payer)),
        col("Check #", 12, |u| Out::opt_text(&u.check_number)),
        col("Reason Codes", 16, |u| Out::list(&u.reason_codes)),
        col("Why unmatched", 50, |u| Out::text(u.note.clone())),
    ]
}

pub fn rejected_columns() -> Vec<Col<Rejected>> {
    vec![
        col("File", 10, |r| Out::text(r.file.to_string())),
        col("Row", 6, |r| Out::Int(r.row.into())),
        col("Column", 8, |r| Out::opt_text(&r.column)),
        col("Value", 20, |r| Out::text(r.value.clone())),
        col("Reason", 60, |r| Out::text(r.reason.clone())),
    ]
}

pub fn provider_adjustment_columns() -> Vec<Col<ProviderAdjustment>> {
    vec![
        col("File", 18, |a| Out::text(a.file.clone())),
        col("Segment", 8, |a| Out::Int(a.segment as i64)),
        col("Payer", 24, |a| Out::text(a.payer.clone())),
        col("Provider ID", 14, |a| Out::text(a.provider_id.clone())),
        col("Fiscal Period End", 14, |a| {
            a.fiscal_period_end.map(|d| Out::text(iso(d))).unwrap_or(Out::Empty)
        }),
        col("Reason", 8, |a| Out::text(a.reason.clone())),
        col("Meaning", 36, |a| Out::text(a.meaning.clone())),
        col("Reference", 18, |a| Out::opt_text(&a.reference)),
        col("Amount", 12, |a| Out::Money(a.amount)),
    ]
}

pub fn finding_columns() -> Vec<Col<RemittanceFinding>> {
    vec![
        col("File", 18, |f| Out::text(f.file.clone())),
        col("Where", 30, |f| Out::text(f.location.clone())),
        col("Severity", 10, |f| Out::text(f.severity.clone())),
        col("Finding", 80, |f| Out::text(f.message.clone())),
    ]
}

/// Text a spreadsheet would treat as a formula gets a leading `'` (CSV injection).
pub fn csv_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// One table as CSV: a header row, then one row per item.
///
/// Each field is written as it is made, through one reused buffer: a `String`
/// per cell and a `Vec` per row made a million-line export mostly allocation.
pub fn table_csv<T>(items: &[T], columns: &[Col<T>]) -> String {
    use std::fmt::Write as _;
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = w.write_record(columns.iter().map(|c| c.header));
    let mut field = String::new();
    for item in items {
        for c in columns {
            field.clear();
            // Writing to a String cannot fail.
            let _ = match (c.value)(item) {
                Out::Text(t) => field.write_str(&csv_safe(&t)),
                Out::Money(m) => write!(field, "{m}"),
                Out::Rate(r) => write!(field, "{r}"),
                Out::Int(i) => write!(field, "{i}"),
                Out::Date(d) => field.write_str(&iso(d)),
                Out::Empty => Ok(()),
            };
            let _ = w.write_field(field.as_bytes());
        }
        // An empty record ends the row that the fields above began.
        let _ = w.write_record(None::<&[u8]>);
    }
    // Writing to a Vec cannot fail, and every field is valid UTF-8.
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

/// The lines of the report as CSV (what `--format csv` prints).
pub fn lines_csv(report: &Report) -> String {
    table_csv(&report.lines, &line_columns())
}

/// The claim-level worklist as CSV (SPEC §8.7).
pub fn worklist_csv(report: &Report) -> String {
    table_csv(&report.worklist, &worklist_columns())
}

/// The claims as CSV (SPEC §8.7).
pub fn claims_csv(report: &Report) -> String {
    table_csv(&report.claims, &claim_columns())
}

/// The whole report as an xlsx workbook: Summary, Lines, Worklist,
/// Unmatched payments, Rejected rows, and, from 835 files, Provider
/// adjustments and Remittance findings (see [`book::report_book`]).
#[cfg(feature = "xlsx")]
pub fn report_xlsx(report: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    xlsx::write(book::report_book(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field-by-field writer writes exactly what writing each whole row
    /// as a record does, quoting, CRLF and empty fields included.
    #[test]
    fn csv_written_field_by_field_is_csv_written_by_rows() {
        struct Row(&'static str, Option<i64>);
        let columns = vec![
            Col { header: "Text", width: 10, value: |r: &Row| Out::text(r.0) },
            Col {
                header: "Money",
                width: 10,
                value: |r: &Row| r.1.map_or(Out::Empty, |c| Out::Money(Money::from_cents(c))),
            },
            Col { header: "Int", width: 10, value: |r: &Row| r.1.map_or(Out::Empty, Out::Int) },
        ];
        let rows = [
            Row("Lee, Ann", Some(-1234)),
            Row("", None),
            Row("say \"hi\"\nthere", Some(5)),
            Row("=1+2", Some(0)),
            Row("plain", Some(100_000_000)),
        ];
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        w.write_record(columns.iter().map(|c| c.header)).unwrap();
        for r in &rows {
            let money = r.1.map(|c| Money::from_cents(c).to_string()).unwrap_or_default();
            let int = r.1.map(|c| c.to_string()).unwrap_or_default();
            w.write_record([csv_safe(r.0).into_owned(), money, int]).unwrap();
        }
        let by_rows = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(table_csv(&rows, &columns), by_rows);
        assert!(by_rows.contains("\"Lee, Ann\",-12.34,-1234\r\n,,\r\n"), "{by_rows}");
    }

    #[test]
    fn formula_starters_are_defused_in_csv() {
        for payload in
            ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3", "\tx", "\rx"]
        {
            assert_eq!(csv_safe(payload), format!("'{payload}"), "{payload:?}");
        }
        assert_eq!(csv_safe("Ann Lee"), "Ann Lee");
        assert_eq!(csv_safe("O'Brien"), "O'Brien");
    }
}
