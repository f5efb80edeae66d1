//! The proof file: what `corpusledger prove` writes and `check-proof` reads.

use std::path::Path;

use corpusledger_manifest::commitments::{KeyProof, LeafProof};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The `format` of every proof file.
pub const FORMAT: &str = "corpusledger-proof";

/// The version of the proof file this build writes and reads.
pub const VERSION: u32 = 1;

/// Answers to queries about one dataset, each with its proofs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProofFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The SHA-256 of the `manifest.json` bytes whose commitments the proofs
    /// lead to.
    pub manifest_sha256: String,
    /// One answer per query, in the order asked.
    pub answers: Vec<Answer>,
}

/// Where a content SHA-256 is in the dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A kept document has this content.
    Kept,
    /// No kept document has it, but a document with it was removed (or
    /// rejected).
    Removed,
    /// No document has it.
    Absent,
}

impl Status {
    /// Its name in the proof file.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::Removed => "removed",
            Status::Absent => "absent",
        }
    }
}

/// The answer to one query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Answer {
    /// The file the holder was asked about, as named on its command line;
    /// absent for a query by hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The content SHA-256 asked about, hex.
    pub sha256: String,
    /// The answer the proofs support.
    pub status: Status,
    /// Membership or absence of the SHA-256 in the `kept` tree.
    pub kept: KeyProof,
    /// Membership or absence of the SHA-256 in the `removed` tree.
    pub removed: KeyProof,
    /// When the `removed` leaf names the kept document it was removed in
    /// favour of: that document's leaf in the `kept` tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_copy: Option<LeafProof>,
    /// For a file: its band keys in the `bands` tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<Near>,
}

/// A file's LSH band keys, each shared with a kept text or proved absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Near {
    /// How many of the bands a kept text shares.
    pub shared: usize,
    /// One answer per band, in band order; none for a text too short to
    /// sign.
    pub bands: Vec<BandAnswer>,
}

/// One band key and its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BandAnswer {
    /// The band.
    pub band: u32,
    /// The file's key in that band, 16 hex digits.
    pub key: String,
    /// Membership (a kept text shares it) or absence in the `bands` tree.
    pub proof: KeyProof,
}

impl ProofFile {
    /// Reads and checks the envelope of a proof file: JSON, this format and
    /// version, and hashes that are hex.
    pub fn read(path: &Path) -> Result<ProofFile> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let bad = |message: String| Error::BadProofFile {
            path: path.to_owned(),
            message,
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("not JSON ({e}); give a file written by `corpusledger prove`")))?;
        match (value.get("format").and_then(|f| f.as_str()), value.get("version")) {
            (Some(FORMAT), Some(v)) if v.as_u64() == Some(u64::from(VERSION)) => {}
            (Some(FORMAT), v) => {
                return Err(bad(format!(
                    "a proof file of version {}, this corpusledger reads version {VERSION}; check it with the corpusledger that wrote it",
                    v.map_or("(none)".to_owned(), |v| v.to_string())
                )));
            }
            _ => {
                return Err(bad(format!(
                    "not a proof file (no \"format\": \"{FORMAT}\"); give a file written by `corpusledger prove`"
                )));
            }
        }
        let file: ProofFile = serde_json::from_value(value).map_err(|e| bad(format!("not a valid proof file: {e}")))?;
        if !is_sha256(&file.manifest_sha256) {
            return Err(bad("manifest-sha256 is not 64 hex digits".into()));
        }
        for (i, answer) in file.answers.iter().enumerate() {
            if !is_sha256(&answer.sha256) {
                return Err(bad(format!(
                    "answer {} asks about {:?}, which is not 64 hex digits",
                    i + 1,
                    answer.sha256
                )));
            }
        }
        Ok(file)
    }
}

/// Whether `hex` is 64 hex digits.
pub(crate) fn is_sha256(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}
