use serde::{Deserialize, Serialize};

/// The SPDX value for "no license could be determined".
pub const NOASSERTION: &str = "NOASSERTION";

/// A license decision for one document, with the evidence for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LicenseTag {
    /// An SPDX license expression, or `NOASSERTION`.
    pub expression: String,
    /// Where it came from, e.g. `file repo/LICENSE score=0.99`.
    pub evidence: String,
    /// The broad family, used by the keep policy.
    pub category: LicenseCategory,
}

impl LicenseTag {
    /// The tag for a document with no license information.
    pub fn unknown() -> LicenseTag {
        LicenseTag {
            expression: NOASSERTION.to_owned(),
            evidence: "none".to_owned(),
            category: LicenseCategory::Unknown,
        }
    }
}

/// Broad license families, ordered from most to least preferred to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseCategory {
    /// OSI-approved or FSF-free, not copyleft.
    Permissive,
    /// Copyleft (weak or strong).
    Copyleft,
    /// A known identifier that is neither (proprietary, unknown family).
    Other,
    /// No license information.
    Unknown,
}

/// An SPDX expression meaning "any one of these": the ids sorted, repeats
/// dropped, compound ones parenthesised, joined with `OR`; `None` for none.
///
/// ```
/// use corpusledger_model::any_of;
/// let ids = vec!["MIT".into(), "Apache-2.0 WITH LLVM-exception".into(), "MIT".into()];
/// assert_eq!(any_of(ids).as_deref(), Some("(Apache-2.0 WITH LLVM-exception) OR MIT"));
/// ```
pub fn any_of(mut ids: Vec<String>) -> Option<String> {
    ids.sort();
    ids.dedup();
    match ids.len() {
        0 => None,
        1 => ids.pop(),
        _ => {
            let parts: Vec<String> = ids
                .into_iter()
                .map(|id| if id.contains(' ') { format!("({id})") } else { id })
                .collect();
            Some(parts.join(" OR "))
        }
    }
}
