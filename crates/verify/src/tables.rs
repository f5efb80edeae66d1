//! What the Parquet files hold: row counts, footers, ids, reasons, licenses.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use corpusledger_manifest::commitments::{Leaves, Tree, kept_leaf_from_hex, removed_leaf_from_hex};
use corpusledger_manifest::{Manifest, OutputEntry};
use corpusledger_output::{TreeFile, tree_path};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};

use crate::Report;
use corpusledger_proof::BandKeyer;

/// One ledger row, as far as verification needs it.
pub struct LedgerEntry {
    pub doc_id: String,
    pub reason: String,
    pub kept_doc_id: Option<String>,
}

/// The tables' contents that the count and ledger checks use.
#[derive(Default)]
pub struct Tables {
    /// Every listed Parquet file was read whole.
    pub complete: bool,
    pub kept_rows: u64,
    pub kept_ids: HashSet<String>,
    pub duplicate_ids: Vec<String>,
    pub licenses: BTreeMap<String, u64>,
    pub ledger_path: Option<String>,
    pub ledger: Vec<LedgerEntry>,
    pub ledger_reasons: BTreeMap<String, u64>,
    /// The kept documents the attribution file's rows name.
    pub attribution_kept: Vec<String>,
    /// The commitments' leaves, when the manifest has commitments.
    pub leaves: Option<Leaves>,
    /// Band keys of kept texts, for the band commitment.
    pub band_keyer: Option<BandKeyer>,
    /// Redaction records by document: (offset, placeholder, record row).
    pub redactions: HashMap<String, Vec<(u64, String, u64)>>,
}

/// Content-hash mismatches listed per shard at most.
const MAX_LISTED: usize = 10;

/// Reads every present output; a file that cannot be read is a finding and
/// leaves the tables incomplete.
pub fn read(dir: &Path, manifest: &Manifest, present: &BTreeSet<usize>, report: &mut Report) -> Tables {
    let mut tables = Tables {
        complete: present.len() == manifest.outputs.len(),
        ..Tables::default()
    };
    if manifest.commitments.is_some() {
        match BandKeyer::new(&manifest.dedup) {
            Ok(keyer) => {
                tables.leaves = Some(Leaves::default());
                tables.band_keyer = Some(keyer);
            }
            Err(message) => report.add(
                "commitment-parameters-invalid",
                Some(crate::MANIFEST),
                format!("cannot recompute the band keys: {message}"),
            ),
        }
    }
    // Redaction records first: the data shards are checked against them.
    let (first, rest): (Vec<usize>, Vec<usize>) =
        present.iter().partition(|&&i| manifest.outputs[i].kind == "redactions");
    for i in first.into_iter().chain(rest) {
        let output = &manifest.outputs[i];
        let path = dir.join(&output.path);
        let result = contain(|| match output.kind.as_str() {
            "data" => read_data(&path, output, &mut tables, report),
            "ledger" => read_ledger(&path, output, &mut tables, report),
            "attribution" => read_attribution(&path, output, &mut tables, report),
            "redactions" => read_redactions(&path, output, &mut tables, report),
            "commitment-tree" => read_tree(&path, output, manifest, report),
            // The index: its row count (its rows are checked by every lookup).
            _ => batches(&path, output, &["key"], report).map(drop),
        })
        .unwrap_or_else(Err);
        if let Err(message) = result {
            report.add("file-unreadable", Some(&output.path), message);
            tables.complete = false;
        }
    }
    tables
}

/// Runs `read` over a file, with a panic as an error: a dataset under
/// check is untrusted input, and a corrupt file is a finding, not a crash.
pub(crate) use corpusledger_model::contain_decoder_panic as contain;

fn batches(
    path: &Path,
    output: &OutputEntry,
    columns: &[&str],
    report: &mut Report,
) -> Result<Vec<RecordBatch>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let rows = builder.metadata().file_metadata().num_rows() as u64;
    if rows != output.rows {
        report.add(
            "rows-mismatch",
            Some(&output.path),
            format!("{rows} rows, the manifest says {}", output.rows),
        );
    }
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot decode: {e}"))?;
    for column in columns {
        if batches.first().is_some_and(|b| b.column_by_name(column).is_none()) {
            return Err(format!("no `{column}` column: not a corpusledger file"));
        }
    }
    report.rows += rows;
    Ok(batches)
}

fn strings<'a>(batch: &'a RecordBatch, column: &str) -> Result<&'a arrow::array::StringArray, String> {
    batch
        .column_by_name(column)
        .and_then(|c| c.as_string_opt::<i32>())
        .ok_or_else(|| format!("column `{column}` is not text: not a corpusledger file"))
}

fn read_data(path: &Path, output: &OutputEntry, tables: &mut Tables, report: &mut Report) -> Result<(), String> {
    let footer = corpusledger_output::read_shard_provenance(path).map_err(|e| e.to_string())?;
    match (&footer, &output.provenance) {
        (None, _) => report.add(
            "shard-provenance-missing",
            Some(&output.path),
            "the shard's Parquet footer states no provenance",
        ),
        (Some(f), Some(m)) if f == m => {}
        (Some(_), _) => report.add(
            "shard-provenance-mismatch",
            Some(&output.path),
            "the provenance in the shard's footer differs from the manifest's",
        ),
    }
    let batches = batches(
        path,
        output,
        &["doc_id", "content", "content_sha256", "license"],
        report,
    )?;
    let mut bad = 0usize;
    let mut row = 0u64;
    for batch in &batches {
        let (ids, contents, hashes, licenses) = (
            strings(batch, "doc_id")?,
            strings(batch, "content")?,
            strings(batch, "content_sha256")?,
            strings(batch, "license")?,
        );
        for i in 0..batch.num_rows() {
            let id = ids.value(i);
            if !tables.kept_ids.insert(id.to_owned()) {
                tables.duplicate_ids.push(id.to_owned());
            }
            *tables.licenses.entry(licenses.value(i).to_owned()).or_default() += 1;
            let hash = corpusledger_manifest::merkle::to_hex(&Sha256::digest(contents.value(i).as_bytes()).into());
            if let (Some(leaves), Some(keyer)) = (tables.leaves.as_mut(), tables.band_keyer.as_ref()) {
                leaves.kept.extend(kept_leaf_from_hex(&hash, id, licenses.value(i)));
                leaves.add_band_keys(&keyer.keys(contents.value(i)));
            }
            if let Some(records) = tables.redactions.get(id) {
                let content = contents.value(i);
                for (offset, placeholder, record) in records {
                    let at = usize::try_from(*offset).unwrap_or(usize::MAX);
                    if content.get(at..at.saturating_add(placeholder.len())) != Some(placeholder.as_str()) {
                        report.add(
                            "redaction-missing",
                            Some(&output.path),
                            format!(
                                "row {row} (document {id}): redaction record {record} says `{placeholder}` at byte {offset}, the content has something else there"
                            ),
                        );
                    }
                }
            }
            if hashes.is_null(i) || hash != hashes.value(i) {
                bad += 1;
                if bad <= MAX_LISTED {
                    report.add(
                        "content-hash-mismatch",
                        Some(&output.path),
                        format!("row {row} (document {id}): content does not match its content_sha256"),
                    );
                }
            }
            row += 1;
        }
    }
    tables.kept_rows += row;
    Ok(())
}

fn read_redactions(path: &Path, output: &OutputEntry, tables: &mut Tables, report: &mut Report) -> Result<(), String> {
    use arrow::datatypes::UInt64Type;
    let batches = batches(path, output, &["doc_id", "offset", "placeholder"], report)?;
    let mut row = 0u64;
    for batch in &batches {
        let ids = strings(batch, "doc_id")?;
        let placeholders = strings(batch, "placeholder")?;
        let offsets = batch
            .column_by_name("offset")
            .and_then(|c| c.as_primitive_opt::<UInt64Type>())
            .ok_or("column `offset` is not an unsigned integer: not a corpusledger file")?;
        for i in 0..batch.num_rows() {
            tables.redactions.entry(ids.value(i).to_owned()).or_default().push((
                offsets.value(i),
                placeholders.value(i).to_owned(),
                row,
            ));
            row += 1;
        }
    }
    Ok(())
}

fn read_attribution(path: &Path, output: &OutputEntry, tables: &mut Tables, report: &mut Report) -> Result<(), String> {
    let batches = batches(path, output, &["kept_doc_id"], report)?;
    for batch in &batches {
        let kept = strings(batch, "kept_doc_id")?;
        tables
            .attribution_kept
            .extend((0..batch.num_rows()).map(|i| kept.value(i).to_owned()));
    }
    Ok(())
}

/// A commitment tree file: the tree its path names, with the manifest's
/// leaf count and root (its leaves are checked against the data through
/// the root, which the recomputed commitments must equal).
fn read_tree(path: &Path, output: &OutputEntry, manifest: &Manifest, report: &mut Report) -> Result<(), String> {
    let Some(commitments) = &manifest.commitments else {
        return Err("a commitment tree file, but the manifest has no commitments".into());
    };
    let tree = Tree::ALL
        .into_iter()
        .find(|&t| tree_path(t) == output.path)
        .ok_or("not a commitment tree file's path (commitments/kept.tree, removed.tree or bands.tree)")?;
    let commitment = commitments.get(tree);
    if output.rows != commitment.leaves {
        report.add(
            "commitment-mismatch",
            Some(&output.path),
            format!(
                "the manifest lists it with {} rows, but its commitment has {} leaves",
                output.rows, commitment.leaves
            ),
        );
        return Ok(());
    }
    let root = corpusledger_manifest::merkle::from_hex(&commitment.root).ok_or("the manifest's root is not hex")?;
    match TreeFile::open(path, tree, commitment.leaves, &root) {
        Ok(_) => Ok(()),
        Err(corpusledger_output::Error::Corrupt { what, .. }) => {
            report.add("commitment-mismatch", Some(&output.path), what);
            Ok(())
        }
        Err(err) => Err(err.to_string()),
    }
}

fn read_ledger(path: &Path, output: &OutputEntry, tables: &mut Tables, report: &mut Report) -> Result<(), String> {
    tables.ledger_path = Some(output.path.clone());
    let batches = batches(
        path,
        output,
        &["doc_id", "reason", "kept_doc_id", "content_sha256"],
        report,
    )?;
    for batch in &batches {
        let (ids, reasons, kept, hashes) = (
            strings(batch, "doc_id")?,
            strings(batch, "reason")?,
            strings(batch, "kept_doc_id")?,
            strings(batch, "content_sha256")?,
        );
        for i in 0..batch.num_rows() {
            let reason = reasons.value(i).to_owned();
            if let Some(leaves) = tables.leaves.as_mut().filter(|_| hashes.is_valid(i)) {
                let kept_id = kept.is_valid(i).then(|| kept.value(i));
                leaves
                    .removed
                    .extend(removed_leaf_from_hex(hashes.value(i), ids.value(i), kept_id, &reason));
            }
            *tables.ledger_reasons.entry(reason.clone()).or_default() += 1;
            tables.ledger.push(LedgerEntry {
                doc_id: ids.value(i).to_owned(),
                reason,
                kept_doc_id: kept.is_valid(i).then(|| kept.value(i).to_owned()),
            });
        }
    }
    Ok(())
}
