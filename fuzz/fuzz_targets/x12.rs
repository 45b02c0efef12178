//! The X12 835 reader on arbitrary bytes: parse, the payment rows made from it, the summary and
//! the JSON the page gets.
//!
//! Checks, besides "never panics": for every claim, the payment rows carry exactly what the claim
//! says was paid (Σ paid = CLP04) and billed (Σ billed = CLP03).
#![no_main]

use std::collections::BTreeMap;

use clearbill::money::Money;
use clearbill::x12;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = x12::looks_like_x12(data);
    let Ok(remittance) = x12::parse(data) else { return };
    let lines = x12::remit_lines(&remittance);
    let claims: Vec<&x12::Claim> = remittance.transactions.iter().flat_map(|t| &t.claims).collect();
    let paid: Money = lines.iter().map(|l| l.paid).sum();
    let claims_paid: Money = claims.iter().map(|c| c.paid).sum();
    assert_eq!(paid, claims_paid, "Σ paid over the rows = Σ CLP04");
    let billed: Money = lines.iter().map(|l| l.billed).sum();
    let claims_billed: Money = claims.iter().map(|c| c.charge).sum();
    assert_eq!(billed, claims_billed, "Σ billed over the rows = Σ CLP03");
    // Claim ids may repeat (one id for nine claims is real), so compare per id.
    let mut per_id: BTreeMap<&str, [Money; 4]> = BTreeMap::new();
    for c in &claims {
        let e = per_id.entry(c.patient_control_number.as_str()).or_default();
        e[0] += c.paid;
        e[1] += c.charge;
    }
    for l in &lines {
        let e = per_id.entry(l.claim_id.as_str()).or_default();
        e[2] += l.paid;
        e[3] += l.billed;
    }
    for (id, [paid, charge, rows_paid, rows_billed]) in per_id {
        assert_eq!(rows_paid, paid, "claim {id:?}: Σ paid over its rows = CLP04");
        assert_eq!(rows_billed, charge, "claim {id:?}: Σ billed over its rows = CLP03");
    }
    let _ = x12::summary_text(&remittance);
    let _ = serde_json::to_string(&lines);
    let _ = clearbill::records::records_of_835(&remittance, "remit.835");
});
