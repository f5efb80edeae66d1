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

pub mod canonical;
pub mod commitments;
pub mod merkle;
pub mod paths;
pub mod release;

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
    /// The file is not JSON at all.
    #[error("{}: not JSON ({source}); a manifest is the manifest.json a `corpusledger run` wrote", path.display())]
    NotJson {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// JSON, but not a corpusledger manifest, or of a version this build
    /// does not read.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A manifest of this version, but a field is missing or malformed.
    #[error("{}: not a valid version-{VERSION} manifest: {source}", path.display())]
    Parse {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The manifest names a file outside the dataset directory.
    #[error("{}: output path {name:?} is refused ({why}): a manifest may only name files inside its dataset directory", path.display())]
    UnsafePath {
        /// The manifest.
        path: std::path::PathBuf,
        /// The path it names.
        name: String,
        /// Why it is refused.
        why: String,
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
    /// Each license signal's histogram, before and after deduplication.
    pub license_histograms: LicenseHistograms,
    /// How licenses were decided, and what that found.
    pub licensing: Licensing,
    /// Content under licenses that require attribution (Stack Exchange
    /// posts, CC BY-SA): what is in, how its licenses were decided, and the
    /// file that lists every post's attribution. Absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// Merkle roots over the kept documents, the documents not kept and the
    /// band keys of kept texts, so that membership and absence can be proved
    /// without the data (see [`commitments`]). Absent from manifests written
    /// before corpusledger made them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitments: Option<commitments::Commitments>,
    /// The published datasets this run deduplicated against (`run --base`):
    /// this dataset holds only the new documents kept, a delta release.
    /// Absent without bases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<BaseEntry>,
    /// The version this one was made from, when it was made from one
    /// (`corpusledger amend`). Absent from a first version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Previous>,
    /// What `corpusledger amend` removed from [`Manifest::previous`] to
    /// make this version. Absent unless this version is an amendment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendments: Option<Amendments>,
    /// The content filters that ran, their parameters and what they did.
    /// Absent when none ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filters>,
    /// Every output file with its rows and hash, sorted by path.
    pub outputs: Vec<OutputEntry>,
    /// The Merkle root over `outputs`.
    pub merkle: Merkle,
}

/// The content filters of a run (secrets, personal data, generated,
/// vendored and low-quality files).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Filters {
    /// Filter -> `off`, `redact`, `remove` or `flag`.
    pub actions: BTreeMap<String, String>,
    /// The Stack's threshold on the longest line (characters).
    pub max_line_length: u64,
    /// The Stack's threshold on the mean line length (characters).
    pub max_mean_line_length: f64,
    /// The Stack's threshold on the share of alphanumeric characters.
    pub min_alnum_fraction: f64,
    /// Email domains that were not taken for personal data, beside the
    /// reserved example domains.
    pub allow_email_domains: Vec<String>,
    /// Where the secret rules come from, and the SHA-256 of the rule file.
    pub secret_rules: String,
    /// Documents removed, by rule.
    pub removed: BTreeMap<String, u64>,
    /// Documents published with at least one span redacted.
    pub redacted_documents: u64,
    /// Spans redacted, by rule (each in `redactions.parquet`).
    pub redactions: BTreeMap<String, u64>,
    /// The data shards' flag columns (`secret_flags`, ...), one per filter
    /// whose action is `flag`; absent when none flags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flag_columns: Vec<String>,
    /// Kept documents with at least one flag; absent when no filter flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagged_documents: Option<u64>,
    /// Flags in the data shards, by rule.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, u64>,
    /// How a document is found to hold a benchmark item; absent without
    /// benchmarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decontamination: Option<String>,
    /// The benchmark files decontaminated against (`--decontaminate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<BenchmarkEntry>,
    /// The languages kept (`--languages`, GitHub linguist's names); empty
    /// keeps every language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The languages removed (`--exclude-languages`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_languages: Vec<String>,
}

/// A benchmark file a run was decontaminated against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BenchmarkEntry {
    /// The benchmark's name (the file name without `.jsonl` and `.gz`), as
    /// rules and the ledger name it.
    pub name: String,
    /// The file as given.
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Items (lines) read.
    pub items: u64,
    /// Prompts and solutions of 6 to 12 words, matched only in full.
    pub short_fields: u64,
    /// Prompts and solutions under 6 words, not matched.
    pub skipped_fields: u64,
}

/// The Merkle tree over the output files (see [`merkle`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Merkle {
    /// How leaves and nodes are hashed: [`merkle::CONSTRUCTION`].
    pub construction: String,
    /// Leaves: one per entry of `outputs`, in that order.
    pub leaves: u64,
    /// The root, hex.
    pub root: String,
}

impl Merkle {
    /// The tree over `outputs`, which must be sorted by path with 64-hex-digit
    /// hashes; `None` when they are not.
    pub fn over(outputs: &[OutputEntry]) -> Option<Merkle> {
        let leaves = leaf_hashes(outputs)?;
        Some(Merkle {
            construction: merkle::CONSTRUCTION.to_owned(),
            leaves: leaves.len() as u64,
            root: merkle::to_hex(&merkle::root(&leaves)),
        })
    }
}

/// The leaf hashes of `outputs`, in order; `None` when they are not sorted
/// by path or a hash is not 64 hex digits.
pub fn leaf_hashes(outputs: &[OutputEntry]) -> Option<Vec<merkle::Hash>> {
    if !outputs.windows(2).all(|w| w[0].path.as_bytes() < w[1].path.as_bytes()) {
        return None;
    }
    outputs
        .iter()
        .map(|o| merkle::from_hex(&o.sha256).map(|h| merkle::leaf_hash(&o.path, &h)))
        .collect()
}

/// Each license signal's histogram, over the documents that entered
/// deduplication (`before`) and over the kept ones (`after`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LicenseHistograms {
    /// Documents that entered deduplication (not rejected, not opted out).
    pub before: SignalHistograms,
    /// Kept documents.
    pub after: SignalHistograms,
}

/// Documents by each signal's expression; `absent` counts documents
/// without that signal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SignalHistograms {
    /// By declared expression (package metadata or input column).
    pub declared: BTreeMap<String, u64>,
    /// By detected expression (license files).
    pub detected: BTreeMap<String, u64>,
    /// By header expression (SPDX-License-Identifier or notice).
    pub header: BTreeMap<String, u64>,
    /// By concluded expression.
    pub concluded: BTreeMap<String, u64>,
    /// By the concluded expression's category.
    pub category: BTreeMap<String, u64>,
}

/// What one data shard draws from, as its manifest entry and its own
/// Parquet footer (key [`SHARD_PROVENANCE_KEY`]) both state it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ShardProvenance {
    /// The dataset's manifest format, so a lone shard says what it belongs to.
    pub format: String,
    /// Rows in the shard.
    pub documents: u64,
    /// Rows by input label.
    pub inputs: BTreeMap<String, u64>,
    /// Distinct repositories of its rows.
    pub repositories: u64,
    /// Rows without a repository.
    pub without_repository: u64,
    /// Rows by repository, most rows first (then by name), at most
    /// [`MAX_SHARD_REPOSITORIES`].
    pub top_repositories: Vec<RepositoryCount>,
    /// Rows by concluded license expression.
    pub licenses: BTreeMap<String, u64>,
}

/// The Parquet key-value metadata key of a shard's [`ShardProvenance`].
pub const SHARD_PROVENANCE_KEY: &str = "corpusledger.provenance";

/// Repositories listed per shard at most.
pub const MAX_SHARD_REPOSITORIES: usize = 1000;

/// Rows of one repository in a shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RepositoryCount {
    /// The repository.
    pub repo: String,
    /// Its rows in the shard.
    pub documents: u64,
}

impl ShardProvenance {
    /// Adds one row.
    pub fn add(&mut self, input: &str, repo: Option<&str>, license: &str) {
        self.documents += 1;
        *self.inputs.entry(input.to_owned()).or_default() += 1;
        *self.licenses.entry(license.to_owned()).or_default() += 1;
        match repo {
            None => self.without_repository += 1,
            Some(repo) => match self.top_repositories.iter_mut().rev().find(|r| r.repo == repo) {
                Some(entry) => entry.documents += 1,
                None => self.top_repositories.push(RepositoryCount {
                    repo: repo.to_owned(),
                    documents: 1,
                }),
            },
        }
    }

    /// Sorts and trims the repository list; call once, when the shard is full.
    pub fn finish(&mut self) {
        self.format = FORMAT.to_owned();
        let mut repos: BTreeMap<String, u64> = BTreeMap::new();
        for r in self.top_repositories.drain(..) {
            *repos.entry(r.repo).or_default() += r.documents;
        }
        self.repositories = repos.len() as u64;
        let mut list: Vec<RepositoryCount> = repos
            .into_iter()
            .map(|(repo, documents)| RepositoryCount { repo, documents })
            .collect();
        list.sort_by(|a, b| b.documents.cmp(&a.documents).then_with(|| a.repo.cmp(&b.repo)));
        list.truncate(MAX_SHARD_REPOSITORIES);
        self.top_repositories = list;
    }
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

/// Documents read from posts that must be attributed (CC BY-SA), and where
/// their attribution is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Attribution {
    /// What the licenses require of whoever publishes or trains on the data.
    pub obligation: String,
    /// The output that lists, for every kept document carrying a post's
    /// content, each post with its address, author and license.
    pub file: String,
    /// Its rows: one per post per document (kept, or removed in favour of a
    /// kept one).
    pub rows: u64,
    /// Post documents by license: kept, and removed as duplicates (their
    /// content stays in the data through the kept copy).
    pub documents: BTreeMap<String, PostCounts>,
    /// Posts by how their license was decided: `ContentLicense` (the dump
    /// says), `LastEditDate` or `CreationDate` (the date schedule).
    pub license_basis: BTreeMap<String, u64>,
    /// Kept documents that are not posts but carry the content of a post
    /// removed in their favour.
    pub kept_non_posts_carrying_posts: u64,
    /// Clusters holding a post and a document of another license category
    /// (e.g. a CC BY-SA answer copied into an MIT repository).
    pub cross_license_clusters: u64,
}

/// What CC BY-SA asks of a publisher, for the manifest and the datasheet,
/// after the sentence saying how the posts' licenses were decided.
const OBLIGATION: &str = "Whoever shares this data or material adapted from it must credit each post (its address, its author with a link to the author's profile, and the license with a link to it), say if it was changed, and share adaptations under the same or a compatible license. ATTRIBUTION.parquet lists every post whose content is in the data, including posts removed as duplicates of a kept document, which carries their content.";

impl Attribution {
    /// The obligation, opened by what the manifest records of how the
    /// posts' licenses were decided: by the dump's `ContentLicense`, by the
    /// date of their latest revision, or both, with the counts of
    /// `license_basis` (posts by basis).
    pub fn obligation_for(license_basis: &BTreeMap<String, u64>) -> String {
        let count = |field: &str| license_basis.get(field).copied().unwrap_or(0);
        let (stated, edited, created) = (count("ContentLicense"), count("LastEditDate"), count("CreationDate"));
        let by_date = edited + created;
        let posts = |n: u64| {
            if n == 1 {
                "1 post".to_owned()
            } else {
                format!("{n} posts")
            }
        };
        let dated = format!(
            "by the date of their latest revision for {} (LastEditDate {edited}, CreationDate {created})",
            posts(by_date)
        );
        let how = match (stated, by_date) {
            (0, 0) => String::new(),
            (_, 0) => format!(", as the dump's ContentLicense states for all {}", posts(stated)),
            (0, _) => format!(", {dated}"),
            (_, _) => format!(", as the dump's ContentLicense states for {}, {dated}", posts(stated)),
        };
        format!("Stack Exchange posts are licensed CC BY-SA 2.5, 3.0 or 4.0{how}. {OBLIGATION}")
    }
}

/// Post documents under one license.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PostCounts {
    /// In the data.
    pub kept: u64,
    /// Removed as duplicates of a kept document.
    pub removed: u64,
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

/// A published dataset a run deduplicated against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BaseEntry {
    /// Its directory, as given.
    pub path: String,
    /// SHA-256 of its manifest's bytes, hex.
    pub manifest_sha256: String,
    /// Its manifest's Merkle root.
    pub merkle_root: String,
    /// Its documents in.
    pub documents: u64,
    /// Its kept documents.
    pub kept: u64,
    /// Documents of this run removed as duplicates of one of its kept
    /// documents.
    pub matched: u64,
}

/// The version a dataset was made from: what `verify --previous` checks
/// the previous manifest against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Previous {
    /// SHA-256 of the previous manifest's bytes, hex.
    pub manifest_sha256: String,
    /// The previous manifest's Merkle root.
    pub merkle_root: String,
    /// Its documents in.
    pub documents: u64,
    /// Its kept documents.
    pub kept: u64,
}

/// What an amendment removed, and the rule it followed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Amendments {
    /// Each opt-out list, in the order given, with the kept documents it
    /// removed (a document matched by several lists counts for the first).
    pub opt_out: Vec<OptOutEntry>,
    /// Kept documents removed (ledger reason `opted-out`).
    pub removed: u64,
    /// What happens to the copies that were removed in favour of a kept
    /// document that is opted out.
    pub orphans_rule: String,
    /// Such copies: they stay in the ledger as duplicates of the opted-out
    /// document, their detail saying so.
    pub orphans: u64,
    /// The data shards rewritten without the removed rows (every other data
    /// shard is the previous version's file, byte for byte).
    pub shards: Vec<AmendedShard>,
}

/// One data shard an amendment rewrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AmendedShard {
    /// Its path (the same in both versions).
    pub path: String,
    /// Rows in the previous version.
    pub rows_before: u64,
    /// Rows removed.
    pub removed: u64,
    /// The previous version's SHA-256 of the file.
    pub sha256_before: String,
}

/// The rule an amendment follows for copies removed in favour of an
/// opted-out kept document: they stay out.
pub const ORPHANS_STAY_REMOVED: &str = "stay-removed: a copy removed in favour of an opted-out document is not restored; its ledger row keeps its reason and kept_doc_id, and its detail names the opt-out";

/// The tool that wrote a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Tool {
    /// `corpusledger`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The build: target architecture and OS, and `release` or `debug`.
    pub build: String,
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
    /// Jaccard threshold, as a decimal string.
    pub threshold: String,
    /// How candidate pairs were verified.
    pub verification: String,
    /// How verified pairs became clusters (`connected` or `star`).
    pub cluster_mode: String,
    /// The keep policy, in order of precedence.
    pub keep_policy: Vec<String>,
    /// The least probability asked for that a pair at exactly the
    /// threshold becomes a candidate, which chose `bands` and `rows`
    /// (absent in manifests written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_target: Option<String>,
    /// The probability under `bands` and `rows` that a pair at exactly the
    /// threshold becomes a candidate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_at_threshold: Option<String>,
    /// The predicted probability of becoming a candidate, by similarity,
    /// as decimal strings.
    pub s_curve: Vec<[String; 2]>,
    /// What deduplication found.
    pub found: BTreeMap<String, u64>,
    /// The largest clusters, largest first, with how far apart their members
    /// are: the over-merge report.
    pub largest_clusters: Vec<ClusterEntry>,
    /// Clusters (of two or more documents) by size, in power-of-two buckets.
    pub cluster_sizes: Vec<SizeBucket>,
}

/// Clusters whose size lies in `min..=max`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SizeBucket {
    /// Smallest size in the bucket.
    pub min: u64,
    /// Largest size in the bucket.
    pub max: u64,
    /// Clusters.
    pub clusters: u64,
    /// Documents in them.
    pub documents: u64,
}

impl SizeBucket {
    /// Buckets 2, 3–4, 5–8, ... up to the largest size in `sizes`; empty
    /// buckets below the largest are kept, so the histogram has no gaps.
    pub fn histogram(sizes: impl IntoIterator<Item = u64>) -> Vec<SizeBucket> {
        let mut buckets: Vec<SizeBucket> = Vec::new();
        for size in sizes.into_iter().filter(|&s| s >= 2) {
            let index = (u64::BITS - (size - 1).leading_zeros() - 1) as usize;
            while buckets.len() <= index {
                let i = buckets.len() as u32;
                buckets.push(SizeBucket {
                    min: (1u64 << i) + 1,
                    max: 1u64 << (i + 1),
                    clusters: 0,
                    documents: 0,
                });
            }
            buckets[index].clusters += 1;
            buckets[index].documents += size;
        }
        buckets
    }
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
    /// Lowest Jaccard of a removed text to the kept one, as a decimal
    /// string; absent when all are exact copies.
    pub min_jaccard: Option<String>,
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
    /// `data` (a shard of kept documents), `ledger`, `index` or `attribution`.
    pub kind: String,
    /// Rows.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// For a data shard: what it draws from (also in its Parquet footer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<ShardProvenance>,
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
        let json = self.to_bytes().map_err(|e| Error::Io {
            path: path.to_owned(),
            source: e.into(),
        })?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &json).map_err(io)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// The canonical bytes of this manifest (see [`canonical`]).
    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        canonical::to_vec(self)
    }

    /// Reads a manifest, refusing with a clear error one that is not JSON,
    /// not of this format and version, incomplete, or naming a file outside
    /// its directory.
    pub fn read(path: &Path) -> Result<Manifest> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Manifest::from_slice(path, &bytes)
    }

    /// Parses manifest bytes read from `path` (named in errors).
    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|source| Error::NotJson {
            path: path.to_owned(),
            source,
        })?;
        let format_error = |message: String| Error::Format {
            path: path.to_owned(),
            message,
        };
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => return Err(format_error(format!("format is {other:?}, not {FORMAT:?}"))),
            None => {
                return Err(format_error(format!(
                    "no \"format\": {FORMAT:?} field: not a corpusledger manifest"
                )));
            }
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format_error(format!(
                    "manifest version {v} is not one this corpusledger ({}) reads (version {VERSION}); use a corpusledger that writes version {v}",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            None => return Err(format_error("no numeric \"version\" field".to_owned())),
        }
        let manifest: Manifest = serde_json::from_value(value).map_err(|source| Error::Parse {
            path: path.to_owned(),
            source,
        })?;
        for output in &manifest.outputs {
            paths::check_relative(&output.path).map_err(|why| Error::UnsafePath {
                path: path.to_owned(),
                name: output.path.clone(),
                why,
            })?;
        }
        Ok(manifest)
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
                build: "x86_64-linux release".into(),
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
                threshold: "0.7".into(),
                verification: "exact-jaccard".into(),
                cluster_mode: "connected".into(),
                keep_policy: vec!["doc-id".into()],
                recall_target: None,
                recall_at_threshold: None,
                s_curve: vec![["0.5".into(), "0.1".into()]],
                found: BTreeMap::new(),
                largest_clusters: vec![],
                cluster_sizes: SizeBucket::histogram([2, 3, 9]),
            },
            inputs: vec![],
            counts,
            licenses: BTreeMap::from([("MIT".into(), 2)]),
            license_categories: BTreeMap::new(),
            languages: BTreeMap::new(),
            license_histograms: LicenseHistograms::default(),
            licensing: Licensing::default(),
            attribution: None,
            commitments: None,
            bases: Vec::new(),
            previous: None,
            amendments: None,
            filters: None,
            outputs: vec![OutputEntry {
                path: "removed.parquet".into(),
                kind: "ledger".into(),
                rows: 1,
                bytes: 10,
                sha256: "00".repeat(32),
                provenance: None,
            }],
            merkle: Merkle {
                construction: merkle::CONSTRUCTION.into(),
                leaves: 1,
                root: "11".repeat(32),
            },
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
                prop_assert_eq!(Manifest::read(&path).unwrap(), manifest.clone());
                // Canonical: written bytes are the bytes of the value read back.
                prop_assert_eq!(std::fs::read(&path).unwrap(), Manifest::read(&path).unwrap().to_bytes().unwrap());
            } else {
                prop_assert!(written.is_err());
                prop_assert!(!path.exists());
            }
        }
    }

    #[test]
    fn bad_manifests_get_clear_errors() {
        let path = Path::new("m.json");
        let good = sample(Counts::default());
        let read = |value: &serde_json::Value| Manifest::from_slice(path, &serde_json::to_vec(value).unwrap());
        let err = Manifest::from_slice(path, b"{not json").unwrap_err().to_string();
        assert!(err.contains("not JSON"), "{err}");
        let mut value = serde_json::to_value(&good).unwrap();
        value["version"] = 2.into();
        let err = read(&value).unwrap_err().to_string();
        assert!(err.contains("manifest version 2"), "{err}");
        let mut value = serde_json::to_value(&good).unwrap();
        value.as_object_mut().unwrap().remove("counts");
        let err = read(&value).unwrap_err().to_string();
        assert!(err.contains("missing field `counts`"), "{err}");
        for bad in ["../escape.parquet", "/etc/passwd"] {
            let mut value = serde_json::to_value(&good).unwrap();
            value["outputs"][0]["path"] = bad.into();
            let err = read(&value).unwrap_err().to_string();
            assert!(err.contains("refused"), "{err}");
        }
        assert_eq!(read(&serde_json::to_value(&good).unwrap()).unwrap(), good);
    }

    fn basis(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|&(field, n)| (field.to_owned(), n)).collect()
    }

    #[test]
    fn the_obligation_says_how_the_licenses_were_decided() {
        let both = Attribution::obligation_for(&basis(&[
            ("ContentLicense", 12),
            ("LastEditDate", 5),
            ("CreationDate", 1),
        ]));
        assert!(
            both.starts_with(
                "Stack Exchange posts are licensed CC BY-SA 2.5, 3.0 or 4.0, as the dump's ContentLicense states \
                 for 12 posts, by the date of their latest revision for 6 posts (LastEditDate 5, CreationDate 1). \
                 Whoever shares"
            ),
            "{both}"
        );
        let stated = Attribution::obligation_for(&basis(&[("ContentLicense", 3)]));
        assert!(
            stated.contains("as the dump's ContentLicense states for all 3 posts."),
            "{stated}"
        );
        assert!(!stated.contains("date"), "{stated}");
        let dated = Attribution::obligation_for(&basis(&[("CreationDate", 1)]));
        assert!(
            dated.contains("4.0, by the date of their latest revision for 1 post (LastEditDate 0, CreationDate 1)."),
            "{dated}"
        );
        assert!(!dated.contains("ContentLicense"), "{dated}");
    }

    #[test]
    fn size_buckets_have_no_gaps() {
        let buckets = SizeBucket::histogram([2, 2, 3, 4, 5, 17, 1]);
        let spans: Vec<(u64, u64, u64)> = buckets.iter().map(|b| (b.min, b.max, b.clusters)).collect();
        assert_eq!(spans, vec![(2, 2, 2), (3, 4, 2), (5, 8, 1), (9, 16, 0), (17, 32, 1)]);
        assert_eq!(buckets.iter().map(|b| b.documents).sum::<u64>(), 2 + 2 + 3 + 4 + 5 + 17);
    }

    #[test]
    fn shard_provenance_counts_and_ranks() {
        let mut p = ShardProvenance::default();
        for (repo, license) in [
            (Some("b"), "MIT"),
            (Some("a"), "MIT"),
            (Some("b"), "GPL-2.0-only"),
            (None, "MIT"),
        ] {
            p.add("in", repo, license);
        }
        p.finish();
        assert_eq!(p.documents, 4);
        assert_eq!(p.repositories, 2);
        assert_eq!(p.without_repository, 1);
        assert_eq!(
            p.top_repositories[0],
            RepositoryCount {
                repo: "b".into(),
                documents: 2
            }
        );
        assert_eq!(p.licenses["MIT"], 3);
    }
}
