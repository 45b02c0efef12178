//! Hostile files that are too big to keep in the repository, made at test time (issue 8 §2).
//! tests/bad_input.rs covers the ones kept as fixtures. Each file ends in a clear error or a
//! partial result that says what was left out, never a crash, within the memory budget checked
//! here (peak RSS of the CLI under `/usr/bin/time`) and the watchdog of `common::cli` (a hang
//! fails the test).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::cli::{clearbill, tempdir, Outcome};
use common::fixture;

/// What the CLI may use on a file it refuses or reads in a few rows: it is itself a few MiB.
const SMALL_BUDGET_KIB: u64 = 64 * 1024;

/// A crash or a panic message is never an acceptable outcome.
fn no_crash(o: &Outcome, what: &str) {
    assert!(matches!(o.status, Some(0) | Some(1)), "{what}: exit {:?}; {}", o.status, o.stderr);
    assert!(!o.stderr.contains("panicked"), "{what}: {}", o.stderr);
}

/// A minimal xlsx package: one worksheet part per entry of `sheets` (name, sheetData XML).
fn xlsx(sheets: &[(String, String)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, body: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let (mut book, mut rels) = (String::new(), String::new());
    for (i, (name, _)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
    }
    types.push_str("</Types>");
    put("[Content_Types].xml", &types);
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{book}</sheets></workbook>"#
        ),
    );
    put(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    for (i, (_, data)) in sheets.iter().enumerate() {
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// An inline-string cell and a number cell, as sheet XML.
fn text_cell(r: &str, t: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

fn number_cell(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}"><v>{v}</v></c>"#)
}

/// A header row and one data row of a charges table, as sheet XML.
fn charges_rows() -> String {
    format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}{}</row>"#,
        text_cell("A1", "Claim #"),
        text_cell("B1", "CPT"),
        text_cell("C1", "Charges"),
        number_cell("A2", "1001"),
        text_cell("B2", "99213"),
        number_cell("C2", "125.5"),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_csv_line_of_100k_columns_keeps_the_first_2048_and_says_so() {
    let dir = tempdir();
    let mut csv = String::from("Claim #,CPT,Charges");
    for i in 4..=100_000 {
        csv.push_str(&format!(",Extra {i}"));
    }
    csv.push_str("\n1001,99213,125.50\n");
    let path = write(&dir, "wide.csv", csv.as_bytes());
    let o = clearbill(&["inspect", path.to_str().unwrap(), "--format", "json"]);
    no_crash(&o, "wide.csv");
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v = o.json();
    assert_eq!(v["columns"].as_array().unwrap().len(), 2048);
    assert_eq!(v["rows"], 1);
    assert_eq!(v["preview"][0]["cells"][2]["value"], "125.50");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("97952 cell(s) beyond column") && notes.contains("the first 2048 columns"),
        "{notes}"
    );
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_truncated_xls_is_damaged_wherever_it_is_cut() {
    let whole = std::fs::read(fixture("practice/charges.xls")).unwrap();
    let dir = tempdir();
    // Cut inside the header, the FAT, the directory, the workbook stream and near the end.
    for cut in [100, 600, 1500, whole.len() / 3, whole.len() / 2, whole.len() - 700, whole.len() - 1] {
        let path = write(&dir, "cut.xls", &whole[..cut]);
        let o = clearbill(&["inspect", path.to_str().unwrap()]);
        no_crash(&o, &format!("cut at {cut}"));
        if o.status == Some(1) {
            assert!(
                o.stderr.contains("cut.xls: the xls file is damaged or incomplete"),
                "cut at {cut}: {}",
                o.stderr
            );
        }
        assert!(o.peak_kib < SMALL_BUDGET_KIB, "cut at {cut}: {} KiB", o.peak_kib);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_xls_whose_sector_chain_loops_is_damaged_not_an_endless_read() {
    // Found by the table fuzz target: calamine followed the loop until memory ran out.
    let path = fixture("bad/ole_chain_loop.xls");
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "ole_chain_loop.xls");
    assert_eq!(o.status, Some(1));
    assert!(
        o.stderr.contains("damaged or incomplete (the directory chain loops back on itself)"),
        "{}",
        o.stderr
    );
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
}

#[test]
fn an_xls_formula_longer_than_its_record_is_damage_not_a_crash() {
    // Found by the table fuzz target: calamine sliced a formula's tokens past the record's end.
    let path = fixture("bad/xls_formula_overrun.xls");
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "xls_formula_overrun.xls");
    assert_eq!(o.status, Some(1));
    assert!(
        o.stderr.contains("xls_formula_overrun.xls: the xls file is damaged or incomplete"),
        "{}",
        o.stderr
    );
}

#[test]
fn an_xlsb_that_trips_its_reader_is_damage_not_a_crash() {
    // Found by the table fuzz target: calamine's xlsb reader sliced a sheet's relationship id
    // past its record. The native build catches such panics (table::workbook::guarded).
    let path = fixture("bad/xlsb_bad_relationship.xlsb");
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "xlsb_bad_relationship.xlsb");
    assert_eq!(o.status, Some(1));
    assert_eq!(
        o.stderr.trim(),
        "clearbill: xlsb_bad_relationship.xlsb: the xlsb file is damaged or incomplete \
         (a record could not be read; the reader stopped)"
    );
}

#[test]
fn an_xls_declaring_four_billion_rows_reserves_nothing() {
    // The xls twin of the stray XFD1048576 cell: calamine reserved memory for the cells the
    // Dimensions record declares (rows × columns) before reading any. Here the last row says
    // 4,294,967,295 in the practice charges file.
    let mut bytes = std::fs::read(fixture("practice/charges.xls")).unwrap();
    let at = bytes.windows(4).position(|w| w == [0x00, 0x02, 0x0E, 0x00]).expect("a Dimensions record") + 4;
    bytes[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let dir = tempdir();
    let path = write(&dir, "huge_dimensions.xls", &bytes);
    let o = clearbill(&["inspect", path.to_str().unwrap(), "--format", "json"]);
    no_crash(&o, "huge_dimensions.xls");
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let csv = clearbill(&["inspect", fixture("practice/charges.csv").to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.json()["rows"], csv.json()["rows"], "every row is read as from the CSV");
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn one_stray_cell_at_iv65536_of_an_xls_is_refused_before_it_costs_a_gigabyte() {
    // calamine holds an xls sheet as a dense block from its first cell to its last: the practice
    // charges file with one number moved to IV65536 took 1 GB before this was refused.
    let mut bytes = std::fs::read(fixture("practice/charges.xls")).unwrap();
    let rk = bytes.windows(4).rposition(|w| w == [0x7E, 0x02, 0x0A, 0x00]).expect("an RK cell") + 4;
    bytes[rk..rk + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]); // row 65536, column IV
    let dir = tempdir();
    let path = write(&dir, "stray.xls", &bytes);
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "stray.xls");
    assert_eq!(o.status, Some(1));
    assert!(
        o.stderr.contains("stray.xls: sheet \"Charge Detail\" spans 65536 rows × 256 columns")
            && o.stderr.contains("save the file as .xlsx"),
        "{}",
        o.stderr
    );
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_xls_cell_right_of_column_iv_is_skipped() {
    // Found by the table fuzz target: a cell at column 65,535 made calamine's dense block
    // gigabytes wide. The format ends at column IV, so such a cell is not read.
    let path = fixture("bad/xls_cell_past_column_iv.xls");
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "xls_cell_past_column_iv.xls");
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
}

/// A minimal ods package whose one table is `rows` (table:table-row elements).
fn ods(rows: &str) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    write!(zip, r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Charges">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#).unwrap();
    zip.finish().unwrap().into_inner()
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| match c.parse::<f64>() {
            Ok(_) => format!(r#"<table:table-cell office:value-type="float" office:value="{c}"><text:p>{c}</text:p></table:table-cell>"#),
            Err(_) => format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#),
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

#[test]
fn one_stray_cell_far_down_an_ods_is_refused_before_it_costs_gigabytes() {
    // calamine expands the million repeated empty rows above the stray cell: 6 GB before this.
    let table = format!(
        "{}{}{}{}",
        ods_row(&["Claim #", "CPT", "Charges"]),
        ods_row(&["1001", "99213", "125.5"]),
        r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="3"/></table:table-row>"#,
        r#"<table:table-row><table:table-cell table:number-columns-repeated="90"/><table:table-cell office:value-type="string"><text:p>stray</text:p></table:table-cell></table:table-row>"#,
    );
    let dir = tempdir();
    let path = write(&dir, "stray.ods", &ods(&table));
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "stray.ods");
    assert_eq!(o.status, Some(1));
    assert!(
        o.stderr.contains("stray.ods: sheet \"Charges\" spans 1048003 rows × 91 columns"),
        "{}",
        o.stderr
    );
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    // The same table without the stray cell reads.
    let path = write(&dir, "fine.ods", &ods(&table[..table.rfind("<table:table-row>").unwrap()]));
    let o = clearbill(&["inspect", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    assert_eq!(o.json()["rows"], 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_ods_space_run_of_four_billion_is_refused() {
    // <text:s text:c="N"/> is N spaces; calamine would build the string.
    let table = format!(
        "{}{}",
        ods_row(&["Claim #", "CPT", "Charges"]),
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#,
    );
    let dir = tempdir();
    let path = write(&dir, "spaces.ods", &ods(&table));
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    no_crash(&o, "spaces.ods");
    assert_eq!(o.status, Some(1));
    assert!(o.stderr.contains("spaces.ods: the sheet holds more than"), "{}", o.stderr);
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn deeply_nested_xml_is_read_without_recursion() {
    // A million nested elements in the sheet after the table, and in a cell of it.
    let depth = 1_000_000;
    let nest =
        |tag: &str| format!("{}{}", format!("<{tag}>").repeat(depth), format!("</{tag}>").repeat(depth));
    let dir = tempdir();
    let after = format!("{}<extLst>{}</extLst>", charges_rows(), nest("ext"));
    let inside = charges_rows().replace("<v>125.5</v>", &format!("<v>125.5</v>{}", nest("x")));
    for (name, data) in [("after.xlsx", after), ("inside.xlsx", inside)] {
        let path = write(&dir, name, &xlsx(&[("Charges".into(), data)]));
        let o = clearbill(&["inspect", path.to_str().unwrap(), "--format", "json"]);
        no_crash(&o, name);
        if o.status == Some(0) {
            let v = o.json();
            assert_eq!(v["preview"][0]["cells"][0]["text"], "1001", "{name}");
        } else {
            assert!(o.stderr.contains("damaged or incomplete"), "{name}: {}", o.stderr);
        }
        assert!(o.peak_kib < SMALL_BUDGET_KIB, "{name}: {} KiB", o.peak_kib);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn five_thousand_sheets_are_listed_and_the_table_is_found() {
    let mut sheets: Vec<(String, String)> =
        (1..5000).map(|i| (format!("Empty {i}"), String::new())).collect();
    sheets.push(("Charges".into(), charges_rows()));
    let dir = tempdir();
    let path = write(&dir, "many.xlsx", &xlsx(&sheets));
    let o = clearbill(&["inspect", path.to_str().unwrap(), "--format", "json"]);
    no_crash(&o, "many.xlsx");
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v = o.json();
    assert_eq!(v["sheets"].as_array().unwrap().len(), 5000);
    assert_eq!(v["sheet"], "Charges", "the first sheet with a header row");
    assert_eq!(v["rows"], 1);
    assert!(o.peak_kib < 2 * SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn formula_cells_with_cached_errors_reject_their_row_and_name_the_error() {
    use rust_xlsxwriter::{Formula, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Claim #", "Patient", "DOS", "CPT", "Charges", "Ins Paid"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let row = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, claim: &str| {
        sheet.write_string(r, 0, claim).unwrap();
        sheet.write_string(r, 1, "Lee, Ann").unwrap();
        sheet.write_string(r, 2, "2026-03-02").unwrap();
        sheet.write_string(r, 3, "99213").unwrap();
    };
    row(sheet, 1, "A1");
    sheet.write_number(1, 4, 125.5).unwrap();
    sheet.write_number(1, 5, 80.0).unwrap();
    row(sheet, 2, "A2");
    sheet.write_formula(2, 4, Formula::new("VLOOKUP(D3,Fees!A:B,2,FALSE)").set_result("#N/A")).unwrap();
    row(sheet, 3, "A3");
    sheet.write_number(3, 4, 90.0).unwrap();
    sheet.write_formula(3, 5, Formula::new("#REF!+1").set_result("#REF!")).unwrap();
    let dir = tempdir();
    let path = write(&dir, "errors.xlsx", &book.save_to_buffer().unwrap());
    let o = clearbill(&["reconcile", "--charges", path.to_str().unwrap(), "--as-of", "2026-06-30"]);
    no_crash(&o, "errors.xlsx");
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v = o.json();
    assert_eq!(v["lines"].as_array().unwrap().len(), 1, "only the row without an error is a line");
    assert_eq!(v["lines"][0]["billed"], "125.50");
    let rejected = v["rejected"].as_array().unwrap();
    let reason = |row: u64| {
        let r =
            rejected.iter().find(|r| r["row"] == row).unwrap_or_else(|| panic!("row {row} in {rejected:?}"));
        (r["column"].as_str().unwrap().to_string(), r["reason"].as_str().unwrap().to_string())
    };
    let (column, why) = reason(3);
    assert_eq!(column, "E");
    assert!(why.contains("#N/A"), "{why}");
    let (column, why) = reason(4);
    assert_eq!(column, "F");
    assert!(why.contains("#REF!"), "{why}");
    // The real files with cached errors read too (their values: tests/real_files.rs).
    for f in ["tafia__calamine/tests/errors.xlsx", "jmcnamara__XlsxWriter/xlsx_files/formula_results01.xlsx"]
    {
        let path = common::shared(&format!("spreadsheets/{f}"));
        let o = clearbill(&["inspect", path.to_str().unwrap()]);
        no_crash(&o, f);
        assert!(o.peak_kib < SMALL_BUDGET_KIB, "{f}: {} KiB", o.peak_kib);
    }
    std::fs::remove_dir_all(&dir).ok();
}
