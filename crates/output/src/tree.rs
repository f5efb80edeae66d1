//! Commitment tree files: the sorted leaves of one document-level commitment
//! tree ([`corpusledger_manifest::commitments`]) and the hashes of its upper
//! levels, so that `prove` answers a query with a binary search and a few
//! dozen hashes, without hashing every leaf again.
//!
//! Layout, integers little-endian:
//!
//! | bytes | what |
//! | --- | --- |
//! | 8 | magic `CLTREE\0\x01` |
//! | 1 | tree: 0 kept, 1 removed, 2 bands |
//! | 1 | base level `b` of the stored hashes |
//! | 6 | zero |
//! | 8 | leaves `n` |
//! | 4 | leaf width: 0 when leaves vary in length |
//! | 4 | zero |
//! | 8 (n + 1) | only for varying widths: each leaf's start in the leaf bytes, then their end |
//! | ... | the leaf bytes, leaves sorted by their bytes |
//! | 32 each | hashes of level `b`, `b + 1`, ...: level `l` holds the `n >> l` roots of leaves `j 2^l .. (j + 1) 2^l` |
//!
//! The file holds nothing the manifest does not commit to: its root is the
//! manifest's, which [`TreeFile::open`] checks.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use corpusledger_manifest::commitments::{Commitment, Provable, SortedTree, Tree, leaf_hash};
use corpusledger_manifest::merkle::{self, Hash, LevelHashes, Levels};
use memmap2::Mmap;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::{Error, OutputFile, Result};

/// The first bytes of every tree file.
pub const TREE_MAGIC: &[u8; 8] = b"CLTREE\0\x01";

/// The level from which hashes are stored: a proof hashes up to 16 leaves
/// of each level below it, and the stored hashes are an eighth of the leaf
/// hashes.
pub const TREE_BASE: u32 = 4;

const HEADER: usize = 32;

/// Where each tree's file is, relative to the output directory.
pub fn tree_path(tree: Tree) -> String {
    format!("commitments/{}.tree", tree.name())
}

fn code(tree: Tree) -> u8 {
    match tree {
        Tree::Kept => 0,
        Tree::Removed => 1,
        Tree::Bands => 2,
    }
}

/// Bytes of every leaf of `tree`, or `None` when leaves vary.
fn width(tree: Tree) -> Option<usize> {
    match tree {
        Tree::Bands => Some(12),
        Tree::Kept | Tree::Removed => None,
    }
}

/// A tree file's header: `count` leaves of `tree`, each `width` bytes
/// (`None` when they vary).
fn header(tree: Tree, count: usize, width: Option<usize>) -> [u8; HEADER] {
    let mut header = [0u8; HEADER];
    header[..8].copy_from_slice(TREE_MAGIC);
    header[8] = code(tree);
    header[9] = TREE_BASE as u8;
    header[16..24].copy_from_slice(&(count as u64).to_le_bytes());
    header[24..28].copy_from_slice(&(width.unwrap_or(0) as u32).to_le_bytes());
    header
}

/// Writes `sorted` to `out_dir/`[`tree_path`]; the file and the tree's
/// commitment (computed from the same hashes, so each leaf is hashed once).
pub fn write_tree<L: AsRef<[u8]> + Ord + Sync>(
    out_dir: &Path,
    sorted: &SortedTree<L>,
) -> Result<(OutputFile, Commitment)> {
    let tree = sorted.tree();
    let rel = tree_path(tree);
    let path = out_dir.join(&rel);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).map_err(io)?;
    let leaves = sorted.leaves();
    let fixed = width(tree);
    if let Some(w) = fixed {
        assert!(
            leaves.iter().all(|l| l.as_ref().len() == w),
            "{} leaves are {w} bytes",
            tree.name()
        );
    }
    let hash_of = |i: usize| leaf_hash(tree, leaves[i].as_ref());
    // The leaves are hashed once, here, in parallel: 16 to a stored hash.
    let at_base: Vec<Hash> = (0..leaves.len() >> TREE_BASE)
        .into_par_iter()
        .map(|j| Levels::base_hash(TREE_BASE, j, &hash_of))
        .collect();
    let levels = Levels::above(leaves.len(), TREE_BASE, at_base);
    let mut out = HashingWriter {
        inner: BufWriter::new(File::create(&path).map_err(io)?),
        hasher: Sha256::new(),
        bytes: 0,
    };
    out.write_all(&header(tree, leaves.len(), fixed)).map_err(io)?;
    if fixed.is_none() {
        let mut at = 0u64;
        out.write_all(&at.to_le_bytes()).map_err(io)?;
        for leaf in leaves {
            at += leaf.as_ref().len() as u64;
            out.write_all(&at.to_le_bytes()).map_err(io)?;
        }
    }
    for leaf in leaves {
        out.write_all(leaf.as_ref()).map_err(io)?;
    }
    for level in levels.stored() {
        for hash in level {
            out.write_all(hash).map_err(io)?;
        }
    }
    out.inner.flush().map_err(io)?;
    out.inner.get_ref().sync_all().map_err(io)?;
    let commitment = Commitment {
        leaves: leaves.len() as u64,
        root: merkle::to_hex(&levels.root_with(&hash_of)),
    };
    let file = OutputFile {
        path: rel,
        rows: leaves.len() as u64,
        bytes: out.bytes,
        sha256: merkle::to_hex(&out.hasher.finalize().into()),
        provenance: None,
    };
    Ok((file, commitment))
}

/// Leaves hashed at a time by [`write_streamed_tree`]: a multiple of the
/// `2^TREE_BASE` leaves under a stored hash.
const STREAM_BATCH: usize = 1 << 16;

/// [`write_tree`] for leaves that come sorted from `leaves` (an external
/// sort's merge), repeats dropped, so that no list of them is held: the
/// leaves go to `scratch` (a file the caller owns, removed here) as they
/// are hashed, `STREAM_BATCH` at a time, then into the tree file after its
/// header (which needs their count) and, for leaves of varying width, their
/// offsets (8 bytes per leaf, the one thing held per leaf). The file and
/// the commitment are those of [`write_tree`] on the same leaves.
///
/// # Panics
/// When `leaves` is not sorted, or a leaf is not `tree`'s fixed width.
pub fn write_streamed_tree<L: AsRef<[u8]> + Ord + Clone + Sync>(
    out_dir: &Path,
    tree: Tree,
    scratch: &Path,
    leaves: impl Iterator<Item = L>,
) -> Result<(OutputFile, Commitment)> {
    let fixed = width(tree);
    let rel = tree_path(tree);
    let path = out_dir.join(&rel);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let mut spooled = BufWriter::new(File::create(scratch).map_err(io(scratch))?);
    let hash_group = |batch: &[L]| -> Vec<Hash> {
        (0..batch.len() >> TREE_BASE)
            .into_par_iter()
            .map(|j| Levels::base_hash(TREE_BASE, j, &|i| leaf_hash(tree, batch[i].as_ref())))
            .collect()
    };
    let (mut at_base, mut batch, mut count) = (Vec::new(), Vec::with_capacity(STREAM_BATCH), 0usize);
    // Each leaf's end in the leaf bytes, for leaves of varying width.
    let mut ends: Vec<u64> = Vec::new();
    let (mut at, mut last) = (0u64, None::<L>);
    for leaf in leaves {
        if let Some(previous) = &last {
            assert!(*previous <= leaf, "{} leaves out of order", tree.name());
            if *previous == leaf {
                continue;
            }
        }
        if let Some(w) = fixed {
            assert_eq!(leaf.as_ref().len(), w, "{} leaves are {w} bytes", tree.name());
        } else {
            at += leaf.as_ref().len() as u64;
            ends.push(at);
        }
        spooled.write_all(leaf.as_ref()).map_err(io(scratch))?;
        last = Some(leaf.clone());
        batch.push(leaf);
        count += 1;
        if batch.len() == STREAM_BATCH {
            at_base.extend(hash_group(&batch));
            batch.clear();
        }
    }
    let whole = batch.len() >> TREE_BASE << TREE_BASE;
    at_base.extend(hash_group(&batch[..whole]));
    // The leaves past the last stored hash: the root hashes them again.
    let tail = batch.split_off(whole);
    let tail_start = count - tail.len();
    let spooled = spooled.into_inner().map_err(|err| io(scratch)(err.into_error()))?;
    drop(spooled);
    let levels = Levels::above(count, TREE_BASE, at_base);
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).map_err(io(&path))?;
    let mut out = HashingWriter {
        inner: BufWriter::new(File::create(&path).map_err(io(&path))?),
        hasher: Sha256::new(),
        bytes: 0,
    };
    out.write_all(&header(tree, count, fixed)).map_err(io(&path))?;
    if fixed.is_none() {
        out.write_all(&0u64.to_le_bytes()).map_err(io(&path))?;
        for end in &ends {
            out.write_all(&end.to_le_bytes()).map_err(io(&path))?;
        }
    }
    drop(ends);
    let mut spooled = File::open(scratch).map_err(io(scratch))?;
    std::io::copy(&mut spooled, &mut out).map_err(io(&path))?;
    for level in levels.stored() {
        for hash in level {
            out.write_all(hash).map_err(io(&path))?;
        }
    }
    out.inner.flush().map_err(io(&path))?;
    out.inner.get_ref().sync_all().map_err(io(&path))?;
    std::fs::remove_file(scratch).map_err(io(scratch))?;
    let root = levels.root_with(&|i| leaf_hash(tree, tail[i - tail_start].as_ref()));
    let commitment = Commitment {
        leaves: count as u64,
        root: merkle::to_hex(&root),
    };
    let file = OutputFile {
        path: rel,
        rows: count as u64,
        bytes: out.bytes,
        sha256: merkle::to_hex(&out.hasher.finalize().into()),
        provenance: None,
    };
    Ok((file, commitment))
}

/// Maps `file` read-only. A query touches a few pages of the file, so
/// mapping it costs a few page faults where reading it whole copied all of
/// it (600 MB for the band keys of 10^6 documents).
#[allow(unsafe_code)]
fn map(file: &File) -> std::io::Result<Mmap> {
    // SAFETY: the mapping is read-only and private to this process. Were the
    // file truncated while mapped, a read past its new end would kill the
    // process with SIGBUS; tree files are written once, by `run`, and a
    // dataset is not rewritten while `prove` answers from it (docs/disclosure.md).
    unsafe { Mmap::map(file) }
}

struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A tree file, mapped into memory, answering queries.
#[derive(Debug)]
pub struct TreeFile {
    tree: Tree,
    bytes: Arc<Mmap>,
    len: usize,
    width: Option<usize>,
    offsets: usize,
    leaf_bytes: usize,
    levels: Levels<MappedLevels>,
}

/// The stored levels of a mapped tree file: level `l` (from the base)
/// starts at byte `starts[l]`.
#[derive(Debug)]
struct MappedLevels {
    bytes: Arc<Mmap>,
    starts: Vec<usize>,
}

impl LevelHashes for MappedLevels {
    fn hash(&self, level: usize, j: usize) -> Hash {
        let at = self.starts[level] + 32 * j;
        self.bytes[at..at + 32].try_into().expect("32 bytes")
    }
}

impl TreeFile {
    /// Reads the tree file at `path`, which must hold `tree` and lead to
    /// `root` over `leaves` leaves (the manifest's commitment).
    pub fn open(path: &Path, tree: Tree, leaves: u64, root: &Hash) -> Result<TreeFile> {
        let read = |source| Error::Read {
            path: path.to_owned(),
            source,
        };
        let bad = |what: String| Error::Corrupt {
            path: path.to_owned(),
            what,
        };
        let file = File::open(path).map_err(read)?;
        if file.metadata().map_err(read)?.len() < HEADER as u64 {
            return Err(bad("not a corpusledger commitment tree file (version 1)".into()));
        }
        let bytes = map(&file).map_err(read)?;
        if &bytes[..8] != TREE_MAGIC {
            return Err(bad("not a corpusledger commitment tree file (version 1)".into()));
        }
        if bytes[8] != code(tree) {
            return Err(bad(format!("it holds tree {}, not the {} tree", bytes[8], tree.name())));
        }
        let base = u32::from(bytes[9]);
        let n = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes"));
        let w = u32::from_le_bytes(bytes[24..28].try_into().expect("4 bytes")) as usize;
        if n != leaves {
            return Err(bad(format!("it has {n} leaves, the manifest says {leaves}")));
        }
        if base >= usize::BITS || Some(w).filter(|&w| w > 0) != width(tree) {
            return Err(bad(format!("unexpected base level {base} or leaf width {w}")));
        }
        let len = usize::try_from(n).map_err(|_| bad("too many leaves for this machine".into()))?;
        let offsets = HEADER;
        let (leaf_bytes, leaves_end) = match width(tree) {
            Some(w) => (HEADER, len.checked_mul(w).and_then(|b| b.checked_add(HEADER))),
            None => {
                let table_end = len
                    .checked_add(1)
                    .and_then(|m| m.checked_mul(8))
                    .and_then(|b| b.checked_add(HEADER))
                    .filter(|&end| end <= bytes.len())
                    .ok_or_else(|| bad("truncated leaf offsets".into()))?;
                let offset =
                    |i: usize| u64::from_le_bytes(bytes[HEADER + 8 * i..HEADER + 8 * i + 8].try_into().unwrap());
                let mut previous = 0;
                for i in 0..=len {
                    let at = offset(i);
                    if at < previous || (i == 0 && at != 0) {
                        return Err(bad(format!("leaf offset {i} goes backwards")));
                    }
                    previous = at;
                }
                let total = usize::try_from(offset(len)).ok();
                (table_end, total.and_then(|t| t.checked_add(table_end)))
            }
        };
        let leaves_end = leaves_end
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| bad("truncated leaves".into()))?;
        // As Levels::above builds them: level `base`, then halves while more than one.
        let counts = merkle::stored_counts(len, base).ok_or_else(|| bad(format!("unexpected base level {base}")))?;
        let mut starts = Vec::with_capacity(counts.len());
        let mut at = leaves_end;
        for (level, &count) in counts.iter().enumerate() {
            starts.push(at);
            at = count
                .checked_mul(32)
                .and_then(|b| b.checked_add(at))
                .filter(|&end| end <= bytes.len())
                .ok_or_else(|| bad(format!("truncated hashes of level {}", base as usize + level)))?;
        }
        if at != bytes.len() {
            return Err(bad(format!("{} bytes after the hashes", bytes.len() - at)));
        }
        // The stored hashes are taken as they are (hashing them again cost
        // more than answering a thousand queries): one that is wrong gives
        // proofs that `check-proof` refuses, and `verify` checks the file's
        // SHA-256 against the manifest.
        let bytes = Arc::new(bytes);
        let levels = Levels::with_stored(
            len,
            base,
            MappedLevels {
                bytes: Arc::clone(&bytes),
                starts,
            },
        );
        let file = TreeFile {
            tree,
            bytes,
            len,
            width: width(tree),
            offsets,
            leaf_bytes,
            levels,
        };
        if file.levels.root_with(&|i| file.leaf_hash(i)) != *root {
            return Err(bad(format!(
                "its root is not the manifest's {} commitment",
                tree.name()
            )));
        }
        Ok(file)
    }

    fn leaf_hash(&self, index: usize) -> Hash {
        leaf_hash(self.tree, self.leaf(index))
    }
}

impl Provable for TreeFile {
    fn tree(&self) -> Tree {
        self.tree
    }

    fn len(&self) -> usize {
        self.len
    }

    fn leaf(&self, index: usize) -> &[u8] {
        match self.width {
            Some(w) => &self.bytes[self.leaf_bytes + index * w..self.leaf_bytes + (index + 1) * w],
            None => {
                let offset = |i: usize| {
                    let at = self.offsets + 8 * i;
                    u64::from_le_bytes(self.bytes[at..at + 8].try_into().expect("8 bytes")) as usize
                };
                &self.bytes[self.leaf_bytes + offset(index)..self.leaf_bytes + offset(index + 1)]
            }
        }
    }

    fn audit_path(&self, index: usize) -> Vec<Hash> {
        self.levels.proof_with(index, &|i| self.leaf_hash(i))
    }
}

#[cfg(test)]
mod tests {
    use corpusledger_manifest::commitments::{KeyProof, band_leaf, kept_leaf};
    use proptest::prelude::*;

    use super::*;

    fn roundtrip<L: AsRef<[u8]> + Ord + Clone + Sync>(tree: Tree, leaves: Vec<L>, queries: &[Vec<u8>]) {
        let dir = tempfile::tempdir().unwrap();
        let sorted = SortedTree::new(tree, leaves);
        let commitment = sorted.commitment();
        let (written, from_file) = write_tree(dir.path(), &sorted).unwrap();
        assert_eq!(from_file, commitment);
        assert_eq!(written.rows, commitment.leaves);
        let root = merkle::from_hex(&commitment.root).unwrap();
        let file = TreeFile::open(&dir.path().join(&written.path), tree, commitment.leaves, &root).unwrap();
        let memory = sorted.provable();
        for i in 0..file.len() {
            assert_eq!(file.leaf(i), sorted.leaves()[i].as_ref());
        }
        for query in queries {
            let answer = file.prove(query);
            assert_eq!(answer, memory.prove(query));
            answer.check(tree, &commitment, query).unwrap();
        }
    }

    proptest! {
        /// A tree file answers every query as the tree in memory does, for
        /// sizes around the stored base level.
        #[test]
        fn tree_file_proves_as_memory_does(keys in prop::collection::vec(0u64..400, 0..90), queries in prop::collection::vec(0u64..400, 1..8)) {
            let leaves: Vec<[u8; 12]> = keys.iter().map(|&k| band_leaf((k % 3) as u32, k)).collect();
            let queries: Vec<Vec<u8>> = queries.iter().map(|&k| band_leaf((k % 3) as u32, k).to_vec()).collect();
            roundtrip(Tree::Bands, leaves, &queries);
            let kept: Vec<Vec<u8>> = keys
                .iter()
                .map(|&k| kept_leaf(&Sha256::digest(k.to_be_bytes()).into(), &[k as u8; 16], &"MIT".repeat((k % 4) as usize)))
                .collect();
            let queries: Vec<Vec<u8>> = queries.iter().map(|q| Sha256::digest(&q[4..]).to_vec()).collect();
            roundtrip(Tree::Kept, kept, &queries);
        }
    }

    proptest! {
        /// Leaves streamed sorted (repeats included) give the file and the
        /// commitment of the tree built in memory, for sizes around the
        /// stored base level and past one hashing batch.
        #[test]
        fn a_streamed_tree_is_the_tree_in_memory(keys in prop::collection::vec(0u64..100_000, 0..70), extra in 0usize..3) {
            let dir = tempfile::tempdir().unwrap();
            let mut keys = keys;
            // Past one batch of hashing now and then.
            keys.extend(0..[0, STREAM_BATCH as u64 + 21, 3 * 16][extra]);
            let leaves: Vec<[u8; 12]> = keys.iter().map(|&k| band_leaf((k % 3) as u32, k)).collect();
            let (memory_dir, stream_dir) = (dir.path().join("memory"), dir.path().join("stream"));
            let (memory_file, memory_commitment) = write_tree(&memory_dir, &SortedTree::new(Tree::Bands, leaves.clone())).unwrap();
            let mut sorted = leaves;
            sorted.sort_unstable();
            let scratch = dir.path().join("leaves.tmp");
            let (stream_file, stream_commitment) = write_streamed_tree(&stream_dir, Tree::Bands, &scratch, sorted.into_iter()).unwrap();
            prop_assert_eq!(stream_commitment, memory_commitment);
            prop_assert_eq!(&stream_file.sha256, &memory_file.sha256);
            prop_assert_eq!(stream_file.rows, memory_file.rows);
            prop_assert!(!scratch.exists());
            // Leaves of varying width: the kept tree.
            let kept: Vec<Vec<u8>> = keys
                .iter()
                .map(|&k| kept_leaf(&Sha256::digest(k.to_be_bytes()).into(), &[k as u8; 16], &"MIT".repeat((k % 4) as usize)))
                .collect();
            let (memory_file, memory_commitment) = write_tree(&memory_dir, &SortedTree::new(Tree::Kept, kept.clone())).unwrap();
            let mut sorted = kept;
            sorted.sort_unstable();
            let (stream_file, stream_commitment) = write_streamed_tree(&stream_dir, Tree::Kept, &scratch, sorted.into_iter()).unwrap();
            prop_assert_eq!(stream_commitment, memory_commitment);
            prop_assert_eq!(&stream_file.sha256, &memory_file.sha256);
        }
    }

    #[test]
    fn a_tree_file_for_another_root_or_tree_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sorted = SortedTree::new(Tree::Bands, (0..40).map(|k| band_leaf(0, k)).collect());
        let (written, _) = write_tree(dir.path(), &sorted).unwrap();
        let path = dir.path().join(&written.path);
        let c = sorted.commitment();
        let root = merkle::from_hex(&c.root).unwrap();
        let err = TreeFile::open(&path, Tree::Bands, c.leaves, &[7; 32]).unwrap_err();
        assert!(err.to_string().contains("not the manifest's bands commitment"), "{err}");
        let err = TreeFile::open(&path, Tree::Kept, c.leaves, &root).unwrap_err();
        assert!(err.to_string().contains("not the kept tree"), "{err}");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&path, &bytes).unwrap();
        let err = TreeFile::open(&path, Tree::Bands, c.leaves, &root).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(matches!(sorted.prove(&band_leaf(1, 0)), KeyProof::Absent { .. }));
    }
}
