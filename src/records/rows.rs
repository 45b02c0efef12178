//! The walk down a table's data rows, and what each kind of file makes of a
//! row: [`read_charges`], [`read_payments`], [`read_fees`].
//!
//! The walk counts blank rows, sets aside the rows a report adds (SPEC §8.1),
//! carries a group's values down, and hands each other row to a [`RowReader`],
//! which reads the cells the file's roles need and rejects the row, naming
//! the cell, when a required one cannot be read (SPEC §4).

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::columns::Role;
use crate::interned::Text;
use crate::layout::{FillDown, SkipKind, SkippedRow};
use crate::money::{Money, ReadAmount};
use crate::payment_source::PaymentSource;
use crate::progress::Progress;
use crate::table::{column_letter, CellRef, Row};

use super::cells::{read_cell, ColumnCache, ReadContext, Value};
use super::ids::Id;
use super::load::Table;
use super::{ChargeRow, FeeRow, FileKind, InputError, Keys, PaymentRow, Records, Rejected, Remit};

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
/// [`crate::layout::rows`]), carries a group's values down ([`crate::layout::fill_down`]),
/// and hands every other row to `read`, and what it reads to `accept`.
/// The records returned hold one `()` per accepted row; `progress` hears
/// "Reading the rows of {file}" and the share of the rows read so far (0 to 1).
fn read_rows<T>(
    ctx: &ReadContext<'_>,
    file: FileKind,
    progress: &mut dyn Progress,
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
    let step = format!("Reading the rows of {}", ctx.file_name);
    for (i, row) in ctx.sheet.rows().enumerate() {
        if i % PROGRESS_EVERY_ROWS == PROGRESS_EVERY_ROWS - 1 {
            progress.report(&step, i as f32 / total as f32);
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

/// Reads the charges file, handing each accepted row to `each` as it is read
/// (see [`keep_rows`](super::keep_rows) to keep them all). In single mode each
/// row also carries what came back (paid, adjustments, reason codes). The
/// records returned hold one `()` per accepted row, with the rejected rows,
/// the blank and skipped rows and the notes.
pub fn read_charges(
    table: &Table,
    single: bool,
    progress: &mut dyn Progress,
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

/// Reads a remittance file, handing each accepted row to `each` as it is
/// read, so that a reconciliation can apply it and let it go. A row needs a
/// paid amount, an adjustment or a reason code; a denial written with blank
/// amounts and a reason code is a remittance that paid nothing.
pub fn read_payments(
    table: &Table,
    progress: &mut dyn Progress,
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
/// amount (the `allowed` role, or `billed` when the schedule calls it "Fee"),
/// handing each accepted entry to `each`.
pub fn read_fees(
    table: &Table,
    progress: &mut dyn Progress,
    each: &mut dyn FnMut(FeeRow),
) -> Result<Records<()>, InputError> {
    table.require(&[Role::Code])?;
    let amount_role = if table.mapping.has(Role::Allowed) { Role::Allowed } else { Role::Billed };
    table.require(&[amount_role])?;
    let ctx = table.context();
    let (code_col, amount_col) = (table.mapping.column(Role::Code), table.mapping.column(amount_role));
    Ok(read_rows(
        &ctx,
        FileKind::Fees,
        progress,
        |r| {
            let code = r.id(Role::Code)?.ok_or_else(|| r.reject(code_col, "no procedure code"))?;
            let allowed = r.money(amount_role)?.ok_or_else(|| r.reject(amount_col, "no expected amount"))?;
            let payer = r.text(Role::Payer)?.and_then(|p| Id::new(&p));
            Ok(FeeRow { row: r.row.number, code, payer, allowed })
        },
        each,
    ))
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::records::{keep_rows, load};
    use crate::table::Limits;

    fn table(csv: &str) -> Table {
        load(csv.as_bytes(), "test.csv", None, None, None, &Limits::default(), &mut NoProgress).unwrap()
    }

    fn charges(t: &Table, single: bool) -> Result<Records<ChargeRow>, InputError> {
        keep_rows(|each| read_charges(t, single, &mut NoProgress, each))
    }

    fn payments(t: &Table) -> Result<Records<PaymentRow>, InputError> {
        keep_rows(|each| read_payments(t, &mut NoProgress, each))
    }

    #[test]
    fn charge_rows_read_money_dates_and_ids() {
        let t = table(
            "Claim #,Line,Patient,DOS,CPT,Mod,Charges,Primary Insurance\n\
             000123,1,\"Lee, Ann\",03/15/2026,99213,25,\"$1,234.50\",Aetna\n\
             124,1,Bo Park,3/16/26, 36415 ,,(12.00),Medicare\n",
        );
        let recs = charges(&t, false).unwrap();
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
        let recs = charges(&t, false).unwrap();
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
        let recs = charges(&t, false).unwrap();
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
        let recs = charges(&t, false).unwrap();
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
    fn patient_responsibility_is_the_sum_of_its_parts_when_not_given() {
        let t = table("Claim,Paid,Deductible,Coinsurance,Copay\n1,80,10,5.50,\n2,0,,,\n");
        let recs = payments(&t).unwrap();
        assert_eq!(recs.rows[0].remit.patient_responsibility.to_string(), "15.50");
        assert_eq!(recs.rows[1].remit.patient_responsibility, Money::ZERO);
        assert!(recs.rows[1].remit.exists(), "a written zero is remittance");
    }

    #[test]
    fn payment_rows_need_an_amount_or_a_reason() {
        let t = table("Claim,Paid,Adj Reason\n1,,\n2,,CO-16\n3,,oops\n");
        let recs = payments(&t).unwrap();
        assert_eq!(recs.rows.len(), 1);
        assert_eq!(recs.rows[0].remit.reason_codes[0].to_string(), "CO-16");
        assert_eq!(recs.rejected[0].reason, "no paid amount, adjustment or reason code");
        assert_eq!(recs.rejected[1].column.as_deref(), Some("C"));
    }

    #[test]
    fn first_and_last_names_are_joined() {
        let t = table("Claim #,First Name,Last Name,Charges\n1,Ann,Lee,5\n");
        let r = &charges(&t, false).unwrap().rows[0];
        assert_eq!(r.keys.patient_name.as_ref().unwrap().shown, "Ann Lee");
    }

    #[test]
    fn day_first_columns_are_read_day_first_and_assumptions_noted() {
        let t = table("Claim,DOS,Charges\n1,04/05/2026,1\n2,13/05/2026,1\n");
        let recs = charges(&t, false).unwrap();
        assert_eq!(recs.rows[0].keys.service_date, NaiveDate::from_ymd_opt(2026, 5, 4));
        let t = table("Claim,DOS,Charges\n1,04/05/2026,1\n");
        let recs = charges(&t, false).unwrap();
        assert_eq!(recs.rows[0].keys.service_date, NaiveDate::from_ymd_opt(2026, 4, 5));
        assert!(recs.notes.iter().any(|n| n.contains("month/day (US)")), "{:?}", recs.notes);
    }

    #[test]
    fn rounding_on_input_is_noted_with_its_row() {
        let t = table("Claim,Charges\n1,10.005\n");
        let recs = charges(&t, false).unwrap();
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
        let err = charges(&t, false).unwrap_err().to_string();
        assert!(err.contains("billed amount"), "{err}");
    }

    #[test]
    fn reading_rows_reports_the_share_read_under_the_file_name() {
        // Enough rows for the walk to report along the way (it reports every few thousand).
        let t = table(&format!("Claim #,Charges\n{}", "1,10\n".repeat(20_000)));
        let mut heard = Vec::new();
        let mut listen = |step: &str, done: f32| heard.push((step.to_string(), done));
        let records = read_charges(&t, false, &mut listen, &mut |_| {}).unwrap();
        assert_eq!(records.rows.len(), 20_000);
        assert!(!heard.is_empty());
        assert!(heard
            .iter()
            .all(|(step, d)| step == "Reading the rows of test.csv" && (0.0..=1.0).contains(d)));
    }
}
