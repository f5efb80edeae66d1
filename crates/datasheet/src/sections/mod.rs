//! The datasheet's content, section by section, after "Datasheets for
//! Datasets" (Gebru et al.): facts from the manifest, and prompts for what
//! only the dataset's creators know.

pub mod card;
mod changes;
mod collection;
mod composition;
mod dedup;
mod distribution;
mod licensing;
mod maintenance;
mod motivation;
mod overview;
mod preprocessing;
mod uses;

use std::collections::BTreeMap;

use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::ReleaseFile;

use crate::doc::{Align, Block, Inline, Table, num, text};

/// Where the datasheet's sections are in the dataset card.
pub const SECTION_MAP: &str = "Motivation under Dataset Details, Composition under Dataset Structure (its questions on \
                               personal and offensive content under Personal and Sensitive Information), \
                               Collection process and Preprocessing under Dataset Creation, and Uses, Distribution \
                               and Maintenance under their own names";

/// Every block of the datasheet, in order; with `release`, the datasheet of
/// that partial release (Distribution lists what it withholds).
pub fn build(manifest: &Manifest, release: Option<&ReleaseFile>) -> Vec<Block> {
    let mut blocks = Vec::new();
    overview::push(manifest, &mut blocks);
    motivation::push(manifest, &mut blocks);
    composition::push(manifest, &mut blocks);
    collection::push(manifest, &mut blocks);
    preprocessing::push(manifest, &mut blocks);
    dedup::push(manifest, &mut blocks);
    licensing::push(manifest, &mut blocks);
    uses::push(manifest, &mut blocks);
    distribution::push(manifest, release, &mut blocks);
    maintenance::push(manifest, &mut blocks);
    changes::push(manifest, &mut blocks);
    blocks
}

/// `part` as a percentage of `whole`, one decimal; a dash when `whole` is 0.
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// Bytes in binary units, e.g. `115.3 KiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Bytes as the exact number and in binary units.
pub fn bytes_text(bytes: u64) -> String {
    format!("{bytes} bytes ({})", human_bytes(bytes))
}

/// Entries by count, largest first, then by name.
pub fn by_count(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut entries: Vec<(&str, u64)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    entries
}

/// A table `name | count | share of total`, largest first.
pub fn count_table(name: &'static str, count: &'static str, map: &BTreeMap<String, u64>) -> Table {
    let total: u64 = map.values().sum();
    let mut table = Table::new(&[(name, Align::Left), (count, Align::Right), ("Share", Align::Right)]);
    for (key, n) in by_count(map) {
        table.row(vec![vec![text(key)], vec![num(n)], vec![text(share(n, total))]]);
    }
    table
}

/// A paragraph of one bold lead-in and text.
pub fn lead(label: &str, rest: Vec<Inline>) -> Block {
    let mut line = vec![crate::doc::strong(label), text(" ")];
    line.extend(rest);
    Block::Para(line)
}
