//! Sentences that point at licenses by name instead of holding their text:
//! "Licensed under either of Apache License, Version 2.0 or MIT license at
//! your option", "This project is licensed under the MIT license". The
//! grammar is small on purpose: a licensing verb, then license names from
//! [`NAMES`] within a few words, joined with `OR` only when the text offers
//! a choice.

use super::refine::words;

/// A license named in a pointer sentence.
#[derive(Debug, PartialEq)]
pub(crate) struct Pointer {
    /// The expression: one identifier, or several joined with `OR`.
    pub expression: String,
    /// The 1-based inclusive lines from the verb to the last name.
    pub lines: (u32, u32),
    /// Families offered in the choice without saying which member ("the
    /// BSD License", "a BSD-style license"): `BSD`. The caller may settle
    /// one from the license files beside the text.
    pub families: Vec<String>,
}

/// Phrases (as lowercase words) that introduce the license of a project.
const VERBS: &[&str] = &[
    "licensed under",
    "licenced under",
    "licensed as",
    "license under",
    "released under",
    "distributed under",
    "available under",
    "dual licensed",
    "dual licenced",
    "under the terms of",
    "is under the",
];

/// Words of a text that offer a choice between the licenses it names.
const CHOICE_WORDS: &[&str] = &["either", "option", "dual", "choice", "choose", "or"];

/// Words of the sentence after the names that offer the choice ("You may
/// select, at your option, one of the above-listed licenses"): not `or`,
/// which that sentence often holds for other reasons ("copied, modified, or
/// distributed").
const NEXT_SENTENCE_CHOICE_WORDS: &[&str] = &["either", "option", "choice", "choose", "select"];

/// Names of license families that do not say which member: as a lowercase
/// word, and the family (the prefix of its members' identifiers).
const FAMILIES: &[(&str, &str)] = &[("bsd", "BSD")];

/// Words after a name that make it a likeness, not the license itself:
/// "a BSD-style license" names no particular BSD license.
const LIKENESS_WORDS: &[&str] = &["style", "like", "compatible", "based", "derived", "inspired"];

/// How many words after a verb may name licenses.
const WINDOW: usize = 40;

/// License names (as lowercase words, `2.0` written `20`) and identifiers.
/// A GNU entry holds the id without `-only`/`-or-later`: the words after it
/// decide.
const NAMES: &[(&str, &str)] = &[
    ("apache license version 20", "Apache-2.0"),
    ("apache license v20", "Apache-2.0"),
    ("apache license v2", "Apache-2.0"),
    ("apache license 20", "Apache-2.0"),
    ("apache software license 20", "Apache-2.0"),
    ("apache 20", "Apache-2.0"),
    ("apache v2", "Apache-2.0"),
    ("apache2", "Apache-2.0"),
    ("mit license", "MIT"),
    ("mit licence", "MIT"),
    ("mit", "MIT"),
    ("mit 0", "MIT-0"),
    ("isc license", "ISC"),
    ("isc", "ISC"),
    ("bsd 3 clause", "BSD-3-Clause"),
    ("3 clause bsd", "BSD-3-Clause"),
    ("new bsd", "BSD-3-Clause"),
    ("modified bsd", "BSD-3-Clause"),
    ("revised bsd", "BSD-3-Clause"),
    ("bsd 2 clause", "BSD-2-Clause"),
    ("2 clause bsd", "BSD-2-Clause"),
    ("simplified bsd", "BSD-2-Clause"),
    ("0bsd", "0BSD"),
    ("mozilla public license version 20", "MPL-2.0"),
    ("mozilla public license 20", "MPL-2.0"),
    ("mozilla public license v20", "MPL-2.0"),
    ("mpl 20", "MPL-2.0"),
    ("mpl2", "MPL-2.0"),
    ("unlicense", "Unlicense"),
    ("zlib license", "Zlib"),
    ("boost software license", "BSL-1.0"),
    ("bsl 10", "BSL-1.0"),
    ("cc0", "CC0-1.0"),
    ("cc0 10", "CC0-1.0"),
    ("gnu general public license version 2", "GPL-2.0"),
    ("gnu general public license v2", "GPL-2.0"),
    ("gnu general public license version 3", "GPL-3.0"),
    ("gnu general public license v3", "GPL-3.0"),
    ("gnu gpl v2", "GPL-2.0"),
    ("gnu gpl v3", "GPL-3.0"),
    ("gpl version 2", "GPL-2.0"),
    ("gpl version 3", "GPL-3.0"),
    ("gpl 20", "GPL-2.0"),
    ("gpl 30", "GPL-3.0"),
    ("gpl v2", "GPL-2.0"),
    ("gpl v3", "GPL-3.0"),
    ("gplv2", "GPL-2.0"),
    ("gplv3", "GPL-3.0"),
    ("gnu lesser general public license version 21", "LGPL-2.1"),
    ("gnu lesser general public license version 3", "LGPL-3.0"),
    ("lgpl 21", "LGPL-2.1"),
    ("lgpl 30", "LGPL-3.0"),
    ("lgpl v21", "LGPL-2.1"),
    ("lgpl v3", "LGPL-3.0"),
    ("lgplv21", "LGPL-2.1"),
    ("lgplv3", "LGPL-3.0"),
    ("gnu affero general public license version 3", "AGPL-3.0"),
    ("agpl 30", "AGPL-3.0"),
    ("agpl v3", "AGPL-3.0"),
    ("agplv3", "AGPL-3.0"),
];

/// The licenses a short text points at by name, or `None` when it names
/// none after a licensing verb, or names several without offering a choice.
pub(crate) fn pointer(text: &str) -> Option<Pointer> {
    let tokens = line_words(text);
    let words: Vec<&str> = tokens.iter().map(|t| t.word.as_str()).collect();
    let mut ids: Vec<String> = Vec::new();
    let mut families: Vec<String> = Vec::new();
    let mut choice = false;
    let mut lines: Option<(usize, usize)> = None;
    for start in verb_positions(&words) {
        let end = window_end(&tokens, start);
        choice |= words[start..end].iter().any(|w| CHOICE_WORDS.contains(w));
        if end < tokens.len() {
            let next = window_end(&tokens, end);
            choice |= words[end..next].iter().any(|w| NEXT_SENTENCE_CHOICE_WORDS.contains(w));
        }
        for (at, name) in names_in(&words, start, end) {
            let span = lines.get_or_insert((tokens[start].line, tokens[at].line));
            span.1 = span.1.max(tokens[at].line);
            let list = match name {
                Named::License(_) => &mut ids,
                Named::Family(_) => &mut families,
            };
            let (Named::License(name) | Named::Family(name)) = name;
            if !list.contains(&name) {
                list.push(name);
            }
        }
    }
    if ids.len() > 1 && !choice {
        return None;
    }
    if ids.is_empty() && families.is_empty() {
        return named_elsewhere(text);
    }
    let (first, last) = lines?;
    Some(Pointer {
        expression: corpusledger_model::any_of(ids)?,
        lines: (super::prepare::line_number(first), super::prepare::line_number(last)),
        // A family only counts as an alternative: beside a choice.
        families: if choice { families } else { Vec::new() },
    })
}

/// Verbs (lowercase) after which a license's proper name may follow.
const NAMING_VERBS: &[&str] = &[
    "licensed under",
    "licenced under",
    "released under",
    "distributed under",
    "available under",
];

/// A license a sentence names by its proper name that [`NAMES`] does not
/// hold ("licensed under the Frobnicator Public License, version 2.0"):
/// the SPDX list's id when the name is one of its licenses' full names,
/// else `LicenseRef-` and the name, never a guess at a similar license. The
/// name is the capitalised words before `License` (or `Licence`), with
/// the version after it.
fn named_elsewhere(text: &str) -> Option<Pointer> {
    for (line_idx, line) in text.lines().enumerate() {
        let lower = line.to_lowercase();
        for verb in NAMING_VERBS {
            let Some(at) = lower.find(verb) else { continue };
            let mut rest = line[at + verb.len()..].split_whitespace().peekable();
            let mut skip = |w: &str| rest.next_if(|x| x.eq_ignore_ascii_case(w)).is_some();
            if skip("the") && skip("terms") && skip("of") {
                skip("the");
            }
            let mut name: Vec<&str> = Vec::new();
            let mut closed = false;
            for word in rest.by_ref().take(7) {
                let bare = word.trim_end_matches([',', '.', ';', ':', ')']);
                if !bare.starts_with(|c: char| c.is_ascii_uppercase()) {
                    break;
                }
                name.push(bare);
                if bare.eq_ignore_ascii_case("license") || bare.eq_ignore_ascii_case("licence") {
                    closed = true;
                    break;
                }
            }
            if !closed || name.len() < 2 {
                continue;
            }
            let mut version = None;
            let mut after = rest.map(|w| w.trim_end_matches([',', '.', ';', ':', ')']));
            let mut next = after.next();
            if next.is_some_and(|w| w.eq_ignore_ascii_case("version") || w.eq_ignore_ascii_case("v")) {
                next = after.next();
            }
            if let Some(v) = next.map(|w| w.trim_start_matches(['v', 'V'])) {
                if !v.is_empty()
                    && v.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && v.starts_with(|c: char| c.is_ascii_digit())
                {
                    version = Some(v);
                }
            }
            let full = match version {
                Some(v) => format!("{} {v}", name.join(" ")),
                None => name.join(" "),
            };
            let unversioned_gnu = version
                .is_none()
                .then(|| UNVERSIONED_GNU.iter().find(|(n, _)| n.eq_ignore_ascii_case(&full)))
                .flatten();
            let line = super::prepare::line_number(line_idx);
            return Some(Pointer {
                expression: match unversioned_gnu {
                    Some((_, id)) => (*id).to_owned(),
                    None => spdx_full_name(&full).unwrap_or_else(|| license_ref(&full)),
                },
                lines: (line, line),
                families: Vec::new(),
            });
        }
    }
    None
}

/// GNU licenses named without a version. The GPL says that a program
/// which names no version of it may be used under any version ever
/// published (section 9 of version 2, 14 of version 3), so the GPL named
/// alone is `GPL-1.0-or-later`; likewise the Library GPL (first version
/// 2.0) and the Lesser GPL (first version 2.1).
const UNVERSIONED_GNU: &[(&str, &str)] = &[
    ("GNU General Public License", "GPL-1.0-or-later"),
    ("GNU Library General Public License", "LGPL-2.0-or-later"),
    ("GNU Lesser General Public License", "LGPL-2.1-or-later"),
];

/// The id of the SPDX license (not deprecated) whose full name is `name`,
/// compared without case and punctuation.
fn spdx_full_name(name: &str) -> Option<String> {
    let fold = |s: &str| words(s).join(" ");
    let wanted = fold(name);
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| fold(l.full_name) == wanted && spdx::license_id(l.name).is_some_and(|id| !id.is_deprecated()))
        .map(|l| l.name.to_owned())
}

/// `LicenseRef-` and `name` in the characters an SPDX id may hold.
pub(crate) fn license_ref(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("LicenseRef-{}", slug.trim_matches(['-', '.']))
}

/// A name found after a licensing verb.
enum Named {
    /// A license, by its identifier.
    License(String),
    /// A family, by the prefix of its members' identifiers.
    Family(String),
}

/// The end of the words a verb at `start` governs: the end of its sentence,
/// at most [`WINDOW`] words on.
fn window_end(tokens: &[Token], start: usize) -> usize {
    let limit = (start + WINDOW).min(tokens.len());
    tokens[start..limit]
        .iter()
        .position(|t| t.ends_sentence)
        .map_or(limit, |at| start + at + 1)
}

/// The word indices where a licensing verb starts.
fn verb_positions(words: &[&str]) -> Vec<usize> {
    (0..words.len())
        .filter(|&at| VERBS.iter().any(|verb| starts_with_phrase(&words[at..], verb)))
        .collect()
}

/// The license names in `words[start..end]`, longest name first at each
/// position, with the identifier each stands for; and the families named
/// without a member ("BSD License", "BSD-style").
fn names_in(words: &[&str], start: usize, end: usize) -> Vec<(usize, Named)> {
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        let longest = NAMES
            .iter()
            .filter(|(name, _)| starts_with_phrase(&words[at..], name))
            .max_by_key(|(name, _)| name.split(' ').count());
        let Some((name, id)) = longest else {
            if let Some((_, family)) = FAMILIES.iter().find(|(word, _)| words[at] == *word) {
                found.push((at, Named::Family((*family).to_owned())));
            }
            at += 1;
            continue;
        };
        let after = at + name.split(' ').count();
        let next = words.get(after).copied().unwrap_or("");
        if !LIKENESS_WORDS.contains(&next) {
            found.push((at, Named::License(gnu_variant(id, &words[after..]))));
        }
        at = after;
    }
    found
}

/// `id` with `-or-later` when the words after it say so ("or later", "or
/// any later version", `+`), else `-only` for GNU licenses.
fn gnu_variant(id: &str, after: &[&str]) -> String {
    if !matches!(id, "GPL-2.0" | "GPL-3.0" | "LGPL-2.1" | "LGPL-3.0" | "AGPL-3.0") {
        return id.to_owned();
    }
    let near = &after[..after.len().min(6)];
    let later = near.windows(2).any(|w| w == ["or", "later"] || w == ["any", "later"]);
    if later {
        format!("{id}-or-later")
    } else {
        format!("{id}-only")
    }
}

fn starts_with_phrase(words: &[&str], phrase: &str) -> bool {
    let mut wanted = phrase.split(' ');
    let mut given = words.iter();
    wanted.all(|w| given.next() == Some(&w))
}

/// A word of a pointer text.
struct Token {
    word: String,
    /// The 0-based line it is on.
    line: usize,
    /// Whether a full stop, `!` or `?` follows it.
    ends_sentence: bool,
}

/// The words of `text`. URLs and bracketed groups naming files or URLs
/// (`(LICENSE-MIT or http://...)`) are left out, and a `+` after a name
/// reads "or later".
fn line_words(text: &str) -> Vec<Token> {
    let cleaned = without_file_groups(text);
    let mut out = Vec::new();
    for (line_idx, line) in cleaned.lines().enumerate() {
        let line = line.replace('+', " or later ");
        let raw_words = line
            .split_whitespace()
            .filter(|w| !w.contains("://") && !w.starts_with("www."));
        for raw in raw_words {
            let parts = words(raw);
            let n_parts = parts.len();
            for (part_idx, word) in parts.into_iter().enumerate() {
                out.push(Token {
                    word,
                    line: line_idx,
                    ends_sentence: part_idx + 1 == n_parts && raw.ends_with(['.', '!', '?']),
                });
            }
        }
    }
    out
}

/// `text` with `(...)` and `<...>` groups that mention a URL, a path or a
/// license file blanked; line breaks are kept.
fn without_file_groups(text: &str) -> String {
    let mut out: Vec<char> = text.chars().collect();
    let mut open: Option<(usize, char)> = None;
    for idx in 0..out.len() {
        match (out[idx], open) {
            ('(' | '<', None) => open = Some((idx, if out[idx] == '(' { ')' } else { '>' })),
            (c, Some((start, close))) if c == close => {
                let group: String = out[start..=idx].iter().collect::<String>().to_lowercase();
                let names_a_file = ["://", "/", "license", "licence", "copying", "www."]
                    .iter()
                    .any(|m| group.contains(m));
                if names_a_file {
                    for c in &mut out[start..=idx] {
                        if *c != '\n' {
                            *c = ' ';
                        }
                    }
                }
                open = None;
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// The relative path in a file whose whole content is one, such as a
/// packaged `LICENSE` that was a symbolic link to `../LICENSE`; `None` for
/// anything else. The path must end in a license file name.
///
/// ```
/// use corpusledger_provenance::pointer_path;
/// assert_eq!(pointer_path("../LICENSE\n"), Some("../LICENSE"));
/// assert_eq!(pointer_path("../../LICENSE-MIT"), Some("../../LICENSE-MIT"));
/// assert_eq!(pointer_path("MIT"), None);
/// assert_eq!(pointer_path("/etc/passwd"), None);
/// ```
pub fn pointer_path(text: &str) -> Option<&str> {
    let path = text.trim();
    let plausible = !path.is_empty()
        && path.len() <= 255
        && !path.starts_with('/')
        && !path.contains("://")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    if !plausible || !(path.starts_with("../") || path.starts_with("./")) {
        return None;
    }
    let name = path.rsplit('/').next()?.to_ascii_uppercase();
    let license_name = ["LICENSE", "LICENCE", "COPYING", "UNLICENSE", "COPYRIGHT", "NOTICE"]
        .iter()
        .any(|prefix| name.starts_with(prefix));
    license_name.then_some(path)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_license_named_but_not_known_is_a_license_ref_never_a_guess() {
        let p = pointer("Frob is licensed under the Frobnicator Public License, version 2.0.").unwrap();
        assert_eq!(p.expression, "LicenseRef-Frobnicator-Public-License-2.0");
        assert_eq!(p.lines, (1, 1));
        // A full name of the SPDX list is its id.
        let p = pointer("Made available under the Eclipse Public License 2.0.").unwrap();
        assert_eq!(p.expression, "EPL-2.0");
        // Not a proper name: no license.
        for text in [
            "Released under the same License as Perl itself.",
            "software distributed under the License is distributed on an \"AS IS\" BASIS",
            "licensed under the terms below.",
        ] {
            assert_eq!(pointer(text), None, "{text}");
        }
        assert_eq!(license_ref("Foo  Bar/Baz 1.0"), "LicenseRef-Foo-Bar-Baz-1.0");
    }

    #[test]
    fn a_gnu_license_named_without_a_version_is_any_version() {
        for (text, id) in [
            (
                "this product may be distributed under the terms of the GNU General Public License (GPL)",
                "GPL-1.0-or-later",
            ),
            (
                "It is distributed under the GNU Library General Public License.",
                "LGPL-2.0-or-later",
            ),
            (
                "released under the GNU Lesser General Public License, see COPYING",
                "LGPL-2.1-or-later",
            ),
        ] {
            assert_eq!(pointer(text).map(|p| p.expression).as_deref(), Some(id), "{text}");
        }
    }
    use super::*;

    fn expression(text: &str) -> Option<String> {
        pointer(text).map(|p| p.expression)
    }

    #[test]
    fn rust_convention() {
        let text = "Licensed under either of\n\n * Apache License, Version 2.0\n   (LICENSE-APACHE or http://www.apache.org/licenses/LICENSE-2.0)\n * MIT license\n   (LICENSE-MIT or http://opensource.org/licenses/MIT)\n\nat your option.";
        let found = pointer(text).unwrap();
        assert_eq!(found.expression, "Apache-2.0 OR MIT");
        assert_eq!(found.lines, (1, 5));
    }

    #[test]
    fn single_and_dual() {
        assert_eq!(
            expression("This project is licensed under the MIT license.").as_deref(),
            Some("MIT")
        );
        assert_eq!(
            expression("Dual-licensed under MIT and Apache 2.0.").as_deref(),
            Some("Apache-2.0 OR MIT")
        );
        assert_eq!(
            expression("Released under the GPLv3+").as_deref(),
            Some("GPL-3.0-or-later")
        );
        assert_eq!(expression("Licensed under GPL v2").as_deref(), Some("GPL-2.0-only"));
    }

    /// Issue 19: a choice offered in the next sentence, and families named
    /// without a member, kept for the caller to settle.
    #[test]
    fn choices_in_the_next_sentence_and_families() {
        let zstd = "This source code is licensed under both the BSD-style license (found in the\nLICENSE file in the root directory of this source tree) and the GPLv2 (found\nin the COPYING file in the root directory of this source tree).\nYou may select, at your option, one of the above-listed licenses.";
        let found = pointer(zstd).unwrap();
        assert_eq!(found.expression, "GPL-2.0-only");
        assert_eq!(found.families, ["BSD"]);
        let packaging = "This file is dual licensed under the terms of the Apache License, Version\n2.0, and the BSD License. See the LICENSE file in the root of this repository\nfor complete details.";
        let found = pointer(packaging).unwrap();
        assert_eq!(
            (found.expression.as_str(), found.families.as_slice()),
            ("Apache-2.0", &["BSD".to_owned()][..])
        );
        let three = "Licensed under the 2-Clause BSD License <LICENSE-BSD or https://opensource.org/license/bsd-2-clause>, Apache License, Version 2.0\n<LICENSE-APACHE or https://www.apache.org/licenses/LICENSE-2.0>, or the MIT\nlicense <LICENSE-MIT or https://opensource.org/licenses/MIT>, at your option.\nThis file may not be copied, modified, or distributed except according to\nthose terms.";
        let found = pointer(three).unwrap();
        assert_eq!(found.expression, "Apache-2.0 OR BSD-2-Clause OR MIT");
        assert!(found.families.is_empty());
        // No choice: a family is not an alternative, and an `or` in the
        // next sentence offers none.
        let found = pointer("Licensed under the MIT license and the BSD license.\nIt may not be copied, modified, or distributed otherwise.").unwrap();
        assert_eq!(found.expression, "MIT");
        assert!(found.families.is_empty());
        assert_eq!(
            expression("Licensed under MIT and ISC. It may be copied, modified, or distributed."),
            None
        );
    }

    #[test]
    fn likenesses_and_unframed_names_are_not_pointers() {
        assert_eq!(
            expression("Use of this source code is governed by a BSD-style license."),
            None
        );
        assert_eq!(expression("Licensed under an MIT-like license."), None);
        assert_eq!(expression("We like the MIT license."), None);
        // Two names without a choice: which applies to what is unclear.
        assert_eq!(
            expression("Licensed under MIT, bundled code distributed under ISC."),
            None
        );
    }
}
