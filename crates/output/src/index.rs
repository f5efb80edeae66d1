//! The lookup index: where each content hash, document id and LSH band key
//! of a dataset sits, so `lookup` answers from a few row groups instead of a
//! scan.
//!
//! One Parquet file of rows `(key, kind, file, row)` sorted by `(key, kind,
//! file, row)`: `key` is the first 32 bits of `kind` 0, a document's content
//! SHA-256 (every kept, removed and hashed rejected document), 1, a band key
//! of a kept text, or 2, a kept document's id. `file` indexes the list of
//! files in the footer (key [`INDEX_FILES_KEY`]), `row` is the row in that
//! file. Row groups carry min/max statistics of `key`, so a reader reads only
//! the groups whose range holds the key it looks for.
//!
//! 32 bits are enough: a key only finds candidates, which the reader then
//! checks against the row itself (the full content hash, the document id, or
//! the exact Jaccard of shingle sets); with 40 million rows a key meets a
//! stranger about once in a hundred lookups. Sorted 32-bit keys are stored
//! delta-encoded, about one byte each.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, AsArray, RecordBatch, UInt8Array, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt8Type, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Encoding;
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use parquet::file::statistics::Statistics;
use parquet::schema::types::ColumnPath;

use crate::writer::{OpenFile, encode};
use crate::{Error, OutputFile, Result, WriterConfig};

/// The footer key listing the files that `file` indexes, as a JSON array.
pub const INDEX_FILES_KEY: &str = "corpusledger.index-files";

/// Rows per row group of the index: the unit a lookup reads.
const INDEX_GROUP_ROWS: usize = 65_536;

/// What an index key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum KeyKind {
    /// A content SHA-256.
    Content = 0,
    /// An LSH band key of a kept text.
    Band = 1,
    /// A kept document's id.
    DocId = 2,
}

/// One index entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexRow {
    /// The key: see [`key_of`] and [`band_key`].
    pub key: u32,
    /// What the key is.
    pub kind: KeyKind,
    /// Index into the index's file list.
    pub file: u32,
    /// Row in that file.
    pub row: u32,
}

/// The first 4 bytes of a hash or id (big-endian), as an index key.
pub fn key_of(bytes: &[u8]) -> u32 {
    let mut first = [0u8; 4];
    let n = bytes.len().min(4);
    first[..n].copy_from_slice(&bytes[..n]);
    u32::from_be_bytes(first)
}

/// A 64-bit LSH band key as an index key: its high 32 bits.
pub fn band_key(key: u64) -> u32 {
    (key >> 32) as u32
}

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("key", DataType::UInt32, false),
        Field::new("kind", DataType::UInt8, false),
        Field::new("file", DataType::UInt32, false),
        Field::new("row", DataType::UInt32, false),
    ]))
}

impl KeyKind {
    /// The kind a byte stands for (as `kind as u8` wrote it).
    pub fn from_u8(byte: u8) -> Option<KeyKind> {
        match byte {
            0 => Some(KeyKind::Content),
            1 => Some(KeyKind::Band),
            2 => Some(KeyKind::DocId),
            _ => None,
        }
    }
}

/// Sorts `rows` and writes them to `out_dir/rel`, with `files` in the footer.
pub fn write_index(
    out_dir: &Path,
    rel: &str,
    files: &[String],
    mut rows: Vec<IndexRow>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    rows.sort_unstable();
    write_sorted_index(out_dir, rel, files, rows.into_iter(), config)
}

/// Writes rows that come sorted (from an external sort, say) to
/// `out_dir/rel`, with `files` in the footer.
pub fn write_sorted_index(
    out_dir: &Path,
    rel: &str,
    files: &[String],
    rows: impl Iterator<Item = IndexRow>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    let config = WriterConfig {
        row_group_rows: INDEX_GROUP_ROWS,
        ..config.clone()
    };
    // Sorted keys delta-encode to about a byte; rows are spread evenly, so
    // their high bytes, split into their own stream, compress away.
    let (key, row) = (ColumnPath::from("key"), ColumnPath::from("row"));
    let mut file = OpenFile::create_with(out_dir, rel.to_owned(), schema(), &config, |props| {
        props
            .set_column_dictionary_enabled(key.clone(), false)
            .set_column_encoding(key, Encoding::DELTA_BINARY_PACKED)
            .set_column_dictionary_enabled(row.clone(), false)
            .set_column_encoding(row, Encoding::BYTE_STREAM_SPLIT)
    })?;
    let list = serde_json::to_string(files).map_err(|e| encode(&out_dir.join(rel), e))?;
    file.append_metadata(KeyValue::new(INDEX_FILES_KEY.to_owned(), list))?;
    let mut rows = rows.peekable();
    let mut chunk = Vec::with_capacity(INDEX_GROUP_ROWS);
    while rows.peek().is_some() {
        chunk.clear();
        chunk.extend(rows.by_ref().take(INDEX_GROUP_ROWS));
        let columns: Vec<Arc<dyn Array>> = vec![
            Arc::new(UInt32Array::from_iter_values(chunk.iter().map(|r| r.key))),
            Arc::new(UInt8Array::from_iter_values(chunk.iter().map(|r| r.kind as u8))),
            Arc::new(UInt32Array::from_iter_values(chunk.iter().map(|r| r.file))),
            Arc::new(UInt32Array::from_iter_values(chunk.iter().map(|r| r.row))),
        ];
        let batch = RecordBatch::try_new(schema(), columns).map_err(|e| encode(&out_dir.join(rel), e))?;
        file.write(batch, out_dir)?;
    }
    file.finish(out_dir)
}

/// An opened index: its footer read, row groups read on demand.
#[derive(Debug)]
pub struct IndexReader {
    path: std::path::PathBuf,
    metadata: Arc<ParquetMetaData>,
    /// The files `IndexRow::file` points into.
    pub files: Vec<String>,
}

impl IndexReader {
    /// Opens the index at `path`.
    pub fn open(path: &Path) -> Result<IndexReader> {
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| encode(path, e))?;
        let metadata = Arc::clone(builder.metadata());
        let files = metadata
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|kv| kv.key == INDEX_FILES_KEY))
            .and_then(|kv| kv.value.as_deref())
            .and_then(|v| serde_json::from_str(v).ok())
            .ok_or_else(|| {
                encode(
                    path,
                    format!("no {INDEX_FILES_KEY} in the footer: not a corpusledger index"),
                )
            })?;
        Ok(IndexReader {
            path: path.to_owned(),
            metadata,
            files,
        })
    }

    /// Every entry of kind `kind`, in key order (the whole index is read).
    pub fn all(&self, kind: KeyKind) -> Result<Vec<IndexRow>> {
        let file = File::open(&self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .map_err(|e| encode(&self.path, e))?;
        let mut rows = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| encode(&self.path, e))?;
            let column = |i: usize| batch.column(i);
            let (keys, kinds, files, places) = (
                column(0).as_primitive::<UInt32Type>(),
                column(1).as_primitive::<UInt8Type>(),
                column(2).as_primitive::<UInt32Type>(),
                column(3).as_primitive::<UInt32Type>(),
            );
            for i in 0..batch.num_rows() {
                if kinds.value(i) == kind as u8 {
                    rows.push(IndexRow {
                        key: keys.value(i),
                        kind,
                        file: files.value(i),
                        row: places.value(i),
                    });
                }
            }
        }
        Ok(rows)
    }

    /// Every entry with one of `keys` of kind `kind`, read from the row
    /// groups whose key range can hold them.
    pub fn find(&self, kind: KeyKind, keys: &[u32]) -> Result<Vec<IndexRow>> {
        let groups: Vec<usize> = (0..self.metadata.num_row_groups())
            .filter(|&g| {
                let stats = self.metadata.row_group(g).column(0).statistics();
                match stats {
                    Some(Statistics::Int32(s)) => match (s.min_opt(), s.max_opt()) {
                        // UInt32 is stored as INT32; its statistics compare unsigned.
                        (Some(&min), Some(&max)) => {
                            let (min, max) = (min as u32, max as u32);
                            keys.iter().any(|&k| min <= k && k <= max)
                        }
                        _ => true,
                    },
                    _ => true,
                }
            })
            .collect();
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        let file = File::open(&self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_row_groups(groups).build())
            .map_err(|e| encode(&self.path, e))?;
        let mut found = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| encode(&self.path, e))?;
            let key = batch.column(0).as_primitive::<UInt32Type>();
            let kinds = batch.column(1).as_primitive::<UInt8Type>();
            let file = batch.column(2).as_primitive::<UInt32Type>();
            let row = batch.column(3).as_primitive::<UInt32Type>();
            for i in 0..batch.num_rows() {
                if kinds.value(i) == kind as u8 && keys.contains(&key.value(i)) {
                    found.push(IndexRow {
                        key: key.value(i),
                        kind,
                        file: file.value(i),
                        row: row.value(i),
                    });
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]
        // Whatever the keys, `find` returns exactly the rows a scan would.
        #[test]
        fn find_equals_a_scan(keys in proptest::collection::vec(any::<u32>(), 1..200_000), probe in any::<u32>(), pick in 0usize..1000) {
            let rows: Vec<IndexRow> = keys
                .iter()
                .enumerate()
                .map(|(i, &key)| IndexRow { key, kind: if i % 3 == 0 { KeyKind::Band } else { KeyKind::Content }, file: (i % 5) as u32, row: i as u32 })
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let files = vec!["data/part-00000.parquet".to_owned()];
            write_index(dir.path(), "index/lookup.parquet", &files, rows.clone(), &WriterConfig::default()).unwrap();
            let index = IndexReader::open(&dir.path().join("index/lookup.parquet")).unwrap();
            prop_assert_eq!(&index.files, &files);
            let wanted = [keys[pick % keys.len()], probe, u32::MAX, 0];
            for kind in [KeyKind::Band, KeyKind::Content] {
                let mut expected: Vec<IndexRow> = rows.iter().filter(|r| r.kind == kind && wanted.contains(&r.key)).copied().collect();
                expected.sort_unstable();
                let mut found = index.find(kind, &wanted).unwrap();
                found.sort_unstable();
                prop_assert_eq!(found, expected);
            }
        }
    }
}
