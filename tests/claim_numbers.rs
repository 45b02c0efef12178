//! Issue 12 on the practice fixture (tests/fixtures/practice): claim numbers
//! written differently in the payments (SPEC §8.2), files given twice or the
//! wrong way round, a repeated 835 check and duplicate postings (SPEC §8.5),
//! and the warnings of SPEC §8.2 and §8.6.
//!
//! The oracle of each variant is the reconciliation of the untouched pair of
//! files: writing the payments' claim numbers another way must not change a
//! single line.

mod common;

use chrono::NaiveDate;
use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{
    reconcile, reconcile_files, FileInput, Inputs, MatchedBy, Options, Payments, Report,
};
use clearbill::records::{self, InputError};
use clearbill::table::Limits;
use common::{fixture, read, shared};

fn options() -> Options {
    Options {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    }
}

fn charges() -> Vec<u8> {
    read(&fixture("practice/charges.csv"))
}

fn payments() -> Vec<u8> {
    read(&fixture("practice/payments.csv"))
}

fn file<'a>(bytes: &'a [u8], name: &'a str) -> FileInput<'a> {
    FileInput { bytes, name, ..FileInput::default() }
}

fn run(charges: &[u8], payments: &[(&[u8], &str)]) -> Result<Report, InputError> {
    let p: Vec<FileInput<'_>> = payments.iter().map(|(b, n)| file(b, n)).collect();
    reconcile_files(
        &[&file(charges, "charges.csv")],
        &FileInput::sources(&p),
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
}

/// The payments file with each data row's claim number (its first column, trimmed) rewritten;
/// the header and footer rows are left alone.
fn with_claims(bytes: &[u8], rewrite: impl Fn(usize, &str) -> String) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match (i, line.split_once(',')) {
            (_, Some((claim, rest)))
                if i > 0 && claim.trim().bytes().all(|b| b.is_ascii_digit()) && !claim.trim().is_empty() =>
            {
                out.push_str(&rewrite(i, claim.trim()));
                out.push(',');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out.into_bytes()
}

fn matched(r: &Report) -> usize {
    r.summary.rows.payments - r.unmatched_payments.len()
}

/// The lines' figures, for comparing two reconciliations of the same charges.
fn figures(r: &Report) -> Vec<(Option<String>, String, String, String, &'static str)> {
    r.lines
        .iter()
        .map(|l| {
            (
                l.claim_id.as_ref().map(|c| c.to_string()),
                l.billed.to_string(),
                l.insurance_paid.to_string(),
                l.balance.to_string(),
                l.status.key(),
            )
        })
        .collect()
}

/// Asserts that two reconciliations have the same lines, showing the first few that differ.
fn assert_same_lines(got: &Report, want: &Report) {
    let (g, w) = (figures(got), figures(want));
    let differ: Vec<_> = g.iter().zip(&w).filter(|(a, b)| a != b).take(5).collect();
    assert!(
        differ.is_empty() && g.len() == w.len(),
        "{} vs {} lines; first differences: {differ:?}",
        g.len(),
        w.len()
    );
}

#[test]
fn the_plain_pair_matches_and_is_not_retried_or_warned() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    assert!(matched(&plain) * 2 >= plain.summary.rows.payments);
    assert!(
        !plain.summary.notes.iter().any(|n| n.contains("written differently")),
        "{:?}",
        plain.summary.notes
    );
    assert_eq!(plain.summary.warnings, Vec::<String>::new());
}

#[test]
fn a_sequence_suffix_on_the_payments_claim_numbers_is_dropped_and_matches_like_the_plain_files() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    let suffixed = with_claims(&payments(), |i, c| format!("{c}-{}", i % 3 + 1));
    let r = run(&charges(), &[(&suffixed, "payments.csv")]).unwrap();
    assert_same_lines(&r, &plain);
    assert_eq!(matched(&r), matched(&plain));
    assert_eq!(r.summary.matched_by, plain.summary.matched_by);
    let total = r.summary.rows.payments;
    let want = format!(
        "matched after dropping a sequence suffix such as -1, /2, .01 or a final letter: {} of {total} rows",
        matched(&plain)
    );
    assert!(
        r.summary.notes.iter().any(|n| n.contains("claim numbers in payments.csv") && n.ends_with(&want)),
        "{:?}",
        r.summary.notes
    );
    assert!(r.summary.notes.iter().any(|n| n.contains("as written, 0 of")), "{:?}", r.summary.notes);
    assert_eq!(r.summary.warnings, Vec::<String>::new(), "most rows match once the suffix is dropped");
    r.check_conservation(
        r.lines.iter().map(|l| l.billed).sum(),
        plain.summary.totals.insurance_paid + plain.summary.totals.unmatched_paid,
    )
    .unwrap();
}

#[test]
fn a_prefix_or_a_prefix_and_a_letter_suffix_are_dropped_too() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    let prefixed = with_claims(&payments(), |_, c| format!("CLM{c}"));
    let r = run(&charges(), &[(&prefixed, "payments.csv")]).unwrap();
    assert_same_lines(&r, &plain);
    assert!(
        r.summary
            .notes
            .iter()
            .any(|n| n.contains("(for example \"CLM") && n.contains("dropping a letter prefix")),
        "{:?}",
        r.summary.notes
    );

    let both = with_claims(&payments(), |_, c| format!("INV-{c}B"));
    let r = run(&charges(), &[(&both, "payments.csv")]).unwrap();
    assert_same_lines(&r, &plain);
    assert!(
        r.summary.notes.iter().any(|n| n.contains("dropping both a letter prefix")),
        "{:?}",
        r.summary.notes
    );
}

#[test]
fn rows_already_read_are_matched_the_same_way() {
    let suffixed = with_claims(&payments(), |i, c| format!("{c}/{}", i % 2 + 1));
    let by_files = run(&charges(), &[(&suffixed, "payments.csv")]).unwrap();
    let limits = Limits::default();
    let ct = records::load(&charges(), "charges.csv", None, None, None, &limits, &mut NoProgress).unwrap();
    let pt = records::load(&suffixed, "payments.csv", None, None, None, &limits, &mut NoProgress).unwrap();
    let inputs = Inputs {
        charges: records::keep_rows(|each| records::read_charges(&ct, false, &mut NoProgress, each)).unwrap(),
        charge_mapping: ct.mapping.clone(),
        payments: Some(Payments {
            records: vec![
                records::keep_rows(|each| records::read_payments(&pt, &mut NoProgress, each)).unwrap()
            ],
            roles: pt.mapping.roles().map(|(r, _)| r).collect(),
            ..Payments::default()
        }),
        fees: None,
    };
    let by_rows = reconcile(inputs, &options());
    assert_same_lines(&by_rows, &by_files);
    assert_eq!(by_rows.summary.matched_by, by_files.summary.matched_by);
    let note = |r: &Report| r.summary.notes.iter().find(|n| n.contains("written differently")).cloned();
    assert!(note(&by_rows).is_some());
    assert_eq!(note(&by_rows), note(&by_files));
}

#[test]
fn claim_numbers_that_match_no_way_fall_back_to_patient_date_and_code() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    // Another numbering altogether: the payer's own claim numbers.
    let foreign = with_claims(&payments(), |i, _| format!("PY{:07}", 9_000_000 - i));
    let r = run(&charges(), &[(&foreign, "payments.csv")]).unwrap();
    assert_eq!(r.summary.matched_by, MatchedBy::PatientDateCode);
    assert!(matched(&r) * 2 >= r.summary.rows.payments, "{} of {}", matched(&r), r.summary.rows.payments);
    assert!(
        r.summary.notes.iter().any(|n| n.starts_with("the claim numbers matched only 0 of")
            && n.contains("by patient, date of service and procedure code instead")),
        "{:?}",
        r.summary.notes
    );
    // Every payment row is still in one place, and no money is lost.
    assert_eq!(r.summary.rows.payments, plain.summary.rows.payments);
    let paid = |r: &Report| r.summary.totals.insurance_paid + r.summary.totals.unmatched_paid;
    assert_eq!(paid(&r), paid(&plain));
}

#[test]
fn payments_of_another_period_are_a_warning_that_names_both_periods() {
    // Other claims, and services a year later: nothing can match.
    let text = String::from_utf8(payments()).unwrap().replace(",2026-", ",2027-");
    let other = with_claims(text.as_bytes(), |i, _| format!("{}", 800_000 + i));
    let r = run(&charges(), &[(&other, "payments.csv")]).unwrap();
    assert_eq!(matched(&r), 0);
    let w = &r.summary.warnings;
    assert!(
        w[0].starts_with(&format!("Only 0 of {} payment rows matched a charge", r.summary.rows.payments)),
        "{w:?}"
    );
    assert!(
        w[0].contains("The files cover different periods: the charges are for services from 2026-"),
        "{w:?}"
    );
    assert!(w[0].contains("the payments for services from 2025-12-18 to 2027-"), "{w:?}");
    assert!(w.iter().any(|w| w.starts_with("No charge matched any payment")), "{w:?}");
}

#[test]
fn a_remittance_sent_again_under_new_check_numbers_warns_of_overpayment() {
    // Not a duplicate posting (the check numbers differ), but every line is paid twice.
    let bytes = payments();
    let mut reader = csv::Reader::from_reader(&bytes[3..]); // past the BOM
    let check = reader.headers().unwrap().iter().position(|h| h == "Check #").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut writer = csv::Writer::from_writer(payments());
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, f)| if i == check { format!("R{f}") } else { f.into() })
            .collect();
        writer.write_record(&fields).unwrap();
    }
    let again = writer.into_inner().unwrap();
    let r = run(&charges(), &[(&again, "payments.csv")]).unwrap();
    assert_eq!(r.summary.rows.duplicates, 0);
    let w = &r.summary.warnings;
    assert!(
        w.iter().any(|w| w.starts_with("The net collection rate is") && w.contains("above 100%")),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.contains("lines are overpaid, more than a quarter")), "{w:?}");
}

#[test]
fn a_duplicate_posting_is_counted_once_and_listed() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    let text = String::from_utf8(payments()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    // Rows 2 and 3 (as a spreadsheet numbers them) posted again at the end.
    let doubled = format!("{text}{}\n{}\n", rows[1], rows[2]);
    let last = rows.len() as u32;
    let r = run(&charges(), &[(doubled.as_bytes(), "payments.csv")]).unwrap();
    assert_same_lines(&r, &plain);
    assert_eq!(r.summary.rows.duplicates, 2);
    assert_eq!(r.summary.rows.payments, plain.summary.rows.payments);
    let listed: Vec<(u32, u32, &str)> =
        r.duplicates.iter().map(|d| (d.row, d.repeats, d.repeats_file.as_str())).collect();
    assert_eq!(listed, [(last + 1, 2, "payments.csv"), (last + 2, 3, "payments.csv")]);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["duplicates"][0]["file"], "payments.csv");
    assert_eq!(json["duplicates"][0]["repeats"], 2);
    assert_eq!(json["summary"]["rows"]["duplicates"], 2);
    // Σ paid over every accepted payment row, the repeats included, is in the report.
    let table = records::load(
        doubled.as_bytes(),
        "payments.csv",
        None,
        None,
        None,
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap();
    let read_all = records::keep_rows(|each| records::read_payments(&table, &mut NoProgress, each)).unwrap();
    let accepted: Money = read_all
        .rows
        .iter()
        .filter(|p| p.remit.source.insurance_level().is_some())
        .map(|p| p.remit.paid)
        .sum();
    r.check_conservation(r.lines.iter().map(|l| l.billed).sum(), accepted).unwrap();

    // Without the check number column, the same rows are two payments.
    let no_checks = doubled.replace("Check #", "Memo");
    let r = run(&charges(), &[(no_checks.as_bytes(), "payments.csv")]).unwrap();
    assert_eq!(r.summary.rows.duplicates, 0);
    assert_eq!(r.summary.rows.payments, plain.summary.rows.payments + 2);
}

#[test]
fn two_payments_exports_that_overlap_count_the_overlap_once() {
    let plain = run(&charges(), &[(&payments(), "payments.csv")]).unwrap();
    let text = String::from_utf8(payments()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    // January's export holds rows 2 to 300, February's rows 201 to the end: 100 rows in both.
    let january = format!("{}\n", rows[..300].join("\n"));
    let february = format!("{}\n{}\n", rows[0], rows[200..].join("\n"));
    let r = run(&charges(), &[(january.as_bytes(), "january.csv"), (february.as_bytes(), "february.csv")])
        .unwrap();
    assert_same_lines(&r, &plain);
    // Row 288 ("see note" as the amount) is rejected in both files, so 99 repeat.
    assert_eq!(r.summary.rows.duplicates, 99);
    assert_eq!(r.rejected.iter().map(|x| x.row).collect::<Vec<_>>(), [288, 89]);
    let first = &r.duplicates[0];
    assert_eq!(
        (first.file.as_str(), first.row, first.repeats_file.as_str(), first.repeats),
        ("february.csv", 2, "january.csv", 201)
    );
    assert!(
        r.summary.notes.iter().any(|n| n.starts_with("99 payment row(s) repeat an earlier row")),
        "{:?}",
        r.summary.notes
    );
}

#[test]
fn the_same_file_given_twice_is_refused_naming_both() {
    let p = payments();
    let err = run(&charges(), &[(&p, "payments.csv"), (&p, "payments (1).csv")]).unwrap_err();
    assert!(matches!(err, InputError::SameFile { .. }));
    assert!(err.to_string().starts_with("payments.csv and payments (1).csv are the same file"), "{err}");
    let c = charges();
    let err = reconcile_files(
        &[&file(&c, "charges.csv")],
        &[&file(&c, "charges.csv")],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("charges.csv was chosen twice: each part"), "{err}");
}

#[test]
fn swapped_files_say_so() {
    // The payments file has a billed column, so it is read as charges; the charges file then
    // has nothing paid.
    let err = reconcile_files(
        &[&file(&payments(), "payments.csv")],
        &[&file(&charges(), "charges.csv")],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("charges.csv has billed amounts but no paid amount or adjustment: it looks like a charges file. Were the files swapped?"), "{err}");

    let paid_only = b"Claim,Paid,Check #\n1,10.00,CHK1\n";
    let err = reconcile_files(
        &[&file(paid_only, "era.csv")],
        &[&file(&payments(), "payments.csv")],
        &[],
        None,
        &options(),
        &Limits::default(),
        &mut NoProgress,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("era.csv has payment columns (insurance paid, check number) but no billed amount"),
        "{err}"
    );
    assert!(!err.contains("--map"), "{err}");
}

#[test]
fn an_837_is_read_as_charges_and_an_835_given_as_charges_says_where_it_goes() {
    let claims = read(&shared("x12-837/LinuxForHealth__x12/demo.example1.837"));
    // SPEC §11: an 837 is the charges: its four service lines (40 + 15 + 35 + 10).
    let report = run(&claims, &[(&payments(), "payments.csv")]).unwrap();
    assert_eq!(report.lines.len(), 4);
    assert_eq!(report.summary.totals.billed, "100.00".parse::<clearbill::money::Money>().unwrap());

    let era = read(&shared("x12-835/LinuxForHealth__x12/managed-care.835"));
    let err = run(&era, &[(&payments(), "payments.csv")]).unwrap_err().to_string();
    assert!(err.starts_with("charges.csv is an 835 remittance: it holds what the payer paid"), "{err}");
}

#[test]
fn a_check_in_two_835_files_is_read_once() {
    let era = read(&shared("x12-835/LinuxForHealth__x12/managed-care.835"));
    let charges = b"Claim #,DOS,CPT,Charges\n5554555444,03/01/2002,99211,800.00\n";
    let once = run(charges, &[(&era, "managed-care.835")]).unwrap();
    // The same check re-sent in another interchange (other bytes, same check).
    let resent = String::from_utf8(era.clone()).unwrap().replace("000000907", "000000908");
    assert_ne!(resent.as_bytes(), era.as_slice());
    let twice = run(charges, &[(&era, "managed-care.835"), (resent.as_bytes(), "resent.835")]).unwrap();
    assert_same_lines(&twice, &once);
    assert_eq!(twice.summary.rows.payments, once.summary.rows.payments);
    assert!(
        twice.summary.notes.iter().any(|n| n == "check 7170066655 from RUSHMORE LIFE appears in managed-care.835 and again in resent.835; read once"),
        "{:?}",
        twice.summary.notes
    );
}
