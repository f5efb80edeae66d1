//! Candidate pairs from LSH buckets, exact verification, clusters and the
//! keep decision.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{BandParams, UnionFind, jaccard};

/// Buckets up to this size are verified pair by pair; larger ones (boiler-
/// plate shared by thousands of files) as a star from their first member plus
/// a chain through consecutive members, which links a bucket of mutual
/// near-copies with O(m) instead of O(m²) verifications.
const ALL_PAIRS_BUCKET: usize = 16;

/// What deduplication needs to know about the documents.
///
/// Documents are `0..rank.len()`; texts (distinct contents) are
/// `0..band_keys.len()`. Documents with the same text are exact copies.
pub struct DedupInput<'a> {
    /// The text of each document.
    pub text_of: &'a [u32],
    /// Each document's place in the keep order: the lowest rank of a
    /// cluster is kept. Must be a permutation (a total order).
    pub rank: &'a [u32],
    /// Number of texts (texts are `0..n_texts`).
    pub n_texts: usize,
    /// The LSH band keys of the texts.
    pub bands: &'a dyn BandSource,
    /// Reads the sorted shingle set of a text, for verification.
    pub shingles: &'a (dyn Fn(u32) -> Vec<u64> + Sync),
    /// The size of a text's shingle set, without reading it: a pair whose
    /// smaller set is under `threshold` times the larger cannot reach the
    /// threshold (Jaccard <= min/max), so it is dropped before the sets are
    /// read. The filter is exact: it never drops a pair that would verify.
    pub shingle_count: &'a (dyn Fn(u32) -> usize + Sync),
    /// Minimum verified Jaccard for two texts to be near duplicates.
    pub threshold: f64,
    /// How verified pairs become clusters.
    pub mode: ClusterMode,
    /// Texts that duplicate a document outside this input (a kept document
    /// of a published dataset this run builds on), one entry per text, or
    /// empty when there are none. See [`Anchor`].
    pub anchors: &'a [Option<Anchor>],
    /// Reads the shingle set of an external document (an [`Anchor::id`]),
    /// for the Jaccard of texts joined to it through others.
    pub anchor_shingles: &'a (dyn Fn(u32) -> Vec<u64> + Sync),
}

/// A text's duplicate outside this input: a kept document of a published
/// dataset that is never removed. Every document of an anchored text is
/// removed in its favour; in `connected` mode so is every document of the
/// text's cluster, in `star` mode the text is never a centre.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// The external document, numbered by the caller.
    pub id: u32,
    /// `None` for the same content, else the exact Jaccard of the text's
    /// shingles to the external document's.
    pub jaccard: Option<f64>,
}

/// An external document that texts duplicate: which source it is in (the
/// caller's numbering) and its document id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct External {
    /// The source (a base dataset), numbered by the caller.
    pub source: u16,
    /// The document's id there.
    pub id: [u8; 16],
}

/// How verified near-duplicate pairs become clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterMode {
    /// Connected components of verified pairs. Chains can join texts that
    /// are far apart (A~B~C with A, C unlike): the ledger's `jaccard` shows
    /// each removed text's similarity to the kept one, and the manifest the
    /// largest clusters with their lowest.
    Connected,
    /// Stars: texts in keep order each join the most similar earlier centre
    /// they have a verified pair with, or become a centre. Every removed
    /// document is then within the threshold of the one kept for it.
    Star,
}

impl ClusterMode {
    /// The name used in configs and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterMode::Connected => "connected",
            ClusterMode::Star => "star",
        }
    }
}

impl std::fmt::Debug for ClusterInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterInput")
            .field("docs", &self.rank.len())
            .field("texts", &self.n_texts)
            .finish()
    }
}

impl std::fmt::Debug for DedupInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupInput")
            .field("docs", &self.rank.len())
            .field("texts", &self.n_texts)
            .finish()
    }
}

/// What happens to one document.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Decision {
    /// Kept; `cluster_size` counts the documents of its cluster, itself
    /// included (1 when alone).
    Kept {
        /// Documents in the cluster.
        cluster_size: u32,
    },
    /// Removed in favour of an external document ([`Anchor`]): `anchor`
    /// indexes [`Outcome::external`].
    Anchored {
        /// The external document.
        anchor: u32,
        /// `None` for an exact copy of it, else the exact Jaccard of the
        /// text's shingles to it.
        jaccard: Option<f64>,
    },
    /// Removed in favour of document `kept`.
    Removed {
        /// The kept document of the cluster.
        kept: u32,
        /// `None` for an exact copy of the kept text, else the exact Jaccard
        /// similarity of its shingles to the kept text's.
        jaccard: Option<f64>,
    },
}

/// Counts from one deduplication, for the manifest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DedupStats {
    /// Distinct texts.
    pub texts: u64,
    /// Texts with enough tokens to be signed.
    pub signed_texts: u64,
    /// Distinct candidate pairs from LSH buckets.
    pub candidate_pairs: u64,
    /// Candidate pairs dropped by the length filter (set sizes too far
    /// apart to reach the threshold), without reading their sets.
    #[serde(default)]
    pub length_filtered_pairs: u64,
    /// Candidate pairs whose exact Jaccard reached the threshold.
    pub verified_pairs: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Documents in the largest cluster.
    pub largest_cluster: u64,
    /// The largest clusters, largest first.
    pub largest: Vec<ClusterReport>,
    /// Documents removed in favour of an external document.
    #[serde(default)]
    pub anchored_documents: u64,
    /// Texts identical to an external document (set by the caller that
    /// matched them).
    #[serde(default)]
    pub external_exact_texts: u64,
    /// Candidate (text, external document) pairs the caller verified.
    #[serde(default)]
    pub external_candidate_pairs: u64,
    /// Of those, pairs at or above the threshold.
    #[serde(default)]
    pub external_verified_pairs: u64,
}

/// One cluster, for the over-merge report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClusterReport {
    /// The kept document.
    pub kept: u32,
    /// Documents in the cluster.
    pub documents: u64,
    /// Distinct texts in the cluster.
    pub texts: u64,
    /// The lowest Jaccard of a removed text to the kept text (`None` when
    /// every member is an exact copy).
    pub min_jaccard: Option<f64>,
}

/// Clusters listed in [`DedupStats::largest`].
const LARGEST_REPORTED: usize = 10;

/// The decisions, one per document, and the counts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    /// One decision per document.
    pub decisions: Vec<Decision>,
    /// The external documents [`Decision::Anchored`] names, set by the
    /// caller that numbered them (empty without anchors).
    #[serde(default)]
    pub external: Vec<External>,
    /// What was found.
    pub stats: DedupStats,
    /// How long the steps took, for the run summary: never written to the
    /// manifest (it would differ from run to run) nor stored.
    #[serde(skip)]
    pub seconds: DedupSeconds,
}

/// Wall seconds of the steps of [`deduplicate`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DedupSeconds {
    /// Collecting distinct candidate pairs from the LSH buckets.
    pub candidates: f64,
    /// The length filter and the exact Jaccard of each remaining pair.
    pub verify: f64,
    /// Clusters, keep decisions and the over-merge report.
    pub cluster: f64,
}

/// What clustering needs besides the verified pairs: [`DedupInput`]
/// without the band keys and set sizes, which only finding and verifying
/// the pairs reads.
pub struct ClusterInput<'a> {
    /// The text of each document.
    pub text_of: &'a [u32],
    /// Each document's place in the keep order (a permutation).
    pub rank: &'a [u32],
    /// Number of texts (texts are `0..n_texts`).
    pub n_texts: usize,
    /// Reads the sorted shingle set of a text, for each removed text's
    /// Jaccard to its kept one.
    pub shingles: &'a (dyn Fn(u32) -> Vec<u64> + Sync),
    /// How verified pairs become clusters.
    pub mode: ClusterMode,
    /// Texts that duplicate a document outside this input (see [`Anchor`]),
    /// one entry per text, or empty.
    pub anchors: &'a [Option<Anchor>],
    /// Reads the shingle set of an external document.
    pub anchor_shingles: &'a (dyn Fn(u32) -> Vec<u64> + Sync),
}

/// The verified near-duplicate pairs of texts, however they were found
/// (in memory by [`deduplicate`], or by partitioned bucketing and
/// verification tasks), with the counts the manifest reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verified {
    /// `(a, b, jaccard)` with `a < b`, sorted, each pair once.
    pub edges: Vec<Edge>,
    /// Distinct candidate pairs from LSH buckets.
    pub candidate_pairs: u64,
    /// Candidate pairs the length filter dropped.
    pub length_filtered_pairs: u64,
    /// Texts with band keys.
    pub signed_texts: u64,
}

/// Deduplicates: exact copies share a text; texts are joined by verified
/// near-duplicate pairs; each cluster keeps its lowest-ranked document. The
/// result depends only on the input, not on thread count or scheduling.
pub fn deduplicate(input: &DedupInput<'_>) -> Outcome {
    let started = std::time::Instant::now();
    let candidates = candidate_pairs(input.bands);
    let candidates_done = started.elapsed().as_secs_f64();
    let (edges, length_filtered) = verify(input, &candidates);
    let verify_done = started.elapsed().as_secs_f64();
    let clustering = ClusterInput {
        text_of: input.text_of,
        rank: input.rank,
        n_texts: input.n_texts,
        shingles: input.shingles,
        mode: input.mode,
        anchors: input.anchors,
        anchor_shingles: input.anchor_shingles,
    };
    let verified = Verified {
        edges,
        candidate_pairs: candidates.len() as u64,
        length_filtered_pairs: length_filtered,
        signed_texts: input.bands.signed_texts(),
    };
    let mut outcome = cluster_verified(&clustering, verified);
    outcome.seconds = DedupSeconds {
        candidates: candidates_done,
        verify: verify_done - candidates_done,
        cluster: outcome.seconds.cluster,
    };
    outcome
}

/// Clusters texts joined by `verified` pairs (exact copies share a text)
/// and keeps each cluster's lowest-ranked document. The result depends only
/// on the input and the set of pairs, not on their order.
pub fn cluster_verified(input: &ClusterInput<'_>, verified: Verified) -> Outcome {
    let n_texts = input.n_texts;
    let started = std::time::Instant::now();
    let Verified {
        mut edges,
        candidate_pairs,
        length_filtered_pairs,
        signed_texts,
    } = verified;
    // Star clusters take partners in this order: it must not depend on
    // where the pairs came from.
    edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
    // The best (lowest) rank of any document of each text.
    let mut text_rank = vec![u32::MAX; n_texts];
    for (doc, &text) in input.text_of.iter().enumerate() {
        text_rank[text as usize] = text_rank[text as usize].min(input.rank[doc]);
    }
    let anchor_of = |text: usize| input.anchors.get(text).copied().flatten();
    let group = match input.mode {
        ClusterMode::Connected => connected_groups(n_texts, &edges),
        ClusterMode::Star => {
            let blocked: Vec<bool> = (0..n_texts).map(|t| anchor_of(t).is_some()).collect();
            star_groups(&text_rank, &edges, &blocked)
        }
    };
    // The external document each text goes to: its own anchor in star
    // mode; in connected mode the lowest-numbered anchor of its group.
    let mut group_anchor: Vec<Option<u32>> = vec![None; n_texts];
    if input.mode == ClusterMode::Connected {
        for text in 0..n_texts {
            if let Some(a) = anchor_of(text) {
                let g = &mut group_anchor[group[text] as usize];
                *g = Some(g.map_or(a.id, |id| id.min(a.id)));
            }
        }
    }
    let anchored: Vec<Option<u32>> = (0..n_texts)
        .map(|t| match input.mode {
            ClusterMode::Connected => group_anchor[group[t] as usize],
            ClusterMode::Star => anchor_of(t).map(|a| a.id),
        })
        .collect();

    // The kept document of each group, and the group sizes.
    let mut best = vec![u32::MAX; n_texts];
    let mut size = vec![0u32; n_texts];
    for (doc, &text) in input.text_of.iter().enumerate() {
        if anchored[text as usize].is_some() {
            continue;
        }
        let g = group[text as usize] as usize;
        size[g] += 1;
        if best[g] == u32::MAX || input.rank[doc] < input.rank[best[g] as usize] {
            best[g] = doc as u32;
        }
    }
    let kept_text = |text: u32| input.text_of[best[group[text as usize] as usize] as usize];
    let text_jaccard: Vec<Option<f64>> = (0..n_texts as u32)
        .into_par_iter()
        .map(|text| {
            if let Some(anchor) = anchored[text as usize] {
                return match anchor_of(text as usize) {
                    Some(own) if own.id == anchor => own.jaccard,
                    _ => Some(jaccard(&(input.shingles)(text), &(input.anchor_shingles)(anchor))),
                };
            }
            let used = best[group[text as usize] as usize] != u32::MAX;
            let kept = if used { kept_text(text) } else { text };
            (kept != text).then(|| jaccard(&(input.shingles)(text), &(input.shingles)(kept)))
        })
        .collect();
    let decisions = input
        .text_of
        .iter()
        .enumerate()
        .map(|(doc, &text)| {
            if let Some(anchor) = anchored[text as usize] {
                return Decision::Anchored {
                    anchor,
                    jaccard: text_jaccard[text as usize],
                };
            }
            let g = group[text as usize] as usize;
            if best[g] == doc as u32 {
                Decision::Kept { cluster_size: size[g] }
            } else {
                Decision::Removed {
                    kept: best[g],
                    jaccard: text_jaccard[text as usize],
                }
            }
        })
        .collect::<Vec<_>>();
    let anchored_documents = decisions
        .iter()
        .filter(|d| matches!(d, Decision::Anchored { .. }))
        .count() as u64;
    let stats = DedupStats {
        texts: n_texts as u64,
        signed_texts,
        candidate_pairs,
        length_filtered_pairs,
        verified_pairs: edges.len() as u64,
        clusters: size.iter().filter(|&&s| s >= 2).count() as u64,
        largest_cluster: size.iter().copied().max().unwrap_or(0) as u64,
        largest: largest_clusters(input, &group, &best, &size, &text_jaccard),
        anchored_documents,
        ..DedupStats::default()
    };
    let seconds = DedupSeconds {
        cluster: started.elapsed().as_secs_f64(),
        ..DedupSeconds::default()
    };
    Outcome {
        decisions,
        external: Vec::new(),
        stats,
        seconds,
    }
}

/// Connected components of the verified pairs; a text's group is its root.
fn connected_groups(n_texts: usize, edges: &[(u32, u32, f64)]) -> Vec<u32> {
    let mut sets = UnionFind::new(n_texts);
    for &(a, b, _) in edges {
        sets.union(a, b);
    }
    (0..n_texts as u32).map(|t| sets.find(t)).collect()
}

/// Star clusters: in keep order, each text joins the most similar centre
/// among its verified partners seen before it, or becomes a centre. A
/// `blocked` text (anchored outside) is never a centre.
fn star_groups(text_rank: &[u32], edges: &[(u32, u32, f64)], blocked: &[bool]) -> Vec<u32> {
    let n_texts = text_rank.len();
    let mut partners: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_texts];
    for &(a, b, j) in edges {
        partners[a as usize].push((b, j));
        partners[b as usize].push((a, j));
    }
    let mut order: Vec<u32> = (0..n_texts as u32).collect();
    order.sort_by_key(|&t| (text_rank[t as usize], t));
    let mut centre = vec![u32::MAX; n_texts];
    for &text in &order {
        let best = partners[text as usize]
            .iter()
            .filter(|(p, _)| centre[*p as usize] == *p && !blocked[*p as usize])
            .max_by(|x, y| {
                x.1.total_cmp(&y.1)
                    .then(text_rank[y.0 as usize].cmp(&text_rank[x.0 as usize]))
            });
        centre[text as usize] = best.map_or(text, |&(p, _)| p);
    }
    centre
}

fn largest_clusters(
    input: &ClusterInput<'_>,
    group: &[u32],
    best: &[u32],
    size: &[u32],
    text_jaccard: &[Option<f64>],
) -> Vec<ClusterReport> {
    let mut reports: Vec<ClusterReport> = (0..group.len())
        .filter(|&g| size[g] >= 2)
        .map(|g| ClusterReport {
            kept: best[g],
            documents: size[g] as u64,
            texts: 0,
            min_jaccard: None,
        })
        .collect();
    reports.sort_by_key(|r| (std::cmp::Reverse(r.documents), input.rank[r.kept as usize]));
    reports.truncate(LARGEST_REPORTED);
    for report in &mut reports {
        let g = group[input.text_of[report.kept as usize] as usize];
        let members = (0..group.len()).filter(|&t| group[t] == g);
        for text in members {
            report.texts += 1;
            if let Some(j) = text_jaccard[text] {
                report.min_jaccard = Some(report.min_jaccard.map_or(j, |m: f64| m.min(j)));
            }
        }
    }
    reports
}

/// The band keys of the signed texts, band by band.
pub trait BandSource: Sync {
    /// The number of bands.
    fn bands(&self) -> usize;
    /// The number of texts with band keys.
    fn signed_texts(&self) -> u64;
    /// Calls `bucket` with the texts, ascending, of every key of `band` that
    /// two or more texts share, in ascending key order.
    fn for_each_bucket(&self, band: usize, bucket: &mut dyn FnMut(&[u32]));
    /// Whether bands may be bucketed at the same time (false when each band
    /// must have the memory to itself).
    fn parallel(&self) -> bool {
        true
    }
}

/// Band keys held in memory: one slice of keys per text, `None` for texts
/// with no shingles.
#[derive(Debug)]
pub struct BandsInMemory<'a> {
    /// Keys per text.
    pub keys: &'a [Option<Box<[u64]>>],
    /// Bands per signature.
    pub params: BandParams,
}

impl BandSource for BandsInMemory<'_> {
    fn bands(&self) -> usize {
        self.params.bands
    }

    fn signed_texts(&self) -> u64 {
        self.keys.iter().filter(|k| k.is_some()).count() as u64
    }

    fn for_each_bucket(&self, band: usize, bucket: &mut dyn FnMut(&[u32])) {
        let mut keyed: Vec<(u64, u32)> = self
            .keys
            .iter()
            .enumerate()
            .filter_map(|(text, keys)| keys.as_ref().map(|k| (k[band], text as u32)))
            .collect();
        keyed.sort_unstable();
        for_each_run(&keyed, bucket);
    }
}

/// Calls `bucket` with the texts of every run of two or more equal keys of
/// a sorted `(key, text)` list.
pub fn for_each_run(sorted: &[(u64, u32)], bucket: &mut dyn FnMut(&[u32])) {
    let mut members = Vec::new();
    for run in sorted.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        members.clear();
        members.extend(run.iter().map(|&(_, text)| text));
        bucket(&members);
    }
}

/// Distinct pairs `(a, b)`, `a < b`, of texts sharing a band key, sorted.
fn candidate_pairs(bands: &dyn BandSource) -> Vec<(u32, u32)> {
    let band_pairs = |band: usize| {
        let mut pairs = Vec::new();
        bands.for_each_bucket(band, &mut |members| bucket_pairs(members, &mut pairs));
        pairs
    };
    let per_band: Vec<Vec<(u32, u32)>> = if bands.parallel() {
        (0..bands.bands()).into_par_iter().map(band_pairs).collect()
    } else {
        (0..bands.bands()).map(band_pairs).collect()
    };
    let mut pairs: Vec<(u32, u32)> = per_band.into_iter().flatten().collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The candidate pairs of one bucket, its members (distinct texts) in
/// ascending order: every pair up to 16 members, a star from the first
/// plus a chain through consecutive members above.
pub fn bucket_pairs(members: &[u32], pairs: &mut Vec<(u32, u32)>) {
    if members.len() <= ALL_PAIRS_BUCKET {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                pairs.push((a, b));
            }
        }
    } else {
        for (i, &b) in members.iter().enumerate().skip(1) {
            pairs.push((members[0], b));
            pairs.push((members[i - 1], b));
        }
    }
}

/// A verified pair of texts and their exact Jaccard.
pub type Edge = (u32, u32, f64);

/// Whether two sets of `a` and `b` shingles may reach `threshold`:
/// |A n B| / |A u B| <= min / max, so a pair under it cannot pass (two
/// empty sets pass, as [`jaccard`] calls them equal). Exact: it never
/// drops a pair that would verify.
pub fn may_pass(a: usize, b: usize, threshold: f64) -> bool {
    let (small, large) = (a.min(b) as f64, a.max(b) as f64);
    small >= threshold * large - 1e-9 * large
}

/// The candidate pairs whose exact Jaccard reaches the threshold, with it,
/// and how many pairs the length filter dropped unread.
fn verify(input: &DedupInput<'_>, candidates: &[(u32, u32)]) -> (Vec<Edge>, u64) {
    let threshold = input.threshold;
    let may_pass = |a: u32, b: u32| may_pass((input.shingle_count)(a), (input.shingle_count)(b), threshold);
    let parts: Vec<(Vec<Edge>, u64)> = candidates
        .par_chunks(256)
        .map(|chunk| {
            // Pairs are sorted by their first text: read it once per run.
            let mut current: Option<(u32, Vec<u64>)> = None;
            let mut out = Vec::new();
            let mut filtered = 0u64;
            for &(a, b) in chunk {
                if !may_pass(a, b) {
                    filtered += 1;
                    continue;
                }
                if current.as_ref().is_none_or(|(t, _)| *t != a) {
                    current = Some((a, (input.shingles)(a)));
                }
                let set_a = &current.as_ref().map(|(_, s)| s).expect("set just loaded");
                let j = jaccard(set_a, &(input.shingles)(b));
                if j >= threshold {
                    out.push((a, b, j));
                }
            }
            (out, filtered)
        })
        .collect();
    let filtered = parts.iter().map(|(_, f)| f).sum();
    (parts.into_iter().flat_map(|(edges, _)| edges).collect(), filtered)
}

#[cfg(test)]
mod tests;
