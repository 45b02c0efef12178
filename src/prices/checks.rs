//! The template's rules for one price row, as the CMS validator checks them: each broken
//! rule is a finding with the row and the field; the row is still read.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::charge::PriceRow;
use super::{Collector, Finding};

pub const SETTINGS: [&str; 3] = ["inpatient", "outpatient", "both"];

pub const METHODOLOGIES: [&str; 5] =
    ["case rate", "fee schedule", "percent of total billed charges", "per diem", "other"];

pub const CODE_TYPES: [&str; 21] = [
    "CPT",
    "NDC",
    "HCPCS",
    "RC",
    "ICD",
    "DRG",
    "MS-DRG",
    "R-DRG",
    "S-DRG",
    "APS-DRG",
    "AP-DRG",
    "APR-DRG",
    "APC",
    "LOCAL",
    "EAPG",
    "HIPPS",
    "CDT",
    "CDM",
    "TRIS-DRG",
    "CMG",
    "MS-LTC-DRG",
];

pub const DRUG_TYPES: [&str; 7] = ["GR", "ME", "ML", "UN", "F2", "EA", "GM"];

/// Plain positive numbers only: no `$`, no thousands separators, not zero.
pub fn positive_number(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    Decimal::from_str(text).ok().filter(|d| d.is_sign_positive() && !d.is_zero())
}

/// `0`, `1 through 10`, or a whole number of at least 11 with no separators.
pub fn is_count(text: &str) -> bool {
    text == "0"
        || text == "1 through 10"
        || (text.bytes().all(|b| b.is_ascii_digit())
            && !text.starts_with('0')
            && text.parse::<u64>().is_ok_and(|n| n >= 11))
}

/// YYYY-MM-DD, M/D/YYYY or MM/DD/YYYY.
pub fn is_template_date(text: &str) -> bool {
    use chrono::NaiveDate;
    NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
        || (text.len() >= 8 && text.len() <= 10 && NaiveDate::parse_from_str(text, "%m/%d/%Y").is_ok())
}

/// Checks one row. `item` adds the checks of the item itself (description, codes, setting,
/// charges, drug), once per line of a wide file.
pub(crate) fn row(row: &PriceRow, v3: bool, item: bool, collector: &mut Collector<'_>) {
    let at = row.row.clone();
    let mut error =
        |field: &str, message: &str| collector.finding(Finding::error(at.clone(), Some(field), message));
    let rate_given = row.negotiated_percentage.is_some() || row.negotiated_algorithm.is_some();
    let any_rate = rate_given || row.negotiated_dollar.is_some();
    if item {
        if row.description.is_empty() {
            error("description", "the description is missing");
        }
        if let Some(setting) = &row.setting {
            if !SETTINGS.contains(&setting.to_lowercase().as_str()) {
                error("setting", "the setting must be inpatient, outpatient or both");
            }
        } else if row.modifiers.is_none() {
            error("setting", "the setting is missing");
        }
        for code in &row.codes {
            if !CODE_TYPES.contains(&code.kind.to_uppercase().as_str()) {
                error("code|i|type", &format!("\"{}\" is not a code type of the template", code.kind));
            }
        }
        if row.codes.is_empty() && row.modifiers.is_none() {
            error("code|1", "the item has no code");
        }
        if row.modifiers.is_none() && row.gross.is_none() && row.discounted_cash.is_none() && !any_rate {
            error("standard_charge|gross", "the item has no charge at all");
        }
        if row.drug_unit.is_some() != row.drug_type.is_some() {
            error("drug_unit_of_measurement", "the drug unit and its type go together");
        }
        if let Some(kind) = &row.drug_type {
            if !DRUG_TYPES.contains(&kind.to_uppercase().as_str()) {
                error("drug_type_of_measurement", "the drug unit type is not one of the template's");
            }
        }
        if row.codes.iter().any(|c| c.kind.eq_ignore_ascii_case("NDC")) && row.drug_unit.is_none() {
            error("drug_unit_of_measurement", "an NDC code needs the drug unit and its type");
        }
    }
    let modifier_row = row.codes.is_empty() && row.modifiers.is_some();
    if modifier_row {
        // A modifier row adjusts the item it is attached to: a description and a rate or
        // notes are all it needs.
        if !any_rate && row.notes.is_none() {
            error("modifiers", "a modifier row needs a charge or notes");
        }
        return;
    }
    if any_rate {
        if row.payer.is_none() || row.plan.is_none() {
            error("payer_name", "a negotiated rate needs the payer and the plan");
        }
        if row.methodology.is_none() {
            error("standard_charge|methodology", "a negotiated rate needs its methodology");
        }
    } else if v3 && (row.payer.is_some() || row.plan.is_some()) && row.modifiers.is_none() {
        error("standard_charge|negotiated_dollar", "a payer and plan are given without a negotiated rate");
    }
    if let Some(m) = &row.methodology {
        if !METHODOLOGIES.contains(&m.to_lowercase().as_str()) {
            error("standard_charge|methodology", "the methodology is not one of the template's");
        } else if m.eq_ignore_ascii_case("other") && row.notes.is_none() {
            error("additional_generic_notes", "the methodology \"other\" needs notes");
        }
    }
    if row.negotiated_dollar.is_some() && (row.min.is_none() || row.max.is_none()) {
        error("standard_charge|min", "a negotiated dollar amount needs the item's min and max");
    }
    if let Some(count) = &row.count {
        if !is_count(count) {
            error("count", "count must be 0, \"1 through 10\" or a whole number of 11 or more");
        }
    }
    if rate_given && !v3 && row.estimated_amount.is_none() {
        error("estimated_amount", "a percentage or an algorithm needs the estimated amount");
    }
    if rate_given && v3 {
        match row.count.as_deref() {
            None => error("count", "a percentage or an algorithm needs the count of allowed amounts"),
            Some("0") => {
                if row.notes.is_none() {
                    error("additional_generic_notes", "a count of 0 needs a note saying why");
                }
            }
            Some(_) => {
                for (missing, field) in [
                    (row.median.is_none(), "median_amount"),
                    (row.p10.is_none(), "10th_percentile"),
                    (row.p90.is_none(), "90th_percentile"),
                ] {
                    if missing {
                        error(field, &format!("a percentage or an algorithm needs {field}"));
                    }
                }
            }
        }
    }
    let nines = Some(crate::Money::from_cents(99_999_999_900));
    if [row.estimated_amount, row.median, row.p10, row.p90].contains(&nines) {
        collector.finding(Finding::alert(at.clone(), None, "an allowed amount is 999999999, a placeholder"));
    }
    if v3 && row.estimated_amount.is_some() {
        collector.finding(Finding::alert(at, Some("estimated_amount"), "estimated_amount is a 2.x field"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_the_schema_allows() {
        for ok in ["0", "1 through 10", "11", "299", "1000"] {
            assert!(is_count(ok), "{ok}");
        }
        for bad in ["1", "10", "011", "1,000", "1 to 10", ""] {
            assert!(!is_count(bad), "{bad}");
        }
    }

    #[test]
    fn numbers_are_plain_and_positive() {
        assert_eq!(positive_number("12000.12"), Some(Decimal::new(1200012, 2)));
        for bad in ["0", "$5", "1,000", "N/A", "-3", ""] {
            assert_eq!(positive_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_of_the_template() {
        assert!(
            is_template_date("2026-04-01") && is_template_date("4/1/2026") && is_template_date("04/01/2026")
        );
        assert!(!is_template_date("July 1 2024"));
    }
}
