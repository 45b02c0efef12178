//! Rules of SPEC §4, each proved on small files as a user would write them.

use super::*;
use crate::records::FileKind;
use serde_json::json;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn options(as_of: &str) -> Options {
    Options { as_of: date(as_of), tolerance: Money::ZERO, deadlines: Default::default() }
}

fn run(charges: &str, payments: Option<&str>, fees: Option<&str>, as_of: &str) -> Report {
    let c = FileInput {
        bytes: charges.as_bytes(),
        name: "charges.csv",
        sheet: None,
        mapping: None,
        header_row: None,
    };
    let p: Vec<FileInput<'_>> = payments
        .iter()
        .map(|p| FileInput {
            bytes: p.as_bytes(),
            name: "payments.csv",
            sheet: None,
            mapping: None,
            header_row: None,
        })
        .collect();
    let f = fees.map(|f| FileInput {
        bytes: f.as_bytes(),
        name: "fees.csv",
        sheet: None,
        mapping: None,
        header_row: None,
    });
    let report = reconcile_files(
        &[&c],
        &FileInput::sources(&p),
        &[],
        f.as_ref().map(|f| f as &dyn FileSource),
        &options(as_of),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_conserved(&report, charges, payments);
    report
}

/// The conservation equations, with the accepted rows re-read independently.
fn assert_conserved(report: &Report, charges: &str, payments: Option<&str>) {
    let limits = Limits::default();
    let ct = records::load(charges.as_bytes(), "c.csv", None, None, None, &limits, &mut NoProgress).unwrap();
    let single = payments.is_none();
    let crows = records::keep_rows(|each| records::read_charges(&ct, single, &mut NoProgress, each)).unwrap();
    let rejected_charge_rows: Vec<u32> =
        report.rejected.iter().filter(|r| r.file == FileKind::Charges).map(|r| r.row).collect();
    let billed: Money =
        crows.rows.iter().filter(|r| !rejected_charge_rows.contains(&r.row)).map(|r| r.billed).sum();
    let paid: Money = match payments {
        Some(p) => {
            let pt =
                records::load(p.as_bytes(), "p.csv", None, None, None, &limits, &mut NoProgress).unwrap();
            records::keep_rows(|each| records::read_payments(&pt, &mut NoProgress, each))
                .unwrap()
                .rows
                .iter()
                .map(|r| r.remit.paid)
                .sum()
        }
        None => report.lines.iter().map(|l| l.insurance_paid).sum(),
    };
    report.check_conservation(billed, paid).unwrap();
}

fn statuses(r: &Report) -> Vec<&'static str> {
    r.lines.iter().map(|l| l.status.key()).collect()
}

const CHARGES: &str = "Claim #,Line,Patient,DOS,Bill Date,CPT,Charges,Payer\n\
    1001,1,Ann Lee,2026-09-01,2026-09-02,99213,150.00,Aetna\n\
    1001,2,Ann Lee,2026-09-01,2026-09-02,36415,20.00,Aetna\n\
    1002,1,Bo Park,2026-10-01,2026-10-02,99214,200.00,Medicare\n\
    1003,1,Cy Diaz,2026-07-01,2026-07-05,99203,180.00,Cigna\n\
    1004,1,Di Ng,2026-11-01,2026-11-03,93000,60.00,Aetna\n\
    1005,1,Ed Fox,2026-08-01,2026-08-03,99212,90.00,Aetna\n";

const PAYMENTS: &str =
    "Patient Control #,Svc Line,Proc Code,Ins Paid,Contractual Adj,Patient Resp,Adj Reason\n\
    1001,1,99213,100.00,30.00,20.00,CO-45; PR-2\n\
    1001,2,36415,0.00,20.00,0.00,CO-97\n\
    1002,1,99214,120.00,30.00,0.00,CO-45\n\
    1003,1,99203,190.00,0.00,0.00,\n\
    1005,1,99212,50.00,0.00,0.00,\n\
    1005,1,99212,-50.00,0.00,0.00,\n\
    1005,1,99212,45.00,25.00,20.00,CO-45; PR-1\n\
    1009,1,99213,75.00,0.00,0.00,\n";

#[test]
fn matched_mode_gives_every_status_and_conserves_money() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    assert_eq!(r.summary.mode, Mode::Matched);
    assert_eq!(r.summary.matched_by, MatchedBy::ClaimLine);
    // 1001/1 paid; 1001/2 denied (CO-97); 1002 partial (50 left); 1003 overpaid; 1004 unpaid; 1005 paid after reversal.
    assert_eq!(statuses(&r), ["paid", "denied", "partial", "overpaid", "unpaid", "paid"]);
    let over = &r.lines[3];
    assert_eq!(over.at_stake.to_string(), "10.00");
    assert_eq!(r.lines[2].at_stake.to_string(), "50.00");
    assert_eq!(r.lines[1].at_stake.to_string(), "20.00", "a denial puts the billed amount at stake");
    assert_eq!(
        r.summary.rows,
        RowCounts { charges: 6, payments: 8, blank: 0, skipped: 0, rejected: 0, duplicates: 0 }
    );
    assert_eq!(r.summary.totals.billed.to_string(), "700.00");
    assert_eq!(r.summary.totals.unmatched_paid.to_string(), "75.00");
    assert_eq!(r.unmatched_payments[0].note, "no charge has claim 1009");
}

#[test]
fn reversal_and_correction_net_on_one_line() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    let l = &r.lines[5];
    assert_eq!(l.payment_rows[..], [6, 7, 8]);
    assert_eq!(l.insurance_paid.to_string(), "45.00");
    assert_eq!(l.balance.to_string(), "0.00");
    assert_eq!(l.reason_codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(), ["CO-45", "PR-1"]);
}

#[test]
fn duplicate_charge_rows_group_into_one_line() {
    let charges = "Claim #,CPT,Charges\n77,36415,10.00\n77,36415,10.00\n77,99213,100.00\n";
    let payments = "Claim #,CPT,Paid\n77,36415,20.00\n0077,99213,100.00\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    assert_eq!(r.summary.matched_by, MatchedBy::ClaimCode);
    assert_eq!(r.lines.len(), 2);
    assert_eq!(r.lines[0].charge_rows[..], [2, 3]);
    assert_eq!(r.lines[0].billed.to_string(), "20.00");
    assert_eq!(statuses(&r), ["paid", "paid"], "leading zeros do not break the match");
}

#[test]
fn claim_level_payments_reconcile_per_claim() {
    let charges = "Claim #,CPT,Charges\n5,99213,100.00\n5,36415,20.00\n6,99213,100.00\n";
    let payments = "Claim #,Paid,Contractual\n5,90.00,30.00\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    assert_eq!(r.summary.matched_by, MatchedBy::Claim);
    assert_eq!(r.lines.len(), 2);
    assert_eq!(r.lines[0].code.as_deref(), Some("99213, 36415"));
    assert_eq!(statuses(&r), ["paid", "unpaid"]);
}

#[test]
fn without_claim_numbers_patient_date_and_code_match() {
    let charges = "MRN,DOS,CPT,Charges\n00042,03/15/2026,99213,100.00\n42,03/16/2026,99213,100.00\n";
    let payments =
        "Patient ID,Service Date,Procedure,Paid\n42,2026-03-15,99213,100.00\n42,2026-03-17,99213,80.00\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    assert_eq!(r.summary.matched_by, MatchedBy::PatientDateCode);
    assert_eq!(statuses(&r), ["paid", "unpaid"]);
    assert_eq!(r.unmatched_payments[0].note, "patient 42 has charges, but none on 2026-03-17");
}

#[test]
fn an_unmatched_payment_says_what_does_exist() {
    let charges = "Claim #,CPT,Charges\n123,99213,100.00\n";
    let payments = "Claim #,CPT,Paid\n123,99214,80.00\n,99213,5.00\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    let notes: Vec<&str> = r.unmatched_payments.iter().map(|u| u.note.as_str()).collect();
    assert_eq!(notes, ["claim 123 exists, but not code 99214", "this row has no claim number to match on"]);
    assert_eq!(r.summary.totals.unmatched_paid.to_string(), "85.00");
}

#[test]
fn charges_without_a_key_are_rejected_in_matched_mode() {
    let charges = "Claim #,CPT,Charges\n,99213,100.00\n9,99213,50.00\n";
    let payments = "Claim #,CPT,Paid\n9,99213,50.00\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    assert_eq!(r.lines.len(), 1);
    assert_eq!(r.rejected.len(), 1);
    let rej = &r.rejected[0];
    assert_eq!(
        (rej.row, rej.column.as_deref(), rej.reason.as_str()),
        (2, Some("A"), "no claim number to match on")
    );
    assert_eq!(r.summary.rows.rejected, 1);
}

#[test]
fn the_fee_schedule_sets_what_is_expected() {
    let charges = "Claim #,CPT,Units,Charges,Payer\n1,99213,1,150.00,Aetna\n2,97110,3,120.00,Aetna\n3,99213,1,150.00,Medicare\n";
    let payments = "Claim #,CPT,Paid,Contractual,Patient Resp\n1,99213,70.00,70.00,10.00\n2,97110,80.00,40.00,0\n3,99213,60.00,75.00,15.00\n";
    let fees = "CPT,Payer,Allowable\n99213,,90.00\n99213,Medicare,75.00\n97110,,30.00\n";
    let r = run(charges, Some(payments), Some(fees), "2026-11-15");
    let expected: Vec<String> = r.lines.iter().map(|l| l.expected.unwrap().to_string()).collect();
    assert_eq!(expected, ["90.00", "90.00", "75.00"], "per unit: 3 × 30.00");
    // 1: 70 + 10 < 90 → underpaid by 10; 2: 80 > 90? no, 80 < 90 → underpaid by 10 but balance 0;
    // 3: 60 + 15 = 75 → paid.
    assert_eq!(statuses(&r), ["underpaid", "underpaid", "paid"]);
    assert_eq!(r.lines[0].at_stake.to_string(), "10.00");
}

#[test]
fn single_mode_reads_billed_and_paid_side_by_side() {
    let ar = "Account #,Patient Name,Date of Service,Procedure,Amount Billed,Amount Paid,Write-off,Pt Resp,Denial Code,Date Billed\n\
        A1,Ann Lee,09/01/2026,99213,150.00,100.00,30.00,20.00,,09/02/2026\n\
        A2,Bo Park,09/01/2026,99213,150.00,0.00,150.00,0.00,CO-16,09/02/2026\n\
        A3,Cy Diaz,07/01/2026,99213,150.00,,,,,07/15/2026\n\
        A4,Di Ng,10/01/2026,99213,150.00,90.00,30.00,0.00,,10/02/2026\n";
    let r = run(ar, None, None, "2026-11-15");
    assert_eq!(r.summary.mode, Mode::Single);
    assert_eq!(r.summary.matched_by, MatchedBy::None);
    assert_eq!(statuses(&r), ["paid", "denied", "unpaid", "partial"]);
    assert_eq!(r.lines[2].age_days, Some(123));
    assert_eq!(r.lines[2].aging_bucket, Some(aging::AgingBucket::Over120));
    // Equal amounts at stake: the older (unpaid, 123 days) comes before the denial (74 days).
    let kinds: Vec<worklist::Kind> = r.worklist.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [worklist::Kind::Unpaid, worklist::Kind::Denied, worklist::Kind::Partial]);
    assert_eq!(r.worklist[0].action, "no response after 30 days: check the claim status with the payer");
    assert_eq!(r.worklist[1].action, "missing information: correct the claim and resubmit");
}

#[test]
fn aging_buckets_turn_at_30_31_120_121_days() {
    let charges =
        "Claim #,Bill Date,Charges\n1,2026-10-16,10\n2,2026-10-15,10\n3,2026-07-18,10\n4,2026-07-17,10\n";
    let r = run(charges, Some("Claim #,Paid\n99,1\n"), None, "2026-11-15");
    let ages: Vec<(Option<i64>, &str)> =
        r.lines.iter().map(|l| (l.age_days, l.aging_bucket.map(|b| b.label()).unwrap_or("-"))).collect();
    assert_eq!(ages, [(Some(30), "0-30"), (Some(31), "31-60"), (Some(120), "91-120"), (Some(121), "121+")]);
    let counts: Vec<usize> = r.summary.aging.iter().map(|a| a.count).collect();
    assert_eq!(counts, [1, 1, 0, 1, 1]);
}

#[test]
fn only_open_statuses_are_aged() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    for l in &r.lines {
        assert_eq!(l.aging_bucket.is_some(), l.status.is_aged(), "{:?}", l.status);
    }
    let aged: Money = r.summary.aging.iter().map(|a| a.amount).sum();
    let open: Money = r.lines.iter().filter(|l| l.status.is_aged()).map(|l| l.at_stake).sum();
    assert_eq!(aged, open);
}

#[test]
fn kpis_follow_their_definitions() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    let k = &r.summary.kpis;
    // Paid on lines: 100 + 0 + 120 + 190 + 0 + 45 = 455; billed 700; contractual 30+20+30+0+25 = 105.
    assert_eq!(k.gross_collection_rate.unwrap().to_string(), "0.6500");
    assert_eq!(k.net_collection_rate.unwrap().to_string(), "0.7647"); // 455 / 595
                                                                      // Denied 20 of 640 billed with remittance (1004's 60 has none); 1 of 5 lines.
    assert_eq!(k.denial_rate_by_amount.unwrap().to_string(), "0.0313");
    assert_eq!(k.denial_rate_by_count.unwrap().to_string(), "0.2000");
    // Open: denied 20 + partial 50 + unpaid 60 = 130; span 2026-07-01..2026-11-01 = 124 days; 700/124 per day.
    assert_eq!(serde_json::to_value(k).unwrap()["daysInAR"], json!("23.0"));
}

#[test]
fn rates_with_a_zero_denominator_are_null() {
    let r = run("Claim #,Charges\n1,0.00\n", None, None, "2026-11-15");
    let v = serde_json::to_value(&r.summary.kpis).unwrap();
    assert_eq!(v["grossCollectionRate"], json!(null));
    assert_eq!(v["denialRateByCount"], json!(null));
}

/// SPEC §8.7: one item per claim; none of these has a payment date or is
/// unpaid past its wait, so no deadline applies and the order is the amount.
/// Claim 1004 was billed 12 days before the as-of date with no answer: it is
/// waiting, counted in the summary and kept off the worklist.
#[test]
fn worklist_is_by_claim_ordered_by_amount_then_age() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    let order: Vec<(String, String)> = r
        .worklist
        .iter()
        .map(|w| (w.claim_id.clone().unwrap_or_default().to_string(), w.amount.to_string()))
        .collect();
    assert_eq!(
        order,
        [
            ("1009".to_string(), "75.00".to_string()),
            ("1002".into(), "50.00".into()),
            ("1001".into(), "20.00".into()),
            ("1003".into(), "10.00".into()),
        ]
    );
    // Claim 1001's two lines are one item, about the line denied as bundled.
    assert_eq!(r.worklist[2].lines[..], [1]);
    assert_eq!(r.claims[0].lines[..], [0, 1]);
    assert_eq!(r.worklist[2].action, "bundled: check the modifiers and resubmit if the service was distinct");
    assert_eq!(r.worklist[3].action, "overpaid: refund the difference or expect a recoupment");
    let w = &r.summary.waiting;
    assert_eq!((w.lines, w.claims, w.billed.to_string()), (1, 1, "60.00".into()));
    assert_eq!(r.summary.claims, 5);
    assert!(r.worklist[0].action.starts_with("unmatched payment (no charge has claim 1009)"));
}

#[test]
fn report_is_independent_of_payment_row_order() {
    let mut rows: Vec<&str> = PAYMENTS.lines().collect();
    let header = rows.remove(0);
    rows.reverse();
    let reversed = format!("{header}\n{}\n", rows.join("\n"));
    let a = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    let b = run(CHARGES, Some(&reversed), None, "2026-11-15");
    assert_eq!(statuses(&a), statuses(&b));
    assert_eq!(a.summary.totals, b.summary.totals);
    assert_eq!(a.summary.by_status, b.summary.by_status);
}

#[test]
fn reason_code_totals_carry_meanings() {
    let r = run(CHARGES, Some(PAYMENTS), None, "2026-11-15");
    let co45 = r.summary.reason_codes.iter().find(|c| c.code == "CO-45").unwrap();
    assert_eq!((co45.count, co45.amount.to_string()), (3, "85.00".into()));
    assert_eq!(co45.meaning, "charge exceeds the allowed/contracted amount");
}

#[test]
fn the_json_contract_has_the_spec_shape() {
    let charges = "Claim #,Line,Patient,DOS,CPT,Charges,Payer\n7,1,Ann Lee,2026-11-01,99213,100.00,Aetna\n";
    let payments = "Claim #,Line,Ins Paid,Contractual Adj,Pt Resp,Adj Reason\n7,1,60.00,20.00,10.00,CO-45\n";
    let r = run(charges, Some(payments), None, "2026-11-15");
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["lines"][0],
        json!({
            "claimId": "7", "line": "1", "patient": "Ann Lee", "serviceDate": "2026-11-01", "code": "99213",
            "payer": "Aetna", "billed": "100.00", "allowed": null, "expected": null, "insurancePaid": "60.00",
            "contractualAdjustment": "20.00", "patientResponsibility": "10.00", "otherAdjustment": "0.00",
            "balance": "10.00", "atStake": "10.00", "status": "partial", "ageDays": 14, "agingBucket": "0-30",
            "reasonCodes": ["CO-45"], "chargeRows": [2], "paymentRows": [2], "patientPaid": "0.00",
            "patientBalance": "10.00", "patientId": null, "paymentDate": null, "checkNumbers": []
        })
    );
    let s = &v["summary"];
    assert_eq!(s["mode"], json!("matched"));
    assert_eq!(s["asOf"], json!("2026-11-15"));
    assert_eq!(s["matchedBy"], json!("claim+line"));
    assert_eq!(
        s["rows"],
        json!({"charges": 1, "payments": 1, "blank": 0, "skipped": 0, "rejected": 0, "duplicates": 0})
    );
    assert_eq!(s["warnings"], json!([]));
    assert_eq!(
        s["totals"],
        json!({"billed": "100.00", "insurancePaid": "60.00", "contractualAdjustment": "20.00",
               "patientResponsibility": "10.00", "otherAdjustment": "0.00", "balance": "10.00",
               "unmatchedPaid": "0.00", "patientPaid": "0.00", "patientBalance": "10.00", "openAR": "10.00",
               "providerAdjustments": "0.00"})
    );
    assert_eq!(s["byStatus"]["partial"], json!({"count": 1, "billed": "100.00", "atStake": "10.00"}));
    assert_eq!(s["aging"][0], json!({"bucket": "0-30", "count": 1, "amount": "10.00"}));
    assert_eq!(s["aging"].as_array().unwrap().len(), 5);
    assert_eq!(
        s["reasonCodes"][0],
        json!({"code": "CO-45", "meaning": "charge exceeds the allowed/contracted amount", "count": 1, "amount": "20.00"})
    );
    assert_eq!(v["worklist"][0]["kind"], json!("partial"));
    assert_eq!(v["worklist"][0]["claim"], json!(0));
    assert_eq!(v["worklist"][0]["lines"], json!([0]));
    assert_eq!(v["claims"][0]["status"], json!("partial"));
    assert_eq!(v["claims"][0]["codes"], json!(["99213"]));
    assert_eq!(s["claims"], json!(1));
    assert_eq!(s["waiting"], json!({"lines": 0, "claims": 0, "billed": "0.00"}));
    assert_eq!(v["unmatchedPayments"], json!([]));
    assert_eq!(v["rejected"], json!([]));
    assert_eq!(v["providerAdjustments"], json!([]));
    assert_eq!(v["remittanceFindings"], json!([]));
    assert_eq!(v["duplicates"], json!([]));
}

#[test]
fn progress_names_each_step_and_only_grows_to_done() {
    let charges = "Claim #,CPT,Charges\n1,99213,100\n2,99214,200\n";
    let payments = "Claim #,CPT,Paid\n1,99213,80\n";
    let c = FileInput { bytes: charges.as_bytes(), name: "c.csv", ..FileInput::default() };
    let p = FileInput { bytes: payments.as_bytes(), name: "p.csv", ..FileInput::default() };
    let mut heard: Vec<(String, f32)> = Vec::new();
    let mut listen = |step: &str, done: f32| heard.push((step.to_string(), done));
    reconcile_files(&[&c], &[&p], &[], None, &options("2026-11-15"), &Limits::default(), &mut listen)
        .unwrap();
    let steps: Vec<&str> = heard.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(steps.first(), Some(&"Reading c.csv"), "{heard:?}");
    assert!(steps.contains(&"Reading p.csv"), "{heard:?}");
    // The last steps before Done each report themselves, so a big report's bar keeps moving.
    let tail = [
        "Totals and aging",
        "Gathering the lines into claims",
        "Checking the match for warnings",
        "The follow-up list",
        "Done",
    ];
    assert_eq!(steps[steps.len() - tail.len()..], tail, "{heard:?}");
    assert_eq!(heard.last(), Some(&("Done".to_string(), 1.0)), "{heard:?}");
    assert!(heard.windows(2).all(|w| w[0].1 <= w[1].1), "the share only grows: {heard:?}");
    // Whole percents, as the page's bar shows them.
    assert!(heard.iter().all(|(_, d)| ((d * 100.0).round() - d * 100.0).abs() < 1e-3), "{heard:?}");
}
