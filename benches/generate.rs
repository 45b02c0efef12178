//! Deterministic generator of large, realistic billing files for the benchmarks.
//!
//!     cargo run --release --example bench_generate -- --rows 200000 --format xlsx --out benches/data
//!
//! It writes `charges-<N>.<ext>` and `payments-<N>.<ext>` (ext: xlsx or csv): a
//! practice-management charges export and a payer remittance export of N rows
//! each, 12 columns, from one seeded random stream, so the same N always gives
//! the same bytes. The data look like a small practice's years of claims:
//! ~2.5 lines per claim, a patient pool of N/10, a dozen payers, 40 procedure
//! codes with fees, modifiers, units, dates of service over two years, and a
//! remittance where most lines are paid with CO-45 and PR-1/2/3, some are
//! denied (CO-16, CO-50, CO-97, CO-29, CO-197), some underpaid or overpaid, a
//! few have a secondary payer's row, some are not remitted at all, and a few
//! payments match no charge. Remittance rows come in paid-date order, as a
//! payer sends them, not in charge order.
//!
//! xlsx files are written by rust_xlsxwriter (shared strings, date cells with a
//! date format, money as numbers with a money format); payments keep claim
//! numbers as numeric cells, so the charges file's leading zeros are lost there,
//! as in real exports. csv files write the same values as text (charges use US
//! dates and some `$1,234.50` amounts; payments use ISO dates).
//!
//! `--shape` picks the layout of the same rows (xlsx only for the other two):
//! - `plain` (the default): as above, `charges-<N>.xlsx`;
//! - `wide`: 17 charge and 15 payment columns, every text cell an inline string
//!   (`t="inlineStr"`) as constant-memory writers (rust_xlsxwriter's
//!   `add_worksheet_with_constant_memory`, Python xlsxwriter's
//!   `constant_memory`) write them: `charges-wide-<N>.xlsx`;
//! - `distinct`: shared strings with mostly distinct values (a free-text note on
//!   every line, a patient name per patient) and dates written as text:
//!   `charges-distinct-<N>.xlsx`.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// splitmix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A percentage draw: true `pct` times in 100.
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: [&str; 40] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Jose",
    "Ashley",
    "Wei",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Maria",
];
const LAST: [&str; 50] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
];
/// Payer name and the share of billed it usually allows (per mille).
const PAYERS: [(&str, u64); 12] = [
    ("Medicare", 420),
    ("Medicaid", 330),
    ("Aetna", 610),
    ("Blue Cross Blue Shield", 640),
    ("Cigna", 600),
    ("UnitedHealthcare", 590),
    ("Humana", 520),
    ("Kaiser Permanente", 560),
    ("Anthem", 620),
    ("Tricare", 480),
    ("Molina Healthcare", 380),
    ("Self Pay", 1000),
];
/// Procedure code and its fee in cents.
const CODES: [(&str, u64); 40] = [
    ("99211", 4_500),
    ("99212", 8_500),
    ("99213", 13_500),
    ("99214", 19_500),
    ("99215", 26_000),
    ("99202", 11_000),
    ("99203", 16_500),
    ("99204", 25_000),
    ("99205", 32_000),
    ("99395", 22_000),
    ("99396", 23_500),
    ("36415", 1_500),
    ("80053", 4_800),
    ("80061", 5_200),
    ("81002", 1_200),
    ("82947", 1_100),
    ("83036", 3_000),
    ("84443", 5_500),
    ("85025", 2_800),
    ("87086", 3_300),
    ("90471", 3_500),
    ("90686", 4_200),
    ("93000", 6_500),
    ("94010", 9_000),
    ("96372", 4_000),
    ("97110", 7_500),
    ("97140", 7_000),
    ("71046", 12_000),
    ("73030", 10_500),
    ("76700", 38_000),
    ("11721", 9_500),
    ("17000", 15_000),
    ("20610", 21_000),
    ("G0439", 19_000),
    ("J1100", 1_800),
    ("J3301", 2_600),
    ("Q0091", 5_000),
    ("29125", 17_500),
    ("12001", 33_000),
    ("69210", 9_000),
];
const MODIFIERS: [&str; 5] = ["25", "59", "LT", "RT", "GT"];
const DENIALS: [&str; 6] = ["CO-16", "CO-50", "CO-97", "CO-29", "CO-197", "CO-22"];

/// Days from 1970-01-01 to a civil date, and back (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Excel 1900-system serial of a day count since 1970 (25569 is 1970-01-01).
fn serial(day: i64) -> f64 {
    (day + 25_569) as f64
}

fn us_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{m:02}/{d:02}/{y}")
}

fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y}-{m:02}-{d:02}")
}

fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn plain_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// `$1,234.50` as some exports write amounts.
fn formatted_money(cents: i64) -> String {
    let c = cents.abs();
    let whole = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let body = format!("${grouped}.{:02}", c % 100);
    if cents < 0 {
        format!("({body})")
    } else {
        body
    }
}

struct Charge {
    claim: u64,
    line: u32,
    mrn: u64,
    patient: usize,
    dos: i64,
    bill: i64,
    code: usize,
    modifier: Option<usize>,
    units: u32,
    payer: usize,
    billed: i64,
}

struct Payment {
    claim: u64,
    patient: usize,
    dos: i64,
    code: usize,
    modifier: Option<usize>,
    payer: usize,
    paid: i64,
    contractual: i64,
    patient_resp: i64,
    reasons: String,
    paid_date: i64,
    check: String,
}

fn patient_name(p: usize) -> (&'static str, &'static str) {
    (FIRST[p % FIRST.len()], LAST[(p / FIRST.len() + p * 7) % LAST.len()])
}

fn charges(rng: &mut Rng, rows: usize) -> Vec<Charge> {
    let patients = (rows / 10).max(20);
    let start = days_from_civil(2024, 1, 1);
    let mut out = Vec::with_capacity(rows);
    let mut claim = 100_000u64;
    while out.len() < rows {
        claim += 1 + rng.below(3);
        let patient = rng.below(patients as u64) as usize;
        let payer =
            if rng.chance(30) { rng.below(2) as usize } else { rng.below(PAYERS.len() as u64) as usize };
        let dos = start + rng.below(730) as i64;
        let bill = dos + 1 + rng.below(14) as i64;
        let lines = 1 + rng.below(4) as u32;
        for line in 1..=lines {
            if out.len() == rows {
                break;
            }
            let code = rng.below(CODES.len() as u64) as usize;
            let modifier =
                if rng.chance(18) { Some(rng.below(MODIFIERS.len() as u64) as usize) } else { None };
            let units = if rng.chance(90) { 1 } else { 2 + rng.below(3) as u32 };
            let markup = 95 + rng.below(30) as i64; // percent of the fee
            let billed = CODES[code].1 as i64 * units as i64 * markup / 100;
            out.push(Charge {
                claim,
                line,
                mrn: 500_000 + patient as u64,
                patient,
                dos,
                bill,
                code,
                modifier,
                units,
                payer,
                billed,
            });
        }
    }
    out
}

fn payments(rng: &mut Rng, charges: &[Charge], rows: usize) -> Vec<Payment> {
    let mut out: Vec<Payment> = Vec::with_capacity(rows + 8);
    let remit = |c: &Charge, rng: &mut Rng, out: &mut Vec<Payment>| {
        let rate = PAYERS[c.payer].1 as i64;
        let allowed = c.billed * rate / 1000;
        let paid_date = c.bill + 14 + rng.below(60) as i64;
        let check = format!("EFT{}{:03}", iso_date(paid_date).replace('-', ""), c.payer);
        let base = Payment {
            claim: c.claim,
            patient: c.patient,
            dos: c.dos,
            code: c.code,
            modifier: c.modifier,
            payer: c.payer,
            paid: 0,
            contractual: 0,
            patient_resp: 0,
            reasons: String::new(),
            paid_date,
            check,
        };
        let draw = rng.below(100);
        if draw < 10 {
            return; // not remitted yet
        }
        if draw < 18 {
            let denial = *rng.pick(&DENIALS);
            out.push(Payment { contractual: c.billed, reasons: denial.to_string(), ..base });
            return;
        }
        let pr = if rng.chance(55) { allowed * (10 + rng.below(20) as i64) / 100 } else { 0 };
        // Deductible, coinsurance or copay.
        let pr_code = match rng.below(3) {
            0 => "PR-1",
            1 => "PR-2",
            _ => "PR-3",
        };
        let mut paid = allowed - pr;
        if draw < 24 {
            paid -= paid * (5 + rng.below(20) as i64) / 100; // underpaid
        } else if draw < 26 {
            paid += 500 + rng.below(5_000) as i64; // overpaid
        }
        let reasons = if pr > 0 { format!("CO-45; {pr_code}") } else { "CO-45".to_string() };
        let secondary = pr > 0 && rng.chance(6);
        out.push(Payment { paid, contractual: c.billed - allowed, patient_resp: pr, reasons, ..base });
        if secondary {
            let last = out.last().map(|p| (p.paid_date, p.check.clone())).unwrap_or_default();
            out.push(Payment {
                claim: c.claim,
                patient: c.patient,
                dos: c.dos,
                code: c.code,
                modifier: c.modifier,
                payer: 1,
                paid: pr,
                contractual: 0,
                patient_resp: -pr,
                reasons: "OA-23".to_string(),
                paid_date: last.0 + 21,
                check: format!("{}S", last.1),
            });
        }
    };
    for c in charges {
        if out.len() >= rows {
            break;
        }
        remit(c, rng, &mut out);
        // Now and then a payment for a claim or code the charges do not have.
        if rng.chance(4) {
            let wrong_claim = rng.chance(50);
            out.push(Payment {
                claim: if wrong_claim { c.claim + 9_000_000 } else { c.claim },
                patient: c.patient,
                dos: c.dos,
                code: (c.code + 1) % CODES.len(),
                modifier: None,
                payer: c.payer,
                paid: 1_000 + rng.below(20_000) as i64,
                contractual: 0,
                patient_resp: 0,
                reasons: String::new(),
                paid_date: c.bill + 30,
                check: format!("CHK{}", 700_000 + rng.below(100_000)),
            });
        }
    }
    // Fill up to exactly `rows` with more unmatched rows, then cut.
    let mut i = 0;
    while out.len() < rows {
        let c = &charges[i % charges.len()];
        out.push(Payment {
            claim: c.claim + 8_000_000,
            patient: c.patient,
            dos: c.dos,
            code: c.code,
            modifier: None,
            payer: c.payer,
            paid: 2_500,
            contractual: 0,
            patient_resp: 0,
            reasons: String::new(),
            paid_date: c.bill + 45,
            check: format!("CHK{}", 800_000 + i),
        });
        i += 1;
    }
    out.truncate(rows);
    // A remittance arrives in check order.
    out.sort_by(|a, b| (a.paid_date, &a.check).cmp(&(b.paid_date, &b.check)));
    out
}

const CHARGE_HEADERS: [&str; 12] = [
    "Claim #",
    "Line",
    "MRN",
    "Patient",
    "DOS",
    "Bill Date",
    "CPT",
    "Mod",
    "Units",
    "Payer",
    "Rendering Provider",
    "Charges",
];
const PAYMENT_HEADERS: [&str; 12] = [
    "Claim #",
    "Patient",
    "DOS",
    "CPT",
    "Mod",
    "Payer",
    "Paid",
    "Contractual",
    "Patient Resp",
    "Adj Reason",
    "Paid Date",
    "Check #",
];
const PROVIDERS: [&str; 6] =
    ["Dr. Ana Ruiz", "Dr. Ben Okafor", "Dr. Chen Li", "Dr. Dana Wells", "NP Erin Shaw", "PA Femi Ade"];

fn charge_cells(c: &Charge) -> [String; 12] {
    let (first, last) = patient_name(c.patient);
    [
        format!("{:08}", c.claim),
        c.line.to_string(),
        format!("M{}", c.mrn),
        format!("{last}, {first}"),
        us_date(c.dos),
        us_date(c.bill),
        CODES[c.code].0.to_string(),
        c.modifier.map(|m| MODIFIERS[m].to_string()).unwrap_or_default(),
        c.units.to_string(),
        PAYERS[c.payer].0.to_string(),
        PROVIDERS[(c.claim % PROVIDERS.len() as u64) as usize].to_string(),
        if c.claim % 10 == 0 { formatted_money(c.billed) } else { plain_money(c.billed) },
    ]
}

fn payment_cells(p: &Payment) -> [String; 12] {
    let (first, last) = patient_name(p.patient);
    [
        p.claim.to_string(),
        format!("{} {}", first.to_uppercase(), last.to_uppercase()),
        iso_date(p.dos),
        CODES[p.code].0.to_string(),
        p.modifier.map(|m| MODIFIERS[m].to_string()).unwrap_or_default(),
        PAYERS[p.payer].0.to_string(),
        plain_money(p.paid),
        plain_money(p.contractual),
        plain_money(p.patient_resp),
        p.reasons.clone(),
        iso_date(p.paid_date),
        p.check.clone(),
    ]
}

fn write_csv(
    path: &Path,
    headers: &[&str; 12],
    rows: impl Iterator<Item = [String; 12]>,
) -> Result<(), String> {
    let mut w = csv::Writer::from_path(path).map_err(|e| e.to_string())?;
    w.write_record(headers).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(&r).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

/// The twelve usual columns of a charge row, as the plain and wide shapes write them.
fn charge_row_xlsx(
    sheet: &mut Worksheet,
    r: u32,
    c: &Charge,
    date: &Format,
    money: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let (first, last) = patient_name(c.patient);
    sheet.write_string(r, 0, format!("{:08}", c.claim))?;
    sheet.write_number(r, 1, c.line)?;
    sheet.write_string(r, 2, format!("M{}", c.mrn))?;
    sheet.write_string(r, 3, format!("{last}, {first}"))?;
    sheet.write_number_with_format(r, 4, serial(c.dos), date)?;
    sheet.write_number_with_format(r, 5, serial(c.bill), date)?;
    sheet.write_string(r, 6, CODES[c.code].0)?;
    if let Some(m) = c.modifier {
        sheet.write_string(r, 7, MODIFIERS[m])?;
    }
    sheet.write_number(r, 8, c.units)?;
    sheet.write_string(r, 9, PAYERS[c.payer].0)?;
    sheet.write_string(r, 10, PROVIDERS[(c.claim % PROVIDERS.len() as u64) as usize])?;
    sheet.write_number_with_format(r, 11, dollars(c.billed), money)?;
    Ok(())
}

/// The twelve usual columns of a remittance row, as the plain and wide shapes write them.
fn payment_row_xlsx(
    sheet: &mut Worksheet,
    r: u32,
    p: &Payment,
    date: &Format,
    money: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let (first, last) = patient_name(p.patient);
    sheet.write_number(r, 0, p.claim as f64)?;
    sheet.write_string(r, 1, format!("{} {}", first.to_uppercase(), last.to_uppercase()))?;
    sheet.write_number_with_format(r, 2, serial(p.dos), date)?;
    sheet.write_string(r, 3, CODES[p.code].0)?;
    if let Some(m) = p.modifier {
        sheet.write_string(r, 4, MODIFIERS[m])?;
    }
    sheet.write_string(r, 5, PAYERS[p.payer].0)?;
    sheet.write_number_with_format(r, 6, dollars(p.paid), money)?;
    sheet.write_number_with_format(r, 7, dollars(p.contractual), money)?;
    sheet.write_number_with_format(r, 8, dollars(p.patient_resp), money)?;
    if !p.reasons.is_empty() {
        sheet.write_string(r, 9, &p.reasons)?;
    }
    sheet.write_number_with_format(r, 10, serial(p.paid_date), date)?;
    sheet.write_string(r, 11, &p.check)?;
    Ok(())
}

fn write_charges_xlsx(path: &Path, rows: &[Charge]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("mm/dd/yyyy");
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("Charges")?;
    for (c, h) in CHARGE_HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, c) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        charge_row_xlsx(sheet, r, c, &date, &money)?;
    }
    book.save(path)
}

fn write_payments_xlsx(path: &Path, rows: &[Payment]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("Remittance")?;
    for (c, h) in PAYMENT_HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        payment_row_xlsx(sheet, r, p, &date, &money)?;
    }
    book.save(path)
}

/// The extra columns of the wide shape (`--shape wide`), after the usual twelve.
const WIDE_CHARGE_HEADERS: [&str; 5] =
    ["Facility", "Place of Service", "Diagnosis 1", "Diagnosis 2", "Referring"];
const WIDE_PAYMENT_HEADERS: [&str; 3] = ["Payer Control", "Group", "Batch"];
const FACILITIES: [&str; 4] =
    ["Main Street Clinic", "Northside Medical Office", "Riverside Outpatient Center", "Lakeview Annex"];
const DIAGNOSES: [&str; 12] = [
    "I10", "E11.9", "J06.9", "M54.50", "Z00.00", "E78.5", "K21.9", "F41.1", "R51.9", "N39.0", "J45.909",
    "Z23",
];
const PLACES: [&str; 3] = ["11 Office", "22 Outpatient", "02 Telehealth"];

/// The wide shape: the usual columns and a few more (17 charge columns, 15
/// payment columns), every text cell an inline string, as rust_xlsxwriter's
/// constant-memory mode (and xlsxwriter's) writes them.
fn write_wide_charges_xlsx(path: &Path, rows: &[Charge]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("mm/dd/yyyy");
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Charges")?;
    for (c, h) in CHARGE_HEADERS.iter().chain(&WIDE_CHARGE_HEADERS).enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, c) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        charge_row_xlsx(sheet, r, c, &date, &money)?;
        sheet.write_string(r, 12, FACILITIES[(c.claim % 4) as usize])?;
        sheet.write_string(r, 13, PLACES[(c.claim % 7 % 3) as usize])?;
        sheet.write_string(r, 14, DIAGNOSES[(c.patient + c.line as usize) % DIAGNOSES.len()])?;
        if c.line % 2 == 0 {
            sheet.write_string(r, 15, DIAGNOSES[(c.patient * 3) % DIAGNOSES.len()])?;
        }
        sheet.write_string(r, 16, format!("1{:09}", 234_000_000 + c.claim % 977))?;
    }
    book.save(path)
}

fn write_wide_payments_xlsx(path: &Path, rows: &[Payment]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Remittance")?;
    for (c, h) in PAYMENT_HEADERS.iter().chain(&WIDE_PAYMENT_HEADERS).enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        payment_row_xlsx(sheet, r, p, &date, &money)?;
        sheet.write_string(r, 12, format!("{}{:07}", p.paid_date, (p.claim * 31 + i as u64) % 10_000_000))?;
        sheet.write_string(r, 13, format!("GRP{:05}", p.payer * 1_000 + p.patient % 97))?;
        sheet.write_number(r, 14, (p.paid_date % 1_000) as f64)?;
    }
    book.save(path)
}

/// The distinct shape's patient: first name, middle initial and last name,
/// different for each of up to 52,000 patients (the usual shape repeats 2,000
/// names).
fn distinct_name(p: usize) -> (&'static str, char, &'static str) {
    let middle = (b'A' + (p / FIRST.len() % 26) as u8) as char;
    (FIRST[p % FIRST.len()], middle, LAST[(p / (FIRST.len() * 26) + p * 7) % LAST.len()])
}

const VISITS: [&str; 6] = [
    "follow-up for",
    "new complaint of",
    "annual check, noted",
    "recheck of",
    "telehealth visit about",
    "referred for",
];
const COMPLAINTS: [&str; 8] = [
    "lower back pain",
    "blood pressure",
    "cough and fever",
    "knee swelling",
    "headaches",
    "blood sugar",
    "rash on left arm",
    "sleep trouble",
];

/// The distinct shape: shared strings with mostly distinct values (a free-text
/// note on every line, patient names that differ per patient) and dates
/// written as text, not as date cells.
fn write_distinct_charges_xlsx(path: &Path, rows: &[Charge]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("Charges")?;
    for (c, h) in CHARGE_HEADERS.iter().chain(&["Visit Note"]).enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, c) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let (first, middle, last) = distinct_name(c.patient);
        let provider = PROVIDERS[(c.claim % PROVIDERS.len() as u64) as usize];
        sheet.write_string(r, 0, format!("{:08}", c.claim))?;
        sheet.write_number(r, 1, c.line)?;
        sheet.write_string(r, 2, format!("M{}", c.mrn))?;
        sheet.write_string(r, 3, format!("{last}, {first} {middle}."))?;
        sheet.write_string(r, 4, us_date(c.dos))?;
        sheet.write_string(r, 5, us_date(c.bill))?;
        sheet.write_string(r, 6, CODES[c.code].0)?;
        if let Some(m) = c.modifier {
            sheet.write_string(r, 7, MODIFIERS[m])?;
        }
        sheet.write_number(r, 8, c.units)?;
        sheet.write_string(r, 9, PAYERS[c.payer].0)?;
        sheet.write_string(r, 10, provider)?;
        sheet.write_number_with_format(r, 11, dollars(c.billed), &money)?;
        let note = format!(
            "{first} {last}: {} {}, seen by {provider} (visit {}-{})",
            VISITS[c.patient % VISITS.len()],
            COMPLAINTS[(c.claim as usize + c.line as usize) % COMPLAINTS.len()],
            c.claim,
            c.line
        );
        sheet.write_string(r, 12, note)?;
    }
    book.save(path)
}

fn write_distinct_payments_xlsx(path: &Path, rows: &[Payment]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("Remittance")?;
    for (c, h) in PAYMENT_HEADERS.iter().chain(&["Payer Note"]).enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let (first, middle, last) = distinct_name(p.patient);
        sheet.write_number(r, 0, p.claim as f64)?;
        sheet.write_string(r, 1, format!("{} {middle} {}", first.to_uppercase(), last.to_uppercase()))?;
        sheet.write_string(r, 2, iso_date(p.dos))?;
        sheet.write_string(r, 3, CODES[p.code].0)?;
        if let Some(m) = p.modifier {
            sheet.write_string(r, 4, MODIFIERS[m])?;
        }
        sheet.write_string(r, 5, PAYERS[p.payer].0)?;
        sheet.write_number_with_format(r, 6, dollars(p.paid), &money)?;
        sheet.write_number_with_format(r, 7, dollars(p.contractual), &money)?;
        sheet.write_number_with_format(r, 8, dollars(p.patient_resp), &money)?;
        if !p.reasons.is_empty() {
            sheet.write_string(r, 9, &p.reasons)?;
        }
        sheet.write_string(r, 10, iso_date(p.paid_date))?;
        sheet.write_string(r, 11, &p.check)?;
        sheet.write_string(r, 12, format!("Processed as {} under ref {}-{i}", PAYERS[p.payer].0, p.claim))?;
    }
    book.save(path)
}

fn main() {
    let mut rows = 10_000usize;
    let mut shape = String::from("plain");
    let mut formats: Vec<String> = Vec::new();
    let mut out = PathBuf::from("benches/data");
    let mut seed = 20_260_315u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--rows" => rows = value.parse().unwrap_or_else(|_| usage()),
            "--format" => formats.push(value),
            "--out" => out = PathBuf::from(value),
            "--seed" => seed = value.parse().unwrap_or_else(|_| usage()),
            "--shape" => shape = value,
            _ => usage(),
        }
    }
    if formats.is_empty() {
        formats = if shape == "plain" { vec!["xlsx".into(), "csv".into()] } else { vec!["xlsx".into()] };
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        std::process::exit(1);
    }
    // One stream per size: the same N gives the same files whatever the formats asked.
    let mut rng = Rng(seed ^ rows as u64);
    let charge_rows = charges(&mut rng, rows);
    let payment_rows = payments(&mut rng, &charge_rows, rows);
    // The usual shape keeps its names; another shape's files are charges-<shape>-<N>.xlsx.
    let stem = if shape == "plain" { rows.to_string() } else { format!("{shape}-{rows}") };
    for format in &formats {
        let charges_path = out.join(format!("charges-{stem}.{format}"));
        let payments_path = out.join(format!("payments-{stem}.{format}"));
        let result = match (shape.as_str(), format.as_str()) {
            ("wide", "xlsx") => write_wide_charges_xlsx(&charges_path, &charge_rows)
                .and_then(|_| write_wide_payments_xlsx(&payments_path, &payment_rows))
                .map_err(|e| e.to_string()),
            ("distinct", "xlsx") => write_distinct_charges_xlsx(&charges_path, &charge_rows)
                .and_then(|_| write_distinct_payments_xlsx(&payments_path, &payment_rows))
                .map_err(|e| e.to_string()),
            ("plain", _) => match format.as_str() {
                "csv" => write_csv(&charges_path, &CHARGE_HEADERS, charge_rows.iter().map(charge_cells))
                    .and_then(|_| {
                        write_csv(&payments_path, &PAYMENT_HEADERS, payment_rows.iter().map(payment_cells))
                    }),
                "xlsx" => write_charges_xlsx(&charges_path, &charge_rows)
                    .and_then(|_| write_payments_xlsx(&payments_path, &payment_rows))
                    .map_err(|e| e.to_string()),
                other => Err(format!("unknown format {other}: use xlsx or csv")),
            },
            (other, _) => {
                Err(format!("shape {other}: use plain, wide or distinct (wide and distinct are xlsx only)"))
            }
        };
        if let Err(e) = result {
            eprintln!("bench_generate: {e}");
            std::process::exit(1);
        }
        println!("{} and {}", charges_path.display(), payments_path.display());
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: bench_generate [--rows N] [--format xlsx|csv]... [--shape plain|wide|distinct] [--out DIR] [--seed N]"
    );
    std::process::exit(2);
}
