//! Where each document came from and under which license, with the evidence.
//!
//! [`Provenance::license_of`] decides a document's license from, in order:
//! the input's metadata (a JSONL field, The Stack's licenses column), an
//! `SPDX-License-Identifier:` line in the file's first lines, the nearest
//! license file (`LICENSE*`, `LICENCE*`, `COPYING*`, `UNLICENSE`) going up
//! from the file's folder to its repository root, detected by text with the
//! `spdx` crate's license store; else `NOASSERTION`. Each answer carries its
//! evidence. Detection is deterministic (ties broken by identifier) and each
//! distinct license text is detected once.
//!
//! ```
//! use corpusledger_provenance::{category_of, language_of};
//! use corpusledger_model::LicenseCategory;
//! assert_eq!(category_of("MIT OR GPL-3.0-only"), LicenseCategory::Permissive);
//! assert_eq!(category_of("GPL-3.0-only"), LicenseCategory::Copyleft);
//! assert_eq!(language_of(Some("src/main.rs")), Some("Rust"));
//! ```
#![deny(missing_docs)]

mod detect;
mod expression;
mod header;
mod language;
mod license;

pub use detect::{Detected, Detector};
pub use expression::category_of;
pub use header::spdx_header;
pub use language::language_of;
pub use license::Provenance;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bundled license store could not be loaded.
    #[error("cannot load the SPDX license store: {0}")]
    Store(String),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
