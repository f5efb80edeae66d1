//! Checks of files, the Merkle root, the counts and the ledger.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use corpusledger_manifest::{Manifest, Merkle, merkle};

use crate::tables::Tables;
use crate::{DERIVED_FILES, MANIFEST, Report};

/// Checks presence, type, size and hash of every listed file, and that no
/// other file is present; returns the indices of outputs that are regular
/// files (readable further, even when their hash differs). A file in
/// `withheld` (index -> why) must be absent: a note, not a failure.
pub fn files(
    dir: &Path,
    manifest: &Manifest,
    withheld: &BTreeMap<usize, String>,
    report: &mut Report,
) -> BTreeSet<usize> {
    let mut present = BTreeSet::new();
    for (i, output) in manifest.outputs.iter().enumerate() {
        let path = dir.join(&output.path);
        let file = Some(output.path.as_str());
        let meta = match (std::fs::symlink_metadata(&path), withheld.get(&i)) {
            (Err(err), Some(why)) if err.kind() == std::io::ErrorKind::NotFound => {
                report.add("file-withheld", file, why.clone());
                continue;
            }
            (Ok(_), Some(_)) => {
                report.add(
                    "release-file-present",
                    file,
                    format!("{} declares it withheld, but it is here", crate::release::RELEASE_FILE),
                );
                continue;
            }
            (Ok(meta), None) => meta,
            (Err(err), None) if err.kind() == std::io::ErrorKind::NotFound => {
                report.add(
                    "file-missing",
                    file,
                    "listed in the manifest but not in the dataset directory",
                );
                continue;
            }
            (Err(err), _) => {
                report.add("file-unreadable", file, format!("cannot read: {err}"));
                continue;
            }
        };
        if !meta.is_file() {
            report.add(
                "file-not-regular",
                file,
                "not a regular file (a symlink or directory): not followed",
            );
            continue;
        }
        report.files += 1;
        if meta.len() != output.bytes {
            report.add(
                "file-size-mismatch",
                file,
                format!("{} bytes, the manifest says {}", meta.len(), output.bytes),
            );
        }
        match corpusledger_output::sha256_file(&path) {
            Ok((_, hash)) => {
                report.bytes += meta.len();
                if hash != output.sha256 {
                    report.add(
                        "file-hash-mismatch",
                        file,
                        format!("SHA-256 {hash}, the manifest says {}", output.sha256),
                    );
                }
                present.insert(i);
            }
            Err(err) => report.add("file-unreadable", file, format!("cannot read: {err}")),
        }
    }
    let listed: HashSet<&str> = manifest
        .outputs
        .iter()
        .map(|o| o.path.as_str())
        .chain(DERIVED_FILES.iter().copied())
        .collect();
    let mut extra = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
    {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !listed.contains(rel.as_str()) {
            extra.push(rel);
        }
    }
    for rel in extra {
        report.add(
            "file-unexpected",
            Some(&rel),
            "in the dataset directory but not listed in the manifest",
        );
    }
    present
}

/// Says which checks a partial release leaves out: those that need every
/// file (they are skipped whenever one is absent).
pub fn skipped(manifest: &Manifest, withheld: &BTreeMap<usize, String>, report: &mut Report) {
    if withheld.is_empty() {
        return;
    }
    // The commitments are recomputed from every kept and removed document,
    // so a release that withholds any file cannot recompute them (proofs
    // against them still check from the manifest alone, with `check-proof`).
    let commitments = if manifest.commitments.is_some() {
        ", and the document-level commitments were not recomputed"
    } else {
        ""
    };
    report.add(
        "checks-skipped",
        None,
        format!(
            "{} file(s) withheld: the data shards' rows against counts.kept, the ledger against the counts, \
             the license histogram, and the ledger and attribution against the kept documents were not \
             checked{commitments}",
            withheld.len()
        ),
    );
}

/// Recomputes the Merkle root over the listed files.
pub fn merkle(manifest: &Manifest, report: &mut Report) {
    let stated = &manifest.merkle;
    if stated.construction != merkle::CONSTRUCTION {
        report.add(
            "merkle-construction-unknown",
            Some(crate::MANIFEST),
            "the Merkle construction is not the one this corpusledger computes",
        );
        return;
    }
    let Some(recomputed) = Merkle::over(&manifest.outputs) else {
        report.add(
            "outputs-unsorted",
            Some(crate::MANIFEST),
            "outputs are not sorted by path with distinct paths and 64-hex-digit SHA-256 values",
        );
        return;
    };
    if recomputed.leaves != stated.leaves {
        report.add(
            "merkle-leaves-mismatch",
            Some(crate::MANIFEST),
            format!(
                "{} outputs, the manifest says {} leaves",
                recomputed.leaves, stated.leaves
            ),
        );
    }
    if recomputed.root != stated.root {
        report.add(
            "merkle-root-mismatch",
            Some(crate::MANIFEST),
            format!(
                "root over the listed files is {}, the manifest says {}",
                recomputed.root, stated.root
            ),
        );
    }
}

/// The count identities, within the manifest and against the tables.
pub fn counts(manifest: &Manifest, tables: &Tables, report: &mut Report) {
    let counts = &manifest.counts;
    let m = Some(crate::MANIFEST);
    if let Err(err) = counts.check() {
        report.add("counts-identity", m, err.to_string());
    }
    let inputs: u64 = manifest.inputs.iter().map(|i| i.documents).sum();
    if inputs != counts.documents {
        report.add(
            "counts-inputs-mismatch",
            m,
            format!(
                "the inputs hold {inputs} documents, counts.documents is {}",
                counts.documents
            ),
        );
    }
    if !tables.complete {
        return;
    }
    if tables.kept_rows != counts.kept {
        report.add(
            "counts-kept-mismatch",
            m,
            format!(
                "the data shards hold {} rows, counts.kept is {}",
                tables.kept_rows, counts.kept
            ),
        );
    }
    let mut stated: BTreeMap<&str, u64> = BTreeMap::new();
    for (reason, n) in counts.removed.iter().chain(&counts.rejected) {
        if *n > 0 {
            *stated.entry(reason).or_default() += n;
        }
    }
    let found: BTreeMap<&str, u64> = tables.ledger_reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    if stated != found {
        report.add(
            "counts-ledger-mismatch",
            m,
            format!("the ledger holds {found:?} by reason, the manifest says {stated:?}"),
        );
    }
    if tables.licenses != manifest.licenses {
        report.add(
            "licenses-mismatch",
            m,
            "the kept rows' concluded licenses do not give the manifest's `licenses` histogram",
        );
    }
}

/// The attribution file against the manifest and the data shards: its rows
/// are the manifest's, and every row names a kept document.
pub fn attribution(manifest: &Manifest, tables: &Tables, report: &mut Report) {
    // From the manifest, not from what was read: a withheld or unreadable
    // attribution file is still listed.
    let listed = manifest
        .outputs
        .iter()
        .find(|o| o.kind == "attribution")
        .map(|o| o.path.as_str());
    match (&manifest.attribution, listed) {
        (None, None) => return,
        (Some(stated), Some(path)) if stated.file != path => report.add(
            "attribution-file-mismatch",
            Some(MANIFEST),
            format!("`attribution.file` is {}, the outputs list {path}", stated.file),
        ),
        (Some(stated), Some(path)) if stated.rows != tables.attribution_kept.len() as u64 && tables.complete => report
            .add(
                "attribution-rows-mismatch",
                Some(path),
                format!(
                    "{} rows, `attribution.rows` says {}",
                    tables.attribution_kept.len(),
                    stated.rows
                ),
            ),
        (Some(_), None) => report.add(
            "attribution-file-mismatch",
            Some(MANIFEST),
            "the manifest states attribution but lists no output of kind `attribution`",
        ),
        (None, Some(path)) => report.add(
            "attribution-file-mismatch",
            Some(path),
            "an output of kind `attribution` is listed but the manifest states no `attribution`",
        ),
        _ => {}
    }
    if !tables.complete {
        return;
    }
    let missing: BTreeSet<&str> = tables
        .attribution_kept
        .iter()
        .filter(|id| !tables.kept_ids.contains(*id))
        .map(String::as_str)
        .collect();
    for id in missing.iter().take(20) {
        report.add(
            "attribution-kept-missing",
            listed,
            format!("a row credits kept document {id}, which is not in the data shards"),
        );
    }
}

/// The ledger against the data shards. With `bases` (a delta release), a
/// duplicate may name a kept document of a base dataset: those are
/// returned (kept document id -> duplicates), for `verify --base`.
pub fn ledger(tables: &Tables, bases: bool, report: &mut Report) -> BTreeMap<String, u64> {
    let mut external = BTreeMap::new();
    if !tables.complete {
        return external;
    }
    let ledger_file = tables.ledger_path.as_deref();
    let mut seen = HashSet::with_capacity(tables.ledger.len());
    let mut listed = 0usize;
    const MAX_LISTED: usize = 20;
    let mut add = |report: &mut Report, code: &'static str, message: String| {
        listed += 1;
        if listed <= MAX_LISTED {
            report.add(code, ledger_file, message);
        } else if listed == MAX_LISTED + 1 {
            report.add(code, ledger_file, "more ledger findings left out");
        }
    };
    for duplicate in &tables.duplicate_ids {
        add(
            report,
            "doc-id-duplicate",
            format!("document {duplicate} is in the data shards more than once"),
        );
    }
    // An amendment (`corpusledger amend`) keeps out the copies removed in
    // favour of a document it opted out: their kept document is then in the
    // ledger as `opted-out`.
    let opted_out: HashSet<&str> = tables
        .ledger
        .iter()
        .filter(|row| row.reason == "opted-out")
        .map(|row| row.doc_id.as_str())
        .collect();
    for row in &tables.ledger {
        if !seen.insert(row.doc_id.as_str()) {
            add(
                report,
                "doc-id-duplicate",
                format!("document {} is in the ledger more than once", row.doc_id),
            );
        }
        if tables.kept_ids.contains(&row.doc_id) {
            add(
                report,
                "doc-kept-and-removed",
                format!(
                    "document {} is both kept and in the ledger ({})",
                    row.doc_id, row.reason
                ),
            );
        }
        if row.reason.ends_with("-duplicate") {
            match &row.kept_doc_id {
                Some(kept) if tables.kept_ids.contains(kept) || opted_out.contains(kept.as_str()) => {}
                Some(kept) if bases => *external.entry(kept.clone()).or_default() += 1,
                Some(kept) => add(
                    report,
                    "ledger-kept-missing",
                    format!(
                        "document {} was removed in favour of {kept}, which is not kept",
                        row.doc_id
                    ),
                ),
                None => add(
                    report,
                    "ledger-kept-missing",
                    format!("duplicate {} names no kept document", row.doc_id),
                ),
            }
        }
    }
    external
}
