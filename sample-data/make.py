#!/usr/bin/env python3
"""Regenerate the generated parts of corpusledger's sample data.

Writes:
  jsonl/snippets.jsonl.zst        15 records {text, id, repo, path, license?}
  stack/stack-sample.parquet      15 rows in The Stack's column layout, zstd
  repos/... rejection fixtures    a PNG, a NUL-laden .bin, a Latin-1 text
                                  file and an empty __init__.py

Everything else under repos/ is plain files kept as they are. Exact copies
of repository files are read from repos/ at build time; near copies are
derived from their originals by the small, listed edits in NEAR_EDITS so the
relationship is explicit. Output is deterministic: running this twice gives
byte-identical files.

Requires: pip install pyarrow zstandard
"""

import hashlib
import json
import os
import struct
import zlib

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))


def repo_text(rel):
    with open(os.path.join(HERE, "repos", rel), "rb") as f:
        return f.read().decode("utf-8")


def edit(text, edits):
    """Apply (old, new) replacements; each `old` must occur exactly once."""
    for old, new in edits:
        n = text.count(old)
        if n != 1:
            raise SystemExit(f"edit target occurs {n} times, expected 1: {old!r}")
        text = text.replace(old, new)
    return text


# ---------------------------------------------------------------------------
# Original snippets (written for this sample; each appears once unless it is
# listed as an exact copy below).
# ---------------------------------------------------------------------------

WORD_FREQ_PY = '''\
"""Count word frequencies in text files and print the most common ones."""

import argparse
import collections
import re
import sys

WORD_RE = re.compile(r"[a-z']+")
STOPWORDS = frozenset("a an and are as at be by for from in is it of on or that the to was with".split())


def words(stream, keep_stopwords=False):
    for line in stream:
        for w in WORD_RE.findall(line.lower()):
            w = w.strip("'")
            if w and (keep_stopwords or w not in STOPWORDS):
                yield w


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", help="input files (default: stdin)")
    ap.add_argument("-n", "--top", type=int, default=20)
    ap.add_argument("--all-words", action="store_true", help="keep stopwords")
    args = ap.parse_args(argv)

    counts = collections.Counter()
    streams = [open(p, encoding="utf-8") for p in args.files] or [sys.stdin]
    for s in streams:
        counts.update(words(s, args.all_words))
    width = max((len(w) for w, _ in counts.most_common(args.top)), default=0)
    for w, c in counts.most_common(args.top):
        print(f"{w:<{width}}  {c:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

DEBOUNCE_JS = '''\
/**
 * Delay calls to `fn` until `wait` ms have passed without another call.
 * The returned function has `.cancel()` and `.flush()` helpers.
 */
export function debounce(fn, wait = 200, { leading = false } = {}) {
  let timer = null;
  let pendingArgs = null;

  function invoke() {
    const args = pendingArgs;
    pendingArgs = null;
    timer = null;
    if (args) fn(...args);
  }

  function debounced(...args) {
    const callNow = leading && timer === null;
    pendingArgs = callNow ? null : args;
    clearTimeout(timer);
    timer = setTimeout(invoke, wait);
    if (callNow) fn(...args);
  }

  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pendingArgs = null;
  };
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      invoke();
    }
  };
  return debounced;
}

/** Call `fn` at most once every `interval` ms, dropping calls in between. */
export function throttle(fn, interval = 100) {
  let last = -Infinity;
  return function throttled(...args) {
    const now = Date.now();
    if (now - last >= interval) {
      last = now;
      fn.apply(this, args);
    }
  };
}
'''

WORKER_POOL_GO = '''\
package pool

import (
	"context"
	"sync"
)

// Result pairs a job's index with its output or error.
type Result[T any] struct {
	Index int
	Value T
	Err   error
}

// Run applies work to every input using at most `workers` goroutines and
// returns the results in input order. It stops early when ctx is cancelled.
func Run[In, Out any](ctx context.Context, workers int, inputs []In, work func(context.Context, In) (Out, error)) []Result[Out] {
	if workers < 1 {
		workers = 1
	}
	jobs := make(chan int)
	results := make([]Result[Out], len(inputs))
	var wg sync.WaitGroup

	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				v, err := work(ctx, inputs[i])
				results[i] = Result[Out]{Index: i, Value: v, Err: err}
			}
		}()
	}

feed:
	for i := range inputs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			for j := i; j < len(inputs); j++ {
				results[j] = Result[Out]{Index: j, Err: ctx.Err()}
			}
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	return results
}
'''

STRBUF_C = '''\
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Growable, always NUL-terminated string buffer. */
struct strbuf {
    char *buf;
    size_t len;
    size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t want = sb->len + extra + 1;
    if (want <= sb->alloc)
        return;
    size_t next = sb->alloc ? sb->alloc : 64;
    while (next < want)
        next *= 2;
    char *p = realloc(sb->buf, next);
    if (!p) {
        perror("strbuf");
        abort();
    }
    sb->buf = p;
    sb->alloc = next;
}

void strbuf_add(struct strbuf *sb, const char *data, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    strbuf_grow(sb, (size_t)need);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)need + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)need;
}

char *strbuf_detach(struct strbuf *sb, size_t *len_out)
{
    char *s = sb->buf ? sb->buf : calloc(1, 1);
    if (len_out)
        *len_out = sb->len;
    sb->buf = NULL;
    sb->len = sb->alloc = 0;
    return s;
}
'''

RETRY_PY = '''\
"""Retry a function with exponential backoff.

    @retry(exceptions=(ConnectionError,), tries=4, delay=0.5)
    def fetch(url): ...
"""

import functools
import logging
import random
import time

log = logging.getLogger(__name__)


def retry(exceptions=(Exception,), tries=3, delay=1.0, backoff=2.0, max_delay=30.0, jitter=0.1):
    if tries < 1:
        raise ValueError("tries must be at least 1")

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            wait = delay
            for attempt in range(1, tries + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions as exc:
                    if attempt == tries:
                        raise
                    sleep_for = min(max_delay, wait) * (1 + random.uniform(-jitter, jitter))
                    log.warning(
                        "%s failed (%s), attempt %d of %d, retrying in %.2fs",
                        func.__name__, exc, attempt, tries, sleep_for,
                    )
                    time.sleep(sleep_for)
                    wait *= backoff

        return wrapper

    return decorator
'''

EMITTER_JS = '''\
'use strict';

// A tiny event emitter with wildcard listeners and once().

class Emitter {
  constructor() {
    this.listeners = new Map();
  }

  on(event, handler) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(handler);
    return () => this.off(event, handler);
  }

  once(event, handler) {
    const off = this.on(event, (...args) => {
      off();
      handler(...args);
    });
    return off;
  }

  off(event, handler) {
    const set = this.listeners.get(event);
    if (!set) return;
    set.delete(handler);
    if (set.size === 0) this.listeners.delete(event);
  }

  emit(event, ...args) {
    const direct = this.listeners.get(event) || [];
    const wild = this.listeners.get('*') || [];
    let count = 0;
    for (const h of [...direct]) {
      h(...args);
      count++;
    }
    for (const h of [...wild]) {
      h(event, ...args);
      count++;
    }
    return count;
  }

  listenerCount(event) {
    const set = this.listeners.get(event);
    return set ? set.size : 0;
  }
}

module.exports = Emitter;
'''

BITSET_RS = '''\
/// A fixed-size set of small integers backed by 64-bit words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    pub fn with_capacity(bits: usize) -> Self {
        BitSet { words: vec![0; (bits + 63) / 64], len: bits }
    }

    #[inline]
    fn locate(i: usize) -> (usize, u64) {
        (i / 64, 1u64 << (i % 64))
    }

    pub fn insert(&mut self, i: usize) -> bool {
        assert!(i < self.len, "bit {i} out of range");
        let (w, mask) = Self::locate(i);
        let was = self.words[w] & mask != 0;
        self.words[w] |= mask;
        !was
    }

    pub fn remove(&mut self, i: usize) -> bool {
        let (w, mask) = Self::locate(i);
        let was = self.words.get(w).map_or(false, |x| x & mask != 0);
        if was {
            self.words[w] &= !mask;
        }
        was
    }

    pub fn contains(&self, i: usize) -> bool {
        let (w, mask) = Self::locate(i);
        self.words.get(w).map_or(false, |x| x & mask != 0)
    }

    pub fn count(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    pub fn union_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= *b;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(wi * 64 + bit)
            })
        })
    }
}
'''

CSV2MD_PY = '''\
#!/usr/bin/env python3
"""Convert a CSV file to a GitHub-flavoured Markdown table."""

import csv
import sys


def escape(cell):
    return cell.replace("|", "\\\\|").replace("\\n", " ").strip()


def looks_numeric(values):
    try:
        for v in values:
            if v:
                float(v.replace(",", ""))
        return True
    except ValueError:
        return False


def to_markdown(rows):
    header, body = rows[0], rows[1:]
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    header, body = rows[0], rows[1:]
    widths = [max(3, *(len(escape(r[i])) for r in rows)) for i in range(ncols)]
    align = []
    for i in range(ncols):
        col = [r[i] for r in body]
        align.append("-" * (widths[i] - 1) + ":" if looks_numeric(col) else "-" * widths[i])
    lines = ["| " + " | ".join(escape(h).ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("| " + " | ".join(align) + " |")
    for r in body:
        lines.append("| " + " | ".join(escape(c).ljust(w) for c, w in zip(r, widths)) + " |")
    return "\\n".join(lines)


if __name__ == "__main__":
    src = open(sys.argv[1], newline="") if len(sys.argv) > 1 else sys.stdin
    table = list(csv.reader(src))
    if not table:
        sys.exit("csv2md: empty input")
    print(to_markdown(table))
'''

TOKEN_BUCKET_GO = '''\
// Package bucket implements a token-bucket rate limiter.
package bucket

import (
	"sync"
	"time"
)

// Limiter allows bursts of up to Capacity events and refills at Rate
// tokens per second.
type Limiter struct {
	mu       sync.Mutex
	capacity float64
	rate     float64
	tokens   float64
	last     time.Time
	now      func() time.Time
}

func New(rate float64, capacity int) *Limiter {
	l := &Limiter{capacity: float64(capacity), rate: rate, now: time.Now}
	l.tokens = l.capacity
	l.last = l.now()
	return l
}

func (l *Limiter) refill() {
	t := l.now()
	elapsed := t.Sub(l.last).Seconds()
	l.last = t
	l.tokens += elapsed * l.rate
	if l.tokens > l.capacity {
		l.tokens = l.capacity
	}
}

// Allow reports whether n tokens are available and takes them if so.
func (l *Limiter) Allow(n int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refill()
	if l.tokens < float64(n) {
		return false
	}
	l.tokens -= float64(n)
	return true
}

// Delay returns how long the caller must wait before n tokens exist.
func (l *Limiter) Delay(n int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refill()
	missing := float64(n) - l.tokens
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / l.rate * float64(time.Second))
}
'''

ROTATE_SH = '''\
#!/usr/bin/env bash
# Keep the newest N daily and M weekly backup archives in a directory.
set -euo pipefail

dir=${1:?usage: rotate-backups.sh DIR [DAILY] [WEEKLY]}
keep_daily=${2:-7}
keep_weekly=${3:-4}

shopt -s nullglob
archives=("$dir"/backup-*.tar.gz)
if (( ${#archives[@]} == 0 )); then
    echo "no archives in $dir" >&2
    exit 0
fi

# Newest first; file names embed an ISO date so lexical order works.
mapfile -t sorted < <(printf '%s\\n' "${archives[@]}" | sort -r)

declare -A keep=()
daily=0
declare -A weeks_seen=()
for f in "${sorted[@]}"; do
    stamp=$(basename "$f" .tar.gz)
    day=${stamp#backup-}
    if (( daily < keep_daily )); then
        keep[$f]=1
        daily=$((daily + 1))
        continue
    fi
    week=$(date -d "$day" +%G-%V 2>/dev/null || echo "$day")
    if [[ -z ${weeks_seen[$week]:-} && ${#weeks_seen[@]} -lt $keep_weekly ]]; then
        weeks_seen[$week]=1
        keep[$f]=1
    fi
done

removed=0
for f in "${sorted[@]}"; do
    if [[ -z ${keep[$f]:-} ]]; then
        rm -f -- "$f"
        removed=$((removed + 1))
    fi
done
echo "kept ${#keep[@]} archives, removed $removed"
'''

TRIE_PY = '''\
class Trie:
    """Prefix tree over strings supporting prefix search and deletion."""

    __slots__ = ("children", "terminal", "size")

    def __init__(self):
        self.children = {}
        self.terminal = False
        self.size = 0

    def insert(self, word):
        node = self
        path = [node]
        for ch in word:
            node = node.children.setdefault(ch, Trie())
            path.append(node)
        if node.terminal:
            return False
        node.terminal = True
        for n in path:
            n.size += 1
        return True

    def _find(self, prefix):
        node = self
        for ch in prefix:
            node = node.children.get(ch)
            if node is None:
                return None
        return node

    def __contains__(self, word):
        node = self._find(word)
        return node is not None and node.terminal

    def count_prefix(self, prefix):
        node = self._find(prefix)
        return node.size if node else 0

    def with_prefix(self, prefix, limit=None):
        start = self._find(prefix)
        if start is None:
            return []
        out, stack = [], [(start, prefix)]
        while stack and (limit is None or len(out) < limit):
            node, acc = stack.pop()
            if node.terminal:
                out.append(acc)
            for ch in sorted(node.children, reverse=True):
                stack.append((node.children[ch], acc + ch))
        return out

    def remove(self, word):
        if word not in self:
            return False
        node = self
        node.size -= 1
        for ch in word:
            child = node.children[ch]
            child.size -= 1
            if child.size == 0:
                del node.children[ch]
                return True
            node = child
        node.terminal = False
        return True
'''

DEEP_MERGE_JS = '''\
const isPlainObject = (v) =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Recursively merge `sources` into a new object. Arrays are replaced unless
 * `arrays: 'concat'` is given; `undefined` never overwrites a value.
 */
function deepMerge(target, ...sources) {
  let opts = { arrays: 'replace' };
  if (sources.length && sources[sources.length - 1] && sources[sources.length - 1].__mergeOptions) {
    opts = { ...opts, ...sources.pop() };
  }
  const out = isPlainObject(target) ? { ...target } : {};
  for (const src of sources) {
    if (!isPlainObject(src)) continue;
    for (const [key, value] of Object.entries(src)) {
      if (key === '__proto__' || key === 'constructor') continue;
      if (value === undefined) continue;
      const prev = out[key];
      if (isPlainObject(prev) && isPlainObject(value)) {
        out[key] = deepMerge(prev, value, { __mergeOptions: true, ...opts });
      } else if (Array.isArray(prev) && Array.isArray(value) && opts.arrays === 'concat') {
        out[key] = prev.concat(value);
      } else {
        out[key] = isPlainObject(value) ? deepMerge({}, value) : value;
      }
    }
  }
  return out;
}

const mergeOptions = (o) => ({ __mergeOptions: true, ...o });

module.exports = { deepMerge, mergeOptions, isPlainObject };
'''

ARENA_C = '''\
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Bump allocator: many small allocations, one free at the end. */
typedef struct arena_block {
    struct arena_block *prev;
    size_t used, size;
    unsigned char mem[];
} arena_block;

typedef struct {
    arena_block *top;
    size_t block_size;
} arena;

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

void arena_init(arena *a, size_t block_size)
{
    a->top = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
}

void *arena_alloc(arena *a, size_t n)
{
    n = align_up(n, sizeof(max_align_t));
    arena_block *b = a->top;
    if (b == NULL || b->size - b->used < n) {
        size_t sz = n > a->block_size ? n : a->block_size;
        b = malloc(sizeof(*b) + sz);
        if (b == NULL)
            return NULL;
        b->prev = a->top;
        b->used = 0;
        b->size = sz;
        a->top = b;
    }
    void *p = b->mem + b->used;
    b->used += n;
    return p;
}

void arena_release(arena *a)
{
    arena_block *b = a->top;
    while (b) {
        arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->top = NULL;
}
'''

SEMVER_PY = '''\
"""Parse and compare semantic version strings (semver.org 2.0.0)."""

import re
from functools import total_ordering

_SEMVER = re.compile(
    r"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"
    r"(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$"
)


@total_ordering
class Version:
    def __init__(self, text):
        m = _SEMVER.match(text.strip())
        if not m:
            raise ValueError(f"not a semantic version: {text!r}")
        self.major, self.minor, self.patch = (int(g) for g in m.group(1, 2, 3))
        self.pre = tuple(m.group(4).split(".")) if m.group(4) else ()
        self.build = m.group(5) or ""

    def _pre_key(self):
        # A release sorts after all of its pre-releases.
        if not self.pre:
            return (1,)
        parts = []
        for p in self.pre:
            parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
        return (0, tuple(parts))

    def _key(self):
        return (self.major, self.minor, self.patch, self._pre_key())

    def __eq__(self, other):
        return self._key() == other._key()

    def __lt__(self, other):
        return self._key() < other._key()

    def __hash__(self):
        return hash(self._key())

    def bump(self, part):
        if part == "major":
            return Version(f"{self.major + 1}.0.0")
        if part == "minor":
            return Version(f"{self.major}.{self.minor + 1}.0")
        return Version(f"{self.major}.{self.minor}.{self.patch + 1}")

    def __str__(self):
        s = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            s += "-" + ".".join(self.pre)
        return s + ("+" + self.build if self.build else "")
'''

SLUGIFY_JS = '''\
const DEFAULTS = { separator: '-', lower: true, maxLength: 80 };

const REPLACEMENTS = {
  '&': ' and ',
  '@': ' at ',
  '%': ' percent ',
  '+': ' plus ',
};

/**
 * Turn an arbitrary title into a URL-safe slug:
 *   slugify("Rock & Roll: 100% Live!") === "rock-and-roll-100-percent-live"
 */
function slugify(input, options = {}) {
  const { separator, lower, maxLength } = { ...DEFAULTS, ...options };
  let s = String(input)
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '');
  s = s.replace(/[&@%+]/g, (c) => REPLACEMENTS[c]);
  if (lower) s = s.toLowerCase();
  s = s
    .replace(/[^A-Za-z0-9]+/g, separator)
    .replace(new RegExp(`^\\\\${separator}+|\\\\${separator}+$`, 'g'), '');
  if (s.length > maxLength) {
    const cut = s.lastIndexOf(separator, maxLength);
    s = s.slice(0, cut > 0 ? cut : maxLength);
  }
  return s;
}

function uniqueSlug(title, taken) {
  const base = slugify(title);
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

module.exports = { slugify, uniqueSlug };
'''

HASHMAP_C = '''\
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing hash map from C strings to void pointers,
 * linear probing, tombstones on delete, grows at 70% load. */

typedef struct {
    char *key;   /* NULL = empty, TOMBSTONE = deleted */
    void *value;
} slot;

typedef struct {
    slot *slots;
    size_t cap, count, tombs;
} hashmap;

static char tombstone_marker;
#define TOMBSTONE (&tombstone_marker)

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

static slot *probe(const hashmap *m, const char *key, int for_insert)
{
    size_t i = fnv1a(key) & (m->cap - 1);
    slot *first_tomb = NULL;
    for (;;) {
        slot *s = &m->slots[i];
        if (s->key == NULL)
            return (for_insert && first_tomb) ? first_tomb : s;
        if (s->key == TOMBSTONE) {
            if (!first_tomb)
                first_tomb = s;
        } else if (strcmp(s->key, key) == 0) {
            return s;
        }
        i = (i + 1) & (m->cap - 1);
    }
}

static int resize(hashmap *m, size_t cap)
{
    slot *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = calloc(cap, sizeof(slot));
    if (!m->slots) {
        m->slots = old;
        return -1;
    }
    m->cap = cap;
    m->count = m->tombs = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key && old[i].key != TOMBSTONE) {
            *probe(m, old[i].key, 1) = old[i];
            m->count++;
        }
    }
    free(old);
    return 0;
}

int hashmap_put(hashmap *m, const char *key, void *value)
{
    if ((m->count + m->tombs + 1) * 10 >= m->cap * 7 && resize(m, m->cap ? m->cap * 2 : 16))
        return -1;
    slot *s = probe(m, key, 1);
    if (s->key == NULL || s->key == TOMBSTONE) {
        if (s->key == TOMBSTONE)
            m->tombs--;
        s->key = strdup(key);
        m->count++;
    }
    s->value = value;
    return 0;
}

void *hashmap_get(const hashmap *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    slot *s = probe(m, key, 0);
    return s->key ? s->value : NULL;
}
'''

LEVENSHTEIN_GO = '''\
package textdist

import "unicode/utf8"

// Levenshtein returns the edit distance between a and b counted in runes,
// using two rolling rows so memory is O(min(len(a), len(b))).
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	prev := make([]int, len(rb)+1)
	curr := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		curr[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			curr[j] = min3(prev[j]+1, curr[j-1]+1, prev[j-1]+cost)
		}
		prev, curr = curr, prev
	}
	return prev[len(rb)]
}

// Similarity maps the distance to [0, 1], where 1 means identical.
func Similarity(a, b string) float64 {
	longest := utf8.RuneCountInString(a)
	if n := utf8.RuneCountInString(b); n > longest {
		longest = n
	}
	if longest == 0 {
		return 1
	}
	return 1 - float64(Levenshtein(a, b))/float64(longest)
}

func min3(x, y, z int) int {
	if y < x {
		x = y
	}
	if z < x {
		x = z
	}
	return x
}
'''

BASE64_RS = '''\
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding.
pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity((input.len() + 2) / 3 * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[derive(Debug, PartialEq)]
pub struct DecodeError(pub usize);

pub fn decode(input: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = input.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut nbits = 0;
    for (pos, &c) in bytes.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(DecodeError(pos)),
        };
        acc = (acc << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn roundtrip() {
        for s in ["", "f", "fo", "foo", "foobar"] {
            assert_eq!(super::decode(&super::encode(s.as_bytes())).unwrap(), s.as_bytes());
        }
        assert_eq!(super::encode(b"foob"), "Zm9vYg==");
    }
}
'''

WC_C = '''\
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* wc: count lines, words and bytes of files or standard input. */

struct counts {
    unsigned long lines, words, bytes;
};

static void count_stream(FILE *fp, struct counts *c)
{
    int ch, in_word = 0;
    while ((ch = getc(fp)) != EOF) {
        c->bytes++;
        if (ch == '\\n')
            c->lines++;
        if (isspace(ch)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            c->words++;
        }
    }
}

static void report(const struct counts *c, const char *name, int flags)
{
    if (flags & 1) printf(" %7lu", c->lines);
    if (flags & 2) printf(" %7lu", c->words);
    if (flags & 4) printf(" %7lu", c->bytes);
    printf(name ? " %s\\n" : "\\n", name);
}

int main(int argc, char **argv)
{
    int flags = 0, i = 1, status = 0, nfiles = 0;
    struct counts total = {0, 0, 0};

    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *p = argv[i] + 1; *p; p++) {
            switch (*p) {
            case 'l': flags |= 1; break;
            case 'w': flags |= 2; break;
            case 'c': flags |= 4; break;
            default:
                fprintf(stderr, "wc: unknown option -%c\\n", *p);
                return 2;
            }
        }
    }
    if (flags == 0)
        flags = 7;
    if (i == argc) {
        struct counts c = {0, 0, 0};
        count_stream(stdin, &c);
        report(&c, NULL, flags);
        return 0;
    }
    for (; i < argc; i++) {
        FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "rb") : stdin;
        struct counts c = {0, 0, 0};
        if (!fp) {
            perror(argv[i]);
            status = 1;
            continue;
        }
        count_stream(fp, &c);
        if (fp != stdin)
            fclose(fp);
        report(&c, argv[i], flags);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
        nfiles++;
    }
    if (nfiles > 1)
        report(&total, "total", flags);
    return status;
}
'''

TOPOSORT_PY = '''\
from collections import defaultdict, deque


class CycleError(ValueError):
    def __init__(self, nodes):
        super().__init__("dependency cycle among: " + ", ".join(map(str, sorted(nodes))))
        self.nodes = nodes


def toposort(deps):
    """Order nodes so each comes after everything it depends on.

    `deps` maps a node to an iterable of nodes it depends on. Nodes that only
    appear as dependencies are included. Ties are broken by sorted order so
    the result is deterministic.
    """
    indegree = defaultdict(int)
    dependents = defaultdict(set)
    nodes = set(deps)
    for node, reqs in deps.items():
        for r in reqs:
            nodes.add(r)
            if node not in dependents[r]:
                dependents[r].add(node)
                indegree[node] += 1

    ready = deque(sorted(n for n in nodes if indegree[n] == 0))
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        newly = []
        for d in dependents[n]:
            indegree[d] -= 1
            if indegree[d] == 0:
                newly.append(d)
        ready.extend(sorted(newly))

    if len(order) != len(nodes):
        raise CycleError(nodes - set(order))
    return order


def layers(deps):
    """Group nodes into layers that can be processed in parallel."""
    depth = {}
    for n in toposort(deps):
        depth[n] = 1 + max((depth[r] for r in deps.get(n, ())), default=-1)
    out = defaultdict(list)
    for n, d in depth.items():
        out[d].append(n)
    return [sorted(out[d]) for d in sorted(out)]
'''

RPN_JAVA = '''\
package rpn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

/** Evaluates expressions in reverse Polish notation, e.g. "3 4 + 2 *". */
public final class Rpn {
    private static final Map<String, DoubleBinaryOperator> OPS = Map.of(
        "+", (a, b) -> a + b,
        "-", (a, b) -> a - b,
        "*", (a, b) -> a * b,
        "/", (a, b) -> a / b,
        "^", Math::pow
    );

    private Rpn() {}

    public static double eval(String expr) {
        Deque<Double> stack = new ArrayDeque<>();
        for (String tok : expr.trim().split("\\\\s+")) {
            DoubleBinaryOperator op = OPS.get(tok);
            if (op != null) {
                if (stack.size() < 2) {
                    throw new IllegalArgumentException("not enough operands for " + tok);
                }
                double right = stack.pop();
                double left = stack.pop();
                stack.push(op.applyAsDouble(left, right));
            } else if (tok.equals("dup")) {
                stack.push(stack.peek());
            } else {
                try {
                    stack.push(Double.parseDouble(tok));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad token: " + tok, e);
                }
            }
        }
        if (stack.size() != 1) {
            throw new IllegalArgumentException("expression left " + stack.size() + " values");
        }
        return stack.pop();
    }

    public static void main(String[] args) {
        System.out.println(eval(String.join(" ", args)));
    }
}
'''

ROMAN_RS = '''\
const TABLE: [(u32, &str); 13] = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"),
    (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
    (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
];

/// Convert 1..=3999 to a Roman numeral.
pub fn to_roman(mut n: u32) -> Option<String> {
    if n == 0 || n > 3999 {
        return None;
    }
    let mut s = String::new();
    for &(value, glyph) in TABLE.iter() {
        while n >= value {
            s.push_str(glyph);
            n -= value;
        }
    }
    Some(s)
}

fn digit(c: char) -> Option<u32> {
    Some(match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => return None,
    })
}

/// Parse a Roman numeral, rejecting non-canonical spellings like "IIII".
pub fn from_roman(s: &str) -> Option<u32> {
    let mut total = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let v = digit(c)?;
        match chars.peek().and_then(|&n| digit(n)) {
            Some(next) if next > v => {
                total += next - v;
                chars.next();
            }
            _ => total += v,
        }
    }
    (to_roman(total)? == s).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for n in 1..=3999 {
            assert_eq!(from_roman(&to_roman(n).unwrap()), Some(n));
        }
        assert_eq!(from_roman("IIII"), None);
        assert_eq!(to_roman(1994).as_deref(), Some("MCMXCIV"));
    }
}
'''

# ---------------------------------------------------------------------------
# Planted copies.
# ---------------------------------------------------------------------------

# Exact copies (byte-identical to a repository file or another record).
INI_SH = repo_text("dotsync/src/vendor/ini.sh")    # X2: repo + JSONL + Parquet
CURSOR_RS = repo_text("tinytok/src/cursor.rs")      # X3: repo + Parquet

# Near copies: original text plus a few edits each.
NEAR_EDITS = {
    # N2: tinytok's lexer adapted into another project (JSONL line 5).
    "lexer_rs": (repo_text("tinytok/src/lib.rs"), [
        ("//! A small lexer for expression languages.\n\nmod cursor;\n\npub use cursor::Cursor;\n",
         "//! Expression lexer, adapted from tinytok 0.3.\n\nuse crate::cursor::Cursor;\n"),
        ("    Comma,\n}", "    Comma,\n    Percent,\n}"),
        ("            ',' => TokenKind::Comma,\n", "            ',' => TokenKind::Comma,\n            '%' => TokenKind::Percent,\n"),
        ("    fn reports_bad_char() {\n        let err = Lexer::new(\"a ? b\")",
         "    fn reports_bad_char() {\n        let err = Lexer::new(\"a ? b\" )"),
    ]),
    # N3: argo's flag parser forked as "optparse" (Parquet row 1).
    "optparse_go": (repo_text("argo/flags.go"), [
        ("// Package argo is a small command-line flag parser supporting long\n",
         "// Package optparse is a command-line flag parser supporting long\n"),
        ("package argo\n", "package optparse\n"),
        ("panic(\"argo: duplicate flag --\" + s.long)", "panic(\"optparse: flag --\" + s.long + \" defined twice\")"),
        ("\t\t\t\treturn fmt.Errorf(\"unknown flag --%s\", name)", "\t\t\t\treturn fmt.Errorf(\"unrecognized option --%s\", name)"),
    ]),
    # N6: lrukit's cache vendored with tweaks (Parquet row 4).
    "fastcache_py": (repo_text("lrukit/lrukit/cache.py"), [
        ('"""A bounded least-recently-used cache built on a doubly linked list."""',
         '"""LRU cache (vendored from lrukit, trimmed)."""'),
        ("def __init__(self, capacity=128, on_evict=None):", "def __init__(self, capacity=1024, on_evict=None):"),
        ("    def hit_ratio(self):\n        total = self.hits + self.misses\n        return self.hits / total if total else 0.0\n",
         "    def hit_ratio(self):\n        total = self.hits + self.misses\n        if not total:\n            return 0.0\n        return self.hits / total\n"),
    ]),
    # N5: the retry decorator (JSONL line 7) as it appears in another repo (Parquet row 8).
    "retrying_py": (RETRY_PY, [
        ("tries=3, delay=1.0", "tries=5, delay=1.0"),
        ("                    time.sleep(sleep_for)\n", "                    # back off\n                    time.sleep(sleep_for)\n"),
    ]),
}
NEAR = {name: edit(text, edits) for name, (text, edits) in NEAR_EDITS.items()}

# ---------------------------------------------------------------------------
# JSONL records (line numbers are 1-based in expected.json).
# A record without "license" exercises the NOASSERTION fallback.
# ---------------------------------------------------------------------------

JSONL = [
    {"id": "snip-0001", "repo": "kestrel-labs/textstats", "path": "textstats/freq.py", "license": "MIT", "text": WORD_FREQ_PY},
    {"id": "snip-0002", "repo": "quillby/ui-utils", "path": "src/timing.js", "text": DEBOUNCE_JS},
    {"id": "snip-0003", "repo": "harbor-io/pool", "path": "pool.go", "license": "Apache-2.0", "text": WORKER_POOL_GO},
    {"id": "snip-0004", "repo": "lvogt/ini.sh", "path": "ini.sh", "license": "ISC", "text": INI_SH},
    {"id": "snip-0005", "repo": "exprkit/exprlex", "path": "src/lexer.rs", "license": "MIT", "text": NEAR["lexer_rs"]},
    {"id": "snip-0006", "repo": "cbits/strbuf", "path": "strbuf.c", "license": "BSD-2-Clause", "text": STRBUF_C},
    {"id": "snip-0007", "repo": "ops-tools/backoff-lite", "path": "backoff_lite/__init__.py", "license": "MIT", "text": RETRY_PY},
    {"id": "snip-0008", "repo": "tinyemit/tinyemit", "path": "index.js", "text": EMITTER_JS},
    {"id": "snip-0009", "repo": "bitbox-rs/bitbox", "path": "src/lib.rs", "license": "Apache-2.0", "text": BITSET_RS},
    {"id": "snip-0010", "repo": "docsmith/csv2md", "path": "csv2md.py", "text": CSV2MD_PY},
    {"id": "snip-0011", "repo": "flowctl/bucket", "path": "bucket/bucket.go", "license": "MIT", "text": TOKEN_BUCKET_GO},
    {"id": "snip-0012", "repo": "sysadmin-notes/scripts", "path": "rotate-backups.sh", "text": ROTATE_SH},
    {"id": "snip-0013", "repo": "wordsmiths/trie", "path": "trie.py", "license": "BSD-3-Clause", "text": TRIE_PY},
    {"id": "snip-0014", "repo": "confmerge/confmerge", "path": "lib/merge.js", "license": "MIT", "text": DEEP_MERGE_JS},
    {"id": "snip-0015", "repo": "cbits/arena", "path": "arena.c", "text": ARENA_C},
]

# ---------------------------------------------------------------------------
# Parquet rows (0-based in expected.json), The Stack's column names.
# ---------------------------------------------------------------------------

STACK = [
    # (content, repo, path, licenses, stars, lang)
    (SEMVER_PY, "pkgtools/semverlite", "semverlite/compare.py", ["MIT"], 41, "Python"),
    (NEAR["optparse_go"], "clikit/optparse", "optparse.go", ["BSD-3-Clause"], 12, "Go"),
    (SLUGIFY_JS, "webkit-utils/slug", "src/slugify.js", ["MIT"], 230, "JavaScript"),
    (HASHMAP_C, "cbits/hashmap", "hashmap.c", ["Apache-2.0"], 7, "C"),
    (NEAR["fastcache_py"], "fastcache/fastcache", "fastcache/lru.py", ["Apache-2.0"], 88, "Python"),
    (CURSOR_RS, "lexers/charcursor", "src/cursor.rs", ["MIT"], 3, "Rust"),
    (LEVENSHTEIN_GO, "textdist/textdist", "levenshtein.go", ["MIT", "Apache-2.0"], 156, "Go"),
    (INI_SH, "shell-libs/posix-ini", "lib/ini.sh", ["ISC"], 19, "Shell"),
    (NEAR["retrying_py"], "netops/retrying", "retrying/backoff.py", ["MIT"], 64, "Python"),
    (BASE64_RS, "b64/b64-tiny", "src/lib.rs", ["Unlicense"], 2, "Rust"),
    (EMITTER_JS, "emitter-fork/emitter", "index.js", ["MIT"], 0, "JavaScript"),
    (WC_C, "coreutils-mini/wc", "wc.c", ["GPL-2.0-only"], 25, "C"),
    (TOPOSORT_PY, "dagtools/toposort", "toposort.py", ["BSD-3-Clause"], 310, "Python"),
    (RPN_JAVA, "calc-examples/rpn", "src/main/java/rpn/Rpn.java", ["Apache-2.0"], 5, "Java"),
    (ROMAN_RS, "numerals/roman", "src/lib.rs", ["MIT"], 73, "Rust"),
]


def git_blob_sha1(text):
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def write_jsonl():
    lines = [json.dumps(rec, ensure_ascii=True, separators=(",", ":")) for rec in JSONL]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    cctx = zstandard.ZstdCompressor(level=19, write_checksum=True)
    with open(os.path.join(HERE, "jsonl", "snippets.jsonl.zst"), "wb") as f:
        f.write(cctx.compress(raw))


def write_parquet():
    schema = pa.schema([
        ("hexsha", pa.string()),
        ("max_stars_repo_name", pa.string()),
        ("max_stars_repo_path", pa.string()),
        ("max_stars_repo_licenses", pa.list_(pa.string())),
        ("max_stars_count", pa.int64()),
        ("lang", pa.string()),
        ("content", pa.string()),
    ])
    cols = {
        "hexsha": [git_blob_sha1(r[0]) for r in STACK],
        "max_stars_repo_name": [r[1] for r in STACK],
        "max_stars_repo_path": [r[2] for r in STACK],
        "max_stars_repo_licenses": [r[3] for r in STACK],
        "max_stars_count": [r[4] for r in STACK],
        "lang": [r[5] for r in STACK],
        "content": [r[0] for r in STACK],
    }
    table = pa.table(cols, schema=schema)
    # Two row groups (8 + 7 rows) so readers must handle more than one.
    pq.write_table(
        table,
        os.path.join(HERE, "stack", "stack-sample.parquet"),
        compression="zstd",
        row_group_size=8,
        write_statistics=False,
    )


def png_1x1():
    """A valid 1x1 RGBA PNG: signature plus IHDR, IDAT and IEND chunks."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00\x2e\x8b\x57\xff", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def write_rejection_fixtures():
    def put(rel, data):
        path = os.path.join(HERE, "repos", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    # binary: contains NUL bytes (and, being a PNG, also non-UTF-8 bytes).
    put("scratchpad/assets/logo.png", png_1x1())
    # binary: NUL bytes but otherwise plain 7-bit ASCII, so only the NUL
    # check can reject it.
    put("argo/testdata/golden.bin",
        b"ARGO\x00\x01\x00\x03" + b"--verbose\x00--output=out.txt\x00in.txt\x00" + b"\x00" * 8)
    # not-utf8: Latin-1 encoded text (0xE9, 0xFC, 0xF6 are invalid UTF-8 here).
    put("argo/docs/CHANGES.txt", (
        "argo release notes\n"
        "==================\n\n"
        "1.3.0  Short option bundles such as -vj8 now parse correctly.\n"
        "       Thanks to Ren\u00e9 M\u00fcller for the report.\n"
        "1.2.0  Usage output is aligned in two columns (J\u00f6rg Sch\u00f6n).\n"
        "1.1.0  Added Int options and the -- terminator.\n"
    ).encode("latin-1"))
    # empty: a zero-length package marker.
    put("lrukit/lrukit/__init__.py", b"")


if __name__ == "__main__":
    write_rejection_fixtures()
    write_jsonl()
    write_parquet()
    print("wrote jsonl/snippets.jsonl.zst, stack/stack-sample.parquet and rejection fixtures")
