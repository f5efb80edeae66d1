use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, ListBuilder, RecordBatch, StringBuilder, StructBuilder, UInt32Builder,
    UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// One kept document, a row of a data shard. It serialises (every field,
/// in order) so that the stage that decides which documents are kept can
/// hand the rows to the tasks that write the shards.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DataRow {
    /// Stable id: 32 hex digits.
    pub doc_id: String,
    /// The text.
    pub content: String,
    /// SHA-256 of the content's bytes, hex.
    pub content_sha256: String,
    /// Repository, when known.
    pub repo: Option<String>,
    /// Path inside the repository, when known.
    pub path: Option<String>,
    /// The document's address on the web, when the input gives one (a Stack
    /// Exchange post's; a question-answer document's question's).
    pub source_url: Option<String>,
    /// The input's label.
    pub input: String,
    /// The file inside the input (empty when the input is one file).
    pub key: String,
    /// Line (JSONL, 1-based) or row (Parquet, 0-based); 0 for tree files.
    pub row: u64,
    /// Language, when known.
    pub language: Option<String>,
    /// Content size in bytes.
    pub bytes: u64,
    /// Declared license: package metadata or the input's license column.
    pub declared_license: Option<String>,
    /// Detected license: the nearest license files.
    pub detected_license: Option<String>,
    /// The file's own `SPDX-License-Identifier:` or license notice.
    pub header_license: Option<String>,
    /// Concluded SPDX expression, or `NOASSERTION`.
    pub license: String,
    /// The rule and every piece of evidence, as a JSON object.
    pub license_evidence: String,
    /// Package URL of the nearest package manifest.
    pub package: Option<String>,
    /// The commit the repository was read at.
    pub revision: Option<String>,
    /// Id of the cluster (the kept document's id) when it has duplicates.
    pub cluster_id: Option<String>,
    /// Documents removed in favour of this one.
    pub n_duplicates: u32,
    /// Documents of the cluster, this one included.
    pub n_sources: u32,
    /// The sources of the copies removed in favour of this one, in source order.
    pub cluster_sources: Vec<String>,
    /// Distinct concluded licenses of the cluster, this one's included, sorted.
    pub cluster_licenses: Vec<String>,
    /// The cluster mixes license categories (permissive, copyleft, other, unknown).
    pub license_conflict: bool,
    /// What the filters whose action is `flag` found, one list per flag
    /// column of the writer ([`crate::WriterConfig::flag_columns`]); empty
    /// when no filter flags.
    pub flags: Vec<Vec<Flag>>,
}

/// A filter's finding published beside the document (the `flag` action),
/// an item of a `<filter>_flags` column.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flag {
    /// The rule, `kind:name` (`secret:github-pat`, `generated:lock-file`).
    pub rule: String,
    /// 1-based line of the span in `content`; 0 for a rule on the whole file.
    pub line: u32,
    /// Byte offset in `content` where the span starts (0 for a whole-file
    /// rule).
    pub start: u64,
    /// Byte offset where it ends, exclusive (`start` for a whole-file rule).
    pub end: u64,
    /// More about it (the benchmark item a file holds), when there is more.
    pub note: Option<String>,
}

/// The column of a flag list whose items are [`Flag`]s.
pub fn flag_list() -> DataType {
    let item = Schema::new(vec![
        field("rule", DataType::Utf8, false),
        field("line", DataType::UInt32, false),
        field("start", DataType::UInt64, false),
        field("end", DataType::UInt64, false),
        field("note", DataType::Utf8, true),
    ]);
    DataType::List(Arc::new(Field::new("item", DataType::Struct(item.fields), true)))
}

fn flag_lists<'a>(values: impl Iterator<Item = &'a [Flag]>) -> ArrayRef {
    let DataType::List(item) = flag_list() else {
        unreachable!("a list")
    };
    let DataType::Struct(fields) = item.data_type().clone() else {
        unreachable!("of structs")
    };
    let mut b = ListBuilder::new(StructBuilder::from_fields(fields, 0)).with_field(item);
    for flags in values {
        let items = b.values();
        for flag in flags {
            let f = &mut *items;
            f.field_builder::<StringBuilder>(0)
                .expect("rule")
                .append_value(&flag.rule);
            f.field_builder::<UInt32Builder>(1)
                .expect("line")
                .append_value(flag.line);
            f.field_builder::<UInt64Builder>(2)
                .expect("start")
                .append_value(flag.start);
            f.field_builder::<UInt64Builder>(3).expect("end").append_value(flag.end);
            f.field_builder::<StringBuilder>(4)
                .expect("note")
                .append_option(flag.note.as_deref());
            f.append(true);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// One removed or rejected document, a row of the ledger.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LedgerRow {
    /// Stable id: 32 hex digits.
    pub doc_id: String,
    /// Repository, when known.
    pub repo: Option<String>,
    /// Path inside the repository, when known.
    pub path: Option<String>,
    /// The input's label.
    pub input: String,
    /// The file inside the input.
    pub key: String,
    /// Line or row inside `key`.
    pub row: u64,
    /// SHA-256 of the bytes, when they could be read.
    pub content_sha256: Option<String>,
    /// Size in bytes, when known.
    pub bytes: u64,
    /// Kebab-case reason (`exact-duplicate`, `binary`, ...).
    pub reason: String,
    /// For duplicates: the kept document.
    pub kept_doc_id: Option<String>,
    /// For duplicates: the cluster.
    pub cluster_id: Option<String>,
    /// For near duplicates: exact Jaccard to the kept document.
    pub jaccard: Option<f64>,
    /// For duplicates: the removed copy's concluded license.
    pub license: Option<String>,
    /// What happened, and what to do.
    pub detail: String,
}

/// One post whose content is in the data, with what its license requires
/// a publisher to show: a row of `ATTRIBUTION.parquet`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributionRow {
    /// The document in the data that carries the post's content.
    pub kept_doc_id: String,
    /// Where the kept document came from (`input/key:row`).
    pub kept_source: String,
    /// The kept document's concluded license.
    pub kept_license: String,
    /// The document the post was read as: the kept one, or a copy removed
    /// in its favour.
    pub doc_id: String,
    /// `kept`, `exact-duplicate` or `near-duplicate`.
    pub role: String,
    /// The post's address.
    pub url: String,
    /// The question's title, when the post is a question.
    pub title: Option<String>,
    /// The author's display name, `user N` or `deleted user`.
    pub author: String,
    /// The author's profile, when the user exists.
    pub author_url: Option<String>,
    /// SPDX id of the post's license.
    pub license: String,
    /// How that license was decided.
    pub license_basis: String,
    /// When the post was written (UTC, as in the dump).
    pub created: String,
    /// When it was last edited, if it was.
    pub last_edited: Option<String>,
    /// The kept document's cluster mixes license categories.
    pub license_conflict: bool,
}

fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn lists<'a>(values: impl Iterator<Item = &'a Vec<String>>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for list in values {
        list.iter().for_each(|v| b.values().append_value(v));
        b.append(true);
    }
    Arc::new(b.finish())
}

fn u32s(values: impl Iterator<Item = u32>) -> ArrayRef {
    let mut b = UInt32Builder::new();
    values.for_each(|v| b.append_value(v));
    Arc::new(b.finish())
}

/// The schema of data shards (of a run where no filter flags).
pub fn data_schema() -> SchemaRef {
    data_schema_with(&[])
}

/// The schema of data shards with the flag columns `flag_columns` after
/// the others (each a list of [`Flag`]s, see [`flag_list`]).
pub fn data_schema_with(flag_columns: &[String]) -> SchemaRef {
    use DataType::{UInt32, UInt64, Utf8};
    let mut fields = vec![
        field("doc_id", Utf8, false),
        field("content", Utf8, false),
        field("content_sha256", Utf8, false),
        field("repo", Utf8, true),
        field("path", Utf8, true),
        field("source_url", Utf8, true),
        field("input", Utf8, false),
        field("key", Utf8, false),
        field("row", UInt64, false),
        field("language", Utf8, true),
        field("bytes", UInt64, false),
        field("declared_license", Utf8, true),
        field("detected_license", Utf8, true),
        field("header_license", Utf8, true),
        field("license", Utf8, false),
        field("license_evidence", Utf8, false),
        field("package", Utf8, true),
        field("revision", Utf8, true),
        field("cluster_id", Utf8, true),
        field("n_duplicates", UInt32, false),
        field("n_sources", UInt32, false),
        field("cluster_sources", string_list(), false),
        field("cluster_licenses", string_list(), false),
        field("license_conflict", DataType::Boolean, false),
    ];
    fields.extend(flag_columns.iter().map(|name| field(name, flag_list(), false)));
    Arc::new(Schema::new(fields))
}

/// The schema of the ledger.
pub fn ledger_schema() -> SchemaRef {
    use DataType::{Float64, UInt64, Utf8};
    Arc::new(Schema::new(vec![
        field("doc_id", Utf8, false),
        field("repo", Utf8, true),
        field("path", Utf8, true),
        field("input", Utf8, false),
        field("key", Utf8, false),
        field("row", UInt64, false),
        field("content_sha256", Utf8, true),
        field("bytes", UInt64, false),
        field("reason", Utf8, false),
        field("kept_doc_id", Utf8, true),
        field("cluster_id", Utf8, true),
        field("jaccard", Float64, true),
        field("license", Utf8, true),
        field("detail", Utf8, false),
    ]))
}

/// The rows of a batch of the ledger (as [`ledger_schema`] and
/// `write_ledger` make it), decoded; an error names the column that is not
/// the ledger's.
pub fn ledger_rows_of(batch: &RecordBatch) -> Result<Vec<LedgerRow>, String> {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{Float64Type, UInt64Type};
    let text = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_string_opt::<i32>())
            .ok_or_else(|| format!("no text column `{name}`: not a corpusledger ledger"))
    };
    let number = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_primitive_opt::<UInt64Type>())
            .ok_or_else(|| format!("no u64 column `{name}`: not a corpusledger ledger"))
    };
    let (doc_id, repo, path, input, key) = (
        text("doc_id")?,
        text("repo")?,
        text("path")?,
        text("input")?,
        text("key")?,
    );
    let (sha, reason, kept, cluster, license, detail) = (
        text("content_sha256")?,
        text("reason")?,
        text("kept_doc_id")?,
        text("cluster_id")?,
        text("license")?,
        text("detail")?,
    );
    let (row, bytes) = (number("row")?, number("bytes")?);
    let jaccard = batch
        .column_by_name("jaccard")
        .and_then(|c| c.as_primitive_opt::<Float64Type>())
        .ok_or("no f64 column `jaccard`: not a corpusledger ledger")?;
    let opt = |a: &arrow::array::StringArray, i: usize| a.is_valid(i).then(|| a.value(i).to_owned());
    Ok((0..batch.num_rows())
        .map(|i| LedgerRow {
            doc_id: doc_id.value(i).to_owned(),
            repo: opt(repo, i),
            path: opt(path, i),
            input: input.value(i).to_owned(),
            key: key.value(i).to_owned(),
            row: row.value(i),
            content_sha256: opt(sha, i),
            bytes: bytes.value(i),
            reason: reason.value(i).to_owned(),
            kept_doc_id: opt(kept, i),
            cluster_id: opt(cluster, i),
            jaccard: jaccard.is_valid(i).then(|| jaccard.value(i)),
            license: opt(license, i),
            detail: detail.value(i).to_owned(),
        })
        .collect())
}

/// The schema of `ATTRIBUTION.parquet`.
pub fn attribution_schema() -> SchemaRef {
    use DataType::{Boolean, Utf8};
    Arc::new(Schema::new(vec![
        field("kept_doc_id", Utf8, false),
        field("kept_source", Utf8, false),
        field("kept_license", Utf8, false),
        field("doc_id", Utf8, false),
        field("role", Utf8, false),
        field("url", Utf8, false),
        field("title", Utf8, true),
        field("author", Utf8, false),
        field("author_url", Utf8, true),
        field("license", Utf8, false),
        field("license_basis", Utf8, false),
        field("created", Utf8, false),
        field("last_edited", Utf8, true),
        field("license_conflict", Boolean, false),
    ]))
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    values.for_each(|v| b.append_option(v));
    Arc::new(b.finish())
}

fn u64s(values: impl Iterator<Item = u64>) -> ArrayRef {
    let mut b = UInt64Builder::new();
    values.for_each(|v| b.append_value(v));
    Arc::new(b.finish())
}

pub(crate) fn data_batch(rows: &[DataRow], flag_columns: &[String]) -> arrow::error::Result<RecordBatch> {
    let s = |f: fn(&DataRow) -> Option<&str>| strings(rows.iter().map(f));
    let mut conflict = BooleanBuilder::new();
    rows.iter().for_each(|r| conflict.append_value(r.license_conflict));
    if let Some(row) = rows.iter().find(|r| r.flags.len() != flag_columns.len()) {
        return Err(arrow::error::ArrowError::InvalidArgumentError(format!(
            "document {} has {} flag lists for {} flag columns",
            row.doc_id,
            row.flags.len(),
            flag_columns.len()
        )));
    }
    let flags = (0..flag_columns.len()).map(|c| flag_lists(rows.iter().map(|r| r.flags[c].as_slice())));
    RecordBatch::try_new(
        data_schema_with(flag_columns),
        [
            s(|r| Some(&r.doc_id)),
            s(|r| Some(&r.content)),
            s(|r| Some(&r.content_sha256)),
            s(|r| r.repo.as_deref()),
            s(|r| r.path.as_deref()),
            s(|r| r.source_url.as_deref()),
            s(|r| Some(&r.input)),
            s(|r| Some(&r.key)),
            u64s(rows.iter().map(|r| r.row)),
            s(|r| r.language.as_deref()),
            u64s(rows.iter().map(|r| r.bytes)),
            s(|r| r.declared_license.as_deref()),
            s(|r| r.detected_license.as_deref()),
            s(|r| r.header_license.as_deref()),
            s(|r| Some(&r.license)),
            s(|r| Some(&r.license_evidence)),
            s(|r| r.package.as_deref()),
            s(|r| r.revision.as_deref()),
            s(|r| r.cluster_id.as_deref()),
            u32s(rows.iter().map(|r| r.n_duplicates)),
            u32s(rows.iter().map(|r| r.n_sources)),
            lists(rows.iter().map(|r| &r.cluster_sources)),
            lists(rows.iter().map(|r| &r.cluster_licenses)),
            Arc::new(conflict.finish()),
        ]
        .into_iter()
        .chain(flags)
        .collect(),
    )
}

pub(crate) fn ledger_batch(rows: &[LedgerRow]) -> arrow::error::Result<RecordBatch> {
    let s = |f: fn(&LedgerRow) -> Option<&str>| strings(rows.iter().map(f));
    let mut jaccard = Float64Builder::new();
    rows.iter().for_each(|r| jaccard.append_option(r.jaccard));
    RecordBatch::try_new(
        ledger_schema(),
        vec![
            s(|r| Some(&r.doc_id)),
            s(|r| r.repo.as_deref()),
            s(|r| r.path.as_deref()),
            s(|r| Some(&r.input)),
            s(|r| Some(&r.key)),
            u64s(rows.iter().map(|r| r.row)),
            s(|r| r.content_sha256.as_deref()),
            u64s(rows.iter().map(|r| r.bytes)),
            s(|r| Some(&r.reason)),
            s(|r| r.kept_doc_id.as_deref()),
            s(|r| r.cluster_id.as_deref()),
            Arc::new(jaccard.finish()),
            s(|r| r.license.as_deref()),
            s(|r| Some(&r.detail)),
        ],
    )
}

pub(crate) fn attribution_batch(rows: &[AttributionRow]) -> arrow::error::Result<RecordBatch> {
    let s = |f: fn(&AttributionRow) -> Option<&str>| strings(rows.iter().map(f));
    let mut conflict = BooleanBuilder::new();
    rows.iter().for_each(|r| conflict.append_value(r.license_conflict));
    RecordBatch::try_new(
        attribution_schema(),
        vec![
            s(|r| Some(&r.kept_doc_id)),
            s(|r| Some(&r.kept_source)),
            s(|r| Some(&r.kept_license)),
            s(|r| Some(&r.doc_id)),
            s(|r| Some(&r.role)),
            s(|r| Some(&r.url)),
            s(|r| r.title.as_deref()),
            s(|r| Some(&r.author)),
            s(|r| r.author_url.as_deref()),
            s(|r| Some(&r.license)),
            s(|r| Some(&r.license_basis)),
            s(|r| Some(&r.created)),
            s(|r| r.last_edited.as_deref()),
            Arc::new(conflict.finish()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_rows_decode_to_what_was_encoded() {
        let rows = vec![
            LedgerRow {
                doc_id: "0a".repeat(16),
                repo: Some("acme/x".into()),
                path: Some("src/a.rs".into()),
                input: "in".into(),
                key: "acme/x/src/a.rs".into(),
                row: 7,
                content_sha256: Some("ab".repeat(32)),
                bytes: 120,
                reason: "near-duplicate".into(),
                kept_doc_id: Some("0b".repeat(16)),
                cluster_id: Some("0b".repeat(16)),
                jaccard: Some(0.8125),
                license: Some("MIT".into()),
                detail: "near".into(),
            },
            LedgerRow {
                doc_id: "0c".repeat(16),
                reason: "binary".into(),
                detail: "NUL byte".into(),
                ..LedgerRow::default()
            },
        ];
        let batch = ledger_batch(&rows).unwrap();
        assert_eq!(ledger_rows_of(&batch).unwrap(), rows);
        let data = data_batch(&[DataRow::default()], &[]).unwrap();
        assert!(ledger_rows_of(&data).unwrap_err().contains("not a corpusledger ledger"));
    }
}

/// One span a content filter replaced, a row of `redactions.parquet`. The
/// span itself is never written: only its SHA-256.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RedactionRow {
    /// The document's id: 32 hex digits.
    pub doc_id: String,
    /// The document's input label.
    pub input: String,
    /// The file inside the input.
    pub key: String,
    /// The line or row inside `key`.
    pub row: u64,
    /// The rule, e.g. `secret:github-pat`.
    pub rule: String,
    /// `secret` or `pii`.
    pub kind: String,
    /// 1-based line of the original text.
    pub line: u64,
    /// Byte offset of the placeholder in the published content.
    pub offset: u64,
    /// What replaced the span, e.g. `<KEY>`.
    pub placeholder: String,
    /// SHA-256 of the original span, hex.
    pub span_sha256: String,
}

/// The schema of `redactions.parquet`.
pub fn redaction_schema() -> SchemaRef {
    use DataType::{UInt64, Utf8};
    Arc::new(Schema::new(vec![
        field("doc_id", Utf8, false),
        field("input", Utf8, false),
        field("key", Utf8, false),
        field("row", UInt64, false),
        field("rule", Utf8, false),
        field("kind", Utf8, false),
        field("line", UInt64, false),
        field("offset", UInt64, false),
        field("placeholder", Utf8, false),
        field("span_sha256", Utf8, false),
    ]))
}

pub(crate) fn redaction_batch(rows: &[RedactionRow]) -> arrow::error::Result<RecordBatch> {
    let s = |f: fn(&RedactionRow) -> &str| strings(rows.iter().map(|r| Some(f(r))));
    RecordBatch::try_new(
        redaction_schema(),
        vec![
            s(|r| &r.doc_id),
            s(|r| &r.input),
            s(|r| &r.key),
            u64s(rows.iter().map(|r| r.row)),
            s(|r| &r.rule),
            s(|r| &r.kind),
            u64s(rows.iter().map(|r| r.line)),
            u64s(rows.iter().map(|r| r.offset)),
            s(|r| &r.placeholder),
            s(|r| &r.span_sha256),
        ],
    )
}
