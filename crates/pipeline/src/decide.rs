//! Decide: rank documents by the keep policy, then cluster the texts the
//! verified pairs join (found by the bucket and verify tasks, `pairs.rs`).

use std::cmp::{Ordering, Reverse};

use anyhow::Result;
use corpusledger_dedup::{ClusterInput, Outcome, Verified, cluster_verified};
use corpusledger_model::{LicenseCategory, Reporter};

use super::ingested::Ingested;
use crate::config::{Config, KeepCriterion};

pub fn decide(
    ingested: &Ingested,
    verified: Verified,
    config: &Config,
    bases: &[crate::base::BaseRef],
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    let mut anchoring = if bases.is_empty() {
        crate::base::Anchoring::default()
    } else {
        reporter.start("match bases", None, "texts");
        let anchoring = crate::base::anchor(ingested, bases, config)?;
        reporter.finish();
        anchoring
    };
    let external = std::mem::take(&mut anchoring.external);
    let anchor_shingles = |id: u32| match &anchoring.shingles[id as usize] {
        crate::base::ExternalShingles::Text(text) => ingested.shingles_of(*text),
        crate::base::ExternalShingles::Set(set) => set.clone(),
    };
    reporter.start("deduplicate", None, "docs");
    let mut text_of = Vec::with_capacity(ingested.docs.len());
    let mut keys = Vec::with_capacity(ingested.docs.len());
    for doc in ingested.docs.iter() {
        text_of.push(doc.text);
        keys.push(RankKey {
            category: doc.license.concluded.category,
            stars: doc.stars.unwrap_or(NO_STARS),
            id: [(doc.id.0 >> 64) as u64, doc.id.0 as u64],
        });
    }
    ingested.docs.take_error()?;
    let rank = keep_ranks(&keys, &config.keep_policy);
    drop(keys);
    let read = |text: u32| ingested.shingles_of(text);
    let input = ClusterInput {
        text_of: &text_of,
        rank: &rank,
        n_texts: ingested.texts.len(),
        shingles: &read,
        mode: config.cluster_mode,
        anchors: &anchoring.anchors,
        anchor_shingles: &anchor_shingles,
    };
    let mut outcome = cluster_verified(&input, verified);
    outcome.external = external;
    outcome.stats.external_exact_texts = anchoring.exact;
    outcome.stats.external_candidate_pairs = anchoring.candidate_pairs;
    outcome.stats.external_verified_pairs = anchoring.verified_pairs;
    reporter.advance(ingested.docs.len() as u64);
    reporter.finish();
    Ok(outcome)
}

/// What the keep policy compares of a document: 32 bytes, held for every
/// document while the ranks are made.
struct RankKey {
    category: LicenseCategory,
    /// [`NO_STARS`] when the input gives none (fewest of all).
    stars: i64,
    /// The document id, high half first (ordered as the id).
    id: [u64; 2],
}

/// Stars of a document without a star count: below every count.
const NO_STARS: i64 = i64::MIN;

/// Each document's position in the keep order: the policy's criteria in
/// turn, then the document id, so the order is total and the kept copy of a
/// cluster never depends on read order or threads. `keys` are in source
/// order, so source order is their index order.
fn keep_ranks(keys: &[RankKey], policy: &[KeepCriterion]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_by(|&a, &b| compare(keys, a as usize, b as usize, policy));
    let mut rank = vec![0u32; keys.len()];
    for (position, &doc) in order.iter().enumerate() {
        rank[doc as usize] = position as u32;
    }
    rank
}

fn compare(keys: &[RankKey], a: usize, b: usize, policy: &[KeepCriterion]) -> Ordering {
    let (ka, kb) = (&keys[a], &keys[b]);
    policy
        .iter()
        .map(|criterion| match criterion {
            KeepCriterion::PermissiveLicense => ka.category.cmp(&kb.category),
            KeepCriterion::MostStars => Reverse(ka.stars).cmp(&Reverse(kb.stars)),
            KeepCriterion::SourceOrder => a.cmp(&b),
        })
        .find(|o| o.is_ne())
        .unwrap_or_else(|| ka.id.cmp(&kb.id))
}
