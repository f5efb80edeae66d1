//! The card's YAML front matter: what the Hugging Face Hub and `datasets`
//! read. Every string that comes from the manifest is written as a
//! double-quoted scalar in plain ASCII, so none can end the front matter or
//! add a key.

use std::fmt::Write as _;

use corpusledger_manifest::Manifest;

use super::licenses::HubLicenses;

/// The data shards, as the default config's files. The writer names every
/// shard `data/part-NNNNN.parquet`; the pattern matches neither the ledger
/// nor `index/lookup.parquet`, nor a temporary `.parquet.tmp`.
pub const DATA_FILES: &str = "data/part-*.parquet";

/// The ledger of removed and rejected documents, the `removed` config.
pub const LEDGER_FILE: &str = "removed.parquet";

/// The one split of every config.
pub const SPLIT: &str = "train";

/// The front matter, from the opening `---` to the closing one and its
/// line break.
pub fn render(m: &Manifest, hub: &HubLicenses) -> String {
    let mut yaml = String::from("---\n");
    yaml.push_str(super::CARD_MARKER);
    yaml.push('\n');
    let _ = writeln!(yaml, "pretty_name: {}", quote(&pretty_name(m)));
    if !hub.ids.is_empty() {
        yaml.push_str("license:\n");
        for id in &hub.ids {
            let _ = writeln!(yaml, "- {id}");
        }
    }
    if let Some((name, link)) = hub.other_name_and_link() {
        let _ = writeln!(yaml, "license_name: {}", quote(&name));
        let _ = writeln!(yaml, "license_link: {}", quote(&link));
    }
    let _ = writeln!(yaml, "size_categories:\n- {}", size_category(m.counts.kept));
    yaml.push_str("task_categories:\n- text-generation\n");
    yaml.push_str("tags:\n- code\n- corpusledger\n- deduplicated\n");
    yaml.push_str("configs:\n");
    push_config(&mut yaml, "default", DATA_FILES, true);
    push_config(&mut yaml, "removed", LEDGER_FILE, false);
    if let Some(attribution) = &m.attribution {
        push_config(&mut yaml, "attribution", &attribution.file, false);
    }
    yaml.push_str("---\n");
    yaml
}

/// The card's name for the dataset: the tool and the start of the Merkle
/// root, which identifies this release. The creators give it a better one.
pub fn pretty_name(m: &Manifest) -> String {
    let root: String = m.merkle.root.chars().take(12).collect();
    format!("{} dataset {root}", m.tool.name)
}

fn push_config(yaml: &mut String, name: &str, path: &str, default: bool) {
    let _ = writeln!(yaml, "- config_name: {name}");
    if default {
        yaml.push_str("  default: true\n");
    }
    let _ = writeln!(yaml, "  data_files:\n  - split: {SPLIT}\n    path: {}", quote(path));
}

/// The Hub's size category of a dataset of `n` rows.
pub fn size_category(n: u64) -> &'static str {
    const BUCKETS: [(u64, &str); 10] = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
        (1_000_000_000, "100M<n<1B"),
        (10_000_000_000, "1B<n<10B"),
        (100_000_000_000, "10B<n<100B"),
        (1_000_000_000_000, "100B<n<1T"),
    ];
    BUCKETS
        .iter()
        .find(|(below, _)| n < *below)
        .map_or("n>1T", |(_, category)| category)
}

/// A YAML double-quoted scalar in printable ASCII: quotes and backslashes
/// escaped, every other character outside printable ASCII as `\u` or `\U`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08x}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}
