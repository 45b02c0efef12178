//! Golden test: five practice-export styles (tests/fixtures/exports, see its
//! README), each modelled on a real system's public column lists and layouts,
//! reconciled through the core and through the CLI, must give exactly the
//! report that the fixture generator computed from the cells as written, by
//! SPEC §4 and §8 (`expected.json`), to the cent.
//!
//! Which SPEC §8 rule each file exercises is in the README's table. The
//! scenarios that rely on §8.1 (layouts), §8.2 (claim-number variants) and
//! §8.5 (duplicates) pass once those rules are in the core; every difference is
//! printed, one per line, so that a failure says which rule is missing.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, Options, Report};
use clearbill::table::Limits;
use common::cli::clearbill;
use common::{fixture, read};
use serde_json::Value;

const AS_OF: &str = "2026-11-15";

fn expected() -> Value {
    serde_json::from_slice(&read(&fixture("exports/expected.json"))).unwrap()
}

fn scenario(name: &str) -> Value {
    let e = expected();
    assert_eq!(e["asOf"], AS_OF);
    e["scenarios"][name].clone()
}

/// One input as the scenario gives it: the file (relative to tests/fixtures/exports), the sheet
/// and header row a user picks.
struct Given {
    bytes: Vec<u8>,
    name: String,
    sheet: Option<String>,
    header_row: Option<u32>,
}

impl Given {
    fn of(input: &Value) -> Given {
        let path = input["file"].as_str().unwrap();
        Given {
            bytes: read(&fixture(&format!("exports/{path}"))),
            name: path.rsplit('/').next().unwrap().to_string(),
            sheet: input["sheet"].as_str().map(str::to_string),
            header_row: input["headerRow"].as_u64().map(|r| r as u32),
        }
    }

    fn input(&self) -> FileInput<'_> {
        FileInput {
            bytes: &self.bytes,
            name: &self.name,
            sheet: self.sheet.as_deref(),
            mapping: None,
            header_row: self.header_row,
        }
    }
}

/// The scenario's files reconciled by the core, as of the expected date.
fn run(s: &Value) -> Report {
    let charges = Given::of(&s["inputs"]["charges"]);
    let payments: Vec<Given> = s["inputs"]["payments"].as_array().unwrap().iter().map(Given::of).collect();
    let inputs: Vec<FileInput<'_>> = payments.iter().map(Given::input).collect();
    let options = Options {
        as_of: NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    reconcile_files(
        &[&charges.input()],
        &FileInput::sources(&inputs),
        &[],
        None,
        &options,
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", charges.name))
}

fn text(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

fn sorted(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v.as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default();
    out.sort();
    out
}

/// Every difference between a report (as JSON: from the core or the CLI) and the scenario,
/// as readable lines.
fn differences(got: &Value, s: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let (g, w) = (&got["summary"], &s["summary"]);
    for key in ["mode", "matchedBy", "asOf"] {
        if g[key] != w[key] {
            diffs.push(format!("summary.{key}: got {} want {}", g[key], w[key]));
        }
    }
    // rows: SPEC §7's counts, plus the duplicate postings of §8.5 (absent means none).
    for key in ["charges", "payments", "blank", "skipped", "rejected", "duplicates"] {
        let got_n = g["rows"].get(key).cloned().unwrap_or(Value::from(0));
        if got_n != w["rows"][key] {
            diffs.push(format!("summary.rows.{key}: got {got_n} want {}", w["rows"][key]));
        }
    }
    for (key, want) in w["totals"].as_object().unwrap() {
        if g["totals"][key] != *want {
            diffs.push(format!("summary.totals.{key}: got {} want {want}", g["totals"][key]));
        }
    }
    for (status, want) in w["byStatus"].as_object().unwrap() {
        for field in ["count", "billed", "atStake"] {
            if g["byStatus"][status][field] != want[field] {
                diffs.push(format!(
                    "summary.byStatus.{status}.{field}: got {} want {}",
                    g["byStatus"][status][field], want[field]
                ));
            }
        }
    }
    if g["aging"] != w["aging"] {
        diffs.push(format!("summary.aging: got {} want {}", g["aging"], w["aging"]));
    }
    for key in
        ["grossCollectionRate", "netCollectionRate", "denialRateByAmount", "denialRateByCount", "daysInAR"]
    {
        if g["kpis"][key] != w["kpis"][key] {
            diffs.push(format!("summary.kpis.{key}: got {} want {}", g["kpis"][key], w["kpis"][key]));
        }
    }

    // Lines, found by their first charge row.
    let fields: Vec<&str> = s["lineFields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    let asserted: Vec<&str> =
        s["assertedLineFields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    let by_row: BTreeMap<u64, &Value> = got["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| Some((l["chargeRows"].get(0)?.as_u64()?, l)))
        .collect();
    let want_lines = s["lines"].as_array().unwrap();
    if want_lines.len() != got["lines"].as_array().unwrap().len() {
        diffs.push(format!(
            "lines: got {} want {}",
            got["lines"].as_array().unwrap().len(),
            want_lines.len()
        ));
    }
    for values in want_lines {
        let w: BTreeMap<&str, &Value> = fields.iter().copied().zip(values.as_array().unwrap()).collect();
        let first = w["chargeRows"][0].as_u64().unwrap();
        let Some(line) = by_row.get(&first) else {
            diffs.push(format!("no line starts at charge row {first} (claim {})", w["claimId"]));
            continue;
        };
        for f in &asserted {
            let same = match *f {
                // The rows of several payments files (tabs of one workbook) in any order.
                "paymentRows" => sorted(&line[*f]) == sorted(w[f]),
                _ => line[*f] == *w[f],
            };
            if !same {
                diffs.push(format!(
                    "charge row {first} (claim {}) {f}: got {} want {}",
                    w["claimId"], line[*f], w[f]
                ));
            }
        }
        if sorted(&line["reasonCodes"]) != sorted(w["reasonCodes"]) {
            diffs.push(format!(
                "charge row {first} reasonCodes: got {} want {}",
                line["reasonCodes"], w["reasonCodes"]
            ));
        }
    }

    let listed = |v: &Value, keys: &[&str]| -> Vec<Vec<String>> {
        v.as_array()
            .map(|a| {
                // A file is named as given: a path on the command line, a name in the page.
                let cell = |item: &Value, k: &str| {
                    let t = text(&item[k]);
                    if k == "file" {
                        t.rsplit('/').next().unwrap_or("").to_string()
                    } else {
                        t
                    }
                };
                a.iter().map(|item| keys.iter().map(|k| cell(item, k)).collect()).collect()
            })
            .unwrap_or_default()
    };
    let pairs = [
        ("unmatchedPayments", &["file", "row", "paid"][..]),
        ("duplicates", &["file", "row", "repeats"][..]),
        ("rejected", &["file", "row", "column", "value"][..]),
    ];
    for (key, keys) in pairs {
        let (a, b) = (listed(&got[key], keys), listed(&s[key], keys));
        if a != b {
            diffs.push(format!("{key} ({}): got {a:?} want {b:?}", keys.join(", ")));
        }
    }
    diffs
}

fn assert_same(got: &Value, s: &Value, what: &str) {
    let diffs = differences(got, s);
    assert!(
        diffs.is_empty(),
        "{what}: {} differences from tests/fixtures/exports/expected.json:\n{}",
        diffs.len(),
        diffs.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The core's report for a scenario equals the expected one, and SPEC §4's identities hold.
fn assert_scenario(name: &str) -> Report {
    let s = scenario(name);
    let report = run(&s);
    assert_same(&serde_json::to_value(&report).unwrap(), &s, name);
    let billed: Money = s["accepted"]["billed"].as_str().unwrap().parse().unwrap();
    let paid: Money = s["accepted"]["paid"].as_str().unwrap().parse().unwrap();
    report.check_conservation(billed, paid).unwrap_or_else(|e| panic!("{name}: {e}"));
    report
}

#[test]
fn athena_activity_report_run_for_charges_and_for_the_other_transactions() {
    // Transaction-level rows (several payment, write-off and transfer rows per line), a
    // reversal, a write-off in two identical rows that both count (no check number column:
    // SPEC §8.5), a payment on a charge outside the report's period, and a row that cannot be read.
    assert_scenario("athena");
}

#[test]
fn openemr_collections_report_against_a_remittance_with_clm_prefixed_claim_numbers() {
    // SPEC §8.2: no claim number matches as written; dropping the CLM prefix matches all but one.
    let report = assert_scenario("openemr");
    assert_eq!(scenario("openemr")["claimNumberRule"], "prefix");
    assert_eq!(report.unmatched_payments.len(), 1, "the one claim that is not on the report");
}

#[test]
fn openemr_collections_report_against_two_835s_the_second_repeating_a_month_of_checks() {
    // SPEC §8.5: a check (TRN02 trace number and payer) already read is read once, with a note;
    // the claims of the repeated checks count once.
    let report = assert_scenario("openemr835");
    let repeated = scenario("openemr835")["repeatedChecks"].as_array().unwrap().len();
    assert!(repeated > 0);
    let notes = report.summary.notes.join("\n");
    for check in scenario("openemr835")["repeatedChecks"].as_array().unwrap() {
        let trace = check["trace"].as_str().unwrap();
        assert!(notes.contains(trace), "a note names check {trace}: {notes}");
    }
}

#[test]
fn drchrono_day_sheet_as_charges_and_twice_as_payments_with_other_tabs() {
    // SPEC §8.1 "Several tabs" (Debits; Credits and Adjustments of the same workbook) and
    // "Ambiguous headers" (the Adjustments tab's lone "Adjustment" column is contractual).
    assert_scenario("drchrono");
}

#[test]
fn kareo_grouped_charge_detail_against_a_claim_level_era_export() {
    // SPEC §8.1: two-row header under a merged "Primary", group and "Total for" rows, repeated
    // page headers and "Page N of M", fill-down, "21.00 CR"; SPEC §8.5: one claim posted twice.
    let report = assert_scenario("kareo");
    let s = scenario("kareo");
    assert_eq!(
        report.summary.totals.billed.to_string(),
        s["grandTotal"].as_str().unwrap(),
        "billed equals the charge report's own Grand Total row"
    );
}

#[test]
fn kareo_with_the_header_row_the_user_chose_gives_the_same_report() {
    // SPEC §8.1: the user may pick the header row; picking the row the reader finds changes nothing.
    let mut s = scenario("kareo");
    s["inputs"]["charges"]["headerRow"] = Value::from(6);
    let report = run(&s);
    assert_same(&serde_json::to_value(&report).unwrap(), &s, "kareo, header row 6 chosen");
}

#[test]
fn the_same_export_given_twice_is_refused_naming_both() {
    // SPEC §8.5: identical bytes (and the same sheet) given twice, here a browser's second
    // download of the ERA export, are refused with a message that names both files.
    let charges = read(&fixture("exports/kareo/charge_detail.xlsx"));
    let era = read(&fixture("exports/kareo/era_claims.csv"));
    let payments = [
        FileInput { bytes: &era, name: "era_claims.csv", ..FileInput::default() },
        FileInput { bytes: &era, name: "era_claims (1).csv", ..FileInput::default() },
    ];
    let options = Options {
        as_of: NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    let charges = FileInput { bytes: &charges, name: "charge_detail.xlsx", ..FileInput::default() };
    let refused = reconcile_files(
        &[&charges],
        &FileInput::sources(&payments),
        &[],
        None,
        &options,
        &Limits::default(),
        &mut NoProgress,
    );
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("era_claims.csv") && message.contains("era_claims (1).csv"),
        "refused, naming both files: {message:?}"
    );
}

#[test]
fn no_export_draws_a_sanity_warning() {
    // SPEC §8.2 and §8.6: every style matches most of its payments, collects under 100%, has
    // few overpaid lines and a positive open A/R, so `summary.warnings` is empty.
    for name in ["athena", "openemr", "openemr835", "drchrono", "kareo"] {
        let s = scenario(name);
        let got = serde_json::to_value(run(&s)).unwrap();
        assert_eq!(
            got["summary"]["warnings"], s["summary"]["warnings"],
            "{name}: {}",
            got["summary"]["warnings"]
        );
    }
}

/// `clearbill reconcile` on a scenario's files gives its expected report.
fn assert_cli(name: &str) {
    {
        let s = scenario(name);
        let path = |input: &Value| fixture(&format!("exports/{}", input["file"].as_str().unwrap()));
        let mut args = vec!["reconcile".to_string(), "--charges".into()];
        args.push(path(&s["inputs"]["charges"]).display().to_string());
        for p in s["inputs"]["payments"].as_array().unwrap() {
            args.push("--payments".into());
            args.push(path(p).display().to_string());
        }
        args.extend(["--as-of".into(), AS_OF.into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = clearbill(&args);
        assert_eq!(out.status, Some(0), "{name}: {}", out.stderr);
        assert_same(&out.json(), &s, &format!("{name} (CLI)"));
    }
}

#[test]
fn the_cli_gives_the_expected_report_for_the_athena_activity_report() {
    assert_cli("athena");
}

#[test]
fn the_cli_gives_the_expected_report_for_openemr_its_835s_and_kareo() {
    // The CLI takes no sheet name for reconcile: these are the styles whose files have one sheet.
    assert_cli("openemr");
    assert_cli("openemr835");
    assert_cli("kareo");
}
