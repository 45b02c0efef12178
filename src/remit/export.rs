//! The remittance report as the posting sheet (CSV) and as a workbook (Payments, Claims, Lines).
//!
//! Each table is described once as a list of columns that turn an item into a book [`Cell`]; the
//! CSV writes a cell as text (dates as ISO text, money as plain numbers such as `-12.50`, text
//! that a spreadsheet would run as a formula prefixed with `'`), and the workbook keeps money as
//! numbers and dates as dates (SPEC §6, §12). The xlsx file itself is written by
//! [`crate::export::xlsx`] from the [`Book`], as for the reconciliation report.

use chrono::NaiveDate;

use super::{ClaimSummary, PaymentSummary, PostingLine, RemitReport};
use crate::export::book::{Book, Cell, Sheet};
use crate::export::csv_safe;
use crate::money::Money;

/// A column of an exported table.
struct Column<T> {
    header: &'static str,
    /// Width in characters in the workbook.
    width: u16,
    value: fn(&T) -> Cell,
}

const fn column<T>(header: &'static str, width: u16, value: fn(&T) -> Cell) -> Column<T> {
    Column { header, width, value }
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

fn opt_text(value: &Option<String>) -> Cell {
    value.as_deref().map_or(Cell::Empty, text)
}

fn opt_money(value: Option<Money>) -> Cell {
    value.map_or(Cell::Empty, Cell::Money)
}

fn opt_date(value: Option<NaiveDate>) -> Cell {
    value.map_or(Cell::Empty, Cell::Date)
}

fn list(values: &[String]) -> Cell {
    Cell::Text(values.join(", "))
}

fn line_columns() -> Vec<Column<PostingLine>> {
    vec![
        column("File", 18, |l| text(&l.file)),
        column("Check/EFT #", 14, |l| opt_text(&l.check_number)),
        column("Claim ID", 14, |l| text(&l.claim_id)),
        column("Patient", 22, |l| opt_text(&l.patient)),
        column("Line Control #", 12, |l| opt_text(&l.line_control)),
        column("Service Date", 12, |l| opt_date(l.service_date)),
        column("Code", 9, |l| opt_text(&l.code)),
        column("Modifiers", 9, |l| list(&l.modifiers)),
        column("Units", 6, |l| opt_text(&l.units)),
        column("Billed", 12, |l| Cell::Money(l.billed)),
        column("Allowed", 12, |l| opt_money(l.allowed)),
        column("Paid", 12, |l| Cell::Money(l.paid)),
        column("Deductible", 12, |l| Cell::Money(l.deductible)),
        column("Coinsurance", 12, |l| Cell::Money(l.coinsurance)),
        column("Copay", 12, |l| Cell::Money(l.copay)),
        column("Other Patient Resp", 12, |l| Cell::Money(l.other_patient)),
        column("Contractual Adj", 12, |l| Cell::Money(l.contractual)),
        column("Other Adj", 12, |l| Cell::Money(l.other_adjustments)),
        column("Reason Codes", 18, |l| list(&l.reason_codes)),
        column("Remark Codes", 14, |l| list(&l.remark_codes)),
    ]
}

fn claim_columns() -> Vec<Column<ClaimSummary>> {
    vec![
        column("File", 18, |c| text(&c.file)),
        column("Check/EFT #", 14, |c| opt_text(&c.check_number)),
        column("Payer", 22, |c| text(&c.payer)),
        column("Claim ID", 14, |c| text(&c.claim_id)),
        column("Payer Claim #", 16, |c| opt_text(&c.payer_claim_number)),
        column("Patient", 22, |c| opt_text(&c.patient)),
        column("Member ID", 14, |c| opt_text(&c.member_id)),
        column("Service Date", 12, |c| opt_date(c.service_date)),
        column("Status", 6, |c| text(&c.status)),
        column("Status Meaning", 30, |c| text(&c.status_meaning)),
        column("Billed", 12, |c| Cell::Money(c.billed)),
        column("Paid", 12, |c| Cell::Money(c.paid)),
        column("Patient Resp", 12, |c| opt_money(c.patient_responsibility)),
        column("Claim Adjustments", 30, |c| {
            Cell::Text(
                c.adjustments
                    .iter()
                    .map(|a| format!("{}-{} {}", a.group, a.code, a.amount))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }),
        column("Remark Codes", 14, |c| list(&c.remark_codes)),
        column("Lines", 6, |c| Cell::Int(c.line_count as i64)),
    ]
}

fn payment_columns() -> Vec<Column<PaymentSummary>> {
    vec![
        column("File", 18, |p| text(&p.file)),
        column("Payer", 24, |p| text(&p.payer)),
        column("Payee", 24, |p| text(&p.payee)),
        column("Check/EFT #", 14, |p| opt_text(&p.check_number)),
        column("Method", 22, |p| opt_text(&p.method_meaning)),
        column("Date", 12, |p| opt_date(p.date)),
        column("Amount", 12, |p| opt_money(p.amount)),
        column("Claims", 8, |p| Cell::Int(p.claims as i64)),
        column("Provider Adjustments", 14, |p| {
            Cell::Money(p.provider_adjustments.iter().map(|a| a.amount).sum())
        }),
        column("Provider Adjustment Detail", 40, |p| {
            Cell::Text(
                p.provider_adjustments
                    .iter()
                    .map(|a| format!("{} {} {}", a.reason, a.meaning, a.amount))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        }),
    ]
}

fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Text(t) | Cell::Heading(t) | Cell::Title(t) => csv_safe(&t).into_owned(),
        Cell::Money(m) => m.to_string(),
        Cell::Rate(r) => r.as_decimal().to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Empty => String::new(),
    }
}

/// The posting sheet: the `lines` table as CSV, one row per service line (SPEC §12).
pub fn lines_csv(report: &RemitReport) -> String {
    let columns = line_columns();
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = w.write_record(columns.iter().map(|c| c.header));
    for line in &report.lines {
        let _ = w.write_record(columns.iter().map(|c| cell_text((c.value)(line))));
    }
    // Writing to a Vec cannot fail, and every field is valid UTF-8.
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

fn table<T>(name: &str, items: &[T], columns: &[Column<T>]) -> Sheet {
    let mut rows = Vec::with_capacity(items.len() + 1);
    rows.push(columns.iter().map(|c| Cell::Heading(c.header.to_string())).collect());
    rows.extend(items.iter().map(|item| columns.iter().map(|c| (c.value)(item)).collect()));
    Sheet {
        name: name.to_string(),
        widths: columns.iter().map(|c| f64::from(c.width)).collect(),
        rows,
        header_row: true,
    }
}

/// The workbook: Payments, Claims and Lines, money as numbers and dates as dates.
pub fn remit_book(report: &RemitReport) -> Book {
    Book {
        sheets: vec![
            table("Payments", &report.payments, &payment_columns()),
            table("Claims", &report.claims, &claim_columns()),
            table("Lines", &report.lines, &line_columns()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remit::{read_remittances, RemitFile};

    const ERA: &str = "ST*835*1~BPR*I*80*C*CHK************20240105~TRN*1*=CHK1*1~N1*PR*ACME~N1*PE*CLINIC~LX*1~\
        CLP*A1*1*100*80*20*12*P1~NM1*QC*1*-DOE*JANE~SVC*HC:99213*100*80**1~DTM*472*20240102~CAS*PR*2*20~SE*12*1~";

    fn report() -> RemitReport {
        read_remittances(&[RemitFile { name: "era.835", bytes: ERA.as_bytes() }]).unwrap()
    }

    #[test]
    fn posting_sheet_has_money_as_plain_numbers_and_no_formulas() {
        let csv = lines_csv(&report());
        let mut rows = csv.lines();
        let header = rows.next().unwrap();
        assert!(header.starts_with("File,Check/EFT #,Claim ID,Patient"), "{header}");
        let row = rows.next().unwrap();
        assert_eq!(
            row,
            "era.835,'=CHK1,A1,\"'-DOE, JANE\",,2024-01-02,99213,,1,100.00,,80.00,0.00,20.00,0.00,0.00,0.00,0.00,PR-2,"
        );
    }

    #[test]
    fn workbook_has_payments_claims_and_lines_with_dates_as_dates() {
        let book = remit_book(&report());
        let names: Vec<_> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Payments", "Claims", "Lines"]);
        let line = &book.sheets[2].rows[1];
        assert_eq!(line[5], Cell::Date(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()));
        assert_eq!(line[11], Cell::Money("80".parse().unwrap()));
        let round_trip = Book::from_json(&book.to_json()).unwrap();
        assert_eq!(round_trip, book);
    }
}
