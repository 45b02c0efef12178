//! Estimates end to end through the public API: the worked checks of SPEC §5,
//! the Estimate JSON contract, the assumptions, and the invariants of cost
//! sharing as property tests.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

/// The plan of the contract example, with an out-of-network tier and an ER copay.
const PLAN: &str = r#"{
  "inNetwork": { "deductible": "1500.00", "deductibleMet": "200.00",
                 "outOfPocketMax": "6000.00", "outOfPocketMet": "300.00",
                 "coinsurance": "0.20",
                 "copays": { "office": { "amount": "30.00", "beforeDeductible": true, "coinsurance": false },
                             "emergency": { "amount": "250.00", "beforeDeductible": true, "coinsurance": true } } },
  "outOfNetwork": { "deductible": "3000.00", "outOfPocketMax": "12000.00", "coinsurance": "0.40" },
  "family": null
}"#;

fn service(
    description: &str,
    code: &str,
    category: Category,
    billed: &str,
    allowed: Option<&str>,
) -> Service {
    Service {
        description: description.into(),
        code: Some(code.into()),
        category,
        billed: Some(m(billed)),
        allowed: allowed.map(m),
        ..Service::default()
    }
}

fn medicare() -> Plan {
    Plan::from_json(r#"{"inNetwork": {"deductible": "283", "outOfPocketMax": null, "coinsurance": "0.20"}}"#)
        .unwrap()
}

#[test]
fn spec_check_medicare_part_b_through_the_public_api() {
    // $300 approved: 283 + 20% × 17 = 286.40, Medicare 13.60; then $150: 30.00 and 120.00.
    let services = [
        Service::with_allowed("Visit", Category::Office, m("300")),
        Service::with_allowed("Visit", Category::Office, m("150")),
    ];
    let estimate = estimate(&medicare(), &services, &[], &EstimateOptions::default()).unwrap();
    let pays: Vec<(String, String)> =
        estimate.lines.iter().map(|l| (l.patient_pays.to_string(), l.plan_pays.to_string())).collect();
    assert_eq!(pays, [("286.40".into(), "13.60".into()), ("30.00".into(), "120.00".into())]);
    assert_eq!(
        estimate.after,
        After {
            deductible_met: m("283"),
            out_of_pocket_met: m("316.40"),
            deductible_reached: Some(LimitReached::Yours),
            ..After::default()
        }
    );
    assert!(
        estimate
            .assumptions
            .iter()
            .any(|a| a.text.contains("no out-of-pocket maximum") && a.lines.is_empty()),
        "{:?}",
        estimate.assumptions
    );
}

#[test]
fn spec_check_surgery_through_the_public_api() {
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "1300", "outOfPocketMax": "4400", "coinsurance": "0.20"}}"#,
    )
    .unwrap();
    let estimate = estimate(
        &plan,
        &[Service::with_allowed("Knee", Category::Surgery, m("20000"))],
        &[],
        &EstimateOptions::default(),
    )
    .unwrap();
    let line = &estimate.lines[0];
    assert_eq!((line.patient_pays, line.plan_pays), (m("4400"), m("15600")));
    assert_eq!(
        estimate.after,
        After {
            deductible_met: m("1300"),
            out_of_pocket_met: m("4400"),
            deductible_reached: Some(LimitReached::Yours),
            out_of_pocket_reached: Some(LimitReached::Yours),
            ..After::default()
        }
    );
}

#[test]
fn estimate_json_matches_the_contract() {
    // In network: deductible 1300 left, OOP 5700 left, 20%. Out of network: deductible 3000, 40%.
    // 1 office: copay 30 before the deductible → 30, plan 65.
    // 2 MRI: deductible min(1100, 1300) = 1100 → 1100, plan 0 (200 deductible left).
    // 3 lab: deductible 200, 20% × 60 = 12 → 212, plan 48.
    // 4 OON specialist: OON deductible 250, balance bill 400 − 250 = 150 → 400, plan 0.
    // 5 preventive: 0, plan 180.
    // 6 not covered: 900, allowed 0, plan 0.
    let plan = Plan::from_json(PLAN).unwrap();
    let services = [
        service("Office visit", "99213", Category::Office, "180", Some("95")),
        service("MRI brain", "70551", Category::Imaging, "2400", Some("1100")),
        service("Metabolic panel", "80053", Category::Lab, "300", Some("260")),
        Service {
            network: Network::Out,
            ..service("Specialist consult", "99204", Category::Specialist, "400", Some("250"))
        },
        service("Annual physical", "99396", Category::Preventive, "250", Some("180")),
        Service {
            covered: false,
            code: None,
            ..service("Cosmetic procedure", "", Category::Other, "900", None)
        },
    ];
    let estimate = estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
    let line = |d: &str, code: Option<&str>, cat: &str, net: &str, amounts: [&str; 11], why: &str| {
        let [billed, allowed, copay, deductible, coinsurance, cost_sharing, not_covered, balance_bill, patient_pays, plan_pays, _] =
            amounts;
        json!({
            "description": d, "code": code, "category": cat, "network": net,
            "billed": billed, "allowed": allowed, "copay": copay, "deductible": deductible,
            "coinsurance": coinsurance, "costSharing": cost_sharing, "notCovered": not_covered,
            "balanceBill": balance_bill, "patientPays": patient_pays, "planPays": plan_pays,
            "explanation": why
        })
    };
    let z = "0.00";
    assert_eq!(
        serde_json::to_value(&estimate).unwrap(),
        json!({
            "lines": [
                line("Office visit", Some("99213"), "office", "in",
                     ["180.00", "95.00", "30.00", z, z, "30.00", z, z, "30.00", "65.00", ""],
                     "Your $30.00 office visit copay applies before the deductible, so you pay $30.00 and the plan pays the remaining $65.00."),
                line("MRI brain", Some("70551"), "imaging", "in",
                     ["2400.00", "1100.00", z, "1100.00", z, "1100.00", z, z, "1100.00", z, ""],
                     "Your deductible had $1,300.00 left, so you pay all $1,100.00 toward it."),
                line("Metabolic panel", Some("80053"), "lab", "in",
                     ["300.00", "260.00", z, "200.00", "12.00", "212.00", z, z, "212.00", "48.00", ""],
                     "Your deductible had $200.00 left, so you pay the first $200.00; then 20% of the remaining $60.00 is $12.00."),
                line("Specialist consult", Some("99204"), "specialist", "out",
                     ["400.00", "250.00", z, "250.00", z, "250.00", z, "150.00", "400.00", z, ""],
                     "Your out-of-network deductible had $3,000.00 left, so you pay all $250.00 toward it. The provider is out of network and may also bill you the $150.00 difference between the billed $400.00 and the allowed $250.00; that does not count toward any limit."),
                line("Annual physical", Some("99396"), "preventive", "in",
                     ["250.00", "180.00", z, z, z, z, z, z, z, "180.00", ""],
                     "Preventive care in network has no cost sharing: the plan pays the full $180.00 allowed."),
                line("Cosmetic procedure", None, "other", "in",
                     ["900.00", z, z, z, z, z, "900.00", z, "900.00", z, ""],
                     "Not covered by your plan: you pay the billed $900.00, and it does not count toward your deductible or out-of-pocket maximum."),
            ],
            "totals": {
                "billed": "4430.00", "allowed": "1885.00", "costSharing": "1592.00", "notCovered": "900.00",
                "balanceBill": "150.00", "patientPays": "2642.00", "planPays": "293.00"
            },
            "after": { "deductibleMet": "1500.00", "outOfPocketMet": "1642.00", "deductibleReached": "yours" },
            "assumptions": [
                "Services are processed in the order listed: the deductible and out-of-pocket amounts met carry from each line to the next.",
                "Out-of-network services use the out-of-network deductible and out-of-pocket maximum, kept separate from the in-network ones. After this estimate, out of network: $250.00 met of the $3,000.00 deductible and $250.00 met of the $12,000.00 out-of-pocket maximum.",
                "This is an estimate from the plan details entered; how the plan processes the actual claims decides what you owe."
            ],
            "assumptionLines": [[], [], []]
        })
    );
}

#[test]
fn a_missing_allowed_amount_is_estimated_from_billed_and_stated() {
    // 60% of 1234.56 = 740.736 → 740.74; deductible met, 20% → 148.148 → 148.15.
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "500", "deductibleMet": "500", "coinsurance": "0.2"}}"#,
    )
    .unwrap();
    let services = [service("CT scan", "74177", Category::Imaging, "1234.56", None)];
    let options = EstimateOptions { allowed_share_of_billed: "0.60".parse().unwrap() };
    let estimate = estimate(&plan, &services, &[], &options).unwrap();
    assert_eq!((estimate.lines[0].allowed, estimate.lines[0].patient_pays), (m("740.74"), m("148.15")));
    assert!(estimate.assumptions.contains(&Assumption::about(
        vec![1],
        "Line 1 (\"CT scan\"): no allowed amount was given, so it is estimated as 60% of the billed \
          $1,234.56: $740.74."
    )));
    // The default is 100% of billed.
    let default = super::estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
    assert_eq!(default.lines[0].allowed, m("1234.56"));
    assert!(
        default.assumptions[1].text.contains("100% of the billed $1,234.56"),
        "{:?}",
        default.assumptions
    );
}

#[test]
fn out_of_network_without_a_tier_and_emergency_care_are_stated() {
    // HMO: no OON tier. ER out of network is protected anyway; the OON specialist is not covered.
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "0", "outOfPocketMax": "5000", "coinsurance": "0.1"}}"#,
    )
    .unwrap();
    let services = [
        Service {
            network: Network::Out,
            ..service("ER", "99285", Category::Emergency, "4000", Some("1000"))
        },
        Service {
            network: Network::Out,
            ..service("Consult", "99204", Category::Specialist, "500", Some("200"))
        },
    ];
    let estimate = estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
    // ER: 10% of 1000 = 100, no balance bill. Consult: billed 500 not covered.
    assert_eq!((estimate.lines[0].patient_pays, estimate.lines[0].balance_bill), (m("100"), Money::ZERO));
    assert_eq!((estimate.lines[1].not_covered, estimate.lines[1].allowed), (m("500"), Money::ZERO));
    let about = |words: &str| {
        let found = estimate.assumptions.iter().find(|a| a.text.contains(words));
        found.unwrap_or_else(|| panic!("no assumption says {words:?}: {:?}", estimate.assumptions))
    };
    let emergency =
        about("Emergency care out of network is protected by the No Surprises Act (line 1 (\"ER\"))");
    assert_eq!(emergency.lines, [1]);
    let not_covered = about("no out-of-network benefits, so out-of-network care (line 2 (\"Consult\"))");
    assert_eq!(not_covered.lines, [2]);
    assert_eq!(about("processed in the order listed").lines, Vec::<usize>::new());
}

#[test]
fn family_amounts_met_are_stated() {
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "2000", "outOfPocketMax": "6000", "coinsurance": "0.2"},
            "family": {"deductible": "4000", "deductibleMet": "3700", "outOfPocketMax": "12000", "outOfPocketMet": "11500"}}"#,
    )
    .unwrap();
    // Deductible 300 (family remainder), 20% × 700 = 140.
    let estimate = estimate(
        &plan,
        &[Service::with_allowed("Visit", Category::Office, m("1000"))],
        &[],
        &EstimateOptions::default(),
    )
    .unwrap();
    assert_eq!(estimate.lines[0].patient_pays, m("440"));
    // The family's deductible is the one reached; neither out-of-pocket maximum is.
    assert_eq!(
        estimate.after,
        After {
            deductible_met: m("300"),
            out_of_pocket_met: m("440"),
            family_deductible_met: Some(m("4000")),
            family_out_of_pocket_met: Some(m("11940")),
            deductible_reached: Some(LimitReached::Family),
            out_of_pocket_reached: None,
        }
    );
    assert!(estimate.assumptions.iter().any(|a| a.text.ends_with(
        "the family: $4,000.00 met of the $4,000.00 deductible and $11,940.00 met of the $12,000.00 out-of-pocket maximum."
    )));
}

#[test]
fn the_after_summary_says_the_family_limits_are_reached_while_the_patients_are_not() {
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "2000", "outOfPocketMax": "6000", "coinsurance": "0.2"},
            "family": {"deductible": "4000", "deductibleMet": "3700", "outOfPocketMax": "12000", "outOfPocketMet": "11500"}}"#,
    )
    .unwrap();
    // Allowed 3,000: the family's last 300 of deductible, then 20% × 2,700 = 540, capped
    // at the family's last 500 of out-of-pocket: 500. The patient's own limits (2,000 and
    // 6,000) are far from met, but both of the family's are.
    let estimate = estimate(
        &plan,
        &[Service::with_allowed("Surgery", Category::Surgery, m("3000"))],
        &[],
        &EstimateOptions::default(),
    )
    .unwrap();
    assert_eq!(estimate.lines[0].patient_pays, m("500"));
    assert_eq!(
        estimate.after,
        After {
            deductible_met: m("300"),
            out_of_pocket_met: m("500"),
            family_deductible_met: Some(m("4000")),
            family_out_of_pocket_met: Some(m("12000")),
            deductible_reached: Some(LimitReached::Family),
            out_of_pocket_reached: Some(LimitReached::Family),
        }
    );
    let json = serde_json::to_value(&estimate.after).unwrap();
    assert_eq!(json["deductibleReached"], "family");
    assert_eq!(json["outOfPocketReached"], "family");
}

#[test]
fn file_notes_come_before_the_closing_caveat() {
    let list = ServiceList {
        services: vec![Service::with_allowed("Visit", Category::Office, m("100"))],
        notes: vec!["row 2, column B (\"Billed\"): 100.005 was rounded to 100.01".into()],
        ..ServiceList::default()
    };
    let estimate = estimate(&medicare(), &list.services, &list.notes, &EstimateOptions::default()).unwrap();
    let n = estimate.assumptions.len();
    assert_eq!(estimate.assumptions[n - 2], Assumption::general(&list.notes[0]));
    assert!(estimate.assumptions[n - 1].text.starts_with("This is an estimate"));
}

#[test]
fn services_with_impossible_amounts_are_refused_by_number() {
    let bad = Service { billed: Some(m("-5")), ..Service::with_allowed("Refund", Category::Other, m("10")) };
    let err = estimate(
        &medicare(),
        &[Service::with_allowed("Ok", Category::Lab, m("1")), bad],
        &[],
        &EstimateOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "service 2 (\"Refund\"): the billed amount -5.00 is negative");
    let empty = Service::default();
    let err = estimate(&medicare(), &[empty], &[], &EstimateOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "service 1: a service needs a billed or an allowed amount");
}

#[test]
fn an_invalid_plan_built_in_code_is_refused() {
    let mut plan = medicare();
    plan.in_network.deductible_met = m("300");
    let err = estimate(&plan, &[], &[], &EstimateOptions::default()).unwrap_err();
    assert!(matches!(err, EstimateError::Plan(PlanError::Field { .. })), "{err}");
    let options = EstimateOptions { allowed_share_of_billed: "1.5".parse().unwrap() };
    let err = estimate(&medicare(), &[], &[], &options).unwrap_err();
    assert_eq!(err, EstimateError::AllowedShare("1.5".into()));
}

// ---- properties ----

fn money(max_cents: i64) -> impl Strategy<Value = Money> {
    (0..=max_cents).prop_map(Money::from_cents)
}

/// A limit and an amount met no larger than it.
fn limit_and_met(max_cents: i64) -> impl Strategy<Value = (Money, Money)> {
    (0..=max_cents, 0..=max_cents)
        .prop_map(|(a, b)| (Money::from_cents(a.max(b)), Money::from_cents(a.min(b))))
}

fn rate() -> impl Strategy<Value = Rate> {
    (0i64..=100).prop_map(|pct| Rate::new(Decimal::new(pct, 2)))
}

fn category() -> impl Strategy<Value = Category> {
    (0..Category::ALL.len()).prop_map(|i| Category::ALL[i])
}

fn tier() -> impl Strategy<Value = Tier> {
    (
        limit_and_met(500_000),
        proptest::option::weighted(0.8, limit_and_met(1_500_000)),
        rate(),
        proptest::collection::btree_map(category(), (money(30_000), any::<bool>(), any::<bool>()), 0..5),
    )
        .prop_map(|((deductible, deductible_met), oop, coinsurance, copays)| Tier {
            deductible,
            deductible_met,
            // The maximum includes the deductible (a smaller one is refused).
            out_of_pocket_max: oop.map(|(max, _)| max + deductible),
            out_of_pocket_met: oop.map(|(_, met)| met).unwrap_or(Money::ZERO),
            coinsurance,
            copays: copays
                .into_iter()
                .map(|(c, (amount, before_deductible, coinsurance))| {
                    (c, Copay { amount, before_deductible, coinsurance })
                })
                .collect(),
            drug_deductible: None,
            drug_deductible_met: Money::ZERO,
        })
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        tier(),
        proptest::option::of(tier()),
        proptest::option::of((limit_and_met(1_000_000), limit_and_met(3_000_000))),
    )
        .prop_map(|(in_network, out_of_network, family)| Plan {
            in_network,
            out_of_network,
            family: family.map(|((d, dm), (o, om))| Family {
                deductible: Some(d),
                deductible_met: dm,
                out_of_pocket_max: Some(o),
                out_of_pocket_met: om,
                ..Family::default()
            }),
        })
}

fn services() -> impl Strategy<Value = Vec<Service>> {
    let one = (
        category(),
        money(5_000_000),
        proptest::option::of(money(5_000_000)),
        any::<bool>(),
        0u8..10,
        any::<bool>(),
    )
        .prop_map(|(category, billed, allowed, out, covered, protected)| Service {
            description: "service".into(),
            category,
            billed: Some(billed),
            allowed,
            network: if out { Network::Out } else { Network::In },
            covered: covered > 0,
            protected,
            ..Service::default()
        });
    proptest::collection::vec(one, 0..12)
}

/// Lines whose cost sharing counts toward the in-network limits.
fn counts_in_network(service: &Service) -> bool {
    service.covered
        && (service.network == Network::In || service.protected || service.category == Category::Emergency)
}

proptest! {
    #[test]
    fn every_line_balances(plan in plan(), services in services()) {
        let estimate = estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
        for (line, service) in estimate.lines.iter().zip(&services) {
            prop_assert_eq!(line.cost_sharing, line.copay + line.deductible + line.coinsurance);
            prop_assert_eq!(line.patient_pays, line.cost_sharing + line.not_covered + line.balance_bill);
            prop_assert_eq!(line.cost_sharing + line.plan_pays, line.allowed);
            prop_assert!(!line.cost_sharing.is_negative() && line.cost_sharing <= line.allowed);
            prop_assert!(!line.copay.is_negative() && !line.deductible.is_negative() && !line.coinsurance.is_negative());
            prop_assert!(!line.balance_bill.is_negative());
            if service.covered && service.network == Network::In {
                prop_assert_eq!(line.cost_sharing + line.plan_pays, service.allowed.unwrap_or(line.billed));
            }
            if !service.covered {
                prop_assert_eq!((line.not_covered, line.plan_pays), (line.billed, Money::ZERO));
            }
        }
        let sum = |f: fn(&EstimateLine) -> Money| estimate.lines.iter().map(f).sum::<Money>();
        prop_assert_eq!(estimate.totals.patient_pays, sum(|l| l.patient_pays));
        prop_assert_eq!(estimate.totals.plan_pays, sum(|l| l.plan_pays));
    }

    #[test]
    fn the_running_out_of_pocket_total_never_passes_the_maximum(plan in plan(), services in services()) {
        let estimate = estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
        let tier = &plan.in_network;
        let mut running = tier.out_of_pocket_met;
        for (line, service) in estimate.lines.iter().zip(&services) {
            if counts_in_network(service) {
                running += line.cost_sharing;
            }
            if let Some(max) = tier.out_of_pocket_max {
                prop_assert!(running <= max, "{:?} passes {:?}", running, max);
            }
        }
        prop_assert_eq!(estimate.after.out_of_pocket_met, running);
        prop_assert!(estimate.after.deductible_met <= tier.deductible);
        prop_assert!(estimate.after.deductible_met >= tier.deductible_met);
    }

    #[test]
    fn raising_allowed_never_lowers_cost_sharing(
        plan in plan(),
        category in category(),
        allowed in money(5_000_000),
        raise in money(1_000_000),
        out in any::<bool>(),
    ) {
        let network = if out { Network::Out } else { Network::In };
        let cost = |allowed: Money| {
            let service = Service { network, billed: Some(allowed + raise), ..Service::with_allowed("s", category, allowed) };
            estimate(&plan, &[service], &[], &EstimateOptions::default()).unwrap().lines[0].cost_sharing
        };
        prop_assert!(cost(allowed + raise) >= cost(allowed));
    }
}

#[test]
fn an_assumption_about_some_lines_names_their_numbers() {
    let plan = Plan::from_json(
        r#"{"inNetwork": {"deductible": "0", "outOfPocketMax": "5000", "coinsurance": "0.1"}}"#,
    )
    .unwrap();
    let protected = |description| Service {
        network: Network::Out,
        protected: true,
        ..service(description, "99204", Category::Specialist, "500", Some("200"))
    };
    let services = [
        protected("Anesthesia"),
        service("Visit", "99213", Category::Office, "100", Some("80")),
        protected("Radiology read"),
    ];
    let estimate = estimate(&plan, &services, &[], &EstimateOptions::default()).unwrap();
    let marked = estimate.assumptions.iter().find(|a| a.text.starts_with("Marked protected")).unwrap();
    assert_eq!(marked.lines, [1, 3], "{marked:?}");
    // In the JSON contract the text stays a string and its lines stand beside it.
    let at = estimate.assumptions.iter().position(|a| a == marked).unwrap();
    let json = serde_json::to_value(&estimate).unwrap();
    assert_eq!(json["assumptions"][at], marked.text.as_str());
    assert_eq!(json["assumptionLines"][at], json!([1, 3]));
}
