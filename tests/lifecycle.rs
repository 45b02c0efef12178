//! The generated claim lifecycle (tests/fixtures/lifecycle, made by its generate.py, which
//! works out expected.json on its own): the 837 batch as the charges and the 835 as the
//! payments, through the CLI, to the expected statuses and amounts to the cent (SPEC §11).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lifecycle").join(name)
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("expected.json")).unwrap()).unwrap()
}

fn reconcile_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_clearbill")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_837_and_its_835_reconcile_to_the_expected_statuses() {
    let expected = expected();
    let charges = fixture("batch.837");
    let era = fixture("era.835");
    let report = reconcile_json(&[
        "reconcile",
        "--charges",
        charges.to_str().unwrap(),
        "--payments",
        era.to_str().unwrap(),
        "--as-of",
        expected["asOf"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    let summary = &report["summary"];
    assert_eq!(summary["matchedBy"], "claim+line", "every line carries REF*6R");
    assert_eq!(report["unmatchedPayments"].as_array().unwrap().len(), 0, "{}", report["unmatchedPayments"]);
    assert_eq!(summary["totals"]["billed"], expected["billed"]);
    assert_eq!(summary["totals"]["insurancePaid"], expected["insurancePaid"]);
    assert_eq!(summary["claims"], expected["claims"], "LC0013's replacement stands in for its original");
    let lines = report["lines"].as_array().unwrap();
    assert_eq!(lines.len() as u64, expected["lines"].as_u64().unwrap());

    // Line by line: the REF*6R line control number is the report's line.
    let by_line: BTreeMap<&str, &Value> = lines.iter().map(|l| (l["line"].as_str().unwrap(), l)).collect();
    for want in expected["lineDetail"].as_array().unwrap() {
        let id = want["line"].as_str().unwrap();
        let got = by_line.get(id).unwrap_or_else(|| panic!("line {id} missing"));
        assert_eq!(got["claimId"], want["claim"], "{id}");
        assert_eq!(got["billed"], want["billed"], "{id}");
        assert_eq!(got["insurancePaid"], want["paid"], "{id}");
        assert_eq!(got["balance"], want["balance"], "{id}");
        assert_eq!(got["status"], want["status"], "{id}");
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for l in lines {
        *counts.entry(l["status"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let want: BTreeMap<String, u64> = expected["byStatus"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(counts, want);
    let notes = summary["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("LC0013: the replacement")), "{notes:?}");
}

/// With the 999 and the 277CA, LC0007's lines are `rejected` (the 277CA's A7), the funnel
/// counts it, and the rest is as without them.
#[test]
fn with_the_acknowledgments_the_rejection_and_the_funnel_show() {
    let expected = expected();
    let (charges, era, ack999, ack277) =
        (fixture("batch.837"), fixture("era.835"), fixture("batch.999"), fixture("batch.277"));
    let report = reconcile_json(&[
        "reconcile",
        "--charges",
        charges.to_str().unwrap(),
        "--payments",
        era.to_str().unwrap(),
        "--acks",
        ack999.to_str().unwrap(),
        ack277.to_str().unwrap(),
        "--as-of",
        expected["asOf"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    let lines = report["lines"].as_array().unwrap();
    let by_line: BTreeMap<&str, &Value> = lines.iter().map(|l| (l["line"].as_str().unwrap(), l)).collect();
    for want in expected["lineDetail"].as_array().unwrap() {
        let id = want["line"].as_str().unwrap();
        assert_eq!(by_line[id]["status"], want["statusWithAcks"], "{id}");
    }
    let summary = &report["summary"];
    let funnel = &summary["funnel"];
    for key in ["submitted", "rejected", "accepted", "paid", "denied", "noAnswer"] {
        assert_eq!(funnel[key], expected["funnel"][key], "funnel.{key}: {funnel}");
    }
    assert_eq!(summary["byStatus"]["rejected"]["count"], expected["byStatusWithAcks"]["rejected"]);
    let rejected_work: Vec<&Value> =
        report["worklist"].as_array().unwrap().iter().filter(|w| w["kind"] == "rejected").collect();
    assert_eq!(rejected_work.len(), 1, "one claim to correct and resubmit");
    assert!(rejected_work[0]["action"]
        .as_str()
        .unwrap()
        .contains("correct and resubmit; the filing clock still runs"));
    let notes = summary["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("LC0007") && n.as_str().unwrap().contains("NPI")),
        "{notes:?}"
    );
}

/// The same claims sent as two files (batch-1.837, then batch-2.837 with LC0013's
/// replacement), given together as the charges, reconcile like the one batch: the same funnel,
/// the same statuses and amounts to the cent. The replacement in the second file supersedes the
/// original in the first.
#[test]
fn two_837_files_reconcile_like_one_batch() {
    let expected = expected();
    let files = ["batch-1.837", "batch-2.837", "era.835", "batch.999", "batch.277"].map(fixture);
    let [first, second, era, ack999, ack277] = files.each_ref().map(|p| p.to_str().unwrap());
    let as_of = expected["asOf"].as_str().unwrap();
    // `--charges` repeated, and several files after one `--charges`: the same.
    for charges in [vec!["--charges", first, "--charges", second], vec!["--charges", first, second]] {
        let mut args = vec!["reconcile"];
        args.extend(&charges);
        args.extend(["--payments", era, "--acks", ack999, ack277, "--as-of", as_of, "--format", "json"]);
        let report = reconcile_json(&args);
        let summary = &report["summary"];
        assert_eq!(summary["matchedBy"], "claim+line", "{charges:?}");
        assert_eq!(summary["totals"]["billed"], expected["billed"], "{charges:?}");
        assert_eq!(summary["totals"]["insurancePaid"], expected["insurancePaid"], "{charges:?}");
        assert_eq!(summary["claims"], expected["claims"], "{charges:?}");
        assert_eq!(report["unmatchedPayments"].as_array().unwrap().len(), 0, "{charges:?}");
        for key in ["submitted", "rejected", "accepted", "paid", "denied", "noAnswer"] {
            assert_eq!(summary["funnel"][key], expected["funnel"][key], "funnel.{key} with {charges:?}");
        }
        let lines = report["lines"].as_array().unwrap();
        assert_eq!(lines.len() as u64, expected["lines"].as_u64().unwrap());
        let by_line: BTreeMap<&str, &Value> =
            lines.iter().map(|l| (l["line"].as_str().unwrap(), l)).collect();
        for want in expected["lineDetail"].as_array().unwrap() {
            let id = want["line"].as_str().unwrap();
            let got = by_line.get(id).unwrap_or_else(|| panic!("line {id} missing"));
            assert_eq!(got["billed"], want["billed"], "{id}");
            assert_eq!(got["insurancePaid"], want["paid"], "{id}");
            assert_eq!(got["balance"], want["balance"], "{id}");
            assert_eq!(got["status"], want["statusWithAcks"], "{id}");
        }
        assert_eq!(by_line["LC0013-1"]["code"], "99214", "the replacement's line, not the original's 99215");
        let notes = summary["notes"].as_array().unwrap();
        assert!(
            notes.iter().any(|n| {
                let n = n.as_str().unwrap();
                n.starts_with("batch-2.837: claim LC0013: the replacement")
                    && n.contains("supersedes the claim sent at segment")
                    && n.contains("of batch-1.837 (210.00 → 150.00)")
            }),
            "{notes:?}"
        );
    }
}

/// In the other order the replacement comes before its original: it stands as sent, and so does
/// the original that follows, so LC0013's line is billed twice (150.00 + 210.00). The order
/// given matters.
#[test]
fn the_order_of_the_837_files_is_the_order_they_were_sent() {
    let expected = expected();
    let files = ["batch-2.837", "batch-1.837", "era.835"].map(fixture);
    let [second, first, era] = files.each_ref().map(|p| p.to_str().unwrap());
    let as_of = expected["asOf"].as_str().unwrap();
    let report =
        reconcile_json(&["reconcile", "--charges", second, first, "--payments", era, "--as-of", as_of]);
    let billed: rust_decimal::Decimal = expected["billed"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        report["summary"]["totals"]["billed"],
        format!("{:.2}", billed + rust_decimal::Decimal::from(210))
    );
    let line = report["lines"].as_array().unwrap().iter().find(|l| l["line"] == "LC0013-1").unwrap();
    assert_eq!(line["billed"], "360.00", "{line}");
    let notes = report["summary"]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| {
            let n = n.as_str().unwrap();
            n.starts_with("batch-2.837: claim LC0013: a replacement (segment ")
                && n.ends_with("whose original is not in this file or an earlier one; taken as sent")
        }),
        "{notes:?}"
    );
}

fn reconcile_error(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_clearbill")).args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The same 837 given twice is refused like the same 835 given twice (SPEC §8.5), and a
/// spreadsheet among several charges files is refused with its name.
#[test]
fn the_same_837_twice_or_an_837_with_a_spreadsheet_is_refused() {
    let files = ["batch-1.837", "era.835"].map(fixture);
    let [first, era] = files.each_ref().map(|p| p.to_str().unwrap());
    let copy = std::env::temp_dir().join(format!("clearbill-lifecycle-{}-copy.837", std::process::id()));
    std::fs::copy(first, &copy).unwrap();
    let copy_name = copy.file_name().unwrap().to_str().unwrap().to_string();
    let err = reconcile_error(&["reconcile", "--charges", first, copy.to_str().unwrap(), "--payments", era]);
    assert!(err.contains(&format!("batch-1.837 and {copy_name} are the same file")), "{err}");
    let err = reconcile_error(&["reconcile", "--charges", first, first, "--payments", era]);
    assert!(err.contains("batch-1.837 was chosen twice"), "{err}");

    let sheet = std::env::temp_dir().join(format!("clearbill-lifecycle-{}-charges.csv", std::process::id()));
    std::fs::write(&sheet, "Claim,Code,Date,Billed\nLC0001,99213,2026-03-01,120.00\n").unwrap();
    let sheet_name = sheet.file_name().unwrap().to_str().unwrap().to_string();
    let err = reconcile_error(&["reconcile", "--charges", first, sheet.to_str().unwrap(), "--payments", era]);
    assert!(
        err.contains(&format!("{sheet_name} is not an 837 claim file: several files can be the charges only when each is an 837")),
        "{err}"
    );
    std::fs::remove_file(copy).unwrap();
    std::fs::remove_file(sheet).unwrap();
}
