//! Document-level commitments: Merkle roots over sorted leaves, one tree for
//! the kept documents, one for the documents not kept, one for the LSH band
//! keys of the kept texts (issue 20; see docs/disclosure.md).
//!
//! Each tree is the RFC 6962 tree of [`crate::merkle`] over leaves sorted by
//! their bytes, without repeats. A leaf begins with its *key*, the part a
//! query names: the content SHA-256 for documents, the band number and band
//! key for bands. Because the leaves are sorted, a key that is in no leaf
//! falls between two adjacent leaves (or before the first, or after the
//! last), and their inclusion proofs prove its absence.
//!
//! Leaf hashes are domain-separated: `SHA-256(0x00 || 0xff || tag || 0x00 ||
//! leaf)`, with one tag per tree. `0xff` never occurs in UTF-8, so no leaf of
//! these trees hashes like a file leaf of the output tree (whose bytes start
//! with a UTF-8 path), and the tags keep the three trees apart.
//!
//! ```
//! use corpusledger_manifest::commitments::{band_leaf, KeyProof, SortedTree, Tree};
//! let tree = SortedTree::new(Tree::Bands, vec![band_leaf(0, 9), band_leaf(1, 3), band_leaf(0, 2)]);
//! let commitment = tree.commitment();
//! assert_eq!(commitment.leaves, 3);
//! let answer = tree.prove(&band_leaf(0, 5));
//! assert!(matches!(answer, KeyProof::Absent { .. }));
//! assert!(answer.check(Tree::Bands, &commitment, &band_leaf(0, 5)).is_ok());
//! assert!(answer.check(Tree::Bands, &commitment, &band_leaf(0, 9)).is_err());
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::merkle::{self, Hash, Levels, RootBuilder};

/// How the commitments are built, as the manifest states it.
pub const CONSTRUCTION: &str = "RFC 6962 Merkle tree hash with SHA-256 over leaves sorted by their bytes, without repeats; \
leaf hash = SHA-256(0x00 || 0xff || tag || 0x00 || leaf), node hash = SHA-256(0x01 || left || right); \
kept (tag corpusledger/kept/1): sha256(content) || doc id (16 bytes) || utf8(concluded license); \
removed (tag corpusledger/removed/1): sha256(content) || doc id (16 bytes) || kept doc id (16 bytes, zeros when none) || utf8(reason), \
one per ledger row with a content hash; \
bands (tag corpusledger/bands/1): band number (u32, big-endian) || band key (u64, big-endian), one per distinct band key of a kept text";

/// One of the three trees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tree {
    /// Kept documents.
    Kept,
    /// Documents removed or rejected (the ledger rows with a content hash).
    Removed,
    /// LSH band keys of kept texts.
    Bands,
}

impl Tree {
    /// The three trees, in the order the manifest lists them.
    pub const ALL: [Tree; 3] = [Tree::Kept, Tree::Removed, Tree::Bands];

    /// The domain-separation tag of its leaf hashes.
    pub fn tag(self) -> &'static [u8] {
        match self {
            Tree::Kept => b"corpusledger/kept/1",
            Tree::Removed => b"corpusledger/removed/1",
            Tree::Bands => b"corpusledger/bands/1",
        }
    }

    /// Bytes of the key a query names, at the start of every leaf.
    pub fn key_len(self) -> usize {
        match self {
            Tree::Kept | Tree::Removed => 32,
            Tree::Bands => 12,
        }
    }

    /// Its name in the manifest and in findings.
    pub fn name(self) -> &'static str {
        match self {
            Tree::Kept => "kept",
            Tree::Removed => "removed",
            Tree::Bands => "bands",
        }
    }
}

/// A document id as its 16 bytes, from its 32 hex digits.
pub fn doc_id_bytes(hex: &str) -> Option<[u8; 16]> {
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The leaf of a kept document.
pub fn kept_leaf(sha256: &Hash, doc_id: &[u8; 16], license: &str) -> Vec<u8> {
    let mut leaf = Vec::with_capacity(48 + license.len());
    leaf.extend_from_slice(sha256);
    leaf.extend_from_slice(doc_id);
    leaf.extend_from_slice(license.as_bytes());
    leaf
}

/// The leaf of a document not kept: removed in favour of `kept_doc_id`, or
/// removed or rejected for `reason` without one.
pub fn removed_leaf(sha256: &Hash, doc_id: &[u8; 16], kept_doc_id: Option<&[u8; 16]>, reason: &str) -> Vec<u8> {
    let mut leaf = Vec::with_capacity(64 + reason.len());
    leaf.extend_from_slice(sha256);
    leaf.extend_from_slice(doc_id);
    leaf.extend_from_slice(kept_doc_id.unwrap_or(&[0; 16]));
    leaf.extend_from_slice(reason.as_bytes());
    leaf
}

/// [`kept_leaf`] from the hex a data shard holds; `None` when a value is
/// not hex of the right length.
pub fn kept_leaf_from_hex(sha256: &str, doc_id: &str, license: &str) -> Option<Vec<u8>> {
    Some(kept_leaf(&merkle::from_hex(sha256)?, &doc_id_bytes(doc_id)?, license))
}

/// [`removed_leaf`] from the hex the ledger holds; `None` when a value is
/// not hex of the right length.
pub fn removed_leaf_from_hex(sha256: &str, doc_id: &str, kept_doc_id: Option<&str>, reason: &str) -> Option<Vec<u8>> {
    let kept = match kept_doc_id {
        Some(id) => Some(doc_id_bytes(id)?),
        None => None,
    };
    Some(removed_leaf(
        &merkle::from_hex(sha256)?,
        &doc_id_bytes(doc_id)?,
        kept.as_ref(),
        reason,
    ))
}

/// The leaves of all three trees, gathered in any order.
#[derive(Clone, Debug, Default)]
pub struct Leaves {
    /// Kept-document leaves.
    pub kept: Vec<Vec<u8>>,
    /// Leaves of documents not kept.
    pub removed: Vec<Vec<u8>>,
    /// Band-key leaves.
    pub bands: Vec<[u8; 12]>,
}

impl Leaves {
    /// Adds the band keys of one kept text, one per band in band order.
    pub fn add_band_keys(&mut self, keys: &[u64]) {
        self.bands
            .extend(keys.iter().enumerate().map(|(band, &key)| band_leaf(band as u32, key)));
    }

    /// Sorts each tree's leaves.
    pub fn sorted(self) -> SortedLeaves {
        SortedLeaves {
            kept: SortedTree::new(Tree::Kept, self.kept),
            removed: SortedTree::new(Tree::Removed, self.removed),
            bands: SortedTree::new(Tree::Bands, self.bands),
        }
    }

    /// Sorts each tree's leaves and computes the commitments.
    pub fn commit(self) -> Commitments {
        Commitments::of(&self.sorted())
    }
}

/// The three trees' leaves, sorted.
#[derive(Clone, Debug)]
pub struct SortedLeaves {
    /// Kept-document leaves.
    pub kept: SortedTree<Vec<u8>>,
    /// Leaves of documents not kept.
    pub removed: SortedTree<Vec<u8>>,
    /// Band-key leaves.
    pub bands: SortedTree<[u8; 12]>,
}

/// The leaf (and the query key) of band key `key` in band `band`.
pub fn band_leaf(band: u32, key: u64) -> [u8; 12] {
    let mut leaf = [0u8; 12];
    leaf[..4].copy_from_slice(&band.to_be_bytes());
    leaf[4..].copy_from_slice(&key.to_be_bytes());
    leaf
}

/// The hash of `leaf` in `tree`.
pub fn leaf_hash(tree: Tree, leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00, 0xff]);
    hasher.update(tree.tag());
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// The document-level commitments of a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Commitments {
    /// How leaves and nodes are hashed: [`CONSTRUCTION`].
    pub construction: String,
    /// Kept documents.
    pub kept: Commitment,
    /// Documents removed or rejected, with a content hash.
    pub removed: Commitment,
    /// Band keys of kept texts.
    pub bands: Commitment,
}

impl Commitments {
    /// The commitments of the three sorted trees.
    pub fn of(sorted: &SortedLeaves) -> Commitments {
        Commitments {
            construction: CONSTRUCTION.to_owned(),
            kept: sorted.kept.commitment(),
            removed: sorted.removed.commitment(),
            bands: sorted.bands.commitment(),
        }
    }

    /// The commitment of `tree`.
    pub fn get(&self, tree: Tree) -> &Commitment {
        match tree {
            Tree::Kept => &self.kept,
            Tree::Removed => &self.removed,
            Tree::Bands => &self.bands,
        }
    }
}

/// One tree's size and root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Commitment {
    /// Distinct leaves.
    pub leaves: u64,
    /// The root, hex.
    pub root: String,
}

/// A tree's leaves, sorted and without repeats.
#[derive(Clone, Debug)]
pub struct SortedTree<L> {
    tree: Tree,
    leaves: Vec<L>,
}

impl<L: AsRef<[u8]> + Ord> SortedTree<L> {
    /// Sorts `leaves` and drops repeats.
    pub fn new(tree: Tree, mut leaves: Vec<L>) -> SortedTree<L> {
        leaves.sort_unstable();
        leaves.dedup();
        SortedTree { tree, leaves }
    }

    /// Which tree it is.
    pub fn tree(&self) -> Tree {
        self.tree
    }

    /// The sorted leaves.
    pub fn leaves(&self) -> &[L] {
        &self.leaves
    }

    /// The commitment: leaf count and root, computed in O(log n) memory.
    pub fn commitment(&self) -> Commitment {
        let mut builder = RootBuilder::default();
        for leaf in &self.leaves {
            builder.push(leaf_hash(self.tree, leaf.as_ref()));
        }
        Commitment {
            leaves: builder.leaves(),
            root: merkle::to_hex(&builder.finish()),
        }
    }

    /// The hashes of every level, for many proofs.
    pub fn levels(&self) -> Levels {
        Levels::new(self.leaves.iter().map(|l| leaf_hash(self.tree, l.as_ref())).collect())
    }

    /// The tree with its levels, ready to answer many queries.
    pub fn provable(&self) -> InMemory<'_, L> {
        InMemory {
            sorted: self,
            levels: self.levels(),
        }
    }

    /// The proof for one key (see [`Provable::prove`]).
    pub fn prove(&self, key: &[u8]) -> KeyProof {
        self.provable().prove(key)
    }
}

/// A [`SortedTree`] with the hashes of its levels.
#[derive(Debug)]
pub struct InMemory<'a, L> {
    sorted: &'a SortedTree<L>,
    levels: Levels,
}

impl<L: AsRef<[u8]> + Ord> Provable for InMemory<'_, L> {
    fn tree(&self) -> Tree {
        self.sorted.tree
    }

    fn len(&self) -> usize {
        self.sorted.leaves.len()
    }

    fn leaf(&self, index: usize) -> &[u8] {
        self.sorted.leaves[index].as_ref()
    }

    fn audit_path(&self, index: usize) -> Vec<Hash> {
        self.levels.proof(index)
    }
}

/// A sorted tree that answers queries with proofs: in memory
/// ([`SortedTree::provable`]) or read from a file.
pub trait Provable {
    /// Which tree it is.
    fn tree(&self) -> Tree;

    /// Leaves in the tree.
    fn len(&self) -> usize;

    /// Whether the tree has no leaves.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf at `index` (below [`Provable::len`]), in sorted order.
    fn leaf(&self, index: usize) -> &[u8];

    /// The RFC 6962 audit path of leaf `index`, from the leaf up.
    fn audit_path(&self, index: usize) -> Vec<Hash>;

    /// Where `key` is: `Ok` with the first leaf starting with it, or `Err`
    /// with the index of the first leaf above it.
    fn find(&self, key: &[u8]) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if key_of(self.leaf(mid), key.len()) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        match lo < self.len() && key_of(self.leaf(lo), key.len()) == key {
            true => Ok(lo),
            false => Err(lo),
        }
    }

    /// Leaf `index` with its place and audit path.
    fn leaf_proof(&self, index: usize) -> LeafProof {
        LeafProof {
            index: index as u64,
            leaf: hex(self.leaf(index)),
            path: self.audit_path(index).iter().map(merkle::to_hex).collect(),
        }
    }

    /// The proof that `key` starts a leaf, or that it starts none.
    fn prove(&self, key: &[u8]) -> KeyProof {
        match self.find(key) {
            Ok(index) => KeyProof::Member {
                leaf: self.leaf_proof(index),
            },
            Err(at) => KeyProof::Absent {
                left: at.checked_sub(1).map(|i| self.leaf_proof(i)),
                right: (at < self.len()).then(|| self.leaf_proof(at)),
            },
        }
    }
}

fn key_of(leaf: &[u8], len: usize) -> &[u8] {
    &leaf[..len.min(leaf.len())]
}

/// One leaf with its place and audit path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LeafProof {
    /// Its index among the sorted leaves.
    pub index: u64,
    /// The leaf bytes, hex.
    pub leaf: String,
    /// The audit path, from the leaf up, hex.
    pub path: Vec<String>,
}

/// The answer for one key in one tree, with its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "answer", deny_unknown_fields)]
pub enum KeyProof {
    /// A leaf starts with the key.
    Member {
        /// That leaf.
        leaf: LeafProof,
    },
    /// No leaf starts with the key: the leaves just below and just above it,
    /// adjacent (one of them is left out at an end of the tree, both in an
    /// empty tree).
    Absent {
        /// The last leaf below the key.
        left: Option<LeafProof>,
        /// The first leaf above the key.
        right: Option<LeafProof>,
    },
}

/// Why a proof does not verify, each with a stable kebab-case code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// Hex that does not decode, or a key of the wrong length.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// An audit path does not lead to the committed root.
    #[error("leaf {index} does not lead to the {tree} root: its audit path is wrong or belongs to another tree")]
    PathInvalid {
        /// The tree.
        tree: &'static str,
        /// The leaf's index.
        index: u64,
    },
    /// A membership leaf that does not start with the key.
    #[error("the leaf shown does not start with the key asked about")]
    LeafMismatch,
    /// The neighbours of an absence proof are not adjacent, or not at the
    /// ends of the tree when one is missing.
    #[error("the leaves shown are not adjacent: {0}")]
    NotAdjacent(String),
    /// The neighbours do not bracket the key (below, then above).
    #[error("the leaves shown do not bracket the key: {0}")]
    NotBracketing(String),
}

impl ProofError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::Malformed(_) => "proof-malformed",
            ProofError::PathInvalid { .. } => "proof-path-invalid",
            ProofError::LeafMismatch => "proof-leaf-mismatch",
            ProofError::NotAdjacent(_) => "proof-not-adjacent",
            ProofError::NotBracketing(_) => "proof-not-bracketing",
        }
    }
}

impl KeyProof {
    /// Whether the answer is membership.
    pub fn is_member(&self) -> bool {
        matches!(self, KeyProof::Member { .. })
    }

    /// Checks the proof for `key` against `commitment` of `tree`.
    pub fn check(&self, tree: Tree, commitment: &Commitment, key: &[u8]) -> Result<(), ProofError> {
        if key.len() != tree.key_len() {
            return Err(ProofError::Malformed(format!(
                "a {} key has {} bytes, not {}",
                tree.name(),
                tree.key_len(),
                key.len()
            )));
        }
        let root = merkle::from_hex(&commitment.root)
            .ok_or_else(|| ProofError::Malformed("the committed root is not 64 hex digits".into()))?;
        let size = commitment.leaves;
        match self {
            KeyProof::Member { leaf } => {
                let bytes = leaf.verify(tree, size, &root)?;
                if key_of(&bytes, key.len()) != key || bytes.len() < key.len() {
                    return Err(ProofError::LeafMismatch);
                }
                Ok(())
            }
            KeyProof::Absent { left, right } => check_absent(tree, size, &root, key, left.as_ref(), right.as_ref()),
        }
    }
}

fn check_absent(
    tree: Tree,
    size: u64,
    root: &Hash,
    key: &[u8],
    left: Option<&LeafProof>,
    right: Option<&LeafProof>,
) -> Result<(), ProofError> {
    let below = |leaf: &[u8]| {
        if key_of(leaf, key.len()) < key {
            Ok(())
        } else {
            Err(ProofError::NotBracketing("the left leaf is not below the key".into()))
        }
    };
    let above = |leaf: &[u8]| {
        if key_of(leaf, key.len()) > key {
            Ok(())
        } else {
            Err(ProofError::NotBracketing("the right leaf is not above the key".into()))
        }
    };
    match (left, right) {
        (None, None) if size == 0 && *root == merkle::root(&[]) => Ok(()),
        (None, None) => Err(ProofError::NotAdjacent(format!(
            "no leaf shown, but the tree has {size} leaves"
        ))),
        (Some(l), None) if l.index + 1 != size => Err(ProofError::NotAdjacent(format!(
            "only a left leaf, at {}, but the last leaf is {}",
            l.index,
            size.saturating_sub(1)
        ))),
        (None, Some(r)) if r.index != 0 => Err(ProofError::NotAdjacent(format!(
            "only a right leaf, at {}, but the first leaf is 0",
            r.index
        ))),
        (Some(l), Some(r)) if l.index.checked_add(1) != Some(r.index) => Err(ProofError::NotAdjacent(format!(
            "left leaf {}, right leaf {}",
            l.index, r.index
        ))),
        _ => {
            if let Some(l) = left {
                below(&l.verify(tree, size, root)?)?;
            }
            if let Some(r) = right {
                above(&r.verify(tree, size, root)?)?;
            }
            Ok(())
        }
    }
}

impl LeafProof {
    /// Checks that this leaf is in `tree` with `commitment`, at its index;
    /// the leaf bytes.
    pub fn check(&self, tree: Tree, commitment: &Commitment) -> Result<Vec<u8>, ProofError> {
        let root = merkle::from_hex(&commitment.root)
            .ok_or_else(|| ProofError::Malformed("the committed root is not 64 hex digits".into()))?;
        self.verify(tree, commitment.leaves, &root)
    }

    /// Checks the audit path and returns the leaf bytes.
    fn verify(&self, tree: Tree, size: u64, root: &Hash) -> Result<Vec<u8>, ProofError> {
        let bytes = from_hex(&self.leaf).ok_or_else(|| ProofError::Malformed("a leaf is not hex".into()))?;
        let path = self
            .path
            .iter()
            .map(|h| merkle::from_hex(h))
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(|| ProofError::Malformed("an audit path hash is not 64 hex digits".into()))?;
        if !merkle::verify_inclusion(&leaf_hash(tree, &bytes), self.index, size, &path, root) {
            return Err(ProofError::PathInvalid {
                tree: tree.name(),
                index: self.index,
            });
        }
        Ok(bytes)
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    // A proof holds thousands of hashes: one `format!` per byte was most of
    // `prove`'s time.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Bytes from lowercase or uppercase hex.
pub fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests;
