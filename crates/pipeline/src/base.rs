//! Deduplication against published datasets (`run --base DATASET`).
//!
//! A base is the output directory of an earlier run (or amendment). Its
//! files are checked against its manifest (sizes, SHA-256, Merkle root) and
//! its dedup parameters must be this run's. Its kept documents are matched
//! with this run's texts without signing them again:
//!
//! - exact: a text whose content SHA-256 is a base document's;
//! - near: each band key of a signed text is looked up among the band keys
//!   of the base's lookup index (the key's high 32 bits); every base
//!   document found is a candidate, and its content, read from its shard
//!   and shingled with the run's parameters, is verified by exact Jaccard.
//!
//! A matched text is *anchored* to the base document (the most similar;
//! exact before near). Deduplication then removes its documents, and in
//! `connected` mode every document of its cluster, in favour of the base
//! document; base documents are never removed or written again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use corpusledger_dedup::{Anchor, External, jaccard, shingles};
use corpusledger_manifest::{BaseEntry, Manifest};
use corpusledger_output::{IndexReader, KeyKind, band_key};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::ingested::Ingested;

/// One base, as the plan records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseRef {
    /// The dataset directory, as given.
    pub dir: PathBuf,
    /// What the manifest says of it.
    pub entry: BaseEntry,
}

/// Opens and checks every base of `config`: its manifest, its files against
/// it, and its dedup parameters against this run's.
pub fn open(config: &Config) -> Result<Vec<BaseRef>> {
    let bases = describe(config)?;
    check_files(&bases)?;
    Ok(bases)
}

/// Reads every base's manifest and checks its dedup parameters against
/// this run's; its files are checked apart ([`check_files`]), so that a run
/// in one process can hash them while it reads its inputs.
pub fn describe(config: &Config) -> Result<Vec<BaseRef>> {
    config.base.iter().map(|dir| describe_one(dir, config)).collect()
}

fn describe_one(dir: &Path, config: &Config) -> Result<BaseRef> {
    let path = dir.join(corpusledger_verify::MANIFEST);
    if dir.join(corpusledger_manifest::release::RELEASE_FILE).exists() {
        bail!(
            "--base {}: a partial release (it has RELEASE.json) lacks files its manifest lists; give the full dataset",
            dir.display()
        );
    }
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "--base {}: cannot read its manifest.json; give the output directory of a `corpusledger run`",
            dir.display()
        )
    })?;
    let manifest = Manifest::from_slice(&path, &bytes).with_context(|| format!("--base {}", dir.display()))?;
    same_parameters(dir, &manifest, config)?;
    if manifest.commitments.is_none() || !manifest.outputs.iter().any(|o| o.kind == "index") {
        bail!(
            "--base {}: its manifest lists no lookup index; make the base again with this corpusledger",
            dir.display()
        );
    }
    Ok(BaseRef {
        dir: dir.to_owned(),
        entry: BaseEntry {
            path: dir.display().to_string(),
            manifest_sha256: crate::hex(&Sha256::digest(&bytes)),
            merkle_root: manifest.merkle.root.clone(),
            documents: manifest.counts.documents,
            kept: manifest.counts.kept,
            matched: 0,
        },
    })
}

/// Checks each base's files against its manifest (sizes, SHA-256, Merkle
/// root, nothing unlisted); an error names every finding. The manifest must
/// still be the one [`describe`] read.
pub fn check_files(bases: &[BaseRef]) -> Result<()> {
    for base in bases {
        let dir = &base.dir;
        let manifest = read_manifest(base)?;
        let report = corpusledger_verify::verify_files(dir, &manifest);
        let failing: Vec<String> = report
            .findings
            .iter()
            .filter(|f| !f.is_note())
            .map(|f| format!("{} {}: {}", f.code, f.file.as_deref().unwrap_or("-"), f.message))
            .collect();
        if !failing.is_empty() {
            bail!(
                "--base {}: does not verify ({} finding(s)):\n  {}\nrun `corpusledger verify {}`; deduplicate only against a dataset that verifies",
                dir.display(),
                failing.len(),
                failing.join("\n  "),
                dir.display()
            );
        }
    }
    Ok(())
}

/// The base's manifest, refused when it is no longer the one the plan read.
fn read_manifest(base: &BaseRef) -> Result<Manifest> {
    let path = base.dir.join(corpusledger_verify::MANIFEST);
    let bytes = std::fs::read(&path).with_context(|| format!("--base {}", base.dir.display()))?;
    if crate::hex(&Sha256::digest(&bytes)) != base.entry.manifest_sha256 {
        bail!(
            "--base {}: its manifest changed after the plan read it; plan again",
            base.dir.display()
        );
    }
    Ok(Manifest::from_slice(&path, &bytes)?)
}

/// The base's dedup parameters must be this run's: otherwise its band keys
/// and Jaccard are not comparable with ours.
fn same_parameters(dir: &Path, manifest: &Manifest, config: &Config) -> Result<()> {
    let d = &manifest.dedup;
    let bands = config.bands();
    let ours = [
        ("tokenizer", d.tokenizer.clone(), config.tokenizer.as_str().to_owned()),
        ("ngram", d.ngram.to_string(), config.ngram.to_string()),
        ("num-perm", d.num_perm.to_string(), config.num_perm.to_string()),
        ("seed", d.seed.to_string(), config.seed.to_string()),
        ("threshold", d.threshold.clone(), config.threshold.to_string()),
        (
            "bands x rows (from threshold and recall-target)",
            format!("{} x {}", d.bands, d.rows),
            format!("{} x {}", bands.bands, bands.rows),
        ),
        (
            "cluster-mode",
            d.cluster_mode.clone(),
            config.cluster_mode.as_str().to_owned(),
        ),
    ];
    for (name, theirs, mine) in ours {
        if theirs != mine {
            bail!(
                "--base {}: made with {name} {theirs}, this run uses {mine}; deduplicating against a dataset needs its parameters (give them, or leave out --base)",
                dir.display()
            );
        }
    }
    Ok(())
}

/// One kept document of a base.
struct BaseDoc {
    base: u16,
    doc_id: [u8; 16],
    shard: u32,
    row: u32,
}

/// The bases' kept documents, their content hashes and band keys.
struct BaseDocs {
    docs: Vec<BaseDoc>,
    /// Data shard files, per base, in manifest order.
    shards: Vec<PathBuf>,
    by_sha: HashMap<[u8; 32], u32>,
    /// (high 32 bits of a band key, document), sorted.
    bands: Vec<(u32, u32)>,
}

impl BaseDocs {
    fn load(bases: &[BaseRef]) -> Result<BaseDocs> {
        let mut out = BaseDocs {
            docs: Vec::new(),
            shards: Vec::new(),
            by_sha: HashMap::new(),
            bands: Vec::new(),
        };
        for (b, base) in bases.iter().enumerate() {
            // The files were checked against this manifest: a manifest
            // changed since is another base.
            let manifest = read_manifest(base)?;
            // (shard path in the manifest) -> first document, rows.
            let mut first: HashMap<&str, (u32, u32)> = HashMap::new();
            for output in manifest.outputs.iter().filter(|o| o.kind == "data") {
                let path = base.dir.join(&output.path);
                let shard = out.shards.len() as u32;
                out.shards.push(path.clone());
                let start = out.docs.len() as u32;
                let rows = corpusledger_output::read_text_columns(&path, &["doc_id", "content_sha256"], None)
                    .with_context(|| format!("--base {}", base.dir.display()))?;
                for (row, values) in rows.into_iter().enumerate() {
                    let doc_id = values[0]
                        .as_deref()
                        .and_then(corpusledger_manifest::commitments::doc_id_bytes);
                    let sha = values[1].as_deref().and_then(corpusledger_manifest::merkle::from_hex);
                    let (Some(doc_id), Some(sha256)) = (doc_id, sha) else {
                        bail!(
                            "--base {}: {} row {row} has no valid doc_id or content_sha256",
                            base.dir.display(),
                            output.path
                        );
                    };
                    let doc = out.docs.len() as u32;
                    out.by_sha.entry(sha256).or_insert(doc);
                    out.docs.push(BaseDoc {
                        base: b as u16,
                        doc_id,
                        shard,
                        row: row as u32,
                    });
                }
                first.insert(output.path.as_str(), (start, out.docs.len() as u32 - start));
            }
            let index = manifest
                .outputs
                .iter()
                .find(|o| o.kind == "index")
                .map(|o| base.dir.join(&o.path))
                .expect("checked when opened");
            let reader = IndexReader::open(&index).with_context(|| format!("--base {}", base.dir.display()))?;
            let files: Vec<Option<(u32, u32)>> = reader.files.iter().map(|f| first.get(f.as_str()).copied()).collect();
            for row in reader
                .all(KeyKind::Band)
                .with_context(|| format!("--base {}", base.dir.display()))?
            {
                if let Some(Some((start, rows))) = files.get(row.file as usize) {
                    if row.row < *rows {
                        out.bands.push((row.key, start + row.row));
                    }
                }
            }
        }
        out.bands.sort_unstable();
        out.bands.dedup();
        Ok(out)
    }

    /// The base documents whose band keys share their high 32 bits with
    /// one of `keys`.
    fn candidates(&self, keys: &[u64], found: &mut Vec<u32>) {
        for &key in keys {
            let high = band_key(key);
            let start = self.bands.partition_point(|&(k, _)| k < high);
            found.extend(
                self.bands[start..]
                    .iter()
                    .take_while(|(k, _)| *k == high)
                    .map(|&(_, d)| d),
            );
        }
        found.sort_unstable();
        found.dedup();
    }
}

/// What matching against the bases found, for deduplication and the
/// manifest.
#[derive(Debug, Default)]
pub struct Anchoring {
    /// Per text of the run: the base document it duplicates, if any, as an
    /// index into `external`.
    pub anchors: Vec<Option<Anchor>>,
    /// The base documents some text duplicates.
    pub external: Vec<External>,
    /// Shingle sets of `external` documents (for Jaccard to texts joined
    /// through a chain), or the run's text with the same content.
    pub shingles: Vec<ExternalShingles>,
    /// Texts identical to a base document.
    pub exact: u64,
    /// Candidate (text, base document) pairs from band keys.
    pub candidate_pairs: u64,
    /// Of those, pairs at or above the threshold.
    pub verified_pairs: u64,
}

/// Where an external document's shingle set is.
#[derive(Debug)]
pub enum ExternalShingles {
    /// A text of this run has the same content.
    Text(u32),
    /// Computed from the base's shard.
    Set(Vec<u64>),
}

/// Matches the run's texts with the bases' kept documents.
pub fn anchor(ingested: &Ingested, bases: &[BaseRef], config: &Config) -> Result<Anchoring> {
    let base = BaseDocs::load(bases)?;
    let n_texts = ingested.texts.len();
    let mut sha_of: Vec<Option<[u8; 32]>> = vec![None; n_texts];
    for doc in ingested.docs.iter() {
        sha_of[doc.text as usize].get_or_insert(doc.sha256);
    }
    ingested.docs.take_error()?;
    // Exact matches, then candidates of the other signed texts.
    let mut best: Vec<Option<(u32, Option<f64>)>> = vec![None; n_texts];
    let mut exact = 0u64;
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut found = Vec::new();
    for text in 0..n_texts as u32 {
        if let Some(&doc) = sha_of[text as usize].as_ref().and_then(|sha| base.by_sha.get(sha)) {
            best[text as usize] = Some((doc, None));
            exact += 1;
            continue;
        }
        let keys = ingested.band_keys_of(text)?;
        if keys.is_empty() {
            continue;
        }
        found.clear();
        base.candidates(&keys, &mut found);
        pairs.extend(found.iter().map(|&doc| (text, doc)));
    }
    // The candidates' contents, shingled with the run's parameters.
    let mut needed: Vec<u32> = pairs.iter().map(|&(_, doc)| doc).collect();
    needed.sort_unstable();
    needed.dedup();
    let sets = base_shingles(&base, &needed, config)?;
    let set_of = |doc: u32| &sets[needed.binary_search(&doc).expect("read above")];
    let verified: Vec<(u32, u32, f64)> = pairs
        .par_iter()
        .filter_map(|&(text, doc)| {
            let j = jaccard(&ingested.shingles_of(text), set_of(doc));
            (j >= config.threshold).then_some((text, doc, j))
        })
        .collect();
    for &(text, doc, j) in &verified {
        let slot = &mut best[text as usize];
        let better = match *slot {
            None => true,
            Some((other, Some(k))) => j > k || (j == k && doc < other),
            Some((_, None)) => false,
        };
        if better {
            *slot = Some((doc, Some(j)));
        }
    }
    // Number the base documents used, in base order.
    let mut used: Vec<u32> = best.iter().flatten().map(|&(doc, _)| doc).collect();
    used.sort_unstable();
    used.dedup();
    let mut anchoring = Anchoring {
        anchors: vec![None; n_texts],
        exact,
        candidate_pairs: pairs.len() as u64,
        verified_pairs: verified.len() as u64,
        ..Anchoring::default()
    };
    let mut shingles: Vec<Option<ExternalShingles>> = (0..used.len()).map(|_| None).collect();
    for (text, slot) in best.iter().enumerate() {
        let Some((doc, jaccard)) = *slot else { continue };
        let id = used.binary_search(&doc).expect("numbered above") as u32;
        anchoring.anchors[text] = Some(Anchor { id, jaccard });
        if jaccard.is_none() {
            shingles[id as usize] = Some(ExternalShingles::Text(text as u32));
        }
    }
    for (id, &doc) in used.iter().enumerate() {
        let d = &base.docs[doc as usize];
        anchoring.external.push(External {
            source: d.base,
            id: d.doc_id,
        });
        if shingles[id].is_none() {
            shingles[id] = Some(ExternalShingles::Set(set_of(doc).clone()));
        }
    }
    anchoring.shingles = shingles.into_iter().map(|s| s.expect("every anchor")).collect();
    Ok(anchoring)
}

/// The shingle sets of base documents `docs` (sorted), read from their
/// shards a shard at a time.
fn base_shingles(base: &BaseDocs, docs: &[u32], config: &Config) -> Result<Vec<Vec<u64>>> {
    let mut by_shard: Vec<(u32, Vec<u32>)> = Vec::new();
    for &doc in docs {
        let d = &base.docs[doc as usize];
        match by_shard.last_mut() {
            Some((shard, rows)) if *shard == d.shard => rows.push(d.row),
            _ => by_shard.push((d.shard, vec![d.row])),
        }
    }
    // Each shard's needed rows split by row group, so that groups (each
    // decompressed whole) are read on every thread.
    let mut segments: Vec<(u32, usize, Vec<u32>)> = Vec::new();
    for (shard, rows) in &by_shard {
        let path = &base.shards[*shard as usize];
        let groups = corpusledger_output::row_group_rows(path)
            .with_context(|| format!("cannot read the base shard {}", path.display()))?;
        let mut start = 0u64;
        for (group, &n) in groups.iter().enumerate() {
            let end = start + n;
            let inside: Vec<u32> = rows
                .iter()
                .filter(|&&r| (start..end).contains(&u64::from(r)))
                .map(|&r| r - start as u32)
                .collect();
            if !inside.is_empty() {
                segments.push((*shard, group, inside));
            }
            start = end;
        }
    }
    let contents: Vec<Vec<Option<String>>> = segments
        .par_iter()
        .map(|(shard, group, rows)| {
            let path = &base.shards[*shard as usize];
            corpusledger_output::read_text_columns_in(path, &["content"], Some(*group), Some(rows))
                .map(|rows| rows.into_iter().map(|mut r| r.remove(0)).collect())
                .with_context(|| format!("cannot read the base shard {}", path.display()))
        })
        .collect::<Result<_>>()?;
    let texts: Vec<String> = contents.into_iter().flatten().map(Option::unwrap_or_default).collect();
    let sets: Vec<Vec<u64>> = texts
        .par_iter()
        .map(|text| shingles(text, config.tokenizer, config.ngram, config.seed))
        .collect();
    Ok(sets)
}
