//! Filtering, sorting and paging the claim-level worklist (SPEC §8.7) for the
//! page: by payer, by kind of work, by claim numbers the page's workspace
//! picked (a work status, a follow-up due), sorted by any of its columns.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::worklist::{Kind, WorkItem};
use super::Report;
use crate::records::Id;

/// Which items to show, in which order, and which page of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkQuery {
    /// Only these kinds (empty: all).
    pub kinds: Vec<Kind>,
    /// Only this payer (ignoring case and surrounding spaces).
    pub payer: Option<String>,
    /// Only these claim numbers (compared as matching compares them); `None`: all.
    pub claim_ids: Option<Vec<String>>,
    pub sort: WorkSort,
    pub descending: bool,
    pub offset: usize,
    /// Page size; 0 means 100.
    pub limit: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkSort {
    /// The worklist's own order: deadline, then amount at stake.
    #[default]
    Deadline,
    Amount,
    Age,
    ClaimId,
    Patient,
    Payer,
    ServiceDate,
    Kind,
}

/// One page of items, with each item's index in the worklist.
#[derive(Clone, Debug, Serialize)]
pub struct WorkPage<'a> {
    pub total: usize,
    pub offset: usize,
    pub items: Vec<IndexedItem<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexedItem<'a> {
    pub index: usize,
    #[serde(flatten)]
    pub item: &'a WorkItem,
}

fn compare(a: &WorkItem, b: &WorkItem, key: WorkSort) -> Ordering {
    match key {
        WorkSort::Deadline => Ordering::Equal,
        WorkSort::Amount => a.amount.cmp(&b.amount),
        WorkSort::Age => a.age_days.cmp(&b.age_days),
        WorkSort::ClaimId => super::query::natural(&a.claim_id, &b.claim_id),
        WorkSort::Patient => a.patient.cmp(&b.patient),
        WorkSort::Payer => a.payer.cmp(&b.payer),
        WorkSort::ServiceDate => a.first_service_date.cmp(&b.first_service_date),
        WorkSort::Kind => (a.kind as u8).cmp(&(b.kind as u8)),
    }
}

impl Report {
    /// One page of the worklist for the query.
    pub fn query_worklist(&self, q: &WorkQuery) -> WorkPage<'_> {
        let payer = q.payer.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        let claims: Option<crate::hashing::FastSet<String>> = q
            .claim_ids
            .as_ref()
            .map(|ids| ids.iter().filter_map(|c| Id::new(c)).map(|id| id.key.to_string()).collect());
        let mut idx: Vec<usize> = (0..self.worklist.len())
            .filter(|&i| {
                let w = &self.worklist[i];
                (q.kinds.is_empty() || q.kinds.contains(&w.kind))
                    && payer
                        .as_deref()
                        .is_none_or(|p| w.payer.as_deref().is_some_and(|x| x.trim().eq_ignore_ascii_case(p)))
                    && claims.as_ref().is_none_or(|set| {
                        w.claim_id
                            .as_deref()
                            .and_then(Id::new)
                            .is_some_and(|id| set.contains(id.key.as_ref() as &str))
                    })
            })
            .collect();
        if q.sort != WorkSort::Deadline || q.descending {
            idx.sort_by(|&i, &j| {
                let o = compare(&self.worklist[i], &self.worklist[j], q.sort).then(i.cmp(&j));
                if q.descending {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        let limit = if q.limit == 0 { 100 } else { q.limit.min(5_000) };
        let items = idx
            .iter()
            .skip(q.offset)
            .take(limit)
            .map(|&index| IndexedItem { index, item: &self.worklist[index] })
            .collect();
        WorkPage { total: idx.len(), offset: q.offset.min(idx.len()), items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::reconcile::{reconcile_files, FileInput, Options};
    use crate::table::Limits;

    fn report() -> Report {
        let charges = "Claim #,Patient,DOS,CPT,Charges,Payer\n0009,Ann Lee,2026-08-01,99213,100,Aetna\n\
                       10,Bo Park,2026-08-02,99214,300,Medicare\n9,Ann Lee,2026-08-01,36415,20,Aetna\n\
                       12,Di Ng,2026-08-03,99213,50,Cigna\n13,Ed Fox,2026-08-04,99213,70,aetna \n";
        let payments = "Claim #,CPT,Paid,Contractual\n9,99213,60,20\n10,99214,100,0\n12,99213,0,50\n";
        let file =
            |bytes: &'static str, name| FileInput { bytes: bytes.as_bytes(), name, ..FileInput::default() };
        let o = Options::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(), Money::ZERO);
        reconcile_files(
            &[&file(charges, "c.csv")],
            &[&file(payments, "p.csv")],
            &[],
            None,
            &o,
            &Limits::default(),
            &mut crate::progress::NoProgress,
        )
        .unwrap()
    }

    fn claims(page: &WorkPage<'_>) -> Vec<String> {
        page.items.iter().map(|i| i.item.claim_id.clone().unwrap().to_string()).collect()
    }

    #[test]
    fn filters_by_kind_payer_and_claim_numbers() {
        let r = report();
        assert_eq!(claims(&r.query_worklist(&WorkQuery::default())), ["0009", "13", "10", "12"]);
        let q = WorkQuery { payer: Some(" AETNA".into()), ..Default::default() };
        assert_eq!(claims(&r.query_worklist(&q)), ["0009", "13"]);
        let q = WorkQuery { kinds: vec![Kind::Partial], ..Default::default() };
        assert_eq!(claims(&r.query_worklist(&q)), ["10"]);
        // Claim numbers compare as matching compares them: 9 is 0009.
        let q = WorkQuery { claim_ids: Some(vec!["9".into(), "12".into()]), ..Default::default() };
        let mut got = claims(&r.query_worklist(&q));
        got.sort();
        assert_eq!(got, ["0009", "12"]);
    }

    #[test]
    fn sorts_and_pages() {
        let r = report();
        let q = WorkQuery { sort: WorkSort::ClaimId, ..Default::default() };
        assert_eq!(claims(&r.query_worklist(&q)), ["0009", "10", "12", "13"]);
        let q =
            WorkQuery { sort: WorkSort::Amount, descending: true, offset: 1, limit: 1, ..Default::default() };
        let page = r.query_worklist(&q);
        assert_eq!((page.total, claims(&page)), (4, vec!["13".to_string()]));
    }
}
