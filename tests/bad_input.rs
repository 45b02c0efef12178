//! Bad and hostile input (SPEC §2, §6): each file ends in a clear error or a
//! partial result with a note, within a memory budget, and never a crash.
//! The CLI runs in a child process under `/usr/bin/time` so its peak memory
//! is measured; a watchdog kills it if it hangs.

mod common;

use std::path::Path;

use common::cli::{clearbill, tempdir};
use common::fixture;

fn bad(name: &str) -> String {
    fixture(&format!("bad/{name}")).display().to_string()
}

/// Memory a refused or small file may use: the CLI itself is a few MiB.
const SMALL_BUDGET_KIB: u64 = 64 * 1024;

fn assert_error(file: &str, contains: &str) {
    let o = clearbill(&["inspect", &bad(file)]);
    assert_eq!(o.status, Some(1), "{file}: {}", o.stdout);
    assert!(o.stderr.contains(file), "the message names the file: {}", o.stderr);
    assert!(o.stderr.contains(contains), "{file}: {}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{file}: {}", o.stderr);
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{file}: {} KiB", o.peak_kib);
}

#[test]
fn a_pdf_named_xlsx_is_recognised() {
    assert_error("pdf_renamed.xlsx", "this is a PDF document, not a spreadsheet");
}

#[test]
fn a_truncated_xlsx_is_damaged() {
    assert_error("truncated.xlsx", "damaged or incomplete");
}

#[test]
fn an_empty_file_says_so() {
    assert_error("empty.csv", "the file is empty");
    assert_error("empty.xlsx", "the file is empty");
}

#[test]
fn a_zip_bomb_is_refused_before_inflating() {
    assert_error("zip_bomb.xlsx", "looks like a zip bomb");
}

#[test]
fn a_file_without_a_header_says_what_was_expected() {
    assert_error("shopping_list.csv", "no header row in the first 30 rows");
    assert_error("shopping_list.xlsx", "expected column names such as Claim #");
}

#[test]
fn one_stray_cell_at_xfd1048576_costs_nothing() {
    let o = clearbill(&["inspect", &bad("stray_cell_xfd1048576.xlsx"), "--format", "json"]);
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["columns"].as_array().unwrap().len(), 3);
    assert!(v["notes"][0].as_str().unwrap().contains("XFD1048576"), "{}", v["notes"]);
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB", o.peak_kib);
}

#[test]
fn a_bad_shared_string_spoils_one_cell_not_the_sheet() {
    let o = clearbill(&["inspect", &bad("shared_string_out_of_range.xlsx"), "--format", "json"]);
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let note = v["notes"][0].as_str().unwrap();
    assert!(note.contains("just after cell A2") && note.contains("the rest of the sheet was read"), "{note}");
    assert_eq!(v["preview"][0]["cells"][2]["value"], "152.50", "the row's other cells are read");
}

#[test]
fn invalid_utf8_in_a_name_garbles_only_that_name() {
    let o = clearbill(&["inspect", &bad("invalid_utf8_name.csv"), "--format", "json"]);
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["preview"][0]["cells"][1]["text"], "José Muñoz");
    assert!(v["preview"][1]["cells"][1]["text"].as_str().unwrap().contains('\u{FFFD}'));
    assert!(v["notes"][0].as_str().unwrap().contains("line 3"), "{}", v["notes"]);
}

#[test]
fn nul_bytes_and_lone_cr_line_ends_still_read() {
    let o = clearbill(&["inspect", &bad("nul_and_cr.csv"), "--format", "json"]);
    assert_eq!(o.status, Some(0), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["rows"].as_u64().unwrap() >= 2);
    assert!(
        v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("NUL")),
        "{}",
        v["notes"]
    );
}

#[test]
fn a_one_mib_cell_is_read_whole() {
    for f in ["huge_cell_1mib.csv", "huge_cell_1mib.xlsx"] {
        let o = clearbill(&["inspect", &bad(f), "--format", "json"]);
        assert_eq!(o.status, Some(0), "{f}: {}", o.stderr);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let notes = v["preview"][0]["cells"][4]["text"].as_str().unwrap();
        assert!(notes.len() >= 1024 * 1024, "{f}: {}", notes.len());
        assert!(o.peak_kib < SMALL_BUDGET_KIB, "{f}: {} KiB", o.peak_kib);
    }
}

#[test]
fn a_file_over_the_size_cap_is_refused_without_reading_it() {
    let dir = tempdir();
    let path = dir.join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(300 * 1024 * 1024).unwrap(); // sparse: 300 MiB on paper, nothing on disk
    let o = clearbill(&["inspect", path.to_str().unwrap()]);
    assert_eq!(o.status, Some(1));
    assert!(o.stderr.contains("over the 268435456-byte limit"), "{}", o.stderr);
    assert!(o.peak_kib < SMALL_BUDGET_KIB, "{} KiB: the file was read", o.peak_kib);
    std::fs::remove_dir_all(&dir).ok();
    assert!(!Path::new(&path).exists());
}
