//! The plain-English reason for each line of an estimate (SPEC §5).
//!
//! [`explain`] turns the facts [`share_cost`](super::cost_sharing::share_cost)
//! recorded into sentences with the line's own numbers, following the steps
//! that applied: "Your deductible had $300.00 left, so you pay the first
//! $300.00; then 20% of the remaining $700.00 is $140.00." Money is written
//! the way a bill writes it ([`dollars`]: `$1,500.00`).

use super::cost_sharing::{Outcome, Route, Sharing, Whose};
use crate::money::Money;

/// `$1,234.50`, `-$12.00`: money as a person reads it in a sentence.
pub fn dollars(amount: Money) -> String {
    let text = amount.abs().to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if amount.is_negative() { "-" } else { "" };
    format!("{sign}${grouped}.{cents}")
}

/// The sentence for one line.
pub(crate) fn explain(line: &Sharing) -> String {
    let mut sentences = Vec::new();
    let tier = if line.route == Route::OutOfNetwork { "out-of-network " } else { "" };
    // On a family plan the limit that binds may be the family's: say so.
    let family = |whose: Whose| if whose == Whose::Family { "family " } else { "" };
    let oop_tier = format!("{tier}{}", family(line.out_of_pocket_whose));
    if line.route == Route::Protected {
        sentences.push(
            "Out of network, but protected from surprise bills by the No Surprises Act: in-network cost \
             sharing applies and the provider may not bill you the difference."
                .to_string(),
        );
    }
    match line.outcome {
        Outcome::NotCovered if line.route == Route::NoOutOfNetworkBenefits => sentences.push(format!(
            "Your plan has no out-of-network benefits, so it pays nothing for this out-of-network service: \
             you pay the billed {}, and it does not count toward your deductible or out-of-pocket maximum.",
            dollars(line.billed)
        )),
        Outcome::NotCovered => sentences.push(format!(
            "Not covered by your plan: you pay the billed {}, and it does not count toward your deductible \
             or out-of-pocket maximum.",
            dollars(line.billed)
        )),
        Outcome::OutOfPocketReached => sentences.push(format!(
            "You have already reached your {oop_tier}out-of-pocket maximum, so the plan pays the full {} allowed.",
            dollars(line.allowed)
        )),
        Outcome::Preventive => sentences.push(format!(
            "Preventive care in network has no cost sharing: the plan pays the full {} allowed.",
            dollars(line.allowed)
        )),
        _ if line.allowed.is_zero() => {
            sentences.push("The allowed amount is $0.00, so there is nothing to share.".to_string())
        }
        Outcome::CopayOnly => sentences.push(copay_only(line)),
        Outcome::Shared => {
            let whose = if line.drug_deductible { "drug " } else { family(line.deductible_whose) };
            sentences.push(shared(line, &format!("{tier}{whose}")))
        }
    }
    if line.capped_by.is_positive() {
        if let Some(left) = line.out_of_pocket_left {
            sentences.push(format!(
                "That would be {}, but your {oop_tier}out-of-pocket maximum had only {} left, so you pay {}.",
                dollars(left + line.capped_by),
                dollars(left),
                dollars(line.cost_sharing())
            ));
        }
    }
    if line.balance_bill.is_positive() {
        sentences.push(format!(
            "The provider is out of network and may also bill you the {} difference between the billed {} \
             and the allowed {}; that does not count toward any limit.",
            dollars(line.balance_bill),
            dollars(line.billed),
            dollars(line.allowed)
        ));
    }
    sentences.join(" ")
}

/// Step 4 alone: a copay before the deductible, and the plan pays the rest.
fn copay_only(line: &Sharing) -> String {
    let terms = line.copay_terms.map(|c| c.amount).unwrap_or(line.uncapped.copay);
    let label = line.category.label();
    if terms > line.allowed {
        return format!(
            "Your {} {label} copay is more than the {} allowed, so you pay {}.",
            dollars(terms),
            dollars(line.allowed),
            dollars(line.uncapped.copay)
        );
    }
    format!(
        "Your {} {label} copay applies before the deductible, so you pay {} and the plan pays the remaining {}.",
        dollars(terms),
        dollars(line.uncapped.copay),
        dollars(line.allowed - line.uncapped.copay)
    )
}

/// Steps 4–6 as they applied, clause by clause.
fn shared(line: &Sharing, tier: &str) -> String {
    let parts = line.uncapped;
    let label = line.category.label();
    let terms = line.copay_terms;
    let copay_first = terms.is_some_and(|c| c.before_deductible);
    let mut clauses: Vec<String> = Vec::new();

    if copay_first {
        clauses.push(format!("your {} {label} copay comes first", dollars(parts.copay)));
    }
    let after_copay = line.allowed - if copay_first { parts.copay } else { Money::ZERO };
    let deductible_met_before = line.deductible_left.is_zero();
    let coinsurance_applies = terms.is_none_or(|c| c.coinsurance);
    let deductible_state = if line.no_deductible {
        format!("there is no {tier}deductible")
    } else {
        format!("your {tier}deductible is already met")
    };
    if deductible_met_before {
        if clauses.is_empty() && coinsurance_applies && !line.rate.as_decimal().is_zero() && terms.is_none() {
            // The common case gets one plain sentence.
            return sentence(&[format!(
                "{deductible_state}, so you pay {} of the {} allowed: {}",
                line.rate.percent_text(),
                dollars(line.allowed),
                dollars(parts.coinsurance)
            )]);
        }
        clauses.push(deductible_state);
    } else if parts.deductible == after_copay {
        let what = if copay_first { "the remaining" } else { "all" };
        clauses.push(format!(
            "your {tier}deductible had {} left, so you pay {what} {} toward it",
            dollars(line.deductible_left),
            dollars(parts.deductible)
        ));
    } else {
        let which = if copay_first { "next" } else { "first" };
        clauses.push(format!(
            "your {tier}deductible had {} left, so you pay the {which} {}",
            dollars(line.deductible_left),
            dollars(parts.deductible)
        ));
    }
    let left_after_deductible = after_copay - parts.deductible;

    if let Some(c) = terms.filter(|c| !c.before_deductible) {
        if left_after_deductible.is_zero() {
            clauses.push(format!(
                "your {} {label} copay starts only after the deductible, so there is none",
                dollars(c.amount)
            ));
        } else if parts.copay < c.amount {
            clauses.push(format!(
                "then your {} {label} copay is cut to the {} that is left",
                dollars(c.amount),
                dollars(parts.copay)
            ));
        } else {
            clauses.push(format!("then your {} {label} copay applies", dollars(parts.copay)));
        }
    }

    if coinsurance_applies && line.coinsurance_base.is_positive() {
        if line.rate.as_decimal().is_zero() {
            clauses.push(format!(
                "then the plan pays the remaining {} (no coinsurance)",
                dollars(line.coinsurance_base)
            ));
        } else {
            clauses.push(format!(
                "then {} of the remaining {} is {}",
                line.rate.percent_text(),
                dollars(line.coinsurance_base),
                dollars(parts.coinsurance)
            ));
        }
    } else if !coinsurance_applies && line.coinsurance_base.is_zero() {
        let rest = line.allowed - parts.copay - parts.deductible;
        if rest.is_positive() {
            clauses.push(format!("the plan pays the remaining {}", dollars(rest)));
        }
    }
    sentence(&clauses)
}

/// Clauses joined with "; ", the first letter capitalised, a full stop at the end.
fn sentence(clauses: &[String]) -> String {
    let joined = clauses.join("; ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::cost_sharing::{share_cost, Ledger, Priced};
    use crate::estimate::plan::{Category, Copay, Family, Plan, Tier};
    use crate::estimate::service::Network;
    use std::collections::BTreeMap;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn tier(deductible: &str, met: &str, oop: Option<&str>, oop_met: &str) -> Tier {
        Tier {
            deductible: m(deductible),
            deductible_met: m(met),
            out_of_pocket_max: oop.map(m),
            out_of_pocket_met: m(oop_met),
            coinsurance: "0.20".parse().unwrap(),
            copays: BTreeMap::new(),
            drug_deductible: None,
            drug_deductible_met: Money::ZERO,
        }
    }

    fn explained(plan: &Plan, services: &[Priced]) -> Vec<String> {
        let mut ledger = Ledger::new(plan);
        services.iter().map(|s| explain(&share_cost(plan, &mut ledger, s))).collect()
    }

    fn priced(category: Category, billed: &str, allowed: &str) -> Priced {
        Priced {
            category,
            network: Network::In,
            covered: true,
            protected: false,
            billed: m(billed),
            allowed: m(allowed),
        }
    }

    #[test]
    fn money_reads_like_a_bill() {
        assert_eq!(dollars(m("300")), "$300.00");
        assert_eq!(dollars(m("1500")), "$1,500.00");
        assert_eq!(dollars(m("1234567.8")), "$1,234,567.80");
        assert_eq!(dollars(m("-12")), "-$12.00");
        assert_eq!(dollars(Money::ZERO), "$0.00");
    }

    #[test]
    fn deductible_then_coinsurance_reads_like_the_spec_example() {
        let plan = Plan { in_network: tier("1000", "700", None, "0"), out_of_network: None, family: None };
        let lines = explained(
            &plan,
            &[priced(Category::Office, "1000", "1000"), priced(Category::Office, "100", "100")],
        );
        assert_eq!(lines[0], "Your deductible had $300.00 left, so you pay the first $300.00; then 20% of the remaining $700.00 is $140.00.");
        assert_eq!(
            lines[1],
            "Your deductible is already met, so you pay 20% of the $100.00 allowed: $20.00."
        );
    }

    #[test]
    fn a_drug_deductible_is_called_the_drug_deductible() {
        let mut t = tier("1000", "0", None, "0");
        t.drug_deductible = Some(m("250"));
        t.drug_deductible_met = m("50");
        let plan = Plan { in_network: t, out_of_network: None, family: None };
        assert_eq!(
            explained(&plan, &[priced(Category::DrugBrand, "400", "300"), priced(Category::Office, "100", "100")]),
            [
                "Your drug deductible had $200.00 left, so you pay the first $200.00; then 20% of the remaining \
                 $100.00 is $20.00.",
                "Your deductible had $1,000.00 left, so you pay all $100.00 toward it.",
            ]
        );
    }

    #[test]
    fn a_family_limit_that_binds_is_called_the_family_s() {
        // Individual deductible 1,500 (0 met), family 3,000 (2,800 met): the family has
        // $200.00 left. Individual maximum 6,000 (0 met), family 12,000 (11,500 met): $500.00.
        // Allowed $1,000: 200 deductible, 20% of 800 = 160. Then $2,000: 20% = 400, capped at
        // the family's 500 − 360 = 140. Then $100: the family maximum is reached.
        let family = Family {
            deductible: Some(m("3000")),
            deductible_met: m("2800"),
            out_of_pocket_max: Some(m("12000")),
            out_of_pocket_met: m("11500"),
            ..Family::default()
        };
        let plan = Plan {
            in_network: tier("1500", "0", Some("6000"), "0"),
            out_of_network: None,
            family: Some(family.clone()),
        };
        let lines = explained(
            &plan,
            &[
                priced(Category::Office, "1000", "1000"),
                priced(Category::Office, "2000", "2000"),
                priced(Category::Office, "100", "100"),
            ],
        );
        assert_eq!(
            lines[0],
            "Your family deductible had $200.00 left, so you pay the first $200.00; then 20% of the remaining \
             $800.00 is $160.00."
        );
        assert_eq!(
            lines[1],
            "Your family deductible is already met, so you pay 20% of the $2,000.00 allowed: $400.00. That would \
             be $400.00, but your family out-of-pocket maximum had only $140.00 left, so you pay $140.00."
        );
        assert_eq!(
            lines[2],
            "You have already reached your family out-of-pocket maximum, so the plan pays the full $100.00 allowed."
        );

        // When the patient's own remainder is the smaller one, it is theirs.
        let roomy = Family { deductible: Some(m("9000")), out_of_pocket_max: Some(m("20000")), ..family };
        let plan = Plan { family: Some(roomy), ..plan };
        assert_eq!(
            explained(&plan, &[priced(Category::Office, "1000", "1000")]),
            ["Your deductible had $1,500.00 left, so you pay all $1,000.00 toward it."]
        );
    }

    #[test]
    fn a_deductible_that_takes_everything_says_so() {
        let plan =
            Plan { in_network: tier("1500", "0", Some("5000"), "0"), out_of_network: None, family: None };
        assert_eq!(
            explained(&plan, &[priced(Category::Office, "125", "125")]),
            ["Your deductible had $1,500.00 left, so you pay all $125.00 toward it."]
        );
    }

    #[test]
    fn the_cap_and_copays_are_explained_with_their_numbers() {
        let mut t = tier("1300", "0", Some("4400"), "0");
        t.copays
            .insert(Category::Office, Copay { amount: m("30"), before_deductible: true, coinsurance: false });
        let plan = Plan { in_network: t, out_of_network: None, family: None };
        let lines = explained(
            &plan,
            &[priced(Category::Surgery, "20000", "20000"), priced(Category::Office, "150", "150")],
        );
        assert_eq!(
            lines[0],
            "Your deductible had $1,300.00 left, so you pay the first $1,300.00; then 20% of the remaining \
             $18,700.00 is $3,740.00. That would be $5,040.00, but your out-of-pocket maximum had only \
             $4,400.00 left, so you pay $4,400.00."
        );
        assert_eq!(
            lines[1],
            "You have already reached your out-of-pocket maximum, so the plan pays the full $150.00 allowed."
        );
    }

    #[test]
    fn copay_only_says_the_plan_pays_the_rest() {
        let mut t = tier("1000", "0", None, "0");
        t.copays
            .insert(Category::Office, Copay { amount: m("30"), before_deductible: true, coinsurance: false });
        let plan = Plan { in_network: t, out_of_network: None, family: None };
        assert_eq!(
            explained(&plan, &[priced(Category::Office, "150", "150"), priced(Category::Office, "20", "20")]),
            [
                "Your $30.00 office visit copay applies before the deductible, so you pay $30.00 and the plan pays the remaining $120.00.",
                "Your $30.00 office visit copay is more than the $20.00 allowed, so you pay $20.00.",
            ]
        );
    }

    #[test]
    fn out_of_network_lines_name_the_tier_and_the_balance_bill() {
        let plan = Plan {
            in_network: tier("0", "0", None, "0"),
            out_of_network: Some(tier("1000", "0", None, "0")),
            family: None,
        };
        let oon = Priced { network: Network::Out, ..priced(Category::Specialist, "1500", "600") };
        assert_eq!(
            explained(&plan, &[oon]),
            ["Your out-of-network deductible had $1,000.00 left, so you pay all $600.00 toward it. The provider is \
              out of network and may also bill you the $900.00 difference between the billed $1,500.00 and the \
              allowed $600.00; that does not count toward any limit."]
        );
        let no_deductible =
            Plan { in_network: tier("0", "0", None, "0"), out_of_network: None, family: None };
        assert_eq!(
            explained(&no_deductible, &[priced(Category::Lab, "50", "50")]),
            ["There is no deductible, so you pay 20% of the $50.00 allowed: $10.00."]
        );
        let hmo = Plan { out_of_network: None, ..plan };
        assert!(explained(&hmo, &[oon])[0].starts_with("Your plan has no out-of-network benefits"));
        let er = Priced { protected: true, ..oon };
        assert!(explained(&hmo, &[er])[0].starts_with("Out of network, but protected from surprise bills"));
    }
}
