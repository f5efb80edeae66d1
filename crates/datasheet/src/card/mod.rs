//! The dataset card, `README.md`: YAML front matter for the Hugging Face Hub
//! and `datasets`, then the datasheet's sections under the headings of the
//! Hub's dataset card template.

pub mod front_matter;
pub mod licenses;

use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::ReleaseFile;

pub use front_matter::{DATA_FILES, LEDGER_FILE, SPLIT, pretty_name};
use licenses::HubLicenses;

/// The card's first line after the opening `---`, a YAML comment: how
/// corpusledger knows its own card from a README.md someone else wrote.
pub const CARD_MARKER: &str = "# corpusledger-card: written from manifest.json by corpusledger run or datasheet, and rewritten by them; delete this line to keep your edits";

/// What a line of the front matter starts with when it is the marker, in
/// this version or another.
const MARKER_PREFIX: &str = "# corpusledger-card:";

/// The card as Markdown with YAML front matter.
pub fn render(m: &Manifest) -> String {
    render_with(m, None)
}

/// The card, of a partial release when `release` is given.
pub fn render_with(m: &Manifest, release: Option<&ReleaseFile>) -> String {
    let hub = HubLicenses::of_licenses(&m.licenses);
    let mut card = front_matter::render(m, &hub);
    card.push('\n');
    card.push_str(&crate::render::markdown(&crate::sections::card::build(
        m, &hub, release,
    )));
    card
}

/// Whether `text` is a card corpusledger wrote: front matter that holds
/// the marker line.
pub fn is_card(text: &str) -> bool {
    let mut lines = text.lines().map(|line| line.trim_end_matches('\r'));
    if lines.next() != Some("---") {
        return false;
    }
    lines
        .take_while(|line| *line != "---")
        .any(|line| line.starts_with(MARKER_PREFIX))
}

#[cfg(test)]
mod tests;
