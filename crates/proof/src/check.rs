//! The owner's side: every answer of a proof file checked against the
//! manifest's commitments, and against the owner's own files.

use std::path::{Path, PathBuf};

use corpusledger_manifest::Manifest;
use corpusledger_manifest::commitments::{Commitments, KeyProof, LeafProof, Tree, band_leaf, from_hex, hex};
use corpusledger_manifest::merkle;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::format::{Answer, Near, ProofFile, Status};
use crate::{Error, Result};

/// One answer that does not verify, with a stable kebab-case code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable code.
    pub code: &'static str,
    /// The query: the file's name, or the SHA-256 asked about.
    pub query: String,
    /// What is wrong.
    pub message: String,
}

/// What one answer shows, once checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Shown {
    /// The file's name, or the SHA-256 asked about.
    pub query: String,
    /// The content SHA-256.
    pub sha256: String,
    /// The answer as the proof states it.
    pub status: Status,
    /// The kept document: its id and license, when kept.
    pub kept: Option<Doc>,
    /// The removed document: its id and reason, when removed.
    pub removed: Option<Doc>,
    /// The kept copy of the removed document, when there is one.
    pub kept_copy: Option<Doc>,
    /// Band keys a kept text shares, of how many bands; absent without band
    /// answers.
    pub near: Option<[usize; 2]>,
    /// Whether every proof of the answer verifies.
    pub verified: bool,
}

/// A document as a leaf names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Doc {
    /// Its id, 32 hex digits.
    pub doc_id: String,
    /// Its concluded license (kept) or the reason it was not kept.
    pub detail: String,
}

/// The outcome of [`check`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Checked {
    /// The manifest's SHA-256.
    pub manifest_sha256: String,
    /// One per answer, in order.
    pub answers: Vec<Shown>,
    /// Everything that does not verify.
    pub findings: Vec<Finding>,
}

impl Checked {
    /// Whether every answer verifies.
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks `proof` against the manifest at `manifest_path`, and each of
/// `files` against the answer for its content. An error means the check
/// could not run: an unreadable or foreign proof file or manifest, or an
/// unreadable file.
pub fn check(manifest_path: &Path, proof_path: &Path, files: &[PathBuf]) -> Result<Checked> {
    let manifest_bytes = std::fs::read(manifest_path).map_err(|source| Error::Read {
        path: manifest_path.to_owned(),
        source,
    })?;
    let manifest_sha256 = merkle::to_hex(&Sha256::digest(&manifest_bytes).into());
    let proof = ProofFile::read(proof_path)?;
    if !proof.manifest_sha256.eq_ignore_ascii_case(&manifest_sha256) {
        return Err(Error::OtherManifest {
            proof: proof_path.to_owned(),
            manifest: manifest_path.to_owned(),
            stated: proof.manifest_sha256,
            actual: manifest_sha256,
        });
    }
    let manifest = Manifest::read(manifest_path)?;
    let (commitments, keyer) = crate::commitments_and_keyer(&manifest, manifest_path)?;
    let mut checked = Checked {
        manifest_sha256,
        ..Checked::default()
    };
    // Each file is bound to the answer for its content; its band keys are
    // computed here, from the manifest's parameters.
    let mut bound: Vec<Option<Option<Vec<u64>>>> = vec![None; proof.answers.len()];
    for path in files {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let sha256 = merkle::to_hex(&Sha256::digest(&bytes).into());
        match proof
            .answers
            .iter()
            .position(|a| a.sha256.eq_ignore_ascii_case(&sha256))
        {
            Some(i) => bound[i] = Some(std::str::from_utf8(&bytes).ok().map(|text| keyer.keys(text))),
            None => checked.findings.push(Finding {
                code: "proof-file-mismatch",
                query: path.display().to_string(),
                message: format!(
                    "no answer in {} is for this file (its SHA-256 is {sha256}): the answers are for other files",
                    proof_path.display()
                ),
            }),
        }
    }
    for (answer, file) in proof.answers.iter().zip(bound) {
        let mut one = AnswerCheck {
            commitments,
            query: answer.file.clone().unwrap_or_else(|| answer.sha256.clone()),
            findings: Vec::new(),
        };
        let shown = one.answer(answer, file, keyer.bands());
        checked.answers.push(Shown {
            verified: one.findings.is_empty(),
            ..shown
        });
        checked.findings.extend(one.findings);
    }
    Ok(checked)
}

struct AnswerCheck<'a> {
    commitments: &'a Commitments,
    query: String,
    findings: Vec<Finding>,
}

impl AnswerCheck<'_> {
    fn fail(&mut self, code: &'static str, message: String) {
        self.findings.push(Finding {
            code,
            query: self.query.clone(),
            message,
        });
    }

    /// Checks one key proof; the leaf bytes of a member that verifies.
    fn key(&mut self, tree: Tree, proof: &KeyProof, key: &[u8]) -> Option<Option<Vec<u8>>> {
        match proof.check(tree, self.commitments.get(tree), key) {
            Ok(()) => Some(match proof {
                KeyProof::Member { leaf } => from_hex(&leaf.leaf),
                KeyProof::Absent { .. } => None,
            }),
            Err(err) => {
                self.fail(err.code(), format!("{} tree: {err}", tree.name()));
                None
            }
        }
    }

    fn answer(&mut self, answer: &Answer, file: Option<Option<Vec<u64>>>, bands: usize) -> Shown {
        let mut shown = Shown {
            query: self.query.clone(),
            sha256: answer.sha256.to_ascii_lowercase(),
            status: answer.status,
            kept: None,
            removed: None,
            kept_copy: None,
            near: None,
            verified: false,
        };
        let sha256 = merkle::from_hex(&answer.sha256).expect("checked when read");
        let kept = self.key(Tree::Kept, &answer.kept, &sha256);
        let removed = self.key(Tree::Removed, &answer.removed, &sha256);
        shown.kept = kept.clone().flatten().map(|leaf| kept_doc(&leaf));
        shown.removed = removed.clone().flatten().map(|leaf| removed_doc(&leaf));
        if let (Some(kept), Some(removed)) = (&kept, &removed) {
            let proved = match (kept.is_some(), removed.is_some()) {
                (true, _) => Status::Kept,
                (false, true) => Status::Removed,
                (false, false) => Status::Absent,
            };
            if proved != answer.status {
                self.fail(
                    "proof-status-mismatch",
                    format!(
                        "the answer says {}, its proofs show {}",
                        answer.status.as_str(),
                        proved.as_str()
                    ),
                );
            }
        }
        self.kept_copy(answer, removed.flatten(), &mut shown);
        match (&answer.near, file) {
            (Some(near), file) => shown.near = Some(self.near(near, file.flatten(), bands)),
            (None, Some(Some(_))) => self.fail(
                "proof-band-missing",
                "the file was given, but the answer has no band answers (prove was given only its hash)".into(),
            ),
            (None, _) => {}
        }
        shown
    }

    fn kept_copy(&mut self, answer: &Answer, removed: Option<Vec<u8>>, shown: &mut Shown) {
        let named = removed
            .as_ref()
            .and_then(|leaf| leaf.get(48..64))
            .filter(|id| *id != [0u8; 16])
            .map(<[u8]>::to_vec);
        match (named, &answer.kept_copy) {
            (None, None) => {}
            (None, Some(_)) => self.fail(
                "proof-kept-copy-mismatch",
                "a kept copy is shown, but no removed leaf that names one".into(),
            ),
            (Some(id), None) => self.fail(
                "proof-kept-copy-missing",
                format!(
                    "the removed leaf names kept document {}, but its leaf is not shown",
                    hex(&id)
                ),
            ),
            (Some(id), Some(copy)) => match check_leaf(Tree::Kept, copy, self.commitments) {
                Ok(leaf) if leaf.get(32..48) == Some(&id[..]) => shown.kept_copy = Some(kept_doc(&leaf)),
                Ok(leaf) => self.fail(
                    "proof-kept-copy-mismatch",
                    format!(
                        "the removed leaf names kept document {}, the kept leaf shown is document {}",
                        hex(&id),
                        leaf.get(32..48).map(hex).unwrap_or_default()
                    ),
                ),
                Err(err) => self.fail(err.code(), format!("kept tree, the kept copy: {err}")),
            },
        }
    }

    /// Checks the band answers; returns (shared, bands).
    fn near(&mut self, near: &Near, file_keys: Option<Vec<u64>>, bands: usize) -> [usize; 2] {
        let stated: Vec<Option<u64>> = near
            .bands
            .iter()
            .map(|b| u64::from_str_radix(&b.key, 16).ok().filter(|_| b.key.len() == 16))
            .collect();
        if let Some(keys) = &file_keys {
            // The owner's own keys, computed from the manifest's parameters.
            let given: Vec<(u32, Option<u64>)> =
                near.bands.iter().map(|b| b.band).zip(stated.iter().copied()).collect();
            let want: Vec<(u32, Option<u64>)> = keys.iter().enumerate().map(|(i, &k)| (i as u32, Some(k))).collect();
            if given != want {
                let at = given
                    .iter()
                    .zip(&want)
                    .position(|(g, w)| g != w)
                    .unwrap_or(given.len().min(want.len()));
                self.fail(
                    "proof-band-mismatch",
                    format!(
                        "the file has {} band keys under the manifest's parameters, the answer {}; they first differ at answer {}",
                        want.len(),
                        given.len(),
                        at + 1
                    ),
                );
                return [0, want.len()];
            }
        } else if !(near.bands.is_empty() || near.bands.len() == bands)
            || near.bands.iter().enumerate().any(|(i, b)| b.band as usize != i)
        {
            self.fail(
                "proof-band-mismatch",
                format!(
                    "band answers must be bands 0 to {} in order (or none, for a text too short to sign); the answer has bands {:?}",
                    bands - 1,
                    near.bands.iter().map(|b| b.band).collect::<Vec<_>>()
                ),
            );
            return [0, bands];
        }
        let mut shared = 0;
        for (answer, key) in near.bands.iter().zip(stated) {
            let Some(key) = key else {
                self.fail(
                    "proof-malformed",
                    format!("band {}: key {:?} is not 16 hex digits", answer.band, answer.key),
                );
                continue;
            };
            if let Some(Some(_)) = self.key(Tree::Bands, &answer.proof, &band_leaf(answer.band, key)) {
                shared += 1;
            }
        }
        if shared != near.shared {
            self.fail(
                "proof-status-mismatch",
                format!(
                    "the answer says {} bands are shared, its proofs show {shared}",
                    near.shared
                ),
            );
        }
        [shared, near.bands.len()]
    }
}

/// Checks one leaf's audit path in `tree`; its bytes.
fn check_leaf(
    tree: Tree,
    leaf: &LeafProof,
    commitments: &Commitments,
) -> std::result::Result<Vec<u8>, corpusledger_manifest::commitments::ProofError> {
    leaf.check(tree, commitments.get(tree))
}

fn kept_doc(leaf: &[u8]) -> Doc {
    Doc {
        doc_id: leaf.get(32..48).map(hex).unwrap_or_default(),
        detail: String::from_utf8_lossy(leaf.get(48..).unwrap_or_default()).into_owned(),
    }
}

fn removed_doc(leaf: &[u8]) -> Doc {
    Doc {
        doc_id: leaf.get(32..48).map(hex).unwrap_or_default(),
        detail: String::from_utf8_lossy(leaf.get(64..).unwrap_or_default()).into_owned(),
    }
}
