//! The command line. `clearbill inspect` maps the headers of a charges export, a remittance
//! export, a single billed+paid A/R export and a fee schedule, in every format
//! (issue 2's "done when"), as the fixture generator intended them.

mod common;

use std::process::Command;

use clearbill::progress::NoProgress;
use common::{fixture, read};
use serde_json::Value;

fn inspect(file: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_clearbill"))
        .args(["inspect", &fixture(&format!("practice/{file}")).display().to_string(), "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_export_maps_its_headers_in_every_format() {
    let expected: Value = serde_json::from_slice(&read(&fixture("practice/expected.json"))).unwrap();
    for table in ["charges", "payments", "ar_single", "fees"] {
        let want = &expected["files"][table];
        for (format, file) in want["files"].as_object().unwrap() {
            let got = inspect(file.as_str().unwrap());
            assert_eq!(got["headerRow"], want["headerRow"], "{file}");
            let roles: Vec<(String, Value)> = got["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["letter"].as_str().unwrap().to_string(), c["role"].clone()))
                .collect();
            let want_roles: Vec<(String, Value)> = want["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["letter"].as_str().unwrap().to_string(), c["role"].clone()))
                .collect();
            assert_eq!(roles, want_roles, "{file} ({format})");
            for c in got["columns"].as_array().unwrap() {
                assert!(
                    c["confidence"].as_u64().unwrap() >= 70,
                    "{file}: {} is a confident guess",
                    c["header"]
                );
            }
            assert_eq!(got["sheet"], want["sheet"][format], "{file}");
        }
    }
}

#[test]
fn the_preview_reads_exports_money_and_dates() {
    // charges.csv: Windows-1252, "$1,234.50", "03/15/2026"; payments.csv: "(12.00)".
    let charges = inspect("charges.csv");
    assert_eq!(charges["format"], "csv");
    assert!(charges["notes"][0].as_str().unwrap().contains("Windows-1252"));
    let first = &charges["preview"][0]["cells"];
    assert_eq!(first[4]["text"], "01/13/2026");
    assert_eq!(first[4]["value"], "2026-01-13");
    assert_eq!(first[10]["value"], "204.00");
    let names: Vec<&str> = charges["preview"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["cells"][2]["text"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Anaïs Moreau"), "{names:?}");

    // Every accounting negative "(12.00)" in the remittance reads as -12.00.
    let bytes = read(&fixture("practice/payments.csv"));
    let table = clearbill::records::load(
        &bytes,
        "payments.csv",
        None,
        None,
        None,
        &Default::default(),
        &mut NoProgress,
    )
    .unwrap();
    let rows = clearbill::records::keep_rows(|each| {
        clearbill::records::read_payments(&table, &mut NoProgress, each)
    })
    .unwrap();
    let paid_col = table.mapping.column(clearbill::columns::Role::Paid).unwrap();
    let mut negatives = 0;
    for row in table.sheet.rows() {
        let text = row.get(paid_col).display();
        if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            let read = rows.rows.iter().find(|r| r.row == row.number).expect("the row was read");
            assert_eq!(read.remit.paid.to_string(), format!("-{inner}"), "row {}", row.number);
            negatives += 1;
        }
    }
    assert!(negatives > 0, "the fixture has accounting negatives in the paid column");
}

fn clearbill(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_clearbill")).args(args).output().unwrap()
}

fn practice(file: &str) -> String {
    fixture(&format!("practice/{file}")).display().to_string()
}

#[test]
fn reconcile_prints_the_report_of_the_spec() {
    // Issue 3's "done when": charges.xlsx, payments.csv, fees.xlsx, as of 2026-11-15.
    let args: Vec<String> =
        ["reconcile", "--charges", &practice("charges.xlsx"), "--payments", &practice("payments.csv")]
            .into_iter()
            .map(String::from)
            .chain(["--fees".into(), practice("fees.xlsx"), "--as-of".into(), "2026-11-15".into()])
            .collect();
    let out = clearbill(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: Value = serde_json::from_slice(&read(&fixture("practice/expected.json"))).unwrap();
    let want = &expected["scenarios"]["matched"]["summary"];
    for key in ["mode", "matchedBy", "byStatus", "aging"] {
        assert_eq!(report["summary"][key], want[key], "{key}");
    }
    assert_eq!(report["summary"]["rows"], want["rows"], "rows");
    assert_eq!(report["summary"]["totals"]["billed"], want["totals"]["billed"]);
    assert_eq!(report["summary"]["kpis"]["daysInAR"], want["kpis"]["daysInAR"]);

    // Single mode: no --payments.
    let out = clearbill(&[
        "reconcile".into(),
        "--charges".into(),
        practice("ar_single.xls"),
        "--as-of".into(),
        "2026-11-15".into(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["summary"]["byStatus"],
        expected["scenarios"]["singleWithoutFees"]["summary"]["byStatus"]
    );
}

#[test]
fn reconcile_exports_csv_and_xlsx_and_reports_errors_on_stderr() {
    let dir = std::env::temp_dir().join(format!("clearbill-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xlsx = dir.join("report.xlsx");
    let base = [
        "reconcile".to_string(),
        "--charges".into(),
        practice("charges.csv"),
        "--payments".into(),
        practice("payments.xlsx"),
    ];
    let mut args = base.to_vec();
    args.extend(["--format".into(), "xlsx".into(), "--out".into(), xlsx.display().to_string()]);
    let out = clearbill(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&xlsx).unwrap();
    let wb = clearbill::table::open(&bytes, "report.xlsx", &Default::default()).unwrap();
    assert_eq!(wb.sheet_names()[1], "Lines");

    let mut args = base.to_vec();
    args.extend(["--format".into(), "csv".into()]);
    let out = clearbill(&args);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("Claim ID,Line,Patient"), "{}", &csv[..80]);
    assert_eq!(csv.lines().count(), 607, "a header and 606 lines");

    let out = clearbill(&["reconcile".into(), "--charges".into(), practice("nope.csv")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.csv"));
    let mut args = base.to_vec();
    args.extend(["--as-of".into(), "11/15/2026".into()]);
    let out = clearbill(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_unmapped_column_is_explained_with_the_flag_that_maps_it() {
    let dir = std::env::temp_dir().join(format!("clearbill-cli-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let charges = dir.join("charges.csv");
    std::fs::write(&charges, "Claim #,Patient,DOS\n1,Ann Lee,01/02/2026\n").unwrap();
    let out = clearbill(&["reconcile".into(), "--charges".into(), charges.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("clearbill: charges.csv: no column is mapped to billed amount, so its rows cannot be read; map one with --map FILE.json"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs `clearbill reconcile` on the practice files with extra flags.
fn reconcile_practice(extra: &[&str]) -> std::process::Output {
    let path = |f: &str| fixture(&format!("practice/{f}")).display().to_string();
    let (charges, payments) = (path("charges.csv"), path("payments.csv"));
    let mut args = vec!["reconcile", "--charges", &charges, "--payments", &payments, "--as-of", "2026-11-15"];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_clearbill")).args(&args).output().unwrap()
}

/// SPEC §8.7: the limits are set per payer on the command line, and the
/// claim-level worklist is a CSV of its own with the claim's columns.
#[test]
fn deadlines_per_payer_and_the_worklist_csv() {
    let json = |extra: &[&str]| -> Value {
        let out = reconcile_practice(extra);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let plain = json(&[]);
    let medicare =
        json(&["--filing-days", "Medicare=365", "--appeal-days", "Medicare=120", "--appeal-days", "30"]);
    let claims = |r: &Value| r["claims"].as_array().unwrap().clone();
    let (before, after) = (claims(&plain), claims(&medicare));
    assert_eq!(before.len(), after.len());
    let day = |v: &Value| chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    let mut changed = 0;
    for (b, a) in before.iter().zip(&after) {
        if b["deadline"].is_null() {
            assert!(a["deadline"].is_null());
            continue;
        }
        let shift = (day(&a["deadline"]) - day(&b["deadline"])).num_days();
        let want = match (b["payer"].as_str(), b["deadlineKind"].as_str()) {
            (Some("Medicare"), Some("filing")) => 365 - 90,
            (Some("Medicare"), Some("appeal")) => 120 - 180,
            (_, Some("appeal")) => 30 - 180,
            _ => 0,
        };
        // A claim whose soonest line changes with the limits may move less; the
        // practice claims have one kind of deadline each.
        assert_eq!(shift, want, "claim {} {} {}", b["claimId"], b["payer"], b["deadlineKind"]);
        changed += usize::from(shift != 0);
    }
    assert!(changed > 0);

    let out = reconcile_practice(&["--format", "csv", "--table", "worklist"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    for h in [
        "Deadline",
        "Claim ID",
        "Patient ID",
        "Payer",
        "First Service Date",
        "Codes",
        "Lines",
        "Billed",
        "At Stake",
        "Age (days)",
        "Status",
        "Reasons",
        "Check Numbers",
        "Action",
    ] {
        assert!(headers.iter().any(|x| x == h), "{h} in {headers:?}");
    }
    assert_eq!(rows.records().count(), plain["worklist"].as_array().unwrap().len());

    let bad = reconcile_practice(&["--filing-days", "Aetna=soon"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--filing-days \"Aetna=soon\""));
}

/// `--format text` is the summary for a terminal (it once printed the JSON):
/// the expected totals and status counts, money as dollars, no JSON.
#[test]
fn reconcile_text_is_the_summary_for_people() {
    let fees = practice("fees.csv");
    let out = reconcile_practice(&["--fees", &fees, "--format", "text"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.trim_start().starts_with('{'), "{text}");
    let expected: Value = serde_json::from_slice(&read(&fixture("practice/expected.json"))).unwrap();
    let want = &expected["scenarios"]["matched"]["summary"];
    let dollars = |v: &Value| {
        let s = v.as_str().unwrap();
        let (whole, cents) = s.split_once('.').unwrap();
        let digits: Vec<char> = whole.chars().collect();
        let mut grouped = String::new();
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(*d);
        }
        format!("${grouped}.{cents}")
    };
    let row = |label: &str| -> Vec<String> {
        let line =
            text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no {label} in\n{text}"));
        line[label.len()..].split_whitespace().map(String::from).collect()
    };
    assert_eq!(row("Billed"), [dollars(&want["totals"]["billed"])]);
    assert_eq!(row("Insurance paid"), [dollars(&want["totals"]["insurancePaid"])]);
    for status in ["paid", "partial", "underpaid", "overpaid", "denied", "unpaid"] {
        let s = &want["byStatus"][status];
        assert_eq!(
            row(&format!("{status} ")),
            [s["count"].to_string(), dollars(&s["billed"]), dollars(&s["atStake"])],
            "{status}"
        );
    }
}

/// The settings are read by the core (`reconcile::options`); the CLI names its flag.
#[test]
fn a_bad_setting_names_its_flag() {
    let charges = practice("charges.csv");
    for (setting, says) in [
        ("--as-of=11/15/2026", "--as-of: \"11/15/2026\" is not a date in the form YYYY-MM-DD"),
        ("--tolerance=-2", "--tolerance: the tolerance cannot be negative"),
    ] {
        let out = clearbill(&["reconcile".into(), "--charges".into(), charges.clone(), setting.into()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(says), "{setting}: {stderr}");
    }
}
