use proptest::prelude::*;

use super::*;
use crate::{Sketcher, Tokenizer, jaccard, shingles};

/// Builds the input for a list of texts given as documents (same string =
/// same text) and runs deduplication with the given rank.
fn run(docs: &[&str], rank: &[u32], threshold: f64) -> Outcome {
    run_mode(docs, rank, threshold, ClusterMode::Connected)
}

fn run_mode(docs: &[&str], rank: &[u32], threshold: f64, mode: ClusterMode) -> Outcome {
    run_anchored(docs, rank, threshold, mode, &[], &|_| Vec::new())
}

/// [`run_mode`] with texts anchored outside (`anchors`, one per text), whose
/// external documents' shingles `external` gives.
fn run_anchored(
    docs: &[&str],
    rank: &[u32],
    threshold: f64,
    mode: ClusterMode,
    anchors: &[Option<Anchor>],
    external: &(dyn Fn(u32) -> Vec<u64> + Sync),
) -> Outcome {
    let mut texts: Vec<&str> = Vec::new();
    let text_of: Vec<u32> = docs
        .iter()
        .map(|d| match texts.iter().position(|t| t == d) {
            Some(i) => i as u32,
            None => {
                texts.push(d);
                (texts.len() - 1) as u32
            }
        })
        .collect();
    let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingles(t, Tokenizer::Bigcode, 3, 1)).collect();
    let bands = BandParams::for_recall(threshold, 64, crate::DEFAULT_RECALL_TARGET)
        .expect("64 values reach the default target");
    let sketcher = Sketcher::new(64, 1);
    let band_keys: Vec<Option<Box<[u64]>>> = sets
        .iter()
        .map(|s| sketcher.sign(s).map(|sig| bands.keys(&sig).into_boxed_slice()))
        .collect();
    let read = |t: u32| sets[t as usize].clone();
    let count = |t: u32| sets[t as usize].len();
    let source = BandsInMemory {
        keys: &band_keys,
        params: bands,
    };
    let input = DedupInput {
        text_of: &text_of,
        rank,
        n_texts: band_keys.len(),
        bands: &source,
        shingles: &read,
        shingle_count: &count,
        threshold,
        mode,
        anchors,
        anchor_shingles: external,
    };
    deduplicate(&input)
}

/// The three chain texts with text 0 and 1 anchored to one external
/// document whose content is text 0's.
fn anchored_chain(mode: ClusterMode) -> Outcome {
    let [a, b, c] = chain();
    let sets: Vec<Vec<u64>> = [&a, &b, &c]
        .iter()
        .map(|t| shingles(t, Tokenizer::Bigcode, 3, 1))
        .collect();
    let anchors = [
        Some(Anchor { id: 0, jaccard: None }),
        Some(Anchor {
            id: 0,
            jaccard: Some(jaccard(&sets[1], &sets[0])),
        }),
        None,
    ];
    run_anchored(&[&a, &b, &c], &[0, 1, 2], 0.7, mode, &anchors, &|_| sets[0].clone())
}

#[test]
fn anchored_texts_go_to_their_external_document_and_never_keep_others() {
    // Connected: the chain is one cluster, all of it removed in favour of
    // the external document; the far end's Jaccard is computed against it.
    let connected = anchored_chain(ClusterMode::Connected);
    assert_eq!(
        connected.decisions[0],
        Decision::Anchored {
            anchor: 0,
            jaccard: None
        }
    );
    assert!(matches!(connected.decisions[1], Decision::Anchored { anchor: 0, jaccard: Some(j) } if j >= 0.7));
    assert!(matches!(connected.decisions[2], Decision::Anchored { anchor: 0, jaccard: Some(j) } if j < 0.6));
    assert_eq!(connected.stats.anchored_documents, 3);
    assert_eq!(connected.stats.clusters, 0);
    // Star: an anchored text is never a centre, so the far end, within the
    // threshold of nothing kept, stays.
    let star = anchored_chain(ClusterMode::Star);
    assert_eq!(
        star.decisions[0],
        Decision::Anchored {
            anchor: 0,
            jaccard: None
        }
    );
    assert!(matches!(
        star.decisions[1],
        Decision::Anchored {
            anchor: 0,
            jaccard: Some(_)
        }
    ));
    assert_eq!(star.decisions[2], Decision::Kept { cluster_size: 1 });
}

fn words(seed: usize, n: usize) -> String {
    (0..n)
        .map(|i| format!("w{}", (i * 7919 + seed * 104_729) % 100_003))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn exact_and_near_copies_cluster_and_the_lowest_rank_is_kept() {
    let a = words(1, 200);
    let near = format!("{a} extra tail words");
    let other = words(2, 200);
    let docs = [a.as_str(), other.as_str(), a.as_str(), near.as_str()];
    let out = run(&docs, &[3, 0, 1, 2], 0.7);
    assert_eq!(out.decisions[1], Decision::Kept { cluster_size: 1 });
    assert_eq!(out.decisions[2], Decision::Kept { cluster_size: 3 });
    assert_eq!(out.decisions[0], Decision::Removed { kept: 2, jaccard: None });
    match out.decisions[3] {
        Decision::Removed {
            kept: 2,
            jaccard: Some(j),
        } => assert!(j > 0.9 && j < 1.0),
        other => panic!("{other:?}"),
    }
    assert_eq!(out.stats.clusters, 1);
    assert_eq!(out.stats.largest_cluster, 3);
}

#[test]
fn dissimilar_texts_are_never_joined() {
    let texts: Vec<String> = (0..30).map(|i| words(i, 100)).collect();
    let docs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let rank: Vec<u32> = (0..30).collect();
    let out = run(&docs, &rank, 0.7);
    assert!(
        out.decisions
            .iter()
            .all(|d| matches!(d, Decision::Kept { cluster_size: 1 }))
    );
}

#[test]
fn large_buckets_still_link_every_copy() {
    let base = words(9, 300);
    let texts: Vec<String> = (0..40).map(|i| format!("{base} variant{i}")).collect();
    let docs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let rank: Vec<u32> = (0..40).rev().collect();
    let out = run(&docs, &rank, 0.7);
    assert_eq!(out.decisions[39], Decision::Kept { cluster_size: 40 });
    assert_eq!(
        out.decisions
            .iter()
            .filter(|d| matches!(d, Decision::Removed { kept: 39, .. }))
            .count(),
        39
    );
}

/// A = 200 words; B = A with its last 30 words changed; C = B with the 30
/// before those changed: A~B and B~C at 0.7, but A and C far apart.
fn chain() -> [String; 3] {
    let words: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
    let mut b = words.clone();
    (170..200).for_each(|i| b[i] = format!("b{i}"));
    let mut c = b.clone();
    (140..170).for_each(|i| c[i] = format!("c{i}"));
    [words.join(" "), b.join(" "), c.join(" ")]
}

#[test]
fn chains_join_in_connected_mode_and_split_in_star_mode() {
    let [a, b, c] = chain();
    let j = |x: &str, y: &str| {
        jaccard(
            &shingles(x, Tokenizer::Bigcode, 3, 1),
            &shingles(y, Tokenizer::Bigcode, 3, 1),
        )
    };
    assert!(
        j(&a, &b) >= 0.7 && j(&b, &c) >= 0.7 && j(&a, &c) < 0.6,
        "{} {} {}",
        j(&a, &b),
        j(&b, &c),
        j(&a, &c)
    );
    let docs = [a.as_str(), b.as_str(), c.as_str()];

    let connected = run_mode(&docs, &[0, 1, 2], 0.7, ClusterMode::Connected);
    assert_eq!(connected.decisions[0], Decision::Kept { cluster_size: 3 });
    match connected.decisions[2] {
        Decision::Removed {
            kept: 0,
            jaccard: Some(j),
        } => assert!(j < 0.6),
        other => panic!("{other:?}"),
    }
    let report = &connected.stats.largest[0];
    assert_eq!((report.kept, report.documents, report.texts), (0, 3, 3));
    assert!(report.min_jaccard.unwrap() < 0.6);

    let star = run_mode(&docs, &[0, 1, 2], 0.7, ClusterMode::Star);
    assert_eq!(star.decisions[0], Decision::Kept { cluster_size: 2 });
    assert!(matches!(star.decisions[1], Decision::Removed { kept: 0, jaccard: Some(j) } if j >= 0.7));
    assert_eq!(star.decisions[2], Decision::Kept { cluster_size: 1 });
}

proptest! {
    // In star mode every removed document is an exact copy of, or within the
    // threshold of, the document kept for it.
    #[test]
    fn star_mode_keeps_every_removal_within_the_threshold(seed in 0usize..500, n in 2usize..20) {
        let [a, b, c] = chain();
        let bases = [a, b, c, words(seed, 200)];
        let texts: Vec<String> = (0..n).map(|i| format!("{} t{}", bases[(i * 7 + seed) % 4], i % 2)).collect();
        let docs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let rank: Vec<u32> = (0..n as u32).map(|i| (i * 5 + seed as u32) % n as u32).collect();
        prop_assume!({ let mut r = rank.clone(); r.sort(); r.dedup(); r.len() == n });
        let out = run_mode(&docs, &rank, 0.7, ClusterMode::Star);
        for decision in &out.decisions {
            if let Decision::Removed { kept, jaccard } = decision {
                let kept_is_kept = matches!(out.decisions[*kept as usize], Decision::Kept { .. });
                prop_assert!(kept_is_kept);
                prop_assert!(jaccard.is_none_or(|j| j >= 0.7), "{jaccard:?}");
            }
        }
    }

    // The decision does not depend on the order documents are given in, and
    // nothing is removed in favour of itself or of a removed document.
    #[test]
    fn decisions_are_invariant_under_order(perm_seed in 0u64..1000, n in 2usize..24) {
        let bases: Vec<String> = (0..4).map(|i| words(i, 120)).collect();
        let texts: Vec<String> = (0..n).map(|i| format!("{} tail{}", bases[i % 4], i % 3)).collect();
        let rank: Vec<u32> = (0..n as u32).map(|i| (i * 7 + 3) % n as u32).collect();
        prop_assume!({ let mut r = rank.clone(); r.sort(); r.dedup(); r.len() == n });
        let docs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let out = run(&docs, &rank, 0.7);
        for (doc, decision) in out.decisions.iter().enumerate() {
            if let Decision::Removed { kept, .. } = decision {
                prop_assert_ne!(*kept as usize, doc);
                let kept_is_kept = matches!(out.decisions[*kept as usize], Decision::Kept { .. });
                prop_assert!(kept_is_kept);
            }
        }
        // Shuffle the documents (and their ranks) and compare by identity.
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = perm_seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled_docs: Vec<&str> = order.iter().map(|&i| docs[i]).collect();
        let shuffled_rank: Vec<u32> = order.iter().map(|&i| rank[i]).collect();
        let shuffled = run(&shuffled_docs, &shuffled_rank, 0.7);
        for (pos, &orig) in order.iter().enumerate() {
            let a = out.decisions[orig];
            let b = shuffled.decisions[pos];
            match (a, b) {
                (Decision::Kept { cluster_size: x }, Decision::Kept { cluster_size: y }) => prop_assert_eq!(x, y),
                (Decision::Removed { kept: ka, jaccard: ja }, Decision::Removed { kept: kb, jaccard: jb }) => {
                    prop_assert_eq!(ka as usize, order[kb as usize]);
                    prop_assert_eq!(ja, jb);
                }
                _ => prop_assert!(false, "decisions differ for doc {orig}: {a:?} vs {b:?}"),
            }
        }
    }
}
