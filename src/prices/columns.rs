//! Row 3 of a CSV price file → where each field of the template is.
//!
//! Headers are case-insensitive, in any order, with spaces allowed around `|`. A tall file
//! has `payer_name` and `plan_name` columns; a wide file names the payer and plan inside
//! its columns (`standard_charge|[payer]|[plan]|negotiated_dollar`, `median_amount|[payer]|
//! [plan]`, …), one group per payer × plan. Blank headers are ignored.

use super::Layout;

/// A field of the template (tall names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Description,
    Modifiers,
    Setting,
    DrugUnit,
    DrugType,
    Gross,
    DiscountedCash,
    Payer,
    Plan,
    NegotiatedDollar,
    NegotiatedPercentage,
    NegotiatedAlgorithm,
    EstimatedAmount,
    Median,
    P10,
    P90,
    Count,
    Methodology,
    Min,
    Max,
    GenericNotes,
    PayerNotes,
}

pub const FIELD_COUNT: usize = Field::PayerNotes as usize + 1;

impl Field {
    /// The template's name of the field, for findings.
    pub fn name(self) -> &'static str {
        match self {
            Field::Description => "description",
            Field::Modifiers => "modifiers",
            Field::Setting => "setting",
            Field::DrugUnit => "drug_unit_of_measurement",
            Field::DrugType => "drug_type_of_measurement",
            Field::Gross => "standard_charge|gross",
            Field::DiscountedCash => "standard_charge|discounted_cash",
            Field::Payer => "payer_name",
            Field::Plan => "plan_name",
            Field::NegotiatedDollar => "standard_charge|negotiated_dollar",
            Field::NegotiatedPercentage => "standard_charge|negotiated_percentage",
            Field::NegotiatedAlgorithm => "standard_charge|negotiated_algorithm",
            Field::EstimatedAmount => "estimated_amount",
            Field::Median => "median_amount",
            Field::P10 => "10th_percentile",
            Field::P90 => "90th_percentile",
            Field::Count => "count",
            Field::Methodology => "standard_charge|methodology",
            Field::Min => "standard_charge|min",
            Field::Max => "standard_charge|max",
            Field::GenericNotes => "additional_generic_notes",
            Field::PayerNotes => "additional_payer_notes",
        }
    }

    /// A field that belongs to one payer and plan (in a wide file, inside a group).
    fn per_payer(name: &str) -> Option<Field> {
        Some(match name {
            "negotiated_dollar" => Field::NegotiatedDollar,
            "negotiated_percentage" => Field::NegotiatedPercentage,
            "negotiated_algorithm" => Field::NegotiatedAlgorithm,
            "methodology" => Field::Methodology,
            "estimated_amount" => Field::EstimatedAmount,
            "median_amount" => Field::Median,
            "10th_percentile" => Field::P10,
            "90th_percentile" => Field::P90,
            "count" => Field::Count,
            "additional_payer_notes" => Field::PayerNotes,
            _ => return None,
        })
    }

    fn common(parts: &[String]) -> Option<Field> {
        let joined = parts.join("|");
        Some(match joined.as_str() {
            "description" => Field::Description,
            "modifiers" => Field::Modifiers,
            "setting" => Field::Setting,
            "drug_unit_of_measurement" => Field::DrugUnit,
            "drug_type_of_measurement" => Field::DrugType,
            "standard_charge|gross" => Field::Gross,
            "standard_charge|discounted_cash" => Field::DiscountedCash,
            "payer_name" => Field::Payer,
            "plan_name" => Field::Plan,
            "standard_charge|negotiated_dollar" => Field::NegotiatedDollar,
            "standard_charge|negotiated_percentage" => Field::NegotiatedPercentage,
            "standard_charge|negotiated_algorithm" => Field::NegotiatedAlgorithm,
            "standard_charge|methodology" => Field::Methodology,
            "standard_charge|min" => Field::Min,
            "standard_charge|max" => Field::Max,
            "estimated_amount" => Field::EstimatedAmount,
            "median_amount" => Field::Median,
            "10th_percentile" => Field::P10,
            "90th_percentile" => Field::P90,
            "count" => Field::Count,
            "additional_generic_notes" => Field::GenericNotes,
            "additional_payer_notes" => Field::PayerNotes,
            _ => return None,
        })
    }
}

/// Column indexes by field.
pub type FieldColumns = [Option<usize>; FIELD_COUNT];

/// One payer × plan of a wide file and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerGroup {
    pub payer: String,
    pub plan: String,
    pub columns: FieldColumns,
}

/// A code column and its type column (`code|1`, `code|1|type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeColumns {
    pub code: Option<usize>,
    pub kind: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub layout: Layout,
    pub common: FieldColumns,
    pub codes: Vec<CodeColumns>,
    pub groups: Vec<PayerGroup>,
    /// The row-3 headers with the same name given twice.
    pub duplicates: Vec<String>,
    /// Columns the layout requires and row 3 lacks.
    pub missing: Vec<&'static str>,
}

/// Splits a header at `|`, trims each part and lowers the case of all but the payer and
/// plan parts of a wide column.
fn parts(header: &str) -> Vec<String> {
    header.split('|').map(|p| p.trim().to_string()).collect()
}

/// Reads row 3. `None` when the layout is neither tall nor wide (the validator's
/// `AmbiguousFormatError`).
pub fn plan(headers: &[String]) -> Option<Columns> {
    let mut common: FieldColumns = [None; FIELD_COUNT];
    let mut codes: Vec<(u32, CodeColumns)> = Vec::new();
    let mut groups: Vec<PayerGroup> = Vec::new();
    let mut duplicates = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let raw = parts(header);
        if raw.iter().all(|p| p.is_empty()) {
            continue;
        }
        let lower: Vec<String> = raw.iter().map(|p| p.to_lowercase()).collect();
        if lower[0] == "code" && (lower.len() == 2 || lower.len() == 3 && lower[2] == "type") {
            let Ok(i) = lower[1].parse::<u32>() else { continue };
            let slot = match codes.iter_mut().find(|(n, _)| *n == i) {
                Some((_, slot)) => slot,
                None => {
                    codes.push((i, CodeColumns { code: None, kind: None }));
                    &mut codes.last_mut().expect("just pushed").1
                }
            };
            let target = if lower.len() == 2 { &mut slot.code } else { &mut slot.kind };
            if target.replace(index).is_some() {
                duplicates.push(header.clone());
            }
            continue;
        }
        if let Some(field) = Field::common(&lower) {
            if common[field as usize].replace(index).is_some() {
                duplicates.push(header.clone());
            }
            continue;
        }
        // Wide: standard_charge|payer|plan|field, or field|payer|plan.
        let group = match lower.as_slice() {
            [first, _, _, last] if first == "standard_charge" => {
                Field::per_payer(last).map(|f| (f, &raw[1], &raw[2]))
            }
            [first, _, _] => Field::per_payer(first).map(|f| (f, &raw[1], &raw[2])),
            _ => None,
        };
        if let Some((field, payer, plan)) = group {
            let position = groups.iter().position(|g| g.payer == *payer && g.plan == *plan);
            let group = match position {
                Some(p) => &mut groups[p],
                None => {
                    groups.push(PayerGroup {
                        payer: payer.clone(),
                        plan: plan.clone(),
                        columns: [None; FIELD_COUNT],
                    });
                    groups.last_mut().expect("just pushed")
                }
            };
            if group.columns[field as usize].replace(index).is_some() {
                duplicates.push(header.clone());
            }
        }
    }
    let tall = common[Field::Payer as usize].is_some() && common[Field::Plan as usize].is_some();
    let layout = match (tall, groups.is_empty()) {
        (true, true) => Layout::CsvTall,
        (false, false) => Layout::CsvWide,
        _ => return None,
    };
    let mut required = vec![
        Field::Description,
        Field::Setting,
        Field::Gross,
        Field::DiscountedCash,
        Field::Min,
        Field::Max,
        Field::GenericNotes,
    ];
    if layout == Layout::CsvTall {
        required.extend([
            Field::NegotiatedDollar,
            Field::NegotiatedPercentage,
            Field::NegotiatedAlgorithm,
            Field::Methodology,
        ]);
    }
    let mut missing: Vec<&'static str> =
        required.into_iter().filter(|f| common[*f as usize].is_none()).map(Field::name).collect();
    if codes.is_empty() {
        missing.push("code|1");
    }
    codes.sort_by_key(|(i, _)| *i);
    Some(Columns {
        layout,
        common,
        codes: codes.into_iter().map(|(_, c)| c).collect(),
        groups,
        duplicates,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(text: &str) -> Vec<String> {
        text.split(',').map(str::to_string).collect()
    }

    #[test]
    fn tall_headers_with_spaces_around_pipes() {
        let c = plan(&headers("Description,code | 1,code | 1 | type,setting,standard_charge | gross,standard_charge|discounted_cash,payer_name,plan_name,standard_charge|negotiated_dollar,standard_charge|negotiated_percentage,standard_charge|negotiated_algorithm,standard_charge|methodology,standard_charge|min,standard_charge|max,additional_generic_notes,,")).unwrap();
        assert_eq!(c.layout, Layout::CsvTall);
        assert_eq!(c.common[Field::Gross as usize], Some(4));
        assert_eq!(c.codes, vec![CodeColumns { code: Some(1), kind: Some(2) }]);
        assert!(c.missing.is_empty(), "{:?}", c.missing);
    }

    #[test]
    fn wide_groups_keep_the_payer_as_written() {
        let c = plan(&headers("description,code|1,code|1|type,standard_charge|Platform_Health_Insurance|PPO|negotiated_dollar,median_amount|Platform_Health_Insurance|PPO,count|Region Health|HMO")).unwrap();
        assert_eq!(c.layout, Layout::CsvWide);
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[0].payer, "Platform_Health_Insurance");
        assert_eq!(c.groups[0].columns[Field::Median as usize], Some(4));
        assert_eq!(c.groups[1].columns[Field::Count as usize], Some(5));
    }

    #[test]
    fn neither_tall_nor_wide_is_ambiguous() {
        assert!(plan(&headers("description,code|1,standard_charge|gross")).is_none());
    }
}
