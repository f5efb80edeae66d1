//! Escaping of untrusted strings (everything read from a manifest).

/// Text for HTML, in content and in quoted attribute values alike. Line
/// breaks and tabs are kept (for `<pre>`); other control characters become
/// spaces.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for Markdown: every character CommonMark or GitHub would read as
/// markup is backslash-escaped (a `<` can then never open HTML, a `|` never
/// ends a table cell), and line breaks become spaces so that a value stays
/// in its paragraph or cell.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Monospace text for Markdown: a code span when the text cannot break out
/// of one (no backtick, no `|` that would end a table cell, no control
/// characters), else escaped plain text.
pub fn markdown_code(s: &str) -> String {
    let plain = !s.is_empty() && !s.chars().any(|c| c == '`' || c == '|' || c.is_control());
    if plain { format!("`{s}`") } else { markdown(s) }
}

/// A code fence longer than any run of backticks in `s`.
pub fn fence_for(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// At most `max` characters, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn markdown_escapes_cells_code_and_html() {
        assert_eq!(markdown("a|b `c` <d>\ne"), r"a\|b \`c\` \<d\> e");
        assert_eq!(markdown_code("MIT"), "`MIT`");
        assert_eq!(markdown_code("a`b"), r"a\`b");
        assert_eq!(markdown_code("a|b"), r"a\|b");
        assert_eq!(fence_for("x ```` y"), "`````");
        assert_eq!(fence_for("plain"), "```");
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("ééééé", 5), "ééééé");
        assert_eq!(truncate("éééééé", 5), "éééé…");
    }
}
