//! The X12 835 reader against every real 835 and 837 in `shared/data`, checked against the
//! "Facts to check" in `shared/data/SOURCES.md` (the numbers there are the oracles).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::x12::{
    self, AdjustmentGroup, Claim, ClaimStatus, FindingKind, PaymentHandling, ProviderAdjustmentReason,
    RemitLineKind, Remittance, Severity, X12Error,
};

/// The vendored copy of the shared corpus (`tests/data/shared`, see its README).
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared")
}

fn read(relative: &str) -> Vec<u8> {
    let path = data_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sample(relative: &str) -> Remittance {
    x12::parse(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn all_835s() -> Vec<(String, Remittance)> {
    let root = data_dir().join("x12-835");
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let remittance = x12::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, remittance)
        })
        .collect()
}

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

fn claims(r: &Remittance) -> Vec<&Claim> {
    r.transactions.iter().flat_map(|t| &t.claims).collect()
}

fn unbalanced_messages(r: &Remittance) -> Vec<String> {
    r.all_findings()
        .into_iter()
        .filter(|f| f.kind == FindingKind::Unbalanced)
        .map(|f| f.message.clone())
        .collect()
}

const MEDICARE_A: &str = "x12-835/LinuxForHealth__x12/medicare-part-a.835";
const MEDICARE_A_PROSE: &str = "x12-835/irobayna__stupidedi/X221/case/1.edi";
const MULTIPLE_CLAIMS: &str = "x12-835/irobayna__stupidedi/X221A1/pass/multiple-claims-single-check.edi";
const MOOV_1: &str = "x12-835/moov-io__x12/example_5010_835/sample1.txt";
const MOOV_2: &str = "x12-835/moov-io__x12/example_5010_835/sample2.txt";
const SIMPLE_4010: &str = "x12-835/azoner__pyx12/835_simple.txt";
const CASE_3A: &str = "x12-835/irobayna__stupidedi/X221/case/3a.edi";
const SECONDARY: &str = "x12-835/LinuxForHealth__x12/secondary-payment.835";
const TERTIARY: &str = "x12-835/LinuxForHealth__x12/tertiary-payment.835";
const TIGER_4010: &str = "x12-835/jdavisp3__TigerShark/835-example.txt";
const TIGER_4010_TWO: &str = "x12-835/jdavisp3__TigerShark/835-example-2.txt";
const TIGER_DENTAL: &str = "x12-835/jdavisp3__TigerShark/5010-835-example-1.txt";
const UHC: &str = "x12-835/keironstoddart__edi-835-parser/united_healthcare_legacy_sample.txt";
const BLUE_CROSS: &str = "x12-835/keironstoddart__edi-835-parser/blue_cross_nc_sample.txt";
const PROFEE: &str = "x12-835/tastypackets__x12-parser/profee-multiple.edi";
const LAB_4010: &str = "x12-835/irobayna__stupidedi/X091A1/case/1.edi";
const MULT_LOOPS: &str = "x12-835/azoner__pyx12/835_mult_loops.txt";
const COB: &str = "x12-835/LinuxForHealth__x12/cob-contractural-adjustment.835";

#[test]
fn every_835_sample_loads() {
    let all = all_835s();
    assert_eq!(all.len(), 24, "SOURCES.md lists 24 files under x12-835/");
    for (name, remittance) in &all {
        assert!(!remittance.transactions.is_empty(), "{name}");
        assert!(remittance.claim_count() > 0, "{name}");
        let summary = x12::summary_text(remittance);
        assert!(summary.starts_with("X12 835 remittance:"), "{name}");
    }
}

#[test]
fn remit_lines_conserve_every_claims_paid_and_billed_amounts() {
    for (name, remittance) in all_835s() {
        let lines = x12::remit_lines(&remittance);
        let paid: Money = lines.iter().map(|l| l.paid).sum();
        let claims_paid: Money = claims(&remittance).iter().map(|c| c.paid).sum();
        assert_eq!(paid, claims_paid, "{name}: Σ RemitLine.paid = Σ CLP04");
        let billed: Money = lines.iter().map(|l| l.billed).sum();
        let charged: Money = claims(&remittance).iter().map(|c| c.charge).sum();
        assert_eq!(billed, charged, "{name}: Σ RemitLine.billed = Σ CLP03");
        // Per claim too: a claim's rows are those between its CLP and the next claim's CLP.
        let claims = claims(&remittance);
        for (index, claim) in claims.iter().enumerate() {
            let end = claims.get(index + 1).map_or(usize::MAX, |next| next.segment);
            let rows: Vec<_> = lines.iter().filter(|l| (claim.segment..end).contains(&l.segment)).collect();
            assert!(rows.iter().all(|r| r.claim_id == claim.patient_control_number), "{name}");
            let paid: Money = rows.iter().map(|r| r.paid).sum();
            let billed: Money = rows.iter().map(|r| r.billed).sum();
            assert_eq!(
                (paid, billed),
                (claim.paid, claim.charge),
                "{name}: claim at segment {}",
                claim.segment
            );
        }
    }
}

#[test]
fn fact_1_nine_claims_with_one_claim_id_sum_to_the_check() {
    let r = sample(MULTIPLE_CLAIMS);
    let claims = claims(&r);
    assert_eq!(claims.len(), 9);
    assert!(claims.iter().all(|c| c.patient_control_number == "7722337"));
    let paid: Vec<Money> = claims.iter().map(|c| c.paid).collect();
    let expected: Vec<Money> =
        ["132", "74", "108", "14", "16.8", "132", "108", "82", "144"].iter().map(|s| m(s)).collect();
    assert_eq!(paid, expected);
    assert_eq!(r.transactions[0].payment.amount, Some(m("810.80")));
    assert_eq!(r.transactions[0].claims_paid(), m("810.80"));
    assert_eq!(unbalanced_messages(&r), Vec::<String>::new());
    let lines: usize = claims.iter().map(|c| c.services.len()).sum();
    assert_eq!(lines, 33);
}

#[test]
fn fact_2_negative_provider_adjustment_completes_the_medicare_payment() {
    for file in [MEDICARE_A, MEDICARE_A_PROSE] {
        let r = sample(file);
        let tx = &r.transactions[0];
        assert_eq!(tx.claims_paid(), m("149998.73"), "{file}");
        assert_eq!(tx.provider_adjustments.len(), 1, "{file}");
        let plb = &tx.provider_adjustments[0];
        assert_eq!(plb.amount, m("-1.27"), "{file}");
        assert_eq!(plb.reason, ProviderAdjustmentReason::CapitalPassthrough, "{file}");
        assert_eq!(plb.reference.as_deref(), Some("CP"), "{file}");
        assert_eq!(plb.fiscal_period_end, NaiveDate::from_ymd_opt(2002, 12, 31), "{file}");
        assert_eq!(tx.payment.amount, Some(m("150000.00")), "{file}");
        assert_eq!(unbalanced_messages(&r), Vec::<String>::new(), "{file}");
        // Institutional claims without service lines become one whole-claim row each.
        let lines = x12::remit_lines(&r);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.kind == RemitLineKind::WholeClaim && l.code.is_none()));
        assert_eq!(lines[0].contractual, m("73348.57"));
        assert_eq!(lines[0].reason_codes, ["CO-45"]);
    }
}

#[test]
fn fact_3_two_notification_transactions_first_claim_off_by_a_cent() {
    let r = sample(MOOV_1);
    assert_eq!(r.transactions.len(), 2);
    let amounts: Vec<_> = r.transactions.iter().map(|t| t.payment.amount).collect();
    assert_eq!(amounts, [Some(m("-6173.50")), Some(m("-6173.40"))]);
    for tx in &r.transactions {
        assert_eq!(tx.payment.handling, Some(PaymentHandling::NotificationOnly));
        assert_eq!(tx.claims_paid(), Money::ZERO);
        assert_eq!(tx.claims[0].status, ClaimStatus::Denied);
        let plb = &tx.provider_adjustments[0];
        assert_eq!(plb.reason, ProviderAdjustmentReason::LateCharge);
        assert_eq!(plb.provider_id, "NPI Number");
        assert_eq!(Some(-plb.amount), tx.payment.amount, "PLB 50 carries the whole amount");
        assert!(tx.findings.iter().all(|f| f.kind != FindingKind::Unbalanced), "{:?}", tx.findings);
    }
    let first = &r.transactions[0].claims[0];
    let messages: Vec<_> = first.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["claim 9999999: charge 385.21 − adjustments 385.20 = 0.01, but the payer paid 0.00 (off by 0.01)"]
    );
    assert_eq!(first.findings[0].segment, 18);
    assert_eq!(first.findings[0].transaction_segment, Some(16));
    assert!(r.transactions[1].claims[0].findings.is_empty());
}

#[test]
fn fact_4_reversal_and_correction_net_and_the_4010_payment_does_not_balance() {
    let r = sample(SIMPLE_4010);
    let tx = &r.transactions[0];
    assert_eq!(tx.version.as_deref(), Some("004010X091A1"));
    assert_eq!(tx.claims_paid(), m("-510.25"));
    assert_eq!(tx.provider_adjustments_total(), m("-977.94"));
    let plb: Vec<_> = tx.provider_adjustments.iter().map(|p| p.amount).collect();
    assert_eq!(plb, [m("-1008.10"), m("24.21"), m("5.95")]);
    assert_eq!(tx.payment.amount, Some(m("5950.21")));
    let unbalanced: Vec<_> =
        tx.findings.iter().filter(|f| f.kind == FindingKind::Unbalanced).map(|f| f.message.clone()).collect();
    assert_eq!(
        unbalanced,
        ["payment 0004926: the payer paid 5950.21 in total, but claims paid -510.25 − provider adjustments -977.94 = 467.69 (off by 5482.52)"]
    );
    // The reversal comes first, negative, then the correction.
    let statuses: Vec<_> =
        tx.claims.iter().map(|c| (c.patient_control_number.as_str(), c.status.clone())).collect();
    assert_eq!(
        statuses,
        [
            ("123839-24635", ClaimStatus::Reversal),
            ("123839-24635", ClaimStatus::ProcessedAsPrimary),
            ("134158-27488", ClaimStatus::Reversal)
        ]
    );
    assert_eq!((tx.claims[0].charge, tx.claims[0].paid), (m("-310"), m("-210")));
    assert_eq!(tx.claims[0].services[0].adjustments[0].group, AdjustmentGroup::CorrectionLegacy);
    // Netting: the rows of claim 123839-24635 add up to −10.00 billed and −10.00 paid.
    let lines = x12::remit_lines(&r);
    let of_claim: Vec<_> = lines.iter().filter(|l| l.claim_id == "123839-24635").collect();
    assert_eq!(of_claim.len(), 2);
    assert_eq!(of_claim[0].paid, m("-210"));
    assert_eq!(of_claim[0].other_adjustment, m("-100"), "CR-45 −100 travels as other adjustment");
    let billed: Money = of_claim.iter().map(|l| l.billed).sum();
    let paid: Money = of_claim.iter().map(|l| l.paid).sum();
    let other: Money = of_claim.iter().map(|l| l.other_adjustment).sum();
    assert_eq!((billed, paid, other), (m("-10.00"), m("-10.00"), Money::ZERO));
    assert!(of_claim.iter().all(|l| l.code.as_deref() == Some("T1017")));
    // A reversal is not held to CLP05 = Σ PR, and the claims themselves balance.
    assert!(tx.claims.iter().all(|c| c.findings.is_empty()), "{:?}", tx.claims);
}

#[test]
fn fact_5_two_plbs_for_two_providers_unbalance_the_tr3_example() {
    let r = sample(CASE_3A);
    let tx = &r.transactions[0];
    assert_eq!(tx.claims_paid(), m("1222"));
    let providers: Vec<_> = tx.provider_adjustments.iter().map(|p| p.provider_id.as_str()).collect();
    assert_eq!(providers, ["9876543210", "0123456789"]);
    let messages = unbalanced_messages(&r);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("= 1224.54 (off by 2.54)"), "{}", messages[0]);

    let r = sample(SECONDARY);
    assert_eq!(r.transactions[0].payment.amount, Some(m("1222.00")));
    assert_eq!(unbalanced_messages(&r), Vec::<String>::new());
}

#[test]
fn fact_6_tigershark_4010_payments_do_not_match_their_claims() {
    let r = sample(TIGER_4010);
    let tx = &r.transactions[0];
    assert_eq!(tx.claims_paid(), m("12200.67"));
    assert_eq!(tx.provider_adjustments[0].amount, m("-361.19"));
    assert_eq!(tx.provider_adjustments[0].reason, ProviderAdjustmentReason::OverpaymentRecovery);
    let messages = unbalanced_messages(&r);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("the payer paid 12345.67 in total"), "{}", messages[0]);
    assert!(messages[0].contains("= 12561.86"), "{}", messages[0]);

    let r = sample(TIGER_4010_TWO);
    assert_eq!(r.transactions.len(), 2);
    let first = &r.transactions[0];
    let second = &r.transactions[1];
    assert_eq!(first.payer.name, "UNITED HEALTHCARE INSURANCE COMPANY");
    assert_eq!(
        second.payer.name,
        "ACME, INC. A WHOLLY OWNED SUBSIDIARY OF UNITED HEALTHCARE INSURANCE COMPANY"
    );
    assert!(first.findings.iter().any(|f| f.kind == FindingKind::Unbalanced));
    assert!(second.findings.iter().all(|f| f.kind != FindingKind::Unbalanced));
    assert_eq!(second.payment.amount, Some(m("12000.65")));
    // Rows carry their own transaction's payer and check number.
    let lines = x12::remit_lines(&r);
    assert_eq!(lines[0].payer, first.payer.name);
    assert_eq!(lines[1].payer, second.payer.name);
    assert_eq!(lines[1].check_number.as_deref(), Some("1QG11111112"));
}

#[test]
fn fact_7_every_claim_balances_except_the_two_moov_claims() {
    let mut off = BTreeSet::new();
    for (name, remittance) in all_835s() {
        for claim in claims(&remittance) {
            for finding in &claim.findings {
                if finding.kind == FindingKind::Unbalanced && finding.segment_id != "CLP" {
                    panic!("{name}: a service line does not balance: {}", finding.message);
                }
                if finding.kind == FindingKind::Unbalanced && finding.message.contains(" − adjustments ") {
                    off.insert((name.clone(), claim.patient_control_number.clone(), finding.message.clone()));
                }
            }
        }
    }
    let off: Vec<_> = off.into_iter().collect();
    assert_eq!(off.len(), 2, "{off:#?}");
    assert!(off[0].0.ends_with("sample1.txt") && off[0].2.contains("off by 0.01"), "{off:#?}");
    assert!(off[1].0.ends_with("sample2.txt"), "{off:#?}");
    assert_eq!(
        off[1].2,
        "claim 1234567-001: charge 4199.68 − adjustments 1201.68 = 2998.00, but the payer paid 4000.00 (off by 1002.00)"
    );
}

#[test]
fn fact_8_patient_responsibility_equals_the_pr_adjustments() {
    let r = sample(UHC);
    let tx = &r.transactions[0];
    assert_eq!(tx.payment.amount, Some(m("349.99")));
    let stated: Vec<_> = tx.claims.iter().map(|c| c.patient_responsibility).collect();
    assert_eq!(stated, [Some(m("105.26")), Some(m("115.13"))]);
    for claim in &tx.claims {
        let pr: Money = claim
            .all_adjustments()
            .filter(|a| a.group == AdjustmentGroup::PatientResponsibility)
            .map(|a| a.amount)
            .sum();
        assert_eq!(Some(pr), claim.patient_responsibility);
    }
    assert_eq!(r.all_findings().len(), 0, "{:?}", r.all_findings());
    // `CAS*PR*2*5.13**1*110`: two reasons in one segment, split into coinsurance and deductible.
    let lines = x12::remit_lines(&r);
    let last = lines.last().unwrap();
    assert_eq!(last.code.as_deref(), Some("B4154"));
    assert_eq!(
        (last.coinsurance, last.deductible, last.patient_responsibility),
        (m("5.13"), m("110"), m("115.13"))
    );
    assert_eq!(last.contractual, m("184.32"));
    assert_eq!(last.reason_codes, ["PR-2", "PR-1", "CO-45"]);
    let paid: Money = lines.iter().map(|l| l.paid).sum();
    assert_eq!(paid, m("88.92") + m("261.07"));

    let r = sample(BLUE_CROSS);
    let claim = &r.transactions[0].claims[0];
    assert_eq!(claim.patient_responsibility, Some(m("142.54")));
    let lines = x12::remit_lines(&r);
    let copay: Money = lines.iter().map(|l| l.copay).sum();
    let coinsurance: Money = lines.iter().map(|l| l.coinsurance).sum();
    assert_eq!((coinsurance, copay), (m("117.54"), m("25.00")));
    assert!(!unbalanced_messages(&r).iter().any(|m| m.contains("patient responsibility")));
}

#[test]
fn fact_9_many_concatenated_interchanges() {
    let r = sample(PROFEE);
    assert_eq!(r.interchanges, 156);
    assert_eq!(r.transactions.len(), 156);
    assert_eq!(r.claim_count(), 468);
    let lines: usize = claims(&r).iter().map(|c| c.services.len()).sum();
    assert_eq!(lines, 1560);
    let total: Money = r.transactions.iter().filter_map(|t| t.payment.amount).sum();
    assert_eq!(total, m("7137.00"));
    assert_eq!(r.all_findings().len(), 0);
    // Segment numbers count through the whole file: the last transaction starts far in.
    assert!(r.transactions[155].first_segment > 155 * 60);
}

#[test]
fn fact_10_every_delimiter_layout_reads_the_same_kind_of_data() {
    // `*`/`>`: component separator declared as `>`.
    let r = sample(UHC);
    let line = &r.transactions[0].claims[0].services[0];
    assert_eq!((line.procedure.qualifier.as_str(), line.procedure.code.as_str()), ("HC", "B4152"));
    // `*`/`|`: dental codes.
    let r = sample(TIGER_DENTAL);
    let line = &r.transactions[0].claims[0].services[0];
    assert_eq!((line.procedure.qualifier.as_str(), line.procedure.code.as_str()), ("AD", "D1110"));
    // `|`/`^` with every segment starting "\n~".
    let r = sample(TIGER_4010);
    assert_eq!(r.transactions[0].claims[0].services[0].procedure.code, "88888");
    assert_eq!(r.transactions[0].claims[0].services[0].line_control_number.as_deref(), Some("251111111111"));
    assert_eq!(r.transactions[0].claims[1].services[0].remarks, ["N220", "M68"]);
    // `+`/`>`/newline after English prose, dot-padded ISA fields.
    let r = sample(MEDICARE_A_PROSE);
    assert_eq!(r.interchanges, 1);
    assert_eq!(r.transactions[0].claims.len(), 2);
    assert_eq!(r.transactions[0].claims[0].patient_control_number, "666123");
    // Prose with a Windows-1252 byte (0x92) before the ISA.
    let r = sample("x12-835/irobayna__stupidedi/X221/case/2.edi");
    assert_eq!(r.transactions[0].claims.len(), 2);
    // `|`/`^` 4010 with unpadded ISA06.
    let r = sample(LAB_4010);
    assert_eq!(r.transactions[0].claims[0].paid, m("20.61"));
    // No envelope at all: starts at ST.
    let r = sample(BLUE_CROSS);
    assert_eq!(r.interchanges, 0);
    assert_eq!(r.transactions[0].claims[0].services.len(), 3);
    assert!(r.findings.iter().any(|f| f.message.contains("no ISA envelope")));
}

#[test]
fn tertiary_broken_svc_is_an_error_and_the_claim_still_counts() {
    let r = sample(TERTIARY);
    let claim = &r.transactions[0].claims[0];
    assert_eq!(claim.status, ClaimStatus::ProcessedAsTertiary);
    assert!(claim.services.is_empty());
    let errors: Vec<_> = r.all_findings().into_iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].segment, 20);
    assert_eq!(errors[0].segment_id, "SVC");
    assert!(
        errors[0].message.starts_with("SVC01 (procedure) \"HC\" has no procedure code"),
        "{}",
        errors[0].message
    );
    assert_eq!(unbalanced_messages(&r), Vec::<String>::new());
    // Its OA-23 moved to the claim, so the whole-claim row still accounts for the charge.
    let lines = x12::remit_lines(&r);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].kind, RemitLineKind::WholeClaim);
    assert_eq!(
        (lines[0].billed, lines[0].paid, lines[0].other_adjustment),
        (m("1766.50"), m("187.50"), m("1579.00"))
    );
    assert_eq!(lines[0].reason_codes, ["OA-23"]);
}

#[test]
fn components_written_with_an_undeclared_separator_are_read() {
    let r = sample(SECONDARY);
    let claim = &r.transactions[0].claims[1];
    let line = &claim.services[0];
    assert_eq!(line.procedure.code, "12345");
    assert_eq!(line.procedure.modifiers, ["26"]);
    assert_eq!(line.allowed, Some(m("150.00")));
    let notes: Vec<_> = claim.findings.iter().filter(|f| f.kind == FindingKind::Unusual).collect();
    assert_eq!(notes.len(), 2);
    assert!(notes[0].message.contains("separates its parts with \">\""), "{}", notes[0].message);
}

#[test]
fn invalid_payment_date_is_a_finding_and_the_rest_loads() {
    let r = sample(MOOV_2);
    let tx = &r.transactions[0];
    assert_eq!(tx.payment.date, None);
    assert_eq!(tx.payment.amount, Some(m("4000.00")));
    assert!(tx.findings.iter().any(|f| f.message.contains("\"20990080\" is not a date") && f.segment == 4));
    assert_eq!(tx.claims.len(), 1);
    assert_eq!(tx.claims[0].services[0].adjustments.len(), 2);
    assert_eq!(tx.claims[0].services[0].adjustments[1].quantity, Some(4.into()));
}

#[test]
fn denied_claim_lines_keep_remarks_and_reason_codes() {
    let r = sample(MULT_LOOPS);
    let claim = &r.transactions[0].claims[0];
    assert_eq!(claim.status, ClaimStatus::Denied);
    assert_eq!(claim.services.len(), 3);
    assert!(claim.services.iter().all(|l| l.remarks == ["N14"]));
    let lines = x12::remit_lines(&r);
    assert_eq!(lines[0].reason_codes, ["CO-16"]);
    assert_eq!(lines[1].reason_codes, ["OA-A7"]);
    assert_eq!(lines[1].other_adjustment, m("127.80"));
    assert_eq!(
        lines[0].service_date,
        NaiveDate::from_ymd_opt(2003, 11, 29),
        "DTM*150 when there is no DTM*472"
    );
}

#[test]
fn negative_cas_amount_adds_back() {
    let r = sample(COB);
    let lines = x12::remit_lines(&r);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].other_adjustment, m("507.00"));
    assert_eq!(lines[0].reason_codes, ["OA-23", "OA-94"]);
    assert_eq!(lines[0].billed - lines[0].other_adjustment, lines[0].paid);
}

#[test]
fn plb_interest_with_zero_amount_is_kept() {
    let r = sample(LAB_4010);
    let plb = &r.transactions[0].provider_adjustments;
    assert_eq!(plb.len(), 1);
    assert_eq!(plb[0].reason, ProviderAdjustmentReason::InterestOwed);
    assert_eq!(plb[0].amount, Money::ZERO);
    assert_eq!(r.transactions[0].claims[0].adjustments[0].group, AdjustmentGroup::PayerInitiated);
}

#[test]
fn every_837_is_rejected_as_a_claim_file() {
    let root = data_dir().join("x12-837");
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    assert_eq!(paths.len(), 5);
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        assert!(x12::looks_like_x12(&bytes), "{}", path.display());
        let err = x12::parse(&bytes).unwrap_err();
        assert_eq!(err, X12Error::ClaimFile, "{}", path.display());
        assert!(err.to_string().starts_with("this is an 837 claim file: it holds the claims"));
    }
}

#[test]
fn every_835_sample_is_sniffed_as_x12_and_spreadsheets_are_not() {
    for (name, _) in all_835s() {
        let bytes = std::fs::read(data_dir().join("x12-835").join(&name)).unwrap();
        assert!(x12::looks_like_x12(&bytes), "{name}");
    }
    let mut sheets = Vec::new();
    files_under(&data_dir().join("synthea"), &mut sheets);
    files_under(&data_dir().join("spreadsheets"), &mut sheets);
    assert!(!sheets.is_empty());
    for path in sheets {
        let bytes = std::fs::read(&path).unwrap();
        assert!(!x12::looks_like_x12(&bytes), "{}", path.display());
    }
}

// ----- fuzz-friendly entry point: `parse` never panics, whatever the bytes -----

mod never_panics {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    fn samples() -> &'static Vec<Vec<u8>> {
        static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
        SAMPLES.get_or_init(|| {
            let mut paths = Vec::new();
            files_under(&data_dir().join("x12-835"), &mut paths);
            files_under(&data_dir().join("x12-837"), &mut paths);
            paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
        })
    }

    /// Everything a caller does with a parsed file must hold up too, and money is conserved.
    fn exercise(bytes: &[u8]) {
        let _ = x12::looks_like_x12(bytes);
        if let Ok(remittance) = x12::parse(bytes) {
            let lines = x12::remit_lines(&remittance);
            let paid: Money = lines.iter().map(|l| l.paid).sum();
            let claims_paid: Money = claims(&remittance).iter().map(|c| c.paid).sum();
            assert_eq!(paid, claims_paid);
            let _ = x12::summary_text(&remittance);
            serde_json::to_string(&remittance).unwrap();
            serde_json::to_string(&lines).unwrap();
        }
    }

    #[derive(Clone, Debug)]
    enum Mutation {
        Replace(usize, u8),
        Delete(usize, usize),
        Insert(usize, Vec<u8>),
        Truncate(usize),
    }

    /// Bytes that matter to X12: delimiters, line breaks, digits, signs, letters of segment ids.
    fn x12_byte() -> impl Strategy<Value = u8> {
        prop_oneof![prop::sample::select(b"*:~^|>+\r\n-.0123456789 ISACLPVBRDTMNQE".to_vec()), any::<u8>(),]
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), x12_byte()).prop_map(|(at, b)| Mutation::Replace(at, b)),
            (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
            (any::<usize>(), prop::collection::vec(x12_byte(), 1..20))
                .prop_map(|(at, b)| Mutation::Insert(at, b)),
            any::<usize>().prop_map(Mutation::Truncate),
        ]
    }

    fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
        for mutation in mutations {
            let len = bytes.len().max(1);
            match mutation {
                Mutation::Replace(at, b) => {
                    if let Some(slot) = bytes.get_mut(at % len) {
                        *slot = *b;
                    }
                }
                Mutation::Delete(at, n) => {
                    let start = (at % len).min(bytes.len());
                    let end = (start + n).min(bytes.len());
                    bytes.drain(start..end);
                }
                Mutation::Insert(at, new) => {
                    let at = (at % len).min(bytes.len());
                    bytes.splice(at..at, new.iter().copied());
                }
                Mutation::Truncate(at) => bytes.truncate(at % len),
            }
        }
        bytes
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            exercise(&bytes);
        }

        #[test]
        fn random_segments_after_a_valid_header_never_panic(
            body in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(vec![
                        "ST*835*1~", "SE*9*1~", "BPR*I*", "CLP*A*22*", "CLP*", "SVC*HC:99213*", "SVC*HC*",
                        "CAS*PR*1*", "CAS*CO*45*", "PLB*1*20241231*CV:CP*", "DTM*472*", "NM1*QC*1*", "LX*1~",
                        "AMT*B6*", "REF*6R*", "LQ*HE*", "ISA*", "GS*HP~", "IEA*1~", "*", ":", "~", "\n",
                    ]).prop_map(|s| s.as_bytes().to_vec()),
                    "-?[0-9]{0,14}(\\.[0-9]{0,3})?".prop_map(|s| s.into_bytes()),
                    prop::collection::vec(x12_byte(), 0..6),
                ],
                0..120,
            )
        ) {
            let mut bytes = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *110930*1105*^*00501*000004592*0*T*:~GS*HP*A*B*20110930*1*1*X*005010X221A1~ST*835*1~".to_vec();
            bytes.extend(body.concat());
            exercise(&bytes);
        }

        #[test]
        fn mutated_samples_never_panic(
            which in any::<prop::sample::Index>(),
            mutations in prop::collection::vec(mutation(), 1..12),
        ) {
            let original = which.get(samples()).clone();
            exercise(&apply(original, &mutations));
        }
    }
}
