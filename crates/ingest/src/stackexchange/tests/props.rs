//! Every row is accounted for exactly once, whatever the mix of rows.

use proptest::prelude::*;

use super::{answer, dump, question, read_xml};
use crate::IngestConfig;

/// A kind of line in a generated dump.
#[derive(Clone, Copy, Debug)]
enum RowKind {
    Question,
    Answer,
    BareAmpersand,
    UnclosedQuote,
    NeverClosed,
    Junk,
    NoBody,
    BadDate,
    TagWiki,
    Blank,
}

fn row_kind() -> impl Strategy<Value = RowKind> {
    prop_oneof![
        3 => Just(RowKind::Question),
        3 => Just(RowKind::Answer),
        1 => Just(RowKind::BareAmpersand),
        1 => Just(RowKind::UnclosedQuote),
        1 => Just(RowKind::NeverClosed),
        1 => Just(RowKind::Junk),
        1 => Just(RowKind::NoBody),
        1 => Just(RowKind::BadDate),
        1 => Just(RowKind::TagWiki),
        1 => Just(RowKind::Blank),
    ]
}

/// The line for `kind` with post id `id`; `None` for a line that is no row.
fn line(kind: RowKind, id: u64) -> String {
    let date = r#"CreationDate="2019-01-01T00:00:00""#;
    match kind {
        RowKind::Question => question(id, "T", "<p>q &amp; a</p>", ""),
        RowKind::Answer => answer(id, 1, "<pre>x</pre>", ""),
        RowKind::BareAmpersand => format!(r#"<row Id="{id}" PostTypeId="2" {date} Body="a & b" />"#),
        RowKind::UnclosedQuote => format!(r#"<row Id="{id}" PostTypeId="2" {date} Body="abc />"#),
        RowKind::NeverClosed => format!(r#"<row Id="{id}" PostTypeId="2" {date} Body="abc"#),
        RowKind::Junk => format!("junk {id} &"),
        RowKind::NoBody => format!(r#"<row Id="{id}" PostTypeId="1" {date} />"#),
        RowKind::BadDate => format!(r#"<row Id="{id}" PostTypeId="2" CreationDate="2019-02-30T00:00:00" Body="x" />"#),
        RowKind::TagWiki => format!(r#"<row Id="{id}" PostTypeId="5" {date} Body="w" />"#),
        RowKind::Blank => String::new(),
    }
}

/// The rows the reader should see: blank lines are none, and the lines
/// after a row that is never closed belong to it until the next `<row`.
fn count_rows(kinds: &[RowKind]) -> usize {
    let mut n_rows = 0;
    let mut open = false;
    for kind in kinds {
        match kind {
            RowKind::Blank => {}
            RowKind::Junk if open => {}
            RowKind::NeverClosed => {
                n_rows += 1;
                open = true;
            }
            _ => {
                n_rows += 1;
                open = false;
            }
        }
    }
    n_rows
}

proptest! {
    #[test]
    fn every_row_is_accounted_for_once(kinds in proptest::collection::vec(row_kind(), 0..40)) {
        let lines: Vec<String> = kinds.iter().enumerate().map(|(idx, &kind)| line(kind, idx as u64 + 100)).collect();
        // Small batches, so batching is part of what is checked.
        let config = IngestConfig { batch_bytes: 16, ..IngestConfig::default() };
        let items = read_xml(&dump(&lines), &config);
        let n_rows = count_rows(&kinds);
        prop_assert_eq!(items.0.len(), n_rows);
        let good: Vec<(String, u64)> = kinds
            .iter()
            .enumerate()
            .filter_map(|(idx, kind)| {
                let id = idx as u64 + 100;
                let line = idx as u64 + 3;
                match kind {
                    RowKind::Question => Some((format!("q/{id}"), line)),
                    RowKind::Answer => Some((format!("a/{id}"), line)),
                    _ => None,
                }
            })
            .collect();
        let docs: Vec<(String, u64)> = items.docs().iter().map(|d| (d.source.key.clone(), d.source.row)).collect();
        prop_assert_eq!(docs, good);
        let mut rows: Vec<u64> = items.0.iter().map(|item| match item {
            crate::Item::Doc(doc) => doc.source.row,
            crate::Item::Rejected(rejected) => rejected.source.row,
        }).collect();
        rows.sort_unstable();
        rows.dedup();
        prop_assert_eq!(rows.len(), n_rows, "each row once, at its own line");
    }
}
