//! What an ods sheet would cost calamine, measured before calamine reads it.
//!
//! calamine reads each ods table into a dense block of cells from the first non-empty cell to
//! the last, expanding every repeat the file declares (`number-rows-repeated`,
//! `number-columns-repeated`, `text:s text:c`), and a second block of formula texts of the same
//! shape. One value in row 1,000,000 therefore costs a million rows of empty cells: 6 GB for a
//! 2 KB file in our tests, which kills the page. [`check`] streams `content.xml` once, follows
//! the repeats the way calamine does (with its caps of 1,048,576 rows and 16,384 columns) and
//! refuses a table whose block would pass [`super::DENSE_CELL_LIMIT`] cells, or whose text
//! would pass the sheet's text limit, before anything is expanded. The xlsx reader streams and
//! has neither cost, so the error suggests saving the file as xlsx.

use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Limits, TableError, DENSE_CELL_LIMIT};

/// calamine's caps on an ods table.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// One `table:table-row` element, before its repeat is expanded.
struct RowShape {
    repeats: u64,
    /// First and last non-empty column, if any.
    filled: Option<(u64, u64)>,
    /// Text in the row's cells, column repeats expanded.
    text: u64,
    /// Columns so far, repeats expanded (where the next cell starts).
    columns: u64,
}

/// Refuses an ods file with a table calamine would expand past the limits. Problems of the XML
/// itself are left to calamine, which reports them as damage.
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<(), TableError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(content) = archive.by_name("content.xml") else { return Ok(()) };
    let mut reader = Reader::from_reader(BufReader::new(content));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut table: Option<(String, Vec<RowShape>)> = None;
    let mut row: Option<RowShape> = None;
    let mut cell: Option<Cell> = None;
    let mut rows_so_far = 0u64;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    table = Some((attr(&e, "table:name").unwrap_or_default(), Vec::new()));
                    rows_so_far = 0;
                }
                "table:table-row" if table.is_some() => {
                    let repeats = number(&e, "table:number-rows-repeated").max(1);
                    let repeats = repeats.min(MAX_ROWS.saturating_sub(rows_so_far));
                    rows_so_far += repeats;
                    row = Some(RowShape { repeats, filled: None, text: 0, columns: 0 });
                }
                "table:table-cell" | "table:covered-table-cell" if row.is_some() => {
                    cell = Some(Cell::start(&e));
                }
                "text:s" => {
                    if let Some(c) = cell.as_mut() {
                        c.text = c.text.saturating_add(number(&e, "text:c").max(1));
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text = c.text.saturating_add(t.len() as u64);
                }
            }
            Event::GeneralRef(_) => {
                if let Some(c) = cell.as_mut() {
                    c.text = c.text.saturating_add(1);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                        c.add_to(r);
                    }
                }
                "table:table-row" => {
                    if let (Some(r), Some((_, rows))) = (row.take(), table.as_mut()) {
                        rows.push(r);
                    }
                }
                "table:table" => {
                    if let Some((name, rows)) = table.take() {
                        measure(&name, &rows, limits)?;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// One cell being read: its column repeat, whether it holds a value, and its text.
struct Cell {
    repeats: u64,
    valued: bool,
    text: u64,
}

impl Cell {
    fn start(e: &BytesStart<'_>) -> Cell {
        let valued = e.attributes().flatten().any(|a| {
            matches!(
                a.key.as_ref(),
                "office:value"
                    | "office:string-value"
                    | "office:date-value"
                    | "office:time-value"
                    | "office:boolean-value"
                    | "office:value-type"
                    | "table:formula"
            )
        });
        Cell { repeats: number(e, "table:number-columns-repeated").max(1), valued, text: 0 }
    }

    fn add_to(self, row: &mut RowShape) {
        let start = row.columns;
        let repeats = self.repeats.min(MAX_COLUMNS.saturating_sub(start));
        if self.valued && repeats > 0 {
            let (first, _) = row.filled.unwrap_or((start, start));
            row.filled = Some((first, start + repeats - 1));
            row.text = row.text.saturating_add(self.text.saturating_mul(repeats));
        }
        row.columns = start + repeats;
    }
}

/// The dense block calamine would build for a table, against the limits.
fn measure(name: &str, rows: &[RowShape], limits: &Limits) -> Result<(), TableError> {
    let filled: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].filled.is_some()).collect();
    let (Some(&top), Some(&bottom)) = (filled.first(), filled.last()) else { return Ok(()) };
    let first_col = filled.iter().filter_map(|&i| rows[i].filled.map(|f| f.0)).min().unwrap_or(0);
    let last_col = filled.iter().filter_map(|&i| rows[i].filled.map(|f| f.1)).max().unwrap_or(0);
    let height: u64 = rows[top..=bottom].iter().map(|r| r.repeats).sum();
    let width = last_col - first_col + 1;
    let cells = height.saturating_mul(width);
    if cells > DENSE_CELL_LIMIT {
        return Err(TableError::SheetTooLarge {
            sheet: name.to_string(),
            rows: height,
            columns: width,
            limit: DENSE_CELL_LIMIT,
            format: "ods",
        });
    }
    let text: u64 = rows[top..=bottom].iter().map(|r| r.text.saturating_mul(r.repeats)).sum();
    if text > limits.max_text_bytes as u64 {
        return Err(TableError::TooMuchText { limit: limits.max_text_bytes });
    }
    Ok(())
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    let a = e.attributes().flatten().find(|a| a.key.as_ref() == key)?;
    Some(a.value.to_string())
}

/// A repeat count; 0 when absent or unreadable (calamine refuses the unreadable ones itself).
fn number(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}
