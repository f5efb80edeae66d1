//! Corrections to the store's best match that text similarity alone gets
//! wrong: near-identical licenses told apart by one clause, the GNU
//! `-only`/`-or-later` choice, and exceptions the store has no texts for.

/// A license that differs from a more common one in a few words: it is
/// reported only when those words are there.
struct Variant {
    id: &'static str,
    base: &'static str,
    /// Words (lowercase, punctuation dropped) found only in the variant.
    marker: &'static str,
    /// Words that, right after the marker, show it is the blank template in
    /// the license's own appendix rather than the variant's own wording.
    template: Option<&'static str>,
}

/// The GNU FDL's `-invariants` ids are for documents with Invariant
/// Sections; the license text is the same, and its appendix holds the
/// blank template ("with the Invariant Sections being LIST THEIR TITLES").
/// Only a notice that names sections makes the variant.
const fn gfdl(id: &'static str, base: &'static str) -> Variant {
    Variant {
        id,
        base,
        marker: "invariant sections being",
        template: Some("list their titles"),
    }
}

/// Pixar's license is Apache-2.0 with its trademark clause reworded; an
/// Apache-2.0 text without its appendix is closer to Pixar's by word
/// bigrams (0.98 against 0.94) than to Apache-2.0's own text.
///
/// The Affero GPL 1.0 is the GPL-2.0 with one clause added; a GPL-2.0 text
/// whose appendix went to another license located first in the same file
/// scores closer to it than to the GPL-2.0 (seen: 0.885 against 0.868).
const VARIANTS: &[Variant] = &[
    Variant {
        id: "Pixar",
        base: "Apache-2.0",
        marker: "licensor and its affiliates except as required to comply with section 4c",
        template: None,
    },
    Variant {
        id: "AGPL-1.0-or-later",
        base: "GPL-2.0-or-later",
        marker: "affero general public license",
        template: None,
    },
    Variant {
        id: "AGPL-1.0-only",
        base: "GPL-2.0-or-later",
        marker: "affero general public license",
        template: None,
    },
    gfdl("GFDL-1.1-invariants-only", "GFDL-1.1-or-later"),
    gfdl("GFDL-1.1-invariants-or-later", "GFDL-1.1-or-later"),
    gfdl("GFDL-1.2-invariants-only", "GFDL-1.2-or-later"),
    gfdl("GFDL-1.2-invariants-or-later", "GFDL-1.2-or-later"),
    gfdl("GFDL-1.3-invariants-only", "GFDL-1.3-or-later"),
    gfdl("GFDL-1.3-invariants-or-later", "GFDL-1.3-or-later"),
];

/// An exception recognised by a phrase of its text, and the licenses it
/// can be added to.
struct ExceptionRule {
    id: &'static str,
    applies_to: &'static [&'static str],
    /// Words (lowercase, punctuation dropped) of its text.
    phrase: &'static str,
}

const EXCEPTIONS: &[ExceptionRule] = &[
    ExceptionRule {
        id: "LLVM-exception",
        applies_to: &["Apache-2.0"],
        phrase: "portions of this software are embedded into an object form of such source code",
    },
    ExceptionRule {
        id: "Classpath-exception-2.0",
        applies_to: &["GPL-2.0-only", "GPL-2.0-or-later"],
        phrase: "linking this library statically or dynamically with other modules is making a combined work",
    },
    ExceptionRule {
        id: "GCC-exception-3.1",
        applies_to: &["GPL-3.0-only", "GPL-3.0-or-later"],
        phrase: "gcc runtime library exception",
    },
    ExceptionRule {
        id: "Linux-syscall-note",
        applies_to: &["GPL-2.0-only", "GPL-2.0-or-later"],
        phrase: "does not cover user programs that use kernel services by normal system calls",
    },
];

/// The words that make a GNU notice "or later".
const OR_LATER: &str = "at your option any later version";

/// Words showing that an "or later" notice is the blank template in the GNU
/// licenses' own "How to Apply These Terms" appendix, not a real notice.
const TEMPLATE_MARKERS: &[&str] = &["one line to give", "name of author"];

/// How far before an "or later" notice (in words) template markers count.
const TEMPLATE_WINDOW: usize = 80;

/// The identifier to report for store license `id` found in `text`, with a
/// note when the choice needs explaining.
pub(crate) fn identifier(id: &str, text: &str) -> (String, Option<String>) {
    let words = words(text);
    if let Some(variant) = VARIANTS.iter().find(|v| v.id == id) {
        let own_wording = find_phrase(&words, variant.marker).any(|at| {
            let after = at + variant.marker.split(' ').count();
            variant.template.is_none_or(|template| {
                !contains_phrase(&words[after.min(words.len())..(after + 3).min(words.len())], template)
            })
        });
        if !own_wording {
            let (base, gnu_note) = gnu_suffix(variant.base, &words);
            let note = format!("{id}-like text without {id}'s own wording: {base}");
            let note = gnu_note.map_or(note.clone(), |g| format!("{note}; {g}"));
            return (base, Some(note));
        }
    }
    gnu_suffix(id, &words)
}

/// The variant the store prefers when `base` scored below it, for the
/// caller to look up the base's own score.
pub(crate) fn variant_base(id: &str) -> Option<&'static str> {
    VARIANTS.iter().find(|v| v.id == id).map(|v| v.base)
}

/// GNU licenses are stored under `-or-later` names with `-only` as an
/// alias, and a license text is the same either way: the notice decides.
fn gnu_suffix(id: &str, words: &[String]) -> (String, Option<String>) {
    let Some(base) = id.strip_suffix("-or-later").or_else(|| id.strip_suffix("-only")) else {
        return (id.to_owned(), None);
    };
    let gnu = spdx::license_id(id).is_some_and(|l| l.is_gnu());
    let only = format!("{base}-only");
    if !gnu || spdx::license_id(&only).is_none() {
        return (id.to_owned(), None);
    }
    if has_or_later_notice(words) {
        let note = format!("{base} text with an 'or (at your option) any later version' notice: -or-later");
        (format!("{base}-or-later"), Some(note))
    } else {
        let note = format!("{base} text without an 'or any later version' notice: -only");
        (only, Some(note))
    }
}

fn has_or_later_notice(words: &[String]) -> bool {
    // The short form: "the GNU General Public License, version 2.0 or later".
    let short = words.windows(4).any(|w| {
        matches!(w[0].as_str(), "version" | "v")
            && !w[1].is_empty()
            && w[1].chars().all(|c| c.is_ascii_digit())
            && w[2] == "or"
            && w[3] == "later"
    });
    short
        || find_phrase(words, OR_LATER).any(|at| {
            let from = at.saturating_sub(TEMPLATE_WINDOW);
            !TEMPLATE_MARKERS
                .iter()
                .any(|marker| contains_phrase(&words[from..at], marker))
        })
}

/// `license` with the exception whose phrase `text` holds, if any.
pub(crate) fn with_exception(license: &str, text: &str) -> (String, Option<&'static str>) {
    let words = words(text);
    let rule = EXCEPTIONS
        .iter()
        .filter(|rule| rule.applies_to.contains(&license))
        .find(|rule| contains_phrase(&words, rule.phrase));
    match rule {
        Some(rule) => (format!("{license} WITH {}", rule.id), Some(rule.id)),
        None => (license.to_owned(), None),
    }
}

/// A license whose own text offers another license instead of its
/// conditions, by the words that name it.
struct StatedAlternative {
    license: &'static str,
    /// Words (lowercase, punctuation dropped) of the offer.
    phrase: &'static str,
    alternative: &'static str,
    note: &'static str,
}

/// Ruby's license grants "under either the terms of the 2-clause BSDL (see
/// the file BSDL), or the conditions below" (since Ruby 1.9.3; before, "the
/// GPL (see the file GPL)", which was the GPL version 2). The SPDX id
/// `Ruby` is that text, but a policy reading `Ruby` alone would miss the
/// permissive choice, so the offer is spelt out (as Fedora and ScanCode
/// do).
const ALTERNATIVES: &[StatedAlternative] = &[
    StatedAlternative {
        license: "Ruby",
        phrase: "under either the terms of the 2 clause bsdl",
        alternative: "BSD-2-Clause",
        note: "the Ruby license's text offers the 2-clause BSD license (its file BSDL) instead of its own conditions",
    },
    StatedAlternative {
        license: "Ruby",
        phrase: "under either the terms of the gpl",
        alternative: "GPL-2.0-only",
        note: "the Ruby license's text offers the GPL instead of its own conditions (its file GPL, the GPL version 2 in the Ruby releases with this wording)",
    },
];

/// The license `license`'s own text in `text` offers instead, and a note
/// saying so.
pub(crate) fn stated_alternative(license: &str, text: &str) -> Option<(&'static str, &'static str)> {
    let words = words(text);
    ALTERNATIVES
        .iter()
        .filter(|a| a.license == license)
        .find(|a| contains_phrase(&words, a.phrase))
        .map(|a| (a.alternative, a.note))
}

/// Whether `text` holds the wording of an exception [`with_exception`]
/// knows: that text names other licenses (the LLVM exception, the GPLv2)
/// without offering them.
pub(crate) fn has_exception_text(text: &str) -> bool {
    let words = words(text);
    EXCEPTIONS.iter().any(|rule| contains_phrase(&words, rule.phrase))
}

/// The lowercase words of `text`, punctuation dropped (`4(c)` is `4c`,
/// `2.0` is `20`).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '/' || c == '-')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn find_phrase<'a>(words: &'a [String], phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    let wanted: Vec<&str> = phrase.split(' ').collect();
    let n = wanted.len();
    (0..words.len().saturating_sub(n - 1)).filter(move |&at| words[at..at + n].iter().zip(&wanted).all(|(a, b)| a == b))
}

pub(crate) fn contains_phrase(words: &[String], phrase: &str) -> bool {
    find_phrase(words, phrase).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gnu_template_is_not_a_notice() {
        let template = "<one line to give the program's name>\nCopyright (C) <year> <name of author>\n\nThis program is free software: you can redistribute it under the terms of the GNU General Public License, either version 3 of the License, or (at your option) any later version.";
        assert_eq!(identifier("GPL-3.0-or-later", template).0, "GPL-3.0-only");
        let notice = "Gizmo is free software, either version 3 of the License, or (at your option) any later version.";
        assert_eq!(identifier("GPL-3.0-or-later", notice).0, "GPL-3.0-or-later");
        assert_eq!(identifier("MIT", notice).0, "MIT");
        let short = "Gizmo may be used under the GNU General Public License, version 2.0 or later.";
        assert_eq!(identifier("GPL-2.0-only", short).0, "GPL-2.0-or-later");
        let not_a_version = "Gizmo 2 or later releases are under the GNU General Public License.";
        assert_eq!(identifier("GPL-2.0-or-later", not_a_version).0, "GPL-2.0-only");
    }

    #[test]
    fn the_gfdl_is_invariants_only_with_sections_named() {
        let appendix = "GNU Free Documentation License ... with the Invariant Sections being LIST THEIR TITLES, with the Front-Cover Texts being LIST";
        let (id, note) = identifier("GFDL-1.3-invariants-or-later", appendix);
        assert_eq!(id, "GFDL-1.3-only");
        assert!(
            note.unwrap()
                .starts_with("GFDL-1.3-invariants-or-later-like text without")
        );
        let named = format!(
            "{appendix}\nPermission is granted ... with the Invariant Sections being \"History\" and \"Credits\", no Front-Cover Texts"
        );
        assert_eq!(
            identifier("GFDL-1.3-invariants-only", &named).0,
            "GFDL-1.3-invariants-only"
        );
    }

    #[test]
    fn exceptions_need_their_license() {
        let text = "As an exception, if portions of this Software are embedded into an Object form of such source code";
        assert_eq!(with_exception("Apache-2.0", text).0, "Apache-2.0 WITH LLVM-exception");
        assert_eq!(with_exception("MIT", text).0, "MIT");
    }
}
