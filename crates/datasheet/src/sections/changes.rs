//! Changes since the previous version: present when the manifest links to
//! the version it was made from (`corpusledger amend`).

use corpusledger_manifest::Manifest;

use crate::doc::{Align, Block, Table, code, num, text};

/// Whether the manifest builds on another version: an amendment's previous
/// version, or a delta release's bases.
pub fn applies(m: &Manifest) -> bool {
    m.previous.is_some() || !m.bases.is_empty()
}

/// The section, when the manifest has a previous version or bases.
pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    if !applies(m) {
        return;
    }
    out.push(Block::Section {
        id: "changes",
        title: "Changes since the previous version",
    });
    body(m, out);
}

/// The section without its heading (nothing without a previous version or
/// bases).
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    push_bases(m, out);
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

/// A delta release: what it was deduplicated against.
fn push_bases(m: &Manifest, out: &mut Vec<Block>) {
    if m.bases.is_empty() {
        return;
    }
    out.push(Block::Para(vec![
        text(
            "This is a delta release: its inputs were deduplicated against the published datasets below, which it \
             does not change or repeat, so the data is theirs and this one's together. A document that copies one \
             of their kept documents is in this ledger, removed in its favour (",
        ),
        code("kept_doc_id"),
        text(" names the base document); "),
        code("corpusledger verify DIR --base BASE"),
        text(" checks those against each base."),
    ]));
    let mut bases = Table::new(&[
        ("base", Align::Left),
        ("manifest SHA-256", Align::Left),
        ("kept there", Align::Right),
        ("documents here removed as its copies", Align::Right),
    ]);
    for base in &m.bases {
        bases.row(vec![
            vec![code(&base.path)],
            vec![code(&base.manifest_sha256)],
            vec![num(base.kept)],
            vec![num(base.matched)],
        ]);
    }
    out.push(Block::Table(bases));
}
