//! Parquet inputs in The Stack's layout, read in record batches.

use std::fs::File;
use std::ops::Range;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use corpusledger_model::{DocMeta, Document, Reason, Rejection, SourceRef};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};

use crate::{Input, Item};

/// Candidate column names, first present wins.
const CONTENT: &[&str] = &["content", "text"];
const REPO: &[&str] = &["max_stars_repo_name", "repo_name", "repo"];
const PATH: &[&str] = &["max_stars_repo_path", "path"];
const LICENSES: &[&str] = &["max_stars_repo_licenses", "licenses", "license"];
const STARS: &[&str] = &["max_stars_count", "stars"];
const REVISION: &[&str] = &["hexsha", "revision"];
const LANGUAGE: &[&str] = &["lang", "language"];

/// Rows per record batch: bounds memory to this many documents of at most
/// `max-file-bytes` each.
const BATCH_ROWS: usize = 256;

/// Rejections of an undecodable row group per batch handed to the sink.
const REJECTIONS_PER_BATCH: usize = 65_536;

struct Columns {
    content: usize,
    repo: Option<usize>,
    path: Option<usize>,
    licenses: Option<usize>,
    stars: Option<usize>,
    revision: Option<usize>,
    language: Option<usize>,
}

/// Streams a Parquet input. A file that cannot be opened or lacks a content
/// column is one `unreadable` / `parse-error` rejection naming the columns it
/// has. Row groups are read one by one: a group that fails to decode is an
/// `unreadable` rejection for each of its rows not read, and the next group
/// is read.
pub(crate) fn read(input: &Input, sink: &mut dyn FnMut(Vec<Item>)) {
    let file = match File::open(&input.path) {
        Ok(file) => file,
        Err(err) => {
            return sink(vec![Item::Rejected(rejection(
                input,
                0,
                Reason::Unreadable,
                format!("cannot open: {err}"),
            ))]);
        }
    };
    let metadata =
        contain(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()).map_err(|e| e.to_string()));
    let metadata = match metadata {
        Ok(metadata) => metadata,
        Err(err) => {
            let detail = format!("not a readable Parquet file: {err}; re-create or re-download it");
            return sink(vec![Item::Rejected(rejection(input, 0, Reason::Unreadable, detail))]);
        }
    };
    let layout = match Layout::of(&metadata) {
        Ok(layout) => layout,
        Err(detail) => {
            // The footer counts the rows: each is rejected, none is lost
            // from the counts (an empty file still gets one rejection, so
            // the problem is seen).
            let n_rows = metadata.metadata().file_metadata().num_rows().max(1) as u64;
            let mut first = 0;
            while first < n_rows {
                let end = (first + REJECTION_BATCH).min(n_rows);
                let batch = (first..end)
                    .map(|row| Item::Rejected(rejection(input, row, Reason::ParseError, detail.clone())))
                    .collect();
                sink(batch);
                first = end;
            }
            return;
        }
    };
    let mut first_row = 0u64;
    for (group_idx, group) in metadata.metadata().row_groups().iter().enumerate() {
        let rows = first_row..first_row + group.num_rows() as u64;
        read_group(input, &file, &metadata, &layout, group_idx, rows.clone(), sink);
        first_row = rows.end;
    }
}

/// Rejections handed to the sink at a time, for a file none of whose rows
/// can be read.
const REJECTION_BATCH: u64 = 8192;

/// Where the wanted columns are, and the projection that reads only them.
struct Layout {
    names: Vec<String>,
    columns: Columns,
    mask: ProjectionMask,
}

impl Layout {
    /// The layout, or the detail of a rejection when there is no content column.
    fn of(metadata: &ArrowReaderMetadata) -> Result<Layout, String> {
        let names: Vec<String> = metadata.schema().fields().iter().map(|f| f.name().clone()).collect();
        let find = |candidates: &[&str]| candidates.iter().find_map(|c| names.iter().position(|n| n == c));
        let Some(content) = find(CONTENT) else {
            return Err(format!(
                "no content column (looked for {}; the file has {}): no row can be read; give the file The Stack's layout",
                CONTENT.join(", "),
                names.join(", ")
            ));
        };
        let columns = Columns {
            content,
            repo: find(REPO),
            path: find(PATH),
            licenses: find(LICENSES),
            stars: find(STARS),
            revision: find(REVISION),
            language: find(LANGUAGE),
        };
        let wanted = [
            Some(columns.content),
            columns.repo,
            columns.path,
            columns.licenses,
            columns.stars,
            columns.revision,
            columns.language,
        ];
        let mask = ProjectionMask::roots(metadata.parquet_schema(), wanted.into_iter().flatten());
        Ok(Layout { names, columns, mask })
    }
}

/// Reads row group `group_idx`, whose rows are `rows` of the file; what it
/// cannot decode becomes one rejection per row.
fn read_group(
    input: &Input,
    file: &File,
    metadata: &ArrowReaderMetadata,
    layout: &Layout,
    group_idx: usize,
    rows: Range<u64>,
    sink: &mut dyn FnMut(Vec<Item>),
) {
    let reader = file.try_clone().map_err(|err| err.to_string()).and_then(|file| {
        contain(|| {
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata.clone())
                .with_projection(layout.mask.clone())
                .with_row_groups(vec![group_idx])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|err| err.to_string())
        })
    });
    let mut reader = match reader {
        Ok(reader) => reader,
        Err(err) => {
            return reject_rows(
                input,
                rows,
                &format!("row group {group_idx} cannot be read: {err}"),
                sink,
            );
        }
    };
    let mut row = rows.start;
    loop {
        let next = contain(|| {
            reader
                .next()
                .map(|batch| batch.map_err(|err| err.to_string()))
                .transpose()
        });
        match next {
            Ok(None) => return,
            Ok(Some(batch)) => {
                // The projection keeps the file's column order, so columns
                // are found by name.
                let items = rows_of(input, &batch, &layout.names, &layout.columns, row);
                row += batch.num_rows() as u64;
                sink(items);
            }
            Err(err) => {
                let what = format!("row group {group_idx} could not be decoded from row {row} on: {err}");
                return reject_rows(input, row..rows.end, &what, sink);
            }
        }
    }
}

/// Runs one step of the Parquet decoder, with a panic as an error (see
/// [`corpusledger_model::contain_decoder_panic`]).
fn contain<T>(step: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    corpusledger_model::contain_decoder_panic(step).and_then(|result| result)
}

/// One `unreadable` rejection per row of `rows`, in batches.
fn reject_rows(input: &Input, rows: Range<u64>, what: &str, sink: &mut dyn FnMut(Vec<Item>)) {
    let detail = format!("{what}; the other row groups are read; re-create or re-download the file");
    let mut batch = Vec::new();
    for row in rows {
        batch.push(Item::Rejected(rejection(
            input,
            row,
            Reason::Unreadable,
            detail.clone(),
        )));
        if batch.len() == REJECTIONS_PER_BATCH {
            sink(std::mem::take(&mut batch));
        }
    }
    if !batch.is_empty() {
        sink(batch);
    }
}

fn rows_of(input: &Input, batch: &RecordBatch, names: &[String], columns: &Columns, first_row: u64) -> Vec<Item> {
    let column = |idx: Option<usize>| idx.and_then(|i| batch.column_by_name(&names[i]).cloned());
    let content = match column(Some(columns.content)).map(content_bytes) {
        Some(Ok(c)) => c,
        other => {
            let detail = match other {
                Some(Err(err)) => err,
                _ => "the content column is missing from a batch".to_owned(),
            };
            return (0..batch.num_rows())
                .map(|i| {
                    Item::Rejected(rejection(
                        input,
                        first_row + i as u64,
                        Reason::ParseError,
                        detail.clone(),
                    ))
                })
                .collect();
        }
    };
    let content = content.as_binary::<i64>();
    let repo = text_column(column(columns.repo));
    let path = text_column(column(columns.path));
    let revision = text_column(column(columns.revision));
    let language = text_column(column(columns.language));
    let licenses = column(columns.licenses);
    let stars = column(columns.stars).and_then(|c| cast(&c, &DataType::Int64).ok());
    (0..batch.num_rows())
        .map(|i| {
            let row = first_row + i as u64;
            let mut source = SourceRef {
                input: input.label.clone(),
                key: String::new(),
                row,
                repo: None,
                path: None,
            };
            if content.is_null(i) {
                let detail = format!("row {row}: content is null");
                return Item::Rejected(Rejection {
                    source,
                    reason: Reason::ParseError,
                    detail,
                    content_sha256: None,
                    bytes: 0,
                });
            }
            source.repo = text_at(&repo, i).map(Into::into);
            source.path = text_at(&path, i);
            let meta = DocMeta {
                license: licenses.as_ref().and_then(|c| license_at(c, i)),
                stars: stars
                    .as_ref()
                    .filter(|c| c.is_valid(i))
                    .map(|c| c.as_primitive::<arrow::datatypes::Int64Type>().value(i)),
                language: text_at(&language, i),
                revision: text_at(&revision, i),
                tags: Vec::new(),
                credits: Vec::new(),
            };
            Item::Doc(Document {
                source,
                content: Box::new(content.value(i).to_vec()),
                meta,
                local: None,
            })
        })
        .collect()
}

/// The content column as bytes. Only text and binary columns qualify: Arrow
/// would also cast numbers to bytes (an int64 to its 8 little-endian bytes),
/// which would turn a wrong column into documents.
fn content_bytes(column: ArrayRef) -> Result<ArrayRef, String> {
    if !is_text_or_binary(column.data_type()) {
        return Err(format!(
            "the content column is {}, not text; point the reader at a text column",
            column.data_type()
        ));
    }
    cast(&column, &DataType::LargeBinary).map_err(|err| format!("the content column is not text: {err}"))
}

fn is_text_or_binary(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView => true,
        DataType::Dictionary(_, values) => is_text_or_binary(values),
        _ => false,
    }
}

fn text_column(column: Option<ArrayRef>) -> Option<ArrayRef> {
    column.and_then(|c| cast(&c, &DataType::LargeUtf8).ok())
}

fn text_at(column: &Option<ArrayRef>, i: usize) -> Option<String> {
    let column = column.as_ref()?;
    if column.is_null(i) {
        return None;
    }
    let value = column.as_string::<i64>().value(i);
    (!value.is_empty()).then(|| value.to_owned())
}

/// The licenses of a row: a list of SPDX ids (joined with OR) or one string.
fn license_at(column: &ArrayRef, i: usize) -> Option<String> {
    if column.is_null(i) {
        return None;
    }
    match column.data_type() {
        DataType::List(_) | DataType::LargeList(_) => {
            let values = match column.data_type() {
                DataType::List(_) => column.as_list::<i32>().value(i),
                _ => column.as_list::<i64>().value(i),
            };
            let values = cast(&values, &DataType::LargeUtf8).ok()?;
            let values = values.as_string::<i64>();
            let ids = (0..values.len())
                .filter(|&j| values.is_valid(j))
                .map(|j| values.value(j).to_owned())
                .collect();
            corpusledger_model::any_of(ids)
        }
        _ => text_at(&text_column(Some(column.clone())), i),
    }
}

fn rejection(input: &Input, row: u64, reason: Reason, detail: String) -> Rejection {
    input.reject("", row, reason, detail)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn read_column(column: ArrayRef) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.parquet");
        let schema = Arc::new(Schema::new(vec![Field::new(
            "content",
            column.data_type().clone(),
            true,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![column]).unwrap();
        let mut writer = parquet::arrow::ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        read_file(path)
    }

    /// Every item the reader gives for the Parquet file at `path`.
    fn read_file(path: std::path::PathBuf) -> Vec<Item> {
        let input = Input {
            label: "in.parquet".into(),
            path,
            kind: crate::InputKind::Parquet,
            error: None,
        };
        let mut items = Vec::new();
        read(&input, &mut |batch| items.extend(batch));
        items
    }

    /// Found by the corrupt-input matrix: a row group that failed to decode
    /// ended the file, and the row groups after it were never read.
    #[test]
    fn corrupt_row_group_is_rejected_per_row_and_the_next_group_read() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.parquet");
        let texts: Vec<String> = (0..30).map(|i| format!("fn f{i}() {{ {} }}", i * 7919)).collect();
        let schema = Arc::new(Schema::new(vec![Field::new("content", DataType::Utf8, false)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from(texts)) as ArrayRef]).unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_dictionary_enabled(false)
            .set_max_row_group_row_count(Some(10))
            .build();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(File::create(&path).unwrap(), schema, Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let chunk = SerializedFileReader::new(File::open(&path).unwrap())
            .unwrap()
            .metadata()
            .row_group(1)
            .column(0)
            .clone();
        let middle = (chunk.data_page_offset() + chunk.compressed_size() / 2) as usize;
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[middle..middle + 16].iter_mut().for_each(|b| *b = 0xff);
        std::fs::write(&path, bytes).unwrap();
        let items = read_file(path);
        let (mut kept, mut rejected) = (Vec::new(), Vec::new());
        for item in &items {
            match item {
                Item::Doc(doc) => kept.push(doc.source.row),
                Item::Rejected(r) => {
                    assert_eq!(r.reason, Reason::Unreadable);
                    assert!(
                        r.detail.starts_with("row group 1 could not be decoded from row 10 on"),
                        "{}",
                        r.detail
                    );
                    rejected.push(r.source.row);
                }
            }
        }
        assert_eq!(kept, (0..10).chain(20..30).collect::<Vec<u64>>());
        assert_eq!(rejected, (10..20).collect::<Vec<u64>>());
    }

    /// Found by the corrupt-input matrix: an int64 content column was cast
    /// to each number's 8 bytes, which became documents (rejected as binary
    /// only when a byte happened to be 0).
    #[test]
    fn int64_content_column_is_a_parse_error_per_row() {
        let items = read_column(Arc::new(Int64Array::from(vec![0x4141_4141_4141_4141, 2])));
        let rows: Vec<(u64, Reason)> = items
            .iter()
            .map(|item| match item {
                Item::Rejected(r) if r.detail.contains("the content column is Int64, not text") => {
                    (r.source.row, r.reason)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(rows, [(0, Reason::ParseError), (1, Reason::ParseError)]);
    }

    #[test]
    fn text_content_with_a_null_is_read() {
        let items = read_column(Arc::new(StringArray::from(vec![Some("fn a() {}"), None])));
        assert!(matches!(&items[0], Item::Doc(doc) if doc.bytes() == b"fn a() {}"));
        assert!(matches!(&items[1], Item::Rejected(r) if r.source.row == 1 && r.reason == Reason::ParseError));
    }
}
