//! The cost-sharing order of SPEC §5, one service at a time, in list order.
//!
//! [`share_cost`] is the SPEC's list of eight steps, top to bottom. It reads the
//! amounts still left on the deductible and the out-of-pocket maximum from a
//! [`Ledger`] and moves them forward by what the patient actually pays, so the
//! next service sees the new amounts.
//!
//! Which limits a service uses ([`Route`]):
//! - in network: the in-network tier, with the embedded family limits when the
//!   plan has them (what is left is the smaller of the individual and family
//!   remainders, and a payment counts toward both);
//! - out of network and protected (emergency care, or a No Surprises Act case
//!   the user marks): in-network cost sharing counted toward the in-network
//!   limits, and no balance bill, as the Act requires;
//! - out of network, not protected: the out-of-network tier's own deductible,
//!   out-of-pocket maximum and amounts met, separate from the in-network ones
//!   (most plans keep them apart; the family limits are not applied there);
//! - out of network with no out-of-network tier: the plan pays nothing, so the
//!   service is treated as not covered.
//!
//! Coinsurance is rounded per line, half away from zero ([`Rate::share_of`]).

use super::plan::{Category, Copay, FamilyDeductible, Plan, Tier};
use super::service::Network;
use crate::money::{Money, Rate};

/// A limit (`None`: no limit) and how much has been paid toward it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Accumulator {
    pub limit: Option<Money>,
    pub met: Money,
}

impl Accumulator {
    fn remaining(self) -> Option<Money> {
        self.limit.map(|limit| (limit - self.met).max(Money::ZERO))
    }
}

/// Whose limit is the one that binds: the patient's own, or the family's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Whose {
    #[default]
    Individual,
    Family,
}

/// An individual limit with an optional embedded family limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limit {
    pub individual: Accumulator,
    pub family: Option<Accumulator>,
}

impl Limit {
    /// What is left: the smaller of the individual and family remainders, or
    /// `None` when neither has a limit.
    pub fn remaining(&self) -> Option<Money> {
        let mine = self.individual.remaining();
        let family = self.family.and_then(Accumulator::remaining);
        match (mine, family) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whose remainder [`remaining`](Self::remaining) is: the family's when it is
    /// the smaller one (or the only one), so the explanation can say "your family
    /// deductible" instead of letting the patient think it is their own.
    pub fn whose(&self) -> Whose {
        let family = self.family.and_then(Accumulator::remaining);
        match (self.individual.remaining(), family) {
            (Some(mine), Some(family)) if family < mine => Whose::Family,
            (None, Some(_)) => Whose::Family,
            _ => Whose::Individual,
        }
    }

    /// Moves the amounts met forward; a payment counts toward both limits.
    fn pay(&mut self, amount: Money) {
        self.individual.met += amount;
        if let Some(family) = &mut self.family {
            family.met += amount;
        }
    }
}

/// The running deductible and out-of-pocket amounts of one network tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Accumulators {
    pub deductible: Limit,
    pub out_of_pocket: Limit,
    /// The separate drug deductible, when the tier has one (SPEC §9.3).
    pub drug_deductible: Option<Accumulator>,
}

impl Accumulators {
    fn of(tier: &Tier) -> Accumulators {
        Accumulators {
            deductible: Limit {
                individual: Accumulator { limit: Some(tier.deductible), met: tier.deductible_met },
                family: None,
            },
            out_of_pocket: Limit {
                individual: Accumulator { limit: tier.out_of_pocket_max, met: tier.out_of_pocket_met },
                family: None,
            },
            drug_deductible: tier
                .drug_deductible
                .map(|limit| Accumulator { limit: Some(limit), met: tier.drug_deductible_met }),
        }
    }

    /// Counts what a payer already decided (SPEC §9.1) toward the limits.
    pub fn record(&mut self, deductible: Money, cost_sharing: Money) {
        self.deductible.pay(deductible);
        self.out_of_pocket.pay(cost_sharing);
    }

    /// Every tier has a deductible (possibly 0), so this is always known.
    pub fn deductible_left(&self) -> Money {
        self.deductible.remaining().unwrap_or(Money::ZERO)
    }
}

/// Where the plan stands as the services are processed in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ledger {
    pub in_network: Accumulators,
    /// `None` when the plan has no out-of-network tier.
    pub out_of_network: Option<Accumulators>,
}

impl Ledger {
    pub fn new(plan: &Plan) -> Ledger {
        let mut in_network = Accumulators::of(&plan.in_network);
        if let Some(family) = &plan.family {
            in_network.deductible.family =
                Some(Accumulator { limit: family.deductible, met: family.deductible_met });
            // Aggregate (SPEC §9.3): only the family amount counts; what the patient
            // paid is still tracked, for the amounts met after the estimate.
            if family.deductible_type == FamilyDeductible::Aggregate {
                in_network.deductible.individual.limit = None;
            }
            in_network.out_of_pocket.family =
                Some(Accumulator { limit: family.out_of_pocket_max, met: family.out_of_pocket_met });
        }
        Ledger { in_network, out_of_network: plan.out_of_network.as_ref().map(Accumulators::of) }
    }

    /// The limits a service on this route counts toward; `None` when the plan
    /// has no out-of-network tier.
    pub fn limits(&mut self, route: Route) -> Option<&mut Accumulators> {
        match route {
            Route::InNetwork | Route::Protected => Some(&mut self.in_network),
            Route::OutOfNetwork => self.out_of_network.as_mut(),
            Route::NoOutOfNetworkBenefits => None,
        }
    }
}

/// A service ready to be shared: its amounts are known (see `super::price`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Priced {
    pub category: Category,
    pub network: Network,
    pub covered: bool,
    /// Out-of-network care the No Surprises Act protects.
    pub protected: bool,
    pub billed: Money,
    pub allowed: Money,
}

/// Which tier's cost sharing and limits a service uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    InNetwork,
    /// Out of network but protected: shared as in network, no balance bill.
    Protected,
    OutOfNetwork,
    /// Out of network and the plan has no out-of-network tier.
    NoOutOfNetworkBenefits,
}

/// How a line's cost sharing was decided; the explanation follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Step 1 (and a service the plan has no tier for): the patient pays billed.
    NotCovered,
    /// Step 2: the out-of-pocket maximum was already reached.
    OutOfPocketReached,
    /// Step 3: preventive care in network.
    Preventive,
    /// Step 4 without coinsurance: the copay, and the plan pays the rest.
    CopayOnly,
    /// Steps 4–6: copay, deductible and coinsurance as they apply.
    Shared,
}

/// One service's cost sharing, and the facts the explanation is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sharing {
    pub route: Route,
    pub outcome: Outcome,
    pub category: Category,
    pub billed: Money,
    /// What the plan allows; 0 for a service it does not cover.
    pub allowed: Money,
    pub copay: Money,
    pub deductible: Money,
    pub coinsurance: Money,
    pub not_covered: Money,
    pub balance_bill: Money,
    /// The copay terms that applied, if any.
    pub copay_terms: Option<Copay>,
    pub rate: Rate,
    /// The deductible left before this service.
    pub deductible_left: Money,
    /// Whether that is what the family deductible had left (it was the smaller).
    pub deductible_whose: Whose,
    /// The deductible is the tier's separate drug deductible.
    pub drug_deductible: bool,
    /// The tier has no deductible at all (as opposed to one already met).
    pub no_deductible: bool,
    /// What coinsurance was taken of: the allowed amount less copay and deductible.
    pub coinsurance_base: Money,
    /// The out-of-pocket maximum left before this service (`None`: no limit).
    pub out_of_pocket_left: Option<Money>,
    /// Whether that is what the family maximum had left.
    pub out_of_pocket_whose: Whose,
    /// How much step 7 cut from the line.
    pub capped_by: Money,
    /// Copay, deductible and coinsurance as steps 4–6 found them, before step 7.
    pub uncapped: Parts,
}

/// The three parts of cost sharing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parts {
    pub copay: Money,
    pub deductible: Money,
    pub coinsurance: Money,
}

impl Sharing {
    /// copay + deductible + coinsurance: what counts toward the limits.
    pub fn cost_sharing(&self) -> Money {
        self.copay + self.deductible + self.coinsurance
    }

    pub fn patient_pays(&self) -> Money {
        self.cost_sharing() + self.not_covered + self.balance_bill
    }

    /// allowed − cost sharing; 0 for a service the plan does not cover.
    pub fn plan_pays(&self) -> Money {
        self.allowed - self.cost_sharing()
    }

    fn new(service: &Priced, route: Route) -> Sharing {
        Sharing {
            route,
            outcome: Outcome::Shared,
            category: service.category,
            billed: service.billed,
            allowed: service.allowed,
            copay: Money::ZERO,
            deductible: Money::ZERO,
            coinsurance: Money::ZERO,
            not_covered: Money::ZERO,
            balance_bill: Money::ZERO,
            copay_terms: None,
            rate: Rate::ZERO,
            deductible_left: Money::ZERO,
            deductible_whose: Whose::Individual,
            drug_deductible: false,
            no_deductible: false,
            coinsurance_base: Money::ZERO,
            out_of_pocket_left: None,
            out_of_pocket_whose: Whose::Individual,
            capped_by: Money::ZERO,
            uncapped: Parts::default(),
        }
    }
}

pub(crate) fn route(service: &Priced, plan: &Plan) -> Route {
    match service.network {
        Network::In => Route::InNetwork,
        Network::Out if service.protected => Route::Protected,
        Network::Out if plan.out_of_network.is_some() => Route::OutOfNetwork,
        Network::Out => Route::NoOutOfNetworkBenefits,
    }
}

/// The cost-sharing order of SPEC §5 for one service. `ledger` moves forward by
/// what the patient pays toward the deductible and the out-of-pocket maximum.
pub(crate) fn share_cost(plan: &Plan, ledger: &mut Ledger, service: &Priced) -> Sharing {
    let route = route(service, plan);
    let mut line = Sharing::new(service, route);

    // 1. Not covered: the patient pays billed, which counts toward no limit. A
    //    plan without out-of-network benefits does not cover out-of-network care.
    let tier_and_limits = match route {
        Route::InNetwork | Route::Protected => Some((&plan.in_network, &mut ledger.in_network)),
        Route::OutOfNetwork => plan.out_of_network.as_ref().zip(ledger.out_of_network.as_mut()),
        Route::NoOutOfNetworkBenefits => None,
    };
    let (tier, limits) = match tier_and_limits {
        Some(found) if service.covered => found,
        _ => {
            line.outcome = Outcome::NotCovered;
            line.allowed = Money::ZERO;
            line.not_covered = service.billed;
            return line;
        }
    };
    line.rate = tier.coinsurance;
    // A drug line with a separate drug deductible counts toward that one instead (SPEC §9.3).
    let drug_deductible = limits.drug_deductible.filter(|_| service.category.is_drug());
    line.drug_deductible = drug_deductible.is_some();
    if let Some(drug) = drug_deductible {
        line.deductible_left = drug.remaining().unwrap_or(Money::ZERO);
        line.no_deductible = drug.limit.is_none_or(|l| l.is_zero());
    } else {
        line.deductible_left = limits.deductible_left();
        line.deductible_whose = limits.deductible.whose();
        line.no_deductible = limits.deductible.remaining().is_none()
            || (tier.deductible.is_zero()
                && limits.deductible.family.and_then(|f| f.limit).is_none_or(|l| l.is_zero()));
    }
    line.out_of_pocket_left = limits.out_of_pocket.remaining();
    line.out_of_pocket_whose = limits.out_of_pocket.whose();

    if line.out_of_pocket_left == Some(Money::ZERO) {
        // 2. Out-of-pocket maximum already reached: 0 of the allowed amount.
        line.outcome = Outcome::OutOfPocketReached;
    } else if service.category == Category::Preventive && route != Route::OutOfNetwork {
        // 3. Preventive, in network: 0.
        line.outcome = Outcome::Preventive;
    } else {
        copay_deductible_coinsurance(&mut line, tier);
        line.uncapped =
            Parts { copay: line.copay, deductible: line.deductible, coinsurance: line.coinsurance };
        // 7. Cap at the out-of-pocket maximum left, trimming coinsurance first,
        //    then copay, then deductible; the amounts met move forward by what
        //    the patient actually pays.
        if let Some(left) = line.out_of_pocket_left {
            cap(&mut line, left);
        }
        match limits.drug_deductible.as_mut().filter(|_| line.drug_deductible) {
            Some(drug) => drug.met += line.deductible,
            None => limits.deductible.pay(line.deductible),
        }
        limits.out_of_pocket.pay(line.cost_sharing());
    }

    // 8. Out of network: the balance bill, billed − allowed, outside every limit;
    //    0 when the service is protected, and never below 0 (billed under the
    //    allowed amount leaves nothing to balance-bill).
    if route == Route::OutOfNetwork {
        line.balance_bill = (service.billed - service.allowed).max(Money::ZERO);
    }
    line
}

/// Steps 4–6: copay, deductible and coinsurance on the allowed amount.
fn copay_deductible_coinsurance(line: &mut Sharing, tier: &Tier) {
    let copay = line.category.copay_in(&tier.copays);
    line.copay_terms = copay;
    let mut left = line.allowed;

    // 4. Copay before the deductible: min(copay, allowed). With coinsurance as
    //    well, steps 5–6 apply to the remainder; otherwise the plan pays the rest.
    if let Some(terms) = copay.filter(|c| c.before_deductible) {
        line.copay = terms.amount.min(left);
        left -= line.copay;
        if !terms.coinsurance {
            line.outcome = Outcome::CopayOnly;
            return;
        }
    }

    // 5. Deductible: min(what is left, deductible left).
    line.deductible = left.min(line.deductible_left);
    left -= line.deductible;

    // 6. Coinsurance on what is left, rounded to the cent; a copay after the
    //    deductible applies here instead (and coinsurance on top only when the
    //    category says so).
    match copay.filter(|c| !c.before_deductible) {
        Some(terms) => {
            line.copay = terms.amount.min(left);
            left -= line.copay;
            if terms.coinsurance {
                line.coinsurance_base = left;
                line.coinsurance = line.rate.share_of(left);
            }
        }
        None => {
            line.coinsurance_base = left;
            line.coinsurance = line.rate.share_of(left);
        }
    }
}

/// Step 7: at most `left` for the line; coinsurance is cut first, then the
/// copay, then the deductible.
fn cap(line: &mut Sharing, left: Money) {
    let total = line.cost_sharing();
    if total <= left {
        return;
    }
    let mut excess = total - left;
    line.capped_by = excess;
    for part in [&mut line.coinsurance, &mut line.copay, &mut line.deductible] {
        let cut = excess.min(*part);
        *part -= cut;
        excess -= cut;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::plan::{Family, FamilyDeductible};
    use std::collections::BTreeMap;

    fn dollars(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn tier(deductible: &str, met: &str, oop: Option<&str>, oop_met: &str, rate: &str) -> Tier {
        Tier {
            deductible: dollars(deductible),
            deductible_met: dollars(met),
            out_of_pocket_max: oop.map(dollars),
            out_of_pocket_met: dollars(oop_met),
            coinsurance: rate.parse().unwrap(),
            copays: BTreeMap::new(),
            drug_deductible: None,
            drug_deductible_met: Money::ZERO,
        }
    }

    fn plan(in_network: Tier) -> Plan {
        Plan { in_network, out_of_network: None, family: None }
    }

    fn service(category: Category, billed: &str, allowed: &str) -> Priced {
        Priced {
            category,
            network: Network::In,
            covered: true,
            protected: false,
            billed: dollars(billed),
            allowed: dollars(allowed),
        }
    }

    fn visit(allowed: &str) -> Priced {
        service(Category::Office, allowed, allowed)
    }

    /// Runs services in order and returns (patient pays, plan pays) per line.
    fn run(plan: &Plan, services: &[Priced]) -> (Vec<(String, String)>, Ledger) {
        let mut ledger = Ledger::new(plan);
        let lines = services
            .iter()
            .map(|s| {
                let line = share_cost(plan, &mut ledger, s);
                (line.patient_pays().to_string(), line.plan_pays().to_string())
            })
            .collect();
        (lines, ledger)
    }

    fn pays(patient: &str, plan: &str) -> (String, String) {
        (patient.to_string(), plan.to_string())
    }

    // ---- the worked checks of SPEC §5 ----

    #[test]
    fn spec_check_deductible_met_pays_coinsurance_only() {
        let p = plan(tier("1000", "1000", None, "0", "0.20"));
        assert_eq!(run(&p, &[visit("100")]).0, [pays("20.00", "80.00")]);
    }

    #[test]
    fn spec_check_deductible_not_met_pays_everything() {
        let p = plan(tier("1000", "500", None, "0", "0.20"));
        assert_eq!(run(&p, &[visit("100")]).0, [pays("100.00", "0.00")]);
    }

    #[test]
    fn spec_check_deductible_then_coinsurance_then_out_of_pocket_maximum() {
        // First visit $125 goes to the deductible. Then the deductible is met:
        // $75 visit → 20% = $15. Then the OOP maximum is met: $200 visit → $0.
        let p = plan(tier("1500", "0", Some("5000"), "0", "0.20"));
        assert_eq!(run(&p, &[visit("125")]).0, [pays("125.00", "0.00")]);
        let met = plan(tier("1500", "1500", Some("5000"), "1500", "0.20"));
        assert_eq!(run(&met, &[visit("75")]).0, [pays("15.00", "60.00")]);
        let oop_met = plan(tier("1500", "1500", Some("5000"), "5000", "0.20"));
        assert_eq!(run(&oop_met, &[visit("200")]).0, [pays("0.00", "200.00")]);
    }

    #[test]
    fn spec_check_surgery_is_capped_at_the_out_of_pocket_maximum() {
        // 1300 deductible + 20% × 18700 = 3740 → 5040, capped at 4400:
        // coinsurance is cut by 640 to 3100. Plan pays 20000 − 4400 = 15600.
        let p = plan(tier("1300", "0", Some("4400"), "0", "0.20"));
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &service(Category::Surgery, "20000", "20000"));
        assert_eq!(line.patient_pays(), dollars("4400"));
        assert_eq!(line.plan_pays(), dollars("15600"));
        assert_eq!((line.deductible, line.coinsurance), (dollars("1300"), dollars("3100")));
        assert_eq!(line.capped_by, dollars("640"));
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("4400"));
        assert_eq!(ledger.in_network.deductible.individual.met, dollars("1300"));
    }

    #[test]
    fn spec_check_medicare_part_b_2026() {
        // Deductible $283, 20%, no OOP maximum. $300: 283 + 20% × 17 = 3.40 → 286.40.
        // Next $150: 20% × 150 = 30.00; Medicare pays 120.00.
        let p = plan(tier("283", "0", None, "0", "0.20"));
        let (lines, ledger) = run(&p, &[visit("300"), visit("150")]);
        assert_eq!(lines, [pays("286.40", "13.60"), pays("30.00", "120.00")]);
        assert_eq!(
            ledger.in_network.out_of_pocket.individual.met,
            dollars("316.40"),
            "tracked without a limit"
        );
    }

    #[test]
    fn spec_check_visits_in_one_list_carry_the_amounts_met_forward() {
        // The same steps as one list, the amounts met carried from line to line.
        // Visit 1: $125 → deductible. Visit 2: $1,375 → deductible met (1500).
        // Visit 3: $75 → $15. OOP met 1515; left 5000 − 1515 = 3485.
        // Visit 4: $20,000 → 20% = 4000, capped at 3485. Visit 5: $200 → $0.
        let p = plan(tier("1500", "0", Some("5000"), "0", "0.20"));
        let (lines, ledger) =
            run(&p, &[visit("125"), visit("1375"), visit("75"), visit("20000"), visit("200")]);
        assert_eq!(
            lines,
            [
                pays("125.00", "0.00"),
                pays("1375.00", "0.00"),
                pays("15.00", "60.00"),
                pays("3485.00", "16515.00"),
                pays("0.00", "200.00"),
            ]
        );
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("5000"));
    }

    // ---- more cases, worked by hand ----

    fn with_copay(mut t: Tier, category: Category, amount: &str, before: bool, coins: bool) -> Tier {
        t.copays.insert(
            category,
            Copay { amount: dollars(amount), before_deductible: before, coinsurance: coins },
        );
        t
    }

    #[test]
    fn copay_before_the_deductible_skips_the_deductible() {
        // $30 office copay before the deductible; $1,000 deductible untouched.
        // Allowed $150: patient $30, plan $120; deductible met stays 0.
        let p = plan(with_copay(
            tier("1000", "0", Some("5000"), "0", "0.20"),
            Category::Office,
            "30",
            true,
            false,
        ));
        let (lines, ledger) = run(&p, &[visit("150")]);
        assert_eq!(lines, [pays("30.00", "120.00")]);
        assert_eq!(ledger.in_network.deductible.individual.met, Money::ZERO);
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("30"));
        // Allowed below the copay: min(copay, allowed) = $20.
        assert_eq!(run(&p, &[visit("20")]).0, [pays("20.00", "0.00")]);
    }

    #[test]
    fn copay_after_the_deductible_applies_once_the_deductible_is_met() {
        // Specialist copay $50 after the deductible; $200 deductible left.
        // Allowed $230: deductible 200, then min(50, 30) = 30 → patient 230, plan 0.
        // Next $230: deductible met, copay 50 → patient 50, plan 180.
        let t = with_copay(
            tier("500", "300", Some("5000"), "300", "0.20"),
            Category::Specialist,
            "50",
            false,
            false,
        );
        let p = plan(t);
        let spec = service(Category::Specialist, "230", "230");
        let (lines, ledger) = run(&p, &[spec, spec]);
        assert_eq!(lines, [pays("230.00", "0.00"), pays("50.00", "180.00")]);
        assert_eq!(ledger.in_network.deductible.individual.met, dollars("500"));
    }

    #[test]
    fn copay_before_the_deductible_with_coinsurance_shares_the_rest() {
        // ER copay $250 before the deductible, coinsurance too; deductible $500, 20%.
        // Allowed $2,000: copay 250; remainder 1750 → deductible 500; 20% of 1250 = 250.
        // Patient 250 + 500 + 250 = 1000; plan 1000.
        let t =
            with_copay(tier("500", "0", Some("8000"), "0", "0.20"), Category::Emergency, "250", true, true);
        let p = plan(t);
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &service(Category::Emergency, "3000", "2000"));
        assert_eq!(
            (line.copay, line.deductible, line.coinsurance),
            (dollars("250"), dollars("500"), dollars("250"))
        );
        assert_eq!(line.plan_pays(), dollars("1000"));
        assert_eq!(ledger.in_network.deductible.individual.met, dollars("500"));
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("1000"));
    }

    #[test]
    fn copay_after_the_deductible_with_coinsurance() {
        // Hospital copay $100 after the deductible, coinsurance too; deductible met; 10%.
        // Allowed $5,000.55: copay 100; 10% of 4900.55 = 490.055 → 490.06 (half away).
        // Patient 590.06; plan 4410.49.
        let t = with_copay(tier("500", "500", None, "0", "0.10"), Category::Hospital, "100", false, true);
        let p = plan(t);
        let (lines, _) = run(&p, &[service(Category::Hospital, "9000", "5000.55")]);
        assert_eq!(lines, [pays("590.06", "4410.49")]);
    }

    #[test]
    fn cap_reached_mid_line_trims_coinsurance_then_copay_then_deductible() {
        // OOP left $120; office copay $30 after deductible with coinsurance 20%;
        // deductible left $100. Allowed $500: deductible 100, copay 30, 20% of 370 = 74.
        // Total 204 > 120: cut 84 → coinsurance 74 → 0 (10 more), copay 30 → 20.
        let t = with_copay(
            tier("1000", "900", Some("2000"), "1880", "0.20"),
            Category::Office,
            "30",
            false,
            true,
        );
        let p = plan(t);
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &visit("500"));
        assert_eq!(
            (line.deductible, line.copay, line.coinsurance),
            (dollars("100"), dollars("20"), Money::ZERO)
        );
        assert_eq!(line.capped_by, dollars("84"));
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("2000"));
        // When even the deductible is more than the cap, the deductible is trimmed
        // too and the deductible met moves only by what was paid: OOP left 50,
        // deductible left 100, allowed 300 → deductible 50.
        let p = plan(tier("1000", "900", Some("2000"), "1950", "0.20"));
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &visit("300"));
        assert_eq!((line.deductible, line.coinsurance), (dollars("50"), Money::ZERO));
        assert_eq!(ledger.in_network.deductible.individual.met, dollars("950"));
    }

    #[test]
    fn an_x_ray_takes_the_diagnostic_test_copay_and_an_mri_the_imaging_one() {
        // SBC: diagnostic test (x-ray) $40 copay, imaging (CT, MRI, PET) $250 copay, both
        // before the deductible, no coinsurance on top. X-ray allowed 120 → 40; MRI allowed
        // 900 → 250.
        let t = tier("1000", "0", Some("5000"), "0", "0.20");
        let t = with_copay(t, Category::DiagnosticTest, "40", true, false);
        let p = plan(with_copay(t, Category::ImagingAdvanced, "250", true, false));
        let x_ray = service(Category::DiagnosticTest, "200", "120");
        let mri = service(Category::ImagingAdvanced, "2400", "900");
        let (lines, _) = run(&p, &[x_ray, mri]);
        assert_eq!(lines, [pays("40.00", "80.00"), pays("250.00", "650.00")]);

        // A version 1 plan's "imaging" copay is the advanced-imaging copay (the SBC's
        // "Imaging (CT/PET scans, MRIs)"); it no longer reaches an x-ray, which goes to
        // the deductible.
        let t = tier("1000", "0", Some("5000"), "0", "0.20");
        let p = plan(with_copay(t, Category::Imaging, "250", true, false));
        let (lines, _) = run(&p, &[x_ray, mri, service(Category::Imaging, "2400", "900")]);
        assert_eq!(lines, [pays("120.00", "0.00"), pays("250.00", "650.00"), pays("250.00", "650.00")]);
    }

    #[test]
    fn a_drug_deductible_applies_to_drug_lines_instead_of_the_medical_one() {
        // Medical deductible 1,000 (0 met), drug deductible 250 (50 met), 20%.
        // Brand drug allowed 300: 200 drug deductible + 20% of 100 = 220; the medical
        // deductible is untouched. Office visit allowed 300: 300 toward the medical one.
        // Generic drug allowed 100: the drug deductible is met, so 20% = 20.
        let mut t = tier("1000", "0", Some("5000"), "0", "0.20");
        t.drug_deductible = Some(dollars("250"));
        t.drug_deductible_met = dollars("50");
        let p = plan(t);
        let brand = service(Category::DrugBrand, "400", "300");
        let visit = service(Category::Office, "300", "300");
        let generic = service(Category::DrugGeneric, "120", "100");
        let (lines, ledger) = run(&p, &[brand, visit, generic]);
        assert_eq!(lines, [pays("220.00", "80.00"), pays("300.00", "0.00"), pays("20.00", "80.00")]);
        let limits = ledger.in_network;
        assert_eq!(limits.drug_deductible.unwrap().met, dollars("250"));
        assert_eq!(limits.deductible.individual.met, dollars("300"));
        assert_eq!(limits.out_of_pocket.individual.met, dollars("540"));

        // Without a drug deductible, the same brand drug goes to the medical deductible.
        let p = plan(tier("1000", "0", Some("5000"), "0", "0.20"));
        let (lines, _) = run(&p, &[service(Category::DrugBrand, "400", "300")]);
        assert_eq!(lines, [pays("300.00", "0.00")]);
    }

    #[test]
    fn an_aggregate_family_deductible_counts_only_the_family_amount() {
        // Individual deductible 1,500 (0 met), family 4,000 (1,000 met), 20%, OOP 6,000.
        // Embedded: 1,500 left (the smaller); allowed 2,000 → 1,500 + 20% of 500 = 1,600.
        // Aggregate: the family's 3,000 left; allowed 2,000 → all 2,000 to the deductible,
        // and then 1,000 of the family deductible is left for the next $1,200: 1,000 + 20% of
        // 200 = 40 → 1,040.
        let mut p = plan(tier("1500", "0", Some("6000"), "0", "0.20"));
        let family = Family {
            deductible: Some(dollars("4000")),
            deductible_met: dollars("1000"),
            ..Family::default()
        };
        p.family = Some(family.clone());
        let (lines, _) = run(&p, &[visit("2000")]);
        assert_eq!(lines, [pays("1600.00", "400.00")], "embedded");

        p.family = Some(Family { deductible_type: FamilyDeductible::Aggregate, ..family });
        let (lines, ledger) = run(&p, &[visit("2000"), visit("1200")]);
        assert_eq!(lines, [pays("2000.00", "0.00"), pays("1040.00", "160.00")], "aggregate");
        let d = ledger.in_network.deductible;
        assert_eq!((d.individual.met, d.family.unwrap().met), (dollars("3000"), dollars("4000")));
    }

    #[test]
    fn family_remainders_are_the_smaller_of_individual_and_family() {
        // Individual deductible 2000 (0 met), family 4000 (3700 met): 300 left.
        // Individual OOP 6000 (0 met), family 12000 (11500 met): 500 left. 20%.
        // Allowed $1,000: deductible 300; 20% of 700 = 140 → 440 (≤ 500).
        // Then $1,000: deductible 0; 20% = 200, capped at 500 − 440 = 60.
        let mut p = plan(tier("2000", "0", Some("6000"), "0", "0.20"));
        p.family = Some(Family {
            deductible: Some(dollars("4000")),
            deductible_met: dollars("3700"),
            out_of_pocket_max: Some(dollars("12000")),
            out_of_pocket_met: dollars("11500"),
            ..Family::default()
        });
        let (lines, ledger) = run(&p, &[visit("1000"), visit("1000")]);
        assert_eq!(lines, [pays("440.00", "560.00"), pays("60.00", "940.00")]);
        let d = ledger.in_network.deductible;
        assert_eq!((d.individual.met, d.family.unwrap().met), (dollars("300"), dollars("4000")));
        let o = ledger.in_network.out_of_pocket;
        assert_eq!((o.individual.met, o.family.unwrap().met), (dollars("500"), dollars("12000")));
    }

    #[test]
    fn family_limit_without_an_individual_out_of_pocket_maximum_still_caps() {
        // No individual OOP max, family OOP 1000 with 900 met: 100 left.
        let mut p = plan(tier("0", "0", None, "0", "0.50"));
        p.family = Some(Family {
            out_of_pocket_max: Some(dollars("1000")),
            out_of_pocket_met: dollars("900"),
            ..Family::default()
        });
        assert_eq!(run(&p, &[visit("400")]).0, [pays("100.00", "300.00")]);
    }

    #[test]
    fn out_of_network_uses_its_own_limits_and_adds_the_balance_bill() {
        // OON tier: deductible 1000 (0 met), 40%, OOP 10000. In-network deductible is met.
        // Billed 1500, allowed 600: OON deductible 600 → patient cost sharing 600,
        // plan 0, balance bill 900 → patient 1500.
        let mut p = plan(tier("500", "500", Some("3000"), "500", "0.20"));
        p.out_of_network = Some(tier("1000", "0", Some("10000"), "0", "0.40"));
        let oon = Priced { network: Network::Out, ..service(Category::Specialist, "1500", "600") };
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &oon);
        assert_eq!(line.route, Route::OutOfNetwork);
        assert_eq!(
            (line.deductible, line.balance_bill, line.patient_pays()),
            (dollars("600"), dollars("900"), dollars("1500"))
        );
        let oon_limits = ledger.out_of_network.unwrap();
        assert_eq!(oon_limits.deductible.individual.met, dollars("600"));
        assert_eq!(
            oon_limits.out_of_pocket.individual.met,
            dollars("600"),
            "the balance bill counts toward nothing"
        );
        assert_eq!(
            ledger.in_network.out_of_pocket.individual.met,
            dollars("500"),
            "in-network limits untouched"
        );
        // A second OON visit, billed 1000 / allowed 500: deductible 400 left → 400,
        // 40% of 100 = 40, balance bill 500 → 940.
        let second = Priced { network: Network::Out, ..service(Category::Specialist, "1000", "500") };
        let line = share_cost(&p, &mut ledger, &second);
        assert_eq!(line.patient_pays(), dollars("940"));
        assert_eq!(line.plan_pays(), dollars("60"));
    }

    #[test]
    fn protected_out_of_network_care_is_shared_as_in_network_without_a_balance_bill() {
        // ER out of network, protected: in-network deductible 500 left, 20%.
        // Allowed 2000 (billed 5000): 500 + 20% × 1500 = 800; no balance bill.
        let mut p = plan(tier("500", "0", Some("4000"), "0", "0.20"));
        p.out_of_network = Some(tier("2000", "0", None, "0", "0.50"));
        let er =
            Priced { network: Network::Out, protected: true, ..service(Category::Emergency, "5000", "2000") };
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &er);
        assert_eq!(line.route, Route::Protected);
        assert_eq!((line.patient_pays(), line.balance_bill), (dollars("800"), Money::ZERO));
        assert_eq!(ledger.in_network.out_of_pocket.individual.met, dollars("800"));
        assert_eq!(ledger.out_of_network.unwrap().deductible.individual.met, Money::ZERO);
    }

    #[test]
    fn out_of_network_without_an_out_of_network_tier_is_not_covered() {
        // HMO: no OON tier. Billed 700 → patient 700, plan 0, nothing counts.
        let p = plan(tier("500", "0", Some("4000"), "0", "0.20"));
        let oon = Priced { network: Network::Out, ..service(Category::Specialist, "700", "400") };
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &oon);
        assert_eq!(line.route, Route::NoOutOfNetworkBenefits);
        assert_eq!(line.outcome, Outcome::NotCovered);
        assert_eq!(
            (line.not_covered, line.patient_pays(), line.plan_pays()),
            (dollars("700"), dollars("700"), Money::ZERO)
        );
        assert_eq!(ledger, Ledger::new(&p));
    }

    #[test]
    fn not_covered_pays_billed_and_counts_toward_nothing() {
        let p = plan(tier("500", "0", Some("4000"), "0", "0.20"));
        let cosmetic = Priced { covered: false, ..service(Category::Other, "900", "600") };
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &cosmetic);
        assert_eq!(
            (line.patient_pays(), line.plan_pays(), line.allowed),
            (dollars("900"), Money::ZERO, Money::ZERO)
        );
        assert_eq!(line.cost_sharing(), Money::ZERO);
        assert_eq!(ledger, Ledger::new(&p));
    }

    #[test]
    fn preventive_in_network_is_free_but_not_out_of_network() {
        // In network: $0. Out of network (OON tier, deductible met, 40%): 40% of 200 = 80,
        // plus the balance bill 250 − 200 = 50.
        let mut p = plan(tier("500", "0", Some("4000"), "0", "0.20"));
        p.out_of_network = Some(tier("1000", "1000", None, "0", "0.40"));
        let (lines, _) = run(&p, &[service(Category::Preventive, "250", "200")]);
        assert_eq!(lines, [pays("0.00", "200.00")]);
        let oon = Priced { network: Network::Out, ..service(Category::Preventive, "250", "200") };
        assert_eq!(run(&p, &[oon]).0, [pays("130.00", "120.00")]);
    }

    #[test]
    fn zero_deductible_goes_straight_to_coinsurance() {
        // Deductible 0, 30%: 30% of 123.45 = 37.035 → 37.04 (half away from zero).
        let p = plan(tier("0", "0", Some("3000"), "0", "0.30"));
        assert_eq!(run(&p, &[visit("123.45")]).0, [pays("37.04", "86.41")]);
    }

    #[test]
    fn out_of_pocket_reached_still_owes_the_balance_bill() {
        // OON tier OOP reached; billed 800, allowed 300 → patient 0 of allowed + 500.
        let mut p = plan(tier("0", "0", None, "0", "0.20"));
        p.out_of_network = Some(tier("1000", "1000", Some("5000"), "5000", "0.40"));
        let oon = Priced { network: Network::Out, ..service(Category::Lab, "800", "300") };
        let mut ledger = Ledger::new(&p);
        let line = share_cost(&p, &mut ledger, &oon);
        assert_eq!(line.outcome, Outcome::OutOfPocketReached);
        assert_eq!(
            (line.cost_sharing(), line.balance_bill, line.plan_pays()),
            (Money::ZERO, dollars("500"), dollars("300"))
        );
    }
}
