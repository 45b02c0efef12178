//! The header row, and headers printed over two rows (SPEC §2, §8.1).
//!
//! The header is the first row within the first 30 in which at least two
//! cells are known column names, or the row the user chose. Printed reports
//! often split it: "Date of" over "Service", or a merged "Primary" over
//! "Paid" and "Adj". Such a pair of rows is joined per column into one name
//! ("Date of Service", "Primary Paid", "Primary Adj"), and the data starts
//! under the second row.
//!
//! A merged cell keeps its text in its first cell only. Where the reader
//! knows the workbook's merged cells ([`Sheet::merges`]) they say how far a
//! label spans; otherwise (CSV, and the first rows read to choose a match
//! level) a label followed by blank cells spans them when every column under
//! it, its own included, has a sub-header.
//!
//! Joining must never eat a data row: the row under the header is joined only
//! when it holds nothing but short text (no amounts, dates, identifiers or
//! labels such as "Patient: …"), and only when that makes sense of the header
//! (a spanning label, or more columns recognised than from one row alone).

use crate::columns::{self, guess_role, Layout, HEADER_SEARCH_ROWS, HEADER_VOTE};
use crate::money::Money;
use crate::table::dates;
use crate::table::{CellRef, Row, Sheet};

/// The longest text a sub-header cell may hold ("Contractual Adjustment").
const SUB_HEADER_MAX_CHARS: usize = 40;
/// The most words a group label has ("Secondary Insurance Payment"); a
/// practice's name over the table is a title, not a group.
const GROUP_LABEL_MAX_WORDS: usize = 3;

/// Finds the header of a sheet: the row `chosen` by the user (1-based, as a
/// spreadsheet shows it), or the first row within the first 30 with at least
/// two known column names (possibly only once joined with the row under it).
/// A header split over two rows is joined. `None` when no row qualifies, or
/// when the chosen row is empty.
pub fn find_layout(sheet: &Sheet, chosen: Option<u32>) -> Option<Layout> {
    let rows: Vec<Row<'_>> = match chosen {
        // The chosen row and the one under it are all that matter.
        Some(n) => sheet.rows().skip_while(|r| r.number < n).take(2).collect(),
        None => sheet.rows().take_while(|r| r.number <= HEADER_SEARCH_ROWS + 1).collect(),
    };
    if let Some(n) = chosen {
        let top = rows.first().filter(|r| r.number == n)?;
        let below = rows.get(1).copied();
        return Some(match below.filter(|b| joins_below(sheet, top, b)) {
            Some(sub) => joined(sheet, top, &sub),
            None => single(top),
        });
    }
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.number <= HEADER_SEARCH_ROWS) {
        let below = rows.get(i + 1).filter(|b| b.number == row.number + 1);
        let above = i.checked_sub(1).map(|j| rows[j]).filter(|a| a.number + 1 == row.number);
        if votes(row) >= 2 {
            if let Some(sub) = below.filter(|b| joins_below(sheet, row, b)) {
                return Some(joined(sheet, row, sub));
            }
            if let Some(group) = above.filter(|a| groups_above(sheet, a, row)) {
                return Some(joined(sheet, &group, row));
            }
            return Some(single(row));
        }
        // A header whose names only make sense once joined: "Date of" over "Service".
        if let Some(sub) = below.filter(|b| votes(b) < 2 && joins_below(sheet, row, b)) {
            let layout = joined(sheet, row, sub);
            if recognised(&layout) >= 2 {
                return Some(layout);
            }
        }
    }
    None
}

/// Cells of a row that are known column names.
fn votes(row: &Row<'_>) -> usize {
    row.cells()
        .filter(|c| matches!(c, CellRef::Text(t) if guess_role(t).is_some_and(|(_, s)| s >= HEADER_VOTE)))
        .count()
}

fn single(row: &Row<'_>) -> Layout {
    let headers: Vec<String> = (0..row.len()).map(|i| columns::header_text(row.get(i))).collect();
    Layout { header_row: row.number, header_end: row.number, columns: columns::assign_roles(&headers) }
}

/// One name per column from two header rows, the upper row's spanning labels
/// repeated over every column they span.
fn joined(sheet: &Sheet, upper: &Row<'_>, lower: &Row<'_>) -> Layout {
    let width = upper.len().max(lower.len());
    let mut labels: Vec<String> = (0..width).map(|i| columns::header_text(upper.get(i))).collect();
    for (first, last) in spans(upper, lower, sheet.merges()) {
        let Some(label) = labels.get(first).cloned() else { continue };
        for l in labels.iter_mut().take(last + 1).skip(first + 1) {
            l.clone_from(&label);
        }
    }
    let headers: Vec<String> = labels
        .into_iter()
        .enumerate()
        .map(|(i, top)| {
            let sub = columns::header_text(lower.get(i));
            match (top.is_empty(), sub.is_empty()) {
                (false, false) => format!("{top} {sub}"),
                (true, _) => sub,
                (false, true) => top,
            }
        })
        .collect();
    Layout { header_row: upper.number, header_end: lower.number, columns: columns::assign_roles(&headers) }
}

/// Whether `lower`, the row right under the header row `upper`, is the
/// second row of the header.
fn joins_below(sheet: &Sheet, upper: &Row<'_>, lower: &Row<'_>) -> bool {
    if lower.number != upper.number + 1 || !is_sub_header_row(lower) {
        return false;
    }
    if !spans(upper, lower, sheet.merges()).is_empty() {
        return true;
    }
    recognised(&joined(sheet, upper, lower)) > recognised(&single(upper))
}

/// Whether `upper`, the row right above the header row `lower`, is the first
/// row of the header: group labels over it (a merged "Primary" over "Paid" and
/// "Adj"), or first halves of names ("Date of" over "Service"). A title over
/// the whole table is neither.
fn groups_above(sheet: &Sheet, upper: &Row<'_>, lower: &Row<'_>) -> bool {
    if !is_sub_header_row(upper) {
        return false;
    }
    let first = (0..lower.len()).find(|&i| !lower.get(i).is_empty()).unwrap_or(0);
    let last = lower.len().saturating_sub(1);
    let spans = spans(upper, lower, sheet.merges());
    if spans.iter().any(|&(a, b)| a <= first && b >= last) {
        return false;
    }
    !spans.is_empty() || recognised(&joined(sheet, upper, lower)) > recognised(&single(lower))
}

/// Columns whose header is a known column name.
fn recognised(layout: &Layout) -> usize {
    layout.columns.iter().filter(|c| c.role.is_some() && c.confidence >= HEADER_VOTE).count()
}

/// A row of short text cells only: no amounts, dates, identifiers, labels
/// ("Patient: …") or lone group labels.
fn is_sub_header_row(row: &Row<'_>) -> bool {
    let filled: Vec<(usize, CellRef<'_>)> = row.cells().enumerate().filter(|(_, c)| !c.is_empty()).collect();
    if filled.is_empty() || (filled.len() == 1 && filled[0].0 == 0) {
        return false;
    }
    filled.iter().all(|(_, cell)| match cell {
        CellRef::Text(t) => {
            let t = t.trim();
            t.chars().count() <= SUB_HEADER_MAX_CHARS
                && !t.contains(':')
                && !has_digit_run(t, 3)
                && !matches!(Money::parse(t), Ok(Some(_)))
                && !matches!(dates::parse_text(t), Ok(Some(_)))
        }
        _ => false,
    })
}

/// Text that names a group of columns rather than a column.
fn is_group_label(cell: CellRef<'_>) -> bool {
    match cell {
        CellRef::Text(t) => {
            let words = t.split_whitespace().count();
            (1..=GROUP_LABEL_MAX_WORDS).contains(&words) && guess_role(t).is_none_or(|(_, s)| s < HEADER_VOTE)
        }
        _ => false,
    }
}

fn has_digit_run(text: &str, run: usize) -> bool {
    text.as_bytes().split(|b| !b.is_ascii_digit()).any(|digits| digits.len() >= run)
}

/// Labels of `upper` that span several columns over `lower`, as inclusive
/// column ranges of at least two columns. With the workbook's merged cells
/// known, those say it. Otherwise a group label (text that is not a column
/// name itself: "Primary", not "Proc") followed by blank cells spans them
/// while each column under it, its own first, has a sub-header; a blank over
/// "Units" next to "Proc" over "Code" is a header printed low, not a span.
fn spans(upper: &Row<'_>, lower: &Row<'_>, merges: Option<&[crate::table::Merge]>) -> Vec<(usize, usize)> {
    if let Some(merges) = merges {
        return merges
            .iter()
            .filter(|m| m.first_row == upper.number && m.last_row == upper.number && m.last_col > m.first_col)
            .map(|m| (m.first_col as usize, m.last_col as usize))
            .collect();
    }
    let width = upper.len().max(lower.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < width {
        if is_group_label(upper.get(i)) && !lower.get(i).is_empty() {
            let mut end = i;
            while end + 1 < width && upper.get(end + 1).is_empty() && !lower.get(end + 1).is_empty() {
                end += 1;
            }
            if end > i {
                out.push((i, end));
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::Role;
    use crate::table::{open, Limits};

    fn sheet(csv: &str) -> Sheet {
        open(csv.as_bytes(), "t.csv", &Limits::default())
            .unwrap()
            .read(None, &mut crate::progress::NoProgress)
            .unwrap()
    }

    fn headers(layout: &Layout) -> Vec<&str> {
        layout.columns.iter().map(|c| c.header.as_str()).collect()
    }

    fn role_of(layout: &Layout, header: &str) -> Option<Role> {
        layout.columns.iter().find(|c| c.header == header).and_then(|c| c.role)
    }

    #[test]
    fn a_two_row_header_is_joined_per_column() {
        let s = sheet(
            "Charge Detail Report\n\
             Claim,Service,Patient,Date of,Proc,,Primary,,Charge\n\
             #,Line,Name,Service,Code,Units,Paid,Adj,Amount\n\
             1001,1,A-77,03/15/2026,99213,1,80.00,20.00,100.00\n",
        );
        let layout = find_layout(&s, None).unwrap();
        assert_eq!((layout.header_row, layout.header_end), (2, 3));
        assert_eq!(
            headers(&layout),
            [
                "Claim #",
                "Service Line",
                "Patient Name",
                "Date of Service",
                "Proc Code",
                "Units",
                "Primary Paid",
                "Primary Adj",
                "Charge Amount"
            ]
        );
        assert_eq!(role_of(&layout, "Service Line"), Some(Role::Line));
        assert_eq!(role_of(&layout, "Patient Name"), Some(Role::PatientName));
        assert_eq!(role_of(&layout, "Date of Service"), Some(Role::ServiceDate));
        assert_eq!(role_of(&layout, "Units"), Some(Role::Units));
        assert_eq!(role_of(&layout, "Primary Paid"), Some(Role::Paid));
        assert_eq!(role_of(&layout, "Charge Amount"), Some(Role::Billed));
    }

    #[test]
    fn a_group_label_above_the_header_is_joined_but_a_title_is_not() {
        let s = sheet("Visits,,Primary,\nClaim #,Charges,Paid,Adj\n1,100,80,20\n");
        let layout = find_layout(&s, None).unwrap();
        assert_eq!((layout.header_row, layout.header_end), (1, 2));
        assert_eq!(headers(&layout), ["Visits Claim #", "Visits Charges", "Primary Paid", "Primary Adj"]);
        let s = sheet("Payments received\nClaim #,Paid,Adj\n1,80,20\n");
        let layout = find_layout(&s, None).unwrap();
        assert_eq!((layout.header_row, layout.header_end), (2, 2), "a title is not a group label");
        assert_eq!(headers(&layout), ["Claim #", "Paid", "Adj"]);
    }

    #[test]
    fn a_data_row_under_the_header_is_never_joined() {
        for data in [
            "1001,Ann Lee,100.00",
            "A100,Ann Lee,$10",
            "ABC,Ann Lee,03/15/2026",
            "Patient: SMITH,,",
            "BLUE CROSS,,",
            "Lee,Ann,Aetna",
        ] {
            let s = sheet(&format!("Claim #,Patient,Charges\n{data}\n"));
            let layout = find_layout(&s, None).unwrap();
            assert_eq!(layout.header_end, 1, "{data}");
            assert_eq!(headers(&layout), ["Claim #", "Patient", "Charges"], "{data}");
        }
    }

    #[test]
    fn a_header_found_only_once_joined() {
        let s = sheet("Date of,Amount,Insurance\nService,Billed,Paid\n03/15/2026,100,80\n");
        let layout = find_layout(&s, None).unwrap();
        assert_eq!((layout.header_row, layout.header_end), (1, 2));
        assert_eq!(headers(&layout), ["Date of Service", "Amount Billed", "Insurance Paid"]);
    }

    #[test]
    fn a_chosen_header_row_is_used_even_with_unknown_names() {
        let s = sheet("Claim #,Charges\n1,10\nFoo,Bar\n2,20\n");
        let layout = find_layout(&s, Some(3)).unwrap();
        assert_eq!((layout.header_row, layout.header_end), (3, 3));
        assert_eq!(headers(&layout), ["Foo", "Bar"]);
        assert!(layout.columns.iter().all(|c| c.role.is_none()));
        assert_eq!(find_layout(&s, Some(9)), None, "an empty or missing row is no header");
    }

    #[test]
    fn merged_cells_say_how_far_a_label_spans() {
        use crate::table::Merge;
        let mut s = sheet("Claim #,Primary,,Charges\n,Paid,,Amount\n1,80,20,100\n");
        // Without merges, "Primary" spans only columns with a sub-header under them.
        assert_eq!(headers(&find_layout(&s, None).unwrap())[2], "");
        s.set_merges(vec![Merge { first_row: 1, last_row: 1, first_col: 1, last_col: 2 }]);
        let layout = find_layout(&s, None).unwrap();
        assert_eq!(headers(&layout), ["Claim #", "Primary Paid", "Primary", "Charges Amount"]);
    }
}
