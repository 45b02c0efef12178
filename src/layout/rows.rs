//! Rows a printed report adds to its table (SPEC §2, §8.1): skipped and
//! counted, never rejected, and left out of every sum.
//!
//! - footer totals: "Total", "Subtotal", "Total for …", "Grand Total",
//!   "Patient Total", "Claim Total" (see [`Row::is_totals`]);
//! - page headers: the header repeated at a page break, or a title row above
//!   the header repeated;
//! - page footers: "Page 3 of 12", "Printed 12/01/2026", "Run date: …",
//!   "Report continued", "Continued on next page";
//! - group headers: a group label alone ("Patient: SMITH, JOHN", "Provider:
//!   Dr. Lee", or "BLUE CROSS" alone in the first column) with no amount.
//!
//! A data row whose amounts are blank but that holds other values (a claim
//! and a code, a denial with only a reason code) is data. Most data rows
//! start with a number, a date or an identifier, and are answered from their
//! first cell without copying any text.

use serde::Serialize;

use crate::columns::{normalise_header, Layout, Mapping, ValueKind};
use crate::money::Money;
use crate::table::{CellRef, Row, Sheet};

/// Why a row was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipKind {
    /// "Total", "Subtotal", "Total for …": excluded from every sum.
    FooterTotal,
    /// The header (or a title above it) repeated at a page break.
    PageHeader,
    /// "Page 3 of 12", "Printed …", "Report continued".
    PageFooter,
    /// A group label alone: "Patient: SMITH, JOHN", "BLUE CROSS".
    GroupHeader,
}

impl SkipKind {
    pub const ALL: [SkipKind; 4] =
        [SkipKind::FooterTotal, SkipKind::PageHeader, SkipKind::PageFooter, SkipKind::GroupHeader];

    /// What the note calls such rows.
    pub fn describe(self) -> &'static str {
        match self {
            SkipKind::FooterTotal => "footer total row(s)",
            SkipKind::PageHeader => "repeated page header row(s)",
            SkipKind::PageFooter => "page footer row(s) (such as \"Page 2 of 5\" or \"Printed …\")",
            SkipKind::GroupHeader => "group label row(s) (such as \"Patient: SMITH, JOHN\")",
        }
    }
}

/// A row left out, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub row: u32,
    pub kind: SkipKind,
}

/// Tells the rows a report adds from its data rows, for one table.
#[derive(Debug)]
pub struct RowKinds {
    /// The header row(s): each cell's length as written, and its text
    /// normalised ([`normalise_header`]).
    header: Vec<Vec<(usize, String)>>,
    /// Title rows above the header (a lone text cell each), normalised.
    titles: Vec<String>,
    /// The first column that has a header: where a group label sits.
    first_column: usize,
    /// Columns mapped to an amount.
    money_columns: Vec<usize>,
}

/// How much longer or shorter a repeated header cell may be written than
/// the header's ("Claim No." for "Claim #").
const HEADER_SPELLING_SLACK: usize = 6;

/// Words that start a page footer line.
const PAGE_FOOTERS: [&str; 12] = [
    "page",
    "printed",
    "print date",
    "date printed",
    "run date",
    "run on",
    "report date",
    "report run",
    "report continued",
    "continued",
    "(continued)",
    "end of report",
];

/// Words a group label names before its colon ("Patient: SMITH, JOHN").
const GROUP_LABELS: [&str; 16] = [
    "patient",
    "provider",
    "payer",
    "insurance",
    "carrier",
    "plan",
    "doctor",
    "physician",
    "rendering provider",
    "location",
    "facility",
    "department",
    "guarantor",
    "account",
    "financial class",
    "group",
];

impl RowKinds {
    pub fn new(sheet: &Sheet, layout: &Layout, mapping: &Mapping) -> RowKinds {
        let mut header = Vec::new();
        let mut titles = Vec::new();
        for row in sheet.rows().take_while(|r| r.number <= layout.header_end) {
            if row.number >= layout.header_row {
                header.push(
                    row.cells()
                        .map(|c| {
                            let shown = c.display();
                            (shown.trim().len(), normalise_header(&shown))
                        })
                        .collect(),
                );
            } else {
                let filled: Vec<CellRef<'_>> = row.cells().filter(|c| !c.is_empty()).collect();
                if let [CellRef::Text(t)] = filled.as_slice() {
                    titles.push(normalise_header(t));
                }
            }
        }
        let first_column = layout.columns.iter().find(|c| !c.header.is_empty()).map_or(0, |c| c.index);
        let money_columns =
            mapping.roles().filter(|(r, _)| r.kind() == ValueKind::Money).map(|(_, c)| c).collect();
        RowKinds { header, titles, first_column, money_columns }
    }

    /// What kind of added row `row` is, or `None` for a data row.
    pub fn classify(&self, row: &Row<'_>) -> Option<SkipKind> {
        let (index, text) = (0..row.len()).find_map(|i| match row.get(i) {
            CellRef::Text(t) if !t.trim().is_empty() => Some((i, t)),
            c if !c.is_empty() => Some((i, "")),
            _ => None,
        })?;
        if text.is_empty() {
            return None; // a number, a date or a boolean first: data
        }
        let lead = text.trim_start().as_bytes()[0];
        if lead.is_ascii_digit() {
            return None; // a claim number or a date: data
        }
        if row.is_totals() {
            return Some(SkipKind::FooterTotal);
        }
        if self.repeats_header(row, index, text) {
            return Some(SkipKind::PageHeader);
        }
        let amounts_blank = || self.money_columns.iter().all(|&c| !is_amount(row.get(c)));
        if is_page_footer(text) && amounts_blank() {
            return Some(SkipKind::PageFooter);
        }
        let alone = (index + 1..row.len()).all(|i| row.get(i).is_empty());
        if alone && index <= self.first_column {
            let norm = normalise_header(text);
            if self.titles.contains(&norm) {
                return Some(SkipKind::PageHeader);
            }
            return Some(SkipKind::GroupHeader);
        }
        // "Patient: SMITH, JOHN" (and perhaps "MRN: 1234" beside it): labels only.
        let labels_only = || {
            (index + 1..row.len()).all(|i| match row.get(i) {
                CellRef::Text(t) => t.trim().is_empty() || t.contains(':'),
                c => c.is_empty(),
            })
        };
        if is_group_label(text) && amounts_blank() && labels_only() {
            return Some(SkipKind::GroupHeader);
        }
        None
    }

    /// The header (one of its rows) again, cell for cell after normalising.
    fn repeats_header(&self, row: &Row<'_>, index: usize, text: &str) -> bool {
        let text_len = text.trim().len();
        self.header.iter().any(|h| {
            let Some((written_len, first)) = h.get(index) else { return false };
            // Answered from the first letter and the length for almost every row.
            let starts_alike = first
                .bytes()
                .next()
                .zip(text.trim_start().bytes().next())
                .is_some_and(|(a, b)| a.eq_ignore_ascii_case(&b));
            starts_alike
                && text_len.abs_diff(*written_len) <= HEADER_SPELLING_SLACK
                && *first == normalise_header(text)
                && (0..row.len().max(h.len())).all(|i| {
                    let want = h.get(i).map_or("", |(_, norm)| norm.as_str());
                    let cell = row.get(i);
                    if want.is_empty() {
                        cell.is_empty()
                    } else {
                        normalise_header(&cell.display()) == want
                    }
                })
        })
    }

    /// Whether the file is laid out in groups: it has group label rows, or
    /// more than one footer total (subtotals per group). A lone grand total
    /// at the end does not make a file grouped.
    pub fn is_grouped(&self, sheet: &Sheet, header_end: u32) -> bool {
        let mut footers = 0;
        for row in sheet.rows().filter(|r| r.number > header_end) {
            match self.classify(&row) {
                Some(SkipKind::GroupHeader) => return true,
                Some(SkipKind::FooterTotal) => {
                    footers += 1;
                    if footers >= 2 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
}

/// A cell that holds an amount (a "Page 2 of 5" in a money column does not).
fn is_amount(cell: CellRef<'_>) -> bool {
    match cell {
        CellRef::Number(_) => true,
        CellRef::Text(t) => matches!(Money::parse(t), Ok(Some(_))),
        _ => false,
    }
}

/// `text` starts with `prefix`, ignoring ASCII case; the rest of it.
fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// "Page 3 of 12", "Printed 12/01/2026", "Run date: 12/01/2026", "Report continued".
/// Compared without copying the text: most first cells are names, not footers.
fn is_page_footer(text: &str) -> bool {
    let t = text.trim().trim_matches(['-', '*', '=', ' ']);
    PAGE_FOOTERS.iter().any(|phrase| {
        let Some(rest) = strip_prefix_ignoring_case(t, phrase) else { return false };
        match *phrase {
            // "Page 3", "Page 3 of 12", "Page: 3".
            "page" => rest.trim_start_matches([' ', ':', '#']).starts_with(|c: char| c.is_ascii_digit()),
            // "Continued", "Continued on next page"; not "Continued care".
            "continued" | "(continued)" | "report continued" | "end of report" => {
                rest.is_empty()
                    || rest.starts_with(['.', ':', '-', ')'])
                    || strip_prefix_ignoring_case(rest, " on ").is_some()
                    || strip_prefix_ignoring_case(rest, " from ").is_some()
            }
            // "Printed 12/01/2026", "Printed on …", "Run date: …".
            _ => rest.is_empty() || rest.starts_with([' ', ':']),
        }
    })
}

/// "Patient: SMITH, JOHN", "Provider: Dr. Lee", "Insurance - BLUE CROSS"
/// (not "Account-12345": an identifier).
fn is_group_label(text: &str) -> bool {
    let (label, value) = match text.split_once(':').or_else(|| text.split_once(" - ")) {
        Some(parts) => parts,
        None => return false,
    };
    !value.trim().is_empty() && GROUP_LABELS.iter().any(|g| g.eq_ignore_ascii_case(label.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::find_layout;
    use crate::table::{open, Limits};

    fn kinds(csv: &str) -> Vec<(u32, Option<SkipKind>)> {
        let sheet = open(csv.as_bytes(), "t.csv", &Limits::default())
            .unwrap()
            .read(None, &mut crate::progress::NoProgress)
            .unwrap();
        let layout = find_layout(&sheet, None).unwrap();
        let mapping = Mapping::from_layout(&layout);
        let k = RowKinds::new(&sheet, &layout, &mapping);
        sheet.rows().filter(|r| r.number > layout.header_end).map(|r| (r.number, k.classify(&r))).collect()
    }

    #[test]
    fn page_headers_footers_groups_and_totals_are_told_from_data() {
        let got = kinds(
            "Charge Detail\n\
             Claim #,Patient,CPT,Charges\n\
             \"Patient: SMITH, JOHN\",,,\n\
             1001,\"SMITH, JOHN\",99213,100.00\n\
             \"Total for SMITH, JOHN\",,,100.00\n\
             Printed 12/01/2026,,,Page 1 of 2\n\
             Charge Detail,,,\n\
             claim no.,PATIENT,cpt,charges\n\
             BLUE CROSS,,,\n\
             A1002,Lee,99214,(21.00)\n\
             Report continued,,,\n\
             Run date: 12/01/2026,,,\n\
             Grand Total,,,79.00\n",
        );
        use SkipKind::*;
        assert_eq!(
            got,
            vec![
                (3, Some(GroupHeader)),
                (4, None),
                (5, Some(FooterTotal)),
                (6, Some(PageFooter)),
                (7, Some(PageHeader)),
                (8, Some(PageHeader)),
                (9, Some(GroupHeader)),
                (10, None),
                (11, Some(PageFooter)),
                (12, Some(PageFooter)),
                (13, Some(FooterTotal)),
            ]
        );
    }

    #[test]
    fn data_rows_with_blank_amounts_are_data() {
        let got = kinds(
            "Claim #,CPT,Paid,Adj Reason\n\
             ABC,99213,,\n\
             DEF,,,CO-16\n\
             Pagett,99213,10,\n\
             Continued care,99213,10,\n\
             Patient: Lee,,5.00,\n\
             Account-12345,,,CO-16\n\
             Patient: Lee,99213,,\n",
        );
        assert!(got.iter().all(|(_, k)| k.is_none()), "{got:?}");
    }

    #[test]
    fn group_labels_with_a_colon_may_sit_beside_other_labels() {
        let got = kinds(
            "Claim #,Patient,MRN,Charges\n\
             \"Patient: SMITH, JOHN\",,MRN: 1234,\n\
             Insurance - BLUE CROSS,,,\n\
             Provider: Dr. Lee,x,,\n\
             1,Lee,1234,10\n",
        );
        use SkipKind::*;
        assert_eq!(got, vec![(2, Some(GroupHeader)), (3, Some(GroupHeader)), (4, None), (5, None)]);
    }

    #[test]
    fn footer_phrases() {
        for t in [
            "Page 3 of 12",
            "PAGE 3",
            "Page: 2",
            "Printed 12/01/2026",
            "Printed on 12/01/2026",
            "Run Date: x",
            "Report continued",
            "Continued on next page",
            "(continued)",
            "- Page 2 -",
            "End of report",
        ] {
            assert!(is_page_footer(t), "{t}");
        }
        for t in ["Page, Ann", "Pages Clinic", "Printer supplies", "Continuedcare", "Running"] {
            assert!(!is_page_footer(t), "{t}");
        }
    }

    #[test]
    fn grouped_layouts_need_a_group_label_or_subtotals() {
        let sheet = |csv: &str| {
            open(csv.as_bytes(), "t.csv", &Limits::default())
                .unwrap()
                .read(None, &mut crate::progress::NoProgress)
                .unwrap()
        };
        let grouped = |csv: &str| {
            let s = sheet(csv);
            let layout = find_layout(&s, None).unwrap();
            let k = RowKinds::new(&s, &layout, &Mapping::from_layout(&layout));
            k.is_grouped(&s, layout.header_end)
        };
        assert!(!grouped("Claim #,Charges\n1,10\n2,20\nTotal,30\n"), "a grand total alone");
        assert!(grouped("Claim #,Charges\n1,10\nSubtotal,10\n2,20\nSubtotal,20\nTotal,30\n"));
        assert!(grouped("Claim #,Charges\nPatient: LEE,\n1,10\n"));
    }
}
