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
