//! The top of a source file: its `SPDX-License-Identifier:` tag and its
//! first comment block, where license notices live.

use crate::canonical::canonical_expression;

/// Lines of a file searched for an `SPDX-License-Identifier:` tag.
const HEADER_LINES: usize = 30;

/// An `SPDX-License-Identifier:` tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The 1-based line of the tag.
    pub line: usize,
    /// The byte columns (start inclusive, end exclusive) of the expression
    /// on that line.
    pub span: (usize, usize),
    /// The expression as written.
    pub raw: String,
    /// The canonical expression, or the parse error with its 1-based
    /// column on the line.
    pub expression: Result<String, String>,
}

/// The first `SPDX-License-Identifier:` tag among the first lines of
/// `text`; comment closers after it (`*/`, `-->`) are not part of it.
///
/// ```
/// use corpusledger_provenance::spdx_header;
/// let text = "// Copyright 2024\n/* SPDX-License-Identifier: GPL-2.0+ */\nint main;";
/// let header = spdx_header(text).unwrap();
/// assert_eq!((header.line, header.span), (2, (28, 36)));
/// assert_eq!(header.expression.as_deref(), Ok("GPL-2.0-or-later"));
/// let bad = spdx_header("# SPDX-License-Identifier: MIT OR\n").unwrap();
/// assert!(bad.expression.unwrap_err().contains("column 34"));
/// ```
pub fn spdx_header(text: &str) -> Option<Header> {
    const TAG: &str = "SPDX-License-Identifier:";
    text.lines().take(HEADER_LINES).enumerate().find_map(|(idx, line)| {
        let after_tag = line.find(TAG)? + TAG.len();
        let rest = &line[after_tag..];
        let rest = rest.split("*/").next().unwrap_or(rest);
        let rest = rest.split("-->").next().unwrap_or(rest);
        let raw = rest.trim();
        if raw.is_empty() {
            return None;
        }
        let start = after_tag + (rest.len() - rest.trim_start().len());
        // Padding the expression to its place on the line makes the error
        // column a column of the line.
        let placed = format!("{}{raw}", " ".repeat(start));
        Some(Header {
            line: idx + 1,
            span: (start, start + raw.len()),
            raw: raw.to_owned(),
            expression: canonical_expression(&placed),
        })
    })
}

/// The leading comment block of a source file, markers stripped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentBlock {
    /// The 1-based inclusive lines of the block in the file.
    pub lines: (u32, u32),
    /// The comment text, one line per line of the block.
    pub text: String,
}

/// Line comment markers, longest first so `///` is not read as `//`
/// followed by `/`.
const LINE_MARKERS: &[&str] = &["///", "//!", "//", ";;", ";", "--", "#", "%"];

/// Block comment openers and their closers.
const BLOCK_MARKERS: &[(&str, &str)] = &[
    ("/*", "*/"),
    ("<!--", "-->"),
    ("\"\"\"", "\"\"\""),
    ("'''", "'''"),
    ("(*", "*)"),
    ("{-", "-}"),
];

/// C preprocessor lines start with `#` but are code.
const PREPROCESSOR: &[&str] = &["#include", "#define", "#if", "#pragma", "#import", "#undef"];

/// The first comment block of a source file, after an optional shebang,
/// encoding line (`# -*- coding: utf-8 -*-`), XML declaration and blank
/// lines: consecutive line comments, or one block comment or docstring.
///
/// ```
/// use corpusledger_provenance::first_comment_block;
/// let text = "#!/usr/bin/env python\n# Copyright 2024 Ann\n# Licensed under the MIT license.\nimport os\n";
/// let block = first_comment_block(text).unwrap();
/// assert_eq!(block.lines, (2, 3));
/// assert_eq!(block.text, "Copyright 2024 Ann\nLicensed under the MIT license.");
/// ```
pub fn first_comment_block(text: &str) -> Option<CommentBlock> {
    // Lines are read only up to the end of the block: this runs on every
    // file, and most files are far longer than their header.
    let mut lines = text.lines().enumerate();
    let (start, first_line) = lines.find(|(idx, line)| !is_preamble(*idx, line))?;
    let from_start = std::iter::once(first_line).chain(lines.map(|(_, line)| line));
    let first = first_line.trim_start();
    if let Some((open, close)) = BLOCK_MARKERS.iter().find(|(open, _)| first.starts_with(open)) {
        return block_comment(from_start, start, open, close);
    }
    let marker = LINE_MARKERS.iter().find(|m| first.starts_with(**m))?;
    if *marker == "#" && PREPROCESSOR.iter().any(|p| first.starts_with(p)) {
        return None;
    }
    line_comments(from_start, start, marker)
}

/// Lines before a file's first comment that are not part of it.
fn is_preamble(idx: usize, line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty()
        || (idx == 0 && trimmed.starts_with("#!"))
        || (idx <= 1 && trimmed.starts_with('#') && is_encoding_line(trimmed))
        || trimmed.starts_with("<?xml")
}

/// A PEP 263 / Emacs / Vim encoding declaration.
fn is_encoding_line(line: &str) -> bool {
    line.contains("coding:") || line.contains("coding=")
}

/// `lines` are the file's lines from `start` (0-based) on.
fn line_comments<'a>(lines: impl Iterator<Item = &'a str>, start: usize, marker: &str) -> Option<CommentBlock> {
    // Markers that share a prefix with the block's own (`///` in a `//`
    // block) are stripped too: they are the same comment style.
    let family: Vec<&str> = LINE_MARKERS
        .iter()
        .copied()
        .filter(|m| m.starts_with(&marker[..1]))
        .collect();
    let mut body = Vec::new();
    for line in lines {
        let trimmed = line.trim_start();
        let Some(m) = family.iter().find(|m| trimmed.starts_with(**m)) else {
            break;
        };
        body.push(strip_one_space(&trimmed[m.len()..]));
    }
    block(start, body)
}

/// `lines` are the file's lines from `start` (0-based) on.
fn block_comment<'a>(
    lines: impl Iterator<Item = &'a str>,
    start: usize,
    open: &str,
    close: &str,
) -> Option<CommentBlock> {
    let mut body = Vec::new();
    for (offset, line) in lines.enumerate() {
        let mut inner = line.trim();
        if offset == 0 {
            inner = inner[open.len()..].trim_start_matches(['*', '!']);
        }
        let closed = inner.find(close).map(|at| &inner[..at]);
        let content = closed.unwrap_or(inner);
        // Leading ` * ` gutters of C-style blocks.
        let content = content.strip_prefix('*').unwrap_or(content);
        body.push(strip_one_space(content.trim_end()));
        if closed.is_some() {
            break;
        }
    }
    block(start, body)
}

fn strip_one_space(text: &str) -> &str {
    text.strip_prefix(' ').unwrap_or(text).trim_end()
}

fn block(start: usize, body: Vec<&str>) -> Option<CommentBlock> {
    if body.iter().all(|line| line.trim().is_empty()) {
        return None;
    }
    let to_line = |idx: usize| u32::try_from(idx + 1).unwrap_or(u32::MAX);
    Some(CommentBlock {
        lines: (to_line(start), to_line(start + body.len() - 1)),
        text: body.join("\n").trim_end().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_styles() {
        for (text, lines, body) in [
            (
                "/*\n * Copyright 2020 A\n * Licensed under X\n */\nint x;",
                (1, 4),
                "\nCopyright 2020 A\nLicensed under X",
            ),
            ("//! Crate docs\n// more\nfn a() {}", (1, 2), "Crate docs\nmore"),
            (
                "<?xml version=\"1.0\"?>\n<!-- Licensed under X -->\n<a/>",
                (2, 2),
                "Licensed under X",
            ),
            (
                "\"\"\"Module.\n\nLicensed under X\n\"\"\"\nimport os",
                (1, 4),
                "Module.\n\nLicensed under X",
            ),
            (
                "-- Licensed under X\n-- more\nSELECT 1;",
                (1, 2),
                "Licensed under X\nmore",
            ),
            (";; Licensed under X\n(defun a ())", (1, 1), "Licensed under X"),
            (
                "# -*- coding: utf-8 -*-\n\n# Licensed under X\nimport os",
                (3, 3),
                "Licensed under X",
            ),
        ] {
            let block = first_comment_block(text).unwrap();
            assert_eq!((block.lines, block.text.as_str()), (lines, body), "{text}");
        }
    }

    #[test]
    fn code_first_means_no_block() {
        assert_eq!(first_comment_block("fn main() {}\n// later"), None);
        assert_eq!(first_comment_block("#include <stdio.h>\n"), None);
        assert_eq!(first_comment_block(""), None);
        assert_eq!(first_comment_block("//\n//\n"), None);
    }

    #[test]
    fn spdx_tags() {
        let header = spdx_header("/* SPDX-License-Identifier: GPL-2.0+ */").unwrap();
        assert_eq!(header.expression.as_deref(), Ok("GPL-2.0-or-later"));
        assert_eq!(header.raw, "GPL-2.0+");
        let header = spdx_header("// SPDX-License-Identifier: MIT OR").unwrap();
        assert_eq!(header.span, (28, 34));
        let err = header.expression.unwrap_err();
        assert!(err.contains("column 35"), "{err}");
        assert_eq!(spdx_header("// SPDX-License-Identifier:\n"), None);
    }
}
