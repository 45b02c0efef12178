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
pub mod line;
pub mod matching;
pub mod query;
pub mod status;
pub mod summary;
pub mod worklist;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::carc::ReasonCode;
use crate::columns::{Mapping, MappingOverride, Role};
use crate::hashing::FastMap;
use crate::money::Money;
use crate::records::{self, ChargeRow, FeeRow, FileKind, InputError, PaymentRow, Records, Rejected, Remit};
use crate::table::dates::{days_between, iso};
use crate::table::Limits;

pub use line::Line;
pub use matching::{MatchLevel, MatchedBy};
pub use status::Status;
pub use worklist::WorkItem;

use fees::FeeSchedule;
use line::{Group, LineContext};
use matching::{Explainer, MissingKey};
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
    pub file: String,
    /// Its row (for an 835, the segment number of its SVC or CLP).
    pub row: u32,
    pub claim_id: Option<String>,
    pub patient: Option<String>,
    #[serde(serialize_with = "line::iso_date")]
    pub service_date: Option<NaiveDate>,
    pub code: Option<String>,
    pub paid: Money,
    /// Why it matched nothing, e.g. "claim 123 exists, but not code 99214".
    pub note: String,
    pub payer: Option<String>,
    pub check_number: Option<String>,
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
#[derive(Clone, Copy, Debug)]
pub struct FileInput<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub sheet: Option<&'a str>,
    pub mapping: Option<&'a MappingOverride>,
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
    let single = payments.is_empty();
    // Reading dominates; share 80% of the bar among the files by size.
    let total_bytes = (charges.bytes.len()
        + payments.iter().map(|p| p.bytes.len()).sum::<usize>()
        + fees.map_or(0, |f| f.bytes.len()))
    .max(1);
    let done_bytes = std::cell::Cell::new(0usize);
    // Reads one file's sheet, telling `progress` how far along it is, and
    // hands the table to `rows`, which turns it into records; the sheet is
    // dropped as soon as its rows are read.
    let read_file = |f: &FileInput<'_>, progress: &mut dyn FnMut(&str, u8)| {
        let start = done_bytes.get() as f32 * 80.0 / total_bytes as f32;
        let share = f.bytes.len() as f32 * 80.0 / total_bytes as f32;
        done_bytes.set(done_bytes.get() + f.bytes.len());
        let message = format!("Reading {}", f.name);
        progress(&message, start as u8);
        let table = records::load_with_progress(f.bytes, f.name, f.sheet, f.mapping, limits, &mut |read| {
            progress(&message, (start + share * 0.8 * read) as u8)
        })?;
        progress(&format!("Reading the rows of {}", f.name), (start + share * 0.8) as u8);
        Ok::<_, InputError>(table)
    };
    let charge_table = read_file(charges, progress)?;
    let charge_records = records::read_charges(&charge_table, single)?;
    let records::Table { mapping: charge_mapping, .. } = charge_table;
    let payments = if single {
        None
    } else {
        let mut loaded = Payments::default();
        let mut roles: Option<BTreeSet<Role>> = None;
        for p in payments {
            let mapped = if crate::x12::looks_like_x12(p.bytes) {
                progress(&format!("Reading {}", p.name), (done_bytes.get() * 80 / total_bytes) as u8);
                done_bytes.set(done_bytes.get() + p.bytes.len());
                let (records, remittance) = records::read_835(p.bytes, p.name)?;
                add_remittance(&mut loaded, p.name, &remittance);
                loaded.records.push(records);
                records::roles_835()
            } else {
                let table = read_file(p, progress)?;
                loaded.records.push(records::read_payments(&table)?);
                table.mapping.roles().map(|(r, _)| r).collect()
            };
            roles = Some(match roles {
                None => mapped,
                Some(r) => r.intersection(&mapped).copied().collect(),
            });
        }
        loaded.roles = roles.unwrap_or_default();
        Some(loaded)
    };
    let fees = match fees {
        Some(f) => Some(records::read_fees(&read_file(f, progress)?)?),
        None => None,
    };
    let inputs = Inputs { charges: charge_records, charge_mapping, payments, fees };
    let report = reconcile_with_progress(inputs, options, progress);
    progress("Done", 100);
    Ok(report)
}

/// Takes an 835's provider adjustments and findings into the report.
fn add_remittance(payments: &mut Payments, file: &str, remittance: &crate::x12::Remittance) {
    for t in &remittance.transactions {
        for a in &t.provider_adjustments {
            payments.provider_adjustments.push(ProviderAdjustment {
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
        payments.findings.push(RemittanceFinding {
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
    reconcile_with_progress(inputs, options, &mut |_, _| {})
}

/// [`reconcile`], telling `progress` which step it is on (80–99% of the bar).
fn reconcile_with_progress(inputs: Inputs, options: &Options, progress: &mut dyn FnMut(&str, u8)) -> Report {
    progress("Matching payments to charges", 80);
    let Inputs { charges, charge_mapping, payments, fees } = inputs;
    let single = payments.is_none();
    let charge_roles: BTreeSet<Role> = charge_mapping.roles().map(|(r, _)| r).collect();
    let level = match &payments {
        None => MatchLevel::choose(&charge_roles, &charge_roles),
        Some(p) => MatchLevel::choose(&charge_roles, &p.roles),
    };

    let mut notes: Vec<String> = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    let mut counts = RowCounts::default();
    absorb(&charges, &mut counts, &mut notes, &mut rejected);
    let Payments { records: payment_records, provider_adjustments, findings: remittance_findings, .. } =
        payments.unwrap_or_default();
    for p in &payment_records {
        absorb(p, &mut counts, &mut notes, &mut rejected);
    }
    if let Some(f) = &fees {
        absorb(f, &mut counts, &mut notes, &mut rejected);
    }
    notes.insert(
        0,
        if single {
            "single mode: each row of the charges file carries what was billed and what came back".to_string()
        } else {
            level.describe()
        },
    );

    // 1. Group charge rows into lines, in the order of their first row.
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: FastMap<Box<str>, usize> = FastMap::default();
    let mut key = String::new();
    for row in &charges.rows {
        match level.write_key(&row.keys, &mut key) {
            Ok(()) => {
                let i = match index.get(key.as_str()) {
                    Some(&i) => i,
                    None => {
                        groups.push(Group::default());
                        index.insert(key.as_str().into(), groups.len() - 1);
                        groups.len() - 1
                    }
                };
                groups[i].charges.push(row);
            }
            // Without a key, a row cannot be matched: in matched mode that
            // makes it unusable; in single mode (or when nothing can match) it
            // is simply a line of its own.
            Err(MissingKey(role)) if !single && level != MatchLevel::None => rejected.push(Rejected {
                file: FileKind::Charges,
                row: row.row,
                column: charge_mapping.column(role).map(crate::table::column_letter),
                value: String::new(),
                reason: format!("no {} to match on", role.label()),
            }),
            Err(_) => groups.push(Group { charges: vec![row], payments: Vec::new() }),
        }
    }

    // 2. Attach each payment row to its line, or explain why it has none.
    // A claim-level row of an 835 (a claim paid without service lines, or
    // claim adjustments) has no code: it applies to the claim's first line.
    let mut first_line_of_claim: FastMap<&str, usize> = FastMap::default();
    for (i, g) in groups.iter().enumerate() {
        if let Some(c) = g.charges.first().and_then(|c| c.keys.claim.as_ref()) {
            first_line_of_claim.entry(c.key.as_str()).or_insert(i);
        }
    }
    let mut unmatched_rows: Vec<(&str, &PaymentRow)> = Vec::new();
    let mut claim_level_applied = 0usize;
    for records in &payment_records {
        for p in &records.rows {
            counts.payments += 1;
            let by_key = match level.write_key(&p.keys, &mut key) {
                Ok(()) => index.get(key.as_str()).copied(),
                Err(_) => None,
            };
            let by_claim = || {
                let claim = p.keys.claim.as_ref()?;
                (p.claim_level && level != MatchLevel::None)
                    .then(|| first_line_of_claim.get(claim.key.as_str()))?
            };
            match by_key.or_else(|| by_claim().copied()) {
                Some(i) => {
                    if by_key.is_none() {
                        claim_level_applied += 1;
                    }
                    groups[i].payments.push(p)
                }
                None => unmatched_rows.push((records.name.as_str(), p)),
            }
        }
    }
    drop(index);
    // The explanations need every charge's coarser keys: built only when some payment matched nothing.
    let unmatched: Vec<UnmatchedPayment> = if unmatched_rows.is_empty() {
        Vec::new()
    } else {
        let explainer =
            Explainer::new(level, groups.iter().flat_map(|g| g.charges.iter().map(|c: &&ChargeRow| &c.keys)));
        unmatched_rows
            .into_iter()
            .map(|(file, p)| unmatched_payment(file, p, explainer.explain(&p.keys), options.as_of))
            .collect()
    };
    if claim_level_applied > 0 {
        notes.push(format!(
            "{claim_level_applied} claim-level remittance row(s) (claims paid without service lines, or claim adjustments) were applied to the first line of their claim"
        ));
    }

    // 3. Figures per line.
    progress("Working out each line", 88);
    let schedule = fees.as_ref().map(|f| FeeSchedule::new(&f.rows));
    if let Some(s) = &schedule {
        for (first, again) in &s.conflicts {
            notes.push(format!("fees rows {first} and {again} give different amounts for the same code and payer; row {first} was used"));
        }
    }
    let ctx = LineContext {
        as_of: options.as_of,
        tolerance: Tolerance(options.tolerance),
        fees: schedule.as_ref(),
        single,
    };
    let lines: Vec<Line> = groups.into_iter().map(|g| g.into_line(&ctx)).collect();
    counts.charges = lines.iter().map(|l| l.charge_rows.len()).sum();
    counts.rejected = rejected.len();

    progress("Totals, aging and the worklist", 95);
    notes.extend(date_notes(&lines, options.as_of));
    let mut totals = Totals::of(&lines, &unmatched);
    totals.provider_adjustments = provider_adjustments.iter().map(|a| a.amount).sum();
    let remits: Vec<&Remit> = if single {
        charges.rows.iter().map(|c| &c.remit).collect()
    } else {
        payment_records.iter().flat_map(|r| r.rows.iter().map(|p| &p.remit)).collect()
    };
    let summary = Summary {
        mode: if single { Mode::Single } else { Mode::Matched },
        as_of: iso(options.as_of),
        matched_by: if single { MatchedBy::None } else { level.matched_by() },
        rows: counts,
        notes,
        by_status: ByStatus::of(&lines),
        aging: summary::aging(&lines),
        kpis: Kpis::of(&lines, &totals),
        reason_codes: summary::reason_totals(remits.into_iter()),
        totals,
    };
    let worklist = worklist::build(&lines, &unmatched);
    Report {
        summary,
        lines,
        unmatched_payments: unmatched,
        rejected,
        worklist,
        provider_adjustments,
        remittance_findings,
    }
}

/// Takes a file's blank and footer counts, notes and rejected rows into the report.
fn absorb<T>(r: &Records<T>, counts: &mut RowCounts, notes: &mut Vec<String>, rejected: &mut Vec<Rejected>) {
    counts.blank += r.blank;
    counts.skipped += r.totals_rows.len();
    notes.extend(r.notes.iter().cloned());
    rejected.extend(r.rejected.iter().cloned());
}

fn unmatched_payment(file: &str, p: &PaymentRow, note: String, as_of: NaiveDate) -> UnmatchedPayment {
    UnmatchedPayment {
        file: file.to_string(),
        row: p.row,
        claim_id: p.keys.claim.as_ref().map(|i| i.shown.clone()),
        patient: p.keys.patient_shown(),
        service_date: p.keys.service_date,
        code: p.keys.code.as_ref().map(|i| i.shown.clone()),
        paid: p.remit.paid,
        note,
        payer: p.payer.clone(),
        check_number: p.check_number.clone(),
        reason_codes: p.remit.reason_codes.clone(),
        age_days: p.payment_date.or(p.keys.service_date).map(|d| days_between(d, as_of)),
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
    /// Checks the three equations of SPEC §4 against the rows that went in.
    pub fn check_conservation(
        &self,
        accepted_charges: Money,
        accepted_paid: Money,
    ) -> Result<(), ConservationError> {
        let billed: Money = self.lines.iter().map(|l| l.billed).sum();
        if billed != accepted_charges {
            return Err(ConservationError(format!(
                "lines bill {billed}, accepted charge rows {accepted_charges}"
            )));
        }
        let paid: Money = self.lines.iter().map(|l| l.insurance_paid).sum::<Money>()
            + self.unmatched_payments.iter().map(|u| u.paid).sum::<Money>();
        if paid != accepted_paid {
            return Err(ConservationError(format!(
                "lines and unmatched payments hold {paid} paid, accepted payment rows {accepted_paid}"
            )));
        }
        for (i, l) in self.lines.iter().enumerate() {
            let parts = l.insurance_paid
                + l.contractual_adjustment
                + l.patient_responsibility
                + l.other_adjustment
                + l.balance;
            if l.billed != parts {
                return Err(ConservationError(format!(
                    "line {i}: billed {} but parts add to {parts}",
                    l.billed
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
