//! The rows of the data shards, partitioned by data shard: the cluster
//! stage, which holds the merged documents and the decisions, writes each
//! kept document's row (everything but its content, which stays in the sign
//! part that brought it) into the file of the data shard it goes to. A
//! finalize task then reads only the files of the data shards it writes and
//! the contents those rows point at: its memory and work depend on its
//! shards, not on the corpus, and nothing is merged twice.
//!
//! The cluster stage's folder holds `rows-NNNNN.bin` (length-prefixed
//! postcard frames of [`PendingRow`], in output order) for every data shard
//! and `rows.json`, the number of rows of each, which a finalize task checks
//! its files against.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use corpusledger_dedup::Outcome;
use corpusledger_ingest::{BlobRef, BlobStore};
use corpusledger_model::Reporter;
use corpusledger_output::{DataRow, OutputFile, ShardWriter, shard_ranges};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::ClusterDamaged;
use super::ingested::Ingested;
use super::part;
use super::write::{cluster_of, data_row, kept_docs, kept_sizes, removed_members};
use crate::config::Config;

/// The number of rows of each data shard, in the cluster stage's folder.
pub const ROWS_INDEX: &str = "rows.json";

/// A data shard's row as the cluster stage hands it on: the row without
/// its content, and where the content is.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingRow {
    /// The ingest shard whose sign part holds the content.
    pub part: u32,
    pub content: BlobRef,
    pub row: DataRow,
}

/// What `rows.json` says of each data shard's rows file, in shard order.
#[derive(Debug, Serialize, Deserialize)]
struct RowsIndex {
    shards: Vec<RowsFile>,
}

/// A rows file: its number of rows and the XXH3 of its bytes, which the
/// finalize task checks as it reads (a flipped byte of a string would
/// otherwise still decode).
#[derive(Debug, Serialize, Deserialize)]
struct RowsFile {
    rows: u64,
    xxh3: String,
}

/// The file of data shard `number`'s rows.
fn rows_file(number: usize) -> String {
    format!("rows-{number:05}.bin")
}

/// Writes the rows of every data shard into `dir` (the cluster stage's
/// folder), one file per data shard, in parallel, and `rows.json`; returns
/// the number of data shards.
/// The files are synced when `sync`.
pub fn write(ingested: &Ingested, outcome: &Outcome, config: &Config, dir: &Path, sync: bool) -> Result<usize> {
    let docs = &ingested.docs;
    let members = removed_members(outcome);
    let kept = kept_docs(outcome);
    let ranges = shard_ranges(kept_sizes(ingested, outcome)?, &config.writer());
    let flagged = config.filters.flagged();
    let counts = ranges
        .par_iter()
        .enumerate()
        .map(|(number, range)| {
            let path = dir.join(rows_file(number));
            let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 20, file);
            let (mut buf, mut hash) = (Vec::new(), Xxh3::new());
            for &(doc_idx, cluster_size) in &kept[range.clone()] {
                let doc = docs.get(doc_idx)?;
                let removed = members.get(&doc_idx).map_or(&[][..], Vec::as_slice);
                let source_url = match doc.credits {
                    Some(_) => ingested.credits_of(&doc)?.into_iter().next().map(|c| c.url),
                    None => None,
                };
                let cluster = cluster_of(docs, &doc, removed)?;
                let (part, content) = ingested.content_ref(doc.text);
                let row = data_row(&doc, String::new(), source_url, cluster_size, cluster, &flagged);
                buf.clear();
                let bytes = postcard::to_io(&PendingRow { part, content, row }, &mut buf)
                    .context("a data shard row serialises")?;
                part::write_frame(&mut out, bytes).with_context(|| format!("cannot write {}", path.display()))?;
                hash_frame(&mut hash, bytes);
            }
            out.flush()
                .and_then(|()| if sync { out.get_ref().sync_all() } else { Ok(()) })
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(RowsFile {
                rows: range.len() as u64,
                xxh3: format!("{:016x}", hash.digest()),
            })
        })
        .collect::<Result<Vec<RowsFile>>>()?;
    let index = serde_json::to_vec(&RowsIndex { shards: counts }).context("the rows index serialises")?;
    super::rundir::write_in_shard(&dir.join(ROWS_INDEX), &index, sync)?;
    Ok(ranges.len())
}

fn hash_frame(hash: &mut Xxh3, frame: &[u8]) {
    hash.update(&(frame.len() as u32).to_le_bytes());
    hash.update(frame);
}

/// The number of data shards the cluster stage's folder `cluster` holds
/// rows for.
pub fn data_shards(cluster: &Path) -> Result<usize> {
    Ok(read_index(cluster)?.shards.len())
}

fn read_index(cluster: &Path) -> Result<RowsIndex> {
    let path = cluster.join(ROWS_INDEX);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::Error::new(ClusterDamaged(format!("{} is damaged: {e}", path.display()))))
}

/// Writes the data shards whose number `select` accepts into `dir/data/`,
/// each by itself and in parallel, from the rows in `cluster` (the cluster
/// stage's folder) and the contents in the sign parts `parts` (ingest shard
/// order). Where the rows are cut into shards was decided by the cluster
/// stage from the content sizes alone, so any subset of shards can be
/// written by any task, to the same bytes.
pub fn write_data_shards(
    cluster: &Path,
    parts: &[PathBuf],
    config: &Config,
    dir: &Path,
    select: &(dyn Fn(usize) -> bool + Sync),
    reporter: &dyn Reporter,
) -> Result<Vec<OutputFile>> {
    let index = read_index(cluster)?;
    let selected: Vec<(usize, &RowsFile)> = index
        .shards
        .iter()
        .enumerate()
        .filter(|(number, _)| select(*number))
        .collect();
    reporter.start(
        "write shards",
        Some(selected.iter().map(|(_, file)| file.rows).sum()),
        "docs",
    );
    let shards: Vec<Vec<OutputFile>> = selected
        .par_iter()
        .map(|&(number, expected)| {
            let damaged_file = |what: String| anyhow::Error::new(ClusterDamaged(what));
            let path = cluster.join(rows_file(number));
            let file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
            let mut reader = BufReader::with_capacity(1 << 20, file);
            let mut contents = Contents::new(parts);
            let mut shard = ShardWriter::numbered_from(dir, config.writer(), number);
            let (mut buf, mut read, mut hash) = (Vec::new(), 0u64, Xxh3::new());
            while let Some(pending) = part::read_frame::<PendingRow>(&mut reader, &mut buf, &path, read)
                .map_err(|e| damaged_file(format!("{e:#}")))?
            {
                hash_frame(&mut hash, &buf);
                let mut row = pending.row;
                row.content = contents.read(pending.part, pending.content)?;
                shard.push(row)?;
                read += 1;
                super::kill_point::kill_point("shard-row");
                reporter.advance(1);
            }
            let digest = format!("{:016x}", hash.digest());
            if read != expected.rows || digest != expected.xxh3 {
                return Err(damaged_file(format!(
                    "{} is damaged: {read} rows of XXH3 {digest}, {ROWS_INDEX} says {} rows of XXH3 {}",
                    path.display(),
                    expected.rows,
                    expected.xxh3
                )));
            }
            Ok(shard.finish()?)
        })
        .collect::<Result<_>>()?;
    reporter.finish();
    Ok(shards.into_iter().flatten().collect())
}

/// The contents files of the sign parts, opened as rows point into them.
struct Contents<'a> {
    parts: &'a [PathBuf],
    open: HashMap<u32, BlobStore>,
    buf: Vec<u8>,
}

impl<'a> Contents<'a> {
    fn new(parts: &'a [PathBuf]) -> Contents<'a> {
        Contents {
            parts,
            open: HashMap::new(),
            buf: Vec::new(),
        }
    }

    fn read(&mut self, part: u32, blob: BlobRef) -> Result<String> {
        let store = match self.open.entry(part) {
            std::collections::hash_map::Entry::Occupied(store) => store.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let Some(dir) = self.parts.get(part as usize) else {
                    return Err(anyhow::Error::new(ClusterDamaged(format!(
                        "a data shard row names sign part {part}, there are {}",
                        self.parts.len()
                    ))));
                };
                slot.insert(BlobStore::open(&dir.join(part::CONTENTS))?)
            }
        };
        store.read_into(blob, &mut self.buf)?;
        String::from_utf8(std::mem::take(&mut self.buf)).context("a content of the sign parts is not UTF-8")
    }
}
