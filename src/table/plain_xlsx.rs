//! A fast reader for plain xlsx workbooks, with calamine as the fallback.
//!
//! calamine reads any xlsx through a general XML event reader: for every cell
//! it builds events, parses attributes and makes a value, which costs about
//! 1.8× inflating and tokenising the XML at all (`table::floor`) and was half
//! of the time of a 200,000-row reconciliation. The worksheets practice
//! systems export are plain: `<row>`s of `<c r="B2" s="1" t="s"><v>7</v></c>`
//! cells pointing into a shared-strings table. This reader scans that form
//! directly and produces exactly the cells calamine produces, with calamine's
//! rules for shared strings, number formats (dates), cell types and escapes.
//!
//! On anything it does not handle (a namespace prefix, a cell without a
//! reference, an unknown cell type, an entity in a number, a comment, a part
//! it cannot find) it gives up with [`Unusual`] and the workbook is read by
//! calamine from the start, so an odd file costs a second read, never a
//! different answer. Tests compare the two readers cell by cell on every
//! workbook of the test data and on random workbooks.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

use super::dates;
use super::sheet::{Merge, Sheet, SheetBuilder, TextCapExceeded, Value};
use super::{Limits, TableError};

/// The reader met something it does not handle: calamine reads the file instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unusual;

/// What reading a sheet can come to besides a sheet.
#[derive(Debug)]
pub(crate) enum Failed {
    Unusual,
    /// A real limit, which calamine would meet as well.
    Table(TableError),
}

impl From<Unusual> for Failed {
    fn from(_: Unusual) -> Failed {
        Failed::Unusual
    }
}

/// How a cell style's number format shows a number (calamine's classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberKind {
    Plain,
    /// A date or a time of day: the cell is a serial date.
    Date,
    /// An elapsed time (`[h]:mm:ss`): the cell stays a number.
    Duration,
}

/// An opened workbook: its worksheets, date system, number formats and shared strings.
pub(crate) struct PlainXlsx<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name → the name in the package (calamine finds parts whatever their case).
    parts: HashMap<String, String>,
    /// Worksheets in workbook order: name and part.
    sheets: Vec<(String, String)>,
    is_1904: bool,
    /// Per cell style (`s`), the class of its number format.
    formats: Vec<NumberKind>,
    shared: SharedStrings,
}

/// The shared-strings table, in one buffer.
#[derive(Default)]
struct SharedStrings {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl SharedStrings {
    fn get(&self, i: usize) -> Option<&str> {
        let &(start, len) = self.spans.get(i)?;
        self.text.get(start as usize..(start + len) as usize)
    }

    fn push(&mut self, s: &str) -> Result<(), Unusual> {
        let start = u32::try_from(self.text.len()).map_err(|_| Unusual)?;
        let len = u32::try_from(s.len()).map_err(|_| Unusual)?;
        self.text.push_str(s);
        self.spans.push((start, len));
        Ok(())
    }
}

type XmlReader<R> = quick_xml::Reader<BufReader<R>>;
/// A part of the package, being inflated.
type Part<'z, 'a> = zip::read::ZipFile<'z, Cursor<&'a [u8]>>;

/// A reader configured as calamine configures its own, so that text comes out the same.
fn xml_reader<R: Read>(r: R) -> XmlReader<R> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(r));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

const WORKBOOK: &str = "xl/workbook.xml";

impl<'a> PlainXlsx<'a> {
    /// Opens the workbook, or `None` when it is not plain enough (calamine opens it then).
    pub fn open(bytes: &'a [u8]) -> Option<PlainXlsx<'a>> {
        let archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
        let parts = archive
            .file_names()
            .filter_map(|n| n.ok())
            .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.to_string()))
            .collect();
        let mut book = PlainXlsx {
            archive,
            parts,
            sheets: Vec::new(),
            is_1904: false,
            formats: Vec::new(),
            shared: SharedStrings::default(),
        };
        book.check_office_document().ok()?;
        let relationships = book.relationships().ok()?;
        book.read_workbook(&relationships).ok()?;
        book.read_styles().ok()?;
        book.read_shared_strings().ok()?;
        Some(book)
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    /// A part by name, found whatever its case; `Ok(None)` when the package has no such part.
    fn part(&mut self, name: &str) -> Result<Option<XmlReader<Part<'_, 'a>>>, Unusual> {
        let Some(actual) = self.parts.get(&name.to_ascii_lowercase()) else { return Ok(None) };
        let file = self.archive.by_name(actual).map_err(|_| Unusual)?;
        Ok(Some(xml_reader(file)))
    }

    /// The package's main document must be `xl/workbook.xml`, where every part below is looked for.
    fn check_office_document(&mut self) -> Result<(), Unusual> {
        let mut xml = self.part("_rels/.rels")?.ok_or(Unusual)?;
        let mut buf = Vec::new();
        let mut target = None;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| Unusual)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    let (typ, t) = (attr(&e, "Type")?, attr(&e, "Target")?);
                    if typ.is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
                        target = t;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        match target.as_deref().map(|t| t.strip_prefix('/').unwrap_or(t)) {
            Some(WORKBOOK) => Ok(()),
            _ => Err(Unusual),
        }
    }

    /// The workbook's relationships: id → (target, type).
    fn relationships(&mut self) -> Result<HashMap<String, (String, String)>, Unusual> {
        let mut xml = self.part("xl/_rels/workbook.xml.rels")?.ok_or(Unusual)?;
        let mut map = HashMap::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| Unusual)? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    // Taken as written (not unescaped), as calamine takes them.
                    if let Some(id) = raw_attr(&e, "Id")? {
                        let target = raw_attr(&e, "Target")?.unwrap_or_default();
                        let typ = raw_attr(&e, "Type")?.unwrap_or_default();
                        map.insert(id, (target, typ));
                    }
                }
                Event::Eof => return Ok(map),
                _ => {}
            }
        }
    }

    /// Worksheets (chart and dialog sheets hold no table) and the date system.
    fn read_workbook(&mut self, relationships: &HashMap<String, (String, String)>) -> Result<(), Unusual> {
        let mut xml = self.part(WORKBOOK)?.ok_or(Unusual)?;
        let mut buf = Vec::new();
        let (mut sheets, mut is_1904) = (Vec::new(), false);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| Unusual)? {
                Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                    let mut name = None;
                    let mut id = None;
                    for a in e.attributes().with_checks(false) {
                        let a = a.map_err(|_| Unusual)?;
                        match a.key.as_ref() {
                            "name" => name = Some(unescape(&a.value)?),
                            "state" if !matches!(a.value.as_ref(), "visible" | "hidden" | "veryHidden") => {
                                return Err(Unusual)
                            }
                            // The relationship id, whatever its namespace prefix (`r:id`).
                            _ if a.key.local_name().as_ref() == "id" => id = Some(a.value.to_string()),
                            _ => {}
                        }
                    }
                    let (target, typ) = relationships.get(&id.unwrap_or_default()).ok_or(Unusual)?;
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("xl/{target}"),
                    };
                    match typ.rsplit('/').next() {
                        Some("worksheet") => sheets.push((name.unwrap_or_default(), path)),
                        Some("chartsheet" | "dialogsheet") => {}
                        _ => return Err(Unusual),
                    }
                }
                Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                    if let Some(v) = attr(&e, "date1904")? {
                        is_1904 = v == "1" || v == "true";
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        drop(xml);
        self.sheets = sheets;
        self.is_1904 = is_1904;
        Ok(())
    }

    /// The number format class of every cell style.
    fn read_styles(&mut self) -> Result<(), Unusual> {
        let Some(mut xml) = self.part("xl/styles.xml")? else { return Ok(()) };
        let mut custom: HashMap<String, String> = HashMap::new();
        let mut formats = Vec::new();
        let mut buf = Vec::new();
        let (mut in_num_fmts, mut in_cell_xfs) = (false, false);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| Unusual)? {
                Event::Start(e) => match e.local_name().as_ref() {
                    "numFmts" => in_num_fmts = true,
                    "cellXfs" => in_cell_xfs = true,
                    "numFmt" if in_num_fmts => {
                        if let (Some(id), Some(code)) = (attr(&e, "numFmtId")?, attr(&e, "formatCode")?) {
                            custom.insert(id, code);
                        }
                    }
                    "xf" if in_cell_xfs => formats.push(match attr(&e, "numFmtId")? {
                        None => NumberKind::Plain,
                        Some(id) => match custom.get(&id) {
                            Some(code) => format_kind(code),
                            None => builtin_kind(&id),
                        },
                    }),
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "numFmts" => in_num_fmts = false,
                    "cellXfs" => in_cell_xfs = false,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        drop(xml);
        self.formats = formats;
        Ok(())
    }

    fn read_shared_strings(&mut self) -> Result<(), Unusual> {
        let Some(mut xml) = self.part("xl/sharedStrings.xml")? else { return Ok(()) };
        let mut shared = SharedStrings::default();
        let mut buf = Vec::new();
        let mut in_sst = false;
        loop {
            buf.clear();
            let event = xml.read_event_into(&mut buf).map_err(|_| Unusual)?;
            if let Event::Start(e) | Event::Empty(e) = &event {
                well_formed(e)?;
            }
            match event {
                Event::Start(e) if e.local_name().as_ref() == "sst" => in_sst = true,
                Event::Start(e) if in_sst && e.local_name().as_ref() == "si" => {
                    let s = read_rich_string(&mut xml, e.name().as_ref())?;
                    shared.push(&s)?;
                }
                Event::End(e) if e.local_name().as_ref() == "sst" => break,
                Event::Eof => return Err(Unusual),
                _ => {}
            }
        }
        drop(xml);
        self.shared = shared;
        Ok(())
    }

    /// Reads a worksheet into a sheet, or fails with [`Failed::Unusual`] for calamine to read it.
    pub fn read(
        &mut self,
        name: &str,
        limits: &Limits,
        until_row: Option<u32>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Sheet, Failed> {
        let path = self.sheets.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()).ok_or(Unusual)?;
        let actual = self.parts.get(&path.to_ascii_lowercase()).ok_or(Unusual)?.clone();
        let file = self.archive.by_name(&actual).map_err(|_| Unusual)?;
        // A stored cell takes at least a dozen bytes of XML (`<c r="A1"/>`).
        let most_cells = usize::try_from(file.size() / 12).unwrap_or(usize::MAX);
        let mut builder = SheetBuilder::new(name, limits.max_columns, limits.max_text_bytes);
        builder.set_1904(self.is_1904);
        let ctx = Context { formats: &self.formats, shared: &self.shared, is_1904: self.is_1904 };
        let too_much =
            |_: TextCapExceeded| Failed::Table(TableError::TooMuchText { limit: limits.max_text_bytes });
        let mut scan = Scanner::new(file);
        let (last_row, last_col) = scan.sheet_data()?;
        let rows = last_row as usize + 1;
        let width = (last_col as usize + 1).min(limits.max_columns);
        if until_row.is_none() {
            builder.reserve(rows.min(most_cells), rows.saturating_mul(width).min(most_cells), 0);
        }
        let mut tick = super::workbook::Ticker::new(last_row);
        let mut scratch = String::new();
        while let Some(cell) = scan.next_cell()? {
            if until_row.is_some_and(|last| cell.row >= last) {
                break;
            }
            tick.row(cell.row, progress);
            if let Some(value) = ctx.value(&cell, &mut scratch)? {
                builder.push(cell.row, cell.col, value).map_err(too_much)?;
            }
        }
        // The merged cells follow the cells; a head read stops before them (the
        // header is then joined by the rule for files without merges).
        if until_row.is_none() {
            if let Ok(merges) = scan.merge_cells() {
                builder.set_merges(merges);
            }
        }
        Ok(builder.finish())
    }
}

/// The value of an attribute as written, when the element has it.
/// calamine reads every attribute of the shared strings' tags and refuses the workbook when one
/// is malformed (`<t x386</t>`); the plain reader, which needs only `xml:space`, leaves such a
/// workbook to calamine so that the two never disagree (FUZZING.md, plain_vs_calamine).
fn well_formed(e: &quick_xml::events::BytesStart<'_>) -> Result<(), Unusual> {
    e.attributes().try_for_each(|a| a.map(drop).map_err(|_| Unusual))
}

fn raw_attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Result<Option<String>, Unusual> {
    Ok(e.try_get_attribute(name).map_err(|_| Unusual)?.map(|a| a.value.into_owned()))
}

/// The value of an attribute with its entities replaced (as calamine decodes
/// them: no other normalising), when the element has it.
fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Result<Option<String>, Unusual> {
    match e.try_get_attribute(name).map_err(|_| Unusual)? {
        Some(a) => Ok(Some(unescape(&a.value)?)),
        None => Ok(None),
    }
}

fn unescape(value: &str) -> Result<String, Unusual> {
    Ok(quick_xml::escape::unescape(value).map_err(|_| Unusual)?.into_owned())
}

/// The text of a shared string (`<si>`) or an inline string (`<is>`), as
/// calamine reads it: the `<t>` runs joined, phonetic runs left out, each run
/// trimmed of ASCII whitespace unless `xml:space="preserve"`, then Excel's
/// `_xHHHH_` escapes decoded. `closing` is the element's name.
fn read_rich_string<R: std::io::BufRead>(
    xml: &mut quick_xml::Reader<R>,
    closing: &str,
) -> Result<String, Unusual> {
    let mut out: Option<String> = None;
    let mut phonetic = false;
    let mut buf = Vec::new();
    let mut text_buf = Vec::new();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|_| Unusual)?;
        if let Event::Start(e) | Event::Empty(e) = &event {
            well_formed(e)?;
        }
        match event {
            Event::Start(e) if e.local_name().as_ref() == "r" && out.is_none() => out = Some(String::new()),
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.name().as_ref() == closing => return Ok(out.unwrap_or_default()),
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve =
                    matches!(e.try_get_attribute("xml:space"), Ok(Some(a)) if a.value == "preserve");
                let mut value = String::new();
                loop {
                    text_buf.clear();
                    match xml.read_event_into(&mut text_buf).map_err(|_| Unusual)? {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => {
                            if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                                value.push_str(s);
                            } else {
                                value.push(r.resolve_char_ref().map_err(|_| Unusual)?.ok_or(Unusual)?);
                            }
                        }
                        Event::End(end) if end.name() == e.name() => break,
                        Event::Eof => return Err(Unusual),
                        _ => {}
                    }
                }
                let value =
                    if preserve { value.as_str() } else { value.trim_matches([' ', '\t', '\r', '\n']) };
                let value = unescape_excel(value);
                match &mut out {
                    Some(s) => s.push_str(&value),
                    None => out = Some(value.into_owned()),
                }
            }
            Event::Eof => return Err(Unusual),
            _ => {}
        }
    }
}

/// Decodes Excel's `_xHHHH_` escapes (a UTF-16 code unit in hex, e.g. `_x000D_`
/// for a carriage return; a surrogate pair as two escapes; a lone surrogate
/// becomes U+FFFD).
fn unescape_excel(text: &str) -> std::borrow::Cow<'_, str> {
    /// The code unit of an escape at the start of `s`.
    fn unit(s: &[u8]) -> Option<u16> {
        match s {
            [b'_', b'x', a, b, c, d, b'_', ..] if [a, b, c, d].iter().all(|h| h.is_ascii_hexdigit()) => {
                let hex = |h: &u8| char::from(*h).to_digit(16).unwrap_or(0) as u16;
                Some(hex(a) << 12 | hex(b) << 8 | hex(c) << 4 | hex(d))
            }
            _ => None,
        }
    }
    const LEN: usize = 7;
    let bytes = text.as_bytes();
    if !text.contains("_x") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let Some(u) = (bytes[i] == b'_').then(|| unit(&bytes[i..])).flatten() else {
            i += 1;
            continue;
        };
        out.push_str(&text[copied..i]);
        i += LEN;
        let c = match u {
            0xD800..=0xDBFF => match unit(&bytes[i..]) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    i += LEN;
                    char::from_u32(0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00))
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(u32::from(u)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        copied = i;
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The class of a built-in number format, by its id as written.
fn builtin_kind(id: &str) -> NumberKind {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" => NumberKind::Date,
        // East Asian built-in formats: dates and clock times.
        "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52" | "53"
        | "54" | "55" | "56" | "57" | "58" => NumberKind::Date,
        "46" => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// The class of a custom number format code. Only its first section counts.
/// Outside quotes, `[…]` and the character after `\`, `_` or `*`, a d, m,
/// y, h or s (any case), or `AM/PM` / `A/P`, makes it a date or time; an
/// elapsed-time bracket (`[h]`, `[mm]`, `[ss]`) makes it a duration.
fn format_kind(code: &str) -> NumberKind {
    let mut chars = code.chars().peekable();
    let mut in_quotes = false;
    let mut after_a = false; // an `a` that may start AM/PM or A/P
    while let Some(c) = chars.next() {
        if in_quotes {
            in_quotes = c != '"';
            continue;
        }
        match c {
            '"' => in_quotes = true,
            '\\' | '_' | '*' => {
                chars.next();
            }
            ';' => return NumberKind::Plain,
            '[' => {
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inner.push(c);
                }
                let lower = inner.to_ascii_lowercase();
                let elapsed = !lower.is_empty()
                    && ["h", "m", "s"].iter().any(|u| lower.chars().all(|c| c.to_string() == *u));
                if elapsed {
                    return NumberKind::Duration;
                }
            }
            'a' | 'A' if !after_a => after_a = true,
            'p' | 'P' | 'm' | 'M' | '/' if after_a => return NumberKind::Date,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return NumberKind::Date,
            _ => {}
        }
    }
    NumberKind::Plain
}

/// What a cell element said, borrowed from the scanner's buffer.
struct RawCell<'b> {
    row: u32,
    col: u32,
    style: Option<&'b [u8]>,
    typ: Option<&'b [u8]>,
    /// The content of the value element that decides the cell (the last
    /// child wins, as in calamine): `<v>`, or an inline string, or nothing.
    value: RawValue<'b>,
}

enum RawValue<'b> {
    Empty,
    V(&'b [u8]),
    /// An inline string: borrowed from the sheet's bytes when it reads as
    /// written (the common case), or decoded.
    Inline(std::borrow::Cow<'b, str>),
}

/// Workbook-wide things a cell's value depends on.
struct Context<'w> {
    formats: &'w [NumberKind],
    shared: &'w SharedStrings,
    is_1904: bool,
}

impl<'w> Context<'w> {
    /// The cell's value as calamine reads it (`None` for an empty cell);
    /// text that had to be unescaped is kept in `scratch`.
    fn value<'c>(&self, cell: &'c RawCell<'_>, scratch: &'c mut String) -> Result<Option<Value<'c>>, Unusual>
    where
        'w: 'c,
    {
        let v = match &cell.value {
            RawValue::Empty => return Ok(None),
            RawValue::Inline(s) => return Ok(Some(Value::Text(s))),
            RawValue::V(v) => *v,
        };
        let text = || std::str::from_utf8(v).map_err(|_| Unusual);
        match cell.typ {
            None | Some(b"n") => {
                if v.is_empty() {
                    return Ok(None);
                }
                if !v.iter().all(|b| matches!(b, b'0'..=b'9' | b'.' | b'-' | b'+' | b'e' | b'E')) {
                    return Err(Unusual);
                }
                let n: f64 = text()?.parse().map_err(|_| Unusual)?;
                let kind = match cell.style {
                    None => NumberKind::Plain,
                    Some(s) => self.formats.get(digits(s)?).copied().unwrap_or(NumberKind::Plain),
                };
                Ok(Some(match kind {
                    NumberKind::Plain | NumberKind::Duration => Value::Number(n),
                    // A time of day with no date part stays a number: it is not a date of service.
                    NumberKind::Date if n < 1.0 && !self.is_1904 => Value::Number(n),
                    NumberKind::Date => match dates::from_serial(n, self.is_1904) {
                        Ok(d) => Value::Date(d),
                        Err(_) => Value::Number(n),
                    },
                }))
            }
            Some(b"s") => {
                if v.is_empty() {
                    return Ok(None);
                }
                let index = digits(v)?;
                Ok(Some(Value::Shared { index, text: self.shared.get(index).ok_or(Unusual)? }))
            }
            Some(b"b") => match v.trim_ascii() {
                b"" => Ok(None),
                b"0" => Ok(Some(Value::Bool(false))),
                b"1" => Ok(Some(Value::Bool(true))),
                t if t.eq_ignore_ascii_case(b"false") => Ok(Some(Value::Bool(false))),
                t if t.eq_ignore_ascii_case(b"true") => Ok(Some(Value::Bool(true))),
                _ => Err(Unusual),
            },
            Some(b"e") => Ok(Some(Value::Error(match v {
                b"#DIV/0!" => "#DIV/0!",
                b"#N/A" => "#N/A",
                b"#NAME?" => "#NAME?",
                b"#NULL!" => "#NULL!",
                b"#NUM!" => "#NUM!",
                b"#REF!" => "#REF!",
                b"#VALUE!" => "#VALUE!",
                _ => return Err(Unusual),
            }))),
            Some(b"inlineStr" | b"is") => Ok(None),
            // Text that may hold entities: the result of a string formula, or an ISO date.
            Some(b"str") => {
                let t = xml_text(text()?)?;
                Ok(Some(Value::Text(match unescape_excel(&t) {
                    std::borrow::Cow::Borrowed(_) if matches!(t, std::borrow::Cow::Borrowed(_)) => text()?,
                    unescaped => {
                        *scratch = unescaped.into_owned();
                        scratch.as_str()
                    }
                })))
            }
            Some(b"d") => {
                let t = match xml_text(text()?)? {
                    std::borrow::Cow::Borrowed(t) => t,
                    std::borrow::Cow::Owned(owned) => {
                        *scratch = owned;
                        scratch.as_str()
                    }
                };
                Ok(Some(match dates::parse_text(t) {
                    Ok(Some(dates::TextDate::Exact(d))) => Value::Date(d),
                    _ => Value::Text(t),
                }))
            }
            Some(_) => Err(Unusual),
        }
    }
}

/// Element text as calamine reads it: line ends normalised (XML 1.0), then
/// entities and character references replaced.
fn xml_text(raw: &str) -> Result<std::borrow::Cow<'_, str>, Unusual> {
    use std::borrow::Cow;
    let normalised = if raw.contains('\r') {
        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(raw)
    };
    match quick_xml::escape::unescape(&normalised).map_err(|_| Unusual)? {
        Cow::Borrowed(_) => Ok(normalised),
        Cow::Owned(unescaped) => Ok(Cow::Owned(unescaped)),
    }
}

/// A whole number written in ASCII digits.
fn digits(s: &[u8]) -> Result<usize, Unusual> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return Err(Unusual);
    }
    Ok(s.iter().fold(0usize, |n, d| n * 10 + usize::from(d - b'0')))
}

/// A cell reference such as `AB12`: 0-based (row, column).
/// A `<row>` tag's number, when it has one, must be digits: calamine stops on `<row r="1n">`
/// (FUZZING.md, plain_vs_calamine), so such a sheet is left to it. The cells carry their own
/// references, which is all the plain reader uses.
fn row_number_is_plain(tag: &[u8]) -> Result<(), Unusual> {
    let Some(at) = memchr::memmem::find(tag, b" r=\"") else { return Ok(()) };
    let value = &tag[at + 4..];
    let close = memchr::memchr(b'"', value).ok_or(Unusual)?;
    let digits = &value[..close];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Unusual);
    }
    Ok(())
}

fn cell_ref(r: &[u8]) -> Result<(u32, u32), Unusual> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || letters > 3 || row.first() == Some(&b'0') {
        return Err(Unusual);
    }
    let col = col.iter().fold(0u32, |n, b| n * 26 + u32::from(b - b'A') + 1);
    let row = u32::try_from(digits(row)?).map_err(|_| Unusual)?;
    Ok((row - 1, col - 1))
}

/// The worksheet XML, read in chunks as it inflates.
struct Scanner<R> {
    src: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    done: bool,
}

/// Bytes read from the inflating part at a time.
const CHUNK: usize = 256 * 1024;
/// One element larger than this (a cell with a huge inline string) is left to calamine.
const MAX_ELEMENT: usize = 64 * 1024 * 1024;

impl<R: Read> Scanner<R> {
    fn new(src: R) -> Scanner<R> {
        Scanner { src, buf: Vec::new(), start: 0, end: 0, done: false }
    }

    fn window(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Reads more of the part; false at its end.
    fn refill(&mut self) -> Result<bool, Unusual> {
        if self.done {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < CHUNK {
            if self.buf.len() >= MAX_ELEMENT {
                return Err(Unusual);
            }
            self.buf.resize((self.buf.len() * 2).max(2 * CHUNK), 0);
        }
        let n = self.src.read(&mut self.buf[self.end..]).map_err(|_| Unusual)?;
        self.end += n;
        self.done = n == 0;
        Ok(n > 0)
    }

    /// The offset (from the unread start) at or after `from` where `search`
    /// finds what it looks for (`overlap` bytes long), reading on as needed;
    /// `None` at the end of the part.
    fn find_with(
        &mut self,
        from: usize,
        overlap: usize,
        search: impl Fn(&Self, &[u8]) -> Option<usize>,
    ) -> Result<Option<usize>, Unusual> {
        let mut from = from;
        loop {
            let w = self.window();
            if let Some(i) = w.get(from..).and_then(|rest| search(self, rest)) {
                return Ok(Some(from + i));
            }
            from = from.max((w.len() + 1).saturating_sub(overlap));
            if !self.refill()? {
                return Ok(None);
            }
        }
    }

    fn find_byte(&mut self, byte: u8, from: usize) -> Result<Option<usize>, Unusual> {
        self.find_with(from, 1, |_, rest| memchr::memchr(byte, rest))
    }

    /// At least `n` unread bytes, unless the part ends first.
    fn have(&mut self, n: usize) -> Result<bool, Unusual> {
        while self.end - self.start < n {
            if !self.refill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Skips to `<sheetData>`, returning the last row and column the sheet
    /// declares (its `<dimension>`, 0-based; 0 without one).
    fn sheet_data(&mut self) -> Result<(u32, u32), Unusual> {
        let finder = memchr::memmem::Finder::new(b"<sheetData");
        let at = self.find_with(0, 10, |_, rest| finder.find(rest))?.ok_or(Unusual)?;
        let head = &self.window()[..at];
        // What comes before the cells must be well formed, as calamine reads it with an XML
        // reader: a broken tag there (a lost `>`) is calamine's to report.
        let mut xml = quick_xml::Reader::from_reader(head);
        xml.config_mut().check_end_names = true;
        loop {
            match xml.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(_) => return Err(Unusual),
            }
        }
        let mut last = (0, 0);
        if memchr::memmem::find(head, b":dimension").is_some() {
            return Err(Unusual);
        }
        if let Some(d) = memchr::memmem::find(head, b"<dimension") {
            let tag_end = head[d..].iter().position(|&b| b == b'>').ok_or(Unusual)? + d;
            let tag = &head[d + b"<dimension".len()..tag_end];
            let tag = tag.strip_suffix(b"/").unwrap_or(tag);
            last = dimension_end(attribute(tag, b"ref")?.ok_or(Unusual)?)?;
        }
        let end = self.find_byte(b'>', at)?.ok_or(Unusual)?;
        if !is_name_end(self.window().get(at + b"<sheetData".len())) {
            return Err(Unusual);
        }
        let self_closing = self.window()[end - 1] == b'/';
        self.start += end + 1;
        if self_closing {
            // `<sheetData/>`: no cells.
            self.done = true;
            self.start = self.end;
        }
        Ok(last)
    }

    /// The next cell of `<sheetData>`, or `None` at its end.
    fn next_cell(&mut self) -> Result<Option<RawCell<'_>>, Unusual> {
        loop {
            let Some(lt) = self.find_byte(b'<', 0)? else {
                // The part ends: fine only after `<sheetData/>`.
                return if self.window().is_empty() && self.done { Ok(None) } else { Err(Unusual) };
            };
            if !self.window()[..lt].iter().all(u8::is_ascii_whitespace) {
                return Err(Unusual);
            }
            self.start += lt;
            self.have(12)?;
            let w = self.window();
            if w.starts_with(b"<c") && is_name_end(w.get(2)) {
                return self.cell().map(Some);
            } else if w.starts_with(b"<row") && is_name_end(w.get(4)) {
                let end = self.find_byte(b'>', 0)?.ok_or(Unusual)?;
                row_number_is_plain(&self.window()[..end])?;
                self.start += end + 1;
            } else if w.starts_with(b"</row>") {
                self.start += 6;
            } else if w.starts_with(b"</sheetData>") {
                // What follows the cells (merged cells, page setup) is left for `merge_cells`.
                self.start += b"</sheetData>".len();
                return Ok(None);
            } else {
                return Err(Unusual);
            }
        }
    }

    /// After `</sheetData>`: the worksheet's merged cells (`<mergeCell
    /// ref="C1:D1"/>`), from the little XML that follows the cells.
    fn merge_cells(&mut self) -> Result<Vec<Merge>, Unusual> {
        const TAG: &[u8] = b"<mergeCell ";
        let finder = memchr::memmem::Finder::new(TAG);
        let mut merges = Vec::new();
        while let Some(at) = self.find_with(0, TAG.len(), |_, rest| finder.find(rest))? {
            let end = self.find_byte(b'>', at)?.ok_or(Unusual)?;
            let tag = &self.window()[at + TAG.len()..end];
            let tag = tag.strip_suffix(b"/").unwrap_or(tag);
            if let Some(range) = attribute(tag, b"ref")? {
                let (first, last) = match range.iter().position(|&b| b == b':') {
                    Some(colon) => (cell_ref(&range[..colon])?, cell_ref(&range[colon + 1..])?),
                    None => (cell_ref(range)?, cell_ref(range)?),
                };
                merges.push(Merge {
                    first_row: first.0 + 1,
                    last_row: last.0 + 1,
                    first_col: first.1,
                    last_col: last.1,
                });
            }
            self.start += end + 1;
        }
        Ok(merges)
    }

    /// Reads the `<c …>` element at the unread start.
    fn cell(&mut self) -> Result<RawCell<'_>, Unusual> {
        let parsed = loop {
            match parse_cell(self.window())? {
                Some(parsed) => break parsed,
                // The cell runs past what is inflated so far.
                None if self.refill()? => continue,
                None => return Err(Unusual),
            }
        };
        let start = self.start;
        self.start += parsed.len;
        let base = &self.buf[start..start + parsed.len];
        Ok(RawCell {
            row: parsed.row,
            col: parsed.col,
            style: parsed.style.map(|r| &base[r]),
            typ: parsed.typ.map(|r| &base[r]),
            value: match parsed.value {
                ParsedValue::Empty => RawValue::Empty,
                ParsedValue::V(r) => RawValue::V(&base[r]),
                ParsedValue::Inline(s) => RawValue::Inline(std::borrow::Cow::Owned(s)),
                ParsedValue::PlainInline(r) => RawValue::Inline(std::borrow::Cow::Borrowed(
                    std::str::from_utf8(&base[r]).map_err(|_| Unusual)?,
                )),
            },
        })
    }
}

/// A cell element found at the start of a buffer: its length, position, and
/// where its attributes and value are (ranges into the buffer).
struct ParsedCell {
    len: usize,
    row: u32,
    col: u32,
    style: Option<std::ops::Range<usize>>,
    typ: Option<std::ops::Range<usize>>,
    value: ParsedValue,
}

enum ParsedValue {
    Empty,
    V(std::ops::Range<usize>),
    Inline(String),
    /// An inline string that reads as written: where its text is.
    PlainInline(std::ops::Range<usize>),
}

/// The first `byte` in `w` at or after `from`.
fn byte_at(w: &[u8], from: usize, byte: u8) -> Option<usize> {
    w.get(from..)?.iter().position(|&b| b == byte).map(|i| from + i)
}

/// Parses the `<c …>` element at the start of `w` in one pass; `Ok(None)`
/// when `w` ends before the element does.
fn parse_cell(w: &[u8]) -> Result<Option<ParsedCell>, Unusual> {
    let Some(tag_end) = byte_at(w, 2, b'>') else { return Ok(None) };
    let self_closing = w[tag_end - 1] == b'/';
    let tag = 2..tag_end - usize::from(self_closing);
    let attrs = CellAttributes::parse(&w[tag.clone()])?;
    let (row, col) = cell_ref(attrs.reference(&w[tag.clone()])?)?;
    let shift = |r: std::ops::Range<usize>| r.start + tag.start..r.end + tag.start;
    let mut cell = ParsedCell {
        len: tag_end + 1,
        row,
        col,
        style: attrs.style.map(shift),
        typ: attrs.typ.map(shift),
        value: ParsedValue::Empty,
    };
    if self_closing {
        return Ok(Some(cell));
    }
    // The children; the last decides the value, as in calamine. Text between
    // them is ignored, as calamine ignores it.
    let mut i = tag_end + 1;
    loop {
        let Some(lt) = byte_at(w, i, b'<') else { return Ok(None) };
        let Some(child) = w.get(lt..lt + 4) else { return Ok(None) };
        if child == b"</c>" {
            cell.len = lt + 4;
            return Ok(Some(cell));
        }
        let name_len = match child {
            [b'<', b'v' | b'f', ..] => 2,
            [b'<', b'i', b's', ..] => 3,
            _ => return Err(Unusual),
        };
        if !is_name_end(w.get(lt + name_len)) {
            return Err(Unusual);
        }
        let Some(open_end) = byte_at(w, lt, b'>') else { return Ok(None) };
        cell.value = ParsedValue::Empty;
        i = open_end + 1;
        if w[open_end - 1] == b'/' {
            continue; // `<v/>`, `<f …/>`: an empty value
        }
        if name_len == 3 {
            let Some(close) = memchr::memmem::find(&w[i..], b"</is>") else { return Ok(None) };
            let close = i + close;
            let element = &w[lt..close + 5];
            cell.value = match plain_inline_string(element) {
                Some(text) => ParsedValue::PlainInline(lt + text.start..lt + text.end),
                None => ParsedValue::Inline(inline_string(element)?),
            };
            i = close + 5;
        } else {
            // A value or a formula holds no element: it ends at the next `<`.
            let Some(close) = byte_at(w, i, b'<') else { return Ok(None) };
            let Some(end_tag) = w.get(close..close + 4) else { return Ok(None) };
            if end_tag[..2] != *b"</" || end_tag[2] != child[1] || end_tag[3] != b'>' {
                return Err(Unusual);
            }
            if child[1] == b'v' {
                cell.value = ParsedValue::V(i..close);
            }
            i = close + 4;
        }
    }
}

/// The attributes of a start tag (the bytes after its name): each key and
/// the range of its value (quoted with `"` or `'`), or `Unusual` for a
/// malformed one, so that nothing is skipped silently.
struct Attributes<'t> {
    tag: &'t [u8],
    at: usize,
}

impl<'t> Attributes<'t> {
    fn of(tag: &'t [u8]) -> Attributes<'t> {
        Attributes { tag, at: 0 }
    }

    fn skip_space(&mut self) {
        while self.tag.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }
}

impl<'t> Iterator for Attributes<'t> {
    type Item = Result<(&'t [u8], std::ops::Range<usize>), Unusual>;

    fn next(&mut self) -> Option<Self::Item> {
        self.skip_space();
        if self.at >= self.tag.len() {
            return None;
        }
        let key_start = self.at;
        while self.tag.get(self.at).is_some_and(|&b| b != b'=' && !b.is_ascii_whitespace()) {
            self.at += 1;
        }
        let key = &self.tag[key_start..self.at];
        self.skip_space();
        if key.is_empty() || self.tag.get(self.at) != Some(&b'=') {
            self.at = self.tag.len();
            return Some(Err(Unusual));
        }
        self.at += 1;
        self.skip_space();
        let quote = self.tag.get(self.at).copied().filter(|&q| q == b'"' || q == b'\'');
        let len = quote.and_then(|q| self.tag[self.at + 1..].iter().position(|&b| b == q));
        let (Some(_), Some(len)) = (quote, len) else {
            self.at = self.tag.len();
            return Some(Err(Unusual));
        };
        let range = self.at + 1..self.at + 1 + len;
        self.at = range.end + 1;
        Some(Ok((key, range)))
    }
}

/// The value of attribute `name` in a start tag's attributes (after its name).
fn attribute<'t>(tag: &'t [u8], name: &[u8]) -> Result<Option<&'t [u8]>, Unusual> {
    let mut found = None;
    for a in Attributes::of(tag) {
        let (key, range) = a?;
        if key == name {
            found = Some(&tag[range]);
        }
    }
    Ok(found)
}

/// Where the `r`, `s` and `t` attributes of a cell's start tag are.
struct CellAttributes {
    reference: Option<std::ops::Range<usize>>,
    style: Option<std::ops::Range<usize>>,
    typ: Option<std::ops::Range<usize>>,
}

impl CellAttributes {
    fn parse(tag: &[u8]) -> Result<CellAttributes, Unusual> {
        let mut attrs = CellAttributes { reference: None, style: None, typ: None };
        for a in Attributes::of(tag) {
            let (key, range) = a?;
            let slot = match key {
                b"r" => &mut attrs.reference,
                b"s" => &mut attrs.style,
                b"t" => &mut attrs.typ,
                _ => continue,
            };
            // A repeated attribute, or an entity in one, is left to calamine.
            if slot.is_some() || tag[range.clone()].contains(&b'&') {
                return Err(Unusual);
            }
            *slot = Some(range);
        }
        Ok(attrs)
    }

    fn reference<'t>(&self, tag: &'t [u8]) -> Result<&'t [u8], Unusual> {
        self.reference.clone().map(|r| &tag[r]).ok_or(Unusual)
    }
}

/// An inline string element (`<is>…</is>`), read the way shared strings are.
fn inline_string(element: &[u8]) -> Result<String, Unusual> {
    let mut xml = quick_xml::Reader::from_reader(element);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    match xml.read_event_into(&mut buf).map_err(|_| Unusual)? {
        Event::Start(e) if e.name().as_ref() == "is" => {}
        _ => return Err(Unusual),
    }
    read_rich_string(&mut xml, "is")
}

/// Where the text of the common inline string, `<is><t>text</t></is>` (or
/// with `xml:space="preserve"`), is in the element, when it reads as written:
/// UTF-8 with no markup, entity, line end to normalise or `_x` escape in it,
/// and, unless preserved, without the ASCII whitespace calamine trims.
/// Constant-memory writers put every text cell in this form; anything else
/// goes through [`inline_string`].
fn plain_inline_string(element: &[u8]) -> Option<std::ops::Range<usize>> {
    const PRESERVE: &[u8] = b"<is><t xml:space=\"preserve\">";
    let inner = element.strip_suffix(b"</t></is>")?;
    let (start, preserve) = if inner.starts_with(b"<is><t>") {
        (7, false)
    } else if inner.starts_with(PRESERVE) {
        (PRESERVE.len(), true)
    } else {
        return None;
    };
    let text = &inner[start..];
    if text.iter().any(|b| matches!(b, b'<' | b'&' | b'\r' | b'_')) || std::str::from_utf8(text).is_err() {
        return None;
    }
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n');
    let (lead, trail) = if preserve || text.is_empty() {
        (0, 0)
    } else {
        let lead = text.iter().take_while(|b| space(b)).count();
        (lead, text[lead..].iter().rev().take_while(|b| space(b)).count())
    };
    Some(start + lead..inner.len() - trail)
}

/// A byte that may follow an element name: whitespace, `>` or `/`.
fn is_name_end(b: Option<&u8>) -> bool {
    matches!(b, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

/// The last row and column (0-based) of a `<dimension ref="A1:L200001">`
/// (calamine refuses other forms).
fn dimension_end(reference: &[u8]) -> Result<(u32, u32), Unusual> {
    let parts: Vec<&[u8]> = reference.split(|&b| b == b':').collect();
    let cells = parts.iter().map(|p| cell_ref(p)).collect::<Result<Vec<_>, _>>()?;
    match cells.as_slice() {
        [only] => Ok(*only),
        [first, last] if last.0 >= first.0 && last.1 >= first.1 => Ok(*last),
        _ => Err(Unusual),
    }
}

/// The plain reader's promise, checked: where it reads a workbook at all, it
/// gives calamine's sheet names and cells exactly. The tests run it on every
/// test workbook and on random ones; the `plain_vs_calamine` fuzz target
/// (feature `fuzzing`) on arbitrary bytes.
#[cfg(any(test, feature = "fuzzing"))]
pub mod against_calamine {
    use super::{Failed, PlainXlsx};
    use crate::table::sheet::Sheet;
    use crate::table::workbook::Book;
    use crate::table::{Format, Limits};

    /// A sheet as comparable data: its name, date system, notes and every stored row's cells.
    type Dump = (String, bool, Vec<String>, Vec<(u32, Vec<String>)>);

    fn dump(sheet: &Sheet) -> Dump {
        let rows = sheet.rows().map(|r| (r.number, r.cells().map(|c| format!("{c:?}")).collect())).collect();
        (sheet.name.clone(), sheet.is_1904, sheet.notes.clone(), rows)
    }

    /// What the plain reader made of a workbook that calamine also opens.
    #[derive(Debug, PartialEq)]
    pub enum Outcome {
        /// Every sheet read plain, with calamine's cells.
        Plain,
        /// Some sheet (or the workbook) was not plain: calamine reads it.
        LeftToCalamine,
    }

    /// Reads every sheet both ways and asserts that the plain reader, where it
    /// reads at all, produces calamine's sheet names and cells exactly.
    pub fn compare(bytes: &[u8], what: &str) -> Outcome {
        let limits = Limits::default();
        let Some(mut plain) = PlainXlsx::open(bytes) else { return Outcome::LeftToCalamine };
        let mut calamine = Book::open_with_calamine(bytes, Format::Xlsx)
            .unwrap_or_else(|e| panic!("{what}: the plain reader opens it but calamine does not: {e}"));
        assert_eq!(plain.sheet_names(), calamine.sheet_names(), "{what}: sheet names");
        let mut outcome = Outcome::Plain;
        for name in plain.sheet_names() {
            let by_calamine = calamine.read(&name, Format::Xlsx, &limits, None, &mut |_| {});
            match plain.read(&name, &limits, None, &mut |_| {}) {
                Ok(sheet) => {
                    let theirs =
                        by_calamine.unwrap_or_else(|e| panic!("{what} {name}: plain read, calamine: {e}"));
                    assert_eq!(dump(&sheet), dump(&theirs), "{what}: sheet {name}");
                }
                Err(Failed::Table(e)) => assert_eq!(by_calamine.err(), Some(e), "{what} {name}"),
                Err(Failed::Unusual) => outcome = Outcome::LeftToCalamine,
            }
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use rust_xlsxwriter::{Format as CellFormat, Formula, Workbook as XlsxWriter};

    use super::against_calamine::{compare, Outcome};
    use super::*;
    use crate::table::workbook::Book;
    use crate::table::{CellRef, Format};

    fn xlsx_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                xlsx_files(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_test_workbook_reads_as_calamine_reads_it() {
        let mut files = Vec::new();
        xlsx_files(Path::new("tests/data/shared"), &mut files);
        xlsx_files(Path::new("tests/fixtures"), &mut files);
        assert!(files.len() > 40, "{} workbooks", files.len());
        let mut plain = Vec::new();
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            if compare(&bytes, &path.display().to_string()) == Outcome::Plain {
                plain.push(path.display().to_string());
            }
        }
        // The practice's own exports and XlsxWriter's files are plain.
        for must in [
            "tests/fixtures/practice/charges.xlsx",
            "tests/fixtures/practice/charges.lo.xlsx",
            "tests/fixtures/shapes/charges-wide-40.xlsx",
            "tests/fixtures/shapes/payments-wide-40.xlsx",
            "types01.xlsx",
            "date_1904_01.xlsx",
            "1904.xlsx",
        ] {
            assert!(plain.iter().any(|p| p.ends_with(must)), "{must} should be read plain; plain: {plain:?}");
        }
        assert!(plain.len() * 2 > files.len(), "most are plain: {} of {}", plain.len(), files.len());
    }

    #[test]
    fn excel_escapes_decode_like_calamine() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_", "an escaped escape stays literal");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x", "a lone high surrogate");
        assert_eq!(unescape_excel("_x00zz_ _x41_"), "_x00zz_ _x41_");
    }

    #[test]
    fn number_formats_are_classed_like_calamine() {
        for (code, kind) in [
            ("mm/dd/yyyy", NumberKind::Date),
            ("[$-409]mmmm d, yyyy", NumberKind::Date),
            ("h:mm AM/PM", NumberKind::Date),
            ("[h]:mm:ss", NumberKind::Duration),
            ("[mm]:ss", NumberKind::Duration),
            ("#,##0.00", NumberKind::Plain),
            ("[Red]#,##0;[Blue]-#,##0", NumberKind::Plain),
            ("0.00E+00", NumberKind::Plain),
            ("General", NumberKind::Plain),
            ("\"Days\" 0", NumberKind::Plain),
            ("0\\d", NumberKind::Plain),
            ("0;\"yes\"", NumberKind::Plain),
            ("_(* #,##0_)", NumberKind::Plain),
        ] {
            assert_eq!(format_kind(code), kind, "{code}");
        }
        assert_eq!(builtin_kind("14"), NumberKind::Date);
        assert_eq!(builtin_kind("46"), NumberKind::Duration);
        assert_eq!(builtin_kind("4"), NumberKind::Plain);
    }

    #[test]
    fn cell_references_and_attributes() {
        assert_eq!(cell_ref(b"A1"), Ok((0, 0)));
        assert_eq!(cell_ref(b"XFD1048576"), Ok((1_048_575, 16_383)));
        assert!(cell_ref(b"a1").is_err() && cell_ref(b"A0").is_err() && cell_ref(b"1").is_err());
        let tag = b" r=\"B2\" s='3'  t=\"s\" cm=\"1\"";
        let a = CellAttributes::parse(tag).unwrap();
        assert_eq!(a.reference(tag).unwrap(), b"B2");
        assert_eq!(&tag[a.style.unwrap()], b"3");
        assert!(CellAttributes::parse(b" r=\"A1\" t=\"s").is_err(), "an unclosed quote");
        assert!(CellAttributes::parse(b" r=\"A1\" r=\"A2\"").is_err(), "a repeated attribute");
    }

    /// A workbook written by rust_xlsxwriter from the given cells.
    fn workbook(cells: &[(u32, u16, Cell)]) -> Vec<u8> {
        workbook_with(cells, false)
    }

    /// A workbook written by rust_xlsxwriter from the given cells; with
    /// `inline`, in its constant-memory mode, which writes every text as an
    /// inline string (`t="inlineStr"`) and keeps only cells written in row order.
    fn workbook_with(cells: &[(u32, u16, Cell)], inline: bool) -> Vec<u8> {
        let mut book = XlsxWriter::new();
        let sheet =
            if inline { book.add_worksheet_with_constant_memory().unwrap() } else { book.add_worksheet() };
        let date = CellFormat::new().set_num_format("mm/dd/yyyy");
        let money = CellFormat::new().set_num_format("#,##0.00;[Red]-#,##0.00");
        let elapsed = CellFormat::new().set_num_format("[h]:mm");
        let bold = CellFormat::new().set_bold();
        for (row, col, cell) in cells {
            let (r, c) = (*row, *col);
            let _ = match cell {
                Cell::Text(t) => sheet.write_string(r, c, t),
                Cell::Number(n) => sheet.write_number(r, c, *n),
                Cell::Date(n) => sheet.write_number_with_format(r, c, *n, &date),
                Cell::Money(n) => sheet.write_number_with_format(r, c, *n, &money),
                Cell::Elapsed(n) => sheet.write_number_with_format(r, c, *n, &elapsed),
                Cell::Bool(b) => sheet.write_boolean(r, c, *b),
                Cell::Formula(t) => sheet.write_formula(r, c, Formula::new("=\"x\"").set_result(t.as_str())),
                Cell::Rich(a, b) => sheet.write_rich_string(
                    r,
                    c,
                    &[(&bold, a.as_str()), (&CellFormat::default(), b.as_str())],
                ),
            };
        }
        book.save_to_buffer().unwrap()
    }

    #[derive(Clone, Debug)]
    enum Cell {
        Text(String),
        Number(f64),
        Date(f64),
        Money(f64),
        Elapsed(f64),
        Bool(bool),
        Formula(String),
        Rich(String, String),
    }

    fn cell() -> impl Strategy<Value = Cell> {
        let text = prop_oneof![
            "[A-Za-z0-9 ,.$()-]{0,12}",
            "\\PC{0,8}",
            Just("  padded  ".to_string()),
            Just("a_x000D_b &amp; <tag> \"q\"".to_string()),
            Just("line\nbreak\r\nhere".to_string()),
        ];
        prop_oneof![
            text.clone().prop_map(Cell::Text),
            any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Cell::Number),
            (-100_000i64..10_000_000).prop_map(|c| Cell::Money(c as f64 / 100.0)),
            (0.0f64..80_000.0).prop_map(Cell::Date),
            (0.0f64..100.0).prop_map(Cell::Elapsed),
            any::<bool>().prop_map(Cell::Bool),
            text.clone().prop_map(Cell::Formula),
            (text.clone(), text).prop_map(|(a, b)| Cell::Rich(a, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_workbooks_read_as_calamine_reads_them(
            cells in prop::collection::vec((0u32..40, 0u16..30, cell()), 0..60)
        ) {
            let bytes = workbook(&cells);
            prop_assert_eq!(compare(&bytes, "random workbook"), Outcome::Plain);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_inline_string_workbooks_read_as_calamine_reads_them(
            cells in prop::collection::vec((0u32..40, 0u16..30, cell()), 0..60)
        ) {
            let mut cells = cells;
            cells.sort_by_key(|(row, col, _)| (*row, *col));
            let bytes = workbook_with(&cells, true);
            prop_assert_eq!(compare(&bytes, "random inline-string workbook"), Outcome::Plain);
        }
    }

    #[test]
    fn inline_strings_read_as_calamine_reads_them() {
        let texts = [
            "Smith, Mary",
            "",
            "  padded  ",
            "tab\there",
            "line\nbreak\r\nhere",
            "a_x000D_b",
            "snake_case",
            "x & y <z> \"q\" 'a'",
            "Müller, José 李",
            " ",
        ];
        let cells: Vec<(u32, u16, Cell)> = (0..texts.len() as u32 * 3)
            .flat_map(|r| {
                let text = texts[r as usize % texts.len()].to_string();
                [
                    (r, 0, Cell::Text(text.clone())),
                    (r, 1, Cell::Money(f64::from(r) * 2.5)),
                    (r, 3, Cell::Text(text)),
                ]
            })
            .collect();
        let bytes = workbook_with(&cells, true);
        assert_eq!(compare(&bytes, "inline strings"), Outcome::Plain);
        // Hand-written forms a constant-memory writer does not make, read by the general path.
        let edited = rewrite_sheet(&bytes, |xml| {
            assert!(xml.contains("t=\"inlineStr\"><is><t>Smith, Mary</t></is>"), "the writer's form");
            xml.replace(
                "<is><t>Smith, Mary</t></is>",
                "<is><t xml:space=\"preserve\"> Smith,&#10;Mary </t></is>",
            )
            .replace("<is><t>snake_case</t></is>", "<is><r><t>snake</t></r><r><t>_case</t></r></is>")
        });
        assert_eq!(compare(&edited, "edited inline strings"), Outcome::Plain);
    }

    #[test]
    fn the_plain_inline_string_form_is_read_directly() {
        let text = |element: &'static [u8]| plain_inline_string(element).map(|r| &element[r]);
        assert_eq!(text(b"<is><t>Smith, Mary</t></is>"), Some(&b"Smith, Mary"[..]));
        assert_eq!(text(b"<is><t> \tpadded\n </t></is>"), Some(&b"padded"[..]));
        assert_eq!(text(b"<is><t xml:space=\"preserve\"> kept </t></is>"), Some(&b" kept "[..]));
        assert_eq!(text(b"<is><t></t></is>"), Some(&b""[..]));
        assert_eq!(text(b"<is><t>   </t></is>"), Some(&b""[..]));
        for other in [
            &b"<is><t>a &amp; b</t></is>"[..],
            b"<is><t>a_x000D_b</t></is>",
            b"<is><t>a\r\nb</t></is>",
            b"<is><r><t>a</t></r></is>",
            b"<is><t xml:space='preserve'>a</t></is>",
            b"<is><t>\xff</t></is>",
        ] {
            assert_eq!(plain_inline_string(other), None, "{}", String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn a_large_workbook_reads_as_calamine_reads_it_across_chunks() {
        let cells: Vec<(u32, u16, Cell)> = (0..20_000u32)
            .flat_map(|r| {
                [
                    (r, 0, Cell::Text(format!("claim {}", r / 3))),
                    (r, 1, Cell::Money(f64::from(r) * 1.25)),
                    (r, 2, Cell::Date(45_000.0 + f64::from(r % 700))),
                    (r, 5, Cell::Number(f64::from(r))),
                ]
            })
            .collect();
        assert_eq!(compare(&workbook(&cells), "large"), Outcome::Plain);
    }

    #[test]
    fn unusual_sheets_are_left_to_calamine() {
        // A cell without a reference: the plain reader gives up, calamine reads it.
        let bytes = workbook(&[(0, 0, Cell::Text("x".into()))]);
        let edited = rewrite_sheet(&bytes, |xml| xml.replace("<c r=\"A1\"", "<c"));
        let mut plain = PlainXlsx::open(&edited).unwrap();
        assert!(matches!(plain.read("Sheet1", &Limits::default(), None, &mut |_| {}), Err(Failed::Unusual)));
        let mut book = Book::open(&edited, Format::Xlsx).unwrap();
        let sheet = book.read("Sheet1", Format::Xlsx, &Limits::default(), None, &mut |_| {}).unwrap();
        assert_eq!(sheet.row(0).unwrap().get(0), CellRef::Text("x"));
    }

    #[test]
    fn a_broken_tag_before_the_cells_is_left_to_calamine() {
        let bytes = workbook(&[(0, 0, Cell::Text("x".into()))]);
        let edited = rewrite_sheet(&bytes, |xml| {
            assert!(xml.contains("</sheetViews>"));
            xml.replace("</sheetViews>", "</sheetViewsk")
        });
        assert_eq!(compare(&edited, "broken head"), Outcome::LeftToCalamine);
        assert_eq!(compare(&bytes, "whole head"), Outcome::Plain);
    }

    /// Fuzzing found a row numbered `1n`: calamine reports cells it could not read there, so
    /// the plain reader leaves the sheet to it.
    #[test]
    fn a_row_number_that_is_not_a_number_is_left_to_calamine() {
        let bytes = workbook(&[(0, 0, Cell::Text("x".into())), (1, 0, Cell::Number(1.0))]);
        let edited = rewrite_sheet(&bytes, |xml| {
            assert!(xml.contains("<row r=\"2\""), "{xml}");
            xml.replace("<row r=\"2\"", "<row r=\"2n\"")
        });
        assert_eq!(compare(&edited, "row 2n"), Outcome::LeftToCalamine);
        assert_eq!(row_number_is_plain(b"<row r=\"12\" spans=\"1:3\""), Ok(()));
        assert_eq!(row_number_is_plain(b"<row spans=\"1:3\""), Ok(()));
        assert!(row_number_is_plain(b"<row r=\"\"").is_err());
    }

    /// Fuzzing found a shared string whose `<t` tag lost its `>` (`<t x386</t>`): calamine
    /// refuses the workbook at open, so the plain reader must not read it either.
    #[test]
    fn a_malformed_attribute_in_the_shared_strings_is_left_to_calamine() {
        // The broken string is not the last: the reader reads past it into the next one.
        let bytes = workbook(&[
            (0, 0, Cell::Text("Claim #".into())),
            (1, 0, Cell::Text("x".into())),
            (2, 0, Cell::Text("000390".into())),
        ]);
        let edited = rewrite_part(&bytes, "xl/sharedStrings.xml", |xml| {
            let at =
                xml.find("<t>x</t>").or_else(|| xml.find(">x</t>").map(|i| xml[..i].rfind("<t").unwrap()));
            let at = at.expect("the shared string x");
            let end = at + xml[at..].find("</t>").unwrap();
            format!("{}<t x386{}", &xml[..at], &xml[end..])
        });
        assert!(PlainXlsx::open(&edited).is_none(), "the plain reader leaves it to calamine");
        assert_eq!(compare(&edited, "malformed attribute"), Outcome::LeftToCalamine);
        assert_eq!(compare(&bytes, "whole shared strings"), Outcome::Plain);
    }

    /// The workbook with its first worksheet's XML changed by `edit`.
    fn rewrite_sheet(bytes: &[u8], edit: impl Fn(&str) -> String) -> Vec<u8> {
        rewrite_part(bytes, "xl/worksheets/sheet1.xml", edit)
    }

    /// The workbook with the XML of its part `part` changed by `edit`.
    fn rewrite_part(bytes: &[u8], part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
        use std::io::Write;
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            if name == part {
                content = edit(std::str::from_utf8(&content).unwrap()).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(&content).unwrap();
        }
        out.finish().unwrap().into_inner()
    }
}
