//! The release file of a partial release, `RELEASE.json`: which of the
//! manifest's files a release leaves out, and by which rule.
//!
//! `corpusledger release` writes it (crate `corpusledger-release`);
//! `verify` reads it and checks it against the manifest, which stays the one
//! signed statement of the whole dataset (see `docs/manifest.md`, "Partial
//! releases"). The release file itself is not signed: it can only turn an
//! absent file into a declared one, never change a hash.

use std::path::Path;

use serde::{Deserialize, Serialize};

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

/// Parses a release file; the error says what is wrong with it.
pub fn read(path: &Path) -> Result<ReleaseFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    parse(&bytes)
}

/// Parses release-file bytes; the error says what is wrong with them.
pub fn parse(bytes: &[u8]) -> Result<ReleaseFile, String> {
    let release: ReleaseFile =
        serde_json::from_slice(bytes).map_err(|e| format!("not a corpusledger release file: {e}"))?;
    if release.format != FORMAT || release.version != VERSION {
        return Err(format!(
            "format {:?} version {}, this corpusledger reads {FORMAT:?} version {VERSION}",
            release.format, release.version
        ));
    }
    Ok(release)
}
