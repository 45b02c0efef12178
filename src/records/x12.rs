//! The rows of X12 files: an 835 remittance read as payment rows (SPEC §4
//! inputs) and an 837 claim file read as charge rows (SPEC §11).

use crate::carc::{self, ReasonCode};
use crate::columns::Role;
use crate::interned::Text;
use crate::money::Money;
use crate::payment_source::PaymentSource;

use super::{ChargeRow, FileKind, Id, Keys, PaymentRow, Records, Remit};

/// The roles an X12 835 supplies, for choosing the match level against a
/// charges file. It has no line numbers of the practice's own and no MRN.
pub fn roles_835() -> std::collections::BTreeSet<Role> {
    [
        Role::ClaimId,
        Role::Code,
        Role::Modifier,
        Role::ServiceDate,
        Role::PatientName,
        Role::Payer,
        Role::Billed,
        Role::Allowed,
        Role::Paid,
        Role::Contractual,
        Role::Deductible,
        Role::Coinsurance,
        Role::Copay,
        Role::PatientResponsibility,
        Role::OtherAdjustment,
        Role::ReasonCodes,
        Role::PaymentDate,
        Role::CheckNumber,
        Role::PaymentSource,
    ]
    .into_iter()
    .collect()
}

/// The roles the charge rows of 837 claim files supply, for choosing the match level: the line
/// too when every service line carries a REF*6R line control number (SPEC §11).
pub fn roles_837(records: &Records<ChargeRow>) -> std::collections::BTreeSet<Role> {
    let mut roles: std::collections::BTreeSet<Role> = [
        Role::ClaimId,
        Role::Code,
        Role::Modifier,
        Role::ServiceDate,
        Role::PatientName,
        Role::Payer,
        Role::Billed,
    ]
    .into_iter()
    .collect();
    if !records.rows.is_empty() && records.rows.iter().all(|r| r.keys.line.is_some()) {
        roles.insert(Role::Line);
    }
    roles
}

/// The charge rows of an 837 claim file (SPEC §11): one per service line (SV1/SV2) of every
/// claim that stands after replacements and voids. A row's number is the segment number of its
/// SV1/SV2; its line key is the REF*6R line control number, which an 835 echoes back. The
/// replacements, voids and claims that do not add up are the file's notes.
pub fn records_of_837(batch: &crate::x12::ClaimBatch, file_name: &str) -> Records<ChargeRow> {
    let mut rows = Vec::with_capacity(batch.line_count());
    for claim in &batch.claims {
        let claim_id = Id::new(&claim.id);
        let patient = claim.patient.as_deref().and_then(Id::name);
        let payer = claim.payer.as_deref().map(Text::from);
        for line in &claim.lines {
            rows.push(ChargeRow {
                row: u32::try_from(line.segment).unwrap_or(u32::MAX),
                keys: Keys {
                    claim: claim_id.clone(),
                    line: line.control_number.as_deref().and_then(Id::new),
                    patient_id: None,
                    patient_name: patient.clone(),
                    service_date: line.service_date,
                    code: line.code.as_deref().or(line.revenue_code.as_deref()).and_then(Id::code),
                    modifier: Id::modifiers(&line.modifiers.join(",")),
                },
                payer: payer.clone(),
                billed: line.billed,
                allowed: None,
                billed_date: None,
                date_of_birth: None,
                units: line.units,
                remit: Remit::default(),
            });
        }
    }
    let mut notes: Vec<String> = batch.notes.iter().map(|n| format!("{file_name}: {n}")).collect();
    notes.extend(batch.findings.iter().map(|f| format!("{file_name}, {}: {}", f.location(), f.message)));
    Records {
        file: FileKind::Charges,
        name: file_name.to_string(),
        rows,
        rejected: Vec::new(),
        blank: 0,
        skipped: Vec::new(),
        notes,
    }
}

/// The payment rows of an 835 remittance (parsed by [`crate::x12::parse`]), one per
/// service line (or per claim without lines, or claim-level adjustments). A row's number is
/// the segment number of its SVC (or CLP) in the file.
pub fn records_of_835(remittance: &crate::x12::Remittance, file_name: &str) -> Records<PaymentRow> {
    use crate::x12::{remit_lines, RemitLineKind};
    let rows = remit_lines(remittance)
        .into_iter()
        .map(|l| {
            let mut reason_codes: Vec<ReasonCode> =
                l.reason_codes.iter().filter_map(|c| carc::parse_list(c).ok()).flatten().collect();
            reason_codes.extend(l.remark_codes.iter().filter_map(|c| carc::parse_list(c).ok()).flatten());
            PaymentRow {
                row: u32::try_from(l.segment).unwrap_or(u32::MAX),
                keys: Keys {
                    claim: Id::new(&l.claim_id),
                    // REF*6R: used only when the charges are an 837 whose lines carry it too.
                    line: l.line_control_number.as_deref().and_then(Id::new),
                    patient_id: None,
                    patient_name: l.patient.as_deref().and_then(Id::name),
                    service_date: l.service_date,
                    code: l.code.as_deref().and_then(Id::code),
                    modifier: Id::modifiers(&l.modifiers.join(",")),
                },
                payer: Some(l.payer.as_str()).filter(|p| !p.is_empty()).map(Text::from),
                billed: Some(l.billed),
                allowed: l.allowed,
                remit: Remit {
                    paid: l.paid,
                    contractual: l.contractual,
                    patient_responsibility: l.patient_responsibility,
                    deductible: Some(l.deductible),
                    coinsurance: Some(l.coinsurance),
                    copay: Some(l.copay),
                    other_adjustment: l.other_adjustment,
                    patient_paid: Money::ZERO,
                    source: PaymentSource::of_claim_status(&l.claim_status),
                    reason_codes,
                    any_amount: true,
                },
                payment_date: l.payment_date,
                check_number: l.check_number.as_deref().map(Text::from),
                claim_level: l.kind != RemitLineKind::ServiceLine,
            }
        })
        .collect();
    Records {
        file: FileKind::Payments,
        name: file_name.to_string(),
        rows,
        rejected: Vec::new(),
        blank: 0,
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}
