use corpusledger_model::LicenseCategory;
use spdx::{Expression, ParseMode};

/// The broad family of an SPDX expression: permissive when it can be met
/// under permissive terms alone (e.g. `MIT OR GPL-3.0-only`), copyleft when it
/// names a copyleft license and cannot, other for anything else parseable,
/// unknown for `NOASSERTION` and what does not parse.
pub fn category_of(expression: &str) -> LicenseCategory {
    if expression.trim() == corpusledger_model::NOASSERTION {
        return LicenseCategory::Unknown;
    }
    let Ok(parsed) = Expression::parse_mode(expression, ParseMode::LAX) else {
        return LicenseCategory::Unknown;
    };
    let permissive = |req: &spdx::LicenseReq| match req.license.id() {
        Some(id) => !id.is_copyleft() && (id.is_osi_approved() || id.is_fsf_free_libre()),
        None => false,
    };
    if parsed.evaluate(permissive) {
        return LicenseCategory::Permissive;
    }
    let copyleft = parsed
        .requirements()
        .any(|r| r.req.license.id().is_some_and(|id| id.is_copyleft()));
    if copyleft {
        LicenseCategory::Copyleft
    } else {
        LicenseCategory::Other
    }
}

/// The expression in canonical form when it parses (lax: `GPL-2.0+` and
/// `/` separators are accepted), or the parse error.
pub(crate) fn canonical(expression: &str) -> Result<String, String> {
    Expression::parse_mode(expression, ParseMode::LAX)
        .map(|e| e.to_string())
        .map_err(|err| err.to_string().replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        assert_eq!(category_of("Apache-2.0"), LicenseCategory::Permissive);
        assert_eq!(category_of("LGPL-2.1-or-later"), LicenseCategory::Copyleft);
        assert_eq!(category_of("NOASSERTION"), LicenseCategory::Unknown);
        assert_eq!(category_of("MIT AND GPL-2.0-only"), LicenseCategory::Copyleft);
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("MIT OR Apache-2.0").unwrap(), "MIT OR Apache-2.0");
        assert!(canonical("MIT OR").is_err());
    }
}
