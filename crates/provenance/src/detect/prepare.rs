//! Text clean-up before matching: Markdown markup and copyright statements
//! are blanked out line by line, so line numbers stay those of the input.

use xxhash_rust::xxh3::xxh3_64;

/// The text to match, with as many lines as the input: Markdown markup
/// removed and copyright statements blanked.
pub(crate) fn prepare(text: &str) -> String {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Fence lines go but the fenced text stays: license texts are often
        // put in a code block so that Markdown keeps their line breaks.
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            lines.push(String::new());
            continue;
        }
        let plain = if in_fence { line.to_owned() } else { unmark(line) };
        if is_copyright_statement(&plain) {
            lines.push(String::new());
        } else {
            lines.push(plain);
        }
    }
    lines.join("\n")
}

/// The cache key of a prepared text: its lines with whitespace collapsed
/// and case folded. Line breaks are kept because results carry line spans.
pub(crate) fn cache_key(prepared: &str) -> u64 {
    let mut folded = String::with_capacity(prepared.len());
    for line in prepared.trim_end().lines() {
        for (i, word) in line.split_whitespace().enumerate() {
            if i > 0 {
                folded.push(' ');
            }
            folded.extend(word.chars().flat_map(char::to_lowercase));
        }
        folded.push('\n');
    }
    xxh3_64(folded.as_bytes())
}

/// One Markdown line as plain text: quote and heading markers, list
/// bullets, emphasis and link targets removed.
fn unmark(line: &str) -> String {
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        rest = rest.trim_start_matches('>').trim_start();
        rest = rest.trim_start_matches('#').trim_start();
        if let Some(after) = rest.strip_prefix("* ").or_else(|| rest.strip_prefix("+ ")) {
            rest = after.trim_start();
        }
        if rest == before {
            break;
        }
    }
    if rest.chars().all(|c| c == '=' || c == '-') {
        // A setext heading underline or a rule.
        return String::new();
    }
    let without_links = unlink(rest);
    without_links.replace("**", "").replace("__", "")
}

/// `[text](target)` and `![text](target)` as `text`.
fn unlink(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        out.push_str(rest[..open].strip_suffix('!').unwrap_or(&rest[..open]));
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a line states a copyright: `Copyright (c) ...`,
/// `Copyright 2024 ...`, `Copyright © ...`, `Copyright [yyyy] ...`,
/// `(c) 2020 ...`, `All rights reserved`. License sentences that merely
/// begin with the word (ISC: "copyright notice and this permission notice
/// appear in all copies") stay.
pub(crate) fn is_copyright_statement(line: &str) -> bool {
    let lower = line
        .trim_start()
        .trim_start_matches(['#', '/', '*', ';', '-', ' ', '>'])
        .to_lowercase();
    let dated = |rest: &str| {
        let next = rest.trim_start();
        next.starts_with("(c)")
            || next.starts_with('©')
            || next.starts_with('[')
            || next.starts_with('<')
            || next.starts_with('{')
            || next.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    if let Some(rest) = lower.strip_prefix("copyright") {
        return dated(rest);
    }
    if let Some(rest) = lower.strip_prefix("(c)").or_else(|| lower.strip_prefix('©')) {
        return rest.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit());
    }
    lower.starts_with("all rights reserved")
}

/// The 1-based inclusive span of the non-blank lines of `text` within the
/// 0-based half-open range `view`, or `None` when they are all blank.
pub(crate) fn content_span(text: &str, view: (usize, usize)) -> Option<(u32, u32)> {
    let mut first = None;
    let mut last = None;
    for (idx, line) in text.lines().enumerate().take(view.1).skip(view.0) {
        if !line.trim().is_empty() {
            first.get_or_insert(idx);
            last = Some(idx);
        }
    }
    Some((line_number(first?), line_number(last?)))
}

/// The 1-based number of a 0-based line index, saturating.
pub(crate) fn line_number(idx: usize) -> u32 {
    u32::try_from(idx + 1).unwrap_or(u32::MAX)
}

/// The number of non-blank lines of `text`.
pub(crate) fn content_lines(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_unmarked_line_by_line() {
        let text = "# MIT License\n\n> **Permission** is [granted](https://x.org)\n```\nkept *as is*\n```\n* item\nTitle\n=====";
        let prepared = prepare(text);
        assert_eq!(prepared.split('\n').count(), text.lines().count());
        assert_eq!(
            prepared,
            "MIT License\n\nPermission is granted\n\nkept *as is*\n\nitem\nTitle\n"
        );
    }

    #[test]
    fn only_copyright_statements_are_blanked() {
        for statement in [
            "Copyright (c) 2020 Alice",
            "  // Copyright 2019-2024 The Authors",
            "Copyright © Bob",
            "Copyright [yyyy] [name of copyright owner]",
            "(c) 2021 Carol",
            "All rights reserved.",
        ] {
            assert!(is_copyright_statement(statement), "{statement}");
        }
        // ISC's own wording, wrapped so a line starts with "copyright".
        for sentence in [
            "copyright notice and this permission notice appear in all copies.",
            "Copyright holders may not be sued",
            "THE COPYRIGHT HOLDERS AND CONTRIBUTORS",
        ] {
            assert!(!is_copyright_statement(sentence), "{sentence}");
        }
    }

    #[test]
    fn keys_ignore_holders_spacing_and_case() {
        let a = prepare("MIT License\n\nCopyright (c) 2020 Alice\n\nPermission  is granted");
        let b = prepare("MIT LICENSE\n\nCopyright 2024 Bob\n\n  permission is granted\n\n");
        assert_eq!(cache_key(&a), cache_key(&b));
        assert_ne!(cache_key(&a), cache_key("MIT License\n\nPermission is granted"));
        assert_eq!(content_span("\n\nx\n\ny\n\n", (0, 7)), Some((3, 5)));
    }
}
