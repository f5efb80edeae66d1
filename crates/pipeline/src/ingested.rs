//! What the decide and write stages read: the sign parts of every shard,
//! merged. Texts are joined by content hash across parts and numbered in
//! hash order, documents and rejections sorted in source order, so the
//! result is the same whatever the number of shards or threads that made
//! the parts.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use corpusledger_dedup::BandParams;
use corpusledger_ingest::{BlobRef, BlobStore, Plan};
use corpusledger_model::{Credit, DocLicense, Redaction, Rejection};

use super::doc_table::{DocRecord, DocTable, StoredDoc};
use super::part::{self, Record, TextRow};
use super::spill_sort::SpillSort;
use crate::config::Config;
use serde::{Deserialize, Serialize};

/// The most the document records being sorted take in memory without a
/// memory limit; beyond it they are sorted in runs on disk, which costs
/// little and keeps the merge from holding every record at once.
const DOC_SORT_BUDGET: u64 = 256 << 20;

/// What the cluster stage commits of the merge, beside the decisions: the
/// document table (a file of its own) and this, so that the manifest task
/// opens the merge instead of doing it again.
pub const MERGED: &str = "merged.bin";
/// The committed document table.
pub const DOCS: &str = "docs.bin";

/// A distinct content, in the part that first brought it: where its
/// content, shingle set and band keys are. The cluster and manifest tasks
/// hold one per text, so it is kept to 56 bytes (no `u128` alignment, no
/// `Option` tags).
#[derive(Debug, Serialize, Deserialize)]
pub struct TextEntry {
    /// The content hash (xxh3-128), high half first.
    hash: super::pairs::Hash,
    content_offset: u64,
    content_len: u64,
    shingles_offset: u64,
    /// Where its band keys start in the part's band file; [`NO_BANDS`]
    /// for a text that was not signed.
    bands_offset: u64,
    part: u32,
    /// Shingles in its set (8 bytes each); 0 for none.
    shingle_count: u32,
}

/// [`TextEntry::bands_offset`] of a text without band keys.
const NO_BANDS: u64 = u64::MAX;

impl TextEntry {
    fn new(part: u32, row: &TextRow) -> Result<TextEntry> {
        let shingles = row.shingles.unwrap_or_default();
        let shingle_count = u32::try_from(shingles.len / 8)
            .map_err(|_| anyhow!("a text of part {part} has more than 2^32 shingles"))?;
        Ok(TextEntry {
            hash: super::pairs::split(row.hash),
            content_offset: row.content.offset,
            content_len: row.content.len,
            shingles_offset: shingles.offset,
            bands_offset: row.bands.map_or(NO_BANDS, |blob| blob.offset),
            part,
            shingle_count,
        })
    }

    fn hash(&self) -> u128 {
        super::pairs::joined(self.hash)
    }

    fn content(&self) -> BlobRef {
        BlobRef {
            offset: self.content_offset,
            len: self.content_len,
        }
    }

    fn shingles(&self) -> Option<BlobRef> {
        (self.shingle_count > 0).then_some(BlobRef {
            offset: self.shingles_offset,
            len: u64::from(self.shingle_count) * 8,
        })
    }

    /// Its band keys, `bands` of them.
    fn bands(&self, bands: usize) -> Option<BlobRef> {
        (self.bands_offset != NO_BANDS).then_some(BlobRef {
            offset: self.bands_offset,
            len: bands as u64 * 8,
        })
    }
}

/// The blob files of one part.
#[derive(Debug)]
struct PartStores {
    shingles: BlobStore,
    credits: BlobStore,
    bands: BlobStore,
}

/// The merged parts: documents in source order (in a table on disk),
/// texts in hash order, and the part files they point into.
#[derive(Debug)]
pub struct Ingested {
    pub docs: DocTable,
    pub texts: Vec<TextEntry>,
    pub rejections: Vec<Rejection>,
    /// Spans the content filters replaced, in source order, then offset.
    pub redactions: Vec<Redaction>,
    /// Whether any document carries credits (posts), so attribution is due.
    pub carries_credits: bool,
    /// License problems met by any shard, sorted, each once.
    pub problems: Vec<String>,
    pub bands: BandParams,
    parts: Vec<PartStores>,
}

impl Ingested {
    /// The credits of a document: none unless it was read from posts.
    pub fn credits_of(&self, doc: &DocRecord) -> Result<Vec<Credit>> {
        let Some(blob) = doc.credits else {
            return Ok(Vec::new());
        };
        let bytes = self.parts[doc.part as usize].credits.read(blob)?;
        serde_json::from_slice(&bytes).context("a credits file of the sign parts is damaged; run again")
    }

    /// The number of the text with content hash `hash`, if any (texts are
    /// numbered in hash order).
    pub fn text_by_hash(&self, hash: u128) -> Option<u32> {
        self.texts
            .binary_search_by_key(&hash, TextEntry::hash)
            .ok()
            .map(|i| i as u32)
    }

    /// Texts with band keys.
    pub fn signed_texts(&self) -> u64 {
        self.texts.iter().filter(|t| t.bands_offset != NO_BANDS).count() as u64
    }

    /// Where the content of a text is: the part (ingest shard) whose
    /// contents file holds it, and the blob there.
    pub fn content_ref(&self, text: u32) -> (u32, BlobRef) {
        let entry = &self.texts[text as usize];
        (entry.part, entry.content())
    }

    /// The shingle set of a text, read back from its part.
    pub fn shingles_of(&self, text: u32) -> Vec<u64> {
        let entry = &self.texts[text as usize];
        let Some(blob) = entry.shingles() else {
            return Vec::new();
        };
        // A read error here means a part was damaged mid-run; an empty set
        // makes the pair fail verification rather than invent a match.
        let bytes = self.parts[entry.part as usize].shingles.read(blob).unwrap_or_default();
        u64s(&bytes)
    }

    /// The size of a text's shingle set, from its stored length alone.
    pub fn shingle_count(&self, text: u32) -> usize {
        self.texts[text as usize].shingle_count as usize
    }

    /// The band keys of a text, read back from its part (none for a text
    /// without shingles).
    pub fn band_keys_of(&self, text: u32) -> Result<Vec<u64>> {
        let entry = &self.texts[text as usize];
        match entry.bands(self.bands.bands) {
            Some(blob) => Ok(u64s(&self.parts[entry.part as usize].bands.read(blob)?)),
            None => Ok(Vec::new()),
        }
    }

    /// Reads and merges the sign parts in `dirs` (shard order) into the
    /// scratch folder `work`, which the caller owns (it is emptied first).
    /// `plan` gives the rejections met while listing. The documents are sorted into a table in
    /// `work`, in sorted runs of a quarter of the memory limit when one is
    /// set.
    pub fn load(plan: &Plan, dirs: &[PathBuf], config: &Config, work: &Path) -> Result<Ingested> {
        if work.exists() {
            std::fs::remove_dir_all(work).with_context(|| format!("cannot empty {}", work.display()))?;
        }
        std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
        let params = config.bands();
        let mut merge = Merge {
            docs: SpillSort::new(
                "docs",
                Some(config.memory_limit.map_or(DOC_SORT_BUDGET, |limit| limit / 4)),
                &work.join("docs"),
                |a: &StoredDoc, b: &StoredDoc| super::source_order(&a.row.source, &b.row.source),
            ),
            rejections: plan.rejections.clone(),
            redactions: Vec::new(),
            texts: Vec::new(),
            by_hash: HashMap::new(),
            problems: BTreeSet::new(),
            licenses: Vec::new(),
            license_index: HashMap::new(),
            parts: Vec::new(),
            carries_credits: false,
        };
        for (index, dir) in dirs.iter().enumerate() {
            merge.part(index as u32, dir)?;
        }
        let Merge {
            docs,
            mut texts,
            by_hash,
            mut rejections,
            mut redactions,
            problems,
            parts,
            licenses,
            carries_credits,
            ..
        } = merge;
        drop(by_hash);
        let new_index = renumber_texts(&mut texts);
        let docs = DocTable::write(&work.join("docs.bin"), &mut docs.sorted()?, &new_index, licenses)?;
        rejections.sort_by(|a, b| super::source_order(&a.source, &b.source));
        redactions.sort_by(|a, b| super::source_order(&a.source, &b.source).then(a.offset.cmp(&b.offset)));
        Ok(Ingested {
            docs,
            texts,
            rejections,
            redactions,
            carries_credits,
            problems: problems.into_iter().collect(),
            bands: params,
            parts,
        })
    }
}

/// The merge as the cluster stage commits it (see [`MERGED`]), as read
/// back; [`CommittedRef`] writes the same fields in the same order.
#[derive(Deserialize)]
struct Committed {
    texts: Vec<TextEntry>,
    rejections: Vec<Rejection>,
    redactions: Vec<Redaction>,
    carries_credits: bool,
    problems: Vec<String>,
    /// The document table's licenses, as JSON (their evidence skips absent
    /// fields, which a positional encoding cannot).
    licenses: Vec<String>,
    /// Where each document starts in the table, and where the last ends.
    offsets: Vec<u64>,
}

/// [`Committed`] as written, borrowing the merge's lists.
#[derive(Serialize)]
struct CommittedRef<'a> {
    texts: &'a [TextEntry],
    rejections: &'a [Rejection],
    redactions: &'a [Redaction],
    carries_credits: bool,
    problems: &'a [String],
    licenses: Vec<String>,
    offsets: &'a [u64],
}

impl Ingested {
    /// Writes the merge into `dir` (the cluster stage's folder): the
    /// document table as `docs.bin` and the rest as `merged.bin`.
    /// Synced when `sync`.
    pub fn commit(&self, dir: &Path, sync: bool) -> Result<()> {
        self.docs.persist(&dir.join(DOCS))?;
        let committed = CommittedRef {
            texts: &self.texts,
            rejections: &self.rejections,
            redactions: &self.redactions,
            carries_credits: self.carries_credits,
            problems: &self.problems,
            licenses: self
                .docs
                .licenses()
                .iter()
                .map(|l| serde_json::to_string(&**l).context("a license serialises"))
                .collect::<Result<_>>()?,
            offsets: self.docs.offsets(),
        };
        let mut bytes = postcard::to_stdvec(&committed).context("the merge serialises")?;
        // A flipped byte could still decode: the file ends with its XXH3.
        let digest = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&digest.to_le_bytes());
        super::rundir::write_in_shard(&dir.join(MERGED), &bytes, sync)
    }

    /// Opens the merge the cluster stage committed in `cluster`, over the
    /// sign parts in `dirs` (shard order): no part is merged again, and the
    /// band keys are read from the parts when asked for. An error that is
    /// the committed files' is a [`ClusterDamaged`](super::ClusterDamaged).
    pub fn open(dirs: &[PathBuf], cluster: &Path, config: &Config) -> Result<Ingested> {
        let damaged = |what: String| anyhow::Error::new(super::ClusterDamaged(what));
        let path = cluster.join(MERGED);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let (body, digest) = bytes.split_at(bytes.len().saturating_sub(8));
        if digest.len() != 8 || xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != digest {
            return Err(damaged(format!(
                "{} is damaged: its bytes do not match the XXH3 it ends with",
                path.display()
            )));
        }
        let committed: Committed =
            postcard::from_bytes(body).map_err(|e| damaged(format!("{} is damaged: {e}", path.display())))?;
        drop(bytes);
        let licenses = committed
            .licenses
            .iter()
            .map(|json| serde_json::from_str::<DocLicense>(json).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| damaged(format!("{}: a license is damaged: {e}", path.display())))?;
        let docs =
            DocTable::open(&cluster.join(DOCS), committed.offsets, licenses).map_err(|e| damaged(format!("{e:#}")))?;
        if committed.texts.iter().any(|t| t.part as usize >= dirs.len()) {
            return Err(damaged(format!(
                "{} names a sign part past the {} there are",
                path.display(),
                dirs.len()
            )));
        }
        let parts = dirs.iter().map(|dir| PartStores::open(dir)).collect::<Result<_>>()?;
        Ok(Ingested {
            docs,
            texts: committed.texts,
            rejections: committed.rejections,
            redactions: committed.redactions,
            carries_credits: committed.carries_credits,
            problems: committed.problems,
            bands: config.bands(),
            parts,
        })
    }
}

impl PartStores {
    fn open(dir: &Path) -> Result<PartStores> {
        let open = |name: &str| BlobStore::open(&dir.join(name)).map_err(anyhow::Error::new);
        Ok(PartStores {
            shingles: open(part::SHINGLES)?,
            credits: open(part::CREDITS)?,
            bands: open(part::BANDS)?,
        })
    }
}

/// Little-endian `u64`s, as the parts store shingle sets and band keys.
pub(crate) fn u64s(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

struct Merge {
    docs: SpillSort<StoredDoc>,
    texts: Vec<TextEntry>,
    by_hash: HashMap<u128, u32>,
    rejections: Vec<Rejection>,
    redactions: Vec<Redaction>,
    problems: BTreeSet<String>,
    /// Every distinct license of all parts, and where each is in that list.
    licenses: Vec<Arc<DocLicense>>,
    license_index: HashMap<Arc<DocLicense>, u32>,
    parts: Vec<PartStores>,
    carries_credits: bool,
}

impl Merge {
    fn part(&mut self, index: u32, dir: &Path) -> Result<()> {
        self.parts.push(PartStores::open(dir)?);
        // Documents may come before the texts they name (threads finish in
        // any order), so texts and licenses are read first, documents in a
        // second pass: neither list is held whole.
        let records = dir.join(part::RECORDS);
        let mut licenses = Vec::new();
        // Part-local text index -> merged index.
        let mut local = HashMap::new();
        part::read_records(&records, |record| {
            match record {
                Record::License(json) => {
                    let license: DocLicense = serde_json::from_str(&json).context("a license record is damaged")?;
                    licenses.push(self.license(license));
                }
                Record::Text(row) => {
                    local.insert(row.local, self.text(index, row)?);
                }
                Record::Rejection(rejection) => self.rejections.push(rejection),
                Record::Redaction(redaction) => self.redactions.push(redaction),
                Record::Problem(problem) => {
                    self.problems.insert(problem);
                }
                Record::Doc(_) => {}
            }
            Ok(())
        })?;
        part::read_records(&records, |record| {
            let Record::Doc(mut row) = record else {
                return Ok(());
            };
            let missing = || anyhow!("{}: a document refers to a record that is not there", dir.display());
            row.text = *local.get(&row.text).ok_or_else(missing)?;
            row.license = *licenses.get(row.license as usize).ok_or_else(missing)?;
            self.carries_credits |= row.credits.is_some();
            let doc = StoredDoc { part: index, row };
            let size = doc.size();
            self.docs.push(doc, size)
        })?;
        Ok(())
    }
}

impl Merge {
    /// The merged index of a part's text: a text already brought by an
    /// earlier part (or earlier in this one) keeps its first copy.
    fn text(&mut self, part: u32, row: TextRow) -> Result<u32> {
        if let Some(&merged) = self.by_hash.get(&row.hash) {
            return Ok(merged);
        }
        let merged = self.texts.len() as u32;
        self.texts.push(TextEntry::new(part, &row)?);
        self.by_hash.insert(row.hash, merged);
        Ok(merged)
    }
}

impl Merge {
    /// The number of a license across all parts: the same license (and
    /// evidence) read by two parts is one entry.
    fn license(&mut self, license: DocLicense) -> u32 {
        if let Some(&index) = self.license_index.get(&license) {
            return index;
        }
        let index = self.licenses.len() as u32;
        let shared = Arc::new(license);
        self.licenses.push(shared.clone());
        self.license_index.insert(shared, index);
        index
    }
}

/// Orders texts by content hash, in place, so text indices (and everything that iterates over them) do not
/// depend on which part or thread saw a text first. Returns, for each old
/// index, its new one.
fn renumber_texts(texts: &mut [TextEntry]) -> Vec<u32> {
    // Hashes are distinct (texts were merged by hash): the order is total.
    let mut order: Vec<u32> = (0..texts.len() as u32).collect();
    order.sort_unstable_by_key(|&i| texts[i as usize].hash);
    let mut new_index = vec![0u32; texts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old as usize] = new as u32;
    }
    // Move each text to its place by following the cycles of the
    // permutation: no second copy of the texts.
    let mut place = new_index.clone();
    for i in 0..texts.len() {
        while place[i] as usize != i {
            let to = place[i] as usize;
            texts.swap(i, to);
            place.swap(i, to);
        }
    }
    new_index
}
