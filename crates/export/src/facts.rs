//! Facts about a manifest that more than one export states, worded once.

use std::collections::BTreeMap;

use corpusledger_manifest::release::ReleaseFile;
use corpusledger_manifest::{Manifest, OutputEntry};

/// What an export writes where a human has to answer.
pub(crate) const ASK: &str = "To be completed by the dataset's publisher";

/// The media type of Parquet files as Croissant and mlcroissant name it.
pub(crate) const PARQUET: &str = "application/x-parquet";

/// The output kind of data shards.
pub(crate) const DATA: &str = "data";

/// The output kind of the removal ledger.
pub(crate) const LEDGER: &str = "ledger";

/// The tool that writes the exports, e.g. `corpusledger-0.1.0`.
pub(crate) fn exporter() -> String {
    format!("corpusledger-{}", env!("CARGO_PKG_VERSION"))
}

/// The dataset's name: the manifest records none, so it is named after the
/// start of its Merkle root.
pub(crate) fn dataset_name(manifest: &Manifest) -> String {
    let root = &manifest.merkle.root;
    format!("corpusledger-{}", root.get(..12).unwrap_or(root))
}

/// Outputs of one kind, in manifest order (sorted by path).
pub(crate) fn outputs<'a>(manifest: &'a Manifest, kind: &'a str) -> impl Iterator<Item = &'a OutputEntry> {
    manifest.outputs.iter().filter(move |o| o.kind == kind)
}

/// The media type of an output file, by its name.
pub(crate) fn media_type(path: &str) -> &'static str {
    if path.ends_with(".parquet") {
        PARQUET
    } else {
        "application/octet-stream"
    }
}

/// `name n, name n` over the non-zero entries, or `none`.
pub(crate) fn nonzero(map: &BTreeMap<String, u64>) -> String {
    let parts: Vec<String> = map
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Documents in, kept, removed and rejected, in one sentence.
pub(crate) fn counts_sentence(manifest: &Manifest) -> String {
    let counts = &manifest.counts;
    let removed: u64 = counts.removed.values().sum();
    let rejected: u64 = counts.rejected.values().sum();
    format!(
        "{} of {} documents kept ({} bytes) from {} inputs; {removed} removed ({}); {rejected} rejected ({}).",
        counts.kept,
        counts.documents,
        counts.kept_bytes,
        manifest.inputs.len(),
        nonzero(&counts.removed),
        nonzero(&counts.rejected),
    ) + &commitments_sentence(manifest)
}

/// The document-level commitments, in one sentence with a leading space;
/// empty for a manifest without them.
fn commitments_sentence(manifest: &Manifest) -> String {
    let Some(c) = &manifest.commitments else {
        return String::new();
    };
    format!(
        " Commitments for proofs of membership and absence without the data (corpusledger prove and check-proof): \
         kept documents root {} over {} leaves, removed documents root {} over {}, band keys root {} over {}.",
        c.kept.root, c.kept.leaves, c.removed.root, c.removed.leaves, c.bands.root, c.bands.leaves
    )
}

/// What a partial release (`corpusledger release`) withholds, in one
/// sentence with a leading space; empty for a whole dataset.
pub(crate) fn release_sentence(release: Option<&ReleaseFile>) -> String {
    let Some(release) = release else {
        return String::new();
    };
    let bytes: u64 = release.withheld.iter().map(|w| w.bytes).sum();
    format!(
        " This is a partial release: {} of the dataset's files ({bytes} bytes) are withheld by the rules {}, \
         and RELEASE.json lists them with their SHA-256 and the rule that withheld each. The manifest, its \
         Merkle root and its commitments still cover them, so the files present verify and proofs about \
         withheld documents still check.",
        release.withheld.len(),
        release.rules.join(", "),
    )
}

/// The rules that withhold `path` in a partial release, or `None` when the
/// file is present.
pub(crate) fn withheld_by(release: Option<&ReleaseFile>, path: &str) -> Option<Vec<String>> {
    let withheld = release?.withheld.iter().find(|w| w.path == path)?;
    Some(withheld.because.iter().map(|b| b.rule.clone()).collect())
}

/// For a file a partial release withholds, one sentence with a leading
/// space naming the rules; empty when the file is present.
pub(crate) fn withheld_sentence(release: Option<&ReleaseFile>, path: &str) -> String {
    match withheld_by(release, path) {
        Some(rules) => format!(
            " Withheld from this release by {}: not distributed, its SHA-256 still listed and committed to.",
            rules.join(", ")
        ),
        None => String::new(),
    }
}

/// What an output that is neither a data shard nor the ledger is, in one
/// sentence.
pub(crate) fn other_output(output: &OutputEntry) -> String {
    match output.kind.as_str() {
        "commitment-tree" => format!(
            "Commitment tree file: {} sorted leaves and the upper levels of their Merkle tree, whose root is the manifest's; \
             what corpusledger prove answers from.",
            output.rows
        ),
        other => format!("Output of kind {other}: {} rows.", output.rows),
    }
}

/// How near duplicates were found, in one sentence.
pub(crate) fn dedup_sentence(manifest: &Manifest) -> String {
    let d = &manifest.dedup;
    format!(
        "Exact duplicates grouped by {}. Near duplicates: {} tokenizer, {}-token shingles, {} with {} bins, \
         LSH with {} bands of {} rows, seed {}, Jaccard threshold {}, {}; cluster mode {}; \
         the kept copy chosen by {}.",
        d.exact_hash,
        d.tokenizer,
        d.ngram,
        d.sketch,
        d.num_perm,
        d.bands,
        d.rows,
        d.seed,
        d.threshold,
        d.verification,
        d.cluster_mode,
        d.keep_policy.join(", then "),
    )
}

/// One line per input: label, kind, documents, bytes and digest or error.
pub(crate) fn input_line(input: &corpusledger_manifest::InputEntry) -> String {
    let state = match (&input.digest, &input.error) {
        (_, Some(error)) => format!("could not be used: {error}"),
        (Some(digest), None) => format!("SHA-256 over its documents {digest}"),
        (None, None) => "no digest".to_owned(),
    };
    format!(
        "{} ({}): {} documents, {} bytes, {state}",
        input.label, input.kind, input.documents, input.bytes
    )
}
