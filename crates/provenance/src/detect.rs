use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use spdx::detection::{Store, TextData};
use xxhash_rust::xxh3::xxh3_64;

use crate::{Error, Result};

/// A license identified in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Detected {
    /// The SPDX identifier.
    pub id: String,
    /// The match score, 0 to 1.
    pub score: f32,
    /// Which form of the license matched: `text`, `alternate` or `header`.
    pub form: &'static str,
}

/// License text detection over the `spdx` crate's bundled store, loaded on
/// first use. Deterministic: the crate's own `analyze` breaks ties between
/// equal scores in hash-map order, so candidates are ranked here by score,
/// then identifier. Each distinct text (after whitespace and case folding) is
/// analysed once.
pub struct Detector {
    store: OnceLock<std::result::Result<Store, String>>,
    cache: Mutex<HashMap<u64, Option<Detected>>>,
    min_score: f32,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector").field("min_score", &self.min_score).finish()
    }
}

impl Detector {
    /// A detector that accepts matches scoring at least `min_score`.
    pub fn new(min_score: f32) -> Detector {
        Detector {
            store: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
            min_score,
        }
    }

    /// Loads the license store now (it takes about a second), so that a
    /// caller can do it on another thread while it does other work.
    pub fn preload(&self) -> Result<()> {
        self.store().map(|_| ())
    }

    fn store(&self) -> Result<&Store> {
        self.store
            .get_or_init(|| Store::load_inline().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Store(e.clone()))
    }

    /// The license of a license file's text, or `None` below the threshold.
    ///
    /// Copyright lines are left out before matching: they name the holder,
    /// not the license, and without them the many copies of one license
    /// text that differ only in holder are analysed once.
    pub fn detect(&self, text: &str) -> Result<Option<Detected>> {
        let body = without_copyright_lines(text);
        let key = xxh3_64(normalise(&body).as_bytes());
        if let Some(hit) = self.lock().get(&key) {
            return Ok(hit.clone());
        }
        let found = self.analyze(&body)?;
        self.lock().insert(key, found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Option<Detected>>> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn analyze(&self, text: &str) -> Result<Option<Detected>> {
        let store = self.store()?;
        let data = TextData::new(text);
        let mut best: Option<Detected> = None;
        for (name, entry) in store.iter() {
            let forms = std::iter::once(("text", &entry.original))
                .chain(entry.alternates.iter().map(|d| ("alternate", d)))
                .chain(entry.headers.iter().map(|d| ("header", d)));
            for (form, candidate) in forms {
                let score = candidate.match_score(&data);
                let better = match &best {
                    None => true,
                    Some(b) => score > b.score || (score == b.score && name.as_str() < b.id.as_str()),
                };
                if better {
                    best = Some(Detected {
                        id: name.clone(),
                        score,
                        form,
                    });
                }
            }
        }
        Ok(best.filter(|b| b.score >= self.min_score))
    }
}

/// The text less lines that state a copyright: `Copyright (c) ...`,
/// `Copyright 2024 ...`, `Copyright © ...`, `Copyright [yyyy] ...`, `(c) 2020 ...`,
/// `All rights reserved`. License sentences that merely begin with the word
/// (ISC: "copyright notice and this permission notice appear in all copies")
/// stay.
fn without_copyright_lines(text: &str) -> String {
    text.lines()
        .filter(|line| !is_copyright_statement(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_copyright_statement(line: &str) -> bool {
    let lower = line
        .trim_start()
        .trim_start_matches(['#', '/', '*', ';', '-', ' '])
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

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIT_BODY: &str = "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n";

    #[test]
    fn copies_differing_only_in_holder_are_analysed_once() {
        let detector = Detector::new(0.8);
        let a = format!("MIT License\n\nCopyright (c) 2020 Alice\n\n{MIT_BODY}");
        let b = format!("MIT License\n\n  Copyright 2024 Bob and contributors\n\n{MIT_BODY}");
        assert_eq!(detector.detect(&a).unwrap().unwrap().id, "MIT");
        assert_eq!(detector.detect(&b).unwrap().unwrap().id, "MIT");
        assert_eq!(detector.lock().len(), 1);
        // The permission notice names "copyright" mid-line: it stays.
        assert!(without_copyright_lines(MIT_BODY).contains("above copyright notice"));
    }

    #[test]
    fn only_copyright_statements_are_left_out() {
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
}
