//! Changes since the previous version: present when the manifest links to
//! the version it was made from (`corpusledger amend`).

use corpusledger_manifest::Manifest;

use crate::doc::{Align, Block, Table, code, num, text};

/// The section, when the manifest has a previous version.
pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    if m.previous.is_none() {
        return;
    }
    out.push(Block::Section {
        id: "changes",
        title: "Changes since the previous version",
    });
    body(m, out);
}

/// The section without its heading (nothing without a previous version).
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    let Some(previous) = &m.previous else { return };
    out.push(Block::Para(vec![
        text("This version was made from the previous one (manifest SHA-256 "),
        code(&previous.manifest_sha256),
        text(", Merkle root "),
        code(&previous.merkle_root),
        text(format!(
            "; {} documents in, {} kept) without deduplicating again. ",
            previous.documents, previous.kept
        )),
        code("corpusledger verify DIR --previous OLD/manifest.json"),
        text(" checks that link, and that the two versions differ only by what is listed here."),
    ]));
    let Some(amendments) = &m.amendments else { return };
    out.push(Block::Para(vec![
        text("Kept documents removed by opt-out lists: "),
        num(amendments.removed),
        text(format!(
            " (from {} to {} kept; each is a ledger row of reason ",
            previous.kept, m.counts.kept
        )),
        code("opted-out"),
        text(" naming its list and line)."),
    ]));
    let mut lists = Table::new(&[
        ("list", Align::Left),
        ("SHA-256", Align::Left),
        ("entries", Align::Right),
        ("documents removed", Align::Right),
    ]);
    for list in &amendments.opt_out {
        lists.row(vec![
            vec![code(&list.path)],
            vec![code(&list.sha256)],
            vec![num(list.entries)],
            vec![num(list.matched)],
        ]);
    }
    out.push(Block::Table(lists));
    let mut shards = Table::new(&[
        ("data shard rewritten", Align::Left),
        ("rows before", Align::Right),
        ("removed", Align::Right),
    ]);
    for shard in &amendments.shards {
        shards.row(vec![
            vec![code(&shard.path)],
            vec![num(shard.rows_before)],
            vec![num(shard.removed)],
        ]);
    }
    if !amendments.shards.is_empty() {
        out.push(Block::Table(shards));
    }
    out.push(Block::Para(vec![text(
        "Every other data shard is the previous version's file, byte for byte.",
    )]));
    out.push(Block::Para(vec![text(format!(
        "Copies that had been removed in favour of an opted-out document: {}. Rule: {}.",
        amendments.orphans, amendments.orphans_rule
    ))]));
}
