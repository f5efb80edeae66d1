use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::{DocId, Reason};

/// Where a document came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SourceRef {
    /// The input's label: the path given on the command line, normalised.
    /// Shared by all documents of the input.
    pub input: Arc<str>,
    /// The file inside the input: a path relative to a directory input, or
    /// empty when the input is a single JSONL/Parquet file.
    pub key: String,
    /// The line (1-based, JSONL) or row (0-based, Parquet) inside `key`, or 0
    /// for a file of a directory tree.
    pub row: u64,
    /// The repository the document belongs to, when known; shared by the
    /// documents of a repository where the reader can.
    pub repo: Option<Arc<str>>,
    /// The path of the document inside its repository, when known.
    pub path: Option<String>,
}

impl SourceRef {
    /// The document id this source derives.
    pub fn doc_id(&self) -> DocId {
        DocId::derive(&self.input, &self.key, self.row)
    }

    /// A human-readable location: `input/key:line` style, for messages.
    pub fn display(&self) -> String {
        let mut s = self.input.to_string();
        if !self.key.is_empty() {
            s.push('/');
            s.push_str(&self.key);
        }
        if self.row > 0 || (!self.input.is_empty() && self.key.is_empty()) {
            s.push_str(&format!(":{}", self.row));
        }
        s
    }
}

/// Metadata an input may carry next to the content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocMeta {
    /// A license declared by the input (a JSONL field, Stack licenses column).
    pub license: Option<String>,
    /// The repository's star count, when the input says (The Stack).
    pub stars: Option<i64>,
    /// A language named by the input.
    pub language: Option<String>,
    /// The revision (git blob or commit) named by the input.
    pub revision: Option<String>,
    /// Tags the input gives (a Stack Exchange question's), from which a
    /// language can be read when the document has no file name.
    pub tags: Vec<String>,
    /// Attribution the license requires, one per post the document holds
    /// (Stack Exchange); their licenses are the document's declared license.
    pub credits: Vec<crate::Credit>,
}

/// A file on disk that a document was read from, for license look-ups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    /// The repository's root directory on disk.
    pub repo_root: PathBuf,
    /// The file itself.
    pub file: PathBuf,
}

/// One document as read by ingest, before any check.
pub struct Document {
    /// Where it came from.
    pub source: SourceRef,
    /// Its bytes (owned, or a memory map for large files).
    pub content: Box<dyn AsRef<[u8]> + Send + Sync>,
    /// What the input says about it.
    pub meta: DocMeta,
    /// The file on disk, for directory inputs.
    pub local: Option<LocalFile>,
}

impl Document {
    /// The document's bytes.
    pub fn bytes(&self) -> &[u8] {
        (*self.content).as_ref()
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("source", &self.source)
            .field("bytes", &self.bytes().len())
            .field("meta", &self.meta)
            .finish()
    }
}

/// One span a content filter replaced by a placeholder. The span itself is
/// never kept: only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Redaction {
    /// The document.
    pub source: SourceRef,
    /// The rule, e.g. `secret:github-pat` or `pii:email`.
    pub rule: String,
    /// 1-based line of the original text where the span started.
    pub line: u32,
    /// Byte offset of the placeholder in the published (redacted) content.
    pub offset: u64,
    /// The placeholder, e.g. `<KEY>`.
    pub placeholder: String,
    /// SHA-256 of the original span.
    pub span_sha256: [u8; 32],
}

/// A document, or a part of an input, that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rejection {
    /// Where it came from.
    pub source: SourceRef,
    /// Why it was rejected.
    pub reason: Reason,
    /// What went wrong and what to do, for the ledger's `detail` column.
    pub detail: String,
    /// SHA-256 of the bytes, when they could be read.
    pub content_sha256: Option<[u8; 32]>,
    /// The size in bytes, when known.
    pub bytes: u64,
}
