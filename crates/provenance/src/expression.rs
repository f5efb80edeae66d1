use std::collections::BTreeSet;

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

/// The expression in canonical form when it parses (lax: `GPL-2.0+` becomes
/// `GPL-2.0-or-later`, `/` becomes `OR`), or the parse error with its column.
pub(crate) fn canonical(expression: &str) -> Result<String, String> {
    crate::canonical::canonical_expression(expression)
}

/// The license and exception ids an expression names, e.g. `{Apache-2.0,
/// LLVM-exception, MIT}`: two expressions name the same licenses when these
/// sets are equal, however they are written. Empty when it does not parse.
pub fn license_ids(expression: &str) -> BTreeSet<String> {
    let Ok(parsed) = Expression::parse_mode(expression, ParseMode::LAX) else {
        return BTreeSet::new();
    };
    let mut ids = BTreeSet::new();
    for req in parsed.requirements() {
        let license = req.req.license.to_string();
        ids.insert(license.trim_end_matches('+').to_owned());
        if let Some(addition) = &req.req.addition {
            ids.insert(addition.to_string());
        }
    }
    ids
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
    fn ids_ignore_how_an_expression_is_written() {
        assert_eq!(license_ids("MIT/Apache-2.0"), license_ids("Apache-2.0 OR MIT"));
        let llvm = license_ids("Apache-2.0 WITH LLVM-exception");
        assert!(llvm.contains("LLVM-exception") && llvm.contains("Apache-2.0"));
        assert!(license_ids("MIT OR").is_empty());
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("MIT OR Apache-2.0").unwrap(), "MIT OR Apache-2.0");
        assert!(canonical("MIT OR").is_err());
    }
}
