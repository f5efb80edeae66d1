//! The disclosure manifest: what went in, what came out, what was removed and
//! why, under which parameters and licenses, and the hash of every output.
//!
//! A [`Manifest`] serialises with sorted maps and no run-dependent values
//! (no timestamps, no thread counts), so the same input and config give the
//! same bytes. [`Counts::check`] enforces that every input document is
//! accounted for before anything is written.
//!
//! ```
//! use corpusledger_manifest::Counts;
//! let mut counts = Counts::default();
//! counts.documents = 3;
//! counts.kept = 1;
//! counts.removed.insert("exact-duplicate".into(), 1);
//! counts.rejected.insert("binary".into(), 1);
//! assert!(counts.check().is_ok());
//! counts.kept = 2;
//! assert!(counts.check().is_err());
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The manifest's format name and version.
pub const FORMAT: &str = "corpusledger-manifest";
/// The version of the manifest layout.
pub const VERSION: u32 = 1;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The counts do not add up.
    #[error(
        "counts do not add up: {documents} documents in, but kept {kept} + removed {removed} + rejected {rejected} = {sum}; this is a bug, please report it"
    )]
    Counts {
        /// Documents in.
        documents: u64,
        /// Kept.
        kept: u64,
        /// Removed as duplicates.
        removed: u64,
        /// Rejected.
        rejected: u64,
        /// kept + removed + rejected.
        sum: u64,
    },
    /// The manifest could not be written or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of this layout.
    #[error("{}: not a corpusledger manifest: {source}", path.display())]
    Parse {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The disclosure manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The effective configuration (execution-only settings such as thread
    /// count left out: they do not change the output).
    pub config: serde_json::Value,
    /// Derived parameters of deduplication.
    pub dedup: DedupParameters,
    /// Each input with its digest and counts.
    pub inputs: Vec<InputEntry>,
    /// Documents in, kept, removed and rejected by reason.
    pub counts: Counts,
    /// Kept documents by license expression.
    pub licenses: BTreeMap<String, u64>,
    /// Kept documents by license family.
    pub license_categories: BTreeMap<String, u64>,
    /// Kept documents by language (`unknown` when not known).
    pub languages: BTreeMap<String, u64>,
    /// How licenses were decided, and what that found.
    pub licensing: Licensing,
    /// Every output file with its rows and hash, sorted by path.
    pub outputs: Vec<OutputEntry>,
}

/// How licenses were decided: detector, rule, signal counts, license
/// conflicts inside clusters, opt-out lists and problems met.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Licensing {
    /// The text detector, its SPDX license list version and threshold.
    pub detector: String,
    /// The rule that concludes one expression from the signals.
    pub rule: String,
    /// Kept documents with each signal (`declared`, `detected`, `header`),
    /// with declared and detected disagreeing (`disagreement`), and with
    /// nothing known (`noassertion`).
    pub signals: BTreeMap<String, u64>,
    /// Clusters whose documents mix license categories.
    pub conflicts: Conflicts,
    /// Each opt-out list, with its digest and what it removed.
    pub opt_out: Vec<OptOutEntry>,
    /// Files whose license information could not be used, e.g. a malformed
    /// expression or a package manifest that does not parse.
    pub problems: Problems,
}

/// Clusters mixing license categories (e.g. a GPL file vendored into an MIT
/// repository).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Conflicts {
    /// How many clusters.
    pub clusters: u64,
    /// Documents in them.
    pub documents: u64,
    /// Every one, by kept document id.
    pub list: Vec<ConflictEntry>,
}

/// One cluster mixing license categories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConflictEntry {
    /// The kept document (= the cluster id).
    pub kept_doc_id: String,
    /// The kept document's concluded license.
    pub kept_license: String,
    /// Distinct concluded licenses in the cluster.
    pub licenses: Vec<String>,
    /// Distinct categories in the cluster.
    pub categories: Vec<String>,
    /// Documents in the cluster.
    pub documents: u64,
}

/// One opt-out list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OptOutEntry {
    /// The file as given.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Entries in it.
    pub entries: u64,
    /// Documents it removed.
    pub matched: u64,
}

/// Problems met while deciding licenses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Problems {
    /// How many.
    pub count: u64,
    /// The first ones, sorted, each naming its file.
    pub first: Vec<String>,
}

/// The tool that wrote a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Tool {
    /// `corpusledger`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// How near duplicates were found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DedupParameters {
    /// Exact grouping hash and disclosed content hash.
    pub exact_hash: String,
    /// Tokenizer profile.
    pub tokenizer: String,
    /// Tokens per shingle.
    pub ngram: usize,
    /// MinHash bins.
    pub num_perm: usize,
    /// The MinHash scheme.
    pub sketch: String,
    /// LSH bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// Hash seed of shingles and sketches.
    pub seed: u64,
    /// Jaccard threshold.
    pub threshold: f64,
    /// How candidate pairs were verified.
    pub verification: String,
    /// How verified pairs became clusters (`connected` or `star`).
    pub cluster_mode: String,
    /// The keep policy, in order of precedence.
    pub keep_policy: Vec<String>,
    /// The predicted probability of becoming a candidate, by similarity.
    pub s_curve: Vec<[f64; 2]>,
    /// What deduplication found.
    pub found: BTreeMap<String, u64>,
    /// The largest clusters, largest first, with how far apart their members
    /// are: the over-merge report.
    pub largest_clusters: Vec<ClusterEntry>,
}

/// One cluster of the over-merge report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ClusterEntry {
    /// The kept document (also the cluster's id).
    pub kept_doc_id: String,
    /// Documents in the cluster.
    pub documents: u64,
    /// Distinct texts in the cluster.
    pub texts: u64,
    /// Lowest Jaccard of a removed text to the kept one; absent when all are
    /// exact copies.
    pub min_jaccard: Option<f64>,
}

/// One input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InputEntry {
    /// The input's label (part of every document id).
    pub label: String,
    /// `tree`, `jsonl` or `parquet`.
    pub kind: String,
    /// SHA-256 over the input's documents (key, row and content hash of each,
    /// in order), hex; absent when the input could not be read.
    pub digest: Option<String>,
    /// Documents (including rejected ones) read from it.
    pub documents: u64,
    /// Bytes of the documents read.
    pub bytes: u64,
    /// Why the input could not be used, when it could not.
    pub error: Option<String>,
}

/// Documents in and where they went. `documents = kept + Σ removed + Σ rejected`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Counts {
    /// Documents read (every line, row and file, rejected ones included).
    pub documents: u64,
    /// Documents in the data shards.
    pub kept: u64,
    /// Bytes of content kept.
    pub kept_bytes: u64,
    /// Duplicates removed, by reason.
    pub removed: BTreeMap<String, u64>,
    /// Documents rejected, by reason.
    pub rejected: BTreeMap<String, u64>,
}

impl Counts {
    /// Checks that every document is accounted for.
    pub fn check(&self) -> Result<()> {
        let removed: u64 = self.removed.values().sum();
        let rejected: u64 = self.rejected.values().sum();
        let sum = self.kept + removed + rejected;
        if sum != self.documents {
            return Err(Error::Counts {
                documents: self.documents,
                kept: self.kept,
                removed,
                rejected,
                sum,
            });
        }
        Ok(())
    }
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OutputEntry {
    /// Path relative to the dataset directory.
    pub path: String,
    /// Rows.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

impl Manifest {
    /// Checks the counts and writes the manifest to `path` atomically
    /// (temporary file, sync, rename): a manifest present means a run that
    /// finished.
    pub fn write(&self, path: &Path) -> Result<()> {
        self.counts.check()?;
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| Error::Io {
            path: path.to_owned(),
            source: e.into(),
        })?;
        json.push(b'\n');
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &json).map_err(io)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads a manifest.
    pub fn read(path: &Path) -> Result<Manifest> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| Error::Parse {
            path: path.to_owned(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(counts: Counts) -> Manifest {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            tool: Tool {
                name: "corpusledger".into(),
                version: "0.1.0".into(),
            },
            config: serde_json::json!({"threshold": 0.7}),
            dedup: DedupParameters {
                exact_hash: "xxh3-128".into(),
                tokenizer: "code".into(),
                ngram: 5,
                num_perm: 256,
                sketch: "oph".into(),
                bands: 36,
                rows: 7,
                seed: 1,
                threshold: 0.7,
                verification: "exact-jaccard".into(),
                cluster_mode: "connected".into(),
                keep_policy: vec!["doc-id".into()],
                s_curve: vec![[0.5, 0.1]],
                found: BTreeMap::new(),
                largest_clusters: vec![],
            },
            inputs: vec![],
            counts,
            licenses: BTreeMap::from([("MIT".into(), 2)]),
            license_categories: BTreeMap::new(),
            languages: BTreeMap::new(),
            licensing: Licensing::default(),
            outputs: vec![OutputEntry {
                path: "removed.parquet".into(),
                rows: 1,
                bytes: 10,
                sha256: "00".into(),
            }],
        }
    }

    proptest! {
        // Serialise, parse: equal; and a manifest whose counts do not add up
        // is never written.
        #[test]
        fn write_then_read_round_trips(kept in 0u64..1000, dup in 0u64..1000, bad in 0u64..1000, off in 0u64..2) {
            let counts = Counts {
                documents: kept + dup + bad + off,
                kept,
                kept_bytes: kept * 10,
                removed: BTreeMap::from([("exact-duplicate".into(), dup)]),
                rejected: BTreeMap::from([("binary".into(), bad)]),
            };
            let manifest = sample(counts);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("manifest.json");
            let written = manifest.write(&path);
            if off == 0 {
                prop_assert!(written.is_ok());
                prop_assert_eq!(Manifest::read(&path).unwrap(), manifest);
            } else {
                prop_assert!(written.is_err());
                prop_assert!(!path.exists());
            }
        }
    }
}
