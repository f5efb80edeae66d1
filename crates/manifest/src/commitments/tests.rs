use proptest::prelude::*;

use super::*;

/// Every proof one could assemble from the real tree for `key`: each leaf as
/// a member, and each gap between adjacent leaves (ends included) as an
/// absence; returns how many of each verify.
fn verifying<L: AsRef<[u8]> + Ord>(tree: &SortedTree<L>, commitment: &Commitment, key: &[u8]) -> (usize, usize) {
    let levels = tree.levels();
    let n = tree.leaves().len();
    let leaf = |index: usize| LeafProof {
        index: index as u64,
        leaf: hex(tree.leaves()[index].as_ref()),
        path: levels.proof(index).iter().map(merkle::to_hex).collect(),
    };
    let members = (0..n)
        .filter(|&i| {
            KeyProof::Member { leaf: leaf(i) }
                .check(tree.tree, commitment, key)
                .is_ok()
        })
        .count();
    let absences = (0..=n)
        .filter(|&gap| {
            let proof = KeyProof::Absent {
                left: gap.checked_sub(1).map(leaf),
                right: (gap < n).then(|| leaf(gap)),
            };
            proof.check(tree.tree, commitment, key).is_ok()
        })
        .count();
    (members, absences)
}

fn kept_leaf_of(first: u8, id: u8) -> Vec<u8> {
    let mut sha = [0u8; 32];
    sha[0] = first;
    kept_leaf(&sha, &[id; 16], "MIT")
}

proptest! {
    // An absence proof exists exactly when no leaf has the key, a membership
    // proof exactly when one has, and never both.
    #[test]
    fn absence_exactly_when_absent_bands(
        set in proptest::collection::vec((0u32..3, 0u64..40), 0..40),
        queries in proptest::collection::vec((0u32..3, 0u64..40), 1..12),
    ) {
        let tree = SortedTree::new(Tree::Bands, set.iter().map(|&(b, k)| band_leaf(b, k)).collect());
        let commitment = tree.commitment();
        prop_assert_eq!(commitment.root.clone(), merkle::to_hex(&tree.levels().root()));
        for (band, key) in queries {
            let query = band_leaf(band, key);
            let present = set.contains(&(band, key));
            let (members, absences) = verifying(&tree, &commitment, &query);
            prop_assert_eq!(members > 0, present);
            prop_assert_eq!(absences > 0, !present);
            prop_assert!(members == 0 || absences == 0);
            let answer = tree.prove(&query);
            prop_assert_eq!(answer.is_member(), present);
            prop_assert!(answer.check(Tree::Bands, &commitment, &query).is_ok());
            // Never against another tree's root of the same size.
            let other = Commitment { leaves: commitment.leaves, root: merkle::to_hex(&[7; 32]) };
            prop_assert!(answer.check(Tree::Bands, &other, &query).is_err() || commitment.leaves == 0);
        }
    }

    #[test]
    fn absence_exactly_when_absent_documents(
        set in proptest::collection::vec((0u8..20, 0u8..3), 0..30),
        queries in proptest::collection::vec(0u8..20, 1..8),
    ) {
        let tree = SortedTree::new(Tree::Kept, set.iter().map(|&(first, id)| kept_leaf_of(first, id)).collect());
        let commitment = tree.commitment();
        for first in queries {
            let mut query = [0u8; 32];
            query[0] = first;
            let present = set.iter().any(|&(f, _)| f == first);
            let (members, absences) = verifying(&tree, &commitment, &query);
            prop_assert_eq!(members > 0, present);
            prop_assert_eq!(absences > 0, !present);
            let answer = tree.prove(&query);
            prop_assert_eq!(answer.is_member(), present);
            prop_assert!(answer.check(Tree::Kept, &commitment, &query).is_ok());
        }
    }
}

fn sample() -> (SortedTree<[u8; 12]>, Commitment) {
    let tree = SortedTree::new(Tree::Bands, (0..9).map(|k| band_leaf(1, k * 10)).collect());
    let commitment = tree.commitment();
    (tree, commitment)
}

fn code(proof: &KeyProof, tree: Tree, commitment: &Commitment, key: &[u8]) -> &'static str {
    match proof.check(tree, commitment, key) {
        Ok(()) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn tampered_proofs_are_refused_with_their_code() {
    let (tree, commitment) = sample();
    let key = band_leaf(1, 45);
    let answer = tree.prove(&key);
    assert_eq!(code(&answer, Tree::Bands, &commitment, &key), "ok");
    let KeyProof::Absent {
        left: Some(left),
        right: Some(right),
    } = answer.clone()
    else {
        panic!("{answer:?}")
    };
    // A flipped sibling hash.
    let mut flipped = left.clone();
    let first = if flipped.path[0].starts_with('0') { "1" } else { "0" };
    flipped.path[0].replace_range(0..1, first);
    let proof = KeyProof::Absent {
        left: Some(flipped),
        right: Some(right.clone()),
    };
    assert_eq!(code(&proof, Tree::Bands, &commitment, &key), "proof-path-invalid");
    // Neighbours that are not adjacent: a true leaf two places on.
    let far = match tree.prove(&band_leaf(1, 60)) {
        KeyProof::Member { leaf } => leaf,
        other => panic!("{other:?}"),
    };
    let proof = KeyProof::Absent {
        left: Some(left.clone()),
        right: Some(far),
    };
    assert_eq!(code(&proof, Tree::Bands, &commitment, &key), "proof-not-adjacent");
    // Swapped neighbours.
    let proof = KeyProof::Absent {
        left: Some(right.clone()),
        right: Some(left.clone()),
    };
    assert_eq!(code(&proof, Tree::Bands, &commitment, &key), "proof-not-adjacent");
    // A true adjacent pair that does not bracket the key.
    assert_eq!(
        code(&answer, Tree::Bands, &commitment, &band_leaf(1, 65)),
        "proof-not-bracketing"
    );
    // Another root; another tree (the same leaves under the kept tag).
    let other = SortedTree::new(Tree::Bands, vec![band_leaf(2, 1)]).commitment();
    assert_eq!(code(&answer, Tree::Bands, &other, &key), "proof-path-invalid");
    let other = Commitment {
        leaves: commitment.leaves,
        root: merkle::to_hex(&[3; 32]),
    };
    assert_eq!(code(&answer, Tree::Bands, &other, &key), "proof-path-invalid");
    let mut kept_key = [0u8; 32];
    kept_key[..12].copy_from_slice(&key);
    assert_eq!(code(&answer, Tree::Kept, &commitment, &kept_key), "proof-path-invalid");
    // A membership answer for another key; bad hex; a key of the wrong size.
    let member = tree.prove(&band_leaf(1, 40));
    assert_eq!(code(&member, Tree::Bands, &commitment, &band_leaf(1, 40)), "ok");
    assert_eq!(
        code(&member, Tree::Bands, &commitment, &band_leaf(2, 40)),
        "proof-leaf-mismatch"
    );
    let mut bad = member.clone();
    if let KeyProof::Member { leaf } = &mut bad {
        leaf.leaf = "zz".into();
    }
    assert_eq!(
        code(&bad, Tree::Bands, &commitment, &band_leaf(1, 40)),
        "proof-malformed"
    );
    assert_eq!(code(&member, Tree::Bands, &commitment, &[1, 2]), "proof-malformed");
}

#[test]
fn ends_and_the_empty_tree() {
    let (tree, commitment) = sample();
    for (key, left, right) in [(band_leaf(0, 5), false, true), (band_leaf(2, 0), true, false)] {
        match tree.prove(&key) {
            KeyProof::Absent { left: l, right: r } => assert_eq!((l.is_some(), r.is_some()), (left, right)),
            other => panic!("{other:?}"),
        }
        assert!(tree.prove(&key).check(Tree::Bands, &commitment, &key).is_ok());
    }
    let empty = SortedTree::<[u8; 12]>::new(Tree::Bands, vec![]);
    let commitment = empty.commitment();
    assert_eq!(commitment.root, merkle::to_hex(&merkle::root(&[])));
    let key = band_leaf(0, 1);
    assert!(empty.prove(&key).check(Tree::Bands, &commitment, &key).is_ok());
    // An empty absence proof against a tree that has leaves.
    let (_, full) = sample();
    let nothing = KeyProof::Absent {
        left: None,
        right: None,
    };
    assert_eq!(code(&nothing, Tree::Bands, &full, &key), "proof-not-adjacent");
}

#[test]
fn serialized_proofs_round_trip() {
    let (tree, _) = sample();
    let answer = tree.prove(&band_leaf(1, 45));
    let json = serde_json::to_string(&answer).unwrap();
    assert!(json.contains("\"answer\":\"absent\""), "{json}");
    assert_eq!(serde_json::from_str::<KeyProof>(&json).unwrap(), answer);
}
