//! `lookup`: is a code owner's file, or a near copy of it, in a dataset?
//!
//! Answers come from the dataset's index (`index/lookup.parquet`), not a
//! scan: the file's content hash finds exact copies, kept or removed; its
//! LSH band keys, computed with the manifest's tokenizer, shingle size,
//! seed and banding, find kept candidates, each verified by exact Jaccard
//! of shingle sets against the threshold. Every match comes with its file,
//! row and a Merkle inclusion proof.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corpusledger_dedup::{BandParams, Sketcher, Tokenizer, jaccard, shingles};
use corpusledger_manifest::Manifest;
use corpusledger_manifest::canonical::ratio;
use corpusledger_output::{IndexReader, KeyKind, band_key, key_of};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::proof::Proof;
use crate::rows::{Row, read_row};

/// Why a lookup could not run.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The dataset or its manifest could not be used.
    #[error(transparent)]
    Dataset(#[from] crate::Error),
    /// The manifest lists no index.
    #[error(
        "{}: the manifest lists no index file (kind \"index\"); the dataset was written by a corpusledger without `lookup` support: run it again",
        .0.display()
    )]
    NoIndex(PathBuf),
    /// The manifest's dedup parameters are not usable.
    #[error("{}: {message}", path.display())]
    Parameters {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A dataset file could not be read.
    #[error("{0}")]
    Read(String),
}

/// A dataset opened for lookups.
#[derive(Debug)]
pub struct Lookup {
    dir: PathBuf,
    manifest: Manifest,
    index: IndexReader,
    tokenizer: Tokenizer,
    sketcher: Sketcher,
    bands: BandParams,
    threshold: f64,
    /// The files a partial release's RELEASE.json declares withheld.
    withheld: Vec<String>,
}

/// The answer for one file.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Answer {
    /// The file as given.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// `kept` (an exact copy is in the data), `near-copy-kept` (a near copy
    /// is), `removed` (exact copies were removed; see the matches) or `absent`.
    pub status: &'static str,
    /// Every exact and near copy found.
    pub matches: Vec<Match>,
}

/// One copy of the file in the dataset.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Match {
    /// `exact` or `near`.
    pub relation: &'static str,
    /// Exact Jaccard of shingle sets, for near copies.
    pub jaccard: Option<String>,
    /// `kept` or `removed`.
    pub status: &'static str,
    /// For a removed copy: the ledger's reason and detail.
    pub reason: Option<String>,
    /// The ledger's detail.
    pub detail: Option<String>,
    /// The copy's document id.
    pub doc_id: String,
    /// Where it came from.
    pub repo: Option<String>,
    /// Its path.
    pub source_path: Option<String>,
    /// Its concluded license.
    pub license: Option<String>,
    /// Its file and row, proven under the manifest's root.
    pub proof: Proof,
    /// For a removed duplicate: the kept copy, proven likewise.
    pub kept: Option<Proof>,
}

const DATA_COLUMNS: &[&str] = &["doc_id", "content_sha256", "repo", "path", "license"];
const LEDGER_COLUMNS: &[&str] = &[
    "doc_id",
    "content_sha256",
    "repo",
    "path",
    "license",
    "reason",
    "detail",
    "kept_doc_id",
];

impl Lookup {
    /// Opens the dataset in `dir`; `threshold` overrides the manifest's.
    pub fn open(dir: &Path, threshold: Option<f64>) -> Result<Lookup, LookupError> {
        if !dir.is_dir() {
            return Err(crate::Error::NotADirectory(dir.to_owned()).into());
        }
        let manifest_path = dir.join(crate::MANIFEST);
        let manifest = Manifest::read(&manifest_path).map_err(crate::Error::from)?;
        let index = manifest
            .outputs
            .iter()
            .find(|o| o.kind == "index")
            .ok_or_else(|| LookupError::NoIndex(manifest_path.clone()))?;
        let index = IndexReader::open(&dir.join(&index.path)).map_err(|e| LookupError::Read(e.to_string()))?;
        let bad = |message: String| LookupError::Parameters {
            path: manifest_path.clone(),
            message,
        };
        let d = &manifest.dedup;
        let tokenizer = match d.tokenizer.as_str() {
            "code" => Tokenizer::Code,
            "bigcode" => Tokenizer::Bigcode,
            other => return Err(bad(format!("unknown tokenizer {other:?}"))),
        };
        if d.bands * d.rows > d.num_perm || d.bands == 0 {
            return Err(bad(format!(
                "{} bands x {} rows do not fit {} bins",
                d.bands, d.rows, d.num_perm
            )));
        }
        let threshold = match threshold {
            Some(t) => t,
            None => d
                .threshold
                .parse()
                .map_err(|_| bad(format!("threshold {:?} is not a number", d.threshold)))?,
        };
        Ok(Lookup {
            dir: dir.to_owned(),
            tokenizer,
            sketcher: Sketcher::new(d.num_perm, d.seed),
            bands: BandParams {
                bands: d.bands,
                rows: d.rows,
            },
            threshold,
            index,
            withheld: withheld(dir),
            manifest,
        })
    }

    /// The threshold near copies are held to.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Looks up one file's bytes; `name` is how the answer names it.
    pub fn query(&self, name: &str, bytes: &[u8]) -> Result<Answer, LookupError> {
        let sha: [u8; 32] = Sha256::digest(bytes).into();
        let sha_hex = corpusledger_manifest::merkle::to_hex(&sha);
        let mut matches = Vec::new();
        for hit in self.find(KeyKind::Content, &[key_of(&sha)])? {
            let m = self.located(hit.file, hit.row, "exact", None)?;
            if m.proof.content_sha256.as_deref() == Some(sha_hex.as_str()) {
                matches.push(m);
            }
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            matches.extend(self.near(text, &sha_hex)?);
        }
        let status = if matches.iter().any(|m| m.relation == "exact" && m.status == "kept") {
            "kept"
        } else if matches.iter().any(|m| m.status == "kept") {
            "near-copy-kept"
        } else if matches.is_empty() {
            "absent"
        } else {
            "removed"
        };
        Ok(Answer {
            path: name.to_owned(),
            sha256: sha_hex,
            status,
            matches,
        })
    }

    fn find(&self, kind: KeyKind, keys: &[u32]) -> Result<Vec<corpusledger_output::IndexRow>, LookupError> {
        self.index
            .find(kind, keys)
            .map_err(|e| LookupError::Read(e.to_string()))
    }

    /// Kept texts sharing a band with `text`, verified by exact Jaccard.
    fn near(&self, text: &str, sha_hex: &str) -> Result<Vec<Match>, LookupError> {
        let d = &self.manifest.dedup;
        let set = shingles(text, self.tokenizer, d.ngram, d.seed);
        let Some(signature) = self.sketcher.sign(&set) else {
            return Ok(Vec::new());
        };
        let keys: Vec<u32> = self.bands.keys(&signature).into_iter().map(band_key).collect();
        let mut candidates: BTreeMap<(u32, u32), ()> = BTreeMap::new();
        for hit in self.find(KeyKind::Band, &keys)? {
            candidates.insert((hit.file, hit.row), ());
        }
        let mut found = Vec::new();
        for (file, row) in candidates.into_keys() {
            let path = self.file_path(file)?;
            let content = self.read_row(&path, row, &["content", "content_sha256"])?;
            if content.get("content_sha256").cloned().flatten().as_deref() == Some(sha_hex) {
                continue; // an exact copy, reported as such
            }
            let Some(Some(other)) = content.get("content") else {
                continue;
            };
            let similarity = jaccard(&set, &shingles(other, self.tokenizer, d.ngram, d.seed));
            if similarity >= self.threshold {
                found.push(self.located(file, row, "near", Some(similarity))?);
            }
        }
        Ok(found)
    }

    /// `columns` of `row` in the dataset file `path`; a file a partial
    /// release withholds cannot be read, and the error says so.
    fn read_row(&self, path: &str, row: u32, columns: &[&str]) -> Result<Row, LookupError> {
        if self.withheld.iter().any(|w| w == path) && !self.dir.join(path).exists() {
            return Err(LookupError::Read(format!(
                "{}: a match is in {path}, which this partial release withholds ({}); look the file up in the \
                 full dataset",
                self.dir.display(),
                crate::release::RELEASE_FILE
            )));
        }
        read_row(&self.dir.join(path), u64::from(row), columns).map_err(LookupError::Read)
    }

    fn file_path(&self, file: u32) -> Result<String, LookupError> {
        let path = self
            .index
            .files
            .get(file as usize)
            .ok_or_else(|| LookupError::Read(format!("the index names file {file}, which it does not list")))?;
        corpusledger_manifest::paths::check_relative(path)
            .map_err(|why| LookupError::Read(format!("the index names {path:?}: {why}")))?;
        Ok(path.clone())
    }

    fn output_index(&self, path: &str) -> Result<usize, LookupError> {
        self.manifest
            .outputs
            .iter()
            .position(|o| o.path == path)
            .ok_or_else(|| LookupError::Read(format!("the index names {path}, which the manifest does not list")))
    }

    /// The match at `row` of index file `file`, with proofs.
    fn located(&self, file: u32, row: u32, relation: &'static str, jaccard: Option<f64>) -> Result<Match, LookupError> {
        let path = self.file_path(file)?;
        let output = self.output_index(&path)?;
        let is_ledger = self.manifest.outputs[output].kind == "ledger";
        let columns = if is_ledger { LEDGER_COLUMNS } else { DATA_COLUMNS };
        let values = self.read_row(&path, row, columns)?;
        let get = |c: &str| values.get(c).cloned().flatten();
        let doc_id = get("doc_id").unwrap_or_default();
        let proof = Proof::new(
            &self.manifest,
            output,
            u64::from(row),
            doc_id.clone(),
            get("content_sha256"),
        );
        let kept = match get("kept_doc_id") {
            Some(kept_id) if is_ledger => self.kept_copy(&kept_id)?,
            _ => None,
        };
        Ok(Match {
            relation,
            jaccard: jaccard.map(ratio),
            status: if is_ledger { "removed" } else { "kept" },
            reason: get("reason"),
            detail: get("detail"),
            doc_id,
            repo: get("repo"),
            source_path: get("path"),
            license: get("license"),
            proof,
            kept,
        })
    }

    /// Where the kept document `doc_id` is.
    fn kept_copy(&self, doc_id: &str) -> Result<Option<Proof>, LookupError> {
        let Some(key) = doc_id.get(..8).and_then(|h| u32::from_str_radix(h, 16).ok()) else {
            return Ok(None);
        };
        for hit in self.find(KeyKind::DocId, &[key])? {
            let path = self.file_path(hit.file)?;
            let values: Row = self.read_row(&path, hit.row, &["doc_id", "content_sha256"])?;
            if values.get("doc_id").cloned().flatten().as_deref() == Some(doc_id) {
                let output = self.output_index(&path)?;
                let content = values.get("content_sha256").cloned().flatten();
                return Ok(Some(Proof::new(
                    &self.manifest,
                    output,
                    u64::from(hit.row),
                    doc_id.to_owned(),
                    content,
                )));
            }
        }
        Ok(None)
    }
}

/// The files to look up for `paths`: files as named, directories walked
/// (`.git` folders left out) in sorted order. A path that cannot be read or
/// listed is an error naming it.
pub fn files_to_query(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let named = |path: &Path, what: &str, err: std::io::Error| {
        std::io::Error::new(err.kind(), format!("{}: cannot {what}: {err}", path.display()))
    };
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|err| named(path, "read", err))?;
        if meta.is_dir() {
            let walk = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.file_name() != ".git");
            for entry in walk {
                let entry = entry.map_err(|err| named(path, "list", err.into()))?;
                if entry.file_type().is_file() {
                    out.push(entry.into_path());
                }
            }
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The paths `DIR/RELEASE.json` declares withheld, if there is one that
/// parses: only to name them in an error (`verify` checks the file).
fn withheld(dir: &Path) -> Vec<String> {
    crate::release::read(&dir.join(crate::release::RELEASE_FILE))
        .map(|release| release.withheld.into_iter().map(|w| w.path).collect())
        .unwrap_or_default()
}
