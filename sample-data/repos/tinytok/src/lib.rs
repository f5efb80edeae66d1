//! A small lexer for expression languages.

mod cursor;

pub use cursor::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    Number,
    Str,
    Plus,
    Minus,
    Star,
    Slash,
    Assign,
    LParen,
    RParen,
    Comma,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub span: (usize, usize),
}

#[derive(Debug, PartialEq, Eq)]
pub enum LexError {
    UnexpectedChar { ch: char, line: u32, col: u32 },
    UnterminatedString { line: u32, col: u32 },
}

pub struct Lexer<'a> {
    src: &'a str,
    cursor: Cursor<'a>,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer { src, cursor: Cursor::new(src) }
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.cursor.peek() {
                Some(c) if c.is_whitespace() => {
                    self.cursor.bump();
                }
                Some('#') => {
                    while let Some(c) = self.cursor.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    pub fn next_token(&mut self) -> Result<Option<Token<'a>>, LexError> {
        self.skip_trivia();
        let start = self.cursor.offset();
        let (line, col) = (self.cursor.line(), self.cursor.col());
        let ch = match self.cursor.bump() {
            Some(c) => c,
            None => return Ok(None),
        };
        let kind = match ch {
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '=' => TokenKind::Assign,
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            ',' => TokenKind::Comma,
            '"' => {
                let mut escaped = false;
                loop {
                    match self.cursor.bump() {
                        None => return Err(LexError::UnterminatedString { line, col }),
                        Some('\\') if !escaped => escaped = true,
                        Some('"') if !escaped => break,
                        Some(_) => escaped = false,
                    }
                }
                TokenKind::Str
            }
            c if c.is_ascii_digit() => {
                self.cursor.eat_while(|c| c.is_ascii_digit() || c == '.' || c == '_');
                TokenKind::Number
            }
            c if c.is_alphabetic() || c == '_' => {
                self.cursor.eat_while(|c| c.is_alphanumeric() || c == '_');
                TokenKind::Ident
            }
            other => return Err(LexError::UnexpectedChar { ch: other, line, col }),
        };
        let end = self.cursor.offset();
        Ok(Some(Token { kind, text: &self.src[start..end], span: (start, end) }))
    }

    pub fn collect_all(mut self) -> Result<Vec<Token<'a>>, LexError> {
        let mut out = Vec::new();
        while let Some(tok) = self.next_token()? {
            out.push(tok);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        Lexer::new(src).collect_all().unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn lexes_assignment() {
        use TokenKind::*;
        assert_eq!(kinds("w = 3 * (x + 12.5)"), vec![Ident, Assign, Number, Star, LParen, Ident, Plus, Number, RParen]);
    }

    #[test]
    fn skips_comments() {
        assert_eq!(kinds("# nothing here\n42 # answer"), vec![TokenKind::Number]);
    }

    #[test]
    fn reports_bad_char() {
        let err = Lexer::new("a ? b").collect_all().unwrap_err();
        assert_eq!(err, LexError::UnexpectedChar { ch: '?', line: 1, col: 3 });
    }

    #[test]
    fn unterminated_string() {
        assert!(matches!(Lexer::new("\"abc").collect_all(), Err(LexError::UnterminatedString { .. })));
    }
}
