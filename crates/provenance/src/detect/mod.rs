//! License detection in license files and in notices at the top of source
//! files.
//!
//! A text is tried, in order, as an SPDX expression on its own, as a short
//! pointer sentence naming licenses ("Licensed under either of ..."), then
//! against the `spdx` crate's license store. A store match is corrected by
//! [`refine`] (Pixar against Apache-2.0, GNU `-only` against `-or-later`,
//! exceptions), and a text holding several licenses is split into them: the
//! answer names each distinct one, with `OR` when the words around them
//! offer a choice and `AND` otherwise, and the note gives each one's lines.

mod pointer;
mod prepare;
mod rank;
mod refine;
mod relatives;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Mutex, OnceLock};

use spdx::detection::{Store, TextData};

use crate::canonical::canonical_expression;
use crate::{Error, Result};
use prepare::{cache_key, content_lines, content_span, prepare};
use rank::{Candidate, Limits, Segment, Sized, rank, segments};

pub use pointer::pointer_path;

/// A license found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Detected {
    /// The canonical SPDX expression, e.g. `MIT`, `Apache-2.0 OR MIT`,
    /// `Apache-2.0 WITH LLVM-exception`.
    pub expression: String,
    /// How well the text matched, 0 to 1; 1 for expressions and pointer
    /// sentences, which are read rather than compared.
    pub score: f32,
    /// How it was found:
    /// - `expression`: the text is an SPDX expression, optionally after
    ///   `SPDX-License-Identifier:`;
    /// - `pointer`: a sentence naming licenses ("Licensed under the MIT
    ///   license");
    /// - `text`: the license's full text;
    /// - `alternate`: an alternate form of the full text in the store;
    /// - `header`: the license's standard notice ("Licensed under the Apache
    ///   License, Version 2.0 ...").
    pub form: &'static str,
    /// The 1-based inclusive lines of the given text that matched.
    pub lines: (u32, u32),
    /// What a reader should know about the answer: other licenses in the
    /// text, or why a variant was chosen.
    pub note: Option<String>,
    /// License families a pointer sentence offers as alternatives without
    /// naming the member (`BSD` for "the BSD License"): not in
    /// `expression`; the license files beside the text may say which.
    pub families: Vec<String>,
}

/// The version of the SPDX license list that the `spdx` crate's identifiers
/// come from, for the run's manifest.
///
/// ```
/// assert!(corpusledger_provenance::spdx_list_version().starts_with("3."));
/// ```
pub fn spdx_list_version() -> &'static str {
    spdx::license_version()
}

/// Whole-text scores from here on are one license with nothing else of
/// substance around it: the text is not split.
const WHOLE_TEXT_SCORE: f32 = 0.95;

/// A full-text match this good is not re-read as a pointer sentence.
const STRONG_TEXT_SCORE: f32 = 0.9;

/// A text whose best whole-text score is at least this, and which also
/// holds a pointer sentence, is searched for license texts beside it.
const POINTER_WITH_TEXT_SCORE: f32 = 0.5;

/// Texts longer than this are not pointer sentences.
const POINTER_MAX_BYTES: usize = 4000;

/// A license file whose licenses cover less than this share of its lines is
/// mostly something else (a README): it is not detected.
const MIN_COVERAGE: f32 = 0.5;

/// ... unless what it holds is one license's standard notice matched at
/// least this well.
const NOTICE_FILE_SCORE: f32 = 0.95;

/// What a text is, which changes what is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    /// A license file.
    File,
    /// The first comment block of a source file.
    Notice,
}

type Cache = HashMap<(Kind, u64), Option<Detected>>;

/// License detection over the `spdx` crate's bundled store, loaded on first
/// use. Deterministic: candidates are ranked by score, then identifier. Each
/// distinct text (after copyright lines, whitespace and case are folded
/// away) is analysed once; the cache is shared by all threads.
///
/// ```
/// use corpusledger_provenance::Detector;
/// let detector = Detector::new(0.8);
/// let found = detector.detect("SPDX-License-Identifier: MIT OR Apache-2.0\n").unwrap().unwrap();
/// assert_eq!(found.expression, "MIT OR Apache-2.0");
/// assert_eq!(found.form, "expression");
/// let found = detector.detect("This crate is dual-licensed under MIT and Apache 2.0.").unwrap().unwrap();
/// assert_eq!(found.expression, "Apache-2.0 OR MIT");
/// ```
pub struct Detector {
    store: OnceLock<std::result::Result<Sized, String>>,
    /// Set when [`Detector::preload`] starts.
    preloading: AtomicBool,
    cache: Mutex<Cache>,
    min_score: f32,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector").field("min_score", &self.min_score).finish()
    }
}

impl Detector {
    /// A detector that accepts matches scoring at least `min_score`.
    pub fn new(min_score: f32) -> Detector {
        Detector {
            store: OnceLock::new(),
            preloading: AtomicBool::new(false),
            cache: Mutex::new(HashMap::new()),
            min_score,
        }
    }

    /// Loads the license store now (it takes about a second), so that a
    /// caller can do it on another thread while it does other work.
    pub fn preload(&self) -> Result<()> {
        self.preloading.store(true, AtomicOrdering::Release);
        self.store().map(|_| ())
    }

    /// Whether [`Detector::preload`] has started and not yet finished: a
    /// caller that would wait for the store can do other work first.
    pub fn loading(&self) -> bool {
        self.preloading.load(AtomicOrdering::Acquire) && self.store.get().is_none()
    }

    fn store(&self) -> Result<&Sized> {
        self.store
            .get_or_init(|| Store::load_inline().map(Sized::new).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Store(e.clone()))
    }

    /// The license of a license file's text, or `None` when nothing scores
    /// at least the threshold.
    ///
    /// Copyright lines are left out before matching: they name the holder,
    /// not the license, and without them the many copies of one license
    /// text that differ only in holder are analysed once.
    pub fn detect(&self, text: &str) -> Result<Option<Detected>> {
        self.cached(Kind::File, text)
    }

    /// The license named by a notice: the first comment block of a source
    /// file, comment markers already stripped (see
    /// [`first_comment_block`](crate::first_comment_block)). Blocks that do
    /// not mention a license, a copyright or free software cost nothing.
    ///
    /// ```
    /// use corpusledger_provenance::Detector;
    /// let detector = Detector::new(0.8);
    /// let found = detector.detect_notice("Licensed under the MIT license.").unwrap().unwrap();
    /// assert_eq!(found.expression, "MIT");
    /// assert_eq!(detector.detect_notice("Parses the config file.").unwrap(), None);
    /// ```
    pub fn detect_notice(&self, block: &str) -> Result<Option<Detected>> {
        if !mentions_license(block) {
            return Ok(None);
        }
        self.cached(Kind::Notice, block)
    }

    fn cached(&self, kind: Kind, text: &str) -> Result<Option<Detected>> {
        let prepared = prepare(text);
        let key = (kind, cache_key(&prepared));
        if let Some(hit) = self.lock().get(&key) {
            return Ok(hit.clone());
        }
        let found = self.analyze(kind, &prepared)?;
        self.lock().insert(key, found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn analyze(&self, kind: Kind, text: &str) -> Result<Option<Detected>> {
        if let Some(found) = expression_only(text) {
            return Ok(Some(found));
        }
        if kind == Kind::File {
            if let Some(found) = lesser_gpl_3(text) {
                return Ok(Some(found));
            }
        }
        let sized = self.store()?;
        let data = TextData::new(text);
        let limits = match kind {
            // A license file may hold a few licenses, each a fair share of
            // its lines (it must be mostly licenses, see `covers_most`).
            Kind::File => Limits {
                min_score: self.min_score,
                max_segments: 3,
                floor: 0.25,
            },
            // A notice is one license's notice or short text, with a few
            // lines around it: only forms of about its size can match.
            Kind::Notice => Limits {
                min_score: self.min_score,
                max_segments: 1,
                floor: 0.5,
            },
        };
        let ranked = rank(sized, &data, limits.floor);
        let Some(&best) = ranked.first() else {
            return Ok(None);
        };
        let strong = best.form != "header" && best.score >= STRONG_TEXT_SCORE;
        if !strong && text.len() <= POINTER_MAX_BYTES {
            if let Some(found) = pointer::pointer(text) {
                let pointed = from_pointer(found);
                // A license file may hold a license's text and a sentence
                // naming another ("Alternatively, ... under the terms of the
                // GNU General Public License"): both are its licenses.
                // Only worth locating when a license text makes a fair part
                // of the file: a pointer file alone scores low against all.
                if kind == Kind::File && best.form != "header" && best.score >= POINTER_WITH_TEXT_SCORE {
                    let texts = segments(sized, &data, ranked.clone(), limits);
                    let combined = self.with_texts(text, &data, &pointed, &texts);
                    return Ok(Some(combined.unwrap_or(pointed)));
                }
                return Ok(Some(pointed));
            }
        }
        let found = if best.score >= WHOLE_TEXT_SCORE {
            let whole = Segment {
                candidate: best,
                view: (0, text.lines().count()),
            };
            vec![whole]
        } else {
            segments(sized, &data, ranked.clone(), limits)
        };
        if kind == Kind::File && !covers_most(text, &found) {
            // A license file whose license part is one standard notice
            // (MPL-2.0's Exhibit A under a description of what the package
            // holds) names its license as surely as a full text would.
            return Ok(match found.as_slice() {
                [notice] if notice.candidate.form == "header" && notice.candidate.score >= NOTICE_FILE_SCORE => {
                    let said = "the file's license part is this license's standard notice; the rest is other text";
                    self.decide(text, &data, &ranked, &found)
                        .map(|detected| noted_first(detected, Some(said.to_owned())))
                }
                _ => None,
            });
        }
        // A sentence outside the licenses' own wording offering another
        // license ("Alternatively, this software may be distributed under
        // the terms of the GNU General Public License"): its license too.
        // Only one offered as a choice: a sentence that names a license in
        // passing ("a liberal license, similar to the BSD or MIT licenses")
        // grants nothing.
        if kind == Kind::File {
            let foreign = foreign_lines(&data, &found);
            let pointed = outside_licenses(text, &foreign)
                .filter(|rest| {
                    rest.len() <= POINTER_MAX_BYTES
                        && offers_choice(text, &foreign)
                        && !refine::has_exception_text(text)
                })
                .and_then(|rest| pointer::pointer(&rest));
            if let Some(combined) = pointed.and_then(|p| self.with_texts(text, &data, &from_pointer(p), &found)) {
                return Ok(Some(combined));
            }
        }
        // One license: told apart from its close relatives by their own
        // wording in the lines it was found in.
        let (found, relative) = match found.as_slice() {
            [one] => {
                let lines = data.lines();
                let view = lines.get(one.view.0..one.view.1).unwrap_or(lines);
                let own = relatives::distinct(&rank::line_bigrams(view));
                let (candidate, note) = relatives::tell_apart(&own, one.candidate, &ranked);
                (
                    vec![Segment {
                        candidate,
                        view: one.view,
                    }],
                    note,
                )
            }
            _ => (found, None),
        };
        Ok(self
            .decide(text, &data, &ranked, &found)
            .map(|detected| noted_first(detected, relative)))
    }

    /// The answer from the licenses found in `text`. One license (or several
    /// copies of one): that license, refined. Several distinct licenses: an
    /// `OR` of them when the text around them offers a choice ("either",
    /// "at your option", "choose whichever", "alternatively"), else an
    /// `AND` (each applies, as to a project that bundles code under
    /// another license), each named with its lines in the note.
    fn decide(&self, text: &str, data: &TextData, ranked: &[Candidate<'_>], found: &[Segment<'_>]) -> Option<Detected> {
        let (main, others) = found.split_first()?;
        let (license, score, mut notes) = refined(main, text, ranked);
        let (expression, exception) = refine::with_exception(&license, text);
        if let Some(exception) = exception {
            notes.push(format!("{exception} recognised by its wording"));
        }
        let expression = match refine::stated_alternative(&expression, text) {
            Some((alternative, note)) => {
                notes.push(note.to_owned());
                either(&expression, alternative)
            }
            None => expression,
        };
        let main_lines = content_span(text, main.view)?;
        // Each other license, read from its own lines; a second copy of a
        // license already found adds nothing.
        let mut parts: Vec<(String, (u32, u32), f32)> = Vec::new();
        for (n, segment) in found.iter().enumerate() {
            // A part written in another license's own words is that
            // license's text, which the locating cut short (the second half
            // of PostgreSQL's text read as MIT's): not a license of its own.
            if found.iter().enumerate().any(|(m, other)| {
                m != n && other.candidate.id != segment.candidate.id && worded_by(data, segment, other)
            }) {
                continue;
            }
            let own = lines_of(text, segment.view);
            let (id, _) = part_identifier(segment.candidate.id, &own, text);
            // An exception or a stated alternative is often written just
            // outside the license's own lines: they are read in the whole
            // text, and name the licenses they apply to.
            let (part, _) = refine::with_exception(&id, text);
            let part = match refine::stated_alternative(&part, text) {
                Some((alternative, _)) => either(&part, alternative),
                None => part,
            };
            let Some(lines) = content_span(text, segment.view) else {
                continue;
            };
            // Two GNU parts of one version differ only by the `-only` or
            // `-or-later` each was read with from its own lines: one license.
            if !parts.iter().any(|(p, _, _)| gnu_base(p) == gnu_base(&part)) {
                parts.push((part, lines, segment.candidate.score));
            }
        }
        let combined = combine_known(&mut parts);
        // Licenses located partly over each other's lines were not told
        // apart: the first is the answer and the others are noted, as they
        // were found. (One located over the whole file, around the others,
        // is the usual case of a license found first in a file of several:
        // each is still one of its licenses.)
        let overlap = |a: (u32, u32), b: (u32, u32)| a.0 <= b.1 && b.0 <= a.1;
        let contains = |a: (u32, u32), b: (u32, u32)| a.0 <= b.0 && b.1 <= a.1;
        let tangled = parts.iter().enumerate().any(|(i, a)| {
            parts[i + 1..]
                .iter()
                .any(|b| overlap(a.1, b.1) && !contains(a.1, b.1) && !contains(b.1, a.1))
        });
        if tangled {
            for (part, (from, to), _) in parts.iter().skip(1) {
                notes.push(format!("also holds the {part} license at lines {from}-{to}"));
            }
        }
        let (expression, score, lines, form) = if others.is_empty() || tangled || (parts.len() < 2 && !combined) {
            // One license, or copies of one.
            (expression, score, main_lines, main.candidate.form)
        } else if let [(one, lines, one_score)] = parts.as_slice() {
            // Parts that make one license.
            notes.push(format!(
                "{one}: its parts found together at lines {}-{}",
                lines.0, lines.1
            ));
            (one.clone(), score.min(*one_score), *lines, main.candidate.form)
        } else {
            let choice = offers_choice(text, &foreign_lines(data, found));
            let expression = join(parts.iter().map(|(p, _, _)| p.as_str()), choice);
            let each = parts
                .iter()
                .map(|(p, (from, to), _)| format!("{p} at lines {from}-{to}"));
            notes.push(several(choice, each));
            let score = parts.iter().map(|(_, _, s)| *s).fold(score, f32::min);
            let from = parts.iter().map(|(_, l, _)| l.0).min().unwrap_or(main_lines.0);
            let to = parts.iter().map(|(_, l, _)| l.1).max().unwrap_or(main_lines.1);
            (expression, score, (from, to), main.candidate.form)
        };
        let detected = Detected {
            expression,
            score,
            form,
            lines,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            families: Vec::new(),
        };
        (detected.score >= self.min_score).then_some(detected)
    }
}

impl Detector {
    /// A pointer sentence's licenses and those whose texts were found
    /// elsewhere in the file (outside the sentence's lines, scoring at least
    /// the threshold): one expression, `OR` when the lines around the texts
    /// offer a choice, else `AND`. `None` when the texts add no license.
    fn with_texts(&self, text: &str, data: &TextData, pointed: &Detected, texts: &[Segment<'_>]) -> Option<Detected> {
        let named: Vec<&str> = pointed.expression.split(" OR ").collect();
        let mut extra: Vec<(String, (u32, u32), f32)> = Vec::new();
        for segment in texts {
            let Some(lines) = content_span(text, segment.view) else {
                continue;
            };
            // The sentence within the license's lines is still apart from it
            // when it is not the license's wording ("ALTERNATIVELY, ..."
            // between a BSD text's conditions and its disclaimer).
            let foreign = foreign_lines(data, std::slice::from_ref(segment));
            let overlaps = lines.0 <= pointed.lines.1
                && pointed.lines.0 <= lines.1
                && (pointed.lines.0..=pointed.lines.1)
                    .any(|l| !foreign.get((l as usize).saturating_sub(1)).copied().unwrap_or(true));
            let (id, _) = part_identifier(segment.candidate.id, &lines_of(text, segment.view), text);
            if overlaps || segment.candidate.score < self.min_score || named.contains(&id.as_str()) {
                continue;
            }
            if !extra.iter().any(|(e, _, _)| *e == id) {
                extra.push((id, lines, segment.candidate.score));
            }
        }
        if extra.is_empty() || pointed.expression.starts_with("LicenseRef-") {
            return None;
        }
        let choice = offers_choice(text, &foreign_lines(data, texts));
        let expression = join(
            extra
                .iter()
                .map(|(id, _, _)| id.as_str())
                .chain(std::iter::once(pointed.expression.as_str())),
            choice,
        );
        let each = extra
            .iter()
            .map(|(id, (from, to), _)| format!("{id} by its text at lines {from}-{to}"))
            .chain(std::iter::once(format!(
                "{} named at lines {}-{}",
                pointed.expression, pointed.lines.0, pointed.lines.1
            )));
        let note = several(choice, each);
        Some(Detected {
            expression,
            score: extra.iter().map(|(_, _, s)| *s).fold(pointed.score, f32::min),
            form: pointed.form,
            lines: (
                extra.iter().map(|(_, l, _)| l.0).fold(pointed.lines.0, u32::min),
                extra.iter().map(|(_, l, _)| l.1).fold(pointed.lines.1, u32::max),
            ),
            note: Some(match &pointed.note {
                Some(before) => format!("{note}; {before}"),
                None => note,
            }),
            families: pointed.families.clone(),
        })
    }
}

/// Whether most of the word pairs of `segment`'s lines are in `other`'s
/// own text (and `segment` is not the larger of the two located).
fn worded_by(data: &TextData, segment: &Segment<'_>, other: &Segment<'_>) -> bool {
    const OWN_WORDING: f32 = 0.8;
    let lines = data.lines();
    let Some(view) = lines.get(segment.view.0..segment.view.1) else {
        return false;
    };
    let larger = |s: &Segment<'_>| s.view.1 - s.view.0;
    if larger(segment) > larger(other) {
        return false;
    }
    let pairs = rank::line_bigrams(view);
    let hits = pairs
        .iter()
        .filter(|p| other.candidate.bigrams.binary_search(p).is_ok())
        .count();
    !pairs.is_empty() && hits as f32 >= OWN_WORDING * pairs.len() as f32
}

/// Licenses whose texts, found together, are one SPDX license: the OpenSSL
/// License followed by the original SSLeay License is `OpenSSL`.
const COMBINED: &[(&[&str], &str)] = &[(&["OpenSSL-standalone", "SSLeay-standalone"], "OpenSSL")];

/// Replaces the parts of a [`COMBINED`] license by it, at the first one's
/// place and lines through the last one's; whether any was.
fn combine_known(parts: &mut Vec<(String, (u32, u32), f32)>) -> bool {
    let mut any = false;
    for (members, combined) in COMBINED {
        let at: Vec<usize> = members
            .iter()
            .filter_map(|m| parts.iter().position(|(p, _, _)| p == m))
            .collect();
        if at.len() != members.len() {
            continue;
        }
        let from = at.iter().map(|&i| parts[i].1.0).min().unwrap_or(0);
        let to = at.iter().map(|&i| parts[i].1.1).max().unwrap_or(0);
        let score = at.iter().map(|&i| parts[i].2).fold(1.0, f32::min);
        let first = *at.iter().min().expect("members");
        parts[first] = ((*combined).to_owned(), (from, to), score);
        let mut drop: Vec<usize> = at.into_iter().filter(|&i| i != first).collect();
        drop.sort_unstable_by(|a, b| b.cmp(a));
        for i in drop {
            parts.remove(i);
        }
        any = true;
    }
    any
}

/// The identifier of one of several licenses of a file, refined on its own
/// lines; a GNU license's `-only` or `-or-later` on the whole file, as its
/// notice ("or (at your option) any later version") is usually outside the
/// license text.
fn part_identifier(id: &str, own: &str, text: &str) -> (String, Option<String>) {
    if gnu_base(id) != id {
        refine::identifier(id, text)
    } else {
        refine::identifier(id, own)
    }
}

/// A GNU id without `-only` or `-or-later`; any other id as it is.
fn gnu_base(id: &str) -> &str {
    id.strip_suffix("-or-later")
        .or_else(|| id.strip_suffix("-only"))
        .unwrap_or(id)
}

/// The licenses of a file as one expression: `OR` between them when the
/// file offers a choice (an alternative's own `OR` flattened into it), else
/// `AND` (an alternative kept whole, in parentheses); in the order of their
/// ids, each once.
fn join<'a>(licenses: impl Iterator<Item = &'a str>, choice: bool) -> String {
    let mut ids: Vec<String> = licenses
        .flat_map(|l| match (choice, l.contains(" OR ")) {
            (true, _) => l.split(" OR ").map(str::to_owned).collect(),
            (false, true) => vec![format!("({l})")],
            (false, false) => vec![l.to_owned()],
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let joined = ids.join(if choice { " OR " } else { " AND " });
    canonical_expression(&joined).unwrap_or(joined)
}

/// The note on a file's several licenses, `each` saying where each is.
fn several(choice: bool, each: impl Iterator<Item = String>) -> String {
    let what = if choice {
        "a choice of licenses, the text around them offering it"
    } else {
        "several licenses, each applying"
    };
    format!("{what}: {}", each.collect::<Vec<_>>().join(", "))
}

/// `a OR b`, the two in the order of their ids.
fn either(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("{first} OR {second}")
}

/// Words that, in the lines of a license file outside the licenses found
/// in it, offer a choice between them ("available under 2 licenses --
/// choose whichever you prefer", "ALTERNATIVELY, this product may be
/// distributed under the terms of the GNU GPL"). Inside a license's own
/// text they mean something else (the GPL's "at your option, any later
/// version"), so only the lines around the licenses are read.
const CHOICE_CUES: &[&str] = &[
    "under either",
    "either of",
    "at your option",
    "at your choice",
    "dual licensed",
    "choose",
    "chosen",
    "whichever",
    "alternatively",
    "alternative",
    "one of the following",
    "instead of",
    "you may select",
];

/// The GNU licenses' own version offer ("either version 2 of the License,
/// or (at your option) any later version"), in a notice outside the
/// license text: a choice of versions, not of licenses.
const GNU_VERSION_OFFERS: &[&str] = &[
    "either version",
    "at your option any later version",
    "at your option later version",
];

/// For each line of `data` (the normalised lines the segments index),
/// whether it is none of the licenses found: a line is a license's when it
/// lies in the license's lines and most of its word pairs are in the
/// license's own text. A located license's lines can run over a preamble
/// ("any one of the three licenses that follow, at your option") or a
/// closing sentence ("Alternatively, ... the GNU General Public License")
/// that is not its wording.
fn foreign_lines(data: &TextData, found: &[Segment<'_>]) -> Vec<bool> {
    data.lines()
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let pairs = rank::line_bigrams(std::slice::from_ref(line));
            !found.iter().any(|s| {
                (s.view.0..s.view.1).contains(&n) && {
                    let hits = pairs
                        .iter()
                        .filter(|p| s.candidate.bigrams.binary_search(p).is_ok())
                        .count();
                    pairs.is_empty() || 2 * hits >= pairs.len()
                }
            })
        })
        .collect()
}

/// `text` with the lines of the licenses found blanked, so that line
/// numbers still count from its start; `None` when nothing else is left.
fn outside_licenses(text: &str, foreign: &[bool]) -> Option<String> {
    let mut any = false;
    let rest = text
        .lines()
        .enumerate()
        .map(|(n, line)| match foreign.get(n).copied().unwrap_or(true) {
            true => {
                any |= !line.trim().is_empty();
                line
            }
            false => "",
        })
        .collect::<Vec<_>>()
        .join("\n");
    any.then_some(rest)
}

/// Whether the lines of `text` that are none of the licenses found
/// (`foreign`, from [`foreign_lines`]) offer a choice: one of [`CHOICE_CUES`] as whole words,
/// once the GNU version offers are taken out.
fn offers_choice(text: &str, foreign: &[bool]) -> bool {
    let around = outside_licenses(text, foreign).unwrap_or_default();
    let mut words = format!(" {} ", refine::words(&around).join(" "));
    for offer in GNU_VERSION_OFFERS {
        words = words.replace(&format!(" {offer} "), " ");
    }
    CHOICE_CUES.iter().any(|cue| words.contains(&format!(" {cue} ")))
}

/// The identifier and score to report for a segment, with notes.
fn refined(segment: &Segment<'_>, text: &str, ranked: &[Candidate<'_>]) -> (String, f32, Vec<String>) {
    let id = segment.candidate.id;
    let (refined, note) = refine::identifier(id, text);
    let mut score = segment.candidate.score;
    let whole_text = segment.view == (0, text.lines().count());
    if whole_text
        && refine::variant_base(id).is_some_and(|base| refined.starts_with(base.trim_end_matches("-or-later")))
    {
        // The variant's score was for the variant's text: report how well
        // the base license's own text matched the whole text. (For a license
        // located in part of a file, only the variant's located score is
        // known, and it is kept.)
        score = ranked.iter().find(|c| c.id == refined).map_or(score, |c| c.score);
    }
    (refined, score, note.into_iter().collect())
}

/// `detected` with `note` (when there is one) before its own note.
fn noted_first(mut detected: Detected, note: Option<String>) -> Detected {
    if let Some(note) = note {
        detected.note = Some(match detected.note.take() {
            Some(before) => format!("{note}; {before}"),
            None => note,
        });
    }
    detected
}

/// Whether the licenses found cover most of a license file's lines.
fn covers_most(text: &str, found: &[Segment<'_>]) -> bool {
    let total = content_lines(text);
    if total == 0 {
        return false;
    }
    let covered: usize = found.iter().map(|s| content_lines(&lines_of(text, s.view))).sum();
    covered as f32 >= MIN_COVERAGE * total as f32
}

fn lines_of(text: &str, view: (usize, usize)) -> String {
    let n_lines = view.1.saturating_sub(view.0);
    text.lines().skip(view.0).take(n_lines).collect::<Vec<_>>().join("\n")
}

/// The LGPL-3.0 is written as additional permissions on top of the GPL-3.0,
/// and its file (`COPYING.LESSER`) usually holds only those: the store's
/// LGPL-3.0 text has the GPL-3.0 appended, so it scores too low to match.
/// Its own opening sentence names it exactly.
fn lesser_gpl_3(text: &str) -> Option<Detected> {
    const OPENING: &str = "this version of the gnu lesser general public license incorporates the terms and conditions of version 3 of the gnu general public license";
    let words = refine::words(text);
    if !refine::contains_phrase(&words, OPENING) {
        return None;
    }
    let (expression, note) = refine::identifier("LGPL-3.0-or-later", text);
    let (from, to) = content_span(text, (0, text.lines().count()))?;
    Some(Detected {
        expression,
        score: 1.0,
        form: "text",
        lines: (from, to),
        note: Some(
            ["LGPL-3.0 recognised by its opening sentence (its additional permissions, without the GPL-3.0 text)"]
                .into_iter()
                .map(str::to_owned)
                .chain(note)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        families: Vec::new(),
    })
}

/// A text that is only an SPDX expression, bare or after
/// `SPDX-License-Identifier:`.
fn expression_only(text: &str) -> Option<Detected> {
    const TAG: &str = "spdx-license-identifier:";
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 200 || content_lines(trimmed) > 1 {
        return None;
    }
    let expression = match trimmed.get(..TAG.len()) {
        Some(tag) if tag.eq_ignore_ascii_case(TAG) => &trimmed[TAG.len()..],
        _ => trimmed,
    };
    let canonical = canonical_expression(expression).ok()?;
    let line = text.lines().position(|l| !l.trim().is_empty())?;
    let line = prepare::line_number(line);
    Some(Detected {
        expression: canonical,
        score: 1.0,
        form: "expression",
        lines: (line, line),
        note: None,
        families: Vec::new(),
    })
}

fn from_pointer(found: pointer::Pointer) -> Detected {
    let note = found
        .expression
        .starts_with("LicenseRef-")
        .then(|| "names a license the SPDX list does not have: kept under its own name as a LicenseRef".to_owned());
    Detected {
        expression: found.expression,
        score: 1.0,
        form: "pointer",
        lines: found.lines,
        note,
        families: found.families,
    }
}

/// The cheap test that keeps most comment blocks away from the store: a
/// notice names a license, free software, or grants permission; a block
/// with only a copyright line does not.
fn mentions_license(block: &str) -> bool {
    let lower = block.to_lowercase();
    NOTICE_CUES.iter().any(|w| lower.contains(w))
}

/// Words that start the license part of a notice.
pub(crate) const NOTICE_CUES: [&str; 6] = [
    "licen",
    "free software",
    "permission",
    "redistribution",
    "distributed under",
    "gnu gpl",
];

#[cfg(test)]
mod tests {
    use super::*;

    const MIT_BODY: &str = "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n";

    #[test]
    fn copies_differing_only_in_holder_are_analysed_once() {
        let detector = Detector::new(0.8);
        let a = format!("MIT License\n\nCopyright (c) 2020 Alice\n\n{MIT_BODY}");
        let b = format!("MIT License\n\n  Copyright 2024 Bob and contributors\n\n{MIT_BODY}");
        let found = detector.detect(&a).unwrap().unwrap();
        assert_eq!(found.expression, "MIT");
        assert_eq!(found.lines, (1, 9));
        assert_eq!(detector.detect(&b).unwrap().unwrap().expression, "MIT");
        assert_eq!(detector.lock().len(), 1);
    }

    #[test]
    fn expressions_alone() {
        for (text, expression) in [
            ("MIT OR Apache-2.0\n", "MIT OR Apache-2.0"),
            ("\nSPDX-License-Identifier: GPL-2.0+\n", "GPL-2.0-or-later"),
            ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
        ] {
            let found = expression_only(text).unwrap();
            assert_eq!(found.expression, expression);
        }
        assert!(expression_only("BSD").is_none());
        assert!(expression_only("Licensed under MIT").is_none());
    }
}
