//! Amendments: a new version of a published dataset without the kept
//! documents that opt-out lists name, deduplication not run again.
//!
//! [`amend`] checks the dataset (it must verify), matches every kept
//! document against the lists (`repo:`, `path:` and `sha256:` entries, as
//! `run --opt-out` reads them), and writes the new version into an empty
//! directory:
//!
//! - a data shard holding a matched document is written again without it,
//!   under the same name; every other data shard is copied byte for byte;
//! - the ledger is the previous one followed by one `opted-out` row per
//!   removed document (detail: `opted out by LIST:LINE`);
//! - the attribution table loses the rows of removed documents; the index
//!   and the three commitment trees are made again from the new files;
//! - the manifest is the previous one with the counts and histograms of the
//!   kept documents lowered, [`Manifest::previous`] linking to the previous
//!   manifest (its SHA-256 and Merkle root) and [`Manifest::amendments`]
//!   saying what was removed: each list's digest and matches, and each
//!   rewritten shard's rows.
//!
//! A kept document may have had copies removed in its favour. When it is
//! opted out, those copies are *orphans*: nothing in the data carries their
//! content any more. The rule is [`Orphans`]: by default the amendment is
//! refused and the clusters are named; with [`Orphans::StayRemoved`] the
//! copies stay out, their ledger rows keep their reason and `kept_doc_id`
//! and their detail says which opt-out removed the kept copy. They are not
//! promoted: the published dataset does not hold their content, so only a
//! new `run` over the inputs can bring them back.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{AsArray, BooleanArray, RecordBatch};
use arrow::compute::filter_record_batch;
use corpusledger_manifest::commitments::{
    CONSTRUCTION, Commitments, Leaves, SortedTree, kept_leaf_from_hex, removed_leaf_from_hex,
};
use corpusledger_manifest::{
    AmendedShard, Amendments, Manifest, Merkle, ORPHANS_STAY_REMOVED, OptOutEntry, OutputEntry, Previous,
};
use corpusledger_model::SourceRef;
use corpusledger_output::{
    IndexReader, IndexRow, KeyKind, LedgerRow, OutputFile, WriterConfig, attribution_schema, band_key, key_of,
    ledger_rows_of, read_batches, redaction_schema, write_batches, write_data_batches, write_index, write_ledger,
    write_tree,
};
use corpusledger_provenance::OptOutList;
use corpusledger_verify::MANIFEST;
use sha2::{Digest, Sha256};

use crate::{Error, Result, check_out, check_source, copy, io};

/// What happens to copies removed in favour of an opted-out document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orphans {
    /// Refuse the amendment and name the clusters.
    #[default]
    Refuse,
    /// The copies stay out; their ledger rows say why.
    StayRemoved,
}

/// How to amend.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Opt-out lists, in the order given.
    pub opt_out: Vec<PathBuf>,
    /// The rule for orphaned copies.
    pub orphans: Orphans,
}

/// What an amendment wrote.
#[derive(Debug)]
pub struct Amended {
    /// The new manifest (written to `OUT/manifest.json`).
    pub manifest: Manifest,
    /// Data shards copied unchanged.
    pub copied: Vec<String>,
    /// Lists that matched no kept document.
    pub unmatched_lists: Vec<String>,
}

/// One kept document an opt-out list names.
struct Match {
    row: usize,
    list: usize,
    entry: String,
}

/// The columns read from every data shard to match the lists.
const MATCH_COLUMNS: [&str; 7] = ["doc_id", "content_sha256", "repo", "path", "input", "key", "row"];

/// Writes to `out` the version of the dataset at `source` without the kept
/// documents the lists name (see the module documentation).
pub fn amend(source: &Path, out: &Path, options: &Options) -> Result<Amended> {
    let manifest_path = source.join(MANIFEST);
    if !manifest_path.is_file() {
        return Err(Error::NoManifest(source.to_owned()));
    }
    if source.join(corpusledger_manifest::release::RELEASE_FILE).exists() {
        return Err(Error::SourceIsRelease(source.to_owned()));
    }
    let manifest_bytes = std::fs::read(&manifest_path).map_err(|e| io(&manifest_path, e))?;
    let old = Manifest::from_slice(&manifest_path, &manifest_bytes)?;
    if options.opt_out.is_empty() {
        return Err(Error::NoOptOut);
    }
    let lists = options
        .opt_out
        .iter()
        .map(|path| OptOutList::load(path).map_err(Error::OptOut))
        .collect::<Result<Vec<_>>>()?;
    check_out(source, out)?;
    check_source(source, &old)?;

    // Which kept documents the lists name, shard by shard.
    let mut matches: BTreeMap<usize, Vec<Match>> = BTreeMap::new();
    let mut opted: HashMap<String, String> = HashMap::new();
    for (i, output) in old.outputs.iter().enumerate().filter(|(_, o)| o.kind == "data") {
        let path = source.join(&output.path);
        let rows = crate::table::read_columns(&path, &MATCH_COLUMNS).map_err(|reason| Error::Unreadable {
            path: path.clone(),
            reason,
        })?;
        for (row, values) in rows.into_iter().enumerate() {
            let [doc_id, sha, repo, doc_path, input, key, line] =
                <[Option<String>; 7]>::try_from(values).expect("seven columns");
            let source_ref = SourceRef {
                input: Arc::from(input.unwrap_or_default()),
                key: key.unwrap_or_default(),
                row: line.and_then(|l| l.parse().ok()).unwrap_or(0),
                repo: repo.map(Arc::from),
                path: doc_path,
            };
            let sha = sha
                .as_deref()
                .and_then(corpusledger_manifest::merkle::from_hex)
                .unwrap_or([0; 32]);
            let hit = lists
                .iter()
                .enumerate()
                .find_map(|(l, list)| list.matches(&source_ref, &sha).map(|entry| (l, entry)));
            if let Some((list, entry)) = hit {
                let doc_id = doc_id.unwrap_or_default();
                opted.insert(doc_id, entry.clone());
                matches.entry(i).or_default().push(Match { row, list, entry });
            }
        }
    }

    // The ledger, with the orphans found before anything is written.
    let ledger_output = single(&old, "ledger")?;
    let mut ledger = Vec::with_capacity(ledger_output.rows as usize);
    let ledger_path = source.join(&ledger_output.path);
    for batch in read_batches(&ledger_path).map_err(|e| unreadable(&ledger_path, e))? {
        ledger.extend(ledger_rows_of(&batch).map_err(|reason| Error::Unreadable {
            path: ledger_path.clone(),
            reason,
        })?);
    }
    let mut orphans: BTreeMap<String, u64> = BTreeMap::new();
    for row in &mut ledger {
        let Some(kept) = row.kept_doc_id.as_deref() else {
            continue;
        };
        let Some(entry) = opted.get(kept) else { continue };
        if !row.reason.ends_with("-duplicate") {
            continue;
        }
        *orphans.entry(kept.to_owned()).or_default() += 1;
        row.detail.push_str(&format!(
            "; its kept copy {kept} was opted out by {entry} in an amendment, and this copy stays out (orphans: stay-removed)"
        ));
    }
    if !orphans.is_empty() && options.orphans == Orphans::Refuse {
        return Err(Error::Orphans {
            clusters: orphans.len(),
            copies: orphans.values().sum(),
            first: orphans
                .iter()
                .take(5)
                .map(|(kept, n)| format!("{kept} ({n} {})", if *n == 1 { "copy" } else { "copies" }))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }

    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let config = writer_config(&old);
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    let mut copied = Vec::new();
    let mut shards = Vec::new();
    let mut removed_rows: Vec<RemovedDoc> = Vec::new();
    for (i, output) in old.outputs.iter().enumerate().filter(|(_, o)| o.kind == "data") {
        let from = source.join(&output.path);
        let Some(found) = matches.get(&i) else {
            let (bytes, sha256) = copy(&from, &out.join(&output.path))?;
            if sha256 != output.sha256 {
                return Err(Error::Changed(from));
            }
            files.insert(output.path.clone(), output_file(output, bytes, sha256));
            copied.push(output.path.clone());
            continue;
        };
        let batches = read_batches(&from).map_err(|e| unreadable(&from, e))?;
        let drop: std::collections::HashSet<usize> = found.iter().map(|m| m.row).collect();
        let mut kept_batches = Vec::with_capacity(batches.len());
        let mut offset = 0usize;
        for batch in &batches {
            let mask: BooleanArray = (0..batch.num_rows())
                .map(|r| Some(!drop.contains(&(offset + r))))
                .collect();
            for m in found
                .iter()
                .filter(|m| (offset..offset + batch.num_rows()).contains(&m.row))
            {
                removed_rows.push(
                    RemovedDoc::read(batch, m.row - offset, m, &config.flag_columns).map_err(|reason| {
                        Error::Unreadable {
                            path: from.clone(),
                            reason,
                        }
                    })?,
                );
            }
            offset += batch.num_rows();
            kept_batches.push(filter_record_batch(batch, &mask).map_err(|e| Error::Unreadable {
                path: from.clone(),
                reason: e.to_string(),
            })?);
        }
        let written = write_data_batches(out, &output.path, kept_batches, &config).map_err(write_error)?;
        shards.push(AmendedShard {
            path: output.path.clone(),
            rows_before: output.rows,
            removed: found.len() as u64,
            sha256_before: output.sha256.clone(),
        });
        files.insert(output.path.clone(), written);
    }

    // The ledger: the previous rows (orphans' details extended), then one
    // row per removed document, in the order of the data shards.
    ledger.extend(removed_rows.iter().map(RemovedDoc::ledger_row));
    let ledger_file = write_ledger(out, &ledger_output.path, ledger.iter().cloned(), &config).map_err(write_error)?;
    files.insert(ledger_output.path.clone(), ledger_file);

    let mut manifest = old.clone();
    if let Some(output) = old.outputs.iter().find(|o| o.kind == "redactions") {
        let (file, lost) = redactions(source, out, output, &opted, &config)?;
        files.insert(output.path.clone(), file);
        if let Some(filters) = manifest.filters.as_mut() {
            lower_redactions(filters, lost);
        }
    }
    if let Some(filters) = manifest.filters.as_mut() {
        lower_flags(filters, &removed_rows);
    }
    if let Some(output) = old.outputs.iter().find(|o| o.kind == "attribution") {
        let (file, summary) = attribution(source, out, output, &old, &opted, &ledger, &config)?;
        files.insert(output.path.clone(), file);
        manifest.attribution = summary;
    }

    let (index_file, leaves) = index_and_leaves(source, out, &old, &files, &ledger, &config)?;
    files.insert(index_file.path.clone(), index_file);
    if old.commitments.is_some() {
        let sorted = leaves.sorted();
        let commitments = Commitments {
            construction: CONSTRUCTION.to_owned(),
            kept: tree(out, &sorted.kept, &mut files)?,
            removed: tree(out, &sorted.removed, &mut files)?,
            bands: tree(out, &sorted.bands, &mut files)?,
        };
        manifest.commitments = Some(commitments);
    }

    lower_counts(&mut manifest, &removed_rows);
    let opt_out: Vec<OptOutEntry> = lists
        .iter()
        .enumerate()
        .map(|(l, list)| OptOutEntry {
            path: list.path.display().to_string(),
            sha256: list.sha256.clone(),
            bytes: list.bytes,
            entries: list.len() as u64,
            matched: removed_rows.iter().filter(|r| r.list == l).count() as u64,
        })
        .collect();
    let unmatched_lists = opt_out
        .iter()
        .filter(|l| l.matched == 0)
        .map(|l| l.path.clone())
        .collect();
    manifest.previous = Some(Previous {
        manifest_sha256: corpusledger_manifest::merkle::to_hex(&Sha256::digest(&manifest_bytes).into()),
        merkle_root: old.merkle.root.clone(),
        documents: old.counts.documents,
        kept: old.counts.kept,
    });
    manifest.amendments = Some(Amendments {
        opt_out,
        removed: removed_rows.len() as u64,
        orphans_rule: ORPHANS_STAY_REMOVED.to_owned(),
        orphans: orphans.values().sum(),
        shards,
    });
    manifest.outputs = old
        .outputs
        .iter()
        .map(|o| {
            let file = files.get(&o.path).ok_or_else(|| Error::Unreadable {
                path: source.join(&o.path),
                reason: format!(
                    "an output of kind `{}` that amend does not know how to carry over",
                    o.kind
                ),
            })?;
            Ok(OutputEntry {
                path: o.path.clone(),
                kind: o.kind.clone(),
                rows: file.rows,
                bytes: file.bytes,
                sha256: file.sha256.clone(),
                provenance: file.provenance.clone(),
            })
        })
        .collect::<Result<_>>()?;
    manifest.merkle = Merkle::over(&manifest.outputs).expect("outputs sorted by path, with SHA-256 hashes");
    manifest.write(&out.join(MANIFEST))?;
    Ok(Amended {
        manifest,
        copied,
        unmatched_lists,
    })
}

/// A removed document, as its data-shard row describes it.
struct RemovedDoc {
    list: usize,
    entry: String,
    row: LedgerRow,
    language: Option<String>,
    declared: Option<String>,
    detected: Option<String>,
    header: Option<String>,
    disagreement: bool,
    /// The rules of its flags (in the data shards' flag columns).
    flag_rules: Vec<String>,
}

impl RemovedDoc {
    fn read(
        batch: &RecordBatch,
        i: usize,
        m: &Match,
        flag_columns: &[String],
    ) -> std::result::Result<RemovedDoc, String> {
        use arrow::array::Array;
        use arrow::datatypes::UInt64Type;
        let text = |name: &str| -> std::result::Result<Option<String>, String> {
            let column = batch
                .column_by_name(name)
                .and_then(|c| c.as_string_opt::<i32>())
                .ok_or_else(|| format!("no text column `{name}`: not a data shard"))?;
            Ok(column.is_valid(i).then(|| column.value(i).to_owned()))
        };
        let number = |name: &str| -> std::result::Result<u64, String> {
            let column = batch
                .column_by_name(name)
                .ok_or_else(|| format!("no column `{name}`"))?;
            column
                .as_primitive_opt::<UInt64Type>()
                .map(|c| c.value(i))
                .ok_or_else(|| format!("column `{name}` is not a number"))
        };
        let evidence = text("license_evidence")?.unwrap_or_default();
        let disagreement = serde_json::from_str::<serde_json::Value>(&evidence)
            .ok()
            .and_then(|v| v.get("disagreement").and_then(serde_json::Value::as_bool))
            .unwrap_or(false);
        let mut flag_rules = Vec::new();
        for name in flag_columns {
            let lists = batch
                .column_by_name(name)
                .and_then(|c| c.as_list_opt::<i32>())
                .ok_or_else(|| format!("no flag column `{name}`, which the manifest lists"))?;
            let items = lists.value(i);
            let rules = items
                .as_struct_opt()
                .and_then(|s| s.column_by_name("rule"))
                .and_then(|c| c.as_string_opt::<i32>())
                .ok_or_else(|| format!("flag column `{name}` has no text field `rule`"))?;
            flag_rules.extend(rules.iter().flatten().map(str::to_owned));
        }
        Ok(RemovedDoc {
            list: m.list,
            entry: m.entry.clone(),
            row: LedgerRow {
                doc_id: text("doc_id")?.unwrap_or_default(),
                repo: text("repo")?,
                path: text("path")?,
                input: text("input")?.unwrap_or_default(),
                key: text("key")?.unwrap_or_default(),
                row: number("row")?,
                content_sha256: text("content_sha256")?,
                bytes: number("bytes")?,
                reason: "opted-out".to_owned(),
                kept_doc_id: None,
                cluster_id: text("cluster_id")?,
                jaccard: None,
                license: text("license")?,
                detail: String::new(),
            },
            language: text("language")?,
            declared: text("declared_license")?,
            detected: text("detected_license")?,
            header: text("header_license")?,
            disagreement,
            flag_rules,
        })
    }

    fn ledger_row(&self) -> LedgerRow {
        let mut row = self.row.clone();
        row.detail = format!(
            "opted out by {} in an amendment (the document was kept in the previous version)",
            self.entry
        );
        row
    }

    fn license(&self) -> &str {
        self.row.license.as_deref().unwrap_or(corpusledger_model::NOASSERTION)
    }
}

/// Lowers the manifest's counts and histograms of kept documents by the
/// removed ones; removes entries that reach zero, as a run never lists them.
/// `redactions.parquet` without the records of opted-out documents, and
/// what they were: spans by rule, and how many documents.
fn redactions(
    source: &Path,
    out: &Path,
    output: &OutputEntry,
    opted: &HashMap<String, String>,
    config: &WriterConfig,
) -> Result<(OutputFile, Lost)> {
    let from = source.join(&output.path);
    let batches = read_batches(&from).map_err(|e| unreadable(&from, e))?;
    let mut spans = BTreeMap::new();
    let mut documents = std::collections::HashSet::new();
    let mut kept_batches = Vec::with_capacity(batches.len());
    for batch in &batches {
        let column = |name: &str| text_column(batch, name, &from, "a redaction table");
        let (doc, rule) = (column("doc_id")?, column("rule")?);
        let mask: BooleanArray = (0..batch.num_rows())
            .map(|i| {
                let dropped = opted.contains_key(doc.value(i));
                if dropped {
                    *spans.entry(rule.value(i).to_owned()).or_insert(0u64) += 1;
                    documents.insert(doc.value(i).to_owned());
                }
                Some(!dropped)
            })
            .collect();
        kept_batches.push(filter_record_batch(batch, &mask).map_err(|e| Error::Unreadable {
            path: from.clone(),
            reason: e.to_string(),
        })?);
    }
    let file = write_batches(out, &output.path, redaction_schema(), kept_batches, config).map_err(write_error)?;
    Ok((file, (spans, documents.len() as u64)))
}

/// The text column `name` of a batch read from `path`, which should be
/// `what`.
fn text_column<'b>(
    batch: &'b RecordBatch,
    name: &str,
    path: &Path,
    what: &str,
) -> Result<&'b arrow::array::StringArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_string_opt::<i32>())
        .ok_or_else(|| Error::Unreadable {
            path: path.to_owned(),
            reason: format!("no text column `{name}`: not {what}"),
        })
}

/// Redactions an amendment takes out: spans by rule, and documents.
type Lost = (BTreeMap<String, u64>, u64);

/// The manifest's redaction counts without those `lost`.
fn lower_redactions(filters: &mut corpusledger_manifest::Filters, (spans, documents): Lost) {
    for (rule, n) in spans {
        lower_by(&mut filters.redactions, &rule, n, false);
    }
    filters.redacted_documents = filters.redacted_documents.saturating_sub(documents);
}

/// The manifest's flag counts without those of the removed documents.
fn lower_flags(filters: &mut corpusledger_manifest::Filters, removed: &[RemovedDoc]) {
    for doc in removed.iter().filter(|d| !d.flag_rules.is_empty()) {
        if let Some(n) = filters.flagged_documents.as_mut() {
            *n = n.saturating_sub(1);
        }
        for rule in &doc.flag_rules {
            lower_by(&mut filters.flags, rule, 1, false);
        }
    }
}

/// `map[key]` lowered by `n`, the key dropped at 0 unless `keep_zero`.
fn lower_by(map: &mut BTreeMap<String, u64>, key: &str, n: u64, keep_zero: bool) {
    if let Some(count) = map.get_mut(key) {
        *count = count.saturating_sub(n);
        if *count == 0 && !keep_zero {
            map.remove(key);
        }
    }
}

fn lower_counts(manifest: &mut Manifest, removed: &[RemovedDoc]) {
    let lower = |map: &mut BTreeMap<String, u64>, key: &str, keep_zero: bool| lower_by(map, key, 1, keep_zero);
    let removed_ids: std::collections::HashSet<&str> = removed.iter().map(|r| r.row.doc_id.as_str()).collect();
    for doc in removed {
        let counts = &mut manifest.counts;
        counts.kept -= 1;
        counts.kept_bytes = counts.kept_bytes.saturating_sub(doc.row.bytes);
        *counts.removed.entry("opted-out".to_owned()).or_default() += 1;
        let license = doc.license();
        let category = category_name(corpusledger_provenance::category_of(license));
        lower(&mut manifest.licenses, license, false);
        lower(&mut manifest.license_categories, &category, false);
        lower(
            &mut manifest.languages,
            doc.language.as_deref().unwrap_or("unknown"),
            false,
        );
        let after = &mut manifest.license_histograms.after;
        lower(&mut after.declared, doc.declared.as_deref().unwrap_or("absent"), false);
        lower(&mut after.detected, doc.detected.as_deref().unwrap_or("absent"), false);
        lower(&mut after.header, doc.header.as_deref().unwrap_or("absent"), false);
        lower(&mut after.concluded, license, false);
        lower(&mut after.category, &category, false);
        let signals = &mut manifest.licensing.signals;
        let counted = [
            ("declared", doc.declared.is_some()),
            ("detected", doc.detected.is_some()),
            ("header", doc.header.is_some()),
            ("disagreement", doc.disagreement),
            ("noassertion", license == corpusledger_model::NOASSERTION),
        ];
        for (key, yes) in counted {
            if yes {
                lower(signals, key, true);
            }
        }
    }
    let conflicts = &mut manifest.licensing.conflicts;
    let before = conflicts.list.len();
    let mut documents = 0;
    conflicts.list.retain(|c| {
        let gone = removed_ids.contains(c.kept_doc_id.as_str());
        if gone {
            documents += c.documents;
        }
        !gone
    });
    conflicts.clusters -= (before - conflicts.list.len()) as u64;
    conflicts.documents -= documents;
}

fn category_name(category: corpusledger_model::LicenseCategory) -> String {
    serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The attribution table without the rows of clusters whose kept document
/// is opted out, and its summary lowered to match.
fn attribution(
    source: &Path,
    out: &Path,
    output: &OutputEntry,
    old: &Manifest,
    opted: &HashMap<String, String>,
    ledger: &[LedgerRow],
    config: &WriterConfig,
) -> Result<(OutputFile, Option<corpusledger_manifest::Attribution>)> {
    let from = source.join(&output.path);
    let batches = read_batches(&from).map_err(|e| unreadable(&from, e))?;
    let license_of: HashMap<&str, &str> = ledger
        .iter()
        .filter_map(|r| Some((r.doc_id.as_str(), r.license.as_deref()?)))
        .collect();
    let mut summary = old.attribution.clone();
    let mut kept_batches = Vec::with_capacity(batches.len());
    // Per dropped cluster: whether its kept document had posts of its own,
    // and whether it mixed license categories.
    let mut clusters: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut documents: BTreeMap<(String, String), String> = BTreeMap::new();
    for batch in &batches {
        let column = |name: &str| text_column(batch, name, &from, "an attribution table");
        let (kept, doc, role, basis, kept_license) = (
            column("kept_doc_id")?,
            column("doc_id")?,
            column("role")?,
            column("license_basis")?,
            column("kept_license")?,
        );
        let conflict = batch
            .column_by_name("license_conflict")
            .and_then(|c| c.as_boolean_opt().cloned())
            .ok_or_else(|| Error::Unreadable {
                path: from.clone(),
                reason: "no column `license_conflict`: not an attribution table".to_owned(),
            })?;
        let mut mask = Vec::with_capacity(batch.num_rows());
        for i in 0..batch.num_rows() {
            let dropped = opted.contains_key(kept.value(i));
            mask.push(Some(!dropped));
            if !dropped {
                continue;
            }
            let cluster = clusters.entry(kept.value(i).to_owned()).or_default();
            cluster.0 |= role.value(i) == "kept";
            cluster.1 |= conflict.value(i);
            let license = if role.value(i) == "kept" {
                kept_license.value(i)
            } else {
                license_of
                    .get(doc.value(i))
                    .copied()
                    .unwrap_or(corpusledger_model::NOASSERTION)
            };
            documents.insert((doc.value(i).to_owned(), role.value(i).to_owned()), license.to_owned());
            if let Some(summary) = summary.as_mut() {
                let basis = basis.value(i).split(' ').next().unwrap_or_default();
                lower_by(&mut summary.license_basis, basis, 1, false);
            }
        }
        let mask = BooleanArray::from(mask);
        kept_batches.push(filter_record_batch(batch, &mask).map_err(|e| Error::Unreadable {
            path: from.clone(),
            reason: e.to_string(),
        })?);
    }
    let file = write_batches(out, &output.path, attribution_schema(), kept_batches, config).map_err(write_error)?;
    if let Some(summary) = summary.as_mut() {
        summary.rows = file.rows;
        for ((_, role), license) in &documents {
            if let Some(counts) = summary.documents.get_mut(license) {
                if role == "kept" {
                    counts.kept = counts.kept.saturating_sub(1);
                } else {
                    counts.removed = counts.removed.saturating_sub(1);
                }
                if counts.kept == 0 && counts.removed == 0 {
                    summary.documents.remove(license);
                }
            }
        }
        for (own_posts, conflict) in clusters.values() {
            if !own_posts {
                summary.kept_non_posts_carrying_posts = summary.kept_non_posts_carrying_posts.saturating_sub(1);
            }
            if *conflict {
                summary.cross_license_clusters = summary.cross_license_clusters.saturating_sub(1);
            }
        }
        summary.obligation = corpusledger_manifest::Attribution::obligation_for(&summary.license_basis);
    }
    Ok((file, summary))
}

/// The index of the new version and the leaves of its commitments, from
/// the new data shards and ledger.
fn index_and_leaves(
    source: &Path,
    out: &Path,
    old: &Manifest,
    files: &BTreeMap<String, OutputFile>,
    ledger: &[LedgerRow],
    config: &WriterConfig,
) -> Result<(OutputFile, Leaves)> {
    let index_output = single(old, "index")?;
    let old_index = source.join(&index_output.path);
    let listed = IndexReader::open(&old_index)
        .map_err(|e| unreadable(&old_index, e))?
        .files;
    let number = |path: &str| -> Result<u32> {
        listed
            .iter()
            .position(|f| f == path)
            .map(|i| i as u32)
            .ok_or_else(|| Error::Unreadable {
                path: old_index.clone(),
                reason: format!("its file list does not name {path}"),
            })
    };
    let keyer = corpusledger_proof::BandKeyer::new(&old.dedup).map_err(|reason| Error::Unreadable {
        path: source.join(MANIFEST),
        reason: format!("its dedup parameters cannot be used: {reason}"),
    })?;
    let mut rows = Vec::new();
    let mut leaves = Leaves::default();
    for output in old.outputs.iter().filter(|o| o.kind == "data") {
        let file = number(&output.path)?;
        let path = out.join(&output.path);
        debug_assert!(files.contains_key(&output.path));
        let mut row = 0u32;
        for batch in read_batches(&path).map_err(|e| unreadable(&path, e))? {
            let column = |name: &str| {
                batch
                    .column_by_name(name)
                    .and_then(|c| c.as_string_opt::<i32>().cloned())
                    .ok_or_else(|| Error::Unreadable {
                        path: path.clone(),
                        reason: format!("no text column `{name}`"),
                    })
            };
            let (doc_id, sha, license, content) = (
                column("doc_id")?,
                column("content_sha256")?,
                column("license")?,
                column("content")?,
            );
            for i in 0..batch.num_rows() {
                let mut push = |kind, key| rows.push(IndexRow { key, kind, file, row });
                let sha_bytes = corpusledger_manifest::merkle::from_hex(sha.value(i)).unwrap_or([0; 32]);
                push(KeyKind::Content, key_of(&sha_bytes));
                let id = corpusledger_manifest::commitments::doc_id_bytes(doc_id.value(i)).unwrap_or([0; 16]);
                push(KeyKind::DocId, key_of(&id));
                let keys = keyer.keys(content.value(i));
                for &key in &keys {
                    push(KeyKind::Band, band_key(key));
                }
                if let Some(leaf) = kept_leaf_from_hex(sha.value(i), doc_id.value(i), license.value(i)) {
                    leaves.kept.push(leaf);
                }
                leaves.add_band_keys(&keys);
                row += 1;
            }
        }
    }
    let ledger_output = single(old, "ledger")?;
    let file = number(&ledger_output.path)?;
    for (row, entry) in ledger.iter().enumerate() {
        let Some(sha) = entry.content_sha256.as_deref() else {
            continue;
        };
        if let Some(leaf) = removed_leaf_from_hex(sha, &entry.doc_id, entry.kept_doc_id.as_deref(), &entry.reason) {
            leaves.removed.push(leaf);
        }
        if let Some(key) = sha.get(..8).and_then(|h| u32::from_str_radix(h, 16).ok()) {
            rows.push(IndexRow {
                key,
                kind: KeyKind::Content,
                file,
                row: row as u32,
            });
        }
    }
    let index = write_index(out, &index_output.path, &listed, rows, config).map_err(write_error)?;
    Ok((index, leaves))
}

fn tree<L: AsRef<[u8]> + Ord + Sync>(
    out: &Path,
    sorted: &SortedTree<L>,
    files: &mut BTreeMap<String, OutputFile>,
) -> Result<corpusledger_manifest::commitments::Commitment> {
    let (file, commitment) = write_tree(out, sorted).map_err(write_error)?;
    files.insert(file.path.clone(), file);
    Ok(commitment)
}

/// The one output of `kind`.
fn single<'a>(manifest: &'a Manifest, kind: &str) -> Result<&'a OutputEntry> {
    manifest
        .outputs
        .iter()
        .find(|o| o.kind == kind)
        .ok_or_else(|| Error::Unreadable {
            path: PathBuf::from(MANIFEST),
            reason: format!("lists no output of kind `{kind}`: not a dataset `corpusledger run` wrote"),
        })
}

/// The Parquet settings of the dataset's run, as its manifest records them.
fn writer_config(manifest: &Manifest) -> WriterConfig {
    let defaults = WriterConfig::default();
    let get = |name: &str| manifest.config.get(name).and_then(serde_json::Value::as_u64);
    WriterConfig {
        row_group_rows: get("row-group-rows").map_or(defaults.row_group_rows, |n| n as usize),
        zstd_level: get("zstd-level").map_or(defaults.zstd_level, |n| n as i32),
        flag_columns: manifest
            .filters
            .as_ref()
            .map_or_else(Vec::new, |f| f.flag_columns.clone()),
        ..defaults
    }
}

fn output_file(output: &OutputEntry, bytes: u64, sha256: String) -> OutputFile {
    OutputFile {
        path: output.path.clone(),
        rows: output.rows,
        bytes,
        sha256,
        provenance: output.provenance.clone(),
    }
}

fn unreadable(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::Unreadable {
        path: path.to_owned(),
        reason: err.to_string(),
    }
}

fn write_error(err: corpusledger_output::Error) -> Error {
    Error::Write(err.to_string())
}
