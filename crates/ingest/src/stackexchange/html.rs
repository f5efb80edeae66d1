//! A post's HTML body to plain text, and its code blocks (`<pre>`).
//!
//! Why a small tag walker of our own and not an HTML5 parser (html5ever):
//! post bodies are HTML that Stack Exchange has already sanitised to a short
//! list of tags, and the text wanted here depends only on which tag starts
//! or ends where, never on a repaired DOM tree. A walker over `<...>` tags
//! and text is a page of code with no tree to build per post, where
//! html5ever would bring its tendril / string-cache stack for a job it does
//! far more than. Entities are the one part that needs a full table (the
//! 2,125 HTML5 names ending in `;`): that comes from the `html-escape`
//! crate.
//!
//! The rules: block elements (`p`, `div`, `blockquote`, `ul`, `ol`, `li`,
//! `h1`..`h6`, `pre`, `hr`, `table`, `tr`) start on a new line, and
//! paragraphs and blocks are set apart by one blank line (list items and
//! table rows by a line break only, so a list reads as a list); `br` is a
//! line break; `li` begins with `- `; `img` gives its `alt`; other tags give
//! their text (table cells are set apart by a space). Outside `pre`, runs of
//! ASCII whitespace become one space and lines are trimmed (a decoded
//! `&nbsp;` is U+00A0, which is kept, as a browser keeps it); inside `pre`,
//! the text is kept verbatim with its entities decoded and inner tags
//! dropped.

/// A body as text, and the verbatim text of its outermost `pre` elements.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Rendered {
    /// The text, without a trailing newline (empty for an empty body).
    pub(crate) text: String,
    /// Each `pre`, in document order, verbatim (nested `pre`s are part of
    /// the outer one).
    pub(crate) code_blocks: Vec<String>,
}

/// Renders an HTML body; never fails (anything that is not a tag is text).
pub(crate) fn render(html: &str) -> Rendered {
    let mut writer = Writer::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => match Tag::parse(rest) {
                Some((tag, len)) => {
                    writer.tag(&tag);
                    rest = &rest[len..];
                }
                None => {
                    writer.text("<");
                    rest = &rest[1..];
                }
            },
            Some(at) => {
                writer.text(&rest[..at]);
                rest = &rest[at..];
            }
            None => {
                writer.text(rest);
                rest = "";
            }
        }
    }
    writer.finish()
}

/// A markup item: a start or end tag, or markup to skip (comments,
/// declarations).
#[derive(Debug)]
struct Tag<'a> {
    /// The lower-cased name; empty for markup to skip.
    name: String,
    end: bool,
    /// The `alt` attribute (images), raw.
    alt: Option<&'a str>,
}

impl<'a> Tag<'a> {
    /// Parses the markup at the start of `text` (which starts with `<`):
    /// the tag and its length, or `None` when the `<` is plain text.
    fn parse(text: &'a str) -> Option<(Tag<'a>, usize)> {
        let bytes = text.as_bytes();
        let skip = Tag {
            name: String::new(),
            end: false,
            alt: None,
        };
        if let Some(comment) = text.strip_prefix("<!--") {
            let len = comment.find("-->").map_or(text.len(), |at| at + "<!---->".len());
            return Some((skip, len));
        }
        if matches!(bytes.get(1), Some(b'!' | b'?')) {
            let len = text.find('>').map_or(text.len(), |at| at + 1);
            return Some((skip, len));
        }
        let end = bytes.get(1) == Some(&b'/');
        let name_start = if end { 2 } else { 1 };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let name_len = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - name_start);
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        let (attributes, len) = attributes_and_len(&text[name_start + name_len..])?;
        let alt = if name == "img" {
            attribute(attributes, "alt")
        } else {
            None
        };
        Some((Tag { name, end, alt }, name_start + name_len + len))
    }
}

/// The attribute text of a tag and the length up to and with its `>`;
/// `None` when the tag is not closed.
fn attributes_and_len(text: &str) -> Option<(&str, usize)> {
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '>') => return Some((&text[..at], at + 1)),
            _ => {}
        }
    }
    None
}

/// The raw value of attribute `wanted` in a tag's attribute text.
fn attribute<'a>(mut text: &'a str, wanted: &str) -> Option<&'a str> {
    loop {
        text = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if text.is_empty() {
            return None;
        }
        let name_len = text
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(text.len());
        let name = &text[..name_len];
        text = text[name_len..].trim_start();
        let mut value = "";
        if let Some(after) = text.strip_prefix('=') {
            let after = after.trim_start();
            let (found, rest) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                    Some(close) => (&after[1..1 + close], &after[close + 2..]),
                    None => (&after[1..], ""),
                },
                _ => {
                    let len = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
                    (&after[..len], &after[len..])
                }
            };
            value = found;
            text = rest;
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// A break owed before the next text: a line break or a blank line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    #[default]
    None,
    Line,
    Blank,
}

/// Builds the text; breaks and spaces are owed and written only when more
/// text follows, so there are no leading, trailing or doubled ones.
#[derive(Debug, Default)]
struct Writer {
    out: String,
    owed_break: Break,
    owed_space: bool,
    owed_bullet: bool,
    /// Depth of open `li` (lists inside an item are set apart by a line).
    li_depth: usize,
    /// Depth of open `pre`; the outermost collects a code block.
    pre_depth: usize,
    code: String,
    code_blocks: Vec<String>,
}

impl Writer {
    fn tag(&mut self, tag: &Tag<'_>) {
        match (tag.name.as_str(), tag.end) {
            ("pre", false) => self.open_pre(),
            ("pre", true) => self.close_pre(),
            _ if self.pre_depth > 0 => {}
            ("li", false) => {
                self.owe(Break::Line);
                self.li_depth += 1;
                self.owed_bullet = true;
            }
            ("li", true) => {
                self.owe(Break::Line);
                self.li_depth = self.li_depth.saturating_sub(1);
                self.owed_bullet = false;
            }
            ("ul" | "ol", _) if self.li_depth > 0 => self.owe(Break::Line),
            ("tr", _) => self.owe(Break::Line),
            ("br", false) => self.line_break(),
            ("td" | "th", _) => self.owed_space = true,
            ("img", false) => self.text(tag.alt.unwrap_or_default()),
            (name, _) if is_block(name) => self.owe(Break::Blank),
            _ => {}
        }
    }

    fn text(&mut self, raw: &str) {
        let text = html_escape::decode_html_entities(raw);
        if self.pre_depth > 0 {
            self.code.push_str(&text);
            if !text.is_empty() {
                self.pay_owed();
                self.out.push_str(&text);
            }
            return;
        }
        for word in split_words(&text) {
            match word {
                None => self.owed_space = true,
                Some(word) => {
                    self.pay_owed();
                    self.out.push_str(word);
                }
            }
        }
    }

    fn open_pre(&mut self) {
        if self.pre_depth == 0 {
            self.owe(Break::Blank);
            self.code.clear();
        }
        self.pre_depth += 1;
    }

    fn close_pre(&mut self) {
        match self.pre_depth {
            0 => {}
            1 => {
                self.pre_depth = 0;
                self.code_blocks.push(std::mem::take(&mut self.code));
                self.owe(Break::Blank);
            }
            _ => self.pre_depth -= 1,
        }
    }

    fn owe(&mut self, wanted: Break) {
        self.owed_break = self.owed_break.max(wanted);
    }

    fn line_break(&mut self) {
        if !self.out.is_empty() {
            self.pay_owed_break();
            self.out.push('\n');
            self.owed_space = false;
        }
    }

    /// Writes what is owed before text: the break, then the bullet or a space.
    fn pay_owed(&mut self) {
        self.pay_owed_break();
        if std::mem::take(&mut self.owed_bullet) {
            self.out.push_str("- ");
            self.owed_space = false;
        } else if std::mem::take(&mut self.owed_space) && !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push(' ');
        }
    }

    fn pay_owed_break(&mut self) {
        let wanted = match std::mem::take(&mut self.owed_break) {
            Break::None => return,
            Break::Line => 1,
            Break::Blank => 2,
        };
        if self.out.is_empty() {
            return;
        }
        self.owed_space = false;
        let have = self.out.bytes().rev().take(2).take_while(|&b| b == b'\n').count();
        for _ in have..wanted {
            self.out.push('\n');
        }
    }

    fn finish(mut self) -> Rendered {
        if self.pre_depth > 0 {
            self.code_blocks.push(std::mem::take(&mut self.code));
        }
        let len = self.out.trim_end_matches(|c: char| c.is_ascii_whitespace()).len();
        self.out.truncate(len);
        Rendered {
            text: self.out,
            code_blocks: self.code_blocks,
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "blockquote" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr" | "table"
    )
}

/// Splits text at runs of ASCII whitespace: `None` stands for a run.
fn split_words(text: &str) -> impl Iterator<Item = Option<&str>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let is_space = |c: char| c.is_ascii_whitespace();
        if rest.starts_with(is_space) {
            rest = rest.trim_start_matches(is_space);
            return Some(None);
        }
        let len = rest.find(is_space).unwrap_or(rest.len());
        let (word, after) = rest.split_at(len);
        rest = after;
        Some(Some(word))
    })
}
