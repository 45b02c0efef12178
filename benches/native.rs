//! Native timing of ClearBill's read + reconcile, for `make bench`.
//!
//!     cargo run --release --example bench_native -- CHARGES PAYMENTS [--runs N] [--phases]
//!
//! Reads both files into memory first (file I/O is not timed), then runs
//! `reconcile_files` — what the CLI and the page call — `--runs` times and
//! prints one JSON object: every run's milliseconds, the process's peak RSS,
//! and the summary's line count as a check that the work was done. With
//! `--phases`, one more run times each step separately (reading each table,
//! turning cells into rows, reconciling) for profiling; with `--floor` (xlsx
//! only), it also times `table::floor::xlsx_floor` over both files.

use std::time::Instant;

use chrono::NaiveDate;
use clearbill::progress::NoProgress;
use clearbill::reconcile::{reconcile, reconcile_files, FileInput, Inputs, Options, Payments};
use clearbill::records;
use clearbill::table::Limits;
use clearbill::Money;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3usize);
    let files: Vec<&String> = files.into_iter().filter(|f| f.parse::<usize>().is_err()).collect();
    let (Some(charges_path), Some(payments_path)) = (files.first(), files.get(1)) else {
        eprintln!("usage: bench_native CHARGES PAYMENTS [--runs N] [--phases] [--floor]");
        std::process::exit(2);
    };
    let read = |p: &str| std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let (charges, payments) = (read(charges_path), read(payments_path));
    let charge_input = FileInput {
        bytes: &charges,
        name: name_of(charges_path),
        sheet: None,
        mapping: None,
        header_row: None,
    };
    let payment_input = FileInput {
        bytes: &payments,
        name: name_of(payments_path),
        sheet: None,
        mapping: None,
        header_row: None,
    };
    let options = Options {
        as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
        tolerance: Money::ZERO,
        deadlines: Default::default(),
    };
    let limits = Limits::default();

    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let report = reconcile_files(
            &[&charge_input],
            &[&payment_input],
            &[],
            None,
            &options,
            &limits,
            &mut NoProgress,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        lines = report.lines.len();
    }
    let mut floor = String::new();
    if args.iter().any(|a| a == "--floor") {
        let mut floor_times = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            for bytes in [&charges, &payments] {
                clearbill::table::floor::xlsx_floor(bytes).unwrap_or_else(|e| panic!("{e}"));
            }
            floor_times.push(format!("{:.1}", start.elapsed().as_secs_f64() * 1000.0));
        }
        floor = format!(", \"floorMs\": [{}]", floor_times.join(", "));
    }
    let mut phases = String::new();
    if args.iter().any(|a| a == "--phases") {
        let t = Instant::now();
        let charge_table =
            records::load(&charges, charge_input.name, None, None, None, &limits, &mut NoProgress).unwrap();
        let load_charges = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let charge_records =
            records::keep_rows(|each| records::read_charges(&charge_table, false, &mut NoProgress, each))
                .unwrap();
        let rows_charges = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let payment_table =
            records::load(&payments, payment_input.name, None, None, None, &limits, &mut NoProgress).unwrap();
        let load_payments = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let payment_records =
            records::keep_rows(|each| records::read_payments(&payment_table, &mut NoProgress, each)).unwrap();
        let rows_payments = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let roles = payment_table.mapping.roles().map(|(r, _)| r).collect();
        let inputs = Inputs {
            charges: charge_records,
            charge_mapping: charge_table.mapping.clone(),
            payments: Some(Payments { records: vec![payment_records], roles, ..Payments::default() }),
            fees: None,
        };
        let report = reconcile(inputs, &options);
        let matching = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        drop(report);
        let drop_ms = t.elapsed().as_secs_f64() * 1000.0;
        phases = format!(
            ", \"phases\": {{\"loadCharges\": {load_charges:.1}, \"rowsCharges\": {rows_charges:.1}, \"loadPayments\": {load_payments:.1}, \"rowsPayments\": {rows_payments:.1}, \"reconcile\": {matching:.1}, \"dropReport\": {drop_ms:.1}}}"
        );
    }
    let list: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    println!(
        "{{\"ms\": [{}], \"peakRssKiB\": {}, \"lines\": {lines}{phases}{floor}}}",
        list.join(", "),
        peak_rss_kib()
    );
}
