use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

/// How text is cut into tokens before shingling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tokenizer {
    /// BigCode's published code dedup: tokens are maximal runs of
    /// `[A-Za-z0-9_]`, case kept; everything else separates. Use it to compare
    /// with other tools.
    Bigcode,
    /// Code-aware: identifiers and numbers (Unicode letters and digits, `_`)
    /// are tokens, and so is every punctuation character on its own, so
    /// operators and brackets count but whitespace and layout do not. A
    /// leading comment block that states a license or copyright is left out:
    /// files that share only boilerplate are not alike.
    Code,
}

impl Tokenizer {
    /// The name used in configs and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Tokenizer::Bigcode => "bigcode",
            Tokenizer::Code => "code",
        }
    }

    /// Calls `f` with the hash of each token, in order.
    pub fn for_each_token_hash(self, text: &str, f: impl FnMut(u64)) {
        match self {
            Tokenizer::Bigcode => bigcode_tokens(text.as_bytes(), f),
            Tokenizer::Code => code_tokens(&text[license_header_len(text)..], f),
        }
    }
}

/// The bytes of a `bigcode` token: `[A-Za-z0-9_]`.
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// The `bigcode` tokens of `bytes`, 64 bytes at a time: a bit mask of the
/// word bytes is built without branches, and the token edges are read off
/// its bit transitions. A byte-by-byte scan mispredicts a branch at every
/// edge, every few bytes of code, and took half of the shingling time.
fn bigcode_tokens(bytes: &[u8], mut f: impl FnMut(u64)) {
    // Where the token that is still open began, if one is.
    let mut open: Option<usize> = None;
    for (index, chunk) in bytes.chunks(64).enumerate() {
        let base = index * 64;
        let mut words = 0u64;
        for (i, &b) in chunk.iter().enumerate() {
            words |= u64::from(ASCII_WORD[b as usize]) << i;
        }
        // Bit i of `edges` is set where byte i starts or ends a token; bits
        // past a short last chunk are non-word, so a token open there ends
        // at the end of the text.
        let mut edges = words ^ ((words << 1) | u64::from(open.is_some()));
        while edges != 0 {
            let i = edges.trailing_zeros() as usize;
            edges &= edges - 1;
            match open.take() {
                Some(start) => f(xxh3_64(&bytes[start..base + i])),
                None => open = Some(base + i),
            }
        }
    }
    if let Some(start) = open {
        f(xxh3_64(&bytes[start..]));
    }
}

/// Comment markers that open a header line.
const COMMENT_PREFIXES: [&str; 8] = ["//", "#", "/*", "*", "--", ";", "<!--", "\"\"\""];

/// The length of a leading comment block (comment and blank lines, a shebang
/// allowed first) when it names a license, copyright or SPDX identifier;
/// 0 otherwise.
fn license_header_len(text: &str) -> usize {
    let mut end = 0;
    let mut has_comment = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let directive = ["#include", "#define", "#if", "#pragma", "#import", "#[", "#!["]
            .iter()
            .any(|d| trimmed.starts_with(d));
        let is_comment =
            !directive && (COMMENT_PREFIXES.iter().any(|p| trimmed.starts_with(p)) || trimmed.ends_with("*/"));
        if !(is_comment || trimmed.is_empty()) {
            break;
        }
        has_comment |= is_comment;
        end += line.len();
    }
    let header = text[..end].to_ascii_lowercase();
    let names_license = ["license", "licence", "copyright", "spdx-license-identifier"]
        .iter()
        .any(|w| header.contains(w));
    if has_comment && names_license { end } else { 0 }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn code_tokens(text: &str, mut f: impl FnMut(u64)) {
    let mut start = None;
    for (at, c) in text.char_indices() {
        if is_word(c) {
            start.get_or_insert(at);
            continue;
        }
        if let Some(s) = start.take() {
            f(xxh3_64(&text.as_bytes()[s..at]));
        }
        if !c.is_whitespace() {
            f(xxh3_64(&text.as_bytes()[at..at + c.len_utf8()]));
        }
    }
    if let Some(s) = start {
        f(xxh3_64(&text.as_bytes()[s..]));
    }
}

/// The sorted, distinct 64-bit hashes of the `n`-token shingles of `text`.
/// A text with fewer than `n` tokens has no shingles and takes no part in
/// near deduplication.
pub fn shingles(text: &str, tokenizer: Tokenizer, n: usize, seed: u64) -> Vec<u64> {
    let n = n.max(1);
    // The last n token hashes, in a ring, and the shingles deduplicated
    // whenever their buffer fills: memory is O(distinct shingles), never
    // O(tokens), which matters for a 50 MB minified file and for one token
    // repeated ten million times (tests/resources.rs).
    // `next` is the ring slot the next token goes to, so after a push the
    // oldest token of the window is at `next`: the window in order is
    // ring[next..] then ring[..next], with no division per token.
    let mut ring = vec![0u64; n];
    let mut next = 0usize;
    let mut seen = 0usize;
    let mut out = Vec::with_capacity((text.len() / 6).min(COMPACT_FROM));
    tokenizer.for_each_token_hash(text, |h| {
        ring[next] = h;
        next += 1;
        if next == n {
            next = 0;
        }
        if seen + 1 >= n {
            let (newer, older) = ring.split_at(next);
            push_distinct(&mut out, combine(older.iter().chain(newer), seed));
        } else {
            seen += 1;
        }
    });
    sort_hashes(&mut out);
    out.dedup();
    out.shrink_to_fit();
    out
}

/// Below this many hashes a plain sort is as fast as bucketing first.
const BUCKET_SORT_FROM: usize = 1024;
/// Above this many (8 MB), the set is sorted in place: bucketing needs a
/// second buffer of the set's size, which a huge file should not pay.
const BUCKET_SORT_UP_TO: usize = 1 << 20;

/// Sorts uniformly distributed 64-bit hashes: one counting pass by the top
/// byte into 256 buckets (a stable scatter), then each small bucket sorted
/// on its own. That replaces the first eight levels of a comparison sort
/// with one linear pass; the result is the same as `sort_unstable`.
fn sort_hashes(hashes: &mut Vec<u64>) {
    if !(BUCKET_SORT_FROM..=BUCKET_SORT_UP_TO).contains(&hashes.len()) {
        hashes.sort_unstable();
        return;
    }
    let mut ends = [0usize; 256];
    for &h in hashes.iter() {
        ends[(h >> 56) as usize] += 1;
    }
    let mut total = 0;
    for end in ends.iter_mut() {
        total += *end;
        *end = total;
    }
    let mut starts = [0usize; 256];
    starts[1..].copy_from_slice(&ends[..255]);
    let mut sorted = vec![0u64; hashes.len()];
    let mut next = starts;
    for &h in hashes.iter() {
        let bucket = (h >> 56) as usize;
        sorted[next[bucket]] = h;
        next[bucket] += 1;
    }
    for (&start, &end) in starts.iter().zip(&ends) {
        sorted[start..end].sort_unstable();
    }
    *hashes = sorted;
}

/// Below this many shingles the buffer just grows; the final sort removes
/// the repeats.
const COMPACT_FROM: usize = 1 << 16;

/// Pushes `shingle`; when the buffer is full, first sorts it and drops
/// repeats, and grows it only if that freed less than half. Each sort is
/// paid for by at least half a buffer of pushes, and the buffer stays
/// within four times the distinct shingles.
fn push_distinct(out: &mut Vec<u64>, shingle: u64) {
    if out.len() == out.capacity() && out.len() >= COMPACT_FROM {
        out.sort_unstable();
        out.dedup();
        if out.len() > out.capacity() / 2 {
            out.reserve(out.capacity());
        }
    }
    out.push(shingle);
}

/// Hashes a window of token hashes, order-sensitively: a multiply-rotate
/// step per token (tokens are already xxh3 hashes, so uniformly random), then
/// the murmur3 64-bit finaliser so every output bit depends on every token.
/// The high bits pick a MinHash bin, so they must be uniform; the finaliser
/// makes them so. A fifth of the cost of xxh3 over the window's bytes.
fn combine<'a>(window: impl IntoIterator<Item = &'a u64>, seed: u64) -> u64 {
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    for &token in window {
        h = (h ^ token).wrapping_mul(0xFF51_AFD7_ED55_8CCD).rotate_left(29);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Exact Jaccard similarity of two sorted, distinct sets; 1 for two empty sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    jaccard_of(a, b)
}

/// [`jaccard`] over 32-bit elements.
pub fn jaccard_u32(a: &[u32], b: &[u32]) -> f64 {
    jaccard_of(a, b)
}

fn jaccard_of<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_count(text: &str, tokenizer: Tokenizer) -> usize {
        let mut n = 0;
        tokenizer.for_each_token_hash(text, |_| n += 1);
        n
    }

    /// The byte-by-byte definition that `bigcode_tokens` must agree with.
    fn bigcode_reference(text: &str) -> Vec<u64> {
        text.as_bytes()
            .split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .filter(|token| !token.is_empty())
            .map(xxh3_64)
            .collect()
    }

    fn bigcode_hashes(text: &str) -> Vec<u64> {
        let mut hashes = Vec::new();
        Tokenizer::Bigcode.for_each_token_hash(text, |h| hashes.push(h));
        hashes
    }

    proptest::proptest! {
        /// Texts of word and separator runs of any length, so tokens start,
        /// end and span 64-byte chunk edges at every offset.
        #[test]
        fn bigcode_tokens_match_the_bytewise_definition(
            text in "([a-zA-Z0-9_]{0,70}[ (){};\n.+é-]{0,5}){0,12}"
        ) {
            proptest::prop_assert_eq!(bigcode_hashes(&text), bigcode_reference(&text));
        }

        #[test]
        fn bucketed_sort_equals_sort_unstable(
            mut hashes in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..5000),
            high in proptest::prelude::any::<bool>(),
        ) {
            // Half the cases crowd every hash into a few buckets.
            if high {
                hashes.iter_mut().for_each(|h| *h |= 0xFC00_0000_0000_0000);
            }
            let mut expected = hashes.clone();
            expected.sort_unstable();
            sort_hashes(&mut hashes);
            proptest::prop_assert_eq!(hashes, expected);
        }
    }

    #[test]
    fn bigcode_tokens_at_chunk_edges() {
        for len in [63, 64, 65, 127, 128, 129] {
            let text = "a".repeat(len);
            assert_eq!(bigcode_hashes(&text), bigcode_reference(&text), "{len}");
            let text = format!("{} b", "a".repeat(len));
            assert_eq!(bigcode_hashes(&text), bigcode_reference(&text), "{len}");
            let text = format!("{}x", " ".repeat(len));
            assert_eq!(bigcode_hashes(&text), bigcode_reference(&text), "{len}");
        }
        assert!(bigcode_hashes("").is_empty());
        assert!(bigcode_hashes(" ( ) ").is_empty());
    }

    #[test]
    fn bigcode_tokens_are_word_runs() {
        assert_eq!(token_count("a_b+c1 (d)", Tokenizer::Bigcode), 3);
        assert_eq!(token_count("héllo", Tokenizer::Bigcode), 2);
    }

    #[test]
    fn code_tokens_keep_punctuation_and_ignore_layout() {
        assert_eq!(token_count("a==b", Tokenizer::Code), 4);
        let tight = shingles("if (a==b) { return x; }", Tokenizer::Code, 3, 7);
        let loose = shingles("if ( a == b )\n{\n    return x ;\n}", Tokenizer::Code, 3, 7);
        assert_eq!(tight, loose);
        assert_eq!(token_count("héllo wörld", Tokenizer::Code), 2);
    }

    #[test]
    fn license_headers_are_left_out_by_the_code_profile() {
        let header = "// Copyright 2024 A\n// Licensed under the Apache License, Version 2.0\n\n";
        assert_eq!(license_header_len(&format!("{header}fn main() {{}}")), header.len());
        assert_eq!(license_header_len("// just a comment\nfn main() {}"), 0);
        assert_eq!(license_header_len("fn main() {} // license"), 0);
        let c = "/* Copyright 2020 B, MIT license */\n#include <stdio.h>\nint x;";
        assert_eq!(license_header_len(c), c.find("#include").unwrap());
        assert_eq!(token_count(&format!("{header}fn main() {{}}"), Tokenizer::Code), 6);
        assert!(token_count(&format!("{header}fn main() {{}}"), Tokenizer::Bigcode) > 10);
    }

    #[test]
    fn short_texts_have_no_shingles() {
        assert!(shingles("a b c d", Tokenizer::Bigcode, 5, 0).is_empty());
        assert_eq!(shingles("a b c d e", Tokenizer::Bigcode, 5, 0).len(), 1);
    }

    #[test]
    fn shingle_hashes_are_order_sensitive_and_spread_over_bins() {
        assert_ne!(combine(&[1, 2, 3], 0), combine(&[3, 2, 1], 0));
        assert_ne!(combine(&[1, 2, 3], 0), combine(&[1, 2, 3], 1));
        // The top byte picks one of 256 MinHash bins: it must be near uniform.
        let mut bins = [0u32; 256];
        for i in 0..256_000u64 {
            bins[(combine(&[xxh3_64(&i.to_le_bytes()); 5], 7) >> 56) as usize] += 1;
        }
        assert!(bins.iter().all(|&n| (800..1200).contains(&n)), "{:?}", &bins[..8]);
    }

    /// Regression: every shingle of a text was held until the end, so one
    /// token repeated ten million times (one distinct shingle) took 80 MB.
    #[test]
    fn repeated_token_does_not_hold_one_shingle_per_token() {
        let mut out = Vec::new();
        for _ in 0..1_000_000 {
            push_distinct(&mut out, 42);
        }
        assert!(out.capacity() <= 2 * COMPACT_FROM, "{}", out.capacity());
        let set = shingles(&"token ".repeat(1_000_000), Tokenizer::Code, 5, 7);
        assert_eq!(set.len(), 1);
        assert!(set.capacity() < 1024, "{}", set.capacity());
    }

    #[test]
    fn compacting_keeps_every_distinct_shingle() {
        let mut out = Vec::new();
        let values: Vec<u64> = (0..300_000u64).map(|i| xxh3_64(&(i % 100_000).to_le_bytes())).collect();
        for &v in &values {
            push_distinct(&mut out, v);
        }
        out.sort_unstable();
        out.dedup();
        let mut expected = values;
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(out, expected);
    }

    #[test]
    fn jaccard_of_sets() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[], &[1]), 0.0);
        assert_eq!(jaccard(&[5], &[5]), 1.0);
    }
}
