//! Opt-out lists: repositories, path globs and content hashes whose owners
//! asked to be left out.

use std::path::{Path, PathBuf};

use corpusledger_model::SourceRef;
use globset::{Glob, GlobMatcher};
use sha2::{Digest, Sha256};

/// One opt-out list file, parsed.
///
/// One entry per line, `#` starts a comment:
///
/// ```text
/// repo:acme/secret-project      # a repository, as the input names it (globs allowed)
/// path:**/vendor/private/**     # a path inside a repository (or inside the input)
/// sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
/// ```
///
/// ```
/// use corpusledger_provenance::OptOutList;
/// let list = OptOutList::parse("owners.txt".as_ref(), "repo:acme/*\n# note\nsha256:00\n").unwrap_err();
/// assert!(list.contains("owners.txt:3:"));
/// ```
#[derive(Debug)]
pub struct OptOutList {
    /// The file, as given.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    line: usize,
    rule: Rule,
}

#[derive(Debug)]
enum Rule {
    Repo(GlobMatcher),
    Path(GlobMatcher),
    Sha256([u8; 32]),
}

impl OptOutList {
    /// Reads and parses a list file; the error names the file and line.
    pub fn load(path: &Path) -> Result<OptOutList, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read opt-out list {}: {e}", path.display()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("opt-out list {} is not UTF-8 text", path.display()))?;
        OptOutList::parse(path, &text)
    }

    /// Parses a list's text.
    pub fn parse(path: &Path, text: &str) -> Result<OptOutList, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let at = |what: String| format!("{}:{}: {what}", path.display(), i + 1);
            let rule = parse_rule(line).map_err(at)?;
            entries.push(Entry { line: i + 1, rule });
        }
        Ok(OptOutList {
            path: path.to_owned(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
            bytes: text.len() as u64,
            entries,
        })
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first entry matching a document, as `file:line: entry`.
    pub fn matches(&self, source: &SourceRef, sha256: &[u8; 32]) -> Option<String> {
        let path = source.path.as_deref().unwrap_or(&source.key);
        let hit = self.entries.iter().find(|e| match &e.rule {
            Rule::Repo(glob) => source.repo.as_deref().is_some_and(|r| glob.is_match(r)),
            Rule::Path(glob) => glob.is_match(path),
            Rule::Sha256(h) => h == sha256,
        })?;
        Some(format!("{}:{}", self.path.display(), hit.line))
    }
}

fn parse_rule(line: &str) -> Result<Rule, String> {
    let glob = |pattern: &str| {
        Glob::new(pattern.trim())
            .map(|g| g.compile_matcher())
            .map_err(|e| format!("bad glob `{}`: {e}", pattern.trim()))
    };
    if let Some(repo) = line.strip_prefix("repo:") {
        return glob(repo).map(Rule::Repo);
    }
    if let Some(path) = line.strip_prefix("path:") {
        return glob(path).map(Rule::Path);
    }
    if let Some(hash) = line.strip_prefix("sha256:") {
        let hash = hash.trim();
        let bytes: Option<Vec<u8>> = (hash.len() == 64)
            .then(|| {
                (0..32)
                    .map(|i| u8::from_str_radix(&hash[2 * i..2 * i + 2], 16).ok())
                    .collect()
            })
            .flatten();
        return bytes
            .map(|b| Rule::Sha256(b.try_into().expect("32 bytes")))
            .ok_or_else(|| format!("`sha256:` needs 64 hex digits, got `{hash}`"));
    }
    Err(format!(
        "`{line}` is not an entry; write `repo:<name or glob>`, `path:<glob>` or `sha256:<64 hex digits>`"
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(repo: Option<&str>, path: &str) -> SourceRef {
        SourceRef {
            input: "in".into(),
            key: path.into(),
            row: 0,
            repo: repo.map(Into::into),
            path: Some(path.into()),
        }
    }

    #[test]
    fn repos_paths_and_hashes_match_exactly_their_entries() {
        let zero = "0".repeat(64);
        let text = format!("repo:acme/*  # all of acme\npath:**/private/**\nsha256:{zero}\n");
        let list = OptOutList::parse(Path::new("l.txt"), &text).unwrap();
        assert_eq!(list.len(), 3);
        let other = [1u8; 32];
        assert_eq!(
            list.matches(&source(Some("acme/x"), "a.rs"), &other).as_deref(),
            Some("l.txt:1")
        );
        assert_eq!(
            list.matches(&source(Some("bob/x"), "src/private/k.rs"), &other)
                .as_deref(),
            Some("l.txt:2")
        );
        assert_eq!(
            list.matches(&source(Some("bob/x"), "a.rs"), &[0u8; 32]).as_deref(),
            Some("l.txt:3")
        );
        assert_eq!(list.matches(&source(Some("bob/x"), "a.rs"), &other), None);
        assert_eq!(list.matches(&source(None, "acme/a.rs"), &other), None);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = OptOutList::parse(Path::new("l.txt"), "repo:a\nsha256:12\n").unwrap_err();
        assert!(err.starts_with("l.txt:2: `sha256:` needs 64 hex digits"), "{err}");
        let err = OptOutList::parse(Path::new("l.txt"), "acme/x\n").unwrap_err();
        assert!(err.contains("is not an entry"), "{err}");
    }
}
