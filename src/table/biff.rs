//! Defusing the records of an xls workbook stream (BIFF) that calamine would mis-read.
//!
//! calamine parses the whole workbook when it opens an xls, and several of its record parsers
//! trust the lengths written in the file: a formula whose token length runs past its record, a
//! defined name, a merged-cell list, a string table cut short, a sheet said to start past the
//! end of the stream. With a hostile or damaged file those index past their data and panic, and
//! a panic in the page kills the worker. A worksheet's declared dimensions are also used to
//! reserve memory up front, so a file claiming four billion rows would exhaust it.
//!
//! [`defuse`] walks the records the way calamine does (the globals, then each sheet from the
//! position its BoundSheet8 record gives) and returns small in-place patches that make those
//! records harmless, or an error when the file cannot be read safely at all. ClearBill reads
//! cell values only, so nothing it shows is lost by a patch:
//!
//! | record | patch |
//! |---|---|
//! | Formula | token length set to 0: the cached value is kept, the formula text is not parsed |
//! | Lbl (defined name), ExternSheet, MergeCells | turned into an unknown record, which is skipped |
//! | Dimensions | zeroed: it only sizes an up-front allocation |
//! | MulRk with its columns backwards, a too-short CodePage or DateMode | skipped likewise |
//! | a cell right of column IV (256 columns is the format's limit) | skipped likewise |
//!
//! The last one matters for memory: calamine holds each xls sheet as a dense block from its
//! first to its last cell, so one cell at column 65,535 would cost gigabytes.
//!
//! A too-short BOF, FilePass or BoundSheet8, a sheet past the end, or a shared-string table that
//! ends inside a string header is an error ("damaged or incomplete"). So is a sheet whose cells
//! span more than [`DENSE_CELL_LIMIT`]: calamine holds an xls sheet as a dense block from its
//! first cell to its last, so one stray cell at IV65536 would cost a gigabyte.

use super::{TableError, DENSE_CELL_LIMIT};

/// A patch: the bytes at a stream position.
pub(crate) type Patch = (usize, Vec<u8>);

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILE_PASS: u16 = 0x002F;
const CODE_PAGE: u16 = 0x0042;
const DATE_MODE: u16 = 0x0022;
const BOUND_SHEET: u16 = 0x0085;
const LBL: u16 = 0x0018;
const EXTERN_SHEET: u16 = 0x0017;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
const MERGE_CELLS: u16 = 0x00E5;
const FORMULA: u16 = 0x0006;
/// The formula's text result, which belongs to the Formula record just before it.
const STRING: u16 = 0x0207;
/// Records of one cell: row and column in their first four bytes.
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, FORMULA];
/// The last column an xls sheet has (IV).
const LAST_COLUMN: u16 = 255;
/// A record type no reader knows, so calamine skips it.
const SKIPPED: [u8; 2] = [0xFF, 0x7F];

/// One record as calamine's iterator yields it: CONTINUE records that follow are part of it.
struct Record<'s> {
    typ: u16,
    /// Stream position of the record header.
    at: usize,
    data: &'s [u8],
    continues: Vec<&'s [u8]>,
}

/// The records from `pos` on, ending (as calamine's do) at the first one whose length runs past
/// the stream.
fn records(stream: &[u8], pos: usize) -> impl Iterator<Item = Record<'_>> {
    let mut at = pos;
    std::iter::from_fn(move || {
        let header = |at: usize| -> Option<(u16, usize)> {
            let h = stream.get(at..at + 4)?;
            let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
            (at + 4 + len <= stream.len()).then_some((u16::from_le_bytes([h[0], h[1]]), len))
        };
        let (typ, len) = header(at)?;
        let record_at = at;
        let data = &stream[at + 4..at + 4 + len];
        at += 4 + len;
        let mut continues = Vec::new();
        while stream.len() - at > 4 && stream[at..at + 2] == CONTINUE.to_le_bytes() {
            let (_, len) = header(at)?;
            continues.push(&stream[at + 4..at + 4 + len]);
            at += 4 + len;
        }
        Some(Record { typ, at: record_at, data, continues })
    })
}

fn damaged(detail: String) -> TableError {
    TableError::Corrupt { format: "xls", detail }
}

/// The patches that make the stream safe for calamine, or why it cannot be.
pub(crate) fn defuse(stream: &[u8]) -> Result<Vec<Patch>, TableError> {
    let mut patches = Vec::new();
    let skip = |r: &Record<'_>| (r.at, SKIPPED.to_vec());
    let mut sheets = Vec::new();
    let mut biff8 = true;
    for r in records(stream, 0) {
        match r.typ {
            BOF | FILE_PASS if r.data.len() < 2 => return Err(damaged(short(&r))),
            BOF if sheets.is_empty() => biff8 = r.data[..2] == [0x00, 0x06],
            CODE_PAGE | DATE_MODE | EXTERN_SHEET if r.data.len() < 2 => patches.push(skip(&r)),
            LBL => patches.push(skip(&r)),
            BOUND_SHEET => {
                if r.data.len() < 6 {
                    return Err(damaged(short(&r)));
                }
                let pos = u32::from_le_bytes([r.data[0], r.data[1], r.data[2], r.data[3]]) as usize;
                if pos > stream.len() {
                    return Err(damaged(format!(
                        "a sheet starts at {pos}, past the end of the workbook ({})",
                        stream.len()
                    )));
                }
                sheets.push((pos, sheet_name(&r.data[6..], biff8)));
            }
            SST => shared_strings(&r).map_err(damaged)?,
            EOF => break,
            _ => {}
        }
    }
    // Each sheet is read from its own position to its EOF; in a real file those stretches do
    // not overlap. Sheets that all point at one long stretch would make the reading quadratic.
    let mut walked = 0usize;
    for (pos, name) in sheets {
        let mut span = Span::default();
        let mut depth = 0usize;
        let mut seen_bof = false;
        let mut skipped_formula = false;
        for r in records(stream, pos) {
            walked += 4 + r.data.len() + r.continues.iter().map(|c| 4 + c.len()).sum::<usize>();
            if walked > stream.len().saturating_mul(2) {
                return Err(damaged("its sheets overlap one another".to_string()));
            }
            if depth > 0 {
                match r.typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let after_skipped_formula = std::mem::take(&mut skipped_formula);
            let column = |at: usize| r.data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
            if CELLS.contains(&r.typ) && column(2).is_some_and(|c| c > LAST_COLUMN) {
                patches.push(skip(&r));
                skipped_formula = r.typ == FORMULA;
                continue;
            }
            if CELLS.contains(&r.typ) {
                if let (Some(row), Some(col)) = (column(0), column(2)) {
                    span.add(row, col, col);
                }
            }
            match r.typ {
                STRING if after_skipped_formula => patches.push(skip(&r)),
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                EOF => break,
                DIMENSIONS => patches.push((r.at + 4, vec![0; r.data.len()])),
                MERGE_CELLS => patches.push(skip(&r)),
                MUL_RK if r.data.len() >= 6 => {
                    let first = u16::from_le_bytes([r.data[2], r.data[3]]);
                    let last = u16::from_le_bytes([r.data[r.data.len() - 2], r.data[r.data.len() - 1]]);
                    if last < first || last > LAST_COLUMN {
                        patches.push(skip(&r));
                    } else if let Some(row) = column(0) {
                        span.add(row, first, last);
                    }
                }
                FORMULA if r.data.len() >= 22 => patches.push((r.at + 4 + 20, vec![0, 0])),
                FORMULA if r.data.len() >= 20 => patches.push(skip(&r)),
                _ => {}
            }
        }
        let cells = span.cells();
        if cells > DENSE_CELL_LIMIT {
            return Err(TableError::SheetTooLarge {
                sheet: name,
                rows: span.rows(),
                columns: cells / span.rows().max(1),
                limit: DENSE_CELL_LIMIT,
                format: "xls",
            });
        }
    }
    Ok(patches)
}

/// The rows and columns a sheet's cells reach: the block calamine allocates.
#[derive(Default)]
struct Span(Option<(u16, u16, u16, u16)>);

impl Span {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (r0, r1, c0, c1) = self.0.unwrap_or((row, row, first_col, last_col));
        self.0 = Some((r0.min(row), r1.max(row), c0.min(first_col), c1.max(last_col)));
    }

    fn rows(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, _, _)| u64::from(r1 - r0) + 1)
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(_, _, c0, c1)| self.rows() * (u64::from(c1 - c0) + 1))
    }
}

/// A BoundSheet8 name (ShortXLUnicodeString), for messages.
fn sheet_name(b: &[u8], biff8: bool) -> String {
    let Some(&chars) = b.first() else { return String::new() };
    let chars = usize::from(chars);
    if biff8 {
        let wide = b.get(1).is_some_and(|f| f & 1 != 0);
        let text = b.get(2..).unwrap_or(&[]);
        if wide {
            let units: Vec<u16> =
                text.chunks_exact(2).take(chars).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            return String::from_utf16_lossy(&units);
        }
        return text.iter().take(chars).map(|&c| char::from(c)).collect();
    }
    b.get(1..).unwrap_or(&[]).iter().take(chars).map(|&c| char::from(c)).collect()
}

fn short(r: &Record<'_>) -> String {
    format!("record 0x{:04X} at {} is too short ({} bytes)", r.typ, r.at, r.data.len())
}

/// Walks the shared-string table (SST) as calamine reads it, and fails where calamine would
/// read past a piece of it: a rich or extended string header cut short, or a string continued
/// into an empty CONTINUE record.
fn shared_strings(r: &Record<'_>) -> Result<(), String> {
    let damaged = || Err(format!("the shared string table at {} is cut short", r.at));
    if r.data.len() < 8 {
        return Ok(()); // calamine refuses it itself
    }
    let mut data = &r.data[8..];
    let mut rest = r.continues.iter();
    loop {
        if data.is_empty() {
            match rest.next() {
                Some(next) => data = next,
                None => return Ok(()),
            }
        }
        if data.is_empty() {
            continue;
        }
        if data.len() < 3 {
            return Ok(()); // calamine refuses it itself
        }
        let mut chars = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let flags = data[2];
        data = &data[3..];
        let mut runs = 0usize;
        let mut extra = 0usize;
        if flags & 0x8 != 0 {
            let Some(b) = data.get(..2) else { return damaged() };
            runs = usize::from(u16::from_le_bytes([b[0], b[1]]));
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(b) = data.get(..4) else { return damaged() };
            // calamine takes the length as a signed number; a negative one runs off the end.
            extra = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            data = &data[4..];
        }
        let mut wide = flags & 0x1 != 0;
        while chars > 0 {
            let (n, used) = if wide {
                let n = (data.len() / 2).min(chars);
                (n, 2 * n)
            } else {
                let n = data.len().min(chars);
                (n, n)
            };
            data = &data[used..];
            chars -= n;
            if chars > 0 {
                match rest.next() {
                    Some(next) if !next.is_empty() => {
                        wide = next[0] & 0x1 != 0;
                        data = &next[1..];
                    }
                    Some(_) => return damaged(),
                    None => return Ok(()), // calamine refuses it itself
                }
            }
        }
        let mut skip = runs.saturating_mul(4).saturating_add(extra);
        while skip > 0 {
            if data.is_empty() {
                match rest.next() {
                    Some(next) => data = next,
                    None => return Ok(()), // calamine refuses it itself
                }
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// Globals with one BoundSheet8 pointing just after them, then the sheet's records.
    fn workbook(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
        let mut head = record(BOF, &[0, 6, 5, 0]);
        for g in globals {
            head.extend(g);
        }
        let bound_len = 4 + 8 + 1;
        let sheet_at = (head.len() + bound_len + 4) as u32;
        let mut bound = sheet_at.to_le_bytes().to_vec();
        bound.extend([0, 0, 1, 0, b'S']);
        head.extend(record(BOUND_SHEET, &bound));
        head.extend(record(EOF, &[]));
        assert_eq!(head.len(), sheet_at as usize);
        head.extend(record(BOF, &[0, 6, 0x10, 0]));
        for r in sheet {
            head.extend(r);
        }
        head.extend(record(EOF, &[]));
        head
    }

    #[test]
    fn a_formula_keeps_its_cached_value_and_loses_its_token_length() {
        let mut formula = vec![0u8; 20];
        formula.extend([0xF7, 0xFF, 0x01]); // cce 65527 over a one-byte rgce: calamine panicked
        let stream = workbook(&[], &[record(FORMULA, &formula)]);
        let patches = defuse(&stream).unwrap();
        let at = stream.len() - 4 - (4 + formula.len()) + 4 + 20;
        assert_eq!(patches, [(at, vec![0, 0])]);
    }

    #[test]
    fn defined_names_are_skipped_and_dimensions_zeroed() {
        let dims = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0];
        let stream = workbook(&[record(LBL, &[0; 3])], &[record(DIMENSIONS, &dims)]);
        let patches = defuse(&stream).unwrap();
        assert_eq!(patches[0], (4 + 4, SKIPPED.to_vec()), "the Lbl record follows the BOF");
        assert_eq!(patches[1].1, vec![0; 14]);
    }

    #[test]
    fn a_cell_right_of_column_iv_is_skipped_with_its_formula_string() {
        let number = [[0, 0].as_slice(), &0xFFFFu16.to_le_bytes(), &[0; 10]].concat();
        let mut formula = [[1, 0].as_slice(), &300u16.to_le_bytes(), &[0; 18]].concat();
        formula[6..8].copy_from_slice(&[0, 0]);
        let inside = [[2, 0, 3, 0].as_slice(), &[0; 10]].concat();
        let stream = workbook(
            &[],
            &[
                record(0x0203, &number),
                record(FORMULA, &formula),
                record(STRING, &[1, 0, 0, b'x']),
                record(0x0203, &inside),
            ],
        );
        let patches = defuse(&stream).unwrap();
        let skipped: Vec<&Patch> = patches.iter().filter(|(_, p)| p == &SKIPPED.to_vec()).collect();
        assert_eq!(skipped.len(), 3, "{patches:?}");
    }

    #[test]
    fn sheets_that_overlap_are_damage_not_quadratic_work() {
        let mut stream = workbook(&[], &[record(0x0203, &[0; 14])]);
        // Repeat the BoundSheet8 record many times: every sheet points at the same records.
        let bound_at = 8;
        let bound = stream[bound_at..bound_at + 4 + 9].to_vec();
        let mut copies = Vec::new();
        for _ in 0..50 {
            copies.extend(&bound);
        }
        let shift = copies.len() as u32;
        stream.splice(bound_at..bound_at, copies);
        for i in 0..51 {
            let at = bound_at + i * bound.len() + 4;
            let pos = u32::from_le_bytes(stream[at..at + 4].try_into().unwrap()) + shift;
            stream[at..at + 4].copy_from_slice(&pos.to_le_bytes());
        }
        assert!(defuse(&stream).unwrap_err().to_string().contains("sheets overlap"));
    }

    #[test]
    fn a_sheet_past_the_end_of_the_stream_is_damage() {
        let mut stream = workbook(&[], &[]);
        let bound = 8 + 4; // the BoundSheet8 data, after the BOF record
        stream[bound..bound + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(defuse(&stream).unwrap_err().to_string().contains("past the end of the workbook"));
    }

    #[test]
    fn a_string_continued_into_an_empty_record_is_damage() {
        // One string of 5 characters with only 2 in the SST record, then an empty CONTINUE.
        let sst = [[0u8; 8].as_slice(), &[5, 0, 0, b'a', b'b']].concat();
        let stream = workbook(&[record(SST, &sst), record(CONTINUE, &[])], &[]);
        assert!(defuse(&stream).unwrap_err().to_string().contains("shared string table"));
        let stream = workbook(&[record(SST, &sst), record(CONTINUE, &[0, b'c', b'd', b'e'])], &[]);
        assert_eq!(defuse(&stream), Ok(vec![]));
    }
}
