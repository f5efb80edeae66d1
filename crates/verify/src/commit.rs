//! The document-level commitments recomputed from the data (issue 20): the
//! kept leaves and band keys from the data shards, the removed leaves from
//! the ledger, sorted here, so a holder who sorted them otherwise (which
//! would let a false absence proof verify) is caught.

use corpusledger_manifest::Manifest;
use corpusledger_manifest::commitments::{CONSTRUCTION, Tree};

use crate::Report;
use crate::tables::Tables;

/// Compares the manifest's commitments with those of the tables' leaves.
pub(crate) fn check(manifest: &Manifest, tables: Tables, report: &mut Report) {
    let (Some(stated), Some(leaves)) = (&manifest.commitments, tables.leaves) else {
        return;
    };
    let m = Some(crate::MANIFEST);
    if stated.construction != CONSTRUCTION {
        report.add(
            "commitment-construction-unknown",
            m,
            "the commitments' construction is not the one this corpusledger computes",
        );
        return;
    }
    if !tables.complete {
        return; // Each unreadable file is already a finding.
    }
    let recomputed = leaves.commit();
    for tree in [Tree::Kept, Tree::Removed, Tree::Bands] {
        let (want, got) = (stated.get(tree), recomputed.get(tree));
        if want != got {
            report.add(
                "commitment-mismatch",
                m,
                format!(
                    "the {} commitment recomputed from the data is {} over {} leaves, the manifest says {} over {}",
                    tree.name(),
                    got.root,
                    got.leaves,
                    want.root,
                    want.leaves
                ),
            );
        }
    }
}
