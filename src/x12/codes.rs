//! The code lists an 835 uses, as enums with an `Unknown` variant.
//!
//! A payer may send a code that is newer than this table, or a legacy 4010 one. Such a code is
//! kept as written (`Unknown("27")`) and shown as unknown; it is never an error. The meanings are
//! short descriptions in our own words, for the summary and the page.

use std::fmt;

use serde::{Serialize, Serializer};

/// Declares a code enum: known variants with their X12 code and meaning, plus `Unknown(String)`.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal : $meaning:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A code this table does not know, kept as the payer wrote it.
            Unknown(String),
        }

        impl $name {
            /// Reads a code as written in the file (already trimmed).
            pub fn from_code(code: &str) -> $name {
                match code {
                    $($code => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }

            /// The code as written in the file.
            pub fn code(&self) -> &str {
                match self {
                    $($name::$variant => $code,)*
                    $name::Unknown(code) => code,
                }
            }

            /// A short meaning, or `None` for a code this table does not know.
            pub fn meaning(&self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($meaning),)*
                    $name::Unknown(_) => None,
                }
            }

            /// The code followed by its meaning, or by "unknown code": `22 (reversal of a previous payment)`.
            pub fn describe(&self) -> String {
                match self.meaning() {
                    Some(meaning) => format!("{} ({meaning})", self.code()),
                    None => format!("{} (unknown code)", self.code()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Serialize for $name {
            /// Serialised as the code itself, so unknown codes travel as written.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }
    };
}

code_enum! {
    /// CLP02, the claim status code (005010X221A1).
    ClaimStatus {
        ProcessedAsPrimary = "1": "processed as primary",
        ProcessedAsSecondary = "2": "processed as secondary",
        ProcessedAsTertiary = "3": "processed as tertiary",
        Denied = "4": "denied",
        PrimaryForwarded = "19": "processed as primary, forwarded to another payer",
        SecondaryForwarded = "20": "processed as secondary, forwarded to another payer",
        TertiaryForwarded = "21": "processed as tertiary, forwarded to another payer",
        /// The payer takes back an earlier payment; every amount of the claim is negated.
        Reversal = "22": "reversal of a previous payment",
        NotOurClaimForwarded = "23": "not our claim, forwarded to another payer",
        Predetermination = "25": "predetermination pricing only, no payment",
    }
}

code_enum! {
    /// CAS01, the claim adjustment group: who bears an adjustment.
    AdjustmentGroup {
        /// The provider writes it off under the contract.
        Contractual = "CO": "contractual obligation, the provider writes it off",
        PatientResponsibility = "PR": "patient responsibility",
        OtherAdjustment = "OA": "other adjustment",
        PayerInitiated = "PI": "payer-initiated reduction",
        /// Only in 4010 (004010X091A1); 5010 dropped it.
        CorrectionLegacy = "CR": "correction or reversal (4010 only)",
    }
}

code_enum! {
    /// BPR04, how the money moves.
    PaymentMethod {
        Ach = "ACH": "electronic funds transfer (ACH)",
        FinancialInstitutionOption = "BOP": "financial institution option",
        Check = "CHK": "check",
        FedWire = "FWT": "federal reserve wire transfer",
        NoPayment = "NON": "no payment",
    }
}

code_enum! {
    /// BPR01, what the transaction carries: money, remittance detail, or both.
    PaymentHandling {
        PaymentWithRemittance = "C": "payment with remittance detail",
        PaymentOnly = "D": "payment only",
        NotificationOnly = "H": "notification only",
        RemittanceOnly = "I": "remittance detail only",
        Prenotification = "P": "prenotification of future transfers",
        SplitPaymentAndRemittance = "U": "payment and remittance sent separately",
        HandlingPartysOption = "X": "handling party's option to split",
    }
}

code_enum! {
    /// BPR03, whether the amount is a credit or a debit to the provider.
    CreditDebit {
        Credit = "C": "credit",
        Debit = "D": "debit",
    }
}

code_enum! {
    /// PLB03-1, why a provider-level adjustment (one that belongs to no claim) was made. A positive
    /// PLB amount reduces the payment; a negative one increases it.
    ProviderAdjustmentReason {
        LateCharge = "50": "late charge",
        InterestPenalty = "51": "interest penalty charge",
        AuthorizedReturn = "72": "authorized return",
        EarlyPaymentAllowance = "90": "early payment allowance",
        OriginationFee = "AH": "origination fee",
        AppliedToBorrower = "AM": "applied to borrower's account",
        AccelerationOfBenefits = "AP": "acceleration of benefits",
        Rebate = "B2": "rebate",
        RecoveryAllowance = "B3": "recovery allowance",
        BadDebt = "BD": "bad debt adjustment",
        Bonus = "BN": "bonus",
        TemporaryAllowance = "C5": "temporary allowance",
        CapitationInterest = "CR": "capitation interest",
        Adjustment = "CS": "adjustment",
        CapitationPayment = "CT": "capitation payment",
        CapitalPassthrough = "CV": "capital passthrough",
        CrnaPassthrough = "CW": "nurse anesthetist passthrough",
        DirectMedicalEducation = "DM": "direct medical education passthrough",
        Withholding = "E3": "withholding",
        ForwardingBalance = "FB": "forwarding balance",
        FundAllocation = "FC": "fund allocation",
        GraduateMedicalEducation = "GO": "graduate medical education passthrough",
        HemophiliaClottingFactor = "HM": "hemophilia clotting factor supplement",
        IncentivePremium = "IP": "incentive premium payment",
        IrsWithholding = "IR": "IRS withholding",
        InterimSettlement = "IS": "interim settlement",
        Nonreimbursable = "J1": "nonreimbursable",
        Penalty = "L3": "penalty",
        InterestOwed = "L6": "interest owed",
        Levy = "LE": "levy",
        LumpSum = "LS": "lump sum",
        OrganAcquisition = "OA": "organ acquisition passthrough",
        AffiliatedProviderOffset = "OB": "offset for affiliated providers",
        PeriodicInterimPayment = "PI": "periodic interim payment",
        PaymentFinal = "PL": "final payment",
        RetroactiveAdjustment = "RA": "retroactive adjustment",
        ReturnOnEquity = "RE": "return on equity",
        StudentLoanRepayment = "SL": "student loan repayment",
        ThirdPartyLiability = "TL": "third-party liability",
        OverpaymentRecovery = "WO": "overpayment recovery",
        UnspecifiedRecovery = "WU": "unspecified recovery",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip_and_have_meanings() {
        for code in ["1", "2", "3", "4", "19", "20", "21", "22", "23", "25"] {
            let status = ClaimStatus::from_code(code);
            assert_eq!(status.code(), code);
            assert!(status.meaning().is_some(), "{code}");
        }
        assert_eq!(AdjustmentGroup::from_code("CO"), AdjustmentGroup::Contractual);
        assert_eq!(PaymentMethod::from_code("CHK"), PaymentMethod::Check);
    }

    #[test]
    fn unknown_code_is_kept_and_described_as_unknown() {
        let status = ClaimStatus::from_code("27");
        assert_eq!(status, ClaimStatus::Unknown("27".into()));
        assert_eq!(status.code(), "27");
        assert_eq!(status.describe(), "27 (unknown code)");
        assert_eq!(AdjustmentGroup::from_code("ZZ").describe(), "ZZ (unknown code)");
    }

    #[test]
    fn codes_serialise_as_written() {
        assert_eq!(serde_json::to_string(&ClaimStatus::Reversal).unwrap(), "\"22\"");
        assert_eq!(serde_json::to_string(&AdjustmentGroup::Unknown("XX".into())).unwrap(), "\"XX\"");
    }
}
