//! Filtering, sorting and paging a report's lines, so the page can show a
//! report of 200,000 lines without copying them all out of wasm.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::line::Line;
use super::status::Status;
use super::Report;
use crate::hashing::FastSet;
use crate::interned::Text;

/// Which lines to show, in which order, and which page of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LineQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only this payer (exact, ignoring case and surrounding spaces).
    pub payer: Option<String>,
    /// Text that must appear in the claim, patient, code, payer or a reason code.
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: usize,
    /// Page size; 0 means 100.
    pub limit: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    /// The report's order: first charge row.
    #[default]
    Row,
    ClaimId,
    Patient,
    ServiceDate,
    Code,
    Payer,
    Billed,
    InsurancePaid,
    Balance,
    AtStake,
    Status,
    Age,
}

/// The order of the lines that pass a query's filter, kept between pages.
#[derive(Clone, Debug)]
pub struct Selection {
    filter: LineQuery,
    order: Vec<usize>,
}

/// One page of lines, with each line's index in the report.
#[derive(Clone, Debug, Serialize)]
pub struct LinePage<'a> {
    /// Lines that pass the filter, over all pages.
    pub total: usize,
    pub offset: usize,
    pub items: Vec<IndexedLine<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexedLine<'a> {
    pub index: usize,
    #[serde(flatten)]
    pub line: &'a Line,
}

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 5_000;

impl LineQuery {
    fn matches(&self, l: &Line, search: Option<&str>, payer: Option<&str>) -> bool {
        if !self.statuses.is_empty() && !self.statuses.contains(&l.status) {
            return false;
        }
        if let Some(p) = payer {
            if l.payer.as_deref().map(|x| x.trim().to_lowercase()) != Some(p.to_string()) {
                return false;
            }
        }
        if let Some(s) = search {
            let hit = |t: &Option<Text>| t.as_deref().is_some_and(|t| t.to_lowercase().contains(s));
            if !(hit(&l.claim_id)
                || hit(&l.patient)
                || hit(&l.code)
                || hit(&l.payer)
                || l.reason_codes.iter().any(|c| c.to_string().to_lowercase().contains(s)))
            {
                return false;
            }
        }
        true
    }
}

fn compare(a: &Line, b: &Line, key: SortKey) -> Ordering {
    match key {
        SortKey::Row => Ordering::Equal,
        SortKey::ClaimId => natural(&a.claim_id, &b.claim_id),
        SortKey::Patient => a.patient.cmp(&b.patient),
        SortKey::ServiceDate => a.service_date.cmp(&b.service_date),
        SortKey::Code => a.code.cmp(&b.code),
        SortKey::Payer => a.payer.cmp(&b.payer),
        SortKey::Billed => a.billed.cmp(&b.billed),
        SortKey::InsurancePaid => a.insurance_paid.cmp(&b.insurance_paid),
        SortKey::Balance => a.balance.cmp(&b.balance),
        SortKey::AtStake => a.at_stake.cmp(&b.at_stake),
        SortKey::Status => a.status.cmp(&b.status),
        SortKey::Age => a.age_days.cmp(&b.age_days),
    }
}

/// Claim numbers sort as numbers when both are digits (9 before 10).
pub(crate) fn natural(a: &Option<Text>, b: &Option<Text>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y))
            if x.bytes().all(|c| c.is_ascii_digit()) && y.bytes().all(|c| c.is_ascii_digit()) =>
        {
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then(x.cmp(y))
        }
        _ => a.cmp(b),
    }
}

impl Report {
    /// The indices of the lines that pass the query's filter, in its order.
    pub fn select_lines(&self, q: &LineQuery) -> Vec<usize> {
        let search = q.search.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        let payer = q.payer.as_deref().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        let mut idx: Vec<usize> = (0..self.lines.len())
            .filter(|&i| q.matches(&self.lines[i], search.as_deref(), payer.as_deref()))
            .collect();
        if q.sort != SortKey::Row || q.descending {
            // Stable: ties keep the report's order.
            idx.sort_by(|&i, &j| {
                let o = compare(&self.lines[i], &self.lines[j], q.sort).then(i.cmp(&j));
                if q.descending {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        idx
    }

    /// One page of lines for the query.
    pub fn query_lines(&self, q: &LineQuery) -> LinePage<'_> {
        self.page_of(q, &self.select_lines(q))
    }

    /// One page of lines, reusing the filtered and sorted order of the previous
    /// query when only the page changed: paging through 200,000 lines then
    /// costs a page, not a sort.
    pub fn query_lines_cached(&self, q: &LineQuery, cache: &mut Option<Selection>) -> LinePage<'_> {
        let filter = LineQuery { offset: 0, limit: 0, ..q.clone() };
        match cache {
            Some(c) if c.filter == filter => {}
            _ => *cache = Some(Selection { order: self.select_lines(&filter), filter }),
        }
        match cache {
            Some(c) => self.page_of(q, &c.order),
            None => self.query_lines(q),
        }
    }

    fn page_of(&self, q: &LineQuery, idx: &[usize]) -> LinePage<'_> {
        let limit = if q.limit == 0 { DEFAULT_PAGE } else { q.limit.min(MAX_PAGE) };
        let items = idx
            .iter()
            .skip(q.offset)
            .take(limit)
            .map(|&index| IndexedLine { index, line: &self.lines[index] })
            .collect();
        LinePage { total: idx.len(), offset: q.offset, items }
    }

    /// Distinct payers of the lines, for the page's filter.
    pub fn payers(&self) -> Vec<String> {
        distinct_sorted(self.lines.iter().filter_map(|l| l.payer.as_deref()))
    }

    /// Distinct patients of the lines, for the estimate view's list.
    pub fn patients(&self) -> Vec<String> {
        distinct_sorted(self.lines.iter().filter_map(|l| l.patient.as_deref()))
    }
}

/// Each text once, sorted (a set first: a million lines name a few thousand patients).
fn distinct_sorted<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: FastSet<&str> = texts.collect();
    let mut out: Vec<&str> = set.into_iter().collect();
    out.sort_unstable();
    out.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use crate::reconcile::{reconcile_files, FileInput, Options};
    use crate::table::Limits;

    fn report() -> Report {
        let charges =
            "Claim #,Patient,CPT,Charges,Payer\n9,Ann Lee,99213,100,Aetna\n10,Bo Park,99214,300,Medicare\n\
                       11,Cy Diaz,36415,20,aetna \n12,Di Ng,99213,50,Cigna\n";
        let payments = "Claim #,Paid,Contractual\n9,80,20\n10,100,0\n12,0,50\n";
        let c = FileInput {
            bytes: charges.as_bytes(),
            name: "c.csv",
            sheet: None,
            mapping: None,
            header_row: None,
        };
        let p = FileInput {
            bytes: payments.as_bytes(),
            name: "p.csv",
            sheet: None,
            mapping: None,
            header_row: None,
        };
        let o = Options {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            tolerance: Money::ZERO,
            deadlines: Default::default(),
        };
        reconcile_files(&[&c], &[&p], &[], None, &o, &Limits::default(), &mut crate::progress::NoProgress)
            .unwrap()
    }

    fn claims(page: &LinePage<'_>) -> Vec<String> {
        page.items.iter().map(|i| i.line.claim_id.clone().unwrap().to_string()).collect()
    }

    #[test]
    fn filters_by_status_payer_and_text() {
        let r = report();
        let q = LineQuery { statuses: vec![Status::Unpaid, Status::Denied], ..Default::default() };
        assert_eq!(claims(&r.query_lines(&q)), ["11", "12"]);
        let q = LineQuery { payer: Some("AETNA".into()), ..Default::default() };
        assert_eq!(claims(&r.query_lines(&q)), ["9", "11"], "payer matches ignoring case and spaces");
        let q = LineQuery { search: Some("park".into()), ..Default::default() };
        assert_eq!(claims(&r.query_lines(&q)), ["10"]);
    }

    #[test]
    fn sorts_stably_and_pages() {
        let r = report();
        let q = LineQuery { sort: SortKey::AtStake, descending: true, ..Default::default() };
        assert_eq!(claims(&r.query_lines(&q)), ["10", "12", "11", "9"]);
        let q = LineQuery { sort: SortKey::ClaimId, offset: 1, limit: 2, ..Default::default() };
        let page = r.query_lines(&q);
        assert_eq!((page.total, claims(&page)), (4, vec!["10".to_string(), "11".to_string()]));
        assert_eq!(page.items[0].index, 1);
    }

    #[test]
    fn cached_pages_equal_fresh_ones_and_a_new_filter_resets_the_cache() {
        let r = report();
        let mut cache = None;
        for (sort, offset) in [(SortKey::AtStake, 0), (SortKey::AtStake, 2), (SortKey::ClaimId, 1)] {
            let q = LineQuery { sort, offset, limit: 2, ..Default::default() };
            assert_eq!(
                claims(&r.query_lines_cached(&q, &mut cache)),
                claims(&r.query_lines(&q)),
                "{sort:?} {offset}"
            );
        }
    }

    #[test]
    fn lists_payers_once() {
        assert_eq!(report().payers(), ["Aetna", "Cigna", "Medicare", "aetna"]);
    }
}
