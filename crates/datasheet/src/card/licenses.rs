//! Concluded licenses as the Hugging Face Hub's license ids.
//!
//! The Hub lists its own lowercase ids (hf.co/docs/hub/repositories-licenses);
//! most are SPDX ids in lowercase. An SPDX id maps to one when it names the
//! same license: `-only`, `-or-later` and `+` are dropped (the Hub has one id
//! per version, e.g. `gpl-3.0`), every GFDL version is the Hub's `gfdl`
//! family. Anything else is `other` (named in the card's `license_name`),
//! and NOASSERTION or NONE is `unknown`.

use std::collections::{BTreeMap, BTreeSet};

/// SPDX ids (lowercase, without `-only`, `-or-later` or `+`) whose Hub id
/// is the same text.
const SAME_ID: &[&str] = &[
    "afl-3.0",
    "agpl-3.0",
    "apache-2.0",
    "artistic-2.0",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "bsl-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-nc-2.0",
    "cc-by-nc-3.0",
    "cc-by-nc-4.0",
    "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nd-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "cc0-1.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "cdla-sharing-1.0",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "etalab-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "gpl-2.0",
    "gpl-3.0",
    "isc",
    "lgpl-2.1",
    "lgpl-3.0",
    "lppl-1.3c",
    "mit",
    "mpl-2.0",
    "ms-pl",
    "ncsa",
    "ofl-1.1",
    "osl-3.0",
    "postgresql",
    "unlicense",
    "wtfpl",
    "zlib",
];

/// SPDX ids whose Hub id differs: the Hub names the license without its
/// only version.
const RENAMED: &[(&str, &str)] = &[("odbl-1.0", "odbl"), ("odc-by-1.0", "odc-by"), ("pddl-1.0", "pddl")];

/// One license id of a concluded expression, as the Hub knows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HubLicense {
    /// On the Hub's list, with its Hub id.
    Listed(&'static str),
    /// NOASSERTION or NONE: the Hub's `unknown`.
    Unknown,
    /// Not on the Hub's list (the Hub's `other`), with the id as written.
    Other(String),
}

impl HubLicense {
    /// The id for the card's `license` field.
    pub fn id(&self) -> &str {
        match self {
            HubLicense::Listed(id) => id,
            HubLicense::Unknown => "unknown",
            HubLicense::Other(_) => "other",
        }
    }
}

/// The Hub license of one SPDX license id.
pub fn of_id(spdx_id: &str) -> HubLicense {
    let lower = spdx_id.to_ascii_lowercase();
    if lower == "noassertion" || lower == "none" {
        return HubLicense::Unknown;
    }
    let bare = lower.strip_suffix('+').unwrap_or(&lower);
    let bare = bare
        .strip_suffix("-only")
        .or_else(|| bare.strip_suffix("-or-later"))
        .unwrap_or(bare);
    if let Some(id) = SAME_ID.iter().find(|id| **id == bare) {
        return HubLicense::Listed(id);
    }
    if let Some((_, id)) = RENAMED.iter().find(|(spdx, _)| *spdx == bare) {
        return HubLicense::Listed(id);
    }
    if bare.starts_with("gfdl-") {
        return HubLicense::Listed("gfdl");
    }
    HubLicense::Other(spdx_id.to_owned())
}

/// The license ids of an SPDX expression (`AND`, `OR`, parentheses; the
/// exception after `WITH` is not a license), in order, each once. An empty
/// expression has no known license.
pub fn of_expression(expression: &str) -> Vec<HubLicense> {
    let spaced = expression.replace(['(', ')'], " ");
    let mut tokens = spaced.split_whitespace();
    let mut ids = Vec::new();
    while let Some(token) = tokens.next() {
        if token.eq_ignore_ascii_case("and") || token.eq_ignore_ascii_case("or") {
            continue;
        }
        if token.eq_ignore_ascii_case("with") {
            tokens.next();
            continue;
        }
        let license = of_id(token);
        if !ids.contains(&license) {
            ids.push(license);
        }
    }
    if ids.is_empty() {
        ids.push(HubLicense::Unknown);
    }
    ids
}

/// The kept documents' concluded licenses on the Hub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HubLicenses {
    /// Hub ids for the card's `license` field: by kept documents under
    /// them, most first (an expression counts for each of its ids), then
    /// by id.
    pub ids: Vec<String>,
    /// The ids behind `other`, as written, sorted.
    pub other: Vec<String>,
}

impl HubLicenses {
    /// From the manifest's kept documents by concluded license expression.
    pub fn of_licenses(licenses: &BTreeMap<String, u64>) -> HubLicenses {
        let mut documents: BTreeMap<String, u64> = BTreeMap::new();
        let mut other = BTreeSet::new();
        for (expression, &n) in licenses {
            let mut ids = BTreeSet::new();
            for license in of_expression(expression) {
                ids.insert(license.id().to_owned());
                if let HubLicense::Other(id) = license {
                    other.insert(id);
                }
            }
            for id in ids {
                *documents.entry(id).or_default() += n;
            }
        }
        let mut ids: Vec<(String, u64)> = documents.into_iter().collect();
        ids.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        HubLicenses {
            ids: ids.into_iter().map(|(id, _)| id).collect(),
            other: other.into_iter().collect(),
        }
    }

    /// The card's `license_name` and `license_link` when `other` is among
    /// the ids: one id names itself and links to its SPDX page; several
    /// ids, or a `LicenseRef-`, link to the manifest, which counts each.
    pub fn other_name_and_link(&self) -> Option<(String, String)> {
        match self.other.as_slice() {
            [] => None,
            [id] => {
                let name = license_name(id);
                let spdx_like = !id.contains("Ref-")
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '+');
                let link = if spdx_like {
                    format!("https://spdx.org/licenses/{}.html", id.trim_end_matches('+'))
                } else {
                    "manifest.json".to_owned()
                };
                Some((name, link))
            }
            _ => Some(("several-licenses".to_owned(), "manifest.json".to_owned())),
        }
    }
}

/// An id as a `license_name`: lowercase letters, digits, `-` and `.`.
fn license_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '.') => c,
            _ => '-',
        })
        .collect();
    if name.is_empty() { "other".to_owned() } else { name }
}
