//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod recompute;

use std::path::PathBuf;

/// A file of the vendored third-party corpus (`tests/data/shared`, see its README).
pub fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shared").join(path)
}

/// A file of our own fixtures (`tests/fixtures`).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

pub fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
