//! What one folder says about licenses: its license files, read and
//! detected, and its package manifest.

use std::path::{Component, Path, PathBuf};

use corpusledger_model::{Evidence, any_of};

use super::Signal;
use crate::package::{PACKAGE_FILES, PackageMeta, parse_package};
use crate::{Detected, Detector, Result, pointer_path, spdx_list_version};

/// License files larger than this are not license texts.
const MAX_LICENSE_FILE: u64 = 256 << 10;
/// Package manifests larger than this are not read.
const MAX_PACKAGE_FILE: u64 = 4 << 20;

/// Everything one folder contributes.
#[derive(Debug, Default)]
pub(crate) struct FolderInfo {
    /// The license its license files grant, when any is detected.
    pub detected: Option<Signal>,
    /// Its package manifest, when it has one.
    pub package: Option<FolderPackage>,
    /// Each license-named file, with what was found in it.
    pub files: Vec<FileReport>,
    /// What could not be read, with the file and what to do.
    pub problems: Vec<String>,
}

/// A folder's package: identity and declared license.
#[derive(Clone, Debug)]
pub(crate) struct FolderPackage {
    pub purl: String,
    pub declared: Option<Signal>,
}

/// One license-named file and what was detected in it.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file on disk.
    pub path: PathBuf,
    /// What was detected, if anything reached the threshold.
    pub detected: Option<Detected>,
    /// Why it was not read, or what it pointed to.
    pub note: Option<String>,
}

/// How a file name takes part in a folder's license.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// `LICENSE*`, `LICENCE*`, `COPYING*`, `UNLICENSE`: grants a license.
    Grant,
    /// `NOTICE*`, `COPYRIGHT*`: attribution; used only when a folder has no
    /// granting file, since it often quotes third-party licenses.
    Supporting,
}

fn role_of(name: &str) -> Option<Role> {
    let upper = name.to_ascii_uppercase();
    if ["LICENSE", "LICENCE", "COPYING", "UNLICENSE"]
        .iter()
        .any(|p| upper.starts_with(p))
    {
        Some(Role::Grant)
    } else if ["NOTICE", "COPYRIGHT"].iter().any(|p| upper.starts_with(p)) {
        Some(Role::Supporting)
    } else {
        None
    }
}

/// True for a name that is read as a license file.
pub fn is_license_file_name(name: &str) -> bool {
    role_of(name).is_some()
}

/// Reads one folder. `shown` turns a path into the form evidence shows.
pub(crate) fn read_folder(
    detector: &Detector,
    dir: &Path,
    repo_root: &Path,
    shown: &dyn Fn(&Path) -> String,
) -> Result<FolderInfo> {
    let mut info = FolderInfo::default();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(info);
    };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    let mut names: Vec<(String, PathBuf)> = entries
        .iter()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    names.sort();
    names.extend(generated_metadata(&entries, &names));
    let mut licensed: Vec<(Role, Signal)> = Vec::new();
    for (name, path) in &names {
        let Some(role) = role_of(name) else { continue };
        let report = detect_file(detector, path, repo_root)?;
        if let Some(found) = &report.detected {
            licensed.push((role, file_signal(found, report.note.clone(), &shown(path))));
        } else if let Some(note) = &report.note {
            info.problems.push(format!("{}: {note}", shown(path)));
        }
        info.files.push(report);
    }
    info.detected = join_folder(licensed);
    info.package = read_package(&names, shown, &mut info.problems);
    Ok(info)
}

/// A source checkout's generated Python metadata, when the folder has no
/// `PKG-INFO` or `METADATA` of its own: `NAME.egg-info/PKG-INFO` (setuptools,
/// also under `src/`) or `NAME.dist-info/METADATA`, the first by name of
/// each, under the name [`read_package`] looks for.
fn generated_metadata(entries: &[std::fs::DirEntry], names: &[(String, PathBuf)]) -> Vec<(String, PathBuf)> {
    if names.iter().any(|(name, _)| name == "PKG-INFO" || name == "METADATA") {
        return Vec::new();
    }
    let mut dirs: Vec<(String, PathBuf)> = entries
        .iter()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    dirs.sort();
    let mut found = Vec::new();
    for (suffix, file) in [(".egg-info", "PKG-INFO"), (".dist-info", "METADATA")] {
        let first = dirs
            .iter()
            .filter(|(name, _)| name.ends_with(suffix))
            .map(|(_, dir)| dir.join(file))
            .find(|path| path.is_file());
        if let Some(path) = first {
            found.push((file.to_owned(), path));
        }
    }
    found
}

/// Detects one license file: skips binary and huge files, and follows a
/// packaged symlink (a file holding just `../LICENSE`) inside the repository.
pub(crate) fn detect_file(detector: &Detector, path: &Path, repo_root: &Path) -> Result<FileReport> {
    let report = |detected, note: Option<String>| FileReport {
        path: path.to_owned(),
        detected,
        note,
    };
    let text = match read_license_text(path) {
        Ok(text) => text,
        Err(why) => return Ok(report(None, Some(why))),
    };
    if let Some(target) = pointer_path(&text) {
        let resolved = lexical_join(path.parent().unwrap_or(repo_root), target);
        if !resolved.starts_with(repo_root) {
            return Ok(report(
                None,
                Some(format!("points to {target}, outside the repository: not followed")),
            ));
        }
        return match read_license_text(&resolved) {
            Ok(text) => Ok(report(detector.detect(&text)?, Some(format!("points to {target}")))),
            Err(why) => Ok(report(None, Some(format!("points to {target}, which {why}")))),
        };
    }
    let detected = detector.detect(&text)?;
    let note = detected.as_ref().and_then(|d| d.note.clone());
    Ok(report(detected, note))
}

fn read_license_text(path: &Path) -> std::result::Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read ({e}); check permissions"))?;
    if meta.len() > MAX_LICENSE_FILE {
        return Err(format!(
            "is {} bytes, larger than any license text ({MAX_LICENSE_FILE}): skipped",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e}); check permissions"))?;
    if bytes.contains(&0) {
        return Err("is binary (holds a NUL byte): skipped".to_owned());
    }
    // Old license files are often Latin-1 (`©`): a lossy read keeps the words.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `base` joined with a relative `target`, `..` resolved without touching
/// the file system, so a pointer cannot escape through a symlink check.
fn lexical_join(base: &Path, target: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for part in Path::new(target).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

fn file_signal(found: &Detected, note: Option<String>, shown: &str) -> Signal {
    Signal {
        expression: found.expression.clone(),
        valid: true,
        evidence: vec![Evidence {
            signal: "detected".to_owned(),
            expression: found.expression.clone(),
            file: shown.to_owned(),
            lines: Some([found.lines.0, found.lines.1]),
            score: Some(format!("{:.3}", found.score)),
            detector: Some(format!(
                "spdx text detection ({}), SPDX list {}",
                found.form,
                spdx_list_version()
            )),
            note,
            ..Evidence::default()
        }],
    }
}

/// A folder's license from its files: granting files first, supporting ones
/// only when there is none. Several granting files (`LICENSE-MIT`,
/// `LICENSE-APACHE`) mean a choice and are joined with `OR`, except that a
/// GPL text next to the LGPL of the same version is the LGPL's companion
/// (the LGPL is written as additional permissions on top of the GPL).
fn join_folder(mut licensed: Vec<(Role, Signal)>) -> Option<Signal> {
    let best_role = licensed.iter().map(|(role, _)| *role).min()?;
    licensed.retain(|(role, _)| *role == best_role);
    let ids: Vec<String> = licensed.iter().map(|(_, s)| s.expression.clone()).collect();
    let ids = drop_lgpl_companions(ids);
    let evidence = licensed.into_iter().flat_map(|(_, s)| s.evidence).collect();
    Some(Signal {
        expression: any_of(ids)?,
        valid: true,
        evidence,
    })
}

fn drop_lgpl_companions(ids: Vec<String>) -> Vec<String> {
    let companion = |id: &str| {
        let version = id.strip_prefix("GPL-")?.split('-').next()?;
        let lesser = match version {
            "3.0" => "LGPL-3.0",
            "2.0" => "LGPL-2.1",
            _ => return None,
        };
        ids.iter().any(|other| other.starts_with(lesser)).then_some(())
    };
    ids.iter().filter(|id| companion(id).is_none()).cloned().collect()
}

fn read_package(
    names: &[(String, PathBuf)],
    shown: &dyn Fn(&Path) -> String,
    problems: &mut Vec<String>,
) -> Option<FolderPackage> {
    let mut first: Option<(PackageMeta, String)> = None;
    for wanted in PACKAGE_FILES {
        let Some((_, path)) = names.iter().find(|(name, _)| name == wanted) else {
            continue;
        };
        let text = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_PACKAGE_FILE => {
                problems.push(format!(
                    "{}: larger than {MAX_PACKAGE_FILE} bytes: not read",
                    shown(path)
                ));
                continue;
            }
            _ => match std::fs::read(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    problems.push(format!("{}: cannot be read ({e})", shown(path)));
                    continue;
                }
            },
        };
        match parse_package(wanted, &text) {
            // A manifest that declares no license (a pyproject.toml whose
            // license is in setup.cfg) gives way to the next that does.
            Ok(Some(meta)) if meta.declared.is_some() => return Some(folder_package(meta, &shown(path), problems)),
            Ok(Some(meta)) => {
                first.get_or_insert((meta, shown(path)));
            }
            Ok(None) => {}
            Err(err) => problems.push(format!(
                "{}:{}:{}: {}; its package metadata is ignored, fix the file to use it",
                shown(path),
                err.line,
                err.column,
                err.message
            )),
        }
    }
    first.map(|(meta, shown)| folder_package(meta, &shown, problems))
}

fn folder_package(meta: PackageMeta, shown: &str, problems: &mut Vec<String>) -> FolderPackage {
    let declared = meta.declared.map(|d| {
        if let Err(err) = &d.expression {
            let at = d.line.map_or_else(String::new, |line| format!(":{line}"));
            problems.push(format!(
                "{shown}{at}: {} `{}` is not a valid SPDX expression: {err}; the declared license is not used",
                d.field, d.raw
            ));
        }
        super::declared_signal(&d.raw, d.expression, shown, Some(d.field), d.line)
    });
    FolderPackage {
        purl: meta.purl,
        declared,
    }
}

#[cfg(test)]
pub(crate) fn drop_lgpl_companions_for_tests(ids: Vec<String>) -> Vec<String> {
    drop_lgpl_companions(ids)
}
