//! The claim's life (SPEC §11): what the 999 and 277CA acknowledgments say about the claims of
//! an 837, and the funnel from submitted to paid.
//!
//! A claim the clearinghouse or payer rejected at the front door (999 IK5 R for its whole 837
//! transaction, or a 277CA STC category A3/A6/A7/A8) never reached adjudication: its lines that
//! no 835 answered are `rejected`, not `unpaid`. An 835 for the claim wins over an earlier
//! rejection (it was corrected and resubmitted under the same id).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::records::Id;
use crate::x12::Acknowledgments;

use super::claims::Claim;
use super::line::Line;
use super::status::Status;

/// submitted → rejected / accepted → paid / denied / no answer yet (report `summary.funnel`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    /// Claims of the 837 that stand (after replacements and voids).
    pub submitted: usize,
    pub rejected: usize,
    /// Submitted and not rejected.
    pub accepted: usize,
    /// Adjudicated with at least one line not denied.
    pub paid: usize,
    /// Adjudicated, every line denied.
    pub denied: usize,
    /// Accepted, and no 835 answers it yet.
    pub no_answer: usize,
}

/// The claims rejected at the front door, by claim key, with why.
#[derive(Debug, Default)]
pub(crate) struct Rejections {
    by_claim: BTreeMap<String, String>,
}

impl Rejections {
    /// From the acknowledgments and the 837's claims (`(CLM01, ST02)` pairs: a 999 rejects whole
    /// transactions).
    pub fn of(acks: &[(String, Acknowledgments)], claims: &[(String, String)]) -> Rejections {
        let mut r = Rejections::default();
        for (file, a) in acks {
            for set in a.sets.iter().filter(|s| s.rejected() && s.set == "837") {
                for (id, _) in claims.iter().filter(|(_, st)| *st == set.control_number) {
                    r.add(
                        id,
                        format!("{file}: the 999 rejected the whole 837 transaction {}", set.control_number),
                    );
                }
            }
            for c in a.claims.iter().filter(|c| c.rejected()) {
                r.add(&c.claim_id, format!("{file}: {}", c.reason()));
            }
        }
        r
    }

    fn add(&mut self, claim: &str, why: String) {
        if let Some(key) = Id::new(claim) {
            self.by_claim.entry(key.key.to_string()).or_insert(why);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_claim.is_empty()
    }

    /// Marks the unanswered lines of rejected claims `rejected`; returns a note per claim.
    pub fn apply(&self, lines: &mut [Line]) -> Vec<String> {
        let mut notes = BTreeMap::new();
        for line in lines.iter_mut().filter(|l| l.status == Status::Unpaid) {
            let Some(key) = line.claim_id.as_deref().and_then(Id::new) else { continue };
            if let Some(why) = self.by_claim.get(&*key.key) {
                line.status = Status::Rejected;
                notes.entry(key.shown.to_string()).or_insert_with(|| {
                    format!("claim {} was rejected before adjudication ({why}): correct and resubmit; the filing clock still runs", key.shown)
                });
            }
        }
        notes.into_values().collect()
    }
}

/// The funnel over the report's claims.
pub(crate) fn funnel(claims: &[Claim], lines: &[Line]) -> Funnel {
    let mut f = Funnel { submitted: claims.len(), ..Funnel::default() };
    for c in claims {
        let statuses: Vec<Status> = c.lines.iter().filter_map(|&i| lines.get(i)).map(|l| l.status).collect();
        if statuses.contains(&Status::Rejected) {
            f.rejected += 1;
        } else if statuses.iter().all(|s| *s == Status::Unpaid) {
            f.no_answer += 1;
        } else if statuses.iter().all(|s| *s == Status::Denied) {
            f.denied += 1;
        } else {
            f.paid += 1;
        }
    }
    f.accepted = f.submitted - f.rejected;
    f
}
