//! One item's standard charges for one payer and plan: the fields of the CMS template.
//!
//! A tall CSV row is one [`PriceRow`]; a wide CSV row gives one per payer × plan group; a
//! JSON item gives one per setting × payer. Money fields are [`Money`]; the percentage stays
//! a `Decimal` (70.5 means 70.5 %), and `count` stays text as written (`"1 through 10"`).

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::Money;

/// A billing code and its type (CPT, HCPCS, MS-DRG, RC, NDC, CDM, …), kept as written
/// (`001`, `0093-8739-01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    pub code: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceRow {
    /// The 1-based line of a CSV, or the JSON pointer of the payer entry.
    pub row: String,
    /// The first code and its type (the SPEC's `code`, `codeType`).
    pub code: Option<String>,
    pub code_type: Option<String>,
    /// Every code of the item, in file order.
    pub codes: Vec<Code>,
    pub description: String,
    pub modifiers: Option<String>,
    pub setting: Option<String>,
    pub drug_unit: Option<String>,
    pub drug_type: Option<String>,
    pub payer: Option<String>,
    pub plan: Option<String>,
    pub gross: Option<Money>,
    pub discounted_cash: Option<Money>,
    pub min: Option<Money>,
    pub max: Option<Money>,
    pub negotiated_dollar: Option<Money>,
    #[serde(serialize_with = "plain_decimal")]
    pub negotiated_percentage: Option<Decimal>,
    pub negotiated_algorithm: Option<String>,
    pub median: Option<Money>,
    pub p10: Option<Money>,
    pub p90: Option<Money>,
    pub count: Option<String>,
    pub estimated_amount: Option<Money>,
    pub methodology: Option<String>,
    /// Payer notes and generic notes, joined by " | " when both are given.
    pub notes: Option<String>,
}

fn plain_decimal<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => s.serialize_str(&d.normalize().to_string()),
        None => s.serialize_none(),
    }
}

impl PriceRow {
    /// Sets the codes and the SPEC's `code` / `codeType` (the first code).
    pub fn set_codes(&mut self, codes: Vec<Code>) {
        self.code = codes.first().map(|c| c.code.clone());
        self.code_type = codes.first().map(|c| c.kind.clone());
        self.codes = codes;
    }

    /// The methodology says the rate is a percent of the billed charges.
    pub fn is_percent_of_billed(&self) -> bool {
        self.methodology
            .as_deref()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("percent of total billed charges"))
    }
}
