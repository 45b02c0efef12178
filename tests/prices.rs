//! Hospital price files (SPEC §10) on the CMS examples and validator fixtures
//! (tests/data/shared/hpt, see its README.md for the facts checked here).

use std::fs::File;
use std::path::{Path, PathBuf};

use clearbill::prices::{
    self, Basis, EstimateNote, Layout, PayerChoice, PriceFile, PriceMatch, Query, Severity,
};
use clearbill::Money;

fn hpt(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared/hpt").join(path)
}

fn read(path: &str, query: &Query) -> PriceFile {
    prices::read(File::open(hpt(path)).unwrap(), query).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn code(code: &str, payer: &str, plan: &str) -> Query {
    Query {
        code: Some(code.into()),
        payer: PayerChoice::Named(payer.into()),
        plan: Some(plan.into()),
        ..Default::default()
    }
}

fn money(text: &str) -> Option<Money> {
    Some(text.parse().unwrap())
}

fn only(file: &PriceFile) -> &PriceMatch {
    assert_eq!(file.matches.len(), 1, "{:#?}", file.matches);
    &file.matches[0]
}

const V3_TALL: &str = "v3.0/V3.0.0_Tall_CSV_Format_Example.csv";
const V3_WIDE: &str = "v3.0/V3.0.0_Wide_CSV_Format_Example.csv";
const V3_JSON: &str = "v3.0/v3_json_format_example.json";
const V2_TALL: &str = "v2.2/V2.0.0_Tall_CSV_Format_Example.csv";
const V2_WIDE: &str = "v2.2/V2.0.0_Wide_CSV_Format_Example.csv";
const V2_JSON: &str = "v2.2/V2.0.0_JSON_Format_Example.json";

#[test]
fn every_example_reads_with_its_header_and_rows() {
    for (path, layout, version, rows) in [
        (V3_TALL, Layout::CsvTall, "3.0.0", 45),
        (V3_WIDE, Layout::CsvWide, "3.0.0", 26),
        (V2_TALL, Layout::CsvTall, "2.0.0", 31),
        (V2_WIDE, Layout::CsvWide, "2.0.0", 20),
        (V3_JSON, Layout::Json, "3.0.0", 0),
        (V2_JSON, Layout::Json, "2.0.0", 0),
    ] {
        let file = read(path, &Query::default());
        assert_eq!(file.layout, layout, "{path}");
        assert_eq!(file.hospital.name.as_deref(), Some("West Mercy Hospital"), "{path}");
        assert_eq!(file.hospital.version.as_deref(), Some(version), "{path}");
        assert_eq!(file.hospital.locations, ["West Mercy Hospital", "West Mercy Surgical Center"], "{path}");
        assert_eq!(file.hospital.license_number.as_deref(), Some("50056"), "{path}");
        assert_eq!(file.hospital.license_state.as_deref(), Some("CA"), "{path}");
        if rows > 0 {
            assert_eq!(file.rows, rows, "{path}");
        }
        assert!(file.rows > 0, "{path}");
        assert!(file.matches.is_empty(), "{path}: a pass without a search keeps no rows");
        assert!(file.payers.iter().any(|p| p.plan == "PPO"), "{path}: {:?}", file.payers);
    }
    let v3 = read(V3_TALL, &Query::default()).hospital;
    assert_eq!(v3.type_2_npi, ["0000000001", "0000000002", "0000000003"]);
    assert_eq!(v3.attestation, Some(true));
    assert_eq!(v3.attester_name.as_deref(), Some("Leigh Attester"));
    assert_eq!(v3.last_updated.as_deref(), Some("4/1/2026"));
    // Two spaces after the last NPI of the wide file are trimmed.
    assert_eq!(
        read(V3_WIDE, &Query::default()).hospital.type_2_npi,
        ["0000000001", "0000000002", "0000000003"]
    );
}

#[test]
fn fact_1_mri_of_the_brain_is_400_for_platform_ppo_in_every_layout() {
    for path in [V3_TALL, V3_WIDE, V3_JSON] {
        let file = read(path, &code("70551", "Platform Health Insurance", "PPO"));
        let m = only(&file);
        assert_eq!(m.row.description, "MRI of brain (no contrast)", "{path}");
        assert_eq!((m.row.code.as_deref(), m.row.code_type.as_deref()), (Some("611"), Some("RC")), "{path}");
        assert_eq!(m.row.codes[1].code, "70551");
        assert_eq!(m.row.negotiated_dollar, money("400"), "{path}");
        assert_eq!((m.row.gross, m.row.discounted_cash), (money("1200"), money("1080")), "{path}");
        assert_eq!((m.row.min, m.row.max), (money("250"), money("400")), "{path}");
        assert_eq!(m.row.methodology.as_deref(), Some("fee schedule"), "{path}");
        assert_eq!(
            (m.allowed.allowed_for_estimate, m.allowed.basis),
            (money("400"), Some(Basis::NegotiatedDollar)),
            "{path}"
        );
        assert!(m.allowed.estimate_notes.is_empty(), "{path}: cash 1080 is not cheaper than 400");
    }
    let tall = read(V3_TALL, &code("70551", "Platform Health Insurance", "PPO"));
    assert_eq!(only(&tall).row.row, "4");
    let region = read(V3_TALL, &code("70551", "region", "hmo"));
    assert_eq!((only(&region).row.row.as_str(), only(&region).row.negotiated_dollar), ("5", money("250")));
}

#[test]
fn fact_2_er_level_3_uses_the_median_not_80_percent_of_gross() {
    let file = read(V3_TALL, &code("99283", "Platform", "PPO"));
    let m = only(&file);
    assert_eq!(m.row.row, "22");
    assert_eq!(m.row.description, "ER level 3");
    assert_eq!(m.row.negotiated_percentage.map(|p| p.to_string()).as_deref(), Some("80"));
    assert_eq!(m.row.gross, money("4000"));
    assert_eq!(
        (m.row.median, m.row.p10, m.row.p90),
        (money("12000.12"), money("5123.74"), money("16784.22"))
    );
    assert_eq!(m.row.count.as_deref(), Some("299"));
    assert_eq!((m.row.negotiated_dollar, m.row.min, m.row.max), (None, None, None));
    assert_eq!(
        (m.allowed.allowed_for_estimate, m.allowed.basis),
        (money("12000.12"), Some(Basis::MedianAmount))
    );
    for path in [V3_WIDE, V3_JSON] {
        let m = read(path, &code("99283", "Platform", "PPO")).matches.remove(0);
        assert_eq!(m.allowed.allowed_for_estimate, money("12000.12"), "{path}");
    }
}

#[test]
fn fact_3_cesarean_by_algorithm_uses_the_median_and_keeps_the_count_as_written() {
    let file = read(V3_TALL, &code("786", "Platform Health Insurance", "PPO"));
    let m = only(&file);
    assert_eq!(m.row.row, "14");
    assert_eq!(m.row.code_type.as_deref(), Some("MS-DRG"));
    assert!(m
        .row
        .negotiated_algorithm
        .as_deref()
        .unwrap()
        .starts_with("Allowed amount = $8,000 + MAX (0, ($3,000 x (covered days - 4))"));
    assert_eq!((m.row.median, m.row.p10, m.row.p90), (money("11000"), money("8000"), money("17000")));
    assert_eq!(m.row.count.as_deref(), Some("1 through 10"));
    assert_eq!((m.row.gross, m.row.min, m.row.max), (None, None, None));
    assert_eq!(
        (m.allowed.allowed_for_estimate, m.allowed.basis),
        (money("11000"), Some(Basis::MedianAmount))
    );
    let region = read(V3_TALL, &code("786", "Region Health Insurance", "HMO"));
    assert_eq!((only(&region).row.row.as_str(), only(&region).row.median), ("15", money("7500")));
    assert_eq!(only(&region).row.count.as_deref(), Some("14"));
}

#[test]
fn fact_4_heart_transplant_count_zero_has_no_amount_and_says_so() {
    let file = read(V3_TALL, &code("001", "Region", "HMO"));
    let m = only(&file);
    assert_eq!(m.row.row, "21");
    assert_eq!(m.row.code.as_deref(), Some("001"), "the code keeps its leading zeros");
    assert!(m.row.negotiated_algorithm.is_some());
    assert_eq!(m.row.count.as_deref(), Some("0"));
    assert_eq!((m.row.median, m.row.p10, m.row.p90, m.row.min, m.row.max), (None, None, None, None, None));
    assert_eq!(m.row.methodology.as_deref(), Some("other"));
    assert!(m
        .row
        .notes
        .as_deref()
        .unwrap()
        .contains("No services performed during 15-month lookback period."));
    assert_eq!((m.allowed.allowed_for_estimate, m.allowed.basis), (None, None));
    assert!(m.allowed.estimate_notes.contains(&EstimateNote::NoPaidClaims));
    assert!(m.allowed.estimate_notes.contains(&EstimateNote::NoAmount));
    assert!(read(V3_TALL, &code("1", "Region", "HMO")).matches.is_empty(), "001 is not 1");
}

#[test]
fn fact_5_v2_hearing_evaluation_uses_the_estimated_amount_not_115_percent_of_gross() {
    let file = read(V2_TALL, &code("92626", "Region Health Insurance", "HMO"));
    let m = only(&file);
    assert_eq!(m.row.row, "9");
    assert_eq!(m.row.negotiated_percentage.map(|p| p.to_string()).as_deref(), Some("115"));
    assert_eq!((m.row.gross, m.row.estimated_amount), (money("150"), money("105.34")));
    assert_eq!(m.row.notes.as_deref(), Some("115% of the state's workers' compensation amount."));
    assert_eq!(
        (m.allowed.allowed_for_estimate, m.allowed.basis),
        (money("105.34"), Some(Basis::EstimatedAmount))
    );
    let drg = read(V2_TALL, &code("470", "Region", "HMO"));
    let m = only(&drg);
    assert_eq!(m.row.row, "7");
    assert_eq!(m.row.gross, None);
    assert_eq!(
        (m.allowed.allowed_for_estimate, m.allowed.basis),
        (money("23145.98"), Some(Basis::EstimatedAmount))
    );
    // The same row in the 2.x wide file (underscored payer names) and JSON.
    for path in [V2_WIDE, V2_JSON] {
        let m = read(path, &code("92626", "Region Health Insurance", "HMO")).matches.remove(0);
        assert_eq!(m.allowed.allowed_for_estimate, money("105.34"), "{path}");
    }
}

#[test]
fn the_v3_tall_file_disagrees_with_itself_on_the_80048_minimum() {
    let file = read(V3_TALL, &Query { code: Some("80048".into()), ..Default::default() });
    let lines: Vec<(&str, Option<Money>)> =
        file.matches.iter().map(|m| (m.row.row.as_str(), m.row.min)).collect();
    assert_eq!(lines[..2], [("12", money("150")), ("13", money("125"))]);
}

#[test]
fn the_2x_wide_file_is_cp1252_and_still_reads() {
    let file = read(V2_WIDE, &Query { words: Some("—".into()), ..Default::default() });
    assert!(!file.matches.is_empty(), "the em dash 0x97 is read as Windows-1252");
}

#[test]
fn search_by_words_and_cash_gives_one_row_per_item() {
    let cash = read(
        V3_TALL,
        &Query { words: Some("mri brain".into()), payer: PayerChoice::Cash, ..Default::default() },
    );
    let m = only(&cash);
    assert_eq!((m.row.payer.as_deref(), m.row.plan.as_deref()), (None, None));
    assert_eq!(
        (m.allowed.allowed_for_estimate, m.allowed.basis),
        (money("1080"), Some(Basis::DiscountedCash))
    );
}

#[test]
fn drugs_carry_their_quantity() {
    let file = read(V3_TALL, &code("J1450", "Platform", "PPO"));
    let m = only(&file);
    assert_eq!((m.row.drug_unit.as_deref(), m.row.drug_type.as_deref()), (Some("100"), Some("ML")));
    assert_eq!(m.allowed.allowed_for_estimate, money("35"));
    assert!(m.allowed.estimate_notes.contains(&EstimateNote::DrugQuantity));
}

fn errors(file: &PriceFile) -> Vec<String> {
    file.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("row {} {:?}: {}", f.row, f.field, f.message))
        .collect()
}

#[test]
fn the_cms_examples_are_valid() {
    for path in [V3_TALL, V3_WIDE, V3_JSON, V2_TALL, V2_WIDE, V2_JSON] {
        let file = read(path, &Query::default());
        assert!(file.valid, "{path}: {:#?}", errors(&file));
    }
}

#[test]
fn validator_fixtures_are_valid_or_invalid_as_the_validator_says() {
    let valid = [
        "sample-tall-valid.csv",
        "sample-wide-valid.csv",
        "sample-tall-small-rows.csv",
        "sample-tall-mixed-line-endings.csv",
        "sample-wide-blank-headers.csv",
        "sample-valid.json",
        "sample-valid-bom.json",
        "sample-valid-drug-info.json",
        "sample-valid-modifier.json",
        "3.0/sample-valid.json",
        "3.0/sample-valid-drug-info.json",
        "3.0/sample-valid-allowed-amount-zero.json",
    ];
    for path in valid {
        let file = read(&format!("hpt-validator/{path}"), &Query::default());
        assert!(file.valid, "{path}: {:#?}", errors(&file));
    }
    // Valid, with alerts.
    for path in ["false-confirmation", "estimated-amount", "allowed-amounts-nine-9s", "unexpected-version"] {
        let file = read(&format!("hpt-validator/3.0/{path}.json"), &Query::default());
        assert!(file.valid, "{path}: {:#?}", errors(&file));
        assert!(file.findings.iter().any(|f| f.severity == Severity::Alert), "{path}: an alert is expected");
    }
    let invalid = [
        "sample-blank-header.csv",
        "sample-no-data.csv",
        "sample-bad-header.csv",
        "sample-bad-item-header.csv",
        "sample-lots-of-errors.csv",
        "sample-invalid.json",
        "sample-empty.json",
        "sample-missing-estimate.json",
        "sample-no-min-max.json",
        "sample-other-no-notes.json",
        "sample-ndc-no-drug-info.json",
        "3.0/sample-empty-address.json",
        "3.0/sample-empty-location.json",
        "3.0/sample-empty-generic-notes.json",
        "3.0/sample-empty-payer-notes.json",
        "3.0/sample-empty-algorithm.json",
        "3.0/sample-missing-median.json",
        "3.0/sample-missing-10th.json",
        "3.0/sample-missing-90th.json",
        "3.0/sample-missing-count-of-allowed-amounts.json",
        "3.0/sample-modifier-invalid-setting.json",
        "3.0/sample-payer-no-charge.json",
        "3.0/alerts-with-errors.json",
    ];
    for path in invalid {
        let file = read(&format!("hpt-validator/{path}"), &Query::default());
        assert!(!file.valid, "{path} should be invalid");
    }
}

#[test]
fn the_bad_header_fixture_gives_the_validators_two_errors_at_b2_and_r10() {
    let file = read("hpt-validator/sample-bad-header.csv", &Query::default());
    let found: Vec<(String, Option<String>)> = file
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.row.clone(), f.field.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("2".to_string(), Some("last_updated_on".to_string())),
            ("10".to_string(), Some("standard_charge|methodology".to_string()))
        ]
    );
    // The rows are still read.
    assert!(file.rows > 0);
}

#[test]
fn an_empty_json_object_misses_the_eight_required_members() {
    let file = read("hpt-validator/sample-empty.json", &Query::default());
    assert_eq!(errors(&file).len(), 8, "{:#?}", errors(&file));
}

#[test]
fn broken_json_keeps_what_came_before_and_reports_where() {
    let file = read("hpt-validator/sample-invalid.json", &Query::default());
    assert!(errors(&file).iter().any(|e| e.contains("the JSON is broken")), "{:#?}", errors(&file));
}

#[test]
fn the_item_header_fixture_names_the_missing_description() {
    let file = read("hpt-validator/sample-bad-item-header.csv", &Query::default());
    assert!(
        file.findings.iter().any(|f| f.row == "3" && f.field.as_deref() == Some("description")),
        "{:#?}",
        errors(&file)
    );
}
