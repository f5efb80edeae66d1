//! Parquet outputs: data shards of kept documents and the removal ledger.
//!
//! [`ShardWriter`] writes [`DataRow`]s into `data/part-00000.parquet`, ...,
//! starting a new shard past a row or byte limit; [`write_ledger`] writes
//! [`LedgerRow`]s to `removed.parquet`; [`AttributionWriter`] writes the
//! [`AttributionRow`]s that CC BY-SA content (Stack Exchange posts) needs. Files are zstd-compressed with
//! bounded row groups, written under a temporary name and renamed into place
//! when complete, and reported as [`OutputFile`]s with rows, bytes and SHA-256.
//! The same rows give the same bytes.
//!
//! ```
//! use corpusledger_output::{write_ledger, read_batches, LedgerRow, WriterConfig};
//! let dir = tempfile::tempdir().unwrap();
//! let row = LedgerRow { doc_id: "00".repeat(16), reason: "binary".into(), ..LedgerRow::default() };
//! let file = write_ledger(dir.path(), "removed.parquet", [row], &WriterConfig::default()).unwrap();
//! assert_eq!(file.rows, 1);
//! let batches = read_batches(&dir.path().join("removed.parquet")).unwrap();
//! assert_eq!(batches[0].num_rows(), 1);
//! ```
#![deny(missing_docs)]

mod index;
mod rows;
mod tree;
mod writer;

pub use index::{INDEX_FILES_KEY, IndexReader, IndexRow, KeyKind, band_key, key_of, write_index, write_sorted_index};
pub use rows::{
    AttributionRow, DataRow, Flag, LedgerRow, RedactionRow, attribution_schema, data_schema, data_schema_with,
    flag_list, ledger_rows_of, ledger_schema, redaction_schema,
};
pub use tree::{TREE_BASE, TREE_MAGIC, TreeFile, tree_path, write_streamed_tree, write_tree};
pub use writer::{
    AttributionWriter, OutputFile, ShardWriter, WriterConfig, read_batches, read_shard_provenance, read_text_columns,
    read_text_columns_in, row_group_rows, sha256_file, shard_ranges, write_batches, write_data_batches, write_ledger,
    write_redactions,
};

use std::path::PathBuf;

/// Errors while writing outputs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Parquet or Arrow refused the data.
    #[error("cannot encode {}: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file read back is not what this crate writes.
    #[error("{}: {what}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
