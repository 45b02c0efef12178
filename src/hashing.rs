//! A fast hash for the maps that group, match and intern rows.
//!
//! std's default SipHash is built to resist hash flooding by network peers;
//! here the keys are cells of the user's own files, and a profile of a
//! 200,000-row reconciliation showed SipHash among its top costs. This is the
//! multiply-and-add word hash that rustc uses for its own tables (FxHash),
//! finished with a folded 128-bit multiply so that the low bits, which pick a
//! bucket, depend on every input word. (In wasm, std's SipHash has fixed keys
//! anyway, so nothing is lost there.)

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildFast>;
/// A `HashSet` with [`FastHasher`].
pub type FastSet<K> = HashSet<K, BuildFast>;

/// Builds [`FastHasher`]s; every map starts from the same state.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildFast;

impl BuildHasher for BuildFast {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

/// The word hash; see the module documentation.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

/// An odd constant with well-spread bits (the one rustc-hash 2 uses).
const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = self.0.wrapping_add(word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        let product = u128::from(self.0) * u128::from(SEED.rotate_left(17));
        (product as u64) ^ ((product >> 64) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        let mut h = BuildFast.build_hasher();
        h.write(bytes);
        h.finish()
    }

    #[test]
    fn every_byte_and_the_length_change_the_hash() {
        assert_ne!(hash(b"claim 1"), hash(b"claim 2"));
        assert_ne!(hash(b"abcdefgh1"), hash(b"abcdefgh2"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
        assert_eq!(hash(b"99213"), hash(b"99213"));
    }

    #[test]
    fn maps_find_what_they_hold() {
        let mut m: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            m.insert(format!("{i:08}"), i);
        }
        assert!((0..10_000).all(|i| m.get(format!("{i:08}").as_str()) == Some(&i)));
    }
}
