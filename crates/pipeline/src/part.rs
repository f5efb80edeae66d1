//! A sign part on disk: what one shard task of ingest + sign hands on. A
//! folder of blob files (contents, shingle sets, credits, band keys) and one
//! record file listing the licenses, texts, documents, rejections and
//! license problems the shard met, each record a length-prefixed postcard
//! frame. Records are written as they are made, from any thread; readers
//! sort what they need, so the bytes of a part may depend on thread timing
//! but nothing read from it does.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use corpusledger_ingest::BlobRef;
use corpusledger_model::{Redaction, Rejection, SourceRef};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub const RECORDS: &str = "records.bin";
pub const CONTENTS: &str = "contents.bin";
pub const SHINGLES: &str = "shingles.bin";
pub const CREDITS: &str = "credits.bin";
pub const BANDS: &str = "bands.bin";

/// The largest record a reader accepts: a damaged length prefix must not
/// make it allocate gigabytes.
const MAX_RECORD: u32 = 64 << 20;

/// A distinct content of the part.
#[derive(Debug, Serialize, Deserialize)]
pub struct TextRow {
    /// The part-local index documents refer to.
    pub local: u32,
    pub hash: u128,
    pub content: BlobRef,
    pub shingles: Option<BlobRef>,
    /// Band keys, `None` for a text with no shingles.
    pub bands: Option<BlobRef>,
}

/// A document that passed the checks.
#[derive(Debug, Serialize, Deserialize)]
pub struct DocRow {
    pub source: SourceRef,
    /// Part-local text index.
    pub text: u32,
    pub bytes: u64,
    pub sha256: [u8; 32],
    /// Index of a [`Record::License`] of this part.
    pub license: u32,
    pub language: Option<String>,
    pub package: Option<String>,
    pub revision: Option<String>,
    pub stars: Option<i64>,
    pub credits: Option<BlobRef>,
    /// What the filters whose action is `flag` found in it.
    pub flags: Vec<DocFlag>,
}

/// A finding of a filter whose action is `flag`, kept with the document
/// for its row of the data shards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocFlag {
    pub kind: corpusledger_filter::Kind,
    pub flag: corpusledger_output::Flag,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Record {
    /// A license record as JSON (its evidence skips absent fields, which a
    /// positional encoding cannot); the n-th one has index n.
    License(String),
    Text(TextRow),
    Doc(DocRow),
    Rejection(Rejection),
    /// A license problem met while reading license files.
    Problem(String),
    /// A span a content filter replaced.
    Redaction(Redaction),
}

/// Appends records from any thread.
#[derive(Debug)]
pub struct RecordWriter {
    path: PathBuf,
    inner: Mutex<Option<(BufWriter<File>, u64)>>,
}

impl RecordWriter {
    pub fn create(path: &Path) -> Result<RecordWriter> {
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(RecordWriter {
            path: path.to_owned(),
            inner: Mutex::new(Some((BufWriter::with_capacity(1 << 20, file), 0))),
        })
    }

    pub fn push(&self, record: &Record) -> Result<()> {
        let bytes = postcard::to_stdvec(record).context("a record serialises")?;
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some((writer, count)) = guard.as_mut() else {
            bail!("{} is already finished", self.path.display());
        };
        write_frame(writer, &bytes).with_context(|| format!("cannot write {}", self.path.display()))?;
        *count += 1;
        Ok(())
    }

    /// Flushes and syncs; returns the number of records.
    pub fn finish(&self) -> Result<u64> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some((mut writer, count)) = guard.take() else {
            bail!("{} is already finished", self.path.display());
        };
        writer
            .flush()
            .and_then(|()| writer.get_ref().sync_all())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(count)
    }
}

/// Calls `each` with every record of the file at `path`, in order. A
/// truncated or damaged file is an error naming the file and the record.
pub fn read_records(path: &Path, mut each: impl FnMut(Record) -> Result<()>) -> Result<u64> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    let mut n = 0u64;
    while let Some(record) = read_frame(&mut reader, &mut buf, path, n)? {
        each(record)?;
        n += 1;
    }
    Ok(n)
}

/// Writes one frame: a little-endian `u32` length, then `bytes`.
pub fn write_frame(writer: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    writer.write_all(&(bytes.len() as u32).to_le_bytes())?;
    writer.write_all(bytes)
}

/// Reads frame number `n` of the file at `path` and decodes it; `None` at
/// the end of the file. A damaged or cut frame is an error naming both.
pub fn read_frame<T: DeserializeOwned>(
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    path: &Path,
    n: u64,
) -> Result<Option<T>> {
    let mut len = [0u8; 4];
    match reader.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_RECORD {
        bail!(
            "{}: record {n} claims {len} bytes: the file is damaged; run this shard again",
            path.display()
        );
    }
    buf.resize(len as usize, 0);
    reader.read_exact(buf).with_context(|| {
        format!(
            "{}: record {n} is cut short: the file is damaged; run this shard again",
            path.display()
        )
    })?;
    let value = postcard::from_bytes(buf).with_context(|| {
        format!(
            "{}: record {n} cannot be decoded: the file is damaged, or was written by another version",
            path.display()
        )
    })?;
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RECORDS);
        let writer = RecordWriter::create(&path).unwrap();
        writer.push(&Record::Problem("a".into())).unwrap();
        writer.push(&Record::License("{}".into())).unwrap();
        assert_eq!(writer.finish().unwrap(), 2);
        let mut seen = Vec::new();
        read_records(&path, |r| {
            seen.push(format!("{r:?}"));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["Problem(\"a\")", "License(\"{}\")"]);

        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let err = read_records(&path, |_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("record 1 is cut short"), "{err}");
    }
}
