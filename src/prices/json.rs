//! A JSON price file, streamed with `struson`'s tokenizer.
//!
//! The top level is walked member by member. The header members are small and are read
//! whole; `standard_charge_information` can hold millions of items, so it is read one item
//! at a time (each item as a small `serde_json::Value`), turned into price rows (one per
//! setting × payer entry, row = the entry's JSON pointer) and dropped. The template's rules
//! that the schema states (required members, types, non-empty strings) and the row rules of
//! [`checks`](super::checks) give findings; a syntax error ends the reading with a finding,
//! keeping what came before it.

use std::io::Read;

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use struson::reader::{JsonReader, JsonStreamReader, ValueType};

use super::charge::{Code, PriceRow};
use super::checks;
use super::{Collector, Finding, Hospital, Layout, PriceError, PriceFile, Query};
use crate::Money;

pub fn read(source: impl Read, query: &Query) -> Result<PriceFile, PriceError> {
    let mut collector = Collector::new(query, Layout::Json);
    let mut header = Map::new();
    let mut items_seen = false;
    if let Err(message) = walk(source, &mut collector, &mut header, &mut items_seen) {
        collector.finding(Finding::error("/", None, format!("the JSON is broken: {message}")));
    }
    // Header members may come after the items; the header checks wait for the end.
    collector.out.hospital = hospital(&header);
    header_findings(&header, items_seen, &mut collector);
    Ok(collector.finish())
}

fn walk(
    source: impl Read,
    collector: &mut Collector<'_>,
    header: &mut Map<String, Value>,
    items_seen: &mut bool,
) -> Result<(), String> {
    let mut json = JsonStreamReader::new(source);
    let e = |e: struson::reader::ReaderError| e.to_string();
    json.begin_object().map_err(e)?;
    while json.has_next().map_err(e)? {
        let name = json.next_name_owned().map_err(e)?;
        match name.as_str() {
            "standard_charge_information" if json.peek().map_err(e)? == ValueType::Array => {
                *items_seen = true;
                json.begin_array().map_err(e)?;
                let mut index = 0usize;
                while json.has_next().map_err(e)? {
                    let item: Value = json.deserialize_next().map_err(|e| e.to_string())?;
                    // The version is needed for the row rules; it comes first in the
                    // template's examples. If it comes later, the 2.x rules are applied.
                    let v3 = rules_v3(header);
                    item_rows(&item, index, v3, collector);
                    index += 1;
                }
                json.end_array().map_err(e)?;
            }
            "modifier_information" => {
                let modifiers: Value = json.deserialize_next().map_err(|e| e.to_string())?;
                modifier_findings(&modifiers, collector);
            }
            _ => {
                let value: Value = json.deserialize_next().map_err(|e| e.to_string())?;
                header.insert(name, value);
            }
        }
    }
    json.end_object().map_err(e)?;
    json.consume_trailing_whitespace().map_err(e)?;
    Ok(())
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| string(Some(i))).collect(),
        Some(Value::String(s)) => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

/// The 3.0 rules apply when the version or the header's 3.0 names say so.
fn rules_v3(header: &Map<String, Value>) -> bool {
    header.get("version").and_then(Value::as_str).is_some_and(|v| v.trim().starts_with('3'))
        || header.contains_key("attestation")
        || header.contains_key("location_name")
}

fn hospital(header: &Map<String, Value>) -> Hospital {
    let license = header.get("license_information");
    let attestation = header.get("attestation").or_else(|| header.get("affirmation"));
    let confirmed =
        attestation.and_then(|a| a.get("confirm_attestation").or_else(|| a.get("confirm_affirmation")));
    let provisions = match header.get("general_contract_provisions") {
        Some(Value::Array(items)) => {
            let texts: Vec<String> = items.iter().filter_map(|p| string(p.get("provisions"))).collect();
            (!texts.is_empty()).then(|| texts.join(" | "))
        }
        other => string(other),
    };
    Hospital {
        name: string(header.get("hospital_name")),
        last_updated: string(header.get("last_updated_on")),
        version: string(header.get("version")),
        locations: strings(header.get("location_name").or_else(|| header.get("hospital_location"))),
        addresses: strings(header.get("hospital_address")),
        license_number: string(license.and_then(|l| l.get("license_number"))),
        license_state: string(license.and_then(|l| l.get("state"))),
        type_2_npi: strings(header.get("type_2_npi")),
        attestation: confirmed.and_then(Value::as_bool),
        attester_name: string(attestation.and_then(|a| a.get("attester_name"))),
        financial_aid_policy: string(header.get("financial_aid_policy")),
        general_contract_provisions: provisions,
        rules: if rules_v3(header) { super::Rules::V3 } else { super::Rules::V2 },
    }
}

fn header_findings(header: &Map<String, Value>, items_seen: bool, collector: &mut Collector<'_>) {
    let v3 = collector.out.hospital.is_v3();
    let required: &[&str] = if v3 {
        &[
            "hospital_name",
            "last_updated_on",
            "version",
            "location_name",
            "hospital_address",
            "license_information",
            "type_2_npi",
            "attestation",
        ]
    } else {
        &[
            "hospital_name",
            "last_updated_on",
            "version",
            "hospital_location",
            "hospital_address",
            "license_information",
            "affirmation",
        ]
    };
    for name in required {
        if !header.contains_key(*name) {
            collector.finding(Finding::error("/", Some(name), format!("{name} is missing")));
        }
    }
    if !items_seen {
        collector.finding(Finding::error(
            "/",
            Some("standard_charge_information"),
            "standard_charge_information is missing",
        ));
    }
    for name in ["location_name", "hospital_location", "hospital_address", "type_2_npi"] {
        if let Some(Value::Array(items)) = header.get(name) {
            if items.iter().any(|i| i.as_str().is_none_or(|s| s.trim().is_empty())) {
                collector.finding(Finding::error(
                    format!("/{name}"),
                    Some(name),
                    format!("{name} has an empty entry"),
                ));
            }
        }
    }
    if let Some(date) = header.get("last_updated_on").and_then(Value::as_str) {
        if !checks::is_template_date(date) {
            collector.finding(Finding::error(
                "/last_updated_on",
                Some("last_updated_on"),
                "last_updated_on is not a date",
            ));
        }
    }
    let version = collector.out.hospital.version.clone().unwrap_or_default();
    let expected = if v3 {
        version.starts_with('3')
    } else {
        ["2.0.0", "2.1.0", "2.2.0", "2.2.1"].contains(&version.as_str())
    };
    if !expected && !version.is_empty() {
        collector.finding(Finding::alert(
            "/version",
            Some("version"),
            "the version does not match the template the file follows",
        ));
    }
    if collector.out.hospital.attestation == Some(false) {
        collector.finding(Finding::alert(
            "/attestation",
            Some("attestation"),
            "the hospital did not confirm its attestation",
        ));
    }
}

/// A money member: a positive JSON number. Anything else is a finding.
fn money(object: &Value, key: &str, pointer: &str, collector: &mut Collector<'_>) -> Option<Money> {
    number(object, key, pointer, collector).map(Money::from_decimal)
}

fn number(object: &Value, key: &str, pointer: &str, collector: &mut Collector<'_>) -> Option<Decimal> {
    let value = object.get(key)?;
    let parsed = match value {
        // serde_json prints a float as its shortest round trip: 25440.9 stays 25440.9.
        Value::Number(n) => checks::positive_number(&n.to_string()).or_else(|| {
            n.as_f64()
                .and_then(rust_decimal::prelude::FromPrimitive::from_f64)
                .filter(|d: &Decimal| d.is_sign_positive() && !d.is_zero())
        }),
        _ => None,
    };
    if parsed.is_none() {
        collector.finding(Finding::error(
            pointer.to_string(),
            Some(key),
            format!("{key} must be a positive number"),
        ));
    }
    parsed
}

/// A text member; an empty string is a finding (the schema's minLength 1).
fn text(object: &Value, key: &str, pointer: &str, collector: &mut Collector<'_>) -> Option<String> {
    match object.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::String(_) => {
            collector.finding(Finding::error(pointer.to_string(), Some(key), format!("{key} is empty")));
            None
        }
        _ => {
            collector.finding(Finding::error(pointer.to_string(), Some(key), format!("{key} must be text")));
            None
        }
    }
}

fn item_rows(item: &Value, index: usize, v3: bool, collector: &mut Collector<'_>) {
    let at = format!("/standard_charge_information/{index}");
    let mut base = PriceRow { row: at.clone(), ..Default::default() };
    base.description = text(item, "description", &at, collector).unwrap_or_default();
    let codes = match item.get("code_information") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let p = format!("{at}/code_information/{i}");
                let code = match c.get("code") {
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => text(c, "code", &p, collector),
                };
                let kind = text(c, "type", &p, collector);
                match (code, kind) {
                    (Some(code), Some(kind)) => Some(Code { code, kind }),
                    _ => {
                        collector.finding(Finding::error(
                            p,
                            Some("code_information"),
                            "a code needs its code and type",
                        ));
                        None
                    }
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    base.set_codes(codes);
    if let Some(drug) = item.get("drug_information") {
        base.drug_unit = match drug.get("unit") {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        base.drug_type = string(drug.get("type"));
    }
    let generic_notes = text(item, "additional_generic_notes", &at, collector);
    let Some(Value::Array(charges)) = item.get("standard_charges") else {
        collector.finding(Finding::error(
            at.clone(),
            Some("standard_charges"),
            "the item has no standard charges",
        ));
        collector.out.rows += 1;
        base.notes = generic_notes;
        collector.offer(base);
        return;
    };
    for (s, charge) in charges.iter().enumerate() {
        let cp = format!("{at}/standard_charges/{s}");
        let mut row = base.clone();
        row.row = cp.clone();
        row.setting = text(charge, "setting", &cp, collector);
        row.gross = money(charge, "gross_charge", &cp, collector);
        row.discounted_cash = money(charge, "discounted_cash", &cp, collector);
        row.min = money(charge, "minimum", &cp, collector);
        row.max = money(charge, "maximum", &cp, collector);
        if let Some(Value::Array(mods)) = charge.get("modifier_code") {
            let mods: Vec<&str> = mods.iter().filter_map(Value::as_str).collect();
            row.modifiers = (!mods.is_empty()).then(|| mods.join("|"));
        }
        let charge_notes = text(charge, "additional_generic_notes", &cp, collector);
        let notes = charge_notes.or_else(|| generic_notes.clone());
        let payers = match charge.get("payers_information") {
            Some(Value::Array(p)) if !p.is_empty() => p,
            _ => {
                collector.out.rows += 1;
                row.notes = notes;
                checks::row(&row, v3, true, collector);
                collector.offer(row);
                continue;
            }
        };
        for (p, payer) in payers.iter().enumerate() {
            let pp = format!("{cp}/payers_information/{p}");
            let mut r = row.clone();
            r.row = pp.clone();
            r.payer = text(payer, "payer_name", &pp, collector);
            r.plan = text(payer, "plan_name", &pp, collector);
            r.negotiated_dollar = money(payer, "standard_charge_dollar", &pp, collector);
            r.negotiated_percentage = number(payer, "standard_charge_percentage", &pp, collector);
            r.negotiated_algorithm = text(payer, "standard_charge_algorithm", &pp, collector);
            r.estimated_amount = money(payer, "estimated_amount", &pp, collector);
            r.median = money(payer, "median_amount", &pp, collector);
            r.p10 = money(payer, "10th_percentile", &pp, collector);
            r.p90 = money(payer, "90th_percentile", &pp, collector);
            r.count = text(payer, "count", &pp, collector);
            r.methodology = text(payer, "methodology", &pp, collector);
            let payer_notes = text(payer, "additional_payer_notes", &pp, collector);
            r.notes = match (payer_notes, notes.clone()) {
                (Some(a), Some(b)) => Some(format!("{a} | {b}")),
                (a, b) => a.or(b),
            };
            collector.out.rows += 1;
            checks::row(&r, v3, p == 0, collector);
            collector.offer(r);
        }
    }
}

fn modifier_findings(modifiers: &Value, collector: &mut Collector<'_>) {
    let Value::Array(list) = modifiers else { return };
    for (i, m) in list.iter().enumerate() {
        let at = format!("/modifier_information/{i}");
        text(m, "description", &at, collector);
        text(m, "code", &at, collector);
        if let Some(setting) = text(m, "setting", &at, collector) {
            if !checks::SETTINGS.contains(&setting.to_lowercase().as_str()) {
                collector.finding(Finding::error(
                    at.clone(),
                    Some("setting"),
                    "the setting must be inpatient, outpatient or both",
                ));
            }
        }
    }
}
