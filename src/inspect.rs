//! What a file looks like to ClearBill before reconciling (SPEC §7 `inspect`).
//!
//! The CLI's `clearbill inspect` and the page's mapping step show the same
//! [`Inspection`]: the format, the sheets, the header row, each column with its
//! detected role and confidence, the number of data rows, and a preview of
//! the first rows as they will be read, with unreadable cells marked.
//!
//! [`inspect`] is the one entry point, with every choice the user can make
//! (sheet, header row, overrides) as an argument. It takes no
//! [`Progress`](crate::progress::Progress): neither edge shows progress while
//! a file is inspected, so a listener would only ever be a no-op.

use serde::Serialize;

use crate::columns::{Column, MappingOverride, LOW_CONFIDENCE};
use crate::layout::{FillDown, SkipKind, SkippedRow};
use crate::progress::NoProgress;
use crate::records::{self, read_cell, InputError};
use crate::table::{Format, Limits};

/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 5;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub file: String,
    pub format: Format,
    pub sheets: Vec<String>,
    pub sheet: String,
    pub header_row: u32,
    /// The header's last row: the row under `header_row` when a header
    /// printed over two rows was joined (SPEC §8.1), else `header_row`.
    pub header_end: u32,
    pub columns: Vec<Column>,
    /// Data rows below the header (blank and skipped rows not counted).
    pub rows: usize,
    pub blank_rows: usize,
    /// Footer total rows ("Total", "Subtotal").
    pub totals_rows: Vec<u32>,
    /// Every row skipped (footer totals, repeated page headers, page footers,
    /// group labels), with its kind.
    pub skipped_rows: Vec<SkippedRow>,
    pub preview: Vec<PreviewRow>,
    pub notes: Vec<String>,
    /// A key for remembering this file's mapping (see `columns::header_signature`).
    pub signature: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PreviewRow {
    pub row: u32,
    pub cells: Vec<PreviewCell>,
}

/// One cell: as written, as read for its column's role, or why it cannot be read.
#[derive(Clone, Debug, Serialize)]
pub struct PreviewCell {
    pub text: String,
    pub value: Option<String>,
    pub error: Option<String>,
}

/// Inspects a file: its sheet (the first with a header when `sheet` is
/// `None`), the header row the user chose (1-based; `None` finds it), and
/// the mapping with the user's overrides applied first (the page's dropdowns).
pub fn inspect(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    header_row: Option<u32>,
    overrides: Option<&MappingOverride>,
    limits: &Limits,
) -> Result<Inspection, InputError> {
    let table = records::load(bytes, file_name, sheet, header_row, overrides, limits, &mut NoProgress)?;
    let columns = table.columns();
    let ctx = records::ReadContext::new(&table.file_name, &table.sheet, &table.layout, &table.mapping);
    let kinds = ctx.row_kinds();
    // The preview shows the rows as they will be read: with a group's values carried down.
    let mut fill = FillDown::new(&table.mapping);
    let grouped = || kinds.is_grouped(&table.sheet, table.layout.header_end);

    let mut rows = 0;
    let mut blank_rows = 0;
    let mut skipped_rows = Vec::new();
    let mut preview = Vec::new();
    let header_end = table.layout.header_end;
    let mut previous = header_end;
    for row in table.sheet.rows().filter(|r| r.number > header_end && !r.is_empty()) {
        blank_rows += (row.number - previous - 1) as usize;
        previous = row.number;
        if let Some(kind) = kinds.classify(&row) {
            skipped_rows.push(SkippedRow { row: row.number, kind });
            fill.end_group();
            continue;
        }
        fill.start_row(&row, grouped);
        rows += 1;
        if preview.len() < PREVIEW_ROWS {
            let cells = columns
                .iter()
                .map(|c| {
                    let cell = fill.cell(&row, c.index);
                    let (value, error) = match c.role {
                        None => (None, None),
                        Some(role) => match read_cell(role, cell, table.sheet.is_1904, ctx.order_of(c.index))
                        {
                            Ok(v) => (v.map(|v| v.shown()), None),
                            Err(e) => (None, Some(e)),
                        },
                    };
                    PreviewCell { text: cell.display(), value, error }
                })
                .collect();
            preview.push(PreviewRow { row: row.number, cells });
        }
    }
    Ok(Inspection {
        file: file_name.to_string(),
        format: table.format,
        sheets: table.sheets.clone(),
        sheet: table.sheet.name.clone(),
        header_row: table.layout.header_row,
        header_end,
        totals_rows: skipped_rows.iter().filter(|s| s.kind == SkipKind::FooterTotal).map(|s| s.row).collect(),
        skipped_rows,
        signature: crate::columns::header_signature(&columns),
        columns,
        rows,
        blank_rows,
        preview,
        notes: table.sheet.notes.clone(),
    })
}

impl Inspection {
    /// The human-readable form `clearbill inspect` prints.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("File:       {}\n", self.file));
        out.push_str(&format!("Format:     {}\n", self.format.label()));
        out.push_str(&format!("Sheets:     {}\n", self.sheets.join(", ")));
        out.push_str(&format!("Sheet:      {}\n", self.sheet));
        if self.header_end > self.header_row {
            out.push_str(&format!("Header row: {}-{} (joined)\n", self.header_row, self.header_end));
        } else {
            out.push_str(&format!("Header row: {}\n", self.header_row));
        }
        out.push_str(&format!(
            "Data rows:  {} ({} blank, {} footer total row(s) skipped",
            self.rows,
            self.blank_rows,
            self.totals_rows.len()
        ));
        let other = self.skipped_rows.len() - self.totals_rows.len();
        if other > 0 {
            out.push_str(&format!(", {other} page header, page footer or group label row(s) skipped"));
        }
        out.push_str(")\n\n");
        let header_w = self.columns.iter().map(|c| c.header.chars().count()).max().unwrap_or(6).clamp(6, 40);
        out.push_str(&format!(
            "{:<4} {:<hw$}  {:<24} {}\n",
            "Col",
            "Header",
            "Role",
            "Confidence",
            hw = header_w
        ));
        for c in &self.columns {
            let role = c.role.map(|r| r.key()).unwrap_or("-");
            let conf = if c.role.is_some() {
                let flag = if c.confidence < LOW_CONFIDENCE { "  (check this)" } else { "" };
                format!("{}%{flag}", c.confidence)
            } else {
                String::new()
            };
            let header: String = c.header.chars().take(40).collect();
            out.push_str(&format!("{:<4} {:<hw$}  {:<24} {}\n", c.letter, header, role, conf, hw = header_w));
        }
        if !self.preview.is_empty() {
            out.push_str("\nPreview (as read):\n");
            for r in &self.preview {
                let cells: Vec<String> = r
                    .cells
                    .iter()
                    .zip(&self.columns)
                    .filter(|(_, c)| c.role.is_some())
                    .map(|(cell, c)| {
                        let shown = match (&cell.value, &cell.error) {
                            (_, Some(e)) => format!("!! {e}"),
                            (Some(v), None) => v.clone(),
                            (None, None) => "·".into(),
                        };
                        format!("{}={}", c.letter, shown)
                    })
                    .collect();
                out.push_str(&format!("  row {:>5}: {}\n", r.row, cells.join("  ")));
            }
        }
        for n in &self.notes {
            out.push_str(&format!("\nNote: {n}\n"));
        }
        out
    }
}
