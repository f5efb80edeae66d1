//! Collection process: the inputs read, with their digests, and the opt-out
//! lists applied.

use corpusledger_manifest::Manifest;

use super::bytes_text;
use crate::doc::{Align, Block, Table, code, num, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "collection",
        title: "Collection process",
    });
    body(m, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Para(vec![text(format!(
        "{} read {} inputs. An input's digest is the SHA-256 over its documents (key, row and content hash of each, \
         in order): the same digest means the same documents in the same order.",
        m.tool.name,
        m.inputs.len()
    ))]));
    out.push(Block::Table(inputs_table(m)));
    let read: u64 = m.inputs.iter().map(|i| i.bytes).sum();
    out.push(Block::Para(vec![text(format!("In all: {}.", bytes_text(read)))]));
    out.push(Block::Subsection("Opt-out lists".to_owned()));
    if m.licensing.opt_out.is_empty() {
        out.push(Block::Para(vec![text("No opt-out list was applied.")]));
    } else {
        out.push(Block::Table(opt_out_table(m)));
    }
    push_prompts(out);
}

fn inputs_table(m: &Manifest) -> Table {
    let mut table = Table::new(&[
        ("Input", Align::Left),
        ("Kind", Align::Left),
        ("Documents", Align::Right),
        ("Bytes", Align::Right),
        ("Digest (SHA-256)", Align::Left),
        ("Error", Align::Left),
    ]);
    for input in &m.inputs {
        table.row(vec![
            vec![code(&input.label)],
            vec![text(&input.kind)],
            vec![num(input.documents)],
            vec![num(input.bytes)],
            vec![input.digest.as_deref().map_or_else(|| text("none"), code)],
            vec![text(input.error.as_deref().unwrap_or("none"))],
        ]);
    }
    table
}

fn opt_out_table(m: &Manifest) -> Table {
    let mut table = Table::new(&[
        ("List", Align::Left),
        ("Entries", Align::Right),
        ("Documents removed", Align::Right),
        ("Bytes", Align::Right),
        ("SHA-256", Align::Left),
    ]);
    for list in &m.licensing.opt_out {
        table.row(vec![
            vec![code(&list.path)],
            vec![num(list.entries)],
            vec![num(list.matched)],
            vec![num(list.bytes)],
            vec![code(&list.sha256)],
        ]);
    }
    table
}

fn push_prompts(out: &mut Vec<Block>) {
    out.push(Block::Prompt(
        "How was the data acquired (crawled from a code host, taken from a mirror or a published dataset such as The Stack)? Name the sources and their versions or snapshot dates.",
    ));
    out.push(Block::Prompt(
        "Over what timeframe was the data collected, and does it match the time the code was written (e.g. commit dates)?",
    ));
    out.push(Block::Prompt(
        "Who was involved in the data collection (staff, contractors, crowdworkers), and how were they compensated?",
    ));
    out.push(Block::Prompt(
        "Were any ethical review processes conducted (e.g. by an institutional review board)? If so, describe them and their outcome.",
    ));
    out.push(Block::Prompt(
        "Were the authors of the code told about the collection, and did they consent? How can they opt out, and how were earlier opt-out requests honoured?",
    ));
}
