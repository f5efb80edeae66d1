#!/usr/bin/env python3
"""Verify corpusledger's sample data against its planted truth.

Recomputes, in pure Python, everything expected.json claims:

  * the document list: every file under repos/ (except .git/), every line of
    jsonl/snippets.jsonl.zst, every row of stack/stack-sample.parquet;
  * rejections (empty / binary / not-utf8) of repository files;
  * exact-duplicate groups (byte-identical documents);
  * all pairwise Jaccard similarities of 5-token shingle sets under both
    tokenizers ("bigcode" and "code"), asserting that every planted near pair
    is >= 0.80 under both, and every pair that is not related through a
    planted group is <= 0.40 under both (nothing falls in between);
  * the license each accepted repository file should resolve to.

Usage:
  python3 check.py           verify, exit 1 on any mismatch
  python3 check.py --write   verify the data, then (re)write expected.json

Needs pyarrow and zstandard (pip install pyarrow zstandard).
"""

import hashlib
import io
import itertools
import json
import os
import re
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
JSONL_NAME = "snippets.jsonl.zst"
STACK_NAME = "stack-sample.parquet"

NEAR_MIN = 0.80      # planted near pairs must reach this under both tokenizers
DISTINCT_MAX = 0.40  # every unrelated pair must stay at or below this
SHINGLE = 5
MAX_SIZE = 1 << 20
HEADER_LINES = 10    # an SPDX tag must appear within the first lines

# --- planted truth ---------------------------------------------------------

J = lambda n: f"jsonl:{JSONL_NAME}:{n}"   # 1-based line number
S = lambda n: f"stack:{STACK_NAME}:{n}"   # 0-based row number

PLANTED_EXACT = {
    "X1": ["repos/lrukit/lrukit/cache.py", "repos/scratchpad/py/lru_cache.py"],
    "X2": ["repos/dotsync/src/vendor/ini.sh", J(4), S(7)],
    "X3": ["repos/tinytok/src/cursor.rs", S(5)],
    "X4": ["repos/ringbuf-c/.gitignore", "repos/scratchpad/.gitignore"],
    "X5": [J(8), S(10)],
}

PLANTED_NEAR = {
    "N1": ("repos/ringbuf-c/src/ringbuf.c", "repos/scratchpad/c/ring.c"),
    "N2": ("repos/tinytok/src/lib.rs", J(5)),
    "N3": ("repos/argo/flags.go", S(1)),
    "N4": ("repos/tinytok/LICENSE", "repos/dotsync/LICENSE"),
    "N5": (J(7), S(8)),
    "N6": ("repos/lrukit/lrukit/cache.py", S(4)),
}

PLANTED_REJECTIONS = {
    "repos/lrukit/lrukit/__init__.py": "empty",
    "repos/scratchpad/assets/logo.png": "binary",
    "repos/argo/testdata/golden.bin": "binary",
    "repos/argo/docs/CHANGES.txt": "not-utf8",
}

# License files and the SPDX id the `spdx` crate's text matcher
# assigns to each. The bare GPL-3.0 text, with no "or (at your option) any
# later version" notice, is GPL-3.0-only.
LICENSE_FILES = {
    "repos/tinytok/LICENSE": "MIT",
    "repos/lrukit/LICENSE": "Apache-2.0",
    "repos/ringbuf-c/COPYING": "GPL-3.0-only",
    "repos/argo/LICENSE": "BSD-3-Clause",
    "repos/dotsync/LICENSE": "MIT",
    "repos/dotsync/src/vendor/LICENSE": "ISC",
}

# --- tokenizers --------------------------------------------------------------

BIGCODE_RE = re.compile(r"[A-Za-z0-9_]+")
CODE_RE = re.compile(r"[A-Za-z0-9_]+|[^\sA-Za-z0-9_]+")
TOKENIZERS = {"bigcode": BIGCODE_RE, "code": CODE_RE}


def shingles(text, rx):
    toks = rx.findall(text)
    if len(toks) < SHINGLE:
        return None  # too short: takes no part in near-dedup
    return {tuple(toks[i:i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)}


def jaccard(a, b):
    if a is None or b is None:
        return None
    return len(a & b) / len(a | b)


# --- loading -------------------------------------------------------------------

class Doc:
    def __init__(self, ref, data):
        self.ref = ref
        self.data = data  # bytes
        self.reason = None
        self.text = None
        if len(data) == 0:
            self.reason = "empty"
        elif len(data) > MAX_SIZE:
            self.reason = "too-large"
        elif b"\0" in data:
            self.reason = "binary"
        else:
            try:
                self.text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.reason = "not-utf8"


def load_repos():
    docs = []
    root = os.path.join(HERE, "repos")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if not os.path.isfile(full) or os.path.islink(full):
                continue
            rel = os.path.relpath(full, HERE).replace(os.sep, "/")
            with open(full, "rb") as f:
                docs.append(Doc(rel, f.read()))
    return docs


def load_jsonl():
    with open(os.path.join(HERE, "jsonl", JSONL_NAME), "rb") as f:
        raw = zstandard.ZstdDecompressor().stream_reader(f).read()
    docs = []
    for n, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        rec = json.loads(line)
        for field in ("text", "id", "repo", "path"):
            assert isinstance(rec.get(field), str), f"line {n}: missing {field}"
        docs.append(Doc(J(n), rec["text"].encode("utf-8")))
    return docs


def load_stack():
    table = pq.read_table(os.path.join(HERE, "stack", STACK_NAME))
    want = {"content", "max_stars_repo_name", "max_stars_repo_path",
            "max_stars_repo_licenses", "max_stars_count", "hexsha", "lang"}
    assert want <= set(table.column_names), table.column_names
    lic_type = table.schema.field("max_stars_repo_licenses").type
    assert pa.types.is_list(lic_type) and pa.types.is_string(lic_type.value_type), lic_type
    assert pa.types.is_int64(table.schema.field("max_stars_count").type)
    rows = table.to_pylist()
    docs = []
    for i, row in enumerate(rows):
        data = row["content"].encode("utf-8")
        sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        assert row["hexsha"] == sha, f"row {i}: hexsha is not the git blob id"
        docs.append(Doc(S(i), data))
    return docs


# --- license resolution (mirrors corpusledger's rules) ---------------------------

SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-]+)")


def resolve_license(ref, text, license_files):
    for line in text.splitlines()[:HEADER_LINES]:
        m = SPDX_TAG.search(line)
        if m:
            return m.group(1)
    parts = ref.split("/")          # repos/<repo>/<dirs...>/<file>
    repo_root = 2                   # parts[:2] == ["repos", "<repo>"]
    for depth in range(len(parts) - 1, repo_root - 1, -1):
        folder = "/".join(parts[:depth])
        found = sorted(p for p in license_files if p.rsplit("/", 1)[0] == folder)
        if found:
            return license_files[found[0]]
    return "NOASSERTION"


# --- main ------------------------------------------------------------------------

def components(nodes, edges):
    parent = {n: n for n in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups = {}
    for n in nodes:
        groups.setdefault(find(n), []).append(n)
    return groups


def main():
    write = "--write" in sys.argv[1:]
    failures = []

    def fail(msg):
        failures.append(msg)

    repo_docs = load_repos()
    jsonl_docs = load_jsonl()
    stack_docs = load_stack()
    docs = repo_docs + jsonl_docs + stack_docs
    by_ref = {d.ref: d for d in docs}
    assert len(by_ref) == len(docs)
    accepted = [d for d in docs if d.reason is None]

    # Rejections.
    rejections = sorted(({"ref": d.ref, "reason": d.reason} for d in docs if d.reason),
                        key=lambda r: r["ref"])
    got_rej = {r["ref"]: r["reason"] for r in rejections}
    if got_rej != PLANTED_REJECTIONS:
        fail(f"rejections differ from planted: {got_rej}")

    # Only ASCII text, so every tokenizer definition agrees on what a
    # letter, a digit or whitespace is.
    for d in accepted:
        if not d.text.isascii():
            fail(f"{d.ref}: non-ASCII text in an accepted document")

    # Exact groups.
    by_hash = {}
    for d in docs:
        by_hash.setdefault(hashlib.sha256(d.data).hexdigest(), []).append(d.ref)
    exact_groups = sorted(sorted(g) for g in by_hash.values() if len(g) > 1)
    planted_exact = sorted(sorted(g) for g in PLANTED_EXACT.values())
    if exact_groups != planted_exact:
        fail(f"exact groups differ from planted:\n  got     {exact_groups}\n  planted {planted_exact}")

    # Planted relation graph: exact groups plus near pairs.
    planted_edges = [(g[0], x) for g in PLANTED_EXACT.values() for x in g[1:]]
    planted_edges += list(PLANTED_NEAR.values())
    for a, b in planted_edges:
        for r in (a, b):
            if r not in by_ref:
                fail(f"planted ref {r} does not exist")
    comp = components([d.ref for d in docs], planted_edges)
    comp_of = {m: root for root, ms in comp.items() for m in ms}

    # Pairwise Jaccard under both tokenizers.
    sh = {name: {d.ref: shingles(d.text, rx) for d in accepted} for name, rx in TOKENIZERS.items()}
    near_pairs = []
    max_unrelated = {name: (0.0, None) for name in TOKENIZERS}
    min_near = {name: (1.0, None) for name in TOKENIZERS}
    planted_near_set = {frozenset(p) for p in PLANTED_NEAR.values()}
    pair_count = 0
    for a, b in itertools.combinations(accepted, 2):
        pair_count += 1
        identical = a.data == b.data
        js = {name: jaccard(sh[name][a.ref], sh[name][b.ref]) for name in TOKENIZERS}
        related = comp_of[a.ref] == comp_of[b.ref]
        is_planted_near = frozenset((a.ref, b.ref)) in planted_near_set
        if identical:
            continue
        high = [n for n, v in js.items() if v is not None and v > DISTINCT_MAX]
        if is_planted_near:
            for name, v in js.items():
                if v is None or v < NEAR_MIN:
                    fail(f"planted near pair {a.ref} ~ {b.ref}: {name} Jaccard {v}")
                elif v < min_near[name][0]:
                    min_near[name] = (v, (a.ref, b.ref))
            near_pairs.append((a.ref, b.ref))
            continue
        if related:
            # Implied by planted copies (e.g. the near copy of a file that is
            # also exactly copied elsewhere). Must still be clear-cut.
            if high and not all(v is not None and v >= NEAR_MIN for v in js.values()):
                fail(f"implied pair {a.ref} ~ {b.ref} is ambiguous: {js}")
            if high:
                near_pairs.append((a.ref, b.ref))
            continue
        for name, v in js.items():
            if v is not None and v > max_unrelated[name][0]:
                max_unrelated[name] = (v, (a.ref, b.ref))
        if high:
            fail(f"unplanted pair {a.ref} ~ {b.ref} too similar: {js}")

    # Near groups: components of (exact + near) that contain a near pair.
    near_nodes = sorted({r for p in near_pairs for r in p})
    edges = near_pairs + [(g[0], x) for g in exact_groups for x in g[1:]]
    all_nodes = sorted({r for p in edges for r in p})
    comps = components(all_nodes, edges)
    near_groups = sorted(sorted(ms) for ms in comps.values() if any(m in near_nodes for m in ms))

    # Licenses of accepted repository files.
    on_disk_license_files = sorted(d.ref for d in repo_docs
                                   if re.match(r"(LICENSE|COPYING)", d.ref.rsplit("/", 1)[1]))
    if on_disk_license_files != sorted(LICENSE_FILES):
        fail(f"license files on disk {on_disk_license_files} != declared {sorted(LICENSE_FILES)}")
    licenses = {d.ref: resolve_license(d.ref, d.text, LICENSE_FILES)
                for d in repo_docs if d.reason is None}
    for d in repo_docs:
        if d.reason is None and d.ref not in LICENSE_FILES:
            # A stray SPDX tag outside the header would be ambiguous.
            body = "\n".join(d.text.splitlines()[HEADER_LINES:])
            if "SPDX-License-Identifier" in body:
                fail(f"{d.ref}: SPDX tag outside the first {HEADER_LINES} lines")

    computed = {
        "_doc": EXPECTED_DOC,
        "documents": len(docs),
        "exact_groups": exact_groups,
        "near_groups": near_groups,
        "rejections": rejections,
        "licenses": dict(sorted(licenses.items())),
    }

    total_bytes = sum(os.path.getsize(os.path.join(dp, f))
                      for dp, _, fs in os.walk(HERE) for f in fs
                      if "__pycache__" not in dp)
    if total_bytes > 300 * 1024:
        fail(f"sample-data is {total_bytes} bytes, over 300 KiB")

    expected_path = os.path.join(HERE, "expected.json")
    if write and not failures:
        with open(expected_path, "w", encoding="utf-8") as f:
            json.dump(computed, f, indent=2)
            f.write("\n")
        print("wrote expected.json")
    try:
        with open(expected_path, encoding="utf-8") as f:
            expected = json.load(f)
    except FileNotFoundError:
        expected = None
        fail("expected.json is missing (run with --write)")
    if expected is not None:
        for key in ("documents", "exact_groups", "near_groups", "rejections", "licenses"):
            if expected.get(key) != computed[key]:
                fail(f"expected.json[{key!r}] does not match the recomputed value")

    # Report.
    print(f"documents: {len(docs)} (repos {len(repo_docs)}, jsonl {len(jsonl_docs)}, "
          f"parquet {len(stack_docs)}); accepted {len(accepted)}; rejected {len(rejections)}")
    print(f"pairs compared: {pair_count}")
    for name in TOKENIZERS:
        short = sum(1 for d in accepted if sh[name][d.ref] is None)
        v, p = min_near[name]
        u, q = max_unrelated[name]
        print(f"[{name}] <{SHINGLE} tokens: {short} docs; min planted near Jaccard {v:.3f} {p}; "
              f"max unrelated Jaccard {u:.3f} {q}")
    for key, (a, b) in PLANTED_NEAR.items():
        js = {name: jaccard(sh[name][a], sh[name][b]) for name in TOKENIZERS}
        print(f"  {key} {a} ~ {b}: bigcode {js['bigcode']:.3f}, code {js['code']:.3f}")
    print(f"exact groups: {len(exact_groups)}; near groups: {len(near_groups)}; "
          f"licensed files: {len(licenses)}; total size {total_bytes} bytes")
    if failures:
        print("\nFAILED:")
        for f in failures:
            print("  - " + f)
        print(f"check: {len(failures)} failure(s)")
        return 1
    print("check: all assertions passed")
    return 0


EXPECTED_DOC = (
    "Ground truth for sample-data/, produced and verified by check.py. "
    "Refs: 'repos/<repo>/<path>' for files under repos/ (repo depth 1), "
    "'jsonl:snippets.jsonl.zst:<line, 1-based>', 'stack:stack-sample.parquet:<row, 0-based>'. "
    "documents = every file under repos/ (rejected ones included) + every JSONL line + every Parquet row. "
    "exact_groups = sets of byte-identical documents. "
    "near_groups = connected components of the union of exact-duplicate links and near-duplicate links "
    "(pairs with 5-gram-shingle Jaccard >= 0.80 under both the 'bigcode' and the 'code' tokenizer), "
    "keeping only components that contain at least one non-identical near pair; so a group may include "
    "exact copies of a near-copied file. Every pair not inside one of these groups has Jaccard <= 0.40 under "
    "both tokenizers. All lists are sorted by plain string order. "
    "rejections = repository files the reader must reject (a PNG has NUL bytes and is expected as 'binary'). "
    "licenses = the license every accepted (non-rejected) repository file resolves to: an SPDX-License-Identifier "
    "tag in the file's first lines wins, else the nearest LICENSE*/COPYING* file up to the repo root, "
    "else NOASSERTION; the bare GPL-3.0 text, with no 'or any later version' notice, is GPL-3.0-only."
)

if __name__ == "__main__":
    sys.exit(main())
