//! `Sheet`: the rows of one worksheet or CSV file, as typed cells.
//!
//! Only rows with at least one non-empty cell are stored, each with the row
//! number a spreadsheet program shows, so a gap between two stored rows is a
//! run of blank rows. Text lives in one arena per sheet and a cell is 8 bytes,
//! so a sheet of a million rows stays small; repeated shared strings of a
//! workbook are stored once.

use chrono::{Datelike, NaiveDate};

use crate::hashing::FastMap;

/// A typed cell value as the reader found it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    Text(&'a str),
    /// A numeric spreadsheet cell (a float cell); CSV never produces these.
    Number(f64),
    Bool(bool),
    /// A cell the spreadsheet formatted as a date.
    Date(NaiveDate),
    /// An error value such as `#N/A` or `#REF!`, usually a formula's cached result.
    Error(&'static str),
}

impl CellRef<'_> {
    pub fn is_empty(&self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person would read it in the spreadsheet, for error messages
    /// and previews. Whole numbers print without `.0` (identifiers).
    pub fn display(&self) -> String {
        match *self {
            CellRef::Empty => String::new(),
            CellRef::Text(t) => t.to_string(),
            CellRef::Number(n) => number_text(n),
            CellRef::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
            CellRef::Date(d) => d.format("%Y-%m-%d").to_string(),
            CellRef::Error(e) => e.to_string(),
        }
    }
}

/// Shortest text for a float cell: `12345` not `12345.0`, `0.1` not `0.1000…`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64) // float cell holding a whole number, e.g. a claim number
    } else {
        format!("{n}")
    }
}

/// One stored cell: 12 bytes in wasm32, since nothing in it needs 8-byte alignment.
/// One stored cell in 8 bytes: the top three bits of `b` say what it is; the
/// rest is where to find it (text in the sheet's arena, a float cell among the
/// sheet's numbers, an error among its errors) or the value itself (a date, a
/// boolean). A CSV file of a million rows is mostly text cells, 8 bytes each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    a: u32,
    b: u32,
}

impl Slot {
    const EMPTY: Slot = Slot { a: 0, b: 0 };
    const TAG_SHIFT: u32 = 29;
    /// The longest text a cell can hold (512 MiB; longer is refused as too much text).
    const MAX_LEN: u32 = (1 << Slot::TAG_SHIFT) - 1;
    const TEXT: u32 = 1;
    const NUMBER: u32 = 2;
    const BOOL: u32 = 3;
    const DATE: u32 = 4;
    const ERROR: u32 = 5;

    fn tagged(tag: u32, a: u32, b: u32) -> Slot {
        Slot { a, b: tag << Slot::TAG_SHIFT | b }
    }

    fn text(start: u32, len: u32) -> Slot {
        Slot::tagged(Slot::TEXT, start, len)
    }

    fn tag(self) -> u32 {
        self.b >> Slot::TAG_SHIFT
    }

    fn is_empty(self) -> bool {
        self == Slot::EMPTY
    }

    /// Where its text is, for a text cell.
    fn text_span(self) -> Option<(u32, u32)> {
        (self.tag() == Slot::TEXT).then_some((self.a, self.b & Slot::MAX_LEN))
    }
}

#[derive(Clone, Copy, Debug)]
struct RowEntry {
    number: u32,
    start: u32,
    len: u32,
}

/// One worksheet (or the only table of a CSV file).
#[derive(Debug, Default)]
pub struct Sheet {
    pub name: String,
    /// Workbooks saved with the 1904 date system count serial numbers from 1904.
    pub is_1904: bool,
    /// Things the reader did that the user should know about (a text encoding
    /// guessed, cells beyond the last column we keep).
    pub notes: Vec<String>,
    /// The sheet's merged cells, when the reader knows them (`None` for CSV,
    /// and for readers that do not say).
    merges: Option<Vec<Merge>>,
    rows: Vec<RowEntry>,
    cells: Vec<Slot>,
    text: String,
    numbers: Vec<f64>,
    errors: Vec<&'static str>,
}

/// A merged range of cells: rows as a spreadsheet shows them (1-based),
/// columns 0-based. Its text is in its first cell only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub last_row: u32,
    pub first_col: u32,
    pub last_col: u32,
}

/// Merged ranges kept per sheet; a sheet with more is not a report layout
/// (and a hostile file does not get to fill memory with them).
const MAX_MERGES: usize = 10_000;

/// One stored row: its number as a spreadsheet shows it and its cells.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub number: u32,
    cells: &'a [Slot],
    sheet: &'a Sheet,
}

impl<'a> Row<'a> {
    /// The cell in column `index` (0 = A); empty past the row's last cell.
    pub fn get(&self, index: usize) -> CellRef<'a> {
        let Some(&slot) = self.cells.get(index) else { return CellRef::Empty };
        let sheet = self.sheet;
        let (a, b) = (slot.a as usize, (slot.b & Slot::MAX_LEN) as usize);
        match slot.tag() {
            Slot::TEXT => sheet.text.get(a..a + b).map_or(CellRef::Empty, CellRef::Text),
            Slot::NUMBER => sheet.numbers.get(a).map_or(CellRef::Empty, |&n| CellRef::Number(n)),
            Slot::BOOL => CellRef::Bool(a != 0),
            Slot::DATE => {
                NaiveDate::from_num_days_from_ce_opt(slot.a as i32).map_or(CellRef::Empty, CellRef::Date)
            }
            Slot::ERROR => sheet.errors.get(a).map_or(CellRef::Empty, |e| CellRef::Error(e)),
            _ => CellRef::Empty,
        }
    }

    /// Number of cells up to the last non-empty one.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        (0..self.len()).all(|i| self.get(i).is_empty())
    }

    pub fn cells(&self) -> impl Iterator<Item = CellRef<'a>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// A footer row such as "Total", "Subtotal" or "Grand total": its first
    /// non-empty cell is text that starts with one of those words. Such rows
    /// are excluded from every sum (SPEC §2).
    pub fn is_totals(&self) -> bool {
        let first = self.cells().find(|c| !c.is_empty());
        match first {
            Some(CellRef::Text(t)) => is_totals_label(t),
            _ => false,
        }
    }
}

/// "Total", "Totals", "Grand total:", "Subtotal - Aetna", "Total for March",
/// "Total (32 claims)", "Patient Total", "Claim Total" (SPEC §2, §8.1). The keyword must stand alone or be followed by
/// punctuation or "for"/"of", so "Total knee replacement" is not a footer.
fn is_totals_label(text: &str) -> bool {
    // Every label contains "total"; most cells do not, and are answered
    // without lower-casing a copy. (No non-ASCII letter lower-cases to t, o, a or l.)
    if !text.as_bytes().windows(5).any(|w| w.eq_ignore_ascii_case(b"total")) {
        return false;
    }
    let t = text.trim().to_lowercase();
    let t = t.trim_start_matches(['*', '-', '=', ' ']);
    [
        "grand total",
        "report total",
        "patient total",
        "claim total",
        "sub-total",
        "sub total",
        "subtotal",
        "totals",
        "total",
    ]
    .iter()
    .any(|w| {
        let Some(rest) = t.strip_prefix(w) else { return false };
        let rest = rest.trim_start();
        rest.is_empty()
            || rest.starts_with([':', '-', '(', '*', '=', '#', '\u{2013}', '\u{2014}', ','])
            || rest.split_whitespace().next().is_some_and(|word| matches!(word, "for" | "of" | "all"))
    })
}

impl Sheet {
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        self.rows.iter().map(move |r| self.make_row(r))
    }

    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// The `i`-th stored row (not the row number).
    pub fn row(&self, i: usize) -> Option<Row<'_>> {
        self.rows.get(i).map(|r| self.make_row(r))
    }

    fn make_row(&self, r: &RowEntry) -> Row<'_> {
        let (s, l) = (r.start as usize, r.len as usize);
        Row { number: r.number, cells: &self.cells[s..s + l], sheet: self }
    }

    /// The merged cells, when the reader knows them.
    pub fn merges(&self) -> Option<&[Merge]> {
        self.merges.as_deref()
    }

    /// Records the sheet's merged cells (at most [`MAX_MERGES`] of them).
    /// A workbook without any merged cell says nothing about spans: the
    /// header is then read as a CSV file's would be.
    pub(crate) fn set_merges(&mut self, mut merges: Vec<Merge>) {
        merges.truncate(MAX_MERGES);
        self.merges = (!merges.is_empty()).then_some(merges);
    }

    /// Number of columns in the widest stored row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.len as usize).max().unwrap_or(0)
    }
}

/// Builds a [`Sheet`] from cells that arrive roughly in reading order.
///
/// Cells beyond `max_columns` are counted, not stored, and named in a note,
/// so one stray cell at XFD1048576 costs nothing. Text past `max_text_bytes`
/// stops the read with an error rather than exhausting memory.
pub(crate) struct SheetBuilder {
    sheet: Sheet,
    max_columns: usize,
    max_text_bytes: usize,
    current_row: Option<u32>,
    current: Vec<Slot>,
    /// Rows that arrived after a later row (rare; merged at the end).
    late: Vec<(u32, Vec<Slot>)>,
    dropped_cells: u64,
    first_dropped: Option<(u32, u32)>,
    interned: FastMap<usize, (u32, u32)>,
    /// Where each shared string of the workbook (by index) is stored, once used.
    shared: Vec<(u32, u32)>,
}

/// The sheet's text would pass the configured cap.
#[derive(Debug)]
pub(crate) struct TextCapExceeded;

pub(crate) enum Value<'s> {
    Text(&'s str),
    /// A shared string: the same `&str` (by address) is stored only once.
    SharedText(&'s str),
    /// A shared string by its index in the workbook's table, stored only once.
    Shared {
        index: usize,
        text: &'s str,
    },
    Number(f64), // float cell
    Bool(bool),
    Date(NaiveDate),
    Error(&'static str),
}

impl SheetBuilder {
    pub fn new(name: &str, max_columns: usize, max_text_bytes: usize) -> SheetBuilder {
        SheetBuilder {
            sheet: Sheet { name: name.to_string(), ..Sheet::default() },
            max_columns,
            max_text_bytes,
            current_row: None,
            current: Vec::new(),
            late: Vec::new(),
            dropped_cells: 0,
            first_dropped: None,
            interned: FastMap::default(),
            shared: Vec::new(),
        }
    }

    /// Room for about this many rows, cells and bytes of text, so that a big
    /// sheet is not copied each time it outgrows its buffers (which would
    /// hold both copies at once). What is not used is given back at the end.
    pub fn reserve(&mut self, rows: usize, cells: usize, text: usize) {
        self.sheet.rows.reserve(rows);
        self.sheet.cells.reserve(cells);
        self.sheet.text.reserve(text.min(self.max_text_bytes));
    }

    pub fn set_1904(&mut self, is_1904: bool) {
        self.sheet.is_1904 = is_1904;
    }

    pub fn is_1904(&self) -> bool {
        self.sheet.is_1904
    }

    pub fn note(&mut self, note: String) {
        self.sheet.notes.push(note);
    }

    /// The sheet's merged cells, as the reader found them.
    pub fn set_merges(&mut self, merges: Vec<Merge>) {
        self.sheet.set_merges(merges);
    }

    /// Adds a cell at 0-based `row` and `col`.
    pub fn push(&mut self, row: u32, col: u32, value: Value<'_>) -> Result<(), TextCapExceeded> {
        let slot = match value {
            Value::Text(t) => {
                if t.is_empty() {
                    return Ok(());
                }
                self.store_text(t)?
            }
            Value::SharedText(t) => {
                if t.is_empty() {
                    return Ok(());
                }
                let key = t.as_ptr() as usize;
                match self.interned.get(&key) {
                    Some(&(start, len)) if len as usize == t.len() => Slot::text(start, len),
                    _ => {
                        let slot = self.store_text(t)?;
                        if let Some(span) = slot.text_span() {
                            self.interned.insert(key, span);
                        }
                        slot
                    }
                }
            }
            Value::Shared { index, text } => {
                if text.is_empty() {
                    return Ok(());
                }
                match self.shared.get(index) {
                    Some(&(start, len)) if start != u32::MAX => Slot::text(start, len),
                    _ => {
                        let slot = self.store_text(text)?;
                        if let Some(span) = slot.text_span() {
                            if self.shared.len() <= index {
                                self.shared.resize(index + 1, (u32::MAX, 0));
                            }
                            self.shared[index] = span;
                        }
                        slot
                    }
                }
            }
            Value::Number(n) => {
                self.sheet.numbers.push(n);
                Slot::tagged(Slot::NUMBER, (self.sheet.numbers.len() - 1) as u32, 0)
            }
            Value::Bool(b) => Slot::tagged(Slot::BOOL, u32::from(b), 0),
            Value::Date(d) => Slot::tagged(Slot::DATE, d.num_days_from_ce() as u32, 0),
            Value::Error(e) => {
                let i = match self.sheet.errors.iter().position(|&x| x == e) {
                    Some(i) => i,
                    None => {
                        self.sheet.errors.push(e);
                        self.sheet.errors.len() - 1
                    }
                };
                Slot::tagged(Slot::ERROR, i as u32, 0)
            }
        };
        if col as usize >= self.max_columns {
            self.dropped_cells += 1;
            self.first_dropped.get_or_insert((row, col));
            return Ok(());
        }
        if self.current_row != Some(row) {
            self.finish_row();
            self.current_row = Some(row);
        }
        let c = col as usize;
        if self.current.len() <= c {
            self.current.resize(c + 1, Slot::EMPTY);
        }
        self.current[c] = slot;
        Ok(())
    }

    fn store_text(&mut self, t: &str) -> Result<Slot, TextCapExceeded> {
        if self.sheet.text.len() + t.len() > self.max_text_bytes || t.len() > Slot::MAX_LEN as usize {
            return Err(TextCapExceeded);
        }
        let start = u32::try_from(self.sheet.text.len()).map_err(|_| TextCapExceeded)?;
        self.sheet.text.push_str(t);
        Ok(Slot::text(start, t.len() as u32))
    }

    fn finish_row(&mut self) {
        let Some(number) = self.current_row.take() else { return };
        if self.current.iter().all(|c| c.is_empty()) {
            self.current.clear();
            return;
        }
        let number = number + 1; // 1-based, as a spreadsheet shows it
        if let Some(last) = self.sheet.rows.last() {
            if number <= last.number {
                self.late.push((number, std::mem::take(&mut self.current)));
                return;
            }
        }
        // The row's buffer is reused for the next row.
        let cells = std::mem::take(&mut self.current);
        self.append_row(number, &cells);
        self.current = cells;
        self.current.clear();
    }

    fn append_row(&mut self, number: u32, cells: &[Slot]) {
        let start = self.sheet.cells.len() as u32;
        let len = cells.len() as u32;
        self.sheet.cells.extend_from_slice(cells);
        self.sheet.rows.push(RowEntry { number, start, len });
    }

    pub fn finish(mut self) -> Sheet {
        self.finish_row();
        if !self.late.is_empty() {
            self.merge_late_rows();
        }
        // No shrink_to_fit: a sheet lives only until its rows are read, and
        // shrinking its big blocks in place leaves gaps that small allocations
        // then occupy, so the room the sheet gives back is split into pieces
        // too small for the next file's sheet. In wasm, whose memory never
        // shrinks, that put the 1M-row payments sheet on top of the charges'
        // freed room: 1054 MiB at the peak instead of 858 (benches/notes.md).
        if self.dropped_cells > 0 {
            let (row, col) = self.first_dropped.unwrap_or_default();
            self.sheet.notes.push(format!(
                "{} cell(s) beyond column {} were not read (the first at {}{}); ClearBill reads the first {} columns",
                self.dropped_cells,
                crate::table::column_letter(self.max_columns - 1),
                crate::table::column_letter(col as usize),
                row + 1,
                self.max_columns
            ));
        }
        self.sheet
    }

    /// Rows stored out of order are rare (hand-edited XML); put every row back
    /// in row-number order, merging cells of a row that appeared twice.
    fn merge_late_rows(&mut self) {
        let mut all: Vec<(u32, Vec<Slot>)> = Vec::with_capacity(self.sheet.rows.len() + self.late.len());
        for r in &self.sheet.rows {
            let (s, l) = (r.start as usize, r.len as usize);
            all.push((r.number, self.sheet.cells[s..s + l].to_vec()));
        }
        all.append(&mut self.late);
        all.sort_by_key(|(n, _)| *n);
        self.sheet.rows.clear();
        self.sheet.cells.clear();
        let mut merged: Vec<(u32, Vec<Slot>)> = Vec::new();
        for (n, cells) in all {
            match merged.last_mut() {
                Some((last, existing)) if *last == n => {
                    if existing.len() < cells.len() {
                        existing.resize(cells.len(), Slot::EMPTY);
                    }
                    for (i, c) in cells.into_iter().enumerate() {
                        if !c.is_empty() {
                            existing[i] = c;
                        }
                    }
                }
                _ => merged.push((n, cells)),
            }
        }
        for (n, cells) in merged {
            self.append_row(n, &cells);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(cells: &[(u32, u32, &str)]) -> Sheet {
        let mut b = SheetBuilder::new("t", 4, 1 << 20);
        for &(r, c, t) in cells {
            b.push(r, c, Value::Text(t)).unwrap();
        }
        b.finish()
    }

    #[test]
    fn rows_keep_their_spreadsheet_numbers_and_skip_empty_ones() {
        let s = build(&[(0, 0, "a"), (0, 2, "c"), (3, 1, "x")]);
        let rows: Vec<_> = s.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number, 1);
        assert_eq!(rows[0].get(2), CellRef::Text("c"));
        assert_eq!(rows[0].get(1), CellRef::Empty);
        assert_eq!(rows[1].number, 4);
        assert_eq!(rows[1].get(9), CellRef::Empty);
    }

    #[test]
    fn a_stray_cell_far_right_is_counted_not_stored() {
        let s = build(&[(0, 0, "a"), (1_048_575, 16_383, "stray")]);
        assert_eq!(s.row_count(), 1);
        assert!(s.width() <= 4);
        assert!(s.notes[0].contains("XFD1048576"), "{:?}", s.notes);
    }

    #[test]
    fn rows_out_of_order_are_merged_in_order() {
        let s = build(&[(2, 0, "c"), (0, 0, "a"), (2, 1, "c2"), (1, 0, "b")]);
        let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
        assert_eq!(s.row(2).unwrap().get(1), CellRef::Text("c2"));
    }

    #[test]
    fn text_over_the_cap_is_an_error() {
        let mut b = SheetBuilder::new("t", 4, 10);
        assert!(b.push(0, 0, Value::Text("12345")).is_ok());
        assert!(b.push(1, 0, Value::Text("1234567")).is_err());
    }

    #[test]
    fn shared_strings_are_stored_once() {
        let shared = String::from("BLUE CROSS");
        let mut b = SheetBuilder::new("t", 4, 1 << 20);
        for r in 0..100 {
            b.push(r, 0, Value::SharedText(&shared)).unwrap();
        }
        let s = b.finish();
        assert_eq!(s.text.len(), shared.len());
        assert_eq!(s.row(99).unwrap().get(0), CellRef::Text("BLUE CROSS"));
    }

    #[test]
    fn totals_rows_are_recognised_by_their_label() {
        for label in [
            "Total",
            "TOTALS",
            "Grand Total:",
            "Subtotal - Aetna",
            "** Total **",
            "Report Total",
            "Total for March",
            "Total (32 claims)",
            "Sub-total",
            "Sub Total",
            "Totals:",
            "Total for SMITH, JOHN",
            "Patient Total",
            "Claim Total: 12345",
            "GRAND TOTAL",
        ] {
            assert!(is_totals_label(label), "{label}");
        }
        for label in
            ["Totally Health Inc", "Total knee replacement", "Claim 12", "Subtotaling", "Totalcare Clinic"]
        {
            assert!(!is_totals_label(label), "{label}");
        }
    }

    #[test]
    fn whole_number_cells_display_without_decimals() {
        assert_eq!(CellRef::Number(12345.0).display(), "12345");
        assert_eq!(CellRef::Number(0.1).display(), "0.1");
        assert_eq!(CellRef::Number(-3.0).display(), "-3");
    }
}
