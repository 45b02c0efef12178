//! `clearbill estimate` and `clearbill plan` run as a user runs them, on the
//! fixture files in `tests/fixtures/estimate/` (see the README there).
//!
//! The expected amounts were worked by hand from the plan in `plan.json`:
//! in network, deductible $1,500 with $200 met, out-of-pocket maximum $6,000
//! with $300 met, 20%, office copay $30 before the deductible, ER copay $250
//! before the deductible with coinsurance; out of network, deductible $3,000,
//! 40%, maximum $12,000.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/estimate").join(name)
}

fn clearbill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbill")).args(args).output().expect("the clearbill binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "clearbill failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn estimate_json(services: &str) -> Value {
    let plan = fixture("plan.json");
    let services = fixture(services);
    let out = clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
        "--format",
        "json",
    ]);
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// A file in a fresh temporary directory for this test.
fn temp_file(test: &str, name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clearbill-estimate-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn csv_services_give_the_hand_worked_estimate() {
    let estimate = estimate_json("services.csv");
    // Line by line (patient pays, plan pays):
    // 1 office copay 30 → 30 / 65
    // 2 MRI: deductible 1100 of the 1300 left → 1100 / 0
    // 3 lab: deductible 200, 20% × 60 = 12 → 212 / 48
    // 4 OON specialist: OON deductible 250 + balance bill 150 → 400 / 0
    // 5 ER out of network, protected: copay 250, 20% × 1250 = 250 → 500 / 1000
    // 6 preventive → 0 / 180
    // 7 not covered → 900 / 0
    // 8 PT, allowed estimated as 100% of 220: 20% = 44 → 44 / 176
    let pays: Vec<(&str, &str)> = estimate["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["patientPays"].as_str().unwrap(), l["planPays"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pays,
        [
            ("30.00", "65.00"),
            ("1100.00", "0.00"),
            ("212.00", "48.00"),
            ("400.00", "0.00"),
            ("500.00", "1000.00"),
            ("0.00", "180.00"),
            ("900.00", "0.00"),
            ("44.00", "176.00"),
        ]
    );
    assert_eq!(
        estimate["totals"],
        json!({
            "billed": "7850.00", "allowed": "3605.00", "costSharing": "2136.00", "notCovered": "900.00",
            "balanceBill": "150.00", "patientPays": "3186.00", "planPays": "1469.00"
        })
    );
    // In-network OOP: 300 + 30 + 1100 + 212 + 500 + 44 = 2186 (the OON 250 is separate).
    assert_eq!(
        estimate["after"],
        json!({ "deductibleMet": "1500.00", "outOfPocketMet": "2186.00", "deductibleReached": "yours" })
    );
    let er = &estimate["lines"][4];
    assert_eq!((er["network"].as_str(), er["balanceBill"].as_str()), (Some("out"), Some("0.00")));
    assert!(er["explanation"].as_str().unwrap().contains("No Surprises Act"));
    assert_eq!(estimate["lines"][6]["code"], "15780");
    // SPEC §7's assumptions are strings; the lines each one is about are beside them.
    let assumptions = estimate["assumptions"].as_array().unwrap();
    let therapy = assumptions
        .iter()
        .position(|a| a == "Line 8 (\"Physical therapy\"): no allowed amount was given, so it is estimated as 100% of the billed $220.00: $220.00.")
        .expect("the physical therapy assumption");
    assert_eq!(estimate["assumptionLines"][therapy], json!([8]));
    assert_eq!(estimate["assumptionLines"].as_array().unwrap().len(), assumptions.len());
}

#[test]
fn the_xlsx_written_by_libreoffice_gives_the_same_estimate() {
    assert_eq!(estimate_json("services.xlsx"), estimate_json("services.csv"));
}

#[test]
fn text_output_is_a_table_with_reasons_and_totals() {
    let plan = fixture("plan.json");
    let services = fixture("services.csv");
    let text = stdout(&clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
    ]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("#  Service"), "{text}");
    assert!(lines[0].ends_with("You pay  Plan pays"), "{text}");
    let total = lines.iter().find(|l| l.trim_start().starts_with("Total")).expect("a totals row");
    assert!(total.ends_with("3186.00    1469.00"), "{total}");
    assert!(lines.iter().all(|l| !l.starts_with("1  ") || l.ends_with("30.00      65.00")), "{text}");
    assert!(text.contains(
        "  3. Your deductible had $200.00 left, so you pay the first $200.00; then 20% of the remaining $60.00 is $12.00.\n"
    ));
    assert!(text.contains("After this estimate: deductible met $1,500.00, out-of-pocket met $2,186.00."));
}

#[test]
fn unreadable_cells_fail_with_row_column_and_the_cell_quoted() {
    let plan = fixture("plan.json");
    let services = fixture("bad-services.csv");
    let out =
        clearbill(&["estimate", "--plan", plan.to_str().unwrap(), "--services", services.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad-services.csv: 3 cells cannot be read"), "{err}");
    assert!(err.contains("row 2, column C (\"Billed\"): \"see note\" is not an amount"), "{err}");
    assert!(err.contains("row 3, column B (\"Category\"): \"Dental\" is not a service category"), "{err}");
    assert!(err.contains("row 4, column C (\"Billed\"): \"(50.00)\" is negative"), "{err}");
}

#[test]
fn a_plan_with_a_misspelt_field_is_refused_by_name() {
    let plan = temp_file(
        "misspelt",
        "plan.json",
        r#"{"inNetwork": {"deductible": "500", "deductableMet": "100", "coinsurance": "0.2"}}"#,
    );
    let services = fixture("services.csv");
    let out =
        clearbill(&["estimate", "--plan", plan.to_str().unwrap(), "--services", services.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("plan field inNetwork.deductableMet: unknown field `deductableMet`"), "{err}");
}

#[test]
fn json_services_are_read_too() {
    // Medicare Part B 2026: $300 approved → 286.40; $150 → 30.00.
    let plan = temp_file(
        "json",
        "medicare.json",
        r#"{"inNetwork": {"deductible": "283.00", "outOfPocketMax": null, "coinsurance": "0.20"}}"#,
    );
    let services = temp_file(
        "json",
        "services.json",
        r#"[{"description": "Visit", "category": "Specialist visit", "allowed": "300.00"},
            {"description": "Follow-up", "category": "specialist", "allowed": "150.00"}]"#,
    );
    let out = clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let estimate: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(estimate["totals"]["patientPays"], "316.40");
    assert_eq!(estimate["totals"]["planPays"], "133.60");
}

#[test]
fn plan_prints_the_schedule_contract() {
    // 1000.00 / 3 = 333.33 r 1 cent → the first installment gets it; Jan 31 → Feb 28 → Mar 31.
    let out = clearbill(&[
        "plan",
        "--amount",
        "1,000.00",
        "--months",
        "3",
        "--start",
        "2026-01-31",
        "--format",
        "json",
    ]);
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        plan,
        json!({
            "total": "1000.00",
            "installments": [
                { "date": "2026-01-31", "amount": "333.34" },
                { "date": "2026-02-28", "amount": "333.33" },
                { "date": "2026-03-31", "amount": "333.33" }
            ],
            "payInFull": "1000.00"
        })
    );
}

#[test]
fn plan_text_shows_the_prompt_pay_price() {
    // 5% of 1234.56 = 61.728 → 61.73.
    let text = stdout(&clearbill(&[
        "plan",
        "--amount",
        "1234.56",
        "--months",
        "6",
        "--start",
        "2026-12-01",
        "--discount",
        "5%",
    ]));
    assert!(text.starts_with("$1,234.56 over 6 monthly payments:"), "{text}");
    assert!(text.contains("6  2027-05-01    $205.76\n"), "{text}");
    assert!(text.contains("Pay in full instead: $1,172.83 (you save $61.73)."), "{text}");
}

#[test]
fn plan_refuses_bad_flags_with_a_reason() {
    let out = clearbill(&["plan", "--amount", "100", "--months", "0", "--start", "2026-12-01"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("months must be from 1 to 120"));
    let out = clearbill(&["plan", "--amount", "lots", "--months", "3", "--start", "2026-12-01"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--amount: \"lots\" is not an amount"));
    let out = clearbill(&["plan", "--amount", "100", "--months", "3", "--start", "04/05/2026"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("write it as YYYY-MM-DD"));
}

#[test]
fn a_processed_statement_is_not_re_estimated_and_owes_its_balance() {
    // processed-statement.csv: a practice's statement with the payer's columns.
    // Patient balances 34.00 + 5.60 + 85.00 + 30.00 + 206.40 = 361.00 of 917.00
    // billed; allowed = billed − adjustments = 917.00 − 437.60 = 479.40, of which
    // insurance paid 118.40. With no reason codes the shares go to the deductible
    // first: 1,300.00 was left, so 200 + 361 = 561.00 is met after, and the
    // out-of-pocket met is 300 + 361 = 661.00.
    let estimate = estimate_json("processed-statement.csv");
    let lines = estimate["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 5, "the Total row is left out");
    let owed: Vec<&str> = lines.iter().map(|l| l["patientPays"].as_str().unwrap()).collect();
    assert_eq!(owed, ["34.00", "5.60", "85.00", "30.00", "206.40"]);
    assert!(lines.iter().all(|l| l["processed"] == true && l["balanceBill"] == "0.00"));
    assert_eq!(lines[0]["allowed"], "130.00");
    assert_eq!(lines[0]["deductible"], "34.00");
    assert_eq!(
        lines[0]["explanation"],
        "Your plan already processed this: it allowed $130.00 and paid $96.00; your share is $34.00."
    );
    assert_eq!(
        estimate["totals"],
        json!({
            "billed": "917.00", "allowed": "479.40", "costSharing": "361.00", "notCovered": "0.00",
            "balanceBill": "0.00", "patientPays": "361.00", "planPays": "118.40"
        })
    );
    assert_eq!(estimate["after"], json!({ "deductibleMet": "561.00", "outOfPocketMet": "661.00" }));
    let assumptions: Vec<&str> =
        estimate["assumptions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(
        assumptions.iter().any(|a| a.starts_with("processed-statement.csv: this bill was already processed")
            && a.contains("\"Insurance Paid\", \"Insurance Adjustments\", \"Patient Balance\"")
            && a.ends_with("the columns ignored are \"Provider\"")),
        "{assumptions:?}"
    );
    assert!(assumptions.iter().any(|a| a.starts_with("5 lines were already processed")), "{assumptions:?}");
}

#[test]
fn an_out_of_network_99285_without_a_category_is_protected_emergency_care() {
    // er-99285.csv: "EMERGENCY DEPT VISIT", 99285, billed 1,960.00, allowed 760.00,
    // out of network, no category. As emergency care it takes the in-network ER
    // copay 250.00, then 510.00 of the 1,300.00 deductible left: 760.00, and no
    // balance bill (without protection it would be 760.00 + 1,200.00).
    let estimate = estimate_json("er-99285.csv");
    let line = &estimate["lines"][0];
    assert_eq!(line["category"], "emergency");
    assert_eq!(
        (line["copay"].as_str(), line["deductible"].as_str(), line["balanceBill"].as_str()),
        (Some("250.00"), Some("510.00"), Some("0.00"))
    );
    assert_eq!(estimate["totals"]["patientPays"], "760.00");
    assert!(line["explanation"].as_str().unwrap().contains("No Surprises Act"));
    assert!(!line["explanation"].as_str().unwrap().contains("difference between the billed"));
}

#[test]
fn an_aggregate_family_deductible_counts_only_the_family_amount() {
    // plan-aggregate.json: individual deductible 1,500.00 (0 met) but an aggregate family
    // deductible of 4,000.00 with 1,000.00 met, so 3,000.00 is left; 20%. family-visits.csv:
    // MRI allowed 2,000.00 → all to the deductible: 2,000.00 (an embedded deductible would
    // stop at 1,500.00 and give 1,600.00). Then therapy allowed 1,200.00: the family's last
    // 1,000.00, and 20% of 200.00 = 40.00 → 1,040.00, plan 160.00. Total 3,040.00.
    let plan = fixture("plan-aggregate.json");
    let services = fixture("family-visits.csv");
    let out = clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let estimate: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let lines = estimate["lines"].as_array().unwrap();
    let pays: Vec<(&str, &str)> =
        lines.iter().map(|l| (l["patientPays"].as_str().unwrap(), l["planPays"].as_str().unwrap())).collect();
    assert_eq!(pays, [("2000.00", "0.00"), ("1040.00", "160.00")]);
    assert_eq!(estimate["totals"]["patientPays"], "3040.00");
    assert_eq!(
        lines[1]["explanation"],
        "Your family deductible had $1,000.00 left, so you pay the first $1,000.00; then 20% of the remaining \
         $200.00 is $40.00."
    );
}

#[test]
fn a_drug_deductible_takes_the_drug_lines_and_leaves_the_medical_deductible_alone() {
    // plan-drug.json: medical deductible 1,000.00 (0 met); drug deductible 250.00 (50.00 met);
    // 20%. drugs.csv: inhaler allowed 300.00 → the drug deductible's 200.00 left + 20% of
    // 100.00 = 220.00; office visit allowed 300.00 → all toward the medical deductible;
    // statin allowed 100.00 → the drug deductible is met: 20% = 20.00. Total 540.00, and the
    // medical deductible met after is only the visit's 300.00.
    let plan = fixture("plan-drug.json");
    let services = fixture("drugs.csv");
    let out = clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let estimate: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let pays: Vec<&str> =
        estimate["lines"].as_array().unwrap().iter().map(|l| l["patientPays"].as_str().unwrap()).collect();
    assert_eq!(pays, ["220.00", "300.00", "20.00"]);
    assert_eq!(estimate["totals"]["patientPays"], "540.00");
    assert_eq!(estimate["after"], json!({ "deductibleMet": "300.00", "outOfPocketMet": "540.00" }));
    assert!(estimate["lines"][0]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Your drug deductible had $200.00 left"));
}

#[test]
fn an_x_ray_is_a_diagnostic_test_and_an_mri_advanced_imaging_with_their_own_copays() {
    // plan-sbc.json: copays diagnostic test 40.00, imaging (CT, MRI, PET) 250.00, mental
    // health 20.00, all before the deductible. imaging.csv calls the x-ray (71046) and the
    // MRI (70551) "Imaging": the codes place them, so the x-ray (allowed 120.00) pays 40.00,
    // not the MRI's 250.00, and the MRI (allowed 900.00) pays 250.00. The therapy session
    // (90837, no category) is mental health: 20.00.
    let plan = fixture("plan-sbc.json");
    let services = fixture("imaging.csv");
    let out = clearbill(&[
        "estimate",
        "--plan",
        plan.to_str().unwrap(),
        "--services",
        services.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let estimate: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let lines = estimate["lines"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["category"].as_str().unwrap(),
                l["copay"].as_str().unwrap(),
                l["patientPays"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("diagnostic_test", "40.00", "40.00"),
            ("imaging_advanced", "250.00", "250.00"),
            ("mental_health", "20.00", "20.00"),
        ]
    );
    assert_eq!(estimate["totals"]["patientPays"], "310.00");
}

#[test]
fn gfe_finds_the_provider_400_00_over_and_not_the_one_399_99_over() {
    // gfe.csv / gfe-bill.csv: Lakeside Imaging 1,200.00 → 1,600.00 (+400.00: may dispute);
    // Dr. Okafor 500.00 → 899.99 (+399.99: may not), whose 36415 was not on the estimate.
    // Bill dated 2026-11-30: the deadline is 2027-03-30, 115 days after 2026-12-05.
    let (estimate, bill) = (fixture("gfe.csv"), fixture("gfe-bill.csv"));
    let args = |format: &'static str| {
        clearbill(&[
            "gfe",
            "--estimate",
            estimate.to_str().unwrap(),
            "--bill",
            bill.to_str().unwrap(),
            "--bill-date",
            "2026-11-30",
            "--as-of",
            "2026-12-05",
            "--format",
            format,
        ])
    };
    let answer: Value = serde_json::from_str(&stdout(&args("json"))).unwrap();
    assert_eq!(
        answer,
        json!({
            "providers": [
                { "provider": "LAKESIDE IMAGING", "estimate": "1200.00", "billed": "1600.00",
                  "difference": "400.00", "overByAtLeast400": true, "notOnEstimate": [] },
                { "provider": "Dr Okafor", "estimate": "500.00", "billed": "899.99",
                  "difference": "399.99", "overByAtLeast400": false,
                  "notOnEstimate": [{ "provider": "Dr Okafor", "description": "Venipuncture",
                                      "code": "36415", "amount": "399.99" }] }
            ],
            "eligible": true, "deadline": "2027-03-30", "daysLeft": 115
        })
    );
    let text = stdout(&args("text"));
    assert!(text.contains("LAKESIDE IMAGING: estimated $1,200.00, billed $1,600.00, difference $400.00 ($400.00 or more over the estimate)"), "{text}");
    assert!(text.contains("until 2027-03-30 (115 days left)"), "{text}");
}
