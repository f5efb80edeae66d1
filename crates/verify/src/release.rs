//! The release file of a partial release (`RELEASE.json`): which of the
//! manifest's files a release leaves out, and by which rule.
//!
//! A partial release (`corpusledger release`) copies whole files, so every
//! file it carries still has the manifest's SHA-256 and the Merkle root
//! still checks from the manifest's leaves. [`declared`] reads the release
//! file beside a manifest and returns the outputs it validly declares
//! withheld; `verify` reports those as `file-withheld`, a note that does not
//! make the dataset invalid.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use corpusledger_manifest::Manifest;
pub use corpusledger_manifest::release::{RELEASE_FILE, ReleaseFile, read};

use crate::{MANIFEST, Report};

/// Reads `DIR/RELEASE.json` when there is one and checks it against the
/// manifest; returns, by output index, the files it validly declares
/// withheld with a one-line reason. Problems with the release file are
/// findings (`release-malformed`, `release-manifest-mismatch`,
/// `release-file-unlisted`, `release-file-mismatch`); a file they concern is
/// not treated as withheld.
pub fn declared(dir: &Path, manifest: &Manifest, report: &mut Report) -> BTreeMap<usize, String> {
    let mut withheld = BTreeMap::new();
    let path = dir.join(RELEASE_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return withheld;
    }
    let file = Some(RELEASE_FILE);
    let release = match read(&path) {
        Ok(release) => release,
        Err(message) => {
            report.add("release-malformed", file, message);
            return withheld;
        }
    };
    if !manifest_matches(dir, &release) || release.merkle_root != manifest.merkle.root {
        report.add(
            "release-manifest-mismatch",
            file,
            "written for another manifest.json (its `manifest-sha256` or `merkle-root` differs); make the release \
             again from the dataset",
        );
        return withheld;
    }
    let by_path: BTreeMap<&str, usize> = manifest
        .outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.path.as_str(), i))
        .collect();
    let mut seen = BTreeSet::new();
    for entry in &release.withheld {
        let Some(&i) = by_path.get(entry.path.as_str()) else {
            report.add(
                "release-file-unlisted",
                file,
                format!("declares {} withheld, but the manifest lists no such file", entry.path),
            );
            continue;
        };
        let output = &manifest.outputs[i];
        if (output.sha256.as_str(), output.bytes) != (entry.sha256.as_str(), entry.bytes) || !seen.insert(i) {
            report.add(
                "release-file-mismatch",
                file,
                format!(
                    "declares {} withheld with SHA-256 {} and {} bytes, or twice; the manifest lists {} and {} bytes",
                    entry.path, entry.sha256, entry.bytes, output.sha256, output.bytes
                ),
            );
            continue;
        }
        let rules: Vec<&str> = entry.because.iter().map(|b| b.rule.as_str()).collect();
        withheld.insert(i, format!("withheld by {}", rules.join(", ")));
    }
    withheld
}

fn manifest_matches(dir: &Path, release: &ReleaseFile) -> bool {
    corpusledger_output::sha256_file(&dir.join(MANIFEST)).is_ok_and(|(_, hash)| hash == release.manifest_sha256)
}
