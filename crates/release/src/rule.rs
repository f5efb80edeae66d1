//! `--withhold` rules: what they are, and which of the manifest's files
//! each one matches.

use std::collections::BTreeSet;
use std::path::Path;

use corpusledger_manifest::OutputEntry;
use corpusledger_model::LicenseCategory;
use globset::{Glob, GlobBuilder, GlobMatcher};

use crate::{Error, Result};

/// One `--withhold` rule, parsed.
#[derive(Clone, Debug)]
pub struct Rule {
    /// As given, e.g. `license:copyleft`.
    pub text: String,
    kind: RuleKind,
}

#[derive(Clone, Debug)]
enum RuleKind {
    /// Every data shard with a document under this license category.
    Category(LicenseCategory),
    /// Every data shard with a document whose concluded expression names this id.
    LicenseId(String),
    /// Every data shard with a document from a repository matching this glob.
    Repo(GlobMatcher),
    /// Every listed file whose path matches this glob (`*` stays within a folder).
    File(GlobMatcher),
}

impl Rule {
    /// Parses `license:ID|CATEGORY`, `repo:GLOB` or `file:GLOB`.
    pub fn parse(text: &str) -> Result<Rule> {
        let malformed = |reason: String| Error::MalformedRule {
            rule: text.to_owned(),
            reason,
        };
        let Some((prefix, value)) = text.split_once(':') else {
            return Err(malformed(
                "no kind: write license:ID, license:CATEGORY, repo:GLOB or file:GLOB (e.g. file:data/part-00003.parquet)"
                    .into(),
            ));
        };
        if value.trim().is_empty() || value.trim() != value {
            return Err(malformed(format!(
                "nothing after `{prefix}:`, or spaces around it; give a value, e.g. {prefix}:X"
            )));
        }
        let glob = |value: &str, literal_separator: bool| {
            GlobBuilder::new(value)
                .literal_separator(literal_separator)
                .build()
                .map(|g: Glob| g.compile_matcher())
                .map_err(|e| malformed(format!("not a glob: {e}")))
        };
        let kind = match prefix {
            "license" => match category(value) {
                Some(category) => RuleKind::Category(category),
                None if value.contains(char::is_whitespace) || value.contains(['(', ')']) => {
                    return Err(malformed(
                        "one license id or category, not an expression; give one rule per id".into(),
                    ));
                }
                None => RuleKind::LicenseId(value.to_owned()),
            },
            "repo" => RuleKind::Repo(glob(value, false)?),
            "file" => RuleKind::File(glob(value, true)?),
            other => {
                return Err(malformed(format!(
                    "unknown kind `{other}`; the kinds are license, repo and file"
                )));
            }
        };
        Ok(Rule {
            text: text.to_owned(),
            kind,
        })
    }

    /// What in `output` (a file of the dataset in `dir`) this rule matches,
    /// sorted; empty when it does not withhold the file.
    pub fn matches(&self, dir: &Path, output: &OutputEntry) -> Result<Vec<String>> {
        if let RuleKind::File(glob) = &self.kind {
            return Ok(if glob.is_match(&output.path) {
                vec![output.path.clone()]
            } else {
                Vec::new()
            });
        }
        let Some(provenance) = output.provenance.as_ref().filter(|_| output.kind == "data") else {
            return Ok(Vec::new());
        };
        let licenses = provenance.licenses.iter().filter(|(_, n)| **n > 0).map(|(l, _)| l);
        Ok(match &self.kind {
            RuleKind::Category(category) => licenses
                .filter(|l| corpusledger_provenance::category_of(l) == *category)
                .cloned()
                .collect(),
            RuleKind::LicenseId(id) => licenses.filter(|l| names(l, id)).cloned().collect(),
            RuleKind::Repo(glob) => {
                // The manifest lists at most 1000 repositories per shard;
                // past that, the shard's own rows say which it holds.
                let repos: BTreeSet<String> = if provenance.repositories > provenance.top_repositories.len() as u64 {
                    crate::shard::repositories(&dir.join(&output.path))?
                } else {
                    provenance.top_repositories.iter().map(|r| r.repo.clone()).collect()
                };
                repos.into_iter().filter(|r| glob.is_match(r)).collect()
            }
            RuleKind::File(_) => unreachable!("answered above"),
        })
    }

    /// A hint for a rule that matched nothing.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            RuleKind::Category(_) | RuleKind::LicenseId(_) => {
                "no data shard holds a document under it; the manifest's `licenses` lists the concluded licenses (ids are case-sensitive SPDX ids, e.g. GPL-3.0-only)"
            }
            RuleKind::Repo(_) => {
                "no data shard holds a document from a matching repository; the manifest's outputs[].provenance.top-repositories lists them"
            }
            RuleKind::File(_) => {
                "no file of the manifest's `outputs` matches it; paths are relative, e.g. data/part-00000.parquet or removed.parquet"
            }
        }
    }
}

fn category(value: &str) -> Option<LicenseCategory> {
    Some(match value {
        "permissive" => LicenseCategory::Permissive,
        "copyleft" => LicenseCategory::Copyleft,
        "other" => LicenseCategory::Other,
        "unknown" => LicenseCategory::Unknown,
        _ => return None,
    })
}

/// Whether the concluded expression names `id` (in any branch: `MIT OR
/// GPL-3.0-only` names GPL-3.0-only, so a release withholds too much rather
/// than too little). `NOASSERTION` and expressions that do not parse are
/// matched whole.
fn names(expression: &str, id: &str) -> bool {
    expression == id || corpusledger_provenance::license_ids(expression).contains(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_bad_rules_say_why() {
        assert!(matches!(
            Rule::parse("license:copyleft").unwrap().kind,
            RuleKind::Category(LicenseCategory::Copyleft)
        ));
        assert!(matches!(
            Rule::parse("license:GPL-3.0-only").unwrap().kind,
            RuleKind::LicenseId(_)
        ));
        for (bad, says) in [
            ("data/part-00001.parquet", "no kind"),
            ("licence:MIT", "unknown kind `licence`"),
            ("file:", "nothing after"),
            ("file:[", "not a glob"),
            ("license:MIT OR GPL-3.0-only", "not an expression"),
        ] {
            let err = Rule::parse(bad).unwrap_err().to_string();
            assert!(err.contains(bad) && err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn an_id_matches_every_expression_naming_it() {
        assert!(names("MIT OR GPL-3.0-only", "GPL-3.0-only"));
        assert!(names("GPL-3.0-only", "GPL-3.0-only"));
        assert!(!names("GPL-3.0-or-later", "GPL-3.0-only"));
        assert!(names("NOASSERTION", "NOASSERTION"));
    }

    #[test]
    fn file_globs_stay_within_a_folder() {
        let output = |path: &str| OutputEntry {
            path: path.into(),
            kind: "data".into(),
            rows: 0,
            bytes: 0,
            sha256: String::new(),
            provenance: None,
        };
        let rule = Rule::parse("file:*.parquet").unwrap();
        let dir = Path::new(".");
        assert_eq!(rule.matches(dir, &output("removed.parquet")).unwrap().len(), 1);
        assert!(
            rule.matches(dir, &output("data/part-00000.parquet"))
                .unwrap()
                .is_empty()
        );
    }
}
