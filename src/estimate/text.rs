//! The estimate and the payment plan as aligned text, for the command line.
//!
//! Money columns are right-aligned; the explanation of each line follows the
//! table, numbered like the lines, then the amounts met and the assumptions.

use super::explain::dollars;
use super::payment_plan::PaymentPlan;
use super::{Estimate, EstimateLine, Totals};
use crate::money::Money;
use crate::table::dates;

/// Longer descriptions are cut in the table (the explanation names the line by number).
const DESCRIPTION_WIDTH: usize = 32;

const MONEY_HEADERS: [&str; 9] = [
    "Billed",
    "Allowed",
    "Copay",
    "Deductible",
    "Coinsurance",
    "Not covered",
    "Balance bill",
    "You pay",
    "Plan pays",
];

fn amounts(l: &EstimateLine) -> [Money; 9] {
    [
        l.billed,
        l.allowed,
        l.copay,
        l.deductible,
        l.coinsurance,
        l.not_covered,
        l.balance_bill,
        l.patient_pays,
        l.plan_pays,
    ]
}

/// The totals row. The contract totals copay, deductible and coinsurance only
/// as cost sharing, so their columns are summed here from the lines.
fn total_amounts(lines: &[EstimateLine], t: &Totals) -> [Money; 9] {
    let sum = |f: fn(&EstimateLine) -> Money| lines.iter().map(f).sum();
    [
        t.billed,
        t.allowed,
        sum(|l| l.copay),
        sum(|l| l.deductible),
        sum(|l| l.coinsurance),
        t.not_covered,
        t.balance_bill,
        t.patient_pays,
        t.plan_pays,
    ]
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Pads by characters, not bytes, so "…" and accented names line up.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// Renders rows of cells; `right[i]` right-aligns column `i`.
fn table(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, text)| pad(text, widths[c], right.get(c).copied().unwrap_or(false)))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

impl Estimate {
    /// The estimate for a person: a table, the reason for each line, totals,
    /// the amounts met after it and the assumptions.
    pub fn to_text(&self) -> String {
        let mut header: Vec<String> = ["#", "Service", "Category", "Network"].map(String::from).to_vec();
        header.extend(MONEY_HEADERS.iter().map(|h| h.to_string()));
        let mut rows = vec![header];
        for (i, line) in self.lines.iter().enumerate() {
            let service = match &line.code {
                Some(code) => format!("{} ({code})", line.description),
                None => line.description.clone(),
            };
            let mut row = vec![
                (i + 1).to_string(),
                cut(&service, DESCRIPTION_WIDTH),
                line.category.key().to_string(),
                line.network.key().to_string(),
            ];
            row.extend(amounts(line).map(|m| m.to_string()));
            rows.push(row);
        }
        let mut totals = vec![String::new(), "Total".to_string(), String::new(), String::new()];
        totals.extend(total_amounts(&self.lines, &self.totals).map(|m| m.to_string()));
        rows.push(totals);
        let right: Vec<bool> = (0..13).map(|c| c == 0 || c >= 4).collect();
        let mut out = table(&rows, &right);

        out.push_str(&format!(
            "\nYou pay {} in all: {} cost sharing, {} not covered, {} balance bills. The plan pays {}.\n",
            dollars(self.totals.patient_pays),
            dollars(self.totals.cost_sharing),
            dollars(self.totals.not_covered),
            dollars(self.totals.balance_bill),
            dollars(self.totals.plan_pays)
        ));
        out.push_str("\nWhy:\n");
        for (i, line) in self.lines.iter().enumerate() {
            out.push_str(&format!("{:>3}. {}\n", i + 1, line.explanation));
        }
        out.push_str(&format!(
            "\nAfter this estimate: deductible met {}, out-of-pocket met {}.\n",
            dollars(self.after.deductible_met),
            dollars(self.after.out_of_pocket_met)
        ));
        out.push_str("\nAssumptions:\n");
        for assumption in &self.assumptions {
            out.push_str(&format!("  - {assumption}\n"));
        }
        out
    }
}

impl PaymentPlan {
    /// The schedule as a table, with the total and the pay-in-full price.
    pub fn to_text(&self) -> String {
        let mut rows = vec![vec!["#".to_string(), "Date".to_string(), "Amount".to_string()]];
        for (i, installment) in self.installments.iter().enumerate() {
            rows.push(vec![(i + 1).to_string(), dates::iso(installment.date), dollars(installment.amount)]);
        }
        rows.push(vec![String::new(), "Total".to_string(), dollars(self.total)]);
        let mut out =
            format!("{} over {} monthly payments:\n\n", dollars(self.total), self.installments.len());
        out.push_str(&table(&rows, &[true, false, true]));
        let saving = self.total - self.pay_in_full;
        if saving.is_positive() {
            out.push_str(&format!(
                "\nPay in full instead: {} (you save {}).\n",
                dollars(self.pay_in_full),
                dollars(saving)
            ));
        } else {
            out.push_str(&format!("\nPay in full: {}.\n", dollars(self.pay_in_full)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::payment_plan::{parse_start, payment_plan};

    #[test]
    fn payment_plan_text_lines_up() {
        let plan = payment_plan(
            "1000".parse().unwrap(),
            3,
            parse_start("2026-01-31").unwrap(),
            Some("0.05".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(
            plan.to_text(),
            "$1,000.00 over 3 monthly payments:\n\n\
             #  Date           Amount\n\
             1  2026-01-31    $333.34\n\
             2  2026-02-28    $333.33\n\
             3  2026-03-31    $333.33\n\
             \x20  Total       $1,000.00\n\
             \nPay in full instead: $950.00 (you save $50.00).\n"
        );
    }

    #[test]
    fn long_descriptions_are_cut_by_characters() {
        assert_eq!(cut("Échographie abdominale complète", 10), "Échograph…");
        assert_eq!(cut("MRI", 10), "MRI");
        assert_eq!(pad("…", 3, true), "  …");
    }
}
