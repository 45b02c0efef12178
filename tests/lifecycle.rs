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
