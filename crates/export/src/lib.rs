//! Exports of the disclosure manifest in the field's formats: a Croissant
//! 1.1 description with Responsible-AI fields ([`croissant`]), an SPDX 2.3
//! SBOM ([`spdx()`]) and a CycloneDX 1.6 SBOM ([`cyclonedx`]).
//!
//! Each is a pure function of a [`Manifest`] (the SBOMs also take their
//! creation time) returning a JSON value; serialise it with
//! [`corpusledger_manifest::canonical::to_vec`] for stable bytes. Document
//! ids derive from the manifest's Merkle root ([`document_namespace`],
//! [`serial_number`]), so call [`check`] first: it refuses a manifest whose
//! root does not match its outputs. What the manifest does not know (the
//! dataset's name, URL, creator, intended uses) is left for a human, marked
//! `To be completed by the dataset's publisher`.
//!
//! ```
//! # let bytes = include_bytes!("../../../tests/golden/sample-manifest.json");
//! # let manifest = corpusledger_manifest::Manifest::from_slice("m.json".as_ref(), bytes).unwrap();
//! use corpusledger_export::{Format, check, utc_timestamp};
//! check(&manifest).unwrap();
//! let created = utc_timestamp(1_700_000_000);
//! for format in Format::ALL {
//!     let value = format.render(&manifest, &created);
//!     let bytes = corpusledger_manifest::canonical::to_vec(&value).unwrap();
//!     assert!(!bytes.is_empty(), "{}", format.file_name());
//! }
//! ```
#![deny(missing_docs)]

mod croissant;
mod cyclonedx;
mod facts;
mod ids;
mod license;
mod spdx_json;
mod time;

use corpusledger_manifest::release::ReleaseFile;
use corpusledger_manifest::{Manifest, Merkle};
use serde_json::Value;

pub use ids::{document_namespace, serial_number};
pub use time::utc_timestamp;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The Merkle root does not match the outputs it is said to cover.
    #[error(
        "the manifest's merkle root {recorded} does not match its outputs ({computed}): the manifest was edited or damaged; run `corpusledger run` again to write a new one"
    )]
    MerkleRoot {
        /// The root the manifest records.
        recorded: String,
        /// The root over its outputs, or why there is none.
        computed: String,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that the manifest's Merkle root is the root over its outputs: the
/// exports name the dataset by it.
pub fn check(manifest: &Manifest) -> Result<()> {
    let computed = match Merkle::over(&manifest.outputs) {
        Some(merkle) if merkle.root == manifest.merkle.root => return Ok(()),
        Some(merkle) => merkle.root,
        None => "outputs not sorted by path, or a hash that is not 64 hex digits".to_owned(),
    };
    Err(Error::MerkleRoot {
        recorded: manifest.merkle.root.clone(),
        computed,
    })
}

/// Croissant 1.1 JSON-LD: a `FileObject` per output file (with SHA-256), a
/// `RecordSet` of the data shards' columns (`documents`) and one of the
/// ledger's (`removed`), the concluded licenses, and the Responsible-AI
/// fields.
pub fn croissant(manifest: &Manifest) -> Value {
    croissant::croissant(manifest, None)
}

/// SPDX 2.3 JSON: a package for the dataset, one per output file (with
/// SHA-256) and one per input, with DESCRIBES, CONTAINS and GENERATED_FROM
/// relationships. `created` is the document's creation time,
/// `YYYY-MM-DDThh:mm:ssZ` (see [`utc_timestamp`]).
pub fn spdx(manifest: &Manifest, created: &str) -> Value {
    spdx_json::spdx(manifest, None, created)
}

/// CycloneDX 1.6 JSON: the dataset as `metadata.component` with its license
/// expression, counts and inputs (pedigree), and a `data` component per
/// output file with its SHA-256. `created` is `metadata.timestamp`,
/// `YYYY-MM-DDThh:mm:ssZ` (see [`utc_timestamp`]).
pub fn cyclonedx(manifest: &Manifest, created: &str) -> Value {
    cyclonedx::cyclonedx(manifest, None, created)
}

/// One export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// [`croissant`], written to `croissant.json`.
    Croissant,
    /// [`spdx()`], written to `sbom.spdx.json`.
    Spdx,
    /// [`cyclonedx`], written to `sbom.cdx.json`.
    CycloneDx,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Croissant, Format::Spdx, Format::CycloneDx];

    /// The file name of this export in the dataset directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Croissant => "croissant.json",
            Format::Spdx => "sbom.spdx.json",
            Format::CycloneDx => "sbom.cdx.json",
        }
    }

    /// This export of `manifest`; `created` is used by the SBOMs.
    pub fn render(self, manifest: &Manifest, created: &str) -> Value {
        self.render_release(manifest, None, created)
    }

    /// This export of `manifest` as a partial release carries it: with
    /// `release`, the dataset's description says what is withheld and
    /// why, and each withheld file says which rules withheld it (its hash
    /// stays listed: the manifest still commits to it).
    pub fn render_release(self, manifest: &Manifest, release: Option<&ReleaseFile>, created: &str) -> Value {
        match self {
            Format::Croissant => croissant::croissant(manifest, release),
            Format::Spdx => spdx_json::spdx(manifest, release, created),
            Format::CycloneDx => cyclonedx::cyclonedx(manifest, release, created),
        }
    }
}

#[cfg(test)]
mod testdata;
