//! The patient statement as text and as a printable HTML page (SPEC §9.5).
//!
//! The HTML is one self-contained file with no scripts and no outside
//! resources: the practice can print it, save it as a PDF or mail it. Every
//! text from the files is escaped, so a cell can never become markup.

use std::fmt::Write;

use super::account::{Account, AccountLine};
use crate::estimate::dollars;
use crate::money::Money;
use crate::table::dates::iso;

/// Plain text for a terminal or an email.
pub fn statement_text(a: &Account, practice: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(p) = practice.filter(|p| !p.trim().is_empty()) {
        let _ = writeln!(s, "{p}");
    }
    let _ = writeln!(s, "Statement for {}{}", a.patient.name, id_text(a));
    let _ = writeln!(s, "Statement date {}   Due {}", iso(a.as_of), iso(a.due_date));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<10} {:<12} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
        "Date", "Claim", "Service", "Billed", "Ins. paid", "Adjusted", "Your share", "You paid", "You owe"
    );
    for l in &a.lines {
        let _ = writeln!(
            s,
            "{:<10} {:<12} {:<10} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}",
            l.service_date.map(iso).unwrap_or_default(),
            l.claim_id.as_deref().unwrap_or(""),
            l.code.as_deref().unwrap_or(""),
            dollars(l.billed),
            dollars(l.insurance_paid),
            dollars(l.adjustments),
            dollars(l.patient_responsibility),
            dollars(l.patient_paid),
            dollars(l.patient_balance)
        );
        let _ = writeln!(s, "    {}", l.explanation);
    }
    let t = &a.totals;
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Total billed {}; insurance paid {}; adjusted {}; your share {}; you paid {}.",
        dollars(t.billed),
        dollars(t.insurance_paid),
        dollars(t.adjustments),
        dollars(t.patient_responsibility),
        dollars(t.patient_paid)
    );
    let _ = writeln!(s, "{}", amount_line(a));
    for r in &a.reason_codes {
        let _ = writeln!(s, "{}: {}", r.code, r.meaning);
    }
    for step in &a.next_steps {
        let _ = writeln!(s, "- {step}");
    }
    s
}

fn id_text(a: &Account) -> String {
    a.patient.id.as_deref().map(|id| format!(" (MRN {id})")).unwrap_or_default()
}

fn amount_line(a: &Account) -> String {
    if a.totals.refund_due.is_positive() {
        format!("Refund due to you: {}", dollars(a.totals.refund_due))
    } else {
        format!("Amount due: {} by {}", dollars(a.totals.amount_due), iso(a.due_date))
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;color:#111;margin:2rem auto;max-width:50rem;padding:0 1rem}\
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}\
.head{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;border-bottom:2px solid #111;padding-bottom:.5rem}\
table{border-collapse:collapse;width:100%}th,td{padding:.25rem .4rem;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;white-space:nowrap}tfoot td{font-weight:bold;border-top:2px solid #111}\
.why{font-size:.85rem;color:#333}.due{font-size:1.3rem;font-weight:bold;border:2px solid #111;padding:.5rem;margin:1rem 0}\
@page{margin:1.5cm}@media print{body{margin:0;max-width:none}tr{break-inside:avoid}}";

/// The printable statement: a complete HTML document, no scripts.
pub fn statement_html(a: &Account, practice: Option<&str>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Statement for {}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>\n",
        escape(&a.patient.name)
    );
    s.push_str(&statement_fragment(a, practice));
    s.push_str("</body></html>\n");
    s
}

/// The statement's body, for the HTML document (and a batch of statements).
pub fn statement_fragment(a: &Account, practice: Option<&str>) -> String {
    let mut s = String::new();
    let practice = practice.map(str::trim).filter(|p| !p.is_empty());
    let _ = writeln!(
        s,
        "<section class=\"statement\"><div class=\"head\"><div><h1>{}</h1><p>Patient statement</p></div>\
         <div><p><strong>{}</strong>{}</p><p>Statement date {}<br>Due date {}</p></div></div>",
        escape(practice.unwrap_or("Patient statement")),
        escape(&a.patient.name),
        escape(&id_text(a)),
        iso(a.as_of),
        iso(a.due_date)
    );
    let _ = writeln!(s, "<p class=\"due\">{}</p>", escape(&amount_line(a)));
    s.push_str(
        "<table><thead><tr><th>Date</th><th>Claim</th><th>Service</th><th class=\"n\">Billed</th>\
         <th class=\"n\">Insurance paid</th><th class=\"n\">Adjusted</th><th class=\"n\">Your share</th>\
         <th class=\"n\">You paid</th><th class=\"n\">You owe</th></tr></thead><tbody>\n",
    );
    for l in &a.lines {
        line_rows(&mut s, l);
    }
    let t = &a.totals;
    let _ = writeln!(
        s,
        "</tbody><tfoot><tr><td colspan=\"3\">Total</td>{}{}{}{}{}{}</tr></tfoot></table>",
        cell(t.billed),
        cell(t.insurance_paid),
        cell(t.adjustments),
        cell(t.patient_responsibility),
        cell(t.patient_paid),
        cell(t.amount_due - t.refund_due)
    );
    if !a.next_steps.is_empty() {
        s.push_str("<h2>What to do next</h2><ul>");
        for step in &a.next_steps {
            let _ = write!(s, "<li>{}</li>", escape(step));
        }
        s.push_str("</ul>\n");
    }
    if let Some(plan) = &a.payment_plan {
        let _ = write!(
            s,
            "<h2>Payment plan</h2><p>You can pay {} in {} monthly payments:</p><table><tbody>",
            dollars(plan.total),
            plan.installments.len()
        );
        for i in &plan.installments {
            let _ = write!(s, "<tr><td>{}</td>{}</tr>", iso(i.date), cell(i.amount));
        }
        s.push_str("</tbody></table>\n");
    }
    if !a.reason_codes.is_empty() {
        s.push_str("<h2>What the codes mean</h2><ul>");
        for r in &a.reason_codes {
            let _ = write!(s, "<li>{}: {}</li>", escape(&r.code), escape(r.meaning));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    s
}

fn cell(m: Money) -> String {
    format!("<td class=\"n\">{}</td>", dollars(m))
}

fn line_rows(s: &mut String, l: &AccountLine) {
    let _ = write!(
        s,
        "<tr><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}{}{}</tr>\n<tr><td></td><td colspan=\"8\" class=\"why\">{}</td></tr>\n",
        l.service_date.map(iso).unwrap_or_default(),
        escape(l.claim_id.as_deref().unwrap_or("")),
        escape(l.code.as_deref().unwrap_or("")),
        cell(l.billed),
        cell(l.insurance_paid),
        cell(l.adjustments),
        cell(l.patient_responsibility),
        cell(l.patient_paid),
        cell(l.patient_balance),
        escape(&l.explanation)
    );
}
