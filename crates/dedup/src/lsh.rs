//! LSH banding: `b` bands of `r` rows; two signatures are candidates when all
//! rows of at least one band agree, which happens with probability
//! `1 - (1 - s^r)^b` at similarity `s`.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::Signature;

/// Weights of the false-positive and false-negative areas when choosing
/// bands. Candidates are verified exactly, so a false positive costs only a
/// verification while a false negative is a missed duplicate: lean to recall.
const FALSE_POSITIVE_WEIGHT: f64 = 0.05;
const FALSE_NEGATIVE_WEIGHT: f64 = 0.95;

/// The banding of a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

impl BandParams {
    /// The banding of at most `k` values that minimises the weighted area
    /// under the S-curve below `threshold` (false positives) plus the area
    /// above it left out (false negatives).
    pub fn optimal(threshold: f64, k: usize) -> BandParams {
        let mut best = (
            f64::INFINITY,
            BandParams {
                bands: 1,
                rows: k.max(1),
            },
        );
        for bands in 1..=k {
            for rows in 1..=k / bands {
                let params = BandParams { bands, rows };
                let fp = integrate(|s| params.probability(s), 0.0, threshold);
                let fn_ = integrate(|s| 1.0 - params.probability(s), threshold, 1.0);
                let cost = FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_;
                if cost < best.0 - 1e-12 {
                    best = (cost, params);
                }
            }
        }
        best.1
    }

    /// The probability that two documents of Jaccard `s` become candidates.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// One key per band for a signature.
    pub fn keys(&self, signature: &Signature) -> Vec<u64> {
        (0..self.bands)
            .map(|band| {
                let values = &signature.0[band * self.rows..(band + 1) * self.rows];
                let mut bytes = Vec::with_capacity(values.len() * 8);
                for v in values {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                xxh3_64_with_seed(&bytes, band as u64)
            })
            .collect()
    }

    /// The S-curve sampled at similarities 0.0, 0.05, ..., 1.0, for the manifest.
    pub fn curve(&self) -> Vec<(f64, f64)> {
        (0..=20)
            .map(|i| i as f64 / 20.0)
            .map(|s| (s, self.probability(s)))
            .collect()
    }
}

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (b - a) / STEPS as f64;
    (0..STEPS).map(|i| f(a + (i as f64 + 0.5) * h) * h).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_banding_leans_to_recall() {
        let params = BandParams::optimal(0.7, 256);
        assert!(params.bands * params.rows <= 256);
        assert!(params.probability(0.7) > 0.9, "{params:?}");
        assert!(params.probability(0.3) < 0.05, "{params:?}");
    }

    proptest! {
        #[test]
        fn probability_is_monotone_and_bounded(bands in 1usize..64, rows in 1usize..16, s in 0.0f64..1.0) {
            let p = BandParams { bands, rows };
            let (lo, hi) = (p.probability(s), p.probability((s + 0.05).min(1.0)));
            prop_assert!((0.0..=1.0).contains(&lo));
            prop_assert!(lo <= hi + 1e-12);
            prop_assert!((p.probability(1.0) - 1.0).abs() < 1e-12);
            prop_assert!(p.probability(0.0).abs() < 1e-12);
        }

        // The formula is the probability that at least one of b bands of r
        // independent rows all agree; check it against a simulation.
        #[test]
        fn probability_matches_simulation(bands in 1usize..8, rows in 1usize..6, s in 0.1f64..0.95) {
            let p = BandParams { bands, rows };
            let mut state = 0x9E3779B97F4A7C15u64 ^ (bands * 31 + rows) as u64;
            let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 11) as f64 / (1u64 << 53) as f64 };
            let trials = 4000;
            let hits = (0..trials).filter(|_| (0..bands).any(|_| (0..rows).all(|_| next() < s))).count();
            let simulated = hits as f64 / trials as f64;
            prop_assert!((simulated - p.probability(s)).abs() < 0.05, "sim {simulated} formula {}", p.probability(s));
        }
    }
}
