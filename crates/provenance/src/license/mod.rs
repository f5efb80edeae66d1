//! A document's license signals, the concluded license, its package and
//! revision.

mod conclude;
mod folder;
mod revision;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use corpusledger_model::{DocLicense, Document, Evidence, LocalFile};

use crate::{Detector, Result, first_comment_block, spdx_header, spdx_list_version};
pub use folder::{FileReport, is_license_file_name};

/// One signal's expression and evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Signal {
    /// Canonical when `valid`, else as written.
    pub expression: String,
    /// The expression parses.
    pub valid: bool,
    pub evidence: Vec<Evidence>,
}

/// What provenance says about one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// Its license signals and the concluded license.
    pub license: DocLicense,
    /// The package it belongs to, as a package URL (`pkg:cargo/serde@1.0.1`).
    pub package: Option<String>,
    /// The commit its repository was read at.
    pub revision: Option<String>,
}

/// A repository's license, as seen from its root folder, and every license
/// file in it: what `corpusledger licenses` prints.
#[derive(Clone, Debug)]
pub struct RepoReport {
    /// The root folder's package URL.
    pub package: Option<String>,
    /// The root's license signals and conclusion.
    pub license: DocLicense,
    /// Each license-named file, in path order.
    pub files: Vec<FileReport>,
}

/// Decides licenses; shared by all threads of a run. Each folder is read
/// once, each distinct license text detected once.
#[derive(Debug)]
pub struct Provenance {
    detector: Detector,
    folders: Mutex<HashMap<PathBuf, Arc<folder::FolderInfo>>>,
    revisions: Mutex<HashMap<PathBuf, Option<String>>>,
    problems: Mutex<BTreeSet<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Provenance {
    /// A provenance stage accepting text matches that score at least `min_score`.
    pub fn new(min_score: f32) -> Provenance {
        Provenance {
            detector: Detector::new(min_score),
            folders: Mutex::new(HashMap::new()),
            revisions: Mutex::new(HashMap::new()),
            problems: Mutex::new(BTreeSet::new()),
        }
    }

    /// Loads the license store ahead of use (see [`Detector::preload`]).
    pub fn preload(&self) -> Result<()> {
        self.detector.preload()
    }

    /// Whether the license store is being preloaded (see
    /// [`Detector::loading`]).
    pub fn loading(&self) -> bool {
        self.detector.loading()
    }

    /// Problems met so far (unreadable license files, package manifests that
    /// do not parse, malformed expressions), each naming its file, sorted.
    pub fn problems(&self) -> Vec<String> {
        lock(&self.problems).iter().cloned().collect()
    }

    /// The license, package and revision of a document whose text is `text`.
    pub fn attribute(&self, doc: &Document, text: &str) -> Result<Attribution> {
        let (header, families) = match self.header_signal(doc, text)? {
            Some((signal, families)) => (Some(signal), families),
            None => (None, Vec::new()),
        };
        if !doc.meta.credits.is_empty() {
            return Ok(Attribution {
                license: conclude::conclude_post(header, post_signal(&doc.meta.credits)),
                package: None,
                revision: None,
            });
        }
        let mut found = Found::default();
        if let Some(local) = &doc.local {
            self.walk_up(local, &mut found)?;
        }
        let declared = match found
            .package
            .as_ref()
            .and_then(|(p, depth)| Some((p.declared.clone()?, *depth)))
        {
            Some(declared) => Some(declared),
            None => doc.meta.license.as_deref().map(|raw| (input_metadata(raw), usize::MAX)),
        };
        let header = header.map(|h| settle_families(h, &families, found.detected.as_ref().map(|(s, _)| s)));
        let license = conclude::conclude(header, declared, found.detected);
        let revision = match (&doc.local, &doc.meta.revision) {
            (_, Some(revision)) => Some(revision.clone()),
            (Some(local), None) => self.revision(&local.repo_root),
            (None, None) => None,
        };
        Ok(Attribution {
            license,
            package: found.package.map(|(p, _)| p.purl),
            revision,
        })
    }

    /// The license of a repository as a file in its root folder would get
    /// it, and what was detected in each of its license files.
    pub fn repo_report(&self, repo_root: &Path, license_files: &[PathBuf]) -> Result<RepoReport> {
        let info = self.folder(repo_root, repo_root)?;
        let declared = info.package.as_ref().and_then(|p| Some((p.declared.clone()?, 0)));
        let detected = info.detected.clone().map(|d| (d, 0));
        let mut files = Vec::with_capacity(license_files.len());
        for path in license_files {
            match info.files.iter().find(|f| &f.path == path) {
                Some(known) => files.push(known.clone()),
                None => files.push(folder::detect_file(&self.detector, path, repo_root)?),
            }
        }
        Ok(RepoReport {
            package: info.package.as_ref().map(|p| p.purl.clone()),
            license: conclude::conclude(None, declared, detected),
            files,
        })
    }

    /// The nearest package and the nearest detected license, going up from
    /// the file's folder to its repository root; depth 0 is the file's own.
    fn walk_up(&self, local: &LocalFile, found: &mut Found) -> Result<()> {
        let mut dir = local.file.parent();
        let mut depth = 0;
        while let Some(d) = dir {
            if !d.starts_with(&local.repo_root) {
                break;
            }
            let info = self.folder(d, &local.repo_root)?;
            if found.package.is_none() {
                found.package = info.package.clone().map(|p| (p, depth));
            }
            if found.detected.is_none() {
                found.detected = info.detected.clone().map(|s| (s, depth));
            }
            if d == local.repo_root || (found.package.is_some() && found.detected.is_some()) {
                break;
            }
            dir = d.parent();
            depth += 1;
        }
        Ok(())
    }

    fn folder(&self, dir: &Path, repo_root: &Path) -> Result<Arc<folder::FolderInfo>> {
        if let Some(hit) = lock(&self.folders).get(dir) {
            return Ok(hit.clone());
        }
        let base = repo_root.parent().unwrap_or(repo_root);
        let shown = |path: &Path| path.strip_prefix(base).unwrap_or(path).display().to_string();
        let info = Arc::new(folder::read_folder(&self.detector, dir, repo_root, &shown)?);
        lock(&self.problems).extend(info.problems.iter().cloned());
        Ok(lock(&self.folders).entry(dir.to_owned()).or_insert(info).clone())
    }

    fn revision(&self, repo_root: &Path) -> Option<String> {
        if let Some(hit) = lock(&self.revisions).get(repo_root) {
            return hit.clone();
        }
        let found = revision::revision_of(repo_root);
        lock(&self.revisions).insert(repo_root.to_owned(), found.clone());
        found
    }

    /// The file's own statement: an `SPDX-License-Identifier:` line, else a
    /// license notice in its first comment block.
    fn header_signal(&self, doc: &Document, text: &str) -> Result<Option<(Signal, Vec<String>)>> {
        let file = doc.source.display();
        if let Some(header) = spdx_header(text) {
            let (expression, valid, note) = match header.expression {
                Ok(canonical) => (canonical, true, None),
                Err(err) => {
                    let raw = header.raw.clone();
                    let problem = format!(
                        "{file}:{}:{}: SPDX-License-Identifier `{raw}` is not a valid SPDX expression: {err}",
                        header.line,
                        header.span.0 + 1
                    );
                    lock(&self.problems).insert(problem);
                    (raw, false, Some(format!("not a valid SPDX expression: {err}")))
                }
            };
            let line = header.line as u32;
            return Ok(Some((
                Signal {
                    expression: expression.clone(),
                    valid,
                    evidence: vec![Evidence {
                        signal: "header".to_owned(),
                        expression,
                        file,
                        field: Some(format!(
                            "SPDX-License-Identifier, columns {}-{}",
                            header.span.0 + 1,
                            header.span.1
                        )),
                        lines: Some([line, line]),
                        note,
                        ..Evidence::default()
                    }],
                },
                Vec::new(),
            )));
        }
        let Some(block) = first_comment_block(text) else {
            return Ok(None);
        };
        // The notice starts at the first line that names a license: what
        // comes before (the file's title, authors) differs from file to file
        // and would only lower the score and defeat the cache.
        let Some((skipped, notice)) = license_part(&block.text) else {
            return Ok(None);
        };
        let Some(found) = self.detector.detect_notice(notice)? else {
            return Ok(None);
        };
        let first = block.lines.0 + skipped;
        let families = found.families.clone();
        Ok(Some((
            Signal {
                expression: found.expression.clone(),
                valid: true,
                evidence: vec![Evidence {
                    signal: "header".to_owned(),
                    expression: found.expression,
                    file,
                    lines: Some([first + found.lines.0 - 1, first + found.lines.1 - 1]),
                    score: Some(format!("{:.3}", found.score)),
                    detector: Some(format!(
                        "spdx notice detection ({}), SPDX list {}",
                        found.form,
                        spdx_list_version()
                    )),
                    note: found.note,
                    ..Evidence::default()
                }],
            },
            families,
        )))
    }
}

/// A header that offers a choice including a license family it does not
/// name the member of ("the BSD License", "a BSD-style license"): the
/// member is settled from the nearest license files when they hold exactly
/// one license of that family (zstd's headers offer "the BSD-style license
/// (found in the LICENSE file)", which holds the BSD-3-Clause text) and
/// joined to the header's choice with `OR`; otherwise the header stays as
/// it is, and its note says which family it left out.
fn settle_families(mut header: Signal, families: &[String], folder: Option<&Signal>) -> Signal {
    if families.is_empty() || !header.valid || header.expression.contains('(') {
        return header;
    }
    let mut ids: Vec<String> = header.expression.split(" OR ").map(str::to_owned).collect();
    let mut notes = Vec::new();
    for family in families {
        let prefix = format!("{family}-");
        let mut members: Vec<&str> = folder
            .map(|f| {
                f.expression
                    .split([' ', '(', ')'])
                    .filter(|id| id.starts_with(&prefix))
                    .collect()
            })
            .unwrap_or_default();
        members.sort_unstable();
        members.dedup();
        match (members.as_slice(), folder) {
            ([member], Some(folder)) => {
                let file = folder.evidence.first().map_or("", |e| e.file.as_str());
                notes.push(format!(
                    "the {family} license it offers is taken to be the {member} of {file}, the nearest license file"
                ));
                ids.push((*member).to_owned());
            }
            _ => notes.push(format!(
                "it also offers a {family} license without saying which, and the nearest license files do not \
                 settle it: left out of the expression"
            )),
        }
    }
    if let Some(expression) = corpusledger_model::any_of(ids) {
        header.expression = expression.clone();
        if let Some(evidence) = header.evidence.first_mut() {
            evidence.expression = expression;
            let note = notes.join("; ");
            evidence.note = Some(match evidence.note.take() {
                Some(before) => format!("{before}; {note}"),
                None => note,
            });
        }
    }
    header
}

/// The paragraph of a comment block holding the first notice cue, with the
/// rest of the block after it, and how many lines came before it. A
/// paragraph, not a line: a notice wrapped as "subject to the terms of the
/// Mozilla Public / License, v. 2.0" starts a line before its cue word.
fn license_part(block: &str) -> Option<(u32, &str)> {
    let mut paragraph = (0u32, 0usize);
    let mut offset = 0;
    for (i, line) in block.split_inclusive('\n').enumerate() {
        if line.trim().is_empty() {
            paragraph = (i as u32 + 1, offset + line.len());
        } else {
            let lower = line.to_lowercase();
            if crate::detect::NOTICE_CUES.iter().any(|cue| lower.contains(cue)) {
                return Some((paragraph.0, &block[paragraph.1..]));
            }
        }
        offset += line.len();
    }
    None
}

#[derive(Default)]
struct Found {
    package: Option<(folder::FolderPackage, usize)>,
    detected: Option<(Signal, usize)>,
}

/// The declared signal of a document made of Stack Exchange posts: each
/// post's license with how it was decided; the posts' licenses joined with
/// `AND` in the order of the credits (in a question-answer document, the
/// question's, then the answer's), each once: a document holding two posts
/// must meet both. The evidence names
/// the rule, not the post (its address and dates are in its credits), so
/// posts decided alike share one license record.
fn post_signal(credits: &[corpusledger_model::Credit]) -> Signal {
    let mut ids: Vec<&str> = Vec::with_capacity(credits.len());
    for credit in credits {
        if !ids.contains(&credit.license.as_str()) {
            ids.push(&credit.license);
        }
    }
    let raw = ids.join(" AND ");
    let mut signal = declared_signal(&raw, crate::expression::canonical(&raw), "input metadata", None, None);
    let mut evidence: Vec<Evidence> = credits
        .iter()
        .map(|credit| {
            let basis = &credit.license_basis;
            let field = basis.split(' ').next().unwrap_or_default();
            let rule = basis.split_once(": ").map_or(basis.as_str(), |(_, rule)| rule);
            Evidence {
                signal: "declared".to_owned(),
                expression: credit.license.clone(),
                file: "input metadata".to_owned(),
                field: Some(field.to_owned()),
                note: Some(rule.to_owned()),
                ..Evidence::default()
            }
        })
        .collect();
    evidence.sort();
    evidence.dedup();
    signal.evidence = evidence;
    signal
}

fn input_metadata(raw: &str) -> Signal {
    declared_signal(raw, crate::expression::canonical(raw), "input metadata", None, None)
}

/// A declared signal: the canonical expression when `parsed` holds one,
/// else the raw text, marked invalid, with the parse error in its note.
pub(crate) fn declared_signal(
    raw: &str,
    parsed: std::result::Result<String, String>,
    file: &str,
    field: Option<String>,
    line: Option<u32>,
) -> Signal {
    let (expression, valid, note) = match parsed {
        Ok(canonical) => (canonical, true, None),
        Err(err) => (
            raw.to_owned(),
            false,
            Some(format!("not a valid SPDX expression: {err}")),
        ),
    };
    Signal {
        expression: expression.clone(),
        valid,
        evidence: vec![Evidence {
            signal: "declared".to_owned(),
            expression,
            file: file.to_owned(),
            field,
            lines: line.map(|l| [l, l]),
            note,
            ..Evidence::default()
        }],
    }
}

#[cfg(test)]
mod tests;
