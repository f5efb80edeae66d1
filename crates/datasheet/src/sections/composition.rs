//! Composition: what the documents are, how many, in which languages and
//! under which licenses, from which repositories.

use std::collections::{BTreeMap, BTreeSet};

use corpusledger_manifest::{Manifest, OutputEntry};

use super::{by_count, bytes_text, count_table, share};
use crate::charts::{BarRow, Bars, Chart, Kind, Series, palette};
use crate::doc::{Align, Block, Inline, Table, code, num, text};

/// Repositories listed per shard.
const TOP_REPOSITORIES: usize = 20;

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "composition",
        title: "Composition",
    });
    body(m, out);
    push_sensitive_prompts(out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    let removed: u64 = m.counts.removed.values().sum();
    let rejected: u64 = m.counts.rejected.values().sum();
    out.push(Block::Para(vec![
        text(format!(
            "Each instance is one document: a file of a directory tree, a line of a JSONL file or a row of a Parquet \
             file, with its source (input, repository, path, line or row), language and license signals. The data \
             shards hold {} of the {} documents read ({}), {}. {} documents were removed as duplicates or by policy \
             and {} rejected on reading (see Preprocessing); the ledger ",
            m.counts.kept,
            m.counts.documents,
            share(m.counts.kept, m.counts.documents),
            bytes_text(m.counts.kept_bytes),
            removed,
            rejected
        )),
        code("removed.parquet"),
        text(" lists each with its reason."),
    ]));
    out.push(Block::Subsection("Languages of the kept documents".to_owned()));
    out.push(Block::Table(count_table("Language", "Kept documents", &m.languages)));
    out.push(Block::Chart(languages_chart(m)));
    out.push(Block::Subsection("Licenses of the kept documents".to_owned()));
    out.push(Block::Para(vec![text(format!(
        "The concluded license of each kept document (see Preprocessing for how it is decided); {} kept documents \
         have no known license (NOASSERTION).",
        m.licensing.signals.get("noassertion").copied().unwrap_or(0)
    ))]));
    out.push(Block::Group(vec![
        Block::Table(count_table("License", "Kept documents", &m.licenses)),
        Block::Table(count_table("License family", "Kept documents", &m.license_categories)),
    ]));
    out.push(Block::Chart(licenses_chart(m)));
    out.push(Block::Chart(categories_chart(m)));
    push_repositories(m, out);
    push_prompts(out);
}

fn languages_chart(m: &Manifest) -> Chart {
    Chart {
        id: "languages",
        title: "Kept documents by language".to_owned(),
        caption: format!("Languages of the {} kept documents.", m.counts.kept),
        kind: Kind::Bars(Bars {
            x_label: "kept documents".to_owned(),
            y_label: "language".to_owned(),
            series: vec![Series {
                name: "kept".to_owned(),
                color: palette::LANGUAGES,
            }],
            rows: by_count(&m.languages)
                .into_iter()
                .map(|(label, n)| BarRow {
                    label: label.to_owned(),
                    values: vec![(0, n)],
                })
                .collect(),
        }),
    }
}

/// Licenses charted by name; the rest are summed into one row.
const TOP_LICENSES: usize = 10;

fn licenses_chart(m: &Manifest) -> Chart {
    let histograms = &m.license_histograms;
    let rows = before_after_rows(&histograms.before.concluded, &histograms.after.concluded, TOP_LICENSES);
    Chart {
        id: "licenses",
        title: "Documents by concluded license, before and after deduplication".to_owned(),
        caption: format!(
            "Concluded licenses of the documents that entered deduplication (before) and of the kept ones (after); \
             the {TOP_LICENSES} most frequent by name, the rest summed."
        ),
        kind: Kind::Bars(before_after(rows, "license (concluded)")),
    }
}

fn categories_chart(m: &Manifest) -> Chart {
    let histograms = &m.license_histograms;
    let rows = before_after_rows(&histograms.before.category, &histograms.after.category, usize::MAX);
    Chart {
        id: "license-families",
        title: "Documents by license family, before and after deduplication".to_owned(),
        caption: "License families (permissive, copyleft, other, unknown) before and after deduplication.".to_owned(),
        kind: Kind::Bars(before_after(rows, "license family")),
    }
}

fn before_after(rows: Vec<BarRow>, y_label: &str) -> Bars {
    Bars {
        x_label: "documents".to_owned(),
        y_label: y_label.to_owned(),
        series: vec![
            Series {
                name: "before deduplication".to_owned(),
                color: palette::BEFORE,
            },
            Series {
                name: "after (kept)".to_owned(),
                color: palette::AFTER,
            },
        ],
        rows,
    }
}

/// One row per key of either map, most frequent before first; past `top`
/// rows, the rest summed into one `other` row.
pub fn before_after_rows(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>, top: usize) -> Vec<BarRow> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut keys: Vec<(&str, u64, u64)> = names
        .into_iter()
        .map(|k| {
            (
                k.as_str(),
                before.get(k).copied().unwrap_or(0),
                after.get(k).copied().unwrap_or(0),
            )
        })
        .collect();
    keys.sort_by(|a, b| b.1.max(b.2).cmp(&a.1.max(a.2)).then_with(|| a.0.cmp(b.0)));
    let row = |label: String, b: u64, a: u64| BarRow {
        label,
        values: vec![(0, b), (1, a)],
    };
    let mut rows: Vec<BarRow> = keys
        .iter()
        .take(top)
        .map(|&(k, b, a)| row(k.to_owned(), b, a))
        .collect();
    if keys.len() > top {
        let rest = &keys[top..];
        let (b, a) = rest.iter().fold((0, 0), |(b, a), k| (b + k.1, a + k.2));
        rows.push(row(format!("other ({} more)", rest.len()), b, a));
    }
    rows
}

fn push_repositories(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Subsection("Data shards and repositories".to_owned()));
    let mut shards = Table::new(&[
        ("Shard", Align::Left),
        ("Rows", Align::Right),
        ("Repositories", Align::Right),
        ("Rows without repository", Align::Right),
        ("Rows by input", Align::Left),
        ("Rows by license", Align::Left),
    ]);
    let data: Vec<&OutputEntry> = m.outputs.iter().filter(|o| o.provenance.is_some()).collect();
    for output in &data {
        let Some(p) = &output.provenance else { continue };
        shards.row(vec![
            vec![code(&output.path)],
            vec![num(p.documents)],
            vec![num(p.repositories)],
            vec![num(p.without_repository)],
            pairs(p.inputs.iter().map(|(k, v)| (k.as_str(), *v))),
            pairs(by_count(&p.licenses).into_iter()),
        ]);
    }
    out.push(Block::Table(shards));
    for output in data {
        let Some(p) = &output.provenance else { continue };
        out.push(Block::Para(vec![
            text("Repositories with the most rows in "),
            code(&output.path),
            text(format!(
                " (the {} largest of {}; the manifest lists up to 1000 per shard):",
                p.top_repositories.len().min(TOP_REPOSITORIES),
                p.repositories
            )),
        ]));
        let mut table = Table::new(&[("Repository", Align::Left), ("Rows", Align::Right)]);
        for r in p.top_repositories.iter().take(TOP_REPOSITORIES) {
            table.row(vec![vec![text(&r.repo)], vec![num(r.documents)]]);
        }
        out.push(Block::Table(table));
    }
}

/// `key: n; key: n` in one cell.
fn pairs<'a>(entries: impl Iterator<Item = (&'a str, u64)>) -> Vec<Inline> {
    let parts: Vec<String> = entries.map(|(k, v)| format!("{k}: {v}")).collect();
    vec![text(parts.join("; "))]
}

fn push_prompts(out: &mut Vec<Block>) {
    out.push(Block::Prompt(
        "Is the dataset a sample from a larger set? If so, what is the larger set, and is the sample representative of it (how was this checked)?",
    ));
    out.push(Block::Prompt(
        "Are there recommended data splits (training, validation, test)? If so, describe them and why they were made.",
    ));
}

/// Personal and offensive content: in Composition here, in sections of
/// their own in the dataset card.
pub fn push_sensitive_prompts(out: &mut Vec<Block>) {
    out.push(Block::Prompt(
        "Does the dataset contain personal or confidential information (names, e-mail addresses, credentials, keys or other secrets in code)? How was this checked, and what was removed?",
    ));
    out.push(Block::Prompt(
        "Does the dataset contain data that, if viewed directly, might be offensive, insulting or threatening? Does it identify individuals (for example authors in comments or license headers)?",
    ));
}
