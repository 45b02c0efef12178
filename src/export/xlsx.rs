//! A [`Book`] → an xlsx file, with rust_xlsxwriter (feature `xlsx`).
//!
//! The only place that knows rust_xlsxwriter: how each [`Cell`] style looks,
//! and that text goes in as a string cell, never as a formula (SPEC §6).

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::book::{Book, Cell, Sheet};

/// The look of each styled cell.
struct Styles {
    heading: Format,
    title: Format,
    money: Format,
    rate: Format,
    date: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            heading: Format::new()
                .set_bold()
                .set_background_color("#E8EEF5")
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            money: Format::new().set_num_format("$#,##0.00;[Red]-$#,##0.00"),
            rate: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// The book as the bytes of an xlsx file. The book is used up as it is written: each row's text
/// moves into the workbook, and the memory of the rows written is free for the rest.
pub fn write(book: Book) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    // Excel's own level: deflating the sheets' XML at the default level 6 was most of the time
    // of a big export (benches/exports.mjs); level 3 takes about 0.7 of it, for a file about
    // 5% larger (rust_xlsxwriter's performance notes). The cells are the same.
    workbook.set_zip_compression_level(3);
    for sheet in book.sheets {
        write_sheet(workbook.add_worksheet(), sheet, &styles)?;
    }
    workbook.save_to_buffer()
}

fn write_sheet(ws: &mut Worksheet, sheet: Sheet, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    for (col, width) in sheet.widths.iter().enumerate() {
        ws.set_column_width(column(col)?, *width)?;
    }
    let last_row = row(sheet.rows.len().saturating_sub(1))?;
    let last_col = column(sheet.rows.first().map_or(0, |header| header.len().saturating_sub(1)))?;
    for (r, cells) in sheet.rows.into_iter().enumerate() {
        let r = row(r)?;
        for (col, cell) in cells.into_iter().enumerate() {
            write_cell(ws, r, column(col)?, cell, s)?;
        }
    }
    if sheet.header_row {
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, last_row, last_col)?;
    }
    Ok(())
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: Cell, s: &Styles) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => Ok(()),
        // write_string never makes a formula, whatever the text starts with.
        Cell::Text(t) => ws.write_string(row, col, t).map(|_| ()),
        Cell::Heading(t) => ws.write_string_with_format(row, col, t, &s.heading).map(|_| ()),
        Cell::Title(t) => ws.write_string_with_format(row, col, t, &s.title).map(|_| ()),
        Cell::Money(m) => ws.write_with_format(row, col, m.as_decimal(), &s.money).map(|_| ()),
        Cell::Rate(r) => ws.write_with_format(row, col, r.as_decimal(), &s.rate).map(|_| ()),
        // A row number, a count or an age in days: far inside i32.
        Cell::Int(i) => ws.write_number(row, col, i32::try_from(i).unwrap_or(i32::MAX)).map(|_| ()),
        Cell::Date(d) => {
            // A NaiveDate's month and day fit u8; a year outside 1900..=9999 is refused by ExcelDateTime.
            let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
            let date = ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &date, &s.date).map(|_| ())
        }
    }
}

/// An index past u32 or u16 is far past a worksheet's last row or column: rust_xlsxwriter's
/// error for a cell out of range.
fn row(index: usize) -> Result<u32, XlsxError> {
    u32::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}
