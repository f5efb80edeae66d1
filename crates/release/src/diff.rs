//! What changed between two versions of a dataset: [`diff`].
//!
//! From the two manifests alone it reports the changed dedup parameters
//! (and tool), counts and commitments. When both datasets are present with
//! their data shards, it also reports the kept documents added and removed,
//! by content SHA-256 (kept documents are unique by it), with counts by
//! license, language and reason: the reason a removed document is not kept
//! any more is its row in the new ledger (`opted-out`, `near-duplicate`,
//! ...) or `absent`; an added one's is its row in the old ledger or `new`.
//! Every data shard and ledger read is first checked against its manifest's
//! SHA-256, so the answer is about the data the manifests describe.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use corpusledger_manifest::{Manifest, OutputEntry};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::table::read_columns;

/// Why two versions could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A path that is neither a dataset directory nor a manifest.
    #[error("{}: no manifest.json there; give a dataset directory or its manifest.json", .0.display())]
    NoManifest(PathBuf),
    /// A manifest that cannot be used.
    #[error(transparent)]
    Manifest(#[from] corpusledger_manifest::Error),
    /// A file that could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A data shard or ledger whose bytes are not the ones its manifest lists.
    #[error("{}: its SHA-256 is not the one its manifest lists; run `corpusledger verify` on that dataset", .0.display())]
    Changed(PathBuf),
    /// A data shard or ledger that is not a readable corpusledger file.
    #[error("{}: cannot read it: {reason}; run `corpusledger verify` on that dataset", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
}

type Result<T> = std::result::Result<T, DiffError>;

/// The diff's JSON format name.
pub const FORMAT: &str = "corpusledger-diff";
/// The diff's JSON format version.
pub const VERSION: u32 = 1;

/// At most this many documents of each list are shown in Markdown (the
/// JSON lists them all).
const SHOWN: usize = 100;

/// What changed from one dataset version to another.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Diff {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Always [`VERSION`].
    pub version: u32,
    /// The old version.
    pub old: Side,
    /// The new version.
    pub new: Side,
    /// Dedup parameters and tool version that differ.
    pub parameters: Vec<Change>,
    /// Counts that differ (`documents`, `kept`, `kept-bytes`,
    /// `removed:REASON`, `rejected:REASON`).
    pub counts: Vec<Change>,
    /// Each document-level commitment, changed or not.
    pub commitments: Vec<CommitmentChange>,
    /// Kept documents added and removed; `None` when one side's data is
    /// not there to compare (the notes say why).
    pub documents: Option<Documents>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

/// One version, as its manifest names it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Side {
    /// The manifest read.
    pub manifest: String,
    /// SHA-256 of its bytes.
    pub manifest_sha256: String,
    /// Its Merkle root.
    pub merkle_root: String,
}

/// A value that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Change {
    /// What it is.
    pub field: String,
    /// Its old value (`null` when absent).
    pub old: Value,
    /// Its new value (`null` when absent).
    pub new: Value,
}

/// One commitment tree in both versions.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CommitmentChange {
    /// `kept`, `removed` or `bands`.
    pub tree: String,
    /// Whether its root differs (or one side has none).
    pub changed: bool,
    /// Old root and leaves, when the old manifest has commitments.
    pub old: Option<(String, u64)>,
    /// New root and leaves, when the new manifest has commitments.
    pub new: Option<(String, u64)>,
}

/// Kept documents added and removed.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Documents {
    /// Kept in the new version, not in the old.
    pub added: DocSet,
    /// Kept in the old version, not in the new.
    pub removed: DocSet,
    /// Kept in both.
    pub unchanged: u64,
}

/// Documents, with counts by license, language and reason.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocSet {
    /// How many.
    pub count: u64,
    /// Concluded license expression -> documents.
    pub by_license: BTreeMap<String, u64>,
    /// Language -> documents (`unknown` when none was recorded).
    pub by_language: BTreeMap<String, u64>,
    /// Reason -> documents (see the module docs).
    pub by_reason: BTreeMap<String, u64>,
    /// Every document, sorted by content SHA-256.
    pub list: Vec<DocEntry>,
}

/// One kept document of one version.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocEntry {
    /// Content SHA-256.
    pub sha256: String,
    /// Its id in the version that keeps it.
    pub doc_id: String,
    /// Repository, when recorded.
    pub repo: Option<String>,
    /// Path, when recorded.
    pub path: Option<String>,
    /// Concluded license expression.
    pub license: String,
    /// Language, when detected.
    pub language: Option<String>,
    /// Why the other version does not keep it.
    pub reason: String,
}

/// A dataset directory or a manifest file, read.
struct Version {
    dir: PathBuf,
    /// Whether a directory was given (a manifest file alone: only the
    /// manifests are compared).
    given_dir: bool,
    manifest: Manifest,
    side: Side,
}

impl Version {
    fn open(path: &Path) -> Result<Version> {
        let (dir, manifest_path) = if path.is_dir() {
            (path.to_owned(), path.join(corpusledger_verify::MANIFEST))
        } else {
            let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_owned);
            (dir, path.to_owned())
        };
        if !manifest_path.is_file() {
            return Err(DiffError::NoManifest(path.to_owned()));
        }
        let bytes = std::fs::read(&manifest_path).map_err(|source| DiffError::Io {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest = Manifest::from_slice(&manifest_path, &bytes)?;
        let side = Side {
            manifest: manifest_path.display().to_string(),
            manifest_sha256: hex(&Sha256::digest(&bytes)),
            merkle_root: manifest.merkle.root.clone(),
        };
        Ok(Version {
            dir,
            given_dir: path.is_dir(),
            manifest,
            side,
        })
    }

    /// The outputs of `kind` that are not in the directory, by path.
    fn missing(&self, kind: &str) -> Vec<String> {
        self.outputs(kind)
            .filter(|o| !self.dir.join(&o.path).is_file())
            .map(|o| o.path.clone())
            .collect()
    }

    fn outputs<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a OutputEntry> {
        self.manifest.outputs.iter().filter(move |o| o.kind == kind)
    }

    /// The rows of `output`'s `columns`, after checking its SHA-256.
    fn read(&self, output: &OutputEntry, columns: &[&str]) -> Result<Vec<Vec<Option<String>>>> {
        let path = self.dir.join(&output.path);
        let (_, sha256) = corpusledger_output::sha256_file(&path).map_err(|e| DiffError::Unreadable {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if sha256 != output.sha256 {
            return Err(DiffError::Changed(path));
        }
        read_columns(&path, columns).map_err(|reason| DiffError::Unreadable { path, reason })
    }

    /// Kept documents by content SHA-256.
    fn kept(&self) -> Result<BTreeMap<String, DocEntry>> {
        let mut kept = BTreeMap::new();
        for output in self.outputs("data") {
            let columns = ["content_sha256", "doc_id", "repo", "path", "license", "language"];
            for row in self.read(output, &columns)? {
                let [sha256, doc_id, repo, path, license, language] =
                    <[Option<String>; 6]>::try_from(row).expect("six columns");
                let entry = DocEntry {
                    sha256: sha256.unwrap_or_default(),
                    doc_id: doc_id.unwrap_or_default(),
                    repo,
                    path,
                    license: license.unwrap_or_default(),
                    language,
                    reason: String::new(),
                };
                kept.insert(entry.sha256.clone(), entry);
            }
        }
        Ok(kept)
    }

    /// The ledger's reasons, by document id and by content SHA-256 (the
    /// first row's, in ledger order).
    fn ledger(&self) -> Result<Reasons> {
        let mut reasons = Reasons::default();
        for output in self.outputs("ledger") {
            for row in self.read(output, &["content_sha256", "doc_id", "reason"])? {
                let [sha256, doc_id, reason] = <[Option<String>; 3]>::try_from(row).expect("three columns");
                let Some(reason) = reason else { continue };
                if let Some(doc_id) = doc_id {
                    reasons.by_id.insert(doc_id, reason.clone());
                }
                if let Some(sha256) = sha256 {
                    reasons.by_sha256.entry(sha256).or_insert(reason);
                }
            }
        }
        Ok(reasons)
    }
}

/// A ledger's reasons.
#[derive(Default)]
struct Reasons {
    by_id: BTreeMap<String, String>,
    by_sha256: BTreeMap<String, String>,
}

impl Reasons {
    /// The document's own row's reason (an opt-out of a kept document, say),
    /// else that of the first row with its content.
    fn of(&self, entry: &DocEntry) -> Option<&String> {
        self.by_id
            .get(&entry.doc_id)
            .or_else(|| self.by_sha256.get(&entry.sha256))
    }
}

/// Compares two versions: each a dataset directory or its `manifest.json`.
pub fn diff(old: &Path, new: &Path) -> Result<Diff> {
    let old = Version::open(old)?;
    let new = Version::open(new)?;
    let mut notes = Vec::new();
    let documents = if !old.given_dir || !new.given_dir {
        notes.push("documents not compared: give dataset directories, not manifest files".to_owned());
        None
    } else {
        documents(&old, &new, &mut notes)?
    };
    Ok(Diff {
        format: FORMAT,
        version: VERSION,
        parameters: parameters(&old.manifest, &new.manifest),
        counts: counts(&old.manifest, &new.manifest),
        commitments: commitments(&old.manifest, &new.manifest),
        documents,
        notes,
        old: old.side,
        new: new.side,
    })
}

fn documents(old: &Version, new: &Version, notes: &mut Vec<String>) -> Result<Option<Documents>> {
    for (name, version) in [("old", old), ("new", new)] {
        let missing = version.missing("data");
        if !missing.is_empty() {
            notes.push(format!(
                "documents not compared: the {name} version ({}) lacks {} of its data shards ({})",
                version.dir.display(),
                missing.len(),
                missing.join(", ")
            ));
            return Ok(None);
        }
    }
    let ledger = |version: &Version, name: &str, notes: &mut Vec<String>| -> Result<Reasons> {
        let missing = version.missing("ledger");
        if missing.is_empty() {
            version.ledger()
        } else {
            notes.push(format!(
                "the {name} version lacks its ledger ({}): reasons from it are `unknown`",
                missing.join(", ")
            ));
            Ok(Reasons::default())
        }
    };
    let (old_kept, new_kept) = (old.kept()?, new.kept()?);
    let (old_ledger, new_ledger) = (ledger(old, "old", notes)?, ledger(new, "new", notes)?);
    let old_has_ledger = old.missing("ledger").is_empty();
    let new_has_ledger = new.missing("ledger").is_empty();
    let mut documents = Documents::default();
    for (sha256, entry) in &old_kept {
        if new_kept.contains_key(sha256) {
            documents.unchanged += 1;
            continue;
        }
        let reason = match new_ledger.of(entry) {
            Some(reason) => reason.clone(),
            None if new_has_ledger => "absent".to_owned(),
            None => "unknown".to_owned(),
        };
        documents.removed.push(entry, reason);
    }
    for (sha256, entry) in &new_kept {
        if old_kept.contains_key(sha256) {
            continue;
        }
        let reason = match old_ledger.of(entry) {
            Some(reason) => reason.clone(),
            None if old_has_ledger => "new".to_owned(),
            None => "unknown".to_owned(),
        };
        documents.added.push(entry, reason);
    }
    Ok(Some(documents))
}

impl DocSet {
    fn push(&mut self, entry: &DocEntry, reason: String) {
        self.count += 1;
        *self.by_license.entry(entry.license.clone()).or_default() += 1;
        let language = entry.language.clone().unwrap_or_else(|| "unknown".to_owned());
        *self.by_language.entry(language).or_default() += 1;
        *self.by_reason.entry(reason.clone()).or_default() += 1;
        self.list.push(DocEntry {
            reason,
            ..entry.clone()
        });
    }
}

/// The dedup parameters (and the tool) that differ, field by field.
fn parameters(old: &Manifest, new: &Manifest) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.tool.version != new.tool.version || old.tool.name != new.tool.name {
        changes.push(Change {
            field: "tool".to_owned(),
            old: format!("{} {}", old.tool.name, old.tool.version).into(),
            new: format!("{} {}", new.tool.name, new.tool.version).into(),
        });
    }
    // What dedup found (and the S-curve, which bands and rows determine)
    // are outcomes, not parameters: the counts and commitments show those.
    let fields = |m: &Manifest| match serde_json::to_value(&m.dedup) {
        Ok(Value::Object(mut map)) => {
            for outcome in ["s-curve", "found", "largest-clusters", "cluster-sizes"] {
                map.remove(outcome);
            }
            map
        }
        _ => serde_json::Map::new(),
    };
    changes.extend(changed_fields("dedup.", &fields(old), &fields(new)));
    changes
}

/// The keys of two objects whose values differ, sorted.
fn changed_fields(
    prefix: &str,
    old: &serde_json::Map<String, Value>,
    new: &serde_json::Map<String, Value>,
) -> Vec<Change> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| Change {
            field: format!("{prefix}{k}"),
            old: old.get(k).cloned().unwrap_or(Value::Null),
            new: new.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

/// The counts that differ.
fn counts(old: &Manifest, new: &Manifest) -> Vec<Change> {
    let flat = |m: &Manifest| {
        let c = &m.counts;
        let mut map = serde_json::Map::new();
        map.insert("documents".into(), c.documents.into());
        map.insert("kept".into(), c.kept.into());
        map.insert("kept-bytes".into(), c.kept_bytes.into());
        for (reason, n) in &c.removed {
            map.insert(format!("removed:{reason}"), (*n).into());
        }
        for (reason, n) in &c.rejected {
            map.insert(format!("rejected:{reason}"), (*n).into());
        }
        map
    };
    changed_fields("", &flat(old), &flat(new))
}

fn commitments(old: &Manifest, new: &Manifest) -> Vec<CommitmentChange> {
    ["kept", "removed", "bands"]
        .into_iter()
        .map(|tree| {
            let of = |m: &Manifest| {
                let c = m.commitments.as_ref()?;
                let commitment = match tree {
                    "kept" => &c.kept,
                    "removed" => &c.removed,
                    _ => &c.bands,
                };
                Some((commitment.root.clone(), commitment.leaves))
            };
            let (old, new) = (of(old), of(new));
            CommitmentChange {
                tree: tree.to_owned(),
                changed: old.is_none() || new.is_none() || old.as_ref().map(|o| &o.0) != new.as_ref().map(|n| &n.0),
                old,
                new,
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(2 * bytes.len()), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl Diff {
    /// The diff as pretty-printed JSON, keys in a fixed order, then a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a diff is JSON");
        text.push('\n');
        text
    }

    /// The diff as Markdown: the versions, what changed in the manifests,
    /// and the documents added and removed (the first 100 of each listed).
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# corpusledger diff\n");
        let _ = writeln!(md, "| | old | new |\n|---|---|---|");
        let _ = writeln!(md, "| manifest | `{}` | `{}` |", self.old.manifest, self.new.manifest);
        let _ = writeln!(
            md,
            "| manifest SHA-256 | `{}` | `{}` |",
            self.old.manifest_sha256, self.new.manifest_sha256
        );
        let _ = writeln!(
            md,
            "| Merkle root | `{}` | `{}` |\n",
            self.old.merkle_root, self.new.merkle_root
        );
        section(&mut md, "Parameters", &self.parameters, "No dedup parameter changed.");
        section(&mut md, "Counts", &self.counts, "No count changed.");
        let _ = writeln!(md, "## Commitments\n");
        let _ = writeln!(
            md,
            "| tree | old root | old leaves | new root | new leaves | changed |\n|---|---|---:|---|---:|---|"
        );
        for c in &self.commitments {
            let side = |s: &Option<(String, u64)>| match s {
                Some((root, leaves)) => (format!("`{}`", &root[..root.len().min(16)]), leaves.to_string()),
                None => ("none".to_owned(), "-".to_owned()),
            };
            let ((old_root, old_leaves), (new_root, new_leaves)) = (side(&c.old), side(&c.new));
            let changed = if c.changed { "yes" } else { "no" };
            let _ = writeln!(
                md,
                "| {} | {old_root} | {old_leaves} | {new_root} | {new_leaves} | {changed} |",
                c.tree
            );
        }
        md.push('\n');
        let _ = writeln!(md, "## Documents\n");
        match &self.documents {
            None => {
                let _ = writeln!(md, "Not compared.\n");
            }
            Some(d) => {
                let _ = writeln!(
                    md,
                    "{} kept documents added, {} removed, {} kept in both.\n",
                    d.added.count, d.removed.count, d.unchanged
                );
                doc_section(&mut md, "Removed", "reason in the new version", &d.removed);
                doc_section(&mut md, "Added", "reason in the old version", &d.added);
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(md, "## Notes\n");
            for note in &self.notes {
                let _ = writeln!(md, "- {note}");
            }
            md.push('\n');
        }
        md
    }
}

fn section(md: &mut String, title: &str, changes: &[Change], none: &str) {
    let _ = writeln!(md, "## {title}\n");
    if changes.is_empty() {
        let _ = writeln!(md, "{none}\n");
        return;
    }
    let _ = writeln!(md, "| field | old | new |\n|---|---|---|");
    for c in changes {
        let _ = writeln!(md, "| {} | {} | {} |", c.field, cell(&c.old), cell(&c.new));
    }
    md.push('\n');
}

fn doc_section(md: &mut String, title: &str, reason: &str, set: &DocSet) {
    let _ = writeln!(md, "### {title}: {}\n", set.count);
    if set.count == 0 {
        return;
    }
    let counts = |map: &BTreeMap<String, u64>| {
        map.iter()
            .map(|(k, n)| format!("{} {n}", cell(&Value::String(k.clone()))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(md, "- by {reason}: {}", counts(&set.by_reason));
    let _ = writeln!(md, "- by license: {}", counts(&set.by_license));
    let _ = writeln!(md, "- by language: {}\n", counts(&set.by_language));
    let _ = writeln!(
        md,
        "| content SHA-256 | repository | path | license | {reason} |\n|---|---|---|---|---|"
    );
    for doc in set.list.iter().take(SHOWN) {
        let text = |s: &Option<String>| {
            s.as_deref()
                .map_or("-".to_owned(), |s| cell(&Value::String(s.to_owned())))
        };
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} |",
            doc.sha256,
            text(&doc.repo),
            text(&doc.path),
            cell(&Value::String(doc.license.clone())),
            doc.reason
        );
    }
    if set.list.len() > SHOWN {
        let _ = writeln!(md, "\n{} more in `--json`.", set.list.len() - SHOWN);
    }
    md.push('\n');
}

/// A value in a Markdown table cell: strings as they are, `|` and line
/// breaks escaped; other values as JSON.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_owned(),
        other => other.to_string(),
    };
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
