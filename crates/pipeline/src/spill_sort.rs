//! A stable sort that spills: items are held in memory up to a budget,
//! then written to disk as sorted runs, and the runs merged at the end. The
//! merged order is the one a stable in-memory sort of every item, in push
//! order, gives, whatever the budget.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::part::{read_frame, write_frame};

pub type Compare<T> = fn(&T, &T) -> Ordering;

#[derive(Debug)]
pub struct SpillSort<T> {
    items: Vec<T>,
    /// Bytes the held items take, as their pusher counted them.
    held: u64,
    /// Bytes held before a sorted run goes to disk; `None`: no limit.
    budget: Option<u64>,
    dir: PathBuf,
    name: &'static str,
    runs: Vec<PathBuf>,
    compare: Compare<T>,
}

impl<T: Serialize + DeserializeOwned + Send> SpillSort<T> {
    /// Items sorted by `compare`, held in memory, or with `budget` in runs
    /// named after `name` under `dir`.
    pub fn new(name: &'static str, budget: Option<u64>, dir: &Path, compare: Compare<T>) -> SpillSort<T> {
        SpillSort {
            items: Vec::new(),
            held: 0,
            budget,
            dir: dir.to_owned(),
            name,
            runs: Vec::new(),
            compare,
        }
    }

    /// Adds `item`, which takes about `bytes` in memory.
    pub fn push(&mut self, item: T, bytes: usize) -> Result<()> {
        self.items.push(item);
        self.held += bytes as u64;
        if self.budget.is_some_and(|budget| self.held >= budget) {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorted runs written so far.
    #[cfg(test)]
    fn runs(&self) -> usize {
        self.runs.len()
    }

    fn spill(&mut self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.dir.join(format!("{}-run-{:05}.bin", self.name, self.runs.len()));
        self.items.par_sort_by(self.compare);
        let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        let mut buf = Vec::new();
        for item in self.items.drain(..) {
            buf.clear();
            let bytes = postcard::to_io(&item, &mut buf).context("an item serialises")?;
            write_frame(&mut writer, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        writer
            .flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.held = 0;
        self.runs.push(path);
        Ok(())
    }

    /// Every item, sorted. The runs are read back as the merge goes.
    pub fn sorted(mut self) -> Result<Sorted<T>> {
        self.items.par_sort_by(self.compare);
        let mut sources = Vec::new();
        for path in &self.runs {
            let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            sources.push(Source::Run {
                reader: BufReader::with_capacity(256 << 10, file),
                path: path.clone(),
                read: 0,
                buf: Vec::new(),
            });
        }
        // The held items came last, so they lose ties to every run.
        sources.push(Source::Memory(std::mem::take(&mut self.items).into_iter()));
        let mut sorted = Sorted {
            sources,
            heap: BinaryHeap::new(),
            compare: self.compare,
        };
        for source in 0..sorted.sources.len() {
            sorted.refill(source)?;
        }
        Ok(sorted)
    }
}

#[derive(Debug)]
enum Source<T> {
    Run {
        reader: BufReader<File>,
        path: PathBuf,
        read: u64,
        buf: Vec<u8>,
    },
    Memory(std::vec::IntoIter<T>),
}

impl<T: DeserializeOwned> Source<T> {
    fn next(&mut self) -> Result<Option<T>> {
        match self {
            Source::Run {
                reader,
                path,
                read,
                buf,
            } => {
                let item = read_frame(reader, buf, path, *read)?;
                *read += 1;
                Ok(item)
            }
            Source::Memory(items) => Ok(items.next()),
        }
    }
}

/// The next item of one source, ordered for a min-heap: by the sort order,
/// then by source (earlier runs hold earlier pushes).
struct Head<T> {
    item: T,
    source: usize,
    compare: Compare<T>,
}

impl<T> Ord for Head<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.compare)(&other.item, &self.item).then(other.source.cmp(&self.source))
    }
}

impl<T> PartialOrd for Head<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> PartialEq for Head<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Head<T> {}

/// The merge of the sorted runs and the held items.
pub struct Sorted<T> {
    sources: Vec<Source<T>>,
    heap: BinaryHeap<Head<T>>,
    compare: Compare<T>,
}

impl<T> std::fmt::Debug for Sorted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sorted")
            .field("sources", &self.sources.len())
            .field("held", &self.heap.len())
            .finish()
    }
}

impl<T: DeserializeOwned> Sorted<T> {
    fn refill(&mut self, source: usize) -> Result<()> {
        if let Some(item) = self.sources[source].next()? {
            self.heap.push(Head {
                item,
                source,
                compare: self.compare,
            });
        }
        Ok(())
    }

    /// The next item in order; `None` when all are out.
    pub fn next_item(&mut self) -> Result<Option<T>> {
        let Some(head) = self.heap.pop() else {
            return Ok(None);
        };
        self.refill(head.source)?;
        Ok(Some(head.item))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn by_key(a: &(u8, u32), b: &(u8, u32)) -> Ordering {
        a.0.cmp(&b.0)
    }

    proptest! {
        /// Any budget gives the order of a stable in-memory sort, ties
        /// (equal keys) kept in push order.
        #[test]
        fn spilled_runs_merge_to_the_stable_sort(keys in prop::collection::vec(0u8..20, 0..400), budget in 1u64..50) {
            let dir = tempfile::tempdir().unwrap();
            let items: Vec<(u8, u32)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
            let mut expected = items.clone();
            expected.sort_by(by_key);
            let mut sort = SpillSort::new("test", Some(budget), dir.path(), by_key);
            for item in &items {
                sort.push(*item, 1).unwrap();
            }
            prop_assert_eq!(sort.runs(), items.len() / budget as usize);
            let mut sorted = sort.sorted().unwrap();
            let mut merged = Vec::new();
            while let Some(item) = sorted.next_item().unwrap() {
                merged.push(item);
            }
            prop_assert_eq!(merged, expected);
        }
    }

    #[test]
    fn a_damaged_run_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut sort = SpillSort::new("test", Some(2), dir.path(), by_key);
        for i in 0..4 {
            sort.push((i as u8, i), 1).unwrap();
        }
        let run = dir.path().join("test-run-00001.bin");
        let bytes = std::fs::read(&run).unwrap();
        std::fs::write(&run, &bytes[..bytes.len() - 1]).unwrap();
        let mut sorted = sort.sorted();
        let err = loop {
            match sorted
                .as_mut()
                .map_err(|e| e.to_string())
                .and_then(|s| s.next_item().map_err(|e| e.to_string()))
            {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the damage went unnoticed"),
                Err(e) => break e,
            }
        };
        assert!(err.contains("test-run-00001.bin"), "{err}");
    }
}
