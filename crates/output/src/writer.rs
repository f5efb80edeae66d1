use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use arrow::array::RecordBatch;
use corpusledger_manifest::{SHARD_PROVENANCE_KEY, ShardProvenance, canonical};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use sha2::{Digest, Sha256};

use crate::rows::{attribution_batch, data_batch, ledger_batch};
use crate::{AttributionRow, DataRow, Error, LedgerRow, Result};

/// Limits of the written files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterConfig {
    /// A data shard is closed once it holds this many rows.
    pub shard_max_rows: u64,
    /// A data shard is closed once its content reaches this many bytes.
    pub shard_max_bytes: u64,
    /// Rows per Parquet row group, at most.
    pub row_group_rows: usize,
    /// zstd level of every column.
    pub zstd_level: i32,
    /// Encode and compress each file on a thread of its own, so that the
    /// caller builds the next batch meanwhile. The bytes written are the
    /// same either way; off for a run limited to one thread.
    pub encode_in_background: bool,
    /// The flag columns of data shards, after the others (see
    /// [`crate::data_schema_with`]); every row brings one list for each.
    pub flag_columns: Vec<String>,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            shard_max_rows: 1_000_000,
            shard_max_bytes: 256 << 20,
            row_group_rows: 8192,
            zstd_level: 3,
            encode_in_background: false,
            flag_columns: Vec::new(),
        }
    }
}

/// A finished output file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutputFile {
    /// Path relative to the output directory, `/`-separated.
    pub path: String,
    /// Rows in the file.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// For a data shard: what its rows draw from, as also written in its
    /// Parquet footer under [`SHARD_PROVENANCE_KEY`].
    pub provenance: Option<ShardProvenance>,
}

/// Rows kept in memory before they are encoded, and content bytes likewise;
/// also the largest row group in bytes.
const BATCH_ROWS: usize = 1024;
const BATCH_BYTES: usize = 8 << 20;
const ROW_GROUP_BYTES: usize = 128 << 20;

pub(crate) struct OpenFile {
    sink: Sink,
    tmp: PathBuf,
    rel: String,
    rows: u64,
    content_bytes: u64,
    provenance: Option<ShardProvenance>,
}

impl OpenFile {
    pub(crate) fn create(
        out_dir: &Path,
        rel: String,
        schema: arrow::datatypes::SchemaRef,
        config: &WriterConfig,
    ) -> Result<OpenFile> {
        OpenFile::create_with(out_dir, rel, schema, config, |props| props)
    }

    /// Like [`OpenFile::create`], with `tune` adjusting the writer
    /// properties (e.g. a column's encoding).
    pub(crate) fn create_with(
        out_dir: &Path,
        rel: String,
        schema: arrow::datatypes::SchemaRef,
        config: &WriterConfig,
        tune: impl FnOnce(
            parquet::file::properties::WriterPropertiesBuilder,
        ) -> parquet::file::properties::WriterPropertiesBuilder,
    ) -> Result<OpenFile> {
        let path = out_dir.join(&rel);
        let tmp = tmp_path(&path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        let file = File::create(&tmp).map_err(|source| Error::Io {
            path: tmp.clone(),
            source,
        })?;
        let level = ZstdLevel::try_new(config.zstd_level).map_err(|e| encode(&path, e))?;
        let props = tune(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(level))
                .set_max_row_group_row_count(Some(config.row_group_rows.max(1))),
        )
        .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| encode(&path, e))?;
        let sink = if config.encode_in_background {
            Sink::background(writer, path.clone(), tmp.clone())
        } else {
            Sink::Here(Box::new(writer))
        };
        Ok(OpenFile {
            sink,
            tmp,
            rel,
            rows: 0,
            content_bytes: 0,
            provenance: None,
        })
    }

    pub(crate) fn write(&mut self, batch: RecordBatch, out_dir: &Path) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        match &mut self.sink {
            Sink::Here(writer) => write_batch(writer, &batch, &out_dir.join(&self.rel)),
            Sink::Thread(thread) => thread.send(Message::Batch(batch)),
        }
    }

    pub(crate) fn append_metadata(&mut self, kv: KeyValue) -> Result<()> {
        match &mut self.sink {
            Sink::Here(writer) => {
                writer.append_key_value_metadata(kv);
                Ok(())
            }
            Sink::Thread(thread) => thread.send(Message::Metadata(kv)),
        }
    }

    /// Closes, syncs and renames the file into place.
    pub(crate) fn finish(mut self, out_dir: &Path) -> Result<OutputFile> {
        let path = out_dir.join(&self.rel);
        if let Some(provenance) = &mut self.provenance {
            provenance.finish();
            let json = canonical::to_compact(provenance).map_err(|e| encode(&path, e))?;
            self.append_metadata(KeyValue::new(SHARD_PROVENANCE_KEY.to_owned(), json))?;
        }
        match self.sink {
            Sink::Here(writer) => finish_writer(*writer, &path, &self.tmp)?,
            Sink::Thread(thread) => thread.finish()?,
        }
        std::fs::rename(&self.tmp, &path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let (bytes, sha256) = sha256_file(&path)?;
        Ok(OutputFile {
            path: self.rel,
            rows: self.rows,
            bytes,
            sha256,
            provenance: self.provenance,
        })
    }
}

/// Where an open file's batches are encoded.
enum Sink {
    /// On the caller's thread.
    Here(Box<ArrowWriter<File>>),
    /// On a thread of its own, fed through a channel of one batch: the
    /// same writer making the same calls in the same order, so the file is
    /// byte for byte what `Here` writes. Memory holds at most one batch
    /// more (a batch is at most `BATCH_BYTES` of content, or one document).
    Thread(EncoderThread),
}

enum Message {
    Batch(RecordBatch),
    Metadata(KeyValue),
    /// Write the footer and sync. A channel closed without it (the file
    /// dropped on an error) ends the thread with an error; the file stays
    /// under its temporary name.
    Finish,
}

struct EncoderThread {
    path: PathBuf,
    sender: Option<SyncSender<Message>>,
    handle: Option<JoinHandle<Result<()>>>,
}

impl Sink {
    fn background(mut writer: ArrowWriter<File>, path: PathBuf, tmp: PathBuf) -> Sink {
        let (sender, receiver) = sync_channel::<Message>(1);
        let thread_path = path.clone();
        let handle = std::thread::spawn(move || {
            let path = thread_path;
            for message in receiver {
                match message {
                    Message::Batch(batch) => write_batch(&mut writer, &batch, &path)?,
                    Message::Metadata(kv) => writer.append_key_value_metadata(kv),
                    Message::Finish => return finish_writer(writer, &path, &tmp),
                }
            }
            Err(abandoned(&path))
        });
        Sink::Thread(EncoderThread {
            path,
            sender: Some(sender),
            handle: Some(handle),
        })
    }
}

impl EncoderThread {
    /// Hands `message` to the thread; if the thread has stopped on an
    /// error, that error.
    fn send(&mut self, message: Message) -> Result<()> {
        let sent = match &self.sender {
            Some(sender) => sender.send(message).is_ok(),
            None => false,
        };
        if sent { Ok(()) } else { self.join() }
    }

    /// Waits for the file to be finished and synced.
    fn finish(mut self) -> Result<()> {
        self.send(Message::Finish)?;
        self.join()
    }

    /// Closes the channel and waits for the thread's result.
    fn join(&mut self) -> Result<()> {
        self.sender = None;
        let Some(handle) = self.handle.take() else {
            return Err(abandoned(&self.path));
        };
        match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// A file dropped unfinished (an error elsewhere): the thread stops, and
/// is joined so that none outlives the file it writes.
impl Drop for EncoderThread {
    fn drop(&mut self) {
        self.sender = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn abandoned(path: &Path) -> Error {
    Error::Encode {
        path: path.to_owned(),
        message: "left unfinished: the file was dropped before it was finished".into(),
    }
}

/// Writes one batch; a row group that holds `ROW_GROUP_BYTES` is closed.
fn write_batch(writer: &mut ArrowWriter<File>, batch: &RecordBatch, path: &Path) -> Result<()> {
    writer.write(batch).map_err(|e| write_failed(path, e))?;
    if writer.in_progress_size() >= ROW_GROUP_BYTES {
        writer.flush().map_err(|e| write_failed(path, e))?;
    }
    Ok(())
}

/// Writes the footer, flushes and syncs `tmp`. `finish` flushes, so a full
/// disk shows as the I/O error it is (`into_inner` would turn it into text).
fn finish_writer(mut writer: ArrowWriter<File>, path: &Path, tmp: &Path) -> Result<()> {
    writer.finish().map_err(|e| write_failed(path, e))?;
    writer.inner().sync_all().map_err(|source| Error::Io {
        path: tmp.to_owned(),
        source,
    })
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// A failed write of `path`: an I/O error (a full disk) as such, so the
/// message says what happened; anything else as the encoder's refusal.
pub(crate) fn write_failed(path: &Path, err: parquet::errors::ParquetError) -> Error {
    match err {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(source) => Error::Io {
                path: path.to_owned(),
                source: *source,
            },
            Err(inner) => encode(path, parquet::errors::ParquetError::External(inner)),
        },
        other => encode(path, other),
    }
}

pub(crate) fn encode(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::Encode {
        path: path.to_owned(),
        message: err.to_string(),
    }
}

/// Writes kept documents into numbered data shards under `data/`.
pub struct ShardWriter {
    out_dir: PathBuf,
    config: WriterConfig,
    /// The number of the first shard.
    first: usize,
    current: Option<OpenFile>,
    pending: Vec<DataRow>,
    pending_bytes: usize,
    done: Vec<OutputFile>,
}

impl std::fmt::Debug for ShardWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardWriter")
            .field("out_dir", &self.out_dir)
            .field("done", &self.done.len())
            .finish()
    }
}

impl ShardWriter {
    /// A writer of shards under `out_dir/data/`.
    pub fn new(out_dir: &Path, config: WriterConfig) -> ShardWriter {
        ShardWriter::numbered_from(out_dir, config, 0)
    }

    /// A writer whose first shard is `data/part-{first}`: the rows of one
    /// shard of [`shard_ranges`], written apart from the others.
    pub fn numbered_from(out_dir: &Path, config: WriterConfig, first: usize) -> ShardWriter {
        ShardWriter {
            out_dir: out_dir.to_owned(),
            config,
            first,
            current: None,
            pending: Vec::new(),
            pending_bytes: 0,
            done: Vec::new(),
        }
    }

    /// Adds one row, in output order.
    pub fn push(&mut self, row: DataRow) -> Result<()> {
        let (rows, bytes) = self.current.as_ref().map_or((0, 0), |f| (f.rows, f.content_bytes));
        let shard_rows = rows + self.pending.len() as u64;
        let shard_bytes = bytes + self.pending_bytes as u64;
        if shard_rows > 0 && (shard_rows >= self.config.shard_max_rows || shard_bytes >= self.config.shard_max_bytes) {
            self.close_shard()?;
        }
        self.pending_bytes += row.content.len();
        self.pending.push(row);
        if self.pending.len() >= BATCH_ROWS || self.pending_bytes >= BATCH_BYTES {
            self.write_pending()?;
        }
        Ok(())
    }

    fn write_pending(&mut self) -> Result<()> {
        if self.current.is_none() {
            let rel = format!("data/part-{:05}.parquet", self.first + self.done.len());
            self.current = Some(open_data_shard(&self.out_dir, rel, &self.config)?);
        }
        let file = self.current.as_mut().expect("opened above");
        if !self.pending.is_empty() {
            let provenance = file.provenance.as_mut().expect("a data shard");
            for row in &self.pending {
                provenance.add(&row.input, row.repo.as_deref(), &row.license);
            }
            let batch = data_batch(&self.pending, &self.config.flag_columns)
                .map_err(|e| encode(&self.out_dir.join(&file.rel), e))?;
            file.write(batch, &self.out_dir)?;
            file.content_bytes += self.pending_bytes as u64;
        }
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(())
    }

    fn close_shard(&mut self) -> Result<()> {
        self.write_pending()?;
        if let Some(file) = self.current.take() {
            self.done.push(file.finish(&self.out_dir)?);
        }
        Ok(())
    }

    /// Finishes the last shard (an empty one when no row came) and returns
    /// every shard written.
    pub fn finish(mut self) -> Result<Vec<OutputFile>> {
        if !self.pending.is_empty() || self.current.is_some() || self.done.is_empty() {
            self.close_shard()?;
        }
        Ok(self.done)
    }
}

/// A data shard opened for writing, its provenance to be tallied.
fn open_data_shard(out_dir: &Path, rel: String, config: &WriterConfig) -> Result<OpenFile> {
    // Kept contents are unique, so a dictionary never pays, and min/max
    // statistics of source files tell a reader nothing; each would hold
    // another copy of every value while writing.
    let content = ColumnPath::from("content");
    let schema = crate::data_schema_with(&config.flag_columns);
    let mut file = OpenFile::create_with(out_dir, rel, schema, config, |props| {
        props
            .set_column_dictionary_enabled(content.clone(), false)
            .set_column_statistics_enabled(content, EnabledStatistics::None)
    })?;
    file.provenance = Some(ShardProvenance::default());
    Ok(file)
}

/// Writes a data shard at `out_dir/rel` from record batches of
/// [`crate::data_schema_with`] `config.flag_columns` (the rows of another shard, filtered, say),
/// encoded as [`ShardWriter`] encodes, with its rows' provenance in the
/// footer.
pub fn write_data_batches(
    out_dir: &Path,
    rel: &str,
    batches: impl IntoIterator<Item = RecordBatch>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    use arrow::array::AsArray;
    let path = out_dir.join(rel);
    let mut file = open_data_shard(out_dir, rel.to_owned(), config)?;
    for batch in batches {
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_string_opt::<i32>())
                .ok_or_else(|| encode(&path, format!("no text column `{name}`: not a data shard's rows")))
        };
        let (input, repo, license, content) = (
            column("input")?,
            column("repo")?,
            column("license")?,
            column("content")?,
        );
        let provenance = file.provenance.as_mut().expect("a data shard");
        for i in 0..batch.num_rows() {
            let repo = (!arrow::array::Array::is_null(repo, i)).then(|| repo.value(i));
            provenance.add(input.value(i), repo, license.value(i));
            file.content_bytes += content.value(i).len() as u64;
        }
        file.write(batch, out_dir)?;
    }
    file.finish(out_dir)
}

/// Writes record batches of `schema` to `out_dir/rel`: a table read from
/// another dataset and filtered, say.
pub fn write_batches(
    out_dir: &Path,
    rel: &str,
    schema: arrow::datatypes::SchemaRef,
    batches: impl IntoIterator<Item = RecordBatch>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    let mut file = OpenFile::create(out_dir, rel.to_owned(), schema, config)?;
    for batch in batches {
        file.write(batch, out_dir)?;
    }
    file.finish(out_dir)
}

/// How [`ShardWriter`] cuts rows of these content sizes into shards: the
/// index ranges of each shard, in order (one empty range when there are no
/// rows, as the writer writes one empty shard). Shards can then be written
/// apart, each with [`ShardWriter::numbered_from`], to the same bytes.
pub fn shard_ranges(
    content_bytes: impl IntoIterator<Item = u64>,
    config: &WriterConfig,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut rows, mut bytes, mut n) = (0usize, 0u64, 0u64, 0usize);
    for len in content_bytes {
        if rows > 0 && (rows >= config.shard_max_rows || bytes >= config.shard_max_bytes) {
            ranges.push(start..n);
            (start, rows, bytes) = (n, 0, 0);
        }
        rows += 1;
        bytes += len;
        n += 1;
    }
    ranges.push(start..n);
    ranges
}

/// Writes the ledger to `out_dir/rel`.
/// Rows arrive from an iterator and are encoded a batch at a time, so the
/// ledger of a large run never sits in memory whole.
pub fn write_ledger(
    out_dir: &Path,
    rel: &str,
    rows: impl IntoIterator<Item = LedgerRow>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    let mut table = TableWriter::create(out_dir, rel, crate::ledger_schema(), ledger_batch, config)?;
    for row in rows {
        table.push(row)?;
    }
    table.finish()
}

/// Writes the redaction records (`redactions.parquet`).
pub fn write_redactions(
    out_dir: &Path,
    rel: &str,
    rows: impl IntoIterator<Item = crate::RedactionRow>,
    config: &WriterConfig,
) -> Result<OutputFile> {
    let mut table = TableWriter::create(
        out_dir,
        rel,
        crate::redaction_schema(),
        crate::rows::redaction_batch,
        config,
    )?;
    for row in rows {
        table.push(row)?;
    }
    table.finish()
}

/// Writes the attribution table (`ATTRIBUTION.parquet`) row by row as its
/// rows are found: the rows of one cluster are pushed while its kept
/// document is written, so nothing is read twice.
pub struct AttributionWriter {
    table: TableWriter<AttributionRow>,
}

impl std::fmt::Debug for AttributionWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttributionWriter")
            .field("rel", &self.table.rel)
            .finish()
    }
}

impl AttributionWriter {
    /// Starts `out_dir/rel` (under a temporary name until [`Self::finish`]).
    pub fn create(out_dir: &Path, rel: &str, config: &WriterConfig) -> Result<AttributionWriter> {
        let table = TableWriter::create(out_dir, rel, crate::attribution_schema(), attribution_batch, config)?;
        Ok(AttributionWriter { table })
    }

    /// Adds one row.
    pub fn push(&mut self, row: AttributionRow) -> Result<()> {
        self.table.push(row)
    }

    /// Writes what is pending and renames the file into place.
    pub fn finish(self) -> Result<OutputFile> {
        self.table.finish()
    }
}

/// One table of a fixed schema, its rows encoded `BATCH_ROWS` at a time.
struct TableWriter<R> {
    file: OpenFile,
    out_dir: PathBuf,
    rel: String,
    pending: Vec<R>,
    encode_batch: fn(&[R]) -> arrow::error::Result<RecordBatch>,
}

impl<R> TableWriter<R> {
    fn create(
        out_dir: &Path,
        rel: &str,
        schema: arrow::datatypes::SchemaRef,
        encode_batch: fn(&[R]) -> arrow::error::Result<RecordBatch>,
        config: &WriterConfig,
    ) -> Result<TableWriter<R>> {
        Ok(TableWriter {
            file: OpenFile::create(out_dir, rel.to_owned(), schema, config)?,
            out_dir: out_dir.to_owned(),
            rel: rel.to_owned(),
            pending: Vec::with_capacity(BATCH_ROWS),
            encode_batch,
        })
    }

    fn push(&mut self, row: R) -> Result<()> {
        self.pending.push(row);
        if self.pending.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = (self.encode_batch)(&self.pending).map_err(|e| encode(&self.out_dir.join(&self.rel), e))?;
        self.file.write(batch, &self.out_dir)?;
        self.pending.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<OutputFile> {
        self.flush()?;
        self.file.finish(&self.out_dir)
    }
}

/// Size and SHA-256 (hex) of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The provenance a data shard states in its Parquet footer; `None` when
/// the footer has none.
pub fn read_shard_provenance(path: &Path) -> Result<Option<ShardProvenance>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(file).map_err(|e| encode(path, e))?;
    use parquet::file::reader::FileReader;
    let Some(pairs) = reader.metadata().file_metadata().key_value_metadata() else {
        return Ok(None);
    };
    let Some(value) = pairs
        .iter()
        .find(|kv| kv.key == SHARD_PROVENANCE_KEY)
        .and_then(|kv| kv.value.as_deref())
    else {
        return Ok(None);
    };
    serde_json::from_str(value)
        .map(Some)
        .map_err(|e| encode(path, format!("footer {SHARD_PROVENANCE_KEY} is not valid: {e}")))
}

/// The named columns of the Parquet file at `path`, each value as text
/// (`None` for null), one vector per row, the columns in the order given; with `rows`
/// (sorted), only those rows, read from the pages that hold them.
pub fn read_text_columns(path: &Path, columns: &[&str], rows: Option<&[u32]>) -> Result<Vec<Vec<Option<String>>>> {
    read_text_columns_in(path, columns, None, rows)
}

/// The rows of each row group of the Parquet file at `path`.
pub fn row_group_rows(path: &Path) -> Result<Vec<u64>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| encode(path, e))?;
    Ok(builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows() as u64)
        .collect())
}

/// [`read_text_columns`] within one row group (`rows` then count from the
/// group's first row), or the whole file without `group`: row groups can
/// then be read apart, on threads of their own.
pub fn read_text_columns_in(
    path: &Path,
    columns: &[&str],
    group: Option<usize>,
    rows: Option<&[u32]>,
) -> Result<Vec<Vec<Option<String>>>> {
    use arrow::array::{Array, AsArray};
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| encode(path, e))?;
    if let Some(missing) = columns.iter().find(|c| builder.schema().field_with_name(c).is_err()) {
        return Err(Error::Corrupt {
            path: path.to_owned(),
            what: format!("no column `{missing}`: not a corpusledger file of this kind"),
        });
    }
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    builder = builder.with_projection(mask);
    if let Some(group) = group {
        builder = builder.with_row_groups(vec![group]);
    }
    if let Some(rows) = rows {
        let mut selectors = Vec::new();
        let mut next = 0usize;
        for &row in rows {
            let row = row as usize;
            if row < next {
                continue;
            }
            if row > next {
                selectors.push(RowSelector::skip(row - next));
            }
            match selectors.last_mut() {
                Some(last) if !last.skip && row == next => last.row_count += 1,
                _ => selectors.push(RowSelector::select(1)),
            }
            next = row + 1;
        }
        // Selectors, not a mask, even when they are short: pages holding
        // none of `rows` are then skipped without being decompressed (a
        // mask decodes every page; 3x slower for a few candidate documents
        // spread over a shard).
        builder = builder
            .with_row_selection(RowSelection::from(selectors))
            .with_row_selection_policy(parquet::arrow::arrow_reader::RowSelectionPolicy::Selectors);
    }
    let reader = builder.build().map_err(|e| encode(path, e))?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| encode(path, e))?;
        let texts = columns
            .iter()
            .map(|name| {
                let column = batch.column_by_name(name).expect("projected");
                arrow::compute::cast(column, &arrow::datatypes::DataType::Utf8)
                    .map_err(|e| encode(path, format!("column `{name}`: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        for i in 0..batch.num_rows() {
            out.push(
                texts
                    .iter()
                    .map(|t| {
                        let t = t.as_string::<i32>();
                        t.is_valid(i).then(|| t.value(i).to_owned())
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// Reads every record batch of a Parquet file (for tests and verification).
pub fn read_batches(path: &Path) -> Result<Vec<RecordBatch>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| encode(path, e))?;
    reader
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| encode(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::compute::concat_batches;
    use proptest::prelude::*;

    fn row(i: usize, content: String) -> DataRow {
        DataRow {
            doc_id: format!("{i:032x}"),
            content_sha256: "ab".repeat(32),
            bytes: content.len() as u64,
            content,
            repo: (i % 2 == 0).then(|| format!("repo{i}")),
            input: "in".into(),
            license: "MIT".into(),
            cluster_id: (i % 3 == 0).then(|| "c".into()),
            cluster_licenses: (0..i % 3).map(|k| format!("L{k}")).collect(),
            cluster_sources: (0..i % 4).map(|k| format!("in/{k}")).collect(),
            license_conflict: i % 3 == 2,
            ..DataRow::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        // Shards written apart, each from its range of `shard_ranges`, are
        // the files one writer makes of all rows, byte for byte.
        #[test]
        fn shards_written_apart_are_the_same_files(
            contents in proptest::collection::vec(".{0,60}", 0..60),
            max_rows in 1u64..25,
            max_bytes in 1u64..400,
        ) {
            let rows: Vec<DataRow> = contents.into_iter().enumerate().map(|(i, c)| row(i, c)).collect();
            let config = WriterConfig { shard_max_rows: max_rows, shard_max_bytes: max_bytes, row_group_rows: 7, ..WriterConfig::default() };
            let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let mut writer = ShardWriter::new(a.path(), config.clone());
            rows.iter().cloned().for_each(|r| writer.push(r).unwrap());
            let whole = writer.finish().unwrap();
            let ranges = shard_ranges(rows.iter().map(|r| r.content.len() as u64), &config);
            let mut apart = Vec::new();
            // In reverse: the order shards are written in changes nothing.
            for (number, range) in ranges.iter().enumerate().rev() {
                let mut writer = ShardWriter::numbered_from(b.path(), config.clone(), number);
                rows[range.clone()].iter().cloned().for_each(|r| writer.push(r).unwrap());
                let mut files = writer.finish().unwrap();
                prop_assert_eq!(files.len(), 1);
                apart.push(files.pop().unwrap());
            }
            apart.reverse();
            prop_assert_eq!(whole, apart);
        }

        // Written rows read back equal, across shard boundaries, and the same
        // rows always give the same bytes.
        #[test]
        fn write_then_read_round_trips(contents in proptest::collection::vec(".{0,40}", 0..60), max_rows in 1u64..25) {
            let rows: Vec<DataRow> = contents.into_iter().enumerate().map(|(i, c)| row(i, c)).collect();
            let config = WriterConfig { shard_max_rows: max_rows, row_group_rows: 7, ..WriterConfig::default() };
            let write = |dir: &Path, encode_in_background| {
                let config = WriterConfig { encode_in_background, ..config.clone() };
                let mut writer = ShardWriter::new(dir, config);
                rows.iter().cloned().for_each(|r| writer.push(r).unwrap());
                writer.finish().unwrap()
            };
            let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let files = write(a.path(), false);
            // Encoded on a thread of its own: the same bytes.
            prop_assert_eq!(&files, &write(b.path(), true));
            prop_assert_eq!(files.iter().map(|f| f.rows).sum::<u64>(), rows.len() as u64);
            let mut batches = Vec::new();
            for f in &files {
                prop_assert!(f.rows <= max_rows);
                // The footer states what the writer reported, and counts every row.
                let footer = read_shard_provenance(&a.path().join(&f.path)).unwrap();
                prop_assert_eq!(&footer, &f.provenance);
                prop_assert_eq!(footer.unwrap().documents, f.rows);
                batches.extend(read_batches(&a.path().join(&f.path)).unwrap());
            }
            let read = concat_batches(&crate::data_schema(), &batches).unwrap();
            let expected = data_batch(&rows, &[]).unwrap();
            prop_assert_eq!(read, expected);
        }
    }

    /// Many batches through the encoder thread's channel, several row
    /// groups and shards: the same files as encoding on the caller's thread.
    #[test]
    fn encoding_in_background_writes_the_same_bytes() {
        let rows: Vec<DataRow> = (0..5000)
            .map(|i| row(i, format!("fn f{i}() {{ {} }}", i % 97)))
            .collect();
        let write = |encode_in_background| {
            let dir = tempfile::tempdir().unwrap();
            let config = WriterConfig {
                shard_max_rows: 2100,
                row_group_rows: 700,
                encode_in_background,
                ..WriterConfig::default()
            };
            let mut writer = ShardWriter::new(dir.path(), config.clone());
            rows.iter().cloned().for_each(|r| writer.push(r).unwrap());
            let mut files = writer.finish().unwrap();
            let ledger = (0..3000).map(|i| LedgerRow {
                doc_id: format!("{i:032x}"),
                reason: "exact-duplicate".into(),
                ..LedgerRow::default()
            });
            files.push(write_ledger(dir.path(), "removed.parquet", ledger, &config).unwrap());
            (dir, files)
        };
        let (_a, here) = write(false);
        let (_b, background) = write(true);
        assert_eq!(here.len(), 4);
        assert_eq!(here, background);
    }

    /// A writer dropped before `finish` (an error elsewhere) stops its
    /// thread, and leaves no file under the final name.
    #[test]
    fn a_file_dropped_unfinished_is_abandoned() {
        let dir = tempfile::tempdir().unwrap();
        let config = WriterConfig {
            encode_in_background: true,
            ..WriterConfig::default()
        };
        let mut writer = ShardWriter::new(dir.path(), config);
        (0..3000).for_each(|i| writer.push(row(i, format!("fn f{i}() {{}}"))).unwrap());
        drop(writer);
        assert!(!dir.path().join("data/part-00000.parquet").exists());
        assert!(dir.path().join("data/part-00000.parquet.tmp").exists());
    }

    #[test]
    fn no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_ledger(dir.path(), "removed.parquet", Vec::new(), &WriterConfig::default()).unwrap();
        assert_eq!(file.rows, 0);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("removed.parquet")]);
    }

    /// Regression: a full disk was reported as `cannot encode PATH:
    /// External: No space left on device`, as if the data were at fault.
    #[test]
    fn full_disk_is_a_write_error_not_an_encoding_error() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let err = write_failed(Path::new("out/removed.parquet"), full.into());
        let message = err.to_string();
        assert!(matches!(err, Error::Io { .. }), "{message}");
        assert!(message.starts_with("cannot write out/removed.parquet: "), "{message}");
        let refused = write_failed(Path::new("x"), parquet::errors::ParquetError::General("bad".into()));
        assert!(matches!(refused, Error::Encode { .. }));
    }
}
