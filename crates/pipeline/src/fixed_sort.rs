//! Fixed-size records (index rows, band-key leaves) sorted in memory up to
//! a budget, beyond it in sorted runs on disk merged at the end, giving the
//! same order whatever the budget.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use corpusledger_output::{IndexRow, KeyKind};
use rayon::prelude::*;

/// What a task sorts of one kind when no memory limit is set: beyond it the
/// records go to disk in sorted runs, which costs little and keeps a large
/// corpus from holding them all at once.
pub const DEFAULT_BUDGET: u64 = 64 << 20;

/// A record of a fixed number of bytes on disk.
pub trait Fixed: Ord + Copy + Send {
    /// Bytes on disk.
    const SIZE: usize;
    /// Writes the record into `out` (`SIZE` bytes).
    fn encode(&self, out: &mut [u8]);
    /// The record `bytes` (`SIZE` of them) hold, if they are one.
    fn decode(bytes: &[u8]) -> Option<Self>;
}

impl Fixed for IndexRow {
    const SIZE: usize = 13;

    fn encode(&self, out: &mut [u8]) {
        out[..4].copy_from_slice(&self.key.to_le_bytes());
        out[4] = self.kind as u8;
        out[5..9].copy_from_slice(&self.file.to_le_bytes());
        out[9..13].copy_from_slice(&self.row.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<IndexRow> {
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        Some(IndexRow {
            key: u32_at(0),
            kind: KeyKind::from_u8(bytes[4])?,
            file: u32_at(5),
            row: u32_at(9),
        })
    }
}

impl Fixed for u64 {
    const SIZE: usize = 8;

    fn encode(&self, out: &mut [u8]) {
        out[..8].copy_from_slice(&self.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?))
    }
}

impl<const N: usize> Fixed for [u8; N] {
    const SIZE: usize = N;

    fn encode(&self, out: &mut [u8]) {
        out[..N].copy_from_slice(self);
    }

    fn decode(bytes: &[u8]) -> Option<[u8; N]> {
        bytes[..N].try_into().ok()
    }
}

/// The index rows of a run.
pub type IndexRows = FixedSort<IndexRow>;

#[derive(Debug)]
pub struct FixedSort<R> {
    records: Vec<R>,
    /// Records held before a sorted run goes to disk.
    cap: usize,
    dir: PathBuf,
    name: &'static str,
    runs: Vec<PathBuf>,
}

impl<R: Fixed> FixedSort<R> {
    /// Records held in memory up to a quarter of `memory_limit` (or
    /// [`DEFAULT_BUDGET`] without one), beyond it in runs named after
    /// `name` under `dir`.
    pub fn new(memory_limit: Option<u64>, dir: &Path, name: &'static str) -> FixedSort<R> {
        let budget = memory_limit.map_or(DEFAULT_BUDGET, |limit| limit / 4);
        FixedSort {
            records: Vec::new(),
            cap: ((budget / std::mem::size_of::<R>() as u64) as usize).max(1024),
            dir: dir.to_owned(),
            name,
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, record: R) -> Result<()> {
        if self.records.len() == self.records.capacity() {
            // Grow to the cap at most: doubling past it would hold twice
            // the budget.
            let room = self.cap - self.records.len();
            self.records.reserve_exact(room.min(self.records.len().max(1024)));
        }
        self.records.push(record);
        if self.records.len() >= self.cap {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.dir.join(format!("{}-run-{:05}.bin", self.name, self.runs.len()));
        self.records.par_sort_unstable();
        let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        let mut bytes = vec![0u8; R::SIZE];
        for record in &self.records {
            record.encode(&mut bytes);
            writer
                .write_all(&bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        writer
            .flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.records.clear();
        self.runs.push(path);
        Ok(())
    }

    /// Every record, sorted. Read errors of spilled runs end the iteration;
    /// check [`Sorted::error`] after it.
    pub fn sorted(mut self) -> Result<Sorted<R>> {
        self.records.par_sort_unstable();
        let mut readers = Vec::new();
        for path in &self.runs {
            let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            readers.push((BufReader::with_capacity(256 << 10, file), path.clone()));
        }
        let mut sorted = Sorted {
            memory: std::mem::take(&mut self.records).into_iter().peekable(),
            readers,
            heap: BinaryHeap::new(),
            error: None,
        };
        for i in 0..sorted.readers.len() {
            sorted.refill(i);
        }
        Ok(sorted)
    }
}

/// The merge of the in-memory records and the spilled runs.
#[derive(Debug)]
pub struct Sorted<R> {
    memory: std::iter::Peekable<std::vec::IntoIter<R>>,
    readers: Vec<(BufReader<File>, PathBuf)>,
    /// The next record of each run, smallest first.
    heap: BinaryHeap<Reverse<(R, usize)>>,
    error: Option<anyhow::Error>,
}

impl<R: Fixed> Sorted<R> {
    fn refill(&mut self, run: usize) {
        let (reader, path) = &mut self.readers[run];
        let mut bytes = [0u8; 64];
        let bytes = &mut bytes[..R::SIZE];
        match reader.read_exact(bytes) {
            Ok(()) => match R::decode(bytes) {
                Some(record) => self.heap.push(Reverse((record, run))),
                None => self.error = Some(anyhow::anyhow!("{} is damaged", path.display())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(e) => self.error = Some(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
        }
    }

    /// The error that ended the iteration early, if any.
    pub fn error(&mut self) -> Option<anyhow::Error> {
        self.error.take()
    }
}

impl<R: Fixed> Iterator for Sorted<R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.error.is_some() {
            return None;
        }
        let from_run = self.heap.peek().map(|Reverse((record, _))| *record);
        match (self.memory.peek(), from_run) {
            (Some(mem), Some(run)) if *mem <= run => self.memory.next(),
            (Some(_), None) => self.memory.next(),
            (_, Some(_)) => {
                let Reverse((record, run)) = self.heap.pop().expect("peeked");
                self.refill(run);
                Some(record)
            }
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_runs_merge_to_the_in_memory_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = 7u64;
        let rows: Vec<IndexRow> = (0..10_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                IndexRow {
                    key: (state >> 40) as u32 % 500,
                    kind: [KeyKind::Content, KeyKind::Band, KeyKind::DocId][i % 3],
                    file: (state >> 20) as u32 % 7,
                    row: i as u32,
                }
            })
            .collect();
        let mut expected = rows.clone();
        expected.sort_unstable();
        // A limit that gives a run every 1,024 rows: ten runs and a rest.
        let in_memory = std::mem::size_of::<IndexRow>() as u64;
        let mut spilled = IndexRows::new(Some(1024 * 4 * in_memory), dir.path(), "index");
        for row in &rows {
            spilled.push(*row).unwrap();
        }
        assert_eq!(spilled.runs.len(), 9);
        let mut sorted = spilled.sorted().unwrap();
        let merged: Vec<IndexRow> = sorted.by_ref().collect();
        assert!(sorted.error().is_none());
        assert_eq!(merged, expected);
    }

    #[test]
    fn band_leaves_spill_and_merge_with_repeats_kept() {
        let dir = tempfile::tempdir().unwrap();
        let leaves: Vec<[u8; 12]> = (0..5000u32)
            .map(|i| {
                let mut leaf = [0u8; 12];
                leaf[..4].copy_from_slice(&(i % 38).to_be_bytes());
                leaf[4..8].copy_from_slice(&(i.wrapping_mul(2_654_435_761) % 997).to_be_bytes());
                leaf
            })
            .collect();
        let mut expected = leaves.clone();
        expected.sort_unstable();
        let mut spilled = FixedSort::new(Some(4 * 1024 * 12), dir.path(), "bands");
        for leaf in &leaves {
            spilled.push(*leaf).unwrap();
        }
        assert_eq!(spilled.runs.len(), 4);
        let merged: Vec<[u8; 12]> = spilled.sorted().unwrap().collect();
        assert_eq!(merged, expected);
    }
}
