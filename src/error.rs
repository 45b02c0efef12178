//! The core's one public error type: [`Error`], a boxed [`ErrorKind`] with a [`Position`].
//!
//! Each module keeps its own error enum (`PlanError`, `ServicesError`, `InputError`, …), whose
//! variants hold what went wrong as data, and whose `Display` is the message for people. An edge
//! (the command line, the wasm binding) turns any of them into an [`Error`] with `?` or `From`:
//! the conversion reads the module error's data once and fills in the [`Position`] (the file,
//! sheet, row and column, the plan field, the service number), so that an edge can point at the
//! place without reading the message. The page focuses the field an error names this way, and a
//! reworded message cannot break it.
//!
//! The model is the csv crate's `Error(Box<ErrorKind>)`. A choice: the kinds wrap the module
//! enums instead of copying their variants into one long list. Every variant keeps its message
//! and its tests where its rule is, a module adds a variant without touching this file, and a
//! caller that wants the detail matches on the module enum inside the kind.

use serde::Serialize;

use crate::columns::{MappingError, Role};
use crate::estimate::gfe::GfeError;
use crate::estimate::{EstimateError, PaymentPlanError, PlanError, ServicesError};
use crate::export::book::BookError;
use crate::money::MoneyError;
use crate::patient::FindError;
use crate::prices::PriceError;
use crate::reconcile::{ConservationError, OptionError};
use crate::records::InputError;
use crate::remit::RemitError;
use crate::table::dates::DateError;
use crate::table::TableError;
use crate::x12::X12Error;

/// An error of the core: what went wrong ([`Error::kind`]), where ([`Error::position`]), and a
/// message for people (`Display`).
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    position: Position,
}

/// What went wrong: the module error, whose variant says what exactly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A charges, payments or fee file that cannot be used (`records`).
    #[error(transparent)]
    Input(InputError),
    /// Bytes that are not a readable spreadsheet (`table`).
    #[error(transparent)]
    Table(TableError),
    /// A column mapping that names no column or no role (`columns`).
    #[error(transparent)]
    Mapping(MappingError),
    /// A file that is not the X12 transaction it was given as (`x12`).
    #[error(transparent)]
    X12(X12Error),
    /// 835 files that cannot be read as remittances on their own (`remit`).
    #[error(transparent)]
    Remit(RemitError),
    /// A plan that cannot be used (`estimate::plan`).
    #[error(transparent)]
    Plan(PlanError),
    /// A services list that cannot be read (`estimate::service`).
    #[error(transparent)]
    Services(ServicesError),
    /// An estimate that cannot be made from a readable plan and list (`estimate`).
    #[error(transparent)]
    Estimate(EstimateError),
    /// A payment plan that cannot be made (`estimate::payment_plan`).
    #[error(transparent)]
    PaymentPlan(PaymentPlanError),
    /// A Good Faith Estimate or bill file that cannot be read (`estimate::gfe`).
    #[error(transparent)]
    Gfe(GfeError),
    /// A hospital price file that cannot be read (`prices`).
    #[error(transparent)]
    Prices(PriceError),
    /// Text that is not an amount (`money`).
    #[error(transparent)]
    Money(MoneyError),
    /// Text that is not a date (`table::dates`).
    #[error(transparent)]
    Date(DateError),
    /// A reconcile setting (as-of date, tolerance) that cannot be read (`reconcile::options`).
    #[error(transparent)]
    Option(OptionError),
    /// No single patient account matches a search (`patient`).
    #[error(transparent)]
    Find(FindError),
    /// A workbook layout that came back damaged between the page's two wasm modules (`export`).
    #[error(transparent)]
    Book(BookError),
    /// A report that breaks a conservation law (SPEC §4): a bug, never the user's data.
    #[error(transparent)]
    Conservation(ConservationError),
}

impl ErrorKind {
    /// A stable name for the kind, for code that must tell kinds apart without matching on the
    /// enum (the page gets it as `kind`).
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::Input(_) => "input",
            ErrorKind::Table(_) => "table",
            ErrorKind::Mapping(_) => "mapping",
            ErrorKind::X12(_) => "x12",
            ErrorKind::Remit(_) => "remittance",
            ErrorKind::Plan(_) => "plan",
            ErrorKind::Services(_) => "services",
            ErrorKind::Estimate(_) => "estimate",
            ErrorKind::PaymentPlan(_) => "paymentPlan",
            ErrorKind::Gfe(_) => "goodFaithEstimate",
            ErrorKind::Prices(_) => "prices",
            ErrorKind::Money(_) => "money",
            ErrorKind::Date(_) => "date",
            ErrorKind::Option(_) => "option",
            ErrorKind::Find(_) => "patient",
            ErrorKind::Book(_) => "book",
            ErrorKind::Conservation(_) => "conservation",
        }
    }
}

/// Where an error is, as far as it is known; every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Position {
    /// The file's name as the user gave it.
    pub file: Option<String>,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// The row as a spreadsheet program numbers it (from 1).
    pub row: Option<u32>,
    /// The column letter, `"D"`.
    pub column: Option<String>,
    /// The name of the value that is wrong: a plan field's JSON path (`"inNetwork.deductible"`),
    /// a service's field (`"billed"`), a column role (`"billed"`), or a setting (`"asOf"`).
    pub field: Option<String>,
    /// The service (the line of an estimate) it is about, from 1.
    pub service: Option<usize>,
}

impl Position {
    fn file(file: &str) -> Position {
        Position { file: Some(file.to_string()), ..Position::default() }
    }

    fn field(field: &str) -> Position {
        Position { field: Some(field.to_string()), ..Position::default() }
    }

    /// This position, with the parts it lacks taken from `outer` (a file around a sheet's error).
    fn within(self, outer: Position) -> Position {
        Position {
            file: self.file.or(outer.file),
            sheet: self.sheet.or(outer.sheet),
            row: self.row.or(outer.row),
            column: self.column.or(outer.column),
            field: self.field.or(outer.field),
            service: self.service.or(outer.service),
        }
    }
}

impl Error {
    fn new(kind: ErrorKind, position: Position) -> Error {
        Error(Box::new(Inner { kind, position }))
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    pub fn position(&self) -> &Position {
        &self.0.position
    }

    /// The same error, named by the file it came from when the module error did not know it
    /// (a plan or a services list read by an edge from a file).
    pub fn in_file(mut self, file: &str) -> Error {
        self.0.position.file.get_or_insert_with(|| file.to_string());
        self
    }

    /// The message without the file or plan field it starts with, for an edge that shows the
    /// place another way (the page puts a plan field's problem under the field's own label).
    pub fn detail(&self) -> String {
        match &self.0.kind {
            ErrorKind::Plan(PlanError::Field { message, .. })
            | ErrorKind::Estimate(EstimateError::Plan(PlanError::Field { message, .. })) => message.clone(),
            ErrorKind::Services(ServicesError::Json { message, .. }) => message.clone(),
            ErrorKind::Services(ServicesError::Table { source, .. }) => source.to_string(),
            ErrorKind::Input(InputError::Table { source, .. }) => source.to_string(),
            ErrorKind::Input(InputError::Mapping { source, .. }) => source.to_string(),
            ErrorKind::Input(InputError::X12 { source, .. }) => source.to_string(),
            ErrorKind::Remit(RemitError::NotRemittance { source, .. }) => source.to_string(),
            ErrorKind::Gfe(GfeError::Json { message, .. }) => message.clone(),
            ErrorKind::Gfe(GfeError::Table { source, .. }) => source.to_string(),
            _ => self.to_string(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.kind.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0.kind)
    }
}

fn table_position(error: &TableError) -> Position {
    match error {
        TableError::NoSuchSheet { name, .. } => Position { sheet: Some(name.clone()), ..Position::default() },
        TableError::SheetTooLarge { sheet, .. } => {
            Position { sheet: Some(sheet.clone()), ..Position::default() }
        }
        _ => Position::default(),
    }
}

fn mapping_position(error: &MappingError) -> Position {
    match error {
        MappingError::UnknownRole(role) => Position::field(role),
        MappingError::NoSuchColumn { role, .. } => Position::field(role.key()),
    }
}

fn input_position(error: &InputError) -> Position {
    match error {
        InputError::Table { file, source } => table_position(source).within(Position::file(file)),
        InputError::NoHeader { file, sheet, .. } => {
            Position { sheet: Some(sheet.clone()), ..Position::file(file) }
        }
        InputError::EmptyHeaderRow { file, sheet, row } => {
            Position { sheet: Some(sheet.clone()), row: Some(*row), ..Position::file(file) }
        }
        InputError::Mapping { file, source } => mapping_position(source).within(Position::file(file)),
        // `needed` is the role's label; its key is the field.
        InputError::Unmapped { file, needed } => Position {
            field: Role::ALL.iter().find(|r| r.label() == needed).map(|r| r.key().to_string()),
            ..Position::file(file)
        },
        InputError::SameFile { second, sheet, .. } => {
            Position { sheet: sheet.clone(), ..Position::file(second) }
        }
        InputError::X12 { file, .. }
        | InputError::LooksLikePayments { file, .. }
        | InputError::LooksLikeCharges { file }
        | InputError::RemittanceAsCharges { file }
        | InputError::ChargesNotClaims { file } => Position::file(file),
        InputError::NoCharges => Position::default(),
    }
}

fn services_position(error: &ServicesError) -> Position {
    match error {
        ServicesError::Table { file, source } => table_position(source).within(Position::file(file)),
        ServicesError::Json { file, service, field, .. } => {
            Position { service: *service, field: field.clone(), ..Position::file(file) }
        }
        ServicesError::NoAmountColumn { file, row, .. } => {
            Position { row: Some(*row), ..Position::file(file) }
        }
        // The first cell that cannot be read is where to start.
        ServicesError::Rows { file, problems } => match problems.first() {
            Some(first) => {
                Position { row: Some(first.row), column: Some(first.column.clone()), ..Position::file(file) }
            }
            None => Position::file(file),
        },
        ServicesError::NoHeader { file } | ServicesError::Empty { file } => Position::file(file),
    }
}

fn estimate_position(error: &EstimateError) -> Position {
    match error {
        EstimateError::Plan(plan) => plan_position(plan),
        EstimateError::Service { number, field, .. } => {
            Position { service: Some(*number), field: field.clone(), ..Position::default() }
        }
        EstimateError::AllowedShare(_) => Position::default(),
    }
}

fn plan_position(error: &PlanError) -> Position {
    match error {
        PlanError::Field { field, .. } => Position::field(field),
        PlanError::NotJson(_) | PlanError::Shape(_) => Position::default(),
    }
}

fn payment_plan_position(error: &PaymentPlanError) -> Position {
    // The fields of the payment plan request (`paymentPlan({ amount, months, start, discount })`).
    Position::field(match error {
        PaymentPlanError::NotPositive(_) => "amount",
        PaymentPlanError::Months(_) => "months",
        PaymentPlanError::Discount(_) => "discount",
        PaymentPlanError::Start(_) | PaymentPlanError::DateOutOfRange => "start",
    })
}

fn gfe_position(error: &GfeError) -> Position {
    match error {
        GfeError::Table { file, source } => table_position(source).within(Position::file(file)),
        GfeError::Json { file, .. }
        | GfeError::NoHeader { file }
        | GfeError::Rows { file, .. }
        | GfeError::Empty { file } => Position::file(file),
    }
}

fn remit_position(error: &RemitError) -> Position {
    match error {
        RemitError::NotRemittance { file, .. } => Position::file(file),
        RemitError::SameFile { second, .. } => Position::file(second),
        _ => Position::default(),
    }
}

fn option_position(error: &OptionError) -> Position {
    Position::field(match error.setting() {
        crate::reconcile::options::Setting::AsOf => "asOf",
        crate::reconcile::options::Setting::Tolerance => "tolerance",
    })
}

macro_rules! from_module_error {
    ($($error:ty => $kind:ident, $position:expr;)*) => {
        $(
            impl From<$error> for Error {
                fn from(error: $error) -> Error {
                    let position: fn(&$error) -> Position = $position;
                    let position = position(&error);
                    Error::new(ErrorKind::$kind(error), position)
                }
            }
        )*
    };
}

from_module_error! {
    InputError => Input, input_position;
    TableError => Table, table_position;
    MappingError => Mapping, mapping_position;
    X12Error => X12, |_| Position::default();
    RemitError => Remit, remit_position;
    PlanError => Plan, plan_position;
    ServicesError => Services, services_position;
    EstimateError => Estimate, estimate_position;
    PaymentPlanError => PaymentPlan, payment_plan_position;
    GfeError => Gfe, gfe_position;
    PriceError => Prices, |_| Position::default();
    MoneyError => Money, |_| Position::default();
    DateError => Date, |_| Position::default();
    OptionError => Option, option_position;
    FindError => Find, |_| Position::default();
    BookError => Book, |_| Position::default();
    ConservationError => Conservation, |_| Position::default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::{self, Plan};

    fn plan(json: &str) -> Plan {
        Plan::from_json(json).unwrap()
    }

    #[test]
    fn a_plan_field_error_names_the_field() {
        let error: Error = Plan::from_json(
            r#"{"inNetwork": {"deductible": "1500.00", "deductibleMet": "2000.00", "outOfPocketMax": "6000.00",
                "outOfPocketMet": "0", "coinsurance": "0.2"}}"#,
        )
        .unwrap_err()
        .into();
        assert_eq!(error.kind().name(), "plan");
        assert_eq!(error.position().field.as_deref(), Some("inNetwork.deductibleMet"), "{error}");
        assert_eq!(error.position().service, None);
        assert!(error.to_string().starts_with("plan field inNetwork.deductibleMet: "), "{error}");
        assert!(!error.detail().contains("plan field"), "{}", error.detail());
        assert!(error.to_string().ends_with(&error.detail()));
    }

    #[test]
    fn a_service_error_names_the_service_and_its_field() {
        let plan = plan(
            r#"{"inNetwork": {"deductible": "0", "deductibleMet": "0", "outOfPocketMax": "6000.00",
                "outOfPocketMet": "0", "coinsurance": "0.2"}}"#,
        );
        let services = estimate::services_from_value(serde_json::json!([
            { "description": "Visit", "allowed": "100" },
            { "description": "Scan", "billed": "-5" },
        ]))
        .unwrap();
        let error: Error =
            estimate::estimate(&plan, &services.services, &[], &Default::default()).unwrap_err().into();
        assert_eq!(error.kind().name(), "estimate");
        assert_eq!(error.position().service, Some(2), "{error}");
        assert_eq!(error.position().field.as_deref(), Some("billed"), "{error}");

        // A value the services reader cannot take: the service and field from the JSON path.
        let error: Error = estimate::services_from_value(serde_json::json!([
            { "description": "Visit", "allowed": "100" },
            { "description": "Scan", "billed": "lots" },
        ]))
        .unwrap_err()
        .into();
        assert_eq!(error.kind().name(), "services");
        assert_eq!(error.position().service, Some(2), "{error}");
        assert_eq!(error.position().field.as_deref(), Some("billed"), "{error}");
        assert_eq!(error.to_string(), format!("services: {}", error.detail()));
    }

    #[test]
    fn a_cell_error_names_the_file_row_and_column() {
        let csv = b"Description,Billed\nVisit,100\nScan,lots\n";
        let error: Error = estimate::read_services(csv, "bill.csv").unwrap_err().into();
        let position = error.position();
        assert_eq!(position.file.as_deref(), Some("bill.csv"));
        assert_eq!((position.row, position.column.as_deref()), (Some(3), Some("B")), "{error}");
        assert!(error.to_string().starts_with("bill.csv: "), "{error}");
    }

    #[test]
    fn a_header_row_error_names_the_file_sheet_and_row() {
        let error = Error::from(InputError::EmptyHeaderRow {
            file: "charges.xlsx".into(),
            sheet: "Jan".into(),
            row: 4,
        });
        let position = error.position();
        assert_eq!(error.kind().name(), "input");
        assert_eq!(position.file.as_deref(), Some("charges.xlsx"));
        assert_eq!((position.sheet.as_deref(), position.row), (Some("Jan"), Some(4)));
        assert_eq!(
            error.to_string(),
            "charges.xlsx: row 4 of sheet \"Jan\" is empty, so it cannot be the header row"
        );
    }

    #[test]
    fn an_unmapped_role_is_named_by_its_key() {
        let error =
            Error::from(InputError::Unmapped { file: "pay.csv".into(), needed: Role::Paid.label().into() });
        assert_eq!(error.position().field.as_deref(), Some(Role::Paid.key()));
    }

    #[test]
    fn a_setting_error_names_the_setting() {
        let error: Error =
            crate::reconcile::Options::parse("2026-13-01", None, Default::default()).unwrap_err().into();
        assert_eq!(error.position().field.as_deref(), Some("asOf"));
        let error: Error = crate::reconcile::Options::parse("2026-01-01", Some("-1"), Default::default())
            .unwrap_err()
            .into();
        assert_eq!(error.position().field.as_deref(), Some("tolerance"));
    }

    #[test]
    fn the_message_is_the_module_errors_own() {
        let inner = TableError::NoSuchSheet { name: "Feb".into(), available: "Jan".into() };
        let error = Error::from(InputError::Table { file: "pay.xlsx".into(), source: inner.clone() });
        assert_eq!(error.to_string(), format!("pay.xlsx: {inner}"));
        assert_eq!(error.detail(), inner.to_string());
        assert_eq!(error.position().file.as_deref(), Some("pay.xlsx"));
        assert_eq!(error.position().sheet.as_deref(), Some("Feb"));
        assert_eq!(error.in_file("other.xlsx").position().file.as_deref(), Some("pay.xlsx"));
    }
}
