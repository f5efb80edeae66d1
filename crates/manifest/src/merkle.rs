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

/// Hex of a hash.
pub fn to_hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash from 64 hex digits.
pub fn from_hex(hex: &str) -> Option<Hash> {
    if hex.len() != 64 || !hex.is_ascii() {
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
