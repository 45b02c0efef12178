//! A CSV price file, streamed: rows 1–2 (the hospital's header and its values), row 3 (the
//! data header, see [`columns`](super::columns)) and the data rows from row 4.
//!
//! Cells are UTF-8; a cell that is not (the CMS 2.x wide example has a cp1252 em dash) is
//! read as Windows-1252, like the rest of ClearBill's CSV reading. Row numbers are the
//! file's 1-based lines (a blank line still counts), as the CMS validator gives them.

use std::borrow::Cow;
use std::io::BufRead;

use rust_decimal::Decimal;

use super::charge::{Code, PriceRow};
use super::checks;
use super::columns::{self, Columns, Field, FieldColumns};
use super::{Collector, Finding, Hospital, Layout, PriceError, PriceFile, Query};
use crate::Money;

pub fn read(mut source: impl BufRead, query: &Query) -> Result<PriceFile, PriceError> {
    let crlf = ends_lines_with_crlf(&mut source)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(source);
    let mut record = csv::ByteRecord::new();
    let mut collector = Collector::new(query, Layout::CsvTall);

    // Rows 1 and 2.
    let mut general: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut next_line = 1;
    for which in 1..=2u64 {
        if !reader.read_byte_record(&mut record).map_err(csv_error)? {
            return Err(PriceError::NotTemplate("it ends before its header rows".into()));
        }
        let line = line_of(&record, &reader, crlf);
        if line != which {
            collector.finding(Finding::error(which.to_string(), None, format!("row {which} is blank")));
        }
        let cells: Vec<String> = record.iter().map(|c| cell(c).trim().to_string()).collect();
        if which == 1 {
            general = cells;
        } else {
            values = cells;
        }
        next_line = line + 1;
    }
    collector.out.hospital = hospital(&general, &values, &mut collector);

    // Row 3.
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        collector.finding(Finding::error("3", None, "the data header (row 3) is missing"));
        return Ok(collector.finish());
    }
    let line = line_of(&record, &reader, crlf);
    if line != next_line {
        collector.finding(Finding::error(next_line.to_string(), None, format!("row {next_line} is blank")));
        return Ok(collector.finish());
    }
    let headers: Vec<String> = record.iter().map(|c| cell(c).into_owned()).collect();
    let Some(columns) = columns::plan(&headers) else {
        collector.finding(Finding::error(
            "3",
            None,
            "the data header is neither tall (payer_name and plan_name columns) nor wide (payer and plan in the column names)",
        ));
        return Ok(collector.finish());
    };
    collector.out.layout = columns.layout;
    for name in &columns.missing {
        collector.finding(Finding::error("3", Some(name), format!("the required column {name} is missing")));
    }
    for name in &columns.duplicates {
        collector.finding(Finding::error("3", Some(name), format!("the column {name} is given twice")));
    }
    if columns.missing.iter().any(|m| *m == "description" || *m == "code|1") {
        // The validator stops at errors in row 3. Without descriptions or codes there is
        // nothing to look up either; other missing columns only leave those fields blank.
        return Ok(collector.finish());
    }

    let v3 = collector.out.hospital.is_v3();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = line_of(&record, &reader, crlf);
        collector.out.rows += 1;
        data_row(&record, line, &columns, v3, &mut collector);
    }
    if collector.out.rows == 0 {
        collector.finding(Finding::error("4", None, "the file has no data rows"));
    }
    Ok(collector.finish())
}

/// Whether the first line ends with CR LF (looked at in the buffer, nothing consumed).
fn ends_lines_with_crlf(source: &mut impl BufRead) -> Result<bool, PriceError> {
    let buf = source.fill_buf()?;
    Ok(memchr::memchr(b'\n', buf).is_some_and(|at| at > 0 && buf[at - 1] == b'\r'))
}

/// The file line a record starts on. The csv crate gives the position before the blank
/// lines it skips, so the line is counted back from where the record ended: the reader's
/// line, less the line breaks inside quoted cells, less the record's own LF (a CR LF
/// file's LF is counted when the next record starts).
fn line_of<R: std::io::Read>(record: &csv::ByteRecord, reader: &csv::Reader<R>, crlf: bool) -> u64 {
    let start = record.position().map_or(1, |p| p.line());
    let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
    let end = reader.position().line().saturating_sub(inside + u64::from(!crlf));
    end.max(start)
}

fn csv_error(e: csv::Error) -> PriceError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => PriceError::Io(io),
        other => PriceError::NotTemplate(format!("{other:?}")),
    }
}

/// A cell as text: UTF-8, else Windows-1252.
fn cell(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Rows 1–2: the hospital's header, with the validator's header findings.
fn hospital(general: &[String], values: &[String], collector: &mut Collector<'_>) -> Hospital {
    let mut h = Hospital::default();
    if general.iter().all(String::is_empty) {
        collector.finding(Finding::error("1", None, "row 1 (the hospital's header) is blank"));
        return h;
    }
    let mut seen: Vec<String> = Vec::new();
    for (index, header) in general.iter().enumerate() {
        let key = header.trim().to_lowercase();
        if key.is_empty() {
            continue;
        }
        if seen.contains(&key) {
            collector.finding(Finding::error(
                "1",
                Some(header),
                format!("the header {header} is given twice"),
            ));
        }
        seen.push(key.clone());
        let value = values.get(index).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let list = |v: &Option<String>| -> Vec<String> {
            v.as_deref()
                .map(|v| v.split('|').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
                .unwrap_or_default()
        };
        match key.as_str() {
            "hospital_name" => h.name = value,
            "last_updated_on" => {
                if let Some(date) = &value {
                    if !checks::is_template_date(date) {
                        collector.finding(Finding::error(
                            "2",
                            Some("last_updated_on"),
                            format!("last_updated_on \"{date}\" is not a date (YYYY-MM-DD or MM/DD/YYYY)"),
                        ));
                    }
                }
                h.last_updated = value;
            }
            "version" => {
                if value.as_deref().is_some_and(|v| v.starts_with('3')) {
                    h.rules = super::Rules::V3;
                }
                h.version = value
            }
            "location_name" | "hospital_location" => {
                if key == "location_name" {
                    h.rules = super::Rules::V3;
                }
                h.locations = list(&value)
            }
            "hospital_address" => h.addresses = list(&value),
            "type_2_npi" => h.type_2_npi = list(&value),
            "attester_name" => h.attester_name = value,
            "financial_aid_policy" => h.financial_aid_policy = value,
            "general_contract_provisions" => h.general_contract_provisions = value,
            _ if key.starts_with("license_number") => {
                h.license_number = value;
                h.license_state = key.split('|').nth(1).map(|s| s.trim().to_uppercase());
            }
            _ if key.starts_with("to the best of its knowledge") => {
                h.attestation = match value.as_deref().map(str::to_lowercase).as_deref() {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    _ => {
                        collector.finding(Finding::error(
                            "2",
                            Some("attestation"),
                            "the attestation must be true or false",
                        ));
                        None
                    }
                };
                if h.attestation == Some(false) {
                    collector.finding(Finding::alert(
                        "2",
                        Some("attestation"),
                        "the hospital did not confirm its attestation",
                    ));
                }
            }
            _ => {}
        }
    }
    for (needed, present) in [("hospital_name", h.name.is_some()), ("version", h.version.is_some())] {
        if !present {
            collector.finding(Finding::error("2", Some(needed), format!("{needed} is missing")));
        }
    }
    h
}

/// Parsing one data row's cells into price rows (one per payer group in a wide file).
struct Cells<'a> {
    record: &'a csv::ByteRecord,
    row: String,
}

impl Cells<'_> {
    fn text(&self, column: Option<usize>) -> Option<String> {
        let text = cell(self.record.get(column?)?);
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// A positive amount, as the template writes them (no `$`, no commas).
    fn money(&self, column: Option<usize>, field: Field, collector: &mut Collector<'_>) -> Option<Money> {
        self.number(column, field, collector).map(Money::from_decimal)
    }

    fn number(&self, column: Option<usize>, field: Field, collector: &mut Collector<'_>) -> Option<Decimal> {
        let text = self.text(column)?;
        match checks::positive_number(&text) {
            Some(n) => Some(n),
            None => {
                collector.finding(Finding::error(
                    self.row.clone(),
                    Some(field.name()),
                    format!("{} \"{text}\" is not a positive number", field.name()),
                ));
                None
            }
        }
    }

    /// The fields that may sit in a payer group (wide) or in the row (tall).
    fn payer_fields(&self, row: &mut PriceRow, columns: &FieldColumns, collector: &mut Collector<'_>) {
        let at = |f: Field| columns[f as usize];
        row.negotiated_dollar = self.money(at(Field::NegotiatedDollar), Field::NegotiatedDollar, collector);
        row.negotiated_percentage =
            self.number(at(Field::NegotiatedPercentage), Field::NegotiatedPercentage, collector);
        row.negotiated_algorithm = self.text(at(Field::NegotiatedAlgorithm));
        row.estimated_amount = self.money(at(Field::EstimatedAmount), Field::EstimatedAmount, collector);
        row.median = self.money(at(Field::Median), Field::Median, collector);
        row.p10 = self.money(at(Field::P10), Field::P10, collector);
        row.p90 = self.money(at(Field::P90), Field::P90, collector);
        row.count = self.text(at(Field::Count));
        row.methodology = self.text(at(Field::Methodology));
    }
}

fn join_notes(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a} | {b}")),
        (a, b) => a.or(b),
    }
}

fn data_row(record: &csv::ByteRecord, line: u64, columns: &Columns, v3: bool, collector: &mut Collector<'_>) {
    let cells = Cells { record, row: line.to_string() };
    if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
        return; // a row of empty cells: nothing to price, nothing broken
    }
    let at = |f: Field| columns.common[f as usize];
    let mut base = PriceRow { row: cells.row.clone(), ..Default::default() };
    base.description = cells.text(at(Field::Description)).unwrap_or_default();
    let mut codes = Vec::new();
    for pair in &columns.codes {
        match (cells.text(pair.code), cells.text(pair.kind)) {
            (Some(code), Some(kind)) => codes.push(Code { code, kind }),
            (None, None) => {}
            (Some(_), None) => collector.finding(Finding::error(
                cells.row.clone(),
                Some("code|i|type"),
                "a code is given without its type",
            )),
            (None, Some(_)) => collector.finding(Finding::error(
                cells.row.clone(),
                Some("code|i"),
                "a code type is given without a code",
            )),
        }
    }
    base.set_codes(codes);
    base.modifiers = cells.text(at(Field::Modifiers));
    base.setting = cells.text(at(Field::Setting));
    base.drug_unit = cells.text(at(Field::DrugUnit));
    base.drug_type = cells.text(at(Field::DrugType));
    base.gross = cells.money(at(Field::Gross), Field::Gross, collector);
    base.discounted_cash = cells.money(at(Field::DiscountedCash), Field::DiscountedCash, collector);
    base.min = cells.money(at(Field::Min), Field::Min, collector);
    base.max = cells.money(at(Field::Max), Field::Max, collector);
    let generic_notes = cells.text(at(Field::GenericNotes));

    if columns.layout == Layout::CsvTall {
        let mut row = base;
        row.payer = cells.text(at(Field::Payer));
        row.plan = cells.text(at(Field::Plan));
        cells.payer_fields(&mut row, &columns.common, collector);
        row.notes = join_notes(cells.text(at(Field::PayerNotes)), generic_notes);
        checks::row(&row, v3, true, collector);
        collector.offer(row);
        return;
    }
    // Wide: one row per payer group that has anything in it.
    let mut any = false;
    let mut base_checked = false;
    for group in &columns.groups {
        let mut row = base.clone();
        cells.payer_fields(&mut row, &group.columns, collector);
        let payer_notes = cells.text(group.columns[Field::PayerNotes as usize]);
        let filled = row.negotiated_dollar.is_some()
            || row.negotiated_percentage.is_some()
            || row.negotiated_algorithm.is_some()
            || row.estimated_amount.is_some()
            || row.median.is_some()
            || row.count.is_some()
            || row.methodology.is_some()
            || payer_notes.is_some();
        if !filled {
            continue;
        }
        any = true;
        row.payer = Some(group.payer.clone());
        row.plan = Some(group.plan.clone());
        row.notes = join_notes(payer_notes, generic_notes.clone());
        checks::row(&row, v3, !base_checked, collector);
        base_checked = true;
        collector.offer(row);
    }
    if !any {
        base.notes = generic_notes;
        checks::row(&base, v3, true, collector);
        collector.offer(base);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "hospital_name,last_updated_on,version\nH,2026-01-01,3.0.0\ndescription,code|1,code|1|type,setting,standard_charge|gross,payer_name,plan_name\n";

    fn rows(body: &str, crlf: bool) -> Vec<String> {
        let text = format!("{HEAD}{body}");
        let text = if crlf { text.replace('\n', "\r\n") } else { text };
        let query = Query { words: Some("x".into()), ..Default::default() };
        let file = read(text.as_bytes(), &query).unwrap();
        file.matches.into_iter().map(|m| m.row.row).collect()
    }

    #[test]
    fn row_numbers_are_file_lines_past_blank_lines_and_multiline_cells() {
        let body =
            "x1,1,CPT,outpatient,10,,\n\n\"x2\nsecond line\",2,CPT,outpatient,10,,\nx3,3,CPT,outpatient,10,,";
        for crlf in [false, true] {
            assert_eq!(rows(body, crlf), ["4", "6", "8"], "crlf {crlf}");
        }
    }

    #[test]
    fn a_bad_amount_is_a_finding_and_the_row_still_loads() {
        let text = format!("{HEAD}x1,1,CPT,outpatient,\"$1,000\",,\n");
        let query = Query { code: Some("1".into()), ..Default::default() };
        let file = read(text.as_bytes(), &query).unwrap();
        assert_eq!(file.matches.len(), 1);
        assert!(file
            .findings
            .iter()
            .any(|f| f.row == "4" && f.field.as_deref() == Some("standard_charge|gross")));
    }
}
