//! Fuzzing the readers with arbitrary and mutated bytes, as property tests.
//!
//! Each reader gets pure random bytes and, which finds far more, a valid
//! input with a few bytes flipped, inserted or cut. The properties: no
//! panic, and every line or row comes out as a document or a rejection.
//! The case count is small by default so the suite stays quick;
//! `PROPTEST_CASES` raises it (`scripts/fuzz.sh`).

mod jsonl;
mod parquet;
mod stackexchange;
mod tree;

use std::path::Path;

use corpusledger_model::{Reason, Rejection};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::{Input, InputKind, Item};

#[path = "../../../../tests/support/fuzz.rs"]
mod support;
pub(crate) use support::cases;

/// One change to a valid input.
#[derive(Clone, Debug)]
pub(crate) enum Mutation {
    /// XOR the byte at this position with a non-zero mask.
    Flip(Index, u8),
    /// Cut the input at this position.
    Truncate(Index),
    /// Insert bytes at this position.
    Insert(Index, Vec<u8>),
    /// Remove up to this many bytes from this position.
    Remove(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(at, n)| Mutation::Remove(at, n)),
    ]
}

/// Up to `max` mutations, applied in order.
pub(crate) fn mutations(max: usize) -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 1..=max)
}

/// `bytes` with `mutations` applied.
pub(crate) fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        if bytes.is_empty() {
            break;
        }
        match mutation {
            Mutation::Flip(at, mask) => {
                let at = at.index(bytes.len());
                bytes[at] ^= mask;
            }
            Mutation::Truncate(at) => bytes.truncate(at.index(bytes.len())),
            Mutation::Insert(at, inserted) => {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, inserted.iter().copied());
            }
            Mutation::Remove(at, n_bytes) => {
                let at = at.index(bytes.len());
                let end = (at + n_bytes).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

/// An input of `kind` labelled `fuzz` at `path`.
pub(crate) fn input(path: &Path, kind: InputKind) -> Input {
    Input {
        label: "fuzz".into(),
        path: path.to_owned(),
        kind,
        error: None,
    }
}

/// The row (line) of an item.
pub(crate) fn row_of(item: &Item) -> u64 {
    match item {
        Item::Doc(doc) => doc.source.row,
        Item::Rejected(rejected) => rejected.source.row,
    }
}

/// The rejection of an item, if it is one.
pub(crate) fn rejected(item: &Item) -> Option<&Rejection> {
    match item {
        Item::Rejected(rejected) => Some(rejected),
        Item::Doc(_) => None,
    }
}

/// Whether the item is an `unreadable` rejection: the stream broke there.
pub(crate) fn is_unreadable(item: &Item) -> bool {
    rejected(item).is_some_and(|r| r.reason == Reason::Unreadable)
}
