//! The `clearbill` command line: parse flags, call the core, print.
//!
//! Every rule lives in the library; this file only reads files, chooses an
//! output format and turns errors into a message on stderr and a non-zero exit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "clearbill",
    version,
    about = "Reconcile medical billing spreadsheets and estimate patient costs, offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Aligned text for people.
    Text,
    Json,
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum Command {
    /// Show a file's format, sheets, header row, column roles and a preview.
    Inspect {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Output,
    },
    /// Reconcile charges against payments (or one billed+paid sheet) and print the report.
    Reconcile {
        #[arg(long)]
        charges: PathBuf,
        /// Remittance file(s); without it the charges file is read in single mode.
        #[arg(long)]
        payments: Vec<PathBuf>,
        #[arg(long)]
        fees: Option<PathBuf>,
        /// Date for aging, YYYY-MM-DD (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// Amounts within this much count as equal.
        #[arg(long, default_value = "0.00")]
        tolerance: String,
        /// Column mapping overrides: {"charges": {"billed": "F"}, "payments": {...}}.
        #[arg(long)]
        map: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "json")]
        format: Output,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Estimate what a patient will owe for a list of services under a plan.
    Estimate {
        #[arg(long)]
        plan: PathBuf,
        #[arg(long)]
        services: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Output,
    },
    /// Split a balance into monthly installments that add up to the cent.
    Plan {
        #[arg(long)]
        amount: String,
        #[arg(long)]
        months: u32,
        /// First installment date, YYYY-MM-DD.
        #[arg(long)]
        start: String,
        /// Prompt-pay discount for paying in full, as a rate (0.05) or percent (5%).
        #[arg(long)]
        discount: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Output,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect { file, sheet, format } => run_inspect(&file, sheet.as_deref(), format),
        Command::Reconcile { charges, payments, fees, as_of, tolerance, map, format, out } => run_reconcile(
            &charges,
            &payments,
            fees.as_deref(),
            as_of,
            &tolerance,
            map.as_deref(),
            format,
            out,
        ),
        Command::Estimate { plan, services, format } => run_estimate(&plan, &services, format),
        Command::Plan { amount, months, start, discount, format } => {
            run_plan(&amount, months, &start, discount.as_deref(), format)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clearbill: {message}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<(), String>;

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn run_inspect(path: &Path, sheet: Option<&str>, format: Output) -> CliResult {
    let bytes = read_file(path)?;
    let name = file_name(path);
    let report = clearbill::inspect::inspect(&bytes, &name, sheet).map_err(|e| e.to_string())?;
    match format {
        Output::Json => print_json(&report),
        Output::Text => {
            print!("{}", report.to_text());
            Ok(())
        }
        other => Err(format!("inspect prints text or json, not {other:?}")),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_reconcile(
    _charges: &Path,
    _payments: &[PathBuf],
    _fees: Option<&Path>,
    _as_of: Option<String>,
    _tolerance: &str,
    _map: Option<&Path>,
    _format: Output,
    _out: Option<PathBuf>,
) -> CliResult {
    Err("reconcile is not available in this build yet".into())
}

fn run_estimate(plan: &Path, services: &Path, format: Output) -> CliResult {
    use clearbill::estimate::{estimate_list, read_services, Plan};
    let plan_bytes = read_file(plan)?;
    let plan_text = String::from_utf8(plan_bytes)
        .map_err(|_| format!("{}: the plan is not UTF-8 text", plan.display()))?;
    let plan = Plan::from_json(plan_text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("{}: {e}", plan.display()))?;
    let services_bytes = read_file(services)?;
    let list = read_services(&services_bytes, &file_name(services)).map_err(|e| e.to_string())?;
    let estimate = estimate_list(&plan, &list).map_err(|e| format!("{}: {e}", services.display()))?;
    match format {
        Output::Json => print_json(&estimate),
        Output::Text => {
            print!("{}", estimate.to_text());
            Ok(())
        }
        other => Err(format!("estimate prints text or json, not {other:?}")),
    }
}

fn run_plan(amount: &str, months: u32, start: &str, discount: Option<&str>, format: Output) -> CliResult {
    use clearbill::estimate::payment_plan::{parse_start, payment_plan};
    use clearbill::{Money, Rate};
    let total: Money = amount.parse().map_err(|e| format!("--amount: {e}"))?;
    let start = parse_start(start).map_err(|e| format!("--start: {e}"))?;
    let discount = discount.map(str::parse::<Rate>).transpose().map_err(|e| format!("--discount: {e}"))?;
    let plan = payment_plan(total, months, start, discount).map_err(|e| e.to_string())?;
    match format {
        Output::Json => print_json(&plan),
        Output::Text => {
            print!("{}", plan.to_text());
            Ok(())
        }
        other => Err(format!("plan prints text or json, not {other:?}")),
    }
}
