//! Sheet + Mapping → typed rows: charges, payments and fee-schedule entries.
//!
//! [`load`] takes a file's bytes to a [`Table`]: the sheet, its header row
//! and the final column mapping (detected, then the user's overrides). The
//! `read_*` functions then turn each data row into a [`ChargeRow`],
//! [`PaymentRow`] or [`FeeRow`]. A row whose required value cannot be read
//! goes to the rejected list with its file, row, column letter, the cell as
//! written and why (SPEC §4 "Every row is accounted for"); it is never
//! dropped silently and never stops the rest of the file.
//!
//! Cell rules (SPEC §1–§3) live in [`read_cell`]: money through
//! [`Money`], dates per column with one day/month order, identifiers
//! normalised for matching, reason codes as lists.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::carc::{self, ReasonCode};
use crate::columns::{self, Column, Layout, Mapping, MappingOverride, Role, ValueKind};
use crate::hashing::FastMap;
use crate::interned::Text;
use crate::layout::{self, FillDown, RowKinds, SkipKind, SkippedRow};
use crate::money::{Money, ReadAmount};
use crate::payment_source::PaymentSource;
use crate::table::dates::{self, ColumnOrder, DayMonthOrder};
use crate::table::{self, column_letter, number_text, CellRef, Limits, Row, Sheet, TableError};

/// Which input a row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Charges,
    Payments,
    Fees,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Charges => "charges",
            FileKind::Payments => "payments",
            FileKind::Fees => "fees",
        })
    }
}

/// A row that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub file: FileKind,
    pub row: u32,
    /// Column letter of the offending cell (`null` when no single cell is to blame).
    pub column: Option<String>,
    /// The cell as written.
    pub value: String,
    pub reason: String,
}

/// An identifier as written, and its matching key: trimmed, inner spaces
/// collapsed, case-folded, and without leading zeros when it is all digits,
/// because spreadsheets drop them (SPEC §2, §4). Both are shared [`Text`]; when
/// the key is the text as shown (most codes and identifiers), they are one copy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub shown: Text,
    pub key: Text,
}

impl Id {
    pub fn new(text: &str) -> Option<Id> {
        let shown = collapse_spaces(text);
        if shown.is_empty() {
            return None;
        }
        let key = if shown.bytes().all(|b| b.is_ascii_digit()) {
            let t = shown.trim_start_matches('0');
            if t.is_empty() {
                Some("0".to_string())
            } else if t.len() == shown.len() {
                None
            } else {
                Some(t.to_string())
            }
        } else if shown.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            None // already folded: to_lowercase would copy it unchanged
        } else {
            Some(shown.to_lowercase())
        };
        Some(Id::from_parts(shown, key))
    }

    /// The shown text and, when it differs, the key.
    fn from_parts(shown: Cow<'_, str>, key: Option<String>) -> Id {
        let shown = Text::from(shown);
        match key {
            Some(k) if k != *shown => Id { shown, key: Text::from(k) },
            _ => Id { key: shown.clone(), shown },
        }
    }

    /// Procedure codes and modifiers compare upper-cased; `99213 ` = `99213`.
    pub fn code(text: &str) -> Option<Id> {
        let collapsed = collapse_spaces(text);
        if collapsed.is_empty() {
            return None;
        }
        let shown = if collapsed.bytes().all(|b| b.is_ascii() && !b.is_ascii_lowercase()) {
            collapsed // already upper-case
        } else {
            Cow::Owned(collapsed.to_uppercase())
        };
        let key = shown.contains(' ').then(|| shown.replace(' ', ""));
        Some(Id::from_parts(shown, key))
    }

    /// Modifier lists compare as sets written one way: `25, 59` = `25 59` = `25/59`.
    pub fn modifiers(text: &str) -> Option<Id> {
        let parts: Vec<String> = text
            .split([',', ' ', '/', ';', ':', '-'])
            .filter(|p| !p.is_empty())
            .map(|p| p.to_uppercase())
            .collect();
        if parts.is_empty() {
            return None;
        }
        let shown = parts.join(",");
        let mut sorted = parts;
        sorted.sort();
        Some(Id::from_parts(Cow::Owned(shown), Some(sorted.join(","))))
    }

    /// Patient names match whatever the order: `Lee, Ann` = `ANN LEE`.
    pub fn name(text: &str) -> Option<Id> {
        let shown = collapse_spaces(text);
        let mut words: Vec<&str> =
            shown.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return None;
        }
        let key = if shown.is_ascii() {
            // The same order as sorting the lower-cased words, without a copy of each.
            words.sort_by(|a, b| {
                a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
            });
            let mut key = String::with_capacity(shown.len());
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    key.push(' ');
                }
                key.extend(w.bytes().map(|c| char::from(c.to_ascii_lowercase())));
            }
            key
        } else {
            let mut lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            lower.sort();
            lower.join(" ")
        };
        Some(Id::from_parts(shown, Some(key)))
    }
}

/// `text` with its ends trimmed and inner runs of whitespace collapsed to one
/// space (what `split_whitespace` + `join(" ")` gives), borrowed when it is
/// already so, as almost every cell is.
fn collapse_spaces(text: &str) -> Cow<'_, str> {
    let mut after_space = true; // a space at the start is not allowed either
    let mut collapsed = true;
    for c in text.chars() {
        if c == ' ' {
            collapsed &= !after_space;
            after_space = true;
        } else {
            collapsed &= !c.is_whitespace();
            after_space = false;
        }
    }
    // No space at the end either (an empty text is fine).
    collapsed &= !after_space || text.is_empty();
    if collapsed {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// What identifies the service a row is about. Each field is optional; which
/// ones matter depends on the match level chosen for the pair of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Keys {
    pub claim: Option<Id>,
    pub line: Option<Id>,
    pub patient_id: Option<Id>,
    pub patient_name: Option<Id>,
    pub service_date: Option<NaiveDate>,
    pub code: Option<Id>,
    pub modifier: Option<Id>,
}

impl Keys {
    /// The patient as shown: the name when there is one, else the ID.
    pub fn patient_shown(&self) -> Option<Text> {
        self.patient_name.as_ref().or(self.patient_id.as_ref()).map(|i| i.shown.clone())
    }
}

/// What came back from the payer for a row: amounts and reason codes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Remit {
    pub paid: Money,
    pub contractual: Money,
    /// Patient responsibility: its own column, or deductible + coinsurance +
    /// copay when only those are mapped (SPEC §3).
    pub patient_responsibility: Money,
    pub deductible: Option<Money>,
    pub coinsurance: Option<Money>,
    pub copay: Option<Money>,
    pub other_adjustment: Money,
    pub patient_paid: Money,
    /// Whose payment the row is (SPEC §8.3): primary unless a column or the
    /// 835's CLP02 says otherwise. A patient's row adds its paid amount to
    /// patient paid, never to insurance paid.
    pub source: PaymentSource,
    pub reason_codes: Vec<ReasonCode>,
    /// Whether any of paid, contractual, patient responsibility or other
    /// adjustment was written at all (a written zero counts).
    pub any_amount: bool,
}

impl Remit {
    /// Remittance information is present: an amount written, or a reason code.
    pub fn exists(&self) -> bool {
        self.any_amount || !self.reason_codes.is_empty()
    }
}

/// One row of the charges file (or of the single billed+paid table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRow {
    pub row: u32,
    pub keys: Keys,
    pub payer: Option<Text>,
    pub billed: Money,
    pub allowed: Option<Money>,
    pub billed_date: Option<NaiveDate>,
    /// The patient's date of birth, when a column gives it (for finding a patient).
    pub date_of_birth: Option<NaiveDate>,
    /// Units of service; the fee schedule's amount is per unit. 1 when blank.
    pub units: Decimal,
    /// What came back, in single mode (all zero in matched mode).
    pub remit: Remit,
}

/// One row of a remittance (payments) file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    pub row: u32,
    pub keys: Keys,
    pub payer: Option<Text>,
    pub billed: Option<Money>,
    pub allowed: Option<Money>,
    pub remit: Remit,
    pub payment_date: Option<NaiveDate>,
    pub check_number: Option<Text>,
    /// A row about a whole claim rather than one service line (from an 835:
    /// a claim paid without service lines, or claim-level adjustments).
    pub claim_level: bool,
}

/// One fee-schedule entry: the amount expected for a code (from one payer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeRow {
    pub row: u32,
    pub code: Id,
    pub payer: Option<Id>,
    pub allowed: Money,
}

/// The rows read from one file, and what happened to the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Records<T> {
    pub file: FileKind,
    /// The file's name, as the user gave it.
    pub name: String,
    pub rows: Vec<T>,
    pub rejected: Vec<Rejected>,
    /// Blank rows between the header and the last data row.
    pub blank: usize,
    /// Rows a report adds around its data (footer totals, repeated page
    /// headers, page footers, group labels), left out of every sum (SPEC §8.1).
    pub skipped: Vec<SkippedRow>,
    /// Things the user should know: an encoding guessed, a date order assumed,
    /// amounts rounded to the cent.
    pub notes: Vec<String>,
}

/// A file read and mapped, ready for the `read_*` functions.
#[derive(Debug)]
pub struct Table {
    pub file_name: String,
    pub format: table::Format,
    pub sheets: Vec<String>,
    pub sheet: Sheet,
    pub layout: Layout,
    pub mapping: Mapping,
}

/// A file that cannot be used at all. The message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{file}: {source}")]
    Table { file: String, source: TableError },
    #[error("{file}: no header row in the first {rows} rows of sheet \"{sheet}\"; expected column names such as {expected}")]
    NoHeader { file: String, sheet: String, rows: u32, expected: String },
    #[error("{file}: row {row} of sheet \"{sheet}\" is empty, so it cannot be the header row")]
    EmptyHeaderRow { file: String, sheet: String, row: u32 },
    #[error("{file}: {source}")]
    Mapping { file: String, source: columns::MappingError },
    /// Each edge adds how to map a column there ([`InputError::hint`]).
    #[error("{file}: no column is mapped to {needed}, so its rows cannot be read")]
    Unmapped { file: String, needed: String },
    #[error("{file}: {source}")]
    X12 { file: String, source: crate::x12::X12Error },
    /// The same bytes (and sheet) given twice (SPEC §8.5).
    #[error("{}", same_file_message(first, second, sheet.as_deref()))]
    SameFile { first: String, second: String, sheet: Option<String> },
    /// A charges file that reads as a payments file: the files are likely swapped.
    #[error(
        "{file} has payment columns ({found}) but no billed amount: it looks like a payments file. \
         Were the files swapped? Choose the file with the billed charges as charges and this one as payments"
    )]
    LooksLikePayments { file: String, found: String },
    /// A payments file that reads as a charges file: the files are likely swapped.
    #[error(
        "{file} has billed amounts but no paid amount or adjustment: it looks like a charges file. \
         Were the files swapped? Choose the payer's remittance as payments and this one as charges"
    )]
    LooksLikeCharges { file: String },
    /// An 835 remittance given as the charges file.
    #[error(
        "{file} is an 835 remittance: it holds what the payer paid, not what was billed. \
         Choose it as a payments file, and choose the practice's charges export as charges"
    )]
    RemittanceAsCharges { file: String },
    /// Several charges files where one is not an 837: only claim files can be given together
    /// as the charges (SPEC §11).
    #[error(
        "{file} is not an 837 claim file: several files can be the charges only when each is an \
         837 file of claims sent to payers. Give a spreadsheet of charges on its own, or only 837 files"
    )]
    ChargesNotClaims { file: String },
    /// No charges file at all.
    #[error("no charges file was given")]
    NoCharges,
}

fn same_file_message(first: &str, second: &str, sheet: Option<&str>) -> String {
    let sheet = sheet.map(|s| format!(" (sheet \"{s}\")")).unwrap_or_default();
    let what = if first == second {
        format!("{first}{sheet} was chosen twice")
    } else {
        format!("{first} and {second} are the same file{sheet}")
    };
    format!(
        "{what}: each part of the reconciliation needs its own file, or its own sheet of a workbook. \
         Choose the practice's charges export as charges and the payer's remittance as payments"
    )
}

/// What the person can do about an [`InputError`], worded by each edge (the
/// CLI names its flags, the page its controls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Say which column holds a value (the CLI's `--map`, the page's column list).
    MapAColumn,
}

impl InputError {
    pub fn hint(&self) -> Option<Hint> {
        match self {
            InputError::Unmapped { .. } => Some(Hint::MapAColumn),
            _ => None,
        }
    }
}

/// Reads a file, finds its header row and maps its columns.
pub fn load(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    overrides: Option<&MappingOverride>,
    limits: &Limits,
) -> Result<Table, InputError> {
    load_with_progress(bytes, file_name, sheet, None, overrides, limits, &mut |_| {})
}

/// [`load`] with the header row the user chose (1-based, as a spreadsheet
/// shows it; `None` finds it), calling `progress` with the share of the sheet
/// read so far (0 to 1).
pub fn load_with_progress(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    header_row: Option<u32>,
    overrides: Option<&MappingOverride>,
    limits: &Limits,
    progress: &mut dyn FnMut(f32),
) -> Result<Table, InputError> {
    let table_err = |source| InputError::Table { file: file_name.to_string(), source };
    let mut workbook = table::open(bytes, file_name, limits).map_err(table_err)?;
    let sheets = workbook.sheet_names().to_vec();
    let mut read = |wb: &mut table::Workbook<'_>, name: Option<&str>| wb.read_with_progress(name, progress);
    let sheet = match sheet {
        Some(name) => read(&mut workbook, Some(name)).map_err(table_err)?,
        None => first_sheet_with_header(&mut workbook, &sheets, read).map_err(table_err)?,
    };
    let (layout, mapping) = layout_and_mapping(&sheet, file_name, header_row, overrides)?;
    Ok(Table { file_name: file_name.to_string(), format: workbook.format(), sheets, sheet, layout, mapping })
}

/// The column mapping [`load`] would give, from the first rows of the file
/// only: the header is within them ([`columns::HEADER_SEARCH_ROWS`]). The
/// reconciliation chooses its match level from the payments files' mappings
/// before it reads the charges rows, so that it never holds a charges file's
/// rows and a payments sheet at once. (Rows a workbook stores out of order
/// past the first rows are not looked at; no spreadsheet program writes them.)
pub fn peek_mapping(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    header_row: Option<u32>,
    overrides: Option<&MappingOverride>,
    limits: &Limits,
) -> Result<Mapping, InputError> {
    let table_err = |source| InputError::Table { file: file_name.to_string(), source };
    let mut workbook = table::open(bytes, file_name, limits).map_err(table_err)?;
    let sheets = workbook.sheet_names().to_vec();
    // The header (and the row under it, for a header printed over two rows).
    let head_rows = header_row.unwrap_or(columns::HEADER_SEARCH_ROWS).saturating_add(1);
    let read = |wb: &mut table::Workbook<'_>, name: Option<&str>| wb.read_head(name, head_rows);
    let head = match sheet {
        Some(name) => read(&mut workbook, Some(name)).map_err(table_err)?,
        None => first_sheet_with_header(&mut workbook, &sheets, read).map_err(table_err)?,
    };
    Ok(layout_and_mapping(&head, file_name, header_row, overrides)?.1)
}

/// The header of a sheet, and the mapping its columns get (detected, then the user's overrides).
fn layout_and_mapping(
    sheet: &Sheet,
    file_name: &str,
    header_row: Option<u32>,
    overrides: Option<&MappingOverride>,
) -> Result<(Layout, Mapping), InputError> {
    let layout = layout::find_layout(sheet, header_row).ok_or_else(|| match header_row {
        Some(row) => {
            InputError::EmptyHeaderRow { file: file_name.to_string(), sheet: sheet.name.clone(), row }
        }
        None => InputError::NoHeader {
            file: file_name.to_string(),
            sheet: sheet.name.clone(),
            rows: columns::HEADER_SEARCH_ROWS,
            expected: "Claim #, Patient, DOS, CPT, Charges, Paid".into(),
        },
    })?;
    let mut mapping = Mapping::from_layout(&layout);
    if let Some(o) = overrides {
        mapping
            .apply(o, &layout.columns)
            .map_err(|source| InputError::Mapping { file: file_name.to_string(), source })?;
    }
    Ok((layout, mapping))
}

/// The default sheet is the first one with a recognisable header (SPEC §2).
fn first_sheet_with_header<'a>(
    workbook: &mut table::Workbook<'a>,
    names: &[String],
    mut read: impl FnMut(&mut table::Workbook<'a>, Option<&str>) -> Result<Sheet, TableError>,
) -> Result<Sheet, TableError> {
    let mut first = None;
    for name in names {
        let sheet = read(workbook, Some(name))?;
        if layout::find_layout(&sheet, None).is_some() {
            return Ok(sheet);
        }
        first.get_or_insert(sheet);
    }
    first.ok_or(TableError::NoSheets)
}

/// A charges table can be read: its billed amount is mapped. One without
/// it that has payment columns is most likely the payments file given as
/// charges, and the error says so.
pub fn check_charges(table: &Table) -> Result<(), InputError> {
    if !table.mapping.has(Role::Billed) {
        let found: Vec<&str> =
            [Role::Paid, Role::Contractual, Role::PatientResponsibility, Role::CheckNumber]
                .into_iter()
                .filter(|r| table.mapping.has(*r))
                .map(|r| r.label())
                .collect();
        if !found.is_empty() {
            return Err(InputError::LooksLikePayments {
                file: table.file_name.clone(),
                found: found.join(", "),
            });
        }
    }
    table.require(&[Role::Billed])
}

impl Table {
    /// The columns with the final mapping's roles.
    pub fn columns(&self) -> Vec<Column> {
        self.mapping.describe(&self.layout.columns)
    }

    fn require(&self, roles: &[Role]) -> Result<(), InputError> {
        match roles.iter().find(|r| !self.mapping.has(**r)) {
            Some(r) => {
                Err(InputError::Unmapped { file: self.file_name.clone(), needed: r.label().to_string() })
            }
            None => Ok(()),
        }
    }

    fn context(&self) -> ReadContext<'_> {
        ReadContext::new(&self.file_name, &self.sheet, &self.layout, &self.mapping)
    }
}

/// How to read the cells of one table: the date order of each date column
/// and the date system of the workbook.
pub struct ReadContext<'a> {
    file_name: &'a str,
    sheet: &'a Sheet,
    layout: &'a Layout,
    /// The header's last row: data start below it.
    header_row: u32,
    mapping: &'a Mapping,
    headers: &'a [Column],
    orders: BTreeMap<usize, ColumnOrder>,
}

impl<'a> ReadContext<'a> {
    pub fn new(
        file_name: &'a str,
        sheet: &'a Sheet,
        layout: &'a Layout,
        mapping: &'a Mapping,
    ) -> ReadContext<'a> {
        let (header_row, headers) = (layout.header_end, layout.columns.as_slice());
        let mut orders = BTreeMap::new();
        for (role, col) in mapping.roles() {
            if role.kind() == ValueKind::Date {
                let texts = sheet.rows().filter(|r| r.number > header_row).filter_map(|r| match r.get(col) {
                    CellRef::Text(t) => Some(t),
                    _ => None,
                });
                orders.insert(col, dates::column_order(texts));
            }
        }
        ReadContext { file_name, sheet, layout, header_row, mapping, headers, orders }
    }

    /// Where the table's header is, and its columns.
    pub fn layout(&self) -> &'a Layout {
        self.layout
    }

    /// Tells the rows a report adds from the data rows of this table.
    pub fn row_kinds(&self) -> RowKinds {
        RowKinds::new(self.sheet, self.layout, self.mapping)
    }

    /// The day/month order chosen for a date column.
    pub fn order_of(&self, col: usize) -> DayMonthOrder {
        self.orders.get(&col).map(|o| o.order).unwrap_or_default()
    }

    fn header(&self, col: usize) -> String {
        self.headers.get(col).map(|c| c.header.clone()).unwrap_or_default()
    }

    /// Notes on date columns whose order was assumed or contradictory.
    fn date_notes(&self, file: FileKind) -> Vec<String> {
        let mut notes = Vec::new();
        for (col, o) in &self.orders {
            let which = format!("{file} column {} (\"{}\")", column_letter(*col), self.header(*col));
            if o.assumed {
                notes.push(format!(
                    "{which}: dates such as 04/05 could be read either way; read as month/day (US) because no date in the column says otherwise"
                ));
            }
            if o.conflicting {
                let order = match o.order {
                    DayMonthOrder::MonthFirst => "month/day",
                    DayMonthOrder::DayFirst => "day/month",
                };
                notes.push(format!(
                    "{which}: some dates are month/day and others day/month; ambiguous ones were read as {order}, the more common"
                ));
            }
        }
        notes
    }
}

/// A value read from a cell for a role.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Id(Id),
    Text(Text),
    Date(NaiveDate),
    Money(ReadAmount),
    Count(Text),
    Reasons(Vec<ReasonCode>),
    Source(PaymentSource),
}

impl Value {
    /// The parsed value as the contracts show it (money with two decimals, ISO dates).
    pub fn shown(&self) -> String {
        match self {
            Value::Id(i) => i.shown.to_string(),
            Value::Text(t) | Value::Count(t) => t.to_string(),
            Value::Date(d) => dates::iso(*d),
            Value::Money(m) => m.money.to_string(),
            Value::Reasons(r) => r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
            Value::Source(s) => s.to_string(),
        }
    }
}

/// Reads one cell as the given role. `Ok(None)` is an empty cell; an error
/// is a reason a billing specialist can act on (the cell is quoted by the caller).
pub fn read_cell(
    role: Role,
    cell: CellRef<'_>,
    is_1904: bool,
    order: DayMonthOrder,
) -> Result<Option<Value>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let CellRef::Error(e) = cell {
        return Err(format!("the cell holds the spreadsheet error {e} instead of a value"));
    }
    match role.kind() {
        ValueKind::Money => match cell {
            CellRef::Number(n) => {
                Money::from_float_cell(n).map(|m| Some(Value::Money(m))).map_err(|e| e.to_string())
            }
            CellRef::Text(t) => match Money::parse(t) {
                Ok(m) => Ok(m.map(Value::Money)),
                Err(e) => Err(e.to_string()),
            },
            CellRef::Date(_) => Err("a date is not an amount".into()),
            CellRef::Bool(_) => Err("TRUE/FALSE is not an amount".into()),
            CellRef::Empty | CellRef::Error(_) => Ok(None),
        },
        ValueKind::Date => match cell {
            CellRef::Date(d) => Ok(Some(Value::Date(d))),
            CellRef::Number(n) => {
                dates::from_serial(n, is_1904).map(|d| Some(Value::Date(d))).map_err(|e| e.to_string())
            }
            CellRef::Text(t) => match dates::parse_text(t) {
                Ok(Some(td)) => Ok(Some(Value::Date(td.resolve(order)))),
                Ok(None) => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            CellRef::Bool(_) => Err("TRUE/FALSE is not a date".into()),
            CellRef::Empty | CellRef::Error(_) => Ok(None),
        },
        ValueKind::ReasonList => {
            let text = cell_text(cell);
            carc::parse_list(&text)
                .map(|r| (!r.is_empty()).then_some(Value::Reasons(r)))
                .map_err(|e| e.to_string())
        }
        ValueKind::Id => {
            let text = match cell {
                CellRef::Text(t) => Cow::Borrowed(t),
                other => Cow::Owned(id_text(other)),
            };
            let id = match role {
                Role::Code => Id::code(&text),
                Role::Modifier => Id::modifiers(&text),
                _ => Id::new(&text),
            };
            Ok(id.map(Value::Id))
        }
        ValueKind::Text => {
            let text = cell_text(cell);
            let t = collapse_spaces(&text);
            Ok((!t.is_empty()).then(|| Value::Text(Text::from(t))))
        }
        ValueKind::Source => {
            let text = cell_text(cell);
            if text.trim().is_empty() {
                return Ok(None);
            }
            PaymentSource::parse(&text).map(|s| Some(Value::Source(s))).ok_or_else(|| {
                format!(
                    "\"{}\" is not a payment source (primary, secondary, tertiary or patient)",
                    text.trim()
                )
            })
        }
        ValueKind::Count => {
            let text = cell.display();
            Ok((!text.trim().is_empty()).then(|| Value::Count(Text::from(text.trim()))))
        }
    }
}

/// A cell as text, borrowed when it is text already.
fn cell_text<'c>(cell: CellRef<'c>) -> Cow<'c, str> {
    match cell {
        CellRef::Text(t) => Cow::Borrowed(t),
        other => Cow::Owned(other.display()),
    }
}

/// Identifiers in numeric cells print without `.0`; a date-formatted ID (Excel
/// auto-formatting "3-15" as a date) prints as ISO so it is at least stable.
fn id_text(cell: CellRef<'_>) -> String {
    match cell {
        CellRef::Number(n) => number_text(n),
        other => other.display(),
    }
}

/// What the cells of one column have read to so far, by their content.
///
/// Identifiers, names, payers, dates, units and reason lists repeat down a
/// column. Each distinct cell is read once; every row that repeats it shares
/// the value (and its [`Text`]) instead of normalising and copying it again.
/// Only what `read_cell` decides from the cell alone is kept, so a cached
/// value is exactly what reading the cell again would give.
#[derive(Default)]
struct ColumnCache<'a> {
    /// The role the values were read as (a column mapped to two roles by hand
    /// is read afresh for the second).
    role: Option<Role>,
    texts: Seen<&'a str, Result<Option<Value>, String>>,
    /// Number cells, by their bits.
    numbers: Seen<u64, Result<Option<Value>, String>>,
    /// Patient names, as matching keys.
    names: Seen<&'a str, Option<Id>>,
}

/// Values already read, by the cell they came from. The cell above is
/// checked first (rows sorted by claim or date repeat it, and the check needs
/// no hash); then a map of every value seen, unless most values turn out to
/// be distinct (claim numbers of a remittance), when the map costs more than
/// it saves and is let go.
struct Seen<K, V> {
    last: Option<(K, V)>,
    map: FastMap<K, V>,
    lookups: usize,
    mostly_distinct: bool,
}

impl<K, V> Default for Seen<K, V> {
    fn default() -> Self {
        Seen { last: None, map: FastMap::default(), lookups: 0, mostly_distinct: false }
    }
}

impl<K: Copy + Eq + std::hash::Hash, V: Clone> Seen<K, V> {
    /// Lookups after which a map holding more distinct values than half of them is let go.
    const JUDGE_AFTER: usize = 4096;

    fn get_or(&mut self, key: K, read: impl FnOnce() -> V) -> V {
        if let Some((k, v)) = &self.last {
            if *k == key {
                return v.clone();
            }
        }
        let value = if self.mostly_distinct {
            read()
        } else {
            self.lookups += 1;
            let value = self.map.entry(key).or_insert_with(read).clone();
            if self.lookups == Self::JUDGE_AFTER && self.map.len() * 2 > self.lookups {
                self.mostly_distinct = true;
                self.map = FastMap::default();
            }
            value
        };
        self.last = Some((key, value.clone()));
        value
    }
}

impl ColumnCache<'_> {
    /// The kinds whose value depends on the cell alone and is worth keeping.
    fn keeps(kind: ValueKind) -> bool {
        !matches!(kind, ValueKind::Money)
    }
}

/// Reads the cells of one row, collecting the first unreadable one.
struct RowReader<'r, 'a> {
    ctx: &'r ReadContext<'a>,
    row: Row<'a>,
    /// The row's cells, with what carries down from the group's first row.
    fill: &'r FillDown<'a>,
    file: FileKind,
    rounded: &'r mut Vec<String>,
    cache: &'r mut Vec<ColumnCache<'a>>,
}

impl<'r, 'a> RowReader<'r, 'a> {
    fn reject(&self, col: Option<usize>, reason: impl Into<String>) -> Rejected {
        Rejected {
            file: self.file,
            row: self.row.number,
            column: col.map(column_letter),
            value: col.map(|c| self.cell(c).display()).unwrap_or_default(),
            reason: reason.into(),
        }
    }

    fn value(&mut self, role: Role) -> Result<Option<Value>, Rejected> {
        let Some(col) = self.ctx.mapping.column(role) else { return Ok(None) };
        self.value_at(role, col)
    }

    /// The cell at `col`: the row's own, or the value carried down its group.
    fn cell(&self, col: usize) -> CellRef<'a> {
        self.fill.cell(&self.row, col)
    }

    fn value_at(&mut self, role: Role, col: usize) -> Result<Option<Value>, Rejected> {
        let cell = self.cell(col);
        let (is_1904, order) = (self.ctx.sheet.is_1904, self.ctx.order_of(col));
        let read = || read_cell(role, cell, is_1904, order);
        let result = match self.column_cache(role, col) {
            Some(cache) => match cell {
                CellRef::Text(t) => cache.texts.get_or(t, read),
                CellRef::Number(n) => cache.numbers.get_or(n.to_bits(), read),
                _ => read(),
            },
            None => read(),
        };
        match result {
            Ok(v) => {
                if let Some(Value::Money(ReadAmount { money, rounded_from: Some(exact) })) = &v {
                    self.rounded.push(format!(
                        "{} row {}, column {}: {exact} was rounded to {money}",
                        self.file,
                        self.row.number,
                        column_letter(col)
                    ));
                }
                Ok(v)
            }
            Err(reason) => {
                Err(self
                    .reject(Some(col), format!("{} (\"{}\"): {reason}", role.label(), self.ctx.header(col))))
            }
        }
    }

    /// The cache of column `col` for reading it as `role`, when one applies.
    fn column_cache(&mut self, role: Role, col: usize) -> Option<&mut ColumnCache<'a>> {
        if !ColumnCache::keeps(role.kind()) || col >= self.cache.len() {
            return None;
        }
        let cache = &mut self.cache[col];
        match cache.role {
            Some(r) if r != role => None,
            _ => {
                cache.role = Some(role);
                Some(cache)
            }
        }
    }

    fn money(&mut self, role: Role) -> Result<Option<Money>, Rejected> {
        Ok(match self.value(role)? {
            Some(Value::Money(m)) => Some(m.money),
            _ => None,
        })
    }

    fn id(&mut self, role: Role) -> Result<Option<Id>, Rejected> {
        Ok(match self.value(role)? {
            Some(Value::Id(i)) => Some(i),
            _ => None,
        })
    }

    fn text(&mut self, role: Role) -> Result<Option<Text>, Rejected> {
        Ok(match self.value(role)? {
            Some(Value::Text(t)) | Some(Value::Count(t)) => Some(t),
            Some(Value::Id(i)) => Some(i.shown),
            _ => None,
        })
    }

    fn date(&mut self, role: Role) -> Result<Option<NaiveDate>, Rejected> {
        Ok(match self.value(role)? {
            Some(Value::Date(d)) => Some(d),
            _ => None,
        })
    }

    /// Units as a positive number; blank means one. "3", "3.0" and a numeric
    /// cell all work; anything else rejects the row, since it changes what is expected.
    fn units(&mut self) -> Result<Decimal, Rejected> {
        let Some(col) = self.ctx.mapping.column(Role::Units) else { return Ok(Decimal::ONE) };
        match self.text(Role::Units)? {
            None => Ok(Decimal::ONE),
            Some(t) if t == "1" => Ok(Decimal::ONE),
            Some(t) => match Decimal::from_str(t.trim()) {
                Ok(u) if u > Decimal::ZERO && u <= Decimal::from(10_000) => Ok(u.normalize()),
                _ => Err(self.reject(
                    Some(col),
                    format!("units (\"{}\"): \"{t}\" is not a number of units", self.ctx.header(col)),
                )),
            },
        }
    }

    fn keys(&mut self) -> Result<Keys, Rejected> {
        let name_col = self.ctx.mapping.column(Role::PatientName);
        let name_cell = name_col.map(|c| (c, self.cell(c)));
        let patient_name = match name_cell {
            // The name straight from the cell: the same as reading its text first, without the copy.
            Some((c, CellRef::Text(t))) if !t.trim().is_empty() => match self.cache.get_mut(c) {
                Some(cache) => cache.names.get_or(t, || Id::name(t)),
                None => Id::name(t),
            },
            _ => match self.text(Role::PatientName)? {
                Some(n) => Id::name(&n),
                None => {
                    let first = self.text(Role::PatientFirstName)?;
                    let last = self.text(Role::PatientLastName)?;
                    let joined = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
                    Id::name(&joined)
                }
            },
        };
        Ok(Keys {
            claim: self.id(Role::ClaimId)?,
            line: self.id(Role::Line)?,
            patient_id: self.id(Role::PatientId)?,
            patient_name,
            service_date: self.date(Role::ServiceDate)?,
            code: self.id(Role::Code)?,
            modifier: self.id(Role::Modifier)?,
        })
    }

    fn remit(&mut self) -> Result<Remit, Rejected> {
        let paid = self.money(Role::Paid)?;
        let contractual = self.money(Role::Contractual)?;
        let pr = self.money(Role::PatientResponsibility)?;
        let deductible = self.money(Role::Deductible)?;
        let coinsurance = self.money(Role::Coinsurance)?;
        let copay = self.money(Role::Copay)?;
        let other = self.money(Role::OtherAdjustment)?;
        let patient_paid = self.money(Role::PatientPaid)?;
        let source = match self.value(Role::PaymentSource)? {
            Some(Value::Source(s)) => s,
            _ => PaymentSource::default(),
        };
        let mut reason_codes = Vec::new();
        for &col in self.ctx.mapping.columns(Role::ReasonCodes) {
            if let Some(Value::Reasons(r)) = self.value_at(Role::ReasonCodes, col)? {
                if reason_codes.is_empty() {
                    reason_codes = r;
                } else {
                    reason_codes.extend(r);
                }
            }
        }
        // SPEC §3: without a patient responsibility value, it is the sum of its parts.
        let parts = [deductible, coinsurance, copay];
        let pr_from_parts =
            parts.iter().any(Option::is_some).then(|| parts.iter().flatten().copied().sum::<Money>());
        let patient_responsibility = pr.or(pr_from_parts);
        Ok(Remit {
            any_amount: paid.is_some()
                || contractual.is_some()
                || patient_responsibility.is_some()
                || other.is_some(),
            paid: paid.unwrap_or_default(),
            contractual: contractual.unwrap_or_default(),
            patient_responsibility: patient_responsibility.unwrap_or_default(),
            deductible,
            coinsurance,
            copay,
            other_adjustment: other.unwrap_or_default(),
            patient_paid: patient_paid.unwrap_or_default(),
            source,
            reason_codes,
        })
    }
}

/// Rows read between two progress reports.
const PROGRESS_EVERY_ROWS: usize = 8192;

/// Walks the data rows below the header: counts blank rows, sets aside the
/// rows a report adds (footer totals, page headers and footers, group labels:
/// [`layout::rows`]), carries a group's values down ([`layout::fill_down`]),
/// and hands every other row to `read`, and what it reads to `accept`.
/// The records returned hold one `()` per accepted row; `progress` hears the
/// share of the rows read so far (0 to 1).
fn read_rows<T>(
    ctx: &ReadContext<'_>,
    file: FileKind,
    progress: &mut dyn FnMut(f32),
    mut read: impl FnMut(&mut RowReader<'_, '_>) -> Result<T, Rejected>,
    mut accept: impl FnMut(T),
) -> Records<()> {
    let mut records = Records {
        file,
        name: ctx.file_name.to_string(),
        rows: Vec::new(),
        rejected: Vec::new(),
        blank: 0,
        skipped: Vec::new(),
        notes: ctx.sheet.notes.clone(),
    };
    let kinds = ctx.row_kinds();
    let mut fill = FillDown::new(ctx.mapping);
    let grouped = || kinds.is_grouped(ctx.sheet, ctx.header_row);
    let mut rounded = Vec::new();
    let mut cache: Vec<ColumnCache<'_>> = (0..ctx.sheet.width()).map(|_| ColumnCache::default()).collect();
    let mut previous = ctx.header_row;
    let total = ctx.sheet.row_count().max(1);
    for (i, row) in ctx.sheet.rows().enumerate() {
        if i % PROGRESS_EVERY_ROWS == PROGRESS_EVERY_ROWS - 1 {
            progress(i as f32 / total as f32);
        }
        if row.number <= ctx.header_row || row.is_empty() {
            continue;
        }
        // Rows a spreadsheet shows as empty between two data rows.
        records.blank += (row.number - previous - 1) as usize;
        previous = row.number;
        if let Some(kind) = kinds.classify(&row) {
            records.skipped.push(SkippedRow { row: row.number, kind });
            fill.end_group();
            continue;
        }
        fill.start_row(&row, grouped);
        let mut reader = RowReader { ctx, row, fill: &fill, file, rounded: &mut rounded, cache: &mut cache };
        match read(&mut reader) {
            Ok(r) => {
                accept(r);
                records.rows.push(());
            }
            Err(rejected) => records.rejected.push(rejected),
        }
    }
    records.notes.extend(skipped_notes(file, &records.skipped));
    records.notes.extend(fill.note(&file.to_string(), |c| ctx.header(c)));
    records.notes.extend(ctx.date_notes(file));
    records.notes.extend(summarise(rounded, "more amounts were rounded to the cent"));
    records
}

impl Records<()> {
    /// The same records, holding `rows`.
    fn holding<T>(self, rows: Vec<T>) -> Records<T> {
        Records {
            file: self.file,
            name: self.name,
            rows,
            rejected: self.rejected,
            blank: self.blank,
            skipped: self.skipped,
            notes: self.notes,
        }
    }
}

/// One note per kind of skipped row, naming how many and which rows.
fn skipped_notes(file: FileKind, skipped: &[SkippedRow]) -> Vec<String> {
    const LISTED: usize = 12;
    SkipKind::ALL
        .iter()
        .filter_map(|&kind| {
            let rows: Vec<u32> = skipped.iter().filter(|s| s.kind == kind).map(|s| s.row).collect();
            if rows.is_empty() {
                return None;
            }
            let mut list: Vec<String> = rows.iter().take(LISTED).map(u32::to_string).collect();
            if rows.len() > LISTED {
                list.push(format!("and {} more", rows.len() - LISTED));
            }
            Some(format!(
                "{file}: {} {} were skipped and left out of every sum: row(s) {}",
                rows.len(),
                kind.describe(),
                list.join(", ")
            ))
        })
        .collect()
}

impl<T> Records<T> {
    /// Footer total rows ("Total", "Subtotal"), by row number.
    pub fn totals_rows(&self) -> Vec<u32> {
        self.skipped.iter().filter(|s| s.kind == SkipKind::FooterTotal).map(|s| s.row).collect()
    }
}

/// At most a screenful of per-row notes, then a count.
fn summarise(mut notes: Vec<String>, rest: &str) -> Vec<String> {
    const SHOWN: usize = 20;
    if notes.len() > SHOWN {
        let more = notes.len() - SHOWN;
        notes.truncate(SHOWN);
        notes.push(format!("… and {more} {rest}"));
    }
    notes
}

/// Reads the charges file. In single mode each row also carries what came
/// back (paid, adjustments, reason codes).
pub fn read_charges(table: &Table, single: bool) -> Result<Records<ChargeRow>, InputError> {
    read_charges_with_progress(table, single, &mut |_| {})
}

/// [`read_charges`], telling `progress` the share of the rows read (0 to 1).
pub fn read_charges_with_progress(
    table: &Table,
    single: bool,
    progress: &mut dyn FnMut(f32),
) -> Result<Records<ChargeRow>, InputError> {
    let mut rows = Vec::with_capacity(table.sheet.row_count());
    let records = read_charges_each(table, single, progress, &mut |row| rows.push(row))?;
    rows.shrink_to_fit();
    Ok(records.holding(rows))
}

/// [`read_charges`] handing each accepted row to `each` as it is read, so
/// that the caller keeps it in the form it needs. The records returned hold
/// one `()` per accepted row.
pub fn read_charges_each(
    table: &Table,
    single: bool,
    progress: &mut dyn FnMut(f32),
    each: &mut dyn FnMut(ChargeRow),
) -> Result<Records<()>, InputError> {
    table.require(&[Role::Billed])?;
    let ctx = table.context();
    let billed_col = table.mapping.column(Role::Billed);
    Ok(read_rows(
        &ctx,
        FileKind::Charges,
        progress,
        |r| {
            let keys = r.keys()?;
            let billed = r.money(Role::Billed)?.ok_or_else(|| r.reject(billed_col, "no billed amount"))?;
            let remit = if single { r.remit()? } else { Remit::default() };
            Ok(ChargeRow {
                row: r.row.number,
                keys,
                payer: r.text(Role::Payer)?,
                billed,
                allowed: r.money(Role::Allowed)?,
                billed_date: r.date(Role::BilledDate)?,
                // Only used to find a patient: a date of birth that is not a
                // date leaves the charge as it is rather than rejecting it.
                date_of_birth: r.date(Role::DateOfBirth).ok().flatten(),
                units: r.units()?,
                remit,
            })
        },
        each,
    ))
}

/// Reads a remittance file. A row needs a paid amount, an adjustment or a
/// reason code; a denial written with blank amounts and a reason code is a
/// remittance that paid nothing.
pub fn read_payments(table: &Table) -> Result<Records<PaymentRow>, InputError> {
    let mut rows = Vec::with_capacity(table.sheet.row_count());
    let records = read_payments_each(table, &mut |_| {}, &mut |row| rows.push(row))?;
    rows.shrink_to_fit();
    Ok(records.holding(rows))
}

/// [`read_payments`] without keeping the rows: each accepted row goes to
/// `each` as it is read, so a reconciliation can apply it and let it go. The
/// records returned hold one `()` per accepted row.
pub fn read_payments_each(
    table: &Table,
    progress: &mut dyn FnMut(f32),
    each: &mut dyn FnMut(PaymentRow),
) -> Result<Records<()>, InputError> {
    if ![
        Role::Paid,
        Role::Contractual,
        Role::PatientResponsibility,
        Role::Deductible,
        Role::Coinsurance,
        Role::Copay,
    ]
    .iter()
    .any(|r| table.mapping.has(*r))
    {
        if table.mapping.has(Role::Billed) {
            return Err(InputError::LooksLikeCharges { file: table.file_name.clone() });
        }
        table.require(&[Role::Paid])?;
    }
    let ctx = table.context();
    let paid_col = table.mapping.column(Role::Paid);
    Ok(read_rows(
        &ctx,
        FileKind::Payments,
        progress,
        |r| {
            let keys = r.keys()?;
            let remit = r.remit()?;
            if !remit.exists() {
                return Err(r.reject(paid_col, "no paid amount, adjustment or reason code"));
            }
            Ok(PaymentRow {
                row: r.row.number,
                keys,
                payer: r.text(Role::Payer)?,
                billed: r.money(Role::Billed)?,
                allowed: r.money(Role::Allowed)?,
                remit,
                payment_date: r.date(Role::PaymentDate)?,
                check_number: r.id(Role::CheckNumber)?.map(|i| i.shown),
                claim_level: false,
            })
        },
        each,
    ))
}

/// Reads a fee schedule: code, optional payer, and the expected allowed
/// amount (the `allowed` role, or `billed` when the schedule calls it "Fee").
pub fn read_fees(table: &Table) -> Result<Records<FeeRow>, InputError> {
    table.require(&[Role::Code])?;
    let amount_role = if table.mapping.has(Role::Allowed) { Role::Allowed } else { Role::Billed };
    table.require(&[amount_role])?;
    let ctx = table.context();
    let (code_col, amount_col) = (table.mapping.column(Role::Code), table.mapping.column(amount_role));
    let mut rows = Vec::new();
    let records = read_rows(
        &ctx,
        FileKind::Fees,
        &mut |_| {},
        |r| {
            let code = r.id(Role::Code)?.ok_or_else(|| r.reject(code_col, "no procedure code"))?;
            let allowed = r.money(amount_role)?.ok_or_else(|| r.reject(amount_col, "no expected amount"))?;
            let payer = r.text(Role::Payer)?.and_then(|p| Id::new(&p));
            Ok(FeeRow { row: r.row.number, code, payer, allowed })
        },
        |row| rows.push(row),
    );
    Ok(records.holding(rows))
}

/// The roles an X12 835 supplies, for choosing the match level against a
/// charges file. It has no line numbers of the practice's own and no MRN.
pub fn roles_835() -> std::collections::BTreeSet<Role> {
    [
        Role::ClaimId,
        Role::Code,
        Role::Modifier,
        Role::ServiceDate,
        Role::PatientName,
        Role::Payer,
        Role::Billed,
        Role::Allowed,
        Role::Paid,
        Role::Contractual,
        Role::Deductible,
        Role::Coinsurance,
        Role::Copay,
        Role::PatientResponsibility,
        Role::OtherAdjustment,
        Role::ReasonCodes,
        Role::PaymentDate,
        Role::CheckNumber,
        Role::PaymentSource,
    ]
    .into_iter()
    .collect()
}

/// Reads an X12 835 remittance as payment rows, one per service line (or per
/// claim without lines, or claim-level adjustments). A row's number is the
/// segment number of its SVC (or CLP) in the file.
pub fn read_835(
    bytes: &[u8],
    file_name: &str,
) -> Result<(Records<PaymentRow>, crate::x12::Remittance), InputError> {
    let remittance =
        crate::x12::parse(bytes).map_err(|source| InputError::X12 { file: file_name.to_string(), source })?;
    let records = records_of_835(&remittance, file_name);
    Ok((records, remittance))
}

/// The charge rows of an 837 claim file (SPEC §11): one per service line (SV1/SV2) of every
/// claim that stands after replacements and voids. A row's number is the segment number of its
/// SV1/SV2; its line key is the REF*6R line control number, which an 835 echoes back. The
/// replacements, voids and claims that do not add up are the file's notes.
pub fn records_of_837(batch: &crate::x12::ClaimBatch, file_name: &str) -> Records<ChargeRow> {
    let mut rows = Vec::with_capacity(batch.line_count());
    for claim in &batch.claims {
        let claim_id = Id::new(&claim.id);
        let patient = claim.patient.as_deref().and_then(Id::name);
        let payer = claim.payer.as_deref().map(Text::from);
        for line in &claim.lines {
            rows.push(ChargeRow {
                row: u32::try_from(line.segment).unwrap_or(u32::MAX),
                keys: Keys {
                    claim: claim_id.clone(),
                    line: line.control_number.as_deref().and_then(Id::new),
                    patient_id: None,
                    patient_name: patient.clone(),
                    service_date: line.service_date,
                    code: line.code.as_deref().or(line.revenue_code.as_deref()).and_then(Id::code),
                    modifier: Id::modifiers(&line.modifiers.join(",")),
                },
                payer: payer.clone(),
                billed: line.billed,
                allowed: None,
                billed_date: None,
                date_of_birth: None,
                units: line.units,
                remit: Remit::default(),
            });
        }
    }
    let mut notes: Vec<String> = batch.notes.iter().map(|n| format!("{file_name}: {n}")).collect();
    notes.extend(batch.findings.iter().map(|f| format!("{file_name}, {}: {}", f.location(), f.message)));
    Records {
        file: FileKind::Charges,
        name: file_name.to_string(),
        rows,
        rejected: Vec::new(),
        blank: 0,
        skipped: Vec::new(),
        notes,
    }
}

/// The payment rows of an 835 already parsed (see [`read_835`]).
pub fn records_of_835(remittance: &crate::x12::Remittance, file_name: &str) -> Records<PaymentRow> {
    use crate::x12::{remit_lines, RemitLineKind};
    let rows = remit_lines(remittance)
        .into_iter()
        .map(|l| {
            let mut reason_codes: Vec<ReasonCode> =
                l.reason_codes.iter().filter_map(|c| carc::parse_list(c).ok()).flatten().collect();
            reason_codes.extend(l.remark_codes.iter().filter_map(|c| carc::parse_list(c).ok()).flatten());
            PaymentRow {
                row: u32::try_from(l.segment).unwrap_or(u32::MAX),
                keys: Keys {
                    claim: Id::new(&l.claim_id),
                    // REF*6R: used only when the charges are an 837 whose lines carry it too.
                    line: l.line_control_number.as_deref().and_then(Id::new),
                    patient_id: None,
                    patient_name: l.patient.as_deref().and_then(Id::name),
                    service_date: l.service_date,
                    code: l.code.as_deref().and_then(Id::code),
                    modifier: Id::modifiers(&l.modifiers.join(",")),
                },
                payer: Some(l.payer.as_str()).filter(|p| !p.is_empty()).map(Text::from),
                billed: Some(l.billed),
                allowed: l.allowed,
                remit: Remit {
                    paid: l.paid,
                    contractual: l.contractual,
                    patient_responsibility: l.patient_responsibility,
                    deductible: Some(l.deductible),
                    coinsurance: Some(l.coinsurance),
                    copay: Some(l.copay),
                    other_adjustment: l.other_adjustment,
                    patient_paid: Money::ZERO,
                    source: PaymentSource::of_claim_status(&l.claim_status),
                    reason_codes,
                    any_amount: true,
                },
                payment_date: l.payment_date,
                check_number: l.check_number.as_deref().map(Text::from),
                claim_level: l.kind != RemitLineKind::ServiceLine,
            }
        })
        .collect();
    Records {
        file: FileKind::Payments,
        name: file_name.to_string(),
        rows,
        rejected: Vec::new(),
        blank: 0,
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        load(csv.as_bytes(), "test.csv", None, None, &Limits::default()).unwrap()
    }

    #[test]
    fn ids_match_without_leading_zeros_case_or_spaces() {
        assert_eq!(Id::new("000123").unwrap().key, "123");
        assert_eq!(Id::new("000123").unwrap().shown, "000123");
        assert_eq!(Id::new("0000").unwrap().key, "0");
        assert_eq!(Id::new(" AB  12 ").unwrap().key, "ab 12");
        assert_eq!(Id::new("ab 12").unwrap().key, Id::new("AB 12").unwrap().key);
        assert_eq!(Id::new("A0012").unwrap().key, "a0012", "only all-digit IDs lose zeros");
        assert_eq!(Id::code(" 99213 ").unwrap().key, "99213");
        assert_eq!(Id::code("g0439").unwrap().shown, "G0439");
        assert_eq!(Id::modifiers("59, 25").unwrap().key, Id::modifiers("25/59").unwrap().key);
        assert_eq!(Id::name("Lee, Ann").unwrap().key, Id::name("ANN  LEE").unwrap().key);
        assert_eq!(Id::new("   "), None);
    }

    #[test]
    fn charge_rows_read_money_dates_and_ids() {
        let t = table(
            "Claim #,Line,Patient,DOS,CPT,Mod,Charges,Primary Insurance\n\
             000123,1,\"Lee, Ann\",03/15/2026,99213,25,\"$1,234.50\",Aetna\n\
             124,1,Bo Park,3/16/26, 36415 ,,(12.00),Medicare\n",
        );
        let recs = read_charges(&t, false).unwrap();
        assert!(recs.rejected.is_empty(), "{:?}", recs.rejected);
        let r = &recs.rows[0];
        assert_eq!(r.row, 2);
        assert_eq!(r.keys.claim.as_ref().unwrap().key, "123");
        assert_eq!(r.billed.to_string(), "1234.50");
        assert_eq!(r.keys.service_date, NaiveDate::from_ymd_opt(2026, 3, 15));
        assert_eq!(r.payer.as_deref(), Some("Aetna"));
        assert_eq!(recs.rows[1].billed.to_string(), "-12.00");
        assert_eq!(recs.rows[1].keys.code.as_ref().unwrap().key, "36415");
    }

    #[test]
    fn an_unreadable_required_cell_rejects_only_its_row_and_quotes_it() {
        let t = table("Claim #,Charges\n1,$10.00\n2,see note\n3,\n4,$30.00\n");
        let recs = read_charges(&t, false).unwrap();
        assert_eq!(recs.rows.len(), 2);
        assert_eq!(recs.rejected.len(), 2);
        let bad = &recs.rejected[0];
        assert_eq!(
            (bad.file, bad.row, bad.column.as_deref(), bad.value.as_str()),
            (FileKind::Charges, 3, Some("B"), "see note")
        );
        assert!(bad.reason.contains("\"see note\" is not an amount"), "{}", bad.reason);
        assert!(bad.reason.contains("Charges"), "names the header: {}", bad.reason);
        assert_eq!(recs.rejected[1].reason, "no billed amount");
    }

    #[test]
    fn blank_and_totals_rows_are_counted_not_read() {
        let t = table("Report\n\nClaim #,Charges\n1,10\n\n\n2,20\nTotal,30\n");
        let recs = read_charges(&t, false).unwrap();
        assert_eq!(recs.rows.len(), 2);
        assert_eq!(recs.blank, 2);
        assert_eq!(recs.skipped, vec![SkippedRow { row: 8, kind: SkipKind::FooterTotal }]);
        assert!(recs.notes.iter().any(|n| n.contains("8") && n.contains("left out of every sum")));
    }

    #[test]
    fn report_rows_are_skipped_by_kind_and_a_group_fills_down() {
        let t = table(
            "Claim #,Patient,Charges\n\
             Patient: LEE,,\n1,Ann Lee,10\n,,5 CR\nTotal for LEE,,5\n\
             Page 1 of 2,,\nClaim #,Patient,Charges\nBLUE CROSS,,\n2,Bo Park,20\n,,oops\n",
        );
        let recs = read_charges(&t, false).unwrap();
        let kinds: Vec<(u32, SkipKind)> = recs.skipped.iter().map(|s| (s.row, s.kind)).collect();
        use SkipKind::*;
        assert_eq!(
            kinds,
            [(2, GroupHeader), (5, FooterTotal), (6, PageFooter), (7, PageHeader), (8, GroupHeader)]
        );
        assert_eq!(recs.totals_rows(), [5]);
        let read: Vec<(u32, String, String)> = recs
            .rows
            .iter()
            .map(|r| (r.row, r.keys.claim.as_ref().unwrap().shown.to_string(), r.billed.to_string()))
            .collect();
        assert_eq!(
            read,
            [
                (3, "1".into(), "10.00".into()),
                (4, "1".into(), "-5.00".into()),
                (9, "2".into(), "20.00".into())
            ]
        );
        assert_eq!(recs.rejected.len(), 1, "a bad amount is still rejected, with its claim filled in");
        assert_eq!((recs.rejected[0].row, recs.rejected[0].value.as_str()), (10, "oops"));
        assert!(
            recs.notes.iter().any(|n| n.contains("claim number (column A \"Claim #\"): 2 cell(s)")),
            "{:?}",
            recs.notes
        );
    }

    #[test]
    fn a_chosen_header_row_is_read_from_and_a_missing_one_is_an_error() {
        let csv = "Status,Payer\nRef,Amount Billed\n7,12.00\n";
        let t =
            load_with_progress(csv.as_bytes(), "x.csv", None, Some(2), None, &Limits::default(), &mut |_| {})
                .unwrap();
        assert_eq!(t.layout.header_row, 2);
        assert_eq!(read_charges(&t, false).unwrap().rows[0].billed.to_string(), "12.00");
        let err =
            load_with_progress(csv.as_bytes(), "x.csv", None, Some(9), None, &Limits::default(), &mut |_| {})
                .unwrap_err();
        assert_eq!(err.to_string(), "x.csv: row 9 of sheet \"x\" is empty, so it cannot be the header row");
        let m = peek_mapping(csv.as_bytes(), "x.csv", None, Some(2), None, &Limits::default()).unwrap();
        assert_eq!(m.column(Role::Billed), Some(1));
    }

    #[test]
    fn patient_responsibility_is_the_sum_of_its_parts_when_not_given() {
        let t = table("Claim,Paid,Deductible,Coinsurance,Copay\n1,80,10,5.50,\n2,0,,,\n");
        let recs = read_payments(&t).unwrap();
        assert_eq!(recs.rows[0].remit.patient_responsibility.to_string(), "15.50");
        assert_eq!(recs.rows[1].remit.patient_responsibility, Money::ZERO);
        assert!(recs.rows[1].remit.exists(), "a written zero is remittance");
    }

    #[test]
    fn payment_rows_need_an_amount_or_a_reason() {
        let t = table("Claim,Paid,Adj Reason\n1,,\n2,,CO-16\n3,,oops\n");
        let recs = read_payments(&t).unwrap();
        assert_eq!(recs.rows.len(), 1);
        assert_eq!(recs.rows[0].remit.reason_codes[0].to_string(), "CO-16");
        assert_eq!(recs.rejected[0].reason, "no paid amount, adjustment or reason code");
        assert_eq!(recs.rejected[1].column.as_deref(), Some("C"));
    }

    #[test]
    fn first_and_last_names_are_joined() {
        let t = table("Claim #,First Name,Last Name,Charges\n1,Ann,Lee,5\n");
        let r = &read_charges(&t, false).unwrap().rows[0];
        assert_eq!(r.keys.patient_name.as_ref().unwrap().shown, "Ann Lee");
    }

    #[test]
    fn day_first_columns_are_read_day_first_and_assumptions_noted() {
        let t = table("Claim,DOS,Charges\n1,04/05/2026,1\n2,13/05/2026,1\n");
        let recs = read_charges(&t, false).unwrap();
        assert_eq!(recs.rows[0].keys.service_date, NaiveDate::from_ymd_opt(2026, 5, 4));
        let t = table("Claim,DOS,Charges\n1,04/05/2026,1\n");
        let recs = read_charges(&t, false).unwrap();
        assert_eq!(recs.rows[0].keys.service_date, NaiveDate::from_ymd_opt(2026, 4, 5));
        assert!(recs.notes.iter().any(|n| n.contains("month/day (US)")), "{:?}", recs.notes);
    }

    #[test]
    fn rounding_on_input_is_noted_with_its_row() {
        let t = table("Claim,Charges\n1,10.005\n");
        let recs = read_charges(&t, false).unwrap();
        assert_eq!(recs.rows[0].billed.to_string(), "10.01");
        assert!(
            recs.notes.iter().any(|n| n == "charges row 2, column B: 10.005 was rounded to 10.01"),
            "{:?}",
            recs.notes
        );
    }

    #[test]
    fn missing_required_columns_are_a_file_error_that_names_the_role() {
        let t = table("Claim #,Patient\n1,Ann\n");
        let err = read_charges(&t, false).unwrap_err().to_string();
        assert!(err.contains("billed amount"), "{err}");
    }

    #[test]
    fn no_header_is_a_clear_error() {
        let err = load(b"milk,eggs\nbread,jam\n", "list.csv", None, None, &Limits::default()).unwrap_err();
        assert!(err.to_string().starts_with("list.csv: no header row in the first 30 rows"), "{err}");
    }
}
