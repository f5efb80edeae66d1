use std::path::PathBuf;

/// How inputs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngestConfig {
    /// For directory inputs without `.git` markers, the depth of the folder
    /// that is a repository (1: each top-level folder).
    pub repo_depth: usize,
    /// Documents larger than this are rejected as `too-large`.
    pub max_file_bytes: u64,
    /// A batch handed to the sink holds about this many bytes of content.
    pub batch_bytes: usize,
    /// Field names of JSONL inputs.
    pub jsonl: JsonlFields,
    /// How Stack Exchange `Posts.xml` inputs become documents.
    pub stackexchange: StackExchangeConfig,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            repo_depth: 1,
            max_file_bytes: 1 << 20,
            batch_bytes: 8 << 20,
            jsonl: JsonlFields::default(),
            stackexchange: StackExchangeConfig::default(),
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

/// How a Stack Exchange dump (`Posts.xml`) is read: which posts, and what a
/// document is. Rows left out by these settings become `filtered` rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackExchangeConfig {
    /// The site's address, like `https://stackoverflow.com`, for credits;
    /// `None`: from the file name, else `https://stackoverflow.com`.
    /// [`StackExchangeConfig::parse_site`] normalises a value.
    pub site: Option<String>,
    /// The site's `Users.xml` (plain, `.gz`, `.zst` or a `.7z` holding it),
    /// for authors' display names; `None`: authors are `user N`, or the
    /// dump's `OwnerDisplayName`.
    pub users: Option<PathBuf>,
    /// What a document is.
    pub mode: SeMode,
    /// Keep only questions with any of these tags and the answers to them;
    /// empty: all. Compared without case.
    pub tags: Vec<String>,
    /// Keep only posts with at least this score.
    pub min_score: Option<i64>,
    /// The post types to keep; empty counts as both.
    pub post_types: Vec<SePostType>,
    /// Keep only posts (post mode) or code blocks (code-block mode) with at
    /// least this many bytes of code.
    pub min_code_bytes: u64,
    /// Question-answer mode holds questions until their accepted answer is
    /// read; past this many bytes of held text, the oldest is let go.
    pub qa_window_bytes: u64,
    /// The language a question's tags name, if any: answers, which carry
    /// no tags, take their question's (when it was read before them).
    /// `None`: answers have no language from the dump.
    pub tag_language: Option<TagLanguage>,
}

/// Which language a list of tags names (GitHub linguist's name), as the
/// caller decides it.
#[derive(Clone, Copy)]
pub struct TagLanguage(pub fn(&[&str]) -> Option<&'static str>);

impl std::fmt::Debug for TagLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TagLanguage")
    }
}

/// Two settings are equal when they name the same function.
impl PartialEq for TagLanguage {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for TagLanguage {}

impl Default for StackExchangeConfig {
    fn default() -> Self {
        StackExchangeConfig {
            site: None,
            users: None,
            mode: SeMode::Post,
            tags: Vec::new(),
            min_score: None,
            post_types: vec![SePostType::Question, SePostType::Answer],
            min_code_bytes: 0,
            qa_window_bytes: 1 << 30,
            tag_language: None,
        }
    }
}

impl StackExchangeConfig {
    /// Normalises a site setting: `stackoverflow.com` or
    /// `https://stackoverflow.com/` both give `https://stackoverflow.com`.
    ///
    /// ```
    /// use corpusledger_ingest::StackExchangeConfig;
    /// assert_eq!(StackExchangeConfig::parse_site("superuser.com/").unwrap(), "https://superuser.com");
    /// assert!(StackExchangeConfig::parse_site("https://").is_err());
    /// ```
    pub fn parse_site(value: &str) -> Result<String, String> {
        let value = value.trim();
        let (scheme, host) = value.split_once("://").unwrap_or(("https", value));
        let host = host.trim_end_matches('/');
        let host_ok = host.starts_with(|c: char| c.is_ascii_alphanumeric())
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !matches!(scheme, "http" | "https") || !host_ok {
            return Err(format!(
                "site `{value}` is not a site address; give one like https://stackoverflow.com"
            ));
        }
        Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
    }

    /// Checks settings that only make sense together; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.mode == SeMode::QuestionAnswer && !self.post_types.is_empty() && self.post_types.len() < 2 {
            return Err(
                "stackexchange mode = question-answer needs both post types; leave post-types unset".to_owned(),
            );
        }
        if self.mode == SeMode::QuestionAnswer && self.qa_window_bytes == 0 {
            return Err("qa-window-bytes = 0 holds no question; give a size like 1073741824 (1 GiB)".to_owned());
        }
        if self.tags.iter().any(|tag| tag.trim().is_empty()) {
            return Err("tags has an empty entry; give tag names like `rust`".to_owned());
        }
        Ok(())
    }
}

/// What a Stack Exchange document is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SeMode {
    /// One document per question (title and text) or answer.
    #[default]
    Post,
    /// One document per code block (`<pre>`) of a question or answer.
    CodeBlock,
    /// One document per question joined with its accepted answer.
    QuestionAnswer,
}

impl SeMode {
    /// Parses `post`, `code-block` or `question-answer`.
    ///
    /// ```
    /// use corpusledger_ingest::SeMode;
    /// assert_eq!(SeMode::parse("code-block"), Ok(SeMode::CodeBlock));
    /// assert!(SeMode::parse("posts").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<SeMode, String> {
        match value.trim() {
            "post" => Ok(SeMode::Post),
            "code-block" => Ok(SeMode::CodeBlock),
            "question-answer" => Ok(SeMode::QuestionAnswer),
            other => Err(format!(
                "unknown stackexchange mode `{other}`; use post, code-block or question-answer"
            )),
        }
    }

    /// The name [`SeMode::parse`] accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            SeMode::Post => "post",
            SeMode::CodeBlock => "code-block",
            SeMode::QuestionAnswer => "question-answer",
        }
    }
}

/// A kind of Stack Exchange post that can become a document. The other
/// kinds (tag wikis, nominations, ...) are always filtered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SePostType {
    /// `PostTypeId` 1.
    Question,
    /// `PostTypeId` 2.
    Answer,
}

impl SePostType {
    /// Parses `question` or `answer`.
    ///
    /// ```
    /// use corpusledger_ingest::SePostType;
    /// assert_eq!(SePostType::parse("answer"), Ok(SePostType::Answer));
    /// assert!(SePostType::parse("wiki").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<SePostType, String> {
        match value.trim() {
            "question" => Ok(SePostType::Question),
            "answer" => Ok(SePostType::Answer),
            other => Err(format!("unknown post type `{other}`; use question or answer")),
        }
    }

    /// The name [`SePostType::parse`] accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            SePostType::Question => "question",
            SePostType::Answer => "answer",
        }
    }
}
