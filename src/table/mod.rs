//! Bytes → [`Sheet`]: every spreadsheet format a practice exports (SPEC §2).
//!
//! [`open`] looks at the bytes (never only the file name) to tell a zip
//! package (xlsx, xlsm, xlsb, ods), an OLE file (xls) and text (csv, tsv) from
//! each other and from things that are not spreadsheets at all (a PDF, an
//! image, an HTML page saved as `.xls`). It enforces [`Limits`] before any
//! large allocation. [`Workbook::read`] then produces a [`Sheet`] of typed
//! cells ([`CellRef`]) with the row numbers a spreadsheet program shows.
//!
//! What a header is, and which column means what, is the job of
//! [`crate::columns`]; turning cells into amounts and dates is the job of the
//! readers in [`crate::money`] and [`dates`].

mod biff;
pub mod dates;
#[cfg(feature = "bench")]
pub mod floor;
mod ods;
mod ole;
#[cfg(not(feature = "fuzzing"))]
mod plain_xlsx;
#[cfg(feature = "fuzzing")]
pub mod plain_xlsx;
mod sheet;
mod text;
mod workbook;

use serde::Serialize;

use crate::progress::Progress;

pub use sheet::{number_text, CellRef, Merge, Row, Sheet};

/// Rows between two progress reports while a sheet is read.
const PROGRESS_EVERY_ROWS: u32 = 8192;

use workbook::Book;

/// File formats ClearBill reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
    Tsv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }
}

/// Caps that keep a hostile or broken file from freezing the page or
/// exhausting memory. Every one ends in a clear error or a note, never a crash.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest file accepted at all.
    pub max_file_bytes: u64,
    /// The largest single part of a zip package once inflated.
    pub max_part_bytes: u64,
    /// All parts of a zip package together, inflated.
    pub max_inflated_bytes: u64,
    /// Parts bigger than this are also checked for an absurd compression ratio.
    pub ratio_check_from_bytes: u64,
    /// Real sheet XML compresses about 10:1; a zip bomb about 1000:1.
    pub max_compression_ratio: u64,
    /// Columns kept per row; cells further right are counted and named in a note.
    pub max_columns: usize,
    /// Text held for one sheet.
    pub max_text_bytes: usize,
}

const MIB: u64 = 1024 * 1024;

/// xls and ods sheets are read by calamine into a dense block from the first cell to the last
/// (xlsx and xlsb are streamed). A block past this many cells (about 500 MB with calamine's
/// copies) is refused before it is built: one stray cell far from the table would otherwise
/// cost gigabytes. A full 65,536-row xls export of 120 columns still fits.
pub(crate) const DENSE_CELL_LIMIT: u64 = 8_000_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 256 * MIB,
            max_part_bytes: 1024 * MIB,
            max_inflated_bytes: 2048 * MIB,
            ratio_check_from_bytes: 64 * MIB,
            max_compression_ratio: 200,
            max_columns: 2048,
            max_text_bytes: 1024 * MIB as usize,
        }
    }
}

/// Why a whole file could not be read. Problems with single rows or cells are
/// not errors: they are reported per row by the records layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is {size} bytes, over the {limit}-byte limit; split it or export a shorter date range"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("this is {what}, not a spreadsheet; export the data as xlsx or csv")]
    NotASpreadsheet { what: &'static str },
    #[error("this is {what}; open it in Excel or LibreOffice and save it as .xlsx")]
    Unsupported { what: &'static str },
    #[error("the workbook is password protected; remove the password in Excel and save it again")]
    PasswordProtected,
    #[error("the {format} file is damaged or incomplete ({detail})")]
    Corrupt { format: &'static str, detail: String },
    #[error("part \"{part}\" of the file would inflate to {inflated} bytes (limit {limit}); this looks like a zip bomb, not a spreadsheet")]
    ZipBomb { part: String, inflated: u64, limit: u64 },
    #[error("the sheet holds more than {limit} bytes of text")]
    TooMuchText { limit: usize },
    #[error("there is no sheet named \"{name}\"; the sheets are: {available}")]
    NoSuchSheet { name: String, available: String },
    #[error("the workbook has no worksheets")]
    NoSheets,
    #[error(
        "sheet \"{sheet}\" spans {rows} rows × {columns} columns, more than the {limit} cells \
         ClearBill holds for an {format} sheet; delete the cells far below or to the right of the \
         table, or save the file as .xlsx"
    )]
    SheetTooLarge { sheet: String, rows: u64, columns: u64, limit: u64, format: &'static str },
}

/// An opened file, ready to list and read its sheets.
pub struct Workbook<'a> {
    format: Format,
    sheets: Vec<String>,
    source: Source<'a>,
    limits: Limits,
}

enum Source<'a> {
    Book(Book<'a>),
    Text { bytes: &'a [u8], prefer_tab: bool },
}

/// Opens a file from its bytes. `file_name` only names the single table of a
/// CSV file and breaks a tie between comma and tab; the format comes from the bytes.
pub fn open<'a>(bytes: &'a [u8], file_name: &str, limits: &Limits) -> Result<Workbook<'a>, TableError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(TableError::TooLarge { size, limit: limits.max_file_bytes });
    }
    let kind = sniff(bytes)?;
    let (format, source) = match kind {
        Kind::Zip => {
            let format = zip_format(bytes)?;
            workbook::check_zip_parts(bytes, limits)?;
            if format == Format::Ods {
                ods::check(bytes, limits)?;
            }
            (format, Source::Book(Book::open(bytes, format)?))
        }
        Kind::Ole => (Format::Xls, Source::Book(Book::open(bytes, Format::Xls)?)),
        Kind::Text => {
            let lower = file_name.to_ascii_lowercase();
            let prefer_tab = lower.ends_with(".tsv") || lower.ends_with(".tab");
            // Known after the delimiter is sniffed; provisional until then.
            (Format::Csv, Source::Text { bytes, prefer_tab })
        }
    };
    let mut wb = Workbook { format, sheets: Vec::new(), source, limits: limits.clone() };
    wb.sheets = match &wb.source {
        Source::Book(book) => book.sheet_names(),
        Source::Text { bytes, prefer_tab } => {
            let (text, _) = text::decode(bytes);
            if text::sniff_delimiter(&text, *prefer_tab) == b'\t' {
                wb.format = Format::Tsv;
            }
            vec![table_name_for(file_name)]
        }
    };
    if wb.sheets.is_empty() {
        return Err(TableError::NoSheets);
    }
    Ok(wb)
}

/// The single table of a CSV file is named after the file, without its extension.
fn table_name_for(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ if base.is_empty() => "data".to_string(),
        _ => base.to_string(),
    }
}

impl<'a> Workbook<'a> {
    pub fn format(&self) -> Format {
        self.format
    }

    /// Worksheet names in workbook order (chart sheets left out).
    pub fn sheet_names(&self) -> &[String] {
        &self.sheets
    }

    /// Reads one sheet by name, or the first one when `name` is `None`.
    /// `progress` hears "Reading sheet …" and the share of the sheet read so
    /// far (0 to 1) every few thousand rows, so that a page can show a big file
    /// being read. xls and ods sheets are read in one piece and report nothing.
    pub fn read(&mut self, name: Option<&str>, progress: &mut dyn Progress) -> Result<Sheet, TableError> {
        let step =
            format!("Reading sheet \"{}\"", name.or(self.sheets.first().map(String::as_str)).unwrap_or(""));
        self.read_rows(name, None, &mut |done| progress.report(&step, done))
    }

    /// The first rows of a sheet (0-based rows below `rows`, as stored in the
    /// file): enough to find its header without reading the rest. xls and ods
    /// sheets are read whole.
    pub fn read_head(&mut self, name: Option<&str>, rows: u32) -> Result<Sheet, TableError> {
        self.read_rows(name, Some(rows), &mut |_| {})
    }

    fn read_rows(
        &mut self,
        name: Option<&str>,
        until_row: Option<u32>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Sheet, TableError> {
        let name = match name {
            None => self.sheets[0].clone(),
            Some(n) => self.sheets.iter().find(|s| s.as_str() == n).cloned().ok_or_else(|| {
                TableError::NoSuchSheet {
                    name: n.to_string(),
                    available: self.sheets.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", "),
                }
            })?,
        };
        match &mut self.source {
            Source::Book(book) => book.read(&name, self.format, &self.limits, until_row, progress),
            Source::Text { bytes, prefer_tab } => {
                Ok(text::read(bytes, &name, *prefer_tab, &self.limits, until_row, progress)?.0)
            }
        }
    }
}

enum Kind {
    Zip,
    Ole,
    Text,
}

/// Tells the container apart from the first bytes, and names what it is when
/// it is not a spreadsheet, so the user knows what they dropped.
fn sniff(bytes: &[u8]) -> Result<Kind, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    let not = |what| Err(TableError::NotASpreadsheet { what });
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return Ok(Kind::Zip);
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(TableError::PasswordProtected);
        }
        if contains_utf16(bytes, "WordDocument") && !contains_utf16(bytes, "Workbook") {
            return not("a Word 97-2003 document");
        }
        return Ok(Kind::Ole);
    }
    // BIFF2–BIFF4 worksheets are bare record streams, not OLE files.
    if bytes.len() >= 4 && bytes[0] == 0x09 && matches!(bytes[1], 0x00 | 0x02 | 0x04) && bytes[3] == 0x00 {
        return Err(TableError::Unsupported { what: "an Excel 2.x–4.0 worksheet (older than Excel 97)" });
    }
    if starts(b"%PDF") {
        return not("a PDF document");
    }
    if starts(b"\x89PNG")
        || starts(&[0xFF, 0xD8, 0xFF])
        || starts(b"GIF8")
        || starts(b"BM") && bytes.len() > 14 && bytes[6..10] == [0, 0, 0, 0]
    {
        return not("an image");
    }
    if starts(&[0x1F, 0x8B]) || starts(b"7z\xBC\xAF") || starts(b"Rar!") {
        return not("a compressed archive");
    }
    let head = &bytes[..bytes.len().min(4096)];
    let (head_text, _) = text::decode(head);
    let lead = head_text.trim_start().to_ascii_lowercase();
    if lead.starts_with("<!doctype html") || lead.starts_with("<html") || lead.starts_with("<table") {
        return Err(TableError::Unsupported { what: "a web page (HTML) saved with a spreadsheet name" });
    }
    if lead.starts_with("<?xml") {
        if lead.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Err(TableError::Unsupported { what: "an Excel 2003 XML spreadsheet" });
        }
        return not("an XML document");
    }
    if lead.starts_with("{\\rtf") {
        return not("a rich-text document");
    }
    // Mostly control bytes means binary data, not text. A few NULs in a CSV are tolerated.
    let control = head_text
        .chars()
        .filter(|&c| {
            (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1A' | '\0')) || c == '\u{FFFD}'
        })
        .count();
    let nul = head.iter().filter(|&&b| b == 0).count();
    if control * 10 > head_text.chars().count() || nul * 4 > head.len() {
        return not("binary data");
    }
    Ok(Kind::Text)
}

fn contains_utf16(bytes: &[u8], name: &str) -> bool {
    let pattern: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(pattern.len()).any(|w| w == pattern.as_slice())
}

/// Which spreadsheet a zip package holds, from the names of its parts.
fn zip_format(bytes: &[u8]) -> Result<Format, TableError> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| TableError::Corrupt { format: "zip package", detail: e.to_string() })?;
    let names: Vec<String> =
        archive.file_names().filter_map(|n| n.ok()).map(|n| n.to_ascii_lowercase()).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if has("xl/workbook.xml") || names.iter().any(|n| n.ends_with("/workbook.xml")) {
        return Ok(if has("xl/vbaproject.bin") { Format::Xlsm } else { Format::Xlsx });
    }
    if has("content.xml") {
        return if has("mimetype") && !names.iter().any(|n| n == "word/document.xml") {
            Ok(Format::Ods)
        } else {
            Err(TableError::NotASpreadsheet { what: "an OpenDocument file that is not a spreadsheet" })
        };
    }
    if has("word/document.xml") {
        return Err(TableError::NotASpreadsheet { what: "a Word document" });
    }
    if has("ppt/presentation.xml") {
        return Err(TableError::NotASpreadsheet { what: "a PowerPoint presentation" });
    }
    Err(TableError::NotASpreadsheet { what: "a zip archive with no workbook inside" })
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The inverse of [`column_letter`], for mappings given as letters.
pub fn column_index(letters: &str) -> Option<usize> {
    let l = letters.trim();
    if l.is_empty() || l.len() > 3 || !l.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut n = 0usize;
    for b in l.bytes() {
        n = n * 26 + (b.to_ascii_uppercase() - b'A' + 1) as usize;
    }
    Some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_round_trip() {
        for (i, l) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")] {
            assert_eq!(column_letter(i), l);
            assert_eq!(column_index(l), Some(i));
            assert_eq!(column_index(&l.to_lowercase()), Some(i));
        }
        assert_eq!(column_index("A1"), None);
        assert_eq!(column_index(""), None);
    }

    #[test]
    fn non_spreadsheets_are_named() {
        let cases: [(&[u8], &str); 6] = [
            (b"%PDF-1.7\n...", "PDF"),
            (b"\x89PNG\r\n\x1a\n....", "image"),
            (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table>", "web page"),
            (b"\x1f\x8b\x08\x00\x00\x00", "compressed"),
            (&[0u8, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 9, 9, 9, 9], "binary"),
            (b"\x09\x04\x06\x00\x00\x00\x10\x00", "Excel 2.x"),
        ];
        for (bytes, want) in cases {
            let err = open(bytes, "charges.xlsx", &Limits::default()).err().expect("should fail");
            assert!(err.to_string().contains(want), "{want}: {err}");
        }
        assert_eq!(open(b"", "x.csv", &Limits::default()).err(), Some(TableError::Empty));
    }

    #[test]
    fn size_cap_is_checked_first() {
        let limits = Limits { max_file_bytes: 10, ..Limits::default() };
        let err = open(b"a,b,c\n1,2,3\n", "x.csv", &limits).err().unwrap();
        assert!(matches!(err, TableError::TooLarge { size: 12, limit: 10 }));
    }

    #[test]
    fn csv_table_is_named_after_the_file() {
        let wb = open(b"a,b\n1,2\n", "exports/Charges March.csv", &Limits::default()).unwrap();
        assert_eq!(wb.sheet_names(), ["Charges March"]);
        assert_eq!(wb.format(), Format::Csv);
        let wb = open(b"a\tb\n1\t2\n", "x.txt", &Limits::default()).unwrap();
        assert_eq!(wb.format(), Format::Tsv);
    }

    #[test]
    fn unknown_sheet_lists_the_real_ones() {
        let mut wb = open(b"a,b\n1,2\n", "pay.csv", &Limits::default()).unwrap();
        let err = wb.read(Some("Sheet9"), &mut crate::progress::NoProgress).err().unwrap();
        assert_eq!(err.to_string(), "there is no sheet named \"Sheet9\"; the sheets are: \"pay\"");
    }
}
