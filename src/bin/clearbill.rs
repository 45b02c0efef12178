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

/// The table of a reconciliation that `--format csv` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CsvTable {
    Lines,
    /// The claim-level worklist (SPEC §8.7).
    Worklist,
    Claims,
}

/// Filing and appeal limits and the waiting period of the worklist (SPEC §8.7).
#[derive(clap::Args, Debug, Default)]
struct DeadlineFlags {
    /// Timely filing limit in days from the date of service: DAYS for every
    /// payer (default 90), or PAYER=DAYS for one; repeat for several payers.
    #[arg(long, value_name = "[PAYER=]DAYS")]
    filing_days: Vec<String>,
    /// Appeal limit in days from the payment date: DAYS (default 180) or PAYER=DAYS; repeatable.
    #[arg(long, value_name = "[PAYER=]DAYS")]
    appeal_days: Vec<String>,
    /// Unpaid lines billed fewer than this many days ago are waiting, not work (default 30).
    #[arg(long)]
    wait_days: Option<u32>,
    /// List waiting lines on the worklist too.
    #[arg(long)]
    show_waiting: bool,
    /// A JSON file of limits: {"filingDays": 90, "appealDays": 180, "waitDays": 30,
    /// "payers": [{"payer": "Medicare", "filingDays": 365, "appealDays": 120}]};
    /// --filing-days and --appeal-days add to it.
    #[arg(long, value_name = "FILE.json")]
    payer_rules: Option<PathBuf>,
}

impl DeadlineFlags {
    /// The rules the flags describe: the file's, then each flag in order.
    fn rules(&self) -> Result<clearbill::reconcile::DeadlineRules, String> {
        use clearbill::reconcile::deadlines::PayerRule;
        let mut rules: clearbill::reconcile::DeadlineRules = match &self.payer_rules {
            Some(p) => serde_json::from_slice(&read_file(p)?).map_err(|e| format!("{}: {e}", p.display()))?,
            None => Default::default(),
        };
        for (flag, values, appeal) in
            [("--filing-days", &self.filing_days, false), ("--appeal-days", &self.appeal_days, true)]
        {
            for value in values {
                let (payer, days) = match value.rsplit_once('=') {
                    Some((payer, days)) => (Some(payer.trim()), days),
                    None => (None, value.as_str()),
                };
                let days: u32 = days.trim().parse().map_err(|_| {
                    format!(
                        "{flag} \"{value}\": give a number of days, or PAYER=DAYS (e.g. {flag} Medicare=365)"
                    )
                })?;
                match (payer, appeal) {
                    (None, false) => rules.filing_days = days,
                    (None, true) => rules.appeal_days = days,
                    (Some(payer), _) => {
                        let rule = PayerRule {
                            payer: payer.to_string(),
                            filing_days: (!appeal).then_some(days),
                            appeal_days: appeal.then_some(days),
                        };
                        rules.payers.push(rule);
                    }
                }
            }
        }
        if let Some(days) = self.wait_days {
            rules.wait_days = days;
        }
        rules.show_waiting |= self.show_waiting;
        Ok(rules)
    }
}

/// The statement's formats: HTML is a printable page with no scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StatementFormat {
    Text,
    Json,
    Html,
}

#[derive(Subcommand)]
enum Command {
    /// Show a file's format, sheets, header row, column roles and a preview.
    Inspect {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
        /// The header row, as the spreadsheet numbers it (default: found).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        header_row: Option<u32>,
        #[arg(long, value_enum, default_value = "text")]
        format: Output,
    },
    /// Reconcile charges against payments (or one billed+paid sheet) and print the report.
    Reconcile {
        /// The charges file; or several 837 claim files, in the order they were sent (repeat the
        /// flag or list them after it): a replacement or void acts on a claim of an earlier file.
        #[arg(long, required = true, num_args = 1..)]
        charges: Vec<PathBuf>,
        /// Remittance file(s); without it the charges file is read in single mode.
        #[arg(long)]
        payments: Vec<PathBuf>,
        /// 999 or 277CA acknowledgment file(s) of the claims, when the charges are an 837.
        #[arg(long, num_args = 1..)]
        acks: Vec<PathBuf>,
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
        /// The sheet of the charges file to read (default: the first with a header).
        #[arg(long)]
        charges_sheet: Option<String>,
        /// The sheet of each payments file, in order (one value applies to every file).
        #[arg(long)]
        payments_sheet: Vec<String>,
        /// The header row of the charges file, as the spreadsheet numbers it (default: found).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        charges_header_row: Option<u32>,
        /// The header row of each payments file, in order (one value applies to every file).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        payments_header_row: Vec<u32>,
        #[command(flatten)]
        deadlines: DeadlineFlags,
        #[arg(long, value_enum, default_value = "json")]
        format: Output,
        /// The table that --format csv writes.
        #[arg(long, value_enum, default_value = "lines")]
        table: CsvTable,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// One patient's account and printable statement: what they owe and why (SPEC §9.5).
    Statement {
        #[arg(long)]
        charges: PathBuf,
        /// Remittance file(s); without it the charges file is read in single mode.
        #[arg(long)]
        payments: Vec<PathBuf>,
        /// The patient: MRN (leading zeros ignored), name in any order, claim number or date of birth.
        #[arg(long)]
        patient: String,
        /// Statement date, YYYY-MM-DD (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// The practice's name, printed at the top.
        #[arg(long)]
        practice: Option<String>,
        /// Column mapping overrides, as for reconcile.
        #[arg(long)]
        map: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: StatementFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Read 835 remittances on their own: payments, claims and the posting sheet (no charges file).
    Remit {
        /// One or more 835 (ERA) files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
    /// Look up a code in a hospital's price file (CMS template) and the amount to estimate with.
    Prices {
        file: PathBuf,
        /// A billing code of any type (CPT, HCPCS, MS-DRG, RC, NDC, CDM, …).
        #[arg(long, required_unless_present = "search")]
        code: Option<String>,
        /// Words of the description, instead of or with a code.
        #[arg(long)]
        search: Option<String>,
        /// The payer's name, matched loosely ("BCBS" finds "Blue Cross Blue Shield"), or "cash".
        #[arg(long)]
        payer: Option<String>,
        #[arg(long)]
        plan: Option<String>,
        /// inpatient, outpatient or both.
        #[arg(long)]
        setting: Option<String>,
        #[arg(long, value_enum, default_value = "json")]
        format: Output,
    },
    /// Compare a Good Faith Estimate with the bill, provider by provider (the $400 rule).
    Gfe {
        /// The Good Faith Estimate: provider, description, code, amount (xlsx, csv or json).
        #[arg(long)]
        estimate: PathBuf,
        /// The bill, with the same columns.
        #[arg(long)]
        bill: PathBuf,
        /// The bill's date, YYYY-MM-DD: the 120 days to dispute run from it.
        #[arg(long)]
        bill_date: Option<String>,
        /// The day to count from, YYYY-MM-DD (default today).
        #[arg(long)]
        as_of: Option<String>,
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
    quiet_panics();
    let result = std::panic::catch_unwind(|| run(cli)).unwrap_or_else(|_| {
        Err(format!(
            "internal error: {}; please report it",
            LAST_PANIC.lock().ok().and_then(|p| p.clone()).unwrap_or_default()
        ))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clearbill: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Where the last panic happened and why, for the "internal error" message.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The reader catches a panic of a spreadsheet library on a damaged file and reports the file
/// as damaged (`table::workbook::guarded`); the default hook would print a backtrace for it
/// anyway. This hook only remembers the panic; `main` reports one that nothing caught.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(match info.location() {
                Some(l) => format!("{} at {}:{}", panic_text(info), l.file(), l.line()),
                None => panic_text(info),
            });
        }
    }));
}

fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Inspect { file, sheet, header_row, format } => {
            run_inspect(&file, sheet.as_deref(), header_row, format)
        }
        Command::Reconcile {
            charges,
            payments,
            acks,
            fees,
            as_of,
            tolerance,
            map,
            charges_sheet,
            payments_sheet,
            charges_header_row,
            payments_header_row,
            deadlines,
            format,
            table,
            out,
        } => {
            let choices = Choices { charges_sheet, payments_sheet, charges_header_row, payments_header_row };
            run_reconcile(
                &charges,
                (&payments, &acks),
                fees.as_deref(),
                as_of,
                &tolerance,
                map.as_deref(),
                &choices,
                &deadlines,
                (format, table),
                out,
            )
        }
        Command::Statement { charges, payments, patient, as_of, practice, map, format, out } => {
            let report = reconcile_for_statement(&charges, &payments, as_of, map.as_deref())?;
            let account = report.find_account(&patient).map_err(core_error)?;
            let practice = practice.as_deref();
            let text = match format {
                StatementFormat::Text => clearbill::patient::statement::statement_text(&account, practice),
                StatementFormat::Json => {
                    serde_json::to_string_pretty(&account).map_err(|e| e.to_string())? + "\n"
                }
                StatementFormat::Html => clearbill::patient::statement::statement_html(&account, practice),
            };
            write_output(out.as_deref(), text.as_bytes())
        }
        Command::Remit { files, format, out } => run_remit(&files, format, out),
        Command::Estimate { plan, services, format } => run_estimate(&plan, &services, format),
        Command::Prices { file, code, search, payer, plan, setting, format } => {
            run_prices(&file, code, search, payer, plan, setting, format)
        }
        Command::Gfe { estimate, bill, bill_date, as_of, format } => {
            run_gfe(&estimate, &bill, bill_date.as_deref(), as_of.as_deref(), format)
        }
        Command::Plan { amount, months, start, discount, format } => {
            run_plan(&amount, months, &start, discount.as_deref(), format)
        }
    }
}

type CliResult = Result<(), String>;

/// A core error as the command line prints it: the message for people of [`clearbill::Error`].
fn core_error(e: impl Into<clearbill::Error>) -> String {
    e.into().to_string()
}

/// The core's message, and how to act on it with this command's flags.
fn with_cli_hint(e: clearbill::records::InputError) -> String {
    let hint = e.hint();
    let e = core_error(e);
    match hint {
        Some(clearbill::records::Hint::MapAColumn) => {
            format!("{e}; map one with --map FILE.json, e.g. {{\"payments\": {{\"paid\": \"Ins Pd\"}}}}")
        }
        None => e,
    }
}

/// Reads a whole input file, refusing one over the size limit before reading
/// it, so an oversized file never fills memory.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let limit = clearbill::table::Limits::default().max_file_bytes;
    let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    if size > limit {
        let error = clearbill::table::TableError::TooLarge { size, limit };
        return Err(format!("{}: {error}", path.display()));
    }
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

/// What `inspect` prints of an X12 file: its JSON, or its summary as text.
fn print_x12<T: serde::Serialize>(value: &T, text: fn(&T) -> String, format: Output) -> CliResult {
    match format {
        Output::Json => print_json(value),
        Output::Text => {
            print!("{}", text(value));
            Ok(())
        }
        other => Err(format!("inspect prints text or json, not {other:?}")),
    }
}

fn run_inspect(path: &Path, sheet: Option<&str>, header_row: Option<u32>, format: Output) -> CliResult {
    let bytes = read_file(path)?;
    let name = file_name(path);
    if clearbill::x12::looks_like_x12(&bytes)
        && clearbill::x12::parse(&bytes).is_err()
        && !clearbill::x12::is_837(&bytes)
    {
        if let Ok(acks) = clearbill::x12::parse_acks(&bytes) {
            return print_x12(&acks, clearbill::x12::acks_summary_text, format);
        }
    }
    if clearbill::x12::is_837(&bytes) {
        let batch = clearbill::x12::parse_837(&bytes).map_err(|e| format!("{name}: {}", core_error(e)))?;
        return print_x12(&batch, clearbill::x12::claims_summary_text, format);
    }
    if clearbill::x12::looks_like_x12(&bytes) {
        let remittance = clearbill::x12::parse(&bytes).map_err(|e| format!("{name}: {}", core_error(e)))?;
        return print_x12(&remittance, clearbill::x12::summary_text, format);
    }
    let limits = clearbill::table::Limits::default();
    let report =
        clearbill::inspect::inspect(&bytes, &name, sheet, header_row, None, &limits).map_err(core_error)?;
    match format {
        Output::Json => print_json(&report),
        Output::Text => {
            print!("{}", report.to_text());
            Ok(())
        }
        other => Err(format!("inspect prints text or json, not {other:?}")),
    }
}

/// Today's date (UTC), the default as-of date for aging.
fn today() -> chrono::NaiveDate {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    chrono::NaiveDate::default() + chrono::Duration::days((secs / 86_400) as i64)
}

/// `--map FILE.json`: `{"charges": {"billed": "F"}, "payments": {...}, "fees": {...}}`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MapFile {
    charges: Option<clearbill::columns::MappingOverride>,
    payments: Option<clearbill::columns::MappingOverride>,
    fees: Option<clearbill::columns::MappingOverride>,
}

/// Which sheet and header row of each file to read, when the user says.
struct Choices {
    charges_sheet: Option<String>,
    payments_sheet: Vec<String>,
    charges_header_row: Option<u32>,
    payments_header_row: Vec<u32>,
}

impl Choices {
    /// The `i`-th value of a per-payments-file option: its own, or the only one given.
    fn nth<T: Clone>(values: &[T], i: usize) -> Option<T> {
        values.get(i).or(if values.len() == 1 { values.first() } else { None }).cloned()
    }

    fn check(&self, payments: usize) -> CliResult {
        for (flag, n) in [
            ("--payments-sheet", self.payments_sheet.len()),
            ("--payments-header-row", self.payments_header_row.len()),
        ] {
            if n > 1 && n != payments {
                return Err(format!("{flag} is given {n} times for {payments} payments file(s); give it once, or once per file"));
            }
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn run_reconcile(
    charges: &[PathBuf],
    (payments, acks): (&[PathBuf], &[PathBuf]),
    fees: Option<&Path>,
    as_of: Option<String>,
    tolerance: &str,
    map: Option<&Path>,
    choices: &Choices,
    deadlines: &DeadlineFlags,
    (format, table): (Output, CsvTable),
    out: Option<PathBuf>,
) -> CliResult {
    use clearbill::progress::NoProgress;
    use clearbill::reconcile::{reconcile_files, FileInput, FileSource, Options};

    let as_of = as_of.unwrap_or_else(|| today().format("%Y-%m-%d").to_string());
    let options = Options::parse(&as_of, Some(tolerance), deadlines.rules()?).map_err(|e| {
        let flag = match e.setting() {
            clearbill::reconcile::options::Setting::AsOf => "--as-of",
            clearbill::reconcile::options::Setting::Tolerance => "--tolerance",
        };
        format!("{flag}: {}", core_error(e))
    })?;
    let map: MapFile = match map {
        Some(p) => serde_json::from_slice(&read_file(p)?).map_err(|e| format!("{}: {e}", p.display()))?,
        None => MapFile::default(),
    };

    let charge_files: Vec<(Vec<u8>, String)> =
        charges.iter().map(|p| Ok((read_file(p)?, file_name(p)))).collect::<Result<_, String>>()?;
    let payment_files: Vec<(Vec<u8>, String)> =
        payments.iter().map(|p| Ok((read_file(p)?, file_name(p)))).collect::<Result<_, String>>()?;
    let fee_file = fees.map(|f| Ok::<_, String>((read_file(f)?, file_name(f)))).transpose()?;

    choices.check(payment_files.len())?;
    let payment_sheets: Vec<Option<String>> =
        (0..payment_files.len()).map(|i| Choices::nth(&choices.payments_sheet, i)).collect();
    // Several charges files can only be 837s, which have no sheet, header row or columns.
    let charge_inputs: Vec<FileInput<'_>> = charge_files
        .iter()
        .map(|(b, n)| FileInput {
            bytes: b,
            name: n,
            sheet: choices.charges_sheet.as_deref(),
            mapping: map.charges.as_ref(),
            header_row: choices.charges_header_row,
        })
        .collect();
    let payment_inputs: Vec<FileInput<'_>> = payment_files
        .iter()
        .zip(&payment_sheets)
        .enumerate()
        .map(|(i, ((b, n), sheet))| FileInput {
            bytes: b,
            name: n,
            sheet: sheet.as_deref(),
            mapping: map.payments.as_ref(),
            header_row: Choices::nth(&choices.payments_header_row, i),
        })
        .collect();
    let fee_input = fee_file.as_ref().map(|(b, n)| FileInput {
        bytes: b,
        name: n,
        sheet: None,
        mapping: map.fees.as_ref(),
        header_row: None,
    });
    let ack_files: Vec<(Vec<u8>, String)> =
        acks.iter().map(|p| Ok((read_file(p)?, file_name(p)))).collect::<Result<_, String>>()?;
    let ack_inputs: Vec<FileInput<'_>> =
        ack_files.iter().map(|(b, n)| FileInput { bytes: b, name: n, ..FileInput::default() }).collect();
    let report = reconcile_files(
        &FileInput::sources(&charge_inputs),
        &FileInput::sources(&payment_inputs),
        &FileInput::sources(&ack_inputs),
        fee_input.as_ref().map(|f| f as &dyn FileSource),
        &options,
        &Default::default(),
        &mut NoProgress,
    )
    .map_err(with_cli_hint)?;

    match format {
        Output::Json => {
            let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            write_output(out.as_deref(), format!("{text}\n").as_bytes())
        }
        Output::Text => {
            write_output(out.as_deref(), clearbill::export::text::report_text(&report).as_bytes())
        }
        Output::Csv => {
            let csv = match table {
                CsvTable::Lines => clearbill::export::lines_csv(&report),
                CsvTable::Worklist => clearbill::export::worklist_csv(&report),
                CsvTable::Claims => clearbill::export::claims_csv(&report),
            };
            write_output(out.as_deref(), csv.as_bytes())
        }
        Output::Xlsx => {
            let out = out.ok_or("--format xlsx needs --out FILE.xlsx")?;
            let bytes = clearbill::export::report_xlsx(&report).map_err(|e| e.to_string())?;
            write_output(Some(&out), &bytes)
        }
    }
}

/// The report a statement is drawn from: charges and payments, each file's
/// first sheet and found header row.
fn reconcile_for_statement(
    charges: &Path,
    payments: &[PathBuf],
    as_of: Option<String>,
    map: Option<&Path>,
) -> Result<clearbill::reconcile::Report, String> {
    use clearbill::progress::NoProgress;
    use clearbill::reconcile::{reconcile_files, FileInput, Options};

    let as_of = match as_of {
        Some(text) => {
            clearbill::reconcile::options::parse_as_of(&text).map_err(|e| format!("--as-of: {e}"))?
        }
        None => today(),
    };
    let map: MapFile = match map {
        Some(p) => serde_json::from_slice(&read_file(p)?).map_err(|e| format!("{}: {e}", p.display()))?,
        None => MapFile::default(),
    };
    let charge_bytes = read_file(charges)?;
    let charge_name = file_name(charges);
    let payment_files: Vec<(Vec<u8>, String)> =
        payments.iter().map(|p| Ok((read_file(p)?, file_name(p)))).collect::<Result<_, String>>()?;
    let charge_input = FileInput {
        bytes: &charge_bytes,
        name: &charge_name,
        sheet: None,
        mapping: map.charges.as_ref(),
        header_row: None,
    };
    let payment_inputs: Vec<FileInput<'_>> = payment_files
        .iter()
        .map(|(b, n)| FileInput {
            bytes: b,
            name: n,
            sheet: None,
            mapping: map.payments.as_ref(),
            header_row: None,
        })
        .collect();
    let options = Options::new(as_of, clearbill::Money::ZERO);
    let payments = FileInput::sources(&payment_inputs);
    reconcile_files(&[&charge_input], &payments, &[], None, &options, &Default::default(), &mut NoProgress)
        .map_err(with_cli_hint)
}

fn run_remit(files: &[PathBuf], format: Output, out: Option<PathBuf>) -> CliResult {
    use clearbill::remit::{lines_csv, read_remittances, remit_book, summary_text, RemitFile};
    let contents: Vec<(Vec<u8>, String)> =
        files.iter().map(|p| Ok((read_file(p)?, file_name(p)))).collect::<Result<_, String>>()?;
    let inputs: Vec<RemitFile<'_>> = contents.iter().map(|(bytes, name)| RemitFile { name, bytes }).collect();
    let report = read_remittances(&inputs).map_err(core_error)?;
    match format {
        Output::Json => {
            let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            write_output(out.as_deref(), format!("{text}\n").as_bytes())
        }
        Output::Text => write_output(out.as_deref(), summary_text(&report).as_bytes()),
        Output::Csv => write_output(out.as_deref(), lines_csv(&report).as_bytes()),
        Output::Xlsx => {
            let out = out.ok_or("--format xlsx needs --out FILE.xlsx")?;
            let bytes = clearbill::export::xlsx::write(remit_book(&report)).map_err(|e| e.to_string())?;
            write_output(Some(&out), &bytes)
        }
    }
}

/// Writes to `--out` when given, else to stdout.
fn write_output(out: Option<&Path>, bytes: &[u8]) -> CliResult {
    use std::io::Write;
    match out {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("{}: {e}", p.display())),
        None => std::io::stdout().write_all(bytes).map_err(|e| e.to_string()),
    }
}

fn run_estimate(plan: &Path, services: &Path, format: Output) -> CliResult {
    use clearbill::estimate::{estimate, read_services, EstimateOptions, Plan};
    let plan_bytes = read_file(plan)?;
    let plan_text = String::from_utf8(plan_bytes)
        .map_err(|_| format!("{}: the plan is not UTF-8 text", plan.display()))?;
    let plan = Plan::from_json(plan_text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("{}: {}", plan.display(), core_error(e)))?;
    let services_bytes = read_file(services)?;
    let list = read_services(&services_bytes, &file_name(services)).map_err(core_error)?;
    let estimate = estimate(&plan, &list.services, &list.notes, &EstimateOptions::default())
        .map_err(|e| format!("{}: {}", services.display(), core_error(e)))?;
    match format {
        Output::Json => print_json(&estimate),
        Output::Text => {
            print!("{}", estimate.to_text());
            Ok(())
        }
        other => Err(format!("estimate prints text or json, not {other:?}")),
    }
}

fn run_prices(
    path: &Path,
    code: Option<String>,
    words: Option<String>,
    payer: Option<String>,
    plan: Option<String>,
    setting: Option<String>,
    format: Output,
) -> CliResult {
    use clearbill::prices::{self, PayerChoice, Query};
    let payer = match payer {
        None => PayerChoice::Any,
        Some(p) if prices::lookup::is_cash(&p) => PayerChoice::Cash,
        Some(p) => PayerChoice::Named(p),
    };
    let query = Query { code, words, payer, plan, setting, max_matches: None };
    // Streamed: a hospital file can be gigabytes, so it is never read whole.
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let found = prices::read(file, &query).map_err(|e| format!("{}: {}", path.display(), core_error(e)))?;
    match format {
        Output::Json => print_json(&found),
        Output::Text => {
            print!("{}", found.to_text());
            Ok(())
        }
        other => Err(format!("prices prints text or json, not {other:?}")),
    }
}

fn run_gfe(
    estimate: &Path,
    bill: &Path,
    bill_date: Option<&str>,
    as_of: Option<&str>,
    format: Output,
) -> CliResult {
    use clearbill::estimate::gfe::{check, read_gfe_lines};
    use clearbill::estimate::payment_plan::parse_start;
    let estimated = read_gfe_lines(&read_file(estimate)?, &file_name(estimate)).map_err(core_error)?;
    let billed = read_gfe_lines(&read_file(bill)?, &file_name(bill)).map_err(core_error)?;
    let bill_date = bill_date.map(parse_start).transpose().map_err(|e| format!("--bill-date: {e}"))?;
    let as_of = match as_of {
        Some(text) => parse_start(text).map_err(|e| format!("--as-of: {e}"))?,
        None => today(),
    };
    let result = check(&estimated, &billed, bill_date, as_of);
    match format {
        Output::Json => print_json(&result),
        Output::Text => {
            print!("{}", result.to_text());
            Ok(())
        }
        other => Err(format!("gfe prints text or json, not {other:?}")),
    }
}

fn run_plan(amount: &str, months: u32, start: &str, discount: Option<&str>, format: Output) -> CliResult {
    use clearbill::estimate::payment_plan::{parse_start, payment_plan};
    use clearbill::{Money, Rate};
    let total: Money = amount.parse().map_err(|e| format!("--amount: {e}"))?;
    let start = parse_start(start).map_err(|e| format!("--start: {e}"))?;
    let discount = discount.map(str::parse::<Rate>).transpose().map_err(|e| format!("--discount: {e}"))?;
    let plan = payment_plan(total, months, start, discount).map_err(core_error)?;
    match format {
        Output::Json => print_json(&plan),
        Output::Text => {
            print!("{}", plan.to_text());
            Ok(())
        }
        other => Err(format!("plan prints text or json, not {other:?}")),
    }
}
