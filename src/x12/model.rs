//! What an 835 says, as read: transactions (one check or EFT each), claims, service lines,
//! adjustments, provider-level adjustments, and the findings made while reading and balancing.
//!
//! Amounts are [`Money`] exactly as sent: a reversal (CLP02 = 22) already carries negative
//! amounts, and nothing here changes a sign. Every element that was not sent is `None` (or empty),
//! not zero, so that "the payer said 0.00" and "the payer said nothing" stay apart.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::money::Money;
use crate::table::dates;

use super::codes::{
    AdjustmentGroup, ClaimStatus, CreditDebit, PaymentHandling, PaymentMethod, ProviderAdjustmentReason,
};

/// Everything read from one file: every 835 transaction of every interchange, in file order.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Remittance {
    pub transactions: Vec<Transaction>,
    /// Problems that belong to no transaction: segments outside ST/SE, transactions of another
    /// type, an envelope that could not be read.
    pub findings: Vec<Finding>,
    /// Number of ISA interchanges in the file (0 when the file has no envelope).
    pub interchanges: usize,
}

impl Remittance {
    /// Every finding of the file, its transactions and their claims, in file order of the segment
    /// each one names.
    pub fn all_findings(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self.findings.iter().collect();
        for transaction in &self.transactions {
            all.extend(transaction.findings.iter());
            for claim in &transaction.claims {
                all.extend(claim.findings.iter());
            }
        }
        all.sort_by_key(|f| f.segment);
        all
    }

    pub fn claim_count(&self) -> usize {
        self.transactions.iter().map(|t| t.claims.len()).sum()
    }
}

/// One ST…SE transaction set: one payment (check, EFT or notification) from one payer to one
/// payee, with the claims it pays and the provider-level adjustments.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// ST02, the transaction set control number.
    pub control_number: String,
    /// GS08 of the enclosing functional group (`005010X221A1`, `004010X091A1`), when present.
    pub version: Option<String>,
    /// File segment numbers of the ST and the SE (or of the last segment read, without an SE).
    pub first_segment: usize,
    pub last_segment: usize,
    /// N1*PR.
    pub payer: Party,
    /// N1*PE.
    pub payee: Party,
    pub payment: Payment,
    pub claims: Vec<Claim>,
    /// PLB: adjustments to the provider that belong to no claim (interest, recoupments, ...).
    pub provider_adjustments: Vec<ProviderAdjustment>,
    pub findings: Vec<Finding>,
}

impl Transaction {
    /// Σ CLP04 over the claims.
    pub fn claims_paid(&self) -> Money {
        self.claims.iter().map(|c| c.paid).sum()
    }

    /// Σ PLB amounts. Positive amounts reduce the payment.
    pub fn provider_adjustments_total(&self) -> Money {
        self.provider_adjustments.iter().map(|a| a.amount).sum()
    }
}

/// A payer or payee as named in N1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    /// N102.
    pub name: String,
    /// N103 (`XX` NPI, `FI` tax id, `XV` payer id, ...), when sent.
    pub id_qualifier: Option<String>,
    /// N104.
    pub id: Option<String>,
}

/// BPR, TRN and DTM*405: the money itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// BPR01.
    pub handling: Option<PaymentHandling>,
    /// BPR02, the total actually paid. `None` when missing or not an amount (a finding says which).
    pub amount: Option<Money>,
    /// BPR03.
    pub credit_debit: Option<CreditDebit>,
    /// BPR04.
    pub method: Option<PaymentMethod>,
    /// BPR16: the check date or the EFT effective date.
    #[serde(serialize_with = "iso_date")]
    pub date: Option<NaiveDate>,
    /// TRN02: the check number or the EFT trace number.
    pub trace_number: Option<String>,
    /// TRN03: the payer's identifier (usually 1 + tax id).
    pub originator_id: Option<String>,
    /// DTM*405: when the payer produced the remittance.
    #[serde(serialize_with = "iso_date")]
    pub production_date: Option<NaiveDate>,
}

/// CLP and what follows it up to the next claim: one claim as adjudicated.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// File segment number of the CLP.
    pub segment: usize,
    /// CLP01: the provider's own claim id (patient control number, the 837's CLM01).
    pub patient_control_number: String,
    /// CLP02.
    pub status: ClaimStatus,
    /// CLP03: total charge.
    pub charge: Money,
    /// CLP04: what this payer paid on the claim.
    pub paid: Money,
    /// CLP05: what the patient owes, when sent.
    pub patient_responsibility: Option<Money>,
    /// CLP07: the payer's own claim number.
    pub payer_claim_number: Option<String>,
    /// NM1*QC.
    pub patient: Option<Person>,
    /// DTM*232 and DTM*233: the claim's statement period.
    #[serde(serialize_with = "iso_date")]
    pub statement_from: Option<NaiveDate>,
    #[serde(serialize_with = "iso_date")]
    pub statement_to: Option<NaiveDate>,
    /// DTM*050: when the payer received the claim.
    #[serde(serialize_with = "iso_date")]
    pub received: Option<NaiveDate>,
    /// Claim-level CAS. Also holds the CAS of a service line that was skipped as malformed, so
    /// that its money is not lost (each adjustment keeps its own segment number).
    pub adjustments: Vec<Adjustment>,
    pub services: Vec<ServiceLine>,
    /// Remark codes from MOA and MIA.
    pub remarks: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Claim {
    pub(crate) fn new(segment: usize) -> Claim {
        Claim {
            segment,
            patient_control_number: String::new(),
            status: ClaimStatus::Unknown(String::new()),
            charge: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: None,
            payer_claim_number: None,
            patient: None,
            statement_from: None,
            statement_to: None,
            received: None,
            adjustments: Vec::new(),
            services: Vec::new(),
            remarks: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Claim-level and line-level adjustments together.
    pub fn all_adjustments(&self) -> impl Iterator<Item = &Adjustment> {
        self.adjustments.iter().chain(self.services.iter().flat_map(|s| s.adjustments.iter()))
    }

    pub fn is_reversal(&self) -> bool {
        self.status == ClaimStatus::Reversal
    }
}

/// NM1*QC: the patient as the payer knows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub last: String,
    pub first: String,
    pub middle: String,
    /// NM109: member id or other identifier.
    pub id: Option<String>,
}

impl Person {
    /// `LAST, FIRST M`, the way remittances and practice systems list patients.
    pub fn display_name(&self) -> String {
        let mut name = self.last.clone();
        let given = [self.first.as_str(), self.middle.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !given.is_empty() {
            if !name.is_empty() {
                name.push_str(", ");
            }
            name.push_str(&given);
        }
        name
    }
}

/// A procedure as in SVC01 or SVC06: `HC:99213:25` is qualifier `HC`, code `99213`, modifier `25`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Procedure {
    /// `HC` (HCPCS/CPT), `AD` (dental), `NU` (revenue code), `N4` (NDC), ...
    pub qualifier: String,
    pub code: String,
    pub modifiers: Vec<String>,
}

/// SVC and what follows it up to the next SVC or claim.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceLine {
    /// File segment number of the SVC.
    pub segment: usize,
    /// SVC01: the procedure as adjudicated.
    pub procedure: Procedure,
    /// SVC06: the procedure as submitted, sent only when the payer changed it.
    pub original_procedure: Option<Procedure>,
    /// SVC02: the line charge.
    pub charge: Money,
    /// SVC03: what the payer paid on the line.
    pub paid: Money,
    /// SVC04: the NUBC revenue code, when sent.
    pub revenue_code: Option<String>,
    /// SVC05: units paid (the guide implies 1 when absent).
    #[serde(serialize_with = "decimal_text")]
    pub units: Option<Decimal>,
    /// DTM*472.
    #[serde(serialize_with = "iso_date")]
    pub service_date: Option<NaiveDate>,
    /// DTM*150 and DTM*151: a service period instead of a single date.
    #[serde(serialize_with = "iso_date")]
    pub period_start: Option<NaiveDate>,
    #[serde(serialize_with = "iso_date")]
    pub period_end: Option<NaiveDate>,
    /// AMT*B6: the allowed amount.
    pub allowed: Option<Money>,
    /// REF*6R: the provider's line item control number, echoed from the claim.
    pub line_control_number: Option<String>,
    /// LQ*HE: remark codes (RARCs).
    pub remarks: Vec<String>,
    pub adjustments: Vec<Adjustment>,
}

impl ServiceLine {
    pub(crate) fn new(segment: usize, procedure: Procedure) -> ServiceLine {
        ServiceLine {
            segment,
            procedure,
            original_procedure: None,
            charge: Money::ZERO,
            paid: Money::ZERO,
            revenue_code: None,
            units: None,
            service_date: None,
            period_start: None,
            period_end: None,
            allowed: None,
            line_control_number: None,
            remarks: Vec::new(),
            adjustments: Vec::new(),
        }
    }

    /// The procedure the provider billed: SVC06 when the payer changed it, else SVC01. This is
    /// the one to match against the practice's charges.
    pub fn billed_procedure(&self) -> &Procedure {
        self.original_procedure.as_ref().unwrap_or(&self.procedure)
    }

    /// The date of service: DTM*472, else the start of the DTM*150/151 period.
    pub fn date(&self) -> Option<NaiveDate> {
        self.service_date.or(self.period_start)
    }
}

/// One reason/amount/quantity triple of a CAS segment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adjustment {
    /// File segment number of the CAS.
    pub segment: usize,
    pub group: AdjustmentGroup,
    /// The claim adjustment reason code (CARC) as sent: `45`, `A2`.
    pub reason: String,
    /// Positive amounts reduce what is paid; negative ones add to it.
    pub amount: Money,
    #[serde(serialize_with = "decimal_text")]
    pub quantity: Option<Decimal>,
}

impl Adjustment {
    /// `CO-45`, the form the reconciliation and the reason-code table use.
    pub fn code(&self) -> String {
        format!("{}-{}", self.group.code(), self.reason)
    }
}

/// One reason/amount pair of a PLB segment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderAdjustment {
    /// File segment number of the PLB.
    pub segment: usize,
    /// PLB01: the provider the adjustment applies to (may differ from the payee).
    pub provider_id: String,
    /// PLB02: the last day of the provider's fiscal year.
    #[serde(serialize_with = "iso_date")]
    pub fiscal_period_end: Option<NaiveDate>,
    /// PLB03-1.
    pub reason: ProviderAdjustmentReason,
    /// PLB03-2: the payer's reference (often the claim or recoupment it relates to).
    pub reference: Option<String>,
    /// PLB04: positive reduces the payment, negative increases it.
    pub amount: Money,
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The numbers do not add up or something is unusual; everything was still read and used.
    Warning,
    /// A segment or element could not be read; what it would have said is missing.
    Error,
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    /// A segment or element that breaks the 835 format.
    Malformed,
    /// A balancing rule of the 835 guide that does not hold.
    Unbalanced,
    /// Readable but odd (a segment count that disagrees, extra elements, a reversal with positive
    /// amounts).
    Unusual,
}

/// Something a billing specialist should know about the file. It names the segment (counted
/// from 1 over the whole file, and within its transaction when it is in one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub segment: usize,
    /// The segment's id (`CLP`, `SVC`, `BPR`).
    pub segment_id: String,
    /// The segment's position in its ST…SE transaction (ST is 1), as SE01 counts.
    pub transaction_segment: Option<usize>,
    pub severity: Severity,
    pub kind: FindingKind,
    pub message: String,
}

impl Finding {
    /// `segment 20 (SVC, 18th in its transaction)`: where to look in the file.
    pub fn location(&self) -> String {
        match self.transaction_segment {
            Some(n) => format!("segment {} ({}, #{n} in its transaction)", self.segment, self.segment_id),
            None => format!("segment {} ({})", self.segment, self.segment_id),
        }
    }
}

/// Dates travel as ISO text (`2024-03-01`), as every ClearBill contract does.
pub(crate) fn iso_date<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.serialize_str(&dates::iso(*d)),
        None => serializer.serialize_none(),
    }
}

/// Quantities travel as decimal text (`"1.5"`), never as floats.
fn decimal_text<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(&v.normalize()),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_name_reads_last_comma_first_middle() {
        let p = Person { last: "DOE".into(), first: "JOHN".into(), middle: "A".into(), id: None };
        assert_eq!(p.display_name(), "DOE, JOHN A");
        let only_last = Person { last: "DOE".into(), ..Person::default() };
        assert_eq!(only_last.display_name(), "DOE");
        let only_first = Person { first: "MARY".into(), ..Person::default() };
        assert_eq!(only_first.display_name(), "MARY");
    }

    #[test]
    fn billed_procedure_prefers_the_submitted_code() {
        let adjudicated = Procedure { qualifier: "HC".into(), code: "59430".into(), modifiers: vec![] };
        let mut line = ServiceLine::new(1, adjudicated);
        assert_eq!(line.billed_procedure().code, "59430");
        line.original_procedure =
            Some(Procedure { qualifier: "HC".into(), code: "59410".into(), modifiers: vec![] });
        assert_eq!(line.billed_procedure().code, "59410");
    }

    #[test]
    fn dates_serialise_as_iso_text() {
        let payment = Payment { date: NaiveDate::from_ymd_opt(2024, 3, 1), ..Payment::default() };
        let json = serde_json::to_value(&payment).unwrap();
        assert_eq!(json["date"], "2024-03-01");
        assert!(json["productionDate"].is_null());
    }
}
