//! Exact similarity join: every pair of sets with Jaccard >= t, without
//! MinHash. The ground truth that near deduplication is measured against.
//!
//! All-Pairs (Bayardo, Ma & Srikant 2007) with the prefix filter of PPJoin
//! (Xiao et al. 2008): elements are renamed by ascending global frequency, so
//! each set's rarest elements come first. Two sets with Jaccard >= t must
//! share an element among the first `|x| - ceil(t * |x|) + 1` of each (the
//! prefix), so only prefixes are indexed and probed; a length filter drops
//! partners smaller than `t * |x|`; each surviving candidate is verified by a
//! full merge of the two sets.

use std::collections::HashMap;

use rayon::prelude::*;

/// Every pair `(a, b, jaccard)`, `a < b`, of `sets` (each sorted and
/// distinct) with Jaccard at least `threshold`; empty sets never pair.
/// Sorted by `(a, b)`.
pub fn similar_pairs(sets: &[Vec<u64>], threshold: f64) -> Vec<(u32, u32, f64)> {
    let ranked = rank_by_frequency(sets);
    // Process sets by size, then index, so every partner of x that is
    // indexed before x is no larger than x.
    let mut order: Vec<u32> = (0..sets.len() as u32)
        .filter(|&i| !ranked[i as usize].is_empty())
        .collect();
    order.sort_by_key(|&i| (ranked[i as usize].len(), i));
    let mut position = vec![u32::MAX; sets.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i as usize] = pos as u32;
    }
    let mut index: HashMap<u32, Vec<u32>> = HashMap::new();
    for &i in &order {
        for &element in prefix(&ranked[i as usize], threshold) {
            index.entry(element).or_default().push(i);
        }
    }
    let mut pairs: Vec<(u32, u32, f64)> = order
        .par_iter()
        .flat_map_iter(|&x| {
            let set_x = &ranked[x as usize];
            let min_len = (threshold * set_x.len() as f64 - 1e-9).ceil() as usize;
            let mut candidates: Vec<u32> = prefix(set_x, threshold)
                .iter()
                .filter_map(|e| index.get(e))
                .flatten()
                .copied()
                .filter(|&y| position[y as usize] < position[x as usize] && ranked[y as usize].len() >= min_len)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates
                .into_iter()
                .filter_map(|y| {
                    let j = crate::jaccard_u32(set_x, &ranked[y as usize]);
                    (j >= threshold).then(|| (x.min(y), x.max(y), j))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    pairs.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    pairs
}

/// The prefix of a frequency-ranked set that any partner at `threshold`
/// must share an element with.
fn prefix(set: &[u32], threshold: f64) -> &[u32] {
    let keep = (threshold * set.len() as f64 - 1e-9).ceil() as usize;
    &set[..(set.len() + 1).saturating_sub(keep).min(set.len())]
}

/// Renames every element to its rank in ascending global frequency (ties by
/// value), each set sorted by rank.
fn rank_by_frequency(sets: &[Vec<u64>]) -> Vec<Vec<u32>> {
    let mut counts: HashMap<u64, u32> = HashMap::new();
    for set in sets {
        for &e in set {
            *counts.entry(e).or_default() += 1;
        }
    }
    let mut elements: Vec<(u32, u64)> = counts.into_iter().map(|(e, n)| (n, e)).collect();
    elements.par_sort_unstable();
    let rank: HashMap<u64, u32> = elements.iter().enumerate().map(|(r, &(_, e))| (e, r as u32)).collect();
    sets.par_iter()
        .map(|set| {
            let mut ranked: Vec<u32> = set.iter().map(|e| rank[e]).collect();
            ranked.sort_unstable();
            ranked
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jaccard;
    use proptest::prelude::*;

    fn brute_force(sets: &[Vec<u64>], t: f64) -> Vec<(u32, u32, f64)> {
        let mut out = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                if sets[a].is_empty() || sets[b].is_empty() {
                    continue;
                }
                let j = jaccard(&sets[a], &sets[b]);
                if j >= t {
                    out.push((a as u32, b as u32, j));
                }
            }
        }
        out
    }

    proptest! {
        #[test]
        fn join_equals_brute_force(
            raw in proptest::collection::vec(proptest::collection::btree_set(0u64..60, 0..25), 0..40),
            t in prop::sample::select(vec![0.3, 0.5, 0.7, 0.85, 1.0]),
        ) {
            let sets: Vec<Vec<u64>> = raw.into_iter().map(|s| s.into_iter().collect()).collect();
            prop_assert_eq!(similar_pairs(&sets, t), brute_force(&sets, t));
        }
    }

    #[test]
    fn prefixes_are_the_classic_length() {
        let set: Vec<u32> = (0..10).collect();
        assert_eq!(prefix(&set, 0.7).len(), 4);
        assert_eq!(prefix(&set, 1.0).len(), 1);
        assert_eq!(prefix(&set[..1], 0.7).len(), 1);
    }
}
