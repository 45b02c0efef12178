//! The xlsx and csv exports natively, phase by phase (issue 21 item 3): where the time of the
//! page's downloads goes, with the same core functions as the page's two wasm modules.
//!
//!   cargo run --release --features bench --example bench_export_phases -- CHARGES PAYMENTS
//!
//! Prints one JSON line of milliseconds: the book's JSON from the report (the page's wasm), the
//! book read back from it and the xlsx written (the writer module's two steps), and the csv of
//! the lines. Under `perf record` it shows which functions take the time.

use std::time::Instant;

use chrono::NaiveDate;
use clearbill::export::book::{report_json, Book};
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile_files, FileInput, Options};
use clearbill::table::Limits;
use clearbill::Money;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(charges_path), Some(payments_path)) = (args.first(), args.get(1)) else {
        return Err("usage: bench_export_phases CHARGES PAYMENTS".into());
    };
    let (charges, payments) = (std::fs::read(charges_path)?, std::fs::read(payments_path)?);
    let input = |bytes, name| FileInput { bytes, name, sheet: None, mapping: None, header_row: None };
    let options = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    let report = reconcile_files(
        &[&input(&charges, "charges.csv")],
        &[&input(&payments, "payments.csv")],
        &[],
        None,
        &options,
        &Limits::default(),
        &mut NoProgress,
    )?;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let json = report_json(&report);
    let book_json = ms(t);
    let t = Instant::now();
    let book = Book::from_json(&json)?;
    let read_book = ms(t);
    let t = Instant::now();
    let xlsx = clearbill::export::xlsx::write(book)?;
    let write_xlsx = ms(t);
    let t = Instant::now();
    let csv = clearbill::export::lines_csv(&report);
    let lines_csv = ms(t);
    println!(
        "{{\"lines\": {}, \"bookJsonMs\": {book_json:.0}, \"bookJsonBytes\": {}, \"readBookMs\": {read_book:.0}, \
         \"writeXlsxMs\": {write_xlsx:.0}, \"xlsxBytes\": {}, \"linesCsvMs\": {lines_csv:.0}, \"csvBytes\": {}}}",
        report.lines.len(),
        json.len(),
        xlsx.len(),
        csv.len()
    );
    Ok(())
}
