//! Segments → [`Remittance`]: the 835 loop structure as a small state machine.
//!
//! The reader keeps what is open (a transaction, a claim in it, a service line in that) and
//! files every segment into the innermost place it belongs. It never stops early: a segment it
//! cannot read becomes a [`Finding`] naming the segment, and reading goes on with the next one.
//! What happens to the data around a broken segment is chosen so that no money silently
//! disappears:
//!
//! - a CLP without a claim id, charge or paid amount: the whole claim is skipped (its segments
//!   up to the next claim are ignored), and the transaction's balancing will show the gap;
//! - an SVC without a procedure code or with an unreadable amount: the line is skipped, and the
//!   CAS adjustments under it are counted at claim level (they are still the payer's word);
//! - a CAS or PLB triple without a reason or amount: that triple alone is skipped;
//! - a date that is not a calendar date (`20990080`): the date is left blank;
//! - an amount with more than two decimals: rounded half away from zero, with a finding.
//!
//! Segments the 835 has but ClearBill does not need (N3, N4, PER, TS3, ...) are passed over
//! silently; unknown codes are kept as [`Unknown`](super::codes::ClaimStatus::Unknown).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Money;

use super::codes::{
    AdjustmentGroup, ClaimStatus, CreditDebit, PaymentHandling, PaymentMethod, ProviderAdjustmentReason,
};
use super::model::{
    Adjustment, Claim, Finding, FindingKind, Party, Person, Procedure, ProviderAdjustment, Remittance,
    ServiceLine, Severity, Transaction,
};
use super::segments::{Segment, Splitter, Start};

/// Reading findings beyond this many are summarised in one line, so that a file of garbage
/// cannot produce millions of them.
const MAX_READING_FINDINGS: usize = 1000;

/// The CAS segment holds up to six reason/amount/quantity triples (CAS02–CAS19).
const CAS_TRIPLES: usize = 6;
/// The PLB segment holds up to six reason/amount pairs (PLB03–PLB14).
const PLB_PAIRS: usize = 6;
/// SVC01–SVC07.
const SVC_ELEMENTS: usize = 7;

/// The elements that hold money, by segment: checked for sub-cent digits in one place.
const AMOUNT_ELEMENTS: &[(&str, &[usize])] = &[
    ("BPR", &[2]),
    ("CLP", &[3, 4, 5]),
    ("CAS", &[3, 6, 9, 12, 15, 18]),
    ("SVC", &[2, 3]),
    ("AMT", &[2]),
    ("PLB", &[4, 6, 8, 10, 12, 14]),
];

/// What reading produced, plus the transaction types met that were not 835s.
pub(crate) struct ReadOutcome {
    pub remittance: Remittance,
    pub other_transaction_types: Vec<String>,
}

pub(crate) fn read(text: &str, start: Start) -> ReadOutcome {
    let mut reader = Reader::default();
    for segment in Splitter::new(text, start) {
        reader.segment(&segment);
    }
    reader.finish()
}

#[derive(Default)]
enum ClaimSlot {
    #[default]
    None,
    Open(Box<Claim>),
    /// A CLP that could not be read: its segments are passed over up to the next claim.
    Skipped,
}

#[derive(Default)]
enum ServiceSlot {
    #[default]
    None,
    Line(Box<ServiceLine>),
    /// An SVC that could not be read: its CAS go to the claim, the rest is passed over.
    Skipped,
}

struct OpenTransaction {
    transaction: Transaction,
    /// Segments so far, ST included, as SE01 counts them.
    count: usize,
    claim: ClaimSlot,
    service: ServiceSlot,
    /// Set at the first LX, CLP or PLB: N1 and DTM no longer belong to the header.
    past_header: bool,
    /// Id of the last segment read, for a finding about a missing SE.
    last_id: String,
}

#[derive(Default)]
struct Reader {
    remittance: Remittance,
    /// GS08 of the current functional group.
    version: Option<String>,
    open: Option<OpenTransaction>,
    /// Inside an ST…SE of another transaction type (an 837 in the same file).
    in_other_transaction: bool,
    other_transaction_types: Vec<String>,
    reading_findings: usize,
}

impl Reader {
    fn finish(mut self) -> ReadOutcome {
        self.close_claim();
        if let Some(open) = &self.open {
            let message = format!(
                "transaction {} has no SE trailer: the file may be cut short",
                open.transaction.control_number
            );
            let (segment, id) = (open.transaction.last_segment, open.last_id.clone());
            self.report_at(segment, &id, FindingKind::Unusual, message);
        }
        self.close_transaction();
        ReadOutcome { remittance: self.remittance, other_transaction_types: self.other_transaction_types }
    }

    fn segment(&mut self, seg: &Segment) {
        if let Some(open) = &mut self.open {
            open.count += 1;
            open.transaction.last_segment = seg.number;
            open.last_id = seg.id.chars().take(3).collect();
        }
        if !is_segment_id(seg.id) {
            let shown: String = seg.id.chars().take(20).collect();
            self.report(
                seg,
                FindingKind::Malformed,
                format!("this is not an X12 segment (it starts with \"{shown}\"); ignored"),
            );
            return;
        }
        match seg.id {
            "ISA" => {
                self.end_unterminated(seg);
                self.remittance.interchanges += 1;
                return;
            }
            "GS" => {
                self.end_unterminated(seg);
                self.version = non_empty(seg.element(8));
                return;
            }
            "GE" | "IEA" => {
                self.end_unterminated(seg);
                return;
            }
            "ST" => {
                self.end_unterminated(seg);
                self.start_transaction(seg);
                return;
            }
            _ => {}
        }
        if self.in_other_transaction {
            if seg.id == "SE" {
                self.in_other_transaction = false;
            }
            return;
        }
        if self.open.is_none() {
            self.report(
                seg,
                FindingKind::Malformed,
                format!("{} is outside any ST…SE transaction; ignored", seg.id),
            );
            return;
        }
        match seg.id {
            "SE" => self.end_transaction(seg),
            "BPR" => self.payment(seg),
            "TRN" => self.trace(seg),
            "N1" => self.party(seg),
            "DTM" => self.date(seg),
            "LX" => {
                self.close_claim();
                self.mark_past_header();
            }
            "CLP" => self.claim(seg),
            "NM1" => self.patient(seg),
            "CAS" => self.adjustment(seg),
            "MOA" => self.claim_remarks(seg, &[3, 4, 5, 6, 7]),
            "MIA" => self.claim_remarks(seg, &[5, 20, 21, 22, 23]),
            "SVC" => self.service(seg),
            "AMT" => self.amount(seg),
            "REF" => self.reference(seg),
            "LQ" => self.remark(seg),
            "PLB" => self.provider_adjustment(seg),
            _ => {}
        }
        self.check_sub_cent_amounts(seg);
    }

    /// Money is whole cents; an amount written with more (`10.005`) is rounded half away from
    /// zero, and the file should say so.
    fn check_sub_cent_amounts(&mut self, seg: &Segment) {
        let Some((_, elements)) = AMOUNT_ELEMENTS.iter().find(|(id, _)| *id == seg.id) else { return };
        for &index in elements.iter() {
            let text = seg.element(index);
            if !is_x12_decimal(text) {
                continue;
            }
            if let Ok(Some(read)) = Money::parse(text) {
                if read.rounded_from.is_some() {
                    let message = format!(
                        "{}{index:02} \"{text}\" has more than two decimals; rounded to {}",
                        seg.id, read.money
                    );
                    self.report(seg, FindingKind::Unusual, message);
                }
            }
        }
    }

    // ----- findings -----

    /// Files a finding in the innermost open place: the claim, else the transaction, else the file.
    fn report(&mut self, seg: &Segment, kind: FindingKind, message: String) {
        self.report_at(seg.number, seg.id, kind, message);
    }

    fn report_at(&mut self, segment: usize, segment_id: &str, kind: FindingKind, message: String) {
        self.reading_findings += 1;
        if self.reading_findings > MAX_READING_FINDINGS + 1 {
            return;
        }
        let message = if self.reading_findings == MAX_READING_FINDINGS + 1 {
            format!("more than {MAX_READING_FINDINGS} problems were found; the rest are not listed")
        } else {
            message
        };
        let severity = match kind {
            FindingKind::Malformed => Severity::Error,
            FindingKind::Unbalanced | FindingKind::Unusual => Severity::Warning,
        };
        let transaction_segment =
            self.open.as_ref().map(|o| segment.saturating_sub(o.transaction.first_segment) + 1);
        let segment_id = segment_id.chars().take(10).collect();
        let finding = Finding { segment, segment_id, transaction_segment, severity, kind, message };
        match &mut self.open {
            Some(OpenTransaction { claim: ClaimSlot::Open(claim), .. }) => claim.findings.push(finding),
            Some(open) => open.transaction.findings.push(finding),
            None => self.remittance.findings.push(finding),
        }
    }

    // ----- envelope -----

    /// An envelope segment or a new ST arrived while a transaction was still open.
    fn end_unterminated(&mut self, seg: &Segment) {
        self.in_other_transaction = false;
        self.close_claim();
        if let Some(open) = &self.open {
            let message = format!(
                "transaction {} has no SE trailer before this {}; it ends here",
                open.transaction.control_number, seg.id
            );
            self.report_at(seg.number, seg.id, FindingKind::Unusual, message);
            self.close_transaction();
        }
    }

    fn start_transaction(&mut self, seg: &Segment) {
        let set = seg.element(1);
        if set != "835" {
            let shown: String = set.chars().take(10).collect();
            self.other_transaction_types.push(shown.clone());
            self.in_other_transaction = true;
            let message =
                format!("transaction set {} is not an 835 remittance; skipped", describe_set(&shown));
            self.report(seg, FindingKind::Unusual, message);
            return;
        }
        let transaction = Transaction {
            control_number: seg.element(2).to_string(),
            version: self.version.clone(),
            first_segment: seg.number,
            last_segment: seg.number,
            ..Transaction::default()
        };
        self.open = Some(OpenTransaction {
            transaction,
            count: 1,
            claim: ClaimSlot::None,
            service: ServiceSlot::None,
            past_header: false,
            last_id: "ST".to_string(),
        });
    }

    fn end_transaction(&mut self, seg: &Segment) {
        self.close_claim();
        let declared = seg.element(1);
        let counted = self.open.as_ref().map_or(0, |o| o.count);
        if declared.parse::<usize>().ok() != Some(counted) {
            let declared = if declared.bytes().all(|b| b.is_ascii_digit()) && !declared.is_empty() {
                declared.to_string()
            } else {
                quote_or_blank(declared)
            };
            let message = format!(
                "SE01 says the transaction has {declared} segments, but it has {counted}; the file may have been edited or cut short"
            );
            self.report(seg, FindingKind::Unusual, message);
        }
        self.close_transaction();
    }

    fn close_transaction(&mut self) {
        self.close_claim();
        if let Some(open) = self.open.take() {
            self.remittance.transactions.push(open.transaction);
        }
    }

    fn mark_past_header(&mut self) {
        if let Some(open) = &mut self.open {
            open.past_header = true;
        }
    }

    // ----- header -----

    fn payment(&mut self, seg: &Segment) {
        let mut problems = Vec::new();
        let amount = match read_amount(seg, 2, "payment amount") {
            Ok(Some(amount)) => Some(amount),
            Ok(None) => {
                problems
                    .push("BPR02 (payment amount) is missing; the payment cannot be balanced".to_string());
                None
            }
            Err(problem) => {
                problems.push(format!("{problem}; the payment cannot be balanced"));
                None
            }
        };
        let date = read_date(seg, 16, "payment date").unwrap_or_else(|problem| {
            problems.push(format!("{problem}; the payment date is left blank"));
            None
        });
        if let Some(open) = &mut self.open {
            let payment = &mut open.transaction.payment;
            payment.handling = non_empty(seg.element(1)).map(|c| PaymentHandling::from_code(&c));
            payment.amount = amount;
            payment.credit_debit = non_empty(seg.element(3)).map(|c| CreditDebit::from_code(&c));
            payment.method = non_empty(seg.element(4)).map(|c| PaymentMethod::from_code(&c));
            payment.date = date;
        }
        for problem in problems {
            self.report(seg, FindingKind::Malformed, problem);
        }
    }

    fn trace(&mut self, seg: &Segment) {
        if let Some(open) = &mut self.open {
            let payment = &mut open.transaction.payment;
            if payment.trace_number.is_none() {
                payment.trace_number = non_empty(seg.element(2));
                payment.originator_id = non_empty(seg.element(3));
            }
        }
    }

    fn party(&mut self, seg: &Segment) {
        let Some(open) = &mut self.open else { return };
        if open.past_header {
            return;
        }
        let party = Party {
            name: seg.element(2).to_string(),
            id_qualifier: non_empty(seg.element(3)),
            id: non_empty(seg.element(4)),
        };
        match seg.element(1) {
            "PR" if open.transaction.payer == Party::default() => open.transaction.payer = party,
            "PE" if open.transaction.payee == Party::default() => open.transaction.payee = party,
            _ => {}
        }
    }

    fn date(&mut self, seg: &Segment) {
        let qualifier = seg.element(1);
        let what = match qualifier {
            "472" => "service date",
            "150" => "service period start",
            "151" => "service period end",
            "232" => "statement start date",
            "233" => "statement end date",
            "050" => "received date",
            "405" => "production date",
            _ => return,
        };
        let date = match read_date(seg, 2, what) {
            Ok(date) => date,
            Err(problem) => {
                self.report(seg, FindingKind::Malformed, format!("{problem}; left blank"));
                return;
            }
        };
        let Some(open) = &mut self.open else { return };
        match (&mut open.claim, &mut open.service) {
            (ClaimSlot::Open(_), ServiceSlot::Line(line)) => match qualifier {
                "472" => line.service_date = date,
                "150" => line.period_start = date,
                "151" => line.period_end = date,
                _ => {}
            },
            (ClaimSlot::Open(claim), ServiceSlot::None) => match qualifier {
                "232" => claim.statement_from = date,
                "233" => claim.statement_to = date,
                "050" => claim.received = date,
                _ => {}
            },
            (ClaimSlot::None, _) if !open.past_header && qualifier == "405" => {
                open.transaction.payment.production_date = date;
            }
            _ => {}
        }
    }

    // ----- claims -----

    fn close_service(&mut self) {
        let Some(open) = &mut self.open else { return };
        if let ServiceSlot::Line(line) = std::mem::take(&mut open.service) {
            if let ClaimSlot::Open(claim) = &mut open.claim {
                claim.services.push(*line);
            }
        }
    }

    fn close_claim(&mut self) {
        self.close_service();
        let Some(open) = &mut self.open else { return };
        if let ClaimSlot::Open(claim) = std::mem::take(&mut open.claim) {
            open.transaction.claims.push(*claim);
        }
    }

    fn claim(&mut self, seg: &Segment) {
        self.close_claim();
        self.mark_past_header();
        let mut fatal = Vec::new();
        let mut problems = Vec::new();
        let id = seg.element(1);
        if id.is_empty() {
            fatal.push("CLP01 (patient control number) is missing".to_string());
        }
        let charge = required_amount(seg, 3, "claim charge", &mut fatal);
        let paid = required_amount(seg, 4, "amount paid", &mut fatal);
        let patient_responsibility = read_amount(seg, 5, "patient responsibility").unwrap_or_else(|p| {
            problems.push((FindingKind::Malformed, format!("{p}; left blank")));
            None
        });
        let status_code = seg.element(2);
        if status_code.is_empty() {
            problems.push((
                FindingKind::Malformed,
                "CLP02 (claim status) is missing; the status is shown as unknown".to_string(),
            ));
        }
        let Some(open) = &mut self.open else { return };
        if !fatal.is_empty() {
            open.claim = ClaimSlot::Skipped;
            let message = format!(
                "{}; the claim{} was skipped and its amounts are not counted",
                fatal.join(", "),
                if id.is_empty() { String::new() } else { format!(" {id}") }
            );
            self.report(seg, FindingKind::Malformed, message);
            return;
        }
        let mut claim = Claim::new(seg.number);
        claim.patient_control_number = id.to_string();
        claim.status = ClaimStatus::from_code(status_code);
        if claim.is_reversal() && charge.is_some_and(Money::is_positive) {
            problems.push((
                FindingKind::Unusual,
                format!(
                    "claim {id} is a reversal (CLP02 = 22) but its charge is positive; a reversal normally \
                 negates the original claim's amounts. The amounts are used as sent"
                ),
            ));
        }
        claim.charge = charge.unwrap_or_default();
        claim.paid = paid.unwrap_or_default();
        claim.patient_responsibility = patient_responsibility;
        claim.payer_claim_number = non_empty(seg.element(7));
        open.claim = ClaimSlot::Open(Box::new(claim));
        for (kind, problem) in problems {
            self.report(seg, kind, problem);
        }
    }

    fn patient(&mut self, seg: &Segment) {
        if seg.element(1) != "QC" {
            return;
        }
        let Some(OpenTransaction { claim: ClaimSlot::Open(claim), .. }) = &mut self.open else { return };
        if claim.patient.is_none() {
            claim.patient = Some(Person {
                last: seg.element(3).to_string(),
                first: seg.element(4).to_string(),
                middle: seg.element(5).to_string(),
                id: non_empty(seg.element(9)),
            });
        }
    }

    fn claim_remarks(&mut self, seg: &Segment, elements: &[usize]) {
        let Some(OpenTransaction { claim: ClaimSlot::Open(claim), .. }) = &mut self.open else { return };
        claim.remarks.extend(elements.iter().filter_map(|&i| non_empty(seg.element(i))));
    }

    fn adjustment(&mut self, seg: &Segment) {
        let Some(open) = &self.open else { return };
        if matches!(open.claim, ClaimSlot::Skipped) {
            return;
        }
        if matches!(open.claim, ClaimSlot::None) {
            self.report(seg, FindingKind::Malformed, "CAS is outside a claim; ignored".to_string());
            return;
        }
        let group_code = seg.element(1);
        if group_code.is_empty() {
            self.report(
                seg,
                FindingKind::Malformed,
                "CAS01 (adjustment group) is missing; the adjustments in this segment are not counted"
                    .to_string(),
            );
            return;
        }
        let group = AdjustmentGroup::from_code(group_code);
        let mut adjustments = Vec::new();
        let mut problems = Vec::new();
        for triple in 0..CAS_TRIPLES {
            let reason_at = 2 + 3 * triple;
            let reason = seg.element(reason_at);
            let amount_text = seg.element(reason_at + 1);
            let quantity_text = seg.element(reason_at + 2);
            if reason.is_empty() && amount_text.is_empty() && quantity_text.is_empty() {
                continue;
            }
            if reason.is_empty() {
                problems.push(format!(
                    "CAS{reason_at:02} (reason code) is missing; that adjustment is not counted"
                ));
                continue;
            }
            let amount = match read_amount(seg, reason_at + 1, "adjustment amount") {
                Ok(Some(amount)) => amount,
                Ok(None) => {
                    problems.push(format!(
                        "CAS{:02} (adjustment amount) for reason {group_code}-{reason} is missing; that adjustment is not counted",
                        reason_at + 1
                    ));
                    continue;
                }
                Err(problem) => {
                    problems.push(format!("{problem}; adjustment {group_code}-{reason} is not counted"));
                    continue;
                }
            };
            let quantity = read_quantity(seg, reason_at + 2, "adjustment quantity").unwrap_or_else(|p| {
                problems.push(format!("{p}; left blank"));
                None
            });
            adjustments.push(Adjustment {
                segment: seg.number,
                group: group.clone(),
                reason: reason.to_string(),
                amount,
                quantity,
            });
        }
        let max_elements = 1 + 3 * CAS_TRIPLES;
        let extra = seg.element_count() > max_elements
            && (max_elements + 1..=seg.element_count()).any(|i| !seg.element(i).is_empty());
        if let Some(open) = &mut self.open {
            match (&mut open.claim, &mut open.service) {
                (ClaimSlot::Open(_), ServiceSlot::Line(line)) => line.adjustments.extend(adjustments),
                (ClaimSlot::Open(claim), _) => claim.adjustments.extend(adjustments),
                _ => {}
            }
        }
        for problem in problems {
            self.report(seg, FindingKind::Malformed, problem);
        }
        if extra {
            self.report(
                seg,
                FindingKind::Unusual,
                format!("CAS holds at most {CAS_TRIPLES} adjustments; the elements after CAS19 were ignored"),
            );
        }
    }

    // ----- service lines -----

    fn service(&mut self, seg: &Segment) {
        self.close_service();
        let Some(open) = &mut self.open else { return };
        match open.claim {
            ClaimSlot::Skipped => return,
            ClaimSlot::None => {
                self.report(seg, FindingKind::Malformed, "SVC is outside a claim; ignored".to_string());
                return;
            }
            ClaimSlot::Open(_) => {}
        }
        match read_service_line(seg) {
            Ok((line, problems)) => {
                if let Some(open) = &mut self.open {
                    open.service = ServiceSlot::Line(Box::new(line));
                }
                for (kind, problem) in problems {
                    self.report(seg, kind, problem);
                }
            }
            Err(why) => {
                if let Some(open) = &mut self.open {
                    open.service = ServiceSlot::Skipped;
                }
                let message = format!(
                    "{why}. The line was skipped; the adjustments under it are counted at claim level"
                );
                self.report(seg, FindingKind::Malformed, message);
            }
        }
    }

    fn amount(&mut self, seg: &Segment) {
        if seg.element(1) != "B6" {
            return;
        }
        let allowed = read_amount(seg, 2, "allowed amount");
        let Some(OpenTransaction { service: ServiceSlot::Line(line), .. }) = &mut self.open else { return };
        match allowed {
            Ok(amount) => line.allowed = amount,
            Err(problem) => self.report(seg, FindingKind::Malformed, format!("{problem}; left blank")),
        }
    }

    fn reference(&mut self, seg: &Segment) {
        if seg.element(1) != "6R" {
            return;
        }
        if let Some(OpenTransaction { service: ServiceSlot::Line(line), .. }) = &mut self.open {
            line.line_control_number = non_empty(seg.element(2));
        }
    }

    fn remark(&mut self, seg: &Segment) {
        if seg.element(1) != "HE" {
            return;
        }
        if let Some(OpenTransaction { service: ServiceSlot::Line(line), .. }) = &mut self.open {
            line.remarks.extend(non_empty(seg.element(2)));
        }
    }

    // ----- provider adjustments -----

    fn provider_adjustment(&mut self, seg: &Segment) {
        self.close_claim();
        self.mark_past_header();
        let mut problems = Vec::new();
        let mut problems_unusual = Vec::new();
        let provider_id = seg.element(1).to_string();
        let fiscal_period_end = read_date(seg, 2, "fiscal period date").unwrap_or_else(|p| {
            problems.push(format!("{p}; left blank"));
            None
        });
        let mut adjustments = Vec::new();
        for pair in 0..PLB_PAIRS {
            let reason_at = 3 + 2 * pair;
            let (components, fallback) = seg.composite(reason_at);
            if let Some(used) = fallback {
                problems_unusual.push(undeclared_separator(seg, reason_at, used));
            }
            let amount_text = seg.element(reason_at + 1);
            if components.is_empty() && amount_text.is_empty() {
                continue;
            }
            let reason = components.first().copied().unwrap_or("");
            if reason.is_empty() {
                problems.push(format!(
                    "PLB{reason_at:02} (adjustment reason) is missing; that adjustment is not counted"
                ));
                continue;
            }
            let amount = match read_amount(seg, reason_at + 1, "provider adjustment amount") {
                Ok(Some(amount)) => amount,
                Ok(None) => {
                    problems.push(format!(
                        "PLB{:02} (amount) for reason {reason} is missing; that adjustment is not counted",
                        reason_at + 1
                    ));
                    continue;
                }
                Err(problem) => {
                    problems.push(format!("{problem}; adjustment {reason} is not counted"));
                    continue;
                }
            };
            adjustments.push(ProviderAdjustment {
                segment: seg.number,
                provider_id: provider_id.clone(),
                fiscal_period_end,
                reason: ProviderAdjustmentReason::from_code(reason),
                reference: components.get(1).and_then(|r| non_empty(r)),
                amount,
            });
        }
        if let Some(open) = &mut self.open {
            open.transaction.provider_adjustments.extend(adjustments);
        }
        for problem in problems {
            self.report(seg, FindingKind::Malformed, problem);
        }
        if let Some(problem) = problems_unusual.into_iter().next() {
            self.report(seg, FindingKind::Unusual, problem);
        }
    }
}

// ----- elements -----

/// Two or three capitals and digits, starting with a capital: `ST`, `CLP`, `N1`.
pub(crate) fn is_segment_id(id: &str) -> bool {
    (2..=3).contains(&id.len())
        && id.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

pub(crate) fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn quote_or_blank(text: &str) -> String {
    if text.is_empty() {
        "nothing".to_string()
    } else {
        format!("\"{text}\"")
    }
}

/// `835 (remittance)`, `837 (claim)`: what a transaction set is, for messages.
pub(crate) fn describe_set(set: &str) -> String {
    let name = match set {
        "835" => "remittance",
        "837" => "claim",
        "270" => "eligibility inquiry",
        "271" => "eligibility response",
        "276" => "claim status inquiry",
        "277" => "claim status response",
        "278" => "authorization",
        "820" => "premium payment",
        "834" => "enrollment",
        "999" | "997" => "acknowledgment",
        _ => return set.to_string(),
    };
    format!("{set} ({name})")
}

/// The X12 decimal form: an optional minus, digits, at most one decimal point.
fn is_x12_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let mut points = 0;
    let mut numerals = 0;
    for b in digits.bytes() {
        match b {
            b'.' => points += 1,
            b'0'..=b'9' => numerals += 1,
            _ => return false,
        }
    }
    points <= 1 && numerals > 0
}

/// Reads an amount element. Empty is `Ok(None)`; anything that is not an X12 decimal is an error
/// that names the element and quotes what was written.
pub(crate) fn read_amount(seg: &Segment, index: usize, what: &str) -> Result<Option<Money>, String> {
    let text = seg.element(index);
    if text.is_empty() {
        return Ok(None);
    }
    let not_an_amount = || format!("{}{index:02} ({what}) \"{}\" is not an amount", seg.id, shorten(text));
    if !is_x12_decimal(text) {
        return Err(not_an_amount());
    }
    match Money::parse(text) {
        Ok(Some(read)) => Ok(Some(read.money)),
        Ok(None) | Err(_) => Err(not_an_amount()),
    }
}

/// An amount the segment cannot do without; its absence goes into `fatal`.
fn required_amount(seg: &Segment, index: usize, what: &str, fatal: &mut Vec<String>) -> Option<Money> {
    match read_amount(seg, index, what) {
        Ok(Some(amount)) => Some(amount),
        Ok(None) => {
            fatal.push(format!("{}{index:02} ({what}) is missing", seg.id));
            None
        }
        Err(problem) => {
            fatal.push(problem);
            None
        }
    }
}

pub(crate) fn read_quantity(seg: &Segment, index: usize, what: &str) -> Result<Option<Decimal>, String> {
    let text = seg.element(index);
    if text.is_empty() {
        return Ok(None);
    }
    let parsed = if is_x12_decimal(text) { text.parse::<Decimal>().ok() } else { None };
    parsed
        .map(Some)
        .ok_or_else(|| format!("{}{index:02} ({what}) \"{}\" is not a number", seg.id, shorten(text)))
}

/// Reads a CCYYMMDD date element. Empty is `Ok(None)`; `20990080` is an error.
fn read_date(seg: &Segment, index: usize, what: &str) -> Result<Option<NaiveDate>, String> {
    let text = seg.element(index);
    if text.is_empty() {
        return Ok(None);
    }
    parse_ccyymmdd(text).map(Some).ok_or_else(|| {
        format!("{}{index:02} ({what}) \"{}\" is not a date (CCYYMMDD)", seg.id, shorten(text))
    })
}

pub(crate) fn parse_ccyymmdd(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(4..6)?.parse().ok()?;
    let day = text.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Reads an SVC into a line and the findings to file about it, or says why the line cannot be
/// used at all (no procedure code, or an amount that is not an amount).
fn read_service_line(seg: &Segment) -> Result<(ServiceLine, Vec<(FindingKind, String)>), String> {
    let mut problems = Vec::new();
    let (procedure, fallback) = read_procedure(seg, 1);
    let Some(procedure) = procedure else {
        return Err(if seg.element(1).is_empty() {
            "SVC01 (procedure) is missing".to_string()
        } else {
            format!(
                "SVC01 (procedure) \"{}\" has no procedure code, so the amounts after it cannot be trusted",
                shorten(seg.element(1))
            )
        });
    };
    if let Some(used) = fallback {
        problems.push((FindingKind::Unusual, undeclared_separator(seg, 1, used)));
    }
    let charge = read_amount(seg, 2, "line charge")?;
    let paid = read_amount(seg, 3, "line paid amount")?;
    let empty: Vec<&str> = [(charge, "SVC02 (line charge)"), (paid, "SVC03 (line paid amount)")]
        .iter()
        .filter(|(amount, _)| amount.is_none())
        .map(|(_, name)| *name)
        .collect();
    if !empty.is_empty() {
        let verb = if empty.len() == 1 { "is" } else { "are" };
        problems
            .push((FindingKind::Malformed, format!("{} {verb} empty; read as 0.00", empty.join(" and "))));
    }
    let units = read_quantity(seg, 5, "units paid").unwrap_or_else(|p| {
        problems.push((FindingKind::Malformed, format!("{p}; left blank")));
        None
    });
    let (original_procedure, original_fallback) = read_procedure(seg, 6);
    if original_procedure.is_none() && !seg.element(6).is_empty() {
        problems.push((
            FindingKind::Malformed,
            format!(
                "SVC06 (submitted procedure) \"{}\" has no procedure code; ignored",
                shorten(seg.element(6))
            ),
        ));
    } else if let (Some(used), None) = (original_fallback, fallback) {
        problems.push((FindingKind::Unusual, undeclared_separator(seg, 6, used)));
    }
    if seg.element_count() > SVC_ELEMENTS {
        problems.push((
            FindingKind::Unusual,
            format!(
                "SVC has {} elements but only {SVC_ELEMENTS} are defined; the extra ones were ignored",
                seg.element_count()
            ),
        ));
    }
    let mut line = ServiceLine::new(seg.number, procedure);
    line.charge = charge.unwrap_or(Money::ZERO);
    line.paid = paid.unwrap_or(Money::ZERO);
    line.revenue_code = non_empty(seg.element(4));
    line.units = units;
    line.original_procedure = original_procedure;
    Ok((line, problems))
}

/// A composite procedure (`HC:99213:25`), or `None` when there is no code in it; and the
/// separator used when it was not the declared one.
pub(crate) fn read_procedure(seg: &Segment, index: usize) -> (Option<Procedure>, Option<char>) {
    let (components, fallback) = seg.composite(index);
    let qualifier = components.first().copied().unwrap_or("");
    let code = components.get(1).copied().unwrap_or("");
    if code.is_empty() {
        return (None, fallback);
    }
    let modifiers =
        components.iter().skip(2).take(4).filter(|m| !m.is_empty()).map(|m| m.to_string()).collect();
    (Some(Procedure { qualifier: qualifier.to_string(), code: code.to_string(), modifiers }), fallback)
}

fn undeclared_separator(seg: &Segment, index: usize, used: char) -> String {
    format!(
        "{}{index:02} separates its parts with \"{used}\", but the ISA header declares \"{}\"; read with \"{used}\"",
        seg.id, seg.component
    )
}

/// Long garbage is cut in messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::segments::find_start;

    fn read_text(text: &str) -> ReadOutcome {
        read(text, find_start(text).expect("x12"))
    }

    const HEAD: &str = "ST*835*0001~BPR*I*100*C*CHK************20240105~TRN*1*CHK123*1999~N1*PR*ACME HEALTH~N1*PE*CLINIC*XX*123~LX*1~";

    #[test]
    fn x12_decimals_are_strict() {
        for ok in ["0", "12", "-6173.5", "12.", ".5", "1766.50"] {
            assert!(is_x12_decimal(ok), "{ok}");
        }
        for bad in ["", "-", ".", "1,000", "$5", "1e3", "1.2.3", "12-", " 1"] {
            assert!(!is_x12_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn ccyymmdd_dates_must_be_calendar_dates() {
        assert_eq!(parse_ccyymmdd("20240229"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_ccyymmdd("20990080"), None);
        assert_eq!(parse_ccyymmdd("20230229"), None);
        assert_eq!(parse_ccyymmdd("240229"), None);
    }

    #[test]
    fn claim_children_file_into_claim_and_line() {
        let text = format!(
            "{HEAD}CLP*A1*1*100*80*10*12*PCN9~CAS*CO*A2*5~NM1*QC*1*DOE*JANE*Q***MI*M1~DTM*232*20240101~\
             SVC*HC:99213:25*100*85**1~DTM*472*20240102~CAS*PR*1*10**2*0*3~CAS*CO*45*5~AMT*B6*95~REF*6R*L1~LQ*HE*N130~SE*18*0001~"
        );
        let out = read_text(&text);
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.payer.name, "ACME HEALTH");
        assert_eq!(tx.payee.id.as_deref(), Some("123"));
        assert_eq!(tx.payment.trace_number.as_deref(), Some("CHK123"));
        assert_eq!(tx.payment.amount, Some(Money::from_cents(10000)));
        let claim = &tx.claims[0];
        assert_eq!(claim.patient_control_number, "A1");
        assert_eq!(claim.payer_claim_number.as_deref(), Some("PCN9"));
        assert_eq!(claim.patient.as_ref().unwrap().display_name(), "DOE, JANE Q");
        assert_eq!(claim.adjustments.len(), 1);
        assert_eq!(claim.statement_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        let line = &claim.services[0];
        assert_eq!(line.procedure.code, "99213");
        assert_eq!(line.procedure.modifiers, ["25"]);
        assert_eq!(line.service_date, NaiveDate::from_ymd_opt(2024, 1, 2));
        let codes: Vec<_> = line.adjustments.iter().map(|a| a.code()).collect();
        assert_eq!(codes, ["PR-1", "PR-2", "CO-45"]);
        assert_eq!(line.adjustments[1].quantity, Some(Decimal::from(3)));
        assert_eq!(line.allowed, Some(Money::from_cents(9500)));
        assert_eq!(line.line_control_number.as_deref(), Some("L1"));
        assert_eq!(line.remarks, ["N130"]);
        assert!(
            tx.findings.is_empty() && claim.findings.is_empty(),
            "{:?} {:?}",
            tx.findings,
            claim.findings
        );
    }

    #[test]
    fn malformed_claim_is_skipped_with_its_segments_and_reading_goes_on() {
        let text =
            format!("{HEAD}CLP*A1*1*abc*80~SVC*HC:99213*100*80~CAS*CO*45*20~CLP*A2*1*50*50~SE*11*0001~");
        let out = read_text(&text);
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.claims.len(), 1);
        assert_eq!(tx.claims[0].patient_control_number, "A2");
        assert_eq!(tx.findings.len(), 1, "{:?}", tx.findings);
        let finding = &tx.findings[0];
        assert_eq!(finding.segment, 7);
        assert_eq!(finding.transaction_segment, Some(7));
        assert_eq!(finding.severity, Severity::Error);
        assert!(
            finding.message.contains("CLP03 (claim charge) \"abc\" is not an amount"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("claim A1 was skipped"), "{}", finding.message);
    }

    #[test]
    fn broken_service_line_moves_its_adjustments_to_the_claim() {
        let text = format!("{HEAD}CLP*A1*3*1766.50*187.50~SVC*HC*24599.00*1766.50*187.50**1~DTM*472*20050120~CAS*OA*23*1579.00~AMT*B6*1700~SE*12*0001~");
        let out = read_text(&text);
        let claim = &out.remittance.transactions[0].claims[0];
        assert!(claim.services.is_empty());
        assert_eq!(claim.adjustments.len(), 1);
        assert_eq!(claim.adjustments[0].code(), "OA-23");
        assert_eq!(claim.findings.len(), 1);
        assert_eq!(claim.findings[0].segment, 8);
        assert!(
            claim.findings[0].message.contains("\"HC\" has no procedure code"),
            "{}",
            claim.findings[0].message
        );
    }

    #[test]
    fn invalid_date_is_a_finding_and_left_blank() {
        let text = "ST*835*1~BPR*I*1*C*CHK************20990080~SE*3*1~";
        let out = read_text(text);
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.payment.date, None);
        assert_eq!(tx.payment.amount, Some(Money::from_cents(100)));
        assert_eq!(tx.findings.len(), 1);
        assert!(tx.findings[0].message.contains("\"20990080\" is not a date"), "{}", tx.findings[0].message);
    }

    #[test]
    fn unknown_codes_are_kept_without_findings() {
        let text = format!("{HEAD}CLP*A1*99*10*0~CAS*ZZ*999*10~PLB*1*20241231*QQ:REF*0~SE*10*0001~");
        let out = read_text(&text);
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.claims[0].status, ClaimStatus::Unknown("99".into()));
        assert_eq!(tx.claims[0].adjustments[0].group, AdjustmentGroup::Unknown("ZZ".into()));
        assert_eq!(tx.provider_adjustments[0].reason, ProviderAdjustmentReason::Unknown("QQ".into()));
        assert_eq!(tx.provider_adjustments[0].reference.as_deref(), Some("REF"));
        assert!(tx.findings.is_empty() && tx.claims[0].findings.is_empty());
    }

    #[test]
    fn reversal_with_positive_amounts_is_flagged_and_used_as_sent() {
        let out = read_text(&format!("{HEAD}CLP*A1*22*100*80~SE*8*0001~"));
        let claim = &out.remittance.transactions[0].claims[0];
        assert_eq!(claim.paid, Money::from_cents(8000));
        assert_eq!(claim.findings.len(), 1);
        assert_eq!(claim.findings[0].kind, FindingKind::Unusual);
        assert!(claim.findings[0].message.contains("reversal (CLP02 = 22) but its charge is positive"));
    }

    #[test]
    fn sub_cent_amounts_are_rounded_and_reported() {
        let out = read_text(&format!("{HEAD}CLP*A1*1*10.005*10.00~CAS*CO*45*0.005~SE*9*0001~"));
        let claim = &out.remittance.transactions[0].claims[0];
        assert_eq!(claim.charge, Money::from_cents(1001));
        assert_eq!(claim.adjustments[0].amount, Money::from_cents(1));
        let messages: Vec<_> = claim.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "CLP03 \"10.005\" has more than two decimals; rounded to 10.01",
                "CAS03 \"0.005\" has more than two decimals; rounded to 0.01"
            ]
        );
    }

    #[test]
    fn segment_count_disagreeing_with_se_is_reported() {
        let out = read_text("ST*835*1~BPR*I*0*C*NON~SE*5*1~");
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.findings.len(), 1);
        assert!(
            tx.findings[0].message.contains("has 5 segments, but it has 3"),
            "{}",
            tx.findings[0].message
        );
    }

    #[test]
    fn other_transaction_sets_are_skipped_and_listed() {
        let out = read_text("ST*837*1~CLM*X*100~SE*3*1~ST*835*2~BPR*I*0*C*NON~SE*3*2~");
        assert_eq!(out.other_transaction_types, ["837"]);
        assert_eq!(out.remittance.transactions.len(), 1);
        assert_eq!(out.remittance.findings.len(), 1);
        assert!(out.remittance.findings[0].message.contains("837 (claim) is not an 835"));
    }

    #[test]
    fn missing_se_is_reported_on_the_transaction_not_the_claim() {
        let out = read_text(&format!("{HEAD}CLP*A1*1*10*10~GE*1*1~"));
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.claims.len(), 1);
        assert!(tx.claims[0].findings.is_empty());
        assert_eq!(tx.findings.len(), 1);
        assert!(
            tx.findings[0].message.contains("has no SE trailer before this GE"),
            "{}",
            tx.findings[0].message
        );
        let cut = read_text(&format!("{HEAD}CLP*A1*1*10*10~"));
        let tx = &cut.remittance.transactions[0];
        assert!(tx.findings[0].message.contains("the file may be cut short"), "{}", tx.findings[0].message);
        assert_eq!(tx.findings[0].segment_id, "CLP");
    }

    #[test]
    fn garbage_findings_are_capped() {
        let text = format!("ST*835*1~{}SE*1*1~", "x*1~".repeat(3000));
        let out = read_text(&text);
        let tx = &out.remittance.transactions[0];
        assert_eq!(tx.findings.len(), MAX_READING_FINDINGS + 1);
    }
}
