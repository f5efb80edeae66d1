//! Exact and near deduplication.
//!
//! A document's text becomes tokens ([`Tokenizer`]), its tokens a sorted set of
//! 64-bit n-gram [`shingles`], the set a MinHash [`Signature`] (one-permutation
//! hashing with optimal densification: O(n + k) per document), and the
//! signature one key per LSH band ([`BandParams`]). [`deduplicate`] groups
//! byte-identical documents, finds candidate pairs of distinct texts from
//! equal band keys, verifies each pair by the exact Jaccard of the shingle
//! sets, joins verified pairs with union-find, and keeps one document per
//! cluster by a caller-given total order.
//!
//! ```
//! use corpusledger_dedup::{jaccard, shingles, Tokenizer};
//! let a = shingles("fn add(a: u32, b: u32) -> u32 { a + b }", Tokenizer::Bigcode, 3, 0);
//! let b = shingles("fn add(a: u32, b: u32) -> u64 { a + b }", Tokenizer::Bigcode, 3, 0);
//! assert!(jaccard(&a, &b) > 0.3 && jaccard(&a, &b) < 1.0);
//! ```
#![deny(missing_docs)]

mod allpairs;
mod cluster;
mod lsh;
mod minhash;
mod shingle;
mod unionfind;

pub use allpairs::similar_pairs;
pub use cluster::{
    Anchor, BandSource, BandsInMemory, ClusterInput, ClusterMode, ClusterReport, Decision, DedupInput, DedupSeconds,
    DedupStats, Edge, External, Outcome, Verified, bucket_pairs, cluster_verified, deduplicate, for_each_run, may_pass,
};
pub use lsh::{BandParams, DEFAULT_RECALL_TARGET};
pub use minhash::{Signature, Sketcher};
pub use shingle::{Tokenizer, jaccard, jaccard_u32, shingles};
pub use unionfind::UnionFind;
