use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a document did not reach the output: removed as a duplicate, or rejected
/// before deduplication. The kebab-case names are the ledger's `reason` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Byte-identical to the kept document of its cluster.
    ExactDuplicate,
    /// Near-identical (verified Jaccard) to a document of its cluster.
    NearDuplicate,
    /// Holds a NUL byte.
    Binary,
    /// Not valid UTF-8.
    NotUtf8,
    /// Larger than `max-file-bytes`.
    TooLarge,
    /// No bytes, or only whitespace.
    Empty,
    /// Could not be read (permissions, I/O error, vanished, corrupt stream).
    Unreadable,
    /// A JSONL line or Parquet row that could not be parsed into a document.
    ParseError,
    /// A symbolic link, a device, a FIFO or another thing that is not a file.
    NotAFile,
    /// Matched an entry of an opt-out list (repository, path glob or content hash).
    OptedOut,
    /// Its concluded license is outside the license policy.
    LicenseDenied,
    /// Left out by the input's own filters (Stack Exchange tags, score, post
    /// type, code length, document mode).
    Filtered,
    /// Holds a credential (content filter `secrets`, action `remove`).
    Secret,
    /// Holds personal data (content filter `pii`, action `remove`).
    Pii,
    /// Written by a tool, not a person (content filter `generated`).
    Generated,
    /// Another project's code copied in (content filter `vendored`).
    Vendored,
    /// Outside The Stack's line-length or alphanumeric thresholds (content
    /// filter `low-quality`).
    LowQuality,
    /// Holds a benchmark item's prompt or solution (`--decontaminate`).
    Contaminated,
    /// Its language is not one `--languages` keeps, or one
    /// `--exclude-languages` names.
    LanguageExcluded,
    /// A content filter failed on it (a bug): left out rather than
    /// published unchecked, and the run exits 1.
    FilterFailed,
}

impl Reason {
    /// All reasons, in ledger order.
    pub const ALL: [Reason; 12] = [
        Reason::ExactDuplicate,
        Reason::NearDuplicate,
        Reason::OptedOut,
        Reason::LicenseDenied,
        Reason::Filtered,
        Reason::Binary,
        Reason::NotUtf8,
        Reason::TooLarge,
        Reason::Empty,
        Reason::Unreadable,
        Reason::ParseError,
        Reason::NotAFile,
    ];

    /// The content filters' reasons (in the manifest only when a filter
    /// that removes runs, so that runs without filters keep their counts).
    pub const FILTERS: [Reason; 7] = [
        Reason::Secret,
        Reason::Pii,
        Reason::Generated,
        Reason::Vendored,
        Reason::LowQuality,
        Reason::Contaminated,
        Reason::LanguageExcluded,
    ];

    /// The kebab-case name used in the ledger and manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ExactDuplicate => "exact-duplicate",
            Reason::NearDuplicate => "near-duplicate",
            Reason::Binary => "binary",
            Reason::NotUtf8 => "not-utf8",
            Reason::TooLarge => "too-large",
            Reason::Empty => "empty",
            Reason::Unreadable => "unreadable",
            Reason::ParseError => "parse-error",
            Reason::NotAFile => "not-a-file",
            Reason::OptedOut => "opted-out",
            Reason::LicenseDenied => "license-denied",
            Reason::Filtered => "filtered",
            Reason::Secret => "secret",
            Reason::Pii => "pii",
            Reason::Generated => "generated",
            Reason::Vendored => "vendored",
            Reason::LowQuality => "low-quality",
            Reason::Contaminated => "contaminated",
            Reason::LanguageExcluded => "language-excluded",
            Reason::FilterFailed => "filter-failed",
        }
    }

    /// True for documents removed on purpose (duplicates, opt-outs, license
    /// policy), false for rejections (content or input that could not be used).
    pub fn is_removal(self) -> bool {
        matches!(
            self,
            Reason::ExactDuplicate
                | Reason::NearDuplicate
                | Reason::OptedOut
                | Reason::LicenseDenied
                | Reason::Filtered
                | Reason::Secret
                | Reason::Pii
                | Reason::Generated
                | Reason::Vendored
                | Reason::LowQuality
                | Reason::Contaminated
                | Reason::LanguageExcluded
        )
    }

    /// True when the reason means the input itself is damaged or unreadable,
    /// or the tool failed on it, which the run reports as an error (exit
    /// code 1), as opposed to content that is filtered by design (binary,
    /// too large, ...).
    pub fn is_input_error(self) -> bool {
        matches!(self, Reason::Unreadable | Reason::ParseError | Reason::FilterFailed)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
