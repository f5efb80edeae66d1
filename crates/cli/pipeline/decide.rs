//! Decide: rank documents by the keep policy, then deduplicate.

use std::cmp::{Ordering, Reverse};

use anyhow::Result;
use corpusledger_dedup::{BandSource, BandsInMemory, DedupInput, Outcome, deduplicate};
use corpusledger_model::Reporter;

use super::ingested::{DocRecord, Ingested};
use crate::config::{Config, KeepCriterion};

pub fn decide(ingested: &Ingested, config: &Config, reporter: &dyn Reporter) -> Result<Outcome> {
    reporter.start("deduplicate", None, "docs");
    let rank = keep_ranks(&ingested.docs, &config.keep_policy);
    let text_of: Vec<u32> = ingested.docs.iter().map(|d| d.text).collect();
    let in_memory = BandsInMemory {
        keys: &ingested.band_keys,
        params: ingested.bands,
    };
    let bands: &dyn BandSource = match &ingested.spilled_bands {
        Some(spilled) => spilled,
        None => &in_memory,
    };
    let read = |text: u32| ingested.shingles_of(text);
    let input = DedupInput {
        text_of: &text_of,
        rank: &rank,
        n_texts: ingested.texts.len(),
        bands,
        shingles: &read,
        threshold: config.threshold,
        mode: config.cluster_mode,
    };
    let outcome = deduplicate(&input);
    if let Some(err) = ingested.spilled_bands.as_ref().and_then(|s| s.take_error()) {
        return Err(anyhow::Error::new(err).context("cannot read the spilled band keys"));
    }
    reporter.advance(ingested.docs.len() as u64);
    reporter.finish();
    Ok(outcome)
}

/// Each document's position in the keep order: the policy's criteria in
/// turn, then the document id, so the order is total and the kept copy of a
/// cluster never depends on read order or threads.
fn keep_ranks(docs: &[DocRecord], policy: &[KeepCriterion]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| compare(&docs[a], &docs[b], policy));
    let mut rank = vec![0u32; docs.len()];
    for (position, &doc) in order.iter().enumerate() {
        rank[doc] = position as u32;
    }
    rank
}

fn compare(a: &DocRecord, b: &DocRecord, policy: &[KeepCriterion]) -> Ordering {
    policy
        .iter()
        .map(|criterion| match criterion {
            KeepCriterion::PermissiveLicense => a.license.concluded.category.cmp(&b.license.concluded.category),
            KeepCriterion::MostStars => Reverse(a.stars).cmp(&Reverse(b.stars)),
            KeepCriterion::SourceOrder => super::source_order(&a.source, &b.source),
        })
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.id.cmp(&b.id))
}
