//! Every spreadsheet of the third-party corpus is read without a crash, and
//! where its content is known, the values read are checked (SPEC §2).

mod common;

use clearbill::money::Money;
use clearbill::progress::NoProgress;
use clearbill::table::{open, CellRef, Format, Limits, Sheet, TableError};
use common::{read, shared};

fn sheet(path: &str, name: Option<&str>) -> Sheet {
    let bytes = read(&shared(path));
    let mut wb = open(&bytes, path, &Limits::default()).unwrap_or_else(|e| panic!("{path}: {e}"));
    wb.read(name, &mut NoProgress).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cell<'a>(s: &'a Sheet, row_number: u32, col: usize) -> CellRef<'a> {
    s.rows().find(|r| r.number == row_number).map(|r| r.get(col)).unwrap_or(CellRef::Empty)
}

/// What reading each corpus file gives. The same table, with the reasons, is in CORPUS.md;
/// `corpus_md_lists_every_file_as_the_tests_expect` keeps the two in step.
enum Expect {
    /// Every worksheet reads; the format and worksheet count are as given.
    Reads(Format, usize),
    /// Every worksheet reads, but the workbook holds more than is read: a chart sheet, which
    /// holds no table, is left out. The text says what (CORPUS.md gives it too).
    ReadsPartly(Format, usize, &'static str),
    /// Opening fails with an error containing this text.
    Fails(&'static str),
}

impl Expect {
    /// The word CORPUS.md uses.
    fn status(&self) -> &'static str {
        match self {
            Expect::Reads(..) => "reads fully",
            Expect::ReadsPartly(..) => "reads partly",
            Expect::Fails(_) => "fails",
        }
    }
}

const CHART_LEFT_OUT: &str = "the chart sheet holds no table and is left out";

const CORPUS: &[(&str, Expect)] = &[
    ("spreadsheets/SheetJS__test_files/1904/1900.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/1904/1904.xls", Expect::Reads(Format::Xls, 1)),
    ("spreadsheets/SheetJS__test_files/1904/1904.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/Attendance.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/BlankSheetTypes.xlsb", Expect::Fails("Unrecognized BoundSheet8")),
    ("spreadsheets/SheetJS__test_files/DataTypesFormats.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/LONumbers.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/crlf/crlf.csv", Expect::Reads(Format::Csv, 1)),
    ("spreadsheets/SheetJS__test_files/crlf/crlf.ods", Expect::Reads(Format::Ods, 1)),
    ("spreadsheets/SheetJS__test_files/formulae_test_simple.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/minimal_112.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/number_format_entities.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/SheetJS__test_files/sheet_visibility.xlsx", Expect::Reads(Format::Xlsx, 3)),
    ("spreadsheets/SheetJS__test_files/wps/fn.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/ccrngd1__x12Parser/X12.837.5010/835_1.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/date_1904_01.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/date_1904_02.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/formula_results01.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/optimize01.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/types01.xlsx", Expect::Reads(Format::Xlsx, 1)),
    (
        "spreadsheets/python-excel__xlrd/tests/samples/biff4_no_format_no_window2.xls",
        Expect::Fails("Excel 2.x"),
    ),
    ("spreadsheets/python-excel__xlrd/tests/samples/ragged.xls", Expect::Reads(Format::Xls, 3)),
    ("spreadsheets/tafia__calamine/tests/any_sheets.ods", Expect::Reads(Format::Ods, 4)),
    (
        "spreadsheets/tafia__calamine/tests/any_sheets.xls",
        Expect::ReadsPartly(Format::Xls, 3, CHART_LEFT_OUT),
    ),
    (
        "spreadsheets/tafia__calamine/tests/any_sheets.xlsb",
        Expect::ReadsPartly(Format::Xlsb, 3, CHART_LEFT_OUT),
    ),
    (
        "spreadsheets/tafia__calamine/tests/any_sheets.xlsx",
        Expect::ReadsPartly(Format::Xlsx, 3, CHART_LEFT_OUT),
    ),
    ("spreadsheets/tafia__calamine/tests/biff5_write.xls", Expect::Reads(Format::Xls, 1)),
    ("spreadsheets/tafia__calamine/tests/date.ods", Expect::Reads(Format::Ods, 1)),
    ("spreadsheets/tafia__calamine/tests/date.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/date_1904.xls", Expect::Reads(Format::Xls, 1)),
    ("spreadsheets/tafia__calamine/tests/date_1904.xlsb", Expect::Reads(Format::Xlsb, 1)),
    ("spreadsheets/tafia__calamine/tests/empty_shared_string.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/empty_sheet.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/errors.xlsx", Expect::Reads(Format::Xlsx, 3)),
    ("spreadsheets/tafia__calamine/tests/has_x000D_.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/header-row.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/inlineStr_cdata.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/issue_261.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/issues.xlsb", Expect::Reads(Format::Xlsb, 6)),
    ("spreadsheets/tafia__calamine/tests/issues.xlsx", Expect::Reads(Format::Xlsx, 6)),
    ("spreadsheets/tafia__calamine/tests/merged_cells.ods", Expect::Reads(Format::Ods, 1)),
    ("spreadsheets/tafia__calamine/tests/merged_range.xlsx", Expect::Reads(Format::Xlsx, 2)),
    ("spreadsheets/tafia__calamine/tests/number_rows_repeated.ods", Expect::Reads(Format::Ods, 3)),
    ("spreadsheets/tafia__calamine/tests/pass_protected.xlsx", Expect::Fails("password protected")),
    ("spreadsheets/tafia__calamine/tests/sst_continue.xls", Expect::Reads(Format::Xls, 1)),
    ("spreadsheets/tafia__calamine/tests/strict_iso_paths.xlsx", Expect::Reads(Format::Xlsx, 1)),
    ("spreadsheets/tafia__calamine/tests/temperature.xlsx", Expect::Reads(Format::Xlsx, 1)),
];

/// The Synthea CSV exports: three are vendored, the rest only in `../shared/data`.
const SYNTHEA: &[(&str, bool)] = &[
    ("claims.csv", true),
    ("claims_transactions.csv", true),
    ("encounters.csv", false),
    ("immunizations.csv", false),
    ("medications.csv", false),
    ("organizations.csv", false),
    ("patients.csv", false),
    ("payer_transitions.csv", false),
    ("payers.csv", true),
    ("procedures.csv", false),
    ("providers.csv", false),
];
const SYNTHEA_DIR: &str = "synthea/jijones12__synthea/output/csv";

#[test]
fn every_corpus_spreadsheet_reads_or_fails_as_recorded() {
    let root = shared("spreadsheets");
    let mut on_disk: Vec<String> = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                on_disk.push(format!("spreadsheets/{}", p.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    on_disk.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(p, _)| *p).collect();
    assert_eq!(on_disk, listed, "every corpus file has an expectation");

    for (path, expect) in CORPUS {
        let bytes = read(&shared(path));
        let opened = open(&bytes, path, &Limits::default());
        match (expect, opened) {
            (Expect::Reads(format, sheets) | Expect::ReadsPartly(format, sheets, _), Ok(mut wb)) => {
                assert_eq!(wb.format(), *format, "{path}");
                let names = wb.sheet_names().to_vec();
                assert_eq!(names.len(), *sheets, "{path}: {names:?}");
                for name in &names {
                    wb.read(Some(name), &mut NoProgress)
                        .unwrap_or_else(|e| panic!("{path} sheet {name}: {e}"));
                }
            }
            (Expect::Fails(text), Err(e)) => assert!(e.to_string().contains(text), "{path}: {e}"),
            (Expect::Reads(..) | Expect::ReadsPartly(..), Err(e)) => panic!("{path} should read: {e}"),
            (Expect::Fails(_), Ok(_)) => panic!("{path} should fail"),
        }
    }
}

#[test]
fn both_excel_date_systems_agree_with_excels_own_text() {
    // Column C holds Excel's TEXT(B, "yyyy-mm-dd") result: the oracle.
    for path in [
        "spreadsheets/SheetJS__test_files/1904/1900.xlsx",
        "spreadsheets/SheetJS__test_files/1904/1904.xlsx",
        "spreadsheets/SheetJS__test_files/1904/1904.xls",
    ] {
        let s = sheet(path, None);
        assert_eq!(s.row_count(), 5, "{path}");
        for row in s.rows() {
            let (CellRef::Date(d), CellRef::Text(oracle)) = (row.get(1), row.get(2)) else {
                panic!("{path} row {}: {:?}", row.number, row.get(1));
            };
            assert_eq!(d.format("%Y-%m-%d").to_string(), oracle, "{path} row {}", row.number);
        }
    }
    let s = sheet("spreadsheets/SheetJS__test_files/1904/1904.xlsx", None);
    assert!(s.is_1904);
    assert_eq!(cell(&s, 1, 1).display(), "1904-01-02", "serial 1 in the 1904 system");
}

#[test]
fn serial_zero_in_1904_is_the_epoch_not_a_time() {
    let s = sheet("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/date_1904_02.xlsx", None);
    assert_eq!(cell(&s, 1, 0).display(), "1904-01-01");
    // The same serials in both systems are 1462 days apart (1, 1000, 5000, … in each file).
    let s1900 = sheet("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/date_1904_01.xlsx", None);
    let (CellRef::Date(a), CellRef::Date(b)) = (cell(&s1900, 2, 0), cell(&s, 2, 0)) else { panic!() };
    assert_eq!((b - a).num_days(), 1462);
}

#[test]
fn binary_formats_read_1904_dates() {
    for path in [
        "spreadsheets/tafia__calamine/tests/date_1904.xls",
        "spreadsheets/tafia__calamine/tests/date_1904.xlsb",
    ] {
        let s = sheet(path, None);
        assert_eq!(cell(&s, 1, 0).display(), "2021-01-01", "{path}");
        assert_eq!(cell(&s, 2, 0).display(), "2021-01-02", "{path}");
    }
}

#[test]
fn formula_errors_read_as_error_cells() {
    let s = sheet("spreadsheets/tafia__calamine/tests/errors.xlsx", None);
    let errors: Vec<String> = s.rows().map(|r| r.get(0).display()).collect();
    assert_eq!(errors, ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]);
    assert!(matches!(cell(&s, 7, 0), CellRef::Error("#N/A")));
    // An error in a money column is a row-level problem that says so.
    let e = clearbill::records::read_cell(
        clearbill::columns::Role::Paid,
        cell(&s, 5, 0),
        false,
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(e, "the cell holds the spreadsheet error #REF! instead of a value");
}

#[test]
fn cached_formula_results_of_every_type() {
    let s = sheet("spreadsheets/jmcnamara__XlsxWriter/xlsx_files/formula_results01.xlsx", None);
    assert_eq!(cell(&s, 1, 0), CellRef::Number(2.0));
    assert_eq!(cell(&s, 2, 0), CellRef::Text("Foo"));
    assert_eq!(cell(&s, 3, 0), CellRef::Bool(true));
    assert_eq!(cell(&s, 6, 0), CellRef::Error("#N/A"));
}

#[test]
fn strings_keep_escapes_newlines_and_numeric_looking_text() {
    let s = sheet("spreadsheets/tafia__calamine/tests/has_x000D_.xlsx", None);
    assert_eq!(cell(&s, 1, 0), CellRef::Text("ABC\r\nDEF"));
    let s = sheet("spreadsheets/tafia__calamine/tests/inlineStr_cdata.xlsx", None);
    assert_eq!(cell(&s, 1, 0), CellRef::Text("Hello CDATA"));
    assert_eq!(cell(&s, 2, 0), CellRef::Text("12345"), "an inline string stays text");
    let s = sheet("spreadsheets/SheetJS__test_files/crlf/crlf.csv", None);
    assert_eq!(cell(&s, 1, 0), CellRef::Text("Normal"), "the BOM does not leak into the first cell");
    assert_eq!(cell(&s, 1, 1), CellRef::Text("abc\ndef"));
    assert_eq!(cell(&s, 2, 1), CellRef::Text("abc\r\ndef"));
    assert_eq!(cell(&s, 3, 0), CellRef::Text("Test"), "the last row has no newline");
    let s = sheet("spreadsheets/tafia__calamine/tests/sst_continue.xls", None);
    assert_eq!(s.row_count(), 136);
    assert_eq!(cell(&s, 134, 0), CellRef::Text("This is a long string with a serial number at the end 0134"));
    assert_eq!(cell(&s, 136, 0), CellRef::Text("New CONTINUE block"), "a string after the CONTINUE record");
}

#[test]
fn sparse_rows_keep_their_row_numbers() {
    let s = sheet("spreadsheets/tafia__calamine/tests/header-row.xlsx", None);
    let numbers: Vec<u32> = s.rows().map(|r| r.number).collect();
    assert_eq!(numbers, [3, 9, 10]);
    assert_eq!(cell(&s, 10, 3), CellRef::Number(3.0));
}

#[test]
fn a_million_repeated_ods_rows_are_not_materialised() {
    let s = sheet("spreadsheets/tafia__calamine/tests/number_rows_repeated.ods", None);
    assert!(s.row_count() < 100, "{} rows", s.row_count());
}

#[test]
fn chart_sheets_are_not_offered_as_tables() {
    let bytes = read(&shared("spreadsheets/tafia__calamine/tests/any_sheets.xlsx"));
    let wb = open(&bytes, "any_sheets.xlsx", &Limits::default()).unwrap();
    assert_eq!(wb.sheet_names(), ["Visible", "Hidden", "VeryHidden"]);
}

#[test]
fn money_cells_of_other_writers_read_to_the_cent() {
    let s = sheet("spreadsheets/SheetJS__test_files/LONumbers.xlsx", None);
    let m = |c: CellRef<'_>| match c {
        CellRef::Number(n) => Money::from_float_cell(n).unwrap().money.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(m(cell(&s, 1, 4)), "-12.34");
    assert_eq!(m(cell(&s, 1, 5)), "123.45");
    assert_eq!(m(cell(&s, 1, 7)), "1234.57", "1234.567 rounds half away from zero");
    let s = sheet("spreadsheets/SheetJS__test_files/DataTypesFormats.xlsx", None);
    assert_eq!(m(cell(&s, 3, 1)), "123.00", "a currency-formatted cell is a number");
}

#[test]
fn synthea_charges_and_payments_balance_to_the_cent() {
    // SOURCES.md fact 11: Σ AMOUNT over CHARGE rows = Σ PAYMENTS over PAYMENT rows = 1,219,867.22.
    let s = sheet("synthea/jijones12__synthea/output/csv/claims_transactions.csv", None);
    let header: Vec<String> = s.row(0).unwrap().cells().map(|c| c.display()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (typ, amount, payments) = (col("TYPE"), col("AMOUNT"), col("PAYMENTS"));
    let money = |c: CellRef<'_>| Money::parse(&c.display()).unwrap().map(|r| r.money).unwrap_or_default();
    let (mut charged, mut paid) = (Money::ZERO, Money::ZERO);
    let mut rows = 0;
    for r in s.rows().skip(1) {
        rows += 1;
        match r.get(typ).display().as_str() {
            "CHARGE" => charged += money(r.get(amount)),
            "PAYMENT" => paid += money(r.get(payments)),
            _ => {}
        }
    }
    assert_eq!(rows, 5567);
    assert_eq!(charged.to_string(), "1219867.22");
    assert_eq!(paid, charged);
}

#[test]
fn x12_files_are_not_mistaken_for_csv_tables() {
    // Until the 835 reader is wired in, an 835 must not silently read as a one-column CSV.
    let bytes = read(&shared("x12-835/LinuxForHealth__x12/managed-care.835"));
    match open(&bytes, "managed-care.835", &Limits::default()) {
        Err(TableError::NotASpreadsheet { .. }) | Err(TableError::Unsupported { .. }) => {}
        Ok(mut wb) => {
            let s = wb.read(None, &mut NoProgress).unwrap();
            assert!(clearbill::columns::detect(&s).is_none(), "an 835 has no header row");
        }
        Err(e) => panic!("{e}"),
    }
}

/// The shared corpus next to the repository (`../shared/data` on the development machines and in
/// CI), or `CLEARBILL_SHARED_DATA`; `None` on a machine that has neither.
fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("CLEARBILL_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    dir.is_dir().then_some(dir)
}

/// The spreadsheets under `root`, except hospital price files (`hpt/`): those are CMS
/// machine-readable files, not practice tables, and the price-file reader's tests read them.
fn spreadsheet_files(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if p.is_dir() {
                // Hospital price files (SPEC §10) are not spreadsheets to reconcile: tests/prices.rs reads them.
                if p.file_name().is_some_and(|n| n == "hpt") {
                    continue;
                }
                stack.push(p);
            } else if ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv"].contains(&ext.as_str()) {
                found.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// Every spreadsheet of the shared corpus, vendored or not, is listed here and in CORPUS.md,
/// reads as listed, and goes through header detection and mapping without a crash.
#[test]
fn every_spreadsheet_of_the_shared_data_is_listed_and_reads() {
    let mut listed: Vec<String> = CORPUS.iter().map(|(p, _)| p.to_string()).collect();
    listed.extend(SYNTHEA.iter().map(|(f, _)| format!("{SYNTHEA_DIR}/{f}")));
    listed.sort();
    let vendored = shared("");
    let mut roots = vec![(vendored.clone(), true)];
    match shared_data() {
        Some(dir) => roots.push((dir, false)),
        None => eprintln!("note: ../shared/data is not here; only the vendored copy was read"),
    }
    for (root, is_vendored) in roots {
        let on_disk = spreadsheet_files(&root);
        if is_vendored {
            let expected: Vec<&String> = listed
                .iter()
                .filter(|p| !p.starts_with(SYNTHEA_DIR) || SYNTHEA.iter().any(|(f, v)| *v && p.ends_with(f)))
                .collect();
            assert_eq!(on_disk.iter().collect::<Vec<_>>(), expected, "vendored copy");
        } else {
            assert_eq!(on_disk, listed, "{}: every spreadsheet has an expectation", root.display());
        }
        for path in &on_disk {
            let bytes = read(&root.join(path));
            let expect = CORPUS.iter().find(|(p, _)| p == path).map(|(_, e)| e);
            match (expect, open(&bytes, path, &Limits::default())) {
                (Some(Expect::Fails(_)), Err(_)) => continue,
                (_, Ok(mut wb)) => {
                    for name in wb.sheet_names().to_vec() {
                        let s = wb
                            .read(Some(&name), &mut NoProgress)
                            .unwrap_or_else(|e| panic!("{path} sheet {name}: {e}"));
                        if path.starts_with(SYNTHEA_DIR) {
                            assert!(s.row_count() > 1 && s.notes.is_empty(), "{path}: {:?}", s.notes);
                        }
                    }
                }
                (_, Err(e)) => panic!("{path}: {e}"),
            }
            // Header detection and mapping: a result or a clear error, never a crash.
            let _ =
                clearbill::records::load(&bytes, path, None, None, None, &Limits::default(), &mut NoProgress);
        }
    }
}

/// CORPUS.md lists the same files with the same outcome as the tables above.
#[test]
fn corpus_md_lists_every_file_as_the_tests_expect() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CORPUS.md")).unwrap();
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_string(), cells[2].to_string())
        })
        .collect();
    let mut expected: Vec<(String, String)> =
        CORPUS.iter().map(|(p, e)| (p.to_string(), e.status().to_string())).collect();
    expected.extend(SYNTHEA.iter().map(|(f, _)| (format!("{SYNTHEA_DIR}/{f}"), "reads fully".to_string())));
    let mut sorted = rows.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    for (path, e) in CORPUS {
        if let Expect::ReadsPartly(_, _, why) = e {
            let row = doc.lines().find(|l| l.contains(&format!("`{path}`"))).unwrap();
            assert!(row.contains(why), "CORPUS.md says why {path} reads partly: {why}");
        }
    }
}
