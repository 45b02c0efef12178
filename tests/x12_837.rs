//! Every 837 sample in the shared data reads, with its claim and line counts and totals.
//!
//! The expected figures were worked out from the segments themselves, not from the reader:
//! split each file at `~`, count the `CLM` and `SV1` segments, and add up CLM02 (the claim
//! total) and SV102 (the line charge) by hand (see each test's comment).

use std::path::PathBuf;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::x12::{self, ClaimForm, FindingKind};

/// The vendored copy of the shared corpus (`tests/data/shared`).
fn data(path: &str) -> Option<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared/x12-837").join(path);
    Some(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

/// TR3 example 1: one CLM `26463774*100.00`, four SV1 of 40 + 15 + 35 + 10 = 100.00, lines 1–2 on
/// 2006-10-03 and 3–4 on 2006-10-10; the patient is NM1*QC SMITH TED (HL 23), the payer
/// NM1*PR KEY INSURANCE COMPANY, the subscriber's member id JS00111223333.
#[test]
fn tr3_example_1() {
    let Some(bytes) = data("LinuxForHealth__x12/demo.example1.837") else { return };
    let batch = x12::parse_837(&bytes).unwrap();
    assert_eq!((batch.interchanges, batch.transactions), (1, 1));
    assert_eq!(batch.claims.len(), 1);
    assert_eq!(batch.line_count(), 4);
    let c = &batch.claims[0];
    assert_eq!(c.id, "26463774");
    assert_eq!(c.form, ClaimForm::Professional);
    assert_eq!(c.total, m("100.00"));
    assert_eq!(c.line_total(), m("100.00"));
    assert_eq!(c.patient.as_deref(), Some("SMITH, TED"));
    assert_eq!(c.payer.as_deref(), Some("KEY INSURANCE COMPANY"));
    assert_eq!(c.member_id.as_deref(), Some("JS00111223333"));
    let codes: Vec<_> = c.lines.iter().map(|l| l.code.clone().unwrap()).collect();
    assert_eq!(codes, ["99213", "87070", "99214", "86663"]);
    assert_eq!(c.lines[0].service_date, NaiveDate::from_ymd_opt(2006, 10, 3));
    assert_eq!(c.lines[3].service_date, NaiveDate::from_ymd_opt(2006, 10, 10));
    assert!(batch.findings.is_empty(), "{:?}", batch.findings);
}

/// COB example 3A: one CLM `26407789*79.04`, three SV1 adding up to 79.04.
#[test]
fn cob_example_3a() {
    let Some(bytes) = data("LinuxForHealth__x12/demo.cob.example3.A.837") else { return };
    let batch = x12::parse_837(&bytes).unwrap();
    assert_eq!(batch.claims.len(), 1);
    assert_eq!(batch.claims[0].id, "26407789");
    assert_eq!(batch.line_count(), 3);
    assert_eq!(batch.total(), m("79.04"));
    assert_eq!(batch.claims[0].line_total(), m("79.04"));
    assert!(batch.findings.is_empty(), "{:?}", batch.findings);
}

/// moov-io's 837P: 8 CLM, 11 SV1; CLM02 553.96 + 174 × 6 + 174 = 1,771.96 and the SV1 charges
/// (31.96 + 174 × 10) add to the same. Component separator `<`. Claim 1029353-03 is sent twice
/// as an original under two subscribers: both stand.
#[test]
fn moov_sample() {
    let Some(bytes) = data("moov-io__x12/example_5010_837p/sample.txt") else { return };
    let batch = x12::parse_837(&bytes).unwrap();
    assert_eq!(batch.claims.len(), 8);
    assert_eq!(batch.line_count(), 11);
    assert_eq!(batch.total(), m("1771.96"));
    let lines: Money = batch.claims.iter().map(|c| c.line_total()).sum();
    assert_eq!(lines, m("1771.96"));
    let first = &batch.claims[0];
    assert_eq!((first.id.as_str(), first.total), ("1029353-03", m("553.96")));
    assert_eq!(first.lines[1].units.to_string(), "3");
    assert_eq!(first.patient.as_deref(), Some("SMITH, JOHN"), "no HL 23: the subscriber is the patient");
    assert_eq!(first.payer.as_deref(), Some("BLUE CROSS"));
    assert_eq!(batch.claims[1].payer.as_deref(), Some("AMERIGROUP/MDGA MANAGED CARE"));
    assert!(batch.findings.is_empty(), "{:?}", batch.findings);
}

/// imsweb's complex 837P: 2 ST, 6 CLM of 500 each (3,000) and 10 SV1 whose charges add to only
/// 124.76, so every claim is reported as not adding up.
#[test]
fn imsweb_complex() {
    let Some(bytes) = data("imsweb__x12-parser/x12_complex.txt") else { return };
    let batch = x12::parse_837(&bytes).unwrap();
    assert_eq!(batch.transactions, 2);
    assert_eq!(batch.claims.len(), 6);
    assert_eq!(batch.line_count(), 10);
    assert_eq!(batch.total(), m("3000.00"));
    let lines: Money = batch.claims.iter().map(|c| c.line_total()).sum();
    assert_eq!(lines, m("124.76"));
    let unbalanced = batch.findings.iter().filter(|f| f.kind == FindingKind::Unbalanced).count();
    assert_eq!(unbalanced, 6);
    let first = &batch.claims[0];
    assert_eq!(first.lines[0].modifiers, ["25"]);
    assert_eq!(first.payer.as_deref(), Some("HEALTH INSURANCE COMPANY"), "2330B payers are not the claim's");
    assert_eq!(batch.claims[1].patient.as_deref(), Some("JONES, STEVEN"), "HL 23's NM1*QC");
}

/// imsweb's volume test: 820 CLM of 500 (410,000) with one SV1 each (10,045 in all), under only
/// two claim ids; all originals, so all stand.
#[test]
fn imsweb_many_claims() {
    let Some(bytes) = data("imsweb__x12-parser/x12_many_claims.txt") else { return };
    let batch = x12::parse_837(&bytes).unwrap();
    assert_eq!(batch.claims.len(), 820);
    assert_eq!(batch.line_count(), 820);
    assert_eq!(batch.total(), m("410000.00"));
    let lines: Money = batch.claims.iter().map(|c| c.line_total()).sum();
    assert_eq!(lines, m("10045.00"));
    let ids: std::collections::BTreeSet<&str> = batch.claims.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["A37YH556", "A37YH667"]);
}

#[test]
fn an_835_is_not_a_claim_file() {
    let err = x12::parse_837(b"ST*835*1~BPR*I*0*C*NON~SE*3*1~").unwrap_err();
    assert_eq!(err.to_string(), "this is an X12 835 (remittance) file, not an 837 claim file");
}

fn ack(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// SOURCES.md: the rejected eMedNY 277CA has one claim, PCN 3920394930203, `STC*A7|562|85`,
/// though its STC03 says WQ and its 2200B totals count it as accepted: the category decides.
#[test]
fn the_277ca_samples_accept_and_reject_by_category() {
    let rejected = x12::parse_acks(&ack(
        "x12-277/Project-Herophilus__Project-Herophilus-Assets/277CA Sample (Rejected).txt",
    ))
    .unwrap();
    assert_eq!(rejected.claims.len(), 1);
    let c = &rejected.claims[0];
    assert_eq!((c.claim_id.as_str(), c.category.as_str(), c.status.as_str()), ("3920394930203", "A7", "562"));
    assert!(c.rejected());
    assert_eq!(c.amount, Some(m("199.14")));
    assert!(c.reason().contains("National Provider Identifier"), "{}", c.reason());

    let accepted = x12::parse_acks(&ack("x12-277/imsweb__x12-parser/x12_277CA_accepted.txt")).unwrap();
    assert_eq!(accepted.claims.len(), 1);
    assert_eq!((accepted.claims[0].claim_id.as_str(), accepted.claims[0].category.as_str()), ("5781", "A2"));
    assert!(!accepted.claims[0].rejected());
}

/// The X212 277s are claim status responses, not acknowledgments: refused, saying so.
#[test]
fn other_277s_are_not_acknowledgments() {
    for path in
        ["x12-277/imsweb__x12-parser/x12_277_x212.txt", "x12-277/LinuxForHealth__x12/claim-level-status.277"]
    {
        let err = x12::parse_acks(&ack(path)).unwrap_err().to_string();
        assert!(err.contains("not a 277CA acknowledgment"), "{path}: {err}");
    }
}

/// SOURCES.md: the TR3 999 answers three 837 sets: 0001 accepted (IK5 A), 0002 and 0003
/// rejected (IK5 R); imsweb's "accepted_ta1" 999 in fact rejects its 837 (IK5 R).
#[test]
fn the_999_samples_accept_and_reject_sets() {
    let tr3 = x12::parse_acks(&ack(
        "x12-999/irobayna__stupidedi/X231A1/pass/response-to-functional-group-containing-3-837s.edi",
    ))
    .unwrap();
    let answers: Vec<(&str, bool)> =
        tr3.sets.iter().map(|s| (s.control_number.as_str(), s.rejected())).collect();
    assert_eq!(answers, [("0001", false), ("0002", true), ("0003", true)]);
    let ta1 = x12::parse_acks(&ack("x12-999/imsweb__x12-parser/x12_999_accepted_ta1.txt")).unwrap();
    assert_eq!(ta1.sets.len(), 1);
    assert!(ta1.sets[0].rejected());
}
