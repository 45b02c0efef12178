//! Delimited text: CSV, TSV and their semicolon and pipe cousins.
//!
//! Bytes are decoded first (UTF-8 with or without a BOM, UTF-16 with a BOM,
//! otherwise Windows-1252, which is what US practice systems write), then the
//! delimiter is sniffed from the first lines, then the `csv` crate splits
//! records. Row numbers count records the way a spreadsheet program shows
//! them after opening the file, so blank lines keep their rows.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::sheet::{Sheet, SheetBuilder, Value};
use super::{Limits, TableError};

/// Text decoded to UTF-8, and a note when the encoding was not plain UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if encoding == UTF_16LE || encoding == UTF_16BE {
            let (text, _) = encoding.decode_without_bom_handling(body);
            let name = if encoding == UTF_16LE { "UTF-16 LE" } else { "UTF-16 BE" };
            return (text, Some(format!("read as {name} text")));
        }
        // UTF-8 with a BOM: the BOM never reaches a header.
        return match std::str::from_utf8(body) {
            Ok(s) => (Cow::Borrowed(s), None),
            Err(_) => (WINDOWS_1252.decode_without_bom_handling(body).0, Some(cp1252_note())),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => decode_broken_utf8_or_1252(bytes),
    }
}

/// Bytes that are not valid UTF-8 are Windows-1252, unless the file is
/// mostly UTF-8 with a few damaged bytes: then reading it as Windows-1252
/// would garble every good accented name (`José` → `JosÃ©`), so it is read as
/// UTF-8 and the damaged bytes become `�`, with a note saying where.
fn decode_broken_utf8_or_1252(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    let (mut good_non_ascii, mut bad, mut first_bad_line) = (0usize, 0usize, None);
    let mut line = 1usize;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        good_non_ascii += valid.chars().filter(|c| !c.is_ascii()).count();
        line += valid.bytes().filter(|&b| b == b'\n').count();
        if !chunk.invalid().is_empty() {
            bad += 1;
            first_bad_line.get_or_insert(line);
        }
    }
    if good_non_ascii > 0 && bad <= good_non_ascii {
        let note = format!(
            "{bad} byte sequence(s) that are not valid UTF-8 were replaced with \u{FFFD} (the first on line {}); check those cells",
            first_bad_line.unwrap_or(1)
        );
        return (String::from_utf8_lossy(bytes), Some(note));
    }
    (WINDOWS_1252.decode_without_bom_handling(bytes).0, Some(cp1252_note()))
}

fn cp1252_note() -> String {
    "the file is not UTF-8, so it was read as Windows-1252 (the usual encoding of US Windows programs)".into()
}

/// The delimiter that splits the first lines most consistently: comma,
/// semicolon, tab or pipe. Quoted text is ignored while counting.
pub(crate) fn sniff_delimiter(text: &str, prefer_tab: bool) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    let lines = first_lines(text, 30);
    let mut best = (if prefer_tab { b'\t' } else { b',' }, 0usize, 0usize);
    for &delim in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, delim)).collect();
        // The most common non-zero count, and how many lines have it.
        let mut freq: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            match freq.iter_mut().find(|(n, _)| *n == c) {
                Some((_, f)) => *f += 1,
                None => freq.push((c, 1)),
            }
        }
        let Some(&(fields, lines_agreeing)) = freq.iter().max_by_key(|(n, f)| (*f, *n)) else { continue };
        // Prefer the delimiter on which more lines agree, then the one giving more fields.
        if (lines_agreeing, fields) > (best.1, best.2)
            || (prefer_tab && delim == b'\t' && lines_agreeing >= best.1)
        {
            best = (delim, lines_agreeing, fields);
        }
    }
    best.0
}

fn first_lines(text: &str, n: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => {
                if i > start {
                    lines.push(&text[start..i]);
                }
                start = i + 1;
                if lines.len() >= n {
                    return lines;
                }
            }
            _ => {}
        }
        if i > 256 * 1024 {
            break; // enough to decide; don't scan a giant single line
        }
    }
    if start < text.len() && lines.len() < n {
        let end = text.len().min(start + 256 * 1024);
        let end = (start..=end).rev().find(|&e| text.is_char_boundary(e)).unwrap_or(start);
        lines.push(&text[start..end]);
    }
    lines
}

fn count_outside_quotes(line: &str, delim: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delim && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Reads delimited text into a sheet.
pub(crate) fn read(
    bytes: &[u8],
    name: &str,
    prefer_tab: bool,
    limits: &Limits,
    until_row: Option<u32>,
    progress: &mut dyn FnMut(f32),
) -> Result<(Sheet, u8), TableError> {
    let (text, encoding_note) = decode(bytes);
    let nul_count = text.bytes().filter(|&b| b == 0).count();
    let text: Cow<str> = if nul_count > 0 { Cow::Owned(text.replace('\0', "")) } else { text };
    let delimiter = sniff_delimiter(&text, prefer_tab);

    let mut builder = SheetBuilder::new(name, limits.max_columns, limits.max_text_bytes);
    if until_row.is_none() {
        let (rows, cells) = estimate_size(&text, delimiter);
        builder.reserve(rows, cells, text.len());
    }
    if let Some(note) = encoding_note {
        builder.note(note);
    }
    if nul_count > 0 {
        builder.note(format!("{nul_count} NUL byte(s) in the file were removed"));
    }

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The csv crate skips blank lines; a spreadsheet shows them as rows.
                let start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
                row += blank_lines_before(text.as_bytes(), start);
                if until_row.is_some_and(|last| row >= last) {
                    break;
                }
                for (col, field) in record.iter().enumerate() {
                    let value = field.trim_matches(|c: char| c == ' ' || c == '\u{a0}');
                    let col = u32::try_from(col).unwrap_or(u32::MAX);
                    builder
                        .push(row, col, Value::Text(value))
                        .map_err(|_| TableError::TooMuchText { limit: limits.max_text_bytes })?;
                }
                row += 1;
                if row % super::PROGRESS_EVERY_ROWS == 0 {
                    progress(start as f32 / text.len().max(1) as f32);
                }
            }
            Err(e) => {
                // Only I/O can fail here: the text is already valid UTF-8.
                return Err(TableError::Corrupt { format: "CSV", detail: e.to_string() });
            }
        }
    }
    Ok((builder.finish(), delimiter))
}

/// About how many rows and cells the text holds, from its first lines.
fn estimate_size(text: &str, delimiter: u8) -> (usize, usize) {
    const SAMPLE: usize = 256 * 1024;
    let sample = &text.as_bytes()[..text.len().min(SAMPLE)];
    let lines = sample.iter().filter(|&&b| b == b'\n').count().max(1);
    let fields = sample.iter().filter(|&&b| b == delimiter).count() + lines;
    let rows = text.len() / (sample.len() / lines).max(1) + 1;
    (rows, rows * (fields / lines + 1))
}

/// Blank lines between the previous record and the one whose parse began at
/// `start`. The csv crate begins a record's position wherever the previous
/// record stopped: after its terminator, before it, or between the `\r` and
/// `\n` of a CRLF; the line breaks left before the first field are blanks.
fn blank_lines_before(bytes: &[u8], start: usize) -> u32 {
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    let mut i = start.min(bytes.len());
    let mut previous_terminator_pending = false;
    if i > 0 {
        let before = bytes[i - 1];
        if before == b'\r' && bytes.get(i) == Some(&b'\n') {
            i += 1; // the rest of the previous record's CRLF
        } else if !is_break(before) {
            previous_terminator_pending = true;
        }
    }
    let mut breaks = 0u32;
    while i < bytes.len() && is_break(bytes[i]) {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
        }
        breaks += 1;
        i += 1;
    }
    if previous_terminator_pending {
        breaks.saturating_sub(1)
    } else {
        breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CellRef;

    fn sheet(bytes: &[u8]) -> Sheet {
        read(bytes, "t", false, &Limits::default(), None, &mut |_| {}).unwrap().0
    }

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n", false), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n", false), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n", false), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n", false), b'|');
        assert_eq!(sniff_delimiter("\"Smith, J\";b\n\"Doe, A\";c\n", false), b';');
        assert_eq!(sniff_delimiter("single\ncolumn\n", false), b',');
    }

    #[test]
    fn bom_does_not_leak_into_the_header() {
        let s = sheet(b"\xEF\xBB\xBFClaim,Paid\n1,2\n");
        assert_eq!(s.row(0).unwrap().get(0), CellRef::Text("Claim"));
    }

    #[test]
    fn windows_1252_is_decoded_and_noted() {
        let s = sheet(b"Patient,Paid\nJos\xE9 Mu\xF1oz,$1,2\n");
        assert_eq!(s.row(1).unwrap().get(0), CellRef::Text("José Muñoz"));
        assert!(s.notes[0].contains("Windows-1252"));
    }

    #[test]
    fn mostly_utf8_with_a_damaged_byte_stays_utf8() {
        let s = sheet(
            "Patient,Paid\nJos\u{e9} Mu\u{f1}oz,1\nMar\u{ed}a\n"
                .as_bytes()
                .iter()
                .copied()
                .chain(b"L\xFFpez,2\n".iter().copied())
                .collect::<Vec<u8>>()
                .as_slice(),
        );
        assert_eq!(s.row(1).unwrap().get(0), CellRef::Text("José Muñoz"));
        assert_eq!(s.row(3).unwrap().get(0), CellRef::Text("L\u{FFFD}pez"));
        assert!(s.notes[0].contains("line 4"), "{:?}", s.notes);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Claim\tPaid\r\n7\t1.00\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let s = read(&bytes, "t", true, &Limits::default(), None, &mut |_| {}).unwrap();
        assert_eq!(s.1, b'\t');
        assert_eq!(s.0.row(1).unwrap().get(1), CellRef::Text("1.00"));
    }

    #[test]
    fn blank_lines_keep_spreadsheet_row_numbers() {
        let s = sheet(b"a,b\r\n\r\n1,2\r\n\n\n3,4\n");
        let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 6]);
    }

    #[test]
    fn blank_lines_count_with_every_line_ending() {
        for text in ["a\n\nb\nc\n\n\nd", "a\r\n\r\nb\r\nc\r\n\r\n\r\nd\r\n", "a\r\rb\rc\r\r\rd"] {
            let s = sheet(text.as_bytes());
            let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
            assert_eq!(numbers, vec![1, 3, 4, 7], "{text:?}");
        }
        let s = sheet(b"\n\na,b\n");
        assert_eq!(s.row(0).unwrap().number, 3, "leading blank lines count too");
    }

    #[test]
    fn quoted_newlines_stay_in_one_row() {
        let s = sheet(b"a,b\n\"two\nlines\",x\n3,4\n");
        let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
        assert_eq!(s.row(1).unwrap().get(0), CellRef::Text("two\nlines"));
    }

    #[test]
    fn nul_bytes_are_removed_and_noted() {
        let s = sheet(b"a,b\n1\x00,2\n");
        assert_eq!(s.row(1).unwrap().get(0), CellRef::Text("1"));
        assert!(s.notes.iter().any(|n| n.contains("NUL")));
    }

    #[test]
    fn lone_cr_line_endings_split_rows() {
        let s = sheet(b"a,b\r1,2\r3,4");
        let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
    }
}
