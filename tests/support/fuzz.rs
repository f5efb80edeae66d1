//! What every fuzz test file shares, included with `#[path]` by each (they
//! live in several crates): the case budget and a byte mutator.
#![allow(dead_code)]

use proptest::prelude::ProptestConfig;
use proptest::sample::Index;

/// `default_cases` cases on the same inputs every run (the suite: CI cannot
/// fail by chance), unless `PROPTEST_CASES` is set (`scripts/fuzz.sh`: a
/// larger budget and fresh random inputs each time).
pub fn cases(default_cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig {
            cases: default_cases,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x00c0_ffee),
            ..ProptestConfig::default()
        }
    }
}

/// `bytes` with bytes XORed at some positions, then maybe cut.
pub fn flip(mut bytes: Vec<u8>, flips: &[(Index, u8)], cut: Option<Index>) -> Vec<u8> {
    for (at, mask) in flips {
        if bytes.is_empty() {
            break;
        }
        let at = at.index(bytes.len());
        bytes[at] ^= mask;
    }
    if let Some(cut) = cut {
        bytes.truncate(cut.index(bytes.len() + 1));
    }
    bytes
}
