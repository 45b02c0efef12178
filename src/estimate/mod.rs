//! Patient responsibility estimate and payment plans (SPEC §5, contracts in SPEC §7).
//!
//! A patient describes their [`Plan`] and lists the [`Service`]s they were billed
//! for or expect; [`estimate`] says, line by line, what they will owe and why.
//!
//! | module | job |
//! |---|---|
//! | [`plan`] | the Plan JSON: tiers, copays per [`Category`], family limits; validation |
//! | [`service`] | a [`Service`]; reading a list from JSON or any spreadsheet/CSV |
//! | `cost_sharing` | the eight cost-sharing steps of SPEC §5, in order, with the amounts met carried forward |
//! | `explain` | the plain-English sentence of each line, built from its numbers |
//! | [`payment_plan`] | a balance split into monthly installments that add up to the cent |
//! | `text` | the aligned tables the command line prints |
//!
//! The flow: each service is priced (its allowed amount is known or estimated
//! from billed, see [`EstimateOptions`]), shared by `cost_sharing::share_cost`
//! against a running ledger of the deductible and out-of-pocket amounts met,
//! explained, and then the lines are totalled into an [`Estimate`], which
//! serialises to the Estimate JSON contract.
//!
//! [`estimate`] is the one entry point: the options and the notes of a list
//! read from a file are arguments (the defaults and `&[]` for a list typed
//! in), not variants. It takes no [`Progress`](crate::progress::Progress):
//! an estimate is a few services, done at once.
//!
//! Decisions where the SPEC is silent (each is also said in the estimate's
//! `assumptions` when it applies):
//! - a missing allowed amount is estimated as a stated share of billed, by
//!   default 100%, which can only overstate in-network cost sharing, never
//!   understate it; a missing billed amount is taken to be the allowed amount;
//! - a service the plan does not cover has an allowed amount of 0, so on every
//!   line `allowed = costSharing + planPays`;
//! - out-of-network services use the out-of-network tier's own limits; with no
//!   such tier the plan pays nothing (treated as not covered); emergency care
//!   and services the user marks protected are shared as in network with no
//!   balance bill (No Surprises Act);
//! - the family limits apply to the in-network tier;
//! - `after` reports the individual in-network amounts met; the out-of-network
//!   and family amounts are stated in the assumptions.

mod cost_sharing;
pub mod emergency;
mod explain;
pub mod gfe;
pub mod payment_plan;
pub mod plan;
pub mod processed;
pub mod service;
mod text;

use serde::Serialize;

use crate::money::{Money, Rate};
use cost_sharing::{share_cost, Accumulator, Ledger, Priced, Route, Sharing};

pub use explain::dollars;
pub use payment_plan::{payment_plan, Installment, PaymentPlan, PaymentPlanError, PaymentPlanRequest};
pub use plan::{Category, Copay, Family, FamilyDeductible, Plan, PlanError, Tier};
pub use processed::{Finding, FindingKind};
pub use service::{
    read_services, services_from_json, services_from_value, Network, RowProblem, Service, ServiceList,
    ServicesError,
};

/// Choices the caller can make about an estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EstimateOptions {
    /// When a service has no allowed amount, it is estimated as this share of
    /// the billed amount and shown as an assumption. Default 1.00 (100%): the
    /// in-network estimate is then an upper bound, because a lower allowed
    /// amount can only lower cost sharing.
    pub allowed_share_of_billed: Rate,
}

impl Default for EstimateOptions {
    fn default() -> EstimateOptions {
        EstimateOptions { allowed_share_of_billed: Rate::ONE }
    }
}

/// One line of the estimate (SPEC §7 "Estimate JSON").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimateLine {
    pub description: String,
    pub code: Option<String>,
    pub category: Category,
    pub network: Network,
    pub billed: Money,
    /// What the plan allows; 0 for a service it does not cover.
    pub allowed: Money,
    pub copay: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    /// copay + deductible + coinsurance: what counts toward the limits.
    pub cost_sharing: Money,
    pub not_covered: Money,
    pub balance_bill: Money,
    /// costSharing + notCovered + balanceBill.
    pub patient_pays: Money,
    /// allowed − costSharing; 0 for a service that is not covered.
    pub plan_pays: Money,
    pub explanation: String,
    /// The payer already decided this line (SPEC §9.1): its amounts are the
    /// payer's, not an estimate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub processed: bool,
    /// What the patient already paid on a processed line; `patientPays` is
    /// then costSharing + notCovered + balanceBill − patientPaid.
    #[serde(skip_serializing_if = "is_zero")]
    pub patient_paid: Money,
    /// The checks of SPEC §9.1 that found something on this line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// Whether the line was taken as emergency care (SPEC §9.2), as the user
    /// said or as its category, code, revenue code or words show; the page
    /// shows it at the service so the patient can turn it off or on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub emergency: bool,
}

/// Sums of the lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub billed: Money,
    pub allowed: Money,
    pub cost_sharing: Money,
    pub not_covered: Money,
    pub balance_bill: Money,
    pub patient_pays: Money,
    pub plan_pays: Money,
}

/// The in-network amounts met once every line is counted: the patient's own,
/// the family's on a family plan, and which limit, if any, is reached, so the
/// summary can say "your family's deductible is met" when it is the family's
/// limit that stops the patient paying (SPEC §9.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct After {
    pub deductible_met: Money,
    pub out_of_pocket_met: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_deductible_met: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_out_of_pocket_met: Option<Money>,
    /// Whose deductible is fully paid; `None` while something is left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deductible_reached: Option<LimitReached>,
    /// Whose out-of-pocket maximum is fully paid; `None` while something is left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_pocket_reached: Option<LimitReached>,
}

/// Which limit is reached: the patient's own, or the family's (which then
/// covers the patient too, and is named first when both are).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LimitReached {
    Yours,
    Family,
}

impl After {
    fn of(ledger: &Ledger) -> After {
        let tier = ledger.in_network;
        let reached = |limit: &cost_sharing::Limit| {
            let zero = |a: cost_sharing::Accumulator| a.limit.is_some_and(|l| a.met >= l);
            if limit.family.is_some_and(zero) {
                Some(LimitReached::Family)
            } else if zero(limit.individual) {
                Some(LimitReached::Yours)
            } else {
                None
            }
        };
        After {
            deductible_met: tier.deductible.individual.met,
            out_of_pocket_met: tier.out_of_pocket.individual.met,
            family_deductible_met: tier.deductible.family.map(|f| f.met),
            family_out_of_pocket_met: tier.out_of_pocket.family.map(|f| f.met),
            deductible_reached: reached(&tier.deductible),
            out_of_pocket_reached: reached(&tier.out_of_pocket),
        }
    }
}

/// What the patient will owe, line by line (SPEC §7 "Estimate JSON").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimate {
    pub lines: Vec<EstimateLine>,
    pub totals: Totals,
    pub after: After,
    pub assumptions: Vec<Assumption>,
}

/// SPEC §7's `assumptions` stay a list of strings; the lines each one is about go beside them
/// in `assumptionLines`, in the same order, so that the page places an assumption by data.
impl Serialize for Estimate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Contract<'a> {
            lines: &'a [EstimateLine],
            totals: &'a Totals,
            after: &'a After,
            assumptions: Vec<&'a str>,
            assumption_lines: Vec<&'a [usize]>,
        }
        Contract {
            lines: &self.lines,
            totals: &self.totals,
            after: &self.after,
            assumptions: self.assumptions.iter().map(|a| a.text.as_str()).collect(),
            assumption_lines: self.assumptions.iter().map(|a| a.lines.as_slice()).collect(),
        }
        .serialize(serializer)
    }
}

/// A choice the estimate made where the plan or the list was silent, or a rule it applied, in
/// words for the patient; `lines` are the services (from 1) it is about, empty when it is about
/// the whole estimate. The page shows an assumption next to its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    pub text: String,
    pub lines: Vec<usize>,
}

impl Assumption {
    /// An assumption about the whole estimate.
    pub fn general(text: impl Into<String>) -> Assumption {
        Assumption { text: text.into(), lines: Vec::new() }
    }

    /// An assumption about some of the lines (numbered from 1).
    pub fn about(lines: Vec<usize>, text: impl Into<String>) -> Assumption {
        Assumption { text: text.into(), lines }
    }
}

impl std::fmt::Display for Assumption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why an estimate cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstimateError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// `number` counts services from 1; `field` is the service's field at fault, when one is.
    #[error("service {number}{}: {problem}", describe(.description))]
    Service { number: usize, description: String, problem: String, field: Option<String> },
    #[error("the share of billed that estimates a missing allowed amount must be from 0 to 1 (it is {0})")]
    AllowedShare(String),
}

fn is_zero(amount: &Money) -> bool {
    amount.is_zero()
}

fn describe(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(" (\"{description}\")")
    }
}

/// The estimate: each service in order through the cost-sharing steps of SPEC §5.
/// `reader_notes` are what reading the list said (amounts rounded, totals rows
/// left out: [`ServiceList::notes`]); they become assumptions, before the
/// closing one. A list typed in has none.
pub fn estimate(
    plan: &Plan,
    services: &[Service],
    reader_notes: &[String],
    options: &EstimateOptions,
) -> Result<Estimate, EstimateError> {
    plan.validate()?;
    let share = options.allowed_share_of_billed.as_decimal();
    if share.is_sign_negative() && !share.is_zero() || share > Rate::ONE.as_decimal() {
        return Err(EstimateError::AllowedShare(share.normalize().to_string()));
    }
    let mut ledger = Ledger::new(plan);
    let mut assumptions = vec![Assumption::general(
        "Services are processed in the order listed: the deductible and out-of-pocket amounts met \
         carry from each line to the next.",
    )];
    let mut lines: Vec<Option<EstimateLine>> = vec![None; services.len()];
    let mut used = Used::default();
    // Lines the payer already processed first (SPEC §9.1): their shares are
    // facts, and the lines still to be estimated count them.
    for (i, service) in services.iter().enumerate().filter(|(_, s)| s.is_processed()) {
        let settled =
            processed::settle(plan, &mut ledger, service, is_protected(service)).map_err(|problem| {
                EstimateError::Service {
                    number: i + 1,
                    description: service.description.clone(),
                    field: problem.field.map(str::to_string),
                    problem: problem.text,
                }
            })?;
        used.processed += 1;
        lines[i] = Some(processed_line(service, settled));
    }
    for (i, service) in services.iter().enumerate().filter(|(_, s)| !s.is_processed()) {
        let name = line_name(i + 1, &service.description);
        let priced = price(service, i + 1, &name, options, &mut assumptions)?;
        let sharing = share_cost(plan, &mut ledger, &priced);
        used.note(&sharing, service, i + 1, &name);
        lines[i] = Some(line_of(service, &sharing));
    }
    let mut lines: Vec<EstimateLine> = lines.into_iter().flatten().collect();
    for (i, first) in processed::duplicates(services).into_iter().enumerate() {
        if let Some(first) = first {
            lines[i].findings.push(processed::duplicate_finding(first, &services[i]));
        }
    }
    used.explain(plan, &ledger, &mut assumptions);
    assumptions.extend(reader_notes.iter().map(Assumption::general));
    assumptions.push(Assumption::general(
        "This is an estimate from the plan details entered; how the plan processes the actual claims \
         decides what you owe.",
    ));
    let totals = total(&lines);
    Ok(Estimate { lines, totals, after: After::of(&ledger), assumptions })
}

/// `line 2 ("MRI brain")`, or `line 2` without a description.
fn line_name(number: usize, description: &str) -> String {
    format!("line {number}{}", describe(description))
}

/// Checks a service's amounts and fills in the one that is missing.
fn price(
    service: &Service,
    number: usize,
    name: &str,
    options: &EstimateOptions,
    assumptions: &mut Vec<Assumption>,
) -> Result<Priced, EstimateError> {
    let problem = |problem: String, field: Option<&str>| EstimateError::Service {
        number,
        description: service.description.clone(),
        problem,
        field: field.map(str::to_string),
    };
    for (what, amount) in [("billed", service.billed), ("allowed", service.allowed)] {
        if let Some(amount) = amount.filter(|a| a.is_negative()) {
            return Err(problem(format!("the {what} amount {amount} is negative"), Some(what)));
        }
    }
    let out_unprotected = service.network == Network::Out && !is_protected(service);
    let (billed, allowed) = match (service.billed, service.allowed) {
        (Some(billed), Some(allowed)) => (billed, allowed),
        (None, Some(allowed)) => {
            if out_unprotected || !service.covered {
                assumptions.push(Assumption::about(
                    vec![number],
                    format!(
                        "{}: no billed amount was given, so it is taken to be the allowed {}.",
                        capitalise(name),
                        dollars(allowed)
                    ),
                ));
            }
            (allowed, allowed)
        }
        (Some(billed), None) => {
            let share = options.allowed_share_of_billed;
            let allowed = share.share_of(billed);
            if service.covered {
                let mut text = format!(
                    "{}: no allowed amount was given, so it is estimated as {} of the billed {}: {}.",
                    capitalise(name),
                    share.percent_text(),
                    dollars(billed),
                    dollars(allowed)
                );
                if out_unprotected {
                    text.push_str(
                        " Out of network, the balance bill depends on the plan's real allowed amount, \
                         which may be lower.",
                    );
                }
                assumptions.push(Assumption::about(vec![number], text));
            }
            (billed, allowed)
        }
        (None, None) => return Err(problem("a service needs a billed or an allowed amount".into(), None)),
    };
    Ok(Priced {
        category: care_category(service),
        network: service.network,
        covered: service.covered,
        protected: is_protected(service),
        billed,
        allowed,
    })
}

/// Emergency care (found by [`emergency::is_emergency`], which the user can
/// override) is protected out of network (No Surprises Act); other cases are
/// the ones the user marks.
fn is_protected(service: &Service) -> bool {
    service.protected || emergency::is_emergency(service)
}

/// The category whose copay applies: a line with no category of its own
/// ("other") that is emergency care takes the emergency room copay.
fn care_category(service: &Service) -> Category {
    if service.category == Category::Other && emergency::is_emergency(service) {
        Category::Emergency
    } else {
        service.category
    }
}

fn processed_line(service: &Service, settled: processed::Settled) -> EstimateLine {
    EstimateLine {
        description: service.description.clone(),
        code: service.code.clone(),
        category: service.category,
        network: service.network,
        billed: settled.billed,
        allowed: settled.allowed,
        copay: settled.copay,
        deductible: settled.deductible,
        coinsurance: settled.coinsurance,
        cost_sharing: settled.cost_sharing(),
        not_covered: settled.not_covered,
        balance_bill: settled.balance_bill,
        patient_pays: settled.patient_pays(),
        plan_pays: settled.insurance_paid,
        explanation: processed::explain(&settled),
        processed: true,
        patient_paid: settled.patient_paid,
        findings: settled.findings,
        emergency: emergency::is_emergency(service),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn line_of(service: &Service, sharing: &Sharing) -> EstimateLine {
    EstimateLine {
        description: service.description.clone(),
        code: service.code.clone(),
        category: service.category,
        network: service.network,
        billed: sharing.billed,
        allowed: sharing.allowed,
        copay: sharing.copay,
        deductible: sharing.deductible,
        coinsurance: sharing.coinsurance,
        cost_sharing: sharing.cost_sharing(),
        not_covered: sharing.not_covered,
        balance_bill: sharing.balance_bill,
        patient_pays: sharing.patient_pays(),
        plan_pays: sharing.plan_pays(),
        explanation: explain::explain(sharing),
        processed: false,
        patient_paid: Money::ZERO,
        findings: Vec::new(),
        emergency: emergency::is_emergency(service),
    }
}

fn total(lines: &[EstimateLine]) -> Totals {
    let sum = |f: fn(&EstimateLine) -> Money| lines.iter().map(f).sum();
    Totals {
        billed: sum(|l| l.billed),
        allowed: sum(|l| l.allowed),
        cost_sharing: sum(|l| l.cost_sharing),
        not_covered: sum(|l| l.not_covered),
        balance_bill: sum(|l| l.balance_bill),
        patient_pays: sum(|l| l.patient_pays),
        plan_pays: sum(|l| l.plan_pays),
    }
}

/// Which of the plan's special rules the lines used, for the assumptions.
#[derive(Default)]
struct Used {
    /// Lines the payer already processed (SPEC §9.1).
    processed: usize,
    in_network_tier: bool,
    out_of_network_tier: bool,
    no_out_of_network_tier: Named,
    emergency_protected: Named,
    marked_protected: Named,
}

/// Lines named in an assumption: their numbers (from 1) and names (`line 2 ("MRI brain")`).
#[derive(Default)]
struct Named {
    numbers: Vec<usize>,
    names: Vec<String>,
}

impl Named {
    fn push(&mut self, number: usize, name: &str) {
        self.numbers.push(number);
        self.names.push(name.to_string());
    }

    fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The assumption about these lines, with their names where `text` says `{}`.
    fn assumption(&self, text: impl FnOnce(String) -> String) -> Assumption {
        Assumption::about(self.numbers.clone(), text(self.names.join(", ")))
    }
}

impl Used {
    fn note(&mut self, sharing: &Sharing, service: &Service, number: usize, name: &str) {
        match sharing.route {
            Route::InNetwork => self.in_network_tier = true,
            Route::Protected => {
                self.in_network_tier = true;
                if service.protected {
                    self.marked_protected.push(number, name);
                } else {
                    self.emergency_protected.push(number, name);
                }
            }
            Route::OutOfNetwork => self.out_of_network_tier |= service.covered,
            Route::NoOutOfNetworkBenefits => {
                if service.covered {
                    self.no_out_of_network_tier.push(number, name);
                }
            }
        }
    }

    fn explain(&self, plan: &Plan, ledger: &Ledger, assumptions: &mut Vec<Assumption>) {
        if self.processed > 0 {
            assumptions.push(Assumption::general(format!(
                "{} already processed by your plan: their amounts are the plan's, not an estimate, and they \
                 count toward your deductible and out-of-pocket maximum before the other lines are estimated.",
                if self.processed == 1 { "1 line was".to_string() } else { format!("{} lines were", self.processed) }
            )));
        }
        let family_oop = plan.family.as_ref().and_then(|f| f.out_of_pocket_max);
        if self.in_network_tier && plan.in_network.out_of_pocket_max.is_none() && family_oop.is_none() {
            assumptions.push(Assumption::general(
                "The plan has no out-of-pocket maximum (as in Original Medicare), so in-network cost \
                 sharing has no cap.",
            ));
        }
        if !self.emergency_protected.is_empty() {
            assumptions.push(self.emergency_protected.assumption(|names| {
                format!(
                    "Emergency care out of network is protected by the No Surprises Act ({names}): in-network \
                     cost sharing, counted toward the in-network limits, and no balance bill."
                )
            }));
        }
        if !self.marked_protected.is_empty() {
            assumptions.push(self.marked_protected.assumption(|names| {
                format!(
                    "Marked protected by the No Surprises Act ({names}): in-network cost sharing, counted \
                     toward the in-network limits, and no balance bill."
                )
            }));
        }
        if !self.no_out_of_network_tier.is_empty() {
            assumptions.push(self.no_out_of_network_tier.assumption(|names| {
                format!(
                    "The plan has no out-of-network benefits, so out-of-network care ({names}) is treated as \
                     not covered: the plan pays nothing and it counts toward no limit."
                )
            }));
        }
        if let (true, Some(oon)) = (self.out_of_network_tier, &ledger.out_of_network) {
            assumptions.push(Assumption::general(format!(
                "Out-of-network services use the out-of-network deductible and out-of-pocket maximum, kept \
                 separate from the in-network ones. After this estimate, out of network: {} and {}.",
                met_text(oon.deductible.individual, "deductible"),
                met_text(oon.out_of_pocket.individual, "out-of-pocket maximum")
            )));
        }
        if let (Some(deductible), Some(oop)) =
            (ledger.in_network.deductible.family, ledger.in_network.out_of_pocket.family)
        {
            assumptions.push(Assumption::general(format!(
                "Family limits are embedded and apply to in-network care: each line uses the smaller of \
                 the individual and family amounts left. After this estimate, the family: {} and {}.",
                met_text(deductible, "deductible"),
                met_text(oop, "out-of-pocket maximum")
            )));
        }
    }
}

/// `$600.00 met of the $1,000.00 deductible`, or `$600.00 paid (no out-of-pocket maximum)`.
fn met_text(acc: Accumulator, what: &str) -> String {
    match acc.limit {
        Some(limit) => format!("{} met of the {} {what}", dollars(acc.met), dollars(limit)),
        None => format!("{} paid (no {what})", dollars(acc.met)),
    }
}

#[cfg(test)]
mod tests;
