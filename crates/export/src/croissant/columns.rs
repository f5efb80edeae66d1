//! The Parquet columns of data shards and of the ledger, as Croissant fields.
//!
//! They mirror `corpusledger_output::{data_schema, ledger_schema}`; this
//! crate does not depend on the output stage (and Arrow), so the integration
//! test `export` checks that the two lists agree.

/// A column's Croissant data type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text: `sc:Text`.
    Text,
    /// An unsigned integer: `sc:Integer`.
    Integer,
    /// A 64-bit float: `sc:Float`.
    Float,
    /// A boolean: `sc:Boolean`.
    Boolean,
    /// A list of texts: `sc:Text` with `isArray`.
    TextList,
}

impl ColumnType {
    /// The `dataType` value.
    pub fn data_type(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::TextList => "sc:Text",
            ColumnType::Integer => "sc:Integer",
            ColumnType::Float => "sc:Float",
            ColumnType::Boolean => "sc:Boolean",
        }
    }
}

/// One Parquet column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name in the Parquet schema.
    pub name: &'static str,
    /// Its type.
    pub column_type: ColumnType,
    /// Whether it may be null.
    pub nullable: bool,
    /// What it holds.
    pub description: &'static str,
}

const fn column(name: &'static str, column_type: ColumnType, nullable: bool, description: &'static str) -> Column {
    Column {
        name,
        column_type,
        nullable,
        description,
    }
}

use ColumnType::{Boolean, Float, Integer, Text, TextList};

/// The columns of a data shard (`data/part-NNNNN.parquet`), one row per kept document.
pub const DATA_COLUMNS: &[Column] = &[
    column("doc_id", Text, false, "Stable document id: 32 hex digits."),
    column("content", Text, false, "The document's text, as read."),
    column(
        "content_sha256",
        Text,
        false,
        "SHA-256 of the content's UTF-8 bytes, hex.",
    ),
    column("repo", Text, true, "Repository, when known."),
    column("path", Text, true, "Path inside the repository, when known."),
    column(
        "source_url",
        Text,
        true,
        "The document's address on the web, when the input gives one (a Stack Exchange post's).",
    ),
    column("input", Text, false, "Label of the input the document was read from."),
    column(
        "key",
        Text,
        false,
        "The file inside the input (empty when the input is one file).",
    ),
    column(
        "row",
        Integer,
        false,
        "Line (JSONL, 1-based) or row (Parquet, 0-based) inside `key`; 0 for files of a directory tree.",
    ),
    column(
        "language",
        Text,
        true,
        "Programming or markup language, from the file name, when known.",
    ),
    column("bytes", Integer, false, "Content size in bytes."),
    column(
        "declared_license",
        Text,
        true,
        "Declared license: package metadata or the input's license column.",
    ),
    column(
        "detected_license",
        Text,
        true,
        "Detected license: the nearest license files.",
    ),
    column(
        "header_license",
        Text,
        true,
        "The file's own SPDX-License-Identifier or license notice.",
    ),
    column(
        "license",
        Text,
        false,
        "Concluded SPDX license expression, or NOASSERTION.",
    ),
    column(
        "license_evidence",
        Text,
        false,
        "The rule that concluded the license and every piece of evidence, as a JSON object.",
    ),
    column("package", Text, true, "Package URL of the nearest package manifest."),
    column("revision", Text, true, "The commit the repository was read at."),
    column(
        "cluster_id",
        Text,
        true,
        "Id of the duplicate cluster (the kept document's id) when the document has duplicates.",
    ),
    column(
        "n_duplicates",
        Integer,
        false,
        "Documents removed in favour of this one.",
    ),
    column(
        "n_sources",
        Integer,
        false,
        "Documents of the cluster, this one included.",
    ),
    column(
        "cluster_sources",
        TextList,
        false,
        "Sources of the copies removed in favour of this one, in source order.",
    ),
    column(
        "cluster_licenses",
        TextList,
        false,
        "Distinct concluded licenses of the cluster, this one's included, sorted.",
    ),
    column(
        "license_conflict",
        Boolean,
        false,
        "The cluster mixes license categories (permissive, copyleft, other, unknown).",
    ),
];

/// The columns of the ledger (`removed.parquet`), one row per removed or
/// rejected document.
pub const LEDGER_COLUMNS: &[Column] = &[
    column("doc_id", Text, false, "Stable document id: 32 hex digits."),
    column("repo", Text, true, "Repository, when known."),
    column("path", Text, true, "Path inside the repository, when known."),
    column("input", Text, false, "Label of the input the document was read from."),
    column("key", Text, false, "The file inside the input."),
    column("row", Integer, false, "Line or row inside `key`."),
    column(
        "content_sha256",
        Text,
        true,
        "SHA-256 of the bytes, when they could be read.",
    ),
    column("bytes", Integer, false, "Size in bytes, when known (else 0)."),
    column(
        "reason",
        Text,
        false,
        "Why it was removed or rejected, kebab-case (exact-duplicate, near-duplicate, binary, ...).",
    ),
    column("kept_doc_id", Text, true, "For duplicates: the kept document."),
    column("cluster_id", Text, true, "For duplicates: the cluster."),
    column(
        "jaccard",
        Float,
        true,
        "For near duplicates: exact Jaccard similarity to the kept document.",
    ),
    column(
        "license",
        Text,
        true,
        "For duplicates: the removed copy's concluded license.",
    ),
    column("detail", Text, false, "What happened, and what to do."),
];
