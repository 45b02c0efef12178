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
//! 3. [`summary`] totals the report; [`claims`] gathers the lines of each
//!    claim number; [`worklist`] lists the claims (and refunds and unmatched
//!    payments) to follow up, ordered by the [`deadlines`] of SPEC §8.7;
//!    [`warnings`] says when the answer looks wrong because of the inputs.
//!
//! Version 2 (SPEC §8): [`claim_numbers`] retries the matching with claim
//! numbers in another form when fewer than half of the payments match, and
//! [`duplicates`] refuses a file given twice, reads a repeated 835 check once
//! and counts a repeated payment row once.
//!
//! Two entry points, for two kinds of input. [`reconcile_files`] reads the
//! files (sheets, 835s or an 837, acknowledgments, a fee schedule), one at a
//! time and fetched only when read, telling a [`Progress`] how far along it
//! is; without payments or acknowledgments the same call is single mode or
//! the plain charges-and-payments case, so there is no variant per case.
//! [`reconcile`] takes rows already read ([`Inputs`]): it reads nothing, so it
//! reports nothing.
//!
//! Every accepted row lands in exactly one place (a line, a matched payment,
//! an unmatched payment, a duplicate posting); every other row is blank, a
//! skipped total or rejected. Money is conserved: see [`Report::check_conservation`].

pub mod aging;
pub mod claim_numbers;
pub mod claims;
pub mod deadlines;
pub mod duplicates;
pub mod fees;
mod grouping;
mod levels;
pub mod lifecycle;
pub mod line;
pub mod matching;
pub mod options;
pub mod query;
pub mod status;
pub mod summary;
pub mod warnings;
pub mod work_query;
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
use crate::progress::{NoProgress, Progress};
use crate::records::{self, ChargeRow, FeeRow, InputError, PaymentRow, Records, Rejected};
use crate::table::dates::iso;
use crate::table::Limits;

pub use claims::Claim;
pub use deadlines::DeadlineRules;
pub use duplicates::Duplicate;
pub use line::Line;
pub use matching::{MatchLevel, MatchedBy};
pub use options::{OptionError, Options};
pub use status::Status;
pub use worklist::WorkItem;

use claim_numbers::{ClaimForm, Trial};
use duplicates::{Checks, Postings};
use fees::FeeSchedule;
use grouping::{Finished, Lines};
use line::LineContext;
use status::Tolerance;
use summary::{AgingRow, ByStatus, Kpis, ReasonTotal, Totals};

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
    /// The names of the files in `records` read from 835s: their rows are
    /// never duplicate postings (see [`duplicates`]).
    pub x12_files: BTreeSet<String>,
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

impl ProviderAdjustment {
    /// A PLB of an 835 transaction from `payer`, read from `file`.
    pub fn from_x12(file: &str, payer: &str, a: &crate::x12::ProviderAdjustment) -> ProviderAdjustment {
        ProviderAdjustment {
            file: file.to_string(),
            segment: a.segment,
            payer: payer.to_string(),
            provider_id: a.provider_id.clone(),
            fiscal_period_end: a.fiscal_period_end,
            reason: a.reason.code().to_string(),
            meaning: a.reason.meaning().unwrap_or("unknown code").to_string(),
            reference: a.reference.clone(),
            amount: a.amount,
        }
    }
}

impl RemittanceFinding {
    /// A finding of the 835 reader, read from `file`.
    pub fn from_x12(file: &str, f: &crate::x12::Finding) -> RemittanceFinding {
        RemittanceFinding {
            file: file.to_string(),
            segment: f.segment,
            location: f.location(),
            severity: format!("{:?}", f.severity).to_lowercase(),
            message: f.message.clone(),
        }
    }
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
    /// Rows a report adds around its data: footer totals, repeated page
    /// headers, page footers and group labels (SPEC §8.1).
    pub skipped: usize,
    pub rejected: usize,
    /// Payment rows that repeat an earlier one (SPEC §8.5): counted once, listed in `duplicates`.
    pub duplicates: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub mode: Mode,
    pub as_of: String,
    pub matched_by: MatchedBy,
    pub rows: RowCounts,
    pub notes: Vec<String>,
    /// Signs that the answer is wrong because of the inputs, and what to check
    /// (SPEC §8.2, §8.6; [`warnings`]).
    pub warnings: Vec<String>,
    pub totals: Totals,
    pub by_status: ByStatus,
    pub aging: Vec<AgingRow>,
    pub kpis: Kpis,
    pub reason_codes: Vec<ReasonTotal>,
    /// How many claims the lines make (SPEC §8.7).
    pub claims: usize,
    /// Unpaid lines billed too recently to chase, kept off the worklist (SPEC §8.7).
    pub waiting: Waiting,
    /// submitted → rejected / accepted → paid / denied / no answer: only when the charges are
    /// an 837 (SPEC §11).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel: Option<lifecycle::Funnel>,
}

/// The unpaid lines billed fewer than `waitDays` days ago (SPEC §8.7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    pub lines: usize,
    /// Claims whose every line is waiting.
    pub claims: usize,
    pub billed: Money,
}

/// The whole answer (SPEC §7 "Report JSON").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub summary: Summary,
    pub lines: Vec<Line>,
    /// The lines taken together by claim number (SPEC §8.7).
    pub claims: Vec<Claim>,
    pub unmatched_payments: Vec<UnmatchedPayment>,
    pub rejected: Vec<Rejected>,
    pub worklist: Vec<WorkItem>,
    pub provider_adjustments: Vec<ProviderAdjustment>,
    pub remittance_findings: Vec<RemittanceFinding>,
    /// Payment rows counted once because they repeat an earlier row (SPEC §8.5).
    pub duplicates: Vec<Duplicate>,
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

impl FileInput<'_> {
    /// Each of `files` as a [`FileSource`], for [`reconcile_files`].
    pub fn sources<'s>(files: &'s [FileInput<'_>]) -> Vec<&'s dyn FileSource> {
        files.iter().map(|f| f as &dyn FileSource).collect()
    }
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
    records::load(
        bytes,
        f.name(),
        f.sheet(),
        f.header_row(),
        f.mapping(),
        limits,
        &mut |_: &str, read: f32| progress(&message, bar.sheet(i, read)),
    )
}

/// Reads the files and reconciles them: the front door for the CLI and the page.
///
/// `charges` is one file, or several 837 claim files read as one set of claims in the order
/// given: a replacement or void in a later file acts on a claim of an earlier one. A file among
/// several that is not an 837 is an error naming it.
/// `payments` empty is single mode (each charge row carries what came back).
/// `acks` are the 999 and 277CA acknowledgments of the claims (SPEC §11):
/// claims rejected at the front door get the status `rejected`, and with an
/// 837 as the charges the summary has the funnel. `progress` hears what is
/// being done and how far along the whole job is, in whole percent steps, so
/// the page can show a progress bar.
///
/// Each file's bytes are fetched only while it is read ([`FileSource`]), and
/// each file is turned into rows before the next. Payment rows are applied to
/// their lines as they are read and not kept, and each sheet is dropped as
/// soon as its rows are read, so memory holds the charge rows, the lines and
/// one sheet at a time (two or more payments files are all read before any is
/// applied, since the match level depends on all of them).
///
/// When fewer than half of the payment rows match, the claim numbers are
/// tried in other forms and the files are read again with the best one
/// ([`claim_numbers`], SPEC §8.2); files that match are read once.
pub fn reconcile_files(
    charges: &[&dyn FileSource],
    payments: &[&dyn FileSource],
    acks: &[&dyn FileSource],
    fees: Option<&dyn FileSource>,
    options: &Options,
    limits: &Limits,
    progress: &mut dyn Progress,
) -> Result<Report, InputError> {
    // The bar below counts in whole percent; the listener hears a share of 1.
    let progress = &mut |step: &str, percent: u8| progress.report(step, f32::from(percent) / 100.0);
    let mut acknowledgments = Vec::new();
    for &a in acks {
        let parsed = crate::x12::parse_acks(&a.bytes())
            .map_err(|source| InputError::X12 { file: a.name().to_string(), source })?;
        acknowledgments.push((a.name().to_string(), parsed));
    }
    let single = payments.is_empty();
    let given: Vec<&dyn FileSource> = charges.iter().chain(payments).copied().collect();
    duplicates::same_file(&given)?;
    // The charges files share the bar's first share, as one file.
    let sizes: Vec<usize> = std::iter::once(charges.iter().map(|f| f.len()).sum())
        .chain(payments.iter().chain(fees.as_slice()).map(|f| f.len()))
        .collect();
    let bar = Bar::new(&sizes);

    let charge_table = load_charges(charges, limits, &bar, progress)?;
    let submitted = match &charge_table {
        ChargeTable::Claims(_, claims) => Some(claims.clone()),
        ChargeTable::Table(_) => None,
    };

    // The match level depends on the roles every payments file has: known from
    // their first rows (an 835 is read whole: it is small), so that the charge
    // rows can be gathered into lines as they are read.
    let mut remittances = Vec::new();
    let mut provider_adjustments = Vec::new();
    let mut remittance_findings = Vec::new();
    let mut payment_roles: Option<BTreeSet<Role>> = None;
    let mut checks = Checks::default();
    let mut check_notes = Vec::new();
    for &p in payments {
        let bytes = p.bytes();
        let roles = if crate::x12::looks_like_x12(&bytes) {
            let mut remittance = crate::x12::parse(&bytes)
                .map_err(|source| InputError::X12 { file: p.name().to_string(), source })?;
            check_notes.extend(checks.skip_repeats(p.name(), &mut remittance));
            let records = records::records_of_835(&remittance, p.name());
            add_remittance(&mut provider_adjustments, &mut remittance_findings, p.name(), &remittance);
            remittances.push(Some(records));
            records::roles_835()
        } else {
            remittances.push(None);
            let mapping =
                records::peek_mapping(&bytes, p.name(), p.sheet(), p.header_row(), p.mapping(), limits)?;
            mapping.roles().map(|(r, _)| r).collect()
        };
        payment_roles = Some(match payment_roles {
            None => roles,
            Some(r) => r.intersection(&roles).copied().collect(),
        });
    }
    let charge_roles: BTreeSet<Role> = charge_table.roles();
    let mut payment_roles = payment_roles.unwrap_or_else(|| charge_roles.clone());
    // SPEC §11: lines match by REF*6R when the 837's lines and every 835's service lines carry it.
    if charge_roles.contains(&Role::Line) && charge_table.is_837() && lines_controlled(&remittances) {
        payment_roles.insert(Role::Line);
    }
    let level = MatchLevel::choose(&charge_roles, &payment_roles);

    let sources = Sources { charges, payments, remittances: &remittances, with_fees: fees.is_some(), single };
    let plain = Plan { level, form: ClaimForm::AsWritten };
    let mut gathered = sources.gather(plain, charge_table, options, limits, &bar, progress)?;
    let mut plan = plain;
    let mut plan_note = None;
    if let Some(fallback) = retry(&gathered.lines, single, level, &charge_roles, &payment_roles) {
        progress("Trying the claim numbers written another way", 0);
        let trial = sources.trial(level, fallback, limits, &bar, progress)?;
        let (matched, total) = (gathered.lines.matched(), gathered.lines.payments());
        if let Some(outcome) = trial.choose(matched, total) {
            plan = Plan { level: outcome.candidate.level, form: outcome.candidate.form };
            plan_note = Some(plan_note_of(&outcome, matched, total, payments.iter().map(|p| p.name())));
            let table = load_charges(charges, limits, &bar, progress)?;
            gathered = sources.gather(plan, table, options, limits, &bar, progress)?;
        }
    }
    let Gathered { lines, mut collected, duplicates } = gathered;
    collected.notes.extend(plan_note);
    collected.notes.extend(check_notes);

    let fees = match fees {
        Some(f) => {
            let i = sizes.len() - 1;
            let table = load_table(f, &f.bytes(), limits, &bar, i, progress)?;
            Some(records::keep_rows(|each| records::read_fees(&table, &mut NoProgress, each))?)
        }
        None => None,
    };
    if let Some(f) = &fees {
        collected.absorb(f);
    }
    let schedule = fees.as_ref().map(|f| FeeSchedule::new(&f.rows));
    let mut finished = finish_lines(lines, single, schedule.as_ref(), options, progress);
    let rejections = lifecycle::Rejections::of(&acknowledgments, submitted.as_deref().unwrap_or(&[]));
    if !rejections.is_empty() {
        collected.notes.extend(rejections.apply(&mut finished.lines));
    }
    let payments = Payments { provider_adjustments, findings: remittance_findings, ..Payments::default() };
    let matching = Matched { plan, duplicates, swapped: looks_swapped(&charge_roles, &payment_roles) };
    let mut report = assemble(finished, collected, matching, single, schedule, payments, options, progress);
    if submitted.is_some() {
        report.summary.funnel = Some(lifecycle::funnel(&report.claims, &report.lines));
    }
    progress("Done", 100);
    Ok(report)
}

/// How payments are matched to charges: the key level and the claim numbers' form (SPEC §4, §8.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    level: MatchLevel,
    form: ClaimForm,
}

/// What the matching came to, besides the lines.
struct Matched {
    plan: Plan,
    duplicates: Vec<Duplicate>,
    /// The charges file has payment columns and the payments file has not (warnings).
    swapped: bool,
}

/// Whether the match rate calls for other claim forms (SPEC §8.2): `None`
/// when it does not, else the level without claim numbers to fall back to (if any).
fn retry(
    lines: &Lines,
    single: bool,
    level: MatchLevel,
    charge_roles: &BTreeSet<Role>,
    payment_roles: &BTreeSet<Role>,
) -> Option<Option<MatchLevel>> {
    if single || !level.uses_claim() || lines.payments() == 0 || lines.matched() * 2 >= lines.payments() {
        return None;
    }
    let without_claim = |roles: &BTreeSet<Role>| {
        let mut r = roles.clone();
        r.remove(&Role::ClaimId);
        r
    };
    let fallback = MatchLevel::choose(&without_claim(charge_roles), &without_claim(payment_roles));
    Some((fallback != MatchLevel::None).then_some(fallback))
}

/// The note that says how the claim numbers were matched in the end.
fn plan_note_of<'a>(
    outcome: &claim_numbers::Outcome,
    plain: usize,
    total: usize,
    files: impl Iterator<Item = &'a str>,
) -> String {
    let files: Vec<&str> = files.collect();
    let matched = outcome.matched;
    if outcome.candidate.form == ClaimForm::AsWritten {
        return format!(
            "the claim numbers matched only {plain} of {total} payment rows, even written other ways; payments were matched by patient, date of service and procedure code instead: {matched} of {total} rows"
        );
    }
    let example = outcome.example.as_ref().map(|e| format!(" (for example \"{e}\")")).unwrap_or_default();
    format!(
        "claim numbers in {} are written differently from the charges'{example}: as written, {plain} of {total} payment rows matched; matched after {}: {matched} of {total} rows",
        files.join(", "),
        outcome.candidate.form.describe()
    )
}

/// The charges as read: a table (csv, xlsx, a report), or an 837 claim file (SPEC §11).
enum ChargeTable {
    Table(records::Table),
    /// The 837s' service lines, and their claims.
    Claims(Records<ChargeRow>, Vec<lifecycle::Submitted>),
}

impl ChargeTable {
    fn roles(&self) -> BTreeSet<Role> {
        match self {
            ChargeTable::Table(t) => t.mapping.roles().map(|(r, _)| r).collect(),
            ChargeTable::Claims(c, _) => records::roles_837(c),
        }
    }

    fn is_837(&self) -> bool {
        matches!(self, ChargeTable::Claims(..))
    }

    fn row_count(&self) -> usize {
        match self {
            ChargeTable::Table(t) => t.sheet.row_count(),
            ChargeTable::Claims(c, _) => c.rows.len(),
        }
    }

    fn mapping(&self) -> Mapping {
        match self {
            ChargeTable::Table(t) => t.mapping.clone(),
            ChargeTable::Claims(..) => Mapping::default(),
        }
    }

    /// Hands every charge row to `each`; what else the file said comes back as the records.
    fn each(
        &self,
        single: bool,
        progress: &mut dyn Progress,
        each: &mut dyn FnMut(ChargeRow),
    ) -> Result<Records<()>, InputError> {
        match self {
            ChargeTable::Table(t) => records::read_charges(t, single, progress, each),
            ChargeTable::Claims(c, _) => {
                c.rows.iter().cloned().for_each(each);
                Ok(Records {
                    file: c.file,
                    name: c.name.clone(),
                    rows: Vec::new(),
                    rejected: c.rejected.clone(),
                    blank: c.blank,
                    skipped: c.skipped.clone(),
                    notes: c.notes.clone(),
                })
            }
        }
    }
}

/// Whether every 835 given has service lines and all of them carry a REF*6R line control number.
fn lines_controlled(remittances: &[Option<Records<PaymentRow>>]) -> bool {
    !remittances.is_empty()
        && remittances.iter().all(|r| {
            r.as_ref().is_some_and(|r| {
                let mut lines = r.rows.iter().filter(|row| !row.claim_level).peekable();
                lines.peek().is_some() && lines.all(|row| row.keys.line.is_some())
            })
        })
}

/// The charges as read: one file (a table, or an 837 read as the claims' service lines), or
/// several 837 files read as one set of claims (SPEC §11). Another X12 file is refused with what
/// it is and where it belongs, and so is a file among several that is not an 837.
fn load_charges(
    charges: &[&dyn FileSource],
    limits: &Limits,
    bar: &Bar,
    progress: &mut dyn FnMut(&str, u8),
) -> Result<ChargeTable, InputError> {
    let [one] = charges else { return load_claim_files(charges, None, bar, progress) };
    let bytes = one.bytes();
    if crate::x12::looks_like_x12(&bytes) {
        let file = one.name().to_string();
        if crate::x12::is_837(&bytes) {
            return load_claim_files(charges, Some(bytes), bar, progress);
        }
        return Err(match crate::x12::parse(&bytes) {
            Ok(_) => InputError::RemittanceAsCharges { file },
            Err(source) => InputError::X12 { file, source },
        });
    }
    let table = load_table(*one, &bytes, limits, bar, 0, progress)?;
    records::check_charges(&table)?;
    Ok(ChargeTable::Table(table))
}

/// 837 files read in order and settled together: their service lines, and their claims.
/// `first_bytes` are the first file's bytes when the caller already fetched them.
fn load_claim_files(
    files: &[&dyn FileSource],
    mut first_bytes: Option<Cow<'_, [u8]>>,
    bar: &Bar,
    progress: &mut dyn FnMut(&str, u8),
) -> Result<ChargeTable, InputError> {
    if files.is_empty() {
        return Err(InputError::NoCharges);
    }
    let mut batches = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let file = f.name().to_string();
        progress(&format!("Reading {file}"), bar.sheet(0, i as f32 / files.len() as f32));
        let bytes = first_bytes.take().unwrap_or_else(|| f.bytes());
        if !(crate::x12::looks_like_x12(&bytes) && crate::x12::is_837(&bytes)) {
            return Err(InputError::ChargesNotClaims { file });
        }
        let batch = crate::x12::parse_837_as_sent(&bytes)
            .map_err(|source| InputError::X12 { file: file.clone(), source })?;
        batches.push((file, batch));
    }
    crate::x12::claims::settle_files(&mut batches);
    let mut claims = Vec::new();
    let mut records: Option<Records<ChargeRow>> = None;
    for (file, batch) in &batches {
        claims.extend(batch.claims.iter().map(lifecycle::Submitted::from));
        let read = records::records_of_837(batch, file);
        match &mut records {
            None => records = Some(read),
            Some(all) => {
                all.rows.extend(read.rows);
                all.notes.extend(read.notes);
            }
        }
    }
    let records = records.ok_or(InputError::NoCharges)?;
    Ok(ChargeTable::Claims(records, claims))
}

/// The files of a reconciliation, to read once more when the claim numbers need another form.
struct Sources<'s, 'f> {
    charges: &'s [&'f dyn FileSource],
    payments: &'s [&'f dyn FileSource],
    /// The rows of each payments file that is an 835 (read whole, and kept).
    remittances: &'s [Option<Records<PaymentRow>>],
    with_fees: bool,
    single: bool,
}

/// The lines with every row applied, before their figures are worked out.
struct Gathered {
    lines: Lines,
    collected: Collected,
    duplicates: Vec<Duplicate>,
}

impl Sources<'_, '_> {
    /// Groups the charge rows of `charge_table` into lines and applies every payment row to them.
    fn gather(
        &self,
        plan: Plan,
        charge_table: ChargeTable,
        options: &Options,
        limits: &Limits,
        bar: &Bar,
        progress: &mut dyn FnMut(&str, u8),
    ) -> Result<Gathered, InputError> {
        let names: Vec<&str> = self.charges.iter().map(|c| c.name()).collect();
        let rows_message = format!("Reading the rows of {}", names.join(", "));
        let mut lines =
            Lines::new(plan.level, self.single, self.with_fees, options.as_of, charge_table.row_count());
        let charge_mapping = charge_table.mapping();
        let charge_records = charge_table.each(
            self.single,
            &mut |_: &str, done: f32| progress(&rows_message, bar.rows(0, done)),
            &mut |mut row| {
                plan.form.rewrite(&mut row.keys);
                lines.add_charge(&row, &charge_mapping)
            },
        )?;
        drop(charge_table);
        lines.charges_done();
        let mut collected = Collected::default();
        collected.absorb(&charge_records);

        let mut postings = Postings::default();
        for (i, (&p, remittance)) in self.payments.iter().zip(self.remittances).enumerate() {
            let name = Text::from(p.name());
            let message = format!("Matching the rows of {}", p.name());
            match remittance {
                Some(records) => {
                    for (n, row) in records.rows.iter().enumerate() {
                        if n % PROGRESS_EVERY_ROWS == PROGRESS_EVERY_ROWS - 1 {
                            progress(&message, bar.rows(i + 1, n as f32 / records.rows.len() as f32));
                        }
                        apply(&mut lines, plan.form, &name, row);
                    }
                    collected.absorb(records);
                }
                None => {
                    let table = load_table(p, &p.bytes(), limits, bar, i + 1, progress)?;
                    let by_check = table.mapping.has(Role::CheckNumber);
                    if by_check {
                        postings.reserve(table.sheet.row_count());
                    }
                    let records = records::read_payments(
                        &table,
                        &mut |_: &str, done: f32| progress(&message, bar.rows(i + 1, done)),
                        &mut |mut row| {
                            if by_check && !postings.is_first(&name, &row) {
                                return;
                            }
                            plan.form.rewrite(&mut row.keys);
                            lines.apply(&name, &row)
                        },
                    )?;
                    collected.absorb(&records);
                }
            }
        }
        Ok(Gathered { lines, collected, duplicates: postings.found })
    }

    /// Counts how many payment rows each claim form (and the fallback level) would match.
    fn trial(
        &self,
        level: MatchLevel,
        fallback: Option<MatchLevel>,
        limits: &Limits,
        bar: &Bar,
        progress: &mut dyn FnMut(&str, u8),
    ) -> Result<Trial, InputError> {
        let mut trial = Trial::new(level, fallback);
        let table = load_charges(self.charges, limits, bar, progress)?;
        table.each(false, &mut NoProgress, &mut |row| trial.add_charge(&row.keys))?;
        drop(table);
        for (i, (&p, remittance)) in self.payments.iter().zip(self.remittances).enumerate() {
            match remittance {
                Some(records) => records.rows.iter().for_each(|row| trial.add_payment(row)),
                None => {
                    let table = load_table(p, &p.bytes(), limits, bar, i + 1, progress)?;
                    records::read_payments(&table, &mut NoProgress, &mut |row| trial.add_payment(&row))?;
                }
            }
        }
        Ok(trial)
    }
}

/// Applies a payment row with its claim number in `form`: copied only when the form changes it.
fn apply(lines: &mut Lines, form: ClaimForm, file: &Text, row: &PaymentRow) {
    if form == ClaimForm::AsWritten {
        lines.apply(file, row);
    } else {
        let mut row = row.clone();
        form.rewrite(&mut row.keys);
        lines.apply(file, &row);
    }
}

/// The charges file has payment columns (check number, payment date) that
/// the payments file lacks: a sign that the two were given the wrong way round.
fn looks_swapped(charge_roles: &BTreeSet<Role>, payment_roles: &BTreeSet<Role>) -> bool {
    let payment_side = [Role::CheckNumber, Role::PaymentDate];
    payment_side.iter().any(|r| charge_roles.contains(r))
        && !payment_side.iter().any(|r| payment_roles.contains(r))
        && payment_roles.contains(&Role::Billed)
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

/// Reconciles rows that are already read. It matches as
/// [`reconcile_files`] does, claim-number forms and duplicate postings
/// included (the rows of the files named in `Payments::x12_files` are not
/// compared for duplicate postings, as 835 rows are not).
pub fn reconcile(inputs: Inputs, options: &Options) -> Report {
    let Inputs { charges, charge_mapping, payments, fees } = inputs;
    let single = payments.is_none();
    let charge_roles: BTreeSet<Role> = charge_mapping.roles().map(|(r, _)| r).collect();
    let payment_roles = payments.as_ref().map_or_else(|| charge_roles.clone(), |p| p.roles.clone());
    let level = MatchLevel::choose(&charge_roles, &payment_roles);
    let mut collected = Collected::default();
    collected.absorb(&charges);
    let Payments { records: payment_records, roles, provider_adjustments, findings, x12_files } =
        payments.unwrap_or_default();
    for p in &payment_records {
        collected.absorb(p);
    }
    if let Some(f) = &fees {
        collected.absorb(f);
    }
    let by_check = roles.contains(&Role::CheckNumber);
    let gather = |plan: Plan| {
        let mut lines = Lines::new(plan.level, single, fees.is_some(), options.as_of, charges.rows.len());
        for c in &charges.rows {
            if plan.form == ClaimForm::AsWritten {
                lines.add_charge(c, &charge_mapping);
            } else {
                let mut c = c.clone();
                plan.form.rewrite(&mut c.keys);
                lines.add_charge(&c, &charge_mapping);
            }
        }
        lines.charges_done();
        let mut postings = Postings::default();
        for records in &payment_records {
            let name = Text::from(records.name.as_str());
            let compare = by_check && !x12_files.contains(&records.name);
            for p in &records.rows {
                if compare && !postings.is_first(&name, p) {
                    continue;
                }
                apply(&mut lines, plan.form, &name, p);
            }
        }
        (lines, postings.found)
    };
    let plain = Plan { level, form: ClaimForm::AsWritten };
    let (mut lines, mut duplicates) = gather(plain);
    let mut plan = plain;
    if let Some(fallback) = retry(&lines, single, level, &charge_roles, &payment_roles) {
        let mut trial = Trial::new(level, fallback);
        charges.rows.iter().for_each(|c| trial.add_charge(&c.keys));
        payment_records.iter().flat_map(|r| &r.rows).for_each(|p| trial.add_payment(p));
        let (matched, total) = (lines.matched(), lines.payments());
        if let Some(outcome) = trial.choose(matched, total) {
            plan = Plan { level: outcome.candidate.level, form: outcome.candidate.form };
            let names = payment_records.iter().map(|r| r.name.as_str());
            collected.notes.push(plan_note_of(&outcome, matched, total, names));
            (lines, duplicates) = gather(plan);
        }
    }
    let schedule = fees.as_ref().map(|f| FeeSchedule::new(&f.rows));
    let progress = &mut |_: &str, _: u8| {};
    let finished = finish_lines(lines, single, schedule.as_ref(), options, progress);
    let payments = Payments { provider_adjustments, findings, ..Payments::default() };
    let matching = Matched { plan, duplicates, swapped: looks_swapped(&charge_roles, &payment_roles) };
    assemble(finished, collected, matching, single, schedule, payments, options, progress)
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
        self.counts.skipped += r.skipped.len();
        self.notes.extend(r.notes.iter().cloned());
        self.rejected.extend(r.rejected.iter().cloned());
    }
}

/// The report from its lines: notes, totals, aging, KPIs and the worklist (95–99% of the bar).
#[allow(clippy::too_many_arguments)]
fn assemble(
    finished: Finished,
    collected: Collected,
    matching: Matched,
    single: bool,
    schedule: Option<FeeSchedule>,
    payments: Payments,
    options: &Options,
    progress: &mut dyn FnMut(&str, u8),
) -> Report {
    // Each step below reports itself: on a big report each takes a noticeable
    // share of a second, and the page's bar should not stand still meanwhile.
    progress("Totals and aging", 95);
    let Finished {
        lines,
        unmatched,
        claim_level_applied,
        patient_rows,
        patient_rows_with_share,
        payments: payment_count,
        reasons,
        rejected: unkeyed,
        payment_dates,
    } = finished;
    let Matched { plan, duplicates, swapped } = matching;
    let level = plan.level;
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
    counts.duplicates = duplicates.len();
    if !duplicates.is_empty() {
        notes.push(format!(
            "{} payment row(s) repeat an earlier row in every value, check number and payment date included; each was counted once (see the duplicates)",
            duplicates.len()
        ));
    }

    notes.extend(date_notes(&lines, options.as_of));
    let mut totals = Totals::of(&lines, &unmatched);
    totals.provider_adjustments = payments.provider_adjustments.iter().map(|a| a.amount).sum();
    let by_status = ByStatus::of(&lines);
    let aging = summary::aging(&lines);
    let kpis = Kpis::of(&lines, &totals);
    progress("Gathering the lines into claims", 96);
    let claims = claims::build(&lines, &options.deadlines);
    let mut waiting = Waiting { claims: claims.iter().filter(|c| c.waiting).count(), ..Waiting::default() };
    for l in lines.iter().filter(|l| options.deadlines.is_waiting(l)) {
        waiting.lines += 1;
        waiting.billed += l.billed;
    }
    progress("Checking the match for warnings", 97);
    let warnings = if single {
        Vec::new()
    } else {
        let mut charge_dates = None;
        lines.iter().for_each(|l| warnings::widen(&mut charge_dates, l.service_date));
        let claim_examples = lines
            .iter()
            .find_map(|l| l.claim_id.as_ref())
            .zip(unmatched.iter().find_map(|u| u.claim_id.as_ref()))
            .map(|(c, p)| (c.to_string(), p.to_string()));
        let outside_charge_dates = charge_dates.map_or(0, |(first, last)| {
            unmatched.iter().filter(|u| u.service_date.is_some_and(|d| d < first || d > last)).count()
        });
        let m = warnings::Matching {
            payment_rows: payment_count,
            matched: payment_count - unmatched.len(),
            swapped,
            charge_dates,
            payment_dates,
            outside_charge_dates,
            claim_examples,
        };
        warnings::warnings(Some(&m), &lines, &kpis, &aging)
    };
    let summary = Summary {
        mode: if single { Mode::Single } else { Mode::Matched },
        as_of: iso(options.as_of),
        matched_by: if single { MatchedBy::None } else { level.matched_by() },
        rows: counts,
        notes,
        warnings,
        by_status,
        aging,
        kpis,
        reason_codes: reasons.totals(),
        totals,
        claims: claims.len(),
        waiting,
        funnel: None,
    };
    progress("The follow-up list", 98);
    let worklist =
        worklist::build(&lines, &claims, &unmatched, Tolerance(options.tolerance), &options.deadlines);
    Report {
        summary,
        lines,
        claims,
        unmatched_payments: unmatched,
        rejected,
        worklist,
        provider_adjustments: payments.provider_adjustments,
        remittance_findings: payments.findings,
        duplicates,
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
    /// insurance rows (`accepted_paid`: patient rows excluded, duplicate postings
    /// included: their paid is in `duplicates`); and the
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
        let paid: Money = self.lines.iter().map(|l| l.insurance_paid).sum::<Money>()
            + unmatched_insurance
            + self.duplicates.iter().map(|d| d.paid).sum::<Money>();
        if paid != accepted_paid {
            return fail(format!(
                "lines, unmatched payments and duplicates hold {paid} insurance paid, accepted insurance rows {accepted_paid}"
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
