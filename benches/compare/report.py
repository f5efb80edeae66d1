"""Formats the comparison results (WORK/results.json written by harness.py)
as markdown: the table, the notes, the truth check and the commands.

    python report.py --results WORK/results.json [--out results.md]
"""

import argparse
import json

MB = 1 << 20

TOOL_NOTES = {
    "corpusledger": "exact dedup by content hash, then MinHash (one-permutation, 256 bins) + LSH "
                    "(bands x rows from the manifest) and every candidate pair verified by exact "
                    "Jaccard; our bigcode 5-gram shingles; `--threads 2`.",
    "datasketch": "our shingles (Python); MinHash (256 perms, sha1_hash32, affine32) in 2 worker "
                  "processes; MinHashLSH picks bands x rows; clusters = connected components of "
                  "LSH query results, candidates not verified.",
    "rensa": "our shingles (Python); full-set RMinHash (256 perms) via from_token_sets in 2 worker "
             "processes; RMinHashLSH needs bands dividing 256, so bands x rows is the best such "
             "split; components of query_all candidates, not verified.",
    "datatrove": "NOT our shingles: datatrove's simplify_text (lowercase, digits -> 0, punctuation "
                 "dropped) + spaCy English word tokens, 5-grams, xxhash64; documents first written "
                 "to 2 JSONL files (counted); Signature (2 tasks) -> Buckets (b tasks) -> Cluster "
                 "with save_cluster_id, LocalPipelineExecutor with 2 workers; equal band hashes, "
                 "not verified.",
    "datatrove-bigcode": "datatrove as above but with our shingles (no text normalisation, "
                         "[A-Za-z0-9_]+ tokens through a custom WordTokenizer).",
}
COMMON_NOTES = [
    "docs P/R/F1: the set of documents put in a group of size >= 2 vs the truth's; "
    "pairs P/R/F1: co-membership of document pairs (contingency counts).",
    "removed: documents a tool drops (sum of cluster size - 1), and its difference from the "
    "truth's removable count.",
    "to clusters: corpusledger's plan + ingest+sign + merge + deduplicate stages (it then writes "
    "Parquet); for the peers, their own time from start of reading to clusters (no interpreter "
    "start-up or imports).",
    "MB/s: bytes of the document set / wall; MB = 2^20 bytes.  peak RSS: the largest single "
    "process (time -v); tree RSS: peak of the summed RSS of all processes of the run "
    "(sampled every 0.2 s).",
    "Peers skip documents with fewer than 5 tokens (no shingle), so they miss exact copies of "
    "those; the truth and corpusledger group them by content hash.",
]


def _f(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def _mb(b):
    return "-" if not b else f"{b / MB:,.0f}"


def row(r, base_wall, corpus_bytes):
    m, run = r.get("metrics"), r.get("run", {})
    if r.get("error"):
        return (f"| {r['tool']} | {r['threshold']} | **failed**: {r['error'][:160]} "
                f"| | | {_f(run.get('wall_seconds'), 1)} | | | | | |")
    wall = run["wall_seconds"]
    ratio = f"{wall / base_wall:.1f}x" if base_wall else "-"
    return "| " + " | ".join([
        r["tool"], str(r["threshold"]),
        f"{_f(m['docs_precision'])} / {_f(m['docs_recall'])} / {_f(m['docs_f1'])}",
        f"{_f(m['pairs_precision'])} / {_f(m['pairs_recall'])} / {_f(m['pairs_f1'])}",
        f"{m['removed']:,} ({m['removed_diff_pct']:+.1f}%)",
        _f(wall, 1), _f(r.get("to_clusters_seconds"), 1),
        _f(corpus_bytes / MB / wall if wall else None, 1),
        _mb(run.get("max_rss_bytes")), _mb(run.get("tree_peak_rss_bytes")), ratio,
    ]) + " |"


def table(res):
    lines = [
        "| tool | T | docs P / R / F1 | pairs P / R / F1 | removed (vs truth) | wall s "
        "| to clusters s | MB/s | peak RSS MB | tree RSS MB | wall / corpusledger |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in res["thresholds"]:
        rows = [r for r in res["runs"] if r["threshold"] == t]
        base = next((r["run"]["wall_seconds"] for r in rows
                     if r["tool"] == "corpusledger" and not r.get("error")), None)
        truth = res["truth"][str(t)]
        lines.append(f"| *exact truth* | {t} | {truth['documents_in_groups']:,} docs in "
                     f"{truth['groups']:,} groups | {truth['near_pairs']:,} near pairs | "
                     f"{truth['removable']:,} removable | | | | | | |")
        lines += [row(r, base, res["corpus"]["bytes"]) for r in rows]
    return "\n".join(lines)


def table_long(res):
    """Scores on the documents with at least 5 tokens only (what the peers sketch)."""
    lines = ["| tool | T | docs P / R / F1 | pairs P / R / F1 | removed (vs truth) |",
             "|---|---|---|---|---|"]
    for r in res["runs"]:
        m = r.get("metrics_long")
        if m:
            lines.append(f"| {r['tool']} | {r['threshold']} "
                         f"| {_f(m['docs_precision'])} / {_f(m['docs_recall'])} / {_f(m['docs_f1'])} "
                         f"| {_f(m['pairs_precision'])} / {_f(m['pairs_recall'])} / {_f(m['pairs_f1'])} "
                         f"| {m['removed']:,} / {m['truth_removable']:,} ({m['removed_diff_pct']:+.1f}%) |")
    return "\n".join(lines)


def markdown(res, title="corpusledger vs. peers: near-duplicate detection"):
    c, mach = res["corpus"], res["machine"]
    out = [
        f"# {title}", "",
        f"Run on {res['date']}: {mach['nproc']} cores ({mach['cpu']}), {mach['ram_gb']:.1f} GB RAM, "
        f"{mach['os']}; corpusledger {res['versions'].get('corpusledger', '?')}, "
        + ", ".join(f"{k} {v}" for k, v in res["versions"].items() if k != "corpusledger") + ".",
        "",
        f"Corpus: `{c['path']}`: {c['documents']:,} documents ({c['bytes'] / MB:,.0f} MB) of "
        f"{c['files']:,} files; {c['short_documents']:,} documents have fewer than 5 tokens.  "
        + ", ".join(f"{k}: {v:,} docs" for k, v in c["parts"].items()) + ".",
        "",
        "Command:", "", "```sh", res["command"], "```", "",
        table(res), "",
        "Notes:", "",
    ]
    out += [f"- {n}" for n in COMMON_NOTES]
    tools = sorted({r["tool"] for r in res["runs"]}, key=list(TOOL_NOTES).index)
    out += [f"- **{t}**: {TOOL_NOTES[t]}" + "".join(
        f" T={r['threshold']}: {r['bands']}x{r['rows']}." for r in res["runs"]
        if r["tool"] == t and r.get("bands")) for t in tools]
    if any(r.get("metrics_long") for r in res["runs"]):
        out += ["", "The same scores on the documents with at least 5 tokens only (both the truth and "
                "the tool's clusters restricted to them): the near-duplicate part, without the exact "
                "copies of tiny files that only a content hash finds.", "", table_long(res)]
    out += ["", "Ground truth (exact all-pairs Jaccard of the shingle sets, no MinHash) and its "
            "brute-force check on a random subset:", ""]
    for t in res["thresholds"]:
        tr, v = res["truth"][str(t)], res["verify"].get(str(t), {})
        check = ("agrees" if v.get("agree") else "**DISAGREES**") if v else "not checked"
        short = tr.get("short_in_groups")
        short = f" {short:,} of its {tr['documents_in_groups']:,} grouped documents have < 5 tokens." \
            if short is not None else ""
        out.append(f"- T={t}: {tr['implementation']}, {tr['seconds']:.1f} s; {tr['near_pairs']:,} "
                   f"near pairs of {tr['texts']:,} distinct texts.{short}  "
                   f"Check on {v.get('subset_documents', 0):,} "
                   f"documents ({v.get('subset_texts', 0):,} texts, seed {v.get('seed')}): "
                   f"{v.get('brute_force_pairs', 0):,} brute-force pairs vs "
                   f"{v.get('truth_pairs_in_subset', 0):,} truth pairs in the subset: {check} "
                   f"(missing {v.get('missing_from_truth')}, extra {v.get('extra_in_truth')}, "
                   f"Jaccard mismatches {v.get('jaccard_mismatches')}, component violations "
                   f"{v.get('component_violations')}).")
        if tr["documents"] != c["documents"]:
            out.append(f"  The truth read {tr['documents']:,} documents, the document set has "
                       f"{c['documents']:,}: keys outside the set are left out of every score.")
    out += ["", "Exact commands of each run (under `/usr/bin/time -v`):", "", "```sh"]
    out += [" ".join(r["run"]["command"]) for r in res["runs"] if r.get("run", {}).get("command")]
    out += ["```", ""]
    return "\n".join(out)


MANUAL_MARKER = "<!-- written by hand below: kept when the tables are regenerated -->"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    with open(args.results) as f:
        text = markdown(json.load(f))
    if args.out:
        write_keeping_manual(args.out, text)
    print(text)


def write_keeping_manual(path, text):
    """Writes `text` to `path`, keeping the hand-written part below
    MANUAL_MARKER (targets, profiles) of the file it replaces."""
    kept = ""
    try:
        with open(path) as f:
            old = f.read()
        if MANUAL_MARKER in old:
            kept = "\n" + MANUAL_MARKER + old.split(MANUAL_MARKER, 1)[1]
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text + kept)


if __name__ == "__main__":
    main()
