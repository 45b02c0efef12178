//! Reading a remittance on its own (SPEC §12): the posting sheet and the patient's explanation.
//!
//! A billing specialist posts every 835 (ERA) into the practice system line by line, and a
//! patient wants to know what the plan did with a bill. Neither needs a charges file, so this
//! module turns one or more 835 files into a [`RemitReport`] without any reconciliation:
//!
//! - `payments`: one per check or EFT (ST…SE transaction), with its PLB provider adjustments;
//! - `claims`: one per CLP, with the status in plain words and the claim-level CAS;
//! - `lines`: the posting sheet, one per SVC, or one per claim sent without service lines,
//!   with patient responsibility split into deductible, coinsurance, copay and other;
//! - `totals`, and the reader's balancing `findings`.
//!
//! The 835 itself is read by [`crate::x12`], and the split of an adjustment group into columns
//! is [`crate::x12::remit_lines`]'s, so the posting sheet and the reconciliation agree to the cent.
//! Files, envelopes and duplicates (SPEC §8.5): several ISA/ST per file and several files are
//! read in order; identical files are refused, naming both; a check (TRN02) from a payer that
//! was already read is skipped, with a note. `export.rs` writes the CSV and the workbook,
//! `text.rs` the plain-text summary, and `explain.rs` the patient's explanation of a claim.
//!
//! Choices where the SPEC is silent:
//! - Totals are summed from the segments, not from the lines: `contractual` is Σ CO over every
//!   CAS, claim level included, so a claim-level adjustment counts once and is never spread.
//! - `patientResponsibility` in the totals is Σ PR (CLP05 is shown per claim; a claim where they
//!   differ is a balancing finding).
//! - A payment is the same check when its TRN02 and its payer (N1*PR id, else name, compared
//!   without case) are the same; a payment without TRN02 is never a duplicate.

mod explain;
mod export;
mod text;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::Money;
use crate::reconcile::{ProviderAdjustment, RemittanceFinding};
use crate::x12::{self, AdjustmentGroup, Claim, RemitLineKind, Remittance, Transaction, X12Error};

pub use explain::{explain, Explanation, ExplanationItem, ExplanationService};
pub use export::{lines_csv, remit_book};
pub use text::summary_text;

/// One input file: its name (as the user knows it) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct RemitFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Why a set of files cannot be read as remittances.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemitError {
    #[error("no remittance file was given: choose one or more 835 (ERA) files")]
    NoFiles,
    #[error("{file}: {source}")]
    NotRemittance { file: String, source: X12Error },
    #[error("{second} is the same file as {first} (identical contents); give each file once")]
    SameFile { first: String, second: String },
}

/// Everything read from the remittances (SPEC §12).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemitReport {
    pub payments: Vec<PaymentSummary>,
    pub claims: Vec<ClaimSummary>,
    pub lines: Vec<PostingLine>,
    pub totals: RemitTotals,
    pub findings: Vec<RemittanceFinding>,
    /// + What was skipped and why (the same check read twice).
    pub notes: Vec<String>,
    /// + The meaning of every reason (`CO-45`) and remark (`N130`) code used above, in plain
    ///   words; a code nobody knows means "unknown code".
    pub code_meanings: BTreeMap<String, String>,
}

/// One check or EFT: an 835 transaction.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSummary {
    pub file: String,
    /// N1*PR.
    pub payer: String,
    /// N1*PE.
    pub payee: String,
    /// TRN02: the check number or the EFT trace number.
    pub check_number: Option<String>,
    /// BPR04 as sent (`CHK`, `ACH`, `NON`).
    pub method: Option<String>,
    /// + BPR04 in plain words ("check", "electronic funds transfer (ACH)").
    pub method_meaning: Option<String>,
    /// BPR16.
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub date: Option<NaiveDate>,
    /// BPR02.
    pub amount: Option<Money>,
    pub claims: usize,
    /// PLB, as in the report of SPEC §7.
    pub provider_adjustments: Vec<ProviderAdjustment>,
}

/// One claim as the payer adjudicated it (CLP).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimSummary {
    pub file: String,
    pub check_number: Option<String>,
    /// + N1*PR, so that a claim row stands on its own.
    pub payer: String,
    /// + Index of the claim's payment in `payments`.
    pub payment: usize,
    /// CLP01: the practice's own claim number.
    pub claim_id: String,
    /// CLP02 as sent.
    pub status: String,
    /// CLP02 in plain words; "unknown status code 27" for a code the table does not know.
    pub status_meaning: String,
    /// CLP07.
    pub payer_claim_number: Option<String>,
    pub patient: Option<String>,
    pub member_id: Option<String>,
    /// + The first date of service: the statement start, else the earliest line date.
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub service_date: Option<NaiveDate>,
    /// CLP03.
    pub billed: Money,
    /// CLP04.
    pub paid: Money,
    /// CLP05, when sent.
    pub patient_responsibility: Option<Money>,
    /// Claim-level CAS only; line CAS are on the lines.
    pub adjustments: Vec<ClaimAdjustment>,
    /// + Remark codes of the claim (MOA, MIA).
    pub remark_codes: Vec<String>,
    /// + Index of the claim's first line in `lines`, and how many it has.
    pub first_line: usize,
    pub line_count: usize,
}

/// One claim-level CAS reason and amount.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimAdjustment {
    pub group: String,
    pub code: String,
    pub meaning: String,
    pub amount: Money,
}

/// One row of the posting sheet: a service line, or a claim sent without service lines.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostingLine {
    pub file: String,
    pub check_number: Option<String>,
    pub claim_id: String,
    /// + Index of the line's claim in `claims`.
    pub claim: usize,
    /// + NM1*QC, as `LAST, FIRST M`.
    pub patient: Option<String>,
    /// REF*6R.
    pub line_control: Option<String>,
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub service_date: Option<NaiveDate>,
    /// SVC01 (SVC06 when the payer changed the code); `None` for a claim without lines.
    pub code: Option<String>,
    pub modifiers: Vec<String>,
    /// SVC05 as decimal text; `None` when not sent.
    pub units: Option<String>,
    pub billed: Money,
    /// AMT*B6.
    pub allowed: Option<Money>,
    pub paid: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    pub copay: Money,
    /// PR with any other reason (not covered, over a benefit maximum, ...).
    pub other_patient: Money,
    pub contractual: Money,
    /// OA, PI, and the 4010 group CR.
    pub other_adjustments: Money,
    pub reason_codes: Vec<String>,
    pub remark_codes: Vec<String>,
}

/// The sums of every payment read (duplicates skipped).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemitTotals {
    /// Σ CLP03.
    pub billed: Money,
    /// Σ CLP04.
    pub paid: Money,
    /// Σ CO.
    pub contractual: Money,
    /// Σ PR.
    pub patient_responsibility: Money,
    /// Σ PR-1, PR-2, PR-3.
    pub deductible: Money,
    pub coinsurance: Money,
    pub copay: Money,
    /// + Σ PR with any other reason.
    pub other_patient: Money,
    /// Σ OA, PI, CR (and groups this reader does not know).
    pub other_adjustments: Money,
    /// Σ PLB: positive amounts reduce the payments.
    pub provider_adjustments: Money,
    /// + Σ BPR02, what was actually sent.
    pub payments: Money,
}

/// CARC 1, 2 and 3: the parts of patient responsibility that plans name.
const CARC_DEDUCTIBLE: &str = "1";
const CARC_COINSURANCE: &str = "2";
const CARC_COPAY: &str = "3";

/// Reads one or more 835 files into the posting report.
pub fn read_remittances(files: &[RemitFile<'_>]) -> Result<RemitReport, RemitError> {
    if files.is_empty() {
        return Err(RemitError::NoFiles);
    }
    for (i, file) in files.iter().enumerate() {
        if let Some(first) = files[..i].iter().find(|f| f.bytes == file.bytes) {
            return Err(RemitError::SameFile {
                first: first.name.to_string(),
                second: file.name.to_string(),
            });
        }
    }
    let mut report = RemitReport::default();
    let mut seen: BTreeMap<(String, String), FirstCopy> = BTreeMap::new();
    for file in files {
        let remittance = x12::parse(file.bytes)
            .map_err(|source| RemitError::NotRemittance { file: file.name.to_string(), source })?;
        add_file(&mut report, &mut seen, file.name, &remittance);
    }
    add_code_meanings(&mut report);
    Ok(report)
}

/// Where a check was first read, and what it said it paid.
struct FirstCopy {
    file: String,
    amount: Option<Money>,
}

fn add_file(
    report: &mut RemitReport,
    seen: &mut BTreeMap<(String, String), FirstCopy>,
    file: &str,
    remittance: &Remittance,
) {
    let mut findings: Vec<&x12::Finding> = remittance.findings.iter().collect();
    for transaction in &remittance.transactions {
        if let Some(key) = check_key(transaction) {
            if let Some(first) = seen.get(&key) {
                report.notes.push(duplicate_note(transaction, file, first));
                continue;
            }
            seen.insert(key, FirstCopy { file: file.to_string(), amount: transaction.payment.amount });
        }
        findings.extend(transaction.findings.iter());
        findings.extend(transaction.claims.iter().flat_map(|c| c.findings.iter()));
        add_transaction(report, file, transaction);
    }
    findings.sort_by_key(|f| f.segment);
    report.findings.extend(findings.into_iter().map(|f| RemittanceFinding::from_x12(file, f)));
}

/// TRN02 and the payer: what makes a check the same check (SPEC §8.5).
fn check_key(transaction: &Transaction) -> Option<(String, String)> {
    let trace = transaction.payment.trace_number.as_deref()?.trim();
    if trace.is_empty() {
        return None;
    }
    let payer = transaction.payer.id.as_deref().unwrap_or(&transaction.payer.name);
    Some((trace.to_string(), payer.trim().to_uppercase()))
}

fn duplicate_note(transaction: &Transaction, file: &str, first: &FirstCopy) -> String {
    let check = transaction.payment.trace_number.as_deref().unwrap_or_default();
    let payer = &transaction.payer.name;
    let place = if file == first.file {
        format!("{file} holds it twice")
    } else {
        format!("first in {}, again in {file}", first.file)
    };
    let amount = |a: Option<Money>| a.map_or_else(|| "no amount".to_string(), |a| a.to_string());
    // Nothing is dropped silently: a copy that says something else is named with both amounts.
    let differs = if transaction.payment.amount != first.amount {
        format!(
            "; the copy skipped says {}, the one read {}",
            amount(transaction.payment.amount),
            amount(first.amount)
        )
    } else {
        String::new()
    };
    format!("check {check} from {payer} appears twice; read once ({place}){differs}")
}

fn add_transaction(report: &mut RemitReport, file: &str, transaction: &Transaction) {
    let payment = &transaction.payment;
    let adjustments: Vec<ProviderAdjustment> = transaction
        .provider_adjustments
        .iter()
        .map(|a| ProviderAdjustment::from_x12(file, &transaction.payer.name, a))
        .collect();
    report.totals.provider_adjustments += transaction.provider_adjustments_total();
    report.totals.payments += payment.amount.unwrap_or(Money::ZERO);
    report.payments.push(PaymentSummary {
        file: file.to_string(),
        payer: transaction.payer.name.clone(),
        payee: transaction.payee.name.clone(),
        check_number: payment.trace_number.clone(),
        method: payment.method.as_ref().map(|m| m.code().to_string()),
        method_meaning: payment.method.as_ref().map(|m| m.meaning().unwrap_or("unknown method").to_string()),
        date: payment.date,
        amount: payment.amount,
        claims: transaction.claims.len(),
        provider_adjustments: adjustments,
    });
    for claim in &transaction.claims {
        add_claim(report, file, transaction, claim);
    }
}

fn add_claim(report: &mut RemitReport, file: &str, transaction: &Transaction, claim: &Claim) {
    add_to_totals(&mut report.totals, claim);
    let index = report.claims.len();
    let first_line = report.lines.len();
    let mut rows = Vec::new();
    x12::claim_rows(transaction, claim, &mut rows);
    // A claim with lines gives its SVC rows in order, then possibly a claim-adjustment row that
    // the posting sheet leaves on the claim; a claim without lines gives one whole-claim row.
    let services = claim.services.iter().map(Some).chain(std::iter::repeat(None));
    for (row, service) in rows.into_iter().zip(services) {
        if row.kind == RemitLineKind::ClaimAdjustment {
            continue;
        }
        report.lines.push(PostingLine {
            file: file.to_string(),
            check_number: row.check_number,
            claim_id: row.claim_id,
            claim: index,
            patient: row.patient,
            line_control: row.line_control_number,
            service_date: row.service_date,
            code: row.code,
            modifiers: row.modifiers,
            units: service.and_then(|s| s.units).map(|u| u.normalize().to_string()),
            billed: row.billed,
            allowed: row.allowed,
            paid: row.paid,
            deductible: row.deductible,
            coinsurance: row.coinsurance,
            copay: row.copay,
            other_patient: row.patient_responsibility - row.deductible - row.coinsurance - row.copay,
            contractual: row.contractual,
            other_adjustments: row.other_adjustment,
            reason_codes: row.reason_codes,
            remark_codes: row.remark_codes,
        });
    }
    let line_dates = claim.services.iter().filter_map(|s| s.date()).min();
    report.claims.push(ClaimSummary {
        file: file.to_string(),
        check_number: transaction.payment.trace_number.clone(),
        payer: transaction.payer.name.clone(),
        payment: report.payments.len() - 1,
        claim_id: claim.patient_control_number.clone(),
        status: claim.status.code().to_string(),
        status_meaning: claim
            .status
            .meaning()
            .map_or_else(|| format!("unknown status code {}", claim.status.code()), str::to_string),
        payer_claim_number: claim.payer_claim_number.clone(),
        patient: claim.patient.as_ref().map(|p| p.display_name()),
        member_id: claim.patient.as_ref().and_then(|p| p.id.clone()),
        service_date: claim.statement_from.or(line_dates),
        billed: claim.charge,
        paid: claim.paid,
        patient_responsibility: claim.patient_responsibility,
        adjustments: claim
            .adjustments
            .iter()
            .map(|a| ClaimAdjustment {
                group: a.group.code().to_string(),
                code: a.reason.clone(),
                meaning: crate::carc::carc_meaning(&a.reason).unwrap_or("unknown code").to_string(),
                amount: a.amount,
            })
            .collect(),
        remark_codes: claim.remarks.clone(),
        first_line,
        line_count: report.lines.len() - first_line,
    });
}

/// Adds a claim's CLP amounts and every CAS (claim and line level) to the totals.
fn add_to_totals(totals: &mut RemitTotals, claim: &Claim) {
    totals.billed += claim.charge;
    totals.paid += claim.paid;
    for adjustment in claim.all_adjustments() {
        let amount = adjustment.amount;
        match &adjustment.group {
            AdjustmentGroup::Contractual => totals.contractual += amount,
            AdjustmentGroup::PatientResponsibility => {
                totals.patient_responsibility += amount;
                match adjustment.reason.as_str() {
                    CARC_DEDUCTIBLE => totals.deductible += amount,
                    CARC_COINSURANCE => totals.coinsurance += amount,
                    CARC_COPAY => totals.copay += amount,
                    _ => totals.other_patient += amount,
                }
            }
            AdjustmentGroup::OtherAdjustment
            | AdjustmentGroup::PayerInitiated
            | AdjustmentGroup::CorrectionLegacy
            | AdjustmentGroup::Unknown(_) => totals.other_adjustments += amount,
        }
    }
}

/// The meaning of every reason and remark code the report uses.
fn add_code_meanings(report: &mut RemitReport) {
    let mut meanings = BTreeMap::new();
    let reasons = report.lines.iter().flat_map(|l| l.reason_codes.iter().cloned()).chain(
        report.claims.iter().flat_map(|c| c.adjustments.iter().map(|a| format!("{}-{}", a.group, a.code))),
    );
    for code in reasons {
        let reason = code.split_once('-').map_or(code.as_str(), |(_, r)| r);
        let meaning = crate::carc::carc_meaning(reason).unwrap_or("unknown code").to_string();
        meanings.insert(code, meaning);
    }
    let remarks = report
        .lines
        .iter()
        .flat_map(|l| &l.remark_codes)
        .chain(report.claims.iter().flat_map(|c| &c.remark_codes));
    for code in remarks {
        meanings.entry(code.clone()).or_insert_with(|| crate::rarc::describe(code));
    }
    report.code_meanings = meanings;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    const ISA: &str = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PRACTICE       *240105*1200*^*00501*000000001*0*P*:~GS*HP*PAYER*PRACTICE*20240105*1200*1*X*005010X221A1~";

    fn transaction(control: &str, check: &str, payer: &str, body: &str) -> String {
        format!(
            "ST*835*{control}~BPR*I*100*C*CHK************20240105~TRN*1*{check}*1999999999~\
             N1*PR*{payer}~N1*PE*SMALL PRACTICE*XX*1234567893~LX*1~{body}SE*99*{control}~"
        )
    }

    fn file(transactions: &[String]) -> String {
        format!("{ISA}{}GE*1*1~IEA*1*000000001~", transactions.concat())
    }

    const CLAIM_A: &str = "CLP*A1*1*200*100*60*12*P1~NM1*QC*1*DOE*JANE****MI*M1~\
        SVC*HC:99213*150*80**1~DTM*472*20240102~CAS*PR*1*30**2*10~CAS*CO*45*30~AMT*B6*120~LQ*HE*N130~\
        SVC*HC:81002*50*20**2~CAS*PR*3*20~CAS*OA*23*10~";
    const CLAIM_B: &str = "CLP*B2*4*90*0*0*12*P2~NM1*QC*1*ROE*RICHARD****MI*M2~CAS*CO*97*90~";

    #[test]
    fn lines_are_service_lines_plus_one_per_claim_without_lines() {
        let text = file(&[transaction("1", "CHK1", "ACME HEALTH", &format!("{CLAIM_A}{CLAIM_B}"))]);
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        assert_eq!(report.payments.len(), 1);
        assert_eq!(report.payments[0].claims, 2);
        assert_eq!(report.payments[0].method_meaning.as_deref(), Some("check"));
        assert_eq!(report.claims.len(), 2);
        assert_eq!(report.lines.len(), 3);
        let first = &report.lines[0];
        assert_eq!((first.deductible, first.coinsurance, first.copay), (m("30"), m("10"), m("0")));
        assert_eq!(first.contractual, m("30"));
        assert_eq!(first.units.as_deref(), Some("1"));
        assert_eq!(report.lines[1].units.as_deref(), Some("2"));
        assert_eq!(report.lines[1].other_adjustments, m("10"));
        let whole = &report.lines[2];
        assert_eq!((whole.code.as_deref(), whole.claim, whole.contractual), (None, 1, m("90")));
        assert_eq!(report.claims[1].status_meaning, "denied");
        assert_eq!(report.claims[1].adjustments[0].meaning, "bundled into another service");
        assert_eq!((report.claims[0].first_line, report.claims[0].line_count), (0, 2));
        assert_eq!(report.code_meanings["N130"], "consult the plan's benefit documents for coverage limits");
        assert_eq!(report.code_meanings["PR-1"], "deductible");
    }

    #[test]
    fn totals_split_patient_responsibility_and_tie_to_the_cent() {
        let text = file(&[transaction("1", "CHK1", "ACME HEALTH", &format!("{CLAIM_A}{CLAIM_B}"))]);
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        let t = &report.totals;
        assert_eq!((t.billed, t.paid), (m("290"), m("100")));
        assert_eq!(
            (t.deductible, t.coinsurance, t.copay, t.other_patient),
            (m("30"), m("10"), m("20"), m("0"))
        );
        assert_eq!(t.patient_responsibility, m("60"));
        assert_eq!((t.contractual, t.other_adjustments), (m("120"), m("10")));
        // Every dollar billed is paid or adjusted.
        assert_eq!(t.billed, t.paid + t.contractual + t.patient_responsibility + t.other_adjustments);
    }

    #[test]
    fn claim_level_adjustments_stay_on_the_claim_and_count_once() {
        let body = "CLP*C3*1*800*450*300*12*9406~CAS*CO*A2*50~SVC*HC:99211*800*500~CAS*PR*1*300~";
        let text = file(&[transaction("1", "CHK1", "ACME", body)]);
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        assert_eq!(report.lines.len(), 1, "the claim-level CO-A2 is not a line of its own");
        assert_eq!(report.lines[0].contractual, Money::ZERO);
        assert_eq!(report.claims[0].adjustments.len(), 1);
        assert_eq!(report.claims[0].adjustments[0].amount, m("50"));
        assert_eq!(report.totals.contractual, m("50"));
    }

    #[test]
    fn the_same_check_from_the_same_payer_is_read_once() {
        let one = transaction("1", "0012345", "AETNA", CLAIM_A);
        let again = transaction("2", "0012345", "aetna", CLAIM_A);
        let other_payer = transaction("3", "0012345", "CIGNA", CLAIM_B);
        let a = file(std::slice::from_ref(&one));
        let b = file(&[again, other_payer]);
        let report = read_remittances(&[
            RemitFile { name: "a.835", bytes: a.as_bytes() },
            RemitFile { name: "b.835", bytes: b.as_bytes() },
        ])
        .unwrap();
        assert_eq!(report.payments.len(), 2);
        assert_eq!(report.payments[1].payer, "CIGNA");
        assert_eq!(report.claims.len(), 2);
        assert_eq!(report.totals.paid, m("100"));
        assert_eq!(
            report.notes,
            ["check 0012345 from aetna appears twice; read once (first in a.835, again in b.835)"]
        );
    }

    #[test]
    fn a_skipped_copy_that_says_another_amount_is_named_with_both() {
        let one = transaction("1", "C1", "ACME", CLAIM_A);
        let changed = transaction("2", "C1", "ACME", CLAIM_A).replace("BPR*I*100*", "BPR*I*90*");
        let text = file(&[one, changed]);
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        assert_eq!(
            report.notes,
            ["check C1 from ACME appears twice; read once (a.835 holds it twice); the copy skipped says 90.00, the one read 100.00"]
        );
    }

    #[test]
    fn several_interchanges_and_transactions_in_one_file_are_all_read() {
        let first = file(&[transaction("1", "C1", "ACME", CLAIM_A), transaction("2", "C2", "ACME", CLAIM_B)]);
        let text = format!("{first}{}", file(&[transaction("3", "C3", "ACME", CLAIM_B)]));
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        let checks: Vec<_> = report.payments.iter().map(|p| p.check_number.as_deref().unwrap()).collect();
        assert_eq!(checks, ["C1", "C2", "C3"]);
        assert_eq!(report.claims.len(), 3);
    }

    #[test]
    fn unknown_codes_are_shown_as_codes() {
        let body = "CLP*Z9*27*10*0~SVC*HC:1*10*0~CAS*CO*ZZ9*10~LQ*HE*N9999~";
        let text = file(&[transaction("1", "C1", "ACME", body)]);
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        assert_eq!(report.claims[0].status_meaning, "unknown status code 27");
        assert_eq!(report.code_meanings["CO-ZZ9"], "unknown code");
        assert_eq!(report.code_meanings["N9999"], "remark N9999: see the payer's remark code list");
    }

    #[test]
    fn identical_files_are_refused_naming_both() {
        let text = file(&[transaction("1", "C1", "ACME", CLAIM_A)]);
        let err = read_remittances(&[
            RemitFile { name: "monday.835", bytes: text.as_bytes() },
            RemitFile { name: "copy.835", bytes: text.as_bytes() },
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "copy.835 is the same file as monday.835 (identical contents); give each file once"
        );
    }

    #[test]
    fn a_file_that_is_not_an_835_is_named() {
        let err =
            read_remittances(&[RemitFile { name: "charges.csv", bytes: b"Claim,Paid\n1,2\n" }]).unwrap_err();
        assert!(err.to_string().starts_with("charges.csv: this is not an X12 file"), "{err}");
        assert_eq!(read_remittances(&[]).unwrap_err(), RemitError::NoFiles);
    }

    #[test]
    fn unbalanced_payment_is_a_finding_naming_the_file() {
        let text = file(&[transaction("1", "C1", "ACME", CLAIM_B)]); // BPR02 100, CLP04 0
        let report = read_remittances(&[RemitFile { name: "a.835", bytes: text.as_bytes() }]).unwrap();
        assert!(report.findings.iter().any(|f| f.file == "a.835" && f.segment > 0), "{:?}", report.findings);
    }
}
