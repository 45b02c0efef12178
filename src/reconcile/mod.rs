//! Reconciliation: which charges were paid, and what to chase (SPEC §4).
//!
//! Inputs are the rows of [`crate::records`]: charges, and either payments
//! ("matched" mode) or nothing more ("single" mode, where each charge row
//! carries what came back). The flow:
//!
//! 1. [`matching`] picks the most specific key both files support and groups
//!    charge rows with equal keys into one line; each payment row joins the
//!    line with its key or becomes an unmatched payment with a reason.
//! 2. [`line`] sums each line's figures; [`status`] classifies it in SPEC
//!    order and computes the amount at stake; [`aging`] buckets open lines;
//!    [`fees`] supplies the expected amount.
//! 3. [`summary`] totals the report; [`worklist`] lists what to follow up.
//!
//! Every accepted row lands in exactly one place (a line, a matched payment,
//! an unmatched payment); every other row is blank, a skipped total or
//! rejected. Money is conserved: see [`Report::check_conservation`].

pub mod aging;
pub mod fees;
mod grouping;
mod levels;
pub mod line;
pub mod matching;
pub mod query;
pub mod status;
pub mod summary;
pub mod worklist;

use std::borrow::Cow;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::carc::ReasonCode;
use crate::columns::{Mapping, MappingOverride, Role};
use crate::interned::Text;
use crate::money::Money;
use crate::payment_source::PaymentSource;
use crate::records::{self, ChargeRow, FeeRow, InputError, PaymentRow, Records, Rejected};
use crate::table::dates::iso;
use crate::table::Limits;

pub use line::Line;
pub use matching::{MatchLevel, MatchedBy};
pub use status::Status;
pub use worklist::WorkItem;

use fees::FeeSchedule;
use grouping::{Finished, Lines};
use line::LineContext;
use status::Tolerance;
use summary::{AgingRow, ByStatus, Kpis, ReasonTotal, Totals};

/// Settings of one reconciliation.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date ages are counted to.
    pub as_of: NaiveDate,
    /// Amounts within this much count as equal (default 0.00).
    pub tolerance: Money,
}

/// The rows to reconcile. Without payments, the charges are read in single mode.
#[derive(Debug)]
pub struct Inputs {
    pub charges: Records<ChargeRow>,
    /// The charges file's mapping: which key roles it has, and where.
    pub charge_mapping: Mapping,
    pub payments: Option<Payments>,
    pub fees: Option<Records<FeeRow>>,
}

/// One or more remittance files, and the roles every one of them has.
#[derive(Debug, Default)]
pub struct Payments {
    pub records: Vec<Records<PaymentRow>>,
    pub roles: BTreeSet<Role>,
    /// PLB adjustments of 835 files: money that belongs to no claim.
    pub provider_adjustments: Vec<ProviderAdjustment>,
    /// Balancing and reading findings of 835 files.
    pub findings: Vec<RemittanceFinding>,
}

/// A provider-level adjustment from an 835 (PLB): interest, a recoupment, a
/// withholding. It belongs to no claim, so it is shown apart from the lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAdjustment {
    pub file: String,
    /// Segment number of the PLB in the file.
    pub segment: usize,
    pub payer: String,
    pub provider_id: String,
    #[serde(serialize_with = "line::iso_date")]
    pub fiscal_period_end: Option<NaiveDate>,
    pub reason: String,
    pub meaning: String,
    pub reference: Option<String>,
    /// Positive reduces the payment, negative increases it (as in the 835).
    pub amount: Money,
}

/// Something an 835 file says that does not add up, or could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceFinding {
    pub file: String,
    pub segment: usize,
    /// Where to look: "segment 20 (SVC, #18 in its transaction)".
    pub location: String,
    pub severity: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Matched,
    Single,
}

/// A payment row whose key matched no charge (SPEC §7 `unmatchedPayments`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnmatchedPayment {
    /// The payments file it came from.
    pub file: Text,
    /// Its row (for an 835, the segment number of its SVC or CLP).
    pub row: u32,
    pub claim_id: Option<Text>,
    pub patient: Option<Text>,
    #[serde(serialize_with = "line::iso_date")]
    pub service_date: Option<NaiveDate>,
    pub code: Option<Text>,
    /// The paid amount as written (a patient's payment too: see `source`).
    pub paid: Money,
    /// Whose payment it is (SPEC §8.3).
    pub source: PaymentSource,
    /// What of it the patient paid: a patient row's paid amount, and any patient-paid amount.
    pub patient_paid: Money,
    /// Why it matched nothing, e.g. "claim 123 exists, but not code 99214".
    pub note: String,
    pub payer: Option<Text>,
    pub check_number: Option<Text>,
    pub reason_codes: Vec<ReasonCode>,
    /// Days from the payment date (or date of service) to the as-of date.
    pub age_days: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Accepted charge rows.
    pub charges: usize,
    /// Accepted payment rows, matched or not.
    pub payments: usize,
    pub blank: usize,
    /// Footer total rows.
    pub skipped: usize,
    pub rejected: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub mode: Mode,
    pub as_of: String,
    pub matched_by: MatchedBy,
    pub rows: RowCounts,
    pub notes: Vec<String>,
    pub totals: Totals,
    pub by_status: ByStatus,
    pub aging: Vec<AgingRow>,
    pub kpis: Kpis,
    pub reason_codes: Vec<ReasonTotal>,
}

/// The whole answer (SPEC §7 "Report JSON").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub summary: Summary,
    pub lines: Vec<Line>,
    pub unmatched_payments: Vec<UnmatchedPayment>,
    pub rejected: Vec<Rejected>,
    pub worklist: Vec<WorkItem>,
    pub provider_adjustments: Vec<ProviderAdjustment>,
    pub remittance_findings: Vec<RemittanceFinding>,
}

/// One input file as the user gave it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileInput<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub sheet: Option<&'a str>,
    pub mapping: Option<&'a MappingOverride>,
    /// The header row the user chose (1-based, as a spreadsheet shows it);
    /// `None` finds it (SPEC §2, §8.1).
    pub header_row: Option<u32>,
}

/// An input file whose bytes are fetched only while it is read: the page
/// copies each file into wasm memory when its turn comes and frees it right
/// after, instead of holding every file's bytes for the whole reconciliation.
pub trait FileSource {
    fn name(&self) -> &str;
    fn sheet(&self) -> Option<&str>;
    fn mapping(&self) -> Option<&MappingOverride>;
    /// The header row the user chose, if any (1-based).
    fn header_row(&self) -> Option<u32> {
        None
    }
    /// The size in bytes, known without fetching them.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The bytes, borrowed or fetched; the caller drops them when the file is read.
    fn bytes(&self) -> Cow<'_, [u8]>;
}

impl FileSource for FileInput<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn sheet(&self) -> Option<&str> {
        self.sheet
    }
    fn mapping(&self) -> Option<&MappingOverride> {
        self.mapping
    }
    fn header_row(&self) -> Option<u32> {
        self.header_row
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn bytes(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.bytes)
    }
}

/// Reads the files and reconciles them: the front door for the CLI and the page.
pub fn reconcile_files(
    charges: &FileInput<'_>,
    payments: &[FileInput<'_>],
    fees: Option<&FileInput<'_>>,
    options: &Options,
    limits: &Limits,
) -> Result<Report, InputError> {
    reconcile_files_with_progress(charges, payments, fees, options, limits, &mut |_, _| {})
}

/// [`reconcile_files`], telling `progress` what it is doing and roughly how far
/// along it is (0–100), so the page can show a progress bar.
pub fn reconcile_files_with_progress(
    charges: &FileInput<'_>,
    payments: &[FileInput<'_>],
    fees: Option<&FileInput<'_>>,
    options: &Options,
    limits: &Limits,
    progress: &mut dyn FnMut(&str, u8),
) -> Result<Report, InputError> {
    let payments: Vec<&dyn FileSource> = payments.iter().map(|p| p as &dyn FileSource).collect();
    reconcile_sources(charges, &payments, fees.map(|f| f as &dyn FileSource), options, limits, progress)
}

/// Rows (or lines) handled between two progress reports.
const PROGRESS_EVERY_ROWS: usize = 8192;

/// Where each file's reading lies on the progress bar: files share the first
/// 85% by size; a file's sheet takes 70% of its share and its rows the rest.
struct Bar {
    starts: Vec<f32>,
    shares: Vec<f32>,
}

impl Bar {
    const READING: f32 = 85.0;
    const SHEET: f32 = 0.7;

    fn new(sizes: &[usize]) -> Bar {
        let total = sizes.iter().sum::<usize>().max(1) as f32;
        let shares: Vec<f32> = sizes.iter().map(|&s| s as f32 * Bar::READING / total).collect();
        let starts = shares.iter().scan(0.0, |at, s| Some(std::mem::replace(at, *at + s))).collect();
        Bar { starts, shares }
    }

    /// The percentage `done` (0 to 1) through file `i`'s sheet.
    fn sheet(&self, i: usize, done: f32) -> u8 {
        (self.starts[i] + self.shares[i] * Bar::SHEET * done) as u8
    }

    /// The percentage `done` (0 to 1) through file `i`'s rows.
    fn rows(&self, i: usize, done: f32) -> u8 {
        (self.starts[i] + self.shares[i] * (Bar::SHEET + (1.0 - Bar::SHEET) * done)) as u8
    }
}

/// Reads one file's sheet and maps its columns, telling `progress` how far along it is.
fn load_table(
    f: &dyn FileSource,
    bytes: &[u8],
    limits: &Limits,
    bar: &Bar,
    i: usize,
    progress: &mut dyn FnMut(&str, u8),
) -> Result<records::Table, InputError> {
    let message = format!("Reading {}", f.name());
    progress(&message, bar.sheet(i, 0.0));
    records::load_with_progress(bytes, f.name(), f.sheet(), f.mapping(), limits, &mut |read| {
        progress(&message, bar.sheet(i, read))
    })
}

/// [`reconcile_files_with_progress`] over files whose bytes are fetched one file at a time.
///
/// Each file is read and turned into rows before the next. Payment rows are
/// applied to their lines as they are read and not kept, and each sheet is
/// dropped as soon as its rows are read, so memory holds the charge rows, the
/// lines and one sheet at a time (two or more payments files are all read
/// before any is applied, since the match level depends on all of them).
pub fn reconcile_sources(
    charges: &dyn FileSource,
    payments: &[&dyn FileSource],
    fees: Option<&dyn FileSource>,
    options: &Options,
    limits: &Limits,
    progress: &mut dyn FnMut(&str, u8),
) -> Result<Report, InputError> {
    let single = payments.is_empty();
    let sizes: Vec<usize> =
        std::iter::once(charges).chain(payments.iter().copied()).chain(fees).map(|f| f.len()).collect();
    let bar = Bar::new(&sizes);

    let charge_table = load_table(charges, &charges.bytes(), limits, &bar, 0, progress)?;
    records::check_charges(&charge_table)?;

    // The match level depends on the roles every payments file has: known from
    // their first rows (an 835 is read whole: it is small), so that the charge
    // rows can be gathered into lines as they are read.
    let mut remittances = Vec::new();
    let mut provider_adjustments = Vec::new();
    let mut remittance_findings = Vec::new();
    let mut payment_roles: Option<BTreeSet<Role>> = None;
    for &p in payments {
        let bytes = p.bytes();
        let roles = if crate::x12::looks_like_x12(&bytes) {
            let (records, remittance) = records::read_835(&bytes, p.name())?;
            add_remittance(&mut provider_adjustments, &mut remittance_findings, p.name(), &remittance);
            remittances.push(Some(records));
            records::roles_835()
        } else {
            remittances.push(None);
            let mapping = records::peek_mapping(&bytes, p.name(), p.sheet(), p.mapping(), limits)?;
            mapping.roles().map(|(r, _)| r).collect()
        };
        payment_roles = Some(match payment_roles {
            None => roles,
            Some(r) => r.intersection(&roles).copied().collect(),
        });
    }
    let charge_roles: BTreeSet<Role> = charge_table.mapping.roles().map(|(r, _)| r).collect();
    let level = MatchLevel::choose(&charge_roles, payment_roles.as_ref().unwrap_or(&charge_roles));

    let rows_message = format!("Reading the rows of {}", charges.name());
    let mut lines = Lines::new(level, single, fees.is_some(), options.as_of, charge_table.sheet.row_count());
    let charge_mapping = charge_table.mapping.clone();
    let charge_records = records::read_charges_each(
        &charge_table,
        single,
        &mut |done| progress(&rows_message, bar.rows(0, done)),
        &mut |row| lines.add_charge(&row, &charge_mapping),
    )?;
    drop(charge_table);
    lines.charges_done();
    let mut collected = Collected::default();
    collected.absorb(&charge_records);

    for (i, (&p, remittance)) in payments.iter().zip(remittances).enumerate() {
        let name = Text::from(p.name());
        let message = format!("Matching the rows of {}", p.name());
        match remittance {
            Some(records) => {
                for (n, row) in records.rows.iter().enumerate() {
                    if n % PROGRESS_EVERY_ROWS == PROGRESS_EVERY_ROWS - 1 {
                        progress(&message, bar.rows(i + 1, n as f32 / records.rows.len() as f32));
                    }
                    lines.apply(&name, row);
                }
                collected.absorb(&records);
            }
            None => {
                let table = load_table(p, &p.bytes(), limits, &bar, i + 1, progress)?;
                let records = records::read_payments_each(
                    &table,
                    &mut |done| progress(&message, bar.rows(i + 1, done)),
                    &mut |row| lines.apply(&name, &row),
                )?;
                collected.absorb(&records);
            }
        }
    }

    let fees = match fees {
        Some(f) => {
            let i = sizes.len() - 1;
            let table = load_table(f, &f.bytes(), limits, &bar, i, progress)?;
            Some(records::read_fees(&table)?)
        }
        None => None,
    };
    if let Some(f) = &fees {
        collected.absorb(f);
    }
    let schedule = fees.as_ref().map(|f| FeeSchedule::new(&f.rows));
    let finished = finish_lines(lines, single, schedule.as_ref(), options, progress);
    let payments = Payments { provider_adjustments, findings: remittance_findings, ..Payments::default() };
    let report = assemble(finished, collected, level, single, schedule, payments, options, progress);
    progress("Done", 100);
    Ok(report)
}

/// Takes an 835's provider adjustments and findings into the report.
fn add_remittance(
    adjustments: &mut Vec<ProviderAdjustment>,
    findings: &mut Vec<RemittanceFinding>,
    file: &str,
    remittance: &crate::x12::Remittance,
) {
    for t in &remittance.transactions {
        for a in &t.provider_adjustments {
            adjustments.push(ProviderAdjustment {
                file: file.to_string(),
                segment: a.segment,
                payer: t.payer.name.clone(),
                provider_id: a.provider_id.clone(),
                fiscal_period_end: a.fiscal_period_end,
                reason: a.reason.code().to_string(),
                meaning: a.reason.meaning().unwrap_or("unknown code").to_string(),
                reference: a.reference.clone(),
                amount: a.amount,
            });
        }
    }
    for f in remittance.all_findings() {
        findings.push(RemittanceFinding {
            file: file.to_string(),
            segment: f.segment,
            location: f.location(),
            severity: format!("{:?}", f.severity).to_lowercase(),
            message: f.message.clone(),
        });
    }
}

/// Reconciles rows that are already read.
pub fn reconcile(inputs: Inputs, options: &Options) -> Report {
    let Inputs { charges, charge_mapping, payments, fees } = inputs;
    let single = payments.is_none();
    let charge_roles: BTreeSet<Role> = charge_mapping.roles().map(|(r, _)| r).collect();
    let level = match &payments {
        None => MatchLevel::choose(&charge_roles, &charge_roles),
        Some(p) => MatchLevel::choose(&charge_roles, &p.roles),
    };
    let mut collected = Collected::default();
    collected.absorb(&charges);
    let Payments { records: payment_records, provider_adjustments, findings, .. } =
        payments.unwrap_or_default();
    for p in &payment_records {
        collected.absorb(p);
    }
    if let Some(f) = &fees {
        collected.absorb(f);
    }
    let mut lines = Lines::new(level, single, fees.is_some(), options.as_of, charges.rows.len());
    for c in &charges.rows {
        lines.add_charge(c, &charge_mapping);
    }
    lines.charges_done();
    for records in &payment_records {
        let name = Text::from(records.name.as_str());
        for p in &records.rows {
            lines.apply(&name, p);
        }
    }
    let schedule = fees.as_ref().map(|f| FeeSchedule::new(&f.rows));
    let progress = &mut |_: &str, _: u8| {};
    let finished = finish_lines(lines, single, schedule.as_ref(), options, progress);
    let payments = Payments { provider_adjustments, findings, ..Payments::default() };
    assemble(finished, collected, level, single, schedule, payments, options, progress)
}

/// The lines with their figures, every row applied (85–95% of the bar).
fn finish_lines(
    lines: Lines,
    single: bool,
    schedule: Option<&FeeSchedule>,
    options: &Options,
    progress: &mut dyn FnMut(&str, u8),
) -> Finished {
    let message = "Working out each line";
    progress(message, 85);
    let ctx =
        LineContext { as_of: options.as_of, tolerance: Tolerance(options.tolerance), fees: schedule, single };
    lines.finish(&ctx, &mut |done| progress(message, 85 + (done * 10.0) as u8))
}

/// The blank and footer counts, notes and rejected rows of every file, in the order the files were given.
#[derive(Default)]
struct Collected {
    counts: RowCounts,
    notes: Vec<String>,
    rejected: Vec<Rejected>,
}

impl Collected {
    fn absorb<T>(&mut self, r: &Records<T>) {
        self.counts.blank += r.blank;
        self.counts.skipped += r.totals_rows.len();
        self.notes.extend(r.notes.iter().cloned());
        self.rejected.extend(r.rejected.iter().cloned());
    }
}

/// The report from its lines: notes, totals, aging, KPIs and the worklist (95–99% of the bar).
#[allow(clippy::too_many_arguments)]
fn assemble(
    finished: Finished,
    collected: Collected,
    level: MatchLevel,
    single: bool,
    schedule: Option<FeeSchedule>,
    payments: Payments,
    options: &Options,
    progress: &mut dyn FnMut(&str, u8),
) -> Report {
    progress("Totals, aging and the worklist", 95);
    let Finished {
        lines,
        unmatched,
        claim_level_applied,
        patient_rows,
        patient_rows_with_share,
        payments: payment_count,
        reasons,
        rejected: unkeyed,
    } = finished;
    let Collected { mut counts, mut notes, mut rejected } = collected;
    notes.insert(
        0,
        if single {
            "single mode: each row of the charges file carries what was billed and what came back".to_string()
        } else {
            level.describe()
        },
    );
    if claim_level_applied > 0 {
        notes.push(format!(
            "{claim_level_applied} claim-level remittance row(s) (claims paid without service lines, or claim adjustments) were applied to the first line of their claim"
        ));
    }
    if patient_rows > 0 {
        notes.push(format!(
            "{patient_rows} payment row(s) are the patient's own payments: they count as patient paid, never as insurance paid"
        ));
    }
    if patient_rows_with_share > 0 {
        notes.push(format!(
            "{patient_rows_with_share} patient payment row(s) also give a patient responsibility; only the insurer's remittance sets what the patient owes, so it was left out"
        ));
    }
    if let Some(s) = &schedule {
        for (first, again) in &s.conflicts {
            notes.push(format!("fees rows {first} and {again} give different amounts for the same code and payer; row {first} was used"));
        }
    }
    rejected.extend(unkeyed);
    counts.payments = payment_count;
    counts.charges = lines.iter().map(|l| l.charge_rows.len()).sum();
    counts.rejected = rejected.len();

    notes.extend(date_notes(&lines, options.as_of));
    let mut totals = Totals::of(&lines, &unmatched);
    totals.provider_adjustments = payments.provider_adjustments.iter().map(|a| a.amount).sum();
    let summary = Summary {
        mode: if single { Mode::Single } else { Mode::Matched },
        as_of: iso(options.as_of),
        matched_by: if single { MatchedBy::None } else { level.matched_by() },
        rows: counts,
        notes,
        by_status: ByStatus::of(&lines),
        aging: summary::aging(&lines),
        kpis: Kpis::of(&lines, &totals),
        reason_codes: reasons.totals(),
        totals,
    };
    let worklist = worklist::build(&lines, &unmatched, Tolerance(options.tolerance));
    Report {
        summary,
        lines,
        unmatched_payments: unmatched,
        rejected,
        worklist,
        provider_adjustments: payments.provider_adjustments,
        remittance_findings: payments.findings,
    }
}

/// Open lines that cannot be aged, and lines dated after the as-of date.
fn date_notes(lines: &[Line], as_of: NaiveDate) -> Vec<String> {
    let mut notes = Vec::new();
    let undated = lines.iter().filter(|l| l.status.is_aged() && l.age_days.is_none()).count();
    if undated > 0 {
        notes.push(format!(
            "{undated} open line(s) have no bill date or date of service, so they are not in the aging"
        ));
    }
    let future = lines.iter().filter(|l| l.age_days.is_some_and(|d| d < 0)).count();
    if future > 0 {
        notes.push(format!(
            "{future} line(s) are dated after the as-of date {}; they count as 0-30 days old",
            iso(as_of)
        ));
    }
    notes
}

/// A broken conservation law (SPEC §4), for tests and for a last check before
/// a report is shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConservationError(pub String);

impl Report {
    /// Checks the report against the rows that went in (SPEC §4 "Every row is
    /// accounted for", §8.3, §8.6): the lines bill exactly the accepted charge
    /// rows (`accepted_charges`); the insurance paid on the lines and on the
    /// unmatched insurance payments is exactly the paid amount of the accepted
    /// insurance rows (`accepted_paid`: patient rows excluded); and the
    /// summary's totals, status counts and aging are sums of the lines. A
    /// line's own figures are recomputed from the rows it lists by the
    /// integration tests (`tests/common/recompute.rs`), independently of the
    /// grouping code.
    pub fn check_conservation(
        &self,
        accepted_charges: Money,
        accepted_paid: Money,
    ) -> Result<(), ConservationError> {
        let fail = |what: String| Err(ConservationError(what));
        let billed: Money = self.lines.iter().map(|l| l.billed).sum();
        if billed != accepted_charges {
            return fail(format!("lines bill {billed}, accepted charge rows {accepted_charges}"));
        }
        let unmatched_insurance: Money = self
            .unmatched_payments
            .iter()
            .filter(|u| u.source.insurance_level().is_some())
            .map(|u| u.paid)
            .sum();
        let paid: Money = self.lines.iter().map(|l| l.insurance_paid).sum::<Money>() + unmatched_insurance;
        if paid != accepted_paid {
            return fail(format!(
                "lines and unmatched payments hold {paid} insurance paid, accepted insurance rows {accepted_paid}"
            ));
        }
        let t = &self.summary.totals;
        let sums = [
            ("billed", t.billed, billed),
            ("insurance paid", t.insurance_paid, self.lines.iter().map(|l| l.insurance_paid).sum()),
            (
                "contractual",
                t.contractual_adjustment,
                self.lines.iter().map(|l| l.contractual_adjustment).sum(),
            ),
            (
                "patient responsibility",
                t.patient_responsibility,
                self.lines.iter().map(|l| l.patient_responsibility).sum(),
            ),
            ("other adjustment", t.other_adjustment, self.lines.iter().map(|l| l.other_adjustment).sum()),
            ("patient paid", t.patient_paid, self.lines.iter().map(|l| l.patient_paid).sum()),
            ("open A/R", t.open_ar, self.summary.aging.iter().map(|a| a.amount).sum()),
        ];
        for (what, total, sum) in sums {
            if total != sum {
                return fail(format!("the summary's {what} is {total}, its parts add to {sum}"));
            }
        }
        let statuses: usize = Status::ALL.iter().map(|s| self.summary.by_status.get(*s).count).sum();
        if statuses != self.lines.len() {
            return fail(format!("{statuses} lines by status, {} lines", self.lines.len()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
