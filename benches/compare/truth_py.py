"""Exact near-duplicate ground truth in pure Python (the slow fallback and
cross-check of the Rust `exact-truth` example; same output format).

    python truth_py.py --input DIR --threshold 0.7 --out TRUTH_DIR

Writes TRUTH_DIR/components.tsv (`key<TAB>component` for every document in a
group of size >= 2: connected components of byte-identical files plus pairs of
texts with exact 5-gram-shingle Jaccard >= T), TRUTH_DIR/pairs.tsv
(`keyA<TAB>keyB<TAB>jaccard` for every pair of distinct texts with Jaccard >= T,
each text named by its smallest key) and TRUTH_DIR/stats.json.

Exact all-pairs join with prefix filtering (AllPairs): shingles are ranked by
global frequency, rarest first; two sets with Jaccard >= t must share a
shingle within their first |x| - ceil(t*|x|) + 1 ranks, so only sets sharing
such a prefix shingle (and of compatible size) are compared, and every
candidate is verified by exact set intersection.  Shingles are compared as
Python hashes of the exact shingle bytes (64-bit; one process).
"""

import argparse
import json
import math
import os
import sys
import time
from collections import Counter

from common import UnionFind, content_hash, iter_documents, shingles, tokens, write_clusters


def similar_pairs(sets, t):
    """(i, j, jaccard) for every i < j with jaccard(sets[i], sets[j]) >= t.
    Empty sets never pair."""
    freq = Counter()
    for s in sets:
        freq.update(s)
    rank = {h: r for r, (h, _) in enumerate(sorted(freq.items(), key=lambda kv: (kv[1], kv[0])))}
    del freq
    order = sorted((i for i in range(len(sets)) if sets[i]), key=lambda i: len(sets[i]))
    index = {}  # shingle rank -> ids already seen (all of size <= the current one)
    pairs = []
    for x in order:
        sx = sets[x]
        nx = len(sx)
        min_size = t * nx  # |y| >= t*|x| for y no larger than x
        prefix_len = nx - math.ceil(t * nx - 1e-12) + 1
        prefix = sorted(rank[h] for h in sx)[:prefix_len]
        seen = set()
        for r in prefix:
            bucket = index.get(r)
            if bucket is None:
                index[r] = [x]
                continue
            for y in bucket:
                if y in seen:
                    continue
                seen.add(y)
                sy = sets[y]
                if len(sy) < min_size:
                    continue
                inter = len(sx & sy) if nx <= len(sy) else len(sy & sx)
                j = inter / (nx + len(sy) - inter)
                if j >= t:
                    pairs.append((min(x, y), max(x, y), j))
            bucket.append(x)
    pairs.sort()
    return pairs


def compute(root, t, n=5):
    start = time.monotonic()
    keys, text_of, hashes = [], [], {}
    sets, rep = [], []
    for key, data in iter_documents(root):  # sorted keys: first key = representative
        h = content_hash(data)
        if h not in hashes:
            hashes[h] = len(sets)
            rep.append(key)
            sets.append({hash(s) for s in shingles(tokens(data), n)})
        keys.append(key)
        text_of.append(hashes[h])
    read_s = time.monotonic() - start
    pairs = similar_pairs(sets, t)
    join_s = time.monotonic() - start - read_s
    uf = UnionFind(len(sets))
    for a, b, _ in pairs:
        uf.union(a, b)
    by_root = {}
    for d, text in enumerate(text_of):
        by_root.setdefault(uf.find(text), []).append(d)
    groups = [m for m in by_root.values() if len(m) >= 2]
    return {
        "keys": keys, "groups": groups, "rep": rep, "pairs": pairs,
        "texts": len(sets), "read_seconds": read_s, "join_seconds": join_s,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    r = compute(args.input, args.threshold, args.ngram)
    os.makedirs(args.out, exist_ok=True)
    grouped = write_clusters(os.path.join(args.out, "components.tsv"), r["keys"], r["groups"])
    with open(os.path.join(args.out, "pairs.tsv"), "w", encoding="utf-8") as f:
        for a, b, j in r["pairs"]:
            f.write(f"{r['rep'][a]}\t{r['rep'][b]}\t{j:.6f}\n")
    stats = {
        "documents": len(r["keys"]), "texts": r["texts"], "threshold": args.threshold,
        "ngram": args.ngram, "tokenizer": "bigcode", "near_pairs": len(r["pairs"]),
        "documents_in_groups": grouped, "groups": len(r["groups"]),
        "removable": grouped - len(r["groups"]),
        "read_seconds": r["read_seconds"], "join_seconds": r["join_seconds"],
        "implementation": "truth_py.py (prefix-filtered exact join)",
    }
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f, indent=2)
    print(json.dumps(stats), file=sys.stderr)


if __name__ == "__main__":
    main()
