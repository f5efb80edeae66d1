//! The documents of a run, in source order, in a file: memory holds one
//! offset per document (and the few distinct licenses), so a run of any
//! size keeps its document records on disk. Documents are read back one at
//! a time, in order or by number.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use corpusledger_ingest::BlobRef;
use corpusledger_model::{DocId, DocLicense, SourceRef};
use serde::{Deserialize, Serialize};

use super::part::DocRow;
use super::spill_sort::Sorted;

/// A document that passed the checks.
#[derive(Debug)]
pub struct DocRecord {
    pub id: DocId,
    pub source: SourceRef,
    /// Index into [`Ingested::texts`](super::Ingested::texts).
    pub text: u32,
    pub bytes: u64,
    pub sha256: [u8; 32],
    /// Shared by every document with the same answer: thousands of files
    /// carry one license and one set of evidence.
    pub license: Arc<DocLicense>,
    pub language: Option<String>,
    /// Package URL of the nearest package manifest.
    pub package: Option<String>,
    /// The commit the document's repository was read at.
    pub revision: Option<String>,
    pub stars: Option<i64>,
    /// The part whose credits file holds `credits`.
    pub part: u32,
    /// The attribution its license requires (Stack Exchange posts), as
    /// JSON in the part's credits file: read back only when written out.
    pub credits: Option<BlobRef>,
    /// What the filters whose action is `flag` found in it.
    pub flags: Vec<super::part::DocFlag>,
}

/// A document as the merge sorts and stores it: its part's row, with the
/// text and license numbered across all parts.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredDoc {
    pub part: u32,
    pub row: DocRow,
}

impl StoredDoc {
    /// About the bytes it takes in memory: the struct, and each string
    /// with the allocator's overhead.
    pub fn size(&self) -> usize {
        const PER_ALLOCATION: usize = 24;
        let source = &self.row.source;
        let strings = [
            self.row.language.as_deref(),
            self.row.package.as_deref(),
            self.row.revision.as_deref(),
            Some(source.key.as_str()),
            source.path.as_deref(),
            Some(&*source.input),
            source.repo.as_deref(),
        ];
        let flags: usize = self
            .row
            .flags
            .iter()
            .map(|f| {
                std::mem::size_of_val(f)
                    + f.flag.rule.len()
                    + f.flag.note.as_ref().map_or(0, String::len)
                    + 2 * PER_ALLOCATION
            })
            .sum();
        std::mem::size_of::<StoredDoc>()
            + flags
            + strings
                .iter()
                .flatten()
                .map(|s| s.len() + PER_ALLOCATION)
                .sum::<usize>()
    }
}

#[derive(Debug)]
pub struct DocTable {
    path: PathBuf,
    file: File,
    /// Where each document starts in the file, and where the last ends.
    offsets: Vec<u64>,
    licenses: Vec<Arc<DocLicense>>,
    /// The first read error of an iteration, for [`take_error`](Self::take_error).
    error: Mutex<Option<anyhow::Error>>,
    /// Whether the file is this task's scratch, removed with the table (a
    /// table opened from the cluster stage's output is not).
    scratch: bool,
}

impl DocTable {
    /// Writes the documents `sorted` yields to a new file at `path`, each
    /// text index `t` renumbered to `new_index[t]`.
    pub fn write(
        path: &Path,
        sorted: &mut Sorted<StoredDoc>,
        new_index: &[u32],
        licenses: Vec<Arc<DocLicense>>,
    ) -> Result<DocTable> {
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        let mut offsets = vec![0u64];
        let mut buf = Vec::new();
        while let Some(mut doc) = sorted.next_item()? {
            doc.row.text = *new_index
                .get(doc.row.text as usize)
                .ok_or_else(|| anyhow!("a document names text {} of {}", doc.row.text, new_index.len()))?;
            buf.clear();
            let bytes = postcard::to_io(&doc, &mut buf).context("a document serialises")?;
            writer
                .write_all(bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            offsets.push(offsets.last().expect("starts with 0") + bytes.len() as u64);
        }
        writer
            .flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        drop(writer);
        let mut table = DocTable::open(path, offsets, licenses)?;
        table.scratch = true;
        Ok(table)
    }

    /// Opens a table another task wrote (and [`persist`](Self::persist)ed)
    /// at `path`, with its offsets and licenses; the file stays when the
    /// table is dropped.
    pub fn open(path: &Path, offsets: Vec<u64>, licenses: Vec<Arc<DocLicense>>) -> Result<DocTable> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file
            .metadata()
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        if offsets.first() != Some(&0) || offsets.last() != Some(&len) {
            anyhow::bail!(
                "{} has {len} bytes, its document offsets end at {}: it is damaged",
                path.display(),
                offsets.last().copied().unwrap_or_default()
            );
        }
        Ok(DocTable {
            path: path.to_owned(),
            file,
            offsets,
            licenses,
            error: Mutex::new(None),
            scratch: false,
        })
    }

    /// Makes the table's file also `to` (a hard link, else a copy), for a
    /// later task to [`open`](Self::open).
    pub fn persist(&self, to: &Path) -> Result<()> {
        super::link_or_copy(&self.path, to)
    }

    /// Where each document starts in the file, and where the last ends.
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// The distinct licenses documents refer to by number.
    pub fn licenses(&self) -> &[Arc<DocLicense>] {
        &self.licenses
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Document number `doc`.
    pub fn get(&self, doc: u32) -> Result<DocRecord> {
        let (start, end) = (self.offsets[doc as usize], self.offsets[doc as usize + 1]);
        let mut buf = vec![0u8; (end - start) as usize];
        self.file
            .read_exact_at(&mut buf, start)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        self.decode(&buf, doc)
    }

    /// Every document in order. A read error ends the iteration early and
    /// is kept for [`take_error`](Self::take_error).
    pub fn iter(&self) -> impl Iterator<Item = DocRecord> + '_ {
        let mut reader = File::open(&self.path)
            .with_context(|| format!("cannot open {}", self.path.display()))
            .map(|file| BufReader::with_capacity(1 << 20, file));
        let mut buf = Vec::new();
        let mut doc = 0u32;
        std::iter::from_fn(move || {
            if doc as usize >= self.len() {
                return None;
            }
            let read = match reader.as_mut() {
                Ok(reader) => {
                    buf.resize(
                        (self.offsets[doc as usize + 1] - self.offsets[doc as usize]) as usize,
                        0,
                    );
                    reader
                        .read_exact(&mut buf)
                        .with_context(|| format!("cannot read {}", self.path.display()))
                        .and_then(|()| self.decode(&buf, doc))
                }
                Err(e) => Err(anyhow!("{e:#}")),
            };
            doc += 1;
            match read {
                Ok(record) => Some(record),
                Err(e) => {
                    self.note(e);
                    doc = u32::MAX;
                    None
                }
            }
        })
    }

    /// Keeps `error` (the first one) for [`take_error`](Self::take_error).
    pub fn note(&self, error: anyhow::Error) {
        self.error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(error);
    }

    /// The first error met by an iteration or noted since the last call.
    pub fn take_error(&self) -> Result<()> {
        match self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn decode(&self, bytes: &[u8], doc: u32) -> Result<DocRecord> {
        let damaged = || format!("{}: document {doc} is damaged; run again", self.path.display());
        let stored: StoredDoc = postcard::from_bytes(bytes).with_context(damaged)?;
        let row = stored.row;
        let license = self
            .licenses
            .get(row.license as usize)
            .ok_or_else(|| anyhow!(damaged()))?
            .clone();
        Ok(DocRecord {
            id: row.source.doc_id(),
            source: row.source,
            text: row.text,
            bytes: row.bytes,
            sha256: row.sha256,
            license,
            language: row.language,
            package: row.package,
            revision: row.revision,
            stars: row.stars,
            part: stored.part,
            credits: row.credits,
            flags: row.flags,
        })
    }
}

impl Drop for DocTable {
    fn drop(&mut self) {
        // Scratch space of the one task that made it.
        if self.scratch {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
