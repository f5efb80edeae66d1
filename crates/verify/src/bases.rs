//! `verify --base DIR`: a delta release against the published datasets it
//! was deduplicated against (`run --base`).
//!
//! Each base given must be one the manifest names, by the SHA-256 of its
//! manifest (`base-mismatch`). Every ledger row removed in favour of a
//! document outside this dataset must name a document that one of the given
//! bases keeps (`ledger-kept-missing`). Bases the manifest names but that
//! were not given are a `checks-skipped` note.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use corpusledger_manifest::Manifest;
use sha2::{Digest, Sha256};

use crate::previous::columns;
use crate::{Error, MANIFEST, Report};

/// Checks the dataset in `dir` (with `manifest`) against the bases in `bases`.
pub fn check(dir: &Path, manifest: &Manifest, bases: &[PathBuf], report: &mut Report) -> Result<(), Error> {
    let m = Some(MANIFEST);
    let mut kept_in_bases: BTreeSet<String> = BTreeSet::new();
    let mut given = BTreeSet::new();
    for base in bases {
        let path = base.join(MANIFEST);
        let bytes = std::fs::read(&path).map_err(|source| corpusledger_manifest::Error::Io {
            path: path.clone(),
            source,
        })?;
        let base_manifest = Manifest::from_slice(&path, &bytes)?;
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if !manifest.bases.iter().any(|b| b.manifest_sha256 == digest) {
            report.add(
                "base-mismatch",
                m,
                format!(
                    "{} (manifest SHA-256 {digest}) is not a base this dataset names",
                    base.display()
                ),
            );
            continue;
        }
        given.insert(digest);
        for output in base_manifest.outputs.iter().filter(|o| o.kind == "data") {
            match columns(&base.join(&output.path), &["doc_id"]) {
                Ok(rows) => kept_in_bases.extend(rows.into_iter().map(|mut r| r.remove(0))),
                Err(why) => report.add("base-mismatch", m, format!("cannot read the base's shard: {why}")),
            }
        }
    }
    for missing in manifest.bases.iter().filter(|b| !given.contains(&b.manifest_sha256)) {
        report.add(
            "checks-skipped",
            m,
            format!(
                "base {} (manifest SHA-256 {}) was not given: the duplicates of its documents were not checked",
                missing.path, missing.manifest_sha256
            ),
        );
    }
    let mut kept = BTreeSet::new();
    let mut ledger = Vec::new();
    for output in &manifest.outputs {
        let path = dir.join(&output.path);
        let read = match output.kind.as_str() {
            "data" => columns(&path, &["doc_id"]).map(|rows| kept.extend(rows.into_iter().map(|mut r| r.remove(0)))),
            "ledger" => columns(&path, &["doc_id", "reason", "kept_doc_id"]).map(|rows| ledger = rows),
            _ => Ok(()),
        };
        if let Err(why) = read {
            report.add("file-unreadable", Some(&output.path), why);
            return Ok(());
        }
    }
    let opted_out: BTreeSet<&str> = ledger
        .iter()
        .filter(|r| r[1] == "opted-out")
        .map(|r| r[0].as_str())
        .collect();
    if given.len() < manifest.bases.len() {
        return Ok(()); // Each base not given is a note above.
    }
    // Every base is given: the note that they were not checked goes.
    report
        .findings
        .retain(|f| !(f.code == "checks-skipped" && f.message.contains("`verify --base DIR`")));
    let mut missing = 0usize;
    for row in ledger
        .iter()
        .filter(|r| r[1].ends_with("-duplicate") && !r[2].is_empty())
    {
        let target = row[2].as_str();
        if kept.contains(target) || opted_out.contains(target) || kept_in_bases.contains(target) {
            continue;
        }
        missing += 1;
        if missing <= 20 {
            report.add(
                "ledger-kept-missing",
                Some("removed.parquet"),
                format!(
                    "document {} was removed in favour of {target}, which neither this dataset nor any base given keeps",
                    row[0]
                ),
            );
        }
    }
    Ok(())
}
