//! The license policy: which concluded licenses may stay in the output.

use corpusledger_model::{DocLicense, LicenseCategory, NOASSERTION};
use spdx::{Expression, ParseMode};

use crate::category_of;

/// Allow and deny lists of SPDX ids or categories (`permissive`,
/// `copyleft`, `other`), and what to do with `NOASSERTION`.
///
/// An expression passes when it can be satisfied with licenses that are not
/// denied and, when the allow list is not empty, are allowed: `MIT OR
/// GPL-3.0-only` passes a policy denying `copyleft`, `GPL-3.0-only` does not.
///
/// ```
/// use corpusledger_provenance::LicensePolicy;
/// let policy = LicensePolicy::new(vec![], vec!["copyleft".into()], true).unwrap();
/// assert!(policy.check("MIT OR GPL-3.0-only").is_ok());
/// let rule = policy.check("GPL-3.0-only").unwrap_err();
/// assert_eq!(rule, "GPL-3.0-only is denied by license-deny `copyleft`");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicensePolicy {
    allow: Vec<String>,
    deny: Vec<String>,
    allow_noassertion: bool,
}

const CATEGORIES: [(&str, LicenseCategory); 3] = [
    ("permissive", LicenseCategory::Permissive),
    ("copyleft", LicenseCategory::Copyleft),
    ("other", LicenseCategory::Other),
];

impl LicensePolicy {
    /// A policy; each entry must be a category name or an SPDX license id,
    /// else the error names it.
    pub fn new(allow: Vec<String>, deny: Vec<String>, allow_noassertion: bool) -> Result<LicensePolicy, String> {
        for (key, entries) in [("license-allow", &allow), ("license-deny", &deny)] {
            for entry in entries {
                let known = CATEGORIES.iter().any(|(name, _)| name == entry)
                    || spdx::license_id(entry).is_some()
                    || spdx::exception_id(entry).is_some();
                if !known {
                    return Err(format!(
                        "`{key}` entry `{entry}` is neither a category (permissive, copyleft, other) nor an SPDX license id"
                    ));
                }
            }
        }
        Ok(LicensePolicy {
            allow,
            deny,
            allow_noassertion,
        })
    }

    /// True when the policy lets everything through.
    pub fn is_open(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty() && self.allow_noassertion
    }

    /// Whether a document's concluded license passes, with the rule that
    /// refused it.
    pub fn check_doc(&self, license: &DocLicense) -> Result<(), String> {
        self.check(&license.concluded.expression)
    }

    /// Whether an expression passes; `Err` holds the rule that refused it.
    pub fn check(&self, expression: &str) -> Result<(), String> {
        if expression == NOASSERTION {
            return if self.allow_noassertion {
                Ok(())
            } else {
                Err("NOASSERTION is denied by license-noassertion = \"deny\"".to_owned())
            };
        }
        let Ok(parsed) = Expression::parse_mode(expression, ParseMode::LAX) else {
            return Err(format!("`{expression}` is not a valid SPDX expression"));
        };
        if parsed.evaluate(|req| self.refusal(&req.license.to_string()).is_none()) {
            return Ok(());
        }
        let first = parsed
            .requirements()
            .find_map(|r| self.refusal(&r.req.license.to_string()));
        Err(first.unwrap_or_else(|| format!("{expression} is refused by the license policy")))
    }

    /// Why one license id is refused, or `None`.
    fn refusal(&self, id: &str) -> Option<String> {
        let id = id.trim_end_matches('+');
        if let Some(entry) = self.deny.iter().find(|e| self.matches(e, id)) {
            return Some(format!("{id} is denied by license-deny `{entry}`"));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|e| self.matches(e, id)) {
            return Some(format!("{id} is not in license-allow"));
        }
        None
    }

    fn matches(&self, entry: &str, id: &str) -> bool {
        match CATEGORIES.iter().find(|(name, _)| *name == entry) {
            Some((_, category)) => category_of(id) == *category,
            None => entry == id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_deny_and_noassertion() {
        let policy = LicensePolicy::new(
            vec!["permissive".into(), "MPL-2.0".into()],
            vec!["Unlicense".into()],
            false,
        )
        .unwrap();
        assert!(policy.check("MIT").is_ok());
        assert!(policy.check("MPL-2.0").is_ok());
        assert!(policy.check("GPL-2.0-only OR MIT").is_ok());
        assert_eq!(
            policy.check("GPL-2.0-only").unwrap_err(),
            "GPL-2.0-only is not in license-allow"
        );
        assert_eq!(
            policy.check("Unlicense").unwrap_err(),
            "Unlicense is denied by license-deny `Unlicense`"
        );
        assert!(policy.check("MIT AND GPL-2.0-only").is_err());
        assert!(policy.check("NOASSERTION").unwrap_err().contains("license-noassertion"));
        assert!(LicensePolicy::default().check("NOASSERTION").is_err());
        assert!(LicensePolicy::new(vec![], vec![], true).unwrap().is_open());
        let err = LicensePolicy::new(vec!["permisive".into()], vec![], true).unwrap_err();
        assert!(err.contains("`permisive`"), "{err}");
    }
}
