//! `verify --base DIR`: a delta release against the published datasets it
//! was deduplicated against (`run --base`).
//!
//! Each base given must be one the manifest names, by the SHA-256 of its
//! manifest (`base-mismatch`). Every ledger row removed in favour of a
//! document outside this dataset must name a document that one of the given
//! bases keeps (`ledger-kept-missing`). Bases the manifest names but that
//! were not given are a `checks-skipped` note.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use corpusledger_manifest::Manifest;
use sha2::{Digest, Sha256};

use crate::previous::columns;
use crate::{Error, MANIFEST, Report};

/// Checks `manifest`'s duplicates that point outside its dataset
/// (`external`: kept document id -> duplicates, from the ledger check)
/// against the bases in `bases`.
pub(crate) fn check(
    manifest: &Manifest,
    bases: &[PathBuf],
    external: &BTreeMap<String, u64>,
    report: &mut Report,
) -> Result<(), Error> {
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
        let digest = corpusledger_manifest::merkle::to_hex(&Sha256::digest(&bytes).into());
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
    let missing: Vec<_> = manifest
        .bases
        .iter()
        .filter(|b| !given.contains(&b.manifest_sha256))
        .collect();
    if !missing.is_empty() {
        if !external.is_empty() {
            report.add(
                "checks-skipped",
                m,
                format!(
                    "{} duplicate(s) were removed in favour of {} kept document(s) of the base datasets; `verify --base DIR` checks those against each base",
                    external.values().sum::<u64>(),
                    external.len()
                ),
            );
        }
        if !bases.is_empty() {
            for base in &missing {
                report.add(
                    "checks-skipped",
                    m,
                    format!(
                        "base {} (manifest SHA-256 {}) was not given: the duplicates of its documents were not checked",
                        base.path, base.manifest_sha256
                    ),
                );
            }
        }
        return Ok(());
    }
    let mut listed = 0usize;
    for (target, duplicates) in external.iter().filter(|(id, _)| !kept_in_bases.contains(*id)) {
        listed += 1;
        if listed <= 20 {
            report.add(
                "ledger-kept-missing",
                Some("removed.parquet"),
                format!(
                    "{duplicates} duplicate(s) were removed in favour of {target}, which neither this dataset nor any base given keeps"
                ),
            );
        }
    }
    Ok(())
}
