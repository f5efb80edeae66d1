"""Turns a `corpusledger run` output folder into a clusters TSV.

    python corpusledger_clusters.py --out-dir OUT --clusters clusters.tsv

A document's cluster is its `cluster_id`: kept documents in OUT/data/*.parquet
(`cluster_id` is null when the document has no duplicate) and removed ones in
OUT/removed.parquet with reason `exact-duplicate` or `near-duplicate`
(rejected documents have no cluster).  Writes `key<TAB>cluster_id` for every
document in a cluster of size >= 2.  Needs pyarrow.
"""

import argparse
import glob
import os
import sys
from collections import Counter

import pyarrow.parquet as pq

DUPLICATE_REASONS = {"exact-duplicate", "near-duplicate"}


def read_clusters(out_dir):
    members = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "data", "**", "*.parquet"), recursive=True)):
        t = pq.read_table(path, columns=["key", "cluster_id"])
        for key, cid in zip(t.column("key").to_pylist(), t.column("cluster_id").to_pylist(), strict=True):
            if cid is not None:
                members[key] = cid
    removed = os.path.join(out_dir, "removed.parquet")
    reasons = Counter()
    if os.path.exists(removed):
        t = pq.read_table(removed, columns=["key", "reason", "cluster_id"])
        cols = (t.column(c).to_pylist() for c in ("key", "reason", "cluster_id"))
        for key, reason, cid in zip(*cols, strict=True):
            reasons[reason] += 1
            if reason in DUPLICATE_REASONS and cid is not None:
                members[key] = cid
    return members, reasons


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", required=True, help="corpusledger's --out folder")
    ap.add_argument("--clusters", required=True, help="TSV to write")
    args = ap.parse_args()
    members, reasons = read_clusters(args.out_dir)
    sizes = Counter(members.values())
    n = 0
    with open(args.clusters, "w", encoding="utf-8") as f:
        for key in sorted(members):
            if sizes[members[key]] >= 2:
                f.write(f"{key}\t{members[key]}\n")
                n += 1
    print(f"{n} documents in {sum(1 for s in sizes.values() if s >= 2)} clusters; "
          f"ledger reasons: {dict(reasons)}", file=sys.stderr)


if __name__ == "__main__":
    main()
