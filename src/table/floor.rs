//! The least work any xlsx reader must do: inflate the worksheet XML (and the
//! shared strings it points into) and split it into XML tokens, with no cell
//! handling at all. The benchmarks (`make bench`) time it in the same wasm
//! build as the real reader, so that reading cost can be told apart from the
//! cost of inflate and XML that no reader avoids.

use std::io::{BufReader, Cursor, Read};

use super::TableError;

/// What the floor read: bytes inflated and XML events seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloorCount {
    pub inflated_bytes: u64,
    pub events: u64,
}

/// Inflates and tokenises the first worksheet and the shared strings of an
/// xlsx package.
pub fn xlsx_floor(bytes: &[u8]) -> Result<FloorCount, TableError> {
    let corrupt = |e: &dyn std::fmt::Display| TableError::Corrupt { format: "xlsx", detail: e.to_string() };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    let mut count = FloorCount::default();
    for part in ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"] {
        let Ok(file) = archive.by_name(part) else { continue };
        let mut counted = Counted { inner: file, bytes: 0 };
        let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, &mut counted));
        let mut buf = Vec::with_capacity(1024);
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => count.events += 1,
                Err(e) => return Err(corrupt(&e)),
            }
            buf.clear();
        }
        count.inflated_bytes += counted.bytes;
    }
    Ok(count)
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_reads_a_real_workbook_and_refuses_other_bytes() {
        let bytes = std::fs::read("tests/fixtures/practice/charges.xlsx").unwrap();
        let count = xlsx_floor(&bytes).unwrap();
        assert!(count.events > 1000 && count.inflated_bytes > 10_000, "{count:?}");
        assert!(xlsx_floor(b"Claim,Paid\n1,2\n").is_err());
    }
}
