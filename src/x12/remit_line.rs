//! Remittance → [`RemitLine`]s: one payment row per service line, or per claim when it has none.
//!
//! This is the neutral form the reconciliation's payment rows are made from (SPEC §4, the
//! payments table). Each row carries what was paid and how the rest of the charge was adjusted,
//! split the way SPEC §4 needs it:
//!
//! | field | from |
//! |---|---|
//! | `paid` | SVC03 (CLP04 for a claim without lines) |
//! | `contractual` | Σ CO |
//! | `patient_responsibility` | Σ PR, of which `deductible` PR-1, `coinsurance` PR-2, `copay` PR-3 |
//! | `other_adjustment` | Σ OA + Σ PI, plus the 4010 group CR and any unknown group |
//! | `reason_codes` | `CO-45`, `PR-1`, … in file order, each once |
//! | `check_number`, `payment_date` | TRN02, BPR16 |
//!
//! Decisions where neither the SPEC nor the issue decides:
//!
//! - **Claim-level adjustments of a claim that has lines** are not spread over the lines (that
//!   would invent numbers). They go on one extra row of kind [`RemitLineKind::ClaimAdjustment`],
//!   with no code, that also carries whatever of CLP04 and CLP03 the lines do not account for.
//!   So for every claim Σ paid over its rows = CLP04 and Σ billed = CLP03, exactly. The row is
//!   only made when it carries something.
//! - **The code** is the procedure as billed: SVC06 when the payer changed the code, else SVC01,
//!   because that is what the practice's charge rows hold. The adjudicated SVC01 code is kept in
//!   `adjudicated_code`.
//! - **The service date** is DTM*472, else the start of DTM*150/151, else the claim's statement
//!   start date (DTM*232): the guide sends line dates only when they differ from the claim's.
//! - **Reversals** (CLP02 = 22) arrive with negated amounts and are passed on as sent, so a
//!   reversal and its correction add up to the net change.
//! - **CR** (4010 "correction and reversal") and unknown groups go to `other_adjustment`, so their
//!   money is counted; their reason codes show the group as sent.

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::Money;

use super::codes::{AdjustmentGroup, ClaimStatus};
use super::model::{Adjustment, Claim, Remittance, ServiceLine, Transaction};

/// What a [`RemitLine`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RemitLineKind {
    /// One SVC service line.
    ServiceLine,
    /// A claim sent without service lines (typical of institutional claims).
    WholeClaim,
    /// The claim-level part of a claim that has service lines: claim CAS, and any difference
    /// between CLP04/CLP03 and the lines' totals.
    ClaimAdjustment,
}

/// One payment row, as the reconciliation needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemitLine {
    pub kind: RemitLineKind,
    /// CLP01, the provider's claim id.
    pub claim_id: String,
    /// The procedure code as billed (SVC06 when sent, else SVC01); `None` on claim rows.
    pub code: Option<String>,
    pub modifiers: Vec<String>,
    /// SVC01's code, as the payer adjudicated it.
    pub adjudicated_code: Option<String>,
    #[serde(serialize_with = "super::model::iso_date")]
    pub service_date: Option<NaiveDate>,
    /// SVC02 (CLP03 on a whole-claim row; the part of CLP03 the lines miss on a claim-adjustment row).
    pub billed: Money,
    /// AMT*B6.
    pub allowed: Option<Money>,
    pub paid: Money,
    pub contractual: Money,
    pub patient_responsibility: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    pub copay: Money,
    pub other_adjustment: Money,
    /// `CO-45`, `PR-1`: group and reason, in file order, each once.
    pub reason_codes: Vec<String>,
    /// LQ*HE on a line, MOA/MIA on a claim row.
    pub remark_codes: Vec<String>,
    /// REF*6R: the provider's own line number, when the payer echoes it.
    pub line_control_number: Option<String>,
    /// TRN02: the check or EFT trace number.
    pub check_number: Option<String>,
    /// BPR16.
    #[serde(serialize_with = "super::model::iso_date")]
    pub payment_date: Option<NaiveDate>,
    /// N1*PR name.
    pub payer: String,
    /// NM1*QC as `LAST, FIRST M`.
    pub patient: Option<String>,
    /// NM1*QC NM109 (member id).
    pub patient_id: Option<String>,
    pub claim_status: ClaimStatus,
    pub payer_claim_number: Option<String>,
    /// File segment number of the SVC (or the CLP for claim rows).
    pub segment: usize,
}

/// All payment rows of a remittance, in file order.
pub fn remit_lines(remittance: &Remittance) -> Vec<RemitLine> {
    let mut rows = Vec::new();
    for transaction in &remittance.transactions {
        for claim in &transaction.claims {
            claim_rows(transaction, claim, &mut rows);
        }
    }
    rows
}

/// The payment rows of one claim, appended to `rows`: its service lines in order, then a
/// claim-adjustment row when there is one; or one whole-claim row for a claim without lines.
pub fn claim_rows(transaction: &Transaction, claim: &Claim, rows: &mut Vec<RemitLine>) {
    if claim.services.is_empty() {
        let mut row = claim_row(transaction, claim, RemitLineKind::WholeClaim);
        row.billed = claim.charge;
        row.paid = claim.paid;
        apply(&mut row, &claim.adjustments);
        rows.push(row);
        return;
    }
    for line in &claim.services {
        rows.push(service_row(transaction, claim, line));
    }
    let lines_paid: Money = claim.services.iter().map(|l| l.paid).sum();
    let lines_billed: Money = claim.services.iter().map(|l| l.charge).sum();
    let paid = claim.paid - lines_paid;
    let billed = claim.charge - lines_billed;
    if !claim.adjustments.is_empty() || !paid.is_zero() || !billed.is_zero() {
        let mut row = claim_row(transaction, claim, RemitLineKind::ClaimAdjustment);
        row.billed = billed;
        row.paid = paid;
        apply(&mut row, &claim.adjustments);
        rows.push(row);
    }
}

fn base_row(transaction: &Transaction, claim: &Claim, kind: RemitLineKind, segment: usize) -> RemitLine {
    RemitLine {
        kind,
        claim_id: claim.patient_control_number.clone(),
        code: None,
        modifiers: Vec::new(),
        adjudicated_code: None,
        service_date: claim.statement_from,
        billed: Money::ZERO,
        allowed: None,
        paid: Money::ZERO,
        contractual: Money::ZERO,
        patient_responsibility: Money::ZERO,
        deductible: Money::ZERO,
        coinsurance: Money::ZERO,
        copay: Money::ZERO,
        other_adjustment: Money::ZERO,
        reason_codes: Vec::new(),
        remark_codes: Vec::new(),
        line_control_number: None,
        check_number: transaction.payment.trace_number.clone(),
        payment_date: transaction.payment.date,
        payer: transaction.payer.name.clone(),
        patient: claim.patient.as_ref().map(|p| p.display_name()),
        patient_id: claim.patient.as_ref().and_then(|p| p.id.clone()),
        claim_status: claim.status.clone(),
        payer_claim_number: claim.payer_claim_number.clone(),
        segment,
    }
}

fn claim_row(transaction: &Transaction, claim: &Claim, kind: RemitLineKind) -> RemitLine {
    let mut row = base_row(transaction, claim, kind, claim.segment);
    row.remark_codes = claim.remarks.clone();
    row
}

fn service_row(transaction: &Transaction, claim: &Claim, line: &ServiceLine) -> RemitLine {
    let mut row = base_row(transaction, claim, RemitLineKind::ServiceLine, line.segment);
    let billed = line.billed_procedure();
    row.code = Some(billed.code.clone());
    row.modifiers = billed.modifiers.clone();
    row.adjudicated_code = Some(line.procedure.code.clone());
    row.service_date = line.date().or(claim.statement_from);
    row.billed = line.charge;
    row.allowed = line.allowed;
    row.paid = line.paid;
    row.remark_codes = line.remarks.clone();
    row.line_control_number = line.line_control_number.clone();
    apply(&mut row, &line.adjustments);
    row
}

/// Where an adjustment group's money goes on a payment row. The one place that decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bucket {
    Contractual,
    Patient,
    Other,
}

fn bucket(group: &AdjustmentGroup) -> Bucket {
    match group {
        AdjustmentGroup::Contractual => Bucket::Contractual,
        AdjustmentGroup::PatientResponsibility => Bucket::Patient,
        AdjustmentGroup::OtherAdjustment
        | AdjustmentGroup::PayerInitiated
        | AdjustmentGroup::CorrectionLegacy
        | AdjustmentGroup::Unknown(_) => Bucket::Other,
    }
}

/// CARC 1, 2 and 3: the parts of patient responsibility that plans name.
const CARC_DEDUCTIBLE: &str = "1";
const CARC_COINSURANCE: &str = "2";
const CARC_COPAY: &str = "3";

fn apply(row: &mut RemitLine, adjustments: &[Adjustment]) {
    for adjustment in adjustments {
        let amount = adjustment.amount;
        match bucket(&adjustment.group) {
            Bucket::Contractual => row.contractual += amount,
            Bucket::Other => row.other_adjustment += amount,
            Bucket::Patient => {
                row.patient_responsibility += amount;
                match adjustment.reason.as_str() {
                    CARC_DEDUCTIBLE => row.deductible += amount,
                    CARC_COINSURANCE => row.coinsurance += amount,
                    CARC_COPAY => row.copay += amount,
                    _ => {}
                }
            }
        }
        let code = adjustment.code();
        if !row.reason_codes.contains(&code) {
            row.reason_codes.push(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::parse;

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    const HEAD: &str = "ST*835*1~BPR*I*450*C*CHK************20020316~TRN*1*CHK77*1~N1*PR*RUSHMORE LIFE~LX*1~";

    fn rows(body: &str) -> Vec<RemitLine> {
        let text = format!("{HEAD}{body}SE*99*1~");
        remit_lines(&parse(text.as_bytes()).unwrap())
    }

    #[test]
    fn one_row_per_service_line_with_the_adjustments_split_by_group() {
        let rows = rows(
            "CLP*A1*1*500*300*150*12*PAYER1~NM1*QC*1*BUDD*WILLIAM****MI*M9~DTM*232*20020301~\
             SVC*HC:99213:25*500*300**1~DTM*472*20020302~CAS*PR*1*100**2*30**3*20~CAS*CO*45*40~CAS*OA*23*5**94*5~AMT*B6*460~REF*6R*L1~LQ*HE*N130~",
        );
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.kind, RemitLineKind::ServiceLine);
        assert_eq!(row.claim_id, "A1");
        assert_eq!(row.code.as_deref(), Some("99213"));
        assert_eq!(row.modifiers, ["25"]);
        assert_eq!(row.service_date, NaiveDate::from_ymd_opt(2002, 3, 2));
        assert_eq!(row.billed, money("500"));
        assert_eq!(row.paid, money("300"));
        assert_eq!(row.contractual, money("40"));
        assert_eq!(row.patient_responsibility, money("150"));
        assert_eq!((row.deductible, row.coinsurance, row.copay), (money("100"), money("30"), money("20")));
        assert_eq!(row.other_adjustment, money("10"));
        assert_eq!(row.reason_codes, ["PR-1", "PR-2", "PR-3", "CO-45", "OA-23", "OA-94"]);
        assert_eq!(row.allowed, Some(money("460")));
        assert_eq!(row.remark_codes, ["N130"]);
        assert_eq!(row.line_control_number.as_deref(), Some("L1"));
        assert_eq!(row.check_number.as_deref(), Some("CHK77"));
        assert_eq!(row.payment_date, NaiveDate::from_ymd_opt(2002, 3, 16));
        assert_eq!(row.payer, "RUSHMORE LIFE");
        assert_eq!(row.patient.as_deref(), Some("BUDD, WILLIAM"));
        assert_eq!(row.patient_id.as_deref(), Some("M9"));
        assert_eq!(row.payer_claim_number.as_deref(), Some("PAYER1"));
        assert_eq!(row.claim_status, ClaimStatus::ProcessedAsPrimary);
    }

    #[test]
    fn claim_without_lines_is_one_whole_claim_row() {
        let rows =
            rows("CLP*777777*1*15000*11980.33**MB*1999~CAS*CO*45*3019.67~DTM*232*20020512~MOA***MA02~");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.kind, RemitLineKind::WholeClaim);
        assert_eq!(row.code, None);
        assert_eq!(row.billed, money("15000"));
        assert_eq!(row.paid, money("11980.33"));
        assert_eq!(row.contractual, money("3019.67"));
        assert_eq!(row.service_date, NaiveDate::from_ymd_opt(2002, 5, 12));
        assert_eq!(row.remark_codes, ["MA02"]);
    }

    #[test]
    fn claim_level_adjustments_get_their_own_row_and_conserve_money() {
        // managed-care.835: CO-A2 50.00 at claim level, the line paid 500.00 of the claim's 450.00.
        let rows =
            rows("CLP*5554555444*1*800*450*300*12*9406~CAS*CO*A2*50~SVC*HC:99211*800*500~CAS*PR*1*300~");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].kind, RemitLineKind::ClaimAdjustment);
        assert_eq!(rows[1].paid, money("-50"));
        assert_eq!(rows[1].contractual, money("50"));
        assert_eq!(rows[1].reason_codes, ["CO-A2"]);
        let paid: Money = rows.iter().map(|r| r.paid).sum();
        let billed: Money = rows.iter().map(|r| r.billed).sum();
        assert_eq!((paid, billed), (money("450"), money("800")));
    }

    #[test]
    fn no_claim_adjustment_row_when_lines_account_for_everything() {
        let rows = rows("CLP*A*1*100*80~SVC*HC:1*60*50~CAS*CO*45*10~SVC*HC:2*40*30~CAS*CO*45*10~");
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.kind == RemitLineKind::ServiceLine));
    }

    #[test]
    fn submitted_code_is_the_code_and_adjudicated_code_is_kept() {
        let rows = rows("CLP*A*1*1210*1057.86~SVC*HC:59430*1210*1057.86**1*HC:59410:AA~CAS*CO*42*152.14~");
        assert_eq!(rows[0].code.as_deref(), Some("59410"));
        assert_eq!(rows[0].modifiers, ["AA"]);
        assert_eq!(rows[0].adjudicated_code.as_deref(), Some("59430"));
    }

    #[test]
    fn line_without_a_date_takes_the_claim_statement_date() {
        let rows = rows("CLP*A*1*10*10~DTM*232*20240105~SVC*HC:1*10*10~");
        assert_eq!(rows[0].service_date, NaiveDate::from_ymd_opt(2024, 1, 5));
    }

    #[test]
    fn legacy_and_unknown_groups_count_as_other_adjustments() {
        let rows = rows("CLP*A*1*300*100~SVC*HC:T1017*300*100~CAS*CR*45*100~CAS*ZZ*1*100~");
        assert_eq!(rows[0].other_adjustment, money("200"));
        assert_eq!(rows[0].patient_responsibility, Money::ZERO);
        assert_eq!(rows[0].reason_codes, ["CR-45", "ZZ-1"]);
    }
}
