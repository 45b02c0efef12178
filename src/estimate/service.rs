//! The services to estimate (SPEC §5 "The services"): a list in the order the
//! patient expects to receive them.
//!
//! A [`Service`] has a description, an optional code, a [`Category`], the billed
//! and/or allowed amount, the [`Network`], and two flags: `covered` (default
//! yes) and `protected` (No Surprises Act cases the user marks; default no).
//! Only one of billed and allowed is required: a missing allowed amount is
//! estimated from billed later, in [`super::estimate`], and a missing billed
//! amount is taken to be the allowed amount.
//!
//! [`read_services`] reads a list from JSON (an array of the objects above) or
//! from any spreadsheet or CSV through [`crate::table`]. A spreadsheet needs a
//! header row with at least two of the column names in [`COLUMN_NAMES`]; blank
//! rows and "Total" rows are skipped. A row whose cells cannot be read stops the
//! estimate with a message that names the row and column and quotes the cell,
//! because an estimate that silently leaves out a service is wrong.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::plan::{normalise, Category};
use crate::money::{Money, MoneyError, ReadAmount};
use crate::table::{self, column_letter, CellRef, Limits, Row, Sheet, TableError};

/// Whether the provider is in the plan's network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Network {
    #[default]
    In,
    Out,
}

impl Network {
    /// The contract value: `"in"` or `"out"`.
    pub fn key(self) -> &'static str {
        match self {
            Network::In => "in",
            Network::Out => "out",
        }
    }

    /// `in`, `In-network`, `INN`, `participating`, `out`, `Out of network`,
    /// `OON`, `non-par` and the like.
    pub fn parse(text: &str) -> Option<Network> {
        match normalise(text).as_str() {
            "in" | "in network" | "inn" | "network" | "par" | "participating" | "preferred" => {
                Some(Network::In)
            }
            "out" | "out of network" | "oon" | "non network" | "nonpar" | "non par" | "non participating"
            | "not in network" => Some(Network::Out),
            _ => None,
        }
    }
}

impl Serialize for Network {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Network, D::Error> {
        let text = String::deserialize(deserializer)?;
        Network::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("\"{text}\" is not a network; write \"in\" or \"out\""))
        })
    }
}

/// Reads a yes/no cell: `yes`, `y`, `true`, `1`, `x`, `covered` and `no`, `n`,
/// `false`, `0`, `not covered`.
pub fn parse_flag(text: &str) -> Option<bool> {
    match normalise(text).as_str() {
        "yes" | "y" | "true" | "1" | "x" | "covered" => Some(true),
        "no" | "n" | "false" | "0" | "not covered" => Some(false),
        _ => None,
    }
}

/// A JSON flag: `true`/`false`, or text that [`parse_flag`] reads.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(b) => Ok(b),
        Flag::Text(t) => parse_flag(&t).ok_or_else(|| {
            serde::de::Error::custom(format!("\"{t}\" is not yes or no; write true or false"))
        }),
    }
}

fn default_true() -> bool {
    true
}

/// One service to estimate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub code: Option<String>,
    /// `other` when not given.
    #[serde(default = "other_category")]
    pub category: Category,
    #[serde(default)]
    pub billed: Option<Money>,
    #[serde(default)]
    pub allowed: Option<Money>,
    /// In network when not given.
    #[serde(default)]
    pub network: Network,
    #[serde(default = "default_true", deserialize_with = "flag")]
    pub covered: bool,
    /// Out-of-network care the No Surprises Act protects (the user marks it;
    /// emergency care is always treated as protected).
    #[serde(default, deserialize_with = "flag")]
    pub protected: bool,
    /// Whether this is emergency care, when the user says so; `None`: found
    /// from the category, code, revenue code or description (SPEC §9.2).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "optional_flag")]
    pub emergency: Option<bool>,
    /// The date of service as written, used to find a line billed twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A hospital revenue code (`0450`), which can mark emergency care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_code: Option<String>,
    /// What the payer already decided (SPEC §9.1); all absent on a line that
    /// is still to be estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_paid: Option<Money>,
    /// Contractual (and other) adjustments the provider writes off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustments: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_responsibility: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_paid: Option<Money>,
    /// Reason codes as the bill writes them (`PR-1`, `CO-45; PR-96`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The parts of the patient responsibility when the payer gave them
    /// (a remittance's deductible, coinsurance and copay columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deductible: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coinsurance: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copay: Option<Money>,
}

/// An optional JSON flag: absent or `null` is `None`.
fn optional_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "flag")] bool);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
}

fn other_category() -> Category {
    Category::Other
}

impl Default for Service {
    fn default() -> Service {
        Service {
            description: String::new(),
            code: None,
            category: Category::Other,
            billed: None,
            allowed: None,
            network: Network::In,
            covered: true,
            protected: false,
            emergency: None,
            date: None,
            revenue_code: None,
            insurance_paid: None,
            adjustments: None,
            patient_responsibility: None,
            patient_paid: None,
            reason: None,
            deductible: None,
            coinsurance: None,
            copay: None,
        }
    }
}

impl Service {
    /// The payer already decided this line (SPEC §9.1): it carries what
    /// insurance paid, adjusted or left to the patient.
    pub fn is_processed(&self) -> bool {
        self.insurance_paid.is_some() || self.adjustments.is_some() || self.patient_responsibility.is_some()
    }

    /// A covered in-network service with a known allowed amount.
    pub fn with_allowed(description: &str, category: Category, allowed: Money) -> Service {
        Service {
            description: description.to_string(),
            category,
            allowed: Some(allowed),
            ..Service::default()
        }
    }
}

/// Services read from a file, with what the reader did that the user should
/// know (an amount rounded to cents, a totals row skipped). The notes become
/// assumptions of the estimate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceList {
    pub services: Vec<Service>,
    pub notes: Vec<String>,
    /// The header of each column read, and of each column left unread, so the
    /// page can say which were used and which ignored (SPEC §9.1). Empty for JSON.
    pub columns_used: Vec<String>,
    pub columns_ignored: Vec<String>,
}

/// One cell (or row) that cannot be read, as a person finds it in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// Row number as a spreadsheet program shows it.
    pub row: u32,
    /// Column letter, `"D"`.
    pub column: String,
    /// The column's header text.
    pub header: String,
    /// The cell as written.
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, column {} (\"{}\"): ", self.row, self.column, self.header)?;
        if self.value.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "\"{}\" {}", self.value, self.reason)
        }
    }
}

/// Why a services file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServicesError {
    #[error("{file}: {source}")]
    Table { file: String, source: TableError },
    /// `service` and `field` say where in the list, when the JSON path names them.
    #[error("{file}: {message}")]
    Json { file: String, message: String, service: Option<usize>, field: Option<String> },
    #[error(
        "{file}: no header row found in the first {HEADER_SEARCH_ROWS} rows of any sheet; \
         give the columns names such as Description, Category, Billed, Allowed, Network"
    )]
    NoHeader { file: String },
    #[error("{file}: there is no Billed or Allowed column (the header row {row} has: {found})")]
    NoAmountColumn { file: String, row: u32, found: String },
    #[error("{file}: the list has no services")]
    Empty { file: String },
    #[error("{file}: {} cannot be read; correct them and try again:\n{}", rows_phrase(.problems.len()), list_problems(.problems))]
    Rows { file: String, problems: Vec<RowProblem> },
}

fn rows_phrase(n: usize) -> String {
    if n == 1 {
        "1 cell".to_string()
    } else {
        format!("{n} cells")
    }
}

/// At most this many problems are listed; the rest are counted.
const PROBLEMS_SHOWN: usize = 20;

fn list_problems(problems: &[RowProblem]) -> String {
    let mut lines: Vec<String> = problems.iter().take(PROBLEMS_SHOWN).map(|p| format!("  {p}")).collect();
    if problems.len() > PROBLEMS_SHOWN {
        lines.push(format!("  … and {} more", problems.len() - PROBLEMS_SHOWN));
    }
    lines.join("\n")
}

/// Reads a services list from JSON or from a spreadsheet/CSV file.
///
/// JSON is recognised by a `.json` name or by text that starts with `[`.
pub fn read_services(bytes: &[u8], file_name: &str) -> Result<ServiceList, ServicesError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if file_name.to_ascii_lowercase().ends_with(".json") || first == Some(&b'[') {
        let text = std::str::from_utf8(body).map_err(|_| ServicesError::Json {
            file: file_name.to_string(),
            message: "the JSON is not UTF-8 text".into(),
            service: None,
            field: None,
        })?;
        return services_from_json(text, file_name);
    }
    let mut workbook = table::open(bytes, file_name, &Limits::default())
        .map_err(|source| ServicesError::Table { file: file_name.to_string(), source })?;
    let names = workbook.sheet_names().to_vec();
    for name in &names {
        let sheet = workbook
            .read(Some(name), &mut crate::progress::NoProgress)
            .map_err(|source| ServicesError::Table { file: file_name.to_string(), source })?;
        if find_header(&sheet).is_some() {
            return services_from_sheet(&sheet, file_name);
        }
    }
    Err(ServicesError::NoHeader { file: file_name.to_string() })
}

/// Reads a JSON array of services (the same objects the wasm API takes).
pub fn services_from_json(text: &str, file_name: &str) -> Result<ServiceList, ServicesError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result: Result<Vec<Service>, _> = serde_path_to_error::deserialize(&mut de);
    let services = result.map_err(|e| {
        let place = describe_json_path(e.path());
        let (service, field) = json_place(e.path());
        let inner = e.into_inner();
        let mut message = inner.to_string();
        if let Some(i) = message.rfind(" at line ") {
            if !inner.is_syntax() && !inner.is_eof() {
                message.truncate(i);
            }
        }
        ServicesError::Json {
            file: file_name.to_string(),
            message: if place.is_empty() { message } else { format!("{place}: {message}") },
            service,
            field,
        }
    })?;
    de.end().map_err(|e| ServicesError::Json {
        file: file_name.to_string(),
        message: e.to_string(),
        service: None,
        field: None,
    })?;
    if services.is_empty() {
        return Err(ServicesError::Empty { file: file_name.to_string() });
    }
    Ok(ServiceList { services, ..ServiceList::default() })
}

/// Reads services already parsed to a JSON value (the wasm API).
pub fn services_from_value(value: serde_json::Value) -> Result<ServiceList, ServicesError> {
    let result: Result<Vec<Service>, _> = serde_path_to_error::deserialize(value);
    let services = result.map_err(|e| {
        let (service, field) = json_place(e.path());
        ServicesError::Json {
            file: "services".into(),
            message: format!("{}: {}", describe_json_path(e.path()), e.inner()),
            service,
            field,
        }
    })?;
    Ok(ServiceList { services, ..ServiceList::default() })
}

/// `[2].billed` → service 3, field `billed`: the first index and the last key of the path.
fn json_place(path: &serde_path_to_error::Path) -> (Option<usize>, Option<String>) {
    use serde_path_to_error::Segment;
    let service = path.iter().find_map(|s| match s {
        Segment::Seq { index } => Some(index + 1),
        _ => None,
    });
    let field = path.iter().rev().find_map(|s| match s {
        Segment::Map { key } => Some(key.clone()),
        _ => None,
    });
    (service, field)
}

/// `[2].billed` → `service 3, field billed`.
fn describe_json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let parts: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("service {}", index + 1)),
            Segment::Map { key } => Some(format!("field {key}")),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    parts.join(", ")
}

/// The columns of a services table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Description,
    Code,
    Category,
    Billed,
    Allowed,
    Network,
    Covered,
    Protected,
    Emergency,
    Date,
    RevenueCode,
    InsurancePaid,
    Adjustments,
    PatientResponsibility,
    PatientPaid,
    Reason,
}

/// Header names of the services columns, normalised (see [`normalise`]).
pub const COLUMN_NAMES: [(&str, &[&str]); 16] = [
    (
        "description",
        &[
            "description",
            "service",
            "services",
            "service description",
            "item",
            "desc",
            "procedure description",
        ],
    ),
    (
        "code",
        &["code", "cpt", "hcpcs", "cpt hcpcs", "procedure code", "proc code", "service code", "procedure"],
    ),
    ("category", &["category", "type", "service type", "service category", "benefit", "benefit category"]),
    (
        "billed",
        &[
            "billed",
            "billed amount",
            "amount billed",
            "charge",
            "charges",
            "total charge",
            "price",
            "cost",
            "amount",
        ],
    ),
    (
        "allowed",
        &[
            "allowed",
            "allowed amount",
            "allowable",
            "approved",
            "approved amount",
            "medicare approved",
            "negotiated rate",
            "plan allowed",
        ],
    ),
    ("network", &["network", "in network", "network status", "in out of network", "in out"]),
    ("covered", &["covered", "is covered", "coverage", "covered by plan"]),
    (
        "protected",
        &["protected", "no surprises", "no surprises act", "nsa", "nsa protected", "surprise billing"],
    ),
    ("emergency", &["emergency", "is emergency", "emergency care", "er visit"]),
    ("date", &["date", "service date", "date of service", "dos", "from date", "date from"]),
    ("revenue code", &["revenue code", "rev code", "rev", "rev cd", "revenue", "ub revenue code"]),
    (
        "insurance paid",
        &[
            "insurance paid",
            "ins paid",
            "insurance payment",
            "insurance payments",
            "plan paid",
            "paid by insurance",
            "payer paid",
            "primary paid",
        ],
    ),
    (
        "adjustments",
        &[
            "adjustments",
            "adjustment",
            "insurance adjustments",
            "insurance adjustment",
            "ins adjustments",
            "ins adj",
            "contractual",
            "contractual adjustment",
            "contractual adjustments",
            "write off",
            "discount",
        ],
    ),
    (
        "patient responsibility",
        &[
            "patient responsibility",
            "patient resp",
            "pt resp",
            "patient balance",
            "pt balance",
            "patient owes",
            "you owe",
            "amount you owe",
            "your responsibility",
            "patient portion",
            "patient share",
        ],
    ),
    (
        "patient paid",
        &["patient paid", "pt paid", "patient payment", "patient payments", "you paid", "paid by patient"],
    ),
    (
        "reason",
        &["reason", "reason code", "reason codes", "remark", "denial reason", "adjustment reason", "carc"],
    ),
];

const FIELDS: [Field; 16] = [
    Field::Description,
    Field::Code,
    Field::Category,
    Field::Billed,
    Field::Allowed,
    Field::Network,
    Field::Covered,
    Field::Protected,
    Field::Emergency,
    Field::Date,
    Field::RevenueCode,
    Field::InsurancePaid,
    Field::Adjustments,
    Field::PatientResponsibility,
    Field::PatientPaid,
    Field::Reason,
];

/// The header row is looked for among the first rows, above which title rows
/// and banners are skipped (SPEC §2).
const HEADER_SEARCH_ROWS: u32 = 30;

fn field_of(header: &str) -> Option<Field> {
    let wanted = normalise(header);
    COLUMN_NAMES.iter().zip(FIELDS).find(|((_, names), _)| names.contains(&wanted.as_str())).map(|(_, f)| f)
}

/// Where each field's column is, and its header text.
struct Header {
    /// Index of the header among the sheet's stored rows.
    index: usize,
    row: u32,
    columns: [Option<(usize, String)>; 16],
    /// The header cells no field claimed, which the estimate does not read.
    ignored: Vec<String>,
}

impl Header {
    fn column(&self, field: Field) -> Option<(usize, &str)> {
        self.columns[field as usize].as_ref().map(|(i, h)| (*i, h.as_str()))
    }
}

/// The first row within the first 30 where at least two cells name services columns.
fn find_header(sheet: &Sheet) -> Option<Header> {
    for (index, row) in sheet.rows().enumerate() {
        if row.number > HEADER_SEARCH_ROWS {
            break;
        }
        let mut columns: [Option<(usize, String)>; 16] = Default::default();
        let mut ignored = Vec::new();
        let mut matched = 0;
        for col in 0..row.len() {
            let CellRef::Text(text) = row.get(col) else { continue };
            let slot = field_of(text).map(|field| &mut columns[field as usize]);
            match slot {
                Some(slot) if slot.is_none() => {
                    *slot = Some((col, text.trim().to_string()));
                    matched += 1;
                }
                _ if !text.trim().is_empty() => ignored.push(text.trim().to_string()),
                _ => {}
            }
        }
        if matched >= 2 {
            return Some(Header { index, row: row.number, columns, ignored });
        }
    }
    None
}

/// Reads the services of one sheet that has a header row.
pub fn services_from_sheet(sheet: &Sheet, file_name: &str) -> Result<ServiceList, ServicesError> {
    let file = || file_name.to_string();
    let header = find_header(sheet).ok_or_else(|| ServicesError::NoHeader { file: file() })?;
    if header.column(Field::Billed).is_none() && header.column(Field::Allowed).is_none() {
        let found = header.columns.iter().flatten().map(|(_, h)| format!("\"{h}\"")).collect::<Vec<_>>();
        return Err(ServicesError::NoAmountColumn { file: file(), row: header.row, found: found.join(", ") });
    }
    let mut list = ServiceList {
        services: Vec::new(),
        notes: sheet.notes.clone(),
        columns_used: header.columns.iter().flatten().map(|(_, h)| h.clone()).collect(),
        columns_ignored: header.ignored.clone(),
    };
    let mut problems = Vec::new();
    let mut totals_rows = Vec::new();
    for row in sheet.rows().skip(header.index + 1) {
        if row.is_empty() {
            continue;
        }
        if is_totals_row(&row, &header) {
            totals_rows.push(row.number);
            continue;
        }
        let mut reader =
            RowReader { row: &row, header: &header, problems: &mut problems, notes: &mut list.notes };
        if let Some(service) = reader.service() {
            list.services.push(service);
        }
    }
    if !totals_rows.is_empty() {
        let rows = totals_rows.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
        list.notes
            .push(format!("{file_name}: row {rows} looked like a total and was left out of the estimate"));
    }
    if !problems.is_empty() {
        return Err(ServicesError::Rows { file: file(), problems });
    }
    if list.services.is_empty() {
        return Err(ServicesError::Empty { file: file() });
    }
    if list.services.iter().any(Service::is_processed) {
        list.notes.push(columns_note(file_name, &list));
    }
    Ok(list)
}

/// "bill.csv: the columns used are …; the columns ignored are …" for a bill
/// insurance already processed, whose extra columns a patient wants accounted for.
fn columns_note(file_name: &str, list: &ServiceList) -> String {
    let quote = |names: &[String]| names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    let mut note = format!(
        "{file_name}: this bill was already processed by insurance; the columns used are {}",
        quote(&list.columns_used)
    );
    if list.columns_ignored.is_empty() {
        note.push_str(", and no column was ignored");
    } else {
        note.push_str(&format!("; the columns ignored are {}", quote(&list.columns_ignored)));
    }
    note
}

/// A footer such as "Total" (SPEC §2), but not a service whose name starts with
/// the word, like "Total knee replacement": a service row has a code or a category.
fn is_totals_row(row: &Row<'_>, header: &Header) -> bool {
    let filled = |field: Field| header.column(field).is_some_and(|(col, _)| !row.get(col).is_empty());
    row.is_totals() && !filled(Field::Code) && !filled(Field::Category)
}

/// Reads the cells of one data row, collecting every problem rather than
/// stopping at the first, so the user can fix them all at once.
struct RowReader<'a, 'r> {
    row: &'a Row<'r>,
    header: &'a Header,
    problems: &'a mut Vec<RowProblem>,
    notes: &'a mut Vec<String>,
}

impl RowReader<'_, '_> {
    fn cell(&self, field: Field) -> CellRef<'_> {
        match self.header.column(field) {
            Some((col, _)) => self.row.get(col),
            None => CellRef::Empty,
        }
    }

    fn problem(&mut self, field: Field, value: String, reason: String) {
        let (col, header) = self.header.column(field).unwrap_or((0, ""));
        self.problems.push(RowProblem {
            row: self.row.number,
            column: column_letter(col),
            header: header.to_string(),
            value,
            reason,
        });
    }

    fn text(&self, field: Field) -> Option<String> {
        let cell = self.cell(field);
        let text = cell.display().trim().to_string();
        (!cell.is_empty() && !text.is_empty()).then_some(text)
    }

    fn service(&mut self) -> Option<Service> {
        let before = self.problems.len();
        let category = match self.text(Field::Category) {
            // No category: the code's CPT section, so a 99285 is emergency care
            // rather than "other" (SPEC §9.2); without a code, other.
            None => self.text(Field::Code).map_or(Category::Other, |code| category_for_code(&code)),
            // Version 1's "imaging" with a code is placed by the code: an x-ray is a
            // diagnostic test, an MRI advanced imaging (SPEC §9.3).
            Some(text) => match Category::parse(&text) {
                Some(Category::Imaging) => self
                    .text(Field::Code)
                    .map(|code| category_for_code(&code))
                    .filter(|c| matches!(c, Category::ImagingAdvanced | Category::DiagnosticTest))
                    .unwrap_or(Category::Imaging),
                Some(category) => category,
                None => {
                    let reason = format!("is not a service category; use one of {}", Category::keys_text());
                    self.problem(Field::Category, text, reason);
                    Category::Other
                }
            },
        };
        let billed = self.amount(Field::Billed);
        let allowed = self.amount(Field::Allowed);
        let network = match self.text(Field::Network) {
            None => Network::In,
            Some(text) => Network::parse(&text).unwrap_or_else(|| {
                self.problem(Field::Network, text, "is not a network; write \"in\" or \"out\"".into());
                Network::In
            }),
        };
        let covered = self.flag(Field::Covered, true);
        let protected = self.flag(Field::Protected, false);
        let emergency = self.text(Field::Emergency).is_some().then(|| self.flag(Field::Emergency, false));
        let insurance_paid = self.amount(Field::InsurancePaid);
        let adjustments = self.amount(Field::Adjustments);
        let patient_responsibility = self.amount(Field::PatientResponsibility);
        let patient_paid = self.amount(Field::PatientPaid);
        if billed.is_none() && allowed.is_none() && self.problems.len() == before {
            let field =
                if self.header.column(Field::Billed).is_some() { Field::Billed } else { Field::Allowed };
            self.problem(
                field,
                String::new(),
                "is empty; a service needs a billed or an allowed amount".into(),
            );
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Service {
            description: self.text(Field::Description).unwrap_or_default(),
            code: self.text(Field::Code),
            category,
            billed,
            allowed,
            network,
            covered,
            protected,
            emergency,
            date: self.text(Field::Date),
            revenue_code: self.text(Field::RevenueCode),
            insurance_paid,
            adjustments,
            patient_responsibility,
            patient_paid,
            reason: self.text(Field::Reason),
            ..Service::default()
        })
    }

    fn amount(&mut self, field: Field) -> Option<Money> {
        let cell = self.cell(field);
        let read: Result<Option<ReadAmount>, MoneyError> = match cell {
            CellRef::Empty => Ok(None),
            CellRef::Text(text) => Money::parse(text),
            CellRef::Number(n) => Money::from_float_cell(n).map(Some),
            CellRef::Bool(_) | CellRef::Date(_) | CellRef::Error(_) => {
                Err(MoneyError::NotAnAmount(cell.display()))
            }
        };
        match read {
            Ok(None) => None,
            Ok(Some(amount)) if amount.money.is_negative() => {
                let reason = "is negative; list charges only, not credits or payments".to_string();
                self.problem(field, cell.display(), reason);
                None
            }
            Ok(Some(amount)) => {
                if let Some(exact) = amount.rounded_from {
                    let (col, header) = self.header.column(field).unwrap_or((0, ""));
                    self.notes.push(format!(
                        "row {}, column {} (\"{header}\"): {exact} was rounded to {}",
                        self.row.number,
                        column_letter(col),
                        amount.money
                    ));
                }
                Some(amount.money)
            }
            Err(_) => {
                self.problem(field, cell.display(), "is not an amount".into());
                None
            }
        }
    }

    fn flag(&mut self, field: Field, default: bool) -> bool {
        match self.cell(field) {
            CellRef::Bool(b) => b,
            CellRef::Number(n) if n == 0.0 || n == 1.0 => n == 1.0, // float cell holding 0 or 1
            cell if cell.is_empty() => default,
            cell => {
                let text = cell.display();
                parse_flag(&text).unwrap_or_else(|| {
                    self.problem(field, text, "is not yes or no".into());
                    default
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_csv(text: &str) -> Result<ServiceList, ServicesError> {
        read_services(text.as_bytes(), "services.csv")
    }

    #[test]
    fn reads_every_column_by_its_plain_header() {
        let list = read_csv(
            "Description,CPT,Category,Billed,Allowed,Network,Covered,Protected\n\
             Office visit,99213,Office visit,$180.00,95.00,In,yes,no\n\
             MRI,70551,Imaging,\"2,400.00\",,out-of-network,Y,\n\
             Cosmetic,,Other,500,,,no,\n\
             ER visit,99284,ER,1200,800,OON,,yes\n",
        )
        .unwrap();
        let s = &list.services;
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].description, "Office visit");
        assert_eq!(s[0].code.as_deref(), Some("99213"));
        assert_eq!(s[0].category, Category::Office);
        assert_eq!(s[0].billed, Some(Money::from_cents(18000)));
        assert_eq!(s[0].allowed, Some(Money::from_cents(9500)));
        assert_eq!((s[0].network, s[0].covered, s[0].protected), (Network::In, true, false));
        assert_eq!(s[1].allowed, None);
        assert_eq!(s[1].billed, Some(Money::from_cents(240000)));
        assert_eq!(s[1].network, Network::Out);
        assert_eq!(s[2].code, None);
        assert!(!s[2].covered);
        assert_eq!(s[2].network, Network::In, "an empty network cell means in network");
        assert_eq!((s[3].category, s[3].network, s[3].protected), (Category::Emergency, Network::Out, true));
        assert!(list.notes.is_empty());
    }

    #[test]
    fn only_billed_or_allowed_is_required() {
        let list = read_csv("Service,Allowed\nLab panel,42.10\n").unwrap();
        assert_eq!(list.services[0].allowed, Some(Money::from_cents(4210)));
        assert_eq!(list.services[0].billed, None);
        assert_eq!(list.services[0].category, Category::Other);
        let err = read_csv("Description,Category,Network\nLab,Lab,in\n").unwrap_err();
        assert!(matches!(err, ServicesError::NoAmountColumn { row: 1, .. }), "{err}");
        assert!(err.to_string().contains("no Billed or Allowed column"), "{err}");
    }

    #[test]
    fn bad_cells_name_row_and_column_and_quote_the_value() {
        let err = read_csv(
            "Patient bill for March\n\
             Description,Category,Billed,Allowed,Network\n\
             Office visit,Office,see note,,in\n\
             Dental,Dental cleaning,100,,in\n\
             Scan,Imaging,(50.00),,in\n\
             Lab,Lab,10,,maybe\n\
             Nothing,Lab,,,in\n",
        )
        .unwrap_err();
        let ServicesError::Rows { problems, .. } = &err else { panic!("{err}") };
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            [
                "row 3, column C (\"Billed\"): \"see note\" is not an amount",
                "row 4, column B (\"Category\"): \"Dental cleaning\" is not a service category; use one of \
                 office, specialist, urgent_care, emergency, imaging, imaging_advanced, diagnostic_test, lab, \
                 preventive, hospital, surgery, mental_health, maternity, rehab, equipment, ambulance, \
                 drug_generic, drug_preferred, drug_brand, drug_specialty, other",
                "row 5, column C (\"Billed\"): \"(50.00)\" is negative; list charges only, not credits or payments",
                "row 6, column E (\"Network\"): \"maybe\" is not a network; write \"in\" or \"out\"",
                "row 7, column C (\"Billed\"): is empty; a service needs a billed or an allowed amount",
            ]
        );
        assert!(err.to_string().starts_with("services.csv: 5 cells cannot be read"), "{err}");
    }

    #[test]
    fn totals_rows_are_left_out_and_rounding_is_noted() {
        let list = read_csv("Description,Billed\nVisit,100.005\nLab,20\nTotal,120.01\n").unwrap();
        assert_eq!(list.services.len(), 2);
        assert_eq!(list.services[0].billed, Some(Money::from_cents(10001)));
        assert_eq!(
            list.notes,
            [
                "row 2, column B (\"Billed\"): 100.005 was rounded to 100.01",
                "services.csv: row 4 looked like a total and was left out of the estimate",
            ]
        );
    }

    #[test]
    fn a_service_named_total_something_is_not_a_totals_row() {
        let list = read_csv(
            "Description,Code,Category,Billed\n\
             Total knee replacement,27447,Surgery,32000\n\
             Total,,,32000\n",
        )
        .unwrap();
        assert_eq!(list.services.len(), 1);
        assert_eq!(list.services[0].description, "Total knee replacement");
        assert_eq!(list.notes, ["services.csv: row 3 looked like a total and was left out of the estimate"]);
    }

    #[test]
    fn json_values_read_like_json_text() {
        let value = serde_json::json!([{"description": "Lab", "category": "lab", "allowed": "12.50"}]);
        let list = services_from_value(value).unwrap();
        assert_eq!(list.services[0].allowed, Some(Money::from_cents(1250)));
        let err = services_from_value(serde_json::json!([{"allowed": "x"}])).unwrap_err();
        assert_eq!(err.to_string(), "services: service 1, field allowed: \"x\" is not an amount");
    }

    #[test]
    fn a_file_without_a_header_is_refused() {
        let err = read_csv("a,b\n1,2\n").unwrap_err();
        assert!(matches!(err, ServicesError::NoHeader { .. }), "{err}");
        let err = read_csv("Description,Billed\n").unwrap_err();
        assert!(matches!(err, ServicesError::Empty { .. }), "{err}");
    }

    #[test]
    fn json_services_take_defaults_and_name_bad_fields() {
        let list = read_services(
            br#"[{"description": "Visit", "category": "Office visit", "allowed": "95.00"},
                 {"description": "MRI", "category": "imaging", "billed": "2400", "network": "out",
                  "covered": "yes", "protected": true}]"#,
            "services.json",
        )
        .unwrap();
        let s = &list.services;
        assert_eq!(s[0], Service::with_allowed("Visit", Category::Office, Money::from_cents(9500)));
        assert_eq!((s[1].network, s[1].covered, s[1].protected), (Network::Out, true, true));
        let err = read_services(br#"[{"billed": "10"}, {"billed": "ten"}]"#, "s.json").unwrap_err();
        assert_eq!(err.to_string(), "s.json: service 2, field billed: \"ten\" is not an amount");
        let err = read_services(br#"[{"billed": "10", "colour": "red"}]"#, "s.json").unwrap_err();
        assert!(err.to_string().contains("service 1, field colour: unknown field"), "{err}");
    }

    #[test]
    fn flags_read_yes_no_forms() {
        for (text, want) in
            [("Yes", Some(true)), ("x", Some(true)), ("FALSE", Some(false)), ("n", Some(false))]
        {
            assert_eq!(parse_flag(text), want, "{text}");
        }
        assert_eq!(parse_flag("perhaps"), None);
    }
}

/// A category guessed from a CPT/HCPCS code, for services taken from a
/// reconciled bill (the "estimate for this patient" hand-off). The code ranges
/// are the AMA's CPT sections; anything else is `other`, which the patient can
/// change on the page.
pub fn category_for_code(code: &str) -> Category {
    let c = code.trim().to_ascii_uppercase();
    let Ok(n) = c.get(..5).unwrap_or("").parse::<u32>() else {
        // HCPCS level II: A0021–A0999 ambulance, E durable equipment, J drugs.
        return match c.as_bytes().first() {
            Some(b'J') => Category::DrugBrand,
            Some(b'A') if c.get(1..2) == Some("0") => Category::Ambulance,
            Some(b'E') => Category::Equipment,
            _ => Category::Other,
        };
    };
    match n {
        99281..=99285 => Category::Emergency,
        99381..=99429 => Category::Preventive,
        99202..=99215 => Category::Office,
        99221..=99239 => Category::Hospital,
        99241..=99245 => Category::Specialist,
        59000..=59899 => Category::Maternity,
        10004..=69990 => Category::Surgery,
        70010..=79999 => imaging_for_code(n),
        80047..=89398 => Category::Lab,
        90785..=90899 => Category::MentalHealth,
        97010..=97799 => Category::Rehab,
        _ => Category::Other,
    }
}

/// A radiology code (70010–79999) as SPEC §9.3 splits imaging: CT, MRI and PET
/// are advanced imaging; the rest (x-rays, ultrasound, fluoroscopy) are
/// diagnostic tests. The ranges are the CPT CT, MRI/MRA and PET codes.
pub fn imaging_for_code(n: u32) -> Category {
    const ADVANCED: [(u32, u32); 22] = [
        (70336, 70336), // MRI temporomandibular joint
        (70450, 70498), // CT head and neck
        (70540, 70559), // MRI head and neck, brain
        (71250, 71275), // CT chest
        (71550, 71555), // MRI chest
        (72125, 72133), // CT spine
        (72141, 72159), // MRI spine
        (72191, 72198), // CT and MRI pelvis
        (73200, 73206), // CT upper extremity
        (73218, 73225), // MRI upper extremity
        (73700, 73706), // CT lower extremity
        (73718, 73725), // MRI lower extremity
        (74150, 74178), // CT abdomen and pelvis
        (74181, 74185), // MRI abdomen
        (74261, 74263), // CT colonography
        (74712, 74713), // fetal MRI
        (75557, 75574), // cardiac MRI and CT
        (75635, 75635), // CT angiography, abdominal aorta
        (77046, 77049), // MRI breast
        (77084, 77084), // MRI bone marrow
        (78459, 78499), // cardiac PET
        (78811, 78816), // PET
    ];
    if ADVANCED.iter().any(|&(low, high)| (low..=high).contains(&n)) {
        Category::ImagingAdvanced
    } else {
        Category::DiagnosticTest
    }
}

/// Services for an estimate from the lines of a reconciled bill: what was
/// billed, and the allowed (or expected) amount when the payer gave one.
pub fn services_from_lines<'a>(lines: impl IntoIterator<Item = &'a crate::reconcile::Line>) -> Vec<Service> {
    lines
        .into_iter()
        .map(|l| {
            let code = l.code.as_deref().map(str::to_string);
            let when =
                l.service_date.map(|d| format!(" on {}", crate::table::dates::iso(d))).unwrap_or_default();
            Service {
                description: format!("{}{when}", code.as_deref().unwrap_or("Service")),
                category: code.as_deref().map(category_for_code).unwrap_or(Category::Other),
                code,
                billed: Some(l.billed),
                allowed: l.allowed.or(l.expected),
                ..Service::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod handoff_tests {
    use super::*;

    #[test]
    fn codes_fall_into_their_cpt_sections() {
        let cases = [
            ("99213", Category::Office),
            ("99284", Category::Emergency),
            ("99396", Category::Preventive),
            ("80053", Category::Lab),
            ("71046", Category::DiagnosticTest),
            ("70551", Category::ImagingAdvanced),
            ("74177", Category::ImagingAdvanced),
            ("73721", Category::ImagingAdvanced),
            ("78815", Category::ImagingAdvanced),
            ("76700", Category::DiagnosticTest),
            ("20610", Category::Surgery),
            ("59400", Category::Maternity),
            ("90837", Category::MentalHealth),
            ("97110", Category::Rehab),
            ("A0427", Category::Ambulance),
            ("E0114", Category::Equipment),
            ("J1100", Category::DrugBrand),
            ("G0439", Category::Other),
            ("", Category::Other),
        ];
        for (code, want) in cases {
            assert_eq!(category_for_code(code), want, "{code}");
        }
    }
}
