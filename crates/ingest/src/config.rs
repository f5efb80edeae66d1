/// How inputs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngestConfig {
    /// For directory inputs without `.git` markers, the depth of the folder
    /// that is a repository (1: each top-level folder).
    pub repo_depth: usize,
    /// Documents larger than this are rejected as `too-large`.
    pub max_file_bytes: u64,
    /// Files at least this large are memory-mapped instead of read.
    pub mmap_threshold: u64,
    /// A batch handed to the sink holds about this many bytes of content.
    pub batch_bytes: usize,
    /// Field names of JSONL inputs.
    pub jsonl: JsonlFields,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            repo_depth: 1,
            max_file_bytes: 1 << 20,
            mmap_threshold: 256 << 10,
            batch_bytes: 8 << 20,
            jsonl: JsonlFields::default(),
        }
    }
}

/// The JSONL field names; the first of `text` present is the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonlFields {
    /// Candidate names of the content field, tried in order.
    pub text: Vec<String>,
    /// The field holding the input's own id of the document.
    pub id: String,
    /// The repository field.
    pub repo: String,
    /// The path field.
    pub path: String,
    /// The license field (an SPDX expression, or a list of ids).
    pub license: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: vec!["text".to_owned(), "content".to_owned()],
            id: "id".to_owned(),
            repo: "repo".to_owned(),
            path: "path".to_owned(),
            license: "license".to_owned(),
        }
    }
}
