//! Character cursor with line and column tracking.

use std::str::Chars;

#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    chars: Chars<'a>,
    offset: usize,
    line: u32,
    col: u32,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Cursor { chars: src.chars(), offset: 0, line: 1, col: 1 }
    }

    /// Look at the next character without consuming it.
    pub fn peek(&self) -> Option<char> {
        self.chars.clone().next()
    }

    /// Look two characters ahead.
    pub fn peek_second(&self) -> Option<char> {
        let mut it = self.chars.clone();
        it.next();
        it.next()
    }

    /// Consume one character, updating the byte offset and position.
    pub fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.offset += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// Consume characters for as long as `pred` holds.
    pub fn eat_while(&mut self, mut pred: impl FnMut(char) -> bool) -> usize {
        let before = self.offset;
        while let Some(c) = self.peek() {
            if !pred(c) {
                break;
            }
            self.bump();
        }
        self.offset - before
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn line(&self) -> u32 {
        self.line
    }

    pub fn col(&self) -> u32 {
        self.col
    }

    pub fn is_eof(&self) -> bool {
        self.chars.as_str().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn tracks_lines_and_columns() {
        let mut c = Cursor::new("ab\ncd");
        c.bump();
        c.bump();
        c.bump();
        assert_eq!((c.line(), c.col(), c.offset()), (2, 1, 3));
        assert_eq!(c.peek(), Some('c'));
        assert_eq!(c.peek_second(), Some('d'));
    }

    #[test]
    fn eat_while_counts_bytes() {
        let mut c = Cursor::new("12345abc");
        assert_eq!(c.eat_while(|ch| ch.is_ascii_digit()), 5);
        assert!(!c.is_eof());
    }
}
