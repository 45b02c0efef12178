//! The hash of the maps that group, match and intern rows.
//!
//! Their keys are cells of the user's files: claim numbers, codes, names. A
//! profile of a 200,000-row reconciliation showed std's SipHash among its top
//! costs, so these maps use foldhash (the hash hashbrown itself uses by
//! default), which is several times faster on short keys. A file can be
//! hostile, though: with a fixed, public hash, claim numbers crafted to
//! collide would make grouping quadratic and freeze the page. So the hash is
//! seeded once per process from a random value nobody writing the file can
//! know: natively from the operating system (through std's `RandomState`), in
//! the browser from the random seed the wasm binding passes to [`seed_with`]
//! when the module starts (the core does not call the browser itself).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use foldhash::fast::{FoldHasher, SeedableRandomState};
use foldhash::SharedSeed;

/// A `HashMap` with the seeded fast hash.
pub type FastMap<K, V> = HashMap<K, V, BuildFast>;
/// A `HashSet` with the seeded fast hash.
pub type FastSet<K> = HashSet<K, BuildFast>;

/// The process's seed, set on first use (or by [`seed_with`] before it).
static SEED: OnceLock<(u64, SharedSeed)> = OnceLock::new();

/// Seeds every map of this process with `entropy`, if no map has been made
/// yet; returns whether it did. The wasm binding calls it at start with a
/// random value from the browser, where std has no source of randomness.
pub fn seed_with(entropy: u64) -> bool {
    SEED.set(seed_from(entropy)).is_ok()
}

fn seed_from(entropy: u64) -> (u64, SharedSeed) {
    (entropy, SharedSeed::from_u64(entropy.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15))
}

fn seed() -> &'static (u64, SharedSeed) {
    // std's RandomState draws its keys from the operating system (on
    // wasm32-unknown-unknown it has none, hence `seed_with`).
    SEED.get_or_init(|| seed_from(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64)))
}

/// Builds hashers with the process's seed.
#[derive(Clone, Debug)]
pub struct BuildFast(SeedableRandomState);

impl Default for BuildFast {
    fn default() -> BuildFast {
        let (per_hasher, shared) = seed();
        BuildFast(SeedableRandomState::with_seed(*per_hasher, shared))
    }
}

impl BuildHasher for BuildFast {
    type Hasher = FastHasher;
    #[inline]
    fn build_hasher(&self) -> FastHasher {
        FastHasher(self.0.build_hasher())
    }
}

/// foldhash's fast hasher, seeded for the process.
#[derive(Clone)]
pub struct FastHasher(FoldHasher<'static>);

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes)
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0.write_u8(i)
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.0.write_u32(i)
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0.write_u64(i)
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0.write_usize(i)
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        BuildFast::default().hash_one(bytes)
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

    #[test]
    fn the_seed_is_set_once_for_the_process() {
        let before = hash(b"claim 1");
        assert!(!seed_with(42), "maps were made already, so the seed stays");
        assert_eq!(hash(b"claim 1"), before);
    }

    #[test]
    fn different_seeds_hash_differently() {
        // `with_seed` needs a 'static shared seed: leak the two test seeds.
        let a: &'static (u64, SharedSeed) = Box::leak(Box::new(seed_from(1)));
        let b: &'static (u64, SharedSeed) = Box::leak(Box::new(seed_from(2)));
        let h = |s: &'static (u64, SharedSeed)| SeedableRandomState::with_seed(s.0, &s.1);
        assert_ne!(h(a).hash_one("00100001"), h(b).hash_one("00100001"));
    }
}
