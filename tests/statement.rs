//! `clearbill statement` (SPEC §9.5): the patient's account from a charges
//! and a payments file, as JSON, text and a printable HTML page.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::fixture;
use serde_json::Value;

/// A temporary folder with the files of one test.
fn folder(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clearbill-statement-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn statement(charges: &PathBuf, payments: &PathBuf, patient: &str, format: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clearbill"))
        .args(["statement", "--charges"])
        .arg(charges)
        .arg("--payments")
        .arg(payments)
        .args(["--patient", patient, "--as-of", "2026-11-15", "--format", format])
        .args(["--practice", "Maple <Street> & Co"])
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// SPEC §8.3's example (billed 100; primary pays 56, CO-45 30, PR-2 14;
/// secondary pays 14, CO-23 86, PR 0) after the patient paid a $20 copay at
/// the desk, and a second visit whose $35 coinsurance she has not paid.
const CHARGES: &str = "Claim #,MRN,Patient,DOS,CPT,Charges,Payer\n\
    5001,004417,\"Nguyễn, Thị Hoa\",2026-09-01,99213,100.00,Aetna\n\
    5002,004417,\"Nguyễn, Thị Hoa\",2026-10-01,99214,180.00,Aetna\n\
    5003,12,<b>Eve</b> Stone,2026-10-02,99212,60.00,Aetna\n";
const PAYMENTS: &str = "Claim #,CPT,Paid,Contractual,Coinsurance,Patient Resp,Paid By,Adj Reason\n\
    5001,99213,56.00,30.00,14.00,14.00,Primary,CO-45 PR-2\n\
    5001,99213,14.00,86.00,,0.00,Secondary,CO-23\n\
    5001,99213,20.00,,,,Patient,\n\
    5002,99214,105.00,40.00,35.00,35.00,Primary,CO-45 PR-2\n\
    5003,99212,0.00,20.00,,40.00,Primary,CO-45 PR-1\n";

#[test]
fn a_secondary_payer_and_a_patient_payment_give_the_right_amount_due() {
    let dir = folder("secondary", &[("charges.csv", CHARGES), ("payments.csv", PAYMENTS)]);
    let (c, p) = (dir.join("charges.csv"), dir.join("payments.csv"));
    let (ok, json, err) = statement(&c, &p, "hoa nguyen thi", "json");
    assert!(ok, "{err}");
    let a: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(a["patient"]["name"], "Nguyễn, Thị Hoa");
    assert_eq!(a["patient"]["id"], "004417");
    assert_eq!(a["asOf"], "2026-11-15");
    let first = &a["lines"][0];
    // The secondary's PR 0 replaces the primary's 14: the desk copay is a credit.
    for (field, want) in [
        ("billed", "100.00"),
        ("insurancePaid", "70.00"),
        ("adjustments", "30.00"),
        ("patientResponsibility", "0.00"),
        ("patientPaid", "20.00"),
        ("patientBalance", "-20.00"),
    ] {
        assert_eq!(first[field], want, "{field}");
    }
    let t = &a["totals"];
    for (field, want) in [
        ("billed", "280.00"),
        ("insurancePaid", "175.00"),
        ("adjustments", "70.00"),
        ("patientResponsibility", "35.00"),
        ("patientPaid", "20.00"),
        ("amountDue", "15.00"),
        ("refundDue", "0.00"),
    ] {
        assert_eq!(t[field], want, "totals.{field}");
    }
    // Every way of naming her gives the same statement.
    for q in ["4417", "004417", "NGUYEN, THI HOA", "Nguyễn Thị Hoa", "5002"] {
        let (ok, again, err) = statement(&c, &p, q, "json");
        assert!(ok, "{q}: {err}");
        assert_eq!(again, json, "{q}");
    }
    let (ok, text, _) = statement(&c, &p, "4417", "text");
    assert!(ok);
    assert!(text.contains("Amount due: $15.00 by 2026-12-15"), "{text}");
}

#[test]
fn the_html_statement_is_printable_escaped_and_has_no_script() {
    let dir = folder("html", &[("charges.csv", CHARGES), ("payments.csv", PAYMENTS)]);
    let (c, p) = (dir.join("charges.csv"), dir.join("payments.csv"));
    let (ok, html, err) = statement(&c, &p, "eve stone", "html");
    assert!(ok, "{err}");
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.to_lowercase().contains("<script"), "no scripts");
    assert!(!html.contains("<b>Eve"), "a cell never becomes markup");
    assert!(html.contains("&lt;b&gt;Eve&lt;/b&gt; Stone"));
    assert!(html.contains("Maple &lt;Street&gt; &amp; Co"));
    assert!(html.contains("Amount due: $40.00 by 2026-12-15"));
    assert!(html.contains("Your plan applied $40.00 to your deductible."), "PR-1 with no parts is not split");
    assert!(html.contains("@media print"));
}

#[test]
fn a_patient_not_found_or_found_twice_is_a_clear_error() {
    let dir = folder("errors", &[("charges.csv", CHARGES), ("payments.csv", PAYMENTS)]);
    let (c, p) = (dir.join("charges.csv"), dir.join("payments.csv"));
    let (ok, _, err) = statement(&c, &p, "nobody", "json");
    assert!(!ok);
    assert!(err.contains("no patient matches \"nobody\""), "{err}");
    let practice = fixture("practice");
    let (ok, json, err) =
        statement(&practice.join("charges.csv"), &practice.join("payments.csv"), "MOREAU, ANAÏS", "json");
    assert!(ok, "{err}");
    let a: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(a["patient"]["id"], "0081504", "the practice sample's Anaïs Moreau");
}
