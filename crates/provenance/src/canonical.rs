//! Canonical SPDX expressions from what people write in manifests and
//! headers.
//!
//! `spdx::Expression`'s `Display` prints the text it was parsed from, so
//! `MIT/Apache-2.0` and `GPL-2.0+` would come back unchanged; the crate's
//! `Expression::canonicalize` does the rewriting (`/` to `OR`, `+` to
//! `-or-later` on GNU ids, bare GNU ids to `-only`, imprecise names to ids).
//! Some imprecise names are guesses we refuse to make: `BSD` alone does not
//! say which BSD, and the crate maps `gnu gpl v2` to GPL-3.0-only.

use spdx::lexer::{Lexer, Token};
use spdx::{Expression, ParseMode};

/// Imprecise names that the `spdx` crate would turn into one id, but which
/// name a family or are mapped wrongly, with the advice we give instead.
const AMBIGUOUS_NAMES: &[(&str, &str)] = &[
    ("bsd", "BSD-2-Clause or BSD-3-Clause"),
    (
        "gpl",
        "GPL-2.0-only, GPL-2.0-or-later, GPL-3.0-only or GPL-3.0-or-later",
    ),
    (
        "lgpl",
        "LGPL-2.1-only, LGPL-2.1-or-later, LGPL-3.0-only or LGPL-3.0-or-later",
    ),
    ("gnu gpl v2", "GPL-2.0-only or GPL-2.0-or-later"),
];

/// The canonical form of `expression`, accepting the lax syntax found in
/// the wild (`/` for `OR`, `GPL-2.0+`, `Apache 2.0`), or a message naming
/// the 1-based column of the problem.
pub(crate) fn canonical_expression(expression: &str) -> Result<String, String> {
    let trimmed = expression.trim();
    let lead = expression.len() - expression.trim_start().len();
    Expression::parse_mode(trimmed, ParseMode::LAX)
        .map_err(|err| describe(&err.reason.to_string(), lead + err.span.start))?;
    refuse_ambiguous(trimmed, lead)?;
    let canonical = Expression::canonicalize(trimmed)
        .map_err(|err| describe(&err.reason.to_string(), lead + err.span.start))?
        .unwrap_or_else(|| trimmed.to_owned());
    // A second parse, without imprecise names, proves the rewrite is a
    // valid expression and not merely lexable.
    let strictish = ParseMode {
        allow_imprecise_license_names: false,
        allow_slash_as_or_operator: false,
        ..ParseMode::LAX
    };
    Expression::parse_mode(&canonical, strictish)
        .map(|_| canonical.clone())
        .map_err(|err| format!("{} in the rewritten form `{canonical}`", err.reason))
}

fn describe(reason: &str, byte_offset: usize) -> String {
    format!("{reason} (column {})", byte_offset + 1)
}

/// An error when a term of `expression` is one of [`AMBIGUOUS_NAMES`].
fn refuse_ambiguous(expression: &str, lead: usize) -> Result<(), String> {
    for token in Lexer::new_mode(expression, ParseMode::LAX).flatten() {
        if !matches!(token.token, Token::Spdx(_)) {
            continue;
        }
        let written = expression[token.span.clone()].trim().to_ascii_lowercase();
        if let Some((_, advice)) = AMBIGUOUS_NAMES.iter().find(|(name, _)| *name == written) {
            let column = lead + token.span.start + 1;
            return Err(format!(
                "`{}` does not name one license (column {column}): write {advice}",
                &expression[token.span]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lax_forms_are_rewritten() {
        for (written, canonical) in [
            ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
            ("GPL-2.0+", "GPL-2.0-or-later"),
            ("GPL-3.0", "GPL-3.0-only"),
            ("mit or Apache-2.0", "MIT OR Apache-2.0"),
            ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
            ("  (MIT OR Apache-2.0) AND Zlib ", "(MIT OR Apache-2.0) AND Zlib"),
        ] {
            assert_eq!(canonical_expression(written).as_deref(), Ok(canonical), "{written}");
        }
    }

    #[test]
    fn errors_name_the_column() {
        let err = canonical_expression("MIT OR").unwrap_err();
        assert!(err.contains("column 7"), "{err}");
        let err = canonical_expression("  MIT AND Nope-1.0").unwrap_err();
        assert!(err.contains("column 11"), "{err}");
    }

    #[test]
    fn family_names_are_refused() {
        let err = canonical_expression("BSD").unwrap_err();
        assert!(err.contains("BSD-3-Clause"), "{err}");
        assert!(canonical_expression("MIT OR gpl").is_err());
    }
}
