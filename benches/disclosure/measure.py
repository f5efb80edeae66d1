#!/usr/bin/env python3
"""Size and speed of disclosure proofs (issue 20), measured through the binary.

For each corpus size N it writes a synthetic JSONL corpus (seeded; 4 % exact
copies and 4 % near copies, so every tree has leaves), runs `corpusledger run`
on it, then `corpusledger prove` for Q queries (half documents of the corpus,
half absent texts) given as files and as --sha256, and `check-proof` on the
file proof. It reports proof bytes per query (which should grow as log N),
prove's wall time, and, with --base-bin, the wall time of `run` with and
without the commitments (a build of corpusledger before them), as a ratio.
With --compare-corpus DIR (the corpus of benches/compare) and --base-bin, it
also times `run` on that corpus with benches/compare's command line, with and
without the commitments, alternately.

    python3 benches/disclosure/measure.py --bin target/release/corpusledger \
        [--base-bin OLD] [--sizes 10000,100000,1000000] [--queries 1000] [--work DIR] \
        [--compare-corpus /work/bench-mid]

Nothing here is compared against a truth: these are sizes and times. The
answers themselves are checked by check-proof (exit 0 required).
"""

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

WORDS = ("fn let mut self return if else match for while impl struct enum pub use mod "
         "value index count total buffer result error config reader writer parse write "
         "read open close next item key map list vec string bytes len push pop insert").split()


def text(rng: random.Random, tokens: int) -> str:
    lines, line = [], []
    for _ in range(tokens):
        line.append(rng.choice(WORDS) + (str(rng.randrange(100)) if rng.random() < 0.3 else ""))
        if len(line) >= 8:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return "\n".join(lines) + "\n"


def corpus(path: str, n: int, seed: int):
    """Writes n documents; returns a few of their texts for queries."""
    rng = random.Random(seed)
    kept = []
    with open(path, "w") as out:
        for i in range(n):
            roll = rng.random()
            if roll < 0.04 and kept:
                body = rng.choice(kept)  # an exact copy
            elif roll < 0.08 and kept:
                lines = rng.choice(kept).split("\n")
                lines[rng.randrange(len(lines))] = "changed line " + str(i)
                body = "\n".join(lines)  # a near copy
            else:
                body = text(rng, rng.randrange(60, 240))
            if len(kept) < 5000:
                kept.append(body)
            elif rng.random() < 0.01:
                kept[rng.randrange(len(kept))] = body
            out.write(json.dumps({"id": f"doc{i}", "text": body, "repo": f"r{i % 997}"}) + "\n")
    return kept


def timed(cmd, repeat=1):
    walls = []
    for _ in range(repeat):
        start = time.monotonic()
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        walls.append(time.monotonic() - start)
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")
    return statistics.median(walls), done


def compare_overhead(args):
    """`run` on benches/compare's corpus, as its harness runs it (threshold 0.7),
    with and without the commitments: alternately, --repeat times each."""
    def run(binary, out):
        return [binary, "run", "--input", args.compare_corpus, "--out", out, "--overwrite", "--tokenizer", "bigcode",
                "--ngram", "5", "--num-perm", "256", "--threshold", "0.7", "--threads", "2", "--json", "--quiet"]
    new = run(args.bin, os.path.join(args.work, "compare-ds"))
    base = run(args.base_bin, os.path.join(args.work, "compare-base"))
    timed(new, 1)  # warm the page cache
    walls, base_walls = [], []
    for _ in range(args.repeat):
        base_walls.append(timed(base, 1)[0])
        walls.append(timed(new, 1)[0])
    manifest = json.load(open(os.path.join(args.work, "compare-ds", "manifest.json")))
    row = {
        "corpus": args.compare_corpus, "documents": manifest["counts"]["documents"],
        "kept": manifest["counts"]["kept"], "band-keys": manifest["commitments"]["bands"]["leaves"],
        "run-s": walls, "run-without-commitments-s": base_walls,
        "ratio-of-medians": statistics.median(walls) / statistics.median(base_walls),
    }
    json.dump(row, open(os.path.join(args.work, "compare-overhead.json"), "w"), indent=2)
    print(json.dumps(row), flush=True)
    print(f"# run on {args.compare_corpus}: {row['documents']:,} documents, {row['band-keys']:,} band keys; "
          f"medians of {args.repeat}: {statistics.median(walls):.2f} s with the commitments, "
          f"{statistics.median(base_walls):.2f} s without, ratio {row['ratio-of-medians']:.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--base-bin", help="a corpusledger without commitments, for the run overhead")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--work", default="/tmp/disclosure-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compare-corpus", help="benches/compare's corpus, for the run overhead there (needs --base-bin)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.compare_corpus:
        if not args.base_bin:
            sys.exit("--compare-corpus needs --base-bin")
        compare_overhead(args)
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        work = os.path.join(args.work, str(n))
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        docs = os.path.join(work, "docs.jsonl")
        texts = corpus(docs, n, seed=n)
        ds = os.path.join(work, "ds")
        run = [args.bin, "run", "--quiet", "--input", docs, "--out", ds, "--overwrite"]
        run_wall, _ = timed(run, 1)
        base_wall = None
        if args.base_bin:
            base = [args.base_bin, "run", "--quiet", "--input", docs, "--out", os.path.join(work, "base"), "--overwrite"]
            # Alternate the two, repeat times each, so drift hits both alike.
            walls, base_walls = [run_wall], []
            for _ in range(args.repeat):
                base_walls.append(timed(base, 1)[0])
                walls.append(timed(run, 1)[0])
            run_wall, base_wall = statistics.median(walls), statistics.median(base_walls)
        manifest = json.load(open(os.path.join(ds, "manifest.json")))
        qdir = os.path.join(work, "queries")
        os.makedirs(qdir)
        rng = random.Random(7)
        for q in range(args.queries):
            body = rng.choice(texts) if q % 2 == 0 else text(rng, 120)
            with open(os.path.join(qdir, f"q{q:05}.txt"), "w") as f:
                f.write(body)
        proof = os.path.join(work, "proof.json")
        prove_wall, _ = timed([args.bin, "prove", ds, qdir, "--out", proof], args.repeat)
        hashes = [subprocess.run(["sha256sum", os.path.join(qdir, f)], capture_output=True, text=True).stdout.split()[0]
                  for f in sorted(os.listdir(qdir))]
        sha_proof = os.path.join(work, "sha-proof.json")
        sha_wall, _ = timed([args.bin, "prove", ds, "--sha256", *hashes, "--out", sha_proof], args.repeat)
        shutil.copy(os.path.join(ds, "manifest.json"), os.path.join(work, "manifest.json"))
        check_wall, checked = timed([args.bin, "check-proof", "--json", os.path.join(work, "manifest.json"), proof], 1)
        answers = json.loads(checked.stdout)["answers"]
        status = {s: sum(a["status"] == s for a in answers) for s in ("kept", "removed", "absent")}
        c = manifest["commitments"]
        rows.append({
            "documents": n,
            "kept": c["kept"]["leaves"], "removed": c["removed"]["leaves"], "band-keys": c["bands"]["leaves"],
            "bands": manifest["dedup"]["bands"],
            "tree-bytes": sum(o["bytes"] for o in manifest["outputs"] if o["kind"] == "commitment-tree"),
            "proof-bytes-per-file-query": os.path.getsize(proof) / args.queries,
            "proof-bytes-per-hash-query": os.path.getsize(sha_proof) / args.queries,
            "log2-band-keys": math.log2(max(c["bands"]["leaves"], 1)),
            "prove-files-s": prove_wall, "prove-hashes-s": sha_wall, "check-proof-s": check_wall,
            "run-s": run_wall, "run-without-commitments-s": base_wall,
            "answers": status,
        })
        print(json.dumps(rows[-1]), flush=True)
    out = os.path.join(args.work, "results.json")
    json.dump(rows, open(out, "w"), indent=2)
    print(f"# {args.queries} queries per size (half corpus texts, half new); times are medians of {args.repeat} wall-clock runs")
    print("| documents | kept | band keys | tree files (MB) | proof B/query (file) | proof B/query (hash) | prove files (s) | prove hashes (s) | run (s) | run without commitments (s) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        base = r["run-without-commitments-s"]
        ratio = f"{r['run-s'] / base:.3f}" if base else "-"
        print(f"| {r['documents']:,} | {r['kept']:,} | {r['band-keys']:,} | {r['tree-bytes'] / 1e6:.1f} | "
              f"{r['proof-bytes-per-file-query']:,.0f} | {r['proof-bytes-per-hash-query']:,.0f} | {r['prove-files-s']:.2f} | "
              f"{r['prove-hashes-s']:.2f} | {r['run-s']:.1f} | {base if base is None else round(base, 1)} | {ratio} |")


if __name__ == "__main__":
    main()
