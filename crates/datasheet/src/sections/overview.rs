//! Title, what this document is, and the key figures.

use corpusledger_manifest::Manifest;

use super::{human_bytes, share};
use crate::doc::{Block, code, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Title("Datasheet".to_owned()));
    out.push(Block::Prompt(
        "Name the dataset and give its version, and the date it was published.",
    ));
    out.push(Block::Para(vec![
        text("This datasheet follows \"Datasheets for Datasets\" (Gebru et al., 2021). Every number in it comes from "),
        code("manifest.json"),
        text(", written by "),
        code(format!("{} {}", m.tool.name, m.tool.version)),
        text(" ("),
        code(&m.tool.build),
        text(format!("; manifest format {} version {}", m.format, m.version)),
        text("). Questions that only the dataset's creators can answer are marked "),
        code(crate::TO_ANSWER),
        text(": answer each one before publishing. To check the data files against this datasheet, see "),
        text("\"How to check this dataset\" under Distribution. The dataset card "),
        code(crate::CARD_FILE),
        text(format!(
            " holds the same sections under the headings of the Hugging Face dataset card template: {}.",
            super::SECTION_MAP
        )),
    ]));
    out.push(Block::Figures(figures(m)));
}

/// Key figures, in the datasheet and the card.
pub fn figures(m: &Manifest) -> Vec<(&'static str, String)> {
    let counts = &m.counts;
    let removed: u64 = counts.removed.values().sum();
    let rejected: u64 = counts.rejected.values().sum();
    let clusters: u64 = m.dedup.cluster_sizes.iter().map(|b| b.clusters).sum();
    vec![
        ("documents read", counts.documents.to_string()),
        ("kept", counts.kept.to_string()),
        ("kept share", share(counts.kept, counts.documents)),
        ("bytes kept", human_bytes(counts.kept_bytes)),
        ("removed", removed.to_string()),
        ("rejected", rejected.to_string()),
        ("duplicate clusters", clusters.to_string()),
        ("license conflicts", m.licensing.conflicts.clusters.to_string()),
        ("inputs", m.inputs.len().to_string()),
        ("output files", m.outputs.len().to_string()),
    ]
}
