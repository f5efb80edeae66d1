//! Motivation: why the dataset exists, who made and paid for it.

use corpusledger_manifest::Manifest;

use crate::doc::{Block, code, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "motivation",
        title: "Motivation",
    });
    body(m, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Para(vec![
        text("The dataset is a deduplicated corpus of source code and related text files. It was produced by "),
        code(&m.tool.name),
        text(
            ", which removes exact and near duplicates, records where every file came from and under which \
             license, and writes this manifest of counts, parameters and output hashes.",
        ),
    ]));
    out.push(Block::Prompt(
        "For what purpose was the dataset created? Was there a specific task in mind, or a gap that needed to be filled?",
    ));
    out.push(Block::Prompt(
        "Who created the dataset (which team or research group), and on behalf of which entity (company, institution, organization)?",
    ));
    out.push(Block::Prompt(
        "Who funded the creation of the dataset? If there is an associated grant, give the grantor's name and the grant's name and number.",
    ));
}
