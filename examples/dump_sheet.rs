//! Prints every stored cell of a sheet with its row number and type: a quick
//! way to see what the reader makes of a file.
//!
//!     cargo run --example dump_sheet -- FILE [SHEET]

use clearbill::progress::NoProgress;
use clearbill::table::{open, CellRef, Limits};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: dump_sheet FILE [SHEET]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut wb = match open(&bytes, path, &Limits::default()) {
        Ok(wb) => wb,
        Err(e) => {
            println!("error: {e}");
            return;
        }
    };
    println!("format {:?}, sheets {:?}", wb.format(), wb.sheet_names());
    let sheet = match wb.read(args.get(1).map(String::as_str), &mut NoProgress) {
        Ok(s) => s,
        Err(e) => {
            println!("error: {e}");
            return;
        }
    };
    println!("sheet {:?}, 1904: {}, notes: {:?}", sheet.name, sheet.is_1904, sheet.notes);
    for row in sheet.rows().take(std::env::var("ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(40)) {
        let cells: Vec<String> = row
            .cells()
            .enumerate()
            .filter(|(_, c)| !matches!(c, CellRef::Empty))
            .map(|(i, c)| format!("{}={:?}", clearbill::table::column_letter(i), c))
            .collect();
        println!("{:>5}: {}", row.number, cells.join("  "));
    }
}
