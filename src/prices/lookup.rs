//! What the patient looks for in a price file (SPEC §10): a code of any type, or words of
//! the description; their payer and plan, matched loosely (case, spaces and punctuation
//! ignored, "BCBS" = "Blue Cross Blue Shield"), or "no insurance / cash"; and a setting.

use serde::Deserialize;

use super::charge::PriceRow;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PayerChoice {
    /// Every payer and plan (and rows without one).
    #[default]
    Any,
    /// Text the payer's name must contain, loosely.
    Named(String),
    /// No insurance: one row per item, priced at the discounted cash price.
    Cash,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Query {
    /// A code of any type, compared as written (case and outer spaces ignored).
    pub code: Option<String>,
    /// Words that must all appear in the description (case ignored).
    pub words: Option<String>,
    pub payer: PayerChoice,
    /// Text the plan's name must contain, loosely.
    pub plan: Option<String>,
    /// `inpatient` / `outpatient`; rows for `both` match either.
    pub setting: Option<String>,
    /// Matches kept; the rest are counted.
    pub max_matches: Option<usize>,
}

impl Query {
    /// A query with neither code nor words matches nothing: a pass then only reads the
    /// header, the payer names and the findings.
    pub fn is_search(&self) -> bool {
        self.code.as_deref().is_some_and(|c| !c.trim().is_empty())
            || self.words.as_deref().is_some_and(|w| !w.trim().is_empty())
    }

    pub fn matches(&self, row: &PriceRow) -> bool {
        if !self.is_search() {
            return false;
        }
        if let Some(code) = self.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            if !row.codes.iter().any(|c| c.code.trim().eq_ignore_ascii_case(code)) {
                return false;
            }
        }
        if let Some(words) = &self.words {
            let description = row.description.to_lowercase();
            if !words.split_whitespace().all(|w| description.contains(&w.to_lowercase())) {
                return false;
            }
        }
        if let Some(setting) = self.setting.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let row_setting = row.setting.as_deref().unwrap_or("").trim();
            if !(row_setting.eq_ignore_ascii_case(setting) || row_setting.eq_ignore_ascii_case("both")) {
                return false;
            }
        }
        match &self.payer {
            PayerChoice::Any | PayerChoice::Cash => {}
            PayerChoice::Named(payer) => {
                if !row.payer.as_deref().is_some_and(|p| names_match(p, payer)) {
                    return false;
                }
            }
        }
        if let (PayerChoice::Named(_) | PayerChoice::Any, Some(plan)) = (&self.payer, &self.plan) {
            if !row.plan.as_deref().is_some_and(|p| names_match(p, plan)) {
                return false;
            }
        }
        true
    }
}

/// The patient has no insurance: "cash", "self-pay", "no insurance", "uninsured".
pub fn is_cash(typed: &str) -> bool {
    matches!(loose(typed).as_str(), "cash" | "selfpay" | "noinsurance" | "uninsured" | "none")
}

/// A name reduced for comparing: lower case, letters and digits only, with the usual
/// abbreviations spelled out.
pub fn loose(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        words.push(match word.as_str() {
            "bcbs" => "bluecrossblueshield".to_string(),
            "bc" => "bluecross".to_string(),
            "bs" => "blueshield".to_string(),
            "uhc" => "unitedhealthcare".to_string(),
            "ins" => "insurance".to_string(),
            _ => word,
        });
    }
    words.concat()
}

/// The name in the file contains what the patient typed, loosely, or the reverse
/// ("Aetna" finds "Aetna Health Inc."; "Platform Health Insurance PPO" finds "Platform").
pub fn names_match(in_file: &str, typed: &str) -> bool {
    let (file, typed) = (loose(in_file), loose(typed));
    !typed.is_empty() && (file.contains(&typed) || typed.contains(&file) && !file.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices::Code;

    #[test]
    fn bcbs_is_blue_cross_blue_shield() {
        assert!(names_match("Blue Cross Blue Shield of Texas", "BCBS"));
        assert!(names_match("BCBS-TX", "blue cross  blue shield"));
        assert!(names_match("Platform_Health_Insurance", "platform health insurance"));
        assert!(!names_match("Region Health Insurance", "Platform"));
        assert!(!names_match("Aetna", ""));
    }

    fn row() -> PriceRow {
        let mut row = PriceRow {
            description: "MRI of brain (no contrast)".into(),
            setting: Some("outpatient".into()),
            payer: Some("Platform Health Insurance".into()),
            plan: Some("PPO".into()),
            ..Default::default()
        };
        row.set_codes(vec![
            Code { code: "611".into(), kind: "RC".into() },
            Code { code: "70551".into(), kind: "CPT".into() },
        ]);
        row
    }

    #[test]
    fn any_code_of_the_item_matches_and_leading_zeros_count() {
        let q = |code: &str| Query { code: Some(code.into()), ..Default::default() };
        assert!(q("70551").matches(&row()));
        assert!(q(" 611 ").matches(&row()));
        assert!(!q("0611").matches(&row()));
        assert!(!Query::default().matches(&row()), "no code and no words is not a search");
    }

    #[test]
    fn words_payer_plan_and_setting() {
        let base = Query { words: Some("brain mri".into()), ..Default::default() };
        assert!(base.matches(&row()));
        assert!(Query {
            payer: PayerChoice::Named("platform".into()),
            plan: Some("ppo".into()),
            ..base.clone()
        }
        .matches(&row()));
        assert!(!Query { payer: PayerChoice::Named("region".into()), ..base.clone() }.matches(&row()));
        assert!(!Query { setting: Some("inpatient".into()), ..base.clone() }.matches(&row()));
        assert!(Query { payer: PayerChoice::Cash, plan: Some("HMO".into()), ..base }.matches(&row()));
    }
}
