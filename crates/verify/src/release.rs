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
use serde::{Deserialize, Serialize};

use crate::{MANIFEST, Report};

/// The release file's name in a release directory.
pub const RELEASE_FILE: &str = "RELEASE.json";

/// The release file's `format`.
pub const FORMAT: &str = "corpusledger-release";

/// The release file's `version`.
pub const VERSION: u32 = 1;

/// A release file: the manifest it belongs to, the rules as given and each
/// withheld file. Written as canonical JSON (keys sorted, two-space
/// indentation), `withheld` sorted by path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReleaseFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// SHA-256 of the `manifest.json` bytes the release carries.
    pub manifest_sha256: String,
    /// That manifest's Merkle root.
    pub merkle_root: String,
    /// The `--withhold` rules, in the order given.
    pub rules: Vec<String>,
    /// Every withheld file, sorted by path.
    pub withheld: Vec<Withheld>,
}

/// One withheld file, as the manifest lists it, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Withheld {
    /// The path, as in the manifest's `outputs`.
    pub path: String,
    /// The manifest's `kind`.
    pub kind: String,
    /// The manifest's `rows`.
    pub rows: u64,
    /// The manifest's `bytes`.
    pub bytes: u64,
    /// The manifest's `sha256`.
    pub sha256: String,
    /// Each rule that withholds it, in the order given.
    pub because: Vec<Because>,
}

/// One rule that withholds a file, and what in the file it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Because {
    /// The rule as given (`license:copyleft`).
    pub rule: String,
    /// What it matched, sorted: license expressions, repositories or the path.
    pub matched: Vec<String>,
}

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
    if !manifest_matches(dir, &release) {
        report.add(
            "release-manifest-mismatch",
            file,
            "written for another manifest.json (its `manifest-sha256` differs); make the release again from the dataset",
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

/// Parses a release file; the error says what is wrong with it.
pub fn read(path: &Path) -> Result<ReleaseFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let release: ReleaseFile =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a corpusledger release file: {e}"))?;
    if release.format != FORMAT || release.version != VERSION {
        return Err(format!(
            "format {:?} version {}, this corpusledger reads {FORMAT:?} version {VERSION}",
            release.format, release.version
        ));
    }
    Ok(release)
}

fn manifest_matches(dir: &Path, release: &ReleaseFile) -> bool {
    corpusledger_output::sha256_file(&dir.join(MANIFEST)).is_ok_and(|(_, hash)| hash == release.manifest_sha256)
}
