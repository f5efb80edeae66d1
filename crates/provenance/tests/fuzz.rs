//! Fuzzing the SPDX expression and `SPDX-License-Identifier:` parsers with
//! arbitrary text and with expressions built from SPDX tokens, then
//! mutated. Properties: no panic; a header's span is the expression as
//! written; an error names a column inside it; a canonical form is a fixed
//! point. `PROPTEST_CASES` raises the case count (`scripts/fuzz.sh`).

use corpusledger_model::LicenseCategory;
use corpusledger_provenance::{category_of, first_comment_block, license_ids, spdx_header};
use proptest::prelude::*;

#[path = "../../../tests/support/fuzz.rs"]
mod support;
use support::cases;

/// Pieces of expressions, as written in the wild: ids, lax names,
/// operators, parentheses and stray characters.
const TOKENS: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "GPL-2.0",
    "GPL-2.0+",
    "GPL-3.0-or-later",
    "LGPL-2.1-only",
    "BSD",
    "gpl",
    "gnu gpl v2",
    "Apache 2.0",
    "LicenseRef-corp",
    "DocumentRef-x:LicenseRef-y",
    "NOASSERTION",
    "LLVM-exception",
    "Classpath-exception-2.0",
    "OR",
    "AND",
    "WITH",
    "or",
    "/",
    "+",
    "(",
    ")",
    " ",
    "*/",
    "-->",
    "é",
    "\t",
];

/// An expression of tokens, with a few characters then changed.
fn expression() -> impl Strategy<Value = String> {
    let tokens = proptest::collection::vec(proptest::sample::select(TOKENS), 0..10).prop_map(|tokens| tokens.join(" "));
    let edits = proptest::collection::vec((any::<proptest::sample::Index>(), any::<char>(), 0u8..3), 0..3);
    prop_oneof![
        3 => (tokens, edits).prop_map(|(text, edits)| edit(text, &edits)),
        1 => any::<String>(),
    ]
}

/// Replaces, inserts or removes a character at each position.
fn edit(text: String, edits: &[(proptest::sample::Index, char, u8)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, with, op) in edits {
        let at = at.index(chars.len() + 1);
        match op {
            0 if at < chars.len() => chars[at] = *with,
            1 => chars.insert(at, *with),
            _ if at < chars.len() => {
                chars.remove(at);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// What comes before a tag on its line.
const OPENERS: &[&str] = &["// ", "/* ", "# ", "<!-- ", "", " * "];

/// What comes after the expression on its line.
const CLOSERS: &[&str] = &["", " */", " -->", "\r", " ***/"];

/// A file top with a tag somewhere in its first lines.
fn header_text() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec("[^\n]{0,12}", 0..4),
        proptest::sample::select(OPENERS),
        expression(),
        proptest::sample::select(CLOSERS),
        "(\n.{0,20}){0,3}",
    )
        .prop_map(|(before, open, expression, close, after)| {
            let mut text = before.join("\n");
            if !before.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{open}SPDX-License-Identifier: {expression}{close}{after}"));
            text
        })
}

/// The 1-based column named by a message, `(column N)`.
fn column_of(message: &str) -> Option<usize> {
    let at = message.find("(column ")? + "(column ".len();
    let digits: String = message[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

proptest! {
    #![proptest_config(cases(256))]

    /// Any expression gets a category and an id set, never a panic; one
    /// that names no license is of unknown or other category.
    #[test]
    fn fuzz_spdx_expression_arbitrary(expression in expression()) {
        let category = category_of(&expression);
        let ids = license_ids(&expression);
        if ids.is_empty() {
            prop_assert!(matches!(category, LicenseCategory::Unknown | LicenseCategory::Other), "{category:?}");
        }
    }

    /// A tag: found on its line, its span the expression as written, an
    /// error's column inside the line, and a canonical form that is its
    /// own canonical form with the same license ids.
    #[test]
    fn fuzz_spdx_header(text in header_text()) {
        let Some(header) = spdx_header(&text) else {
            return Ok(());
        };
        let line = text.lines().nth(header.line - 1).unwrap();
        prop_assert!(header.line <= 30);
        prop_assert_eq!(line.get(header.span.0..header.span.1), Some(header.raw.as_str()));
        prop_assert!(!header.raw.is_empty() && header.raw.trim() == header.raw);
        match &header.expression {
            Err(message) => {
                if let Some(column) = column_of(message) {
                    prop_assert!(column >= 1 && column <= line.len() + 1, "{message} on {line:?}");
                }
            }
            Ok(canonical) => {
                let again = spdx_header(&format!("SPDX-License-Identifier: {canonical}")).unwrap();
                prop_assert_eq!(again.expression.as_ref(), Ok(canonical), "{:?}", header.raw);
                prop_assert!(!license_ids(canonical).is_empty(), "{canonical}");
            }
        }
    }

    /// Arbitrary text: the tag and the first comment block are inside it.
    #[test]
    fn fuzz_spdx_header_arbitrary_text(text in any::<String>()) {
        if let Some(header) = spdx_header(&text) {
            let line = text.lines().nth(header.line - 1).unwrap();
            prop_assert_eq!(line.get(header.span.0..header.span.1), Some(header.raw.as_str()));
        }
        if let Some(block) = first_comment_block(&text) {
            prop_assert!(block.lines.0 >= 1 && block.lines.0 <= block.lines.1);
            prop_assert!(block.lines.1 as usize <= text.lines().count());
        }
    }
}
