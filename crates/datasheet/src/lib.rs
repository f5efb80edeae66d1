//! A datasheet for a corpusledger dataset, written from its `manifest.json`.
//!
//! The datasheet follows "Datasheets for Datasets" (Gebru et al., 2018/2021):
//! Motivation, Composition, Collection process, Preprocessing, Uses,
//! Distribution and Maintenance. Every number the [`Manifest`] holds is
//! filled in (counts, inputs with digests, languages, licenses before and
//! after deduplication, license signals and conflicts, opt-out lists, the
//! deduplication parameters, the output files with their SHA-256 and the
//! Merkle root). Questions only the dataset's creators can answer are left
//! as prompts that start with [`TO_ANSWER`], the same marker everywhere.
//!
//! Two renderings of the same content: [`markdown`] (for `DATASHEET.md`) and
//! [`html`] (a self-contained page with inline CSS and inline SVG charts, no
//! scripts and nothing fetched from the network). Both are deterministic:
//! the same manifest gives the same bytes. Every string from the manifest is
//! treated as untrusted and escaped.
//!
//! ```
//! use std::path::Path;
//! use corpusledger_manifest::Manifest;
//!
//! let bytes = include_bytes!("../../../tests/golden/sample-manifest.json");
//! let manifest = Manifest::from_slice(Path::new("manifest.json"), bytes).unwrap();
//! let md = corpusledger_datasheet::markdown(&manifest);
//! assert!(md.contains("## Composition"));
//! assert!(md.contains(corpusledger_datasheet::TO_ANSWER));
//! let page = corpusledger_datasheet::html(&manifest);
//! assert!(page.contains("<svg") && !page.contains("<script"));
//! ```
#![deny(missing_docs)]

mod charts;
mod doc;
mod escape;
mod render;
mod sections;
#[cfg(test)]
mod tests;

use corpusledger_manifest::Manifest;

/// The marker that starts every question left for a human to answer: bold
/// in a blockquote in Markdown, in a box of class [`TO_ANSWER_CLASS`] in HTML.
pub const TO_ANSWER: &str = "TO ANSWER:";

/// The HTML class of the box around each question left for a human.
pub const TO_ANSWER_CLASS: &str = "to-answer";

/// The datasheet as Markdown (CommonMark with GitHub tables), for `DATASHEET.md`.
pub fn markdown(manifest: &Manifest) -> String {
    render::markdown(&sections::build(manifest))
}

/// The datasheet as one self-contained HTML page with inline CSS and inline
/// SVG charts, for `datasheet.html`.
pub fn html(manifest: &Manifest) -> String {
    render::html(&sections::build(manifest))
}
