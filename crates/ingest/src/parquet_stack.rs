//! Parquet inputs in The Stack's layout, read in record batches.

use std::fs::File;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use corpusledger_model::{DocMeta, Document, Reason, Rejection, SourceRef};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

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
/// has; a batch that fails to decode ends the file at that row.
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
    let builder = match ParquetRecordBatchReaderBuilder::try_new(file) {
        Ok(builder) => builder,
        Err(err) => {
            let detail = format!("not a readable Parquet file: {err}; re-create or re-download it");
            return sink(vec![Item::Rejected(rejection(input, 0, Reason::Unreadable, detail))]);
        }
    };
    let n_rows = builder.metadata().file_metadata().num_rows();
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let find = |candidates: &[&str]| candidates.iter().find_map(|c| names.iter().position(|n| n == c));
    let Some(content) = find(CONTENT) else {
        let detail = format!(
            "no content column (looked for {}; the file has {}); its {n_rows} rows were not read",
            CONTENT.join(", "),
            names.join(", ")
        );
        return sink(vec![Item::Rejected(rejection(input, 0, Reason::ParseError, detail))]);
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
    let wanted: Vec<usize> = [
        Some(columns.content),
        columns.repo,
        columns.path,
        columns.licenses,
        columns.stars,
        columns.revision,
        columns.language,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
    let reader = match builder.with_projection(mask).with_batch_size(BATCH_ROWS).build() {
        Ok(reader) => reader,
        Err(err) => {
            return sink(vec![Item::Rejected(rejection(
                input,
                0,
                Reason::Unreadable,
                format!("cannot read: {err}"),
            ))]);
        }
    };
    // The projection keeps the file's column order, so map names again.
    let mut row = 0u64;
    for batch in reader {
        match batch {
            Ok(batch) => {
                let items = rows_of(input, &batch, &names, &columns, row);
                row += batch.num_rows() as u64;
                sink(items);
            }
            Err(err) => {
                let detail = format!(
                    "rows from {row} on could not be decoded: {err}; {} of {n_rows} rows were read",
                    row
                );
                return sink(vec![Item::Rejected(rejection(input, row, Reason::Unreadable, detail))]);
            }
        }
    }
}

fn rows_of(input: &Input, batch: &RecordBatch, names: &[String], columns: &Columns, first_row: u64) -> Vec<Item> {
    let column = |idx: Option<usize>| idx.and_then(|i| batch.column_by_name(&names[i]).cloned());
    let content = match column(Some(columns.content)).map(|c| cast(&c, &DataType::LargeBinary)) {
        Some(Ok(c)) => c,
        other => {
            let detail = match other {
                Some(Err(err)) => format!("the content column is not text: {err}"),
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
