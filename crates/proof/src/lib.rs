//! Disclosure without release: answers to "is this file in your data?"
//! that anyone checks against the public manifest alone (issue 20; the
//! constructions and the threat model are in `docs/disclosure.md`).
//!
//! The holder of a dataset runs [`Holder::prove`]: each query (a file, or a content
//! SHA-256) is answered from the dataset's commitment tree files
//! (`commitments/*.tree`) as kept, removed (with the kept copy) or absent,
//! each with inclusion or absence proofs in the manifest's `kept` and
//! `removed` trees, and, for a file, with one answer per LSH band in the
//! `bands` tree: which band keys a kept text shares, or proof that none
//! does. The answers go to a [`ProofFile`].
//!
//! The owner runs [`check`] with the manifest and, if they like, the files:
//! it recomputes the files' SHA-256 and band keys from the manifest's dedup
//! parameters, so the owner trusts nobody's hashing, and checks every proof
//! against the manifest's roots. Each refusal has a stable kebab-case code
//! ([`Finding`]).
#![deny(missing_docs)]

mod check;
mod format;
mod keyer;
mod prove;

pub use check::{Checked, Doc, Finding, Shown, check};
pub use format::{Answer, BandAnswer, FORMAT, Near, ProofFile, Status, VERSION};
pub use keyer::BandKeyer;
pub use prove::{Holder, Query, file_queries, to_bytes};

use std::path::PathBuf;

/// Why proving or checking could not run at all (as opposed to a proof that
/// does not verify, which is a [`Finding`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The dataset's manifest has no commitments.
    #[error(
        "{}: the manifest has no commitments (it was written before corpusledger made them); run the dataset again to prove anything about it",
        .0.display()
    )]
    NoCommitments(PathBuf),
    /// A commitment tree file is missing or does not match the manifest.
    #[error("{0}; the dataset's commitments/ folder must be the one its run wrote")]
    Tree(#[from] corpusledger_output::Error),
    /// The manifest's dedup parameters cannot give band keys.
    #[error("{}: cannot compute band keys from the manifest: {message}", path.display())]
    Parameters {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A query is not a content SHA-256.
    #[error("--sha256 {0}: not a SHA-256; give 64 hex digits")]
    BadQuery(String),
    /// The proof file is not a proof file of this version.
    #[error("{}: {message}", path.display())]
    BadProofFile {
        /// The proof file.
        path: PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
    /// The proof file was made against another manifest.
    #[error(
        "{}: made for the manifest with SHA-256 {stated}, but {} has SHA-256 {actual}; check it against the manifest it names",
        proof.display(),
        manifest.display()
    )]
    OtherManifest {
        /// The proof file.
        proof: PathBuf,
        /// The manifest given.
        manifest: PathBuf,
        /// The SHA-256 the proof names.
        stated: String,
        /// The manifest's SHA-256.
        actual: String,
    },
    /// The manifest does not parse.
    #[error(transparent)]
    Manifest(#[from] corpusledger_manifest::Error),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The manifest's commitments and the band keyer of its dedup parameters;
/// an error names `path` when it has no commitments or unusable parameters.
fn commitments_and_keyer<'m>(
    manifest: &'m corpusledger_manifest::Manifest,
    path: &std::path::Path,
) -> Result<(&'m corpusledger_manifest::commitments::Commitments, BandKeyer)> {
    let commitments = manifest
        .commitments
        .as_ref()
        .ok_or_else(|| Error::NoCommitments(path.to_owned()))?;
    let keyer = BandKeyer::new(&manifest.dedup).map_err(|message| Error::Parameters {
        path: path.to_owned(),
        message,
    })?;
    Ok((commitments, keyer))
}
