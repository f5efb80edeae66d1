//! Merkle inclusion proofs: a dataset file's place under the manifest's
//! root, and the row in it that an answer points to.

use std::path::Path;

use corpusledger_manifest::{Manifest, leaf_hashes, merkle};
use serde::{Deserialize, Serialize};

use crate::Finding;
use crate::rows::read_row;

/// Proof that a row of a file belongs to the dataset with `merkle_root`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Proof {
    /// The manifest's Merkle root.
    pub merkle_root: String,
    /// Leaves in the tree.
    pub tree_size: u64,
    /// The file's leaf.
    pub leaf_index: u64,
    /// The file, relative to the dataset directory.
    pub file: String,
    /// The file's SHA-256.
    pub file_sha256: String,
    /// RFC 6962 audit path, from the leaf up, hex.
    pub audit_path: Vec<String>,
    /// The row in the file.
    pub row: u64,
    /// The row's document id.
    pub doc_id: String,
    /// The row's content SHA-256.
    pub content_sha256: Option<String>,
}

impl Proof {
    /// The proof for row `row` of output `index` of `manifest`.
    pub fn new(manifest: &Manifest, index: usize, row: u64, doc_id: String, content_sha256: Option<String>) -> Proof {
        let leaves = leaf_hashes(&manifest.outputs).unwrap_or_default();
        let audit_path = if index < leaves.len() {
            merkle::inclusion_proof(&leaves, index)
                .iter()
                .map(merkle::to_hex)
                .collect()
        } else {
            Vec::new()
        };
        let output = &manifest.outputs[index];
        Proof {
            merkle_root: manifest.merkle.root.clone(),
            tree_size: leaves.len() as u64,
            leaf_index: index as u64,
            file: output.path.clone(),
            file_sha256: output.sha256.clone(),
            audit_path,
            row,
            doc_id,
            content_sha256,
        }
    }

    /// Whether the audit path folds the file's leaf into `merkle_root`.
    pub fn folds(&self) -> bool {
        let (Some(sha), Some(root)) = (merkle::from_hex(&self.file_sha256), merkle::from_hex(&self.merkle_root)) else {
            return false;
        };
        let Some(path) = self
            .audit_path
            .iter()
            .map(|h| merkle::from_hex(h))
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        let leaf = merkle::leaf_hash(&self.file, &sha);
        merkle::verify_inclusion(&leaf, self.leaf_index, self.tree_size, &path, &root)
    }
}

/// Checks `proof` against the dataset in `dir` and its `manifest`: the same
/// root, an audit path that folds into it, the file with that hash, and
/// the row with that document and content.
pub fn check(dir: &Path, manifest: &Manifest, proof: &Proof) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut add = |code, message: String| {
        findings.push(Finding {
            code,
            file: Some(proof.file.clone()),
            message,
        })
    };
    if proof.merkle_root != manifest.merkle.root {
        add(
            "proof-root-mismatch",
            format!(
                "the proof is for root {}, the manifest's is {}",
                proof.merkle_root, manifest.merkle.root
            ),
        );
    }
    if !proof.folds() {
        add(
            "proof-invalid",
            "the audit path does not lead from the file's leaf to the root".to_owned(),
        );
    }
    let Some(index) = manifest.outputs.iter().position(|o| o.path == proof.file) else {
        add("proof-file-mismatch", "the manifest lists no such file".to_owned());
        return findings;
    };
    let output = &manifest.outputs[index];
    if output.sha256 != proof.file_sha256 || index as u64 != proof.leaf_index {
        add(
            "proof-file-mismatch",
            "the file's hash or leaf index differs from the manifest's".to_owned(),
        );
        return findings;
    }
    if corpusledger_manifest::paths::check_relative(&proof.file).is_err() {
        return findings;
    }
    let path = dir.join(&proof.file);
    match corpusledger_output::sha256_file(&path) {
        Ok((_, sha)) if sha == proof.file_sha256 => {}
        _ => {
            add(
                "proof-file-mismatch",
                "the file in the dataset directory does not have the proven hash".to_owned(),
            );
            return findings;
        }
    }
    match read_row(&path, proof.row, &["doc_id", "content_sha256"]) {
        Ok(row) => {
            let same_id = row.get("doc_id").cloned().flatten().as_deref() == Some(proof.doc_id.as_str());
            let same_content = row.get("content_sha256").cloned().flatten() == proof.content_sha256;
            if !same_id || !same_content {
                add(
                    "proof-row-mismatch",
                    format!(
                        "row {} is not document {} with the proven content",
                        proof.row, proof.doc_id
                    ),
                );
            }
        }
        Err(message) => add("proof-row-mismatch", message),
    }
    findings
}
