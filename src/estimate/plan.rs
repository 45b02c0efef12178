//! The plan a patient types in (SPEC §5 "The plan", SPEC §7 "Plan JSON").
//!
//! A [`Plan`] has an in-network [`Tier`], an optional out-of-network tier and
//! optional embedded [`Family`] limits. A tier holds the deductible, the
//! out-of-pocket maximum (`None` = no limit, as in Original Medicare), the
//! amounts already met, the coinsurance rate and a [`Copay`] per [`Category`].
//!
//! [`Plan::from_json`] reads the contract with unknown fields refused, so a typo
//! such as `"deductable"` is an error that names the field instead of a silent
//! zero, and [`Plan::validate`] checks the values (no negative amounts, rates
//! within 0–1, nothing met above its limit). Errors name the field by its JSON
//! path (`inNetwork.copays.office.amount`).
//!
//! Defaults where the contract leaves a field out: amounts met are 0, a missing
//! `outOfPocketMax` means no limit (the same as `null`), and a copay without
//! flags is charged before the deductible with no coinsurance on top, which is
//! how most plans print "$30 copay".

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::explain::dollars;
use crate::money::{Money, Rate};

/// The service categories of SPEC §5 and §9.3, each with its own copay in a plan.
///
/// `Imaging` is version 1's: SPEC §9.3 splits it into `ImagingAdvanced` (CT, MRI,
/// PET; what an SBC calls "Imaging") and `DiagnosticTest` (x-rays), so that an
/// x-ray no longer takes the MRI copay. `imaging` is still read: a line with a
/// code is placed by its code ([`imaging_for_code`]), and a plan's `imaging`
/// copay is the advanced-imaging copay when the plan gives no other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Office,
    Specialist,
    UrgentCare,
    Emergency,
    Imaging,
    ImagingAdvanced,
    DiagnosticTest,
    Lab,
    Preventive,
    Hospital,
    Surgery,
    MentalHealth,
    Maternity,
    Rehab,
    Equipment,
    Ambulance,
    DrugGeneric,
    DrugPreferred,
    DrugBrand,
    DrugSpecialty,
    Other,
}

impl Category {
    /// A prescription drug line, which a separate drug deductible applies to (SPEC §9.3).
    pub fn is_drug(self) -> bool {
        matches!(
            self,
            Category::DrugGeneric | Category::DrugPreferred | Category::DrugBrand | Category::DrugSpecialty
        )
    }

    /// The plan's copay for this category: its own, or for advanced imaging (and
    /// version 1's imaging) the other of the two imaging keys (SPEC §9.3).
    pub fn copay_in(self, copays: &BTreeMap<Category, Copay>) -> Option<Copay> {
        let fallback = match self {
            Category::ImagingAdvanced => Some(Category::Imaging),
            Category::Imaging => Some(Category::ImagingAdvanced),
            _ => None,
        };
        copays.get(&self).or_else(|| fallback.and_then(|c| copays.get(&c))).copied()
    }

    pub const ALL: [Category; 21] = [
        Category::Office,
        Category::Specialist,
        Category::UrgentCare,
        Category::Emergency,
        Category::Imaging,
        Category::ImagingAdvanced,
        Category::DiagnosticTest,
        Category::Lab,
        Category::Preventive,
        Category::Hospital,
        Category::Surgery,
        Category::MentalHealth,
        Category::Maternity,
        Category::Rehab,
        Category::Equipment,
        Category::Ambulance,
        Category::DrugGeneric,
        Category::DrugPreferred,
        Category::DrugBrand,
        Category::DrugSpecialty,
        Category::Other,
    ];

    /// The contract key (`"urgent_care"`), as JSON carries it.
    pub fn key(self) -> &'static str {
        match self {
            Category::Office => "office",
            Category::Specialist => "specialist",
            Category::UrgentCare => "urgent_care",
            Category::Emergency => "emergency",
            Category::Imaging => "imaging",
            Category::ImagingAdvanced => "imaging_advanced",
            Category::DiagnosticTest => "diagnostic_test",
            Category::Lab => "lab",
            Category::Preventive => "preventive",
            Category::Hospital => "hospital",
            Category::Surgery => "surgery",
            Category::MentalHealth => "mental_health",
            Category::Maternity => "maternity",
            Category::Rehab => "rehab",
            Category::Equipment => "equipment",
            Category::Ambulance => "ambulance",
            Category::DrugGeneric => "drug_generic",
            Category::DrugPreferred => "drug_preferred",
            Category::DrugBrand => "drug_brand",
            Category::DrugSpecialty => "drug_specialty",
            Category::Other => "other",
        }
    }

    /// The category in a sentence: "your $30.00 office visit copay".
    pub fn label(self) -> &'static str {
        match self {
            Category::Office => "office visit",
            Category::Specialist => "specialist visit",
            Category::UrgentCare => "urgent care",
            Category::Emergency => "emergency room",
            Category::Imaging => "imaging",
            Category::ImagingAdvanced => "imaging (CT, MRI, PET)",
            Category::DiagnosticTest => "diagnostic test",
            Category::Lab => "lab",
            Category::Preventive => "preventive care",
            Category::Hospital => "hospital",
            Category::Surgery => "surgery",
            Category::MentalHealth => "mental health",
            Category::Maternity => "maternity",
            Category::Rehab => "rehabilitation",
            Category::Equipment => "medical equipment",
            Category::Ambulance => "ambulance",
            Category::DrugGeneric => "generic drug",
            Category::DrugPreferred => "preferred brand drug",
            Category::DrugBrand => "brand-name drug",
            Category::DrugSpecialty => "specialty drug",
            Category::Other => "other",
        }
    }

    /// Reads a key (`urgent_care`) or a plain name as bills and plan summaries
    /// write it ("Urgent care", "ER", "X-ray", "Generic drug"). Case, spaces,
    /// hyphens and underscores do not matter.
    pub fn parse(text: &str) -> Option<Category> {
        let wanted = normalise(text);
        if wanted.is_empty() {
            return None;
        }
        CATEGORY_NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|n| *n == wanted))
            .map(|(category, _)| *category)
    }

    /// `office, specialist, …` for error messages.
    pub fn keys_text() -> String {
        Category::ALL.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ")
    }
}

/// Every name a category is known by, normalised (lower case, words separated
/// by one space). The first is the contract key.
const CATEGORY_NAMES: [(Category, &[&str]); 21] = [
    (
        Category::Office,
        &[
            "office",
            "office visit",
            "primary care",
            "primary care visit",
            "pcp",
            "pcp visit",
            "doctor visit",
            "physician visit",
        ],
    ),
    (Category::Specialist, &["specialist", "specialist visit", "specialist office visit", "specialty visit"]),
    (Category::UrgentCare, &["urgent care", "urgent care visit", "urgent care center", "urgentcare"]),
    (
        Category::Emergency,
        &[
            "emergency",
            "er",
            "ed",
            "emergency room",
            "emergency department",
            "er visit",
            "emergency room visit",
            "emergency care",
        ],
    ),
    (Category::Imaging, &["imaging", "radiology", "diagnostic imaging"]),
    (
        Category::ImagingAdvanced,
        &[
            "imaging advanced",
            "advanced imaging",
            "imaging ct mri pet",
            "mri",
            "ct",
            "ct scan",
            "pet",
            "pet scan",
            "ct pet scans mris",
            "imaging ct pet scans mris",
            "high tech imaging",
        ],
    ),
    (
        Category::DiagnosticTest,
        &[
            "diagnostic test",
            "diagnostic tests",
            "diagnostic test x ray blood work",
            "x ray",
            "xray",
            "x rays",
            "ultrasound",
            "ekg",
            "ecg",
        ],
    ),
    (
        Category::MentalHealth,
        &[
            "mental health",
            "behavioral health",
            "mental behavioral health",
            "mental health outpatient",
            "therapy session",
            "psychotherapy",
            "counseling",
            "substance use disorder",
        ],
    ),
    (Category::Maternity, &["maternity", "pregnancy", "prenatal", "childbirth", "delivery", "prenatal care"]),
    (
        Category::Rehab,
        &[
            "rehab",
            "rehabilitation",
            "rehabilitation services",
            "physical therapy",
            "occupational therapy",
            "speech therapy",
            "pt",
        ],
    ),
    (
        Category::Equipment,
        &["equipment", "durable medical equipment", "dme", "medical equipment", "medical supplies"],
    ),
    (Category::Ambulance, &["ambulance", "emergency medical transportation", "ambulance ride"]),
    (
        Category::DrugPreferred,
        &[
            "drug preferred",
            "preferred brand",
            "preferred brand drug",
            "preferred brand drugs",
            "preferred drug",
        ],
    ),
    (Category::DrugSpecialty, &["drug specialty", "specialty drug", "specialty drugs", "specialty"]),
    (
        Category::Lab,
        &["lab", "labs", "laboratory", "lab work", "lab test", "lab tests", "blood work", "bloodwork"],
    ),
    (
        Category::Preventive,
        &[
            "preventive",
            "preventive care",
            "preventative",
            "preventative care",
            "preventive visit",
            "wellness",
            "wellness visit",
            "annual physical",
        ],
    ),
    (
        Category::Hospital,
        &[
            "hospital",
            "inpatient",
            "hospital stay",
            "inpatient hospital",
            "hospital inpatient",
            "inpatient stay",
            "hospitalization",
        ],
    ),
    (Category::Surgery, &["surgery", "outpatient surgery", "surgical", "ambulatory surgery"]),
    (
        Category::DrugGeneric,
        &["drug generic", "generic drug", "generic drugs", "generic", "generic rx", "generic prescription"],
    ),
    (
        Category::DrugBrand,
        &[
            "drug brand",
            "brand drug",
            "brand drugs",
            "brand",
            "brand name drug",
            "brand name",
            "non preferred brand",
            "non preferred brand drug",
            "non preferred brand drugs",
            "brand rx",
            "brand prescription",
        ],
    ),
    (Category::Other, &["other", "misc", "miscellaneous"]),
];

/// Lower case, every run of characters other than letters and digits becomes
/// one space: `"X-Ray"` → `"x ray"`, `"urgent_care"` → `"urgent care"`.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Category, D::Error> {
        let text = String::deserialize(deserializer)?;
        Category::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown category \"{text}\"; use one of {} (or a plain name such as \"Office visit\")",
                Category::keys_text()
            ))
        })
    }
}

/// A copay for one category of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Copay {
    pub amount: Money,
    /// Charged before the deductible: the service is not subject to the
    /// deductible (unless `coinsurance` is also set). Default `true`.
    #[serde(default = "default_true")]
    pub before_deductible: bool,
    /// Coinsurance applies as well as the copay. Default `false`.
    #[serde(default)]
    pub coinsurance: bool,
}

fn default_true() -> bool {
    true
}

fn is_zero(amount: &Money) -> bool {
    amount.is_zero()
}

/// One network tier's cost sharing and what is already met on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tier {
    pub deductible: Money,
    #[serde(default)]
    pub deductible_met: Money,
    /// `None` (JSON `null` or left out): no limit, as in Original Medicare.
    #[serde(default)]
    pub out_of_pocket_max: Option<Money>,
    #[serde(default)]
    pub out_of_pocket_met: Money,
    /// The patient's share after the deductible, 0–1.
    pub coinsurance: Rate,
    #[serde(default)]
    pub copays: BTreeMap<Category, Copay>,
    /// A separate deductible for prescription drugs (SBC "specific deductibles",
    /// SPEC §9.3): drug lines count toward it instead of the medical deductible.
    /// `None`: drugs use the medical deductible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug_deductible: Option<Money>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub drug_deductible_met: Money,
}

/// How a family deductible works (SPEC §9.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FamilyDeductible {
    /// Each person also has the individual deductible; what is left is the
    /// smaller of the two remainders (version 1).
    #[default]
    Embedded,
    /// No individual deductible: only the family amount counts, as in many
    /// HSA plans. The individual out-of-pocket maximum still applies.
    Aggregate,
}

/// Family limits: the out-of-pocket maximum is embedded (each person also has
/// the individual one, and what is left is the smaller of the two remainders);
/// the deductible is embedded or aggregate (`type`). `None` = no family limit
/// of that kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Family {
    #[serde(default, rename = "type")]
    pub deductible_type: FamilyDeductible,
    #[serde(default)]
    pub deductible: Option<Money>,
    #[serde(default)]
    pub deductible_met: Money,
    #[serde(default)]
    pub out_of_pocket_max: Option<Money>,
    #[serde(default)]
    pub out_of_pocket_met: Money,
}

/// A health plan as the patient describes it (SPEC §7 "Plan JSON").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    pub in_network: Tier,
    /// `None`: the plan pays nothing out of network (an HMO or EPO), except for
    /// protected care.
    #[serde(default)]
    pub out_of_network: Option<Tier>,
    /// Embedded family limits. They apply to the in-network tier (and to
    /// protected out-of-network care, which is shared as in-network).
    #[serde(default)]
    pub family: Option<Family>,
}

/// Why a plan cannot be used. `field` is the JSON path of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the plan is not valid JSON: {0}")]
    NotJson(String),
    #[error("plan field {field}: {message}")]
    Field { field: String, message: String },
    /// A problem with the plan as a whole, such as a missing `inNetwork`.
    #[error("the plan {0}")]
    Shape(String),
}

impl PlanError {
    fn field(field: impl Into<String>, message: impl Into<String>) -> PlanError {
        PlanError::Field { field: field.into(), message: message.into() }
    }
}

impl Plan {
    /// Reads and validates the Plan JSON contract.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let plan = Plan::deserialize_tracked(&mut de)?;
        de.end().map_err(|e| PlanError::NotJson(e.to_string()))?;
        plan.validate()?;
        Ok(plan)
    }

    /// Reads and validates a plan already parsed to a JSON value (the wasm API).
    pub fn from_value(value: serde_json::Value) -> Result<Plan, PlanError> {
        let plan = Plan::deserialize_tracked(value)?;
        plan.validate()?;
        Ok(plan)
    }

    fn deserialize_tracked<'de, D>(de: D) -> Result<Plan, PlanError>
    where
        D: Deserializer<'de, Error = serde_json::Error>,
    {
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                PlanError::NotJson(inner.to_string())
            } else if field == "." {
                PlanError::Shape(format!("has a problem: {}", strip_position(&inner)))
            } else {
                PlanError::field(field, strip_position(&inner))
            }
        })
    }

    /// Checks the values: amounts are not negative, rates lie within 0–1, and
    /// nothing is met above its limit.
    pub fn validate(&self) -> Result<(), PlanError> {
        validate_tier(&self.in_network, "inNetwork")?;
        if let Some(tier) = &self.out_of_network {
            validate_tier(tier, "outOfNetwork")?;
        }
        if let Some(family) = &self.family {
            let f = |name: &str| format!("family.{name}");
            if family.deductible_type == FamilyDeductible::Aggregate && family.deductible.is_none() {
                return Err(PlanError::field(
                    f("deductible"),
                    "an aggregate family deductible needs the family deductible amount",
                ));
            }
            if let Some(limit) = family.deductible {
                not_negative(limit, &f("deductible"))?;
                met_within(family.deductible_met, limit, &f("deductibleMet"), "the family deductible")?;
            }
            not_negative(family.deductible_met, &f("deductibleMet"))?;
            if let Some(limit) = family.out_of_pocket_max {
                not_negative(limit, &f("outOfPocketMax"))?;
                met_within(
                    family.out_of_pocket_met,
                    limit,
                    &f("outOfPocketMet"),
                    "the family out-of-pocket maximum",
                )?;
            }
            not_negative(family.out_of_pocket_met, &f("outOfPocketMet"))?;
        }
        Ok(())
    }
}

fn validate_tier(tier: &Tier, name: &str) -> Result<(), PlanError> {
    let f = |field: &str| format!("{name}.{field}");
    not_negative(tier.deductible, &f("deductible"))?;
    not_negative(tier.deductible_met, &f("deductibleMet"))?;
    met_within(tier.deductible_met, tier.deductible, &f("deductibleMet"), "the deductible")?;
    not_negative(tier.out_of_pocket_met, &f("outOfPocketMet"))?;
    not_negative(tier.drug_deductible_met, &f("drugDeductibleMet"))?;
    match tier.drug_deductible {
        Some(limit) => {
            not_negative(limit, &f("drugDeductible"))?;
            met_within(tier.drug_deductible_met, limit, &f("drugDeductibleMet"), "the drug deductible")?;
        }
        None if !tier.drug_deductible_met.is_zero() => {
            return Err(PlanError::field(
                f("drugDeductibleMet"),
                "an amount met toward a drug deductible needs the drug deductible (drugDeductible)",
            ))
        }
        None => {}
    }
    if let Some(limit) = tier.out_of_pocket_max {
        not_negative(limit, &f("outOfPocketMax"))?;
        met_within(tier.out_of_pocket_met, limit, &f("outOfPocketMet"), "the out-of-pocket maximum")?;
        // The deductible counts toward the maximum, so a maximum below it is a
        // typo (SPEC §9.3), not a plan.
        if limit < tier.deductible {
            return Err(PlanError::field(
                f("outOfPocketMax"),
                format!(
                    "{} is less than the {} deductible; the out-of-pocket maximum includes the deductible, so \
                     it cannot be smaller",
                    dollars(limit),
                    dollars(tier.deductible)
                ),
            ));
        }
    }
    let rate = tier.coinsurance.as_decimal();
    if rate.is_sign_negative() && !rate.is_zero() || rate > Rate::ONE.as_decimal() {
        let value = rate.normalize();
        let hint = if rate > Rate::ONE.as_decimal() && rate <= rust_decimal::Decimal::ONE_HUNDRED {
            format!(" Did you mean \"{value}%\"?")
        } else {
            String::new()
        };
        return Err(PlanError::field(
            f("coinsurance"),
            format!(
                "{value} is outside 0–1; write the patient's share as a fraction (0.20) or a percentage \
                 (\"20%\").{hint}"
            ),
        ));
    }
    for (category, copay) in &tier.copays {
        not_negative(copay.amount, &format!("{name}.copays.{}.amount", category.key()))?;
    }
    Ok(())
}

fn not_negative(amount: Money, field: &str) -> Result<(), PlanError> {
    if amount.is_negative() {
        return Err(PlanError::field(field, format!("{amount} is negative; plan amounts are zero or more")));
    }
    Ok(())
}

fn met_within(met: Money, limit: Money, field: &str, what: &str) -> Result<(), PlanError> {
    if met > limit {
        return Err(PlanError::field(
            field,
            format!("{} met is more than {what} of {}", dollars(met), dollars(limit)),
        ));
    }
    Ok(())
}

/// serde_json appends " at line L column C"; the field path already says where.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT_EXAMPLE: &str = r#"{
        "inNetwork": { "deductible": "1500.00", "deductibleMet": "200.00",
                       "outOfPocketMax": "6000.00", "outOfPocketMet": "300.00",
                       "coinsurance": "0.20",
                       "copays": { "office": { "amount": "30.00", "beforeDeductible": true,
                                               "coinsurance": false } } },
        "outOfNetwork": null,
        "family": null }"#;

    fn error_of(json: &str) -> PlanError {
        Plan::from_json(json).expect_err("plan should be refused")
    }

    #[test]
    fn an_out_of_pocket_maximum_below_the_deductible_is_refused() {
        let err = error_of(
            r#"{"inNetwork": {"deductible": "3000", "outOfPocketMax": "2500", "coinsurance": "20%"}}"#,
        );
        assert_eq!(
            err.to_string(),
            "plan field inNetwork.outOfPocketMax: $2,500.00 is less than the $3,000.00 deductible; the \
             out-of-pocket maximum includes the deductible, so it cannot be smaller"
        );
        let equal =
            r#"{"inNetwork": {"deductible": "3000", "outOfPocketMax": "3000", "coinsurance": "20%"}}"#;
        assert!(Plan::from_json(equal).is_ok());
    }

    #[test]
    fn coinsurance_as_a_percentage_or_fraction_and_20_asks_did_you_mean() {
        for (text, want) in [("20%", "0.2"), ("0.20", "0.2"), ("20 %", "0.2")] {
            let json = format!(r#"{{"inNetwork": {{"deductible": "0", "coinsurance": "{text}"}}}}"#);
            let plan = Plan::from_json(&json).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(plan.in_network.coinsurance.as_decimal().normalize().to_string(), want, "{text}");
        }
        let err = error_of(r#"{"inNetwork": {"deductible": "0", "coinsurance": "20"}}"#);
        assert!(err.to_string().ends_with("Did you mean \"20%\"?"), "{err}");
    }

    #[test]
    fn reads_the_contract_example() {
        let plan = Plan::from_json(CONTRACT_EXAMPLE).unwrap();
        let tier = &plan.in_network;
        assert_eq!(tier.deductible, Money::from_cents(150000));
        assert_eq!(tier.deductible_met, Money::from_cents(20000));
        assert_eq!(tier.out_of_pocket_max, Some(Money::from_cents(600000)));
        assert_eq!(tier.out_of_pocket_met, Money::from_cents(30000));
        assert_eq!(tier.coinsurance, "0.20".parse().unwrap());
        let office = tier.copays[&Category::Office];
        assert_eq!(
            office,
            Copay { amount: Money::from_cents(3000), before_deductible: true, coinsurance: false }
        );
        assert_eq!(plan.out_of_network, None);
        assert_eq!(plan.family, None);
    }

    #[test]
    fn missing_optional_fields_take_documented_defaults() {
        let plan = Plan::from_json(
            r#"{"inNetwork": {"deductible": "283", "coinsurance": "20%",
                "copays": {"Office visit": {"amount": "25"}}}}"#,
        )
        .unwrap();
        let tier = &plan.in_network;
        assert_eq!(tier.deductible_met, Money::ZERO);
        assert_eq!(tier.out_of_pocket_max, None, "no outOfPocketMax means no limit");
        assert_eq!(tier.coinsurance.as_decimal(), "0.2".parse().unwrap());
        let office = tier.copays[&Category::Office];
        assert!(office.before_deductible);
        assert!(!office.coinsurance);
    }

    #[test]
    fn categories_read_keys_and_plain_names() {
        let cases = [
            ("office", Category::Office),
            ("Office visit", Category::Office),
            ("Specialist visit", Category::Specialist),
            ("urgent_care", Category::UrgentCare),
            ("Urgent care", Category::UrgentCare),
            ("ER", Category::Emergency),
            ("Emergency room", Category::Emergency),
            ("X-ray", Category::DiagnosticTest),
            ("Diagnostic test (x-ray, blood work)", Category::DiagnosticTest),
            ("Imaging (CT/PET scans, MRIs)", Category::ImagingAdvanced),
            ("MRI", Category::ImagingAdvanced),
            ("imaging_advanced", Category::ImagingAdvanced),
            ("Mental/Behavioral health", Category::MentalHealth),
            ("Rehabilitation services", Category::Rehab),
            ("Durable medical equipment", Category::Equipment),
            ("Emergency medical transportation", Category::Ambulance),
            ("Preferred brand drugs", Category::DrugPreferred),
            ("Non-preferred brand drugs", Category::DrugBrand),
            ("Specialty drugs", Category::DrugSpecialty),
            ("Pregnancy", Category::Maternity),
            ("Imaging", Category::Imaging),
            ("Lab", Category::Lab),
            ("Preventive", Category::Preventive),
            ("Hospital", Category::Hospital),
            ("Inpatient", Category::Hospital),
            ("Surgery", Category::Surgery),
            ("Generic drug", Category::DrugGeneric),
            ("drug_generic", Category::DrugGeneric),
            ("Brand drug", Category::DrugBrand),
            ("  OTHER ", Category::Other),
        ];
        for (text, want) in cases {
            assert_eq!(Category::parse(text), Some(want), "input {text:?}");
        }
        for category in Category::ALL {
            assert_eq!(Category::parse(category.key()), Some(category));
            assert_eq!(Category::parse(category.label()), Some(category), "{}", category.label());
        }
        assert_eq!(Category::parse("dental"), None);
        assert_eq!(Category::parse(""), None);
    }

    #[test]
    fn unknown_fields_are_named_not_ignored() {
        let err =
            error_of(r#"{"inNetwork": {"deductable": "500", "deductible": "500", "coinsurance": "0.2"}}"#);
        let text = err.to_string();
        assert!(text.contains("inNetwork.deductable"), "{text}");
        assert!(text.contains("unknown field"), "{text}");
    }

    #[test]
    fn unknown_category_is_named_with_the_choices() {
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "0.2",
                "copays": {"dental": {"amount": "10"}}}}"#,
        );
        let text = err.to_string();
        assert!(text.contains("inNetwork.copays"), "{text}");
        assert!(text.contains("\"dental\""), "{text}");
        assert!(text.contains("urgent_care"), "{text}");
    }

    #[test]
    fn negative_amounts_are_refused_by_field() {
        let err = error_of(r#"{"inNetwork": {"deductible": "-100", "coinsurance": "0.2"}}"#);
        assert_eq!(
            err,
            PlanError::field("inNetwork.deductible", "-100.00 is negative; plan amounts are zero or more")
        );
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "0.2",
                "copays": {"lab": {"amount": "(5.00)"}}}}"#,
        );
        assert!(err.to_string().contains("inNetwork.copays.lab.amount"), "{err}");
    }

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        for rate in ["20", "1.5", "-0.1"] {
            let json = format!(r#"{{"inNetwork": {{"deductible": "0", "coinsurance": "{rate}"}}}}"#);
            let err = error_of(&json);
            let text = err.to_string();
            assert!(text.starts_with("plan field inNetwork.coinsurance:"), "{text}");
            assert!(text.contains("outside 0–1"), "{text}");
        }
        for rate in ["0", "1", "0.2", "100%"] {
            let json = format!(r#"{{"inNetwork": {{"deductible": "0", "coinsurance": "{rate}"}}}}"#);
            assert!(Plan::from_json(&json).is_ok(), "{rate} is a valid rate");
        }
    }

    #[test]
    fn met_above_the_limit_is_refused() {
        let err = error_of(
            r#"{"inNetwork": {"deductible": "1500", "deductibleMet": "2000", "coinsurance": "0.2"}}"#,
        );
        assert_eq!(
            err.to_string(),
            "plan field inNetwork.deductibleMet: $2,000.00 met is more than the deductible of $1,500.00"
        );
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "0.2"},
                "outOfNetwork": {"deductible": "0", "coinsurance": "0.4",
                                 "outOfPocketMax": "100", "outOfPocketMet": "100.01"}}"#,
        );
        assert!(err.to_string().contains("outOfNetwork.outOfPocketMet"), "{err}");
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "0.2"},
                "family": {"deductible": "3000", "deductibleMet": "3000.01"}}"#,
        );
        assert!(err.to_string().contains("family.deductibleMet"), "{err}");
    }

    #[test]
    fn a_drug_deductible_is_read_and_checked() {
        let plan = Plan::from_json(
            r#"{"inNetwork": {"deductible": "1000", "coinsurance": "20%",
                              "drugDeductible": "$250", "drugDeductibleMet": "50"}}"#,
        )
        .unwrap();
        assert_eq!(plan.in_network.drug_deductible, Some("250".parse().unwrap()));
        assert_eq!(plan.in_network.drug_deductible_met, "50".parse().unwrap());
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%", "drugDeductible": "250", "drugDeductibleMet": "300"}}"#,
        );
        assert_eq!(
            err.to_string(),
            "plan field inNetwork.drugDeductibleMet: $300.00 met is more than the drug deductible of $250.00"
        );
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%", "drugDeductibleMet": "30"}}"#,
        );
        assert!(err.to_string().starts_with("plan field inNetwork.drugDeductibleMet: "), "{err}");
    }

    #[test]
    fn a_family_deductible_is_embedded_unless_it_says_aggregate() {
        let plan = Plan::from_json(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%"},
                "family": {"deductible": "3000"}}"#,
        )
        .unwrap();
        assert_eq!(plan.family.unwrap().deductible_type, FamilyDeductible::Embedded);
        let plan = Plan::from_json(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%"},
                "family": {"type": "aggregate", "deductible": "3000", "deductibleMet": "500"}}"#,
        )
        .unwrap();
        assert_eq!(plan.family.unwrap().deductible_type, FamilyDeductible::Aggregate);
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%"}, "family": {"type": "aggregate"}}"#,
        );
        assert_eq!(
            err.to_string(),
            "plan field family.deductible: an aggregate family deductible needs the family deductible amount"
        );
        let err = error_of(
            r#"{"inNetwork": {"deductible": "0", "coinsurance": "20%"}, "family": {"type": "pooled", "deductible": "1"}}"#,
        );
        assert!(err.to_string().contains("family"), "{err}");
    }

    #[test]
    fn bad_amount_text_names_the_field() {
        let err = error_of(r#"{"inNetwork": {"deductible": "lots", "coinsurance": "0.2"}}"#);
        assert_eq!(err.to_string(), "plan field inNetwork.deductible: \"lots\" is not an amount");
    }

    #[test]
    fn not_json_says_so() {
        assert!(matches!(error_of("{inNetwork"), PlanError::NotJson(_)));
        assert!(matches!(error_of(""), PlanError::NotJson(_)));
        let missing = error_of(r#"{"outOfNetwork": null}"#);
        assert_eq!(missing.to_string(), "the plan has a problem: missing field `inNetwork`");
    }
}
