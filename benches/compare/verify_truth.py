"""Checks a ground truth (the Rust `exact-truth` example's or truth_py.py's) on
a random subset of the corpus by brute force: every pair of distinct texts in
the subset, exact Jaccard of their 5-gram shingle sets (shingles compared as
exact byte strings, independent of the truth's hashing).

    python verify_truth.py --corpus DIR --truth TRUTH_DIR --threshold 0.7 \
        [--docs docs.tsv] [--sample 1500] [--seed 20240601] [--out verify.json]

The subset (fixed seed) is half "path families" (the same file path across
the versions of a package, e.g. crates/serde@*/src/de.rs, taken whole, so
that it holds real near-duplicates) and half documents drawn uniformly.

Agreement means: the set of text pairs with Jaccard >= T found by brute
force equals the truth's pairs.tsv restricted to texts in the subset (keys
mapped to texts by content hash), the Jaccard values agree to 1e-6, and
every brute-force pair (and every byte-identical pair) is in one truth
component.  Prints a JSON report; exit code 0 when they agree, 1 otherwise.
"""

import argparse
import json
import random
import re
import sys
import time

from common import content_hash, iter_documents, read_clusters, read_manifest, shingles, tokens

_VERSION_RE = re.compile(r"@[^/]*")


def family(key):
    """The key with the version part of the package folder removed."""
    return _VERSION_RE.sub("", key, count=1)


def choose_subset(keys, size, seed):
    rng = random.Random(seed)
    fams = {}
    for k in keys:
        fams.setdefault(family(k), []).append(k)
    multi = sorted(f for f, ks in fams.items() if len(ks) >= 2)
    rng.shuffle(multi)
    chosen = []
    for f in multi:
        if len(chosen) >= size // 2:
            break
        if len(chosen) + len(fams[f]) <= size // 2 + 20:
            chosen.extend(fams[f])
    taken = set(chosen)
    rest = [k for k in keys if k not in taken]
    chosen.extend(rng.sample(rest, min(len(rest), size - len(chosen))))
    return sorted(chosen)


def brute_force(texts, t):
    """{(hash_a, hash_b): jaccard} for every pair of texts with J >= t."""
    items = sorted(((h, s) for h, s in texts.items() if s), key=lambda hs: len(hs[1]))
    out = {}
    for i, (ha, sa) in enumerate(items):
        na = len(sa)
        for hb, sb in items[i + 1:]:
            nb = len(sb)
            if na < t * nb:  # sorted by size: every later b is at least as large
                break
            inter = len(sa & sb)
            j = inter / (na + nb - inter)
            if j >= t:
                out[tuple(sorted((ha, hb)))] = j
    return out


def verify(corpus, truth_dir, t, docs=None, sample=1500, seed=20240601):
    start = time.monotonic()
    manifest = read_manifest(docs) if docs else None
    if manifest is None:
        manifest = {k: (len(d), len(tokens(d)), content_hash(d)) for k, d in iter_documents(corpus)}
    subset = choose_subset(sorted(manifest), sample, seed)
    texts, key_hash = {}, {}
    for key, data in iter_documents(corpus, subset):
        h = content_hash(data)
        key_hash[key] = h
        if h not in texts:
            texts[h] = shingles(tokens(data))
    found = brute_force(texts, t)

    truth_pairs = {}
    with open(f"{truth_dir}/pairs.tsv", encoding="utf-8") as f:
        for line in f:
            a, b, j = line.rstrip("\n").split("\t")
            ha, hb = manifest[a][2], manifest[b][2]
            if ha in texts and hb in texts:
                truth_pairs[tuple(sorted((ha, hb)))] = float(j)
    missing = sorted(set(found) - set(truth_pairs))
    extra = sorted(set(truth_pairs) - set(found))
    jdiff = [p for p in set(found) & set(truth_pairs) if abs(found[p] - truth_pairs[p]) > 1e-6]

    comp = read_clusters(f"{truth_dir}/components.tsv")
    keys_of = {}
    for k, h in key_hash.items():
        keys_of.setdefault(h, []).append(k)
    violations = 0
    for ks in keys_of.values():  # byte-identical copies: one component
        comps = {comp.get(k) for k in ks}
        if len(ks) >= 2 and (len(comps) != 1 or None in comps):
            violations += 1
    for ha, hb in found:
        ca, cb = comp.get(keys_of[ha][0]), comp.get(keys_of[hb][0])
        if ca is None or ca != cb:
            violations += 1
    name = lambda p: [keys_of[p[0]][0], keys_of[p[1]][0]]  # noqa: E731
    report = {
        "threshold": t, "seed": seed, "subset_documents": len(key_hash),
        "subset_texts": len(texts), "brute_force_pairs": len(found),
        "truth_pairs_in_subset": len(truth_pairs),
        "missing_from_truth": len(missing), "extra_in_truth": len(extra),
        "jaccard_mismatches": len(jdiff), "component_violations": violations,
        "examples_missing": [name(p) for p in missing[:5]],
        "examples_extra": [name(p) for p in extra[:5]],
        "seconds": round(time.monotonic() - start, 2),
    }
    report["agree"] = not (missing or extra or jdiff or violations)
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--truth", required=True, help="folder with pairs.tsv and components.tsv")
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--docs", help="docs.tsv from `common.py manifest` (else computed)")
    ap.add_argument("--sample", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", help="also write the report here")
    args = ap.parse_args()
    report = verify(args.corpus, args.truth, args.threshold, args.docs, args.sample, args.seed)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    sys.exit(0 if report["agree"] else 1)


if __name__ == "__main__":
    main()
