//! Checks a published dataset against its manifest.
//!
//! [`verify_dir`] reads `DIR/manifest.json` (refusing one that is not a
//! version-1 manifest or that names a path outside `DIR`), then checks, and
//! reports every difference as a [`Finding`] with a stable kebab-case code:
//!
//! - each listed file: present, a regular file (never followed through a
//!   symlink), of the listed size and SHA-256 (`file-missing`,
//!   `file-not-regular`, `file-size-mismatch`, `file-hash-mismatch`);
//!   nothing else in the directory but the manifest's derived files
//!   (`file-unexpected`);
//! - the Merkle root recomputed over the listed files (`merkle-root-mismatch`,
//!   `merkle-leaves-mismatch`, `merkle-construction-unknown`,
//!   `outputs-unsorted`);
//! - each Parquet file: readable, with the listed row count
//!   (`file-unreadable`, `rows-mismatch`); each data shard's footer
//!   provenance equal to the manifest's (`shard-provenance-missing`,
//!   `shard-provenance-mismatch`) and each row's content matching its
//!   `content_sha256` (`content-hash-mismatch`), and each redaction record
//!   finds its placeholder at its offset (`redaction-missing`);
//! - the counts: `documents = kept + removed + rejected` (`counts-identity`),
//!   the inputs' documents sum to `documents` (`counts-inputs-mismatch`), the
//!   shards hold `kept` rows (`counts-kept-mismatch`), the ledger holds every
//!   removed and rejected document by reason (`counts-ledger-mismatch`), the
//!   kept rows' licenses give the manifest's histogram (`licenses-mismatch`);
//! - the ledger: no document both kept and in the ledger
//!   (`doc-kept-and-removed`), no document twice (`doc-id-duplicate`), every
//!   removed duplicate points to a kept document, or to one an amendment
//!   opted out (`ledger-kept-missing`);
//! - the attribution file, when there is one: listed as the manifest's
//!   `attribution` says (`attribution-file-mismatch`), with its stated rows
//!   (`attribution-rows-mismatch`), every row crediting a kept document
//!   (`attribution-kept-missing`);
//! - the document-level commitments, when the manifest has them: recomputed
//!   from the data shards (content hash, id, license, band keys from the
//!   content with the manifest's parameters) and the ledger, sorted, and
//!   compared root by root (`commitment-mismatch`,
//!   `commitment-construction-unknown`, `commitment-parameters-invalid`);
//! - in a partial release (`corpusledger release`), the release file
//!   `RELEASE.json`: well-formed (`release-malformed`), written for this
//!   manifest (`release-manifest-mismatch`), each file it declares withheld
//!   listed in the manifest with the same SHA-256 and size
//!   (`release-file-unlisted`, `release-file-mismatch`) and absent
//!   (`release-file-present`).
//!
//! [`previous::check`] (`verify --previous OLD/manifest.json`) checks the
//! link of an amended version to its predecessor and that the two differ
//! only by what the amendment states (`previous-*`, `amendment-*`).
//!
//! Two codes are notes, not failures ([`NOTES`]): `file-withheld`, a file
//! the release file validly declares withheld and that is absent (the Merkle
//! root still checks, from the manifest's leaf hashes), and `checks-skipped`,
//! the checks that need every file (counts over rows, the license
//! histogram, the ledger and attribution against the data shards, the
//! recomputed commitments) when some are withheld. A report with only notes is valid.
//!
//! Nothing is read or written outside `DIR`.
#![deny(missing_docs)]

pub mod bases;
mod checks;
pub mod commit;
pub mod lookup;
pub mod previous;
pub mod proof;
pub mod release;
mod rows;
mod tables;

use std::path::{Path, PathBuf};

use corpusledger_manifest::Manifest;
use serde::Serialize;

/// The manifest's file name in a dataset directory.
pub const MANIFEST: &str = "manifest.json";

/// Files derived from the manifest that may sit beside the outputs without
/// being listed in it (they cannot be: each is written after it).
pub const DERIVED_FILES: &[&str] = &[
    MANIFEST,
    "manifest.json.minisig",
    "DATASHEET.md",
    "datasheet.html",
    "README.md",
    "croissant.json",
    "sbom.spdx.json",
    "sbom.cdx.json",
    // Not derived from the manifest, but written after it, by `release`.
    release::RELEASE_FILE,
];

/// Finding codes that are notes: reported, but the dataset is still valid.
pub const NOTES: &[&str] = &["file-withheld", "checks-skipped"];

/// Why verification could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The dataset directory is not a directory.
    #[error("{}: not a directory; give the dataset directory that holds manifest.json", .0.display())]
    NotADirectory(PathBuf),
    /// The manifest is missing or not a valid manifest.
    #[error(transparent)]
    Manifest(#[from] corpusledger_manifest::Error),
}

/// A [`Report`] as `verify --json` prints it (and the Python module returns
/// it): the verdict, what was checked and every finding.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// No finding but notes ([`NOTES`]).
    pub valid: bool,
    /// Output files checked.
    pub files: u64,
    /// Bytes hashed.
    pub bytes: u64,
    /// Rows read.
    pub rows: u64,
    /// The manifest's Merkle root.
    pub merkle_root: &'a str,
    /// Every difference found, in the order checked.
    pub findings: &'a [Finding],
}

impl<'a> From<&'a Report> for JsonReport<'a> {
    fn from(report: &'a Report) -> Self {
        JsonReport {
            valid: report.is_valid(),
            files: report.files,
            bytes: report.bytes,
            rows: report.rows,
            merkle_root: &report.merkle_root,
            findings: &report.findings,
        }
    }
}

/// One difference between the dataset and its manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case code (see the crate documentation).
    pub code: &'static str,
    /// The file concerned, relative to the dataset directory.
    pub file: Option<String>,
    /// What differs.
    pub message: String,
}

impl Finding {
    /// Whether this is a note (see [`NOTES`]), not a failure.
    pub fn is_note(&self) -> bool {
        NOTES.contains(&self.code)
    }
}

/// What was checked, and what was found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Every difference found, in the order checked.
    pub findings: Vec<Finding>,
    /// Output files checked.
    pub files: u64,
    /// Bytes hashed.
    pub bytes: u64,
    /// Rows read.
    pub rows: u64,
    /// The manifest's Merkle root.
    pub merkle_root: String,
}

impl Report {
    /// Whether the dataset matches its manifest: no finding but notes
    /// (files a release withholds, checks skipped for them).
    pub fn is_valid(&self) -> bool {
        self.findings.iter().all(Finding::is_note)
    }

    fn add(&mut self, code: &'static str, file: Option<&str>, message: impl Into<String>) {
        self.findings.push(Finding {
            code,
            file: file.map(str::to_owned),
            message: message.into(),
        });
    }
}

/// Checks the dataset in `dir` against its `manifest.json`.
pub fn verify_dir(dir: &Path) -> Result<(Manifest, Report), Error> {
    if !dir.is_dir() {
        return Err(Error::NotADirectory(dir.to_owned()));
    }
    let manifest = Manifest::read(&dir.join(MANIFEST))?;
    let report = verify(dir, &manifest);
    Ok((manifest, report))
}

/// [`verify`], with a delta release's duplicates of base documents checked
/// against the `bases` given (`verify --base`; see [`bases`]). An error
/// only when a base's manifest cannot be read.
pub fn verify_with_bases(dir: &Path, manifest: &Manifest, bases: &[PathBuf]) -> Result<Report, Error> {
    run_checks(dir, manifest, bases)
}

/// Checks only the files of the dataset in `dir`: each listed file present,
/// a regular file of the listed size and SHA-256, nothing unlisted, and the
/// Merkle root. What a run that deduplicates against the dataset needs
/// before it trusts what it reads (the files then are the manifest's).
pub fn verify_files(dir: &Path, manifest: &Manifest) -> Report {
    let mut report = Report {
        merkle_root: manifest.merkle.root.clone(),
        ..Report::default()
    };
    let withheld = release::declared(dir, manifest, &mut report);
    checks::files(dir, manifest, &withheld, &mut report);
    checks::merkle(manifest, &mut report);
    report
}

/// Checks the dataset in `dir` against `manifest`.
pub fn verify(dir: &Path, manifest: &Manifest) -> Report {
    run_checks(dir, manifest, &[]).expect("without bases nothing else is read")
}

fn run_checks(dir: &Path, manifest: &Manifest, bases: &[PathBuf]) -> Result<Report, Error> {
    let mut report = Report {
        merkle_root: manifest.merkle.root.clone(),
        ..Report::default()
    };
    let withheld = release::declared(dir, manifest, &mut report);
    let present = checks::files(dir, manifest, &withheld, &mut report);
    checks::merkle(manifest, &mut report);
    let tables = tables::read(dir, manifest, &present, &mut report);
    checks::skipped(manifest, &withheld, &mut report);
    checks::counts(manifest, &tables, &mut report);
    let external = checks::ledger(&tables, !manifest.bases.is_empty(), &mut report);
    bases::check(manifest, bases, &external, &mut report)?;
    checks::attribution(manifest, &tables, &mut report);
    commit::check(manifest, tables, &mut report);
    Ok(report)
}
