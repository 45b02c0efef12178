//! `clearbill prices` run as a user runs it, on the CMS v3.0 examples
//! (tests/data/shared/hpt; the amounts are the README's "facts to check").

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn hpt(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared/hpt").join(name)
}

fn clearbill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbill")).args(args).output().expect("the clearbill binary runs")
}

fn prices_json(file: &str, args: &[&str]) -> Value {
    let path = hpt(file);
    let mut all = vec!["prices", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = clearbill(&all);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn er_level_3_prints_every_field_and_the_median_as_the_amount() {
    let out = prices_json(
        "v3.0/V3.0.0_Tall_CSV_Format_Example.csv",
        &["--code", "99283", "--payer", "platform health", "--plan", "ppo", "--setting", "outpatient"],
    );
    assert_eq!(out["hospital"]["name"], "West Mercy Hospital");
    assert_eq!(out["hospital"]["version"], "3.0.0");
    assert_eq!(out["hospital"]["lastUpdated"], "4/1/2026");
    let matches = out["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1);
    let m = &matches[0];
    for (key, value) in [
        ("row", json!("22")),
        ("code", json!("450")),
        ("codeType", json!("RC")),
        ("description", json!("ER level 3")),
        ("setting", json!("outpatient")),
        ("payer", json!("Platform Health Insurance")),
        ("plan", json!("PPO")),
        ("gross", json!("4000.00")),
        ("discountedCash", json!("3600.00")),
        ("min", Value::Null),
        ("max", Value::Null),
        ("negotiatedDollar", Value::Null),
        ("negotiatedPercentage", json!("80")),
        ("negotiatedAlgorithm", Value::Null),
        ("median", json!("12000.12")),
        ("p10", json!("5123.74")),
        ("p90", json!("16784.22")),
        ("count", json!("299")),
        ("estimatedAmount", Value::Null),
        ("methodology", json!("percent of total billed charges")),
        ("allowedForEstimate", json!("12000.12")),
        ("basis", json!("median_amount")),
    ] {
        assert_eq!(m[key], value, "{key}");
    }
    assert!(m.get("notes").is_some(), "notes is always there, null or text");
}

#[test]
fn json_rows_are_pointers_and_cash_is_a_choice() {
    let out = prices_json(
        "v3.0/v3_json_format_example.json",
        &["--code", "70551", "--payer", "Region", "--plan", "HMO"],
    );
    let m = &out["matches"][0];
    assert_eq!(m["negotiatedDollar"], "250.00");
    assert!(m["row"]
        .as_str()
        .unwrap()
        .starts_with("/standard_charge_information/0/standard_charges/0/payers_information/"));
    let cash =
        prices_json("v3.0/V3.0.0_Wide_CSV_Format_Example.csv", &["--code", "70551", "--payer", "cash"]);
    assert_eq!(cash["matches"].as_array().unwrap().len(), 1);
    assert_eq!(cash["matches"][0]["allowedForEstimate"], "1080.00");
    assert_eq!(cash["matches"][0]["basis"], "discounted_cash");
    assert_eq!(cash["matches"][0]["row"], "4");
}

#[test]
fn text_says_count_zero_in_words() {
    let path = hpt("v3.0/V3.0.0_Tall_CSV_Format_Example.csv");
    let out = clearbill(&[
        "prices",
        path.to_str().unwrap(),
        "--code",
        "001",
        "--payer",
        "region",
        "--format",
        "text",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.starts_with("West Mercy Hospital (template 3.0.0, updated 4/1/2026)"), "{text}");
    assert!(text.contains("row 21: MS-DRG 001 Heart transplant"), "{text}");
    assert!(text.contains("no paid claims"), "{text}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let out = clearbill(&["prices", "no-such-file.csv", "--code", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.csv"));
}
