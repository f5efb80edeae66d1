//! Licensing: how each document's license was decided, each signal's
//! histogram before and after deduplication, conflicts inside clusters and
//! the problems met.

use std::collections::{BTreeMap, BTreeSet};

use corpusledger_manifest::{Licensing, Manifest};

use super::lead;
use crate::charts::{BarRow, Bars, Chart, Kind, Series, palette};
use crate::doc::{Align, Block, Table, code, num, text};

/// What each signal counts, for the signals table.
const SIGNALS: [(&str, &str); 5] = [
    (
        "declared",
        "a declared license (package metadata or the input's license column)",
    ),
    ("detected", "a license detected in license files"),
    (
        "header",
        "an SPDX-License-Identifier or license notice in the file itself",
    ),
    (
        "disagreement",
        "declared and detected licenses naming different license ids",
    ),
    ("noassertion", "no known license (NOASSERTION)"),
];

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    let l = &m.licensing;
    out.push(Block::Subsection("License labels".to_owned()));
    out.push(lead("Detector:", vec![text(&l.detector)]));
    out.push(lead("Rule:", vec![text(&l.rule)]));
    out.push(Block::Table(signals_table(l)));
    let signals = [
        (
            "concluded",
            &m.license_histograms.before.concluded,
            &m.license_histograms.after.concluded,
        ),
        (
            "family",
            &m.license_histograms.before.category,
            &m.license_histograms.after.category,
        ),
        (
            "declared",
            &m.license_histograms.before.declared,
            &m.license_histograms.after.declared,
        ),
        (
            "detected",
            &m.license_histograms.before.detected,
            &m.license_histograms.after.detected,
        ),
        (
            "header",
            &m.license_histograms.before.header,
            &m.license_histograms.after.header,
        ),
    ];
    out.push(Block::Para(vec![text(
        "Each signal's histogram over the documents that entered deduplication (before: not rejected, not opted \
         out) and over the kept ones (after); absent counts documents without that signal.",
    )]));
    let tables = signals
        .into_iter()
        .map(|(signal, before, after)| Block::Table(histogram_table(signal, before, after)));
    out.push(Block::Group(tables.collect()));
    push_conflicts(l, out);
    push_attribution(m, out);
    out.push(lead(
        "License problems:",
        vec![text(format!("{} met.", l.problems.count))],
    ));
    if !l.problems.first.is_empty() {
        out.push(Block::List(l.problems.first.iter().map(|p| vec![text(p)]).collect()));
    }
}

fn signals_table(l: &Licensing) -> Table {
    let mut table = Table::new(&[
        ("Signal", Align::Left),
        ("Kept documents", Align::Right),
        ("With", Align::Left),
    ]);
    for (key, &n) in &l.signals {
        let meaning = SIGNALS.iter().find(|(k, _)| k == key).map_or("", |(_, m)| m);
        table.row(vec![vec![code(key)], vec![num(n)], vec![text(meaning)]]);
    }
    table
}

fn histogram_table(signal: &'static str, before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Table {
    let head = match signal {
        "concluded" => "Concluded license",
        "family" => "License family",
        "declared" => "Declared license",
        "detected" => "Detected license",
        _ => "Header license",
    };
    let mut table = Table::new(&[(head, Align::Left), ("Before", Align::Right), ("After", Align::Right)]);
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let count = |map: &BTreeMap<String, u64>| num(map.get(key).copied().unwrap_or(0));
        table.row(vec![vec![text(key)], vec![count(before)], vec![count(after)]]);
    }
    table
}

/// The attribution that CC BY-SA content requires: stated whenever the
/// data holds such content, with counts by license and how each license was
/// decided.
fn push_attribution(m: &Manifest, out: &mut Vec<Block>) {
    let Some(a) = &m.attribution else {
        return;
    };
    out.push(Block::Subsection("Attribution required".to_owned()));
    out.push(lead("Obligation:", vec![text(&a.obligation)]));
    out.push(lead(
        "Attribution file:",
        vec![
            code(&a.file),
            text(format!(
                " has {} rows (one per post per document, kept or removed in favour of a kept one); {} kept \
                 documents that are not posts carry a post's content, and {} clusters mix a post with another \
                 license family.",
                a.rows, a.kept_non_posts_carrying_posts, a.cross_license_clusters
            )),
        ],
    ));
    let mut table = Table::new(&[
        ("Post license", Align::Left),
        ("Kept", Align::Right),
        ("Removed as copies", Align::Right),
    ]);
    for (license, counts) in &a.documents {
        table.row(vec![
            vec![text(license)],
            vec![num(counts.kept)],
            vec![num(counts.removed)],
        ]);
    }
    let mut basis = Table::new(&[("License decided by", Align::Left), ("Posts", Align::Right)]);
    for (by, n) in &a.license_basis {
        basis.row(vec![vec![code(by)], vec![num(*n)]]);
    }
    out.push(Block::Group(vec![Block::Table(table), Block::Table(basis)]));
}

fn push_conflicts(l: &Licensing, out: &mut Vec<Block>) {
    let c = &l.conflicts;
    out.push(Block::Subsection("License conflicts".to_owned()));
    out.push(Block::Para(vec![
        text(format!(
            "{} duplicate clusters ({} documents) mix license categories, e.g. a copyleft file copied into a \
             permissive repository. The kept copy's license is the one in the data; the others are listed in its ",
            c.clusters, c.documents
        )),
        code("cluster_licenses"),
        text(" column."),
    ]));
    out.push(Block::Chart(conflicts_chart(l)));
    let mut table = Table::new(&[
        ("Kept document", Align::Left),
        ("Kept license", Align::Left),
        ("Licenses in the cluster", Align::Left),
        ("Categories", Align::Left),
        ("Documents", Align::Right),
    ]);
    for entry in &c.list {
        table.row(vec![
            vec![code(&entry.kept_doc_id)],
            vec![text(&entry.kept_license)],
            vec![text(entry.licenses.join(", "))],
            vec![text(entry.categories.join(" + "))],
            vec![num(entry.documents)],
        ]);
    }
    out.push(Block::Table(table));
}

/// Conflicting clusters and their documents, by the mix of categories.
fn conflicts_chart(l: &Licensing) -> Chart {
    let mut mixes: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in &l.conflicts.list {
        let mix = mixes.entry(entry.categories.join(" + ")).or_default();
        mix.0 += 1;
        mix.1 += entry.documents;
    }
    let rows = mixes
        .into_iter()
        .map(|(label, (clusters, documents))| BarRow {
            label,
            values: vec![(0, clusters), (1, documents)],
        })
        .collect();
    let series = |name: &str, color| Series {
        name: name.to_owned(),
        color,
    };
    Chart {
        id: "conflicts",
        title: format!(
            "License conflicts: {} clusters ({} documents) mixing license categories",
            l.conflicts.clusters, l.conflicts.documents
        ),
        caption: format!(
            "{} clusters with {} documents mix license categories; by the mix of categories.",
            l.conflicts.clusters, l.conflicts.documents
        ),
        kind: Kind::Bars(Bars {
            x_label: "count".to_owned(),
            y_label: "categories in the cluster".to_owned(),
            series: vec![
                series("clusters", palette::CONFLICTS),
                series("documents in them", "#feb2b2"),
            ],
            rows,
        }),
    }
}
