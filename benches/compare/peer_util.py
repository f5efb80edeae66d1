"""Helpers shared by the peer runners (peer_datasketch.py, peer_rensa.py,
peer_datatrove.py): command line, LSH banding choice, a worker pool over the
corpus, phase timing and the stats file."""

import argparse
import json
import math
import multiprocessing as mp
import os
import sys
import time

from common import list_files


def parse_args(doc, extra=None):
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="corpus root folder")
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--num-perm", type=int, default=256)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2, help="processes for reading and sketching")
    ap.add_argument("--out", required=True, help="clusters TSV to write")
    ap.add_argument("--stats", help="JSON with phase timings and parameters")
    if extra:
        extra(ap)
    return ap.parse_args()


def s_curve(s, b, r):
    """Probability that two sets of Jaccard s share at least one band."""
    return 1.0 - (1.0 - s**r) ** b


def _integrate(f, lo, hi, steps=200):
    if hi <= lo:
        return 0.0
    h = (hi - lo) / steps
    return h * (0.5 * f(lo) + sum(f(lo + i * h) for i in range(1, steps)) + 0.5 * f(hi))


def choose_bands(threshold, num_perm, exact_split=False):
    """(bands, rows) minimising the false-positive area below the threshold
    plus the false-negative area above it (equal weights), over b*r <= num_perm,
    or b*r == num_perm when exact_split (an index that needs it)."""
    best, best_err = None, math.inf
    for b in range(1, num_perm + 1):
        rows = [num_perm // b] if exact_split else range(1, num_perm // b + 1)
        if exact_split and num_perm % b:
            continue
        for r in rows:
            fp = _integrate(lambda s, b=b, r=r: s_curve(s, b, r), 0.0, threshold)
            fn = _integrate(lambda s, b=b, r=r: 1.0 - s_curve(s, b, r), threshold, 1.0)
            if fp + fn < best_err:
                best, best_err = (b, r), fp + fn
    return best


class Timer:
    """Named phase timings: `with timer("sketch"): ...`."""

    def __init__(self):
        self.start = time.monotonic()
        self.phases = []

    def __call__(self, name):
        timer = self

        class _Phase:
            def __enter__(self):
                self.t = time.monotonic()

            def __exit__(self, *exc):
                timer.phases.append([name, round(time.monotonic() - self.t, 3)])
                print(f"[{name}] {timer.phases[-1][1]:.1f}s", file=sys.stderr, flush=True)

        return _Phase()

    def total(self):
        return round(time.monotonic() - self.start, 3)


def chunks(seq, size):
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def map_corpus(corpus, func, workers, chunk=64, initializer=None, initargs=()):
    """Runs func(list_of_keys) over the corpus's files in chunks, in `workers`
    processes (in this one when workers <= 1); yields results in file order."""
    keys = list_files(corpus)
    parts = chunks(keys, chunk)
    if workers <= 1:
        if initializer:
            initializer(*initargs)
        yield from map(func, parts)
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap(func, parts)


def write_stats(path, timer, **fields):
    fields["phases"] = timer.phases
    fields["seconds_to_clusters"] = timer.total()
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump(fields, f, indent=2)
    print(json.dumps(fields), file=sys.stderr)
