//! Ingest and sign: read every document, apply the opt-out lists, check it,
//! hash it, attribute its license and package, apply the license policy, and
//! for each distinct text spill the content and shingle set to disk and
//! keep only its LSH band keys in memory.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow};
use corpusledger_dedup::{BandParams, Sketcher, shingles};
use corpusledger_ingest::{BlobRef, BlobStore, Item, Plan, check_content, read_unit};
use corpusledger_model::{Credit, DocId, DocLicense, Document, Reason, Rejection, Reporter, SourceRef};
use corpusledger_provenance::{Attribution, LicensePolicy, OptOutList, Provenance, language_of};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

use super::bands::SpilledBands;
use crate::config::Config;

/// A document that passed the checks.
#[derive(Debug)]
pub struct DocRecord {
    pub id: DocId,
    pub source: SourceRef,
    /// Index into [`Ingested::texts`].
    pub text: u32,
    pub bytes: u64,
    pub sha256: [u8; 32],
    /// Shared by every document with the same answer: thousands of files
    /// carry one license and one set of evidence.
    pub license: Arc<DocLicense>,
    pub language: Option<Arc<str>>,
    /// Package URL of the nearest package manifest.
    pub package: Option<Arc<str>>,
    /// The commit the document's repository was read at.
    pub revision: Option<Arc<str>>,
    pub stars: Option<i64>,
    /// The attribution its license requires (Stack Exchange posts), as
    /// JSON in the credits spill file: read back only when written out.
    pub credits: Option<BlobRef>,
}

/// What decides, before deduplication, that a document may not stay: the
/// opt-out lists and the license policy.
#[derive(Debug, Default)]
pub struct Gate {
    pub opt_out: Vec<OptOutList>,
    pub policy: LicensePolicy,
}

/// A distinct content.
#[derive(Debug)]
pub struct TextEntry {
    pub hash: u128,
    pub content: BlobRef,
    pub shingles: Option<BlobRef>,
}

/// A text as signing leaves it: where it is, and its band keys (`None` for a
/// text with no shingles, or when they went to the spill).
struct Signed {
    entry: TextEntry,
    band_keys: Option<Box<[u64]>>,
}

/// What ingest hands on: documents in source order, texts in hash order, and
/// the spill files they point into.
#[derive(Debug)]
pub struct Ingested {
    pub docs: Vec<DocRecord>,
    pub texts: Vec<TextEntry>,
    pub rejections: Vec<Rejection>,
    pub contents: BlobStore,
    pub shingle_sets: BlobStore,
    /// The credits of documents that have them.
    pub credit_store: BlobStore,
    pub bands: BandParams,
    /// Band keys per text, parallel to `texts`, when they are kept in memory.
    pub band_keys: Vec<Option<Box<[u64]>>>,
    /// Band keys on disk instead, when a memory limit is set.
    pub spilled_bands: Option<SpilledBands>,
}

impl Ingested {
    /// The credits of a document: none unless it was read from posts.
    pub fn credits_of(&self, doc: &DocRecord) -> Result<Vec<Credit>> {
        let Some(blob) = doc.credits else {
            return Ok(Vec::new());
        };
        let bytes = self.credit_store.read(blob)?;
        serde_json::from_slice(&bytes).context("the credits spill file is damaged; run again")
    }

    /// The shingle set of a text, read back from the spill file.
    pub fn shingles_of(&self, text: u32) -> Vec<u64> {
        let Some(blob) = self.texts[text as usize].shingles else {
            return Vec::new();
        };
        // A read error here means the work directory was damaged mid-run; an
        // empty set makes the pair fail verification rather than invent a match.
        let bytes = self.shingle_sets.read(blob).unwrap_or_default();
        bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    }
}

struct Signer<'a> {
    config: &'a Config,
    provenance: &'a Provenance,
    gate: &'a Gate,
    sketcher: Sketcher,
    bands: BandParams,
    contents: BlobStore,
    shingle_sets: BlobStore,
    credit_store: BlobStore,
    spilled_bands: Option<SpilledBands>,
    table: Mutex<TextTable>,
    licenses: Mutex<HashSet<Arc<DocLicense>>>,
    /// Languages, packages and revisions: few values, many documents.
    strings: Mutex<HashSet<Arc<str>>>,
}

/// Content hash -> text index, and the texts, in first-seen order (made
/// deterministic by sorting when ingest ends). A text is `None` while the
/// thread that first saw it is still signing it.
#[derive(Default)]
struct TextTable {
    by_hash: HashMap<u128, u32>,
    texts: Vec<Option<Signed>>,
}

enum Processed {
    Doc(DocRecord),
    Rejected(Rejection),
}

pub fn ingest_and_sign(
    plan: &Plan,
    config: &Config,
    provenance: &Provenance,
    gate: &Gate,
    work: &Path,
    reporter: &dyn Reporter,
) -> Result<Ingested> {
    let bands = BandParams::optimal(config.threshold, config.num_perm);
    let signer = Signer {
        config,
        sketcher: Sketcher::new(config.num_perm, config.seed),
        bands,
        provenance,
        gate,
        contents: BlobStore::create(&work.join("contents.bin"))?,
        shingle_sets: BlobStore::create(&work.join("shingles.bin"))?,
        credit_store: BlobStore::create(&work.join("credits.bin"))?,
        spilled_bands: match config.memory_limit {
            Some(limit) => Some(SpilledBands::create(&work.join("bands"), bands.bands, limit)?),
            None => None,
        },
        table: Mutex::new(TextTable::default()),
        licenses: Mutex::new(HashSet::new()),
        strings: Mutex::new(HashSet::new()),
    };
    let ingest_config = config.ingest();
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    reporter.start("ingest", None, "docs");
    let per_unit: Vec<Vec<Processed>> = plan
        .units
        .par_iter()
        .with_max_len(1)
        .map(|unit| {
            let mut out = Vec::new();
            read_unit(plan, unit, &ingest_config, &mut |batch: Vec<Item>| {
                if failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                    return;
                }
                let n = batch.len() as u64;
                let done: Result<Vec<Processed>> = batch.into_par_iter().map(|item| signer.process(item)).collect();
                match done {
                    Ok(done) => out.extend(done),
                    Err(err) => {
                        let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
                        slot.get_or_insert(err);
                    }
                }
                reporter.advance(n);
            });
            out
        })
        .collect();
    reporter.finish();
    if let Some(err) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(err.context("ingest failed"));
    }
    signer.contents.finish()?;
    signer.shingle_sets.finish()?;
    signer.credit_store.finish()?;

    let mut docs = Vec::new();
    let mut rejections = plan.rejections.clone();
    for processed in per_unit.into_iter().flatten() {
        match processed {
            Processed::Doc(doc) => docs.push(doc),
            Processed::Rejected(rejection) => rejections.push(rejection),
        }
    }
    let table = signer.table.into_inner().unwrap_or_else(|p| p.into_inner());
    let (signed, new_index) = renumber_texts(table.texts, &mut docs)?;
    let (texts, band_keys) = signed.into_iter().map(|s| (s.entry, s.band_keys)).unzip();
    let mut spilled_bands = signer.spilled_bands;
    if let Some(spill) = spilled_bands.as_mut() {
        spill.finish(new_index)?;
    }
    docs.sort_by(|a, b| super::source_order(&a.source, &b.source));
    rejections.sort_by(|a, b| super::source_order(&a.source, &b.source));
    Ok(Ingested {
        docs,
        texts,
        rejections,
        contents: signer.contents,
        shingle_sets: signer.shingle_sets,
        credit_store: signer.credit_store,
        bands,
        band_keys,
        spilled_bands,
    })
}

/// The shared copy of `value`, made with `share` the first time it is seen.
fn intern<T: ?Sized + Eq + std::hash::Hash>(
    set: &Mutex<HashSet<Arc<T>>>,
    value: &T,
    share: impl FnOnce(&T) -> Arc<T>,
) -> Arc<T> {
    let mut set = set.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(shared) = set.get(value) {
        return shared.clone();
    }
    let shared = share(value);
    set.insert(shared.clone());
    shared
}

/// Orders texts by content hash, so text indices (and everything that
/// iterates over them) do not depend on which thread saw a text first.
/// Returns the texts and, for each old index, its new one.
fn renumber_texts(table: Vec<Option<Signed>>, docs: &mut [DocRecord]) -> Result<(Vec<Signed>, Vec<u32>)> {
    let mut texts: Vec<(u32, Signed)> = table
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            t.map(|t| (i as u32, t))
                .ok_or_else(|| anyhow!("text {i} was never filled"))
        })
        .collect::<Result<_>>()?;
    texts.sort_by_key(|(_, t)| t.entry.hash);
    let mut new_index = vec![0u32; texts.len()];
    for (new, (old, _)) in texts.iter().enumerate() {
        new_index[*old as usize] = new as u32;
    }
    for doc in docs.iter_mut() {
        doc.text = new_index[doc.text as usize];
    }
    Ok((texts.into_iter().map(|(_, t)| t).collect(), new_index))
}

impl Signer<'_> {
    fn process(&self, item: Item) -> Result<Processed> {
        let doc = match item {
            Item::Doc(doc) => doc,
            Item::Rejected(rejection) => return Ok(Processed::Rejected(rejection)),
        };
        let bytes = doc.bytes();
        let sha256: [u8; 32] = Sha256::digest(bytes).into();
        let reject = |reason, detail| {
            Ok(Processed::Rejected(Rejection {
                source: doc.source.clone(),
                reason,
                detail,
                content_sha256: Some(sha256),
                bytes: bytes.len() as u64,
            }))
        };
        // An owner's opt-out comes first: it holds whatever the content is.
        if let Some(entry) = self
            .gate
            .opt_out
            .iter()
            .find_map(|list| list.matches(&doc.source, &sha256))
        {
            return reject(Reason::OptedOut, format!("opted out by {entry}"));
        }
        if let Some((reason, detail)) = check_content(bytes, self.config.max_file_bytes) {
            return reject(reason, detail);
        }
        let text = std::str::from_utf8(bytes).expect("checked as UTF-8");
        let attribution = self
            .provenance
            .attribute(&doc, text)
            .with_context(|| format!("license detection failed for {}", doc.source.display()))?;
        if let Err(rule) = self.gate.policy.check_doc(&attribution.license) {
            let concluded = &attribution.license.concluded;
            return reject(
                Reason::LicenseDenied,
                format!("license {} ({}): {rule}", concluded.expression, concluded.evidence),
            );
        }
        let text_idx = self.intern(bytes, text)?;
        self.record(&doc, text_idx, sha256, attribution).map(Processed::Doc)
    }

    fn record(&self, doc: &Document, text: u32, sha256: [u8; 32], attribution: Attribution) -> Result<DocRecord> {
        let share = |value: &str| intern(&self.strings, value, |v: &str| Arc::from(v));
        let language = doc
            .meta
            .language
            .as_deref()
            .or_else(|| language_of(doc.source.path.as_deref().or(Some(doc.source.key.as_str()))))
            .map(share);
        let license = intern(&self.licenses, &attribution.license, |l| Arc::new(l.clone()));
        let credits = if doc.meta.credits.is_empty() {
            None
        } else {
            let json = serde_json::to_vec(&doc.meta.credits).context("credits serialise")?;
            Some(self.credit_store.append(&json)?)
        };
        Ok(DocRecord {
            id: doc.source.doc_id(),
            source: doc.source.clone(),
            text,
            bytes: doc.bytes().len() as u64,
            sha256,
            license,
            language,
            package: attribution.package.as_deref().map(share),
            revision: attribution.revision.as_deref().map(share),
            stars: doc.meta.stars,
            credits,
        })
    }

    /// The index of this content's text; the first document to bring a text
    /// spills its content and shingles and computes its band keys.
    fn intern(&self, bytes: &[u8], text: &str) -> Result<u32> {
        let hash = xxh3_128(bytes);
        let idx = {
            let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(&idx) = table.by_hash.get(&hash) {
                return Ok(idx);
            }
            let idx = table.texts.len() as u32;
            table.texts.push(None);
            table.by_hash.insert(hash, idx);
            idx
        };
        let set = shingles(text, self.config.tokenizer, self.config.ngram, self.config.seed);
        let mut band_keys = self
            .sketcher
            .sign(&set)
            .map(|sig| self.bands.keys(&sig).into_boxed_slice());
        if let (Some(spill), Some(keys)) = (&self.spilled_bands, &band_keys) {
            spill.push(idx, keys)?;
            band_keys = None;
        }
        let shingle_blob = if set.is_empty() {
            None
        } else {
            Some(self.shingle_sets.append_u64s(&set)?)
        };
        let content = self.contents.append(bytes)?;
        let entry = TextEntry {
            hash,
            content,
            shingles: shingle_blob,
        };
        self.table.lock().unwrap_or_else(|p| p.into_inner()).texts[idx as usize] = Some(Signed { entry, band_keys });
        Ok(idx)
    }
}
