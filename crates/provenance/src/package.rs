//! Package metadata from manifests: the package URL and the license the
//! package declares, with where it was declared.
//!
//! ```
//! use corpusledger_provenance::parse_package;
//! let manifest = "[package]\nname = \"serde\"\nversion = \"1.0.1\"\nlicense = \"MIT/Apache-2.0\"\n";
//! let meta = parse_package("Cargo.toml", manifest).unwrap().unwrap();
//! assert_eq!(meta.purl, "pkg:cargo/serde@1.0.1");
//! let declared = meta.declared.unwrap();
//! assert_eq!(declared.expression.as_deref(), Ok("MIT OR Apache-2.0"));
//! assert_eq!((declared.field.as_str(), declared.line), ("package.license", Some(4)));
//! ```

mod cargo;
mod names;
mod npm;
mod python;

/// Manifest file names this module reads, in priority order for when
/// several sit in one folder. `PKG-INFO` and `METADATA` come before
/// `pyproject.toml` because they are generated with dynamic fields resolved;
/// `setup.cfg` comes after `pyproject.toml`, which supersedes it.
pub const PACKAGE_FILES: &[&str] = &[
    "Cargo.toml",
    "PKG-INFO",
    "METADATA",
    "pyproject.toml",
    "setup.cfg",
    "package.json",
];

/// What a manifest says about its package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageMeta {
    /// The package URL, e.g. `pkg:cargo/serde@1.0.1`; without `@version`
    /// when the version is not in the manifest (inherited or dynamic).
    pub purl: String,
    /// The manifest's file name: `Cargo.toml`, `PKG-INFO`, `pyproject.toml`...
    pub manifest: String,
    /// The license the package declares, if it declares one in the manifest.
    pub declared: Option<Declared>,
    /// What the manifest says instead of a license or version, e.g. that
    /// the license is in a file or inherited from a workspace.
    pub note: Option<String>,
}

/// A license declared in a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The value as written.
    pub raw: String,
    /// The canonical SPDX expression, or why the value is not one.
    pub expression: Result<String, String>,
    /// Where it was declared: `package.license`, `License-Expression`,
    /// `Classifier: License :: OSI Approved :: MIT License`, `license`...
    pub field: String,
    /// The 1-based line of the field, when known.
    pub line: Option<u32>,
}

/// A manifest that could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}:{column}: {message}; fix the file or leave it out, the run goes on without its package data")]
pub struct PackageError {
    /// The manifest's file name.
    pub file: String,
    /// The 1-based line of the problem.
    pub line: u32,
    /// The 1-based column of the problem.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// The package described by manifest `file_name` holding `text`, `Ok(None)`
/// when the file describes no package (a Cargo workspace root, a
/// `package.json` without a name) or its name is not in
/// [`PACKAGE_FILES`]. A manifest that does not parse is an error; a
/// declared license that is not a valid expression is not (see
/// [`Declared::expression`]).
pub fn parse_package(file_name: &str, text: &str) -> Result<Option<PackageMeta>, PackageError> {
    match file_name {
        "Cargo.toml" => cargo::parse(text),
        "PKG-INFO" | "METADATA" => Ok(python::parse_pkg_info(file_name, text)),
        "pyproject.toml" => python::parse_pyproject(text),
        "setup.cfg" => Ok(python::parse_setup_cfg(text)),
        "package.json" => npm::parse(text),
        _ => Ok(None),
    }
}

/// A package URL: `pkg:<kind>/<name>[@<version>]`, with characters outside
/// the URL-safe set percent-encoded (an npm scope's `@` becomes `%40`).
fn purl(kind: &str, name: &str, version: Option<&str>) -> String {
    let name = name.split('/').map(percent_encode).collect::<Vec<_>>().join("/");
    match version {
        Some(version) => format!("pkg:{kind}/{name}@{}", percent_encode(version)),
        None => format!("pkg:{kind}/{name}"),
    }
}

fn percent_encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (saturate(line), saturate(column))
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A `toml` parse error as a [`PackageError`] at the error's span.
fn toml_error(file: &str, text: &str, err: &toml::de::Error) -> PackageError {
    let (line, column) = err.span().map_or((1, 1), |span| line_column(text, span.start));
    PackageError {
        file: file.to_owned(),
        line,
        column,
        message: format!("not valid TOML: {}", err.message().trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_encode_what_they_must() {
        assert_eq!(purl("npm", "@babel/core", Some("7.0.0")), "pkg:npm/%40babel/core@7.0.0");
        assert_eq!(
            purl("cargo", "serde", Some("1.0.0+build")),
            "pkg:cargo/serde@1.0.0%2Bbuild"
        );
        assert_eq!(purl("pypi", "requests", None), "pkg:pypi/requests");
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 1), (1, 1));
    }

    #[test]
    fn unknown_files_are_not_packages() {
        assert_eq!(parse_package("setup.py", "setup(name='x')"), Ok(None));
    }
}
