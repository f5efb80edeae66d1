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

/// At most this many licenses are looked for in one text.
const MAX_SEGMENTS: usize = 3;

/// Every form of every license in `store`, best first: by score, then
/// identifier, then form.
pub(crate) fn rank<'s>(store: &'s Store, text: &TextData) -> Vec<Candidate<'s>> {
    let mut all = Vec::with_capacity(store.len() * 2);
    for (id, entry) in store.iter() {
        if is_superseded(id) {
            continue;
        }
        let forms = std::iter::once(("text", &entry.original))
            .chain(entry.alternates.iter().map(|d| ("alternate", d)))
            .chain(entry.headers.iter().map(|d| ("header", d)));
        for (form, data) in forms {
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
pub(crate) fn segments<'s>(store: &'s Store, text: &TextData, min_score: f32) -> Vec<Segment<'s>> {
    let mut found: Vec<Segment<'s>> = Vec::new();
    let mut rest = text.clone();
    while found.len() < MAX_SEGMENTS {
        let Some((located, segment)) = locate_best(store, &rest) else {
            break;
        };
        if segment.candidate.score < min_score {
            break;
        }
        rest = located.white_out();
        found.push(segment);
    }
    found.sort_by_key(|s| s.view);
    found
}

/// The best located license among the top-ranked ones of `text`.
fn locate_best<'s>(store: &'s Store, text: &TextData) -> Option<(TextData, Segment<'s>)> {
    let ranked = rank(store, text);
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
        let (located, score) = text.optimize_bounds(candidate.data);
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
