//! Hospital price files: the CMS machine-readable file template (SPEC §10).
//!
//! A hospital publishes its standard charges (gross, cash, and the rate it negotiated with
//! each payer and plan) as a CSV "tall" file (one row per item × payer × plan), a CSV "wide"
//! file (one row per item, payer and plan inside the column names) or a JSON file, in
//! template version 2.2 or 3.0. These files run to gigabytes, so [`read`] takes any
//! [`std::io::Read`] (the CLI's buffered file, the page's reader of `File` slices) and
//! streams it once: it keeps the hospital's header, the payer × plan names it met, the
//! findings (rows that break the template, with their row number, as the CMS validator
//! reports them) and only the rows that match the [`Query`]. The file is never held whole
//! and never refused over a bad row.
//!
//! | module | job |
//! |---|---|
//! | [`charge`] | [`PriceRow`]: one item's charges for one payer and plan, the template's fields |
//! | [`allowed`] | the allowed amount for an estimate and its basis, in SPEC §10's order |
//! | [`lookup`] | [`Query`]: code or words, loose payer and plan names, cash, setting |
//! | [`csv_file`] | rows 1–3 of a CSV (hospital header, data header) and the data rows |
//! | [`columns`] | row 3 → where each field is, for the tall and the wide layout |
//! | [`checks`] | the template's rules for one row → findings |
//! | [`text`] | the text that `clearbill prices --format text` prints |
//! | [`json`] | the JSON layout through a streaming tokenizer, one item at a time |

pub mod allowed;
pub mod charge;
pub mod checks;
pub mod columns;
pub mod csv_file;
pub mod json;
pub mod lookup;
pub mod text;

use std::io::{BufRead, BufReader, Read};

use serde::Serialize;

pub use allowed::{AllowedForEstimate, Basis, EstimateNote};
pub use charge::{Code, PriceRow};
pub use lookup::{PayerChoice, Query};

/// How the file lays its data out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Layout {
    CsvTall,
    CsvWide,
    Json,
}

/// The hospital's header: CSV rows 1–2, or the JSON file's top level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hospital {
    pub name: Option<String>,
    pub last_updated: Option<String>,
    /// As written (`3.0.0`, `2.0.0`, `2.2.0`).
    pub version: Option<String>,
    pub locations: Vec<String>,
    pub addresses: Vec<String>,
    pub license_number: Option<String>,
    pub license_state: Option<String>,
    pub type_2_npi: Vec<String>,
    /// The attestation (v3) or affirmation (v2) confirmed: `true` / `false` as written.
    pub attestation: Option<bool>,
    pub attester_name: Option<String>,
    pub financial_aid_policy: Option<String>,
    pub general_contract_provisions: Option<String>,
    /// The template's rules applied: 3.0 when the version says so or the header has the
    /// 3.0 names (attestation, location_name); else 2.2.
    pub rules: Rules,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Rules {
    #[default]
    #[serde(rename = "2.2")]
    V2,
    #[serde(rename = "3.0")]
    V3,
}

impl Hospital {
    /// Version 3 rules (median, percentiles and count) apply; otherwise the 2.x rules
    /// (`estimated_amount`). A 3.0 header with another version gives an alert.
    pub fn is_v3(&self) -> bool {
        self.rules == Rules::V3
    }
}

/// Whether a finding makes the file invalid (the validator's errors) or only needs a look
/// (its alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Alert,
}

/// A place in the file that breaks the template. The row is the 1-based line of a CSV
/// (header rows included) or the JSON pointer of the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: Severity,
    pub row: String,
    /// The template's field (the row-3 header in a CSV), when one field is at fault.
    pub field: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn error(row: impl Into<String>, field: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            row: row.into(),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    pub fn alert(row: impl Into<String>, field: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Alert,
            row: row.into(),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

/// A payer and plan named in the file, for the patient to pick from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayerPlan {
    pub payer: String,
    pub plan: String,
}

/// A price row that matched the query, with the amount to use in an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceMatch {
    #[serde(flatten)]
    pub row: PriceRow,
    #[serde(flatten)]
    pub allowed: AllowedForEstimate,
}

/// What one pass over a price file found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceFile {
    pub layout: Layout,
    pub hospital: Hospital,
    /// Data rows read (CSV lines from row 4, or JSON payer entries and charges).
    pub rows: u64,
    pub payers: Vec<PayerPlan>,
    pub matches: Vec<PriceMatch>,
    /// Rows that matched beyond [`Query::max_matches`]: counted, not kept.
    pub more_matches: u64,
    /// No finding is an error (alerts may remain).
    pub valid: bool,
    pub findings: Vec<Finding>,
    /// Findings beyond [`MAX_FINDINGS`]: counted, not kept.
    pub more_findings: u64,
}

/// Findings kept in full; a broken 2 GB file would otherwise fill memory with them.
pub const MAX_FINDINGS: usize = 1000;

/// A file-level problem: nothing could be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PriceError {
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("this is not a hospital price file in the CMS template: {0}")]
    NotTemplate(String),
}

/// Gathers what a pass finds; shared by the CSV and JSON readers.
pub(crate) struct Collector<'q> {
    pub query: &'q Query,
    pub out: PriceFile,
    /// Payer → plans: looked up by `&str`, so a payer already seen costs no allocation.
    payers: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    cash_items: std::collections::HashSet<String>,
}

impl<'q> Collector<'q> {
    pub fn new(query: &'q Query, layout: Layout) -> Collector<'q> {
        Collector {
            query,
            out: PriceFile {
                layout,
                hospital: Hospital::default(),
                rows: 0,
                payers: Vec::new(),
                matches: Vec::new(),
                more_matches: 0,
                valid: true,
                findings: Vec::new(),
                more_findings: 0,
            },
            payers: Default::default(),
            cash_items: Default::default(),
        }
    }

    pub fn finding(&mut self, finding: Finding) {
        if finding.severity == Severity::Error {
            self.out.valid = false;
        }
        if self.out.findings.len() < MAX_FINDINGS {
            self.out.findings.push(finding);
        } else {
            self.out.more_findings += 1;
        }
    }

    /// Offers one row: its payer is noted, and it is kept when it matches.
    pub fn offer(&mut self, row: PriceRow) {
        if let (Some(payer), Some(plan)) = (&row.payer, &row.plan) {
            // Most rows repeat a payer already seen: look before allocating.
            match self.payers.get_mut(payer.as_str()) {
                Some(plans) if plans.contains(plan.as_str()) => {}
                Some(plans) => {
                    plans.insert(plan.clone());
                }
                None => {
                    self.payers.insert(payer.clone(), [plan.clone()].into());
                }
            }
        }
        if !self.query.matches(&row) {
            return;
        }
        let allowed = match &self.query.payer {
            PayerChoice::Cash => {
                // One cash row per item and setting, whichever payer row carried it.
                let key = format!("{}\u{1f}{:?}\u{1f}{:?}", row.description, row.codes, row.setting);
                if !self.cash_items.insert(key) {
                    return;
                }
                allowed::for_cash(&row)
            }
            _ => allowed::allowed_for_estimate(&row),
        };
        let row = match self.query.payer {
            PayerChoice::Cash => PriceRow { payer: None, plan: None, ..row },
            _ => row,
        };
        if self.query.max_matches.is_some_and(|max| self.out.matches.len() >= max) {
            self.out.more_matches += 1;
        } else {
            self.out.matches.push(PriceMatch { row, allowed });
        }
    }

    pub fn finish(mut self) -> PriceFile {
        self.out.payers = self
            .payers
            .into_iter()
            .flat_map(|(payer, plans)| {
                plans.into_iter().map(move |plan| PayerPlan { payer: payer.clone(), plan })
            })
            .collect();
        self.out
    }
}

/// Reads a price file once, as a stream, keeping the rows that match `query`.
///
/// The format is told by the first byte after a byte-order mark and spaces: `{` is JSON,
/// anything else a CSV.
pub fn read(source: impl Read, query: &Query) -> Result<PriceFile, PriceError> {
    let mut reader = BufReader::with_capacity(1 << 16, source);
    let first = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Err(PriceError::Empty);
        }
        let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let skip = if skip == 0 && buf.starts_with(b"\xEF\xBB\xBF") { 3 } else { skip };
        if skip == 0 {
            break buf[0];
        }
        reader.consume(skip);
    };
    if first == b'{' {
        json::read(reader, query)
    } else {
        csv_file::read(reader, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_refused_by_name() {
        assert!(matches!(read(&b""[..], &Query::default()), Err(PriceError::Empty)));
        assert!(matches!(read(&b" \n "[..], &Query::default()), Err(PriceError::Empty)));
    }

    #[test]
    fn json_is_told_by_its_first_brace_after_a_bom() {
        let file = read(&b"\xEF\xBB\xBF {\"hospital_name\": \"H\"}"[..], &Query::default()).unwrap();
        assert_eq!(file.layout, Layout::Json);
        assert_eq!(file.hospital.name.as_deref(), Some("H"));
    }
}
