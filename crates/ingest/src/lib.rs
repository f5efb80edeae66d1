//! Streaming readers: turn inputs into [`Document`]s or [`Rejection`]s.
//!
//! Inputs are directory trees, JSONL files (plain, `.gz`, `.zst`), Parquet
//! files in The Stack's layout, and Stack Exchange dumps (`Posts.xml`, plain,
//! compressed or in the dump's `.7z`; see [`StackExchangeConfig`]).
//!
//! [`plan()`] lists the inputs once, in a sorted order that does not depend on
//! the file system's, and cuts them into [`Unit`]s of work; [`read_unit`]
//! streams one unit's documents to a callback in batches. Memory holds one
//! batch at a time, never a whole input. Every document either comes out as
//! a [`Document`] that passed [`check_content`], or as a [`Rejection`] with
//! the reason and the file (and line or row).
//!
//! ```no_run
//! use corpusledger_ingest::{plan, read_unit, IngestConfig, Item};
//! let config = IngestConfig::default();
//! let plan = plan(&["sample-data/repos".into()], &config).unwrap();
//! for unit in &plan.units {
//!     read_unit(&plan, unit, &config, &mut |batch| {
//!         for item in batch {
//!             match item {
//!                 Item::Doc(doc) => println!("{}", doc.source.display()),
//!                 Item::Rejected(rejected) => println!("{}: {}", rejected.source.display(), rejected.reason),
//!             }
//!         }
//!     });
//! }
//! ```
#![deny(missing_docs)]

mod check;
mod config;
mod error;
#[cfg(test)]
mod fuzz;
mod jsonl;
mod parquet_stack;
mod plan;
mod spill;
mod stackexchange;
mod tree;

pub use check::check_content;
pub use config::{IngestConfig, JsonlFields, SeMode, SePostType, StackExchangeConfig, TagLanguage};
pub use error::{Error, Result};
pub use plan::{Input, InputKind, Plan, Unit, plan};
pub use spill::{BlobRef, BlobStore};
pub use stackexchange::users_note;

use corpusledger_model::{Document, Rejection};

/// One document or one rejection, as streamed by [`read_unit`].
#[derive(Debug)]
pub enum Item {
    /// A document that was read.
    Doc(Document),
    /// Something that could not be read as a document, and why.
    Rejected(Rejection),
}

/// Streams the documents of `unit` to `sink`, in batches of bounded size and
/// in a fixed order. Errors never stop the stream: they become rejections.
pub fn read_unit(plan: &Plan, unit: &Unit, config: &IngestConfig, sink: &mut dyn FnMut(Vec<Item>)) {
    let input = &plan.inputs[unit.input_idx];
    match input.kind {
        InputKind::Tree => tree::read_files(input, &unit.files, config, sink),
        InputKind::Jsonl => jsonl::read(input, config, sink),
        InputKind::Parquet => parquet_stack::read(input, sink),
        InputKind::StackExchange => stackexchange::read(input, config, sink),
    }
}
