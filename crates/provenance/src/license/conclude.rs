//! The rule that concludes one expression from the three signals.

use corpusledger_model::{DocLicense, LicenseTag};

use super::Signal;
use crate::{category_of, license_ids};

/// Concludes a document's license. `declared` and `detected` carry how many
/// folders above the file they were found (0: its own folder; `usize::MAX`:
/// input metadata, which speaks for the whole repository).
///
/// 1. A valid header in the file itself (`SPDX-License-Identifier:` or a
///    license notice) wins: it is the most specific statement.
/// 2. Else the nearer of the declared license (package metadata) and the
///    detected one (license files), so a vendored folder's own LICENSE wins
///    over the repository root's; in the same folder the declared license
///    wins, as the author's own statement.
/// 3. Else `NOASSERTION`.
///
/// Declared and detected naming different license ids is flagged as a
/// disagreement whatever was concluded (the ids of [`same_terms`] count as
/// one); an expression that does not parse is kept in its column and
/// evidence but never concluded.
pub(crate) fn conclude(
    header: Option<Signal>,
    declared: Option<(Signal, usize)>,
    detected: Option<(Signal, usize)>,
) -> DocLicense {
    let valid = |s: &Option<(Signal, usize)>| s.as_ref().filter(|(s, _)| s.valid).cloned();
    let disagreement = match (valid(&declared), &detected) {
        (Some((d, _)), Some((t, _))) => {
            same_terms(license_ids(&d.expression)) != same_terms(license_ids(&t.expression))
        }
        _ => false,
    };
    let concluded = if let Some(h) = header.as_ref().filter(|h| h.valid) {
        tag(&h.expression, "header: the file's own license statement")
    } else {
        match (valid(&declared), valid(&detected)) {
            (Some((d, dd)), Some((_, td))) if dd <= td => tag(&d.expression, declared_rule(dd)),
            (_, Some((t, _))) => tag(&t.expression, "detected: the nearest license files"),
            (Some((d, dd)), None) => tag(&d.expression, declared_rule(dd)),
            (None, None) => LicenseTag::unknown(),
        }
    };
    let mut evidence = Vec::new();
    for signal in [
        header.as_ref(),
        declared.as_ref().map(|d| &d.0),
        detected.as_ref().map(|d| &d.0),
    ]
    .into_iter()
    .flatten()
    {
        evidence.extend(signal.evidence.iter().cloned());
    }
    DocLicense {
        declared: declared.map(|(s, _)| s.expression),
        detected: detected.map(|(s, _)| s.expression),
        header: header.map(|s| s.expression),
        concluded,
        disagreement,
        evidence,
    }
}

/// License ids with one name per set of terms. The Python license stack
/// (the PSF agreement with the BeOpen, CNRI and CWI ones beneath it, as
/// CPython's LICENSE and the packages that copy it hold) is `Python-2.0`
/// or `Python-2.0.1` in SPDX, and PyPI's "Python Software Foundation
/// License" classifier, which such packages declare, is `PSF-2.0`: the
/// three are one here, so that a package declaring PSF-2.0 beside the
/// stack is no disagreement.
pub(crate) fn same_terms(ids: std::collections::BTreeSet<String>) -> std::collections::BTreeSet<String> {
    ids.into_iter()
        .map(|id| match id.as_str() {
            "Python-2.0" | "Python-2.0.1" => "PSF-2.0".to_owned(),
            _ => id,
        })
        .collect()
}

/// Concludes the license of a document made of Stack Exchange posts: the
/// posts' license, set by the site's terms when they were written. A header
/// in the text (a snippet's `SPDX-License-Identifier:`) is kept as the header
/// signal and its evidence, but does not change what the post is under.
pub(crate) fn conclude_post(header: Option<Signal>, declared: Signal) -> DocLicense {
    let concluded = if declared.valid {
        tag(
            &declared.expression,
            "declared: the post's license on its Stack Exchange site",
        )
    } else {
        LicenseTag::unknown()
    };
    let mut evidence = header.as_ref().map(|h| h.evidence.clone()).unwrap_or_default();
    evidence.extend(declared.evidence);
    DocLicense {
        declared: Some(declared.expression),
        detected: None,
        header: header.map(|s| s.expression),
        concluded,
        disagreement: false,
        evidence,
    }
}

fn declared_rule(depth: usize) -> &'static str {
    if depth == usize::MAX {
        "declared: the input's license metadata"
    } else {
        "declared: the nearest package metadata"
    }
}

fn tag(expression: &str, rule: &str) -> LicenseTag {
    LicenseTag {
        expression: expression.to_owned(),
        evidence: rule.to_owned(),
        category: category_of(expression),
    }
}
