//! The X12 835 reader: electronic remittance advice (ERA) files as payers send them.
//!
//! An 835 carries, for each payment (check or EFT), every claim it pays with the exact
//! adjustment detail (CAS group and reason codes), so reading it directly removes a step and
//! an export's rounding and guessing. The reader follows 005010X221A1 and also reads 4010
//! (004010X091A1) files.
//!
//! - [`parse`] reads bytes into a [`Remittance`]: transactions → claims → service lines, with
//!   [`Finding`]s for segments that could not be read and for the guide's balancing rules
//!   (`balance.rs`). Only "this is not an 835 at all" is an [`X12Error`]; a broken segment is a
//!   finding that names it, and the rest of the file still loads.
//! - [`remit_lines`] turns a remittance into [`RemitLine`]s, the neutral payment rows the
//!   reconciliation is built from.
//! - [`summary_text`] is what `clearbill inspect` prints.
//! - [`looks_like_x12`] tells an X12 file from a spreadsheet by its first bytes.
//!
//! Inside: `segments.rs` finds the delimiters and splits segments, `reader.rs` files them into
//! the model ([`model`], with code lists in [`codes`]), `remit_line.rs` maps claims to payment
//! rows.

pub mod acks;
mod balance;
pub mod claims;
pub mod codes;
pub mod model;
mod reader;
mod remit_line;
mod segments;
mod summary;

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252};

pub use acks::{summary_text as acks_summary_text, Acknowledgments, ClaimAck, SetAck};
pub use claims::{
    summary_text as claims_summary_text, ClaimBatch, ClaimForm, Frequency, SubmittedClaim, SubmittedLine,
};
pub use codes::{
    AdjustmentGroup, ClaimStatus, CreditDebit, PaymentHandling, PaymentMethod, ProviderAdjustmentReason,
};
pub use model::{
    Adjustment, Claim, Finding, FindingKind, Party, Payment, Person, Procedure, ProviderAdjustment,
    Remittance, ServiceLine, Severity, Transaction,
};
pub use remit_line::{claim_rows, remit_lines, RemitLine, RemitLineKind};
pub use summary::summary_text;

/// Why a file is not an 835 remittance at all. Problems inside an 835 are [`Finding`]s instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum X12Error {
    #[error(
        "this is not an X12 file: it does not start with an ISA interchange header or an ST \
         transaction header. An 835 remittance (ERA) from a payer or clearinghouse starts with \"ISA\""
    )]
    NotX12,
    #[error(
        "this is an 837 claim file: it holds the claims the practice sent to the payer, not a table \
         of charges or a remittance. Give it as the charges (or a charges export from the practice \
         system, csv or xlsx); as payments, choose the 835 remittance (ERA) the payer sent back for these \
         claims"
    )]
    ClaimFile,
    #[error("this is an X12 {0} file, not an 835 remittance")]
    OtherTransaction(String),
    #[error("this holds {0}, not a 999 or 277CA acknowledgment of claims")]
    NotAcknowledgment(String),
    #[error("this is an X12 {0} file, not an 837 claim file")]
    NotClaims(String),
    #[error("this X12 file holds no transaction (no ST segment), so there is no remittance in it")]
    NoTransaction,
}

/// Reads an 835 file: any of the delimiter layouts real payers use, several interchanges and
/// transactions, 5010 or 4010. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8]) -> Result<Remittance, X12Error> {
    let text = decode(bytes);
    let start = segments::find_start(&text).ok_or(X12Error::NotX12)?;
    let outcome = reader::read(&text, start);
    let mut remittance = outcome.remittance;
    if remittance.transactions.is_empty() {
        let others = outcome.other_transaction_types;
        return Err(if others.iter().any(|t| t == "837") {
            X12Error::ClaimFile
        } else if let Some(first) = others.first() {
            X12Error::OtherTransaction(reader::describe_set(first))
        } else {
            X12Error::NoTransaction
        });
    }
    if start.guessed {
        let d = start.delimiters;
        remittance.findings.insert(
            0,
            Finding {
                segment: 1,
                segment_id: "ST".to_string(),
                transaction_segment: Some(1),
                severity: Severity::Warning,
                kind: FindingKind::Unusual,
                message: format!(
                    "the file has no ISA envelope, so the delimiters were guessed: elements \"{}\", \
                     components \"{}\", segments end at {}",
                    d.element,
                    d.component,
                    if d.terminator == '\n' {
                        "line breaks".to_string()
                    } else {
                        format!("\"{}\"", d.terminator)
                    }
                ),
            },
        );
    }
    balance::check(&mut remittance);
    Ok(remittance)
}

/// Reads an 837 claim file (837P or 837I): the claims a practice sent, as charges (SPEC §11).
/// A file with no 837 transaction in it is an error that says what it is instead.
pub fn parse_837(bytes: &[u8]) -> Result<ClaimBatch, X12Error> {
    let mut batch = parse_837_as_sent(bytes)?;
    claims::settle(&mut batch);
    Ok(batch)
}

/// [`parse_837`] before replacements and voids are applied: every claim as the file sent it.
/// 837 files given together are read this way, then settled in order with
/// [`claims::settle_files`], so that a replacement in one file supersedes a claim of an earlier one.
pub fn parse_837_as_sent(bytes: &[u8]) -> Result<ClaimBatch, X12Error> {
    let text = decode(bytes);
    let start = segments::find_start(&text).ok_or(X12Error::NotX12)?;
    let batch = claims::read(&text, start);
    if batch.transactions > 0 {
        return Ok(batch);
    }
    let first =
        segments::Splitter::new(&text, start).find(|s| s.id == "ST").map(|s| s.element(1).to_string());
    Err(match first {
        Some(set) => X12Error::NotClaims(reader::describe_set(&set)),
        None => X12Error::NoTransaction,
    })
}

/// Reads a 999/997 or 277CA acknowledgment file (SPEC §11). A file with neither in it is an
/// error that says what it is.
pub fn parse_acks(bytes: &[u8]) -> Result<Acknowledgments, X12Error> {
    let text = decode(bytes);
    let start = segments::find_start(&text).ok_or(X12Error::NotX12)?;
    let acks = acks::read(&text, start);
    if acks.sets.is_empty() && acks.claims.is_empty() {
        return Err(match acks.passed_over.first() {
            Some(what) => X12Error::NotAcknowledgment(what.clone()),
            None => X12Error::NoTransaction,
        });
    }
    Ok(acks)
}

/// Whether an X12 file holds an 837 (claims) transaction.
pub fn is_837(bytes: &[u8]) -> bool {
    let text = decode(bytes);
    segments::find_start(&text).is_some_and(|start| claims::holds_837(&text, start))
}

/// How far [`looks_like_x12`] reads.
const SNIFF_BYTES: usize = 64 * 1024;

/// True when the bytes are X12: an ISA header at the start (after a byte-order mark, whitespace
/// or a prose preamble), or a bare `ST` header. An 837 also looks like X12, so that [`parse`] can
/// say clearly what it is.
pub fn looks_like_x12(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let text = String::from_utf8_lossy(head);
    segments::find_start(&text).is_some()
}

/// X12 is ASCII in practice; UTF-8 is taken as is, a UTF-16 byte-order mark is honoured, and
/// anything else is read as Windows-1252 (the 0x92 apostrophe of a prose preamble).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheets_and_prose_are_not_x12() {
        assert_eq!(parse(b"Claim,Paid\n1,2\n").unwrap_err(), X12Error::NotX12);
        assert_eq!(parse(b"").unwrap_err(), X12Error::NotX12);
        assert_eq!(parse(b"PK\x03\x04\x00\x00").unwrap_err(), X12Error::NotX12);
        assert!(!looks_like_x12(b"Claim,Paid\n1,2\n"));
    }

    #[test]
    fn an_837_is_rejected_as_a_claim_file() {
        let err = parse(b"ST*837*0001*005010X222A1~BHT*0019~SE*3*0001~").unwrap_err();
        assert_eq!(err, X12Error::ClaimFile);
        assert!(err.to_string().starts_with("this is an 837 claim file: it holds the claims"));
        assert!(looks_like_x12(b"ST*837*0001~"));
    }

    #[test]
    fn other_transaction_sets_are_named() {
        let err = parse(b"ST*277*1~SE*2*1~").unwrap_err();
        assert_eq!(err.to_string(), "this is an X12 277 (claim status response) file, not an 835 remittance");
    }

    #[test]
    fn envelope_without_transactions_is_an_error() {
        let isa = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *110930*1105*^*00501*000004592*0*T*:~";
        assert_eq!(
            parse(format!("{isa}GS*HP*A~GE*0*1~IEA*1*1~").as_bytes()).unwrap_err(),
            X12Error::NoTransaction
        );
        assert!(looks_like_x12(format!("\u{feff}\r\n{isa}").as_bytes()));
    }

    #[test]
    fn bare_transaction_warns_that_delimiters_were_guessed() {
        let r = parse(b"ST*835*1~BPR*I*0*C*NON~SE*3*1~").unwrap();
        assert_eq!(r.findings.len(), 1);
        assert!(r.findings[0].message.contains("no ISA envelope"), "{}", r.findings[0].message);
    }

    #[test]
    fn windows_1252_text_is_decoded() {
        let bytes = b"ST*835*1~BPR*I*0*C*NON~N1*PR*O\x92NEIL~SE*4*1~";
        let r = parse(bytes).unwrap();
        assert_eq!(r.transactions[0].payer.name, "O\u{2019}NEIL");
    }
}
