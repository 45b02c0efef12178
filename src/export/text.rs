//! `clearbill reconcile --format text`: the report's Summary sheet as aligned
//! text for a terminal, after the warnings. It is drawn from the same
//! [`book`](super::book) layout as the xlsx's first sheet, so the two never
//! disagree about what the summary holds; the lines and the worklist stay in
//! the JSON, CSV and xlsx formats, where they can be filtered.

use super::book::{summary_sheet, Cell, Sheet};
use crate::estimate::dollars;
use crate::reconcile::Report;

/// The warnings, then the Summary sheet, one row a line with aligned columns.
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    for warning in &report.summary.warnings {
        out.push_str("Warning: ");
        out.push_str(warning);
        out.push('\n');
    }
    if !report.summary.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&sheet_text(&summary_sheet(report)));
    out
}

/// Aligns a sheet's columns, text left and numbers (and their headings) right, block by block: the
/// rows between two blank rows are one table (totals, statuses, reason codes)
/// and are measured on their own. A one-cell row (a title or a note) is not
/// measured, so a long note does not widen the first column.
fn sheet_text(sheet: &Sheet) -> String {
    let rows: Vec<Vec<(String, bool)>> =
        sheet.rows.iter().map(|row| row.iter().map(cell_text).collect()).collect();
    let mut out = String::new();
    for block in rows.split(|row| row.is_empty()) {
        // Per column: its width, and whether it holds numbers (then its heading is right-aligned too).
        let mut widths: Vec<(usize, bool)> = Vec::new();
        for row in block.iter().filter(|r| r.len() > 1) {
            widths.resize(widths.len().max(row.len()), (0, false));
            for ((width, numeric), (text, number)) in widths.iter_mut().zip(row) {
                *width = (*width).max(text.chars().count());
                *numeric |= *number;
            }
        }
        for row in block {
            let mut line = String::new();
            for (i, (text, _)) in row.iter().enumerate() {
                let (width, numeric) = if row.len() > 1 { widths[i] } else { (0, false) };
                if i > 0 {
                    line.push_str("  ");
                }
                if numeric {
                    line.push_str(&format!("{text:>width$}"));
                } else {
                    line.push_str(&format!("{text:<width$}"));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A cell as text, and whether it is a number (right-aligned).
fn cell_text(cell: &Cell) -> (String, bool) {
    match cell {
        Cell::Empty => (String::new(), false),
        Cell::Text(t) | Cell::Heading(t) | Cell::Title(t) => (t.clone(), false),
        Cell::Money(m) => (dollars(*m), true),
        Cell::Rate(r) => (format!("{:.2}%", r.rounded4() * rust_decimal::Decimal::from(100)), true),
        Cell::Int(n) => (n.to_string(), true),
        Cell::Date(d) => (d.format("%Y-%m-%d").to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    #[test]
    fn columns_line_up_and_numbers_sit_right() {
        let sheet = Sheet {
            name: "Summary".into(),
            widths: vec![],
            rows: vec![
                vec![Cell::Title("ClearBill reconciliation".into())],
                vec![],
                vec![
                    Cell::Heading("Status".into()),
                    Cell::Heading("Lines".into()),
                    Cell::Heading("Billed".into()),
                ],
                vec![Cell::Text("paid".into()), Cell::Int(12), Cell::Money(Money::from_cents(123_450))],
                vec![Cell::Text("underpaid".into()), Cell::Int(3), Cell::Money(Money::from_cents(-700))],
                vec![Cell::Text("A note longer than every column above it, kept on one line.".into())],
            ],
            header_row: false,
        };
        assert_eq!(
            sheet_text(&sheet),
            "ClearBill reconciliation\n\
             \n\
             Status     Lines     Billed\n\
             paid          12  $1,234.50\n\
             underpaid      3     -$7.00\n\
             A note longer than every column above it, kept on one line.\n"
        );
    }
}
