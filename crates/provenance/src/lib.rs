//! Where each document came from and under which license, with the evidence.
//!
//! [`Provenance::attribute`] gives each document three license signals, kept
//! apart, each with its evidence (file, line span, score, detector and SPDX
//! list version):
//!
//! - **declared**: the nearest package manifest's license (`Cargo.toml`,
//!   `PKG-INFO`, `pyproject.toml`, `setup.cfg`, `package.json`: the first
//!   in that order that declares one; a checkout's generated
//!   `*.egg-info/PKG-INFO` or `*.dist-info/METADATA` when the folder has no
//!   metadata file of its own), or the input's license column;
//! - **detected**: the nearest folder's license files (`LICENSE*`,
//!   `LICENCE*`, `COPYING*`, `UNLICENSE`; `NOTICE*` and `COPYRIGHT*` only
//!   when there is no other), matched by text against the `spdx` crate's
//!   store, each distinct text once, ties broken by identifier;
//! - **header**: the file's `SPDX-License-Identifier:` line or the license
//!   notice in its first comment block; a notice offering a choice ("either",
//!   "at your option", "dual licensed", also in the sentence after the names)
//!   gives an `OR` of every license it names, and a member it leaves
//!   unnamed ("the BSD License", "a BSD-style license") is taken from the
//!   nearest license files when they hold exactly one of that family;
//!
//! and concludes one expression from them by a documented rule (the file's
//! own header, else the nearer of declared and detected, declared first in
//! the same folder; `NOASSERTION` when nothing is known), flagging declared
//! and detected that name different licenses. It also gives the package
//! (as a package URL) and the revision (git commit) of the document, and
//! [`language_of`] its language by GitHub linguist's names (file name,
//! extension, content rules for the extensions several languages claim,
//! shebang, modeline).
//!
//! ```
//! use corpusledger_provenance::{category_of, language_from_tags, language_of};
//! use corpusledger_model::LicenseCategory;
//! assert_eq!(category_of("MIT OR GPL-3.0-only"), LicenseCategory::Permissive);
//! assert_eq!(category_of("GPL-3.0-only"), LicenseCategory::Copyleft);
//! assert_eq!(language_of(Some("src/main.rs"), None), Some("Rust"));
//! assert_eq!(language_of(Some("include/widget.h"), Some("namespace ui { class Widget; }")), Some("C++"));
//! assert_eq!(language_of(Some("bin/deploy"), Some("#!/usr/bin/env python3\n")), Some("Python"));
//! assert_eq!(language_from_tags(&["c++", "templates"]), Some("C++"));
//! ```
#![deny(missing_docs)]

mod canonical;
mod detect;
mod expression;
mod header;
mod language;
mod license;
mod optout;
mod package;
mod policy;

pub use detect::{Detected, Detector, pointer_path, spdx_list_version};
pub use expression::{category_of, license_ids};
pub use header::{CommentBlock, Header, first_comment_block, spdx_header};
pub use language::{
    canonical_language, is_language, language_from_content, language_from_tags, language_of, language_table_source,
    languages,
};
pub use license::{Attribution, FileReport, Provenance, RepoReport, is_license_file_name};
pub use optout::OptOutList;
pub use package::{Declared, PACKAGE_FILES, PackageError, PackageMeta, parse_package};
pub use policy::LicensePolicy;

/// The rule that concludes a document's license, as the manifest states it.
pub const CONCLUSION_RULE: &str = "for a Stack Exchange post, the post's CC BY-SA license (the dump's ContentLicense, else by the date of its latest revision), whatever its text says; otherwise the file's own SPDX-License-Identifier or license notice; else the nearer of the declared license (nearest package manifest, or the input's license column) and the detected one (nearest folder with license files), declared first when both are in the same folder; else NOASSERTION. Declared and detected naming different license ids is flagged as a disagreement (the Python license stack, Python-2.0 or Python-2.0.1, and PSF-2.0, as PyPI names it, count as one); an expression that does not parse is never concluded";

/// The text detector, its SPDX license list version, for the manifest.
pub fn detector_description() -> String {
    format!(
        "spdx crate text detection (license texts, standard headers), SPDX license list {}; candidates ranked by score, then id",
        spdx_list_version()
    )
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bundled license store could not be loaded.
    #[error("cannot load the SPDX license store: {0}")]
    Store(String),
    /// A package manifest could not be read.
    #[error(transparent)]
    Package(#[from] PackageError),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
