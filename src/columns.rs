//! Column roles and mapping (SPEC §3).
//!
//! A [`Role`] says what a column means (claim number, billed amount, …). Each
//! role has header synonyms; [`detect`] finds the header row below any report
//! banner and guesses a role for every column with a confidence, by comparing
//! normalised header text with the synonyms. A [`Mapping`] is the final
//! role → column choice. The user can override any part of it with a
//! [`MappingOverride`] (role → header text or column letter), and the page
//! remembers overrides per [`header_signature`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::table::{column_index, column_letter, CellRef, Sheet};

/// What a column means. Serialised as the snake_case names of SPEC §3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ClaimId,
    Line,
    PatientId,
    PatientName,
    /// Separate first/last name columns, joined into the patient name.
    PatientFirstName,
    PatientLastName,
    /// The patient's date of birth: only for finding a patient (SPEC §9.5).
    DateOfBirth,
    ServiceDate,
    BilledDate,
    Code,
    Modifier,
    Units,
    Payer,
    Billed,
    Allowed,
    Paid,
    Contractual,
    Deductible,
    Coinsurance,
    Copay,
    PatientResponsibility,
    OtherAdjustment,
    PatientPaid,
    /// Who paid: primary, secondary or tertiary insurer, or the patient (SPEC §8.3).
    PaymentSource,
    ReasonCodes,
    PaymentDate,
    CheckNumber,
    Status,
}

/// How a role's cells are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Identifiers: claim numbers, MRNs, check numbers, codes.
    Id,
    Text,
    Date,
    Money,
    Count,
    ReasonList,
    /// A [`crate::payment_source::PaymentSource`].
    Source,
}

impl Role {
    pub const ALL: [Role; 28] = [
        Role::ClaimId,
        Role::Line,
        Role::PatientId,
        Role::PatientName,
        Role::PatientFirstName,
        Role::PatientLastName,
        Role::DateOfBirth,
        Role::ServiceDate,
        Role::BilledDate,
        Role::Code,
        Role::Modifier,
        Role::Units,
        Role::Payer,
        Role::Billed,
        Role::Allowed,
        Role::Paid,
        Role::Contractual,
        Role::Deductible,
        Role::Coinsurance,
        Role::Copay,
        Role::PatientResponsibility,
        Role::OtherAdjustment,
        Role::PatientPaid,
        Role::PaymentSource,
        Role::ReasonCodes,
        Role::PaymentDate,
        Role::CheckNumber,
        Role::Status,
    ];

    /// The contract name, as in SPEC §3: `claim_id`, `billed`, …
    pub fn key(self) -> &'static str {
        match self {
            Role::ClaimId => "claim_id",
            Role::Line => "line",
            Role::PatientId => "patient_id",
            Role::PatientName => "patient_name",
            Role::PatientFirstName => "patient_first_name",
            Role::PatientLastName => "patient_last_name",
            Role::DateOfBirth => "date_of_birth",
            Role::ServiceDate => "service_date",
            Role::BilledDate => "billed_date",
            Role::Code => "code",
            Role::Modifier => "modifier",
            Role::Units => "units",
            Role::Payer => "payer",
            Role::Billed => "billed",
            Role::Allowed => "allowed",
            Role::Paid => "paid",
            Role::Contractual => "contractual",
            Role::Deductible => "deductible",
            Role::Coinsurance => "coinsurance",
            Role::Copay => "copay",
            Role::PatientResponsibility => "patient_responsibility",
            Role::OtherAdjustment => "other_adjustment",
            Role::PatientPaid => "patient_paid",
            Role::PaymentSource => "payment_source",
            Role::ReasonCodes => "reason_codes",
            Role::PaymentDate => "payment_date",
            Role::CheckNumber => "check_number",
            Role::Status => "status",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        let k = key.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Role::ALL.into_iter().find(|r| r.key() == k)
    }

    /// A label for people (error messages, the mapping table).
    pub fn label(self) -> &'static str {
        match self {
            Role::ClaimId => "claim number",
            Role::Line => "line number",
            Role::PatientId => "patient ID",
            Role::PatientName => "patient name",
            Role::PatientFirstName => "patient first name",
            Role::PatientLastName => "patient last name",
            Role::DateOfBirth => "date of birth",
            Role::ServiceDate => "date of service",
            Role::BilledDate => "bill date",
            Role::Code => "procedure code",
            Role::Modifier => "modifier",
            Role::Units => "units",
            Role::Payer => "payer",
            Role::Billed => "billed amount",
            Role::Allowed => "allowed amount",
            Role::Paid => "insurance paid",
            Role::Contractual => "contractual adjustment",
            Role::Deductible => "deductible",
            Role::Coinsurance => "coinsurance",
            Role::Copay => "copay",
            Role::PatientResponsibility => "patient responsibility",
            Role::OtherAdjustment => "other adjustment",
            Role::PatientPaid => "patient paid",
            Role::PaymentSource => "payment source",
            Role::ReasonCodes => "reason codes",
            Role::PaymentDate => "payment date",
            Role::CheckNumber => "check number",
            Role::Status => "claim status",
        }
    }

    pub fn kind(self) -> ValueKind {
        match self {
            Role::ClaimId
            | Role::Line
            | Role::PatientId
            | Role::Code
            | Role::Modifier
            | Role::CheckNumber => ValueKind::Id,
            Role::PatientName
            | Role::PatientFirstName
            | Role::PatientLastName
            | Role::Payer
            | Role::Status => ValueKind::Text,
            Role::ServiceDate | Role::BilledDate | Role::PaymentDate | Role::DateOfBirth => ValueKind::Date,
            Role::Units => ValueKind::Count,
            Role::ReasonCodes => ValueKind::ReasonList,
            Role::PaymentSource => ValueKind::Source,
            Role::Billed
            | Role::Allowed
            | Role::Paid
            | Role::Contractual
            | Role::Deductible
            | Role::Coinsurance
            | Role::Copay
            | Role::PatientResponsibility
            | Role::OtherAdjustment
            | Role::PatientPaid => ValueKind::Money,
        }
    }

    /// Header texts that mean this role, as real exports write them. They are
    /// normalised with [`normalise_header`] before comparing, so `Claim #`,
    /// `claim no.` and `CLAIM NUMBER` are the same.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Role::ClaimId => &[
                "Claim #",
                "Claim ID",
                "Claim Number",
                "Claim",
                "Encounter",
                "Encounter #",
                "Encounter ID",
                "Invoice #",
                "Invoice",
                "Patient Control #",
                "Patient Control Number",
                "Patient Account #",
                "PCN",
                "Account #",
                "Acct #",
                "Visit #",
                "Ticket #",
                "Claim Ref",
                "CLAIMID",
            ],
            Role::Line => {
                &["Line", "Line #", "Service Line", "Svc Line", "Line Item", "Claim Line", "Charge Line"]
            }
            Role::PatientId => &[
                "MRN",
                "Patient ID",
                "Chart #",
                "Chart",
                "Member ID",
                "Patient #",
                "Patient Number",
                "Subscriber ID",
                "Medical Record #",
                "PATIENTID",
            ],
            Role::PatientName => {
                &["Patient", "Patient Name", "Name", "Patient Full Name", "Pt Name", "Member Name"]
            }
            Role::PatientFirstName => &["First Name", "Patient First Name", "First", "FName", "Given Name"],
            Role::PatientLastName => {
                &["Last Name", "Patient Last Name", "Last", "LName", "Surname", "Family Name"]
            }
            Role::DateOfBirth => {
                &["DOB", "Date of Birth", "Birth Date", "Birthdate", "Patient DOB", "Pt DOB"]
            }
            Role::ServiceDate => &[
                "DOS",
                "Date of Service",
                "Service Date",
                "From Date",
                "DOS From",
                "Svc Date",
                "Date From",
                "Visit Date",
                "Encounter Date",
                "From DOS",
            ],
            Role::BilledDate => &[
                "Bill Date",
                "Submitted",
                "Claim Date",
                "Date Billed",
                "Billed Date",
                "Submit Date",
                "Submission Date",
                "Date Submitted",
                "Sent Date",
                "Billing Date",
            ],
            Role::Code => &[
                "CPT",
                "HCPCS",
                "CPT/HCPCS",
                "Procedure",
                "Proc Code",
                "Service Code",
                "CPT Code",
                "Procedure Code",
                "Code",
                "Proc",
                "HCPCS Code",
                "Billing Code",
            ],
            Role::Modifier => &["Modifier", "Mod", "Mod 1", "Modifier 1", "Modifiers", "Mods"],
            Role::Units => &["Units", "Qty", "Days/Units", "Quantity", "Unit", "Svc Units"],
            Role::Payer => &[
                "Payer",
                "Insurance",
                "Carrier",
                "Plan",
                "Primary Insurance",
                "Payer Name",
                "Insurance Name",
                "Ins Company",
                "Insurance Company",
                "Primary Payer",
                "Financial Class",
            ],
            Role::Billed => &[
                "Charge",
                "Charges",
                "Billed",
                "Billed Amount",
                "Total Charge",
                "Amount Billed",
                "Charge Amount",
                "Billed Amt",
                "Total Charges",
                "Fee",
                "Gross Charge",
                "Submitted Charge",
                "Line Charge",
            ],
            Role::Allowed => {
                &["Allowed", "Allowed Amount", "Allowable", "Allowed Amt", "Expected", "Contracted Amount"]
            }
            Role::Paid => &[
                "Paid",
                "Ins Paid",
                "Insurance Payment",
                "Payment",
                "Amount Paid",
                "Plan Paid",
                "Insurance Paid",
                "Paid Amount",
                "Payer Paid",
                "Ins Payment",
                "Payment Amount",
                "Ins Pmt",
                "Paid Amt",
                "PAYMENTS",
            ],
            Role::Contractual => &[
                "Contractual",
                "Contractual Adj",
                "CO Adj",
                "Write-off",
                "Discount",
                "Contractual Adjustment",
                "Write Off",
                "Contractual Write-off",
                "Writeoff",
                "Contract Adj",
            ],
            Role::Deductible => &["Deductible", "Ded", "Deductible Amount", "Deductible Amt"],
            Role::Coinsurance => &["Coinsurance", "Coins", "Co-insurance", "Coinsurance Amount", "Coins Amt"],
            Role::Copay => &["Copay", "Co-pay", "Copay Amount", "Copayment", "Co-payment"],
            Role::PatientResponsibility => &[
                "Patient Resp",
                "Pt Resp",
                "PR",
                "Patient Responsibility",
                "Patient Portion",
                "Patient Balance",
                "Pt Responsibility",
                "Patient Share",
                "Pt Portion",
            ],
            Role::OtherAdjustment => &[
                "Other Adj",
                "OA",
                "PI Adj",
                "Adjustment",
                "Other Adjustment",
                "Adjustments",
                "OA Adj",
                "Other Adjustments",
                "Adj",
                "Adj Amount",
            ],
            Role::PatientPaid => &[
                "Patient Paid",
                "Pt Paid",
                "Patient Payment",
                "Pt Payment",
                "Patient Pmt",
                "Copay Collected",
            ],
            Role::PaymentSource => &[
                "Payment Source",
                "Source",
                "Paid By",
                "Payer Type",
                "Pmt Type",
                "Payment Type",
                "Responsible Party",
                "Pmt Source",
                "Payer Level",
                "Insurance Level",
            ],
            Role::ReasonCodes => &[
                "Reason",
                "Adj Reason",
                "CARC",
                "Denial Code",
                "Remark",
                "RARC",
                "Reason Code",
                "Reason Codes",
                "Adjustment Reason",
                "Denial Reason",
                "Remark Code",
                "Remark Codes",
                "Adj Code",
                "Adjustment Codes",
                "Group/Reason",
                "CAS",
            ],
            Role::PaymentDate => &[
                "Paid Date",
                "Check Date",
                "Payment Date",
                "Posted",
                "Date Paid",
                "Post Date",
                "Posting Date",
                "Remit Date",
                "EFT Date",
                "Deposit Date",
                "Posted Date",
            ],
            Role::CheckNumber => &[
                "Check #",
                "EFT #",
                "Trace #",
                "Check/EFT",
                "Check Number",
                "EFT Number",
                "Trace Number",
                "Check/EFT #",
                "Check No",
                "Payment Ref",
                "Reference #",
            ],
            Role::Status => &["Claim Status", "Status", "Line Status", "Payment Status"],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Header text reduced to what matters for matching: lower case, words only,
/// `#`/`no`/`number` unified, common abbreviations expanded.
pub fn normalise_header(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match c {
            '#' => s.push_str(" # "),
            '&' => s.push_str(" and "),
            c if c.is_alphanumeric() => s.extend(c.to_lowercase()),
            _ => s.push(' '),
        }
    }
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| match w {
            "no" | "nbr" | "num" | "number" | "nr" => "#",
            "amt" | "amount" => "amount",
            "adj" | "adjustment" | "adjustments" | "adjs" | "adjust" => "adj",
            "pt" | "pat" => "patient",
            "ins" | "insurance" => "insurance",
            "svc" | "serv" | "service" | "services" => "service",
            "proc" => "procedure",
            "dt" => "date",
            "chg" | "chgs" | "charges" => "charge",
            "resp" | "responsibility" => "responsibility",
            "pmt" | "pymt" => "payment",
            "acct" | "account" => "account",
            "id" | "identifier" => "id",
            "co" => "co",
            other => other,
        })
        .collect();
    words.join(" ")
}

/// How sure we are of a guessed role, 0–100. Below [`LOW_CONFIDENCE`] the
/// page highlights the guess for the user to check.
pub type Confidence = u8;
pub const LOW_CONFIDENCE: Confidence = 70;

/// An exact synonym match.
const EXACT: Confidence = 100;
/// A synonym with its spaces left out (`PROCEDURECODE`).
const RUN_TOGETHER: Confidence = 90;
/// The header contains a synonym plus other words ("Primary Payer Name").
const CONTAINS: Confidence = 75;
/// A header that often means something else: guessed, but flagged for the user to check.
const AMBIGUOUS: Confidence = 60;

/// "Payment Type" often holds the method (check, EFT) rather than who paid, "Payer Type" the
/// financial class (commercial, Medicare), and a lone "Source" may be a referral source (SPEC §8.3
/// lists them all): guessed, with a low confidence, so that the page asks the user to check.
fn ambiguous_source(role: Role, synonym: &str) -> bool {
    role == Role::PaymentSource && matches!(synonym, "payment type" | "payer type" | "source")
}

/// Headers that count toward finding the header row.
pub(crate) const HEADER_VOTE: Confidence = 70;
/// A lone "Adjustment" column read as contractual: most adjustments in
/// practice exports are contractual write-offs, but the page asks the user
/// to check it (SPEC §8.1 "Ambiguous headers").
const LONE_ADJUSTMENT: Confidence = 60;

/// Every role's synonyms, normalised once.
fn synonym_table() -> &'static Vec<(Role, Vec<String>)> {
    static TABLE: OnceLock<Vec<(Role, Vec<String>)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Role::ALL.iter().map(|&r| (r, r.synonyms().iter().map(|s| normalise_header(s)).collect())).collect()
    })
}

/// The best role for one header, with its confidence.
pub fn guess_role(header: &str) -> Option<(Role, Confidence)> {
    let h = normalise_header(header);
    if h.is_empty() {
        return None;
    }
    let words: Vec<&str> = h.split(' ').collect();
    let squashed = h.replace(' ', "");
    // (role, score, length of the synonym, whole header matched)
    let mut best: Option<(Role, Confidence, usize, bool)> = None;
    for (role, synonyms) in synonym_table() {
        for syn in synonyms {
            let score = if *syn == h && ambiguous_source(*role, syn) {
                AMBIGUOUS
            } else if *syn == h {
                EXACT
            } else if *role == Role::PaymentSource {
                // "Referral Source", "Source of Admission": only the whole header names a payment source.
                continue;
            } else if syn.replace(' ', "") == squashed {
                // Database-style headers run the words together: PROCEDURECODE, FROMDATE.
                RUN_TOGETHER
            } else if contains_words(&words, syn) {
                // More extra words, less sure: "Paid" in "Paid To Date Total" is a weak hint.
                let extra = words.len() - syn.split(' ').count();
                CONTAINS.saturating_sub(10 * (extra.saturating_sub(1) as u8))
            } else {
                continue;
            };
            let len = syn.len();
            // Prefer the whole header matched (even when flagged as ambiguous), then the higher
            // score, then the longer (more specific) synonym.
            let whole = *syn == h;
            if best.is_none_or(|(_, s, l, w)| (whole, score, len) > (w, s, l)) {
                best = Some((*role, score, len, whole));
            }
        }
    }
    best.filter(|(_, s, _, _)| *s >= 40).map(|(r, s, _, _)| (r, s))
}

fn contains_words(words: &[&str], synonym: &str) -> bool {
    let syn: Vec<&str> = synonym.split(' ').collect();
    syn.len() <= words.len() && words.windows(syn.len()).any(|w| w == syn.as_slice())
}

/// One column as detected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub index: usize,
    pub letter: String,
    pub header: String,
    pub role: Option<Role>,
    pub confidence: Confidence,
}

/// Where the table starts and what each column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Row number (as a spreadsheet shows it) of the header row: the first
    /// of two when a header printed over two rows was joined (SPEC §8.1).
    pub header_row: u32,
    /// The header's last row: the data start below it.
    pub header_end: u32,
    pub columns: Vec<Column>,
}

/// How far down to look for the header row, below titles and banners.
pub const HEADER_SEARCH_ROWS: u32 = 30;

/// Finds the header row and guesses each column's role.
///
/// The header row is the first row within the first 30 in which at least two
/// cells are known column names (SPEC §2). Returns `None` when no row
/// qualifies; the caller says what it expected to find.
pub fn detect(sheet: &Sheet) -> Option<Layout> {
    for row in sheet.rows().take_while(|r| r.number <= HEADER_SEARCH_ROWS) {
        let votes = row
            .cells()
            .filter(|c| matches!(c, CellRef::Text(t) if guess_role(t).is_some_and(|(_, s)| s >= HEADER_VOTE)))
            .count();
        if votes >= 2 {
            let headers: Vec<String> = (0..row.len()).map(|i| header_text(row.get(i))).collect();
            return Some(Layout {
                header_row: row.number,
                header_end: row.number,
                columns: assign_roles(&headers),
            });
        }
    }
    None
}

pub(crate) fn header_text(cell: CellRef<'_>) -> String {
    cell.display().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Gives each role to at most one column (reason codes may span several
/// columns), best confidence first; ties go to the leftmost column.
pub(crate) fn assign_roles(headers: &[String]) -> Vec<Column> {
    let mut columns: Vec<Column> = headers
        .iter()
        .enumerate()
        .map(|(index, header)| Column {
            index,
            letter: column_letter(index),
            header: header.clone(),
            role: None,
            confidence: 0,
        })
        .collect();
    let mut guesses: Vec<(usize, Role, Confidence)> =
        headers.iter().enumerate().filter_map(|(i, h)| guess_role(h).map(|(r, c)| (i, r, c))).collect();
    guesses.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut taken: Vec<Role> = Vec::new();
    for (i, role, confidence) in guesses {
        if taken.contains(&role) && role != Role::ReasonCodes {
            continue;
        }
        taken.push(role);
        columns[i].role = Some(role);
        columns[i].confidence = confidence;
    }
    read_lone_adjustment_as_contractual(&mut columns);
    columns
}

/// SPEC §8.1: a lone "Adjustment"/"Adj"/"Adjustments" column, with no other
/// contractual column, is contractual, with a confidence that asks the user
/// to check it.
fn read_lone_adjustment_as_contractual(columns: &mut [Column]) {
    if columns.iter().any(|c| c.role == Some(Role::Contractual)) {
        return;
    }
    let mut lone = columns.iter_mut().filter(|c| normalise_header(&c.header) == "adj");
    if let (Some(column), None) = (lone.next(), lone.next()) {
        column.role = Some(Role::Contractual);
        column.confidence = LONE_ADJUSTMENT;
    }
}

/// The role → column choice that records are read with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Column index per role; reason codes may have several columns.
    by_role: BTreeMap<Role, Vec<usize>>,
}

impl Mapping {
    pub fn from_layout(layout: &Layout) -> Mapping {
        let mut m = Mapping::default();
        for c in &layout.columns {
            if let Some(r) = c.role {
                m.by_role.entry(r).or_default().push(c.index);
            }
        }
        m
    }

    /// The column for a role (the first, for reason codes).
    pub fn column(&self, role: Role) -> Option<usize> {
        self.by_role.get(&role).and_then(|v| v.first().copied())
    }

    pub fn columns(&self, role: Role) -> &[usize] {
        self.by_role.get(&role).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn has(&self, role: Role) -> bool {
        self.column(role).is_some()
    }

    pub fn roles(&self) -> impl Iterator<Item = (Role, usize)> + '_ {
        self.by_role.iter().flat_map(|(r, cols)| cols.iter().map(move |c| (*r, *c)))
    }

    /// The role of a column, if any.
    pub fn role_of(&self, column: usize) -> Option<Role> {
        self.roles().find(|(_, c)| *c == column).map(|(r, _)| r)
    }

    /// Sets `role` to exactly `column` (or unmaps it), and takes `column`
    /// away from any other role: each column has at most one role.
    pub fn set(&mut self, role: Role, column: Option<usize>) {
        if let Some(c) = column {
            for cols in self.by_role.values_mut() {
                cols.retain(|x| *x != c);
            }
        }
        self.by_role.remove(&role);
        if let Some(c) = column {
            self.by_role.insert(role, vec![c]);
        }
        self.by_role.retain(|_, cols| !cols.is_empty());
    }

    /// Applies the user's overrides on top of the detected mapping.
    pub fn apply(&mut self, overrides: &MappingOverride, columns: &[Column]) -> Result<(), MappingError> {
        for (key, target) in &overrides.0 {
            let role = Role::from_key(key).ok_or_else(|| MappingError::UnknownRole(key.clone()))?;
            let column = match target.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(find_column(t, columns).ok_or_else(|| MappingError::NoSuchColumn {
                    role,
                    target: t.to_string(),
                    headers: columns.iter().map(|c| format!("{} \"{}\"", c.letter, c.header)).collect(),
                })?),
            };
            self.set(role, column);
        }
        Ok(())
    }

    /// Roles that are mapped, per column, for display.
    pub fn describe(&self, columns: &[Column]) -> Vec<Column> {
        columns
            .iter()
            .map(|c| {
                let role = self.role_of(c.index);
                let confidence = if role == c.role { c.confidence } else { EXACT };
                Column { role, confidence: if role.is_some() { confidence } else { 0 }, ..c.clone() }
            })
            .collect()
    }
}

/// A header (exact, ignoring case and spaces) or a column letter.
fn find_column(target: &str, columns: &[Column]) -> Option<usize> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let t = norm(target);
    if let Some(c) = columns.iter().find(|c| norm(&c.header) == t) {
        return Some(c.index);
    }
    column_index(target)
}

/// Role → header text or column letter, as the user (or `--map`) gives it.
/// A `null` or empty target unmaps the role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingOverride(pub BTreeMap<String, Option<String>>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("\"{0}\" is not a column role; the roles are {roles}", roles = Role::ALL.map(Role::key).join(", "))]
    UnknownRole(String),
    #[error("the mapping for {role} names \"{target}\", which is neither a header nor a column letter here; the columns are: {}", headers.join(", "))]
    NoSuchColumn { role: Role, target: String, headers: Vec<String> },
}

/// A key for remembering a mapping: the normalised headers in order. Two
/// exports from the same system get the same signature.
pub fn header_signature(columns: &[Column]) -> String {
    columns.iter().map(|c| normalise_header(&c.header)).collect::<Vec<_>>().join("|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{open, Limits};

    fn role(header: &str) -> Option<Role> {
        guess_role(header).map(|(r, _)| r)
    }

    #[test]
    fn every_typical_header_of_the_spec_maps_to_its_role() {
        // SPEC §3 table, verbatim.
        let table: &[(Role, &[&str])] = &[
            (
                Role::ClaimId,
                &[
                    "Claim #",
                    "Claim ID",
                    "Claim Number",
                    "Encounter",
                    "Invoice #",
                    "Patient Control #",
                    "PCN",
                    "Account #",
                ],
            ),
            (Role::Line, &["Line", "Line #", "Service Line"]),
            (Role::PatientId, &["MRN", "Patient ID", "Chart #", "Member ID"]),
            (Role::PatientName, &["Patient", "Patient Name", "Name"]),
            (Role::ServiceDate, &["DOS", "Date of Service", "Service Date", "From Date"]),
            (Role::BilledDate, &["Bill Date", "Submitted", "Claim Date", "Date Billed"]),
            (Role::Code, &["CPT", "HCPCS", "CPT/HCPCS", "Procedure", "Proc Code", "Service Code"]),
            (Role::Modifier, &["Modifier", "Mod", "Mod 1"]),
            (Role::Units, &["Units", "Qty", "Days/Units"]),
            (Role::Payer, &["Payer", "Insurance", "Carrier", "Plan", "Primary Insurance"]),
            (
                Role::Billed,
                &["Charge", "Charges", "Billed", "Billed Amount", "Total Charge", "Amount Billed"],
            ),
            (Role::Allowed, &["Allowed", "Allowed Amount", "Allowable"]),
            (Role::Paid, &["Paid", "Ins Paid", "Insurance Payment", "Payment", "Amount Paid", "Plan Paid"]),
            (Role::Contractual, &["Contractual", "Contractual Adj", "CO Adj", "Write-off", "Discount"]),
            (Role::Deductible, &["Deductible"]),
            (Role::Coinsurance, &["Coinsurance", "Coins"]),
            (Role::Copay, &["Copay", "Co-pay"]),
            (
                Role::PatientResponsibility,
                &["Patient Resp", "Pt Resp", "PR", "Patient Responsibility", "Patient Portion"],
            ),
            (Role::OtherAdjustment, &["Other Adj", "OA", "PI Adj", "Adjustment"]),
            (Role::PatientPaid, &["Patient Paid", "Pt Paid", "Patient Payment"]),
            (Role::PaymentSource, &["Payment Source", "Paid By", "Responsible Party"]),
            (Role::ReasonCodes, &["Reason", "Adj Reason", "CARC", "Denial Code", "Remark", "RARC"]),
            (Role::PaymentDate, &["Paid Date", "Check Date", "Payment Date", "Posted"]),
            (Role::CheckNumber, &["Check #", "EFT #", "Trace #", "Check/EFT"]),
            (Role::Status, &["Claim Status", "Status"]),
        ];
        for (want, headers) in table {
            for h in *headers {
                assert_eq!(guess_role(h), Some((*want, EXACT)), "header {h:?}");
                assert_eq!(role(&h.to_uppercase()), Some(*want), "header {h:?} in capitals");
            }
        }
    }

    #[test]
    fn payment_source_headers_that_often_mean_something_else_are_flagged() {
        // SPEC §8.3 lists them, but "Payment Type" is often check/EFT, "Payer Type" a financial
        // class and "Source" a referral source.
        for h in ["Payment Type", "Pmt Type", "Payer Type", "Source"] {
            assert_eq!(guess_role(h), Some((Role::PaymentSource, AMBIGUOUS)), "{h}");
        }
        assert_eq!(guess_role("Referral Source"), None, "only the whole header names a payment source");
        assert_eq!(guess_role("Payment Source"), Some((Role::PaymentSource, EXACT)));
    }

    #[test]
    fn a_date_of_birth_is_not_a_date_of_service() {
        for h in ["DOB", "Birth Date", "Patient DOB", "Date of Birth"] {
            assert_eq!(role(h), Some(Role::DateOfBirth), "{h}");
        }
        assert_eq!(role("DOS"), Some(Role::ServiceDate));
    }

    #[test]
    fn headers_with_extra_words_are_guessed_with_less_confidence() {
        let (r, c) = guess_role("Primary Insurance Payer Name").unwrap();
        assert_eq!(r, Role::Payer);
        assert!(c < EXACT);
        assert_eq!(role("Ins. Paid Amt"), Some(Role::Paid));
        assert_eq!(role("Claim No."), Some(Role::ClaimId));
        assert_eq!(role("Patient\nName"), Some(Role::PatientName));
        assert_eq!(role("Payment Date"), Some(Role::PaymentDate), "not paid");
        assert_eq!(role("Paid Date"), Some(Role::PaymentDate), "not paid");
        assert_eq!(role("Pt. Resp."), Some(Role::PatientResponsibility));
        assert_eq!(guess_role("PROCEDURECODE"), Some((Role::Code, RUN_TOGETHER)));
        assert_eq!(role("FROMDATE"), Some(Role::ServiceDate));
        assert_eq!(role("MODIFIER1"), Some(Role::Modifier));
        assert_eq!(role("Shoe size"), None);
        assert_eq!(role(""), None);
    }

    fn sheet(csv: &str) -> Sheet {
        open(csv.as_bytes(), "t.csv", &Limits::default())
            .unwrap()
            .read(None, &mut crate::progress::NoProgress)
            .unwrap()
    }

    #[test]
    fn header_row_is_found_below_banners() {
        let s = sheet(
            "Maple Street Family Practice\nCharge Detail Report,,\n01/01/2026 - 11/10/2026\n\n\
             Claim #,Line,Patient,DOS,CPT,Charges\n1001,1,Ann Lee,03/15/2026,99213,$125.00\n",
        );
        let layout = detect(&s).unwrap();
        assert_eq!(layout.header_row, 5);
        let roles: Vec<Option<Role>> = layout.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            vec![
                Some(Role::ClaimId),
                Some(Role::Line),
                Some(Role::PatientName),
                Some(Role::ServiceDate),
                Some(Role::Code),
                Some(Role::Billed)
            ]
        );
        assert_eq!(layout.columns[5].letter, "F");
    }

    #[test]
    fn a_title_with_one_known_word_is_not_a_header() {
        let s = sheet("Payment report\nClaim,Paid\n1,2\n");
        assert_eq!(detect(&s).unwrap().header_row, 2);
    }

    #[test]
    fn no_header_within_thirty_rows_is_none() {
        let mut csv = String::new();
        for i in 0..31 {
            csv.push_str(&format!("eggs,{i}\n"));
        }
        csv.push_str("Claim #,Paid\n");
        assert_eq!(detect(&sheet(&csv)), None);
        assert_eq!(detect(&sheet("milk,bread\neggs,butter\n")), None);
    }

    #[test]
    fn each_role_goes_to_one_column_except_reason_codes() {
        let cols = assign_roles(&["Paid".into(), "Ins Paid".into(), "CARC".into(), "RARC".into()]);
        assert_eq!(cols[0].role, Some(Role::Paid));
        assert_eq!(cols[1].role, None, "the role is already taken by the exact match to its left");
        assert_eq!(cols[2].role, Some(Role::ReasonCodes));
        assert_eq!(cols[3].role, Some(Role::ReasonCodes));
        let m = Mapping::from_layout(&Layout { header_row: 1, header_end: 1, columns: cols });
        assert_eq!(m.columns(Role::ReasonCodes), &[2, 3]);
    }

    #[test]
    fn overrides_by_header_or_letter_move_a_role() {
        let cols = assign_roles(&["Claim #".into(), "Amount".into(), "Paid".into(), "Notes".into()]);
        let mut m = Mapping::from_layout(&Layout { header_row: 1, header_end: 1, columns: cols.clone() });
        assert_eq!(m.column(Role::Billed), None);
        let mut o = MappingOverride::default();
        o.0.insert("billed".into(), Some("amount".into()));
        o.0.insert("paid".into(), Some("D".into()));
        m.apply(&o, &cols).unwrap();
        assert_eq!(m.column(Role::Billed), Some(1));
        assert_eq!(m.column(Role::Paid), Some(3));
        assert_eq!(m.role_of(2), None, "column C lost its role when paid moved");
        o.0.clear();
        o.0.insert("claim_id".into(), None);
        m.apply(&o, &cols).unwrap();
        assert!(!m.has(Role::ClaimId));
    }

    #[test]
    fn bad_overrides_say_what_exists() {
        let cols = assign_roles(&["Claim #".into(), "Paid".into()]);
        let mut m = Mapping::from_layout(&Layout { header_row: 1, header_end: 1, columns: cols.clone() });
        let mut o = MappingOverride::default();
        o.0.insert("paid".into(), Some("Ins Pd".into()));
        let err = m.apply(&o, &cols).unwrap_err().to_string();
        assert!(err.contains("\"Ins Pd\"") && err.contains("A \"Claim #\""), "{err}");
        let mut o = MappingOverride::default();
        o.0.insert("money".into(), Some("B".into()));
        assert!(m.apply(&o, &cols).unwrap_err().to_string().contains("claim_id"));
    }

    #[test]
    fn a_lone_adjustment_column_is_contractual_to_be_checked() {
        for header in ["Adjustment", "Adj", "Adjustments", "ADJUST"] {
            let cols = assign_roles(&["Claim #".into(), "Paid".into(), header.into()]);
            assert_eq!(cols[2].role, Some(Role::Contractual), "{header}");
            assert!(cols[2].confidence < LOW_CONFIDENCE, "{header}: the page asks the user to check it");
        }
        let cols = assign_roles(&["Contractual".into(), "Adjustment".into()]);
        assert_eq!(cols[1].role, Some(Role::OtherAdjustment), "another column is contractual");
        let cols = assign_roles(&["Adj".into(), "Adjustments".into()]);
        assert_eq!(cols[0].role, Some(Role::OtherAdjustment), "two adjustment columns: not a lone one");
    }

    #[test]
    fn the_signature_ignores_case_and_punctuation() {
        let a = assign_roles(&["Claim #".into(), "Paid".into()]);
        let b = assign_roles(&["CLAIM NO.".into(), "paid".into()]);
        assert_eq!(header_signature(&a), header_signature(&b));
    }
}
