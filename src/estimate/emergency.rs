//! Is this emergency care? (SPEC §9.2)
//!
//! Out-of-network emergency care is protected by the No Surprises Act, so a
//! line that is emergency care must be recognised even when the bill gives no
//! category: a patient's statement says "99285 EMERGENCY DEPT VISIT", not
//! "emergency". The signs, any one of which is enough:
//! - the category is `emergency`;
//! - the code is an emergency department visit, 99281–99285, or a hospital
//!   emergency visit, G0380–G0384;
//! - the revenue code is 045x (emergency room), in the revenue-code column or
//!   written as a four-digit code;
//! - the description says emergency, ER or ED.
//!
//! Critical care (99291–99292) is emergency care only "in an emergency
//! setting", which the code alone does not tell; such a line counts when its
//! revenue code or description says so, as above.
//!
//! The user has the last word: a service whose `emergency` flag is set is
//! taken as the user says, whatever the signs.

use super::plan::{normalise, Category};
use super::service::Service;

/// Whether the service is emergency care, as the user says or as the signs show.
pub fn is_emergency(service: &Service) -> bool {
    if let Some(said) = service.emergency {
        return said;
    }
    service.category == Category::Emergency
        || service.code.as_deref().is_some_and(|c| emergency_code(c) || emergency_revenue_code(c))
        || service.revenue_code.as_deref().is_some_and(emergency_revenue_code)
        || says_emergency(&service.description)
}

/// 99281–99285 and G0380–G0384, with or without a modifier (`99285-25`).
fn emergency_code(code: &str) -> bool {
    let code = code.trim().to_ascii_uppercase();
    let base = code.get(..5).unwrap_or("");
    if let Some(number) = base.strip_prefix('G') {
        return matches!(number.parse::<u32>(), Ok(380..=384));
    }
    matches!(base.parse::<u32>(), Ok(99281..=99285))
}

/// Revenue code 045x: "0450", "450", "0459".
fn emergency_revenue_code(code: &str) -> bool {
    let code = code.trim();
    let digits = code.strip_prefix('0').unwrap_or(code);
    digits.len() == 3 && digits.starts_with("45") && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A description with the word emergency (or "emerg"), ER or ED.
fn says_emergency(description: &str) -> bool {
    normalise(description).split(' ').any(|word| matches!(word, "emergency" | "emerg" | "er" | "ed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(description: &str, code: Option<&str>) -> Service {
        Service { description: description.into(), code: code.map(str::to_string), ..Service::default() }
    }

    #[test]
    fn emergency_is_found_by_category_code_revenue_code_or_words() {
        let found = [
            Service { category: Category::Emergency, ..service("Visit", None) },
            service("Level 5 visit", Some("99285")),
            service("Visit", Some("99281-25")),
            service("Hospital visit", Some("G0383")),
            service("Room", Some("0450")),
            Service { revenue_code: Some("451".into()), ..service("Room charge", Some("99291")) },
            service("EMERGENCY DEPT VISIT", None),
            service("ER physician", Some("99499")),
            service("Critical care, ED", Some("99291")),
        ];
        for s in &found {
            assert!(is_emergency(s), "{s:?}");
        }
        let not_found = [
            service("Office visit", Some("99213")),
            service("Critical care", Some("99291")),
            service("Room", Some("0360")),
            service("Hospital visit", Some("G0385")),
            service("Emergent surgery consult", Some("99244")),
            service("Fertility", Some("58970")),
        ];
        for s in &not_found {
            assert!(!is_emergency(s), "{s:?}");
        }
    }

    #[test]
    fn the_user_overrides_the_signs() {
        let mut er = service("EMERGENCY DEPT VISIT", Some("99285"));
        er.emergency = Some(false);
        assert!(!is_emergency(&er));
        let mut marked = service("Ambulance ride", Some("A0427"));
        marked.emergency = Some(true);
        assert!(is_emergency(&marked));
    }
}
