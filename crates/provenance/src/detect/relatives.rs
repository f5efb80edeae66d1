//! Close relatives told apart by the wording that makes them differ.
//!
//! Many licenses are another one with a clause added or a few words
//! changed (BSD-3-Clause and BSD-3-Clause-HP with its patent clause, X11 and
//! X11-swapped, HPND and its dozens of variants). Overall similarity ranks
//! a text among them by noise: a holder's name or a reflowed line decides.
//! Here the best candidate is compared with each close runner-up by the
//! word bigrams only one of the two has: the text is given the one whose
//! own wording it holds more of. When the text holds the own wording of
//! neither (a holder's name where the list has "the copyright holders"),
//! the base license is given, as the SPDX list names it (`BSD-3-Clause` for
//! `BSD-3-Clause-HP`), with the base's own, lower, score.

use super::rank::Candidate;

/// Runners-up within this much of the best score are compared.
const WINDOW: f32 = 0.1;

/// Two forms whose bigram sets are at least this alike (Sørensen–Dice) are
/// relatives.
const RELATED: f32 = 0.8;

/// A runner-up replaces the best when the text holds this much more of its
/// own wording (share of its distinctive bigrams) than of the best's.
const MARGIN: f32 = 0.25;

/// A form's own wording is seen in a text that holds at least this share of
/// it.
const SEEN: f32 = 0.5;

/// Whether `base` is the license `variant` is named after, as the SPDX list
/// names variants (`BSD-3-Clause` of `BSD-3-Clause-HP`, `X11` of
/// `X11-swapped`, `OpenSSL` of `OpenSSL-standalone`).
fn is_base_of(base: &str, variant: &str) -> bool {
    variant.len() > base.len() + 1 && variant.starts_with(base) && variant.as_bytes()[base.len()] == b'-'
}

/// Sorted, distinct values.
pub(crate) fn distinct(sorted: &[u64]) -> Vec<u64> {
    let mut out = sorted.to_vec();
    out.dedup();
    out
}

/// The values of `a` not in `b` (both sorted and distinct).
fn minus(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j >= b.len() || b[j] != x {
            out.push(x);
        }
    }
    out
}

fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The share of `own` (a form's distinctive bigrams) that `text` holds; 1
/// when the form has none.
fn coverage(own: &[u64], text: &[u64]) -> f32 {
    if own.is_empty() {
        1.0
    } else {
        common(own, text) as f32 / own.len() as f32
    }
}

/// The candidate `text` (its distinct bigrams) is given among `best` and
/// its close relatives in `ranked`, with a note when it is not `best`.
pub(crate) fn tell_apart<'s>(
    text: &[u64],
    best: Candidate<'s>,
    ranked: &[Candidate<'s>],
) -> (Candidate<'s>, Option<String>) {
    let mut winner = best;
    let mut winner_set = distinct(best.bigrams);
    let mut note = None;
    for &other in ranked {
        if other.id == winner.id || other.score < best.score - WINDOW {
            continue;
        }
        let other_set = distinct(other.bigrams);
        let shared = common(&winner_set, &other_set);
        let dice = 2.0 * shared as f32 / (winner_set.len() + other_set.len()).max(1) as f32;
        if dice < RELATED {
            continue;
        }
        let winner_own = coverage(&minus(&winner_set, &other_set), text);
        let other_own = coverage(&minus(&other_set, &winner_set), text);
        let shows = other_own > winner_own + MARGIN;
        let neither = winner_own < SEEN && other_own < SEEN && is_base_of(other.id, winner.id);
        if shows || neither {
            let why = if shows {
                "holds more of its own wording"
            } else {
                "holds the own wording of neither, so the base"
            };
            note = Some(format!(
                "{} rather than its close relative {}: the text {why} ({:.0} % of what only {} has, {:.0} % of what only {} has)",
                other.id,
                winner.id,
                other_own * 100.0,
                other.id,
                winner_own * 100.0,
                winner.id
            ));
            winner = other;
            winner_set = other_set;
        }
    }
    (winner, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_helpers() {
        assert_eq!(minus(&[1, 2, 3, 5], &[2, 5, 7]), vec![1, 3]);
        assert_eq!(common(&[1, 2, 3, 5], &[2, 5, 7]), 2);
        assert_eq!(coverage(&[], &[1]), 1.0);
        assert_eq!(coverage(&[1, 2, 3, 4], &[2, 4, 9]), 0.5);
        assert_eq!(distinct(&[1, 1, 2, 3, 3]), vec![1, 2, 3]);
        assert!(is_base_of("BSD-3-Clause", "BSD-3-Clause-HP"));
        assert!(!is_base_of("BSD-3-Clause-HP", "BSD-3-Clause"));
        assert!(!is_base_of("Python-2.0", "Python-2.0.1"));
        assert!(!is_base_of("MIT", "MIT"));
    }
}
