use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use corpusledger_model::{Document, LicenseTag, LocalFile};

use crate::expression::canonical;
use crate::{Detector, Result, category_of, spdx_header};

/// License files larger than this are not license texts.
const MAX_LICENSE_FILE: u64 = 256 << 10;

/// Decides licenses; shared by all threads of a run.
#[derive(Debug)]
pub struct Provenance {
    detector: Detector,
    /// The license found in each folder's own license files.
    folders: Mutex<HashMap<PathBuf, Option<LicenseTag>>>,
}

impl Provenance {
    /// A provenance stage accepting text matches that score at least `min_score`.
    pub fn new(min_score: f32) -> Provenance {
        Provenance {
            detector: Detector::new(min_score),
            folders: Mutex::new(HashMap::new()),
        }
    }

    /// Loads the license store ahead of use (see [`Detector::preload`]).
    pub fn preload(&self) -> Result<()> {
        self.detector.preload()
    }

    /// The license of a document whose text is `text`, with its evidence.
    pub fn license_of(&self, doc: &Document, text: &str) -> Result<LicenseTag> {
        if let Some(declared) = &doc.meta.license {
            return Ok(tag(declared, "input metadata".to_owned()));
        }
        if let Some((line, expression)) = spdx_header(text) {
            return Ok(tag(&expression, format!("SPDX-License-Identifier header, line {line}")));
        }
        if let Some(local) = &doc.local {
            if let Some(found) = self.nearest_license_file(local)? {
                return Ok(found);
            }
        }
        Ok(LicenseTag::unknown())
    }

    /// The license of the nearest folder, from the file's own up to its
    /// repository root, whose license files name one.
    fn nearest_license_file(&self, local: &LocalFile) -> Result<Option<LicenseTag>> {
        let mut dir = local.file.parent();
        while let Some(d) = dir {
            if let Some(found) = self.folder_license(d, &local.repo_root)? {
                return Ok(Some(found));
            }
            if d == local.repo_root || !d.starts_with(&local.repo_root) {
                break;
            }
            dir = d.parent();
        }
        Ok(None)
    }

    fn folder_license(&self, dir: &Path, repo_root: &Path) -> Result<Option<LicenseTag>> {
        if let Some(hit) = self.lock().get(dir) {
            return Ok(hit.clone());
        }
        let found = self.detect_folder(dir, repo_root)?;
        self.lock().insert(dir.to_owned(), found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<LicenseTag>>> {
        self.folders.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Detects every license file of one folder; several (`LICENSE-MIT`,
    /// `LICENSE-APACHE`) mean a choice, joined with `OR`.
    fn detect_folder(&self, dir: &Path, repo_root: &Path) -> Result<Option<LicenseTag>> {
        let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_license_file(p))
                .collect(),
            Err(_) => return Ok(None),
        };
        names.sort();
        let mut ids: Vec<String> = Vec::new();
        let mut evidence: Vec<String> = Vec::new();
        for path in names {
            let Some(text) = read_small_text(&path) else { continue };
            let shown = path
                .strip_prefix(repo_root.parent().unwrap_or(repo_root))
                .unwrap_or(&path)
                .display();
            if let Some(expression) = expression_file(&text) {
                evidence.push(format!("file {shown} holds the expression"));
                ids.push(expression);
            } else if let Some(found) = self.detector.detect(&text)? {
                evidence.push(format!("file {shown} {} score={:.3}", found.form, found.score));
                ids.push(found.id);
            }
        }
        let Some(joined) = corpusledger_model::any_of(ids) else {
            return Ok(None);
        };
        Ok(Some(tag(
            &joined,
            format!("{} (spdx text detection)", evidence.join("; ")),
        )))
    }
}

fn is_license_file(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_ascii_uppercase()) else {
        return false;
    };
    ["LICENSE", "LICENCE", "COPYING", "UNLICENSE"]
        .iter()
        .any(|p| name.starts_with(p))
        && path.is_file()
}

fn read_small_text(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_LICENSE_FILE {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// A license file that holds only an SPDX expression, such as `MIT OR Apache-2.0`.
fn expression_file(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() > 200 || text.contains('\n') {
        return None;
    }
    canonical(text).ok()
}

/// A tag for an expression from `source`; an expression that does not parse
/// is kept as written, marked in the evidence.
fn tag(expression: &str, source: String) -> LicenseTag {
    match canonical(expression) {
        Ok(canonical) => LicenseTag {
            category: category_of(&canonical),
            expression: canonical,
            evidence: source,
        },
        Err(err) => LicenseTag {
            expression: expression.to_owned(),
            evidence: format!("{source}; not a valid SPDX expression: {err}"),
            category: corpusledger_model::LicenseCategory::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corpusledger_model::{DocMeta, LicenseCategory, SourceRef};

    const MIT: &str = "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";

    fn doc(local: Option<LocalFile>, license: Option<&str>) -> Document {
        Document {
            source: SourceRef {
                input: "in".into(),
                key: "k".into(),
                row: 0,
                repo: None,
                path: None,
            },
            content: Box::new(Vec::<u8>::new()),
            meta: DocMeta {
                license: license.map(str::to_owned),
                ..DocMeta::default()
            },
            local,
        }
    }

    #[test]
    fn nearest_license_file_then_header_then_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join("src/deep")).unwrap();
        std::fs::write(repo.join("LICENSE"), MIT).unwrap();
        std::fs::write(repo.join("src/deep/COPYING"), "Apache-2.0\n").unwrap();
        let prov = Provenance::new(0.8);
        let local = |f: &str| {
            Some(LocalFile {
                repo_root: repo.clone(),
                file: repo.join(f),
            })
        };

        let top = prov.license_of(&doc(local("src/a.rs"), None), "fn a() {}").unwrap();
        assert_eq!(top.expression, "MIT");
        assert_eq!(top.category, LicenseCategory::Permissive);
        assert!(top.evidence.contains("repo/LICENSE"), "{}", top.evidence);

        let deep = prov
            .license_of(&doc(local("src/deep/b.rs"), None), "fn b() {}")
            .unwrap();
        assert_eq!(deep.expression, "Apache-2.0");

        let header = prov
            .license_of(
                &doc(local("src/a.rs"), None),
                "// SPDX-License-Identifier: GPL-3.0-only\n",
            )
            .unwrap();
        assert_eq!(header.expression, "GPL-3.0-only");
        assert!(header.evidence.contains("line 1"));

        let meta = prov
            .license_of(&doc(local("src/a.rs"), Some("BSD-3-Clause")), "")
            .unwrap();
        assert_eq!(meta.evidence, "input metadata");

        let none = prov.license_of(&doc(None, None), "x").unwrap();
        assert_eq!(none.expression, "NOASSERTION");
    }

    #[test]
    fn invalid_expressions_are_kept_and_marked() {
        let t = tag("MIT OR", "input metadata".into());
        assert_eq!(t.expression, "MIT OR");
        assert!(t.evidence.contains("not a valid SPDX expression"));
    }
}
