//! Near-duplicate pairs found by two arrays of tasks, so that no task holds
//! the band keys or the candidate pairs of the whole corpus.
//!
//! - **Ingest** task `I` writes each band key of its signed texts, with the
//!   text's content hash and part-local number, to bucket partition
//!   `mix(band, key) mod N` (`buckets/PPPPP.bin` in its sign part), and the
//!   place of each text's shingle set to `texts.idx`.
//! - **Bucket** task `B` reads partition `B` of every sign part, sorts it by
//!   (band, key), and for every key two or more distinct texts share writes
//!   the candidate pairs (every pair up to 16 texts, a star and a chain
//!   above; [`bucket_pairs`]), each to verification partition
//!   `mix(pair) mod N` (`pairs-VVVVV.bin`).
//! - **Verify** task `V` reads partition `V` of every bucket task, keeps
//!   each pair once, drops pairs whose set sizes cannot reach the threshold
//!   and computes the exact Jaccard of the others from the stored shingle
//!   sets (`edges.bin`: the verified pairs by content hash, sorted, then
//!   the counts).
//! - The **cluster** task reads the edges and numbers their texts.
//!
//! Texts are named by content hash, and the members of a bucket ordered by
//! it, which is the order the merge numbers texts in: the pairs are those
//! of [`corpusledger_dedup::deduplicate`] over the merged texts, whatever
//! the number of shards.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result, bail};
use corpusledger_dedup::{Verified, bucket_pairs, jaccard, may_pass};
use corpusledger_ingest::{BlobRef, BlobStore};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::fixed_sort::{DEFAULT_BUDGET, FixedSort};
use super::part;
use super::rundir::{self, Marker, RunDir, RunPlan};
use super::spill_sort::SpillSort;
use crate::config::Config;
use crate::{BUCKET, INGEST, VERIFY, done_shards, rows};

/// A sign part's folder of bucket partitions.
pub const BUCKETS: &str = "buckets";
/// A sign part's shingle-set places, one per part-local text.
pub const TEXT_INDEX: &str = "texts.idx";
/// A verify task's output.
pub const EDGES: &str = "edges.bin";

/// Bucket entry: band u16, key u64, content hash u128, part-local text u32.
const ENTRY: usize = 30;
/// Candidate pair: for each text its hash u128, part u32 and local u32.
const PAIR: usize = 48;
/// Verified pair: two hashes and the Jaccard (f64).
const EDGE: usize = 40;
/// `edges.bin` ends with the candidate pairs, the length-filtered pairs
/// and the number of edges (u64 each).
const EDGES_TRAILER: usize = 24;
/// A `texts.idx` record: the shingle set's offset and length (u64 each).
const INDEX: usize = 16;

/// SplitMix64's finaliser: spreads keys and hashes over the partitions.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A band and its key as one 64-bit value.
fn band_key(band: u16, key: u64) -> u64 {
    mix(key ^ u64::from(band).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn key_partition(band: u16, key: u64, n: u32) -> usize {
    (band_key(band, key) % u64::from(n)) as usize
}

fn pair_partition(a: u128, b: u128, n: u32) -> usize {
    (mix(a as u64 ^ (b >> 64) as u64 ^ (b as u64).rotate_left(17)) % u64::from(n)) as usize
}

fn partition_name(prefix: &str, index: usize) -> String {
    format!("{prefix}{index:05}.bin")
}

/// A file written in one go that ends with the XXH3 of what came before,
/// so that a flipped byte is caught when it is read.
struct HashedFile {
    path: PathBuf,
    writer: BufWriter<File>,
    hash: Xxh3,
}

impl HashedFile {
    fn create(path: &Path, capacity: usize) -> Result<HashedFile> {
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(HashedFile {
            path: path.to_owned(),
            writer: BufWriter::with_capacity(capacity, file),
            hash: Xxh3::new(),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.hash.update(bytes);
        self.writer
            .write_all(bytes)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Appends the XXH3, flushes, and syncs when `sync`.
    fn finish(mut self, sync: bool) -> Result<()> {
        let digest = self.hash.digest().to_le_bytes();
        self.writer
            .write_all(&digest)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        let file = self.writer.into_inner().map_err(|err| err.into_error());
        file.and_then(|f| if sync { f.sync_all() } else { Ok(()) })
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// N files written from any thread, each through its own buffer.
struct Partitions {
    files: Vec<Mutex<HashedFile>>,
}

impl std::fmt::Debug for Partitions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partitions").field("files", &self.files.len()).finish()
    }
}

impl Partitions {
    fn create(dir: &Path, prefix: &str, n: u32) -> Result<Partitions> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // Small buffers when there are many partitions: 4 MB in all.
        let capacity = ((4usize << 20) / n as usize).clamp(4 << 10, 64 << 10);
        let files = (0..n as usize)
            .map(|index| HashedFile::create(&dir.join(partition_name(prefix, index)), capacity).map(Mutex::new))
            .collect::<Result<_>>()?;
        Ok(Partitions { files })
    }

    fn write(&self, index: usize, bytes: &[u8]) -> Result<()> {
        self.files[index].lock().unwrap_or_else(|p| p.into_inner()).write(bytes)
    }

    fn finish(self, sync: bool) -> Result<()> {
        for file in self.files {
            file.into_inner().unwrap_or_else(|p| p.into_inner()).finish(sync)?;
        }
        Ok(())
    }
}

/// What an ingest task writes for the bucket tasks: each band key of its
/// signed texts in the partition of its (band, key), and where each text's
/// shingle set is.
#[derive(Debug)]
pub struct BucketWriter {
    partitions: Partitions,
    /// Each text's shingle-set place, by part-local number once sorted.
    places: Mutex<Vec<(u32, BlobRef)>>,
    index: File,
    index_path: PathBuf,
}

impl BucketWriter {
    /// Partitions for `n` bucket tasks in the sign part folder `dir`.
    pub fn create(dir: &Path, n: u32) -> Result<BucketWriter> {
        let index_path = dir.join(TEXT_INDEX);
        Ok(BucketWriter {
            partitions: Partitions::create(&dir.join(BUCKETS), "", n)?,
            places: Mutex::new(Vec::new()),
            index: File::create(&index_path).with_context(|| format!("cannot create {}", index_path.display()))?,
            index_path,
        })
    }

    /// Records a text: where its shingle set is and, when it was signed, its
    /// band keys.
    pub fn push(&self, local: u32, hash: u128, shingles: Option<BlobRef>, keys: Option<&[u64]>) -> Result<()> {
        let place = shingles.unwrap_or_default();
        self.places
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((local, place));
        let n = self.partitions.files.len() as u32;
        // One write (one lock, one hash update) per partition the text's
        // keys fall in, not per key.
        let mut entries: Vec<(usize, [u8; ENTRY])> = keys
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(band, &key)| {
                let band = band as u16;
                let mut entry = [0u8; ENTRY];
                entry[..2].copy_from_slice(&band.to_le_bytes());
                entry[2..10].copy_from_slice(&key.to_le_bytes());
                entry[10..26].copy_from_slice(&hash.to_le_bytes());
                entry[26..].copy_from_slice(&local.to_le_bytes());
                (key_partition(band, key, n), entry)
            })
            .collect();
        entries.sort_unstable_by_key(|&(partition, _)| partition);
        let mut bytes = Vec::with_capacity(entries.len() * ENTRY);
        for same in entries.chunk_by(|a, b| a.0 == b.0) {
            bytes.clear();
            same.iter().for_each(|(_, entry)| bytes.extend_from_slice(entry));
            self.partitions.write(same[0].0, &bytes)?;
        }
        Ok(())
    }

    /// Writes `texts.idx`, flushes and syncs the files.
    pub fn finish(self) -> Result<()> {
        self.partitions.finish(true)?;
        let mut places = self.places.into_inner().unwrap_or_else(|p| p.into_inner());
        places.sort_unstable_by_key(|&(local, _)| local);
        let mut bytes = Vec::with_capacity(places.len() * INDEX);
        for (i, (local, place)) in places.iter().enumerate() {
            if *local as usize != i {
                bail!("{}: text {i} of the part has no place", self.index_path.display());
            }
            bytes.extend_from_slice(&place.offset.to_le_bytes());
            bytes.extend_from_slice(&place.len.to_le_bytes());
        }
        (&self.index)
            .write_all(&bytes)
            .and_then(|()| self.index.sync_all())
            .with_context(|| format!("cannot write {}", self.index_path.display()))
    }
}

/// A content hash as two halves, high first: ordered as the `u128`, and
/// aligned to 8 bytes, so that entries and pairs held by the million take
/// no padding.
pub(crate) type Hash = [u64; 2];

fn hash_at(bytes: &[u8], at: usize) -> Hash {
    split(u128_at(bytes, at))
}

pub(crate) fn split(hash: u128) -> Hash {
    [(hash >> 64) as u64, hash as u64]
}

pub(crate) fn joined(hash: Hash) -> u128 {
    (u128::from(hash[0]) << 64) | u128::from(hash[1])
}

/// One band key of a text in one sign part; sorted by band, key, then
/// content hash, so a bucket's texts come in the merge's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Entry {
    band: u16,
    key: u64,
    hash: Hash,
    part: u32,
    local: u32,
}

/// A text as the tasks after ingest name it: its content hash, and the
/// sign part and part-local number to find its shingle set by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct TextAt {
    hash: Hash,
    part: u32,
    local: u32,
}

/// Reads a [`HashedFile`] whole, without its XXH3; one whose bytes do not
/// match it, or hold no whole number of `record`-byte records after
/// `trailer` bytes, is named with `redo`, the command that makes it again.
fn read_records(path: &Path, record: usize, trailer: usize, redo: &dyn Fn() -> String) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Err(err) = File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        bail!("cannot read {}: {err}; {}", path.display(), redo());
    }
    let Some(body) = bytes.len().checked_sub(8) else {
        bail!("{} is damaged (cut short): {}", path.display(), redo());
    };
    if xxh3_64(&bytes[..body]).to_le_bytes() != bytes[body..] {
        bail!(
            "{} is damaged (its bytes do not match the XXH3 it ends with): {}",
            path.display(),
            redo()
        );
    }
    bytes.truncate(body);
    if bytes.len() < trailer || (bytes.len() - trailer) % record != 0 {
        bail!(
            "{} is damaged ({} bytes, not a whole number of {record}-byte records): {}",
            path.display(),
            bytes.len(),
            redo()
        );
    }
    Ok(bytes)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes[at..at + 2].try_into().expect("2 bytes"))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn u128_at(bytes: &[u8], at: usize) -> u128 {
    u128::from_le_bytes(bytes[at..at + 16].try_into().expect("16 bytes"))
}

fn redo(run: &RunDir, stage: &str, shard: usize, n: u32) -> String {
    let removed = rundir::forget_damaged(&run.marker_path(stage, shard as u32, n));
    format!(
        "{removed}run `corpusledger {stage} --run-dir {} --num-shards {n} --shard-index {shard}` again, \
         then the stages after it, or `corpusledger slurm resume --run-dir {}`",
        run.root.display(),
        run.root.display()
    )
}

/// The bucket stage for partition `shard` of `n`: the candidate pairs of
/// the band keys in it, written to one file per verify task. The keys are
/// sorted in runs of a quarter of the memory limit (64 MB without one) on
/// disk and merged, so the task's memory stays near its limit whatever the
/// size of its partition.
pub fn bucket_shard(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    shard: u32,
    n: u32,
    config: &Config,
) -> Result<Marker> {
    rundir::check_shard(shard, n)?;
    let parts = done_shards(run, run_plan, plan_hash, INGEST, n)?;
    let marker = RunDir::new_marker(BUCKET, shard, n, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        let read = |part: usize| {
            let path = parts[part].join(BUCKETS).join(partition_name("", shard as usize));
            read_records(&path, ENTRY, 0, &|| redo(run, INGEST, part, n))
        };
        // Most keys belong to one text: first find, at 8 bytes a key, the
        // keys two or more entries share (by a 64-bit mix of band and key,
        // so a rare collision only lets a lone key through), then hold
        // only their entries.
        let spill = dir.join("spill");
        let mut mixed: FixedSort<u64> = FixedSort::new(config.memory_limit, &spill, "mixed-keys");
        let mut keys = 0u64;
        for part in 0..parts.len() {
            for e in read(part)?.chunks_exact(ENTRY) {
                mixed.push(band_key(u16_at(e, 0), u64_at(e, 2)))?;
                keys += 1;
            }
        }
        let mut sorted = mixed.sorted()?;
        let mut shared: Vec<u64> = Vec::new();
        let (mut current, mut seen) = (None, 0u32);
        for value in sorted.by_ref() {
            if current == Some(value) {
                seen += 1;
                if seen == 2 {
                    shared.push(value);
                }
            } else {
                (current, seen) = (Some(value), 1);
            }
        }
        if let Some(err) = sorted.error() {
            return Err(err.context("cannot merge the sorted band keys"));
        }
        drop(sorted);
        let budget = Some(config.memory_limit.map_or(DEFAULT_BUDGET, |limit| limit / 4));
        let mut sort = SpillSort::new("band-keys", budget, &spill, <Entry as Ord>::cmp);
        for part in 0..parts.len() {
            for e in read(part)?.chunks_exact(ENTRY) {
                let (band, key) = (u16_at(e, 0), u64_at(e, 2));
                if shared.binary_search(&band_key(band, key)).is_err() {
                    continue;
                }
                let entry = Entry {
                    band,
                    key,
                    hash: hash_at(e, 10),
                    part: part as u32,
                    local: u32_at(e, 26),
                };
                sort.push(entry, std::mem::size_of::<Entry>())?;
            }
        }
        drop(shared);
        let mut sorted = sort.sorted()?;
        let mut out = BucketPairs {
            partitions: Partitions::create(dir, "pairs-", n)?,
            n,
            buckets: 0,
            pairs: 0,
            members: Vec::new(),
            numbered: Vec::new(),
            found: Vec::new(),
        };
        let mut bucket: Vec<Entry> = Vec::new();
        while let Some(entry) = sorted.next_item()? {
            if bucket
                .first()
                .is_some_and(|first| (first.band, first.key) != (entry.band, entry.key))
            {
                out.bucket(&bucket)?;
                bucket.clear();
            }
            bucket.push(entry);
        }
        out.bucket(&bucket)?;
        drop(sorted);
        if spill.exists() {
            std::fs::remove_dir_all(&spill).with_context(|| format!("cannot remove {}", spill.display()))?;
        }
        let (buckets, pairs) = (out.buckets, out.pairs);
        out.partitions.finish(run.durable)?;
        let mut made = RunDir::new_marker(BUCKET, shard, n, plan_hash, &run_plan.config_hash);
        made.rows = rows([("band-keys", keys), ("buckets", buckets), ("pairs", pairs)]);
        Ok(made)
    })
}

/// Writes the candidate pairs of buckets to the verify partitions.
struct BucketPairs {
    partitions: Partitions,
    n: u32,
    buckets: u64,
    pairs: u64,
    members: Vec<TextAt>,
    numbered: Vec<u32>,
    found: Vec<(u32, u32)>,
}

impl BucketPairs {
    /// The pairs of one bucket: the entries of one (band, key), sorted.
    fn bucket(&mut self, bucket: &[Entry]) -> Result<()> {
        if bucket.len() < 2 {
            return Ok(());
        }
        // A text in several parts has an entry from each: once.
        self.members.clear();
        self.members.extend(bucket.iter().map(|e| TextAt {
            hash: e.hash,
            part: e.part,
            local: e.local,
        }));
        self.members.dedup_by_key(|t| t.hash);
        if self.members.len() < 2 {
            return Ok(());
        }
        self.buckets += 1;
        self.numbered.clear();
        self.numbered.extend(0..self.members.len() as u32);
        self.found.clear();
        bucket_pairs(&self.numbered, &mut self.found);
        for &(a, b) in &self.found {
            let (a, b) = (self.members[a as usize], self.members[b as usize]);
            let mut record = [0u8; PAIR];
            for (at, text) in [(0, a), (24, b)] {
                record[at..at + 16].copy_from_slice(&joined(text.hash).to_le_bytes());
                record[at + 16..at + 20].copy_from_slice(&text.part.to_le_bytes());
                record[at + 20..at + 24].copy_from_slice(&text.local.to_le_bytes());
            }
            self.partitions
                .write(pair_partition(joined(a.hash), joined(b.hash), self.n), &record)?;
        }
        self.pairs += self.found.len() as u64;
        Ok(())
    }
}

/// The sign parts' shingle sets, each opened when first read.
struct ShingleSets<'a> {
    parts: &'a [PathBuf],
    stores: Vec<OnceLock<std::result::Result<BlobStore, String>>>,
}

impl<'a> ShingleSets<'a> {
    fn new(parts: &'a [PathBuf]) -> ShingleSets<'a> {
        ShingleSets {
            parts,
            stores: (0..parts.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    fn read(&self, part: u32, place: BlobRef) -> Result<Vec<u64>> {
        let store = self.stores[part as usize].get_or_init(|| {
            BlobStore::open(&self.parts[part as usize].join(part::SHINGLES)).map_err(|err| err.to_string())
        });
        let store = store.as_ref().map_err(|err| anyhow::anyhow!("{err}"))?;
        Ok(super::ingested::u64s(&store.read(place)?))
    }
}

/// A verified pair by content hashes, and its Jaccard.
type HashEdge = (u128, u128, f64);
/// A chunk's verified pairs, and how many pairs the length filter dropped.
type Checked = (Vec<HashEdge>, u64);

/// Candidate pairs verified at a time: their shingle-set places are read
/// together, their sets on every thread.
const VERIFY_CHUNK: usize = 1 << 18;

/// The verify stage for partition `shard` of `n`: each candidate pair of
/// the partition once, checked by the exact Jaccard of its shingle sets.
/// The pairs are sorted in runs of a quarter of the memory limit (64 MB
/// without one) on disk and merged.
pub fn verify_shard(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    shard: u32,
    n: u32,
    config: &Config,
) -> Result<Marker> {
    rundir::check_shard(shard, n)?;
    let parts = done_shards(run, run_plan, plan_hash, INGEST, n)?;
    let buckets = done_shards(run, run_plan, plan_hash, BUCKET, n)?;
    let marker = RunDir::new_marker(VERIFY, shard, n, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        let spill = dir.join("spill");
        let budget = Some(config.memory_limit.map_or(DEFAULT_BUDGET, |limit| limit / 4));
        let mut sort = SpillSort::new("pairs", budget, &spill, <(TextAt, TextAt) as Ord>::cmp);
        for (bucket, bucket_dir) in buckets.iter().enumerate() {
            let path = bucket_dir.join(partition_name("pairs-", shard as usize));
            let bytes = read_records(&path, PAIR, 0, &|| redo(run, BUCKET, bucket, n))?;
            let text = |r: &[u8], at: usize| TextAt {
                hash: hash_at(r, at),
                part: u32_at(r, at + 16),
                local: u32_at(r, at + 20),
            };
            for record in bytes.chunks_exact(PAIR) {
                let (a, b) = (text(record, 0), text(record, 24));
                if a.part as usize >= parts.len() || b.part as usize >= parts.len() || a.hash >= b.hash {
                    bail!(
                        "{} is damaged (a pair out of order): {}",
                        path.display(),
                        redo(run, BUCKET, bucket, n)
                    );
                }
                sort.push((a, b), std::mem::size_of::<(TextAt, TextAt)>())?;
            }
        }
        let mut sorted = sort.sorted()?;
        let mut edges_file = HashedFile::create(&dir.join(EDGES), 1 << 20)?;
        let sets = ShingleSets::new(&parts);
        let (mut candidates, mut filtered, mut verified) = (0u64, 0u64, 0u64);
        let mut chunk: Vec<(TextAt, TextAt)> = Vec::with_capacity(VERIFY_CHUNK);
        loop {
            let next = sorted.next_item()?;
            if let Some(pair) = next {
                // Each pair once: equal hashes come together.
                if chunk
                    .last()
                    .is_some_and(|last| (last.0.hash, last.1.hash) == (pair.0.hash, pair.1.hash))
                {
                    continue;
                }
                if chunk.len() < VERIFY_CHUNK {
                    chunk.push(pair);
                    continue;
                }
            }
            // The chunk is full, or the last: verify it.
            let (edges, chunk_filtered) = verify_chunk(&chunk, &parts, &sets, config.threshold, n, run)?;
            candidates += chunk.len() as u64;
            filtered += chunk_filtered;
            verified += edges.len() as u64;
            for (a, b, j) in &edges {
                let mut record = [0u8; EDGE];
                record[..16].copy_from_slice(&a.to_le_bytes());
                record[16..32].copy_from_slice(&b.to_le_bytes());
                record[32..].copy_from_slice(&j.to_le_bytes());
                edges_file.write(&record)?;
            }
            chunk.clear();
            match next {
                Some(pair) => chunk.push(pair),
                None => break,
            }
        }
        drop(sorted);
        for count in [candidates, filtered, verified] {
            edges_file.write(&count.to_le_bytes())?;
        }
        edges_file.finish(run.durable)?;
        super::kill_point::kill_point("edges");
        if spill.exists() {
            std::fs::remove_dir_all(&spill).with_context(|| format!("cannot remove {}", spill.display()))?;
        }
        let mut made = RunDir::new_marker(VERIFY, shard, n, plan_hash, &run_plan.config_hash);
        made.rows = rows([
            ("candidate-pairs", candidates),
            ("length-filtered-pairs", filtered),
            ("verified-pairs", verified),
        ]);
        Ok(made)
    })
}

/// The pairs of `chunk` (sorted, each once) whose exact Jaccard reaches
/// `threshold`, in order, and how many the length filter dropped.
fn verify_chunk(
    chunk: &[(TextAt, TextAt)],
    parts: &[PathBuf],
    sets: &ShingleSets<'_>,
    threshold: f64,
    n: u32,
    run: &RunDir,
) -> Result<Checked> {
    let places = shingle_places(parts, chunk, n, run)?;
    let place = |t: &TextAt| {
        let i = places
            .binary_search_by_key(&(t.part, t.local), |&(p, l, _)| (p, l))
            .expect("every text of a pair has its place read");
        places[i].2
    };
    let checked: Vec<Result<Checked>> = chunk
        .par_chunks(256)
        .map(|pairs| {
            let mut current: Option<(Hash, Vec<u64>)> = None;
            let (mut edges, mut filtered) = (Vec::new(), 0u64);
            for (a, b) in pairs {
                let (place_a, place_b) = (place(a), place(b));
                if !may_pass((place_a.len / 8) as usize, (place_b.len / 8) as usize, threshold) {
                    filtered += 1;
                    continue;
                }
                if current.as_ref().is_none_or(|(hash, _)| *hash != a.hash) {
                    current = Some((a.hash, sets.read(a.part, place_a)?));
                }
                let set_a = &current.as_ref().expect("set just read").1;
                let j = jaccard(set_a, &sets.read(b.part, place_b)?);
                if j >= threshold {
                    edges.push((joined(a.hash), joined(b.hash), j));
                }
            }
            Ok((edges, filtered))
        })
        .collect();
    let mut edges = Vec::new();
    let mut filtered = 0u64;
    for part in checked {
        let (part_edges, part_filtered) =
            part.context("cannot read a shingle set of the sign parts: run the ingest stage again")?;
        edges.extend(part_edges);
        filtered += part_filtered;
    }
    Ok((edges, filtered))
}

/// The shingle-set place of every text of `pairs`, read from the sign
/// parts' `texts.idx`, sorted by (part, local).
fn shingle_places(
    parts: &[PathBuf],
    pairs: &[(TextAt, TextAt)],
    n: u32,
    run: &RunDir,
) -> Result<Vec<(u32, u32, BlobRef)>> {
    let mut wanted: Vec<(u32, u32)> = pairs
        .iter()
        .flat_map(|(a, b)| [(a.part, a.local), (b.part, b.local)])
        .collect();
    wanted.par_sort_unstable();
    wanted.dedup();
    let mut places = Vec::with_capacity(wanted.len());
    for run_of_part in wanted.chunk_by(|x, y| x.0 == y.0) {
        let part = run_of_part[0].0;
        let path = parts[part as usize].join(TEXT_INDEX);
        let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut record = [0u8; INDEX];
        for &(_, local) in run_of_part {
            file.read_exact_at(&mut record, u64::from(local) * INDEX as u64)
                .with_context(|| {
                    format!(
                        "{} has no text {local}: {}",
                        path.display(),
                        redo(run, INGEST, part as usize, n)
                    )
                })?;
            let place = BlobRef {
                offset: u64_at(&record, 0),
                len: u64_at(&record, 8),
            };
            places.push((part, local, place));
        }
    }
    Ok(places)
}

/// The verified pairs of the `n` verify tasks, their texts numbered by
/// `number` (the merge's number of a content hash), with the counts.
pub fn read_verified(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    n: u32,
    number: &dyn Fn(u128) -> Option<u32>,
) -> Result<Verified> {
    let dirs = done_shards(run, run_plan, plan_hash, VERIFY, n)?;
    let mut verified = Verified::default();
    for (shard, dir) in dirs.iter().enumerate() {
        let path = dir.join(EDGES);
        let again = || redo(run, VERIFY, shard, n);
        let bytes = read_records(&path, EDGE, EDGES_TRAILER, &again)?;
        let damaged = || anyhow::anyhow!("{} is damaged: {}", path.display(), again());
        let (edges, trailer) = bytes.split_at(bytes.len() - EDGES_TRAILER);
        let (candidates, filtered, count) = (u64_at(trailer, 0), u64_at(trailer, 8), u64_at(trailer, 16));
        if count != (edges.len() / EDGE) as u64 || count > candidates {
            return Err(damaged());
        }
        verified.candidate_pairs += candidates;
        verified.length_filtered_pairs += filtered;
        for edge in edges.chunks_exact(EDGE) {
            let (a, b) = (u128_at(edge, 0), u128_at(edge, 16));
            let j = f64::from_le_bytes(edge[32..].try_into().expect("8 bytes"));
            match (number(a), number(b)) {
                (Some(a), Some(b)) if a < b && (0.0..=1.0).contains(&j) => verified.edges.push((a, b, j)),
                _ => return Err(damaged()),
            }
        }
    }
    Ok(verified)
}
