//! The 837 claim reader and the 999/277CA acknowledgment reader on arbitrary bytes.
//!
//! Checks, besides "never panics": the charge rows made from an 837 are exactly its standing
//! claims' service lines, and their billed amounts add up to the lines' charges. The file given
//! twice, as two 837 files settled together, keeps every claim read exactly once: standing or
//! withdrawn.
#![no_main]

use clearbill::money::Money;
use clearbill::x12;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = x12::is_837(data);
    if let Ok(acks) = x12::parse_acks(data) {
        let _ = x12::acks_summary_text(&acks);
        for c in &acks.claims {
            let _ = c.reason();
        }
    }
    if let Ok(sent) = x12::parse_837_as_sent(data) {
        let read = sent.claims.len();
        let mut files = vec![("a.837".to_string(), sent.clone()), ("b.837".to_string(), sent)];
        x12::claims::settle_files(&mut files);
        let kept: usize = files.iter().map(|(_, b)| b.claims.len() + b.withdrawn.len()).sum();
        assert_eq!(kept, 2 * read, "every claim of both files stands or is withdrawn, once");
    }
    let Ok(batch) = x12::parse_837(data) else { return };
    let rows = clearbill::records::records_of_837(&batch, "batch.837");
    assert_eq!(rows.rows.len(), batch.line_count(), "one charge row per service line");
    let billed: Money = rows.rows.iter().map(|r| r.billed).sum();
    let lines: Money = batch.claims.iter().map(|c| c.line_total()).sum();
    assert_eq!(billed, lines, "Σ billed over the rows = Σ SV102/SV203");
    let _ = x12::claims_summary_text(&batch);
    let _ = serde_json::to_string(&batch);
});
