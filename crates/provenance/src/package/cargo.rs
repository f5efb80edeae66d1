//! `Cargo.toml`: `[package]` name, version and license.

use serde::Deserialize;
use toml::Spanned;

use super::{Declared, PackageError, PackageMeta, line_column, purl, toml_error};
use crate::canonical::canonical_expression;

#[derive(Deserialize)]
struct Manifest {
    package: Option<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Option<String>,
    version: Option<toml::Value>,
    license: Option<Spanned<toml::Value>>,
    #[serde(rename = "license-file")]
    license_file: Option<toml::Value>,
}

/// The package of a `Cargo.toml`; `None` for a workspace-only manifest.
pub(super) fn parse(text: &str) -> Result<Option<PackageMeta>, PackageError> {
    let manifest: Manifest = toml::from_str(text).map_err(|err| toml_error("Cargo.toml", text, &err))?;
    let Some(package) = manifest.package else {
        return Ok(None);
    };
    let Some(name) = package.name else {
        return Ok(None);
    };
    let mut notes = Vec::new();
    let version = match &package.version {
        Some(toml::Value::String(version)) => Some(version.as_str()),
        Some(_) => {
            notes.push("version inherited from the workspace (version.workspace = true)".to_owned());
            None
        }
        None => None,
    };
    let declared = match package.license {
        Some(license) => declared(text, license, &mut notes),
        None => None,
    };
    if let Some(file) = package.license_file.as_ref().and_then(toml::Value::as_str) {
        notes.push(format!("license-file = \"{file}\": the license is in that file"));
    }
    Ok(Some(PackageMeta {
        purl: purl("cargo", &name, version),
        manifest: "Cargo.toml".to_owned(),
        declared,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }))
}

fn declared(text: &str, license: Spanned<toml::Value>, notes: &mut Vec<String>) -> Option<Declared> {
    let (line, _) = line_column(text, license.span().start);
    match license.into_inner() {
        toml::Value::String(raw) => Some(Declared {
            expression: canonical_expression(&raw),
            raw,
            field: "package.license".to_owned(),
            line: Some(line),
        }),
        _ => {
            notes.push("license inherited from the workspace (license.workspace = true)".to_owned());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_package;

    #[test]
    fn package_fields() {
        let text =
            "[package]\nname = \"demo\"\nversion = \"0.3.0\"\nedition = \"2021\"\nlicense = \"MIT/Apache-2.0\"\n";
        let meta = parse_package("Cargo.toml", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:cargo/demo@0.3.0");
        let declared = meta.declared.unwrap();
        assert_eq!(declared.raw, "MIT/Apache-2.0");
        assert_eq!(declared.expression.as_deref(), Ok("MIT OR Apache-2.0"));
        assert_eq!(declared.line, Some(5));
        assert_eq!(meta.note, None);
    }

    #[test]
    fn inherited_and_file_licenses_are_noted() {
        let text = "[package]\nname = \"demo\"\nversion.workspace = true\nlicense.workspace = true\n";
        let meta = parse_package("Cargo.toml", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:cargo/demo");
        assert_eq!(meta.declared, None);
        let note = meta.note.unwrap();
        assert!(
            note.contains("version inherited") && note.contains("license inherited"),
            "{note}"
        );

        let text = "[package]\nname = \"demo\"\nversion = \"1.0.0\"\nlicense-file = \"LICENSE.txt\"\n";
        let meta = parse_package("Cargo.toml", text).unwrap().unwrap();
        assert_eq!(meta.declared, None);
        assert!(meta.note.unwrap().contains("LICENSE.txt"));
    }

    #[test]
    fn workspaces_are_not_packages_and_bad_expressions_are_kept() {
        let text = "[workspace]\nmembers = [\"a\"]\n";
        assert_eq!(parse_package("Cargo.toml", text), Ok(None));
        let text = "[package]\nname = \"demo\"\nversion = \"1.0.0\"\nlicense = \"MIT OR\"\n";
        let declared = parse_package("Cargo.toml", text).unwrap().unwrap().declared.unwrap();
        assert!(declared.expression.unwrap_err().contains("column 7"));
    }

    #[test]
    fn syntax_errors_point_at_the_span() {
        let text = "[package]\nname = \"demo\"\nversion = 1.0.0\"\n";
        let err = parse_package("Cargo.toml", text).unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("Cargo.toml", 3));
        assert!(err.to_string().starts_with("Cargo.toml:3:"), "{err}");
    }
}
