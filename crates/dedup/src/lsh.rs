//! LSH banding: `b` bands of `r` rows; two signatures are candidates when all
//! rows of at least one band agree, which happens with probability
//! `1 - (1 - s^r)^b` at similarity `s`.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::Signature;

/// The default recall target: the chance that a pair at exactly the
/// threshold becomes a candidate. Candidates are verified by exact Jaccard,
/// so a false positive costs one verification and never precision; only a
/// missed pair changes the output.
pub const DEFAULT_RECALL_TARGET: f64 = 0.999;

/// The banding of a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

impl BandParams {
    /// The banding of at most `k` signature values for verified
    /// candidates: among every `b x r <= k` under which a pair at exactly
    /// `threshold` becomes a candidate with probability at least
    /// `recall_target`, the one with the least area under the S-curve below
    /// the threshold (the fewest pairs to verify that cannot pass), and of
    /// equal areas the fewest bands. For each `r` only the smallest `b`
    /// reaching the target can win: more bands only add candidates.
    ///
    /// `None` when no banding of `k` values reaches the target; then
    /// [`best_recall`](Self::best_recall) says what `k` allows.
    pub fn for_recall(threshold: f64, k: usize, recall_target: f64) -> Option<BandParams> {
        let miss = 1.0 - recall_target;
        let mut best: Option<(f64, BandParams)> = None;
        for rows in 1..=k {
            let at_threshold = threshold.powi(rows as i32);
            let bands = if at_threshold >= 1.0 {
                1
            } else {
                // (1 - t^r)^b <= miss  <=>  b >= ln(miss) / ln(1 - t^r).
                let needed = (miss.ln() / (1.0 - at_threshold).ln()).ceil();
                if !needed.is_finite() || needed > k as f64 {
                    continue;
                }
                (needed as usize).max(1)
            };
            let mut params = BandParams { bands, rows };
            // Rounding in the closed form: check the target itself.
            while params.probability(threshold) < recall_target && (params.bands + 1) * rows <= k {
                params.bands += 1;
            }
            if params.bands * rows > k || params.probability(threshold) < recall_target {
                continue;
            }
            let bands = params.bands;
            let area = integrate(|s| params.probability(s), 0.0, threshold);
            if best.is_none_or(|(a, b)| area < a - 1e-12 || (area <= a + 1e-12 && bands < b.bands)) {
                best = Some((area, params));
            }
        }
        best.map(|(_, params)| params)
    }

    /// The highest probability, over every banding of at most `k` values,
    /// that a pair at exactly `threshold` becomes a candidate: what
    /// [`for_recall`](Self::for_recall) can promise at most.
    pub fn best_recall(threshold: f64, k: usize) -> f64 {
        (1..=k)
            .map(|rows| BandParams { bands: k / rows, rows }.probability(threshold))
            .fold(0.0, f64::max)
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
    fn the_default_target_misses_at_most_one_pair_in_a_thousand_at_the_threshold() {
        // Worked out by hand: at t = 0.7 no r >= 6 fits 256 values (r = 6
        // needs b = 56), r = 5 needs b = 38; at t = 0.85, r = 9 needs b = 27
        // and r = 10 would need b = 32.
        assert_eq!(
            BandParams::for_recall(0.7, 256, DEFAULT_RECALL_TARGET),
            Some(BandParams { bands: 38, rows: 5 })
        );
        assert_eq!(
            BandParams::for_recall(0.85, 256, DEFAULT_RECALL_TARGET),
            Some(BandParams { bands: 27, rows: 9 })
        );
        let params = BandParams::for_recall(0.7, 256, DEFAULT_RECALL_TARGET).unwrap();
        assert!(params.probability(0.3) < 0.1, "{params:?}");
    }

    #[test]
    fn an_unreachable_target_is_refused_and_the_best_is_said() {
        // At t = 0.5 eight values give at most 1 - 0.5^8 (8 bands of 1 row).
        assert_eq!(BandParams::for_recall(0.5, 8, 0.999), None);
        assert_eq!(BandParams::best_recall(0.5, 8), 1.0 - 0.5f64.powi(8));
        assert_eq!(
            BandParams::for_recall(1.0, 8, 0.999),
            Some(BandParams { bands: 1, rows: 8 })
        );
    }

    proptest! {
        #[test]
        fn the_chosen_banding_meets_its_target_within_k(
            t in 0.05f64..1.0, k in 8usize..512, target in 0.5f64..0.99999,
        ) {
            match BandParams::for_recall(t, k, target) {
                Some(p) => {
                    prop_assert!(p.bands * p.rows <= k);
                    prop_assert!(p.probability(t) >= target);
                    // One band fewer misses the target (else it would win).
                    if p.bands > 1 {
                        let fewer = BandParams { bands: p.bands - 1, rows: p.rows };
                        prop_assert!(fewer.probability(t) < target);
                    }
                }
                None => prop_assert!(BandParams::best_recall(t, k) < target),
            }
        }

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
