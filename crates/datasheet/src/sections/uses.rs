//! Uses: what the dataset is (not) for; the license mix bears on that.

use corpusledger_manifest::Manifest;

use super::share;
use crate::doc::{Block, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "uses",
        title: "Uses",
    });
    body(m, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    let families: Vec<String> = super::by_count(&m.license_categories)
        .into_iter()
        .map(|(family, n)| format!("{family} {n} ({})", share(n, m.counts.kept)))
        .collect();
    out.push(Block::Para(vec![text(format!(
        "License families of the {} kept documents: {}. Copyleft licenses carry obligations for derived works, and \
         documents without a known license (NOASSERTION) have unknown terms: check both against the intended use. \
         {} duplicate clusters mix license categories (see Preprocessing).",
        m.counts.kept,
        if families.is_empty() {
            "none".to_owned()
        } else {
            families.join(", ")
        },
        m.licensing.conflicts.clusters
    ))]));
    out.push(Block::Prompt(
        "Has the dataset been used for any tasks already? If so, describe them and link to the papers or systems that use it.",
    ));
    out.push(Block::Prompt("What (other) tasks could the dataset be used for?"));
    out.push(Block::Prompt(
        "Is there anything about the composition, collection or preprocessing of the dataset that might affect future uses (licensing obligations, memorized secrets or personal data, over- or under-represented languages)?",
    ));
    out.push(Block::Prompt(
        "Are there tasks for which the dataset should not be used?",
    ));
}
