//! One-permutation MinHash with optimal densification.
//!
//! Classic MinHash applies k hash functions to every shingle: k operations per
//! shingle. One-permutation hashing (Li, Owen & Zhang 2012) hashes each
//! shingle once, uses the high bits to pick one of k bins and keeps the
//! minimum per bin: O(n + k). Bins left empty by short documents are filled
//! by optimal densification (Shrivastava 2017): empty bin `j` probes bins
//! `h(j, 1), h(j, 2), ...` (the same sequence for every document) and copies
//! the first non-empty one. The fraction of equal bins between two signatures
//! is then an unbiased estimate of the Jaccard similarity of the sets.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A MinHash signature: one 64-bit value per bin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature(pub Vec<u64>);

impl Signature {
    /// The fraction of equal bins: the Jaccard estimate.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        equal as f64 / self.0.len().max(1) as f64
    }
}

/// Makes signatures of `k` bins; `seed` fixes the densification probes.
#[derive(Clone, Copy, Debug)]
pub struct Sketcher {
    k: usize,
    seed: u64,
}

impl Sketcher {
    /// A sketcher of `k` bins (at least 1).
    pub fn new(k: usize, seed: u64) -> Sketcher {
        Sketcher { k: k.max(1), seed }
    }

    /// The number of bins.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The signature of a set of shingle hashes (hashes must be uniformly
    /// distributed, as xxh3's are), or `None` for an empty set.
    pub fn sign(&self, shingles: &[u64]) -> Option<Signature> {
        if shingles.is_empty() {
            return None;
        }
        const EMPTY: u64 = u64::MAX;
        let mut bins = vec![EMPTY; self.k];
        let mut filled = vec![false; self.k];
        for &h in shingles {
            let bin = ((u128::from(h) * self.k as u128) >> 64) as usize;
            if h <= bins[bin] {
                bins[bin] = h;
                filled[bin] = true;
            }
        }
        let original = bins.clone();
        for j in 0..self.k {
            if filled[j] {
                continue;
            }
            let mut attempt = 1u64;
            loop {
                let mut key = [0u8; 16];
                key[..8].copy_from_slice(&(j as u64).to_le_bytes());
                key[8..].copy_from_slice(&attempt.to_le_bytes());
                let probe = (xxh3_64_with_seed(&key, self.seed) % self.k as u64) as usize;
                if filled[probe] {
                    bins[j] = original[probe];
                    break;
                }
                attempt += 1;
            }
        }
        Some(Signature(bins))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{jaccard, shingle::Tokenizer, shingles};
    use proptest::prelude::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = range.map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes())).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let s = Sketcher::new(128, 1);
        assert_eq!(s.sign(&set(0..50)), s.sign(&set(0..50)));
        assert_eq!(s.sign(&[]), None);
    }

    #[test]
    fn a_single_shingle_fills_every_bin() {
        let sig = Sketcher::new(64, 1).sign(&set(0..1)).unwrap();
        assert!(sig.0.iter().all(|&v| v == sig.0[0]));
    }

    proptest! {
        // MinHash with k bins estimates J with standard deviation
        // sqrt(J(1-J)/k) <= 0.5/sqrt(k); with k = 256 that is <= 0.031, so
        // 0.13 is more than four standard deviations.
        #[test]
        fn estimate_stays_near_exact_jaccard(
            common in 0u64..400, only_a in 0u64..400, only_b in 0u64..400, offset in 0u64..1_000_000,
        ) {
            prop_assume!(common + only_a > 0 && common + only_b > 0);
            let a = set(offset..offset + common + only_a);
            let mut b = set(offset..offset + common);
            b.extend(set(offset + 10_000_000..offset + 10_000_000 + only_b));
            b.sort_unstable();
            let sketcher = Sketcher::new(256, 42);
            let estimate = sketcher.sign(&a).unwrap().similarity(&sketcher.sign(&b).unwrap());
            let exact = jaccard(&a, &b);
            prop_assert!((estimate - exact).abs() < 0.13, "estimate {estimate} exact {exact}");
        }
    }

    #[test]
    fn mean_error_is_small_on_real_text() {
        let base: Vec<String> = (0..300)
            .map(|i| format!("let value_{i} = compute({i}, state);"))
            .collect();
        let mut edited = base.clone();
        for line in edited.iter_mut().step_by(4) {
            line.push_str(" // changed");
        }
        let exact = jaccard(
            &shingles(&base.join("\n"), Tokenizer::Bigcode, 5, 0),
            &shingles(&edited.join("\n"), Tokenizer::Bigcode, 5, 0),
        );
        let mut total = 0.0;
        for seed in 0..20 {
            // The shingle seed changes the hash, and so the permutation.
            let a = shingles(&base.join("\n"), Tokenizer::Bigcode, 5, seed);
            let b = shingles(&edited.join("\n"), Tokenizer::Bigcode, 5, seed);
            let s = Sketcher::new(256, seed);
            total += s.sign(&a).unwrap().similarity(&s.sign(&b).unwrap());
        }
        assert!(
            (total / 20.0 - exact).abs() < 0.03,
            "mean {} exact {exact}",
            total / 20.0
        );
    }
}
