//! Bytes → [`Table`]: the sheet, its header row (SPEC §2, §8.1) and the
//! column mapping (SPEC §3), detected and then overridden by the user.

use crate::columns::{self, Column, Layout, Mapping, MappingOverride, Role};
use crate::layout;
use crate::progress::Progress;
use crate::table::{self, Limits, Sheet, TableError};

use super::cells::ReadContext;
use super::error::InputError;

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

/// Reads a file, finds its header row (the one the user chose, 1-based as a
/// spreadsheet shows it, or found when `header_row` is `None`) and maps its
/// columns: detected, then `overrides`. `progress` hears "Reading {file}" and
/// the share of the sheet read so far (0 to 1).
pub fn load(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    header_row: Option<u32>,
    overrides: Option<&MappingOverride>,
    limits: &Limits,
    progress: &mut dyn Progress,
) -> Result<Table, InputError> {
    let table_err = |source| InputError::Table { file: file_name.to_string(), source };
    let mut workbook = table::open(bytes, file_name, limits).map_err(table_err)?;
    let sheets = workbook.sheet_names().to_vec();
    let step = format!("Reading {file_name}");
    // Opening a workbook reads its shared strings, a good share of a second
    // for a big one: the bar hears that it is done before the first rows.
    progress.report(&step, 0.0);
    let mut read = |wb: &mut table::Workbook<'_>, name: Option<&str>| {
        wb.read(name, &mut |_: &str, done: f32| progress.report(&step, done))
    };
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

    pub(super) fn require(&self, roles: &[Role]) -> Result<(), InputError> {
        match roles.iter().find(|r| !self.mapping.has(**r)) {
            Some(r) => {
                Err(InputError::Unmapped { file: self.file_name.clone(), needed: r.label().to_string() })
            }
            None => Ok(()),
        }
    }

    pub(super) fn context(&self) -> ReadContext<'_> {
        ReadContext::new(&self.file_name, &self.sheet, &self.layout, &self.mapping)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::records::{keep_rows, read_charges};

    #[test]
    fn a_chosen_header_row_is_read_from_and_a_missing_one_is_an_error() {
        let csv = "Status,Payer\nRef,Amount Billed\n7,12.00\n";
        let t =
            load(csv.as_bytes(), "x.csv", None, Some(2), None, &Limits::default(), &mut NoProgress).unwrap();
        assert_eq!(t.layout.header_row, 2);
        let charges = keep_rows(|each| read_charges(&t, false, &mut NoProgress, each)).unwrap();
        assert_eq!(charges.rows[0].billed.to_string(), "12.00");
        let err = load(csv.as_bytes(), "x.csv", None, Some(9), None, &Limits::default(), &mut NoProgress)
            .unwrap_err();
        assert_eq!(err.to_string(), "x.csv: row 9 of sheet \"x\" is empty, so it cannot be the header row");
        let m = peek_mapping(csv.as_bytes(), "x.csv", None, Some(2), None, &Limits::default()).unwrap();
        assert_eq!(m.column(Role::Billed), Some(1));
    }

    #[test]
    fn loading_reports_the_share_of_the_sheet_read_under_the_file_name() {
        // Enough rows for the reader to report along the way (it reports every few thousand).
        let csv = format!("Claim #,Charges\n{}", "1,10\n".repeat(20_000));
        let mut heard = Vec::new();
        let mut listen = |step: &str, done: f32| heard.push((step.to_string(), done));
        load(csv.as_bytes(), "c.csv", None, None, None, &Limits::default(), &mut listen).unwrap();
        assert!(heard.len() >= 2, "{heard:?}");
        assert!(
            heard.iter().all(|(step, done)| step == "Reading c.csv" && (0.0..=1.0).contains(done)),
            "{heard:?}"
        );
        assert!(heard.windows(2).all(|w| w[0].1 <= w[1].1), "the share only grows: {heard:?}");
    }

    #[test]
    fn no_header_is_a_clear_error() {
        let err = load(
            b"milk,eggs\nbread,jam\n",
            "list.csv",
            None,
            None,
            None,
            &Limits::default(),
            &mut NoProgress,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("list.csv: no header row in the first 30 rows"), "{err}");
    }
}
