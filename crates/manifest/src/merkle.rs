//! The Merkle tree over a dataset's output files, after RFC 6962 (§2.1).
//!
//! - A **leaf** is one output file: the bytes of its path (UTF-8, relative to
//!   the dataset directory, `/`-separated), one `0x00` byte, then the 32 bytes
//!   of the file's SHA-256. Leaves are sorted by path (byte order).
//! - `leaf hash = SHA-256(0x00 || leaf)`, `node hash = SHA-256(0x01 || left || right)`.
//! - The tree of `n > 1` leaves splits at `k`, the largest power of two below
//!   `n`: root = node(tree(first k), tree(rest)). One leaf: its leaf hash. No
//!   leaves: SHA-256 of the empty string.
//! - An inclusion proof of leaf `i` is RFC 6962's audit path: the sibling
//!   hashes from the leaf up, which [`verify_inclusion`] folds back into the
//!   root (the algorithm of RFC 9162 §2.1.3.2).
//!
//! ```
//! use corpusledger_manifest::merkle::{leaf_hash, root, inclusion_proof, verify_inclusion};
//! let leaves: Vec<_> = ["a", "b", "c"].iter().map(|p| leaf_hash(p, &[7; 32])).collect();
//! let r = root(&leaves);
//! let proof = inclusion_proof(&leaves, 2);
//! assert!(verify_inclusion(&leaves[2], 2, 3, &proof, &r));
//! assert!(!verify_inclusion(&leaves[1], 2, 3, &proof, &r));
//! ```

use sha2::{Digest, Sha256};

/// A SHA-256 value.
pub type Hash = [u8; 32];

/// How the tree is built, as the manifest states it.
pub const CONSTRUCTION: &str = "RFC 6962 Merkle tree hash with SHA-256: leaf = utf8(path) || 0x00 || sha256(file), \
one leaf per output file sorted by path; leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right); \
n > 1 leaves split at the largest power of two below n; no leaves = SHA-256(\"\")";

/// The hash of the leaf for the file at `path` with content hash `sha256`.
pub fn leaf_hash(path: &str, sha256: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(path.as_bytes());
    hasher.update([0u8]);
    hasher.update(sha256);
    hasher.finalize().into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two strictly below `n` (for `n >= 2`).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The root over leaf hashes in order.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` (RFC 6962 §2.1.1), from the leaf up.
///
/// # Panics
/// When `index` is not below `leaves.len()`.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Vec<Hash> {
    assert!(index < leaves.len(), "leaf {index} of {}", leaves.len());
    let mut path = Vec::new();
    let (mut lo, mut hi, mut m) = (0, leaves.len(), index);
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            siblings.push(root(&leaves[lo + k..hi]));
            hi = lo + k;
        } else {
            siblings.push(root(&leaves[lo..lo + k]));
            lo += k;
            m -= k;
        }
    }
    // Collected from the top down; the audit path runs from the leaf up.
    while let Some(hash) = siblings.pop() {
        path.push(hash);
    }
    path
}

/// Whether `proof` shows the leaf with hash `leaf` at `index` in a tree of
/// `size` leaves with root `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && &r == root
}

/// The root over leaf hashes given one at a time, in O(log n) memory: equal
/// subtrees are joined as soon as both are complete, and what is left is
/// folded from the right, which is RFC 6962's split at the largest power of
/// two below `n`.
#[derive(Clone, Debug, Default)]
pub struct RootBuilder {
    /// Roots of complete subtrees with their sizes, largest first.
    stack: Vec<(Hash, u64)>,
    leaves: u64,
}

impl RootBuilder {
    /// Adds the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.leaves += 1;
        let mut top = (leaf, 1u64);
        while let Some(&(left, size)) = self.stack.last() {
            if size != top.1 {
                break;
            }
            self.stack.pop();
            top = (node_hash(&left, &top.0), size * 2);
        }
        self.stack.push(top);
    }

    /// Leaves pushed so far.
    pub fn leaves(&self) -> u64 {
        self.leaves
    }

    /// The root over the leaves pushed.
    pub fn finish(self) -> Hash {
        let mut stack = self.stack.into_iter().rev();
        let Some((mut right, _)) = stack.next() else {
            return Sha256::digest([]).into();
        };
        for (left, _) in stack {
            right = node_hash(&left, &right);
        }
        right
    }
}

/// Every complete, aligned subtree of a tree from level `base` up (level `l`
/// holds the roots of leaves `j * 2^l .. (j + 1) * 2^l`), so that an audit
/// path costs O(log² n) hashes instead of O(n). With `base` 0 it holds about
/// twice the leaf hashes; with a higher base, `2^-base` of that, and a proof
/// hashes up to `2^base` leaves of each level below the base again.
#[derive(Clone, Debug)]
pub struct Levels<S = Vec<Vec<Hash>>> {
    len: usize,
    base: u32,
    levels: S,
}

/// Where the hashes of a tree's stored levels are: in memory, or in a file
/// mapped into memory (`corpusledger-output`'s tree files), so that opening
/// a tree copies none of them.
pub trait LevelHashes {
    /// Hash `j` of stored level `level`, counted from the base (0).
    fn hash(&self, level: usize, j: usize) -> Hash;
}

impl LevelHashes for Vec<Vec<Hash>> {
    fn hash(&self, level: usize, j: usize) -> Hash {
        self[level][j]
    }
}

impl Levels {
    /// The levels above `leaves`.
    pub fn new(leaves: Vec<Hash>) -> Levels {
        Levels::above(leaves.len(), 0, leaves)
    }

    /// The levels of a tree of `len` leaves from level `base` up, given the
    /// hashes at `base` (as [`Levels::base_hashes`] computes them).
    ///
    /// # Panics
    /// When `at_base` does not hold `len >> base` hashes.
    pub fn above(len: usize, base: u32, at_base: Vec<Hash>) -> Levels {
        assert_eq!(at_base.len(), len >> base, "hashes at level {base} of {len} leaves");
        let mut levels = vec![at_base];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().expect("not empty");
            let above = below.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])).collect();
            levels.push(above);
        }
        Levels { len, base, levels }
    }

    /// Levels as [`Levels::stored`] gave them, without hashing them again:
    /// `None` unless their shape is that of a tree of `len` leaves from
    /// level `base` (the hashes themselves are not checked).
    pub fn from_stored(len: usize, base: u32, levels: Vec<Vec<Hash>>) -> Option<Levels> {
        let counts = stored_counts(len, base)?;
        let shaped = levels.len() == counts.len() && levels.iter().zip(&counts).all(|(l, &c)| l.len() == c);
        shaped.then_some(Levels { len, base, levels })
    }

    /// The roots of the complete subtrees of `2^base` leaves, in order.
    pub fn base_hashes(len: usize, base: u32, leaf: &dyn Fn(usize) -> Hash) -> Vec<Hash> {
        (0..len >> base).map(|j| Levels::base_hash(base, j, leaf)).collect()
    }

    /// The root of complete subtree `j` of `2^base` leaves: one hash of
    /// [`Levels::base_hashes`], for callers that compute them in parallel.
    pub fn base_hash(base: u32, j: usize, leaf: &dyn Fn(usize) -> Hash) -> Hash {
        let width = 1usize << base;
        root(&(j * width..(j + 1) * width).map(leaf).collect::<Vec<_>>())
    }

    /// The stored levels, from the base up.
    pub fn stored(&self) -> &[Vec<Hash>] {
        &self.levels
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        self.root_with(&|_| unreachable!("a level-0 tree stores its leaves"))
    }

    /// The audit path of leaf `index`, as [`inclusion_proof`] gives it.
    ///
    /// # Panics
    /// When `index` is not below [`Levels::len`], or the base is above 0.
    pub fn proof(&self, index: usize) -> Vec<Hash> {
        assert_eq!(self.base, 0, "a tree with a base above 0 needs proof_with");
        self.proof_with(index, &|_| unreachable!("a level-0 tree stores its leaves"))
    }
}

impl<S: LevelHashes> Levels<S> {
    /// Levels whose hashes `levels` holds, laid out as
    /// [`stored_counts`] says; taken as they are, unchecked.
    pub fn with_stored(len: usize, base: u32, levels: S) -> Levels<S> {
        Levels { len, base, levels }
    }

    /// Leaves in the tree.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The root of the whole tree, hashing leaves below the base with `leaf`.
    pub fn root_with(&self, leaf: &dyn Fn(usize) -> Hash) -> Hash {
        self.range_root(0, self.len, leaf)
    }

    /// The root of leaves `lo..hi`, where `lo` is a multiple of the largest
    /// power of two not above `hi - lo` (as in every subtree of the tree).
    fn range_root(&self, lo: usize, hi: usize, leaf: &dyn Fn(usize) -> Hash) -> Hash {
        match hi - lo {
            0 => Sha256::digest([]).into(),
            n if n.is_power_of_two() && n.trailing_zeros() >= self.base => {
                let level = n.trailing_zeros();
                self.levels.hash((level - self.base) as usize, lo >> level)
            }
            1 => leaf(lo),
            n => {
                let k = split(n);
                node_hash(&self.range_root(lo, lo + k, leaf), &self.range_root(lo + k, hi, leaf))
            }
        }
    }

    /// The audit path of leaf `index`, hashing leaves below the base with
    /// `leaf`.
    ///
    /// # Panics
    /// When `index` is not below [`Levels::len`].
    pub fn proof_with(&self, index: usize, leaf: &dyn Fn(usize) -> Hash) -> Vec<Hash> {
        assert!(index < self.len, "leaf {index} of {}", self.len);
        let (mut lo, mut hi) = (0, self.len);
        let mut siblings = Vec::new();
        while hi - lo > 1 {
            let k = split(hi - lo);
            if index < lo + k {
                siblings.push(self.range_root(lo + k, hi, leaf));
                hi = lo + k;
            } else {
                siblings.push(self.range_root(lo, lo + k, leaf));
                lo += k;
            }
        }
        siblings.reverse();
        siblings
    }
}

/// How many hashes each stored level of a tree of `len` leaves holds, from
/// level `base` up: `len >> base`, then halving while more than one. `None`
/// when `base` is not below the bits of `usize`.
pub fn stored_counts(len: usize, base: u32) -> Option<Vec<usize>> {
    let mut count = len.checked_shr(base)?;
    let mut counts = vec![count];
    while count > 1 {
        count /= 2;
        counts.push(count);
    }
    Some(counts)
}

/// Hex of a hash.
pub fn to_hex(hash: &Hash) -> String {
    crate::commitments::hex(hash)
}

/// A hash from 64 hex digits.
pub fn from_hex(hex: &str) -> Option<Hash> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&format!("data/part-{i:05}.parquet"), &[i as u8; 32]))
            .collect()
    }

    // The RFC's definition, written the plain way, level by level.
    fn reference_root(hashes: &[Hash]) -> Hash {
        if hashes.is_empty() {
            return Sha256::digest([]).into();
        }
        if hashes.len() == 1 {
            return hashes[0];
        }
        let mut k = 1;
        while k * 2 < hashes.len() {
            k *= 2;
        }
        node_hash(&reference_root(&hashes[..k]), &reference_root(&hashes[k..]))
    }

    #[test]
    fn known_values() {
        assert_eq!(
            to_hex(&root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // Leaf and node prefixes differ: a leaf hash is not SHA-256 of the
        // leaf bytes, and two leaves hash as a node.
        let one = leaves(1);
        assert_eq!(root(&one), one[0]);
        let two = leaves(2);
        let mut bytes = vec![1u8];
        bytes.extend_from_slice(&two[0]);
        bytes.extend_from_slice(&two[1]);
        assert_eq!(root(&two), <Hash>::from(Sha256::digest(&bytes)));
        assert_eq!(from_hex(&to_hex(&two[0])), Some(two[0]));
        assert_eq!(from_hex("zz"), None);
    }

    proptest! {
        #[test]
        fn every_proof_verifies_and_no_altered_one_does(n in 1usize..70, pick in 0usize..1000, flip in 0usize..256) {
            let leaves = leaves(n);
            let r = root(&leaves);
            prop_assert_eq!(r, reference_root(&leaves));
            for i in 0..n {
                let proof = inclusion_proof(&leaves, i);
                prop_assert!(verify_inclusion(&leaves[i], i as u64, n as u64, &proof, &r));
            }
            let mut builder = RootBuilder::default();
            leaves.iter().for_each(|l| builder.push(*l));
            prop_assert_eq!(builder.finish(), r);
            let levels = Levels::new(leaves.clone());
            prop_assert_eq!(levels.root(), r);
            for i in 0..n {
                prop_assert_eq!(levels.proof(i), inclusion_proof(&leaves, i));
            }
            // The same from any base level, leaves below it hashed again.
            let leaf = |i: usize| leaves[i];
            for base in 1..4 {
                let cached = Levels::above(n, base, Levels::base_hashes(n, base, &leaf));
                let again = Levels::from_stored(n, base, cached.stored().to_vec()).unwrap();
                prop_assert_eq!(again.stored(), cached.stored());
                prop_assert_eq!(cached.root_with(&leaf), r);
                for i in 0..n {
                    prop_assert_eq!(cached.proof_with(i, &leaf), inclusion_proof(&leaves, i));
                }
            }
            let i = pick % n;
            let proof = inclusion_proof(&leaves, i);
            // Another index, another size, another leaf or a changed path hash: refused.
            if n > 1 {
                prop_assert!(!verify_inclusion(&leaves[i], ((i + 1) % n) as u64, n as u64, &proof, &r));
                prop_assert!(!verify_inclusion(&leaves[(i + 1) % n], i as u64, n as u64, &proof, &r));
            }
            // A size the proof cannot belong to (more levels than it has).
            prop_assert!(!verify_inclusion(&leaves[i], i as u64, 2 * n as u64 + 2, &proof, &r));
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let at = flip % bad.len();
                bad[at][flip % 32] ^= 1;
                prop_assert!(!verify_inclusion(&leaves[i], i as u64, n as u64, &bad, &r));
            }
        }
    }
}
