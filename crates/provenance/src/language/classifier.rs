//! The language of a text by its tokens alone, for documents without a file
//! name (a Stack Exchange post whose tags name no language, a JSONL line
//! without a path): a naive Bayes classifier over GitHub linguist's token
//! statistics (`data/classifier.tsv.gz`, from the `samples.json` of
//! Debian's linguist package, see `scripts/update_language_classifier.py`).
//!
//! The score of a language is the log of its share of linguist's samples
//! plus, for each token of the text, the log of the token's share of the
//! language's tokens (a token the language never had counts as one in all
//! tokens of all languages), as linguist scores. The tokenizer is written
//! here after the tokens the statistics hold: identifiers (with a leading
//! `.`, `$`, `@` or `#` kept, as in `.sqrt`, `$this`, `#include`), runs of
//! operator characters (`->`, `</`, `::`), runs of brackets (`()`, `))`),
//! single `,` and `;`, and a `COMMENT<marker>` token for each comment;
//! strings and numbers are left out, and tokens are cut at 16 bytes.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use super::table::{PREFERRED, table};

const MODEL: &[u8] = include_bytes!("../../data/classifier.tsv.gz");

/// The bytes of a text the classifier reads, as linguist.
const CONSIDER_BYTES: usize = 50 * 1024;

/// Tokens are cut at this many bytes, as in linguist's statistics.
const MAX_TOKEN: usize = 16;

/// The data and markup formats candidates beside `table::PREFERRED`.
const FORMATS: [&str; 3] = ["JSON", "TOML", "XML"];

/// A text with fewer tokens the statistics know is not classified.
const MIN_KNOWN_TOKENS: usize = 16;

struct Model {
    /// Per language: its index in the language table, and the log of its
    /// share of the samples.
    languages: Vec<(usize, f64)>,
    /// Per language, the log of its token count.
    log_tokens: Vec<f64>,
    /// Token -> (language, count) for each language that had it.
    tokens: HashMap<Box<str>, Vec<(u16, u32)>>,
    /// The log-probability of a token a language never had.
    unknown: f64,
}

fn model() -> &'static Model {
    static MODEL_CELL: OnceLock<Model> = OnceLock::new();
    MODEL_CELL.get_or_init(|| load().expect("data/classifier.tsv.gz is checked by the tests"))
}

fn unescape(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn load() -> Result<Model, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(MODEL)
        .read_to_string(&mut text)
        .map_err(|e| format!("classifier data: {e}"))?;
    let t = table();
    let mut header = text.lines().next().unwrap_or_default().rsplit(": tokens ");
    let totals = header.next().unwrap_or_default();
    let (tokens_total, samples_total) = totals
        .split_once(", samples ")
        .and_then(|(a, b)| Some((a.parse::<f64>().ok()?, b.parse::<f64>().ok()?)))
        .ok_or("classifier data: no totals in the first line")?;
    // Model language number -> its number among the languages kept (those
    // the language table knows), or none.
    let mut kept: Vec<Option<u16>> = Vec::new();
    let mut languages = Vec::new();
    let mut log_tokens = Vec::new();
    let mut tokens: HashMap<Box<str>, Vec<(u16, u32)>> = HashMap::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let mut fields = line.split('\t');
        let bad = || format!("classifier data, line {}: `{line}`", n + 1);
        match fields.next() {
            Some("L") => {
                let name = fields.next().ok_or_else(bad)?;
                let samples: f64 = fields.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
                let count: f64 = fields.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
                match t.by_name(name).filter(|_| count > 0.0) {
                    Some(i) => {
                        kept.push(Some(languages.len() as u16));
                        languages.push((i, (samples / samples_total).ln()));
                        log_tokens.push(count.ln());
                    }
                    None => kept.push(None),
                }
            }
            Some("T") => {
                let token = unescape(fields.next().ok_or_else(bad)?);
                let mut seen = Vec::new();
                for entry in fields.next().ok_or_else(bad)?.split(' ') {
                    let (lang, count) = entry.split_once(':').ok_or_else(bad)?;
                    let lang: usize = lang.parse().map_err(|_| bad())?;
                    let count: u32 = count.parse().map_err(|_| bad())?;
                    if let Some(Some(k)) = kept.get(lang) {
                        seen.push((*k, count));
                    }
                }
                if !seen.is_empty() {
                    tokens.insert(token.into_boxed_str(), seen);
                }
            }
            _ => return Err(bad()),
        }
    }
    Ok(Model {
        languages,
        log_tokens,
        tokens,
        unknown: (1.0 / tokens_total).ln(),
    })
}

/// The tokens of `text` as the classifier counts them.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut end = text.len().min(CONSIDER_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<String>, s: &str| {
        let mut end = s.len().min(MAX_TOKEN);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push(s[..end].to_owned());
    };
    let line_start = |i: usize| {
        b[..i]
            .iter()
            .rev()
            .take_while(|&&c| c != b'\n')
            .all(|c| c.is_ascii_whitespace())
    };
    let skip_to = |from: usize, end: &[u8]| -> usize {
        b[from..]
            .windows(end.len())
            .position(|w| w == end)
            .map_or(b.len(), |p| from + p + end.len())
    };
    let to_line_end = |from: usize| b[from..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| from + p);
    // A shebang names an interpreter, which `language_of` reads already.
    if b.starts_with(b"#!") {
        i = to_line_end(0);
    }
    // Block comments: opening, closing, token, and whether the opening
    // must be followed by a space (`(* x *)` is a comment, `COUNT(*)` and
    // `{-1}` are not).
    const BLOCKS: [(&[u8], &[u8], &str, bool); 6] = [
        (b"/*", b"*/", "COMMENT/*", false),
        (b"<!--", b"-->", "COMMENT<!--", false),
        (b"\"\"\"", b"\"\"\"", "COMMENT\"\"\"", false),
        (b"'''", b"'''", "COMMENT'''", false),
        (b"{-", b"-}", "COMMENT{-", true),
        (b"(*", b"*)", "COMMENT(*", true),
    ];
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let is_op = |c: u8| b"!%&*+-/:<=>?^|~\\.".contains(&c);
    'outer: while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        for (open, close, token, spaced) in BLOCKS {
            let space_after = b.get(i + open.len()).is_none_or(|c| c.is_ascii_whitespace());
            if (!spaced || space_after) && b[i..].starts_with(open) {
                out.push(token.to_owned());
                i = skip_to(i + open.len(), close);
                continue 'outer;
            }
        }
        let next = b.get(i + 1).copied();
        let line_comment = match c {
            b'/' => (next == Some(b'/')).then_some("COMMENT//"),
            b'-' => (next == Some(b'-') && b.get(i + 2).is_none_or(|&c| c == b' ' || c == b'\n' || c == b'\r'))
                .then_some("COMMENT--"),
            b'#' => next
                .is_none_or(|n| n == b' ' || n == b'#' || n == b'\n' || n == b'\r' || n == b'\t' || n == b'!')
                .then_some("COMMENT#"),
            b'%' if line_start(i) => Some("COMMENT%"),
            b';' if line_start(i) => Some("COMMENT;"),
            _ => None,
        };
        if let Some(token) = line_comment {
            out.push(token.to_owned());
            i = to_line_end(i);
            continue;
        }
        match c {
            b'"' | b'\'' => {
                // A string on one line, its escapes skipped; an unclosed
                // quote is a token of its own.
                let mut j = i + 1;
                while j < b.len() && b[j] != c && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j < b.len() && b[j] == c {
                    i = j + 1;
                } else {
                    push(&mut out, &text[i..i + 1]);
                    i += 1;
                }
            }
            b'0'..=b'9' => {
                while i < b.len() && (is_ident(b[i]) || b[i] == b'.') {
                    i += 1;
                }
            }
            b'$' | b'@' | b'#' | b'.' if next.is_some_and(|n| n.is_ascii_alphabetic() || n == b'_') => {
                let start = i;
                i += 1;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                push(&mut out, &text[start..i]);
            }
            b'$' if matches!(next, Some(b'(' | b'{')) => {
                push(&mut out, &text[i..i + 2]);
                i += 2;
            }
            _ if is_ident(c) => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                push(&mut out, &text[start..i]);
            }
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b'`' | b'$' | b'@' | b'#' | b';' => {
                let class = |c: u8| match c {
                    b'(' | b')' => 0,
                    b'[' | b']' => 1,
                    b'{' | b'}' => 2,
                    other => other,
                };
                let start = i;
                while i < b.len() && class(b[i]) == class(c) {
                    i += 1;
                }
                push(&mut out, &text[start..i]);
            }
            _ if is_op(c) => {
                let start = i;
                while i < b.len() && is_op(b[i]) {
                    i += 1;
                }
                push(&mut out, &text[start..i]);
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                i += len;
            }
        }
    }
    out
}

/// The most likely language of `text` among the common languages of
/// `table::PREFERRED` (JavaScript, Python, Java, ... INI; not Text), by
/// linguist's token statistics; `None` for a text with fewer than 8 tokens
/// the statistics know.
pub fn language_from_content(text: &str) -> Option<&'static str> {
    let m = model();
    let t = table();
    // In token order, so that the sums (and ties) are the same on every
    // run: a hash map's order changes the floating-point sums.
    let mut counts: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for token in tokens(text) {
        *counts.entry(token).or_insert(0) += 1;
    }
    let known: usize = counts
        .iter()
        .filter(|(token, _)| m.tokens.contains_key(token.as_str()))
        .map(|(_, &n)| n as usize)
        .sum();
    if known < MIN_KNOWN_TOKENS {
        return None;
    }
    let total: u32 = counts.values().sum();
    // Every language starts as if it had none of the tokens; each token a
    // language had moves it from the unknown log-probability to its own.
    let mut scores: Vec<f64> = m
        .languages
        .iter()
        .map(|&(_, prior)| prior + f64::from(total) * m.unknown)
        .collect();
    for (token, &n) in &counts {
        let Some(seen) = m.tokens.get(token.as_str()) else {
            continue;
        };
        for &(lang, count) in seen {
            let l = lang as usize;
            scores[l] += f64::from(n) * ((f64::from(count)).ln() - m.log_tokens[l] - m.unknown);
        }
    }
    // Among linguist's 591 languages, those with few samples and tokens
    // like a common one's (Sage for Python) would win; the candidates are
    // the common languages of `table::PREFERRED` and the data and markup
    // formats of every repository. Text is one of them: prose (a question
    // without code) scores best as Text, and is given no language.
    let candidate = |l: usize| {
        let name = t.name(m.languages[l].0);
        PREFERRED.contains(&name) || FORMATS.contains(&name)
    };
    (0..scores.len())
        .filter(|&l| candidate(l))
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))
        .map(|l| t.name(m.languages[l].0))
        .filter(|&name| name != "Text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_loads_and_knows_the_common_languages() {
        let m = load().unwrap();
        assert!(m.languages.len() > 400, "{}", m.languages.len());
        assert!(m.tokens.len() > 100_000);
        for name in [
            "Python",
            "C",
            "JavaScript",
            "SQL",
            "Shell",
            "Rust",
            "Java",
            "Ruby",
            "PHP",
            "Go",
        ] {
            let i = table().by_name(name).unwrap();
            assert!(m.languages.iter().any(|&(l, _)| l == i), "{name}");
        }
    }

    #[test]
    fn tokens_keep_code_and_leave_out_strings_numbers_and_comments() {
        let text = "#include <stdio.h>\nint main() { // hi\n  printf(\"%d\", 42); /* x */ return obj->f; }\n";
        assert_eq!(
            tokens(text),
            [
                "#include",
                "<",
                "stdio",
                ".h",
                ">",
                "int",
                "main",
                "()",
                "{",
                "COMMENT//",
                "printf",
                "(",
                ",",
                ")",
                ";",
                "COMMENT/*",
                "return",
                "obj",
                "->",
                "f",
                ";",
                "}"
            ]
        );
        assert_eq!(tokens("x = $(ls) # list\n"), ["x", "=", "$(", "ls", ")", "COMMENT#"]);
        assert_eq!(tokens("a_very_long_identifier_indeed")[0], "a_very_long_iden");
    }

    #[test]
    fn snippets_are_told_apart() {
        let cases = [
            (
                "def mean(xs):\n    if not xs:\n        return None\n    return sum(xs) / len(xs)\n\nprint(mean([1, 2, 3]))\nimport os\nfor k in os.environ:\n    print(k)\n",
                "Python",
            ),
            (
                "SELECT name, COUNT(*) AS n\nFROM users u\nJOIN orders o ON o.user_id = u.id\nWHERE o.total > 10\nGROUP BY name\nORDER BY n DESC;\n",
                "SQL",
            ),
            (
                "#include <stdio.h>\n#include <stdlib.h>\n\nstruct node { int value; struct node *next; };\n\nstatic void print_list(const struct node *n) {\n    while (n != NULL) {\n        printf(\"%d\\n\", n->value);\n        n = n->next;\n    }\n}\n",
                "C",
            ),
            (
                "function sum(xs) {\n  const out = xs.reduce((a, b) => a + b, 0);\n  console.log(out);\n  return out;\n}\nmodule.exports = { sum };\n",
                "JavaScript",
            ),
            (
                "for f in *.log; do\n  grep -c 'error' \"$f\" >> counts.txt\ndone\nexport PATH=$HOME/bin:$PATH\necho done\n",
                "Shell",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(language_from_content(text), Some(want), "{text}");
        }
        assert_eq!(language_from_content("hi"), None);
    }
}
