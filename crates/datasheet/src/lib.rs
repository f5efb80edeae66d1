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
//! The dataset card [`card`] (`README.md`, for the Hugging Face Hub) holds
//! the same sections under the Hub's card template headings, after YAML
//! front matter with the kept documents' licenses as Hub ids, the size
//! category and the configs that `datasets.load_dataset` reads: `default`
//! (the data shards) and `removed` (the ledger).
//!
//! In a partial release (`corpusledger release`), [`release_markdown`],
//! [`release_html`] and [`release_card`] also list, under Distribution, the
//! files its [`ReleaseFile`] withholds and the rules that withheld them.
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
//! let card = corpusledger_datasheet::card(&manifest);
//! assert!(card.starts_with("---\n") && corpusledger_datasheet::is_card(&card));
//! assert!(card.contains("license:\n- mit\n"));
//! ```
#![deny(missing_docs)]

mod card;
mod charts;
mod doc;
mod escape;
mod render;
mod sections;
#[cfg(test)]
mod tests;

use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::ReleaseFile;

/// The marker that starts every question left for a human to answer: bold
/// in a blockquote in Markdown, in a box of class [`TO_ANSWER_CLASS`] in HTML.
pub const TO_ANSWER: &str = "TO ANSWER:";

/// The HTML class of the box around each question left for a human.
pub const TO_ANSWER_CLASS: &str = "to-answer";

/// The dataset card's file name, beside the manifest.
pub const CARD_FILE: &str = "README.md";

pub use card::CARD_MARKER;

/// The dataset card for the Hugging Face Hub, for `README.md`: YAML front
/// matter (pretty name, the kept documents' licenses as Hub ids, size
/// category, task, tags, and the `default`, `removed` and, with Stack
/// Exchange posts, `attribution` configs), then the datasheet's sections
/// under the headings of the Hub's dataset card template.
pub fn card(manifest: &Manifest) -> String {
    card::render(manifest)
}

/// Whether `text` is a dataset card corpusledger wrote (its front matter
/// holds [`CARD_MARKER`]): only such a `README.md` is replaced or removed.
pub fn is_card(text: &str) -> bool {
    card::is_card(text)
}

/// The datasheet as Markdown (CommonMark with GitHub tables), for `DATASHEET.md`.
pub fn markdown(manifest: &Manifest) -> String {
    render::markdown(&sections::build(manifest, None))
}

/// The datasheet as one self-contained HTML page with inline CSS and inline
/// SVG charts, for `datasheet.html`.
pub fn html(manifest: &Manifest) -> String {
    render::html(&sections::build(manifest, None))
}

/// [`markdown`] for a partial release: Distribution also lists the files
/// its `RELEASE.json` withholds, with the rules that withheld them.
pub fn release_markdown(manifest: &Manifest, release: &ReleaseFile) -> String {
    render::markdown(&sections::build(manifest, Some(release)))
}

/// [`html`] for a partial release, as [`release_markdown`].
pub fn release_html(manifest: &Manifest, release: &ReleaseFile) -> String {
    render::html(&sections::build(manifest, Some(release)))
}

/// [`card`] for a partial release, as [`release_markdown`].
pub fn release_card(manifest: &Manifest, release: &ReleaseFile) -> String {
    card::render_with(manifest, Some(release))
}
