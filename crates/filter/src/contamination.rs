//! Benchmark contamination: a document that holds a benchmark item's prompt
//! or solution.
//!
//! The rule follows the GPT-3 paper's decontamination (13-gram overlap)
//! on words, as BigCode's StarCoder decontamination matched HumanEval and
//! MBPP docstrings and solutions:
//!
//! - text is compared as **words**: maximal runs of ASCII letters, digits
//!   and `_`, lowercased; punctuation, whitespace and comment markers do not
//!   count, so re-indented or re-quoted copies still match;
//! - a document is contaminated when it shares a run of **13 words** with an
//!   item's prompt or solution;
//! - an item field of **6 to 12 words** (a short solution) matches when the
//!   document holds all of it as one run; fields under 6 words are too
//!   common to tell anything (`return len(s)`) and are not matched (the
//!   count is reported).
//!
//! A signature line alone (`def has_close_elements(numbers: List[float],
//! threshold: float) -> bool:` is 8 words) never makes 13 words, and a short
//! field matches only in full.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;
use xxhash_rust::xxh3::xxh3_64;

use crate::{Error, Finding, Kind};

/// Words in a run that contaminates.
pub const NGRAM: usize = 13;
/// The fewest words a short field needs to be matched in full.
pub const MIN_SHORT: usize = 6;

/// Which JSON fields of a benchmark line hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub id: String,
    pub prompt: String,
    pub solution: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            id: "task_id".to_owned(),
            prompt: "prompt".to_owned(),
            solution: "canonical_solution".to_owned(),
        }
    }
}

/// One benchmark file as loaded, for the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkFile {
    /// The benchmark's name: the file name without `.jsonl` and `.gz`.
    pub name: String,
    pub items: u64,
    /// Fields of 6 to 12 words, matched in full.
    pub short_fields: u64,
    /// Fields under 6 words, not matched.
    pub skipped_fields: u64,
}

/// What a field is: an item's prompt or its solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Prompt,
    Solution,
}

#[derive(Debug)]
struct Item {
    benchmark: u32,
    id: String,
}

/// The benchmarks' items, indexed by their word runs.
#[derive(Debug, Default)]
pub struct Benchmarks {
    files: Vec<BenchmarkFile>,
    items: Vec<Item>,
    /// Hash of a 13-word run -> (item, part), the first one to hold it.
    grams: HashMap<u64, (u32, Part)>,
    /// Length of a short field -> hash of its words -> (item, part).
    short: HashMap<usize, HashMap<u64, (u32, Part)>>,
}

/// Words of `text` with their byte ranges.
fn words(text: &str) -> Vec<(u64, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut lower = Vec::new();
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            lower.clear();
            lower.extend(bytes[start..i].iter().map(u8::to_ascii_lowercase));
            out.push((xxh3_64(&lower), start..i));
        } else {
            i += 1;
        }
    }
    out
}

/// The hash of a run of word hashes.
fn run_hash(words: &[(u64, Range<usize>)]) -> u64 {
    let mut bytes = Vec::with_capacity(words.len() * 8);
    for (h, _) in words {
        bytes.extend_from_slice(&h.to_le_bytes());
    }
    xxh3_64(&bytes)
}

impl Benchmarks {
    /// Loads benchmark files (`(path shown in errors, name, bytes)`: JSONL,
    /// one item per line). A line that is not a JSON object, or that has
    /// neither field, is an error naming the file and line.
    pub fn load(files: &[(String, String, Vec<u8>)], fields: &Fields) -> Result<Benchmarks, Error> {
        let mut out = Benchmarks::default();
        for (path, name, bytes) in files {
            let bad = |line: usize, message: String| Error::Benchmark {
                file: path.clone(),
                line,
                message,
            };
            let text = std::str::from_utf8(bytes).map_err(|e| bad(0, format!("not UTF-8: {e}")))?;
            let benchmark = out.files.len() as u32;
            let mut file = BenchmarkFile {
                name: name.clone(),
                items: 0,
                short_fields: 0,
                skipped_fields: 0,
            };
            for (n, line) in text.lines().enumerate() {
                let n = n + 1;
                if line.trim().is_empty() {
                    continue;
                }
                let value: Value = serde_json::from_str(line).map_err(|e| bad(n, format!("not JSON: {e}")))?;
                let Value::Object(object) = value else {
                    return Err(bad(n, "not a JSON object".to_owned()));
                };
                let field = |key: &str| object.get(key).and_then(Value::as_str);
                let (prompt, solution) = (field(&fields.prompt), field(&fields.solution));
                if prompt.is_none() && solution.is_none() {
                    return Err(bad(
                        n,
                        format!(
                            "neither `{}` nor `{}` is a string here; name the fields with decontaminate-prompt-field / decontaminate-solution-field",
                            fields.prompt, fields.solution
                        ),
                    ));
                }
                let id = match object.get(&fields.id) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(x)) => x.to_string(),
                    _ => format!("line {n}"),
                };
                let item = out.items.len() as u32;
                out.items.push(Item { benchmark, id });
                file.items += 1;
                for (part, text) in [(Part::Prompt, prompt), (Part::Solution, solution)] {
                    let Some(text) = text else { continue };
                    let w = words(text);
                    if w.len() >= NGRAM {
                        for window in w.windows(NGRAM) {
                            out.grams.entry(run_hash(window)).or_insert((item, part));
                        }
                    } else if w.len() >= MIN_SHORT {
                        file.short_fields += 1;
                        out.short
                            .entry(w.len())
                            .or_default()
                            .entry(run_hash(&w))
                            .or_insert((item, part));
                    } else if !w.is_empty() {
                        file.skipped_fields += 1;
                    }
                }
            }
            out.files.push(file);
        }
        Ok(out)
    }

    /// The files loaded, in order.
    pub fn files(&self) -> &[BenchmarkFile] {
        &self.files
    }

    /// The first contamination in `text`, if any: rule
    /// `contaminated:<benchmark>`, the span of the shared words, and the
    /// item (`<id> (prompt|solution)`).
    pub fn scan(&self, text: &str) -> Option<(Finding, String)> {
        if self.items.is_empty() {
            return None;
        }
        let w = words(text);
        let mut best: Option<(Range<usize>, u32, Part)> = None;
        let mut consider = |span: Range<usize>, item: u32, part: Part| {
            if best.as_ref().is_none_or(|(b, _, _)| span.start < b.start) {
                best = Some((span, item, part));
            }
        };
        if w.len() >= NGRAM {
            for (i, window) in w.windows(NGRAM).enumerate() {
                if let Some(&(item, part)) = self.grams.get(&run_hash(window)) {
                    consider(w[i].1.start..w[i + NGRAM - 1].1.end, item, part);
                    break;
                }
            }
        }
        for (&len, table) in &self.short {
            if w.len() < len {
                continue;
            }
            for (i, window) in w.windows(len).enumerate() {
                if let Some(&(item, part)) = table.get(&run_hash(window)) {
                    consider(w[i].1.start..w[i + len - 1].1.end, item, part);
                    break;
                }
            }
        }
        let (span, item, part) = best?;
        let item = &self.items[item as usize];
        let benchmark = &self.files[item.benchmark as usize].name;
        let part = match part {
            Part::Prompt => "prompt",
            Part::Solution => "solution",
        };
        Some((
            Finding {
                kind: Kind::Contaminated,
                rule: format!("contaminated:{benchmark}"),
                line: 0,
                span,
                placeholder: None,
                note: None,
            },
            format!("item {} ({part})", item.id),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = r#"{"task_id": "T/0", "prompt": "def add_all(values: list) -> int:\n    \"\"\" Add every value of the list and return the total sum of them all, or zero for an empty list.\n    \"\"\"\n", "canonical_solution": "    return sum(values) if values else 0\n"}"#;

    fn bench() -> Benchmarks {
        Benchmarks::load(
            &[("bench.jsonl".to_owned(), "Bench".to_owned(), ITEM.as_bytes().to_vec())],
            &Fields::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_copied_docstring_or_solution_contaminates() {
        let copied = "# my utils\ndef add_all(xs):\n    # Add every value of the list and return the total sum of them all\n    return 0\n";
        let (finding, item) = bench().scan(copied).unwrap();
        assert_eq!(finding.rule, "contaminated:Bench");
        assert_eq!(item, "item T/0 (prompt)");
        assert!(copied[finding.span].starts_with("Add every value"));
        let solution = "def total(values):\n    return sum(values)   if values else 0\n";
        let (_, item) = bench().scan(solution).unwrap();
        assert_eq!(item, "item T/0 (solution)");
    }

    #[test]
    fn a_signature_line_alone_does_not() {
        let own = "def add_all(values: list) -> int:\n    \"\"\"Sums.\"\"\"\n    t = 0\n    for v in values:\n        t += v\n    return t\n";
        assert_eq!(bench().scan(own), None);
    }

    #[test]
    fn malformed_lines_are_named() {
        let err = Benchmarks::load(
            &[(
                "b.jsonl".to_owned(),
                "b".to_owned(),
                b"{\"prompt\": \"x\"}\n{oops\n".to_vec(),
            )],
            &Fields::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("b.jsonl") && err.contains("line 2"), "{err}");
        let err = Benchmarks::load(
            &[(
                "b.jsonl".to_owned(),
                "b".to_owned(),
                b"{\"question\": \"x\"}\n".to_vec(),
            )],
            &Fields::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 1") && err.contains("`prompt`"), "{err}");
    }
}
