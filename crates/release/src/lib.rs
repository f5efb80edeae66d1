//! Partial releases: a dataset with some of its files withheld, still
//! checkable against its full, signed manifest.
//!
//! [`release`] copies a verified dataset into an empty directory, leaving
//! out every file a `--withhold` [`Rule`] matches. Granularity is the whole
//! file: each copied file is byte-identical, so its SHA-256 is the
//! manifest's and the Merkle root still checks from the manifest's leaves.
//! `manifest.json` and its signature `manifest.json.minisig` are copied
//! unchanged, as are the other files derived from the manifest
//! (`DATASHEET.md`, `README.md`, ...: they describe the full dataset). Last
//! it writes `RELEASE.json` ([`corpusledger_manifest::release::ReleaseFile`]),
//! which lists each withheld file with its manifest entry and the rules
//! that withheld it; `corpusledger verify` reads it.
//!
//! Rules ([`Rule::parse`]):
//!
//! - `license:CATEGORY` (`permissive`, `copyleft`, `other`, `unknown`):
//!   every data shard holding a document whose concluded license is of that
//!   category;
//! - `license:ID` (an SPDX id such as `GPL-3.0-only`, or `NOASSERTION`):
//!   every data shard holding a document whose concluded expression names it;
//! - `repo:GLOB`: every data shard holding a document from a matching
//!   repository;
//! - `file:GLOB`: every listed file whose path matches (`*` stays within a
//!   folder), e.g. `file:data/part-00003.parquet`, `file:removed.parquet`.
//!
//! License and repository rules read the manifest's per-shard provenance
//! (the same object as each shard's `corpusledger.provenance` footer); the
//! ledger, attribution table and index describe every document and are
//! withheld only by a `file:` rule. A rule that matches nothing is refused,
//! so a typo does not release everything.
#![deny(missing_docs)]

pub mod amend;
pub mod diff;
mod rule;
mod shard;
mod table;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use corpusledger_manifest::release::{Because, FORMAT, RELEASE_FILE, ReleaseFile, VERSION, Withheld};
use corpusledger_manifest::{Manifest, canonical};
use corpusledger_verify::{DERIVED_FILES, MANIFEST};
use sha2::{Digest, Sha256};

pub use rule::Rule;

/// Why a release could not be made. Nothing is written before the rules,
/// the source and the output directory have been checked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule does not parse.
    #[error("--withhold {rule}: {reason}")]
    MalformedRule {
        /// The rule as given.
        rule: String,
        /// What is wrong, and what to write instead.
        reason: String,
    },
    /// No rule was given.
    #[error("no --withhold rule: give at least one (license:ID, license:CATEGORY, repo:GLOB or file:GLOB)")]
    NoRules,
    /// A rule withholds no file.
    #[error("--withhold {rule} matches nothing: {hint}; nothing was written")]
    NoMatch {
        /// The rule as given.
        rule: String,
        /// Where to look for what it could match.
        hint: &'static str,
    },
    /// The source has no manifest.
    #[error("{}: no manifest.json; give the output directory of a `corpusledger run`", .0.display())]
    NoManifest(PathBuf),
    /// The source's manifest cannot be used.
    #[error(transparent)]
    Manifest(#[from] corpusledger_manifest::Error),
    /// The source is itself a partial release.
    #[error("{}: already a partial release (it has RELEASE.json); release from the full dataset", .0.display())]
    SourceIsRelease(PathBuf),
    /// The source does not match its manifest.
    #[error(
        "{}: does not verify ({findings} finding(s), first: {first}); run `corpusledger verify {}` and release only a dataset that verifies",
        dir.display(),
        dir.display()
    )]
    SourceInvalid {
        /// The source.
        dir: PathBuf,
        /// Failing findings.
        findings: usize,
        /// The first one, as `code file: message`.
        first: String,
    },
    /// The output directory is not empty.
    #[error("{}: exists and is not empty; give a new or empty directory for the release", .0.display())]
    OutNotEmpty(PathBuf),
    /// The output directory is inside the source.
    #[error("{}: inside the dataset being released; give a directory outside it", .0.display())]
    OutInsideSource(PathBuf),
    /// A data shard's repositories could not be read.
    #[error("{}: cannot read its repositories for a repo: rule: {reason}", path.display())]
    ShardUnreadable {
        /// The shard.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// A file changed between verification and copying.
    #[error(
        "{}: changed while it was copied (its SHA-256 is no longer the manifest's); remove the release directory and try again",
        .0.display()
    )]
    Changed(PathBuf),
    /// `amend` was given no opt-out list.
    #[error("no --opt-out list: give at least one file of repo:, path: or sha256: entries")]
    NoOptOut,
    /// An opt-out list cannot be read or does not parse (the message names
    /// the file and line).
    #[error("{0}")]
    OptOut(String),
    /// Opted-out documents had copies removed in their favour, and the rule
    /// for them is to refuse.
    #[error(
        "{clusters} opted-out document(s) had {copies} copies removed in their favour (first: {first}); nothing in the data would carry those copies' content. Give --orphans stay-removed to keep them out (their ledger rows will say so), or run the inputs again with the opt-out list; nothing was written"
    )]
    Orphans {
        /// Opted-out kept documents with copies.
        clusters: usize,
        /// The copies.
        copies: u64,
        /// The first few, as `doc id (n copies)`.
        first: String,
    },
    /// A file of the dataset could not be read as what it should be.
    #[error("{}: {reason}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A new file could not be written.
    #[error("{0}; the output directory is incomplete, remove it and try again")]
    Write(String),
    /// Reading or writing failed.
    #[error("{}: {source}; the release directory is incomplete, remove it and try again", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// What a release holds.
#[derive(Debug)]
pub struct Summary {
    /// Files copied (outputs, the manifest and the files derived from it), sorted.
    pub copied: Vec<String>,
    /// Their bytes.
    pub copied_bytes: u64,
    /// The release file written.
    pub release: ReleaseFile,
}

/// Copies the dataset in `source` to the new or empty directory `out`,
/// withholding what `rules` match (see the crate documentation).
pub fn release(source: &Path, out: &Path, rules: &[String]) -> Result<Summary> {
    let parsed = rules.iter().map(|r| Rule::parse(r)).collect::<Result<Vec<_>>>()?;
    if parsed.is_empty() {
        return Err(Error::NoRules);
    }
    let manifest_path = source.join(MANIFEST);
    if !manifest_path.is_file() {
        return Err(Error::NoManifest(source.to_owned()));
    }
    let manifest = Manifest::read(&manifest_path)?;
    if std::fs::symlink_metadata(source.join(RELEASE_FILE)).is_ok() {
        return Err(Error::SourceIsRelease(source.to_owned()));
    }
    check_out(source, out)?;
    check_source(source, &manifest)?;
    let withheld = plan(source, &manifest, &parsed)?;
    let manifest_sha256 = hash_file(&manifest_path)?;
    let mut summary = Summary {
        copied: Vec::new(),
        copied_bytes: 0,
        release: ReleaseFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            manifest_sha256,
            merkle_root: manifest.merkle.root.clone(),
            rules: rules.to_vec(),
            withheld: Vec::new(),
        },
    };
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    for (i, output) in manifest.outputs.iter().enumerate() {
        if let Some(because) = withheld.get(&i) {
            summary.release.withheld.push(Withheld {
                path: output.path.clone(),
                kind: output.kind.clone(),
                rows: output.rows,
                bytes: output.bytes,
                sha256: output.sha256.clone(),
                because: because.clone(),
            });
            continue;
        }
        let (bytes, hash) = copy(&source.join(&output.path), &out.join(&output.path))?;
        if (bytes, hash.as_str()) != (output.bytes, output.sha256.as_str()) {
            return Err(Error::Changed(source.join(&output.path)));
        }
        summary.copied.push(output.path.clone());
        summary.copied_bytes += bytes;
    }
    copy_derived(source, out, &mut summary)?;
    let bytes = canonical::to_vec(&summary.release).expect("a release file serialises");
    write_new(&out.join(RELEASE_FILE), &bytes)?;
    summary.copied.sort();
    Ok(summary)
}

/// `out` must not exist, or be an empty directory, outside `source`.
fn check_out(source: &Path, out: &Path) -> Result<()> {
    if let Ok(mut entries) = std::fs::read_dir(out) {
        if entries.next().is_some() {
            return Err(Error::OutNotEmpty(out.to_owned()));
        }
    } else if std::fs::symlink_metadata(out).is_ok() {
        return Err(Error::OutNotEmpty(out.to_owned()));
    }
    // The nearest existing ancestor of `out`, resolved, must not be in `source`.
    let source = source.canonicalize().map_err(|e| io(source, e))?;
    let mut ancestor = Some(out);
    while let Some(dir) = ancestor {
        if let Ok(resolved) = dir.canonicalize() {
            if resolved.starts_with(&source) {
                return Err(Error::OutInsideSource(out.to_owned()));
            }
            break;
        }
        ancestor = dir.parent().filter(|p| !p.as_os_str().is_empty());
    }
    Ok(())
}

/// The source must verify: a release vouches for the files it copies.
fn check_source(source: &Path, manifest: &Manifest) -> Result<()> {
    let report = corpusledger_verify::verify(source, manifest);
    let failing: Vec<_> = report.findings.iter().filter(|f| !f.is_note()).collect();
    match failing.first() {
        None => Ok(()),
        Some(first) => Err(Error::SourceInvalid {
            dir: source.to_owned(),
            findings: failing.len(),
            first: format!(
                "{} {}: {}",
                first.code,
                first.file.as_deref().unwrap_or("-"),
                first.message
            ),
        }),
    }
}

/// Output index -> the rules that withhold it; refuses a rule that matches
/// nothing.
fn plan(source: &Path, manifest: &Manifest, rules: &[Rule]) -> Result<BTreeMap<usize, Vec<Because>>> {
    let mut withheld: BTreeMap<usize, Vec<Because>> = BTreeMap::new();
    for rule in rules {
        let mut any = false;
        for (i, output) in manifest.outputs.iter().enumerate() {
            let matched = rule.matches(source, output)?;
            if matched.is_empty() {
                continue;
            }
            any = true;
            withheld.entry(i).or_default().push(Because {
                rule: rule.text.clone(),
                matched,
            });
        }
        if !any {
            return Err(Error::NoMatch {
                rule: rule.text.clone(),
                hint: rule.hint(),
            });
        }
    }
    Ok(withheld)
}

/// The manifest, its signature and the other derived files that are
/// regular files in `source`, byte for byte.
fn copy_derived(source: &Path, out: &Path, summary: &mut Summary) -> Result<()> {
    for name in DERIVED_FILES.iter().filter(|n| **n != RELEASE_FILE) {
        let from = source.join(name);
        if !std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let (bytes, _) = copy(&from, &out.join(name))?;
        summary.copied.push((*name).to_owned());
        summary.copied_bytes += bytes;
    }
    let (_, hash) = sha256(&out.join(MANIFEST))?;
    if hash != summary.release.manifest_sha256 {
        return Err(Error::Changed(source.join(MANIFEST)));
    }
    Ok(())
}

/// Copies `from` to the new file `to` (parents created); returns the bytes
/// copied and their SHA-256.
fn copy(from: &Path, to: &Path) -> Result<(u64, String)> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    let mut reader = File::open(from).map_err(|e| io(from, e))?;
    let mut writer = File::create_new(to).map_err(|e| io(to, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| io(from, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n]).map_err(|e| io(to, e))?;
        total += n as u64;
    }
    writer.sync_all().map_err(|e| io(to, e))?;
    Ok((total, corpusledger_manifest::merkle::to_hex(&hasher.finalize().into())))
}

fn sha256(path: &Path) -> Result<(u64, String)> {
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    Ok((
        bytes.len() as u64,
        corpusledger_manifest::merkle::to_hex(&Sha256::digest(&bytes).into()),
    ))
}

fn hash_file(path: &Path) -> Result<String> {
    sha256(path).map(|(_, hash)| hash)
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create_new(path).map_err(|e| io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io(path, e))
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}
