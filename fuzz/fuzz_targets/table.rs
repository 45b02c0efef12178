//! The table reader on arbitrary bytes: csv and tsv text, and the zip (xlsx, xlsm, ods, xlsb)
//! and OLE (xls) formats, each sniffed from the bytes. Small limits keep each run fast; every
//! sheet is read and every cell looked at.
//!
//! The first byte picks the file name (which only breaks a comma/tab tie and names the table).
#![no_main]

use clearbill::progress::NoProgress;
use clearbill::table::{self, Limits};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = ["a.csv", "a.tsv", "a.xlsx", "a.xls", "a.ods", "a.xlsb", "a.txt", "a"];

fn limits() -> Limits {
    Limits {
        max_file_bytes: 1 << 20,
        max_part_bytes: 8 << 20,
        max_inflated_bytes: 16 << 20,
        ratio_check_from_bytes: 256 << 10,
        max_compression_ratio: 200,
        max_columns: 64,
        max_text_bytes: 4 << 20,
    }
}

/// The reader catches panics of calamine's xlsb reader (`table::workbook::guarded`); libFuzzer's
/// panic hook would abort on them before they are caught. Every other panic still reaches
/// libFuzzer and is a crash.
fn let_the_xlsb_guard_catch() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/src/xlsb/")) {
                libfuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_the_xlsb_guard_catch();
    let Some((&pick, bytes)) = data.split_first() else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let limits = limits();
    let Ok(mut workbook) = table::open(bytes, name, &limits) else { return };
    let names = workbook.sheet_names().to_vec();
    for sheet_name in names.iter().take(8) {
        let Ok(sheet) = workbook.read(Some(sheet_name), &mut NoProgress) else { continue };
        assert!(sheet.width() <= limits.max_columns, "{} columns", sheet.width());
        let mut last = 0;
        for row in sheet.rows() {
            assert!(row.number > last, "row numbers go down: {} after {last}", row.number);
            last = row.number;
            for cell in row.cells() {
                let _ = cell.display();
            }
        }
    }
});
