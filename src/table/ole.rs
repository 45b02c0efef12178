//! A structural check of an OLE compound file (xls) before calamine reads it.
//!
//! calamine follows the file's sector chains as the file says, so a damaged or hostile xls can
//! make it loop forever on a chain that points back at itself (eating all memory), index past
//! the end of its sector table, or slice past the end of the file — a panic, which in the page
//! kills the worker. [`check`] walks the same structures calamine reads (header, DIFAT, FAT,
//! directory, mini stream, and the workbook stream), the way calamine reads them, and turns
//! each of those into a "damaged" error instead. Every walk visits a sector at most once, so the
//! check costs one pass over the file's tables and never allocates more than the file's size.
//!
//! [`prepare`] then hands the workbook stream to [`super::biff`], which finds the records that
//! calamine's record parsers would mis-read, and returns the bytes for calamine: the file as it
//! is, or a copy with those records defused in place.

use std::borrow::Cow;

use super::TableError;

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector ids at and above this are markers (free, end of chain, FAT, DIFAT), not sectors.
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream (64-byte sectors).
const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;

/// The bytes calamine should read for this xls file, or why it cannot be read safely.
pub(crate) fn prepare(bytes: &[u8]) -> Result<Cow<'_, [u8]>, TableError> {
    let damaged = |detail| TableError::Corrupt { format: "xls", detail };
    let Some(stream) = workbook_stream(bytes).map_err(damaged)? else { return Ok(Cow::Borrowed(bytes)) };
    let patches = super::biff::defuse(&stream.bytes)?;
    if patches.is_empty() {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut copy = bytes.to_vec();
    for (at, new) in patches {
        for (i, b) in new.into_iter().enumerate() {
            if let Some(slot) = stream.file_offset(at + i).and_then(|o| copy.get_mut(o)) {
                *slot = b;
            }
        }
    }
    Ok(Cow::Owned(copy))
}

/// A stream as calamine reads it, and where each of its pieces lies in the file.
struct Stream {
    bytes: Vec<u8>,
    /// Bytes per piece: the sector size, or 64 for a stream in the mini stream.
    piece: usize,
    /// File offset of each piece; every piece but the last is whole.
    offsets: Vec<usize>,
}

impl Stream {
    fn file_offset(&self, at: usize) -> Option<usize> {
        Some(self.offsets.get(at / self.piece)? + at % self.piece)
    }
}

/// Checks the structures calamine reads and returns the workbook stream; `None` when calamine
/// will refuse the file on its own (too short, not OLE, no workbook stream).
fn workbook_stream(bytes: &[u8]) -> Result<Option<Stream>, String> {
    // calamine reports a short file or a wrong signature or sector size itself.
    if bytes.len() < 512 || &bytes[..8] != SIGNATURE {
        return Ok(None);
    }
    let size = match u16_at(bytes, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(None),
    };
    if bytes.len() < size {
        return Ok(None);
    }
    let file = Sectors { bytes, size };

    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose last entry links on.
    let mut difat: Vec<u32> = u32s(&bytes[76..512]).collect();
    let mut next = u32_at(bytes, 68);
    let mut seen = Seen::new(file.count());
    while next < RESERVED {
        seen.visit(next, "DIFAT")?;
        difat.extend(u32s(file.whole(next, "DIFAT")?));
        next = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for &id in difat.iter().filter(|&&id| id < DIFAT_SECTOR) {
        fat.extend(u32s(file.whole(id, "FAT")?));
    }

    let (directory, _) = file.chain(u32_at(bytes, 48), &fat, u64::MAX, "directory")?;
    let entries: Vec<Entry> =
        directory.chunks_exact(128).map(|e| Entry::read(e, size)).collect::<Result<_, _>>()?;
    let Some(root) = entries.first() else { return Ok(None) };

    let mini_fat_sectors = u64::from(u32_at(bytes, 64));
    let (mini_fat, mini_stream) = if mini_fat_sectors > 0 {
        let stream = file.chain(root.start, &fat, root.len, "mini stream")?;
        let (table, _) = file.chain(u32_at(bytes, 60), &fat, mini_fat_sectors * size as u64, "mini FAT")?;
        if table.len() % 4 != 0 {
            return Err("the mini sector table ends in the middle of an entry".into());
        }
        (u32s(&table).collect(), stream)
    } else {
        (Vec::new(), (Vec::new(), Vec::new()))
    };

    // calamine reads the "Workbook" stream, or "Book" (Excel 5) when there is none.
    let find = |name: &str| entries.iter().find(|e| e.name.eq_ignore_ascii_case(name));
    let Some(stream) = find("Workbook").or_else(|| find("Book")) else { return Ok(None) };
    Ok(Some(if stream.len < MINI_CUTOFF {
        let (mini_bytes, mini_offsets) = &mini_stream;
        let pieces = mini_chain(stream, &mini_fat, mini_bytes)?;
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        for start in pieces {
            let end = mini_bytes.len().min(start + MINI_SECTOR);
            let room = (stream.len as usize).saturating_sub(out.len());
            out.extend_from_slice(&mini_bytes[start..end.min(start + room)]);
            offsets.push(mini_offsets.get(start / size).map_or(usize::MAX, |o| o + start % size));
        }
        Stream { bytes: out, piece: MINI_SECTOR, offsets }
    } else {
        let (bytes, offsets) = file.chain(stream.start, &fat, stream.len, "workbook stream")?;
        Stream { bytes, piece: size, offsets }
    }))
}

/// The file's sectors after the header, numbered from 0 as in its tables.
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl Sectors<'_> {
    /// Sectors that start inside the file (the last may be cut short).
    fn count(&self) -> usize {
        (self.bytes.len() - self.size).div_ceil(self.size)
    }

    /// The bytes of sector `id` that the file holds; `None` when it starts past the end.
    fn get(&self, id: u32) -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.size)?;
        (start < self.bytes.len()).then(|| &self.bytes[start..self.bytes.len().min(start + self.size)])
    }

    /// A table sector must be whole: calamine reads it four bytes at a time.
    fn whole(&self, id: u32, what: &str) -> Result<&[u8], String> {
        match self.get(id) {
            Some(s) if s.len() == self.size => Ok(s),
            _ => Err(format!("a {what} sector ({id}) lies past the end of the file")),
        }
    }

    /// Follows a chain through `fat` until it ends or holds `len` bytes, as calamine does, and
    /// returns what it holds (at most the file's size) and the file offset of each sector.
    fn chain(&self, start: u32, fat: &[u32], len: u64, what: &str) -> Result<(Vec<u8>, Vec<usize>), String> {
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        let mut seen = Seen::new(self.count());
        let mut id = start;
        while id != END_OF_CHAIN {
            seen.visit(id, what)?;
            let sector = self.get(id).ok_or_else(|| format!("the {what} runs past the end of the file"))?;
            let room = usize::try_from(len.saturating_sub(out.len() as u64)).unwrap_or(usize::MAX);
            out.extend_from_slice(&sector[..sector.len().min(room)]);
            offsets.push((id as usize + 1) * self.size);
            if out.len() as u64 >= len {
                break;
            }
            id = *fat.get(id as usize).ok_or_else(|| format!("the {what} leaves the sector table"))?;
        }
        Ok((out, offsets))
    }
}

/// Follows a small stream's chain through the mini FAT: every sector must start inside the mini
/// stream (calamine slices it there) and have an entry in the table. Returns where each of its
/// sectors starts in the mini stream.
fn mini_chain(stream: &Entry, mini_fat: &[u32], mini_stream: &[u8]) -> Result<Vec<usize>, String> {
    let mut seen = Seen::new(mini_stream.len().div_ceil(MINI_SECTOR));
    let (mut id, mut held) = (stream.start, 0u64);
    let mut starts = Vec::new();
    while id != END_OF_CHAIN {
        seen.visit(id, "workbook stream")?;
        let start = id as usize * MINI_SECTOR;
        if start >= mini_stream.len() {
            return Err("the workbook stream runs past the end of the mini stream".into());
        }
        starts.push(start);
        let piece = (mini_stream.len() - start).min(MINI_SECTOR);
        held += piece as u64;
        // calamine would fill the rest of a cut-short sector from elsewhere in the file.
        if piece < MINI_SECTOR && held < stream.len {
            return Err("the workbook stream runs past the end of the mini stream".into());
        }
        if held >= stream.len {
            break;
        }
        id = *mini_fat.get(id as usize).ok_or("the workbook stream leaves the mini sector table")?;
    }
    Ok(starts)
}

/// Sectors already visited on one walk: a second visit means the chain loops.
struct Seen(Vec<bool>);

impl Seen {
    fn new(count: usize) -> Seen {
        Seen(vec![false; count])
    }

    fn visit(&mut self, id: u32, what: &str) -> Result<(), String> {
        match self.0.get_mut(id as usize) {
            Some(slot) if *slot => Err(format!("the {what} chain loops back on itself")),
            Some(slot) => {
                *slot = true;
                Ok(())
            }
            None => Err(format!("the {what} points to sector {id}, past the end of the file")),
        }
    }
}

/// One 128-byte directory entry: a stream's name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

impl Entry {
    fn read(e: &[u8], sector_size: usize) -> Result<Entry, String> {
        let units: Vec<u16> = e[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        let name: String = char::decode_utf16(units.iter().copied().take_while(|&u| u != 0))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        let len = if sector_size == 512 {
            u64::from(u32_at(e, 120))
        } else {
            u64::from(u32_at(e, 120)) | u64::from(u32_at(e, 124)) << 32
        };
        // calamine holds a length in a usize, which is 32 bits in the page.
        if len > u64::from(u32::MAX) {
            return Err(format!("a directory entry claims a stream of {len} bytes"));
        }
        Ok(Entry { name, start: u32_at(e, 116), len })
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> Result<(), String> {
        workbook_stream(bytes).map(|_| ())
    }

    /// A minimal compound file with 512-byte sectors: header, one FAT sector (0), one directory
    /// sector (1) with a root entry and a "Workbook" stream of `stream_len` bytes from sector 2,
    /// then `extra_sectors` more.
    fn compound(fat: &[u32], stream_len: u32, extra_sectors: usize) -> Vec<u8> {
        let mut b = vec![0u8; 512 * (4 + extra_sectors)];
        b[..8].copy_from_slice(SIGNATURE);
        b[26..28].copy_from_slice(&3u16.to_le_bytes());
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[32..34].copy_from_slice(&6u16.to_le_bytes());
        b[44..48].copy_from_slice(&1u32.to_le_bytes());
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        b[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for i in 0..109 {
            let v: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
            b[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
        }
        let fat_at = 512;
        for (i, v) in fat.iter().enumerate() {
            b[fat_at + i * 4..fat_at + i * 4 + 4].copy_from_slice(&v.to_le_bytes());
        }
        let dir = 1024;
        let name = |b: &mut [u8], at: usize, n: &str| {
            for (i, u) in n.encode_utf16().enumerate() {
                b[at + i * 2..at + i * 2 + 2].copy_from_slice(&u.to_le_bytes());
            }
        };
        name(&mut b, dir, "Root Entry");
        b[dir + 116..dir + 120].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        name(&mut b, dir + 128, "Workbook");
        b[dir + 128 + 116..dir + 128 + 120].copy_from_slice(&2u32.to_le_bytes());
        b[dir + 128 + 120..dir + 128 + 124].copy_from_slice(&stream_len.to_le_bytes());
        b
    }

    const FAT_SECTOR: u32 = 0xFFFF_FFFD;

    #[test]
    fn a_well_formed_chain_passes() {
        let fat = [FAT_SECTOR, END_OF_CHAIN, 3, 4, END_OF_CHAIN];
        assert_eq!(check(&compound(&fat, 5000, 2)), Ok(()));
    }

    #[test]
    fn a_stream_chain_that_loops_is_damage_not_an_endless_read() {
        // Sector 3 links back to 2: calamine would append the same two sectors forever.
        let fat = [FAT_SECTOR, END_OF_CHAIN, 3, 2];
        let err = check(&compound(&fat, 0x7FFF_FFFF, 1)).unwrap_err();
        assert!(err.contains("loops back on itself"), "{err}");
    }

    #[test]
    fn a_directory_chain_that_loops_is_damage() {
        let fat = [FAT_SECTOR, 1];
        let err = check(&compound(&fat, 0, 0)).unwrap_err();
        assert!(err.contains("directory chain loops"), "{err}");
    }

    #[test]
    fn a_chain_into_the_sector_just_past_the_end_is_damage() {
        // The file has sectors 0..=2; sector 3 would start exactly at its end.
        let fat = [FAT_SECTOR, END_OF_CHAIN, 3];
        let err = check(&compound(&fat, 5000, 0)).unwrap_err();
        assert!(err.contains("past the end of the file"), "{err}");
    }

    #[test]
    fn a_chain_leaving_the_sector_table_is_damage() {
        // The DIFAT names no FAT sector, so the table is empty and the directory's first sector
        // has no entry saying where its chain goes next (calamine indexed past the table).
        let mut file = compound(&[FAT_SECTOR, END_OF_CHAIN], 5000, 2);
        file[76..80].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        let err = check(&file).unwrap_err();
        assert!(err.contains("leaves the sector table"), "{err}");
    }
}
