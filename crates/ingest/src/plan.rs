use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::tree::{self, TreeEntry};
use crate::{Error, IngestConfig, Result};
use corpusledger_model::Rejection;

/// What kind of input a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum InputKind {
    /// A directory tree of repositories.
    Tree,
    /// A JSONL file, plain, `.gz` or `.zst`.
    Jsonl,
    /// A Parquet file in The Stack's layout.
    Parquet,
    /// A Stack Exchange dump's `Posts.xml` (plain, `.gz`, `.zst`), or a
    /// `.7z` archive holding it.
    StackExchange,
}

impl InputKind {
    /// The name used in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Tree => "tree",
            InputKind::Jsonl => "jsonl",
            InputKind::Parquet => "parquet",
            InputKind::StackExchange => "stackexchange",
        }
    }
}

/// One input named on the command line.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Input {
    /// The path as given, normalised: part of every document id.
    pub label: std::sync::Arc<str>,
    /// The path to read.
    pub path: PathBuf,
    /// Its kind, or `None` when it could not be used.
    pub kind: InputKind,
    /// Why the input could not be used at all (missing, unknown format).
    pub error: Option<String>,
}

/// A piece of work: a batch of files of one tree, or one data file.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    /// Index into [`Plan::inputs`].
    pub input_idx: usize,
    /// For trees, the files of this unit, in order; empty otherwise.
    pub files: Vec<TreeEntry>,
}

/// The inputs, listed once, and the units to read them in.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// Inputs sorted by label.
    pub inputs: Vec<Input>,
    /// Units in read order.
    pub units: Vec<Unit>,
    /// Entries found while listing that are not documents to read
    /// (unreadable directories, links out of the root, FIFOs).
    pub rejections: Vec<Rejection>,
}

impl Input {
    /// A rejection of something read from this input with no content to
    /// hash: at `key` (empty for the input file itself) and line or row.
    pub(crate) fn reject(&self, key: &str, row: u64, reason: corpusledger_model::Reason, detail: String) -> Rejection {
        Rejection {
            source: corpusledger_model::SourceRef {
                input: self.label.clone(),
                key: key.to_owned(),
                row,
                repo: None,
                path: None,
            },
            reason,
            detail,
            content_sha256: None,
            bytes: 0,
        }
    }
}

impl Plan {
    /// Inputs that could not be used at all.
    pub fn input_errors(&self) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(|input| input.error.is_some())
    }
}

/// Files of a tree per unit: small enough to spread over threads, large
/// enough that scheduling costs nothing.
const FILES_PER_UNIT: usize = 256;

/// Lists `paths` into a plan. A missing or unknown input is recorded in
/// [`Input::error`] and the others are still planned.
pub fn plan(paths: &[PathBuf], config: &IngestConfig) -> Result<Plan> {
    let mut inputs = Vec::with_capacity(paths.len());
    let mut seen = BTreeSet::new();
    for path in paths {
        let label = label_of(path);
        if !seen.insert(label.clone()) {
            return Err(Error::DuplicateInput { label });
        }
        inputs.push(classify(label, path));
    }
    inputs.sort_by(|a, b| a.label.cmp(&b.label));

    let mut units = Vec::new();
    let mut rejections = Vec::new();
    for (input_idx, input) in inputs.iter().enumerate() {
        if input.error.is_some() {
            continue;
        }
        match input.kind {
            InputKind::Tree => {
                let listing = tree::list(input, config);
                rejections.extend(listing.rejections);
                for chunk in listing.entries.chunks(FILES_PER_UNIT) {
                    units.push(Unit {
                        input_idx,
                        files: chunk.to_vec(),
                    });
                }
            }
            InputKind::Jsonl | InputKind::Parquet | InputKind::StackExchange => units.push(Unit {
                input_idx,
                files: Vec::new(),
            }),
        }
    }
    Ok(Plan {
        inputs,
        units,
        rejections,
    })
}

/// The label of an input: its path as given, with `./` and trailing `/` gone
/// and separators as `/`, so the same command gives the same ids anywhere.
pub(crate) fn label_of(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    let joined = joined.strip_prefix("//").map(|s| format!("/{s}")).unwrap_or(joined);
    if joined.is_empty() { ".".to_owned() } else { joined }
}

fn classify(label: String, path: &Path) -> Input {
    let mut input = Input {
        label: label.into(),
        path: path.to_owned(),
        kind: InputKind::Tree,
        error: None,
    };
    match std::fs::metadata(path) {
        Err(err) => {
            input.error = Some(format!(
                "cannot read input {}: {err}; check the path, or leave it out",
                path.display()
            ));
        }
        Ok(meta) if meta.is_dir() => input.kind = InputKind::Tree,
        Ok(_) => match kind_of_file(path) {
            Some(kind) => input.kind = kind,
            None => {
                input.error = Some(format!(
                    "{}: unknown input format; give a directory, a .jsonl/.jsonl.gz/.jsonl.zst or a .parquet file, \
                     a Stack Exchange Posts.xml (.gz, .zst) or a dump's .7z archive",
                    path.display()
                ));
            }
        },
    }
    input
}

fn kind_of_file(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".7z") {
        return Some(InputKind::StackExchange);
    }
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        Some(InputKind::Jsonl)
    } else if name.ends_with(".parquet") {
        Some(InputKind::Parquet)
    } else if name.ends_with("posts.xml") {
        Some(InputKind::StackExchange)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_normalised() {
        assert_eq!(label_of(Path::new("./sample-data/repos/")), "sample-data/repos");
        assert_eq!(label_of(Path::new("a//b")), "a/b");
        assert_eq!(label_of(Path::new("/abs/x")), "/abs/x");
        assert_eq!(label_of(Path::new(".")), ".");
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of_file(Path::new("x.jsonl.zst")), Some(InputKind::Jsonl));
        assert_eq!(kind_of_file(Path::new("x.JSONL.gz")), Some(InputKind::Jsonl));
        assert_eq!(kind_of_file(Path::new("x.parquet")), Some(InputKind::Parquet));
        assert_eq!(kind_of_file(Path::new("x.tar")), None);
        assert_eq!(kind_of_file(Path::new("Posts.xml")), Some(InputKind::StackExchange));
        assert_eq!(
            kind_of_file(Path::new("a/stackoverflow.com-Posts.xml.zst")),
            Some(InputKind::StackExchange)
        );
        assert_eq!(kind_of_file(Path::new("posts.XML.gz")), Some(InputKind::StackExchange));
        assert_eq!(
            kind_of_file(Path::new("math.stackexchange.com.7z")),
            Some(InputKind::StackExchange)
        );
        assert_eq!(kind_of_file(Path::new("Users.xml")), None);
    }
}
