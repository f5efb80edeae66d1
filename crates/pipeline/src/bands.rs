//! Band keys on disk, for runs with a memory limit: one file per band of
//! `(key, text)` records, sorted in runs that fit the budget and merged, so
//! the buckets (and so the output) are exactly those of the in-memory path.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use corpusledger_dedup::{BandSource, for_each_run};

/// Bytes of one record on disk: a 64-bit key and a 32-bit text index.
const RECORD: usize = 12;
/// The smallest sorted run, in records.
const MIN_RUN: usize = 16;

#[derive(Debug)]
pub struct SpilledBands {
    dir: PathBuf,
    writers: Vec<Mutex<BufWriter<File>>>,
    run_records: usize,
    /// Text index at signing -> text index after renumbering.
    remap: Vec<u32>,
    signed: AtomicU64,
    error: Mutex<Option<std::io::Error>>,
}

impl SpilledBands {
    /// Spill files for `bands` bands under `dir`; a sorted run holds about a
    /// quarter of `memory_limit`.
    pub fn create(dir: &Path, bands: usize, memory_limit: u64) -> Result<SpilledBands> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let writers = (0..bands)
            .map(|band| {
                let path = band_path(dir, band);
                let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
                Ok(Mutex::new(BufWriter::with_capacity(64 << 10, file)))
            })
            .collect::<Result<_>>()?;
        let run_records = ((memory_limit / 4) as usize / (RECORD + 4)).max(MIN_RUN);
        Ok(SpilledBands {
            dir: dir.to_owned(),
            writers,
            run_records,
            remap: Vec::new(),
            signed: AtomicU64::new(0),
            error: Mutex::new(None),
        })
    }

    /// Records the band keys of one text.
    pub fn push(&self, text: u32, keys: &[u64]) -> Result<()> {
        for (band, key) in keys.iter().enumerate() {
            let mut record = [0u8; RECORD];
            record[..8].copy_from_slice(&key.to_le_bytes());
            record[8..].copy_from_slice(&text.to_le_bytes());
            let mut writer = self.writers[band].lock().unwrap_or_else(|p| p.into_inner());
            writer
                .write_all(&record)
                .with_context(|| format!("cannot write {}", band_path(&self.dir, band).display()))?;
        }
        self.signed.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Flushes the files and takes the final text numbering.
    pub fn finish(&mut self, remap: Vec<u32>) -> Result<()> {
        for (band, writer) in self.writers.iter().enumerate() {
            let mut writer = writer.lock().unwrap_or_else(|p| p.into_inner());
            writer
                .flush()
                .with_context(|| format!("cannot write {}", band_path(&self.dir, band).display()))?;
        }
        self.remap = remap;
        Ok(())
    }

    /// The first I/O error met while bucketing, if any.
    pub fn take_error(&self) -> Option<std::io::Error> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn buckets(&self, band: usize, bucket: &mut dyn FnMut(&[u32])) -> std::io::Result<()> {
        let mut reader = BufReader::with_capacity(1 << 20, File::open(band_path(&self.dir, band))?);
        let mut runs = Vec::new();
        loop {
            let mut run = self.read_run(&mut reader)?;
            if run.is_empty() {
                break;
            }
            run.sort_unstable();
            if runs.is_empty() && run.len() < self.run_records {
                // The whole band fits one run: no merge needed.
                for_each_run(&run, bucket);
                return Ok(());
            }
            let path = self.dir.join(format!("band-{band:03}.run-{:04}", runs.len()));
            write_run(&path, &run)?;
            runs.push(path);
        }
        merge_runs(&runs, bucket)?;
        runs.iter().try_for_each(std::fs::remove_file)
    }

    fn read_run(&self, reader: &mut impl Read) -> std::io::Result<Vec<(u64, u32)>> {
        let mut run = Vec::with_capacity(self.run_records.min(1 << 20));
        let mut record = [0u8; RECORD];
        while run.len() < self.run_records {
            match read_record(reader, &mut record)? {
                false => break,
                true => {
                    let (key, text) = decode(&record);
                    run.push((key, self.remap[text as usize]));
                }
            }
        }
        Ok(run)
    }
}

impl BandSource for SpilledBands {
    fn bands(&self) -> usize {
        self.writers.len()
    }

    fn signed_texts(&self) -> u64 {
        self.signed.load(Ordering::Relaxed)
    }

    fn for_each_bucket(&self, band: usize, bucket: &mut dyn FnMut(&[u32])) {
        if let Err(err) = self.buckets(band, bucket) {
            self.error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(err);
        }
    }

    /// One band at a time, so memory holds one run, not one per thread.
    fn parallel(&self) -> bool {
        false
    }
}

fn band_path(dir: &Path, band: usize) -> PathBuf {
    dir.join(format!("band-{band:03}"))
}

fn decode(record: &[u8; RECORD]) -> (u64, u32) {
    let key = u64::from_le_bytes(record[..8].try_into().expect("8 bytes"));
    (key, u32::from_le_bytes(record[8..].try_into().expect("4 bytes")))
}

/// Reads one record; false at a clean end of file.
fn read_record(reader: &mut impl Read, record: &mut [u8; RECORD]) -> std::io::Result<bool> {
    match reader.read_exact(record) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(err) => Err(err),
    }
}

fn write_run(path: &Path, run: &[(u64, u32)]) -> std::io::Result<()> {
    let mut writer = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for &(key, text) in run {
        writer.write_all(&key.to_le_bytes())?;
        writer.write_all(&text.to_le_bytes())?;
    }
    writer.flush()
}

/// Merges sorted runs, calling `bucket` for every key two or more texts share.
fn merge_runs(runs: &[PathBuf], bucket: &mut dyn FnMut(&[u32])) -> std::io::Result<()> {
    let mut readers = runs
        .iter()
        .map(|path| File::open(path).map(|f| BufReader::with_capacity(256 << 10, f)))
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut heap = BinaryHeap::new();
    let mut record = [0u8; RECORD];
    for (run, reader) in readers.iter_mut().enumerate() {
        if read_record(reader, &mut record)? {
            heap.push(Reverse((decode(&record), run)));
        }
    }
    let (mut current, mut members) = (None, Vec::new());
    while let Some(Reverse(((key, text), run))) = heap.pop() {
        if current != Some(key) {
            if members.len() > 1 {
                bucket(&members);
            }
            members.clear();
            current = Some(key);
        }
        members.push(text);
        if read_record(&mut readers[run], &mut record)? {
            heap.push(Reverse((decode(&record), run)));
        }
    }
    if members.len() > 1 {
        bucket(&members);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use corpusledger_dedup::{BandParams, BandsInMemory};

    fn buckets(source: &dyn BandSource, band: usize) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        source.for_each_bucket(band, &mut |members| out.push(members.to_vec()));
        out
    }

    /// Many runs of 16 records, merged, give the buckets of the in-memory
    /// path, in the same order, with texts renumbered.
    #[test]
    fn spilled_runs_give_the_in_memory_buckets() {
        let dir = tempfile::tempdir().unwrap();
        let params = BandParams { bands: 3, rows: 1 };
        let n = 500u32;
        // Text t at signing becomes text (n - 1 - t) after renumbering.
        let remap: Vec<u32> = (0..n).map(|t| n - 1 - t).collect();
        let key = |t: u32, band: usize| u64::from((t * 7 + band as u32 * 3) % 41);
        let mut keys: Vec<Option<Box<[u64]>>> = vec![None; n as usize];
        let mut spilled = SpilledBands::create(dir.path(), params.bands, 0).unwrap();
        for t in (0..n).filter(|t| t % 5 != 0) {
            let k: Vec<u64> = (0..params.bands).map(|band| key(t, band)).collect();
            spilled.push(t, &k).unwrap();
            keys[remap[t as usize] as usize] = Some(k.into_boxed_slice());
        }
        spilled.finish(remap).unwrap();
        assert!(spilled.run_records < n as usize);
        let in_memory = BandsInMemory { keys: &keys, params };
        assert_eq!(spilled.signed_texts(), in_memory.signed_texts());
        for band in 0..params.bands {
            let expected = buckets(&in_memory, band);
            assert!(!expected.is_empty());
            assert_eq!(buckets(&spilled, band), expected, "band {band}");
        }
        assert!(spilled.take_error().is_none());
    }
}
