//! "Explain to the patient" (SPEC §12): one claim of a remittance in plain words.
//!
//! A patient reads what was billed, what the plan allowed and paid, what they owe and why
//! (deductible, coinsurance, copay, not covered), what they do not owe (the provider's contract
//! discount and the plan's other adjustments), and what to do if they disagree. The words are
//! made here, so that the page only lays them out and a native test can read them.
//!
//! Choices where the SPEC is silent:
//! - What the patient owes is Σ PR of the claim (claim and line level), so the reasons add up to
//!   it exactly; the payer's CLP05 is the same number on a balanced claim.
//! - "Allowed" is what the plan paid plus what the patient owes: the amount the plan recognised
//!   for the care. The payer's AMT*B6 is per line, often missing, and does not always add up.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{PostingLine, RemitReport};
use crate::estimate::dollars;
use crate::money::Money;

/// One claim explained for the patient.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub patient: Option<String>,
    pub member_id: Option<String>,
    pub claim_id: String,
    /// The payer's own number for the claim: what to quote when calling the plan.
    pub payer_claim_number: Option<String>,
    pub payer: String,
    pub provider: String,
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub first_service_date: Option<NaiveDate>,
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub last_service_date: Option<NaiveDate>,
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub notice_date: Option<NaiveDate>,
    pub billed: Money,
    pub allowed: Money,
    pub plan_paid: Money,
    pub you_owe: Money,
    /// What the provider may not bill the patient for (contractual and other adjustments).
    pub not_billed_to_you: Money,
    /// What the plan did with the claim, in one or two sentences.
    pub status: String,
    /// The bill in one sentence: billed, allowed, paid, owed.
    pub summary: String,
    /// Why the patient owes what they owe: deductible, coinsurance, copay, not covered.
    pub you_owe_because: Vec<ExplanationItem>,
    /// Amounts taken off the bill that the patient does not owe.
    pub taken_off: Vec<ExplanationItem>,
    /// The plan's remarks, in plain words.
    pub remarks: Vec<String>,
    pub services: Vec<ExplanationService>,
    /// What to do if the patient disagrees, step by step.
    pub if_you_disagree: Vec<String>,
}

/// One reason and its amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplanationItem {
    pub label: String,
    pub amount: Money,
    pub why: String,
}

/// One service of the claim.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplanationService {
    #[serde(serialize_with = "crate::x12::model::iso_date")]
    pub date: Option<NaiveDate>,
    /// "service 99213", "the whole claim" (a claim sent without lines), or "adjustment to the
    /// whole claim".
    pub description: String,
    pub billed: Money,
    pub plan_paid: Money,
    pub you_owe: Money,
}

/// What one part of the patient's share is called, and why they owe it.
fn patient_part(reason: &str) -> (&'static str, &'static str) {
    match reason {
        "1" => ("Deductible", "the amount you pay each year before your plan starts to pay"),
        "2" => (
            "Coinsurance",
            "your share of the cost, a percentage of the allowed amount, after the deductible",
        ),
        "3" => ("Copay", "a fixed amount your plan asks you to pay for this kind of care"),
        _ => ("Not covered", ""),
    }
}

/// Claim adjustments as group, reason and amount, with a claim sent without lines counted once.
fn adjustments(report: &RemitReport, claim: usize) -> Vec<(String, String, Money)> {
    let summary = &report.claims[claim];
    let lines = &report.lines[summary.first_line..summary.first_line + summary.line_count];
    // A claim without service lines has one line that already carries the claim's adjustments.
    let whole_claim = lines.iter().any(|l| l.code.is_none());
    let mut out: Vec<(String, String, Money)> = Vec::new();
    if !whole_claim {
        out.extend(summary.adjustments.iter().map(|a| (a.group.clone(), a.code.clone(), a.amount)));
    }
    for line in lines {
        out.extend(line_adjustments(line));
    }
    out
}

/// A line's money by group and reason, from its split columns. The other-patient and
/// other-adjustment columns take the first reason code of their group.
fn line_adjustments(line: &PostingLine) -> Vec<(String, String, Money)> {
    let first_reason = |groups: &[&str]| {
        line.reason_codes
            .iter()
            .filter_map(|c| c.split_once('-'))
            .find(|(g, r)| groups.contains(g) && (groups != ["PR"] || !["1", "2", "3"].contains(r)))
            .map(|(g, r)| (g.to_string(), r.to_string()))
    };
    let mut out = Vec::new();
    for (reason, amount) in [("1", line.deductible), ("2", line.coinsurance), ("3", line.copay)] {
        if !amount.is_zero() {
            out.push(("PR".to_string(), reason.to_string(), amount));
        }
    }
    if !line.other_patient.is_zero() {
        let (g, r) = first_reason(&["PR"]).unwrap_or(("PR".into(), String::new()));
        out.push((g, r, line.other_patient));
    }
    if !line.contractual.is_zero() {
        let (g, r) = first_reason(&["CO"]).unwrap_or(("CO".into(), String::new()));
        out.push((g, r, line.contractual));
    }
    if !line.other_adjustments.is_zero() {
        let (g, r) = first_reason(&["OA", "PI", "CR"]).unwrap_or(("OA".into(), String::new()));
        out.push((g, r, line.other_adjustments));
    }
    out
}

fn meaning(reason: &str) -> &'static str {
    crate::carc::carc_meaning(reason).unwrap_or("a reason the plan gave by code")
}

/// The explanation of claim `claim` (an index into `report.claims`), or `None` when there is none.
pub fn explain(report: &RemitReport, claim: usize) -> Option<Explanation> {
    let summary = report.claims.get(claim)?;
    let payment = report.payments.get(summary.payment)?;
    let lines = &report.lines[summary.first_line..summary.first_line + summary.line_count];

    let mut owed: BTreeMap<(u8, String), ExplanationItem> = BTreeMap::new();
    let mut off: BTreeMap<String, ExplanationItem> = BTreeMap::new();
    for (group, reason, amount) in adjustments(report, claim) {
        if group == "PR" {
            let (label, why) = patient_part(&reason);
            let order = match label {
                "Deductible" => 0,
                "Coinsurance" => 1,
                "Copay" => 2,
                _ => 3,
            };
            let why = if why.is_empty() {
                format!("your plan does not pay for this: {}", meaning(&reason))
            } else {
                why.to_string()
            };
            let key = (order, if order == 3 { reason.clone() } else { String::new() });
            owed.entry(key)
                .or_insert_with(|| ExplanationItem { label: label.to_string(), amount: Money::ZERO, why })
                .amount += amount;
        } else {
            let (label, why) = if group == "CO" {
                (
                    "Provider's contract discount",
                    format!(
                        "the price agreed between {} and your provider is lower than the bill ({}); the provider may not bill you for it",
                        payment.payer,
                        meaning(&reason)
                    ),
                )
            } else {
                ("Other adjustment", format!("{}; this is not billed to you", meaning(&reason)))
            };
            off.entry(format!("{group}-{reason}"))
                .or_insert_with(|| ExplanationItem { label: label.to_string(), amount: Money::ZERO, why })
                .amount += amount;
        }
    }
    let you_owe_because: Vec<ExplanationItem> = owed.into_values().filter(|i| !i.amount.is_zero()).collect();
    let taken_off: Vec<ExplanationItem> = off.into_values().filter(|i| !i.amount.is_zero()).collect();
    let you_owe: Money = you_owe_because.iter().map(|i| i.amount).sum();
    let not_billed_to_you: Money = taken_off.iter().map(|i| i.amount).sum();
    let allowed = summary.paid + you_owe;

    let summary_sentence = if you_owe.is_zero() {
        format!(
            "Your provider billed {}. {} allowed {} for this care and paid {}. You owe nothing on this claim.",
            dollars(summary.billed),
            payment.payer,
            dollars(allowed),
            dollars(summary.paid)
        )
    } else {
        format!(
            "Your provider billed {}. {} allowed {} for this care, paid {}, and you owe {}.",
            dollars(summary.billed),
            payment.payer,
            dollars(allowed),
            dollars(summary.paid),
            dollars(you_owe)
        )
    };

    let mut remarks: Vec<String> = Vec::new();
    for code in summary.remark_codes.iter().chain(lines.iter().flat_map(|l| &l.remark_codes)) {
        if let Some(meaning) = crate::rarc::rarc_meaning(code) {
            let sentence = capitalise(meaning);
            if !remarks.contains(&sentence) {
                remarks.push(sentence);
            }
        }
    }

    let reference = summary.payer_claim_number.clone().unwrap_or_else(|| summary.claim_id.clone());
    let if_you_disagree = vec![
        format!(
            "Call {} at the member phone number on your insurance card. Give them the claim number {reference}.",
            payment.payer
        ),
        "Ask them to explain the decision in writing, and ask how to appeal. You have the right to appeal a plan's decision, usually within 180 days of this notice.".to_string(),
        format!(
            "Ask {} for an itemized bill, and check that you received every service on it.",
            if payment.payee.is_empty() { "your provider's billing office" } else { &payment.payee }
        ),
        "If you are billed for an amount listed above as not billed to you, show this page to the billing office and ask them to correct the bill.".to_string(),
    ];

    let dates: Vec<NaiveDate> =
        lines.iter().filter_map(|l| l.service_date).chain(summary.service_date).collect();
    Some(Explanation {
        patient: summary.patient.clone(),
        member_id: summary.member_id.clone(),
        claim_id: summary.claim_id.clone(),
        payer_claim_number: summary.payer_claim_number.clone(),
        payer: payment.payer.clone(),
        provider: payment.payee.clone(),
        first_service_date: dates.iter().min().copied(),
        last_service_date: dates.iter().max().copied(),
        notice_date: payment.date,
        billed: summary.billed,
        allowed,
        plan_paid: summary.paid,
        you_owe,
        not_billed_to_you,
        status: status_sentence(&summary.status, &payment.payer),
        summary: summary_sentence,
        you_owe_because,
        taken_off,
        remarks,
        services: services(lines, summary.billed, summary.paid, you_owe),
        if_you_disagree,
    })
}

/// The services of the claim, and one more row for what the plan changed on the whole claim
/// (a claim-level adjustment), so that the rows add up to the claim's billed, paid and owed.
fn services(lines: &[PostingLine], billed: Money, paid: Money, you_owe: Money) -> Vec<ExplanationService> {
    let mut rows: Vec<ExplanationService> = lines
        .iter()
        .map(|l| ExplanationService {
            date: l.service_date,
            description: l
                .code
                .as_ref()
                .map_or_else(|| "the whole claim".to_string(), |c| format!("service {c}")),
            billed: l.billed,
            plan_paid: l.paid,
            you_owe: l.deductible + l.coinsurance + l.copay + l.other_patient,
        })
        .collect();
    let sum = |f: fn(&ExplanationService) -> Money| rows.iter().map(f).sum::<Money>();
    let rest = (billed - sum(|r| r.billed), paid - sum(|r| r.plan_paid), you_owe - sum(|r| r.you_owe));
    if rest != (Money::ZERO, Money::ZERO, Money::ZERO) {
        rows.push(ExplanationService {
            date: None,
            description: "adjustment to the whole claim".to_string(),
            billed: rest.0,
            plan_paid: rest.1,
            you_owe: rest.2,
        });
    }
    rows
}

/// What the plan did with the claim (CLP02), in a sentence.
fn status_sentence(status: &str, payer: &str) -> String {
    match status {
        "1" => format!("{payer} processed this claim as your main insurance."),
        "2" => format!("{payer} processed this claim as your second insurance, after your main plan."),
        "3" => format!("{payer} processed this claim as your third insurance, after your other plans."),
        "4" => format!("{payer} denied this claim and paid nothing. The reasons are below."),
        "19" | "20" | "21" => format!(
            "{payer} processed this claim and sent it on to your other insurance, which may pay part of what is left."
        ),
        "22" => format!(
            "This notice takes back an earlier payment from {payer} on this claim, usually because it is being corrected. The amounts are negative for that reason."
        ),
        "23" => format!("{payer} says this claim belongs to another insurer and sent it on to them."),
        "25" => format!("{payer} priced this care in advance (a predetermination). Nothing was paid."),
        _ => format!("{payer} processed this claim."),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    let sentence: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    format!("{sentence}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remit::{read_remittances, RemitFile};

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    const ERA: &str = "ST*835*1~BPR*I*100*C*CHK************20240105~TRN*1*CHK1*1~N1*PR*ACME HEALTH~N1*PE*MAIN STREET CLINIC~LX*1~\
        CLP*A1*1*200*100*60*12*P1~NM1*QC*1*DOE*JANE****MI*M1~\
        SVC*HC:99213*150*80**1~DTM*472*20240102~CAS*PR*1*30**2*10~CAS*CO*45*30~LQ*HE*N130~\
        SVC*HC:81002*50*20**1~DTM*472*20240102~CAS*PR*3*15**96*5~CAS*OA*23*10~\
        CLP*B2*4*90*0*0*12*P2~NM1*QC*1*ROE*RICHARD~CAS*CO*50*90~SE*20*1~";

    fn report() -> RemitReport {
        read_remittances(&[RemitFile { name: "era.835", bytes: ERA.as_bytes() }]).unwrap()
    }

    #[test]
    fn what_the_patient_owes_adds_up_from_its_reasons() {
        let e = explain(&report(), 0).unwrap();
        assert_eq!(e.you_owe, m("60"));
        let parts: Vec<(&str, Money)> =
            e.you_owe_because.iter().map(|i| (i.label.as_str(), i.amount)).collect();
        assert_eq!(
            parts,
            [("Deductible", m("30")), ("Coinsurance", m("10")), ("Copay", m("15")), ("Not covered", m("5"))]
        );
        assert!(e.you_owe_because[3].why.contains("non-covered charge"), "{}", e.you_owe_because[3].why);
        assert_eq!((e.plan_paid, e.allowed, e.not_billed_to_you), (m("100"), m("160"), m("40")));
        // Billed = allowed + what was taken off.
        assert_eq!(e.billed, e.allowed + e.not_billed_to_you);
        assert_eq!(e.summary, "Your provider billed $200.00. ACME HEALTH allowed $160.00 for this care, paid $100.00, and you owe $60.00.");
        assert_eq!(e.remarks, ["Consult the plan's benefit documents for coverage limits."]);
        assert_eq!(e.services.len(), 2);
        assert_eq!(e.services[1].you_owe, m("20"));
        assert_eq!(e.services[0].description, "service 99213");
        assert!(e.if_you_disagree[0].contains("claim number P1"));
        assert!(e.if_you_disagree[2].contains("MAIN STREET CLINIC"));
    }

    #[test]
    fn a_claim_level_adjustment_is_a_row_of_its_own_so_the_services_add_up() {
        // managed-care.835's first claim: the line paid 500.00, CO-A2 50.00 at claim level, CLP04 450.00.
        let era = "ST*835*1~BPR*I*450*C*CHK************20240105~TRN*1*C1*1~N1*PR*RUSHMORE LIFE~LX*1~\
            CLP*5554555444*1*800*450*300*12*9406~CAS*CO*A2*50~SVC*HC:99211*800*500~CAS*PR*1*300~SE*9*1~";
        let report = read_remittances(&[RemitFile { name: "era.835", bytes: era.as_bytes() }]).unwrap();
        let e = explain(&report, 0).unwrap();
        let rows: Vec<(&str, Money, Money)> =
            e.services.iter().map(|s| (s.description.as_str(), s.billed, s.plan_paid)).collect();
        assert_eq!(
            rows,
            [("service 99211", m("800"), m("500")), ("adjustment to the whole claim", Money::ZERO, m("-50"))]
        );
        assert_eq!(e.services.iter().map(|s| s.plan_paid).sum::<Money>(), e.plan_paid);
        assert_eq!(e.you_owe, m("300"));
    }

    #[test]
    fn a_denied_claim_says_so_and_the_patient_owes_nothing() {
        let e = explain(&report(), 1).unwrap();
        assert_eq!(e.status, "ACME HEALTH denied this claim and paid nothing. The reasons are below.");
        assert_eq!(e.you_owe, Money::ZERO);
        assert!(e.summary.ends_with("You owe nothing on this claim."), "{}", e.summary);
        assert_eq!(e.taken_off.len(), 1);
        assert_eq!(e.taken_off[0].amount, m("90"));
        assert!(e.taken_off[0].why.contains("not medically necessary"), "{}", e.taken_off[0].why);
        assert!(explain(&report(), 2).is_none());
    }
}
