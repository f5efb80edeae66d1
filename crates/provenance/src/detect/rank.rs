//! Ranking the store's licenses against a text, and locating the licenses
//! a text holds.
//!
//! The `spdx` crate's own `Store::analyze` sorts candidates by score alone
//! over a hash map, so equal scores come out in a random order; here every
//! candidate is scored and sorted by score, then identifier, then form.

use std::cmp::Ordering;

use spdx::detection::{Store, TextData};

/// One form of one store license, scored against a text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate<'s> {
    /// The store's name for the license.
    pub id: &'s str,
    /// `text`, `alternate` or `header`.
    pub form: &'static str,
    /// The Sørensen–Dice score of the two texts' word bigrams.
    pub score: f32,
    /// The form's match data, to locate it in a longer text.
    pub data: &'s TextData,
}

/// A license found in part of a text.
#[derive(Clone, Debug)]
pub(crate) struct Segment<'s> {
    /// The best candidate for the part.
    pub candidate: Candidate<'s>,
    /// The 0-based half-open line range of the part.
    pub view: (usize, usize),
}

/// How many of the best-ranked licenses are located in a text: the best
/// whole-text score is not always the best located one (a text holding MIT
/// and a longer BSD text ranks BSD variants first).
const LOCATE_TOP: usize = 3;

/// The store with the size of each form, in words, in the store's own
/// iteration order (fixed for the life of the store), measured once.
pub(crate) struct Sized {
    pub store: Store,
    words: Vec<u32>,
}

impl Sized {
    pub(crate) fn new(store: Store) -> Sized {
        let words = store
            .iter()
            .flat_map(|(_, entry)| forms(entry).map(|(_, data)| words(data)))
            .collect();
        Sized { store, words }
    }
}

fn forms(entry: &spdx::detection::LicenseEntry) -> impl Iterator<Item = (&'static str, &TextData)> {
    std::iter::once(("text", &entry.original))
        .chain(entry.alternates.iter().map(|d| ("alternate", d)))
        .chain(entry.headers.iter().map(|d| ("header", d)))
}

fn words(data: &TextData) -> u32 {
    data.lines().iter().map(|l| l.split_whitespace().count() as u32).sum()
}

/// Every form of every license in the store, best first: by score, then
/// identifier, then form.
///
/// Forms that cannot reach `floor` are not scored: the Sørensen–Dice score
/// of two bigram multisets of sizes a and b is at most 2·min(a, b)/(a + b),
/// so a 100-word notice is never compared with the 5,000 words of the GPL.
/// Sizes are counted in normalised words, close to but not exactly the
/// bigrams the crate counts, so the bound is loosened by `SLACK`.
pub(crate) fn rank<'s>(sized: &'s Sized, text: &TextData, floor: f32) -> Vec<Candidate<'s>> {
    const SLACK: f32 = 0.05;
    let own = words(text) as f32;
    let mut sizes = sized.words.iter();
    let mut all = Vec::with_capacity(sized.words.len());
    for (id, entry) in sized.store.iter() {
        for (form, data) in forms(entry) {
            let theirs = *sizes.next().expect("one size per form") as f32;
            if is_superseded(id) {
                continue;
            }
            let bound = if own + theirs > 0.0 {
                2.0 * own.min(theirs) / (own + theirs)
            } else {
                1.0
            };
            // A form whose lines were not kept (size 0) is always scored.
            if theirs > 0.0 && bound + SLACK < floor {
                continue;
            }
            all.push(Candidate {
                id: id.as_str(),
                form,
                score: data.match_score(text),
                data,
            });
        }
    }
    all.sort_by(better_first);
    all
}

/// Store entries kept under deprecated names next to their replacements:
/// `GPL-2.0+` duplicates `GPL-2.0-or-later`, and `GPL-2.0-with-...-exception`
/// texts are found here as a license plus an exception. Ranking them would
/// only turn up deprecated identifiers.
fn is_superseded(id: &str) -> bool {
    id.ends_with('+') || id.contains("-with-")
}

fn better_first(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.id.cmp(b.id))
        .then_with(|| form_rank(a.form).cmp(&form_rank(b.form)))
}

fn form_rank(form: &str) -> u8 {
    match form {
        "text" => 0,
        "alternate" => 1,
        _ => 2,
    }
}

/// The licenses held in `text`, in line order, each scoring at least
/// `min_score` over its own lines. Each round locates the best few ranked
/// licenses, keeps the best located one and blanks its lines for the next.
pub(crate) fn segments<'s>(
    sized: &'s Sized,
    text: &TextData,
    ranked: Vec<Candidate<'s>>,
    limits: Limits,
) -> Vec<Segment<'s>> {
    let mut found: Vec<Segment<'s>> = Vec::new();
    let mut rest = text.clone();
    // The first round reuses the ranking the caller already made.
    let mut ranked = Some(ranked);
    while found.len() < limits.max_segments {
        let ranking = ranked.take().unwrap_or_else(|| rank(sized, &rest, limits.floor));
        let Some((located, segment)) = locate_best(&rest, ranking) else {
            break;
        };
        if segment.candidate.score < limits.min_score {
            break;
        }
        rest = located.white_out();
        found.push(segment);
    }
    found.sort_by_key(|s| s.view);
    found
}

/// How hard [`segments`] looks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// A located license must score this much over its own lines.
    pub min_score: f32,
    /// At most this many licenses.
    pub max_segments: usize,
    /// Forms that cannot reach this whole-text score are not ranked.
    pub floor: f32,
}

/// The best located license among the top-ranked ones of `text`.
fn locate_best<'s>(text: &TextData, ranked: Vec<Candidate<'s>>) -> Option<(TextData, Segment<'s>)> {
    let mut best: Option<(TextData, Segment<'s>)> = None;
    let mut seen: Vec<&str> = Vec::new();
    for candidate in ranked {
        if seen.len() == LOCATE_TOP {
            break;
        }
        if candidate.score <= 0.0 || seen.contains(&candidate.id) {
            continue;
        }
        seen.push(candidate.id);
        // The whole text is a window too: the crate's search for the best
        // one can end below it (seen: a GPL notice scoring 0.86 whole).
        let (located, score) = match text.optimize_bounds(candidate.data) {
            (located, score) if score >= candidate.score => (located, score),
            _ => (text.clone(), candidate.score),
        };
        let segment = Segment {
            candidate: Candidate { score, ..candidate },
            view: trimmed_view(&located),
        };
        let better = best
            .as_ref()
            .is_none_or(|(_, b)| better_first(&segment.candidate, &b.candidate) == Ordering::Less);
        if better {
            best = Some((located, segment));
        }
    }
    best
}

/// The view of `located` without its leading and trailing blank lines,
/// which include the lines of licenses found before and blanked.
fn trimmed_view(located: &TextData) -> (usize, usize) {
    let (start, end) = located.lines_view();
    let lines = located.lines();
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return (start, start);
    };
    let last = lines.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(first);
    (start + first, (start + last + 1).min(end))
}
