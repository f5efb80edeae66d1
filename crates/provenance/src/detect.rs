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

    fn store(&self) -> Result<&Store> {
        self.store
            .get_or_init(|| Store::load_inline().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Store(e.clone()))
    }

    /// The license of a license file's text, or `None` below the threshold.
    pub fn detect(&self, text: &str) -> Result<Option<Detected>> {
        let key = xxh3_64(normalise(text).as_bytes());
        if let Some(hit) = self.lock().get(&key) {
            return Ok(hit.clone());
        }
        let found = self.analyze(text)?;
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

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
