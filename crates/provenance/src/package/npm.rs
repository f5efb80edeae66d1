//! `package.json`: name, version and license, including the legacy
//! `{"type": ...}` object and `licenses` array.

use serde_json::Value;

use super::{Declared, PackageError, PackageMeta, purl};
use crate::canonical::canonical_expression;

/// The package of a `package.json`; `None` without a name (a private
/// workspace root, a tool's config).
pub(super) fn parse(text: &str) -> Result<Option<PackageMeta>, PackageError> {
    let json: Value = serde_json::from_str(text).map_err(|err| PackageError {
        file: "package.json".to_owned(),
        line: super::saturate(err.line()),
        column: super::saturate(err.column()),
        message: format!("not valid JSON: {err}"),
    })?;
    let Some(name) = json.get("name").and_then(Value::as_str) else {
        return Ok(None);
    };
    let version = json.get("version").and_then(Value::as_str);
    let (declared, note) = declared(&json, text);
    Ok(Some(PackageMeta {
        purl: purl("npm", name, version),
        manifest: "package.json".to_owned(),
        declared,
        note,
    }))
}

/// The declared license and a note when it points at a file.
fn declared(json: &Value, text: &str) -> (Option<Declared>, Option<String>) {
    let (raw, field, key) = match (json.get("license"), json.get("licenses")) {
        (Some(Value::String(raw)), _) => (raw.clone(), "license", "\"license\""),
        (Some(Value::Object(object)), _) => match object.get("type").and_then(Value::as_str) {
            Some(raw) => (raw.to_owned(), "license.type", "\"license\""),
            None => return (None, None),
        },
        (None, Some(Value::Array(items))) => {
            let types: Vec<&str> = items
                .iter()
                .filter_map(|item| item.get("type").and_then(Value::as_str))
                .collect();
            if types.is_empty() {
                return (None, None);
            }
            (types.join(" OR "), "licenses[].type", "\"licenses\"")
        }
        _ => return (None, None),
    };
    if let Some(file) = raw.strip_prefix("SEE LICENSE IN ") {
        return (None, Some(format!("license is in {}", file.trim())));
    }
    let expression = if raw == "UNLICENSED" {
        Err("UNLICENSED: the package grants no license to use it".to_owned())
    } else {
        canonical_expression(&raw)
    };
    let declared = Declared {
        expression,
        raw,
        field: field.to_owned(),
        line: key_line(text, key),
    };
    (Some(declared), None)
}

/// The 1-based line of the first `"key":` in `text`. A key nested in a
/// dependency object could come first in theory; `license` keys are
/// top-level in practice.
fn key_line(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|line| {
            line.find(key)
                .is_some_and(|at| line[at + key.len()..].trim_start().starts_with(':'))
        })
        .map(|idx| super::saturate(idx + 1))
}

#[cfg(test)]
mod tests {
    use super::super::parse_package;

    #[test]
    fn license_forms() {
        let text = "{\n  \"name\": \"left-pad\",\n  \"version\": \"1.3.0\",\n  \"license\": \"WTFPL\"\n}\n";
        let meta = parse_package("package.json", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:npm/left-pad@1.3.0");
        let declared = meta.declared.unwrap();
        assert_eq!(declared.expression.as_deref(), Ok("WTFPL"));
        assert_eq!((declared.field.as_str(), declared.line), ("license", Some(4)));

        let text =
            r#"{"name": "@scope/old", "version": "0.1.0", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}"#;
        let meta = parse_package("package.json", text).unwrap().unwrap();
        assert_eq!(meta.purl, "pkg:npm/%40scope/old@0.1.0");
        assert_eq!(meta.declared.unwrap().expression.as_deref(), Ok("MIT OR Apache-2.0"));

        let text = r#"{"name": "obj", "license": {"type": "ISC", "url": "https://x"}}"#;
        let declared = parse_package("package.json", text).unwrap().unwrap().declared.unwrap();
        assert_eq!(
            (declared.expression.as_deref(), declared.field.as_str()),
            (Ok("ISC"), "license.type")
        );
    }

    #[test]
    fn files_unlicensed_and_errors() {
        let text = r#"{"name": "a", "license": "SEE LICENSE IN LICENSE.md"}"#;
        let meta = parse_package("package.json", text).unwrap().unwrap();
        assert_eq!(
            (meta.declared, meta.note.as_deref()),
            (None, Some("license is in LICENSE.md"))
        );

        let text = r#"{"name": "a", "license": "UNLICENSED"}"#;
        let declared = parse_package("package.json", text).unwrap().unwrap().declared.unwrap();
        assert!(declared.expression.is_err());

        assert_eq!(parse_package("package.json", r#"{"private": true}"#), Ok(None));
        let err = parse_package("package.json", "{\n  \"name\": \"a\",\n  \"version\": 1.0.0\n}").unwrap_err();
        assert_eq!((err.line, err.file.as_str()), (3, "package.json"));
    }
}
