//! The clearinghouse's answers to an 837 before any payer adjudicates it: the 999 (or older 997)
//! implementation acknowledgment, which accepts or rejects whole 837 transactions, and the 277CA
//! (005010X214) claim acknowledgment, which accepts or rejects each claim (SPEC §11).
//!
//! A 277CA is told from the other 277s (the X212 claim status response and its unsolicited form)
//! by its header: BHT01 `0085` with BHT06 `TH`, or the X214 version in ST03/GS08. A claim's
//! answer is its STC category (STC01-1): A3, A6, A7 and A8 reject it, whatever the totals the
//! receiver reports elsewhere in the file say.

use serde::Serialize;

use crate::money::Money;

use super::reader::{non_empty, read_amount};
use super::segments::{Segment, Splitter, Start};

/// What a 999/997 said about one 837 transaction set (AK2 … IK5/AK5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAck {
    /// AK201, the acknowledged set (`837`).
    pub set: String,
    /// AK202: the ST02 of the acknowledged transaction.
    pub control_number: String,
    /// AK102: the GS06 of the functional group the transaction was sent in.
    pub group: Option<String>,
    /// IK501/AK501: `A` accepted, `E` accepted with errors, `R`, `M`, `W`, `X` rejected.
    pub code: String,
    pub segment: usize,
}

impl SetAck {
    pub fn rejected(&self) -> bool {
        matches!(self.code.as_str(), "R" | "M" | "W" | "X")
    }
}

/// What a 277CA said about one claim (loop 2200D: TRN*2 and its STC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimAck {
    /// TRN02: the claim's CLM01.
    pub claim_id: String,
    /// STC01-1, e.g. `A7`.
    pub category: String,
    /// STC01-2, e.g. `562`.
    pub status: String,
    /// STC01-3, the entity the status is about (`85` billing provider).
    pub entity: Option<String>,
    /// STC04, the claim's total as the receiver read it.
    pub amount: Option<Money>,
    /// The STC12 free text, when sent.
    pub text: Option<String>,
    pub segment: usize,
}

impl ClaimAck {
    /// A3, A6, A7, A8: the claim never reached adjudication.
    pub fn rejected(&self) -> bool {
        matches!(self.category.as_str(), "A3" | "A6" | "A7" | "A8")
    }

    /// The reason in plain words: the category's and the status code's meanings.
    pub fn reason(&self) -> String {
        let category = category_meaning(&self.category).unwrap_or("status category");
        let mut out = format!("{category} ({})", self.category);
        if !self.status.is_empty() {
            match status_meaning(&self.status) {
                Some(m) => out.push_str(&format!(": {m} ({})", self.status)),
                None => out.push_str(&format!(": status code {}", self.status)),
            }
        }
        if let Some(entity) = self.entity.as_deref() {
            let who = entity_meaning(entity).unwrap_or("entity");
            out.push_str(&format!(", about the {who} ({entity})"));
        }
        out
    }
}

/// Everything read from one acknowledgment file.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Acknowledgments {
    pub sets: Vec<SetAck>,
    pub claims: Vec<ClaimAck>,
    /// 277s that are not 277CAs, and other transaction sets, named.
    pub passed_over: Vec<String>,
}

/// Claim status category codes (STC01-1) of the acknowledgment family.
pub fn category_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "A0" => "forwarded to another entity",
        "A1" => "received",
        "A2" => "accepted into adjudication",
        "A3" => "returned as unprocessable",
        "A4" => "not found",
        "A5" => "split",
        "A6" => "rejected for missing information",
        "A7" => "rejected for invalid information",
        "A8" => "rejected for relational field in error",
        _ => return None,
    })
}

/// Common claim status codes (STC01-2).
pub fn status_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "0" => "cannot provide further status electronically",
        "1" => "see the remittance advice",
        "3" => "adjudicated, awaiting the payment cycle",
        "19" => "the entity acknowledges receipt",
        "20" => "accepted for processing",
        "21" => "missing or invalid information",
        "562" => "the entity's National Provider Identifier (NPI)",
        _ => return None,
    })
}

fn entity_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "85" => "billing provider",
        "82" => "rendering provider",
        "IL" => "subscriber",
        "QC" => "patient",
        "PR" => "payer",
        "41" => "submitter",
        "40" => "receiver",
        _ => return None,
    })
}

/// A plain-words summary of an acknowledgment file, for `clearbill inspect` and the page.
pub fn summary_text(a: &Acknowledgments) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if !a.sets.is_empty() {
        let rejected = a.sets.iter().filter(|s| s.rejected()).count();
        let _ = writeln!(
            out,
            "File acknowledgment (999/997): {} claim batch(es) answered, {} accepted, {rejected} rejected as a whole.",
            a.sets.len(),
            a.sets.len() - rejected
        );
    }
    if !a.claims.is_empty() {
        let rejected: Vec<&ClaimAck> = a.claims.iter().filter(|c| c.rejected()).collect();
        let _ = writeln!(
            out,
            "Claim acknowledgment (277CA): {} claim(s) answered, {} accepted, {} rejected.",
            a.claims.len(),
            a.claims.len() - rejected.len(),
            rejected.len()
        );
        for c in rejected.iter().take(20) {
            let _ = writeln!(out, "Claim {} rejected: {}.", c.claim_id, c.reason());
        }
    }
    out
}

pub(crate) fn read(text: &str, start: Start) -> Acknowledgments {
    let mut r = Reader::default();
    for seg in Splitter::new(text, start) {
        r.segment(&seg);
    }
    r.acks
}

#[derive(Default)]
struct Reader {
    acks: Acknowledgments,
    /// ST01 of the open transaction, and whether a 277 in it is a 277CA.
    set: String,
    is_277ca: bool,
    /// GS08 of the open group.
    version: String,
    /// AK1 of the open 999/997: AK102, the acknowledged group's GS06.
    group: Option<String>,
    /// AK2 open (999/997).
    set_ack: Option<(String, String)>,
    /// The HL level code of the open HL (277CA): `PT` is a claim's.
    level: String,
    claim_id: Option<String>,
}

impl Reader {
    fn segment(&mut self, seg: &Segment) {
        match seg.id {
            "GS" => self.version = seg.element(8).to_string(),
            "ST" => {
                self.set = seg.element(1).to_string();
                self.is_277ca = seg.element(3).contains("X214") || self.version.contains("X214");
                self.set_ack = None;
                self.group = None;
                self.level.clear();
                self.claim_id = None;
                if !matches!(self.set.as_str(), "999" | "997" | "277") {
                    self.acks
                        .passed_over
                        .push(format!("a {} transaction", super::reader::describe_set(&self.set)));
                }
            }
            "BHT" if self.set == "277" && seg.element(1) == "0085" && seg.element(6) == "TH" => {
                self.is_277ca = true;
            }
            "AK1" => self.group = non_empty(seg.element(2)),
            "AK2" => self.set_ack = Some((seg.element(1).to_string(), seg.element(2).to_string())),
            "IK5" | "AK5" => {
                if let Some((set, control_number)) = self.set_ack.take() {
                    let code = seg.element(1).to_string();
                    let group = self.group.clone();
                    self.acks.sets.push(SetAck { set, control_number, group, code, segment: seg.number });
                }
            }
            "HL" => {
                self.level = seg.element(3).to_string();
                self.claim_id = None;
            }
            "TRN" if self.level == "PT" && seg.element(1) == "2" => self.claim_id = non_empty(seg.element(2)),
            "STC" if self.set == "277" && self.is_277ca => self.status(seg),
            "SE" => {
                if self.set == "277" && !self.is_277ca {
                    self.acks.passed_over.push(
                        "a 277 claim status response (not a 277CA acknowledgment: its header is not BHT*0085…TH)"
                            .to_string(),
                    );
                }
                self.set.clear();
            }
            _ => {}
        }
    }

    fn status(&mut self, seg: &Segment) {
        let Some(claim_id) = self.claim_id.clone() else { return };
        let (parts, _) = seg.composite(1);
        let part = |i: usize| parts.get(i).copied().unwrap_or("").to_string();
        self.acks.claims.push(ClaimAck {
            claim_id,
            category: part(0),
            status: part(1),
            entity: non_empty(&part(2)),
            amount: read_amount(seg, 4, "claim amount").ok().flatten(),
            text: non_empty(seg.element(12)),
            segment: seg.number,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::segments::find_start;
    use super::*;

    fn read_text(text: &str) -> Acknowledgments {
        read(text, find_start(text).unwrap())
    }

    #[test]
    fn a_999_rejects_sets() {
        let a = read_text("ST*999*1*005010X231A1~AK1*HC*5~AK2*837*0001~IK5*A~AK2*837*0002~IK3*CLM*22**8~IK5*R*5~AK9*P*2*2*1~SE*8*1~");
        assert_eq!(a.sets.len(), 2);
        assert!(!a.sets[0].rejected());
        assert!(a.sets[1].rejected());
        assert_eq!(a.sets[1].control_number, "0002");
    }

    #[test]
    fn a_277ca_rejects_claims_by_category() {
        let a = read_text(
            "ST*277*1*005010X214~BHT*0085*08*1*20240101*1200*TH~HL*1**20*1~HL*2*1*21*1~TRN*2*BATCH~\
             STC*A1:19*20240101*WQ*300~HL*3*2*19*1~HL*4*3*PT~TRN*2*C1~STC*A7:562:85*20240101*U*100~\
             HL*5*3*PT~TRN*2*C2~STC*A2:20*20240101*WQ*200~SE*14*1~",
        );
        assert_eq!(a.claims.len(), 2, "the receiver's TRN*2 is not a claim");
        assert!(a.claims[0].rejected());
        assert_eq!(
            a.claims[0].reason(),
            "rejected for invalid information (A7): the entity's National Provider Identifier (NPI) (562), about the billing provider (85)"
        );
        assert!(!a.claims[1].rejected());
    }

    #[test]
    fn other_277s_are_passed_over() {
        let a = read_text(
            "ST*277*1*005010X212~BHT*0010*08*1*20240101*1200*DG~HL*1**PT~TRN*2*C1~STC*F2:88*20240101~SE*6*1~",
        );
        assert!(a.claims.is_empty());
        assert_eq!(a.passed_over.len(), 1);
    }
}
