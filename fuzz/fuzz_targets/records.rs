//! Reading a file as the reconciliation does: find the header, map the columns, read the rows as
//! charges, payments and a fee schedule (the same bytes every way).
//!
//! Checks, besides "never panics": every non-empty row below the header ends up in exactly one
//! place (accepted, rejected or set aside as a footer total), so no row is lost silently.
#![no_main]

use clearbill::progress::NoProgress;
use clearbill::records::{self, Records};
use clearbill::table::Limits;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["charges.csv", "payments.tsv", "remit.xlsx", "fees.xls"];

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

fn accounted<T>(table: &records::Table, records: &Records<T>) {
    let below_header =
        table.sheet.rows().filter(|r| r.number > table.layout.header_row && !r.is_empty()).count();
    let placed = records.rows.len() + records.rejected.len() + records.skipped.len();
    assert_eq!(placed, below_header, "rows lost or counted twice");
    for r in &records.rejected {
        assert!(!r.reason.is_empty(), "row {} rejected without a reason", r.row);
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
    let Ok(table) = records::load(bytes, name, None, None, None, &limits(), &mut NoProgress) else { return };
    let _ = table.columns();
    let single = pick & 0x80 == 0;
    if let Ok(r) = records::keep_rows(|each| records::read_charges(&table, single, &mut NoProgress, each)) {
        accounted(&table, &r);
    }
    if let Ok(r) = records::keep_rows(|each| records::read_payments(&table, &mut NoProgress, each)) {
        accounted(&table, &r);
    }
    if let Ok(r) = records::keep_rows(|each| records::read_fees(&table, &mut NoProgress, each)) {
        accounted(&table, &r);
    }
    let _ = clearbill::inspect::inspect(bytes, name, None, None, None, &limits());
});
