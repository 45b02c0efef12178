//! The 837 reader: the claims a practice sent (837P professional, 837I institutional), read as
//! the charges of a reconciliation (SPEC §11).
//!
//! It shares the envelope and segment code with the 835 reader (`segments.rs`: delimiters from
//! each ISA, several interchanges, groups and transactions) and files segments by the 837's
//! hierarchy: the billing provider HL (20), the subscriber HL (22, with the payer of loop 2010BB
//! and the member id), the patient HL (23, when the patient is not the subscriber), then each
//! CLM with its service lines (SV1 for 837P, SV2 with a revenue code for 837I).
//!
//! What a claim is depends on its frequency code (CLM05-3): a replacement (7) supersedes the
//! claim sent before with the same id and a void (8) takes it away; [`settle`] applies both
//! after reading and says what it did. A claim whose lines do not add up to its CLM02 total is
//! kept as sent, with a finding. Like the 835 reader, it never stops early: a segment it cannot
//! read becomes a finding naming the segment.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Money;

use super::model::{Finding, FindingKind, Severity};
use super::reader::{is_segment_id, non_empty, parse_ccyymmdd, read_amount, read_procedure, read_quantity};
use super::segments::{Segment, Splitter, Start};

/// Professional (837P, SV1 lines) or institutional (837I, SV2 lines with revenue codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ClaimForm {
    Professional,
    Institutional,
}

/// CLM05-3, the claim frequency code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Frequency {
    /// 1: an original claim (and any code other than 7 and 8).
    Original,
    /// 7: replaces the claim sent before with the same id.
    Replacement,
    /// 8: voids the claim sent before with the same id.
    Void,
}

impl Frequency {
    fn of(code: &str) -> Frequency {
        match code {
            "7" => Frequency::Replacement,
            "8" => Frequency::Void,
            _ => Frequency::Original,
        }
    }
}

/// One service line (SV1 or SV2 and what follows it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedLine {
    /// File segment number of the SV1/SV2.
    pub segment: usize,
    /// LX01, the line's number in its claim.
    pub number: Option<String>,
    /// SV101-2 or SV202-2 (HCPCS/CPT); an 837I line may have only a revenue code.
    pub code: Option<String>,
    pub modifiers: Vec<String>,
    /// SV201 (837I).
    pub revenue_code: Option<String>,
    /// SV102 or SV203.
    pub billed: Money,
    /// SV104 or SV205; 1 when not sent.
    #[serde(serialize_with = "units_text")]
    pub units: Decimal,
    /// DTP*472 of the line, else the claim's.
    #[serde(serialize_with = "super::model::iso_date")]
    pub service_date: Option<NaiveDate>,
    /// REF*6R: the line item control number the 835 echoes back.
    pub control_number: Option<String>,
}

/// Units as text (`"3"`), as the 835 model writes quantities.
fn units_text<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.normalize().to_string())
}

/// One CLM and its lines, with the parties of the loops above it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedClaim {
    /// File segment number of the CLM.
    pub segment: usize,
    /// ST02 of its transaction.
    pub transaction: String,
    /// GS06 of its functional group, which a 999's AK102 names with the ST02 in AK202.
    pub group: Option<String>,
    pub form: ClaimForm,
    /// CLM01, the patient control number an 835 returns as CLP01.
    pub id: String,
    /// CLM02.
    pub total: Money,
    pub frequency: Frequency,
    /// 2010AA NM1*85.
    pub billing_provider: Option<String>,
    /// 2010BB NM1*PR.
    pub payer: Option<String>,
    pub payer_id: Option<String>,
    /// 2010CA NM1*QC, else the subscriber (2010BA NM1*IL): "LAST, FIRST".
    pub patient: Option<String>,
    /// 2010BA NM109.
    pub member_id: Option<String>,
    /// The claim-level DTP*472 (837P) or the statement's first day (DTP*434, 837I).
    #[serde(serialize_with = "super::model::iso_date")]
    pub service_date: Option<NaiveDate>,
    pub lines: Vec<SubmittedLine>,
}

impl SubmittedClaim {
    pub fn line_total(&self) -> Money {
        self.lines.iter().map(|l| l.billed).sum()
    }
}

/// Everything read from one 837 file.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimBatch {
    /// The claims that stand, in file order, after replacements and voids ([`settle`]).
    pub claims: Vec<SubmittedClaim>,
    /// Claims taken away: superseded by a replacement or voided (and the voids themselves).
    pub withdrawn: Vec<SubmittedClaim>,
    /// Unreadable segments, totals that do not add up.
    pub findings: Vec<Finding>,
    /// What replacements and voids did, one sentence each.
    pub notes: Vec<String>,
    pub interchanges: usize,
    pub transactions: usize,
}

impl ClaimBatch {
    pub fn line_count(&self) -> usize {
        self.claims.iter().map(|c| c.lines.len()).sum()
    }

    /// The sum of the standing claims' CLM02.
    pub fn total(&self) -> Money {
        self.claims.iter().map(|c| c.total).sum()
    }
}

/// Reads the 837 transactions of a text from `start`, every claim as sent (before [`settle`]);
/// other transaction sets are passed over.
pub(crate) fn read(text: &str, start: Start) -> ClaimBatch {
    let mut reader = Reader::default();
    for segment in Splitter::new(text, start) {
        reader.segment(&segment);
    }
    reader.close_claim();
    reader.batch
}

/// Whether a text holds an 837 transaction (ST*837).
pub(crate) fn holds_837(text: &str, start: Start) -> bool {
    Splitter::new(text, start).any(|s| s.id == "ST" && s.element(1) == "837")
}

#[derive(Default)]
struct Reader {
    batch: ClaimBatch,
    in_837: bool,
    group: Option<String>,
    transaction: String,
    form: Option<ClaimForm>,
    billing_provider: Option<String>,
    payer: Option<String>,
    payer_id: Option<String>,
    subscriber: Option<String>,
    member_id: Option<String>,
    patient: Option<String>,
    claim: Option<SubmittedClaim>,
    /// An SV1/SV2 is open: REF*6R and DTP*472 belong to it.
    line_open: bool,
    lx: Option<String>,
}

impl Reader {
    fn segment(&mut self, seg: &Segment) {
        match seg.id {
            "ISA" => {
                self.batch.interchanges += 1;
                self.group = None;
            }
            "GS" => self.group = non_empty(seg.element(6)),
            "ST" => {
                self.close_claim();
                self.in_837 = seg.element(1) == "837";
                if self.in_837 {
                    self.batch.transactions += 1;
                    self.transaction = seg.element(2).to_string();
                    self.form = form_of(seg.element(3));
                }
                return;
            }
            "SE" => {
                self.close_claim();
                self.in_837 = false;
                return;
            }
            _ => {}
        }
        if !self.in_837 {
            return;
        }
        if !is_segment_id(seg.id) {
            let shown: String = seg.id.chars().take(20).collect();
            self.finding(
                seg,
                FindingKind::Malformed,
                format!("this is not an X12 segment (\"{shown}\"); ignored"),
            );
            return;
        }
        match seg.id {
            "HL" => self.hierarchy(seg),
            "NM1" => self.name(seg),
            "CLM" => self.open_claim(seg),
            "LX" => {
                self.line_open = false;
                self.lx = non_empty(seg.element(1));
            }
            "SV1" => self.line(seg, ClaimForm::Professional),
            "SV2" => self.line(seg, ClaimForm::Institutional),
            "DTP" => self.date(seg),
            "REF" if seg.element(1) == "6R" && self.line_open => {
                if let Some(line) = self.claim.as_mut().and_then(|c| c.lines.last_mut()) {
                    line.control_number = non_empty(seg.element(2));
                }
            }
            _ => {}
        }
    }

    fn finding(&mut self, seg: &Segment, kind: FindingKind, message: String) {
        self.batch.findings.push(Finding {
            segment: seg.number,
            segment_id: seg.id.chars().take(3).collect(),
            transaction_segment: None,
            severity: if kind == FindingKind::Malformed { Severity::Error } else { Severity::Warning },
            kind,
            message,
        });
    }

    fn hierarchy(&mut self, seg: &Segment) {
        self.close_claim();
        match seg.element(3) {
            "20" => {
                self.billing_provider = None;
                self.clear_subscriber();
            }
            "22" => self.clear_subscriber(),
            "23" => self.patient = None,
            _ => {}
        }
    }

    fn clear_subscriber(&mut self) {
        self.payer = None;
        self.payer_id = None;
        self.subscriber = None;
        self.member_id = None;
        self.patient = None;
    }

    /// NM1s before the first CLM of an HL name its parties; after it they belong to the claim's
    /// own loops (2310 providers, 2330 other payers) and are passed over.
    fn name(&mut self, seg: &Segment) {
        if self.claim.is_some() {
            return;
        }
        let name = person(seg);
        match seg.element(1) {
            "85" => self.billing_provider = name,
            "IL" => {
                self.subscriber = name;
                self.member_id = non_empty(seg.element(9));
            }
            "PR" => {
                self.payer = name;
                self.payer_id = non_empty(seg.element(9));
            }
            "QC" => self.patient = name,
            _ => {}
        }
    }

    fn open_claim(&mut self, seg: &Segment) {
        self.close_claim();
        let id = seg.element(1);
        if id.is_empty() {
            self.finding(
                seg,
                FindingKind::Malformed,
                "CLM01 (claim id) is missing; the claim was skipped".into(),
            );
            return;
        }
        let total = match read_amount(seg, 2, "claim total") {
            Ok(Some(total)) => total,
            Ok(None) => {
                let message = format!("CLM02 (claim total) of claim {id} is missing; the claim was skipped");
                self.finding(seg, FindingKind::Malformed, message);
                return;
            }
            Err(problem) => {
                self.finding(seg, FindingKind::Malformed, format!("{problem}; claim {id} was skipped"));
                return;
            }
        };
        let (facility, _) = seg.composite(5);
        let frequency = Frequency::of(facility.get(2).copied().unwrap_or(""));
        self.claim = Some(SubmittedClaim {
            segment: seg.number,
            transaction: self.transaction.clone(),
            group: self.group.clone(),
            form: self.form.unwrap_or(ClaimForm::Professional),
            id: id.to_string(),
            total,
            frequency,
            billing_provider: self.billing_provider.clone(),
            payer: self.payer.clone(),
            payer_id: self.payer_id.clone(),
            patient: self.patient.clone().or_else(|| self.subscriber.clone()),
            member_id: self.member_id.clone(),
            service_date: None,
            lines: Vec::new(),
        });
    }

    fn line(&mut self, seg: &Segment, form: ClaimForm) {
        self.line_open = false;
        if self.claim.is_none() {
            self.finding(seg, FindingKind::Malformed, format!("{} outside a claim; ignored", seg.id));
            return;
        }
        let (revenue_code, procedure_at, charge_at, units_at) = match form {
            ClaimForm::Professional => (None, 1, 2, 4),
            ClaimForm::Institutional => (non_empty(seg.element(1)), 2, 3, 5),
        };
        let (procedure, _) = read_procedure(seg, procedure_at);
        let billed = match read_amount(seg, charge_at, "line charge") {
            Ok(Some(billed)) => billed,
            Ok(None) => Money::ZERO,
            Err(problem) => {
                self.finding(seg, FindingKind::Malformed, format!("{problem}; the line was skipped"));
                return;
            }
        };
        let units = match read_quantity(seg, units_at, "units") {
            Ok(units) => units.unwrap_or(Decimal::ONE),
            Err(problem) => {
                self.finding(seg, FindingKind::Malformed, format!("{problem}; 1 unit assumed"));
                Decimal::ONE
            }
        };
        if procedure.is_none() && revenue_code.is_none() {
            self.finding(seg, FindingKind::Malformed, format!("{} has no procedure code", seg.id));
        }
        let (code, modifiers) = procedure.map(|p| (Some(p.code), p.modifiers)).unwrap_or((None, Vec::new()));
        let lx = self.lx.take();
        if let Some(claim) = &mut self.claim {
            if self.form.is_none() {
                claim.form = form;
            }
            claim.lines.push(SubmittedLine {
                segment: seg.number,
                number: lx,
                code,
                modifiers,
                revenue_code,
                billed,
                units,
                service_date: None,
                control_number: None,
            });
            self.line_open = true;
        }
    }

    /// DTP*472 (service date) of a line or a claim, DTP*434 (statement period) of an 837I claim.
    /// A period (RD8) counts from its first day.
    fn date(&mut self, seg: &Segment) {
        let qualifier = seg.element(1);
        if qualifier != "472" && qualifier != "434" {
            return;
        }
        let text = seg.element(3);
        let Some(date) = text.get(..8).and_then(parse_ccyymmdd) else {
            let message = format!("DTP03 \"{text}\" is not a date (CCYYMMDD); left blank");
            self.finding(seg, FindingKind::Malformed, message);
            return;
        };
        let Some(claim) = &mut self.claim else { return };
        match (qualifier, self.line_open) {
            ("472", true) => {
                if let Some(line) = claim.lines.last_mut() {
                    line.service_date = Some(date);
                }
            }
            ("472", false) => claim.service_date = Some(date),
            (_, false) if claim.service_date.is_none() => claim.service_date = Some(date),
            _ => {}
        }
    }

    fn close_claim(&mut self) {
        self.line_open = false;
        self.lx = None;
        let Some(mut claim) = self.claim.take() else { return };
        for line in &mut claim.lines {
            line.service_date = line.service_date.or(claim.service_date);
        }
        let lines = claim.line_total();
        if claim.frequency != Frequency::Void && lines != claim.total {
            self.batch.findings.push(Finding {
                segment: claim.segment,
                segment_id: "CLM".into(),
                transaction_segment: None,
                severity: Severity::Warning,
                kind: FindingKind::Unbalanced,
                message: format!(
                    "claim {}: its {} line(s) add up to {}, but the claim total (CLM02) is {}",
                    claim.id,
                    claim.lines.len(),
                    lines,
                    claim.total
                ),
            });
        }
        self.batch.claims.push(claim);
    }
}

/// `X222` is professional, `X223` institutional; anything else is decided by the lines.
fn form_of(version: &str) -> Option<ClaimForm> {
    if version.contains("X222") {
        Some(ClaimForm::Professional)
    } else if version.contains("X223") {
        Some(ClaimForm::Institutional)
    } else {
        None
    }
}

/// NM103 (last name or organisation) and NM104 (first name): "LAST, FIRST".
fn person(seg: &Segment) -> Option<String> {
    let last = seg.element(3);
    let first = seg.element(4);
    match (last.is_empty(), first.is_empty()) {
        (true, _) => None,
        (false, true) => Some(last.to_string()),
        (false, false) => Some(format!("{last}, {first}")),
    }
}

/// Applies replacements and voids in file order: a replacement (7) takes the place of the
/// standing claim with the same id, a void (8) removes it. Each is noted; a void or replacement
/// whose original is not in the file is noted too (the replacement then stands as sent).
pub(crate) fn settle(batch: &mut ClaimBatch) {
    let mut one = [(String::new(), std::mem::take(batch))];
    settle_files(&mut one);
    let [(_, settled)] = one;
    *batch = settled;
}

/// [`settle`] over several 837 files given together, `(file name, claims as sent)` in the order
/// given (SPEC §11): a replacement or void acts on the standing claim with the same id in its own
/// file or an earlier one, so a replacement in the second file supersedes the original in the
/// first. What a claim superseded or voided goes to the `withdrawn` of the file it was in; the
/// note goes to the file of the replacement or void, and names the other file when it is not
/// its own.
pub fn settle_files(files: &mut [(String, ClaimBatch)]) {
    /// Where a standing claim is: its file, and its place among that file's claims.
    type At = (usize, usize);
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let not_here = if files.len() > 1 { "in this file or an earlier one" } else { "in this file" };
    let mut standing: Vec<Vec<Option<SubmittedClaim>>> = Vec::with_capacity(files.len());
    let mut withdrawn: Vec<Vec<SubmittedClaim>> = vec![Vec::new(); files.len()];
    let mut by_id: std::collections::HashMap<String, At> = std::collections::HashMap::new();
    for (f, (_, batch)) in files.iter_mut().enumerate() {
        let read = std::mem::take(&mut batch.claims);
        standing.push(Vec::with_capacity(read.len()));
        // "segment 12", or "segment 12 of a.837" when the claim is in another file.
        let place = |at: At, segment: usize| {
            if at.0 == f {
                format!("segment {segment}")
            } else {
                format!("segment {segment} of {}", names[at.0])
            }
        };
        for claim in read {
            let earlier = by_id.get(&claim.id).copied();
            let old = earlier.and_then(|at| standing[at.0][at.1].take().map(|old| (at, old)));
            match (&claim.frequency, old) {
                (Frequency::Original, old) => {
                    // Two originals with the same id both stand.
                    if let Some((at, old)) = old {
                        standing[at.0][at.1] = Some(old);
                    }
                    by_id.insert(claim.id.clone(), (f, standing[f].len()));
                    standing[f].push(Some(claim));
                }
                (Frequency::Replacement, Some((at, old))) => {
                    batch.notes.push(format!(
                        "claim {}: the replacement sent at segment {} supersedes the claim sent at {} ({} → {})",
                        claim.id,
                        claim.segment,
                        place(at, old.segment),
                        old.total,
                        claim.total
                    ));
                    withdrawn[at.0].push(old);
                    // In its original's place within a file; else among the claims of its own file.
                    if at.0 == f {
                        standing[f][at.1] = Some(claim);
                    } else {
                        by_id.insert(claim.id.clone(), (f, standing[f].len()));
                        standing[f].push(Some(claim));
                    }
                }
                (Frequency::Replacement, None) => {
                    batch.notes.push(format!(
                        "claim {}: a replacement (segment {}) whose original is not {not_here}; taken as sent",
                        claim.id, claim.segment
                    ));
                    by_id.insert(claim.id.clone(), (f, standing[f].len()));
                    standing[f].push(Some(claim));
                }
                (Frequency::Void, Some((at, old))) => {
                    batch.notes.push(format!(
                        "claim {}: voided at segment {}; the claim sent at {} ({}) is taken out of the charges",
                        claim.id,
                        claim.segment,
                        place(at, old.segment),
                        old.total
                    ));
                    by_id.remove(&claim.id);
                    withdrawn[f].push(claim);
                    withdrawn[at.0].push(old);
                }
                (Frequency::Void, None) => {
                    batch.notes.push(format!(
                        "claim {}: a void (segment {}) whose original is not {not_here}; nothing to take out",
                        claim.id, claim.segment
                    ));
                    withdrawn[f].push(claim);
                }
            }
        }
    }
    for (((_, batch), claims), gone) in files.iter_mut().zip(standing).zip(withdrawn) {
        batch.claims = claims.into_iter().flatten().collect();
        batch.withdrawn.extend(gone);
    }
}

/// A plain-words summary of a claim file, for `clearbill inspect` and the page's file card:
/// what kind of claims, how many, their total, the payers, and what was replaced, voided or
/// does not add up.
pub fn summary_text(batch: &ClaimBatch) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let institutional = batch.claims.iter().filter(|c| c.form == ClaimForm::Institutional).count();
    let kind = match (institutional, batch.claims.len() - institutional) {
        (0, _) => "professional claims (837P)",
        (_, 0) => "institutional claims (837I)",
        _ => "professional and institutional claims (837P and 837I)",
    };
    let _ = writeln!(
        out,
        "Claims sent to payers, {kind}: {} claim(s) with {} service line(s), {} billed.",
        batch.claims.len(),
        batch.line_count(),
        batch.total()
    );
    let mut payers: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in &batch.claims {
        *payers.entry(c.payer.as_deref().unwrap_or("payer not named")).or_default() += 1;
    }
    let payers: Vec<String> = payers.iter().map(|(p, n)| format!("{p} ({n})")).collect();
    if !payers.is_empty() {
        let _ = writeln!(out, "Payers: {}.", payers.join(", "));
    }
    let dates = batch.claims.iter().flat_map(|c| c.lines.iter()).filter_map(|l| l.service_date);
    if let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) {
        let _ = writeln!(
            out,
            "Dates of service: {} to {}.",
            crate::table::dates::iso(first),
            crate::table::dates::iso(last)
        );
    }
    for note in &batch.notes {
        let _ = writeln!(out, "{note}.");
    }
    let unbalanced = batch.findings.iter().filter(|f| f.kind == FindingKind::Unbalanced).count();
    if unbalanced > 0 {
        let _ = writeln!(out, "{unbalanced} claim(s) whose lines do not add up to the claim total.");
    }
    let unreadable = batch.findings.len() - unbalanced;
    if unreadable > 0 {
        let _ = writeln!(out, "{unreadable} segment(s) could not be read.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::segments::find_start;
    use super::*;

    fn read_as_sent(text: &str) -> ClaimBatch {
        read(text, find_start(text).unwrap())
    }

    fn read_text(text: &str) -> ClaimBatch {
        let mut batch = read_as_sent(text);
        settle(&mut batch);
        batch
    }

    const HEAD: &str = "ST*837*0001*005010X222A1~HL*1**20*1~NM1*85*2*CLINIC~HL*2*1*22*0~\
        NM1*IL*1*DOE*JANE****MI*M123~NM1*PR*2*ACME HEALTH*****PI*555~";

    #[test]
    fn lines_dates_and_parties_are_read() {
        let batch = read_text(&format!(
            "{HEAD}CLM*A1*150***11:B:1~DTP*472*D8*20240105~LX*1~SV1*HC:99213:25*100*UN*2~REF*6R*L1~\
             LX*2~SV1*HC:36415*50*UN*1~DTP*472*D8*20240106~NM1*PR*2*OTHER PAYER~SE*9*0001~"
        ));
        assert_eq!(batch.claims.len(), 1);
        let c = &batch.claims[0];
        assert_eq!((c.id.as_str(), c.total), ("A1", Money::from_cents(15000)));
        assert_eq!(c.payer.as_deref(), Some("ACME HEALTH"), "a 2330B NM1*PR does not replace the payer");
        assert_eq!(c.patient.as_deref(), Some("DOE, JANE"));
        assert_eq!(c.member_id.as_deref(), Some("M123"));
        assert_eq!(c.lines[0].modifiers, vec!["25"]);
        assert_eq!(c.lines[0].units, Decimal::from(2));
        assert_eq!(c.lines[0].control_number.as_deref(), Some("L1"));
        assert_eq!(c.lines[0].service_date, NaiveDate::from_ymd_opt(2024, 1, 5), "the claim's date");
        assert_eq!(c.lines[1].service_date, NaiveDate::from_ymd_opt(2024, 1, 6));
        assert!(batch.findings.is_empty(), "{:?}", batch.findings);
    }

    #[test]
    fn a_claim_that_does_not_add_up_is_a_finding() {
        let batch = read_text(&format!("{HEAD}CLM*A1*99~LX*1~SV1*HC:99213*100~SE*5*0001~"));
        assert_eq!(batch.claims.len(), 1, "kept as sent");
        assert!(batch.findings[0].message.contains("add up to 100.00"), "{}", batch.findings[0].message);
    }

    #[test]
    fn replacement_supersedes_and_void_removes() {
        let batch = read_text(&format!(
            "{HEAD}CLM*A1*100***11:B:1~LX*1~SV1*HC:99213*100~\
             CLM*B2*40***11:B:1~LX*1~SV1*HC:99212*40~\
             CLM*A1*120***11:B:7~LX*1~SV1*HC:99214*120~\
             CLM*B2*40***11:B:8~LX*1~SV1*HC:99212*40~SE*9*0001~"
        ));
        assert_eq!(batch.claims.len(), 1);
        assert_eq!(batch.claims[0].total, Money::from_cents(12000));
        assert_eq!(batch.claims[0].lines[0].code.as_deref(), Some("99214"));
        assert_eq!(batch.withdrawn.len(), 3, "the superseded A1, the void and the voided B2");
        assert_eq!(batch.notes.len(), 2, "{:?}", batch.notes);
        let text = summary_text(&batch);
        assert!(text.starts_with("Claims sent to payers, professional claims (837P): 1 claim(s) with 1 service line(s), 120.00 billed."), "{text}");
        assert!(text.contains("Payers: ACME HEALTH (1)."), "{text}");
        assert!(batch.notes[0].contains("supersedes"));
        assert!(batch.notes[1].contains("voided"));
    }

    #[test]
    fn a_later_file_replaces_and_voids_claims_of_an_earlier_one() {
        let first = read_as_sent(&format!(
            "{HEAD}CLM*A1*100***11:B:1~LX*1~SV1*HC:99213*100~CLM*B2*40***11:B:1~LX*1~SV1*HC:99212*40~SE*7*0001~"
        ));
        let second = read_as_sent(&format!(
            "{HEAD}CLM*A1*120***11:B:7~LX*1~SV1*HC:99214*120~CLM*B2*40***11:B:8~LX*1~SV1*HC:99212*40~\
             CLM*C3*10***11:B:8~SE*7*0001~"
        ));
        let mut files = [("one.837".to_string(), first), ("two.837".to_string(), second)];
        settle_files(&mut files);
        let [(_, one), (_, two)] = &files;
        assert!(one.claims.is_empty(), "A1 superseded and B2 voided: {:?}", one.claims);
        assert_eq!(one.withdrawn.len(), 2, "the first file's A1 and B2");
        assert_eq!(two.claims.len(), 1);
        assert_eq!((two.claims[0].id.as_str(), two.claims[0].total), ("A1", Money::from_cents(12000)));
        assert_eq!(two.withdrawn.len(), 2, "the void of B2 and the void of C3");
        assert!(one.notes.is_empty(), "the notes go to the file that replaces or voids");
        assert_eq!(two.notes.len(), 3, "{:?}", two.notes);
        assert!(two.notes[0].starts_with("claim A1: the replacement sent at segment 7 supersedes the claim sent at segment 7 of one.837 (100.00 → 120.00)"), "{}", two.notes[0]);
        assert!(
            two.notes[1].contains("the claim sent at segment 10 of one.837 (40.00) is taken out"),
            "{}",
            two.notes[1]
        );
        assert!(
            two.notes[2]
                .contains("whose original is not in this file or an earlier one; nothing to take out"),
            "{}",
            two.notes[2]
        );
    }

    #[test]
    fn institutional_lines_carry_the_revenue_code() {
        let batch = read_text(
            "ST*837*1*005010X223A2~HL*1**20*1~HL*2*1*22*0~NM1*IL*1*ROE*AL~NM1*PR*2*PAYER~\
             CLM*I1*300***13:A:1~DTP*434*RD8*20240101-20240103~LX*1~SV2*0300*HC:85025*100*UN*1~\
             LX*2~SV2*0120**200*UN*2~SE*8*1~",
        );
        let c = &batch.claims[0];
        assert_eq!(c.form, ClaimForm::Institutional);
        assert_eq!(c.lines[0].revenue_code.as_deref(), Some("0300"));
        assert_eq!(c.lines[0].code.as_deref(), Some("85025"));
        assert_eq!(c.lines[1].code, None);
        assert_eq!(c.lines[1].units, Decimal::from(2));
        assert_eq!(c.lines[1].service_date, NaiveDate::from_ymd_opt(2024, 1, 1));
    }
}
