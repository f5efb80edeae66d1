//! Cuts a dump's lines into rows: one `<row .../>` per line, or a row whose
//! text runs over several lines until one ends with `/>`. The declaration,
//! the root element's tags and blank lines are skipped; anything else is
//! reported with its line, so every line ends up somewhere.

use std::io::BufRead;

use crate::jsonl::{Line, read_line};

/// One piece of the dump.
#[derive(Debug)]
pub(crate) enum Frame {
    /// A row's text, trimmed, from `<row` to `/>`.
    Row {
        /// The line the row starts on (1-based).
        line: u64,
        /// The text, lines joined with `\n`.
        text: Vec<u8>,
    },
    /// Text that is not a row, or a row that is never closed.
    Malformed {
        /// The line it starts on.
        line: u64,
        /// What is wrong, for `line N: malformed row: <error>`.
        error: String,
    },
    /// A row longer than the limit, skipped without being kept.
    TooLong {
        /// The line it starts on.
        line: u64,
        /// Its length so far.
        bytes: u64,
    },
    /// The stream broke: nothing more can be read.
    Broken {
        /// The line being read.
        line: u64,
        /// The cause.
        error: std::io::Error,
    },
}

/// Streams the frames of a dump; holds one row at a time.
pub(crate) struct Framer<'a> {
    reader: &'a mut dyn BufRead,
    /// The root element, `posts` or `users`.
    root: &'static str,
    max_row: u64,
    line_no: u64,
    buf: Vec<u8>,
    /// A row still open: its first line and text so far.
    open: Option<(u64, Vec<u8>)>,
    /// A frame to hand out before reading on.
    queued: Option<Frame>,
    done: bool,
}

impl<'a> Framer<'a> {
    /// Frames `reader`; rows over `max_row` bytes come out as `TooLong`.
    pub(crate) fn new(reader: &'a mut dyn BufRead, root: &'static str, max_row: u64) -> Self {
        Framer {
            reader,
            root,
            max_row,
            line_no: 0,
            buf: Vec::new(),
            open: None,
            queued: None,
            done: false,
        }
    }

    /// The frame for a line outside an open row, or `None` to skip it.
    fn classify(&mut self, trimmed: &[u8]) -> Option<Frame> {
        let line = self.line_no;
        if trimmed.is_empty() || trimmed.starts_with(b"<?") || self.is_root_tag(trimmed) {
            return None;
        }
        if !starts_row(trimmed) {
            let shown = super::row::shown(&String::from_utf8_lossy(trimmed));
            let error = format!("`{shown}` is not a <row .../> element");
            return Some(Frame::Malformed { line, error });
        }
        if trimmed.ends_with(b"/>") {
            return Some(Frame::Row {
                line,
                text: trimmed.to_vec(),
            });
        }
        self.open = Some((line, trimmed.to_vec()));
        None
    }

    /// The frame for a line while a row is open.
    fn continue_row(&mut self, start: u64, mut text: Vec<u8>, trimmed: &[u8]) -> Option<Frame> {
        if starts_row(trimmed) || trimmed.starts_with(format!("</{}", self.root).as_bytes()) {
            self.queued = self.classify(trimmed);
            let error = format!("the row is not closed with `/>` before line {}", self.line_no);
            return Some(Frame::Malformed { line: start, error });
        }
        text.push(b'\n');
        text.extend_from_slice(trimmed);
        if text.len() as u64 > self.max_row {
            let bytes = text.len() as u64;
            return Some(Frame::TooLong { line: start, bytes });
        }
        if trimmed.ends_with(b"/>") {
            return Some(Frame::Row { line: start, text });
        }
        self.open = Some((start, text));
        None
    }

    fn is_root_tag(&self, trimmed: &[u8]) -> bool {
        let name = trimmed
            .strip_prefix(b"</")
            .or_else(|| trimmed.strip_prefix(b"<"))
            .and_then(|rest| rest.strip_suffix(b">"))
            .map(|name| name.strip_suffix(b"/").unwrap_or(name));
        name.is_some_and(|name| name.eq_ignore_ascii_case(self.root.as_bytes()))
    }
}

impl Iterator for Framer<'_> {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        if let Some(frame) = self.queued.take() {
            return Some(frame);
        }
        while !self.done {
            self.buf.clear();
            self.line_no += 1;
            let line = self.line_no;
            match read_line(self.reader, &mut self.buf, self.max_row) {
                Err(error) => {
                    self.done = true;
                    return Some(Frame::Broken { line, error });
                }
                Ok(Line::Eof) => {
                    self.done = true;
                    let (start, _) = self.open.take()?;
                    let error = "the row is not closed with `/>` by the end of the file".to_owned();
                    return Some(Frame::Malformed { line: start, error });
                }
                Ok(Line::TooLong(bytes)) => {
                    let line = self.open.take().map_or(line, |(start, _)| start);
                    return Some(Frame::TooLong { line, bytes });
                }
                Ok(Line::Complete) => {
                    let mut text = std::mem::take(&mut self.buf);
                    let frame = {
                        let raw = if line == 1 { strip_bom(&text) } else { &text };
                        let trimmed = raw.trim_ascii();
                        match self.open.take() {
                            Some((start, open)) => self.continue_row(start, open, trimmed),
                            None => self.classify(trimmed),
                        }
                    };
                    text.clear();
                    self.buf = text;
                    if frame.is_some() {
                        return frame;
                    }
                }
            }
        }
        None
    }
}

fn starts_row(trimmed: &[u8]) -> bool {
    trimmed.strip_prefix(b"<row").is_some_and(|rest| {
        rest.first()
            .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
    })
}

fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}
