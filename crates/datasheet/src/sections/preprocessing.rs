//! Preprocessing, cleaning and labeling: what was rejected and removed, and
//! the configuration of the run. Deduplication and licensing follow in
//! their own subsections ([`super::dedup`], [`super::licensing`]).

use corpusledger_manifest::Manifest;

use crate::charts::{BarRow, Bars, Chart, Kind, Series, palette};
use crate::doc::{Align, Block, Table, code, num, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "preprocessing",
        title: "Preprocessing, cleaning and labeling",
    });
    body(m, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Para(vec![
        text(
            "Documents that could not be used (binary, not UTF-8, empty, too large, unreadable, unparseable) were \
             rejected on reading; opted-out and license-denied documents were removed before deduplication, and \
             duplicates after it. Every one is a row of the ledger ",
        ),
        code("removed.parquet"),
        text(
            " with its reason; nothing is dropped silently. Each kept document is labelled with its language and \
             its declared, detected, header and concluded license, with the evidence for each.",
        ),
    ]));
    out.push(Block::Table(reasons_table(m)));
    out.push(Block::Chart(reasons_chart(m)));
    push_filters(m, out);
    out.push(Block::Subsection("Configuration of the run".to_owned()));
    out.push(Block::Para(vec![text(
        "The effective configuration, as recorded in the manifest (settings that do not change the output, such \
         as the thread count, are left out):",
    )]));
    out.push(Block::Code {
        lang: "json",
        text: serde_json::to_string_pretty(&m.config).unwrap_or_else(|_| m.config.to_string()),
    });
    out.push(Block::Prompt(
        "Was any cleaning or filtering done outside corpusledger (e.g. removal of secrets, personal data, generated or minified files)? If so, describe it.",
    ));
    out.push(Block::Prompt(
        "Was the raw data saved in addition to the preprocessed data? If so, where can it be obtained? (The input digests under Collection process identify it.)",
    ));
}

fn reasons_table(m: &Manifest) -> Table {
    let mut table = Table::new(&[
        ("Outcome", Align::Left),
        ("Reason", Align::Left),
        ("Documents", Align::Right),
        ("Share", Align::Right),
    ]);
    let total = m.counts.documents;
    table.row(vec![
        vec![text("kept")],
        vec![text("")],
        vec![num(m.counts.kept)],
        vec![text(super::share(m.counts.kept, total))],
    ]);
    for (outcome, reasons) in [("removed", &m.counts.removed), ("rejected", &m.counts.rejected)] {
        for (reason, &n) in reasons {
            table.row(vec![
                vec![text(outcome)],
                vec![text(reason)],
                vec![num(n)],
                vec![text(super::share(n, total))],
            ]);
        }
    }
    table.row(vec![
        vec![text("documents read")],
        vec![text("")],
        vec![num(total)],
        vec![text(super::share(total, total))],
    ]);
    table
}

/// Removal and rejection reasons that occurred.
fn reasons_chart(m: &Manifest) -> Chart {
    let mut rows = Vec::new();
    for (series, reasons) in [(0, &m.counts.removed), (1, &m.counts.rejected)] {
        for (reason, &n) in reasons.iter().filter(|(_, n)| **n > 0) {
            rows.push(BarRow {
                label: reason.clone(),
                values: vec![(series, n)],
            });
        }
    }
    Chart {
        id: "reasons",
        title: "Documents removed and rejected, by reason".to_owned(),
        caption:
            "Reasons with at least one document: removed (duplicates, opt-out, license policy) and rejected on reading."
                .to_owned(),
        kind: Kind::Bars(Bars {
            x_label: "documents".to_owned(),
            y_label: "reason".to_owned(),
            series: vec![
                Series {
                    name: "removed".to_owned(),
                    color: palette::REMOVED,
                },
                Series {
                    name: "rejected".to_owned(),
                    color: palette::REJECTED,
                },
            ],
            rows,
        }),
    }
}

/// What the content filters did (secrets, personal data, generated,
/// vendored and low-quality files), when any ran.
fn push_filters(m: &Manifest, out: &mut Vec<Block>) {
    let Some(f) = &m.filters else { return };
    out.push(Block::Subsection("Content filters".to_owned()));
    let actions: Vec<String> = f.actions.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    out.push(Block::Para(vec![
        text("Filters and their actions: "),
        text(actions.join(", ")),
        text(format!(
            ". Low quality means a line over {} characters, lines over {} characters on average, or under {} of \
             the characters alphanumeric (The Stack's thresholds). Secret rules: {}. ",
            f.max_line_length, f.max_mean_line_length, f.min_alnum_fraction, f.secret_rules
        )),
        text(format!(
            "{} document(s) were published with spans redacted ({} span(s), each a row of ",
            f.redacted_documents,
            f.redactions.values().sum::<u64>()
        )),
        code("redactions.parquet"),
        text(" with the SHA-256 of what it replaced, never the text)."),
    ]));
    if !f.removed.is_empty() {
        out.push(Block::Table(super::count_table(
            "Removed by rule",
            "Documents",
            &f.removed,
        )));
    }
    if !f.redactions.is_empty() {
        out.push(Block::Table(super::count_table(
            "Redacted by rule",
            "Spans",
            &f.redactions,
        )));
    }
    if let Some(flagged) = f.flagged_documents {
        let mut para = vec![text(format!(
            "{flagged} kept document(s) carry flags: what a filter whose action is `flag` found stays in the \
             text and is listed, with its rule, line and byte span, in the data shards' column(s) "
        ))];
        for (i, column) in f.flag_columns.iter().enumerate() {
            if i > 0 {
                para.push(text(", "));
            }
            para.push(code(column));
        }
        para.push(text("."));
        out.push(Block::Para(para));
        if !f.flags.is_empty() {
            out.push(Block::Table(super::count_table("Flagged by rule", "Flags", &f.flags)));
        }
    }
}
