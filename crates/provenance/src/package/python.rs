//! Python metadata: `PKG-INFO`/`METADATA` headers, `pyproject.toml` and
//! setuptools' declarative `setup.cfg`.
//!
//! The declared license is, in order of preference: a PEP 639 expression
//! (`License-Expression:`, `project.license` as a string), a `License:`
//! value that is an expression or a name in [`names`](super::names), then
//! the `License ::` trove classifiers. Several license classifiers usually
//! mean a choice, so they are joined with `OR`, and the field says so.

use serde::Deserialize;
use toml::Spanned;

use super::{Declared, PackageError, PackageMeta, line_column, names, purl, toml_error};
use crate::canonical::canonical_expression;

/// A `License:` value longer than this, or on several lines, is a license
/// text, not a name.
const MAX_NAME_LEN: usize = 100;

/// A value read from a manifest, with its field name and 1-based line.
#[derive(Clone, Debug)]
struct Field {
    value: String,
    field: String,
    line: u32,
}

/// What Python metadata says about the license.
#[derive(Debug, Default)]
struct LicenseFields {
    expression: Option<Field>,
    license: Option<Field>,
    classifiers: Vec<Field>,
}

/// The package of a `PKG-INFO` or `METADATA` file (RFC 822 style headers).
pub(super) fn parse_pkg_info(file_name: &str, text: &str) -> Option<PackageMeta> {
    let headers = headers(text);
    let get = |key: &str| headers.iter().find(|f| f.field.eq_ignore_ascii_case(key));
    let name = get("Name")?;
    let version = get("Version").map(|f| f.value.as_str());
    let fields = LicenseFields {
        expression: get("License-Expression").cloned(),
        license: get("License").cloned(),
        classifiers: headers
            .iter()
            .filter(|f| f.field.eq_ignore_ascii_case("Classifier"))
            .cloned()
            .collect(),
    };
    Some(PackageMeta {
        purl: purl("pypi", &pypi_name(&name.value), version),
        manifest: file_name.to_owned(),
        declared: declared(fields),
        note: None,
    })
}

/// The headers before the first blank line; continuation lines (starting
/// with white space) are appended to the header before them.
fn headers(text: &str) -> Vec<Field> {
    let mut headers: Vec<Field> = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() && !line.starts_with([' ', '\t']) {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.value.push('\n');
                last.value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            headers.push(Field {
                value: value.trim().to_owned(),
                field: key.trim().to_owned(),
                line: super::saturate(idx + 1),
            });
        }
    }
    headers
}

#[derive(Deserialize)]
struct PyProject {
    project: Option<Project>,
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Project {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dynamic: Vec<String>,
    license: Option<Spanned<toml::Value>>,
    #[serde(default)]
    classifiers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
struct Tool {
    poetry: Option<Poetry>,
}

#[derive(Deserialize)]
struct Poetry {
    name: Option<String>,
    version: Option<String>,
    license: Option<Spanned<String>>,
}

/// The package of a `pyproject.toml`: `[project]` (PEP 621), else
/// `[tool.poetry]`; `None` when neither names one.
pub(super) fn parse_pyproject(text: &str) -> Result<Option<PackageMeta>, PackageError> {
    let parsed: PyProject = toml::from_str(text).map_err(|err| toml_error("pyproject.toml", text, &err))?;
    if let Some(project) = parsed.project {
        return Ok(pep621(text, project));
    }
    let Some(poetry) = parsed.tool.and_then(|t| t.poetry) else {
        return Ok(None);
    };
    let Some(name) = poetry.name else {
        return Ok(None);
    };
    let fields = LicenseFields {
        license: poetry.license.map(|l| spanned_field(text, l, "tool.poetry.license")),
        ..LicenseFields::default()
    };
    Ok(Some(PackageMeta {
        purl: purl("pypi", &pypi_name(&name), poetry.version.as_deref()),
        manifest: "pyproject.toml".to_owned(),
        declared: declared(fields),
        note: None,
    }))
}

fn pep621(text: &str, project: Project) -> Option<PackageMeta> {
    let name = project.name?;
    let mut notes = Vec::new();
    if project.dynamic.iter().any(|d| d == "version") {
        notes.push("version is dynamic".to_owned());
    }
    let mut fields = LicenseFields {
        classifiers: project
            .classifiers
            .into_iter()
            .map(|c| spanned_field(text, c, "Classifier"))
            .collect(),
        ..LicenseFields::default()
    };
    if let Some(license) = project.license {
        let line = line_column(text, license.span().start).0;
        let field = |value: &str, field: &str| Field {
            value: value.to_owned(),
            field: field.to_owned(),
            line,
        };
        match license.get_ref() {
            toml::Value::String(expression) => fields.expression = Some(field(expression, "project.license")),
            toml::Value::Table(table) => {
                if let Some(text) = table.get("text").and_then(toml::Value::as_str) {
                    fields.license = Some(field(text, "project.license.text"));
                }
                if let Some(file) = table.get("file").and_then(toml::Value::as_str) {
                    notes.push(format!(
                        "project.license.file = \"{file}\": the license is in that file"
                    ));
                }
            }
            _ => notes.push("project.license is neither a string nor a table".to_owned()),
        }
    }
    Some(PackageMeta {
        purl: purl("pypi", &pypi_name(&name), project.version.as_deref()),
        manifest: "pyproject.toml".to_owned(),
        declared: declared(fields),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// The package of a `setup.cfg`: its `[metadata]` section, read as
/// setuptools' configparser reads it (`key = value` or `key: value`,
/// indented lines continuing a value, `#` and `;` comment lines). `license`
/// and the `License ::` classifiers declare the license, as in `PKG-INFO`;
/// `license_files` (or the older `license_file`) is noted: the license is in
/// those files. `None` without `[metadata]` `name`.
pub(super) fn parse_setup_cfg(text: &str) -> Option<PackageMeta> {
    let metadata = ini_section(text, "metadata");
    let get = |key: &str| {
        metadata
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    fn first(values: &[Field]) -> Option<&str> {
        values.iter().map(|f| f.value.as_str()).find(|v| !v.is_empty())
    }
    let name = get("name").and_then(|v| first(v))?;
    // `attr:` and `file:` directives are resolved by setuptools when it builds.
    let directive = |v: &&str| v.starts_with("attr:") || v.starts_with("file:");
    let version = get("version").and_then(|v| first(v));
    let mut notes = Vec::new();
    if version.is_some_and(|v| directive(&v)) {
        notes.push("version is set by a setuptools directive".to_owned());
    }
    for key in ["license_files", "license_file"] {
        if let Some(files) = get(key) {
            let files: Vec<&str> = files
                .iter()
                .map(|f| f.value.as_str())
                .filter(|v| !v.is_empty())
                .collect();
            notes.push(format!(
                "metadata.{key} = {}: the license is in those files",
                files.join(", ")
            ));
        }
    }
    let license = get("license").and_then(|values| {
        let lines: Vec<&Field> = values.iter().filter(|f| !f.value.is_empty()).collect();
        let first = lines.first()?;
        Some(Field {
            value: lines.iter().map(|f| f.value.as_str()).collect::<Vec<_>>().join("\n"),
            field: "metadata.license".to_owned(),
            line: first.line,
        })
    });
    let fields = LicenseFields {
        license,
        classifiers: get("classifiers")
            .map(|values| {
                values
                    .iter()
                    .filter(|f| !f.value.is_empty() && !directive(&f.value.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
        ..LicenseFields::default()
    };
    Some(PackageMeta {
        purl: purl("pypi", &pypi_name(name), version.filter(|v| !directive(v))),
        manifest: "setup.cfg".to_owned(),
        declared: declared(fields),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// The keys of INI section `wanted`, each with its value's lines (the first
/// on the key's line, possibly empty, then each continuation line), in file
/// order.
fn ini_section(text: &str, wanted: &str) -> Vec<(String, Vec<Field>)> {
    let mut keys: Vec<(String, Vec<Field>)> = Vec::new();
    let mut inside = false;
    for (idx, line) in text.lines().enumerate() {
        let number = super::saturate(idx + 1);
        let trimmed = line.trim();
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let (true, Some((_, values))) = (inside, keys.last_mut()) {
                if !trimmed.is_empty() {
                    values.push(Field {
                        value: trimmed.to_owned(),
                        field: String::new(),
                        line: number,
                    });
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if let Some(section) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            inside = section.trim() == wanted;
            continue;
        }
        if !inside {
            continue;
        }
        let split = line.find(['=', ':']);
        if let Some(at) = split {
            let field = Field {
                value: line[at + 1..].trim().to_owned(),
                field: String::new(),
                line: number,
            };
            keys.push((line[..at].trim().to_owned(), vec![field]));
        }
    }
    keys
}

fn spanned_field(text: &str, value: Spanned<String>, field: &str) -> Field {
    Field {
        line: line_column(text, value.span().start).0,
        field: field.to_owned(),
        value: value.into_inner(),
    }
}

/// A PyPI name as package URLs write it: lowercase, `_` as `-`.
fn pypi_name(name: &str) -> String {
    name.trim().to_lowercase().replace('_', "-")
}

/// The declared license, by the order of preference in the module docs.
fn declared(fields: LicenseFields) -> Option<Declared> {
    if let Some(expression) = fields.expression {
        return Some(Declared {
            expression: canonical_expression(&expression.value),
            raw: expression.value,
            field: expression.field,
            line: Some(expression.line),
        });
    }
    let license = fields.license.filter(|l| !names::is_no_license(&l.value));
    let named = license.as_ref().and_then(license_value);
    named
        .or_else(|| from_classifiers(&fields.classifiers))
        .or_else(|| license.map(unusable_license))
        .or_else(|| vague_classifier(&fields.classifiers))
}

/// A `License:` value that is neither a known name nor an expression.
fn unusable_license(license: Field) -> Declared {
    let reason = if license.value.len() > MAX_NAME_LEN || license.value.contains('\n') {
        "the field holds a license text, not a name: detect the license from its text"
    } else {
        "not an SPDX expression, and a name that does not say which license (e.g. BSD)"
    };
    Declared {
        expression: Err(reason.to_owned()),
        raw: license.value,
        field: license.field,
        line: Some(license.line),
    }
}

/// A `License:` value that is a known name or a valid expression.
fn license_value(license: &Field) -> Option<Declared> {
    if license.value.len() > MAX_NAME_LEN || license.value.contains('\n') {
        return None;
    }
    let expression = match names::license_name(&license.value) {
        Some(id) => id.to_owned(),
        None => canonical_expression(&license.value).ok()?,
    };
    Some(Declared {
        raw: license.value.clone(),
        expression: Ok(expression),
        field: license.field.clone(),
        line: Some(license.line),
    })
}

/// The license classifiers' identifiers joined with `OR`.
fn from_classifiers(classifiers: &[Field]) -> Option<Declared> {
    let mut ids = Vec::new();
    let mut used: Vec<&Field> = Vec::new();
    for classifier in classifiers {
        if let Some(Some(id)) = names::classifier(&classifier.value) {
            ids.push(id.to_owned());
            used.push(classifier);
        }
    }
    let first = used.first()?;
    let raw = used.iter().map(|c| c.value.as_str()).collect::<Vec<_>>().join("; ");
    let field = if used.len() == 1 {
        format!("Classifier: {raw}")
    } else {
        format!("Classifiers (several, read as a choice and joined with OR): {raw}")
    };
    Some(Declared {
        expression: corpusledger_model::any_of(ids).ok_or_else(String::new),
        raw,
        field,
        line: Some(first.line),
    })
}

/// The first license classifier that covers several licenses, as an
/// error, when it is all there is.
fn vague_classifier(classifiers: &[Field]) -> Option<Declared> {
    let vague = classifiers.iter().find(|c| names::classifier(&c.value) == Some(None))?;
    Some(Declared {
        raw: vague.value.clone(),
        expression: Err(format!("`{}` covers several licenses", vague.value)),
        field: format!("Classifier: {}", vague.value),
        line: Some(vague.line),
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse_package;

    const PKG_INFO: &str = "Metadata-Version: 2.1\nName: Requests_Toolbelt\nVersion: 2.31.0\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: MIT License\n\nLong description with License: GPL\n";

    #[test]
    fn pkg_info_license_then_classifiers() {
        let meta = parse_package("PKG-INFO", PKG_INFO).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:pypi/requests-toolbelt@2.31.0");
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("Apache-2.0"));
        assert_eq!((declared.field.as_str(), declared.line), ("License", Some(4)));

        let text = "Name: x\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License\n";
        let declared = parse_package("PKG-INFO", text).unwrap().unwrap().declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("Apache-2.0 OR MIT"));
        assert!(declared.field.contains("joined with OR"), "{}", declared.field);
    }

    #[test]
    fn pkg_info_expression_wins_and_bsd_is_not_guessed() {
        let text = "Name: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\n";
        let declared = parse_package("PKG-INFO", text).unwrap().unwrap().declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("MIT OR Apache-2.0"));

        let text = "Name: x\nVersion: 1\nLicense: BSD\nClassifier: License :: OSI Approved :: BSD License\n";
        let declared = parse_package("PKG-INFO", text).unwrap().unwrap().declared.unwrap();
        assert!(declared.expression.is_err());
        assert_eq!(declared.raw, "BSD");
    }

    #[test]
    fn pkg_info_license_texts_are_not_names() {
        let text = "Name: x\nVersion: 1\nLicense: Copyright (c) 2020 Someone\n        \n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n";
        let declared = parse_package("METADATA", text).unwrap().unwrap().declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("MIT"));
        assert_eq!(declared.line, Some(6));
    }

    #[test]
    fn pyproject_forms() {
        let text = "[project]\nname = \"My_Pkg\"\ndynamic = [\"version\"]\nlicense = \"MIT OR Apache-2.0\"\n";
        let meta = parse_package("pyproject.toml", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:pypi/my-pkg");
        assert_eq!(meta.note.as_deref(), Some("version is dynamic"));
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("MIT OR Apache-2.0"));
        assert_eq!((declared.field.as_str(), declared.line), ("project.license", Some(4)));

        let text = "[project]\nname = \"p\"\nversion = \"1.0\"\nlicense = {text = \"GPLv3+\"}\n";
        let declared = parse_package("pyproject.toml", text)
            .unwrap()
            .unwrap()
            .declared
            .unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("GPL-3.0-or-later"));
        assert_eq!(declared.field, "project.license.text");

        let text = "[project]\nname = \"p\"\nversion = \"1.0\"\nlicense = {file = \"LICENSE\"}\nclassifiers = [\n  \"License :: OSI Approved :: ISC License (ISCL)\",\n]\n";
        let meta = parse_package("pyproject.toml", text).unwrap().unwrap();
        assert!(meta.note.unwrap().contains("LICENSE"));
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("ISC"));
        assert_eq!(declared.line, Some(6));

        let text = "[tool.poetry]\nname = \"poet\"\nversion = \"0.1.0\"\nlicense = \"MIT\"\n";
        let meta = parse_package("pyproject.toml", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:pypi/poet@0.1.0");
        assert_eq!(meta.declared.unwrap().field, "tool.poetry.license");
    }

    #[test]
    fn setup_cfg_declares_by_license_then_classifiers() {
        let text = "[options]\nlicense = GPL\n\n[metadata]\n# comment\nname = Some_Pkg\nversion = attr: some_pkg.__version__\nlicense = Apache Software License 2.0\nlicense_files =\n    LICENSE\n    NOTICE\nclassifiers =\n    Programming Language :: Python\n    License :: OSI Approved :: MIT License\n";
        let meta = parse_package("setup.cfg", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:pypi/some-pkg");
        let note = meta.note.unwrap();
        assert!(
            note.contains("directive") && note.contains("license_files = LICENSE, NOTICE"),
            "{note}"
        );
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("Apache-2.0"));
        assert_eq!((declared.field.as_str(), declared.line), ("metadata.license", Some(8)));
        // Without `license`, the classifiers decide, at their own lines.
        let text = "[metadata]\nname: tool\nversion: 1.2\nclassifiers =\n  License :: OSI Approved :: BSD License\n  License :: OSI Approved :: MIT License\n";
        let meta = parse_package("setup.cfg", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:pypi/tool@1.2");
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("MIT"), "{declared:?}");
        assert_eq!(declared.line, Some(6));
        // No [metadata] name: not a package.
        assert_eq!(parse_package("setup.cfg", "[flake8]\nmax-line-length = 99\n"), Ok(None));
    }

    #[test]
    fn pyproject_errors_and_tool_only_files() {
        assert_eq!(
            parse_package("pyproject.toml", "[tool.black]\nline-length = 88\n"),
            Ok(None)
        );
        let err = parse_package("pyproject.toml", "[project]\nname = \"p\"\nversion = [\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("TOML"));
    }
}
