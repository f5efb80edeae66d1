//! What the exports may say about the manifest's concluded license
//! expressions: which parse as SPDX 2.3 expressions, which ids they name, and
//! which `LicenseRef-`s an SPDX document must declare.

use std::collections::{BTreeMap, BTreeSet};

use spdx::{AdditionItem, Expression, LicenseItem, ParseMode};

/// `NOASSERTION`: no license could be concluded.
pub(crate) const NOASSERTION: &str = "NOASSERTION";

/// How expressions are parsed: SPDX syntax with case-sensitive ids from the
/// license list or `LicenseRef-`s. Deprecated ids (e.g. `GPL-2.0`) are still
/// on the list, so they are accepted.
const MODE: ParseMode = ParseMode {
    allow_deprecated: true,
    ..ParseMode::STRICT
};

/// One concluded expression that an SPDX document can carry as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// License and exception ids on the SPDX list, e.g. `MIT`,
    /// `Classpath-exception-2.0`.
    pub(crate) listed: BTreeSet<String>,
    /// `LicenseRef-` ids.
    pub(crate) refs: BTreeSet<String>,
    /// It combines several terms with `AND` or `OR` (and needs parentheses
    /// inside a conjunction).
    pub(crate) compound: bool,
}

/// `expression` parsed, or `None` for `NOASSERTION` and for what SPDX 2.3 cannot
/// carry as written: text that does not parse, ids not on the list,
/// `DocumentRef-`s (they need an external document) and `AdditionRef-`s
/// (SPDX 3 only).
pub(crate) fn parse(expression: &str) -> Option<Parsed> {
    if expression == NOASSERTION {
        return None;
    }
    let parsed = Expression::parse_mode(expression, MODE).ok()?;
    let mut out = Parsed::default();
    for req in parsed.requirements() {
        match &req.req.license {
            LicenseItem::Spdx { id, .. } => {
                out.listed.insert(id.name.to_owned());
            }
            LicenseItem::Other(other) if other.doc_ref.is_none() => {
                out.refs.insert(format!("LicenseRef-{}", other.lic_ref));
            }
            LicenseItem::Other(_) => return None,
        }
        match &req.req.addition {
            None => {}
            Some(AdditionItem::Spdx(id)) => {
                out.listed.insert(id.name.to_owned());
            }
            Some(AdditionItem::Other(_)) => return None,
        }
    }
    // `WITH` binds tighter than `AND`, so only several terms need parentheses.
    out.compound = parsed.requirements().count() > 1;
    Some(out)
}

/// What a histogram of concluded expressions (expression to documents) lets
/// an export state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Documents by expression, as in the manifest.
    pub(crate) counts: BTreeMap<String, u64>,
    /// Documents without a usable expression: `NOASSERTION` or one SPDX 2.3
    /// cannot carry.
    pub(crate) unknown: u64,
    /// The usable expressions, parsed.
    pub(crate) usable: BTreeMap<String, Parsed>,
}

impl Summary {
    /// The summary of `counts` (expressions with no documents are left out).
    pub(crate) fn of(counts: &BTreeMap<String, u64>) -> Summary {
        let mut summary = Summary::default();
        for (expression, &n_docs) in counts.iter().filter(|(_, n)| **n > 0) {
            summary.counts.insert(expression.clone(), n_docs);
            match parse(expression) {
                Some(parsed) => {
                    summary.usable.insert(expression.clone(), parsed);
                }
                None => summary.unknown += n_docs,
            }
        }
        summary
    }

    /// Every usable expression joined with `AND` (compound ones in
    /// parentheses), or `None` when there is none.
    pub(crate) fn conjunction(&self) -> Option<String> {
        let terms: Vec<String> = self
            .usable
            .iter()
            .map(|(text, parsed)| {
                if parsed.compound && self.usable.len() > 1 {
                    format!("({text})")
                } else {
                    text.clone()
                }
            })
            .collect();
        (!terms.is_empty()).then(|| terms.join(" AND "))
    }

    /// The conjunction when it covers every document, else `None`: a license
    /// is only stated for a whole when every part of it is known.
    pub(crate) fn complete_conjunction(&self) -> Option<String> {
        if self.unknown > 0 {
            return None;
        }
        self.conjunction()
    }

    /// Ids on the SPDX list, over every usable expression.
    pub(crate) fn listed(&self) -> BTreeSet<&str> {
        self.usable
            .values()
            .flat_map(|p| p.listed.iter().map(String::as_str))
            .collect()
    }

    /// `expression n, expression n, ...`, most documents first (then by
    /// expression), e.g. for a description.
    pub(crate) fn counts_text(&self) -> String {
        let mut entries: Vec<(&String, &u64)> = self.counts.iter().collect();
        entries.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let parts: Vec<String> = entries.iter().map(|(e, n)| format!("{e} {n}")).collect();
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_split_into_listed_ids_and_refs() {
        let p = parse("(MIT OR LicenseRef-Corp-EULA) AND GPL-2.0-only WITH Classpath-exception-2.0").unwrap();
        assert_eq!(
            p.listed.iter().collect::<Vec<_>>(),
            ["Classpath-exception-2.0", "GPL-2.0-only", "MIT"]
        );
        assert_eq!(p.refs.iter().collect::<Vec<_>>(), ["LicenseRef-Corp-EULA"]);
        assert!(p.compound);
        assert!(!parse("MIT").unwrap().compound);
        assert!(!parse("GPL-2.0-only WITH Classpath-exception-2.0").unwrap().compound);
        for unusable in [
            "NOASSERTION",
            "Not-A-License",
            "mit",
            "DocumentRef-x:LicenseRef-y",
            "MIT OR",
        ] {
            assert_eq!(parse(unusable), None, "{unusable}");
        }
    }

    #[test]
    fn conjunctions_need_every_document_known() {
        let counts = BTreeMap::from([
            ("Apache-2.0 OR MIT".to_owned(), 2),
            ("ISC".to_owned(), 1),
            ("NOASSERTION".to_owned(), 3),
            ("Unused-0".to_owned(), 0),
        ]);
        let summary = Summary::of(&counts);
        assert_eq!(summary.unknown, 3);
        assert_eq!(summary.conjunction().as_deref(), Some("(Apache-2.0 OR MIT) AND ISC"));
        assert_eq!(summary.complete_conjunction(), None);
        assert_eq!(summary.counts_text(), "NOASSERTION 3, Apache-2.0 OR MIT 2, ISC 1");
        let one = Summary::of(&BTreeMap::from([("Apache-2.0 OR MIT".to_owned(), 2)]));
        assert_eq!(one.complete_conjunction().as_deref(), Some("Apache-2.0 OR MIT"));
    }
}
