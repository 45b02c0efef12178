//! One cell → a [`Value`] for its column's role (SPEC §1–§3): money through
//! [`Money`], dates per column with one day/month order ([`ReadContext`]),
//! identifiers normalised for matching ([`Id`]), reason codes as lists. And
//! the cache that reads each distinct cell of a column once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::carc::{self, ReasonCode};
use crate::columns::{Column, Layout, Mapping, Role, ValueKind};
use crate::hashing::FastMap;
use crate::interned::Text;
use crate::layout::RowKinds;
use crate::money::{Money, ReadAmount};
use crate::payment_source::PaymentSource;
use crate::table::dates::{self, ColumnOrder, DayMonthOrder};
use crate::table::{column_letter, number_text, CellRef, Sheet};

use super::ids::{collapse_spaces, Id};
use super::FileKind;

/// How to read the cells of one table: the date order of each date column
/// and the date system of the workbook.
pub struct ReadContext<'a> {
    pub(super) file_name: &'a str,
    pub(super) sheet: &'a Sheet,
    layout: &'a Layout,
    /// The header's last row: data start below it.
    pub(super) header_row: u32,
    pub(super) mapping: &'a Mapping,
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

    pub(super) fn header(&self, col: usize) -> String {
        self.headers.get(col).map(|c| c.header.clone()).unwrap_or_default()
    }

    /// Notes on date columns whose order was assumed or contradictory.
    pub(super) fn date_notes(&self, file: FileKind) -> Vec<String> {
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
pub(super) struct ColumnCache<'a> {
    /// The role the values were read as (a column mapped to two roles by hand
    /// is read afresh for the second).
    pub(super) role: Option<Role>,
    pub(super) texts: Seen<&'a str, Result<Option<Value>, String>>,
    /// Number cells, by their bits.
    pub(super) numbers: Seen<u64, Result<Option<Value>, String>>,
    /// Patient names, as matching keys.
    pub(super) names: Seen<&'a str, Option<Id>>,
}

/// Values already read, by the cell they came from. The cell above is
/// checked first (rows sorted by claim or date repeat it, and the check needs
/// no hash); then a map of every value seen, unless most values turn out to
/// be distinct (claim numbers of a remittance), when the map costs more than
/// it saves and is let go.
pub(super) struct Seen<K, V> {
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

    pub(super) fn get_or(&mut self, key: K, read: impl FnOnce() -> V) -> V {
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
    pub(super) fn keeps(kind: ValueKind) -> bool {
        !matches!(kind, ValueKind::Money)
    }
}
