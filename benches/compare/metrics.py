"""Scores a tool's clusters against the exact ground truth.

    python metrics.py --truth TRUTH_DIR|components.tsv --clusters clusters.tsv \
        [--docs docs.tsv] [--json out.json]

Both files hold `key<TAB>cluster` for every document in a group of size >= 2
(other documents are alone).  Reports:

- docs: precision / recall / F1 of the set of documents placed in a group of
  size >= 2;
- pairs: precision / recall / F1 of co-membership (two documents in the same
  cluster), from contingency counts: TP = sum over (cluster, component) cells
  of C(n, 2), predicted = sum of C(|cluster|, 2), true = sum of C(|component|, 2);
- removed: documents a tool would drop (sum of |cluster| - 1) against the
  truth's removable count, and the percent difference.

With --docs, keys outside the document set are dropped from both sides (and
counted as unknown_keys / truth_unknown_keys), so both cover the same documents.
"""

import argparse
import json
import os
from collections import Counter

from common import read_clusters, read_manifest


def c2(n):
    return n * (n - 1) // 2


def prf(tp, predicted, actual):
    p = tp / predicted if predicted else (1.0 if not actual else 0.0)
    r = tp / actual if actual else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _restrict(clusters, universe):
    """Drops keys outside the universe, then clusters left with one member."""
    kept = {k: c for k, c in clusters.items() if k in universe}
    sizes = Counter(kept.values())
    return {k: c for k, c in kept.items() if sizes[c] >= 2}, len(clusters) - len(kept)


def score(truth, pred, universe=None):
    """truth, pred: {key: cluster}.  Returns a dict of metrics."""
    unknown = truth_unknown = 0
    if universe is not None:
        pred, unknown = _restrict(pred, universe)
        truth, truth_unknown = _restrict(truth, universe)
    sizes_p = Counter(pred.values())
    sizes_t = Counter(truth.values())

    in_t, in_p = set(truth), set(pred)
    both = len(in_t & in_p)
    dp, dr, df = prf(both, len(in_p), len(in_t))

    cells = Counter((pred[k], truth[k]) for k in in_p & in_t)
    tp = sum(c2(n) for n in cells.values())
    pred_pairs = sum(c2(n) for n in sizes_p.values())
    true_pairs = sum(c2(n) for n in sizes_t.values())
    pp, pr, pf = prf(tp, pred_pairs, true_pairs)

    removed = sum(n - 1 for n in sizes_p.values())
    removable = sum(n - 1 for n in sizes_t.values())
    return {
        "docs_precision": dp, "docs_recall": dr, "docs_f1": df,
        "pairs_precision": pp, "pairs_recall": pr, "pairs_f1": pf,
        "docs_in_groups": len(in_p), "truth_docs_in_groups": len(in_t),
        "clusters": len(sizes_p), "truth_components": len(sizes_t),
        "pairs_predicted": pred_pairs, "pairs_true": true_pairs, "pairs_tp": tp,
        "removed": removed, "truth_removable": removable,
        "removed_diff_pct": 100.0 * (removed - removable) / removable if removable else 0.0,
        "unknown_keys": unknown, "truth_unknown_keys": truth_unknown,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True, help="truth folder or its components.tsv")
    ap.add_argument("--clusters", required=True, help="the tool's clusters.tsv")
    ap.add_argument("--docs", help="docs.tsv: restrict predictions to the document set")
    ap.add_argument("--json", help="also write the metrics here")
    args = ap.parse_args()
    truth_path = args.truth
    if os.path.isdir(truth_path):
        truth_path = os.path.join(truth_path, "components.tsv")
    universe = set(read_manifest(args.docs)) if args.docs else None
    m = score(read_clusters(truth_path), read_clusters(args.clusters), universe)
    text = json.dumps(m, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
