//! Aging buckets of open money (SPEC §4 "Age").

use std::fmt;

use serde::{Serialize, Serializer};

/// How old a line's open amount is, in the buckets of an A/R aging report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgingBucket {
    Days0To30,
    Days31To60,
    Days61To90,
    Days91To120,
    Over120,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::Days0To30,
        AgingBucket::Days31To60,
        AgingBucket::Days61To90,
        AgingBucket::Days91To120,
        AgingBucket::Over120,
    ];

    /// The bucket for an age in days. A date after the as-of date (a negative
    /// age) is new money and falls in the first bucket.
    pub fn for_age(days: i64) -> AgingBucket {
        match days {
            i64::MIN..=30 => AgingBucket::Days0To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            91..=120 => AgingBucket::Days91To120,
            _ => AgingBucket::Over120,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgingBucket::Days0To30 => "0-30",
            AgingBucket::Days31To60 => "31-60",
            AgingBucket::Days61To90 => "61-90",
            AgingBucket::Days91To120 => "91-120",
            AgingBucket::Over120 => "121+",
        }
    }
}

impl fmt::Display for AgingBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for AgingBucket {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_boundaries_are_inclusive_at_the_top() {
        let cases = [
            (0, "0-30"),
            (30, "0-30"),
            (31, "31-60"),
            (60, "31-60"),
            (61, "61-90"),
            (90, "61-90"),
            (91, "91-120"),
            (120, "91-120"),
            (121, "121+"),
            (5000, "121+"),
            (-3, "0-30"),
        ];
        for (days, label) in cases {
            assert_eq!(AgingBucket::for_age(days).label(), label, "{days} days");
        }
    }
}
