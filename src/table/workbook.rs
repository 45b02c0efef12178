//! Spreadsheet workbooks through calamine: xlsx, xlsm, xlsb, xls and ods.
//!
//! xlsx and xlsb are read with calamine's streaming cell readers, so memory
//! follows the cells that exist, not the sheet's declared dimensions. xls and
//! ods only offer a dense range; their format limits (65,536 × 256 for xls,
//! calamine's row cap for ods) bound that. Before calamine inflates anything,
//! [`check_zip_parts`] refuses packages whose parts would inflate past the cap.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, DataRef, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};

use super::dates;
use super::plain_xlsx::{Failed, PlainXlsx};
use super::sheet::{Merge, Sheet, SheetBuilder, Value};
use super::{Format, Limits, TableError};

type Src<'a> = Cursor<&'a [u8]>;

pub(crate) enum Book<'a> {
    /// An xlsx read by [`PlainXlsx`], with its bytes for calamine should a
    /// sheet turn out not to be plain.
    Plain(Box<PlainXlsx<'a>>, &'a [u8]),
    Xlsx(Box<Xlsx<Src<'a>>>),
    Xlsb(Box<Xlsb<Src<'a>>>),
    /// Over the file's bytes, or a copy with damaged records defused (`ole::prepare`).
    Xls(Box<Xls<Cursor<Cow<'a, [u8]>>>>),
    Ods(Box<Ods<Src<'a>>>),
}

impl<'a> Book<'a> {
    /// Opens a workbook: a plain xlsx with [`PlainXlsx`], anything else with calamine.
    pub fn open(bytes: &'a [u8], format: Format) -> Result<Book<'a>, TableError> {
        guarded(format, || Book::open_unguarded(bytes, format))
    }

    fn open_unguarded(bytes: &'a [u8], format: Format) -> Result<Book<'a>, TableError> {
        if matches!(format, Format::Xlsx | Format::Xlsm) {
            if let Some(plain) = PlainXlsx::open(bytes) {
                return Ok(Book::Plain(Box::new(plain), bytes));
            }
        }
        Book::open_with_calamine(bytes, format)
    }

    pub(super) fn open_with_calamine(bytes: &'a [u8], format: Format) -> Result<Book<'a>, TableError> {
        let cursor = Cursor::new(bytes);
        let corrupt = |detail: String| TableError::Corrupt { format: format.label(), detail };
        Ok(match format {
            Format::Xlsx | Format::Xlsm => Book::Xlsx(Box::new(Xlsx::new(cursor).map_err(|e| match e {
                calamine::XlsxError::Password => TableError::PasswordProtected,
                e => corrupt(e.to_string()),
            })?)),
            Format::Xlsb => Book::Xlsb(Box::new(Xlsb::new(cursor).map_err(|e| match e {
                calamine::XlsbError::Password => TableError::PasswordProtected,
                e => corrupt(e.to_string()),
            })?)),
            Format::Xls => Book::Xls(Box::new({
                let cursor = Cursor::new(super::ole::prepare(bytes)?);
                Xls::new(cursor).map_err(|e| match e {
                    calamine::XlsError::Password => TableError::PasswordProtected,
                    e => corrupt(e.to_string()),
                })?
            })),
            Format::Ods => Book::Ods(Box::new(Ods::new(cursor).map_err(|e| match e {
                calamine::OdsError::Password => TableError::PasswordProtected,
                e => corrupt(e.to_string()),
            })?)),
            Format::Csv | Format::Tsv => unreachable!("text formats are not workbooks"),
        })
    }

    /// Worksheets in workbook order; chart, dialog and macro sheets hold no table.
    pub fn sheet_names(&self) -> Vec<String> {
        let meta = match self {
            Book::Plain(p, _) => return p.sheet_names(),
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        };
        meta.iter().filter(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).collect()
    }

    /// Reads a sheet; with `until_row`, only the rows (0-based) below it as
    /// stored in the file (xls and ods sheets are read whole).
    pub fn read(
        &mut self,
        name: &str,
        format: Format,
        limits: &Limits,
        until_row: Option<u32>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Sheet, TableError> {
        guarded(format, || self.read_unguarded(name, format, limits, until_row, progress))
    }

    fn read_unguarded(
        &mut self,
        name: &str,
        format: Format,
        limits: &Limits,
        until_row: Option<u32>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Sheet, TableError> {
        let past = |row: u32| until_row.is_some_and(|last| row >= last);
        if let Book::Plain(plain, bytes) = self {
            match plain.read(name, limits, until_row, progress) {
                Ok(sheet) => return Ok(sheet),
                Err(Failed::Table(e)) => return Err(e),
                // Not plain after all: calamine reads the workbook from now on.
                Err(Failed::Unusual) => *self = Book::open_with_calamine(bytes, format)?,
            }
        }
        let mut builder = SheetBuilder::new(name, limits.max_columns, limits.max_text_bytes);
        let corrupt = |detail: String| TableError::Corrupt { format: format.label(), detail };
        let too_much = |_| TableError::TooMuchText { limit: limits.max_text_bytes };
        match self {
            Book::Plain(..) => unreachable!("a plain book was read above or replaced"),
            Book::Xlsx(book) => {
                builder.set_1904(book.has_1904_epoch());
                let mut reader = book.worksheet_cells_reader(name).map_err(|e| corrupt(e.to_string()))?;
                let mut tick = Ticker::new(reader.dimensions().end.0);
                let mut damage = Damage::default();
                loop {
                    match reader.next_cell() {
                        Ok(Some(cell)) => {
                            let (row, col) = cell.get_position();
                            if past(row) {
                                break;
                            }
                            tick.row(row, progress);
                            damage.last = Some((row, col));
                            push_ref(&mut builder, row, col, cell.get_value()).map_err(too_much)?;
                        }
                        Ok(None) => break,
                        // A broken XML stream cannot be read on; a bad value (a
                        // shared-string index out of range) only spoils its cell.
                        Err(e @ (calamine::XlsxError::XmlEof(_) | calamine::XlsxError::Xml(_)))
                            if damage.last.is_none() =>
                        {
                            return Err(corrupt(e.to_string()))
                        }
                        Err(e @ (calamine::XlsxError::XmlEof(_) | calamine::XlsxError::Xml(_))) => {
                            damage.record(e.to_string());
                            damage.stopped = true;
                            break;
                        }
                        Err(e) => {
                            damage.record(e.to_string());
                            if damage.count >= Damage::MAX {
                                damage.stopped = true;
                                break;
                            }
                        }
                    }
                }
                if let Some(note) = damage.note(name) {
                    builder.note(note);
                }
            }
            Book::Xlsb(book) => {
                builder.set_1904(book.has_1904_epoch());
                let mut reader = book.worksheet_cells_reader(name).map_err(|e| corrupt(e.to_string()))?;
                let mut tick = Ticker::new(reader.dimensions().end.0);
                while let Some(cell) = reader.next_cell().map_err(|e| corrupt(e.to_string()))? {
                    let (row, col) = cell.get_position();
                    if past(row) {
                        break;
                    }
                    tick.row(row, progress);
                    push_ref(&mut builder, row, col, cell.get_value()).map_err(too_much)?;
                }
            }
            Book::Xls(book) => {
                builder.set_1904(book.has_1904_epoch());
                read_range(book.as_mut(), name, &mut builder, format).map_err(|e| match e {
                    RangeError::Corrupt(d) => corrupt(d),
                    RangeError::Text => TableError::TooMuchText { limit: limits.max_text_bytes },
                })?;
                // Read with the sheet already: its merged cells say how far a header label spans.
                if let Ok(merges) = book.merge_cells_by_sheet_name(name) {
                    builder.set_merges(merges.iter().map(merge_of).collect());
                }
            }
            Book::Ods(book) => {
                read_range(book.as_mut(), name, &mut builder, format).map_err(|e| match e {
                    RangeError::Corrupt(d) => corrupt(d),
                    RangeError::Text => TableError::TooMuchText { limit: limits.max_text_bytes },
                })?;
            }
        }
        Ok(builder.finish())
    }
}

/// Reports progress every few thousand rows, as a share of the rows the
/// sheet declares (its `dimension`; a sheet without one reports nothing).
pub(super) struct Ticker {
    last_row: u32,
    declared_rows: u32,
}

impl Ticker {
    pub(super) fn new(last_declared_row: u32) -> Ticker {
        Ticker { last_row: 0, declared_rows: last_declared_row.saturating_add(1) }
    }

    pub(super) fn row(&mut self, row: u32, progress: &mut dyn FnMut(f32)) {
        if row / super::PROGRESS_EVERY_ROWS != self.last_row / super::PROGRESS_EVERY_ROWS
            && self.declared_rows > 1
        {
            progress((row as f32 / self.declared_rows as f32).min(1.0));
        }
        self.last_row = row;
    }
}

/// A last line of defence: calamine indexes into a file's records as the file describes them,
/// and where a damaged file still makes it panic (its xlsb reader does on many malformed
/// records; `ole` and `biff` defuse what the xls reader trips on), the native build catches the
/// panic here and reports the file as damaged. The page is built with panics that abort, so
/// there this catches nothing: the worker dies and the page must say the file could not be read.
///
/// The fuzz build (`cfg(fuzzing)`) lets panics of the other formats through, so that fuzzing
/// still finds them.
fn guarded<T>(format: Format, read: impl FnOnce() -> Result<T, TableError>) -> Result<T, TableError> {
    if cfg!(fuzzing) && format != Format::Xlsb {
        return read();
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(TableError::Corrupt {
            format: format.label(),
            detail: "a record could not be read; the reader stopped".to_string(),
        })
    })
}

/// Cells of a sheet that could not be read, for a note that says where.
#[derive(Default)]
struct Damage {
    /// The last cell read well (0-based row, column).
    last: Option<(u32, u32)>,
    count: usize,
    first: Option<(Option<(u32, u32)>, String)>,
    stopped: bool,
}

impl Damage {
    /// Past this many unreadable cells the sheet is not worth reading on.
    const MAX: usize = 100;

    fn record(&mut self, error: String) {
        self.count += 1;
        let last = self.last;
        self.first.get_or_insert((last, error));
    }

    fn note(&self, sheet: &str) -> Option<String> {
        let (after, error) = self.first.as_ref()?;
        let place = match after {
            Some((r, c)) => format!("just after cell {}{}", super::column_letter(*c as usize), r + 1),
            None => "before the first cell".to_string(),
        };
        let rest = if self.stopped {
            "the sheet could not be read past that point".to_string()
        } else {
            "the rest of the sheet was read".to_string()
        };
        Some(format!(
            "sheet \"{sheet}\": {} cell(s) could not be read, the first {place} ({error}); {rest}",
            self.count
        ))
    }
}

/// calamine's merged range (0-based rows) as a [`Merge`] (rows as a spreadsheet shows them).
fn merge_of(d: &calamine::Dimensions) -> Merge {
    Merge { first_row: d.start.0 + 1, last_row: d.end.0 + 1, first_col: d.start.1, last_col: d.end.1 }
}

enum RangeError {
    Corrupt(String),
    Text,
}

fn read_range<RS: Read + Seek, R: Reader<RS>>(
    book: &mut R,
    name: &str,
    builder: &mut SheetBuilder,
    _format: Format,
) -> Result<(), RangeError>
where
    R::Error: std::fmt::Display,
{
    let range = book.worksheet_range(name).map_err(|e| RangeError::Corrupt(e.to_string()))?;
    for (row, col, value) in range.used_cells() {
        let (r, c) = (row as u32, col as u32);
        let (r, c) = match range.start() {
            Some((r0, c0)) => (r0 + r, c0 + c),
            None => (r, c),
        };
        push_data(builder, r, c, value).map_err(|_| RangeError::Text)?;
    }
    Ok(())
}

fn push_ref(
    builder: &mut SheetBuilder,
    row: u32,
    col: u32,
    value: &DataRef<'_>,
) -> Result<(), super::sheet::TextCapExceeded> {
    match value {
        DataRef::Empty => Ok(()),
        DataRef::SharedString(s) => builder.push(row, col, Value::SharedText(s)),
        DataRef::String(s) => builder.push(row, col, Value::Text(s)),
        DataRef::Int(i) => builder.push(row, col, Value::Number(*i as f64)), // float cell from an int record
        DataRef::Float(f) => builder.push(row, col, Value::Number(*f)),
        DataRef::Bool(b) => builder.push(row, col, Value::Bool(*b)),
        DataRef::DateTime(dt) => push_datetime(builder, row, col, dt),
        DataRef::DateTimeIso(s) => push_iso(builder, row, col, s),
        DataRef::DurationIso(s) => builder.push(row, col, Value::Text(s)),
        DataRef::Error(e) => builder.push(row, col, Value::Error(error_text(e))),
    }
}

fn push_data(
    builder: &mut SheetBuilder,
    row: u32,
    col: u32,
    value: &Data,
) -> Result<(), super::sheet::TextCapExceeded> {
    match value {
        Data::Empty => Ok(()),
        Data::String(s) => builder.push(row, col, Value::Text(s)),
        Data::Int(i) => builder.push(row, col, Value::Number(*i as f64)), // float cell from an int record
        Data::Float(f) => builder.push(row, col, Value::Number(*f)),
        Data::Bool(b) => builder.push(row, col, Value::Bool(*b)),
        Data::DateTime(dt) => push_datetime(builder, row, col, dt),
        Data::DateTimeIso(s) => push_iso(builder, row, col, s),
        Data::DurationIso(s) => builder.push(row, col, Value::Text(s)),
        Data::Error(e) => builder.push(row, col, Value::Error(error_text(e))),
    }
}

/// A date-formatted cell becomes a calendar date. A duration, or a time of day
/// with no date part, stays a number: it is not a date of service.
fn push_datetime(
    builder: &mut SheetBuilder,
    row: u32,
    col: u32,
    dt: &calamine::ExcelDateTime,
) -> Result<(), super::sheet::TextCapExceeded> {
    let serial = dt.as_f64();
    let is_1904 = builder.is_1904();
    if dt.is_duration() || (serial < 1.0 && !is_1904) {
        return builder.push(row, col, Value::Number(serial));
    }
    match dates::from_serial(serial, is_1904) {
        Ok(d) => builder.push(row, col, Value::Date(d)),
        Err(_) => builder.push(row, col, Value::Number(serial)),
    }
}

/// ODS stores dates as ISO text (`2026-03-15` or `2026-03-15T10:30:00`).
fn push_iso(
    builder: &mut SheetBuilder,
    row: u32,
    col: u32,
    s: &str,
) -> Result<(), super::sheet::TextCapExceeded> {
    match dates::parse_text(s) {
        Ok(Some(dates::TextDate::Exact(d))) => builder.push(row, col, Value::Date(d)),
        _ => builder.push(row, col, Value::Text(s)),
    }
}

fn error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType::*;
    match e {
        Div0 => "#DIV/0!",
        NA => "#N/A",
        Name => "#NAME?",
        Null => "#NULL!",
        Num => "#NUM!",
        Ref => "#REF!",
        Value => "#VALUE!",
        GettingData => "#GETTING_DATA",
    }
}

/// Refuses zip packages whose parts would inflate past the cap, before any
/// part is inflated. The zip reader itself stops a part that inflates past its
/// declared size, so the declared sizes are binding.
pub(crate) fn check_zip_parts(bytes: &[u8], limits: &Limits) -> Result<(), TableError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TableError::Corrupt { format: "zip package", detail: e.to_string() })?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| TableError::Corrupt { format: "zip package", detail: e.to_string() })?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let size = entry.size();
        total = total.saturating_add(size);
        if size > limits.max_part_bytes {
            return Err(TableError::ZipBomb { part: name, inflated: size, limit: limits.max_part_bytes });
        }
        let packed = entry.compressed_size().max(1);
        if size > limits.ratio_check_from_bytes && size / packed > limits.max_compression_ratio {
            return Err(TableError::ZipBomb {
                part: name,
                inflated: size,
                limit: packed.saturating_mul(limits.max_compression_ratio),
            });
        }
    }
    if total > limits.max_inflated_bytes {
        return Err(TableError::ZipBomb {
            part: "the whole package".into(),
            inflated: total,
            limit: limits.max_inflated_bytes,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_values_read_as_their_spreadsheet_text() {
        assert_eq!(error_text(&calamine::CellErrorType::NA), "#N/A");
        assert_eq!(error_text(&calamine::CellErrorType::Ref), "#REF!");
    }
}
