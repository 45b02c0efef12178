//! "Explain this balance" (SPEC §9.1): a patient's reconciled lines handed to
//! the estimate as a bill insurance already processed, so what the patient
//! owes comes from what the payers decided, not from a new guess.
//!
//! A line the payer answered for becomes a processed service: billed, the
//! payer's allowed when given, insurance paid, adjustments (contractual +
//! other), patient responsibility with its parts when the files gave them,
//! patient paid and the reason codes. The estimate then owes PR − patient
//! paid on it, which is the line's patient balance (SPEC §8.3: a secondary
//! payer's PR replaces the primary's; a patient's payment is patient paid).
//! A line still waiting for the payer is a plain service, to estimate under
//! the plan when the user enters one.

use serde::Serialize;

use super::account::{patient_key, share_parts};
use crate::estimate::service::{services_from_lines, Service};
use crate::reconcile::{Line, Report, Status};

/// One patient's lines as the estimate's services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceServices {
    pub services: Vec<Service>,
    /// How many of them the payer already processed.
    pub processed: usize,
    /// How many still wait for the payer (plain services).
    pub awaiting: usize,
}

impl Report {
    /// The lines of the patient with this key (from `find_patients`), as
    /// services for "Explain this balance"; `None` when no line is theirs.
    pub fn balance_services(&self, key: &str) -> Option<BalanceServices> {
        let lines: Vec<&Line> =
            self.lines.iter().filter(|l| patient_key(l).as_deref() == Some(key)).collect();
        (!lines.is_empty()).then(|| balance_services(&lines))
    }
}

/// The lines, in order, as processed services or (no remittance yet) plain ones.
pub fn balance_services(lines: &[&Line]) -> BalanceServices {
    let services: Vec<Service> = lines.iter().map(|l| service(l)).collect();
    let processed = services.iter().filter(|s| s.is_processed()).count();
    BalanceServices { awaiting: services.len() - processed, processed, services }
}

fn service(l: &Line) -> Service {
    let plain = services_from_lines([l]).pop().unwrap_or_default();
    if l.status == Status::Unpaid {
        return plain;
    }
    let parts = share_parts(l);
    let reason = l.reason_codes.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    Service {
        // The payer's allowed amount only: a fee schedule's is not a decision.
        allowed: l.allowed,
        date: l.service_date.map(crate::table::dates::iso),
        insurance_paid: Some(l.insurance_paid),
        adjustments: Some(l.contractual_adjustment + l.other_adjustment),
        patient_responsibility: Some(l.patient_responsibility),
        patient_paid: Some(l.patient_paid),
        reason: (!reason.is_empty()).then_some(reason),
        deductible: parts.deductible,
        coinsurance: parts.coinsurance,
        copay: parts.copay,
        ..plain
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::estimate::{estimate, EstimateOptions, Plan};
    use crate::money::Money;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    /// SPEC §8.3's example on claim C1 (primary pays 56.00, CO-45 30.00,
    /// PR-2 14.00; the secondary pays the 14.00) with a $10 copay paid at the
    /// desk; claim C2 split by the remittance into deductible and
    /// coinsurance, $20 of it paid; claim C3 not answered yet.
    fn report() -> Report {
        let charges = "Claim #,MRN,Patient,DOS,CPT,Charges,Payer\n\
            C1,0081504,Anaïs Moreau,2026-09-01,99213,100.00,Aetna\n\
            C2,0081504,Anaïs Moreau,2026-09-20,80053,200.00,Aetna\n\
            C3,0081504,Anaïs Moreau,2026-10-01,99214,150.37,Aetna\n";
        let payments =
            "Claim #,CPT,Paid,Contractual,Deductible,Coinsurance,Patient Resp,Payment Source,Reason Codes\n\
            C1,99213,56.00,30.00,,,14.00,Primary,CO-45 PR-2\n\
            C1,99213,14.00,86.00,,,0.00,Secondary,CO-23\n\
            C1,99213,10.00,,,,,Patient,\n\
            C2,80053,80.11,49.89,40.00,30.00,,Primary,CO-45 PR-1 PR-2\n\
            C2,80053,20.00,,,,,Patient,\n";
        super::super::reconcile_csv(charges, payments)
    }

    fn key(r: &Report) -> String {
        r.find_patients("0081504").remove(0).key
    }

    #[test]
    fn answered_lines_go_as_processed_and_the_waiting_one_as_a_plain_service() {
        let r = report();
        let b = r.balance_services(&key(&r)).unwrap();
        assert_eq!((b.processed, b.awaiting, b.services.len()), (2, 1, 3));
        let [c1, c2, c3] = [&b.services[0], &b.services[1], &b.services[2]];

        // §8.3: both payers' payments are insurance paid, the secondary's PR (0) replaces the
        // primary's 14, and her $10 is patient paid.
        assert!(c1.is_processed());
        assert_eq!(
            (c1.billed, c1.insurance_paid, c1.adjustments, c1.patient_responsibility, c1.patient_paid),
            (Some(m("100")), Some(m("70")), Some(m("30")), Some(m("0")), Some(m("10")))
        );
        assert_eq!(c1.date.as_deref(), Some("2026-09-01"));
        assert!(c1.reason.as_deref().unwrap().contains("CO-45"), "{:?}", c1.reason);

        assert_eq!(
            (c2.insurance_paid, c2.adjustments, c2.patient_responsibility, c2.patient_paid),
            (Some(m("80.11")), Some(m("49.89")), Some(m("70")), Some(m("20")))
        );
        assert_eq!((c2.deductible, c2.coinsurance, c2.copay), (Some(m("40")), Some(m("30")), None));

        assert!(!c3.is_processed(), "no remittance: estimated under the plan");
        assert_eq!(
            (c3.billed, c3.allowed, c3.patient_paid, c3.reason.as_ref()),
            (Some(m("150.37")), None, None, None)
        );
        assert_eq!(c3.code.as_deref(), Some("99214"));

        assert!(r.balance_services("id:nobody").is_none());
    }

    #[test]
    fn the_estimate_of_the_processed_lines_owes_the_account_balance_to_the_cent() {
        let r = report();
        let account = r.patient_account(&key(&r)).unwrap();
        let b = r.balance_services(&key(&r)).unwrap();
        let processed: Vec<Service> = b.services.into_iter().filter(Service::is_processed).collect();
        // A plan that would split the shares otherwise: the payer's parts win.
        let plan = Plan::from_json(
            r#"{"inNetwork": {"deductible": "0", "outOfPocketMax": null, "coinsurance": "0.5"}}"#,
        )
        .unwrap();
        let e = estimate(&plan, &processed, &[], &EstimateOptions::default()).unwrap();
        assert_eq!(e.lines.iter().map(|l| l.patient_pays).collect::<Vec<_>>(), [m("-10"), m("50")]);
        assert_eq!(e.totals.patient_pays, m("40"));
        assert_eq!(e.totals.patient_pays, account.totals.amount_due);
        let c2 = &e.lines[1];
        assert!(c2.processed);
        assert_eq!((c2.allowed, c2.plan_pays), (m("150.11"), m("80.11")));
        assert_eq!(
            (c2.deductible, c2.coinsurance, c2.copay),
            (m("40"), m("30"), m("0")),
            "as the payer split it"
        );
    }
}
