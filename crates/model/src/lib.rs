//! Shared types of corpusledger, with no I/O.
//!
//! Every stage speaks in these types: a [`Document`] read by ingest, the
//! [`DocId`] that names it whatever the thread or shard count, the
//! [`SourceRef`] that says where it came from, the [`Reason`] it was removed or
//! rejected for, and the [`LicenseTag`] provenance gives it.
//!
//! ```
//! use corpusledger_model::DocId;
//! let a = DocId::derive("corpus", "repo/src/lib.rs", 0);
//! assert_eq!(a, DocId::derive("corpus", "repo/src/lib.rs", 0));
//! assert_eq!(a.to_string().len(), 32);
//! ```
#![deny(missing_docs)]

mod credit;
mod decoder_panic;
mod document;
mod id;
mod license;
mod reason;
mod reporter;

pub use credit::Credit;
pub use decoder_panic::contain_decoder_panic;
pub use document::{DocMeta, Document, LocalFile, Redaction, Rejection, SourceRef};
pub use id::DocId;
pub use license::{DocLicense, Evidence, LicenseCategory, LicenseTag, NOASSERTION, any_of};
pub use reason::Reason;
pub use reporter::{NullReporter, Reporter};
