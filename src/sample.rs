//! The built-in sample behind "Try with sample data": a small practice's
//! charges, remittance and fee schedule (tests/fixtures/practice), kept in the
//! module so that trying the page needs no request. They are the same files
//! the golden tests reconcile, and the as-of date is the one their expected
//! report was computed for (tests/fixtures/practice/expected.json, `asOf`;
//! the test below keeps the two together when the fixtures are remade).

/// One sample file: which input it fills, and its name and bytes.
pub struct SampleFile {
    /// `charges`, `payments` or `fees`.
    pub role: &'static str,
    pub name: &'static str,
    pub bytes: &'static [u8],
}

/// The date the sample's ages and aging buckets are meant to be read as of.
pub const AS_OF: &str = "2026-11-15";

pub const FILES: [SampleFile; 3] = [
    SampleFile {
        role: "charges",
        name: "sample-charges.csv",
        bytes: include_bytes!("../tests/fixtures/practice/charges.csv"),
    },
    SampleFile {
        role: "payments",
        name: "sample-payments.csv",
        bytes: include_bytes!("../tests/fixtures/practice/payments.csv"),
    },
    SampleFile {
        role: "fees",
        name: "sample-fees.csv",
        bytes: include_bytes!("../tests/fixtures/practice/fees.csv"),
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_as_of_date_is_the_expected_reports() {
        let expected: serde_json::Value =
            serde_json::from_slice(include_bytes!("../tests/fixtures/practice/expected.json")).unwrap();
        assert_eq!(expected["asOf"], super::AS_OF);
    }
}
