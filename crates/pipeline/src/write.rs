//! Write: data shards of kept documents, the ledger of removed and rejected
//! ones, then the manifest, last, so that a directory with a manifest is a
//! finished run.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use corpusledger_dedup::{Decision, Outcome};
use corpusledger_ingest::Plan;
use corpusledger_manifest::canonical::ratio;
use corpusledger_manifest::commitments::{CONSTRUCTION, Commitments, Tree, kept_leaf, removed_leaf_from_hex};
use corpusledger_manifest::{
    ClusterEntry, ConflictEntry, Conflicts, Counts, DedupParameters, InputEntry, LicenseHistograms, Licensing,
    Manifest, Merkle, OptOutEntry, OutputEntry, Problems, SignalHistograms, SizeBucket, Tool,
};
use corpusledger_model::{LicenseCategory, Reason, Rejection, Reporter};
use corpusledger_output::{
    AttributionRow, AttributionWriter, DataRow, IndexRow, KeyKind, LedgerRow, OutputFile, RedactionRow, band_key,
    key_of, tree_path, write_ledger, write_redactions, write_sorted_index, write_streamed_tree,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::doc_table::{DocRecord, DocTable};
use super::fixed_sort::{DEFAULT_BUDGET, Fixed, FixedSort, IndexRows};
use super::hex;
use super::ingested::Ingested;
use super::sign::Gate;
use super::spill_sort::SpillSort;
use crate::config::{Config, FilterAction};

pub const MANIFEST: &str = "manifest.json";
pub const LEDGER: &str = "removed.parquet";
/// The content filters' redaction records.
pub const REDACTIONS: &str = "redactions.parquet";
pub const INDEX: &str = "index/lookup.parquet";
pub const ATTRIBUTION: &str = "ATTRIBUTION.parquet";
/// The dataset card, for the Hugging Face Hub.
pub const CARD: &str = corpusledger_datasheet::CARD_FILE;

/// What a run wrote, for the summary.
#[derive(Debug)]
pub struct Written {
    pub summary: Summary,
}

/// The run's summary, printed to stderr or as JSON.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    pub out_dir: String,
    pub documents: u64,
    pub input_bytes: u64,
    pub kept: u64,
    pub kept_bytes: u64,
    pub removed: BTreeMap<String, u64>,
    pub rejected: BTreeMap<String, u64>,
    pub clusters: u64,
    /// What near-deduplication verified, and how long it took.
    pub dedup: DedupSummary,
    pub licenses: BTreeMap<String, u64>,
    /// Inputs that could not be used, and documents whose input was damaged:
    /// the reason for exit code 1.
    pub problems: Vec<String>,
    /// License information that could not be used (the run goes on; the
    /// manifest lists them).
    pub license_problems: Vec<String>,
    /// What the run took from beside its inputs: for each Stack Exchange
    /// input, the `Users.xml` that names its authors, or that none does.
    pub notes: Vec<String>,
    pub files: Vec<String>,
    /// Wall seconds of each stage, in order.
    pub stage_seconds: Vec<(String, f64)>,
    pub elapsed_seconds: f64,
}

/// The verification budget of a run: candidate pairs per signed text and
/// the wall seconds they took (zero when deduplication ran in another
/// task, as in a staged run).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DedupSummary {
    pub bands: usize,
    pub rows: usize,
    pub recall_at_threshold: f64,
    pub signed_texts: u64,
    pub candidate_pairs: u64,
    pub candidates_per_signed_text: f64,
    pub length_filtered_pairs: u64,
    pub verified_pairs: u64,
    pub candidates_seconds: f64,
    pub verify_seconds: f64,
}

impl DedupSummary {
    fn new(outcome: &Outcome, bands: corpusledger_dedup::BandParams, threshold: f64) -> DedupSummary {
        let stats = &outcome.stats;
        DedupSummary {
            bands: bands.bands,
            rows: bands.rows,
            recall_at_threshold: bands.probability(threshold),
            signed_texts: stats.signed_texts,
            candidate_pairs: stats.candidate_pairs,
            candidates_per_signed_text: stats.candidate_pairs as f64 / stats.signed_texts.max(1) as f64,
            length_filtered_pairs: stats.length_filtered_pairs,
            verified_pairs: stats.verified_pairs,
            candidates_seconds: outcome.seconds.candidates,
            verify_seconds: outcome.seconds.verify,
        }
    }
}

/// Removes what would make an old or partial run look finished: the
/// manifest first, then old shards and the ledger.
pub fn prepare_out_dir(out_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create output directory {}", out_dir.display()))?;
    let remove = |path: &Path| match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove old output {}", path.display()))
        }
        _ => Ok(()),
    };
    remove(&out_dir.join(MANIFEST))?;
    // The old card describes the old manifest. Someone else's README.md
    // never gets here: the claim refuses a directory that holds one.
    if super::out_claim::card_state(out_dir)? == super::out_claim::CardState::Ours {
        remove(&out_dir.join(CARD))?;
    }
    remove(&out_dir.join(LEDGER))?;
    remove(&out_dir.join(REDACTIONS))?;
    remove(&out_dir.join(INDEX))?;
    remove(&out_dir.join(ATTRIBUTION))?;
    // The run writes below `data/` and `index/`: a symlink there (or a file)
    // is removed, never followed out of the directory.
    for dir in ["data", "index", "commitments"] {
        let path = out_dir.join(dir);
        if std::fs::symlink_metadata(&path).is_ok_and(|meta| !meta.is_dir()) {
            remove(&path)?;
        }
    }
    for tree in Tree::ALL {
        remove(&out_dir.join(tree_path(tree)))?;
    }
    let data = out_dir.join("data");
    if let Ok(entries) = std::fs::read_dir(&data) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("part-") && (name.ends_with(".parquet") || name.ends_with(".parquet.tmp")) {
                remove(&entry.path())?;
            }
        }
    }
    Ok(())
}

/// What the write stage needs besides the documents and decisions.
pub struct Extras<'a> {
    pub gate: &'a Gate,
    /// Where sorted runs of index rows go under a memory limit.
    pub work: &'a Path,
    /// License problems met during ingest, sorted.
    pub problems: Vec<String>,
    /// The published datasets this run deduplicated against.
    pub bases: &'a [crate::base::BaseRef],
}

/// The kept documents, in source order, with their cluster sizes.
pub(crate) fn kept_docs(outcome: &Outcome) -> Vec<(u32, u32)> {
    outcome
        .decisions
        .iter()
        .enumerate()
        .filter_map(|(doc, decision)| match *decision {
            Decision::Kept { cluster_size } => Some((doc as u32, cluster_size)),
            Decision::Removed { .. } | Decision::Anchored { .. } => None,
        })
        .collect()
}

/// The sizes of the kept documents, in source order.
pub(crate) fn kept_sizes(ingested: &Ingested, outcome: &Outcome) -> Result<Vec<u64>> {
    let sizes = ingested
        .docs
        .iter()
        .zip(&outcome.decisions)
        .filter(|(_, decision)| matches!(decision, Decision::Kept { .. }))
        .map(|(doc, _)| doc.bytes)
        .collect();
    ingested.docs.take_error()?;
    Ok(sizes)
}

/// Writes everything but the data shards, which `shards` lists (already in
/// `out_dir/data/`): the ledger, the attribution table, the index, and last
/// the manifest.
#[allow(clippy::too_many_arguments)]
pub fn write_outputs(
    plan: &Plan,
    ingested: &Ingested,
    outcome: &Outcome,
    shards: Vec<OutputFile>,
    config: &Config,
    extras: &Extras<'_>,
    out_dir: &Path,
    reporter: &dyn Reporter,
) -> Result<Written> {
    let docs = &ingested.docs;
    let members = removed_members(outcome);
    let kept = kept_docs(outcome);
    reporter.start("write", None, "files");
    let mut files = shards;
    // License conflicts and attribution, cluster by cluster in source order.
    let mut conflicts = Conflicts::default();
    let mut attribution = if ingested.carries_credits {
        Some(AttributionPass::new(ingested, out_dir, config)?)
    } else {
        None
    };
    for &(doc_idx, cluster_size) in &kept {
        let doc = docs.get(doc_idx)?;
        let removed = members.get(&doc_idx).map_or(&[][..], Vec::as_slice);
        let cluster = cluster_of(docs, &doc, removed)?;
        if cluster.conflict() {
            conflicts.clusters += 1;
            conflicts.documents += u64::from(cluster_size);
            conflicts.list.push(ConflictEntry {
                kept_doc_id: doc.id.to_string(),
                kept_license: doc.license.concluded.expression.clone(),
                licenses: cluster.licenses.clone(),
                categories: cluster.categories.iter().map(|c| category_name(*c)).collect(),
                documents: u64::from(cluster_size),
            });
        }
        if let Some(pass) = attribution.as_mut() {
            pass.add_cluster(doc_idx, removed, cluster.conflict())?;
        }
    }
    // Four sorts are filled at once (index rows, band-key, kept and
    // removed leaves): with a memory limit, each runs in a sixteenth of it,
    // a quarter in all.
    let share = config.memory_limit.map(|limit| limit / 4);
    let mut index = IndexRows::new(share, &extras.work.join("index"), "index");
    let leaf_sort = |name| {
        let budget = share.map_or(DEFAULT_BUDGET, |limit| limit / 4);
        SpillSort::new(name, Some(budget), &extras.work.join(name), <Vec<u8> as Ord>::cmp)
    };
    let (mut kept_leaves, mut removed_leaves) = (leaf_sort("kept"), leaf_sort("removed"));
    let mut band_leaves = FixedSort::new(share, &extras.work.join("bands"), "bands");
    kept_index_rows(
        ingested,
        outcome,
        &files,
        &mut index,
        &mut kept_leaves,
        &mut band_leaves,
    )?;
    // The kept and band-key trees need nothing the ledger adds: they are
    // sorted, hashed and written on their own thread while the ledger and
    // the index are written (their bytes do not depend on it).
    let (early, late) = std::thread::scope(|scope| {
        let early = scope.spawn(|| commit_early(kept_leaves, band_leaves, out_dir, extras.work));
        let late = ledger_and_index(
            ingested,
            outcome,
            config,
            out_dir,
            &mut files,
            index,
            attribution,
            &mut removed_leaves,
            extras.bases,
        );
        (
            early.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            late,
        )
    });
    let attribution = late?;
    let (kept_tree, bands_tree) = early?;
    let redacts = [config.filters.secrets, config.filters.pii].contains(&FilterAction::Redact);
    if redacts {
        files.push(write_redactions(
            out_dir,
            REDACTIONS,
            redaction_rows(ingested),
            &config.writer(),
        )?);
    }
    let (commitments, trees) = commit_trees(kept_tree, removed_leaves, bands_tree, out_dir, extras.work)?;
    files.extend(trees);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    super::kill_point::kill_point("index");
    reporter.finish();

    conflicts.list.sort_by(|a, b| a.kept_doc_id.cmp(&b.kept_doc_id));
    let licensing = licensing(ingested, outcome, conflicts, extras)?;
    let (mut manifest, flags) = manifest(plan, ingested, outcome, config, licensing, &files)?;
    manifest.attribution = attribution;
    manifest.bases = bases_section(outcome, extras.bases);
    if !extras.bases.is_empty() {
        let stats = &outcome.stats;
        let found = &mut manifest.dedup.found;
        found.insert("base-duplicates".to_owned(), stats.anchored_documents);
        found.insert("base-exact-texts".to_owned(), stats.external_exact_texts);
        found.insert("base-candidate-pairs".to_owned(), stats.external_candidate_pairs);
        found.insert("base-verified-pairs".to_owned(), stats.external_verified_pairs);
    }
    manifest.commitments = Some(commitments);
    if !config.filters.is_off() {
        manifest.filters = Some(filters_section(ingested, config, extras.gate, flags)?);
        for reason in config.filters.removal_reasons() {
            manifest.counts.removed.entry(reason.as_str().to_owned()).or_default();
        }
        let failed = Reason::FilterFailed.as_str().to_owned();
        manifest.counts.rejected.entry(failed).or_default();
    }
    super::kill_point::kill_point("manifest");
    // The card goes first so that the manifest, last, still marks a finished
    // run: a directory with a manifest has its card. It is rendered from the
    // manifest alone, so `corpusledger datasheet` writes the same bytes.
    super::rundir::write_atomic(&out_dir.join(CARD), corpusledger_datasheet::card(&manifest).as_bytes())
        .context("cannot write the dataset card")?;
    super::kill_point::kill_point("card");
    manifest
        .write(&out_dir.join(MANIFEST))
        .context("cannot write the manifest")?;
    let mut summary = summary(&manifest, ingested, outcome, plan, out_dir, &files, config);
    for base in &manifest.bases {
        summary.notes.push(format!(
            "deduplicated against {} (manifest SHA-256 {}): {} document(s) removed as copies of its kept documents",
            base.path, base.manifest_sha256, base.matched
        ));
    }
    Ok(Written { summary })
}

/// Writes the ledger (gathering its rows' leaves of the removed tree into
/// `removed_leaves`), then the attribution table and the index; each file
/// goes to `files`. The attribution summary, when there is one.
#[allow(clippy::too_many_arguments)]
fn ledger_and_index(
    ingested: &Ingested,
    outcome: &Outcome,
    config: &Config,
    out_dir: &Path,
    files: &mut Vec<OutputFile>,
    mut index: IndexRows,
    attribution: Option<AttributionPass>,
    removed_leaves: &mut SpillSort<Vec<u8>>,
    bases: &[crate::base::BaseRef],
) -> Result<Option<corpusledger_manifest::Attribution>> {
    let docs = &ingested.docs;
    let ledger_file = files.len() as u32;
    let mut ledger_row = 0u32;
    let mut spill_error = None;
    let ledger = ledger_rows(docs, outcome, &ingested.rejections, bases).inspect(|row| {
        if let Some(leaf) = row
            .content_sha256
            .as_deref()
            .and_then(|sha256| removed_leaf_from_hex(sha256, &row.doc_id, row.kept_doc_id.as_deref(), &row.reason))
        {
            let size = leaf.len() + 24;
            if let Err(err) = removed_leaves.push(leaf, size) {
                spill_error.get_or_insert(err);
            }
        }
        if let Some(hash) = row
            .content_sha256
            .as_deref()
            .and_then(|h| u32::from_str_radix(h.get(..8)?, 16).ok())
        {
            let pushed = index.push(IndexRow {
                key: hash,
                kind: KeyKind::Content,
                file: ledger_file,
                row: ledger_row,
            });
            if let Err(err) = pushed {
                spill_error.get_or_insert(err);
            }
        }
        ledger_row += 1;
        super::kill_point::kill_point("ledger-row");
    });
    files.push(write_ledger(out_dir, LEDGER, ledger, &config.writer())?);
    super::kill_point::kill_point("ledger");
    if let Some(err) = spill_error {
        return Err(err);
    }
    docs.take_error()?;
    let attribution = match attribution {
        Some(pass) => {
            let (file, summary) = pass.finish()?;
            files.push(file);
            Some(summary)
        }
        None => None,
    };
    let indexed: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let mut sorted = index.sorted()?;
    files.push(write_sorted_index(
        out_dir,
        INDEX,
        &indexed,
        &mut sorted,
        &config.writer(),
    )?);
    if let Some(err) = sorted.error() {
        return Err(err.context("cannot merge the index rows"));
    }
    Ok(attribution)
}

/// A tree's file and its commitment.
type TreeWritten = (OutputFile, corpusledger_manifest::commitments::Commitment);

/// Writes the kept and band-key trees' files, their leaves streamed from
/// their sorts through a scratch file in `work`.
fn commit_early(
    kept: SpillSort<Vec<u8>>,
    bands: FixedSort<BandLeaf>,
    out_dir: &Path,
    work: &Path,
) -> Result<(TreeWritten, TreeWritten)> {
    let kept = streamed_tree(Tree::Kept, kept, out_dir, work)?;
    let mut sorted = bands.sorted()?;
    let leaves = sorted.by_ref().map(|leaf| leaf.bytes());
    let bands = write_streamed_tree(out_dir, Tree::Bands, &work.join("bands.tree.tmp"), leaves)?;
    if let Some(err) = sorted.error() {
        return Err(err.context("cannot merge the band-key leaves"));
    }
    Ok((kept, bands))
}

/// A band-key leaf (`commitments::band_leaf`: band, then key, 12 bytes
/// big-endian) as an integer, which sorts as the bytes do and faster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct BandLeaf(u128);

impl BandLeaf {
    fn new(band: u32, key: u64) -> BandLeaf {
        BandLeaf((u128::from(band) << 64) | u128::from(key))
    }

    fn bytes(self) -> [u8; 12] {
        self.0.to_be_bytes()[4..].try_into().expect("12 bytes")
    }
}

impl Fixed for BandLeaf {
    const SIZE: usize = 12;

    fn encode(&self, out: &mut [u8]) {
        out[..12].copy_from_slice(&self.bytes());
    }

    fn decode(bytes: &[u8]) -> Option<BandLeaf> {
        let mut wide = [0u8; 16];
        wide[4..].copy_from_slice(bytes.get(..12)?);
        Some(BandLeaf(u128::from_be_bytes(wide)))
    }
}

/// Writes `tree`'s file from its leaves' sort, through a scratch file in
/// `work`.
fn streamed_tree(tree: Tree, leaves: SpillSort<Vec<u8>>, out_dir: &Path, work: &Path) -> Result<TreeWritten> {
    let mut sorted = leaves.sorted()?;
    let mut error = None;
    let merged = std::iter::from_fn(|| {
        sorted.next_item().unwrap_or_else(|err| {
            error.get_or_insert(err);
            None
        })
    });
    let scratch = work.join(format!("{}.tree.tmp", tree.name()));
    let written = write_streamed_tree(out_dir, tree, &scratch, merged)?;
    match error {
        Some(err) => Err(err.context(format!("cannot merge the {} leaves", tree.name()))),
        None => Ok(written),
    }
}

/// Writes the removed documents' tree and returns the commitments with the
/// three trees' files.
fn commit_trees(
    (kept_file, kept): TreeWritten,
    removed: SpillSort<Vec<u8>>,
    (bands_file, bands): TreeWritten,
    out_dir: &Path,
    work: &Path,
) -> Result<(Commitments, Vec<OutputFile>)> {
    let (removed_file, removed) = streamed_tree(Tree::Removed, removed, out_dir, work)?;
    super::kill_point::kill_point("commitments");
    let commitments = Commitments {
        construction: CONSTRUCTION.to_owned(),
        kept,
        removed,
        bands,
    };
    Ok((commitments, vec![kept_file, removed_file, bands_file]))
}

/// Index rows of the kept documents: content hash, id and band keys, each
/// pointing to the document's shard and row; and each one's leaves of the
/// document-level commitments. Band keys not kept in memory are read back
/// from the sign parts.
fn kept_index_rows(
    ingested: &Ingested,
    outcome: &Outcome,
    shards: &[OutputFile],
    rows: &mut IndexRows,
    kept_leaves: &mut SpillSort<Vec<u8>>,
    band_leaves: &mut FixedSort<BandLeaf>,
) -> Result<()> {
    let mut places = shards
        .iter()
        .enumerate()
        .flat_map(|(file, shard)| (0..shard.rows as u32).map(move |row| (file as u32, row)));
    for (doc, decision) in ingested.docs.iter().zip(&outcome.decisions) {
        if !matches!(decision, Decision::Kept { .. }) {
            continue;
        }
        let (file, row) = places.next().expect("one shard row per kept document");
        let mut push = |kind, key| rows.push(IndexRow { key, kind, file, row });
        push(KeyKind::Content, key_of(&doc.sha256))?;
        push(KeyKind::DocId, (doc.id.0 >> 96) as u32)?;
        let band_keys = ingested.band_keys_of(doc.text)?;
        for &key in &band_keys {
            push(KeyKind::Band, band_key(key))?;
        }
        let leaf = kept_leaf(&doc.sha256, &doc.id.0.to_be_bytes(), &doc.license.concluded.expression);
        let size = leaf.len() + 24;
        kept_leaves.push(leaf, size)?;
        for (band, &key) in band_keys.iter().enumerate() {
            band_leaves.push(BandLeaf::new(band as u32, key))?;
        }
    }
    ingested.docs.take_error()
}

/// For each kept document with duplicates, the documents removed in its
/// favour, in source order.
pub(crate) fn removed_members(outcome: &Outcome) -> BTreeMap<u32, Vec<u32>> {
    let mut members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (doc_idx, decision) in outcome.decisions.iter().enumerate() {
        if let Decision::Removed { kept, .. } = *decision {
            members.entry(kept).or_default().push(doc_idx as u32);
        }
    }
    members
}

/// Writes `ATTRIBUTION.parquet` one cluster at a time, as the kept
/// documents are written, and tallies it for the manifest.
struct AttributionPass<'a> {
    ingested: &'a Ingested,
    writer: AttributionWriter,
    summary: corpusledger_manifest::Attribution,
}

impl<'a> AttributionPass<'a> {
    fn new(ingested: &'a Ingested, out_dir: &Path, config: &Config) -> Result<Self> {
        Ok(AttributionPass {
            ingested,
            writer: AttributionWriter::create(out_dir, ATTRIBUTION, &config.writer())?,
            summary: corpusledger_manifest::Attribution {
                obligation: String::new(),
                file: ATTRIBUTION.to_owned(),
                ..Default::default()
            },
        })
    }

    /// Writes the rows of one cluster: the kept document's posts, then
    /// those of each copy removed in its favour, in source order.
    fn add_cluster(&mut self, kept: u32, removed: &[u32], conflict: bool) -> Result<()> {
        let docs = &self.ingested.docs;
        let kept_doc = docs.get(kept)?;
        let mut carries_posts = false;
        for &member in std::iter::once(&kept).chain(removed) {
            let doc = docs.get(member)?;
            if doc.credits.is_none() {
                continue;
            }
            carries_posts = true;
            let credits = self.ingested.credits_of(&doc)?;
            let role = if member == kept {
                "kept"
            } else if doc.text == kept_doc.text {
                Reason::ExactDuplicate.as_str()
            } else {
                Reason::NearDuplicate.as_str()
            };
            let counts = self
                .summary
                .documents
                .entry(doc.license.concluded.expression.clone())
                .or_default();
            if member == kept {
                counts.kept += 1;
            } else {
                counts.removed += 1;
            }
            for credit in credits {
                let basis = credit.license_basis.split(' ').next().unwrap_or_default().to_owned();
                *self.summary.license_basis.entry(basis).or_default() += 1;
                self.writer.push(AttributionRow {
                    kept_doc_id: kept_doc.id.to_string(),
                    kept_source: kept_doc.source.display(),
                    kept_license: kept_doc.license.concluded.expression.clone(),
                    doc_id: doc.id.to_string(),
                    role: role.to_owned(),
                    url: credit.url,
                    title: (!credit.title.is_empty()).then_some(credit.title),
                    author: credit.author,
                    author_url: credit.author_url,
                    license: credit.license,
                    license_basis: credit.license_basis,
                    created: credit.created,
                    last_edited: credit.last_edited,
                    license_conflict: conflict,
                })?;
            }
        }
        if carries_posts {
            if kept_doc.credits.is_none() {
                self.summary.kept_non_posts_carrying_posts += 1;
            }
            if conflict {
                self.summary.cross_license_clusters += 1;
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(OutputFile, corpusledger_manifest::Attribution)> {
        let file = self.writer.finish()?;
        self.summary.rows = file.rows;
        self.summary.obligation = corpusledger_manifest::Attribution::obligation_for(&self.summary.license_basis);
        Ok((file, self.summary))
    }
}

/// A cluster's provenance, as its kept document carries it.
pub(crate) struct ClusterView {
    sources: Vec<String>,
    licenses: Vec<String>,
    categories: Vec<LicenseCategory>,
}

impl ClusterView {
    fn conflict(&self) -> bool {
        self.categories.len() > 1
    }
}

pub(crate) fn cluster_of(docs: &DocTable, kept: &DocRecord, removed: &[u32]) -> Result<ClusterView> {
    let mut licenses = std::collections::BTreeSet::from([kept.license.concluded.expression.clone()]);
    let mut categories = std::collections::BTreeSet::from([kept.license.concluded.category]);
    let mut sources = Vec::new();
    for &member in removed {
        let doc = docs.get(member)?;
        licenses.insert(doc.license.concluded.expression.clone());
        categories.insert(doc.license.concluded.category);
        sources.push(doc.source.display());
    }
    Ok(ClusterView {
        sources,
        licenses: licenses.into_iter().collect(),
        categories: categories.into_iter().collect(),
    })
}

pub(crate) fn data_row(
    doc: &DocRecord,
    content: String,
    source_url: Option<String>,
    cluster_size: u32,
    cluster: ClusterView,
    flagged: &[corpusledger_filter::Kind],
) -> DataRow {
    let license = &doc.license;
    let flags = flagged
        .iter()
        .map(|&kind| {
            doc.flags
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| f.flag.clone())
                .collect()
        })
        .collect();
    DataRow {
        doc_id: doc.id.to_string(),
        content,
        content_sha256: hex(&doc.sha256),
        repo: doc.source.repo.as_deref().map(str::to_owned),
        path: doc.source.path.clone(),
        source_url,
        input: doc.source.input.to_string(),
        key: doc.source.key.clone(),
        row: doc.source.row,
        language: doc.language.clone(),
        bytes: doc.bytes,
        declared_license: license.declared.clone(),
        detected_license: license.detected.clone(),
        header_license: license.header.clone(),
        license: license.concluded.expression.clone(),
        license_evidence: license.evidence_json(),
        package: doc.package.clone(),
        revision: doc.revision.clone(),
        cluster_id: (cluster_size > 1).then(|| doc.id.to_string()),
        n_duplicates: cluster_size - 1,
        n_sources: cluster_size,
        license_conflict: cluster.conflict(),
        cluster_sources: cluster.sources,
        cluster_licenses: cluster.licenses,
        flags,
    }
}

/// A document or a rejection, as [`in_source_order`] yields them.
enum Entry<'a> {
    Doc(Box<DocRecord>, &'a Decision),
    Rejected(&'a Rejection),
}

/// The documents (with their decisions) and the rejections merged in source
/// order: both lists are sorted, so they are merged lazily. A read error of
/// the documents ends it early; see [`DocTable::take_error`].
fn in_source_order<'a>(
    docs: &'a DocTable,
    outcome: &'a Outcome,
    rejections: &'a [Rejection],
) -> impl Iterator<Item = Entry<'a>> + 'a {
    let mut docs = docs.iter().zip(&outcome.decisions).peekable();
    let mut rejected = rejections.iter().peekable();
    std::iter::from_fn(move || {
        let take_doc = match (docs.peek(), rejected.peek()) {
            (Some((doc, _)), Some(rejection)) => super::source_order(&doc.source, &rejection.source).is_le(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        Some(if take_doc {
            let (doc, decision) = docs.next().expect("peeked");
            Entry::Doc(Box::new(doc), decision)
        } else {
            Entry::Rejected(rejected.next().expect("peeked"))
        })
    })
}

/// Removed duplicates and rejections, in source order, one row at a time.
/// A read error ends it early; see [`DocTable::take_error`].
fn ledger_rows<'a>(
    docs: &'a DocTable,
    outcome: &'a Outcome,
    rejections: &'a [Rejection],
    bases: &'a [crate::base::BaseRef],
) -> impl Iterator<Item = LedgerRow> + 'a {
    in_source_order(docs, outcome, rejections)
        .map_while(move |entry| match entry {
            Entry::Doc(doc, &Decision::Anchored { anchor, jaccard }) => {
                Some(Some(anchored_row(&doc, outcome, bases, anchor, jaccard)))
            }
            Entry::Doc(doc, &Decision::Removed { kept, jaccard }) => match docs.get(kept) {
                Ok(kept_doc) => Some(Some(removed_row(&doc, &kept_doc, jaccard))),
                Err(error) => {
                    docs.note(error);
                    None
                }
            },
            Entry::Doc(_, Decision::Kept { .. }) => Some(None),
            Entry::Rejected(rejection) => Some(Some(rejected_row(rejection))),
        })
        .flatten()
}

fn removed_row(doc: &DocRecord, kept_doc: &DocRecord, jaccard: Option<f64>) -> LedgerRow {
    duplicate_row(doc, kept_doc.id.to_string(), jaccard, &kept_doc.source.display())
}

/// A document removed as a copy of document `kept` (described as `what`:
/// its source, or a base dataset's document).
fn duplicate_row(doc: &DocRecord, kept: String, jaccard: Option<f64>, what: &str) -> LedgerRow {
    let (reason, detail) = match jaccard {
        None => (Reason::ExactDuplicate, format!("identical to {what}")),
        Some(j) => (Reason::NearDuplicate, format!("Jaccard {j:.4} with {what}")),
    };
    LedgerRow {
        doc_id: doc.id.to_string(),
        repo: doc.source.repo.as_deref().map(str::to_owned),
        path: doc.source.path.clone(),
        input: doc.source.input.to_string(),
        key: doc.source.key.clone(),
        row: doc.source.row,
        content_sha256: Some(hex(&doc.sha256)),
        bytes: doc.bytes,
        reason: reason.as_str().to_owned(),
        kept_doc_id: Some(kept.clone()),
        cluster_id: Some(kept),
        jaccard,
        license: Some(doc.license.concluded.expression.clone()),
        detail,
    }
}

/// Each base with the documents of this run removed in its favour.
fn bases_section(outcome: &Outcome, bases: &[crate::base::BaseRef]) -> Vec<corpusledger_manifest::BaseEntry> {
    let mut entries: Vec<corpusledger_manifest::BaseEntry> = bases.iter().map(|b| b.entry.clone()).collect();
    for decision in &outcome.decisions {
        if let Decision::Anchored { anchor, .. } = decision {
            let source = outcome.external[*anchor as usize].source as usize;
            if let Some(entry) = entries.get_mut(source) {
                entry.matched += 1;
            }
        }
    }
    entries
}

/// A document removed in favour of a kept document of a base dataset.
fn anchored_row(
    doc: &DocRecord,
    outcome: &Outcome,
    bases: &[crate::base::BaseRef],
    anchor: u32,
    jaccard: Option<f64>,
) -> LedgerRow {
    let external = outcome.external[anchor as usize];
    let kept = hex(&external.id);
    let dataset = bases.get(external.source as usize).map_or_else(
        || "a base dataset".to_owned(),
        |b| {
            format!(
                "base dataset {} (manifest SHA-256 {})",
                b.entry.path, b.entry.manifest_sha256
            )
        },
    );
    let what = format!("document {kept} of {dataset}");
    duplicate_row(doc, kept, jaccard, &what)
}

fn rejected_row(rejection: &Rejection) -> LedgerRow {
    LedgerRow {
        doc_id: rejection.source.doc_id().to_string(),
        repo: rejection.source.repo.as_deref().map(str::to_owned),
        path: rejection.source.path.clone(),
        input: rejection.source.input.to_string(),
        key: rejection.source.key.clone(),
        row: rejection.source.row,
        content_sha256: rejection.content_sha256.as_ref().map(|h| hex(h)),
        bytes: rejection.bytes,
        reason: rejection.reason.as_str().to_owned(),
        detail: rejection.detail.clone(),
        ..LedgerRow::default()
    }
}

fn counts(ingested: &Ingested, outcome: &Outcome) -> Result<Counts> {
    let mut counts = Counts {
        documents: (ingested.docs.len() + ingested.rejections.len()) as u64,
        ..Counts::default()
    };
    for (doc, decision) in ingested.docs.iter().zip(&outcome.decisions) {
        match decision {
            Decision::Kept { .. } => {
                counts.kept += 1;
                counts.kept_bytes += doc.bytes;
            }
            Decision::Removed { jaccard, .. } | Decision::Anchored { jaccard, .. } => {
                let reason = if jaccard.is_some() {
                    Reason::NearDuplicate
                } else {
                    Reason::ExactDuplicate
                };
                *counts.removed.entry(reason.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    for reason in Reason::ALL {
        let map = if reason.is_removal() {
            &mut counts.removed
        } else {
            &mut counts.rejected
        };
        map.entry(reason.as_str().to_owned()).or_default();
    }
    for rejection in &ingested.rejections {
        let map = if rejection.reason.is_removal() {
            &mut counts.removed
        } else {
            &mut counts.rejected
        };
        *map.entry(rejection.reason.as_str().to_owned()).or_default() += 1;
    }
    ingested.docs.take_error()?;
    Ok(counts)
}

/// Per input: documents, bytes, and a digest over (key, row, content hash)
/// of its documents in source order. Documents and rejections are each in
/// source order, so they are merged as they are hashed, nothing collected.
fn input_entries(plan: &Plan, ingested: &Ingested, outcome: &Outcome) -> Result<Vec<InputEntry>> {
    #[derive(Default)]
    struct Tally {
        documents: u64,
        bytes: u64,
        hasher: Sha256,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for entry in in_source_order(&ingested.docs, outcome, &ingested.rejections) {
        let (source, bytes, hash) = match &entry {
            Entry::Doc(doc, _) => (&doc.source, doc.bytes, hex(&doc.sha256)),
            Entry::Rejected(r) => {
                let hash = r.content_sha256.as_ref().map_or_else(|| "-".to_owned(), |h| hex(h));
                (&r.source, r.bytes, hash)
            }
        };
        if !tallies.contains_key(&*source.input) {
            tallies.insert(source.input.to_string(), Tally::default());
        }
        let tally = tallies.get_mut(&*source.input).expect("inserted");
        tally.documents += 1;
        tally.bytes += bytes;
        tally
            .hasher
            .update(format!("{}\0{}\0{}\n", source.key, source.row, hash).as_bytes());
    }
    ingested.docs.take_error()?;
    let entries = plan
        .inputs
        .iter()
        .map(|input| {
            let tally = tallies.remove(&*input.label).unwrap_or_default();
            let digest = input.error.is_none().then(|| hex(&tally.hasher.finalize()));
            let kind = if input.error.is_some() {
                "unusable"
            } else {
                input.kind.as_str()
            };
            InputEntry {
                label: input.label.to_string(),
                kind: kind.to_owned(),
                digest,
                documents: tally.documents,
                bytes: tally.bytes,
                error: input.error.clone(),
            }
        })
        .collect();
    Ok(entries)
}

/// License problems listed in the manifest at most; all are counted.
const MAX_LISTED_PROBLEMS: usize = 100;

fn licensing(ingested: &Ingested, outcome: &Outcome, conflicts: Conflicts, extras: &Extras<'_>) -> Result<Licensing> {
    let docs = &ingested.docs;
    let mut signals: BTreeMap<String, u64> = ["declared", "detected", "header", "disagreement", "noassertion"]
        .into_iter()
        .map(|k| (k.to_owned(), 0))
        .collect();
    for (doc, decision) in docs.iter().zip(&outcome.decisions) {
        if !matches!(decision, Decision::Kept { .. }) {
            continue;
        }
        let l = &doc.license;
        let counted = [
            ("declared", l.declared.is_some()),
            ("detected", l.detected.is_some()),
            ("header", l.header.is_some()),
            ("disagreement", l.disagreement),
            ("noassertion", l.concluded.expression == corpusledger_model::NOASSERTION),
        ];
        for (key, yes) in counted {
            *signals.get_mut(key).expect("listed") += u64::from(yes);
        }
    }
    let opt_out = extras
        .gate
        .opt_out
        .iter()
        .map(|list| {
            let prefix = format!("opted out by {}:", list.path.display());
            let matched = ingested
                .rejections
                .iter()
                .filter(|r| r.detail.starts_with(&prefix))
                .count();
            OptOutEntry {
                path: list.path.display().to_string(),
                sha256: list.sha256.clone(),
                bytes: list.bytes,
                entries: list.len() as u64,
                matched: matched as u64,
            }
        })
        .collect();
    docs.take_error()?;
    Ok(Licensing {
        detector: corpusledger_provenance::detector_description(),
        rule: corpusledger_provenance::CONCLUSION_RULE.to_owned(),
        signals,
        conflicts,
        opt_out,
        problems: Problems {
            count: extras.problems.len() as u64,
            first: extras.problems.iter().take(MAX_LISTED_PROBLEMS).cloned().collect(),
        },
    })
}

fn category_name(category: LicenseCategory) -> String {
    serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The manifest (its filters section is the caller's), and what the
/// filters that flag found in the kept documents, counted in the same pass.
fn manifest(
    plan: &Plan,
    ingested: &Ingested,
    outcome: &Outcome,
    config: &Config,
    licensing: Licensing,
    files: &[OutputFile],
) -> Result<(Manifest, Option<FlagTally>)> {
    let mut licenses = BTreeMap::new();
    let mut categories = BTreeMap::new();
    let mut languages = BTreeMap::new();
    let mut histograms = LicenseHistograms::default();
    let mut cluster_sizes = Vec::new();
    let mut flags = (!config.filters.flagged().is_empty()).then(FlagTally::default);
    for (doc, decision) in ingested.docs.iter().zip(&outcome.decisions) {
        add_signals(&mut histograms.before, &doc);
        if let Decision::Kept { cluster_size } = *decision {
            if let Some(tally) = flags.as_mut().filter(|_| !doc.flags.is_empty()) {
                tally.documents += 1;
                for flag in &doc.flags {
                    *tally.by_rule.entry(flag.flag.rule.clone()).or_insert(0) += 1;
                }
            }
            add_signals(&mut histograms.after, &doc);
            cluster_sizes.push(u64::from(cluster_size));
            *licenses.entry(doc.license.concluded.expression.clone()).or_insert(0u64) += 1;
            *categories
                .entry(category_name(doc.license.concluded.category))
                .or_insert(0u64) += 1;
            let language = doc.language.as_deref().unwrap_or("unknown").to_owned();
            *languages.entry(language).or_insert(0u64) += 1;
        }
    }
    ingested.docs.take_error()?;
    let largest_clusters = outcome
        .stats
        .largest
        .iter()
        .map(|c| {
            Ok(ClusterEntry {
                kept_doc_id: ingested.docs.get(c.kept)?.id.to_string(),
                documents: c.documents,
                texts: c.texts,
                min_jaccard: c.min_jaccard.map(ratio),
            })
        })
        .collect::<Result<_>>()?;
    let stats = &outcome.stats;
    let found = BTreeMap::from([
        ("texts".to_owned(), stats.texts),
        ("signed-texts".to_owned(), stats.signed_texts),
        ("candidate-pairs".to_owned(), stats.candidate_pairs),
        ("verified-pairs".to_owned(), stats.verified_pairs),
        ("clusters".to_owned(), stats.clusters),
        ("largest-cluster".to_owned(), stats.largest_cluster),
        ("length-filtered-pairs".to_owned(), stats.length_filtered_pairs),
    ]);
    let bands = ingested.bands;
    let mut keep_policy: Vec<String> = config.keep_policy.iter().map(|c| c.as_str().to_owned()).collect();
    keep_policy.push("doc-id".to_owned());
    let outputs: Vec<OutputEntry> = files
        .iter()
        .map(|f| OutputEntry {
            path: f.path.clone(),
            kind: match f.path.as_str() {
                LEDGER => "ledger",
                REDACTIONS => "redactions",
                INDEX => "index",
                ATTRIBUTION => "attribution",
                path if path.starts_with("commitments/") => "commitment-tree",
                _ => "data",
            }
            .to_owned(),
            rows: f.rows,
            bytes: f.bytes,
            sha256: f.sha256.clone(),
            provenance: f.provenance.clone(),
        })
        .collect();
    let merkle = Merkle::over(&outputs).expect("outputs are sorted by path, with SHA-256 hashes");
    let manifest = Manifest {
        format: corpusledger_manifest::FORMAT.to_owned(),
        version: corpusledger_manifest::VERSION,
        tool: Tool {
            name: "corpusledger".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            build: format!(
                "{}-{} {}",
                std::env::consts::ARCH,
                std::env::consts::OS,
                if cfg!(debug_assertions) { "debug" } else { "release" }
            ),
        },
        config: config.for_manifest(),
        dedup: DedupParameters {
            exact_hash: "xxh3-128 (grouping), sha-256 (disclosed)".to_owned(),
            tokenizer: config.tokenizer.as_str().to_owned(),
            ngram: config.ngram,
            num_perm: config.num_perm,
            sketch: "one-permutation minhash, optimal densification, xxh3-64 shingles".to_owned(),
            bands: bands.bands,
            rows: bands.rows,
            seed: config.seed,
            threshold: config.threshold.to_string(),
            verification: "exact jaccard of shingle sets for every candidate pair".to_owned(),
            cluster_mode: config.cluster_mode.as_str().to_owned(),
            keep_policy,
            recall_target: Some(ratio(config.recall_target)),
            recall_at_threshold: Some(ratio(bands.probability(config.threshold))),
            s_curve: bands.curve().into_iter().map(|(s, p)| [ratio(s), ratio(p)]).collect(),
            found,
            largest_clusters,
            cluster_sizes: SizeBucket::histogram(cluster_sizes),
        },
        inputs: input_entries(plan, ingested, outcome)?,
        counts: counts(ingested, outcome)?,
        licenses,
        license_categories: categories,
        languages,
        license_histograms: histograms,
        licensing,
        attribution: None,
        commitments: None,
        bases: Vec::new(),
        previous: None,
        amendments: None,
        filters: None,
        outputs,
        merkle,
    };
    Ok((manifest, flags))
}

/// What the filters that flag found in the kept documents: documents with
/// a flag, and flags by rule.
#[derive(Default)]
struct FlagTally {
    documents: u64,
    by_rule: BTreeMap<String, u64>,
}

fn add_signals(histograms: &mut SignalHistograms, doc: &DocRecord) {
    let l = &doc.license;
    let signals = [
        (&mut histograms.declared, l.declared.as_deref()),
        (&mut histograms.detected, l.detected.as_deref()),
        (&mut histograms.header, l.header.as_deref()),
        (&mut histograms.concluded, Some(l.concluded.expression.as_str())),
    ];
    for (map, value) in signals {
        *map.entry(value.unwrap_or("absent").to_owned()).or_default() += 1;
    }
    *histograms
        .category
        .entry(category_name(l.concluded.category))
        .or_default() += 1;
}

/// The notes of the summary, in input order.
fn notes(plan: &Plan, config: &Config) -> Vec<String> {
    let ingest = config.ingest();
    plan.inputs
        .iter()
        .filter_map(|input| corpusledger_ingest::users_note(input, &ingest))
        .collect()
}

/// Problems shown before the summary at most; the ledger has all of them.
const MAX_PROBLEMS: usize = 20;

fn summary(
    manifest: &Manifest,
    ingested: &Ingested,
    outcome: &Outcome,
    plan: &Plan,
    out_dir: &Path,
    files: &[OutputFile],
    config: &Config,
) -> Summary {
    let mut problems: Vec<String> = plan.input_errors().filter_map(|i| i.error.clone()).collect();
    let damaged = ingested.rejections.iter().filter(|r| r.reason.is_input_error());
    problems.extend(damaged.map(|r| format!("{}: {}: {}", r.source.display(), r.reason, r.detail)));
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(format!(
            "... and {more} more; see {} (reason unreadable or parse-error)",
            LEDGER
        ));
    }
    Summary {
        out_dir: out_dir.display().to_string(),
        documents: manifest.counts.documents,
        input_bytes: manifest.inputs.iter().map(|i| i.bytes).sum(),
        kept: manifest.counts.kept,
        kept_bytes: manifest.counts.kept_bytes,
        removed: manifest.counts.removed.clone(),
        rejected: manifest.counts.rejected.clone(),
        clusters: outcome.stats.clusters,
        dedup: DedupSummary::new(outcome, ingested.bands, config.threshold),
        licenses: manifest.licenses.clone(),
        problems,
        license_problems: manifest
            .licensing
            .problems
            .first
            .iter()
            .take(MAX_PROBLEMS)
            .cloned()
            .collect(),
        notes: notes(plan, config),
        files: files
            .iter()
            .map(|f| f.path.clone())
            .chain([CARD.to_owned(), MANIFEST.to_owned()])
            .collect(),
        stage_seconds: Vec::new(),
        elapsed_seconds: 0.0,
    }
}

/// The redaction records, in source order.
fn redaction_rows(ingested: &Ingested) -> impl Iterator<Item = RedactionRow> + '_ {
    ingested.redactions.iter().map(|r| RedactionRow {
        doc_id: r.source.doc_id().to_string(),
        input: r.source.input.to_string(),
        key: r.source.key.clone(),
        row: r.source.row,
        kind: r.rule.split(':').next().unwrap_or_default().to_owned(),
        rule: r.rule.clone(),
        line: u64::from(r.line),
        offset: r.offset,
        placeholder: r.placeholder.clone(),
        span_sha256: hex(&r.span_sha256),
    })
}

/// Where the secret rules come from: the built-in ones, and each user file
/// with its SHA-256.
fn secret_rules_source(files: &[std::path::PathBuf]) -> Result<String> {
    let mut source = corpusledger_filter::secrets::rules_source();
    for path in files {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read secret rule file {}", path.display()))?;
        source.push_str(&format!(
            "; and the rules of {} (SHA-256 {})",
            path.display(),
            hex(&Sha256::digest(&bytes))
        ));
    }
    Ok(source)
}

/// The manifest's `filters` section: actions, settings, and what was
/// removed (by rule, from the ledger details) and redacted.
fn filters_section(
    ingested: &Ingested,
    config: &Config,
    gate: &Gate,
    flags: Option<FlagTally>,
) -> Result<corpusledger_manifest::Filters> {
    let f = &config.filters;
    let actions = [
        ("secrets", f.secrets),
        ("pii", f.pii),
        ("generated", f.generated),
        ("vendored", f.vendored),
        ("low-quality", f.low_quality),
        ("decontaminate", f.action(corpusledger_filter::Kind::Contaminated)),
    ]
    .into_iter()
    .map(|(name, action)| (name.to_owned(), action.as_str().to_owned()))
    .collect();
    let mut removed = BTreeMap::new();
    for rejection in &ingested.rejections {
        if Reason::FILTERS.contains(&rejection.reason) {
            let rule = rejection
                .detail
                .strip_prefix("rule ")
                .and_then(|rest| rest.split([',', ' ']).next())
                .unwrap_or(rejection.reason.as_str());
            *removed.entry(rule.to_owned()).or_insert(0u64) += 1;
        }
    }
    let mut redactions = BTreeMap::new();
    let mut documents = std::collections::BTreeSet::new();
    for r in &ingested.redactions {
        *redactions.entry(r.rule.clone()).or_insert(0u64) += 1;
        documents.insert(&r.source);
    }
    let flagged_documents = flags.as_ref().map(|t| t.documents);
    let flags = flags.map(|t| t.by_rule).unwrap_or_default();
    let loaded = gate.filters.as_ref().map_or(&[][..], |f| f.benchmark_files());
    let benchmarks = f
        .decontaminate
        .iter()
        .zip(loaded)
        .map(|(path, file)| {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read benchmark file {}", path.display()))?;
            Ok(corpusledger_manifest::BenchmarkEntry {
                name: file.name.clone(),
                path: path.display().to_string(),
                sha256: hex(&Sha256::digest(&bytes)),
                items: file.items,
                short_fields: file.short_fields,
                skipped_fields: file.skipped_fields,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let decontamination = (!benchmarks.is_empty()).then(|| {
        format!(
            "a run of {} words (ASCII letters, digits and _, lowercased) shared with an item's prompt or solution; a field of {} to {} words only in full; shorter fields are not matched",
            corpusledger_filter::contamination::NGRAM,
            corpusledger_filter::contamination::MIN_SHORT,
            corpusledger_filter::contamination::NGRAM - 1
        )
    });
    Ok(corpusledger_manifest::Filters {
        actions,
        max_line_length: f.settings.max_line_length as u64,
        max_mean_line_length: f.settings.max_mean_line_length,
        min_alnum_fraction: f.settings.min_alnum_fraction,
        allow_email_domains: f.settings.allow_email_domains.clone(),
        secret_rules: secret_rules_source(&f.secret_rules)?,
        removed,
        redacted_documents: documents.len() as u64,
        redactions,
        flag_columns: f.flag_columns(),
        flagged_documents,
        flags,
        decontamination,
        benchmarks,
        languages: f.languages.clone(),
        exclude_languages: f.exclude_languages.clone(),
    })
}
