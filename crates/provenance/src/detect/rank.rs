//! Ranking the store's licenses against a text, and locating the licenses
//! a text holds.
//!
//! The `spdx` crate's own `Store::analyze` sorts candidates by score alone
//! over a hash map, so equal scores come out in a random order; here every
//! candidate is scored and sorted by score, then identifier, then form.

use std::cmp::Ordering;
use std::collections::HashMap;

use spdx::detection::{Store, TextData};
use xxhash_rust::xxh3::xxh3_64;

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
    /// The form's sorted bigram hashes, to find where it sits in a text.
    pub bigrams: &'s [u64],
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

/// The store with a compact copy of each form's word bigrams (64-bit
/// hashes, sorted), in the store's own iteration order (fixed for the life
/// of the store), made once when the store is loaded.
pub(crate) struct Sized {
    pub store: Store,
    bigrams: Vec<Box<[u64]>>,
    /// Bigram -> the forms holding it, with how many times each does.
    postings: HashMap<u64, Vec<(u32, u32)>>,
}

impl Sized {
    pub(crate) fn new(store: Store) -> Sized {
        // Whatever needs the store waits for it, so the forms' bigrams are
        // made on two threads (it is most of the work after the crate's
        // own loading).
        let all: Vec<&TextData> = store
            .iter()
            .flat_map(|(_, entry)| forms(entry).map(|(_, data)| data))
            .collect();
        let (first, second) = all.split_at(all.len() / 2);
        let bigrams: Vec<Box<[u64]>> = std::thread::scope(|scope| {
            let second = scope.spawn(|| second.iter().map(|data| bigrams(data)).collect::<Vec<_>>());
            let mut made: Vec<Box<[u64]>> = first.iter().map(|data| bigrams(data)).collect();
            made.extend(second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            made
        });
        let mut postings: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
        for (form_idx, set) in bigrams.iter().enumerate() {
            for (value, count) in runs(set) {
                postings.entry(value).or_default().push((form_idx as u32, count));
            }
        }
        Sized {
            store,
            bigrams,
            postings,
        }
    }
}

/// Each distinct value of a sorted slice with its count.
fn runs(sorted: &[u64]) -> impl Iterator<Item = (u64, u32)> + '_ {
    sorted.chunk_by(|a, b| a == b).map(|run| (run[0], run.len() as u32))
}

fn forms(entry: &spdx::detection::LicenseEntry) -> impl Iterator<Item = (&'static str, &TextData)> {
    std::iter::once(("text", &entry.original))
        .chain(entry.alternates.iter().map(|d| ("alternate", d)))
        .chain(entry.headers.iter().map(|d| ("header", d)))
}

/// The sorted multiset of word-bigram hashes of a text's normalised lines.
fn bigrams(data: &TextData) -> Box<[u64]> {
    line_bigrams(data.lines())
}

/// The sorted multiset of word-bigram hashes of normalised lines.
pub(crate) fn line_bigrams(lines: &[String]) -> Box<[u64]> {
    let words: Vec<u64> = lines
        .iter()
        .flat_map(|line| line.split_whitespace())
        .map(|word| xxh3_64(word.as_bytes()))
        .collect();
    let mut pairs: Vec<u64> = words.windows(2).map(|w| w[0].rotate_left(23) ^ w[1]).collect();
    pairs.sort_unstable();
    pairs.into_boxed_slice()
}

/// How many forms, best by the quick score, get the crate's own score.
const SHORTLIST: usize = 24;

/// The forms of the store's licenses most like `text`, best first: by the
/// `spdx` crate's score, then identifier, then form.
///
/// The crate scores a pair by looking up every bigram of one text in the
/// other's string-keyed hash map, which over some 660 forms is most of the
/// cost of detection. So every form is first scored quickly on our own
/// bigram hashes, all at once through an index of which forms hold each
/// bigram (the same Sørensen–Dice measure over the crate's
/// normalised lines, before its last normalisation step, so close to but not
/// equal to its score); the best `SHORTLIST` are then scored by the crate,
/// and only those are returned. Forms whose quick score is below `floor` are
/// left out (but never the best one).
pub(crate) fn rank<'s>(sized: &'s Sized, text: &TextData, floor: f32) -> Vec<Candidate<'s>> {
    let own = bigrams(text);
    // Shared bigrams (multiset intersection) with every form at once,
    // through the postings: each of the text's bigrams is looked up once.
    let mut common = vec![0u32; sized.bigrams.len()];
    for (value, count) in runs(&own) {
        if let Some(forms) = sized.postings.get(&value) {
            for &(form_idx, form_count) in forms {
                common[form_idx as usize] += count.min(form_count);
            }
        }
    }
    let mut quick: Vec<(f32, &'s str, &'static str, &'s TextData, &'s [u64])> = Vec::new();
    let mut form_idx = 0;
    for (id, entry) in sized.store.iter() {
        for (form, data) in forms(entry) {
            let theirs = &sized.bigrams[form_idx];
            let size = own.len() + theirs.len();
            let score = if size == 0 {
                0.0
            } else {
                2.0 * common[form_idx] as f32 / size as f32
            };
            if !is_superseded(id) {
                quick.push((score, id.as_str(), form, data, theirs));
            }
            form_idx += 1;
        }
    }
    quick.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.cmp(b.1))
            .then_with(|| form_rank(a.2).cmp(&form_rank(b.2)))
    });
    quick.truncate(SHORTLIST);
    let best_quick = quick.first().map_or(0.0, |q| q.0);
    let mut all: Vec<Candidate<'s>> = quick
        .into_iter()
        .filter(|q| q.0 >= floor || q.0 == best_quick)
        .map(|(_, id, form, data, bigrams)| Candidate {
            id,
            form,
            score: data.match_score(text),
            data,
            bigrams,
        })
        .collect();
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
        // On a text much longer than the form, the crate's bound search
        // re-reads a long view at each of its dozens of steps; the same
        // search is done on our bigram hashes instead (see `window`) and
        // the crate scores the chosen lines once.
        let (located, score) = match window(text, candidate.bigrams) {
            Some((start, end)) => {
                let located = text.with_view(start, end);
                let score = located.match_score(candidate.data);
                (located, score)
            }
            None => text.optimize_bounds(candidate.data),
        };
        // The whole view is a window too: a search can end below it (seen:
        // a GPL notice scoring 0.86 whole).
        let (located, score) = if score >= candidate.score {
            (located, score)
        } else {
            (text.clone(), candidate.score)
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

/// Where in `text`'s view (absolute line numbers) a form with these
/// bigrams fits best: the lines that maximise the Sørensen–Dice estimate
/// 2·hits / (words + form words), hits being the text's bigrams found in the
/// form. This is the crate's `optimize_bounds` done on our hashes: it starts
/// from the run of lines with the most hits within a quarter more words than
/// the form, then tries every start and end near it. `None` when the text
/// is not half as long again as the form: the crate's own search is cheap.
fn window(text: &TextData, form_bigrams: &[u64]) -> Option<(usize, usize)> {
    let form_words = form_bigrams.len() + 1;
    let lines = text.lines();
    let mut words_per_line = Vec::with_capacity(lines.len());
    let mut hits_per_line = Vec::with_capacity(lines.len());
    let mut previous: Option<u64> = None;
    for line in lines {
        let (mut words, mut hits) = (0usize, 0usize);
        for word in line.split_whitespace() {
            let hash = xxh3_64(word.as_bytes());
            if let Some(before) = previous {
                hits += usize::from(form_bigrams.binary_search(&(before.rotate_left(23) ^ hash)).is_ok());
            }
            previous = Some(hash);
            words += 1;
        }
        words_per_line.push(words);
        hits_per_line.push(hits);
    }
    let total: usize = words_per_line.iter().sum();
    if total * 2 <= form_words * 3 {
        return None;
    }
    let budget = form_words + form_words / 4 + 8;
    let (mut rough, mut best_hits) = ((0, 0), 0);
    let (mut start, mut words, mut hits) = (0, 0, 0);
    for end in 0..lines.len() {
        words += words_per_line[end];
        hits += hits_per_line[end];
        while words > budget && start < end {
            words -= words_per_line[start];
            hits -= hits_per_line[start];
            start += 1;
        }
        if hits > best_hits {
            (rough, best_hits) = ((start, end + 1), hits);
        }
    }
    if best_hits == 0 {
        return None;
    }
    let (from, to) = best_bounds(rough, &words_per_line, &hits_per_line, form_words);
    let view_start = text.lines_view().0;
    Some((view_start + from, view_start + to))
}

/// The bounds near `rough` (every start and end within `BAND` lines of it)
/// with the best Dice estimate; the shortest on ties.
fn best_bounds(rough: (usize, usize), words: &[usize], hits: &[usize], form_words: usize) -> (usize, usize) {
    const BAND: usize = 60;
    let prefix = |values: &[usize]| {
        let mut sums = vec![0usize; values.len() + 1];
        for (i, v) in values.iter().enumerate() {
            sums[i + 1] = sums[i] + v;
        }
        sums
    };
    let (w, h) = (prefix(words), prefix(hits));
    let n = words.len();
    let mut best = (rough, -1.0f64);
    for start in rough.0.saturating_sub(BAND)..=(rough.0 + BAND).min(n - 1) {
        for end in (rough.1.saturating_sub(BAND)).max(start + 1)..=(rough.1 + BAND).min(n) {
            // A form bigram found twice (a license text repeated in one
            // file) counts once: Dice's common part is at most the form.
            let common = (h[end] - h[start]).min(form_words - 1);
            let score = 2.0 * common as f64 / ((w[end] - w[start]) + form_words) as f64;
            if score > best.1 {
                best = ((start, end), score);
            }
        }
    }
    // A form's first word only counts in the bigram ending on the next
    // line: keep the line before the first hit when it holds none.
    let (start, end) = best.0;
    (
        start.saturating_sub(usize::from(start > 0 && hits[start - 1] == 0)),
        end,
    )
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
