//! `verify --previous`: a version against the one it was made from.
//!
//! The link first: the previous manifest's SHA-256 and Merkle root must be
//! the ones the new manifest's `previous` names (`previous-missing`,
//! `previous-sha256-mismatch`, `previous-root-mismatch`). Then, for an
//! amended version (`corpusledger amend`), that it differs from its
//! predecessor only by what its `amendments` say:
//!
//! - the configuration, dedup parameters and inputs are the same
//!   (`amendment-parameters-changed`);
//! - every data shard the amendment does not list is the previous file,
//!   byte for byte, and each listed one had the stated rows and SHA-256 and
//!   lost the stated rows (`amendment-shard-changed`);
//! - the counts moved by exactly the removed documents, all to `opted-out`,
//!   and the lists' matches add up to them (`amendment-counts-mismatch`);
//! - when the previous manifest's directory holds its data shards and
//!   ledger: the documents kept before and not now are exactly the new
//!   ledger's `opted-out` rows that the old ledger lacks, nothing new is
//!   kept, and every old ledger row is still there with its reason
//!   (`amendment-documents-mismatch`). Otherwise a `checks-skipped` note.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use corpusledger_manifest::Manifest;
use sha2::{Digest, Sha256};

use crate::{Error, MANIFEST, Report};

/// Checks `manifest` (of the dataset in `dir`) against the previous
/// manifest at `previous`. An error only when that file cannot be used.
pub fn check(dir: &Path, manifest: &Manifest, previous: &Path, report: &mut Report) -> Result<(), Error> {
    let bytes = std::fs::read(previous).map_err(|source| corpusledger_manifest::Error::Io {
        path: previous.to_owned(),
        source,
    })?;
    let old = Manifest::from_slice(previous, &bytes)?;
    let m = Some(MANIFEST);
    let Some(link) = &manifest.previous else {
        report.add(
            "previous-missing",
            m,
            "the manifest names no previous version (only `amend` links versions)",
        );
        return Ok(());
    };
    let digest = corpusledger_manifest::merkle::to_hex(&Sha256::digest(&bytes).into());
    if digest != link.manifest_sha256 {
        report.add(
            "previous-sha256-mismatch",
            m,
            format!(
                "{} has SHA-256 {digest}, the manifest's previous version has {}",
                previous.display(),
                link.manifest_sha256
            ),
        );
        return Ok(());
    }
    if old.merkle.root != link.merkle_root {
        report.add(
            "previous-root-mismatch",
            m,
            format!(
                "the previous manifest's Merkle root is {}, the link says {}",
                old.merkle.root, link.merkle_root
            ),
        );
    }
    if let Some(amendments) = &manifest.amendments {
        amended(manifest, &old, amendments, report);
        let old_dir = previous.parent().unwrap_or(Path::new("."));
        documents(dir, manifest, old_dir, &old, report);
    }
    Ok(())
}

fn amended(manifest: &Manifest, old: &Manifest, amendments: &corpusledger_manifest::Amendments, report: &mut Report) {
    let m = Some(MANIFEST);
    for (name, equal) in [
        ("config", manifest.config == old.config),
        ("dedup", manifest.dedup == old.dedup),
        ("inputs", manifest.inputs == old.inputs),
    ] {
        if !equal {
            report.add(
                "amendment-parameters-changed",
                m,
                format!("`{name}` differs from the previous version's; an amendment changes only what it removes"),
            );
        }
    }
    let data = |m: &Manifest| -> BTreeMap<String, (u64, String)> {
        m.outputs
            .iter()
            .filter(|o| o.kind == "data")
            .map(|o| (o.path.clone(), (o.rows, o.sha256.clone())))
            .collect()
    };
    let (before, after) = (data(old), data(manifest));
    if before.keys().ne(after.keys()) {
        report.add(
            "amendment-shard-changed",
            m,
            "the data shards are not the previous version's files by name",
        );
    }
    let listed: BTreeMap<&str, &corpusledger_manifest::AmendedShard> =
        amendments.shards.iter().map(|s| (s.path.as_str(), s)).collect();
    for (path, (rows, sha256)) in &after {
        let Some((old_rows, old_sha)) = before.get(path) else {
            continue;
        };
        match listed.get(path.as_str()) {
            None if sha256 != old_sha => report.add(
                "amendment-shard-changed",
                Some(path),
                "not listed as amended, but not the previous version's file",
            ),
            Some(shard)
                if shard.rows_before != *old_rows
                    || shard.sha256_before != *old_sha
                    || *rows + shard.removed != shard.rows_before =>
            {
                report.add(
                    "amendment-shard-changed",
                    Some(path),
                    format!(
                        "listed as {} rows (SHA-256 {}) less {}, but the previous version has {old_rows} rows (SHA-256 {old_sha}) and this one {rows}",
                        shard.rows_before, shard.sha256_before, shard.removed
                    ),
                )
            }
            _ => {}
        }
    }
    let (new, was) = (&manifest.counts, &old.counts);
    let removed = amendments.removed;
    let opted = |c: &corpusledger_manifest::Counts| c.removed.get("opted-out").copied().unwrap_or(0);
    let others = |c: &corpusledger_manifest::Counts| -> BTreeMap<String, u64> {
        c.removed
            .iter()
            .filter(|(k, _)| k.as_str() != "opted-out")
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    };
    let matched: u64 = amendments.opt_out.iter().map(|l| l.matched).sum();
    let shard_removed: u64 = amendments.shards.iter().map(|s| s.removed).sum();
    if new.documents != was.documents
        || new.kept + removed != was.kept
        || opted(new) != opted(was) + removed
        || others(new) != others(was)
        || new.rejected != was.rejected
        || matched != removed
        || shard_removed != removed
    {
        report.add(
            "amendment-counts-mismatch",
            m,
            format!(
                "the amendment removed {removed} (lists matched {matched}, shards lost {shard_removed}); kept went {} -> {}, opted-out {} -> {}, documents {} -> {}",
                was.kept,
                new.kept,
                opted(was),
                opted(new),
                was.documents,
                new.documents
            ),
        );
    }
}

/// The documents themselves, when the previous version's files are there.
fn documents(dir: &Path, manifest: &Manifest, old_dir: &Path, old: &Manifest, report: &mut Report) {
    let read = |dir: &Path, m: &Manifest| -> Result<(BTreeSet<String>, BTreeMap<String, String>), String> {
        let mut kept = BTreeSet::new();
        let mut ledger = BTreeMap::new();
        for output in &m.outputs {
            let path = dir.join(&output.path);
            match output.kind.as_str() {
                "data" => kept.extend(columns(&path, &["doc_id"])?.into_iter().map(|mut r| r.remove(0))),
                "ledger" => ledger.extend(columns(&path, &["doc_id", "reason"])?.into_iter().map(|mut r| {
                    let reason = r.remove(1);
                    (r.remove(0), reason)
                })),
                _ => {}
            }
        }
        Ok((kept, ledger))
    };
    let old_side = match read(old_dir, old) {
        Ok(side) => side,
        Err(why) => {
            report.add(
                "checks-skipped",
                None,
                format!(
                    "the previous version's documents were not compared: {} does not hold its data shards and ledger ({why})",
                    old_dir.display()
                ),
            );
            return;
        }
    };
    let new_side = match read(dir, manifest) {
        Ok(side) => side,
        Err(why) => {
            report.add("amendment-documents-mismatch", None, format!("cannot read: {why}"));
            return;
        }
    };
    let ((old_kept, old_ledger), (new_kept, new_ledger)) = (old_side, new_side);
    let gone: BTreeSet<&String> = old_kept.difference(&new_kept).collect();
    let added: Vec<&String> = new_kept.difference(&old_kept).collect();
    let opted: BTreeSet<&String> = new_ledger
        .iter()
        .filter(|(id, reason)| reason.as_str() == "opted-out" && !old_ledger.contains_key(*id))
        .map(|(id, _)| id)
        .collect();
    let mut problems = Vec::new();
    if !added.is_empty() {
        problems.push(format!(
            "{} document(s) kept now but not before, e.g. {}",
            added.len(),
            added[0]
        ));
    }
    if gone != opted {
        problems.push(format!(
            "{} document(s) are no longer kept, but the ledger has {} new opted-out row(s)",
            gone.len(),
            opted.len()
        ));
    }
    let changed = old_ledger
        .iter()
        .filter(|(id, reason)| new_ledger.get(*id) != Some(reason))
        .count();
    if changed > 0 {
        problems.push(format!(
            "{changed} row(s) of the previous ledger are missing or have another reason"
        ));
    }
    if new_ledger.len() != old_ledger.len() + opted.len() {
        problems.push(format!(
            "the ledger grew from {} to {} rows, but only {} are new opt-outs",
            old_ledger.len(),
            new_ledger.len(),
            opted.len()
        ));
    }
    for problem in problems {
        report.add("amendment-documents-mismatch", None, problem);
    }
}

/// Every row of the named text columns of a Parquet file (null as empty).
pub(crate) fn columns(path: &Path, names: &[&str]) -> Result<Vec<Vec<String>>, String> {
    let rows = corpusledger_output::read_text_columns(path, names, None).map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect())
}
