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

/// One fact behind a license signal: which file (or metadata field) said
/// what, where, how sure, and by which detector.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// `declared`, `detected` or `header`.
    pub signal: String,
    /// The expression this piece of evidence gives, as written when it does
    /// not parse.
    pub expression: String,
    /// The file, relative to the repository's parent folder, or `input
    /// metadata`.
    pub file: String,
    /// Where in the file: a metadata field, or a 1-based line span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based inclusive line span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    /// Text-match score, three decimals, for detected licenses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    /// The detector and SPDX license list version, for detected licenses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
    /// Anything else worth knowing (a parse error, a bundled third-party text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Everything known about one document's license: the three signals, kept
/// apart, the concluded expression, and the evidence for each.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocLicense {
    /// From package metadata (`Cargo.toml`, `PKG-INFO`, `pyproject.toml`,
    /// `package.json`) or the input's license column.
    pub declared: Option<String>,
    /// From the nearest license files (`LICENSE*`, `COPYING*`, ...).
    pub detected: Option<String>,
    /// From the file itself: `SPDX-License-Identifier:` or a license notice.
    pub header: Option<String>,
    /// The concluded expression (or `NOASSERTION`), the rule that chose it,
    /// and its category.
    pub concluded: LicenseTag,
    /// Declared and detected name different licenses.
    pub disagreement: bool,
    /// The evidence of every signal.
    pub evidence: Vec<Evidence>,
}

impl DocLicense {
    /// A document with nothing known.
    pub fn unknown() -> DocLicense {
        DocLicense {
            declared: None,
            detected: None,
            header: None,
            concluded: LicenseTag::unknown(),
            disagreement: false,
            evidence: Vec::new(),
        }
    }

    /// The `license_evidence` column: the rule and every piece of evidence,
    /// as one JSON object.
    pub fn evidence_json(&self) -> String {
        #[derive(Serialize)]
        struct Column<'a> {
            rule: &'a str,
            disagreement: bool,
            evidence: &'a [Evidence],
        }
        serde_json::to_string(&Column {
            rule: &self.concluded.evidence,
            disagreement: self.disagreement,
            evidence: &self.evidence,
        })
        .expect("evidence serialises")
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
