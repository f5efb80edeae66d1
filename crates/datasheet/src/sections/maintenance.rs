//! Maintenance: who looks after the dataset; how it can be rebuilt and how
//! removal requests fit in.

use corpusledger_manifest::Manifest;

use crate::doc::{Block, code, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "maintenance",
        title: "Maintenance",
    });
    body(m, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Para(vec![
        text("The dataset can be rebuilt: "),
        code(format!("{} {}", m.tool.name, m.tool.version)),
        text(
            " gives byte-identical output for the same inputs (the digests under Collection process) and \
             configuration (under Preprocessing), whatever the thread count. A removal request becomes a line of an \
             opt-out list (",
        ),
        code("repo:<glob>"),
        text(", "),
        code("path:<glob>"),
        text(" or "),
        code("sha256:<hex>"),
        text(") given with "),
        code("--opt-out"),
        text(" on the next run; the ledger then records each document it removed."),
    ]));
    out.push(Block::Prompt(
        "Who will support, host and maintain the dataset, and how can they be contacted (e.g. an e-mail address)?",
    ));
    out.push(Block::Prompt(
        "Is there an erratum? Will the dataset be updated (to correct errors, add or delete documents)? How often, by whom, and how will updates be announced?",
    ));
    out.push(Block::Prompt(
        "How will removal requests from code authors be handled, and within what time?",
    ));
    out.push(Block::Prompt(
        "Will older versions of the dataset stay available? Can others extend or contribute to it, and how?",
    ));
}
