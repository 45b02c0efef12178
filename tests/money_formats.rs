//! Money survives every format (issue 8 §5): amounts written as spreadsheet numbers by
//! rust_xlsxwriter, as CSV text in the forms exports use, and by LibreOffice (from CSV text to
//! xlsx, xls and ods) read back through `clearbill::table` with identical cents.

mod common;

use std::path::Path;
use std::process::Command;

use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::table::{open, CellRef, Format, Limits, Sheet};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Cents up to the trillion-dollar cap that `Money` accepts, weighted towards everyday amounts.
fn cents() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -100_000i64..10_000_000,
        2 => -100_000_000_000_000i64..=100_000_000_000_000,
        1 => prop::sample::select(vec![0i64, 1, -1, 5, 10, 99, 100, 1_000_005, 99_999_999_999_999, -100_000_000_000_000]),
    ]
}

/// The amount a cell holds: a number cell through `from_float_cell`, a text cell through `parse`.
fn read_money(cell: CellRef<'_>) -> Money {
    match cell {
        CellRef::Number(n) => Money::from_float_cell(n).unwrap().money,
        CellRef::Text(t) => Money::parse(t).unwrap().unwrap().money,
        other => panic!("an amount cell is {other:?}"),
    }
}

/// The first column of every row after the header, read as money.
fn column(sheet: &Sheet) -> Vec<Money> {
    sheet.rows().filter(|r| r.number > 1).map(|r| read_money(r.get(0))).collect()
}

fn read_back(bytes: &[u8], name: &str) -> (Format, Vec<Money>) {
    let mut wb = open(bytes, name, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let sheet = wb.read(None, &mut NoProgress).unwrap_or_else(|e| panic!("{name}: {e}"));
    (wb.format(), column(&sheet))
}

/// The forms practice-management exports write amounts in (SPEC §1).
fn csv_text(m: Money, style: u8) -> String {
    let plain = m.to_string();
    let digits = plain.trim_start_matches('-');
    let (int, frac) = digits.split_once('.').unwrap();
    let grouped: String = {
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let neg = m.is_negative();
    // Grouped forms are quoted, as a CSV writer must when a field holds a comma.
    match style % 5 {
        0 => plain,
        1 => format!("\"{}${grouped}.{frac}\"", if neg { "-" } else { "" }),
        2 if neg => format!("\"(${grouped}.{frac})\""),
        2 => format!("\"${grouped}.{frac}\""),
        3 => format!("\"{}{grouped}.{frac}\"", if neg { "-" } else { "" }),
        _ => format!("{plain} USD"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn number_cells_written_by_rust_xlsxwriter_read_back_to_the_cent(
        amounts in prop::collection::vec(cents(), 1..40),
    ) {
        let money: Vec<Money> = amounts.iter().map(|&c| Money::from_cents(c)).collect();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Paid").unwrap();
        sheet.write_string(0, 1, "Billed").unwrap();
        for (i, m) in money.iter().enumerate() {
            let row = i as u32 + 1;
            // As a float from the amount's text, and as a Decimal the way the export writes it.
            sheet.write_number(row, 0, m.to_string().parse::<f64>().unwrap()).unwrap();
            sheet.write(row, 1, m.as_decimal()).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let mut wb = open(&bytes, "amounts.xlsx", &Limits::default()).unwrap();
        let s = wb.read(None, &mut NoProgress).unwrap();
        prop_assert_eq!(column(&s), money.clone());
        let decimals: Vec<Money> = s.rows().filter(|r| r.number > 1).map(|r| read_money(r.get(1))).collect();
        prop_assert_eq!(decimals, money);
    }

    #[test]
    fn csv_text_in_every_export_form_reads_back_to_the_cent(
        amounts in prop::collection::vec((cents(), any::<u8>()), 1..60),
    ) {
        let money: Vec<Money> = amounts.iter().map(|&(c, _)| Money::from_cents(c)).collect();
        let mut csv = String::from("Paid\r\n");
        for (m, &(_, style)) in money.iter().zip(&amounts) {
            csv.push_str(&csv_text(*m, style));
            csv.push_str("\r\n");
        }
        let (format, read) = read_back(csv.as_bytes(), "amounts.csv");
        prop_assert_eq!(format, Format::Csv);
        prop_assert_eq!(read, money);
    }

    #[test]
    fn decimals_survive_the_float_a_spreadsheet_stores(c in cents()) {
        // What LibreOffice and Excel do to a typed amount: store the nearest double.
        let m = Money::from_cents(c);
        let stored: f64 = m.to_string().parse().unwrap();
        prop_assert_eq!(Money::from_float_cell(stored).unwrap().money, m);
        prop_assert_eq!(Money::from_decimal(Decimal::new(c, 2)), m);
    }
}

/// A fixed pseudo-random batch (SplitMix64), so a failure names a reproducible value.
fn batch(seed: u64, n: usize) -> Vec<Money> {
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|i| {
            let r = next();
            let cents = match i % 4 {
                // Everyday amounts, large ones, and up to the cap.
                0 | 1 => (r % 10_000_000) as i64,
                2 => (r % 100_000_000_000) as i64,
                _ => (r % 100_000_000_000_000) as i64,
            };
            Money::from_cents(if r & (1 << 40) != 0 { -cents } else { cents })
        })
        .collect()
}

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().map(|o| o.status.success()).unwrap_or(false))
}

/// LibreOffice converts `input` to each format, with a profile of its own so that tests running
/// at once do not share one.
fn convert(soffice: &str, input: &Path, to: &str, dir: &Path) -> Vec<u8> {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = Command::new(soffice)
        .args([&profile, "--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(input)
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "soffice --convert-to {to}: {}", String::from_utf8_lossy(&out.stderr));
    let ext = to.split(':').next().unwrap();
    let path = dir.join(input.with_extension(ext).file_name().unwrap());
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn amounts_written_by_libreoffice_read_back_to_the_cent() {
    let Some(soffice) = soffice() else {
        // `make test` installs LibreOffice (Debian libreoffice-calc-nogui); only a bare
        // `cargo test` on a machine without it gets here.
        eprintln!("\n*** SKIPPED: LibreOffice (soffice) is not installed; run `make test` or apt-get install libreoffice-calc-nogui ***\n");
        return;
    };
    let dir = common::cli::tempdir();
    let money = batch(8, 600);
    let mut csv = String::from("Paid\n");
    for m in &money {
        csv.push_str(&format!("{m}\n"));
    }
    let input = dir.join("amounts.csv");
    std::fs::write(&input, &csv).unwrap();
    for (to, format) in [("xlsx", Format::Xlsx), ("ods", Format::Ods), ("xls:MS Excel 97", Format::Xls)] {
        let bytes = convert(soffice, &input, to, &dir);
        let (read_format, read) = read_back(&bytes, &format!("amounts.{}", to.split(':').next().unwrap()));
        assert_eq!(read_format, format);
        assert_eq!(read.len(), money.len(), "{to}");
        for (i, (got, want)) in read.iter().zip(&money).enumerate() {
            assert_eq!(got, want, "{to}, row {}", i + 2);
        }
    }
    // And the other way: LibreOffice reads our xlsx number cells and writes them out as CSV text.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Paid").unwrap();
    for (i, m) in money.iter().enumerate() {
        sheet.write(i as u32 + 1, 0, m.as_decimal()).unwrap();
    }
    let ours = dir.join("ours.xlsx");
    std::fs::write(&ours, book.save_to_buffer().unwrap()).unwrap();
    let csv = convert(soffice, &ours, "csv", &dir);
    let (_, read) = read_back(&csv, "ours.csv");
    assert_eq!(read, money, "xlsx written by rust_xlsxwriter, saved as CSV by LibreOffice");
    std::fs::remove_dir_all(&dir).ok();
}
