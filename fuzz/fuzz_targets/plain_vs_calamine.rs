//! The plain xlsx reader (`table::plain_xlsx`) against calamine on arbitrary bytes: wherever the
//! plain reader reads a workbook at all, it must give calamine's sheet names and cells exactly,
//! or the same error; anything unusual it must leave to calamine. A difference is a panic (a
//! crash to libFuzzer), with both readings in the message. Seeds: the test workbooks.
#![no_main]

use clearbill::table::plain_xlsx::against_calamine::compare;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // Only zip files can be xlsx; calamine is not asked about the rest.
    if bytes.starts_with(b"PK\x03\x04") {
        let _ = compare(bytes, "input");
    }
});
