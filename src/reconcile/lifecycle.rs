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

/// A claim of the 837 files, as the acknowledgments name it: CLM01, the ST02 of its transaction
/// and the GS06 of its group.
#[derive(Clone, Debug)]
pub(crate) struct Submitted {
    pub id: String,
    pub transaction: String,
    pub group: Option<String>,
}

impl From<&crate::x12::SubmittedClaim> for Submitted {
    fn from(c: &crate::x12::SubmittedClaim) -> Submitted {
        Submitted { id: c.id.clone(), transaction: c.transaction.clone(), group: c.group.clone() }
    }
}

/// The claims rejected at the front door, by claim key, with why.
#[derive(Debug, Default)]
pub(crate) struct Rejections {
    by_claim: BTreeMap<String, String>,
}

impl Rejections {
    /// From the acknowledgments and the 837's claims (a 999 rejects whole transactions: those
    /// with its ST02, in its group when both name the group, so that two 837 files that both
    /// number their transaction `0001` are told apart by their GS06).
    pub fn of(acks: &[(String, Acknowledgments)], claims: &[Submitted]) -> Rejections {
        let mut r = Rejections::default();
        for (file, a) in acks {
            for set in a.sets.iter().filter(|s| s.rejected() && s.set == "837") {
                let named = |c: &&Submitted| {
                    c.transaction == set.control_number
                        && match (&c.group, &set.group) {
                            (Some(sent), Some(acknowledged)) => sent == acknowledged,
                            _ => true,
                        }
                };
                for Submitted { id, .. } in claims.iter().filter(named) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(id: &str, group: Option<&str>) -> Submitted {
        Submitted { id: id.into(), transaction: "0001".into(), group: group.map(str::to_string) }
    }

    #[test]
    fn a_999_rejects_the_transaction_of_its_own_group_only() {
        let ack = crate::x12::parse_acks(
            b"ST*999*0001*005010X231A1~AK1*HC*11*005010X222A1~AK2*837*0001~IK5*R~AK9*R*1*1*0~SE*6*0001~",
        )
        .unwrap();
        assert_eq!(ack.sets[0].group.as_deref(), Some("11"));
        let claims = [sent("A", Some("11")), sent("B", Some("12")), sent("C", None)];
        let r = Rejections::of(&[("batch.999".into(), ack)], &claims);
        let rejected: Vec<&str> = r.by_claim.keys().map(String::as_str).collect();
        assert_eq!(
            rejected,
            ["a", "c"],
            "keys; B's transaction 0001 is in another group; C's group is unknown"
        );
    }
}
