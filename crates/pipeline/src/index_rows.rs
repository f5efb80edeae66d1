//! The index rows of a run, sorted: in memory, or with a memory limit in
//! sorted runs on disk merged at the end, giving the same order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use corpusledger_output::{IndexRow, KeyKind};

/// Bytes of a row on disk: key, kind, file, row.
const RECORD: usize = 13;
/// Bytes a row takes in memory.
const IN_MEMORY: u64 = std::mem::size_of::<IndexRow>() as u64;

#[derive(Debug)]
pub struct IndexRows {
    rows: Vec<IndexRow>,
    /// Rows held before a sorted run goes to disk; `None`: no limit.
    cap: Option<usize>,
    dir: PathBuf,
    runs: Vec<PathBuf>,
}

impl IndexRows {
    /// Rows held in memory, or with `memory_limit` runs of about a quarter
    /// of it written under `dir`.
    pub fn new(memory_limit: Option<u64>, dir: &Path) -> IndexRows {
        IndexRows {
            rows: Vec::new(),
            cap: memory_limit.map(|limit| ((limit / 4 / IN_MEMORY) as usize).max(1024)),
            dir: dir.to_owned(),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, row: IndexRow) -> Result<()> {
        if let (true, Some(cap)) = (self.rows.is_empty(), self.cap) {
            self.rows.reserve_exact(cap);
        }
        self.rows.push(row);
        if self.cap.is_some_and(|cap| self.rows.len() >= cap) {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.dir.join(format!("index-run-{:05}.bin", self.runs.len()));
        self.rows.sort_unstable();
        let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        for row in &self.rows {
            writer
                .write_all(&encode(row))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        writer
            .flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.rows.clear();
        self.runs.push(path);
        Ok(())
    }

    /// Every row, sorted. Read errors of spilled runs end the iteration;
    /// check [`Sorted::error`] after it.
    pub fn sorted(mut self) -> Result<Sorted> {
        self.rows.sort_unstable();
        let mut readers = Vec::new();
        for path in &self.runs {
            let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            readers.push((BufReader::with_capacity(256 << 10, file), path.clone()));
        }
        let mut sorted = Sorted {
            memory: std::mem::take(&mut self.rows).into_iter().peekable(),
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

fn encode(row: &IndexRow) -> [u8; RECORD] {
    let mut out = [0u8; RECORD];
    out[..4].copy_from_slice(&row.key.to_le_bytes());
    out[4] = row.kind as u8;
    out[5..9].copy_from_slice(&row.file.to_le_bytes());
    out[9..].copy_from_slice(&row.row.to_le_bytes());
    out
}

fn decode(bytes: &[u8; RECORD]) -> Option<IndexRow> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    Some(IndexRow {
        key: u32_at(0),
        kind: KeyKind::from_u8(bytes[4])?,
        file: u32_at(5),
        row: u32_at(9),
    })
}

/// The merge of the in-memory rows and the spilled runs.
#[derive(Debug)]
pub struct Sorted {
    memory: std::iter::Peekable<std::vec::IntoIter<IndexRow>>,
    readers: Vec<(BufReader<File>, PathBuf)>,
    /// The next row of each run, smallest first.
    heap: BinaryHeap<Reverse<(IndexRow, usize)>>,
    error: Option<anyhow::Error>,
}

impl Sorted {
    fn refill(&mut self, run: usize) {
        let (reader, path) = &mut self.readers[run];
        let mut record = [0u8; RECORD];
        match reader.read_exact(&mut record) {
            Ok(()) => match decode(&record) {
                Some(row) => self.heap.push(Reverse((row, run))),
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

impl Iterator for Sorted {
    type Item = IndexRow;

    fn next(&mut self) -> Option<IndexRow> {
        if self.error.is_some() {
            return None;
        }
        let from_run = self.heap.peek().map(|Reverse((row, _))| *row);
        match (self.memory.peek(), from_run) {
            (Some(mem), Some(run)) if *mem <= run => self.memory.next(),
            (Some(_), None) => self.memory.next(),
            (_, Some(_)) => {
                let Reverse((row, run)) = self.heap.pop().expect("peeked");
                self.refill(run);
                Some(row)
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
        let mut spilled = IndexRows::new(Some(1024 * 4 * IN_MEMORY), dir.path());
        for row in &rows {
            spilled.push(*row).unwrap();
        }
        assert_eq!(spilled.runs.len(), 9);
        let mut sorted = spilled.sorted().unwrap();
        let merged: Vec<IndexRow> = sorted.by_ref().collect();
        assert!(sorted.error().is_none());
        assert_eq!(merged, expected);
    }
}
