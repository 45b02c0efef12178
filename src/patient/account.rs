//! One patient's account (SPEC §9.5): their lines as the payers processed
//! them, what they owe, why, and what to do next — the answer to "why do I
//! owe this?". Built from a finished report's lines, so the figures are the
//! reconciliation's own (SPEC §8.3: a secondary payer's PR replaces the
//! primary's; a patient's payment is patient paid, never insurance paid).
//!
//! The amount due is Σ patient balance over the lines, never below zero in
//! total: a credit is a refund due instead.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::search::{id_key, name_key, PatientQuery};
use crate::estimate::dollars;
use crate::estimate::payment_plan::{payment_plan, PaymentPlan};
use crate::hashing::FastMap;
use crate::money::Money;
use crate::reconcile::line::{iso_date, ShareParts};
use crate::reconcile::{Line, Report, Status};

/// Days from the statement date to the due date.
pub const DAYS_TO_PAY: u64 = 30;
/// The payment plan offered on a statement: up to this many months…
pub const PLAN_MONTHS: u32 = 6;
/// …with no installment under this amount (a $60 balance is offered in 2 months).
pub const PLAN_SMALLEST_INSTALLMENT: i64 = 25_00;

/// Who the account is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientRef {
    pub name: String,
    pub id: Option<String>,
    #[serde(serialize_with = "iso_date")]
    pub date_of_birth: Option<NaiveDate>,
}

/// A patient found by a search, with what they owe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientSummary {
    /// Opens the account: [`Report::patient_account`].
    pub key: String,
    #[serde(flatten)]
    pub patient: PatientRef,
    pub claims: usize,
    pub lines: usize,
    /// Σ patient balance (negative: a credit).
    pub balance: Money,
}

/// A reason code and what it means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: String,
    pub meaning: &'static str,
}

/// One service on the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLine {
    pub claim_id: Option<String>,
    #[serde(serialize_with = "iso_date")]
    pub service_date: Option<NaiveDate>,
    pub code: Option<String>,
    pub payer: Option<String>,
    pub billed: Money,
    pub insurance_paid: Money,
    /// Contractual + other adjustments.
    pub adjustments: Money,
    pub patient_responsibility: Money,
    pub deductible: Option<Money>,
    pub coinsurance: Option<Money>,
    pub copay: Option<Money>,
    pub patient_paid: Money,
    pub patient_balance: Money,
    /// The payer answered for it (SPEC §9.1 "processed").
    pub processed: bool,
    pub reason_codes: Vec<Reason>,
    pub explanation: String,
}

/// The account's sums.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountTotals {
    pub billed: Money,
    pub insurance_paid: Money,
    pub adjustments: Money,
    pub patient_responsibility: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    pub copay: Money,
    pub patient_paid: Money,
    pub amount_due: Money,
    /// What the practice owes the patient back, when they paid more than their share.
    pub refund_due: Money,
}

/// The patient account and statement (SPEC §9.5 JSON, with a few more fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub patient: PatientRef,
    #[serde(serialize_with = "crate::patient::account::iso")]
    pub as_of: NaiveDate,
    #[serde(serialize_with = "crate::patient::account::iso")]
    pub due_date: NaiveDate,
    pub lines: Vec<AccountLine>,
    pub totals: AccountTotals,
    /// Each reason code of the lines once, in plain words.
    pub reason_codes: Vec<Reason>,
    pub next_steps: Vec<String>,
    /// The installments offered for the amount due (none when nothing is due).
    pub payment_plan: Option<PaymentPlan>,
}

pub(crate) fn iso<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::table::dates::iso(*d))
}

/// Why no single account could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no patient matches \"{0}\" (search by MRN, name, claim number or date of birth)")]
    NotFound(String),
    #[error("{} patients match \"{query}\": {}; give the MRN or the full name", found.len(), list(found))]
    Several { query: String, found: Vec<PatientSummary> },
}

fn list(found: &[PatientSummary]) -> String {
    found
        .iter()
        .map(|p| match &p.patient.id {
            Some(id) => format!("{} (MRN {id})", p.patient.name),
            None => p.patient.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Which patient a line is about: the MRN when the charges give one, else
/// the name with case, accents and word order ignored.
pub fn patient_key(line: &Line) -> Option<String> {
    match (&line.patient_id, &line.patient) {
        (Some(id), _) => Some(format!("id:{}", id_key(id))),
        (None, Some(name)) => Some(format!("name:{}", name_key(name))),
        (None, None) => None,
    }
}

impl Report {
    /// The patients a search finds, each once, in the report's order.
    pub fn find_patients(&self, text: &str) -> Vec<PatientSummary> {
        match PatientQuery::new(text) {
            Some(q) => self.patients_where(|l| q.matches(l)),
            None => Vec::new(),
        }
    }

    /// Every patient who owes something, in the report's order (for printing statements).
    pub fn patients_with_balance(&self) -> Vec<PatientSummary> {
        let mut all = self.patients_where(|_| true);
        all.retain(|p| p.balance.is_positive());
        all
    }

    fn patients_where(&self, wanted: impl Fn(&Line) -> bool) -> Vec<PatientSummary> {
        let keys: Vec<String> = {
            let mut seen = FastMap::<String, ()>::default();
            let mut keys = Vec::new();
            for l in self.lines.iter().filter(|l| wanted(l)) {
                if let Some(k) = patient_key(l) {
                    if seen.insert(k.clone(), ()).is_none() {
                        keys.push(k);
                    }
                }
            }
            keys
        };
        if keys.is_empty() {
            return Vec::new();
        }
        // A patient's summary counts all their lines, not only the ones the search hit.
        let mut sums: FastMap<&str, PatientSummary> = FastMap::default();
        let mut claims: FastMap<&str, Vec<&str>> = FastMap::default();
        let wanted_keys: FastMap<&str, ()> = keys.iter().map(|k| (k.as_str(), ())).collect();
        for l in &self.lines {
            let Some(k) = patient_key(l) else { continue };
            let Some((&key, _)) = wanted_keys.get_key_value(k.as_str()) else { continue };
            let s = sums.entry(key).or_insert_with(|| PatientSummary {
                key: key.to_string(),
                patient: patient_ref(l),
                claims: 0,
                lines: 0,
                balance: Money::ZERO,
            });
            s.lines += 1;
            s.balance += l.patient_balance;
            let c = claims.entry(key).or_default();
            if let Some(claim) = l.claim_id.as_deref() {
                if !c.contains(&claim) {
                    c.push(claim);
                }
            }
        }
        keys.iter()
            .filter_map(|k| {
                let mut s = sums.remove(k.as_str())?;
                s.claims = claims.get(k.as_str()).map_or(0, Vec::len);
                Some(s)
            })
            .collect()
    }

    /// The account of the patient with this key (from [`PatientSummary::key`]).
    pub fn patient_account(&self, key: &str) -> Option<Account> {
        let lines: Vec<&Line> =
            self.lines.iter().filter(|l| patient_key(l).as_deref() == Some(key)).collect();
        let as_of = NaiveDate::parse_from_str(&self.summary.as_of, "%Y-%m-%d").ok()?;
        (!lines.is_empty()).then(|| account(&lines, as_of))
    }

    /// The account of the one patient a search finds (the CLI's `statement --patient`).
    pub fn find_account(&self, text: &str) -> Result<Account, FindError> {
        let mut found = self.find_patients(text);
        match found.len() {
            0 => Err(FindError::NotFound(text.to_string())),
            1 => self
                .patient_account(&found.remove(0).key)
                .ok_or_else(|| FindError::NotFound(text.to_string())),
            _ => Err(FindError::Several { query: text.to_string(), found }),
        }
    }
}

fn patient_ref(l: &Line) -> PatientRef {
    PatientRef {
        name: l.patient.as_deref().unwrap_or_default().to_string(),
        id: l.patient_id.as_deref().map(str::to_string),
        date_of_birth: l.date_of_birth,
    }
}

/// The account of one patient's lines (in the report's order).
pub fn account(lines: &[&Line], as_of: NaiveDate) -> Account {
    let mut totals = AccountTotals::default();
    let mut reason_codes: Vec<Reason> = Vec::new();
    let mut items = Vec::with_capacity(lines.len());
    let mut awaiting = 0;
    let mut denied_to_patient = Vec::new();
    for l in lines {
        let item = account_line(l);
        totals.billed += item.billed;
        totals.insurance_paid += item.insurance_paid;
        totals.adjustments += item.adjustments;
        totals.patient_responsibility += item.patient_responsibility;
        totals.deductible += item.deductible.unwrap_or_default();
        totals.coinsurance += item.coinsurance.unwrap_or_default();
        totals.copay += item.copay.unwrap_or_default();
        totals.patient_paid += item.patient_paid;
        totals.amount_due += item.patient_balance;
        awaiting += usize::from(!item.processed);
        for c in &l.reason_codes {
            if c.is_denial_to_patient() && !denied_to_patient.contains(&c.to_string()) {
                denied_to_patient.push(c.to_string());
            }
        }
        for r in &item.reason_codes {
            if !reason_codes.contains(r) {
                reason_codes.push(r.clone());
            }
        }
        items.push(item);
    }
    if totals.amount_due.is_negative() {
        totals.refund_due = -totals.amount_due;
        totals.amount_due = Money::ZERO;
    }
    let due_date = as_of.checked_add_days(Days::new(DAYS_TO_PAY)).unwrap_or(as_of);
    let payment_plan = offered_plan(totals.amount_due, due_date);
    let next_steps = next_steps(&totals, awaiting, &denied_to_patient, due_date, payment_plan.as_ref());
    Account {
        patient: lines.first().map(|l| patient_ref(l)).unwrap_or(PatientRef {
            name: String::new(),
            id: None,
            date_of_birth: None,
        }),
        as_of,
        due_date,
        lines: items,
        totals,
        reason_codes,
        next_steps,
        payment_plan,
    }
}

/// Up to [`PLAN_MONTHS`] monthly payments of at least
/// [`PLAN_SMALLEST_INSTALLMENT`], the first on the due date.
fn offered_plan(amount_due: Money, due_date: NaiveDate) -> Option<PaymentPlan> {
    let months =
        (amount_due.cents() / i128::from(PLAN_SMALLEST_INSTALLMENT)).clamp(1, i128::from(PLAN_MONTHS));
    let months = u32::try_from(months).unwrap_or(1);
    if months < 2 {
        return None;
    }
    payment_plan(amount_due, months, due_date, None).ok()
}

/// The parts of the line's patient responsibility: as the files gave them,
/// or, when they gave none, all of it in the one part its reason codes name
/// (PR-1 deductible, PR-2 coinsurance, PR-3 copay). Several such codes and
/// no amounts for each: the parts are not known.
pub fn share_parts(l: &Line) -> ShareParts {
    if l.share_parts.known() || !l.patient_responsibility.is_positive() {
        return l.share_parts;
    }
    let mut kinds = l.reason_codes.iter().filter(|c| c.is_cost_sharing()).map(|c| c.code.as_str());
    let (Some(kind), None) = (kinds.next(), kinds.next()) else { return l.share_parts };
    let pr = Some(l.patient_responsibility);
    match kind.trim_start_matches('0') {
        "1" => ShareParts { deductible: pr, ..ShareParts::default() },
        "2" => ShareParts { coinsurance: pr, ..ShareParts::default() },
        "3" => ShareParts { copay: pr, ..ShareParts::default() },
        _ => l.share_parts,
    }
}

fn account_line(l: &Line) -> AccountLine {
    let processed = !matches!(l.status, Status::Unpaid | Status::Rejected);
    let parts = share_parts(l);
    let adjustments = l.contractual_adjustment + l.other_adjustment;
    AccountLine {
        claim_id: l.claim_id.as_deref().map(str::to_string),
        service_date: l.service_date,
        code: l.code.as_deref().map(str::to_string),
        payer: l.payer.as_deref().map(str::to_string),
        billed: l.billed,
        insurance_paid: l.insurance_paid,
        adjustments,
        patient_responsibility: l.patient_responsibility,
        deductible: parts.deductible,
        coinsurance: parts.coinsurance,
        copay: parts.copay,
        patient_paid: l.patient_paid,
        patient_balance: l.patient_balance,
        processed,
        reason_codes: l
            .reason_codes
            .iter()
            .map(|c| Reason { code: c.to_string(), meaning: c.meaning() })
            .collect(),
        explanation: explain_line(l, processed, adjustments),
    }
}

/// "Your plan processed this: it allowed $X and paid $Y; your share is $Z…"
fn explain_line(l: &Line, processed: bool, adjustments: Money) -> String {
    let mut s = if !processed {
        "Your insurance has not answered for this service yet.".to_string()
    } else if l.status == Status::Denied && l.insurance_paid.is_zero() {
        format!(
            "Your plan processed this and paid nothing; your share is {}.",
            dollars(l.patient_responsibility)
        )
    } else {
        let allowed = l.billed - adjustments;
        format!(
            "Your plan processed this: it allowed {} and paid {}; your share is {}.",
            dollars(allowed),
            dollars(l.insurance_paid),
            dollars(l.patient_responsibility)
        )
    };
    let parts = share_parts(l);
    let named: Vec<String> =
        [(parts.deductible, "deductible"), (parts.coinsurance, "coinsurance"), (parts.copay, "copay")]
            .into_iter()
            .filter_map(|(m, what)| m.filter(|m| !m.is_zero()).map(|m| format!("{} {what}", dollars(m))))
            .collect();
    if !named.is_empty() {
        s.push_str(&format!(" That share is {}.", named.join(", ")));
    }
    if l.reason_codes.iter().any(|c| c.is_denial_to_patient()) {
        s.push_str(" The plan did not cover it; you can ask your plan to reconsider (an appeal).");
    }
    if l.patient_paid.is_positive() {
        s.push_str(&format!(" You paid {}.", dollars(l.patient_paid)));
    }
    if l.patient_balance.is_negative() {
        s.push_str(&format!(" You paid {} more than your share.", dollars(-l.patient_balance)));
    }
    s
}

fn next_steps(
    t: &AccountTotals,
    awaiting: usize,
    denied: &[String],
    due_date: NaiveDate,
    plan: Option<&PaymentPlan>,
) -> Vec<String> {
    let mut steps = Vec::new();
    if t.deductible.is_positive() {
        steps.push(format!("Your plan applied {} to your deductible.", dollars(t.deductible)));
    }
    if t.amount_due.is_positive() {
        let due = crate::table::dates::iso(due_date);
        match plan {
            Some(p) => steps.push(format!(
                "Pay {} by {due}, or in {} monthly payments of about {}.",
                dollars(t.amount_due),
                p.installments.len(),
                dollars(p.installments[0].amount)
            )),
            None => steps.push(format!("Pay {} by {due}.", dollars(t.amount_due))),
        }
    } else if t.refund_due.is_positive() {
        steps.push(format!(
            "You paid {} more than your share: the practice owes you a refund.",
            dollars(t.refund_due)
        ));
    } else {
        steps.push("Nothing is due.".to_string());
    }
    if !denied.is_empty() {
        steps.push(format!(
            "Your plan did not cover some services ({}): ask your plan why, and appeal if you think it should.",
            denied.join(", ")
        ));
    }
    if awaiting > 0 {
        let s = if awaiting == 1 { "service is" } else { "services are" };
        steps.push(format!(
            "{awaiting} {s} still waiting for your insurance; what you owe for them comes on a later statement."
        ));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    /// Anaïs Moreau: claim C1 is SPEC §8.3's example (primary pays 56, CO-45
    /// 30, PR-2 14; the secondary pays the 14), and she had paid a $10 copay
    /// at the desk; claim C2 went to her deductible and coinsurance, $20 of
    /// which she paid. Bo Park's claim was never answered.
    fn report() -> Report {
        let charges = "Claim #,MRN,Patient,DOB,DOS,CPT,Charges,Payer\n\
            C1,0081504,Anaïs Moreau,03/14/1988,2026-09-01,99213,100.00,Aetna\n\
            C2,0081504,Anaïs Moreau,03/14/1988,2026-09-20,80053,200.00,Aetna\n\
            C3,77,Bo Park,,2026-10-01,99214,150.00,Cigna\n\
            C4,90,Marie Moreau,,2026-10-02,99213,90.00,Cigna\n";
        let payments =
            "Claim #,CPT,Paid,Contractual,Deductible,Coinsurance,Patient Resp,Payment Source,Reason Codes\n\
            C1,99213,56.00,30.00,,,14.00,Primary,CO-45 PR-2\n\
            C1,99213,14.00,86.00,,,0.00,Secondary,CO-23\n\
            C1,99213,10.00,,,,,Patient,\n\
            C2,80053,80.00,50.00,40.00,30.00,,Primary,CO-45 PR-1 PR-2\n\
            C2,80053,20.00,,,,,Patient,\n";
        super::super::reconcile_csv(charges, payments)
    }

    #[test]
    fn a_secondary_payer_and_a_patient_payment_give_the_right_balance() {
        let r = report();
        let a = r.find_account("MOREAU, ANAIS").unwrap();
        assert_eq!(a.patient.id.as_deref(), Some("0081504"));
        assert_eq!(a.lines.len(), 2);
        let c1 = &a.lines[0];
        assert_eq!(
            (
                c1.insurance_paid,
                c1.adjustments,
                c1.patient_responsibility,
                c1.patient_paid,
                c1.patient_balance
            ),
            (m("70"), m("30"), m("0"), m("10"), m("-10")),
            "the secondary paid her coinsurance, so her $10 copay is a credit"
        );
        let c2 = &a.lines[1];
        assert_eq!((c2.deductible, c2.coinsurance, c2.copay), (Some(m("40")), Some(m("30")), None));
        assert_eq!((c2.patient_responsibility, c2.patient_balance), (m("70"), m("50")));
        assert!(c2.explanation.contains("$40.00 deductible, $30.00 coinsurance"), "{}", c2.explanation);
        let t = &a.totals;
        assert_eq!((t.billed, t.insurance_paid, t.adjustments), (m("300"), m("150"), m("80")));
        assert_eq!((t.patient_responsibility, t.patient_paid), (m("70"), m("30")));
        assert_eq!((t.amount_due, t.refund_due), (m("40"), m("0")), "50 owed less the 10 credit");
        assert_eq!(
            t.billed,
            t.insurance_paid + t.adjustments + t.patient_responsibility,
            "every dollar accounted for"
        );
        assert_eq!(a.next_steps[0], "Your plan applied $40.00 to your deductible.");
        assert_eq!(a.due_date, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        assert!(a.payment_plan.is_none(), "$40 is not split into payments under $25");
        assert!(a.reason_codes.iter().any(|r| r.code == "PR-1" && r.meaning == "deductible"));
    }

    #[test]
    fn every_way_of_naming_the_patient_finds_one_account() {
        let r = report();
        for q in ["81504", "0081504", "anais moreau", "Moreau Anaïs", "C2", "1988-03-14"] {
            let found = r.find_patients(q);
            assert_eq!(found.len(), 1, "{q}");
            assert_eq!((found[0].claims, found[0].lines, found[0].balance), (2, 2, m("40")), "{q}");
        }
        assert!(matches!(r.find_account("nobody"), Err(FindError::NotFound(_))));
        let both = r.find_patients("aetna");
        assert!(both.is_empty(), "a payer is not a patient");
    }

    #[test]
    fn an_unanswered_claim_is_waiting_and_only_owing_patients_get_statements() {
        let r = report();
        let bo = r.find_account("bo park").unwrap();
        assert!(!bo.lines[0].processed);
        assert_eq!(bo.totals.amount_due, Money::ZERO);
        assert!(bo.next_steps.iter().any(|s| s.contains("still waiting for your insurance")));
        let owing = r.patients_with_balance();
        assert_eq!(owing.iter().map(|p| p.patient.name.as_str()).collect::<Vec<_>>(), ["Anaïs Moreau"]);
    }

    #[test]
    fn several_patients_found_is_an_error_that_lists_them() {
        let Err(FindError::Several { found, .. }) = report().find_account("moreau") else {
            panic!("two Moreaus")
        };
        assert_eq!(
            found.iter().map(|p| p.patient.name.as_str()).collect::<Vec<_>>(),
            ["Anaïs Moreau", "Marie Moreau"]
        );
        let message = report().find_account("MOREAU").unwrap_err().to_string();
        assert!(message.contains("Anaïs Moreau (MRN 0081504); Marie Moreau (MRN 90)"), "{message}");
    }
}
