//! Claim adjustment reason codes: reading them and saying what they mean.
//!
//! A reason on a remittance is a group code (who bears the amount: `CO`
//! contractual obligation, `PR` patient responsibility, `OA` other, `PI`
//! payer-initiated) and a CARC number. Exports write lists of them in many
//! ways (`CO-45`, `PR1`, `CO 97; PR-2`, `45,16`); [`parse_list`] reads them
//! all. Remark codes (RARCs such as `N130`, `MA01`) are kept as remarks.
//!
//! The meanings are short descriptions in our own words of the codes a small
//! practice meets most (SPEC §4). An unknown code is "unknown code", never an
//! error. The follow-up action for a denial lives with the worklist.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::interned::Text;

/// Who bears an adjustment (X12 CAS01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Contractual obligation: the provider writes it off.
    Co,
    /// Patient responsibility: the patient owes it.
    Pr,
    /// Other adjustment.
    Oa,
    /// Payer-initiated reduction.
    Pi,
    /// Correction and reversal (X12 4010 only).
    Cr,
}

impl Group {
    pub fn from_code(s: &str) -> Option<Group> {
        // Compared without upper-casing a copy: this runs for every token of every reason list.
        [Group::Co, Group::Pr, Group::Oa, Group::Pi, Group::Cr]
            .into_iter()
            .find(|g| g.code().eq_ignore_ascii_case(s))
    }

    pub fn code(self) -> &'static str {
        match self {
            Group::Co => "CO",
            Group::Pr => "PR",
            Group::Oa => "OA",
            Group::Pi => "PI",
            Group::Cr => "CR",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Group::Co => "contractual obligation (the provider writes it off)",
            Group::Pr => "patient responsibility",
            Group::Oa => "other adjustment",
            Group::Pi => "payer-initiated reduction",
            Group::Cr => "correction or reversal",
        }
    }
}

/// One reason: a CARC with its group when the export gave one, or a remark code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReasonCode {
    pub group: Option<Group>,
    /// The CARC (`45`, `A1`, `B7`) or the remark code (`N130`, `MA01`).
    pub code: Text,
    pub remark: bool,
}

impl ReasonCode {
    pub fn carc(group: Option<Group>, code: &str) -> ReasonCode {
        ReasonCode { group, code: Text::from(code.to_ascii_uppercase()), remark: false }
    }

    /// A patient's share of a covered service (SPEC §8.4): deductible (1),
    /// coinsurance (2), copay (3), blood deductible (66), psychiatric
    /// reduction (122), low-income subsidy copay (241). Any other PR code
    /// (27 coverage ended, 96 non-covered, …) bills the patient for a service
    /// the payer denied. A code written without a group counts by its number.
    pub fn is_cost_sharing(&self) -> bool {
        !self.remark
            && matches!(self.group, Some(Group::Pr) | None)
            && matches!(self.code.trim_start_matches('0'), "1" | "2" | "3" | "66" | "122" | "241")
    }

    /// A PR code that is not cost sharing: the payer denied the service and
    /// left it to the patient (PR-27, PR-31, PR-96, PR-204, PR-B7, PR-B9, …).
    pub fn is_denial_to_patient(&self) -> bool {
        !self.remark && self.group == Some(Group::Pr) && !self.is_cost_sharing()
    }

    /// What the code means, in a few words. The group's meaning is
    /// [`Group::meaning`]; the report shows it once, not on every line.
    pub fn meaning(&self) -> &'static str {
        if self.remark {
            "remark code (see the payer's remittance advice)"
        } else {
            carc_meaning(&self.code).unwrap_or("unknown code")
        }
    }
}

impl fmt::Display for ReasonCode {
    /// `CO-45`, `45` (no group), `N130` (remark).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.group {
            Some(g) if !self.remark => write!(f, "{}-{}", g.code(), self.code),
            _ => f.write_str(&self.code),
        }
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Short meanings of the common CARCs, in our own words (SPEC §4).
pub fn carc_meaning(code: &str) -> Option<&'static str> {
    let code = code.trim_start_matches('0');
    Some(match code {
        "1" => "deductible",
        "2" => "coinsurance",
        "3" => "copay",
        "4" => "procedure code inconsistent with the modifier, or a modifier is missing",
        "5" => "procedure code or bill type inconsistent with the place of service",
        "6" => "procedure inconsistent with the patient's age",
        "7" => "procedure inconsistent with the patient's gender",
        "8" => "procedure inconsistent with the provider type or specialty",
        "9" => "diagnosis inconsistent with the patient's age",
        "11" => "diagnosis inconsistent with the procedure",
        "15" => "authorization number missing or invalid",
        "16" => "missing information",
        "18" => "exact duplicate claim or service",
        "19" => "work-related injury: bill the workers' compensation carrier",
        "20" => "injury covered by another payer (liability)",
        "22" => "other payer may be primary",
        "23" => "prior payer's adjudication",
        "24" => "covered by a capitation or managed care plan",
        "26" => "service before coverage started",
        "27" => "service after coverage ended",
        "29" => "filing limit passed",
        "31" => "patient not identified as a member",
        "32" => "patient is not an eligible dependent",
        "35" => "lifetime benefit maximum reached",
        "39" => "authorization was denied",
        "40" => "not an emergency or urgent service",
        "42" => "charge exceeds the fee schedule or maximum allowable",
        "45" => "charge exceeds the allowed/contracted amount",
        "49" => "routine or preventive service not covered",
        "50" => "not medically necessary",
        "51" => "pre-existing condition not covered",
        "55" => "experimental or investigational",
        "58" => "invalid place of service",
        "59" => "multiple or concurrent procedure reduction",
        "89" => "professional component paid separately",
        "94" => "processed in excess of charges",
        "96" => "non-covered charge",
        "97" => "bundled into another service",
        "101" => "predetermination: anticipated payment on completion",
        "107" => "the related or qualifying service was not paid",
        "109" => "wrong payer: send to the correct payer",
        "119" => "benefit maximum reached",
        "129" => "prior processing information is wrong",
        "131" => "claim-specific negotiated discount",
        "136" => "failure to follow the prior payer's coverage rules",
        "146" => "diagnosis invalid for the date of service",
        "150" => "information does not support this level of service",
        "151" => "information does not support this many services",
        "167" => "diagnosis not covered",
        "170" => "not paid when performed by this provider type",
        "181" => "procedure code invalid on the date of service",
        "182" => "modifier invalid on the date of service",
        "185" => "rendering provider not eligible",
        "189" => "not otherwise classified code; use a specific code",
        "197" => "prior authorization missing",
        "198" => "precertification or authorization exceeded",
        "199" => "revenue code and procedure code do not match",
        "204" => "not covered by the plan",
        "208" => "national provider identifier missing or mismatched",
        "209" => "allowed to be billed to the patient only after the payer's determination",
        "210" => "pre-certification or authorization not received in time",
        "226" => "information requested from the provider was not received",
        "227" => "information requested from the patient was not received",
        "234" => "this procedure is not paid separately",
        "236" => "procedure or modifier combination not compatible",
        "242" => "out of network",
        "243" => "services not authorized by the network provider",
        "252" => "an attachment or other documentation is required",
        "253" => "sequestration (federal payment reduction)",
        "256" => "service not payable under the managed care contract",
        "B7" => "provider not certified for this procedure on this date",
        "B9" => "patient is enrolled in a hospice",
        "B13" => "previously paid on another claim",
        "B15" => "the qualifying service was not paid",
        "A1" => "claim or service denied",
        "A2" => "contractual adjustment",
        "P2" => "not a work-related injury or illness",
        _ => return None,
    })
}

/// A reason-code cell that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{text}\" is not a list of reason codes (expected forms like CO-45, PR1, \"CO 97; PR-2\" or \"45,16\")"
)]
pub struct ReasonListError {
    pub text: String,
}

/// Reads a list of reason codes as exports write them: `CO-45`, `PR1`,
/// `CO 97; PR-2`, `45,16`, `CO45/PR2`, `N130`, `OA-23 MA01`. A group written
/// alone before a number (`CO 97`) applies to that number.
pub fn parse_list(text: &str) -> Result<Vec<ReasonCode>, ReasonListError> {
    let err = || ReasonListError { text: text.to_string() };
    let mut out = Vec::new();
    let mut pending_group: Option<Group> = None;
    for token in text.split([',', ';', '/', '|', ' ', '\t', '\n', '+']).filter(|t| !t.is_empty()) {
        let t = token.trim().trim_matches(|c: char| c == '(' || c == ')' || c == '.');
        if t.is_empty() {
            continue;
        }
        if let Some(g) = Group::from_code(t) {
            if pending_group.is_some() {
                return Err(err());
            }
            pending_group = Some(g);
            continue;
        }
        // "CO-45", "CO45", "PR-1"
        let (group, code) = match split_group(t) {
            Some((g, rest)) => (Some(g), rest),
            None => (pending_group, t),
        };
        pending_group = None;
        let code = code.trim_start_matches('-');
        if code.is_empty() || code.len() > 6 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(err());
        }
        let upper = code.to_ascii_uppercase();
        let remark = is_remark(&upper);
        if !remark && !is_carc(&upper) {
            return Err(err());
        }
        out.push(ReasonCode { group: if remark { None } else { group }, code: Text::from(upper), remark });
    }
    if pending_group.is_some() {
        return Err(err());
    }
    Ok(out)
}

fn split_group(t: &str) -> Option<(Group, &str)> {
    if t.len() < 3 || !t.is_char_boundary(2) {
        return None;
    }
    let g = Group::from_code(&t[..2])?;
    let rest = &t[2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    (!rest.is_empty()).then_some((g, rest))
}

/// CARCs are numbers (`45`) or a letter and digits (`A1`, `B13`, `P2`).
fn is_carc(code: &str) -> bool {
    let b = code.as_bytes();
    match b {
        [] => false,
        [first, rest @ ..] if first.is_ascii_alphabetic() => {
            !rest.is_empty() && rest.len() <= 2 && rest.iter().all(u8::is_ascii_digit)
        }
        _ => b.len() <= 3 && b.iter().all(u8::is_ascii_digit),
    }
}

/// RARCs: `M` or `N` plus up to three digits, or `MA`/`N` forms like `MA01`.
fn is_remark(code: &str) -> bool {
    let b = code.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.len() <= 3 && s.iter().all(u8::is_ascii_digit);
    match b {
        [b'M', b'A', rest @ ..] => digits(rest),
        [b'N' | b'M', rest @ ..] => digits(rest),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        parse_list(text).unwrap_or_else(|e| panic!("{e}")).iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn reads_every_list_form_of_the_spec() {
        assert_eq!(codes("CO-45"), ["CO-45"]);
        assert_eq!(codes("PR1"), ["PR-1"]);
        assert_eq!(codes("CO 97; PR-2"), ["CO-97", "PR-2"]);
        assert_eq!(codes("45,16"), ["45", "16"]);
        assert_eq!(codes("CO45/PR2"), ["CO-45", "PR-2"]);
        assert_eq!(codes("oa-23 ma01"), ["OA-23", "MA01"]);
        assert_eq!(codes("CO-A2, PI-B7"), ["CO-A2", "PI-B7"]);
        assert_eq!(codes("N130"), ["N130"]);
        assert_eq!(codes(""), Vec::<String>::new());
        assert_eq!(codes("  "), Vec::<String>::new());
    }

    #[test]
    fn rejects_text_that_is_not_codes() {
        for text in ["see note", "CO", "CO-", "denied!", "12345678", "CO PR 45"] {
            assert!(parse_list(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn meanings_come_from_the_table_and_unknown_codes_are_not_errors() {
        let c = &parse_list("CO-45").unwrap()[0];
        assert_eq!(c.meaning(), "charge exceeds the allowed/contracted amount");
        assert_eq!(carc_meaning("253"), Some("sequestration (federal payment reduction)"));
        let unknown = &parse_list("CO-999").unwrap()[0];
        assert_eq!(unknown.meaning(), "unknown code");
        // Every code SPEC §4 lists has a meaning.
        for code in [
            "1", "2", "3", "16", "18", "22", "23", "27", "29", "31", "45", "50", "96", "97", "109", "119",
            "167", "197", "204", "242", "253",
        ] {
            assert!(carc_meaning(code).is_some(), "CARC {code}");
        }
    }
}
