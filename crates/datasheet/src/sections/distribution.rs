//! Distribution: the files, their hashes, the Merkle root, and how to check
//! them.

use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::ReleaseFile;

use super::human_bytes;
use crate::doc::{Align, Block, Table, code, num, text};

pub fn push(m: &Manifest, release: Option<&ReleaseFile>, out: &mut Vec<Block>) {
    out.push(Block::Section {
        id: "distribution",
        title: "Distribution",
    });
    body(m, release, out);
}

/// The section without its heading: the dataset card puts it under a
/// heading of its own.
pub fn body(m: &Manifest, release: Option<&ReleaseFile>, out: &mut Vec<Block>) {
    out.push(Block::Para(vec![
        text("The dataset is these files, next to "),
        code("manifest.json"),
        text(" (data shards of kept documents, and the ledger of every removed or rejected document):"),
    ]));
    out.push(Block::Table(outputs_table(m)));
    out.push(Block::Para(vec![
        text(format!("Merkle root over the {} files: ", m.merkle.leaves)),
        code(&m.merkle.root),
        text(". Construction: "),
        text(&m.merkle.construction),
        text("."),
    ]));
    if let Some(c) = &m.commitments {
        out.push(Block::Para(vec![
            text("Document-level commitments let the creators answer whether a file, or a near copy of it, is in the data without releasing it: "),
            code("corpusledger prove"),
            text(" answers with proofs that "),
            code("corpusledger check-proof"),
            text(format!(
                " checks against this manifest alone (docs/disclosure.md). Kept documents: root {} over {} leaves; removed documents: root {} over {}; band keys of kept texts: root {} over {}.",
                c.kept.root, c.kept.leaves, c.removed.root, c.removed.leaves, c.bands.root, c.bands.leaves
            )),
        ]));
    }
    if let Some(release) = release {
        push_withheld(m, release, out);
    }
    out.push(Block::Subsection("How to check this dataset".to_owned()));
    out.push(Block::List(vec![
        vec![
            text("Run "),
            code("corpusledger verify DIR"),
            text(
                " on the dataset directory: it recomputes the SHA-256 of every file listed above and the Merkle \
                 root, checks that the counts add up, and names every difference.",
            ),
        ],
        vec![
            text("Without corpusledger: "),
            code("sha256sum"),
            text(" each file and compare it with the table. The Merkle root identifies the whole list of files, so one published hash pins this release."),
        ],
        vec![
            text("Rebuild this datasheet from the manifest with "),
            code("corpusledger datasheet DIR"),
            text(": the same manifest gives the same datasheet."),
        ],
    ]));
    push_prompts(out);
}

/// What a partial release leaves out, as its `RELEASE.json` declares.
fn push_withheld(m: &Manifest, release: &ReleaseFile, out: &mut Vec<Block>) {
    out.push(Block::Subsection("Withheld from this release".to_owned()));
    let rows: u64 = release.withheld.iter().map(|w| w.rows).sum();
    let bytes: u64 = release.withheld.iter().map(|w| w.bytes).sum();
    out.push(Block::Para(vec![
        text("This directory is a partial release, made by "),
        code("corpusledger release"),
        text(format!(
            ": the manifest, the table above and the Merkle root describe the whole dataset, but it leaves out \
             {} of the {} files ({rows} rows, {}). ",
            release.withheld.len(),
            m.outputs.len(),
            human_bytes(bytes),
        )),
        code("RELEASE.json"),
        text(" lists them with the rules that withheld them, and "),
        code("corpusledger verify"),
        text(" reports each as file-withheld while it checks every file that is here against the manifest."),
    ]));
    let mut table = Table::new(&[
        ("File", Align::Left),
        ("Rows", Align::Right),
        ("Bytes", Align::Right),
        ("Withheld by", Align::Left),
    ]);
    for file in &release.withheld {
        let mut why = Vec::new();
        for (i, because) in file.because.iter().enumerate() {
            if i > 0 {
                why.push(text("; "));
            }
            why.push(code(&because.rule));
            why.push(text(format!(" ({})", because.matched.join(", "))));
        }
        table.row(vec![
            vec![code(&file.path)],
            vec![num(file.rows)],
            vec![num(file.bytes)],
            why,
        ]);
    }
    out.push(Block::Table(table));
}

fn outputs_table(m: &Manifest) -> Table {
    let mut table = Table::new(&[
        ("File", Align::Left),
        ("Kind", Align::Left),
        ("Rows", Align::Right),
        ("Bytes", Align::Right),
        ("SHA-256", Align::Left),
    ]);
    for output in &m.outputs {
        table.row(vec![
            vec![code(&output.path)],
            vec![text(&output.kind)],
            vec![num(output.rows)],
            vec![num(output.bytes)],
            vec![code(&output.sha256)],
        ]);
    }
    table
}

fn push_prompts(out: &mut Vec<Block>) {
    out.push(Block::Prompt(
        "Will the dataset be distributed to third parties outside the entity that created it? How (archive, website, API, dataset hub), and does it have a DOI?",
    ));
    out.push(Block::Prompt("When will the dataset be distributed?"));
    out.push(Block::Prompt(
        "Under which license or terms of use is the dataset distributed, and how do they respect the licenses of the documents in it (see Composition)?",
    ));
    out.push(Block::Prompt(
        "Have third parties imposed IP-based or other restrictions on the data? Do export controls or other regulatory restrictions apply?",
    ));
}
