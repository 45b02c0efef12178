//! The Good Faith Estimate check (SPEC §9.4), for uninsured and self-pay patients.
//!
//! A provider must give a self-pay patient a Good Faith Estimate (GFE) before
//! scheduled care. When the bill from one provider comes to $400.00 or more
//! above what that provider estimated, the patient may start the federal
//! patient-provider dispute resolution process within 120 days of the bill's
//! date. [`check`] compares the two lists provider by provider: the GFE total,
//! the bill total, the difference, and the billed lines the GFE did not list.
//!
//! Both lists have the columns provider, description, code and amount (the
//! GFE's expected charge, or the bill's billed amount), in a spreadsheet, CSV
//! or JSON ([`read_gfe_lines`]). Providers are matched by name after
//! normalising case, spaces and punctuation ("Lakeside Imaging, LLC" =
//! "lakeside imaging llc"). A billed line is "not on the estimate" when no GFE
//! line of that provider has its code (or, without codes, its description).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use super::plan::normalise;
use crate::money::{Money, MoneyError, ReadAmount};
use crate::table::dates;
use crate::table::{self, CellRef, Limits, Sheet};

/// How far above its GFE a provider's bill must be for a dispute (45 CFR 149.620).
pub const DISPUTE_THRESHOLD: &str = "400.00";
/// Days from the bill's date to start a dispute.
pub const DISPUTE_DAYS: u64 = 120;

/// One line of a GFE or of a bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GfeLine {
    pub provider: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub amount: Money,
}

/// One provider's comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderCheck {
    /// The name as the bill (or, when it billed nothing, the GFE) writes it.
    pub provider: String,
    pub estimate: Money,
    pub billed: Money,
    /// billed − estimate; negative when the bill is under the estimate.
    pub difference: Money,
    pub over_by_at_least400: bool,
    pub not_on_estimate: Vec<GfeLine>,
}

/// The answer of SPEC §9.4.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GfeCheck {
    pub providers: Vec<ProviderCheck>,
    /// Some provider is $400.00 or more over and the as-of date is within 120
    /// days of the bill's date (unknown without a bill date: then false).
    pub eligible: bool,
    /// The bill's date + 120 days; `None` without a bill date.
    #[serde(serialize_with = "iso_or_null")]
    pub deadline: Option<NaiveDate>,
    /// Days from the as-of date to the deadline (negative once it has passed).
    pub days_left: Option<i64>,
}

fn iso_or_null<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.serialize_str(&dates::iso(*d)),
        None => serializer.serialize_none(),
    }
}

/// Compares a GFE with a bill, provider by provider, in the order the providers
/// first appear (the GFE's, then any the bill adds).
pub fn check(
    estimate: &[GfeLine],
    bill: &[GfeLine],
    bill_date: Option<NaiveDate>,
    as_of: NaiveDate,
) -> GfeCheck {
    let threshold: Money = DISPUTE_THRESHOLD.parse().expect("a constant amount");
    let mut keys: Vec<(String, String)> = Vec::new();
    for line in estimate.iter().chain(bill) {
        let key = normalise(&line.provider);
        match keys.iter_mut().find(|(k, _)| *k == key) {
            // The bill's spelling of the name is the one the patient is holding.
            Some(found) if bill.iter().any(|b| b.provider == line.provider) => {
                found.1 = line.provider.clone()
            }
            Some(_) => {}
            None => keys.push((key, line.provider.clone())),
        }
    }
    let providers: Vec<ProviderCheck> = keys
        .into_iter()
        .map(|(key, name)| {
            let mine = |lines: &[GfeLine]| {
                lines.iter().filter(|l| normalise(&l.provider) == key).cloned().collect::<Vec<_>>()
            };
            let (estimated, billed) = (mine(estimate), mine(bill));
            let sum = |lines: &[GfeLine]| lines.iter().fold(Money::ZERO, |total, l| total + l.amount);
            let (estimate_total, billed_total) = (sum(&estimated), sum(&billed));
            let difference = billed_total - estimate_total;
            let not_on_estimate = billed.iter().filter(|b| !listed(b, &estimated)).cloned().collect();
            ProviderCheck {
                provider: name,
                estimate: estimate_total,
                billed: billed_total,
                difference,
                over_by_at_least400: difference >= threshold,
                not_on_estimate,
            }
        })
        .collect();
    let deadline = bill_date.and_then(|d| d.checked_add_days(chrono::Days::new(DISPUTE_DAYS)));
    let days_left = deadline.map(|d| dates::days_between(as_of, d));
    let in_time = matches!((bill_date, days_left), (Some(date), Some(left)) if as_of >= date && left >= 0);
    let eligible = in_time && providers.iter().any(|p| p.over_by_at_least400);
    GfeCheck { providers, eligible, deadline, days_left }
}

impl GfeCheck {
    /// The summary in plain words, one provider a paragraph.
    pub fn to_text(&self) -> String {
        use super::explain::dollars;
        let mut out = String::new();
        for p in &self.providers {
            out.push_str(&format!(
                "{}: estimated {}, billed {}, difference {}{}\n",
                p.provider,
                dollars(p.estimate),
                dollars(p.billed),
                dollars(p.difference),
                if p.over_by_at_least400 { " ($400.00 or more over the estimate)" } else { "" }
            ));
            for line in &p.not_on_estimate {
                let code = line.code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                out.push_str(&format!(
                    "  not on the estimate: {}{code} {}\n",
                    line.description,
                    dollars(line.amount)
                ));
            }
        }
        match (self.eligible, self.deadline, self.days_left) {
            (true, Some(deadline), Some(left)) => out.push_str(&format!(
                "You may start the patient-provider dispute resolution process until {} ({left} days left).\n",
                dates::iso(deadline)
            )),
            (false, Some(deadline), _) if self.providers.iter().any(|p| p.over_by_at_least400) => out.push_str(&format!(
                "A bill is $400.00 or more over its estimate, but the 120 days to dispute ended on {}.\n",
                dates::iso(deadline)
            )),
            (false, None, _) if self.providers.iter().any(|p| p.over_by_at_least400) => out.push_str(
                "A bill is $400.00 or more over its estimate: give the bill's date (--bill-date) to see the deadline.\n",
            ),
            _ => out.push_str("No provider billed $400.00 or more over its estimate.\n"),
        }
        out
    }
}

/// Whether the GFE lists a billed line: the same code, or without codes the same description.
fn listed(billed: &GfeLine, estimated: &[GfeLine]) -> bool {
    let code =
        |l: &GfeLine| l.code.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
    estimated.iter().any(|e| match (code(billed), code(e)) {
        (Some(a), Some(b)) => a == b,
        _ => normalise(&billed.description) == normalise(&e.description),
    })
}

/// Why a GFE or bill file cannot be read; names the file, and the row and column.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GfeError {
    #[error("{file}: {message}")]
    Json { file: String, message: String },
    #[error("{file}: {source}")]
    Table { file: String, source: table::TableError },
    #[error("{file}: no header row with a Provider and an Amount column was found in the first 30 rows")]
    NoHeader { file: String },
    #[error("{file}: {}", .problems.join("; "))]
    Rows { file: String, problems: Vec<String> },
    #[error("{file}: no lines with an amount")]
    Empty { file: String },
}

const PROVIDER: &[&str] =
    &["provider", "provider name", "facility", "practitioner", "provider or facility", "billing provider"];
const DESCRIPTION: &[&str] = &["description", "service", "item", "item or service", "service description"];
const CODE: &[&str] = &["code", "cpt", "hcpcs", "cpt code", "service code", "procedure code", "cpt hcpcs"];
const AMOUNT: &[&str] = &[
    "amount",
    "expected charge",
    "expected charges",
    "estimated charge",
    "estimated cost",
    "estimate",
    "charge",
    "charges",
    "billed",
    "billed amount",
    "amount billed",
    "total",
];

/// Reads GFE or bill lines from a spreadsheet, a CSV or a JSON array.
pub fn read_gfe_lines(bytes: &[u8], file_name: &str) -> Result<Vec<GfeLine>, GfeError> {
    let file = || file_name.to_string();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if file_name.to_ascii_lowercase().ends_with(".json")
        || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
    {
        // Line by line, so that a problem names its line (the page sends typed lines this way).
        let values: Vec<serde_json::Value> = serde_json::from_slice(body)
            .map_err(|e| GfeError::Json { file: file(), message: e.to_string() })?;
        let lines = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<GfeLine>(v)
                    .map_err(|e| GfeError::Json { file: file(), message: format!("line {}: {e}", i + 1) })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((i, _)) = lines.iter().enumerate().find(|(_, l)| l.amount.is_negative()) {
            return Err(GfeError::Rows {
                file: file(),
                problems: vec![format!("line {}: the amount is negative", i + 1)],
            });
        }
        return non_empty(lines, file_name);
    }
    let mut workbook = table::open(bytes, file_name, &Limits::default())
        .map_err(|source| GfeError::Table { file: file(), source })?;
    for name in workbook.sheet_names().to_vec() {
        let sheet = workbook
            .read(Some(&name), &mut crate::progress::NoProgress)
            .map_err(|source| GfeError::Table { file: file(), source })?;
        if let Some(lines) = lines_of_sheet(&sheet, file_name)? {
            return non_empty(lines, file_name);
        }
    }
    Err(GfeError::NoHeader { file: file() })
}

fn non_empty(lines: Vec<GfeLine>, file_name: &str) -> Result<Vec<GfeLine>, GfeError> {
    if lines.is_empty() {
        return Err(GfeError::Empty { file: file_name.to_string() });
    }
    Ok(lines)
}

/// The lines of a sheet with a header row, `None` when it has none.
fn lines_of_sheet(sheet: &Sheet, file_name: &str) -> Result<Option<Vec<GfeLine>>, GfeError> {
    let Some((index, columns)) = sheet.rows().enumerate().take(30).find_map(|(i, row)| {
        let find = |names: &[&str]| {
            (0..row.len())
                .find(|&c| matches!(row.get(c), CellRef::Text(t) if names.contains(&normalise(t).as_str())))
        };
        Some((
            i,
            [
                find(PROVIDER)?,
                find(AMOUNT)?,
                find(DESCRIPTION).unwrap_or(usize::MAX),
                find(CODE).unwrap_or(usize::MAX),
            ],
        ))
    }) else {
        return Ok(None);
    };
    let [provider_col, amount_col, description_col, code_col] = columns;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for row in sheet.rows().skip(index + 1) {
        if row.is_empty() {
            continue;
        }
        let text = |col: usize| {
            if col == usize::MAX {
                String::new()
            } else {
                row.get(col).display().trim().to_string()
            }
        };
        let cell = row.get(amount_col);
        let amount: Result<Option<ReadAmount>, MoneyError> = match cell {
            CellRef::Empty => Ok(None),
            CellRef::Text(t) => Money::parse(t),
            CellRef::Number(n) => Money::from_float_cell(n).map(Some),
            _ => Err(MoneyError::NotAnAmount(cell.display())),
        };
        let provider = text(provider_col);
        let at = format!("row {}, column {}", row.number, table::column_letter(amount_col));
        match amount {
            // A row with no provider and an amount is the sheet's total: not a line.
            Ok(Some(_)) if provider.is_empty() => {}
            Ok(Some(a)) if a.money.is_negative() => {
                problems.push(format!("{at}: \"{}\" is negative", cell.display()))
            }
            Ok(Some(a)) => lines.push(GfeLine {
                provider,
                description: text(description_col),
                code: Some(text(code_col)).filter(|c| !c.is_empty()),
                amount: a.money,
            }),
            Ok(None) => problems.push(format!("{at}: the amount is empty")),
            Err(_) => problems.push(format!("{at}: \"{}\" is not an amount", cell.display())),
        }
    }
    if !problems.is_empty() {
        return Err(GfeError::Rows { file: file_name.to_string(), problems });
    }
    Ok(Some(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(provider: &str, code: &str, amount: &str) -> GfeLine {
        GfeLine {
            provider: provider.into(),
            description: format!("service {code}"),
            code: Some(code.into()),
            amount: amount.parse().unwrap(),
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_provider_400_00_over_may_dispute_and_one_399_99_over_may_not() {
        // Lakeside Imaging: GFE 1,200.00, billed 1,600.00 → 400.00 over: eligible.
        // Dr. Okafor: GFE 500.00, billed 899.99 → 399.99 over: not.
        let estimate = [line("Lakeside Imaging", "70551", "1200.00"), line("Dr. Okafor", "99204", "500.00")];
        let bill = [
            line("LAKESIDE IMAGING", "70551", "1600.00"),
            line("Dr Okafor", "99204", "500.00"),
            line("Dr Okafor", "36415", "399.99"),
        ];
        let result = check(&estimate, &bill, Some(date("2026-11-30")), date("2026-12-05"));
        let summary: Vec<(&str, String, String, String, bool)> = result
            .providers
            .iter()
            .map(|p| {
                (
                    p.provider.as_str(),
                    p.estimate.to_string(),
                    p.billed.to_string(),
                    p.difference.to_string(),
                    p.over_by_at_least400,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("LAKESIDE IMAGING", "1200.00".into(), "1600.00".into(), "400.00".into(), true),
                ("Dr Okafor", "500.00".into(), "899.99".into(), "399.99".into(), false),
            ]
        );
        assert_eq!(result.providers[1].not_on_estimate, [line("Dr Okafor", "36415", "399.99")]);
        assert!(result.providers[0].not_on_estimate.is_empty());
        assert!(result.eligible);
        // 2026-11-30 + 120 days = 2027-03-30; from 2026-12-05 that is 115 days.
        assert_eq!((result.deadline, result.days_left), (Some(date("2027-03-30")), Some(115)));
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["deadline"], "2027-03-30");
        assert_eq!(json["providers"][0]["overByAtLeast400"], true);
        assert_eq!(json["providers"][1]["notOnEstimate"][0]["amount"], "399.99");
    }

    #[test]
    fn eligibility_needs_a_bill_date_within_120_days() {
        let estimate = [line("A", "1", "100.00")];
        let bill = [line("A", "1", "600.00")];
        let late = check(&estimate, &bill, Some(date("2026-01-01")), date("2026-05-02"));
        assert_eq!((late.eligible, late.days_left), (false, Some(-1)));
        let last_day = check(&estimate, &bill, Some(date("2026-01-01")), date("2026-05-01"));
        assert_eq!((last_day.eligible, last_day.days_left), (true, Some(0)));
        let undated = check(&estimate, &bill, None, date("2026-05-01"));
        assert_eq!((undated.eligible, undated.deadline), (false, None));
        // Only 399.99 over (a bill under the GFE is negative): never eligible.
        let under = check(&[line("A", "1", "700.00")], &bill, Some(date("2026-01-01")), date("2026-01-02"));
        assert_eq!((under.providers[0].difference.to_string(), under.eligible), ("-100.00".into(), false));
    }

    #[test]
    fn a_csv_is_read_by_its_headers_and_bad_cells_are_named() {
        let csv = b"Good Faith Estimate\nProvider,Description,CPT,Expected charge\nLakeside Imaging,MRI brain,70551,\"$1,200.00\"\n,Total,,1200.00\n";
        let lines = read_gfe_lines(csv, "gfe.csv").unwrap();
        assert_eq!(
            lines,
            [GfeLine {
                provider: "Lakeside Imaging".into(),
                description: "MRI brain".into(),
                code: Some("70551".into()),
                amount: "1200.00".parse().unwrap()
            }]
        );
        let bad = b"Provider,Amount\nA,lots\nB,-5\n";
        assert_eq!(
            read_gfe_lines(bad, "bill.csv").unwrap_err().to_string(),
            "bill.csv: row 2, column B: \"lots\" is not an amount; row 3, column B: \"-5\" is negative"
        );
        assert!(matches!(read_gfe_lines(b"Name,Price\nA,1\n", "x.csv"), Err(GfeError::NoHeader { .. })));
        let json = br#"[{"provider": "A", "description": "Visit", "code": "99213", "amount": "150.00"}]"#;
        assert_eq!(read_gfe_lines(json, "bill.json").unwrap()[0].amount, "150.00".parse().unwrap());
    }

    #[test]
    fn typed_lines_as_json_name_the_line_that_is_wrong() {
        let typed = br#"[{"provider":"A","amount":"1,200.00"},{"provider":"B","description":"Visit","amount":"about 400"}]"#;
        assert_eq!(
            read_gfe_lines(typed, "The bill you typed").unwrap_err().to_string(),
            "The bill you typed: line 2: \"about 400\" is not an amount"
        );
        let lines = read_gfe_lines(&typed[..typed.len() - 60], "x").map(|_| ()).unwrap_err().to_string();
        assert!(lines.starts_with("x: "), "{lines}");
        let ok = br#"[{"provider":"A","amount":"$1,200.00"}]"#;
        assert_eq!(
            read_gfe_lines(ok, "The estimate you typed").unwrap()[0].amount,
            Money::from_cents(120_000)
        );
    }
}
