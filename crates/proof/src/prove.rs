//! The holder's side: answers from the dataset's commitment tree files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use corpusledger_manifest::Manifest;
use corpusledger_manifest::commitments::{KeyProof, LeafProof, Provable, Tree, band_leaf};
use corpusledger_manifest::merkle::{self, Hash};
use corpusledger_output::{TreeFile, tree_path};
use sha2::{Digest, Sha256};

use crate::format::{Answer, BandAnswer, FORMAT, Near, ProofFile, Status, VERSION};
use crate::{BandKeyer, Error, Result};

/// One query: a file's bytes, or a content SHA-256.
#[derive(Clone, Debug)]
pub enum Query {
    /// A file, by the name given and its bytes.
    File {
        /// The name it was given by.
        name: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A content SHA-256.
    Sha256(Hash),
}

impl Query {
    /// A query from 64 hex digits.
    pub fn sha256(hex: &str) -> Result<Query> {
        merkle::from_hex(hex)
            .map(Query::Sha256)
            .ok_or_else(|| Error::BadQuery(hex.to_owned()))
    }
}

/// A dataset opened to answer queries: its manifest and its three trees.
#[derive(Debug)]
pub struct Holder {
    manifest_sha256: String,
    kept: TreeFile,
    removed: TreeFile,
    /// Opened only when a file is asked about: hashes need no band keys.
    bands: Option<TreeFile>,
    keyer: BandKeyer,
    /// The kept documents' ids with their leaves' indexes, sorted by id;
    /// built on first need.
    kept_ids: OnceLock<Vec<(u128, usize)>>,
}

impl Holder {
    /// Opens the dataset in `dir`: `manifest.json` and `commitments/*.tree`,
    /// each tree checked against the manifest's root.
    pub fn open(dir: &Path) -> Result<Holder> {
        Holder::open_with(dir, true)
    }

    /// Opens the dataset to answer `queries`: the band-key tree only when
    /// one of them is a file.
    pub fn open_for(dir: &Path, queries: &[Query]) -> Result<Holder> {
        Holder::open_with(dir, queries.iter().any(|q| matches!(q, Query::File { .. })))
    }

    fn open_with(dir: &Path, with_bands: bool) -> Result<Holder> {
        let manifest_path = dir.join("manifest.json");
        let bytes = std::fs::read(&manifest_path).map_err(|source| Error::Read {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest = Manifest::from_slice(&manifest_path, &bytes)?;
        let (commitments, keyer) = crate::commitments_and_keyer(&manifest, &manifest_path)?;
        let open = |tree: Tree| -> Result<TreeFile> {
            let commitment = commitments.get(tree);
            let root = merkle::from_hex(&commitment.root).ok_or_else(|| Error::Parameters {
                path: manifest_path.clone(),
                message: format!("the {} root is not 64 hex digits", tree.name()),
            })?;
            Ok(TreeFile::open(
                &dir.join(tree_path(tree)),
                tree,
                commitment.leaves,
                &root,
            )?)
        };
        Ok(Holder {
            manifest_sha256: merkle::to_hex(&Sha256::digest(&bytes).into()),
            kept: open(Tree::Kept)?,
            removed: open(Tree::Removed)?,
            bands: if with_bands { Some(open(Tree::Bands)?) } else { None },
            keyer,
            kept_ids: OnceLock::new(),
        })
    }

    /// Answers every query, in order.
    pub fn prove(&self, queries: &[Query]) -> ProofFile {
        ProofFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            manifest_sha256: self.manifest_sha256.clone(),
            answers: queries.iter().map(|q| self.answer(q)).collect(),
        }
    }

    /// The answer to one query.
    pub fn answer(&self, query: &Query) -> Answer {
        let (file, sha256, near) = match query {
            Query::File { name, bytes } => {
                let near = std::str::from_utf8(bytes).ok().map(|text| self.near(text));
                (Some(name.clone()), Sha256::digest(bytes).into(), near)
            }
            Query::Sha256(hash) => (None, *hash, None),
        };
        let kept = self.kept.prove(&sha256);
        let removed = self.removed.prove(&sha256);
        let kept_copy = match &removed {
            KeyProof::Member { leaf } => self.kept_copy(leaf),
            KeyProof::Absent { .. } => None,
        };
        let status = match (kept.is_member(), removed.is_member()) {
            (true, _) => Status::Kept,
            (false, true) => Status::Removed,
            (false, false) => Status::Absent,
        };
        Answer {
            file,
            sha256: merkle::to_hex(&sha256),
            status,
            kept,
            removed,
            kept_copy,
            near,
        }
    }

    /// The band answers of a text.
    fn near(&self, text: &str) -> Near {
        let tree = self.bands.as_ref().expect("a holder for files opens the band-key tree");
        let bands: Vec<BandAnswer> = self
            .keyer
            .keys(text)
            .into_iter()
            .enumerate()
            .map(|(band, key)| BandAnswer {
                band: band as u32,
                key: format!("{key:016x}"),
                proof: tree.prove(&band_leaf(band as u32, key)),
            })
            .collect();
        Near {
            shared: bands.iter().filter(|b| b.proof.is_member()).count(),
            bands,
        }
    }

    /// The kept leaf of the document a removed leaf names, if it names one.
    fn kept_copy(&self, removed: &LeafProof) -> Option<LeafProof> {
        let leaf = corpusledger_manifest::commitments::from_hex(&removed.leaf)?;
        let id: [u8; 16] = leaf.get(48..64)?.try_into().ok()?;
        if id == [0; 16] {
            return None;
        }
        let ids = self.kept_ids.get_or_init(|| {
            let mut ids: Vec<(u128, usize)> = (0..self.kept.len())
                .filter_map(|i| Some((u128::from_be_bytes(self.kept.leaf(i).get(32..48)?.try_into().ok()?), i)))
                .collect();
            ids.sort_unstable();
            ids
        });
        let at = ids
            .binary_search_by_key(&u128::from_be_bytes(id), |&(other, _)| other)
            .ok()?;
        Some(self.kept.leaf_proof(ids[at].1))
    }
}

/// The queries for files: each read whole, named as given.
pub fn file_queries(files: &[PathBuf]) -> Result<Vec<Query>> {
    files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            Ok(Query::File {
                name: path.display().to_string(),
                bytes,
            })
        })
        .collect()
}

/// The proof file as the CLI writes it: compact JSON on one line, fields
/// in a fixed order, so equal answers are equal bytes. Compact because a
/// file's band answers carry two audit paths per band: pretty-printing
/// them would add a third to the bytes.
pub fn to_bytes(file: &ProofFile) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(file).expect("a proof file is JSON");
    bytes.push(b'\n');
    bytes
}
