//! The dataset card's body: the headings of the Hugging Face dataset card
//! template, filled with the datasheet's own sections (the same functions
//! write both documents) and with what only the card has: the licenses as
//! the Hub's ids, the configs `datasets` loads, risks and limitations, and
//! the citation.

use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::ReleaseFile;

use super::{
    by_count, changes, collection, composition, dedup, distribution, licensing, maintenance, motivation, preprocessing,
    share, uses,
};
use crate::card::licenses::{HubLicenses, of_expression};
use crate::card::{DATA_FILES, LEDGER_FILE, SPLIT, pretty_name};
use crate::doc::{Align, Block, Table, code, num, text};

/// Every block of the card's body, in order.
pub fn build(m: &Manifest, hub: &HubLicenses, release: Option<&ReleaseFile>) -> Vec<Block> {
    let mut out = Vec::new();
    push_overview(m, &mut out);
    section(&mut out, "dataset-details", "Dataset Details");
    out.push(Block::Subsection("Dataset Description".to_owned()));
    motivation::body(m, &mut out);
    push_licenses(m, hub, &mut out);
    out.push(Block::Subsection("Dataset Sources".to_owned()));
    out.push(Block::Prompt(
        "Where is the dataset published (repository, paper, demo)? Give the links.",
    ));
    section(&mut out, "uses", "Uses");
    uses::body(m, &mut out);
    section(&mut out, "dataset-structure", "Dataset Structure");
    push_configs(m, &mut out);
    composition::body(m, &mut out);
    section(&mut out, "dataset-creation", "Dataset Creation");
    out.push(Block::Subsection("Source Data".to_owned()));
    out.extend(demoted(|out| collection::body(m, out)));
    out.push(Block::Subsection("Data Collection and Processing".to_owned()));
    out.extend(demoted(|out| {
        preprocessing::body(m, out);
        dedup::push(m, out);
        licensing::push(m, out);
    }));
    section(
        &mut out,
        "personal-and-sensitive-information",
        "Personal and Sensitive Information",
    );
    composition::push_sensitive_prompts(&mut out);
    section(&mut out, "bias-risks-and-limitations", "Bias, Risks, and Limitations");
    push_limitations(m, &mut out);
    section(&mut out, "distribution", "Distribution");
    distribution::body(m, release, &mut out);
    section(&mut out, "maintenance", "Maintenance");
    maintenance::body(m, &mut out);
    if changes::applies(m) {
        section(&mut out, "changes", "Changes since the previous version");
        changes::body(m, &mut out);
    }
    section(&mut out, "citation", "Citation");
    out.push(Block::Prompt(
        "If a paper or blog post introduces the dataset, give its citation (BibTeX and APA).",
    ));
    out
}

fn section(out: &mut Vec<Block>, id: &'static str, title: &'static str) {
    out.push(Block::Section { id, title });
}

/// The blocks `push` writes, each subsection one level down: the card puts
/// a datasheet section under a subsection of its own.
fn demoted(push: impl FnOnce(&mut Vec<Block>)) -> Vec<Block> {
    let mut blocks = Vec::new();
    push(&mut blocks);
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Subsection(title) => Block::Minor(title),
            block => block,
        })
        .collect()
}

fn push_overview(m: &Manifest, out: &mut Vec<Block>) {
    out.push(Block::Title(format!("Dataset Card for {}", pretty_name(m))));
    out.push(Block::Prompt(
        "Name the dataset and give its version, and the date it was published.",
    ));
    out.push(Block::Para(vec![
        text("This card is written from "),
        code("manifest.json"),
        text(" by "),
        code(format!("{} {}", m.tool.name, m.tool.version)),
        text(" ("),
        code(&m.tool.build),
        text(
            "): every number in it comes from the manifest, and the same manifest gives the same card. Its sections \
             are those of the datasheet ",
        ),
        code("DATASHEET.md"),
        text(" (\"Datasheets for Datasets\", Gebru et al., 2021; written by "),
        code(format!("{} datasheet", m.tool.name)),
        text(format!(
            "): {}. Questions that only the dataset's creators can answer are marked ",
            super::SECTION_MAP
        )),
        code(crate::TO_ANSWER),
        text(": answer each one before publishing."),
    ]));
    out.push(Block::Figures(super::overview::figures(m)));
}

/// The license field explained, expression by expression.
fn push_licenses(m: &Manifest, hub: &HubLicenses, out: &mut Vec<Block>) {
    out.push(super::lead(
        "License:",
        vec![text(
            "each document keeps its own license; the dataset has no single one. The card's license field lists the \
             Hugging Face Hub ids of the kept documents' concluded licenses, most documents first: an expression \
             such as Apache-2.0 OR MIT gives each of its ids, an id that is not on the Hub's list gives other, and \
             NOASSERTION (no known license) gives unknown.",
        )],
    ));
    let mut table = Table::new(&[
        ("Concluded license", Align::Left),
        ("Kept documents", Align::Right),
        ("Share", Align::Right),
        ("On the Hub", Align::Left),
    ]);
    for (expression, n) in by_count(&m.licenses) {
        let ids: Vec<String> = of_expression(expression).iter().map(|l| l.id().to_owned()).collect();
        table.row(vec![
            vec![text(expression)],
            vec![num(n)],
            vec![text(share(n, m.counts.kept))],
            vec![code(ids.join(", "))],
        ]);
    }
    out.push(Block::Table(table));
    if let Some((name, link)) = hub.other_name_and_link() {
        out.push(Block::Para(vec![
            text("Not on the Hub's list (license_name "),
            code(name),
            text(", license_link "),
            code(link),
            text(format!("): {}.", hub.other.join(", "))),
        ]));
    }
}

/// The configs of the front matter, and how to load them.
fn push_configs(m: &Manifest, out: &mut Vec<Block>) {
    let mut configs = vec![
        vec![
            code("default"),
            text(": the kept documents, one row each, from the data shards "),
            code(DATA_FILES),
            text(format!(" ({} rows).", m.counts.kept)),
        ],
        vec![
            code("removed"),
            text(": the ledger "),
            code(LEDGER_FILE),
            text(", one row per removed or rejected document with its reason"),
            text(format!(" ({} rows).", ledger_rows(m))),
        ],
    ];
    if let Some(a) = &m.attribution {
        configs.push(vec![
            code("attribution"),
            text(": "),
            code(&a.file),
            text(format!(", the credit every post requires ({} rows).", a.rows)),
        ]);
    }
    out.push(Block::Para(vec![
        text("The data are Parquet files. Each config of the card is one of them or one set, with a single split, "),
        code(SPLIT),
        text(":"),
    ]));
    out.push(Block::List(configs));
    out.push(Block::Code {
        lang: "python",
        text: "from datasets import load_dataset\n\n\
               kept = load_dataset(\"DIR\")  # this directory, or the dataset's Hub id\n\
               removed = load_dataset(\"DIR\", \"removed\")"
            .to_owned(),
    });
    out.push(Block::Para(vec![
        code("index/lookup.parquet"),
        text(" is the lookup index of "),
        code("corpusledger lookup"),
        text(", in no config."),
    ]));
}

/// Rows of the ledger: every removed and rejected document.
fn ledger_rows(m: &Manifest) -> u64 {
    m.counts.removed.values().sum::<u64>() + m.counts.rejected.values().sum::<u64>()
}

fn push_limitations(m: &Manifest, out: &mut Vec<Block>) {
    let d = &m.dedup;
    let kept = m.counts.kept;
    let noassertion = m.licensing.signals.get("noassertion").copied().unwrap_or(0);
    let copyleft = m.license_categories.get("copyleft").copied().unwrap_or(0);
    let miss = match &d.recall_at_threshold {
        Some(reached) => format!(
            " A pair at exactly the threshold becomes a candidate with probability {reached} (the recall target was {}).",
            d.recall_target.as_deref().unwrap_or("not recorded")
        ),
        None => String::new(),
    };
    let mut items = vec![
        vec![text(format!(
            "Near duplicates less similar than the Jaccard threshold {} stay in the data, and a pair above it can \
             be missed: it becomes a candidate with the probability the S-curve gives ({} bands x {} rows).{miss}",
            d.threshold, d.bands, d.rows
        ))],
        vec![text(format!(
            "Licenses are decided automatically from files and headers: {noassertion} kept documents ({}) have no \
             known license, {copyleft} ({}) are under copyleft licenses, and {} duplicate clusters mix license \
             categories. A license the detector does not recognise, or a file copied without its license, gets a \
             wrong or missing label.",
            share(noassertion, kept),
            share(copyleft, kept),
            m.licensing.conflicts.clusters
        ))],
    ];
    if let Some((language, n)) = by_count(&m.languages).into_iter().next() {
        items.push(vec![text(format!(
            "Languages follow the inputs, not a plan: the most common, {language}, is {} of the kept documents.",
            share(n, kept)
        ))]);
    }
    out.push(Block::List(items));
    out.push(Block::Prompt(
        "What other biases, risks or limitations are known (sources, time span, generated or vendored code, secrets)?",
    ));
    out.push(Block::Subsection("Recommendations".to_owned()));
    out.push(Block::Prompt(
        "What should users of the dataset do about these risks and limitations?",
    ));
}
