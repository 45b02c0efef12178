//! Fill-down (SPEC §8.1): in grouped layouts, a group's claim, patient,
//! patient ID, date of service and payer are printed on its first row only.
//!
//! A blank cell of those columns on a data row takes the value of the
//! previous data row of the same group; a group label, footer or page row in
//! between ends the group. It applies only when the layout is grouped (see
//! [`super::RowKinds::is_grouped`]): in a flat export a blank claim number is
//! a mistake to report, not a value to guess. Whether the file is grouped is
//! worked out the first time a blank is met, so files without blanks in those
//! columns (the common path) never pay for it.

use crate::columns::{Mapping, Role};
use crate::table::{column_letter, CellRef, Row};

/// The roles whose blank cells carry down within a group.
pub const FILLED_ROLES: [Role; 7] = [
    Role::ClaimId,
    Role::PatientName,
    Role::PatientFirstName,
    Role::PatientLastName,
    Role::PatientId,
    Role::ServiceDate,
    Role::Payer,
];

/// The carried values of one table, row by row.
pub struct FillDown<'a> {
    /// The mapped columns of [`FILLED_ROLES`].
    columns: Vec<(Role, usize)>,
    /// The last value of each column in the current group.
    last: Vec<Option<CellRef<'a>>>,
    /// The values carried into the current row (`None`: its own cell).
    carried: Vec<Option<CellRef<'a>>>,
    /// Cells filled, per column.
    counts: Vec<usize>,
    /// Whether the layout is grouped, once known.
    grouped: Option<bool>,
    /// Whether any cell of the current row is carried.
    any: bool,
}

impl<'a> FillDown<'a> {
    pub fn new(mapping: &Mapping) -> FillDown<'a> {
        let columns: Vec<(Role, usize)> =
            FILLED_ROLES.iter().filter_map(|&r| mapping.column(r).map(|c| (r, c))).collect();
        let n = columns.len();
        FillDown {
            columns,
            last: vec![None; n],
            carried: vec![None; n],
            counts: vec![0; n],
            grouped: None,
            any: false,
        }
    }

    /// A group, footer or page row: nothing carries past it.
    pub fn end_group(&mut self) {
        self.last.iter_mut().for_each(|l| *l = None);
    }

    /// Before a data row is read: which of its blank cells take the value
    /// above. `grouped` says whether the layout is grouped; it is asked once,
    /// the first time a blank cell could be filled.
    pub fn start_row(&mut self, row: &Row<'a>, grouped: impl FnOnce() -> bool) {
        self.any = false;
        let mut grouped = Some(grouped);
        for (k, &(_, col)) in self.columns.iter().enumerate() {
            let cell = row.get(col);
            self.carried[k] = None;
            if !cell.is_empty() {
                self.last[k] = Some(cell);
                continue;
            }
            let Some(above) = self.last[k] else { continue };
            let is_grouped = match self.grouped {
                Some(g) => g,
                None => {
                    let g = grouped.take().is_some_and(|f| f());
                    self.grouped = Some(g);
                    g
                }
            };
            if is_grouped {
                self.carried[k] = Some(above);
                self.counts[k] += 1;
                self.any = true;
            }
        }
    }

    /// The cell of the current row at `col`: its own, or the one carried down.
    #[inline]
    pub fn cell(&self, row: &Row<'a>, col: usize) -> CellRef<'a> {
        if self.any {
            if let Some(k) = self.columns.iter().position(|&(_, c)| c == col) {
                if let Some(cell) = self.carried[k] {
                    return cell;
                }
            }
        }
        row.get(col)
    }

    /// The note that says which columns were filled down and how many cells.
    pub fn note(&self, file: &str, header: impl Fn(usize) -> String) -> Option<String> {
        let parts: Vec<String> = self
            .columns
            .iter()
            .zip(&self.counts)
            .filter(|(_, &n)| n > 0)
            .map(|(&(role, col), n)| {
                format!("{} (column {} \"{}\"): {n} cell(s)", role.label(), column_letter(col), header(col))
            })
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "{file}: the report prints some values on a group's first row only; blank cells were filled from the row above within each group: {}",
                parts.join("; ")
            )
        })
    }

    /// Cells filled so far, per role.
    pub fn filled(&self) -> Vec<(Role, usize)> {
        self.columns.iter().zip(&self.counts).map(|(&(r, _), &n)| (r, n)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::find_layout;
    use crate::table::{open, Limits};

    fn run(csv: &str, grouped: bool) -> (Vec<Vec<String>>, FillDown<'static>) {
        let sheet = Box::leak(Box::new(
            open(csv.as_bytes(), "t.csv", &Limits::default())
                .unwrap()
                .read(None, &mut crate::progress::NoProgress)
                .unwrap(),
        ));
        let layout = find_layout(sheet, None).unwrap();
        let mapping = Mapping::from_layout(&layout);
        let mut fill = FillDown::new(&mapping);
        let mut out = Vec::new();
        for row in sheet.rows().filter(|r| r.number > layout.header_end) {
            if row.get(0).display().starts_with("Patient:") {
                fill.end_group();
                continue;
            }
            fill.start_row(&row, || grouped);
            out.push((0..row.len()).map(|c| fill.cell(&row, c).display()).collect());
        }
        (out, fill)
    }

    #[test]
    fn blanks_take_the_value_above_within_a_group() {
        let csv = "Claim #,Patient,CPT,Charges\n\
                   \"Patient: LEE\",,,\n101,Ann Lee,99213,100\n,,36415,20\n\
                   \"Patient: PARK\",,,\n,,99214,50\n102,Bo Park,99213,80\n,,,\n,,36415,10\n";
        let (rows, fill) = run(csv, true);
        assert_eq!(rows[1], ["101", "Ann Lee", "36415", "20"]);
        assert_eq!(rows[2], ["", "", "99214", "50"], "nothing carries past a group label");
        assert_eq!(rows[4], ["102", "Bo Park", "36415", "10"], "a blank row does not end a group");
        assert_eq!(fill.filled(), vec![(Role::ClaimId, 2), (Role::PatientName, 2)]);
        let note = fill.note("charges", |c| ["Claim #", "Patient"][c].to_string()).unwrap();
        assert!(note.contains("claim number (column A \"Claim #\"): 2 cell(s)"), "{note}");
    }

    #[test]
    fn nothing_is_filled_in_a_flat_layout() {
        let (rows, fill) = run("Claim #,Patient,Charges\n101,Ann,10\n,,20\n", false);
        assert_eq!(rows[1], ["", "", "20"]);
        assert_eq!(fill.note("charges", |_| String::new()), None);
    }
}
