use std::fmt;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

/// The identity of one input document, derived from where it came from.
///
/// It is the xxh3-128 of the input's label, the key of the document inside the
/// input (a relative path, or the path of a JSONL/Parquet file) and its row, so
/// it does not depend on read order, thread count or shard count. The content
/// hash is kept apart: two copies of the same text are two documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocId(pub u128);

impl DocId {
    /// Derives the id of the document at `row` of `key` in the input `label`.
    pub fn derive(label: &str, key: &str, row: u64) -> DocId {
        let mut buf = Vec::with_capacity(label.len() + key.len() + 10);
        buf.extend_from_slice(label.as_bytes());
        buf.push(0);
        buf.extend_from_slice(key.as_bytes());
        buf.push(0);
        buf.extend_from_slice(&row.to_le_bytes());
        DocId(xxh3_128(&buf))
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_do_not_run_together() {
        assert_ne!(DocId::derive("ab", "c", 0), DocId::derive("a", "bc", 0));
        assert_ne!(DocId::derive("a", "b", 1), DocId::derive("a", "b", 2));
    }
}
