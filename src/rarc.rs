//! Remittance advice remark codes (RARCs): the `N130`, `MA01`, `M15` that an 835 sends in LQ*HE
//! on a service line and in MOA/MIA on a claim.
//!
//! A remark adds detail to a claim adjustment reason code (`CO-97` says "bundled", `M15` says
//! which service it was bundled into). The meanings below are short descriptions in our own words
//! of the remarks a small practice meets most, for the posting sheet and the patient's
//! explanation. A code not in the table is shown as the code itself, never an error: the list is
//! maintained by X12 and grows several times a year.

/// A short meaning of a common remark code, or `None` for one this table does not know.
pub fn rarc_meaning(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "M1" => "X-ray not taken within the past 12 months",
        "M15" => "separately billed services or tests were bundled, as they are part of another service",
        "M20" => "missing or invalid procedure code (HCPCS)",
        "M51" => "missing, incomplete or invalid procedure code",
        "M76" => "missing, incomplete or invalid diagnosis",
        "M77" => "missing, incomplete or invalid place of service",
        "M80" => "not covered when performed during the same session as another service",
        "M86" => "service denied because payment already made for a similar procedure in the same period",
        "M127" => "missing patient medical record for this service",
        "MA01" => "you may appeal this decision in writing within the stated time limit",
        "MA04" => "secondary payment cannot be considered without the primary payer's information",
        "MA07" => "the claim was also forwarded to Medicaid for review",
        "MA13" => "you may be subject to penalties if you bill the patient for amounts not reported as patient responsibility",
        "MA18" => "the claim was also forwarded to the patient's supplemental insurer",
        "MA28" => "the provider did not accept assignment",
        "MA30" => "missing or invalid type of bill",
        "MA63" => "missing, incomplete or invalid principal diagnosis",
        "MA130" => "the claim has incomplete or invalid information and cannot be appealed; submit a new claim",
        "N4" => "missing or incomplete prior insurance carrier's explanation of benefits",
        "N19" => "procedure code incidental to the primary procedure",
        "N20" => "service not payable with other service rendered on the same date",
        "N30" => "patient ineligible for this service",
        "N54" => "claim information is inconsistent with pre-certified or authorized services",
        "N56" => "procedure code billed is not correct or valid for the services billed",
        "N95" => "this provider type or specialty may not bill this service",
        "N115" => "decision based on a local coverage determination",
        "N130" => "consult the plan's benefit documents for coverage limits",
        "N179" => "additional information was requested from the member",
        "N290" => "missing or invalid rendering provider identifier",
        "N362" => "the number of days or units exceeds the acceptable maximum",
        "N381" => "consult the contract or agreement for the payment terms",
        "N386" => "decision based on a national coverage determination",
        "N517" => "resubmit a new claim with the requested information",
        "N522" => "duplicate of a claim processed, or to be processed, as a crossover claim",
        "N657" => "this should be billed with the appropriate code for these services",
        _ => return None,
    })
}

/// The meaning, or the code shown as itself when the table does not know it.
pub fn describe(code: &str) -> String {
    match rarc_meaning(code) {
        Some(meaning) => meaning.to_string(),
        None => format!("remark {code}: see the payer's remark code list"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_remarks_have_meanings_in_any_case() {
        assert_eq!(rarc_meaning("N130"), Some("consult the plan's benefit documents for coverage limits"));
        assert_eq!(rarc_meaning("ma01"), rarc_meaning("MA01"));
        assert!(rarc_meaning(" M15 ").is_some());
    }

    #[test]
    fn unknown_remark_is_shown_as_its_code() {
        assert_eq!(rarc_meaning("N9999"), None);
        assert_eq!(describe("N9999"), "remark N9999: see the payer's remark code list");
    }
}
