//! A bill that insurance already processed (SPEC §9.1).
//!
//! When a line carries what the payer decided (insurance paid, adjustments,
//! patient responsibility), re-estimating it would replace a fact with a
//! guess. [`settle`] takes the payer's numbers instead:
//! - allowed = the given allowed, or billed − adjustments, or paid + patient
//!   responsibility;
//! - the patient's share = the given patient responsibility, or allowed − paid;
//! - what the patient still owes = that share − what the patient already paid.
//!
//! The share counts toward the deductible and out-of-pocket amounts met, so
//! the lines still to be estimated see them. How it splits: reason codes
//! PR-1, PR-2 and PR-3 say deductible, coinsurance and copay; without them the
//! share goes to the deductible first (what plans do), the rest is coinsurance.
//! A patient responsibility with a denial code (PR-27, PR-96, PR-204…) is not
//! cost sharing: the plan did not cover it, so it counts toward no limit.
//!
//! [`findings`] are the checks a patient should see next to the line: balance
//! billing in network, a line billed twice, protected care charged more than
//! in-network cost sharing, a denial passed to the patient (with how to appeal).

use serde::Serialize;

use super::cost_sharing::{route, share_cost, Ledger, Priced, Route};
use super::explain::dollars;
use super::plan::Plan;
use super::service::{Network, Service};
use crate::carc::{self, Group, ReasonCode};
use crate::money::Money;

/// A check on a processed bill, shown next to its line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
}

/// Which check of SPEC §9.1 found something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    /// An in-network provider asks for more than the plan's patient responsibility.
    BalanceBilling,
    /// The same code, date and amount appear twice.
    Duplicate,
    /// Emergency or protected care charged more than in-network cost sharing.
    ProtectedOvercharge,
    /// The plan denied the line and the patient is asked to pay it.
    Denied,
}

/// CARCs that mean the plan did not cover the service at all, as opposed to
/// the patient's share of a covered one.
const DENIALS: [&str; 12] = ["26", "27", "31", "32", "35", "49", "50", "51", "55", "96", "119", "204"];

/// A processed line, settled: its amounts and how its share splits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settled {
    pub route: Route,
    pub billed: Money,
    pub allowed: Money,
    pub insurance_paid: Money,
    pub copay: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    /// A denied share: the plan did not cover it.
    pub not_covered: Money,
    /// Out of network and not protected: what the provider bills beyond the share.
    pub balance_bill: Money,
    pub patient_paid: Money,
    /// What the provider's own numbers leave for the patient: billed −
    /// adjustments − insurance paid (the share when they are not all given).
    pub left_by_provider: Money,
    pub denial: Option<ReasonCode>,
    pub findings: Vec<Finding>,
}

impl Settled {
    pub fn cost_sharing(&self) -> Money {
        self.copay + self.deductible + self.coinsurance
    }

    /// Share plus what is not covered plus balance bill, less what is already paid.
    pub fn patient_pays(&self) -> Money {
        self.cost_sharing() + self.not_covered + self.balance_bill - self.patient_paid
    }

    /// The plan's own patient responsibility.
    fn responsibility(&self) -> Money {
        self.cost_sharing() + self.not_covered
    }
}

/// Why a processed line cannot be settled, and the service's field at fault when one is.
pub(crate) struct Problem {
    pub text: String,
    pub field: Option<&'static str>,
}

/// Settles one processed line against the ledger, which moves forward by the
/// patient's share. `protected` is the line's No Surprises Act protection.
pub(crate) fn settle(
    plan: &Plan,
    ledger: &mut Ledger,
    service: &Service,
    protected: bool,
) -> Result<Settled, Problem> {
    let paid = service.insurance_paid;
    let billed = service.billed.or(service.allowed);
    let allowed = service
        .allowed
        .or_else(|| billed.zip(service.adjustments).map(|(b, a)| b - a))
        .or_else(|| paid.zip(service.patient_responsibility).map(|(p, r)| p + r))
        .ok_or_else(|| Problem {
            text:
                "a processed line needs the allowed amount, or billed and adjustments, or insurance paid and \
                   patient responsibility"
                    .to_string(),
            field: None,
        })?;
    let billed = billed.unwrap_or(allowed);
    let responsibility = match service.patient_responsibility {
        Some(r) => r,
        None => (allowed - paid.unwrap_or(Money::ZERO)).max(Money::ZERO),
    };
    let insurance_paid = paid.unwrap_or((allowed - responsibility).max(Money::ZERO));
    for (what, field, amount) in
        [("allowed", "allowed", allowed), ("patient responsibility", "patientResponsibility", responsibility)]
    {
        if amount.is_negative() {
            return Err(Problem {
                text: format!("the {what} amount {amount} is negative"),
                field: Some(field),
            });
        }
    }
    let left_by_provider = match (service.billed, service.adjustments, paid) {
        (Some(b), Some(a), Some(p)) => (b - a - p).max(responsibility),
        _ => responsibility,
    };
    let priced = Priced {
        category: service.category,
        network: service.network,
        covered: service.covered,
        protected,
        billed,
        allowed,
    };
    let route = route(&priced, plan);
    let reasons = reasons(service.reason.as_deref().unwrap_or(""));
    let denial =
        reasons.iter().find(|r| r.group == Some(Group::Pr) && DENIALS.contains(&r.code.as_ref())).cloned();
    let mut line = Settled {
        route,
        billed,
        allowed,
        insurance_paid,
        copay: Money::ZERO,
        deductible: Money::ZERO,
        coinsurance: Money::ZERO,
        not_covered: Money::ZERO,
        balance_bill: Money::ZERO,
        patient_paid: service.patient_paid.unwrap_or(Money::ZERO),
        left_by_provider,
        denial,
        findings: Vec::new(),
    };
    // What in-network cost sharing would be for this line, before the ledger moves.
    let in_network_share = (route == Route::Protected).then(|| {
        let as_in_network = Priced { network: Network::In, protected: false, ..priced };
        share_cost(plan, &mut ledger.clone(), &as_in_network).cost_sharing()
    });
    if line.denial.is_some() || !service.covered {
        line.not_covered = responsibility;
    } else {
        split(&mut line, responsibility, &reasons, given_parts(service, responsibility), ledger);
        if let Some(limits) = ledger.limits(route) {
            limits.record(line.deductible, line.cost_sharing());
        }
    }
    let extra = left_by_provider - responsibility;
    if route == Route::OutOfNetwork {
        line.balance_bill = extra;
    }
    line.findings = findings(&line, extra, in_network_share);
    Ok(line)
}

/// The reason codes in free text such as "PR-96 Non-covered charge": every
/// word that reads as a code, the rest ignored.
fn reasons(text: &str) -> Vec<ReasonCode> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .filter_map(|word| carc::parse_list(word).ok())
        .flatten()
        .collect()
}

/// The share's parts as the payer gave them, when they add up to the whole
/// share (a part left blank is zero); otherwise the reason codes decide.
fn given_parts(service: &Service, share: Money) -> Option<[Money; 3]> {
    let parts = [service.deductible, service.coinsurance, service.copay];
    if parts.iter().all(Option::is_none) {
        return None;
    }
    let parts = parts.map(|p| p.unwrap_or(Money::ZERO));
    let sum = parts.iter().fold(Money::ZERO, |total, p| total + *p);
    (sum == share && parts.iter().all(|p| !p.is_negative())).then_some(parts)
}

/// Splits the share into copay, deductible and coinsurance: as the payer gave
/// the parts, else as its reason codes say, else deductible first.
fn split(
    line: &mut Settled,
    share: Money,
    reasons: &[ReasonCode],
    given: Option<[Money; 3]>,
    ledger: &mut Ledger,
) {
    if let Some([deductible, coinsurance, copay]) = given {
        line.deductible = deductible;
        line.coinsurance = coinsurance;
        line.copay = copay;
        return;
    }
    let said = |code: &str| reasons.iter().any(|r| r.group == Some(Group::Pr) && r.code.as_ref() == code);
    match (said("1"), said("2"), said("3")) {
        (false, false, true) => line.copay = share,
        (false, true, false) => line.coinsurance = share,
        (true, false, false) => line.deductible = share,
        _ => {
            let left = ledger.limits(line.route).map_or(Money::ZERO, |l| l.deductible_left());
            line.deductible = share.min(left);
            line.coinsurance = share - line.deductible;
        }
    }
}

fn findings(line: &Settled, extra: Money, in_network_share: Option<Money>) -> Vec<Finding> {
    let mut found = Vec::new();
    let responsibility = line.responsibility();
    if extra.is_positive() && line.route == Route::InNetwork {
        found.push(Finding {
            kind: FindingKind::BalanceBilling,
            message: format!(
                "The bill leaves {} for you, but your plan set your share at {}. An in-network provider may \
                 not bill you the {} difference: ask them to correct the bill.",
                dollars(line.left_by_provider),
                dollars(responsibility),
                dollars(extra)
            ),
        });
    }
    if let Some(share) = in_network_share {
        let asked = line.left_by_provider.max(responsibility);
        if asked > share {
            found.push(Finding {
                kind: FindingKind::ProtectedOvercharge,
                message: format!(
                    "This is protected care (emergency care, or care the No Surprises Act covers), so you owe \
                     no more than in-network cost sharing, about {}; you are asked for {}. Ask the provider \
                     and the plan to reprocess it, or call the No Surprises Help Desk at 1-800-985-3059.",
                    dollars(share),
                    dollars(asked)
                ),
            });
        }
    }
    if let Some(code) = &line.denial {
        found.push(Finding {
            kind: FindingKind::Denied,
            message: format!(
                "Your plan did not cover this ({code}: {}), and the {} is passed to you. You can appeal: ask \
                 the plan for the written denial, then file an appeal within 180 days of it, with a letter \
                 from your doctor if it helps; ask the provider to hold the bill while you appeal, and \
                 whether a corrected claim would fix it.",
                code.meaning(),
                dollars(responsibility)
            ),
        });
    }
    found
}

/// Marks every line that repeats an earlier one: same code, same date, same
/// billed amount (only lines with a date and a code can be told apart).
pub(crate) fn duplicates(services: &[Service]) -> Vec<Option<usize>> {
    let mut seen: std::collections::HashMap<(&str, &str, Option<Money>), usize> = Default::default();
    services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let key = (s.code.as_deref()?.trim(), s.date.as_deref()?.trim(), s.billed.or(s.allowed));
            match seen.get(&key) {
                Some(&first) => Some(first),
                None => {
                    seen.insert(key, i);
                    None
                }
            }
        })
        .collect()
}

/// The finding for a repeated line; `first` is the 0-based index of the first.
pub(crate) fn duplicate_finding(first: usize, service: &Service) -> Finding {
    Finding {
        kind: FindingKind::Duplicate,
        message: format!(
            "This looks like line {} billed again: the same code {}, date {} and amount. Ask the provider \
             whether you received it twice; if not, ask them to remove it.",
            first + 1,
            service.code.as_deref().unwrap_or(""),
            service.date.as_deref().unwrap_or("")
        ),
    }
}

/// "Your plan already processed this: it allowed $X and paid $Y; your share is $Z."
pub(crate) fn explain(line: &Settled) -> String {
    let mut text = format!(
        "Your plan already processed this: it allowed {} and paid {}; your share is {}.",
        dollars(line.allowed),
        dollars(line.insurance_paid),
        dollars(line.responsibility())
    );
    if line.balance_bill.is_positive() {
        text.push_str(&format!(
            " The provider is out of network and bills you the other {} as well; that does not count toward \
             any limit.",
            dollars(line.balance_bill)
        ));
    }
    if line.patient_paid.is_positive() {
        let owed = line.patient_pays();
        if owed.is_negative() {
            text.push_str(&format!(
                " You already paid {}, which is {} more than you owe: ask for a refund.",
                dollars(line.patient_paid),
                dollars(-owed)
            ));
        } else {
            text.push_str(&format!(
                " You already paid {}, so {} is left to pay.",
                dollars(line.patient_paid),
                dollars(owed)
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::{estimate, EstimateOptions, Plan};
    use super::*;
    use crate::estimate::Category;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    /// In network: deductible 1,000 with none met, 20%, OOP 5,000.
    fn plan() -> Plan {
        Plan::from_json(
            r#"{"inNetwork": {"deductible": "1000", "outOfPocketMax": "5000", "coinsurance": "0.20"},
                "outOfNetwork": {"deductible": "2000", "outOfPocketMax": "10000", "coinsurance": "0.40"}}"#,
        )
        .unwrap()
    }

    fn processed(code: &str, billed: &str, paid: &str, adjustments: &str, share: &str) -> Service {
        Service {
            description: format!("Service {code}"),
            code: Some(code.into()),
            date: Some("2026-03-02".into()),
            billed: Some(m(billed)),
            insurance_paid: Some(m(paid)),
            adjustments: Some(m(adjustments)),
            patient_responsibility: Some(m(share)),
            ..Service::default()
        }
    }

    fn kinds(line: &crate::estimate::EstimateLine) -> Vec<FindingKind> {
        line.findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn processed_lines_count_before_the_estimated_ones() {
        // Processed: share 300 (PR-1, deductible), patient paid 50 → owes 250.
        // Estimated (listed first): allowed 1,000; 700 deductible left, then 20% of 300 = 60 → 760.
        let estimated = Service::with_allowed("Later scan", Category::Imaging, m("1000"));
        let mut done = processed("99214", "500", "0", "200", "300");
        done.reason = Some("PR-1 deductible".into());
        done.patient_paid = Some(m("50"));
        let e = estimate(&plan(), &[estimated, done], &[], &EstimateOptions::default()).unwrap();
        assert_eq!((e.lines[0].patient_pays, e.lines[0].deductible), (m("760"), m("700")));
        assert_eq!((e.lines[1].patient_pays, e.lines[1].deductible), (m("250"), m("300")));
        assert_eq!(e.lines[1].patient_paid, m("50"));
        assert!(e.lines[1].explanation.ends_with("You already paid $50.00, so $250.00 is left to pay."));
        assert_eq!(e.after.deductible_met, m("1000"));
        assert_eq!(e.after.out_of_pocket_met, m("1060"));
        assert_eq!(e.totals.patient_pays, m("1010"));
    }

    #[test]
    fn balance_billing_in_network_is_found_and_not_owed() {
        // 400 billed − 100 adjusted − 150 paid leaves 150, but the share is 50.
        let e = estimate(
            &plan(),
            &[processed("99214", "400", "150", "100", "50")],
            &[],
            &EstimateOptions::default(),
        )
        .unwrap();
        let line = &e.lines[0];
        assert_eq!((line.patient_pays, line.balance_bill), (m("50"), m("0")));
        assert_eq!(kinds(line), [FindingKind::BalanceBilling]);
        assert!(line.findings[0].message.contains("may not bill you the $100.00 difference"));
        // Out of network the same leftover is a balance bill, owed, with no finding.
        let mut out = processed("99214", "400", "150", "100", "50");
        out.network = Network::Out;
        let e = estimate(&plan(), &[out], &[], &EstimateOptions::default()).unwrap();
        assert_eq!((e.lines[0].patient_pays, e.lines[0].balance_bill), (m("150"), m("100")));
        assert!(e.lines[0].findings.is_empty());
    }

    #[test]
    fn a_line_billed_twice_is_found_on_the_second() {
        let lines = [
            processed("80053", "110", "22.40", "82", "5.60"),
            processed("80053", "110", "22.40", "82", "5.60"),
            Service { date: Some("2026-03-09".into()), ..processed("80053", "110", "22.40", "82", "5.60") },
        ];
        let e = estimate(&plan(), &lines, &[], &EstimateOptions::default()).unwrap();
        assert!(e.lines[0].findings.is_empty());
        assert_eq!(kinds(&e.lines[1]), [FindingKind::Duplicate]);
        assert!(e.lines[1].findings[0].message.starts_with("This looks like line 1 billed again"));
        assert!(e.lines[2].findings.is_empty(), "another date is another visit");
    }

    #[test]
    fn protected_care_charged_more_than_in_network_sharing_is_found() {
        // Out-of-network ER, allowed 900 (billed 2,000 − 1,100), plan paid 0 and
        // left 900 to the patient: in network it would be the deductible, 900
        // (1,000 left), so nothing is found. Allowed 1,500 with all 1,500 left to
        // the patient is: in network, 1,000 deductible + 20% of 500 = 1,100.
        let mut er = processed("99285", "2000", "0", "1100", "900");
        er.network = Network::Out;
        let e = estimate(&plan(), &[er.clone()], &[], &EstimateOptions::default()).unwrap();
        assert!(e.lines[0].findings.is_empty(), "{:?}", e.lines[0].findings);
        er.adjustments = Some(m("500"));
        er.patient_responsibility = Some(m("1500"));
        let e = estimate(&plan(), &[er], &[], &EstimateOptions::default()).unwrap();
        assert_eq!(kinds(&e.lines[0]), [FindingKind::ProtectedOvercharge]);
        assert!(e.lines[0].findings[0].message.contains("about $1,100.00; you are asked for $1,500.00"));
        assert_eq!(e.lines[0].balance_bill, m("0"));
    }

    #[test]
    fn a_denial_passed_to_the_patient_is_not_covered_and_says_how_to_appeal() {
        let mut denied = processed("97110", "220", "0", "0", "220");
        denied.reason = Some("PR-96 Non-covered charge".into());
        let e = estimate(&plan(), &[denied], &[], &EstimateOptions::default()).unwrap();
        let line = &e.lines[0];
        assert_eq!((line.not_covered, line.cost_sharing, line.patient_pays), (m("220"), m("0"), m("220")));
        assert_eq!(kinds(line), [FindingKind::Denied]);
        assert!(line.findings[0].message.contains("(PR-96: "), "{}", line.findings[0].message);
        assert!(line.findings[0].message.contains("appeal within 180 days"));
        assert_eq!(e.after.deductible_met, m("0"), "a denied charge counts toward no limit");
    }
}
